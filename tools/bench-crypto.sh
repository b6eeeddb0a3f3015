#!/bin/bash
# Packet protection micro-benchmark: protect + unprotect of 1200- and
# 1452-byte 1-RTT packets per cipher through the kernel crypto API, printed
# as a table (ns per packet, Gbit/s for one protect + unprotect). Numbers,
# not assertions.
#
#   tools/bench-crypto.sh [KERNEL]    in the qemu VM (default 6.12)
#   tools/bench-crypto.sh --local     here, as root, with src/kernel/quic.ko
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
read_bench='cat /sys/module/quic/parameters/crypto_bench'
if [ "${1:-}" = --local ]; then
	[ -d /sys/module/quic ] || {
		modprobe -a udp_tunnel ip6_udp_tunnel
		insmod "$top/src/kernel/quic.ko"
	}
	$read_bench
	exit
fi
exec "$top/tools/vm/vm.sh" run "${1:-6.12}" \
	"modprobe -a udp_tunnel ip6_udp_tunnel; insmod src/kernel/quic.ko && uname -r && grep -m1 'model name' /proc/cpuinfo && $read_bench"
