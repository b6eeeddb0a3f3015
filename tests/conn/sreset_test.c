// SPDX-License-Identifier: GPL-2.0-or-later
/* Stateless reset (RFC 9000 10.3), in a network namespace of its own: the
 * server's connection disappears without its CONNECTION_CLOSE reaching the
 * client (netem drops everything on lo while the server closes; a socket
 * bound to the same address keeps the server's UDP port open). The client's
 * next packet reaches a host without the connection, which answers with a
 * stateless reset carrying the token of the server's ID.
 *
 *   sreset_data_before        1000 bytes reach the server first
 *   sreset_recv_econnreset    the client's recvmsg() fails with ECONNRESET
 *                             within 10 s of its next send
 *   sreset_event              QUIC_EVENT_CONNECTION_CLOSE came first: errcode
 *                             0, phrase "stateless reset"
 *   sreset_send_after         a send afterwards fails (ECONNRESET or EPIPE)
 *   sreset_counters           /proc/net/quic/snmp counts a reset sent and one
 *                             received
 */
#include <sched.h>

#include "conn.h"

static char err[256];

static int client(int fd, void *arg)
{
	static unsigned char buf[4096];
	long sent0 = qt_snmp("QuicStatelessResetsSent");
	long rcvd0 = qt_snmp("QuicStatelessResetsRcvd");
	struct quic_connection_close cc;
	struct timeval tv = { .tv_sec = 10 };
	int got_event = 0, reset = 0;
	struct qt_rcv r;
	ssize_t n;

	(void)arg;
	qt_event_enable(fd, QUIC_EVENT_CONNECTION_CLOSE, 1);
	qt_fill(buf, 1000, 0, 0);
	if (qt_send_all(fd, buf, 1000, -1, MSG_QUIC_STREAM_NEW)) {
		t_result(0, "sreset_data_before", "send: %s", strerror(errno));
		qt_tell('X');
		return -1;
	}
	qt_stage = "waiting for the server to read";
	if (qt_await('R', 20000))
		return -1;
	if (system("tc qdisc add dev lo root netem loss 100%")) {
		t_result(0, "sreset_netem", "tc qdisc add dev lo root netem failed");
		qt_tell('X');
		return -1;
	}
	qt_tell('L');
	qt_stage = "waiting for the server to close";
	if (qt_await('C', 20000))
		return -1;
	sleep(2);	/* any closing period of the server's socket ends */
	if (system("tc qdisc del dev lo root")) {
		t_result(0, "sreset_netem", "tc qdisc del dev lo root failed");
		qt_tell('X');
		return -1;
	}
	qt_stage = "sending to the vanished connection";
	qt_fill(buf, 1000, 0, 1000);
	qt_send(fd, buf, 1000, 0, 0, MSG_DONTWAIT);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	qt_stage = "waiting for the reset";
	for (;;) {
		n = qt_recv(fd, buf, sizeof(buf), 0, &r);
		if (n < 0) {
			reset = errno == ECONNRESET;
			snprintf(err, sizeof(err), "recvmsg: %s", strerror(errno));
			break;
		}
		if ((r.mflags & MSG_QUIC_NOTIFICATION) &&
		    buf[0] == QUIC_EVENT_CONNECTION_CLOSE &&
		    n == 1 + (ssize_t)sizeof(cc)) {
			memcpy(&cc, buf + 1, sizeof(cc));
			got_event = 1;
			continue;
		}
		if (!n) {
			snprintf(err, sizeof(err), "recvmsg returned 0");
			break;
		}
	}
	t_result(reset, "sreset_recv_econnreset", "%s", err);
	t_result(got_event && cc.errcode == 0 &&
		 !strcmp((char *)cc.phrase, "stateless reset"), "sreset_event",
		 "event %d, errcode 0x%x, phrase '%.64s'", got_event,
		 got_event ? cc.errcode : 0, got_event ? (char *)cc.phrase : "");
	n = qt_send(fd, buf, 10, 0, 0, MSG_DONTWAIT);
	t_result(n < 0 && (errno == ECONNRESET || errno == EPIPE),
		 "sreset_send_after", "send returned %zd (%s)", n,
		 n < 0 ? strerror(errno) : "accepted");
	t_result(qt_snmp("QuicStatelessResetsSent") > sent0 &&
		 qt_snmp("QuicStatelessResetsRcvd") > rcvd0, "sreset_counters",
		 "sent %ld -> %ld, received %ld -> %ld", sent0,
		 qt_snmp("QuicStatelessResetsSent"), rcvd0,
		 qt_snmp("QuicStatelessResetsRcvd"));
	qt_tell('D');
	return 0;
}

static int server(int fd, void *arg)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct qt_rstream st = { 0 };
	unsigned char buf[2048];
	struct qt_rcv r;
	ssize_t n;
	int hold;

	(void)arg;
	qt_stage = "reading 1000 bytes";
	while (st.got < 1000) {
		n = qt_recv(fd, buf, sizeof(buf), 0, &r);
		if (n <= 0) {
			t_result(0, "sreset_data_before", "recvmsg: %s",
				 n ? strerror(errno) : "0");
			qt_tell('X');
			return -1;
		}
		if (r.sid != 0)
			continue;
		if (qt_check(buf, (size_t)n, 0, st.got) >= 0) {
			t_result(0, "sreset_data_before", "wrong data");
			qt_tell('X');
			return -1;
		}
		st.got += (uint64_t)n;
	}
	t_result(st.got == 1000, "sreset_data_before", "%llu bytes",
		 (unsigned long long)st.got);
	/* keep the UDP port: a socket bound to the same address shares it */
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	hold = socket(ss.ss_family, SOCK_DGRAM, IPPROTO_QUIC);
	if (hold < 0 || bind(hold, (struct sockaddr *)&ss, sl)) {
		t_result(0, "sreset_hold_port", "%s", strerror(errno));
		qt_tell('X');
		return -1;
	}
	qt_tell('R');
	if (qt_await('L', 20000))
		return -1;
	close(fd);	/* its CONNECTION_CLOSE is dropped */
	qt_tell('C');
	qt_await('D', 40000);
	close(hold);
	return 0;
}

int main(void)
{
	if (unshare(CLONE_NEWNET) || system("ip link set lo up")) {
		printf("SKIP sreset: no network namespace of its own\n");
		return 0;
	}
	if (system("tc qdisc add dev lo root netem delay 0ms 2>/dev/null") ||
	    system("tc qdisc del dev lo root")) {
		printf("SKIP sreset: no netem qdisc\n");
		return 0;
	}
	if (qt_init())
		return 1;
	qt_run(&(struct qt_pair){ .name = "sreset", .timeout = 60,
				  .client = client, .server = server });
	qt_done();
	return t_exit();
}
