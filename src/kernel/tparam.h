/* SPDX-License-Identifier: GPL-2.0-or-later */
/* QUIC transport parameters (RFC 9000 18, 9221, 9287, 9368, private 0xbaad). */

#ifndef __QUIC_TPARAM_H__
#define __QUIC_TPARAM_H__

#include "varint.h"
#include "header.h"
#include "include/uapi/linux/quic.h"

/* transport parameter ids */
#define QUIC_TP_ORIGINAL_DCID			0x00
#define QUIC_TP_MAX_IDLE_TIMEOUT		0x01
#define QUIC_TP_STATELESS_RESET_TOKEN		0x02
#define QUIC_TP_MAX_UDP_PAYLOAD_SIZE		0x03
#define QUIC_TP_INITIAL_MAX_DATA		0x04
#define QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_LOCAL	0x05
#define QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_REMOTE	0x06
#define QUIC_TP_INITIAL_MAX_STREAM_DATA_UNI	0x07
#define QUIC_TP_INITIAL_MAX_STREAMS_BIDI	0x08
#define QUIC_TP_INITIAL_MAX_STREAMS_UNI		0x09
#define QUIC_TP_ACK_DELAY_EXPONENT		0x0a
#define QUIC_TP_MAX_ACK_DELAY			0x0b
#define QUIC_TP_DISABLE_ACTIVE_MIGRATION	0x0c
#define QUIC_TP_PREFERRED_ADDRESS		0x0d
#define QUIC_TP_ACTIVE_CONNECTION_ID_LIMIT	0x0e
#define QUIC_TP_INITIAL_SCID			0x0f
#define QUIC_TP_RETRY_SCID			0x10
#define QUIC_TP_VERSION_INFORMATION		0x11	/* RFC 9368 */
#define QUIC_TP_MAX_DATAGRAM_FRAME_SIZE		0x20	/* RFC 9221 */
#define QUIC_TP_GREASE_QUIC_BIT			0x2ab2	/* RFC 9287 */
#define QUIC_TP_DISABLE_1RTT_ENCRYPTION		0xbaad	/* private */

/* RFC defaults of absent parameters, and limits */
#define QUIC_TP_DEF_MAX_UDP_PAYLOAD_SIZE	65527
#define QUIC_TP_MIN_MAX_UDP_PAYLOAD_SIZE	1200
#define QUIC_TP_DEF_ACK_DELAY_EXPONENT		3
#define QUIC_TP_MAX_ACK_DELAY_EXPONENT		20
#define QUIC_TP_DEF_MAX_ACK_DELAY		25000	/* usec */
#define QUIC_TP_MAX_MAX_ACK_DELAY_MS		BIT(14)	/* exclusive */
#define QUIC_TP_DEF_ACTIVE_CID_LIMIT		2
#define QUIC_TP_MIN_ACTIVE_CID_LIMIT		2
#define QUIC_TP_MAX_VERSIONS			16

/* quic_tparams.present bits: the parameters without a value in p */
#define QUIC_TP_HAS_ORIGINAL_DCID	0x01
#define QUIC_TP_HAS_INITIAL_SCID	0x02
#define QUIC_TP_HAS_RETRY_SCID		0x04
#define QUIC_TP_HAS_RESET_TOKEN		0x08
#define QUIC_TP_HAS_PREFERRED_ADDRESS	0x10
#define QUIC_TP_HAS_VERSION_INFO	0x20

/**
 * struct quic_pref_addr - preferred_address (RFC 9000 18.2)
 * @ipv4: IPv4 address, network order (all zero: none)
 * @ipv4_port: IPv4 port, host order
 * @ipv6: IPv6 address, network order (all zero: none)
 * @ipv6_port: IPv6 port, host order
 * @cid: connection ID for the new address, 1..20 bytes
 * @token: stateless reset token for @cid
 */
struct quic_pref_addr {
	u8 ipv4[4];
	u16 ipv4_port;
	u8 ipv6[16];
	u16 ipv6_port;
	struct quic_cid cid;
	u8 token[QUIC_STATELESS_RESET_TOKEN_LEN];
};

/**
 * struct quic_version_info - version_information (RFC 9368 3)
 * @chosen: Chosen Version, never 0
 * @others: Available (Other) Versions, none 0; on decode at most
 *	QUIC_TP_MAX_VERSIONS are kept, later ones are validated and ignored
 * @nothers: number of entries in @others
 */
struct quic_version_info {
	u32 chosen;
	u32 others[QUIC_TP_MAX_VERSIONS];
	u8 nothers;
};

/**
 * struct quic_tparams - one endpoint's transport parameters
 * @p: the values of struct quic_transport_param (socket API units:
 *	microseconds for max_idle_timeout and max_ack_delay); on decode
 *	peer values wider than a field are clamped to the field's maximum
 *	(a safe under-use of the peer's limit); p.stateless_reset is set
 *	when the peer sent a stateless_reset_token; p.remote is untouched
 *	by the codec
 * @present: QUIC_TP_HAS_* for the parameters below
 * @odcid: original_destination_connection_id (server only)
 * @iscid: initial_source_connection_id (required from both sides)
 * @rscid: retry_source_connection_id (server only, after a Retry)
 * @token: stateless_reset_token (server only)
 * @pa: preferred_address (server only)
 * @vi: version_information
 */
struct quic_tparams {
	struct quic_transport_param p;
	u32 present;
	struct quic_cid odcid;
	struct quic_cid iscid;
	struct quic_cid rscid;
	u8 token[QUIC_STATELESS_RESET_TOKEN_LEN];
	struct quic_pref_addr pa;
	struct quic_version_info vi;
};

void quic_tparams_init(struct quic_tparams *tp);
int quic_tparams_encode(u8 *buf, size_t len, const struct quic_tparams *tp,
			bool is_server);
int quic_tparams_decode(const u8 *buf, size_t len, bool from_server,
			struct quic_tparams *tp);

#endif /* __QUIC_TPARAM_H__ */
