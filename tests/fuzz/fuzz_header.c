// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer harness: packet header decode, re-encode, re-decode. */
#include "fuzz.h"

#define PV (-QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION)

static void same_cids(const struct quic_hdr *a, const struct quic_hdr *b)
{
	FUZZ_ASSERT(a->dcid_len == b->dcid_len);
	FUZZ_ASSERT(!a->dcid_len || !memcmp(a->dcid, b->dcid, a->dcid_len));
	FUZZ_ASSERT(a->scid_len == b->scid_len);
	FUZZ_ASSERT(!a->scid_len || !memcmp(a->scid, b->scid, a->scid_len));
}

static void check_vn(const struct quic_hdr *h)
{
	uint32_t vers[64];
	uint8_t out[1 + 4 + 1 + 255 + 1 + 255 + 64 * 4];	/* longest VN */
	struct quic_hdr d;
	size_t i, n = h->nversions < 64 ? h->nversions : 64;
	int r;

	for (i = 0; i < n; i++)
		vers[i] = quic_hdr_vn_version(h, i);
	r = quic_vn_encode(out, sizeof(out), h->first & 0x3f, h->dcid,
			   h->dcid_len, h->scid, h->scid_len, vers, n);
	FUZZ_ASSERT(r > 0);
	FUZZ_ASSERT(quic_hdr_decode(out, (size_t)r, 0, 0, &d) == r);
	FUZZ_ASSERT(d.type == QUIC_PKT_VERSION_NEG && d.nversions == n);
	same_cids(h, &d);
	for (i = 0; i < n; i++)
		FUZZ_ASSERT(quic_hdr_vn_version(&d, i) == vers[i]);
}

static void check_retry(const struct quic_hdr *h)
{
	uint8_t *out = malloc(h->pkt_len + 1);
	struct quic_hdr d;
	int r;

	FUZZ_ASSERT(out);
	r = quic_hdr_encode(out, h->pkt_len, h);
	FUZZ_ASSERT(r > 0 && (size_t)r + QUIC_RETRY_TAG_LEN == h->pkt_len);
	memcpy(out + r, h->retry_tag, QUIC_RETRY_TAG_LEN);
	FUZZ_ASSERT(quic_hdr_decode(out, h->pkt_len, 0, 0, &d) ==
		    (int)h->pkt_len);
	FUZZ_ASSERT(d.type == QUIC_PKT_RETRY && d.version == h->version);
	same_cids(h, &d);
	FUZZ_ASSERT(d.token_len == h->token_len);
	FUZZ_ASSERT(!memcmp(d.token, h->token, h->token_len));
	FUZZ_ASSERT(!memcmp(d.retry_tag, h->retry_tag, QUIC_RETRY_TAG_LEN));
	free(out);
}

static void check_pn_packet(struct quic_hdr *h, const uint8_t *pkt,
			    uint8_t dl, uint32_t flags)
{
	size_t rest, total;
	struct quic_hdr d;
	uint8_t *out;
	int r, hl;

	r = quic_hdr_decode_pn(h, pkt);
	if (r < 0) {
		FUZZ_ASSERT(r == PV);
		return;
	}
	FUZZ_ASSERT(r >= 1 && r <= 4 && h->pn_offset + r <= h->pkt_len);
	(void)quic_hdr_check_reserved(h);
	rest = h->pkt_len - h->pn_offset - h->pn_len;
	hl = quic_hdr_encode(NULL, 0, h);
	FUZZ_ASSERT(hl > 0);
	total = (size_t)hl + rest;
	out = malloc(total + 1);
	FUZZ_ASSERT(out);
	FUZZ_ASSERT(quic_hdr_encode(out, total, h) == hl);
	memcpy(out + hl, pkt + h->pn_offset + h->pn_len, rest);
	r = quic_hdr_decode(out, total, dl, flags, &d);
	FUZZ_ASSERT(r > 0 && d.type == h->type && d.pkt_len == total);
	FUZZ_ASSERT(quic_hdr_decode_pn(&d, out) == h->pn_len);
	FUZZ_ASSERT(d.version == h->version && d.pn == h->pn);
	FUZZ_ASSERT(d.length == h->length && d.token_len == h->token_len);
	FUZZ_ASSERT(!h->token_len || !memcmp(d.token, h->token,
					     h->token_len));
	FUZZ_ASSERT(d.key_phase == h->key_phase && d.spin == h->spin);
	FUZZ_ASSERT(d.reserved == 0);
	same_cids(h, &d);
	free(out);
}

int fuzz_header_one(const uint8_t *data, size_t size)
{
	struct quic_hdr h;
	uint32_t flags;
	uint8_t dl;
	int r;

	if (size < 1)
		return 0;
	/* first byte: short-header CID length and the grease flag */
	dl = data[0] % (QUIC_CID_MAX_LEN + 1);
	flags = (data[0] & 0x80) ? QUIC_HDR_F_GREASE_OK : 0;
	data++;
	size--;
	r = quic_hdr_decode(data, size, dl, flags, &h);
	if (r < 0) {
		FUZZ_ASSERT(r == PV);
		return 0;
	}
	FUZZ_ASSERT((size_t)r <= size && h.pkt_len <= size);
	switch (h.type) {
	case QUIC_PKT_VERSION_NEG:
		check_vn(&h);
		break;
	case QUIC_PKT_RETRY:
		check_retry(&h);
		break;
	case QUIC_PKT_UNSUPPORTED:
		FUZZ_ASSERT(h.pn_offset <= size);
		break;
	default:
		FUZZ_ASSERT(h.type <= QUIC_PKT_1RTT);
		check_pn_packet(&h, data, dl, flags);
	}
	return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_header_one(data, size);
}
#endif
