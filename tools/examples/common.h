/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by quic-echo-client and quic-echo-server: option values,
 * addresses, the QUIC socket, time, SHA-256, the negotiated ALPN and
 * version, and non-blocking stream I/O.
 *
 * The echo protocol (also spoken by the interop peers): the client opens one
 * bidirectional stream, sends N bytes and a FIN; the server writes every
 * byte back on the same stream as it reads it, then a FIN. Whoever receives
 * the last FIN (the client) closes the connection; the server waits for
 * that close before closing its socket, so no data in flight is dropped.
 */

#ifndef QUIC_EXAMPLES_COMMON_H
#define QUIC_EXAMPLES_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <netinet/quic.h>

#define EXIT_USAGE	2	/* bad option or file */
#define SHA256_HEX	(32 * 2 + 1)

static const char *prog_name = "quic-echo";

/* One line "prog: message" on stderr; exit with @status. */
static inline void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* An unsigned decimal option value in [min, max], or exit 2 naming it. */
static inline unsigned long long parse_num(const char *opt, const char *s,
					   unsigned long long min,
					   unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!s || !*s || *s == '-')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	return v;
bad:
	die(EXIT_USAGE, "invalid value '%s' for %s (expected %llu..%llu)",
	    s ? s : "", opt, min, max);
}

/* A readable file given to @opt, or exit 2. */
static inline void check_readable(const char *opt, const char *path)
{
	FILE *fp = fopen(path, "re");

	if (!fp)
		die(EXIT_USAGE, "cannot read %s file '%s': %s", opt, path, strerror(errno));
	fclose(fp);
}

/* An IPv4 or IPv6 literal and a port into @ss; returns the length. */
static inline socklen_t parse_addr(const char *addr, unsigned int port,
				   struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		return sizeof(*sin6);
	}
	die(EXIT_USAGE, "invalid address '%s' (expected an IPv4 or IPv6 literal)", addr);
}

/* A comma-separated ALPN list: 1..255 bytes, no empty name; or exit 2. */
static inline void check_alpn_list(const char *list)
{
	const char *p = list;

	if (!*list || strlen(list) > 255)
		goto bad;
	for (;;) {
		size_t len = strcspn(p, ",");

		if (!len)
			goto bad;
		if (!p[len])
			return;
		p += len + 1;
	}
bad:
	die(EXIT_USAGE, "invalid --alpn '%s' (comma-separated names, 255 bytes at most)", list);
}

static inline int is_ip_literal(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* socket(family, type, IPPROTO_QUIC); a missing module is named as such. */
static inline int quic_socket(int family, int type)
{
	int fd = socket(family, type, IPPROTO_QUIC);

	if (fd >= 0)
		return fd;
	if (errno == EPROTONOSUPPORT || errno == EAFNOSUPPORT ||
	    errno == ESOCKTNOSUPPORT || errno == EPROTOTYPE)
		die(1, "QUIC is not available: load the quic module (socket: %s)",
		    strerror(errno));
	die(1, "socket(IPPROTO_QUIC): %s", strerror(errno));
}

static inline int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static inline void hex_encode(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

/* Incremental SHA-256 (gnutls_hash); the digest goes out as hex. */
static inline gnutls_hash_hd_t sha256_init(void)
{
	gnutls_hash_hd_t h;
	int ret = gnutls_hash_init(&h, GNUTLS_DIG_SHA256);

	if (ret)
		die(1, "SHA-256: %s", gnutls_strerror(ret));
	return h;
}

static inline void sha256_done(gnutls_hash_hd_t h, char hex[SHA256_HEX])
{
	unsigned char d[32];

	gnutls_hash_deinit(h, d);
	hex_encode(d, sizeof(d), hex);
}

static inline void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX])
{
	unsigned char d[32];
	int ret = gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, d);

	if (ret)
		die(1, "SHA-256: %s", gnutls_strerror(ret));
	hex_encode(d, sizeof(d), hex);
}

/* The ALPN kept on the socket (QUIC_SOCKOPT_ALPN): after the handshake, the
 * negotiated one on a server (libquic stores it there). "none" when empty,
 * "?(errno text)" when the option cannot be read.
 */
static inline void socket_alpn(int fd, char *buf, size_t size)
{
	char val[256];
	socklen_t len = sizeof(val) - 1;

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, val, &len)) {
		snprintf(buf, size, "?(%s)", strerror(errno));
		return;
	}
	val[len] = '\0';
	snprintf(buf, size, "%s", len ? val : "none");
}

/* The QUIC version of the socket's config: "v1", "v2" or hex. */
static inline void socket_version(int fd, char *buf, size_t size)
{
	struct quic_config cfg;
	socklen_t len = sizeof(cfg);

	memset(&cfg, 0, sizeof(cfg));
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, &len)) {
		snprintf(buf, size, "?(%s)", strerror(errno));
		return;
	}
	if (cfg.version == QUIC_VERSION_V1)
		snprintf(buf, size, "v1");
	else if (cfg.version == QUIC_VERSION_V2)
		snprintf(buf, size, "v2");
	else
		snprintf(buf, size, "0x%08x", cfg.version);
}

static inline int set_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

static inline int would_block(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == EINTR;
}

/* Wait for the socket to become readable for at most @ms. Stream send
 * capacity (flow control) is not necessarily visible to poll(POLLOUT), so
 * callers that wait to send use a short @ms and simply retry.
 */
static inline void wait_readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, ms) < 0 && errno != EINTR)
		die(1, "poll: %s", strerror(errno));
}

/* What the program is doing, for the --timeout message (read by the
 * SIGALRM handler, so only plain stores of string literals).
 */
static const char *volatile stage = "starting";

static void alarm_handler(int sig)
{
	static const char pre[] = ": timed out while ";
	const char *s = stage;

	(void)sig;
	if (write(STDERR_FILENO, prog_name, strlen(prog_name)) < 0 ||
	    write(STDERR_FILENO, pre, sizeof(pre) - 1) < 0 ||
	    write(STDERR_FILENO, s, strlen(s)) < 0 ||
	    write(STDERR_FILENO, "\n", 1) < 0)
		_exit(1);
	_exit(1);
}

static inline void install_alarm(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = alarm_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
}

/* libquic's log lines go to stderr with the program's name. */
static void log_func(int level, const char *msg)
{
	(void)level;
	fprintf(stderr, "%s: libquic: %s\n", prog_name, msg);
}

#endif /* QUIC_EXAMPLES_COMMON_H */
