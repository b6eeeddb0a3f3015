#!/bin/bash
# Handshake and echo across a real link: two network namespaces joined by a
# veth pair (10.9.0.1/24 server side, 10.9.0.2/24 client side), the server
# and the client of tools/examples in one each, PSK, 64 KiB echoed:
#
#   handshake_netns_veth         no impairment
#   handshake_netem_delay        netem delay 100ms on both ends (RTT 200 ms)
#   handshake_netem_loss_delay   netem delay 100ms loss 10% on both ends
#                                (lost Initial/Handshake packets, PTO, stream
#                                retransmission; 120 s allowed)
#
# The netem cases are SKIP when sch_netem cannot be loaded; every case is
# SKIP while the module has no connect()/listen() (EOPNOTSUPP). Run by
# tests/run.sh from tests/ as root.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(cd .. && pwd)
client=$top/tools/examples/quic-echo-client
server=$top/tools/examples/quic-echo-server
size=65536
ns_s=quic-hs-s$$
ns_c=quic-hs-c$$
veth_s=qhs$$s
veth_c=qhs$$c
failed=0
skip_reason=

for p in "$client" "$server"; do
	if [ ! -x "$p" ]; then
		echo "FAIL handshake_netem_build: ${p#"$top"/} is not built (make tests)"
		exit 1
	fi
done

# shellcheck source=../lib/common.sh
. lib/common.sh
setup_tmp
# shellcheck disable=SC2317 # called by cleanup
cleanup_post() { netns_del "$ns_s" "$ns_c"; }

skip_all() {
	local c
	for c in netns_veth netem_delay netem_loss_delay; do
		echo "SKIP handshake_$c: $1"
	done
	exit 0
}

if ! netns_pair "$ns_s" "$ns_c" "$veth_s" "$veth_c" 10.9.0.1 10.9.0.2; then
	case "$netns_err" in
	netns:*) skip_all "${netns_err#netns: }" ;;
	esac
	echo "FAIL handshake_netem_setup: $netns_err"
	exit 1
fi

make_certs handshake_netem
psk=$tmp/pki/psk.txt

# netem "ARGS": the same netem qdisc on both ends ("" removes it)
netem() { netem_both "$ns_s" "$veth_s" "$ns_c" "$veth_c" "$1"; }

# run_case CASE SECONDS: handshake + echo from the client namespace to the
# server namespace, all within SECONDS
run_case() {
	local name=handshake_$1 secs=$2 slog=$tmp/$1.server clog=$tmp/$1.client crc cs ss
	local t0=$SECONDS
	if [ -n "$skip_reason" ]; then
		echo "SKIP $name: $skip_reason"
		return
	fi
	if ! start_server "$slog" ip netns exec "$ns_s" timeout $((secs + 20)) "$server" \
		--addr 10.9.0.1 --port 0 --count 1 --timeout "$secs" --psk "$psk"; then
		if not_in_yet "$slog"; then
			skip_reason="the kernel handshake is not in yet ($(last "$slog" 1))"
			echo "SKIP $name: $skip_reason"
			return
		fi
		echo "FAIL $name: the server did not start: $(last "$slog")"
		failed=1
		return
	fi
	ip netns exec "$ns_c" timeout "$secs" "$client" --addr 10.9.0.1 --port "$srv_port" \
		--psk "$psk" --size "$size" --timeout $((secs - 10)) >"$clog" 2>&1
	crc=$?
	stop_server 15
	if not_in_yet "$clog"; then
		skip_reason="the kernel handshake is not in yet ($(last "$clog" 1))"
		echo "SKIP $name: $skip_reason"
		return
	fi
	if [ "$crc" -ne 0 ]; then
		[ "$crc" -eq 124 ] && crc="124 (timeout $secs s)"
		echo "FAIL $name: client exited $crc: $(last "$clog"); server: $(last "$slog")"
		failed=1
		return
	fi
	if [ "$srv_rc" -ne 0 ]; then
		echo "FAIL $name: server exited $srv_rc: $(last "$slog")"
		failed=1
		return
	fi
	cs=$(sed -n 's/^echo ok \([0-9]*\) bytes sha256=\([0-9a-f]*\) .*/\1 \2/p' "$clog")
	ss=$(sed -n 's/^conn 1: .* echoed \([0-9]*\) bytes sha256=\([0-9a-f]*\)$/\1 \2/p' "$slog")
	if [ "$cs" != "$ss" ] || [ "${cs%% *}" != "$size" ]; then
		echo "FAIL $name: echo differs: client '${cs:-none}', server '${ss:-none}'"
		failed=1
		return
	fi
	echo "INFO $name: $(grep -h '^handshake ok\|^echo ok' "$clog" | tr '\n' ' ')($((SECONDS - t0)) s in all)"
	echo "PASS $name"
}

run_case netns_veth 30

if ! err=$(netem "delay 100ms" 2>&1); then
	echo "SKIP handshake_netem_delay: sch_netem cannot be used: $(echo "$err" | head -n 1)"
	echo "SKIP handshake_netem_loss_delay: sch_netem cannot be used"
	exit "$failed"
fi
run_case netem_delay 60
if ! err=$(netem "delay 100ms loss 10%" 2>&1); then
	echo "FAIL handshake_netem_loss_delay: tc netem loss 10%: $(echo "$err" | head -n 1)"
	exit 1
fi
run_case netem_loss_delay 120

exit "$failed"
