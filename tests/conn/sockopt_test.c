// SPDX-License-Identifier: GPL-2.0-or-later
/* Every socket option of level SOL_QUIC (0..14) on a real connection: the
 * good path as the spec table says (set and/or get, values read back) and
 * bad inputs (short optlen, bad values, the wrong state or role, the wrong
 * direction), each its own line:
 *
 *   sockopt_<name>_good          the option works (read back where it can)
 *   sockopt_<name>_bad_<what>    a bad input gives the errno a TCP/SCTP
 *                                user expects (see quic(7), SOCKET OPTIONS)
 *   sockopt_unknown_{get,set}    an unknown option number: ENOPROTOOPT
 *
 * The option tests of an unconnected socket (every field of CONFIG and
 * TRANSPORT_PARAM) are tests/kernel/sockopt_basic_test.c.
 * CONNECTION_MIGRATION on a server sets the preferred address: here only
 * its errnos and the set on a listener (a connection moving there is
 * prefaddr_test); TRANSPORT_PARAM with remote=1 for 0-RTT is zerortt_test.
 */
#include "conn.h"

#define SRV_IDLE	20000000u	/* the server's max_idle_timeout, us */

static int qopt_get(int fd, int opt, void *v, socklen_t len)
{
	return getsockopt(fd, SOL_QUIC, opt, v, &len);
}

static int qopt_set(int fd, int opt, const void *v, socklen_t len)
{
	return setsockopt(fd, SOL_QUIC, opt, v, len);
}

/* a QUIC variable-length integer at *@p (of @end); -1 if cut short */
static int64_t varint(const unsigned char **p, const unsigned char *end)
{
	int n;
	uint64_t v;

	if (*p >= end)
		return -1;
	n = 1 << (**p >> 6);
	if (end - *p < n)
		return -1;
	v = **p & 0x3f;
	for (int i = 1; i < n; i++)
		v = (v << 8) | (*p)[i];
	*p += n;
	return (int64_t)v;
}

/* value of integer transport parameter @id in an encoded list, or -1 */
static int64_t tp_value(const unsigned char *buf, size_t len, uint64_t id)
{
	const unsigned char *p = buf, *end = buf + len;

	while (p < end) {
		int64_t pid = varint(&p, end), plen = varint(&p, end);
		const unsigned char *v = p;

		if (pid < 0 || plen < 0 || end - p < plen)
			return -1;
		p += plen;
		if ((uint64_t)pid == id)
			return varint(&v, p);
	}
	return -1;
}

/* options on sockets without a connection: a fresh one and a listener */
static void unconnected(void)
{
	struct quic_stream_info si = { .stream_id = -1 };
	struct quic_crypto_secret cs = { .send = 1, .level = QUIC_CRYPTO_APP,
					 .type = 51 /* TLS_CIPHER_AES_GCM_128 */ };
	struct quic_connection_id_info ci = { 0 };
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct quic_errinfo ei = { .stream_id = 0, .errcode = 1 };
	unsigned char buf[2048], big[8193];
	socklen_t len;
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
	int lfd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	if (fd < 0 || lfd < 0) {
		t_result(0, "sockopt_unconnected", "socket: %s", strerror(errno));
		return;
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 1))
		t_result(0, "sockopt_unconnected", "listen: %s", strerror(errno));
	memset(big, 'a', sizeof(big));

	T_ERR("sockopt_stream_open_bad_unconnected",
	      qopt_get(fd, QUIC_SOCKOPT_STREAM_OPEN, &si, sizeof(si)), ENOTCONN);
	T_ERR("sockopt_stream_open_bad_listener",
	      qopt_get(lfd, QUIC_SOCKOPT_STREAM_OPEN, &si, sizeof(si)), ENOTCONN);
	T_ERR("sockopt_stream_reset_bad_unconnected",
	      qopt_set(fd, QUIC_SOCKOPT_STREAM_RESET, &ei, sizeof(ei)), ENOTCONN);
	T_ERR("sockopt_stream_stop_sending_bad_unconnected",
	      qopt_set(fd, QUIC_SOCKOPT_STREAM_STOP_SENDING, &ei, sizeof(ei)),
	      ENOTCONN);
	T_ERR("sockopt_connection_id_bad_unconnected",
	      qopt_get(fd, QUIC_SOCKOPT_CONNECTION_ID, &ci, sizeof(ci)), ENOTCONN);
	T_ERR("sockopt_connection_id_bad_listener",
	      qopt_set(lfd, QUIC_SOCKOPT_CONNECTION_ID, &ci, sizeof(ci)), ENOTCONN);
	inet_pton(AF_INET, "127.0.0.2", &a.sin_addr);
	T_ERR("sockopt_connection_migration_bad_unconnected",
	      qopt_set(fd, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a, sizeof(a)),
	      ENOTCONN);
	/* on a listener: the preferred address it offers (prefaddr_test
	 * follows a connection there)
	 */
	T_OK("sockopt_connection_migration_good_listener",
	     qopt_set(lfd, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a, sizeof(a)));
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	T_ERR("sockopt_connection_migration_bad_listener_any",
	      qopt_set(lfd, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a, sizeof(a)),
	      EINVAL);
	T_ERR("sockopt_key_update_bad_unconnected",
	      qopt_set(fd, QUIC_SOCKOPT_KEY_UPDATE, NULL, 0), ENOTCONN);
	T_ERR("sockopt_key_update_bad_listener",
	      qopt_set(lfd, QUIC_SOCKOPT_KEY_UPDATE, NULL, 0), ENOTCONN);
	T_ERR("sockopt_crypto_secret_bad_unconnected",
	      qopt_set(fd, QUIC_SOCKOPT_CRYPTO_SECRET, &cs, sizeof(cs)), ENOTCONN);
	T_ERR("sockopt_transport_param_ext_bad_unconnected_get",
	      qopt_get(fd, QUIC_SOCKOPT_TRANSPORT_PARAM_EXT, buf, sizeof(buf)),
	      ENOTCONN);
	T_ERR("sockopt_transport_param_ext_bad_unconnected_set",
	      qopt_set(fd, QUIC_SOCKOPT_TRANSPORT_PARAM_EXT, buf, 16), ENOTCONN);

	/* the byte options: set before connecting, read back */
	T_OK("sockopt_token_good_set",
	     qopt_set(fd, QUIC_SOCKOPT_TOKEN, "\x01\x02\x03\x04", 4));
	len = sizeof(buf);
	getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, buf, &len);
	t_result(len == 4 && !memcmp(buf, "\x01\x02\x03\x04", 4),
		 "sockopt_token_good", "read back %u bytes", len);
	T_ERR("sockopt_token_bad_too_long",
	      qopt_set(fd, QUIC_SOCKOPT_TOKEN, big, 1201), EINVAL);
	len = 2;
	T_ERR("sockopt_token_bad_short_get",
	      getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, buf, &len), EINVAL);

	T_OK("sockopt_alpn_good_set",
	     qopt_set(fd, QUIC_SOCKOPT_ALPN, "h3,smb", 6));
	len = sizeof(buf);
	getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, buf, &len);
	t_result(len == 6 && !memcmp(buf, "h3,smb", 6), "sockopt_alpn_good",
		 "read back %u bytes", len);
	T_ERR("sockopt_alpn_bad_empty_entry",
	      qopt_set(fd, QUIC_SOCKOPT_ALPN, "h3,,x", 5), EINVAL);
	T_ERR("sockopt_alpn_bad_too_long",
	      qopt_set(fd, QUIC_SOCKOPT_ALPN, big, 256), EINVAL);

	T_OK("sockopt_session_ticket_good_set",
	     qopt_set(lfd, QUIC_SOCKOPT_SESSION_TICKET, big, 64));
	len = sizeof(buf);
	getsockopt(lfd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, buf, &len);
	t_result(len == 64 && !memcmp(buf, big, 64), "sockopt_session_ticket_good",
		 "read back %u bytes", len);
	T_ERR("sockopt_session_ticket_bad_too_long",
	      qopt_set(fd, QUIC_SOCKOPT_SESSION_TICKET, big, 8193), EINVAL);

	T_ERR("sockopt_unknown_set", qopt_set(fd, 99, buf, 4), ENOPROTOOPT);
	T_ERR("sockopt_unknown_get", qopt_get(fd, 99, buf, 4), ENOPROTOOPT);
	T_ERR("sockopt_unknown_set_15",
	      qopt_set(fd, QUIC_SOCKOPT_TRANSPORT_PARAM_EXT + 1, buf, 4),
	      ENOPROTOOPT);
	close(fd);
	close(lfd);
}

static int srv_setup(int lfd, void *arg)
{
	struct quic_transport_param p;

	(void)arg;
	memset(&p, 0, sizeof(p));
	if (qt_get_tp(lfd, &p))
		return -1;
	p.max_idle_timeout = SRV_IDLE;
	return qt_set_tp(lfd, &p);
}

static int cli_setup(int fd, void *arg)
{
	struct quic_config c;

	(void)arg;
	if (qt_get_config(fd, &c))
		return -1;
	c.stream_data_nodelay = 1;
	c.keepalive_probe_interval = 5000000;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, sizeof(c));
}

static void test_event(int fd)
{
	struct quic_event_option e = { .type = QUIC_EVENT_STREAM_UPDATE, .on = 1 };
	int ok;

	T_OK("sockopt_event_good_set",
	     qopt_set(fd, QUIC_SOCKOPT_EVENT, &e, sizeof(e)));
	e.on = 0;
	ok = !qopt_get(fd, QUIC_SOCKOPT_EVENT, &e, sizeof(e)) && e.on == 1;
	e.on = 0;
	qopt_set(fd, QUIC_SOCKOPT_EVENT, &e, sizeof(e));
	e.on = 1;
	ok = ok && !qopt_get(fd, QUIC_SOCKOPT_EVENT, &e, sizeof(e)) && !e.on;
	t_result(ok, "sockopt_event_good", "get does not return what was set");
	e.type = QUIC_EVENT_NONE;
	T_ERR("sockopt_event_bad_type_none",
	      qopt_set(fd, QUIC_SOCKOPT_EVENT, &e, sizeof(e)), EINVAL);
	e.type = QUIC_EVENT_MAX;
	T_ERR("sockopt_event_bad_type_max_get",
	      qopt_get(fd, QUIC_SOCKOPT_EVENT, &e, sizeof(e)), EINVAL);
	e.type = QUIC_EVENT_KEY_UPDATE;
	e.on = 2;
	T_ERR("sockopt_event_bad_on_value",
	      qopt_set(fd, QUIC_SOCKOPT_EVENT, &e, sizeof(e)), EINVAL);
	T_ERR("sockopt_event_bad_short_optlen",
	      qopt_set(fd, QUIC_SOCKOPT_EVENT, &e, 1), EINVAL);
}

/* streams: client opens 0 (bidi) and 2 (uni) */
static void test_streams(int fd)
{
	struct quic_stream_info si = { .stream_id = -1 };
	struct quic_errinfo ei = { .stream_id = 0, .errcode = 7 };
	socklen_t len = sizeof(si);
	int rc;

	rc = getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_OPEN, &si, &len);
	t_result(!rc && si.stream_id == 0 && len == sizeof(si),
		 "sockopt_stream_open_good", "rc %d (%s) id %lld len %u", rc,
		 rc ? strerror(errno) : "", (long long)si.stream_id, len);
	si.stream_id = -1;
	si.stream_flags = MSG_QUIC_STREAM_UNI;
	len = sizeof(si);
	rc = getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_OPEN, &si, &len);
	t_result(!rc && si.stream_id == 2, "sockopt_stream_open_good_uni",
		 "rc %d (%s) id %lld", rc, rc ? strerror(errno) : "",
		 (long long)si.stream_id);
	T_ERR("sockopt_stream_open_bad_short_optlen",
	      qopt_get(fd, QUIC_SOCKOPT_STREAM_OPEN, &si, 8), EINVAL);
	T_ERR("sockopt_stream_open_bad_set",
	      qopt_set(fd, QUIC_SOCKOPT_STREAM_OPEN, &si, sizeof(si)),
	      EOPNOTSUPP);

	/* data on stream 0, then reset its send side and stop the receive */
	if (qt_send(fd, "abc", 3, 0, 0, 0) != 3)
		t_result(0, "sockopt_stream_reset_good", "send: %s",
			 strerror(errno));
	T_OK("sockopt_stream_reset_good",
	     qopt_set(fd, QUIC_SOCKOPT_STREAM_RESET, &ei, sizeof(ei)));
	T_OK("sockopt_stream_stop_sending_good",
	     qopt_set(fd, QUIC_SOCKOPT_STREAM_STOP_SENDING, &ei, sizeof(ei)));
	ei.stream_id = 400;
	T_ERR("sockopt_stream_reset_bad_not_open",
	      qopt_set(fd, QUIC_SOCKOPT_STREAM_RESET, &ei, sizeof(ei)), EINVAL);
	ei.stream_id = -1;
	T_ERR("sockopt_stream_reset_bad_negative_id",
	      qopt_set(fd, QUIC_SOCKOPT_STREAM_RESET, &ei, sizeof(ei)), EINVAL);
	T_ERR("sockopt_stream_reset_bad_short_optlen",
	      qopt_set(fd, QUIC_SOCKOPT_STREAM_RESET, &ei, 8), EINVAL);
	T_ERR("sockopt_stream_reset_bad_get",
	      qopt_get(fd, QUIC_SOCKOPT_STREAM_RESET, &ei, sizeof(ei)),
	      EOPNOTSUPP);
	/* stream 2 is our unidirectional one: nothing to stop */
	ei.stream_id = 2;
	T_ERR("sockopt_stream_stop_sending_bad_send_only",
	      qopt_set(fd, QUIC_SOCKOPT_STREAM_STOP_SENDING, &ei, sizeof(ei)),
	      EINVAL);
	T_ERR("sockopt_stream_stop_sending_bad_short_optlen",
	      qopt_set(fd, QUIC_SOCKOPT_STREAM_STOP_SENDING, &ei, 4), EINVAL);
}

static void test_cid(int fd)
{
	struct quic_connection_id_info ci = { .dest = 1 }, r;
	int ok;

	ok = !qopt_get(fd, QUIC_SOCKOPT_CONNECTION_ID, &ci, sizeof(ci));
	/* switching to the ID in use is allowed and changes nothing */
	ok = ok && !qopt_set(fd, QUIC_SOCKOPT_CONNECTION_ID, &ci, sizeof(ci));
	memset(&r, 0, sizeof(r));
	r.dest = 1;
	ok = ok && !qopt_get(fd, QUIC_SOCKOPT_CONNECTION_ID, &r, sizeof(r)) &&
	     r.active == ci.active && r.dest == 1;
	t_result(ok, "sockopt_connection_id_good", "active %u then %u (%s)",
		 ci.active, r.active, strerror(errno));
	ci.dest = 2;
	T_ERR("sockopt_connection_id_bad_dest",
	      qopt_get(fd, QUIC_SOCKOPT_CONNECTION_ID, &ci, sizeof(ci)), EINVAL);
	ci.dest = 1;
	ci.active = 1000;
	T_ERR("sockopt_connection_id_bad_unknown_id",
	      qopt_set(fd, QUIC_SOCKOPT_CONNECTION_ID, &ci, sizeof(ci)), EINVAL);
	T_ERR("sockopt_connection_id_bad_short_optlen",
	      qopt_set(fd, QUIC_SOCKOPT_CONNECTION_ID, &ci, 4), EINVAL);
}

static void test_close(int fd)
{
	struct quic_connection_close c = { .errcode = 0x77 }, r;

	strcpy((char *)c.phrase, "bye");
	T_OK("sockopt_connection_close_good_set",
	     qopt_set(fd, QUIC_SOCKOPT_CONNECTION_CLOSE, &c, sizeof(c)));
	memset(&r, 0, sizeof(r));
	qopt_get(fd, QUIC_SOCKOPT_CONNECTION_CLOSE, &r, sizeof(r));
	t_result(r.errcode == 0x77 && !strcmp((char *)r.phrase, "bye"),
		 "sockopt_connection_close_good", "read back %u '%.64s'",
		 r.errcode, (char *)r.phrase);
	memset(c.phrase, 'x', sizeof(c.phrase));
	T_ERR("sockopt_connection_close_bad_unterminated_phrase",
	      qopt_set(fd, QUIC_SOCKOPT_CONNECTION_CLOSE, &c, sizeof(c)),
	      EINVAL);
	T_ERR("sockopt_connection_close_bad_short_optlen",
	      qopt_set(fd, QUIC_SOCKOPT_CONNECTION_CLOSE, &c, 4), EINVAL);
	T_ERR("sockopt_connection_close_bad_short_get",
	      qopt_get(fd, QUIC_SOCKOPT_CONNECTION_CLOSE, &c, 8), EINVAL);
	/* leave a clean close reason for the end */
	c.errcode = 0;
	c.phrase[0] = '\0';
	qopt_set(fd, QUIC_SOCKOPT_CONNECTION_CLOSE, &c, sizeof(c));
}

static void test_key_update(int fd)
{
	int rc, i;

	/* allowed once the handshake is confirmed (HANDSHAKE_DONE) */
	for (i = 0; i < 100; i++) {
		rc = qopt_set(fd, QUIC_SOCKOPT_KEY_UPDATE, NULL, 0);
		if (!rc || errno != EAGAIN)
			break;
		usleep(20000);
	}
	t_result(!rc, "sockopt_key_update_good", "%s", strerror(errno));
	T_ERR("sockopt_key_update_bad_get",
	      qopt_get(fd, QUIC_SOCKOPT_KEY_UPDATE, &rc, sizeof(rc)), EOPNOTSUPP);
}

static void test_params(int fd, int server)
{
	struct quic_transport_param p;
	struct quic_config c;
	unsigned char buf[1024];
	socklen_t len;
	int64_t v;
	int rc;

	/* the peer's parameters as received in the handshake */
	memset(&p, 0, sizeof(p));
	p.remote = 1;
	rc = qopt_get(fd, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, sizeof(p));
	t_result(!rc && p.remote == 1 &&
		 p.max_idle_timeout == (server ? 30000000u : SRV_IDLE),
		 server ? "sockopt_transport_param_good_server" :
		 "sockopt_transport_param_good",
		 "rc %d remote %u max_idle_timeout %u", rc, p.remote,
		 p.max_idle_timeout);
	if (server)
		return;
	T_ERR("sockopt_transport_param_bad_after_connect",
	      qopt_set(fd, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, sizeof(p)), EISCONN);
	T_ERR("sockopt_transport_param_bad_short_optlen",
	      qopt_set(fd, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, 8), EINVAL);
	p.remote = 2;
	T_ERR("sockopt_transport_param_bad_remote_value",
	      qopt_get(fd, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, sizeof(p)), EINVAL);

	/* what cli_setup set stays */
	rc = qt_get_config(fd, &c);
	t_result(!rc && c.stream_data_nodelay == 1 &&
		 c.keepalive_probe_interval == 5000000 &&
		 c.version == QUIC_VERSION_V1, "sockopt_config_good",
		 "rc %d nodelay %u keepalive %u version %x", rc,
		 c.stream_data_nodelay, c.keepalive_probe_interval, c.version);
	c.version = 3;
	T_ERR("sockopt_config_bad_version",
	      qopt_set(fd, QUIC_SOCKOPT_CONFIG, &c, sizeof(c)), EINVAL);
	c.version = 0;
	c.keepalive_probe_interval = 10;
	T_ERR("sockopt_config_bad_keepalive",
	      qopt_set(fd, QUIC_SOCKOPT_CONFIG, &c, sizeof(c)), EINVAL);
	T_ERR("sockopt_config_bad_short_optlen",
	      qopt_set(fd, QUIC_SOCKOPT_CONFIG, &c, 4), EINVAL);

	/* our encoded transport parameters: max_idle_timeout (id 0x01), in
	 * milliseconds, is the negotiated one after the handshake (the
	 * smaller of both: the server's 20 s)
	 */
	len = sizeof(buf);
	rc = getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM_EXT, buf, &len);
	v = rc ? -1 : tp_value(buf, len, 0x01);
	t_result(!rc && v == SRV_IDLE / 1000, "sockopt_transport_param_ext_good",
		 "rc %d (%s), %u bytes, max_idle_timeout %lld", rc,
		 rc ? strerror(errno) : "", len, (long long)v);
	T_ERR("sockopt_transport_param_ext_bad_empty",
	      qopt_set(fd, QUIC_SOCKOPT_TRANSPORT_PARAM_EXT, buf, 0), EINVAL);
	T_ERR("sockopt_transport_param_ext_bad_short_get",
	      qopt_get(fd, QUIC_SOCKOPT_TRANSPORT_PARAM_EXT, buf, 4), EINVAL);

	/* the client's ALPN list is fixed once the handshake started */
	T_ERR("sockopt_alpn_bad_after_connect",
	      qopt_set(fd, QUIC_SOCKOPT_ALPN, "h3", 2), EISCONN);
}

static void test_crypto_secret(int fd)
{
	struct quic_crypto_secret cs = { .send = 1, .level = QUIC_CRYPTO_APP,
					 .type = 51 };
	int state = -1;
	socklen_t sl = sizeof(state);

	/* libquic installed every secret through it: the handshake went
	 * through and the socket is established
	 */
	t_result(!getsockopt(fd, SOL_SOCKET, SO_ERROR, &state, &sl) && !state,
		 "sockopt_crypto_secret_good", "SO_ERROR %d", state);
	cs.level = QUIC_CRYPTO_MAX;
	T_ERR("sockopt_crypto_secret_bad_level",
	      qopt_set(fd, QUIC_SOCKOPT_CRYPTO_SECRET, &cs, sizeof(cs)), EINVAL);
	cs.level = QUIC_CRYPTO_APP;
	cs.send = 2;
	T_ERR("sockopt_crypto_secret_bad_send",
	      qopt_set(fd, QUIC_SOCKOPT_CRYPTO_SECRET, &cs, sizeof(cs)), EINVAL);
	T_ERR("sockopt_crypto_secret_bad_short_optlen",
	      qopt_set(fd, QUIC_SOCKOPT_CRYPTO_SECRET, &cs, 8), EINVAL);
	T_ERR("sockopt_crypto_secret_bad_get",
	      qopt_get(fd, QUIC_SOCKOPT_CRYPTO_SECRET, &cs, sizeof(cs)),
	      EOPNOTSUPP);
}

static void test_migration(int fd)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t sl = sizeof(a);
	char s[INET_ADDRSTRLEN] = "";

	T_ERR("sockopt_connection_migration_bad_short_optlen",
	      qopt_set(fd, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a, sizeof(a) - 1),
	      EINVAL);
	T_ERR("sockopt_connection_migration_bad_family",
	      qopt_set(fd, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a6, sizeof(a6)),
	      EINVAL);
	T_ERR("sockopt_connection_migration_bad_get",
	      qopt_get(fd, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a, sizeof(a)),
	      EOPNOTSUPP);
	inet_pton(AF_INET, "127.0.0.2", &a.sin_addr);
	T_OK("sockopt_connection_migration_good_set",
	     qopt_set(fd, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a, sizeof(a)));
	memset(&a, 0, sizeof(a));
	getsockname(fd, (struct sockaddr *)&a, &sl);
	inet_ntop(AF_INET, &a.sin_addr, s, sizeof(s));
	t_result(!strcmp(s, "127.0.0.2"), "sockopt_connection_migration_good",
		 "getsockname says %s", s);
}

static int client(int fd, void *arg)
{
	unsigned char buf[64];
	struct qt_rcv r;
	ssize_t n;

	(void)arg;
	test_event(fd);
	test_params(fd, 0);
	test_crypto_secret(fd);
	test_key_update(fd);
	test_cid(fd);
	test_close(fd);
	test_streams(fd);
	test_migration(fd);
	/* the connection still carries data after all of it: the server
	 * echoes one message on its own stream (1)
	 */
	qt_tell('G');
	n = qt_send(fd, "ping", 4, -1, MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN, 0);
	/* (a FIN of stream 0 or an event may come first) */
	do {
		n = qt_recv(fd, buf, sizeof(buf), 0, &r);
	} while (n >= 0 && (r.mflags & MSG_QUIC_NOTIFICATION || r.sid != 1) &&
		 (n > 0 || r.sid >= 0));
	t_result(n == 4 && !memcmp(buf, "pong", 4), "sockopt_connection_alive",
		 "recv %zd (%s)", n, n < 0 ? strerror(errno) : "");
	qt_await('D', 20000);
	return 0;
}

static int server(int fd, void *arg)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	unsigned char buf[64];
	struct qt_rcv r;
	ssize_t n;

	(void)arg;
	test_params(fd, 1);
	T_ERR("sockopt_token_bad_server_value",
	      qopt_set(fd, QUIC_SOCKOPT_TOKEN, "x", 1), EINVAL);
	T_OK("sockopt_token_good_server_issue",
	     qopt_set(fd, QUIC_SOCKOPT_TOKEN, NULL, 0));
	inet_pton(AF_INET, "127.0.0.3", &a.sin_addr);
	/* a preferred address is too late after the handshake */
	T_ERR("sockopt_connection_migration_bad_server_connected",
	      qopt_set(fd, QUIC_SOCKOPT_CONNECTION_MIGRATION, &a, sizeof(a)),
	      EISCONN);
	qt_await('G', 30000);
	/* the client's message on stream 4 (0 and 2 were used by the
	 * option tests), answered on our stream 1
	 */
	for (int i = 0; i < 100; i++) {
		n = qt_recv(fd, buf, sizeof(buf), 0, &r);
		if (n < 0 && errno != ECONNRESET)
			break;	/* the reset stream 0 reads as ECONNRESET */
		if (n >= 0 && r.sid == 4 && (r.sflags & MSG_QUIC_STREAM_FIN))
			break;
	}
	if (n < 0 || qt_send(fd, "pong", 4, 1, MSG_QUIC_STREAM_NEW |
			     MSG_QUIC_STREAM_FIN, 0) != 4)
		t_result(0, "sockopt_server_echo", "%s", strerror(errno));
	qt_tell('D');
	sleep(1);
	return 0;
}

int main(void)
{
	struct qt_pair p = {
		.name = "sockopt_conn",
		.srv_setup = srv_setup,
		.cli_setup = cli_setup,
		.client = client,
		.server = server,
		.timeout = 60,
	};

	if (qt_init())
		return 1;
	unconnected();
	qt_run(&p);
	qt_done();
	return t_exit();
}
