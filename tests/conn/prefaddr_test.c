// SPDX-License-Identifier: GPL-2.0-or-later
/* The server's preferred address (RFC 9000 9.6): QUIC_SOCKOPT_CONNECTION_
 * MIGRATION on a listener (or on an accepted connection before its
 * handshake) makes the server offer the address in preferred_address; the
 * client probes it once the handshake is confirmed and moves there, the
 * server follows; both report QUIC_EVENT_CONNECTION_MIGRATION.
 *
 * IPv4: listener 127.0.0.1:P, preferred address 127.0.0.2 (port chosen by
 * the kernel), set on the listener.
 *   prefaddr_short_einval         optlen below sockaddr_in
 *   prefaddr_family_einval        a sockaddr_in6 on an AF_INET listener
 *   prefaddr_any_einval           0.0.0.0
 *   prefaddr_same_einval          the listener's own address and port
 *   prefaddr_not_local            192.0.2.1: EADDRNOTAVAIL
 *   prefaddr_set                  127.0.0.3 first, then 127.0.0.2 (replaced)
 *   prefaddr_event_client         the client's event: local=0 (the peer's
 *                                 address changed)
 *   prefaddr_getpeername          the client now talks to 127.0.0.2:Q
 *   prefaddr_data                 1 MiB each way, intact, after the move
 *   prefaddr_event_server         the server's event: local=1
 *   prefaddr_getsockname          the server's connection is on 127.0.0.2:Q
 *   prefaddr_rx_packets           the tunnel socket of 127.0.0.2:Q took the
 *                                 transfer's packets (/proc/net/quic/udp)
 *   prefaddr_server_eisconn       on the connection after the handshake
 *   prefaddr_disabled_*           a client that announced
 *                                 disable_active_migration stays on
 *                                 127.0.0.1:P: no event, no packet to Q
 * IPv6 (when ::1 is up): the preferred address [::1]:Q (another port) set
 * on the accepted connection before its handshake.
 *   prefaddr6_set, prefaddr6_event_client, prefaddr6_getpeername,
 *   prefaddr6_data, prefaddr6_event_server, prefaddr6_getsockname,
 *   prefaddr6_server_eisconn
 * A preferred address that does not answer (127.0.0.4, whose datagrams a
 * tc filter drops, in a network namespace of the test's own):
 *   prefaddr_fail_given_up        the validation gave up (QuicPathFailed)
 *   prefaddr_fail_no_event_*      no migration event on either side
 *   prefaddr_fail_getpeername     the client stays on 127.0.0.1:P
 *   prefaddr_fail_getsockname     so does the server
 *   prefaddr_fail_data            1 MiB each way afterwards
 *   prefaddr_fail_rx_packets      nothing reached 127.0.0.4
 */
#include <sched.h>

#include "conn.h"

#define LEN	QT_MB

static char err[256];
static unsigned char buf[LEN];

/* read until stream 0's FIN (@want bytes of its pattern, 0: no data
 * expected) and, with @need_event, a migration event; returns the event's
 * payload, -1 when none came (*@got: bytes read) or -2 on an error
 */
static int read_until(int fd, uint64_t want, int need_event, int ms,
		      uint64_t *got)
{
	static unsigned char rb[65536];
	int local = -1, fin = !want;
	struct qt_rcv r;
	ssize_t n;

	*got = 0;
	while (!fin || (need_event && local < 0)) {
		if (!(qt_poll(fd, POLLIN, ms) & POLLIN)) {
			if (fin)
				return local;
			snprintf(err, sizeof(err), "nothing for %d ms (%llu bytes, event %d)",
				 ms, (unsigned long long)*got, local);
			return -2;
		}
		n = qt_recv(fd, rb, sizeof(rb), MSG_DONTWAIT, &r);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n < 0) {
			snprintf(err, sizeof(err), "recvmsg: %s", strerror(errno));
			return -2;
		}
		if (r.mflags & MSG_QUIC_NOTIFICATION) {
			if (n != 2 || rb[0] != QUIC_EVENT_CONNECTION_MIGRATION) {
				snprintf(err, sizeof(err), "event %u of %zd bytes",
					 rb[0], n);
				return -2;
			}
			local = rb[1];
			continue;
		}
		if (r.sid != 0) {
			snprintf(err, sizeof(err), "%zd bytes on stream %lld",
				 n, (long long)r.sid);
			return -2;
		}
		if (qt_check(rb, (size_t)n, 0, *got) >= 0) {
			snprintf(err, sizeof(err), "wrong byte near offset %llu",
				 (unsigned long long)*got);
			return -2;
		}
		*got += (uint64_t)n;
		if (r.sflags & MSG_QUIC_STREAM_FIN)
			fin = 1;
	}
	if (*got != want) {
		snprintf(err, sizeof(err), "%llu bytes, expected %llu",
			 (unsigned long long)*got, (unsigned long long)want);
		return -2;
	}
	return local;
}

/* "a.b.c.d" or "x::y" and the port of a sockaddr */
static const char *addr_str(const struct sockaddr_storage *ss, uint16_t *port)
{
	static char s[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)ss;

		inet_ntop(AF_INET6, &a->sin6_addr, s, sizeof(s));
		*port = ntohs(a->sin6_port);
	} else {
		const struct sockaddr_in *a = (const void *)ss;

		inet_ntop(AF_INET, &a->sin_addr, s, sizeof(s));
		*port = ntohs(a->sin_port);
	}
	return s;
}

/* RX_PACKETS of the tunnel socket @addr:* other than port @not, -1 if none */
static long long tunnel_rx(const char *addr, uint16_t not)
{
	FILE *f = fopen("/proc/net/quic/udp", "r");
	char line[256], a[64], want[80];
	long long rx, v = -1;
	unsigned int p;
	char *c;

	if (!f)
		return -1;
	snprintf(want, sizeof(want), strchr(addr, ':') ? "[%s]" : "%s", addr);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %*u %*d %*u %lld", a, &rx) != 2)
			continue;
		c = strrchr(a, ':');
		if (!c || sscanf(c + 1, "%u", &p) != 1 || p == not)
			continue;
		*c = 0;
		if (!strcmp(a, want))
			v = rx;
	}
	fclose(f);
	return v;
}

/* one case's state, shared by the processes through fork() */
struct pcase {
	const char *n;		/* name prefix: prefaddr, prefaddr6 */
	const char *paddr;	/* the preferred address, as inet_ntop says */
	uint16_t lport;		/* the listener's port */
	int disabled;		/* the client announces disable_active_migration */
	long long rx_before;	/* server: pref tunnel's packets at the start */
};

static void name(char *out, size_t len, const struct pcase *c, const char *what)
{
	snprintf(out, len, "%s%s_%s", c->n, c->disabled ? "_disabled" : "", what);
}

/* the server's side of one connection, after its handshake */
static int serve_one(int fd, struct pcase *c)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char t[96];
	uint64_t got;
	uint16_t port;
	const char *s;
	long long rx;
	int local;

	/* the earlier connection closed before this one connected */
	c->rx_before = tunnel_rx(c->paddr, c->lport);
	if (c->rx_before < 0)
		c->rx_before = 0;
	name(t, sizeof(t), c, "server_eisconn");
	memset(&ss, 0, sizeof(ss));
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	T_ERR(t, setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &ss,
			    sl), EISCONN);
	qt_stage = "reading the client's MiB";
	local = read_until(fd, LEN, !c->disabled, 20000, &got);
	name(t, sizeof(t), c, "data");
	if (local == -2) {
		t_result(0, t, "server: %s", err);
		qt_tell('D');
		return -1;
	}
	name(t, sizeof(t), c, c->disabled ? "no_event_server" : "event_server");
	t_result(c->disabled ? local == -1 : local == 1, t,
		 "the server's migration event: %d", local);
	qt_fill(buf, LEN, 0, 0);
	qt_stage = "sending a MiB back";
	if (qt_send_all(fd, buf, LEN, 0, MSG_QUIC_STREAM_FIN))
		t_result(0, t, "send: %s", strerror(errno));
	sl = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	s = addr_str(&ss, &port);
	name(t, sizeof(t), c, "getsockname");
	if (c->disabled)
		t_result(port == c->lport, t, "the server's connection is on %s:%u",
			 s, port);
	else
		t_result(!strcmp(s, c->paddr) && port != c->lport, t,
			 "the server's connection is on %s:%u (listener port %u)",
			 s, port, c->lport);
	qt_await('D', 30000);
	/* the client read our MiB: its data and ACKs are in. A MiB is at
	 * least 68 datagrams of 15 KiB (and hundreds of 1200 bytes); the
	 * client that stays sends none there
	 */
	rx = tunnel_rx(c->paddr, c->lport);
	name(t, sizeof(t), c, "rx_packets");
	t_result(c->disabled ? rx == c->rx_before : rx - c->rx_before >= 60,
		 t, "%lld datagrams at the preferred address (%lld before)",
		 rx, c->rx_before);
	return 0;
}

/* the client's side, after its handshake: wait for the move (or for a
 * second, with disable_active_migration), 1 MiB each way
 */
static int client_one(int fd, const struct pcase *c)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char t[96];
	uint64_t got;
	uint16_t port;
	const char *s;
	int local;

	qt_stage = "waiting for the migration event";
	if (c->disabled) {
		struct qt_rcv r;

		/* the validation would take a few ms on loopback */
		usleep(1500000);
		local = -1;
		while (qt_recv(fd, buf, sizeof(buf), MSG_DONTWAIT, &r) > 0)
			if (r.mflags & MSG_QUIC_NOTIFICATION)
				local = buf[1];
	} else {
		local = read_until(fd, 0, 1, 15000, &got);
	}
	name(t, sizeof(t), c, c->disabled ? "no_event_client" : "event_client");
	t_result(c->disabled ? local == -1 : local == 0, t, "%s",
		 local == -2 ? err : "wrong local_migration");
	getpeername(fd, (struct sockaddr *)&ss, &sl);
	s = addr_str(&ss, &port);
	name(t, sizeof(t), c, "getpeername");
	if (c->disabled)
		t_result(port == c->lport, t, "the client talks to %s:%u", s, port);
	else
		t_result(!strcmp(s, c->paddr) && port != c->lport, t,
			 "the client talks to %s:%u (listener port %u)", s, port,
			 c->lport);
	qt_fill(buf, LEN, 0, 0);
	qt_stage = "sending a MiB";
	name(t, sizeof(t), c, "data");
	if (qt_send_all(fd, buf, LEN, -1,
			MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN)) {
		t_result(0, t, "send: %s", strerror(errno));
		qt_tell('D');
		return -1;
	}
	qt_stage = "reading the server's MiB";
	local = read_until(fd, LEN, 0, 20000, &got);
	t_result(local != -2, t, "client: %s", err);
	sl = sizeof(ss);
	getpeername(fd, (struct sockaddr *)&ss, &sl);
	s = addr_str(&ss, &port);
	name(t, sizeof(t), c, "stays");
	t_result(c->disabled ? port == c->lport :
		 !strcmp(s, c->paddr) && port != c->lport, t,
		 "after the transfer the client talks to %s:%u", s, port);
	qt_tell('D');
	return 0;
}

static struct pcase v4[2] = {
	{ .n = "prefaddr", .paddr = "127.0.0.2" },
	{ .n = "prefaddr", .paddr = "127.0.0.2", .disabled = 1 },
};

static int srv_v4(int fd, int i)
{
	return serve_one(fd, &v4[i]);
}

static int cli_events(int fd, void *arg)
{
	(void)arg;
	return qt_event_enable(fd, QUIC_EVENT_CONNECTION_MIGRATION, 1);
}

static int cli_disable(int fd, void *arg)
{
	struct quic_transport_param tp;

	if (cli_events(fd, arg) || qt_get_tp(fd, &tp))
		return -1;
	tp.disable_active_migration = 1;
	return qt_set_tp(fd, &tp);
}

static int set_pref4(int fd, const char *addr, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };

	inet_pton(AF_INET, addr, &a.sin_addr);
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a,
			  sizeof(a));
}

static void run_v4(void)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_storage ss;
	socklen_t sl;
	int lfd, fd, hret, i;
	pid_t pid;

	qt_case = "prefaddr";
	lfd = qt_listen(AF_INET, NULL, NULL, &ss, &sl);
	if (lfd < 0)
		return;
	v4[0].lport = v4[1].lport = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	T_ERR("prefaddr_short_einval",
	      setsockopt(lfd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &ss,
			 sizeof(struct sockaddr_in) - 1), EINVAL);
	T_ERR("prefaddr_family_einval",
	      setsockopt(lfd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a6,
			 sizeof(a6)), EINVAL);
	T_ERR("prefaddr_any_einval", set_pref4(lfd, "0.0.0.0", 0), EINVAL);
	T_ERR("prefaddr_same_einval", set_pref4(lfd, "127.0.0.1", v4[0].lport),
	      EINVAL);
	T_ERR("prefaddr_not_local", set_pref4(lfd, "192.0.2.1", 0),
	      EADDRNOTAVAIL);
	if (set_pref4(lfd, "127.0.0.3", 0) || set_pref4(lfd, "127.0.0.2", 0)) {
		t_result(0, "prefaddr_set", "%s", strerror(errno));
		close(lfd);
		return;
	}
	t_result(1, "prefaddr_set", "");
	/* events on the listener: the connections have them from the start */
	if (qt_event_enable(lfd, QUIC_EVENT_CONNECTION_MIGRATION, 1)) {
		t_result(0, "prefaddr_event_server", "QUIC_SOCKOPT_EVENT: %s",
			 strerror(errno));
		close(lfd);
		return;
	}
	pid = qt_serve(lfd, 2, srv_v4, 120);
	if (pid < 0)
		return;
	for (i = 0; i < 2; i++) {
		qt_case = i ? "prefaddr_disabled" : "prefaddr";
		fd = qt_connect(&ss, sl, i ? cli_disable : cli_events, NULL,
				&hret);
		if (fd < 0)
			break;
		if (hret) {
			printf("FAIL %s_handshake: %s\n", qt_case, strerror(-hret));
			close(fd);
			break;
		}
		client_one(fd, &v4[i]);
		close(fd);
	}
	if (qt_serve_wait(pid))
		printf("FAIL prefaddr_server: the server failed\n");
}

/* IPv6: the preferred address is set on the accepted connection, before
 * its handshake
 */
static struct pcase v6 = { .n = "prefaddr6", .paddr = "::1" };

static void run_v6(void)
{
	struct sockaddr_in6 p = { .sin6_family = AF_INET6,
				  .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_storage ss;
	int lfd, fd, hret, sv[2], st = 0;
	socklen_t sl;
	pid_t pid;

	qt_case = "prefaddr6";
	lfd = qt_listen(AF_INET6, NULL, NULL, &ss, &sl);
	if (lfd < 0)
		return;
	v6.lport = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	if (qt_event_enable(lfd, QUIC_EVENT_CONNECTION_MIGRATION, 1) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv)) {
		printf("FAIL prefaddr6_setup: %s\n", strerror(errno));
		close(lfd);
		return;
	}
	pid = fork();
	if (pid < 0) {
		printf("FAIL prefaddr6_setup: fork: %s\n", strerror(errno));
		return;
	}
	if (!pid) {
		close(sv[0]);
		qt_ctl = sv[1];
		qt_side = "server";
		qt_child = 0;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(60);
		qt_stage = "accept";
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			printf("FAIL prefaddr6_accept: %s\n", strerror(errno));
			exit(1);
		}
		T_OK("prefaddr6_set",
		     setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &p,
				sizeof(p)));
		qt_stage = "handshake";
		hret = quic_server_handshake(fd, qt_psk, NULL, NULL);
		if (hret) {
			printf("FAIL prefaddr6_server_handshake: %s\n",
			       strerror(-hret));
			exit(1);
		}
		serve_one(fd, &v6);
		close(fd);
		exit(t_failed ? 1 : 0);
	}
	close(sv[1]);
	close(lfd);
	qt_ctl = sv[0];
	qt_child = pid;
	fd = qt_connect(&ss, sl, cli_events, NULL, &hret);
	if (fd >= 0 && hret)
		printf("FAIL prefaddr6_handshake: %s\n", strerror(-hret));
	else if (fd >= 0)
		client_one(fd, &v6);
	if (fd >= 0)
		close(fd);
	qt_stage = "waiting for the server to finish";
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	qt_child = 0;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		printf("FAIL prefaddr6_server: the server failed\n");
	close(qt_ctl);
	qt_ctl = -1;
}

/* read the notifications that are queued: the last migration event's
 * payload, or -1
 */
static int drain_events(int fd)
{
	struct qt_rcv r;
	int local = -1;

	while (qt_recv(fd, buf, sizeof(buf), MSG_DONTWAIT, &r) > 0)
		if (r.mflags & MSG_QUIC_NOTIFICATION &&
		    buf[0] == QUIC_EVENT_CONNECTION_MIGRATION)
			local = buf[1];
	return local;
}

static uint16_t fail_lport;

static int srv_fail(int fd, int i)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	uint64_t got;
	uint16_t port;
	const char *s;
	int local;

	(void)i;
	qt_stage = "reading the client's MiB";
	local = read_until(fd, LEN, 0, 30000, &got);
	if (local == -2) {
		t_result(0, "prefaddr_fail_data", "server: %s", err);
		qt_tell('D');
		return -1;
	}
	qt_fill(buf, LEN, 0, 0);
	qt_stage = "sending a MiB back";
	if (qt_send_all(fd, buf, LEN, 0, MSG_QUIC_STREAM_FIN))
		t_result(0, "prefaddr_fail_data", "server send: %s",
			 strerror(errno));
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	s = addr_str(&ss, &port);
	t_result(!strcmp(s, "127.0.0.1") && port == fail_lport,
		 "prefaddr_fail_getsockname", "the server's connection is on %s:%u",
		 s, port);
	qt_await('D', 30000);
	if (local < 0)
		local = drain_events(fd);
	t_result(local == -1, "prefaddr_fail_no_event_server",
		 "the server's migration event: %d", local);
	t_result(tunnel_rx("127.0.0.4", fail_lport) == 0,
		 "prefaddr_fail_rx_packets", "%lld datagrams at 127.0.0.4",
		 tunnel_rx("127.0.0.4", fail_lport));
	return 0;
}

static void run_fail(void)
{
	struct sockaddr_storage ss;
	long before, after = -1;
	int lfd, fd, hret, local;
	socklen_t sl;
	uint64_t got;
	uint16_t port;
	const char *s;
	pid_t pid;

	qt_case = "prefaddr_fail";
	if (unshare(CLONE_NEWNET) || system("ip link set lo up")) {
		printf("SKIP prefaddr_fail: no network namespace of its own\n");
		return;
	}
	if (system("tc qdisc add dev lo root handle 1: prio && "
		   "tc filter add dev lo parent 1: protocol ip prio 1 u32 "
		   "match ip dst 127.0.0.4/32 action drop")) {
		printf("SKIP prefaddr_fail: no tc u32 filter to drop with\n");
		return;
	}
	lfd = qt_listen(AF_INET, NULL, NULL, &ss, &sl);
	if (lfd < 0)
		return;
	fail_lport = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (set_pref4(lfd, "127.0.0.4", 0) ||
	    qt_event_enable(lfd, QUIC_EVENT_CONNECTION_MIGRATION, 1)) {
		printf("FAIL prefaddr_fail_setup: %s\n", strerror(errno));
		close(lfd);
		return;
	}
	before = qt_snmp("QuicPathFailed");
	pid = qt_serve(lfd, 1, srv_fail, 90);
	if (pid < 0)
		return;
	fd = qt_connect(&ss, sl, cli_events, NULL, &hret);
	if (fd >= 0 && hret) {
		printf("FAIL prefaddr_fail_handshake: %s\n", strerror(-hret));
	} else if (fd >= 0) {
		/* three probe timeouts, at least 6 s (quic(7), Paths) */
		qt_stage = "waiting for the validation to give up";
		for (int i = 0; i < 100 && after <= before; i++) {
			usleep(200000);
			after = qt_snmp("QuicPathFailed");
		}
		t_result(after > before, "prefaddr_fail_given_up",
			 "QuicPathFailed %ld -> %ld after 20 s", before, after);
		local = drain_events(fd);
		t_result(local == -1, "prefaddr_fail_no_event_client",
			 "the client's migration event: %d", local);
		sl = sizeof(ss);
		getpeername(fd, (struct sockaddr *)&ss, &sl);
		s = addr_str(&ss, &port);
		t_result(!strcmp(s, "127.0.0.1") && port == fail_lport,
			 "prefaddr_fail_getpeername", "the client talks to %s:%u",
			 s, port);
		qt_fill(buf, LEN, 0, 0);
		qt_stage = "sending a MiB";
		if (qt_send_all(fd, buf, LEN, -1,
				MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN))
			t_result(0, "prefaddr_fail_data", "send: %s",
				 strerror(errno));
		qt_stage = "reading the server's MiB";
		local = read_until(fd, LEN, 0, 20000, &got);
		t_result(local == -1, "prefaddr_fail_data", "client: %s",
			 local == -2 ? err : "a migration event");
		qt_tell('D');
	}
	if (fd >= 0)
		close(fd);
	if (qt_serve_wait(pid))
		printf("FAIL prefaddr_fail_server: the server failed\n");
}

int main(void)
{
	if (qt_init())
		return 1;
	run_v4();
	close(qt_ctl);
	qt_ctl = -1;
	if (qt_have_ipv6())
		run_v6();
	else
		printf("SKIP prefaddr6: no IPv6 loopback\n");
	close(qt_ctl);
	qt_ctl = -1;
	run_fail();	/* last: it leaves the test in its own netns */
	qt_done();
	return t_exit();
}
