// SPDX-License-Identifier: GPL-2.0-or-later
/* socket(): every family/type of IPPROTO_QUIC, SO_PROTOCOL/SO_TYPE/SO_DOMAIN,
 * and the errors of combinations that do not exist.
 */
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/quic.h>

#include "test.h"

static int sockopt_int(int fd, int opt)
{
	socklen_t len = sizeof(int);
	int v = -1;

	if (getsockopt(fd, SOL_SOCKET, opt, &v, &len))
		return -1;
	return v;
}

int main(void)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM };
	char name[96];
	int fd;

	for (unsigned int f = 0; f < 2; f++) {
		for (unsigned int t = 0; t < 2; t++) {
			const char *fs = fams[f] == AF_INET ? "inet" : "inet6";
			const char *ts = types[t] == SOCK_STREAM ? "stream" :
								    "dgram";

			snprintf(name, sizeof(name), "socket_%s_%s", fs, ts);
			fd = socket(fams[f], types[t], IPPROTO_QUIC);
			t_result(fd >= 0, name, "socket: %s", strerror(errno));
			if (fd < 0)
				continue;
			snprintf(name, sizeof(name), "so_protocol_%s_%s", fs, ts);
			T_EQ(name, sockopt_int(fd, SO_PROTOCOL), IPPROTO_QUIC);
			snprintf(name, sizeof(name), "so_type_%s_%s", fs, ts);
			T_EQ(name, sockopt_int(fd, SO_TYPE), types[t]);
			snprintf(name, sizeof(name), "so_domain_%s_%s", fs, ts);
			T_EQ(name, sockopt_int(fd, SO_DOMAIN), fams[f]);
			snprintf(name, sizeof(name), "close_%s_%s", fs, ts);
			T_OK(name, close(fd));
		}
	}

	/* SOCK_SEQPACKET has no QUIC: ESOCKTNOSUPPORT, or EPROTONOSUPPORT
	 * when another protocol (SCTP) registered that type
	 */
	for (unsigned int f = 0; f < 2; f++) {
		snprintf(name, sizeof(name), "socket_%s_seqpacket_rejected",
			 fams[f] == AF_INET ? "inet" : "inet6");
		errno = 0;
		fd = socket(fams[f], SOCK_SEQPACKET, IPPROTO_QUIC);
		t_result(fd < 0 && (errno == ESOCKTNOSUPPORT ||
				    errno == EPROTONOSUPPORT),
			 name, "fd %d errno %s", fd, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	T_ERR("socket_unix_quic_rejected",
	      socket(AF_UNIX, SOCK_STREAM, IPPROTO_QUIC), EPROTONOSUPPORT);
	T_ERR("socket_proto_beyond_max", socket(AF_INET, SOCK_DGRAM, 4096),
	      EINVAL);

	/* many sockets, then all closed */
	{
		int fds[256], ok = 1;

		for (int i = 0; i < 256; i++) {
			fds[i] = socket(i & 1 ? AF_INET6 : AF_INET,
					i & 2 ? SOCK_DGRAM : SOCK_STREAM,
					IPPROTO_QUIC);
			if (fds[i] < 0)
				ok = 0;
		}
		for (int i = 0; i < 256; i++)
			if (fds[i] >= 0 && close(fds[i]))
				ok = 0;
		t_result(ok, "socket_256_open_close", "a socket or close failed");
	}
	return t_exit();
}
