// SPDX-License-Identifier: GPL-2.0-or-later
/* QUIC transport parameter encoding, decoding and validation. */

#include "tparam.h"

#define QUIC_TP_ERR	(-QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM)

#define QUIC_TP_U8_MAX	0xffU
#define QUIC_TP_U16_MAX	0xffffU
#define QUIC_TP_U32_MAX	0xffffffffU

/* preferred_address without its connection ID */
#define QUIC_TP_PREF_ADDR_FIXED_LEN	(4 + 2 + 16 + 2 + 1 + \
					 QUIC_STATELESS_RESET_TOKEN_LEN)

/**
 * quic_tparams_init - the values an endpoint assumes for absent parameters
 * @tp: parameters to reset
 *
 * RFC 9000 18.2 defaults: max_udp_payload_size 65527, ack_delay_exponent 3,
 * max_ack_delay 25 ms, active_connection_id_limit 2, everything else 0 or
 * off; no CIDs, token, preferred address or version information.
 */
void quic_tparams_init(struct quic_tparams *tp)
{
	memset(tp, 0, sizeof(*tp));
	tp->p.max_udp_payload_size = QUIC_TP_DEF_MAX_UDP_PAYLOAD_SIZE;
	tp->p.ack_delay_exponent = QUIC_TP_DEF_ACK_DELAY_EXPONENT;
	tp->p.max_ack_delay = QUIC_TP_DEF_MAX_ACK_DELAY;
	tp->p.active_connection_id_limit = QUIC_TP_DEF_ACTIVE_CID_LIMIT;
}

/* bit for duplicate detection of the known ids, -1 for unknown ones */
static int quic_tp_bit(u64 id)
{
	if (id <= QUIC_TP_VERSION_INFORMATION)
		return id;
	if (id == QUIC_TP_MAX_DATAGRAM_FRAME_SIZE)
		return QUIC_TP_VERSION_INFORMATION + 1;
	if (id == QUIC_TP_GREASE_QUIC_BIT)
		return QUIC_TP_VERSION_INFORMATION + 2;
	if (id == QUIC_TP_DISABLE_1RTT_ENCRYPTION)
		return QUIC_TP_VERSION_INFORMATION + 3;
	return -1;
}

/* an integer parameter: one varint filling the whole value */
static bool quic_tp_get_int(const u8 *val, u64 len, u64 *v)
{
	int n = quic_varint_get(val, len, v);

	return n > 0 && (u64)n == len;
}

static bool quic_tp_get_cid(const u8 *val, u64 len, struct quic_cid *cid)
{
	if (len > QUIC_CID_MAX_LEN)
		return false;
	cid->len = len;
	memcpy(cid->data, val, len);
	return true;
}

static u64 quic_tp_min(u64 a, u64 b)
{
	return a < b ? a : b;
}

static int quic_tp_get_pref_addr(const u8 *val, u64 len,
				 struct quic_pref_addr *pa)
{
	struct quic_rcur c;
	const u8 *p;

	quic_rcur_init(&c, val, len);
	if (len < QUIC_TP_PREF_ADDR_FIXED_LEN)
		return QUIC_TP_ERR;
	quic_rcur_copy(&c, pa->ipv4, 4);
	quic_rcur_bytes(&c, 2, &p);
	pa->ipv4_port = quic_get_be16(p);
	quic_rcur_copy(&c, pa->ipv6, 16);
	quic_rcur_bytes(&c, 2, &p);
	pa->ipv6_port = quic_get_be16(p);
	quic_rcur_u8(&c, &pa->cid.len);
	/* a zero-length CID is forbidden here (RFC 9000 18.2) */
	if (!pa->cid.len || pa->cid.len > QUIC_CID_MAX_LEN ||
	    len != QUIC_TP_PREF_ADDR_FIXED_LEN + (u64)pa->cid.len)
		return QUIC_TP_ERR;
	quic_rcur_copy(&c, pa->cid.data, pa->cid.len);
	quic_rcur_copy(&c, pa->token, QUIC_STATELESS_RESET_TOKEN_LEN);
	return 0;
}

static int quic_tp_get_version_info(const u8 *val, u64 len,
				    struct quic_version_info *vi)
{
	u64 i;
	u32 v;

	if (len < 4 || len % 4)
		return QUIC_TP_ERR;
	vi->chosen = quic_get_be32(val);
	if (!vi->chosen)
		return QUIC_TP_ERR;
	for (i = 4; i < len; i += 4) {
		v = quic_get_be32(val + i);
		if (!v)
			return QUIC_TP_ERR;
		if (vi->nothers < QUIC_TP_MAX_VERSIONS)
			vi->others[vi->nothers++] = v;
	}
	return 0;
}

static int quic_tp_decode_one(struct quic_tparams *tp, u64 id, const u8 *val,
			      u64 len, bool from_server)
{
	struct quic_transport_param *p = &tp->p;
	u64 v = 0;

	switch (id) {
	case QUIC_TP_ORIGINAL_DCID:
	case QUIC_TP_RETRY_SCID:
	case QUIC_TP_INITIAL_SCID:
	case QUIC_TP_STATELESS_RESET_TOKEN:
	case QUIC_TP_PREFERRED_ADDRESS:
	case QUIC_TP_VERSION_INFORMATION:
		break;
	case QUIC_TP_DISABLE_ACTIVE_MIGRATION:
	case QUIC_TP_GREASE_QUIC_BIT:
	case QUIC_TP_DISABLE_1RTT_ENCRYPTION:
		if (len)	/* zero-length flags */
			return QUIC_TP_ERR;
		break;
	default:
		if (!quic_tp_get_int(val, len, &v))
			return QUIC_TP_ERR;
	}

	switch (id) {
	case QUIC_TP_ORIGINAL_DCID:
		if (!from_server || !quic_tp_get_cid(val, len, &tp->odcid))
			return QUIC_TP_ERR;
		tp->present |= QUIC_TP_HAS_ORIGINAL_DCID;
		return 0;
	case QUIC_TP_RETRY_SCID:
		if (!from_server || !quic_tp_get_cid(val, len, &tp->rscid))
			return QUIC_TP_ERR;
		tp->present |= QUIC_TP_HAS_RETRY_SCID;
		return 0;
	case QUIC_TP_INITIAL_SCID:
		if (!quic_tp_get_cid(val, len, &tp->iscid))
			return QUIC_TP_ERR;
		tp->present |= QUIC_TP_HAS_INITIAL_SCID;
		return 0;
	case QUIC_TP_STATELESS_RESET_TOKEN:
		if (!from_server || len != QUIC_STATELESS_RESET_TOKEN_LEN)
			return QUIC_TP_ERR;
		memcpy(tp->token, val, len);
		tp->present |= QUIC_TP_HAS_RESET_TOKEN;
		p->stateless_reset = 1;
		return 0;
	case QUIC_TP_PREFERRED_ADDRESS:
		if (!from_server || quic_tp_get_pref_addr(val, len, &tp->pa))
			return QUIC_TP_ERR;
		tp->present |= QUIC_TP_HAS_PREFERRED_ADDRESS;
		return 0;
	case QUIC_TP_VERSION_INFORMATION:
		if (quic_tp_get_version_info(val, len, &tp->vi))
			return QUIC_TP_ERR;
		tp->present |= QUIC_TP_HAS_VERSION_INFO;
		return 0;
	case QUIC_TP_MAX_IDLE_TIMEOUT:	/* ms on the wire, usec in p */
		p->max_idle_timeout = v > QUIC_TP_U32_MAX / 1000 ?
				      QUIC_TP_U32_MAX : v * 1000;
		return 0;
	case QUIC_TP_MAX_UDP_PAYLOAD_SIZE:
		if (v < QUIC_TP_MIN_MAX_UDP_PAYLOAD_SIZE)
			return QUIC_TP_ERR;
		p->max_udp_payload_size =
			quic_tp_min(v, QUIC_TP_DEF_MAX_UDP_PAYLOAD_SIZE);
		return 0;
	case QUIC_TP_INITIAL_MAX_DATA:
		p->max_data = v;
		return 0;
	case QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_LOCAL:
		p->max_stream_data_bidi_local = v;
		return 0;
	case QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_REMOTE:
		p->max_stream_data_bidi_remote = v;
		return 0;
	case QUIC_TP_INITIAL_MAX_STREAM_DATA_UNI:
		p->max_stream_data_uni = v;
		return 0;
	case QUIC_TP_INITIAL_MAX_STREAMS_BIDI:
	case QUIC_TP_INITIAL_MAX_STREAMS_UNI:
		if (v > QUIC_MAX_STREAMS_LIMIT)
			return QUIC_TP_ERR;
		v = quic_tp_min(v, QUIC_TP_U16_MAX);
		if (id == QUIC_TP_INITIAL_MAX_STREAMS_BIDI)
			p->max_streams_bidi = v;
		else
			p->max_streams_uni = v;
		return 0;
	case QUIC_TP_ACK_DELAY_EXPONENT:
		if (v > QUIC_TP_MAX_ACK_DELAY_EXPONENT)
			return QUIC_TP_ERR;
		p->ack_delay_exponent = v;
		return 0;
	case QUIC_TP_MAX_ACK_DELAY:
		if (v >= QUIC_TP_MAX_MAX_ACK_DELAY_MS)
			return QUIC_TP_ERR;
		p->max_ack_delay = v * 1000;
		return 0;
	case QUIC_TP_DISABLE_ACTIVE_MIGRATION:
		p->disable_active_migration = 1;
		return 0;
	case QUIC_TP_ACTIVE_CONNECTION_ID_LIMIT:
		if (v < QUIC_TP_MIN_ACTIVE_CID_LIMIT)
			return QUIC_TP_ERR;
		p->active_connection_id_limit = quic_tp_min(v, QUIC_TP_U8_MAX);
		return 0;
	case QUIC_TP_MAX_DATAGRAM_FRAME_SIZE:
		p->max_datagram_frame_size = quic_tp_min(v, QUIC_TP_U16_MAX);
		return 0;
	case QUIC_TP_GREASE_QUIC_BIT:
		p->grease_quic_bit = 1;
		return 0;
	case QUIC_TP_DISABLE_1RTT_ENCRYPTION:
		p->disable_1rtt_encryption = 1;
		return 0;
	}
	return 0;
}

/**
 * quic_tparams_decode - decode the peer's quic_transport_parameters
 * @buf: the TLS extension's content
 * @len: its length
 * @from_server: the peer is the server (it may send the server-only
 *	parameters, and must send original_destination_connection_id)
 * @tp: output; starts from quic_tparams_init() defaults
 *
 * Unknown and reserved (31 * N + 27) parameters are skipped. Rejected: a
 * truncated parameter, a known parameter given twice, a value whose length
 * does not match its type, an out-of-range value (max_udp_payload_size
 * < 1200, ack_delay_exponent > 20, max_ack_delay >= 2^14 ms,
 * active_connection_id_limit < 2, initial_max_streams_* > 2^60, CID longer
 * than 20, bad preferred_address or version_information), a server-only
 * parameter from a client, and a missing initial_source_connection_id (or
 * original_destination_connection_id from a server). Comparing the CIDs
 * with the ones seen in packets is left to the connection.
 *
 * Return: @len, or -QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM.
 */
int quic_tparams_decode(const u8 *buf, size_t len, bool from_server,
			struct quic_tparams *tp)
{
	struct quic_rcur c;
	const u8 *val;
	u32 seen = 0;
	u64 id, plen;
	int bit, err;

	quic_tparams_init(tp);
	quic_rcur_init(&c, buf, len);
	while (c.left) {
		if (!quic_rcur_varint(&c, &id) ||
		    !quic_rcur_varint(&c, &plen) ||
		    !quic_rcur_bytes(&c, plen, &val))
			return QUIC_TP_ERR;
		bit = quic_tp_bit(id);
		if (bit < 0)
			continue;
		if (seen & (1u << bit))
			return QUIC_TP_ERR;
		seen |= 1u << bit;
		err = quic_tp_decode_one(tp, id, val, plen, from_server);
		if (err)
			return err;
	}
	if (!(tp->present & QUIC_TP_HAS_INITIAL_SCID))
		return QUIC_TP_ERR;
	if (from_server && !(tp->present & QUIC_TP_HAS_ORIGINAL_DCID))
		return QUIC_TP_ERR;
	return len;
}

static void quic_tp_put_int(struct quic_wcur *w, u64 id, u64 v)
{
	quic_wcur_varint(w, id);
	quic_wcur_varint(w, quic_varint_len(v));
	quic_wcur_varint(w, v);
}

static void quic_tp_put_bytes(struct quic_wcur *w, u64 id, const void *p,
			      size_t n)
{
	quic_wcur_varint(w, id);
	quic_wcur_varint(w, n);
	quic_wcur_bytes(w, p, n);
}

static void quic_tp_put_cid(struct quic_wcur *w, u64 id,
			    const struct quic_cid *cid)
{
	quic_tp_put_bytes(w, id, cid->data, cid->len);
}

static void quic_tp_put_pref_addr(struct quic_wcur *w,
				  const struct quic_pref_addr *pa)
{
	quic_wcur_varint(w, QUIC_TP_PREFERRED_ADDRESS);
	quic_wcur_varint(w, QUIC_TP_PREF_ADDR_FIXED_LEN + pa->cid.len);
	quic_wcur_bytes(w, pa->ipv4, 4);
	quic_wcur_be(w, pa->ipv4_port, 2);
	quic_wcur_bytes(w, pa->ipv6, 16);
	quic_wcur_be(w, pa->ipv6_port, 2);
	quic_wcur_u8(w, pa->cid.len);
	quic_wcur_bytes(w, pa->cid.data, pa->cid.len);
	quic_wcur_bytes(w, pa->token, QUIC_STATELESS_RESET_TOKEN_LEN);
}

static void quic_tp_put_version_info(struct quic_wcur *w,
				     const struct quic_version_info *vi)
{
	u8 i;

	quic_wcur_varint(w, QUIC_TP_VERSION_INFORMATION);
	quic_wcur_varint(w, 4 + 4 * vi->nothers);
	quic_wcur_be32(w, vi->chosen);
	for (i = 0; i < vi->nothers; i++)
		quic_wcur_be32(w, vi->others[i]);
}

static u64 quic_tp_usec_to_ms(u32 usec)
{
	return (usec + 999ULL) / 1000;	/* never round a limit down to 0 */
}

static int quic_tparams_check(const struct quic_tparams *tp, bool is_server)
{
	const struct quic_transport_param *p = &tp->p;
	u32 server_only = QUIC_TP_HAS_ORIGINAL_DCID | QUIC_TP_HAS_RETRY_SCID |
			  QUIC_TP_HAS_RESET_TOKEN |
			  QUIC_TP_HAS_PREFERRED_ADDRESS;
	u8 i;

	if (p->max_udp_payload_size < QUIC_TP_MIN_MAX_UDP_PAYLOAD_SIZE ||
	    p->max_udp_payload_size > QUIC_TP_DEF_MAX_UDP_PAYLOAD_SIZE ||
	    p->ack_delay_exponent > QUIC_TP_MAX_ACK_DELAY_EXPONENT ||
	    quic_tp_usec_to_ms(p->max_ack_delay) >=
	    QUIC_TP_MAX_MAX_ACK_DELAY_MS ||
	    p->active_connection_id_limit < QUIC_TP_MIN_ACTIVE_CID_LIMIT)
		return -EINVAL;
	if (!(tp->present & QUIC_TP_HAS_INITIAL_SCID))
		return -EINVAL;
	if (is_server && !(tp->present & QUIC_TP_HAS_ORIGINAL_DCID))
		return -EINVAL;
	if (!is_server && (tp->present & server_only))
		return -EINVAL;
	if (tp->odcid.len > QUIC_CID_MAX_LEN ||
	    tp->iscid.len > QUIC_CID_MAX_LEN ||
	    tp->rscid.len > QUIC_CID_MAX_LEN)
		return -EINVAL;
	if ((tp->present & QUIC_TP_HAS_PREFERRED_ADDRESS) &&
	    (!tp->pa.cid.len || tp->pa.cid.len > QUIC_CID_MAX_LEN))
		return -EINVAL;
	if (tp->present & QUIC_TP_HAS_VERSION_INFO) {
		if (!tp->vi.chosen || tp->vi.nothers > QUIC_TP_MAX_VERSIONS)
			return -EINVAL;
		for (i = 0; i < tp->vi.nothers; i++)
			if (!tp->vi.others[i])
				return -EINVAL;
	}
	return 0;
}

/**
 * quic_tparams_encode - encode our quic_transport_parameters
 * @buf: output (the TLS extension's content), or NULL to measure
 * @len: room at @buf
 * @tp: our parameters. Integer parameters equal to the RFC default are
 *	left out; CIDs, token, preferred_address and version_information
 *	are sent when their QUIC_TP_HAS_* bit is set. p.stateless_reset and
 *	p.disable_compatible_version are not looked at: set or clear
 *	QUIC_TP_HAS_RESET_TOKEN / QUIC_TP_HAS_VERSION_INFO instead.
 *	Microsecond values are rounded up to whole milliseconds.
 * @is_server: we are the server
 *
 * Return: bytes written (or needed), -ENOBUFS, or -EINVAL for values the
 * peer would reject (the same ranges quic_tparams_decode() enforces), a
 * missing initial_source_connection_id (or original_destination_
 * connection_id on a server) or a server-only parameter on a client.
 */
int quic_tparams_encode(u8 *buf, size_t len, const struct quic_tparams *tp,
			bool is_server)
{
	const struct quic_transport_param *p = &tp->p;
	struct quic_wcur w;
	int err;

	err = quic_tparams_check(tp, is_server);
	if (err)
		return err;
	quic_wcur_init(&w, buf, len);
	if (tp->present & QUIC_TP_HAS_ORIGINAL_DCID)
		quic_tp_put_cid(&w, QUIC_TP_ORIGINAL_DCID, &tp->odcid);
	if (p->max_idle_timeout)
		quic_tp_put_int(&w, QUIC_TP_MAX_IDLE_TIMEOUT,
				quic_tp_usec_to_ms(p->max_idle_timeout));
	if (tp->present & QUIC_TP_HAS_RESET_TOKEN)
		quic_tp_put_bytes(&w, QUIC_TP_STATELESS_RESET_TOKEN, tp->token,
				  QUIC_STATELESS_RESET_TOKEN_LEN);
	if (p->max_udp_payload_size != QUIC_TP_DEF_MAX_UDP_PAYLOAD_SIZE)
		quic_tp_put_int(&w, QUIC_TP_MAX_UDP_PAYLOAD_SIZE,
				p->max_udp_payload_size);
	if (p->max_data)
		quic_tp_put_int(&w, QUIC_TP_INITIAL_MAX_DATA, p->max_data);
	if (p->max_stream_data_bidi_local)
		quic_tp_put_int(&w, QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_LOCAL,
				p->max_stream_data_bidi_local);
	if (p->max_stream_data_bidi_remote)
		quic_tp_put_int(&w, QUIC_TP_INITIAL_MAX_STREAM_DATA_BIDI_REMOTE,
				p->max_stream_data_bidi_remote);
	if (p->max_stream_data_uni)
		quic_tp_put_int(&w, QUIC_TP_INITIAL_MAX_STREAM_DATA_UNI,
				p->max_stream_data_uni);
	if (p->max_streams_bidi)
		quic_tp_put_int(&w, QUIC_TP_INITIAL_MAX_STREAMS_BIDI,
				p->max_streams_bidi);
	if (p->max_streams_uni)
		quic_tp_put_int(&w, QUIC_TP_INITIAL_MAX_STREAMS_UNI,
				p->max_streams_uni);
	if (p->ack_delay_exponent != QUIC_TP_DEF_ACK_DELAY_EXPONENT)
		quic_tp_put_int(&w, QUIC_TP_ACK_DELAY_EXPONENT,
				p->ack_delay_exponent);
	if (quic_tp_usec_to_ms(p->max_ack_delay) * 1000 !=
	    QUIC_TP_DEF_MAX_ACK_DELAY)
		quic_tp_put_int(&w, QUIC_TP_MAX_ACK_DELAY,
				quic_tp_usec_to_ms(p->max_ack_delay));
	if (p->disable_active_migration)
		quic_tp_put_bytes(&w, QUIC_TP_DISABLE_ACTIVE_MIGRATION, NULL, 0);
	if (tp->present & QUIC_TP_HAS_PREFERRED_ADDRESS)
		quic_tp_put_pref_addr(&w, &tp->pa);
	if (p->active_connection_id_limit != QUIC_TP_DEF_ACTIVE_CID_LIMIT)
		quic_tp_put_int(&w, QUIC_TP_ACTIVE_CONNECTION_ID_LIMIT,
				p->active_connection_id_limit);
	quic_tp_put_cid(&w, QUIC_TP_INITIAL_SCID, &tp->iscid);
	if (tp->present & QUIC_TP_HAS_RETRY_SCID)
		quic_tp_put_cid(&w, QUIC_TP_RETRY_SCID, &tp->rscid);
	if (tp->present & QUIC_TP_HAS_VERSION_INFO)
		quic_tp_put_version_info(&w, &tp->vi);
	if (p->max_datagram_frame_size)
		quic_tp_put_int(&w, QUIC_TP_MAX_DATAGRAM_FRAME_SIZE,
				p->max_datagram_frame_size);
	if (p->grease_quic_bit)
		quic_tp_put_bytes(&w, QUIC_TP_GREASE_QUIC_BIT, NULL, 0);
	if (p->disable_1rtt_encryption)
		quic_tp_put_bytes(&w, QUIC_TP_DISABLE_1RTT_ENCRYPTION, NULL, 0);
	return quic_wcur_done(&w);
}
