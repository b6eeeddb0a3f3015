// SPDX-License-Identifier: GPL-2.0-or-later
/* Greasing the QUIC bit (RFC 9287): an endpoint that announces the
 * grease_quic_bit transport parameter (QUIC_SOCKOPT_TRANSPORT_PARAM) accepts
 * packets whose QUIC bit (0x40 of the first byte) is 0, and its peer clears
 * that bit at random in the packets it sends after the handshake's
 * parameters are in (never in Initials). A packet socket on lo watches the
 * first byte of every datagram of the connection while 256 KiB go each way,
 * every byte checked:
 *
 *   grease_both          both announce it: each side sends datagrams with the
 *                        bit 0 and each reads all data
 *   grease_server_only   only the server announces it: the client greases,
 *                        the server never does (the client would drop them)
 *   grease_none          nobody announces it: no datagram has the bit 0
 */
#include "conn.h"

#define LEN	(256 * 1024)
#define SEED	7

struct gcase {
	const char *name;
	int cli_grease, srv_grease;
};

static int sniff = -1;	/* AF_PACKET on lo, IPv4 */
static char err[256];

static int set_grease(int fd, int on)
{
	struct quic_transport_param tp;

	if (qt_get_tp(fd, &tp))
		return -1;
	tp.grease_quic_bit = (uint8_t)on;
	return qt_set_tp(fd, &tp);
}

static int srv_setup(int lfd, void *arg)
{
	return set_grease(lfd, ((struct gcase *)arg)->srv_grease);
}

static int cli_setup(int fd, void *arg)
{
	return set_grease(fd, ((struct gcase *)arg)->cli_grease);
}

static int server(int fd, void *arg)
{
	struct gcase *c = arg;
	struct qt_rstream st;
	int ok;

	qt_stage = "reading the client's data";
	ok = !qt_read_streams(fd, &st, 1, 0, LEN, err, sizeof(err));
	if (!ok)
		t_result(0, c->name, "server: %s", err);
	qt_stage = "answering";
	if (qt_send_pattern(fd, st.sid, SEED, LEN, st.sid, 0))
		t_result(0, c->name, "server: sendmsg: %s", strerror(errno));
	qt_await('D', 30000);
	return ok ? 0 : -1;
}

/* count the first bytes of the datagrams between the two ports so far */
static void count(uint16_t cport, uint16_t sport, unsigned int n[2][2])
{
	static unsigned char pkt[65536];
	const unsigned char *q;
	uint16_t src, dst;
	size_t len;

	while (qt_lo_next(sniff, pkt, sizeof(pkt), &src, &dst, &q, &len)) {
		if (!len)
			continue;
		if (src == cport && dst == sport)	/* client -> server */
			n[0][!!(q[0] & 0x40)]++;
		else if (src == sport && dst == cport)
			n[1][!!(q[0] & 0x40)]++;
	}
}

static int client(int fd, void *arg)
{
	struct sockaddr_in a, b;
	socklen_t al = sizeof(a), bl = sizeof(b);
	unsigned int n[2][2] = { { 0 } };	/* [direction][QUIC bit] */
	struct gcase *c = arg;
	struct qt_rstream st;
	int ok;

	getsockname(fd, (struct sockaddr *)&a, &al);
	getpeername(fd, (struct sockaddr *)&b, &bl);
	qt_stage = "sending";
	if (qt_send_pattern(fd, 0, 0, LEN, -1, MSG_QUIC_STREAM_NEW)) {
		t_result(0, c->name, "client: sendmsg: %s", strerror(errno));
		return -1;
	}
	qt_stage = "reading the answer";
	ok = !qt_read_streams(fd, &st, 1, SEED, LEN, err, sizeof(err));
	qt_tell('D');
	count(ntohs(a.sin_port), ntohs(b.sin_port), n);
	if (!ok) {
		t_result(0, c->name, "client: %s", err);
		return -1;
	}
	/* greased datagrams go to the side that announced it, and only there */
	ok = !!n[0][0] == c->srv_grease && !!n[1][0] == c->cli_grease &&
	     n[0][1] && n[1][1];
	t_result(ok, c->name,
		 "client->server %u datagrams with the QUIC bit 0, %u with 1; server->client %u, %u (announced: client %d, server %d)",
		 n[0][0], n[0][1], n[1][0], n[1][1], c->cli_grease, c->srv_grease);
	if (ok)
		printf("INFO %s: client->server %u of %u greased, server->client %u of %u\n",
		       c->name, n[0][0], n[0][0] + n[0][1], n[1][0], n[1][0] + n[1][1]);
	return ok ? 0 : -1;
}

int main(void)
{
	static struct gcase cases[] = {
		{ "grease_both", 1, 1 },
		{ "grease_server_only", 0, 1 },
		{ "grease_none", 0, 0 },
	};

	if (qt_init())
		return 1;
	sniff = qt_lo_capture();
	if (sniff < 0) {
		printf("FAIL grease_setup: packet socket on lo: %s\n", strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct qt_pair p = {
			.name = cases[i].name,
			.srv_setup = srv_setup,
			.cli_setup = cli_setup,
			.server = server,
			.client = client,
			.arg = &cases[i],
		};

		qt_run(&p);
	}
	close(sniff);
	qt_done();
	return t_exit();
}
