// SPDX-License-Identifier: GPL-2.0-or-later
/* Packet number spaces: ACK ranges, sent packets, RTT and loss detection. */

#include "pnspace.h"

/**
 * quic_rtt_init - start an RTT estimator (RFC 9002 5.3, 6.2.2)
 * @rtt: estimator
 * @initial_rtt: kInitialRtt, us (quic_config.initial_smoothed_rtt)
 * @max_ack_delay: the peer's max_ack_delay, us (update the field when the
 *	peer's transport parameters arrive)
 */
void quic_rtt_init(struct quic_rtt *rtt, u32 initial_rtt, u32 max_ack_delay)
{
	memset(rtt, 0, sizeof(*rtt));
	rtt->smoothed = initial_rtt;
	rtt->rttvar = initial_rtt / 2;
	rtt->max_ack_delay = max_ack_delay;
}

/**
 * quic_rtt_update - take an RTT sample (RFC 9002 5.3)
 * @rtt: estimator
 * @latest: latest_rtt: now minus the send time of the largest newly
 *	acknowledged packet, us
 * @ack_delay: the ACK Delay of the frame, scaled to us (pass 0 to ignore it,
 *	as an endpoint may for Initial packets)
 */
void quic_rtt_update(struct quic_rtt *rtt, u64 latest, u64 ack_delay)
{
	u64 adjusted = latest, diff;

	rtt->latest = latest;
	if (!rtt->has_sample) {
		/* RFC 9002 5.3 takes the first sample as it is, min_rtt
		 * too (5.2). The smoothed RTT here leaves out the time the
		 * peer says it held the ACK, when shorter than the sample:
		 * an ACK that came in a retransmission of the peer's first
		 * flight (its earlier ACKs lost) reports about a second, and
		 * taken whole that made the PTO seconds long on a path of a
		 * millisecond, backed off under loss into minute-long stalls
		 */
		rtt->has_sample = true;
		rtt->min = latest;
		if (ack_delay < latest)
			adjusted = latest - ack_delay;
		rtt->smoothed = adjusted;
		rtt->rttvar = adjusted / 2;
		return;
	}
	if (latest < rtt->min)
		rtt->min = latest;
	if (rtt->confirmed && ack_delay > rtt->max_ack_delay)
		ack_delay = rtt->max_ack_delay;
	/* never below min_rtt; written so that nothing can overflow */
	if (latest >= rtt->min && latest - rtt->min >= ack_delay)
		adjusted = latest - ack_delay;
	diff = rtt->smoothed > adjusted ? rtt->smoothed - adjusted :
					  adjusted - rtt->smoothed;
	rtt->rttvar = (3 * rtt->rttvar + diff) / 4;
	rtt->smoothed = (7 * rtt->smoothed + adjusted) / 8;
}

/**
 * quic_rtt_pto - base probe timeout (RFC 9002 6.2.1), without max_ack_delay
 * @rtt: estimator
 *
 * Return: smoothed_rtt + max(4 * rttvar, kGranularity), us.
 */
u64 quic_rtt_pto(const struct quic_rtt *rtt)
{
	return rtt->smoothed + max_t(u64, 4 * rtt->rttvar, QUIC_K_GRANULARITY);
}

/**
 * quic_rtt_loss_delay - time threshold of loss detection (RFC 9002 6.1.2)
 * @rtt: estimator
 *
 * Return: max(9/8 * max(smoothed_rtt, latest_rtt), kGranularity), us.
 */
u64 quic_rtt_loss_delay(const struct quic_rtt *rtt)
{
	u64 d = max_t(u64, rtt->smoothed, rtt->latest);

	d += d / 8;
	return max_t(u64, d, QUIC_K_GRANULARITY);
}

/**
 * quic_pnspace_init - empty packet number space
 * @s: space
 * @max_ack_delay: our max_ack_delay for this space, us: 0 for Initial and
 *	Handshake, the max_ack_delay we announce for Application Data
 */
void quic_pnspace_init(struct quic_pnspace *s, u32 max_ack_delay)
{
	memset(s, 0, sizeof(*s));
	s->largest_ae_recv = -1;
	s->largest_acked = -1;
	s->max_ack_delay = max_ack_delay;
	INIT_LIST_HEAD(&s->sent);
}

static void quic_pnspace_unlink(struct quic_pnspace *s,
				struct quic_sent_pkt *p)
{
	list_del(&p->list);
	s->nsent--;
	if (!p->in_flight)
		return;
	s->bytes_in_flight -= p->size;
	if (p->ack_eliciting)
		s->ae_in_flight--;
}

/**
 * quic_pnspace_discard - drop everything outstanding (keys discarded, RFC
 *	9002 6.4, or the connection is being freed)
 * @s: space
 * @out: list that receives every sent packet record, for the caller to
 *	remove from its congestion controller's bytes in flight and free
 *
 * The receive side is reset too; the space can be reused after
 * quic_pnspace_init().
 */
void quic_pnspace_discard(struct quic_pnspace *s, struct list_head *out)
{
	struct quic_sent_pkt *p, *n;

	list_for_each_entry_safe(p, n, &s->sent, list) {
		quic_pnspace_unlink(s, p);
		list_add_tail(&p->list, out);
	}
	s->loss_time = 0;
	s->nrecv = 0;
	s->ae_unacked = 0;
	s->ack_deadline = 0;
	s->ack_immediate = false;
	s->ack_pending = false;
	s->ack_copies = 0;
	s->gap_pinged = 0;
}

/**
 * quic_pnspace_check - is a received packet number new?
 * @s: space
 * @pn: full packet number of a packet that was just authenticated
 *
 * Call it before processing the packet's frames: a duplicate must not be
 * processed again (RFC 9000 12.3).
 *
 * Return: 0 if new, -EEXIST if already received, -ERANGE if older than
 * what the space still tracks (it may be a duplicate: drop it).
 */
int quic_pnspace_check(const struct quic_pnspace *s, u64 pn)
{
	u32 i;

	if (pn < s->recv_floor)
		return -ERANGE;
	for (i = 0; i < s->nrecv; i++) {
		if (pn > s->recv[i].end)
			return 0;
		if (pn >= s->recv[i].start)
			return -EEXIST;
	}
	/* below every range: a new oldest range needs a free slot */
	if (s->nrecv == QUIC_PN_ACK_RANGES_MAX &&
	    pn + 1 < s->recv[s->nrecv - 1].start)
		return -ERANGE;
	return 0;
}

/* add @pn (checked by quic_pnspace_check()); returns its range index */
static u32 quic_pnspace_insert(struct quic_pnspace *s, u64 pn)
{
	struct quic_ack_range *r = s->recv;
	u32 i, n = s->nrecv;
	bool hi, lo;

	for (i = 0; i < n; i++)
		if (pn > r[i].end)
			break;
	/* r[i - 1] is above @pn, r[i] below */
	hi = i > 0 && r[i - 1].start == pn + 1;
	lo = i < n && r[i].end + 1 == pn;
	if (hi && lo) {
		r[i - 1].start = r[i].start;
		memmove(&r[i], &r[i + 1], (n - i - 1) * sizeof(*r));
		s->nrecv--;
		return i - 1;
	}
	if (hi) {
		r[i - 1].start = pn;
		return i - 1;
	}
	if (lo) {
		r[i].end = pn;
		return i;
	}
	if (n == QUIC_PN_ACK_RANGES_MAX) {
		/* drop the oldest range; i < n, see quic_pnspace_check() */
		s->recv_floor = r[n - 1].end + 1;
		n--;
	}
	memmove(&r[i + 1], &r[i], (n - i) * sizeof(*r));
	r[i].start = pn;
	r[i].end = pn;
	s->nrecv = n + 1;
	return i;
}

/**
 * quic_pnspace_recv - record a received packet once its frames were
 *	processed, and decide when to acknowledge it (RFC 9000 13.2.1, 13.2.2)
 * @s: space
 * @pn: full packet number
 * @ack_eliciting: the packet contained an ack-eliciting frame
 * @now: time of reception
 *
 * An ACK becomes due immediately for ack-eliciting packets in Initial and
 * Handshake (max_ack_delay 0), after QUIC_ACK_ELICITING_THRESHOLD
 * ack-eliciting packets, or for an ack-eliciting packet that arrives out of
 * order (below the largest one, or after a gap); otherwise within
 * max_ack_delay of the first unacknowledged ack-eliciting packet. Packets
 * that are not ack-eliciting never make an ACK due by themselves.
 *
 * Return: 0, or the error of quic_pnspace_check() (nothing recorded).
 */
int quic_pnspace_recv(struct quic_pnspace *s, u64 pn, bool ack_eliciting,
		      u64 now)
{
	bool newest = !s->nrecv || pn > s->recv[0].end;
	s64 lae = s->largest_ae_recv;
	u32 i;
	int err;

	err = quic_pnspace_check(s, pn);
	if (err)
		return err;
	i = quic_pnspace_insert(s, pn);
	if (newest)
		s->largest_recv_time = now;
	s->ack_pending = true;
	if (!ack_eliciting)
		return 0;

	if (lae >= 0 && ((s64)pn < lae || s->recv[i].start > (u64)lae + 1))
		s->ack_immediate = true;
	if ((s64)pn > lae)
		s->largest_ae_recv = pn;
	s->ae_unacked++;
	if (s->ae_unacked >= QUIC_ACK_ELICITING_THRESHOLD || !s->max_ack_delay)
		s->ack_immediate = true;
	if (!s->ack_deadline)
		s->ack_deadline = now + s->max_ack_delay;
	return 0;
}

/**
 * quic_pnspace_ack_now - make an owed ACK due without delay
 * @s: space
 *
 * For the cases the caller detects, such as an ECN-CE marked packet (RFC
 * 9000 13.2.1). Has no effect when no ack-eliciting packet is
 * unacknowledged: an ACK is never sent for non-ack-eliciting packets alone.
 */
void quic_pnspace_ack_now(struct quic_pnspace *s)
{
	if (s->ae_unacked)
		s->ack_immediate = true;
}

/**
 * quic_pnspace_ack_due - must an ACK frame be sent now?
 * @s: space
 * @now: current time
 *
 * When it returns false and @s->ack_deadline is not 0, the caller arms its
 * delayed-ACK timer for @s->ack_deadline.
 *
 * Return: true if an ACK is owed now.
 */
bool quic_pnspace_ack_due(const struct quic_pnspace *s, u64 now)
{
	if (!s->ae_unacked)
		return s->ack_copies && s->nrecv;
	return s->ack_immediate || now >= s->ack_deadline;
}

/**
 * quic_pnspace_ack_frame - the ACK frame for this space
 * @s: space
 * @now: time the frame is sent (for the ACK Delay field)
 * @ack_delay_exponent: our ack_delay_exponent transport parameter (use the
 *	default 3 in Initial and Handshake packets, RFC 9000 18.2)
 * @f: frame to fill for quic_frame_encode(); f->ack.ranges points into @s
 *	(valid until the next quic_pnspace_recv()); the caller may lower
 *	f->ack.nranges to fit the packet (the largest ranges are kept), and
 *	may turn it into ACK_ECN by setting the type and the counts
 *
 * Return: 0, or -ENODATA if nothing was received yet.
 */
int quic_pnspace_ack_frame(const struct quic_pnspace *s, u64 now,
			   u8 ack_delay_exponent, struct quic_frame *f)
{
	u64 delay = 0;

	if (!s->nrecv)
		return -ENODATA;
	if (now > s->largest_recv_time)
		delay = now - s->largest_recv_time;
	if (ack_delay_exponent > 20)
		ack_delay_exponent = 20;
	memset(f, 0, sizeof(*f));
	f->type = QUIC_FRAME_ACK;
	f->ack.largest = s->recv[0].end;
	f->ack.delay = delay >> ack_delay_exponent;
	f->ack.ranges = s->recv;
	f->ack.nranges = s->nrecv;
	return 0;
}

/**
 * quic_pnspace_ack_sent - an ACK frame from quic_pnspace_ack_frame() was
 *	put in a packet that is being sent: nothing is owed any more
 * @s: space
 */
void quic_pnspace_ack_sent(struct quic_pnspace *s)
{
	if (!s->ae_unacked && s->ack_copies)
		s->ack_copies--;
	s->ae_unacked = 0;
	s->ack_deadline = 0;
	s->ack_immediate = false;
	s->ack_pending = false;
}

/**
 * quic_pnspace_gap_ping - should a packet that carries our ACK frame and
 *	nothing ack-eliciting ask for an acknowledgment?
 * @s: space
 *
 * A peer that probes with PINGs alone (RFC 9002 6.2.4 lets it) learns that
 * packets of its were lost only from our ACK frames; if those are lost as
 * well, its backed off probes are the only retries. An ACK frame that
 * reports a new gap (the second range's top moved) is made ack-eliciting
 * once (RFC 9000 13.2.4), so that our own loss recovery repeats it, in
 * probes that carry the ACK frame. Not while something of ours is
 * ack-eliciting and in flight: our PTO is armed then anyway.
 *
 * Return: true when a PING should go with the ACK frame (the gap is then
 * marked as asked for).
 */
bool quic_pnspace_gap_ping(struct quic_pnspace *s)
{
	if (s->nrecv < 2 || s->ae_in_flight ||
	    s->gap_pinged == s->recv[1].end + 1)
		return false;
	s->gap_pinged = s->recv[1].end + 1;
	return true;
}

/**
 * quic_pnspace_next_pn - take the packet number for a packet being built
 * @s: space
 * @pn: output
 *
 * Packet numbers are never reused; a packet that is then not sent just
 * leaves a gap. Encode it with quic_pn_encode_len(*pn, s->largest_acked).
 *
 * Return: 0, or -ENOSPC when the space is exhausted (2^62 packets): the
 * connection must be closed without sending (RFC 9000 12.3).
 */
int quic_pnspace_next_pn(struct quic_pnspace *s, u64 *pn)
{
	if (s->next_pn > QUIC_PN_MAX)
		return -ENOSPC;
	*pn = s->next_pn++;
	return 0;
}

/**
 * quic_pnspace_sent - track a packet that was sent
 * @s: space
 * @pkt: record filled by the caller (@pn, @size, @ack_eliciting, @in_flight,
 *	@priv); it stays linked in @s until handed back on an acked, lost or
 *	discard list. Packets that are neither ack-eliciting nor in flight (ACK
 *	only) need not be tracked.
 * @now: send time
 *
 * Return: 0, or -EINVAL if @pkt->pn was not taken from quic_pnspace_next_pn()
 * or is not above every tracked packet number (nothing linked).
 */
int quic_pnspace_sent(struct quic_pnspace *s, struct quic_sent_pkt *pkt,
		      u64 now)
{
	struct quic_sent_pkt *last;

	if (pkt->pn >= s->next_pn)
		return -EINVAL;
	if (!list_empty(&s->sent)) {
		last = list_last_entry(&s->sent, struct quic_sent_pkt, list);
		if (pkt->pn <= last->pn)
			return -EINVAL;
	}
	pkt->time_sent = now;
	list_add_tail(&pkt->list, &s->sent);
	s->nsent++;
	if (pkt->in_flight) {
		s->bytes_in_flight += pkt->size;
		if (pkt->ack_eliciting) {
			s->ae_in_flight++;
			s->last_ae_sent_time = now;
		}
	}
	return 0;
}

/**
 * quic_ack_result_init - empty result for quic_pnspace_on_ack() and
 *	quic_pnspace_detect_lost()
 * @res: result
 */
void quic_ack_result_init(struct quic_ack_result *res)
{
	memset(res, 0, sizeof(*res));
	INIT_LIST_HEAD(&res->acked);
	INIT_LIST_HEAD(&res->lost);
}

/**
 * quic_pnspace_detect_lost - declare packets lost (RFC 9002 6.1)
 * @s: space
 * @now: current time
 * @rtt: the connection's estimator
 * @res: lost packets are appended to @res->lost
 *
 * A packet sent before the largest acknowledged one is lost when
 * QUIC_K_PACKET_THRESHOLD later packets were acknowledged, or when it was
 * sent more than quic_rtt_loss_delay() ago. Sets @s->loss_time to when the
 * next packet will cross the time threshold (0: none): the caller's loss
 * timer, which calls this function again when it fires.
 */
void quic_pnspace_detect_lost(struct quic_pnspace *s, u64 now,
			      const struct quic_rtt *rtt,
			      struct quic_ack_result *res)
{
	u64 delay = quic_rtt_loss_delay(rtt), t;
	struct quic_sent_pkt *p, *n;

	s->loss_time = 0;
	if (s->largest_acked < 0)
		return;
	list_for_each_entry_safe(p, n, &s->sent, list) {
		if (p->pn > (u64)s->largest_acked)
			break;
		t = p->time_sent + delay;
		if (t > now &&
		    p->pn + QUIC_K_PACKET_THRESHOLD > (u64)s->largest_acked) {
			if (!s->loss_time || t < s->loss_time)
				s->loss_time = t;
			continue;
		}
		quic_pnspace_unlink(s, p);
		list_add_tail(&p->list, &res->lost);
		res->nlost++;
		if (p->in_flight)
			res->lost_bytes += p->size;
		if (p->time_sent > res->largest_lost_time)
			res->largest_lost_time = p->time_sent;
	}
}

/**
 * quic_pnspace_on_ack - process a received ACK frame (RFC 9002 A.7)
 * @s: space the frame arrived in
 * @ack: the decoded frame (quic_frame_decode(); its buffer must still exist)
 * @ack_delay: the frame's ACK Delay scaled by the peer's ack_delay_exponent,
 *	us (0 to ignore it, e.g. in Initial packets)
 * @now: time of reception
 * @rtt: the connection's estimator, updated when the largest acknowledged
 *	packet is newly acknowledged and at least one newly acknowledged
 *	packet is ack-eliciting
 * @res: from quic_ack_result_init(): receives the newly acknowledged
 *	packets and, if any, the packets that this ACK makes lost
 * @errcode: set to the transport error when -EPROTO is returned
 *
 * Return: 0; or -EPROTO with PROTOCOL_VIOLATION in @errcode when the frame
 * acknowledges a packet number that was never sent (RFC 9000 13.1), in
 * which case nothing was changed.
 */
int quic_pnspace_on_ack(struct quic_pnspace *s,
			const struct quic_frame_ack *ack, u64 ack_delay,
			u64 now, struct quic_rtt *rtt,
			struct quic_ack_result *res, u64 *errcode)
{
	struct quic_sent_pkt *p, *prev, *largest = NULL;
	struct quic_ack_range r;
	struct quic_ack_iter it;
	LIST_HEAD(acked);

	if (ack->largest >= s->next_pn) {
		*errcode = QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
		return -EPROTO;
	}
	if ((s64)ack->largest > s->largest_acked)
		s->largest_acked = ack->largest;

	/* ranges descend, the sent list ascends: walk it backwards once */
	p = list_last_entry(&s->sent, struct quic_sent_pkt, list);
	quic_ack_iter_init(&it, ack);
	while (!list_entry_is_head(p, &s->sent, list) &&
	       quic_ack_iter_next(&it, &r)) {
		while (!list_entry_is_head(p, &s->sent, list) && p->pn > r.end)
			p = list_prev_entry(p, list);
		while (!list_entry_is_head(p, &s->sent, list) &&
		       p->pn >= r.start) {
			prev = list_prev_entry(p, list);
			if (!largest)
				largest = p;
			quic_pnspace_unlink(s, p);
			list_add(&p->list, &acked);
			res->nacked++;
			if (p->in_flight)
				res->acked_bytes += p->size;
			if (p->ack_eliciting)
				res->ack_eliciting_acked = true;
			p = prev;
		}
	}
	if (!largest)
		return 0;
	list_splice_tail_init(&acked, &res->acked);

	if (largest->pn == ack->largest && res->ack_eliciting_acked) {
		quic_rtt_update(rtt, now > largest->time_sent ?
				now - largest->time_sent : 0, ack_delay);
		res->rtt_sampled = true;
	}
	quic_pnspace_detect_lost(s, now, rtt, res);
	return 0;
}

/**
 * quic_pnspace_pto_time - when the probe timeout of this space fires
 *	(RFC 9002 6.2.1, A.8)
 * @s: space
 * @rtt: the connection's estimator
 * @pto_count: consecutive PTOs without an ACK (the backoff exponent)
 * @app_data: this is the Application Data space: the peer's max_ack_delay
 *	is added (only once the handshake is confirmed, the caller's choice)
 *
 * Return: last ack-eliciting send time + the backed-off PTO, us; 0 if no
 * ack-eliciting packet is in flight in this space.
 */
u64 quic_pnspace_pto_time(const struct quic_pnspace *s,
			  const struct quic_rtt *rtt, u32 pto_count,
			  bool app_data)
{
	u64 d = quic_rtt_pto(rtt);

	if (!s->ae_in_flight)
		return 0;
	if (app_data)
		d += rtt->max_ack_delay;
	return s->last_ae_sent_time +
	       (d << min_t(u32, pto_count, QUIC_PTO_BACKOFF_MAX));
}
