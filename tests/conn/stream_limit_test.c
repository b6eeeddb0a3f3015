// SPDX-License-Identifier: GPL-2.0-or-later
/* The peer's stream limit: the server's listening socket allows 2 bidi
 * streams (QUIC_SOCKOPT_TRANSPORT_PARAM max_streams_bidi = 2 before
 * listen()); the client opens streams 0 and 4 (data + FIN), then:
 *
 *   stream_limit_inherited        the accepted socket has max_streams_bidi 2
 *   stream_limit_dontwait_sendmsg a third with MSG_QUIC_STREAM_DONTWAIT in
 *                                 stream_flags: EAGAIN
 *   stream_limit_dontwait_open    getsockopt(STREAM_OPEN) {-1, DONTWAIT}: EAGAIN
 *   stream_limit_msg_dontwait     sendmsg(..., MSG_DONTWAIT): EAGAIN
 *   stream_limit_nonblocking      O_NONBLOCK socket: EAGAIN
 *   stream_limit_sndtimeo         SO_SNDTIMEO 300 ms: EAGAIN after >= 250 ms
 *   stream_limit_blocking_open    a blocking open of the third stream waits
 *                                 until the server has read streams 0 and 4 to
 *                                 FIN and sent FIN back, then succeeds (ID 8)
 *   stream_limit_third_stream     the server reads the third stream's data
 */
#include "conn.h"

static char err[256];

static int srv_setup(int lfd, void *arg)
{
	struct quic_transport_param tp;

	(void)arg;
	if (qt_get_tp(lfd, &tp))
		return -1;
	tp.max_streams_bidi = 2;
	return qt_set_tp(lfd, &tp);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* expect an attempt to open a stream to fail with EAGAIN */
static void expect_eagain(const char *name, ssize_t rc)
{
	int e = errno;

	t_result(rc == -1 && (e == EAGAIN || e == EWOULDBLOCK), name,
		 "returned %zd (%s), expected EAGAIN (the peer allows 2 bidi streams)",
		 rc, rc < 0 ? strerror(e) : "opened a third stream");
}

static int client(int fd, void *arg)
{
	struct quic_stream_info si = { -1, MSG_QUIC_STREAM_DONTWAIT };
	struct timeval tv = { 0, 300000 };
	socklen_t len = sizeof(si);
	unsigned char buf[1000];
	int64_t t0;
	ssize_t rc;

	(void)arg;
	qt_stage = "opening streams 0 and 4";
	if (qt_send_pattern(fd, 0, 0, 1000, -1, MSG_QUIC_STREAM_NEW) ||
	    qt_send_pattern(fd, 4, 0, 1000, -1, MSG_QUIC_STREAM_NEW)) {
		printf("FAIL stream_limit_open_two: sendmsg: %s\n", strerror(errno));
		t_failed++;
		qt_tell('X');
		return -1;
	}
	qt_fill(buf, sizeof(buf), 8, 0);
	qt_stage = "opening a third stream without waiting";
	errno = 0;
	rc = qt_send(fd, buf, sizeof(buf), -1,
		     MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_DONTWAIT, 0);
	expect_eagain("stream_limit_dontwait_sendmsg", rc);
	errno = 0;
	rc = getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_OPEN, &si, &len);
	expect_eagain("stream_limit_dontwait_open", rc);
	errno = 0;
	rc = qt_send(fd, buf, sizeof(buf), -1, MSG_QUIC_STREAM_NEW, MSG_DONTWAIT);
	expect_eagain("stream_limit_msg_dontwait", rc);
	errno = 0;
	if (qt_nonblock(fd, 1) == 0) {
		rc = qt_send(fd, buf, sizeof(buf), -1, MSG_QUIC_STREAM_NEW, 0);
		expect_eagain("stream_limit_nonblocking", rc);
		qt_nonblock(fd, 0);
	}
	qt_stage = "opening a third stream with SO_SNDTIMEO 300 ms";
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	t0 = now_ms();
	errno = 0;
	rc = qt_send(fd, buf, sizeof(buf), -1, MSG_QUIC_STREAM_NEW, 0);
	t0 = now_ms() - t0;
	if (rc == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		t_result(t0 >= 250, "stream_limit_sndtimeo",
			 "EAGAIN after %lld ms, before the 300 ms SO_SNDTIMEO",
			 (long long)t0);
	else
		expect_eagain("stream_limit_sndtimeo", rc);

	/* the blocking open: the server reads both streams and ends them;
	 * a kernel that never grants gives EAGAIN after 20 s
	 */
	qt_stage = "opening a third stream, blocking";
	tv.tv_sec = 20;
	tv.tv_usec = 0;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	qt_tell('G');
	t0 = now_ms();
	errno = 0;
	rc = qt_send(fd, buf, sizeof(buf), -1,
		     MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN, 0);
	t0 = now_ms() - t0;
	t_result(rc == (ssize_t)sizeof(buf), "stream_limit_blocking_open",
		 "returned %zd (%s) after %lld ms", rc,
		 rc < 0 ? strerror(errno) : "short", (long long)t0);
	if (rc == (ssize_t)sizeof(buf))
		printf("INFO stream_limit_blocking_open: the third stream opened after %lld ms\n",
		       (long long)t0);
	qt_tell(rc == (ssize_t)sizeof(buf) ? 'T' : 'X');
	qt_stage = "waiting for the server to read the third stream";
	qt_await('D', 30000);
	return 0;
}

static int server(int fd, void *arg)
{
	struct quic_transport_param tp;
	struct qt_rstream st[2], third;
	int ok;

	(void)arg;
	if (qt_get_tp(fd, &tp))
		t_result(0, "stream_limit_inherited", "getsockopt: %s", strerror(errno));
	else
		T_EQ("stream_limit_inherited", tp.max_streams_bidi, 2);
	qt_stage = "waiting for the client's checks";
	if (qt_await('G', 30000))
		return 0;	/* the client failed and said why */
	qt_stage = "reading streams 0 and 4";
	ok = !qt_read_streams(fd, st, 2, 0, 1000, err, sizeof(err));
	if (!ok) {
		t_result(0, "stream_limit_read_two", "server: %s", err);
		return -1;
	}
	qt_stage = "sending FIN on streams 0 and 4";
	if (qt_send(fd, NULL, 0, st[0].sid, MSG_QUIC_STREAM_FIN, 0) < 0 ||
	    qt_send(fd, NULL, 0, st[1].sid, MSG_QUIC_STREAM_FIN, 0) < 0) {
		t_result(0, "stream_limit_fin_back", "server: sendmsg FIN: %s",
			 strerror(errno));
		return -1;
	}
	qt_stage = "waiting for the client's third stream";
	if (qt_await('T', 30000)) {
		qt_tell('D');
		return 0;
	}
	qt_stage = "reading the third stream";
	ok = !qt_read_streams(fd, &third, 1, 0, 1000, err, sizeof(err));
	if (ok && third.sid != 8) {
		snprintf(err, sizeof(err), "the third stream has ID %lld, expected 8",
			 (long long)third.sid);
		ok = 0;
	}
	t_result(ok, "stream_limit_third_stream", "server: %s", err);
	qt_tell('D');
	return ok ? 0 : -1;
}

int main(void)
{
	if (qt_init())
		return 1;
	qt_run(&(struct qt_pair){ .name = "stream_limit", .timeout = 90,
				  .srv_setup = srv_setup,
				  .client = client, .server = server });
	qt_done();
	return t_exit();
}
