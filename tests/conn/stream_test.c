// SPDX-License-Identifier: GPL-2.0-or-later
/* Streams between a client and a server over loopback (PSK handshake with
 * libquic), every byte checked against a per-stream pattern:
 *
 *   stream_100x1mb          100 bidi streams opened by the client with
 *                           stream_id -1 + MSG_QUIC_STREAM_NEW, 1 MiB each
 *                           sent interleaved, FIN on each; the server reads
 *                           all, checks IDs 0, 4, ..., 396, data, FIN+MSG_EOR
 *   stream_bidi_both_ways   one client bidi stream, 256 KiB each way (IPv6)
 *   stream_uni_both_sides   a uni stream from each side (IDs 2 and 3), and a
 *                           send on the peer's uni stream fails with EINVAL
 *   stream_server_initiated the server opens a bidi stream (ID 1), the
 *                           client answers on it
 *   stream_open_sockopt     getsockopt(QUIC_SOCKOPT_STREAM_OPEN) {-1, 0} and
 *                           {-1, UNI} return IDs 0 and 2, usable for sending
 */
#include "conn.h"

#define SEED_SRV	1000000	/* pattern of the server's data: sid + SEED_SRV */

static char err[256];

/* 1. 100 streams x 1 MiB ------------------------------------------------ */

#define NSTREAMS	100
#define PER_STREAM	(1 * QT_MB)
#define CHUNK		16384

static int many_client(int fd, void *arg)
{
	static unsigned char buf[CHUNK];
	uint64_t off;
	int i;

	(void)arg;
	qt_stage = "sending 100 x 1 MiB";
	for (off = 0; off < PER_STREAM; off += CHUNK) {
		for (i = 0; i < NSTREAMS; i++) {
			int64_t sid = qt_sid(0, 0, (uint64_t)i);
			uint32_t fl = off + CHUNK == PER_STREAM ? MSG_QUIC_STREAM_FIN : 0;
			int64_t id = sid;

			if (!off) {	/* open the next bidi stream */
				id = -1;
				fl |= MSG_QUIC_STREAM_NEW;
			}
			qt_fill(buf, CHUNK, sid, off);
			if (qt_send_all(fd, buf, CHUNK, id, fl)) {
				t_result(0, "stream_100x1mb", "client: sendmsg on stream %lld at %llu: %s",
					 (long long)sid, (unsigned long long)off,
					 strerror(errno));
				return -1;
			}
		}
	}
	qt_stage = "waiting for the server to read everything";
	if (qt_await('R', 100000))
		return -1;	/* the server says why */
	return 0;
}

static int many_server(int fd, void *arg)
{
	struct qt_rstream st[NSTREAMS];
	int ok;

	(void)arg;
	qt_stage = "reading 100 x 1 MiB";
	ok = !qt_read_streams(fd, st, NSTREAMS, 0, PER_STREAM, err, sizeof(err));
	if (ok) {
		for (int i = 0; i < NSTREAMS && ok; i++) {
			int found = 0;

			for (int j = 0; j < NSTREAMS; j++)
				found |= st[j].sid == qt_sid(0, 0, (uint64_t)i);
			if (!found) {
				snprintf(err, sizeof(err), "no stream %lld among those read",
					 (long long)qt_sid(0, 0, (uint64_t)i));
				ok = 0;
			}
		}
	}
	t_result(ok, "stream_100x1mb", "server: %s", err);
	qt_tell('R');
	return ok ? 0 : -1;
}

/* 2. bidi both ways ----------------------------------------------------- */

#define BIDI_LEN	(256 * 1024)

static int bidi_client(int fd, void *arg)
{
	struct qt_rstream st;
	int ok;

	(void)arg;
	qt_stage = "sending on stream 0";
	if (qt_send_pattern(fd, 0, 0, BIDI_LEN, -1, MSG_QUIC_STREAM_NEW)) {
		t_result(0, "stream_bidi_both_ways", "client: sendmsg: %s",
			 strerror(errno));
		return -1;
	}
	qt_stage = "reading the answer on stream 0";
	ok = !qt_read_streams(fd, &st, 1, SEED_SRV, BIDI_LEN, err, sizeof(err));
	if (ok && st.sid != 0) {
		snprintf(err, sizeof(err), "the answer came on stream %lld, not 0",
			 (long long)st.sid);
		ok = 0;
	}
	t_result(ok, "stream_bidi_both_ways", "client: %s", err);
	return ok ? 0 : -1;
}

static int bidi_server(int fd, void *arg)
{
	struct qt_rstream st;

	(void)arg;
	qt_stage = "reading stream 0";
	if (qt_read_streams(fd, &st, 1, 0, BIDI_LEN, err, sizeof(err))) {
		t_result(0, "stream_bidi_both_ways", "server: %s", err);
		return -1;
	}
	qt_stage = "answering on stream 0";
	if (qt_send_pattern(fd, st.sid, SEED_SRV, BIDI_LEN, st.sid, 0)) {
		t_result(0, "stream_bidi_both_ways", "server: sendmsg on stream %lld: %s",
			 (long long)st.sid, strerror(errno));
		return -1;
	}
	qt_stage = "waiting for the client to read";
	qt_await('R', 60000);
	return 0;
}

static int bidi_client_done(int fd, void *arg)
{
	int ret = bidi_client(fd, arg);

	qt_tell('R');
	return ret;
}

/* 3. uni streams from both sides ---------------------------------------- */

#define UNI_LEN		(64 * 1024)

static int uni_side(int fd, int server)
{
	const char *who = server ? "server" : "client";
	int64_t mine = qt_sid(server, 1, 0), theirs = qt_sid(!server, 1, 0);
	struct qt_rstream st;
	char c = 0;
	int ok = 1;

	qt_stage = "sending on a uni stream";
	if (qt_send_pattern(fd, mine, server ? SEED_SRV : 0, UNI_LEN, -1,
			    MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_UNI)) {
		t_result(0, "stream_uni_both_sides", "%s: sendmsg: %s", who,
			 strerror(errno));
		ok = 0;
	}
	qt_stage = "reading the peer's uni stream";
	if (ok && qt_read_streams(fd, &st, 1, server ? 0 : SEED_SRV, UNI_LEN,
				  err, sizeof(err))) {
		t_result(0, "stream_uni_both_sides", "%s: %s", who, err);
		ok = 0;
	}
	if (ok && st.sid != theirs) {
		t_result(0, "stream_uni_both_sides", "%s: the peer's uni stream has ID %lld, expected %lld",
			 who, (long long)st.sid, (long long)theirs);
		ok = 0;
	}
	if (ok) {
		errno = 0;
		if (qt_send(fd, &c, 1, theirs, 0, MSG_DONTWAIT) != -1 || errno != EINVAL) {
			t_result(0, "stream_uni_both_sides", "%s: sendmsg on the peer's uni stream %lld: %s, expected EINVAL",
				 who, (long long)theirs,
				 errno ? strerror(errno) : "succeeded");
			ok = 0;
		}
	}
	/* the server prints PASS when both sides passed */
	qt_stage = "waiting for the peer to finish";
	if (server) {
		if (ok && qt_await_any(60000) == 'U')
			t_result(1, "stream_uni_both_sides", "");
		qt_tell('U');
	} else {
		qt_tell(ok ? 'U' : 'u');
		qt_await('U', 60000);
	}
	return ok ? 0 : -1;
}

static int uni_client(int fd, void *arg)
{
	(void)arg;
	return uni_side(fd, 0);
}

static int uni_server(int fd, void *arg)
{
	(void)arg;
	return uni_side(fd, 1);
}

/* 4. server-initiated bidi stream --------------------------------------- */

static int srvinit_server(int fd, void *arg)
{
	struct qt_rstream st;
	int ok = 1;

	(void)arg;
	qt_stage = "opening a bidi stream";
	if (qt_send_pattern(fd, 1, SEED_SRV, UNI_LEN, -1, MSG_QUIC_STREAM_NEW)) {
		snprintf(err, sizeof(err), "server: sendmsg: %s", strerror(errno));
		ok = 0;
	}
	qt_stage = "reading the answer";
	if (ok && qt_read_streams(fd, &st, 1, 0, UNI_LEN, err, sizeof(err)))
		ok = 0;
	if (ok && st.sid != 1) {
		snprintf(err, sizeof(err), "the answer came on stream %lld, not 1",
			 (long long)st.sid);
		ok = 0;
	}
	t_result(ok, "stream_server_initiated", "server: %s", err);
	qt_tell('D');
	return ok ? 0 : -1;
}

static int srvinit_client(int fd, void *arg)
{
	struct qt_rstream st;

	(void)arg;
	qt_stage = "reading the server's stream";
	if (qt_read_streams(fd, &st, 1, SEED_SRV, UNI_LEN, err, sizeof(err))) {
		t_result(0, "stream_server_initiated", "client: %s", err);
		return -1;
	}
	if (st.sid != 1) {
		t_result(0, "stream_server_initiated", "client: the server's stream has ID %lld, expected 1",
			 (long long)st.sid);
		return -1;
	}
	qt_stage = "answering";
	if (qt_send_pattern(fd, st.sid, 0, UNI_LEN, st.sid, 0)) {
		t_result(0, "stream_server_initiated", "client: sendmsg on stream 1: %s",
			 strerror(errno));
		return -1;
	}
	qt_await('D', 60000);
	return 0;
}

/* 5. QUIC_SOCKOPT_STREAM_OPEN ------------------------------------------- */

static int open_client(int fd, void *arg)
{
	struct quic_stream_info si = { -1, 0 }, su = { -1, MSG_QUIC_STREAM_UNI };
	socklen_t len = sizeof(si);
	int ok = 1;

	(void)arg;
	if (getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_OPEN, &si, &len)) {
		snprintf(err, sizeof(err), "getsockopt(STREAM_OPEN {-1, 0}): %s",
			 strerror(errno));
		ok = 0;
	} else if (si.stream_id != 0) {
		snprintf(err, sizeof(err), "STREAM_OPEN {-1, 0} gave ID %lld, expected 0",
			 (long long)si.stream_id);
		ok = 0;
	}
	len = sizeof(su);
	if (ok && getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_STREAM_OPEN, &su, &len)) {
		snprintf(err, sizeof(err), "getsockopt(STREAM_OPEN {-1, UNI}): %s",
			 strerror(errno));
		ok = 0;
	} else if (ok && su.stream_id != 2) {
		snprintf(err, sizeof(err), "STREAM_OPEN {-1, UNI} gave ID %lld, expected 2",
			 (long long)su.stream_id);
		ok = 0;
	}
	if (ok && (qt_send_pattern(fd, 0, 0, 1000, 0, 0) ||
		   qt_send_pattern(fd, 2, 0, 1000, 2, 0))) {
		snprintf(err, sizeof(err), "sendmsg on an opened stream: %s",
			 strerror(errno));
		ok = 0;
	}
	if (!ok)
		t_result(0, "stream_open_sockopt", "client: %s", err);
	qt_tell(ok ? 'S' : 'X');
	if (ok)
		qt_await('D', 60000);
	return ok ? 0 : -1;
}

static int open_server(int fd, void *arg)
{
	struct qt_rstream st[2];
	int ok;

	(void)arg;
	if (qt_await('S', 60000))
		return 0;	/* the client failed and said why */
	ok = !qt_read_streams(fd, st, 2, 0, 1000, err, sizeof(err));
	if (ok && !((st[0].sid == 0 && st[1].sid == 2) ||
		    (st[0].sid == 2 && st[1].sid == 0))) {
		snprintf(err, sizeof(err), "streams %lld and %lld, expected 0 and 2",
			 (long long)st[0].sid, (long long)st[1].sid);
		ok = 0;
	}
	t_result(ok, "stream_open_sockopt", "server: %s", err);
	qt_tell('D');
	return ok ? 0 : -1;
}

int main(void)
{
	if (qt_init())
		return 1;
	qt_run(&(struct qt_pair){ .name = "stream_100x1mb", .timeout = 200,
				  .client = many_client, .server = many_server });
	qt_run(&(struct qt_pair){ .name = "stream_bidi_both_ways",
				  .family = qt_have_ipv6() ? AF_INET6 : AF_INET,
				  .client = bidi_client_done, .server = bidi_server });
	qt_run(&(struct qt_pair){ .name = "stream_uni_both_sides",
				  .client = uni_client, .server = uni_server });
	qt_run(&(struct qt_pair){ .name = "stream_server_initiated",
				  .client = srvinit_client, .server = srvinit_server });
	qt_run(&(struct qt_pair){ .name = "stream_open_sockopt", .timeout = 30,
				  .client = open_client, .server = open_server });
	qt_done();
	return t_exit();
}
