// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * quic-perf: bulk throughput and request/response latency over in-kernel
 * QUIC, plain TCP and kTLS (TCP with the kernel's TLS 1.3 record layer),
 * side by side, plus the kernel memory an idle connection costs.
 *
 *   quic-perf server [-p PORT] [--psk FILE] [-6] [--timeout SEC] [--quiet]
 *   quic-perf client -H HOST [-p PORT] --proto quic|tcp|ktls --size BYTES
 *                    (--bytes N | --time SECS | --rr N) [--streams K]
 *                    [--verify] [--psk FILE] [--timeout SEC]
 *   quic-perf table [--bytes N] [--rr N] [--conns N] [--timeout SEC]
 *
 * Ports: QUIC on UDP PORT, TCP on TCP PORT+1, kTLS on TCP PORT+2
 * (default PORT 7400). kTLS needs no TLS handshake: both ends install
 * TLS_1_3 AES-GCM-128 keys derived from a fixed seed and the direction, so
 * the kTLS numbers are the cost of the record layer alone. That, and the
 * built-in default PSK, make this a benchmark, not a secure channel.
 *
 * Wire protocol (the same on every transport): each stream starts with a
 * 16-byte header (magic, mode, flags, stream count, message size, stream
 * index); then the data. QUIC uses the client's bidirectional streams 0, 4,
 * 8, ...; TCP and kTLS have one stream. The client ends each stream (FIN,
 * or shutdown(SHUT_WR)); once every stream ended the server answers on the
 * first one with one line, "OK <bytes>", "MISMATCH <stream> <offset>
 * <bytes>" or "ERROR <text>", and ends it. In request/response mode the
 * server writes back every message of --size bytes as soon as it has it.
 * With --verify the byte at offset O of stream S is a fixed function of
 * (S, O), checked by the server.
 *
 * Exit status: 0 success, 1 failure (connection, stall, data mismatch),
 * 2 bad options or files.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <linux/tls.h>
#include <netinet/quic.h>

#ifndef SOL_TLS
#define SOL_TLS		282
#endif
#ifndef TCP_ULP
#define TCP_ULP		31
#endif

#define EXIT_USAGE	2
#define DEFAULT_PORT	7400
#define MAX_STREAMS	100	/* the default max_streams_bidi of a peer */
#define MAX_MSG		(16U << 20)
#define HDR_LEN		16
#define HDR_MAGIC	0x51505246U	/* "QPRF" */
#define RX_BUF		(256 * 1024)
#define REPLY_MAX	256
#define ALPN		"perf"
#define KTLS_SEED	0x6b544c53706572ULL

/* a PSK for when none is given: benchmarking only, it is public */
#define DEFAULT_PSK	"quic-perf:" \
	"5175696350657266204e6f7420536563726574204b65792030313233343536"

enum proto { P_QUIC, P_TCP, P_KTLS, P_MAX };
enum mode { M_BULK, M_RR };
#define F_VERIFY	0x01

static const char *const proto_name[P_MAX] = { "quic", "tcp", "ktls" };
static const char *const proto_title[P_MAX] = { "QUIC", "TCP", "kTLS" };

static const char *prog = "quic-perf";

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

/* An error of one connection: one line on stderr, returns -1. */
static int __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* -------------------------------------------------------------------- */
/* option values */

/* A number with an optional K, M or G suffix (powers of 1024) in [min, max]. */
static unsigned long long parse_size(const char *opt, const char *s,
				     unsigned long long min, unsigned long long max)
{
	unsigned long long v, mult = 1;
	char *end;

	errno = 0;
	if (!s || !*s || *s == '-' || *s == '+')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		goto bad;
	switch (*end) {
	case 'k': case 'K': mult = 1ULL << 10; end++; break;
	case 'm': case 'M': mult = 1ULL << 20; end++; break;
	case 'g': case 'G': mult = 1ULL << 30; end++; break;
	}
	if (*end || (v && mult > ~0ULL / v))
		goto bad;
	v *= mult;
	if (v < min || v > max)
		goto bad;
	return v;
bad:
	die(EXIT_USAGE, "invalid value '%s' for %s (expected %llu..%llu; K, M, G suffixes allowed)",
	    s ? s : "", opt, min, max);
}

/* -------------------------------------------------------------------- */
/* the data pattern of --verify */

static inline uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The bytes [off, off + len) of stream @s: 8-byte words of mix64(s, word). */
static void pattern_fill(unsigned char *buf, size_t len, uint32_t s, uint64_t off)
{
	uint64_t base = (uint64_t)s << 48;

	while (len) {
		uint64_t w = mix64(base ^ (off >> 3));
		unsigned int skip = (unsigned int)(off & 7);
		size_t n = 8 - skip < len ? 8 - skip : len;
		unsigned char b[8];
		unsigned int i;

		for (i = 0; i < 8; i++)
			b[i] = (unsigned char)(w >> (8 * i));
		memcpy(buf, b + skip, n);
		buf += n;
		len -= n;
		off += n;
	}
}

/* Index of the first byte of @buf that differs from the pattern, or -1. */
static long pattern_check(const unsigned char *buf, size_t len, uint32_t s, uint64_t off)
{
	unsigned char ref[4096];
	size_t done = 0;

	while (done < len) {
		size_t n = len - done < sizeof(ref) ? len - done : sizeof(ref);

		pattern_fill(ref, n, s, off + done);
		if (memcmp(ref, buf + done, n)) {
			size_t i;

			for (i = 0; ref[i] == buf[done + i]; i++)
				;
			return (long)(done + i);
		}
		done += n;
	}
	return -1;
}

/* -------------------------------------------------------------------- */
/* PSK file */

static char psk_tmp[64];
static pid_t psk_owner;

static void psk_tmp_remove(void)
{
	if (psk_tmp[0] && getpid() == psk_owner)
		unlink(psk_tmp);
}

/* --psk FILE checked, or the built-in key written to a temporary file. */
static const char *psk_file(const char *path)
{
	char line[1024];
	int found = 0, fd;
	FILE *fp;

	if (path) {
		fp = fopen(path, "re");
		if (!fp)
			die(EXIT_USAGE, "cannot read PSK file '%s': %s", path, strerror(errno));
		while (!found && fgets(line, sizeof(line), fp))
			found = line[0] != '#' && strchr(line, ':');
		fclose(fp);
		if (!found)
			die(EXIT_USAGE, "PSK file '%s' has no identity:hexkey line", path);
		return path;
	}
	snprintf(psk_tmp, sizeof(psk_tmp), "/tmp/quic-perf-psk.XXXXXX");
	fd = mkstemp(psk_tmp);
	if (fd < 0)
		die(1, "cannot create a PSK file in /tmp: %s", strerror(errno));
	psk_owner = getpid();
	atexit(psk_tmp_remove);
	if (write(fd, DEFAULT_PSK "\n", sizeof(DEFAULT_PSK)) != (ssize_t)sizeof(DEFAULT_PSK))
		die(1, "cannot write the PSK file %s", psk_tmp);
	close(fd);
	return psk_tmp;
}

/* -------------------------------------------------------------------- */
/* sockets */

static void set_timeouts(int fd, unsigned int secs)
{
	struct timeval tv = { .tv_sec = secs };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void set_nodelay(int fd, enum proto p)
{
	int one = 1;

	if (p != P_QUIC) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	} else {
		struct quic_config cfg;
		socklen_t len = sizeof(cfg);

		if (!getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, &len)) {
			cfg.stream_data_nodelay = 1;
			setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, sizeof(cfg));
		}
	}
}

/* The kTLS keys of one direction (0: client to server, 1: server to
 * client), from the fixed seed.
 */
static void ktls_info(struct tls12_crypto_info_aes_gcm_128 *ci, int dir)
{
	unsigned char k[36];
	unsigned int i;

	for (i = 0; i < sizeof(k); i++)
		k[i] = (unsigned char)mix64(KTLS_SEED ^ ((uint64_t)dir << 32) ^ i);
	memset(ci, 0, sizeof(*ci));
	ci->info.version = TLS_1_3_VERSION;
	ci->info.cipher_type = TLS_CIPHER_AES_GCM_128;
	memcpy(ci->key, k, sizeof(ci->key));
	memcpy(ci->salt, k + 16, sizeof(ci->salt));
	memcpy(ci->iv, k + 20, sizeof(ci->iv));
	/* rec_seq: 0, as after a handshake's key change */
}

/* Turn the connected TCP socket into a kTLS one; @server picks the keys. */
static int ktls_setup(int fd, int server, char *err, size_t errsz)
{
	struct tls12_crypto_info_aes_gcm_128 tx, rx;

	ktls_info(&tx, server);
	ktls_info(&rx, !server);
	if (setsockopt(fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls"))) {
		snprintf(err, errsz, "setsockopt(TCP_ULP, \"tls\"): %s%s", strerror(errno),
			 errno == ENOENT ? " (is the tls module available? modprobe tls)" : "");
		return -1;
	}
	if (setsockopt(fd, SOL_TLS, TLS_TX, &tx, sizeof(tx)) ||
	    setsockopt(fd, SOL_TLS, TLS_RX, &rx, sizeof(rx))) {
		snprintf(err, errsz, "setsockopt(SOL_TLS, TLS_TX/TLS_RX): %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int quic_socket_err(int family, char *err, size_t errsz)
{
	int fd = socket(family, SOCK_DGRAM, IPPROTO_QUIC);

	if (fd < 0)
		snprintf(err, errsz, "socket(IPPROTO_QUIC): %s%s", strerror(errno),
			 errno == EPROTONOSUPPORT || errno == EAFNOSUPPORT ?
			 " (load the quic module)" : "");
	return fd;
}

static unsigned int sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return 0;
	return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
		     ((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* A listening socket of @p on @port (0: any) of the loopback or wildcard
 * address of @family; -1 with @err.
 */
static int listen_on(enum proto p, int family, int loopback, unsigned int port, int backlog,
		     char *err, size_t errsz)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		sin6->sin6_addr = loopback ? in6addr_loopback : in6addr_any;
		len = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		sin->sin_addr.s_addr = htonl(loopback ? INADDR_LOOPBACK : INADDR_ANY);
		len = sizeof(*sin);
	}
	if (p == P_QUIC) {
		fd = quic_socket_err(family, err, errsz);
		if (fd < 0)
			return -1;
	} else {
		fd = socket(family, SOCK_STREAM, 0);
		if (fd < 0) {
			snprintf(err, errsz, "socket(TCP): %s", strerror(errno));
			return -1;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	}
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, backlog)) {
		int e = errno;

		snprintf(err, errsz, "%s port %u: %s", proto_title[p], port, strerror(e));
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* -------------------------------------------------------------------- */
/* stream I/O on any of the three: QUIC streams by ID, TCP has stream 0 */

struct conn {
	int fd;
	enum proto proto;
	unsigned int timeout;
};

/* Send all of @buf on stream @sid (QUIC), with FIN when @fin. */
static int conn_send(struct conn *c, int64_t sid, const void *buf, size_t len, int fin,
		     int open, char *err, size_t errsz)
{
	const unsigned char *p = buf;
	ssize_t n;

	for (;;) {
		if (c->proto == P_QUIC) {
			uint32_t fl = (fin ? MSG_QUIC_STREAM_FIN : 0) |
				      (open ? MSG_QUIC_STREAM_NEW : 0);

			n = quic_sendmsg(c->fd, p, len, open ? -1 : sid, fl);
		} else {
			n = len ? send(c->fd, p, len, MSG_NOSIGNAL) : 0;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				snprintf(err, errsz, "send stalled: no progress for %u s", c->timeout);
			else
				snprintf(err, errsz, "send: %s", strerror(errno));
			return -1;
		}
		open = 0;
		p += n;
		len -= (size_t)n;
		if (!len)
			break;
	}
	if (fin && c->proto != P_QUIC && shutdown(c->fd, SHUT_WR)) {
		snprintf(err, errsz, "shutdown(SHUT_WR): %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Receive some data: bytes, with *sid and *fin set; 0 with *fin at the end
 * of a stream; -1 with @err. QUIC events and post-handshake TLS messages are
 * skipped. A QUIC connection closed without FIN is an error.
 */
static ssize_t conn_recv(struct conn *c, void *buf, size_t len, int64_t *sid, int *fin,
			 char *err, size_t errsz)
{
	ssize_t n;

	for (;;) {
		uint32_t flags = 0;

		*sid = 0;
		*fin = 0;
		if (c->proto == P_QUIC) {
			*sid = -1;
			n = quic_recvmsg(c->fd, buf, len, sid, &flags);
		} else {
			n = recv(c->fd, buf, len, 0);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				snprintf(err, errsz, "receive stalled: nothing for %u s", c->timeout);
			else
				snprintf(err, errsz, "receive: %s", strerror(errno));
			return -1;
		}
		if (c->proto != P_QUIC) {
			*fin = !n;
			return n;
		}
		if ((flags & (MSG_QUIC_NOTIFICATION | MSG_QUIC_DATAGRAM)) ||
		    (*sid < 0 && n > 0))
			continue;
		if (!n && !(flags & MSG_QUIC_STREAM_FIN)) {
			snprintf(err, errsz, "connection closed by the peer");
			return -1;
		}
		*fin = !!(flags & MSG_QUIC_STREAM_FIN);
		return n;
	}
}

/* -------------------------------------------------------------------- */
/* the stream header */

struct hdr {
	uint8_t mode;
	uint8_t flags;
	uint16_t nstreams;
	uint32_t msgsize;
	uint32_t index;
};

static void hdr_put(unsigned char *b, const struct hdr *h)
{
	uint32_t v;

	v = htonl(HDR_MAGIC);
	memcpy(b, &v, 4);
	b[4] = h->mode;
	b[5] = h->flags;
	b[6] = (unsigned char)(h->nstreams >> 8);
	b[7] = (unsigned char)h->nstreams;
	v = htonl(h->msgsize);
	memcpy(b + 8, &v, 4);
	v = htonl(h->index);
	memcpy(b + 12, &v, 4);
}

static int hdr_get(const unsigned char *b, struct hdr *h)
{
	uint32_t v;

	memcpy(&v, b, 4);
	if (ntohl(v) != HDR_MAGIC)
		return -1;
	h->mode = b[4];
	h->flags = b[5];
	h->nstreams = (uint16_t)(b[6] << 8 | b[7]);
	memcpy(&v, b + 8, 4);
	h->msgsize = ntohl(v);
	memcpy(&v, b + 12, 4);
	h->index = ntohl(v);
	if (h->mode > M_RR || !h->nstreams || h->nstreams > MAX_STREAMS ||
	    h->index >= h->nstreams || !h->msgsize || h->msgsize > MAX_MSG)
		return -1;
	return 0;
}

/* -------------------------------------------------------------------- */
/* server */

struct srv_stream {
	unsigned char hbuf[HDR_LEN];
	unsigned int hlen;
	struct hdr h;
	uint64_t off;		/* data bytes after the header */
	int fin;
};

struct srv_opts {
	unsigned int port;
	const char *psk;
	int family;
	int loopback;
	unsigned int timeout;
	int quiet;
};

/* Wait (at most @secs) for the QUIC client to close, so that our last data
 * is not dropped by closing first.
 */
static void wait_peer_close(int fd, unsigned int secs)
{
	struct timeval tv = { .tv_sec = 1 };
	int64_t end = now_us() + (int64_t)secs * 1000000;
	unsigned char buf[4096];

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (now_us() < end) {
		int64_t sid = -1;
		uint32_t fl = 0;
		ssize_t n = quic_recvmsg(fd, buf, sizeof(buf), &sid, &fl);

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return;
	}
}

/* Serve one accepted connection; returns 0 if the client's data was all
 * right.
 */
static int serve_conn(int fd, enum proto p, const struct srv_opts *o, unsigned long id)
{
	struct srv_stream *st = calloc(MAX_STREAMS, sizeof(*st));
	unsigned char *buf = malloc(RX_BUF), *echo = NULL;
	struct conn c = { .fd = fd, .proto = p, .timeout = o->timeout };
	char err[256] = "", reply[REPLY_MAX];
	unsigned int nstreams = 0, nfin = 0, seen = 0;
	uint64_t total = 0, rr_pending = 0, rr_count = 0, bad_off = 0;
	long bad_stream = -1;
	int mode = -1, ret = -1;
	int64_t t0 = now_us();

	if (!st || !buf) {
		fail("out of memory");
		goto out;
	}
	set_timeouts(fd, o->timeout);
	if (p == P_KTLS && ktls_setup(fd, 1, err, sizeof(err)))
		goto reply;
	if (p == P_QUIC) {
		int r;

		alarm(o->timeout);
		r = quic_server_handshake(fd, o->psk, NULL, ALPN);
		alarm(0);
		if (r) {
			snprintf(err, sizeof(err), "handshake failed: %s", strerror(-r));
			fail("conn %lu: %s", id, err);
			goto out;
		}
	}
	set_nodelay(fd, p);

	while (!nstreams || nfin < nstreams) {
		int64_t sid;
		int fin;
		ssize_t n = conn_recv(&c, buf, RX_BUF, &sid, &fin, err, sizeof(err));
		size_t pos = 0, idx;
		struct srv_stream *s;

		if (n < 0)
			goto reply;
		if (sid < 0 || (sid & QUIC_STREAM_TYPE_MASK) || (sid >> 2) >= MAX_STREAMS) {
			snprintf(err, sizeof(err), "data on unexpected stream %lld", (long long)sid);
			goto reply;
		}
		idx = (size_t)(sid >> 2);
		s = &st[idx];
		if (s->fin && (n || fin)) {
			snprintf(err, sizeof(err), "data after the end of stream %lld",
				 (long long)sid);
			goto reply;
		}
		if (s->hlen < HDR_LEN) {
			size_t k = HDR_LEN - s->hlen < (size_t)n ? HDR_LEN - s->hlen : (size_t)n;

			memcpy(s->hbuf + s->hlen, buf, k);
			s->hlen += (unsigned int)k;
			pos = k;
			if (s->hlen == HDR_LEN) {
				if (hdr_get(s->hbuf, &s->h)) {
					snprintf(err, sizeof(err), "bad header on stream %lld",
						 (long long)sid);
					goto reply;
				}
				if (mode < 0) {
					mode = s->h.mode;
					nstreams = s->h.nstreams;
				}
				if (s->h.mode != mode || s->h.nstreams != nstreams ||
				    (p != P_QUIC && nstreams != 1) ||
				    (mode == M_RR && nstreams != 1)) {
					snprintf(err, sizeof(err), "inconsistent header on stream %lld",
						 (long long)sid);
					goto reply;
				}
				seen++;
				if (mode == M_RR && !echo) {
					echo = calloc(1, s->h.msgsize);
					if (!echo) {
						snprintf(err, sizeof(err), "out of memory");
						goto reply;
					}
				}
			}
		}
		if ((size_t)n > pos) {
			size_t len = (size_t)n - pos;

			if (s->hlen < HDR_LEN) {
				snprintf(err, sizeof(err), "short header");
				goto reply;
			}
			if ((s->h.flags & F_VERIFY) && bad_stream < 0) {
				long at = pattern_check(buf + pos, len, s->h.index, s->off);

				if (at >= 0) {
					bad_stream = (long)s->h.index;
					bad_off = s->off + (uint64_t)at;
				}
			}
			s->off += len;
			total += len;
			if (mode == M_RR) {
				rr_pending += len;
				while (rr_pending >= s->h.msgsize) {
					rr_pending -= s->h.msgsize;
					rr_count++;
					if (conn_send(&c, sid, echo, s->h.msgsize, 0, 0, err,
						      sizeof(err)))
						goto reply;
				}
			}
		}
		if (fin) {
			if (s->hlen < HDR_LEN) {
				snprintf(err, sizeof(err), "stream %lld ended before its header",
					 (long long)sid);
				goto reply;
			}
			s->fin = 1;
			nfin++;
		}
	}
	if (seen != nstreams)
		snprintf(err, sizeof(err), "%u streams of %u seen", seen, nstreams);
reply:
	if (err[0])
		snprintf(reply, sizeof(reply), "ERROR %.200s\n", err);
	else if (bad_stream >= 0)
		snprintf(reply, sizeof(reply), "MISMATCH %ld %llu %llu\n", bad_stream,
			 (unsigned long long)bad_off, (unsigned long long)total);
	else
		snprintf(reply, sizeof(reply), "OK %llu\n", (unsigned long long)total);
	if (!o->quiet || err[0] || bad_stream >= 0) {
		double secs = (double)(now_us() - t0) / 1e6;

		fprintf(err[0] || bad_stream >= 0 ? stderr : stdout,
			"%s: conn %lu %s %s: %llu bytes in %.2f s (%.1f Mbit/s, %llu round trips): %s",
			prog, id, proto_name[p], mode == M_RR ? "rr" : "bulk",
			(unsigned long long)total, secs,
			secs > 0 ? (double)total * 8 / secs / 1e6 : 0.0,
			(unsigned long long)rr_count, reply);
	}
	{
		char e2[128];

		if (conn_send(&c, 0, reply, strlen(reply), 1, 0, e2, sizeof(e2)))
			fail("conn %lu: sending the result: %s", id, e2);
	}
	if (p == P_QUIC && !err[0])
		wait_peer_close(fd, o->timeout);
	ret = err[0] || bad_stream >= 0 ? -1 : 0;
out:
	free(st);
	free(buf);
	free(echo);
	return ret;
}

static volatile sig_atomic_t stop_server;

static void on_term(int sig)
{
	(void)sig;
	stop_server = 1;
}

/* Accept on the listeners (-1: that protocol is off) and serve each
 * connection in a child process. Returns when SIGTERM arrives.
 */
static int server_loop(const int ls[P_MAX], const struct srv_opts *o)
{
	struct pollfd pfd[P_MAX];
	unsigned long id = 0;
	struct sigaction sa;
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGCHLD, SIG_IGN);	/* children are reaped by the kernel */
	for (i = 0; i < P_MAX; i++) {
		pfd[i].fd = ls[i];
		pfd[i].events = POLLIN;
	}
	while (!stop_server) {
		if (poll(pfd, P_MAX, -1) < 0) {
			if (errno == EINTR)
				continue;
			die(1, "poll: %s", strerror(errno));
		}
		for (i = 0; i < P_MAX; i++) {
			pid_t pid;
			int fd;

			if (ls[i] < 0 || !(pfd[i].revents & POLLIN))
				continue;
			fd = accept(ls[i], NULL, NULL);
			if (fd < 0)
				continue;
			id++;
			fflush(NULL);
			pid = fork();
			if (pid < 0) {
				fail("fork: %s", strerror(errno));
				close(fd);
				continue;
			}
			if (!pid) {
				int j;

				prctl(PR_SET_PDEATHSIG, SIGTERM);
				signal(SIGTERM, SIG_DFL);
				signal(SIGCHLD, SIG_DFL);
				for (j = 0; j < P_MAX; j++)
					if (ls[j] >= 0)
						close(ls[j]);
				_exit(serve_conn(fd, (enum proto)i, o, id) ? 1 : 0);
			}
			close(fd);
		}
	}
	return 0;
}

static void alarm_exit(int sig)
{
	static const char msg[] = "quic-perf: timed out in a handshake or connect\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

/* -------------------------------------------------------------------- */
/* client */

struct cli_opts {
	const char *host;
	unsigned int port;		/* base port: QUIC, TCP +1, kTLS +2 */
	enum proto proto;
	size_t size;
	uint64_t bytes;
	unsigned int secs;
	unsigned int streams;
	int verify;
	unsigned long rr;
	const char *psk;
	unsigned int timeout;
	uint64_t max_pacing;	/* SO_MAX_PACING_RATE, bytes/s; 0: none */
};

struct result {
	uint64_t bytes;
	double secs;
	double mbit;
	double rr_mean_us;
	double rr_median_us;
};

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* connect (and handshake / kTLS keys) to the server for @o->proto */
static int client_connect(const struct cli_opts *o, char *err, size_t errsz)
{
	struct addrinfo hints, *ai = NULL;
	char port[16];
	int fd, r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = o->proto == P_QUIC ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_protocol = o->proto == P_QUIC ? 0 : IPPROTO_TCP;
	snprintf(port, sizeof(port), "%u", o->port + (unsigned int)o->proto);
	r = getaddrinfo(o->host, port, &hints, &ai);
	if (r) {
		snprintf(err, errsz, "cannot resolve '%s': %s", o->host, gai_strerror(r));
		return -1;
	}
	if (o->proto == P_QUIC)
		fd = quic_socket_err(ai->ai_family, err, errsz);
	else if ((fd = socket(ai->ai_family, SOCK_STREAM, 0)) < 0)
		snprintf(err, errsz, "socket: %s", strerror(errno));
	if (fd < 0)
		goto out;
	set_timeouts(fd, o->timeout);
	if (o->rr)
		set_nodelay(fd, o->proto);
	if (o->max_pacing) {
		unsigned long rate = (unsigned long)o->max_pacing;

		if (setsockopt(fd, SOL_SOCKET, SO_MAX_PACING_RATE, &rate, sizeof(rate))) {
			snprintf(err, errsz, "setsockopt(SO_MAX_PACING_RATE): %s", strerror(errno));
			goto bad;
		}
	}
	alarm(o->timeout);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		snprintf(err, errsz, "connect to %s port %s: %s", o->host, port, strerror(errno));
		goto bad;
	}
	if (o->proto == P_QUIC) {
		r = quic_client_handshake(fd, o->psk, NULL, ALPN);
		if (r) {
			snprintf(err, errsz, "QUIC handshake with %s port %s failed: %s", o->host,
				 port, strerror(-r));
			goto bad;
		}
	} else if (o->proto == P_KTLS && ktls_setup(fd, 0, err, errsz)) {
		goto bad;
	}
	alarm(0);
	goto out;
bad:
	alarm(0);
	close(fd);
	fd = -1;
out:
	freeaddrinfo(ai);
	return fd;
}

/* Read the server's result line on stream 0 up to its end. */
static int read_reply(struct conn *c, char *reply, size_t size, char *err, size_t errsz)
{
	size_t len = 0;

	for (;;) {
		unsigned char buf[REPLY_MAX];
		int64_t sid;
		int fin;
		ssize_t n = conn_recv(c, buf, sizeof(buf), &sid, &fin, err, errsz);

		if (n < 0)
			return -1;
		if (sid != 0) {
			snprintf(err, errsz, "data from the server on stream %lld", (long long)sid);
			return -1;
		}
		if ((size_t)n > size - 1 - len) {
			snprintf(err, errsz, "the server's result is too long");
			return -1;
		}
		memcpy(reply + len, buf, (size_t)n);
		len += (size_t)n;
		if (fin)
			break;
	}
	reply[len] = '\0';
	if (len && reply[len - 1] == '\n')
		reply[len - 1] = '\0';
	if (!len) {
		snprintf(err, errsz, "the server closed without a result");
		return -1;
	}
	return 0;
}

static int client_run(const struct cli_opts *o, struct result *res)
{
	unsigned int k = o->proto == P_QUIC ? o->streams : 1, i;
	unsigned char *buf = malloc(o->size);
	uint64_t *left = calloc(k, sizeof(*left)), *off = calloc(k, sizeof(*off));
	unsigned char *ended = calloc(k, 1);
	double *lat = NULL;
	char err[256] = "", reply[REPLY_MAX];
	unsigned char hb[HDR_LEN];
	struct conn c = { .proto = o->proto, .timeout = o->timeout };
	uint64_t sent = 0;
	int64_t t0, t_end;
	int ret = -1, active;

	memset(res, 0, sizeof(*res));
	if (!buf || !left || !off || !ended)
		goto nomem;
	if (o->rr && !(lat = calloc(o->rr, sizeof(*lat))))
		goto nomem;
	memset(buf, 0x5a, o->size);
	c.fd = client_connect(o, err, sizeof(err));
	if (c.fd < 0)
		goto out;

	t0 = now_us();
	t_end = o->secs ? t0 + (int64_t)o->secs * 1000000 : 0;
	for (i = 0; i < k; i++) {
		struct hdr h = {
			.mode = o->rr ? M_RR : M_BULK,
			.flags = o->verify ? F_VERIFY : 0,
			.nstreams = (uint16_t)k,
			.msgsize = (uint32_t)o->size,
			.index = i,
		};

		hdr_put(hb, &h);
		if (conn_send(&c, 4 * (int64_t)i, hb, HDR_LEN, 0, 1, err, sizeof(err)))
			goto out;
		left[i] = o->bytes / k + (i < o->bytes % k ? 1 : 0);
	}

	if (o->rr) {
		unsigned long r;

		for (r = 0; r < o->rr; r++) {
			int64_t t = now_us();
			size_t got = 0;

			if (conn_send(&c, 0, buf, o->size, 0, 0, err, sizeof(err)))
				goto out;
			while (got < o->size) {
				int64_t sid;
				int fin;
				ssize_t n = conn_recv(&c, buf, o->size - got, &sid, &fin, err,
						      sizeof(err));

				if (n < 0)
					goto out;
				if (fin) {
					snprintf(err, sizeof(err), "the server ended the stream after %lu round trips", r);
					goto out;
				}
				got += (size_t)n;
			}
			lat[r] = (double)(now_us() - t);
		}
		if (conn_send(&c, 0, NULL, 0, 1, 0, err, sizeof(err)))
			goto out;
		sent = (uint64_t)o->rr * o->size;
	} else {
		/* round robin over the streams, one message at a time */
		active = (int)k;
		for (i = 0; active; i = (i + 1) % k) {
			size_t len = o->size;
			int fin;

			if (ended[i])
				continue;
			if (t_end) {
				fin = now_us() >= t_end;
				if (fin)
					len = 0;
			} else {
				if (len > left[i])
					len = (size_t)left[i];
				fin = len == left[i];
			}
			if (o->verify && len)
				pattern_fill(buf, len, i, off[i]);
			if (conn_send(&c, 4 * (int64_t)i, buf, len, fin, 0, err, sizeof(err)))
				goto out;
			off[i] += len;
			sent += len;
			if (!t_end)
				left[i] -= len;
			if (fin) {
				ended[i] = 1;
				active--;
			}
		}
	}
	if (read_reply(&c, reply, sizeof(reply), err, sizeof(err)))
		goto out;
	res->secs = (double)(now_us() - t0) / 1e6;
	res->bytes = sent;
	res->mbit = res->secs > 0 ? (double)sent * 8 / res->secs / 1e6 : 0;
	if (!strncmp(reply, "MISMATCH ", 9)) {
		unsigned long long bo = 0;
		long bs = -1;

		sscanf(reply + 9, "%ld %llu", &bs, &bo);
		snprintf(err, sizeof(err), "verify failed: the server saw wrong data on stream %ld at offset %llu",
			 bs, bo);
		goto out;
	}
	if (strncmp(reply, "OK ", 3)) {
		snprintf(err, sizeof(err), "the server reports: %.200s", reply);
		goto out;
	}
	if (strtoull(reply + 3, NULL, 10) != sent) {
		snprintf(err, sizeof(err), "the server received %.40s bytes of %llu sent", reply + 3,
			 (unsigned long long)sent);
		goto out;
	}
	if (o->rr) {
		double sum = 0;
		unsigned long r;

		for (r = 0; r < o->rr; r++)
			sum += lat[r];
		qsort(lat, o->rr, sizeof(*lat), cmp_dbl);
		res->rr_mean_us = sum / (double)o->rr;
		res->rr_median_us = (lat[(o->rr - 1) / 2] + lat[o->rr / 2]) / 2;
	}
	ret = 0;
out:
	if (ret && err[0])
		fail("%s: %s", proto_name[o->proto], err);
	if (c.fd >= 0)
		close(c.fd);
	free(buf);
	free(left);
	free(off);
	free(ended);
	free(lat);
	return ret;
nomem:
	snprintf(err, sizeof(err), "out of memory");
	c.fd = -1;
	goto out;
}

/* -------------------------------------------------------------------- */
/* kernel memory of idle connections */

/* Slab bytes in use: sum of active_objs * objsize over /proc/slabinfo, or
 * Slab: of /proc/meminfo; *src names the source. -1 if neither is readable.
 */
static long long slab_bytes(const char **src)
{
	char line[512];
	long long sum = 0;
	FILE *fp = fopen("/proc/slabinfo", "re");

	if (fp) {
		while (fgets(line, sizeof(line), fp)) {
			unsigned long long act, num, sz;
			char name[128];

			if (sscanf(line, "%127s %llu %llu %llu", name, &act, &num, &sz) == 4)
				sum += (long long)(act * sz);
		}
		fclose(fp);
		if (sum) {
			*src = "/proc/slabinfo";
			return sum;
		}
	}
	fp = fopen("/proc/meminfo", "re");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		long long kb;

		if (sscanf(line, "Slab: %lld kB", &kb) == 1) {
			fclose(fp);
			*src = "Slab: of /proc/meminfo";
			return kb * 1024;
		}
	}
	fclose(fp);
	return -1;
}

/* An idle timeout of an hour instead of 30 s, so that connections opened
 * first do not end while the last ones are still being opened.
 */
static void quic_long_idle(int fd)
{
	struct quic_transport_param tp;
	socklen_t len = sizeof(tp);

	memset(&tp, 0, sizeof(tp));
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &tp, &len))
		return;
	tp.remote = 0;
	tp.max_idle_timeout = 3600U * 1000000U;
	setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &tp, sizeof(tp));
}

static int connect_loopback(unsigned int port, int type, int proto)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, type, proto);

	if (fd < 0)
		return -1;
	if (proto == IPPROTO_QUIC)
		quic_long_idle(fd);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void close_all(int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* Open @n idle established connections of @p over loopback, both ends in
 * this machine; *per_conn gets the slab growth per connection (both ends).
 */
static int idle_memory(enum proto p, unsigned int n, const char *psk, unsigned int timeout,
		       double *per_conn, char *err, size_t errsz)
{
	int *srv = malloc(n * sizeof(int)), *cli = malloc(n * sizeof(int));
	int ls = -1, ret = -1, sync_pipe[2] = { -1, -1 }, back_pipe[2] = { -1, -1 };
	const char *src = "";
	long long before, after;
	unsigned int i, port;
	pid_t child = -1;

	if (!srv || !cli) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		srv[i] = cli[i] = -1;
	ls = listen_on(p, AF_INET, 1, 0, (int)(n < 4096 ? n : 4096), err, errsz);
	if (ls < 0)
		goto out;
	if (p == P_QUIC)
		quic_long_idle(ls);
	port = sock_port(ls);
	sleep(1);
	before = slab_bytes(&src);
	if (before < 0) {
		snprintf(err, errsz, "neither /proc/slabinfo nor /proc/meminfo is readable");
		goto out;
	}

	if (p == P_QUIC) {
		/* the clients in a child: both handshakes block */
		char c;

		if (pipe(sync_pipe) || pipe(back_pipe)) {
			snprintf(err, errsz, "pipe: %s", strerror(errno));
			goto out;
		}
		fflush(NULL);
		child = fork();
		if (child < 0) {
			snprintf(err, errsz, "fork: %s", strerror(errno));
			goto out;
		}
		if (!child) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (i = 0; i < n; i++) {
				cli[i] = connect_loopback(port, SOCK_DGRAM, IPPROTO_QUIC);
				if (cli[i] < 0 || quic_client_handshake(cli[i], psk, NULL, ALPN))
					_exit(1);
			}
			if (write(sync_pipe[1], "x", 1) != 1 || read(back_pipe[0], &c, 1) < 0)
				_exit(1);
			_exit(0);
		}
		close(sync_pipe[1]);
		sync_pipe[1] = -1;
		for (i = 0; i < n; i++) {
			alarm(timeout);
			srv[i] = accept(ls, NULL, NULL);
			if (srv[i] < 0 || quic_server_handshake(srv[i], psk, NULL, ALPN)) {
				alarm(0);
				snprintf(err, errsz, "QUIC connection %u of %u failed", i + 1, n);
				goto out;
			}
			alarm(0);
		}
		if (read(sync_pipe[0], &c, 1) != 1) {
			snprintf(err, errsz, "the QUIC client process failed");
			goto out;
		}
	} else {
		for (i = 0; i < n; i++) {
			cli[i] = connect_loopback(port, SOCK_STREAM, 0);
			if (cli[i] < 0) {
				snprintf(err, errsz, "TCP connection %u of %u: %s", i + 1, n,
					 strerror(errno));
				goto out;
			}
			srv[i] = accept(ls, NULL, NULL);
			if (srv[i] < 0) {
				snprintf(err, errsz, "accept %u of %u: %s", i + 1, n,
					 strerror(errno));
				goto out;
			}
			if (p == P_KTLS && (ktls_setup(cli[i], 0, err, errsz) ||
					    ktls_setup(srv[i], 1, err, errsz)))
				goto out;
		}
	}
	sleep(1);
	after = slab_bytes(&src);
	*per_conn = (double)(after - before) / n;
	ret = 0;
out:
	if (ret == 0)
		fprintf(stderr, "%s: %s: %u idle connections: %s %lld -> %lld bytes\n", prog,
			proto_name[p], n, src, before, after);
	if (back_pipe[1] >= 0) {
		if (write(back_pipe[1], "x", 1) < 0)
			(void)0;
		close(back_pipe[1]);
	}
	if (child > 0)
		waitpid(child, NULL, 0);
	if (srv)
		close_all(srv, n);
	if (cli)
		close_all(cli, n);
	if (ls >= 0)
		close(ls);
	for (i = 0; i < 2; i++) {
		if (sync_pipe[i] >= 0)
			close(sync_pipe[i]);
	}
	if (back_pipe[0] >= 0)
		close(back_pipe[0]);
	free(srv);
	free(cli);
	return ret;
}

/* -------------------------------------------------------------------- */
/* table */

#define T_ROWS	6

struct cell {
	int ok;
	double v;
};

static void fmt_ratio(char *b, size_t sz, const struct cell *a, const struct cell *z)
{
	if (a->ok && z->ok && z->v > 0)
		snprintf(b, sz, "%.2f", a->v / z->v);
	else
		snprintf(b, sz, "-");
}

static void raise_nofile(unsigned int need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur >= need)
		return;
	if (rl.rlim_max < need)
		rl.rlim_max = need;
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int cmd_table(uint64_t bytes, unsigned long rr, unsigned int conns, unsigned int timeout,
		     const char *psk)
{
	static const size_t sizes[3] = { 1024, 16384, 65536 };
	static const char *const rows[T_ROWS] = {
		"bulk 1 KiB messages, Mbit/s", "bulk 16 KiB messages, Mbit/s",
		"bulk 64 KiB messages, Mbit/s", "RR 1 byte, mean us",
		"RR 1 byte, median us", "idle conn, kernel bytes",
	};
	struct cell cell[T_ROWS][P_MAX];
	char note[P_MAX][300], err[256];
	struct srv_opts so = { .psk = psk, .family = AF_INET, .loopback = 1,
			       .timeout = timeout, .quiet = 1 };
	int ls[P_MAX], avail[P_MAX], p, r, failures = 0;
	unsigned int base = 0;
	pid_t srv;

	memset(cell, 0, sizeof(cell));
	memset(note, 0, sizeof(note));
	raise_nofile(2 * conns + 64);

	/* listeners on consecutive ports: try a few bases */
	for (r = 0; r < 50 && !base; r++) {
		unsigned int b = 20000 + (unsigned int)((getpid() * 7 + r * 97) % 40000);
		int okall = 1;

		for (p = 0; p < P_MAX; p++) {
			ls[p] = listen_on((enum proto)p, AF_INET, 1, b + (unsigned int)p, 64, err,
					  sizeof(err));
			avail[p] = 1;
			if (ls[p] < 0 && p == P_QUIC && errno != EADDRINUSE) {
				avail[p] = 0;
				snprintf(note[p], sizeof(note[p]), "%s", err);
				continue;
			}
			if (ls[p] < 0)
				okall = 0;
		}
		if (okall) {
			base = b;
			break;
		}
		for (p = 0; p < P_MAX; p++)
			if (ls[p] >= 0)
				close(ls[p]);
	}
	if (!base)
		die(1, "no three free consecutive ports for the server");

	/* kTLS: is the ULP there? */
	{
		int a = connect_loopback(base + P_KTLS, SOCK_STREAM, 0), b = -1;

		if (a >= 0)
			b = accept(ls[P_KTLS], NULL, NULL);
		if (a < 0 || b < 0 || ktls_setup(a, 0, err, sizeof(err))) {
			avail[P_KTLS] = 0;
			snprintf(note[P_KTLS], sizeof(note[P_KTLS]), "%s",
				 a < 0 || b < 0 ? "loopback TCP connection failed" : err);
		}
		if (a >= 0)
			close(a);
		if (b >= 0)
			close(b);
		if (!avail[P_KTLS]) {
			close(ls[P_KTLS]);
			ls[P_KTLS] = -1;
		}
	}

	fflush(NULL);
	srv = fork();
	if (srv < 0)
		die(1, "fork: %s", strerror(errno));
	if (!srv) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		_exit(server_loop(ls, &so));
	}
	for (p = 0; p < P_MAX; p++)
		if (ls[p] >= 0)
			close(ls[p]);

	printf("quic-perf table: loopback, %llu bytes per bulk test, %lu round trips, %u idle connections\n",
	       (unsigned long long)bytes, rr, conns);
	for (p = 0; p < P_MAX; p++) {
		struct cli_opts co = {
			.host = "127.0.0.1", .port = base, .proto = (enum proto)p,
			.bytes = bytes, .streams = 1, .psk = psk, .timeout = timeout,
		};
		struct result res;
		unsigned int s;

		if (!avail[p])
			continue;
		for (s = 0; s < 3; s++) {
			co.size = sizes[s];
			if (client_run(&co, &res)) {
				failures++;
				continue;
			}
			cell[s][p].ok = 1;
			cell[s][p].v = res.mbit;
			fprintf(stderr, "%s: %s bulk %zu: %llu bytes in %.2f s, %.1f Mbit/s\n", prog,
				proto_name[p], co.size, (unsigned long long)res.bytes, res.secs,
				res.mbit);
		}
		co.size = 1;
		co.bytes = 0;
		co.rr = rr;
		if (client_run(&co, &res)) {
			failures++;
		} else {
			cell[3][p].ok = cell[4][p].ok = 1;
			cell[3][p].v = res.rr_mean_us;
			cell[4][p].v = res.rr_median_us;
		}
	}
	kill(srv, SIGTERM);
	waitpid(srv, NULL, 0);

	for (p = 0; p < P_MAX; p++) {
		double v;

		if (!avail[p] || !conns)
			continue;
		if (idle_memory((enum proto)p, conns, psk, timeout, &v, err, sizeof(err))) {
			fail("%s: idle connections: %s", proto_name[p], err);
			failures++;
			continue;
		}
		cell[5][p].ok = 1;
		cell[5][p].v = v;
	}

	printf("\n%-30s %12s %12s %12s %10s %10s\n", "test", "QUIC", "TCP", "kTLS", "QUIC/kTLS",
	       "QUIC/TCP");
	for (r = 0; r < T_ROWS; r++) {
		char v[P_MAX][32], rk[16], rt[16];

		for (p = 0; p < P_MAX; p++) {
			if (!avail[p])
				snprintf(v[p], sizeof(v[p]), "skipped");
			else if (!cell[r][p].ok)
				snprintf(v[p], sizeof(v[p]), "failed");
			else if (r == 5 || r == 3 || r == 4)
				snprintf(v[p], sizeof(v[p]), "%.0f", cell[r][p].v);
			else
				snprintf(v[p], sizeof(v[p]), "%.1f", cell[r][p].v);
		}
		fmt_ratio(rk, sizeof(rk), &cell[r][P_QUIC], &cell[r][P_KTLS]);
		fmt_ratio(rt, sizeof(rt), &cell[r][P_QUIC], &cell[r][P_TCP]);
		printf("%-30s %12s %12s %12s %10s %10s\n", rows[r], v[0], v[1], v[2], rk, rt);
	}
	printf("\nbulk: %llu bytes on one connection (QUIC: one stream), throughput up to the server's\n"
	       "confirmation of the byte count. RR: 1-byte request, 1-byte response, nodelay.\n"
	       "idle conn: growth of kernel slab memory while %u idle established connections\n"
	       "are open, divided by %u; both ends are on this machine and counted (client and\n"
	       "server socket; QUIC also its UDP tunnel sockets; kTLS its TLS contexts).\n"
	       "Ratios are QUIC's value over the other one (latency and memory: lower is better).\n",
	       (unsigned long long)bytes, conns, conns);
	for (p = 0; p < P_MAX; p++)
		if (!avail[p])
			printf("%s skipped: %s\n", proto_title[p], note[p]);
	return failures ? 1 : 0;
}

/* -------------------------------------------------------------------- */
/* main */

static void usage(FILE *out, int status)
{
	fprintf(out,
		"usage: quic-perf server [-p PORT] [--psk FILE] [-6] [--timeout SEC] [--quiet]\n"
		"       quic-perf client -H HOST [-p PORT] --proto quic|tcp|ktls --size BYTES\n"
		"                        (--bytes N | --time SECS | --rr N) [--streams K]\n"
		"                        [--verify] [--psk FILE] [--timeout SEC]\n"
		"                        [--max-pacing-rate BYTES_PER_SEC]\n"
		"       quic-perf table [--bytes N] [--rr N] [--conns N] [--timeout SEC]\n"
		"\n"
		"QUIC is served on UDP PORT, TCP on TCP PORT+1, kTLS on TCP PORT+2 (PORT %u).\n"
		"--size, --bytes: K, M, G suffixes (KiB, MiB, GiB). --streams K (1..%u, QUIC\n"
		"only): the bytes are split over K concurrent streams. --verify: the server\n"
		"checks every byte. --rr N: N round trips of --size bytes (default 1), mean and\n"
		"median latency. --timeout SEC: a transfer without progress for SEC s fails\n"
		"(default 30). --psk: identity:hexkey file (default: a built-in key).\n"
		"--max-pacing-rate: SO_MAX_PACING_RATE on the client socket (K, M, G).\n"
		"table: QUIC, TCP and kTLS over loopback, bulk at 1, 16, 64 KiB (--bytes,\n"
		"default 64M), RR (--rr, default 2000), kernel memory per idle connection\n"
		"(--conns, default 1000; 0 skips; root for /proc/slabinfo).\n",
		DEFAULT_PORT, MAX_STREAMS);
	exit(status);
}

enum { O_PORT = 'p', O_HOST = 'H', O_V6 = '6', O_PSK = 256, O_PROTO, O_SIZE, O_BYTES,
       O_TIME, O_STREAMS, O_VERIFY, O_RR, O_CONNS, O_TIMEOUT, O_QUIET, O_HELP,
       O_PACING };

static const struct option longopts[] = {
	{ "port", required_argument, NULL, O_PORT },
	{ "host", required_argument, NULL, O_HOST },
	{ "psk", required_argument, NULL, O_PSK },
	{ "proto", required_argument, NULL, O_PROTO },
	{ "size", required_argument, NULL, O_SIZE },
	{ "bytes", required_argument, NULL, O_BYTES },
	{ "time", required_argument, NULL, O_TIME },
	{ "streams", required_argument, NULL, O_STREAMS },
	{ "verify", no_argument, NULL, O_VERIFY },
	{ "rr", required_argument, NULL, O_RR },
	{ "conns", required_argument, NULL, O_CONNS },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "max-pacing-rate", required_argument, NULL, O_PACING },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

/* "--name" of option @c, for messages */
static const char *opt_name(int c)
{
	static char buf[32];
	const struct option *o;

	for (o = longopts; o->name; o++)
		if (o->val == c)
			break;
	if (c < 256)
		snprintf(buf, sizeof(buf), "-%c", c);
	else
		snprintf(buf, sizeof(buf), "--%s", o->name ? o->name : "?");
	return buf;
}

/* Does option @c apply to command @cmd (0 server, 1 client, 2 table)? */
static int option_allowed(int cmd, int c)
{
	enum { S = 1, C = 2, T = 4 };
	int mask;

	switch (c) {
	case O_PORT: case O_PSK: mask = S | C | (c == O_PSK ? T : 0); break;
	case O_V6: case O_QUIET: mask = S; break;
	case O_TIMEOUT: mask = S | C | T; break;
	case O_BYTES: case O_RR: mask = C | T; break;
	case O_CONNS: mask = T; break;
	default: mask = C; break;	/* -H, --proto, --size, --time, --streams, --verify */
	}
	return !!(mask & (1 << cmd));
}

int main(int argc, char **argv)
{
	struct cli_opts co = { .port = DEFAULT_PORT, .streams = 1, .timeout = 30 };
	struct srv_opts so = { .port = DEFAULT_PORT, .family = AF_INET, .timeout = 30 };
	unsigned long long tbytes = 64ULL << 20;
	unsigned long trr = 2000;
	unsigned int conns = 1000;
	const char *psk = NULL, *proto = NULL;
	int cmd, c, have_size = 0;
	struct sigaction sa;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = alarm_exit;
	sigaction(SIGALRM, &sa, NULL);

	if (argc < 2)
		usage(stderr, EXIT_USAGE);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		usage(stdout, 0);
	if (!strcmp(argv[1], "server"))
		cmd = 0;
	else if (!strcmp(argv[1], "client"))
		cmd = 1;
	else if (!strcmp(argv[1], "table"))
		cmd = 2;
	else
		die(EXIT_USAGE, "unknown command '%s' (server, client or table; see --help)",
		    argv[1]);
	argc--;
	argv++;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:H:6h", longopts, NULL)) != -1) {
		if (c == 'h' || c == O_HELP)
			usage(stdout, 0);
		if (c == '?')
			die(EXIT_USAGE, "unknown option '%s' (see --help)", argv[optind - 1]);
		if (c == ':')
			die(EXIT_USAGE, "option '%s' needs a value", argv[optind - 1]);
		if (!option_allowed(cmd, c))
			die(EXIT_USAGE, "option '%s' does not apply to '%s' (see --help)",
			    opt_name(c), argv[0]);
		switch (c) {
		case O_PORT:
			so.port = co.port = (unsigned int)parse_size("-p", optarg, 1, 65533);
			break;
		case O_HOST: co.host = optarg; break;
		case O_V6: so.family = AF_INET6; break;
		case O_PSK: psk = optarg; break;
		case O_PROTO: proto = optarg; break;
		case O_SIZE:
			co.size = (size_t)parse_size("--size", optarg, 1, MAX_MSG);
			have_size = 1;
			break;
		case O_BYTES:
			tbytes = co.bytes = parse_size("--bytes", optarg, 1, 1ULL << 50);
			break;
		case O_TIME: co.secs = (unsigned int)parse_size("--time", optarg, 1, 86400); break;
		case O_STREAMS:
			co.streams = (unsigned int)parse_size("--streams", optarg, 1, MAX_STREAMS);
			break;
		case O_VERIFY: co.verify = 1; break;
		case O_RR:
			trr = co.rr = (unsigned long)parse_size("--rr", optarg, 1, 100000000);
			break;
		case O_CONNS: conns = (unsigned int)parse_size("--conns", optarg, 0, 100000); break;
		case O_TIMEOUT:
			so.timeout = co.timeout =
				(unsigned int)parse_size("--timeout", optarg, 1, 86400);
			break;
		case O_QUIET: so.quiet = 1; break;
		case O_PACING:
			co.max_pacing = parse_size("--max-pacing-rate", optarg, 1,
						   1ULL << 40);
			break;
		}
	}
	if (optind < argc)
		die(EXIT_USAGE, "unexpected argument '%s' (see --help)", argv[optind]);

	if (cmd == 0) {
		char err[256];
		int ls[P_MAX], p;

		so.psk = psk_file(psk);
		for (p = 0; p < P_MAX; p++) {
			ls[p] = listen_on((enum proto)p, so.family, 0, so.port + (unsigned int)p,
					  128, err, sizeof(err));
			if (ls[p] < 0 && (p != P_QUIC || errno == EADDRINUSE))
				die(1, "cannot listen: %s", err);
			if (ls[p] < 0)
				fail("QUIC is off: %s", err);
		}
		printf("listening: QUIC udp/%u, TCP tcp/%u, kTLS tcp/%u\n", so.port, so.port + 1,
		       so.port + 2);
		return server_loop(ls, &so);
	}
	if (cmd == 1) {
		struct result res;

		if (!co.host)
			die(EXIT_USAGE, "client: -H HOST is required");
		if (!proto)
			die(EXIT_USAGE, "client: --proto quic|tcp|ktls is required");
		for (c = 0; c < P_MAX && strcmp(proto, proto_name[c]); c++)
			;
		if (c == P_MAX)
			die(EXIT_USAGE, "invalid --proto '%s' (quic, tcp or ktls)", proto);
		co.proto = (enum proto)c;
		if (!!co.bytes + !!co.secs + !!co.rr != 1)
			die(EXIT_USAGE, "client: give exactly one of --bytes N, --time SECS, --rr N");
		if (!have_size) {
			if (!co.rr)
				die(EXIT_USAGE, "client: --size BYTES is required");
			co.size = 1;
		}
		if (co.streams > 1 && co.proto != P_QUIC)
			die(EXIT_USAGE, "--streams is for --proto quic");
		if (co.streams > 1 && co.rr)
			die(EXIT_USAGE, "--rr runs on one stream (no --streams)");
		if (co.rr && co.verify)
			die(EXIT_USAGE, "--verify is for bulk transfers, not --rr");
		co.psk = co.proto == P_QUIC ? psk_file(psk) : NULL;
		if (client_run(&co, &res))
			return 1;
		if (co.rr)
			printf("%s rr: %lu round trips of %zu bytes: mean %.1f us, median %.1f us\n",
			       proto_name[co.proto], co.rr, co.size, res.rr_mean_us,
			       res.rr_median_us);
		else
			printf("%s: %llu bytes in %.3f s = %.1f Mbit/s (%u stream%s, %zu-byte messages%s), server confirmed all bytes\n",
			       proto_name[co.proto], (unsigned long long)res.bytes, res.secs,
			       res.mbit, co.proto == P_QUIC ? co.streams : 1,
			       co.streams > 1 && co.proto == P_QUIC ? "s" : "", co.size,
			       co.verify ? ", verified" : "");
		return 0;
	}
	return cmd_table(tbytes, trr, conns, so.timeout, psk_file(psk));
}
