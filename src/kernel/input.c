// SPDX-License-Identifier: GPL-2.0-or-later
/* The receive path: datagrams from the UDP tunnel socket to their socket
 * (by connection ID, or to a listener for a new connection), packet
 * unprotection, and the handling of every received frame.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>
#include <net/udp.h>

#include "conn.h"
#include "mib.h"

/* the datagram's source and destination, from its IP and UDP headers */
void quic_skb_addrs(const struct sk_buff *skb, union quic_addr *src,
		    union quic_addr *dst)
{
	const struct udphdr *uh = udp_hdr(skb);

	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	if (ip_hdr(skb)->version == 4) {
		src->v4.sin_family = AF_INET;
		src->v4.sin_addr.s_addr = ip_hdr(skb)->saddr;
		src->v4.sin_port = uh->source;
		dst->v4.sin_family = AF_INET;
		dst->v4.sin_addr.s_addr = ip_hdr(skb)->daddr;
		dst->v4.sin_port = uh->dest;
		return;
	}
	src->v6.sin6_family = AF_INET6;
	src->v6.sin6_addr = ipv6_hdr(skb)->saddr;
	src->v6.sin6_port = uh->source;
	dst->v6.sin6_family = AF_INET6;
	dst->v6.sin6_addr = ipv6_hdr(skb)->daddr;
	dst->v6.sin6_port = uh->dest;
	if (ipv6_addr_type(&src->v6.sin6_addr) & IPV6_ADDR_LINKLOCAL)
		src->v6.sin6_scope_id = inet6_iif(skb);
}

/* bytes of the first datagram of @skb: gso_size if it still holds several
 * (GSO/GRO); current kernels split those before an encapsulation socket's
 * hook, but an skb of many datagrams is walked correctly all the same
 */
static u32 quic_seg_len(const struct sk_buff *skb)
{
	if (skb_is_gso(skb) && skb_shinfo(skb)->gso_size)
		return min_t(u32, skb_shinfo(skb)->gso_size, skb->len);
	return skb->len;
}

/* the ECN codepoint of the IP header of @skb */
static u8 quic_skb_ecn(const struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return ipv4_get_dsfield(ip_hdr(skb)) & INET_ECN_MASK;
	return ipv6_get_dsfield(ipv6_hdr(skb)) & INET_ECN_MASK;
}

/* hand @skb to @sk now, or to its backlog while the user holds it */
void quic_deliver(struct sock *sk, struct sk_buff *skb)
{
	bh_lock_sock_nested(sk);
	if (!sock_owned_by_user(sk)) {
		quic_backlog_rcv(sk, skb);
	} else if (sk_add_backlog(sk, skb, READ_ONCE(sk->sk_rcvbuf) +
				  READ_ONCE(sk->sk_sndbuf))) {
		kfree_skb(skb);
	}
	bh_unlock_sock(sk);
}

/* the Destination Connection ID of the first packet of a datagram */
static bool quic_dcid_of(const u8 *p, u32 len, const u8 **cid, u8 *cid_len)
{
	if (len < 1)
		return false;
	if (!(p[0] & QUIC_HDR_FORM_LONG)) {
		if (len < 1 + QUIC_SCID_LEN)
			return false;
		*cid = p + 1;
		*cid_len = QUIC_SCID_LEN;
		return true;
	}
	if (len < 6 || p[5] > QUIC_CID_MAX_LEN || len < 6u + p[5])
		return false;
	*cid = p + 6;
	*cid_len = p[5];
	return true;
}

/**
 * quic_rcv - a datagram arrived on a QUIC tunnel socket
 * @usk: the UDP socket
 * @skb: the datagram, data at the UDP header
 *
 * Context: softirq, RCU read side (the UDP encap receive path).
 * Return: 0, the skb is consumed.
 */
int quic_rcv(struct sock *usk, struct sk_buff *skb)
{
	struct quic_udp_sock *us = rcu_dereference_sk_user_data(usk);
	struct sock *sk;
	const u8 *cid;
	u8 cid_len;

	if (!us || !pskb_may_pull(skb, sizeof(struct udphdr)))
		goto drop;
	__skb_pull(skb, sizeof(struct udphdr));
	if (skb_linearize_cow(skb))
		goto drop;
	QUIC_SKB_CB(skb)->time = quic_now();
	QUIC_SKB_CB(skb)->sreset = 0;
	if (!quic_dcid_of(skb->data, quic_seg_len(skb), &cid, &cid_len)) {
		/* a long header of another version may carry longer IDs:
		 * the listener answers it with Version Negotiation
		 */
		if (skb->len < 6 || !(skb->data[0] & QUIC_HDR_FORM_LONG))
			goto drop;
		cid_len = 0;
	}
	sk = cid_len ? quic_demux_lookup(sock_net(usk), cid, cid_len) : NULL;
	if (!sk) {
		if (!(skb->data[0] & QUIC_HDR_FORM_LONG)) {
			quic_sreset_unknown(us, skb, quic_seg_len(skb));
			return 0;
		}
		if (quic_route_rcv(us, skb))
			return 0;
		sk = quic_listen_lookup(us);
		if (!sk)
			goto drop;
	}
	quic_deliver(sk, skb);
	sock_put(sk);
	return 0;
drop:
	kfree_skb(skb);
	return 0;
}

/* ---- listener ---- */

static struct quic_request *quic_request_find(struct quic_sock *qs,
					      const union quic_addr *peer,
					      const u8 *dcid, u8 len)
{
	struct quic_request *req;

	list_for_each_entry(req, &qs->reqs, list) {
		if (req->dcid.len == len && !memcmp(req->dcid.data, dcid, len) &&
		    !memcmp(&req->peer, peer, sizeof(*peer)))
			return req;
	}
	return NULL;
}

static void quic_listen_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct quic_sock *qs = quic_sk(sk);
	union quic_addr src, dst;
	struct quic_request *req;
	struct quic_cid odcid;
	struct quic_hdr hdr;
	u32 len = quic_seg_len(skb);
	struct sock *nsk;
	bool retried = false, validated = false;

	/* the connection may have been accepted since the lookup */
	if (quic_dcid_of(skb->data, skb->len, &hdr.dcid, &hdr.dcid_len)) {
		rcu_read_lock();
		nsk = quic_demux_lookup(sock_net(sk), hdr.dcid, hdr.dcid_len);
		rcu_read_unlock();
		if (nsk) {
			local_bh_disable();
			quic_deliver(nsk, skb);
			local_bh_enable();
			sock_put(nsk);
			return;
		}
	}
	if (quic_hdr_decode(skb->data, len, QUIC_SCID_LEN, 0, &hdr) < 0)
		goto drop;
	quic_skb_addrs(skb, &src, &dst);
	if (hdr.type == QUIC_PKT_UNSUPPORTED) {
		if (len >= QUIC_MIN_DATAGRAM)
			quic_send_vn(qs->udp_sk, &hdr, &dst, &src);
		goto drop;
	}
	/* 0-RTT packets in datagrams of their own may overtake the
	 * Initial's processing: they wait with it, a few of them
	 */
	if (hdr.type == QUIC_PKT_0RTT) {
		req = quic_request_find(qs, &src, hdr.dcid, hdr.dcid_len);
		if (req && skb_queue_len(&req->skbs) < QUIC_REQ_SKBS_MAX) {
			__skb_queue_tail(&req->skbs, skb);
			return;
		}
		quic_mib_inc(QUIC_MIB_ZRTT_DROPPED);
		goto drop;
	}
	/* only a client's Initial in a full-size datagram opens a
	 * connection, with an ID of at least 8 bytes (RFC 9000 7.2, 14.1)
	 */
	if (hdr.type != QUIC_PKT_INITIAL || len < QUIC_MIN_DATAGRAM ||
	    hdr.dcid_len < 8 || sk->sk_state != QUIC_SS_LISTENING)
		goto drop;

	req = quic_request_find(qs, &src, hdr.dcid, hdr.dcid_len);
	if (req) {
		if (skb_queue_len(&req->skbs) >= QUIC_REQ_SKBS_MAX)
			goto drop;
		__skb_queue_tail(&req->skbs, skb);
		return;
	}
	if (sk_acceptq_is_full(sk))
		goto drop;

	odcid.len = hdr.dcid_len;
	memcpy(odcid.data, hdr.dcid, hdr.dcid_len);
	if (hdr.token_len) {
		/* a Retry token names the original ID; a NEW_TOKEN one
		 * validates the address; anything else: validate again
		 */
		if (!quic_token_check(hdr.token, hdr.token_len, &src, &odcid)) {
			retried = true;
		} else if (!quic_token_check_new(hdr.token, hdr.token_len,
						 &src)) {
			validated = true;
		} else if (qs->config.validate_peer_address) {
			quic_send_retry(qs->udp_sk, &hdr, &dst, &src);
			goto drop;
		}
	} else if (qs->config.validate_peer_address) {
		quic_send_retry(qs->udp_sk, &hdr, &dst, &src);
		goto drop;
	}

	req = kzalloc(sizeof(*req), GFP_ATOMIC);
	if (!req)
		goto drop;
	req->peer = src;
	req->local = dst;
	req->odcid = odcid;
	req->dcid.len = hdr.dcid_len;
	memcpy(req->dcid.data, hdr.dcid, hdr.dcid_len);
	req->scid.len = hdr.scid_len;
	memcpy(req->scid.data, hdr.scid, hdr.scid_len);
	req->version = hdr.version;
	req->retried = retried;
	req->validated = validated;
	if (retried)
		req->rscid = req->dcid;
	__skb_queue_head_init(&req->skbs);
	__skb_queue_tail(&req->skbs, skb);
	list_add_tail(&req->list, &qs->reqs);
	sk_acceptq_added(sk);
	sk->sk_data_ready(sk);
	return;
drop:
	kfree_skb(skb);
}

/* ---- connection ---- */

static int quic_pns_of(u8 type)
{
	switch (type) {
	case QUIC_PKT_INITIAL:
		return QUIC_PNS_INITIAL;
	case QUIC_PKT_HANDSHAKE:
		return QUIC_PNS_HANDSHAKE;
	default:
		return QUIC_PNS_APP;
	}
}

static int quic_level_of(u8 type)
{
	switch (type) {
	case QUIC_PKT_INITIAL:
		return QUIC_CRYPTO_INITIAL;
	case QUIC_PKT_HANDSHAKE:
		return QUIC_CRYPTO_HANDSHAKE;
	case QUIC_PKT_0RTT:
		return QUIC_CRYPTO_EARLY;
	default:
		return QUIC_CRYPTO_APP;
	}
}

/* keep a packet whose keys are not installed yet (a Handshake packet
 * coalesced with the Initial that brings the keys' TLS message)
 */
static void quic_pending_add(struct sock *sk, const u8 *pkt, u32 len, u8 ecn,
			     bool zrtt, bool again)
{
	struct quic_sock *qs = quic_sk(sk);
	struct sk_buff *skb;

	if (skb_queue_len(&qs->pending) >= QUIC_PENDING_MAX) {
		if (zrtt)
			quic_mib_inc(QUIC_MIB_ZRTT_DROPPED);
		return;
	}
	skb = alloc_skb(len, GFP_ATOMIC);
	if (!skb)
		return;
	if (zrtt) {
		qs->zrtt_pending++;
		if (!again)
			quic_mib_inc(QUIC_MIB_ZRTT_BUFFERED);
	}
	skb_put_data(skb, pkt, len);
	QUIC_SKB_CB(skb)->time = quic_now();
	/* its ECN mark still counts when the keys come (RFC 9000 13.4.1) */
	QUIC_SKB_CB(skb)->ecn = ecn;
	__skb_queue_tail(&qs->pending, skb);
}

static bool quic_cid_ours(struct quic_sock *qs, const u8 *cid, u8 len)
{
	if (quic_cid_find(&qs->scids, cid, len))
		return true;
	return quic_is_serv(qs) && !hlist_unhashed(&qs->odcid_e.node) &&
	       qs->odcid_e.cid.len == len &&
	       !memcmp(qs->odcid_e.cid.data, cid, len);
}

static void quic_rcv_close(struct sock *sk, const struct quic_frame *f)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_connection_close *c = &qs->peer_close;
	u32 n = min_t(u64, f->close.reason_len, sizeof(c->phrase) - 1);

	memset(c, 0, sizeof(*c));
	c->errcode = (u32)min_t(u64, f->close.errcode, U32_MAX);
	c->frame = (u8)f->close.frame_type;
	memcpy(c->phrase, f->close.reason, n);
	set_bit(QUIC_F_PEER_CLOSED, &qs->flags);
	qs->close_deadline = quic_now() + quic_conn_close_period(qs);
	quic_conn_end_event(sk, c->errcode, c->frame, (char *)c->phrase);
	quic_conn_done(sk, f->close.errcode ? ECONNRESET : 0);
}

/* MAX_DATA, MAX_STREAM_DATA, MAX_STREAMS_*: more credit from the peer */
static void quic_rcv_max(struct sock *sk, const struct quic_frame *f)
{
	struct quic_stream_table *t = &quic_sk(sk)->streams;
	u64 bidi = t->max_bidi, uni = t->max_uni, v;
	struct quic_stream_max_data md;
	struct quic_stream *s;

	quic_stream_max_data_frame(t, f);
	if (t->max_bidi != bidi || t->max_uni != uni) {
		bool u = t->max_uni != uni;

		v = ((u ? t->max_uni : t->max_bidi) << 2) |
		    (u ? QUIC_STREAM_TYPE_UNI_MASK : 0) |
		    (t->server ? QUIC_STREAM_TYPE_SERVER_MASK : 0);
		quic_event_queue(sk, QUIC_EVENT_STREAM_MAX_STREAM, &v,
				 sizeof(v));
	}
	if (f->type == QUIC_FRAME_MAX_STREAM_DATA) {
		s = quic_stream_find(t, f->max_stream_data.stream_id);
		if (s && s->send_max == f->max_stream_data.max) {
			md.id = s->id;
			md.max_data = s->send_max;
			quic_event_queue(sk, QUIC_EVENT_STREAM_MAX_DATA, &md,
					 sizeof(md));
		}
	}
	sk->sk_write_space(sk);
}

static int quic_rcv_frames(struct sock *sk, int pns, u8 pkt_type,
			   const u8 *p, u32 len, struct quic_cstream_rbuf *rb,
			   bool *ae, u64 now, u64 *errcode, u64 *frame)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_ack_result res;
	const u8 state_rs = QUIC_STREAM_SEND_STATE_RESET_SENT;
	const u8 state_rr = QUIC_STREAM_RECV_STATE_RESET_RECVD;
	struct quic_stream *st;
	struct quic_frame f;
	bool notify;
	int n, err;

	*ae = false;
	if (!len) {
		*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
		return -EPROTO;
	}
	while (len) {
		n = quic_frame_decode(p, len, &f);
		if (n < 0) {
			*errcode = QUIC_TRANSPORT_ERROR_FRAME_ENCODING;
			return -EPROTO;
		}
		*frame = f.type;
		if (quic_frame_check_allowed(f.type, pkt_type)) {
			*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
			return -EPROTO;
		}
		if (quic_frame_ack_eliciting(f.type))
			*ae = true;
		/* RFC 9000 9.1: what a path probe may carry */
		if (f.type != QUIC_FRAME_PADDING &&
		    f.type != QUIC_FRAME_PATH_CHALLENGE &&
		    f.type != QUIC_FRAME_PATH_RESPONSE &&
		    f.type != QUIC_FRAME_NEW_CONNECTION_ID)
			qs->path.nonprobe = true;
		p += n;
		len -= n;
		err = 0;
		switch (f.type) {
		case QUIC_FRAME_PADDING:
		case QUIC_FRAME_PING:
		case QUIC_FRAME_DATA_BLOCKED:
		case QUIC_FRAME_STREAM_DATA_BLOCKED:
		case QUIC_FRAME_STREAMS_BLOCKED_BIDI:
		case QUIC_FRAME_STREAMS_BLOCKED_UNI:
			break;
		case QUIC_FRAME_PATH_RESPONSE:
			quic_path_on_response(sk, f.path.data);
			break;
		case QUIC_FRAME_STOP_SENDING:
			st = quic_stream_stop_frame(&qs->streams, &f, errcode);
			if (IS_ERR(st)) {
				err = PTR_ERR(st);
				break;
			}
			if (st)
				quic_event_stream_update(sk, st->id, state_rs,
							 st->reset_errcode,
							 st->data.send_end);
			sk->sk_write_space(sk);
			break;
		case QUIC_FRAME_ACK:
		case QUIC_FRAME_ACK_ECN: {
			u8 exp = pns == QUIC_PNS_APP ?
				 qs->remote.ack_delay_exponent : 3;

			quic_ack_result_init(&res);
			err = quic_pnspace_on_ack(&qs->pns[pns], &f.ack,
						  f.ack.delay << exp, now,
						  &qs->rtt, &res, errcode);
			if (!err)
				quic_on_ack_result(sk, pns, &res, now, &f);
			break;
		}
		case QUIC_FRAME_CRYPTO:
			/* a ClientHello again: our Initial did not arrive */
			if (pns == QUIC_PNS_INITIAL && quic_is_serv(qs) &&
			    f.crypto.offset + f.crypto.len <=
			    qs->cs[pns].read_off)
				quic_timer_hs_repeat(sk);
			err = quic_cstream_recv(&qs->cs[pns], f.crypto.offset,
						f.crypto.data, f.crypto.len,
						GFP_ATOMIC, errcode);
			if (!err && pns == QUIC_PNS_HANDSHAKE)
				quic_zrtt_rcv_handshake(sk);
			if (!err)
				sk->sk_data_ready(sk);
			break;
		case QUIC_FRAME_NEW_TOKEN:
			if (quic_is_serv(qs)) {
				*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
				return -EPROTO;
			}
			quic_token_received(sk, f.new_token.token,
					    f.new_token.len);
			break;
		case QUIC_FRAME_RESET_STREAM:
			notify = quic_event_on(sk, QUIC_EVENT_STREAM_UPDATE);
			st = quic_stream_reset_frame(&qs->streams, &f, notify,
						     errcode);
			if (IS_ERR(st)) {
				err = PTR_ERR(st);
				break;
			}
			if (st && quic_event_stream_update(sk, st->id, state_rr,
							   f.reset_stream.errcode,
							   f.reset_stream.final_size))
				quic_stream_try_free(&qs->streams, st);
			sk->sk_data_ready(sk);
			break;
		case QUIC_FRAME_MAX_DATA:
		case QUIC_FRAME_MAX_STREAM_DATA:
		case QUIC_FRAME_MAX_STREAMS_BIDI:
		case QUIC_FRAME_MAX_STREAMS_UNI:
			quic_rcv_max(sk, &f);
			break;
		case QUIC_FRAME_NEW_CONNECTION_ID:
			err = quic_conn_cid_new(sk, &f, errcode);
			break;
		case QUIC_FRAME_RETIRE_CONNECTION_ID:
			err = quic_conn_cid_retire(sk, f.retire_cid.seq,
						   errcode);
			break;
		case QUIC_FRAME_PATH_CHALLENGE:
			memcpy(qs->path_response, f.path.data,
			       QUIC_PATH_DATA_LEN);
			set_bit(QUIC_F_PATH_RESPONSE, &qs->flags);
			break;
		case QUIC_FRAME_CONNECTION_CLOSE:
		case QUIC_FRAME_CONNECTION_CLOSE_APP:
			quic_rcv_close(sk, &f);
			return -ECONNRESET;
		case QUIC_FRAME_HANDSHAKE_DONE:
			if (quic_is_serv(qs)) {
				*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
				return -EPROTO;
			}
			if (!test_and_set_bit(QUIC_F_HS_CONFIRMED, &qs->flags)) {
				qs->rtt.confirmed = true;
				quic_conn_discard(sk, QUIC_PNS_HANDSHAKE);
			}
			break;
		case QUIC_FRAME_DATAGRAM:
		case QUIC_FRAME_DATAGRAM_LEN:
			err = quic_dgram_rcv(sk, &f, errcode);
			break;
		default:
			if (QUIC_STREAM_TYPE_IS(f.type)) {
				err = quic_stream_recv_frame(&qs->streams, &f, rb,
							     errcode);
				if (!err)
					sk->sk_data_ready(sk);
				break;
			}
			*errcode = QUIC_TRANSPORT_ERROR_FRAME_ENCODING;
			return -EPROTO;
		}
		if (err)
			return err;
	}
	return 0;
}

/* one packet of a datagram, unprotected in place; @len is what is left of
 * the datagram, @ecn its IP ECN codepoint, @rb the skb it is in (STREAM
 * data may stay there) or NULL. Returns the bytes it used, or a negative
 * errno to stop.
 */
static int quic_rcv_packet(struct sock *sk, u8 *p, u32 len, u64 now, u8 ecn,
			   struct quic_cstream_rbuf *rb, bool *stop)
{
	struct quic_sock *qs = quic_sk(sk);
	u64 errcode = 0, frame = 0;
	int pns, level, n, err;
	struct quic_pnspace *s;
	struct quic_hdr hdr;
	bool ae, largest;

	/* RFC 9287 3: having announced grease_quic_bit, accept packets
	 * whose QUIC bit is 0
	 */
	n = quic_hdr_decode(p, len, QUIC_SCID_LEN,
			    qs->local.grease_quic_bit ? QUIC_HDR_F_GREASE_OK : 0,
			    &hdr);
	if (n < 0) {
		*stop = true;
		return 0;
	}
	switch (hdr.type) {
	case QUIC_PKT_VERSION_NEG:
	case QUIC_PKT_RETRY:
	case QUIC_PKT_UNSUPPORTED:
		*stop = true;
		if (!quic_is_serv(qs) && hdr.type == QUIC_PKT_RETRY)
			quic_conn_retry(sk, p, &hdr);
		else if (!quic_is_serv(qs) && hdr.type == QUIC_PKT_VERSION_NEG)
			quic_conn_vn(sk, &hdr);
		return 0;
	}
	if (hdr.type != QUIC_PKT_1RTT &&
	    (hdr.version != qs->version ||
	     !quic_cid_ours(qs, hdr.dcid, hdr.dcid_len)))
		return hdr.pkt_len;	/* not for this connection */

	pns = quic_pns_of(hdr.type);
	level = quic_level_of(hdr.type);
	if ((pns == QUIC_PNS_INITIAL &&
	     test_bit(QUIC_F_INITIAL_GONE, &qs->flags)) ||
	    (pns == QUIC_PNS_HANDSHAKE &&
	     test_bit(QUIC_F_HANDSHAKE_GONE, &qs->flags)))
		return hdr.pkt_len;
	if (hdr.type == QUIC_PKT_0RTT && !qs->crypto[level].p.rx.ready &&
	    !quic_zrtt_hold(sk))
		return hdr.pkt_len;
	if (!qs->crypto[level].p.rx.ready) {
		/* held again (from the queue: no @rb) is not counted again */
		quic_pending_add(sk, p, hdr.pkt_len, ecn,
				 hdr.type == QUIC_PKT_0RTT, !rb);
		return hdr.pkt_len;
	}
	s = &qs->pns[pns];
	n = quic_crypto_decrypt(&qs->crypto[level], p, &hdr,
				s->nrecv ? (s64)s->recv[0].end : -1);
	if (n < 0) {
		if (n == -EPROTO) {
			quic_conn_error(sk, QUIC_TRANSPORT_ERROR_KEY_UPDATE, 0);
			*stop = true;
		}
		return hdr.pkt_len;	/* not authentic: drop it */
	}
	if (quic_hdr_check_reserved(&hdr)) {
		quic_conn_error(sk, QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION, 0);
		*stop = true;
		return 0;
	}
	if (quic_pnspace_check(s, hdr.pn))
		return hdr.pkt_len;	/* duplicate */
	largest = !s->nrecv || hdr.pn > s->recv[0].end;
	qs->path.nonprobe = false;
	if (hdr.type == QUIC_PKT_1RTT) {
		quic_key_update_rx(sk, now);
		quic_conn_cid_rx(sk, hdr.dcid, hdr.dcid_len);
	}

	if (!quic_is_serv(qs) && !test_bit(QUIC_F_GOT_SERVER_CID, &qs->flags) &&
	    hdr.type != QUIC_PKT_1RTT) {
		/* the server's first packet names the ID to send to */
		quic_cid_dest_update(&qs->dcids, 0, hdr.scid, hdr.scid_len,
				     NULL);
		qs->peer_iscid.len = hdr.scid_len;
		memcpy(qs->peer_iscid.data, hdr.scid, hdr.scid_len);
		set_bit(QUIC_F_GOT_SERVER_CID, &qs->flags);
	}

	err = quic_rcv_frames(sk, pns, hdr.type,
			      p + hdr.pn_offset + hdr.pn_len, n, rb, &ae, now,
			      &errcode, &frame);
	if (err == -EPROTO) {
		quic_conn_error(sk, errcode, frame);
		*stop = true;
		return 0;
	}
	if (err == -ECONNRESET) {
		*stop = true;
		return 0;
	}
	if (err)
		return hdr.pkt_len;	/* no memory: not acknowledged */
	quic_pnspace_recv(s, hdr.pn, ae, now);
	/* Until its handshake is done, an ACK is often all a server can
	 * give a client that probes, and the client's recovery hangs on it:
	 * a probe may be a PING alone (OpenSSL's are), so a lost ClientHello
	 * part or Finished goes again only once the ACK of a later packet
	 * declares it lost. At 30% loss each way, lost ACKs left OpenSSL's
	 * handshakes to its backed-off PTOs, past its 30 s idle timeout.
	 * Each such ACK goes twice then, in datagrams of their own.
	 */
	if (ae && pns != QUIC_PNS_APP && quic_is_serv(qs) &&
	    sk->sk_state == QUIC_SS_ESTABLISHING)
		s->ack_copies = 1;
	quic_mib_inc(QUIC_MIB_PKTS_RCVD);
	if (hdr.type == QUIC_PKT_0RTT)
		quic_mib_inc(QUIC_MIB_ZRTT_RCVD);
	/* ECN counts for our ACK_ECN frames: ECT(0), ECT(1), CE */
	if (ecn != INET_ECN_NOT_ECT)
		qs->ecn_recvd[pns][ecn == INET_ECN_ECT_0 ? 0 :
				   ecn == INET_ECN_ECT_1 ? 1 : 2]++;
	qs->idle_last = now;
	if (hdr.type == QUIC_PKT_1RTT)
		quic_path_rcv_packet(sk, largest, len);

	if (quic_is_serv(qs) && hdr.type == QUIC_PKT_HANDSHAKE) {
		/* RFC 9000 8.1, RFC 9001 4.9.1 */
		set_bit(QUIC_F_ADDR_VALIDATED, &qs->flags);
		quic_conn_discard(sk, QUIC_PNS_INITIAL);
	}
	return hdr.pkt_len;
}

/* the packets of one datagram, in process context or softirq with the
 * socket lock held
 */
static void quic_rcv_datagram(struct sock *sk, u8 *p, u32 len, u64 now,
			      u8 ecn, struct quic_cstream_rbuf *rb)
{
	struct quic_sock *qs = quic_sk(sk);
	bool stop = false;
	int n;

	while (len && !stop) {
		n = quic_rcv_packet(sk, p, len, now, ecn, rb, &stop);
		if (n <= 0 || n > len)
			break;
		p += n;
		len -= n;
		if (test_bit(QUIC_F_PEER_CLOSED, &qs->flags))
			break;
	}
}

/* a received skb that STREAM data of @sk may stay in until it is read */
struct quic_rbuf {
	struct quic_cstream_rbuf rb;
	struct sock *sk;
};

static int quic_rbuf_get(struct quic_cstream_rbuf *rb)
{
	struct quic_rbuf *r = container_of(rb, struct quic_rbuf, rb);
	struct sk_buff *skb = rb->ref;
	int err;

	if (skb->sk != r->sk) {
		/* charged once, whole, to the receive memory until freed */
		err = quic_rmem_hold(r->sk, skb);
		if (err)
			return err;
	}
	skb_get(skb);
	return 0;
}

static void quic_rbuf_put(void *skb)
{
	consume_skb(skb);
}

void quic_conn_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_rbuf r = {
		.rb = { .ref = skb, .get = quic_rbuf_get, .put = quic_rbuf_put },
		.sk = sk,
	};
	u32 seg, off, len;
	u8 ecn;

	if (test_bit(QUIC_F_PEER_CLOSED, &qs->flags) ||
	    test_bit(QUIC_F_RELEASE, &qs->flags) ||
	    (QUIC_SKB_CB(skb)->sreset && quic_sreset_rcv(sk, skb))) {
		kfree_skb(skb);
		return;
	}
	if (test_bit(QUIC_F_CLOSING, &qs->flags)) {
		quic_conn_closing_rcv(sk, skb);
		return;
	}
	if (sk->sk_state == QUIC_SS_CLOSED) {
		kfree_skb(skb);
		return;
	}
	/* a GRO-coalesced skb holds datagrams of gso_size bytes (the last
	 * one may be shorter): each is processed in place
	 */
	qs->rx_bytes += skb->len;
	ecn = quic_skb_ecn(skb);
	/* STREAM data may stay in the skb after decryption, until read:
	 * it must not pin a route or conntrack entry meanwhile
	 */
	skb_dst_drop(skb);
	nf_reset_ct(skb);
	quic_path_rcv_addr(sk, skb);
	seg = quic_seg_len(skb);
	if (seg < skb->len)
		quic_mib_inc(QUIC_MIB_GRO_RCVS);
	for (off = 0; off < skb->len; off += seg) {
		len = min(seg, skb->len - off);
		if (!test_bit(QUIC_F_ADDR_VALIDATED, &qs->flags))
			qs->bytes_rcvd += len;
		quic_rcv_datagram(sk, skb->data + off, len,
				  QUIC_SKB_CB(skb)->time, ecn, &r.rb);
		if (sk->sk_state == QUIC_SS_CLOSED)
			break;
	}
	if (r.rb.held)
		quic_mib_add(QUIC_MIB_RCV_HELD, r.rb.held);
	qs->path.rx_src.sa.sa_family = 0;
	kfree_skb(skb);
	quic_output(sk);
	quic_timer_update(sk);
}

/* packets held for keys that may now be installed */
void quic_process_pending(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct sk_buff_head q;
	struct sk_buff *skb;

	__skb_queue_head_init(&q);
	skb_queue_splice_init(&qs->pending, &q);
	qs->zrtt_pending = 0;
	while ((skb = __skb_dequeue(&q))) {
		if (sk->sk_state != QUIC_SS_CLOSED &&
		    !test_bit(QUIC_F_PEER_CLOSED, &qs->flags))
			quic_rcv_datagram(sk, skb->data, skb->len,
					  QUIC_SKB_CB(skb)->time,
					  QUIC_SKB_CB(skb)->ecn, NULL);
		kfree_skb(skb);
	}
}

/**
 * quic_backlog_rcv - process a datagram for @sk
 * @sk: a listener or a connection
 * @skb: the datagram
 *
 * Context: softirq with the socket spinlock held, or process context from
 * the backlog (release_sock()).
 * Return: 0.
 */
int quic_backlog_rcv(struct sock *sk, struct sk_buff *skb)
{
	if (sk->sk_state == QUIC_SS_LISTENING)
		quic_listen_rcv(sk, skb);
	else if (quic_sk(sk)->dcids.active)
		quic_conn_rcv(sk, skb);
	else
		kfree_skb(skb);
	return 0;
}
