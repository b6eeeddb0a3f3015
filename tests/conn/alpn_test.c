// SPDX-License-Identifier: GPL-2.0-or-later
/* ALPN routing: two processes listen on the same address and port, one with
 * the ALPN list "alpha", the other with "beta,delta"; the kernel reads the
 * ALPN extension of each client's ClientHello and queues the connection on
 * the listener that lists one of the client's protocols. Each server sends
 * its name on a stream, so the client sees where it landed.
 *
 *   alpn_route_alpha     a client offering "alpha" lands on the first process
 *   alpn_route_beta      "beta" lands on the second
 *   alpn_route_pref      "zeta,delta": the first protocol a listener knows
 *                        decides (the second process)
 *   alpn_refused         "gamma", which no listener lists: the handshake
 *                        fails and the client reads the server's
 *                        CONNECTION_CLOSE: CRYPTO_ERROR + no_application_protocol
 *                        (0x100 + 120)
 *   alpn_negotiated      each server's connection reports the ALPN TLS chose
 *   alpn_servers         each server got exactly its connections
 */
#include "conn.h"

static int done_fd = -1;	/* EOF when the client is through */

static void serve(int lfd, const char *alpns, const char *name, int nconn,
		  const char *const *want)
{
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(80);
	qt_side = name;
	for (int i = 0; i < nconn; i++) {
		char buf[64], got[64];
		socklen_t len = sizeof(got) - 1;
		struct qt_rcv r;
		int fd, ret;

		qt_stage = "accept";
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			printf("FAIL alpn_servers: %s accept: %s\n", name, strerror(errno));
			exit(1);
		}
		qt_stage = "handshake";
		ret = quic_server_handshake(fd, qt_psk, NULL, alpns);
		if (ret) {
			printf("FAIL alpn_servers: %s handshake %d: %s\n", name, i,
			       strerror(-ret));
			exit(1);
		}
		memset(got, 0, sizeof(got));
		getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, got, &len);
		t_result(!strcmp(got, want[i]), "alpn_negotiated",
			 "%s connection %d: ALPN '%s', expected '%s'", name, i, got,
			 want[i]);
		qt_send(fd, name, strlen(name), -1,
			MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN, 0);
		qt_stage = "waiting for the client to close";
		while (qt_recv(fd, buf, sizeof(buf), 0, &r) > 0)
			;
		close(fd);
	}
	/* keep listening until the refused client is done too */
	qt_stage = "waiting for the end";
	while (read(done_fd, &c, 1) > 0)
		;
	exit(t_failed ? 1 : 0);
}

/* connect offering @alpns; the server's name in @name, or the handshake
 * error returned with the peer's close code in *@code
 */
static int client(const struct sockaddr_storage *ss, socklen_t sl, const char *alpns,
		  char *name, size_t nlen, uint32_t *code)
{
	union {
		struct quic_connection_close c;
		char buf[sizeof(struct quic_connection_close) + 64];
	} cl;
	socklen_t cllen = sizeof(cl);
	struct qt_rcv r;
	ssize_t n;
	int fd, ret;

	*code = 0;
	name[0] = '\0';
	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	if (fd < 0 || connect(fd, (const struct sockaddr *)ss, sl))
		return -errno;
	qt_stage = alpns;
	ret = quic_client_handshake(fd, qt_psk, NULL, alpns);
	if (ret) {
		memset(&cl, 0, sizeof(cl));
		if (!getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cl, &cllen))
			*code = cl.c.errcode;
		close(fd);
		return ret;
	}
	do {
		n = qt_recv(fd, name, nlen - 1, 0, &r);
	} while (n > 0 && r.sid < 0);
	name[n > 0 ? n : 0] = '\0';
	close(fd);
	return 0;
}

int main(void)
{
	static const char *const want_a[] = { "alpha" };
	static const char *const want_b[] = { "beta", "delta" };
	struct sockaddr_storage ss;
	char name[64];
	uint32_t code;
	socklen_t sl;
	int lfd, pfd[2], dfd[2], ret, st, bad = 0;
	pid_t a, b;
	char c;

	if (qt_init())
		return 1;
	qt_case = "alpn";
	sl = qt_loopback(AF_INET, &ss, 0);
	lfd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	if (lfd < 0 || setsockopt(lfd, SOL_QUIC, QUIC_SOCKOPT_ALPN, "alpha", 5) ||
	    bind(lfd, (struct sockaddr *)&ss, sl) || listen(lfd, 8) || pipe(pfd) ||
	    pipe(dfd)) {
		printf("FAIL alpn_setup: %s\n", strerror(errno));
		return 1;
	}
	sl = sizeof(ss);
	getsockname(lfd, (struct sockaddr *)&ss, &sl);
	done_fd = dfd[0];
	a = fork();
	if (a == 0) {
		close(dfd[1]);
		serve(lfd, "alpha", "A", 1, want_a);
	}
	close(lfd);
	b = fork();
	if (b == 0) {
		/* the second process: its own socket on the same port */
		int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

		close(dfd[1]);
		if (fd < 0 || setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, "beta,delta", 10) ||
		    bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, 8)) {
			printf("FAIL alpn_setup: second listener: %s\n", strerror(errno));
			exit(1);
		}
		if (write(pfd[1], "L", 1) != 1)
			exit(1);
		serve(fd, "beta,delta", "B", 2, want_b);
	}
	alarm(90);
	if (read(pfd[0], &c, 1) != 1) {
		printf("FAIL alpn_setup: the second listener did not start\n");
		bad = 1;
		goto out;
	}

	ret = client(&ss, sl, "alpha", name, sizeof(name), &code);
	t_result(!ret && !strcmp(name, "A"), "alpn_route_alpha",
		 "handshake %d, landed on '%s'", ret, name);
	ret = client(&ss, sl, "beta", name, sizeof(name), &code);
	t_result(!ret && !strcmp(name, "B"), "alpn_route_beta",
		 "handshake %d, landed on '%s'", ret, name);
	ret = client(&ss, sl, "zeta,delta", name, sizeof(name), &code);
	t_result(!ret && !strcmp(name, "B"), "alpn_route_pref",
		 "handshake %d, landed on '%s'", ret, name);
	ret = client(&ss, sl, "gamma", name, sizeof(name), &code);
	t_result(ret && code == QUIC_TRANSPORT_ERROR_CRYPTO + 120, "alpn_refused",
		 "handshake %d (%s), close code 0x%x, expected 0x%x", ret,
		 strerror(-ret), code, QUIC_TRANSPORT_ERROR_CRYPTO + 120);
out:
	close(dfd[1]);
	alarm(0);
	if (bad)
		kill(b, SIGKILL);
	waitpid(a, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		bad = 1;
	waitpid(b, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		bad = 1;
	t_result(!bad, "alpn_servers", "a server failed");
	qt_done();
	return t_exit();
}
