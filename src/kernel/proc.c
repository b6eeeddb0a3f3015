// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/net/quic: "sks" lists the QUIC sockets of the namespace, "udp" the
 * UDP tunnel sockets they are bound to.
 */

#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "compat.h"
#include "socket.h"
#include "proc.h"
#include "mib.h"

static const char *quic_state_name(int state)
{
	switch (state) {
	case QUIC_SS_CLOSED:
		return "CLOSED";
	case QUIC_SS_LISTENING:
		return "LISTENING";
	case QUIC_SS_ESTABLISHING:
		return "ESTABLISHING";
	case QUIC_SS_ESTABLISHED:
		return "ESTABLISHED";
	}
	return "UNKNOWN";
}

static void *quic_sks_start(struct seq_file *seq, loff_t *pos)
	__acquires(&quic_sk_list_lock)
{
	spin_lock_bh(&quic_sk_list_lock);
	return seq_list_start_head(&quic_sk_list, *pos);
}

static void *quic_sks_next(struct seq_file *seq, void *v, loff_t *pos)
{
	return seq_list_next(v, &quic_sk_list, pos);
}

static void quic_sks_stop(struct seq_file *seq, void *v)
	__releases(&quic_sk_list_lock)
{
	spin_unlock_bh(&quic_sk_list_lock);
}

/* the active ID of @set in hex, padded to the column, "-" without one.
 * Entries are freed after an RCU grace period (connid.c), so a snapshot
 * taken without the socket lock reads valid memory.
 */
static void quic_sks_show_cid(struct seq_file *seq,
			      const struct quic_cid_set *set)
{
	char hex[2 * QUIC_CID_MAX_LEN + 1] = "-";
	const struct quic_cid_entry *e;
	struct quic_cid cid = {};

	rcu_read_lock();
	e = READ_ONCE(set->active);
	if (e)
		cid = e->cid;
	rcu_read_unlock();
	if (cid.len && cid.len <= QUIC_CID_MAX_LEN)
		snprintf(hex, sizeof(hex), "%*phN", cid.len, cid.data);
	seq_printf(seq, "%-40s ", hex);
}

static int quic_sks_show(struct seq_file *seq, void *v)
{
	char addr[QUIC_ADDR_STR_LEN];
	struct quic_sock *qs;
	union quic_addr a = {};
	u64 inflight = 0;
	struct sock *sk;
	u8 limited;
	int i;

	if (v == &quic_sk_list) {
		seq_printf(seq, "%-47s %-4s %-5s %-12s %-6s %-8s %-5s %-5s %-8s %-8s %-47s %-40s %-40s %-12s %-12s %-8s %s\n",
			   "LOCAL_ADDRESS", "TYPE", "FAMILY", "STATE", "UID",
			   "INODE", "MSS", "CC", "CWND", "SRTT",
			   "REMOTE_ADDRESS", "SCID", "DCID", "SENT", "RCVD",
			   "INFLIGHT", "LIMIT");
		return 0;
	}
	qs = list_entry(v, struct quic_sock, node);
	sk = &qs->inet.sk;
	if (!net_eq(sock_net(sk), seq_file_net(seq)))
		return 0;

	a.sa.sa_family = sk->sk_family;
	if (sk->sk_family == AF_INET) {
		a.v4.sin_addr.s_addr = qs->inet.inet_rcv_saddr;
		a.v4.sin_port = qs->inet.inet_sport;
	} else {
		a.v6.sin6_addr = sk->sk_v6_rcv_saddr;
		a.v6.sin6_port = qs->inet.inet_sport;
	}
	/* no field width on %pIS: the kernel pads IPv4 with NULs there */
	snprintf(addr, sizeof(addr), "%pISpc", &a.sa);
	seq_printf(seq, "%-47s %-4s %-6s %-12s %-6u %-8llu ", addr,
		   sk->sk_type == SOCK_STREAM ? "STRM" : "DGRM",
		   sk->sk_family == AF_INET ? "INET" : "INET6",
		   quic_state_name(sk->sk_state),
		   from_kuid_munged(seq_user_ns(seq), quic_sk_uid(sk)),
		   (unsigned long long)sock_i_ino(sk));
	/* a connection's UDP payload size (the packet size search's result),
	 * congestion controller, window (bytes) and smoothed RTT (us); read
	 * without the socket lock, so a snapshot
	 */
	if (sk->sk_state != QUIC_SS_ESTABLISHING &&
	    sk->sk_state != QUIC_SS_ESTABLISHED) {
		seq_puts(seq, "-     -     -        -        -                                               -                                        -                                        -            -            -        -\n");
		return 0;
	}
	seq_printf(seq, "%-5u %-5s %-8u %-8llu ", READ_ONCE(qs->mss),
		   quic_cong_name(&qs->cong), READ_ONCE(qs->cong.window),
		   (unsigned long long)READ_ONCE(qs->rtt.smoothed));
	/* the peer's address, the IDs in use (ours, the peer's) in hex and
	 * the UDP payload bytes sent and received
	 */
	snprintf(addr, sizeof(addr), "%pISpc", &qs->peer.sa);
	seq_printf(seq, "%-47s ", addr);
	quic_sks_show_cid(seq, &qs->scids);
	quic_sks_show_cid(seq, &qs->dcids);
	seq_printf(seq, "%-12llu %-12llu ",
		   (unsigned long long)READ_ONCE(qs->tx_bytes),
		   (unsigned long long)READ_ONCE(qs->rx_bytes));
	/* bytes in flight, and which of the peer's flow control limits
	 * (MAX_DATA: conn, MAX_STREAM_DATA: stream) held new data back
	 */
	for (i = 0; i < QUIC_PNS_MAX; i++)
		inflight += READ_ONCE(qs->pns[i].bytes_in_flight);
	limited = READ_ONCE(qs->streams.limited);
	seq_printf(seq, "%-8llu %s\n", (unsigned long long)inflight,
		   limited == (QUIC_LIMITED_DATA | QUIC_LIMITED_STREAM) ?
		   "conn,stream" : limited == QUIC_LIMITED_DATA ? "conn" :
		   limited == QUIC_LIMITED_STREAM ? "stream" : "-");
	return 0;
}

static const struct seq_operations quic_sks_seq_ops = {
	.start	= quic_sks_start,
	.next	= quic_sks_next,
	.stop	= quic_sks_stop,
	.show	= quic_sks_show,
};

static int quic_udp_show(struct seq_file *seq, void *v)
{
	return quic_udp_seq_show_all(seq, seq_file_single_net(seq));
}

int quic_proc_net_init(struct net *net)
{
	struct proc_dir_entry *dir;

	dir = proc_net_mkdir(net, "quic", net->proc_net);
	if (!dir)
		return -ENOMEM;
	if (!proc_create_net("sks", 0444, dir, &quic_sks_seq_ops,
			     sizeof(struct seq_net_private)) ||
	    !proc_create_net_single("udp", 0444, dir, quic_udp_show, NULL) ||
	    !proc_create_single("snmp", 0444, dir, quic_mib_seq_show)) {
		remove_proc_subtree("quic", net->proc_net);
		return -ENOMEM;
	}
	return 0;
}

void quic_proc_net_exit(struct net *net)
{
	remove_proc_subtree("quic", net->proc_net);
}
