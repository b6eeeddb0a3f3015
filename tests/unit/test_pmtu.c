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
	quic_pmtu_probe_sent(&p);
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
		quic_pmtu_probe_sent(&p);
		CHECK_EQ(quic_pmtu_probe_done(&p, 15360, false), 1200);
	}
	CHECK_EQ(quic_pmtu_probe_due(&p), arg ? 1452 : 1472);
	quic_pmtu_probe_sent(&p);
	/* a stale result of another size changes nothing */
	CHECK_EQ(quic_pmtu_probe_done(&p, 15360, true), 1200);
	CHECK_EQ(quic_pmtu_probe_done(&p, arg ? 1452 : 1472, true),
		 arg ? 1452 : 1472);
}

/* nothing gets through: the base size stays, probing stops */
static void t_all_lost(int arg)
{
	struct quic_pmtu p;
	int i;

	(void)arg;
	quic_pmtu_start(&p, 1472, false);
	for (i = 0; i < QUIC_PMTU_TRIES; i++) {
		CHECK_EQ(quic_pmtu_probe_due(&p), 1472);
		quic_pmtu_probe_sent(&p);
		quic_pmtu_probe_done(&p, 1472, false);
	}
	CHECK_EQ(quic_pmtu_probe_due(&p), 0);
	CHECK_EQ(p.size, 1200);
	/* a 1200-byte limit: nothing to probe at all */
	quic_pmtu_start(&p, 1200, false);
	CHECK_EQ(quic_pmtu_probe_due(&p), 0);
}

/* the route's MTU drops (ICMP too big) after a large size was in use */
static void t_limit_drops(int arg)
{
	struct quic_pmtu p;

	(void)arg;
	quic_pmtu_start(&p, 15360, false);
	quic_pmtu_probe_sent(&p);
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
	{ "pmtu_limit_drops", t_limit_drops, 0 },
	{ NULL, NULL, 0 },
};

const struct t_suite pmtu_suite = { .cases = cases };
