// SPDX-License-Identifier: GPL-2.0-or-later
/* MSG_QUIC_STREAM_SNDBLOCK: the server's listening socket gives a client
 * stream 64 KiB of credit (max_stream_data_bidi_remote) and reads nothing
 * until told.
 *
 *   sndblock_partial     256 KiB with SNDBLOCK and MSG_DONTWAIT: exactly the
 *                        64 KiB the credit covers are taken
 *   sndblock_eagain      1000 more bytes with SNDBLOCK, MSG_DONTWAIT: EAGAIN
 *   sndblock_off_queues  1000 bytes without SNDBLOCK: queued beyond the
 *                        credit (SO_SNDBUF bounds them)
 *   sndblock_waits       64 KiB with SNDBLOCK, blocking: done once the
 *                        server reads and grants more credit
 *   sndblock_data        the server reads every byte once, in order
 */
#include "conn.h"

#define CREDIT		65536
#define TOTAL		(CREDIT + 1000 + CREDIT)

static char err[256];

static int srv_setup(int lfd, void *arg)
{
	struct quic_transport_param tp;

	(void)arg;
	if (qt_get_tp(lfd, &tp))
		return -1;
	tp.max_stream_data_bidi_remote = CREDIT;
	return qt_set_tp(lfd, &tp);
}

static int client(int fd, void *arg)
{
	static unsigned char buf[4 * CREDIT];
	ssize_t rc;

	(void)arg;
	qt_fill(buf, sizeof(buf), 0, 0);
	qt_stage = "sending 256 KiB with SNDBLOCK, MSG_DONTWAIT";
	rc = qt_send(fd, buf, sizeof(buf), -1,
		     MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_SNDBLOCK, MSG_DONTWAIT);
	T_EQ("sndblock_partial", rc, CREDIT);
	if (rc != CREDIT) {
		qt_tell('X');
		return -1;
	}
	errno = 0;
	rc = qt_send(fd, buf + CREDIT, 1000, 0, MSG_QUIC_STREAM_SNDBLOCK,
		     MSG_DONTWAIT);
	t_result(rc == -1 && errno == EAGAIN, "sndblock_eagain",
		 "returned %zd (%s), expected EAGAIN", rc,
		 rc < 0 ? strerror(errno) : "took data beyond the credit");
	rc = qt_send(fd, buf + CREDIT, 1000, 0, 0, MSG_DONTWAIT);
	T_EQ("sndblock_off_queues", rc, 1000);
	qt_tell('R');
	qt_stage = "sending 64 KiB with SNDBLOCK, blocking";
	rc = qt_send(fd, buf + CREDIT + 1000, CREDIT, 0,
		     MSG_QUIC_STREAM_SNDBLOCK | MSG_QUIC_STREAM_FIN, 0);
	T_EQ("sndblock_waits", rc, CREDIT);
	qt_stage = "waiting for the server";
	qt_await('D', 30000);
	return 0;
}

static int server(int fd, void *arg)
{
	struct qt_rstream st;

	(void)arg;
	qt_stage = "waiting for the client's sends";
	if (qt_await('R', 30000))
		return 0;
	qt_stage = "reading the stream";
	t_result(!qt_read_streams(fd, &st, 1, 0, TOTAL, err, sizeof(err)),
		 "sndblock_data", "server: %s", err);
	qt_tell('D');
	return 0;
}

int main(void)
{
	if (qt_init())
		return 1;
	qt_run(&(struct qt_pair){ .name = "sndblock", .timeout = 60,
				  .client = client, .server = server,
				  .srv_setup = srv_setup });
	qt_done();
	return t_exit();
}
