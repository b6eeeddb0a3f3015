// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * quic-echo-client: connects to an echo server over an in-kernel QUIC socket,
 * runs the TLS handshake with libquic, sends data on one bidirectional
 * stream and checks that the same bytes come back (length and SHA-256).
 *
 *   quic-echo-client --port P (--psk FILE | --ca FILE [--sni NAME] |
 *                    --system-trust --sni NAME) [options]
 *
 * Credentials (exactly one):
 *   --psk FILE        pre-shared key ("identity:hexkey"; the first line is
 *                     used): quic_client_handshake(fd, FILE, NULL, alpns)
 *   --ca FILE         X.509, the server certificate verified against the CA
 *                     certificates in FILE and against --sni (default: the
 *                     --addr literal, matched with the IP SANs), on a GnuTLS
 *                     session configured here: quic_handshake(session)
 *   --system-trust    X.509 against the system trust store and --sni:
 *                     quic_client_handshake(fd, NULL, NAME, alpns)
 * Options:
 *   --addr A          server IPv4 or IPv6 literal (default 127.0.0.1)
 *   --port P          server UDP port (required)
 *   --sni NAME        server name to send and verify
 *   --alpn LIST       comma-separated ALPNs to offer (default "echo";
 *                     "none" offers none)
 *   --v2              QUIC version 2 (QUIC_SOCKOPT_CONFIG before connect)
 *   --stream          SOCK_STREAM socket instead of SOCK_DGRAM
 *   --size BYTES      bytes to echo (default 1024; K and M suffixes: KiB, MiB)
 *   --repeat N        N sequential connections, each a full handshake; ends
 *                     with min/median/max handshake time
 *   --no-data         handshake only, then close
 *   --expect-fail     succeed (exit 0) only if the handshake fails
 *   --hold SEC        keep the connection open SEC seconds after the echo
 *   --timeout SEC     give up on a handshake after SEC seconds, on the echo
 *                     after SEC seconds without progress (default 60; 0: never)
 *   --verbose         libquic debug log on stderr
 *
 * Output (stdout), per connection:
 *   handshake ok 1234 us alpn=echo version=v1
 *   echo ok 1024 bytes sha256=<hex> 1.2 ms
 * with --repeat N at the end:
 *   handshakes: N ok, min A us, median B us, max C us
 * with --expect-fail:
 *   handshake failed as expected: Protocol error (errno 71) after 1234 us
 * Errors are one line on stderr. Exit status: 0 success, 1 failure, 2 bad
 * options or files.
 */

#include <getopt.h>
#include <syslog.h>

#include "common.h"

#define CHUNK		65536
#define SIZE_MAX_ECHO	(256ULL << 20)
#define RECV_SLACK	65536	/* room to notice a server sending too much */

#define QUIC_PRIORITY \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+ECDHE-PSK:+PSK:-CIPHER-ALL:+AES-128-GCM:" \
	"+AES-256-GCM:+CHACHA20-POLY1305:+AES-128-CCM:-GROUP-ALL:+GROUP-X25519:" \
	"+GROUP-SECP256R1:+GROUP-SECP384R1:+GROUP-SECP521R1:%DISABLE_TLS13_COMPAT_MODE"

struct opts {
	const char *addr;
	unsigned int port;
	const char *psk;
	const char *ca;
	const char *sni;
	int system_trust;
	const char *alpn;	/* NULL: none */
	int v2;
	int type;
	size_t size;
	unsigned int repeat;
	int no_data;
	int expect_fail;
	unsigned int hold;
	unsigned int timeout;
	int verbose;
};

static gnutls_certificate_credentials_t ca_cred;

static void usage(FILE *out, int status)
{
	fprintf(out,
		"usage: quic-echo-client --port P (--psk FILE | --ca FILE [--sni NAME] |\n"
		"                        --system-trust --sni NAME)\n"
		"       [--addr A] [--alpn LIST|none] [--v2] [--stream] [--size BYTES]\n"
		"       [--repeat N] [--no-data] [--expect-fail] [--hold SEC]\n"
		"       [--timeout SEC] [--verbose]\n");
	exit(status);
}

static size_t parse_size(const char *s)
{
	char num[32];
	size_t len = strlen(s);
	unsigned long long mult = 1, v;

	if (len && len < sizeof(num) && strchr("kKmM", s[len - 1])) {
		mult = (s[len - 1] == 'k' || s[len - 1] == 'K') ? 1024 : 1024 * 1024;
		memcpy(num, s, len - 1);
		num[len - 1] = '\0';
		s = num;
	}
	v = parse_num("--size", s, 0, SIZE_MAX_ECHO / mult);
	return (size_t)(v * mult);
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	enum { O_ADDR = 256, O_PORT, O_PSK, O_CA, O_SNI, O_SYSTRUST, O_ALPN, O_V2,
	       O_STREAM, O_SIZE, O_REPEAT, O_NODATA, O_EXPECTFAIL, O_HOLD,
	       O_TIMEOUT, O_VERBOSE, O_HELP };
	static const struct option longopts[] = {
		{ "addr", required_argument, NULL, O_ADDR },
		{ "port", required_argument, NULL, O_PORT },
		{ "psk", required_argument, NULL, O_PSK },
		{ "ca", required_argument, NULL, O_CA },
		{ "sni", required_argument, NULL, O_SNI },
		{ "system-trust", no_argument, NULL, O_SYSTRUST },
		{ "alpn", required_argument, NULL, O_ALPN },
		{ "v2", no_argument, NULL, O_V2 },
		{ "stream", no_argument, NULL, O_STREAM },
		{ "size", required_argument, NULL, O_SIZE },
		{ "repeat", required_argument, NULL, O_REPEAT },
		{ "no-data", no_argument, NULL, O_NODATA },
		{ "expect-fail", no_argument, NULL, O_EXPECTFAIL },
		{ "hold", required_argument, NULL, O_HOLD },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "verbose", no_argument, NULL, O_VERBOSE },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	int c, creds;

	memset(o, 0, sizeof(*o));
	o->addr = "127.0.0.1";
	o->alpn = "echo";
	o->type = SOCK_DGRAM;
	o->size = 1024;
	o->repeat = 1;
	o->timeout = 60;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_ADDR: o->addr = optarg; break;
		case O_PORT: o->port = (unsigned int)parse_num("--port", optarg, 1, 65535); break;
		case O_PSK: o->psk = optarg; break;
		case O_CA: o->ca = optarg; break;
		case O_SNI: o->sni = optarg; break;
		case O_SYSTRUST: o->system_trust = 1; break;
		case O_ALPN: o->alpn = strcmp(optarg, "none") ? optarg : NULL; break;
		case O_V2: o->v2 = 1; break;
		case O_STREAM: o->type = SOCK_STREAM; break;
		case O_SIZE: o->size = parse_size(optarg); break;
		case O_REPEAT:
			o->repeat = (unsigned int)parse_num("--repeat", optarg, 1, 1000000);
			break;
		case O_NODATA: o->no_data = 1; break;
		case O_EXPECTFAIL: o->expect_fail = 1; break;
		case O_HOLD: o->hold = (unsigned int)parse_num("--hold", optarg, 0, 3600); break;
		case O_TIMEOUT:
			o->timeout = (unsigned int)parse_num("--timeout", optarg, 0, 86400);
			break;
		case O_VERBOSE: o->verbose = 1; break;
		case O_HELP: usage(stdout, 0); break;
		default:
			if (optopt >= O_ADDR)
				die(EXIT_USAGE, "option '%s' needs a value", argv[optind - 1]);
			die(EXIT_USAGE, "unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		die(EXIT_USAGE, "unexpected argument '%s' (see --help)", argv[optind]);
	if (!o->port)
		die(EXIT_USAGE, "--port is required");
	creds = !!o->psk + !!o->ca + o->system_trust;
	if (creds != 1)
		die(EXIT_USAGE, "give exactly one of --psk FILE, --ca FILE, --system-trust");
	if (o->psk && o->sni)
		die(EXIT_USAGE, "--sni is for X.509 (--ca or --system-trust), not --psk");
	if (o->system_trust && !o->sni)
		die(EXIT_USAGE, "--system-trust needs --sni NAME");
	if (o->alpn)
		check_alpn_list(o->alpn);
	if (o->psk)
		check_readable("PSK", o->psk);
	(void)parse_addr(o->addr, o->port, &(struct sockaddr_storage){ 0 });
}

/* The CA file, loaded once for every connection. */
static void load_ca(const char *path)
{
	int ret;

	check_readable("CA", path);
	ret = gnutls_certificate_allocate_credentials(&ca_cred);
	if (ret)
		die(1, "cannot allocate certificate credentials: %s", gnutls_strerror(ret));
	ret = gnutls_certificate_set_x509_trust_file(ca_cred, path, GNUTLS_X509_FMT_PEM);
	if (ret <= 0)
		ret = gnutls_certificate_set_x509_trust_file(ca_cred, path, GNUTLS_X509_FMT_DER);
	if (ret <= 0)
		die(EXIT_USAGE, "no CA certificate in '%s'%s%s", path, ret < 0 ? ": " : "",
		    ret < 0 ? gnutls_strerror(ret) : "");
}

/* X.509 handshake on a session configured here (the caller-configured
 * session API): CA file, SNI and verification name, ALPN. The selected ALPN
 * goes to @alpn.
 */
static int handshake_ca(int fd, const struct opts *o, char *alpn, size_t alpn_size)
{
	const char *name = o->sni ? o->sni : o->addr;
	gnutls_session_t session;
	const char *errpos = NULL;
	size_t len;
	int ret;

	ret = gnutls_init(&session, GNUTLS_CLIENT);
	if (ret) {
		fprintf(stderr, "%s: gnutls_init: %s\n", prog_name, gnutls_strerror(ret));
		return -ENOMEM;
	}
	ret = gnutls_priority_set_direct(session, QUIC_PRIORITY, &errpos);
	if (!ret)
		ret = gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, ca_cred);
	if (!ret && !is_ip_literal(name))
		ret = gnutls_server_name_set(session, GNUTLS_NAME_DNS, name, strlen(name));
	if (ret) {
		fprintf(stderr, "%s: cannot set up the TLS session: %s\n", prog_name,
			gnutls_strerror(ret));
		ret = -EINVAL;
		goto out;
	}
	gnutls_session_set_verify_cert(session, name, 0);
	if (o->alpn) {
		ret = quic_session_set_alpn(session, o->alpn, strlen(o->alpn));
		if (ret)
			goto out;
	}
	gnutls_transport_set_int(session, fd);
	ret = quic_handshake(session);
	if (ret)
		goto out;
	len = alpn_size;
	ret = quic_session_get_alpn(session, alpn, &len);
	if (ret == -ENODATA && !o->alpn) {
		snprintf(alpn, alpn_size, "none");
		ret = 0;
	} else if (ret == -ENODATA) {
		fprintf(stderr, "%s: the server selected no ALPN\n", prog_name);
		ret = -EPROTO;
	} else if (!ret && len >= alpn_size) {
		alpn[alpn_size - 1] = '\0';
	}
out:
	gnutls_deinit(session);
	return ret;
}

/* The selected ALPN after quic_client_handshake(): the socket's value if
 * it names one protocol; else, if we offered a single one, that one (a
 * handshake that offered ALPNs only succeeds with one selected).
 */
static void client_alpn(int fd, const struct opts *o, char *buf, size_t size)
{
	socket_alpn(fd, buf, size);
	if (!o->alpn) {
		if (buf[0] == '?')
			snprintf(buf, size, "none");
		return;
	}
	if ((buf[0] == '?' || !strcmp(buf, "none") || strchr(buf, ',')) &&
	    !strchr(o->alpn, ','))
		snprintf(buf, size, "%s", o->alpn);
}

static void set_v2(int fd)
{
	struct quic_config cfg;
	socklen_t len = sizeof(cfg);

	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, &len))
		die(1, "getsockopt(QUIC_SOCKOPT_CONFIG): %s", strerror(errno));
	cfg.version = QUIC_VERSION_V2;
	if (setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, sizeof(cfg)))
		die(1, "cannot select QUIC version 2 (QUIC_SOCKOPT_CONFIG): %s",
		    strerror(errno));
}

static int echo_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int echo_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: echo failed: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* Send o->size random bytes on a new bidirectional stream, then a FIN, while
 * reading the echo until the server's FIN; compare. Sending and receiving are
 * interleaved (non-blocking) so that flow control cannot deadlock the echo.
 */
static int echo(int fd, const struct opts *o)
{
	size_t size = o->size, cap = o->size + RECV_SLACK, sent = 0, received = 0, i;
	unsigned char *sbuf = malloc(size ? size : 1), *rbuf = malloc(cap);
	char sha_sent[SHA256_HEX], sha_recv[SHA256_HEX];
	int fin_sent = 0, fin_rcvd = 0, ret = -1;
	int64_t t0, last;
	ssize_t n;

	if (!sbuf || !rbuf) {
		ret = echo_error("out of memory for %zu bytes", size);
		goto out;
	}
	if (size && gnutls_rnd(GNUTLS_RND_NONCE, sbuf, size)) {
		ret = echo_error("no random data");
		goto out;
	}
	t0 = now_us();

	/* The first send opens stream 0 (sid -1 with MSG_QUIC_STREAM_NEW) on the
	 * still blocking socket; everything else names stream 0.
	 */
	stage = "opening the stream";
	for (;;) {
		size_t len = size < CHUNK ? size : CHUNK;
		uint32_t flags = MSG_QUIC_STREAM_NEW | (size ? 0 : MSG_QUIC_STREAM_FIN);

		n = quic_sendmsg(fd, sbuf, len, -1, flags);
		if (n >= 0) {
			sent = (size_t)n;
			fin_sent = !size;
			break;
		}
		if (!would_block(errno)) {
			ret = echo_error("cannot open a stream: sendmsg: %s", strerror(errno));
			goto out;
		}
		if ((now_us() - t0) / 1000000 >= (int64_t)o->timeout && o->timeout) {
			ret = echo_error("cannot open a stream: no send capacity for %u s",
					 o->timeout);
			goto out;
		}
		wait_readable(fd, 5);
	}
	if (set_nonblocking(fd)) {
		ret = echo_error("fcntl(O_NONBLOCK): %s", strerror(errno));
		goto out;
	}

	stage = "echoing";
	last = now_us();
	while (!fin_sent || !fin_rcvd) {
		int progress = 0;

		if (sent < size) {
			size_t len = size - sent < CHUNK ? size - sent : CHUNK;

			n = quic_sendmsg(fd, sbuf + sent, len, 0, 0);
			if (n > 0) {
				sent += (size_t)n;
				progress = 1;
			} else if (n < 0 && !would_block(errno)) {
				ret = echo_error("sendmsg after %zu of %zu bytes: %s", sent, size,
						 strerror(errno));
				goto out;
			}
		} else if (!fin_sent) {
			n = quic_sendmsg(fd, NULL, 0, 0, MSG_QUIC_STREAM_FIN);
			if (n >= 0) {
				fin_sent = 1;
				progress = 1;
			} else if (!would_block(errno)) {
				ret = echo_error("sendmsg of the FIN: %s", strerror(errno));
				goto out;
			}
		}
		while (!fin_rcvd) {
			uint32_t flags = 0;
			int64_t sid = -1;

			if (received == cap) {
				ret = echo_error("the server sent more than the %zu bytes sent", size);
				goto out;
			}
			n = quic_recvmsg(fd, rbuf + received, cap - received, &sid, &flags);
			if (n < 0) {
				if (would_block(errno))
					break;
				ret = echo_error("recvmsg after %zu of %zu bytes: %s", received,
						 size, strerror(errno));
				goto out;
			}
			if (!n && !(flags & MSG_QUIC_STREAM_FIN)) {
				ret = echo_error("connection closed by the server after %zu of %zu bytes",
						 received, size);
				goto out;
			}
			/* events, datagrams and post-handshake TLS messages
			 * (a NewSessionTicket comes with QUIC_HANDSHAKE_INFO,
			 * no stream ID): not stream data, ignored
			 */
			if ((flags & (MSG_QUIC_NOTIFICATION | MSG_QUIC_DATAGRAM)) || sid < 0) {
				progress = 1;
				continue;
			}
			if (sid != 0) {
				ret = echo_error("data on stream %lld, expected stream 0",
						 (long long)sid);
				goto out;
			}
			received += (size_t)n;
			progress = 1;
			if (flags & MSG_QUIC_STREAM_FIN)
				fin_rcvd = 1;
		}
		if (progress) {
			last = now_us();
			continue;
		}
		if (o->timeout && now_us() - last >= (int64_t)o->timeout * 1000000) {
			ret = echo_error("no progress for %u s (sent %zu of %zu bytes%s, received %zu%s)",
					 o->timeout, sent, size, fin_sent ? " and FIN" : "",
					 received, fin_rcvd ? " and FIN" : "");
			goto out;
		}
		wait_readable(fd, sent < size || !fin_sent ? 5 : 200);
	}

	sha256_hex(sbuf, size, sha_sent);
	sha256_hex(rbuf, received, sha_recv);
	if (received != size || memcmp(sbuf, rbuf, size)) {
		for (i = 0; i < received && i < size && sbuf[i] == rbuf[i]; i++)
			;
		ret = echo_error("received %zu bytes for %zu sent, first difference at byte %zu "
				 "(sha256 sent %s, received %s)", received, size, i, sha_sent,
				 sha_recv);
		goto out;
	}
	printf("echo ok %zu bytes sha256=%s %.1f ms\n", size, sha_recv,
	       (double)(now_us() - t0) / 1000.0);
	ret = 0;
out:
	free(sbuf);
	free(rbuf);
	return ret;
}

/* One connection: socket, connect, handshake, echo, close. Returns 0 on
 * success (with --expect-fail: when the handshake failed), -1 otherwise;
 * *hs_us gets the time from connect() to the end of the handshake.
 */
static int run_connection(const struct opts *o, int64_t *hs_us)
{
	char alpn[256], version[32];
	struct sockaddr_storage ss;
	socklen_t sslen;
	int64_t t0;
	int fd, ret;

	sslen = parse_addr(o->addr, o->port, &ss);
	stage = "creating the socket";
	fd = quic_socket(ss.ss_family, o->type);
	if (o->v2)
		set_v2(fd);

	alarm(o->timeout);
	stage = "connecting";
	t0 = now_us();
	if (connect(fd, (struct sockaddr *)&ss, sslen)) {
		fprintf(stderr, "%s: connect to %s port %u: %s\n", prog_name, o->addr,
			o->port, strerror(errno));
		close(fd);
		return -1;
	}
	stage = "in the TLS handshake";
	if (o->ca)
		ret = handshake_ca(fd, o, alpn, sizeof(alpn));
	else if (o->psk)
		ret = quic_client_handshake(fd, o->psk, NULL, o->alpn);
	else
		ret = quic_client_handshake(fd, NULL, o->sni, o->alpn);
	*hs_us = now_us() - t0;
	alarm(0);

	if (ret) {
		close(fd);
		if (o->expect_fail) {
			printf("handshake failed as expected: %s (errno %d) after %lld us\n",
			       strerror(-ret), -ret, (long long)*hs_us);
			return 0;
		}
		fflush(stdout);
		fprintf(stderr, "%s: handshake failed: %s (errno %d)\n", prog_name,
			strerror(-ret), -ret);
		return -1;
	}
	if (!o->ca)
		client_alpn(fd, o, alpn, sizeof(alpn));
	socket_version(fd, version, sizeof(version));
	printf("handshake ok %lld us alpn=%s version=%s\n", (long long)*hs_us, alpn, version);
	if (o->expect_fail) {
		fflush(stdout);
		fprintf(stderr, "%s: the handshake succeeded but was expected to fail\n",
			prog_name);
		close(fd);
		return -1;
	}
	ret = o->no_data ? 0 : echo(fd, o);
	if (!ret && o->hold) {
		stage = "holding the connection";
		sleep(o->hold);
	}
	close(fd);
	return ret;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int64_t *times;
	struct opts o;
	unsigned int i;

	prog_name = "quic-echo-client";
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	install_alarm();
	parse_opts(argc, argv, &o);
	quic_set_log_func(log_func);
	if (o.verbose)
		quic_set_log_level(LOG_DEBUG);
	if (o.ca)
		load_ca(o.ca);

	times = calloc(o.repeat, sizeof(*times));
	if (!times)
		die(1, "out of memory");
	for (i = 0; i < o.repeat; i++) {
		if (run_connection(&o, &times[i])) {
			if (o.repeat > 1)
				fprintf(stderr, "%s: connection %u of %u failed\n", prog_name,
					i + 1, o.repeat);
			return 1;
		}
	}
	if (o.repeat > 1 && !o.expect_fail) {
		qsort(times, o.repeat, sizeof(*times), cmp_i64);
		printf("handshakes: %u ok, min %lld us, median %lld us, max %lld us\n",
		       o.repeat, (long long)times[0],
		       (long long)((times[(o.repeat - 1) / 2] + times[o.repeat / 2]) / 2),
		       (long long)times[o.repeat - 1]);
	}
	free(times);
	if (ca_cred)
		gnutls_certificate_free_credentials(ca_cred);
	return 0;
}
