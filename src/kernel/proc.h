/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/net/quic: the sockets and UDP tunnel sockets of a namespace. */

#ifndef __QUIC_PROC_H
#define __QUIC_PROC_H

#include <net/net_namespace.h>

int quic_proc_net_init(struct net *net);
void quic_proc_net_exit(struct net *net);

#endif /* __QUIC_PROC_H */
