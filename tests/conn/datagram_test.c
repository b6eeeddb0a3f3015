// SPDX-License-Identifier: GPL-2.0-or-later
/* RFC 9221 datagrams: both sides set max_datagram_frame_size 1200 in
 * QUIC_SOCKOPT_TRANSPORT_PARAM before connect()/listen():
 *
 *   datagram_client_to_server  100 datagrams of 1000 bytes: >= 90 arrive,
 *                              each with MSG_QUIC_DATAGRAM, no stream cmsg,
 *                              1000 bytes of the right content
 *   datagram_server_to_client  the same the other way
 *   datagram_trunc             a 1000-byte datagram read into 100 bytes:
 *                              MSG_TRUNC, and the next read returns the next
 *                              datagram (the rest was dropped)
 *   datagram_too_big           1201 bytes (peer's limit 1200): EMSGSIZE
 *   datagram_not_negotiated    the server did not enable datagrams: the
 *                              client's send fails with EINVAL
 */
#include "conn.h"

#define NDGRAM		100
#define DLEN		1000

static int enable_dgram(int fd, void *arg)
{
	struct quic_transport_param tp;

	(void)arg;
	if (qt_get_tp(fd, &tp))
		return -1;
	tp.max_datagram_frame_size = 1200;
	return qt_set_tp(fd, &tp);
}

/* datagram @i of a side: 4-byte index, then the pattern of (seed + i) */
static void make_dgram(unsigned char *buf, int seed, uint32_t i)
{
	memcpy(buf, &i, 4);
	qt_fill(buf + 4, DLEN - 4, seed + (int64_t)i, 0);
}

static int send_all_dgrams(int fd, int seed, const char *name)
{
	unsigned char buf[DLEN];

	for (uint32_t i = 0; i < NDGRAM; i++) {
		ssize_t n;

		make_dgram(buf, seed, i);
		do {
			n = qt_send_plain(fd, buf, DLEN, MSG_QUIC_DATAGRAM);
		} while (n < 0 && (errno == EAGAIN || errno == ENOBUFS) &&
			 (qt_poll(fd, POLLOUT, 1000), 1));
		if (n != DLEN) {
			t_result(0, name, "sendmsg(MSG_QUIC_DATAGRAM) %u: %zd (%s)", i,
				 n, n < 0 ? strerror(errno) : "short");
			return -1;
		}
		if (i % 10 == 9)
			usleep(2000);	/* do not outrun the receiver */
	}
	return 0;
}

/* receive until NDGRAM or 2 s of silence after the sender said 'E' */
static void recv_all_dgrams(int fd, int seed, const char *name)
{
	unsigned char seen[NDGRAM] = { 0 }, buf[2048];
	unsigned int good = 0, bad = 0, nostream = 0, noflag = 0;
	char why[160] = "";
	struct qt_rcv r;

	while (good < NDGRAM) {
		ssize_t n;
		uint32_t i;

		if (!(qt_poll(fd, POLLIN, 3000) & POLLIN))
			break;
		n = qt_recv(fd, buf, sizeof(buf), MSG_DONTWAIT, &r);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (n < 0) {
			snprintf(why, sizeof(why), "; recvmsg: %s", strerror(errno));
			break;
		}
		if (!(r.mflags & MSG_QUIC_DATAGRAM)) {
			noflag++;
			if (!n)
				break;
			continue;
		}
		if (r.sid >= 0)
			nostream++;
		memcpy(&i, buf, 4);
		if (n != DLEN || i >= NDGRAM || seen[i] ||
		    qt_check(buf + 4, DLEN - 4, seed + (int64_t)i, 0) >= 0) {
			bad++;
			continue;
		}
		seen[i] = 1;
		good++;
	}
	t_result(good >= NDGRAM * 9 / 10 && !bad && !noflag && !nostream, name,
		 "%u of %u datagrams arrived intact (need %u), %u wrong or duplicated, %u reads without MSG_QUIC_DATAGRAM, %u with a stream cmsg%s",
		 good, NDGRAM, NDGRAM * 9 / 10, bad, noflag, nostream, why);
	if (good < NDGRAM)
		printf("INFO %s: %u of %u arrived\n", name, good, NDGRAM);
}

static int client(int fd, void *arg)
{
	unsigned char buf[1300];
	ssize_t n;

	(void)arg;
	qt_stage = "sending datagrams";
	if (send_all_dgrams(fd, 0, "datagram_client_to_server")) {
		qt_tell('X');
		return -1;
	}
	qt_tell('E');
	qt_stage = "receiving datagrams";
	recv_all_dgrams(fd, 5000, "datagram_server_to_client");

	/* truncation: a 1000-byte one, then a marker */
	qt_stage = "truncation";
	make_dgram(buf, 0, 7);
	n = qt_send_plain(fd, buf, DLEN, MSG_QUIC_DATAGRAM);
	buf[0] = 'M';
	if (n == DLEN)
		n = qt_send_plain(fd, buf, 10, MSG_QUIC_DATAGRAM);
	if (n < 0)
		t_result(0, "datagram_trunc", "sendmsg: %s", strerror(errno));

	/* before 'T': once the server has read the marker it closes */
	errno = 0;
	memset(buf, 0, sizeof(buf));
	n = qt_send_plain(fd, buf, 1201, MSG_QUIC_DATAGRAM);
	t_result(n == -1 && errno == EMSGSIZE, "datagram_too_big",
		 "a 1201-byte datagram (peer's limit 1200): %zd (%s), expected EMSGSIZE",
		 n, n < 0 ? strerror(errno) : "sent");
	qt_tell('T');
	qt_await('D', 30000);
	return 0;
}

static int server(int fd, void *arg)
{
	unsigned char buf[2048];
	struct qt_rcv r;
	ssize_t n;

	(void)arg;
	qt_stage = "receiving datagrams";
	recv_all_dgrams(fd, 0, "datagram_client_to_server");
	if (qt_await('E', 10000))
		return 0;
	qt_stage = "sending datagrams";
	send_all_dgrams(fd, 5000, "datagram_server_to_client");
	if (qt_await('T', 20000)) {
		qt_tell('D');
		return 0;
	}
	qt_stage = "truncation";
	n = -1;
	if (qt_poll(fd, POLLIN, 5000) & POLLIN)
		n = qt_recv(fd, buf, 100, MSG_DONTWAIT, &r);
	if (n != 100 || !(r.mflags & MSG_TRUNC) || !(r.mflags & MSG_QUIC_DATAGRAM)) {
		t_result(0, "datagram_trunc", "reading 100 bytes of a 1000-byte datagram: %zd, msg_flags 0x%x (want MSG_TRUNC|MSG_QUIC_DATAGRAM)",
			 n, n >= 0 ? r.mflags : 0);
	} else {
		n = -1;
		if (qt_poll(fd, POLLIN, 5000) & POLLIN)
			n = qt_recv(fd, buf, sizeof(buf), MSG_DONTWAIT, &r);
		t_result(n == 10 && buf[0] == 'M' && (r.mflags & MSG_QUIC_DATAGRAM),
			 "datagram_trunc", "after the truncated read, the next read gave %zd bytes (first 0x%02x), expected the 10-byte marker datagram",
			 n, n > 0 ? buf[0] : 0);
	}
	qt_tell('D');
	return 0;
}

static int nn_client(int fd, void *arg)
{
	unsigned char buf[100] = { 0 };
	ssize_t n;

	(void)arg;
	errno = 0;
	n = qt_send_plain(fd, buf, sizeof(buf), MSG_QUIC_DATAGRAM);
	t_result(n == -1 && errno == EINVAL, "datagram_not_negotiated",
		 "sendmsg(MSG_QUIC_DATAGRAM) to a server without datagrams: %zd (%s), expected EINVAL",
		 n, n < 0 ? strerror(errno) : "sent");
	qt_tell('D');
	return 0;
}

static int nn_server(int fd, void *arg)
{
	(void)fd;
	(void)arg;
	qt_await('D', 30000);
	return 0;
}

int main(void)
{
	if (qt_init())
		return 1;
	qt_run(&(struct qt_pair){ .name = "datagram", .timeout = 60,
				  .srv_setup = enable_dgram, .cli_setup = enable_dgram,
				  .client = client, .server = server });
	qt_run(&(struct qt_pair){ .name = "datagram_not_negotiated", .timeout = 30,
				  .cli_setup = enable_dgram,
				  .client = nn_client, .server = nn_server });
	qt_done();
	return t_exit();
}
