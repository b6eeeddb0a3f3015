/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Packet size search of a path (RFC 9000 14.3, RFC 8899 in a simple form):
 * which UDP payload sizes to probe, and what an acknowledged or lost probe
 * means.
 */

#ifndef __QUIC_PMTU_H__
#define __QUIC_PMTU_H__

#include <linux/types.h>

#define QUIC_PMTU_BASE		1200	/* every path carries it (RFC 9000 14) */
#define QUIC_PMTU_ETH4		1472	/* Ethernet MTU minus IPv4 and UDP */
#define QUIC_PMTU_ETH6		1452	/* Ethernet MTU minus IPv6 and UDP */
#define QUIC_PMTU_TRIES		3	/* probes of one size before giving up */

/**
 * struct quic_pmtu - packet size search
 * @limit: the largest size worth trying: the route's MTU and both sides'
 *	max_udp_payload_size allow it
 * @eth: the Ethernet-sized step tried when @limit fails
 * @probe: size of the probe to send or in flight, 0 if none
 * @in_flight: the probe of @probe bytes is sent and not resolved yet
 * @size: the size validated so far (acknowledged probe, or the base)
 * @fails: probes of @probe bytes lost so far (a random loss is not the
 *	answer: a size is given up after QUIC_PMTU_TRIES)
 * @eth_base: the Ethernet size of the address family
 */
struct quic_pmtu {
	u32 limit;
	u32 eth;
	u32 probe;
	bool in_flight;
	u32 size;
	u8 fails;
	u32 eth_base;
};

void quic_pmtu_start(struct quic_pmtu *p, u32 limit, bool ipv6);
u32 quic_pmtu_limit(struct quic_pmtu *p, u32 limit);
u32 quic_pmtu_probe_due(const struct quic_pmtu *p);
void quic_pmtu_probe_sent(struct quic_pmtu *p);
u32 quic_pmtu_probe_done(struct quic_pmtu *p, u32 size, bool acked);
void quic_pmtu_reprobe(struct quic_pmtu *p);
u32 quic_pmtu_blackhole(struct quic_pmtu *p);

#endif /* __QUIC_PMTU_H__ */
