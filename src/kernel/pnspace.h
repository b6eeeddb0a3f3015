/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Packet number spaces: received packet numbers and ACK generation, sent
 * packets, ACK processing, RTT estimation and loss detection (RFC 9000 12.3,
 * 13.2; RFC 9002 5, 6.1, 6.2).
 */

#ifndef __QUIC_PNSPACE_H__
#define __QUIC_PNSPACE_H__

#include <linux/list.h>
#include "frame.h"

/*
 * Times are u64 microseconds on a monotonic clock the caller chooses (for
 * example ktime_get_ns() / NSEC_PER_USEC); every function that needs the
 * time takes it as @now, so nothing here reads a clock.
 *
 * Memory: a packet number space allocates nothing. The received packet
 * numbers are a fixed array of QUIC_PN_ACK_RANGES_MAX ranges inside the
 * structure; sent packets are records the caller allocates (and charges to
 * sk_wmem_queued), links in with quic_pnspace_sent() and gets back on a
 * list when they are acknowledged, declared lost or discarded, to free them.
 *
 * Locking: none inside; the caller holds the socket lock.
 */

#define QUIC_PN_ACK_RANGES_MAX		32	/* received ranges kept (13.2.3) */
#define QUIC_ACK_ELICITING_THRESHOLD	2	/* ACK after 2 packets (13.2.2) */
#define QUIC_K_PACKET_THRESHOLD		3	/* RFC 9002 6.1.1 */
#define QUIC_K_GRANULARITY		1000	/* us, RFC 9002 6.1.2 */
#define QUIC_PTO_BACKOFF_MAX		16	/* cap of the PTO exponent */
#define QUIC_PTO_PROBES			2	/* datagrams per PTO */

/**
 * struct quic_rtt - RTT estimator of a path (RFC 9002 5), shared by the
 *	packet number spaces of a connection
 * @latest: latest_rtt, us (0 before the first sample)
 * @smoothed: smoothed_rtt, us
 * @rttvar: rttvar, us
 * @min: min_rtt, us (0 before the first sample)
 * @max_ack_delay: the peer's max_ack_delay transport parameter, us
 * @has_sample: at least one RTT sample was taken
 * @confirmed: the caller sets it when the handshake is confirmed; from then
 *	on the ack_delay of a sample is capped at @max_ack_delay
 */
struct quic_rtt {
	u64 latest;
	u64 smoothed;
	u64 rttvar;
	u64 min;
	u32 max_ack_delay;
	bool has_sample;
	bool confirmed;
};

void quic_rtt_init(struct quic_rtt *rtt, u32 initial_rtt, u32 max_ack_delay);
void quic_rtt_update(struct quic_rtt *rtt, u64 latest, u64 ack_delay);
u64 quic_rtt_pto(const struct quic_rtt *rtt);
u64 quic_rtt_loss_delay(const struct quic_rtt *rtt);

/**
 * struct quic_sent_pkt - a sent packet, allocated and owned by the caller
 * @list: on the space's sent list (ascending @pn) while outstanding, then
 *	on the acked or lost list handed back to the caller
 * @pn: packet number, from quic_pnspace_next_pn()
 * @time_sent: set by quic_pnspace_sent()
 * @size: bytes of the packet (counted in bytes in flight if @in_flight)
 * @ack_eliciting: the packet contains an ack-eliciting frame
 * @in_flight: the packet counts toward bytes in flight (RFC 9002 2)
 * @ecn: the packet went out marked ECT(0) (RFC 9000 13.4)
 * @priv: the caller's record of what the packet carried (frames to
 *	retransmit on loss, to release on acknowledgment); never touched here
 */
struct quic_sent_pkt {
	struct list_head list;
	u64 pn;
	u64 time_sent;
	u32 size;
	bool ack_eliciting;
	bool in_flight;
	bool ecn;
	void *priv;
};

/**
 * struct quic_ack_result - what one ACK frame or loss timer changed
 * @acked: newly acknowledged packets, ascending packet numbers
 * @lost: packets declared lost, ascending packet numbers
 * @nacked: entries on @acked
 * @nlost: entries on @lost
 * @acked_bytes: sum of @size of the in-flight packets on @acked
 * @lost_bytes: sum of @size of the in-flight packets on @lost
 * @largest_lost_time: time_sent of the newest packet on @lost (for the
 *	congestion controller's recovery period), 0 if none
 * @rtt_sampled: the ACK produced an RTT sample (RFC 9002 5.1)
 * @ack_eliciting_acked: an ack-eliciting packet was newly acknowledged
 *
 * The caller initializes it with quic_ack_result_init(), then owns every
 * record on both lists: it releases what the packets carried (@priv),
 * queues the frames of lost packets again, and frees the records.
 */
struct quic_ack_result {
	struct list_head acked;
	struct list_head lost;
	u32 nacked;
	u32 nlost;
	u64 acked_bytes;
	u64 lost_bytes;
	u64 largest_lost_time;
	bool rtt_sampled;
	bool ack_eliciting_acked;
};

/**
 * struct quic_pnspace - one packet number space (Initial, Handshake or
 *	Application Data)
 * @recv: received packet numbers, disjoint and non-adjacent, descending
 *	(recv[0] holds the largest), as quic_frame_encode() wants them
 * @nrecv: ranges in @recv
 * @recv_floor: packet numbers below it are no longer tracked (their range
 *	was dropped) and are refused as possible duplicates (13.2.3)
 * @largest_recv_time: when the largest received packet arrived
 * @largest_ae_recv: largest ack-eliciting packet number received, or -1
 * @max_ack_delay: our max_ack_delay for this space, us: 0 for Initial and
 *	Handshake (acknowledged immediately, 13.2.1)
 * @ae_unacked: ack-eliciting packets received since the last ACK was sent
 * @ack_deadline: time by which an ACK must be sent, 0 if none is owed
 * @ack_immediate: an ACK should be sent without delay
 * @ack_pending: packets were received since the last ACK (an ACK may be
 *	bundled with other frames; alone it is only due when @ae_unacked)
 * @ack_copies: further copies of the owed ACK frame to send, each in a
 *	datagram of its own (a server's Initial and Handshake ACKs until its
 *	handshake is done, see quic_rcv_packet())
 * @gap_pinged: 1 + the top of the second range when an ACK-only packet
 *	last asked for an acknowledgment (quic_pnspace_gap_ping()), 0 never
 * @next_pn: next packet number to send
 * @largest_acked: largest packet number the peer acknowledged, or -1
 * @sent: outstanding sent packets (struct quic_sent_pkt), ascending
 * @nsent: records on @sent
 * @bytes_in_flight: bytes of the in-flight packets on @sent
 * @ae_in_flight: ack-eliciting in-flight packets on @sent
 * @last_ae_sent_time: when the last ack-eliciting packet was sent
 * @loss_time: earliest time a packet on @sent will be lost by the time
 *	threshold (the loss timer of RFC 9002 6.1.2), 0 if none
 */
struct quic_pnspace {
	struct quic_ack_range recv[QUIC_PN_ACK_RANGES_MAX];
	u32 nrecv;
	u64 recv_floor;
	u64 largest_recv_time;
	s64 largest_ae_recv;
	u32 max_ack_delay;
	u32 ae_unacked;
	u64 ack_deadline;
	bool ack_immediate;
	bool ack_pending;
	u8 ack_copies;
	u64 gap_pinged;

	u64 next_pn;
	s64 largest_acked;
	struct list_head sent;
	u32 nsent;
	u64 bytes_in_flight;
	u32 ae_in_flight;
	u64 last_ae_sent_time;
	u64 loss_time;
};

void quic_pnspace_init(struct quic_pnspace *s, u32 max_ack_delay);
void quic_pnspace_discard(struct quic_pnspace *s, struct list_head *out);

/* receive side */
int quic_pnspace_check(const struct quic_pnspace *s, u64 pn);
int quic_pnspace_recv(struct quic_pnspace *s, u64 pn, bool ack_eliciting,
		      u64 now);
void quic_pnspace_ack_now(struct quic_pnspace *s);
bool quic_pnspace_ack_due(const struct quic_pnspace *s, u64 now);
int quic_pnspace_ack_frame(const struct quic_pnspace *s, u64 now,
			   u8 ack_delay_exponent, struct quic_frame *f);
void quic_pnspace_ack_sent(struct quic_pnspace *s);
bool quic_pnspace_gap_ping(struct quic_pnspace *s);

/* send side */
int quic_pnspace_next_pn(struct quic_pnspace *s, u64 *pn);
int quic_pnspace_sent(struct quic_pnspace *s, struct quic_sent_pkt *pkt,
		      u64 now);
void quic_ack_result_init(struct quic_ack_result *res);
int quic_pnspace_on_ack(struct quic_pnspace *s,
			const struct quic_frame_ack *ack, u64 ack_delay,
			u64 now, struct quic_rtt *rtt,
			struct quic_ack_result *res, u64 *errcode);
void quic_pnspace_detect_lost(struct quic_pnspace *s, u64 now,
			      const struct quic_rtt *rtt,
			      struct quic_ack_result *res);
u64 quic_pnspace_pto_time(const struct quic_pnspace *s,
			  const struct quic_rtt *rtt, u32 pto_count,
			  bool app_data);

#endif /* __QUIC_PNSPACE_H__ */
