// SPDX-License-Identifier: GPL-2.0-or-later
/* Client active migration (QUIC_SOCKOPT_CONNECTION_MIGRATION, RFC 9000 9)
 * over loopback: the client moves from 127.0.0.1 to 127.0.0.2 in the middle
 * of a stream; the server follows it after a PATH_CHALLENGE.
 *
 *   migration_unconnected_enotconn   on a socket that never connected
 *   migration_short_einval           an optlen below sockaddr_in
 *   migration_family_einval          a sockaddr_in6 on an AF_INET socket
 *   migration_any_einval             0.0.0.0
 *   migration_not_local              192.0.2.1 is no local address:
 *                                    EADDRNOTAVAIL
 *   migration_server_eisconn         on the server's connection: a
 *                                    preferred address after the handshake
 *   migration_set                    127.0.0.2 after 1 MiB is sent
 *   migration_getsockname            the client's local address is 127.0.0.2
 *   migration_data                   2 MiB arrive intact across the switch
 *   migration_event_client           QUIC_EVENT_CONNECTION_MIGRATION, local=1
 *   migration_event_server           QUIC_EVENT_CONNECTION_MIGRATION, local=0
 *   migration_getpeername            the server sees 127.0.0.2
 *   migration_disabled_eperm         the server announced
 *                                    disable_active_migration
 */
#include "conn.h"

#define HALF	(1024 * 1024)

static char err[256];

/* read events and stream 0 until its FIN and a migration event came;
 * returns the event's payload (local) or -1; *@got: bytes read
 */
static int read_all(int fd, uint64_t want, uint64_t *got, int need_data)
{
	static unsigned char buf[65536];
	int local = -1, fin = !need_data;
	struct qt_rcv r;
	ssize_t n;

	*got = 0;
	while (!fin || local < 0) {
		if (!(qt_poll(fd, POLLIN, 10000) & POLLIN)) {
			snprintf(err, sizeof(err), "nothing for 10 s (%llu bytes, event %d)",
				 (unsigned long long)*got, local);
			return -1;
		}
		n = qt_recv(fd, buf, sizeof(buf), MSG_DONTWAIT, &r);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n < 0) {
			snprintf(err, sizeof(err), "recvmsg: %s", strerror(errno));
			return -1;
		}
		if (r.mflags & MSG_QUIC_NOTIFICATION) {
			if (n != 2 || buf[0] != QUIC_EVENT_CONNECTION_MIGRATION) {
				snprintf(err, sizeof(err), "event %u of %zd bytes",
					 buf[0], n);
				return -1;
			}
			local = buf[1];
			continue;
		}
		if (r.sid < 0) {
			if (!n) {
				snprintf(err, sizeof(err), "closed after %llu bytes",
					 (unsigned long long)*got);
				return -1;
			}
			continue;
		}
		if (qt_check(buf, (size_t)n, 0, *got) >= 0) {
			snprintf(err, sizeof(err), "wrong byte near offset %llu",
				 (unsigned long long)*got);
			return -1;
		}
		*got += (uint64_t)n;
		if (r.sflags & MSG_QUIC_STREAM_FIN)
			fin = 1;
	}
	if (*got != want) {
		snprintf(err, sizeof(err), "%llu bytes, expected %llu",
			 (unsigned long long)*got, (unsigned long long)want);
		return -1;
	}
	return local;
}

static int client(int fd, void *arg)
{
	static unsigned char buf[2 * HALF];
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t sl = sizeof(a);
	char s[INET_ADDRSTRLEN];
	uint64_t got;
	int local;

	(void)arg;
	T_ERR("migration_short_einval",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a,
			 sizeof(a) - 1), EINVAL);
	T_ERR("migration_family_einval",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a6,
			 sizeof(a6)), EINVAL);
	T_ERR("migration_any_einval",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a,
			 sizeof(a)), EINVAL);
	if (qt_event_enable(fd, QUIC_EVENT_CONNECTION_MIGRATION, 1)) {
		t_result(0, "migration_set", "QUIC_SOCKOPT_EVENT: %s", strerror(errno));
		qt_tell('X');
		return -1;
	}
	qt_fill(buf, sizeof(buf), 0, 0);
	qt_stage = "sending the first MiB";
	if (qt_send(fd, buf, HALF, -1, MSG_QUIC_STREAM_NEW, 0) != HALF) {
		t_result(0, "migration_set", "send: %s", strerror(errno));
		qt_tell('X');
		return -1;
	}
	/* the 1 MiB fits in the send buffer: HANDSHAKE_DONE may still be on
	 * its way (ENOTCONN until the handshake is confirmed)
	 */
	inet_pton(AF_INET, "192.0.2.1", &a.sin_addr);
	for (int i = 0; i < 150; i++) {
		if (!setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION,
				&a, sizeof(a)) || errno != ENOTCONN)
			break;
		usleep(20000);
	}
	T_ERR("migration_not_local",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a,
			 sizeof(a)), EADDRNOTAVAIL);
	inet_pton(AF_INET, "127.0.0.2", &a.sin_addr);
	T_OK("migration_set",
	     setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a,
			sizeof(a)));
	memset(&a, 0, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &sl);
	inet_ntop(AF_INET, &a.sin_addr, s, sizeof(s));
	t_result(!strcmp(s, "127.0.0.2") && a.sin_port, "migration_getsockname",
		 "getsockname says %s:%u", s, ntohs(a.sin_port));
	qt_stage = "sending the second MiB";
	if (qt_send_all(fd, buf + HALF, HALF, 0, MSG_QUIC_STREAM_FIN) < 0)
		t_result(0, "migration_data", "send: %s", strerror(errno));
	qt_stage = "waiting for the migration event";
	local = read_all(fd, 0, &got, 0);
	t_result(local == 1, "migration_event_client", "%s",
		 local < 0 ? err : "local is not 1");
	qt_stage = "waiting for the server";
	qt_await('D', 30000);
	return 0;
}

static int server(int fd, void *arg)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(0x7f000003) };
	socklen_t sl = sizeof(a);
	char s[INET_ADDRSTRLEN];
	uint64_t got;
	int local;

	(void)arg;
	T_ERR("migration_server_eisconn",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a,
			 sizeof(a)), EISCONN);
	if (qt_event_enable(fd, QUIC_EVENT_CONNECTION_MIGRATION, 1)) {
		t_result(0, "migration_event_server", "QUIC_SOCKOPT_EVENT: %s",
			 strerror(errno));
		qt_tell('D');
		return 0;
	}
	qt_stage = "reading the stream";
	local = read_all(fd, 2 * HALF, &got, 1);
	t_result(local >= 0 || got == 2 * HALF, "migration_data", "%s", err);
	t_result(local == 0, "migration_event_server", "%s",
		 local < 0 ? err : "local is not 0");
	memset(&a, 0, sizeof(a));
	getpeername(fd, (struct sockaddr *)&a, &sl);
	inet_ntop(AF_INET, &a.sin_addr, s, sizeof(s));
	t_result(!strcmp(s, "127.0.0.2"), "migration_getpeername",
		 "getpeername says %s", s);
	qt_tell('D');
	return 0;
}

static int srv_disable(int lfd, void *arg)
{
	struct quic_transport_param tp;

	(void)arg;
	if (qt_get_tp(lfd, &tp))
		return -1;
	tp.disable_active_migration = 1;
	return qt_set_tp(lfd, &tp);
}

static int client_disabled(int fd, void *arg)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(0x7f000002) };

	(void)arg;
	T_ERR("migration_disabled_eperm",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a,
			 sizeof(a)), EPERM);
	return 0;
}

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(0x7f000002) };
	struct qt_pair p = { .name = "migration", .client = client,
			     .server = server };
	struct qt_pair d = { .name = "migration_disabled",
			     .srv_setup = srv_disable,
			     .client = client_disabled };
	int fd;

	if (qt_init())
		return 1;
	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	T_ERR("migration_unconnected_enotconn",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a,
			 sizeof(a)), ENOTCONN);
	close(fd);
	qt_run(&p);
	qt_run(&d);
	qt_done();
	return t_exit();
}
