#!/bin/bash
# HTTP/3 interop with ngtcp2's GnuTLS examples: our quic-h3-client (tools/h3)
# downloads from gtlsserver, and gtlsclient downloads from our quic-h3-server,
# over IPv4 and IPv6; a 1 MB and a 1 KB random file must arrive with the
# right SHA-256 (and a 16 MB one from gtlsserver to our client:
# h3_client_to_gtlsserver_16mb). gtlsclient exits 0 even on a 404 or a handshake timeout, so
# the downloaded files are what is judged. Then ngtcp2_handshake_repeat:
# tools/examples/quic-echo-client makes 100 handshakes in a row (X.509,
# verified against the test CA and "localhost", ALPN h3, no data) with
# gtlsserver over 127.0.0.1; all must succeed, and an INFO line
# (ngtcp2_handshake_median) gives its min/median/max handshake times.
# tests/run.sh runs this as root from tests/; QUIC_H3_DIR overrides where
# the two h3 programs are.
set -u
tests=$(cd "$(dirname "$0")/.." && pwd)
tree=$(cd "$tests/.." && pwd)
h3=${QUIC_H3_DIR:-$tree/tools/h3}
echo_client=$tree/tools/examples/quic-echo-client
export LD_LIBRARY_PATH=$tree/src/libquic${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PATH=$PATH:/usr/sbin:/sbin
T=60	# every process runs under timeout $T

cases="h3_client_to_gtlsserver_ipv4 gtlsclient_to_h3_server_ipv4
h3_client_to_gtlsserver_ipv6 gtlsclient_to_h3_server_ipv6 h3_client_to_gtlsserver_16mb"
skip_all() {
	local c
	for c in $cases; do echo "SKIP interop_$c: $1"; done
	echo "SKIP ngtcp2_handshake_repeat: $1"
	exit 0
}

if ! command -v gtlsserver >/dev/null 2>&1 || ! command -v gtlsclient >/dev/null 2>&1; then
	skip_all "gtlsserver/gtlsclient not installed (ngtcp2-server, ngtcp2-client)"
fi
# the h3 cases need tools/h3; the repeated handshakes only quic-echo-client
h3_missing=
if [ ! -x "$h3/quic-h3-client" ] || [ ! -x "$h3/quic-h3-server" ]; then
	h3_missing="$h3/quic-h3-client and quic-h3-server not built (libnghttp3-dev missing?)"
fi

# shellcheck source=../lib/common.sh
. "$tests/lib/common.sh"
setup_tmp
work=$tmp
failed=0
pass() { echo "PASS interop_$1"; }
fail() { echo "FAIL interop_$1: $2"; failed=1; }
skip() { echo "SKIP interop_$1: $2"; }

# The last lines of a peer's log on one line, without ngtcp2's per-packet
# and timer chatter.
last_lines() {
	[ -s "$1" ] || { echo "(no output)"; return; }
	grep -avE '^I[0-9]+ |^(Sent|Received) packet|^Set timer|^Timer (has|expired)|^[[:space:]]*$' "$1" |
		tail -n "${2:-3}" | tr '\n' '|' | sed 's/|$//; s/|/ | /g' | cut -c1-400
}

# a UDP port nothing is bound to
free_port() {
	local p
	for _ in $(seq 20); do
		p=$((20000 + RANDOM % 40000))
		[ -z "$(ss -Haun "sport = :$p" 2>/dev/null)" ] && { echo "$p"; return 0; }
	done
	return 1
}

# wait until something is bound to UDP port $1 while process $2 lives
wait_udp() {
	for _ in $(seq 100); do
		kill -0 "$2" 2>/dev/null || return 1
		[ -n "$(ss -Haun "sport = :$1" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	return 1
}

# the module cannot make connections yet (listen/connect say EOPNOTSUPP)
kernel_lacks() {
	grep -qE 'cannot (connect to .*|listen): EOPNOTSUPP' "$@" 2>/dev/null
}

# --- certificates and files -------------------------------------------------
certs=$work/certs
mkdir -p "$certs" "$work/htdocs"
if [ -f "$tests/certs/gen.sh" ]; then
	bash "$tests/certs/gen.sh" "$certs" >"$work/gen.log" 2>&1
elif command -v certtool >/dev/null 2>&1; then
	(
		set -e
		cd "$certs"
		printf '%s\n' 'cn = "quic interop test CA"' ca cert_signing_key \
			'expiration_days = 2' >ca.tmpl
		printf '%s\n' 'cn = "localhost"' 'dns_name = "localhost"' \
			'ip_address = "127.0.0.1"' 'ip_address = "::1"' tls_www_server \
			signing_key encryption_key 'expiration_days = 2' >server.tmpl
		certtool --generate-privkey --key-type=ecdsa --outfile ca.key
		certtool --generate-self-signed --load-privkey ca.key --template ca.tmpl \
			--outfile ca.pem
		certtool --generate-privkey --key-type=ecdsa --outfile server.key
		certtool --generate-certificate --load-privkey server.key \
			--load-ca-certificate ca.pem --load-ca-privkey ca.key \
			--template server.tmpl --outfile server.pem
	) >"$work/gen.log" 2>&1
else
	skip_all "no tests/certs/gen.sh and no certtool (gnutls-bin) to make certificates"
fi
ca=$certs/ca.pem cert=$certs/server.pem key=$certs/server.key
for f in "$ca" "$cert" "$key"; do
	[ -s "$f" ] || {
		echo "FAIL interop_certificates: $f not made: $(last_lines "$work/gen.log")"
		exit 1
	}
done

head -c 1048576 /dev/urandom >"$work/htdocs/big.bin"
head -c 16777216 /dev/urandom >"$work/htdocs/huge.bin"
sum_huge=$(sha256sum <"$work/htdocs/huge.bin" | cut -d' ' -f1)
head -c 1024 /dev/urandom >"$work/htdocs/small.bin"
sum_big=$(sha256sum <"$work/htdocs/big.bin" | cut -d' ' -f1)
sum_small=$(sha256sum <"$work/htdocs/small.bin" | cut -d' ' -f1)

# "" if $1 holds the file $2 of htdocs, else what is wrong with it
check_file() {
	[ -f "$1" ] || { echo "$2 not downloaded"; return; }
	cmp -s "$1" "$work/htdocs/$2" ||
		echo "$2 differs ($(stat -c %s "$1") bytes, sha256 $(sha256sum <"$1" | cut -c1-16)...)"
}

# --- our client -> gtlsserver -------------------------------------------------
# $1 case name, $2 address to listen on, $3 host as written in URLs
h3_client_to_gtlsserver() {
	local name=$1 addr=$2 uh=$3 out=$work/$1 port rc bad f
	mkdir -p "$out"
	port=$(free_port) || { fail "$name" "no free UDP port"; return; }
	timeout $T gtlsserver --no-quic-dump --no-http-dump -d "$work/htdocs" \
		"$addr" "$port" "$key" "$cert" >"$out/gtlsserver.log" 2>&1 &
	srv_pid=$!
	pids="$pids $srv_pid"
	if ! wait_udp "$port" "$srv_pid"; then
		stop_server 0
		fail "$name" "gtlsserver did not start on $addr port $port: $(last_lines "$out/gtlsserver.log")"
		return
	fi
	timeout $T "$h3/quic-h3-client" --ca "$ca" -o "$out/big.bin" -o "$out/small.bin" \
		"https://$uh:$port/big.bin" "https://$uh:$port/small.bin" >"$out/client.log" 2>&1
	rc=$?
	stop_server 0
	if kernel_lacks "$out/client.log"; then
		skip "$name" "$(last_lines "$out/client.log" 1)"
		return
	fi
	bad=
	grep -qx "GET /big.bin -> 200 1048576 sha256=$sum_big" "$out/client.log" ||
		bad="no good line for /big.bin"
	grep -qx "GET /small.bin -> 200 1024 sha256=$sum_small" "$out/client.log" ||
		bad="${bad:+$bad, }no good line for /small.bin"
	if [ -z "$bad" ]; then	# the lines are right: are the files?
		for f in big.bin small.bin; do
			[ -z "$(check_file "$out/$f" "$f")" ] ||
				bad="${bad:+$bad, }$(check_file "$out/$f" "$f")"
		done
	fi
	if [ "$rc" = 0 ] && [ -z "$bad" ]; then
		pass "$name"
	else
		fail "$name" "quic-h3-client exit $rc${bad:+ ($bad)}: $(last_lines "$out/client.log") // gtlsserver: $(last_lines "$out/gtlsserver.log" 2)"
	fi
}

# --- our client downloads 16 MiB from gtlsserver ----------------------------
# The same as above with one 16 MiB file; INFO gives the time it took.
h3_client_to_gtlsserver_16mb() {
	local name=h3_client_to_gtlsserver_16mb out=$work/huge port rc bad t0 cap
	mkdir -p "$out"
	cap=$((285 - SECONDS))	# tests/run.sh stops the script at 300 s
	[ "$cap" -gt 150 ] && cap=150
	if [ "$cap" -lt 40 ]; then
		skip "$name" "out of time (${SECONDS} s used by the cases above)"
		return
	fi
	port=$(free_port) || { fail "$name" "no free UDP port"; return; }
	timeout $((cap + 5)) gtlsserver --no-quic-dump --no-http-dump -d "$work/htdocs" \
		127.0.0.1 "$port" "$key" "$cert" >"$out/gtlsserver.log" 2>&1 &
	srv_pid=$!
	pids="$pids $srv_pid"
	if ! wait_udp "$port" "$srv_pid"; then
		stop_server 0
		fail "$name" "gtlsserver did not start on 127.0.0.1 port $port: $(last_lines "$out/gtlsserver.log")"
		return
	fi
	t0=$SECONDS
	timeout "$cap" "$h3/quic-h3-client" --ca "$ca" -o "$out/huge.bin" \
		"https://127.0.0.1:$port/huge.bin" >"$out/client.log" 2>&1
	rc=$?
	stop_server 0
	if kernel_lacks "$out/client.log"; then
		skip "$name" "$(last_lines "$out/client.log" 1)"
		return
	fi
	bad=
	grep -qx "GET /huge.bin -> 200 16777216 sha256=$sum_huge" "$out/client.log" ||
		bad="no good line for /huge.bin"
	[ -n "$bad" ] || bad=$(check_file "$out/huge.bin" huge.bin)
	if [ "$rc" = 0 ] && [ -z "$bad" ]; then
		echo "INFO interop_$name: 16 MiB in $((SECONDS - t0)) s"
		pass "$name"
	else
		[ "$rc" = 124 ] && rc="124 (killed after $cap s)"
		fail "$name" "quic-h3-client exit $rc${bad:+ ($bad)}: $(last_lines "$out/client.log") // gtlsserver: $(last_lines "$out/gtlsserver.log" 2)"
	fi
}

# --- gtlsclient -> our server -------------------------------------------------
gtlsclient_to_h3_server() {
	local name=$1 addr=$2 uh=$3 out=$work/$1 port='' rc bad f
	mkdir -p "$out/dl"
	timeout $T "$h3/quic-h3-server" --addr "$addr" --port 0 --cert "$cert" --key "$key" \
		--dir "$work/htdocs" >"$out/server.out" 2>"$out/server.err" &
	srv_pid=$!
	pids="$pids $srv_pid"
	for _ in $(seq 100); do
		port=$(sed -n 's/^listening on \([0-9][0-9]*\)$/\1/p' "$out/server.out")
		[ -n "$port" ] && break
		kill -0 "$srv_pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$port" ]; then
		stop_server 0
		if kernel_lacks "$out/server.err"; then
			skip "$name" "$(last_lines "$out/server.err" 1)"
		else
			fail "$name" "quic-h3-server did not start: $(last_lines "$out/server.err")"
		fi
		return
	fi
	timeout $T gtlsclient --no-quic-dump --no-http-dump --handshake-timeout=30s \
		--exit-on-all-streams-close --download "$out/dl" "$addr" "$port" \
		"https://$uh:$port/big.bin" "https://$uh:$port/small.bin" >"$out/gtlsclient.log" 2>&1
	rc=$?
	stop_server 0
	bad=
	for f in big.bin small.bin; do
		[ -z "$(check_file "$out/dl/$f" "$f")" ] ||
			bad="${bad:+$bad, }$(check_file "$out/dl/$f" "$f")"
	done
	if [ -z "$bad" ]; then
		pass "$name"
	else
		fail "$name" "$bad; gtlsclient exit $rc: $(last_lines "$out/gtlsclient.log") // quic-h3-server: $(last_lines "$out/server.err" 2) $(last_lines "$out/server.out" 1)"
	fi
}

# --- 100 handshakes of quic-echo-client with gtlsserver ---------------------
# "handshakes: 100 ok, min A us, median B us, max C us" is the client's last
# line when all 100 succeeded (tools/examples/quic_echo_client.c)
handshake_repeat() {
	local name=ngtcp2_handshake_repeat out=$work/repeat port rc cap summary n_ok
	mkdir -p "$out"
	if [ ! -x "$echo_client" ]; then
		echo "FAIL $name: ${echo_client#"$tree"/} is not built (make tests)"
		failed=1
		return
	fi
	# tests/run.sh stops the script at 300 s
	cap=$((285 - SECONDS))
	[ "$cap" -gt 150 ] && cap=150
	if [ "$cap" -lt 30 ]; then
		echo "SKIP $name: out of time (${SECONDS} s used by the cases above)"
		return
	fi
	port=$(free_port) || { echo "FAIL $name: no free UDP port"; failed=1; return; }
	timeout $((cap + 5)) gtlsserver --no-quic-dump --no-http-dump -d "$work/htdocs" \
		127.0.0.1 "$port" "$key" "$cert" >"$out/gtlsserver.log" 2>&1 &
	srv_pid=$!
	pids="$pids $srv_pid"
	if ! wait_udp "$port" "$srv_pid"; then
		stop_server 0
		echo "FAIL $name: gtlsserver did not start on 127.0.0.1 port $port: $(last_lines "$out/gtlsserver.log")"
		failed=1
		return
	fi
	timeout "$cap" "$echo_client" --addr 127.0.0.1 --port "$port" --ca "$ca" --sni localhost \
		--alpn h3 --no-data --repeat 100 --timeout 60 >"$out/client.log" 2>&1
	rc=$?
	stop_server 0
	summary=$(grep -m1 '^handshakes: 100 ok, min [0-9]* us, median [0-9]* us, max [0-9]* us$' "$out/client.log")
	n_ok=$(grep -c '^handshake ok ' "$out/client.log")
	if [ "$rc" = 0 ] && [ -n "$summary" ] && [ "$n_ok" = 100 ]; then
		echo "INFO ngtcp2_handshake_median: $summary"
		echo "PASS $name"
	elif grep -q 'connect to .*: Operation not supported' "$out/client.log"; then
		echo "SKIP $name: $(last_lines "$out/client.log" 1)"
	else
		[ "$rc" = 124 ] && rc="124 (killed after $cap s)"
		echo "FAIL $name: quic-echo-client exit $rc after $n_ok handshakes: $(last_lines "$out/client.log") // gtlsserver: $(last_lines "$out/gtlsserver.log" 2)"
		failed=1
	fi
}

if [ -n "$h3_missing" ]; then
	for c in $cases; do skip "$c" "$h3_missing"; done
else
	h3_client_to_gtlsserver h3_client_to_gtlsserver_ipv4 127.0.0.1 127.0.0.1
	gtlsclient_to_h3_server gtlsclient_to_h3_server_ipv4 127.0.0.1 127.0.0.1
	if ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/128'; then
		h3_client_to_gtlsserver h3_client_to_gtlsserver_ipv6 ::1 '[::1]'
		gtlsclient_to_h3_server gtlsclient_to_h3_server_ipv6 ::1 '[::1]'
	else
		skip h3_client_to_gtlsserver_ipv6 "no ::1 on lo"
		skip gtlsclient_to_h3_server_ipv6 "no ::1 on lo"
	fi
	h3_client_to_gtlsserver_16mb
fi
handshake_repeat
exit $failed
