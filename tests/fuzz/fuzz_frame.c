// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: frame decode, re-encode, re-decode over a payload. */
#include "fuzz.h"

#define MAX_RANGES 64

static bool blob_eq(const uint8_t *a, const uint8_t *b, uint64_t n)
{
	return !n || !memcmp(a, b, n);
}

static void check_equal(const struct quic_frame *a, const struct quic_frame *b)
{
	struct quic_ack_iter ia, ib;
	struct quic_ack_range ra, rb;

	FUZZ_ASSERT(a->type == b->type);
	switch (a->type) {
	case QUIC_FRAME_ACK:
	case QUIC_FRAME_ACK_ECN:
		FUZZ_ASSERT(a->ack.largest == b->ack.largest);
		FUZZ_ASSERT(a->ack.delay == b->ack.delay);
		FUZZ_ASSERT(a->ack.first_range == b->ack.first_range);
		FUZZ_ASSERT(a->ack.range_count == b->ack.range_count);
		FUZZ_ASSERT(a->ack.ect0 == b->ack.ect0);
		FUZZ_ASSERT(a->ack.ect1 == b->ack.ect1);
		FUZZ_ASSERT(a->ack.ce == b->ack.ce);
		quic_ack_iter_init(&ia, &a->ack);
		quic_ack_iter_init(&ib, &b->ack);
		while (quic_ack_iter_next(&ia, &ra)) {
			FUZZ_ASSERT(quic_ack_iter_next(&ib, &rb));
			FUZZ_ASSERT(ra.start == rb.start && ra.end == rb.end);
		}
		FUZZ_ASSERT(!quic_ack_iter_next(&ib, &rb));
		return;
	case QUIC_FRAME_CRYPTO:
		FUZZ_ASSERT(a->crypto.offset == b->crypto.offset);
		FUZZ_ASSERT(a->crypto.len == b->crypto.len);
		FUZZ_ASSERT(blob_eq(a->crypto.data, b->crypto.data,
				    a->crypto.len));
		return;
	case QUIC_FRAME_NEW_TOKEN:
		FUZZ_ASSERT(a->new_token.len == b->new_token.len);
		FUZZ_ASSERT(blob_eq(a->new_token.token, b->new_token.token,
				    a->new_token.len));
		return;
	case QUIC_FRAME_NEW_CONNECTION_ID:
		FUZZ_ASSERT(a->new_cid.seq == b->new_cid.seq);
		FUZZ_ASSERT(a->new_cid.retire_prior_to ==
			    b->new_cid.retire_prior_to);
		FUZZ_ASSERT(a->new_cid.cid_len == b->new_cid.cid_len);
		FUZZ_ASSERT(!memcmp(a->new_cid.cid, b->new_cid.cid,
				    a->new_cid.cid_len));
		FUZZ_ASSERT(!memcmp(a->new_cid.token, b->new_cid.token, 16));
		return;
	case QUIC_FRAME_CONNECTION_CLOSE:
	case QUIC_FRAME_CONNECTION_CLOSE_APP:
		FUZZ_ASSERT(a->close.errcode == b->close.errcode);
		FUZZ_ASSERT(a->close.frame_type == b->close.frame_type);
		FUZZ_ASSERT(a->close.reason_len == b->close.reason_len);
		FUZZ_ASSERT(blob_eq(a->close.reason, b->close.reason,
				    a->close.reason_len));
		return;
	case QUIC_FRAME_DATAGRAM:
	case QUIC_FRAME_DATAGRAM_LEN:
		FUZZ_ASSERT(a->datagram.len == b->datagram.len);
		FUZZ_ASSERT(a->datagram.has_len == b->datagram.has_len);
		FUZZ_ASSERT(blob_eq(a->datagram.data, b->datagram.data,
				    a->datagram.len));
		return;
	case QUIC_FRAME_PATH_CHALLENGE:
	case QUIC_FRAME_PATH_RESPONSE:
		FUZZ_ASSERT(!memcmp(a->path.data, b->path.data, 8));
		return;
	default:
		break;
	}
	if (QUIC_STREAM_TYPE_IS(a->type)) {
		FUZZ_ASSERT(a->stream.stream_id == b->stream.stream_id);
		FUZZ_ASSERT(a->stream.offset == b->stream.offset);
		FUZZ_ASSERT(a->stream.len == b->stream.len);
		FUZZ_ASSERT(a->stream.fin == b->stream.fin);
		FUZZ_ASSERT(a->stream.has_len == b->stream.has_len);
		FUZZ_ASSERT(blob_eq(a->stream.data, b->stream.data,
				    a->stream.len));
		return;
	}
	/* the remaining frames hold only integers: compare the union */
	FUZZ_ASSERT(!memcmp(&a->reset_stream, &b->reset_stream,
			    sizeof(a->reset_stream)));
}

static void reencode(const struct quic_frame *f)
{
	struct quic_ack_range ranges[MAX_RANGES];
	struct quic_frame g = *f, d;
	uint8_t *out;
	int n;

	if (f->type == QUIC_FRAME_PADDING)
		return;		/* a run decodes as one frame */
	if (f->type == QUIC_FRAME_ACK || f->type == QUIC_FRAME_ACK_ECN) {
		if (f->ack.range_count >= MAX_RANGES)
			return;
		g.ack.nranges = quic_ack_ranges(&f->ack, ranges, MAX_RANGES);
		FUZZ_ASSERT(g.ack.nranges == f->ack.range_count + 1);
		g.ack.ranges = ranges;
	}
	n = quic_frame_len(&g);
	FUZZ_ASSERT(n > 0);
	out = malloc((size_t)n);
	FUZZ_ASSERT(out);
	FUZZ_ASSERT(quic_frame_encode(out, (size_t)n, &g) == n);
	FUZZ_ASSERT(quic_frame_encode(out, (size_t)n - 1, &g) == -ENOBUFS);
	FUZZ_ASSERT(quic_frame_decode(out, (size_t)n, &d) == n);
	check_equal(f, &d);
	free(out);
}

int fuzz_frame_one(const uint8_t *data, size_t size)
{
	struct quic_frame f;
	size_t off = 0;
	int r;

	while (off < size) {
		r = quic_frame_decode(data + off, size - off, &f);
		if (r < 0) {
			FUZZ_ASSERT(r == -QUIC_TRANSPORT_ERROR_FRAME_ENCODING ||
				    r == -QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION);
			break;
		}
		FUZZ_ASSERT(r > 0 && (size_t)r <= size - off);
		FUZZ_ASSERT(quic_frame_type_known(f.type));
		(void)quic_frame_allowed(f.type, data[off] & 7);
		reencode(&f);
		off += (size_t)r;
	}
	return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_frame_one(data, size);
}
#endif
