#!/bin/bash
# Paths between two namespaces joined by a veth pair (tests/bin/path_peer,
# one stream whose every byte the server checks):
#
#   paths_migration_veth   the client moves to a second address mid-transfer
#                          (QUIC_SOCKOPT_CONNECTION_MIGRATION): both sides
#                          get QUIC_EVENT_CONNECTION_MIGRATION (client
#                          local=1, server local=0), the server's peer is the
#                          new address, the data is intact
#   paths_rebinding        a NAT in front of the client changes its address
#                          mid-transfer (tc act_nat on the client's egress):
#                          the server validates the new address, follows it
#                          (event local=0, getpeername) and the data is intact
#   paths_pmtu_9000        with plpmtud_probe_interval set, MTU 9000 on both
#                          ends: the packet size (MSS in /proc/net/quic/sks)
#                          reaches 8972
#   paths_pmtu_down        after "ip link set mtu 1500" on both ends the size
#                          follows the route down to 1472 or less
#   paths_pmtu_reprobe     both ends back at 9000, the connection idle: the
#                          next periodic search finds 8972 again
#   paths_pmtu_blackhole   MTU 4000 on the server's end only (the client's
#                          route still says 9000, its large packets vanish
#                          without ICMP), then data: QuicPmtuBlackholes grows
#                          and the data goes on (RFC 8899 4.3)
#   paths_pmtu_research    the search from 1200 up finds 3900..3972
#   paths_pmtu_raise       the server's end back at 9000: the next periodic
#                          search finds 8972
#   paths_pmtu_data        the 8 MiB of that connection arrive intact
#
# Run by tests/run.sh from tests/ as root, with the module loaded.
set -u
cd "$(dirname "$0")/.." || exit 1
. lib/common.sh
peer=$PWD/bin/path_peer
snmp=/proc/net/quic/snmp
ns_s=quic-pa-s$$
ns_c=quic-pa-c$$
failed=0

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failed=1; }
counter() { awk -v n="$1" '$1 == n { print $2 }' "$snmp"; }

setup_tmp
cleanup_post() {
	ip netns del "$ns_s" 2>/dev/null
	ip netns del "$ns_c" 2>/dev/null
}

for t in "$peer" "$snmp"; do
	[ -e "$t" ] || { echo "FAIL paths_setup: $t missing"; exit 1; }
done
vs=v$$a vc=v$$b
if ! netns_pair "$ns_s" "$ns_c" "$vs" "$vc" 10.9.4.1 10.9.4.2; then
	echo "FAIL paths_setup: $netns_err"
	exit 1
fi
printf 'test:%s\n' "$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')" >"$tmp/psk"
S="ip netns exec $ns_s"
C="ip netns exec $ns_c"

# mss NS: the packet size of the namespace's one connection
mss() {
	ip netns exec "$1" awk 'NR > 1 && $4 == "ESTABLISHED" { print $7; exit }' \
		/proc/net/quic/sks
}

# wait_mss NS OP VALUE SECONDS: until the size compares (-ge/-le) to VALUE
# (the deadlines count seconds: a loop turn takes long on a TCG guest)
wait_mss() {
	local end=$((SECONDS + $4)) m
	while :; do
		m=$(mss "$1")
		case ${m:+$2} in
		-ge) [ "$m" -ge "$3" ] && return 0 ;;
		-le) [ "$m" -le "$3" ] && return 0 ;;
		esac
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# wait_line FILE REGEX SECONDS
wait_line() {
	local end=$((SECONDS + $3))
	until grep -q "$2" "$1"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# start NAME CLIENT-ARGS...: a server in ns_s and a client in ns_c
start() {
	local name=$1
	shift
	# shellcheck disable=SC2086
	if ! start_server "$tmp/$name.srv" timeout "${peer_timeout:-90}" $S "$peer" server 10.9.4.1 0 "$tmp/psk"; then
		fail "$name" "server: $(last "$tmp/$name.srv")"
		return 1
	fi
	# shellcheck disable=SC2086
	timeout "${peer_timeout:-90}" $C "$peer" client 10.9.4.1 "$srv_port" "$tmp/psk" "$@" \
		>"$tmp/$name.cli" 2>&1 &
	cli_pid=$!
	pids="$pids $cli_pid"
}

# finish NAME: waits for both; 0 if the server read every byte
finish() {
	wait "$cli_pid"
	cli_rc=$?
	stop_server 30
	grep -q "^ok $2\$" "$tmp/$1.srv"
}

# --- client migration between two namespaces
ip -n "$ns_c" addr add 10.9.4.4/24 dev "$vc"
[ -n "${PATHS_ONLY:-}" ] && [ "$PATHS_ONLY" != migration ] ||
if start paths_migration_veth 4194304 --migrate 2097152 10.9.4.4; then
	finish paths_migration_veth 4194304
	ok=$?
	if [ $ok -eq 0 ] && grep -q '^event migration local=0$' "$tmp/paths_migration_veth.srv" &&
		grep -q '^event migration local=1$' "$tmp/paths_migration_veth.cli" &&
		grep -q '^peer 10\.9\.4\.4:' "$tmp/paths_migration_veth.srv"; then
		pass paths_migration_veth
	else
		fail paths_migration_veth "server: $(last "$tmp/paths_migration_veth.srv" 4); client: $(last "$tmp/paths_migration_veth.cli" 4)"
	fi
fi

# --- NAT rebinding: the client's packets leave as 10.9.4.3 from mid-transfer
modprobe act_nat 2>/dev/null
modprobe cls_matchall 2>/dev/null
if [ -n "${PATHS_ONLY:-}" ] && [ "$PATHS_ONLY" != rebinding ]; then
	:
elif ! err=$(ip -n "$ns_c" addr add 10.9.4.3/24 dev "$vc" 2>&1 &&
	tc -n "$ns_c" qdisc add dev "$vc" clsact 2>&1); then
	echo "SKIP paths_rebinding: $err"
elif start paths_rebinding 4194304 --pause 1048576 "$tmp"; then
	v0=$(counter QuicPathValidated)
	if wait_line "$tmp/paths_rebinding.cli" '^paused' 30; then
		err=$(tc -n "$ns_c" filter add dev "$vc" egress matchall \
			action nat egress 10.9.4.2/32 10.9.4.3 2>&1) ||
			echo "INFO paths_rebinding: tc nat: $err"
	fi
	touch "$tmp/go.1048576"
	finish paths_rebinding 4194304
	ok=$?
	v=$(( $(counter QuicPathValidated) - v0 ))
	if [ -n "${err:-}" ]; then
		echo "SKIP paths_rebinding: tc act_nat: $(echo "$err" | head -n 1)"
	elif [ $ok -eq 0 ] && grep -q '^event migration local=0$' "$tmp/paths_rebinding.srv" &&
		grep -q '^peer 10\.9\.4\.3:' "$tmp/paths_rebinding.srv" && [ "$v" -ge 1 ]; then
		pass paths_rebinding
	else
		fail paths_rebinding "validated $v; server: $(last "$tmp/paths_rebinding.srv" 4); client: $(last "$tmp/paths_rebinding.cli" 4)"
	fi
	tc -n "$ns_c" filter del dev "$vc" egress 2>/dev/null
fi
err=

# --- DPLPMTUD, one connection through every step (5 s probe interval)
ip -n "$ns_s" link set "$vs" mtu 9000
ip -n "$ns_c" link set "$vc" mtu 9000
M=1048576
peer_timeout=200
if [ -n "${PATHS_ONLY:-}" ] && [ "$PATHS_ONLY" != pmtu ]; then
	:
elif start paths_pmtu 8388608 --pmtu-interval 5000000 --pause $M "$tmp" \
	--pause $((2 * M)) "$tmp" --pause $((3 * M)) "$tmp" --pause $((4 * M)) "$tmp"; then
	c=$tmp/paths_pmtu.cli
	( while sleep 1; do
		echo "$SECONDS c[$(ip netns exec "$ns_c" tail -n +2 /proc/net/quic/sks | tr -s ' ' | tr '\n' ' ')] s[$(ip netns exec "$ns_s" tail -n +2 /proc/net/quic/sks | tr -s ' ' | tr '\n' ' ')] $(grep -E 'Pmtu|Lost|Black' "$snmp" | tr '\n' ' ')"
	done >"$tmp/trace" ) &
	pids="$pids $!"
	trace() { echo "INFO $1: $(tail -n "${2:-8}" "$tmp/trace" | tr '\n' '#')"; }
	wait_line "$c" "^paused $M" 30
	if wait_mss "$ns_c" -ge 8900 10; then
		pass paths_pmtu_9000
	else
		fail paths_pmtu_9000 "MSS $(mss "$ns_c"), expected 8972"
	fi
	# the route goes down to 1500 on both ends, with data in flight
	ip -n "$ns_s" link set "$vs" mtu 1500
	ip -n "$ns_c" link set "$vc" mtu 1500
	touch "$tmp/go.$M"
	wait_line "$c" "^paused $((2 * M))" 30
	if wait_mss "$ns_c" -le 1472 10 && wait_mss "$ns_c" -ge 1200 1; then
		pass paths_pmtu_down
	else
		fail paths_pmtu_down "MSS $(mss "$ns_c") after mtu 1500, expected 1200..1472"
	fi
	# back at 9000 on both ends, the connection idle: the next periodic
	# search finds it (two intervals at most: the route is read when
	# packets go out)
	ip -n "$ns_s" link set "$vs" mtu 9000
	ip -n "$ns_c" link set "$vc" mtu 9000
	if wait_mss "$ns_c" -ge 8900 13; then
		pass paths_pmtu_reprobe
	else
		trace paths_pmtu_reprobe
		fail paths_pmtu_reprobe "MSS $(mss "$ns_c") 13 s after the MTU came back"
	fi
	# a black hole: the server's end takes 4000 bytes, the client's
	# route still says 9000; no ICMP, its large packets just vanish
	ip -n "$ns_s" link set "$vs" mtu 4000
	b0=$(counter QuicPmtuBlackholes)
	touch "$tmp/go.$((2 * M))"
	wait_line "$c" "^paused $((3 * M))" 60
	# "paused" comes when the data is queued, not yet delivered
	end=$((SECONDS + 30))
	while b=$(( $(counter QuicPmtuBlackholes) - b0 )); [ "$b" -lt 1 ] &&
		[ "$SECONDS" -lt "$end" ]; do
		sleep 0.5
	done
	if [ "$b" -ge 1 ] && grep -q "^paused $((3 * M))" "$c"; then
		pass paths_pmtu_blackhole
	else
		trace paths_pmtu_blackhole
		fail paths_pmtu_blackhole "black holes $b, MSS $(mss "$ns_c"); client: $(last "$c" 2)"
	fi
	# the search goes up again from 1200 to what the path takes now
	# (3972, within QUIC_PMTU_STEP)
	if wait_mss "$ns_c" -ge 3900 20 && wait_mss "$ns_c" -le 3972 1; then
		pass paths_pmtu_research
	else
		trace paths_pmtu_research
		fail paths_pmtu_research "MSS $(mss "$ns_c"), expected 3900..3972"
	fi
	# the server's end back at 9000: the next periodic search finds it
	ip -n "$ns_s" link set "$vs" mtu 9000
	touch "$tmp/go.$((3 * M))"
	wait_line "$c" "^paused $((4 * M))" 60
	if wait_mss "$ns_c" -ge 8900 13; then
		pass paths_pmtu_raise
	else
		trace paths_pmtu_raise
		fail paths_pmtu_raise "MSS $(mss "$ns_c") 13 s after the MTU came back"
	fi
	touch "$tmp/go.$((4 * M))"
	if finish paths_pmtu 8388608; then
		pass paths_pmtu_data
	else
		trace paths_pmtu_data 25
		fail paths_pmtu_data "server: $(last "$tmp/paths_pmtu.srv" 4); client: $(last "$c" 4)"
	fi
fi
exit "$failed"
