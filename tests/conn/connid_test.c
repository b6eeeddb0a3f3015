// SPDX-License-Identifier: GPL-2.0-or-later
/* Connection IDs (RFC 9000 5.1) with QUIC_SOCKOPT_CONNECTION_ID and
 * QUIC_EVENT_CONNECTION_ID. Each side issues IDs up to the other's
 * active_connection_id_limit (7 by default) after the handshake.
 *
 *   connid_get_unconnected_enotconn  get on a socket without a connection
 *   connid_set_unconnected_enotconn  set on it
 *   connid_get_initial          client, after the handshake: {dest 1}: active
 *                               0, prior_to 0; {dest 0}: active 0, prior_to 0
 *   connid_bad_dest_get/_set    dest 2: EINVAL
 *   connid_bad_optlen           set with 4 bytes: EINVAL
 *   connid_bad_active           {dest 1, active 100}: EINVAL (no such ID)
 *   connid_bad_prior_above_active  {dest 1, active 1, prior_to 2}: EINVAL
 *   connid_switch_dest          {dest 1, active 2, prior_to 2}: the client
 *                               sends to the server's ID 2 and retires 0, 1
 *   connid_get_after_switch     {dest 1} reads back active 2, prior_to 2
 *   connid_event_peer_switched  the server gets QUIC_EVENT_CONNECTION_ID
 *                               {dest 0, active 2} when packets come to ID 2
 *   connid_data_after_switch_*  1 MiB each way, byte for byte, afterwards
 *   connid_get_server_active    the server's {dest 0}: active 2
 *   connid_prior_above_next_einval  server {dest 0, prior_to 1000}: EINVAL
 *   connid_retire_prior_to      server {dest 0, prior_to 5}: its
 *                               NEW_CONNECTION_ID frames ask the client to
 *                               retire IDs 0-4
 *   connid_event_peer_retire    the client gets {dest 1, active 5,
 *                               prior_to 5}: it moved off the retired ID 2
 *   connid_get_after_peer_retire  the client's {dest 1}: active 5, prior_to 5
 *   connid_event_new_id_used    the server gets {dest 0, active 5}
 *   connid_data_after_retire    256 KiB more reach the server
 *   connid_get_server_retired   the server's {dest 0}: active 5, prior_to 5
 */
#include "conn.h"

static char err[256];

static int get_cid(int fd, int dest, struct quic_connection_id_info *i)
{
	socklen_t len = sizeof(*i);

	memset(i, 0, sizeof(*i));
	i->dest = (uint8_t)dest;
	return getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_ID, i, &len);
}

static int set_cid(int fd, int dest, uint32_t active, uint32_t prior_to)
{
	struct quic_connection_id_info i = { .dest = (uint8_t)dest,
					     .active = active,
					     .prior_to = prior_to };

	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_ID, &i,
			  sizeof(i));
}

static void check_get(const char *name, int fd, int dest, uint32_t active,
		      uint32_t prior_to)
{
	struct quic_connection_id_info i;

	if (get_cid(fd, dest, &i)) {
		t_result(0, name, "getsockopt: %s", strerror(errno));
		return;
	}
	t_result(i.active == active && i.prior_to == prior_to, name,
		 "{dest %d}: active %u prior_to %u, expected %u %u", dest,
		 i.active, i.prior_to, active, prior_to);
}

static void test_unconnected(void)
{
	struct quic_connection_id_info i;
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	T_ERR("connid_get_unconnected_enotconn", get_cid(fd, 1, &i), ENOTCONN);
	T_ERR("connid_set_unconnected_enotconn", set_cid(fd, 1, 0, 0), ENOTCONN);
	close(fd);
}

/* our stream's bytes sent, the peer's read, the last ID event */
struct io {
	int server;
	uint64_t sent, got;
	int nev;
	struct quic_connection_id_info ev;
};

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int send_bytes(int fd, struct io *io, uint64_t n)
{
	static unsigned char buf[16384];

	while (n) {
		size_t k = n < sizeof(buf) ? (size_t)n : sizeof(buf);
		int64_t sid = io->sent ? qt_sid(io->server, 1, 0) : -1;
		uint32_t fl = io->sent ? 0 : MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_UNI;

		qt_fill(buf, k, io->server, io->sent);
		if (qt_send_all(fd, buf, k, sid, fl)) {
			snprintf(err, sizeof(err), "send after %llu bytes: %s",
				 (unsigned long long)io->sent, strerror(errno));
			return -1;
		}
		io->sent += k;
		n -= k;
	}
	return 0;
}

/* read until @want bytes of the peer's stream and, with @ev_active >= 0,
 * a CONNECTION_ID event {@ev_dest, @ev_active}; 0 or -1 with err
 */
static int pump(int fd, struct io *io, uint64_t want, int ev_dest,
		long ev_active, int ms)
{
	static unsigned char buf[65536];
	long long end = ms_now() + ms;
	struct qt_rcv r;
	ssize_t n;
	long bad;

	while (io->got < want ||
	       (ev_active >= 0 && !(io->nev && io->ev.dest == ev_dest &&
				    io->ev.active == (uint32_t)ev_active))) {
		if (ms_now() > end) {
			snprintf(err, sizeof(err), "%llu of %llu bytes, %d events (last {dest %u, active %u, prior_to %u})",
				 (unsigned long long)io->got, (unsigned long long)want,
				 io->nev, io->ev.dest, io->ev.active, io->ev.prior_to);
			return -1;
		}
		if (!(qt_poll(fd, POLLIN, 100) & POLLIN))
			continue;
		n = qt_recv(fd, buf, sizeof(buf), MSG_DONTWAIT, &r);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (n < 0) {
			snprintf(err, sizeof(err), "recvmsg: %s", strerror(errno));
			return -1;
		}
		if (r.mflags & MSG_QUIC_NOTIFICATION) {
			if (buf[0] == QUIC_EVENT_CONNECTION_ID &&
			    n == 1 + (ssize_t)sizeof(io->ev)) {
				memcpy(&io->ev, buf + 1, sizeof(io->ev));
				io->nev++;
			}
			continue;
		}
		if (r.sid < 0)
			continue;
		if (r.sid != qt_sid(!io->server, 1, 0)) {
			snprintf(err, sizeof(err), "data on stream %lld", (long long)r.sid);
			return -1;
		}
		bad = qt_check(buf, (size_t)n, !io->server, io->got);
		if (bad >= 0) {
			snprintf(err, sizeof(err), "wrong byte at offset %llu",
				 (unsigned long long)(io->got + (uint64_t)bad));
			return -1;
		}
		io->got += (uint64_t)n;
	}
	return 0;
}

static int client(int fd, void *arg)
{
	struct quic_connection_id_info i;
	struct io io = { .server = 0 };
	long long t0 = ms_now();
	int rc;

	(void)arg;
	qt_event_enable(fd, QUIC_EVENT_CONNECTION_ID, 1);
	check_get("connid_get_initial_dest", fd, 1, 0, 0);
	check_get("connid_get_initial_local", fd, 0, 0, 0);
	memset(&i, 0, sizeof(i));
	i.dest = 2;
	T_ERR("connid_bad_dest_get", get_cid(fd, 2, &i), EINVAL);
	T_ERR("connid_bad_dest_set", set_cid(fd, 2, 0, 0), EINVAL);
	T_ERR("connid_bad_optlen",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_ID, &i, 4), EINVAL);
	T_ERR("connid_bad_active", set_cid(fd, 1, 100, 0), EINVAL);
	qt_stage = "waiting for the server's events to be on";
	if (qt_await('E', 10000))
		return -1;
	qt_stage = "switching to the server's ID 2";
	/* the server's NEW_CONNECTION_ID frames come after the handshake */
	while ((rc = set_cid(fd, 1, 2, 2)) && errno == EINVAL &&
	       ms_now() - t0 < 5000)
		usleep(10000);
	t_result(!rc, "connid_switch_dest", "%s", rc ? strerror(errno) : "");
	T_ERR("connid_bad_prior_above_active", set_cid(fd, 1, 1, 2), EINVAL);
	check_get("connid_get_after_switch", fd, 1, 2, 2);

	qt_stage = "sending 1 MiB";
	if (send_bytes(fd, &io, QT_MB)) {
		t_result(0, "connid_data_after_switch_client", "%s", err);
		qt_tell('X');
		return -1;
	}
	qt_stage = "reading 1 MiB";
	t_result(!pump(fd, &io, QT_MB, 0, -1, 30000),
		 "connid_data_after_switch_client", "%s", err);
	qt_stage = "waiting for the server's Retire Prior To";
	if (qt_await('R', 30000))
		return -1;
	t_result(!pump(fd, &io, QT_MB, 1, 5, 10000), "connid_event_peer_retire",
		 "%s", err);
	t_result(io.ev.prior_to == 5, "connid_event_peer_retire_prior_to",
		 "prior_to %u", io.ev.prior_to);
	check_get("connid_get_after_peer_retire", fd, 1, 5, 5);
	qt_stage = "sending 256 KiB";
	if (send_bytes(fd, &io, 256 * 1024))
		t_result(0, "connid_send_after_retire", "%s", err);
	qt_await('D', 30000);
	return 0;
}

static int server(int fd, void *arg)
{
	struct io io = { .server = 1 };

	(void)arg;
	qt_event_enable(fd, QUIC_EVENT_CONNECTION_ID, 1);
	qt_tell('E');
	qt_stage = "reading 1 MiB";
	t_result(!pump(fd, &io, QT_MB, 0, 2, 30000), "connid_event_peer_switched",
		 "%s", err);
	t_result(io.got == QT_MB, "connid_data_after_switch_server", "%s", err);
	check_get("connid_get_server_active", fd, 0, 2, 0);
	qt_stage = "sending 1 MiB";
	if (send_bytes(fd, &io, QT_MB)) {
		t_result(0, "connid_send_server", "%s", err);
		qt_tell('X');
		return -1;
	}
	T_ERR("connid_prior_above_next_einval", set_cid(fd, 0, 2, 1000), EINVAL);
	T_OK("connid_retire_prior_to", set_cid(fd, 0, 2, 5));
	qt_tell('R');
	qt_stage = "reading 256 KiB";
	t_result(!pump(fd, &io, QT_MB + 256 * 1024, 0, 5, 30000),
		 "connid_event_new_id_used", "%s", err);
	t_result(io.got == QT_MB + 256 * 1024, "connid_data_after_retire", "%s",
		 err);
	check_get("connid_get_server_retired", fd, 0, 5, 5);
	qt_tell('D');
	return 0;
}

int main(void)
{
	if (qt_init())
		return 1;
	test_unconnected();
	qt_run(&(struct qt_pair){ .name = "connid", .timeout = 90,
				  .client = client, .server = server });
	qt_done();
	return t_exit();
}
