# Packet protection micro-benchmark, included by the top-level Makefile:
#
#   make bench-crypto [KERNEL=6.12]   the table from a qemu VM
#   make bench-crypto-local           here, as root (module support needed)

.PHONY: bench-crypto bench-crypto-local

bench-crypto:
	tools/bench-crypto.sh $(KERNEL)

bench-crypto-local: module
	tools/bench-crypto.sh --local
