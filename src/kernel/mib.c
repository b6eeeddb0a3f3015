// SPDX-License-Identifier: GPL-2.0-or-later
/* Module-wide transport counters (packets, loss, GSO/GRO, ECN, path MTU
 * probes), per CPU, summed for /proc/net/quic/snmp.
 */

#include <linux/kernel.h>
#include "mib.h"

DEFINE_PER_CPU(unsigned long, quic_mib[QUIC_MIB_MAX]);

static const char *const quic_mib_names[QUIC_MIB_MAX] = {
	[QUIC_MIB_PKTS_SENT]	= "QuicPktsSent",
	[QUIC_MIB_PKTS_RCVD]	= "QuicPktsRcvd",
	[QUIC_MIB_PKTS_LOST]	= "QuicPktsLost",
	[QUIC_MIB_GSO_SENDS]	= "QuicGsoSends",
	[QUIC_MIB_GRO_RCVS]	= "QuicGroRcvs",
	[QUIC_MIB_ECN_CE]	= "QuicEcnCe",
	[QUIC_MIB_ECN_FAILED]	= "QuicEcnFailed",
	[QUIC_MIB_PMTU_ACKED]	= "QuicPmtuProbesAcked",
	[QUIC_MIB_PMTU_LOST]	= "QuicPmtuProbesLost",
	[QUIC_MIB_RCV_HELD]	= "QuicRcvDataHeld",
	[QUIC_MIB_RETRIES_SENT]	= "QuicRetriesSent",
	[QUIC_MIB_TOKENS_ACCEPTED] = "QuicNewTokensAccepted",
	[QUIC_MIB_SRESET_SENT]	= "QuicStatelessResetsSent",
	[QUIC_MIB_SRESET_RCVD]	= "QuicStatelessResetsRcvd",
	[QUIC_MIB_PMTU_BLACKHOLE] = "QuicPmtuBlackholes",
	[QUIC_MIB_PATH_CHALLENGES] = "QuicPathChallenges",
	[QUIC_MIB_PATH_VALIDATED] = "QuicPathValidated",
	[QUIC_MIB_PATH_FAILED]	= "QuicPathFailed",
	[QUIC_MIB_AMP_LIMITED]	= "QuicAmpLimited",
	[QUIC_MIB_ZRTT_SENT]	= "QuicZeroRttSent",
	[QUIC_MIB_ZRTT_RCVD]	= "QuicZeroRttRcvd",
	[QUIC_MIB_ZRTT_ACCEPTED] = "QuicZeroRttAccepted",
	[QUIC_MIB_ZRTT_REJECTED] = "QuicZeroRttRejected",
	[QUIC_MIB_ZRTT_BUFFERED] = "QuicZeroRttBuffered",
	[QUIC_MIB_ZRTT_DROPPED]	= "QuicZeroRttDropped",
	[QUIC_MIB_KEEPALIVES]	= "QuicKeepalives",
	[QUIC_MIB_CLOSING_KEPT]	= "QuicClosingKept",
	[QUIC_MIB_CLOSE_REPEATS] = "QuicCloseRepeats",
};

/* one "Name value" line per counter, as /proc/net/netstat's names */
int quic_mib_seq_show(struct seq_file *seq, void *v)
{
	unsigned long sum;
	int f, cpu;

	for (f = 0; f < QUIC_MIB_MAX; f++) {
		sum = 0;
		for_each_possible_cpu(cpu)
			sum += per_cpu(quic_mib[f], cpu);
		seq_printf(seq, "%s %lu\n", quic_mib_names[f], sum);
	}
	return 0;
}
