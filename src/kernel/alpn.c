// SPDX-License-Identifier: GPL-2.0-or-later
/* ALPN routing: which of the listeners sharing a tunnel socket gets a new
 * connection, from the ALPN extension of the ClientHello in the client's
 * first Initial; a connection no listener takes is refused with
 * no_application_protocol.
 */

#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/workqueue.h>

#include "conn.h"
#include "frame.h"

#define QUIC_ROUTE_QLEN		256	/* Initials waiting to be routed */
#define QUIC_ROUTE_CACHE	64	/* connections recently routed */
#define QUIC_ROUTE_LIFE		(10 * HZ)
#define QUIC_ROUTE_CH_MAX	4096	/* ClientHello bytes looked at */
#define QUIC_ROUTE_FRAMES	32	/* CRYPTO frames per Initial */
#define QUIC_TLS_EXT_ALPN	16
#define QUIC_TLS_ALERT_NO_APP	120

struct quic_route_cb {
	struct quic_skb_cb base;
	struct quic_udp_sock *us;
};

#define QUIC_ROUTE_CB(skb)	((struct quic_route_cb *)&((skb)->cb[0]))

/* a connection routed to a listener, for the rest of its Initials */
struct quic_route {
	const struct quic_sock *lqs;
	possible_net_t net;
	union quic_addr peer;
	struct quic_cid dcid;
	unsigned long expires;
};

static struct quic_route quic_routes[QUIC_ROUTE_CACHE];
static unsigned int quic_route_next;
static DEFINE_SPINLOCK(quic_route_lock);
static struct sk_buff_head quic_route_q;
static void quic_route_work(struct work_struct *work);
static DECLARE_WORK(quic_route_wk, quic_route_work);

void quic_route_init(void)
{
	skb_queue_head_init(&quic_route_q);
}

void quic_route_exit(void)
{
	struct sk_buff *skb;

	cancel_work_sync(&quic_route_wk);
	while ((skb = skb_dequeue(&quic_route_q))) {
		quic_udp_sock_put(QUIC_ROUTE_CB(skb)->us);
		kfree_skb(skb);
	}
}

/* does the comma-separated @list hold @name? */
static bool quic_alpn_in(const struct quic_data *list, const u8 *name, u8 len)
{
	const u8 *p = list->data, *end = p + list->len, *c;

	while (p < end) {
		c = memchr(p, ',', end - p);
		if (!c)
			c = end;
		if (c - p == len && !memcmp(p, name, len))
			return true;
		p = c + 1;
	}
	return false;
}

/* does any listener of @us have an ALPN list? RCU read side */
static bool quic_route_needed(struct quic_udp_sock *us)
{
	struct quic_sock *qs;

	hlist_for_each_entry_rcu(qs, &us->listeners, lnode)
		if (qs->alpn.len)
			return true;
	return false;
}

/* @lqs if it still listens on @us, with a reference; RCU read side */
static struct sock *quic_route_listener(struct quic_udp_sock *us,
					const struct quic_sock *lqs)
{
	struct quic_sock *qs;
	struct sock *sk;

	hlist_for_each_entry_rcu(qs, &us->listeners, lnode) {
		if (qs != lqs)
			continue;
		sk = quic_sk_of(qs);
		return refcount_inc_not_zero(&sk->sk_refcnt) ? sk : NULL;
	}
	return NULL;
}

/* the listener a connection was routed to, or NULL; RCU read side */
static struct sock *quic_route_find(struct quic_udp_sock *us,
				    const struct quic_hdr *hdr,
				    const union quic_addr *peer)
{
	const struct quic_sock *lqs = NULL;
	struct quic_route *r;
	int i;

	spin_lock_bh(&quic_route_lock);
	for (i = 0; i < QUIC_ROUTE_CACHE; i++) {
		r = &quic_routes[i];
		if (r->lqs && time_before(jiffies, r->expires) &&
		    net_eq(read_pnet(&r->net), read_pnet(&us->net)) &&
		    r->dcid.len == hdr->dcid_len &&
		    !memcmp(r->dcid.data, hdr->dcid, hdr->dcid_len) &&
		    !memcmp(&r->peer, peer, sizeof(*peer))) {
			lqs = r->lqs;
			break;
		}
	}
	spin_unlock_bh(&quic_route_lock);
	return lqs ? quic_route_listener(us, lqs) : NULL;
}

static void quic_route_add(struct quic_udp_sock *us, const struct quic_hdr *hdr,
			   const union quic_addr *peer,
			   const struct quic_sock *lqs)
{
	struct quic_route *r;

	spin_lock_bh(&quic_route_lock);
	r = &quic_routes[quic_route_next++ % QUIC_ROUTE_CACHE];
	r->lqs = lqs;
	write_pnet(&r->net, read_pnet(&us->net));
	r->peer = *peer;
	r->dcid.len = hdr->dcid_len;
	memcpy(r->dcid.data, hdr->dcid, hdr->dcid_len);
	r->expires = jiffies + QUIC_ROUTE_LIFE;
	spin_unlock_bh(&quic_route_lock);
}

/**
 * quic_route_rcv - route a datagram for a new connection on @us by ALPN
 * @us: the tunnel socket it arrived on
 * @skb: the datagram (data at the QUIC packet)
 *
 * Context: softirq, RCU read side.
 * Return: true if the datagram was taken (delivered, queued for the ALPN
 * look-up in process context, or dropped); false: no listener of @us has
 * an ALPN list, the caller delivers it to the first listener.
 */
bool quic_route_rcv(struct quic_udp_sock *us, struct sk_buff *skb)
{
	union quic_addr src, dst;
	struct quic_hdr hdr;
	struct sock *sk;

	if (!quic_route_needed(us))
		return false;
	if (quic_hdr_decode(skb->data, skb->len, QUIC_SCID_LEN, 0, &hdr) < 0 ||
	    hdr.type != QUIC_PKT_INITIAL)
		return false;	/* the listener answers or drops it */
	quic_skb_addrs(skb, &src, &dst);
	sk = quic_route_find(us, &hdr, &src);
	if (sk) {
		quic_deliver(sk, skb);
		sock_put(sk);
		return true;
	}
	if (skb_queue_len(&quic_route_q) >= QUIC_ROUTE_QLEN) {
		kfree_skb(skb);
		return true;
	}
	quic_udp_sock_hold(us);
	QUIC_ROUTE_CB(skb)->us = us;
	skb_queue_tail(&quic_route_q, skb);
	schedule_work(&quic_route_wk);
	return true;
}

/* the ClientHello bytes from offset 0 that the CRYPTO frames of the
 * Initial payload @p (@len bytes) cover, copied to @ch; returns the length
 */
static u32 quic_route_crypto(const u8 *p, u32 len, u8 *ch)
{
	struct { u64 off, len; const u8 *data; } fr[QUIC_ROUTE_FRAMES];
	struct quic_frame f;
	u32 n = 0, have = 0, i;
	bool more = true;
	int k;

	while (len) {
		k = quic_frame_decode(p, len, &f);
		if (k <= 0)
			return 0;
		p += k;
		len -= k;
		if (f.type != QUIC_FRAME_CRYPTO || n == QUIC_ROUTE_FRAMES)
			continue;
		fr[n].off = f.crypto.offset;
		fr[n].len = f.crypto.len;
		fr[n++].data = f.crypto.data;
	}
	/* the frames may come in any order: extend the prefix until no
	 * frame adds to it
	 */
	while (more) {
		more = false;
		for (i = 0; i < n; i++) {
			u64 end = min_t(u64, fr[i].off + fr[i].len,
					QUIC_ROUTE_CH_MAX);

			if (fr[i].off > have || end <= have)
				continue;
			memcpy(ch + have, fr[i].data + (have - fr[i].off),
			       end - have);
			have = end;
			more = true;
		}
	}
	return have;
}

/* reader over the ClientHello */
struct quic_tls_rd {
	const u8 *p;
	u32 left;
};

static bool quic_tls_skip(struct quic_tls_rd *r, u32 n)
{
	if (r->left < n)
		return false;
	r->p += n;
	r->left -= n;
	return true;
}

static bool quic_tls_get(struct quic_tls_rd *r, u32 n, u32 *v)
{
	u32 i;

	if (r->left < n)
		return false;
	for (*v = 0, i = 0; i < n; i++)
		*v = (*v << 8) | r->p[i];
	return quic_tls_skip(r, n);
}

/* a vector with a @n-byte length prefix, skipped */
static bool quic_tls_skip_vec(struct quic_tls_rd *r, u32 n)
{
	u32 len;

	return quic_tls_get(r, n, &len) && quic_tls_skip(r, len);
}

/**
 * quic_route_alpn - the ALPN protocol_name_list of a ClientHello
 * @ch: the ClientHello handshake message, maybe truncated
 * @len: bytes at @ch
 * @alpn: set to the list (without its length), NULL if none
 * @alpn_len: its length
 *
 * Return: 0 (@alpn NULL: the ClientHello has no ALPN extension), -EAGAIN
 * if @ch ends before the extension, -EINVAL if it is not a ClientHello.
 */
static int quic_route_alpn(const u8 *ch, u32 len, const u8 **alpn,
			   u32 *alpn_len)
{
	struct quic_tls_rd r = { ch, len };
	u32 type, mlen, elen, etype, l;
	bool whole;

	*alpn = NULL;
	if (!quic_tls_get(&r, 1, &type) || type != 1)
		return len < 1 ? -EAGAIN : -EINVAL;
	if (!quic_tls_get(&r, 3, &mlen))
		return -EAGAIN;
	whole = r.left >= mlen;
	if (whole)
		r.left = mlen;
	/* version, random, session ID, cipher suites, compression */
	if (!quic_tls_skip(&r, 2 + 32) || !quic_tls_skip_vec(&r, 1) ||
	    !quic_tls_skip_vec(&r, 2) || !quic_tls_skip_vec(&r, 1) ||
	    !quic_tls_get(&r, 2, &elen))
		return whole ? -EINVAL : -EAGAIN;
	if (r.left > elen)
		r.left = elen;
	while (r.left) {
		if (!quic_tls_get(&r, 2, &etype) || !quic_tls_get(&r, 2, &l) ||
		    r.left < l)
			return whole ? -EINVAL : -EAGAIN;
		if (etype == QUIC_TLS_EXT_ALPN) {
			struct quic_tls_rd e = { r.p, l };
			u32 ll;

			if (!quic_tls_get(&e, 2, &ll) || ll != e.left)
				return -EINVAL;
			*alpn = e.p;
			*alpn_len = ll;
			return 0;
		}
		quic_tls_skip(&r, l);
	}
	return whole ? 0 : -EAGAIN;
}

/* the listener for the ALPN list @alpn (NULL: none), with a reference:
 * the first one, in the client's order of preference, whose list names a
 * protocol of the client; else a listener without an ALPN list; RCU side
 */
static struct sock *quic_route_pick(struct quic_udp_sock *us, const u8 *alpn,
				    u32 alen)
{
	struct quic_sock *qs, *any = NULL;
	struct quic_tls_rd r = { alpn, alpn ? alen : 0 };
	u32 l;

	while (r.left && quic_tls_get(&r, 1, &l) && l && l <= r.left) {
		hlist_for_each_entry_rcu(qs, &us->listeners, lnode)
			if (qs->alpn.len && quic_alpn_in(&qs->alpn, r.p, l))
				return quic_route_listener(us, qs);
		quic_tls_skip(&r, l);
	}
	hlist_for_each_entry_rcu(qs, &us->listeners, lnode)
		if (!qs->alpn.len)
			any = qs;
	return any ? quic_route_listener(us, any) : NULL;
}

/* refuse the connection of the Initial @hdr: an Initial with
 * CONNECTION_CLOSE, CRYPTO_ERROR + no_application_protocol, under the
 * Initial keys @c (RFC 9000 10.2.3, RFC 9001 8.1)
 */
static void quic_route_refuse(struct quic_udp_sock *us, struct quic_crypto *c,
			      const struct quic_hdr *hdr,
			      const union quic_addr *local,
			      const union quic_addr *peer)
{
	static const char reason[] = "no application protocol";
	struct quic_hdr oh = {};
	struct quic_frame f = {};
	struct sk_buff *skb;
	u8 scid[QUIC_SCID_LEN];
	int hlen, n, plen;
	u8 *p;

	skb = quic_skb_alloc(256, GFP_KERNEL);
	if (!skb)
		return;
	get_random_bytes(scid, sizeof(scid));
	oh.type = QUIC_PKT_INITIAL;
	oh.version = hdr->version;
	oh.dcid = hdr->scid;
	oh.dcid_len = hdr->scid_len;
	oh.scid = scid;
	oh.scid_len = sizeof(scid);
	oh.length_len = 2;
	oh.pn = 0;
	oh.pn_len = 1;
	p = skb->data;
	hlen = quic_hdr_encode(p, 128, &oh);
	if (hlen < 0)
		goto free;
	f.type = QUIC_FRAME_CONNECTION_CLOSE;
	f.close.errcode = QUIC_TRANSPORT_ERROR_CRYPTO + QUIC_TLS_ALERT_NO_APP;
	f.close.frame_type = QUIC_FRAME_CRYPTO;
	f.close.reason = reason;
	f.close.reason_len = sizeof(reason) - 1;
	n = quic_frame_encode(p + hlen, 96, &f);
	if (n <= 0)
		goto free;
	plen = n;
	/* room for the header protection sample */
	while (plen < 20)
		p[hlen + plen++] = QUIC_FRAME_PADDING;
	quic_varint_put_n(p + hlen - oh.pn_len - 2, 2,
			  oh.pn_len + plen + QUIC_TAG_LEN, 2);
	n = quic_crypto_encrypt(c, p, hlen, hlen + plen, 0);
	if (n < 0)
		goto free;
	skb_put(skb, n);
	quic_udp_xmit(read_pnet(&us->net), us->sock, us->bound_dev_if, skb,
		      local, peer);
	return;
free:
	kfree_skb(skb);
}

/* route one queued Initial: process context */
static void quic_route_one(struct quic_udp_sock *us, struct sk_buff *skb)
{
	union quic_addr src, dst;
	const u8 *alpn = NULL;
	struct quic_crypto *c;
	struct quic_hdr hdr;
	struct sock *sk;
	u32 chlen, alen = 0;
	u8 *buf, *ch;
	int n, err;

	quic_skb_addrs(skb, &src, &dst);
	if (quic_hdr_decode(skb->data, skb->len, QUIC_SCID_LEN, 0, &hdr) < 0)
		goto drop;
	/* another Initial of the connection may have been routed since */
	rcu_read_lock();
	sk = quic_route_find(us, &hdr, &src);
	rcu_read_unlock();
	if (sk)
		goto deliver;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	buf = kmalloc(hdr.pkt_len + QUIC_ROUTE_CH_MAX, GFP_KERNEL);
	if (!c || !buf)
		goto out_free;
	ch = buf + hdr.pkt_len;
	memcpy(buf, skb->data, hdr.pkt_len);
	quic_crypto_init(c, QUIC_CRYPTO_INITIAL);
	err = quic_crypto_initial_keys(c, hdr.version, hdr.dcid, hdr.dcid_len,
				       true);
	n = err ? err : quic_crypto_decrypt(c, buf, &hdr, -1);
	if (n < 0)
		goto out_crypto;	/* not a real Initial */
	chlen = quic_route_crypto(buf + hdr.pn_offset + hdr.pn_len, n, ch);
	err = quic_route_alpn(ch, chlen, &alpn, &alen);
	if (err == -EINVAL)
		goto out_crypto;
	/* -EAGAIN: the ALPN extension is not in this Initial (a ClientHello
	 * over several packets): only a listener without a list takes it
	 */
	rcu_read_lock();
	sk = quic_route_pick(us, err ? NULL : alpn, alen);
	rcu_read_unlock();
	if (!sk) {
		if (!err)
			quic_route_refuse(us, c, &hdr, &dst, &src);
		goto out_crypto;
	}
	quic_route_add(us, &hdr, &src, quic_sk(sk));
	quic_crypto_free(c);
	kfree(c);
	kfree(buf);
deliver:
	local_bh_disable();
	quic_deliver(sk, skb);
	local_bh_enable();
	sock_put(sk);
	return;
out_crypto:
	quic_crypto_free(c);
out_free:
	kfree(c);
	kfree(buf);
drop:
	kfree_skb(skb);
}

static void quic_route_work(struct work_struct *work)
{
	struct quic_udp_sock *us;
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&quic_route_q))) {
		us = QUIC_ROUTE_CB(skb)->us;
		quic_route_one(us, skb);
		quic_udp_sock_put(us);
		cond_resched();
	}
}
