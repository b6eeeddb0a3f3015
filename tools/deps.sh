#!/bin/bash
# Installs what the build, the unit tests, the VM harness and the packages
# need on a Debian/Ubuntu host (root, apt). Idempotent: it only calls apt-get
# when something is missing.
set -eu

pkgs=(
	# build and unit tests
	build-essential gcc clang make pkg-config git python3 perl
	libgnutls28-dev nettle-dev gnutls-bin libclang-rt-dev
	# tools/quic-handshaked (and the quic-handshaked packages)
	libnl-genl-3-dev
	# the VM harness
	mmdebstrap qemu-system-x86 e2fsprogs util-linux coreutils
	debian-archive-keyring
	# packages, man pages, the draft
	dpkg-dev debhelper dh-dkms dkms fakeroot lintian rpm rpmlint pandoc man-db
	ruby-kramdown-rfc2629 libxml2-utils shellcheck linux-headers-amd64
	# checkpatch.pl for the kernel code
	linux-source
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
# libclang-rt-dev is named per LLVM version on Debian 12 (libclang-rt-14-dev)
if [[ " ${missing[*]} " == *" libclang-rt-dev "* ]]; then
	missing=("${missing[@]/libclang-rt-dev}")
	v=$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
	v=${v:-14}
	dpkg-query -W -f='${Status}\n' "libclang-rt-$v-dev" 2>/dev/null |
		grep -q 'installed$' || missing+=("libclang-rt-$v-dev")
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | grep -v '^$' || true)

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: everything is installed"
	exit 0
fi
[ "$(id -u)" = 0 ] || { echo "deps: run as root to install: ${missing[*]}" >&2; exit 1; }
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
