// SPDX-License-Identifier: GPL-2.0-or-later
/* Package install test: a program built the way users build theirs,
 *   cc handshake.c $(pkg-config --cflags --libs libquic)
 * against the installed libquic-dev. It opens IPPROTO_QUIC sockets (so the
 * DKMS-built module must load), reads the default configuration, and runs
 * a PSK handshake between a client and a server on 127.0.0.1 with libquic.
 *
 * Prints "PASS name" / "FAIL name: reason" / "SKIP name: reason" lines;
 * exits 1 if anything failed. A module that does not implement connect()
 * or listen() yet (EOPNOTSUPP) makes the handshake a SKIP, not a FAIL.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/wait.h>
#include <netinet/quic.h>

static int failed;

static void fail(const char *name, const char *what, int err)
{
	printf("FAIL %s: %s: %s\n", name, what, strerror(err));
	failed = 1;
}

int main(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *psk = "/tmp/quic-pkgtest.psk";
	socklen_t len = sizeof(sa);
	struct quic_config cfg;
	int ls, sd, err, status;
	char buf[16];
	int64_t sid;
	uint32_t flags;
	pid_t pid;
	FILE *f;

	ls = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	if (ls < 0) {
		fail("quic-socket", "socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC)", errno);
		return 1;
	}
	printf("PASS quic-socket\n");

	len = sizeof(cfg);
	if (getsockopt(ls, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, &len) ||
	    cfg.version != QUIC_VERSION_V1)
		fail("quic-config-default", "getsockopt(QUIC_SOCKOPT_CONFIG)", errno);
	else
		printf("PASS quic-config-default\n");

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	len = sizeof(sa);
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(ls, (struct sockaddr *)&sa, &len)) {
		fail("quic-bind", "bind/getsockname on 127.0.0.1", errno);
		return 1;
	}
	printf("PASS quic-bind\n");

	if (listen(ls, 4)) {
		if (errno == EOPNOTSUPP) {
			printf("SKIP quic-handshake: listen() is not implemented by this module yet\n");
			return failed;
		}
		fail("quic-handshake", "listen", errno);
		return 1;
	}
	f = fopen(psk, "w");
	if (!f || fprintf(f, "pkgtest:00112233445566778899aabbccddeeff\n") < 0 || fclose(f)) {
		fail("quic-handshake", "writing the PSK file", errno);
		return 1;
	}

	pid = fork();
	if (pid == 0) {		/* server */
		sd = accept(ls, NULL, NULL);
		if (sd < 0)
			_exit(2);
		if (quic_server_handshake(sd, psk, NULL, "pkgtest"))
			_exit(3);
		if (quic_recvmsg(sd, buf, sizeof(buf), &sid, &(uint32_t){0}) != 4)
			_exit(4);
		_exit(0);
	}

	sd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	if (sd < 0 || connect(sd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (err == EOPNOTSUPP) {
			printf("SKIP quic-handshake: connect() is not implemented by this module yet\n");
			return failed;
		}
		fail("quic-handshake", "connect", err);
		return 1;
	}
	err = quic_client_handshake(sd, psk, NULL, "pkgtest");
	if (err) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		fail("quic-handshake", "quic_client_handshake", -err);
		return 1;
	}
	flags = MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN;
	if (quic_sendmsg(sd, "ping", 4, -1, flags) != 4)
		fail("quic-handshake", "quic_sendmsg", errno);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		printf("FAIL quic-handshake: server side exited with %d\n",
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1), failed = 1;
	else if (!failed)
		printf("PASS quic-handshake\n");
	close(sd);
	close(ls);
	unlink(psk);
	return failed;
}
