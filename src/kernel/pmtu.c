// SPDX-License-Identifier: GPL-2.0-or-later
/* Packet size search of a path: datagrams stay at 1200 bytes until a
 * probe of a larger size is acknowledged. The largest size the route and
 * both endpoints allow is tried first, then the Ethernet size; a peer or
 * path that cannot take a size simply does not acknowledge its probe (some
 * peers announce a max_udp_payload_size they cannot decrypt).
 */

#include <linux/kernel.h>
#include "pmtu.h"

/**
 * quic_pmtu_start - begin the search once the handshake is confirmed
 * @p: state
 * @limit: largest UDP payload the route and both sides allow
 * @ipv6: the path is IPv6 (its Ethernet step is smaller)
 */
void quic_pmtu_start(struct quic_pmtu *p, u32 limit, bool ipv6)
{
	p->limit = limit;
	p->eth_base = ipv6 ? QUIC_PMTU_ETH6 : QUIC_PMTU_ETH4;
	p->eth = min(limit, p->eth_base);
	p->size = QUIC_PMTU_BASE;
	p->in_flight = false;
	p->fails = 0;
	p->probe = limit > QUIC_PMTU_BASE ? limit : 0;
}

/**
 * quic_pmtu_limit - the route's limit changed (ICMP "too big", a new
 *	route): sizes above it are given up at once; a larger limit is only
 *	tried by the next search (quic_pmtu_reprobe())
 * @p: state
 * @limit: the new largest allowed size
 *
 * Return: the size to use now.
 */
u32 quic_pmtu_limit(struct quic_pmtu *p, u32 limit)
{
	if (limit >= p->limit) {
		if (limit > p->limit && !p->in_flight) {
			p->limit = limit;
			p->eth = min(limit, p->eth_base);
		}
		return p->size;
	}
	p->limit = limit;
	p->eth = min(p->eth, limit);
	p->size = min(p->size, max_t(u32, limit, QUIC_PMTU_BASE));
	if (p->probe > limit && !p->in_flight)
		p->probe = p->eth > p->size ? p->eth : 0;
	return p->size;
}

/* Return: the size of a probe to send now, 0 if none */
u32 quic_pmtu_probe_due(const struct quic_pmtu *p)
{
	return p->in_flight ? 0 : p->probe;
}

void quic_pmtu_probe_sent(struct quic_pmtu *p)
{
	p->in_flight = true;
}

/**
 * quic_pmtu_probe_done - a probe of @size bytes was acknowledged or lost
 * @p: state
 * @size: its size
 * @acked: acknowledged (else lost)
 *
 * Return: the size to use now.
 */
u32 quic_pmtu_probe_done(struct quic_pmtu *p, u32 size, bool acked)
{
	if (!p->in_flight || size != p->probe)
		return p->size;
	p->in_flight = false;
	if (acked) {
		p->size = max(p->size, min(size, p->limit));
		p->probe = 0;
		p->fails = 0;
		return p->size;
	}
	/* lost: again, then the Ethernet size, then stay where we are */
	if (++p->fails < QUIC_PMTU_TRIES)
		return p->size;
	p->fails = 0;
	p->probe = size > p->eth && p->eth > p->size ? p->eth : 0;
	return p->size;
}

/**
 * quic_pmtu_reprobe - search again (RFC 8899 5.1.1, the probe timer of a
 *	plpmtud_probe_interval): the largest allowed size first, then the
 *	Ethernet size, as at the start
 * @p: state
 */
void quic_pmtu_reprobe(struct quic_pmtu *p)
{
	if (p->in_flight)
		return;
	p->fails = 0;
	if (p->limit > p->size)
		p->probe = p->limit;
	else
		p->probe = 0;
}

/**
 * quic_pmtu_blackhole - packets of the current size stopped arriving
 *	(RFC 8899 4.3): back to the base size, and search again
 * @p: state
 *
 * Return: the size to use now.
 */
u32 quic_pmtu_blackhole(struct quic_pmtu *p)
{
	p->size = QUIC_PMTU_BASE;
	p->in_flight = false;
	p->fails = 0;
	p->probe = p->limit > QUIC_PMTU_BASE ? p->limit : 0;
	return p->size;
}
