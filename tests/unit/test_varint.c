// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: variable-length integers and byte helpers (src/kernel/varint.c). */
#include "test.h"
#include "varint.h"

static const struct {
	const char *hex;
	uint64_t val;
} vectors[] = {
	/* RFC 9000 A.1, as listed in shared/spec/vectors.md */
	{ "c2197c5eff14e88c", 151288809941952652ULL },
	{ "9d7f3e7d", 494878333 },
	{ "7bbd", 15293 },
	{ "25", 37 },
	{ "4025", 37 },		/* non-minimal, valid */
};

#define NVEC (sizeof(vectors) / sizeof(vectors[0]))

static void t_vectors(int arg)
{
	uint8_t buf[8], out[8];
	size_t i, n;
	uint64_t v;
	int r;

	(void)arg;
	for (i = 0; i < NVEC; i++) {
		uint8_t *p;

		n = t_hex(vectors[i].hex, buf, sizeof(buf));
		p = t_dup(buf, n);
		r = quic_varint_get(p, n, &v);
		free(p);
		CHECKF(r == (int)n, "%s: got %d", vectors[i].hex, r);
		CHECKF(v == vectors[i].val, "%s: got %llu", vectors[i].hex,
		       (unsigned long long)v);
		if (i == 4)	/* non-minimal: re-encodes minimally */
			continue;
		r = quic_varint_put(out, sizeof(out), v);
		CHECK_EQ(r, n);
		CHECK_MEM(out, buf, n);
	}
}

static void t_boundaries(int arg)
{
	static const struct { uint64_t v; int len; } b[] = {
		{ 0, 1 }, { 63, 1 }, { 64, 2 }, { 16383, 2 }, { 16384, 4 },
		{ 1073741823, 4 }, { 1073741824, 8 },
		{ QUIC_VARINT_MAX, 8 },
	};
	uint8_t buf[8];
	uint64_t v;
	size_t i;

	(void)arg;
	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		CHECK_EQ(quic_varint_len(b[i].v), b[i].len);
		CHECK_EQ(quic_varint_put(buf, sizeof(buf), b[i].v), b[i].len);
		CHECK_EQ(buf[0] >> 6, b[i].len == 1 ? 0 : b[i].len == 2 ? 1 :
			 b[i].len == 4 ? 2 : 3);
		CHECK_EQ(quic_varint_get(buf, b[i].len, &v), b[i].len);
		CHECK_EQ(v, b[i].v);
	}
	CHECK_EQ(quic_varint_len(QUIC_VARINT_MAX + 1), 0);
}

static void t_too_large(int arg)
{
	uint8_t buf[8] = { 0 };

	(void)arg;
	CHECK_EQ(quic_varint_put(buf, 8, QUIC_VARINT_MAX + 1), -EINVAL);
	CHECK_EQ(quic_varint_put(buf, 8, ~0ULL), -EINVAL);
	CHECK_EQ(quic_varint_put_n(buf, 8, 1ULL << 62, 8), -EINVAL);
	CHECK_EQ(buf[0], 0);
}

static void t_nobufs(int arg)
{
	static const uint64_t vals[] = { 5, 300, 70000, 1ULL << 40 };
	size_t i, room;

	(void)arg;
	for (i = 0; i < 4; i++) {
		unsigned int n = quic_varint_len(vals[i]);

		for (room = 0; room < n; room++) {
			uint8_t *p = malloc(room ? room : 1);

			CHECK(p);
			CHECK_EQ(quic_varint_put(p, room, vals[i]), -ENOBUFS);
			free(p);
		}
	}
}

static void t_put_n(int arg)
{
	uint8_t buf[8];
	uint64_t v;
	unsigned int n;

	(void)arg;
	for (n = 1; n <= 8; n *= 2) {
		CHECK_EQ(quic_varint_put_n(buf, 8, 37, n), n);
		CHECK_EQ(quic_varint_get(buf, n, &v), n);
		CHECK_EQ(v, 37);
	}
	CHECK_EQ(quic_varint_put_n(buf, 8, 1, 3), -EINVAL);
	CHECK_EQ(quic_varint_put_n(buf, 8, 1, 0), -EINVAL);
	CHECK_EQ(quic_varint_put_n(buf, 8, 64, 1), -EINVAL);
	CHECK_EQ(quic_varint_put_n(buf, 8, 16384, 2), -EINVAL);
	CHECK_EQ(quic_varint_put_n(buf, 1, 5, 2), -ENOBUFS);
	/* the 2-byte form of 37 is the RFC's non-minimal example */
	CHECK_EQ(quic_varint_put_n(buf, 2, 37, 2), 2);
	CHECK_EQ(buf[0], 0x40);
	CHECK_EQ(buf[1], 0x25);
}

static void t_truncated(int arg)
{
	uint8_t buf[8];
	size_t i, n, k;
	uint64_t v;

	(void)arg;
	for (i = 0; i < NVEC; i++) {
		n = t_hex(vectors[i].hex, buf, sizeof(buf));
		for (k = 0; k < n; k++) {
			uint8_t *p = t_dup(buf, k);

			CHECKF(quic_varint_get(p, k, &v) == 0,
			       "%s cut at %zu", vectors[i].hex, k);
			free(p);
		}
	}
}

static void t_nonminimal(int arg)
{
	/* 37 in all four lengths decodes to 37 */
	static const char *const enc[] = {
		"25", "4025", "80000025", "c000000000000025",
	};
	uint8_t buf[8];
	uint64_t v;
	size_t i, n;

	(void)arg;
	for (i = 0; i < 4; i++) {
		n = t_hex(enc[i], buf, 8);
		CHECK_EQ(quic_varint_get(buf, n, &v), n);
		CHECK_EQ(v, 37);
	}
}

static void t_be_helpers(int arg)
{
	uint8_t b[8];

	(void)arg;
	quic_put_be32(b, 0x6b3343cf);
	CHECK_EQ(quic_get_be32(b), 0x6b3343cf);
	CHECK_EQ(b[0], 0x6b);
	quic_put_be16(b, 0xbeef);
	CHECK_EQ(quic_get_be16(b), 0xbeef);
	quic_put_be(b, 0x2700bff4, 3);
	CHECK_EQ(b[0], 0x00);
	CHECK_EQ(b[2], 0xf4);
	CHECK_EQ(quic_get_be(b, 3), 0x00bff4);
	quic_put_be(b, 0x0102030405060708ULL, 8);
	CHECK_EQ(quic_get_be(b, 8), 0x0102030405060708ULL);
}

static void t_exhaustive_small(int arg)
{
	/* every value below 2^16 and around each boundary round-trips */
	uint8_t buf[8];
	uint64_t v, d;

	(void)arg;
	for (v = 0; v < 70000; v++) {
		int n = quic_varint_put(buf, 8, v);

		CHECK(n > 0);
		CHECK_EQ(quic_varint_get(buf, (size_t)n, &d), n);
		CHECK_EQ(d, v);
	}
	for (v = QUIC_VARINT_MAX - 1000; v <= QUIC_VARINT_MAX; v++) {
		CHECK_EQ(quic_varint_put(buf, 8, v), 8);
		CHECK_EQ(quic_varint_get(buf, 8, &d), 8);
		CHECK_EQ(d, v);
	}
}

static void t_wcur_measure(int arg)
{
	struct quic_wcur w;
	uint8_t buf[4];

	(void)arg;
	quic_wcur_init(&w, NULL, 0);
	quic_wcur_varint(&w, 16384);
	quic_wcur_u8(&w, 1);
	CHECK_EQ(quic_wcur_done(&w), 5);
	quic_wcur_init(&w, buf, sizeof(buf));
	quic_wcur_varint(&w, 16384);
	quic_wcur_u8(&w, 1);
	CHECK_EQ(quic_wcur_done(&w), -ENOBUFS);
	quic_wcur_init(&w, buf, sizeof(buf));
	quic_wcur_varint(&w, 1ULL << 62);
	CHECK_EQ(quic_wcur_done(&w), -EINVAL);
}

static const struct t_case cases[] = {
	{ "varint/rfc9000_a1_vectors", t_vectors, 0 },
	{ "varint/length_boundaries", t_boundaries, 0 },
	{ "varint/encode_rejects_2^62", t_too_large, 0 },
	{ "varint/encode_nobufs", t_nobufs, 0 },
	{ "varint/put_n_forced_length", t_put_n, 0 },
	{ "varint/truncated_every_offset", t_truncated, 0 },
	{ "varint/non_minimal_all_lengths", t_nonminimal, 0 },
	{ "varint/be_helpers", t_be_helpers, 0 },
	{ "varint/roundtrip_range", t_exhaustive_small, 0 },
	{ "varint/write_cursor_measure_and_errors", t_wcur_measure, 0 },
	{ NULL, NULL, 0 },
};

const struct t_suite varint_suite = { .cases = cases };
