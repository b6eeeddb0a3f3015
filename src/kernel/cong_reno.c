// SPDX-License-Identifier: GPL-2.0-or-later
/* NewReno congestion control (RFC 9002 7.3, B): slow start, halving on a
 * congestion event and one mss per window in congestion avoidance.
 */

#include <linux/kernel.h>
#include <linux/limits.h>
#include "cong.h"

static void quic_reno_init(struct quic_cong *c)
{
	c->reno.acked_in_ca = 0;
}

static void quic_reno_on_acked(struct quic_cong *c,
			       const struct quic_cong_ack *ack)
{
	struct quic_reno *r = &c->reno;
	u64 bytes = ack->bytes;

	if (c->window < c->ssthresh) {
		c->window = min_t(u64, (u64)c->window + bytes, U32_MAX);
		return;
	}
	r->acked_in_ca = min_t(u64, (u64)r->acked_in_ca + bytes, U32_MAX);
	if (r->acked_in_ca >= c->window) {
		r->acked_in_ca -= c->window;
		c->window = min_t(u64, (u64)c->window + c->mss, U32_MAX);
	}
}

static void quic_reno_on_lost(struct quic_cong *c)
{
	c->ssthresh = max_t(u32, c->window / 2,
			    QUIC_CONG_MIN_WINDOW_PKTS * c->mss);
	c->window = c->ssthresh;
	c->reno.acked_in_ca = 0;
}

static void quic_reno_persistent(struct quic_cong *c)
{
	c->reno.acked_in_ca = 0;
}

const struct quic_cong_ops quic_cong_reno = {
	.name		= "reno",
	.init		= quic_reno_init,
	.on_acked	= quic_reno_on_acked,
	.on_lost	= quic_reno_on_lost,
	.persistent	= quic_reno_persistent,
};
