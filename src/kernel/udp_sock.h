/* SPDX-License-Identifier: GPL-2.0-or-later */
/* UDP tunnel sockets that carry QUIC, shared by all QUIC sockets bound to the
 * same local address and port.
 */

#ifndef __QUIC_UDP_SOCK_H
#define __QUIC_UDP_SOCK_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/refcount.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

union quic_addr {
	struct sockaddr		sa;
	struct sockaddr_in	v4;
	struct sockaddr_in6	v6;
};

/* "[v6 address%scope]:port" as printed by %pISpc, with its NUL */
#define QUIC_ADDR_STR_LEN	64

struct quic_udp_sock {
	struct hlist_node	node;
	possible_net_t		net;
	struct socket		*sock;
	union quic_addr		addr;		/* bound address and port */
	int			bound_dev_if;
	bool			v6only;
	refcount_t		refcnt;
	atomic64_t		rx_packets;	/* datagrams taken from UDP */
	struct hlist_head	listeners;	/* listening QUIC sockets (RCU) */
};

struct quic_udp_sock *quic_udp_sock_get(struct net *net,
					union quic_addr *addr,
					int bound_dev_if, bool v6only);
void quic_udp_sock_put(struct quic_udp_sock *us);

static inline void quic_udp_sock_hold(struct quic_udp_sock *us)
{
	refcount_inc(&us->refcnt);
}

int quic_udp_seq_show_all(struct seq_file *seq, struct net *net);

#endif /* __QUIC_UDP_SOCK_H */
