// SPDX-License-Identifier: GPL-2.0-or-later
/* Connection setup and teardown: the client's connect(), the server's
 * connection from an accepted request, the TLS interface (secrets and
 * transport parameters from userspace), key discarding, closing.
 */

#include <linux/random.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "conn.h"
#include "sysctl.h"

#define QUIC_CRYPTO_RECV_LIMIT	(64 * 1024)	/* per level, RFC 9000 7.5 */
#define QUIC_CRYPTO_SEND_LIMIT	(64 * 1024)

/* received data may take the receive buffer plus the flow control
 * windows the socket granted
 */
static long quic_rmem_limit(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	return READ_ONCE(sk->sk_rcvbuf) +
	       (long)max(qs->local.max_data, qs->streams.recv_window) +
	       4 * QUIC_CRYPTO_RECV_LIMIT;
}

static int quic_rmem_charge(struct quic_mem *m, long delta)
{
	struct quic_sock *qs = container_of(m, struct quic_sock, rmem);
	struct sock *sk = quic_sk_of(qs);

	if (delta > 0 &&
	    atomic_read(&sk->sk_rmem_alloc) + delta > quic_rmem_limit(sk))
		return -ENOBUFS;
	atomic_add(delta, &sk->sk_rmem_alloc);
	return 0;
}

/**
 * quic_rmem_hold - charge a received skb to @sk's receive memory while
 *	stream data stays in it (its destructor uncharges it when freed)
 * @sk: the connection
 * @skb: the skb, owned by no socket
 *
 * Return: 0, -EBUSY (another owner), -ENOBUFS (over the limit: copy the
 * data instead).
 */
int quic_rmem_hold(struct sock *sk, struct sk_buff *skb)
{
	if (skb->sk || skb->destructor)
		return -EBUSY;
	if (atomic_read(&sk->sk_rmem_alloc) + skb->truesize >
	    quic_rmem_limit(sk))
		return -ENOBUFS;
	skb_set_owner_r(skb, sk);
	return 0;
}

static int quic_wmem_charge(struct quic_mem *m, long delta)
{
	struct quic_sock *qs = container_of(m, struct quic_sock, wmem);

	sk_wmem_queued_add(quic_sk_of(qs), delta);
	return 0;
}

static void quic_conn_work(struct work_struct *work);

/* everything empty: a socket that is not connected yet */
int quic_conn_init(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	int i;

	qs->flags = 0;
	INIT_LIST_HEAD(&qs->reqs);
	INIT_HLIST_NODE(&qs->lnode);
	INIT_HLIST_NODE(&qs->odcid_e.node);
	quic_mem_init(&qs->rmem, quic_rmem_charge);
	quic_mem_init(&qs->wmem, quic_wmem_charge);
	for (i = 0; i < QUIC_CRYPTO_MAX; i++)
		quic_crypto_init(&qs->crypto[i], i);
	for (i = 0; i < QUIC_PNS_MAX; i++) {
		quic_pnspace_init(&qs->pns[i], 0);
		quic_cstream_init(&qs->cs[i], QUIC_CRYPTO_RECV_LIMIT,
				  QUIC_CRYPTO_SEND_LIMIT, &qs->rmem, &qs->wmem);
	}
	quic_cid_set_init(&qs->scids, true, QUIC_CID_DEFAULT_LIMIT,
			  &quic_demux_ops, &qs->wmem);
	quic_cid_set_init(&qs->dcids, false, qs->local.active_connection_id_limit,
			  &quic_sreset_ops, &qs->rmem);
	skb_queue_head_init(&qs->pending);
	__skb_queue_head_init(&qs->evq);
	__skb_queue_head_init(&qs->dgq);
	__skb_queue_head_init(&qs->dgsq);
	qs->mss = QUIC_MIN_DATAGRAM;
	quic_cong_init(&qs->cong, qs->config.congestion_control_algo, qs->mss);
	quic_rtt_init(&qs->rtt, qs->config.initial_smoothed_rtt,
		      qs->remote.max_ack_delay);
	quic_streams_init(&qs->streams, false, &qs->local, &qs->remote,
			  &qs->rmem, &qs->wmem);
	quic_timer_init(sk);
	INIT_WORK(&qs->work, quic_conn_work);
	INIT_WORK(&qs->release_work, quic_conn_release_work);
	/* demux lookups run under RCU and take a reference */
	sock_set_flag(sk, SOCK_RCU_FREE);
	return 0;
}

void quic_request_free(struct quic_request *req)
{
	__skb_queue_purge(&req->skbs);
	kfree(req);
}

void quic_conn_free(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_request *req, *tmp;
	LIST_HEAD(pkts);
	int i;

	quic_listen_del(sk);
	list_for_each_entry_safe(req, tmp, &qs->reqs, list) {
		list_del(&req->list);
		quic_request_free(req);
	}
	quic_timer_stop(sk);
	if (cancel_work_sync(&qs->work))
		__sock_put(sk);
	quic_path_free(sk);
	quic_demux_del(&qs->odcid_e);
	quic_cid_set_free(&qs->scids);
	quic_cid_set_free(&qs->dcids);
	quic_streams_free(&qs->streams);
	for (i = 0; i < QUIC_PNS_MAX; i++) {
		quic_pnspace_discard(&qs->pns[i], &pkts);
		quic_pkts_free(sk, &pkts, false);
		quic_cstream_free(&qs->cs[i]);
	}
	for (i = 0; i < QUIC_CRYPTO_MAX; i++)
		quic_crypto_free(&qs->crypto[i]);
	if (qs->retry) {
		quic_crypto_retry_free(qs->retry);
		kfree(qs->retry);
		qs->retry = NULL;
	}
	skb_queue_purge(&qs->pending);
	quic_route_reset(sk);
	__skb_queue_purge(&qs->evq);
	__skb_queue_purge(&qs->dgq);
	while (!skb_queue_empty(&qs->dgsq))
		quic_dgram_sent(sk, __skb_dequeue(&qs->dgsq));
}

/* settings read when the connection starts (options may change before) */
static void quic_conn_setup(struct sock *sk, bool server)
{
	struct quic_sock *qs = quic_sk(sk);
	int i;

	if (server)
		set_bit(QUIC_F_SERVER, &qs->flags);
	for (i = 0; i < QUIC_PNS_MAX; i++)
		qs->pns[i].max_ack_delay =
			i == QUIC_PNS_APP ? qs->local.max_ack_delay : 0;
	quic_rtt_init(&qs->rtt, qs->config.initial_smoothed_rtt,
		      qs->remote.max_ack_delay);
	/* the algorithm QUIC_SOCKOPT_CONFIG chose (or net.quic's default) */
	quic_cong_init(&qs->cong, qs->config.congestion_control_algo, qs->mss);
	quic_cong_update_pacing(&qs->cong, &qs->rtt);
	quic_cid_set_limit(&qs->dcids, qs->local.active_connection_id_limit);
	quic_streams_init(&qs->streams, server, &qs->local, &qs->remote,
			  &qs->rmem, &qs->wmem);
	/* receive windows grow up to net.quic.rmem[2] unless SO_RCVBUF was
	 * set (as TCP's receive buffer auto-tuning)
	 */
	if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK))
		qs->streams.window_ceiling =
			max_t(u64, qs->local.max_data,
			      READ_ONCE(sysctl_quic_rmem[2]));
	qs->idle_last = quic_now();
}

static int quic_conn_new_scid(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 cid[QUIC_SCID_LEN];
	int err, tries;

	for (tries = 0; tries < 4; tries++) {
		get_random_bytes(cid, sizeof(cid));
		err = quic_cid_source_add(&qs->scids, cid, sizeof(cid), NULL,
					  GFP_KERNEL, NULL);
		if (err != -EEXIST)
			break;
	}
	return err;
}

/**
 * quic_conn_connect - start a client connection to @peer
 * @sk: a bound socket, locked
 * @peer: the server
 *
 * Picks the IDs and derives the Initial keys; the first packet goes out
 * when userspace hands over the ClientHello.
 *
 * Return: 0 or a negative errno.
 */
int quic_conn_connect(struct sock *sk, const union quic_addr *peer)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 odcid[QUIC_ODCID_LEN];
	u64 errcode;
	int err;

	qs->version = qs->config.version ?: QUIC_VERSION_V1;
	qs->config.version = qs->version;
	qs->peer = *peer;
	qs->laddr = qs->udp_sk->addr;
	quic_conn_setup(sk, false);
	quic_zrtt_connect(sk);
	err = quic_conn_new_scid(sk);
	if (err)
		return err;
	get_random_bytes(odcid, sizeof(odcid));
	err = quic_cid_dest_add(&qs->dcids, 0, 0, odcid, sizeof(odcid), NULL,
				GFP_KERNEL, &errcode);
	if (err)
		return err;
	qs->odcid.len = sizeof(odcid);
	memcpy(qs->odcid.data, odcid, sizeof(odcid));
	err = quic_crypto_initial_keys(&qs->crypto[QUIC_CRYPTO_INITIAL],
				       qs->version, odcid, sizeof(odcid),
				       false);
	if (err)
		return err;
	qs->retry = kzalloc(sizeof(*qs->retry), GFP_KERNEL);
	if (!qs->retry)
		return -ENOMEM;
	err = quic_crypto_retry_init(qs->retry, qs->version);
	if (err) {
		kfree(qs->retry);
		qs->retry = NULL;
		return err;
	}
	/* the client knows the server's address is the server's */
	set_bit(QUIC_F_ADDR_VALIDATED, &qs->flags);
	return 0;
}

/**
 * quic_conn_accept - start the server side of the connection in @req
 * @sk: the new socket, locked, bound to the listener's tunnel socket
 * @req: the request (its packets are processed here)
 *
 * Return: 0 or a negative errno.
 */
int quic_conn_accept(struct sock *sk, struct quic_request *req)
{
	struct quic_sock *qs = quic_sk(sk);
	struct sk_buff *skb;
	u64 errcode;
	int err;

	qs->version = req->version;
	qs->config.version = req->version;
	qs->peer = req->peer;
	qs->laddr = req->local;
	quic_conn_setup(sk, true);
	err = quic_conn_new_scid(sk);
	if (err)
		return err;
	err = quic_cid_dest_add(&qs->dcids, 0, 0, req->scid.data,
				req->scid.len, NULL, GFP_KERNEL, &errcode);
	if (err)
		return err;
	qs->peer_iscid = req->scid;
	qs->odcid = req->odcid;
	if (req->retried) {
		qs->rscid = req->rscid;
		set_bit(QUIC_F_RETRY_DONE, &qs->flags);
		set_bit(QUIC_F_ADDR_VALIDATED, &qs->flags);
	}
	if (req->validated)
		set_bit(QUIC_F_ADDR_VALIDATED, &qs->flags);
	err = quic_crypto_initial_keys(&qs->crypto[QUIC_CRYPTO_INITIAL],
				       qs->version, req->dcid.data,
				       req->dcid.len, true);
	if (err)
		return err;
	qs->odcid_e.set = &qs->scids;
	qs->odcid_e.cid = req->dcid;
	err = quic_demux_add(&qs->odcid_e);
	if (err)
		return err;
	sk->sk_state = QUIC_SS_ESTABLISHING;
	while ((skb = __skb_dequeue(&req->skbs)))
		quic_conn_rcv(sk, skb);
	return 0;
}

/* Retry (client): new Initial keys need process context */
static void quic_conn_work(struct work_struct *work)
{
	struct quic_sock *qs = container_of(work, struct quic_sock, work);
	struct sock *sk = quic_sk_of(qs);
	const struct quic_cid *dcid;
	LIST_HEAD(pkts);

	lock_sock(sk);
	if (test_and_clear_bit(QUIC_F_RETRY_KEYS, &qs->flags) &&
	    qs->dcids.active && sk->sk_state != QUIC_SS_CLOSED) {
		dcid = &qs->dcids.active->cid;
		if (quic_crypto_initial_keys(&qs->crypto[QUIC_CRYPTO_INITIAL],
					     qs->version, dcid->data, dcid->len,
					     false)) {
			quic_conn_done(sk, EPROTO);
		} else {
			/* the server forgot our Initials: send them again */
			quic_pnspace_discard(&qs->pns[QUIC_PNS_INITIAL], &pkts);
			quic_pkts_free(sk, &pkts, true);
			quic_output(sk);
			quic_timer_update(sk);
		}
	}
	if (test_and_clear_bit(QUIC_F_KEYS_FREE, &qs->flags)) {
		if (test_bit(QUIC_F_INITIAL_GONE, &qs->flags)) {
			quic_crypto_free(&qs->crypto[QUIC_CRYPTO_INITIAL]);
			if (qs->retry) {
				quic_crypto_retry_free(qs->retry);
				kfree(qs->retry);
				qs->retry = NULL;
			}
		}
		if (test_bit(QUIC_F_HANDSHAKE_GONE, &qs->flags))
			quic_crypto_free(&qs->crypto[QUIC_CRYPTO_HANDSHAKE]);
	}
	quic_key_update_work(sk);
	if (test_and_clear_bit(QUIC_F_PATH_FREE, &qs->flags))
		quic_path_work(sk);
	release_sock(sk);
	sock_put(sk);
}

/**
 * quic_conn_retry - a client received a Retry (RFC 9000 17.2.5.2)
 * @sk: the socket, locked
 * @pkt: the Retry packet
 * @hdr: its header
 */
void quic_conn_retry(struct sock *sk, const u8 *pkt, const struct quic_hdr *hdr)
{
	struct quic_sock *qs = quic_sk(sk);
	u8 *token;

	if (test_bit(QUIC_F_RETRY_DONE, &qs->flags) ||
	    test_bit(QUIC_F_GOT_SERVER_CID, &qs->flags) || !qs->retry ||
	    (hdr->scid_len == qs->odcid.len &&
	     !memcmp(hdr->scid, qs->odcid.data, hdr->scid_len)))
		return;
	if (quic_crypto_retry_verify(qs->retry, qs->odcid.data, qs->odcid.len,
				     pkt, hdr->pkt_len))
		return;
	token = kmemdup(hdr->token, hdr->token_len, GFP_ATOMIC);
	if (!token)
		return;
	kfree(qs->token.data);
	qs->token.data = token;
	qs->token.len = hdr->token_len;
	if (quic_cid_dest_update(&qs->dcids, 0, hdr->scid, hdr->scid_len,
				 NULL))
		return;
	qs->rscid.len = hdr->scid_len;
	memcpy(qs->rscid.data, hdr->scid, hdr->scid_len);
	set_bit(QUIC_F_RETRY_DONE, &qs->flags);
	set_bit(QUIC_F_RETRY_KEYS, &qs->flags);
	sock_hold(sk);
	if (!queue_work(quic_wq, &qs->work))
		__sock_put(sk);
}

/* a Version Negotiation packet: fail unless it lists our version */
void quic_conn_vn(struct sock *sk, const struct quic_hdr *hdr)
{
	struct quic_sock *qs = quic_sk(sk);
	size_t i;

	if (test_bit(QUIC_F_GOT_SERVER_CID, &qs->flags) ||
	    hdr->dcid_len != qs->scids.active->cid.len ||
	    memcmp(hdr->dcid, qs->scids.active->cid.data, hdr->dcid_len))
		return;
	for (i = 0; i < hdr->nversions; i++)
		if (quic_hdr_vn_version(hdr, i) == qs->version)
			return;	/* RFC 9000 6.2: ignore */
	quic_conn_done(sk, ECONNREFUSED);
}

/**
 * quic_conn_set_secret - QUIC_SOCKOPT_CRYPTO_SECRET: a traffic secret from
 *	the TLS library
 * @sk: socket, locked
 * @optval: struct quic_crypto_secret
 * @optlen: its size
 *
 * Return: 0 or a negative errno.
 */
int quic_conn_set_secret(struct sock *sk, sockptr_t optval,
			 unsigned int optlen)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_crypto_secret s;
	int err;

	if (optlen != sizeof(s))
		return -EINVAL;
	if (!qs->dcids.active || sk->sk_state == QUIC_SS_CLOSED)
		return -ENOTCONN;
	if (copy_from_sockptr(&s, optval, sizeof(s)))
		return -EFAULT;
	if (s.send > 1 || s.level >= QUIC_CRYPTO_MAX ||
	    s.level == QUIC_CRYPTO_INITIAL) {
		err = -EINVAL;
		goto out;
	}
	err = quic_crypto_set_secret(&qs->crypto[s.level], s.type, qs->version,
				     s.send, s.secret);
	if (err)
		goto out;
	if (s.level == QUIC_CRYPTO_EARLY)
		quic_zrtt_secret(sk, s.send);
	if (s.level == QUIC_CRYPTO_APP) {
		if (s.send && !quic_is_serv(qs) &&
		    sk->sk_state == QUIC_SS_ESTABLISHING) {
			sk->sk_state = QUIC_SS_ESTABLISHED;
			sk->sk_state_change(sk);
		}
		/* the server's TLS installs the 1-RTT receive secret once
		 * the client's Finished is verified: the handshake is
		 * complete and confirmed (RFC 9001 4.1.1, 4.1.2)
		 */
		if (!s.send && quic_is_serv(qs) &&
		    !test_and_set_bit(QUIC_F_HS_CONFIRMED, &qs->flags)) {
			qs->rtt.confirmed = true;
			sk->sk_state = QUIC_SS_ESTABLISHED;
			set_bit(QUIC_F_HS_DONE_SEND, &qs->flags);
			quic_pnspace_ack_now(&qs->pns[QUIC_PNS_HANDSHAKE]);
			quic_output(sk);
			quic_conn_discard(sk, QUIC_PNS_HANDSHAKE);
			sk->sk_state_change(sk);
		}
	}
	if (!s.send)
		quic_process_pending(sk);
	quic_output(sk);
	quic_timer_update(sk);
out:
	memzero_explicit(&s, sizeof(s));
	return err;
}

/* QUIC_SOCKOPT_TRANSPORT_PARAM_EXT get: our parameters for TLS */
int quic_conn_get_tp_ext(struct sock *sk, u8 *buf, u32 *len)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_tparams *tp;
	int n;

	if (!qs->dcids.active || !qs->scids.active)
		return -ENOTCONN;
	tp = kzalloc(sizeof(*tp), GFP_KERNEL);
	if (!tp)
		return -ENOMEM;
	quic_tparams_init(tp);
	tp->p = qs->local;
	tp->iscid = qs->scids.active->cid;
	tp->present |= QUIC_TP_HAS_INITIAL_SCID;
	if (quic_is_serv(qs)) {
		tp->odcid = qs->odcid;
		tp->present |= QUIC_TP_HAS_ORIGINAL_DCID;
		if (test_bit(QUIC_F_RETRY_DONE, &qs->flags)) {
			tp->rscid = qs->rscid;
			tp->present |= QUIC_TP_HAS_RETRY_SCID;
		}
		/* the reset token of our first ID (RFC 9000 10.3) */
		if (!quic_token_sreset(tp->iscid.data, tp->iscid.len,
				       tp->token))
			tp->present |= QUIC_TP_HAS_RESET_TOKEN;
		if (quic_path_pref_tp(sk, &tp->pa))
			tp->present |= QUIC_TP_HAS_PREFERRED_ADDRESS;
	}
	tp->vi.chosen = qs->version;
	tp->vi.others[0] = qs->version;
	tp->vi.others[1] = qs->version == QUIC_VERSION_V1 ? QUIC_VERSION_V2 :
							     QUIC_VERSION_V1;
	tp->vi.nothers = 2;
	tp->present |= QUIC_TP_HAS_VERSION_INFO;
	n = quic_tparams_encode(buf, *len, tp, quic_is_serv(qs));
	kfree(tp);
	if (n < 0)
		return n == -ENOBUFS ? -EINVAL : n;
	*len = n;
	return 0;
}

static bool quic_cid_eq(const struct quic_cid *a, const struct quic_cid *b)
{
	return a->len == b->len && !memcmp(a->data, b->data, a->len);
}

/* QUIC_SOCKOPT_TRANSPORT_PARAM_EXT set: the peer's, from TLS */
int quic_conn_set_tp_ext(struct sock *sk, const u8 *buf, u32 len)
{
	struct quic_sock *qs = quic_sk(sk);
	bool server = quic_is_serv(qs);
	struct quic_tparams *tp;
	int err = -EINVAL;
	u64 idle;

	if (!qs->dcids.active)
		return -ENOTCONN;
	tp = kzalloc(sizeof(*tp), GFP_KERNEL);
	if (!tp)
		return -ENOMEM;
	quic_tparams_init(tp);
	if (quic_tparams_decode(buf, len, !server, tp) < 0)
		goto out;
	/* RFC 9000 7.3: the IDs must match what the packets carried */
	if (!(tp->present & QUIC_TP_HAS_INITIAL_SCID) ||
	    !quic_cid_eq(&tp->iscid, &qs->peer_iscid))
		goto out;
	if (!server) {
		if (!(tp->present & QUIC_TP_HAS_ORIGINAL_DCID) ||
		    !quic_cid_eq(&tp->odcid, &qs->odcid))
			goto out;
		if (test_bit(QUIC_F_RETRY_DONE, &qs->flags) !=
		    !!(tp->present & QUIC_TP_HAS_RETRY_SCID))
			goto out;
		if (test_bit(QUIC_F_RETRY_DONE, &qs->flags) &&
		    !quic_cid_eq(&tp->rscid, &qs->rscid))
			goto out;
	}
	if ((tp->present & QUIC_TP_HAS_VERSION_INFO) &&
	    tp->vi.chosen != qs->version)
		goto out;
	/* 0-RTT: accepted, no remembered limit may shrink (else
	 * PROTOCOL_VIOLATION); refused, the new limits replace them
	 */
	if (quic_zrtt_check_params(sk, &tp->p)) {
		err = -EPROTO;
		goto out;
	}
	if (!server && (tp->present & QUIC_TP_HAS_PREFERRED_ADDRESS) &&
	    quic_path_pref_rcv(sk, &tp->pa))
		goto out;
	if (!server && (tp->present & QUIC_TP_HAS_RESET_TOKEN))
		quic_cid_dest_update(&qs->dcids, 0, NULL, 0, tp->token);
	qs->remote = tp->p;
	qs->remote.remote = 1;
	qs->rtt.max_ack_delay = qs->remote.max_ack_delay;
	quic_cid_set_limit(&qs->scids, qs->remote.active_connection_id_limit);
	quic_streams_set_remote(&qs->streams);
	idle = qs->remote.max_idle_timeout;
	if (idle && idle < qs->local.max_idle_timeout)
		qs->local.max_idle_timeout = idle;
	set_bit(QUIC_F_TP_RECEIVED, &qs->flags);
	err = 0;
out:
	kfree(tp);
	return err;
}

/**
 * quic_conn_discard - drop the keys and state of Initial or Handshake
 *	(RFC 9001 4.9)
 * @sk: socket, locked
 * @pns: QUIC_PNS_INITIAL or QUIC_PNS_HANDSHAKE
 *
 * The transforms stay allocated until the socket is freed (freeing them
 * may sleep and this runs in softirq); they are never used again.
 */
void quic_conn_discard(struct sock *sk, int pns)
{
	struct quic_sock *qs = quic_sk(sk);
	int bit = pns == QUIC_PNS_INITIAL ? QUIC_F_INITIAL_GONE :
					    QUIC_F_HANDSHAKE_GONE;
	LIST_HEAD(pkts);

	if (test_and_set_bit(bit, &qs->flags))
		return;
	quic_pnspace_discard(&qs->pns[pns], &pkts);
	quic_pkts_free(sk, &pkts, false);
	quic_cstream_free(&qs->cs[pns]);
	qs->pto_count = 0;
	/* a probe still due in the space goes nowhere now: left set, it
	 * would exempt data from the congestion window for good
	 */
	if (qs->probe_pns == pns)
		qs->probes = 0;
	/* the keys themselves go in process context (quic_conn_work()):
	 * an idle connection then holds the 1-RTT transforms only
	 */
	set_bit(QUIC_F_KEYS_FREE, &qs->flags);
	sock_hold(sk);
	if (!queue_work(quic_wq, &qs->work))
		__sock_put(sk);
}

/**
 * quic_conn_done - the connection is over for the application
 * @sk: socket, locked
 * @err: errno to report (0: a clean end)
 */
void quic_conn_done(struct sock *sk, int err)
{
	if (err && !sk->sk_err) {
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
	}
	if (sk->sk_state == QUIC_SS_CLOSED)
		return;
	sk->sk_state = QUIC_SS_CLOSED;
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	sk->sk_state_change(sk);
}

/*
 * The first CONNECTION_CLOSE goes out in a few datagrams: a peer that is
 * not sending (so not answered in the closing period, lifecycle.c) must
 * not wait for its idle timeout because one datagram was lost.
 */
#define QUIC_CLOSE_COPIES	3

/**
 * quic_conn_send_close - send CONNECTION_CLOSE and be in the closing state
 * @sk: socket, locked
 * @copies: datagrams to send it in
 */
void quic_conn_send_close(struct sock *sk, int copies)
{
	struct quic_sock *qs = quic_sk(sk);
	int i;

	for (i = 0; i < copies; i++) {
		clear_bit(QUIC_F_CLOSING, &qs->flags);
		set_bit(QUIC_F_CLOSE_SEND, &qs->flags);
		quic_output(sk);
	}
	clear_bit(QUIC_F_CLOSE_SEND, &qs->flags);
	set_bit(QUIC_F_CLOSING, &qs->flags);
}

/**
 * quic_conn_error - close the connection with a transport error
 * @sk: socket, locked
 * @errcode: QUIC transport error code
 * @frame: type of the frame that caused it
 */
void quic_conn_error(struct sock *sk, u64 errcode, u64 frame)
{
	struct quic_sock *qs = quic_sk(sk);

	if (test_bit(QUIC_F_CLOSING, &qs->flags) ||
	    test_bit(QUIC_F_PEER_CLOSED, &qs->flags))
		return;
	qs->close_errcode = errcode ?: QUIC_TRANSPORT_ERROR_INTERNAL;
	qs->close_frame = frame;
	quic_conn_send_close(sk, QUIC_CLOSE_COPIES);
	qs->close_deadline = quic_now() + quic_conn_close_period(qs);
	quic_conn_end_event(sk, (u32)min_t(u64, qs->close_errcode, U32_MAX),
			    (u8)frame, NULL);
	quic_conn_done(sk, EPROTO);
	quic_timer_update(sk);
}

/* close(): tell the peer (with the application's close reason); the
 * closing period (RFC 9000 10.2.1: three PTOs) begins
 */
void quic_conn_close_user(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (!qs->dcids.active || test_bit(QUIC_F_CLOSING, &qs->flags) ||
	    test_bit(QUIC_F_PEER_CLOSED, &qs->flags))
		return;
	quic_conn_send_close(sk, QUIC_CLOSE_COPIES);
	qs->close_deadline = quic_now() + quic_conn_close_period(qs);
	quic_timer_update(sk);
}
