/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Packet size search of a path (RFC 9000 14.3, RFC 8899): which UDP
 * payload sizes to probe, what an acknowledged or lost probe means, and
 * when the sizes in use stopped arriving (a black hole).
 */

#ifndef __QUIC_PMTU_H__
#define __QUIC_PMTU_H__

#include <linux/types.h>

#define QUIC_PMTU_BASE		1200	/* every path carries it (RFC 9000 14) */
#define QUIC_PMTU_ETH4		1472	/* Ethernet MTU minus IPv4 and UDP */
#define QUIC_PMTU_ETH6		1452	/* Ethernet MTU minus IPv6 and UDP */
#define QUIC_PMTU_TRIES		3	/* probes of one size before giving up
					 * (MAX_PROBES of RFC 8899 5.1.2)
					 */
#define QUIC_PMTU_STEP		32	/* the search ends this close */
#define QUIC_PMTU_BH_LOSSES	3	/* large packets lost, none acked */

/**
 * struct quic_pmtu - packet size search
 * @limit: the largest size worth trying: the route's MTU and both sides'
 *	max_udp_payload_size allow it
 * @eth_base: the Ethernet size of the address family, tried after @limit
 * @size: the size validated so far (acknowledged probe, or the base)
 * @hi: the smallest size lost in this search, 0 for none (@limit + 1)
 * @probe: size of the probe in flight, or lost and to be sent again, 0 if
 *	none
 * @big_acked: us, when the newest acknowledged packet larger than the base
 *	size was sent
 * @fails: probes of @probe bytes lost so far (a random loss is not the
 *	answer: a size is given up after QUIC_PMTU_TRIES)
 * @bh_losses: packets larger than the base lost that were sent after
 *	@big_acked
 * @in_flight: the probe of @probe bytes is sent and not resolved yet
 * @searching: a search is going on
 */
struct quic_pmtu {
	u32 limit;
	u32 eth_base;
	u32 size;
	u32 hi;
	u32 probe;
	u64 big_acked;
	u8 fails;
	u8 bh_losses;
	bool in_flight;
	bool searching;
};

void quic_pmtu_start(struct quic_pmtu *p, u32 limit, bool ipv6);
u32 quic_pmtu_limit(struct quic_pmtu *p, u32 limit);
u32 quic_pmtu_probe_due(struct quic_pmtu *p);
void quic_pmtu_probe_sent(struct quic_pmtu *p, u32 size);
u32 quic_pmtu_probe_done(struct quic_pmtu *p, u32 size, bool acked);
void quic_pmtu_reprobe(struct quic_pmtu *p);
u32 quic_pmtu_blackhole(struct quic_pmtu *p);
void quic_pmtu_pkt_acked(struct quic_pmtu *p, u32 size, u64 time_sent);
bool quic_pmtu_pkt_lost(struct quic_pmtu *p, u32 size, u64 time_sent);

#endif /* __QUIC_PMTU_H__ */
