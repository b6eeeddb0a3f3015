// SPDX-License-Identifier: GPL-2.0-or-later
/* QUIC frame encoding, decoding and the frame/packet type table. */

#include "frame.h"

#define QUIC_FRAME_ERR	(-QUIC_TRANSPORT_ERROR_FRAME_ENCODING)

#define QF_I	BIT(QUIC_PKT_INITIAL)
#define QF_H	BIT(QUIC_PKT_HANDSHAKE)
#define QF_0	BIT(QUIC_PKT_0RTT)
#define QF_1	BIT(QUIC_PKT_1RTT)

#define QF_N	QUIC_FRAME_F_NOT_ACK_ELICITING
#define QF_C	QUIC_FRAME_F_NOT_IN_FLIGHT
#define QF_P	QUIC_FRAME_F_PROBING
#define QF_F	QUIC_FRAME_F_FLOW_CONTROLLED

struct quic_frame_info {
	u8 pkts;	/* packet types that may carry it */
	u8 flags;	/* QUIC_FRAME_F_* */
};

/* RFC 9000 12.4 table 3 */
static const struct quic_frame_info quic_frame_table[] = {
	[QUIC_FRAME_PADDING]	= { QF_I | QF_H | QF_0 | QF_1, QF_N | QF_P },
	[QUIC_FRAME_PING]	= { QF_I | QF_H | QF_0 | QF_1, 0 },
	[QUIC_FRAME_ACK]	= { QF_I | QF_H | QF_1, QF_N | QF_C },
	[QUIC_FRAME_ACK_ECN]	= { QF_I | QF_H | QF_1, QF_N | QF_C },
	[QUIC_FRAME_RESET_STREAM]	= { QF_0 | QF_1, 0 },
	[QUIC_FRAME_STOP_SENDING]	= { QF_0 | QF_1, 0 },
	[QUIC_FRAME_CRYPTO]	= { QF_I | QF_H | QF_1, 0 },
	[QUIC_FRAME_NEW_TOKEN]	= { QF_1, 0 },
	[0x08 ... 0x0f]		= { QF_0 | QF_1, QF_F },
	[QUIC_FRAME_MAX_DATA]	= { QF_0 | QF_1, 0 },
	[QUIC_FRAME_MAX_STREAM_DATA]	= { QF_0 | QF_1, 0 },
	[QUIC_FRAME_MAX_STREAMS_BIDI]	= { QF_0 | QF_1, 0 },
	[QUIC_FRAME_MAX_STREAMS_UNI]	= { QF_0 | QF_1, 0 },
	[QUIC_FRAME_DATA_BLOCKED]	= { QF_0 | QF_1, 0 },
	[QUIC_FRAME_STREAM_DATA_BLOCKED] = { QF_0 | QF_1, 0 },
	[QUIC_FRAME_STREAMS_BLOCKED_BIDI] = { QF_0 | QF_1, 0 },
	[QUIC_FRAME_STREAMS_BLOCKED_UNI] = { QF_0 | QF_1, 0 },
	[QUIC_FRAME_NEW_CONNECTION_ID]	= { QF_0 | QF_1, QF_P },
	[QUIC_FRAME_RETIRE_CONNECTION_ID] = { QF_0 | QF_1, 0 },
	[QUIC_FRAME_PATH_CHALLENGE]	= { QF_0 | QF_1, QF_P },
	[QUIC_FRAME_PATH_RESPONSE]	= { QF_1, QF_P },
	/* "ih01": only the transport close (0x1c) in Initial/Handshake */
	[QUIC_FRAME_CONNECTION_CLOSE]	= { QF_I | QF_H | QF_0 | QF_1, QF_N },
	[QUIC_FRAME_CONNECTION_CLOSE_APP] = { QF_0 | QF_1, QF_N },
	[QUIC_FRAME_HANDSHAKE_DONE]	= { QF_1, 0 },
};

/* RFC 9221 4: 0-RTT and 1-RTT only, ack-eliciting, not flow controlled */
static const struct quic_frame_info quic_frame_datagram = { QF_0 | QF_1, 0 };

static const struct quic_frame_info *quic_frame_info(u64 type)
{
	if (type < ARRAY_SIZE(quic_frame_table))
		return &quic_frame_table[type];
	if (type == QUIC_FRAME_DATAGRAM || type == QUIC_FRAME_DATAGRAM_LEN)
		return &quic_frame_datagram;
	return NULL;
}

/**
 * quic_frame_type_known - is @type a frame type this codec handles
 * @type: frame type
 *
 * Return: true for 0x00..0x1e, 0x30 and 0x31.
 */
bool quic_frame_type_known(u64 type)
{
	return quic_frame_info(type);
}

/**
 * quic_frame_allowed - may a packet of @pkt_type carry a frame of @type
 * @type: frame type
 * @pkt_type: QUIC_PKT_INITIAL, _0RTT, _HANDSHAKE or _1RTT
 *
 * Return: true if allowed by RFC 9000 table 3 (RFC 9221 for DATAGRAM).
 */
bool quic_frame_allowed(u64 type, u8 pkt_type)
{
	const struct quic_frame_info *fi = quic_frame_info(type);

	if (!fi || pkt_type >= 8)
		return false;
	return fi->pkts & BIT(pkt_type);
}

/**
 * quic_frame_check_allowed - quic_frame_allowed() as an error code
 * @type: frame type
 * @pkt_type: packet type the frame came in
 *
 * Return: 0, or -QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION (RFC 9000 12.4).
 */
int quic_frame_check_allowed(u64 type, u8 pkt_type)
{
	return quic_frame_allowed(type, pkt_type) ? 0 :
		-QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
}

/**
 * quic_frame_flags - properties of a frame type
 * @type: frame type
 *
 * Return: QUIC_FRAME_F_* bits (N, C, P, F of RFC 9000 table 3); 0 for an
 * unknown type.
 */
u8 quic_frame_flags(u64 type)
{
	const struct quic_frame_info *fi = quic_frame_info(type);

	return fi ? fi->flags : 0;
}

/**
 * quic_frame_ack_eliciting - does a frame of @type elicit an ACK
 * @type: frame type
 *
 * Return: false for PADDING, ACK, ACK_ECN and CONNECTION_CLOSE.
 */
bool quic_frame_ack_eliciting(u64 type)
{
	return quic_frame_type_known(type) &&
		!(quic_frame_flags(type) & QUIC_FRAME_F_NOT_ACK_ELICITING);
}

static int quic_frame_decode_ack(struct quic_rcur *c, struct quic_frame *f)
{
	struct quic_frame_ack *ack = &f->ack;
	u64 smallest, gap, len, i;

	if (!quic_rcur_varint(c, &ack->largest) ||
	    !quic_rcur_varint(c, &ack->delay) ||
	    !quic_rcur_varint(c, &ack->range_count) ||
	    !quic_rcur_varint(c, &ack->first_range))
		return QUIC_FRAME_ERR;
	if (ack->first_range > ack->largest)
		return QUIC_FRAME_ERR;
	smallest = ack->largest - ack->first_range;
	ack->raw = c->p;
	/* bounded by the buffer: each pair takes at least two bytes */
	for (i = 0; i < ack->range_count; i++) {
		if (!quic_rcur_varint(c, &gap) || !quic_rcur_varint(c, &len))
			return QUIC_FRAME_ERR;
		if (smallest < gap + 2)
			return QUIC_FRAME_ERR;
		smallest -= gap + 2;
		if (len > smallest)
			return QUIC_FRAME_ERR;
		smallest -= len;
	}
	ack->raw_len = c->p - ack->raw;
	if (f->type == QUIC_FRAME_ACK_ECN &&
	    (!quic_rcur_varint(c, &ack->ect0) ||
	     !quic_rcur_varint(c, &ack->ect1) ||
	     !quic_rcur_varint(c, &ack->ce)))
		return QUIC_FRAME_ERR;
	return 0;
}

static int quic_frame_decode_stream(struct quic_rcur *c, struct quic_frame *f)
{
	u64 t = f->type;

	if (!quic_rcur_varint(c, &f->stream.stream_id))
		return QUIC_FRAME_ERR;
	if ((t & QUIC_STREAM_BIT_OFF) && !quic_rcur_varint(c, &f->stream.offset))
		return QUIC_FRAME_ERR;
	f->stream.has_len = !!(t & QUIC_STREAM_BIT_LEN);
	f->stream.fin = !!(t & QUIC_STREAM_BIT_FIN);
	if (f->stream.has_len) {
		if (!quic_rcur_varint(c, &f->stream.len))
			return QUIC_FRAME_ERR;
	} else {
		f->stream.len = c->left;
	}
	if (!quic_rcur_bytes(c, f->stream.len, &f->stream.data))
		return QUIC_FRAME_ERR;
	/* RFC 9000 19.8: the final offset cannot exceed 2^62-1 */
	if (f->stream.len > QUIC_VARINT_MAX - f->stream.offset)
		return QUIC_FRAME_ERR;
	return 0;
}

static int quic_frame_decode_body(struct quic_rcur *c, struct quic_frame *f)
{
	u64 v;

	switch (f->type) {
	case QUIC_FRAME_PADDING:
		/* a run of PADDING is one frame */
		f->padding.len = 1;
		while (c->left && !*c->p) {
			c->p++;
			c->left--;
			f->padding.len++;
		}
		return 0;
	case QUIC_FRAME_PING:
	case QUIC_FRAME_HANDSHAKE_DONE:
		return 0;
	case QUIC_FRAME_ACK:
	case QUIC_FRAME_ACK_ECN:
		return quic_frame_decode_ack(c, f);
	case QUIC_FRAME_RESET_STREAM:
		if (!quic_rcur_varint(c, &f->reset_stream.stream_id) ||
		    !quic_rcur_varint(c, &f->reset_stream.errcode) ||
		    !quic_rcur_varint(c, &f->reset_stream.final_size))
			return QUIC_FRAME_ERR;
		return 0;
	case QUIC_FRAME_STOP_SENDING:
		if (!quic_rcur_varint(c, &f->stop_sending.stream_id) ||
		    !quic_rcur_varint(c, &f->stop_sending.errcode))
			return QUIC_FRAME_ERR;
		return 0;
	case QUIC_FRAME_CRYPTO:
		if (!quic_rcur_varint(c, &f->crypto.offset) ||
		    !quic_rcur_varint(c, &f->crypto.len) ||
		    !quic_rcur_bytes(c, f->crypto.len, &f->crypto.data))
			return QUIC_FRAME_ERR;
		if (f->crypto.len > QUIC_VARINT_MAX - f->crypto.offset)
			return QUIC_FRAME_ERR;
		return 0;
	case QUIC_FRAME_NEW_TOKEN:
		if (!quic_rcur_varint(c, &f->new_token.len) ||
		    !f->new_token.len ||
		    !quic_rcur_bytes(c, f->new_token.len, &f->new_token.token))
			return QUIC_FRAME_ERR;
		return 0;
	case QUIC_FRAME_MAX_DATA:
		return quic_rcur_varint(c, &f->max.max) ? 0 : QUIC_FRAME_ERR;
	case QUIC_FRAME_MAX_STREAMS_BIDI:
	case QUIC_FRAME_MAX_STREAMS_UNI:
		if (!quic_rcur_varint(c, &f->max.max) ||
		    f->max.max > QUIC_MAX_STREAMS_LIMIT)
			return QUIC_FRAME_ERR;
		return 0;
	case QUIC_FRAME_MAX_STREAM_DATA:
		if (!quic_rcur_varint(c, &f->max_stream_data.stream_id) ||
		    !quic_rcur_varint(c, &f->max_stream_data.max))
			return QUIC_FRAME_ERR;
		return 0;
	case QUIC_FRAME_DATA_BLOCKED:
		return quic_rcur_varint(c, &f->blocked.limit) ?
			0 : QUIC_FRAME_ERR;
	case QUIC_FRAME_STREAMS_BLOCKED_BIDI:
	case QUIC_FRAME_STREAMS_BLOCKED_UNI:
		if (!quic_rcur_varint(c, &f->blocked.limit) ||
		    f->blocked.limit > QUIC_MAX_STREAMS_LIMIT)
			return QUIC_FRAME_ERR;
		return 0;
	case QUIC_FRAME_STREAM_DATA_BLOCKED:
		if (!quic_rcur_varint(c, &f->stream_data_blocked.stream_id) ||
		    !quic_rcur_varint(c, &f->stream_data_blocked.limit))
			return QUIC_FRAME_ERR;
		return 0;
	case QUIC_FRAME_NEW_CONNECTION_ID:
		if (!quic_rcur_varint(c, &f->new_cid.seq) ||
		    !quic_rcur_varint(c, &f->new_cid.retire_prior_to) ||
		    !quic_rcur_u8(c, &f->new_cid.cid_len) ||
		    !f->new_cid.cid_len ||
		    f->new_cid.cid_len > QUIC_CID_MAX_LEN ||
		    f->new_cid.retire_prior_to > f->new_cid.seq ||
		    !quic_rcur_bytes(c, f->new_cid.cid_len, &f->new_cid.cid) ||
		    !quic_rcur_bytes(c, QUIC_STATELESS_RESET_TOKEN_LEN,
				     &f->new_cid.token))
			return QUIC_FRAME_ERR;
		return 0;
	case QUIC_FRAME_RETIRE_CONNECTION_ID:
		return quic_rcur_varint(c, &f->retire_cid.seq) ?
			0 : QUIC_FRAME_ERR;
	case QUIC_FRAME_PATH_CHALLENGE:
	case QUIC_FRAME_PATH_RESPONSE:
		return quic_rcur_copy(c, f->path.data, QUIC_PATH_DATA_LEN) ?
			0 : QUIC_FRAME_ERR;
	case QUIC_FRAME_CONNECTION_CLOSE:
	case QUIC_FRAME_CONNECTION_CLOSE_APP:
		if (!quic_rcur_varint(c, &f->close.errcode))
			return QUIC_FRAME_ERR;
		if (f->type == QUIC_FRAME_CONNECTION_CLOSE &&
		    !quic_rcur_varint(c, &f->close.frame_type))
			return QUIC_FRAME_ERR;
		if (!quic_rcur_varint(c, &f->close.reason_len) ||
		    !quic_rcur_bytes(c, f->close.reason_len, &f->close.reason))
			return QUIC_FRAME_ERR;
		return 0;
	case QUIC_FRAME_DATAGRAM:
	case QUIC_FRAME_DATAGRAM_LEN:
		f->datagram.has_len = f->type == QUIC_FRAME_DATAGRAM_LEN;
		if (f->datagram.has_len) {
			if (!quic_rcur_varint(c, &v))
				return QUIC_FRAME_ERR;
		} else {
			v = c->left;
		}
		f->datagram.len = v;
		return quic_rcur_bytes(c, v, &f->datagram.data) ?
			0 : QUIC_FRAME_ERR;
	default:
		return quic_frame_decode_stream(c, f);
	}
}

/**
 * quic_frame_decode - decode one frame
 * @buf: start of the frame inside a decrypted packet payload
 * @len: bytes to the end of the payload
 * @f: output; data pointers point into @buf
 *
 * A run of PADDING bytes decodes as one PADDING frame (f->padding.len).
 * The packet type check is separate: quic_frame_check_allowed().
 *
 * Return: bytes consumed (> 0), or a negative transport error:
 * -QUIC_TRANSPORT_ERROR_FRAME_ENCODING for an unknown type, a truncated
 * frame or an invalid field (RFC 9000 19), and
 * -QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION for a frame type that is not
 * minimally encoded (RFC 9000 12.4).
 */
int quic_frame_decode(const u8 *buf, size_t len, struct quic_frame *f)
{
	struct quic_rcur c;
	unsigned int n;
	int err;

	memset(f, 0, sizeof(*f));
	quic_rcur_init(&c, buf, len);
	if (!quic_rcur_varint_n(&c, &f->type, &n))
		return QUIC_FRAME_ERR;
	if (!quic_frame_type_known(f->type))
		return QUIC_FRAME_ERR;
	if (n != quic_varint_len(f->type))
		return -QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION;
	err = quic_frame_decode_body(&c, f);
	if (err)
		return err;
	return len - c.left;
}

static void quic_frame_encode_ack(struct quic_wcur *w,
				  const struct quic_frame *f)
{
	const struct quic_frame_ack *ack = &f->ack;
	const struct quic_ack_range *r = ack->ranges;
	u64 prev;
	u32 i;

	if (!ack->nranges || !r || r[0].start > r[0].end) {
		quic_wcur_fail(w, -EINVAL);
		return;
	}
	quic_wcur_varint(w, f->type);
	quic_wcur_varint(w, r[0].end);
	quic_wcur_varint(w, ack->delay);
	quic_wcur_varint(w, ack->nranges - 1);
	quic_wcur_varint(w, r[0].end - r[0].start);
	prev = r[0].start;
	for (i = 1; i < ack->nranges; i++) {
		if (r[i].start > r[i].end || prev < 2 ||
		    r[i].end > prev - 2) {
			quic_wcur_fail(w, -EINVAL);
			return;
		}
		quic_wcur_varint(w, prev - r[i].end - 2);
		quic_wcur_varint(w, r[i].end - r[i].start);
		prev = r[i].start;
	}
	if (f->type == QUIC_FRAME_ACK_ECN) {
		quic_wcur_varint(w, ack->ect0);
		quic_wcur_varint(w, ack->ect1);
		quic_wcur_varint(w, ack->ce);
	}
}

/* a STREAM frame up to its data (type, stream ID, offset, length) */
static void quic_frame_encode_stream_hdr(struct quic_wcur *w,
					 const struct quic_frame *f)
{
	u64 t = QUIC_FRAME_STREAM;

	if (f->stream.offset || (f->type & QUIC_STREAM_BIT_OFF))
		t |= QUIC_STREAM_BIT_OFF;
	if (f->stream.has_len)
		t |= QUIC_STREAM_BIT_LEN;
	if (f->stream.fin)
		t |= QUIC_STREAM_BIT_FIN;
	if (f->stream.offset > QUIC_VARINT_MAX ||
	    f->stream.len > QUIC_VARINT_MAX - f->stream.offset ||
	    (size_t)f->stream.len != f->stream.len) {
		quic_wcur_fail(w, -EINVAL);
		return;
	}
	quic_wcur_varint(w, t);
	quic_wcur_varint(w, f->stream.stream_id);
	if (t & QUIC_STREAM_BIT_OFF)
		quic_wcur_varint(w, f->stream.offset);
	if (t & QUIC_STREAM_BIT_LEN)
		quic_wcur_varint(w, f->stream.len);
}

static void quic_frame_encode_stream(struct quic_wcur *w,
				     const struct quic_frame *f)
{
	quic_frame_encode_stream_hdr(w, f);
	quic_wcur_bytes(w, f->stream.data, f->stream.len);
}

/* a varint-length-prefixed blob; @len must fit in memory */
static void quic_wcur_blob(struct quic_wcur *w, const u8 *p, u64 len)
{
	if ((size_t)len != len) {
		quic_wcur_fail(w, -EINVAL);
		return;
	}
	quic_wcur_varint(w, len);
	quic_wcur_bytes(w, p, len);
}

static void quic_frame_encode_body(struct quic_wcur *w,
				   const struct quic_frame *f)
{
	switch (f->type) {
	case QUIC_FRAME_PADDING:
	case QUIC_FRAME_PING:
	case QUIC_FRAME_HANDSHAKE_DONE:
		quic_wcur_varint(w, f->type);
		return;
	case QUIC_FRAME_ACK:
	case QUIC_FRAME_ACK_ECN:
		quic_frame_encode_ack(w, f);
		return;
	case QUIC_FRAME_RESET_STREAM:
		quic_wcur_varint(w, f->type);
		quic_wcur_varint(w, f->reset_stream.stream_id);
		quic_wcur_varint(w, f->reset_stream.errcode);
		quic_wcur_varint(w, f->reset_stream.final_size);
		return;
	case QUIC_FRAME_STOP_SENDING:
		quic_wcur_varint(w, f->type);
		quic_wcur_varint(w, f->stop_sending.stream_id);
		quic_wcur_varint(w, f->stop_sending.errcode);
		return;
	case QUIC_FRAME_CRYPTO:
		if (f->crypto.offset > QUIC_VARINT_MAX ||
		    f->crypto.len > QUIC_VARINT_MAX - f->crypto.offset) {
			quic_wcur_fail(w, -EINVAL);
			return;
		}
		quic_wcur_varint(w, f->type);
		quic_wcur_varint(w, f->crypto.offset);
		quic_wcur_blob(w, f->crypto.data, f->crypto.len);
		return;
	case QUIC_FRAME_NEW_TOKEN:
		if (!f->new_token.len) {
			quic_wcur_fail(w, -EINVAL);
			return;
		}
		quic_wcur_varint(w, f->type);
		quic_wcur_blob(w, f->new_token.token, f->new_token.len);
		return;
	case QUIC_FRAME_MAX_STREAMS_BIDI:
	case QUIC_FRAME_MAX_STREAMS_UNI:
		if (f->max.max > QUIC_MAX_STREAMS_LIMIT) {
			quic_wcur_fail(w, -EINVAL);
			return;
		}
		fallthrough;
	case QUIC_FRAME_MAX_DATA:
		quic_wcur_varint(w, f->type);
		quic_wcur_varint(w, f->max.max);
		return;
	case QUIC_FRAME_MAX_STREAM_DATA:
		quic_wcur_varint(w, f->type);
		quic_wcur_varint(w, f->max_stream_data.stream_id);
		quic_wcur_varint(w, f->max_stream_data.max);
		return;
	case QUIC_FRAME_STREAMS_BLOCKED_BIDI:
	case QUIC_FRAME_STREAMS_BLOCKED_UNI:
		if (f->blocked.limit > QUIC_MAX_STREAMS_LIMIT) {
			quic_wcur_fail(w, -EINVAL);
			return;
		}
		fallthrough;
	case QUIC_FRAME_DATA_BLOCKED:
		quic_wcur_varint(w, f->type);
		quic_wcur_varint(w, f->blocked.limit);
		return;
	case QUIC_FRAME_STREAM_DATA_BLOCKED:
		quic_wcur_varint(w, f->type);
		quic_wcur_varint(w, f->stream_data_blocked.stream_id);
		quic_wcur_varint(w, f->stream_data_blocked.limit);
		return;
	case QUIC_FRAME_NEW_CONNECTION_ID:
		if (!f->new_cid.cid_len ||
		    f->new_cid.cid_len > QUIC_CID_MAX_LEN ||
		    f->new_cid.retire_prior_to > f->new_cid.seq ||
		    !f->new_cid.cid || !f->new_cid.token) {
			quic_wcur_fail(w, -EINVAL);
			return;
		}
		quic_wcur_varint(w, f->type);
		quic_wcur_varint(w, f->new_cid.seq);
		quic_wcur_varint(w, f->new_cid.retire_prior_to);
		quic_wcur_u8(w, f->new_cid.cid_len);
		quic_wcur_bytes(w, f->new_cid.cid, f->new_cid.cid_len);
		quic_wcur_bytes(w, f->new_cid.token,
				QUIC_STATELESS_RESET_TOKEN_LEN);
		return;
	case QUIC_FRAME_RETIRE_CONNECTION_ID:
		quic_wcur_varint(w, f->type);
		quic_wcur_varint(w, f->retire_cid.seq);
		return;
	case QUIC_FRAME_PATH_CHALLENGE:
	case QUIC_FRAME_PATH_RESPONSE:
		quic_wcur_varint(w, f->type);
		quic_wcur_bytes(w, f->path.data, QUIC_PATH_DATA_LEN);
		return;
	case QUIC_FRAME_CONNECTION_CLOSE:
	case QUIC_FRAME_CONNECTION_CLOSE_APP:
		quic_wcur_varint(w, f->type);
		quic_wcur_varint(w, f->close.errcode);
		if (f->type == QUIC_FRAME_CONNECTION_CLOSE)
			quic_wcur_varint(w, f->close.frame_type);
		quic_wcur_blob(w, f->close.reason, f->close.reason_len);
		return;
	case QUIC_FRAME_DATAGRAM:
	case QUIC_FRAME_DATAGRAM_LEN:
		if ((size_t)f->datagram.len != f->datagram.len) {
			quic_wcur_fail(w, -EINVAL);
			return;
		}
		if (f->datagram.has_len) {
			quic_wcur_varint(w, QUIC_FRAME_DATAGRAM_LEN);
			quic_wcur_varint(w, f->datagram.len);
		} else {
			quic_wcur_varint(w, QUIC_FRAME_DATAGRAM);
		}
		quic_wcur_bytes(w, f->datagram.data, f->datagram.len);
		return;
	default:
		if (QUIC_STREAM_TYPE_IS(f->type))
			quic_frame_encode_stream(w, f);
		else
			quic_wcur_fail(w, -EINVAL);
	}
}

/**
 * quic_frame_encode - encode one frame
 * @buf: output, or NULL to measure
 * @len: room at @buf
 * @f: the frame. PADDING writes one byte (callers memset() longer runs).
 *	STREAM: the type bits come from offset (OFF also kept if set in
 *	@f->type), has_len and fin. DATAGRAM: 0x31 if has_len, else 0x30.
 *	ACK: ranges/nranges, not the decode-side fields.
 *
 * Return: bytes written (or needed, with @buf NULL), -ENOBUFS if @len is too
 * small, -EINVAL if a field cannot be encoded (value above 2^62-1, ranges
 * not descending, empty NEW_TOKEN, CID length not 1..20, ...).
 */
int quic_frame_encode(u8 *buf, size_t len, const struct quic_frame *f)
{
	struct quic_wcur w;

	quic_wcur_init(&w, buf, len);
	quic_frame_encode_body(&w, f);
	return quic_wcur_done(&w);
}

/**
 * quic_frame_encode_stream_head - encode a STREAM frame without its data
 * @buf: output
 * @len: room at @buf
 * @f: a STREAM frame, as for quic_frame_encode()
 *
 * For packets whose payload is gathered from the stream's queue when it
 * is encrypted: the caller leaves @f->stream.len bytes after the header.
 *
 * Return: header bytes written, -ENOBUFS or -EINVAL as quic_frame_encode().
 */
int quic_frame_encode_stream_head(u8 *buf, size_t len,
				  const struct quic_frame *f)
{
	struct quic_wcur w;

	if (!QUIC_STREAM_TYPE_IS(f->type))
		return -EINVAL;
	quic_wcur_init(&w, buf, len);
	quic_frame_encode_stream_hdr(&w, f);
	return quic_wcur_done(&w);
}

/**
 * quic_frame_len - encoded size of a frame
 * @f: the frame
 *
 * Return: bytes quic_frame_encode() would write, or -EINVAL.
 */
int quic_frame_len(const struct quic_frame *f)
{
	return quic_frame_encode(NULL, 0, f);
}

/**
 * quic_ack_iter_init - start walking the ranges of a decoded ACK frame
 * @it: iterator
 * @ack: ACK frame from quic_frame_decode() (its buffer must still exist)
 */
void quic_ack_iter_init(struct quic_ack_iter *it,
			const struct quic_frame_ack *ack)
{
	quic_rcur_init(&it->cur, ack->raw, ack->raw_len);
	it->left = ack->range_count + 1;
	it->next_end = 0;
	it->first = true;
	it->ack = ack;
}

/**
 * quic_ack_iter_next - next acknowledged range, largest first
 * @it: iterator from quic_ack_iter_init()
 * @r: output range
 *
 * Return: false when all range_count + 1 ranges were returned.
 */
bool quic_ack_iter_next(struct quic_ack_iter *it, struct quic_ack_range *r)
{
	u64 gap, len;

	if (!it->left)
		return false;
	if (it->first) {
		r->end = it->ack->largest;
		r->start = it->ack->largest - it->ack->first_range;
		it->first = false;
	} else {
		/* validated by quic_frame_decode(); re-check for safety */
		if (!quic_rcur_varint(&it->cur, &gap) ||
		    !quic_rcur_varint(&it->cur, &len) ||
		    it->next_end < gap + 2 || len > it->next_end - gap - 2) {
			it->left = 0;
			return false;
		}
		r->end = it->next_end - gap - 2;
		r->start = r->end - len;
	}
	it->next_end = r->start;
	it->left--;
	return true;
}

/**
 * quic_ack_ranges - copy the ranges of a decoded ACK frame
 * @ack: ACK frame from quic_frame_decode()
 * @out: array of at least @max ranges
 * @max: how many to copy at most (the rest, smallest packet numbers, are
 *	left out)
 *
 * Return: number of ranges copied.
 */
u32 quic_ack_ranges(const struct quic_frame_ack *ack,
		    struct quic_ack_range *out, u32 max)
{
	struct quic_ack_iter it;
	u32 n = 0;

	quic_ack_iter_init(&it, ack);
	while (n < max && quic_ack_iter_next(&it, &out[n]))
		n++;
	return n;
}
