// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * quic-echo-server: accepts connections on an in-kernel QUIC listening
 * socket, runs the TLS handshake with quic_server_handshake() and writes
 * back every byte of the client's stream on the same stream, then a FIN.
 *
 *   quic-echo-server (--psk FILE | --cert FILE --key FILE) [options]
 *
 *   --addr A          IPv4 or IPv6 literal to listen on (default 127.0.0.1)
 *   --port P          UDP port (default 0: the kernel picks one)
 *   --psk FILE        pre-shared keys ("identity:hexkey" lines)
 *   --cert FILE       certificate chain (PEM or DER), with --key FILE
 *   --alpn LIST       comma-separated ALPNs accepted (default "echo";
 *                     "none": no ALPN)
 *   --retry           validate client addresses with Retry packets
 *                     (QUIC_SOCKOPT_CONFIG validate_peer_address = 1)
 *   --stream          SOCK_STREAM socket instead of SOCK_DGRAM
 *   --count N         serve N connections, then exit (default: forever)
 *   --fork            handle each connection in a child process (default:
 *                     one after the other)
 *   --timeout SEC     per connection: give up on the handshake after SEC
 *                     seconds, on the echo after SEC seconds without
 *                     progress, and wait at most SEC seconds for the client
 *                     to close (default 60; 0: never). Without --fork a
 *                     handshake timeout ends the server.
 *   --verbose         libquic debug log on stderr
 *
 * Output (stdout): "listening on PORT" once the socket listens, then one
 * line per connection:
 *   conn 1: handshake ok 1234 us alpn=echo version=v1 echoed 1024 bytes sha256=<hex>
 *   conn 2: handshake failed: Protocol error (errno 71)
 *   conn 3: handshake ok 1234 us alpn=echo version=v1 echo failed: <reason>
 * Exit status (with --count): 0 if every connection succeeded, 1 if one
 * failed; 2 for bad options or files.
 */

#include <getopt.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <syslog.h>

#include "common.h"

#define ECHO_BUF	(256 * 1024)

struct opts {
	const char *addr;
	unsigned int port;
	const char *psk;
	const char *cert;
	const char *key;
	const char *alpn;	/* NULL: none */
	int retry;
	int type;
	unsigned long count;
	int fork;
	unsigned int timeout;
	int verbose;
};

static char name_buf[64];

static void usage(FILE *out, int status)
{
	fprintf(out,
		"usage: quic-echo-server (--psk FILE | --cert FILE --key FILE)\n"
		"       [--addr A] [--port P] [--alpn LIST|none] [--retry] [--stream]\n"
		"       [--count N] [--fork] [--timeout SEC] [--verbose]\n");
	exit(status);
}

/* A PSK file must have at least one "identity:hexkey" line. */
static void check_psk_file(const char *path)
{
	char line[1024];
	int found = 0;
	FILE *fp;

	check_readable("PSK", path);
	fp = fopen(path, "re");
	if (!fp)
		die(EXIT_USAGE, "cannot read PSK file '%s': %s", path, strerror(errno));
	while (!found && fgets(line, sizeof(line), fp))
		found = line[0] != '#' && strchr(line, ':');
	fclose(fp);
	if (!found)
		die(EXIT_USAGE, "PSK file '%s' has no identity:hexkey line", path);
}

/* Load the certificate and key once, to report a bad pair before listening. */
static void check_cert_key(const char *cert, const char *key)
{
	gnutls_certificate_credentials_t cred;
	int ret;

	check_readable("certificate", cert);
	check_readable("key", key);
	ret = gnutls_certificate_allocate_credentials(&cred);
	if (ret)
		die(1, "cannot allocate certificate credentials: %s", gnutls_strerror(ret));
	ret = gnutls_certificate_set_x509_key_file(cred, cert, key, GNUTLS_X509_FMT_PEM);
	if (ret < 0) {
		int pem_err = ret;

		ret = gnutls_certificate_set_x509_key_file(cred, cert, key, GNUTLS_X509_FMT_DER);
		/* not PEM at all: DER's error says more; else PEM's does */
		if (ret < 0 && pem_err != GNUTLS_E_BASE64_DECODING_ERROR &&
		    pem_err != GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR)
			ret = pem_err;
	}
	gnutls_certificate_free_credentials(cred);
	if (ret < 0)
		die(EXIT_USAGE, "cannot load certificate '%s' with key '%s': %s", cert, key,
		    gnutls_strerror(ret));
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	enum { O_ADDR = 256, O_PORT, O_PSK, O_CERT, O_KEY, O_ALPN, O_RETRY, O_STREAM,
	       O_COUNT, O_FORK, O_TIMEOUT, O_VERBOSE, O_HELP };
	static const struct option longopts[] = {
		{ "addr", required_argument, NULL, O_ADDR },
		{ "port", required_argument, NULL, O_PORT },
		{ "psk", required_argument, NULL, O_PSK },
		{ "cert", required_argument, NULL, O_CERT },
		{ "key", required_argument, NULL, O_KEY },
		{ "alpn", required_argument, NULL, O_ALPN },
		{ "retry", no_argument, NULL, O_RETRY },
		{ "stream", no_argument, NULL, O_STREAM },
		{ "count", required_argument, NULL, O_COUNT },
		{ "fork", no_argument, NULL, O_FORK },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "verbose", no_argument, NULL, O_VERBOSE },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->addr = "127.0.0.1";
	o->alpn = "echo";
	o->type = SOCK_DGRAM;
	o->timeout = 60;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_ADDR: o->addr = optarg; break;
		case O_PORT: o->port = (unsigned int)parse_num("--port", optarg, 0, 65535); break;
		case O_PSK: o->psk = optarg; break;
		case O_CERT: o->cert = optarg; break;
		case O_KEY: o->key = optarg; break;
		case O_ALPN: o->alpn = strcmp(optarg, "none") ? optarg : NULL; break;
		case O_RETRY: o->retry = 1; break;
		case O_STREAM: o->type = SOCK_STREAM; break;
		case O_COUNT:
			o->count = (unsigned long)parse_num("--count", optarg, 1, 1000000000);
			break;
		case O_FORK: o->fork = 1; break;
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
	if (!!o->psk == !!(o->cert || o->key))
		die(EXIT_USAGE, "give either --psk FILE or --cert FILE --key FILE");
	if (!o->psk && (!o->cert || !o->key))
		die(EXIT_USAGE, "--cert and --key go together");
	if (o->alpn)
		check_alpn_list(o->alpn);
	(void)parse_addr(o->addr, o->port, &(struct sockaddr_storage){ 0 });
	if (o->psk)
		check_psk_file(o->psk);
	else
		check_cert_key(o->cert, o->key);
}

/* Echo the client's stream. Returns 0 and the byte count and SHA-256 of
 * what was echoed, or -1 with the reason in @err. A client that closes
 * without opening a stream (--no-data) is a success with 0 bytes.
 */
static int echo(int fd, const struct opts *o, size_t *total, char sha[SHA256_HEX],
		char *err, size_t errsz)
{
	size_t head = 0, tail = 0;
	int fin_rcvd = 0, fin_sent = 0, ret = -1;
	gnutls_hash_hd_t h = sha256_init();
	unsigned char *buf = malloc(ECHO_BUF);
	int64_t sid = -1, last = now_us();
	ssize_t n;

	*total = 0;
	if (!buf) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	if (set_nonblocking(fd)) {
		snprintf(err, errsz, "fcntl(O_NONBLOCK): %s", strerror(errno));
		goto out;
	}
	while (!fin_sent) {
		int progress = 0;

		if (!fin_rcvd && tail < ECHO_BUF) {
			uint32_t flags = 0;
			int64_t s = -1;

			n = quic_recvmsg(fd, buf + tail, ECHO_BUF - tail, &s, &flags);
			if (n < 0 && !would_block(errno)) {
				if (sid < 0 && errno == ENOTCONN) {
					ret = 0;	/* closed without a stream */
					goto out;
				}
				snprintf(err, errsz, "recvmsg after %zu bytes: %s", *total,
					 strerror(errno));
				goto out;
			}
			if (n > 0 && ((flags & (MSG_QUIC_NOTIFICATION | MSG_QUIC_DATAGRAM)) ||
				      s < 0)) {
				/* events, datagrams, post-handshake TLS messages
				 * (no stream ID): not stream data, ignored
				 */
				progress = 1;
			} else if (n == 0 && !(flags & MSG_QUIC_STREAM_FIN)) {
				if (sid < 0) {
					ret = 0;	/* closed without a stream */
					goto out;
				}
				snprintf(err, errsz, "connection closed by the client after %zu bytes, before its FIN",
					 *total);
				goto out;
			} else if (n >= 0) {
				if (sid < 0) {
					sid = s;
				} else if (s != sid) {
					snprintf(err, errsz, "data on a second stream %lld (echoing stream %lld)",
						 (long long)s, (long long)sid);
					goto out;
				}
				if (sid < 0) {
					snprintf(err, errsz, "a FIN without a stream ID");
					goto out;
				}
				gnutls_hash(h, buf + tail, (size_t)n);
				tail += (size_t)n;
				*total += (size_t)n;
				fin_rcvd = !!(flags & MSG_QUIC_STREAM_FIN);
				progress = 1;
			}
		}
		if (head < tail) {
			n = quic_sendmsg(fd, buf + head, tail - head, sid, 0);
			if (n > 0) {
				head += (size_t)n;
				progress = 1;
			} else if (n < 0 && !would_block(errno)) {
				snprintf(err, errsz, "sendmsg after %zu bytes: %s",
					 *total - (tail - head), strerror(errno));
				goto out;
			}
		} else if (fin_rcvd) {
			n = quic_sendmsg(fd, NULL, 0, sid, MSG_QUIC_STREAM_FIN);
			if (n >= 0) {
				fin_sent = 1;
				progress = 1;
			} else if (!would_block(errno)) {
				snprintf(err, errsz, "sendmsg of the FIN: %s", strerror(errno));
				goto out;
			}
		}
		if (head == tail)
			head = tail = 0;
		if (progress) {
			last = now_us();
			continue;
		}
		if (o->timeout && now_us() - last >= (int64_t)o->timeout * 1000000) {
			snprintf(err, errsz, "no progress for %u s (received %zu bytes%s, sent %zu)",
				 o->timeout, *total, fin_rcvd ? " and FIN" : "",
				 *total - (tail - head));
			goto out;
		}
		wait_readable(fd, head < tail || fin_rcvd ? 5 : 200);
	}
	ret = 0;
out:
	sha256_done(h, sha);
	free(buf);
	return ret;
}

/* The client closes once it has the whole echo: wait for that (recvmsg()
 * returns 0 or fails) before closing, so that nothing still in flight is
 * dropped. Polls in short slices in case poll() does not report the close.
 */
static void wait_client_close(int fd, unsigned int timeout)
{
	int64_t end = now_us() + (int64_t)timeout * 1000000;
	unsigned char buf[4096];

	while (!timeout || now_us() < end) {
		uint32_t flags = 0;
		int64_t sid = -1;
		ssize_t n = quic_recvmsg(fd, buf, sizeof(buf), &sid, &flags);

		if (n == 0 || (n < 0 && !would_block(errno)))
			return;
		if (n < 0)
			wait_readable(fd, 100);
	}
}

static int serve(int fd, unsigned long conn, const struct opts *o)
{
	char alpn[256], version[32], sha[SHA256_HEX], err[256];
	int64_t t0 = now_us(), hs_us;
	size_t total;
	int ret;

	snprintf(name_buf, sizeof(name_buf), "quic-echo-server conn %lu", conn);
	prog_name = name_buf;
	stage = "in the TLS handshake";
	alarm(o->timeout);
	if (o->psk)
		ret = quic_server_handshake(fd, o->psk, NULL, o->alpn);
	else
		ret = quic_server_handshake(fd, o->key, o->cert, o->alpn);
	alarm(0);
	hs_us = now_us() - t0;
	if (ret) {
		printf("conn %lu: handshake failed: %s (errno %d)\n", conn, strerror(-ret), -ret);
		return 1;
	}
	socket_alpn(fd, alpn, sizeof(alpn));
	socket_version(fd, version, sizeof(version));
	stage = "echoing";
	if (echo(fd, o, &total, sha, err, sizeof(err))) {
		printf("conn %lu: handshake ok %lld us alpn=%s version=%s echo failed: %s\n", conn,
		       (long long)hs_us, alpn, version, err);
		return 1;
	}
	printf("conn %lu: handshake ok %lld us alpn=%s version=%s echoed %zu bytes sha256=%s\n",
	       conn, (long long)hs_us, alpn, version, total, sha);
	stage = "waiting for the client to close";
	wait_client_close(fd, o->timeout);
	return 0;
}

/* Collect finished children; returns how many of them failed. */
static unsigned long reap(int block, unsigned long *children)
{
	unsigned long failed = 0;
	int status;
	pid_t pid;

	while (*children && (pid = waitpid(-1, &status, block ? 0 : WNOHANG)) != 0) {
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		(*children)--;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	return failed;
}

int main(int argc, char **argv)
{
	unsigned long conn, failed = 0, children = 0;
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct opts o;
	int ls;

	prog_name = "quic-echo-server";
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	install_alarm();
	parse_opts(argc, argv, &o);
	quic_set_log_func(log_func);
	if (o.verbose)
		quic_set_log_level(LOG_DEBUG);

	sslen = parse_addr(o.addr, o.port, &ss);
	ls = quic_socket(ss.ss_family, o.type);
	if (o.retry) {
		struct quic_config cfg;
		socklen_t len = sizeof(cfg);

		if (getsockopt(ls, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, &len))
			die(1, "getsockopt(QUIC_SOCKOPT_CONFIG): %s", strerror(errno));
		cfg.validate_peer_address = 1;
		if (setsockopt(ls, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &cfg, sizeof(cfg)))
			die(1, "cannot enable Retry (QUIC_SOCKOPT_CONFIG): %s", strerror(errno));
	}
	if (bind(ls, (struct sockaddr *)&ss, sslen))
		die(1, "bind to %s port %u: %s", o.addr, o.port, strerror(errno));
	if (listen(ls, 64))
		die(1, "listen: %s", strerror(errno));
	sslen = sizeof(ss);
	if (getsockname(ls, (struct sockaddr *)&ss, &sslen))
		die(1, "getsockname: %s", strerror(errno));
	printf("listening on %u\n", ntohs(ss.ss_family == AF_INET ?
					  ((struct sockaddr_in *)&ss)->sin_port :
					  ((struct sockaddr_in6 *)&ss)->sin6_port));

	for (conn = 1; !o.count || conn <= o.count; conn++) {
		int fd = accept(ls, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED) {
				conn--;
				continue;
			}
			die(1, "accept: %s", strerror(errno));
		}
		if (!o.fork) {
			failed += (unsigned long)serve(fd, conn, &o);
			close(fd);
			continue;
		}
		failed += reap(0, &children);
		fflush(NULL);
		switch (fork()) {
		case -1:
			die(1, "fork: %s", strerror(errno));
		case 0:
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			close(ls);
			exit(serve(fd, conn, &o));
		default:
			children++;
			close(fd);
		}
	}
	close(ls);
	failed += reap(1, &children);
	return failed ? 1 : 0;
}
