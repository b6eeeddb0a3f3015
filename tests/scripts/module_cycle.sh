#!/bin/bash
# Module load/unload: 50 cycles with sockets opened and closed in between,
# unload refused while a socket exists, /proc/net/quic gone after unload.
# Needs QUIC_KO (path of quic.ko) and root.
set -u
bin=$(dirname "$0")/../bin
ko=${QUIC_KO:-}
cycles=${QUIC_CYCLES:-50}

if [ -z "$ko" ] || [ ! -f "$ko" ]; then
	echo "SKIP module_cycles: no quic.ko path (QUIC_KO); the module is not ours to unload"
	exit 0
fi

. "$(dirname "$0")/../lib/common.sh"
quic_settle	# the connections of the scripts before: closing periods
ok=1
for i in $(seq 1 "$cycles"); do
	if ! rmmod quic 2>/tmp/rmmod.err; then
		echo "FAIL module_cycles: rmmod failed at cycle $i: $(cat /tmp/rmmod.err)"
		ok=0
		break
	fi
	if [ -e /proc/net/quic ]; then
		echo "FAIL module_cycles: /proc/net/quic still there after unload (cycle $i)"
		ok=0
		break
	fi
	if ! insmod "$ko" 2>/tmp/insmod.err; then
		echo "FAIL module_cycles: insmod failed at cycle $i: $(cat /tmp/insmod.err)"
		ok=0
		break
	fi
	if ! "$bin/sockhold" 8 >/dev/null; then
		echo "FAIL module_cycles: sockets failed at cycle $i"
		ok=0
		break
	fi
done
[ $ok = 1 ] && echo "PASS module_cycles_$cycles"

# a socket pins the module
coproc HOLD { "$bin/sockhold" 2 wait; }
read -r line <&"${HOLD[0]}"
if [ "$line" != ready ]; then
	echo "FAIL module_busy_setup: holder said '$line'"
	exit 1
fi
refs=$(cat /sys/module/quic/refcnt)
if [ "$refs" -ge 2 ]; then
	echo "PASS module_refcnt_counts_sockets"
else
	echo "FAIL module_refcnt_counts_sockets: refcnt $refs with 2 sockets"
fi
if rmmod quic 2>/dev/null; then
	echo "FAIL module_unload_refused_while_in_use: rmmod succeeded"
	insmod "$ko"
else
	echo "PASS module_unload_refused_while_in_use"
fi
exec {HOLD[1]}>&-
wait "$HOLD_PID"
quic_settle
if rmmod quic; then
	echo "PASS module_unload_after_sockets_closed"
else
	echo "FAIL module_unload_after_sockets_closed: rmmod failed"
fi
if insmod "$ko"; then
	echo "PASS module_reload"
else
	echo "FAIL module_reload: insmod failed"
fi
