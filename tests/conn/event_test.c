// SPDX-License-Identifier: GPL-2.0-or-later
/* Every event of enum quic_event_type (1..9) triggered on a real
 * connection, with its payload checked field by field, and the same
 * triggers with the events off delivering nothing:
 *
 *   event_default_off_<type>     QUIC_SOCKOPT_EVENT get: 0 on a new socket
 *   event_enable_<type>          set on, get returns 1
 *   event_bad_type               type 0 and QUIC_EVENT_MAX: EINVAL
 *   event_stream_update          the peer reset a stream: id, state
 *                                RECV_STATE_RESET_RECVD, errcode, finalsz
 *   event_stream_max_data        the peer raised a stream's limit (id, max)
 *   event_stream_max_stream      the peer allowed more uni streams
 *                                (type bits, count << 2)
 *   event_connection_id          the peer moved to another of our IDs
 *   event_connection_close       the peer closed with code and phrase;
 *   event_close_sockopt          ... QUIC_SOCKOPT_CONNECTION_CLOSE get
 *                                returns them; recvmsg fails ECONNRESET
 *   event_connection_migration_{client,server}   local 1 / peer 0
 *   event_key_update_{client,server}             new key phase 1
 *   event_new_token              the server issued a NEW_TOKEN
 *   event_new_session_ticket     the TLS NewSessionTicket message
 *   event_flags                  every event came with
 *                                MSG_QUIC_NOTIFICATION and MSG_EOR
 *   events_off_{client,server}   the same triggers, no event enabled:
 *                                no MSG_QUIC_NOTIFICATION
 */
#include "conn.h"

#define MAX_EV		64
#define UNI_LIMIT	2	/* the server's max_streams_uni */

struct ev {
	uint8_t type;
	unsigned char data[1500];
	size_t len;
};

static struct ev evs[MAX_EV];
static int nevs, bad_flags, notifications;
static int events_on;

/* read one message (stream data is dropped); events are kept in evs[].
 * Returns 1 for a message, 0 on timeout, -1 on an error (errno).
 */
static int read_one(int fd, int ms)
{
	static unsigned char buf[65536];
	struct qt_rcv r;
	ssize_t n;

	if (!(qt_poll(fd, POLLIN, ms) & (POLLIN | POLLERR | POLLHUP)))
		return 0;
	n = qt_recv(fd, buf, sizeof(buf), MSG_DONTWAIT, &r);
	if (n < 0)
		return errno == EAGAIN ? 1 : -1;
	if (!(r.mflags & MSG_QUIC_NOTIFICATION))
		return n == 0 && r.sid < 0 ? -2 : 1;
	notifications++;
	if (!(r.mflags & MSG_EOR))
		bad_flags++;
	if (nevs < MAX_EV && n > 0) {
		evs[nevs].type = buf[0];
		evs[nevs].len = (size_t)n - 1;
		memcpy(evs[nevs].data, buf + 1,
		       (size_t)n - 1 < sizeof(evs[0].data) ? (size_t)n - 1 :
		       sizeof(evs[0].data));
		nevs++;
	}
	return 1;
}

/* the first event of @type not taken yet, waiting up to @ms */
static struct ev *wait_event(int fd, uint8_t type, int ms)
{
	static int taken[MAX_EV];
	struct timespec t0, t;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		for (int i = 0; i < nevs; i++)
			if (evs[i].type == type && !taken[i]) {
				taken[i] = 1;
				return &evs[i];
			}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000 > ms)
			return NULL;
		rc = read_one(fd, 200);
		if (rc < 0)
			return NULL;
	}
}

/* read whatever comes for @ms (stream data, events) */
static int drain(int fd, int ms)
{
	struct timespec t0, t;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		rc = read_one(fd, 100);
		if (rc < 0)
			return rc;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
		 (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
	return 0;
}

static void enable_all(int fd, const char *side)
{
	char name[96];

	for (int type = QUIC_EVENT_STREAM_UPDATE; type < QUIC_EVENT_MAX; type++) {
		struct quic_event_option e = { .type = (uint8_t)type, .on = 1 };
		socklen_t len = sizeof(e);
		int rc;

		rc = setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &e, sizeof(e));
		e.on = 0;
		rc = rc ?: getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &e, &len);
		snprintf(name, sizeof(name), "event_enable_%s_%d", side, type);
		t_result(!rc && e.on == 1 && len == sizeof(e), name,
			 "rc %d (%s) on %u", rc, rc ? strerror(errno) : "", e.on);
	}
}

static int srv_setup(int lfd, void *arg)
{
	unsigned char key[64];
	struct quic_transport_param p;

	(void)arg;
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i * 7 + 3);
	if (qt_get_tp(lfd, &p))
		return -1;
	p.max_streams_uni = UNI_LIMIT;
	return qt_set_tp(lfd, &p) ||
	       setsockopt(lfd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, key,
			  sizeof(key));
}

static int cli_setup(int fd, void *arg)
{
	char name[64];

	(void)arg;
	for (int type = QUIC_EVENT_STREAM_UPDATE; type < QUIC_EVENT_MAX; type++) {
		struct quic_event_option e = { .type = (uint8_t)type, .on = 1 };
		socklen_t len = sizeof(e);

		snprintf(name, sizeof(name), "event_default_off_%d", type);
		if (events_on)
			t_result(!getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &e,
					     &len) && e.on == 0, name,
				 "on is %u (%s)", e.on, strerror(errno));
	}
	if (events_on) {
		struct quic_event_option e = { .type = QUIC_EVENT_NONE, .on = 1 };

		T_ERR("event_bad_type",
		      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &e, sizeof(e)),
		      EINVAL);
		e.type = QUIC_EVENT_MAX;
		T_ERR("event_bad_type_max",
		      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &e, sizeof(e)),
		      EINVAL);
		/* the ticket comes right after the handshake */
		enable_all(fd, "client");
	}
	/* the 10 bytes before the reset must be on the wire (final size 10) */
	return qt_nodelay(fd);
}

static int key_update(int fd)
{
	int rc = -1;

	for (int i = 0; i < 100; i++) {
		rc = setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_KEY_UPDATE, NULL, 0);
		if (!rc || errno != EAGAIN)
			break;
		usleep(20000);
	}
	return rc;
}

/* move to the next Destination ID the server issued */
static int switch_cid(int fd, uint32_t *to)
{
	struct quic_connection_id_info ci = { .dest = 1 };
	socklen_t len = sizeof(ci);
	int rc = -1;

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_ID, &ci, &len))
		return -1;
	ci.active++;
	*to = ci.active;
	for (int i = 0; i < 100; i++) {
		rc = setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_ID, &ci,
				sizeof(ci));
		if (!rc || errno != EINVAL)
			break;
		usleep(20000);	/* its NEW_CONNECTION_ID may still come */
	}
	return rc;
}

static int client(int fd, void *arg)
{
	static unsigned char big[600 * 1024];
	struct quic_stream_max_data md;
	struct quic_connection_close cc = { .errcode = 0x123 };
	struct quic_errinfo ei;
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct ev *e;
	uint64_t v;
	uint32_t cid_to = 0;
	int64_t sid;

	(void)arg;
	qt_await('E', 10000);
	/* NEW_SESSION_TICKET: the TLS message, type 4 and its length */
	if (events_on) {
		e = wait_event(fd, QUIC_EVENT_NEW_SESSION_TICKET, 5000);
		t_result(e && e->len > 4 && e->data[0] == 4 &&
			 (size_t)((e->data[1] << 16) | (e->data[2] << 8) |
				  e->data[3]) + 4 == e->len,
			 "event_new_session_ticket", "%s %zu bytes type %d",
			 e ? "got" : "no event", e ? e->len : 0,
			 e ? e->data[0] : -1);
	}
	/* NEW_TOKEN: the server issued one after 'E' */
	if (events_on) {
		unsigned char tok[1500];
		socklen_t tl = sizeof(tok);

		e = wait_event(fd, QUIC_EVENT_NEW_TOKEN, 5000);
		getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, tok, &tl);
		t_result(e && e->len > 0 && e->len <= 1200 &&
			 (tl != e->len || !memcmp(tok, e->data, tl)),
			 "event_new_token", "%s %zu bytes", e ? "got" : "no event",
			 e ? e->len : 0);
	}
	/* KEY_UPDATE: both sides see phase 1 */
	if (key_update(fd))
		t_result(0, "event_key_update_client", "KEY_UPDATE: %s",
			 strerror(errno));
	qt_send(fd, "k", 1, -1, MSG_QUIC_STREAM_NEW, 0);	/* stream 0 */
	if (events_on) {
		e = wait_event(fd, QUIC_EVENT_KEY_UPDATE, 5000);
		t_result(e && e->len == 1 && e->data[0] == 1,
			 "event_key_update_client", "%s len %zu phase %d",
			 e ? "got" : "no event", e ? e->len : 0,
			 e ? e->data[0] : -1);
	}
	/* STREAM_MAX_DATA: 600 KiB on stream 4, past the 256 KiB the
	 * server allows at first; the server reads it
	 */
	qt_fill(big, sizeof(big), 4, 0);
	if (qt_send_all(fd, big, sizeof(big), -1,
			MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN))
		t_result(0, "event_stream_max_data", "send: %s", strerror(errno));
	if (events_on) {
		e = wait_event(fd, QUIC_EVENT_STREAM_MAX_DATA, 5000);
		if (e)
			memcpy(&md, e->data, sizeof(md));
		t_result(e && e->len == sizeof(md) && md.id == 4 &&
			 md.max_data > 65536 * 4, "event_stream_max_data",
			 "%s len %zu id %lld max %llu", e ? "got" : "no event",
			 e ? e->len : 0, e ? (long long)md.id : -1,
			 e ? (unsigned long long)md.max_data : 0);
	}
	/* STREAM_MAX_STREAM: UNI_LIMIT uni streams, read by the server */
	for (int i = 0; i < UNI_LIMIT; i++)
		qt_send(fd, "u", 1, -1, MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_UNI |
			MSG_QUIC_STREAM_FIN, 0);
	if (events_on) {
		e = wait_event(fd, QUIC_EVENT_STREAM_MAX_STREAM, 5000);
		if (e)
			memcpy(&v, e->data, sizeof(v));
		t_result(e && e->len == sizeof(v) &&
			 (v & QUIC_STREAM_TYPE_MASK) == QUIC_STREAM_TYPE_UNI_MASK &&
			 (v >> 2) > UNI_LIMIT, "event_stream_max_stream",
			 "%s len %zu value %llx", e ? "got" : "no event",
			 e ? e->len : 0, e ? (unsigned long long)v : 0);
	}
	/* CONNECTION_ID: we send to another of the server's IDs */
	if (switch_cid(fd, &cid_to))
		t_result(0, "event_connection_id", "switch: %s", strerror(errno));
	qt_send(fd, "c", 1, 0, 0, 0);
	qt_tell((char)('0' + (cid_to & 0x3f)));
	/* CONNECTION_MIGRATION: to 127.0.0.2 */
	qt_await('M', 10000);
	inet_pton(AF_INET, "127.0.0.2", &a.sin_addr);
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a,
		       sizeof(a)))
		t_result(0, "event_connection_migration_client", "migrate: %s",
			 strerror(errno));
	qt_send(fd, "m", 1, 0, 0, 0);
	if (events_on) {
		e = wait_event(fd, QUIC_EVENT_CONNECTION_MIGRATION, 5000);
		t_result(e && e->len == 1 && e->data[0] == 1,
			 "event_connection_migration_client", "%s len %zu local %d",
			 e ? "got" : "no event", e ? e->len : 0,
			 e ? e->data[0] : -1);
	}
	/* STREAM_UPDATE at the server: 10 bytes on stream 8, then reset */
	qt_await('R', 10000);
	sid = 8;
	qt_send(fd, "0123456789", 10, -1, MSG_QUIC_STREAM_NEW, 0);
	ei.stream_id = sid;
	ei.errcode = 9;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_RESET, &ei, sizeof(ei)))
		t_result(0, "event_stream_update", "reset: %s", strerror(errno));
	/* CONNECTION_CLOSE at the server: our code and phrase */
	qt_await('C', 10000);
	if (!events_on) {
		drain(fd, 500);
		t_result(!notifications, "events_off_client",
			 "%d notifications", notifications);
	} else {
		t_result(!bad_flags, "event_flags_client",
			 "%d events without MSG_EOR", bad_flags);
	}
	strcpy((char *)cc.phrase, "done");
	setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc, sizeof(cc));
	close(fd);
	return 0;
}

static int server(int fd, void *arg)
{
	struct quic_connection_close cc;
	struct quic_connection_id_info ci;
	struct quic_stream_update su;
	socklen_t len;
	struct ev *e;
	int c, rc;

	(void)arg;
	if (events_on)
		enable_all(fd, "server");
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, NULL, 0))
		t_result(0, "event_new_token", "issue: %s", strerror(errno));
	qt_tell('E');
	if (events_on) {
		e = wait_event(fd, QUIC_EVENT_KEY_UPDATE, 10000);
		t_result(e && e->len == 1 && e->data[0] == 1,
			 "event_key_update_server", "%s len %zu phase %d",
			 e ? "got" : "no event", e ? e->len : 0,
			 e ? e->data[0] : -1);
	}
	/* the data of streams 0, 4 and the uni streams are read here */
	for (c = -1; c < 0;) {
		if (read_one(fd, 50) < 0)
			break;
		c = qt_poll(qt_ctl, POLLIN, 0) & POLLIN ? qt_await_any(0) : -1;
	}
	if (events_on) {
		e = wait_event(fd, QUIC_EVENT_CONNECTION_ID, 5000);
		if (e)
			memcpy(&ci, e->data, sizeof(ci));
		t_result(e && e->len == sizeof(ci) && ci.dest == 0 &&
			 (int)(ci.active & 0x3f) == c - '0',
			 "event_connection_id", "%s len %zu dest %u active %u (client said %d)",
			 e ? "got" : "no event", e ? e->len : 0, e ? ci.dest : 9,
			 e ? ci.active : 0, c - '0');
	}
	qt_tell('M');
	if (events_on) {
		e = wait_event(fd, QUIC_EVENT_CONNECTION_MIGRATION, 10000);
		t_result(e && e->len == 1 && e->data[0] == 0,
			 "event_connection_migration_server", "%s len %zu local %d",
			 e ? "got" : "no event", e ? e->len : 0,
			 e ? e->data[0] : -1);
	} else {
		drain(fd, 1000);
	}
	qt_tell('R');
	if (events_on) {
		e = wait_event(fd, QUIC_EVENT_STREAM_UPDATE, 10000);
		if (e)
			memcpy(&su, e->data, sizeof(su));
		t_result(e && e->len == sizeof(su) && su.id == 8 &&
			 su.state == QUIC_STREAM_RECV_STATE_RESET_RECVD &&
			 su.errcode == 9 && su.finalsz == 10,
			 "event_stream_update", "%s len %zu id %lld state %u err %u finalsz %llu",
			 e ? "got" : "no event", e ? e->len : 0,
			 e ? (long long)su.id : -1, e ? su.state : 99,
			 e ? su.errcode : 0, e ? (unsigned long long)su.finalsz : 0);
	} else {
		drain(fd, 1000);
	}
	qt_tell('C');
	if (events_on) {
		e = wait_event(fd, QUIC_EVENT_CONNECTION_CLOSE, 10000);
		if (e)
			memcpy(&cc, e->data, sizeof(cc));
		t_result(e && e->len == sizeof(cc) && cc.errcode == 0x123 &&
			 cc.frame == 0 && !strcmp((char *)cc.phrase, "done"),
			 "event_connection_close", "%s len %zu errcode %x frame %u '%.64s'",
			 e ? "got" : "no event", e ? e->len : 0, e ? cc.errcode : 0,
			 e ? cc.frame : 0, e ? (char *)cc.phrase : "");
	}
	/* after the events: recvmsg reports the peer's error code */
	do {
		rc = read_one(fd, 10000);
	} while (rc == 1);
	t_result(rc == -1 && errno == ECONNRESET, "event_close_errno",
		 "recvmsg ended with %d (%s), expected ECONNRESET", rc,
		 rc == -1 ? strerror(errno) : "no error");
	memset(&cc, 0, sizeof(cc));
	len = sizeof(cc);
	getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &cc, &len);
	t_result(cc.errcode == 0x123 && !strcmp((char *)cc.phrase, "done"),
		 events_on ? "event_close_sockopt" : "events_off_close_sockopt",
		 "getsockopt says %x '%.64s'", cc.errcode, (char *)cc.phrase);
	if (events_on)
		t_result(!bad_flags, "event_flags_server",
			 "%d events without MSG_EOR", bad_flags);
	else
		t_result(!notifications, "events_off_server",
			 "%d notifications", notifications);
	return 0;
}

int main(void)
{
	struct qt_pair p = {
		.srv_setup = srv_setup,
		.cli_setup = cli_setup,
		.client = client,
		.server = server,
		.timeout = 90,
	};

	if (qt_init())
		return 1;
	events_on = 1;
	p.name = "event_on";
	qt_run(&p);
	events_on = 0;
	nevs = notifications = bad_flags = 0;
	p.name = "event_off";
	qt_run(&p);
	qt_done();
	return t_exit();
}
