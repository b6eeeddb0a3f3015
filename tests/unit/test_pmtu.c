// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: the packet size search of a path (src/kernel/pmtu.c). */
#include "test.h"
#include "pmtu.h"

/* a jumbo route to a peer that takes them: one probe, then its size */
static void t_jumbo_acked(int arg)
{
	struct quic_pmtu p;

	(void)arg;
	quic_pmtu_start(&p, 15360, false);
	CHECK_EQ(p.size, 1200);
	CHECK_EQ(quic_pmtu_probe_due(&p), 15360);
	quic_pmtu_probe_sent(&p, quic_pmtu_probe_due(&p));
	CHECK_EQ(quic_pmtu_probe_due(&p), 0);	/* one at a time */
	CHECK_EQ(quic_pmtu_probe_done(&p, 15360, true), 15360);
	CHECK_EQ(quic_pmtu_probe_due(&p), 0);
}

/* a peer that cannot take the size it announced: after three lost
 * probes the Ethernet size is tried, and kept when acknowledged
 */
static void t_fallback_eth(int arg)
{
	struct quic_pmtu p;
	int i;

	quic_pmtu_start(&p, 15360, arg);
	for (i = 0; i < QUIC_PMTU_TRIES; i++) {
		CHECK_EQ(quic_pmtu_probe_due(&p), 15360);
		quic_pmtu_probe_sent(&p, quic_pmtu_probe_due(&p));
		CHECK_EQ(quic_pmtu_probe_done(&p, 15360, false), 1200);
	}
	CHECK_EQ(quic_pmtu_probe_due(&p), arg ? 1452 : 1472);
	quic_pmtu_probe_sent(&p, quic_pmtu_probe_due(&p));
	/* a stale result of another size changes nothing */
	CHECK_EQ(quic_pmtu_probe_done(&p, 15360, true), 1200);
	CHECK_EQ(quic_pmtu_probe_done(&p, arg ? 1452 : 1472, true),
		 arg ? 1452 : 1472);
}

/* nothing gets through: each size is tried QUIC_PMTU_TRIES times, the
 * search halves the gap to the base size until it is under
 * QUIC_PMTU_STEP, then stops with the base size
 */
static void t_all_lost(int arg)
{
	struct quic_pmtu p;
	u32 size, last = 1472 + 1;
	int i, sizes = 0;

	(void)arg;
	quic_pmtu_start(&p, 1472, false);
	while ((size = quic_pmtu_probe_due(&p)) && sizes < 20) {
		CHECK(size > 1200 && size < last);	/* always smaller */
		last = size;
		sizes++;
		for (i = 0; i < QUIC_PMTU_TRIES; i++) {
			CHECK_EQ(quic_pmtu_probe_due(&p), size);
			quic_pmtu_probe_sent(&p, size);
			quic_pmtu_probe_done(&p, size, false);
		}
	}
	CHECK_EQ(size, 0);
	CHECK(sizes >= 2 && sizes <= 5);	/* 1472, 1336, 1268, 1234 */
	CHECK(last - 1200 < 2 * QUIC_PMTU_STEP);
	CHECK_EQ(p.size, 1200);
	/* a 1200-byte limit: nothing to probe at all */
	quic_pmtu_start(&p, 1200, false);
	CHECK_EQ(quic_pmtu_probe_due(&p), 0);
}

/* a path of 1400: the search closes in on it from above and below */
static void t_search_between(int arg)
{
	struct quic_pmtu p;
	u32 size;
	int i, n = 0;

	(void)arg;
	quic_pmtu_start(&p, 9000, false);
	while ((size = quic_pmtu_probe_due(&p)) && n++ < 40) {
		bool ok = size <= 1400;

		for (i = 0; i < (ok ? 1 : QUIC_PMTU_TRIES); i++) {
			quic_pmtu_probe_sent(&p, size);
			quic_pmtu_probe_done(&p, size, ok);
		}
	}
	CHECK_EQ(size, 0);
	CHECK(p.size <= 1400 && p.size > 1400 - QUIC_PMTU_STEP);
}

/* the route's MTU drops (ICMP too big) after a large size was in use */
static void t_limit_drops(int arg)
{
	struct quic_pmtu p;

	(void)arg;
	quic_pmtu_start(&p, 15360, false);
	quic_pmtu_probe_sent(&p, quic_pmtu_probe_due(&p));
	quic_pmtu_probe_done(&p, 15360, true);
	CHECK_EQ(quic_pmtu_limit(&p, 15360), 15360);
	CHECK_EQ(quic_pmtu_limit(&p, 1400), 1400);
	CHECK_EQ(quic_pmtu_limit(&p, 9000), 1400);	/* not raised again */
	CHECK_EQ(quic_pmtu_limit(&p, 1000), 1200);	/* never below the base */
}

static const struct t_case cases[] = {
	{ "pmtu_jumbo_acked", t_jumbo_acked, 0 },
	{ "pmtu_fallback_eth_ipv4", t_fallback_eth, 0 },
	{ "pmtu_fallback_eth_ipv6", t_fallback_eth, 1 },
	{ "pmtu_all_lost", t_all_lost, 0 },
	{ "pmtu_search_between", t_search_between, 0 },
	{ "pmtu_limit_drops", t_limit_drops, 0 },
	{ NULL, NULL, 0 },
};

const struct t_suite pmtu_suite = { .cases = cases };
