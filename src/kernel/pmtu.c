// SPDX-License-Identifier: GPL-2.0-or-later
/* Packet size search of a path (RFC 8899 5): datagrams stay at 1200 bytes
 * until a probe of a larger size is acknowledged. The largest size the
 * route and both endpoints allow is tried first, then the Ethernet size,
 * then the sizes between the largest acknowledged and the smallest lost
 * one, halving the gap; a peer or path that cannot take a size simply does
 * not acknowledge its probe (some peers announce a max_udp_payload_size
 * they cannot decrypt). Packets larger than the base size that stop
 * arriving are a black hole (RFC 8899 4.3): back to the base, and search.
 */

#include <linux/kernel.h>
#include <linux/string.h>
#include "pmtu.h"

/**
 * quic_pmtu_start - begin the search once the handshake is confirmed
 * @p: state
 * @limit: largest UDP payload the route and both sides allow
 * @ipv6: the path is IPv6 (its Ethernet step is smaller)
 */
void quic_pmtu_start(struct quic_pmtu *p, u32 limit, bool ipv6)
{
	memset(p, 0, sizeof(*p));
	p->limit = limit;
	p->eth_base = ipv6 ? QUIC_PMTU_ETH6 : QUIC_PMTU_ETH4;
	p->size = QUIC_PMTU_BASE;
	p->searching = limit > QUIC_PMTU_BASE;
}

/* the smallest size known not to pass in this search */
static u32 quic_pmtu_hi(const struct quic_pmtu *p)
{
	return p->hi && p->hi <= p->limit ? p->hi : p->limit + 1;
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
	if (limit == p->limit)
		return p->size;
	if (limit > p->limit) {
		/* what failed below the old limit still fails */
		if (p->hi > p->limit)
			p->hi = 0;
		p->limit = limit;
		return p->size;
	}
	p->limit = limit;
	p->size = min(p->size, max_t(u32, limit, QUIC_PMTU_BASE));
	if (!p->in_flight && p->probe > limit) {
		p->probe = 0;
		p->fails = 0;
	}
	return p->size;
}

/* the next size to try in this search, 0 when it is over */
static u32 quic_pmtu_next(const struct quic_pmtu *p)
{
	u32 hi = quic_pmtu_hi(p);

	if (p->probe)
		return p->probe;	/* lost, not given up yet */
	if (hi > p->limit && p->limit > p->size)
		return p->limit;
	if (p->eth_base > p->size && p->eth_base < hi)
		return p->eth_base;
	if (hi > p->size + QUIC_PMTU_STEP)
		return (p->size + hi) / 2;
	return 0;
}

/* Return: the size of a probe to send now, 0 if none */
u32 quic_pmtu_probe_due(struct quic_pmtu *p)
{
	u32 size;

	if (p->in_flight || !p->searching)
		return 0;
	size = quic_pmtu_next(p);
	if (!size)
		p->searching = false;
	return size;
}

void quic_pmtu_probe_sent(struct quic_pmtu *p, u32 size)
{
	p->probe = size;
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
	/* lost: the same size again, and after QUIC_PMTU_TRIES the next */
	if (++p->fails < QUIC_PMTU_TRIES)
		return p->size;
	p->fails = 0;
	p->probe = 0;
	if (size > p->size && size < quic_pmtu_hi(p))
		p->hi = size;
	return p->size;
}

/**
 * quic_pmtu_reprobe - search again (RFC 8899 5.1.1, the probe timer of a
 *	plpmtud_probe_interval): the largest allowed size first, as at the
 *	start; what was lost before may pass now
 * @p: state
 */
void quic_pmtu_reprobe(struct quic_pmtu *p)
{
	if (p->in_flight || p->searching)
		return;
	p->hi = 0;
	p->probe = 0;
	p->fails = 0;
	/* the route's limit is read before the probe is due: whether there
	 * is something to try is decided then
	 */
	p->searching = true;
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
	p->probe = 0;
	p->fails = 0;
	p->hi = 0;
	p->bh_losses = 0;
	p->searching = p->limit > QUIC_PMTU_BASE;
	return p->size;
}

/**
 * quic_pmtu_pkt_acked - a packet (no probe) was acknowledged
 * @p: state
 * @size: its UDP payload, bytes
 * @time_sent: when it was sent, us
 */
void quic_pmtu_pkt_acked(struct quic_pmtu *p, u32 size, u64 time_sent)
{
	if (size <= QUIC_PMTU_BASE)
		return;
	p->big_acked = max(p->big_acked, time_sent);
	p->bh_losses = 0;
}

/**
 * quic_pmtu_pkt_lost - a packet (no probe) was declared lost
 * @p: state
 * @size: its UDP payload, bytes
 * @time_sent: when it was sent, us
 *
 * Congestion loses some packets; a black hole loses every packet above a
 * size. Packets larger than the base and no larger than the size in use
 * are counted when no larger packet sent after them was acknowledged.
 *
 * Return: QUIC_PMTU_BH_LOSSES such packets are lost: a black hole.
 */
bool quic_pmtu_pkt_lost(struct quic_pmtu *p, u32 size, u64 time_sent)
{
	if (size <= QUIC_PMTU_BASE || size > p->size ||
	    time_sent <= p->big_acked)
		return false;
	return ++p->bh_losses >= QUIC_PMTU_BH_LOSSES;
}
