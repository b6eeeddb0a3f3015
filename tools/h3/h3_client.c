// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tools/h3/h3_client.c: quic-h3-client, a small HTTP/3 client on in-kernel
 * QUIC sockets (libquic for the TLS handshake on a GnuTLS session of our
 * own, libnghttp3 for HTTP/3). GETs every URL over one connection and prints
 * "GET /path -> STATUS BYTES sha256=HEX" for each.
 *
 *   quic-h3-client [--ca FILE | --insecure] [--sni NAME] [--v2] [--session FILE]
 *                  [--zerortt] [--key-update] [--migrate ADDR] [-o FILE]... URL...
 */

#include <errno.h>
#include <pthread.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gnutls/crypto.h>

#include "h3_common.h"

#define CLI_IDLE_MS	30000	/* give up when the server is silent this long */
#define CLI_INFLIGHT	16	/* concurrent requests */

#define CLI_PRIORITY \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+ECDHE-PSK:+PSK:-CIPHER-ALL:+AES-128-GCM:" \
	"+AES-256-GCM:+CHACHA20-POLY1305:+AES-128-CCM:-GROUP-ALL:+GROUP-X25519:" \
	"+GROUP-SECP256R1:+GROUP-SECP384R1:+GROUP-SECP521R1:%DISABLE_TLS13_COMPAT_MODE"

struct req {
	const char *url;
	char *path;		/* :path, with the query */
	const char *outname;	/* -o, NULL: the body is only counted */
	FILE *out;
	int out_errno;		/* writing the body failed */
	gnutls_hash_hd_t sha;
	int64_t sid;
	bool submitted, ended, closed;
	uint64_t app_error;	/* from stream_close */
	int status;
	int64_t content_length;	/* -1: none */
	uint64_t bytes;
};

struct cli {
	struct h3_conn h;	/* first: nghttp3's conn_user_data */
	struct req *reqs;
	size_t n, next, inflight, done;
	char authority[300];
};

static FILE *report;	/* where the per-URL lines go */
static const char *opt_session;	/* --session FILE: resume from it, save to it */
static bool opt_zerortt;	/* --zerortt: early data allowed, FILE.tp used */
static bool opt_ticket_wait;	/* --ticket-wait: libquic waits for the ticket */
static gnutls_session_t tls_kept;	/* --session: for the tickets after the handshake */
static int tls_fd;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s [--ca FILE | --insecure] [--sni NAME] [--v2] [--session FILE]\n"
		"       [--zerortt] [--ticket-wait] [--key-update] [--migrate ADDR]\n"
		"       [-o FILE]... URL...\n"
		"  URL          https://HOST[:PORT]/PATH; HOST may be an IPv4 or [IPv6] literal;\n"
		"               every URL must name the same server (one connection)\n"
		"  --ca FILE    verify the server against the CA certificates in FILE\n"
		"               (default: the system trust store)\n"
		"  --insecure   do not verify the server certificate\n"
		"  --sni NAME   send NAME as TLS SNI and verify the certificate for it\n"
		"  --v2         QUIC version 2 (RFC 9369) instead of version 1\n"
		"  --session FILE  resume the TLS session saved in FILE (if it exists) and\n"
		"               save the session of this connection there when the server's\n"
		"               ticket arrives; the server's transport parameters go to\n"
		"               FILE.tp; says \"session resumed\" on stderr\n"
		"  --zerortt    with --session: allow 0-RTT with the saved session and\n"
		"               transport parameters; says \"zerortt accepted\"\n"
		"  --ticket-wait with --session: the handshake waits up to 3 s for the\n"
		"               server's ticket (libquic, receive_session_ticket) instead\n"
		"               of taking it as QUIC_EVENT_NEW_SESSION_TICKET later\n"
		"  --key-update start a key update once response data arrived\n"
		"  --migrate ADDR  move the connection to local address ADDR once response\n"
		"               data arrived (QUIC_SOCKOPT_CONNECTION_MIGRATION)\n"
		"  -o FILE      write the body of the next URL to FILE ('-': stdout; the\n"
		"               status lines then go to stderr); bodies without -o are\n"
		"               only counted and hashed\n"
		"Prints \"GET PATH -> STATUS BYTES sha256=HEX\" per URL; exit 0 when every\n"
		"response was 200 and complete, 1 otherwise, 2 for bad options.\n",
		h3_prog);
}

static int usage_error(const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	h3_msg("%s (try --help)", msg);
	return H3_EXIT_USAGE;
}

static nghttp3_nv mknv(const char *name, const char *value)
{
	nghttp3_nv nv = {
		.name = (uint8_t *)(uintptr_t)name,
		.value = (uint8_t *)(uintptr_t)value,
		.namelen = strlen(name),
		.valuelen = strlen(value),
		.flags = NGHTTP3_NV_FLAG_NONE,
	};
	return nv;
}

/* https://HOST[:PORT][/PATH] -> host (brackets removed), port, authority
 * (as written) and :path. Returns NULL or the problem.
 */
static const char *parse_url(const char *url, char *host, size_t hostlen, uint16_t *port,
			     char *authority, size_t alen, char **path)
{
	const char *p, *end, *h, *hend, *colon;
	size_t len;

	if (strncasecmp(url, "https://", 8))
		return "only https:// URLs are supported";
	p = url + 8;
	end = p + strcspn(p, "/?#");
	len = (size_t)(end - p);
	if (!len || len >= alen)
		return "bad or missing host";
	if (memchr(p, '@', len))
		return "user information in URLs is not supported";
	memcpy(authority, p, len);
	authority[len] = '\0';
	if (*p == '[') {
		h = p + 1;
		hend = memchr(p, ']', len);
		if (!hend)
			return "unterminated [IPv6 address]";
		colon = hend + 1 < end ? hend + 1 : NULL;
		if (colon && *colon != ':')
			return "garbage after the [IPv6 address]";
	} else {
		h = p;
		colon = memchr(p, ':', len);
		hend = colon ? colon : end;
	}
	if (hend == h || (size_t)(hend - h) >= hostlen)
		return "bad or missing host";
	memcpy(host, h, (size_t)(hend - h));
	host[hend - h] = '\0';
	if (*p == '[') {
		struct sockaddr_storage ss;
		socklen_t sl;

		if (h3_addr_from_literal(host, 0, &ss, &sl) || ss.ss_family != AF_INET6)
			return "not an IPv6 address inside [ ]";
	}
	*port = 443;
	if (colon) {
		const char *d = colon + 1;
		unsigned long v = 0;

		if (d == end)
			return "empty port";
		for (; d < end; d++) {
			if (*d < '0' || *d > '9')
				return "bad port";
			v = v * 10 + (unsigned long)(*d - '0');
			if (v > 65535)
				return "bad port";
		}
		if (!v)
			return "bad port";
		*port = (uint16_t)v;
	}
	len = strcspn(end, "#");	/* the fragment is not sent */
	*path = malloc(len + 2);
	if (!*path)
		return "out of memory";
	if (*end == '/') {
		memcpy(*path, end, len);
		(*path)[len] = '\0';
	} else {	/* "https://h" or "https://h?q" */
		(*path)[0] = '/';
		memcpy(*path + 1, end, len);
		(*path)[len + 1] = '\0';
	}
	return NULL;
}

static int cb_recv_header(nghttp3_conn *conn, int64_t stream_id, int32_t token,
			  nghttp3_rcbuf *name, nghttp3_rcbuf *value, uint8_t flags,
			  void *conn_user_data, void *stream_user_data)
{
	struct req *r = stream_user_data;
	nghttp3_vec v = nghttp3_rcbuf_get_buf(value);
	char buf[32];

	(void)conn;
	(void)stream_id;
	(void)name;
	(void)flags;
	(void)conn_user_data;
	if (!r || (token != NGHTTP3_QPACK_TOKEN__STATUS &&
		   token != NGHTTP3_QPACK_TOKEN_CONTENT_LENGTH))
		return 0;
	if (v.len >= sizeof(buf))
		return 0;
	memcpy(buf, v.base, v.len);
	buf[v.len] = '\0';
	if (token == NGHTTP3_QPACK_TOKEN__STATUS)
		r->status = atoi(buf);
	else
		r->content_length = strtoll(buf, NULL, 10);
	return 0;
}

static int cb_recv_data(nghttp3_conn *conn, int64_t stream_id, const uint8_t *data,
			size_t datalen, void *conn_user_data, void *stream_user_data)
{
	struct req *r = stream_user_data;

	(void)conn;
	(void)stream_id;
	(void)conn_user_data;
	if (!r)
		return 0;
	r->bytes += datalen;
	gnutls_hash(r->sha, data, datalen);
	if (r->out && !r->out_errno && fwrite(data, 1, datalen, r->out) != datalen)
		r->out_errno = errno ? errno : EIO;
	return 0;
}

static int cb_end_stream(nghttp3_conn *conn, int64_t stream_id, void *conn_user_data,
			 void *stream_user_data)
{
	struct req *r = stream_user_data;

	(void)conn;
	(void)stream_id;
	(void)conn_user_data;
	if (r)
		r->ended = true;
	return 0;
}

static int cb_stream_close(nghttp3_conn *conn, int64_t stream_id, uint64_t app_error_code,
			   void *conn_user_data, void *stream_user_data)
{
	struct cli *c = conn_user_data;
	struct req *r = stream_user_data;

	(void)conn;
	(void)stream_id;
	if (!r || r->closed)
		return 0;
	r->closed = true;
	r->app_error = app_error_code;
	c->inflight--;
	c->done++;
	return 0;
}

static int submit_more(struct cli *c)
{
	while (c->next < c->n && c->inflight < CLI_INFLIGHT) {
		struct req *r = &c->reqs[c->next];
		nghttp3_nv nva[5];
		int64_t sid;
		int rv;

		rv = h3_open_stream(&c->h, false, &sid);
		if (rv == -EAGAIN)
			return 0;	/* the server's stream limit: later */
		if (rv) {
			snprintf(c->h.err, sizeof(c->h.err), "cannot open a request stream: %s",
				 h3_errstr(-rv));
			return -1;
		}
		nva[0] = mknv(":method", "GET");
		nva[1] = mknv(":scheme", "https");
		nva[2] = mknv(":authority", c->authority);
		nva[3] = mknv(":path", r->path);
		nva[4] = mknv("user-agent", "quic-h3-client");
		rv = nghttp3_conn_submit_request(c->h.conn, sid, nva, 5, NULL, r);
		if (rv) {
			snprintf(c->h.err, sizeof(c->h.err), "nghttp3: cannot submit %s: %s",
				 r->path, nghttp3_strerror(rv));
			return -1;
		}
		r->sid = sid;
		r->submitted = true;
		c->next++;
		c->inflight++;
	}
	return 0;
}

/* Read all of @path into @buf (at most @room bytes); -1 if it cannot be
 * read or is empty or too long.
 */
static ssize_t file_get(const char *path, void *buf, size_t room)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, room, f);
	if (ferror(f) || !n || (n == room && fgetc(f) != EOF))
		n = 0;
	fclose(f);
	return n ? (ssize_t)n : -1;
}

static void file_put(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		h3_msg("cannot write '%s': %s", path, h3_errstr(errno));
}

/* --zerortt: the transport parameters the server sent last time, as the
 * remembered ones 0-RTT data must respect (RFC 9000 7.4.1); before connect()
 */
static void session_tp_load(int fd)
{
	struct quic_transport_param tp;
	char path[4096];

	snprintf(path, sizeof(path), "%s.tp", opt_session);
	if (file_get(path, &tp, sizeof(tp) + 1) != (ssize_t)sizeof(tp))
		return;
	tp.remote = 1;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &tp, sizeof(tp)))
		h3_msg("cannot set the remembered transport parameters: %s", h3_errstr(errno));
}

/* --session: the session (with the ticket the server sent) to FILE, the
 * server's transport parameters to FILE.tp
 */
static void session_save(int fd, gnutls_session_t session)
{
	struct quic_transport_param tp = { .remote = 1 };
	socklen_t len = sizeof(tp);
	static unsigned char data[16384];
	size_t size = sizeof(data);
	char path[4096];

	if (!(gnutls_session_get_flags(session) & GNUTLS_SFLAGS_SESSION_TICKET)) {
		h3_msg("no session ticket from the server");
		return;
	}
	if (quic_session_get_data(session, data, &size))
		return;
	file_put(opt_session, data, size);
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &tp, &len))
		return;
	snprintf(path, sizeof(path), "%s.tp", opt_session);
	file_put(path, &tp, sizeof(tp));
}

/* A TLS 1.3 client session on @fd (CA file or system trust store, SNI,
 * verification, ALPN h3, the --session data). Returns 0 or -errno
 * (message printed).
 */
static int tls_new(gnutls_session_t *psession, int fd, gnutls_certificate_credentials_t cred,
		   const char *name, bool insecure)
{
	gnutls_session_t session;
	const char *errpos = NULL;
	int ret;

	ret = gnutls_init(&session, GNUTLS_CLIENT |
			  (opt_zerortt ? GNUTLS_ENABLE_EARLY_DATA | GNUTLS_NO_END_OF_EARLY_DATA : 0));
	if (ret) {
		h3_msg("cannot create a TLS session: %s", gnutls_strerror(ret));
		return -ENOMEM;
	}
	ret = gnutls_priority_set_direct(session, CLI_PRIORITY, &errpos);
	if (!ret)
		ret = gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, cred);
	if (!ret && !h3_is_ip_literal(name))
		ret = gnutls_server_name_set(session, GNUTLS_NAME_DNS, name, strlen(name));
	if (ret) {
		h3_msg("cannot set the TLS session up: %s", gnutls_strerror(ret));
		gnutls_deinit(session);
		return -EINVAL;
	}
	if (!insecure)
		gnutls_session_set_verify_cert(session, name, 0);
	ret = quic_session_set_alpn(session, "h3", 2);
	if (ret) {
		h3_msg("cannot set ALPN h3: %s", h3_errstr(-ret));
		gnutls_deinit(session);
		return ret;
	}
	gnutls_transport_set_int(session, fd);
	if (opt_session) {
		struct quic_event_option ev = { .type = QUIC_EVENT_NEW_SESSION_TICKET, .on = 1 };
		static unsigned char data[16384];
		struct quic_config cfg;
		socklen_t len = sizeof(cfg);

		if (opt_ticket_wait) {
			/* libquic reads the ticket before the handshake returns
			 * (the server's HTTP/3 streams may come first: they
			 * stay for us)
			 */
			if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, &len) ||
			    (cfg.receive_session_ticket = 3,
			     setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, sizeof(cfg))))
				h3_msg("cannot set receive_session_ticket: %s", h3_errstr(errno));
		} else if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev, sizeof(ev))) {
			/* the server's tickets come as events, also after the handshake */
			h3_msg("cannot ask for session tickets: %s", h3_errstr(errno));
		}
		ssize_t n = file_get(opt_session, data, sizeof(data));

		if (n > 0 && quic_session_set_data(session, data, (size_t)n))
			h3_msg("the session in '%s' cannot be used", opt_session);
	}
	h3_libquic_reset();
	*psession = session;
	return 0;
}

/* After quic_handshake() returned @ret: the message, the ALPN check, what
 * --session wants (resumed?, 0-RTT accepted?, the new session saved); frees
 * the session. Returns 0 or -errno.
 */
static int tls_end(gnutls_session_t session, int ret, int fd, const char *peer)
{
	gnutls_datum_t alpn;

	if (ret) {
		h3_msg("TLS handshake with %s failed: %s%s%s", peer, h3_errstr(-ret),
		       h3_libquic_error()[0] ? ": " : "", h3_libquic_error());
	} else if (gnutls_alpn_get_selected_protocol(session, &alpn) || alpn.size != 2 ||
		   memcmp(alpn.data, "h3", 2)) {
		h3_msg("TLS handshake with %s: the server did not select ALPN h3 (%s)", peer,
		       h3_errstr(EPROTO));
		ret = -EPROTO;
	} else if (opt_session) {
		if (gnutls_session_is_resumed(session))
			h3_msg("session resumed");
		if (opt_zerortt &&
		    (gnutls_session_get_flags(session) & GNUTLS_SFLAGS_EARLY_DATA))
			h3_msg("zerortt accepted");
		if (opt_ticket_wait) {
			/* the ticket came within the handshake, or never */
			if (gnutls_session_get_flags(session) & GNUTLS_SFLAGS_SESSION_TICKET)
				h3_msg("ticket received in the handshake");
			session_save(fd, session);
			gnutls_deinit(session);
			return 0;
		}
		/* kept for the server's NewSessionTicket, which comes as
		 * QUIC_EVENT_NEW_SESSION_TICKET (on_ticket)
		 */
		tls_kept = session;
		tls_fd = fd;
		return 0;
	}
	gnutls_deinit(session);
	return ret;
}

/* --session: a NewSessionTicket after the handshake goes to the kept TLS
 * session, whose session data (and the server's transport parameters)
 * are then saved
 */
static void on_ticket(struct h3_conn *h, const uint8_t *msg, size_t len)
{
	int ret;

	(void)h;
	if (!tls_kept)
		return;
	ret = gnutls_handshake_write(tls_kept, GNUTLS_ENCRYPTION_LEVEL_APPLICATION, msg, len);
	if (ret && gnutls_error_is_fatal(ret)) {
		h3_msg("the server's NewSessionTicket: %s", gnutls_strerror(ret));
		return;
	}
	session_save(tls_fd, tls_kept);
}

/* The whole TLS handshake before any request. Returns 0 or -errno. */
static int handshake(int fd, gnutls_certificate_credentials_t cred, const char *name,
		     bool insecure, const char *peer)
{
	gnutls_session_t session;
	char what[160];
	int ret;

	ret = tls_new(&session, fd, cred, name, insecure);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "TLS handshake with %s", peer);
	h3_alarm(H3_HANDSHAKE_TIMEOUT, what);
	ret = quic_handshake(session);
	h3_alarm(0, NULL);
	return tls_end(session, ret, fd, peer);
}

/* --zerortt: the handshake runs in this thread while the main one writes
 * the requests, which the kernel sends in 0-RTT packets once libquic
 * installed the early secret (quic(7), 0-RTT)
 */
struct hs_thread {
	gnutls_session_t session;
	pthread_t tid;
	int ret;
	bool done;	/* atomic */
};

static void *hs_run(void *arg)
{
	struct hs_thread *t = arg;

	t->ret = quic_handshake(t->session);
	__atomic_store_n(&t->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* the handshake thread finished: join it and check its result; the
 * credentials it used are freed. Returns 0, or -1 (message printed).
 */
static int hs_finish(struct hs_thread *hs, gnutls_certificate_credentials_t *cred,
		     int fd, const char *peer)
{
	pthread_join(hs->tid, NULL);
	h3_alarm(0, NULL);
	gnutls_certificate_free_credentials(*cred);
	*cred = NULL;
	return tls_end(hs->session, hs->ret, fd, peer);
}

/* Connect to the first address of @host that takes a QUIC connection;
 * returns the socket, or -1 (message printed).
 */
static int connect_to(const char *host, uint16_t port, char *peer, size_t peerlen)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct sockaddr_storage ss;
	socklen_t sslen;
	char portstr[8];
	int fd = -1, err = 0, rv;

	if (!h3_addr_from_literal(host, port, &ss, &sslen)) {
		fd = h3_quic_socket(ss.ss_family);
		if (fd < 0) {
			h3_socket_failed(-fd);
			return -1;
		}
		h3_addr_str((struct sockaddr *)&ss, peer, peerlen);
		if (opt_zerortt)
			session_tp_load(fd);
		if (!connect(fd, (struct sockaddr *)&ss, sslen))
			return fd;
		h3_msg("cannot connect to %s: %s", peer, h3_errstr(errno));
		close(fd);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	snprintf(portstr, sizeof(portstr), "%u", port);
	rv = getaddrinfo(host, portstr, &hints, &res);
	if (rv) {
		h3_msg("cannot resolve %s: %s", host, gai_strerror(rv));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
			continue;
		fd = h3_quic_socket(ai->ai_family);
		if (fd < 0) {
			if (-fd == EPROTONOSUPPORT || -fd == EAFNOSUPPORT) {
				h3_socket_failed(-fd);
				freeaddrinfo(res);
				return -1;
			}
			err = -fd;
			continue;
		}
		h3_addr_str(ai->ai_addr, peer, peerlen);
		if (opt_zerortt)
			session_tp_load(fd);
		if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		h3_msg("cannot connect to %s port %u: %s", host, port, h3_errstr(err ? err : ENOENT));
	return fd;
}

static bool req_ok(const struct req *r)
{
	return r->submitted && r->status == 200 && r->ended && r->closed && !r->out_errno &&
	       (r->app_error == NGHTTP3_H3_NO_ERROR || !r->app_error) &&
	       (r->content_length < 0 || (uint64_t)r->content_length == r->bytes);
}

/* The line for one URL; returns whether it succeeded. */
static bool req_report(struct req *r, const char *conn_reason)
{
	unsigned char digest[32];
	char hex[65], why[512] = "";
	bool ok = req_ok(r);
	size_t i;

	gnutls_hash_deinit(r->sha, digest);
	r->sha = NULL;
	for (i = 0; i < sizeof(digest); i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	if (r->out && r->out != stdout) {
		if (fclose(r->out) && !r->out_errno)
			r->out_errno = errno;
		r->out = NULL;
		ok = ok && !r->out_errno;
	} else if (r->out == stdout && fflush(stdout) && !r->out_errno) {
		r->out_errno = errno;
		ok = false;
	}
	if (!r->status) {
		fprintf(report, "GET %s -> no response (%s)\n", r->path,
			conn_reason ? conn_reason : "not sent");
		return false;
	}
	if (!ok) {
		const char *name = h3_error_name(r->app_error);

		if (r->out_errno)
			snprintf(why, sizeof(why), " (cannot write %s: %s)", r->outname,
				 h3_errstr(r->out_errno));
		else if (r->closed && r->app_error && r->app_error != NGHTTP3_H3_NO_ERROR)
			snprintf(why, sizeof(why),
				 " (incomplete: stream closed with error 0x%" PRIx64 "%s%s)",
				 r->app_error, name ? " " : "", name ? name : "");
		else if (!r->ended || !r->closed)
			snprintf(why, sizeof(why), " (incomplete: %s)",
				 conn_reason ? conn_reason : "no end of stream");
		else if (r->content_length >= 0 && (uint64_t)r->content_length != r->bytes)
			snprintf(why, sizeof(why), " (incomplete: content-length %" PRId64 ")",
				 r->content_length);
	}
	fprintf(report, "GET %s -> %d %" PRIu64 " sha256=%s%s\n", r->path, r->status, r->bytes,
		hex, why);
	return ok;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ca", required_argument, NULL, 'C' },
		{ "insecure", no_argument, NULL, 'k' },
		{ "sni", required_argument, NULL, 'S' },
		{ "output", required_argument, NULL, 'o' },
		{ "v2", no_argument, NULL, '2' },
		{ "session", required_argument, NULL, 's' },
		{ "zerortt", no_argument, NULL, 'z' },
		{ "ticket-wait", no_argument, NULL, 'T' },
		{ "key-update", no_argument, NULL, 'u' },
		{ "migrate", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *opt_ca = NULL, *opt_sni = NULL, **outs = NULL, *opt_migrate = NULL;
	bool key_update = false, ku_done = false, mig_done = false, in_hs = false;
	struct hs_thread hs = { 0 };
	struct sockaddr_storage mig;
	socklen_t miglen = 0;
	size_t nouts = 0, i;
	bool insecure = false, all_ok = true, to_stdout = false;
	gnutls_certificate_credentials_t cred = NULL;
	nghttp3_callbacks callbacks;
	nghttp3_settings settings;
	char host[256], firsthost[256], peer[80];
	const char *conn_reason = NULL;
	uint16_t port = 0, firstport = 0;
	struct cli c;
	int64_t last;
	int opt, fd, ret, status = 0;

	h3_prog = "quic-h3-client";
	report = stdout;
	opterr = 0;
	memset(&c, 0, sizeof(c));
	outs = calloc((size_t)argc, sizeof(*outs));
	if (!outs)
		return H3_EXIT_FAIL;
	while ((opt = getopt_long(argc, argv, "o:kh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'C':
			opt_ca = optarg;
			break;
		case 'k':
			insecure = true;
			break;
		case 'S':
			if (!*optarg)
				return usage_error("%s", "--sni wants a name");
			opt_sni = optarg;
			break;
		case '2':
			h3_quic_version = QUIC_VERSION_V2;
			break;
		case 's':
			opt_session = optarg;
			break;
		case 'z':
			opt_zerortt = true;
			break;
		case 'T':
			opt_ticket_wait = true;
			break;
		case 'u':
			key_update = true;
			break;
		case 'm':
			opt_migrate = optarg;
			if (h3_addr_from_literal(optarg, 0, &mig, &miglen))
				return usage_error("--migrate wants an IPv4 or IPv6 address, not '%s'",
						   optarg);
			break;
		case 'o':
			outs[nouts++] = optarg;
			if (!strcmp(optarg, "-")) {
				if (to_stdout)
					return usage_error("%s", "only one -o can be '-'");
				to_stdout = true;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return usage_error("unknown option or missing argument: '%s'",
					   argv[optind - 1]);
		}
	}
	if (opt_ca && insecure)
		return usage_error("%s", "--ca and --insecure exclude each other");
	if (opt_zerortt && !opt_session)
		return usage_error("%s", "--zerortt needs --session");
	if (optind >= argc)
		return usage_error("%s", "no URL given");
	c.n = (size_t)(argc - optind);
	if (nouts > c.n)
		return usage_error("%s", "more -o options than URLs");
	c.reqs = calloc(c.n, sizeof(*c.reqs));
	if (!c.reqs)
		return H3_EXIT_FAIL;
	if (to_stdout)
		report = stderr;

	for (i = 0; i < c.n; i++) {
		struct req *r = &c.reqs[i];
		char authority[sizeof(c.authority)];
		const char *bad;

		r->url = argv[optind + (int)i];
		r->sid = -1;
		r->content_length = -1;
		bad = parse_url(r->url, host, sizeof(host), &port, authority, sizeof(authority),
				&r->path);
		if (bad) {
			h3_msg("bad URL '%s': %s", r->url, bad);
			return H3_EXIT_USAGE;
		}
		if (!i) {
			snprintf(firsthost, sizeof(firsthost), "%s", host);
			firstport = port;
			snprintf(c.authority, sizeof(c.authority), "%s", authority);
		} else if (strcasecmp(host, firsthost) || port != firstport) {
			h3_msg("'%s' names another server than '%s': one connection serves all URLs",
			       r->url, c.reqs[0].url);
			return H3_EXIT_USAGE;
		}
		if (gnutls_hash_init(&r->sha, GNUTLS_DIG_SHA256)) {
			h3_msg("cannot set SHA-256 up");
			return H3_EXIT_FAIL;
		}
	}

	h3_libquic_capture();
	if (gnutls_certificate_allocate_credentials(&cred)) {
		h3_msg("out of memory");
		return H3_EXIT_FAIL;
	}
	if (opt_ca) {
		if (access(opt_ca, R_OK)) {
			h3_msg("cannot read CA file '%s': %s", opt_ca, h3_errstr(errno));
			return H3_EXIT_USAGE;
		}
		ret = gnutls_certificate_set_x509_trust_file(cred, opt_ca, GNUTLS_X509_FMT_PEM);
		if (ret <= 0)
			ret = gnutls_certificate_set_x509_trust_file(cred, opt_ca,
								     GNUTLS_X509_FMT_DER);
		if (ret <= 0) {
			h3_msg("no CA certificate (PEM or DER) in '%s'", opt_ca);
			return H3_EXIT_USAGE;
		}
	} else if (!insecure) {
		ret = gnutls_certificate_set_x509_system_trust(cred);
		if (ret < 0) {
			h3_msg("cannot load the system trust store: %s (use --ca or --insecure)",
			       gnutls_strerror(ret));
			return H3_EXIT_USAGE;
		}
	}

	for (i = 0; i < nouts; i++) {
		struct req *r = &c.reqs[i];

		r->outname = outs[i];
		if (!strcmp(outs[i], "-")) {
			r->out = stdout;
			continue;
		}
		r->out = fopen(outs[i], "wb");
		if (!r->out) {
			h3_msg("cannot open output file '%s': %s", outs[i], h3_errstr(errno));
			return H3_EXIT_USAGE;
		}
	}

	signal(SIGPIPE, SIG_IGN);
	fd = connect_to(firsthost, firstport, peer, sizeof(peer));
	if (fd < 0)
		return H3_EXIT_FAIL;
	if (opt_zerortt) {
		char what[160];

		/* the requests are written while the handshake runs */
		ret = tls_new(&hs.session, fd, cred, opt_sni ? opt_sni : firsthost, insecure);
		if (!ret) {
			snprintf(what, sizeof(what), "TLS handshake with %s", peer);
			h3_alarm(H3_HANDSHAKE_TIMEOUT, what);
			ret = -pthread_create(&hs.tid, NULL, hs_run, &hs);
			if (ret) {
				h3_msg("cannot start the handshake thread: %s", h3_errstr(-ret));
				gnutls_deinit(hs.session);
			}
		}
		in_hs = !ret;
	} else {
		ret = handshake(fd, cred, opt_sni ? opt_sni : firsthost, insecure, peer);
		gnutls_certificate_free_credentials(cred);
		cred = NULL;
	}
	if (ret) {
		close(fd);
		return H3_EXIT_FAIL;
	}

	if (h3_conn_init(&c.h, fd, false)) {
		h3_msg("%s: %s", peer, c.h.err);
		close(fd);
		return H3_EXIT_FAIL;
	}
	c.h.no_read = in_hs;
	c.h.on_ticket = on_ticket;
	memset(&callbacks, 0, sizeof(callbacks));
	callbacks.stream_close = cb_stream_close;
	callbacks.recv_data = cb_recv_data;
	callbacks.recv_header = cb_recv_header;
	callbacks.end_stream = cb_end_stream;
	callbacks.stop_sending = h3_cb_stop_sending;
	callbacks.reset_stream = h3_cb_reset_stream;
	nghttp3_settings_default(&settings);
	ret = nghttp3_conn_client_new(&c.h.conn, &callbacks, &settings, NULL, &c);
	if (ret) {
		h3_msg("nghttp3: %s", nghttp3_strerror(ret));
		h3_close(&c.h, NGHTTP3_H3_INTERNAL_ERROR, "internal error");
		return H3_EXIT_FAIL;
	}
	/* --zerortt: streams open once libquic installed the 0-RTT secret,
	 * or once the handshake is done (ENOTCONN until then)
	 */
	while ((ret = h3_bind_streams(&c.h)) && in_hs && c.h.fail_errno == ENOTCONN) {
		if (!__atomic_load_n(&hs.done, __ATOMIC_ACQUIRE)) {
			usleep(2000);
			continue;
		}
		in_hs = false;
		c.h.no_read = false;
		if (hs_finish(&hs, &cred, fd, peer)) {
			conn_reason = "TLS handshake failed";
			status = H3_EXIT_FAIL;
			goto out;
		}
	}
	if (ret) {
		h3_msg("%s: %s", peer, c.h.err);
		status = H3_EXIT_FAIL;
		goto out;
	}

	last = h3_now_ms();
	while (c.done < c.n) {
		if (in_hs && __atomic_load_n(&hs.done, __ATOMIC_ACQUIRE)) {
			in_hs = false;
			c.h.no_read = false;
			if (hs_finish(&hs, &cred, fd, peer)) {
				conn_reason = "TLS handshake failed";
				status = H3_EXIT_FAIL;
				break;
			}
		}
		if (submit_more(&c)) {
			h3_msg("%s: %s", peer, c.h.err);
			status = H3_EXIT_FAIL;
			break;
		}
		ret = h3_io(&c.h, in_hs ? 20 : 1000);
		/* once response data flows (the handshake is confirmed) */
		if (ret >= 0 && c.h.rbytes && key_update && !ku_done) {
			if (!setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_KEY_UPDATE, NULL, 0)) {
				h3_msg("key update started");
				ku_done = true;
			} else if (errno != EAGAIN && errno != EBUSY && errno != ENOTCONN) {
				h3_msg("key update: %s", h3_errstr(errno));
				ku_done = true;
			}
		}
		if (ret >= 0 && c.h.rbytes && opt_migrate && !mig_done) {
			if (!setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &mig,
					miglen)) {
				h3_msg("migrating to %s", opt_migrate);
				mig_done = true;
			} else if (errno != EBUSY && errno != ENOTCONN) {
				h3_msg("migration to %s: %s", opt_migrate, h3_errstr(errno));
				mig_done = true;
			}
		}
		if (ret < 0) {
			h3_msg("%s: %s", peer, c.h.err);
			conn_reason = c.h.err;
			status = H3_EXIT_FAIL;
			break;
		}
		if (c.h.closed) {
			if (c.done < c.n) {
				conn_reason = h3_close_reason(&c.h);
				h3_msg("%s: %s before all responses arrived", peer, conn_reason);
				status = H3_EXIT_FAIL;
			}
			break;
		}
		if (ret) {
			last = h3_now_ms();
		} else if (h3_now_ms() - last > CLI_IDLE_MS) {
			h3_msg("%s: no data from the server for %d s: %s", peer,
			       CLI_IDLE_MS / 1000, h3_errstr(ETIMEDOUT));
			conn_reason = "timed out";
			status = H3_EXIT_FAIL;
			break;
		}
	}
out:
	if (key_update || opt_migrate)
		h3_msg("key phases %u, paths validated %u", c.h.key_phases, c.h.migrations);
	h3_close(&c.h, status ? (c.h.fail_code ? c.h.fail_code : NGHTTP3_H3_INTERNAL_ERROR) :
		 NGHTTP3_H3_NO_ERROR, NULL);
	for (i = 0; i < c.n; i++)
		all_ok &= req_report(&c.reqs[i], conn_reason);
	h3_conn_free(&c.h);
	for (i = 0; i < c.n; i++)
		free(c.reqs[i].path);
	free(c.reqs);
	free(outs);
	fflush(report);
	return status || !all_ok ? H3_EXIT_FAIL : 0;
}
