// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: frame codecs and the frame/packet type table (src/kernel/frame.c). */
#include "test.h"
#include "frame.h"

#define FE (-QUIC_TRANSPORT_ERROR_FRAME_ENCODING)
#define PV (-QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION)

static const uint8_t data[64] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!";
static const uint8_t cid20[20] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
				   13, 14, 15, 16, 17, 18, 19, 20 };
static const uint8_t srt[16] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6,
				 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad,
				 0xae, 0xaf };
static const struct quic_ack_range r1[] = { { 0, 0 } };
static const struct quic_ack_range r3[] = {
	{ 1000, 1010 }, { 990, 998 }, { 5, 5 },
};
static const struct quic_ack_range rbig[] = {
	{ (1ULL << 62) - 100, (1ULL << 62) - 1 }, { 0, 1 },
};

#define MAXV ((1ULL << 62) - 1)

struct fsample {
	const char *name;
	struct quic_frame f;
	bool open_ended;	/* extends to the end of the payload */
};

static const struct fsample samples[] = {
	{ "padding", { .type = QUIC_FRAME_PADDING }, false },
	{ "ping", { .type = QUIC_FRAME_PING }, false },
	{ "ack_single", { .type = QUIC_FRAME_ACK,
	  .ack = { .delay = 0, .ranges = r1, .nranges = 1 } }, false },
	{ "ack_ranges", { .type = QUIC_FRAME_ACK,
	  .ack = { .delay = 1234, .ranges = r3, .nranges = 3 } }, false },
	{ "ack_ecn", { .type = QUIC_FRAME_ACK_ECN,
	  .ack = { .delay = 7, .ranges = r3, .nranges = 3, .ect0 = 1,
		   .ect1 = 100000, .ce = MAXV } }, false },
	{ "ack_extreme_values", { .type = QUIC_FRAME_ACK,
	  .ack = { .delay = MAXV, .ranges = rbig, .nranges = 2 } }, false },
	{ "reset_stream", { .type = QUIC_FRAME_RESET_STREAM,
	  .reset_stream = { 4, 0x1234, 1ULL << 40 } }, false },
	{ "stop_sending", { .type = QUIC_FRAME_STOP_SENDING,
	  .stop_sending = { MAXV, 0 } }, false },
	{ "crypto", { .type = QUIC_FRAME_CRYPTO,
	  .crypto = { 70000, 50, data } }, false },
	{ "crypto_empty", { .type = QUIC_FRAME_CRYPTO,
	  .crypto = { 0, 0, NULL } }, false },
	{ "new_token", { .type = QUIC_FRAME_NEW_TOKEN,
	  .new_token = { 33, data } }, false },
	{ "stream", { .type = QUIC_FRAME_STREAM,
	  .stream = { 0, 0, 10, data, false, false } }, true },
	{ "stream_fin", { .type = QUIC_FRAME_STREAM,
	  .stream = { 1, 0, 10, data, true, false } }, true },
	{ "stream_len", { .type = QUIC_FRAME_STREAM,
	  .stream = { 2, 0, 10, data, false, true } }, false },
	{ "stream_len_fin", { .type = QUIC_FRAME_STREAM,
	  .stream = { 3, 0, 10, data, true, true } }, false },
	{ "stream_off", { .type = QUIC_FRAME_STREAM,
	  .stream = { 4, 100, 10, data, false, false } }, true },
	{ "stream_off_fin", { .type = QUIC_FRAME_STREAM,
	  .stream = { 5, 1ULL << 32, 10, data, true, false } }, true },
	{ "stream_off_len", { .type = QUIC_FRAME_STREAM,
	  .stream = { 6, 64, 63, data, false, true } }, false },
	{ "stream_off_len_fin", { .type = QUIC_FRAME_STREAM,
	  .stream = { 7, 16384, 1, data, true, true } }, false },
	{ "stream_fin_empty", { .type = QUIC_FRAME_STREAM,
	  .stream = { 8, 500, 0, NULL, true, true } }, false },
	{ "stream_max_offset", { .type = QUIC_FRAME_STREAM,
	  .stream = { 9, MAXV - 5, 5, data, false, true } }, false },
	{ "stream_off_bit_zero_offset", { .type = QUIC_FRAME_STREAM |
	  QUIC_STREAM_BIT_OFF, .stream = { 9, 0, 5, data, false, true } },
	  false },
	{ "max_data", { .type = QUIC_FRAME_MAX_DATA, .max = { MAXV } }, false },
	{ "max_stream_data", { .type = QUIC_FRAME_MAX_STREAM_DATA,
	  .max_stream_data = { 3, 65536 } }, false },
	{ "max_streams_bidi", { .type = QUIC_FRAME_MAX_STREAMS_BIDI,
	  .max = { 100 } }, false },
	{ "max_streams_uni_limit", { .type = QUIC_FRAME_MAX_STREAMS_UNI,
	  .max = { 1ULL << 60 } }, false },
	{ "data_blocked", { .type = QUIC_FRAME_DATA_BLOCKED,
	  .blocked = { 1 << 20 } }, false },
	{ "stream_data_blocked", { .type = QUIC_FRAME_STREAM_DATA_BLOCKED,
	  .stream_data_blocked = { 11, 0 } }, false },
	{ "streams_blocked_bidi", { .type = QUIC_FRAME_STREAMS_BLOCKED_BIDI,
	  .blocked = { 1ULL << 60 } }, false },
	{ "streams_blocked_uni", { .type = QUIC_FRAME_STREAMS_BLOCKED_UNI,
	  .blocked = { 0 } }, false },
	{ "new_connection_id", { .type = QUIC_FRAME_NEW_CONNECTION_ID,
	  .new_cid = { 7, 3, 8, cid20, srt } }, false },
	{ "new_connection_id_len1", { .type = QUIC_FRAME_NEW_CONNECTION_ID,
	  .new_cid = { 0, 0, 1, cid20, srt } }, false },
	{ "new_connection_id_len20", { .type = QUIC_FRAME_NEW_CONNECTION_ID,
	  .new_cid = { MAXV, MAXV, 20, cid20, srt } }, false },
	{ "retire_connection_id", { .type = QUIC_FRAME_RETIRE_CONNECTION_ID,
	  .retire_cid = { 17 } }, false },
	{ "path_challenge", { .type = QUIC_FRAME_PATH_CHALLENGE,
	  .path = { { 1, 2, 3, 4, 5, 6, 7, 8 } } }, false },
	{ "path_response", { .type = QUIC_FRAME_PATH_RESPONSE,
	  .path = { { 8, 7, 6, 5, 4, 3, 2, 1 } } }, false },
	{ "connection_close", { .type = QUIC_FRAME_CONNECTION_CLOSE,
	  .close = { QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION, 0x06, 12,
		     data } }, false },
	{ "connection_close_crypto", { .type = QUIC_FRAME_CONNECTION_CLOSE,
	  .close = { QUIC_TRANSPORT_ERROR_CRYPTO + 40, 0, 0, NULL } }, false },
	{ "connection_close_app", { .type = QUIC_FRAME_CONNECTION_CLOSE_APP,
	  .close = { 0x1234567, 0, 5, data } }, false },
	{ "handshake_done", { .type = QUIC_FRAME_HANDSHAKE_DONE }, false },
	{ "datagram", { .type = QUIC_FRAME_DATAGRAM,
	  .datagram = { 40, data, false } }, true },
	{ "datagram_len", { .type = QUIC_FRAME_DATAGRAM_LEN,
	  .datagram = { 40, data, true } }, false },
	{ "datagram_len_empty", { .type = QUIC_FRAME_DATAGRAM_LEN,
	  .datagram = { 0, NULL, true } }, false },
};

#define NSAMPLES ((int)(sizeof(samples) / sizeof(samples[0])))

static bool blob_eq(const uint8_t *a, const uint8_t *b, uint64_t n)
{
	return !n || !memcmp(a, b, n);
}

/* compare a decoded frame @d with the frame @e that was encoded */
static void frame_check(const struct quic_frame *e, const struct quic_frame *d)
{
	struct quic_ack_range got[8];
	uint32_t i, n;

	if (QUIC_STREAM_TYPE_IS(e->type)) {
		CHECK(QUIC_STREAM_TYPE_IS(d->type));
		CHECK_EQ(d->stream.stream_id, e->stream.stream_id);
		CHECK_EQ(d->stream.offset, e->stream.offset);
		CHECK_EQ(d->stream.len, e->stream.len);
		CHECK_EQ(d->stream.fin, e->stream.fin);
		CHECK_EQ(d->stream.has_len, e->stream.has_len);
		CHECK(blob_eq(d->stream.data, e->stream.data, e->stream.len));
		CHECK_EQ(!!(d->type & QUIC_STREAM_BIT_OFF),
			 e->stream.offset || (e->type & QUIC_STREAM_BIT_OFF));
		return;
	}
	CHECK_EQ(d->type, e->type);
	switch (e->type) {
	case QUIC_FRAME_PADDING:
		CHECK_EQ(d->padding.len, 1);
		break;
	case QUIC_FRAME_ACK:
	case QUIC_FRAME_ACK_ECN:
		CHECK_EQ(d->ack.largest, e->ack.ranges[0].end);
		CHECK_EQ(d->ack.delay, e->ack.delay);
		CHECK_EQ(d->ack.range_count, e->ack.nranges - 1);
		CHECK_EQ(d->ack.ect0, e->ack.ect0);
		CHECK_EQ(d->ack.ect1, e->ack.ect1);
		CHECK_EQ(d->ack.ce, e->ack.ce);
		n = quic_ack_ranges(&d->ack, got, 8);
		CHECK_EQ(n, e->ack.nranges);
		for (i = 0; i < n; i++) {
			CHECK_EQ(got[i].start, e->ack.ranges[i].start);
			CHECK_EQ(got[i].end, e->ack.ranges[i].end);
		}
		break;
	case QUIC_FRAME_RESET_STREAM:
		CHECK_EQ(d->reset_stream.stream_id, e->reset_stream.stream_id);
		CHECK_EQ(d->reset_stream.errcode, e->reset_stream.errcode);
		CHECK_EQ(d->reset_stream.final_size,
			 e->reset_stream.final_size);
		break;
	case QUIC_FRAME_STOP_SENDING:
		CHECK_EQ(d->stop_sending.stream_id, e->stop_sending.stream_id);
		CHECK_EQ(d->stop_sending.errcode, e->stop_sending.errcode);
		break;
	case QUIC_FRAME_CRYPTO:
		CHECK_EQ(d->crypto.offset, e->crypto.offset);
		CHECK_EQ(d->crypto.len, e->crypto.len);
		CHECK(blob_eq(d->crypto.data, e->crypto.data, e->crypto.len));
		break;
	case QUIC_FRAME_NEW_TOKEN:
		CHECK_EQ(d->new_token.len, e->new_token.len);
		CHECK(blob_eq(d->new_token.token, e->new_token.token,
			      e->new_token.len));
		break;
	case QUIC_FRAME_MAX_DATA:
	case QUIC_FRAME_MAX_STREAMS_BIDI:
	case QUIC_FRAME_MAX_STREAMS_UNI:
		CHECK_EQ(d->max.max, e->max.max);
		break;
	case QUIC_FRAME_MAX_STREAM_DATA:
		CHECK_EQ(d->max_stream_data.stream_id,
			 e->max_stream_data.stream_id);
		CHECK_EQ(d->max_stream_data.max, e->max_stream_data.max);
		break;
	case QUIC_FRAME_DATA_BLOCKED:
	case QUIC_FRAME_STREAMS_BLOCKED_BIDI:
	case QUIC_FRAME_STREAMS_BLOCKED_UNI:
		CHECK_EQ(d->blocked.limit, e->blocked.limit);
		break;
	case QUIC_FRAME_STREAM_DATA_BLOCKED:
		CHECK_EQ(d->stream_data_blocked.stream_id,
			 e->stream_data_blocked.stream_id);
		CHECK_EQ(d->stream_data_blocked.limit,
			 e->stream_data_blocked.limit);
		break;
	case QUIC_FRAME_NEW_CONNECTION_ID:
		CHECK_EQ(d->new_cid.seq, e->new_cid.seq);
		CHECK_EQ(d->new_cid.retire_prior_to, e->new_cid.retire_prior_to);
		CHECK_EQ(d->new_cid.cid_len, e->new_cid.cid_len);
		CHECK_MEM(d->new_cid.cid, e->new_cid.cid, e->new_cid.cid_len);
		CHECK_MEM(d->new_cid.token, e->new_cid.token, 16);
		break;
	case QUIC_FRAME_RETIRE_CONNECTION_ID:
		CHECK_EQ(d->retire_cid.seq, e->retire_cid.seq);
		break;
	case QUIC_FRAME_PATH_CHALLENGE:
	case QUIC_FRAME_PATH_RESPONSE:
		CHECK_MEM(d->path.data, e->path.data, 8);
		break;
	case QUIC_FRAME_CONNECTION_CLOSE:
	case QUIC_FRAME_CONNECTION_CLOSE_APP:
		CHECK_EQ(d->close.errcode, e->close.errcode);
		CHECK_EQ(d->close.frame_type, e->close.frame_type);
		CHECK_EQ(d->close.reason_len, e->close.reason_len);
		CHECK(blob_eq(d->close.reason, e->close.reason,
			      e->close.reason_len));
		break;
	case QUIC_FRAME_DATAGRAM:
	case QUIC_FRAME_DATAGRAM_LEN:
		CHECK_EQ(d->datagram.len, e->datagram.len);
		CHECK_EQ(d->datagram.has_len, e->datagram.has_len);
		CHECK(blob_eq(d->datagram.data, e->datagram.data,
			      e->datagram.len));
		break;
	}
}

static void sample_roundtrip(const struct fsample *s)
{
	struct quic_ack_range rr[8];
	struct quic_frame d, d2;
	uint8_t *buf, *copy, *buf2;
	int n, r, n2;

	n = quic_frame_len(&s->f);
	CHECKF(n > 0, "measure %d", n);
	buf = malloc((size_t)n);
	CHECK(buf);
	r = quic_frame_encode(buf, (size_t)n, &s->f);
	CHECK_EQ(r, n);
	copy = t_dup(buf, (size_t)n);
	r = quic_frame_decode(copy, (size_t)n, &d);
	CHECK_EQ(r, n);
	frame_check(&s->f, &d);
	if (t_has_failed())
		return;
	CHECK(quic_frame_type_known(d.type));
	/* re-encode the decoded frame: the same bytes */
	d2 = d;
	if (d.type == QUIC_FRAME_ACK || d.type == QUIC_FRAME_ACK_ECN) {
		d2.ack.nranges = quic_ack_ranges(&d.ack, rr, 8);
		d2.ack.ranges = rr;
	}
	buf2 = malloc((size_t)n);
	CHECK(buf2);
	n2 = quic_frame_encode(buf2, (size_t)n, &d2);
	CHECK_EQ(n2, n);
	CHECK_MEM(buf2, buf, (size_t)n);
	free(buf);
	free(buf2);
	free(copy);
}

static void sample_truncate(const struct fsample *s)
{
	uint8_t buf[256], *p;
	struct quic_frame d;
	int n, r;
	size_t k;

	n = quic_frame_encode(buf, sizeof(buf), &s->f);
	CHECK(n > 0);
	for (k = 0; k < (size_t)n; k++) {
		p = t_dup(buf, k);
		r = quic_frame_decode(p, k, &d);
		free(p);
		if (s->open_ended && r > 0)
			CHECKF(r == (int)k, "cut at %zu: consumed %d", k, r);
		else
			CHECKF(r == FE, "cut at %zu: %d", k, r);
	}
}

static void sample_nobufs(const struct fsample *s)
{
	int n = quic_frame_len(&s->f);
	size_t k;

	CHECK(n > 0);
	for (k = 0; k < (size_t)n; k++) {
		uint8_t *o = malloc(k ? k : 1);

		CHECK(o);
		CHECKF(quic_frame_encode(o, k, &s->f) == -ENOBUFS, "room %zu",
		       k);
		free(o);
	}
}

/* malformed inputs and the error each must produce */
static const struct {
	const char *name;
	const char *hex;
	int err;	/* > 0: must decode, consuming that many bytes */
} bad[] = {
	{ "empty", "", FE },
	{ "unknown_0x1f", "1f", FE },
	{ "unknown_0x20", "20", FE },
	{ "unknown_0x2f", "2f", FE },
	{ "unknown_0x32", "32", FE },
	{ "unknown_2byte_0xaf", "40af00", FE },
	{ "unknown_max", "bfffffffffffffff", FE },
	{ "nonminimal_padding", "4000", PV },
	{ "nonminimal_ping", "4001", PV },
	{ "nonminimal_ping_4", "80000001", PV },
	{ "nonminimal_ping_8", "c000000000000001", PV },
	{ "nonminimal_handshake_done", "401e", PV },
	{ "nonminimal_datagram", "4030", PV },
	{ "truncated_type", "40", FE },
	{ "ack_first_range_above_largest", "0205000006", FE },
	{ "ack_gap_below_zero", "02050001000400", FE },
	{ "ack_gap_to_zero_ok", "02050001000300", 7 },
	{ "ack_len_below_zero", "02050001000004", FE },
	{ "ack_len_to_zero_ok", "02050001000003", 7 },
	{ "ack_huge_range_count", "020500bfffffffffffffff000000", FE },
	{ "ack_ecn_missing_counts", "030500000001", FE },
	{ "new_token_empty", "0700", FE },
	{ "new_connection_id_len0", "18010000"
	  "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf", FE },
	{ "new_connection_id_len21", "18010015"
	  "0102030405060708090a0b0c0d0e0f101112131415"
	  "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf", FE },
	{ "new_connection_id_retire_above_seq", "1801020401020304"
	  "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf", FE },
	{ "new_connection_id_retire_eq_seq", "1802020401020304"
	  "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf", 24 },
	{ "new_connection_id_short_token", "1801000401020304a0a1", FE },
	{ "max_streams_bidi_above_2^60", "12d000000000000001", FE },
	{ "max_streams_uni_above_2^60", "13d000000000000001", FE },
	{ "max_streams_bidi_2^60", "12d000000000000000", 9 },
	{ "streams_blocked_bidi_above_2^60", "16d000000000000001", FE },
	{ "streams_blocked_uni_above_2^60", "17d000000000000001", FE },
	{ "stream_offset_plus_len_above_2^62", "0c00ffffffffffffffffaa", FE },
	{ "stream_offset_2^62-1_empty", "0c00ffffffffffffffff", 10 },
	{ "stream_len_beyond_payload", "0a0005aaaa", FE },
	{ "crypto_offset_plus_len_above_2^62", "06ffffffffffffffff01aa", FE },
	{ "crypto_len_beyond_payload", "060003aa", FE },
	{ "close_reason_beyond_payload", "1c000005aa", FE },
	{ "close_app_has_no_frame_type", "1d0700", 3 },
	{ "datagram_len_beyond_payload", "3105aa", FE },
	{ "path_challenge_short", "1a01020304050607", FE },
	{ "reset_stream_truncated", "040000", FE },
	{ "padding_run", "000000000001", 5 },
};

#define NBAD ((int)(sizeof(bad) / sizeof(bad[0])))

static void bad_case(int i)
{
	uint8_t buf[128], *p;
	struct quic_frame f;
	size_t n = t_hex(bad[i].hex, buf, sizeof(buf));
	int r;

	p = t_dup(buf, n);
	r = quic_frame_decode(p, n, &f);
	free(p);
	CHECKF(r == bad[i].err, "%s: got %d want %d", bad[i].hex, r,
	       bad[i].err);
}

static void t_table(int arg)
{
	/* RFC 9000 table 3, "IH01" columns; RFC 9221 for DATAGRAM */
	static const struct { uint64_t t; const char *pkts; } tab[] = {
		{ 0x00, "IH01" }, { 0x01, "IH01" }, { 0x02, "IH_1" },
		{ 0x03, "IH_1" }, { 0x04, "__01" }, { 0x05, "__01" },
		{ 0x06, "IH_1" }, { 0x07, "___1" }, { 0x08, "__01" },
		{ 0x09, "__01" }, { 0x0a, "__01" }, { 0x0b, "__01" },
		{ 0x0c, "__01" }, { 0x0d, "__01" }, { 0x0e, "__01" },
		{ 0x0f, "__01" }, { 0x10, "__01" }, { 0x11, "__01" },
		{ 0x12, "__01" }, { 0x13, "__01" }, { 0x14, "__01" },
		{ 0x15, "__01" }, { 0x16, "__01" }, { 0x17, "__01" },
		{ 0x18, "__01" }, { 0x19, "__01" }, { 0x1a, "__01" },
		{ 0x1b, "___1" }, { 0x1c, "IH01" }, { 0x1d, "__01" },
		{ 0x1e, "___1" }, { 0x30, "__01" }, { 0x31, "__01" },
		{ 0x1f, "____" }, { 0x20, "____" }, { 0x40, "____" },
	};
	static const uint8_t pt[4] = { QUIC_PKT_INITIAL, QUIC_PKT_HANDSHAKE,
				       QUIC_PKT_0RTT, QUIC_PKT_1RTT };
	size_t i, j;

	(void)arg;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		for (j = 0; j < 4; j++) {
			bool want = tab[i].pkts[j] != '_';

			CHECKF(quic_frame_allowed(tab[i].t, pt[j]) == want,
			       "type 0x%llx pkt %zu",
			       (unsigned long long)tab[i].t, j);
			CHECKF(quic_frame_check_allowed(tab[i].t, pt[j]) ==
			       (want ? 0 : PV), "type 0x%llx pkt %zu",
			       (unsigned long long)tab[i].t, j);
		}
		CHECK(!quic_frame_allowed(tab[i].t, QUIC_PKT_RETRY));
		CHECK(!quic_frame_allowed(tab[i].t, QUIC_PKT_VERSION_NEG));
		CHECK(!quic_frame_allowed(tab[i].t, 200));
	}
}

static void t_flags(int arg)
{
	uint64_t t;

	(void)arg;
	for (t = 0; t <= 0x31; t++) {
		bool known = t <= 0x1e || t == 0x30 || t == 0x31;
		bool n = t == 0 || t == 2 || t == 3 || t == 0x1c || t == 0x1d;
		bool p = t == 0 || t == 0x18 || t == 0x1a || t == 0x1b;
		bool c = t == 2 || t == 3;
		bool f = t >= 8 && t <= 0x0f;
		uint8_t fl = quic_frame_flags(t);

		CHECK_EQ(quic_frame_type_known(t), known);
		if (!known) {
			CHECK_EQ(fl, 0);
			CHECK(!quic_frame_ack_eliciting(t));
			continue;
		}
		CHECKF(quic_frame_ack_eliciting(t) == !n, "0x%llx",
		       (unsigned long long)t);
		CHECK_EQ(!!(fl & QUIC_FRAME_F_PROBING), p);
		CHECK_EQ(!!(fl & QUIC_FRAME_F_NOT_IN_FLIGHT), c);
		CHECK_EQ(!!(fl & QUIC_FRAME_F_FLOW_CONTROLLED), f);
	}
}

static void t_payload_walk(int arg)
{
	/* PADDING x3, PING, ACK, STREAM to the end: a packet payload */
	uint8_t buf[128];
	struct quic_frame f, seq[3] = {
		{ .type = QUIC_FRAME_PING },
		{ .type = QUIC_FRAME_ACK,
		  .ack = { .ranges = r3, .nranges = 3 } },
		{ .type = QUIC_FRAME_STREAM,
		  .stream = { 4, 9, 20, data, true, false } },
	};
	size_t off = 3, i;
	int r;

	(void)arg;
	memset(buf, 0, 3);
	for (i = 0; i < 3; i++) {
		r = quic_frame_encode(buf + off, sizeof(buf) - off, &seq[i]);
		CHECK(r > 0);
		off += (size_t)r;
	}
	r = quic_frame_decode(buf, off, &f);
	CHECK_EQ(r, 3);
	CHECK_EQ(f.type, QUIC_FRAME_PADDING);
	CHECK_EQ(f.padding.len, 3);
	i = (size_t)r;
	r = quic_frame_decode(buf + i, off - i, &f);
	CHECK_EQ(r, 1);
	CHECK_EQ(f.type, QUIC_FRAME_PING);
	i += (size_t)r;
	r = quic_frame_decode(buf + i, off - i, &f);
	CHECK(r > 0);
	CHECK_EQ(f.type, QUIC_FRAME_ACK);
	i += (size_t)r;
	r = quic_frame_decode(buf + i, off - i, &f);
	CHECK_EQ((size_t)r, off - i);
	CHECK_EQ(f.type, 0x08 | QUIC_STREAM_BIT_OFF | QUIC_STREAM_BIT_FIN);
	CHECK_EQ(f.stream.len, 20);
	CHECK_EQ(f.stream.offset, 9);
}

static void t_ack_iter(int arg)
{
	uint8_t buf[64];
	struct quic_ack_range out[2], r;
	struct quic_ack_iter it;
	struct quic_frame f = { .type = QUIC_FRAME_ACK,
				.ack = { .ranges = r3, .nranges = 3 } }, d;
	int n, cnt = 0;

	(void)arg;
	n = quic_frame_encode(buf, sizeof(buf), &f);
	CHECK(n > 0);
	CHECK_EQ(quic_frame_decode(buf, (size_t)n, &d), n);
	CHECK_EQ(d.ack.largest, 1010);
	CHECK_EQ(d.ack.first_range, 10);
	CHECK_EQ(d.ack.range_count, 2);
	quic_ack_iter_init(&it, &d.ack);
	while (quic_ack_iter_next(&it, &r)) {
		CHECK_EQ(r.start, r3[cnt].start);
		CHECK_EQ(r.end, r3[cnt].end);
		cnt++;
	}
	CHECK_EQ(cnt, 3);
	CHECK(!quic_ack_iter_next(&it, &r));
	/* a bounded copy keeps the largest ranges */
	CHECK_EQ(quic_ack_ranges(&d.ack, out, 2), 2);
	CHECK_EQ(out[1].start, 990);
	CHECK_EQ(quic_ack_ranges(&d.ack, out, 0), 0);
}

static void t_ack_many_ranges(int arg)
{
	/* 1000 single-packet ranges spaced by one: decode and iterate */
	static struct quic_ack_range rs[1000];
	static uint8_t buf[8192];
	struct quic_frame f = { .type = QUIC_FRAME_ACK_ECN }, d;
	struct quic_ack_iter it;
	struct quic_ack_range r;
	int i, n;

	(void)arg;
	for (i = 0; i < 1000; i++)
		rs[i].start = rs[i].end = 4000 - 2 * (uint64_t)i;
	f.ack.ranges = rs;
	f.ack.nranges = 1000;
	n = quic_frame_encode(buf, sizeof(buf), &f);
	CHECK_EQ(n, 1 + 2 + 1 + 2 + 1 + 999 * 2 + 3);
	CHECK_EQ(quic_frame_decode(buf, (size_t)n, &d), n);
	quic_ack_iter_init(&it, &d.ack);
	for (i = 0; quic_ack_iter_next(&it, &r); i++)
		CHECK_EQ(r.end, rs[i].end);
	CHECK_EQ(i, 1000);
}

static void t_encode_errors(int arg)
{
	uint8_t buf[128];
	struct quic_ack_range bad_order[] = { { 10, 12 }, { 9, 9 } };
	struct quic_ack_range overlap[] = { { 10, 12 }, { 5, 11 } };
	struct quic_ack_range inverted[] = { { 12, 10 } };
	struct quic_ack_range low[] = { { 1, 3 }, { 0, 0 } };
	struct quic_frame f;

	(void)arg;
#define ENC_EINVAL(...)							\
	do {								\
		f = (struct quic_frame)__VA_ARGS__;			\
		CHECK_EQ(quic_frame_encode(buf, sizeof(buf), &f), -EINVAL); \
		CHECK_EQ(quic_frame_len(&f), -EINVAL);			\
	} while (0)
	ENC_EINVAL({ .type = 0x1f });
	ENC_EINVAL({ .type = QUIC_FRAME_ACK });
	ENC_EINVAL({ .type = QUIC_FRAME_ACK,
		     .ack = { .ranges = bad_order, .nranges = 2 } });
	ENC_EINVAL({ .type = QUIC_FRAME_ACK,
		     .ack = { .ranges = overlap, .nranges = 2 } });
	ENC_EINVAL({ .type = QUIC_FRAME_ACK,
		     .ack = { .ranges = inverted, .nranges = 1 } });
	ENC_EINVAL({ .type = QUIC_FRAME_ACK,
		     .ack = { .ranges = low, .nranges = 2 } });
	ENC_EINVAL({ .type = QUIC_FRAME_ACK,
		     .ack = { .ranges = r1, .nranges = 1,
			      .delay = 1ULL << 62 } });
	ENC_EINVAL({ .type = QUIC_FRAME_NEW_TOKEN });
	ENC_EINVAL({ .type = QUIC_FRAME_MAX_STREAMS_BIDI,
		     .max = { (1ULL << 60) + 1 } });
	ENC_EINVAL({ .type = QUIC_FRAME_STREAMS_BLOCKED_UNI,
		     .blocked = { (1ULL << 60) + 1 } });
	ENC_EINVAL({ .type = QUIC_FRAME_MAX_DATA, .max = { 1ULL << 62 } });
	ENC_EINVAL({ .type = QUIC_FRAME_STREAM,
		     .stream = { 0, MAXV, 1, data, false, true } });
	ENC_EINVAL({ .type = QUIC_FRAME_STREAM,
		     .stream = { 1ULL << 62, 0, 1, data, false, true } });
	ENC_EINVAL({ .type = QUIC_FRAME_CRYPTO,
		     .crypto = { MAXV, 1, data } });
	ENC_EINVAL({ .type = QUIC_FRAME_NEW_CONNECTION_ID,
		     .new_cid = { 1, 0, 0, cid20, srt } });
	ENC_EINVAL({ .type = QUIC_FRAME_NEW_CONNECTION_ID,
		     .new_cid = { 1, 0, 21, cid20, srt } });
	ENC_EINVAL({ .type = QUIC_FRAME_NEW_CONNECTION_ID,
		     .new_cid = { 1, 2, 4, cid20, srt } });
	ENC_EINVAL({ .type = QUIC_FRAME_NEW_CONNECTION_ID,
		     .new_cid = { 1, 0, 4, cid20, NULL } });
	ENC_EINVAL({ .type = QUIC_FRAME_CONNECTION_CLOSE,
		     .close = { 1ULL << 62, 0, 0, NULL } });
#undef ENC_EINVAL
}

static void dyn_name(int i, char *buf, size_t len)
{
	static const char *const kind[] = { "roundtrip", "truncate",
					    "encode_nobufs" };

	if (i < 3 * NSAMPLES)
		snprintf(buf, len, "frame/%s/%s", kind[i / NSAMPLES],
			 samples[i % NSAMPLES].name);
	else
		snprintf(buf, len, "frame/malformed/%s",
			 bad[i - 3 * NSAMPLES].name);
}

static void dyn_fn(int i)
{
	if (i >= 3 * NSAMPLES)
		bad_case(i - 3 * NSAMPLES);
	else if (i < NSAMPLES)
		sample_roundtrip(&samples[i]);
	else if (i < 2 * NSAMPLES)
		sample_truncate(&samples[i - NSAMPLES]);
	else
		sample_nobufs(&samples[i - 2 * NSAMPLES]);
}

static int dyn_count(void)
{
	return 3 * NSAMPLES + NBAD;
}

static const struct t_case cases[] = {
	{ "frame/packet_type_table_rfc9000_t3", t_table, 0 },
	{ "frame/flags_n_c_p_f", t_flags, 0 },
	{ "frame/payload_walk", t_payload_walk, 0 },
	{ "frame/ack_iterate_and_bounded_copy", t_ack_iter, 0 },
	{ "frame/ack_1000_ranges", t_ack_many_ranges, 0 },
	{ "frame/encode_invalid_fields", t_encode_errors, 0 },
	{ NULL, NULL, 0 },
};

const struct t_suite frame_suite = {
	.cases = cases,
	.count = dyn_count,
	.dyn_name = dyn_name,
	.dyn_fn = dyn_fn,
};
