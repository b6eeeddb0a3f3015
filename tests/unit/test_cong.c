// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: congestion control, NewReno and CUBIC (src/kernel/cong*.c). */
#include <errno.h>
#include "test.h"
#include "pnspace.h"
#include "cong.h"

#define MSS	1200u
#define MS	1000ULL
#define SEC	1000000ULL

/* a window-limited sender: each round the window's packets are acked,
 * evenly over one smoothed RTT, each sent one RTT before its ACK
 */
struct sim {
	struct quic_cong c;
	struct quic_rtt rtt;
	u64 now;
};

static void sim_init(struct sim *s, u8 algo, u32 mss, u64 srtt)
{
	memset(s, 0, sizeof(*s));
	quic_cong_init(&s->c, algo, mss);
	quic_rtt_init(&s->rtt, (u32)srtt, 25000);
	s->rtt.latest = srtt;
	s->rtt.min = srtt;
	s->rtt.has_sample = true;
	s->now = 10 * SEC;
}

static void sim_round(struct sim *s)
{
	u64 srtt = s->rtt.smoothed, n, i, step;

	n = s->c.window / s->c.mss;
	if (!n)
		n = 1;
	step = srtt / n;
	for (i = 0; i < n; i++) {
		s->now += step;
		quic_cong_on_acked(&s->c, s->c.mss, s->now - srtt, s->now,
				   &s->rtt);
	}
	s->now += srtt - step * n;
}

/* a congestion event: the newest lost packet was sent just now */
static void sim_loss(struct sim *s)
{
	s->now += 1;
	quic_cong_on_lost(&s->c, s->now - 1, s->now);
}

/* the round after a loss: ACKs of packets sent before the recovery period,
 * which must not move the window
 */
static bool sim_drain(struct sim *s)
{
	u32 w = s->c.window;

	sim_round(s);
	return s->c.window == w;
}

static double dcbrt(double x)
{
	double y = x > 1 ? x / 3 : 1;
	int i;

	for (i = 0; i < 200; i++)
		y -= (y * y * y - x) / (3 * y * y);
	return y;
}

/* W_cubic(t) = C * (t - K)^3 + W_max, packets, t in s */
static double w_cubic(double t, double k, double w_max)
{
	double d = t - k;

	return 0.4 * d * d * d + w_max;
}

static bool near(double got, double want, double tol)
{
	double d = got - want;

	return (d < 0 ? -d : d) <= tol * want;
}

/* ---- NewReno ---- */

static void t_initial_window(int arg)
{
	struct quic_cong c;

	(void)arg;
	quic_cong_init(&c, QUIC_CONG_ALG_RENO, 1200);
	CHECK_EQ(c.window, 12000);
	CHECK_EQ(c.ssthresh, UINT32_MAX);
	CHECK_EQ(c.recovery_start, 0);
	quic_cong_init(&c, QUIC_CONG_ALG_CUBIC, 1500);
	CHECK_EQ(c.window, 14720);
	quic_cong_init(&c, QUIC_CONG_ALG_RENO, 9000);
	CHECK_EQ(c.window, 18000);
	/* an unknown algorithm is NewReno */
	quic_cong_init(&c, 200, 1200);
	CHECK_EQ(c.algo, QUIC_CONG_ALG_RENO);
}

static void t_slow_start_doubles(int arg)
{
	struct sim s;
	u32 w;
	int i;

	sim_init(&s, (u8)arg, MSS, 50 * MS);
	for (i = 0; i < 8; i++) {
		w = s.c.window;
		sim_round(&s);
		CHECKF(s.c.window == 2 * w, "round %d: %u -> %u", i, w,
		       s.c.window);
	}
}

static void t_reno_halves(int arg)
{
	struct sim s;

	(void)arg;
	sim_init(&s, QUIC_CONG_ALG_RENO, MSS, 50 * MS);
	sim_round(&s);
	sim_round(&s);
	CHECK_EQ(s.c.window, 48000);
	sim_loss(&s);
	CHECK_EQ(s.c.window, 24000);
	CHECK_EQ(s.c.ssthresh, 24000);
	CHECK_EQ(s.c.recovery_start, s.now);
}

static void t_reno_one_recovery(int arg)
{
	struct sim s;
	u64 start;

	(void)arg;
	sim_init(&s, QUIC_CONG_ALG_RENO, MSS, 50 * MS);
	sim_round(&s);
	sim_loss(&s);
	start = s.now;
	CHECK_EQ(s.c.window, 12000);
	/* more losses of packets sent before the period: same event */
	s.now += 10 * MS;
	quic_cong_on_lost(&s.c, start - 1, s.now);
	quic_cong_on_lost(&s.c, start, s.now);
	CHECK_EQ(s.c.window, 12000);
	CHECK_EQ(s.c.recovery_start, start);
	/* ACKs of packets sent before the period do not grow the window */
	quic_cong_on_acked(&s.c, MSS, start - 5, s.now, &s.rtt);
	CHECK_EQ(s.c.window, 12000);
	/* a packet sent after the period started ends it */
	quic_cong_on_lost(&s.c, start + 1, s.now);
	CHECK_EQ(s.c.window, 6000);
	CHECK_EQ(s.c.recovery_start, s.now);
}

static void t_reno_avoidance(int arg)
{
	struct sim s;
	int i;

	(void)arg;
	sim_init(&s, QUIC_CONG_ALG_RENO, MSS, 50 * MS);
	sim_round(&s);
	sim_loss(&s);
	CHECK_EQ(s.c.window, 12000);
	CHECK(sim_drain(&s));
	/* one mss per window of acknowledged bytes */
	for (i = 1; i <= 5; i++) {
		sim_round(&s);
		CHECK_EQ(s.c.window, 12000 + i * MSS);
	}
}

static void t_persistent(int arg)
{
	struct sim s;
	u32 ssthresh;

	sim_init(&s, (u8)arg, MSS, 50 * MS);
	sim_round(&s);
	sim_round(&s);
	sim_loss(&s);
	ssthresh = s.c.ssthresh;
	quic_cong_persistent(&s.c);
	CHECK_EQ(s.c.window, 2 * MSS);
	CHECK_EQ(s.c.recovery_start, 0);
	CHECK_EQ(s.c.ssthresh, ssthresh);
	/* a loss at the minimum window keeps it */
	sim_loss(&s);
	CHECK_EQ(s.c.window, 2 * MSS);
	CHECK_EQ(s.c.ssthresh, 2 * MSS);
}

/* ---- CUBIC ---- */

/* a CUBIC sender that lost at @w_max packets and is past recovery */
static bool cubic_after_loss(struct sim *s, u32 w_max, u64 srtt)
{
	sim_init(s, QUIC_CONG_ALG_CUBIC, MSS, srtt);
	s->c.window = w_max * MSS;
	sim_loss(s);
	return sim_drain(s) && !s->c.cubic.epoch_start;
}

static void t_cubic_beta(int arg)
{
	struct sim s;

	(void)arg;
	CHECK(cubic_after_loss(&s, 100, 50 * MS));
	CHECK_EQ(s.c.window, 70 * MSS);
	CHECK_EQ(s.c.ssthresh, 70 * MSS);
	CHECK_EQ(s.c.cubic.w_max, 100 * MSS);
	sim_round(&s);
	CHECK(s.c.window > 70 * MSS);
	/* the same event again: no second reduction */
	quic_cong_on_lost(&s.c, s.c.recovery_start, s.now);
	CHECK(s.c.window > 70 * MSS);
	/* a new one: 0.7 again */
	s.c.window = 80 * MSS;
	sim_loss(&s);
	CHECK_EQ(s.c.window, 56 * MSS);
}

static void t_cubic_k(int arg)
{
	const u32 w_max[] = { 20, 100, 1000, 10000 };
	struct sim s;
	double k;
	size_t i;

	(void)arg;
	for (i = 0; i < ARRAY_SIZE(w_max); i++) {
		CHECK(cubic_after_loss(&s, w_max[i], 50 * MS));
		sim_round(&s);	/* the first ACK starts the epoch */
		CHECK(s.c.cubic.epoch_start);
		/* K = cbrt(W_max * (1 - beta) / C) */
		k = dcbrt(w_max[i] * 0.3 / 0.4);
		CHECKF(near(s.c.cubic.k / 1024.0, k, 0.005),
		       "W_max %u: K %.4f s, want %.4f s", w_max[i],
		       s.c.cubic.k / 1024.0, k);
	}
	/* K = cbrt(75) = 4.2172 s for W_max = 100 packets */
	CHECK(cubic_after_loss(&s, 100, 50 * MS));
	sim_round(&s);
	CHECK(s.c.cubic.k >= 4314 && s.c.cubic.k <= 4320);
}

static void t_cubic_curve(int arg)
{
	const double at[] = { 1, 0.5, 1, 1.5, 2 };	/* s, then * K */
	struct sim s;
	double k, t, w, want;
	u64 epoch;
	size_t i;

	(void)arg;
	CHECK(cubic_after_loss(&s, 1000, 100 * MS));
	sim_round(&s);
	epoch = s.c.cubic.epoch_start;
	CHECK(epoch);
	k = dcbrt(1000 * 0.3 / 0.4);
	for (i = 0; i < ARRAY_SIZE(at); i++) {
		t = i ? at[i] * k : at[i];
		while (s.now - epoch < (u64)(t * SEC))
			sim_round(&s);
		t = (s.now - epoch) / (double)SEC;
		w = (double)s.c.window / MSS;
		want = w_cubic(t, k, 1000);
		CHECKF(near(w, want, 0.01),
		       "t %.2f s: window %.1f packets, W_cubic %.1f", t, w,
		       want);
	}
	/* the window left the Reno-friendly estimate behind */
	CHECK(s.c.window > s.c.cubic.w_est);
}

/* the window aims one RTT ahead, W_cubic(t + RTT), but grows by at most
 * half per RTT (RFC 9438 4.2)
 */
static void t_cubic_target(int arg)
{
	struct sim s;
	double k, t, w, want;
	u64 epoch;
	u32 w0;
	bool capped = false;

	(void)arg;
	/* 1 s RTT: without the lookahead the window would lag 7 % */
	CHECK(cubic_after_loss(&s, 100, 1000 * MS));
	k = dcbrt(100 * 0.3 / 0.4);
	sim_round(&s);
	epoch = s.c.cubic.epoch_start;
	while (s.now - epoch < (u64)((k + 3) * SEC))
		sim_round(&s);
	t = (s.now - epoch) / (double)SEC;
	w = (double)s.c.window / MSS;
	want = w_cubic(t, k, 100);
	CHECKF(near(w, want, 0.03), "t %.2f s: window %.1f, W_cubic %.1f",
	       t, w, want);
	/* W_max 5 packets: far in the convex region W_cubic(t + RTT) is
	 * more than 1.5 * cwnd
	 */
	CHECK(cubic_after_loss(&s, 5, 1000 * MS));
	while (s.c.window < 200 * MSS) {
		w0 = s.c.window;
		sim_round(&s);
		CHECKF(s.c.window <= (u64)w0 * 3 / 2, "%u -> %u", w0,
		       s.c.window);
		if (s.c.window >= (u64)w0 * 3 / 2 - MSS)
			capped = true;
	}
	CHECK(capped);
}

static void t_cubic_reno_friendly(int arg)
{
	struct sim s;
	double w, cub;
	int i;

	(void)arg;
	/* 1 ms RTT: Reno gains a packet per ms, the cubic curve barely moves */
	CHECK(cubic_after_loss(&s, 20, 1 * MS));
	sim_round(&s);
	for (i = 1; i < 1000; i++)
		sim_round(&s);
	w = (double)s.c.window / MSS;
	cub = w_cubic((s.now - s.c.cubic.epoch_start) / (double)SEC,
		      dcbrt(20 * 0.3 / 0.4), 20);
	CHECKF(w > 10 * cub, "window %.1f, W_cubic %.1f", w, cub);
	CHECK_EQ(s.c.window, s.c.cubic.w_est);
	/* 14 -> 20 at alpha = 9/17 per RTT (11.3 RTTs), then one per RTT */
	CHECKF(near(w, 20 + (1000 - 11.3), 0.02), "window %.1f", w);
}

static void t_cubic_fast_convergence(int arg)
{
	struct sim s;
	double k;

	(void)arg;
	CHECK(cubic_after_loss(&s, 100, 50 * MS));
	CHECK_EQ(s.c.cubic.w_max, 100 * MSS);
	/* a loss below the last W_max: W_max = cwnd * (1 + beta) / 2 */
	sim_round(&s);
	s.c.window = 70 * MSS;
	sim_loss(&s);
	CHECK_EQ(s.c.cubic.w_max, 70 * MSS * 17 / 20);
	CHECK_EQ(s.c.window, 49 * MSS);
	/* and K follows the lowered W_max */
	CHECK(sim_drain(&s));
	sim_round(&s);
	k = dcbrt((59.5 - 49) / 0.4);
	CHECKF(near(s.c.cubic.k / 1024.0, k, 0.005), "K %.4f, want %.4f",
	       s.c.cubic.k / 1024.0, k);
	/* a loss above it: W_max = cwnd */
	s.c.window = 90 * MSS;
	sim_loss(&s);
	CHECK_EQ(s.c.cubic.w_max, 90 * MSS);
}

static void t_cubic_persistent(int arg)
{
	struct sim s;
	u32 w;

	(void)arg;
	CHECK(cubic_after_loss(&s, 100, 50 * MS));
	quic_cong_persistent(&s.c);
	CHECK_EQ(s.c.window, 2 * MSS);
	CHECK_EQ(s.c.ssthresh, 70 * MSS);
	/* slow start up to ssthresh, then an epoch with K = 0 and W_max the
	 * window it started at: ssthresh (a multiple of the mss)
	 */
	while (!s.c.cubic.epoch_start) {
		w = s.c.window;
		sim_round(&s);
		CHECK(s.c.window == 2 * w || s.c.window >= s.c.ssthresh);
	}
	CHECK_EQ(s.c.cubic.k, 0);
	CHECK_EQ(s.c.cubic.w_max, 70 * MSS);
	CHECK_EQ(s.c.cubic.origin, 70 * MSS);
	CHECK(s.c.window > 70 * MSS);
}

/* ---- common ---- */

static void t_pacing(int arg)
{
	struct quic_rtt rtt;
	struct quic_cong c;

	(void)arg;
	/* before any sample: kInitialRtt, 2 * 12000 B / 333 ms */
	quic_cong_init(&c, QUIC_CONG_ALG_RENO, 1200);
	CHECK_EQ(c.pacing_rate, 72072);
	quic_rtt_init(&rtt, 100000, 25000);
	quic_cong_update_pacing(&c, &rtt);
	CHECK_EQ(c.pacing_rate, 240000);
	rtt.smoothed = 0;
	quic_cong_update_pacing(&c, &rtt);
	CHECK_EQ(c.pacing_rate, 72072);
	/* congestion avoidance: 1.25 * 6000 B / 100 ms */
	quic_cong_on_lost(&c, 1, 2);
	rtt.smoothed = 100000;
	quic_cong_update_pacing(&c, &rtt);
	CHECK_EQ(c.window, 6000);
	CHECK_EQ(c.pacing_rate, 75000);
	/* the ACK path keeps it current: 1.25 * 7200 B / 10 ms */
	rtt.smoothed = 10000;
	c.window = 7200;
	quic_cong_on_acked(&c, 1200, 3, 4, &rtt);
	CHECK_EQ(c.window, 7200);
	CHECK_EQ(c.pacing_rate, 900000);
	/* a 1 us RTT does not overflow */
	c.window = UINT32_MAX;
	rtt.smoothed = 1;
	quic_cong_update_pacing(&c, &rtt);
	CHECK_EQ(c.pacing_rate, (u64)UINT32_MAX * 1000000 * 5 / 4);
}

static void t_set_mss(int arg)
{
	struct quic_cong c;

	quic_cong_init(&c, (u8)arg, 1200);
	quic_cong_set_mss(&c, 1500);
	CHECK_EQ(c.mss, 1500);
	CHECK_EQ(c.window, 15000);
	CHECK_EQ(c.ssthresh, UINT32_MAX);
	quic_cong_on_lost(&c, 1, 2);
	CHECK_EQ(c.ssthresh, arg == QUIC_CONG_ALG_RENO ? 7500 : 10500);
	quic_cong_set_mss(&c, 1200);
	CHECK_EQ(c.ssthresh, arg == QUIC_CONG_ALG_RENO ? 6000 : 8400);
	CHECK_EQ(c.window, c.ssthresh);
	/* never below two packets of the new size */
	c.window = 2000;
	quic_cong_set_mss(&c, 1201);
	CHECK_EQ(c.window, 2402);
	quic_cong_set_mss(&c, 0);
	CHECK_EQ(c.mss, 1201);
	/* CUBIC keeps W_max in packets */
	if (arg == QUIC_CONG_ALG_CUBIC) {
		quic_cong_on_acked(&c, 1201, 3, 4, NULL);
		CHECK_EQ(c.cubic.w_max, 10 * 1201);
	}
}

static void t_names(int arg)
{
	struct quic_cong c;

	(void)arg;
	quic_cong_init(&c, QUIC_CONG_ALG_RENO, 1200);
	CHECK(!strcmp(quic_cong_name(&c), "reno"));
	quic_cong_init(&c, QUIC_CONG_ALG_CUBIC, 1200);
	CHECK(!strcmp(quic_cong_name(&c), "cubic"));
	CHECK_EQ(quic_cong_algo_by_name("reno"), QUIC_CONG_ALG_RENO);
	CHECK_EQ(quic_cong_algo_by_name("cubic"), QUIC_CONG_ALG_CUBIC);
	CHECK_EQ(quic_cong_algo_by_name("bbr"), -EINVAL);
	CHECK_EQ(quic_cong_algo_by_name(""), -EINVAL);
	CHECK_EQ(quic_cong_algo_by_name("cubic "), -EINVAL);
}

static const struct t_case cases[] = {
	{ "cong_initial_window", t_initial_window, 0 },
	{ "cong_reno_slow_start", t_slow_start_doubles, QUIC_CONG_ALG_RENO },
	{ "cong_reno_halves", t_reno_halves, 0 },
	{ "cong_reno_one_recovery", t_reno_one_recovery, 0 },
	{ "cong_reno_avoidance", t_reno_avoidance, 0 },
	{ "cong_reno_persistent", t_persistent, QUIC_CONG_ALG_RENO },
	{ "cong_cubic_slow_start", t_slow_start_doubles, QUIC_CONG_ALG_CUBIC },
	{ "cong_cubic_beta", t_cubic_beta, 0 },
	{ "cong_cubic_k", t_cubic_k, 0 },
	{ "cong_cubic_curve", t_cubic_curve, 0 },
	{ "cong_cubic_target", t_cubic_target, 0 },
	{ "cong_cubic_reno_friendly", t_cubic_reno_friendly, 0 },
	{ "cong_cubic_fast_convergence", t_cubic_fast_convergence, 0 },
	{ "cong_cubic_persistent", t_cubic_persistent, 0 },
	{ "cong_cubic_persistent_min", t_persistent, QUIC_CONG_ALG_CUBIC },
	{ "cong_pacing", t_pacing, 0 },
	{ "cong_reno_set_mss", t_set_mss, QUIC_CONG_ALG_RENO },
	{ "cong_cubic_set_mss", t_set_mss, QUIC_CONG_ALG_CUBIC },
	{ "cong_names", t_names, 0 },
	{ NULL, NULL, 0 },
};

const struct t_suite cong_suite = { .cases = cases };
