// SPDX-License-Identifier: GPL-2.0-or-later
/* Two probe datagrams per PTO (RFC 9002 6.2.4). The client talks to the
 * server through a UDP relay (a thread here); once the connection is up,
 * the relay drops every datagram of the client for 1.5 s while the client
 * sends 4000 bytes, noting the kernel's receive time of each: the data,
 * then the client's probes, one burst per PTO (backed off, at least the
 * peer's max_ack_delay apart).
 *
 *   ptoprobe_two_per_pto  every burst but the last (which the end of the
 *       drop may cut) has two datagrams or more, and there were at least
 *       two bursts (before, one datagram per PTO: at 30% loss each way,
 *       half of the PTOs got no ACK and the next one waited twice as
 *       long: a 128 KB upload then took over 30 s now and then)
 *   ptoprobe_recovers     the data arrives once the drop ends, and the
 *       server's answer comes back
 *
 * Before that, the handshake: the relay drops the client's first two
 * datagrams (the ClientHello and the first probe of its first PTO) and
 * passes the third (the second probe), then drops the client's datagrams
 * until the server sends a Handshake packet (for at most HS_WAIT_MS).
 *
 *   ptoprobe_hs_second_probe  the server answered the second probe with
 *       its handshake flight: that probe carried the ClientHello again
 *       (before, it was a PING alone, and aioquic's server closes the
 *       connection on a first Initial without CRYPTO data, RFC 9000
 *       17.2.2)
 *   ptoprobe_hs_ack_twice     before its flight, the server sent its ACK of
 *       that probe twice, in datagrams of their own (OpenSSL's probes are
 *       PINGs: the client resends the ClientHello only once an ACK gets
 *       through)
 *
 * Last, a gap: the server sends on a new stream of its own "1111", then
 * 200 ms later "2222" and the FIN; the relay drops the server's datagrams
 * for 100 ms from the first (the "1111"), passes the next one (the client
 * now misses a packet), then drops every datagram both ways for 1.5 s,
 * noting the client's small ones, and passes all again.
 *
 *   ptoprobe_gap_ack_probed  the client sent its ACK of the packet after
 *       the gap and at least one more small datagram in the 1.5 s, with
 *       nothing else of it to acknowledge: its ACK frame that reported the
 *       gap asked for an acknowledgment, and its PTO repeated it (before,
 *       one ACK alone, lost, and a peer that probes with PINGs, as
 *       aioquic, learnt of its loss only from its next, backed off probe)
 *   ptoprobe_gap_recovers    "11112222" and the FIN arrive after the drop
 */

#include <pthread.h>
#include "conn.h"

#define DROP_MS		1500
#define BURST_GAP_NS	10000000LL	/* datagrams closer: one burst */
#define MAX_DROPS	64
#define HS_WAIT_MS	3000

static struct qt_relay rl;

static struct {
	volatile int drop;
	volatile unsigned int n;
	long long t[MAX_DROPS];		/* receive times, ns */
	/* the handshake phase: client datagrams seen, the time of the
	 * third, a server Handshake packet seen (1) or waited for in vain
	 * (-1), 0 while waiting
	 */
	unsigned int hs_n, hs_acks;
	long long hs_t3;
	volatile int hs_flight;
	/* the gap phase: 1 armed, 2 dropping the server's first datagrams
	 * (since gap_t), 3 dropping all (since gap_t), 0 off; the client's
	 * small datagrams while at 3
	 */
	volatile int gap;
	long long gap_t;
	unsigned int gap_n;
} relay;

static long long relay_now(void)
{
	return rl.ts.tv_sec * 1000000000LL + rl.ts.tv_nsec;
}

/* the handshake phase of relay_pass(); 1: pass, 0: drop */
static int relay_hs(const unsigned char *buf, size_t n, int to_server)
{
	if (!to_server) {
		int t = qt_long_types(buf, n, NULL);

		if (relay.hs_n >= 3 && (t & 4))
			relay.hs_flight = 1;
		else if (relay.hs_n >= 3 && t == 1 && n < 200)
			relay.hs_acks++;	/* an Initial ACK alone */
		return 1;
	}
	if (++relay.hs_n < 3)
		return 0;
	if (relay.hs_n == 3) {
		relay.hs_t3 = relay_now();
		return 1;
	}
	if (relay_now() - relay.hs_t3 < HS_WAIT_MS * 1000000LL)
		return 0;
	relay.hs_flight = -1;
	return 1;
}

#define GAP_FIRST_MS	100
#define GAP_MS		1500

/* the gap phase of relay_pass(); 1: pass, 0: drop */
static int relay_gap(size_t n, int to_server)
{
	long long t = relay_now();

	if (relay.gap == 1 && to_server)
		return 1;
	if (relay.gap == 1) {
		relay.gap = 2;
		relay.gap_t = t;
		return 0;
	}
	if (relay.gap == 2 && t - relay.gap_t < GAP_FIRST_MS * 1000000LL)
		return 0;
	if (relay.gap == 2) {
		if (to_server)
			return 1;
		relay.gap = 3;	/* the client misses a packet now */
		relay.gap_t = t;
		return 1;
	}
	if (t - relay.gap_t >= GAP_MS * 1000000LL) {
		relay.gap = 0;
		return 1;
	}
	if (to_server && n < 256)
		relay.gap_n++;
	return 0;
}

static int relay_pass(const unsigned char *buf, size_t n, int to_server)
{
	if (!relay.hs_flight)
		return relay_hs(buf, n, to_server);
	if (relay.gap)
		return relay_gap(n, to_server);
	if (!to_server || !relay.drop)
		return 1;
	if (relay.n < MAX_DROPS)
		relay.t[relay.n++] = relay_now();
	return 0;
}

static int server(int fd, int i)
{
	static unsigned char buf[8192];
	size_t total = 0;
	struct qt_rcv r;
	ssize_t n;

	(void)i;
	n = qt_recv(fd, buf, sizeof(buf), 0, &r);
	if (n != 4 || memcmp(buf, "ping", 4) ||
	    qt_send(fd, "pong", 4, r.sid, 0, 0) != 4)
		return 1;
	do {
		n = qt_recv(fd, buf, sizeof(buf), 0, &r);
		if (n < 0)
			return 1;
		total += (size_t)n;
	} while (!(r.sflags & MSG_QUIC_STREAM_FIN));
	if (total != 4000 ||
	    qt_send(fd, "done", 4, r.sid, MSG_QUIC_STREAM_FIN, 0) != 4)
		return 1;
	/* the gap phase: two packets on a stream of ours */
	usleep(500000);
	if (qt_send(fd, "1111", 4, -1, MSG_QUIC_STREAM_NEW, 0) != 4)
		return 1;
	usleep(200000);
	if (qt_send(fd, "2222", 4, 1, MSG_QUIC_STREAM_FIN, 0) != 4)
		return 1;
	/* until the client has it all: its "ok" */
	return qt_poll(fd, POLLIN, 20000) <= 0 ||
	       qt_recv(fd, buf, sizeof(buf), 0, &r) != 2;
}

int main(void)
{
	static unsigned char data[4000];
	unsigned int bursts = 0, size = 0, bad = 0, i;
	char sizes[256] = "";
	unsigned char buf[64], gapbuf[64];
	size_t gapgot = 0;
	int fd, hret = -1, n, ok = 0;
	ssize_t got = -1;
	struct qt_rcv r;
	pid_t pid;

	pid = qt_relay_begin(&rl, "ptoprobe", relay_pass, server, &fd, &hret);
	if (pid < 0)
		return 1;
	t_result(relay.hs_flight == 1, "ptoprobe_hs_second_probe",
		 "%s (client datagrams in the handshake phase: %u)",
		 relay.hs_flight == 1 ? "the server sent its flight after the second probe" :
		 "no Handshake packet from the server within 3 s of the second probe",
		 relay.hs_n);
	t_result(relay.hs_acks >= 2, "ptoprobe_hs_ack_twice",
		 "%u small Initial datagrams from the server before its flight",
		 relay.hs_acks);
	if (fd >= 0 && !hret &&
	    qt_send(fd, "ping", 4, -1, MSG_QUIC_STREAM_NEW, 0) == 4 &&
	    qt_recv(fd, buf, sizeof(buf), 0, &r) == 4) {
		usleep(100000);		/* our ACK of the pong goes out */
		relay.drop = 1;
		ok = qt_send(fd, data, sizeof(data), r.sid,
			     MSG_QUIC_STREAM_FIN, 0) == sizeof(data);
		usleep(DROP_MS * 1000);
		relay.drop = 0;
		if (ok && qt_poll(fd, POLLIN, 20000) > 0)
			got = qt_recv(fd, buf, sizeof(buf), 0, &r);
	}
	if (got == 4) {
		/* the server sends "1111" 500 ms after its "done" */
		usleep(300000);
		relay.gap = 1;
		do {
			if (qt_poll(fd, POLLIN, 20000) <= 0)
				break;
			n = (int)qt_recv(fd, gapbuf + gapgot, sizeof(gapbuf) - gapgot,
					 0, &r);
			if (n <= 0 || r.sid != 1)
				break;
			gapgot += (size_t)n;
		} while (!(r.sflags & MSG_QUIC_STREAM_FIN));
		qt_send(fd, "ok", 2, 1, MSG_QUIC_STREAM_FIN, 0);
	}
	/* bursts of datagrams: the data, then one per PTO; a PTO burst is
	 * noted when the next one starts, the last one at the end
	 */
	for (i = 0; i < relay.n; i++) {
		if (i && relay.t[i] - relay.t[i - 1] < BURST_GAP_NS) {
			size++;
			continue;
		}
		if (bursts > 1) {
			snprintf(sizes + strlen(sizes), sizeof(sizes) - strlen(sizes),
				 "%s%u", *sizes ? " " : "", size);
			if (size < 2)
				bad++;
		}
		bursts++;
		size = 1;
	}
	if (bursts > 1)
		snprintf(sizes + strlen(sizes), sizeof(sizes) - strlen(sizes),
			 "%s%u (last)", *sizes ? " " : "", size);
	printf("INFO ptoprobe: %u client datagrams dropped in %d ms, bursts %u, datagrams per PTO: %s\n",
	       relay.n, DROP_MS, bursts, sizes);
	t_result(bursts >= 3 && !bad, "ptoprobe_two_per_pto",
		 "%u bursts (the data, then one per PTO), datagrams per PTO: %s",
		 bursts, sizes);
	printf("INFO ptoprobe: %u small client datagrams in the %d ms after the gap\n",
	       relay.gap_n, GAP_MS);
	t_result(relay.gap_n >= 2, "ptoprobe_gap_ack_probed",
		 "%u small client datagrams in the %d ms after the gap (phase %d)",
		 relay.gap_n, GAP_MS, relay.gap);
	t_result(gapgot == 8 && !memcmp(gapbuf, "11112222", 8),
		 "ptoprobe_gap_recovers", "%zu bytes after the gap", gapgot);
	n = qt_serve_wait(pid);
	t_result(ok && got == 4 && !memcmp(buf, "done", 4) && !n,
		 "ptoprobe_recovers", "handshake %d, data sent %d, reply %zd, server %d",
		 hret, ok, got, n);
	return qt_relay_end(&rl, fd);
}
