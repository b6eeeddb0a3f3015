// SPDX-License-Identifier: GPL-2.0-or-later
/* RESET_STREAM and STOP_SENDING through socket options, and the
 * QUIC_EVENT_STREAM_UPDATE events the peer gets for them:
 *
 *   event_option_default_off     getsockopt(EVENT) {STREAM_UPDATE}: on = 0
 *   event_option_enable          after setsockopt {STREAM_UPDATE, 1}: on = 1
 *   event_option_bad_type_0      setsockopt {0, 1}: EINVAL
 *   event_option_bad_type_max    setsockopt {QUIC_EVENT_MAX, 1}: EINVAL
 *   reset_stream                 setsockopt(STREAM_RESET {0, 77}) after 1000
 *                                bytes on stream 0
 *   reset_then_send_einval       sendmsg on the reset stream: EINVAL
 *   reset_nonexistent_einval     STREAM_RESET on stream 200 (never opened): EINVAL
 *   reset_peer_uni_einval        STREAM_RESET on the server's uni stream 3: EINVAL
 *   reset_event_recvd            the server gets STREAM_UPDATE {0,
 *                                RECV_STATE_RESET_RECVD, 77, finalsz 1000}
 *   stop_sending                 the server's STOP_SENDING {4, 99} on the
 *                                client's stream 4
 *   stop_sending_invalid_einval  STOP_SENDING on the server's own uni stream 3
 *                                (no receive side): EINVAL
 *   stop_sending_event_reset_sent the client gets STREAM_UPDATE {4,
 *                                SEND_STATE_RESET_SENT, 99}
 *   stop_sending_event_reset_recvd the server then gets {4,
 *                                RECV_STATE_RESET_RECVD, 99}
 *   event_off_no_event           a second connection without events
 *                                enabled: a reset gives the server no event
 */
#include "conn.h"

static char err[256];

static void test_event_option(void)
{
	struct quic_event_option e = { QUIC_EVENT_STREAM_UPDATE, 0 };
	socklen_t len = sizeof(e);
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	e.on = 0xff;
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &e, &len))
		t_result(0, "event_option_default_off", "getsockopt: %s", strerror(errno));
	else
		T_EQ("event_option_default_off", e.on, 0);
	T_OK("event_option_enable_set", qt_event_enable(fd, QUIC_EVENT_STREAM_UPDATE, 1));
	e.type = QUIC_EVENT_STREAM_UPDATE;
	e.on = 0;
	len = sizeof(e);
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &e, &len))
		t_result(0, "event_option_enable", "getsockopt: %s", strerror(errno));
	else
		t_result(e.type == QUIC_EVENT_STREAM_UPDATE && e.on == 1,
			 "event_option_enable", "got {%u, %u}, expected {%u, 1}",
			 e.type, e.on, QUIC_EVENT_STREAM_UPDATE);
	T_ERR("event_option_bad_type_0", qt_event_enable(fd, 0, 1), EINVAL);
	T_ERR("event_option_bad_type_max", qt_event_enable(fd, QUIC_EVENT_MAX, 1),
	      EINVAL);
	close(fd);
}

/* Read until a STREAM_UPDATE event for @sid with @state (data and other
 * events are skipped). 0 and the event in @u, or -1 with the reason in err.
 */
static int read_update(int fd, int64_t sid, unsigned int state,
		       struct quic_stream_update *u, int ms)
{
	int others = 0, last_state = -1;

	unsigned char buf[4096];
	struct qt_rcv r;
	ssize_t n;

	for (;;) {
		if (!(qt_poll(fd, POLLIN, ms) & POLLIN)) {
			snprintf(err, sizeof(err), "no STREAM_UPDATE event {stream %lld, state %u} within %d ms (%d other events for the stream, the last with state %d)",
				 (long long)sid, state, ms, others, last_state);
			return -1;
		}
		n = qt_recv(fd, buf, sizeof(buf), MSG_DONTWAIT, &r);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (n < 0) {
			snprintf(err, sizeof(err), "recvmsg waiting for the event: %s",
				 strerror(errno));
			return -1;
		}
		if (!(r.mflags & MSG_QUIC_NOTIFICATION)) {
			if (n == 0 && r.sid < 0) {
				snprintf(err, sizeof(err), "the connection closed before the event");
				return -1;
			}
			continue;	/* stream data */
		}
		if (n < 1 + (ssize_t)sizeof(*u) || buf[0] != QUIC_EVENT_STREAM_UPDATE) {
			/* only STREAM_UPDATE is enabled */
			snprintf(err, sizeof(err), "an event of type %u, %zd bytes; expected STREAM_UPDATE (%u), %zu bytes",
				 buf[0], n, QUIC_EVENT_STREAM_UPDATE, 1 + sizeof(*u));
			return -1;
		}
		memcpy(u, buf + 1, sizeof(*u));
		if (u->id == sid && u->state == state)
			return 0;
		if (u->id == sid) {
			others++;
			last_state = u->state;
		}
	}
}

static void check_update(const char *name, const struct quic_stream_update *u,
			 int64_t id, unsigned int state, uint32_t errcode,
			 int check_finalsz, uint64_t finalsz)
{
	t_result(u->id == id && u->state == state && u->errcode == errcode &&
		 (!check_finalsz || u->finalsz == finalsz), name,
		 "got {id %lld, state %u, errcode %u, finalsz %llu}, expected {%lld, %u, %u, %llu}",
		 (long long)u->id, u->state, u->errcode,
		 (unsigned long long)u->finalsz, (long long)id, state, errcode,
		 (unsigned long long)finalsz);
}

static int client(int fd, void *arg)
{
	struct quic_errinfo ei = { 0, 77 };
	struct quic_stream_update u;
	unsigned char buf[1000];
	struct qt_rstream st;

	(void)arg;
	qt_stage = "sending on stream 0";
	qt_fill(buf, sizeof(buf), 0, 0);
	if (qt_send(fd, buf, sizeof(buf), -1, MSG_QUIC_STREAM_NEW, 0) != (ssize_t)sizeof(buf)) {
		t_result(0, "reset_stream", "sendmsg on stream 0: %s", strerror(errno));
		qt_tell('X');
		return -1;
	}
	T_OK("reset_stream", setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_RESET, &ei,
					sizeof(ei)));
	T_ERR("reset_then_send_einval", qt_send(fd, buf, 10, 0, 0, MSG_DONTWAIT), EINVAL);
	ei.stream_id = 200;
	T_ERR("reset_nonexistent_einval",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_RESET, &ei, sizeof(ei)), EINVAL);
	qt_tell('r');

	/* the server's uni stream 3 */
	qt_stage = "reading the server's uni stream";
	if (qt_read_streams(fd, &st, 1, 0, 100, err, sizeof(err))) {
		t_result(0, "reset_peer_uni_einval", "reading the server's uni stream: %s",
			 err);
	} else {
		ei.stream_id = st.sid;
		ei.errcode = 1;
		T_ERR("reset_peer_uni_einval",
		      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_RESET, &ei, sizeof(ei)),
		      EINVAL);
	}

	/* stream 4: the server asks to stop sending */
	qt_stage = "sending on stream 4";
	if (qt_event_enable(fd, QUIC_EVENT_STREAM_UPDATE, 1))
		t_result(0, "stop_sending_client_events", "setsockopt(EVENT): %s",
			 strerror(errno));
	qt_fill(buf, sizeof(buf), 4, 0);
	if (qt_send(fd, buf, 100, -1, MSG_QUIC_STREAM_NEW, 0) != 100) {
		t_result(0, "stop_sending_event_reset_sent", "sendmsg on stream 4: %s",
			 strerror(errno));
		qt_tell('X');
		return -1;
	}
	qt_tell('s');
	qt_stage = "waiting for the event of STOP_SENDING";
	if (read_update(fd, 4, QUIC_STREAM_SEND_STATE_RESET_SENT, &u, 10000))
		t_result(0, "stop_sending_event_reset_sent", "%s", err);
	else
		check_update("stop_sending_event_reset_sent", &u, 4,
			     QUIC_STREAM_SEND_STATE_RESET_SENT, 99, 0, 0);
	qt_stage = "waiting for the server";
	qt_await('D', 30000);
	return 0;
}

static int server(int fd, void *arg)
{
	struct quic_errinfo ei = { 4, 99 };
	struct quic_stream_update u;
	unsigned char buf[100];
	int c;

	(void)arg;
	if (qt_event_enable(fd, QUIC_EVENT_STREAM_UPDATE, 1))
		t_result(0, "reset_server_events", "setsockopt(EVENT): %s",
			 strerror(errno));
	qt_stage = "waiting for the client's reset";
	if ((c = qt_await_any(30000)) != 'r')
		return 0;
	qt_stage = "waiting for the RESET_STREAM event";
	if (read_update(fd, 0, QUIC_STREAM_RECV_STATE_RESET_RECVD, &u, 10000))
		t_result(0, "reset_event_recvd", "%s", err);
	else
		check_update("reset_event_recvd", &u, 0,
			     QUIC_STREAM_RECV_STATE_RESET_RECVD, 77, 1, 1000);

	qt_stage = "sending on a uni stream";
	qt_fill(buf, sizeof(buf), 3, 0);
	if (qt_send(fd, buf, sizeof(buf), -1, MSG_QUIC_STREAM_NEW |
		    MSG_QUIC_STREAM_UNI | MSG_QUIC_STREAM_FIN, 0) != (ssize_t)sizeof(buf))
		t_result(0, "reset_server_uni", "sendmsg on a new uni stream: %s",
			 strerror(errno));
	qt_stage = "waiting for the client's stream 4";
	if (qt_await_any(30000) != 's') {
		qt_tell('D');
		return 0;
	}
	T_OK("stop_sending", setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_STOP_SENDING,
					&ei, sizeof(ei)));
	ei.stream_id = 3;
	T_ERR("stop_sending_invalid_einval",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_STOP_SENDING, &ei, sizeof(ei)),
	      EINVAL);
	qt_stage = "waiting for the RESET_STREAM answering STOP_SENDING";
	if (read_update(fd, 4, QUIC_STREAM_RECV_STATE_RESET_RECVD, &u, 10000))
		t_result(0, "stop_sending_event_reset_recvd", "%s", err);
	else
		check_update("stop_sending_event_reset_recvd", &u, 4,
			     QUIC_STREAM_RECV_STATE_RESET_RECVD, 99, 0, 0);
	qt_tell('D');
	return 0;
}

/* events are off by default */
static int off_client(int fd, void *arg)
{
	struct quic_errinfo ei = { 0, 5 };
	unsigned char buf[1000];

	(void)arg;
	qt_fill(buf, sizeof(buf), 0, 0);
	if (qt_send(fd, buf, sizeof(buf), -1, MSG_QUIC_STREAM_NEW, 0) != (ssize_t)sizeof(buf) ||
	    setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_RESET, &ei, sizeof(ei))) {
		t_skip("event_off_no_event", "cannot send and reset a stream (see reset_stream)");
		qt_tell('X');
		return 0;
	}
	qt_tell('r');
	qt_await('D', 30000);
	return 0;
}

static int off_server(int fd, void *arg)
{
	unsigned char buf[4096];
	struct qt_rcv r;
	int events = 0;
	ssize_t n;

	(void)arg;
	if (qt_await_any(30000) != 'r') {
		qt_tell('D');
		return 0;
	}
	/* whatever comes within 2 s must not be an event */
	while (qt_poll(fd, POLLIN, 2000) & POLLIN) {
		n = qt_recv(fd, buf, sizeof(buf), MSG_DONTWAIT, &r);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			break;
		if (n > 0 && (r.mflags & MSG_QUIC_NOTIFICATION))
			events++;
		if (n == 0 && r.sid < 0)
			break;
	}
	t_result(!events, "event_off_no_event", "%d events delivered while disabled",
		 events);
	qt_tell('D');
	return 0;
}

/* events on the listener, inherited by the accepted socket: the client's
 * reset may arrive with its Finished, before the server's handshake call
 * returns
 */
static int srv_events(int lfd, void *arg)
{
	(void)arg;
	return qt_event_enable(lfd, QUIC_EVENT_STREAM_UPDATE, 1);
}

/* the 1000 bytes must be on the wire before the reset, for final size 1000 */
static int cli_nodelay(int fd, void *arg)
{
	(void)arg;
	return qt_nodelay(fd);
}

int main(void)
{
	if (qt_init())
		return 1;
	test_event_option();
	qt_run(&(struct qt_pair){ .name = "reset_stop_sending", .timeout = 90,
				  .client = client, .server = server,
				  .srv_setup = srv_events, .cli_setup = cli_nodelay });
	qt_run(&(struct qt_pair){ .name = "event_off", .timeout = 60,
				  .client = off_client, .server = off_server });
	qt_done();
	return t_exit();
}
