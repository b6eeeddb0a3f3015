#!/bin/bash
# Bulk transfers over QUIC on loopback with tools/quic-perf, every byte
# checked by the server (--verify) and the byte count confirmed back to the
# client:
#
#   transfer_64m_one_stream     64 MiB on one stream, 64 KiB messages
#   transfer_rcv_not_copied     the receiver held most of it in the packets
#                               it came in (QuicRcvDataHeld) - no copy
#
# (100 concurrent streams of 1 MiB each: tests/conn/stream_test.c.)
#
# Throughput goes out as INFO lines (numbers, not assertions). A transfer
# without progress for 20 s, or longer than its time limit, is a FAIL.
# Run by tests/run.sh from tests/ as root, with the module loaded.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(cd .. && pwd)
perf=$top/tools/quic-perf/quic-perf
failed=0

if [ ! -x "$perf" ]; then
	echo "FAIL transfer_build: tools/quic-perf/quic-perf is not built (make tests)"
	exit 1
fi

tmp=$(mktemp -d) || exit 1
srv_pid=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

last() { tail -n "${2:-3}" "$1" 2>/dev/null | tr '\n' '|' | sed 's/|$//'; }

# the server on a free base port (QUIC PORT, TCP PORT+1, kTLS PORT+2)
start_server() {
	local _
	for _ in 1 2 3 4 5; do
		port=$((20000 + (RANDOM % 20000) * 2))
		"$perf" server -p "$port" --quiet --timeout 30 >"$tmp/server.log" 2>&1 &
		srv_pid=$!
		for _ in $(seq 50); do
			grep -q '^listening' "$tmp/server.log" && return 0
			kill -0 "$srv_pid" 2>/dev/null || break
			sleep 0.1
		done
		kill "$srv_pid" 2>/dev/null
		wait "$srv_pid" 2>/dev/null
		srv_pid=
		grep -q 'QUIC is off' "$tmp/server.log" && return 2
	done
	return 1
}

start_server
case $? in
0) ;;
2)
	echo "SKIP transfer_64m_one_stream: $(last "$tmp/server.log" 1)"
	exit 0
	;;
*)
	echo "FAIL transfer_server: quic-perf server did not start: $(last "$tmp/server.log")"
	exit 1
	;;
esac

# run NAME LIMIT ARGS...: one client run, at most LIMIT seconds
run() {
	local name=$1 limit=$2 log=$tmp/$1.log rc t0=$SECONDS
	shift 2
	timeout "$limit" "$perf" client -H 127.0.0.1 -p "$port" --proto quic --verify \
		--timeout 20 "$@" >"$log" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		[ "$rc" -eq 124 ] && rc="124 (killed after $limit s)"
		echo "FAIL $name: client exited $rc: $(last "$log")"
		grep -h 'conn .*\(ERROR\|MISMATCH\)\|quic-perf: conn' "$tmp/server.log" |
			tail -n 2 | sed 's/^/INFO server: /'
		failed=1
		return
	fi
	echo "INFO $name: $(grep -h '^quic:' "$log") ($((SECONDS - t0)) s with the handshake)"
	echo "PASS $name"
}

held() { awk '$1 == "QuicRcvDataHeld" { print $2 }' /proc/net/quic/snmp; }

h0=$(held)
run transfer_64m_one_stream 120 --size 64K --bytes 64M
# the receiver reads STREAM data from the packets it arrived in: most of
# the 64 MiB must not have been copied into reassembly chunks
h1=$(held)
if [ -z "$h0" ] || [ -z "$h1" ]; then
	echo "FAIL transfer_rcv_not_copied: no QuicRcvDataHeld in /proc/net/quic/snmp"
	failed=1
elif [ $((h1 - h0)) -lt $((32 * 1024 * 1024)) ]; then
	echo "FAIL transfer_rcv_not_copied: only $((h1 - h0)) bytes of 64 MiB read from the packets they came in"
	failed=1
else
	echo "PASS transfer_rcv_not_copied ($((h1 - h0)) bytes of 64 MiB held in their packets)"
fi

exit "$failed"
