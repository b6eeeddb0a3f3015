#!/bin/bash
# VM test harness: builds a cached Debian root per kernel with mmdebstrap,
# compiles the module, libquic and the tests inside it with chroot, turns it
# into an ext4 image and boots it with qemu to run the suite (or the demo).
#
#   tools/vm/vm.sh check|demo|interop|pkgcheck|root|build|shell|run KERNEL [CMD]
#
# check: the suite (tests/run.sh); demo: tools/vm/guest-demo; interop: the
# interop matrix (tests/interop/run.sh), written to docs/interop.md; pkgcheck: the
# deb packages installed in a guest, DKMS building the module, and on 6.12 a
# kernel upgrade to 7.3 and a reboot into it (tests/packaging/vm-install.sh).
# KERNEL = 6.1 | 6.12 | 7.3 | all
#
# Environment: QUIC_CACHE (default build/cache), QUIC_VM_MEM (MiB, 2048),
# QUIC_VM_CPUS (2), QUIC_VM_TIMEOUT (s, 1500), QUIC_MIRROR (default: taken
# from the host's apt sources), QUIC_VM_ACCEL (tcg, or kvm
# with -cpu QUIC_VM_KVM_CPU, default host), QUIC_PKG_UPGRADE (chroot: the
# kernel upgrade of pkgcheck in a chroot of the guest's disk, the default;
# guest: in the guest).
set -eu -o pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
here="$top/tools/vm"
cache=${QUIC_CACHE:-$top/build/cache}
mem=${QUIC_VM_MEM:-2048}
cpus=${QUIC_VM_CPUS:-2}
vmtimeout=${QUIC_VM_TIMEOUT:-1500}

# Bump when make_root() changes how a root is made (the package lists are
# part of the cache key already).
root_recipe=2

die() { echo "vm.sh: $*" >&2; exit 2; }
log() { echo "[vm $(date +%H:%M:%S)] $*" >&2; }

usage() {
	echo "usage: $0 check|demo|interop|pkgcheck|root|build|shell|run 6.1|6.12|7.3|all [CMD]" >&2
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
	# the kernel goes in last; for the backports kernel the debs it brought
	# (the kernel and what the base lacks) are kept in /opt/kernel-debs for
	# the upgrade test of pkgcheck
	local hooks=(
		--customize-hook="chroot \"\$1\" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends linux-image-amd64$kpkg linux-headers-amd64$kpkg"
		--customize-hook='chroot "$1" apt-get clean'
	)
	[ -n "$backports" ] && hooks=(
		--customize-hook='chroot "$1" apt-get clean'
		"${hooks[0]}"
		--customize-hook='mkdir -p "$1/opt/kernel-debs" && cp "$1"/var/cache/apt/archives/*.deb "$1/opt/kernel-debs/"'
		--customize-hook='chroot "$1" apt-get clean'
	)
	key=$( { echo "$k $suite $backports $root_recipe"
		[ -n "$backports" ] && echo "${hooks[*]}"; pkglist; } |
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
	local t0=$SECONDS
	rm -rf "$dir"
	mkdir -p "$dir"
	inc=$(pkglist | paste -sd, -)
	local sources=("deb $m $suite main")
	[ -n "$backports" ] && sources+=("deb $m $backports main")
	mmdebstrap --mode=root --variant=apt --include="$inc" \
		--dpkgopt='path-exclude=/usr/share/doc/*' \
		--dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		"${hooks[@]}" \
		"$suite" "$root" "${sources[@]}" >"$dir/mmdebstrap.log" 2>&1 ||
		{ tail -n 30 "$dir/mmdebstrap.log" >&2; die "mmdebstrap failed for $k (log: $dir/mmdebstrap.log)"; }
	echo "$key" >"$stamp"
	log "root for $k built in $((SECONDS - t0))s"
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
	# a fresh copy: files of another tree (a git worktree) must not linger
	rm -rf "$root/opt/quic"
	mkdir -p "$root/opt/quic"
	tar -C "$top" --exclude=./build --exclude=./.git --exclude='*.img' -cf - . |
		tar -C "$root/opt/quic" -xf -
	unshare --mount --fork sh -c "
		mount -t proc proc '$root/proc' &&
		exec chroot '$root' /bin/sh -c 'cd /opt/quic && make clean >/dev/null 2>&1; \
			make module KVER=$kver KDIR=/usr/src/linux-headers-$kver W=1 && \
			make lib tests && \
			{ [ ! -f tests/kmod/Makefile ] || \
			  make -C tests/kmod KDIR=/usr/src/linux-headers-$kver; }'" >"$root/../build.log" 2>&1 ||
		{ tail -n 40 "$root/../build.log" >&2; die "build in the $kver root failed (log: $root/../build.log)"; }
	if grep -E 'warning:' "$root/../build.log" >&2; then
		die "the build for $kver has warnings (log: $root/../build.log)"
	fi
}

accel() {
	# Emulation unless QUIC_VM_ACCEL=kvm: a /dev/kvm that opens is no proof
	# that a guest runs on it. On this project's machines nested KVM either
	# aborts qemu at the first vCPU (an MSR of -cpu host refused) or, with
	# that MSR off, stops the guest kernel's decompressor with an emulation
	# failure while qemu waits on: a probe would have to boot a kernel.
	if [ "${QUIC_VM_ACCEL:-tcg}" = kvm ]; then
		echo "-accel kvm -cpu ${QUIC_VM_KVM_CPU:-host}"
		return
	fi
	echo "-accel tcg,thread=multi -cpu ${QUIC_VM_TCG_CPU:-max}"
}

# Build the tree in the root of kernel $1 and make its disk image; sets
# ROOT, KVER, IMG. Files named .vm-cmd* in /opt/quic are the commands of
# "cmd" boots (guest-init runs .vm-cmd$N for quic.cmd=N).
make_image() {
	local k=$1 size
	ROOT=$(make_root "$k")
	KVER=$(kver_of "$ROOT")
	build_in_root "$ROOT" "$KVER"
	printf '%s\n' "${vmcmd:-}" >"$ROOT/opt/quic/.vm-cmd"
	printf '%s\n' "${vmcmd2:-}" >"$ROOT/opt/quic/.vm-cmd2"
	IMG="$(dirname "$ROOT")/disk.img"
	size=$(( $(du -sm "$ROOT" | cut -f1) + 1024 ))
	log "making the $size MiB disk image"
	rm -f "$IMG"
	mkfs.ext4 -q -F -L quicroot -E root_owner=0:0 -d "$ROOT" "$IMG" "${size}M" \
		>/dev/null || die "mkfs.ext4 -d failed"
}

# Boot image $2 with kernel $3 and initrd $4; $1 names the kernel (for
# messages), $5 the mode (check|demo|cmd), $6 the command number for cmd,
# $7 the serial log. Prints the guest's output; returns its status.
run_qemu() {
	local k=$1 img=$2 vmlinuz=$3 initrd=$4 mode=$5 n=$6 serial=$7 rc acc
	acc=$(accel)
	log "booting $(basename "$vmlinuz") ($acc), mode $mode$n"
	local t0=$SECONDS try
	set +e
	# A kernel that dies before userspace (TCG occasionally trips over
	# its own text patching in early boot: "Oops: int3" with no module
	# loaded) gets one more boot; anything later counts.
	for try in 1 2; do
		# shellcheck disable=SC2086
		timeout --foreground "$vmtimeout" qemu-system-x86_64 $acc -machine q35 \
			-smp "$cpus" -m "$mem" -nodefaults -no-user-config -display none \
			-no-reboot -serial stdio -device virtio-rng-pci \
			-kernel "$vmlinuz" -initrd "$initrd" \
			-drive file="$img",if=virtio,format=raw,cache=unsafe \
			-append "console=ttyS0 root=/dev/vda rw rootfstype=ext4 init=/opt/quic/tools/vm/guest-init panic=-1 oops=panic quic.mode=$mode quic.cmd=$n quic.kernel=$k loglevel=4" \
			</dev/null | tee "$serial" | sed -un '/=== QUIC-VM-BEGIN ===/,/=== QUIC-VM-DMESG ===/p' |
			grep --line-buffered -av '=== QUIC-VM-'
		rc=${PIPESTATUS[0]}
		if [ "$try" = 2 ] || [ "$rc" -eq 124 ] || grep -aq 'quic-vm: up' "$serial"; then
			break
		fi
		log "the guest kernel died before userspace: $(grep -am1 -E 'Oops|BUG|panic' "$serial" | tr -d '\r'); booting again"
		cp "$serial" "$serial.early-death"
	done
	set -e
	if [ "$rc" -eq 124 ]; then
		echo "FAIL vm-$k: the guest did not finish within ${vmtimeout}s (serial log: $serial)"
		return 1
	fi
	local booted
	booted=$(grep -a 'quic-vm: up' "$serial" | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p' | head -n 1)
	log "guest ran $((SECONDS - t0))s (boot to userspace ${booted:-?}s)"
	local status bad
	status=$(sed -n 's/.*=== QUIC-VM-EXIT \([0-9]*\) ===.*/\1/p' "$serial" | tail -n 1)
	bad=$(sed -n '/=== QUIC-VM-DMESG ===/,/=== QUIC-VM-EXIT/p' "$serial" |
		grep -aE 'BUG:|WARNING:|Oops|KASAN|UBSAN|refcount_t|list_add corruption|list_del corruption|general protection|Call Trace' || true)
	if [ -n "$bad" ]; then
		echo "FAIL dmesg_clean_vm_$k: the guest's kernel log shows errors:"
		echo "$bad"
		return 1
	fi
	if [ -z "$status" ]; then
		echo "FAIL vm-$k: the guest ended without a result (serial log: $serial)"
		return 1
	fi
	return "$status"
}

# Boot the root of kernel $1 in mode $2 (check|demo|cmd).
boot() {
	local k=$1 mode=$2
	make_image "$k"
	run_qemu "$k" "$IMG" "$ROOT/boot/vmlinuz-$KVER" "$ROOT/boot/initrd.img-$KVER" \
		"$mode" "" "$cache/$k/serial-$mode.log"
}

# Sum the "N passed, N failed, N skipped" lines of serial logs into tp/tf/ts.
tally_logs() {
	local line
	while read -r line; do
		# shellcheck disable=SC2086
		set -- $line
		tp=$((tp + $1)) tf=$((tf + $3)) ts=$((ts + ${5:-0}))
	done < <(cat "$@" 2>/dev/null | tr -d '\r' | sed -n '/=== QUIC-VM-BEGIN/,/=== QUIC-VM-DMESG/p' |
		grep -aE '^[0-9]+ passed, [0-9]+ failed')
}

# The kernel upgrade of pkgcheck between the two boots, in a chroot of the
# guest's disk $1 (loop-mounted): vm-install.sh kernel $2 installs the
# kernel debs with apt, whose postinst hook has DKMS build quic.ko for the
# new kernel, natively instead of in the emulated guest (some 10 minutes
# there). Its output goes to $3 between the markers the tally reads.
kernel_in_chroot() {
	local img=$1 kdir=$2 out=$3 mnt rc=0
	log "installing the new kernel in a chroot of the guest's disk"
	mnt=$(mktemp -d)
	{ echo "=== QUIC-VM-BEGIN ==="
	  unshare --mount --fork sh -c "
		mount -o loop '$img' '$mnt' || exit 1
		mount -t proc proc '$mnt/proc' &&
			chroot '$mnt' /bin/sh -c 'cd /opt/quic && tests/packaging/vm-install.sh kernel $kdir'
		rc=\$?
		umount '$mnt/proc' 2>/dev/null
		umount '$mnt' || rc=1
		exit \$rc" 2>&1 || rc=1
	  echo "=== QUIC-VM-DMESG ==="; } >"$out"
	rmdir "$mnt"
	sed -n '/=== QUIC-VM-BEGIN ===/,/=== QUIC-VM-DMESG ===/p' "$out" | grep -av '=== QUIC-VM-'
	return $rc
}

# The packages in a guest: install (DKMS builds quic.ko), use, on 6.12
# upgrade to the 7.3 kernel (in a chroot of the guest's disk, or with
# QUIC_PKG_UPGRADE=guest in the guest) and reboot into it, remove.
pkgcheck() {
	local k=$1 debs=() st=/opt/pkgtest kdir="" dir rc=0 newk
	local upgrade_in=${QUIC_PKG_UPGRADE:-chroot} klog
	case "$upgrade_in" in chroot|guest) ;; *) die "QUIC_PKG_UPGRADE must be chroot or guest, not '$upgrade_in'" ;; esac
	# the roots leave out documentation to stay small; a user's system has
	# it, and the test checks that man 7 quic works
	local undoc="rm -f /etc/dpkg/dpkg.cfg.d/99mmdebstrap"
	dir="$cache/$k"
	log "building the packages (make deb)"
	make -C "$top" --no-print-directory deb >"$cache/deb.log" 2>&1 ||
		{ tail -n 30 "$cache/deb.log"; echo "FAIL pkg_build: make deb failed (log: $cache/deb.log)"; return 1; }
	mapfile -t debs < <(ls "$top"/build/deb/quic-dkms_*.deb "$top"/build/deb/libquic1_*.deb \
		"$top"/build/deb/libquic-dev_*.deb 2>/dev/null)
	[ ${#debs[@]} -eq 3 ] || { echo "FAIL pkg_build: expected 3 debs, found ${#debs[@]}"; return 1; }
	if [ "$k" = 6.12 ]; then
		local r73
		r73=$(make_root 7.3)
		ls "$r73"/opt/kernel-debs/linux-image-*.deb >/dev/null 2>&1 ||
			{ echo "FAIL pkg_kernel_debs: no kernel debs in the 7.3 root"; return 1; }
		kdir=$st/kernel
	fi
	ROOT=$(make_root "$k")
	rm -rf "${ROOT:?}$st"
	mkdir -p "$ROOT$st/debs"
	cp "${debs[@]}" "$ROOT$st/debs/"
	if [ -n "$kdir" ]; then
		mkdir -p "$ROOT$kdir"
		# the newest version of each kernel package (apt downloaded some
		# twice, e.g. linux-base), without linux-libc-dev
		local f
		for f in "$r73"/opt/kernel-debs/*.deb; do
			printf '%s %s %s\n' "$(dpkg-deb -f "$f" Package)" "$(dpkg-deb -f "$f" Version)" "$f"
		done | grep -v '^linux-libc-dev ' | sort -k1,1 -k2,2V |
			awk '{last[$1] = $3} END {for (p in last) print last[p]}' |
			xargs -r cp -t "$ROOT$kdir/"
		vmcmd="$undoc; tests/packaging/vm-install.sh install $st/debs"
		[ "$upgrade_in" = guest ] &&
			vmcmd="$vmcmd; tests/packaging/vm-install.sh kernel $kdir"
		vmcmd2="tests/packaging/vm-install.sh upgraded"
	else
		vmcmd="$undoc; tests/packaging/vm-install.sh install $st/debs; tests/packaging/vm-install.sh remove"
		vmcmd2=""
	fi
	make_image "$k"
	rm -rf "${ROOT:?}$st"
	rm -f "$dir"/serial-pkg*.log
	run_qemu "$k" "$IMG" "$ROOT/boot/vmlinuz-$KVER" "$ROOT/boot/initrd.img-$KVER" \
		cmd "" "$dir/serial-pkg1.log" || rc=1
	[ -n "$kdir" ] || return $rc
	klog=$dir/serial-pkg1.log
	if [ "$upgrade_in" = chroot ]; then
		klog=$dir/serial-pkg-kernel.log
		kernel_in_chroot "$IMG" "$kdir" "$klog" || rc=1
	fi
	newk=$(grep -a '^REBOOT-INTO ' "$klog" | tr -d '\r' | awk '{print $2}' | tail -n 1)
	if [ -z "$newk" ]; then
		echo "FAIL pkg_reboot: the guest did not install a kernel to reboot into"
		return 1
	fi
	log "rebooting the same disk into $newk"
	debugfs -R "dump /boot/vmlinuz-$newk $dir/vmlinuz-$newk" "$IMG" >/dev/null 2>&1
	debugfs -R "dump /boot/initrd.img-$newk $dir/initrd.img-$newk" "$IMG" >/dev/null 2>&1
	if [ ! -s "$dir/vmlinuz-$newk" ] || [ ! -s "$dir/initrd.img-$newk" ]; then
		echo "FAIL pkg_reboot: no /boot/vmlinuz-$newk or initrd in the guest's disk"
		return 1
	fi
	run_qemu "$k->$newk" "$IMG" "$dir/vmlinuz-$newk" "$dir/initrd.img-$newk" \
		cmd 2 "$dir/serial-pkg2.log" || rc=1
	rm -f "$dir/vmlinuz-$newk" "$dir/initrd.img-$newk"
	return $rc
}

main() {
	[ $# -ge 1 ] || usage
	local cmd=$1 kernels=${2:-6.12} k kok fails=0 logs
	[ "$kernels" = all ] && kernels="6.1 6.12 7.3"
	# the interop matrix is made for the trixie guests (bookworm has no
	# aioquic, no HTTP/3 curl): make interop KERNEL=all means 6.12 and 7.3
	[ "$cmd" = interop ] && [ "${2:-}" = all ] && kernels="6.12 7.3"
	[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap, chroot)"
	mkdir -p "$cache"
	# one harness at a time: roots and images are shared
	exec 9>"$cache/.lock"
	flock -n 9 || { log "another vm.sh is running; waiting for it"; flock 9; }

	tp=0 tf=0 ts=0
	case "$cmd" in
	check|demo|interop|pkgcheck)
		local mds=()
		for k in $kernels; do
			log "=== kernel $k ($cmd) ==="
			kok=1
			if [ "$cmd" = pkgcheck ]; then
				pkgcheck "$k" || kok=0
				logs="$cache/$k/serial-pkg1.log $cache/$k/serial-pkg-kernel.log $cache/$k/serial-pkg2.log"
			else
				boot "$k" "$cmd" || kok=0
				logs="$cache/$k/serial-$cmd.log"
			fi
			[ "$kok" = 1 ] && log "kernel $k: OK" || { log "kernel $k: FAILED"; fails=$((fails + 1)); }
			[ "$cmd" = demo ] && continue
			if [ "$cmd" = interop ]; then
				tr -d '\r' <"$logs" | sed -n '/=== INTEROP-MD-BEGIN ===/,/=== INTEROP-MD-END ===/p' |
					grep -av '=== INTEROP-MD-' >"$cache/$k/interop.md"
				[ -s "$cache/$k/interop.md" ] && mds+=("$cache/$k/interop.md")
			fi
			local before=$tf
			# shellcheck disable=SC2086
			tally_logs $logs
			# a kernel that failed (build, dmesg, timeout) without a failed test
			[ "$kok" = 0 ] && [ "$tf" = "$before" ] && tf=$((tf + 1))
		done
		if [ "$cmd" = interop ] && [ ${#mds[@]} -gt 0 ]; then
			{ cat "$top/tests/interop/head.md"
			  for k in "${mds[@]}"; do echo; cat "$k"; done; } >"$top/docs/interop.md"
			log "wrote docs/interop.md (${#mds[@]} kernel(s))"
		fi
		if [ "$cmd" != demo ]; then
			echo "kernels: $kernels"
			echo "$tp passed, $tf failed, $ts skipped"
		fi
		[ "$fails" -eq 0 ] || { log "$fails kernel(s) failed"; exit 1; }
		;;
	root)
		# the roots download and install in parallel
		local pids=() rc=0
		for k in $kernels; do
			make_root "$k" >/dev/null &
			pids+=($!)
		done
		for p in "${pids[@]}"; do wait "$p" || rc=1; done
		return $rc
		;;
	build)
		for k in $kernels; do
			ROOT=$(make_root "$k")
			build_in_root "$ROOT" "$(kver_of "$ROOT")"
		done
		;;
	shell)
		for k in $kernels; do
			ROOT=$(make_root "$k")
			unshare --mount --fork sh -c "mount -t proc proc '$ROOT/proc'; exec chroot '$ROOT' /bin/bash"
		done
		;;
	run)
		# run a command in the guest after the build: vm.sh run KERNEL 'CMD'
		vmcmd=${3:?vm.sh run KERNEL COMMAND}
		for k in $kernels; do boot "$k" cmd || fails=$((fails + 1)); done
		[ "$fails" -eq 0 ]
		;;
	*) usage ;;
	esac
}

# one line: bash has read it whole before main runs, so editing this file
# while it runs cannot make bash read on at a shifted offset
main "$@"; exit $?
