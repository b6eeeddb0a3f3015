/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Congestion control of a connection (RFC 9002 7): the window and its
 * reaction to acknowledgments and losses.
 */

#ifndef __QUIC_CONG_H__
#define __QUIC_CONG_H__

#include <linux/types.h>

/**
 * struct quic_cong - congestion controller state (NewReno, RFC 9002 7.3)
 * @mss: max_datagram_size, bytes
 * @window: congestion window, bytes
 * @ssthresh: slow start threshold, bytes (U32_MAX: none yet)
 * @recovery_start: time the current recovery period started, us (0: none)
 * @acked_in_ca: bytes acknowledged in congestion avoidance since the
 *	window last grew
 */
struct quic_cong {
	u32 mss;
	u32 window;
	u32 ssthresh;
	u64 recovery_start;
	u32 acked_in_ca;
};

void quic_cong_init(struct quic_cong *c, u32 mss);
void quic_cong_on_acked(struct quic_cong *c, u64 bytes, u64 time_sent);
void quic_cong_on_lost(struct quic_cong *c, u64 largest_lost_time, u64 now);
void quic_cong_persistent(struct quic_cong *c);

#endif /* __QUIC_CONG_H__ */
