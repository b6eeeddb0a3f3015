#!/bin/bash
# Interop with aioquic (python3-aioquic, a real QUIC peer) through the echo
# protocol of tools/examples/quic-echo-{client,server}: 1 MiB on stream 0
# and back. Cases are named after aioquic's role; the other end is ours:
#   interop_aioquic_server_v1      our client -> aioquic server
#   interop_aioquic_client_v1      aioquic client -> our server
#   interop_aioquic_server_v2      the same, QUIC v2 (RFC 9369) on both ends
#   interop_aioquic_client_v2
#   interop_aioquic_client_retry   our server validates the client with Retry
#   interop_aioquic_server_wrong_ca  our client must refuse a certificate
#                                  signed by a CA it was not given
#   interop_aioquic_server_16mb    16 MiB echoed by the aioquic server (the
#                                  other direction moves 1 MiB: Python under
#                                  QEMU takes 80-100 s per 16 MiB echo)
# The peer script is tests/interop/aioquic_echo.py. Run by tests/run.sh from
# tests/, as root, in the VM or by 'make check'; bookworm has no aioquic, so
# there every case is SKIP. Certificates are made at run time
# (tests/certs/gen.sh if present, else certtool here).
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(cd .. && pwd)
export LD_LIBRARY_PATH="$top/src/libquic${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
client=$top/tools/examples/quic-echo-client
server=$top/tools/examples/quic-echo-server
peer=(python3 interop/aioquic_echo.py)
size=1048576
V2=0x6b3343cf
cases="server_v1 client_v1 server_v2 client_v2 client_retry server_wrong_ca server_16mb"
failed=0

skip_all() {
	local c
	for c in $cases; do echo "SKIP interop_aioquic_$c: $1"; done
	exit 0
}

if ! python3 -c 'import aioquic' 2>/dev/null; then
	# shellcheck source=/dev/null
	. /etc/os-release 2>/dev/null
	if [ "${VERSION_CODENAME:-}" = bookworm ]; then
		skip_all "python3-aioquic is not packaged for bookworm"
	fi
	skip_all "python3-aioquic is not installed"
fi
command -v certtool >/dev/null || skip_all "certtool (gnutls-bin) is not installed"

# shellcheck source=../lib/common.sh
. lib/common.sh
setup_tmp
srv_wait=30	# seconds for a server (python is slow to start) to listen
secs=60		# every program of a case runs under timeout $secs

# a CA and a server certificate for localhost, 127.0.0.1 and ::1 in $1
gen_certs() {
	local d=$1
	mkdir -p "$d" || return 1
	if [ -f certs/gen.sh ]; then
		bash certs/gen.sh "$d" >"$d/gen.log" 2>&1 || { tail -n 3 "$d/gen.log"; return 1; }
		return 0
	fi
	cat >"$d/ca.tmpl" <<-EOF
		cn = "quic interop test CA"
		ca
		cert_signing_key
		expiration_days = 2
	EOF
	cat >"$d/server.tmpl" <<-EOF
		cn = "localhost"
		dns_name = "localhost"
		ip_address = "127.0.0.1"
		ip_address = "::1"
		tls_www_server
		signing_key
		encryption_key
		expiration_days = 2
	EOF
	{
		certtool --generate-privkey --key-type=ecdsa --outfile "$d/ca.key" &&
		certtool --generate-self-signed --load-privkey "$d/ca.key" \
			--template "$d/ca.tmpl" --outfile "$d/ca.pem" &&
		certtool --generate-privkey --key-type=ecdsa --outfile "$d/server.key" &&
		certtool --generate-certificate --load-privkey "$d/server.key" \
			--load-ca-certificate "$d/ca.pem" --load-ca-privkey "$d/ca.key" \
			--template "$d/server.tmpl" --outfile "$d/server.pem"
	} >"$d/gen.log" 2>&1 || { tail -n 3 "$d/gen.log"; return 1; }
}
if ! out=$(gen_certs "$tmp/pki") || ! out2=$(gen_certs "$tmp/other"); then
	echo "FAIL interop_aioquic_certs: $(echo "${out:-$out2}" | tr '\n' ' ')"
	exit 1
fi
ca=$tmp/pki/ca.pem
cert=$tmp/pki/server.pem
key=$tmp/pki/server.key
wrong_ca=$tmp/other/ca.pem

# result NAME CLIENT_RC CLIENT_LOG SERVER_LOG OURS(client|server) [CHECK...]
# PASS when the client exited 0 with "echo ok", the server exited 0 and every
# CHECK "client:REGEX" or "server:REGEX" matches a line of that side's output
result() {
	local name=$1 crc=$2 clog=$3 slog=$4 ours=$5 p f
	shift 5
	local ourlog=$clog peerlog=$slog
	[ "$ours" = server ] && { ourlog=$slog; peerlog=$clog; }
	if [ "$crc" -ne 0 ] || ! grep -q '^echo ok ' "$clog"; then
		if not_in_yet "$ourlog"; then
			echo "SKIP $name: the kernel handshake is not in yet ($(last "$ourlog" 1))"
			return
		fi
		local how="exited $crc"
		[ "$crc" -eq 124 ] && how="did not finish within $secs s"
		echo "FAIL $name: the client $how: $(last "$clog"); peer: $(last "$peerlog")"
		failed=1
		return
	fi
	if [ "$srv_killed" = 1 ]; then
		echo "FAIL $name: the server did not exit within 10 s of the echo: $(last "$slog")"
		failed=1
		return
	fi
	if [ "$srv_rc" -ne 0 ]; then
		echo "FAIL $name: the server exited $srv_rc after the echo: $(last "$slog")"
		failed=1
		return
	fi
	for p in "$@"; do
		f=$clog
		[ "${p%%:*}" = server ] && f=$slog
		if ! grep -qE "${p#*:}" "$f"; then
			echo "FAIL $name: no '${p#*:}' from the ${p%%:*}: $(last "$f")"
			failed=1
			return
		fi
	done
	echo "PASS $name"
}

# our client -> aioquic server
case_our_client() {
	local name=$1 sopt=$2 copt=$3 check=$4 crc
	local slog=$tmp/$name.server clog=$tmp/$name.client
	if [ ! -x "$client" ]; then
		echo "SKIP $name: tools/examples/quic-echo-client is not built"
		return
	fi
	# shellcheck disable=SC2086
	if ! start_server "$slog" timeout "$secs" "${peer[@]}" server --addr 127.0.0.1 --port 0 \
		--cert "$cert" --key "$key" --alpn echo --count 1 $sopt; then
		echo "FAIL $name: no 'listening on PORT' from the aioquic server: $(last "$slog")"
		failed=1
		return
	fi
	# shellcheck disable=SC2086
	timeout "$secs" "$client" --addr 127.0.0.1 --port "$srv_port" --ca "$ca" \
		--sni localhost --alpn echo --size $size $copt >"$clog" 2>&1
	crc=$?
	stop_server 10
	result "$name" "$crc" "$clog" "$slog" client ${check:+"$check"}
}

# aioquic client -> our server
case_our_server() {
	local name=$1 sopt=$2 copt=$3 check=$4 crc
	local slog=$tmp/$name.server clog=$tmp/$name.client
	if [ ! -x "$server" ]; then
		echo "SKIP $name: tools/examples/quic-echo-server is not built"
		return
	fi
	# shellcheck disable=SC2086
	if ! start_server "$slog" timeout "$secs" "$server" --addr 127.0.0.1 --port 0 \
		--cert "$cert" --key "$key" --alpn echo --count 1 $sopt; then
		if not_in_yet "$slog"; then
			echo "SKIP $name: the kernel handshake is not in yet ($(last "$slog" 1))"
			return
		fi
		echo "FAIL $name: no 'listening on PORT' from our server: $(last "$slog")"
		failed=1
		return
	fi
	# shellcheck disable=SC2086
	timeout "$secs" "${peer[@]}" client --addr 127.0.0.1 --port "$srv_port" --ca "$ca" \
		--sni localhost --alpn echo --size $size $copt >"$clog" 2>&1
	crc=$?
	stop_server 10
	result "$name" "$crc" "$clog" "$slog" server ${check:+"$check"}
}

# our client must refuse the aioquic server's certificate given another CA
case_wrong_ca() {
	local name=interop_aioquic_server_wrong_ca crc
	local slog=$tmp/$name.server clog=$tmp/$name.client
	if [ ! -x "$client" ]; then
		echo "SKIP $name: tools/examples/quic-echo-client is not built"
		return
	fi
	if ! start_server "$slog" timeout "$secs" "${peer[@]}" server --addr 127.0.0.1 --port 0 \
		--cert "$cert" --key "$key" --alpn echo --count 1; then
		echo "FAIL $name: no 'listening on PORT' from the aioquic server: $(last "$slog")"
		failed=1
		return
	fi
	timeout "$secs" "$client" --addr 127.0.0.1 --port "$srv_port" --ca "$wrong_ca" \
		--sni localhost --alpn echo --size $size >"$clog" 2>&1
	crc=$?
	stop_server 10
	if not_in_yet "$clog"; then
		echo "SKIP $name: the kernel handshake is not in yet ($(last "$clog" 1))"
	elif [ "$crc" -eq 0 ] || grep -q '^echo ok' "$clog"; then
		echo "FAIL $name: our client accepted a certificate from an unknown CA: $(last "$clog")"
		failed=1
	elif [ "$crc" -eq 124 ]; then
		echo "FAIL $name: our client hung instead of failing: $(last "$clog")"
		failed=1
	elif grep -q '^handshake ok' "$slog"; then
		echo "FAIL $name: the aioquic server completed the handshake: $(last "$slog")"
		failed=1
	else
		echo "PASS $name"
	fi
}

# the suite gives a script 300 s; a hanging peer costs up to 60 s a case
budget() {
	if [ "$SECONDS" -gt 230 ]; then
		echo "SKIP $1: no time left in the suite's 300 s for this script"
		return 1
	fi
}

budget interop_aioquic_server_v1 &&
	case_our_client interop_aioquic_server_v1 "" "" ""
budget interop_aioquic_client_v1 &&
	case_our_server interop_aioquic_client_v1 "" "" "client:^handshake ok alpn=echo "
budget interop_aioquic_server_v2 &&
	case_our_client interop_aioquic_server_v2 --v2 --v2 "server:^handshake ok alpn=echo version=$V2$"
budget interop_aioquic_client_v2 &&
	case_our_server interop_aioquic_client_v2 "" --v2 "client:^handshake ok alpn=echo version=$V2$"
budget interop_aioquic_client_retry &&
	case_our_server interop_aioquic_client_retry --retry "" "client:^retry ok$"
budget interop_aioquic_server_wrong_ca &&
	case_wrong_ca

# 16 MiB echoed (32 MiB through the peer), the client comparing length and
# SHA-256 of what came back with what it sent; INFO gives the time. Each may
# take up to $big_secs, so it only starts with that much left of the 300 s.
big_secs=120
big_case() {
	local name=$1 t0=$SECONDS
	if [ $((SECONDS + big_secs)) -gt 290 ]; then
		echo "SKIP $name: no time left in the suite's 300 s for this script ($SECONDS s used)"
		return
	fi
	secs=$big_secs size=16777216
	if [ "$2" = our_client ]; then
		case_our_client "$name" "" "" "client:^echo ok 16777216 bytes "
	else
		case_our_server "$name" "" "--timeout $((big_secs - 10))" \
			"client:^echo ok 16777216 "
	fi
	secs=60 size=1048576
	echo "INFO $name: $((SECONDS - t0)) s for the handshake and 16 MiB each way"
}
big_case interop_aioquic_server_16mb our_client
exit "$failed"
