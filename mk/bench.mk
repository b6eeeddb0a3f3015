# QUIC vs TCP vs kTLS benchmark (tools/quic-perf), included by the top-level
# Makefile:
#
#   make bench [KERNEL=6.12] [BENCH_ARGS="--bytes 64M --rr 2000 --conns 1000"]
#                          quic-perf table in a qemu VM
#   make bench-local       the same here, as root (module support needed)

BENCH_ARGS ?=
BENCH_SETUP := modprobe -a udp_tunnel ip6_udp_tunnel; modprobe tls; \
	lsmod | grep -q '^quic ' || insmod src/kernel/quic.ko

.PHONY: bench bench-local

bench:
	tools/vm/vm.sh run $(KERNEL) "$(BENCH_SETUP); uname -r; \
		tools/quic-perf/quic-perf table $(BENCH_ARGS)"

bench-local: module tests
	$(BENCH_SETUP); tools/quic-perf/quic-perf table $(BENCH_ARGS)
