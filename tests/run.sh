#!/bin/bash
# The test suite: loads quic.ko, runs every test program and script, and ends
# with "N passed, N failed, N skipped". 'make check' runs it as root on a
# machine that can load modules; 'make vmcheck' runs it inside the VM.
#
#   tests/run.sh [--module PATH/quic.ko]
#
# Without --module the installed module is used (modprobe quic) and is not
# unloaded by the tests.
set -u
ko=
while [ $# -gt 0 ]; do
	case "$1" in
	--module)
		[ -f "${2:-}" ] || { echo "run.sh: no module at '${2:-}'" >&2; exit 2; }
		ko=$(readlink -f "$2")
		shift 2
		;;
	*) echo "usage: $0 [--module PATH/quic.ko]" >&2; exit 2 ;;
	esac
done
cd "$(dirname "$0")"
. lib/common.sh
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (loads the module)" >&2; exit 2; }

passed=0 failed=0 skipped=0
tally() {
	local line
	while IFS= read -r line; do
		echo "$line"
		case "$line" in
		PASS\ *) passed=$((passed + 1)) ;;
		FAIL\ *) failed=$((failed + 1)) ;;
		SKIP\ *) skipped=$((skipped + 1)) ;;
		esac
	done
}
result() { echo "$1" | tally; }

echo "quic-suite: start" >/dev/kmsg 2>/dev/null

# load the module
if [ -n "$ko" ]; then
	modprobe -a udp_tunnel ip6_udp_tunnel 2>/dev/null
	rmmod quic 2>/dev/null
	if insmod "$ko"; then
		result "PASS module_load"
	else
		result "FAIL module_load: insmod $ko failed"
	fi
	export QUIC_KO=$ko
else
	if modprobe quic; then
		result "PASS module_load"
	else
		result "FAIL module_load: modprobe quic failed"
	fi
fi
if [ -r /sys/module/quic/version ]; then
	result "PASS module_version_$(cat /sys/module/quic/version)"
else
	result "FAIL module_version: /sys/module/quic/version missing"
fi

run() {
	local name=$1 rc out t0=$SECONDS limit=300
	shift
	# the interop matrix's share of the suite: a 540 s budget (cells past
	# it print SKIP) and time in hand for the one running then
	[ "$name" = interop ] && limit=720
	out=$(mktemp)
	timeout "$limit" "$@" >"$out" 2>&1
	rc=$?
	tally <"$out"
	echo "INFO time $name: $((SECONDS - t0)) s"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$out"; then
		result "FAIL $name: exited with status $rc"
	fi
	rm -f "$out"
}

# every test program, then every script; module_cycle reloads the module
# and runs last
for t in bin/*_test; do
	run "$(basename "$t")" "$t"
done
for t in scripts/*.sh; do
	[ "$t" = scripts/module_cycle.sh ] && continue
	run "$(basename "$t" .sh)" "$t"
done
run module_cycle scripts/module_cycle.sh

# unload what we loaded, then the kernel log must be clean
if [ -n "$ko" ]; then
	quic_settle
	if rmmod quic; then
		result "PASS module_unload"
	else
		result "FAIL module_unload: rmmod quic failed"
	fi
fi
bad=$(dmesg --color=never | sed -n '/quic-suite: start/,$p' |
	grep -E 'BUG:|WARNING:|Oops|KASAN|UBSAN|refcount_t|list_add corruption|list_del corruption|general protection' | head -n 20)
if [ -z "$bad" ]; then
	result "PASS dmesg_clean"
else
	result "FAIL dmesg_clean: $(echo "$bad" | head -n 1)"
	echo "$bad"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
