// SPDX-License-Identifier: GPL-2.0-or-later
/* QUIC packet header and packet number encoding and decoding. */

#include "header.h"

#define QUIC_HDR_ERR	(-QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION)

/* long header type bits per version: index enum quic_pkt_type */
static const u8 quic_v1_type_bits[] = {
	[QUIC_PKT_INITIAL] = 0, [QUIC_PKT_0RTT] = 1,
	[QUIC_PKT_HANDSHAKE] = 2, [QUIC_PKT_RETRY] = 3,
};

static const u8 quic_v2_type_bits[] = {
	[QUIC_PKT_INITIAL] = 1, [QUIC_PKT_0RTT] = 2,
	[QUIC_PKT_HANDSHAKE] = 3, [QUIC_PKT_RETRY] = 0,
};

/**
 * quic_version_supported - is @version one whose packets we can parse
 * @version: QUIC version from a long header
 *
 * Return: true for QUIC_VERSION_V1 and QUIC_VERSION_V2.
 */
bool quic_version_supported(u32 version)
{
	return version == QUIC_VERSION_V1 || version == QUIC_VERSION_V2;
}

/**
 * quic_hdr_long_type_bits - long header type bits of a packet type
 * @version: QUIC_VERSION_V1 or QUIC_VERSION_V2
 * @type: QUIC_PKT_INITIAL, _0RTT, _HANDSHAKE or _RETRY
 *
 * Return: the two type bits (0..3), or -EINVAL.
 */
int quic_hdr_long_type_bits(u32 version, u8 type)
{
	if (type != QUIC_PKT_INITIAL && type != QUIC_PKT_0RTT &&
	    type != QUIC_PKT_HANDSHAKE && type != QUIC_PKT_RETRY)
		return -EINVAL;
	if (version == QUIC_VERSION_V1)
		return quic_v1_type_bits[type];
	if (version == QUIC_VERSION_V2)
		return quic_v2_type_bits[type];
	return -EINVAL;
}

static u8 quic_hdr_long_type(u32 version, unsigned int bits)
{
	u8 t;

	for (t = QUIC_PKT_INITIAL; t <= QUIC_PKT_RETRY; t++) {
		if (t == QUIC_PKT_1RTT)
			continue;
		if (quic_hdr_long_type_bits(version, t) == (int)bits)
			break;
	}
	return t;
}

static int quic_hdr_decode_long(struct quic_rcur *c, size_t len, u32 flags,
				struct quic_hdr *hdr)
{
	u64 v;

	if (!quic_rcur_be32(c, &hdr->version) ||
	    !quic_rcur_u8(c, &hdr->dcid_len) ||
	    !quic_rcur_bytes(c, hdr->dcid_len, &hdr->dcid) ||
	    !quic_rcur_u8(c, &hdr->scid_len) ||
	    !quic_rcur_bytes(c, hdr->scid_len, &hdr->scid))
		return QUIC_HDR_ERR;

	if (!hdr->version) {
		/* Version Negotiation: a non-empty list of 4-byte versions */
		if (!c->left || c->left % 4)
			return QUIC_HDR_ERR;
		hdr->type = QUIC_PKT_VERSION_NEG;
		hdr->versions = c->p;
		hdr->nversions = c->left / 4;
		hdr->pkt_len = len;
		return len;
	}
	if (!quic_version_supported(hdr->version)) {
		hdr->type = QUIC_PKT_UNSUPPORTED;
		hdr->pkt_len = len;
		hdr->pn_offset = len - c->left;
		return hdr->pn_offset;
	}
	if (hdr->dcid_len > QUIC_CID_MAX_LEN ||
	    hdr->scid_len > QUIC_CID_MAX_LEN)
		return QUIC_HDR_ERR;
	if (!(hdr->first & QUIC_HDR_FIXED_BIT) &&
	    !(flags & QUIC_HDR_F_GREASE_OK))
		return QUIC_HDR_ERR;

	hdr->type = quic_hdr_long_type(hdr->version,
				       (hdr->first & QUIC_HDR_LONG_TYPE_MASK)
				       >> 4);
	if (hdr->type == QUIC_PKT_RETRY) {
		/* token (never empty, RFC 9000 17.2.5.2) and integrity tag */
		if (c->left <= QUIC_RETRY_TAG_LEN)
			return QUIC_HDR_ERR;
		hdr->token = c->p;
		hdr->token_len = c->left - QUIC_RETRY_TAG_LEN;
		hdr->retry_tag = c->p + hdr->token_len;
		hdr->pkt_len = len;
		return len;
	}
	if (hdr->type == QUIC_PKT_INITIAL) {
		if (!quic_rcur_varint(c, &v) ||
		    !quic_rcur_bytes(c, v, &hdr->token))
			return QUIC_HDR_ERR;
		hdr->token_len = v;
	}
	if (!quic_rcur_varint(c, &hdr->length) || hdr->length > c->left)
		return QUIC_HDR_ERR;
	hdr->pn_offset = len - c->left;
	hdr->pkt_len = hdr->pn_offset + hdr->length;
	return hdr->pn_offset;
}

/**
 * quic_hdr_decode - parse the header protection-free part of a packet
 * @buf: start of the packet (a datagram may hold more coalesced packets)
 * @len: bytes from @buf to the end of the datagram
 * @short_dcid_len: length of our connection IDs, for short headers (the
 *	short header does not carry it)
 * @flags: QUIC_HDR_F_*
 * @hdr: output; everything up to the packet number. For Retry, Version
 *	Negotiation and unsupported versions the whole packet is parsed.
 *
 * The packet number and the protected first-byte bits are read by
 * quic_hdr_decode_pn() once header protection is removed. The next
 * coalesced packet starts at @hdr->pkt_len.
 *
 * Return: bytes consumed (@hdr->pn_offset; for Retry and Version
 * Negotiation the whole packet), or -QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION
 * for a truncated or malformed header (RFC 9000: drop the packet, or the
 * rest of the datagram).
 */
int quic_hdr_decode(const u8 *buf, size_t len, u8 short_dcid_len, u32 flags,
		    struct quic_hdr *hdr)
{
	struct quic_rcur c;

	memset(hdr, 0, sizeof(*hdr));
	quic_rcur_init(&c, buf, len);
	if (!quic_rcur_u8(&c, &hdr->first))
		return QUIC_HDR_ERR;
	if (hdr->first & QUIC_HDR_FORM_LONG)
		return quic_hdr_decode_long(&c, len, flags, hdr);

	if (short_dcid_len > QUIC_CID_MAX_LEN)
		return QUIC_HDR_ERR;
	if (!(hdr->first & QUIC_HDR_FIXED_BIT) &&
	    !(flags & QUIC_HDR_F_GREASE_OK))
		return QUIC_HDR_ERR;
	hdr->type = QUIC_PKT_1RTT;
	hdr->spin = !!(hdr->first & QUIC_HDR_SPIN_BIT);
	hdr->dcid_len = short_dcid_len;
	if (!quic_rcur_bytes(&c, short_dcid_len, &hdr->dcid))
		return QUIC_HDR_ERR;
	hdr->pn_offset = len - c.left;
	hdr->pkt_len = len;
	hdr->length = c.left;
	return hdr->pn_offset;
}

/**
 * quic_hdr_decode_pn - read the protected header fields
 * @hdr: header from quic_hdr_decode() of an Initial, 0-RTT, Handshake or
 *	1-RTT packet
 * @pkt: the same packet, header protection removed (first byte and packet
 *	number unmasked)
 *
 * Sets @hdr->first, pn_len, pn (truncated), reserved and, for 1-RTT,
 * key_phase.
 *
 * Return: the packet number length (1..4), or
 * -QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION if the packet is too short for
 * it (drop the packet).
 */
int quic_hdr_decode_pn(struct quic_hdr *hdr, const u8 *pkt)
{
	u8 first = pkt[0];

	if (hdr->type != QUIC_PKT_INITIAL && hdr->type != QUIC_PKT_0RTT &&
	    hdr->type != QUIC_PKT_HANDSHAKE && hdr->type != QUIC_PKT_1RTT)
		return QUIC_HDR_ERR;
	hdr->first = first;
	hdr->pn_len = (first & QUIC_HDR_PN_LEN_MASK) + 1;
	if (hdr->pn_len > hdr->length)
		return QUIC_HDR_ERR;
	if (hdr->type == QUIC_PKT_1RTT) {
		hdr->reserved = first & QUIC_HDR_SHORT_RESERVED;
		hdr->key_phase = !!(first & QUIC_HDR_KEY_PHASE_BIT);
	} else {
		hdr->reserved = first & QUIC_HDR_LONG_RESERVED;
	}
	hdr->pn = quic_get_be(pkt + hdr->pn_offset, hdr->pn_len);
	return hdr->pn_len;
}

/**
 * quic_hdr_check_reserved - reserved bits check of RFC 9000 17.2 / 17.3.1
 * @hdr: header after quic_hdr_decode_pn(), of an authenticated packet
 *
 * Return: 0, or -QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION (close the
 * connection) if a reserved bit is set.
 */
int quic_hdr_check_reserved(const struct quic_hdr *hdr)
{
	return hdr->reserved ? -QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION : 0;
}

/**
 * quic_hdr_vn_version - one version of a decoded Version Negotiation packet
 * @hdr: header with type QUIC_PKT_VERSION_NEG
 * @i: index, below @hdr->nversions
 *
 * Return: the version, 0 if @i is out of range.
 */
u32 quic_hdr_vn_version(const struct quic_hdr *hdr, size_t i)
{
	if (hdr->type != QUIC_PKT_VERSION_NEG || i >= hdr->nversions)
		return 0;
	return quic_get_be32(hdr->versions + 4 * i);
}

/**
 * quic_hdr_encode - write a packet header up to and including the packet
 * number
 * @buf: output
 * @len: room at @buf
 * @hdr: type, version (long), dcid/scid, token (Initial, Retry), length
 *	(Initial/0-RTT/Handshake; length_len to reserve a fixed size), pn and
 *	pn_len (not Retry), spin and key_phase (1-RTT)
 *
 * The fixed bit is set and reserved bits are zero; a sender greasing the
 * QUIC bit clears it afterwards. For a long header the Length field sits in
 * the length_len (or minimal) bytes right before the packet number. For
 * Retry, the Retry token is written and the caller appends the integrity
 * tag. Version Negotiation has its own encoder, quic_vn_encode().
 *
 * Return: bytes written (= packet number offset + pn_len), -ENOBUFS, or
 * -EINVAL for an impossible header (bad type, version, CID length, pn_len,
 * empty Retry token).
 */
int quic_hdr_encode(u8 *buf, size_t len, const struct quic_hdr *hdr)
{
	struct quic_wcur w;
	int bits;

	quic_wcur_init(&w, buf, len);
	if (hdr->dcid_len > QUIC_CID_MAX_LEN)
		return -EINVAL;
	if (hdr->type != QUIC_PKT_RETRY &&
	    (hdr->pn_len < 1 || hdr->pn_len > 4))
		return -EINVAL;

	if (hdr->type == QUIC_PKT_1RTT) {
		quic_wcur_u8(&w, QUIC_HDR_FIXED_BIT |
			     (hdr->spin ? QUIC_HDR_SPIN_BIT : 0) |
			     (hdr->key_phase ? QUIC_HDR_KEY_PHASE_BIT : 0) |
			     (hdr->pn_len - 1));
		quic_wcur_bytes(&w, hdr->dcid, hdr->dcid_len);
		quic_wcur_be(&w, hdr->pn, hdr->pn_len);
		return quic_wcur_done(&w);
	}

	bits = quic_hdr_long_type_bits(hdr->version, hdr->type);
	if (bits < 0 || hdr->scid_len > QUIC_CID_MAX_LEN)
		return -EINVAL;
	quic_wcur_u8(&w, QUIC_HDR_FORM_LONG | QUIC_HDR_FIXED_BIT | bits << 4 |
		     (hdr->type == QUIC_PKT_RETRY ? 0 : hdr->pn_len - 1));
	quic_wcur_be32(&w, hdr->version);
	quic_wcur_u8(&w, hdr->dcid_len);
	quic_wcur_bytes(&w, hdr->dcid, hdr->dcid_len);
	quic_wcur_u8(&w, hdr->scid_len);
	quic_wcur_bytes(&w, hdr->scid, hdr->scid_len);
	if (hdr->type == QUIC_PKT_RETRY) {
		if (!hdr->token_len)
			return -EINVAL;
		quic_wcur_bytes(&w, hdr->token, hdr->token_len);
		return quic_wcur_done(&w);
	}
	if (hdr->type == QUIC_PKT_INITIAL) {
		quic_wcur_varint(&w, hdr->token_len);
		quic_wcur_bytes(&w, hdr->token, hdr->token_len);
	}
	quic_wcur_varint_n(&w, hdr->length, hdr->length_len);
	quic_wcur_be(&w, hdr->pn, hdr->pn_len);
	return quic_wcur_done(&w);
}

/**
 * quic_vn_encode - write a Version Negotiation packet (RFC 9000 17.2.1)
 * @buf: output
 * @len: room at @buf
 * @unused: value for the 7 unused bits of the first byte (random; the fixed
 *	bit 0x40 is always set, RFC 9000 17.2.1)
 * @dcid: destination CID (the client's source CID), @dcid_len up to 255
 * @dcid_len: length of @dcid
 * @scid: source CID (the client's destination CID)
 * @scid_len: length of @scid
 * @versions: supported versions, host order
 * @nversions: number of versions, at least one
 *
 * Return: bytes written, -ENOBUFS or -EINVAL.
 */
int quic_vn_encode(u8 *buf, size_t len, u8 unused, const u8 *dcid,
		   u8 dcid_len, const u8 *scid, u8 scid_len,
		   const u32 *versions, size_t nversions)
{
	struct quic_wcur w;
	size_t i;

	if (!nversions)
		return -EINVAL;
	quic_wcur_init(&w, buf, len);
	quic_wcur_u8(&w, QUIC_HDR_FORM_LONG | QUIC_HDR_FIXED_BIT | unused);
	quic_wcur_be32(&w, 0);
	quic_wcur_u8(&w, dcid_len);
	quic_wcur_bytes(&w, dcid, dcid_len);
	quic_wcur_u8(&w, scid_len);
	quic_wcur_bytes(&w, scid, scid_len);
	for (i = 0; i < nversions; i++)
		quic_wcur_be32(&w, versions[i]);
	return quic_wcur_done(&w);
}

/**
 * quic_retry_pseudo_encode - build the Retry pseudo-packet (RFC 9001 5.8)
 * @buf: output, the AAD of the Retry integrity tag
 * @len: room at @buf
 * @odcid: the original destination CID of the client's Initial
 * @odcid_len: its length (at most QUIC_CID_MAX_LEN)
 * @retry: the Retry packet without its integrity tag
 * @retry_len: its length
 *
 * Return: bytes written, -ENOBUFS or -EINVAL.
 */
int quic_retry_pseudo_encode(u8 *buf, size_t len, const u8 *odcid,
			     u8 odcid_len, const u8 *retry, size_t retry_len)
{
	struct quic_wcur w;

	if (odcid_len > QUIC_CID_MAX_LEN)
		return -EINVAL;
	quic_wcur_init(&w, buf, len);
	quic_wcur_u8(&w, odcid_len);
	quic_wcur_bytes(&w, odcid, odcid_len);
	quic_wcur_bytes(&w, retry, retry_len);
	return quic_wcur_done(&w);
}

/**
 * quic_pn_encode_len - packet number length to send (RFC 9000 17.1, A.2)
 * @pn: full packet number to send
 * @largest_acked: largest packet number acknowledged by the peer in this
 *	space, -1 if none yet
 *
 * Picks the shortest length whose range is at least twice the number of
 * unacknowledged packet numbers.
 *
 * Return: 1..4, or -EINVAL if @pn is too far ahead of @largest_acked (or not
 * after it) to be encoded.
 */
int quic_pn_encode_len(u64 pn, s64 largest_acked)
{
	u64 unacked;
	int n;

	if (pn > QUIC_PN_MAX || largest_acked >= (s64)pn || largest_acked < -1)
		return -EINVAL;
	unacked = pn - (u64)largest_acked;	/* pn + 1 when none acked */
	for (n = 1; n <= 4; n++)
		if (unacked <= 1ULL << (8 * n - 1))
			return n;
	return -EINVAL;
}

/**
 * quic_pn_decode - recover a full packet number (RFC 9000 A.3)
 * @largest_pn: largest packet number successfully processed in this packet
 *	number space, -1 if none
 * @truncated_pn: the packet number as read from the header
 * @pn_len: its length in bytes, 1..4
 *
 * Return: the packet number closest to @largest_pn + 1 (@truncated_pn
 * itself if @pn_len is not 1..4).
 */
u64 quic_pn_decode(s64 largest_pn, u64 truncated_pn, unsigned int pn_len)
{
	u64 expected = (u64)largest_pn + 1;
	u64 win, hwin, mask, cand;

	if (pn_len < 1 || pn_len > 4)
		return truncated_pn;
	win = 1ULL << (8 * pn_len);
	hwin = win / 2;
	mask = win - 1;
	cand = (expected & ~mask) | (truncated_pn & mask);

	if (cand + hwin <= expected && cand < (1ULL << 62) - win)
		return cand + win;
	if (cand > expected + hwin && cand >= win)
		return cand - win;
	return cand;
}
