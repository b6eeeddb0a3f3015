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
		relay.full_types = qt_long_types(buf, n, NULL);
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
	unsigned char buf[64];
	struct qt_rcv r;
	int fd, hret = -1, n;
	ssize_t got = -1;
	pid_t pid;

	pid = qt_relay_begin(&rl, "hsloss", relay_pass, server, &fd, &hret);
	if (pid < 0)
		return 1;
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
	return qt_relay_end(&rl, fd);
}
