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
 *
 * Retired IDs stop working (RFC 9000 5.1.2, 10.3): the client captures the
 * IDs on lo (AF_PACKET: ID 0 from the server's handshake packets, the
 * others as the one most of its own packets carried after each switch) and sends a 48-byte short header
 * packet to them from a plain UDP socket; the server answers one to an ID
 * no connection has with a stateless reset (21..47 bytes, short header).
 *
 *   connid_retired_own_reset    ID 0, which the client retired (prior_to 2):
 *                               a stateless reset comes back
 *   connid_active_no_reset      ID 2, in use: no answer within 1 s (the
 *                               connection drops what it cannot decrypt)
 *   connid_retired_peer_reset   ID 2 after the server's Retire Prior To 5
 *                               made the client retire it: a reset
 *   connid_active_after_retire_no_reset  ID 5, in use then: no answer
 *   connid_retired_resets_counted  QuicStatelessResetsSent grew by 2
 *   (connid_data_after_retire: the connection carries data after all this)
 */

#include "conn.h"

#define CID_LEN	8	/* the length of the IDs the kernel issues */

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

/* a counter of /proc/net/quic/snmp (0 if missing) */
#define snmp(name) ((unsigned long)(qt_snmp(name) > 0 ? qt_snmp(name) : 0))

/* from what @cfd captured (it is closed then): the Destination Connection
 * ID most short header packets to @port carried, or with @from set, the
 * Source Connection ID of the first long header packet from @port (the
 * server's ID 0 in its handshake); 0 or -1. @what names it in an INFO line
 * listing the IDs seen.
 */
static int cap_cid(int cfd, uint16_t port, int from, uint8_t *cid,
		   const char *what)
{
	static unsigned char buf[65536];
	uint8_t ids[8][CID_LEN];
	int cnt[8] = { 0 }, nids = 0, best = -1, i;
	const unsigned char *q;
	uint16_t sp, dp;
	size_t n, dl;

	if (cfd < 0)
		return -1;
	while (qt_lo_next(cfd, buf, sizeof(buf), &sp, &dp, &q, &n)) {
		if (n < 1 + CID_LEN)
			continue;
		if (!from) {
			if (dp != port || (q[0] & 0x80))
				continue;
			q += 1;
		} else {
			/* long header: flags, version, DCID length and
			 * DCID, SCID length and SCID
			 */
			if (sp != port || !(q[0] & 0x80) || n < 7)
				continue;
			dl = q[5];
			if (n < 6 + dl + 1 + CID_LEN || q[6 + dl] != CID_LEN)
				continue;
			q += 7 + dl;
		}
		for (i = 0; i < nids && memcmp(ids[i], q, CID_LEN); i++)
			;
		if (i == nids && nids < 8)
			memcpy(ids[nids++], q, CID_LEN);
		if (i < nids)
			cnt[i]++;
		if (from)
			break;
	}
	close(cfd);
	printf("INFO connid_ids %s:", what);
	for (i = 0; i < nids; i++) {
		printf(" %02x%02x%02x%02x.. x%d", ids[i][0], ids[i][1], ids[i][2],
		       ids[i][3], cnt[i]);
		if (best < 0 || cnt[i] > cnt[best])
			best = i;
	}
	printf("\n");
	if (best < 0)
		return -1;
	memcpy(cid, ids[best], CID_LEN);
	return 0;
}

/* a 48-byte short header packet to @cid from a plain UDP socket: the
 * length of a stateless reset that comes back within @ms, 0 if none, -1
 * if the reply is not one
 */
static int probe_cid(const struct sockaddr_in *srv, const uint8_t *cid,
		     int ms)
{
	unsigned char pkt[48], in[256];
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n = 0;
	size_t i;

	if (u < 0)
		return -1;
	for (i = 0; i < sizeof(pkt); i++)
		pkt[i] = (unsigned char)rand();
	pkt[0] = (unsigned char)(0x40 | (pkt[0] & 0x3f));
	memcpy(pkt + 1, cid, CID_LEN);
	if (sendto(u, pkt, sizeof(pkt), 0, (const struct sockaddr *)srv,
		   sizeof(*srv)) != (ssize_t)sizeof(pkt)) {
		close(u);
		return -1;
	}
	if (qt_poll(u, POLLIN, ms) & POLLIN)
		n = recv(u, in, sizeof(in), MSG_DONTWAIT);
	close(u);
	if (n <= 0)
		return 0;
	/* RFC 9000 10.3: short header, fixed bit, shorter than what came */
	if (n < 21 || n >= (ssize_t)sizeof(pkt) || (in[0] & 0xc0) != 0x40)
		return -1;
	return (int)n;
}

static void expect_reset(const char *name, const struct sockaddr_in *srv,
			 const uint8_t *cid, int want)
{
	char hex[2 * CID_LEN + 1];
	int n = 0, i;

	for (i = 0; i < CID_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", cid[i]);

	/* the retirement may still be on its way: a few tries */
	for (i = 0; i < (want ? 5 : 1) && n <= 0; i++)
		n = probe_cid(srv, cid, 1000);
	if (want)
		t_result(n > 0, name, "%s for ID %s", n < 0 ?
			 "an answer that is no stateless reset" :
			 "no stateless reset came back", hex);
	else
		t_result(n == 0, name, "an answer of %d bytes to ID %s, in use",
			 n, hex);
}

static int cli_cap = -1;	/* what passes lo from before the handshake */

static int cli_setup(int fd, void *arg)
{
	(void)fd;
	(void)arg;
	cli_cap = qt_lo_capture();
	return 0;
}

static int client(int fd, void *arg)
{
	struct quic_connection_id_info i;
	struct io io = { .server = 0 };
	uint8_t id0[CID_LEN], id2[CID_LEN], id5[CID_LEN];
	int cap = cli_cap, cap2, cap5, have0, have2, have5;
	struct sockaddr_in srv;
	socklen_t sl = sizeof(srv);
	long long t0 = ms_now();
	unsigned long resets0;
	int rc;

	(void)arg;
	if (cap < 0)
		t_result(0, "connid_capture", "AF_PACKET: %s", strerror(errno));
	if (getpeername(fd, (struct sockaddr *)&srv, &sl) ||
	    srv.sin_family != AF_INET)
		t_result(0, "connid_getpeername", "%s", strerror(errno));
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
	cap2 = qt_lo_capture();
	have0 = !cap_cid(cap, ntohs(srv.sin_port), 1, id0, "handshake");
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
	have2 = !cap_cid(cap2, ntohs(srv.sin_port), 0, id2, "after the switch to 2");
	resets0 = snmp("QuicStatelessResetsSent");
	qt_stage = "sending to the retired ID 0";
	if (have0 && have2 && memcmp(id0, id2, CID_LEN)) {
		expect_reset("connid_retired_own_reset", &srv, id0, 1);
		expect_reset("connid_active_no_reset", &srv, id2, 0);
	} else {
		t_result(0, "connid_retired_own_reset",
			 "IDs not captured (ID 0: %d, ID 2: %d)", have0, have2);
	}
	qt_tell('P');
	qt_stage = "waiting for the server's Retire Prior To";
	if (qt_await('R', 30000))
		return -1;
	t_result(!pump(fd, &io, QT_MB, 1, 5, 10000), "connid_event_peer_retire",
		 "%s", err);
	t_result(io.ev.prior_to == 5, "connid_event_peer_retire_prior_to",
		 "prior_to %u", io.ev.prior_to);
	check_get("connid_get_after_peer_retire", fd, 1, 5, 5);
	cap5 = qt_lo_capture();
	qt_stage = "sending 256 KiB";
	if (send_bytes(fd, &io, 256 * 1024))
		t_result(0, "connid_send_after_retire", "%s", err);
	if (qt_await('D', 30000))
		return -1;
	have5 = !cap_cid(cap5, ntohs(srv.sin_port), 0, id5, "after prior_to 5");
	qt_stage = "sending to the retired ID 2";
	if (have2 && have5 && memcmp(id2, id5, CID_LEN)) {
		expect_reset("connid_retired_peer_reset", &srv, id2, 1);
		expect_reset("connid_active_after_retire_no_reset", &srv, id5, 0);
	} else {
		t_result(0, "connid_retired_peer_reset",
			 "IDs not captured (ID 2: %d, ID 5: %d)", have2, have5);
	}
	T_EQ("connid_retired_resets_counted",
	     snmp("QuicStatelessResetsSent") - resets0, 2UL);
	qt_tell('F');
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
	/* ID 2 stays in use until the client probed it */
	qt_stage = "waiting for the client's probes of ID 0 and 2";
	if (qt_await('P', 30000))
		return -1;
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
	qt_stage = "waiting for the client's probes of retired IDs";
	qt_await('F', 30000);
	return 0;
}

int main(void)
{
	if (qt_init())
		return 1;
	test_unconnected();
	qt_run(&(struct qt_pair){ .name = "connid", .timeout = 90,
				  .cli_setup = cli_setup,
				  .client = client, .server = server });
	qt_done();
	return t_exit();
}
