// SPDX-License-Identifier: GPL-2.0-or-later
/* The closing and draining periods after close() (RFC 9000 10.2). The
 * client talks to the server through a UDP relay (a thread here) that can
 * drop the client's datagrams. Both announce max_ack_delay 1000 ms, so
 * the closing and draining periods (three PTOs) last a few seconds.
 *
 *   closing_lost_close_answered  the client sets a close reason (0x77,
 *       "bye") and close()s while the relay drops its datagrams: every
 *       copy of its CONNECTION_CLOSE is lost. Then the server sends data;
 *       the closed socket, kept for its closing period, answers with the
 *       CONNECTION_CLOSE again: the server's QUIC_EVENT_CONNECTION_CLOSE
 *       carries 0x77 "bye" (without a closing period the server would get
 *       a stateless reset, or nothing until its idle timeout)
 *   closing_server_errno         the server's recvmsg then fails with
 *       ECONNRESET
 *   closing_counted              QuicClosingKept grew by 2 (the client in
 *       its closing period, the server in its draining period after it
 *       close()d) and QuicCloseRepeats by at least 1
 *   closing_no_reset             no stateless reset was sent meanwhile
 *   closing_released             both sockets are gone from
 *       /proc/net/quic/sks after the periods
 */

#include <pthread.h>
#include "conn.h"

static int ack_delay_setup(int fd, void *arg)
{
	struct quic_transport_param p;

	(void)arg;
	if (qt_get_tp(fd, &p))
		return -1;
	p.max_ack_delay = 1000000;	/* us */
	return qt_set_tp(fd, &p);
}

/* what the relay (tests/lib/conn.h) does here */
static struct {
	volatile int drop;	/* drop client -> server */
	volatile unsigned int dropped;
} relay;

static struct qt_relay rl;

static int relay_pass(const unsigned char *buf, size_t n, int to_server)
{
	(void)buf;
	(void)n;
	if (to_server && relay.drop) {
		relay.dropped++;
		return 0;
	}
	return 1;
}

static int server(int fd, int i)
{
	static unsigned char buf[4096];
	struct quic_connection_close cc = { .errcode = 0xffffffff };
	struct qt_rcv r;
	ssize_t n;
	int k;

	(void)i;
	qt_event_enable(fd, QUIC_EVENT_CONNECTION_CLOSE, 1);
	qt_tell('R');
	if (qt_await('C', 20000))
		return -1;
	/* the client is closed and its CONNECTION_CLOSE copies are lost:
	 * our data reaches its closing socket
	 */
	qt_send(fd, "ping", 4, -1, MSG_QUIC_STREAM_NEW, 0);
	for (k = 0; k < 100; k++) {
		n = qt_recv(fd, buf, sizeof(buf), 0, &r);
		if (n < 0)
			break;
		if ((r.mflags & MSG_QUIC_NOTIFICATION) &&
		    buf[0] == QUIC_EVENT_CONNECTION_CLOSE &&
		    (size_t)n == 1 + sizeof(cc))
			memcpy(&cc, buf + 1, sizeof(cc));
	}
	t_result(cc.errcode == 0x77 && !strcmp((char *)cc.phrase, "bye"),
		 "closing_lost_close_answered", "event errcode %x '%.64s'",
		 cc.errcode, (char *)cc.phrase);
	t_result(n < 0 && errno == ECONNRESET, "closing_server_errno",
		 "recvmsg %zd (%s)", n, n < 0 ? strerror(errno) : "");
	return 0;
}

static int cli_setup(int fd, void *arg)
{
	return ack_delay_setup(fd, arg) ||
	       qt_event_enable(fd, QUIC_EVENT_CONNECTION_CLOSE, 1);
}

int main(void)
{
	struct quic_connection_close cc = { .errcode = 0x77 };
	struct sockaddr_storage sr;
	socklen_t slr;
	long kept0, rep0, rst0;
	int fd, hret = -1, base, k, n;
	pid_t pid;

	if (qt_init())
		return 1;
	qt_case = "closing";
	base = qt_socks();
	rl.pass = relay_pass;
	pid = qt_relay_serve(&rl, ack_delay_setup, server, &sr, &slr);
	if (pid < 0)
		return 1;
	kept0 = qt_snmp("QuicClosingKept");
	rep0 = qt_snmp("QuicCloseRepeats");
	rst0 = qt_snmp("QuicStatelessResetsSent");
	fd = qt_connect(&sr, slr, cli_setup, NULL, &hret);
	if (fd < 0 || hret || qt_await('R', 20000)) {
		printf("FAIL closing_connect: handshake %d\n", hret);
		goto out;
	}
	strcpy((char *)cc.phrase, "bye");
	setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc, sizeof(cc));
	relay.drop = 1;
	close(fd);
	/* the copies of the CONNECTION_CLOSE are sent in close(); the relay
	 * reads them in order, so once three are dropped it may forward
	 * again (nothing else is sent by the closed socket unprompted)
	 */
	for (k = 0; k < 200 && relay.dropped < 3; k++)
		usleep(5000);
	relay.drop = 0;
	printf("INFO closing: %u client datagrams dropped after close()\n",
	       relay.dropped);
	qt_tell('C');
out:
	n = qt_serve_wait(pid);
	t_result(!n, "closing_server", "the server side failed");
	/* the server close()d in its draining period */
	t_result(qt_snmp("QuicClosingKept") - kept0 == 2 &&
		 qt_snmp("QuicCloseRepeats") - rep0 >= 1, "closing_counted",
		 "QuicClosingKept +%ld (expected 2), QuicCloseRepeats +%ld",
		 qt_snmp("QuicClosingKept") - kept0,
		 qt_snmp("QuicCloseRepeats") - rep0);
	t_result(qt_snmp("QuicStatelessResetsSent") == rst0, "closing_no_reset",
		 "QuicStatelessResetsSent +%ld",
		 qt_snmp("QuicStatelessResetsSent") - rst0);
	for (k = 0; k < 150 && qt_socks() > base; k++)
		usleep(100000);
	t_result(qt_socks() <= base, "closing_released",
		 "%d QUIC sockets 15 s after both closed, %d before", qt_socks(),
		 base);
	rl.stop = 1;
	pthread_join(rl.th, NULL);
	qt_done();
	return t_exit();
}
