/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QUIC frames (RFC 9000 19, RFC 9221 4): types, codecs, packet type table. */

#ifndef __QUIC_FRAME_H__
#define __QUIC_FRAME_H__

#include "varint.h"
#include "header.h"
#include "include/uapi/linux/quic.h"

enum quic_frame_type {
	QUIC_FRAME_PADDING		= 0x00,
	QUIC_FRAME_PING			= 0x01,
	QUIC_FRAME_ACK			= 0x02,
	QUIC_FRAME_ACK_ECN		= 0x03,
	QUIC_FRAME_RESET_STREAM		= 0x04,
	QUIC_FRAME_STOP_SENDING		= 0x05,
	QUIC_FRAME_CRYPTO		= 0x06,
	QUIC_FRAME_NEW_TOKEN		= 0x07,
	QUIC_FRAME_STREAM		= 0x08,	/* 0x08..0x0f */
	QUIC_FRAME_MAX_DATA		= 0x10,
	QUIC_FRAME_MAX_STREAM_DATA	= 0x11,
	QUIC_FRAME_MAX_STREAMS_BIDI	= 0x12,
	QUIC_FRAME_MAX_STREAMS_UNI	= 0x13,
	QUIC_FRAME_DATA_BLOCKED		= 0x14,
	QUIC_FRAME_STREAM_DATA_BLOCKED	= 0x15,
	QUIC_FRAME_STREAMS_BLOCKED_BIDI	= 0x16,
	QUIC_FRAME_STREAMS_BLOCKED_UNI	= 0x17,
	QUIC_FRAME_NEW_CONNECTION_ID	= 0x18,
	QUIC_FRAME_RETIRE_CONNECTION_ID	= 0x19,
	QUIC_FRAME_PATH_CHALLENGE	= 0x1a,
	QUIC_FRAME_PATH_RESPONSE	= 0x1b,
	QUIC_FRAME_CONNECTION_CLOSE	= 0x1c,	/* transport error */
	QUIC_FRAME_CONNECTION_CLOSE_APP	= 0x1d,	/* application error */
	QUIC_FRAME_HANDSHAKE_DONE	= 0x1e,
	QUIC_FRAME_DATAGRAM		= 0x30,	/* RFC 9221, to the end */
	QUIC_FRAME_DATAGRAM_LEN		= 0x31,	/* RFC 9221, with Length */
};

/* STREAM type bits */
#define QUIC_STREAM_BIT_FIN		0x01
#define QUIC_STREAM_BIT_LEN		0x02
#define QUIC_STREAM_BIT_OFF		0x04
#define QUIC_STREAM_TYPE_IS(t)		(((t) & ~7ULL) == QUIC_FRAME_STREAM)

#define QUIC_PATH_DATA_LEN		8

/* an acknowledged packet number range, inclusive: start <= end */
struct quic_ack_range {
	u64 start;
	u64 end;
};

/**
 * struct quic_frame_ack - ACK (0x02) and ACK_ECN (0x03)
 * @largest: largest acknowledged (decode; encode derives it from ranges[0])
 * @delay: ACK Delay as on the wire: the caller scales it by
 *	2^ack_delay_exponent microseconds
 * @ect0: ECT(0) count (ACK_ECN only)
 * @ect1: ECT(1) count (ACK_ECN only)
 * @ce: ECN-CE count (ACK_ECN only)
 * @ranges: encode: the ranges to send, descending and disjoint (a gap of at
 *	least one packet number between them), ranges[0] holds the largest
 * @nranges: encode: number of @ranges, at least 1
 * @first_range: decode: First ACK Range
 * @range_count: decode: ACK Range Count (pairs after the first range)
 * @raw: decode: the encoded Gap/ACK Range Length pairs, already validated;
 *	walk them with quic_ack_iter_*() or copy them with quic_ack_ranges()
 * @raw_len: decode: bytes at @raw
 */
struct quic_frame_ack {
	u64 largest;
	u64 delay;
	u64 ect0;
	u64 ect1;
	u64 ce;
	const struct quic_ack_range *ranges;
	u32 nranges;
	u64 first_range;
	u64 range_count;
	const u8 *raw;
	size_t raw_len;
};

/**
 * struct quic_frame - one frame
 * @type: frame type (enum quic_frame_type; STREAM: 0x08..0x0f as on the
 *	wire; on encode the STREAM bits are derived from the fields)
 *
 * Variable-length data (@data, @token, @reason, @cid, @token of
 * NEW_CONNECTION_ID) is referenced, not copied: after decode it points into
 * the packet buffer, for encode it points at the caller's data.
 */
struct quic_frame {
	u64 type;
	union {
		struct {
			size_t len;	/* run of PADDING bytes (decode) */
		} padding;
		struct quic_frame_ack ack;
		struct {
			u64 stream_id;
			u64 errcode;
			u64 final_size;
		} reset_stream;
		struct {
			u64 stream_id;
			u64 errcode;
		} stop_sending;
		struct {
			u64 offset;
			u64 len;
			const u8 *data;
		} crypto;
		struct {
			u64 len;
			const u8 *token;
		} new_token;
		struct {
			u64 stream_id;
			u64 offset;
			u64 len;
			const u8 *data;
			bool fin;
			bool has_len;	/* encode: send a Length field */
		} stream;
		struct {
			u64 max;	/* MAX_DATA, MAX_STREAMS_* */
		} max;
		struct {
			u64 stream_id;
			u64 max;
		} max_stream_data;
		struct {
			u64 limit;	/* DATA_BLOCKED, STREAMS_BLOCKED_* */
		} blocked;
		struct {
			u64 stream_id;
			u64 limit;
		} stream_data_blocked;
		struct {
			u64 seq;
			u64 retire_prior_to;
			u8 cid_len;
			const u8 *cid;
			const u8 *token;	/* 16 bytes */
		} new_cid;
		struct {
			u64 seq;
		} retire_cid;
		struct {
			u8 data[QUIC_PATH_DATA_LEN];
		} path;		/* PATH_CHALLENGE, PATH_RESPONSE */
		struct {
			u64 errcode;
			u64 frame_type;	/* 0x1c only */
			u64 reason_len;
			const u8 *reason;
		} close;
		struct {
			u64 len;
			const u8 *data;
			bool has_len;	/* type 0x31 */
		} datagram;
	};
};

/* iterate the ranges of a decoded ACK frame, largest first */
struct quic_ack_iter {
	struct quic_rcur cur;
	u64 left;	/* ranges not returned yet */
	u64 next_end;	/* end of the next range (when left < count + 1) */
	bool first;
	const struct quic_frame_ack *ack;
};

int quic_frame_decode(const u8 *buf, size_t len, struct quic_frame *f);
int quic_frame_encode(u8 *buf, size_t len, const struct quic_frame *f);
int quic_frame_encode_stream_head(u8 *buf, size_t len,
				  const struct quic_frame *f);
int quic_frame_len(const struct quic_frame *f);

void quic_ack_iter_init(struct quic_ack_iter *it,
			const struct quic_frame_ack *ack);
bool quic_ack_iter_next(struct quic_ack_iter *it, struct quic_ack_range *r);
u32 quic_ack_ranges(const struct quic_frame_ack *ack,
		    struct quic_ack_range *out, u32 max);

/* frame properties, RFC 9000 12.4 table 3 and RFC 9221 */
#define QUIC_FRAME_F_NOT_ACK_ELICITING	0x01	/* N */
#define QUIC_FRAME_F_NOT_IN_FLIGHT	0x02	/* C */
#define QUIC_FRAME_F_PROBING		0x04	/* P */
#define QUIC_FRAME_F_FLOW_CONTROLLED	0x08	/* F */

bool quic_frame_type_known(u64 type);
bool quic_frame_allowed(u64 type, u8 pkt_type);
int quic_frame_check_allowed(u64 type, u8 pkt_type);
u8 quic_frame_flags(u64 type);
bool quic_frame_ack_eliciting(u64 type);

#endif /* __QUIC_FRAME_H__ */
