// SPDX-License-Identifier: GPL-2.0-or-later
/* Coalescing of small writes (QUIC_SOCKOPT_CONFIG stream_data_nodelay): the
 * client writes 256 KiB on one stream in 100-byte sendmsg() calls, then a
 * FIN; the server checks every byte. The client counts the datagrams it
 * sent (a packet socket on lo) and the sendmsg() calls:
 *
 *   nagle_on_coalesces     stream_data_nodelay 0 (the default): while data
 *                          is unacknowledged, small writes wait and go out
 *                          together: fewer than one small (< 600 bytes)
 *                          datagram per 4 writes
 *   nagle_off_sends_each   stream_data_nodelay 1: writes go out at once,
 *                          more small datagrams than with coalescing
 *   nagle_tail_sent        with coalescing, the last write (no FIN yet)
 *                          still reaches the server (it is sent when the
 *                          earlier data is acknowledged)
 */

#include "conn.h"

#define LEN	(256 * 1024)
#define WRITE	100

struct ncase {
	const char *name;
	int nodelay;
	unsigned int datagrams;	/* small client -> server datagrams */
};

static int sniff = -1;	/* AF_PACKET on lo, IPv4 */

static int cli_setup(int fd, void *arg)
{
	struct ncase *c = arg;
	struct quic_config cfg;

	if (qt_get_config(fd, &cfg))
		return -1;
	cfg.stream_data_nodelay = (uint8_t)c->nodelay;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, sizeof(cfg));
}

static int server(int fd, void *arg)
{
	static unsigned char buf[65536];
	struct ncase *c = arg;
	uint64_t off = 0;
	struct qt_rcv r;
	ssize_t n;
	long bad;

	/* the tail: 50 bytes, then the client waits for our word */
	qt_stage = "reading the tail write";
	n = qt_recv(fd, buf, sizeof(buf), 0, &r);
	t_result(n == 50 && r.sid == 0 && qt_check(buf, 50, 0, 0) < 0,
		 "nagle_tail_sent", "%s: read %zd (%s) on stream %lld", c->name,
		 n, n < 0 ? strerror(errno) : "bytes", (long long)r.sid);
	off = n > 0 ? (uint64_t)n : 0;
	qt_tell('T');
	qt_stage = "reading the client's data";
	do {
		n = qt_recv(fd, buf, sizeof(buf), 0, &r);
		if (n < 0 || r.sid != 0)
			break;
		bad = qt_check(buf, (size_t)n, 0, off);
		if (bad >= 0) {
			t_result(0, c->name, "server: wrong byte at offset %llu",
				 (unsigned long long)off + (unsigned long long)bad);
			n = -1;
			break;
		}
		off += (uint64_t)n;
	} while (!(r.sflags & MSG_QUIC_STREAM_FIN));
	if (n >= 0 && off != LEN)
		t_result(0, c->name, "server: %llu bytes, expected %d",
			 (unsigned long long)off, LEN);
	qt_tell('R');
	return n >= 0 && off == LEN ? 0 : -1;
}

/* datagrams from @cport to @sport seen on lo since the last call, and in
 * *@small those with less than 600 bytes of UDP payload (a GSO batch of
 * full packets shows as one large datagram here)
 */
static unsigned int count(uint16_t cport, uint16_t sport, unsigned int *small)
{
	static unsigned char pkt[65536];
	const unsigned char *q;
	unsigned int n = 0;
	uint16_t src, dst;
	size_t len;

	*small = 0;
	while (qt_lo_next(sniff, pkt, sizeof(pkt), &src, &dst, &q, &len)) {
		if (src == cport && dst == sport) {
			n++;
			*small += len < 600;
		}
	}
	return n;
}

static int client(int fd, void *arg)
{
	static unsigned char buf[LEN];
	struct sockaddr_in a, b;
	socklen_t al = sizeof(a), bl = sizeof(b);
	struct ncase *c = arg;
	uint16_t cport, sport;
	unsigned int all;
	size_t off;

	getsockname(fd, (struct sockaddr *)&a, &al);
	getpeername(fd, (struct sockaddr *)&b, &bl);
	cport = ntohs(a.sin_port);
	sport = ntohs(b.sin_port);
	count(cport, sport, &all);	/* the handshake's */
	/* a tail first: one small write while nothing is in flight goes at
	 * once; the server reads it and answers
	 */
	qt_fill(buf, LEN, 0, 0);
	if (qt_send_all(fd, buf, 50, -1, MSG_QUIC_STREAM_NEW) || qt_await('T', 20000)) {
		t_result(0, c->name, "client: tail: %s", strerror(errno));
		return -1;
	}
	qt_stage = "sending in small writes";
	for (off = 50; off < LEN; off += WRITE) {
		size_t n = LEN - off < WRITE ? LEN - off : WRITE;

		if (qt_send_all(fd, buf + off, n, 0, off + n == LEN ? MSG_QUIC_STREAM_FIN : 0)) {
			t_result(0, c->name, "client: sendmsg at %zu: %s", off, strerror(errno));
			return -1;
		}
	}
	if (qt_await('R', 60000))
		return -1;
	all = count(cport, sport, &c->datagrams);
	printf("INFO %s: %u datagrams, %u of them small, for %d writes of %d bytes\n",
	       c->name, all, c->datagrams, (LEN - 50 + WRITE - 1) / WRITE, WRITE);
	return 0;
}

int main(void)
{
	static struct ncase cases[] = {
		{ "nagle_on", 0, 0 },
		{ "nagle_off", 1, 0 },
	};
	unsigned int writes = (LEN - 50 + WRITE - 1) / WRITE;
	int fail = 0;

	if (qt_init())
		return 1;
	sniff = qt_lo_capture();
	if (sniff < 0) {
		printf("FAIL nagle_setup: packet socket on lo: %s\n", strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct qt_pair p = {
			.name = cases[i].name,
			.cli_setup = cli_setup,
			.server = server,
			.client = client,
			.arg = &cases[i],
		};

		fail |= qt_run(&p);
	}
	close(sniff);
	if (!fail) {
		t_result(cases[0].datagrams && cases[0].datagrams * 4 < writes,
			 "nagle_on_coalesces", "%u small datagrams for %u writes",
			 cases[0].datagrams, writes);
		t_result(cases[1].datagrams > cases[0].datagrams,
			 "nagle_off_sends_each",
			 "%u small datagrams without coalescing, %u with it",
			 cases[1].datagrams, cases[0].datagrams);
	}
	qt_done();
	return t_exit();
}
