// SPDX-License-Identifier: GPL-2.0-or-later
/* Demultiplexing: the table from connection IDs to sockets (every source
 * ID a connection issued, plus a server's original Destination ID during
 * the handshake) and the listeners of each UDP tunnel socket.
 */

#include <linux/jhash.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>

#include "conn.h"

#define QUIC_DEMUX_BITS		10

static struct hlist_head quic_demux_table[1 << QUIC_DEMUX_BITS];
static DEFINE_SPINLOCK(quic_demux_lock);
static DEFINE_SPINLOCK(quic_listen_lock);
static u32 quic_demux_seed __read_mostly;

static struct sock *quic_cid_entry_sk(const struct quic_cid_entry *e)
{
	return quic_sk_of(container_of(e->set, struct quic_sock, scids));
}

static struct hlist_head *quic_demux_bucket(const struct net *net,
					    const u8 *cid, u8 len)
{
	u32 h = jhash(cid, len, quic_demux_seed ^ net_hash_mix(net));

	return &quic_demux_table[h & ((1 << QUIC_DEMUX_BITS) - 1)];
}

int quic_demux_init(void)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(quic_demux_table); i++)
		INIT_HLIST_HEAD(&quic_demux_table[i]);
	quic_demux_seed = get_random_u32();
	return 0;
}

void quic_demux_exit(void)
{
	/* every socket unhashed its IDs before the module can go */
	synchronize_rcu();
}

static bool quic_demux_match(const struct quic_cid_entry *e,
			     const struct net *net, const u8 *cid, u8 len)
{
	return e->cid.len == len && !memcmp(e->cid.data, cid, len) &&
	       net_eq(sock_net(quic_cid_entry_sk(e)), net);
}

/**
 * quic_demux_add - make packets to the ID @e reach its socket
 * @e: an entry of a socket's source set (or its odcid_e)
 *
 * Return: 0, or -EEXIST if another connection of the netns uses the ID.
 */
int quic_demux_add(struct quic_cid_entry *e)
{
	struct net *net = sock_net(quic_cid_entry_sk(e));
	struct hlist_head *head;
	struct quic_cid_entry *o;

	head = quic_demux_bucket(net, e->cid.data, e->cid.len);
	spin_lock_bh(&quic_demux_lock);
	hlist_for_each_entry(o, head, node) {
		if (quic_demux_match(o, net, e->cid.data, e->cid.len)) {
			spin_unlock_bh(&quic_demux_lock);
			return -EEXIST;
		}
	}
	hlist_add_head_rcu(&e->node, head);
	spin_unlock_bh(&quic_demux_lock);
	return 0;
}

void quic_demux_del(struct quic_cid_entry *e)
{
	spin_lock_bh(&quic_demux_lock);
	if (!hlist_unhashed(&e->node))
		hlist_del_init_rcu(&e->node);
	spin_unlock_bh(&quic_demux_lock);
}

static int quic_demux_hash(struct quic_cid_entry *e)
{
	return quic_demux_add(e);
}

const struct quic_cid_ops quic_demux_ops = {
	.hash	= quic_demux_hash,
	.unhash	= quic_demux_del,
};

/**
 * quic_demux_lookup - the socket a connection ID belongs to
 * @net: netns the packet arrived in
 * @cid: the packet's Destination Connection ID
 * @len: its length
 *
 * Context: RCU read side (softirq).
 * Return: the socket with a reference held, or NULL.
 */
struct sock *quic_demux_lookup(struct net *net, const u8 *cid, u8 len)
{
	struct quic_cid_entry *e;
	struct sock *sk;

	hlist_for_each_entry_rcu(e, quic_demux_bucket(net, cid, len), node) {
		if (!quic_demux_match(e, net, cid, len))
			continue;
		sk = quic_cid_entry_sk(e);
		if (refcount_inc_not_zero(&sk->sk_refcnt))
			return sk;
		return NULL;
	}
	return NULL;
}

void quic_listen_add(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	spin_lock_bh(&quic_listen_lock);
	hlist_add_head_rcu(&qs->lnode, &qs->udp_sk->listeners);
	spin_unlock_bh(&quic_listen_lock);
}

/* Context: process (may sleep) */
void quic_listen_del(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	bool listed;

	spin_lock_bh(&quic_listen_lock);
	listed = !hlist_unhashed(&qs->lnode);
	if (listed)
		hlist_del_init_rcu(&qs->lnode);
	spin_unlock_bh(&quic_listen_lock);
	/* the ALPN router reads the list under RCU: wait for it before
	 * the socket's close frees the list
	 */
	if (listed && qs->alpn.len)
		synchronize_rcu();
}

/**
 * quic_listen_lookup - the listener for a new connection on tunnel @us
 * @us: the tunnel socket the Initial arrived on
 *
 * Context: RCU read side.
 * Return: a listening socket with a reference held, or NULL.
 */
struct sock *quic_listen_lookup(struct quic_udp_sock *us)
{
	struct quic_sock *qs;
	struct sock *sk;

	hlist_for_each_entry_rcu(qs, &us->listeners, lnode) {
		sk = quic_sk_of(qs);
		if (refcount_inc_not_zero(&sk->sk_refcnt))
			return sk;
	}
	return NULL;
}
