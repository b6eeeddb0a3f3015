// SPDX-License-Identifier: GPL-2.0-or-later
/* 1-RTT key updates of a connection (RFC 9001 6): starting one
 * (QUIC_SOCKOPT_KEY_UPDATE, the AEAD confidentiality limit), following the
 * peer's, QUIC_EVENT_KEY_UPDATE, and dropping the old keys three probe
 * timeouts after a key phase change.
 *
 * The key phase logic itself is protect.c's (struct quic_key_phase); this
 * file decides when to call it. State in struct quic_sock:
 *   ku_first_pn   first packet number sent in the current key phase: a new
 *                 update waits until the peer acknowledged it (RFC 9001 6.2)
 *   ku_old_until  while the previous phase's keys are kept, when they go
 *                 (0: none kept); until then no new update starts
 *   ku_rx_phase   the key phase last reported by QUIC_EVENT_KEY_UPDATE
 */

#include "conn.h"

/* the old keys are kept about three probe timeouts (RFC 9001 6.5) */
static u64 quic_ku_keep(const struct quic_sock *qs)
{
	return 3 * (quic_rtt_pto(&qs->rtt) + qs->rtt.max_ack_delay);
}

/* the key phase changed (either side started the update) */
static void quic_ku_phase_changed(struct sock *sk, u64 now)
{
	struct quic_sock *qs = quic_sk(sk);

	qs->ku_first_pn = qs->pns[QUIC_PNS_APP].next_pn;
	qs->ku_old_until = now + quic_ku_keep(qs);
}

/**
 * quic_key_update_start - start a key update now
 * @sk: connection socket, locked
 *
 * Allowed once the handshake is confirmed, a packet sent with the current
 * keys was acknowledged and the previous phase's keys are gone.
 *
 * Return: 0; -ENOTCONN without 1-RTT keys or on a closed connection;
 * -EAGAIN when not allowed yet.
 */
int quic_key_update_start(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_crypto *c = &qs->crypto[QUIC_CRYPTO_APP];
	s64 acked = qs->pns[QUIC_PNS_APP].largest_acked;
	int err;

	if (sk->sk_state != QUIC_SS_ESTABLISHED || !c->p.tx.ready ||
	    !c->p.rx.ready || test_bit(QUIC_F_CLOSING, &qs->flags) ||
	    test_bit(QUIC_F_PEER_CLOSED, &qs->flags))
		return -ENOTCONN;
	if (!test_bit(QUIC_F_HS_CONFIRMED, &qs->flags) || qs->ku_old_until ||
	    acked < 0 || (u64)acked < qs->ku_first_pn)
		return -EAGAIN;
	err = quic_crypto_key_update(c);
	if (err < 0)
		return err == -EINVAL || err == -ENOKEY ? -ENOTCONN : -EAGAIN;
	quic_ku_phase_changed(sk, quic_now());
	quic_timer_update(sk);
	return 0;
}

/**
 * quic_key_update_rx - a 1-RTT packet was decrypted
 * @sk: connection socket, locked
 * @now: its arrival time
 *
 * Follows a key update of the peer and reports each new key phase of the
 * packets received with QUIC_EVENT_KEY_UPDATE (the peer's update, or the
 * peer's answer to ours).
 */
void quic_key_update_rx(struct sock *sk, u64 now)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_crypto *c = &qs->crypto[QUIC_CRYPTO_APP];
	u8 phase;

	if (quic_crypto_key_updated(c)) {
		quic_ku_phase_changed(sk, now);
		quic_timer_update(sk);
	}
	phase = quic_crypto_key_phase(c);
	if (phase != qs->ku_rx_phase && c->p.kp.rx_seen) {
		qs->ku_rx_phase = phase;
		quic_event_queue(sk, QUIC_EVENT_KEY_UPDATE, &phase,
				 sizeof(phase));
	}
}

/* the deadline of the old keys for the connection timer, 0 if none */
u64 quic_key_update_deadline(const struct quic_sock *qs)
{
	return qs->ku_old_until;
}

/**
 * quic_key_update_timer - the connection timer fired
 * @sk: connection socket, bh-locked
 * @now: current time
 *
 * Past the deadline the old keys are dropped and the next phase's derived,
 * in process context (keying the AEAD transforms may sleep).
 */
void quic_key_update_timer(struct sock *sk, u64 now)
{
	struct quic_sock *qs = quic_sk(sk);

	if (!qs->ku_old_until || now < qs->ku_old_until)
		return;
	qs->ku_old_until = 0;
	set_bit(QUIC_F_KU_PREPARE, &qs->flags);
	/* no update starts until the work ran: old_keys is still set */
	sock_hold(sk);
	if (!queue_work(quic_wq, &qs->work))
		__sock_put(sk);
}

/* process context, socket locked: drop the old keys, derive the next */
void quic_key_update_work(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (!test_and_clear_bit(QUIC_F_KU_PREPARE, &qs->flags) ||
	    sk->sk_state == QUIC_SS_CLOSED)
		return;
	if (quic_crypto_key_update_prepare(&qs->crypto[QUIC_CRYPTO_APP]))
		quic_conn_error(sk, QUIC_TRANSPORT_ERROR_INTERNAL, 0);
}

/**
 * quic_key_update_check - the AEAD limits after sending or receiving
 * (RFC 9001 6.6)
 * @sk: connection socket, locked
 *
 * Near the confidentiality limit a key update starts (as soon as it is
 * allowed); at the integrity limit, or at the confidentiality limit when
 * no update could be made in time, the connection closes with
 * AEAD_LIMIT_REACHED.
 */
void quic_key_update_check(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	switch (quic_crypto_aead_limit(&qs->crypto[QUIC_CRYPTO_APP])) {
	case QUIC_AEAD_KEY_UPDATE:
		quic_key_update_start(sk);
		break;
	case QUIC_AEAD_LIMIT_REACHED:
		quic_conn_error(sk, QUIC_TRANSPORT_ERROR_AEAD_LIMIT_REACHED, 0);
		break;
	}
}
