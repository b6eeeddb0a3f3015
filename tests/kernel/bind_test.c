// SPDX-License-Identifier: GPL-2.0-or-later
/* bind() and getsockname(): IPv4 and IPv6, sockets sharing one UDP tunnel
 * socket, conflicts with plain UDP sockets, bad addresses, dual stack, the
 * /proc/net/quic listings, and the calls an unconnected socket refuses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/quic.h>

#include "test.h"

static int quic4(void)
{
	return socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
}

static int quic6(void)
{
	return socket(AF_INET6, SOCK_STREAM, IPPROTO_QUIC);
}

static struct sockaddr_in sin4(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	a.sin_port = htons(port);
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static struct sockaddr_in6 sin6(const char *ip, int port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };

	a.sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &a.sin6_addr);
	return a;
}

static int bind4(int fd, const char *ip, int port)
{
	struct sockaddr_in a = sin4(ip, port);

	return bind(fd, (struct sockaddr *)&a, sizeof(a));
}

static int bind6(int fd, const char *ip, int port)
{
	struct sockaddr_in6 a = sin6(ip, port);

	return bind(fd, (struct sockaddr *)&a, sizeof(a));
}

static int port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* the USERS column of /proc/net/quic/udp for a local address, 0 if absent */
static int udp_users(const char *addr)
{
	char line[256], a[128];
	unsigned int v6only, users;
	int ifindex, n = 0;
	FILE *f = fopen("/proc/net/quic/udp", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %u %d %u", a, &v6only, &ifindex,
			   &users) == 4 && !strcmp(a, addr))
			n = users;
	}
	fclose(f);
	return n;
}

/* does /proc/net/quic/sks list this socket (by inode) with this address? */
static int sks_lists(int fd, const char *addr)
{
	char line[256], a[128], ino[32];
	struct stat st;
	int found = 0;
	FILE *f;

	if (fstat(fd, &st))
		return 0;
	snprintf(ino, sizeof(ino), "%lu", (unsigned long)st.st_ino);
	f = fopen("/proc/net/quic/sks", "r");
	if (!f)
		return 0;
	/* LOCAL_ADDRESS TYPE FAMILY STATE UID INODE CC CWND SRTT */
	while (fgets(line, sizeof(line), f)) {
		char col[32];

		if (sscanf(line, "%127s %*s %*s %*s %*s %31s", a, col) == 2 &&
		    !strcmp(col, ino) && !strcmp(a, addr))
			found = 1;
	}
	fclose(f);
	return found;
}

int main(void)
{
	struct sockaddr_in a4;
	struct sockaddr_in6 a6;
	char buf[64];
	int a, b, c, u, p;

	/* IPv4 and IPv6, kernel-chosen ports */
	a = quic4();
	T_OK("bind_inet_loopback_port0", bind4(a, "127.0.0.1", 0));
	p = port_of(a);
	t_result(p > 0, "getsockname_inet_port_assigned", "port %d", p);
	snprintf(buf, sizeof(buf), "127.0.0.1:%d", p);
	t_result(sks_lists(a, buf), "proc_sks_lists_inet_socket",
		 "%s with this inode not in /proc/net/quic/sks", buf);
	T_EQ("proc_udp_one_user", udp_users(buf), 1);

	/* a second socket on the same address shares the tunnel socket */
	b = quic4();
	T_OK("bind_inet_shared_port", bind4(b, "127.0.0.1", p));
	T_EQ("getsockname_inet_shared_port", port_of(b), p);
	T_EQ("proc_udp_two_users", udp_users(buf), 2);
	c = socket(AF_INET, SOCK_STREAM, IPPROTO_QUIC);
	T_OK("bind_inet_shared_port_stream", bind4(c, "127.0.0.1", p));
	T_EQ("proc_udp_three_users", udp_users(buf), 3);
	close(c);
	close(b);
	T_EQ("proc_udp_user_gone_on_close", udp_users(buf), 1);
	T_ERR("bind_twice_rejected", bind4(a, "127.0.0.1", 0), EINVAL);
	close(a);
	T_EQ("proc_udp_released_with_last_socket", udp_users(buf), 0);

	a = quic6();
	T_OK("bind_inet6_loopback_port0", bind6(a, "::1", 0));
	p = port_of(a);
	t_result(p > 0, "getsockname_inet6_port_assigned", "port %d", p);
	snprintf(buf, sizeof(buf), "[::1]:%d", p);
	t_result(sks_lists(a, buf), "proc_sks_lists_inet6_socket",
		 "%s with this inode not in /proc/net/quic/sks", buf);
	b = quic6();
	T_OK("bind_inet6_shared_port", bind6(b, "::1", p));
	T_EQ("proc_udp_inet6_two_users", udp_users(buf), 2);
	close(b);
	close(a);

	/* conflicts with plain UDP sockets, both ways */
	u = socket(AF_INET, SOCK_DGRAM, 0);
	bind4(u, "127.0.0.1", 0);
	p = port_of(u);
	a = quic4();
	T_ERR("bind_conflict_with_udp_socket", bind4(a, "127.0.0.1", p),
	      EADDRINUSE);
	close(u);
	T_OK("bind_after_udp_socket_closed", bind4(a, "127.0.0.1", p));
	u = socket(AF_INET, SOCK_DGRAM, 0);
	T_ERR("udp_bind_conflict_with_quic", bind4(u, "127.0.0.1", p),
	      EADDRINUSE);
	close(u);
	close(a);

	/* dual stack: [::]:P holds 0.0.0.0:P unless IPV6_V6ONLY */
	a = quic6();
	T_OK("bind_inet6_any", bind6(a, "::", 0));
	p = port_of(a);
	b = quic4();
	T_ERR("bind_conflict_dual_stack", bind4(b, "0.0.0.0", p), EADDRINUSE);
	close(b);
	{
		int one = 1;

		T_ERR("v6only_after_bind_rejected",
		      setsockopt(a, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				 sizeof(one)), EINVAL);
		close(a);
		a = quic6();
		T_OK("v6only_set", setsockopt(a, IPPROTO_IPV6, IPV6_V6ONLY,
					      &one, sizeof(one)));
		T_OK("bind_inet6_any_v6only", bind6(a, "::", 0));
		p = port_of(a);
		b = quic4();
		T_OK("bind_inet_beside_v6only", bind4(b, "0.0.0.0", p));
		close(b);
		close(a);
	}

	/* bad addresses */
	a = quic4();
	a4 = sin4("127.0.0.1", 0);
	T_ERR("bind_short_addrlen", bind(a, (struct sockaddr *)&a4, 8),
	      EINVAL);
	a6 = sin6("::1", 0);
	T_ERR("bind_wrong_family", bind(a, (struct sockaddr *)&a6, sizeof(a6)),
	      EAFNOSUPPORT);
	T_ERR("bind_nonlocal_address", bind4(a, "192.0.2.1", 0),
	      EADDRNOTAVAIL);
	T_ERR("bind_multicast_address", bind4(a, "224.0.0.1", 0),
	      EADDRNOTAVAIL);
	T_OK("bind_after_errors", bind4(a, "127.0.0.1", 0));
	close(a);
	a = quic6();
	T_ERR("bind_inet6_short_addrlen", bind(a, (struct sockaddr *)&a6, 20),
	      EINVAL);
	T_ERR("bind_inet6_v4mapped", bind6(a, "::ffff:127.0.0.1", 0),
	      EAFNOSUPPORT);
	T_ERR("bind_inet6_nonlocal", bind6(a, "2001:db8::1", 0),
	      EADDRNOTAVAIL);
	T_ERR("bind_inet6_linklocal_no_scope", bind6(a, "fe80::1", 0), EINVAL);
	close(a);

	/* what an unconnected socket refuses */
	a = quic4();
	bind4(a, "127.0.0.1", 0);
	{
		socklen_t len = sizeof(a4);
		struct sockaddr_in peer = sin4("127.0.0.1", 443);
		char byte = 0;

		T_ERR("getpeername_unconnected",
		      getpeername(a, (struct sockaddr *)&a4, &len), ENOTCONN);
		T_ERR("send_unconnected", send(a, &byte, 1, 0), ENOTCONN);
		T_ERR("recv_unconnected", recv(a, &byte, 1, MSG_DONTWAIT),
		      ENOTCONN);
		T_ERR("shutdown_unconnected", shutdown(a, SHUT_RDWR),
		      ENOTCONN);
		/* never connected: ENOTCONN, shutdown or not */
		T_ERR("recv_after_shutdown", recv(a, &byte, 1, MSG_DONTWAIT),
		      ENOTCONN);
		close(a);
		a = quic4();
		bind4(a, "127.0.0.1", 0);
		struct sockaddr_in zero = sin4("127.0.0.1", 0);
		struct sockaddr_in6 six = sin6("::1", 443);

		T_ERR("accept_not_listening", accept(a, NULL, NULL), EINVAL);
		T_ERR("connect_port_zero", connect(a, (struct sockaddr *)&zero,
						   sizeof(zero)), EINVAL);
		T_ERR("connect_wrong_family", connect(a,
			(struct sockaddr *)&six, sizeof(six)), EAFNOSUPPORT);
		T_ERR("connect_short_addr", connect(a, (struct sockaddr *)&peer,
						    4), EINVAL);
		/* connect() sends nothing: the ClientHello from userspace
		 * starts the handshake
		 */
		T_OK("connect_starts", connect(a, (struct sockaddr *)&peer,
					       sizeof(peer)));
		T_ERR("connect_twice", connect(a, (struct sockaddr *)&peer,
					       sizeof(peer)), EISCONN);
		T_ERR("listen_connected", listen(a, 8), EINVAL);
		T_ERR("getpeername_connecting",
		      getpeername(a, (struct sockaddr *)&a4, &len), ENOTCONN);
		T_ERR("send_before_handshake", send(a, &byte, 1, MSG_DONTWAIT),
		      EAGAIN);
		T_ERR("recv_before_handshake", recv(a, &byte, 1, MSG_DONTWAIT),
		      EAGAIN);
		/* shutdown() abandons the handshake; as on TCP, the socket
		 * is unconnected again
		 */
		T_OK("shutdown_connecting", shutdown(a, SHUT_RDWR));
		T_ERR("send_after_shutdown", send(a, &byte, 1, MSG_DONTWAIT),
		      ENOTCONN);
	}
	close(a);

	/* a listening socket */
	a = quic4();
	{
		struct sockaddr_in peer = sin4("127.0.0.1", 443);
		socklen_t len = sizeof(a4);
		int fl;

		T_OK("listen_unbound_autobinds", listen(a, 8));
		T_OK("listen_getsockname", getsockname(a,
			(struct sockaddr *)&a4, &len));
		T_EQ("listen_port_chosen", a4.sin_port != 0, 1);
		T_OK("listen_again_sets_backlog", listen(a, 16));
		T_ERR("connect_listening", connect(a, (struct sockaddr *)&peer,
						   sizeof(peer)), EINVAL);
		fl = fcntl(a, F_GETFL);
		fcntl(a, F_SETFL, fl | O_NONBLOCK);
		T_ERR("accept_nonblocking_empty", accept(a, NULL, NULL),
		      EAGAIN);
		/* shutdown() stops listening */
		T_OK("shutdown_listening", shutdown(a, SHUT_RDWR));
		T_ERR("accept_after_shutdown", accept(a, NULL, NULL), EINVAL);
	}
	close(a);
	return t_exit();
}
