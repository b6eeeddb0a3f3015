// SPDX-License-Identifier: GPL-2.0-or-later
/* Flow control with a slow reader: the server's listening socket grants
 * small windows (max_data 128 KiB, max_stream_data_bidi_remote 64 KiB), the
 * client sends 8 MiB on one stream from a non-blocking socket with a small
 * SO_SNDBUF, the server reads 4 KiB at a time with a 1 ms sleep between
 * reads for the first 2 MiB, then reads fast:
 *
 *   flowctl_data_exact         the server reads exactly 8 MiB, in order,
 *                              each byte once (pattern), then FIN + MSG_EOR
 *   flowctl_sender_eagain      the sender's non-blocking sendmsg returned
 *                              EAGAIN at some point (send buffer full)
 *   flowctl_pollout_returns    after every EAGAIN, poll() POLLOUT came back
 *                              within 10 s
 *   flowctl_sndbuf_bounds      no single non-blocking sendmsg accepted more
 *                              than the send buffer can hold (2 x SO_SNDBUF
 *                              as set, plus one 64 KiB write)
 */
#include "conn.h"

#define TOTAL		(8 * QT_MB)
#define WRITE		65536
#define SLOW_PART	(2 * QT_MB)
#define SNDBUF		65536

static char err[256];

static int srv_setup(int lfd, void *arg)
{
	struct quic_transport_param tp;

	(void)arg;
	if (qt_get_tp(lfd, &tp))
		return -1;
	tp.max_data = 131072;	/* the smallest allowed */
	tp.max_stream_data_bidi_remote = 65536;
	return qt_set_tp(lfd, &tp);
}

static int cli_setup(int fd, void *arg)
{
	int v = SNDBUF;

	(void)arg;
	return setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
}

static int client(int fd, void *arg)
{
	static unsigned char buf[WRITE];
	unsigned int eagain = 0, pollout_lost = 0;
	uint64_t off = 0;
	ssize_t biggest = 0;
	int sndbuf = 0;
	socklen_t sl = sizeof(sndbuf);

	(void)arg;
	getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, &sl);
	if (qt_nonblock(fd, 1)) {
		t_result(0, "flowctl_sender_eagain", "O_NONBLOCK: %s", strerror(errno));
		return -1;
	}
	qt_stage = "sending 8 MiB, non-blocking";
	while (off < TOTAL) {
		size_t n = TOTAL - off < WRITE ? (size_t)(TOTAL - off) : WRITE;
		uint32_t fl = off + n == TOTAL ? MSG_QUIC_STREAM_FIN : 0;
		ssize_t r;

		if (!off)
			fl |= MSG_QUIC_STREAM_NEW;
		qt_fill(buf, n, 0, off);
		r = qt_send(fd, buf, n, off ? 0 : -1, fl, 0);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			eagain++;
			if (!(qt_poll(fd, POLLOUT, 10000) & POLLOUT)) {
				pollout_lost++;
				if (pollout_lost > 3)
					break;
			}
			continue;
		}
		if (r < 0) {
			t_result(0, "flowctl_sender", "sendmsg at %llu: %s",
				 (unsigned long long)off, strerror(errno));
			return -1;
		}
		if (r > biggest)
			biggest = r;
		off += (uint64_t)r;
	}
	t_result(off == TOTAL, "flowctl_sender_complete",
		 "sent %llu of %llu bytes; POLLOUT did not come back %u times",
		 (unsigned long long)off, (unsigned long long)TOTAL, pollout_lost);
	t_result(eagain > 0, "flowctl_sender_eagain",
		 "8 MiB against a 64 KiB window and SO_SNDBUF %d never gave EAGAIN",
		 sndbuf);
	t_result(!pollout_lost, "flowctl_pollout_returns",
		 "%u times POLLOUT did not come within 10 s after EAGAIN",
		 pollout_lost);
	t_result(biggest <= 2 * SNDBUF + WRITE, "flowctl_sndbuf_bounds",
		 "one sendmsg took %zd bytes with SO_SNDBUF %d", biggest, sndbuf);
	printf("INFO flowctl: %u EAGAIN, SO_SNDBUF %d\n", eagain, sndbuf);
	qt_stage = "waiting for the server to read everything";
	qt_await('D', 120000);
	return 0;
}

static int server(int fd, void *arg)
{
	unsigned char *buf = malloc(WRITE);
	uint64_t got = 0;
	struct qt_rcv r;
	int fin = 0, ok = 0;
	int64_t sid = -1;

	(void)arg;
	qt_stage = "reading slowly";
	while (buf && !fin) {
		size_t want = got < SLOW_PART ? 4096 : WRITE;
		ssize_t n = qt_recv(fd, buf, want, 0, &r);
		long bad;

		if (n < 0) {
			snprintf(err, sizeof(err), "recvmsg after %llu bytes: %s",
				 (unsigned long long)got, strerror(errno));
			goto out;
		}
		if (r.sid < 0) {
			if (!n) {
				snprintf(err, sizeof(err), "closed after %llu bytes",
					 (unsigned long long)got);
				goto out;
			}
			continue;
		}
		if (sid < 0)
			sid = r.sid;
		if (r.sid != sid) {
			snprintf(err, sizeof(err), "data on stream %lld besides %lld",
				 (long long)r.sid, (long long)sid);
			goto out;
		}
		bad = qt_check(buf, (size_t)n, 0, got);
		if (bad >= 0) {
			snprintf(err, sizeof(err), "wrong byte at offset %llu",
				 (unsigned long long)(got + (uint64_t)bad));
			goto out;
		}
		got += (uint64_t)n;
		fin = !!(r.sflags & MSG_QUIC_STREAM_FIN);
		if (fin && !(r.mflags & MSG_EOR)) {
			snprintf(err, sizeof(err), "FIN without MSG_EOR");
			goto out;
		}
		if (got < SLOW_PART)
			usleep(1000);
	}
	if (got != TOTAL) {
		snprintf(err, sizeof(err), "%llu bytes before the FIN, expected %llu",
			 (unsigned long long)got, (unsigned long long)TOTAL);
		goto out;
	}
	ok = 1;
out:
	t_result(ok, "flowctl_data_exact", "%s", buf ? err : "out of memory");
	free(buf);
	qt_tell('D');
	return ok ? 0 : -1;
}

int main(void)
{
	if (qt_init())
		return 1;
	qt_run(&(struct qt_pair){ .name = "flowctl", .timeout = 150,
				  .srv_setup = srv_setup, .cli_setup = cli_setup,
				  .client = client, .server = server });
	qt_done();
	return t_exit();
}
