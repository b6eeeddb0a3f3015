// SPDX-License-Identifier: GPL-2.0-or-later
/* 0-RTT (RFC 9000 7.4.1, RFC 9001 4.6): when a client may send early data,
 * the server's answer read from its EncryptedExtensions, rejection (resend
 * everything as 1-RTT), the remembered-parameter check, and the server's
 * bound on 0-RTT packets held until their key.
 */

#include "conn.h"
#include "mib.h"

#define QUIC_TLS_ENCRYPTED_EXTENSIONS	8
#define QUIC_TLS_EXT_EARLY_DATA		42

/**
 * quic_zrtt_open - may the application queue data before the handshake
 *	completed, for 0-RTT packets?
 * @sk: a client socket, locked
 *
 * Return: true while the 0-RTT send key is in, the server's parameters of
 * an earlier connection are remembered and no rejection was seen.
 */
bool quic_zrtt_open(const struct sock *sk)
{
	const struct quic_sock *qs = quic_sk(sk);

	return sk->sk_state == QUIC_SS_ESTABLISHING && !quic_is_serv(qs) &&
	       (qs->zrtt_state == QUIC_ZRTT_ATTEMPT ||
		qs->zrtt_state == QUIC_ZRTT_ACCEPTED) &&
	       !qs->crypto[QUIC_CRYPTO_APP].p.tx.ready;
}

/**
 * quic_zrtt_send_ready - do application data packets go out as 0-RTT now?
 * @sk: socket, locked
 *
 * The ClientHello must be queued first: it goes in front of them.
 */
bool quic_zrtt_send_ready(const struct sock *sk)
{
	const struct quic_sock *qs = quic_sk(sk);

	return quic_zrtt_open(sk) &&
	       qs->crypto[QUIC_CRYPTO_EARLY].p.tx.ready &&
	       qs->cs[QUIC_PNS_INITIAL].send_end;
}

/* client, connect(): the remembered parameters bound what 0-RTT sends */
void quic_zrtt_connect(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	qs->zrtt_state = QUIC_ZRTT_NONE;
	if (!test_bit(QUIC_F_ZRTT_PARAMS, &qs->flags))
		return;
	qs->zrtt_remote = qs->remote;
	quic_streams_set_remote(&qs->streams);
}

/* QUIC_SOCKOPT_CRYPTO_SECRET of the 0-RTT level was installed */
void quic_zrtt_secret(struct sock *sk, bool send)
{
	struct quic_sock *qs = quic_sk(sk);

	if (quic_is_serv(qs)) {
		/* the server's TLS took the early data */
		if (!send && qs->zrtt_state == QUIC_ZRTT_NONE) {
			qs->zrtt_state = QUIC_ZRTT_ACCEPTED;
			quic_mib_inc(QUIC_MIB_ZRTT_ACCEPTED);
		}
		return;
	}
	if (send && test_bit(QUIC_F_ZRTT_PARAMS, &qs->flags) &&
	    qs->zrtt_state == QUIC_ZRTT_NONE) {
		qs->zrtt_state = QUIC_ZRTT_ATTEMPT;
		/* a sendmsg() waiting for the handshake may go now */
		sk->sk_state_change(sk);
	}
}

/* the server refused 0-RTT: every 0-RTT packet is lost and the streams
 * start over (they go out again as 1-RTT under the new parameters)
 */
static void quic_zrtt_reject(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	LIST_HEAD(pkts);

	qs->zrtt_state = QUIC_ZRTT_REJECTED;
	quic_mib_inc(QUIC_MIB_ZRTT_REJECTED);
	/* only 0-RTT packets are in the space: no 1-RTT key yet */
	quic_pnspace_discard(&qs->pns[QUIC_PNS_APP], &pkts);
	quic_pkts_free(sk, &pkts, true);
	quic_streams_rewind(&qs->streams);
}

/* an EncryptedExtensions message at @p: 1 if it has early_data, 0 if not,
 * -EAGAIN if it is not all in the @len bytes, -EINVAL if malformed
 */
static int quic_zrtt_ee_parse(const u8 *p, u32 len)
{
	u32 mlen, elen, off, type, l;

	if (len < 4)
		return -EAGAIN;
	if (p[0] != QUIC_TLS_ENCRYPTED_EXTENSIONS)
		return -EINVAL;
	mlen = (p[1] << 16) | (p[2] << 8) | p[3];
	if (len - 4 < mlen)
		return -EAGAIN;
	if (mlen < 2)
		return -EINVAL;
	elen = (p[4] << 8) | p[5];
	if (elen > mlen - 2)
		return -EINVAL;
	p += 6;
	for (off = 0; off + 4 <= elen; off += 4 + l) {
		type = (p[off] << 8) | p[off + 1];
		l = (p[off + 2] << 8) | p[off + 3];
		if (type == QUIC_TLS_EXT_EARLY_DATA)
			return 1;
	}
	return 0;
}

/**
 * quic_zrtt_rcv_handshake - client: Handshake-level CRYPTO data arrived
 * @sk: socket, locked
 *
 * The server's first Handshake message, EncryptedExtensions, carries the
 * early_data extension if and only if it accepted 0-RTT (RFC 8446 4.2.10);
 * it is read here, before the TLS library gets it (and so before its
 * transport parameters are set), whatever library runs the handshake.
 */
void quic_zrtt_rcv_handshake(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);
	struct quic_cstream *cs = &qs->cs[QUIC_PNS_HANDSHAKE];
	const u8 *p = NULL;
	u32 n;
	int ret;

	if (quic_is_serv(qs) || qs->zrtt_state != QUIC_ZRTT_ATTEMPT)
		return;
	n = cs->read_off ? 0 : quic_cstream_peek(cs, &p);
	ret = cs->read_off ? -EINVAL : quic_zrtt_ee_parse(p, n);
	/* split over chunks (a huge message): not seen, so assume the
	 * worst: sending everything again as 1-RTT is right either way
	 */
	if (ret == -EAGAIN && quic_cstream_readable(cs) > n)
		ret = -EINVAL;
	if (ret == -EAGAIN)
		return;
	if (ret == 1) {
		qs->zrtt_state = QUIC_ZRTT_ACCEPTED;
		quic_mib_inc(QUIC_MIB_ZRTT_ACCEPTED);
		return;
	}
	quic_zrtt_reject(sk);
}

/**
 * quic_zrtt_check_params - client: the server's new transport parameters
 * @sk: socket, locked
 * @p: the new parameters
 *
 * With 0-RTT accepted, the server must not reduce a remembered limit (RFC
 * 9000 7.4.1; RFC 9221 3 for max_datagram_frame_size). Otherwise nothing
 * the client sent counts and the new limits replace the remembered ones.
 *
 * Return: 0, or -EPROTO (the connection is closed with PROTOCOL_VIOLATION).
 */
int quic_zrtt_check_params(struct sock *sk,
			   const struct quic_transport_param *p)
{
	struct quic_sock *qs = quic_sk(sk);
	const struct quic_transport_param *o = &qs->zrtt_remote;

	if (quic_is_serv(qs) || !test_bit(QUIC_F_ZRTT_PARAMS, &qs->flags))
		return 0;
	if (qs->zrtt_state != QUIC_ZRTT_ACCEPTED) {
		quic_streams_rewind(&qs->streams);
		return 0;
	}
	if (p->active_connection_id_limit < o->active_connection_id_limit ||
	    p->max_data < o->max_data ||
	    p->max_stream_data_bidi_local < o->max_stream_data_bidi_local ||
	    p->max_stream_data_bidi_remote < o->max_stream_data_bidi_remote ||
	    p->max_stream_data_uni < o->max_stream_data_uni ||
	    p->max_streams_bidi < o->max_streams_bidi ||
	    p->max_streams_uni < o->max_streams_uni ||
	    p->max_datagram_frame_size < o->max_datagram_frame_size) {
		quic_conn_error(sk, QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION, 0);
		return -EPROTO;
	}
	return 0;
}

/**
 * quic_zrtt_hold - server: a 0-RTT packet came before its key
 * @sk: socket, locked
 *
 * Return: true to keep it until the key comes (a bounded number, RFC 9001
 * 4.6.1, 5.7), false to drop it: too many held, or the handshake is
 * complete without 0-RTT keys (early data refused), or we are the client.
 */
bool quic_zrtt_hold(struct sock *sk)
{
	struct quic_sock *qs = quic_sk(sk);

	if (!quic_is_serv(qs) || qs->crypto[QUIC_CRYPTO_APP].p.rx.ready ||
	    qs->zrtt_pending >= QUIC_ZRTT_PENDING_MAX) {
		quic_mib_inc(QUIC_MIB_ZRTT_DROPPED);
		return false;
	}
	return true;
}
