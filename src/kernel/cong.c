// SPDX-License-Identifier: GPL-2.0-or-later
/* Congestion control framework (RFC 9002 7): algorithm selection, initial
 * and minimum windows, recovery periods, mss changes and the pacing rate;
 * the algorithms themselves are in cong_<name>.c.
 */

#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/errno.h>
#include "pnspace.h"
#include "cong.h"

#define QUIC_INITIAL_WINDOW_PKTS	10
#define QUIC_INITIAL_WINDOW_BYTES	14720
#define QUIC_CONG_INITIAL_RTT		333000	/* kInitialRtt, us */
#define QUIC_CONG_USEC_PER_SEC		1000000ULL

static const struct quic_cong_ops * const quic_cong_algos[QUIC_CONG_ALG_MAX] = {
	[QUIC_CONG_ALG_RENO]	= &quic_cong_reno,
	[QUIC_CONG_ALG_CUBIC]	= &quic_cong_cubic,
};

static const struct quic_cong_ops *quic_cong_ops(const struct quic_cong *c)
{
	return quic_cong_algos[c->algo];
}

/**
 * quic_cong_init - start a controller (RFC 9002 7.2)
 * @c: controller
 * @algo: enum quic_cong_algo; unknown values select NewReno
 * @mss: max_datagram_size, bytes
 */
void quic_cong_init(struct quic_cong *c, u8 algo, u32 mss)
{
	memset(c, 0, sizeof(*c));
	c->algo = algo < QUIC_CONG_ALG_MAX ? algo : QUIC_CONG_ALG_RENO;
	c->mss = mss;
	c->window = min_t(u32, QUIC_INITIAL_WINDOW_PKTS * mss,
			  max_t(u32, QUIC_CONG_MIN_WINDOW_PKTS * mss,
				QUIC_INITIAL_WINDOW_BYTES));
	c->ssthresh = U32_MAX;
	quic_cong_ops(c)->init(c);
	quic_cong_update_pacing(c, NULL);
}

/**
 * quic_cong_on_acked - an in-flight packet was acknowledged
 * @c: controller
 * @bytes: its size
 * @time_sent: when it was sent, us
 * @now: current time, us
 * @rtt: the path's RTT estimator, after this ACK's sample
 *
 * Packets sent before the current recovery period started do not grow the
 * window (RFC 9002 7.3.2). The pacing rate follows the new window.
 */
void quic_cong_on_acked(struct quic_cong *c, u64 bytes, u64 time_sent,
			u64 now, const struct quic_rtt *rtt)
{
	struct quic_cong_ack ack = {
		.bytes = bytes,
		.time_sent = time_sent,
		.now = now,
		.rtt = rtt,
	};

	if (c->recovery_start && time_sent <= c->recovery_start)
		return;
	quic_cong_ops(c)->on_acked(c, &ack);
	quic_cong_update_pacing(c, rtt);
}

/**
 * quic_cong_on_lost - packets were declared lost
 * @c: controller
 * @largest_lost_time: send time of the newest lost packet, us
 * @now: current time, us
 *
 * Losses of packets sent before the current recovery period started are
 * part of the congestion event that started it (RFC 9002 7.3.2).
 */
void quic_cong_on_lost(struct quic_cong *c, u64 largest_lost_time, u64 now)
{
	if (c->recovery_start && largest_lost_time <= c->recovery_start)
		return;
	c->recovery_start = now;
	quic_cong_ops(c)->on_lost(c);
}

/**
 * quic_cong_persistent - persistent congestion (RFC 9002 7.6.2): the window
 *	collapses to kMinimumWindow and the recovery period ends
 * @c: controller
 */
void quic_cong_persistent(struct quic_cong *c)
{
	quic_cong_ops(c)->persistent(c);
	c->window = QUIC_CONG_MIN_WINDOW_PKTS * c->mss;
	c->recovery_start = 0;
}

static u32 quic_cong_rescale(u32 bytes, u32 from, u32 to)
{
	u64 v = div_u64((u64)bytes * to, from);

	return clamp_t(u64, v, QUIC_CONG_MIN_WINDOW_PKTS * to, U32_MAX);
}

/**
 * quic_cong_set_mss - the path's max_datagram_size changed
 * @c: controller
 * @mss: the new size, bytes
 *
 * The window and ssthresh keep their size in packets, and never drop below
 * kMinimumWindow of the new size.
 */
void quic_cong_set_mss(struct quic_cong *c, u32 mss)
{
	if (!mss || mss == c->mss)
		return;
	c->window = quic_cong_rescale(c->window, c->mss, mss);
	if (c->ssthresh != U32_MAX)
		c->ssthresh = quic_cong_rescale(c->ssthresh, c->mss, mss);
	c->mss = mss;
}

/**
 * quic_cong_update_pacing - recompute the pacing rate (RFC 9002 7.7)
 * @c: controller
 * @rtt: the path's RTT estimator; NULL or no smoothed_rtt yet: kInitialRtt
 *
 * 2 * window / smoothed_rtt in slow start, 1.25 * window / smoothed_rtt
 * otherwise, as Linux TCP's default pacing ratios.
 */
void quic_cong_update_pacing(struct quic_cong *c, const struct quic_rtt *rtt)
{
	u64 srtt = rtt && rtt->smoothed ? rtt->smoothed : QUIC_CONG_INITIAL_RTT;
	u64 rate = (u64)c->window * QUIC_CONG_USEC_PER_SEC;

	if (c->window < c->ssthresh)
		rate *= 2;
	else
		rate = rate * 5 / 4;
	c->pacing_rate = div64_u64(rate, srtt);
}

/**
 * quic_cong_name - name of the controller's algorithm
 * @c: controller
 */
const char *quic_cong_name(const struct quic_cong *c)
{
	return quic_cong_ops(c)->name;
}

/**
 * quic_cong_algo_by_name - enum quic_cong_algo of an algorithm name
 * @name: "reno", "cubic"
 *
 * Return: the algorithm, -EINVAL if unknown
 */
int quic_cong_algo_by_name(const char *name)
{
	int i;

	for (i = 0; i < QUIC_CONG_ALG_MAX; i++)
		if (!strcmp(name, quic_cong_algos[i]->name))
			return i;
	return -EINVAL;
}
