// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tools/h3/h3_common.c: the HTTP/3-over-kernel-QUIC glue quic-h3-client and
 * quic-h3-server share (see h3_common.h): stream opening, the nghttp3 read
 * and write loop over quic_recvmsg()/sendmsg(), messages and addresses.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "h3_common.h"

#define H3_RBUF_SIZE	65536
#define H3_NVEC		16
#define H3_READS_MAX	256	/* recvmsg() calls per round before writing again */
#define H3_THROTTLE_MS	10

const char *h3_prog = "h3";

void h3_msg(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fflush(stdout);
	fprintf(stderr, "%s: %s\n", h3_prog, line);
}

const char *h3_errstr(int err)
{
	static char buf[160];
	const char *name = strerrorname_np(err);

	if (name)
		snprintf(buf, sizeof(buf), "%s (%s)", name, strerror(err));
	else
		snprintf(buf, sizeof(buf), "errno %d (%s)", err, strerror(err));
	return buf;
}

static char h3_libquic_msg[512];
bool h3_libquic_resumed;
bool h3_libquic_early;

static void h3_libquic_log(int level, const char *msg)
{
	/* libquic's debug line "TLS handshake completed as ..., resumed" */
	if (!strncmp(msg, "TLS handshake completed", 23)) {
		h3_libquic_resumed = strstr(msg, ", resumed") != NULL;
		h3_libquic_early = strstr(msg, ", early data accepted") != NULL;
	}
	/* why early data was refused, and the like: for the logs */
	if (level == LOG_NOTICE || level == LOG_WARNING)
		fprintf(stderr, "libquic: %s\n", msg);
	if (level > LOG_ERR || h3_libquic_msg[0])
		return;
	snprintf(h3_libquic_msg, sizeof(h3_libquic_msg), "%s", msg);
}

void h3_libquic_capture(void)
{
	quic_set_log_func(h3_libquic_log);
	quic_set_log_level(LOG_DEBUG);
}

void h3_libquic_reset(void)
{
	h3_libquic_msg[0] = '\0';
}

const char *h3_libquic_error(void)
{
	return h3_libquic_msg;
}

static char h3_alarm_line[512];
static size_t h3_alarm_len;

static void h3_alarm_fired(int sig)
{
	ssize_t r;

	(void)sig;
	r = write(STDERR_FILENO, h3_alarm_line, h3_alarm_len);
	(void)r;
	_exit(H3_EXIT_FAIL);
}

void h3_alarm(unsigned int seconds, const char *what)
{
	struct sigaction sa;
	int n;

	if (!seconds) {
		alarm(0);
		return;
	}
	n = snprintf(h3_alarm_line, sizeof(h3_alarm_line), "%s: %s timed out after %u s (%s)\n",
		     h3_prog, what, seconds, h3_errstr(ETIMEDOUT));
	if (n < 0)
		n = 0;
	h3_alarm_len = (size_t)n < sizeof(h3_alarm_line) ? (size_t)n : sizeof(h3_alarm_line) - 1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h3_alarm_fired;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(seconds);
}

int h3_addr_from_literal(const char *host, uint16_t port, struct sockaddr_storage *ss,
			 socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	return -EINVAL;
}

bool h3_is_ip_literal(const char *host)
{
	struct sockaddr_storage ss;
	socklen_t len;

	return !h3_addr_from_literal(host, 0, &ss, &len);
}

const char *h3_addr_str(const struct sockaddr *sa, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, ntohs(sin->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, ntohs(sin6->sin6_port));
	} else {
		snprintf(buf, len, "(address family %d)", sa->sa_family);
	}
	return buf;
}

uint32_t h3_quic_version;	/* 0: the module's default (v1) */
bool h3_quic_retry;		/* servers: validate addresses with Retry */

int h3_quic_socket(int family)
{
	int fd = socket(family, SOCK_DGRAM, IPPROTO_QUIC);
	struct quic_config cfg;
	socklen_t len = sizeof(cfg);
	int err;

	if (fd < 0)
		return -errno;
	if (!h3_quic_version && !h3_quic_retry)
		return fd;
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, &len))
		goto fail;
	if (h3_quic_version)
		cfg.version = h3_quic_version;
	if (h3_quic_retry)
		cfg.validate_peer_address = 1;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, sizeof(cfg)))
		goto fail;
	return fd;
fail:
	err = errno;
	close(fd);
	return -err;
}

void h3_socket_failed(int err)
{
	if (err == EPROTONOSUPPORT || err == EAFNOSUPPORT)
		h3_msg("QUIC is not available: load the quic module (socket: %s)",
		       h3_errstr(err));
	else
		h3_msg("cannot create a QUIC socket: %s", h3_errstr(err));
}

int64_t h3_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *h3_error_name(uint64_t code)
{
	static const struct {
		uint64_t code;
		const char *name;
	} names[] = {
		{ 0x100, "H3_NO_ERROR" },
		{ 0x101, "H3_GENERAL_PROTOCOL_ERROR" },
		{ 0x102, "H3_INTERNAL_ERROR" },
		{ 0x103, "H3_STREAM_CREATION_ERROR" },
		{ 0x104, "H3_CLOSED_CRITICAL_STREAM" },
		{ 0x105, "H3_FRAME_UNEXPECTED" },
		{ 0x106, "H3_FRAME_ERROR" },
		{ 0x107, "H3_EXCESSIVE_LOAD" },
		{ 0x108, "H3_ID_ERROR" },
		{ 0x109, "H3_SETTINGS_ERROR" },
		{ 0x10a, "H3_MISSING_SETTINGS" },
		{ 0x10b, "H3_REQUEST_REJECTED" },
		{ 0x10c, "H3_REQUEST_CANCELLED" },
		{ 0x10d, "H3_REQUEST_INCOMPLETE" },
		{ 0x10e, "H3_MESSAGE_ERROR" },
		{ 0x10f, "H3_CONNECT_ERROR" },
		{ 0x110, "H3_VERSION_FALLBACK" },
		{ 0x200, "QPACK_DECOMPRESSION_FAILED" },
		{ 0x201, "QPACK_ENCODER_STREAM_ERROR" },
		{ 0x202, "QPACK_DECODER_STREAM_ERROR" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			return names[i].name;
	return NULL;
}

/* small sets of stream ids */

static bool sidset_has(const struct h3_sidset *s, int64_t id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->ids[i] == id)
			return true;
	return false;
}

static int sidset_add(struct h3_sidset *s, int64_t id)
{
	if (sidset_has(s, id))
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		int64_t *ids = realloc(s->ids, cap * sizeof(*ids));

		if (!ids)
			return -ENOMEM;
		s->ids = ids;
		s->cap = cap;
	}
	s->ids[s->n++] = id;
	return 0;
}

static void sidset_del(struct h3_sidset *s, int64_t id)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (s->ids[i] == id) {
			s->ids[i] = s->ids[--s->n];
			return;
		}
	}
}

static bool sid_is_uni(int64_t id)
{
	return id & QUIC_STREAM_TYPE_UNI_MASK;
}

static struct h3_bidi *bidi_get(struct h3_conn *h, int64_t id)
{
	size_t i;

	for (i = 0; i < h->nbidi; i++)
		if (h->bidi[i].id == id)
			return &h->bidi[i];
	if (h->nbidi == h->capbidi) {
		size_t cap = h->capbidi ? h->capbidi * 2 : 16;
		struct h3_bidi *b = realloc(h->bidi, cap * sizeof(*b));

		if (!b)
			return NULL;
		h->bidi = b;
		h->capbidi = cap;
	}
	h->bidi[h->nbidi] = (struct h3_bidi){ .id = id };
	return &h->bidi[h->nbidi++];
}

static void bidi_del(struct h3_conn *h, int64_t id)
{
	size_t i;

	for (i = 0; i < h->nbidi; i++) {
		if (h->bidi[i].id == id) {
			h->bidi[i] = h->bidi[--h->nbidi];
			return;
		}
	}
}

static int h3_fail(struct h3_conn *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int h3_fail(struct h3_conn *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->err, sizeof(h->err), fmt, ap);
	va_end(ap);
	if (!h->fail_code)
		h->fail_code = NGHTTP3_H3_INTERNAL_ERROR;
	return -1;
}

static void h3_enable_event(struct h3_conn *h, uint8_t type)
{
	struct quic_event_option opt = { .type = type, .on = 1 };

	/* best effort: without events, resets and the peer's close reason
	 * are not seen, the rest works
	 */
	if (setsockopt(h->fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &opt, sizeof(opt)))
		return;
}

int h3_conn_init(struct h3_conn *h, int fd, bool server)
{
	int fl;

	memset(h, 0, sizeof(*h));
	h->fd = fd;
	h->server = server;
	h->next_local[0] = server ? 1 : 0;
	h->next_local[1] = server ? 3 : 2;
	h->ctrl_sid = -1;
	h->rbuf = malloc(H3_RBUF_SIZE);
	if (!h->rbuf)
		return h3_fail(h, "out of memory");
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return h3_fail(h, "cannot make the socket non-blocking: %s", h3_errstr(errno));
	h3_enable_event(h, QUIC_EVENT_STREAM_UPDATE);
	h3_enable_event(h, QUIC_EVENT_CONNECTION_CLOSE);
	h3_enable_event(h, QUIC_EVENT_KEY_UPDATE);
	h3_enable_event(h, QUIC_EVENT_CONNECTION_MIGRATION);
	return 0;
}

void h3_conn_free(struct h3_conn *h)
{
	if (h->conn)
		nghttp3_conn_del(h->conn);
	h->conn = NULL;
	free(h->rbuf);
	free(h->fresh.ids);
	free(h->blocked.ids);
	free(h->bidi);
	h->rbuf = NULL;
	h->fresh.ids = h->blocked.ids = NULL;
	h->bidi = NULL;
}

int h3_open_stream(struct h3_conn *h, bool uni, int64_t *sid)
{
	uint32_t flags = (uni ? MSG_QUIC_STREAM_UNI : 0) | MSG_QUIC_STREAM_DONTWAIT;

	while (!h->legacy_open) {
		struct quic_stream_info info = { .stream_id = -1, .stream_flags = flags };
		socklen_t len = sizeof(info);

		if (!getsockopt(h->fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_OPEN, &info, &len)) {
			*sid = info.stream_id;
			return 0;
		}
		if (errno == EINVAL && (flags & MSG_QUIC_STREAM_DONTWAIT)) {
			/* a kernel that does not take DONTWAIT here */
			flags &= ~(uint32_t)MSG_QUIC_STREAM_DONTWAIT;
			continue;
		}
		if (errno == EWOULDBLOCK)
			return -EAGAIN;
		if (errno != ENOPROTOOPT && errno != EOPNOTSUPP)
			return -errno;
		h->legacy_open = true;
	}
	if (sidset_add(&h->fresh, h->next_local[uni]))
		return -ENOMEM;
	*sid = h->next_local[uni];
	h->next_local[uni] += 4;
	return 0;
}

int h3_bind_streams(struct h3_conn *h)
{
	int64_t ctrl, enc, dec;
	int rv;

	if ((rv = h3_open_stream(h, true, &ctrl)) || (rv = h3_open_stream(h, true, &enc)) ||
	    (rv = h3_open_stream(h, true, &dec))) {
		h->fail_errno = -rv;
		return h3_fail(h, "cannot open the HTTP/3 control and QPACK streams: %s",
			       h3_errstr(-rv));
	}
	h->ctrl_sid = ctrl;
	rv = nghttp3_conn_bind_control_stream(h->conn, ctrl);
	if (!rv)
		rv = nghttp3_conn_bind_qpack_streams(h->conn, enc, dec);
	if (rv)
		return h3_fail(h, "nghttp3: cannot bind the control and QPACK streams: %s",
			       nghttp3_strerror(rv));
	return 0;
}

/* sendmsg() of @cnt vectors on stream @sid; the stream flags go both in
 * the QUIC_STREAM_INFO cmsg and in the flags argument, as quic_sendmsg()
 * does.
 */
static ssize_t h3_sendv(int fd, const nghttp3_vec *vec, size_t cnt, int64_t sid, uint32_t flags)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct quic_stream_info))];
	} control;
	struct quic_stream_info info = { .stream_id = sid, .stream_flags = flags };
	struct iovec iov[H3_NVEC];
	struct msghdr msg;
	struct cmsghdr *cmsg;
	size_t i;

	for (i = 0; i < cnt && i < H3_NVEC; i++) {
		iov[i].iov_base = vec[i].base;
		iov[i].iov_len = vec[i].len;
	}
	memset(&msg, 0, sizeof(msg));
	memset(&control, 0, sizeof(control));
	msg.msg_iov = iov;
	msg.msg_iovlen = i;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_QUIC;
	cmsg->cmsg_type = QUIC_STREAM_INFO;
	cmsg->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(cmsg), &info, sizeof(info));
	return sendmsg(fd, &msg, (int)flags);
}

/* The send side of request stream @sid cannot go on (flow control or a
 * full send buffer): nghttp3 skips it until h3_unblock_all().
 */
static int h3_block(struct h3_conn *h, int64_t sid)
{
	h->want_write = true;
	if (sid_is_uni(sid))
		return 0;
	nghttp3_conn_block_stream(h->conn, sid);
	if (sidset_add(&h->blocked, sid))
		return h3_fail(h, "out of memory");
	return 0;
}

static int h3_unblock_all(struct h3_conn *h)
{
	size_t i;
	int rv;

	for (i = 0; i < h->blocked.n; i++) {
		rv = nghttp3_conn_unblock_stream(h->conn, h->blocked.ids[i]);
		if (rv && rv != NGHTTP3_ERR_STREAM_NOT_FOUND)
			return h3_fail(h, "nghttp3: cannot unblock stream %lld: %s",
				       (long long)h->blocked.ids[i], nghttp3_strerror(rv));
	}
	h->blocked.n = 0;
	h->want_write = false;
	return 0;
}

/* Write everything nghttp3 has until it has nothing or the socket is full.
 * *progress is set if bytes (or a FIN) went out.
 */
static int h3_write(struct h3_conn *h, bool *progress)
{
	for (;;) {
		nghttp3_vec vec[H3_NVEC];
		int64_t sid = -1;
		int fin = 0, rv;
		nghttp3_ssize cnt;
		uint32_t flags;
		size_t total = 0, i;
		ssize_t n;
		bool uni;

		cnt = nghttp3_conn_writev_stream(h->conn, &sid, &fin, vec, H3_NVEC);
		if (cnt < 0)
			return h3_fail(h, "nghttp3: cannot produce stream data: %s",
				       nghttp3_strerror((int)cnt));
		if (sid < 0)
			return 0;
		for (i = 0; i < (size_t)cnt; i++)
			total += vec[i].len;
		uni = sid_is_uni(sid);
		flags = fin ? MSG_QUIC_STREAM_FIN : 0;
		if (h->legacy_open && sidset_has(&h->fresh, sid))
			flags |= MSG_QUIC_STREAM_NEW | (uni ? MSG_QUIC_STREAM_UNI : 0);
		n = h3_sendv(h->fd, vec, (size_t)cnt, sid, flags);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (h3_block(h, sid))
					return -1;
				if (uni)	/* nghttp3 offers it first again */
					return 0;
				continue;
			}
			if (uni)
				return h3_fail(h, "sending on HTTP/3 %s stream %lld: %s",
					       sid == h->ctrl_sid ? "control" : "QPACK",
					       (long long)sid, h3_errstr(errno));
			/* this request stream is unusable; the connection may
			 * be too: recvmsg() tells
			 */
			nghttp3_conn_shutdown_stream_write(h->conn, sid);
			continue;
		}
		if ((size_t)n > total)
			return h3_fail(h, "sendmsg on stream %lld returned %zd for %zu bytes",
				       (long long)sid, n, total);
		if (n == 0 && total) {
			if (h3_block(h, sid))
				return -1;
			if (uni)
				return 0;
			continue;
		}
		*progress = true;
		sidset_del(&h->fresh, sid);
		rv = nghttp3_conn_add_write_offset(h->conn, sid, (size_t)n);
		/* queued in the kernel, which retransmits it: as good as acked */
		if (!rv)
			rv = nghttp3_conn_add_ack_offset(h->conn, sid, (uint64_t)n);
		if (rv)
			return h3_fail(h, "nghttp3: stream %lld: %s", (long long)sid,
				       nghttp3_strerror(rv));
		if ((size_t)n < total) {
			/* a partial write carries no FIN; the rest comes later */
			if (h3_block(h, sid))
				return -1;
			if (uni)
				return 0;
			continue;
		}
		if (fin && !uni) {
			struct h3_bidi *b = bidi_get(h, sid);

			if (!b)
				return h3_fail(h, "out of memory");
			b->fin_sent = true;
		}
	}
}

/* The peer reset its side of stream @sid (a STREAM_UPDATE event). */
static int h3_peer_reset(struct h3_conn *h, int64_t sid, uint32_t errcode)
{
	struct h3_bidi *b = NULL;
	size_t i;
	int rv;

	nghttp3_conn_shutdown_stream_read(h->conn, sid);
	if (!sid_is_uni(sid)) {
		for (i = 0; i < h->nbidi; i++)
			if (h->bidi[i].id == sid)
				b = &h->bidi[i];
		if (!b || !b->fin_sent) {
			struct quic_errinfo info = { .stream_id = sid,
						     .errcode = NGHTTP3_H3_REQUEST_CANCELLED };

			setsockopt(h->fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_RESET, &info, sizeof(info));
		}
		bidi_del(h, sid);
		sidset_del(&h->blocked, sid);
	}
	rv = nghttp3_conn_close_stream(h->conn, sid, errcode);
	if (rv && rv != NGHTTP3_ERR_STREAM_NOT_FOUND)
		return h3_fail(h, "the peer reset HTTP/3 stream %lld (error 0x%x): %s",
			       (long long)sid, errcode, nghttp3_strerror(rv));
	return 0;
}

static int h3_event(struct h3_conn *h, const uint8_t *p, size_t len)
{
	union quic_event ev;

	if (!len)
		return 0;
	memset(&ev, 0, sizeof(ev));
	memcpy(&ev, p + 1, len - 1 < sizeof(ev) ? len - 1 : sizeof(ev));
	switch (p[0]) {
	case QUIC_EVENT_STREAM_UPDATE:
		if (ev.update.state == QUIC_STREAM_RECV_STATE_RESET_RECVD)
			return h3_peer_reset(h, ev.update.id, ev.update.errcode);
		if (ev.update.state == QUIC_STREAM_SEND_STATE_RESET_SENT ||
		    ev.update.state == QUIC_STREAM_SEND_STATE_RESET_RECVD)
			nghttp3_conn_shutdown_stream_write(h->conn, ev.update.id);
		return 0;
	case QUIC_EVENT_CONNECTION_CLOSE:
		h->peer_close = true;
		h->peer_errcode = ev.close.errcode;
		memcpy(h->peer_phrase, ev.close.phrase, sizeof(ev.close.phrase));
		h->peer_phrase[sizeof(h->peer_phrase) - 1] = '\0';
		return 0;
	case QUIC_EVENT_KEY_UPDATE:
		h->key_phases++;
		return 0;
	case QUIC_EVENT_NEW_SESSION_TICKET:
		if (h->on_ticket)
			h->on_ticket(h, p + 1, len - 1);
		return 0;
	case QUIC_EVENT_CONNECTION_MIGRATION:
		h->migrations++;
		return 0;
	default:
		return 0;
	}
}

static bool h3_errno_closed(int err)
{
	return err == ECONNRESET || err == ENOTCONN || err == EPIPE || err == ECONNABORTED ||
	       err == ETIMEDOUT || err == ESHUTDOWN || err == ECONNREFUSED ||
	       err == EHOSTUNREACH || err == ENETUNREACH;
}

/* Feed every stream chunk the kernel has to nghttp3. */
static int h3_read(struct h3_conn *h, bool *progress)
{
	int i;

	for (i = 0; i < H3_READS_MAX; i++) {
		int64_t sid = -1;
		uint32_t flags = 0;
		nghttp3_ssize rv;
		ssize_t n;
		int fin;

		n = quic_recvmsg(h->fd, h->rbuf, H3_RBUF_SIZE, &sid, &flags);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (h3_errno_closed(errno)) {
				h->closed = true;
				h->close_errno = errno;
				return 0;
			}
			return h3_fail(h, "recvmsg: %s", h3_errstr(errno));
		}
		*progress = true;
		if (flags & MSG_QUIC_NOTIFICATION) {
			if (h3_event(h, h->rbuf, (size_t)n))
				return -1;
			continue;
		}
		if (flags & MSG_QUIC_DATAGRAM)
			continue;
		fin = !!(flags & MSG_QUIC_STREAM_FIN);
		if (sid < 0) {
			if (n == 0 && !fin) {	/* end of file: the connection is over */
				h->closed = true;
				h->close_errno = 0;
				return 0;
			}
			continue;
		}
		if (!n && !fin)
			continue;
		h->rbytes += (uint64_t)n;
		rv = nghttp3_conn_read_stream(h->conn, sid, h->rbuf, (size_t)n, fin);
		if (rv < 0) {
			h->fail_code = nghttp3_err_infer_quic_app_error_code((int)rv);
			return h3_fail(h, "HTTP/3 error on stream %lld: %s", (long long)sid,
				       nghttp3_strerror((int)rv));
		}
		if (fin && !sid_is_uni(sid)) {
			struct h3_bidi *b = bidi_get(h, sid);

			if (!b)
				return h3_fail(h, "out of memory");
			b->fin_recv = true;
		}
	}
	return 0;
}

/* Both directions of a request stream ended: nghttp3 forgets it (and
 * calls stream_close).
 */
static int h3_close_finished(struct h3_conn *h)
{
	size_t i = 0;
	int rv;

	while (i < h->nbidi) {
		int64_t sid = h->bidi[i].id;

		if (!h->bidi[i].fin_sent || !h->bidi[i].fin_recv) {
			i++;
			continue;
		}
		bidi_del(h, sid);
		rv = nghttp3_conn_close_stream(h->conn, sid, NGHTTP3_H3_NO_ERROR);
		if (rv && rv != NGHTTP3_ERR_STREAM_NOT_FOUND)
			return h3_fail(h, "nghttp3: cannot close stream %lld: %s",
				       (long long)sid, nghttp3_strerror(rv));
	}
	return 0;
}

int h3_io(struct h3_conn *h, int timeout_ms)
{
	struct pollfd pfd = { .fd = h->fd, .events = POLLIN };
	bool progress = false, woke = false, wrote = false;
	int r;

	if (h3_write(h, &progress) || h3_close_finished(h))
		return -1;
	if (h->closed)
		return 1;
	if (h->want_write) {
		if (h->throttle)
			timeout_ms = timeout_ms < 0 || timeout_ms > H3_THROTTLE_MS ?
				     H3_THROTTLE_MS : timeout_ms;
		else
			pfd.events |= POLLOUT;
	}
	if (progress)
		timeout_ms = 0;
	if (h->no_read)
		pfd.events &= (short)~POLLIN;
	r = poll(&pfd, 1, timeout_ms);
	if (r < 0) {
		if (errno == EINTR)
			return progress;
		return h3_fail(h, "poll: %s", h3_errstr(errno));
	}
	if (h->want_write && (h->throttle || (pfd.revents & POLLOUT))) {
		if (h3_unblock_all(h))
			return -1;
		woke = true;
	}
	if (!h->no_read && (pfd.revents & (POLLIN | POLLERR | POLLHUP))) {
		bool got = false;

		if (h3_read(h, &got))
			return -1;
		progress |= got;
		if (!got && !h->closed && (pfd.revents & (POLLERR | POLLHUP))) {
			int soerr = 0;
			socklen_t len = sizeof(soerr);

			getsockopt(h->fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
			h->closed = true;
			h->close_errno = soerr;
		}
	}
	if (h->closed)
		return 1;
	if (h3_write(h, &wrote) || h3_close_finished(h))
		return -1;
	if (woke)	/* POLLOUT said yes but nothing moved: poll on a timer */
		h->throttle = !wrote && h->want_write;
	return progress || wrote;
}

void h3_close(struct h3_conn *h, uint64_t errcode, const char *phrase)
{
	struct quic_connection_close close_info;

	if (h->fd < 0)
		return;
	memset(&close_info, 0, sizeof(close_info));
	close_info.errcode = (uint32_t)errcode;
	if (phrase)
		snprintf((char *)close_info.phrase, sizeof(close_info.phrase), "%s", phrase);
	if (!h->closed)
		setsockopt(h->fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &close_info,
			   sizeof(close_info));
	close(h->fd);
	h->fd = -1;
}

const char *h3_close_reason(struct h3_conn *h)
{
	static char buf[256];

	if (h->peer_close) {
		const char *name = h3_error_name(h->peer_errcode);

		snprintf(buf, sizeof(buf), "closed by the peer with error 0x%x%s%s%s%s%s",
			 h->peer_errcode, name ? " (" : "", name ? name : "", name ? ")" : "",
			 h->peer_phrase[0] ? ": " : "", h->peer_phrase);
	} else if (h->close_errno) {
		snprintf(buf, sizeof(buf), "connection closed: %s", h3_errstr(h->close_errno));
	} else {
		snprintf(buf, sizeof(buf), "connection closed by the peer");
	}
	return buf;
}

int h3_cb_stop_sending(nghttp3_conn *conn, int64_t stream_id, uint64_t app_error_code,
		       void *conn_user_data, void *stream_user_data)
{
	struct h3_conn *h = conn_user_data;
	struct quic_errinfo info = { .stream_id = stream_id, .errcode = (uint32_t)app_error_code };

	(void)conn;
	(void)stream_user_data;
	setsockopt(h->fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_STOP_SENDING, &info, sizeof(info));
	return 0;
}

int h3_cb_reset_stream(nghttp3_conn *conn, int64_t stream_id, uint64_t app_error_code,
		       void *conn_user_data, void *stream_user_data)
{
	struct h3_conn *h = conn_user_data;
	struct quic_errinfo info = { .stream_id = stream_id, .errcode = (uint32_t)app_error_code };

	(void)conn;
	(void)stream_user_data;
	setsockopt(h->fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_RESET, &info, sizeof(info));
	return 0;
}
