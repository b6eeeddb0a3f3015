// SPDX-License-Identifier: GPL-2.0-or-later
/* Key updates (RFC 9001 6) with QUIC_SOCKOPT_KEY_UPDATE and
 * QUIC_EVENT_KEY_UPDATE:
 *
 *   keyupdate_unconnected_enotconn  on a socket without a connection: ENOTCONN
 *   keyupdate_listener_enotconn     on a listening socket: ENOTCONN
 *   keyupdate_get_eopnotsupp        getsockopt: EOPNOTSUPP (set only)
 *   keyupdate_first                 the client's first update after the
 *                                   handshake is taken (within 5 s)
 *   keyupdate_again_eagain          a second one right away: EAGAIN (nothing
 *                                   sent with the new keys was acknowledged)
 *   keyupdate_updates_{client,server}  each side starts UPDATES updates
 *                                   (the sides take turns) while both send
 *                                   at least MIN_BYTES on a unidirectional
 *                                   stream
 *   keyupdate_data_{client,server}  the peer's stream arrives byte for byte,
 *                                   with its FIN
 *   keyupdate_events_{client,server}  a QUIC_EVENT_KEY_UPDATE for every new
 *                                   key phase: the phases alternate 1, 0, 1...
 *                                   and both sides see UPDATES key phases at
 *                                   least (a turn may coincide with the
 *                                   other side's)
 */
#include "conn.h"

#define UPDATES		30		/* per side: 61 updates in all */
/* key phases at least: each side's own updates are distinct phases (one
 * starts only after the previous one is done), but an update of one side
 * may coincide with one of the other's, the more often the busier the
 * machine (46 of 61 seen under load)
 */
#define PHASES		UPDATES
#define MIN_BYTES	(4 * QT_MB)	/* per side */
#define CHUNK		16384

static char err[256];

static int key_update(int fd)
{
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_KEY_UPDATE, NULL, 0);
}

static void test_bad_uses(void)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char v[4];
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	T_ERR("keyupdate_unconnected_enotconn", key_update(fd), ENOTCONN);
	sl = sizeof(v);
	T_ERR("keyupdate_get_eopnotsupp",
	      getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_KEY_UPDATE, v, &sl),
	      EOPNOTSUPP);
	close(fd);
	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	sl = qt_loopback(AF_INET, &ss, 0);
	if (bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, 1))
		t_result(0, "keyupdate_listener_enotconn", "bind/listen: %s",
			 strerror(errno));
	else
		T_ERR("keyupdate_listener_enotconn", key_update(fd), ENOTCONN);
	close(fd);
}

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct side {
	const char *name;
	int server;
	int64_t sid;		/* our stream, -1 until opened */
	int64_t peer_sid;	/* the peer's */
	uint64_t sent, final;	/* final: 0 until decided */
	uint64_t got;
	int fin_sent, fin_got;
	int updates, eagain, events, last_phase, bad_phase;
};

/* one send of at most CHUNK bytes; 0, or -1 with err set */
static int side_send(int fd, struct side *s)
{
	static unsigned char buf[CHUNK];
	uint32_t fl = 0;
	int64_t sid = s->sid;
	size_t n = CHUNK;
	ssize_t r;

	if (!s->final && s->sent >= MIN_BYTES && s->updates >= UPDATES)
		s->final = s->sent + CHUNK;
	if (s->final)
		n = (size_t)(s->final - s->sent);
	if (n > CHUNK)
		n = CHUNK;
	if (s->final && s->sent + n == s->final)
		fl |= MSG_QUIC_STREAM_FIN;
	if (sid < 0) {
		fl |= MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_UNI;
		sid = -1;
	}
	qt_fill(buf, n, s->server, s->sent);
	r = qt_send(fd, buf, n, sid, fl, MSG_DONTWAIT);
	if (r < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		snprintf(err, sizeof(err), "sendmsg after %llu bytes: %s",
			 (unsigned long long)s->sent, strerror(errno));
		return -1;
	}
	if (s->sid < 0)
		s->sid = qt_sid(s->server, 1, 0);
	s->sent += (uint64_t)r;
	if (s->final && s->sent == s->final && (fl & MSG_QUIC_STREAM_FIN))
		s->fin_sent = 1;
	return 0;
}

/* read what is there; 0, or -1 with err set */
static int side_recv(int fd, struct side *s)
{
	static unsigned char buf[65536];
	struct qt_rcv r;
	ssize_t n;
	long bad;

	for (;;) {
		n = qt_recv(fd, buf, sizeof(buf), MSG_DONTWAIT, &r);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			snprintf(err, sizeof(err), "recvmsg after %llu bytes: %s",
				 (unsigned long long)s->got, strerror(errno));
			return -1;
		}
		if (r.mflags & MSG_QUIC_NOTIFICATION) {
			if (n != 2 || buf[0] != QUIC_EVENT_KEY_UPDATE) {
				snprintf(err, sizeof(err), "unexpected event %u of %zd bytes",
					 buf[0], n);
				return -1;
			}
			if (buf[1] != !s->last_phase)
				s->bad_phase++;
			s->last_phase = buf[1];
			s->events++;
			continue;
		}
		if (r.sid < 0) {
			if (!n) {
				snprintf(err, sizeof(err), "connection closed after %llu bytes",
					 (unsigned long long)s->got);
				return -1;
			}
			continue;
		}
		if (r.sid != s->peer_sid || s->fin_got) {
			snprintf(err, sizeof(err), "data on stream %lld (fin %d)",
				 (long long)r.sid, s->fin_got);
			return -1;
		}
		bad = qt_check(buf, (size_t)n, !s->server, s->got);
		if (bad >= 0) {
			snprintf(err, sizeof(err), "wrong byte at offset %llu",
				 (unsigned long long)(s->got + (uint64_t)bad));
			return -1;
		}
		s->got += (uint64_t)n;
		if (r.sflags & MSG_QUIC_STREAM_FIN)
			s->fin_got = 1;
	}
}

static int run_side(int fd, int server)
{
	struct side s = { .name = server ? "server" : "client",
			  .server = server, .sid = -1,
			  .peer_sid = qt_sid(!server, 1, 0) };
	long long last_try = 0, last_send = 0, last_ok = ms_now(), now;
	char name[64];
	int rc = 0, ev;

	if (qt_nonblock(fd, 1)) {
		t_result(0, "keyupdate_nonblock", "%s", strerror(errno));
		return -1;
	}
	qt_stage = "transfer with key updates";
	while (!(s.fin_sent && s.fin_got)) {
		ev = qt_poll(fd, POLLIN | (s.fin_sent ? 0 : POLLOUT), 10);
		now = ms_now();
		/* the sides take turns (the client starts on even phase
		 * counts), so that their updates seldom coincide; after 3 s
		 * without one, a side tries out of turn
		 */
		if (s.updates < UPDATES && now - last_try >= 5) {
			last_try = now;
			/* the turn by the events read so far */
			if (side_recv(fd, &s)) {
				rc = -1;
				break;
			}
		}
		if (s.updates < UPDATES && last_try == now &&
		    ((s.events & 1) == s.server || now - last_ok > 3000)) {
			if (!key_update(fd)) {
				s.updates++;
				last_ok = now;
			} else if (errno == EAGAIN) {
				s.eagain++;
			} else {
				snprintf(err, sizeof(err), "KEY_UPDATE after %d: %s",
					 s.updates, strerror(errno));
				rc = -1;
				break;
			}
		}
		if (s.updates < UPDATES && now - last_ok > 30000) {
			snprintf(err, sizeof(err), "no key update allowed for 30 s (%d taken, %d EAGAIN, %d events)",
				 s.updates, s.eagain, s.events);
			rc = -1;
			break;
		}
		/* past MIN_BYTES, keep a trickle going while updates go on */
		if ((ev & POLLOUT) && !s.fin_sent &&
		    (s.sent < MIN_BYTES || s.final || now - last_send >= 10)) {
			last_send = now;
			if (side_send(fd, &s)) {
				rc = -1;
				break;
			}
		}
		if ((ev & (POLLIN | POLLERR | POLLHUP)) && side_recv(fd, &s)) {
			rc = -1;
			break;
		}
	}
	/* events of the last updates may still come */
	qt_stage = "waiting for the last events";
	if (!rc) {
		for (int i = 0; i < 100 && s.events < PHASES; i++) {
			qt_poll(fd, POLLIN, 20);
			if (side_recv(fd, &s)) {
				rc = -1;
				break;
			}
		}
	}
	if (rc) {
		struct quic_connection_close cc;
		socklen_t l = sizeof(cc);
		int e = 0;

		memset(&cc, 0, sizeof(cc));
		getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc, &l);
		l = sizeof(e);
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l);
		printf("# %s: SO_ERROR %d (%s), peer's close errcode 0x%x frame 0x%x\n",
		       s.name, e, strerror(e), cc.errcode, cc.frame);
	}
	snprintf(name, sizeof(name), "keyupdate_data_%s", s.name);
	t_result(!rc && s.fin_got && s.got >= MIN_BYTES, name,
		 "%s: %s (%llu bytes read, fin %d)", s.name,
		 rc ? err : "short", (unsigned long long)s.got, s.fin_got);
	snprintf(name, sizeof(name), "keyupdate_updates_%s", s.name);
	t_result(s.updates >= UPDATES, name, "%d updates taken (%d EAGAIN)",
		 s.updates, s.eagain);
	snprintf(name, sizeof(name), "keyupdate_events_%s", s.name);
	t_result(!s.bad_phase && s.events >= PHASES, name,
		 "%d events (expected %d key phases at least), %d out of phase order",
		 s.events, PHASES, s.bad_phase);
	printf("# %s: %d updates (%d EAGAIN), %d events, %llu bytes sent, %llu read\n",
	       s.name, s.updates, s.eagain, s.events,
	       (unsigned long long)s.sent, (unsigned long long)s.got);
	/* neither side closes before the other read its last events */
	qt_tell('D');
	qt_await('D', 10000);
	return rc;
}

static int client(int fd, void *arg)
{
	long long t0 = ms_now();
	int rc;

	(void)arg;
	qt_event_enable(fd, QUIC_EVENT_KEY_UPDATE, 1);
	qt_tell('E');
	if (qt_await('E', 10000))
		return -1;
	qt_stage = "first key update";
	/* the handshake is confirmed when HANDSHAKE_DONE arrives */
	while ((rc = key_update(fd)) && errno == EAGAIN && ms_now() - t0 < 5000)
		usleep(10000);
	t_result(!rc, "keyupdate_first", "%s", rc ? strerror(errno) : "");
	T_ERR("keyupdate_again_eagain", key_update(fd), EAGAIN);
	return run_side(fd, 0);
}

static int server(int fd, void *arg)
{
	(void)arg;
	qt_event_enable(fd, QUIC_EVENT_KEY_UPDATE, 1);
	qt_tell('E');
	if (qt_await('E', 10000))
		return -1;
	return run_side(fd, 1);
}

int main(void)
{
	if (qt_init())
		return 1;
	test_bad_uses();
	qt_run(&(struct qt_pair){ .name = "keyupdate", .timeout = 150,
				  .client = client, .server = server });
	qt_done();
	return t_exit();
}
