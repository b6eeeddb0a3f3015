// SPDX-License-Identifier: GPL-2.0-or-later
/* Connection lifecycle as the application sees it: the end of a connection
 * reported as QUIC_EVENT_CONNECTION_CLOSE (whatever ended it) and keep-alive
 * PINGs (keepalive_probe_interval) that hold an idle connection open.
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
	if (!test_bit(QUIC_F_PROBE, &qs->flags)) {
		set_bit(QUIC_F_PROBE, &qs->flags);
		qs->probe_pns = QUIC_PNS_APP;
	}
	quic_mib_inc(QUIC_MIB_KEEPALIVES);
}
