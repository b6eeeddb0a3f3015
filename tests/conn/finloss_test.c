// SPDX-License-Identifier: GPL-2.0-or-later
/* The client's Finished lost while its 1-RTT data fills the congestion
 * window. The client talks to the server through a UDP relay (a thread
 * here) that drops the first two datagrams of the client carrying its
 * Finished (a Handshake packet of 50 bytes or more; its ACK-only and
 * PING-only Handshake packets are smaller). The client sends 64 KB as
 * soon as its handshake is complete: the server acknowledges none of it
 * before it has the Finished. The second drop is the Finished in the
 * client's first PTO probe; the second probe, a PING, is acknowledged, so
 * the Finished is declared lost rather than probed again.
 *
 *   finloss_resent    the Finished went a third time, and arrived (before
 *       the fix, its retransmission waited for the congestion window,
 *       full of 1-RTT packets the server could not acknowledge, with no
 *       PTO armed: the connection sat silent until its idle timeout; seen
 *       at 30% loss in the former transfer_netem_loss30)
 *   finloss_transfer  the server completes its handshake, gets all 64 KB
 *       and its answer reaches the client within 20 s
 */

#include <pthread.h>
#include "conn.h"

#define DATA_LEN	65536
#define FIN_MIN_LEN	50	/* Length of a Handshake packet with the Finished */
#define FIN_DROPS	2

static struct {
	volatile unsigned int fins;	/* client datagrams with the Finished */
	volatile unsigned int dropped;
} relay;

static struct qt_relay rl;

static int relay_pass(const unsigned char *buf, size_t n, int to_server)
{
	uint64_t len[4];

	if (!to_server || !(qt_long_types(buf, n, len) & 4) ||
	    len[2] < FIN_MIN_LEN)
		return 1;
	relay.fins++;
	if (relay.dropped >= FIN_DROPS)
		return 1;
	relay.dropped++;
	return 0;
}

static int server(int fd, int i)
{
	static unsigned char buf[16384];
	uint32_t total = 0;
	struct qt_rcv r;
	ssize_t n;

	(void)i;
	do {
		n = qt_recv(fd, buf, sizeof(buf), 0, &r);
		if (n < 0)
			return 1;
		total += (uint32_t)n;
	} while (!(r.sflags & MSG_QUIC_STREAM_FIN));
	return qt_send(fd, &total, sizeof(total), r.sid, MSG_QUIC_STREAM_FIN,
		       0) != sizeof(total);
}

int main(void)
{
	static unsigned char data[DATA_LEN];
	struct timespec t0, t1;
	uint32_t total = 0;
	struct qt_rcv r;
	int fd, hret = -1, n, sent = -1;
	ssize_t got = -1;
	long ms = -1;
	pid_t pid;

	pid = qt_relay_begin(&rl, "finloss", relay_pass, server, &fd, &hret);
	if (pid < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (fd >= 0 && !hret) {
		struct timeval tv = { .tv_sec = 20 };

		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		memset(data, 'f', sizeof(data));
		sent = qt_send_all(fd, data, sizeof(data), -1,
				   MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN);
		if (!sent && (qt_poll(fd, POLLIN, 20000) & POLLIN))
			got = qt_recv(fd, &total, sizeof(total), 0, &r);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (t1.tv_sec - t0.tv_sec) * 1000 +
		     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	}
	printf("INFO finloss: %u client datagrams with the Finished, %u dropped; answer after %ld ms\n",
	       relay.fins, relay.dropped, ms);
	t_result(relay.dropped == FIN_DROPS && relay.fins > FIN_DROPS,
		 "finloss_resent",
		 "%u datagrams with the Finished seen, %u dropped (handshake %d)",
		 relay.fins, relay.dropped, hret);
	n = qt_serve_wait(pid);
	t_result(!hret && !sent && got == sizeof(total) && total == DATA_LEN &&
		 !n, "finloss_transfer",
		 "handshake %d, send %d, answer %zd (%u bytes counted), server %d, %ld ms",
		 hret, sent, got, total, n, ms);
	return qt_relay_end(&rl, fd);
}
