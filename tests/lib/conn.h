/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Client/server pairs over loopback for the connection tests (tests/conn/):
 * the parent makes a listening socket, forks the server (accept + libquic PSK
 * handshake), connects as the client (libquic PSK handshake) and runs one
 * function on each side. Both sides print their own PASS/FAIL lines (see
 * test.h); qt_run() prints a FAIL line for what stops a case early: setup,
 * handshake, a timeout (alarm) or a side that dies.
 *
 * Every case has a deadline (alarm): on SIGALRM a side prints
 * "FAIL <case>: timed out ... (<stage>)" and exits, so a kernel that never
 * wakes a reader gives a FAIL, not a hang. qt_stage names what the side was
 * doing.
 *
 * The two processes also share a SOCK_SEQPACKET pair (qt_ctl) to tell each
 * other when something happened ("read everything", "filled the buffer"):
 * qt_tell() / qt_await().
 */
#ifndef QUIC_TEST_CONN_H
#define QUIC_TEST_CONN_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/quic.h>	/* libquic; includes linux/quic.h */

#include "test.h"

#define QT_MB	(1024 * 1024)

static const char *qt_case = "?";	/* the case being run */
static const char *qt_stage = "setup";	/* what this side is doing */
static const char *qt_side = "client";
static char qt_psk[64];			/* PSK file made by qt_init() */
static int qt_ctl = -1;			/* to the other side */
static pid_t qt_child;			/* the server, in the client */

static void qt_alarm(int sig)
{
	char buf[512];
	int n;

	(void)sig;
	n = snprintf(buf, sizeof(buf), "FAIL %s: timed out in the %s (%s)\n",
		     qt_case, qt_side, qt_stage);
	if (n > 0 && write(STDOUT_FILENO, buf, (size_t)n) < 0)
		n = 0;
	if (qt_child > 0)
		kill(qt_child, SIGKILL);
	_exit(1);
}

static inline void qt_set_alarm_handler(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = qt_alarm;
	sigaction(SIGALRM, &sa, NULL);
}

/* A PSK file: "test:<64 hex digits>", 32 random bytes. */
static inline int qt_init(void)
{
	unsigned char key[32];
	char line[128];
	int fd, ufd, n, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	qt_set_alarm_handler();
	ufd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (ufd < 0 || read(ufd, key, sizeof(key)) != (ssize_t)sizeof(key)) {
		printf("FAIL psk_file: /dev/urandom: %s\n", strerror(errno));
		return -1;
	}
	close(ufd);
	snprintf(qt_psk, sizeof(qt_psk), "/tmp/quic-conn-test-XXXXXX");
	fd = mkstemp(qt_psk);
	if (fd < 0) {
		printf("FAIL psk_file: mkstemp: %s\n", strerror(errno));
		qt_psk[0] = '\0';
		return -1;
	}
	n = snprintf(line, sizeof(line), "test:");
	for (i = 0; i < 32; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, "%02x", key[i]);
	line[n++] = '\n';
	if (write(fd, line, (size_t)n) != n) {
		printf("FAIL psk_file: write: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static inline void qt_done(void)
{
	if (qt_psk[0])
		unlink(qt_psk);
}

/* has ::1 on lo (IPv6 not disabled) */
static inline int qt_have_ipv6(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int fd = socket(AF_INET6, SOCK_DGRAM, 0), ok;

	if (fd < 0)
		return 0;
	ok = !bind(fd, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	return ok;
}

/* ---------------------------------------------------------------------- */
/* data pattern: byte @off of stream @sid; not periodic within 64 KiB     */

static inline unsigned char qt_pat(int64_t sid, uint64_t off)
{
	uint32_t x = (uint32_t)off * 2654435761u + (uint32_t)sid * 40503u;

	return (unsigned char)((x >> 13) ^ (off >> 16) ^ (uint64_t)sid);
}

static inline void qt_fill(unsigned char *buf, size_t len, int64_t sid,
			   uint64_t off)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = qt_pat(sid, off + i);
}

/* index of the first byte that differs from the pattern, or -1 */
static inline long qt_check(const unsigned char *buf, size_t len, int64_t sid,
			    uint64_t off)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != qt_pat(sid, off + i))
			return (long)i;
	return -1;
}

/* ---------------------------------------------------------------------- */
/* send and receive with a QUIC_STREAM_INFO cmsg                          */

static inline ssize_t qt_send(int fd, const void *buf, size_t len, int64_t sid,
			      uint32_t sflags, int flags)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct quic_stream_info))];
	} control;
	struct quic_stream_info info = { .stream_id = sid,
					 .stream_flags = sflags };
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr m;
	struct cmsghdr *c;

	memset(&m, 0, sizeof(m));
	memset(&control, 0, sizeof(control));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = control.buf;
	m.msg_controllen = sizeof(control.buf);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_QUIC;
	c->cmsg_type = QUIC_STREAM_INFO;
	c->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(c), &info, sizeof(info));
	return sendmsg(fd, &m, flags);
}

/* a send without any cmsg (datagrams) */
static inline ssize_t qt_send_plain(int fd, const void *buf, size_t len,
				    int flags)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr m;

	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	return sendmsg(fd, &m, flags);
}

struct qt_rcv {
	int64_t sid;		/* -1: no QUIC_STREAM_INFO cmsg */
	uint32_t sflags;	/* stream_flags of the cmsg */
	int mflags;		/* msg_flags */
};

static inline ssize_t qt_recv(int fd, void *buf, size_t len, int flags,
			      struct qt_rcv *r)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct quic_stream_info)) +
			 CMSG_SPACE(sizeof(struct quic_handshake_info))];
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct quic_stream_info info;
	struct msghdr m;
	struct cmsghdr *c;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = control.buf;
	m.msg_controllen = sizeof(control.buf);
	r->sid = -1;
	r->sflags = 0;
	r->mflags = 0;
	n = recvmsg(fd, &m, flags);
	if (n < 0)
		return n;
	r->mflags = m.msg_flags;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_QUIC || c->cmsg_type != QUIC_STREAM_INFO ||
		    c->cmsg_len < CMSG_LEN(sizeof(info)))
			continue;
		memcpy(&info, CMSG_DATA(c), sizeof(info));
		r->sid = info.stream_id;
		r->sflags = info.stream_flags;
	}
	return n;
}

/* wait for @events on @fd, up to @ms; returns revents or 0 on timeout */
static inline int qt_poll(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	do {
		n = poll(&p, 1, ms);
	} while (n < 0 && errno == EINTR);
	return n > 0 ? p.revents : 0;
}

static inline int qt_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* send all of @len bytes (blocking socket, or waits with poll); FIN on the
 * last byte when @sflags has it. Returns 0 or -1 with errno.
 */
static inline int qt_send_all(int fd, const void *buf, size_t len, int64_t sid,
			      uint32_t sflags)
{
	const unsigned char *p = buf;
	size_t done = 0;

	do {
		size_t n = len - done;
		ssize_t r = qt_send(fd, p + done, n, sid, sflags, 0);

		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			qt_poll(fd, POLLOUT, 1000);
			continue;
		}
		if (r < 0)
			return -1;
		done += (size_t)r;
		/* a partial send did not carry the FIN: the rest does */
		sflags &= ~(uint32_t)MSG_QUIC_STREAM_NEW;
	} while (done < len);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* events                                                                 */

static inline int qt_event_enable(int fd, int type, int on)
{
	struct quic_event_option e = { .type = (uint8_t)type, .on = (uint8_t)on };

	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &e, sizeof(e));
}

/* ---------------------------------------------------------------------- */
/* transport parameters and configuration                                 */

static inline int qt_get_tp(int fd, struct quic_transport_param *p)
{
	socklen_t len = sizeof(*p);

	memset(p, 0, sizeof(*p));
	return getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, p, &len);
}

static inline int qt_set_tp(int fd, const struct quic_transport_param *p)
{
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, p,
			  sizeof(*p));
}

static inline int qt_get_config(int fd, struct quic_config *c)
{
	socklen_t len = sizeof(*c);

	memset(c, 0, sizeof(*c));
	return getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, c, &len);
}

/* ---------------------------------------------------------------------- */
/* control channel between the two sides                                  */

/* stream_data_nodelay 1: every write goes out at once (no coalescing), for
 * tests whose data must be on the wire before a reset (a reset of data
 * not yet sent has final size 0)
 */
static inline int qt_nodelay(int fd)
{
	struct quic_config c;

	if (qt_get_config(fd, &c))
		return -1;
	c.stream_data_nodelay = 1;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, sizeof(c));
}

static inline int qt_tell(char what)
{
	return send(qt_ctl, &what, 1, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

/* wait up to @ms for @what from the other side; 0 if it came, -1 on a
 * timeout, when the other side exited or sent 'X' (it failed and gave up)
 */
static inline int qt_await(char what, int ms)
{
	char c;

	for (;;) {
		if (!(qt_poll(qt_ctl, POLLIN, ms) & POLLIN))
			return -1;
		if (recv(qt_ctl, &c, 1, 0) != 1)
			return -1;	/* the other side exited */
		if (c == what)
			return 0;
		if (c == 'X')
			return -1;
	}
}

/* ---------------------------------------------------------------------- */
/* reading many streams                                                   */

struct qt_rstream {
	int64_t sid;
	uint64_t got;		/* bytes read */
	int fin;		/* FIN read */
};

/* Read until @n streams ended with a FIN, each of exactly @len bytes of the
 * pattern qt_pat(sid + @seed, off). MSG_EOR must come with the FIN. Returns
 * 0, or -1 with the reason in @err. Messages without a stream (TLS
 * post-handshake data) are skipped.
 */
static inline int qt_read_streams(int fd, struct qt_rstream *st, int n,
				  int64_t seed, uint64_t len, char *err,
				  size_t errsz)
{
	size_t bufsz = 65536;
	unsigned char *buf = malloc(bufsz);
	int used = 0, fins = 0, ret = -1;
	struct qt_rcv r;

	if (!buf) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	while (fins < n) {
		struct qt_rstream *s = NULL;
		ssize_t got = qt_recv(fd, buf, bufsz, 0, &r);
		long bad;

		if (got < 0) {
			snprintf(err, errsz, "recvmsg after %d FINs: %s", fins,
				 strerror(errno));
			goto out;
		}
		if (r.mflags & (MSG_QUIC_NOTIFICATION | MSG_QUIC_DATAGRAM)) {
			snprintf(err, errsz, "unexpected %s",
				 r.mflags & MSG_QUIC_DATAGRAM ? "datagram" : "event");
			goto out;
		}
		if (r.sid < 0) {
			if (!got) {
				snprintf(err, errsz, "recvmsg returned 0 (connection closed) after %d FINs",
					 fins);
				goto out;
			}
			continue;
		}
		for (int i = 0; i < used; i++)
			if (st[i].sid == r.sid)
				s = &st[i];
		if (!s) {
			if (used == n) {
				snprintf(err, errsz, "data on a stream %lld beyond the %d expected",
					 (long long)r.sid, n);
				goto out;
			}
			s = &st[used++];
			memset(s, 0, sizeof(*s));
			s->sid = r.sid;
		}
		if (s->fin) {
			snprintf(err, errsz, "stream %lld: %zd bytes after its FIN",
				 (long long)s->sid, got);
			goto out;
		}
		bad = qt_check(buf, (size_t)got, s->sid + seed, s->got);
		if (bad >= 0) {
			snprintf(err, errsz, "stream %lld: wrong byte at offset %llu",
				 (long long)s->sid,
				 (unsigned long long)(s->got + (uint64_t)bad));
			goto out;
		}
		s->got += (uint64_t)got;
		if (s->got > len) {
			snprintf(err, errsz, "stream %lld: more than %llu bytes",
				 (long long)s->sid, (unsigned long long)len);
			goto out;
		}
		if (r.sflags & MSG_QUIC_STREAM_FIN) {
			if (s->got != len) {
				snprintf(err, errsz, "stream %lld: FIN after %llu of %llu bytes",
					 (long long)s->sid,
					 (unsigned long long)s->got,
					 (unsigned long long)len);
				goto out;
			}
			if (!(r.mflags & MSG_EOR)) {
				snprintf(err, errsz, "stream %lld: FIN read without MSG_EOR",
					 (long long)s->sid);
				goto out;
			}
			s->fin = 1;
			fins++;
		}
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

/* send @len bytes of the pattern of (sid + @seed) on stream @sid, FIN at the
 * end; @first_sid/@first_flags for the first send (-1 and
 * MSG_QUIC_STREAM_NEW to open it). 0 or -1 with errno.
 */
static inline int qt_send_pattern(int fd, int64_t sid, int64_t seed,
				  uint64_t len, int64_t first_sid,
				  uint32_t first_flags)
{
	unsigned char buf[16384];
	uint64_t off = 0;

	do {
		size_t n = len - off < sizeof(buf) ? (size_t)(len - off) : sizeof(buf);
		uint32_t fl = off + n == len ? MSG_QUIC_STREAM_FIN : 0;
		int64_t id = sid;

		if (!off) {
			id = first_sid;
			fl |= first_flags;
		}
		qt_fill(buf, n, sid + seed, off);
		if (qt_send_all(fd, buf, n, id, fl))
			return -1;
		off += n;
	} while (off < len);
	return 0;
}

/* wait up to @ms for any message; returns it, or -1 */
static inline int qt_await_any(int ms)
{
	char c;

	if (!(qt_poll(qt_ctl, POLLIN, ms) & POLLIN))
		return -1;
	if (recv(qt_ctl, &c, 1, 0) != 1)
		return -1;
	return (unsigned char)c;
}

/* ---------------------------------------------------------------------- */
/* running a pair                                                         */

struct qt_pair {
	const char *name;	/* case name, for FAIL lines */
	int family;		/* AF_INET (default) or AF_INET6 */
	int type;		/* SOCK_DGRAM (default) or SOCK_STREAM */
	unsigned int timeout;	/* seconds per side (default 60) */
	/* on the listening socket before listen() / the client before connect() */
	int (*srv_setup)(int lfd, void *arg);
	int (*cli_setup)(int fd, void *arg);
	/* after the handshake; return 0 when every check passed */
	int (*server)(int fd, void *arg);
	int (*client)(int fd, void *arg);
	void *arg;
};

static inline socklen_t qt_loopback(int family, struct sockaddr_storage *ss,
				    uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		a->sin6_port = htons(port);
		return sizeof(*a);
	}
	((struct sockaddr_in *)ss)->sin_family = AF_INET;
	((struct sockaddr_in *)ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	((struct sockaddr_in *)ss)->sin_port = htons(port);
	return sizeof(struct sockaddr_in);
}

/* the two sockets of a UDP relay thread: *rfd bound to a loopback port,
 * whose address goes to @at (where the client connects), *sfd connected
 * to the server at @to; 0, or -1 with errno
 */
static inline int qt_relay_socks(int *rfd, int *sfd,
				 const struct sockaddr_storage *to,
				 socklen_t tolen, struct sockaddr_storage *at,
				 socklen_t *atlen)
{
	*rfd = socket(AF_INET, SOCK_DGRAM, 0);
	*sfd = socket(AF_INET, SOCK_DGRAM, 0);
	*atlen = qt_loopback(AF_INET, at, 0);
	if (*rfd < 0 || *sfd < 0 ||
	    bind(*rfd, (struct sockaddr *)at, *atlen) ||
	    connect(*sfd, (const struct sockaddr *)to, tolen))
		return -1;
	*atlen = sizeof(*at);
	return getsockname(*rfd, (struct sockaddr *)at, atlen);
}

/* a UDP relay thread between a client and the server (qt_relay_start()):
 * @pass says for each datagram, to the server or to the client, whether it
 * goes on (@ts is then the kernel's receive time of that datagram at the
 * relay, SO_TIMESTAMPNS: free of the relay thread's own delays); set
 * @stop and join @th to end it
 */
struct qt_relay {
	int rfd, sfd;	/* rfd faces the client, sfd (connected) the server */
	struct sockaddr_storage cli;
	socklen_t cli_len;
	volatile int stop;
	int (*pass)(const unsigned char *buf, size_t n, int to_server);
	struct timespec ts;
	pthread_t th;
};

/* one datagram with its receive time in @r->ts */
static inline ssize_t qt_relay_recv(struct qt_relay *r, int fd, void *buf,
				    size_t len, struct sockaddr_storage *from,
				    socklen_t *fromlen)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = { .msg_name = from,
			    .msg_namelen = from ? *fromlen : 0,
			    .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c;
	ssize_t n;

	n = recvmsg(fd, &m, 0);
	if (n < 0)
		return n;
	if (from)
		*fromlen = m.msg_namelen;
	clock_gettime(CLOCK_REALTIME, &r->ts);
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS)
			memcpy(&r->ts, CMSG_DATA(c), sizeof(r->ts));
	return n;
}

static inline void *qt_relay_run(void *arg)
{
	static unsigned char buf[65536];
	struct qt_relay *r = arg;
	struct pollfd p[2] = { { .fd = r->rfd, .events = POLLIN },
			       { .fd = r->sfd, .events = POLLIN } };
	ssize_t n;

	while (!r->stop) {
		if (poll(p, 2, 100) <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			r->cli_len = sizeof(r->cli);
			n = qt_relay_recv(r, r->rfd, buf, sizeof(buf),
					  &r->cli, &r->cli_len);
			if (n > 0 && r->pass(buf, (size_t)n, 1))
				send(r->sfd, buf, (size_t)n, 0);
		}
		if (p[1].revents & POLLIN) {
			n = qt_relay_recv(r, r->sfd, buf, sizeof(buf),
					  NULL, NULL);
			if (n > 0 && r->cli_len && r->pass(buf, (size_t)n, 0))
				sendto(r->rfd, buf, (size_t)n, 0,
				       (struct sockaddr *)&r->cli, r->cli_len);
		}
	}
	return NULL;
}

/* The long header packets coalesced in a QUIC v1 datagram, walked: a bit
 * per type in the result (bit 0 Initial, 1 0-RTT, 2 Handshake, 3 Retry;
 * bit 4: a short header packet follows them) and, if @len is given, the
 * Length field of the last packet of each type in len[type] (0 for a type
 * not seen). The type bits and the Length are
 * not header-protected.
 */
static inline int qt_long_types(const unsigned char *p, size_t n,
				uint64_t len[4])
{
	size_t off = 0, i, k;
	unsigned int type;
	uint64_t v, l;
	int types = 0;

	if (len)
		memset(len, 0, 4 * sizeof(*len));
	while (off + 7 <= n && (p[off] & 0x80)) {
		type = (p[off] & 0x30) >> 4;
		types |= 1 << type;
		i = off + 5;
		if (i >= n)
			break;
		i += 1 + p[i];			/* DCID */
		if (i >= n)
			break;
		i += 1 + p[i];			/* SCID */
		if (type == 0) {		/* token */
			if (i >= n)
				break;
			l = p[i] >> 6;
			v = p[i] & 0x3f;
			for (k = 1; k < (1u << l) && i + k < n; k++)
				v = (v << 8) | p[i + k];
			i += (1u << l) + v;
		}
		if (i >= n)
			break;
		l = p[i] >> 6;			/* Length */
		v = p[i] & 0x3f;
		for (k = 1; k < (1u << l) && i + k < n; k++)
			v = (v << 8) | p[i + k];
		if (len)
			len[type] = v;
		off = i + (1u << l) + v;
	}
	if (types && off < n && !(p[off] & 0x80))
		types |= 1 << 4;
	return types;
}

/* the relay's sockets (qt_relay_socks()) and thread; 0, or -1 with errno */
static inline int qt_relay_start(struct qt_relay *r,
				 const struct sockaddr_storage *to,
				 socklen_t tolen, struct sockaddr_storage *at,
				 socklen_t *atlen)
{
	int one = 1;

	if (qt_relay_socks(&r->rfd, &r->sfd, to, tolen, at, atlen) ||
	    setsockopt(r->rfd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) ||
	    setsockopt(r->sfd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)))
		return -1;
	errno = pthread_create(&r->th, NULL, qt_relay_run, r);
	return errno ? -1 : 0;
}

static int qt_server_side(const struct qt_pair *p, int lfd)
{
	int fd, ret;

	qt_side = "server";
	qt_child = 0;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(p->timeout);
	qt_stage = "accept";
	fd = accept(lfd, NULL, NULL);
	if (fd < 0) {
		printf("FAIL %s: server accept: %s\n", p->name, strerror(errno));
		return 1;
	}
	close(lfd);
	qt_stage = "handshake";
	ret = quic_server_handshake(fd, qt_psk, NULL, NULL);
	if (ret) {
		printf("FAIL %s: server handshake: %s\n", p->name, strerror(-ret));
		close(fd);
		return 1;
	}
	qt_stage = "test";
	ret = p->server ? p->server(fd, p->arg) : 0;
	qt_stage = "close";
	close(fd);
	return ret || t_failed ? 1 : 0;
}

/* Runs one case; returns 0 when both sides passed. */
static inline int qt_run(const struct qt_pair *pp)
{
	struct qt_pair p = *pp;
	struct sockaddr_storage ss;
	int lfd = -1, fd = -1, sv[2], ret, st, cli = 1;
	int failed_before = t_failed;
	socklen_t sl;
	pid_t pid;

	if (!p.family)
		p.family = AF_INET;
	if (!p.type)
		p.type = SOCK_DGRAM;
	if (!p.timeout)
		p.timeout = 60;
	qt_case = p.name;
	qt_side = "client";
	qt_stage = "setup";
	fflush(stdout);

	lfd = socket(p.family, p.type, IPPROTO_QUIC);
	if (lfd < 0) {
		printf("FAIL %s: socket(IPPROTO_QUIC): %s\n", p.name, strerror(errno));
		return -1;
	}
	if (p.srv_setup && p.srv_setup(lfd, p.arg)) {
		printf("FAIL %s: server setup: %s\n", p.name, strerror(errno));
		close(lfd);
		return -1;
	}
	sl = qt_loopback(p.family, &ss, 0);
	if (bind(lfd, (struct sockaddr *)&ss, sl) || listen(lfd, 16)) {
		printf("FAIL %s: bind/listen: %s\n", p.name, strerror(errno));
		close(lfd);
		return -1;
	}
	sl = sizeof(ss);
	getsockname(lfd, (struct sockaddr *)&ss, &sl);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv)) {
		printf("FAIL %s: socketpair: %s\n", p.name, strerror(errno));
		close(lfd);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		printf("FAIL %s: fork: %s\n", p.name, strerror(errno));
		close(lfd);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		qt_ctl = sv[1];
		exit(qt_server_side(&p, lfd));
	}
	close(sv[1]);
	qt_ctl = sv[0];
	qt_child = pid;
	close(lfd);
	alarm(p.timeout + 5);

	fd = socket(p.family, p.type, IPPROTO_QUIC);
	if (fd < 0 || (p.cli_setup && p.cli_setup(fd, p.arg))) {
		printf("FAIL %s: client setup: %s\n", p.name, strerror(errno));
		goto wait;
	}
	qt_stage = "connect";
	if (connect(fd, (struct sockaddr *)&ss, sl)) {
		printf("FAIL %s: connect: %s\n", p.name, strerror(errno));
		goto wait;
	}
	qt_stage = "handshake";
	ret = quic_client_handshake(fd, qt_psk, NULL, NULL);
	if (ret) {
		printf("FAIL %s: client handshake: %s\n", p.name, strerror(-ret));
		goto wait;
	}
	qt_stage = "test";
	cli = p.client ? p.client(fd, p.arg) : 0;
wait:
	qt_stage = "waiting for the server to finish";
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	qt_child = 0;
	alarm(0);
	if (fd >= 0)
		close(fd);
	close(qt_ctl);
	qt_ctl = -1;
	if (!WIFEXITED(st)) {
		printf("FAIL %s: the server died of signal %d\n", p.name,
		       WTERMSIG(st));
		return -1;
	}
	return cli || WEXITSTATUS(st) || t_failed != failed_before ? -1 : 0;
}

/* Several connections to one listener (tokens, resumption, 0-RTT) ------- */

/* A listening socket on loopback (@family, any port): @setup(fd, @arg), if
 * given, runs before bind(). The bound address in *@ss / *@sl. Returns the
 * socket, or -1 after a FAIL line "<qt_case>_setup".
 */
static inline int qt_listen(int family, int (*setup)(int fd, void *arg),
			    void *arg, struct sockaddr_storage *ss, socklen_t *sl)
{
	int fd = socket(family, SOCK_DGRAM, IPPROTO_QUIC);

	*sl = qt_loopback(family, ss, 0);
	if (fd < 0 || (setup && setup(fd, arg)) ||
	    bind(fd, (struct sockaddr *)ss, *sl) || listen(fd, 16)) {
		printf("FAIL %s_setup: listener: %s\n", qt_case, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*sl = sizeof(*ss);
	getsockname(fd, (struct sockaddr *)ss, sl);
	return fd;
}

/* Forks the server: it accepts @n connections on @lfd one after another,
 * runs the PSK handshake on each and then @fn(fd, i), and closes it. The
 * child exits 1 when a handshake, a @fn or a check of its failed. In the
 * parent, @lfd is closed and qt_ctl/qt_child lead to the child. Returns the
 * child's pid, or -1.
 */
static inline pid_t qt_serve(int lfd, int n, int (*fn)(int fd, int i),
			     unsigned int timeout)
{
	int sv[2], bad = 0;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) || (pid = fork()) < 0) {
		printf("FAIL %s_setup: %s\n", qt_case, strerror(errno));
		close(lfd);
		return -1;
	}
	if (pid) {
		close(sv[1]);
		close(lfd);
		qt_ctl = sv[0];
		qt_child = pid;
		return pid;
	}
	close(sv[0]);
	qt_ctl = sv[1];
	qt_side = "server";
	qt_child = 0;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(timeout);
	for (int i = 0; i < n && !bad; i++) {
		int fd, ret;

		qt_stage = "accept";
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			printf("FAIL %s_accept: %s\n", qt_case, strerror(errno));
			exit(1);
		}
		qt_stage = "handshake";
		ret = quic_server_handshake(fd, qt_psk, NULL, NULL);
		if (ret) {
			printf("FAIL %s_server_handshake: connection %d: %s\n",
			       qt_case, i, strerror(-ret));
			exit(1);
		}
		qt_stage = "test";
		bad = fn(fd, i) != 0;
		close(fd);
	}
	exit(bad || t_failed ? 1 : 0);
}

/* A listener on IPv4 loopback (@setup as in qt_listen()) behind the relay
 * @r (its pass() set by the caller), and the server of qt_serve() on it for
 * one connection running @fn. The client connects to *@at. Returns the
 * server's pid, or -1 after a FAIL line "<qt_case>_setup".
 */
static inline pid_t qt_relay_serve(struct qt_relay *r,
				   int (*setup)(int fd, void *arg),
				   int (*fn)(int fd, int i),
				   struct sockaddr_storage *at, socklen_t *atlen)
{
	struct sockaddr_storage sa;
	socklen_t sla;
	int lfd = qt_listen(AF_INET, setup, NULL, &sa, &sla);

	if (lfd < 0)
		return -1;
	if (qt_relay_start(r, &sa, sla, at, atlen)) {
		printf("FAIL %s_setup: relay: %s\n", qt_case, strerror(errno));
		close(lfd);
		return -1;
	}
	return qt_serve(lfd, 1, fn, 60);
}

/* Waits for the server of qt_serve(); 0 when it exited 0. */
static inline int qt_serve_wait(pid_t pid)
{
	int st = 0;

	qt_stage = "waiting for the server to finish";
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	qt_child = 0;
	return WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
}

/* A client connection to @ss: a socket of its family, @setup(fd, @arg) if
 * given, connect() and the PSK handshake, whose result goes to *@hret.
 * Returns the socket (also when the handshake failed), or -1 after a FAIL
 * line "<qt_case>_client_setup" / "<qt_case>_connect".
 */
static inline int qt_connect(const struct sockaddr_storage *ss, socklen_t sl,
			     int (*setup)(int fd, void *arg), void *arg,
			     int *hret)
{
	int fd = socket(ss->ss_family, SOCK_DGRAM, IPPROTO_QUIC);

	if (fd < 0 || (setup && setup(fd, arg))) {
		printf("FAIL %s_client_setup: %s\n", qt_case, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	qt_stage = "connect";
	if (connect(fd, (const struct sockaddr *)ss, sl)) {
		printf("FAIL %s_connect: %s\n", qt_case, strerror(errno));
		close(fd);
		return -1;
	}
	qt_stage = "handshake";
	*hret = quic_client_handshake(fd, qt_psk, NULL, NULL);
	return fd;
}

/* A relay test's start: qt_init(), @r with @pass in front of a server
 * running @fn, and a client connection through the relay, its handshake's
 * result in *@hret. Returns the server's pid, the client socket (or -1) in
 * *@fd; -1 if the relay or the server could not start.
 */
static inline pid_t qt_relay_begin(struct qt_relay *r, const char *name,
				   int (*pass)(const unsigned char *buf,
					       size_t n, int to_server),
				   int (*fn)(int fd, int i), int *fd, int *hret)
{
	struct sockaddr_storage sr;
	socklen_t slr;
	pid_t pid;

	*fd = -1;
	if (qt_init())
		return -1;
	qt_case = name;
	r->pass = pass;
	pid = qt_relay_serve(r, NULL, fn, &sr, &slr);
	if (pid >= 0)
		*fd = qt_connect(&sr, slr, NULL, NULL, hret);
	return pid;
}

/* A relay test's end: the client socket @fd closed, the relay stopped;
 * returns the test's exit code
 */
static inline int qt_relay_end(struct qt_relay *r, int fd)
{
	if (fd >= 0)
		close(fd);
	r->stop = 1;
	pthread_join(r->th, NULL);
	qt_done();
	return t_exit();
}

/* QUIC sockets of this namespace listed in /proc/net/quic/sks (a closed
 * connection stays in its closing period), -1 without the file
 */
static inline int qt_socks(void)
{
	FILE *f = fopen("/proc/net/quic/sks", "r");
	char line[512];
	int n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/* connections of this namespace (not listeners) on local port @port in
 * /proc/net/quic/sks, closing ones included; -1 without the file
 */
static inline int qt_socks_port(unsigned int port)
{
	FILE *f = fopen("/proc/net/quic/sks", "r");
	char line[512], local[64], type[8], family[8], state[16], *c;
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %7s %7s %15s", local, type, family,
			   state) != 4 || !strcmp(state, "LISTENING"))
			continue;
		c = strrchr(local, ':');
		if (c && strtoul(c + 1, NULL, 10) == port)
			n++;
	}
	fclose(f);
	return n;
}

/* A counter of /proc/net/quic/snmp, or -1 when there is none. */
static inline long qt_snmp(const char *name)
{
	FILE *f = fopen("/proc/net/quic/snmp", "r");
	char line[256], key[128];
	long v = -1, x;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %ld", key, &x) == 2 && !strcmp(key, name))
			v = x;
	fclose(f);
	return v;
}

/* Watching the wire on lo (root): a packet socket --------------------- */

/* A capture of the IPv4 packets that pass lo from now on, with a large
 * buffer (read it after the traffic); the socket or -1.
 */
static inline int qt_lo_capture(void)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IP) };
	int sz = 32 << 20;
	int fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));

	if (fd < 0)
		return -1;
	ll.sll_ifindex = (int)if_nametoindex("lo");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	if (!ll.sll_ifindex || bind(fd, (struct sockaddr *)&ll, sizeof(ll))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The next UDP datagram queued on capture @fd (read into @buf): its ports
 * in *@sport / *@dport, its payload in *@data / *@len (a UDP GSO batch is
 * one large datagram here). 1, or 0 when nothing is queued.
 */
static inline int qt_lo_next(int fd, unsigned char *buf, size_t size,
			     uint16_t *sport, uint16_t *dport,
			     const unsigned char **data, size_t *len)
{
	for (;;) {
		ssize_t n = recv(fd, buf, size, MSG_DONTWAIT);
		const struct iphdr *ip = (const void *)buf;
		const struct udphdr *uh;
		size_t hl;

		if (n < 0)
			return 0;
		if ((size_t)n < sizeof(*ip) || ip->protocol != IPPROTO_UDP)
			continue;
		hl = (size_t)ip->ihl * 4;
		if ((size_t)n < hl + sizeof(*uh))
			continue;
		uh = (const void *)(buf + hl);
		*sport = ntohs(uh->source);
		*dport = ntohs(uh->dest);
		*data = buf + hl + sizeof(*uh);
		*len = (size_t)n - hl - sizeof(*uh);
		return 1;
	}
}

/* a stream ID: @n-th stream of a type (client/server, bidi/uni) */
static inline int64_t qt_sid(int server, int uni, uint64_t n)
{
	return (int64_t)((n << 2) | (uni ? QUIC_STREAM_TYPE_UNI_MASK : 0) |
			 (server ? QUIC_STREAM_TYPE_SERVER_MASK : 0));
}

#endif
