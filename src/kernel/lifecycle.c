// SPDX-License-Identifier: GPL-2.0-or-later
/* Connection lifecycle as the application sees it: the end of a connection
 * reported as QUIC_EVENT_CONNECTION_CLOSE (whatever ended it), keep-alive
 * PINGs (keepalive_probe_interval) that hold an idle connection open,
 * shutdown(), close() with SO_LINGER, and the closing and draining periods
 * a closed socket is kept for (RFC 9000 10.2).
 */

#include "conn.h"
#include "mib.h"

/**
 * quic_conn_end_event - report the end of the connection to the application
 * @sk: connection socket, locked
 * @errcode: the error code of the CONNECTION_CLOSE (sent or received), 0
 *	for an idle timeout
 * @frame: the frame type of a transport error
 * @phrase: reason phrase (NUL-terminated, may be NULL)
 *
 * Queues QUIC_EVENT_CONNECTION_CLOSE (if the application enabled it) once
 * per connection; the payload is struct quic_connection_close.
 */
void quic_conn_end_event(struct sock *sk, u32 errcode, u8 frame,
			 const char *phrase)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_connection_close c = {
		.errcode = errcode,
		.frame = frame,
	};

	if (test_and_set_bit(QUIC_F_END_REPORTED, &qs->flags))
		return;
	if (phrase)
		strscpy((char *)c.phrase, phrase, sizeof(c.phrase));
	quic_event_queue(sk, QUIC_EVENT_CONNECTION_CLOSE, &c, sizeof(c));
}

/*
 * A keep-alive PING is due keepalive_probe_interval after the later of the
 * last packet received and the last keep-alive sent: the peer's ACK of it
 * restarts both sides' idle timers. Returns 0 when keep-alive is off or
 * the handshake is not confirmed.
 */
u64 quic_keepalive_deadline(const struct quic_sock *qs)
{
	u32 ival = qs->config.keepalive_probe_interval;

	if (!ival || !test_bit(QUIC_F_HS_CONFIRMED, &qs->flags) ||
	    !qs->idle_last)
		return 0;
	return max(qs->idle_last, qs->ka_last) + ival;
}

/* from the timer: send a PING in the 1-RTT space when one is due */
void quic_keepalive_timer(struct sock *sk, u64 now)
{
	struct quic_sock *qs = quic_sk(sk);
	u64 t = quic_keepalive_deadline(qs);

	if (!t || now < t)
		return;
	qs->ka_last = now;
	if (!qs->probes) {
		qs->probe_pns = QUIC_PNS_APP;
		qs->probes = 1;
	}
	quic_mib_inc(QUIC_MIB_KEEPALIVES);
}

/**
 * quic_conn_shutdown - shutdown() of a connection (struct proto .shutdown)
 * @sk: socket, locked by inet_shutdown(), which set sk_shutdown already
 * @how: RCV_SHUTDOWN and/or SEND_SHUTDOWN
 *
 * As the socket API draft says: SHUT_WR ends the most recent stream with a
 * FIN (further sends fail with EPIPE); SHUT_RDWR closes the connection
 * with a CONNECTION_CLOSE carrying the QUIC_SOCKOPT_CONNECTION_CLOSE
 * values and keeps the descriptor; SHUT_RD only marks the socket.
 */
void quic_conn_shutdown(struct sock *sk, int how)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_stream *s;

	if (sk->sk_state != QUIC_SS_ESTABLISHED)
		return;
	if ((how & SHUTDOWN_MASK) == SHUTDOWN_MASK) {
		quic_conn_close_user(sk);
		quic_conn_done(sk, 0);
		quic_timer_update(sk);
		return;
	}
	/* the most recent stream is one we sent on: it has a send side */
	if (!(how & SEND_SHUTDOWN) || qs->streams.last < 0)
		return;
	s = quic_stream_find(&qs->streams, qs->streams.last);
	if (!s || s->reset || s->send_fin)
		return;
	if (quic_stream_queue(&qs->streams, s, 0, NULL, NULL, true))
		return;
	quic_output(sk);
	quic_timer_update(sk);
}

/* every stream's data and FIN sent and acknowledged (or reset) */
static bool quic_conn_sent_all(struct sock *sk)
{
	struct quic_stream_table *t = &quic_sk(sk)->streams;
	struct quic_stream *s;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(t->hash); i++) {
		hlist_for_each_entry(s, &t->hash[i], node) {
			if (s->reset)
				continue;
			if (s->data.acked_off < s->data.send_end ||
			    (s->send_fin && !s->fin_acked))
				return false;
		}
	}
	return true;
}

/**
 * quic_conn_linger - close() with SO_LINGER: wait until the peer has
 *	acknowledged all stream data, at most @timeout (jiffies)
 * @sk: socket, locked
 * @timeout: the linger time; 0 (no SO_LINGER, or a linger time of 0)
 *	closes at once
 */
void quic_conn_linger(struct sock *sk, long timeout)
{
	long timeo = timeout;

	while (timeo && sk->sk_state == QUIC_SS_ESTABLISHED &&
	       !quic_conn_sent_all(sk)) {
		quic_output(sk);
		quic_timer_update(sk);
		if (quic_wait(sk, &timeo, quic_conn_sent_all(sk)))
			break;
	}
}

/**
 * quic_conn_close_period - length of the closing and draining periods
 * @qs: connection
 *
 * RFC 9000 10.2: three times the PTO, whose max_ack_delay part counts
 * (the peer may hold its ACK, and its last packets, that long).
 *
 * Return: microseconds.
 */
u64 quic_conn_close_period(const struct quic_sock *qs)
{
	return 3 * (quic_rtt_pto(&qs->rtt) + qs->rtt.max_ack_delay);
}

/*
 * The closing period (RFC 9000 10.2.1): a datagram of the connection after
 * our CONNECTION_CLOSE means the peer did not get it; it is sent again, for
 * the 1st, 2nd, 4th, 8th, ... such datagram, so that a peer that keeps
 * sending cannot make us send as much as it does.
 */
void quic_conn_closing_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct quic_sock *qs = quic_sk(sk);

	consume_skb(skb);
	if (!is_power_of_2(++qs->closing_rcvd))
		return;
	quic_conn_send_close(sk, 1);
	quic_mib_inc(QUIC_MIB_CLOSE_REPEATS);
}

/**
 * quic_conn_keep_closing - close(): keep the socket for the rest of its
 *	closing or draining period (RFC 9000 10.2)
 * @sk: socket, locked, closed by the application
 *
 * In the closing period it answers the peer with CONNECTION_CLOSE, in the
 * draining period it takes the peer's late packets without a stateless
 * reset. It is orphaned now and released by quic_conn_release_work() when
 * the period ends; until then it holds a reference on the module.
 *
 * Return: true if the socket stays.
 */
bool quic_conn_keep_closing(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	/* a kernel socket holds no reference on its namespace, whose
	 * tunnel sockets go when it does: it is released at once
	 */
	if (!sk->sk_net_refcnt || !qs->dcids.active || !qs->udp_sk ||
	    !(test_bit(QUIC_F_CLOSING, &qs->flags) ||
	      test_bit(QUIC_F_PEER_CLOSED, &qs->flags)) ||
	    quic_now() >= qs->close_deadline)
		return false;
	sock_orphan(sk);
	set_bit(QUIC_F_ORPHAN, &qs->flags);
	quic_mib_inc(QUIC_MIB_CLOSING_KEPT);
	quic_timer_update(sk);
	return true;
}

/**
 * quic_conn_closing_end - the closing or draining period is over
 * @sk: socket, locked (the timer)
 *
 * A socket the application closed meanwhile is released in process
 * context (freeing its keys may sleep).
 */
void quic_conn_closing_end(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	quic_conn_done(sk, 0);
	if (!test_and_clear_bit(QUIC_F_ORPHAN, &qs->flags))
		return;
	set_bit(QUIC_F_RELEASE, &qs->flags);	/* input drops from now on */
	queue_work(quic_wq, &qs->release_work);
}

void quic_conn_release_work(struct work_struct *work)
{
	struct quic_sock *qs = container_of(work, struct quic_sock,
					    release_work);

	sk_common_release(quic_sk_of(qs));
}
