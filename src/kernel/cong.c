// SPDX-License-Identifier: GPL-2.0-or-later
/* NewReno congestion control (RFC 9002 7, B): slow start, recovery and
 * congestion avoidance over the bytes the loss detector reports.
 */

#include <linux/kernel.h>
#include "cong.h"

#define QUIC_INITIAL_WINDOW_PKTS	10
#define QUIC_MIN_WINDOW_PKTS		2

void quic_cong_init(struct quic_cong *c, u32 mss)
{
	c->mss = mss;
	c->window = min_t(u32, QUIC_INITIAL_WINDOW_PKTS * mss,
			  max_t(u32, 2 * mss, 14720));
	c->ssthresh = U32_MAX;
	c->recovery_start = 0;
	c->acked_in_ca = 0;
}

/* packets sent before the recovery period started do not grow the window */
void quic_cong_on_acked(struct quic_cong *c, u64 bytes, u64 time_sent)
{
	if (c->recovery_start && time_sent <= c->recovery_start)
		return;
	if (c->window < c->ssthresh) {
		c->window += bytes;
		return;
	}
	c->acked_in_ca += bytes;
	if (c->acked_in_ca >= c->window) {
		c->acked_in_ca -= c->window;
		c->window += c->mss;
	}
}

void quic_cong_on_lost(struct quic_cong *c, u64 largest_lost_time, u64 now)
{
	if (c->recovery_start && largest_lost_time <= c->recovery_start)
		return;
	c->recovery_start = now;
	c->ssthresh = max_t(u32, c->window / 2,
			    QUIC_MIN_WINDOW_PKTS * c->mss);
	c->window = c->ssthresh;
	c->acked_in_ca = 0;
}

void quic_cong_persistent(struct quic_cong *c)
{
	c->window = QUIC_MIN_WINDOW_PKTS * c->mss;
	c->recovery_start = 0;
}
