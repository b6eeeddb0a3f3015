// SPDX-License-Identifier: GPL-2.0-or-later
/* The server's HANDSHAKE_DONE lost. The client talks to the server through
 * a UDP relay (a thread here) that, once the client has sent its Finished
 * (a Handshake packet of 50 bytes or more), drops every datagram of the
 * server for DROP_MS: its ACK of the Finished and its HANDSHAKE_DONE. The
 * client's handshake is then complete but not confirmed: it probes in the
 * Handshake space, which the server, its handshake keys gone, no longer
 * acknowledges, and it has no 1-RTT PTO (RFC 9002 6.2.1). Its ACK frame of
 * the server's 1-RTT packets is what tells a server that resends only what
 * an ACK reports lost (aioquic) that its HANDSHAKE_DONE was lost.
 *
 *   hsdone_probe_acks  a client datagram sent during the drop carried a
 *       1-RTT packet behind its Handshake packet: the probe took the 1-RTT
 *       ACK frame along (before, the probes were Handshake packets alone;
 *       seen against aioquic at 30% loss: the client resent its Finished
 *       for 22 s, and neither side sent anything that would end it)
 *   hsdone_recovers    after the drop, a message on a new stream and the
 *       server's answer get through within 20 s
 */

#include <pthread.h>
#include "conn.h"

#define DROP_MS		1500
#define FIN_MIN_LEN	50	/* Length of a Handshake packet with the Finished */

static struct {
	volatile int phase;		/* 0 before the Finished, 1 dropping, 2 after */
	long long t;			/* when the drop began, ns */
	volatile unsigned int probes;	/* client datagrams with a Handshake packet */
	volatile unsigned int acks;	/* ... and a 1-RTT packet behind it */
	volatile unsigned int dropped;
} relay;

static struct qt_relay rl;

static long long relay_now(void)
{
	return rl.ts.tv_sec * 1000000000LL + rl.ts.tv_nsec;
}

static int relay_pass(const unsigned char *buf, size_t n, int to_server)
{
	uint64_t len[4];
	int t;

	if (relay.phase == 1 &&
	    relay_now() - relay.t >= DROP_MS * 1000000LL)
		relay.phase = 2;
	if (to_server) {
		t = qt_long_types(buf, n, len);
		if (relay.phase == 0 && (t & 4) && len[2] >= FIN_MIN_LEN) {
			relay.phase = 1;
			relay.t = relay_now();
		} else if (relay.phase == 1 && (t & 4)) {
			relay.probes++;
			if (t & 16)
				relay.acks++;
		}
		return 1;
	}
	if (relay.phase != 1)
		return 1;
	relay.dropped++;
	return 0;
}

static int server(int fd, int i)
{
	static unsigned char buf[64];
	struct qt_rcv r;
	ssize_t n;

	(void)i;
	n = qt_recv(fd, buf, sizeof(buf), 0, &r);
	if (n != 4 || memcmp(buf, "ping", 4) ||
	    qt_send(fd, "pong", 4, r.sid, MSG_QUIC_STREAM_FIN, 0) != 4)
		return 1;
	/* close() drops what the client has not acknowledged: the
	 * window may be small after the drop; the client's "ok" ends it
	 */
	n = qt_recv(fd, buf, sizeof(buf), 0, &r);
	return n != 2 || memcmp(buf, "ok", 2);
}

int main(void)
{
	unsigned char buf[64];
	struct qt_rcv r;
	int fd, hret = -1, n;
	ssize_t got = -1;
	pid_t pid;

	pid = qt_relay_begin(&rl, "hsdone", relay_pass, server, &fd, &hret);
	if (pid < 0)
		return 1;
	if (fd >= 0 && !hret) {
		/* the drop runs its course first */
		usleep((DROP_MS + 200) * 1000);
		if (qt_send(fd, "ping", 4, -1, MSG_QUIC_STREAM_NEW, 0) == 4 &&
		    (qt_poll(fd, POLLIN, 20000) & POLLIN))
			got = qt_recv(fd, buf, sizeof(buf), 0, &r);
		if (got == 4)
			qt_send(fd, "ok", 2, r.sid, MSG_QUIC_STREAM_FIN, 0);
	}
	printf("INFO hsdone: %u server datagrams dropped; client datagrams with a Handshake packet in the drop: %u, with a 1-RTT packet behind it: %u\n",
	       relay.dropped, relay.probes, relay.acks);
	t_result(relay.acks > 0, "hsdone_probe_acks",
		 "%u of %u client Handshake datagrams in the drop carried a 1-RTT packet (phase %d)",
		 relay.acks, relay.probes, relay.phase);
	n = qt_serve_wait(pid);
	t_result(!hret && got == 4 && !memcmp(buf, "pong", 4) && !n,
		 "hsdone_recovers", "handshake %d, answer %zd, server %d",
		 hret, got, n);
	return qt_relay_end(&rl, fd);
}
