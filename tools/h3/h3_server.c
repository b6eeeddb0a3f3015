// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tools/h3/h3_server.c: quic-h3-server, a small HTTP/3 file server on
 * in-kernel QUIC sockets (libquic for the TLS handshake, libnghttp3 for
 * HTTP/3). Serves the regular files under --dir to GET and HEAD requests;
 * one child process per connection.
 *
 *   quic-h3-server --addr A --port P --cert F --key F --dir DIR [--count N]
 *                  [--retry]
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gnutls/crypto.h>

#include "h3_common.h"

#define SRV_PATH_MAX	4096
#define SRV_CHUNK	(256 * 1024)	/* body bytes offered to nghttp3 per call */
#define SRV_IDLE_MS	60000		/* give up on a silent connection */

struct srv_stream {
	struct srv_stream *next;
	int64_t id;
	char method[16];
	char path[SRV_PATH_MAX];
	bool path_too_long;
	bool responded;
	int status;
	const uint8_t *body;
	size_t len, off;
	void *map;
	size_t maplen;
};

struct srv_conn {
	struct h3_conn h;	/* first: nghttp3's conn_user_data */
	struct srv_stream *streams;
	const char *peer;
};

static const char *opt_cert, *opt_key, *opt_dir;
static int dirfd_root = -1;

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s --addr A --port P --cert FILE --key FILE --dir DIR [--count N]\n"
		"       [--retry]\n"
		"  --addr A    IPv4 or IPv6 address to listen on (default 0.0.0.0)\n"
		"  --port P    UDP port; 0 picks one and prints \"listening on PORT\"\n"
		"  --cert F    certificate chain (PEM or DER)\n"
		"  --key F     private key (PEM or DER)\n"
		"  --dir DIR   serve the regular files under DIR (GET and HEAD)\n"
		"  --count N   exit after N connections were served (default: run forever)\n"
		"  --retry     validate client addresses with a Retry packet first\n",
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

static const char *content_type(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html" }, { ".htm", "text/html" },
		{ ".txt", "text/plain" }, { ".css", "text/css" },
		{ ".js", "text/javascript" }, { ".json", "application/json" },
		{ ".png", "image/png" }, { ".jpg", "image/jpeg" },
		{ ".svg", "image/svg+xml" },
	};
	const char *dot = strrchr(path, '.');
	size_t i;

	if (dot && !strchr(dot, '/'))
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (!strcasecmp(dot, types[i].ext))
				return types[i].type;
	return "application/octet-stream";
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The request path as a file name relative to --dir: percent-decoded, the
 * query dropped, no ".." component, no NUL; "/" and ".../" name index.html.
 * Returns 0, or 400 for a path that cannot be served.
 */
static int map_path(const char *raw, char *out, size_t outlen)
{
	size_t o = 0;
	const char *p = raw, *seg;
	char *s;

	if (raw[0] != '/')
		return 400;
	while (*p == '/')
		p++;
	for (; *p && *p != '?' && *p != '#'; p++) {
		int c = (unsigned char)*p;

		if (c == '%') {
			int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);

			if (hi < 0 || lo < 0)
				return 400;
			c = hi * 16 + lo;
			p += 2;
		}
		if (!c || o + 1 >= outlen)
			return 400;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	for (seg = out; seg; seg = (s = strchr(seg, '/')) ? s + 1 : NULL)
		if (!strncmp(seg, "..", 2) && (seg[2] == '/' || !seg[2]))
			return 400;
	if (!o || out[o - 1] == '/') {
		if (o + sizeof("index.html") > outlen)
			return 400;
		memcpy(out + o, "index.html", sizeof("index.html"));
	}
	return 0;
}

/* Open @rel under --dir without leaving it (openat2 RESOLVE_BENEATH; on a
 * kernel without openat2, ".." was refused already and the last component
 * may not be a symlink).
 */
static int open_beneath(const char *rel)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, dirfd_root, rel, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS)
		fd = openat(dirfd_root, rel,
			    O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	return (int)fd;
}

static nghttp3_ssize read_body(nghttp3_conn *conn, int64_t stream_id, nghttp3_vec *vec,
			       size_t veccnt, uint32_t *pflags, void *conn_user_data,
			       void *stream_user_data)
{
	struct srv_stream *s = stream_user_data;
	size_t n = s->len - s->off;

	(void)conn;
	(void)stream_id;
	(void)conn_user_data;
	if (!veccnt)
		return 0;
	if (n > SRV_CHUNK)
		n = SRV_CHUNK;
	if (n) {
		vec[0].base = (uint8_t *)(uintptr_t)(s->body + s->off);
		vec[0].len = n;
		s->off += n;
	}
	if (s->off == s->len)
		*pflags |= NGHTTP3_DATA_FLAG_EOF;
	return n ? 1 : 0;
}

static void set_error_body(struct srv_stream *s, int status)
{
	static const char b400[] = "400 bad request\n", b404[] = "404 not found\n",
			  b405[] = "405 method not allowed\n", b500[] = "500 internal error\n";
	const char *b = status == 400 ? b400 : status == 404 ? b404 :
			status == 405 ? b405 : b500;

	s->status = status;
	s->body = (const uint8_t *)b;
	s->len = strlen(b);
	s->off = 0;
}

/* Find the file and fill s->status, s->body, s->len. */
static void prepare(struct srv_stream *s)
{
	char rel[SRV_PATH_MAX];
	struct stat st;
	int fd;

	if (strcmp(s->method, "GET") && strcmp(s->method, "HEAD")) {
		set_error_body(s, 405);
		return;
	}
	if (s->path_too_long || !s->path[0] || map_path(s->path, rel, sizeof(rel))) {
		set_error_body(s, 400);
		return;
	}
	fd = open_beneath(rel);
	if (fd < 0) {
		set_error_body(s, errno == ENOENT || errno == ENOTDIR || errno == EXDEV ||
				  errno == ELOOP || errno == EACCES || errno == ENAMETOOLONG ||
				  errno == EISDIR ? 404 : 500);
		return;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		set_error_body(s, 404);
		return;
	}
	s->status = 200;
	s->len = (size_t)st.st_size;
	s->off = 0;
	s->body = (const uint8_t *)"";
	if (s->len) {
		void *m = mmap(NULL, s->len, PROT_READ, MAP_PRIVATE, fd, 0);

		if (m == MAP_FAILED) {
			close(fd);
			set_error_body(s, 500);
			return;
		}
		s->map = m;
		s->maplen = s->len;
		s->body = m;
	}
	close(fd);
}

static int respond(struct srv_conn *c, struct srv_stream *s)
{
	nghttp3_data_reader dr = { .read_data = read_body };
	char status[8], length[32];
	nghttp3_nv nva[5];
	size_t n = 0;
	bool head;
	int rv;

	prepare(s);
	head = !strcmp(s->method, "HEAD");
	snprintf(status, sizeof(status), "%d", s->status);
	snprintf(length, sizeof(length), "%zu", s->len);
	nva[n++] = mknv(":status", status);
	nva[n++] = mknv("server", "quic-h3-server");
	nva[n++] = mknv("content-length", length);
	nva[n++] = mknv("content-type", s->status == 200 ? content_type(s->path) :
				       "text/plain");
	s->responded = true;
	rv = nghttp3_conn_submit_response(c->h.conn, s->id, nva, n, head ? NULL : &dr);
	printf("%s %s %s -> %d %zu\n", c->peer, s->method[0] ? s->method : "-",
	       s->path[0] ? s->path : "-", s->status, s->len);
	if (rv) {
		h3_msg("%s: cannot submit the response on stream %" PRId64 ": %s", c->peer, s->id,
		       nghttp3_strerror(rv));
		return NGHTTP3_ERR_CALLBACK_FAILURE;
	}
	return 0;
}

static void stream_free(struct srv_stream *s)
{
	if (s->map)
		munmap(s->map, s->maplen);
	free(s);
}

static int cb_begin_headers(nghttp3_conn *conn, int64_t stream_id, void *conn_user_data,
			    void *stream_user_data)
{
	struct srv_conn *c = conn_user_data;
	struct srv_stream *s;

	(void)stream_user_data;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NGHTTP3_ERR_CALLBACK_FAILURE;
	s->id = stream_id;
	if (nghttp3_conn_set_stream_user_data(conn, stream_id, s)) {
		free(s);
		return NGHTTP3_ERR_CALLBACK_FAILURE;
	}
	s->next = c->streams;
	c->streams = s;
	return 0;
}

static int cb_recv_header(nghttp3_conn *conn, int64_t stream_id, int32_t token,
			  nghttp3_rcbuf *name, nghttp3_rcbuf *value, uint8_t flags,
			  void *conn_user_data, void *stream_user_data)
{
	struct srv_stream *s = stream_user_data;
	nghttp3_vec v = nghttp3_rcbuf_get_buf(value);

	(void)conn;
	(void)stream_id;
	(void)name;
	(void)flags;
	(void)conn_user_data;
	if (!s)
		return 0;
	if (token == NGHTTP3_QPACK_TOKEN__PATH) {
		if (v.len >= sizeof(s->path)) {
			s->path_too_long = true;
			v.len = sizeof(s->path) - 1;
		}
		memcpy(s->path, v.base, v.len);
		s->path[v.len] = '\0';
		if (strlen(s->path) != v.len)	/* a NUL inside */
			s->path_too_long = true;
	} else if (token == NGHTTP3_QPACK_TOKEN__METHOD) {
		if (v.len >= sizeof(s->method))
			v.len = sizeof(s->method) - 1;
		memcpy(s->method, v.base, v.len);
		s->method[v.len] = '\0';
	}
	return 0;
}

static int cb_end_stream(nghttp3_conn *conn, int64_t stream_id, void *conn_user_data,
			 void *stream_user_data)
{
	struct srv_stream *s = stream_user_data;

	(void)conn;
	(void)stream_id;
	if (!s || s->responded)
		return 0;
	return respond(conn_user_data, s);
}

static int cb_stream_close(nghttp3_conn *conn, int64_t stream_id, uint64_t app_error_code,
			   void *conn_user_data, void *stream_user_data)
{
	struct srv_conn *c = conn_user_data;
	struct srv_stream **pp;

	(void)conn;
	(void)stream_id;
	(void)app_error_code;
	for (pp = &c->streams; *pp; pp = &(*pp)->next) {
		if (*pp == stream_user_data) {
			struct srv_stream *s = *pp;

			*pp = s->next;
			stream_free(s);
			break;
		}
	}
	return 0;
}

/* Serve one accepted connection; the exit status of the child. */
static int serve(int fd, const struct sockaddr *peeraddr)
{
	nghttp3_callbacks callbacks;
	nghttp3_settings settings;
	struct srv_conn c;
	char peer[80], what[128];
	int64_t last;
	int ret, status = 0;

	h3_addr_str(peeraddr, peer, sizeof(peer));
	snprintf(what, sizeof(what), "TLS handshake with %s", peer);
	h3_libquic_reset();
	h3_alarm(H3_HANDSHAKE_TIMEOUT, what);
	ret = quic_server_handshake(fd, opt_key, opt_cert, "h3");
	h3_alarm(0, NULL);
	if (ret) {
		h3_msg("TLS handshake with %s failed: %s%s%s", peer, h3_errstr(-ret),
		       h3_libquic_error()[0] ? ": " : "", h3_libquic_error());
		close(fd);
		return H3_EXIT_FAIL;
	}

	if (h3_conn_init(&c.h, fd, true)) {
		h3_msg("%s: %s", peer, c.h.err);
		h3_conn_free(&c.h);
		close(fd);
		return H3_EXIT_FAIL;
	}
	c.streams = NULL;
	c.peer = peer;
	memset(&callbacks, 0, sizeof(callbacks));
	callbacks.stream_close = cb_stream_close;
	callbacks.begin_headers = cb_begin_headers;
	callbacks.recv_header = cb_recv_header;
	callbacks.end_stream = cb_end_stream;
	callbacks.stop_sending = h3_cb_stop_sending;
	callbacks.reset_stream = h3_cb_reset_stream;
	nghttp3_settings_default(&settings);
	ret = nghttp3_conn_server_new(&c.h.conn, &callbacks, &settings, NULL, &c);
	if (ret) {
		h3_msg("%s: nghttp3: %s", peer, nghttp3_strerror(ret));
		h3_close(&c.h, NGHTTP3_H3_INTERNAL_ERROR, "internal error");
		h3_conn_free(&c.h);
		return H3_EXIT_FAIL;
	}
	if (h3_bind_streams(&c.h)) {
		h3_msg("%s: %s", peer, c.h.err);
		status = H3_EXIT_FAIL;
		goto out;
	}

	last = h3_now_ms();
	for (;;) {
		ret = h3_io(&c.h, 1000);
		if (ret < 0) {
			h3_msg("%s: %s", peer, c.h.err);
			status = H3_EXIT_FAIL;
			break;
		}
		if (c.h.closed)
			break;
		if (ret)
			last = h3_now_ms();
		else if (h3_now_ms() - last > SRV_IDLE_MS) {
			h3_msg("%s: nothing heard for %d s, closing", peer, SRV_IDLE_MS / 1000);
			break;
		}
	}
out:
	/* what the interop cases check: the peer's key updates, the
	 * client's new paths validated (QUIC_EVENT_KEY_UPDATE and
	 * QUIC_EVENT_CONNECTION_MIGRATION)
	 */
	printf("%s end: key phases %u, paths validated %u, %s%s\n", peer, c.h.key_phases,
	       c.h.migrations, h3_libquic_resumed ? "resumed" : "full handshake",
	       h3_libquic_early ? ", 0-RTT accepted" : "");
	h3_close(&c.h, status ? c.h.fail_code : NGHTTP3_H3_NO_ERROR, status ? c.h.err : NULL);
	h3_conn_free(&c.h);	/* calls no stream_close: free what is left */
	while (c.streams) {
		struct srv_stream *s = c.streams;

		c.streams = s->next;
		stream_free(s);
	}
	return status;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *end || *out > max ? -1 : 0;
}

/* Load the certificate and key once now, so that a bad file is reported
 * at startup rather than at the first connection.
 */
static int check_cert(void)
{
	gnutls_certificate_credentials_t cred;
	bool der = false;
	int ret;

	if (access(opt_cert, R_OK)) {
		h3_msg("cannot read certificate file '%s': %s", opt_cert, h3_errstr(errno));
		return -1;
	}
	if (access(opt_key, R_OK)) {
		h3_msg("cannot read key file '%s': %s", opt_key, h3_errstr(errno));
		return -1;
	}
	if (gnutls_certificate_allocate_credentials(&cred)) {
		h3_msg("out of memory");
		return -1;
	}
	ret = gnutls_certificate_set_x509_key_file(cred, opt_cert, opt_key, GNUTLS_X509_FMT_PEM);
	/* not PEM: DER, as libquic does; report the PEM error otherwise */
	if (ret == GNUTLS_E_BASE64_DECODING_ERROR || ret == GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR ||
	    ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
		der = true;
		ret = gnutls_certificate_set_x509_key_file(cred, opt_cert, opt_key,
							   GNUTLS_X509_FMT_DER);
	}
	gnutls_certificate_free_credentials(cred);
	if (ret < 0) {
		h3_msg("cannot load certificate '%s' with key '%s'%s: %s", opt_cert, opt_key,
		       der ? " (neither PEM nor DER)" : "", gnutls_strerror(ret));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "dir", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "retry", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *opt_addr = "0.0.0.0", *opt_port = NULL;
	unsigned long port = 0, count = 0, accepted = 0, running = 0;
	struct sockaddr_storage ss;
	socklen_t sslen;
	unsigned char ticket_key[64];
	char addrbuf[80];
	int s, opt, i, status = 0;

	h3_prog = "quic-h3-server";
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			opt_addr = optarg;
			break;
		case 'p':
			opt_port = optarg;
			break;
		case 'c':
			opt_cert = optarg;
			break;
		case 'k':
			opt_key = optarg;
			break;
		case 'd':
			opt_dir = optarg;
			break;
		case 'n':
			if (parse_uint(optarg, 1000000, &count) || !count)
				return usage_error("--count wants a number from 1, not '%s'",
						   optarg);
			break;
		case 'r':
			h3_quic_retry = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return usage_error("unknown option or missing argument: '%s'",
					   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!opt_port || !opt_cert || !opt_key || !opt_dir)
		return usage_error("%s", "--port, --cert, --key and --dir are required");
	if (parse_uint(opt_port, 65535, &port))
		return usage_error("--port wants a number from 0 to 65535, not '%s'", opt_port);
	if (h3_addr_from_literal(opt_addr, (uint16_t)port, &ss, &sslen))
		return usage_error("--addr wants an IPv4 or IPv6 address, not '%s'", opt_addr);
	dirfd_root = open(opt_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd_root < 0) {
		h3_msg("cannot open directory '%s': %s", opt_dir, h3_errstr(errno));
		return H3_EXIT_USAGE;
	}
	h3_libquic_capture();
	if (check_cert())
		return H3_EXIT_USAGE;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	s = h3_quic_socket(ss.ss_family);
	if (s < 0) {
		h3_socket_failed(-s);
		return H3_EXIT_FAIL;
	}
	/* a session ticket key for the connections (QUIC_SOCKOPT_SESSION_TICKET
	 * on the listener, inherited by accepted sockets): clients can resume
	 */
	if (gnutls_rnd(GNUTLS_RND_KEY, ticket_key, sizeof(ticket_key)) ||
	    setsockopt(s, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, ticket_key,
		       sizeof(ticket_key))) {
		h3_msg("cannot set a session ticket key: %s", h3_errstr(errno));
		return H3_EXIT_FAIL;
	}
	/* the peer's key update and new path come as events, inherited by
	 * accepted sockets: on from the start, so that one right after the
	 * handshake (aioquic updates its keys at once) is not missed before
	 * h3_conn_init() turns them on. libquic's handshake cannot meet them:
	 * the peer may update keys or move only once the handshake is done.
	 */
	for (i = 0; i < 2; i++) {
		struct quic_event_option ev = {
			.type = i ? QUIC_EVENT_CONNECTION_MIGRATION : QUIC_EVENT_KEY_UPDATE,
			.on = 1,
		};

		if (setsockopt(s, SOL_QUIC, QUIC_SOCKOPT_EVENT, &ev, sizeof(ev))) {
			h3_msg("cannot turn an event on: %s", h3_errstr(errno));
			return H3_EXIT_FAIL;
		}
	}
	if (bind(s, (struct sockaddr *)&ss, sslen)) {
		h3_msg("cannot bind %s: %s", h3_addr_str((struct sockaddr *)&ss, addrbuf,
							 sizeof(addrbuf)), h3_errstr(errno));
		return H3_EXIT_FAIL;
	}
	if (listen(s, 64)) {
		h3_msg("cannot listen: %s", h3_errstr(errno));
		return H3_EXIT_FAIL;
	}
	sslen = sizeof(ss);
	if (getsockname(s, (struct sockaddr *)&ss, &sslen)) {
		h3_msg("getsockname: %s", h3_errstr(errno));
		return H3_EXIT_FAIL;
	}
	printf("listening on %u\n", ntohs(ss.ss_family == AF_INET ?
					  ((struct sockaddr_in *)&ss)->sin_port :
					  ((struct sockaddr_in6 *)&ss)->sin6_port));
	fflush(stdout);

	while (!count || accepted < count) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		pid_t parent = getpid(), pid;
		int fd, wst;

		fd = accept(s, (struct sockaddr *)&peer, &plen);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
				continue;
			h3_msg("accept: %s", h3_errstr(errno));
			status = H3_EXIT_FAIL;
			break;
		}
		accepted++;
		fflush(stdout);
		fflush(stderr);
		pid = fork();
		if (pid < 0) {
			h3_msg("fork: %s", h3_errstr(errno));
			close(fd);
			status = H3_EXIT_FAIL;
			continue;
		}
		if (!pid) {
			close(s);
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			if (getppid() != parent)
				_exit(H3_EXIT_FAIL);
			exit(serve(fd, (struct sockaddr *)&peer));
		}
		close(fd);
		running++;
		while (running && waitpid(-1, &wst, WNOHANG) > 0) {
			running--;
			if (!WIFEXITED(wst) || WEXITSTATUS(wst))
				status = H3_EXIT_FAIL;
		}
	}
	close(s);
	while (running) {
		int wst;

		if (waitpid(-1, &wst, 0) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		running--;
		if (!WIFEXITED(wst) || WEXITSTATUS(wst))
			status = H3_EXIT_FAIL;
	}
	return status;
}
