// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: transport parameters (src/kernel/tparam.c). */
#include "test.h"
#include "tparam.h"

#define TPE (-QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM)

static void set_cid(struct quic_cid *c, uint8_t len, uint8_t seed)
{
	uint8_t i;

	c->len = len;
	for (i = 0; i < len; i++)
		c->data[i] = (uint8_t)(seed + i);
}

/* the minimum a side must send */
static void base(struct quic_tparams *tp, bool server)
{
	quic_tparams_init(tp);
	set_cid(&tp->iscid, 8, 0x10);
	tp->present = QUIC_TP_HAS_INITIAL_SCID;
	if (server) {
		set_cid(&tp->odcid, 8, 0x20);
		tp->present |= QUIC_TP_HAS_ORIGINAL_DCID;
	}
}

static void full(struct quic_tparams *tp, bool server)
{
	struct quic_transport_param *p = &tp->p;

	base(tp, server);
	p->disable_active_migration = 1;
	p->grease_quic_bit = 1;
	p->disable_1rtt_encryption = 1;
	p->active_connection_id_limit = 7;
	p->ack_delay_exponent = 20;
	p->max_datagram_frame_size = 1400;
	p->max_udp_payload_size = 1472;
	p->max_idle_timeout = 30000000;
	p->max_ack_delay = 16383000;
	p->max_streams_bidi = 100;
	p->max_streams_uni = 65535;
	p->max_data = 65536 * 32;
	p->max_stream_data_bidi_local = 65536 * 4;
	p->max_stream_data_bidi_remote = (1ULL << 62) - 1;
	p->max_stream_data_uni = 1;
	tp->present |= QUIC_TP_HAS_VERSION_INFO;
	tp->vi.chosen = QUIC_VERSION_V1;
	tp->vi.nothers = 3;
	tp->vi.others[0] = QUIC_VERSION_V2;
	tp->vi.others[1] = QUIC_VERSION_V1;
	tp->vi.others[2] = 0x1a2a3a4a;
	if (!server)
		return;
	tp->present |= QUIC_TP_HAS_RETRY_SCID | QUIC_TP_HAS_RESET_TOKEN |
		       QUIC_TP_HAS_PREFERRED_ADDRESS;
	set_cid(&tp->rscid, 20, 0x30);
	memset(tp->token, 0x5e, sizeof(tp->token));
	p->stateless_reset = 1;	/* what decode reports for a token */
	tp->pa.ipv4[0] = 192;
	tp->pa.ipv4[3] = 1;
	tp->pa.ipv4_port = 4433;
	tp->pa.ipv6[0] = 0x20;
	tp->pa.ipv6[15] = 1;
	tp->pa.ipv6_port = 443;
	set_cid(&tp->pa.cid, 16, 0x40);
	memset(tp->pa.token, 0x77, sizeof(tp->pa.token));
}

static void roundtrip(const struct quic_tparams *tp, bool server)
{
	struct quic_tparams d;
	uint8_t *buf, *copy;
	int n, r;

	n = quic_tparams_encode(NULL, 0, tp, server);
	CHECKF(n > 0, "measure %d", n);
	buf = malloc((size_t)n);
	CHECK(buf);
	CHECK_EQ(quic_tparams_encode(buf, (size_t)n, tp, server), n);
	copy = t_dup(buf, (size_t)n);
	r = quic_tparams_decode(copy, (size_t)n, server, &d);
	CHECK_EQ(r, n);
	CHECK_EQ(d.present, tp->present);
	CHECK_EQ(d.p.max_idle_timeout, tp->p.max_idle_timeout);
	CHECK_EQ(d.p.max_ack_delay, tp->p.max_ack_delay);
	CHECK_EQ(d.p.max_udp_payload_size, tp->p.max_udp_payload_size);
	CHECK_MEM(&d.p, &tp->p, sizeof(d.p));
	CHECK_MEM(&d, tp, sizeof(d));
	free(buf);
	free(copy);
}

static void t_roundtrip_full_server(int arg)
{
	struct quic_tparams tp;

	(void)arg;
	full(&tp, true);
	roundtrip(&tp, true);
}

static void t_roundtrip_full_client(int arg)
{
	struct quic_tparams tp;

	(void)arg;
	full(&tp, false);
	roundtrip(&tp, false);
}

static void t_roundtrip_minimal(int arg)
{
	struct quic_tparams tp;
	uint8_t buf[64];

	(void)arg;
	base(&tp, false);
	roundtrip(&tp, false);
	if (t_has_failed())
		return;
	/* only initial_source_connection_id is on the wire */
	CHECK_EQ(quic_tparams_encode(buf, sizeof(buf), &tp, false), 2 + 8);
	CHECK_EQ(buf[0], QUIC_TP_INITIAL_SCID);
	base(&tp, true);
	roundtrip(&tp, true);
	/* zero-length CIDs are legal */
	memset(&tp.iscid, 0, sizeof(tp.iscid));
	memset(&tp.odcid, 0, sizeof(tp.odcid));
	roundtrip(&tp, true);
}

static void t_defaults(int arg)
{
	static const uint8_t blob[] = { 0x0f, 0x00 };
	struct quic_tparams d;

	(void)arg;
	CHECK_EQ(quic_tparams_decode(blob, 2, false, &d), 2);
	CHECK_EQ(d.p.max_udp_payload_size, 65527);
	CHECK_EQ(d.p.ack_delay_exponent, 3);
	CHECK_EQ(d.p.max_ack_delay, 25000);
	CHECK_EQ(d.p.active_connection_id_limit, 2);
	CHECK_EQ(d.p.max_idle_timeout, 0);
	CHECK_EQ(d.p.max_data, 0);
	CHECK_EQ(d.p.max_stream_data_bidi_local, 0);
	CHECK_EQ(d.p.max_stream_data_bidi_remote, 0);
	CHECK_EQ(d.p.max_stream_data_uni, 0);
	CHECK_EQ(d.p.max_streams_bidi, 0);
	CHECK_EQ(d.p.max_streams_uni, 0);
	CHECK_EQ(d.p.max_datagram_frame_size, 0);
	CHECK_EQ(d.p.disable_active_migration, 0);
	CHECK_EQ(d.p.grease_quic_bit, 0);
	CHECK_EQ(d.p.disable_1rtt_encryption, 0);
	CHECK_EQ(d.p.stateless_reset, 0);
	CHECK_EQ(d.present, QUIC_TP_HAS_INITIAL_SCID);
	CHECK_EQ(d.iscid.len, 0);
}

static void t_units(int arg)
{
	struct quic_tparams tp, d;
	uint8_t buf[128];
	int n;

	(void)arg;
	base(&tp, false);
	tp.p.max_idle_timeout = 30000000;	/* 30 s -> 30000 ms */
	n = quic_tparams_encode(buf, sizeof(buf), &tp, false);
	CHECK_EQ(n, 6 + 10);
	CHECK_EQ(buf[0], QUIC_TP_MAX_IDLE_TIMEOUT);
	CHECK_EQ(buf[1], 4);
	CHECK_EQ(quic_get_be32(buf + 2), 0x80000000 | 30000);
	/* sub-millisecond values round up, never to 0 (= no timeout) */
	tp.p.max_idle_timeout = 1;
	tp.p.max_ack_delay = 25001;
	n = quic_tparams_encode(buf, sizeof(buf), &tp, false);
	CHECK(n > 0);
	CHECK_EQ(quic_tparams_decode(buf, (size_t)n, false, &d), n);
	CHECK_EQ(d.p.max_idle_timeout, 1000);
	CHECK_EQ(d.p.max_ack_delay, 26000);
	/* 25 ms is the default and is left out */
	tp.p.max_idle_timeout = 0;
	tp.p.max_ack_delay = 24001;
	CHECK_EQ(quic_tparams_encode(buf, sizeof(buf), &tp, false), 10);
}

static void t_clamping(int arg)
{
	/* values wider than struct quic_transport_param are clamped */
	static const char *hex =
		"0f00"
		"0108c0000000ffffffff"	/* idle 2^32-1 ms */
		"0302ffff"		/* max_udp_payload_size 16383 */
		"0304bfffffff"		/* dup: rejected below */;
	static const char *hex2 =
		"0f00"
		"0108c0000000ffffffff"
		"0304bfffffff"		/* 2^30-1 */
		"0808d000000000000000"	/* 2^60 streams */
		"0904bfffffff"
		"0e08c000000000000100"	/* 256 CIDs */
		"2008c000000000010000";	/* 65536 datagram */
	uint8_t buf[128];
	struct quic_tparams d;
	size_t n;

	(void)arg;
	n = t_hex(hex, buf, sizeof(buf));
	CHECK_EQ(quic_tparams_decode(buf, n, false, &d), TPE);
	n = t_hex(hex2, buf, sizeof(buf));
	CHECK_EQ(quic_tparams_decode(buf, n, false, &d), (int)n);
	CHECK_EQ(d.p.max_idle_timeout, 0xffffffffU);
	CHECK_EQ(d.p.max_udp_payload_size, 65527);
	CHECK_EQ(d.p.max_streams_bidi, 65535);
	CHECK_EQ(d.p.max_streams_uni, 65535);
	CHECK_EQ(d.p.active_connection_id_limit, 255);
	CHECK_EQ(d.p.max_datagram_frame_size, 65535);
}

/* one test per parameter: only that one differs from the defaults */
static void p_idle(struct quic_tparams *t) { t->p.max_idle_timeout = 5000; }
static void p_srt(struct quic_tparams *t)
{
	t->present |= QUIC_TP_HAS_RESET_TOKEN;
	t->p.stateless_reset = 1;
	t->token[3] = 3;
}
static void p_udp(struct quic_tparams *t) { t->p.max_udp_payload_size = 1200; }
static void p_data(struct quic_tparams *t) { t->p.max_data = 1; }
static void p_bl(struct quic_tparams *t)
{
	t->p.max_stream_data_bidi_local = 1ULL << 40;
}
static void p_br(struct quic_tparams *t)
{
	t->p.max_stream_data_bidi_remote = 63;
}
static void p_uni(struct quic_tparams *t) { t->p.max_stream_data_uni = 64; }
static void p_sb(struct quic_tparams *t) { t->p.max_streams_bidi = 1; }
static void p_su(struct quic_tparams *t) { t->p.max_streams_uni = 16384; }
static void p_exp(struct quic_tparams *t) { t->p.ack_delay_exponent = 0; }
static void p_mad(struct quic_tparams *t) { t->p.max_ack_delay = 0; }
static void p_dam(struct quic_tparams *t)
{
	t->p.disable_active_migration = 1;
}
static void p_pa(struct quic_tparams *t)
{
	t->present |= QUIC_TP_HAS_PREFERRED_ADDRESS;
	set_cid(&t->pa.cid, 1, 9);
	t->pa.ipv6_port = 65535;
}
static void p_acl(struct quic_tparams *t)
{
	t->p.active_connection_id_limit = 255;
}
static void p_iscid(struct quic_tparams *t) { set_cid(&t->iscid, 20, 1); }
static void p_odcid(struct quic_tparams *t) { set_cid(&t->odcid, 20, 2); }
static void p_rscid(struct quic_tparams *t)
{
	t->present |= QUIC_TP_HAS_RETRY_SCID;
	set_cid(&t->rscid, 0, 0);
}
static void p_vi(struct quic_tparams *t)
{
	t->present |= QUIC_TP_HAS_VERSION_INFO;
	t->vi.chosen = QUIC_VERSION_V2;
}
static void p_dgram(struct quic_tparams *t)
{
	t->p.max_datagram_frame_size = 65535;
}
static void p_grease(struct quic_tparams *t) { t->p.grease_quic_bit = 1; }
static void p_1rtt(struct quic_tparams *t)
{
	t->p.disable_1rtt_encryption = 1;
}

static const struct {
	const char *name;
	void (*set)(struct quic_tparams *t);
	bool server_only;
} params[] = {
	{ "original_destination_connection_id", p_odcid, true },
	{ "max_idle_timeout", p_idle, false },
	{ "stateless_reset_token", p_srt, true },
	{ "max_udp_payload_size", p_udp, false },
	{ "initial_max_data", p_data, false },
	{ "initial_max_stream_data_bidi_local", p_bl, false },
	{ "initial_max_stream_data_bidi_remote", p_br, false },
	{ "initial_max_stream_data_uni", p_uni, false },
	{ "initial_max_streams_bidi", p_sb, false },
	{ "initial_max_streams_uni", p_su, false },
	{ "ack_delay_exponent", p_exp, false },
	{ "max_ack_delay", p_mad, false },
	{ "disable_active_migration", p_dam, false },
	{ "preferred_address", p_pa, true },
	{ "active_connection_id_limit", p_acl, false },
	{ "initial_source_connection_id", p_iscid, false },
	{ "retry_source_connection_id", p_rscid, true },
	{ "version_information", p_vi, false },
	{ "max_datagram_frame_size", p_dgram, false },
	{ "grease_quic_bit", p_grease, false },
	{ "disable_1rtt_encryption", p_1rtt, false },
};

#define NPARAMS ((int)(sizeof(params) / sizeof(params[0])))

static void param_case(int i)
{
	struct quic_tparams tp;
	uint8_t buf[256];

	base(&tp, true);
	params[i].set(&tp);
	roundtrip(&tp, true);
	if (t_has_failed() || !params[i].server_only)
		return;
	/* a client may not send it */
	base(&tp, false);
	params[i].set(&tp);
	if (tp.present & ~QUIC_TP_HAS_INITIAL_SCID)
		CHECK_EQ(quic_tparams_encode(buf, sizeof(buf), &tp, false),
			 -EINVAL);
}

#define ISCID "0f00"
#define ODCID "0000"
#define SRT "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
#define PA_ADDRS "c0000201115c" "20010db8000000000000000000000001" "01bb"

static const struct {
	const char *name;
	const char *hex;
	bool from_server;
	bool ok;
} blobs[] = {
	{ "empty", "", false, false },
	{ "missing_initial_scid", "0a0103", false, false },
	{ "server_missing_original_dcid", ISCID, true, false },
	{ "server_minimal", ISCID ODCID, true, true },
	{ "int_value_shorter_than_length", ISCID "01020500", false, false },
	{ "int_value_longer_than_length", ISCID "01014005", false, false },
	{ "int_value_empty", ISCID "0100", false, false },
	{ "int_value_nonminimal_ok", ISCID "0108c000000000000005", false,
	  true },
	{ "max_udp_payload_size_1199", ISCID "030244af", false, false },
	{ "max_udp_payload_size_1200", ISCID "030244b0", false, true },
	{ "ack_delay_exponent_21", ISCID "0a0115", false, false },
	{ "ack_delay_exponent_20", ISCID "0a0114", false, true },
	{ "max_ack_delay_2^14", ISCID "0b0480004000", false, false },
	{ "max_ack_delay_2^14-1", ISCID "0b027fff", false, true },
	{ "active_connection_id_limit_0", ISCID "0e0100", false, false },
	{ "active_connection_id_limit_1", ISCID "0e0101", false, false },
	{ "active_connection_id_limit_2", ISCID "0e0102", false, true },
	{ "max_streams_bidi_above_2^60", ISCID "0808d000000000000001", false,
	  false },
	{ "max_streams_uni_above_2^60", ISCID "0908d000000000000001", false,
	  false },
	{ "max_streams_bidi_2^60", ISCID "0808d000000000000000", false, true },
	{ "disable_active_migration_with_value", ISCID "0c0100", false,
	  false },
	{ "grease_quic_bit_with_value", ISCID "6ab20100", false, false },
	{ "grease_quic_bit", ISCID "6ab200", false, true },
	{ "disable_1rtt_encryption_with_value", ISCID "8000baad0101", false,
	  false },
	{ "disable_1rtt_encryption", ISCID "8000baad00", false, true },
	{ "stateless_reset_token_from_client", ISCID "0210" SRT, false,
	  false },
	{ "stateless_reset_token_15_bytes", ISCID ODCID "020f"
	  "a0a1a2a3a4a5a6a7a8a9aaabacadae", true, false },
	{ "stateless_reset_token_17_bytes", ISCID ODCID "0211" SRT "00", true,
	  false },
	{ "stateless_reset_token", ISCID ODCID "0210" SRT, true, true },
	{ "original_dcid_from_client", ISCID "000401020304", false, false },
	{ "retry_scid_from_client", ISCID "100401020304", false, false },
	{ "preferred_address_from_client", ISCID "0d2d" PA_ADDRS "04"
	  "0a0b0c0d" SRT, false, false },
	{ "preferred_address", ISCID ODCID "0d2d" PA_ADDRS "04" "0a0b0c0d"
	  SRT, true, true },
	{ "preferred_address_length_short", ISCID ODCID "0d2c" PA_ADDRS "04"
	  "0a0b0c0d" "a0a1a2a3a4a5a6a7a8a9aaabacadae", true, false },
	{ "preferred_address_length_long", ISCID ODCID "0d2e" PA_ADDRS "04"
	  "0a0b0c0d" SRT "00", true, false },
	{ "preferred_address_zero_cid", ISCID ODCID "0d29" PA_ADDRS "00" SRT,
	  true, false },
	{ "preferred_address_cid_21", ISCID ODCID "0d3e" PA_ADDRS "15"
	  "0102030405060708090a0b0c0d0e0f101112131415" SRT, true, false },
	{ "preferred_address_truncated", ISCID ODCID "0d10" PA_ADDRS, true,
	  false },
	{ "initial_scid_21_bytes", "0f15"
	  "0102030405060708090a0b0c0d0e0f101112131415", false, false },
	{ "initial_scid_20_bytes", "0f14"
	  "0102030405060708090a0b0c0d0e0f1011121314", false, true },
	{ "original_dcid_21_bytes", ISCID "0015"
	  "0102030405060708090a0b0c0d0e0f101112131415", true, false },
	{ "retry_scid_21_bytes", ISCID ODCID "1015"
	  "0102030405060708090a0b0c0d0e0f101112131415", true, false },
	{ "version_information_empty", ISCID "1100", false, false },
	{ "version_information_len6", ISCID "1106000000010000", false,
	  false },
	{ "version_information_chosen_0", ISCID "110400000000", false,
	  false },
	{ "version_information_other_0", ISCID "11080000000100000000", false,
	  false },
	{ "version_information", ISCID "110c00000001000000016b3343cf", false,
	  true },
	{ "duplicate_known", ISCID "0a0103" "0a0103", false, false },
	{ "duplicate_initial_scid", ISCID ISCID, false, false },
	{ "duplicate_flag", ISCID "0c00" "0c00", false, false },
	{ "duplicate_private", ISCID "8000baad00" "8000baad00", false, false },
	{ "unknown_and_reserved_skipped", ISCID "1b03aabbcc" "40b6021234"
	  "81d90fdb00" "7fff00" "c0000000deadbeef0101", false, true },
	{ "reserved_id_repeated_ok", ISCID "1b00" "1b00", false, true },
	{ "unknown_truncated_value", ISCID "1b05aa", false, false },
	{ "unknown_huge_length", ISCID "1bbfffffffffffffff", false, false },
	{ "missing_length", ISCID "0a", false, false },
	{ "truncated_id", ISCID "40", false, false },
	{ "max_datagram_frame_size_extra", ISCID "20020000", false, false },
};

#define NBLOBS ((int)(sizeof(blobs) / sizeof(blobs[0])))

static void blob_case(int i)
{
	uint8_t buf[256], *p;
	struct quic_tparams d;
	size_t n = t_hex(blobs[i].hex, buf, sizeof(buf));
	int r;

	p = t_dup(buf, n);
	r = quic_tparams_decode(p, n, blobs[i].from_server, &d);
	free(p);
	if (blobs[i].ok)
		CHECKF(r == (int)n, "%s: got %d", blobs[i].hex, r);
	else
		CHECKF(r == TPE, "%s: got %d", blobs[i].hex, r);
}

static void t_truncation(int arg)
{
	struct quic_tparams tp, d;
	uint8_t buf[512], *p;
	bool boundary[513] = { false };
	size_t k, off = 0;
	int n, r, server;

	(void)arg;
	for (server = 0; server < 2; server++) {
		full(&tp, server);
		n = quic_tparams_encode(buf, sizeof(buf), &tp, server);
		CHECK(n > 0);
		memset(boundary, 0, sizeof(boundary));
		for (off = 0; off < (size_t)n;) {
			uint64_t id, len;
			int a, b;

			boundary[off] = true;
			a = quic_varint_get(buf + off, (size_t)n - off, &id);
			b = quic_varint_get(buf + off + a, (size_t)n - off -
					    (size_t)a, &len);
			CHECK(a > 0 && b > 0);
			off += (size_t)a + (size_t)b + len;
		}
		CHECK_EQ(off, n);
		for (k = 0; k < (size_t)n; k++) {
			p = t_dup(buf, k);
			r = quic_tparams_decode(p, k, server, &d);
			free(p);
			if (!boundary[k])
				CHECKF(r == TPE, "cut at %zu: %d", k, r);
			else
				CHECKF(r == TPE || r == (int)k,
				       "cut at %zu: %d", k, r);
		}
	}
}

static void t_encode_errors(int arg)
{
	struct quic_tparams tp;
	uint8_t buf[512];
	int n;
	size_t k;

	(void)arg;
#define ENC(mod, server, want)						\
	do {								\
		full(&tp, server);					\
		mod;							\
		CHECK_EQ(quic_tparams_encode(buf, sizeof(buf), &tp, server), \
			 want);						\
	} while (0)
	ENC(tp.p.max_udp_payload_size = 1199, true, -EINVAL);
	ENC(tp.p.max_udp_payload_size = 65528, true, -EINVAL);
	ENC(tp.p.ack_delay_exponent = 21, true, -EINVAL);
	ENC(tp.p.max_ack_delay = 16383001, true, -EINVAL);
	ENC(tp.p.active_connection_id_limit = 1, true, -EINVAL);
	ENC(tp.present &= ~QUIC_TP_HAS_INITIAL_SCID, true, -EINVAL);
	ENC(tp.present &= ~QUIC_TP_HAS_ORIGINAL_DCID, true, -EINVAL);
	ENC(tp.present |= QUIC_TP_HAS_ORIGINAL_DCID, false, -EINVAL);
	ENC(tp.iscid.len = 21, true, -EINVAL);
	ENC(tp.odcid.len = 21, true, -EINVAL);
	ENC(tp.rscid.len = 21, true, -EINVAL);
	ENC(tp.pa.cid.len = 0, true, -EINVAL);
	ENC(tp.pa.cid.len = 21, true, -EINVAL);
	ENC(tp.vi.chosen = 0, true, -EINVAL);
	ENC(tp.vi.others[1] = 0, true, -EINVAL);
	ENC(tp.vi.nothers = QUIC_TP_MAX_VERSIONS + 1, true, -EINVAL);
	ENC(tp.p.max_ack_delay = 16383000, true, (int)quic_tparams_encode(
		NULL, 0, &tp, true));
#undef ENC
	full(&tp, true);
	n = quic_tparams_encode(NULL, 0, &tp, true);
	CHECK(n > 0);
	for (k = 0; k < (size_t)n; k++) {
		uint8_t *o = malloc(k ? k : 1);

		CHECK(o);
		CHECKF(quic_tparams_encode(o, k, &tp, true) == -ENOBUFS,
		       "room %zu", k);
		free(o);
	}
}

static void t_many_versions(int arg)
{
	/* more versions than we keep: all validated, first 16 kept */
	uint8_t buf[256];
	struct quic_tparams d;
	size_t n = 0, i;

	(void)arg;
	buf[n++] = 0x0f;
	buf[n++] = 0x00;
	buf[n++] = 0x11;
	buf[n++] = 0x40 | 0;
	buf[n++] = 4 * 21;
	for (i = 0; i < 21; i++) {
		quic_put_be32(buf + n, (uint32_t)(0x1000 + i));
		n += 4;
	}
	CHECK_EQ(quic_tparams_decode(buf, n, false, &d), (int)n);
	CHECK_EQ(d.vi.chosen, 0x1000);
	CHECK_EQ(d.vi.nothers, QUIC_TP_MAX_VERSIONS);
	CHECK_EQ(d.vi.others[15], 0x1000 + 16);
	quic_put_be32(buf + n - 4, 0);
	CHECK_EQ(quic_tparams_decode(buf, n, false, &d), TPE);
}

static void dyn_name(int i, char *buf, size_t len)
{
	if (i < NPARAMS)
		snprintf(buf, len, "tparam/roundtrip/%s", params[i].name);
	else
		snprintf(buf, len, "tparam/decode/%s", blobs[i - NPARAMS].name);
}

static void dyn_fn(int i)
{
	if (i < NPARAMS)
		param_case(i);
	else
		blob_case(i - NPARAMS);
}

static int dyn_count(void)
{
	return NPARAMS + NBLOBS;
}

static const struct t_case cases[] = {
	{ "tparam/roundtrip_all_server", t_roundtrip_full_server, 0 },
	{ "tparam/roundtrip_all_client", t_roundtrip_full_client, 0 },
	{ "tparam/roundtrip_minimal", t_roundtrip_minimal, 0 },
	{ "tparam/rfc_defaults_when_absent", t_defaults, 0 },
	{ "tparam/usec_ms_units", t_units, 0 },
	{ "tparam/clamp_wide_peer_values", t_clamping, 0 },
	{ "tparam/truncated_every_offset", t_truncation, 0 },
	{ "tparam/encode_errors_and_nobufs", t_encode_errors, 0 },
	{ "tparam/version_information_many", t_many_versions, 0 },
	{ NULL, NULL, 0 },
};

const struct t_suite tparam_suite = {
	.cases = cases,
	.count = dyn_count,
	.dyn_name = dyn_name,
	.dyn_fn = dyn_fn,
};
