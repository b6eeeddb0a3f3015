// SPDX-License-Identifier: GPL-2.0-or-later
/* A client and a server for the path scripts (tests/scripts/paths.sh): one
 * verified stream between two namespaces, with pauses where the script
 * changes the network (NAT, MTU) and an optional migration of the client.
 * Not a test by itself (no _test suffix: run.sh does not run it).
 *
 *   path_peer server ADDR PORT PSKFILE
 *	accepts one connection, enables QUIC_EVENT_CONNECTION_MIGRATION,
 *	reads stream 0 to its FIN checking every byte; prints
 *	"listening on PORT", "event migration local=N" per event,
 *	"peer ADDR:PORT" (getpeername at the end) and "ok BYTES".
 *   path_peer client ADDR PORT PSKFILE BYTES [options]
 *	--pmtu-interval US   QUIC_SOCKOPT_CONFIG plpmtud_probe_interval
 *	--pause N DIR        after N bytes are sent, print "paused N" and wait
 *	                     for the file DIR/go.N (repeatable; N = BYTES waits
 *	                     before the close)
 *	--migrate N ADDR     after N bytes, QUIC_SOCKOPT_CONNECTION_MIGRATION
 *	                     to ADDR (port 0); prints "migrated" or the errno,
 *	                     and at the end "event migration local=N"
 *	prints "sent BYTES" when all is sent.
 * Both sides set max_idle_timeout to 300 s (the scripts pause for long).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <netinet/quic.h>

#define CHUNK	65536
#define MAXP	8

static unsigned char pat(uint64_t off)
{
	uint32_t x = (uint32_t)off * 2654435761u;

	return (unsigned char)((x >> 13) ^ (off >> 16));
}

static void die(const char *what)
{
	printf("error %s: %s\n", what, strerror(errno));
	exit(1);
}

/* the scripts pause a connection for longer than the default idle
 * timeout (30 s) on a slow guest: 300 s on both sides
 */
static void long_idle(int fd)
{
	struct quic_transport_param p;
	socklen_t l = sizeof(p);

	memset(&p, 0, sizeof(p));
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, &l))
		die("QUIC_SOCKOPT_TRANSPORT_PARAM");
	p.max_idle_timeout = 300000000;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, sizeof(p)))
		die("QUIC_SOCKOPT_TRANSPORT_PARAM max_idle_timeout");
}

static int addr_of(const char *s, uint16_t port, struct sockaddr_in *a)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	return inet_pton(AF_INET, s, &a->sin_addr) == 1 ? 0 : -1;
}

static ssize_t send_stream(int fd, const void *buf, size_t len, uint32_t fl)
{
	char control[CMSG_SPACE(sizeof(struct quic_stream_info))] = { 0 };
	struct quic_stream_info info = { .stream_id = 0, .stream_flags = fl };
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = control,
			    .msg_controllen = sizeof(control) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_QUIC;
	c->cmsg_type = QUIC_STREAM_INFO;
	c->cmsg_len = CMSG_LEN(sizeof(info));
	memcpy(CMSG_DATA(c), &info, sizeof(info));
	return sendmsg(fd, &m, 0);
}

/* one recvmsg: returns bytes, sets *ev (event type or -1) and *fin */
static ssize_t recv_one(int fd, unsigned char *buf, size_t len, int flags,
			int *ev, int *fin)
{
	char control[CMSG_SPACE(sizeof(struct quic_stream_info)) + 64];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = control,
			    .msg_controllen = sizeof(control) };
	struct quic_stream_info info;
	struct cmsghdr *c;
	ssize_t n = recvmsg(fd, &m, flags);

	*ev = -1;
	*fin = 0;
	if (n < 0)
		return n;
	if (m.msg_flags & MSG_QUIC_NOTIFICATION) {
		*ev = n > 0 ? buf[0] : 0;
		return n;
	}
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_QUIC || c->cmsg_type != QUIC_STREAM_INFO)
			continue;
		memcpy(&info, CMSG_DATA(c), sizeof(info));
		*fin = !!(info.stream_flags & MSG_QUIC_STREAM_FIN);
	}
	return n;
}

static int migrations;	/* migration events printed */

static void print_event(const unsigned char *buf, ssize_t n)
{
	if (buf[0] == QUIC_EVENT_CONNECTION_MIGRATION && n >= 2) {
		printf("event migration local=%u\n", buf[1]);
		migrations++;
	} else
		printf("event %u (%zd bytes)\n", buf[0], n);
}

static int events_on(int fd)
{
	struct quic_event_option e = { .type = QUIC_EVENT_CONNECTION_MIGRATION,
				       .on = 1 };

	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &e, sizeof(e));
}

static int server(const char *addr, uint16_t port, const char *psk)
{
	static unsigned char buf[CHUNK];
	struct sockaddr_in a, first;
	socklen_t sl = sizeof(a), fl = sizeof(first);
	uint64_t got = 0;
	int lfd, fd, ev, fin = 0, ret, waited = 0;
	char s[INET_ADDRSTRLEN];
	ssize_t n;

	if (addr_of(addr, port, &a))
		return 2;
	lfd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	if (lfd < 0)
		die("socket");
	long_idle(lfd);
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(lfd, 1) || getsockname(lfd, (struct sockaddr *)&a, &sl))
		die("listen");
	printf("listening on %u\n", ntohs(a.sin_port));
	fd = accept(lfd, (struct sockaddr *)&first, &fl);
	if (fd < 0)
		die("accept");
	ret = quic_server_handshake(fd, psk, NULL, NULL);
	if (ret) {
		errno = -ret;
		die("handshake");
	}
	if (events_on(fd))
		die("QUIC_SOCKOPT_EVENT");
	while (!fin) {
		n = recv_one(fd, buf, sizeof(buf), 0, &ev, &fin);
		if (n < 0)
			die("recvmsg");
		if (ev >= 0) {
			print_event(buf, n);
			continue;
		}
		if (!n && !fin) {
			printf("error: connection closed after %llu bytes\n",
			       (unsigned long long)got);
			return 1;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != pat(got + (uint64_t)i)) {
				printf("error: wrong byte at %llu\n",
				       (unsigned long long)(got + (uint64_t)i));
				return 1;
			}
		}
		got += (uint64_t)n;
	}
	/* events that came after the data; the client moved and no event
	 * came yet: its answer to our PATH_CHALLENGE may come after its last
	 * byte on a slow guest, up to 3 s more for it
	 */
	for (;;) {
		n = recv_one(fd, buf, sizeof(buf), MSG_DONTWAIT, &ev, &fin);
		if (n > 0) {
			if (ev >= 0)
				print_event(buf, n);
			continue;
		}
		sl = sizeof(a);
		if (migrations || waited >= 3000 ||
		    getpeername(fd, (struct sockaddr *)&a, &sl) ||
		    (a.sin_addr.s_addr == first.sin_addr.s_addr &&
		     a.sin_port == first.sin_port))
			break;
		poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, 100);
		waited += 100;
	}
	sl = sizeof(a);
	if (!getpeername(fd, (struct sockaddr *)&a, &sl))
		printf("peer %s:%u\n", inet_ntop(AF_INET, &a.sin_addr, s, sizeof(s)),
		       ntohs(a.sin_port));
	printf("ok %llu\n", (unsigned long long)got);
	fflush(stdout);
	close(fd);
	close(lfd);
	return 0;
}

static void pause_at(uint64_t n, const char *dir)
{
	char path[512];
	struct stat st;

	printf("paused %llu\n", (unsigned long long)n);
	fflush(stdout);
	snprintf(path, sizeof(path), "%s/go.%llu", dir, (unsigned long long)n);
	while (stat(path, &st))
		usleep(50000);
}

static int client(int argc, char **argv)
{
	static unsigned char buf[CHUNK];
	uint64_t total = strtoull(argv[5], NULL, 0), sent = 0, mig_at = ~0ULL;
	uint64_t pauses[MAXP];
	const char *dirs[MAXP], *mig_addr = NULL;
	struct sockaddr_in a;
	struct quic_config cfg;
	socklen_t cl = sizeof(cfg);
	int fd, np = 0, ret, ev, fin, migrated = 0, i;
	ssize_t n;

	if (addr_of(argv[2], (uint16_t)atoi(argv[3]), &a))
		return 2;
	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	if (fd < 0)
		die("socket");
	long_idle(fd);
	for (i = 6; i < argc; i++) {
		if (!strcmp(argv[i], "--pmtu-interval") && i + 1 < argc) {
			if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, &cl))
				die("QUIC_SOCKOPT_CONFIG");
			cfg.plpmtud_probe_interval = (uint32_t)atoi(argv[++i]);
			if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg,
				       sizeof(cfg)))
				die("QUIC_SOCKOPT_CONFIG plpmtud_probe_interval");
		} else if (!strcmp(argv[i], "--pause") && i + 2 < argc && np < MAXP) {
			pauses[np] = strtoull(argv[++i], NULL, 0);
			dirs[np++] = argv[++i];
		} else if (!strcmp(argv[i], "--migrate") && i + 2 < argc) {
			mig_at = strtoull(argv[++i], NULL, 0);
			mig_addr = argv[++i];
		} else {
			printf("error: bad option %s\n", argv[i]);
			return 2;
		}
	}
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		die("connect");
	ret = quic_client_handshake(fd, argv[4], NULL, NULL);
	if (ret) {
		errno = -ret;
		die("handshake");
	}
	if (events_on(fd))
		die("QUIC_SOCKOPT_EVENT");
	while (sent < total) {
		size_t len = total - sent < CHUNK ? total - sent : CHUNK;
		uint32_t fl = sent ? 0 : MSG_QUIC_STREAM_NEW;

		for (i = 0; i < np; i++)
			if (pauses[i] == sent)
				pause_at(sent, dirs[i]);
		if (sent == mig_at) {
			struct sockaddr_in m;

			if (addr_of(mig_addr, 0, &m))
				return 2;
			if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION,
				       &m, sizeof(m)))
				die("QUIC_SOCKOPT_CONNECTION_MIGRATION");
			printf("migrated\n");
			migrated = 1;
		}
		for (size_t k = 0; k < len; k++)
			buf[k] = pat(sent + k);
		if (sent + len == total)
			fl |= MSG_QUIC_STREAM_FIN;
		n = send_stream(fd, buf, len, fl);
		if (n < 0)
			die("sendmsg");
		sent += (uint64_t)n;
	}
	printf("sent %llu\n", (unsigned long long)sent);
	fflush(stdout);
	for (i = 0; i < np; i++)
		if (pauses[i] == sent)
			pause_at(sent, dirs[i]);
	/* until the server closes (it has read everything): events on the way */
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 30000) <= 0) {
			printf("error: the server did not close\n");
			return 1;
		}
		n = recv_one(fd, buf, sizeof(buf), MSG_DONTWAIT, &ev, &fin);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n > 0 && ev >= 0) {
			print_event(buf, n);
			migrated = 0;
			continue;
		}
		if (n <= 0)
			break;
	}
	if (migrated)
		printf("no migration event\n");
	fflush(stdout);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "server"))
		return server(argv[2], (uint16_t)atoi(argv[3]), argv[4]);
	if (argc >= 6 && !strcmp(argv[1], "client"))
		return client(argc, argv);
	fprintf(stderr, "usage: path_peer server ADDR PORT PSK | client ADDR PORT PSK BYTES [--pmtu-interval US] [--pause N DIR] [--migrate N ADDR]\n");
	return 2;
}
