// SPDX-License-Identifier: GPL-2.0-or-later
/* The end of a connection as the application sees it (quic(7), "Connection
 * end"): QUIC_EVENT_CONNECTION_CLOSE and the errno for each way it ends,
 * the idle timeout and keep-alive, shutdown() and SO_LINGER.
 *
 *   close_app_{event,errno,sockopt,send}  the peer closed with an error
 *       code and phrase: the event carries them, recvmsg fails with
 *       ECONNRESET, QUIC_SOCKOPT_CONNECTION_CLOSE get returns them,
 *       sendmsg fails with EPIPE
 *   close_clean_{event,eof,send}  the peer closed with code 0: event with
 *       errcode 0, recvmsg returns 0, sendmsg EPIPE
 *   idle_timeout_{event,errno,time,server}  the server's max_idle_timeout
 *       (2 s) is below the client's (30 s): both end after ~2 s idle with
 *       the event (phrase "idle timeout") and ETIMEDOUT
 *   keepalive_{survives,pings}  the same, with keepalive_probe_interval
 *       500 ms on the client: after 5 s idle data still flows, and
 *       QuicKeepalives in /proc/net/quic/snmp grew
 *   shutdown_wr_{fin,send,recv}  SHUT_WR ends the most recent stream with
 *       a FIN; sendmsg then fails with EPIPE; receiving still works
 *   shutdown_rdwr_{peer,eof,hup}  SHUT_RDWR closes the connection with the
 *       QUIC_SOCKOPT_CONNECTION_CLOSE values and keeps the descriptor
 *   shutdown_unconnected  ENOTCONN
 *   linger_{data,time}  close() with SO_LINGER {1, 10} right after 4 MiB
 *       were queued: the peer reads all of it with the FIN
 *   linger_zero_{time,peer}  SO_LINGER {1, 0}: close() returns at once and
 *       the peer sees the CONNECTION_CLOSE (before the data's end, or after
 *       it when the data was faster), never a FIN on partial data
 */
#include "conn.h"

enum { CLOSE_APP, CLOSE_CLEAN, IDLE, KEEPALIVE, SHUT_WR_CASE, SHUT_RDWR_CASE,
       LINGER, LINGER_ZERO };

#define IDLE_US		2000000u
#define LINGER_LEN	(4 * QT_MB)

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* a counter of /proc/net/quic/snmp (0 if missing) */
#define snmp(name) ((unsigned long)(qt_snmp(name) > 0 ? qt_snmp(name) : 0))

/* read until an event of type CONNECTION_CLOSE or an error/EOF; *@cc gets
 * the event (errcode 0xffffffff if none came). Returns recvmsg's last
 * result; errno is kept.
 */
static ssize_t read_to_end(int fd, struct quic_connection_close *cc,
			   uint64_t *bytes, int *fin)
{
	static unsigned char buf[65536];
	struct qt_rcv r;
	ssize_t n;

	memset(cc, 0, sizeof(*cc));
	cc->errcode = 0xffffffff;
	for (;;) {
		n = qt_recv(fd, buf, sizeof(buf), 0, &r);
		if (n < 0)
			return n;
		if (r.mflags & MSG_QUIC_NOTIFICATION) {
			if (buf[0] == QUIC_EVENT_CONNECTION_CLOSE &&
			    (size_t)n == 1 + sizeof(*cc))
				memcpy(cc, buf + 1, sizeof(*cc));
			continue;
		}
		if (r.sid < 0 && !n)
			return 0;
		if (r.sid >= 0 && bytes)
			*bytes += (uint64_t)n;
		if (fin && (r.sflags & MSG_QUIC_STREAM_FIN))
			*fin = 1;
	}
}

static int srv_setup(int lfd, void *arg)
{
	int mode = (int)(intptr_t)arg;
	struct quic_transport_param p;

	if (mode != IDLE && mode != KEEPALIVE)
		return 0;
	if (qt_get_tp(lfd, &p))
		return -1;
	p.max_idle_timeout = IDLE_US;
	return qt_set_tp(lfd, &p);
}

static int cli_setup(int fd, void *arg)
{
	int mode = (int)(intptr_t)arg;
	struct quic_config c;

	if (mode != KEEPALIVE)
		return 0;
	if (qt_get_config(fd, &c))
		return -1;
	c.keepalive_probe_interval = 500000;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, sizeof(c));
}

static int client(int fd, void *arg)
{
	static unsigned char buf[LINGER_LEN];
	int mode = (int)(intptr_t)arg;
	struct quic_connection_close cc = { 0 };
	struct linger lg = { .l_onoff = 1 };
	unsigned long pings;
	struct qt_rcv r;
	double t0;
	ssize_t n;
	int fin = 0;

	qt_event_enable(fd, QUIC_EVENT_CONNECTION_CLOSE, 1);
	switch (mode) {
	case CLOSE_APP:
		cc.errcode = 0x42;
		strcpy((char *)cc.phrase, "app done");
		setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc,
			   sizeof(cc));
		/* fallthrough */
	case CLOSE_CLEAN:
		qt_await('R', 10000);
		close(fd);
		break;
	case IDLE:
		t0 = now_s();
		n = read_to_end(fd, &cc, NULL, NULL);
		t_result(cc.errcode == 0 && !strcmp((char *)cc.phrase, "idle timeout"),
			 "idle_timeout_event", "errcode %x phrase '%.64s'",
			 cc.errcode, (char *)cc.phrase);
		t_result(n < 0 && errno == ETIMEDOUT, "idle_timeout_errno",
			 "recvmsg %zd (%s)", n, n < 0 ? strerror(errno) : "");
		t0 = now_s() - t0;
		t_result(t0 > 1.5 && t0 < 8, "idle_timeout_time",
			 "ended after %.2f s (idle timeout 2 s)", t0);
		break;
	case KEEPALIVE:
		pings = snmp("QuicKeepalives");
		sleep(5);
		n = qt_send(fd, "x", 1, -1, MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN, 0);
		do {
			n = qt_recv(fd, buf, 64, 0, &r);
		} while (n > 0 && (r.mflags & MSG_QUIC_NOTIFICATION));
		t_result(n == 1 && buf[0] == 'y', "keepalive_survives",
			 "after 5 s idle: recvmsg %zd (%s)", n,
			 n < 0 ? strerror(errno) : "");
		t_result(snmp("QuicKeepalives") >= pings + 3, "keepalive_pings",
			 "QuicKeepalives went from %lu to %lu", pings,
			 snmp("QuicKeepalives"));
		break;
	case SHUT_WR_CASE:
		qt_send(fd, "abc", 3, -1, MSG_QUIC_STREAM_NEW, 0);
		T_OK("shutdown_wr_call", shutdown(fd, SHUT_WR));
		T_ERR("shutdown_wr_send", qt_send(fd, "d", 1, 0, 0, 0), EPIPE);
		do {
			n = qt_recv(fd, buf, 64, 0, &r);
		} while (n > 0 && r.sid != 1);
		t_result(n == 2 && !memcmp(buf, "ok", 2) &&
			 (r.sflags & MSG_QUIC_STREAM_FIN), "shutdown_wr_recv",
			 "recvmsg %zd (%s)", n, n < 0 ? strerror(errno) : "");
		qt_await('D', 10000);
		break;
	case SHUT_RDWR_CASE:
		cc.errcode = 0x7;
		strcpy((char *)cc.phrase, "shut");
		setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc,
			   sizeof(cc));
		qt_await('R', 10000);
		T_OK("shutdown_rdwr_call", shutdown(fd, SHUT_RDWR));
		n = qt_recv(fd, buf, 64, 0, &r);
		t_result(n == 0, "shutdown_rdwr_eof", "recvmsg %zd (%s)", n,
			 n < 0 ? strerror(errno) : "");
		t_result(qt_poll(fd, POLLIN, 0) & POLLHUP, "shutdown_rdwr_hup",
			 "poll has no POLLHUP");
		T_ERR("shutdown_rdwr_send", qt_send(fd, "d", 1, -1,
						    MSG_QUIC_STREAM_NEW, 0), EPIPE);
		qt_await('D', 10000);
		break;
	case LINGER:
	case LINGER_ZERO:
		qt_fill(buf, LINGER_LEN, 0, 0);
		if (qt_send_all(fd, buf, LINGER_LEN, -1,
				MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN))
			t_result(0, "linger_send", "%s", strerror(errno));
		lg.l_linger = mode == LINGER ? 10 : 0;
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		t0 = now_s();
		close(fd);
		t0 = now_s() - t0;
		if (mode == LINGER)
			t_result(t0 < 10, "linger_time",
				 "close() took %.2f s", t0);
		else
			t_result(t0 < 0.5, "linger_zero_time",
				 "close() took %.2f s", t0);
		qt_await('D', 20000);
		break;
	}
	(void)fin;
	return 0;
}

static int server(int fd, void *arg)
{
	static unsigned char buf[65536];
	int mode = (int)(intptr_t)arg;
	struct quic_connection_close cc;
	uint64_t bytes = 0;
	socklen_t len;
	struct qt_rcv r;
	ssize_t n;
	int fin = 0;

	qt_event_enable(fd, QUIC_EVENT_CONNECTION_CLOSE, 1);
	switch (mode) {
	case CLOSE_APP:
	case CLOSE_CLEAN:
		qt_tell('R');
		n = read_to_end(fd, &cc, NULL, NULL);
		if (mode == CLOSE_APP) {
			t_result(cc.errcode == 0x42 && cc.frame == 0 &&
				 !strcmp((char *)cc.phrase, "app done"),
				 "close_app_event", "errcode %x frame %u '%.64s'",
				 cc.errcode, cc.frame, (char *)cc.phrase);
			t_result(n < 0 && errno == ECONNRESET, "close_app_errno",
				 "recvmsg %zd (%s)", n, n < 0 ? strerror(errno) : "");
			memset(&cc, 0, sizeof(cc));
			len = sizeof(cc);
			getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc,
				   &len);
			t_result(cc.errcode == 0x42 &&
				 !strcmp((char *)cc.phrase, "app done"),
				 "close_app_sockopt", "%x '%.64s'", cc.errcode,
				 (char *)cc.phrase);
			T_ERR("close_app_send", qt_send(fd, "z", 1, -1,
							MSG_QUIC_STREAM_NEW, 0),
			      EPIPE);
		} else {
			t_result(cc.errcode == 0 && !cc.phrase[0],
				 "close_clean_event", "errcode %x '%.64s'",
				 cc.errcode, (char *)cc.phrase);
			t_result(n == 0, "close_clean_eof", "recvmsg %zd (%s)", n,
				 n < 0 ? strerror(errno) : "");
			T_ERR("close_clean_send", qt_send(fd, "z", 1, -1,
							  MSG_QUIC_STREAM_NEW, 0),
			      EPIPE);
		}
		break;
	case IDLE:
		n = read_to_end(fd, &cc, NULL, NULL);
		t_result(n < 0 && errno == ETIMEDOUT &&
			 !strcmp((char *)cc.phrase, "idle timeout"),
			 "idle_timeout_server", "recvmsg %zd (%s), event '%.64s'",
			 n, n < 0 ? strerror(errno) : "", (char *)cc.phrase);
		break;
	case KEEPALIVE:
		do {
			n = qt_recv(fd, buf, 64, 0, &r);
		} while (n > 0 && (r.mflags & MSG_QUIC_NOTIFICATION));
		if (n != 1 || qt_send(fd, "y", 1, r.sid, MSG_QUIC_STREAM_FIN, 0) != 1)
			t_result(0, "keepalive_server", "recvmsg %zd (%s)", n,
				 n < 0 ? strerror(errno) : "");
		sleep(1);
		break;
	case SHUT_WR_CASE:
		do {
			n = qt_recv(fd, buf, 64, 0, &r);
			if (n > 0 && r.sid == 0)
				bytes += (uint64_t)n;
		} while (n >= 0 && !(r.sid == 0 && (r.sflags & MSG_QUIC_STREAM_FIN)));
		t_result(n >= 0 && bytes == 3, "shutdown_wr_fin",
			 "stream 0: %llu bytes, recvmsg %zd (%s)",
			 (unsigned long long)bytes, n, n < 0 ? strerror(errno) : "");
		qt_send(fd, "ok", 2, 1, MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN, 0);
		qt_await_any(2000);
		qt_tell('D');
		break;
	case SHUT_RDWR_CASE:
		qt_tell('R');
		n = read_to_end(fd, &cc, NULL, NULL);
		t_result(cc.errcode == 7 && !strcmp((char *)cc.phrase, "shut") &&
			 n < 0 && errno == ECONNRESET, "shutdown_rdwr_peer",
			 "event %x '%.64s', recvmsg %zd (%s)", cc.errcode,
			 (char *)cc.phrase, n, n < 0 ? strerror(errno) : "");
		qt_tell('D');
		break;
	case LINGER:
	case LINGER_ZERO:
		n = read_to_end(fd, &cc, &bytes, &fin);
		if (mode == LINGER)
			t_result(bytes == LINGER_LEN && fin, "linger_data",
				 "%llu of %u bytes, FIN %d, recvmsg %zd (%s)",
				 (unsigned long long)bytes, LINGER_LEN, fin, n,
				 n < 0 ? strerror(errno) : "");
		else
			/* the close may cut the data or come after all of
			 * it (a fast guest delivers 4 MiB before close()):
			 * either way the peer sees the CONNECTION_CLOSE, and
			 * a FIN only after every byte
			 */
			t_result(cc.errcode == 0 && bytes <= LINGER_LEN &&
				 (!fin || bytes == LINGER_LEN),
				 "linger_zero_peer",
				 "%llu of %u bytes, FIN %d, close event %x",
				 (unsigned long long)bytes, LINGER_LEN, fin,
				 cc.errcode);
		qt_tell('D');
		break;
	}
	return 0;
}

int main(void)
{
	static const struct {
		const char *name;
		int mode;
	} cases[] = {
		{ "close_app", CLOSE_APP },
		{ "close_clean", CLOSE_CLEAN },
		{ "idle_timeout", IDLE },
		{ "keepalive", KEEPALIVE },
		{ "shutdown_wr", SHUT_WR_CASE },
		{ "shutdown_rdwr", SHUT_RDWR_CASE },
		{ "linger", LINGER },
		{ "linger_zero", LINGER_ZERO },
	};
	int fd;

	if (qt_init())
		return 1;
	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	T_ERR("shutdown_unconnected", shutdown(fd, SHUT_RDWR), ENOTCONN);
	close(fd);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct qt_pair p = {
			.name = cases[i].name,
			.srv_setup = srv_setup,
			.cli_setup = cli_setup,
			.client = client,
			.server = server,
			.arg = (void *)(intptr_t)cases[i].mode,
			.timeout = 40,
		};

		qt_run(&p);
	}
	qt_done();
	return t_exit();
}
