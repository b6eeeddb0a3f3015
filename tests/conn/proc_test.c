// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/net/quic/sks during a connection: the line of each side (found by
 * its socket inode) shows the addresses, the state, the connection IDs in
 * use, RTT, cwnd, MSS and the bytes sent and received.
 *
 *   proc_sks_header        the columns named in quic(7)
 *   proc_sks_client_line   the client's line: ESTABLISHED, local and remote
 *                          address as getsockname()/getpeername(), MSS,
 *                          cwnd and SRTT set
 *   proc_sks_cids          the client's DCID is the server's SCID and the
 *                          other way round
 *   proc_sks_cid_switch    after QUIC_SOCKOPT_CONNECTION_ID moved the
 *                          client to another Destination ID, its DCID
 *                          column changed
 *   proc_sks_bytes         SENT and RCVD grew by at least the 256 KiB the
 *                          client sent / the server received
 *   proc_sks_limit         the client writes on a new stream the server
 *                          does not read: its line shows LIMIT "stream"
 *                          (the peer's MAX_STREAM_DATA holds it) and
 *                          INFLIGHT 0 once everything sent is acknowledged
 */
#include <poll.h>
#include <sys/stat.h>

#include "conn.h"

#define DATA	(256 * 1024)

struct sks {
	char local[64], type[8], family[8], state[16], cc[8];
	char remote[64], scid[48], dcid[48], limit[16];
	unsigned long uid, inode, mss, cwnd, srtt;
	unsigned long long sent, rcvd, inflight;
};

static int hdr_ok = -1;

/* the line of the socket with inode @ino */
static int sks_find(unsigned long ino, struct sks *e)
{
	char line[512];
	FILE *f = fopen("/proc/net/quic/sks", "r");
	int found = -1;

	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f))
		hdr_ok = strstr(line, "REMOTE_ADDRESS") && strstr(line, "SCID") &&
			 strstr(line, "DCID") && strstr(line, "SENT") &&
			 strstr(line, "RCVD") && strstr(line, "SRTT") &&
			 strstr(line, "CWND") && strstr(line, "MSS") &&
			 strstr(line, "INFLIGHT") && strstr(line, "LIMIT");
	while (fgets(line, sizeof(line), f)) {
		memset(e, 0, sizeof(*e));
		if (sscanf(line, "%63s %7s %7s %15s %lu %lu %lu %7s %lu %lu %63s %47s %47s %llu %llu %llu %15s",
			   e->local, e->type, e->family, e->state, &e->uid,
			   &e->inode, &e->mss, e->cc, &e->cwnd, &e->srtt,
			   e->remote, e->scid, e->dcid, &e->sent, &e->rcvd,
			   &e->inflight, e->limit) == 17 &&
		    e->inode == ino) {
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

static unsigned long ino_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : (unsigned long)st.st_ino;
}

/* write on stream 4, which the server does not read, until the peer's
 * stream limit holds the data back and nothing is in flight (or 10 s)
 */
static void proc_limit(int fd, const unsigned char *buf)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	unsigned long long sent = 0;
	struct sks e = { .limit = "?" };
	int i, ok = 0;
	ssize_t n;

	for (i = 0; i < 100 && !ok; i++) {
		do {
			n = qt_send(fd, buf, 16384, 4, sent ? 0 : MSG_QUIC_STREAM_NEW,
				    MSG_DONTWAIT);
			if (n > 0)
				sent += (unsigned long long)n;
		} while (n > 0);
		if (n < 0 && errno != EAGAIN) {
			t_result(0, "proc_sks_limit", "send: %s", strerror(errno));
			return;
		}
		if (!sks_find(ino_of(fd), &e) && !strcmp(e.limit, "stream") &&
		    !e.inflight)
			ok = 1;
		else
			poll(&pfd, 1, 100);
	}
	t_result(ok, "proc_sks_limit", "after %llu bytes on stream 4: LIMIT %s, INFLIGHT %llu",
		 sent, e.limit, e.inflight);
}

static int client(int fd, void *arg)
{
	static unsigned char buf[DATA];
	struct quic_connection_id_info ci = { .dest = 1 };
	struct sockaddr_in l, p;
	socklen_t sl = sizeof(l), pl = sizeof(p), cl = sizeof(ci);
	char want_l[64], want_p[64], a[INET_ADDRSTRLEN];
	struct sks e0, e1;
	int rc = -1;

	(void)arg;
	if (sks_find(ino_of(fd), &e0)) {
		t_result(0, "proc_sks_client_line", "no line with inode %lu",
			 ino_of(fd));
		qt_tell('X');
		return -1;
	}
	t_result(hdr_ok == 1, "proc_sks_header", "columns missing");
	getsockname(fd, (struct sockaddr *)&l, &sl);
	getpeername(fd, (struct sockaddr *)&p, &pl);
	inet_ntop(AF_INET, &l.sin_addr, a, sizeof(a));
	snprintf(want_l, sizeof(want_l), "%s:%u", a, ntohs(l.sin_port));
	inet_ntop(AF_INET, &p.sin_addr, a, sizeof(a));
	snprintf(want_p, sizeof(want_p), "%s:%u", a, ntohs(p.sin_port));
	t_result(!strcmp(e0.state, "ESTABLISHED") && !strcmp(e0.local, want_l) &&
		 !strcmp(e0.remote, want_p) && e0.mss >= 1200 && e0.cwnd > 0 &&
		 e0.srtt > 0 && strlen(e0.scid) == 16 && strlen(e0.dcid) >= 16,
		 "proc_sks_client_line",
		 "%s local %s (want %s) remote %s (want %s) mss %lu cwnd %lu srtt %lu scid %s dcid %s",
		 e0.state, e0.local, want_l, e0.remote, want_p, e0.mss, e0.cwnd,
		 e0.srtt, e0.scid, e0.dcid);

	/* the server's line, written by the server before 'S' */
	if (qt_await('S', 10000)) {
		t_result(0, "proc_sks_cids", "no word from the server");
		return -1;
	}
	qt_fill(buf, DATA, 0, 0);
	if (qt_send_all(fd, buf, DATA, -1, MSG_QUIC_STREAM_NEW | MSG_QUIC_STREAM_FIN))
		t_result(0, "proc_sks_bytes", "send: %s", strerror(errno));
	/* move to the server's next ID */
	if (!getsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_ID, &ci, &cl)) {
		ci.active++;
		for (int i = 0; i < 100; i++) {
			rc = setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONNECTION_ID,
					&ci, sizeof(ci));
			if (!rc || errno != EINVAL)
				break;
			usleep(20000);
		}
	}
	qt_await('R', 20000);
	sks_find(ino_of(fd), &e1);
	t_result(!rc && strcmp(e1.dcid, e0.dcid) && strlen(e1.dcid) >= 16,
		 "proc_sks_cid_switch", "set %d (%s), DCID %s then %s", rc,
		 rc ? strerror(errno) : "", e0.dcid, e1.dcid);
	t_result(e1.sent >= e0.sent + DATA && e1.rcvd > e0.rcvd,
		 "proc_sks_bytes", "sent %llu -> %llu, received %llu -> %llu",
		 e0.sent, e1.sent, e0.rcvd, e1.rcvd);
	proc_limit(fd, buf);
	qt_tell('D');
	return 0;
}

static int server(int fd, void *arg)
{
	static unsigned char buf[65536];
	struct sks e0, e1, c;
	struct qt_rcv r;
	uint64_t got = 0;
	ssize_t n;

	(void)arg;
	if (sks_find(ino_of(fd), &e0)) {
		t_result(0, "proc_sks_server_line", "no line");
		qt_tell('X');
		return -1;
	}
	/* some other line (the client's) has our SCID as its DCID and our
	 * DCID as its SCID; the client switches IDs only after 'S'
	 */
	{
		char line[512];
		FILE *f = fopen("/proc/net/quic/sks", "r");
		int match = 0;

		while (f && fgets(line, sizeof(line), f)) {
			memset(&c, 0, sizeof(c));
			if (sscanf(line, "%63s %7s %7s %15s %lu %lu %lu %7s %lu %lu %63s %47s %47s %llu %llu",
				   c.local, c.type, c.family, c.state, &c.uid,
				   &c.inode, &c.mss, c.cc, &c.cwnd, &c.srtt,
				   c.remote, c.scid, c.dcid, &c.sent, &c.rcvd) == 15 &&
			    c.inode != e0.inode && !strcmp(c.scid, e0.dcid) &&
			    !strcmp(c.dcid, e0.scid))
				match = 1;
		}
		if (f)
			fclose(f);
		t_result(match, "proc_sks_cids", "no line with SCID %s and DCID %s",
			 e0.dcid, e0.scid);
	}
	qt_tell('S');
	do {
		n = qt_recv(fd, buf, sizeof(buf), 0, &r);
		if (n > 0 && r.sid == 0)
			got += (uint64_t)n;
	} while (n > 0 && !(r.sid == 0 && (r.sflags & MSG_QUIC_STREAM_FIN)));
	sks_find(ino_of(fd), &e1);
	qt_tell('R');
	t_result(got == DATA && e1.rcvd >= e0.rcvd + DATA,
		 "proc_sks_bytes_server", "read %llu, RCVD %llu -> %llu",
		 (unsigned long long)got, e0.rcvd, e1.rcvd);
	qt_await('D', 20000);
	return 0;
}

int main(void)
{
	struct qt_pair p = {
		.name = "proc_sks",
		.client = client,
		.server = server,
		.timeout = 60,
	};

	if (qt_init())
		return 1;
	qt_run(&p);
	qt_done();
	return t_exit();
}
