// SPDX-License-Identifier: GPL-2.0-or-later
/* SOL_QUIC socket options on an unconnected socket: every field of
 * QUIC_SOCKOPT_CONFIG and QUIC_SOCKOPT_TRANSPORT_PARAM (default, valid value
 * set and read back, out-of-range value rejected and nothing changed, short
 * optlen), events, ALPN, token, session ticket, close info, unknown options,
 * options that need a connection, and IP-level options passed through.
 */
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stddef.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/tls.h>
#include <linux/quic.h>

#include "test.h"

struct field {
	const char *name;
	size_t off, size;
	unsigned long long def;		/* the default read back */
	unsigned long long good;	/* a valid value, read back */
	unsigned long long bad;		/* out of range: EINVAL */
	int has_bad;
};

#define F(s, m, d, g, b, hb) \
	{ #m, offsetof(struct s, m), sizeof(((struct s *)0)->m), d, g, b, hb }

static const struct field cfg_fields[] = {
	F(quic_config, version, QUIC_VERSION_V1, QUIC_VERSION_V2, 0x1234, 1),
	F(quic_config, plpmtud_probe_interval, 0, 5000000, 4999999, 1),
	F(quic_config, initial_smoothed_rtt, 333000, 100000, 99999, 1),
	F(quic_config, payload_cipher_type, 0, TLS_CIPHER_CHACHA20_POLY1305,
	  50, 1),
	F(quic_config, congestion_control_algo, QUIC_CONG_ALG_RENO,
	  QUIC_CONG_ALG_CUBIC, QUIC_CONG_ALG_MAX, 1),
	F(quic_config, validate_peer_address, 0, 1, 2, 1),
	F(quic_config, stream_data_nodelay, 0, 1, 2, 1),
	F(quic_config, receive_session_ticket, 0, 5, 0, 0),
	F(quic_config, certificate_request, 0, 2, 3, 1),
	F(quic_config, keepalive_probe_interval, 0, 15000000, 99999, 1),
};

static const struct field tp_fields[] = {
	F(quic_transport_param, disable_active_migration, 0, 1, 2, 1),
	F(quic_transport_param, grease_quic_bit, 0, 1, 2, 1),
	F(quic_transport_param, stateless_reset, 0, 1, 2, 1),
	F(quic_transport_param, disable_1rtt_encryption, 0, 1, 2, 1),
	F(quic_transport_param, disable_compatible_version, 0, 1, 2, 1),
	F(quic_transport_param, active_connection_id_limit, 7, 2, 1, 1),
	F(quic_transport_param, ack_delay_exponent, 3, 20, 21, 1),
	F(quic_transport_param, max_datagram_frame_size, 0, 1400, 1199, 1),
	F(quic_transport_param, max_udp_payload_size, 65527, 1200, 1199, 1),
	F(quic_transport_param, max_idle_timeout, 30000000, 1000000, 999999, 1),
	F(quic_transport_param, max_ack_delay, 25000, 16383000, 16384000, 1),
	F(quic_transport_param, max_streams_bidi, 100, 4096, 4097, 1),
	F(quic_transport_param, max_streams_uni, 100, 1, 4097, 1),
	F(quic_transport_param, max_data, 65536 * 32, 1 << 30,
	  (1ULL << 30) + 1, 1),
	F(quic_transport_param, max_stream_data_bidi_local, 65536 * 4, 65536,
	  65535, 1),
	F(quic_transport_param, max_stream_data_bidi_remote, 65536 * 4,
	  1 << 20, 1024, 1),
	F(quic_transport_param, max_stream_data_uni, 65536 * 4, 1 << 30,
	  1ULL << 31, 1),
};

static unsigned long long get_field(const void *s, const struct field *f)
{
	const unsigned char *p = (const unsigned char *)s + f->off;
	unsigned long long v = 0;

	memcpy(&v, p, f->size);	/* little endian (x86) */
	return v;
}

static void set_field(void *s, const struct field *f, unsigned long long v)
{
	memcpy((unsigned char *)s + f->off, &v, f->size);
}

static int qsock(void)
{
	return socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);
}

static int get_opt(int fd, int opt, void *v, socklen_t len)
{
	socklen_t l = len;

	return getsockopt(fd, SOL_QUIC, opt, v, &l);
}

/* the transport parameters of one side: remote = 0 ours, 1 the peer's */
static int get_tp(int fd, struct quic_transport_param *p, int remote)
{
	memset(p, 0, sizeof(*p));
	p->remote = remote;
	return get_opt(fd, QUIC_SOCKOPT_TRANSPORT_PARAM, p, sizeof(*p));
}

static void test_fields(const char *what, int opt, const struct field *fs,
			unsigned int n, size_t size)
{
	unsigned char cur[128], set[128];
	char name[128];

	for (unsigned int i = 0; i < n; i++) {
		const struct field *f = &fs[i];
		int fd = qsock();

		memset(cur, 0, sizeof(cur));
		get_opt(fd, opt, cur, size);
		snprintf(name, sizeof(name), "%s_%s_default", what, f->name);
		T_EQ(name, get_field(cur, f), f->def);

		/* a zeroed structure with just this field set */
		memset(set, 0, sizeof(set));
		set_field(set, f, f->good);
		snprintf(name, sizeof(name), "%s_%s_set", what, f->name);
		T_OK(name, setsockopt(fd, SOL_QUIC, opt, set, size));
		memset(cur, 0, sizeof(cur));
		get_opt(fd, opt, cur, size);
		snprintf(name, sizeof(name), "%s_%s_read_back", what, f->name);
		T_EQ(name, get_field(cur, f), f->good);

		if (f->has_bad) {
			memcpy(set, cur, size);
			set_field(set, f, f->bad);
			snprintf(name, sizeof(name), "%s_%s_out_of_range",
				 what, f->name);
			T_ERR(name, setsockopt(fd, SOL_QUIC, opt, set, size),
			      EINVAL);
			memset(set, 0, sizeof(set));
			get_opt(fd, opt, set, size);
			snprintf(name, sizeof(name), "%s_%s_unchanged_on_error",
				 what, f->name);
			T_EQ(name, get_field(set, f), f->good);
		}
		close(fd);
	}
}

static void test_config(void)
{
	struct quic_config c;
	socklen_t len;
	int fd = qsock();

	test_fields("config", QUIC_SOCKOPT_CONFIG, cfg_fields,
		    sizeof(cfg_fields) / sizeof(cfg_fields[0]), sizeof(c));

	memset(&c, 0, sizeof(c));
	T_ERR("config_set_short_optlen",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, sizeof(c) - 1),
	      EINVAL);
	len = sizeof(c) - 1;
	T_ERR("config_get_short_optlen",
	      getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, &len), EINVAL);
	len = sizeof(c) + 16;
	T_OK("config_get_long_optlen",
	     getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, &len));
	T_EQ("config_get_optlen_returned", len, sizeof(c));
	c.reserved[1] = 1;
	T_ERR("config_reserved_nonzero",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, sizeof(c)),
	      EINVAL);
	T_ERR("config_set_bad_pointer",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, (void *)8,
			 sizeof(c)), EFAULT);
	close(fd);
}

static void test_transport_param(void)
{
	struct quic_transport_param p;
	socklen_t len;
	int fd = qsock();

	test_fields("tparam", QUIC_SOCKOPT_TRANSPORT_PARAM, tp_fields,
		    sizeof(tp_fields) / sizeof(tp_fields[0]), sizeof(p));

	/* the peer's side, before a handshake: RFC 9000 defaults */
	T_OK("tparam_remote_get", get_tp(fd, &p, 1));
	T_EQ("tparam_remote_flag_kept", p.remote, 1);
	T_EQ("tparam_remote_default_max_data", p.max_data, 0);
	T_EQ("tparam_remote_default_cid_limit", p.active_connection_id_limit, 2);
	T_EQ("tparam_remote_default_udp_payload", p.max_udp_payload_size, 65527);

	/* a client caches the peer's parameters for 0-RTT */
	memset(&p, 0, sizeof(p));
	p.remote = 1;
	p.max_data = 1 << 20;
	p.max_streams_bidi = 10;
	T_OK("tparam_remote_set",
	     setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p,
			sizeof(p)));
	get_tp(fd, &p, 1);
	T_EQ("tparam_remote_read_back", p.max_data, 1 << 20);
	get_tp(fd, &p, 0);
	T_EQ("tparam_remote_set_leaves_local", p.max_data, 65536 * 32);

	memset(&p, 0, sizeof(p));
	p.remote = 2;
	T_ERR("tparam_remote_bad_flag",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p,
			 sizeof(p)), EINVAL);
	len = sizeof(p);
	T_ERR("tparam_get_bad_remote_flag",
	      getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, &len),
	      EINVAL);
	p.remote = 0;
	T_ERR("tparam_set_short_optlen",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p,
			 sizeof(p) - 1), EINVAL);
	len = sizeof(p) - 1;
	T_ERR("tparam_get_short_optlen",
	      getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, &len),
	      EINVAL);
	/* two bad fields at once: nothing is applied */
	get_tp(fd, &p, 0);
	p.max_streams_bidi = 7;
	p.ack_delay_exponent = 99;
	setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TRANSPORT_PARAM, &p, sizeof(p));
	get_tp(fd, &p, 0);
	T_EQ("tparam_all_or_nothing", p.max_streams_bidi, 100);
	close(fd);
}

static void test_events(void)
{
	struct quic_event_option e;
	char name[64];
	int fd = qsock();

	for (int t = QUIC_EVENT_STREAM_UPDATE; t < QUIC_EVENT_MAX; t++) {
		e.type = t;
		e.on = 1;
		get_opt(fd, QUIC_SOCKOPT_EVENT, &e, sizeof(e));
		snprintf(name, sizeof(name), "event_%d_off_by_default", t);
		T_EQ(name, e.on, 0);
		e.on = 1;
		snprintf(name, sizeof(name), "event_%d_enable", t);
		T_OK(name, setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &e,
				      sizeof(e)));
		e.on = 0;
		get_opt(fd, QUIC_SOCKOPT_EVENT, &e, sizeof(e));
		snprintf(name, sizeof(name), "event_%d_read_back", t);
		T_EQ(name, e.on, 1);
	}
	e.type = QUIC_EVENT_KEY_UPDATE;
	e.on = 0;
	T_OK("event_disable",
	     setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &e, sizeof(e)));
	get_opt(fd, QUIC_SOCKOPT_EVENT, &e, sizeof(e));
	T_EQ("event_disable_read_back", e.on, 0);
	e.type = QUIC_EVENT_NEW_TOKEN;
	get_opt(fd, QUIC_SOCKOPT_EVENT, &e, sizeof(e));
	T_EQ("event_others_untouched", e.on, 1);
	e.type = QUIC_EVENT_MAX;
	e.on = 1;
	T_ERR("event_type_max_rejected",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &e, sizeof(e)),
	      EINVAL);
	e.type = QUIC_EVENT_NONE;
	T_ERR("event_type_none_rejected",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &e, sizeof(e)),
	      EINVAL);
	e.type = QUIC_EVENT_STREAM_UPDATE;
	e.on = 2;
	T_ERR("event_on_bad_value",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &e, sizeof(e)),
	      EINVAL);
	T_ERR("event_short_optlen",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_EVENT, &e, 1), EINVAL);
	close(fd);
}

static void test_bytes(void)
{
	char buf[8400], big[8400];
	socklen_t len;
	int fd = qsock();

	len = sizeof(buf);
	T_OK("alpn_empty_by_default",
	     getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, buf, &len));
	T_EQ("alpn_empty_len", len, 0);
	T_OK("alpn_set", setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN,
				    "h3,hq-interop", 13));
	len = sizeof(buf);
	getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, buf, &len);
	t_result(len == 13 && !memcmp(buf, "h3,hq-interop", 13),
		 "alpn_read_back", "got %d bytes", (int)len);
	len = 5;
	T_ERR("alpn_get_short_buffer",
	      getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, buf, &len), EINVAL);
	T_ERR("alpn_empty_entry",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, "h3,,x", 5), EINVAL);
	T_ERR("alpn_trailing_comma",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, "h3,", 3), EINVAL);
	memset(big, 'a', sizeof(big));
	T_ERR("alpn_too_long",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_ALPN, big, 256), EINVAL);

	T_OK("token_set", setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN,
				     "\x01\x02\x03", 3));
	len = sizeof(buf);
	getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, buf, &len);
	t_result(len == 3 && !memcmp(buf, "\x01\x02\x03", 3),
		 "token_read_back", "got %d bytes", (int)len);
	T_ERR("token_too_long",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_TOKEN, big, 1201), EINVAL);

	T_OK("ticket_set", setsockopt(fd, SOL_QUIC,
				      QUIC_SOCKOPT_SESSION_TICKET, big, 8192));
	len = sizeof(buf);
	getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, buf, &len);
	t_result(len == 8192 && !memcmp(buf, big, 8192), "ticket_read_back",
		 "got %d bytes", (int)len);
	T_ERR("ticket_too_long",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, big, 8193),
	      EINVAL);
	T_OK("ticket_clear",
	     setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, NULL, 0));
	len = sizeof(buf);
	getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, buf, &len);
	T_EQ("ticket_cleared", len, 0);
	close(fd);
}

static void test_close_info(void)
{
	struct quic_connection_close c, r;
	int fd = qsock();

	memset(&c, 0, sizeof(c));
	c.errcode = 0x101;
	strcpy((char *)c.phrase, "going away");
	T_OK("close_info_set", setsockopt(fd, SOL_QUIC,
					  QUIC_SOCKOPT_CONNECTION_CLOSE, &c,
					  sizeof(c)));
	memset(&r, 0, sizeof(r));
	get_opt(fd, QUIC_SOCKOPT_CONNECTION_CLOSE, &r, sizeof(r));
	t_result(r.errcode == 0x101 && !strcmp((char *)r.phrase, "going away"),
		 "close_info_read_back", "errcode %u phrase '%.64s'",
		 r.errcode, r.phrase);
	memset(c.phrase, 'x', sizeof(c.phrase));
	T_ERR("close_info_unterminated_phrase",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &c,
			 sizeof(c)), EINVAL);
	T_ERR("close_info_short_optlen",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_CLOSE, &c, 4),
	      EINVAL);
	close(fd);
}

static void test_other(void)
{
	unsigned char buf[128];
	socklen_t len = sizeof(buf);
	int fd = qsock(), tos;

	memset(buf, 0, sizeof(buf));
	T_ERR("unknown_option_set",
	      setsockopt(fd, SOL_QUIC, 99, buf, sizeof(buf)), ENOPROTOOPT);
	T_ERR("unknown_option_get",
	      getsockopt(fd, SOL_QUIC, 99, buf, &len), ENOPROTOOPT);
	len = sizeof(buf);
	T_ERR("stream_open_needs_connection",
	      getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_OPEN, buf, &len),
	      ENOTCONN);
	T_ERR("key_update_needs_connection",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_KEY_UPDATE, NULL, 0),
	      ENOTCONN);
	T_ERR("crypto_secret_needs_connection",
	      setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CRYPTO_SECRET, buf,
			 sizeof(struct quic_crypto_secret)), ENOTCONN);
	len = sizeof(buf);
	T_ERR("key_update_is_set_only",
	      getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_KEY_UPDATE, buf, &len),
	      EOPNOTSUPP);
	len = -1;
	T_ERR("get_negative_optlen",
	      getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, buf, &len),
	      EINVAL);

	/* IP-level options reach the IP layer */
	tos = 0x10;
	T_OK("ip_tos_set", setsockopt(fd, IPPROTO_IP, IP_TOS, &tos,
				      sizeof(tos)));
	tos = 0;
	len = sizeof(tos);
	getsockopt(fd, IPPROTO_IP, IP_TOS, &tos, &len);
	T_EQ("ip_tos_read_back", tos, 0x10);
	close(fd);
}

int main(void)
{
	test_config();
	test_transport_param();
	test_events();
	test_bytes();
	test_close_info();
	test_other();
	return t_exit();
}
