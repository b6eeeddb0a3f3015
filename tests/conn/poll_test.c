// SPDX-License-Identifier: GPL-2.0-or-later
/* Readiness and blocking on a connected socket, seen from the client:
 *
 *   epoll_out_established      EPOLLOUT once the handshake is done
 *   epoll_no_in_before_data    no EPOLLIN while nothing waits
 *   epoll_in_on_data           EPOLLIN within 5 s after the server sent data
 *   epoll_in_cleared_after_read no EPOLLIN once it was all read
 *   epoll_in_on_event          EPOLLIN for a STREAM_UPDATE event (the server
 *                              resets a stream; events enabled)
 *   epoll_in_on_datagram       EPOLLIN for a datagram (datagrams enabled)
 *   rcvtimeo_eagain            SO_RCVTIMEO 300 ms, nothing to read: EAGAIN
 *                              after >= 250 ms
 *   recv_eintr                 SIGALRM (handler, no SA_RESTART) interrupts a
 *                              blocking recvmsg: EINTR
 *   epoll_out_cleared_when_full non-blocking sends until EAGAIN (the server
 *                              does not read): EPOLLOUT is then clear
 *   epoll_out_after_peer_reads EPOLLOUT within 10 s once the server reads
 *   poll_data_intact           the server read all of it, in order, to FIN
 */
#include <sys/epoll.h>

#include "conn.h"

static char err[256];

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int enable_dgram(int fd, void *arg)
{
	struct quic_transport_param tp;

	(void)arg;
	if (qt_get_tp(fd, &tp))
		return -1;
	tp.max_datagram_frame_size = 1200;
	return qt_set_tp(fd, &tp);
}

/* the epoll events of @fd now, or after up to @ms when @want is not there */
static uint32_t ep_events(int ep, uint32_t want, int ms)
{
	struct epoll_event ev;
	int64_t end = now_ms() + ms;
	int n;

	for (;;) {
		int left = (int)(end - now_ms());

		n = epoll_wait(ep, &ev, 1, left > 0 ? left : 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		if ((ev.events & want) || left <= 0)
			return ev.events;
		usleep(10000);	/* level-triggered: it is reported again */
	}
}

static void on_intr(int sig)
{
	(void)sig;
}

static void test_eintr(int fd)
{
	struct sigaction sa, old;
	struct timeval tv = { 0, 0 };
	unsigned int left;
	unsigned char buf[16];
	struct qt_rcv r;
	ssize_t n;
	int e;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_intr;	/* no SA_RESTART */
	left = alarm(0);
	sigaction(SIGALRM, &sa, &old);
	alarm(1);
	errno = 0;
	n = qt_recv(fd, buf, sizeof(buf), 0, &r);
	e = errno;
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	alarm(left > 1 ? left - 1 : 1);
	t_result(n == -1 && e == EINTR, "recv_eintr",
		 "blocking recvmsg with a signal: %zd (%s), expected EINTR", n,
		 n < 0 ? strerror(e) : "data");
}

/* read all that waits; whether one read had @flag in msg_flags */
static int drain_has(int fd, unsigned char *buf, size_t len, int flag)
{
	struct qt_rcv r;
	int has = 0;

	while (qt_recv(fd, buf, len, MSG_DONTWAIT, &r) > 0)
		has |= !!(r.mflags & flag);
	return has;
}

static int client(int fd, void *arg)
{
	static unsigned char buf[65536];
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT };
	struct timeval tv = { 0, 300000 };
	uint64_t off = 0;
	struct qt_rcv r;
	uint32_t e;
	int64_t t0;
	ssize_t n;
	int ep;

	(void)arg;
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)) {
		t_result(0, "epoll_setup", "%s", strerror(errno));
		return -1;
	}
	qt_event_enable(fd, QUIC_EVENT_STREAM_UPDATE, 1);
	e = ep_events(ep, EPOLLOUT, 2000);
	t_result(e & EPOLLOUT, "epoll_out_established", "events 0x%x", e);
	/* drain what the handshake may have left (TLS post-handshake data) */
	qt_nonblock(fd, 1);
	while (qt_recv(fd, buf, sizeof(buf), 0, &r) > 0 && r.sid < 0)
		;
	qt_nonblock(fd, 0);
	e = ep_events(ep, EPOLLIN, 300);
	t_result(!(e & EPOLLIN), "epoll_no_in_before_data", "EPOLLIN with nothing sent (events 0x%x)", e);

	/* stream data */
	qt_tell('1');
	e = ep_events(ep, EPOLLIN, 5000);
	t_result(e & EPOLLIN, "epoll_in_on_data", "no EPOLLIN within 5 s (events 0x%x)", e);
	n = qt_recv(fd, buf, sizeof(buf), MSG_DONTWAIT, &r);
	if (n != 100)
		t_result(0, "epoll_in_read", "recvmsg: %zd (%s)", n,
			 n < 0 ? strerror(errno) : "not 100 bytes");
	e = ep_events(ep, EPOLLIN, 200);
	t_result(!(e & EPOLLIN), "epoll_in_cleared_after_read", "EPOLLIN after reading it all (events 0x%x)", e);

	/* an event: the server resets its stream */
	qt_tell('2');
	e = ep_events(ep, EPOLLIN, 5000);
	t_result((e & EPOLLIN) && drain_has(fd, buf, sizeof(buf), MSG_QUIC_NOTIFICATION),
		 "epoll_in_on_event", "no EPOLLIN within 5 s of a RESET_STREAM with events on, or no event to read then (events 0x%x)",
		 e);

	/* a datagram */
	qt_tell('3');
	e = ep_events(ep, EPOLLIN, 5000);
	t_result((e & EPOLLIN) && drain_has(fd, buf, sizeof(buf), MSG_QUIC_DATAGRAM),
		 "epoll_in_on_datagram", "no EPOLLIN within 5 s of a datagram, or no datagram to read then (events 0x%x)",
		 e);

	/* SO_RCVTIMEO and EINTR, nothing to read */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	t0 = now_ms();
	errno = 0;
	n = qt_recv(fd, buf, sizeof(buf), 0, &r);
	t0 = now_ms() - t0;
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		t_result(t0 >= 250, "rcvtimeo_eagain", "EAGAIN after %lld ms (SO_RCVTIMEO 300 ms)",
			 (long long)t0);
	else
		t_result(0, "rcvtimeo_eagain", "recvmsg: %zd (%s) after %lld ms, expected EAGAIN",
			 n, n < 0 ? strerror(errno) : "data", (long long)t0);
	qt_stage = "EINTR";
	test_eintr(fd);

	/* fill the send buffer */
	qt_stage = "filling the send buffer";
	qt_nonblock(fd, 1);
	for (;;) {
		uint32_t fl = off ? 0 : MSG_QUIC_STREAM_NEW;

		qt_fill(buf, sizeof(buf), 0, off);
		n = qt_send(fd, buf, sizeof(buf), off ? 0 : -1, fl, 0);
		if (n < 0)
			break;
		off += (uint64_t)n;
		if (off > 256ULL * QT_MB)
			break;
	}
	if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
		t_result(0, "epoll_out_cleared_when_full", "non-blocking sends of %llu bytes without EAGAIN: %s",
			 (unsigned long long)off, n < 0 ? strerror(errno) : "never full");
		qt_tell('X');
		close(ep);
		return -1;
	}
	e = ep_events(ep, EPOLLOUT, 0);
	t_result(!(e & EPOLLOUT), "epoll_out_cleared_when_full",
		 "EPOLLOUT right after EAGAIN (%llu bytes queued, events 0x%x)",
		 (unsigned long long)off, e);
	qt_tell('4');
	e = ep_events(ep, EPOLLOUT, 10000);
	t_result(e & EPOLLOUT, "epoll_out_after_peer_reads", "no EPOLLOUT within 10 s of the peer reading (events 0x%x)", e);
	qt_nonblock(fd, 0);
	qt_stage = "ending the stream";
	if (qt_send(fd, NULL, 0, 0, MSG_QUIC_STREAM_FIN, 0) < 0)
		t_result(0, "poll_fin", "sendmsg FIN: %s", strerror(errno));
	send(qt_ctl, &off, sizeof(off), 0);	/* how much the server must read */
	qt_await('D', 60000);
	close(ep);
	return 0;
}

static int server(int fd, void *arg)
{
	unsigned char buf[65536];
	struct quic_errinfo ei = { 1, 3 };
	uint64_t got = 0, sent = 0;
	struct qt_rcv r;
	int ok = 0;

	(void)arg;
	if (qt_await('1', 20000))
		return 0;
	qt_fill(buf, 100, 1, 0);
	if (qt_send(fd, buf, 100, -1, MSG_QUIC_STREAM_NEW, 0) != 100)
		t_result(0, "poll_server_send", "sendmsg: %s", strerror(errno));
	if (qt_await('2', 20000))
		return 0;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_RESET, &ei, sizeof(ei)))
		t_result(0, "poll_server_reset", "setsockopt(STREAM_RESET): %s", strerror(errno));
	if (qt_await('3', 20000))
		return 0;
	if (qt_send_plain(fd, buf, 100, MSG_QUIC_DATAGRAM) != 100)
		t_result(0, "poll_server_datagram", "sendmsg(MSG_QUIC_DATAGRAM): %s",
			 strerror(errno));
	if (qt_await_any(40000) != '4')
		return 0;
	qt_stage = "reading the client's stream";
	for (;;) {
		ssize_t n = qt_recv(fd, buf, sizeof(buf), 0, &r);

		if (n < 0) {
			snprintf(err, sizeof(err), "recvmsg after %llu bytes: %s",
				 (unsigned long long)got, strerror(errno));
			break;
		}
		if (r.mflags & (MSG_QUIC_NOTIFICATION | MSG_QUIC_DATAGRAM))
			continue;
		if (r.sid != 0) {
			if (!n && r.sid < 0) {
				snprintf(err, sizeof(err), "closed after %llu bytes",
					 (unsigned long long)got);
				break;
			}
			continue;
		}
		if (qt_check(buf, (size_t)n, 0, got) >= 0) {
			snprintf(err, sizeof(err), "wrong data near offset %llu",
				 (unsigned long long)got);
			break;
		}
		got += (uint64_t)n;
		if (r.sflags & MSG_QUIC_STREAM_FIN) {
			ok = 1;
			break;
		}
	}
	if (ok && recv(qt_ctl, &sent, sizeof(sent), 0) == sizeof(sent) && sent != got) {
		snprintf(err, sizeof(err), "read %llu bytes, the client sent %llu",
			 (unsigned long long)got, (unsigned long long)sent);
		ok = 0;
	}
	t_result(ok, "poll_data_intact", "%s", err);
	qt_tell('D');
	return 0;
}

int main(void)
{
	if (qt_init())
		return 1;
	qt_run(&(struct qt_pair){ .name = "poll", .timeout = 120,
				  .srv_setup = enable_dgram, .cli_setup = enable_dgram,
				  .client = client, .server = server });
	qt_done();
	return t_exit();
}
