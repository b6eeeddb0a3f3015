/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tools/h3/h3_common.h: what quic-h3-client and quic-h3-server share: HTTP/3
 * (libnghttp3) on an in-kernel QUIC socket. The kernel does flow control,
 * retransmission and acknowledgements; this layer opens the streams, feeds
 * every received stream chunk to nghttp3, writes what nghttp3 produces and
 * closes nghttp3's view of a request stream once both directions ended.
 */

#ifndef H3_COMMON_H
#define H3_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/quic.h>
#include <nghttp3/nghttp3.h>

#define H3_EXIT_FAIL	1	/* connection, handshake or HTTP failure */
#define H3_EXIT_USAGE	2	/* bad options or files */

#define H3_HANDSHAKE_TIMEOUT	30	/* seconds */

extern const char *h3_prog;

/* "prog: message" on stderr, one line. */
void h3_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "ECONNREFUSED (Connection refused)"; static buffer. */
const char *h3_errstr(int err);

/* libquic's error log lines are kept (the first since h3_libquic_reset())
 * instead of going to stderr, so that tools can report them in their one
 * line. h3_libquic_error() returns "" when there was none.
 */
void h3_libquic_capture(void);
void h3_libquic_reset(void);
const char *h3_libquic_error(void);
/* whether the last handshake resumed a TLS session (libquic's log) */
extern bool h3_libquic_resumed;
/* ... and took the client's early data (0-RTT) */
extern bool h3_libquic_early;

/* Kill the process with a one-line message (prog: @what timed out after
 * @seconds s (ETIMEDOUT)) if it is still running in @seconds; 0 disarms.
 */
void h3_alarm(unsigned int seconds, const char *what);

/* An IPv4 or IPv6 literal and a port as a socket address; -EINVAL if
 * @host is not a literal.
 */
int h3_addr_from_literal(const char *host, uint16_t port,
			 struct sockaddr_storage *ss, socklen_t *len);
bool h3_is_ip_literal(const char *host);
/* "127.0.0.1:443" or "[::1]:443" */
const char *h3_addr_str(const struct sockaddr *sa, char *buf, size_t len);

/* socket(family, SOCK_DGRAM, IPPROTO_QUIC); -errno on failure. */
/* QUIC_SOCKOPT_CONFIG h3_quic_socket() applies: version (0: default) and
 * validate_peer_address (Retry)
 */
extern uint32_t h3_quic_version;
extern bool h3_quic_retry;
int h3_quic_socket(int family);
/* The message for socket() failing with @err: "QUIC is not available: load
 * the quic module" for EPROTONOSUPPORT/EAFNOSUPPORT.
 */
void h3_socket_failed(int err);

struct h3_sidset {
	int64_t *ids;
	size_t n, cap;
};

/* FIN state of a request stream (bidirectional) */
struct h3_bidi {
	int64_t id;
	bool fin_sent, fin_recv;
};

struct h3_conn {
	int fd;
	nghttp3_conn *conn;	/* created by the caller, conn_user_data = this */
	bool server;
	/* the kernel has no QUIC_SOCKOPT_STREAM_OPEN: the next ids are
	 * computed and the first send carries MSG_QUIC_STREAM_NEW
	 */
	bool legacy_open;
	int64_t next_local[2];	/* [uni] */
	struct h3_sidset fresh;	/* legacy: opened, nothing sent yet */
	struct h3_sidset blocked;	/* request streams whose send got EAGAIN */
	struct h3_bidi *bidi;
	size_t nbidi, capbidi;
	bool want_write;	/* a send got EAGAIN: wait for POLLOUT */
	bool throttle;		/* POLLOUT came but sends still fail: retry on a timer */
	bool closed;		/* the connection is gone */
	int close_errno;	/* why (0: end of file) */
	bool peer_close;	/* a CONNECTION_CLOSE event arrived */
	uint32_t peer_errcode;
	char peer_phrase[QUIC_CLOSE_PHRASE_BUFFER_SIZE + 1];
	int64_t ctrl_sid;	/* our control stream */
	uint8_t *rbuf;
	char err[320];		/* the fatal error, when a call returned -1 */
	int fail_errno;		/* h3_bind_streams(): the errno of its failure */
	uint64_t fail_code;	/* HTTP/3 error code to close with after it */
	unsigned int key_phases;	/* QUIC_EVENT_KEY_UPDATE: new key phases received */
	unsigned int migrations;	/* QUIC_EVENT_CONNECTION_MIGRATION: paths validated */
	uint64_t rbytes;	/* stream bytes received */
	/* write only: the TLS handshake (another thread) reads the socket
	 * while 0-RTT requests are written
	 */
	bool no_read;
	/* QUIC_EVENT_NEW_SESSION_TICKET (enabled by the caller): the TLS
	 * NewSessionTicket message
	 */
	void (*on_ticket)(struct h3_conn *h, const uint8_t *msg, size_t len);
};

/* Set the accepted or connected (handshake done) socket up: non-blocking,
 * stream and close events asked for (when the kernel has them).
 * -1 with h->err set on failure.
 */
int h3_conn_init(struct h3_conn *h, int fd, bool server);
void h3_conn_free(struct h3_conn *h);	/* nghttp3_conn_del(); does not close fd */

/* Open the next local stream; -EAGAIN when the peer's stream limit is
 * reached (try again later), other -errno on failure.
 */
int h3_open_stream(struct h3_conn *h, bool uni, int64_t *sid);

/* Open the control and QPACK streams and bind them to h->conn. */
int h3_bind_streams(struct h3_conn *h);

/* One round: write what nghttp3 has, wait up to @timeout_ms for the
 * socket, read all that arrived, write again. Returns 1 if anything was
 * read or written, 0 if not, -1 on a fatal error (h->err). h->closed tells
 * that the connection ended.
 */
int h3_io(struct h3_conn *h, int timeout_ms);

/* Close the connection with HTTP/3 application error @errcode
 * (NGHTTP3_H3_NO_ERROR: a normal close) and the socket. */
void h3_close(struct h3_conn *h, uint64_t errcode, const char *phrase);

/* Describe why the connection ended, for messages. Static buffer. */
const char *h3_close_reason(struct h3_conn *h);

/* nghttp3 callbacks any endpoint uses (conn_user_data is the h3_conn) */
int h3_cb_stop_sending(nghttp3_conn *conn, int64_t stream_id, uint64_t app_error_code,
		       void *conn_user_data, void *stream_user_data);
int h3_cb_reset_stream(nghttp3_conn *conn, int64_t stream_id, uint64_t app_error_code,
		       void *conn_user_data, void *stream_user_data);

/* Monotonic milliseconds */
int64_t h3_now_ms(void);

/* The name of an HTTP/3 error code ("H3_NO_ERROR"), or NULL */
const char *h3_error_name(uint64_t code);

#endif /* H3_COMMON_H */
