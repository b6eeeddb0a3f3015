#!/bin/bash
# QUIC bulk transfers across an impaired link: two network namespaces joined
# by a veth pair (10.9.1.1/24 server side, 10.9.1.2/24 client side), the
# same netem qdisc on both ends, tools/quic-perf with --verify (the server
# checks every byte and confirms the count):
#
#   transfer_netem_loss5        loss 5%
#   transfer_netem_loss20       loss 20% (a smaller transfer)
#   transfer_netem_reorder      delay 10ms reorder 25% 50%
#   transfer_netem_duplicate    duplicate 5%
#   transfer_netem_delay200     delay 200ms (RTT 400 ms)
#
# Each transfer has a time limit and fails if it stalls for 20 s (60 s at
# 20% loss); sizes are chosen so the script takes well under a minute in a
# QEMU (TCG) guest. The heavy-loss case was 30% until session 9: there,
# with PTOs backing off at each round trip that loses its probe or its
# ACK (about one in three), a 128 KiB upload took 1-12 s in nearly all
# runs but over 60 s now and then (0 of 60 runs in a 6.12 guest, then 1
# in one CI run on 7.3), too often for a pass/fail check. The silences
# that used to end in a timeout there were module bugs, fixed and tested
# on their own (finloss_test: the client's Finished held back by the
# congestion window; a first RTT sample of a second). For scale: at 30%
# loss both ways, TCP took 73 s and more than 200 s for 256 KiB in that
# guest.
# INFO lines give size, time and throughput. SKIP without namespaces or
# sch_netem. Run by tests/run.sh from tests/ as root.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(cd .. && pwd)
perf=$top/tools/quic-perf/quic-perf
ns_s=quic-tr-s$$
ns_c=quic-tr-c$$
veth_s=qtr$$s
veth_c=qtr$$c
port=7400
failed=0
cases="loss5 loss20 reorder duplicate delay200"

if [ ! -x "$perf" ]; then
	echo "FAIL transfer_netem_build: tools/quic-perf/quic-perf is not built (make tests)"
	exit 1
fi

# shellcheck source=../lib/common.sh
. lib/common.sh	# netns_pair, netns_del, netem_both
tmp=$(mktemp -d) || exit 1
srv_pid=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null
	wait 2>/dev/null
	netns_del "$ns_s" "$ns_c"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

skip_all() {
	local c
	for c in $cases; do echo "SKIP transfer_netem_$c: $1"; done
	exit 0
}
last() { tail -n "${2:-3}" "$1" 2>/dev/null | tr '\n' '|' | sed 's/|$//'; }

if ! netns_pair "$ns_s" "$ns_c" "$veth_s" "$veth_c" 10.9.1.1 10.9.1.2; then
	case "$netns_err" in
	netns:*) skip_all "${netns_err#netns: }" ;;
	esac
	echo "FAIL transfer_netem_setup: $netns_err"
	exit 1
fi
modprobe sch_netem 2>/dev/null
if ! err=$(ip netns exec "$ns_s" tc qdisc replace dev "$veth_s" root netem delay 1ms 2>&1); then
	skip_all "sch_netem cannot be used: $(echo "$err" | head -n 1)"
fi

ip netns exec "$ns_s" "$perf" server -p "$port" --quiet --timeout 60 >"$tmp/server.log" 2>&1 &
srv_pid=$!
for _ in $(seq 50); do
	grep -q '^listening' "$tmp/server.log" && break
	kill -0 "$srv_pid" 2>/dev/null || break
	sleep 0.1
done
if ! grep -q '^listening' "$tmp/server.log"; then
	if grep -q 'QUIC is off' "$tmp/server.log"; then
		skip_all "$(last "$tmp/server.log" 1)"
	fi
	echo "FAIL transfer_netem_server: quic-perf server did not start: $(last "$tmp/server.log")"
	exit 1
fi

# netem "ARGS": the same qdisc on both ends
netem() { netem_both "$ns_s" "$veth_s" "$ns_c" "$veth_c" "$1"; }

# run CASE "NETEM" SIZE LIMIT [STALL]: one verified transfer of SIZE under
# NETEM, at most LIMIT seconds, at most STALL (default 20) without progress
run() {
	local name=transfer_netem_$1 log=$tmp/$1.log rc t0=$SECONDS err stall=${5:-20}
	if ! err=$(netem "$2" 2>&1); then
		echo "FAIL $name: tc netem $2: $(echo "$err" | head -n 1)"
		failed=1
		return
	fi
	ip netns exec "$ns_c" timeout "$4" "$perf" client -H 10.9.1.1 -p "$port" --proto quic \
		--size 16K --bytes "$3" --verify --timeout "$stall" >"$log" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		[ "$rc" -eq 124 ] && rc="124 (killed after $4 s)"
		echo "FAIL $name: netem $2, $3: client exited $rc after $((SECONDS - t0)) s: $(last "$log")"
		tail -n 2 "$tmp/server.log" | sed 's/^/INFO server: /'
		failed=1
		return
	fi
	echo "INFO $name: netem $2: $(grep -h '^quic:' "$log" | sed 's/ (1 stream.*//') ($((SECONDS - t0)) s in all)"
	echo "PASS $name"
}

run loss5 "loss 5%" 4M 40
run loss20 "loss 20%" 128K 90 60
run reorder "delay 10ms reorder 25% 50%" 4M 40
run duplicate "duplicate 5%" 4M 40
run delay200 "delay 200ms" 2M 40

exit "$failed"
