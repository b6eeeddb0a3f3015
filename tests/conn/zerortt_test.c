// SPDX-License-Identifier: GPL-2.0-or-later
/* 0-RTT end to end. A first connection leaves the session data and the
 * server's transport parameters on the client; later clients set both
 * (QUIC_SOCKOPT_SESSION_TICKET, QUIC_SOCKOPT_TRANSPORT_PARAM with remote=1)
 * before connect(), run the handshake in a thread and sendmsg() at once:
 * the data goes in 0-RTT packets. The server sleeps before its handshake,
 * so 0-RTT packets arrive before their key and are held. The counters of
 * /proc/net/quic/snmp tell how the data travelled.
 *
 *   zerortt_params_after_connect  TRANSPORT_PARAM remote=1 after connect():
 *                               EISCONN
 *   zerortt_accepted            the server read every byte (count and sum)
 *   zerortt_accepted_datagram   a DATAGRAM written during the handshake
 *                               reached the server (in 0-RTT)
 *   zerortt_accepted_sent       QuicZeroRttSent and QuicZeroRttRcvd grew,
 *                               QuicZeroRttAccepted by 2 (both sides),
 *                               QuicZeroRttBuffered grew, no rejection
 *   zerortt_rejected            against a server with another ticket key
 *                               (it cannot decrypt the ticket) every byte
 *                               still arrives, once (count and sum)
 *   zerortt_rejected_counted    QuicZeroRttSent grew, QuicZeroRttRejected
 *                               by 1, QuicZeroRttDropped grew (the server
 *                               threw the 0-RTT packets away), no
 *                               acceptance
 *   zerortt_no_ticket           remembered parameters but no session data:
 *                               sendmsg() waits for the handshake, the
 *                               data goes as 1-RTT (QuicZeroRttSent same)
 *   zerortt_limit_shrunk        0-RTT accepted but the server's new
 *                               max_streams_bidi is below the remembered
 *                               one: the client's handshake fails (EPROTO,
 *                               PROTOCOL_VIOLATION)
 *   zerortt_limit_shrunk_event  the client detected that error itself: its
 *                               QUIC_EVENT_CONNECTION_CLOSE (on before
 *                               connect()) has errcode PROTOCOL_VIOLATION
 *   zerortt_replay              the datagrams of an accepted 0-RTT
 *                               connection sent again: the server's TLS
 *                               refuses the early data (anti-replay), the
 *                               replayed 0-RTT packets are not processed
 */
#include <pthread.h>
#include <syslog.h>

#include "conn.h"

#define ZLEN	3000	/* 0-RTT payload: three packets */

static int replay_seen;

static void logger(int level, const char *msg)
{
	(void)level;
	if (strstr(msg, "replayed ClientHello"))
		replay_seen++;
}

/* a counter of /proc/net/quic/snmp (0 if missing) */
#define snmp(name) ((unsigned long)(qt_snmp(name) > 0 ? qt_snmp(name) : 0))

enum { C_SENT, C_RCVD, C_ACC, C_REJ, C_BUF, C_DROP, C_MAX };
static const char *const cnames[C_MAX] = {
	"QuicZeroRttSent", "QuicZeroRttRcvd", "QuicZeroRttAccepted",
	"QuicZeroRttRejected", "QuicZeroRttBuffered", "QuicZeroRttDropped",
};

static void counters(unsigned long *c)
{
	for (int i = 0; i < C_MAX; i++)
		c[i] = snmp(cnames[i]);
}

static uint32_t sum(const unsigned char *p, size_t n)
{
	uint32_t s = 0;

	while (n--)
		s = s * 31 + *p++;
	return s;
}

/* server: read one stream to its end, answer "<bytes> <sum> <datagrams>"
 * on it
 */
static void serve(int fd)
{
	static unsigned char buf[65536];
	size_t got = 0;
	struct qt_rcv r;
	char out[64];
	int64_t sid = -1;
	int dg = 0;
	ssize_t n;

	for (;;) {
		n = qt_recv(fd, buf + got, sizeof(buf) - got, 0, &r);
		if (n <= 0)
			return;
		if (r.mflags & MSG_QUIC_DATAGRAM) {
			dg++;
			continue;
		}
		if (r.sid < 0)
			continue;	/* an event */
		sid = r.sid;
		got += (size_t)n;
		if (r.sflags & MSG_QUIC_STREAM_FIN)
			break;
	}
	n = snprintf(out, sizeof(out), "%zu %u %d", got, sum(buf, got), dg);
	qt_send(fd, out, (size_t)n, sid, MSG_QUIC_STREAM_FIN, 0);
}

struct hs {
	int fd;
	int server;
	int ret;
};

static void *hs_thread(void *arg)
{
	struct hs *h = arg;

	h->ret = h->server ? quic_server_handshake(h->fd, qt_psk, NULL, NULL) :
			     quic_client_handshake(h->fd, qt_psk, NULL, NULL);
	return NULL;
}

/* accept on @lfd, wait @delay ms (0-RTT packets come before the key),
 * handshake and serve
 */
static int serve_one(int lfd, int delay, int must)
{
	int fd, ret;

	qt_stage = "accept";
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return -1;
	if (delay)
		usleep((useconds_t)delay * 1000);
	qt_stage = "handshake";
	ret = quic_server_handshake(fd, qt_psk, NULL, NULL);
	if (ret && must) {
		printf("FAIL zerortt_server_handshake: %s\n", strerror(-ret));
		close(fd);
		return -1;
	}
	if (!ret)
		serve(fd);
	qt_await('D', 20000);
	close(fd);
	return 0;
}

static void server(int la, int lb)
{
	unsigned long c0[C_MAX], c1[C_MAX];
	struct hs h = { .server = 1 };
	pthread_t t;
	char res;

	qt_side = "server";
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(150);
	quic_set_log_func(logger);
	quic_set_log_level(LOG_NOTICE);
	if (serve_one(la, 0, 1) ||	/* 1: full handshake, ticket */
	    serve_one(la, 300, 1) ||	/* 2: 0-RTT accepted */
	    serve_one(lb, 300, 1) ||	/* 3: other key: 0-RTT rejected */
	    serve_one(la, 300, 1) ||	/* 4: no session data */
	    serve_one(la, 300, 0) ||	/* 5: shrunk limit */
	    serve_one(la, 300, 1))	/* 6: through the relay */
		exit(1);
	/* 7: the replayed datagrams: a handshake nobody finishes */
	qt_stage = "replay";
	counters(c0);	/* accept() processes what came with the Initial */
	h.fd = accept(la, NULL, NULL);
	if (h.fd < 0)
		exit(1);
	pthread_create(&t, NULL, hs_thread, &h);
	sleep(2);
	counters(c1);
	/* the replayed 0-RTT packets came (held for a key) and none was
	 * processed: GnuTLS gave no early key
	 */
	res = c1[C_RCVD] == c0[C_RCVD] && c1[C_ACC] == c0[C_ACC] &&
	      c1[C_BUF] > c0[C_BUF] ? 'R' : 'N';
	printf("# replay: %d refusals logged by libquic, %lu 0-RTT packets held, %lu processed\n",
	       replay_seen, c1[C_BUF] - c0[C_BUF], c1[C_RCVD] - c0[C_RCVD]);
	qt_tell(res);
	exit(0);
}

/* a client: @tp (remote=1) and @data before connect(), the handshake in a
 * thread, ZLEN bytes on a new stream from this thread as soon as sendmsg()
 * takes them; returns the socket, *@hret the handshake's result
 */
static int zconn_events;	/* QUIC_EVENT_CONNECTION_CLOSE on before connect() */

static int zconn(const struct sockaddr_storage *ss, socklen_t sl,
		 const struct quic_transport_param *tp, const void *data,
		 socklen_t dlen, const unsigned char *payload, int *hret,
		 int dgram)
{
	struct hs h = { 0 };
	pthread_t t;
	ssize_t n;
	int fd;

	fd = socket(ss->ss_family, SOCK_DGRAM, IPPROTO_QUIC);
	if (fd < 0 || (tp && qt_set_tp(fd, tp)) ||
	    (zconn_events && qt_event_enable(fd, QUIC_EVENT_CONNECTION_CLOSE, 1)) ||
	    (dlen && setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, data, dlen)) ||
	    connect(fd, (const struct sockaddr *)ss, sl)) {
		printf("FAIL zerortt_client_setup: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	h.fd = fd;
	qt_stage = "handshake";
	pthread_create(&t, NULL, hs_thread, &h);
	n = qt_send(fd, payload, ZLEN, -1, MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN, 0);
	if (dgram && qt_send_plain(fd, "0-RTT datagram", 14, MSG_QUIC_DATAGRAM) != 14)
		printf("# datagram: %s\n", strerror(errno));
	pthread_join(t, NULL);
	*hret = h.ret;
	if (n != ZLEN && !h.ret)
		printf("# sendmsg: %zd (%s)\n", n, n < 0 ? strerror(errno) : "");
	return fd;
}

/* the server's answer: did it get ZLEN bytes of @payload? (and how many
 * datagrams, in *@dg)
 */
static int answer_dg(int fd, const unsigned char *payload, int *dg)
{
	char buf[64], want[64], *sp;
	struct qt_rcv r;
	ssize_t n;

	*dg = -1;
	snprintf(want, sizeof(want), "%d %u", ZLEN, sum(payload, ZLEN));
	do {
		n = qt_recv(fd, buf, sizeof(buf) - 1, 0, &r);
	} while (n > 0 && r.sid < 0);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	sp = strrchr(buf, ' ');
	if (sp) {
		*dg = atoi(sp + 1);
		*sp = 0;
	}
	if (strcmp(buf, want))
		printf("# server got \"%s\", expected \"%s\"\n", buf, want);
	return !strcmp(buf, want);
}

static int answer_ok(int fd, const unsigned char *payload)
{
	int dg;

	return answer_dg(fd, payload, &dg);
}

/* a UDP relay between the client and the server that keeps the client's
 * first datagrams, to send them again later
 */
#define RELAY_KEEP	4

static struct {
	int rfd, ffd;
	struct sockaddr_storage cli;
	socklen_t clen;
	unsigned char kept[RELAY_KEEP][1500];
	ssize_t klen[RELAY_KEEP];
	int nkept, nzrtt, initial;
	volatile int stop;
} relay;

/* the datagrams worth replaying: the first one with an Initial (the
 * ClientHello) and those with 0-RTT packets (not the client's ACKs nor its
 * Handshake or 1-RTT packets)
 */
static int keep(const unsigned char *p, size_t n)
{
	int types = qt_long_types(p, n, NULL), k = 0;

	if ((types & 1) && !relay.initial && !relay.nkept)
		relay.initial = k = 1;
	if (types & 2) {
		relay.nzrtt++;
		k = 1;
	}
	return k;
}

static void *relay_thread(void *arg)
{
	unsigned char buf[65536];
	struct pollfd p[2];
	ssize_t n;

	(void)arg;
	p[0].fd = relay.rfd;
	p[1].fd = relay.ffd;
	p[0].events = p[1].events = POLLIN;
	while (!relay.stop) {
		if (poll(p, 2, 100) <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			relay.clen = sizeof(relay.cli);
			n = recvfrom(relay.rfd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&relay.cli, &relay.clen);
			if (n > 0 && relay.nkept < RELAY_KEEP && n <= 1500 &&
			    keep(buf, (size_t)n)) {
				memcpy(relay.kept[relay.nkept], buf, (size_t)n);
				relay.klen[relay.nkept++] = n;
			}
			if (n > 0)
				send(relay.ffd, buf, (size_t)n, 0);
		}
		if (p[1].revents & POLLIN) {
			n = recv(relay.ffd, buf, sizeof(buf), 0);
			if (n > 0 && relay.clen)
				sendto(relay.rfd, buf, (size_t)n, 0,
				       (struct sockaddr *)&relay.cli, relay.clen);
		}
	}
	return NULL;
}

static int listener(struct sockaddr_storage *ss, socklen_t *sl,
		    const unsigned char *key)
{
	int lfd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	struct quic_transport_param p = { .max_datagram_frame_size = 1200 };

	*sl = qt_loopback(AF_INET, ss, 0);
	if (lfd < 0 || qt_set_tp(lfd, &p) ||
	    setsockopt(lfd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, key, 64) ||
	    bind(lfd, (struct sockaddr *)ss, *sl) || listen(lfd, 16))
		return -1;
	*sl = sizeof(*ss);
	getsockname(lfd, (struct sockaddr *)ss, sl);
	return lfd;
}

static void delta(const unsigned long *a, const unsigned long *b,
		  unsigned long *d)
{
	for (int i = 0; i < C_MAX; i++)
		d[i] = b[i] - a[i];
}

static void show(const char *what, const unsigned long *d)
{
	printf("# %s: sent %lu rcvd %lu accepted %lu rejected %lu buffered %lu dropped %lu\n",
	       what, d[C_SENT], d[C_RCVD], d[C_ACC], d[C_REJ], d[C_BUF], d[C_DROP]);
}

int main(void)
{
	static unsigned char data[8192], keya[64], keyb[64], payload[ZLEN];
	unsigned long c0[C_MAX], c1[C_MAX], d[C_MAX];
	struct sockaddr_storage sa, sb, sr;
	struct quic_transport_param tp, bad;
	socklen_t sla, slb, slr, dlen = sizeof(data);
	int la, lb, fd, sv[2], st, hret = -1, ok, dg, left;
	unsigned int port;
	struct quic_config cfg;
	struct __attribute__((packed)) {
		uint8_t type;
		struct quic_connection_close cc;
	} ev;
	struct qt_rcv r;
	pthread_t rt;
	ssize_t n;
	pid_t pid;

	if (qt_init())
		return 1;
	qt_case = "zerortt";
	srand((unsigned int)getpid());
	for (size_t i = 0; i < sizeof(keya); i++) {
		keya[i] = (unsigned char)rand();
		keyb[i] = (unsigned char)rand();
	}
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (unsigned char)(rand() >> 3);
	la = listener(&sa, &sla, keya);
	lb = listener(&sb, &slb, keyb);
	if (la < 0 || lb < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv)) {
		printf("FAIL zerortt_setup: %s\n", strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		qt_ctl = sv[1];
		server(la, lb);
	}
	close(sv[1]);
	close(la);
	close(lb);
	qt_ctl = sv[0];
	qt_child = pid;
	alarm(160);

	/* 1: full handshake; keep the session data and the parameters */
	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	if (fd < 0 || qt_get_config(fd, &cfg))
		goto out;
	cfg.receive_session_ticket = 5;
	setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, sizeof(cfg));
	qt_event_enable(fd, QUIC_EVENT_NEW_SESSION_TICKET, 1);
	if (connect(fd, (struct sockaddr *)&sa, sla) ||
	    (hret = quic_client_handshake(fd, qt_psk, NULL, NULL))) {
		printf("FAIL zerortt_first: handshake %s\n", strerror(-hret));
		goto out;
	}
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, data, &dlen))
		dlen = 0;
	{
		socklen_t len = sizeof(tp);

		/* the server's parameters: remote = 1 selects them */
		memset(&tp, 0, sizeof(tp));
		tp.remote = 1;
		if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &tp, &len) ||
		    !tp.remote || tp.max_datagram_frame_size != 1200) {
			printf("FAIL zerortt_first: the server's parameters: %s\n",
			       strerror(errno));
			goto out;
		}
	}
	{
		struct quic_transport_param p = tp;

		errno = 0;
		t_result(qt_set_tp(fd, &p) == -1 && errno == EISCONN,
			 "zerortt_params_after_connect", "setsockopt: %s",
			 strerror(errno));
	}
	qt_send(fd, payload, ZLEN, -1, MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN, 0);
	answer_ok(fd, payload);
	qt_tell('D');
	close(fd);
	if (!dlen) {
		printf("FAIL zerortt_first: no session data\n");
		goto out;
	}

	/* 2: 0-RTT accepted */
	counters(c0);
	fd = zconn(&sa, sla, &tp, data, dlen, payload, &hret, 1);
	if (fd < 0 || hret) {
		printf("FAIL zerortt_accepted: handshake %s\n", strerror(-hret));
		goto out;
	}
	T_OK("zerortt_accepted", answer_dg(fd, payload, &dg) ? 0 : -1);
	t_result(dg == 1, "zerortt_accepted_datagram", "the server got %d datagrams",
		 dg);
	counters(c1);
	delta(c0, c1, d);
	show("accepted", d);
	t_result(d[C_SENT] > 0 && d[C_RCVD] > 0 && d[C_ACC] == 2 && !d[C_REJ] &&
		 d[C_BUF] > 0, "zerortt_accepted_sent", "counters above");
	qt_tell('D');
	close(fd);

	/* 3: rejected: the server cannot decrypt the ticket */
	counters(c0);
	fd = zconn(&sb, slb, &tp, data, dlen, payload, &hret, 0);
	if (fd < 0 || hret) {
		printf("FAIL zerortt_rejected: handshake %s\n", strerror(-hret));
		goto out;
	}
	T_OK("zerortt_rejected", answer_ok(fd, payload) ? 0 : -1);
	counters(c1);
	delta(c0, c1, d);
	show("rejected", d);
	t_result(d[C_SENT] > 0 && d[C_REJ] == 1 && !d[C_ACC] && !d[C_RCVD] &&
		 d[C_DROP] > 0, "zerortt_rejected_counted", "counters above");
	qt_tell('D');
	close(fd);

	/* 4: parameters without session data: no 0-RTT */
	counters(c0);
	fd = zconn(&sa, sla, &tp, NULL, 0, payload, &hret, 0);
	ok = fd >= 0 && !hret && answer_ok(fd, payload);
	counters(c1);
	delta(c0, c1, d);
	t_result(ok && !d[C_SENT] && !d[C_ACC], "zerortt_no_ticket",
		 "handshake %d, 0-RTT packets sent %lu", hret, d[C_SENT]);
	qt_tell('D');
	if (fd >= 0)
		close(fd);

	/* 5: a remembered limit above the server's new one */
	dlen = sizeof(data);
	bad = tp;
	bad.max_streams_bidi = tp.max_streams_bidi + 10;
	zconn_events = 1;
	fd = zconn(&sa, sla, &bad, data, dlen, payload, &hret, 0);
	zconn_events = 0;
	t_result(hret == -EPROTO, "zerortt_limit_shrunk", "handshake returned %d (%s)",
		 hret, strerror(-hret));
	/* the error is ours (the client's): the event says which */
	memset(&ev, 0, sizeof(ev));
	n = -1;
	for (int k = 0; fd >= 0 && k < 16; k++) {	/* after TLS messages */
		n = qt_recv(fd, &ev, sizeof(ev), MSG_DONTWAIT, &r);
		if (n < 0 || (r.mflags & MSG_QUIC_NOTIFICATION))
			break;
	}
	t_result(n == (ssize_t)sizeof(ev) && (r.mflags & MSG_QUIC_NOTIFICATION) &&
		 ev.type == QUIC_EVENT_CONNECTION_CLOSE &&
		 ev.cc.errcode == QUIC_TRANSPORT_ERROR_PROTOCOL_VIOLATION,
		 "zerortt_limit_shrunk_event", "recvmsg %zd (%s), event %u errcode %#x",
		 n, n < 0 ? strerror(errno) : "bytes", ev.type, ev.cc.errcode);
	qt_tell('D');
	if (fd >= 0)
		close(fd);

	/* 6: through a relay that keeps the first datagrams, then 7: replay */
	if (qt_relay_socks(&relay.rfd, &relay.ffd, &sa, sla, &sr, &slr)) {
		printf("FAIL zerortt_relay: %s\n", strerror(errno));
		goto out;
	}
	pthread_create(&rt, NULL, relay_thread, NULL);
	fd = zconn(&sr, slr, &tp, data, dlen, payload, &hret, 0);
	ok = fd >= 0 && !hret && answer_ok(fd, payload);
	qt_tell('D');
	if (fd >= 0)
		close(fd);
	relay.stop = 1;
	pthread_join(rt, NULL);
	if (!ok) {
		printf("FAIL zerortt_replay: the relayed 0-RTT connection failed\n");
		goto out;
	}
	/* the server's socket of it is gone (after its closing period: its
	 * first IDs would lead the replayed 0-RTT packets to it): only the
	 * listeners are left
	 */
	port = ntohs(((struct sockaddr_in *)&sa)->sin_port);
	for (int k = 0; k < 100 && qt_socks_port(port) > 0; k++)
		usleep(100000);
	left = qt_socks_port(port);
	printf("# replay: %d connections left on the listener's port\n", left);
	{
		int u = socket(AF_INET, SOCK_DGRAM, 0);

		/* the Initial first, alone: the 0-RTT packets sent right
		 * behind it from another CPU could reach the listener before
		 * it, and be dropped there for want of a connection
		 */
		printf("# replay: %d datagrams kept, %d with 0-RTT packets\n",
		       relay.nkept, relay.nzrtt);
		for (int i = 0; i < relay.nkept; i++) {
			sendto(u, relay.kept[i], (size_t)relay.klen[i], 0,
			       (struct sockaddr *)&sa, sla);
			if (!i)
				usleep(200000);
		}
		t_result(left <= 0 && relay.initial && relay.nzrtt &&
			 qt_await('R', 10000) == 0, "zerortt_replay",
			 "the server took the replayed early data, or the relay saw no 0-RTT, or the first connection was still there (%d datagrams replayed, %d with 0-RTT)",
			 relay.nkept, relay.nzrtt);
		close(u);
	}
out:
	qt_stage = "waiting for the server to finish";
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	qt_child = 0;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		t_result(0, "zerortt_server", "the server failed");
	qt_done();
	return t_exit();
}
