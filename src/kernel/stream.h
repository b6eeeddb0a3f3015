/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Streams (RFC 9000 2-4): the table of a connection's streams, their data
 * in both directions and stream- and connection-level flow control.
 */

#ifndef __QUIC_STREAM_H__
#define __QUIC_STREAM_H__

#include <linux/list.h>
#include <linux/uio.h>
#include "cstream.h"
#include "frame.h"

#define QUIC_STREAM_HASH_BITS	6
/* queued and unacknowledged per stream; SO_SNDBUF bounds them all */
#define QUIC_STREAM_SEND_LIMIT	(64 * 1024 * 1024)

/**
 * struct quic_stream - one stream
 * @node: in the table's hash
 * @send_node: on the table's send list while it has something to send
 * @id: stream ID
 * @data: received data (reassembly, bounded by flow control) and queued
 *	data with its acknowledgment state; the CRYPTO stream code serves
 *	both
 * @recv_max: the limit we announced (MAX_STREAM_DATA / initial)
 * @recv_window: how far past the read offset the limit is kept
 * @recv_highest: highest offset received
 * @recv_final: final size, U64_MAX until known
 * @send_max: the peer's limit for our data
 * @fin_read: the reader got the end of the stream
 * @send_fin: the application ended the stream
 * @fin_sent: FIN went out (in a packet not yet known lost)
 * @fin_acked: FIN was acknowledged
 * @max_data_send: a MAX_STREAM_DATA frame is due
 * @reset: the send side was reset (by the application, or after the
 *	peer's STOP_SENDING): nothing more is sent but RESET_STREAM
 * @reset_due: a RESET_STREAM frame is to be (re)sent
 * @reset_acked: the peer acknowledged the RESET_STREAM
 * @stop_due: a STOP_SENDING frame is to be (re)sent
 * @recv_reset: the peer reset its side (RESET_STREAM received)
 * @reset_errcode: application error code of our RESET_STREAM
 * @stop_errcode: application error code of our STOP_SENDING
 * @blocked_at: the send limit a STREAM_DATA_BLOCKED was sent for
 * @window_time: when @recv_max last moved (receive window auto-tuning)
 */
struct quic_stream {
	struct hlist_node node;
	struct list_head send_node;
	s64 id;
	struct quic_cstream data;
	u64 recv_max;
	u64 recv_window;
	u64 recv_highest;
	u64 recv_final;
	u64 send_max;
	u8 fin_read:1;
	u8 send_fin:1;
	u8 fin_sent:1;
	u8 fin_acked:1;
	u8 max_data_send:1;
	u8 reset:1;
	u8 reset_due:1;
	u8 reset_acked:1;
	u8 stop_due:1;
	u8 recv_reset:1;
	u32 reset_errcode;
	u32 stop_errcode;
	u64 blocked_at;
	u64 window_time;
};

/**
 * struct quic_stream_table - a connection's streams
 * @hash: streams by ID
 * @send: streams with data, a FIN or a MAX_STREAM_DATA to send
 * @count: streams in @hash
 * @server: we are the server (our stream IDs have the server bit)
 * @next_bidi: next bidirectional stream count we open (ID >> 2)
 * @next_uni: next unidirectional stream count we open
 * @max_bidi: bidirectional streams the peer lets us open
 * @max_uni: unidirectional streams the peer lets us open
 * @peer_bidi: bidirectional streams the peer may open (our limit)
 * @peer_uni: unidirectional streams the peer may open
 * @last: the stream last opened or used by the application, or -1
 * @recv_max: MAX_DATA we announced
 * @recv_window: connection receive window
 * @recv_sum: sum of the highest offsets received on all streams
 * @read_sum: bytes the application read
 * @send_max: the peer's MAX_DATA
 * @send_sum: bytes of new stream data sent
 * @peer_opened_bidi: bidirectional streams the peer opened so far
 * @peer_opened_uni: unidirectional streams the peer opened so far
 * @max_data_send: a MAX_DATA frame is due
 * @peer_closed_bidi: the peer's bidirectional streams freed since the
 *	last MAX_STREAMS_BIDI raised @peer_bidi
 * @peer_closed_uni: the same for unidirectional streams
 * @max_streams_send: MAX_STREAMS frames due, bit 0 bidi, bit 1 uni
 * @streams_blocked_send: STREAMS_BLOCKED frames due, bit 0 bidi, bit 1 uni
 * @data_blocked_send: a DATA_BLOCKED frame is due
 * @data_blocked_at: the limit the last DATA_BLOCKED was sent for
 * @limited: QUIC_LIMITED_* bits: a limit of the peer held new stream data
 *	back since the last MAX_DATA / MAX_STREAM_DATA (for /proc)
 * @window_ceiling: how far auto-tuning may grow the receive windows
 * @window_time: when @recv_max last moved
 * @rmem: account of received data
 * @wmem: account of queued data
 * @local: our transport parameters (stream windows)
 * @remote: the peer's transport parameters (its windows for our data)
 */
#define QUIC_LIMITED_DATA	0x1	/* the connection limit, MAX_DATA */
#define QUIC_LIMITED_STREAM	0x2	/* a stream limit, MAX_STREAM_DATA */

struct quic_stream_table {
	struct hlist_head hash[1 << QUIC_STREAM_HASH_BITS];
	struct list_head send;
	u32 count;
	bool server;
	u64 next_bidi;
	u64 next_uni;
	u64 max_bidi;
	u64 max_uni;
	u64 peer_bidi;
	u64 peer_uni;
	s64 last;
	u64 recv_max;
	u64 recv_window;
	u64 recv_sum;
	u64 read_sum;
	u64 send_max;
	u64 send_sum;
	u64 peer_opened_bidi;
	u64 peer_opened_uni;
	bool max_data_send;
	u64 peer_closed_bidi;
	u64 peer_closed_uni;
	u8 max_streams_send;
	u8 streams_blocked_send;
	bool data_blocked_send;
	u64 data_blocked_at;
	u8 limited;
	u64 window_ceiling;
	u64 window_time;
	struct quic_mem *rmem;
	struct quic_mem *wmem;
	const struct quic_transport_param *local;
	const struct quic_transport_param *remote;
};

void quic_streams_init(struct quic_stream_table *t, bool server,
		       const struct quic_transport_param *local,
		       const struct quic_transport_param *remote,
		       struct quic_mem *rmem, struct quic_mem *wmem);
void quic_streams_set_remote(struct quic_stream_table *t);
void quic_streams_rewind(struct quic_stream_table *t);
void quic_streams_free(struct quic_stream_table *t);

struct quic_stream *quic_stream_find(struct quic_stream_table *t, s64 id);
struct quic_stream *quic_stream_open(struct quic_stream_table *t, s64 id,
				     u32 flags, gfp_t gfp);
int quic_stream_send_id(struct quic_stream_table *t, s64 id, u32 flags,
			s64 *out);

int quic_stream_recv_frame(struct quic_stream_table *t,
			   const struct quic_frame *f,
			   struct quic_cstream_rbuf *rb, u64 *errcode);
struct quic_stream *quic_stream_reset_frame(struct quic_stream_table *t,
					    const struct quic_frame *f,
					    bool notify, u64 *errcode);
struct quic_stream *quic_stream_stop_frame(struct quic_stream_table *t,
					   const struct quic_frame *f,
					   u64 *errcode);
int quic_stream_reset(struct quic_stream_table *t, s64 id, u32 errcode);
int quic_stream_stop_sending(struct quic_stream_table *t, s64 id,
			     u32 errcode);
bool quic_stream_open_blocked(struct quic_stream_table *t, s64 id);
void quic_stream_max_data_frame(struct quic_stream_table *t,
				const struct quic_frame *f);
struct quic_stream *quic_stream_readable(struct quic_stream_table *t);
void quic_stream_consumed(struct quic_stream_table *t, struct quic_stream *s,
			  u64 n, u64 now, u64 srtt);

int quic_stream_queue(struct quic_stream_table *t, struct quic_stream *s,
		      u32 len, quic_cstream_copy_t copy, void *arg, bool fin);
bool quic_stream_send_pending(const struct quic_stream_table *t);
bool quic_stream_send_small(const struct quic_stream_table *t, u64 small);
struct quic_stream *quic_stream_next_frame(struct quic_stream_table *t,
					   size_t room, struct quic_frame *f);
void quic_stream_on_acked(struct quic_stream_table *t, s64 id, u64 off,
			  u64 len, bool fin);
void quic_stream_blocked_lost(struct quic_stream_table *t, s64 id, u64 limit);
void quic_stream_on_lost(struct quic_stream_table *t, s64 id, u64 off,
			 u64 len, bool fin);
void quic_stream_on_ctrl(struct quic_stream_table *t, s64 id, bool reset,
			 bool lost);
void quic_stream_try_free(struct quic_stream_table *t, struct quic_stream *s);

#endif /* __QUIC_STREAM_H__ */
