/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QUIC packet headers (RFC 8999, RFC 9000 17, RFC 9369 3) and packet numbers. */

#ifndef __QUIC_HEADER_H__
#define __QUIC_HEADER_H__

#include "varint.h"
#include "include/uapi/linux/quic.h"

#define QUIC_CID_MAX_LEN		20	/* v1 and v2 */
#define QUIC_RETRY_TAG_LEN		16
#define QUIC_STATELESS_RESET_TOKEN_LEN	16
#define QUIC_MAX_STREAMS_LIMIT		BIT_ULL(60)	/* RFC 9000 4.6 */
#define QUIC_PN_MAX			QUIC_VARINT_MAX

#define QUIC_HDR_FORM_LONG		0x80
#define QUIC_HDR_FIXED_BIT		0x40
#define QUIC_HDR_SPIN_BIT		0x20	/* short header, not protected */
#define QUIC_HDR_LONG_TYPE_MASK		0x30
#define QUIC_HDR_LONG_RESERVED		0x0c
#define QUIC_HDR_SHORT_RESERVED		0x18
#define QUIC_HDR_KEY_PHASE_BIT		0x04
#define QUIC_HDR_PN_LEN_MASK		0x03
/* first-byte bits covered by header protection (RFC 9001 5.4.1) */
#define QUIC_HDR_LONG_HP_MASK		0x0f
#define QUIC_HDR_SHORT_HP_MASK		0x1f

/* packet types, independent of the version's long-header type bits */
enum quic_pkt_type {
	QUIC_PKT_INITIAL,
	QUIC_PKT_0RTT,
	QUIC_PKT_HANDSHAKE,
	QUIC_PKT_1RTT,		/* short header */
	QUIC_PKT_RETRY,
	QUIC_PKT_VERSION_NEG,
	/* long header of a version we do not speak: only the version
	 * independent fields (RFC 8999) are valid; answer with Version
	 * Negotiation
	 */
	QUIC_PKT_UNSUPPORTED,
	QUIC_PKT_TYPE_MAX,
};

/* a connection ID stored by value (connection layer, transport params) */
struct quic_cid {
	u8 len;
	u8 data[QUIC_CID_MAX_LEN];
};

/* flags for quic_hdr_decode() */
#define QUIC_HDR_F_GREASE_OK	0x1	/* we sent grease_quic_bit (RFC 9287):
					 * accept a zero fixed bit
					 */

/**
 * struct quic_hdr - a decoded packet header, or one to encode
 * @type: enum quic_pkt_type
 * @first: first byte; after quic_hdr_decode() as received (still header
 *	protected), after quic_hdr_decode_pn() unprotected
 * @spin: short header spin bit
 * @key_phase: short header key phase bit (valid after quic_hdr_decode_pn())
 * @reserved: reserved bits of the unprotected first byte; they must be
 *	checked with quic_hdr_check_reserved() only after the packet was
 *	authenticated (RFC 9000 17.2)
 * @pn_len: packet number length, 1..4 (decode: from quic_hdr_decode_pn())
 * @length_len: encode only: bytes for the Length field (0: minimal; use 2 or
 *	4 to fill the field in later with quic_varint_put_n())
 * @dcid_len: destination connection ID length (up to 255 for
 *	QUIC_PKT_UNSUPPORTED, else up to QUIC_CID_MAX_LEN)
 * @scid_len: source connection ID length
 * @version: long header version (0 for Version Negotiation)
 * @dcid: destination connection ID
 * @scid: source connection ID (long header)
 * @token: Initial: token; Retry: Retry token (never empty)
 * @token_len: bytes at @token
 * @length: Initial/0-RTT/Handshake Length field: packet number + payload
 *	(1-RTT decode: the bytes after the DCID, to the end of the datagram)
 * @pn: decode: truncated packet number (quic_pn_decode() makes it full);
 *	encode: full packet number, the low @pn_len bytes are written
 * @pn_offset: offset of the packet number from the start of the packet
 * @pkt_len: length of this packet in the datagram; the next coalesced
 *	packet (if any) starts there
 * @versions: Version Negotiation: the supported version list (4 bytes each)
 * @nversions: number of versions at @versions
 * @retry_tag: Retry: the 16-byte integrity tag
 */
struct quic_hdr {
	u8 type;
	u8 first;
	u8 spin;
	u8 key_phase;
	u8 reserved;
	u8 pn_len;
	u8 length_len;
	u8 dcid_len;
	u8 scid_len;
	u32 version;
	const u8 *dcid;
	const u8 *scid;
	const u8 *token;
	size_t token_len;
	u64 length;
	u64 pn;
	size_t pn_offset;
	size_t pkt_len;
	const u8 *versions;
	size_t nversions;
	const u8 *retry_tag;
};

bool quic_version_supported(u32 version);
int quic_hdr_long_type_bits(u32 version, u8 type);

int quic_hdr_decode(const u8 *buf, size_t len, u8 short_dcid_len, u32 flags,
		    struct quic_hdr *hdr);
int quic_hdr_decode_pn(struct quic_hdr *hdr, const u8 *pkt);
int quic_hdr_check_reserved(const struct quic_hdr *hdr);
u32 quic_hdr_vn_version(const struct quic_hdr *hdr, size_t i);

int quic_hdr_encode(u8 *buf, size_t len, const struct quic_hdr *hdr);
int quic_vn_encode(u8 *buf, size_t len, u8 unused, const u8 *dcid,
		   u8 dcid_len, const u8 *scid, u8 scid_len,
		   const u32 *versions, size_t nversions);
int quic_retry_pseudo_encode(u8 *buf, size_t len, const u8 *odcid,
			     u8 odcid_len, const u8 *retry, size_t retry_len);

int quic_pn_encode_len(u64 pn, s64 largest_acked);
u64 quic_pn_decode(s64 largest_pn, u64 truncated_pn, unsigned int pn_len);

#endif /* __QUIC_HEADER_H__ */
