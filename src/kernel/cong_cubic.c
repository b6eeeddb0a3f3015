// SPDX-License-Identifier: GPL-2.0-or-later
/* CUBIC congestion control (RFC 9438) in integer arithmetic: the cubic
 * window function, the Reno-friendly estimate, multiplicative decrease by
 * beta_cubic and fast convergence.
 */

#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/string.h>
#include "pnspace.h"
#include "cong.h"

/* beta_cubic = 7/10, C = 4/10 packets/s^3, alpha_cubic = 3(1-b)/(1+b) = 9/17 */
#define QUIC_CUBIC_BETA_NUM		7
#define QUIC_CUBIC_BETA_DEN		10
#define QUIC_CUBIC_ALPHA_NUM		9
#define QUIC_CUBIC_ALPHA_DEN		17
/* time is counted in 2^-QUIC_CUBIC_HZ s, a bit under a millisecond */
#define QUIC_CUBIC_HZ			10
/* largest |t - K| the cube of which fits 64 bits, about 34 minutes */
#define QUIC_CUBIC_MAX_OFFS		BIT(21)

/* floor(cbrt(x)), bit by bit with no division (Hacker's Delight 11-2) */
static u32 quic_cubic_root(u64 x)
{
	u64 y = 0, b;
	int s;

	for (s = 63; s >= 0; s -= 3) {
		y <<= 1;
		b = 3 * y * (y + 1) + 1;
		if ((x >> s) >= b) {
			x -= b << s;
			y++;
		}
	}
	return y;
}

/* us to 2^-10 s */
static u64 quic_cubic_ticks(u64 us)
{
	return div_u64(min_t(u64, us, U64_MAX >> QUIC_CUBIC_HZ) <<
		       QUIC_CUBIC_HZ, 1000000);
}

/* K = cbrt((W_max - cwnd_epoch) / C), in 2^-10 s (RFC 9438 4.2) */
static u32 quic_cubic_k(u32 w_max, u32 cwnd, u32 mss)
{
	u64 pkts, cube;

	if (w_max <= cwnd)
		return 0;
	/* packets * 2^20, then * 2^30 / C = packets * 2^20 * 5 * 2^9 */
	pkts = div_u64((u64)(w_max - cwnd) << 20, mss);
	cube = pkts > U64_MAX / (5 << 9) ? U64_MAX : pkts * (5 << 9);
	return quic_cubic_root(cube);
}

/* W_cubic(t) = C * (t - K)^3 + W_max, bytes, t in 2^-10 s (RFC 9438 4.2) */
static u32 quic_cubic_window(const struct quic_cubic *cc, u64 t)
{
	u64 offs, delta;

	offs = t > cc->k ? t - cc->k : cc->k - t;
	offs = min_t(u64, offs, QUIC_CUBIC_MAX_OFFS);
	/* C * mss * offs^3 / 2^30 with C = 2/5 */
	delta = div_u64(mul_u64_u64_shr(offs * offs * offs, 2 * cc->mss,
					3 * QUIC_CUBIC_HZ), 5);
	if (t > cc->k)
		return min_t(u64, (u64)cc->origin + delta, U32_MAX);
	return delta < cc->origin ? cc->origin - delta : 0;
}

static u32 quic_cubic_scale(u32 bytes, u32 from, u32 to)
{
	return min_t(u64, div_u64((u64)bytes * to, from), U32_MAX);
}

static void quic_cubic_init(struct quic_cong *c)
{
	memset(&c->cubic, 0, sizeof(c->cubic));
	c->cubic.mss = c->mss;
}

/* the path mss changed: keep the sizes in packets, start a new epoch */
static void quic_cubic_set_mss(struct quic_cong *c)
{
	struct quic_cubic *cc = &c->cubic;

	cc->w_max = quic_cubic_scale(cc->w_max, cc->mss, c->mss);
	cc->cwnd_prior = quic_cubic_scale(cc->cwnd_prior, cc->mss, c->mss);
	cc->mss = c->mss;
	cc->epoch_start = 0;
}

/* the first ACK of a congestion avoidance stage (RFC 9438 4.2, 4.8) */
static void quic_cubic_epoch(struct quic_cong *c, u64 now)
{
	struct quic_cubic *cc = &c->cubic;

	cc->epoch_start = now;
	cc->w_est = c->window;
	cc->cwnd_acc = 0;
	cc->est_acc = 0;
	if (cc->w_max > c->window) {
		cc->k = quic_cubic_k(cc->w_max, c->window, c->mss);
		cc->origin = cc->w_max;
	} else {
		/* after persistent congestion, or above the last W_max */
		cc->k = 0;
		cc->w_max = c->window;
		cc->origin = c->window;
	}
}

static void quic_cubic_on_acked(struct quic_cong *c,
				const struct quic_cong_ack *ack)
{
	u64 bytes = min_t(u64, ack->bytes, U32_MAX), now = ack->now;
	struct quic_cubic *cc = &c->cubic;
	u64 t, srtt, target, inc, div, rem;
	u32 w_t;

	if (cc->mss != c->mss)
		quic_cubic_set_mss(c);
	if (c->window < c->ssthresh) {
		c->window = min_t(u64, (u64)c->window + bytes, U32_MAX);
		return;
	}
	if (!cc->epoch_start)
		quic_cubic_epoch(c, now);

	t = now > cc->epoch_start ? now - cc->epoch_start : 0;
	srtt = ack->rtt ? ack->rtt->smoothed : 0;
	w_t = quic_cubic_window(cc, quic_cubic_ticks(t));
	target = quic_cubic_window(cc, quic_cubic_ticks(t + srtt));
	target = clamp_t(u64, target, c->window, (u64)c->window * 3 / 2);

	/* W_est grows by alpha_cubic packets per window, 1 once past the
	 * window of the last congestion event (RFC 9438 4.3)
	 */
	if (cc->w_est >= cc->cwnd_prior)
		cc->est_acc += QUIC_CUBIC_ALPHA_DEN * c->mss * bytes;
	else
		cc->est_acc += QUIC_CUBIC_ALPHA_NUM * c->mss * bytes;
	div = (u64)QUIC_CUBIC_ALPHA_DEN * c->window;
	inc = div64_u64_rem(cc->est_acc, div, &rem);
	cc->est_acc = rem;
	cc->w_est = min_t(u64, cc->w_est + inc, U32_MAX);

	if (w_t < cc->w_est) {
		/* Reno-friendly region */
		c->window = max(c->window, cc->w_est);
		return;
	}
	/* concave and convex regions: (target - cwnd) / cwnd per packet */
	cc->cwnd_acc += (target - c->window) * bytes;
	inc = div64_u64_rem(cc->cwnd_acc, c->window, &rem);
	cc->cwnd_acc = rem;
	c->window = min_t(u64, c->window + inc, U32_MAX);
}

/* multiplicative decrease and fast convergence (RFC 9438 4.6, 4.7) */
static void quic_cubic_on_lost(struct quic_cong *c)
{
	struct quic_cubic *cc = &c->cubic;
	u64 ssthresh;

	if (cc->mss != c->mss)
		quic_cubic_set_mss(c);
	cc->cwnd_prior = c->window;
	if (c->window < cc->w_max)
		cc->w_max = div_u64((u64)c->window *
				    (QUIC_CUBIC_BETA_DEN + QUIC_CUBIC_BETA_NUM),
				    2 * QUIC_CUBIC_BETA_DEN);
	else
		cc->w_max = c->window;
	ssthresh = div_u64((u64)c->window * QUIC_CUBIC_BETA_NUM,
			   QUIC_CUBIC_BETA_DEN);
	c->ssthresh = max_t(u64, ssthresh,
			    QUIC_CONG_MIN_WINDOW_PKTS * c->mss);
	c->window = c->ssthresh;
	cc->epoch_start = 0;
}

/* the next congestion avoidance stage starts with K = 0 and W_max = cwnd
 * (RFC 9438 4.8); ssthresh was set by the congestion event
 */
static void quic_cubic_persistent(struct quic_cong *c)
{
	c->cubic.w_max = 0;
	c->cubic.epoch_start = 0;
}

const struct quic_cong_ops quic_cong_cubic = {
	.name		= "cubic",
	.init		= quic_cubic_init,
	.on_acked	= quic_cubic_on_acked,
	.on_lost	= quic_cubic_on_lost,
	.persistent	= quic_cubic_persistent,
};
