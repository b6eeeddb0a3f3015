// SPDX-License-Identifier: GPL-2.0-or-later
/* UDP tunnel sockets that carry QUIC: creation on bind, sharing between QUIC
 * sockets bound to the same address, release with the last user, and the
 * encapsulation receive hook.
 */

#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <net/ipv6.h>

#include "compat.h"
#include "udp_sock.h"
#include "conn.h"

static DEFINE_HASHTABLE(quic_udp_table, 8);
static DEFINE_MUTEX(quic_udp_lock);	/* protects quic_udp_table */

static u16 quic_addr_port(const union quic_addr *a)
{
	return ntohs(a->sa.sa_family == AF_INET ? a->v4.sin_port :
		     a->v6.sin6_port);
}

static bool quic_udp_match(const struct quic_udp_sock *us, struct net *net,
			   const union quic_addr *a, int bound_dev_if,
			   bool v6only)
{
	if (!net_eq(read_pnet(&us->net), net) ||
	    us->addr.sa.sa_family != a->sa.sa_family ||
	    us->bound_dev_if != bound_dev_if)
		return false;
	if (a->sa.sa_family == AF_INET)
		return us->addr.v4.sin_port == a->v4.sin_port &&
		       us->addr.v4.sin_addr.s_addr == a->v4.sin_addr.s_addr;
	return us->v6only == v6only &&
	       us->addr.v6.sin6_port == a->v6.sin6_port &&
	       ipv6_addr_equal(&us->addr.v6.sin6_addr, &a->v6.sin6_addr);
}

/* Runs in softirq context for every UDP datagram arriving on a tunnel
 * socket: count it and hand it to the demux (input.c), which consumes it.
 */
static int quic_udp_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct quic_udp_sock *us = rcu_dereference_sk_user_data(sk);

	if (!us) {
		kfree_skb(skb);
		return 0;
	}
	atomic64_inc(&us->rx_packets);
	return quic_rcv(sk, skb);
}

static int quic_udp_sock_create(struct net *net, struct quic_udp_sock *us)
{
	struct udp_tunnel_sock_cfg tcfg = {};
	struct udp_port_cfg cfg = {};
	union quic_addr bound;
	int err;

	cfg.family = us->addr.sa.sa_family;
	cfg.bind_ifindex = us->bound_dev_if;
	if (cfg.family == AF_INET) {
		cfg.local_ip = us->addr.v4.sin_addr;
		cfg.local_udp_port = us->addr.v4.sin_port;
	} else {
		cfg.local_ip6 = us->addr.v6.sin6_addr;
		cfg.local_udp_port = us->addr.v6.sin6_port;
		cfg.ipv6_v6only = us->v6only;
	}
	err = udp_sock_create(net, &cfg, &us->sock);
	if (err)
		return err;

	/* port 0 asked the kernel for a port: learn which */
	err = kernel_getsockname(us->sock, &bound.sa);
	if (err < 0) {
		quic_udp_tunnel_sock_release(us->sock);
		return err;
	}
	if (cfg.family == AF_INET)
		us->addr.v4.sin_port = bound.v4.sin_port;
	else
		us->addr.v6.sin6_port = bound.v6.sin6_port;

	tcfg.sk_user_data = us;
	tcfg.encap_type = 1;
	tcfg.encap_rcv = quic_udp_rcv;
	/* No UDP GRO is asked for: the UDP layer splits GSO/GRO skbs
	 * again before an encapsulation socket's hook (udp_unexpected_gso()),
	 * so coalescing them would only cost a segmentation.
	 */
	quic_setup_udp_tunnel_sock(net, us->sock, &tcfg);
	return 0;
}

/**
 * quic_udp_sock_get - find or create the tunnel socket for a local address
 * @net: network namespace of the QUIC socket
 * @addr: local address and port (port 0: a new socket on a free port)
 * @bound_dev_if: SO_BINDTODEVICE of the QUIC socket, or 0
 * @v6only: IPV6_V6ONLY of the QUIC socket (AF_INET6 only)
 *
 * Return: a referenced tunnel socket whose address (with the port the kernel
 * chose) is in ->addr, or an ERR_PTR: -EADDRINUSE when a UDP socket that is
 * not ours holds the port, -EADDRNOTAVAIL for a non-local address.
 */
struct quic_udp_sock *quic_udp_sock_get(struct net *net,
					union quic_addr *addr,
					int bound_dev_if, bool v6only)
{
	u16 port = quic_addr_port(addr);
	struct quic_udp_sock *us;
	int err;

	if (addr->sa.sa_family == AF_INET)
		v6only = false;

	mutex_lock(&quic_udp_lock);
	if (port) {
		hash_for_each_possible(quic_udp_table, us, node, port) {
			if (quic_udp_match(us, net, addr, bound_dev_if, v6only) &&
			    refcount_inc_not_zero(&us->refcnt))
				goto out;
		}
	}

	us = kzalloc(sizeof(*us), GFP_KERNEL);
	if (!us) {
		us = ERR_PTR(-ENOMEM);
		goto out;
	}
	us->addr = *addr;
	us->bound_dev_if = bound_dev_if;
	us->v6only = v6only;
	write_pnet(&us->net, net);
	refcount_set(&us->refcnt, 1);
	INIT_HLIST_HEAD(&us->listeners);
	err = quic_udp_sock_create(net, us);
	if (err) {
		kfree(us);
		us = ERR_PTR(err);
		goto out;
	}
	hash_add(quic_udp_table, &us->node, quic_addr_port(&us->addr));
out:
	mutex_unlock(&quic_udp_lock);
	return us;
}

/**
 * quic_udp_sock_put - drop a reference; the last one closes the UDP socket
 * @us: tunnel socket from quic_udp_sock_get()
 *
 * Context: process context (closing the UDP socket may sleep).
 */
void quic_udp_sock_put(struct quic_udp_sock *us)
{
	if (!refcount_dec_and_mutex_lock(&us->refcnt, &quic_udp_lock))
		return;
	hash_del(&us->node);
	mutex_unlock(&quic_udp_lock);

	/* clears sk_user_data and waits for quic_udp_rcv() readers (RCU)
	 * before closing, so @us can be freed right after
	 */
	quic_udp_tunnel_sock_release(us->sock);
	kfree(us);
}

/* One line per tunnel socket of @net, for /proc/net/quic/udp. */
int quic_udp_seq_show_all(struct seq_file *seq, struct net *net)
{
	char addr[QUIC_ADDR_STR_LEN];
	struct quic_udp_sock *us;
	int bkt;

	seq_printf(seq, "%-47s %-6s %-5s %-8s %s\n", "LOCAL_ADDRESS", "V6ONLY",
		   "IF", "USERS", "RX_PACKETS");
	mutex_lock(&quic_udp_lock);
	hash_for_each(quic_udp_table, bkt, us, node) {
		if (!net_eq(read_pnet(&us->net), net))
			continue;
		/* no field width on %pIS: the kernel pads IPv4 with NULs */
		snprintf(addr, sizeof(addr), "%pISpc", &us->addr.sa);
		seq_printf(seq, "%-47s %-6u %-5d %-8u %lld\n", addr,
			   us->v6only, us->bound_dev_if,
			   refcount_read(&us->refcnt),
			   (long long)atomic64_read(&us->rx_packets));
	}
	mutex_unlock(&quic_udp_lock);
	return 0;
}
