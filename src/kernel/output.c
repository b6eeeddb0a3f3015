// SPDX-License-Identifier: GPL-2.0-or-later
/* The send path: datagrams of coalesced packets built straight into an
 * skb (ACK, CONNECTION_CLOSE, CRYPTO, STREAM and control frames), packet
 * protection, the record of what each packet carried for acknowledgment
 * and loss, anti-amplification and congestion limits, and transmission
 * over the UDP tunnel socket; also the stateless Version Negotiation.
 */

#include <linux/ipv6.h>
#include <linux/random.h>
#include <net/inet_ecn.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "compat.h"
#include "conn.h"
#include "mib.h"

#define QUIC_PKT_RECS		12
#define QUIC_DGRAM_MAX_PKTS	3
#define QUIC_OUTPUT_BURST	64	/* datagrams per quic_output() call */
#define QUIC_SKB_HEADROOM	(MAX_HEADER + sizeof(struct ipv6hdr) + \
				 sizeof(struct udphdr))

enum {
	QUIC_REC_CRYPTO,
	QUIC_REC_STREAM,
	QUIC_REC_HS_DONE,
	QUIC_REC_MAX_DATA,
	QUIC_REC_MAX_STREAM_DATA,
	QUIC_REC_MAX_STREAMS,
	QUIC_REC_RESET_STREAM,
	QUIC_REC_STOP_SENDING,
	QUIC_REC_PMTU,		/* the packet is a path MTU probe of len bytes */
	QUIC_REC_NEW_TOKEN,
	QUIC_REC_NEW_CID,	/* NEW_CONNECTION_ID, id = sequence number */
	QUIC_REC_RETIRE_CID,	/* RETIRE_CONNECTION_ID, id = sequence number */
	QUIC_REC_DATA_BLOCKED,	/* DATA_BLOCKED, off = the limit */
	QUIC_REC_STREAM_DATA_BLOCKED,	/* STREAM_DATA_BLOCKED, off = limit */
};

/* what a sent packet carried that must be resent when lost */
struct quic_frame_rec {
	u8 kind;
	u8 fin;
	s64 id;
	u64 off;
	u64 len;
};

struct quic_pkt {
	struct quic_sent_pkt sp;
	u8 pns;
	u8 nrec;
	struct quic_frame_rec rec[QUIC_PKT_RECS];
};

/* a packet built into the datagram and not protected yet */
struct quic_open_pkt {
	struct quic_pkt *pkt;
	u32 start;	/* offset in the skb */
	u32 hlen;	/* header with packet number */
	u32 len_off;	/* offset of the 2-byte Length field, 0 if short */
	u64 pn;
	int level;
	bool ae;
	u8 npieces;	/* STREAM data the AEAD reads from the stream queues */
	struct quic_crypto_piece pieces[QUIC_CRYPTO_PIECES_MAX];
};

struct quic_dgram {
	struct sk_buff *skb;
	u32 base;	/* where the datagram starts in @skb (GSO batches) */
	bool ping;	/* the 1-RTT packet must be ack-eliciting (MTU probe) */
	bool probe;	/* it carries a PTO probe: 1-RTT ACKs go with it */
	bool path;	/* it carries PATH_CHALLENGE/RESPONSE: pad to 1200 */
	/* a probe of another path, to this ID (quic_send_path_probe()) */
	const struct quic_cid *alt_dcid;
	u32 budget;
	bool has_initial;
	bool initial_ae;
	bool has_handshake;
	bool sealed_any;
	struct quic_open_pkt open;
	bool is_open;
};

struct sk_buff *quic_skb_alloc(unsigned int len, gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb(QUIC_SKB_HEADROOM + len, gfp);

	if (skb)
		skb_reserve(skb, QUIC_SKB_HEADROOM);
	return skb;
}

/*
 * The route from @src to @dst (port numbers included in the flow); the
 * source address it picks goes to @saddr (for a wildcard @src), the IPv6
 * validity cookie to @cookie. Returns the route with a reference, or an
 * ERR_PTR.
 */
static struct dst_entry *quic_route_lookup(struct net *net, struct sock *usk,
					   int oif, const union quic_addr *src,
					   const union quic_addr *dst,
					   union quic_addr *saddr, u32 *cookie)
{
	struct dst_entry *d;

	if (dst->sa.sa_family == AF_INET) {
		struct flowi4 fl4 = {};
		struct rtable *rt;

		fl4.flowi4_oif = oif;
		fl4.daddr = dst->v4.sin_addr.s_addr;
		fl4.saddr = src->v4.sin_addr.s_addr;
		fl4.flowi4_proto = IPPROTO_UDP;
		fl4.fl4_sport = src->v4.sin_port;
		fl4.fl4_dport = dst->v4.sin_port;
		rt = ip_route_output_key(net, &fl4);
		if (IS_ERR(rt))
			return ERR_CAST(rt);
		saddr->v4.sin_addr.s_addr = fl4.saddr;
		*cookie = 0;
		return &rt->dst;
	}

	{
		struct flowi6 fl6 = {};

		fl6.flowi6_oif = dst->v6.sin6_scope_id ?: oif;
		fl6.daddr = dst->v6.sin6_addr;
		fl6.saddr = src->v6.sin6_addr;
		fl6.flowi6_proto = IPPROTO_UDP;
		fl6.fl6_sport = src->v6.sin6_port;
		fl6.fl6_dport = dst->v6.sin6_port;
		d = ip6_dst_lookup_flow(net, usk, &fl6, NULL);
		if (IS_ERR(d))
			return d;
		saddr->v6.sin6_addr = fl6.saddr;
		*cookie = rt6_get_cookie((struct rt6_info *)d);
		return d;
	}
}

/* send @skb on route @d (its reference is consumed) from @saddr and the
 * port of @src to @dst, with @tos (the ECN bits); BHs are off
 */
static void quic_tunnel_xmit(struct sock *usk, struct dst_entry *d,
			     struct sk_buff *skb, const union quic_addr *saddr,
			     const union quic_addr *src,
			     const union quic_addr *dst, u8 tos)
{
	struct in6_addr s6, d6;

	if (dst->sa.sa_family == AF_INET) {
		quic_udp_tunnel_xmit_skb((struct rtable *)d, usk, skb,
					 saddr->v4.sin_addr.s_addr,
					 dst->v4.sin_addr.s_addr, tos,
					 ip4_dst_hoplimit(d), htons(IP_DF),
					 src->v4.sin_port, dst->v4.sin_port);
		return;
	}
	s6 = saddr->v6.sin6_addr;
	d6 = dst->v6.sin6_addr;
	quic_udp_tunnel6_xmit_skb(d, usk, skb, &s6, &d6, tos,
				  ip6_dst_hoplimit(d), src->v6.sin6_port,
				  dst->v6.sin6_port);
}

/**
 * quic_udp_xmit - send a datagram from a tunnel socket
 * @net: netns
 * @usock: the UDP tunnel socket
 * @oif: interface to use, 0 for any
 * @skb: the QUIC datagram (consumed)
 * @src: our address and port (address may be the wildcard)
 * @dst: the peer
 *
 * Context: any; does not sleep.
 * Return: 0 or a negative errno (no route).
 */
int quic_udp_xmit(struct net *net, struct socket *usock, int oif,
		  struct sk_buff *skb, const union quic_addr *src,
		  const union quic_addr *dst)
{
	union quic_addr saddr = {};
	struct dst_entry *d;
	u32 cookie;

	/* the tunnel helpers expect a device transmit context: per-CPU
	 * transmit recursion accounting must not see a migration
	 */
	local_bh_disable();
	d = quic_route_lookup(net, usock->sk, oif, src, dst, &saddr, &cookie);
	if (IS_ERR(d)) {
		local_bh_enable();
		kfree_skb(skb);
		return PTR_ERR(d);
	}
	quic_tunnel_xmit(usock->sk, d, skb, &saddr, src, dst, 0);
	local_bh_enable();
	return 0;
}

/* release the cached route (the path changed, or the socket goes away) */
void quic_route_reset(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	dst_release(qs->dst);
	qs->dst = NULL;
}

/*
 * The connection's route, cached on the socket as TCP's sk_dst_cache and
 * looked up again when the routing state made it stale (dst_check()). It
 * also gives the source address when the socket is bound to the wildcard.
 */
static struct dst_entry *quic_route(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct dst_entry *d = qs->dst;

	if (d && (!d->obsolete || d->ops->check(d, qs->dst_cookie)))
		return d;
	quic_route_reset(sk);
	d = quic_route_lookup(sock_net(sk), qs->udp_sk->sock->sk,
			      sk->sk_bound_dev_if, &qs->laddr, &qs->peer,
			      &qs->dst_saddr, &qs->dst_cookie);
	if (IS_ERR(d))
		return NULL;
	qs->dst = d;
	return d;
}

/*
 * Pacing by earliest departure time, as TCP's: each datagram carries the
 * time it may leave in skb->tstamp, spaced by the congestion controller's
 * pacing rate, and the fq qdisc holds it until then (without fq, as on
 * loopback, datagrams leave at once).
 */
static void quic_pace(struct sock *sk, struct sk_buff *skb)
{
	struct quic_sock *qs = quic_sk(sk);
	u64 rate = qs->cong.pacing_rate, now = ktime_get_ns(), t;

	/* SO_MAX_PACING_RATE caps it, as for TCP */
	rate = min_t(u64, rate, READ_ONCE(sk->sk_max_pacing_rate));
	if (!rate)
		return;
	t = max(now, qs->pace_time);
	quic_skb_set_edt(skb, ns_to_ktime(t));
	/* an idle sender saves up no credit: max() above */
	qs->pace_time = t + div64_u64((u64)skb->len * NSEC_PER_SEC, rate);
}

/* send a datagram of the connection on its cached route */
static void quic_conn_xmit(struct sock *sk, struct sk_buff *skb)
{
	struct quic_sock *qs = quic_sk(sk);
	struct sock *usk = qs->udp_sk->sock->sk;
	u8 ecn = qs->ecn_failed ? INET_ECN_NOT_ECT : INET_ECN_ECT_0;
	struct dst_entry *d;

	local_bh_disable();
	d = quic_route(sk);
	if (!d) {
		local_bh_enable();
		kfree_skb(skb);
		return;
	}
	qs->tx_bytes += skb->len;	/* every datagram, for /proc */
	quic_pace(sk, skb);
	dst_hold(d);	/* the tunnel transmit consumes a reference */
	quic_tunnel_xmit(usk, d, skb, &qs->dst_saddr, &qs->laddr, &qs->peer,
			 ecn);
	local_bh_enable();
}

/* use @mss bytes of UDP payload from now on */
static void quic_set_mss(struct sock *sk, u32 mss)
{
	struct quic_sock *qs = quic_sk(sk);

	if (mss != qs->mss) {
		qs->mss = mss;
		quic_cong_set_mss(&qs->cong, mss);
	}
}

/*
 * The UDP payload size of our packets: 1200 bytes until the handshake is
 * confirmed; then the largest size the route's MTU (it follows ICMP "too
 * big": packets go out with DF), both sides' max_udp_payload_size and
 * QUIC_PKT_MAX (one packet in one 16 KiB slab object) allow is probed, and
 * used once a probe of it is acknowledged (pmtu.c).
 */
static void quic_update_mss(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	bool v6 = qs->peer.sa.sa_family == AF_INET6;
	struct dst_entry *d;
	u32 mtu, hdr;

	if (!test_bit(QUIC_F_HS_CONFIRMED, &qs->flags))
		return;
	local_bh_disable();
	d = quic_route(sk);
	mtu = d ? dst_mtu(d) : 0;
	local_bh_enable();
	hdr = sizeof(struct udphdr) +
	      (v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr));
	if (mtu < QUIC_MIN_DATAGRAM + hdr)
		return;
	mtu = min3(mtu - hdr, (u32)qs->remote.max_udp_payload_size,
		   (u32)qs->local.max_udp_payload_size);
	mtu = clamp_t(u32, mtu, QUIC_MIN_DATAGRAM, QUIC_PKT_MAX);
	if (!test_and_set_bit(QUIC_F_PMTU_STARTED, &qs->flags)) {
		quic_pmtu_start(&qs->pmtu, mtu, v6);
		return;
	}
	quic_set_mss(sk, quic_pmtu_limit(&qs->pmtu, mtu));
}

/* answer a long header of a version we do not speak (RFC 9000 6.1) */
void quic_send_vn(struct quic_udp_sock *us, const struct quic_hdr *hdr,
		  const union quic_addr *src, const union quic_addr *dst)
{
	static const u32 versions[] = { QUIC_VERSION_V1, QUIC_VERSION_V2 };
	struct sk_buff *skb;
	int n;

	skb = quic_skb_alloc(600, GFP_ATOMIC);
	if (!skb)
		return;
	n = quic_vn_encode(skb->data, 600, get_random_u8() & 0x3f, hdr->scid,
			   hdr->scid_len, hdr->dcid, hdr->dcid_len, versions,
			   ARRAY_SIZE(versions));
	if (n < 0) {
		kfree_skb(skb);
		return;
	}
	skb_put(skb, n);
	quic_udp_xmit(read_pnet(&us->net), us->sock, us->bound_dev_if, skb,
		      src, dst);
}

/* sent-packet records come from their own cache: one per packet sent */
static struct kmem_cache *quic_pkt_cache;

int quic_output_init(void)
{
	quic_pkt_cache = KMEM_CACHE(quic_pkt, 0);
	return quic_pkt_cache ? 0 : -ENOMEM;
}

void quic_output_exit(void)
{
	kmem_cache_destroy(quic_pkt_cache);
}

static void quic_pkt_free(struct quic_pkt *pkt)
{
	kmem_cache_free(quic_pkt_cache, pkt);
}

/* ---- acknowledgment and loss of what packets carried ---- */

static void quic_rec_acked(struct sock *sk, int pns,
			   const struct quic_frame_rec *r)
{
	struct quic_sock *qs = quic_sk(sk);

	switch (r->kind) {
	case QUIC_REC_CRYPTO:
		quic_cstream_on_acked(&qs->cs[pns], r->off, r->len);
		break;
	case QUIC_REC_STREAM:
		quic_stream_on_acked(&qs->streams, r->id, r->off, r->len,
				     r->fin);
		break;
	case QUIC_REC_RESET_STREAM:
	case QUIC_REC_STOP_SENDING:
		quic_stream_on_ctrl(&qs->streams, r->id,
				    r->kind == QUIC_REC_RESET_STREAM, false);
		break;
	case QUIC_REC_RETIRE_CID:
		quic_cid_retire_acked(&qs->dcids, r->id);
		break;
	case QUIC_REC_PMTU:
		quic_mib_inc(QUIC_MIB_PMTU_ACKED);
		quic_set_mss(sk, quic_pmtu_probe_done(&qs->pmtu, r->len, true));
		break;
	}
}

static void quic_rec_lost(struct sock *sk, int pns,
			  const struct quic_frame_rec *r)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_stream *s;

	switch (r->kind) {
	case QUIC_REC_CRYPTO:
		quic_cstream_on_lost(&qs->cs[pns], r->off, r->len);
		break;
	case QUIC_REC_STREAM:
		quic_stream_on_lost(&qs->streams, r->id, r->off, r->len,
				    r->fin);
		break;
	case QUIC_REC_HS_DONE:
		set_bit(QUIC_F_HS_DONE_SEND, &qs->flags);
		break;
	case QUIC_REC_NEW_TOKEN:
		set_bit(QUIC_F_NEW_TOKEN_SEND, &qs->flags);
		break;
	case QUIC_REC_MAX_DATA:
		qs->streams.max_data_send = true;
		break;
	case QUIC_REC_MAX_STREAMS:
		qs->streams.max_streams_send |= r->id;
		break;
	case QUIC_REC_RESET_STREAM:
	case QUIC_REC_STOP_SENDING:
		quic_stream_on_ctrl(&qs->streams, r->id,
				    r->kind == QUIC_REC_RESET_STREAM, true);
		break;
	case QUIC_REC_NEW_CID:
		quic_cid_source_announce_lost(&qs->scids, r->id);
		break;
	case QUIC_REC_RETIRE_CID:
		quic_cid_retire_lost(&qs->dcids, r->id);
		break;
	case QUIC_REC_PMTU:
		quic_mib_inc(QUIC_MIB_PMTU_LOST);
		quic_set_mss(sk, quic_pmtu_probe_done(&qs->pmtu, r->len, false));
		break;
	case QUIC_REC_DATA_BLOCKED:
	case QUIC_REC_STREAM_DATA_BLOCKED:
		quic_stream_blocked_lost(&qs->streams,
					 r->kind == QUIC_REC_DATA_BLOCKED ?
					 -1 : r->id, r->off);
		break;
	case QUIC_REC_MAX_STREAM_DATA:
		s = quic_stream_find(&qs->streams, r->id);
		if (s && s->recv_final == U64_MAX) {
			s->max_data_send = 1;
			if (list_empty(&s->send_node))
				list_add_tail(&s->send_node,
					      &qs->streams.send);
		}
		break;
	}
}

/* a probe timeout fired: send again what @sp carried (the record stays:
 * the packet may still be acknowledged)
 */
void quic_pkt_resend(struct sock *sk, struct quic_sent_pkt *sp)
{
	struct quic_pkt *pkt = container_of(sp, struct quic_pkt, sp);
	u32 i;

	for (i = 0; i < pkt->nrec; i++)
		if (pkt->rec[i].kind != QUIC_REC_PMTU)
			quic_rec_lost(sk, pkt->pns, &pkt->rec[i]);
}

/*
 * The data of the packets in flight in @pns goes again in the probe. A
 * probe of the Initial or the Handshake space resends both (RFC 9002
 * 6.2.4, A.9: ack-eliciting packets of every space with data in flight):
 * a server whose ServerHello Initial and Handshake flight were both lost
 * needs both to arrive, coalesced in one datagram, not one space per PTO
 * in turn.
 */
void quic_pto_resend(struct sock *sk, int pns)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_sent_pkt *sp;
	int i;

	for (i = 0; i < QUIC_PNS_MAX; i++) {
		if (i != pns && (pns == QUIC_PNS_APP || i == QUIC_PNS_APP ||
				 !quic_pns_live(qs, i)))
			continue;
		list_for_each_entry(sp, &qs->pns[i].sent, list)
			quic_pkt_resend(sk, sp);
	}
}

/* free packet records taken off a space; @lost: resend what they carried */
void quic_pkts_free(struct sock *sk, struct list_head *list, bool lost)
{
	struct quic_sent_pkt *sp, *tmp;
	struct quic_pkt *pkt;
	u32 i;

	list_for_each_entry_safe(sp, tmp, list, list) {
		pkt = container_of(sp, struct quic_pkt, sp);
		list_del(&sp->list);
		for (i = 0; lost && i < pkt->nrec; i++)
			quic_rec_lost(sk, pkt->pns, &pkt->rec[i]);
		quic_pkt_free(pkt);
	}
}

/*
 * ECN validation and reaction (RFC 9000 13.4.2, RFC 9002 7.1) for an ACK
 * frame that newly acknowledged @res->acked: packets we sent marked must
 * show up in the peer's ECT(0) + CE counts, or the path (or the peer)
 * does not carry ECN and we stop marking; a CE count that grew is a
 * congestion event, as a loss.
 */
static void quic_ecn_on_ack(struct sock *sk, int pns,
			    const struct quic_frame *f,
			    const struct quic_ack_result *res, u64 now)
{
	struct quic_sock *qs = quic_sk(sk);
	u64 *p = qs->ecn_peer[pns], marked = 0, sent_time = 0;
	const struct quic_frame_ack *ack = &f->ack;
	struct quic_sent_pkt *sp;

	list_for_each_entry(sp, &res->acked, list) {
		marked += sp->ecn;
		sent_time = sp->time_sent;	/* ascending: the largest's */
	}
	if (qs->ecn_failed || !marked)
		return;
	if (f->type != QUIC_FRAME_ACK_ECN) {
		qs->ecn_failed = true;
		quic_mib_inc(QUIC_MIB_ECN_FAILED);
		return;
	}
	/* counts never go down: an older ACK arriving late says nothing */
	if (ack->ect0 < p[0] || ack->ect1 < p[1] || ack->ce < p[2])
		return;
	if (ack->ect1 > p[1] ||
	    (ack->ect0 - p[0]) + (ack->ce - p[2]) < marked) {
		qs->ecn_failed = true;
		quic_mib_inc(QUIC_MIB_ECN_FAILED);
		return;
	}
	if (ack->ce > p[2]) {
		quic_mib_add(QUIC_MIB_ECN_CE, ack->ce - p[2]);
		quic_cong_on_lost(&qs->cong, sent_time, now);
	}
	p[0] = ack->ect0;
	p[1] = ack->ect1;
	p[2] = ack->ce;
}

/**
 * quic_on_ack_result - act on what an ACK frame or the loss timer found
 * @sk: connection socket, locked
 * @pns: packet number space
 * @res: newly acknowledged and lost packets (their records are freed)
 * @now: current time, us
 * @ack: the ACK frame, NULL for the loss timer
 */
void quic_on_ack_result(struct sock *sk, int pns, struct quic_ack_result *res,
			u64 now, const struct quic_frame *ack)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_sent_pkt *sp, *tmp;
	struct quic_pkt *pkt;
	u32 i;

	if (ack)
		quic_ecn_on_ack(sk, pns, ack, res, now);
	list_for_each_entry_safe(sp, tmp, &res->acked, list) {
		pkt = container_of(sp, struct quic_pkt, sp);
		list_del(&sp->list);
		for (i = 0; i < pkt->nrec; i++)
			quic_rec_acked(sk, pns, &pkt->rec[i]);
		quic_pmtu_pkt_acked(&qs->pmtu, sp->size, sp->time_sent);
		if (sp->in_flight)
			quic_cong_on_acked(&qs->cong, sp->size, sp->time_sent,
					   now, &qs->rtt);
		quic_pkt_free(pkt);
	}
	/* a lost MTU probe says nothing about congestion (RFC 9000 14.4);
	 * other large packets lost may be a black hole
	 */
	list_for_each_entry(sp, &res->lost, list) {
		bool probe = false;

		pkt = container_of(sp, struct quic_pkt, sp);
		for (i = 0; i < pkt->nrec; i++)
			if (pkt->rec[i].kind == QUIC_REC_PMTU)
				probe = true;
		if (probe && sp->in_flight)
			res->lost_bytes -= min_t(u64, res->lost_bytes,
						 sp->size);
		if (!probe)
			quic_path_pkt_lost(sk, sp->size, sp->time_sent);
	}
	quic_mib_add(QUIC_MIB_PKTS_LOST, res->nlost);
	if (res->nlost && res->lost_bytes)
		quic_cong_on_lost(&qs->cong, res->largest_lost_time, now);
	quic_cong_update_pacing(&qs->cong, &qs->rtt);
	quic_pkts_free(sk, &res->lost, true);
	if (res->nacked) {
		/* RFC 9002 6.2.1: not at a client on acknowledgments in
		 * Initial packets, before it knows that the server validated
		 * its address: each of its probes gets an ACK at once, and
		 * the probes would come every RTT, not backed off
		 */
		if (quic_is_serv(qs) || pns != QUIC_PNS_INITIAL)
			qs->pto_count = 0;
		sk->sk_write_space(sk);
	}
}

/* ---- building packets ---- */

static bool quic_pkt_rec_add(struct quic_pkt *pkt, u8 kind, s64 id, u64 off,
			     u64 len, bool fin)
{
	struct quic_frame_rec *r;

	if (pkt->nrec >= QUIC_PKT_RECS)
		return false;
	r = &pkt->rec[pkt->nrec++];
	r->kind = kind;
	r->id = id;
	r->off = off;
	r->len = len;
	r->fin = fin;
	return true;
}

/* protect the open packet of @d, padded by @pad bytes, and record it */
static void quic_seal(struct sock *sk, struct quic_dgram *d, u32 pad)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_open_pkt *o = &d->open;
	struct sk_buff *skb = d->skb;
	struct quic_pkt *pkt = o->pkt;
	u32 plain, total;
	u8 *start;

	if (!d->is_open)
		return;
	d->is_open = false;
	if (pad)
		skb_put_zero(skb, pad);
	plain = skb->len - o->start;
	total = plain + QUIC_TAG_LEN;
	start = skb->data + o->start;
	if (o->len_off)
		quic_varint_put_n(start + o->len_off, 2,
				  total - (o->len_off + 2), 2);
	skb_put(skb, QUIC_TAG_LEN);
	if (quic_crypto_encrypt_gather(&qs->crypto[o->level], start, o->hlen,
				       plain, o->pn, o->pieces,
				       o->npieces) < 0) {
		/* cannot happen with installed keys; drop the packet */
		skb_trim(skb, o->start);
		quic_pkt_free(pkt);
		return;
	}
	d->sealed_any = true;
	quic_mib_inc(QUIC_MIB_PKTS_SENT);
	if (!o->ae && !pad) {
		quic_pkt_free(pkt);	/* ACK only: never acknowledged by the peer */
		return;
	}
	pkt->sp.size = total;
	pkt->sp.ecn = !qs->ecn_failed;
	pkt->sp.ack_eliciting = o->ae;
	pkt->sp.in_flight = true;
	pkt->sp.pn = o->pn;
	quic_pnspace_sent(&qs->pns[pkt->pns], &pkt->sp, quic_now());
}

static bool quic_app_ready(const struct sock *sk)
{
	const struct quic_sock *qs = quic_sk(sk);

	return qs->crypto[QUIC_CRYPTO_APP].p.tx.ready &&
	       test_bit(QUIC_F_TP_RECEIVED, &qs->flags);
}

/* is something due in space @pns? */
/* bytes of a packet that are not STREAM data: header, frame head, tag */
#define QUIC_NAGLE_OVERHEAD	64

/*
 * Nagle (RFC 896, as TCP's, for stream_data_nodelay 0): while 1-RTT data
 * is unacknowledged, less than a packet of new stream data waits for more
 * data or for the acknowledgment. A FIN, a reset or a retransmission goes
 * at once, and so does anything that rides in a packet sent for another
 * reason.
 */
static bool quic_nagle(const struct quic_sock *qs)
{
	return !qs->config.stream_data_nodelay &&
	       qs->pns[QUIC_PNS_APP].bytes_in_flight &&
	       qs->mss > QUIC_NAGLE_OVERHEAD &&
	       quic_stream_send_small(&qs->streams,
				      qs->mss - QUIC_NAGLE_OVERHEAD);
}

static bool quic_pns_due(struct sock *sk, int pns, bool allow_data, u64 now)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_pnspace *s = &qs->pns[pns];

	if (test_bit(QUIC_F_CLOSE_SEND, &qs->flags))
		return true;
	if (qs->probes && qs->probe_pns == pns)
		return true;
	if (quic_pnspace_ack_due(s, now))
		return true;
	/* the handshake's CRYPTO data goes regardless of the congestion
	 * window (quic_build())
	 */
	if (pns != QUIC_PNS_APP)
		return quic_cstream_send_pending(&qs->cs[pns]);
	if (!allow_data)
		return false;
	if (quic_cstream_send_pending(&qs->cs[pns]))
		return true;
	/* 0-RTT: stream data and datagrams only */
	if (!quic_app_ready(sk))
		return quic_zrtt_send_ready(sk) &&
		       (!list_empty(&qs->streams.send) ||
			!skb_queue_empty(&qs->dgsq));
	return (quic_stream_send_pending(&qs->streams) && !quic_nagle(qs)) ||
	       !skb_queue_empty(&qs->dgsq) ||
	       test_bit(QUIC_F_HS_DONE_SEND, &qs->flags) ||
	       test_bit(QUIC_F_NEW_TOKEN_SEND, &qs->flags) ||
	       quic_path_send_pending(sk) ||
	       quic_conn_cid_due(sk);
}

/* encode @f at @p; returns bytes or 0 if it did not fit */
static u32 quic_put_frame(u8 *p, u32 room, const struct quic_frame *f)
{
	int n = quic_frame_encode(p, room, f);

	return n < 0 ? 0 : n;
}

/* STREAM data shorter than this is copied into the packet: a scatterlist
 * entry costs more than copying it
 */
#define QUIC_GATHER_MIN		256

/*
 * Put the STREAM frame @f at @p, @off bytes into the open packet @o. Its
 * data stays where it is queued (valid until acknowledged, and the socket
 * is locked until the packet is sealed): only the frame header is written
 * and the AEAD reads the data from the queue when the packet is sealed.
 * Short data, or a packet with no piece left, gets it copied. Returns bytes
 * or 0 if it did not fit.
 */
static u32 quic_put_stream(struct quic_open_pkt *o, u8 *p, u32 off, u32 room,
			   const struct quic_frame *f)
{
	struct quic_crypto_piece *pc;
	int n;

	if (f->stream.len < QUIC_GATHER_MIN ||
	    o->npieces == QUIC_CRYPTO_PIECES_MAX)
		return quic_put_frame(p, room, f);
	n = quic_frame_encode_stream_head(p, room, f);
	if (n < 0 || f->stream.len > room - n)
		return 0;
	pc = &o->pieces[o->npieces++];
	pc->off = off + n;
	pc->len = f->stream.len;
	pc->data = f->stream.data;
	return n + f->stream.len;
}

/* NEW_CONNECTION_ID and RETIRE_CONNECTION_ID frames that are due and fit */
static u32 quic_put_cid_frames(struct sock *sk, struct quic_pkt *pkt, u8 *p,
			       u32 room)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_cid_entry *e;
	struct quic_frame f;
	u32 used = 0, n;
	u64 seq;

	quic_conn_cid_issue(sk);
	while (pkt->nrec < QUIC_PKT_RECS - 2 &&
	       (e = quic_cid_source_announce_next(&qs->scids))) {
		memset(&f, 0, sizeof(f));
		f.type = QUIC_FRAME_NEW_CONNECTION_ID;
		f.new_cid.seq = e->seq;
		f.new_cid.retire_prior_to = qs->scids.retire_prior_to;
		f.new_cid.cid_len = e->cid.len;
		f.new_cid.cid = e->cid.data;
		f.new_cid.token = e->token;
		n = quic_put_frame(p + used, room - used, &f);
		if (!n) {
			e->announce = true;
			break;
		}
		used += n;
		quic_pkt_rec_add(pkt, QUIC_REC_NEW_CID, e->seq, 0, 0, false);
	}
	while (pkt->nrec < QUIC_PKT_RECS - 2 &&
	       quic_cid_retire_next(&qs->dcids, &seq)) {
		memset(&f, 0, sizeof(f));
		f.type = QUIC_FRAME_RETIRE_CONNECTION_ID;
		f.retire_cid.seq = seq;
		n = quic_put_frame(p + used, room - used, &f);
		if (!n) {
			quic_cid_retire_lost(&qs->dcids, seq);
			break;
		}
		used += n;
		quic_pkt_rec_add(pkt, QUIC_REC_RETIRE_CID, seq, 0, 0, false);
	}
	return used;
}

/*
 * A MAX_STREAMS (@max) or STREAMS_BLOCKED frame for the bidirectional
 * (@dir 1) or unidirectional (@dir 2) streams, if one is due and fits;
 * returns its bytes, 0 if none was written (it stays due).
 */
static u32 quic_put_streams_frame(struct quic_stream_table *t, u8 dir,
				  bool max, u8 *p, u32 room)
{
	u8 *due = max ? &t->max_streams_send : &t->streams_blocked_send;
	struct quic_frame f = {};
	u32 n;

	if (!(*due & dir))
		return 0;
	if (max) {
		f.type = dir == 1 ? QUIC_FRAME_MAX_STREAMS_BIDI :
				    QUIC_FRAME_MAX_STREAMS_UNI;
		f.max.max = dir == 1 ? t->peer_bidi : t->peer_uni;
	} else {
		f.type = dir == 1 ? QUIC_FRAME_STREAMS_BLOCKED_BIDI :
				    QUIC_FRAME_STREAMS_BLOCKED_UNI;
		f.blocked.limit = dir == 1 ? t->max_bidi : t->max_uni;
	}
	n = quic_put_frame(p, room, &f);
	if (n)
		*due &= ~dir;
	return n;
}

static u32 quic_put_close(struct sock *sk, int pns, u8 *p, u32 room)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_frame f = {};
	const char *reason = (const char *)qs->close.phrase;

	if (qs->close_errcode) {
		f.type = QUIC_FRAME_CONNECTION_CLOSE;
		f.close.errcode = qs->close_errcode;
		f.close.frame_type = qs->close_frame;
	} else if (pns == QUIC_PNS_APP) {
		f.type = QUIC_FRAME_CONNECTION_CLOSE_APP;
		f.close.errcode = qs->close.errcode;
		f.close.reason = qs->close.phrase;
		f.close.reason_len = strnlen(reason, sizeof(qs->close.phrase));
	} else {
		/* an application close before 1-RTT keys (RFC 9000 10.2.3);
		 * a TLS alert set by the handshake code is a transport error
		 */
		f.type = QUIC_FRAME_CONNECTION_CLOSE;
		f.close.errcode = qs->close.errcode >= QUIC_TRANSPORT_ERROR_CRYPTO ?
				  qs->close.errcode :
				  QUIC_TRANSPORT_ERROR_APPLICATION;
	}
	return quic_put_frame(p, room, &f);
}

/* build the packet of space @pns at the end of the datagram */
static void quic_build(struct sock *sk, struct quic_dgram *d, int pns,
		       bool allow_data, u64 now)
{
	struct quic_sock *qs = quic_sk(sk);
	int level = quic_level_of_pns(pns);
	struct quic_pnspace *s = &qs->pns[pns];
	struct sk_buff *skb = d->skb;
	struct quic_hdr hdr = {};
	struct quic_frame f;
	struct quic_stream *st;
	u32 room, used = 0, n, exp;
	struct quic_pkt *pkt;
	bool ae = false, early = false, acked = false;
	int hlen;
	u8 *p;

	/* a client without 1-RTT keys sends application data in 0-RTT
	 * packets (RFC 9001 4.6.1): the frames 0-RTT may carry, no ACK
	 * (RFC 9000 12.4), nor CONNECTION_CLOSE
	 */
	if (pns == QUIC_PNS_APP && !qs->crypto[level].p.tx.ready &&
	    quic_zrtt_send_ready(sk)) {
		if (test_bit(QUIC_F_CLOSE_SEND, &qs->flags))
			return;
		early = true;
		level = QUIC_CRYPTO_EARLY;
	}
	if (!qs->crypto[level].p.tx.ready || !qs->dcids.active)
		return;
	if ((pns == QUIC_PNS_INITIAL &&
	     test_bit(QUIC_F_INITIAL_GONE, &qs->flags)) ||
	    (pns == QUIC_PNS_HANDSHAKE &&
	     test_bit(QUIC_F_HANDSHAKE_GONE, &qs->flags)))
		return;
	/* an MTU probe goes on an idle connection too, and so does our
	 * ACK frame of 1-RTT packets with a probe of a handshake space: a
	 * server whose HANDSHAKE_DONE was lost learns it there (it does not
	 * acknowledge a Finished it has, and a client has no 1-RTT PTO until
	 * the handshake is confirmed, RFC 9002 6.2.1)
	 */
	if (!(d->ping && pns == QUIC_PNS_APP) &&
	    !(d->probe && pns == QUIC_PNS_APP && s->nrecv) &&
	    !quic_pns_due(sk, pns, allow_data, now))
		return;
	room = d->budget - (skb->len - d->base) - QUIC_TAG_LEN -
	       (d->is_open ? QUIC_TAG_LEN : 0);
	if ((int)room < 64 || room > d->budget)
		return;
	pkt = kmem_cache_zalloc(quic_pkt_cache, GFP_ATOMIC);
	if (!pkt)
		return;
	quic_seal(sk, d, 0);	/* the previous packet is not the last */
	d->open.npieces = 0;

	hdr.type = pns == QUIC_PNS_INITIAL ? QUIC_PKT_INITIAL :
		   pns == QUIC_PNS_HANDSHAKE ? QUIC_PKT_HANDSHAKE :
		   early ? QUIC_PKT_0RTT : QUIC_PKT_1RTT;
	hdr.version = qs->version;
	hdr.dcid = qs->dcids.active->cid.data;
	hdr.dcid_len = qs->dcids.active->cid.len;
	if (d->alt_dcid) {
		hdr.dcid = d->alt_dcid->data;
		hdr.dcid_len = d->alt_dcid->len;
	}
	hdr.scid = qs->scids.active->cid.data;
	hdr.scid_len = qs->scids.active->cid.len;
	if (hdr.type == QUIC_PKT_INITIAL && !quic_is_serv(qs)) {
		hdr.token = qs->token.data;
		hdr.token_len = qs->token.len;
	}
	hdr.length_len = 2;
	if (quic_pnspace_next_pn(s, &hdr.pn)) {
		quic_pkt_free(pkt);
		return;
	}
	hdr.pn_len = quic_pn_encode_len(hdr.pn, s->largest_acked);
	if (hdr.type == QUIC_PKT_1RTT)
		hdr.key_phase = quic_crypto_key_phase(&qs->crypto[level]);
	p = skb_tail_pointer(skb);
	hlen = quic_hdr_encode(p, room, &hdr);
	if (hlen < 0 || (u32)hlen + 8 > room) {
		quic_pkt_free(pkt);
		return;
	}
	/* RFC 9287 3: a peer that announced grease_quic_bit gets the QUIC
	 * bit cleared at random in every packet but Initials (those go out
	 * before its parameters are known)
	 */
	if (hdr.type != QUIC_PKT_INITIAL && qs->remote.grease_quic_bit &&
	    test_bit(QUIC_F_TP_RECEIVED, &qs->flags) && (get_random_u8() & 1))
		p[0] &= ~QUIC_HDR_FIXED_BIT;
	room -= hlen;
	p += hlen;
	pkt->pns = pns;

	if (test_bit(QUIC_F_CLOSE_SEND, &qs->flags)) {
		used += quic_put_close(sk, pns, p, room);
		goto done;
	}
	if (d->alt_dcid) {	/* the path frames alone */
		used += quic_path_put_frames(sk, p, room, true);
		ae = true;
		goto done;
	}
	/* every Initial and Handshake packet, and every probe, carries an
	 * ACK frame once a packet of the space came in: our probes then tell
	 * a peer that probes with PINGs which of its packets were lost, where
	 * our ACK alone of its probe was lost too
	 */
	if (!early && s->nrecv &&
	    (s->ack_pending || s->ae_unacked || pns != QUIC_PNS_APP ||
	     d->probe || (qs->probes && qs->probe_pns == pns))) {
		exp = pns == QUIC_PNS_APP ? qs->local.ack_delay_exponent : 3;
		if (!quic_pnspace_ack_frame(s, now, exp, &f)) {
			const u64 *c = qs->ecn_recvd[pns];

			if (c[0] || c[1] || c[2]) {
				f.type = QUIC_FRAME_ACK_ECN;
				f.ack.ect0 = c[0];
				f.ack.ect1 = c[1];
				f.ack.ce = c[2];
			}
			while (!(n = quic_put_frame(p, room, &f)) &&
			       f.ack.nranges > 1)
				f.ack.nranges--;
			if (n) {
				used += n;
				quic_pnspace_ack_sent(s);
				acked = true;
			}
		}
	}
	/* The CRYPTO data of the Initial and Handshake spaces is not held
	 * back by the congestion window (the amplification limit still
	 * holds): a client's 1-RTT packets can fill the window before the
	 * server has its Finished, and the server acknowledges none of them
	 * until it has; with the Finished declared lost, its retransmission
	 * would wait for those acknowledgments, with no PTO armed (the
	 * Application Data space has none before the handshake is
	 * confirmed, RFC 9002 6.2.1). That data is a few kilobytes.
	 */
	if (!allow_data && pns == QUIC_PNS_APP)
		goto probe;
	if (pns == QUIC_PNS_APP && quic_app_ready(sk)) {
		n = quic_path_put_frames(sk, p + used, room - used, false);
		if (n) {
			used += n;
			ae = true;
			d->path = true;
		}
		if (test_bit(QUIC_F_HS_DONE_SEND, &qs->flags) &&
		    room - used > 1) {
			p[used++] = QUIC_FRAME_HANDSHAKE_DONE;
			ae = true;
			clear_bit(QUIC_F_HS_DONE_SEND, &qs->flags);
			quic_pkt_rec_add(pkt, QUIC_REC_HS_DONE, 0, 0, 0, false);
		}
		if (test_bit(QUIC_F_NEW_TOKEN_SEND, &qs->flags)) {
			memset(&f, 0, sizeof(f));
			f.type = QUIC_FRAME_NEW_TOKEN;
			f.new_token.token = qs->token.data;
			f.new_token.len = qs->token.len;
			n = qs->token.len ?
			    quic_put_frame(p + used, room - used, &f) : 0;
			if (n) {
				used += n;
				ae = true;
				quic_pkt_rec_add(pkt, QUIC_REC_NEW_TOKEN, 0, 0,
						 0, false);
			}
			if (n || !qs->token.len)
				clear_bit(QUIC_F_NEW_TOKEN_SEND, &qs->flags);
		}
		for (n = 1; n <= 2; n++) {
			exp = quic_put_streams_frame(&qs->streams, n, true,
						     p + used, room - used);
			if (exp) {
				used += exp;
				ae = true;
				quic_pkt_rec_add(pkt, QUIC_REC_MAX_STREAMS, n,
						 0, 0, false);
			}
			exp = quic_put_streams_frame(&qs->streams, n, false,
						     p + used, room - used);
			if (exp) {
				used += exp;
				ae = true;
			}
		}
		n = quic_put_cid_frames(sk, pkt, p + used, room - used);
		if (n) {
			used += n;
			ae = true;
		}
		if (qs->streams.data_blocked_send) {
			memset(&f, 0, sizeof(f));
			f.type = QUIC_FRAME_DATA_BLOCKED;
			f.blocked.limit = qs->streams.data_blocked_at;
			n = quic_put_frame(p + used, room - used, &f);
			if (n) {
				used += n;
				ae = true;
				qs->streams.data_blocked_send = false;
				quic_pkt_rec_add(pkt, QUIC_REC_DATA_BLOCKED, 0,
						 f.blocked.limit, 0, false);
			}
		}
		if (qs->streams.max_data_send) {
			memset(&f, 0, sizeof(f));
			f.type = QUIC_FRAME_MAX_DATA;
			f.max.max = qs->streams.recv_max;
			n = quic_put_frame(p + used, room - used, &f);
			if (n) {
				used += n;
				ae = true;
				qs->streams.max_data_send = false;
				quic_pkt_rec_add(pkt, QUIC_REC_MAX_DATA, 0, 0,
						 0, false);
			}
		}
	}
	while (pkt->nrec < QUIC_PKT_RECS &&
	       quic_cstream_send_pending(&qs->cs[pns])) {
		if (!quic_cstream_send_next(&qs->cs[pns], room - used, &f))
			break;
		n = quic_put_frame(p + used, room - used, &f);
		if (!n) {
			quic_cstream_on_lost(&qs->cs[pns], f.crypto.offset,
					     f.crypto.len);
			break;
		}
		used += n;
		ae = true;
		quic_pkt_rec_add(pkt, QUIC_REC_CRYPTO, 0, f.crypto.offset,
				 f.crypto.len, false);
	}
	while (pns == QUIC_PNS_APP && (quic_app_ready(sk) || early) &&
	       pkt->nrec < QUIC_PKT_RECS) {
		st = quic_stream_next_frame(&qs->streams, room - used, &f);
		if (!st)
			break;
		if (f.type == QUIC_FRAME_STREAM)
			n = quic_put_stream(&d->open, p + used, hlen + used,
					    room - used, &f);
		else
			n = quic_put_frame(p + used, room - used, &f);
		if (!n) {
			/* sized to fit: cannot happen; resend later */
			if (f.type == QUIC_FRAME_STREAM)
				quic_stream_on_lost(&qs->streams, st->id,
						    f.stream.offset,
						    f.stream.len, f.stream.fin);
			break;
		}
		used += n;
		ae = true;
		if (f.type == QUIC_FRAME_STREAM)
			quic_pkt_rec_add(pkt, QUIC_REC_STREAM, st->id,
					 f.stream.offset, f.stream.len,
					 f.stream.fin);
		else if (f.type == QUIC_FRAME_MAX_STREAM_DATA)
			quic_pkt_rec_add(pkt, QUIC_REC_MAX_STREAM_DATA, st->id,
					 0, 0, false);
		else if (f.type == QUIC_FRAME_RESET_STREAM)
			quic_pkt_rec_add(pkt, QUIC_REC_RESET_STREAM, st->id,
					 0, 0, false);
		else if (f.type == QUIC_FRAME_STOP_SENDING)
			quic_pkt_rec_add(pkt, QUIC_REC_STOP_SENDING, st->id,
					 0, 0, false);
		else if (f.type == QUIC_FRAME_STREAM_DATA_BLOCKED)
			quic_pkt_rec_add(pkt, QUIC_REC_STREAM_DATA_BLOCKED,
					 st->id, f.stream_data_blocked.limit,
					 0, false);
	}
	/* datagrams: after the stream frames that were due, never resent */
	while (pns == QUIC_PNS_APP && (quic_app_ready(sk) || early) &&
	       !skb_queue_empty(&qs->dgsq)) {
		struct sk_buff *dg = skb_peek(&qs->dgsq);

		memset(&f, 0, sizeof(f));
		f.type = QUIC_FRAME_DATAGRAM_LEN;
		f.datagram.len = dg->len;
		f.datagram.data = dg->data;
		f.datagram.has_len = true;
		n = quic_put_frame(p + used, room - used, &f);
		if (!n && used)
			break;	/* in the next packet */
		__skb_unlink(dg, &qs->dgsq);
		if (n) {
			used += n;
			ae = true;
		}
		/* sent, or too big even for an empty packet (the path
		 * shrank after it was queued): dropped, as datagrams may be
		 */
		quic_dgram_sent(sk, dg);
	}
probe:
	/* an ACK frame that reports a new gap asks for an acknowledgment */
	if (acked && !ae && pns == QUIC_PNS_APP && room - used > 1 &&
	    quic_pnspace_gap_ping(s)) {
		p[used++] = QUIC_FRAME_PING;
		ae = true;
	}
	if (qs->probes && qs->probe_pns == pns) {
		if (!ae && room - used > 1) {
			p[used++] = QUIC_FRAME_PING;
			ae = true;
		}
		qs->probes--;
		d->probe = true;
	}
	/* a path MTU probe must be acknowledged */
	if (d->ping && pns == QUIC_PNS_APP && !ae && room - used > 1) {
		p[used++] = QUIC_FRAME_PING;
		ae = true;
	}
done:
	if (!used && room > 1) {
		p[used++] = QUIC_FRAME_PING;
		ae = true;
	}
	/* room for the header protection sample (RFC 9001 5.4.2) */
	while (hdr.pn_len + used < 4)
		p[used++] = QUIC_FRAME_PADDING;
	skb_put(skb, hlen + used);

	d->is_open = true;
	d->open.pkt = pkt;
	d->open.start = skb->len - hlen - used;
	d->open.hlen = hlen;
	d->open.len_off = hdr.type == QUIC_PKT_1RTT ? 0 :
			  hlen - hdr.pn_len - 2;
	d->open.pn = hdr.pn;
	d->open.level = level;
	d->open.ae = ae;
	if (early)
		quic_mib_inc(QUIC_MIB_ZRTT_SENT);
	if (hdr.type == QUIC_PKT_INITIAL) {
		d->has_initial = true;
		d->initial_ae |= ae;
	}
	if (hdr.type == QUIC_PKT_HANDSHAKE)
		d->has_handshake = true;
}

/* bytes in flight in every space */
static u64 quic_in_flight(const struct quic_sock *qs)
{
	return qs->pns[0].bytes_in_flight + qs->pns[1].bytes_in_flight +
	       qs->pns[2].bytes_in_flight;
}

/* a datagram of a GSO batch that is this close to full is padded to the
 * segment size (every segment but the last must have it)
 */
#define QUIC_GSO_SLACK		64

/* build one datagram at the end of d->skb (from d->base); returns its
 * length, 0 if nothing was due
 */
static u32 quic_build_datagram(struct sock *sk, struct quic_dgram *d,
			       bool allow_data, bool batch, u64 now)
{
	struct quic_sock *qs = quic_sk(sk);
	u32 len, pad = 0;
	int pns;

	for (pns = 0; pns < QUIC_PNS_MAX; pns++)
		quic_build(sk, d, pns, allow_data, now);
	if (!d->is_open)
		return 0;
	len = d->skb->len - d->base + QUIC_TAG_LEN;
	if (((d->has_initial && (!quic_is_serv(qs) || d->initial_ae)) ||
	     d->path) && len < QUIC_MIN_DATAGRAM)
		pad = min_t(u32, QUIC_MIN_DATAGRAM, d->budget) - len;
	else if (batch && len < d->budget && d->budget - len <= QUIC_GSO_SLACK)
		pad = d->budget - len;
	quic_seal(sk, d, pad);
	return d->skb->len - d->base;
}

/* mark @skb as @segs UDP datagrams of @size bytes each (the last may be
 * shorter) for UDP GSO: the stack or the device splits it
 */
static void quic_gso_prepare(struct sk_buff *skb, u32 size, u32 segs)
{
	skb_shinfo(skb)->gso_size = size;
	skb_shinfo(skb)->gso_segs = segs;
	skb_shinfo(skb)->gso_type = SKB_GSO_UDP_L4;
	/* the UDP header goes in front of the data: checksum it there */
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) - sizeof(struct udphdr);
	skb->csum_offset = offsetof(struct udphdr, check);
}

/*
 * Build and send one datagram, or once the handshake is confirmed and the
 * path's datagrams are small, a batch of them in one skb sent with UDP GSO
 * (up to QUIC_PKT_MAX bytes). Returns the bytes sent, 0 if nothing was
 * due.
 */
static int quic_send_datagram(struct sock *sk, u64 now)
{
	struct quic_sock *qs = quic_sk(sk);
	u32 budget = qs->mss, size, len, segs = 0;
	struct quic_dgram d;
	struct sk_buff *skb;
	bool batch, allow_data;
	u8 probes;

	if (!test_bit(QUIC_F_ADDR_VALIDATED, &qs->flags)) {
		u64 allowed = 3 * qs->bytes_rcvd;

		if (qs->bytes_sent >= allowed) {
			quic_mib_inc(QUIC_MIB_AMP_LIMITED);
			return 0;
		}
		budget = min_t(u64, budget, allowed - qs->bytes_sent);
	}
	/* PTO probes go in sends of their own, not in one GSO send: a
	 * queue that drops packets drops a GSO send whole (netem does), and
	 * the second probe is there to survive the loss of the first
	 */
	batch = test_bit(QUIC_F_HS_CONFIRMED, &qs->flags) &&
		test_bit(QUIC_F_ADDR_VALIDATED, &qs->flags) &&
		!qs->probes && 2 * budget <= QUIC_PKT_MAX;
	size = batch ? rounddown(QUIC_PKT_MAX, budget) : budget;
	skb = quic_skb_alloc(size, GFP_ATOMIC);
	if (!skb)
		return 0;
	for (;;) {
		allow_data = quic_in_flight(qs) < qs->cong.window ||
			     qs->probes;
		probes = qs->probes;
		memset(&d, 0, sizeof(d));
		d.skb = skb;
		d.base = skb->len;
		d.budget = budget;
		len = quic_build_datagram(sk, &d, allow_data, batch, now);
		if (!len)
			break;
		segs++;
		/* the next probe of a handshake space carries the data in
		 * flight again, not a PING alone: the first may be lost, and
		 * a server must find the ClientHello in the first Initial it
		 * receives (RFC 9000 17.2.2; aioquic closes the connection)
		 */
		if (qs->probes && qs->probes < probes &&
		    qs->probe_pns != QUIC_PNS_APP)
			quic_pto_resend(sk, qs->probe_pns);
		if (!test_bit(QUIC_F_ADDR_VALIDATED, &qs->flags))
			qs->bytes_sent += len;
		/* RFC 9001 4.9.1: a client drops Initial keys with its
		 * first Handshake packet
		 */
		if (d.has_handshake && !quic_is_serv(qs))
			quic_conn_discard(sk, QUIC_PNS_INITIAL);
		if (test_and_clear_bit(QUIC_F_CLOSE_SEND, &qs->flags)) {
			set_bit(QUIC_F_CLOSING, &qs->flags);
			break;
		}
		if (!batch || len != budget || skb->len + budget > size)
			break;
	}
	if (!segs) {
		kfree_skb(skb);
		return 0;
	}
	len = skb->len;
	if (segs > 1) {
		quic_gso_prepare(skb, budget, segs);
		quic_mib_inc(QUIC_MIB_GSO_SENDS);
	}
	quic_conn_xmit(sk, skb);
	return len;
}

/* send a path MTU probe of @size bytes: an ACK if one is due, a PING, and
 * PADDING up to the size (no data: its loss is likely, RFC 9000 14.4, and
 * data frames could leave no room for the probe's record); acknowledged,
 * it raises the packet size
 */
static void quic_send_pmtu_probe(struct sock *sk, u32 size, u64 now)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_dgram d = {};
	u32 len;

	d.skb = quic_skb_alloc(size, GFP_ATOMIC);
	if (!d.skb)
		return;
	d.budget = size;
	d.ping = true;
	quic_build(sk, &d, QUIC_PNS_APP, false, now);
	if (!d.is_open ||
	    !quic_pkt_rec_add(d.open.pkt, QUIC_REC_PMTU, 0, 0, size, false)) {
		quic_seal(sk, &d, 0);
		if (d.skb->len)
			quic_conn_xmit(sk, d.skb);
		else
			kfree_skb(d.skb);
		return;
	}
	len = d.skb->len + QUIC_TAG_LEN;
	quic_seal(sk, &d, size > len ? size - len : 0);
	quic_pmtu_probe_sent(&qs->pmtu, size);
	quic_conn_xmit(sk, d.skb);
}

/**
 * quic_send_path_probe - probe a path the connection does not use yet
 * @sk: connection socket, locked
 * @peer: the address to probe (a server's preferred address)
 * @dcid: the peer's connection ID for that path
 *
 * One 1-RTT packet with the PATH_CHALLENGE (and a PATH_RESPONSE if one is
 * due), padded to 1200 bytes (RFC 9000 8.2.1), from our address to @peer;
 * the connection's other packets keep going to its peer address
 * (RFC 9000 9.6.1).
 */
void quic_send_path_probe(struct sock *sk, const union quic_addr *peer,
			  const struct quic_cid *dcid)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 ecn = qs->ecn_failed ? INET_ECN_NOT_ECT : INET_ECN_ECT_0;
	union quic_addr saddr = qs->laddr;
	struct quic_dgram d = {};
	struct dst_entry *dst;
	u32 cookie, len;

	if (!qs->crypto[QUIC_CRYPTO_APP].p.tx.ready)
		return;
	d.skb = quic_skb_alloc(QUIC_MIN_DATAGRAM, GFP_ATOMIC);
	if (!d.skb)
		return;
	d.budget = QUIC_MIN_DATAGRAM;
	d.ping = true;
	d.alt_dcid = dcid;
	quic_build(sk, &d, QUIC_PNS_APP, false, quic_now());
	if (!d.is_open) {
		kfree_skb(d.skb);
		return;
	}
	len = d.skb->len + QUIC_TAG_LEN;
	quic_seal(sk, &d, QUIC_MIN_DATAGRAM > len ? QUIC_MIN_DATAGRAM - len : 0);
	if (!d.skb->len) {
		kfree_skb(d.skb);
		return;
	}
	local_bh_disable();
	dst = quic_route_lookup(sock_net(sk), qs->udp_sk->sock->sk,
				sk->sk_bound_dev_if, &qs->laddr, peer, &saddr,
				&cookie);
	if (IS_ERR(dst)) {
		local_bh_enable();
		kfree_skb(d.skb);
		return;
	}
	qs->tx_bytes += d.skb->len;
	quic_tunnel_xmit(qs->udp_sk->sock->sk, dst, d.skb, &saddr, &qs->laddr,
			 peer, ecn);
	local_bh_enable();
}

/**
 * quic_output - send what is due: ACKs, handshake data, stream data within
 *	the congestion window, probes, CONNECTION_CLOSE
 * @sk: a connection socket, locked (owned by the caller or bh-locked)
 */
void quic_output(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	u64 now = quic_now();
	u32 probe;
	int i;

	if (!qs->dcids.active || !qs->udp_sk ||
	    test_bit(QUIC_F_PEER_CLOSED, &qs->flags))
		return;
	if (test_bit(QUIC_F_CLOSING, &qs->flags))
		return;
	if (!test_bit(QUIC_F_CLOSE_SEND, &qs->flags)) {
		quic_key_update_check(sk);
		if (test_bit(QUIC_F_CLOSING, &qs->flags))
			return;
	}
	quic_update_mss(sk);
	/* one probe may go beyond the window (as its loss is no congestion
	 * signal): waiting for room of its size would never end in a bulk
	 * transfer, or after the window shrank to a few small packets
	 */
	probe = test_bit(QUIC_F_PMTU_STARTED, &qs->flags) &&
		quic_in_flight(qs) < qs->cong.window ?
		quic_pmtu_probe_due(&qs->pmtu) : 0;
	if (probe)
		quic_send_pmtu_probe(sk, probe, now);
	quic_path_output(sk);
	for (i = 0; i < QUIC_OUTPUT_BURST; i++)
		if (quic_send_datagram(sk, now) <= 0)
			break;
}
