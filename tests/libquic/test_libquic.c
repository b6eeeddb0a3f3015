// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libquic tests: real GnuTLS handshakes through libquic.so between a client
 * and a server thread, over the fake kernel interface of fakequic.c (test
 * scaffolding; the end-to-end tests against quic.ko come with issue 4).
 *
 * usage: test_libquic CERTDIR   (CERTDIR made by gen-certs.sh; X.509 tests
 *                                are skipped when it has no certificates)
 * Prints PASS/FAIL/SKIP lines and "N passed, N failed, N skipped".
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include <netinet/quic.h>

#include "fakequic.h"

#define QUIC_PRIO_FMT "NORMAL:-VERS-ALL:+VERS-TLS1.3:+ECDHE-PSK:+PSK:-CIPHER-ALL:%s:" \
	"-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:%%DISABLE_TLS13_COMPAT_MODE"

static const char *certdir;
static char ca_file[512], cert_file[512], key_file[512];
static char psk_file[512], psk_bad_key_file[512], psk_other_id_file[512];
static char psk_malformed_file[512], psk_empty_file[512];
static int have_certs;

static int n_pass, n_fail, n_skip;
static const char *current_test;

/* Transport parameter blobs the fake kernel hands to TLS for each side:
 * initial_max_data, max_idle_timeout and initial_source_connection_id.
 */
static const uint8_t client_tp[] = {
	0x04, 0x04, 0x80, 0x20, 0x00, 0x00, 0x01, 0x04, 0x80, 0x00, 0x75, 0x30,
	0x0f, 0x04, 0xc1, 0x1e, 0x17, 0x00,
};
static const uint8_t server_tp[] = {
	0x04, 0x04, 0x80, 0x40, 0x00, 0x00, 0x01, 0x04, 0x80, 0x00, 0xea, 0x60,
	0x0f, 0x08, 0x5e, 0x4e, 0x1e, 0x55, 0x0a, 0xb2, 0x99, 0x01,
	0x00, 0x10, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x12, 0x34,
};

/* ---- log capture ---- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_lines;
static char log_last[512];
static char log_all[4096];

static void log_capture(int level, const char *msg)
{
	if (getenv("LIBQUIC_TEST_VERBOSE"))
		fprintf(stderr, "  log(%d): %s\n", level, msg);
	if (level > LOG_WARNING)
		return;
	pthread_mutex_lock(&log_lock);
	log_lines++;
	snprintf(log_last, sizeof(log_last), "%s", msg);
	if (strlen(log_all) + strlen(msg) + 2 < sizeof(log_all)) {
		strcat(log_all, msg);
		strcat(log_all, "\n");
	}
	pthread_mutex_unlock(&log_lock);
}

static void log_reset(void)
{
	pthread_mutex_lock(&log_lock);
	log_lines = 0;
	log_last[0] = '\0';
	log_all[0] = '\0';
	pthread_mutex_unlock(&log_lock);
}

/* ---- reporting ---- */

static char fail_reason[512];

static int failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int failf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fail_reason, sizeof(fail_reason), fmt, ap);
	va_end(ap);
	return -1;
}

static void on_alarm(int sig)
{
	char buf[256];
	int n;

	(void)sig;
	n = snprintf(buf, sizeof(buf), "FAIL %s: timeout (hung)\n", current_test);
	if (write(STDOUT_FILENO, buf, (size_t)n) < 0)
		_exit(2);
	_exit(1);
}

static void run_test(const char *name, int (*fn)(void), int needs_certs)
{
	int ret;

	current_test = name;
	if (needs_certs && !have_certs) {
		printf("SKIP %s: no test certificates (certtool missing?)\n", name);
		n_skip++;
		return;
	}
	fail_reason[0] = '\0';
	log_reset();
	alarm(60);
	ret = fn();
	alarm(0);
	if (ret == 0) {
		printf("PASS %s\n", name);
		n_pass++;
	} else if (ret > 0) {
		printf("SKIP %s: %s\n", name, fail_reason);
		n_skip++;
	} else {
		printf("FAIL %s: %s\n", name, fail_reason[0] ? fail_reason : "failed");
		n_fail++;
	}
	fflush(stdout);
}

/* ---- two endpoints in two threads ---- */

struct side;
typedef int (*side_fn)(struct side *);

struct side {
	int fd;
	side_fn fn;
	int ret;
	/* file API */
	const char *pkey;
	const char *cert;
	const char *host;
	const char *alpns;
	/* caller-configured sessions */
	const char *ciphers;		/* priority cipher part, NULL: all */
	const char *cafile;		/* client: trust file */
	const char *verify_host;	/* client: verify against this name */
	const gnutls_datum_t *ticket_key;	/* server: session ticket key */
	const void *data_in;		/* client: session data to resume */
	size_t data_in_len;
	int use_steps;			/* drive with the step API */
	int early;			/* server: accept 0-RTT */
	/* results */
	int resumed;
	char alpn[64];
	unsigned char data_out[8192];
	size_t data_out_len;
	int get_data_ret;
	int small_ret;
	size_t small_size;
};

static void *side_thread(void *arg)
{
	struct side *s = arg;

	s->ret = s->fn(s);
	if (s->ret)
		shutdown(s->fd, SHUT_RDWR);	/* wake the peer */
	return NULL;
}

struct pair {
	int cfd, sfd;
	struct fake_sock c, s;
};

static int pair_open(struct pair *p, int nonblock)
{
	int fds[2];

	if (fake_socketpair(fds, nonblock))
		return failf("socketpair: %s", strerror(errno));
	p->cfd = fds[0];
	p->sfd = fds[1];
	fake_set_tp(p->cfd, client_tp, sizeof(client_tp));
	fake_set_tp(p->sfd, server_tp, sizeof(server_tp));
	return 0;
}

static void pair_close(struct pair *p)
{
	fake_close(p->cfd);
	fake_close(p->sfd);
}

static int pair_run(struct pair *p, struct side *c, struct side *s)
{
	pthread_t tc, ts;

	c->fd = p->cfd;
	s->fd = p->sfd;
	pthread_create(&ts, NULL, side_thread, s);
	pthread_create(&tc, NULL, side_thread, c);
	pthread_join(tc, NULL);
	pthread_join(ts, NULL);
	fake_get(p->cfd, &p->c);
	fake_get(p->sfd, &p->s);
	return 0;
}

static int set_config(int fd, uint32_t cipher, uint8_t ticket_wait)
{
	struct quic_config config;

	memset(&config, 0, sizeof(config));
	config.version = QUIC_VERSION_V1;
	config.payload_cipher_type = cipher;
	config.receive_session_ticket = ticket_wait;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &config, sizeof(config));
}

/* File API sides */
static int client_files(struct side *s)
{
	return quic_client_handshake(s->fd, s->pkey, s->host, s->alpns);
}

static int server_files(struct side *s)
{
	return quic_server_handshake(s->fd, s->pkey, s->cert, s->alpns);
}

/* Drive a handshake with the step API on a non-blocking socket, polling
 * ourselves.
 */
static int drive_steps(gnutls_session_t session, int fd)
{
	struct quic_handshake_step *step;
	int ret;

	ret = quic_handshake_init(session, &step);
	while (!ret && step) {
		struct pollfd pfd = { fd, 0, 0 };
		ssize_t r;

		if (step->op == QUIC_HANDSHAKE_STEP_OP_SENDMSG) {
			pfd.events = POLLOUT;
			poll(&pfd, 1, 10000);
			r = sendmsg(fd, step->s_sendmsg.msg, step->s_sendmsg.flags);
			step->s_sendmsg.retval = r < 0 ? -errno : r;
		} else {
			pfd.events = POLLIN;
			poll(&pfd, 1, 10000);
			r = recvmsg(fd, step->s_recvmsg.msg, step->s_recvmsg.flags);
			step->s_recvmsg.retval = r < 0 ? -errno : r;
		}
		ret = quic_handshake_step(session, &step);
	}
	quic_handshake_deinit(session);
	return ret;
}

static int set_priority(gnutls_session_t session, const char *ciphers)
{
	char prio[512];

	snprintf(prio, sizeof(prio), QUIC_PRIO_FMT,
		 ciphers ? ciphers : "+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305:+AES-128-CCM");
	return gnutls_priority_set_direct(session, prio, NULL) ? -EINVAL : 0;
}

static void session_results(struct side *s, gnutls_session_t session)
{
	size_t len = sizeof(s->alpn) - 1;

	s->resumed = gnutls_session_is_resumed(session);
	if (quic_session_get_alpn(session, s->alpn, &len))
		s->alpn[0] = '\0';
	else
		s->alpn[len] = '\0';
}

/* Caller-configured client: X.509 (optionally verified with a CA file) */
static int client_custom(struct side *s)
{
	gnutls_certificate_credentials_t cred;
	gnutls_session_t session;
	int ret;

	gnutls_certificate_allocate_credentials(&cred);
	if (s->cafile)
		gnutls_certificate_set_x509_trust_file(cred, s->cafile, GNUTLS_X509_FMT_PEM);
	gnutls_init(&session, GNUTLS_CLIENT | GNUTLS_ENABLE_EARLY_DATA |
		    GNUTLS_NO_END_OF_EARLY_DATA);
	ret = set_priority(session, s->ciphers);
	gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, cred);
	if (s->verify_host) {
		gnutls_server_name_set(session, GNUTLS_NAME_DNS, s->verify_host,
				       strlen(s->verify_host));
		gnutls_session_set_verify_cert(session, s->verify_host, 0);
	}
	if (!ret && s->alpns)
		ret = quic_session_set_alpn(session, s->alpns, strlen(s->alpns));
	if (!ret && s->data_in)
		ret = quic_session_set_data(session, s->data_in, s->data_in_len);
	gnutls_transport_set_int(session, s->fd);
	if (!ret)
		ret = s->use_steps ? drive_steps(session, s->fd) : quic_handshake(session);
	if (!ret) {
		session_results(s, session);
		s->small_size = 1;
		s->small_ret = quic_session_get_data(session, s->data_out, &s->small_size);
		s->data_out_len = 0;
		s->get_data_ret = quic_session_get_data(session, NULL, &s->data_out_len);
		if (!s->get_data_ret && s->data_out_len <= sizeof(s->data_out)) {
			s->data_out_len = sizeof(s->data_out);
			s->get_data_ret = quic_session_get_data(session, s->data_out,
								&s->data_out_len);
		}
	}
	gnutls_deinit(session);
	gnutls_certificate_free_credentials(cred);
	return ret;
}

static gnutls_anti_replay_t anti_replay;

/* Anti-replay database of one test run: every ClientHello is new. */
static int anti_replay_add(void *ptr, time_t exp, const gnutls_datum_t *key,
			   const gnutls_datum_t *data)
{
	(void)ptr;
	(void)exp;
	(void)key;
	(void)data;
	return 0;
}

/* Caller-configured server: X.509 */
static int server_custom(struct side *s)
{
	gnutls_certificate_credentials_t cred;
	gnutls_session_t session;
	int ret;

	gnutls_certificate_allocate_credentials(&cred);
	gnutls_certificate_set_x509_key_file(cred, cert_file, key_file, GNUTLS_X509_FMT_PEM);
	gnutls_init(&session, GNUTLS_SERVER | GNUTLS_NO_END_OF_EARLY_DATA |
		    (s->early ? GNUTLS_ENABLE_EARLY_DATA : 0));
	ret = set_priority(session, s->ciphers);
	gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, cred);
	if (s->early) {
		gnutls_anti_replay_enable(session, anti_replay);
		gnutls_record_set_max_early_data_size(session, 0xffffffffu);
	}
	if (s->ticket_key)
		gnutls_session_ticket_enable_server(session, s->ticket_key);
	if (!ret && s->alpns)
		ret = quic_session_set_alpn(session, s->alpns, strlen(s->alpns));
	gnutls_transport_set_int(session, s->fd);
	if (!ret)
		ret = s->use_steps ? drive_steps(session, s->fd) : quic_handshake(session);
	if (!ret)
		session_results(s, session);
	gnutls_deinit(session);
	gnutls_certificate_free_credentials(cred);
	return ret;
}

/* ---- checks ---- */

static const char *level_name(int level)
{
	return level == QUIC_CRYPTO_HANDSHAKE ? "handshake" : "app";
}

/* HANDSHAKE and APP secrets installed in both directions on both sides,
 * client send == server receive and the reverse, one cipher type for all;
 * no INITIAL secret (the kernel derives those). Sets *type.
 */
static int check_secrets(const struct pair *p, uint32_t *type)
{
	static const int levels[] = { QUIC_CRYPTO_HANDSHAKE, QUIC_CRYPTO_APP };
	uint32_t t = p->c.secrets[QUIC_CRYPTO_HANDSHAKE][1].type;
	int i, d;

	for (i = 0; i < 2; i++) {
		int l = levels[i];

		for (d = 0; d < 2; d++) {
			const struct fake_secret *cs = &p->c.secrets[l][d];
			const struct fake_secret *ss = &p->s.secrets[l][!d];

			if (!cs->set || !ss->set)
				return failf("%s %s secret not installed on %s", level_name(l),
					     d ? "send" : "receive", !cs->set ? "client" : "server");
			if (memcmp(cs->secret, ss->secret, sizeof(cs->secret)))
				return failf("client %s %s secret differs from the server's",
					     level_name(l), d ? "send" : "receive");
			if (cs->type != t || ss->type != t)
				return failf("cipher types differ: %u %u %u", cs->type, ss->type, t);
		}
	}
	if (p->c.secrets[QUIC_CRYPTO_INITIAL][0].set || p->s.secrets[QUIC_CRYPTO_INITIAL][1].set)
		return failf("an initial secret was installed");
	if (type)
		*type = t;
	return 0;
}

static int check_tp(const struct pair *p)
{
	if (!p->s.tp_peer_set || p->s.tp_peer_len != sizeof(client_tp) ||
	    memcmp(p->s.tp_peer, client_tp, sizeof(client_tp)))
		return failf("server did not get the client's transport parameters unchanged");
	if (!p->c.tp_peer_set || p->c.tp_peer_len != sizeof(server_tp) ||
	    memcmp(p->c.tp_peer, server_tp, sizeof(server_tp)))
		return failf("client did not get the server's transport parameters unchanged");
	return 0;
}

static int check_ok(const struct pair *p, const struct side *c, const struct side *s)
{
	if (c->ret || s->ret)
		return failf("handshake failed: client %d (%s), server %d (%s); log: %s",
			     c->ret, strerror(-c->ret), s->ret, strerror(-s->ret), log_last);
	if (check_secrets(p, NULL))
		return -1;
	return check_tp(p);
}

/* ---- tests ---- */

static int t_psk_handshake(void)
{
	struct side c = { .fn = client_files, .pkey = psk_file };
	struct side s = { .fn = server_files, .pkey = psk_file };
	struct pair p;
	int ret;

	if (pair_open(&p, 0))
		return -1;
	pair_run(&p, &c, &s);
	ret = check_ok(&p, &c, &s);
	pair_close(&p);
	return ret;
}

static int t_x509_handshake(void)
{
	struct side c = { .fn = client_files, .alpns = "h3" };
	struct side s = { .fn = server_files, .pkey = key_file, .cert = cert_file, .alpns = "h3" };
	struct pair p;
	int ret;

	if (pair_open(&p, 0))
		return -1;
	pair_run(&p, &c, &s);
	ret = check_ok(&p, &c, &s);
	if (!ret && strcmp(p.s.alpn, "h3"))
		ret = failf("server socket ALPN is '%s', want 'h3'", p.s.alpn);
	pair_close(&p);
	return ret;
}

static int t_x509_verify_ca(void)
{
	struct side c = { .fn = client_custom, .cafile = ca_file, .verify_host = "server.test" };
	struct side s = { .fn = server_files, .pkey = key_file, .cert = cert_file };
	struct pair p;
	int ret;

	if (pair_open(&p, 0))
		return -1;
	pair_run(&p, &c, &s);
	ret = check_ok(&p, &c, &s);
	pair_close(&p);
	return ret;
}

static int t_x509_verify_wrong_host(void)
{
	struct side c = { .fn = client_custom, .cafile = ca_file, .verify_host = "other.test" };
	struct side s = { .fn = server_files, .pkey = key_file, .cert = cert_file };
	struct pair p;
	int ret = 0;

	if (pair_open(&p, 0))
		return -1;
	pair_run(&p, &c, &s);
	if (c.ret != -EPROTO)
		ret = failf("client returned %d, want -EPROTO", c.ret);
	else if (s.ret >= 0)
		ret = failf("server returned %d, want an error", s.ret);
	else if (!strstr(log_all, "certificate rejected"))
		ret = failf("no 'certificate rejected' log line: %s", log_all);
	pair_close(&p);
	return ret;
}

/* quic_client_handshake() with a hostname verifies against the system
 * trust store, which does not know the throwaway CA.
 */
static int t_x509_untrusted_system(void)
{
	struct side c = { .fn = client_files, .host = "server.test" };
	struct side s = { .fn = server_files, .pkey = key_file, .cert = cert_file };
	struct pair p;
	int ret = 0;

	if (pair_open(&p, 0))
		return -1;
	pair_run(&p, &c, &s);
	if (c.ret != -EPROTO)
		ret = failf("client returned %d, want -EPROTO", c.ret);
	else if (s.ret >= 0)
		ret = failf("server returned %d, want an error", s.ret);
	else if (!p.c.close_set || p.c.close_errcode < QUIC_TRANSPORT_ERROR_CRYPTO ||
		 p.c.close_errcode > QUIC_TRANSPORT_ERROR_CRYPTO + 0xff)
		ret = failf("client set no CRYPTO_ERROR close (%d, 0x%x)", p.c.close_set,
			    p.c.close_errcode);
	else if (!strstr(log_all, "certificate rejected"))
		ret = failf("no 'certificate rejected' log line: %s", log_all);
	pair_close(&p);
	return ret;
}

static int t_alpn_negotiation(void)
{
	struct side c = { .fn = client_custom, .alpns = "foo, h3" };
	struct side s = { .fn = server_custom, .alpns = "h3,bar" };
	struct pair p;
	int ret;

	if (pair_open(&p, 0))
		return -1;
	pair_run(&p, &c, &s);
	ret = check_ok(&p, &c, &s);
	if (!ret && (strcmp(c.alpn, "h3") || strcmp(s.alpn, "h3")))
		ret = failf("selected ALPN client '%s' server '%s', want 'h3'", c.alpn, s.alpn);
	if (!ret && strcmp(p.s.alpn, "h3"))
		ret = failf("server socket ALPN '%s', want 'h3'", p.s.alpn);
	pair_close(&p);
	return ret;
}

/* alpns NULL: both sides take the list set on the socket */
static int t_alpn_from_socket(void)
{
	struct side c = { .fn = client_files };
	struct side s = { .fn = server_files, .pkey = key_file, .cert = cert_file };
	struct pair p;
	int ret;

	if (pair_open(&p, 0))
		return -1;
	setsockopt(p.cfd, SOL_QUIC, QUIC_SOCKOPT_ALPN, "smb,h3", 6);
	setsockopt(p.sfd, SOL_QUIC, QUIC_SOCKOPT_ALPN, "h3", 2);
	pair_run(&p, &c, &s);
	ret = check_ok(&p, &c, &s);
	if (!ret && strcmp(p.s.alpn, "h3"))
		ret = failf("server socket ALPN '%s', want 'h3'", p.s.alpn);
	pair_close(&p);
	return ret;
}

static int t_alpn_mismatch(void)
{
	struct side c = { .fn = client_files, .alpns = "foo" };
	struct side s = { .fn = server_files, .pkey = key_file, .cert = cert_file, .alpns = "bar" };
	struct pair p;
	int ret = 0;

	if (pair_open(&p, 0))
		return -1;
	pair_run(&p, &c, &s);
	if (s.ret != -EPROTO)
		ret = failf("server returned %d, want -EPROTO", s.ret);
	else if (c.ret >= 0)
		ret = failf("client returned %d, want an error", c.ret);
	else if (!p.s.close_set || p.s.close_errcode != QUIC_TRANSPORT_ERROR_CRYPTO + 120)
		ret = failf("server close error 0x%x, want 0x178 (no_application_protocol)",
			    p.s.close_errcode);
	else if (!strstr(log_all, "ALPN"))
		ret = failf("no ALPN log line: %s", log_all);
	pair_close(&p);
	return ret;
}

static int expect_psk_failure(const char *client_file, const char *server_file)
{
	struct side c = { .fn = client_files, .pkey = client_file };
	struct side s = { .fn = server_files, .pkey = server_file };
	struct pair p;
	int ret = 0;

	if (pair_open(&p, 0))
		return -1;
	pair_run(&p, &c, &s);
	if (s.ret != -EPROTO)
		ret = failf("server returned %d, want -EPROTO", s.ret);
	else if (c.ret >= 0)
		ret = failf("client returned %d, want a negative errno", c.ret);
	pair_close(&p);
	return ret;
}

static int t_psk_wrong_key(void)
{
	return expect_psk_failure(psk_file, psk_bad_key_file);
}

static int t_psk_unknown_identity(void)
{
	int ret = expect_psk_failure(psk_other_id_file, psk_file);

	if (!ret && !strstr(log_all, "unknown PSK identity 'other'"))
		ret = failf("no 'unknown PSK identity' log line: %s", log_all);
	return ret;
}

/* The peer sent no transport parameters: fail with missing_extension. */
static int t_missing_transport_params(void)
{
	struct side c = { .fn = client_files, .pkey = psk_file };
	struct side s = { .fn = server_files, .pkey = psk_file };
	struct pair p;
	int ret = 0;

	if (pair_open(&p, 0))
		return -1;
	fake_set_tp(p.sfd, NULL, 0);
	pair_run(&p, &c, &s);
	if (c.ret != -EPROTO)
		ret = failf("client returned %d, want -EPROTO", c.ret);
	else if (p.c.close_errcode != QUIC_TRANSPORT_ERROR_CRYPTO + 109)
		ret = failf("client close error 0x%x, want 0x16d", p.c.close_errcode);
	pair_close(&p);
	return ret;
}

struct cipher_case {
	const char *prio;
	uint32_t type;
};

static const struct cipher_case ciphers[] = {
	{ "+AES-128-GCM", TLS_CIPHER_AES_GCM_128 },
	{ "+AES-256-GCM", TLS_CIPHER_AES_GCM_256 },
	{ "+CHACHA20-POLY1305", TLS_CIPHER_CHACHA20_POLY1305 },
	{ "+AES-128-CCM", TLS_CIPHER_AES_CCM_128 },
};

/* Force each cipher with a caller-configured priority string (quic_handshake) */
static int t_cipher_priority(void)
{
	size_t i;

	for (i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++) {
		struct side c = { .fn = client_custom, .ciphers = ciphers[i].prio };
		struct side s = { .fn = server_custom, .ciphers = ciphers[i].prio };
		struct pair p;
		uint32_t type = 0;
		int ret;

		if (pair_open(&p, 0))
			return -1;
		pair_run(&p, &c, &s);
		ret = check_ok(&p, &c, &s);
		if (!ret)
			check_secrets(&p, &type);
		pair_close(&p);
		if (ret) {
			char why[sizeof(fail_reason)];

			snprintf(why, sizeof(why), "%s", fail_reason);
			return failf("%s: %s", ciphers[i].prio, why);
		}
		if (type != ciphers[i].type)
			return failf("%s: installed type %u, want %u", ciphers[i].prio, type,
				     ciphers[i].type);
	}
	return 0;
}

/* Force each cipher with the sockets' config.payload_cipher_type (file API) */
static int t_cipher_config(void)
{
	size_t i;

	for (i = 0; i < sizeof(ciphers) / sizeof(ciphers[0]); i++) {
		struct side c = { .fn = client_files };
		struct side s = { .fn = server_files, .pkey = key_file, .cert = cert_file };
		struct pair p;
		uint32_t type = 0;
		int ret;

		if (pair_open(&p, 0))
			return -1;
		set_config(p.cfd, ciphers[i].type, 0);
		set_config(p.sfd, ciphers[i].type, 0);
		pair_run(&p, &c, &s);
		ret = check_ok(&p, &c, &s);
		if (!ret)
			check_secrets(&p, &type);
		pair_close(&p);
		if (ret) {
			char why[sizeof(fail_reason)];

			snprintf(why, sizeof(why), "%s", fail_reason);
			return failf("%s: %s", ciphers[i].prio, why);
		}
		if (type != ciphers[i].type)
			return failf("%s: installed type %u, want %u", ciphers[i].prio, type,
				     ciphers[i].type);
	}
	return 0;
}

/* Step API on non-blocking sockets, each side polling in its own thread */
static int t_step_api_nonblocking(void)
{
	struct side c = { .fn = client_custom, .use_steps = 1, .alpns = "h3" };
	struct side s = { .fn = server_custom, .use_steps = 1, .alpns = "h3" };
	struct pair p;
	int ret;

	if (pair_open(&p, 1))
		return -1;
	pair_run(&p, &c, &s);
	ret = check_ok(&p, &c, &s);
	pair_close(&p);
	return ret;
}

/* Step API: both handshakes interleaved in ONE thread on non-blocking
 * sockets; this only terminates if the library never blocks.
 */
static int t_step_api_single_thread(void)
{
	gnutls_certificate_credentials_t ccred, scred;
	gnutls_session_t cs, ss;
	struct quic_handshake_step *step[2];
	gnutls_session_t sess[2];
	int fd[2], ret[2], done[2] = { 0, 0 }, iter, rc = 0;
	struct pair p;

	if (pair_open(&p, 1))
		return -1;
	gnutls_certificate_allocate_credentials(&ccred);
	gnutls_certificate_allocate_credentials(&scred);
	gnutls_certificate_set_x509_key_file(scred, cert_file, key_file, GNUTLS_X509_FMT_PEM);
	gnutls_init(&cs, GNUTLS_CLIENT | GNUTLS_NO_END_OF_EARLY_DATA);
	gnutls_init(&ss, GNUTLS_SERVER | GNUTLS_NO_END_OF_EARLY_DATA);
	set_priority(cs, NULL);
	set_priority(ss, NULL);
	gnutls_credentials_set(cs, GNUTLS_CRD_CERTIFICATE, ccred);
	gnutls_credentials_set(ss, GNUTLS_CRD_CERTIFICATE, scred);
	gnutls_transport_set_int(cs, p.cfd);
	gnutls_transport_set_int(ss, p.sfd);
	sess[0] = ss;
	sess[1] = cs;
	fd[0] = p.sfd;
	fd[1] = p.cfd;
	ret[0] = quic_handshake_init(ss, &step[0]);
	ret[1] = quic_handshake_init(cs, &step[1]);
	for (iter = 0; iter < 10000 && !(done[0] && done[1]); iter++) {
		int i;

		for (i = 0; i < 2; i++) {
			ssize_t r;

			if (done[i])
				continue;
			if (ret[i] || !step[i]) {
				done[i] = 1;
				continue;
			}
			if (step[i]->op == QUIC_HANDSHAKE_STEP_OP_SENDMSG) {
				r = sendmsg(fd[i], step[i]->s_sendmsg.msg, step[i]->s_sendmsg.flags);
				step[i]->s_sendmsg.retval = r < 0 ? -errno : r;
			} else {
				r = recvmsg(fd[i], step[i]->s_recvmsg.msg, step[i]->s_recvmsg.flags);
				step[i]->s_recvmsg.retval = r < 0 ? -errno : r;
			}
			ret[i] = quic_handshake_step(sess[i], &step[i]);
		}
	}
	if (!(done[0] && done[1]))
		rc = failf("handshake did not finish in 10000 steps");
	else if (ret[0] || ret[1])
		rc = failf("server %d, client %d", ret[0], ret[1]);
	quic_handshake_deinit(cs);
	quic_handshake_deinit(ss);
	gnutls_deinit(cs);
	gnutls_deinit(ss);
	gnutls_certificate_free_credentials(ccred);
	gnutls_certificate_free_credentials(scred);
	if (!rc) {
		fake_get(p.cfd, &p.c);
		fake_get(p.sfd, &p.s);
		if (check_secrets(&p, NULL) || check_tp(&p))
			rc = -1;
	}
	pair_close(&p);
	return rc;
}

/* quic_handshake() and the file API on non-blocking sockets */
static int t_blocking_api_nonblocking_socket(void)
{
	struct side c = { .fn = client_files, .pkey = psk_file };
	struct side s = { .fn = server_files, .pkey = psk_file };
	struct pair p;
	int ret;

	if (pair_open(&p, 1))
		return -1;
	pair_run(&p, &c, &s);
	ret = check_ok(&p, &c, &s);
	pair_close(&p);
	return ret;
}

static gnutls_datum_t ticket_key;

/* Resumption with caller-configured sessions: quic_session_get_data()
 * after the first handshake, quic_session_set_data() before the second,
 * which GnuTLS reports as resumed.
 */
static int t_resumption_session_data(void)
{
	struct side c = { .fn = client_custom };
	struct side s = { .fn = server_custom, .ticket_key = &ticket_key };
	struct side c2 = { .fn = client_custom };
	struct side s2 = { .fn = server_custom, .ticket_key = &ticket_key };
	struct pair p;
	int ret;

	if (pair_open(&p, 0))
		return -1;
	set_config(p.cfd, 0, 5);	/* wait up to 5 s for the ticket */
	pair_run(&p, &c, &s);
	ret = check_ok(&p, &c, &s);
	pair_close(&p);
	if (ret)
		return ret;
	if (c.resumed)
		return failf("first handshake resumed");
	if (c.get_data_ret || !c.data_out_len)
		return failf("quic_session_get_data: %d, %zu bytes", c.get_data_ret,
			     c.data_out_len);
	if (c.small_ret != -ENOSPC || c.small_size != c.data_out_len)
		return failf("quic_session_get_data into 1 byte: %d, size %zu (want -ENOSPC, %zu)",
			     c.small_ret, c.small_size, c.data_out_len);
	if (!p.c.ticket_len)
		return failf("no session ticket stored on the client socket");

	c2.data_in = c.data_out;
	c2.data_in_len = c.data_out_len;
	if (pair_open(&p, 0))
		return -1;
	pair_run(&p, &c2, &s2);
	ret = check_ok(&p, &c2, &s2);
	pair_close(&p);
	if (ret)
		return ret;
	if (!c2.resumed || !s2.resumed)
		return failf("second handshake not resumed (client %d, server %d)", c2.resumed,
			     s2.resumed);
	return 0;
}

/* 0-RTT: a client resuming with a ticket that allows early data installs
 * an EARLY send secret, equal to the server's EARLY receive secret.
 */
static int t_resumption_early_secret(void)
{
	struct side c = { .fn = client_custom };
	struct side s = { .fn = server_custom, .ticket_key = &ticket_key, .early = 1 };
	struct side c2 = { .fn = client_custom };
	struct side s2 = { .fn = server_custom, .ticket_key = &ticket_key, .early = 1 };
	const struct fake_secret *cs, *ss;
	struct pair p;
	int ret;

	if (pair_open(&p, 0))
		return -1;
	set_config(p.cfd, 0, 5);
	pair_run(&p, &c, &s);
	ret = check_ok(&p, &c, &s);
	pair_close(&p);
	if (ret)
		return ret;
	c2.data_in = c.data_out;
	c2.data_in_len = c.data_out_len;
	if (pair_open(&p, 0))
		return -1;
	pair_run(&p, &c2, &s2);
	ret = check_ok(&p, &c2, &s2);
	cs = &p.c.secrets[QUIC_CRYPTO_EARLY][1];
	ss = &p.s.secrets[QUIC_CRYPTO_EARLY][0];
	if (!ret && !c2.resumed)
		ret = failf("not resumed");
	else if (!ret && (!cs->set || !ss->set))
		ret = failf("early secret installed: client send %d, server receive %d",
			    cs->set, ss->set);
	else if (!ret && (memcmp(cs->secret, ss->secret, sizeof(cs->secret)) ||
			  cs->type != ss->type))
		ret = failf("client and server early secrets differ");
	pair_close(&p);
	return ret;
}

/* Resumption with the file API: the server takes the ticket key from its
 * socket, the client stores the session data on its socket after the
 * handshake (receive_session_ticket) and resumes from it; a resumed
 * handshake sends no certificate, so the server sends far fewer bytes.
 */
static int t_resumption_socket_ticket(void)
{
	struct side c = { .fn = client_files };
	struct side s = { .fn = server_files, .pkey = key_file, .cert = cert_file };
	struct fake_sock first;
	struct pair p;
	int ret;

	if (pair_open(&p, 0))
		return -1;
	setsockopt(p.sfd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, ticket_key.data, ticket_key.size);
	set_config(p.cfd, 0, 5);
	pair_run(&p, &c, &s);
	ret = check_ok(&p, &c, &s);
	first = p.c;
	pair_close(&p);
	if (ret)
		return ret;
	if (!first.ticket_len)
		return failf("no session ticket stored on the client socket");

	if (pair_open(&p, 0))
		return -1;
	setsockopt(p.sfd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, ticket_key.data, ticket_key.size);
	setsockopt(p.cfd, SOL_QUIC, QUIC_SOCKOPT_SESSION_TICKET, first.ticket, first.ticket_len);
	{
		struct side c2 = { .fn = client_files };
		struct side s2 = { .fn = server_files, .pkey = key_file, .cert = cert_file };
		size_t full = 0, resumed;

		pair_run(&p, &c2, &s2);
		ret = check_ok(&p, &c2, &s2);
		resumed = p.s.hs_bytes_sent[QUIC_CRYPTO_HANDSHAKE];
		pair_close(&p);
		if (ret)
			return ret;
		if (pair_open(&p, 0))
			return -1;
		{
			struct side c3 = { .fn = client_files };
			struct side s3 = { .fn = server_files, .pkey = key_file, .cert = cert_file };

			pair_run(&p, &c3, &s3);
			full = p.s.hs_bytes_sent[QUIC_CRYPTO_HANDSHAKE];
			pair_close(&p);
		}
		if (resumed * 2 > full)
			return failf("resumed handshake sent %zu bytes, full one %zu: not resumed",
				     resumed, full);
	}
	return 0;
}

/* A server without a ticket key set on its socket: does the client that
 * waits for a ticket still finish?
 */
static int t_ticket_wait_without_key(void)
{
	struct side c = { .fn = client_files, .pkey = psk_file };
	struct side s = { .fn = server_files, .pkey = psk_file };
	struct pair p;
	int ret;

	if (pair_open(&p, 0))
		return -1;
	set_config(p.cfd, 0, 1);
	pair_run(&p, &c, &s);
	ret = check_ok(&p, &c, &s);
	pair_close(&p);
	return ret;
}

static int t_session_data_api(void)
{
	gnutls_session_t session;
	unsigned char junk[32] = { 1, 2, 3 };
	char alpn[16];
	size_t len = sizeof(alpn);
	int ret = 0;

	gnutls_init(&session, GNUTLS_CLIENT);
	if (quic_session_set_data(session, junk, sizeof(junk)) != -EINVAL)
		ret = failf("set_data(junk) did not return -EINVAL");
	else if (quic_session_get_alpn(session, alpn, &len) != -ENODATA)
		ret = failf("get_alpn before a handshake did not return -ENODATA");
	else if (quic_session_set_alpn(session, "h3,,x", 5) != -EINVAL)
		ret = failf("set_alpn with an empty name did not return -EINVAL");
	else if (quic_session_set_alpn(session, "a, b ,c", 7) != 0)
		ret = failf("set_alpn 'a, b ,c' failed");
	else if (quic_session_set_data(NULL, junk, 1) != -EINVAL ||
		 quic_session_get_data(session, NULL, NULL) != -EINVAL)
		ret = failf("NULL arguments not rejected with -EINVAL");
	gnutls_deinit(session);
	return ret;
}

/* Kernel-reported errors come back as the library's return value */
static int t_recv_timeout(void)
{
	struct side c = { .fn = client_files, .pkey = psk_file };
	struct pair p;
	int ret = 0;

	if (pair_open(&p, 0))
		return -1;
	fake_set_recv_errno(p.cfd, ETIMEDOUT);
	c.fd = p.cfd;
	c.ret = client_files(&c);
	if (c.ret != -ETIMEDOUT)
		ret = failf("client returned %d, want -ETIMEDOUT", c.ret);
	pair_close(&p);
	return ret;
}

static int t_secret_rejected(void)
{
	struct side c = { .fn = client_files, .pkey = psk_file };
	struct side s = { .fn = server_files, .pkey = psk_file };
	struct pair p;
	int ret = 0;

	if (pair_open(&p, 0))
		return -1;
	fake_set_secret_errno(p.sfd, EKEYREJECTED);
	pair_run(&p, &c, &s);
	if (s.ret != -EKEYREJECTED)
		ret = failf("server returned %d, want -EKEYREJECTED", s.ret);
	else if (c.ret >= 0)
		ret = failf("client returned %d, want an error", c.ret);
	pair_close(&p);
	return ret;
}

/* Bad inputs: one call, one clear errno, one log line naming the problem */
static int expect_bad(int ret, int want, const char *needle)
{
	if (ret != want)
		return failf("returned %d (%s), want %d (%s)", ret, strerror(-ret), want,
			     strerror(-want));
	if (log_lines != 1)
		return failf("%d log lines, want 1: %s", log_lines, log_all);
	if (!strstr(log_last, needle))
		return failf("log line '%s' does not mention '%s'", log_last, needle);
	return 0;
}

static int t_bad_missing_psk_file(void)
{
	struct pair p;
	int ret;

	if (pair_open(&p, 0))
		return -1;
	ret = expect_bad(quic_client_handshake(p.cfd, "/nonexistent/psk.txt", NULL, NULL),
			 -ENOENT, "/nonexistent/psk.txt");
	log_reset();
	if (!ret)
		ret = expect_bad(quic_server_handshake(p.sfd, "/nonexistent/psk.txt", NULL, NULL),
				 -ENOENT, "/nonexistent/psk.txt");
	pair_close(&p);
	return ret;
}

static int t_bad_malformed_psk(void)
{
	struct pair p;
	int ret;

	if (pair_open(&p, 0))
		return -1;
	ret = expect_bad(quic_client_handshake(p.cfd, psk_malformed_file, NULL, NULL),
			 -EINVAL, "line 2");
	log_reset();
	if (!ret)
		ret = expect_bad(quic_server_handshake(p.sfd, psk_empty_file, NULL, NULL),
				 -EINVAL, "no identity:hexkey");
	pair_close(&p);
	return ret;
}

static int t_bad_missing_cert(void)
{
	struct pair p;
	int ret;

	if (pair_open(&p, 0))
		return -1;
	ret = expect_bad(quic_server_handshake(p.sfd, key_file, "/nonexistent/cert.pem", NULL),
			 -ENOENT, "/nonexistent/cert.pem");
	log_reset();
	if (!ret)
		ret = expect_bad(quic_server_handshake(p.sfd, "/nonexistent/key.pem", cert_file,
						       NULL), -ENOENT, "/nonexistent/key.pem");
	log_reset();
	if (!ret)
		ret = expect_bad(quic_server_handshake(p.sfd, NULL, cert_file, NULL),
				 -EINVAL, "private key");
	log_reset();
	if (!ret)
		ret = expect_bad(quic_server_handshake(p.sfd, ca_file, cert_file, NULL),
				 -EINVAL, "cannot load certificate");
	pair_close(&p);
	return ret;
}

static int t_bad_args(void)
{
	struct quic_handshake_step step;
	struct quic_handshake_step *pstep = &step;
	gnutls_session_t session;
	struct pair p;
	int ret = 0;

	if (quic_client_handshake(-1, psk_file, NULL, NULL) != -EBADF)
		return failf("sockfd -1 not rejected with -EBADF");
	if (quic_handshake_init(NULL, &pstep) != -EINVAL)
		return failf("quic_handshake_init(NULL) not -EINVAL");
	gnutls_init(&session, GNUTLS_CLIENT);
	if (quic_handshake_step(session, &pstep) != -EINVAL)
		ret = failf("quic_handshake_step without init not -EINVAL");
	gnutls_deinit(session);
	if (ret)
		return ret;
	if (pair_open(&p, 0))
		return -1;
	set_config(p.cfd, 12345, 0);
	log_reset();
	ret = expect_bad(quic_client_handshake(p.cfd, psk_file, NULL, NULL), -EINVAL,
			 "payload_cipher_type");
	log_reset();
	set_config(p.cfd, 0, 0);
	if (!ret)
		ret = expect_bad(quic_client_handshake(p.cfd, psk_file, NULL, " ,h3"), -EINVAL,
				 "ALPN");
	pair_close(&p);
	return ret;
}

/* quic_handshake_deinit() in the middle, and gnutls_deinit() without it */
static int t_deinit_midway(void)
{
	gnutls_certificate_credentials_t cred;
	struct quic_handshake_step *step;
	gnutls_session_t session;
	struct pair p;
	int ret = 0;

	if (pair_open(&p, 0))
		return -1;
	gnutls_certificate_allocate_credentials(&cred);
	gnutls_init(&session, GNUTLS_CLIENT);
	set_priority(session, NULL);
	gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_transport_set_int(session, p.cfd);
	if (quic_handshake_init(session, &step) || !step ||
	    step->op != QUIC_HANDSHAKE_STEP_OP_SENDMSG)
		ret = failf("client init did not ask for a sendmsg");
	quic_handshake_deinit(session);
	if (!ret && quic_handshake_step(session, &step) != -EINVAL)
		ret = failf("step after deinit not -EINVAL");
	if (!ret && (quic_handshake_init(session, &step) || !step))
		ret = failf("init again failed");
	gnutls_deinit(session);	/* frees the second init's state */
	gnutls_certificate_free_credentials(cred);
	pair_close(&p);
	return ret;
}

static int t_stream_wrappers(void)
{
	char buf[64];
	int64_t sid = -5;
	uint32_t flags = 0;
	struct pair p;
	ssize_t n;
	int ret = 0;

	if (pair_open(&p, 0))
		return -1;
	n = quic_sendmsg(p.cfd, "hello", 5, 4, MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN);
	if (n != 5)
		ret = failf("quic_sendmsg returned %zd", n);
	if (!ret) {
		n = quic_recvmsg(p.sfd, buf, sizeof(buf), &sid, &flags);
		if (n != 5 || memcmp(buf, "hello", 5))
			ret = failf("quic_recvmsg returned %zd", n);
		else if (sid != 4)
			ret = failf("stream id %lld, want 4", (long long)sid);
		else if (!(flags & MSG_QUIC_STREAM_FIN) || !(flags & MSG_EOR))
			ret = failf("flags 0x%x lack FIN or EOR", flags);
	}
	if (!ret) {
		flags = MSG_DONTWAIT;
		n = quic_recvmsg(p.sfd, buf, sizeof(buf), &sid, &flags);
		if (n != -1 || errno != EAGAIN)
			ret = failf("empty non-blocking quic_recvmsg: %zd errno %d", n, errno);
	}
	pair_close(&p);
	return ret;
}

static void counting_log(int level, const char *msg)
{
	(void)level;
	(void)msg;
}

static int t_log_api(void)
{
	quic_set_log_func_t prev;
	int old;

	prev = quic_set_log_func(counting_log);
	if (prev != log_capture)
		return failf("quic_set_log_func did not return the previous function");
	prev = quic_set_log_func(NULL);
	if (prev != counting_log)
		return failf("second quic_set_log_func returned the wrong function");
	if (quic_set_log_func(log_capture) == NULL)
		return failf("NULL did not restore a default function");
	if (quic_set_log_level(99) != -EINVAL || quic_set_log_level(-1) != -EINVAL)
		return failf("invalid levels not rejected");
	old = quic_set_log_level(LOG_DEBUG);
	if (old != (getenv("LIBQUIC_TEST_VERBOSE") ? LOG_DEBUG : LOG_ERR))
		return failf("default level %d, want LOG_ERR", old);
	if (quic_set_log_level(old) != LOG_DEBUG)
		return failf("quic_set_log_level did not return the previous level");
	return 0;
}

/* ---- setup ---- */

static int write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (!fp)
		return -1;
	fputs(text, fp);
	return fclose(fp);
}

int main(int argc, char **argv)
{
	static const char *tmp_psk = "libquic-test-psk";
	char dir[400];

	if (argc != 2) {
		fprintf(stderr, "usage: %s CERTDIR\n", argv[0]);
		return 2;
	}
	certdir = argv[1];
	snprintf(ca_file, sizeof(ca_file), "%s/ca.pem", certdir);
	snprintf(cert_file, sizeof(cert_file), "%s/server.pem", certdir);
	snprintf(key_file, sizeof(key_file), "%s/server.key", certdir);
	have_certs = !access(ca_file, R_OK) && !access(cert_file, R_OK) &&
		     !access(key_file, R_OK);

	snprintf(dir, sizeof(dir), "%s/%s", certdir, tmp_psk);
	if (access(certdir, W_OK)) {
		fprintf(stderr, "%s is not writable\n", certdir);
		return 2;
	}
	snprintf(psk_file, sizeof(psk_file), "%s-good", dir);
	snprintf(psk_bad_key_file, sizeof(psk_bad_key_file), "%s-badkey", dir);
	snprintf(psk_other_id_file, sizeof(psk_other_id_file), "%s-otherid", dir);
	snprintf(psk_malformed_file, sizeof(psk_malformed_file), "%s-malformed", dir);
	snprintf(psk_empty_file, sizeof(psk_empty_file), "%s-empty", dir);
	if (write_file(psk_file, "# test keys\n\nclient1:00112233445566778899aabbccddeeff\n"
		       "client2:ffeeddccbbaa99887766554433221100\n") ||
	    write_file(psk_bad_key_file, "client1:00112233445566778899aabbccddeefe\n") ||
	    write_file(psk_other_id_file, "other:00112233445566778899aabbccddeeff\n") ||
	    write_file(psk_malformed_file, "client1:0011\nclient2 0011\n") ||
	    write_file(psk_empty_file, "# nothing\n")) {
		fprintf(stderr, "cannot write PSK files in %s\n", certdir);
		return 2;
	}

	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	quic_set_log_func(log_capture);
	if (getenv("LIBQUIC_TEST_VERBOSE"))
		quic_set_log_level(LOG_DEBUG);
	gnutls_session_ticket_key_generate(&ticket_key);
	gnutls_anti_replay_init(&anti_replay);
	gnutls_anti_replay_set_add_function(anti_replay, anti_replay_add);

	run_test("psk_handshake", t_psk_handshake, 0);
	run_test("x509_handshake_no_verify", t_x509_handshake, 1);
	run_test("x509_verify_ca_file", t_x509_verify_ca, 1);
	run_test("x509_verify_wrong_hostname", t_x509_verify_wrong_host, 1);
	run_test("x509_untrusted_by_system_store", t_x509_untrusted_system, 1);
	run_test("alpn_negotiation", t_alpn_negotiation, 1);
	run_test("alpn_from_socket_option", t_alpn_from_socket, 1);
	run_test("alpn_mismatch", t_alpn_mismatch, 1);
	run_test("psk_wrong_key", t_psk_wrong_key, 0);
	run_test("psk_unknown_identity", t_psk_unknown_identity, 0);
	run_test("missing_transport_params", t_missing_transport_params, 0);
	run_test("cipher_forced_by_priority", t_cipher_priority, 1);
	run_test("cipher_forced_by_socket_config", t_cipher_config, 1);
	run_test("step_api_nonblocking_threads", t_step_api_nonblocking, 1);
	run_test("step_api_single_thread", t_step_api_single_thread, 1);
	run_test("quic_handshake_nonblocking_socket", t_blocking_api_nonblocking_socket, 0);
	run_test("resumption_session_data", t_resumption_session_data, 1);
	run_test("resumption_early_secret", t_resumption_early_secret, 1);
	run_test("resumption_socket_ticket", t_resumption_socket_ticket, 1);
	run_test("ticket_wait_without_key", t_ticket_wait_without_key, 0);
	run_test("session_data_alpn_api", t_session_data_api, 0);
	run_test("recv_timeout_returned", t_recv_timeout, 0);
	run_test("secret_rejected_by_kernel", t_secret_rejected, 0);
	run_test("bad_missing_psk_file", t_bad_missing_psk_file, 0);
	run_test("bad_malformed_psk_file", t_bad_malformed_psk, 0);
	run_test("bad_missing_cert_or_key", t_bad_missing_cert, 1);
	run_test("bad_arguments", t_bad_args, 0);
	run_test("deinit_midway", t_deinit_midway, 0);
	run_test("stream_sendmsg_recvmsg", t_stream_wrappers, 0);
	run_test("log_api", t_log_api, 0);

	gnutls_free(ticket_key.data);
	gnutls_anti_replay_deinit(anti_replay);
	unlink(psk_file);
	unlink(psk_bad_key_file);
	unlink(psk_other_id_file);
	unlink(psk_malformed_file);
	unlink(psk_empty_file);
	printf("%d passed, %d failed, %d skipped\n", n_pass, n_fail, n_skip);
	return n_fail ? 1 : 0;
}
