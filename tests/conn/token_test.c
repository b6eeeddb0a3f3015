// SPDX-License-Identifier: GPL-2.0-or-later
/* NEW_TOKEN (RFC 9000 8.1.3): a server that validates addresses
 * (validate_peer_address) answers a client's first Initial with a Retry; once
 * connected it gives the client a token when asked to, which lets the client's next
 * connection skip the Retry. Retry packets and accepted tokens are counted in
 * /proc/net/quic/snmp (QuicRetriesSent, QuicNewTokensAccepted).
 *
 *   token_first_retry        a client without a token gets one Retry
 *   token_server_value       server: QUIC_SOCKOPT_TOKEN set with a value: EINVAL
 *   token_server_issue       server: set with no value issues a token
 *   token_event              the client gets it as QUIC_EVENT_NEW_TOKEN, and
 *                            getsockopt() reads the same bytes
 *   token_skips_retry        the next connection with the token: no Retry, the
 *                            token is accepted, the handshake completes
 *   token_bad_retried        a token with one byte changed: Retry again, and
 *                            the connection still completes
 */
#include "conn.h"

#define NCONN	3

static unsigned char tok[2][1200];
static socklen_t toklen[2];

/* read NEW_TOKEN events until @n came (up to 10 s); returns how many */
static int read_tokens(int fd, int n)
{
	unsigned char buf[2048];
	struct qt_rcv r;
	int got = 0;

	qt_nonblock(fd, 1);
	while (got < n) {
		ssize_t len;

		if (!(qt_poll(fd, POLLIN, 10000) & POLLIN))
			break;
		len = qt_recv(fd, buf, sizeof(buf), 0, &r);
		if (len < 0 && errno == EAGAIN)
			continue;
		if (len <= 0)
			break;
		if (!(r.mflags & MSG_QUIC_NOTIFICATION) || buf[0] != QUIC_EVENT_NEW_TOKEN)
			continue;	/* TLS post-handshake data */
		toklen[got] = (socklen_t)(len - 1);
		memcpy(tok[got], buf + 1, (size_t)len - 1);
		got++;
	}
	qt_nonblock(fd, 0);
	return got;
}

static int server_conn(int fd, int i)
{
	unsigned char buf[256];
	socklen_t len = sizeof(buf);

	qt_tell('H');
	if (i != 0) {
		qt_await('D', 20000);
		return 0;
	}
	T_ERR("token_server_value",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, "x", 1), EINVAL);
	T_OK("token_server_issue",
	     setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, NULL, 0));
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, buf, &len) || !len)
		t_result(0, "token_server_issued", "no token on the server socket");
	qt_await('D', 20000);
	return 0;
}

/* one client connection with @token (or none); the Retry and token counter
 * deltas in *@retries, *@accepted; returns the socket or -1
 */
struct token_arg {
	const void *token;
	socklen_t len;
};

static int client_setup(int fd, void *arg)
{
	const struct token_arg *t = arg;

	return qt_event_enable(fd, QUIC_EVENT_NEW_TOKEN, 1) ||
	       (t->len && setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, t->token, t->len));
}

static int client_conn(const struct sockaddr_storage *ss, socklen_t sl,
		       const void *token, socklen_t tlen, long *retries,
		       long *accepted)
{
	long r0 = qt_snmp("QuicRetriesSent"), a0 = qt_snmp("QuicNewTokensAccepted");
	struct token_arg t = { token, tlen };
	int fd, ret;

	fd = qt_connect(ss, sl, client_setup, &t, &ret);
	if (fd < 0)
		return -1;
	if (ret) {
		printf("FAIL token_client_handshake: %s\n", strerror(-ret));
		close(fd);
		return -1;
	}
	*retries = qt_snmp("QuicRetriesSent") - r0;
	*accepted = qt_snmp("QuicNewTokensAccepted") - a0;
	/* the server's handshake ends after ours: close after it */
	qt_stage = "waiting for the server's handshake";
	if (qt_await('H', 20000)) {
		printf("FAIL token_server_handshake_done: no word from the server\n");
		close(fd);
		return -1;
	}
	return fd;
}

static int server_setup(int fd, void *arg)
{
	struct quic_config cfg;

	(void)arg;
	if (qt_get_config(fd, &cfg))
		return -1;
	cfg.validate_peer_address = 1;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, sizeof(cfg));
}

int main(void)
{
	struct sockaddr_storage ss;
	unsigned char cur[1200], bad[1200];
	socklen_t sl, clen = sizeof(cur);
	long retries, accepted;
	int lfd, fd, n;
	pid_t pid;

	if (qt_init())
		return 1;
	qt_case = "token";
	if (qt_snmp("QuicRetriesSent") < 0) {
		printf("FAIL token_snmp: no QuicRetriesSent in /proc/net/quic/snmp\n");
		return 1;
	}
	lfd = qt_listen(AF_INET, server_setup, NULL, &ss, &sl);
	if (lfd < 0)
		return 1;
	pid = qt_serve(lfd, NCONN, server_conn, 90);
	if (pid < 0)
		return 1;
	alarm(100);

	/* 1: no token: a Retry, then the token the server issues */
	fd = client_conn(&ss, sl, NULL, 0, &retries, &accepted);
	if (fd < 0)
		goto out;
	T_EQ("token_first_retry", retries, 1);
	qt_stage = "waiting for NEW_TOKEN events";
	n = read_tokens(fd, 1);
	getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, cur, &clen);
	t_result(n == 1 && toklen[0] && clen == toklen[0] &&
		 !memcmp(cur, tok[0], clen),
		 "token_event", "%d events, length %u, getsockopt %u bytes%s",
		 n, toklen[0], clen,
		 n == 1 && clen == toklen[0] && !memcmp(cur, tok[0], clen) ?
		 "" : " (not the token of the event)");
	qt_tell('D');
	close(fd);
	if (n < 1)
		goto out;

	/* 2: with the token: no Retry */
	fd = client_conn(&ss, sl, tok[n - 1], toklen[n - 1], &retries, &accepted);
	if (fd < 0)
		goto out;
	t_result(retries == 0 && accepted == 1, "token_skips_retry",
		 "%ld Retry packets, %ld tokens accepted (expected 0, 1)",
		 retries, accepted);
	qt_tell('D');
	close(fd);

	/* 3: a token changed in one byte: validated by a Retry again */
	memcpy(bad, tok[n - 1], toklen[n - 1]);
	bad[toklen[n - 1] / 2] ^= 0x5a;
	fd = client_conn(&ss, sl, bad, toklen[n - 1], &retries, &accepted);
	if (fd < 0)
		goto out;
	t_result(retries == 1 && accepted == 0, "token_bad_retried",
		 "%ld Retry packets, %ld tokens accepted (expected 1, 0)",
		 retries, accepted);
	qt_tell('D');
	close(fd);
out:
	if (qt_serve_wait(pid))
		t_result(0, "token_server", "the server failed");
	qt_done();
	return t_exit();
}
