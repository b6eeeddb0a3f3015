// SPDX-License-Identifier: GPL-2.0-or-later
/* The congestion control choice (QUIC_SOCKOPT_CONFIG
 * congestion_control_algo) and its line in /proc/net/quic/sks, whose header
 * has the columns "CC CWND SRTT" after MSS (CC reno|cubic, CWND bytes, SRTT us;
 * "-" for listeners):
 *
 *   cong_bad_algo_einval       QUIC_CONG_ALG_MAX: EINVAL
 *   cong_proc_header           the header line has CC CWND SRTT
 *   cong_proc_listener         a listener's line has "- - -" there
 *   cong_<algo>_getsockopt     set before connect, read back (reno, cubic)
 *   cong_<algo>_transfer       4 MiB to the server, intact
 *   cong_<algo>_proc           the client connection's line in
 *                              /proc/net/quic/sks shows <algo> and a CWND > 0
 */
#include "conn.h"

static const char *const algo_name[] = { "reno", "cubic" };
static char err[256];

static int set_algo(int fd, int algo)
{
	struct quic_config c;

	if (qt_get_config(fd, &c))
		return -1;
	c.congestion_control_algo = (uint8_t)algo;
	return setsockopt(fd, SOL_QUIC, QUIC_SOCKOPT_CONFIG, &c, sizeof(c));
}

/* "127.0.0.1:port" or "[::1]:port" as /proc/net/quic/sks prints it */
static void local_name(int fd, char *out, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char a[INET6_ADDRSTRLEN] = "?";

	getsockname(fd, (struct sockaddr *)&ss, &sl);
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(out, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(out, len, "%s:%u", a, ntohs(s4->sin_port));
	}
}

/* the CC, CWND and SRTT columns (the 8th to 10th) of the line of @addr
 * (first column); 0 if found. With @addr NULL: of the header line.
 */
static int proc_cols(const char *addr, char cols[3][32])
{
	char line[512];
	FILE *f = fopen("/proc/net/quic/sks", "re");
	int found = 0, first = 1;

	if (!f) {
		snprintf(err, sizeof(err), "/proc/net/quic/sks: %s", strerror(errno));
		return -1;
	}
	while (!found && fgets(line, sizeof(line), f)) {
		char *tok[32], *save = NULL, *t;
		int n = 0;

		for (t = strtok_r(line, " \t\n", &save); t && n < 32;
		     t = strtok_r(NULL, " \t\n", &save))
			tok[n++] = t;
		if (n < 10 || (addr ? first || strcmp(tok[0], addr) : !first)) {
			first = 0;
			continue;
		}
		for (int i = 0; i < 3; i++)
			snprintf(cols[i], 32, "%s", tok[7 + i]);
		found = 1;
	}
	fclose(f);
	if (!found)
		snprintf(err, sizeof(err), "no line for %s in /proc/net/quic/sks",
			 addr ? addr : "the header");
	return found ? 0 : -1;
}

static void test_static(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char cols[3][32], name[128];
	int fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_QUIC);

	T_ERR("cong_bad_algo_einval", set_algo(fd, QUIC_CONG_ALG_MAX), EINVAL);
	if (proc_cols(NULL, cols))
		t_result(0, "cong_proc_header", "%s", err);
	else
		t_result(!strcmp(cols[0], "CC") && !strcmp(cols[1], "CWND") &&
			 !strcmp(cols[2], "SRTT"), "cong_proc_header",
			 "the header has '%s %s %s', expected 'CC CWND SRTT'",
			 cols[0], cols[1], cols[2]);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1)) {
		t_result(0, "cong_proc_listener", "bind/listen: %s", strerror(errno));
	} else {
		local_name(fd, name, sizeof(name));
		if (proc_cols(name, cols))
			t_result(0, "cong_proc_listener", "%s", err);
		else
			t_result(!strcmp(cols[0], "-") && !strcmp(cols[1], "-") &&
				 !strcmp(cols[2], "-"), "cong_proc_listener",
				 "the listener's line has '%s %s %s', expected '- - -'",
				 cols[0], cols[1], cols[2]);
	}
	close(fd);
}

#define XFER	(4 * QT_MB)

static int setup(int fd, void *arg)
{
	return set_algo(fd, *(int *)arg);
}

static int client(int fd, void *arg)
{
	int algo = *(int *)arg;
	char name[64], addr[128], cols[3][32];
	struct quic_config c;
	long long cwnd;
	char *end;

	snprintf(name, sizeof(name), "cong_%s_getsockopt", algo_name[algo]);
	if (qt_get_config(fd, &c))
		t_result(0, name, "getsockopt: %s", strerror(errno));
	else
		T_EQ(name, c.congestion_control_algo, algo);
	snprintf(name, sizeof(name), "cong_%s_transfer", algo_name[algo]);
	qt_stage = "sending";
	if (qt_send_pattern(fd, 0, 0, XFER, -1, MSG_QUIC_STREAM_NEW)) {
		t_result(0, name, "sendmsg: %s", strerror(errno));
		qt_tell('X');
		return -1;
	}
	qt_stage = "waiting for the server to read";
	if (qt_await('R', 60000))
		return -1;
	snprintf(name, sizeof(name), "cong_%s_proc", algo_name[algo]);
	local_name(fd, addr, sizeof(addr));
	if (proc_cols(addr, cols)) {
		t_result(0, name, "%s", err);
	} else {
		cwnd = strtoll(cols[1], &end, 10);
		t_result(!strcmp(cols[0], algo_name[algo]) && !*end && cwnd > 0, name,
			 "the connection's line has '%s %s %s', expected '%s <cwnd > 0> <srtt>'",
			 cols[0], cols[1], cols[2], algo_name[algo]);
		if (!strcmp(cols[0], algo_name[algo]))
			printf("INFO %s: CC %s CWND %s SRTT %s\n", name, cols[0], cols[1],
			       cols[2]);
	}
	qt_tell('D');
	return 0;
}

static int server(int fd, void *arg)
{
	int algo = *(int *)arg;
	struct qt_rstream st;
	char name[64];
	int ok;

	snprintf(name, sizeof(name), "cong_%s_transfer", algo_name[algo]);
	qt_stage = "reading";
	ok = !qt_read_streams(fd, &st, 1, 0, XFER, err, sizeof(err));
	t_result(ok, name, "server: %s", err);
	qt_tell('R');
	qt_await('D', 30000);
	return ok ? 0 : -1;
}

int main(void)
{
	static int algos[] = { QUIC_CONG_ALG_RENO, QUIC_CONG_ALG_CUBIC };
	static const char *const cases[] = { "cong_reno", "cong_cubic" };

	if (qt_init())
		return 1;
	test_static();
	for (unsigned int i = 0; i < 2; i++)
		qt_run(&(struct qt_pair){ .name = cases[i], .timeout = 90,
					  .srv_setup = setup, .cli_setup = setup,
					  .client = client, .server = server,
					  .arg = &algos[i] });
	qt_done();
	return t_exit();
}
