#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Package install/upgrade/remove test, run as root INSIDE a throwaway VM
# guest (Debian bookworm or trixie) by the VM harness; never on a host.
#
#   vm-install.sh install DEBDIR
#       boot 1 (the guest's own kernel): install quic-dkms, libquic1 and
#       libquic-dev from DEBDIR with apt (offline: dkms, linux-headers of the
#       running kernel, build-essential, pkg-config and libgnutls28-dev must
#       be in the root already); DKMS builds quic.ko for the running kernel;
#       modprobe quic; build tests/packaging/handshake.c with pkg-config and
#       run it.
#   vm-install.sh kernel KERNELDEBDIR
#       after boot 1, in the guest or (the harness's default) in a chroot
#       of the guest's disk: install a newer kernel offline from
#       KERNELDEBDIR (linux-image-*.deb and linux-headers-*.deb, plus their
#       linux-kbuild/-common dependencies) and check that DKMS built quic.ko
#       for it without being asked (the kernel's postinst hook). Prints
#       "REBOOT-INTO VERSION"; the harness then boots the disk with it.
#   vm-install.sh upgraded
#       boot 2 (the newer kernel): quic.ko is there and loads, the program
#       works; then remove quic-dkms and check that no quic.ko is left for
#       any kernel and DKMS forgot the module.
#   vm-install.sh remove
#       the removal checks alone (for a single-boot run, e.g. bookworm).
#
# Output: PASS/FAIL/SKIP lines and "N passed, N failed, N skipped".

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0 skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
skip() { echo "SKIP $1: $2"; skipped=$((skipped + 1)); }
oneline() { tr '\n' ' ' | cut -c1-300; }
summary() { echo "$passed passed, $failed failed, $skipped skipped"; [ "$failed" = 0 ]; }
export DEBIAN_FRONTEND=noninteractive
KVER=$(uname -r)

module_for() {	# path of the DKMS-installed quic.ko for kernel $1, or nothing
	find "/lib/modules/$1/updates/dkms" -name 'quic.ko*' 2>/dev/null | head -1
}

check_module_loads() {	# modprobe + version + the user program
	local ko ver out
	ko=$(module_for "$KVER")
	if [ -z "$ko" ]; then
		fail "dkms-built-$KVER" "no quic.ko in /lib/modules/$KVER/updates/dkms; dkms status: $(dkms status quic 2>&1 | oneline)"
		return
	fi
	pass "dkms-built-$KVER"
	if out=$(modprobe quic 2>&1); then pass "modprobe-quic-$KVER"
	else fail "modprobe-quic-$KVER" "$out"; return; fi
	ver=$(cat /sys/module/quic/version 2>/dev/null)
	[ "$ver" = "$(dpkg-query -W -f '${Version}' quic-dkms | sed 's/-[^-]*$//')" ] &&
		pass module-version || fail module-version "loaded module says '$ver'"
	[ -r /proc/net/quic/sks ] && pass proc-net-quic || fail proc-net-quic "/proc/net/quic/sks missing"
	out=$(man -w 7 quic 2>&1) && pass man-7-quic || fail man-7-quic "$out"

	local tmp
	tmp=$(mktemp -d)
	# shellcheck disable=SC2046 # the flags are words, as users write it
	if out=$(cc -Wall -Wextra -o "$tmp/handshake" "$HERE/handshake.c" \
		$(pkg-config --cflags --libs libquic) 2>&1); then
		pass cc-pkg-config-libquic
		"$tmp/handshake" > "$tmp/out" 2>&1
		while IFS= read -r line; do
			case "$line" in
			PASS\ *) pass "${line#PASS }-$KVER" ;;
			SKIP\ *) line=${line#SKIP }; skip "${line%%:*}-$KVER" "${line#*: }" ;;
			FAIL\ *) line=${line#FAIL }; fail "${line%%:*}-$KVER" "${line#*: }" ;;
			esac
		done < "$tmp/out"
	else
		fail cc-pkg-config-libquic "$(echo "$out" | oneline)"
	fi
	rm -rf "$tmp"
	modprobe -r quic 2>/dev/null || true
}

do_install() {
	local debdir=$1 out
	out=$(apt-get install -y "$debdir"/quic-dkms_*.deb "$debdir"/libquic1_*.deb \
		"$debdir"/libquic-dev_*.deb 2>&1)
	if [ $? = 0 ]; then pass apt-install-debs
	else fail apt-install-debs "$(echo "$out" | tail -5 | oneline)"; summary; return; fi
	echo "$out" | grep -iE 'dkms|quic.ko|Building' | sed 's/^/  dkms log: /' | head -20
	dkms status quic | grep -q "installed" && pass dkms-status-installed ||
		fail dkms-status-installed "$(dkms status quic 2>&1 | oneline)"
	check_module_loads
	summary
}

do_kernel() {
	local kdir=$1 newk out
	newk=$(basename "$(ls "$kdir"/linux-image-[0-9]*.deb | head -1)" | sed -E 's/^linux-image-([^_]*)_.*/\1/')
	newk=${newk%-unsigned}
	out=$(apt-get install -y "$kdir"/*.deb 2>&1)
	if [ $? = 0 ]; then pass "install-kernel-$newk"
	else fail "install-kernel-$newk" "$(echo "$out" | tail -5 | oneline)"; summary; return; fi
	echo "$out" | grep -iE 'dkms|quic' | sed 's/^/  dkms log: /' | head -20
	if [ -n "$(module_for "$newk")" ]; then pass "dkms-autobuilt-for-$newk"
	else fail "dkms-autobuilt-for-$newk" "no /lib/modules/$newk/updates/dkms/quic.ko; dkms status: $(dkms status quic 2>&1 | oneline)"; fi
	echo "REBOOT-INTO $newk"
	summary
}

do_remove() {
	local out left
	out=$(apt-get remove -y quic-dkms 2>&1)
	if [ $? = 0 ]; then pass apt-remove-quic-dkms
	else fail apt-remove-quic-dkms "$(echo "$out" | tail -5 | oneline)"; fi
	left=$(find /lib/modules -path '*/updates/dkms/quic.ko*' 2>/dev/null | oneline)
	[ -z "$left" ] && pass no-module-left || fail no-module-left "$left"
	[ -z "$(dkms status quic 2>/dev/null)" ] && pass dkms-forgot-quic ||
		fail dkms-forgot-quic "$(dkms status quic 2>&1 | oneline)"
	[ ! -d /var/lib/dkms/quic ] && [ -z "$(ls -d /usr/src/quic-* 2>/dev/null)" ] &&
		pass no-source-left || fail no-source-left "$(ls -d /var/lib/dkms/quic /usr/src/quic-* 2>&1 | oneline)"
}

case "${1:-}" in
install) [ -d "${2:-}" ] || { echo "usage: $0 install DEBDIR" >&2; exit 2; }
	do_install "$2" ;;
kernel) [ -d "${2:-}" ] || { echo "usage: $0 kernel KERNELDEBDIR" >&2; exit 2; }
	do_kernel "$2" ;;
upgraded) check_module_loads; do_remove; summary ;;
remove) do_remove; summary ;;
*) echo "usage: $0 install DEBDIR | kernel KERNELDEBDIR | upgraded | remove" >&2; exit 2 ;;
esac
