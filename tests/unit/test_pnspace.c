// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: packet number spaces, RTT, loss detection (src/kernel/pnspace.c). */
#include "test.h"
#include "pnspace.h"

#define PV QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION
#define MS 1000ULL

/* a sender with up to NPKT tracked packets, records in an array */
#define NPKT 4096
struct sender {
	struct quic_pnspace s;
	struct quic_rtt rtt;
	struct quic_sent_pkt pkt[NPKT];
};

static struct sender *sender_new(u32 initial_rtt)
{
	struct sender *x = calloc(1, sizeof(*x));

	if (!x)
		abort();
	quic_pnspace_init(&x->s, 25000);
	quic_rtt_init(&x->rtt, initial_rtt, 25000);
	return x;
}

/* send one packet at @t; returns its pn */
static u64 send_at(struct sender *x, u64 t, bool ae, u32 size)
{
	struct quic_sent_pkt *p;
	u64 pn;

	if (quic_pnspace_next_pn(&x->s, &pn) || pn >= NPKT)
		abort();
	p = &x->pkt[pn];
	p->pn = pn;
	p->size = size;
	p->ack_eliciting = ae;
	p->in_flight = true;
	if (quic_pnspace_sent(&x->s, p, t))
		abort();
	return pn;
}

/* encode ranges with frame.c, decode them again: the frame the peer sent */
static uint8_t ackbuf[4096];

static int make_ack(const struct quic_ack_range *r, u32 n, u64 delay,
		    struct quic_frame *out)
{
	struct quic_frame f = { .type = QUIC_FRAME_ACK };
	int len, dl;

	f.ack.ranges = r;
	f.ack.nranges = n;
	f.ack.delay = delay;
	len = quic_frame_encode(ackbuf, sizeof(ackbuf), &f);
	if (len <= 0)
		return -1;
	dl = quic_frame_decode(ackbuf, (size_t)len, out);
	return dl == len ? 0 : -1;
}

static bool on_list(const struct list_head *h, u64 pn)
{
	struct quic_sent_pkt *p;

	list_for_each_entry(p, h, list)
		if (p->pn == pn)
			return true;
	return false;
}

static bool ascending(const struct list_head *h)
{
	struct quic_sent_pkt *p;
	s64 last = -1;

	list_for_each_entry(p, h, list) {
		if ((s64)p->pn <= last)
			return false;
		last = (s64)p->pn;
	}
	return true;
}

static void t_recv_in_order(int arg)
{
	struct quic_pnspace s;
	struct quic_frame f, d;
	uint8_t buf[256];
	u64 pn;
	int len;

	(void)arg;
	quic_pnspace_init(&s, 25000);
	for (pn = 0; pn < 10; pn++)
		CHECK_EQ(quic_pnspace_recv(&s, pn, true, 100 + pn), 0);
	CHECK_EQ(s.nrecv, 1);
	CHECK_EQ(s.recv[0].start, 0);
	CHECK_EQ(s.recv[0].end, 9);
	CHECK_EQ(s.largest_recv_time, 109);
	CHECK_EQ(quic_pnspace_ack_frame(&s, 109, 3, &f), 0);
	CHECK_EQ(f.type, QUIC_FRAME_ACK);
	CHECK_EQ(f.ack.largest, 9);
	len = quic_frame_encode(buf, sizeof(buf), &f);
	CHECK(len > 0);
	CHECK_EQ(quic_frame_decode(buf, (size_t)len, &d), len);
	CHECK_EQ(d.ack.largest, 9);
	CHECK_EQ(d.ack.first_range, 9);
	CHECK_EQ(d.ack.range_count, 0);
}

static void t_recv_duplicate(int arg)
{
	struct quic_pnspace s;

	(void)arg;
	quic_pnspace_init(&s, 25000);
	CHECK_EQ(quic_pnspace_check(&s, 5), 0);
	CHECK_EQ(quic_pnspace_recv(&s, 5, true, 1), 0);
	CHECK_EQ(quic_pnspace_check(&s, 5), -EEXIST);
	CHECK_EQ(quic_pnspace_recv(&s, 5, true, 2), -EEXIST);
	CHECK_EQ(s.ae_unacked, 1);
	CHECK_EQ(quic_pnspace_recv(&s, 3, false, 3), 0);
	CHECK_EQ(quic_pnspace_recv(&s, 3, false, 3), -EEXIST);
	CHECK_EQ(quic_pnspace_check(&s, 4), 0);
	CHECK_EQ(quic_pnspace_check(&s, 6), 0);
	CHECK_EQ(quic_pnspace_check(&s, 0), 0);
	/* the largest possible packet number */
	CHECK_EQ(quic_pnspace_recv(&s, QUIC_PN_MAX, true, 4), 0);
	CHECK_EQ(quic_pnspace_check(&s, QUIC_PN_MAX), -EEXIST);
	CHECK_EQ(s.recv[0].end, QUIC_PN_MAX);
}

static void t_recv_merge(int arg)
{
	struct quic_pnspace s;

	(void)arg;
	quic_pnspace_init(&s, 25000);
	CHECK_EQ(quic_pnspace_recv(&s, 0, true, 1), 0);
	CHECK_EQ(quic_pnspace_recv(&s, 4, true, 2), 0);
	CHECK_EQ(quic_pnspace_recv(&s, 2, true, 3), 0);
	CHECK_EQ(s.nrecv, 3);
	CHECK(s.recv[0].start == 4 && s.recv[0].end == 4);
	CHECK(s.recv[1].start == 2 && s.recv[1].end == 2);
	CHECK(s.recv[2].start == 0 && s.recv[2].end == 0);
	/* largest_recv_time follows the largest only */
	CHECK_EQ(s.largest_recv_time, 2);
	CHECK_EQ(quic_pnspace_recv(&s, 1, true, 4), 0);	/* joins 0 and 2 */
	CHECK_EQ(s.nrecv, 2);
	CHECK(s.recv[1].start == 0 && s.recv[1].end == 2);
	CHECK_EQ(quic_pnspace_recv(&s, 5, true, 5), 0);	/* extends 4 */
	CHECK(s.recv[0].start == 4 && s.recv[0].end == 5);
	CHECK_EQ(quic_pnspace_recv(&s, 3, true, 6), 0);	/* joins all */
	CHECK_EQ(s.nrecv, 1);
	CHECK(s.recv[0].start == 0 && s.recv[0].end == 5);
	CHECK_EQ(quic_pnspace_recv(&s, 10, true, 7), 0);
	CHECK_EQ(quic_pnspace_recv(&s, 9, true, 8), 0);	/* below, adjacent */
	CHECK(s.recv[0].start == 9 && s.recv[0].end == 10);
	CHECK_EQ(s.largest_recv_time, 7);
}

static void t_ranges_bounded(int arg)
{
	struct quic_pnspace s;
	struct quic_frame f;
	u64 pn, lowest;
	u32 i;

	(void)arg;
	/* full, nothing dropped yet: a new oldest range has no slot */
	quic_pnspace_init(&s, 25000);
	for (pn = 10; pn < 10 + 2 * QUIC_PN_ACK_RANGES_MAX; pn += 2)
		CHECK_EQ(quic_pnspace_recv(&s, pn, true, pn), 0);
	CHECK_EQ(s.nrecv, QUIC_PN_ACK_RANGES_MAX);
	CHECK_EQ(s.recv_floor, 0);
	CHECK_EQ(quic_pnspace_check(&s, 5), -ERANGE);
	CHECK_EQ(quic_pnspace_recv(&s, 8, true, 1), -ERANGE);
	CHECK_EQ(quic_pnspace_check(&s, 9), 0);

	quic_pnspace_init(&s, 25000);
	/* every other packet: each one is a new range */
	for (pn = 0; pn < 2 * (QUIC_PN_ACK_RANGES_MAX + 8); pn += 2)
		CHECK_EQ(quic_pnspace_recv(&s, pn, false, pn), 0);
	CHECK_EQ(s.nrecv, QUIC_PN_ACK_RANGES_MAX);
	lowest = s.recv[QUIC_PN_ACK_RANGES_MAX - 1].start;
	CHECK_EQ(lowest, 16);	/* the 8 oldest ranges were dropped */
	CHECK_EQ(s.recv_floor, 15);
	for (i = 1; i < s.nrecv; i++)
		CHECK(s.recv[i].end + 1 < s.recv[i - 1].start);
	/* below the floor: refused, maybe a duplicate */
	CHECK_EQ(quic_pnspace_check(&s, 14), -ERANGE);
	CHECK_EQ(quic_pnspace_recv(&s, 0, true, 1), -ERANGE);
	/* adjacent to the oldest range: merges, accepted */
	CHECK_EQ(quic_pnspace_recv(&s, 15, true, 1), 0);
	CHECK_EQ(s.recv[QUIC_PN_ACK_RANGES_MAX - 1].start, 15);
	/* filling a gap frees a slot, then a lower range fits again */
	CHECK_EQ(quic_pnspace_recv(&s, 17, true, 1), 0);
	CHECK_EQ(s.nrecv, QUIC_PN_ACK_RANGES_MAX - 1);
	/* a new range at the top drops the oldest when full */
	CHECK_EQ(quic_pnspace_recv(&s, 1000, true, 1), 0);
	CHECK_EQ(quic_pnspace_recv(&s, 2000, true, 1), 0);
	CHECK_EQ(s.nrecv, QUIC_PN_ACK_RANGES_MAX);
	CHECK_EQ(s.recv[0].end, 2000);
	/* the ACK frame carries all of them and encodes */
	CHECK_EQ(quic_pnspace_ack_frame(&s, 5, 3, &f), 0);
	CHECK_EQ(f.ack.nranges, QUIC_PN_ACK_RANGES_MAX);
	CHECK(quic_frame_len(&f) > 0);
	/* the caller may send fewer ranges to fit the packet */
	f.ack.nranges = 3;
	CHECK(quic_frame_len(&f) > 0);
}

static void t_ack_frame_fields(int arg)
{
	struct quic_pnspace s;
	struct quic_frame f;

	(void)arg;
	quic_pnspace_init(&s, 25000);
	CHECK_EQ(quic_pnspace_ack_frame(&s, 0, 3, &f), -ENODATA);
	CHECK_EQ(quic_pnspace_recv(&s, 7, true, 1000), 0);
	CHECK_EQ(quic_pnspace_recv(&s, 3, true, 5000), 0);
	CHECK_EQ(quic_pnspace_ack_frame(&s, 9000, 3, &f), 0);
	CHECK_EQ(f.ack.delay, (9000 - 1000) >> 3);	/* from the largest */
	CHECK_EQ(f.ack.largest, 7);
	CHECK_EQ(f.ack.nranges, 2);
	CHECK_EQ(quic_pnspace_ack_frame(&s, 9000, 0, &f), 0);
	CHECK_EQ(f.ack.delay, 8000);
	/* a clock that went backwards gives 0, not a huge value */
	CHECK_EQ(quic_pnspace_ack_frame(&s, 10, 3, &f), 0);
	CHECK_EQ(f.ack.delay, 0);
	/* exponents above 20 are invalid: treated as 20 */
	CHECK_EQ(quic_pnspace_ack_frame(&s, 1000 + (5ULL << 20), 255, &f), 0);
	CHECK_EQ(f.ack.delay, 5);
}

static void t_ack_due_handshake(int arg)
{
	struct quic_pnspace s;

	(void)arg;
	quic_pnspace_init(&s, 0);	/* Initial and Handshake */
	CHECK_EQ(quic_pnspace_recv(&s, 0, false, 10), 0);
	CHECK(!quic_pnspace_ack_due(&s, 10));
	CHECK(!quic_pnspace_ack_due(&s, 1000000));
	CHECK(s.ack_pending);
	CHECK_EQ(quic_pnspace_recv(&s, 1, true, 20), 0);
	CHECK(quic_pnspace_ack_due(&s, 20));
	quic_pnspace_ack_sent(&s);
	CHECK(!quic_pnspace_ack_due(&s, 20));
	CHECK(!s.ack_pending);
	CHECK_EQ(s.ack_deadline, 0);
}

/* a copy of the ACK (a server's Initial ACKs before its ServerHello):
 * due after the ACK went, once, and not without a packet received
 */
static void t_ack_copies(int arg)
{
	struct quic_pnspace s;

	(void)arg;
	quic_pnspace_init(&s, 0);
	s.ack_copies = 1;
	CHECK(!quic_pnspace_ack_due(&s, 10));	/* nothing received */
	CHECK_EQ(quic_pnspace_recv(&s, 0, true, 10), 0);
	CHECK(quic_pnspace_ack_due(&s, 10));
	quic_pnspace_ack_sent(&s);
	CHECK_EQ(s.ack_copies, 1);
	CHECK(quic_pnspace_ack_due(&s, 10));	/* the copy */
	quic_pnspace_ack_sent(&s);
	CHECK_EQ(s.ack_copies, 0);
	CHECK(!quic_pnspace_ack_due(&s, 10));
}

static void t_gap_ping(int arg)
{
	struct quic_pnspace s;

	(void)arg;
	quic_pnspace_init(&s, 25000);
	CHECK_EQ(quic_pnspace_recv(&s, 0, true, 10), 0);
	CHECK_EQ(quic_pnspace_recv(&s, 1, true, 10), 0);
	CHECK(!quic_pnspace_gap_ping(&s));	/* no gap */
	CHECK_EQ(quic_pnspace_recv(&s, 3, true, 20), 0);	/* 2 missing */
	s.ae_in_flight = 1;
	CHECK(!quic_pnspace_gap_ping(&s));	/* our PTO is armed */
	s.ae_in_flight = 0;
	CHECK(quic_pnspace_gap_ping(&s));	/* once per gap */
	CHECK(!quic_pnspace_gap_ping(&s));
	CHECK_EQ(quic_pnspace_recv(&s, 4, true, 30), 0);	/* same gap */
	CHECK(!quic_pnspace_gap_ping(&s));
	CHECK_EQ(quic_pnspace_recv(&s, 7, true, 40), 0);	/* 5, 6 missing */
	CHECK(quic_pnspace_gap_ping(&s));
	CHECK_EQ(quic_pnspace_recv(&s, 5, true, 50), 0);	/* reordered */
	CHECK_EQ(quic_pnspace_recv(&s, 6, true, 50), 0);	/* gap at 2 left */
	CHECK(quic_pnspace_gap_ping(&s));
	CHECK(!quic_pnspace_gap_ping(&s));
}

static void t_ack_due_delay_and_two(int arg)
{
	struct quic_pnspace s;

	(void)arg;
	quic_pnspace_init(&s, 25000);
	CHECK_EQ(quic_pnspace_recv(&s, 0, true, 1000), 0);
	CHECK(!quic_pnspace_ack_due(&s, 1000));
	CHECK_EQ(s.ack_deadline, 26000);
	CHECK(!quic_pnspace_ack_due(&s, 25999));
	CHECK(quic_pnspace_ack_due(&s, 26000));
	/* the second ack-eliciting packet: immediately (13.2.2) */
	CHECK_EQ(quic_pnspace_recv(&s, 1, true, 2000), 0);
	CHECK(quic_pnspace_ack_due(&s, 2000));
	CHECK_EQ(s.ack_deadline, 26000);	/* from the first one */
	quic_pnspace_ack_sent(&s);
	/* non-eliciting packets do not count toward the two */
	CHECK_EQ(quic_pnspace_recv(&s, 2, false, 3000), 0);
	CHECK_EQ(quic_pnspace_recv(&s, 3, true, 3000), 0);
	CHECK(!quic_pnspace_ack_due(&s, 3000));
	CHECK_EQ(s.ack_deadline, 28000);
	/* ECN-CE: the caller asks for an immediate ACK */
	quic_pnspace_ack_now(&s);
	CHECK(quic_pnspace_ack_due(&s, 3000));
	quic_pnspace_ack_sent(&s);
	/* ack_now without an ack-eliciting packet does nothing */
	CHECK_EQ(quic_pnspace_recv(&s, 4, false, 4000), 0);
	quic_pnspace_ack_now(&s);
	CHECK(!quic_pnspace_ack_due(&s, 4000));
	CHECK(!s.ack_immediate);
}

static void t_ack_due_reorder(int arg)
{
	struct quic_pnspace s;

	(void)arg;
	quic_pnspace_init(&s, 25000);
	CHECK_EQ(quic_pnspace_recv(&s, 0, true, 1), 0);
	quic_pnspace_ack_sent(&s);
	/* next in order: delayed */
	CHECK_EQ(quic_pnspace_recv(&s, 1, true, 2), 0);
	CHECK(!s.ack_immediate);
	quic_pnspace_ack_sent(&s);
	/* a gap above the largest ack-eliciting one: immediately */
	CHECK_EQ(quic_pnspace_recv(&s, 3, true, 3), 0);
	CHECK(s.ack_immediate);
	quic_pnspace_ack_sent(&s);
	/* below the largest ack-eliciting one: immediately */
	CHECK_EQ(quic_pnspace_recv(&s, 2, true, 4), 0);
	CHECK(s.ack_immediate);
	quic_pnspace_ack_sent(&s);
	/* the gap was filled by a non-eliciting packet: not out of order */
	CHECK_EQ(quic_pnspace_recv(&s, 4, false, 5), 0);
	CHECK_EQ(quic_pnspace_recv(&s, 5, true, 6), 0);
	CHECK(!s.ack_immediate);
	CHECK_EQ(s.largest_ae_recv, 5);
}

static void t_next_pn_exhausted(int arg)
{
	struct quic_pnspace s;
	u64 pn;

	(void)arg;
	quic_pnspace_init(&s, 0);
	CHECK_EQ(quic_pnspace_next_pn(&s, &pn), 0);
	CHECK_EQ(pn, 0);
	CHECK_EQ(quic_pnspace_next_pn(&s, &pn), 0);
	CHECK_EQ(pn, 1);
	s.next_pn = QUIC_PN_MAX;
	CHECK_EQ(quic_pnspace_next_pn(&s, &pn), 0);
	CHECK_EQ(pn, QUIC_PN_MAX);
	CHECK_EQ(quic_pnspace_next_pn(&s, &pn), -ENOSPC);
	CHECK_EQ(quic_pnspace_next_pn(&s, &pn), -ENOSPC);
}

static void t_sent_order(int arg)
{
	struct quic_pnspace s;
	struct quic_sent_pkt a = { .pn = 0, .size = 100, .in_flight = true,
				   .ack_eliciting = true };
	struct quic_sent_pkt b = a, c = a;
	struct list_head out;
	u64 pn;

	(void)arg;
	quic_pnspace_init(&s, 0);
	CHECK_EQ(quic_pnspace_sent(&s, &a, 1), -EINVAL);	/* not taken */
	CHECK_EQ(quic_pnspace_next_pn(&s, &pn), 0);
	CHECK_EQ(quic_pnspace_next_pn(&s, &pn), 0);
	b.pn = 1;
	CHECK_EQ(quic_pnspace_sent(&s, &b, 5), 0);
	CHECK_EQ(quic_pnspace_sent(&s, &a, 6), -EINVAL);	/* below 1 */
	c.pn = 1;
	CHECK_EQ(quic_pnspace_sent(&s, &c, 6), -EINVAL);	/* same pn */
	CHECK_EQ(s.nsent, 1);
	CHECK_EQ(s.bytes_in_flight, 100);
	CHECK_EQ(s.ae_in_flight, 1);
	CHECK_EQ(s.last_ae_sent_time, 5);
	CHECK_EQ(b.time_sent, 5);
	/* an ACK-only packet may be tracked: not in flight */
	CHECK_EQ(quic_pnspace_next_pn(&s, &pn), 0);
	c.pn = pn;
	c.in_flight = false;
	c.ack_eliciting = false;
	CHECK_EQ(quic_pnspace_sent(&s, &c, 7), 0);
	CHECK_EQ(s.bytes_in_flight, 100);
	CHECK_EQ(s.last_ae_sent_time, 5);
	{
		struct quic_rtt rtt;
		struct quic_ack_result res;

		/* nothing acknowledged yet: no loss detection possible */
		quic_rtt_init(&rtt, 1000, 0);
		quic_ack_result_init(&res);
		quic_pnspace_detect_lost(&s, 1ULL << 40, &rtt, &res);
		CHECK_EQ(res.nlost, 0);
		CHECK_EQ(s.loss_time, 0);
	}
	INIT_LIST_HEAD(&out);
	quic_pnspace_discard(&s, &out);
	CHECK(on_list(&out, 1));
	CHECK(on_list(&out, 2));
	CHECK_EQ(s.nsent, 0);
	CHECK_EQ(s.bytes_in_flight, 0);
	CHECK_EQ(s.ae_in_flight, 0);
}

static void t_on_ack_all(int arg)
{
	struct sender *x = sender_new(333000);
	struct quic_ack_range r[1] = { { 0, 9 } };
	struct quic_ack_result res;
	struct quic_frame f;
	u64 err = 0, pn;

	(void)arg;
	for (pn = 0; pn < 10; pn++)
		send_at(x, pn * MS, true, 1000);
	CHECK_EQ(x->s.bytes_in_flight, 10000);
	CHECK_EQ(make_ack(r, 1, 0, &f), 0);
	quic_ack_result_init(&res);
	CHECK_EQ(quic_pnspace_on_ack(&x->s, &f.ack, 0, 59 * MS, &x->rtt, &res,
				     &err), 0);
	CHECK_EQ(res.nacked, 10);
	CHECK_EQ(res.nlost, 0);
	CHECK_EQ(res.acked_bytes, 10000);
	CHECK(ascending(&res.acked));
	CHECK(res.rtt_sampled);
	CHECK(res.ack_eliciting_acked);
	CHECK_EQ(x->rtt.latest, 50 * MS);	/* from pn 9, sent at 9 ms */
	CHECK_EQ(x->rtt.smoothed, 50 * MS);
	CHECK_EQ(x->rtt.min, 50 * MS);
	CHECK_EQ(x->s.largest_acked, 9);
	CHECK_EQ(x->s.bytes_in_flight, 0);
	CHECK_EQ(x->s.ae_in_flight, 0);
	CHECK_EQ(x->s.nsent, 0);
	CHECK_EQ(x->s.loss_time, 0);
	/* the same ACK again: nothing new, no sample */
	quic_ack_result_init(&res);
	CHECK_EQ(quic_pnspace_on_ack(&x->s, &f.ack, 0, 80 * MS, &x->rtt, &res,
				     &err), 0);
	CHECK_EQ(res.nacked, 0);
	CHECK(!res.rtt_sampled);
	CHECK_EQ(x->rtt.latest, 50 * MS);
	free(x);
}

static void t_on_ack_ranges_loss(int arg)
{
	struct sender *x = sender_new(333000);
	struct quic_ack_range r[3] = { { 8, 9 }, { 5, 6 }, { 0, 2 } };
	struct quic_ack_result res;
	struct quic_frame f;
	u64 err = 0, pn;

	(void)arg;
	for (pn = 0; pn < 10; pn++)
		send_at(x, 100 * MS + pn, true, 1200);
	CHECK_EQ(make_ack(r, 3, 0, &f), 0);
	quic_ack_result_init(&res);
	CHECK_EQ(quic_pnspace_on_ack(&x->s, &f.ack, 0, 130 * MS, &x->rtt,
				     &res, &err), 0);
	CHECK_EQ(res.nacked, 7);
	CHECK(ascending(&res.acked));
	CHECK(on_list(&res.acked, 0) && on_list(&res.acked, 2) &&
	      on_list(&res.acked, 5) && on_list(&res.acked, 9));
	/* 3 and 4: three or more later packets acknowledged -> lost */
	CHECK_EQ(res.nlost, 2);
	CHECK(on_list(&res.lost, 3) && on_list(&res.lost, 4));
	CHECK(ascending(&res.lost));
	CHECK_EQ(res.lost_bytes, 2400);
	CHECK_EQ(res.largest_lost_time, 100 * MS + 4);
	/* 7: only two later ones; waits for the time threshold */
	CHECK_EQ(x->s.nsent, 1);
	CHECK(x->s.loss_time != 0);
	CHECK_EQ(x->s.loss_time, 100 * MS + 7 + quic_rtt_loss_delay(&x->rtt));
	/* the loss timer fires */
	quic_ack_result_init(&res);
	quic_pnspace_detect_lost(&x->s, x->s.loss_time - 1, &x->rtt, &res);
	CHECK_EQ(res.nlost, 0);
	quic_pnspace_detect_lost(&x->s, x->s.loss_time, &x->rtt, &res);
	CHECK_EQ(res.nlost, 1);
	CHECK(on_list(&res.lost, 7));
	CHECK_EQ(x->s.loss_time, 0);
	CHECK_EQ(x->s.bytes_in_flight, 0);
	free(x);
}

static void t_on_ack_never_sent(int arg)
{
	struct sender *x = sender_new(333000);
	struct quic_ack_range r[1] = { { 0, 10 } };
	struct quic_ack_range r0[1] = { { 0, 0 } };
	struct quic_ack_result res;
	struct quic_frame f;
	u64 err = 0, pn;

	(void)arg;
	/* nothing sent at all */
	CHECK_EQ(make_ack(r0, 1, 0, &f), 0);
	quic_ack_result_init(&res);
	CHECK_EQ(quic_pnspace_on_ack(&x->s, &f.ack, 0, 1, &x->rtt, &res, &err),
		 -EPROTO);
	CHECK_EQ(err, PV);
	for (pn = 0; pn < 10; pn++)
		send_at(x, pn, true, 1000);
	CHECK_EQ(make_ack(r, 1, 0, &f), 0);	/* 10 was never sent */
	err = 0;
	quic_ack_result_init(&res);
	CHECK_EQ(quic_pnspace_on_ack(&x->s, &f.ack, 0, 100, &x->rtt, &res,
				     &err), -EPROTO);
	CHECK_EQ(err, PV);
	CHECK_EQ(res.nacked, 0);
	CHECK_EQ(x->s.nsent, 10);	/* nothing changed */
	CHECK_EQ(x->s.largest_acked, -1);
	CHECK(!x->rtt.has_sample);
	/* a packet number taken but not sent may be acknowledged: no error */
	CHECK_EQ(quic_pnspace_next_pn(&x->s, &pn), 0);
	CHECK_EQ(quic_pnspace_on_ack(&x->s, &f.ack, 0, 100, &x->rtt, &res,
				     &err), 0);
	CHECK_EQ(res.nacked, 10);
	free(x);
}

static void t_rtt_sample_rules(int arg)
{
	struct sender *x = sender_new(333000);
	struct quic_ack_range r5[1] = { { 5, 5 } };
	struct quic_ack_range r35[2] = { { 5, 5 }, { 3, 3 } };
	struct quic_ack_range r7[1] = { { 6, 7 } };
	struct quic_ack_result res;
	struct quic_frame f;
	u64 err = 0, pn;

	(void)arg;
	for (pn = 0; pn < 6; pn++)
		send_at(x, pn * MS, true, 1000);
	send_at(x, 6 * MS, false, 50);	/* 6: not ack-eliciting */
	send_at(x, 7 * MS, false, 50);	/* 7: not ack-eliciting */
	CHECK_EQ(make_ack(r5, 1, 0, &f), 0);
	quic_ack_result_init(&res);
	CHECK_EQ(quic_pnspace_on_ack(&x->s, &f.ack, 0, 25 * MS, &x->rtt, &res,
				     &err), 0);
	CHECK(res.rtt_sampled);
	CHECK_EQ(x->rtt.latest, 20 * MS);
	/* the largest (5) is not newly acknowledged: no sample */
	CHECK_EQ(make_ack(r35, 2, 0, &f), 0);
	quic_ack_result_init(&res);
	CHECK_EQ(quic_pnspace_on_ack(&x->s, &f.ack, 0, 90 * MS, &x->rtt, &res,
				     &err), 0);
	CHECK_EQ(res.nacked, 1);
	CHECK(!res.rtt_sampled);
	CHECK_EQ(x->rtt.latest, 20 * MS);
	/* only non-ack-eliciting packets newly acknowledged: no sample */
	CHECK_EQ(make_ack(r7, 1, 0, &f), 0);
	quic_ack_result_init(&res);
	CHECK_EQ(quic_pnspace_on_ack(&x->s, &f.ack, 0, 95 * MS, &x->rtt, &res,
				     &err), 0);
	CHECK_EQ(res.nacked, 2);
	CHECK(!res.rtt_sampled);
	CHECK(!res.ack_eliciting_acked);
	free(x);
}

static void t_rtt_estimator(int arg)
{
	struct quic_rtt r;

	(void)arg;
	quic_rtt_init(&r, 333000, 25000);
	CHECK_EQ(r.smoothed, 333000);
	CHECK_EQ(r.rttvar, 166500);
	CHECK(!r.has_sample);
	CHECK_EQ(quic_rtt_pto(&r), 333000 + 4 * 166500);
	/* first sample: the smoothed RTT without the peer's ack_delay,
	 * min_rtt the sample as it is
	 */
	quic_rtt_update(&r, 100000, 50000);
	CHECK_EQ(r.smoothed, 50000);
	CHECK_EQ(r.rttvar, 25000);
	CHECK_EQ(r.min, 100000);
	/* ack_delay subtracted: adjusted 120000 */
	quic_rtt_update(&r, 150000, 30000);
	CHECK_EQ(r.smoothed, (7 * 50000 + 120000) / 8);
	CHECK_EQ(r.rttvar, (3 * 25000 + 70000) / 4);
	CHECK_EQ(r.min, 100000);
	CHECK_EQ(r.latest, 150000);
	/* first sample with an ack_delay not shorter than it: taken whole */
	quic_rtt_init(&r, 333000, 25000);
	quic_rtt_update(&r, 100000, 100000);
	CHECK_EQ(r.smoothed, 100000);
	CHECK_EQ(r.rttvar, 50000);
	/* not below min_rtt: 110000 - 30000 < 100000, so not adjusted */
	quic_rtt_init(&r, 333000, 25000);
	quic_rtt_update(&r, 100000, 0);
	quic_rtt_update(&r, 110000, 30000);
	CHECK_EQ(r.smoothed, (7 * 100000 + 110000) / 8);
	/* a new minimum */
	quic_rtt_update(&r, 40000, 0);
	CHECK_EQ(r.min, 40000);
	/* confirmed: ack_delay capped at max_ack_delay (25 ms) */
	quic_rtt_init(&r, 333000, 25000);
	quic_rtt_update(&r, 100000, 0);
	r.confirmed = true;
	quic_rtt_update(&r, 200000, 80000);	/* uses 25000 */
	CHECK_EQ(r.smoothed, (7 * 100000 + 175000) / 8);
	/* unconfirmed: not capped */
	quic_rtt_init(&r, 333000, 25000);
	quic_rtt_update(&r, 100000, 0);
	quic_rtt_update(&r, 200000, 80000);
	CHECK_EQ(r.smoothed, (7 * 100000 + 120000) / 8);
	/* absurd ack_delay cannot underflow */
	quic_rtt_update(&r, 200000, ~0ULL);
	CHECK(r.smoothed < 200000);
	/* granularity floors */
	quic_rtt_init(&r, 0, 0);
	CHECK_EQ(quic_rtt_pto(&r), QUIC_K_GRANULARITY);
	CHECK_EQ(quic_rtt_loss_delay(&r), QUIC_K_GRANULARITY);
	quic_rtt_update(&r, 80000, 0);
	CHECK_EQ(quic_rtt_loss_delay(&r), 90000);
}

static void t_pto_time(int arg)
{
	struct sender *x = sender_new(100000);
	u64 base;

	(void)arg;
	CHECK_EQ(quic_pnspace_pto_time(&x->s, &x->rtt, 0, false), 0);
	send_at(x, 1000, false, 40);	/* not ack-eliciting: no PTO */
	CHECK_EQ(quic_pnspace_pto_time(&x->s, &x->rtt, 0, false), 0);
	send_at(x, 2000, true, 1200);
	base = quic_rtt_pto(&x->rtt);
	CHECK_EQ(base, 100000 + 4 * 50000);
	CHECK_EQ(quic_pnspace_pto_time(&x->s, &x->rtt, 0, false), 2000 + base);
	CHECK_EQ(quic_pnspace_pto_time(&x->s, &x->rtt, 0, true),
		 2000 + base + 25000);
	CHECK_EQ(quic_pnspace_pto_time(&x->s, &x->rtt, 2, false),
		 2000 + 4 * base);
	/* the exponent is capped */
	CHECK_EQ(quic_pnspace_pto_time(&x->s, &x->rtt, 1000, false),
		 2000 + (base << QUIC_PTO_BACKOFF_MAX));
	free(x);
}

static void t_discard(int arg)
{
	struct sender *x = sender_new(100000);
	struct list_head out;
	struct quic_frame f;
	int n = 0;
	struct quic_sent_pkt *p;

	(void)arg;
	send_at(x, 1, true, 100);
	send_at(x, 2, true, 100);
	CHECK_EQ(quic_pnspace_recv(&x->s, 0, true, 3), 0);
	INIT_LIST_HEAD(&out);
	quic_pnspace_discard(&x->s, &out);
	list_for_each_entry(p, &out, list)
		n++;
	CHECK_EQ(n, 2);
	CHECK(ascending(&out));
	CHECK_EQ(x->s.bytes_in_flight, 0);
	CHECK_EQ(quic_pnspace_pto_time(&x->s, &x->rtt, 0, false), 0);
	CHECK(!quic_pnspace_ack_due(&x->s, 10));
	CHECK_EQ(quic_pnspace_ack_frame(&x->s, 10, 3, &f), -ENODATA);
	free(x);
}

/* a receiver acknowledges a random pattern; the sender learns exactly it */
static void t_ack_roundtrip(int arg)
{
	struct sender *x = sender_new(100000);
	struct quic_pnspace rcv;
	struct quic_ack_result res;
	struct quic_frame f, d;
	struct quic_sent_pkt *p;
	bool got[600] = { false };
	uint8_t buf[2048];
	unsigned int seed = 12345u + (unsigned int)arg;
	u64 err = 0, pn;
	int len, i;

	quic_pnspace_init(&rcv, 25000);
	for (pn = 0; pn < 600; pn++)
		send_at(x, pn, true, 1000);
	for (i = 0; i < 400; i++) {
		seed = seed * 1103515245u + 12345u;
		pn = (seed >> 8) % 600;
		if (quic_pnspace_recv(&rcv, pn, true, 1000 + (u64)i) == 0)
			got[pn] = true;
	}
	CHECK_EQ(quic_pnspace_ack_frame(&rcv, 5000, 3, &f), 0);
	len = quic_frame_encode(buf, sizeof(buf), &f);
	CHECK(len > 0);
	CHECK_EQ(quic_frame_decode(buf, (size_t)len, &d), len);
	quic_ack_result_init(&res);
	CHECK_EQ(quic_pnspace_on_ack(&x->s, &d.ack, 0, 5000, &x->rtt, &res,
				     &err), 0);
	CHECK(ascending(&res.acked));
	list_for_each_entry(p, &res.acked, list) {
		CHECKF(p->pn >= rcv.recv_floor && got[p->pn],
		       "pn %llu acked but not received",
		       (unsigned long long)p->pn);
		got[p->pn] = false;
	}
	for (pn = rcv.recv_floor; pn < 600; pn++)
		CHECKF(!got[pn], "pn %llu received but not acked",
		       (unsigned long long)pn);
	/* everything acked or lost or still waiting */
	CHECK_EQ(res.nacked + res.nlost + x->s.nsent, 600);
	free(x);
}

static const struct t_case cases[] = {
	{ "pnspace_recv_in_order", t_recv_in_order, 0 },
	{ "pnspace_recv_duplicate", t_recv_duplicate, 0 },
	{ "pnspace_recv_merge", t_recv_merge, 0 },
	{ "pnspace_ranges_bounded", t_ranges_bounded, 0 },
	{ "pnspace_ack_frame_fields", t_ack_frame_fields, 0 },
	{ "pnspace_ack_due_handshake", t_ack_due_handshake, 0 },
	{ "pnspace_ack_copies", t_ack_copies, 0 },
	{ "pnspace_gap_ping", t_gap_ping, 0 },
	{ "pnspace_ack_due_delay_and_two", t_ack_due_delay_and_two, 0 },
	{ "pnspace_ack_due_reorder", t_ack_due_reorder, 0 },
	{ "pnspace_next_pn_exhausted", t_next_pn_exhausted, 0 },
	{ "pnspace_sent_order", t_sent_order, 0 },
	{ "pnspace_on_ack_all", t_on_ack_all, 0 },
	{ "pnspace_on_ack_ranges_loss", t_on_ack_ranges_loss, 0 },
	{ "pnspace_on_ack_never_sent", t_on_ack_never_sent, 0 },
	{ "pnspace_rtt_sample_rules", t_rtt_sample_rules, 0 },
	{ "pnspace_rtt_estimator", t_rtt_estimator, 0 },
	{ "pnspace_pto_time", t_pto_time, 0 },
	{ "pnspace_discard", t_discard, 0 },
	{ "pnspace_ack_roundtrip_1", t_ack_roundtrip, 1 },
	{ "pnspace_ack_roundtrip_2", t_ack_roundtrip, 2 },
	{ "pnspace_ack_roundtrip_3", t_ack_roundtrip, 3 },
	{ NULL, NULL, 0 },
};

const struct t_suite pnspace_suite = { .cases = cases };
