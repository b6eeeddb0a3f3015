// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: packet headers and packet numbers (src/kernel/header.c). */
#include "test.h"
#include "header.h"

#define PV (-QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION)

static const uint8_t dcid8[] = { 0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57,
				 0x08 };
static const uint8_t scid8[] = { 0xf0, 0x67, 0xa5, 0x50, 0x2a, 0x42, 0x62,
				 0xb5 };
static const uint8_t cid20[20] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
				   13, 14, 15, 16, 17, 18, 19, 20 };
static const uint8_t cid20b[20] = { 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6,
				    0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc,
				    0xbd, 0xbe, 0xbf, 0xc0, 0xc1, 0xc2,
				    0xc3, 0xc4 };

/* decode from an exact-size heap copy (ASan guards the end) */
static int dec(const uint8_t *b, size_t n, uint8_t dl, uint32_t fl,
	       struct quic_hdr *h, uint8_t **copy)
{
	*copy = t_dup(b, n);
	return quic_hdr_decode(*copy, n, dl, fl, h);
}

static void t_pn_decode_vector(int arg)
{
	(void)arg;
	/* RFC 9000 A.3 / vectors.md */
	CHECK_EQ(quic_pn_decode(0xa82f30ea, 0x9b32, 2), 0xa82f9b32);
	/* RFC 9001 A.5: 654360564 sent as 3 bytes 00bff4 */
	CHECK_EQ(quic_pn_decode(654360563, 0x00bff4, 3), 654360564);
	CHECK_EQ(quic_pn_decode(-1, 0, 1), 0);
	CHECK_EQ(quic_pn_decode(-1, 2, 4), 2);
}

static void t_pn_decode_wrap(int arg)
{
	(void)arg;
	/* candidate too low: move up one window */
	CHECK_EQ(quic_pn_decode(0xff, 0x00, 1), 0x100);
	/* candidate too high: move down one window */
	CHECK_EQ(quic_pn_decode(0x100, 0xff, 1), 0xff);
	/* no wrap below zero */
	CHECK_EQ(quic_pn_decode(0, 0xff, 1), 0xff);
	/* no wrap above 2^62 */
	CHECK_EQ(quic_pn_decode((1LL << 62) - 2, 0x00, 1),
		 ((1ULL << 62) - 2) & ~0xffULL);
	/* an impossible length leaves the number as it is */
	CHECK_EQ(quic_pn_decode(5, 7, 0), 7);
	CHECK_EQ(quic_pn_decode(5, 7, 8), 7);
}

static void t_pn_encode_len(int arg)
{
	(void)arg;
	/* RFC 9000 17.1 examples */
	CHECK_EQ(quic_pn_encode_len(0xac5c02, 0xabe8b3), 2);
	CHECK_EQ(quic_pn_encode_len(0xace8fe, 0xabe8b3), 3);
	CHECK_EQ(quic_pn_encode_len(0, -1), 1);
	CHECK_EQ(quic_pn_encode_len(127, -1), 1);
	CHECK_EQ(quic_pn_encode_len(128, -1), 2);
	CHECK_EQ(quic_pn_encode_len(228, 100), 1);	/* 128 unacked */
	CHECK_EQ(quic_pn_encode_len(229, 100), 2);
	CHECK_EQ(quic_pn_encode_len((1ULL << 31) + 10, 10), 4);
	CHECK_EQ(quic_pn_encode_len((1ULL << 31) + 11, 10), -EINVAL);
	CHECK_EQ(quic_pn_encode_len(5, 5), -EINVAL);
	CHECK_EQ(quic_pn_encode_len(1ULL << 62, -1), -EINVAL);
}

static void t_pn_roundtrip(int arg)
{
	/* encode length + truncation, then A.3 decode: the same number */
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	int i;

	(void)arg;
	for (i = 0; i < 200000; i++) {
		uint64_t acked, pn, gap, dec_pn;
		int64_t largest_rx;
		int n;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		acked = (seed >> 20) & ((1ULL << (i % 40 + 1)) - 1);
		gap = 1 + ((seed >> 4) & ((1ULL << (i % 31)) - 1));
		pn = acked + gap;
		n = quic_pn_encode_len(pn, (int64_t)acked);
		CHECKF(n >= 1 && n <= 4, "pn %llu acked %llu",
		       (unsigned long long)pn, (unsigned long long)acked);
		/* the receiver has seen anything between acked and pn */
		largest_rx = (int64_t)(acked + (seed % gap));
		dec_pn = quic_pn_decode(largest_rx, pn & ((1ULL << (8 * n)) - 1),
					(unsigned int)n);
		CHECKF(dec_pn == pn, "pn %llu acked %llu rx %lld n %d -> %llu",
		       (unsigned long long)pn, (unsigned long long)acked,
		       (long long)largest_rx, n, (unsigned long long)dec_pn);
	}
}

/* RFC 9001 A.2 client Initial and A.3 server Initial, unprotected headers */
static void t_rfc9001_initial_headers(int arg)
{
	uint8_t want[64], buf[64], *p;
	struct quic_hdr h = { 0 }, d;
	size_t n;
	int r;

	(void)arg;
	n = t_hex("c300000001088394c8f03e5157080000449e00000002", want, 64);
	h.type = QUIC_PKT_INITIAL;
	h.version = QUIC_VERSION_V1;
	h.dcid = dcid8;
	h.dcid_len = 8;
	h.length = 0x449e & 0x3fff;
	h.length_len = 2;
	h.pn = 2;
	h.pn_len = 4;
	r = quic_hdr_encode(buf, sizeof(buf), &h);
	CHECK_EQ(r, n);
	CHECK_MEM(buf, want, n);

	/* decode it (Length covers bytes beyond the header: supply them) */
	{
		uint8_t pkt[1300] = { 0 };

		memcpy(pkt, want, n);
		r = dec(pkt, 18 + 1182, 0, 0, &d, &p);
		CHECK_EQ(r, 18);
		CHECK_EQ(d.type, QUIC_PKT_INITIAL);
		CHECK_EQ(d.version, 1);
		CHECK_EQ(d.dcid_len, 8);
		CHECK_MEM(d.dcid, dcid8, 8);
		CHECK_EQ(d.scid_len, 0);
		CHECK_EQ(d.token_len, 0);
		CHECK_EQ(d.length, 1182);
		CHECK_EQ(d.pkt_len, 18 + 1182);
		CHECK_EQ(quic_hdr_decode_pn(&d, p), 4);
		CHECK_EQ(d.pn, 2);
		CHECK_EQ(quic_hdr_check_reserved(&d), 0);
		free(p);
	}

	n = t_hex("c1000000010008f067a5502a4262b50040750001", want, 64);
	memset(&h, 0, sizeof(h));
	h.type = QUIC_PKT_INITIAL;
	h.version = QUIC_VERSION_V1;
	h.scid = scid8;
	h.scid_len = 8;
	h.length = 0x75;
	h.length_len = 2;
	h.pn = 1;
	h.pn_len = 2;
	r = quic_hdr_encode(buf, sizeof(buf), &h);
	CHECK_EQ(r, n);
	CHECK_MEM(buf, want, n);
}

static void t_rfc_retry(int arg)
{
	/* RFC 9001 A.4 (v1) and RFC 9369 A.4 (v2) Retry packets */
	static const char *const pkts[] = {
		"ff000000010008f067a5502a4262b5746f6b656e"
		"04a265ba2eff4d829058fb3f0f2496ba",
		"cf6b3343cf0008f067a5502a4262b5746f6b656e"
		"c8646ce8bfe33952d955543665dcc7b6",
	};
	uint8_t raw[64], buf[64], *p;
	struct quic_hdr d, h;
	int i, r;
	size_t n;

	(void)arg;
	for (i = 0; i < 2; i++) {
		n = t_hex(pkts[i], raw, sizeof(raw));
		r = dec(raw, n, 0, 0, &d, &p);
		CHECK_EQ(r, n);
		CHECK_EQ(d.type, QUIC_PKT_RETRY);
		CHECK_EQ(d.version, i ? QUIC_VERSION_V2 : QUIC_VERSION_V1);
		CHECK_EQ(d.dcid_len, 0);
		CHECK_EQ(d.scid_len, 8);
		CHECK_MEM(d.scid, scid8, 8);
		CHECK_EQ(d.token_len, 5);
		CHECK_MEM(d.token, "token", 5);
		CHECK(d.retry_tag == p + n - 16);
		CHECK_EQ(d.pkt_len, n);
		/* re-encode: same bytes up to the unused bits of byte 0 */
		h = d;
		r = quic_hdr_encode(buf, sizeof(buf), &h);
		free(p);
		CHECK_EQ(r, n - 16);
		CHECK_EQ(buf[0], raw[0] & 0xf0);
		CHECK_MEM(buf + 1, raw + 1, n - 17);
	}
}

static void t_rfc9001_a5_short(int arg)
{
	uint8_t raw[32], *p;
	struct quic_hdr d;
	size_t n;

	(void)arg;
	/* unprotected header 4200bff4 + payload 01 + 16-byte tag */
	n = t_hex("4200bff401000000000000000000000000000000", raw, 32);
	CHECK_EQ(dec(raw, n, 0, 0, &d, &p), 1);
	CHECK_EQ(d.type, QUIC_PKT_1RTT);
	CHECK_EQ(d.spin, 0);
	CHECK_EQ(quic_hdr_decode_pn(&d, p), 3);
	CHECK_EQ(d.key_phase, 0);
	CHECK_EQ(d.pn, 0x00bff4);
	CHECK_EQ(quic_pn_decode(654360563, d.pn, d.pn_len), 654360564);
	CHECK_EQ(d.pkt_len, n);
	free(p);
}

struct hcase {
	const char *name;
	uint8_t type;
	uint32_t version;
	uint8_t dcid_len, scid_len, pn_len;
	size_t token_len;
	uint8_t spin, key_phase;
};

static const struct hcase hcases[] = {
	{ "initial_v1", QUIC_PKT_INITIAL, QUIC_VERSION_V1, 8, 8, 4, 0, 0, 0 },
	{ "initial_v1_token", QUIC_PKT_INITIAL, QUIC_VERSION_V1, 20, 0, 1,
	  70, 0, 0 },
	{ "initial_v2", QUIC_PKT_INITIAL, QUIC_VERSION_V2, 8, 5, 2, 3, 0, 0 },
	{ "0rtt_v1", QUIC_PKT_0RTT, QUIC_VERSION_V1, 18, 20, 3, 0, 0, 0 },
	{ "0rtt_v2", QUIC_PKT_0RTT, QUIC_VERSION_V2, 0, 0, 4, 0, 0, 0 },
	{ "handshake_v1", QUIC_PKT_HANDSHAKE, QUIC_VERSION_V1, 4, 4, 2, 0, 0,
	  0 },
	{ "handshake_v2", QUIC_PKT_HANDSHAKE, QUIC_VERSION_V2, 20, 20, 1, 0,
	  0, 0 },
	{ "retry_v1", QUIC_PKT_RETRY, QUIC_VERSION_V1, 8, 8, 0, 40, 0, 0 },
	{ "retry_v2", QUIC_PKT_RETRY, QUIC_VERSION_V2, 0, 20, 0, 1, 0, 0 },
	{ "short_spin_keyphase", QUIC_PKT_1RTT, 0, 8, 0, 4, 0, 1, 1 },
	{ "short_zero_cid", QUIC_PKT_1RTT, 0, 0, 0, 1, 0, 0, 1 },
	{ "short_cid20", QUIC_PKT_1RTT, 0, 20, 0, 2, 0, 1, 0 },
};

#define NHCASES ((int)(sizeof(hcases) / sizeof(hcases[0])))

static const uint8_t tokbuf[100] = { 0x74, 0x6f, 0x6b, 0x65, 0x6e, 9, 8, 7 };

/* build: header + payload (+ Retry tag), returns total length */
static size_t hbuild(const struct hcase *c, uint8_t *out, size_t max,
		     struct quic_hdr *h, size_t *hlen)
{
	size_t payload = 30;
	int r;

	memset(h, 0, sizeof(*h));
	h->type = c->type;
	h->version = c->version;
	h->dcid = cid20;
	h->dcid_len = c->dcid_len;
	h->scid = cid20b;
	h->scid_len = c->scid_len;
	h->token = tokbuf;
	h->token_len = c->token_len;
	h->pn_len = c->pn_len;
	h->pn = 0x1234567 + c->pn_len;
	h->length = c->pn_len + payload;
	h->spin = c->spin;
	h->key_phase = c->key_phase;
	r = quic_hdr_encode(out, max, h);
	if (r <= 0)
		return 0;
	*hlen = (size_t)r;
	memset(out + r, 0xab, payload);
	if (c->type == QUIC_PKT_RETRY)
		return (size_t)r + QUIC_RETRY_TAG_LEN;
	return (size_t)r + payload;
}

static void hcase_roundtrip(const struct hcase *c)
{
	uint8_t buf[256], *p;
	struct quic_hdr h, d;
	size_t n, hlen = 0;
	int r;

	n = hbuild(c, buf, sizeof(buf), &h, &hlen);
	CHECK(n > 0);
	CHECK_EQ(quic_hdr_encode(NULL, 0, &h), hlen);	/* measure */
	r = dec(buf, n, c->type == QUIC_PKT_1RTT ? c->dcid_len : 0, 0, &d,
		&p);
	CHECKF(r > 0, "decode %d", r);
	CHECK_EQ(d.type, c->type);
	CHECK_EQ(d.dcid_len, c->dcid_len);
	CHECK_MEM(d.dcid, cid20, c->dcid_len);
	CHECK_EQ(d.pkt_len, n);
	if (c->type != QUIC_PKT_1RTT) {
		CHECK_EQ(d.version, c->version);
		CHECK_EQ(d.scid_len, c->scid_len);
		if (c->scid_len)
			CHECK_MEM(d.scid, cid20b, c->scid_len);
		CHECK_EQ(buf[0] & 0x30, quic_hdr_long_type_bits(c->version,
								c->type) << 4);
	}
	if (c->type == QUIC_PKT_RETRY || c->type == QUIC_PKT_INITIAL) {
		CHECK_EQ(d.token_len, c->token_len);
		CHECK_MEM(d.token, tokbuf, c->token_len);
	}
	if (c->type == QUIC_PKT_RETRY) {
		CHECK_EQ(r, n);
		CHECK_EQ(quic_hdr_decode_pn(&d, p), PV);
		free(p);
		return;
	}
	CHECK_EQ(d.pn_offset, hlen - c->pn_len);
	CHECK_EQ(r, d.pn_offset);
	CHECK_EQ(c->type == QUIC_PKT_1RTT ? d.spin : 0, c->spin);
	CHECK_EQ(quic_hdr_decode_pn(&d, p), c->pn_len);
	CHECK_EQ(d.pn_len, c->pn_len);
	CHECK_EQ(d.pn, h.pn & ((1ULL << (8 * c->pn_len)) - 1));
	CHECK_EQ(d.key_phase, c->key_phase);
	CHECK_EQ(quic_hdr_check_reserved(&d), 0);
	CHECK_EQ(d.length, c->type == QUIC_PKT_1RTT ? n - d.pn_offset :
		 h.length);
	free(p);
}

static void hcase_truncate(const struct hcase *c)
{
	uint8_t buf[256], *p;
	struct quic_hdr h, d;
	size_t n, k, hlen = 0;
	uint8_t dl = c->type == QUIC_PKT_1RTT ? c->dcid_len : 0;
	int r;

	n = hbuild(c, buf, sizeof(buf), &h, &hlen);
	CHECK(n > 0);
	for (k = 0; k < n; k++) {
		r = dec(buf, k, dl, 0, &d, &p);
		free(p);
		if (c->type == QUIC_PKT_1RTT) {
			/* the packet number is read after HP removal */
			CHECKF(k <= hlen - c->pn_len ? (r == PV) == (k < 1u + dl)
			       : r > 0, "cut at %zu: %d", k, r);
			continue;
		}
		/* long headers: the Length field or the Retry tag makes
		 * every cut detectable, except a Retry token getting shorter
		 */
		if (c->type == QUIC_PKT_RETRY && k > hlen - c->token_len +
		    QUIC_RETRY_TAG_LEN)
			CHECKF(r == (int)k, "cut at %zu: %d", k, r);
		else
			CHECKF(r == PV, "cut at %zu: %d", k, r);
	}
}

static void hcase_nobufs(const struct hcase *c)
{
	uint8_t buf[256];
	struct quic_hdr h;
	size_t n, k, hlen = 0;

	n = hbuild(c, buf, sizeof(buf), &h, &hlen);
	CHECK(n > 0);
	for (k = 0; k < hlen; k++) {
		uint8_t *o = malloc(k ? k : 1);

		CHECK(o);
		CHECKF(quic_hdr_encode(o, k, &h) == -ENOBUFS, "room %zu", k);
		free(o);
	}
}

static void t_vn(int arg)
{
	static const uint32_t vers[] = { QUIC_VERSION_V2, QUIC_VERSION_V1,
					 0x1a2a3a4a };
	uint8_t buf[128], *p;
	struct quic_hdr d;
	int r, i;
	size_t k;

	(void)arg;
	r = quic_vn_encode(buf, sizeof(buf), 0x15, cid20, 20, scid8, 8, vers,
			   3);
	CHECK_EQ(r, 7 + 20 + 8 + 12);
	CHECK_EQ(buf[0], 0xc0 | 0x15);
	CHECK_EQ(dec(buf, (size_t)r, 0, 0, &d, &p), r);
	CHECK_EQ(d.type, QUIC_PKT_VERSION_NEG);
	CHECK_EQ(d.nversions, 3);
	for (i = 0; i < 3; i++)
		CHECK_EQ(quic_hdr_vn_version(&d, (size_t)i), vers[i]);
	CHECK_EQ(quic_hdr_vn_version(&d, 3), 0);
	CHECK_MEM(d.scid, scid8, 8);
	free(p);
	/* every cut: error, or a shorter list on a 4-byte boundary */
	for (k = 0; k < (size_t)r; k++) {
		int e = dec(buf, k, 0, 0, &d, &p);

		free(p);
		if (k > 35 && (k - 35) % 4 == 0)
			CHECKF(e == (int)k && d.nversions == (k - 35) / 4,
			       "cut %zu", k);
		else
			CHECKF(e == PV, "cut %zu: %d", k, e);
	}
	CHECK_EQ(quic_vn_encode(buf, sizeof(buf), 0, NULL, 0, NULL, 0, vers,
				0), -EINVAL);
	CHECK_EQ(quic_vn_encode(buf, 20, 0, cid20, 20, NULL, 0, vers, 1),
		 -ENOBUFS);
}

static void t_unsupported_version(int arg)
{
	/* RFC 8999: any version, CIDs up to 255 bytes, invariants only */
	uint8_t buf[600], *p;
	struct quic_hdr d;

	(void)arg;
	memset(buf, 0x5a, sizeof(buf));
	buf[0] = 0xc0;
	quic_put_be32(buf + 1, 0x0a0a0a0a);
	buf[5] = 255;
	buf[5 + 1 + 255] = 200;
	CHECK_EQ(dec(buf, sizeof(buf), 0, 0, &d, &p), 5 + 1 + 255 + 1 + 200);
	CHECK_EQ(d.type, QUIC_PKT_UNSUPPORTED);
	CHECK_EQ(d.version, 0x0a0a0a0a);
	CHECK_EQ(d.dcid_len, 255);
	CHECK_EQ(d.scid_len, 200);
	free(p);
	/* but v1 with a 21-byte CID is malformed */
	quic_put_be32(buf + 1, QUIC_VERSION_V1);
	buf[5] = 21;
	buf[27] = 0;
	CHECK_EQ(dec(buf, sizeof(buf), 0, 0, &d, &p), PV);
	free(p);
	buf[5] = 0;
	buf[6] = 21;
	CHECK_EQ(dec(buf, sizeof(buf), 0, 0, &d, &p), PV);
	free(p);
	/* truncated CID of an unknown version */
	quic_put_be32(buf + 1, 0xabcd0000);
	buf[5] = 255;
	CHECK_EQ(dec(buf, 100, 0, 0, &d, &p), PV);
	free(p);
}

static void t_fixed_bit(int arg)
{
	static const uint8_t s[] = { 0x00, 1, 2, 3, 4, 5 };
	uint8_t buf[64], *p;
	struct quic_hdr h = { 0 }, d;
	int r;

	(void)arg;
	CHECK_EQ(dec(s, sizeof(s), 2, 0, &d, &p), PV);
	free(p);
	CHECK_EQ(dec(s, sizeof(s), 2, QUIC_HDR_F_GREASE_OK, &d, &p), 3);
	free(p);
	h.type = QUIC_PKT_HANDSHAKE;
	h.version = QUIC_VERSION_V1;
	h.pn_len = 1;
	h.length = 1;
	r = quic_hdr_encode(buf, sizeof(buf), &h);
	CHECK(r > 0);
	buf[0] &= (uint8_t)~QUIC_HDR_FIXED_BIT;
	CHECK_EQ(dec(buf, (size_t)r, 0, 0, &d, &p), PV);
	free(p);
	CHECK_EQ(dec(buf, (size_t)r, 0, QUIC_HDR_F_GREASE_OK, &d, &p), r - 1);
	free(p);
}

static void t_reserved_bits(int arg)
{
	uint8_t l[] = { 0xc0 | 0x0c, 0, 0, 0, 1, 0, 0, 2, 0, 0 };
	uint8_t s[] = { 0x40 | 0x18, 7 };
	struct quic_hdr d;

	(void)arg;
	/* Handshake v1: type bits 10 */
	l[0] |= 0x20;
	CHECK_EQ(quic_hdr_decode(l, sizeof(l), 0, 0, &d), 8);
	CHECK_EQ(quic_hdr_decode_pn(&d, l), 1);
	CHECK_EQ(quic_hdr_check_reserved(&d), PV);
	CHECK_EQ(quic_hdr_decode(s, sizeof(s), 0, 0, &d), 1);
	CHECK_EQ(quic_hdr_decode_pn(&d, s), 1);
	CHECK_EQ(quic_hdr_check_reserved(&d), PV);
	s[0] = 0x40 | 0x04;
	CHECK_EQ(quic_hdr_decode(s, sizeof(s), 0, 0, &d), 1);
	CHECK_EQ(quic_hdr_decode_pn(&d, s), 1);
	CHECK_EQ(quic_hdr_check_reserved(&d), 0);
	CHECK_EQ(d.key_phase, 1);
}

static void t_pn_len_exceeds_length(int arg)
{
	/* Handshake with Length 2 but pn_len 4 after HP removal */
	uint8_t l[] = { 0xe3, 0, 0, 0, 1, 0, 0, 2, 0, 0 };
	uint8_t s[] = { 0x43, 7, 7 };
	struct quic_hdr d;

	(void)arg;
	CHECK_EQ(quic_hdr_decode(l, sizeof(l), 0, 0, &d), 8);
	CHECK_EQ(quic_hdr_decode_pn(&d, l), PV);
	CHECK_EQ(quic_hdr_decode(s, sizeof(s), 0, 0, &d), 1);
	CHECK_EQ(quic_hdr_decode_pn(&d, s), PV);
}

static void t_length_exceeds(int arg)
{
	uint8_t l[] = { 0xe0, 0, 0, 0, 1, 0, 0, 3, 0, 0 };
	struct quic_hdr d;

	(void)arg;
	CHECK_EQ(quic_hdr_decode(l, sizeof(l), 0, 0, &d), PV);
	l[7] = 2;
	CHECK_EQ(quic_hdr_decode(l, sizeof(l), 0, 0, &d), 8);
	/* token length beyond the packet */
	{
		uint8_t i[] = { 0xc0, 0, 0, 0, 1, 0, 0, 0x44, 0, 1, 0 };

		CHECK_EQ(quic_hdr_decode(i, sizeof(i), 0, 0, &d), PV);
	}
}

static void t_coalesced(int arg)
{
	uint8_t buf[256];
	struct quic_hdr h = { 0 }, d;
	size_t off = 0, n1, n2;
	int r;

	(void)arg;
	h.type = QUIC_PKT_INITIAL;
	h.version = QUIC_VERSION_V2;
	h.dcid = dcid8;
	h.dcid_len = 8;
	h.pn_len = 2;
	h.length = 2 + 40;
	r = quic_hdr_encode(buf, sizeof(buf), &h);
	CHECK(r > 0);
	n1 = (size_t)r + 40;
	h.type = QUIC_PKT_HANDSHAKE;
	h.length = 2 + 10;
	r = quic_hdr_encode(buf + n1, sizeof(buf) - n1, &h);
	CHECK(r > 0);
	n2 = (size_t)r + 10;
	h.type = QUIC_PKT_1RTT;
	r = quic_hdr_encode(buf + n1 + n2, sizeof(buf) - n1 - n2, &h);
	CHECK(r > 0);
	CHECK(quic_hdr_decode(buf, n1 + n2 + (size_t)r + 5, 8, 0, &d) > 0);
	CHECK_EQ(d.type, QUIC_PKT_INITIAL);
	CHECK_EQ(d.pkt_len, n1);
	off = d.pkt_len;
	CHECK(quic_hdr_decode(buf + off, n2 + (size_t)r + 5, 8, 0, &d) > 0);
	CHECK_EQ(d.type, QUIC_PKT_HANDSHAKE);
	CHECK_EQ(d.pkt_len, n2);
	off += d.pkt_len;
	CHECK_EQ(quic_hdr_decode(buf + off, (size_t)r + 5, 8, 0, &d), 9);
	CHECK_EQ(d.type, QUIC_PKT_1RTT);
}

static void t_malformed_long(int arg)
{
	struct quic_hdr d;
	/* Retry with an empty token: only the tag after the CIDs */
	uint8_t retry[7 + 16] = { 0xf0, 0, 0, 0, 1, 0, 0 };
	uint8_t vn_odd[] = { 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2 };
	uint8_t vn_empty[] = { 0x80, 0, 0, 0, 0, 0, 0 };

	(void)arg;
	CHECK_EQ(quic_hdr_decode(retry, sizeof(retry), 0, 0, &d), PV);
	CHECK_EQ(quic_hdr_decode(vn_odd, sizeof(vn_odd), 0, 0, &d), PV);
	CHECK_EQ(quic_hdr_decode(vn_empty, sizeof(vn_empty), 0, 0, &d), PV);
	CHECK_EQ(quic_hdr_decode(retry, 0, 0, 0, &d), PV);
	CHECK_EQ(quic_hdr_decode(retry, 1, 0, 0, &d), PV);
	/* short header with an impossible CID length */
	CHECK_EQ(quic_hdr_decode(vn_odd, sizeof(vn_odd), 21, 0, &d), PV);
	/* a short header shorter than our CID */
	vn_odd[0] = 0x40;
	CHECK_EQ(quic_hdr_decode(vn_odd, 5, 8, 0, &d), PV);
}

static void t_encode_errors(int arg)
{
	uint8_t buf[128];
	struct quic_hdr h = { 0 };

	(void)arg;
	h.type = QUIC_PKT_INITIAL;
	h.version = QUIC_VERSION_V1;
	h.pn_len = 0;
	CHECK_EQ(quic_hdr_encode(buf, sizeof(buf), &h), -EINVAL);
	h.pn_len = 5;
	CHECK_EQ(quic_hdr_encode(buf, sizeof(buf), &h), -EINVAL);
	h.pn_len = 1;
	h.dcid = cid20;
	h.dcid_len = 21;
	CHECK_EQ(quic_hdr_encode(buf, sizeof(buf), &h), -EINVAL);
	h.dcid_len = 0;
	h.scid_len = 21;
	CHECK_EQ(quic_hdr_encode(buf, sizeof(buf), &h), -EINVAL);
	h.scid_len = 0;
	h.version = 0x12345678;
	CHECK_EQ(quic_hdr_encode(buf, sizeof(buf), &h), -EINVAL);
	h.version = QUIC_VERSION_V1;
	h.type = QUIC_PKT_VERSION_NEG;
	CHECK_EQ(quic_hdr_encode(buf, sizeof(buf), &h), -EINVAL);
	h.type = QUIC_PKT_RETRY;
	CHECK_EQ(quic_hdr_encode(buf, sizeof(buf), &h), -EINVAL);
	h.type = QUIC_PKT_HANDSHAKE;
	h.length = 1ULL << 62;
	CHECK_EQ(quic_hdr_encode(buf, sizeof(buf), &h), -EINVAL);
	h.length = 100;
	h.length_len = 1;	/* 100 needs 2 bytes */
	CHECK_EQ(quic_hdr_encode(buf, sizeof(buf), &h), -EINVAL);
	h.length_len = 4;
	CHECK_EQ(quic_hdr_encode(buf, sizeof(buf), &h), 7 + 4 + 1);
	CHECK_EQ(quic_hdr_long_type_bits(QUIC_VERSION_V1, QUIC_PKT_1RTT),
		 -EINVAL);
}

static void t_type_bits(int arg)
{
	(void)arg;
	CHECK_EQ(quic_hdr_long_type_bits(QUIC_VERSION_V1, QUIC_PKT_INITIAL), 0);
	CHECK_EQ(quic_hdr_long_type_bits(QUIC_VERSION_V1, QUIC_PKT_0RTT), 1);
	CHECK_EQ(quic_hdr_long_type_bits(QUIC_VERSION_V1, QUIC_PKT_HANDSHAKE),
		 2);
	CHECK_EQ(quic_hdr_long_type_bits(QUIC_VERSION_V1, QUIC_PKT_RETRY), 3);
	/* RFC 9369 3.2 / vectors.md: 0b01, 0b10, 0b11, 0b00 */
	CHECK_EQ(quic_hdr_long_type_bits(QUIC_VERSION_V2, QUIC_PKT_INITIAL), 1);
	CHECK_EQ(quic_hdr_long_type_bits(QUIC_VERSION_V2, QUIC_PKT_0RTT), 2);
	CHECK_EQ(quic_hdr_long_type_bits(QUIC_VERSION_V2, QUIC_PKT_HANDSHAKE),
		 3);
	CHECK_EQ(quic_hdr_long_type_bits(QUIC_VERSION_V2, QUIC_PKT_RETRY), 0);
	CHECK(quic_version_supported(QUIC_VERSION_V1));
	CHECK(quic_version_supported(QUIC_VERSION_V2));
	CHECK(!quic_version_supported(0));
	CHECK(!quic_version_supported(0xff00001d));
}

static void t_retry_pseudo(int arg)
{
	uint8_t raw[64], out[96];
	size_t n;
	int r;

	(void)arg;
	/* RFC 9001 A.4: ODCID 8394c8f03e515708, Retry without its tag */
	n = t_hex("ff000000010008f067a5502a4262b5746f6b656e", raw, 64);
	r = quic_retry_pseudo_encode(out, sizeof(out), dcid8, 8, raw, n);
	CHECK_EQ(r, 1 + 8 + n);
	CHECK_EQ(out[0], 8);
	CHECK_MEM(out + 1, dcid8, 8);
	CHECK_MEM(out + 9, raw, n);
	CHECK_EQ(quic_retry_pseudo_encode(out, 10, dcid8, 8, raw, n), -ENOBUFS);
	CHECK_EQ(quic_retry_pseudo_encode(out, 96, cid20, 21, raw, n), -EINVAL);
}

static void dyn_name(int i, char *buf, size_t len)
{
	static const char *const kind[] = { "roundtrip", "truncate",
					    "encode_nobufs" };

	snprintf(buf, len, "header/%s/%s", kind[i / NHCASES],
		 hcases[i % NHCASES].name);
}

static void dyn_fn(int i)
{
	const struct hcase *c = &hcases[i % NHCASES];

	switch (i / NHCASES) {
	case 0:
		hcase_roundtrip(c);
		break;
	case 1:
		hcase_truncate(c);
		break;
	default:
		hcase_nobufs(c);
	}
}

static int dyn_count(void)
{
	return 3 * NHCASES;
}

static const struct t_case cases[] = {
	{ "header/pn_decode_rfc9000_a3_vector", t_pn_decode_vector, 0 },
	{ "header/pn_decode_window_edges", t_pn_decode_wrap, 0 },
	{ "header/pn_encode_len_rfc9000_17.1", t_pn_encode_len, 0 },
	{ "header/pn_encode_decode_property", t_pn_roundtrip, 0 },
	{ "header/rfc9001_initial_headers", t_rfc9001_initial_headers, 0 },
	{ "header/rfc9001_rfc9369_retry", t_rfc_retry, 0 },
	{ "header/rfc9001_a5_short_header", t_rfc9001_a5_short, 0 },
	{ "header/version_negotiation", t_vn, 0 },
	{ "header/unsupported_version_invariants", t_unsupported_version, 0 },
	{ "header/fixed_bit_and_grease", t_fixed_bit, 0 },
	{ "header/reserved_bits_protocol_violation", t_reserved_bits, 0 },
	{ "header/pn_len_exceeds_packet", t_pn_len_exceeds_length, 0 },
	{ "header/length_exceeds_datagram", t_length_exceeds, 0 },
	{ "header/coalesced_packets", t_coalesced, 0 },
	{ "header/malformed_retry_vn_short", t_malformed_long, 0 },
	{ "header/encode_errors", t_encode_errors, 0 },
	{ "header/v1_v2_type_bits", t_type_bits, 0 },
	{ "header/retry_pseudo_packet", t_retry_pseudo, 0 },
	{ NULL, NULL, 0 },
};

const struct t_suite header_suite = {
	.cases = cases,
	.count = dyn_count,
	.dyn_name = dyn_name,
	.dyn_fn = dyn_fn,
};
