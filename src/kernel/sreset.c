// SPDX-License-Identifier: GPL-2.0-or-later
/* Stateless reset (RFC 9000 10.3): answering a short-header packet for no
 * connection with a reset (rate limited, always smaller than the packet),
 * the table of the peers' reset tokens, and closing a connection that
 * receives a reset with one of its peer's tokens.
 */

#include <crypto/algapi.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>

#include "conn.h"
#include "mib.h"

#define QUIC_SRESET_BITS	8
#define QUIC_SRESET_MIN_LEN	21	/* 5 unpredictable bytes + token */
#define QUIC_SRESET_MAX_LEN	42	/* what we send at most */
#define QUIC_SRESET_PER_SEC	100	/* resets sent per second, per host */

static struct hlist_head quic_sreset_table[1 << QUIC_SRESET_BITS];
static DEFINE_SPINLOCK(quic_sreset_lock);
static DEFINE_SPINLOCK(quic_sreset_rate_lock);
static unsigned long quic_sreset_stamp;
static u32 quic_sreset_count;

static struct sock *quic_sreset_entry_sk(const struct quic_cid_entry *e)
{
	return quic_sk_of(container_of(e->set, struct quic_sock, dcids));
}

static struct hlist_head *quic_sreset_bucket(const struct net *net,
					     const u8 *token)
{
	u32 h = jhash(token, QUIC_STATELESS_RESET_TOKEN_LEN, net_hash_mix(net));

	return &quic_sreset_table[h & ((1 << QUIC_SRESET_BITS) - 1)];
}

static int quic_sreset_hash(struct quic_cid_entry *e)
{
	struct net *net = sock_net(quic_sreset_entry_sk(e));

	spin_lock_bh(&quic_sreset_lock);
	if (hlist_unhashed(&e->node))
		hlist_add_head_rcu(&e->node, quic_sreset_bucket(net, e->token));
	spin_unlock_bh(&quic_sreset_lock);
	return 0;
}

static void quic_sreset_unhash(struct quic_cid_entry *e)
{
	spin_lock_bh(&quic_sreset_lock);
	if (!hlist_unhashed(&e->node))
		hlist_del_init_rcu(&e->node);
	spin_unlock_bh(&quic_sreset_lock);
}

/* the hooks of every connection's destination set */
const struct quic_cid_ops quic_sreset_ops = {
	.hash	= quic_sreset_hash,
	.unhash	= quic_sreset_unhash,
};

/* the connection whose peer has @token, with a reference; RCU read side */
static struct sock *quic_sreset_lookup(struct net *net, const u8 *token)
{
	struct quic_cid_entry *e;
	struct sock *sk;

	hlist_for_each_entry_rcu(e, quic_sreset_bucket(net, token), node) {
		sk = quic_sreset_entry_sk(e);
		if (!net_eq(sock_net(sk), net) ||
		    crypto_memneq(e->token, token, QUIC_STATELESS_RESET_TOKEN_LEN))
			continue;
		if (refcount_inc_not_zero(&sk->sk_refcnt))
			return sk;
		return NULL;
	}
	return NULL;
}

/* at most QUIC_SRESET_PER_SEC resets a second */
static bool quic_sreset_allowed(void)
{
	bool ok;

	spin_lock_bh(&quic_sreset_rate_lock);
	if (time_after(jiffies, quic_sreset_stamp + HZ)) {
		quic_sreset_stamp = jiffies;
		quic_sreset_count = 0;
	}
	ok = quic_sreset_count < QUIC_SRESET_PER_SEC;
	if (ok)
		quic_sreset_count++;
	spin_unlock_bh(&quic_sreset_rate_lock);
	return ok;
}

/* send a stateless reset for the packet in @skb (@len bytes, to our ID of
 * QUIC_SCID_LEN bytes after the first byte)
 */
static void quic_sreset_send(struct quic_udp_sock *us, struct sk_buff *in,
			     u32 len)
{
	union quic_addr src, dst;
	struct sk_buff *skb;
	u32 n;
	u8 *p;

	/* smaller than the packet, so that two endpoints answering each
	 * other's resets stop (RFC 9000 10.3)
	 */
	n = min_t(u32, len - 1, QUIC_SRESET_MAX_LEN);
	if (n < QUIC_SRESET_MIN_LEN || !quic_sreset_allowed())
		return;
	skb = quic_skb_alloc(n, GFP_ATOMIC);
	if (!skb)
		return;
	p = skb_put(skb, n);
	get_random_bytes(p, n - QUIC_STATELESS_RESET_TOKEN_LEN);
	/* a short header: form 0, fixed bit 1 */
	p[0] = (p[0] & ~QUIC_HDR_FORM_LONG) | QUIC_HDR_FIXED_BIT;
	if (quic_token_sreset(in->data + 1, QUIC_SCID_LEN,
			      p + n - QUIC_STATELESS_RESET_TOKEN_LEN)) {
		kfree_skb(skb);
		return;
	}
	quic_skb_addrs(in, &src, &dst);
	quic_mib_inc(QUIC_MIB_SRESET_SENT);
	quic_udp_xmit(read_pnet(&us->net), us->sock, us->bound_dev_if, skb,
		      &dst, &src);
}

/**
 * quic_sreset_unknown - a short-header datagram matched no connection ID
 * @us: the tunnel socket it came on
 * @skb: the datagram (data at the QUIC packet); consumed
 * @len: bytes of its first datagram
 *
 * If its last bytes are the reset token of a connection's peer, it is a
 * stateless reset for that connection and goes to it; otherwise it is
 * answered with a stateless reset (RFC 9000 10.3).
 *
 * Context: softirq, RCU read side.
 */
void quic_sreset_unknown(struct quic_udp_sock *us, struct sk_buff *skb,
			 u32 len)
{
	struct net *net = read_pnet(&us->net);
	struct sock *sk;

	if (len < QUIC_SRESET_MIN_LEN || !(skb->data[0] & QUIC_HDR_FIXED_BIT))
		goto drop;
	sk = quic_sreset_lookup(net, skb->data + len -
				QUIC_STATELESS_RESET_TOKEN_LEN);
	if (sk) {
		QUIC_SKB_CB(skb)->sreset = 1;
		quic_deliver(sk, skb);
		sock_put(sk);
		return;
	}
	if (len >= 1 + QUIC_SCID_LEN)
		quic_sreset_send(us, skb, len);
drop:
	kfree_skb(skb);
}

/**
 * quic_sreset_rcv - a datagram that may be a stateless reset reached @sk
 * @sk: connection socket, locked
 * @skb: the datagram; the caller frees it
 *
 * With one of the peer's tokens in its last bytes, the connection ends at
 * once: no more packets (RFC 9000 10.3.1), ECONNRESET for the
 * application and QUIC_EVENT_CONNECTION_CLOSE with errcode 0 and the
 * phrase "stateless reset".
 *
 * Return: true if it was a reset.
 */
bool quic_sreset_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_connection_close *c = &qs->peer_close;
	u32 len = skb->len;

	if (len < QUIC_SRESET_MIN_LEN ||
	    !quic_cid_dest_token_match(&qs->dcids, skb->data + len -
				       QUIC_STATELESS_RESET_TOKEN_LEN))
		return false;
	quic_mib_inc(QUIC_MIB_SRESET_RCVD);
	if (test_bit(QUIC_F_PEER_CLOSED, &qs->flags) ||
	    sk->sk_state == QUIC_SS_CLOSED) {
		/* in the closing period: the peer is gone, stop answering */
		set_bit(QUIC_F_PEER_CLOSED, &qs->flags);
		return true;
	}
	memset(c, 0, sizeof(*c));
	strscpy((char *)c->phrase, "stateless reset", sizeof(c->phrase));
	set_bit(QUIC_F_PEER_CLOSED, &qs->flags);
	qs->close_deadline = quic_now() + quic_conn_close_period(qs);
	quic_conn_end_event(sk, 0, 0, (char *)c->phrase);
	quic_conn_done(sk, ECONNRESET);
	quic_timer_update(sk);
	return true;
}
