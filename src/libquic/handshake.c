// SPDX-License-Identifier: LGPL-2.1-or-later
/* QUIC glue of a GnuTLS session (secrets, handshake data, transport parameters, alerts), step API, quic_handshake(). */

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define QUIC_TLSEXT_TP_PARAM	0x39u
#define QUIC_TP_EXT_MAX		4096	/* our encoded transport parameters */
#define QUIC_RECV_BUF_SIZE	65536	/* handshake data per recvmsg() */

#define QUIC_ALERT_MISSING_EXTENSION	109

/* One run of handshake bytes at one crypto level waiting to be sent. */
struct quic_msg {
	struct quic_msg *next;
	uint8_t level;		/* enum quic_crypto_level */
	size_t len;
	size_t off;		/* bytes already accepted by sendmsg() */
	uint8_t data[];
};

struct quic_conn {
	gnutls_session_t session;
	int sockfd;
	int err;		/* -errno recorded by a callback, 0 if none */
	uint8_t alert;		/* TLS alert we raised, 0 if none */
	bool is_client;		/* we produced a ClientHello */
	bool completed;		/* gnutls_handshake() returned 0 */
	bool tp_received;	/* the peer's transport parameters arrived */
	bool ticket_wait;	/* client: waiting for a NewSessionTicket */
	bool ticket_queued;	/* ... and a peek saw it next in the socket */
	bool ticket_behind;	/* ... and a peek saw the application's data */
	unsigned int ticket_timeout_ms;
	int64_t ticket_deadline;	/* CLOCK_MONOTONIC ms */

	struct quic_msg *send_head;
	struct quic_msg *send_tail;
	uint8_t *recv_buf;

	struct quic_handshake_step step;
	struct msghdr msg;
	struct iovec iov;
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct quic_handshake_info))];
	} cmsg;
};

static const char *quic_level_name(uint8_t level)
{
	switch (level) {
	case QUIC_CRYPTO_APP:
		return "application";
	case QUIC_CRYPTO_INITIAL:
		return "initial";
	case QUIC_CRYPTO_HANDSHAKE:
		return "handshake";
	case QUIC_CRYPTO_EARLY:
		return "early";
	default:
		return "unknown";
	}
}

static int quic_level_from_gnutls(gnutls_record_encryption_level_t level)
{
	switch (level) {
	case GNUTLS_ENCRYPTION_LEVEL_INITIAL:
		return QUIC_CRYPTO_INITIAL;
	case GNUTLS_ENCRYPTION_LEVEL_EARLY:
		return QUIC_CRYPTO_EARLY;
	case GNUTLS_ENCRYPTION_LEVEL_HANDSHAKE:
		return QUIC_CRYPTO_HANDSHAKE;
	case GNUTLS_ENCRYPTION_LEVEL_APPLICATION:
		return QUIC_CRYPTO_APP;
	default:
		return -1;
	}
}

static int quic_level_to_gnutls(uint8_t level, gnutls_record_encryption_level_t *out)
{
	switch (level) {
	case QUIC_CRYPTO_INITIAL:
		*out = GNUTLS_ENCRYPTION_LEVEL_INITIAL;
		return 0;
	case QUIC_CRYPTO_EARLY:
		*out = GNUTLS_ENCRYPTION_LEVEL_EARLY;
		return 0;
	case QUIC_CRYPTO_HANDSHAKE:
		*out = GNUTLS_ENCRYPTION_LEVEL_HANDSHAKE;
		return 0;
	case QUIC_CRYPTO_APP:
		*out = GNUTLS_ENCRYPTION_LEVEL_APPLICATION;
		return 0;
	default:
		return -EPROTO;
	}
}

static uint32_t quic_cipher_type(gnutls_cipher_algorithm_t cipher)
{
	switch (cipher) {
	case GNUTLS_CIPHER_AES_128_GCM:
		return TLS_CIPHER_AES_GCM_128;
	case GNUTLS_CIPHER_AES_256_GCM:
		return TLS_CIPHER_AES_GCM_256;
	case GNUTLS_CIPHER_AES_128_CCM:
		return TLS_CIPHER_AES_CCM_128;
	case GNUTLS_CIPHER_CHACHA20_POLY1305:
		return TLS_CIPHER_CHACHA20_POLY1305;
	default:
		return 0;
	}
}

/* The per-session state lives in the private data slot of our transport
 * parameters extension: no global table, and gnutls_deinit() frees it
 * through quic_conn_free() even if quic_handshake_deinit() was not called.
 */
static struct quic_conn *quic_conn_get(gnutls_session_t session)
{
	gnutls_ext_priv_data_t priv = NULL;

	if (!session || gnutls_ext_get_data(session, QUIC_TLSEXT_TP_PARAM, &priv))
		return NULL;
	return priv;
}

static void quic_conn_free(gnutls_ext_priv_data_t priv)
{
	struct quic_conn *conn = priv;
	struct quic_msg *m;

	if (!conn)
		return;
	while ((m = conn->send_head)) {
		conn->send_head = m->next;
		free(m);
	}
	free(conn->recv_buf);
	free(conn);
}

static void quic_conn_fail(struct quic_conn *conn, int err)
{
	if (!conn->err)
		conn->err = err;
}

/* gnutls_handshake_secret_func: install the traffic secrets in the kernel,
 * the receive secret first so that the peer's answer to anything we send at
 * the new level can already be decrypted.
 */
static int quic_secret_func(gnutls_session_t session,
			    gnutls_record_encryption_level_t glevel,
			    const void *secret_read, const void *secret_write,
			    size_t secret_size)
{
	struct quic_conn *conn = quic_conn_get(session);
	struct quic_crypto_secret secret;
	gnutls_cipher_algorithm_t cipher;
	const void *secrets[2] = { secret_read, secret_write };
	int level, i;

	if (!conn)
		return -1;
	level = quic_level_from_gnutls(glevel);
	cipher = glevel == GNUTLS_ENCRYPTION_LEVEL_EARLY ?
		 gnutls_early_cipher_get(session) : gnutls_cipher_get(session);
	memset(&secret, 0, sizeof(secret));
	secret.level = (uint8_t)level;
	secret.type = quic_cipher_type(cipher);
	if (level < 0 || !secret.type || secret_size > sizeof(secret.secret)) {
		quic_log_error("cannot install %s secret: unsupported cipher %s",
			       quic_level_name((uint8_t)level), gnutls_cipher_get_name(cipher));
		quic_conn_fail(conn, -EPROTO);
		return -1;
	}
	for (i = 0; i < 2; i++) {
		if (!secrets[i])
			continue;
		secret.send = (uint8_t)i;
		memcpy(secret.secret, secrets[i], secret_size);
		if (setsockopt(conn->sockfd, SOL_QUIC, QUIC_SOCKOPT_CRYPTO_SECRET,
			       &secret, sizeof(secret))) {
			int err = -errno;

			gnutls_memset(&secret, 0, sizeof(secret));
			quic_log_error("cannot install %s %s secret: %s",
				       quic_level_name((uint8_t)level),
				       i ? "send" : "receive", strerror(-err));
			quic_conn_fail(conn, err);
			return -1;
		}
		quic_log_debug("installed %s %s secret (%s)", quic_level_name((uint8_t)level),
			       i ? "send" : "receive", gnutls_cipher_get_name(cipher));
	}
	gnutls_memset(&secret, 0, sizeof(secret));
	return 0;
}

/* gnutls_handshake_read_func: queue a handshake message for sendmsg();
 * consecutive messages of one level are coalesced into one send.
 */
static int quic_read_func(gnutls_session_t session,
			  gnutls_record_encryption_level_t glevel,
			  gnutls_handshake_description_t htype,
			  const void *data, size_t data_size)
{
	struct quic_conn *conn = quic_conn_get(session);
	struct quic_msg *m, *tail;
	int level;

	if (!conn)
		return -1;
	if (htype == GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC || !data_size)
		return 0;
	if (htype == GNUTLS_HANDSHAKE_CLIENT_HELLO)
		conn->is_client = true;
	level = quic_level_from_gnutls(glevel);
	if (level < 0) {
		quic_conn_fail(conn, -EPROTO);
		return -1;
	}
	tail = conn->send_tail;
	if (tail && tail->level == level && !tail->off) {
		m = realloc(tail, sizeof(*m) + tail->len + data_size);
		if (!m)
			goto nomem;
		if (conn->send_head == tail)
			conn->send_head = m;
		else {
			struct quic_msg *p = conn->send_head;

			while (p->next != tail)
				p = p->next;
			p->next = m;
		}
		conn->send_tail = m;
		memcpy(m->data + m->len, data, data_size);
		m->len += data_size;
		return 0;
	}
	m = malloc(sizeof(*m) + data_size);
	if (!m)
		goto nomem;
	m->next = NULL;
	m->level = (uint8_t)level;
	m->len = data_size;
	m->off = 0;
	memcpy(m->data, data, data_size);
	if (tail)
		tail->next = m;
	else
		conn->send_head = m;
	conn->send_tail = m;
	return 0;
nomem:
	quic_conn_fail(conn, -ENOMEM);
	return -1;
}

/* gnutls_alert_read_func: GnuTLS wants to send an alert; in QUIC it becomes
 * a CONNECTION_CLOSE with QUIC_TRANSPORT_ERROR_CRYPTO + alert, which the
 * kernel sends on close. The handshake then fails with -EPROTO.
 */
static int quic_alert_read_func(gnutls_session_t session,
				gnutls_record_encryption_level_t level,
				gnutls_alert_level_t alert_level,
				gnutls_alert_description_t alert_desc)
{
	struct quic_conn *conn = quic_conn_get(session);
	struct quic_connection_close close;
	const char *name;

	(void)level;
	if (!conn)
		return 0;
	name = gnutls_alert_get_strname(alert_desc);
	quic_log_debug("TLS alert %d (%s), level %d", (int)alert_desc,
		       name ? name : "unknown", (int)alert_level);
	if (conn->alert)
		return 0;
	conn->alert = (uint8_t)alert_desc;
	memset(&close, 0, sizeof(close));
	close.errcode = QUIC_TRANSPORT_ERROR_CRYPTO + (uint32_t)alert_desc;
	snprintf((char *)close.phrase, sizeof(close.phrase), "TLS alert: %s",
		 name ? name : "unknown");
	if (setsockopt(conn->sockfd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE,
		       &close, sizeof(close)))
		quic_log_debug("cannot set the connection close error: %s", strerror(errno));
	return 0;
}

/* Transport parameters extension, send side: the kernel encodes ours. */
static int quic_tp_send_func(gnutls_session_t session, gnutls_buffer_t extdata)
{
	struct quic_conn *conn = quic_conn_get(session);
	uint8_t buf[QUIC_TP_EXT_MAX];
	socklen_t len = sizeof(buf);
	int ret;

	if (!conn)
		return GNUTLS_E_INTERNAL_ERROR;
	if (getsockopt(conn->sockfd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM_EXT, buf, &len)) {
		quic_conn_fail(conn, -errno);
		quic_log_error("cannot get the transport parameters from the socket: %s",
			       strerror(errno));
		return GNUTLS_E_INTERNAL_ERROR;
	}
	ret = gnutls_buffer_append_data(extdata, buf, len);
	if (ret)
		return ret;
	return (int)len;
}

/* Transport parameters extension, receive side: the kernel decodes the
 * peer's and rejects invalid ones.
 */
static int quic_tp_recv_func(gnutls_session_t session, const unsigned char *data,
			     size_t len)
{
	struct quic_conn *conn = quic_conn_get(session);

	if (!conn)
		return GNUTLS_E_INTERNAL_ERROR;
	if (setsockopt(conn->sockfd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM_EXT,
		       data, (socklen_t)len)) {
		quic_conn_fail(conn, -errno);
		quic_log_error("the peer's transport parameters were rejected: %s",
			       strerror(errno));
		return GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER;
	}
	conn->tp_received = true;
	return 0;
}

static void quic_step_sendmsg(struct quic_conn *conn)
{
	struct quic_msg *m = conn->send_head;
	struct quic_handshake_info *info;
	struct cmsghdr *cmsg;

	memset(&conn->msg, 0, sizeof(conn->msg));
	memset(&conn->cmsg, 0, sizeof(conn->cmsg));
	conn->iov.iov_base = m->data + m->off;
	conn->iov.iov_len = m->len - m->off;
	conn->msg.msg_iov = &conn->iov;
	conn->msg.msg_iovlen = 1;
	conn->msg.msg_control = conn->cmsg.buf;
	conn->msg.msg_controllen = sizeof(conn->cmsg.buf);
	cmsg = CMSG_FIRSTHDR(&conn->msg);
	cmsg->cmsg_level = SOL_QUIC;
	cmsg->cmsg_type = QUIC_HANDSHAKE_INFO;
	cmsg->cmsg_len = CMSG_LEN(sizeof(*info));
	info = (struct quic_handshake_info *)CMSG_DATA(cmsg);
	info->crypto_level = m->level;

	memset(&conn->step, 0, sizeof(conn->step));
	conn->step.op = QUIC_HANDSHAKE_STEP_OP_SENDMSG;
	conn->step.s_sendmsg.msg = &conn->msg;
	conn->step.s_sendmsg.flags = 0;
}

static int64_t quic_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* While a client waits for a session ticket after the handshake, the
 * socket also holds the application's data (the server's streams may be
 * sent before its ticket). The kernel returns handshake messages before
 * anything else, so libquic peeks (MSG_PEEK): a ticket is read for real,
 * anything else is left to the application and means no ticket is there
 * yet.
 */
static void quic_step_recvmsg(struct quic_conn *conn)
{
	memset(&conn->msg, 0, sizeof(conn->msg));
	memset(&conn->cmsg, 0, sizeof(conn->cmsg));
	conn->iov.iov_base = conn->recv_buf;
	conn->iov.iov_len = QUIC_RECV_BUF_SIZE;
	conn->msg.msg_iov = &conn->iov;
	conn->msg.msg_iovlen = 1;
	conn->msg.msg_control = conn->cmsg.buf;
	conn->msg.msg_controllen = sizeof(conn->cmsg.buf);

	memset(&conn->step, 0, sizeof(conn->step));
	conn->step.op = QUIC_HANDSHAKE_STEP_OP_RECVMSG;
	conn->step.s_recvmsg.msg = &conn->msg;
	conn->step.s_recvmsg.flags = conn->ticket_wait && !conn->ticket_queued ? MSG_PEEK : 0;
}

/* A peek while waiting for a ticket found @len bytes: a NewSessionTicket
 * (a handshake message, or the event when the application switched it on)
 * or the application's data. Returns whether the wait goes on.
 */
static bool quic_ticket_peeked(struct quic_conn *conn, size_t len)
{
	const unsigned char *p = conn->recv_buf;
	struct cmsghdr *cmsg;

	if (conn->msg.msg_flags & MSG_QUIC_NOTIFICATION) {
		if (len > 1 && p[0] == QUIC_EVENT_NEW_SESSION_TICKET) {
			conn->ticket_queued = true;
			return true;
		}
	} else {
		for (cmsg = CMSG_FIRSTHDR(&conn->msg); cmsg;
		     cmsg = CMSG_NXTHDR(&conn->msg, cmsg)) {
			if (cmsg->cmsg_level == SOL_QUIC &&
			    cmsg->cmsg_type == QUIC_HANDSHAKE_INFO) {
				conn->ticket_queued = true;
				return true;
			}
		}
		/* no cmsg and nothing to read: the connection is over */
		if (!len && !conn->msg.msg_controllen && !(conn->msg.msg_flags & MSG_CTRUNC)) {
			quic_log_notice("the connection ended before a session ticket came");
			conn->ticket_wait = false;
			return false;
		}
	}
	if (quic_now_ms() >= conn->ticket_deadline) {
		quic_log_notice("no session ticket received in time");
		conn->ticket_wait = false;
		return false;
	}
	conn->ticket_behind = true;
	return true;
}

/* Choose what the caller has to do next: send queued data, receive, or
 * nothing (*pstep = NULL: the handshake is over).
 */
static void quic_next_step(struct quic_conn *conn, struct quic_handshake_step **pstep)
{
	if (conn->send_head)
		quic_step_sendmsg(conn);
	else if (!conn->completed || conn->ticket_wait)
		quic_step_recvmsg(conn);
	else {
		*pstep = NULL;
		return;
	}
	*pstep = &conn->step;
}

/* Turn a failed GnuTLS call into the errno we return, raising the alert
 * that tells the peer why.
 */
static int quic_tls_failed(struct quic_conn *conn, int ret, const char *what)
{
	gnutls_session_t session = conn->session;

	if (conn->err) {
		if (!conn->alert)
			gnutls_alert_send_appropriate(session, ret);
		return conn->err;
	}
	gnutls_alert_send_appropriate(session, ret);
	if (ret == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
		unsigned int status = gnutls_session_get_verify_cert_status(session);
		gnutls_certificate_type_t type = gnutls_certificate_type_get2(session,
									  GNUTLS_CTYPE_PEERS);
		gnutls_datum_t out = { NULL, 0 };

		if (!gnutls_certificate_verification_status_print(status, type, &out, 0)) {
			quic_log_error("TLS handshake failed: certificate rejected: %s",
				       (char *)out.data);
			gnutls_free(out.data);
			return -EPROTO;
		}
	}
	if (ret == GNUTLS_E_NO_APPLICATION_PROTOCOL) {
		quic_log_error("TLS handshake failed: no common ALPN");
		return -EPROTO;
	}
	quic_log_error("TLS handshake failed in %s: %s", what, gnutls_strerror(ret));
	return quic_errno_from_gnutls(ret);
}

static int quic_handshake_completed(struct quic_conn *conn)
{
	gnutls_session_t session = conn->session;
	gnutls_datum_t alpn;

	conn->completed = true;
	if (!conn->tp_received) {
		quic_log_error("TLS handshake failed: the peer sent no QUIC transport parameters");
		quic_alert_read_func(session, GNUTLS_ENCRYPTION_LEVEL_HANDSHAKE,
				     GNUTLS_AL_FATAL, QUIC_ALERT_MISSING_EXTENSION);
		return -EPROTO;
	}
	if (!conn->is_client && !gnutls_alpn_get_selected_protocol(session, &alpn)) {
		if (setsockopt(conn->sockfd, SOL_QUIC, QUIC_SOCKOPT_ALPN, alpn.data,
			       (socklen_t)alpn.size)) {
			int err = -errno;

			quic_log_error("cannot set the negotiated ALPN on the socket: %s",
				       strerror(-err));
			return err;
		}
	}
	if (conn->is_client && conn->ticket_timeout_ms &&
	    !(gnutls_session_get_flags(session) & GNUTLS_SFLAGS_SESSION_TICKET)) {
		conn->ticket_wait = true;
		conn->ticket_deadline = quic_now_ms() + conn->ticket_timeout_ms;
	}
	quic_log_debug("TLS handshake completed as %s, cipher %s%s%s",
		       conn->is_client ? "client" : "server",
		       gnutls_cipher_get_name(gnutls_cipher_get(session)),
		       gnutls_session_is_resumed(session) ? ", resumed" : "",
		       (gnutls_session_get_flags(session) & GNUTLS_SFLAGS_EARLY_DATA) ?
		       ", early data accepted" : "");
	return 0;
}

/* Client: a NewSessionTicket was processed; keep the session data on the
 * socket (QUIC_SOCKOPT_SESSION_TICKET) for the application's next connection.
 */
static int quic_ticket_received(struct quic_conn *conn)
{
	gnutls_datum_t data = { NULL, 0 };
	int ret;

	conn->ticket_wait = false;
	conn->ticket_queued = false;
	ret = gnutls_session_get_data2(conn->session, &data);
	if (ret) {
		quic_log_error("cannot get the session data: %s", gnutls_strerror(ret));
		return quic_errno_from_gnutls(ret);
	}
	ret = 0;
	if (setsockopt(conn->sockfd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, data.data,
		       (socklen_t)data.size)) {
		ret = -errno;
		quic_log_error("cannot store the session ticket on the socket: %s",
			       strerror(errno));
	} else {
		quic_log_debug("session ticket stored on the socket (%u bytes)", data.size);
	}
	gnutls_free(data.data);
	return ret;
}

static int quic_handshake_continue(struct quic_conn *conn)
{
	int ret;

	if (conn->completed)
		return 0;
	ret = gnutls_handshake(conn->session);
	if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
		return 0;
	if (ret)
		return quic_tls_failed(conn, ret, "gnutls_handshake");
	return quic_handshake_completed(conn);
}

static int quic_handshake_received(struct quic_conn *conn, const struct msghdr *msg,
				   size_t len)
{
	gnutls_record_encryption_level_t glevel;
	const struct quic_handshake_info *info = NULL;
	struct cmsghdr *cmsg;
	int ret;

	if (msg->msg_flags & MSG_QUIC_NOTIFICATION) {
		const unsigned char *ev = msg->msg_iov->iov_base;

		/* with QUIC_EVENT_NEW_SESSION_TICKET on, a client gets the
		 * NewSessionTicket as that event: it is TLS data all the same
		 */
		if (conn->is_client && len > 1 && ev[0] == QUIC_EVENT_NEW_SESSION_TICKET &&
		    !(msg->msg_flags & MSG_TRUNC)) {
			quic_log_debug("received a NewSessionTicket event (%zu bytes)", len - 1);
			ret = gnutls_handshake_write(conn->session,
						     GNUTLS_ENCRYPTION_LEVEL_APPLICATION,
						     ev + 1, len - 1);
			if (ret && gnutls_error_is_fatal(ret))
				return quic_tls_failed(conn, ret, "gnutls_handshake_write");
			goto ticket;
		}
		quic_log_debug("ignoring an event received during the handshake");
		return 0;
	}
	if (msg->msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		quic_log_error("handshake message larger than %d bytes", QUIC_RECV_BUF_SIZE);
		return -EMSGSIZE;
	}
	for (cmsg = CMSG_FIRSTHDR(msg); cmsg; cmsg = CMSG_NXTHDR((struct msghdr *)msg, cmsg)) {
		if (cmsg->cmsg_level == SOL_QUIC && cmsg->cmsg_type == QUIC_HANDSHAKE_INFO &&
		    cmsg->cmsg_len >= CMSG_LEN(sizeof(*info))) {
			info = (const struct quic_handshake_info *)CMSG_DATA(cmsg);
			break;
		}
	}
	if (!info || quic_level_to_gnutls(info->crypto_level, &glevel)) {
		quic_log_error("received handshake data without a valid crypto level");
		return -EPROTO;
	}
	quic_log_debug("received %zu bytes of handshake data at the %s level", len,
		       quic_level_name(info->crypto_level));
	ret = gnutls_handshake_write(conn->session, glevel, msg->msg_iov->iov_base, len);
	if (ret && gnutls_error_is_fatal(ret))
		return quic_tls_failed(conn, ret, "gnutls_handshake_write");
	if (conn->err)
		return conn->err;
	ret = quic_handshake_continue(conn);
	if (ret)
		return ret;
ticket:
	if (conn->ticket_wait &&
	    (gnutls_session_get_flags(conn->session) & GNUTLS_SFLAGS_SESSION_TICKET))
		return quic_ticket_received(conn);
	return 0;
}

static bool quic_errno_retry(ssize_t err)
{
	return err == -EAGAIN || err == -EWOULDBLOCK || err == -EINTR;
}

/* Start the QUIC handshake on @session, whose transport is the QUIC socket
 * (gnutls_transport_set_int()). Installs the QUIC hooks, produces the
 * ClientHello on a client, and returns the first step in *pstep.
 */
QUIC_EXPORT int quic_handshake_init(gnutls_session_t session,
				    struct quic_handshake_step **pstep)
{
	struct quic_conn *conn;
	struct quic_config config;
	socklen_t len = sizeof(config);
	int ret;

	if (!session || !pstep)
		return -EINVAL;
	*pstep = NULL;
	conn = calloc(1, sizeof(*conn));
	if (!conn)
		return -ENOMEM;
	conn->recv_buf = malloc(QUIC_RECV_BUF_SIZE);
	if (!conn->recv_buf) {
		free(conn);
		return -ENOMEM;
	}
	conn->session = session;
	conn->sockfd = gnutls_transport_get_int(session);
	if (conn->sockfd < 0) {
		quic_log_error("no QUIC socket set on the session (gnutls_transport_set_int)");
		quic_conn_free(conn);
		return -EBADF;
	}

	ret = gnutls_session_ext_register(session, "QUIC Transport Parameters",
					  QUIC_TLSEXT_TP_PARAM, GNUTLS_EXT_TLS,
					  quic_tp_recv_func, quic_tp_send_func,
					  quic_conn_free, NULL, NULL,
					  GNUTLS_EXT_FLAG_TLS | GNUTLS_EXT_FLAG_CLIENT_HELLO |
					  GNUTLS_EXT_FLAG_EE);
	if (ret && ret != GNUTLS_E_ALREADY_REGISTERED) {
		quic_log_error("cannot register the QUIC transport parameters extension: %s",
			       gnutls_strerror(ret));
		quic_conn_free(conn);
		return quic_errno_from_gnutls(ret);
	}
	gnutls_ext_set_data(session, QUIC_TLSEXT_TP_PARAM, conn);	/* frees an old one */
	gnutls_handshake_set_secret_function(session, quic_secret_func);
	gnutls_handshake_set_read_function(session, quic_read_func);
	gnutls_alert_set_read_function(session, quic_alert_read_func);

	memset(&config, 0, sizeof(config));
	if (!getsockopt(conn->sockfd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &config, &len) &&
	    len >= sizeof(config))
		conn->ticket_timeout_ms = config.receive_session_ticket * 1000u;

	/* The client writes its ClientHello now; the server finds nothing to
	 * read and waits for one.
	 */
	ret = quic_handshake_continue(conn);
	/* a server session (it wrote no ClientHello): early data, if the
	 * caller's gnutls_init() enabled it, as QUIC wants it
	 */
	if (!ret && !conn->is_client)
		ret = quic_server_early_data(session);
	if (ret) {
		quic_handshake_deinit(session);
		return ret;
	}
	quic_next_step(conn, pstep);
	return 0;
}

/* Account the step the caller performed (its retval) and return the next
 * one; *pstep becomes NULL with 0 returned when the handshake is done.
 */
QUIC_EXPORT int quic_handshake_step(gnutls_session_t session,
				    struct quic_handshake_step **pstep)
{
	struct quic_conn *conn = quic_conn_get(session);
	struct quic_handshake_step *step;
	ssize_t retval;
	int ret = 0;

	if (!conn || !pstep || *pstep != &conn->step)
		return -EINVAL;
	step = *pstep;
	*pstep = NULL;

	if (step->op == QUIC_HANDSHAKE_STEP_OP_SENDMSG) {
		struct quic_msg *m = conn->send_head;

		retval = step->s_sendmsg.retval;
		if (quic_errno_retry(retval)) {
			quic_step_sendmsg(conn);
			*pstep = &conn->step;
			return 0;
		}
		if (retval < 0) {
			quic_log_error("handshake sendmsg failed: %s", strerror((int)-retval));
			return (int)retval;
		}
		if ((size_t)retval > m->len - m->off)
			return -EINVAL;
		m->off += (size_t)retval;
		if (m->off == m->len) {
			conn->send_head = m->next;
			if (!conn->send_head)
				conn->send_tail = NULL;
			free(m);
		}
	} else if (step->op == QUIC_HANDSHAKE_STEP_OP_RECVMSG) {
		retval = step->s_recvmsg.retval;
		if (quic_errno_retry(retval)) {
			quic_step_recvmsg(conn);
			*pstep = &conn->step;
			return 0;
		}
		if (retval == -ETIMEDOUT && conn->ticket_wait) {
			quic_log_notice("no session ticket received in time");
			conn->ticket_wait = false;
		} else if (retval >= 0 && (step->s_recvmsg.flags & MSG_PEEK)) {
			if ((size_t)retval > QUIC_RECV_BUF_SIZE)
				return -EINVAL;
			quic_ticket_peeked(conn, (size_t)retval);
		} else if (retval < 0) {
			quic_log_error("handshake recvmsg failed: %s", strerror((int)-retval));
			return (int)retval;
		} else if (retval == 0) {
			quic_log_error("connection closed by the peer during the handshake");
			return -ECONNRESET;
		} else {
			if ((size_t)retval > QUIC_RECV_BUF_SIZE)
				return -EINVAL;
			/* a read for real after a peek: never another one
			 * that could take the application's data
			 */
			conn->ticket_queued = false;
			ret = quic_handshake_received(conn, &conn->msg, (size_t)retval);
			if (ret)
				return ret;
		}
	} else {
		return -EINVAL;
	}
	quic_next_step(conn, pstep);
	return 0;
}

/* Forget the QUIC state of @session; its GnuTLS hooks stay installed but
 * do nothing any more.
 */
QUIC_EXPORT void quic_handshake_deinit(gnutls_session_t session)
{
	if (quic_conn_get(session))
		gnutls_ext_set_data(session, QUIC_TLSEXT_TP_PARAM, NULL);
}

/* Perform one step on the socket, waiting with poll() while it would block
 * (blocking and non-blocking sockets alike). A client waiting for a session
 * ticket gives up after the configured time and reports -ETIMEDOUT.
 */
static void quic_do_step(struct quic_conn *conn, struct quic_handshake_step *step)
{
	bool send = step->op == QUIC_HANDSHAKE_STEP_OP_SENDMSG;
	struct pollfd pfd = { .fd = conn->sockfd, .events = send ? POLLOUT : POLLIN };
	int timeout = -1;
	ssize_t ret;

	if (conn->ticket_wait) {
		int64_t left = conn->ticket_deadline - quic_now_ms();

		timeout = left > 0 ? (int)left : 0;
		/* the application's data is in front: the ticket may come
		 * behind it at any time, and poll() cannot wait for that
		 */
		if (conn->ticket_behind && !send) {
			conn->ticket_behind = false;
			usleep(timeout < 10 ? (useconds_t)timeout * 1000 : 10000);
		}
	}
	for (;;) {
		if (send)
			ret = sendmsg(conn->sockfd, step->s_sendmsg.msg,
				      step->s_sendmsg.flags | MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			ret = recvmsg(conn->sockfd, step->s_recvmsg.msg,
				      step->s_recvmsg.flags | MSG_DONTWAIT);
		if (ret < 0)
			ret = -errno;
		if (ret != -EAGAIN && ret != -EWOULDBLOCK && ret != -EINTR)
			break;
		if (ret == -EINTR)
			continue;
		ret = poll(&pfd, 1, timeout);
		if (ret == 0) {
			ret = -ETIMEDOUT;
			break;
		}
		if (ret < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
	}
	if (send)
		step->s_sendmsg.retval = ret;
	else
		step->s_recvmsg.retval = ret;
}

/* Run the whole handshake on a caller-configured session. */
QUIC_EXPORT int quic_handshake(gnutls_session_t session)
{
	struct quic_handshake_step *step;
	int ret;

	ret = quic_handshake_init(session, &step);
	while (!ret && step) {
		quic_do_step(quic_conn_get(session), step);
		ret = quic_handshake_step(session, &step);
	}
	quic_handshake_deinit(session);
	return ret;
}
