#!/bin/bash
# The real QUIC peers the interop tests use are present in this root
# (bookworm lacks some: those print SKIP, as their interop tests will).
. /etc/os-release 2>/dev/null
for p in ngtcp2-client:gtlsclient ngtcp2-server:gtlsserver curl:curl iperf3:iperf3; do
	pkg=${p%%:*}
	if command -v "${p#*:}" >/dev/null 2>&1 || dpkg -s "$pkg" >/dev/null 2>&1; then
		echo "PASS peer_$pkg"
	else
		echo "SKIP peer_$pkg: not packaged for ${VERSION_CODENAME:-this release}"
	fi
done
if python3 -c 'import aioquic' 2>/dev/null; then
	echo "PASS peer_python3-aioquic"
else
	echo "SKIP peer_python3-aioquic: not packaged for ${VERSION_CODENAME:-this release}"
fi
