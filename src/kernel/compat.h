/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every difference between the kernels the module supports (6.1 and newer)
 * lives here, so the protocol files read like mainline code. The QUIC_HAVE_*
 * macros come from header probes in Kbuild.
 */

#ifndef __QUIC_COMPAT_H
#define __QUIC_COMPAT_H

#include <linux/version.h>
#include <linux/socket.h>
#include <net/udp_tunnel.h>

/* 6.19: bind()/connect() callbacks take struct sockaddr_unsized */
#ifdef QUIC_HAVE_SOCKADDR_UNSIZED
#define QUIC_SOCKADDR_ARG	struct sockaddr_unsized
#else
#define QUIC_SOCKADDR_ARG	struct sockaddr
#endif

/* 6.5: struct proto says where struct ipv6_pinfo is; before, it had to be
 * the last member of the socket (quic6_sock keeps it last either way)
 */
#ifdef QUIC_HAVE_IPV6_PINFO_OFFSET
#define QUIC_PROTO_IPV6_PINFO_OFFSET(type, member)	\
	.ipv6_pinfo_offset = offsetof(type, member),
#else
#define QUIC_PROTO_IPV6_PINFO_OFFSET(type, member)
#endif

/* 7.x: struct proto's recvmsg() lost its addr_len argument */
#ifdef QUIC_HAVE_RECVMSG_ADDR_LEN
#define QUIC_RECVMSG_ARGS	int flags, int *addr_len
#else
#define QUIC_RECVMSG_ARGS	int flags
#endif

/* 7.x: UDP tunnel setup and release take the struct sock */
#ifdef QUIC_HAVE_UDP_TUNNEL_SK
#define quic_setup_udp_tunnel_sock(net, sock, cfg)	\
	setup_udp_tunnel_sock(net, (sock)->sk, cfg)
#define quic_udp_tunnel_sock_release(sock)		\
	udp_tunnel_sock_release((sock)->sk)
#else
#define quic_setup_udp_tunnel_sock(net, sock, cfg)	\
	setup_udp_tunnel_sock(net, sock, cfg)
#define quic_udp_tunnel_sock_release(sock)		\
	udp_tunnel_sock_release(sock)
#endif

/* newer kernels read the owner with sk_uid(); sock_i_uid() is gone */
#ifdef QUIC_HAVE_SK_UID
#define quic_sk_uid(sk)		sk_uid(sk)
#else
#define quic_sk_uid(sk)		sock_i_uid(sk)
#endif

/* 6.16: from_timer() became timer_container_of() */
#ifndef timer_container_of
#define timer_container_of(var, t, field)	from_timer(var, t, field)
#endif

/* 6.10: proto_ops.accept() takes struct proto_accept_arg */
#ifdef QUIC_HAVE_PROTO_ACCEPT_ARG
#define QUIC_ACCEPT_ARGS	struct proto_accept_arg *arg
#define QUIC_ACCEPT_FLAGS	(arg->flags)
#define QUIC_ACCEPT_KERN	(arg->kern)
#else
#define QUIC_ACCEPT_ARGS	int flags, bool kern
#define QUIC_ACCEPT_FLAGS	(flags)
#define QUIC_ACCEPT_KERN	(kern)
#endif

/* 6.14: the UDP tunnel transmit helpers take IP control block flags */
#ifdef QUIC_HAVE_TUNNEL_IPCB_FLAGS
#define quic_udp_tunnel_xmit_skb(rt, sk, skb, s, d, tos, ttl, df, sp, dp) \
	udp_tunnel_xmit_skb(rt, sk, skb, s, d, tos, ttl, df, sp, dp,	\
			    false, false, 0)
#define quic_udp_tunnel6_xmit_skb(dst, sk, skb, s, d, prio, ttl, sp, dp) \
	udp_tunnel6_xmit_skb(dst, sk, skb, NULL, s, d, prio, ttl, 0, sp, dp, \
			     false, 0)
#else
#define quic_udp_tunnel_xmit_skb(rt, sk, skb, s, d, tos, ttl, df, sp, dp) \
	udp_tunnel_xmit_skb(rt, sk, skb, s, d, tos, ttl, df, sp, dp,	\
			    false, false)
#define quic_udp_tunnel6_xmit_skb(dst, sk, skb, s, d, prio, ttl, sp, dp) \
	udp_tunnel6_xmit_skb(dst, sk, skb, NULL, s, d, prio, ttl, 0, sp, dp, \
			     false)
#endif

/* 6.11: skb_set_delivery_time() takes a clock type instead of a "mono"
 * flag; 1 is the monotonic clock in both
 */
#define quic_skb_set_edt(skb, kt)	skb_set_delivery_time(skb, kt, 1)

/* 6.11: sysctl handlers take a const table; 6.6: tables are registered
 * with their size and (from 6.11) must not end with an empty sentinel
 */
#ifdef QUIC_HAVE_CONST_CTL_TABLE
#define QUIC_CTL_TABLE		const struct ctl_table
#else
#define QUIC_CTL_TABLE		struct ctl_table
#endif
#ifdef QUIC_HAVE_SYSCTL_SZ
#define QUIC_CTL_SENTINEL
#define quic_register_sysctl(path, table, size)				\
	register_net_sysctl_sz(&init_net, path, table, size)
#else
#define QUIC_CTL_SENTINEL	{ }
#define quic_register_sysctl(path, table, size)				\
	((void)(size), register_net_sysctl(&init_net, path, table))
#endif

#endif /* __QUIC_COMPAT_H */
