/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Congestion control of a connection (RFC 9002 7): the window, the pacing
 * rate and the table of selectable algorithms.
 */

#ifndef __QUIC_CONG_H__
#define __QUIC_CONG_H__

#include <linux/types.h>
#include "include/uapi/linux/quic.h"

struct quic_rtt;

/**
 * struct quic_reno - NewReno state (RFC 9002 7.3.3)
 * @acked_in_ca: bytes acknowledged in congestion avoidance since the
 *	window last grew
 */
struct quic_reno {
	u32 acked_in_ca;
};

/**
 * struct quic_cubic - CUBIC state (RFC 9438 4), sizes in bytes
 * @w_max: W_max, the window just before the last reduction (0: none)
 * @cwnd_prior: the window when ssthresh was last set
 * @w_est: W_est, the Reno-friendly window estimate
 * @origin: the window the cubic function plateaus at (W_max of the epoch)
 * @epoch_start: start of the congestion avoidance stage, us (0: none)
 * @k: K, 2^-10 s
 * @mss: the mss the byte sizes above were computed with
 * @cwnd_acc: remainder of the window increase, bytes * window
 * @est_acc: remainder of the W_est increase, bytes * 17 * window
 */
struct quic_cubic {
	u32 w_max;
	u32 cwnd_prior;
	u32 w_est;
	u32 origin;
	u64 epoch_start;
	u32 k;
	u32 mss;
	u64 cwnd_acc;
	u64 est_acc;
};

/**
 * struct quic_cong - congestion controller state
 * @mss: max_datagram_size, bytes
 * @window: congestion window, bytes
 * @ssthresh: slow start threshold, bytes (U32_MAX: none yet)
 * @recovery_start: time the current recovery period started, us (0: none)
 * @pacing_rate: bytes per second the sender may pace at
 * @algo: enum quic_cong_algo
 * @reno: private state of QUIC_CONG_ALG_RENO
 * @cubic: private state of QUIC_CONG_ALG_CUBIC
 */
struct quic_cong {
	u32 mss;
	u32 window;
	u32 ssthresh;
	u64 recovery_start;
	u64 pacing_rate;
	u8 algo;
	union {
		struct quic_reno reno;
		struct quic_cubic cubic;
	};
};

/**
 * struct quic_cong_ack - an acknowledged in-flight packet
 * @bytes: its size
 * @time_sent: when it was sent, us
 * @now: when it was acknowledged, us
 * @rtt: the path's RTT estimator, after this ACK's sample (may be NULL)
 */
struct quic_cong_ack {
	u64 bytes;
	u64 time_sent;
	u64 now;
	const struct quic_rtt *rtt;
};

/**
 * struct quic_cong_ops - one congestion control algorithm
 * @name: what quic_cong_algo_by_name() matches
 * @init: set up the private state; the window is already initial
 * @on_acked: a packet sent outside any recovery period was acknowledged
 * @on_lost: a congestion event started a recovery period at
 *	@recovery_start: set ssthresh and the window
 * @persistent: persistent congestion; the window is set to the minimum
 *	afterwards
 */
struct quic_cong_ops {
	const char *name;
	void (*init)(struct quic_cong *c);
	void (*on_acked)(struct quic_cong *c, const struct quic_cong_ack *ack);
	void (*on_lost)(struct quic_cong *c);
	void (*persistent)(struct quic_cong *c);
};

extern const struct quic_cong_ops quic_cong_reno;
extern const struct quic_cong_ops quic_cong_cubic;

#define QUIC_CONG_MIN_WINDOW_PKTS	2	/* kMinimumWindow, packets */

void quic_cong_init(struct quic_cong *c, u8 algo, u32 mss);
void quic_cong_on_acked(struct quic_cong *c, u64 bytes, u64 time_sent,
			u64 now, const struct quic_rtt *rtt);
void quic_cong_on_lost(struct quic_cong *c, u64 largest_lost_time, u64 now);
void quic_cong_persistent(struct quic_cong *c);
void quic_cong_set_mss(struct quic_cong *c, u32 mss);
void quic_cong_update_pacing(struct quic_cong *c, const struct quic_rtt *rtt);
const char *quic_cong_name(const struct quic_cong *c);
int quic_cong_algo_by_name(const char *name);

#endif /* __QUIC_CONG_H__ */
