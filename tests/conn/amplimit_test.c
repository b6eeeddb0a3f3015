// SPDX-License-Identifier: GPL-2.0-or-later
/* Anti-amplification limit of a server (RFC 9000 8.1): until the client's
 * address is validated, a server sends at most three times the bytes it
 * received from it. A deaf client shows it: a real client Initial (taken
 * from a kernel client that connects to a plain UDP socket) is replayed
 * once from a plain UDP socket to a listener without validate_peer_address,
 * and nothing else is sent. The server answers, then retransmits on its
 * probe timeouts (1, 3, 7 s...): without the limit it sends more than three
 * times the Initial within 9 s. The bytes are counted where they arrive,
 * UDP payloads on the plain socket.
 *
 *   amplimit_initial_captured   the kernel client's first datagram, >= 1200
 *                               bytes (RFC 9000 14.1)
 *   amplimit_server_answers     the server sent something back
 *   amplimit_3x                 9 s later it has sent at most 3 x what it got
 *   amplimit_reached            and more than 2 x (its retransmissions ran
 *                               into the limit: the test can fail)
 */
#include "conn.h"

static unsigned char initial[2048];
static ssize_t initial_len;

/* the first datagram of a kernel client connecting to a plain UDP socket */
static int capture_initial(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t sl = sizeof(a);
	int u = socket(AF_INET, SOCK_DGRAM, 0), fd, st;
	pid_t pid;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (u < 0 || bind(u, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(u, (struct sockaddr *)&a, &sl))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		alarm(20);
		fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
			_exit(1);
		quic_client_handshake(fd, qt_psk, NULL, NULL);
		_exit(0);
	}
	if (qt_poll(u, POLLIN, 10000) & POLLIN)
		initial_len = recv(u, initial, sizeof(initial), MSG_DONTWAIT);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	close(u);
	return initial_len > 0 ? 0 : -1;
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	unsigned char buf[4096];
	socklen_t sl = sizeof(a);
	long long got = 0, end;
	int lfd, u, fd, st;
	pid_t pid;
	ssize_t n;

	if (qt_init())
		return 1;
	qt_case = "amplimit";
	if (capture_initial() || initial_len < 1200) {
		t_result(0, "amplimit_initial_captured", "%zd bytes",
			 initial_len);
		qt_done();
		return t_exit();
	}
	t_result(1, "amplimit_initial_captured", "");

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(lfd, 4) || getsockname(lfd, (struct sockaddr *)&a, &sl)) {
		t_result(0, "amplimit_listen", "%s", strerror(errno));
		qt_done();
		return t_exit();
	}
	pid = fork();
	if (pid == 0) {
		/* the server: its handshake waits for a client that is deaf */
		alarm(30);
		fd = accept(lfd, NULL, NULL);
		if (fd >= 0)
			quic_server_handshake(fd, qt_psk, NULL, NULL);
		_exit(0);
	}
	u = socket(AF_INET, SOCK_DGRAM, 0);
	if (u < 0 || sendto(u, initial, (size_t)initial_len, 0,
			    (struct sockaddr *)&a, sizeof(a)) != initial_len) {
		t_result(0, "amplimit_send", "%s", strerror(errno));
	} else {
		end = ms_now() + 9000;
		while (ms_now() < end) {
			if (!(qt_poll(u, POLLIN, 200) & POLLIN))
				continue;
			n = recv(u, buf, sizeof(buf), MSG_DONTWAIT);
			if (n > 0)
				got += n;
		}
		t_result(got > 0, "amplimit_server_answers", "nothing came back");
		t_result(got <= 3 * initial_len, "amplimit_3x",
			 "%lld bytes sent for %zd received", got, initial_len);
		t_result(got > 2 * initial_len, "amplimit_reached",
			 "%lld bytes sent for %zd received: the server stopped before the limit",
			 got, initial_len);
		printf("INFO amplimit: %lld bytes sent for %zd received\n", got,
		       initial_len);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	close(lfd);
	qt_done();
	return t_exit();
}
