# Top-level build for the in-kernel QUIC project: quic.ko, libquic, tests,
# the VM test harness and the distribution packages.

VERSION := $(shell cat $(CURDIR)/VERSION)
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
PREFIX ?= /usr
DESTDIR ?=
KERNEL ?= 6.12

export VERSION KVER KDIR PREFIX DESTDIR

.PHONY: all module lib tests install uninstall module-install deps unit check \
	vmcheck demo interop pkgcheck clean distclean checkpatch

all: module lib

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/src/kernel QUIC_VERSION=$(VERSION) modules

lib:
	$(MAKE) -C src/libquic

# programs the suite runs (built against the headers in this tree)
tests: lib
	$(MAKE) -C tests
	$(MAKE) -C tools/examples
	$(MAKE) -C tools/quic-perf
	$(MAKE) -C tools/h3
	$(if $(wildcard tools/quic-handshaked/Makefile),$(MAKE) -C tools/quic-handshaked)

module-install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR)/src/kernel INSTALL_MOD_DIR=updates \
		modules_install
	depmod -a $(KVER) || true

install: lib
	$(MAKE) -C src/libquic install
	install -D -m 0644 src/kernel/include/uapi/linux/quic.h \
		$(DESTDIR)$(PREFIX)/include/linux/quic.h
	$(MAKE) install-man

uninstall:
	$(MAKE) -C src/libquic uninstall
	rm -f $(DESTDIR)$(PREFIX)/include/linux/quic.h
	$(MAKE) uninstall-man

# everything the build, the unit tests, the VM harness and the packages need
deps:
	tools/deps.sh

# userspace tests, no VM, no module
unit:
	$(MAKE) --no-print-directory -C tests/unit run

# checkpatch.pl --strict on the module's files
checkpatch:
	tools/checkpatch.sh

# the suite, run directly as root on a machine that can load modules
check: module tests
	tests/run.sh --module src/kernel/quic.ko

# the suite inside a qemu VM: KERNEL=6.1|6.12|7.3|all
vmcheck:
	tools/vm/vm.sh check $(KERNEL)

demo:
	tools/vm/vm.sh demo $(KERNEL)

# the interop matrix (tests/interop/run.sh) in one guest per kernel:
# KERNEL=6.12|7.3|all; writes docs/interop.md
interop:
	tools/vm/vm.sh interop $(KERNEL)

# the deb packages in VM guests: install, DKMS build, kernel upgrade to 7.3
# (apt in a chroot of the guest's disk; QUIC_PKG_UPGRADE=guest: in the
# guest) and reboot (on 6.12), removal (tests/packaging/vm-install.sh)
PKGCHECK_KERNELS ?= 6.1 6.12
pkgcheck:
	tools/vm/vm.sh pkgcheck "$(PKGCHECK_KERNELS)"

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/src/kernel clean 2>/dev/null
	rm -f src/kernel/*.o src/kernel/*.ko src/kernel/*.mod* src/kernel/.*.cmd \
		src/kernel/modules.order src/kernel/Module.symvers
	-$(MAKE) -C src/libquic clean
	-$(MAKE) -C tests clean
	-$(MAKE) -C tools/examples clean
	-$(MAKE) -C tools/quic-perf clean
	-$(MAKE) -C tools/h3 clean
	$(if $(wildcard tools/quic-handshaked/Makefile),$(MAKE) -C tools/quic-handshaked clean || true)
	$(if $(wildcard tests/kmod/Makefile),$(MAKE) -C tests/kmod clean || true)
	-$(MAKE) -C tests/unit clean
	rm -rf build/out build/man build/rpm build/deb

# clean, and also drop the cached VM roots and images
distclean: clean
	rm -rf build

-include mk/*.mk
