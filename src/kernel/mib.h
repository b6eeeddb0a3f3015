/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Module-wide counters of the transport, shown in /proc/net/quic/snmp. */

#ifndef __QUIC_MIB_H__
#define __QUIC_MIB_H__

#include <linux/percpu.h>
#include <linux/seq_file.h>

enum quic_mib_field {
	QUIC_MIB_PKTS_SENT,		/* packets sent */
	QUIC_MIB_PKTS_RCVD,		/* packets received and processed */
	QUIC_MIB_PKTS_LOST,		/* packets declared lost */
	QUIC_MIB_GSO_SENDS,		/* sends of several datagrams (GSO) */
	QUIC_MIB_GRO_RCVS,		/* received skbs of several datagrams */
	QUIC_MIB_ECN_CE,		/* CE marks the peers reported */
	QUIC_MIB_ECN_FAILED,		/* connections whose ECN validation failed */
	QUIC_MIB_PMTU_ACKED,		/* path MTU probes acknowledged */
	QUIC_MIB_PMTU_LOST,		/* path MTU probes lost */
	QUIC_MIB_RCV_HELD,		/* STREAM bytes read from the packet
					 * they came in (not copied)
					 */
	QUIC_MIB_RETRIES_SENT,		/* Retry packets sent */
	QUIC_MIB_TOKENS_ACCEPTED,	/* Initials with a valid NEW_TOKEN token */
	QUIC_MIB_SRESET_SENT,		/* stateless resets sent */
	QUIC_MIB_SRESET_RCVD,		/* stateless resets received */
	QUIC_MIB_PMTU_BLACKHOLE,	/* packet sizes given up (black hole) */
	QUIC_MIB_PATH_CHALLENGES,	/* PATH_CHALLENGE frames sent */
	QUIC_MIB_PATH_VALIDATED,	/* new paths validated */
	QUIC_MIB_PATH_FAILED,		/* new paths given up */
	QUIC_MIB_AMP_LIMITED,		/* sends held by the 3x limit */
	QUIC_MIB_ZRTT_SENT,		/* 0-RTT packets sent (client) */
	QUIC_MIB_ZRTT_RCVD,		/* 0-RTT packets processed (server) */
	QUIC_MIB_ZRTT_ACCEPTED,		/* connections with 0-RTT accepted
					 * (counted by each side)
					 */
	QUIC_MIB_ZRTT_REJECTED,		/* client: 0-RTT refused by the server */
	QUIC_MIB_ZRTT_BUFFERED,		/* 0-RTT packets held for their key */
	QUIC_MIB_ZRTT_DROPPED,		/* 0-RTT packets dropped (no key, or
					 * over the bound)
					 */
	QUIC_MIB_KEEPALIVES,		/* keep-alive PINGs sent */
	QUIC_MIB_CLOSING_KEPT,		/* closed sockets kept for a closing
					 * or draining period
					 */
	QUIC_MIB_CLOSE_REPEATS,		/* CONNECTION_CLOSE sent again in the
					 * closing period
					 */
	QUIC_MIB_MAX,
};

DECLARE_PER_CPU(unsigned long, quic_mib[QUIC_MIB_MAX]);

static inline void quic_mib_add(enum quic_mib_field f, unsigned long n)
{
	this_cpu_add(quic_mib[f], n);
}

static inline void quic_mib_inc(enum quic_mib_field f)
{
	quic_mib_add(f, 1);
}

int quic_mib_seq_show(struct seq_file *seq, void *v);

#endif /* __QUIC_MIB_H__ */
