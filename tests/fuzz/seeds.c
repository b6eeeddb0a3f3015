// SPDX-License-Identifier: GPL-2.0-or-later
/* Seed inputs for the fuzzers, built with the encoders and RFC vectors. */
#include "fuzz.h"

static const uint8_t cid[20] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57,
				 0x08, 9, 10, 11, 12, 13, 14, 15, 16, 17,
				 18, 19, 20 };
static const uint8_t blob[64] = "abcdefghijklmnopqrstuvwxyz0123456789";

static size_t hex(const char *h, uint8_t *out)
{
	size_t n = 0;
	unsigned int b;

	while (h[0] && h[1] && sscanf(h, "%2x", &b) == 1) {
		out[n++] = (uint8_t)b;
		h += 2;
	}
	return n;
}

static void header_seeds(fuzz_emit_t emit, void *ctx)
{
	static const struct { uint8_t type; uint32_t version; } t[] = {
		{ QUIC_PKT_INITIAL, QUIC_VERSION_V1 },
		{ QUIC_PKT_INITIAL, QUIC_VERSION_V2 },
		{ QUIC_PKT_0RTT, QUIC_VERSION_V1 },
		{ QUIC_PKT_0RTT, QUIC_VERSION_V2 },
		{ QUIC_PKT_HANDSHAKE, QUIC_VERSION_V1 },
		{ QUIC_PKT_HANDSHAKE, QUIC_VERSION_V2 },
		{ QUIC_PKT_RETRY, QUIC_VERSION_V1 },
		{ QUIC_PKT_RETRY, QUIC_VERSION_V2 },
		{ QUIC_PKT_1RTT, 0 },
	};
	static const uint32_t vers[] = { QUIC_VERSION_V2, QUIC_VERSION_V1 };
	uint8_t buf[256];
	struct quic_hdr h;
	char name[32];
	size_t i;
	int r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&h, 0, sizeof(h));
		h.type = t[i].type;
		h.version = t[i].version;
		h.dcid = cid;
		h.dcid_len = 8;
		h.scid = cid + 8;
		h.scid_len = 4;
		h.token = blob;
		h.token_len = h.type == QUIC_PKT_RETRY ? 12 :
			      h.type == QUIC_PKT_INITIAL ? 4 : 0;
		h.pn = 0x1234;
		h.pn_len = (uint8_t)(i % 4 + 1);
		h.length = h.pn_len + 20u;
		h.key_phase = 1;
		buf[0] = 8;	/* short header CID length */
		r = quic_hdr_encode(buf + 1, sizeof(buf) - 21, &h);
		if (r <= 0)
			continue;
		memset(buf + 1 + r, 0x42, 20);
		snprintf(name, sizeof(name), "hdr-%zu", i);
		emit(ctx, name, buf, (size_t)r + 21);
	}
	buf[0] = 0;
	r = quic_vn_encode(buf + 1, sizeof(buf) - 1, 0x2a, cid, 8, cid + 8, 8,
			   vers, 2);
	emit(ctx, "hdr-vn", buf, (size_t)r + 1);
	/* RFC 9001 A.4 / RFC 9369 A.4 Retry, A.5 short header */
	r = (int)hex("00ff000000010008f067a5502a4262b5746f6b656e"
		     "04a265ba2eff4d829058fb3f0f2496ba", buf);
	emit(ctx, "hdr-rfc9001-retry", buf, (size_t)r);
	r = (int)hex("00cf6b3343cf0008f067a5502a4262b5746f6b656e"
		     "c8646ce8bfe33952d955543665dcc7b6", buf);
	emit(ctx, "hdr-rfc9369-retry", buf, (size_t)r);
	r = (int)hex("004cfe4189655e5cd55c41f69080575d7999c25a5bfb", buf);
	emit(ctx, "hdr-rfc9001-short", buf, (size_t)r);
}

static void frame_seeds(fuzz_emit_t emit, void *ctx)
{
	static const struct quic_ack_range rs[] = {
		{ 1000, 1010 }, { 990, 998 }, { 5, 5 },
	};
	struct quic_frame f[] = {
		{ .type = QUIC_FRAME_PING },
		{ .type = QUIC_FRAME_ACK, .ack = { .ranges = rs, .nranges = 3 } },
		{ .type = QUIC_FRAME_ACK_ECN,
		  .ack = { .ranges = rs, .nranges = 2, .ect0 = 1, .ce = 2 } },
		{ .type = QUIC_FRAME_RESET_STREAM, .reset_stream = { 4, 1, 9 } },
		{ .type = QUIC_FRAME_STOP_SENDING, .stop_sending = { 4, 1 } },
		{ .type = QUIC_FRAME_CRYPTO, .crypto = { 100, 10, blob } },
		{ .type = QUIC_FRAME_NEW_TOKEN, .new_token = { 8, blob } },
		{ .type = QUIC_FRAME_STREAM,
		  .stream = { 0, 7, 5, blob, true, true } },
		{ .type = QUIC_FRAME_MAX_DATA, .max = { 1 << 20 } },
		{ .type = QUIC_FRAME_MAX_STREAM_DATA,
		  .max_stream_data = { 8, 1000 } },
		{ .type = QUIC_FRAME_MAX_STREAMS_BIDI, .max = { 100 } },
		{ .type = QUIC_FRAME_MAX_STREAMS_UNI, .max = { 3 } },
		{ .type = QUIC_FRAME_DATA_BLOCKED, .blocked = { 7 } },
		{ .type = QUIC_FRAME_STREAM_DATA_BLOCKED,
		  .stream_data_blocked = { 1, 2 } },
		{ .type = QUIC_FRAME_STREAMS_BLOCKED_BIDI, .blocked = { 7 } },
		{ .type = QUIC_FRAME_STREAMS_BLOCKED_UNI, .blocked = { 7 } },
		{ .type = QUIC_FRAME_NEW_CONNECTION_ID,
		  .new_cid = { 2, 1, 8, cid, cid + 4 } },
		{ .type = QUIC_FRAME_RETIRE_CONNECTION_ID, .retire_cid = { 1 } },
		{ .type = QUIC_FRAME_PATH_CHALLENGE },
		{ .type = QUIC_FRAME_PATH_RESPONSE },
		{ .type = QUIC_FRAME_CONNECTION_CLOSE,
		  .close = { 10, 6, 4, blob } },
		{ .type = QUIC_FRAME_CONNECTION_CLOSE_APP,
		  .close = { 10, 0, 4, blob } },
		{ .type = QUIC_FRAME_HANDSHAKE_DONE },
		{ .type = QUIC_FRAME_DATAGRAM_LEN,
		  .datagram = { 6, blob, true } },
		{ .type = QUIC_FRAME_DATAGRAM, .datagram = { 6, blob, false } },
		{ .type = QUIC_FRAME_STREAM,
		  .stream = { 4, 0, 9, blob, false, false } },
	};
	uint8_t buf[1024];
	size_t i, off = 0;
	char name[32];
	int r;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		r = quic_frame_encode(buf + off, sizeof(buf) - off, &f[i]);
		if (r <= 0)
			continue;
		snprintf(name, sizeof(name), "frame-%02zu", i);
		emit(ctx, name, buf + off, (size_t)r);
		off += (size_t)r;
	}
	/* the last two extend to the end: all of them form one payload */
	memset(buf + off, 0, 8);
	emit(ctx, "frame-payload", buf, off);
}

static void tparam_seeds(fuzz_emit_t emit, void *ctx)
{
	struct quic_tparams tp;
	uint8_t buf[512];
	int r, server;

	for (server = 0; server < 2; server++) {
		quic_tparams_init(&tp);
		tp.present = QUIC_TP_HAS_INITIAL_SCID | QUIC_TP_HAS_VERSION_INFO;
		tp.iscid.len = 8;
		memcpy(tp.iscid.data, cid, 8);
		tp.p.max_idle_timeout = 30000000;
		tp.p.max_data = 65536 * 32;
		tp.p.max_stream_data_bidi_local = 65536 * 4;
		tp.p.max_stream_data_bidi_remote = 65536 * 4;
		tp.p.max_stream_data_uni = 65536 * 4;
		tp.p.max_streams_bidi = 100;
		tp.p.max_streams_uni = 100;
		tp.p.active_connection_id_limit = 7;
		tp.p.max_datagram_frame_size = 1200;
		tp.p.grease_quic_bit = 1;
		tp.p.disable_1rtt_encryption = 1;
		tp.vi.chosen = QUIC_VERSION_V1;
		tp.vi.nothers = 2;
		tp.vi.others[0] = QUIC_VERSION_V1;
		tp.vi.others[1] = QUIC_VERSION_V2;
		if (server) {
			tp.present |= QUIC_TP_HAS_ORIGINAL_DCID |
				      QUIC_TP_HAS_RETRY_SCID |
				      QUIC_TP_HAS_RESET_TOKEN |
				      QUIC_TP_HAS_PREFERRED_ADDRESS;
			tp.odcid.len = 8;
			tp.rscid.len = 4;
			tp.pa.cid.len = 4;
			tp.pa.ipv4_port = 443;
		}
		buf[0] = (uint8_t)server;
		r = quic_tparams_encode(buf + 1, sizeof(buf) - 1, &tp,
					server);
		if (r > 0)
			emit(ctx, server ? "tparam-server" : "tparam-client",
			     buf, (size_t)r + 1);
	}
}

void fuzz_seeds(enum fuzz_target t, fuzz_emit_t emit, void *ctx)
{
	switch (t) {
	case FUZZ_HEADER:
		header_seeds(emit, ctx);
		break;
	case FUZZ_FRAME:
		frame_seeds(emit, ctx);
		break;
	default:
		tparam_seeds(emit, ctx);
	}
}
