// SPDX-License-Identifier: GPL-2.0-or-later
/* recvmsg() with MSG_PEEK: stream data and datagrams are copied and stay
 * queued. The client sends 3000 bytes with a FIN on stream 0, then (when
 * the server has read them; datagrams are read before stream data) a
 * datagram "dgram". The server, once all of the stream has arrived:
 *
 *   peek_stream_head      MSG_PEEK of 100 bytes: the first 100, stream 0,
 *                         no FIN flag
 *   peek_stream_all       MSG_PEEK of 8000 bytes: all 3000 with the FIN
 *                         flag and MSG_EOR (data past the first piece)
 *   peek_stream_again     a second MSG_PEEK returns the same 3000 bytes
 *   peek_stream_read      a plain recvmsg() then reads 1000 bytes, a
 *                         MSG_PEEK after it starts at byte 1000, and the
 *                         rest reads to the FIN: every byte once
 *   peek_datagram         MSG_PEEK of the datagram, then a read of it
 *   peek_then_empty       after that nothing is left (EAGAIN)
 */

#include "conn.h"

#define LEN	3000

static int client(int fd, void *arg)
{
	static unsigned char buf[LEN];

	(void)arg;
	qt_nodelay(fd);
	qt_fill(buf, LEN, 0, 0);
	if (qt_send_all(fd, buf, LEN, 0, MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN) ||
	    qt_await('S', 30000) ||
	    qt_send_plain(fd, "dgram", 5, MSG_QUIC_DATAGRAM) != 5) {
		t_result(0, "peek_client", "send: %s", strerror(errno));
		return -1;
	}
	return qt_await('D', 30000);
}

/* peek until the whole stream (with its FIN) is there */
static ssize_t peek_all(int fd, unsigned char *buf, size_t len,
			struct qt_rcv *r)
{
	ssize_t n = -1;
	int i;

	for (i = 0; i < 200; i++) {
		if (!qt_poll(fd, POLLIN, 5000))
			break;
		n = qt_recv(fd, buf, len, MSG_PEEK, r);
		if (n < 0 || (r->sid == 0 && (r->sflags & MSG_QUIC_STREAM_FIN)))
			return n;
		usleep(20000);
	}
	return n;
}

static int server(int fd, void *arg)
{
	static unsigned char buf[8000], again[8000];
	struct qt_rcv r;
	uint64_t off = 0;
	ssize_t n, m;
	int fin = 0;

	(void)arg;
	qt_stage = "peeking";
	n = peek_all(fd, buf, sizeof(buf), &r);
	t_result(n == LEN && qt_check(buf, LEN, 0, 0) < 0 &&
		 (r.sflags & MSG_QUIC_STREAM_FIN) && (r.mflags & MSG_EOR),
		 "peek_stream_all", "peek returned %zd, flags %#x/%#x", n,
		 r.sflags, r.mflags);
	n = qt_recv(fd, buf, 100, MSG_PEEK, &r);
	t_result(n == 100 && r.sid == 0 && !(r.sflags & MSG_QUIC_STREAM_FIN) &&
		 qt_check(buf, 100, 0, 0) < 0, "peek_stream_head",
		 "peek of 100 returned %zd on stream %lld, flags %#x", n,
		 (long long)r.sid, r.sflags);
	n = qt_recv(fd, again, sizeof(again), MSG_PEEK, &r);
	t_result(n == LEN && qt_check(again, LEN, 0, 0) < 0,
		 "peek_stream_again", "second peek returned %zd", n);

	n = qt_recv(fd, buf, 1000, 0, &r);
	m = qt_recv(fd, again, 1, MSG_PEEK, &r);
	if (n == 1000 && qt_check(buf, 1000, 0, 0) < 0 && m == 1 &&
	    qt_check(again, 1, 0, 1000) < 0) {
		off = 1000;
		do {
			n = qt_recv(fd, buf, sizeof(buf), 0, &r);
			if (n < 0 || r.sid != 0 || qt_check(buf, (size_t)n, 0, off) >= 0)
				break;
			off += (uint64_t)n;
			fin = !!(r.sflags & MSG_QUIC_STREAM_FIN);
		} while (!fin);
	}
	t_result(off == LEN && fin, "peek_stream_read",
		 "read %llu of %d bytes after the peeks (fin %d)",
		 (unsigned long long)off, LEN, fin);

	qt_tell('S');
	qt_stage = "peeking the datagram";
	qt_poll(fd, POLLIN, 10000);
	n = qt_recv(fd, buf, sizeof(buf), MSG_PEEK, &r);
	m = qt_recv(fd, again, sizeof(again), 0, &r);
	t_result(n == 5 && m == 5 && !memcmp(buf, "dgram", 5) &&
		 !memcmp(again, "dgram", 5) && (r.mflags & MSG_QUIC_DATAGRAM),
		 "peek_datagram", "peek %zd, read %zd", n, m);
	n = qt_recv(fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT, &r);
	t_result(n < 0 && errno == EAGAIN, "peek_then_empty",
		 "recvmsg returned %zd (%s)", n, n < 0 ? strerror(errno) : "data");
	qt_tell('D');
	return 0;
}

static int setup(int fd, void *arg)
{
	struct quic_transport_param p;

	(void)arg;
	if (qt_get_tp(fd, &p))
		return -1;
	p.max_datagram_frame_size = 1400;
	return qt_set_tp(fd, &p);
}

int main(void)
{
	struct qt_pair p = {
		.name = "peek",
		.srv_setup = setup,
		.cli_setup = setup,
		.server = server,
		.client = client,
	};

	if (qt_init())
		return 1;
	if (qt_run(&p))
		t_result(0, "peek", "the case failed (see above)");
	qt_done();
	return 0;
}
