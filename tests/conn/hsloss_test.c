// SPDX-License-Identifier: GPL-2.0-or-later
/* The server's first flight lost (RFC 9002 6.2.3, 6.2.4). The client
 * talks to the server through a UDP relay (a thread here) that drops
 * every datagram of the server until the client has sent its second
 * Initial datagram (its probe, after its PTO): the server's ServerHello
 * Initial and its Handshake packets are lost.
 *
 *   hsloss_resend_both  the first full-sized (1200 bytes) datagram of the
 *       server after that carries an Initial and a Handshake packet: the
 *       ServerHello and the Handshake flight go again together, at the
 *       client's repeated ClientHello or at the server's PTO (before the
 *       fix, each probe of the server resent one space, and the client's
 *       Initial probes got an ACK alone: under loss the handshake could
 *       wait for backed-off PTOs until it timed out)
 *   hsloss_handshake    the handshake completes, and data flows both ways
 */

#include <pthread.h>
#include "conn.h"

/* what the relay (tests/lib/conn.h) does here */
static struct {
	volatile unsigned int cli_initials;	/* client datagrams with an
						 * Initial first
						 */
	volatile unsigned int dropped;
	volatile int full_seen;		/* first 1200-byte server datagram */
	volatile int full_types;	/* its long header types, a bit each */
} relay;

static struct qt_relay rl;

/* the long header packet types in a datagram (bit 0 Initial, bit 2
 * Handshake, QUIC v1), walking its coalesced packets; the type bits are
 * not header-protected
 */
static int long_types(const unsigned char *p, size_t n)
{
	int types = 0;
	size_t off = 0, i;
	uint64_t v, len;

	while (off + 7 <= n && (p[off] & 0x80)) {
		unsigned int type = (p[off] & 0x30) >> 4;

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
			len = p[i] >> 6;
			v = p[i] & 0x3f;
			for (size_t k = 1; k < (1u << len) && i + k < n; k++)
				v = (v << 8) | p[i + k];
			i += (1u << len) + v;
		}
		if (i >= n)
			break;
		len = p[i] >> 6;		/* Length */
		v = p[i] & 0x3f;
		for (size_t k = 1; k < (1u << len) && i + k < n; k++)
			v = (v << 8) | p[i + k];
		off = i + (1u << len) + v;
	}
	return types;
}

/* the server's datagrams are dropped until the client's second Initial */
static int relay_pass(const unsigned char *buf, size_t n, int to_server)
{
	if (to_server) {
		if ((buf[0] & 0xb0) == 0x80)
			relay.cli_initials++;
		return 1;
	}
	if (relay.cli_initials < 2) {
		relay.dropped++;
		return 0;
	}
	if (!relay.full_seen && n >= 1200) {
		relay.full_types = long_types(buf, n);
		relay.full_seen = 1;
	}
	return 1;
}

static int server(int fd, int i)
{
	static unsigned char buf[64];
	struct qt_rcv r;
	ssize_t n;

	(void)i;
	n = qt_recv(fd, buf, sizeof(buf), 0, &r);
	if (n != 4 || memcmp(buf, "ping", 4))
		return 1;
	return qt_send(fd, "pong", 4, r.sid, MSG_QUIC_STREAM_FIN, 0) != 4;
}

int main(void)
{
	struct sockaddr_storage sa, sr;
	unsigned char buf[64];
	struct qt_rcv r;
	socklen_t sla, slr;
	int lfd, fd, hret = -1, n;
	ssize_t got = -1;
	pid_t pid;

	if (qt_init())
		return 1;
	qt_case = "hsloss";
	lfd = qt_listen(AF_INET, NULL, NULL, &sa, &sla);
	if (lfd < 0)
		return 1;
	rl.pass = relay_pass;
	if (qt_relay_start(&rl, &sa, sla, &sr, &slr)) {
		printf("FAIL hsloss_setup: relay: %s\n", strerror(errno));
		return 1;
	}
	pid = qt_serve(lfd, 1, server, 60);
	if (pid < 0)
		return 1;
	fd = qt_connect(&sr, slr, NULL, NULL, &hret);
	if (fd >= 0 && !hret &&
	    qt_send(fd, "ping", 4, -1, MSG_QUIC_STREAM_NEW, 0) == 4)
		got = qt_recv(fd, buf, sizeof(buf), 0, &r);
	printf("INFO hsloss: %u server datagrams dropped, first full one: types %#x\n",
	       relay.dropped, relay.full_types);
	t_result(relay.dropped > 0 && relay.full_seen &&
		 (relay.full_types & 5) == 5, "hsloss_resend_both",
		 "%u dropped; the first 1200-byte datagram %s (long header types %#x: bit 0 Initial, bit 2 Handshake)",
		 relay.dropped, relay.full_seen ? "seen" : "not seen",
		 relay.full_types);
	n = qt_serve_wait(pid);
	t_result(!hret && got == 4 && !memcmp(buf, "pong", 4) && !n,
		 "hsloss_handshake", "handshake %d, reply %zd, server %d",
		 hret, got, n);
	if (fd >= 0)
		close(fd);
	rl.stop = 1;
	pthread_join(rl.th, NULL);
	qt_done();
	return t_exit();
}
