// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * quic-handshaked: one handshake request. Checks that the socket the kernel
 * handed over is a QUIC socket, builds the GnuTLS session (client or
 * server; PSK, X.509 or unauthenticated) from the configuration, the ALPN
 * list and the QUIC config set on the socket, and runs libquic's step API
 * with a poll() loop bounded by the request's timeout. The result is the
 * status for HANDSHAKE_CMD_DONE (0 or a positive errno) and a reason.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/keyctl.h>
#include <netinet/quic.h>

#include "qhd.h"
#include "handshake_uapi.h"

#define QHD_TICKET_MAX		8192
#define QHD_TICKET_KEY_SIZE	64
#define QHD_ALERT_NO_APPLICATION_PROTOCOL 120

volatile sig_atomic_t qhd_stop;

/* The first error libquic logged during the running handshake. */
static _Thread_local char lib_error[QHD_REASON_MAX];

/* The state of one handshake, for the PSK callback and the result. */
struct hs {
	const struct qhd_config *cfg;
	const struct qhd_request *req;
	gnutls_session_t session;
	gnutls_psk_client_credentials_t psk_client;
	gnutls_psk_server_credentials_t psk_server;
	char identity[QHD_PEERNAME_MAX];	/* the PSK identity used */
	bool psk_unknown;			/* server: not in the PSK file */
	bool alpn_offered;			/* client: an ALPN list was set */
	bool timed_out;
};

const char *qhd_role_name(const struct qhd_request *req)
{
	switch (req->msg_type) {
	case HANDSHAKE_MSG_TYPE_CLIENTHELLO:
		return "client";
	case HANDSHAKE_MSG_TYPE_SERVERHELLO:
		return "server";
	default:
		return "unknown-role";
	}
}

const char *qhd_mode_name(const struct qhd_request *req)
{
	switch (req->auth_mode) {
	case HANDSHAKE_AUTH_PSK:
		return "psk";
	case HANDSHAKE_AUTH_X509:
		return "x509";
	case HANDSHAKE_AUTH_UNAUTH:
		return "unauth";
	default:
		return "unknown-auth";
	}
}

static void libquic_log(int level, const char *msg)
{
	qhd_debug("libquic: %s", msg);
	if (level <= LOG_ERR && !lib_error[0])
		snprintf(lib_error, sizeof(lib_error), "%s", msg);
}

void qhd_tls_init(void)
{
	quic_set_log_func(libquic_log);
	quic_set_log_level(LOG_DEBUG);
}

static void __attribute__((format(printf, 3, 4)))
fail(struct qhd_result *res, int status, const char *fmt, ...)
{
	va_list ap;

	res->status = status;
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
}

static bool is_ip_address(const char *host)
{
	unsigned char addr[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

/* The description of key @serial ("type;uid;gid;perm;description" from
 * KEYCTL_DESCRIBE); -1 if the key is not there or not visible to us.
 */
static int key_description(int32_t serial, char *buf, size_t size)
{
	char desc[512];
	const char *p = desc;
	long n;
	int i;

	if (!serial)
		return -1;
	n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, (long)serial, desc, (long)sizeof(desc));
	if (n <= 0)
		return -1;
	desc[sizeof(desc) - 1] = '\0';
	for (i = 0; i < 4; i++) {
		p = strchr(p, ';');
		if (!p)
			return -1;
		p++;
	}
	snprintf(buf, size, "%s", p);
	return 0;
}

void qhd_describe_peerids(struct qhd_request *req)
{
	unsigned int i;

	for (i = 0; i < req->npeerids; i++)
		if (key_description(req->peerids[i], req->peerid_desc[i],
				    sizeof(req->peerid_desc[i])))
			req->peerid_desc[i][0] = '\0';
}

/* The PEER_IDENTITY key whose description is @identity, or 0. */
static int32_t peerid_for_identity(const struct qhd_request *req, const char *identity)
{
	unsigned int i;

	for (i = 0; i < req->npeerids; i++)
		if (req->peerid_desc[i][0] && !strcmp(req->peerid_desc[i], identity))
			return req->peerids[i];
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* gnutls_psk_server_credentials_function: the identity the client sent,
 * looked up in the PSK file.
 */
static int psk_lookup(gnutls_session_t session, const char *identity, gnutls_datum_t *key)
{
	struct hs *hs = gnutls_session_get_ptr(session);
	const struct quic_psk *psk = quic_psk_file_find(&hs->cfg->psks, identity);

	snprintf(hs->identity, sizeof(hs->identity), "%s", identity);
	if (!psk) {
		hs->psk_unknown = true;
		return -1;
	}
	key->data = gnutls_malloc(psk->key.size);
	if (!key->data)
		return -1;
	memcpy(key->data, psk->key.data, psk->key.size);
	key->size = psk->key.size;
	return 0;
}

/* Client PSK: the identity whose name a PEER_IDENTITY key carries as its
 * description, else the first one of the PSK file.
 */
static int setup_psk_client(struct hs *hs, struct qhd_result *res)
{
	const struct qhd_config *cfg = hs->cfg;
	const struct qhd_request *req = hs->req;
	const struct quic_psk *psk = NULL;
	unsigned int i;
	int ret;

	for (i = 0; i < req->npeerids && !psk; i++) {
		if (!req->peerid_desc[i][0])
			continue;
		psk = quic_psk_file_find(&cfg->psks, req->peerid_desc[i]);
		qhd_debug("request %lu: PEER_IDENTITY key %d is '%s'%s", req->n,
			  req->peerids[i], req->peerid_desc[i],
			  psk ? "" : ", not in the PSK file");
	}
	if (!psk)
		psk = &cfg->psks.entries[0];
	snprintf(hs->identity, sizeof(hs->identity), "%s", psk->identity);
	ret = gnutls_psk_allocate_client_credentials(&hs->psk_client);
	if (!ret)
		ret = gnutls_psk_set_client_credentials(hs->psk_client, psk->identity,
							&psk->key, GNUTLS_PSK_KEY_RAW);
	if (!ret)
		ret = gnutls_credentials_set(hs->session, GNUTLS_CRD_PSK, hs->psk_client);
	if (ret) {
		fail(res, ENOMEM, "cannot set the PSK credentials: %s", gnutls_strerror(ret));
		return -1;
	}
	return 0;
}

static int setup_psk_server(struct hs *hs, struct qhd_result *res)
{
	int ret;

	ret = gnutls_psk_allocate_server_credentials(&hs->psk_server);
	if (!ret) {
		gnutls_psk_set_server_credentials_function(hs->psk_server, psk_lookup);
		ret = gnutls_credentials_set(hs->session, GNUTLS_CRD_PSK, hs->psk_server);
	}
	if (ret) {
		fail(res, ENOMEM, "cannot set the PSK credentials: %s", gnutls_strerror(ret));
		return -1;
	}
	return 0;
}

/* Client X.509 (verified against ca_file or the system trust and the peer
 * name) or unauthenticated (not verified); the peer name goes out as SNI
 * unless it is an IP address.
 */
static int setup_x509_client(struct hs *hs, bool verify, struct qhd_result *res)
{
	const char *name = hs->req->peername;
	int ret;

	ret = gnutls_credentials_set(hs->session, GNUTLS_CRD_CERTIFICATE, hs->cfg->xcred);
	if (!ret && *name && !is_ip_address(name))
		ret = gnutls_server_name_set(hs->session, GNUTLS_NAME_DNS, name, strlen(name));
	if (ret) {
		fail(res, EINVAL, "cannot set the certificate credentials: %s",
		     gnutls_strerror(ret));
		return -1;
	}
	if (!verify)
		return 0;
	if (!*name)
		qhd_notice("request %lu: no peer name: the server certificate chain is verified without a name check",
			   hs->req->n);
	gnutls_session_set_verify_cert(hs->session, *name ? name : NULL, 0);
	return 0;
}

/* Server X.509: our certificate; a client certificate is required with
 * require_client_cert, else requested/required as the socket's QUIC config
 * says (certificate_request 1/2), verified against ca_file.
 */
static int setup_x509_server(struct hs *hs, uint8_t cert_request, struct qhd_result *res)
{
	const struct qhd_config *cfg = hs->cfg;
	int ret;

	if (!cfg->have_cert) {
		fail(res, ENOKEY, "X.509 server handshake but no cert_file/key_file in %s",
		     cfg->path);
		return -1;
	}
	if (cfg->require_client_cert)
		cert_request = 2;
	if (cert_request > 2) {
		fail(res, EINVAL, "invalid certificate_request %u in the socket's QUIC config",
		     cert_request);
		return -1;
	}
	if (cert_request && !cfg->ca_file) {
		fail(res, ENOKEY, "the socket asks for a client certificate but %s has no ca_file to verify it",
		     cfg->path);
		return -1;
	}
	ret = gnutls_credentials_set(hs->session, GNUTLS_CRD_CERTIFICATE, cfg->xcred);
	if (ret) {
		fail(res, EINVAL, "cannot set the certificate credentials: %s",
		     gnutls_strerror(ret));
		return -1;
	}
	if (cert_request) {
		gnutls_certificate_server_set_request(hs->session, cert_request == 1 ?
						      GNUTLS_CERT_REQUEST : GNUTLS_CERT_REQUIRE);
		gnutls_session_set_verify_cert(hs->session, NULL, 0);
	}
	return 0;
}

/* The ALPN list the kernel consumer set on the socket, else the
 * configuration's alpn, else none.
 */
static int setup_alpn(struct hs *hs, struct qhd_result *res)
{
	char buf[QHD_ALPN_MAX + 1];
	socklen_t len = QHD_ALPN_MAX;
	const char *list = hs->cfg->alpn;
	int ret;

	if (!getsockopt(hs->req->fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, buf, &len) && len) {
		buf[len] = '\0';
		list = buf;
	}
	if (!*list)
		return 0;
	qhd_debug("request %lu: ALPN %s%s", hs->req->n, list,
		  list == buf ? " (from the socket)" : " (from the configuration)");
	ret = quic_session_set_alpn(hs->session, list, strlen(list));
	if (ret) {
		fail(res, -ret, "invalid ALPN list '%s'", list);
		return -1;
	}
	hs->alpn_offered = true;
	return 0;
}

/* Session resumption as libquic does it: a client resumes with the session
 * data stored on the socket, a server issues tickets with the ticket key
 * set on it (QUIC_SOCKOPT_SESSION_TICKET); nothing when none is set.
 */
static int setup_ticket(struct hs *hs, bool client, struct qhd_result *res)
{
	unsigned char data[QHD_TICKET_MAX];
	socklen_t len = sizeof(data);
	gnutls_datum_t key;
	int ret;

	if (getsockopt(hs->req->fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, data, &len) || !len)
		return 0;
	if (client) {
		ret = quic_session_set_data(hs->session, data, len);
		if (ret) {
			fail(res, -ret, "the session data on the socket is not usable");
			return -1;
		}
		return 0;
	}
	if (len != QHD_TICKET_KEY_SIZE) {
		fail(res, EINVAL, "the session ticket key on the socket is %u bytes, not %d",
		     (unsigned int)len, QHD_TICKET_KEY_SIZE);
		return -1;
	}
	key.data = data;
	key.size = QHD_TICKET_KEY_SIZE;
	ret = gnutls_session_ticket_enable_server(hs->session, &key);
	gnutls_memset(data, 0, sizeof(data));
	if (ret) {
		fail(res, EINVAL, "cannot enable session tickets: %s", gnutls_strerror(ret));
		return -1;
	}
	return 0;
}

/* One sendmsg/recvmsg step of libquic, waiting with poll() until the
 * deadline; -ETIMEDOUT after it, -ECANCELED once SIGTERM arrived.
 */
static void do_step(struct hs *hs, struct quic_handshake_step *step, int64_t deadline)
{
	bool send = step->op == QUIC_HANDSHAKE_STEP_OP_SENDMSG;
	int fd = hs->req->fd;
	struct pollfd pfd = { .fd = fd, .events = send ? POLLOUT : POLLIN };
	struct timespec ts;
	sigset_t mask;
	int64_t left;
	ssize_t ret;

	/* the stop signals are blocked (no race with the check of qhd_stop)
	 * except while waiting
	 */
	sigprocmask(SIG_SETMASK, NULL, &mask);
	sigdelset(&mask, SIGTERM);
	sigdelset(&mask, SIGINT);
	for (;;) {
		if (qhd_stop) {
			ret = -ECANCELED;
			break;
		}
		if (send)
			ret = sendmsg(fd, step->s_sendmsg.msg,
				      step->s_sendmsg.flags | MSG_DONTWAIT | MSG_NOSIGNAL);
		else
			ret = recvmsg(fd, step->s_recvmsg.msg,
				      step->s_recvmsg.flags | MSG_DONTWAIT);
		if (ret >= 0)
			break;
		ret = -errno;
		if (ret == -EINTR)
			continue;
		if (ret != -EAGAIN && ret != -EWOULDBLOCK)
			break;
		left = deadline - now_ms();
		if (left <= 0) {
			hs->timed_out = true;
			ret = -ETIMEDOUT;
			break;
		}
		ts.tv_sec = (time_t)(left / 1000);
		ts.tv_nsec = (long)(left % 1000) * 1000000;
		if (ppoll(&pfd, 1, &ts, &mask) < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
	}
	if (send)
		step->s_sendmsg.retval = ret;
	else
		step->s_recvmsg.retval = ret;
}

static int run_handshake(struct hs *hs, uint32_t timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	struct quic_handshake_step *step;
	int ret;

	gnutls_transport_set_int(hs->session, hs->req->fd);
	ret = quic_handshake_init(hs->session, &step);
	while (!ret && step) {
		do_step(hs, step, deadline);
		ret = quic_handshake_step(hs->session, &step);
	}
	quic_handshake_deinit(hs->session);
	return ret;
}

/* Tell the peer why we end the connection (a TLS alert as a CRYPTO error). */
static void set_close_alert(int fd, uint8_t alert, const char *phrase)
{
	struct quic_connection_close close;

	memset(&close, 0, sizeof(close));
	close.errcode = QUIC_TRANSPORT_ERROR_CRYPTO + alert;
	snprintf((char *)close.phrase, sizeof(close.phrase), "%s", phrase);
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &close, sizeof(close)))
		qhd_debug("cannot set the connection close error: %s", strerror(errno));
}

/* The result of a failed handshake: rejected credentials are EACCES, the
 * timeout ETIMEDOUT, SIGTERM ECANCELED, everything else libquic's errno.
 */
static void handshake_failed(struct hs *hs, int ret, uint32_t timeout_ms,
			     struct qhd_result *res)
{
	/* (unsigned int)-1: no certificate was verified */
	unsigned int status = gnutls_session_get_verify_cert_status(hs->session);

	if (hs->psk_unknown) {
		fail(res, EACCES, "unknown PSK identity '%s'", hs->identity);
	} else if (status && status != (unsigned int)-1) {
		gnutls_datum_t out = { NULL, 0 };

		if (!gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509,
								  &out, 0)) {
			fail(res, EACCES, "certificate rejected: %s", (char *)out.data);
			gnutls_free(out.data);
		} else {
			fail(res, EACCES, "certificate rejected (status 0x%x)", status);
		}
	} else if (hs->timed_out && ret == -ETIMEDOUT) {
		fail(res, ETIMEDOUT, "no handshake within the %u ms timeout", timeout_ms);
	} else if (ret == -ECANCELED && qhd_stop) {
		fail(res, ECANCELED, "the agent is stopping");
	} else {
		fail(res, ret < 0 ? -ret : EPROTO, "%s",
		     lib_error[0] ? lib_error : strerror(ret < 0 ? -ret : EPROTO));
	}
}

/* Everything after the checks of the request: the session, its setup and
 * the handshake.
 */
static void tls_handshake(struct hs *hs, struct qhd_result *res)
{
	const struct qhd_request *req = hs->req;
	const struct qhd_config *cfg = hs->cfg;
	bool client = req->msg_type == HANDSHAKE_MSG_TYPE_CLIENTHELLO;
	uint32_t timeout_ms = req->timeout_ms ? req->timeout_ms : QHD_DEFAULT_TIMEOUT_MS;
	struct quic_config qcfg;
	socklen_t len = sizeof(qcfg);
	gnutls_datum_t alpn;
	int ret;

	memset(&qcfg, 0, sizeof(qcfg));
	if (getsockopt(req->fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &qcfg, &len) ||
	    len < sizeof(qcfg))
		memset(&qcfg, 0, sizeof(qcfg));

	ret = gnutls_init(&hs->session, client ?
			  GNUTLS_CLIENT | GNUTLS_ENABLE_EARLY_DATA | GNUTLS_NO_END_OF_EARLY_DATA :
			  GNUTLS_SERVER | GNUTLS_NO_END_OF_EARLY_DATA);
	if (ret) {
		hs->session = NULL;
		fail(res, ENOMEM, "cannot create a TLS session: %s", gnutls_strerror(ret));
		return;
	}
	gnutls_session_set_ptr(hs->session, hs);
	/* libquic's priorities (src/libquic/priority.c, built in), limited
	 * to the cipher the kernel consumer asked for, if any
	 */
	ret = quic_set_priority(hs->session, qcfg.payload_cipher_type);
	if (ret) {
		fail(res, -ret, "TLS priorities for payload_cipher_type %u not set",
		     qcfg.payload_cipher_type);
		return;
	}

	switch (req->auth_mode) {
	case HANDSHAKE_AUTH_PSK:
		if (!cfg->psks.count) {
			fail(res, ENOKEY, "PSK handshake but no psk_file in %s", cfg->path);
			return;
		}
		ret = client ? setup_psk_client(hs, res) : setup_psk_server(hs, res);
		break;
	case HANDSHAKE_AUTH_X509:
		ret = client ? setup_x509_client(hs, true, res) :
			       setup_x509_server(hs, qcfg.certificate_request, res);
		break;
	default:	/* UNAUTH, a client only (checked by the caller) */
		ret = setup_x509_client(hs, false, res);
		break;
	}
	if (ret || setup_alpn(hs, res) || setup_ticket(hs, client, res))
		return;

	lib_error[0] = '\0';
	ret = run_handshake(hs, timeout_ms);
	if (ret) {
		handshake_failed(hs, ret, timeout_ms, res);
		return;
	}
	/* RFC 9001 section 8.1: a client that offered ALPNs must get one */
	if (client && hs->alpn_offered &&
	    gnutls_alpn_get_selected_protocol(hs->session, &alpn)) {
		set_close_alert(req->fd, QHD_ALERT_NO_APPLICATION_PROTOCOL,
				"TLS alert: no application protocol");
		fail(res, EPROTO, "the server selected no ALPN");
		return;
	}
	if (req->auth_mode == HANDSHAKE_AUTH_PSK) {
		res->remote_auth = peerid_for_identity(req, hs->identity);
		if (!res->remote_auth && req->npeerids)
			res->remote_auth = req->peerids[0];
	}
	if (gnutls_alpn_get_selected_protocol(hs->session, &alpn))
		alpn.size = 0;
	qhd_debug("request %lu: %s, ALPN %.*s%s%s", req->n,
		  gnutls_cipher_get_name(gnutls_cipher_get(hs->session)),
		  alpn.size ? (int)alpn.size : 4, alpn.size ? (const char *)alpn.data : "none",
		  hs->identity[0] ? ", PSK identity " : "", hs->identity);
	res->status = 0;
	res->reason[0] = '\0';
}

void qhd_handshake(const struct qhd_config *cfg, const struct qhd_request *req,
		   struct qhd_result *res)
{
	struct hs hs = { .cfg = cfg, .req = req };
	socklen_t len = sizeof(int);
	int proto = 0;

	memset(res, 0, sizeof(*res));
	if (req->bad[0]) {
		fail(res, EINVAL, "%s", req->bad);
		return;
	}
	if (getsockopt(req->fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len)) {
		fail(res, errno, "cannot read SO_PROTOCOL of the socket: %s", strerror(errno));
		return;
	}
	if (proto != IPPROTO_QUIC) {
		fail(res, EOPNOTSUPP,
		     "not a QUIC socket (protocol %d): this agent only does QUIC, kTLS over TCP needs tlshd",
		     proto);
		return;
	}
	if (req->msg_type != HANDSHAKE_MSG_TYPE_CLIENTHELLO &&
	    req->msg_type != HANDSHAKE_MSG_TYPE_SERVERHELLO) {
		fail(res, EINVAL, "unknown message type %u", req->msg_type);
		return;
	}
	if (req->auth_mode != HANDSHAKE_AUTH_PSK && req->auth_mode != HANDSHAKE_AUTH_X509 &&
	    req->auth_mode != HANDSHAKE_AUTH_UNAUTH) {
		fail(res, EINVAL, "unknown authentication mode %u", req->auth_mode);
		return;
	}
	if (req->auth_mode == HANDSHAKE_AUTH_UNAUTH &&
	    req->msg_type == HANDSHAKE_MSG_TYPE_SERVERHELLO) {
		fail(res, EINVAL, "an unauthenticated server handshake is not supported");
		return;
	}
	tls_handshake(&hs, res);
	if (hs.session)
		gnutls_deinit(hs.session);
	if (hs.psk_client)
		gnutls_psk_free_client_credentials(hs.psk_client);
	if (hs.psk_server)
		gnutls_psk_free_server_credentials(hs.psk_server);
}
