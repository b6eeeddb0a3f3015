// SPDX-License-Identifier: GPL-2.0-or-later
/* TLS session resumption through the socket: the listener holds the session
 * ticket key (QUIC_SOCKOPT_SESSION_TICKET); a client that waits for a ticket
 * (receive_session_ticket) finds its session data on its socket after the
 * handshake, and a new socket given that data resumes (libquic reports the
 * handshake as resumed: gnutls_session_is_resumed()).
 *
 *   resume_ticket_stored   the first connection leaves session data on the
 *                          client socket (with QUIC_EVENT_NEW_SESSION_TICKET
 *                          on, which libquic reads as TLS data)
 *   resume_first_full      the first handshake was not a resumed one
 *   resume_resumed         the second connection, with the data, resumed
 *   resume_data            stream data still flows on the resumed connection
 *   resume_ticket_event    a client that does not wait gets the
 *                          NewSessionTicket as QUIC_EVENT_NEW_SESSION_TICKET:
 *                          TLS message type 4 and its length
 *   resume_bad_data        session data GnuTLS cannot parse makes the client
 *                          handshake fail with EINVAL, not crash
 */
#include <syslog.h>

#include "conn.h"

#define NCONN	3

static int resumed_seen, full_seen;

static void logger(int level, const char *msg)
{
	(void)level;
	if (strstr(msg, "TLS handshake completed")) {
		if (strstr(msg, "resumed"))
			resumed_seen++;
		else
			full_seen++;
	}
}

static int server_conn(int fd, int i)
{
	unsigned char buf[64];
	struct qt_rcv r;
	int ret;

	(void)i;
	qt_stage = "echo";
	ret = (int)qt_recv(fd, buf, sizeof(buf), 0, &r);
	if (ret > 0)
		qt_send(fd, buf, (size_t)ret, r.sid, MSG_QUIC_STREAM_FIN, 0);
	qt_await('D', 20000);
	return 0;
}

struct client_arg {
	const void *data;
	socklen_t dlen;
	int wait, event;
};

static int client_setup(int fd, void *arg)
{
	const struct client_arg *c = arg;
	struct quic_config cfg;

	if (qt_get_config(fd, &cfg))
		return -1;
	cfg.receive_session_ticket = (uint8_t)c->wait;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, sizeof(cfg)) ||
	       (c->event && qt_event_enable(fd, QUIC_EVENT_NEW_SESSION_TICKET, 1)) ||
	       (c->dlen && setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET,
				      c->data, c->dlen));
}

static int client_conn(const struct sockaddr_storage *ss, socklen_t sl,
		       const void *data, socklen_t dlen, int wait, int event,
		       int *hret)
{
	struct client_arg c = { data, dlen, wait, event };

	return qt_connect(ss, sl, client_setup, &c, hret);
}

static int server_setup(int fd, void *key)
{
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, key, 64);
}

/* send "ping" on a new stream, expect it back with a FIN */
static int echo(int fd)
{
	char buf[64];
	struct qt_rcv r;
	ssize_t n;

	if (qt_send(fd, "ping", 4, -1, MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN, 0) != 4)
		return -1;
	do {
		n = qt_recv(fd, buf, sizeof(buf), 0, &r);
	} while (n > 0 && r.sid < 0);
	return n == 4 && !memcmp(buf, "ping", 4) ? 0 : -1;
}

int main(void)
{
	static unsigned char data[8192], key[64];
	struct sockaddr_storage ss;
	socklen_t sl, dlen = sizeof(data);
	int lfd, fd, hret = -1;
	pid_t pid;

	if (qt_init())
		return 1;
	qt_case = "resume";
	quic_set_log_func(logger);
	quic_set_log_level(LOG_DEBUG);
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(rand() ^ (int)i);
	lfd = qt_listen(AF_INET, server_setup, key, &ss, &sl);
	if (lfd < 0)
		return 1;
	pid = qt_serve(lfd, NCONN, server_conn, 90);
	if (pid < 0)
		return 1;
	alarm(100);

	/* 1: full handshake, wait up to 5 s for the ticket */
	fd = client_conn(&ss, sl, NULL, 0, 5, 1, &hret);
	if (fd < 0 || hret) {
		printf("FAIL resume_first: handshake %s\n", strerror(-hret));
		goto out;
	}
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, data, &dlen))
		dlen = 0;
	t_result(dlen > 0, "resume_ticket_stored", "no session data on the socket");
	t_result(full_seen == 1 && !resumed_seen, "resume_first_full",
		 "%d full, %d resumed handshakes", full_seen, resumed_seen);
	echo(fd);
	qt_tell('D');
	close(fd);
	if (!dlen)
		goto out;

	/* 2: resumed */
	fd = client_conn(&ss, sl, data, dlen, 0, 0, &hret);
	if (fd < 0 || hret) {
		printf("FAIL resume_resumed: handshake %s\n", strerror(-hret));
		goto out;
	}
	t_result(resumed_seen == 1, "resume_resumed", "%d full, %d resumed handshakes",
		 full_seen, resumed_seen);
	T_OK("resume_data", echo(fd));
	qt_tell('D');
	close(fd);

	/* 3: no wait, the ticket as an event */
	fd = client_conn(&ss, sl, NULL, 0, 0, 1, &hret);
	if (fd < 0 || hret) {
		printf("FAIL resume_event: handshake %s\n", strerror(-hret));
		goto out;
	} else {
		unsigned char buf[4096];
		struct qt_rcv r;
		ssize_t n = -1;

		qt_nonblock(fd, 1);
		while (qt_poll(fd, POLLIN, 5000) & POLLIN) {
			n = qt_recv(fd, buf, sizeof(buf), 0, &r);
			if (n > 0 && (r.mflags & MSG_QUIC_NOTIFICATION))
				break;
			n = -1;
		}
		t_result(n > 5 && buf[0] == QUIC_EVENT_NEW_SESSION_TICKET &&
			 buf[1] == 4 &&
			 (size_t)((buf[2] << 16) | (buf[3] << 8) | buf[4]) + 4 == (size_t)n - 1,
			 "resume_ticket_event", "got %zd bytes, type %d/%d", n,
			 n > 0 ? buf[0] : -1, n > 1 ? buf[1] : -1);
		qt_nonblock(fd, 0);
		echo(fd);
		qt_tell('D');
		close(fd);
	}

	/* session data GnuTLS cannot use */
	{
		int bfd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC), r;

		memset(data, 0x41, 64);
		setsockopt(bfd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, data, 64);
		connect(bfd, (struct sockaddr *)&ss, sl);
		r = quic_client_handshake(bfd, qt_psk, NULL, NULL);
		t_result(r == -EINVAL, "resume_bad_data", "handshake returned %d (%s)",
			 r, strerror(-r));
		close(bfd);
	}
out:
	if (qt_serve_wait(pid))
		t_result(0, "resume_server", "the server failed");
	qt_done();
	return t_exit();
}
