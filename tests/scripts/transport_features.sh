#!/bin/bash
# Transport features seen through /proc/net/quic/snmp around real transfers
# (tools/quic-perf, every byte checked by the server):
#
#   feature_pmtu_probe_loopback   on loopback the packet size probe is
#                                 acknowledged (QuicPmtuProbesAcked grows)
#   feature_ecn_loopback          ECN validation holds on a path that keeps
#                                 the marks (QuicEcnFailed does not grow)
#   feature_gso_veth              1472-byte datagrams between two namespaces
#                                 go out in GSO batches (QuicGsoSends grows)
#   feature_ecn_ce_veth           netem "loss 3% ecn" marks CE instead of
#                                 dropping: the peer's counts report it
#                                 (QuicEcnCe grows) and validation holds
#   feature_pacing_fq             with the fq qdisc on the sender's veth and
#                                 the client's SO_MAX_PACING_RATE at 2 MiB/s,
#                                 the departure times QUIC puts on its
#                                 datagrams make fq hold some back
#                                 ("throttled" grows; without them fq sees no
#                                 pacing rate at all); the rate went out as
#                                 INFO (the cwnd-derived rate alone is often
#                                 above what a TCG guest sends)
#
# Run by tests/run.sh from tests/ as root, with the module loaded.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(cd .. && pwd)
perf=$top/tools/quic-perf/quic-perf
snmp=/proc/net/quic/snmp
ns_s=quic-ft-s$$
ns_c=quic-ft-c$$
veth_s=qft$$s
veth_c=qft$$c
failed=0

# shellcheck source=../lib/common.sh
. lib/common.sh	# netns_pair, netns_del
tmp=$(mktemp -d) || exit 1
pids=
cleanup() {
	[ -n "$pids" ] && kill $pids 2>/dev/null
	wait 2>/dev/null
	netns_del "$ns_s" "$ns_c"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

last() { tail -n "${2:-3}" "$1" 2>/dev/null | tr '\n' '|' | sed 's/|$//'; }
counter() { awk -v n="$1" '$1 == n { print $2 }' "$snmp"; }
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failed=1; }

for t in "$perf" "$snmp"; do
	[ -e "$t" ] || { echo "FAIL feature_setup: $t missing"; exit 1; }
done

# server NAME NETNS-PREFIX PORT: a quic-perf server, waits for it
server() {
	local name=$1 port=$3 _
	# shellcheck disable=SC2086
	$2 "$perf" server -p "$port" --quiet --timeout 30 >"$tmp/$name.srv" 2>&1 &
	pids="$pids $!"
	for _ in $(seq 50); do
		grep -q '^listening' "$tmp/$name.srv" && return 0
		sleep 0.1
	done
	return 1
}

# transfer NAME NETNS-PREFIX HOST PORT BYTES: one verified QUIC transfer
transfer() {
	local name=$1 pre=$2 host=$3 port=$4 bytes=$5
	shift 5
	# shellcheck disable=SC2086
	timeout 120 $pre "$perf" client -H "$host" -p "$port" --proto quic --verify \
		--size 64K --bytes "$bytes" --timeout 20 "$@" >"$tmp/$name.cli" 2>&1
}

# --- loopback: the size probe and ECN validation
port=$((20000 + RANDOM % 20000))
if ! server lo "" "$port"; then
	fail feature_pmtu_probe_loopback "quic-perf server: $(last "$tmp/lo.srv")"
	exit 1
fi
acked0=$(counter QuicPmtuProbesAcked) ecnf0=$(counter QuicEcnFailed)
if transfer lo "" 127.0.0.1 "$port" 8M; then
	acked=$(( $(counter QuicPmtuProbesAcked) - acked0 ))
	ecnf=$(( $(counter QuicEcnFailed) - ecnf0 ))
	echo "INFO feature_loopback: $(grep -h '^quic:' "$tmp/lo.cli"); probes acked $acked, ECN failures $ecnf"
	[ "$acked" -ge 1 ] && pass feature_pmtu_probe_loopback ||
		fail feature_pmtu_probe_loopback "QuicPmtuProbesAcked grew by $acked"
	[ "$ecnf" -eq 0 ] && pass feature_ecn_loopback ||
		fail feature_ecn_loopback "QuicEcnFailed grew by $ecnf on loopback"
else
	fail feature_pmtu_probe_loopback "transfer failed: $(last "$tmp/lo.cli")"
	fail feature_ecn_loopback "transfer failed"
fi

# --- two namespaces: GSO batches and CE marks
if ! netns_pair "$ns_s" "$ns_c" "$veth_s" "$veth_c" 10.9.2.1 10.9.2.2; then
	fail feature_gso_veth "$netns_err"
	exit 1
fi
modprobe sch_netem 2>/dev/null
if ! err=$(ip netns exec "$ns_c" tc qdisc replace dev "$veth_c" root netem loss 3% ecn 2>&1); then
	echo "SKIP feature_gso_veth: netem: $(echo "$err" | head -n 1)"
	echo "SKIP feature_ecn_ce_veth: netem: $(echo "$err" | head -n 1)"
	exit "$failed"
fi
if ! server veth "ip netns exec $ns_s" 7401; then
	fail feature_gso_veth "quic-perf server: $(last "$tmp/veth.srv")"
	exit 1
fi
gso0=$(counter QuicGsoSends) ce0=$(counter QuicEcnCe) ecnf0=$(counter QuicEcnFailed)
if transfer veth "ip netns exec $ns_c" 10.9.2.1 7401 4M; then
	gso=$(( $(counter QuicGsoSends) - gso0 ))
	ce=$(( $(counter QuicEcnCe) - ce0 ))
	ecnf=$(( $(counter QuicEcnFailed) - ecnf0 ))
	echo "INFO feature_veth: $(grep -h '^quic:' "$tmp/veth.cli"); GSO sends $gso, CE reported $ce, ECN failures $ecnf"
	[ "$gso" -ge 1 ] && pass feature_gso_veth ||
		fail feature_gso_veth "QuicGsoSends grew by $gso"
	[ "$ce" -ge 1 ] && [ "$ecnf" -eq 0 ] && pass feature_ecn_ce_veth ||
		fail feature_ecn_ce_veth "QuicEcnCe grew by $ce, QuicEcnFailed by $ecnf"
else
	fail feature_gso_veth "transfer failed: $(last "$tmp/veth.cli")"
	fail feature_ecn_ce_veth "transfer failed"
fi

# --- pacing: fq on the sending side honours the datagrams' departure times
modprobe sch_fq 2>/dev/null
if ! err=$(ip netns exec "$ns_c" tc qdisc replace dev "$veth_c" root fq 2>&1); then
	echo "SKIP feature_pacing_fq: fq: $(echo "$err" | head -n 1)"
	exit "$failed"
fi
# the "throttled N" counter of fq's statistics (not the "(... throttled N)"
# count of flows throttled right now)
fq_throttled() {
	ip netns exec "$ns_c" tc -s qdisc show dev "$veth_c" | tr ' ' '\n' |
		awk 'prev == "throttled" && /^[0-9]+$/ { n = $0 } { prev = $0 }
		     END { print n + 0 }'
}
thr0=$(fq_throttled)
if transfer fq "ip netns exec $ns_c" 10.9.2.1 7401 4M --max-pacing-rate 2M; then
	thr=$(( $(fq_throttled) - thr0 ))
	echo "INFO feature_pacing_fq: $(grep -h '^quic:' "$tmp/fq.cli"); fq throttled $thr times"
	[ "$thr" -ge 1 ] && pass feature_pacing_fq ||
		fail feature_pacing_fq "fq never throttled the QUIC flow ($(ip netns exec "$ns_c" tc -s qdisc show dev "$veth_c" | tr '\n' ' '))"
else
	fail feature_pacing_fq "transfer failed: $(last "$tmp/fq.cli")"
fi
exit "$failed"
