// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Compile-time check of the UAPI header linux/quic.h and of netinet/quic.h
 * against shared/spec/socket-api.md: every value, every type, every sizeof
 * and offsetof (x86_64 / LP64 natural alignment, computed by hand from the
 * spec). Built as C11 and C++17 with gcc and clang; it only prints PASS:
 * if it compiled, every assertion held.
 */
#include <stddef.h>
#include <stdio.h>
#include <netinet/quic.h>

#ifdef __cplusplus
#include <type_traits>
#define TYPE_IS(expr, T) \
	(std::is_same<std::remove_reference<decltype(expr)>::type, T>::value)
#define LANG "c++17"
#else
#include <assert.h>
#define TYPE_IS(expr, T) _Generic((expr), T: 1, default: 0)
#define LANG "c11"
#endif

/* enum constants of different enums: compare as numbers */
#define VAL(a, b) \
	static_assert((long long)(a) == (long long)(b), #a " == " #b)
#define SZ(T, n) static_assert(sizeof(T) == (n), "sizeof " #T)
#define OFF(T, m, o, type)						\
	static_assert(offsetof(T, m) == (o), "offsetof " #T "." #m);	\
	static_assert(TYPE_IS(((T *)0)->m, type), "type of " #T "." #m)
#define ARR(T, m, o, n)							\
	static_assert(offsetof(T, m) == (o), "offsetof " #T "." #m);	\
	static_assert(sizeof(((T *)0)->m) == (n), "size of " #T "." #m); \
	static_assert(TYPE_IS(((T *)0)->m[0], __u8), "type of " #T "." #m)

/* protocol numbers */
VAL(IPPROTO_QUIC, 261);
VAL(SOL_QUIC, 288);

/* control messages */
VAL(QUIC_STREAM_INFO, 0);
VAL(QUIC_HANDSHAKE_INFO, 1);
VAL(QUIC_CRYPTO_APP, 0);
VAL(QUIC_CRYPTO_INITIAL, 1);
VAL(QUIC_CRYPTO_HANDSHAKE, 2);
VAL(QUIC_CRYPTO_EARLY, 3);
VAL(QUIC_CRYPTO_MAX, 4);
VAL(QUIC_STREAM_TYPE_SERVER_MASK, 0x01);
VAL(QUIC_STREAM_TYPE_UNI_MASK, 0x02);
VAL(QUIC_STREAM_TYPE_MASK, 0x03);

/* message flags reuse MSG_* bits (also checked as numbers, Linux ABI) */
VAL(MSG_QUIC_STREAM_NEW, MSG_SYN);
VAL(MSG_QUIC_STREAM_FIN, MSG_FIN);
VAL(MSG_QUIC_STREAM_UNI, MSG_CONFIRM);
VAL(MSG_QUIC_STREAM_DONTWAIT, MSG_WAITFORONE);
VAL(MSG_QUIC_STREAM_SNDBLOCK, MSG_ERRQUEUE);
VAL(MSG_QUIC_DATAGRAM, MSG_RST);
VAL(MSG_QUIC_NOTIFICATION, MSG_MORE);
VAL(MSG_QUIC_STREAM_NEW, 0x400);
VAL(MSG_QUIC_STREAM_FIN, 0x200);
VAL(MSG_QUIC_STREAM_UNI, 0x800);
VAL(MSG_QUIC_STREAM_DONTWAIT, 0x10000);
VAL(MSG_QUIC_STREAM_SNDBLOCK, 0x2000);
VAL(MSG_QUIC_DATAGRAM, 0x1000);
VAL(MSG_QUIC_NOTIFICATION, 0x8000);

/* socket options */
VAL(QUIC_SOCKOPT_EVENT, 0);
VAL(QUIC_SOCKOPT_STREAM_OPEN, 1);
VAL(QUIC_SOCKOPT_STREAM_RESET, 2);
VAL(QUIC_SOCKOPT_STREAM_STOP_SENDING, 3);
VAL(QUIC_SOCKOPT_CONNECTION_ID, 4);
VAL(QUIC_SOCKOPT_CONNECTION_CLOSE, 5);
VAL(QUIC_SOCKOPT_CONNECTION_MIGRATION, 6);
VAL(QUIC_SOCKOPT_KEY_UPDATE, 7);
VAL(QUIC_SOCKOPT_TRANSPORT_PARAM, 8);
VAL(QUIC_SOCKOPT_CONFIG, 9);
VAL(QUIC_SOCKOPT_TOKEN, 10);
VAL(QUIC_SOCKOPT_ALPN, 11);
VAL(QUIC_SOCKOPT_SESSION_TICKET, 12);
VAL(QUIC_SOCKOPT_CRYPTO_SECRET, 13);
VAL(QUIC_SOCKOPT_TRANSPORT_PARAM_EXT, 14);

VAL(QUIC_VERSION_V1, 0x00000001);
VAL(QUIC_VERSION_V2, 0x6b3343cf);
VAL(QUIC_CRYPTO_SECRET_BUFFER_SIZE, 48);
VAL(QUIC_CLOSE_PHRASE_BUFFER_SIZE, 64);

VAL(QUIC_CONG_ALG_RENO, 0);
VAL(QUIC_CONG_ALG_CUBIC, 1);
VAL(QUIC_CONG_ALG_MAX, 2);

VAL(QUIC_EVENT_NONE, 0);
VAL(QUIC_EVENT_STREAM_UPDATE, 1);
VAL(QUIC_EVENT_STREAM_MAX_DATA, 2);
VAL(QUIC_EVENT_STREAM_MAX_STREAM, 3);
VAL(QUIC_EVENT_CONNECTION_ID, 4);
VAL(QUIC_EVENT_CONNECTION_CLOSE, 5);
VAL(QUIC_EVENT_CONNECTION_MIGRATION, 6);
VAL(QUIC_EVENT_KEY_UPDATE, 7);
VAL(QUIC_EVENT_NEW_TOKEN, 8);
VAL(QUIC_EVENT_NEW_SESSION_TICKET, 9);
VAL(QUIC_EVENT_MAX, 10);

VAL(QUIC_STREAM_SEND_STATE_READY, 0);
VAL(QUIC_STREAM_SEND_STATE_SEND, 1);
VAL(QUIC_STREAM_SEND_STATE_SENT, 2);
VAL(QUIC_STREAM_SEND_STATE_RECVD, 3);
VAL(QUIC_STREAM_SEND_STATE_RESET_SENT, 4);
VAL(QUIC_STREAM_SEND_STATE_RESET_RECVD, 5);
VAL(QUIC_STREAM_RECV_STATE_RECV, 6);
VAL(QUIC_STREAM_RECV_STATE_SIZE_KNOWN, 7);
VAL(QUIC_STREAM_RECV_STATE_RECVD, 8);
VAL(QUIC_STREAM_RECV_STATE_READ, 9);
VAL(QUIC_STREAM_RECV_STATE_RESET_RECVD, 10);
VAL(QUIC_STREAM_RECV_STATE_RESET_READ, 11);

/* transport error codes, RFC 9000 20.1 */
VAL(QUIC_TRANSPORT_ERROR_NONE, 0x00);
VAL(QUIC_TRANSPORT_ERROR_INTERNAL, 0x01);
VAL(QUIC_TRANSPORT_ERROR_CONNECTION_REFUSED, 0x02);
VAL(QUIC_TRANSPORT_ERROR_FLOW_CONTROL, 0x03);
VAL(QUIC_TRANSPORT_ERROR_STREAM_LIMIT, 0x04);
VAL(QUIC_TRANSPORT_ERROR_STREAM_STATE, 0x05);
VAL(QUIC_TRANSPORT_ERROR_FINAL_SIZE, 0x06);
VAL(QUIC_TRANSPORT_ERROR_FRAME_ENCODING, 0x07);
VAL(QUIC_TRANSPORT_ERROR_TRANSPORT_PARAM, 0x08);
VAL(QUIC_TRANSPORT_ERROR_CONNECTION_ID_LIMIT, 0x09);
VAL(QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION, 0x0a);
VAL(QUIC_TRANSPORT_ERROR_INVALID_TOKEN, 0x0b);
VAL(QUIC_TRANSPORT_ERROR_APPLICATION, 0x0c);
VAL(QUIC_TRANSPORT_ERROR_CRYPTO_BUF_EXCEEDED, 0x0d);
VAL(QUIC_TRANSPORT_ERROR_KEY_UPDATE, 0x0e);
VAL(QUIC_TRANSPORT_ERROR_AEAD_LIMIT_REACHED, 0x0f);
VAL(QUIC_TRANSPORT_ERROR_NO_VIABLE_PATH, 0x10);
VAL(QUIC_TRANSPORT_ERROR_VERSION_NEGOTIATION, 0x11);
VAL(QUIC_TRANSPORT_ERROR_CRYPTO, 0x0100);

/* structures */
SZ(struct quic_handshake_info, 1);
OFF(struct quic_handshake_info, crypto_level, 0, __u8);

SZ(struct quic_stream_info, 16);
OFF(struct quic_stream_info, stream_id, 0, __s64);
OFF(struct quic_stream_info, stream_flags, 8, __u32);

SZ(struct quic_transport_param, 56);
OFF(struct quic_transport_param, remote, 0, __u8);
OFF(struct quic_transport_param, disable_active_migration, 1, __u8);
OFF(struct quic_transport_param, grease_quic_bit, 2, __u8);
OFF(struct quic_transport_param, stateless_reset, 3, __u8);
OFF(struct quic_transport_param, disable_1rtt_encryption, 4, __u8);
OFF(struct quic_transport_param, disable_compatible_version, 5, __u8);
OFF(struct quic_transport_param, active_connection_id_limit, 6, __u8);
OFF(struct quic_transport_param, ack_delay_exponent, 7, __u8);
OFF(struct quic_transport_param, max_datagram_frame_size, 8, __u16);
OFF(struct quic_transport_param, max_udp_payload_size, 10, __u16);
OFF(struct quic_transport_param, max_idle_timeout, 12, __u32);
OFF(struct quic_transport_param, max_ack_delay, 16, __u32);
OFF(struct quic_transport_param, max_streams_bidi, 20, __u16);
OFF(struct quic_transport_param, max_streams_uni, 22, __u16);
OFF(struct quic_transport_param, max_data, 24, __u64);
OFF(struct quic_transport_param, max_stream_data_bidi_local, 32, __u64);
OFF(struct quic_transport_param, max_stream_data_bidi_remote, 40, __u64);
OFF(struct quic_transport_param, max_stream_data_uni, 48, __u64);

SZ(struct quic_config, 28);
OFF(struct quic_config, version, 0, __u32);
OFF(struct quic_config, plpmtud_probe_interval, 4, __u32);
OFF(struct quic_config, initial_smoothed_rtt, 8, __u32);
OFF(struct quic_config, payload_cipher_type, 12, __u32);
OFF(struct quic_config, congestion_control_algo, 16, __u8);
OFF(struct quic_config, validate_peer_address, 17, __u8);
OFF(struct quic_config, stream_data_nodelay, 18, __u8);
OFF(struct quic_config, receive_session_ticket, 19, __u8);
OFF(struct quic_config, certificate_request, 20, __u8);
ARR(struct quic_config, reserved, 21, 3);
OFF(struct quic_config, keepalive_probe_interval, 24, __u32);

SZ(struct quic_crypto_secret, 56);
OFF(struct quic_crypto_secret, send, 0, __u8);
OFF(struct quic_crypto_secret, level, 1, __u8);
OFF(struct quic_crypto_secret, reserved, 2, __u16);
OFF(struct quic_crypto_secret, type, 4, __u32);
ARR(struct quic_crypto_secret, secret, 8, 48);

SZ(struct quic_errinfo, 16);
OFF(struct quic_errinfo, stream_id, 0, __s64);
OFF(struct quic_errinfo, errcode, 8, __u32);

SZ(struct quic_connection_id_info, 12);
OFF(struct quic_connection_id_info, dest, 0, __u8);
ARR(struct quic_connection_id_info, reserved, 1, 3);
OFF(struct quic_connection_id_info, active, 4, __u32);
OFF(struct quic_connection_id_info, prior_to, 8, __u32);

SZ(struct quic_event_option, 2);
OFF(struct quic_event_option, type, 0, __u8);
OFF(struct quic_event_option, on, 1, __u8);

SZ(struct quic_stream_update, 24);
OFF(struct quic_stream_update, id, 0, __s64);
OFF(struct quic_stream_update, state, 8, __u8);
ARR(struct quic_stream_update, reserved, 9, 3);
OFF(struct quic_stream_update, errcode, 12, __u32);
OFF(struct quic_stream_update, finalsz, 16, __u64);

SZ(struct quic_stream_max_data, 16);
OFF(struct quic_stream_max_data, id, 0, __s64);
OFF(struct quic_stream_max_data, max_data, 8, __u64);

SZ(struct quic_connection_close, 72);
OFF(struct quic_connection_close, errcode, 0, __u32);
OFF(struct quic_connection_close, frame, 4, __u8);
ARR(struct quic_connection_close, reserved, 5, 3);
ARR(struct quic_connection_close, phrase, 8, 64);

SZ(union quic_event, 72);
OFF(union quic_event, update, 0, struct quic_stream_update);
OFF(union quic_event, max_data, 0, struct quic_stream_max_data);
OFF(union quic_event, close, 0, struct quic_connection_close);
OFF(union quic_event, info, 0, struct quic_connection_id_info);
OFF(union quic_event, max_stream, 0, __u64);
OFF(union quic_event, local_migration, 0, __u8);
OFF(union quic_event, key_update_phase, 0, __u8);

/* netinet/quic.h: libquic */
VAL(QUIC_HANDSHAKE_STEP_OP_SENDMSG, 1);
VAL(QUIC_HANDSHAKE_STEP_OP_RECVMSG, 2);
OFF(struct quic_handshake_step_sendmsg, msg, 0, const struct msghdr *);
OFF(struct quic_handshake_step_sendmsg, flags, sizeof(void *), int);
OFF(struct quic_handshake_step_recvmsg, msg, 0, struct msghdr *);
OFF(struct quic_handshake_step_recvmsg, flags, sizeof(void *), int);
#ifdef __LP64__
OFF(struct quic_handshake_step_sendmsg, retval, 16, ssize_t);
OFF(struct quic_handshake_step_recvmsg, retval, 16, ssize_t);
SZ(struct quic_handshake_step_sendmsg, 24);
SZ(struct quic_handshake_step, 32);
OFF(struct quic_handshake_step, op, 0, enum quic_handshake_step_op);
OFF(struct quic_handshake_step, s_sendmsg, 8,
    struct quic_handshake_step_sendmsg);
OFF(struct quic_handshake_step, s_recvmsg, 8,
    struct quic_handshake_step_recvmsg);
#endif

#define FN(f, T) static_assert(TYPE_IS(&f, T), "prototype of " #f)
FN(quic_client_handshake, int (*)(int, const char *, const char *,
				  const char *));
FN(quic_server_handshake, int (*)(int, const char *, const char *,
				  const char *));
FN(quic_handshake, int (*)(gnutls_session_t));
FN(quic_handshake_init, int (*)(gnutls_session_t,
				struct quic_handshake_step **));
FN(quic_handshake_step, int (*)(gnutls_session_t,
				struct quic_handshake_step **));
FN(quic_handshake_deinit, void (*)(gnutls_session_t));
FN(quic_session_get_data, int (*)(gnutls_session_t, void *, size_t *));
FN(quic_session_set_data, int (*)(gnutls_session_t, const void *, size_t));
FN(quic_session_get_alpn, int (*)(gnutls_session_t, void *, size_t *));
FN(quic_session_set_alpn, int (*)(gnutls_session_t, const void *, size_t));
FN(quic_sendmsg, ssize_t (*)(int, const void *, size_t, int64_t, uint32_t));
FN(quic_recvmsg, ssize_t (*)(int, void *, size_t, int64_t *, uint32_t *));
FN(quic_set_log_func, quic_set_log_func_t (*)(quic_set_log_func_t));
FN(quic_set_log_level, int (*)(int));
static_assert(TYPE_IS((quic_set_log_func_t)0, void (*)(int, const char *)),
	      "quic_set_log_func_t");

int main(int argc, char **argv)
{
	printf("PASS uapi/%s-%s\n", argc > 1 ? argv[1] : "cc", LANG);
	(void)argv;
	return 0;
}
