#!/bin/bash
# VM test harness: builds a cached Debian root per kernel with mmdebstrap,
# compiles the module, libquic and the tests inside it with chroot, turns it
# into an ext4 image and boots it with qemu to run the suite (or the demo).
#
#   tools/vm/vm.sh check|demo|root|build|shell|run KERNEL [CMD]   KERNEL = 6.1 | 6.12 | 7.3 | all
#
# Environment: QUIC_CACHE (default build/cache), QUIC_VM_MEM (MiB, 2048),
# QUIC_VM_CPUS (2), QUIC_VM_TIMEOUT (s, 1500), QUIC_MIRROR (default: taken
# from the host's apt sources).
set -eu -o pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
here="$top/tools/vm"
cache=${QUIC_CACHE:-$top/build/cache}
mem=${QUIC_VM_MEM:-2048}
cpus=${QUIC_VM_CPUS:-2}
vmtimeout=${QUIC_VM_TIMEOUT:-1500}

# Bump when make_root() changes how a root is made (the package lists are
# part of the cache key already).
root_recipe=1

die() { echo "vm.sh: $*" >&2; exit 2; }
log() { echo "[vm $(date +%H:%M:%S)] $*" >&2; }

usage() {
	echo "usage: $0 check|demo|root|build|shell 6.1|6.12|7.3|all" >&2
	exit 2
}

# Debian archive location, from the host's apt sources (never hard-coded).
mirror() {
	if [ -n "${QUIC_MIRROR:-}" ]; then
		echo "$QUIC_MIRROR"
		return
	fi
	local m
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		/etc/apt/sources.list.d/*.sources 2>/dev/null |
		grep -E '^[[:space:]]*(deb|URIs:)' |
		grep -oE '(https?|file)://[^[:space:]]+' |
		grep -vE 'security|updates|backports' |
		grep -E '/debian/?$' | head -n 1) || true
	[ -n "$m" ] || die "no Debian archive found in /etc/apt/sources.list*; set QUIC_MIRROR"
	echo "${m%/}"
}

# name suite extra-suites kernel-package-suffix
kernel_conf() {
	case "$1" in
	6.1)  suite=bookworm; backports=""; kpkg="" ;;
	6.12) suite=trixie;   backports=""; kpkg="" ;;
	7.3)  suite=trixie;   backports=trixie-backports; kpkg="/trixie-backports" ;;
	*) usage ;;
	esac
}

pkglist() {
	cat "$here/packages.common" "$here/packages.$suite" |
		sed -e 's/#.*//' -e 's/[[:space:]]//g' | grep -v '^$' | sort -u
}

# Build (or reuse) the root for kernel $1; prints its path.
make_root() {
	local k=$1 m key dir root stamp inc
	kernel_conf "$k"
	m=$(mirror)
	key=$( { echo "$k $suite $backports $root_recipe"; pkglist; } |
		sha256sum | cut -c1-16)
	dir="$cache/$k"
	root="$dir/root"
	stamp="$dir/stamp"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ] && [ -d "$root" ]; then
		log "root for $k is cached ($dir)"
		echo "$root"
		return
	fi
	command -v mmdebstrap >/dev/null || die "mmdebstrap missing: run 'make deps'"
	log "building the $suite root for kernel $k (package list changed or no cache)"
	rm -rf "$dir"
	mkdir -p "$dir"
	inc=$(pkglist | paste -sd, -)
	local sources=("deb $m $suite main")
	[ -n "$backports" ] && sources+=("deb $m $backports main")
	mmdebstrap --mode=root --variant=apt --include="$inc" \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--customize-hook="chroot \"\$1\" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends linux-image-amd64$kpkg linux-headers-amd64$kpkg" \
		--customize-hook='chroot "$1" apt-get clean' \
		"$suite" "$root" "${sources[@]}" >"$dir/mmdebstrap.log" 2>&1 ||
		{ tail -n 30 "$dir/mmdebstrap.log" >&2; die "mmdebstrap failed for $k (log: $dir/mmdebstrap.log)"; }
	echo "$key" >"$stamp"
	echo "$root"
}

kver_of() {
	local root=$1 v
	v=$(ls "$root/lib/modules" | sort -V | tail -n 1)
	[ -n "$v" ] || die "no kernel in $root"
	echo "$v"
}

# Copy the tree into the root and build module, libquic and tests there.
build_in_root() {
	local root=$1 kver=$2
	log "building quic.ko, libquic and tests for $kver"
	mkdir -p "$root/opt/quic"
	tar -C "$top" --exclude=./build --exclude=./.git --exclude='*.img' -cf - . |
		tar -C "$root/opt/quic" -xf -
	unshare --mount --fork sh -c "
		mount -t proc proc '$root/proc' &&
		exec chroot '$root' /bin/sh -c 'cd /opt/quic && make clean >/dev/null 2>&1; \
			make module KVER=$kver KDIR=/usr/src/linux-headers-$kver W=1 && \
			make lib tests'" >"$root/../build.log" 2>&1 ||
		{ tail -n 40 "$root/../build.log" >&2; die "build in the $kver root failed (log: $root/../build.log)"; }
	if grep -E 'warning:' "$root/../build.log" >&2; then
		die "the build for $kver has warnings (log: $root/../build.log)"
	fi
}

accel() {
	# qemu with -S waits forever once the accelerator works: a timeout
	# (124) means KVM is usable, an immediate exit means it is not.
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		timeout 5 qemu-system-x86_64 -accel kvm -machine q35 -nodefaults \
			-no-user-config -display none -S -monitor none \
			</dev/null >/dev/null 2>&1
		if [ $? -eq 124 ]; then
			echo "-accel kvm -cpu host"
			return
		fi
	fi
	echo "-accel tcg,thread=multi -cpu max"
}

# Boot the root for kernel $1 with mode check|demo; returns the guest status.
boot() {
	local k=$1 mode=$2 root kver dir img size serial rc
	root=$(make_root "$k")
	kver=$(kver_of "$root")
	build_in_root "$root" "$kver"
	printf '%s\n' "${vmcmd:-}" >"$root/opt/quic/.vm-cmd"
	dir=$(dirname "$root")
	img="$dir/disk.img"
	serial="$dir/serial-$mode.log"
	size=$(( $(du -sm "$root" | cut -f1) + 768 ))
	log "making the $size MiB disk image"
	rm -f "$img"
	mkfs.ext4 -q -F -L quicroot -E root_owner=0:0 -d "$root" "$img" "${size}M" ||
		die "mkfs.ext4 -d failed"
	local acc
	acc=$(accel)
	log "booting $kver ($acc), mode $mode"
	local t0=$SECONDS
	set +e
	# shellcheck disable=SC2086
	timeout --foreground "$vmtimeout" qemu-system-x86_64 $acc -machine q35 \
		-smp "$cpus" -m "$mem" -nodefaults -no-user-config -display none \
		-no-reboot -serial stdio -device virtio-rng-pci \
		-kernel "$root/boot/vmlinuz-$kver" -initrd "$root/boot/initrd.img-$kver" \
		-drive file="$img",if=virtio,format=raw,cache=unsafe \
		-append "console=ttyS0 root=/dev/vda rw rootfstype=ext4 init=/opt/quic/tools/vm/guest-init panic=-1 oops=panic quic.mode=$mode quic.kernel=$k loglevel=4" \
		</dev/null | tee "$serial" | sed -n '/=== QUIC-VM-BEGIN ===/,/=== QUIC-VM-DMESG ===/p' |
		grep -v '=== QUIC-VM-'
	rc=${PIPESTATUS[0]}
	set -e
	[ "$rc" -eq 124 ] && { echo "FAIL vm-$k: the guest did not finish within ${vmtimeout}s (serial log: $serial)"; return 1; }
	log "guest ran $((SECONDS - t0))s"
	local status
	status=$(sed -n 's/.*=== QUIC-VM-EXIT \([0-9]*\) ===.*/\1/p' "$serial" | tail -n 1)
	local bad
	bad=$(sed -n '/=== QUIC-VM-DMESG ===/,/=== QUIC-VM-EXIT/p' "$serial" |
		grep -E 'BUG:|WARNING:|Oops|KASAN|UBSAN|refcount_t|list_add corruption|list_del corruption|general protection|Call Trace' || true)
	if [ -n "$bad" ]; then
		echo "dmesg of the $k guest shows kernel errors:"
		echo "$bad"
		return 1
	fi
	[ -n "$status" ] || { echo "FAIL vm-$k: the guest ended without a result (serial log: $serial)"; return 1; }
	return "$status"
}

[ $# -ge 1 ] || usage
cmd=$1
kernels=${2:-6.12}
[ "$kernels" = all ] && kernels="6.1 6.12 7.3"
[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap, chroot)"

case "$cmd" in
check|demo)
	fails=0 tp=0 tf=0 ts=0
	for k in $kernels; do
		log "=== kernel $k ==="
		kok=1
		if boot "$k" "$cmd"; then
			log "kernel $k: OK"
		else
			log "kernel $k: FAILED"
			fails=$((fails + 1))
			kok=0
		fi
		[ "$cmd" = check ] || continue
		# the guest's own summary line, or one failure if it has none
		sum=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' \
			"$cache/$k/serial-check.log" 2>/dev/null | tail -n 1 | tr -d '\r')
		if [ -n "$sum" ]; then
			set -- $sum
			tp=$((tp + $1)) tf=$((tf + $3)) ts=$((ts + ${5:-0}))
		else
			tf=$((tf + 1))
		fi
		# a kernel that failed (dmesg, timeout) without a failed test
		[ -n "$sum" ] && [ "$kok" = 0 ] && [ "$3" = 0 ] && tf=$((tf + 1))
	done
	if [ "$cmd" = check ]; then
		echo "kernels: $kernels"
		echo "$tp passed, $tf failed, $ts skipped"
	fi
	[ "$fails" -eq 0 ] || { log "$fails kernel(s) failed"; exit 1; }
	;;
root)
	for k in $kernels; do make_root "$k"; done
	;;
build)
	for k in $kernels; do
		root=$(make_root "$k")
		build_in_root "$root" "$(kver_of "$root")"
	done
	;;
shell)
	for k in $kernels; do
		root=$(make_root "$k")
		unshare --mount --fork sh -c "mount -t proc proc '$root/proc'; exec chroot '$root' /bin/bash"
	done
	;;
run)
	# run a command in the guest after the build: vm.sh run KERNEL 'CMD'
	vmcmd=${3:?vm.sh run KERNEL COMMAND}
	for k in $kernels; do boot "$k" cmd; done
	;;
*) usage ;;
esac
