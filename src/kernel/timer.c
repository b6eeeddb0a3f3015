// SPDX-License-Identifier: GPL-2.0-or-later
/* The connection timer: one timer per socket, armed for the earliest of
 * the loss-detection/probe deadline (RFC 9002 6), the delayed ACK, the
 * idle timeout, keep-alive and the end of the closing or draining period.
 */

#include <linux/jiffies.h>
#include "compat.h"
#include "conn.h"

/* earliest loss time, or else earliest PTO; *pns gets its space */
static u64 quic_loss_deadline(struct quic_sock *qs, int *pns, bool *is_pto)
{
	u64 t, best = 0;
	int i;

	for (i = 0; i < QUIC_PNS_MAX; i++) {
		t = qs->pns[i].loss_time;
		if (quic_pns_live(qs, i) && t && (!best || t < best)) {
			best = t;
			*pns = i;
		}
	}
	*is_pto = false;
	if (best)
		return best;
	*is_pto = true;
	for (i = 0; i < QUIC_PNS_MAX; i++) {
		if (!quic_pns_live(qs, i))
			continue;
		if (i == QUIC_PNS_APP &&
		    !test_bit(QUIC_F_HS_CONFIRMED, &qs->flags))
			continue;
		t = quic_pnspace_pto_time(&qs->pns[i], &qs->rtt, qs->pto_count,
					  i == QUIC_PNS_APP);
		if (t && (!best || t < best)) {
			best = t;
			*pns = i;
		}
	}
	/* RFC 9002 6.2.2.1: a client whose handshake is not confirmed keeps
	 * probing even with nothing in flight, or the server may be stuck
	 * at its amplification limit
	 */
	if (!best && !quic_is_serv(qs) &&
	    !test_bit(QUIC_F_HS_CONFIRMED, &qs->flags) &&
	    qs->crypto[QUIC_CRYPTO_INITIAL].p.tx.ready) {
		u64 last = max(qs->pns[0].last_ae_sent_time,
			       qs->pns[1].last_ae_sent_time);

		*pns = quic_pns_live(qs, QUIC_PNS_HANDSHAKE) &&
		       qs->crypto[QUIC_CRYPTO_HANDSHAKE].p.tx.ready ?
		       QUIC_PNS_HANDSHAKE : QUIC_PNS_INITIAL;
		if (last)
			best = last + (quic_rtt_pto(&qs->rtt) <<
				       min_t(u32, qs->pto_count,
					     QUIC_PTO_BACKOFF_MAX));
	}
	return best;
}

/* early resends of a server's first flight on a repeated ClientHello */
#define QUIC_HS_RESENDS_MAX	4

/**
 * quic_timer_hs_repeat - a server received CRYPTO data in an Initial
 *	packet that it had read already: the client probes, it has not
 *	received our Initial (RFC 9002 6.2.3)
 * @sk: connection socket, locked
 *
 * The unacknowledged data of our Initial and Handshake packets goes again
 * at once, without waiting for our PTO, a few times per connection: else
 * each of the client's probes gets an ACK alone, and with the ServerHello
 * and the Handshake flight both lost the handshake waits for our backed
 * off PTOs, one space each (30% loss: timeouts seen with ngtcp2).
 */
void quic_timer_hs_repeat(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (qs->hs_resends >= QUIC_HS_RESENDS_MAX ||
	    !quic_pns_live(qs, QUIC_PNS_INITIAL) ||
	    !qs->pns[QUIC_PNS_INITIAL].ae_in_flight)
		return;
	qs->hs_resends++;
	quic_pto_resend(sk, QUIC_PNS_INITIAL);
}

/*
 * RFC 9000 10.1: the connection closes silently after the smaller of both
 * sides' max_idle_timeout (0: none) without a packet from the peer, but
 * never before three probe timeouts with their backoff, so that loss
 * recovery on a bad path is not cut short. Returns 0 without a timeout.
 */
static u64 quic_idle_deadline(const struct quic_sock *qs)
{
	u64 t = qs->local.max_idle_timeout, r = qs->remote.max_idle_timeout;
	u64 pto;

	if (test_bit(QUIC_F_TP_RECEIVED, &qs->flags) && r && (!t || r < t))
		t = r;
	if (!t || !qs->idle_last)
		return 0;
	pto = quic_rtt_pto(&qs->rtt) << min_t(u32, qs->pto_count, 16);
	return qs->idle_last + max(t, 3 * pto);
}

static u64 quic_next_deadline(struct quic_sock *qs)
{
	u64 t, best = 0;
	bool pto;
	int i, pns;

	if (test_bit(QUIC_F_CLOSING, &qs->flags) ||
	    test_bit(QUIC_F_PEER_CLOSED, &qs->flags))
		return qs->close_deadline;
	t = quic_loss_deadline(qs, &pns, &pto);
	if (t)
		best = t;
	for (i = 0; i < QUIC_PNS_MAX; i++) {
		t = qs->pns[i].ack_deadline;
		if (quic_pns_live(qs, i) && qs->pns[i].ae_unacked && t &&
		    (!best || t < best))
			best = t;
	}
	t = quic_idle_deadline(qs);
	if (t && (!best || t < best))
		best = t;
	t = quic_key_update_deadline(qs);
	if (t && (!best || t < best))
		best = t;
	t = quic_keepalive_deadline(qs);
	if (t && (!best || t < best))
		best = t;
	t = quic_path_deadline(quic_sk_of(qs));
	if (t && (!best || t < best))
		best = t;
	return best;
}

/* arm the timer for the next deadline (or stop it) */
void quic_timer_update(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	u64 t = quic_next_deadline(qs), now = quic_now();
	unsigned long j;

	if (!t) {
		sk_stop_timer(sk, &qs->timer);
		return;
	}
	j = t > now ? usecs_to_jiffies(t - now) : 0;
	sk_reset_timer(sk, &qs->timer, jiffies + max_t(unsigned long, j, 1));
}

static void quic_on_timer(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_ack_result res;
	u64 now = quic_now(), t;
	int pns = QUIC_PNS_INITIAL;
	bool pto;

	if (sk->sk_state == QUIC_SS_CLOSED && !qs->dcids.active)
		return;
	if (test_bit(QUIC_F_CLOSING, &qs->flags) ||
	    test_bit(QUIC_F_PEER_CLOSED, &qs->flags)) {
		if (now >= qs->close_deadline)
			quic_conn_closing_end(sk);
		else
			quic_timer_update(sk);
		return;
	}
	t = quic_idle_deadline(qs);
	if (t && now >= t) {
		/* RFC 9000 10.1: silently closed */
		quic_conn_end_event(sk, 0, 0, "idle timeout");
		quic_conn_done(sk, ETIMEDOUT);
		return;
	}
	quic_key_update_timer(sk, now);
	quic_keepalive_timer(sk, now);
	t = quic_loss_deadline(qs, &pns, &pto);
	if (t && now >= t) {
		if (!pto) {
			quic_ack_result_init(&res);
			quic_pnspace_detect_lost(&qs->pns[pns], now, &qs->rtt,
						 &res);
			quic_on_ack_result(sk, pns, &res, now, NULL);
		} else {
			/* RFC 9002 6.2.4: probe, with two datagrams, so that
			 * the loss of one does not cost another, doubled
			 * PTO; the data of the packets in flight goes again
			 * in them as far as it fits
			 */
			qs->pto_count++;
			quic_pto_resend(sk, pns);
			qs->probe_pns = pns;
			qs->probes = QUIC_PTO_PROBES;
			quic_path_on_pto(sk);
		}
	}
	quic_path_timer(sk, now);
	quic_output(sk);
	quic_timer_update(sk);
}

static void quic_timer_fn(struct timer_list *t)
{
	struct quic_sock *qs = timer_container_of(qs, t, timer);
	struct sock *sk = quic_sk_of(qs);

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk))
		sk_reset_timer(sk, &qs->timer, jiffies + 1);
	else
		quic_on_timer(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
}

void quic_timer_init(struct sock *sk)
{
	timer_setup(&quic_sk(sk)->timer, quic_timer_fn, 0);
}

void quic_timer_stop(struct sock *sk)
{
	sk_stop_timer_sync(sk, &quic_sk(sk)->timer);
}
