// SPDX-License-Identifier: GPL-2.0-or-later
/* Opens N QUIC sockets (IPv4 and IPv6, stream and dgram, each bound to a
 * loopback port), prints "ready", and with "wait" keeps them until standard
 * input closes; used by the module load/unload and namespace tests.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/quic.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1, i, fd;
	int wait = argc > 2 && !strcmp(argv[2], "wait");
	int *fds;
	char c;

	if (n < 1 || n > 4096) {
		fprintf(stderr, "sockhold: count must be 1..4096\n");
		return 2;
	}
	fds = calloc(n, sizeof(*fds));
	if (!fds)
		return 2;
	for (i = 0; i < n; i++) {
		int v6 = i & 1;

		fd = socket(v6 ? AF_INET6 : AF_INET,
			    i & 2 ? SOCK_DGRAM : SOCK_STREAM, IPPROTO_QUIC);
		if (fd < 0) {
			perror("sockhold: socket");
			return 1;
		}
		if (v6) {
			struct sockaddr_in6 a = { .sin6_family = AF_INET6 };

			a.sin6_addr = in6addr_loopback;
			if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
				perror("sockhold: bind6");
				return 1;
			}
		} else {
			struct sockaddr_in a = { .sin_family = AF_INET };

			a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
				perror("sockhold: bind");
				return 1;
			}
		}
		fds[i] = fd;
	}
	printf("ready\n");
	fflush(stdout);
	if (wait)
		while (read(0, &c, 1) > 0)
			;
	for (i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	return 0;
}
