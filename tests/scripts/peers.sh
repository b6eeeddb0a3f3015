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
# curl --http3-only is a peer of the interop matrix only if it has HTTP/3
# (Debian's curl has it from trixie on; bookworm's 7.88 does not)
if command -v curl >/dev/null 2>&1 && curl --version | grep -q '^Features:.* HTTP3'; then
	echo "PASS peer_curl_http3"
else
	echo "SKIP peer_curl_http3: $(curl --version 2>/dev/null | head -n 1 | cut -d' ' -f1-2) of ${VERSION_CODENAME:-this release} has no HTTP/3"
fi
