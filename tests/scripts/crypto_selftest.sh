#!/bin/bash
# In-kernel packet protection self-test: reading the crypto_selftest module
# parameter runs the RFC 9001/9369 vectors and bad-input cases through the
# kernel crypto API (one PASS/FAIL line each); then the module is loaded
# with crypto_selftest=1, which runs them at load and logs a summary.
set -u
f=/sys/module/quic/parameters/crypto_selftest
if [ ! -r "$f" ]; then
	echo "FAIL crypto_selftest: $f is missing"
	exit 1
fi
out=$(cat "$f" 2>&1)
echo "$out" | grep -E '^(PASS|FAIL|SKIP) '
if ! echo "$out" | grep -qE '^[0-9]+ passed, 0 failed$'; then
	echo "FAIL crypto_selftest_summary: $(echo "$out" | tail -n 1)"
fi

ko=${QUIC_KO:-}
if [ -z "$ko" ] || [ ! -f "$ko" ]; then
	echo "SKIP crypto_selftest_at_load: no quic.ko path (QUIC_KO)"
	exit 0
fi
. "$(dirname "$0")/../lib/common.sh"
quic_settle	# closing periods of the connections before
if ! rmmod quic 2>/dev/null; then
	echo "SKIP crypto_selftest_at_load: the module is in use"
	exit 0
fi
mark="crypto-selftest-$$-$RANDOM"
echo "$mark" >/dev/kmsg
if insmod "$ko" crypto_selftest=1 &&
	dmesg | sed -n "/$mark/,\$p" |
	grep -qE 'quic: crypto self-test: [0-9]+ passed, 0 failed'; then
	echo "PASS crypto_selftest_at_load"
else
	echo "FAIL crypto_selftest_at_load: $(dmesg | sed -n "/$mark/,\$p" | grep 'quic:' | tail -n 1)"
fi
# leave the module loaded as the suite expects it
[ -d /sys/module/quic ] || insmod "$ko"
