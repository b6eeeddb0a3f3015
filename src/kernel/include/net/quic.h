/* SPDX-License-Identifier: GPL-2.0-or-later */
/* In-kernel QUIC for kernel consumers (SMB, NFS, samples): the socket is
 * made with sock_create_kern(AF_INET or AF_INET6, SOCK_DGRAM, IPPROTO_QUIC)
 * and used with kernel_bind/listen/accept/connect and kernel_sendmsg/
 * kernel_recvmsg, carrying the cmsgs of <linux/quic.h> in kernel memory.
 * The TLS handshake is done by a userspace agent through net/handshake
 * (tls_client_hello_*() / tls_server_hello_*()). Socket options at level
 * SOL_QUIC take kernel pointers through the two functions below.
 */

#ifndef __NET_QUIC_H
#define __NET_QUIC_H

#include <net/sock.h>
#include "../uapi/linux/quic.h"

int quic_kernel_setsockopt(struct sock *sk, int optname, void *optval,
			   unsigned int optlen);
int quic_kernel_getsockopt(struct sock *sk, int optname, void *optval,
			   unsigned int *optlen);

#endif /* __NET_QUIC_H */
