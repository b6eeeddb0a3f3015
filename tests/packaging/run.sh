#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Packaging tests, run on the build host (no VM, no module loading):
# release tarball, Debian and RPM packages (quic-dkms, libquic, quic-handshaked),
# man pages, the draft, DKMS.
# Each check prints "PASS name", "FAIL name: reason" or "SKIP name: reason";
# the run ends with "N passed, N failed, N skipped" and exits 1 on failure.
#
# Packages are built from the committed tree (HEAD), as `make dist` does.
# Usage: tests/packaging/run.sh [-k]   (-k: keep the scratch directory)

set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
VERSION=$(cat VERSION)
KEEP=0
[ "${1:-}" = "-k" ] && KEEP=1

SCRATCH=$(mktemp -d /tmp/quic-packaging.XXXXXX)
LOGS=$SCRATCH/logs
mkdir -p "$LOGS"
cleanup() { [ $KEEP = 1 ] && echo "scratch: $SCRATCH" || rm -rf "$SCRATCH"; }
trap cleanup EXIT

passed=0 failed=0 skipped=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
skip() { echo "SKIP $1: $2"; skipped=$((skipped + 1)); }
# last lines of a log, on one line, for a FAIL reason
tail_of() { tail -n "${2:-3}" "$1" 2>/dev/null | tr '\n' ' ' | cut -c1-300; }
have() { command -v "$1" >/dev/null 2>&1; }

DEBDIR=$TOP/build/deb
RPMDIR=$TOP/build/rpm
TARBALL=$TOP/build/quic-$VERSION.tar.gz
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
FUNCS=$(sed -n 's/^\t\t\(quic_[a-z_]*\);$/\1/p' src/libquic/libquic.map 2>/dev/null)

# ---------------------------------------------------------------- dist
check_dist() {
	local a b
	if ! make -s dist > "$LOGS/dist1" 2>&1; then
		fail dist "make dist failed: $(tail_of "$LOGS/dist1")"; return
	fi
	a=$(sha256sum < "$TARBALL")
	sleep 1	# a different wall clock must not change the bytes
	rm -f "$TARBALL"
	if ! make -s dist > "$LOGS/dist2" 2>&1; then
		fail dist-reproducible "second make dist failed"; return
	fi
	b=$(sha256sum < "$TARBALL")
	pass dist
	if [ "$a" = "$b" ]; then pass dist-reproducible
	else fail dist-reproducible "two builds differ: ${a%% *} ${b%% *}"; fi

	local list=$SCRATCH/dist.list problems=""
	tar -tzf "$TARBALL" > "$list"
	grep -qv "^quic-$VERSION/" "$list" && problems+="entries outside quic-$VERSION/; "
	for f in dkms.conf Makefile VERSION CHANGELOG src/kernel/Kbuild \
		src/libquic/Makefile packaging/debian/control packaging/rpm/quic.spec \
		man/quic.7.md docs/draft-socket-apis/Makefile; do
		grep -qx "quic-$VERSION/$f" "$list" || problems+="missing $f; "
	done
	# quic-handshaked: every file git has for it, and its man page
	for f in $(git ls-tree -r --name-only HEAD tools/quic-handshaked) man/quic-handshaked.8.md; do
		grep -qx "quic-$VERSION/$f" "$list" || problems+="missing $f; "
	done
	tar -xzOf "$TARBALL" "quic-$VERSION/dkms.conf" | grep -qx "PACKAGE_VERSION=\"$VERSION\"" ||
		problems+="dkms.conf lacks PACKAGE_VERSION=\"$VERSION\"; "
	tar -xzOf "$TARBALL" "quic-$VERSION/packaging/rpm/quic.spec" | grep -qE "^Version: +$VERSION\$" ||
		problems+="quic.spec lacks Version: $VERSION; "
	tar -tzvf "$TARBALL" | awk '$2 != "0/0"' | grep -q . && problems+="owner not 0/0; "
	if [ -z "$problems" ]; then pass dist-contents; else fail dist-contents "$problems"; fi
}

# ---------------------------------------------------------------- dkms.conf
check_dkms_conf() {
	local out problems=""
	out=$(kernelver=6.1.0-56-amd64 kernel_source_dir=/lib/modules/6.1.0-56-amd64/build \
		bash -c 'set -u; . ./dkms.conf; printf "%s\n" "$PACKAGE_NAME" "$PACKAGE_VERSION" \
		"${BUILT_MODULE_NAME[0]}" "${BUILT_MODULE_LOCATION[0]}" "${DEST_MODULE_LOCATION[0]}" \
		"${MAKE[0]}" "$CLEAN" "$AUTOINSTALL" "$BUILD_EXCLUSIVE_KERNEL"' 2>&1)
	mapfile -t v <<< "$out"
	[ "${v[0]:-}" = quic ] || problems+="PACKAGE_NAME=${v[0]:-}; "
	[ "${v[1]:-}" = "#MODULE_VERSION#" ] || problems+="PACKAGE_VERSION template is ${v[1]:-}; "
	[ "${v[2]:-}" = quic ] || problems+="BUILT_MODULE_NAME=${v[2]:-}; "
	[ "${v[3]:-}" = src/kernel ] || problems+="BUILT_MODULE_LOCATION=${v[3]:-}; "
	case "${v[4]:-}" in /updates/dkms|/kernel/net/quic) ;; *) problems+="DEST_MODULE_LOCATION=${v[4]:-}; ";; esac
	[ "${v[5]:-}" = "make module KVER=6.1.0-56-amd64 KDIR=/lib/modules/6.1.0-56-amd64/build" ] ||
		problems+="MAKE[0] expands to '${v[5]:-}'; "
	[ "${v[7]:-}" = yes ] || problems+="AUTOINSTALL=${v[7]:-}; "
	local re=${v[8]:-} k
	for k in 6.1.0-56-amd64 6.1.0 6.9.12 6.10.1 6.12.48+deb13-amd64 6.99.0 7.0.0 7.3.0-1-amd64 \
		9.1 10.0.0 12.4.1; do
		[[ $k =~ $re ]] || problems+="regex rejects $k; "
	done
	for k in 6.0.0-1-amd64 6.0 5.10.0-30-amd64 5.19.0 4.19.0-27-amd64 3.16.0 2.6.32; do
		[[ $k =~ $re ]] && problems+="regex accepts $k; "
	done
	if [ -z "$problems" ]; then pass dkms-conf; else fail dkms-conf "$problems"; fi
}

# ---------------------------------------------------------------- versions
check_versions() {
	local problems="" deb
	deb=$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)
	[ "${deb%-*}" = "$VERSION" ] || problems+="debian/changelog is $deb; "
	grep -q "^## \[$VERSION\]" CHANGELOG || problems+="CHANGELOG has no [$VERSION] section; "
	grep -q '^Version: *@VERSION@$' packaging/rpm/quic.spec || problems+="quic.spec Version is not @VERSION@; "
	grep -q 'QUIC_VERSION=$(VERSION)' Makefile || problems+="top Makefile does not pass QUIC_VERSION; "
	if [ -z "$problems" ]; then pass version-sources; else fail version-sources "$problems"; fi
}

# ---------------------------------------------------------------- man pages
check_man() {
	local problems="" f out n=0
	if ! have pandoc; then skip man "pandoc not installed"; return; fi
	rm -rf build/man
	if ! make -s man > "$LOGS/man" 2>&1; then
		fail man "make man failed: $(tail_of "$LOGS/man")"; return
	fi
	pass man
	for f in $FUNCS; do
		[ -f "build/man/man3/$f.3" ] || problems+="no $f.3; "
	done
	[ -f build/man/man7/quic.7 ] || problems+="no quic.7; "
	[ -f build/man/man8/quic-handshaked.8 ] || problems+="no quic-handshaked.8; "
	if [ -z "$problems" ]; then pass man-pages-complete; else fail man-pages-complete "$problems"; fi

	problems=""
	for f in build/man/man*/*; do
		n=$((n + 1))
		# .so redirects resolve relative to the man tree
		out=$(cd build/man && LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
			man --warnings -E UTF-8 -l -Tutf8 -Z "${f#build/man/}" 2>&1 >/dev/null)
		[ -n "$out" ] && problems+="${f##*/}: $(echo "$out" | head -2 | tr '\n' ' '); "
		out=$(cd build/man && MANWIDTH=80 man -l "${f#build/man/}" 2>/dev/null | awk 'length > 80' | head -1)
		[ -n "$out" ] && problems+="${f##*/}: wider than 80 columns: $out; "
		grep -q '^\.so ' "$f" && continue
		grep -q "^\.TH .*\"quic $VERSION\"" "$f" || problems+="${f##*/}: footer lacks quic $VERSION; "
		lexgrog "$f" >/dev/null 2>&1 || problems+="${f##*/}: no whatis entry; "
	done
	if [ -z "$problems" ]; then pass "man-render-clean ($n pages)"; else fail man-render-clean "$problems"; fi

	problems=""
	rm -rf "$SCRATCH/maninst"
	if make -s install-man DESTDIR="$SCRATCH/maninst" PREFIX=/usr > "$LOGS/maninst" 2>&1; then
		for f in $FUNCS; do
			[ -f "$SCRATCH/maninst/usr/share/man/man3/$f.3" ] || problems+="$f.3 not installed; "
		done
		[ -f "$SCRATCH/maninst/usr/share/man/man7/quic.7" ] || problems+="quic.7 not installed; "
		out=$(MANPATH=$SCRATCH/maninst/usr/share/man man -w 7 quic 2>&1)
		[ "$out" = "$SCRATCH/maninst/usr/share/man/man7/quic.7" ] || problems+="man -w 7 quic: $out; "
		out=$(MANPATH=$SCRATCH/maninst/usr/share/man man -w 8 quic-handshaked 2>&1)
		[ "$out" = "$SCRATCH/maninst/usr/share/man/man8/quic-handshaked.8" ] ||
			problems+="man -w 8 quic-handshaked: $out; "
	else
		problems+="make install-man failed: $(tail_of "$LOGS/maninst")"
	fi
	if [ -z "$problems" ]; then pass install-man; else fail install-man "$problems"; fi
}

# ---------------------------------------------------------------- draft
check_draft() {
	local out=$SCRATCH/draft problems=""
	if ! have pandoc || ! have ruby; then skip draft "pandoc or ruby missing"; return; fi
	if ! have kramdown-rfc; then
		skip draft-xml "kramdown-rfc not installed (apt install ruby-kramdown-rfc2629)"
		make -s -C docs/draft-socket-apis txt html OUT="$out" > "$LOGS/draft" 2>&1 ||
			problems+="make txt html failed: $(tail_of "$LOGS/draft"); "
	else
		make -s -C docs/draft-socket-apis OUT="$out" > "$LOGS/draft" 2>&1 ||
			problems+="make failed: $(tail_of "$LOGS/draft"); "
		[ -s "$out/draft-quic-kernel-socket-apis.xml" ] || problems+="no XML; "
		grep -q '<rfc ' "$out/draft-quic-kernel-socket-apis.xml" 2>/dev/null || problems+="XML has no <rfc>; "
	fi
	grep -q 'Security Considerations' "$out/draft-quic-kernel-socket-apis.txt" 2>/dev/null ||
		problems+="text rendering lacks Security Considerations; "
	grep -q 'IANA Considerations' "$out/draft-quic-kernel-socket-apis.html" 2>/dev/null ||
		problems+="HTML rendering lacks IANA Considerations; "
	if [ -z "$problems" ]; then pass draft-render; else fail draft-render "$problems"; fi
}

# ---------------------------------------------------------------- API docs
check_api() {
	local line
	if ! have python3; then skip api-consistency "python3 missing"; return; fi
	while IFS= read -r line; do
		case "$line" in
		PASS\ *) pass "${line#PASS }" ;;
		FAIL\ *) line=${line#FAIL }; fail "${line%%:*}" "${line#*: }" ;;
		*) echo "$line" ;;
		esac
	done < <(python3 tests/packaging/api-consistency.py "$TOP" 2>&1)
}

# ---------------------------------------------------------------- deb
deb_has() {	# deb_has LIST PATH...: the listed paths are in the package
	local list=$1 p miss=""
	shift
	for p; do grep -qE "^\./${p#/}( -> .*)?\$" "$list" || miss+="$p "; done
	echo "$miss"
}

check_deb() {
	local problems="" d
	for d in dpkg-buildpackage dh lintian; do
		have $d || { skip deb "$d not installed"; return; }
	done
	if ! make deb > "$LOGS/deb" 2>&1; then
		if grep -q '^[EW]: ' "$LOGS/deb"; then
			fail deb "lintian: $(grep '^[EW]: ' "$LOGS/deb" | head -5 | tr '\n' ' ')"
		else
			fail deb "make deb failed: $(tail_of "$LOGS/deb" 4)"
		fi
		return
	fi
	pass "deb (lintian: no errors, no warnings)"

	local pkg list arch
	arch=$(dpkg --print-architecture)
	for pkg in quic-dkms_${VERSION}-1_all libquic1_${VERSION}-1_$arch \
		libquic-dev_${VERSION}-1_$arch quic-handshaked_${VERSION}-1_$arch; do
		[ -f "$DEBDIR/$pkg.deb" ] || { fail deb-files "no $pkg.deb"; return; }
		dpkg-deb -c "$DEBDIR/$pkg.deb" | awk '{ $1=$2=$3=$4=$5=""; sub(/^ +/, ""); print }' \
			> "$SCRATCH/${pkg%%_*}.list"
	done

	# quic-dkms: the module source tree and nothing else
	list=$SCRATCH/quic-dkms.list
	problems=$(deb_has "$list" usr/src/quic-$VERSION/dkms.conf usr/src/quic-$VERSION/Makefile \
		usr/src/quic-$VERSION/VERSION usr/src/quic-$VERSION/src/kernel/Kbuild \
		usr/src/quic-$VERSION/src/kernel/include/uapi/linux/quic.h)
	[ -n "$problems" ] && problems="missing $problems; "
	grep -qE '\.(o|ko|mod|cmd)$|/src/libquic|/tests/|/debian/' "$list" &&
		problems+="unexpected: $(grep -E '\.(o|ko|mod|cmd)$|/src/libquic|/tests/|/debian/' "$list" | head -3 | tr '\n' ' '); "
	rm -rf "$SCRATCH/dkmsdeb"
	dpkg-deb -x "$DEBDIR/quic-dkms_${VERSION}-1_all.deb" "$SCRATCH/dkmsdeb"
	grep -qx "PACKAGE_VERSION=\"$VERSION\"" "$SCRATCH/dkmsdeb/usr/src/quic-$VERSION/dkms.conf" 2>/dev/null ||
		problems+="installed dkms.conf lacks PACKAGE_VERSION=\"$VERSION\"; "
	dpkg-deb -I "$DEBDIR/quic-dkms_${VERSION}-1_all.deb" postinst 2>/dev/null | grep -q 'common.postinst' ||
		problems+="postinst does not run DKMS; "
	dpkg-deb -f "$DEBDIR/quic-dkms_${VERSION}-1_all.deb" Depends | grep -q dkms || problems+="no Depends on dkms; "
	if [ -z "$problems" ]; then pass deb-quic-dkms-contents; else fail deb-quic-dkms-contents "$problems"; fi

	# libquic1: the runtime library only
	list=$SCRATCH/libquic1.list
	problems=$(deb_has "$list" usr/lib/$MULTIARCH/libquic.so.1 usr/lib/$MULTIARCH/libquic.so.1.0.0)
	[ -n "$problems" ] && problems="missing $problems; "
	grep -qE '/include/|\.pc$|/man/|libquic\.so$' "$list" && problems+="development files in libquic1; "
	if [ -z "$problems" ]; then pass deb-libquic1-contents; else fail deb-libquic1-contents "$problems"; fi

	# libquic-dev: headers, .so, .pc, every man page
	list=$SCRATCH/libquic-dev.list
	local pages="" f
	for f in $FUNCS; do pages+=" usr/share/man/man3/$f.3.gz"; done
	problems=$(deb_has "$list" usr/include/netinet/quic.h usr/include/linux/quic.h \
		usr/lib/$MULTIARCH/libquic.so usr/lib/$MULTIARCH/pkgconfig/libquic.pc \
		usr/share/man/man7/quic.7.gz $pages)
	[ -n "$problems" ] && problems="missing $problems; "
	grep -qE '^\./[^ ]*libquic\.so\.1' "$list" && problems+="runtime library in libquic-dev; "
	grep -q 'quic-handshaked' "$list" && problems+="quic-handshaked files in libquic-dev; "
	if [ -z "$problems" ]; then pass deb-libquic-dev-contents; else fail deb-libquic-dev-contents "$problems"; fi

	# quic-handshaked: the agent, its unit (where this debhelper puts units),
	# the configuration file as a conffile, the man page; installing it
	# neither enables nor starts the service
	local hs=$DEBDIR/quic-handshaked_${VERSION}-1_$arch.deb unit
	list=$SCRATCH/quic-handshaked.list
	problems=$(deb_has "$list" usr/sbin/quic-handshaked etc/quic-handshaked.conf \
		'(usr/)?lib/systemd/system/quic-handshaked\.service' usr/share/man/man8/quic-handshaked.8.gz)
	[ -n "$problems" ] && problems="missing $problems; "
	grep -qE '/include/|/man[37]/|libquic\.so' "$list" && problems+="libquic files in quic-handshaked; "
	[ "$(dpkg-deb -I "$hs" conffiles 2>/dev/null)" = /etc/quic-handshaked.conf ] ||
		problems+="conffiles is '$(dpkg-deb -I "$hs" conffiles 2>&1 | tr '\n' ' ')'; "
	out=$(dpkg-deb -f "$hs" Depends)
	grep -qF "libquic1 (= ${VERSION}-1)" <<< "$out" || problems+="Depends lacks libquic1 (= ${VERSION}-1): $out; "
	grep -q 'libnl-genl-3' <<< "$out" || problems+="Depends lacks libnl-genl-3 (shlibs): $out; "
	# --no-enable: enabled again only if it was (debian-installed); --no-start:
	# no start on installation, a try-restart on upgrade; stopped on removal
	out=$(dpkg-deb -I "$hs" postinst 2>/dev/null)
	grep -q "deb-systemd-helper debian-installed 'quic-handshaked.service'" <<< "$out" ||
		problems+="postinst enables the service (no --no-enable); "
	grep -qE 'deb-systemd-invoke (start|restart|\$_dh_action)|_dh_action=start' <<< "$out" &&
		problems+="postinst starts the service; "
	grep -q "deb-systemd-invoke try-restart 'quic-handshaked.service'" <<< "$out" ||
		problems+="postinst does not try-restart on upgrade; "
	dpkg-deb -I "$hs" preinst 2>/dev/null | grep -q 'deb-systemd-invoke stop' &&
		problems+="preinst stops the service on upgrade for good; "
	dpkg-deb -I "$hs" prerm 2>/dev/null | grep -q "deb-systemd-invoke stop 'quic-handshaked.service'" ||
		problems+="prerm does not stop the service on removal; "
	rm -rf "$SCRATCH/hsdeb"
	dpkg-deb -x "$hs" "$SCRATCH/hsdeb"
	unit=$(find "$SCRATCH/hsdeb" -name quic-handshaked.service | head -1)
	grep -qx 'ExecStart=/usr/sbin/quic-handshaked -f -c /etc/quic-handshaked.conf' "$unit" 2>/dev/null ||
		problems+="unit ExecStart does not run /usr/sbin/quic-handshaked with /etc/quic-handshaked.conf; "
	out=$(readelf -d "$SCRATCH/hsdeb/usr/sbin/quic-handshaked" 2>&1)
	grep -qE 'RPATH|RUNPATH' <<< "$out" && problems+="binary has an rpath: $(grep -E 'RPATH|RUNPATH' <<< "$out"); "
	grep -q 'NEEDED.*\[libquic\.so\.1\]' <<< "$out" || problems+="binary does not link libquic.so.1; "
	if [ -z "$problems" ]; then pass deb-quic-handshaked-contents; else fail deb-quic-handshaked-contents "$problems"; fi

	# symbols file == what the library exports
	local root=$SCRATCH/debroot exported listed
	rm -rf "$root"
	for pkg in "$DEBDIR"/libquic1_*.deb "$DEBDIR"/libquic-dev_*.deb "$hs"; do dpkg-deb -x "$pkg" "$root"; done
	# nm prints "name@@VERSION" and the version node itself as "VERSION"
	exported=$(nm -D --defined-only "$root/usr/lib/$MULTIARCH/libquic.so.1.0.0" |
		awk '{ n = $3; if (n !~ /@/) n = n "@" n; sub(/@@/, "@", n); print n }' | sort)
	listed=$(awk '/^ /{print $1}' packaging/debian/libquic1.symbols | sort)
	if [ "$exported" = "$listed" ]; then pass deb-symbols-file
	else fail deb-symbols-file "exported and listed differ: $(diff <(echo "$exported") <(echo "$listed") | grep '^[<>]' | tr '\n' ' ')"; fi

	# the packaged files work: pkg-config, compile, link, run, man
	problems=""
	cat > "$SCRATCH/x.c" <<-'EOF'
	#include <stdio.h>
	#include <syslog.h>
	#include <netinet/quic.h>
	int main(void)
	{
		int fd = -1;
		struct quic_config c = { .version = QUIC_VERSION_V1 };
		if (quic_set_log_level(LOG_DEBUG) != LOG_ERR)
			return 1;
		if (quic_set_log_level(99) >= 0)
			return 2;
		printf("%d %d %u\n", IPPROTO_QUIC, SOL_QUIC, c.version);
		return quic_client_handshake(fd, NULL, NULL, NULL) < 0 ? 0 : 3;
	}
	EOF
	local pcflags
	pcflags=$(PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$root/usr/lib/$MULTIARCH/pkgconfig:/usr/lib/$MULTIARCH/pkgconfig:/usr/share/pkgconfig \
		pkg-config --cflags --libs libquic 2>&1) || problems+="pkg-config: $pcflags; "
	if [ -z "$problems" ]; then
		# pkg-config drops -I/usr/include-like flags; add the unpacked root's
		if cc -Wall -Wextra -Werror -o "$SCRATCH/x" "$SCRATCH/x.c" -isystem "$root/usr/include" \
			$pcflags > "$LOGS/cc" 2>&1; then
			out=$(LD_LIBRARY_PATH=$root/usr/lib/$MULTIARCH "$SCRATCH/x" 2>/dev/null)
			[ "$out" = "261 288 1" ] || problems+="program printed '$out' (rc $?); "
		else
			problems+="cc failed: $(tail_of "$LOGS/cc"); "
		fi
	fi
	# the program vm-install.sh builds in the guest compiles against the packages
	cc -Wall -Wextra -Werror -o "$SCRATCH/handshake" tests/packaging/handshake.c \
		-isystem "$root/usr/include" $pcflags > "$LOGS/cc-hs" 2>&1 ||
		problems+="handshake.c does not build: $(tail_of "$LOGS/cc-hs"); "
	out=$(MANPATH=$root/usr/share/man man -w 7 quic 2>&1)
	[ "$out" = "$root/usr/share/man/man7/quic.7.gz" ] || problems+="man -w 7 quic: $out; "
	out=$(MANPATH=$root/usr/share/man man -w 3 quic_server_handshake 2>&1)
	[ -e "$out" ] || problems+="man -w 3 quic_server_handshake: $out; "
	# the packaged agent runs on the packaged libquic.so.1 (no rpath)
	out=$(LD_LIBRARY_PATH=$root/usr/lib/$MULTIARCH "$root/usr/sbin/quic-handshaked" -h 2>&1)
	grep -q '^usage: quic-handshaked ' <<< "$out" || problems+="quic-handshaked -h: $(head -2 <<< "$out" | tr '\n' ' '); "
	out=$(MANPATH=$root/usr/share/man man -w 8 quic-handshaked 2>&1)
	[ "$out" = "$root/usr/share/man/man8/quic-handshaked.8.gz" ] || problems+="man -w 8 quic-handshaked: $out; "
	if [ -z "$problems" ]; then pass deb-files-usable; else fail deb-files-usable "$problems"; fi
}

# ---------------------------------------------------------------- DKMS
check_dkms() {
	local kver="" k src=$SCRATCH/dkmsdeb/usr/src tree=$SCRATCH/dkms ko out
	if ! have dkms; then skip dkms-build "dkms not installed"; return; fi
	if [ ! -f "$src/quic-$VERSION/dkms.conf" ]; then
		skip dkms-build "no quic-dkms package contents (deb check failed)"; return
	fi
	for k in /lib/modules/6.1*/build; do
		[ -e "$k/Makefile" ] && { kver=$(basename "$(dirname "$k")"); break; }
	done
	mkdir -p "$tree"
	# a throwaway DKMS tree: nothing under /var/lib/dkms or /lib/modules changes
	local opts=(-m quic -v "$VERSION" --sourcetree "$src" --dkmstree "$tree")
	if ! dkms add "${opts[@]}" > "$LOGS/dkms-add" 2>&1; then
		fail dkms-add "$(tail_of "$LOGS/dkms-add")"; return
	fi
	pass dkms-add

	# kernels older than 6.1 are refused by BUILD_EXCLUSIVE_KERNEL
	dkms build "${opts[@]}" -k 5.10.0-30-amd64 > "$LOGS/dkms-old" 2>&1
	k=$?
	if [ $k = 77 ] && grep -q BUILD_EXCLUSIVE "$LOGS/dkms-old"; then pass dkms-refuses-5.10
	else fail dkms-refuses-5.10 "exit $k: $(tail_of "$LOGS/dkms-old" 2)"; fi

	if [ -z "$kver" ]; then
		skip dkms-build-6.1 "no 6.1 kernel headers under /lib/modules (apt install linux-headers-amd64 on bookworm)"
		return
	fi
	if ! dkms build "${opts[@]}" -k "$kver" > "$LOGS/dkms-build" 2>&1; then
		fail "dkms-build-$kver" "the module does not build: $(grep -m3 -E 'error|Error' \
			"$tree/quic/$VERSION/build/make.log" "$LOGS/dkms-build" 2>/dev/null | tr '\n' ' ' | cut -c1-300)"
		return
	fi
	ko=$(find "$tree/quic/$VERSION/$kver" -name 'quic.ko*' | head -1)
	if [ -z "$ko" ]; then fail "dkms-build-$kver" "no quic.ko in the DKMS tree"; return; fi
	pass "dkms-build-$kver"
	out=$(/sbin/modinfo -F version "$ko" 2>&1)
	[ "$out" = "$VERSION" ] && pass modinfo-version || fail modinfo-version "modinfo says '$out', VERSION is $VERSION"
	out=$(/sbin/modinfo -F vermagic "$ko" 2>&1)
	[ "${out%% *}" = "$kver" ] && pass modinfo-vermagic || fail modinfo-vermagic "vermagic '$out' for $kver"
}

check_dkms_install_target() {
	local d=$SCRATCH/dkmsinst problems=""
	if ! make -s dkms-install DESTDIR="$d" > "$LOGS/dkms-install" 2>&1; then
		fail dkms-install-target "$(tail_of "$LOGS/dkms-install")"; return
	fi
	grep -qx "PACKAGE_VERSION=\"$VERSION\"" "$d/usr/src/quic-$VERSION/dkms.conf" 2>/dev/null ||
		problems+="dkms.conf without the version; "
	[ -f "$d/usr/src/quic-$VERSION/src/kernel/Kbuild" ] || problems+="no src/kernel/Kbuild; "
	find "$d" -name '*.o' -o -name '*.ko' -o -name '.*.cmd' | grep -q . && problems+="build products copied; "
	if [ -z "$problems" ]; then pass dkms-install-target; else fail dkms-install-target "$problems"; fi
}

# ---------------------------------------------------------------- rpm
check_rpm() {
	local problems="" r
	if ! have rpmbuild; then skip rpm "rpmbuild not installed (apt install rpm)"; return; fi
	if ! make rpm > "$LOGS/rpm" 2>&1; then
		fail rpm "make rpm failed: $(grep -E '^error|: E: ' "$LOGS/rpm" | head -4 | tr '\n' ' ')$(tail_of "$LOGS/rpm" 2)"
		return
	fi
	pass rpm
	local arch
	arch=$(rpm --eval '%{_arch}')
	local dk=$RPMDIR/RPMS/noarch/quic-dkms-$VERSION-1.noarch.rpm
	local lib=$RPMDIR/RPMS/$arch/libquic-$VERSION-1.$arch.rpm
	local dev=$RPMDIR/RPMS/$arch/libquic-devel-$VERSION-1.$arch.rpm
	local hs=$RPMDIR/RPMS/$arch/quic-handshaked-$VERSION-1.$arch.rpm
	for r in "$dk" "$lib" "$dev" "$hs"; do [ -f "$r" ] || problems+="no ${r##*/}; "; done
	if [ -n "$problems" ]; then fail rpm-files "$problems"; return; fi

	problems=""
	local l
	l=$(rpm -qlp "$dk" 2>/dev/null)
	for f in dkms.conf Makefile VERSION src/kernel/Kbuild src/kernel/include/uapi/linux/quic.h; do
		grep -qx "/usr/src/quic-$VERSION/$f" <<< "$l" || problems+="quic-dkms lacks $f; "
	done
	rpm -qp --scripts "$dk" 2>/dev/null | grep -q "dkms add -m quic -v $VERSION" || problems+="no dkms add in %post; "
	rpm -qp --scripts "$dk" 2>/dev/null | grep -q "dkms remove -m quic -v $VERSION --all" || problems+="no dkms remove in %preun; "
	rpm -qp --requires "$dk" 2>/dev/null | grep -qx dkms || problems+="quic-dkms does not require dkms; "
	l=$(rpm -qlp "$lib" 2>/dev/null)
	grep -q '/libquic\.so\.1$' <<< "$l" || problems+="libquic lacks libquic.so.1; "
	grep -qE '/include/|\.pc$' <<< "$l" && problems+="libquic has development files; "
	l=$(rpm -qlp "$dev" 2>/dev/null)
	for f in /usr/include/netinet/quic.h /usr/include/linux/quic.h /usr/lib64/libquic.so \
		/usr/lib64/pkgconfig/libquic.pc; do
		grep -qx "$f" <<< "$l" || problems+="libquic-devel lacks $f; "
	done
	grep -qE '/man7/quic\.7' <<< "$l" || problems+="libquic-devel lacks quic.7; "
	for f in $FUNCS; do grep -qE "/man3/$f\.3" <<< "$l" || problems+="libquic-devel lacks $f.3; "; done
	grep -q 'quic-handshaked' <<< "$l" && problems+="libquic-devel has quic-handshaked files; "
	if [ -z "$problems" ]; then pass rpm-contents; else fail rpm-contents "$problems"; fi

	# quic-handshaked: agent, unit, configuration as %config(noreplace), man
	# page; the systemd scriptlets; the exact libquic build
	problems=""
	l=$(rpm -qp --queryformat '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' "$hs" 2>/dev/null)
	for f in /usr/sbin/quic-handshaked /usr/lib/systemd/system/quic-handshaked.service; do
		grep -qE "^[^ ]* $f\$" <<< "$l" || problems+="quic-handshaked lacks $f; "
	done
	grep -qE '^[^ ]* /usr/share/man/man8/quic-handshaked\.8(\.[a-z]+)?$' <<< "$l" ||
		problems+="quic-handshaked lacks quic-handshaked.8; "
	r=$(grep -E ' /etc/quic-handshaked\.conf$' <<< "$l")
	[[ ${r%% *} == *c* && ${r%% *} == *n* ]] || problems+="/etc/quic-handshaked.conf is not %config(noreplace) ('$r'); "
	grep -qE '/include/|/man[37]/|libquic\.so' <<< "$l" && problems+="quic-handshaked has libquic files; "
	local post preun postun
	post=$(rpm -qp --queryformat '%{POSTIN}' "$hs" 2>/dev/null)
	preun=$(rpm -qp --queryformat '%{PREUN}' "$hs" 2>/dev/null)
	postun=$(rpm -qp --queryformat '%{POSTUN}' "$hs" 2>/dev/null)
	grep -q 'quic-handshaked\.service' <<< "$post" || problems+="no systemd_post scriptlet; "
	grep -qE '(enable|start) ' <<< "$post" && problems+="%post enables or starts the service: $post; "
	grep -q 'quic-handshaked\.service' <<< "$preun" || problems+="no systemd_preun scriptlet; "
	grep -q 'quic-handshaked\.service' <<< "$postun" || problems+="no systemd_postun scriptlet; "
	rpm -qp --requires "$hs" 2>/dev/null | grep -qE "^libquic(\([^)]*\))? = $VERSION-1\$" ||
		problems+="quic-handshaked does not require libquic = $VERSION-1; "
	rm -rf "$SCRATCH/hsrpm"
	mkdir -p "$SCRATCH/hsrpm"
	(cd "$SCRATCH/hsrpm" && rpm2cpio "$hs" | cpio -id --quiet) 2>/dev/null
	readelf -d "$SCRATCH/hsrpm/usr/sbin/quic-handshaked" 2>&1 | grep -qE 'RPATH|RUNPATH|Error' &&
		problems+="binary has an rpath (or is unreadable); "
	if [ -z "$problems" ]; then pass rpm-quic-handshaked-contents; else fail rpm-quic-handshaked-contents "$problems"; fi

	if ! grep -q 'rpmlint session starts' "$LOGS/rpm"; then
		skip rpmlint "rpmlint not installed (apt install rpmlint)"
	elif grep -qE ' 0 errors, 0 warnings' "$LOGS/rpm"; then
		pass "rpmlint (0 errors, 0 warnings)"
	else
		fail rpmlint "$(grep -E ': [EW]: |errors, ' "$LOGS/rpm" | head -5 | tr '\n' ' ')"
	fi
}

check_dist
check_dkms_conf
check_versions
check_man
check_draft
check_api
check_deb
check_dkms
check_dkms_install_target
check_rpm

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
