#!/bin/bash
# End-to-end handshakes over loopback between tools/examples/quic-echo-client
# and quic-echo-server (libquic + GnuTLS in userspace, quic.ko underneath),
# each followed by an echo of the data on stream 0 checked by SHA-256:
#
#   handshake_psk_v4            PSK over 127.0.0.1
#   handshake_psk_v6            PSK over ::1
#   handshake_psk_sock_stream   PSK on SOCK_STREAM sockets
#   handshake_psk_wrong_key     the client's PSK differs: both sides fail
#   handshake_x509_ca_verify    X.509, the client verifies against the CA
#                               file and the name "localhost"
#   handshake_x509_ca_verify_ip the same, verified against the IP SAN
#   handshake_x509_untrusted    the server's certificate is signed by another
#                               CA: the client rejects it, the server fails too
#   handshake_x509_wrong_name   the client expects another name: both fail
#   handshake_alpn_match        server "h3,echo", client "echo": echo selected
#   handshake_alpn_mismatch     server "h3", client "echo": both fail
#   handshake_version_v2        QUIC v2 (RFC 9369) on both sides
#   handshake_retry             the server validates the address with Retry
#   handshake_echo_1mb          1 MiB echoed, checksums compared
#   handshake_repeat_100        100 PSK handshakes in a row (an INFO line
#                               gives min/median/max; only success counts)
#
# Run by tests/run.sh from tests/ as root once quic.ko is loaded. Every
# program runs under timeout; servers are killed on exit. While the module
# has no connect()/listen() (EOPNOTSUPP) every case is SKIP.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(cd .. && pwd)
client=$top/tools/examples/quic-echo-client
server=$top/tools/examples/quic-echo-server
cases="psk_v4 psk_v6 psk_sock_stream psk_wrong_key x509_ca_verify x509_ca_verify_ip
	x509_untrusted x509_wrong_name alpn_match alpn_mismatch version_v2 retry
	echo_1mb repeat_100"
budget=230	# seconds: tests/run.sh stops a script after 300
failed=0
skip_reason=
done_cases=

skip_rest() {
	local c
	for c in $cases; do
		case " $done_cases " in *" $c "*) continue ;; esac
		echo "SKIP handshake_$c: $1"
	done
}

for p in "$client" "$server"; do
	if [ ! -x "$p" ]; then
		echo "FAIL handshake_build: ${p#"$top"/} is not built (make tests)"
		skip_rest "the example programs are not built"
		exit 1
	fi
done

# shellcheck source=../lib/common.sh
. lib/common.sh
setup_tmp
make_certs handshake
pki=$tmp/pki

# check_logs NAME CLOG SLOG CHECK...: every "client:REGEX" / "server:REGEX"
# matches a line of that side's log; prints FAIL and returns 1 otherwise
check_logs() {
	local name=$1 clog=$2 slog=$3 p f side
	shift 3
	for p in "$@"; do
		side=${p%%:*}
		f=$clog
		[ "$side" = server ] && f=$slog
		if ! grep -qE -- "${p#*:}" "$f"; then
			echo "FAIL $name: no '${p#*:}' from the $side: $(last "$f")"
			return 1
		fi
	done
}

# run_case CASE ADDR "SERVER ARGS" "CLIENT ARGS" ok|fail [CHECK...]
#   ok:   the client and the server exit 0, both report the handshake, the
#         echo arrives intact and both sides agree on its SHA-256
#   fail: the client's handshake fails (--expect-fail) and so does the
#         server's ("conn 1: handshake failed")
run_case() {
	local c=$1 addr=$2 sopt=$3 copt=$4 expect=$5 name=handshake_$1 crc cs ss
	local slog=$tmp/$1.server clog=$tmp/$1.client
	shift 5
	done_cases="$done_cases $c"
	if [ -n "$skip_reason" ]; then
		echo "SKIP $name: $skip_reason"
		return
	fi
	if [ "$SECONDS" -gt "$budget" ]; then
		echo "SKIP $name: out of time (${SECONDS} s used; earlier cases timed out?)"
		return
	fi
	# shellcheck disable=SC2086 # option lists
	if ! start_server "$slog" timeout 120 "$server" --addr "$addr" --port 0 --count 1 \
		--timeout 45 $sopt; then
		if not_in_yet "$slog"; then
			skip_reason="the kernel handshake is not in yet ($(last "$slog" 1))"
			echo "SKIP $name: $skip_reason"
			return
		fi
		echo "FAIL $name: the server did not start: $(last "$slog")"
		failed=1
		return
	fi
	[ "$expect" = fail ] && copt="$copt --expect-fail"
	# shellcheck disable=SC2086
	timeout 60 "$client" --addr "$addr" --port "$srv_port" --timeout 30 $copt >"$clog" 2>&1
	crc=$?
	if [ "$expect" = ok ]; then
		stop_server 15
	else
		stop_server 50	# a server that gets no CONNECTION_CLOSE waits for the idle timeout
	fi
	if not_in_yet "$clog" "$slog"; then
		skip_reason="the kernel handshake is not in yet ($(grep -h 'Operation not supported' "$clog" "$slog" | head -n 1))"
		echo "SKIP $name: $skip_reason"
		return
	fi
	if [ "$crc" -ne 0 ]; then
		echo "FAIL $name: client exited $crc: $(last "$clog"); server: $(last "$slog")"
		failed=1
		return
	fi
	if [ "$expect" = ok ]; then
		if [ "$srv_rc" -ne 0 ]; then
			echo "FAIL $name: server exited $srv_rc: $(last "$slog")"
			failed=1
			return
		fi
		check_logs "$name" "$clog" "$slog" 'client:^handshake ok ' \
			'server:^conn 1: handshake ok .* echoed ' "$@" || { failed=1; return; }
		cs=$(sed -n 's/^echo ok \([0-9]*\) bytes sha256=\([0-9a-f]*\) .*/\1 \2/p' "$clog")
		ss=$(sed -n 's/^conn 1: .* echoed \([0-9]*\) bytes sha256=\([0-9a-f]*\)$/\1 \2/p' "$slog")
		if [ -z "$cs" ] || [ "$cs" != "$ss" ]; then
			echo "FAIL $name: echo differs: client '${cs:-none}', server '${ss:-none}'"
			failed=1
			return
		fi
	else
		if [ "$srv_rc" -eq 0 ] || ! grep -q '^conn 1: handshake failed' "$slog"; then
			echo "FAIL $name: the server's handshake did not fail (exit $srv_rc): $(last "$slog")"
			failed=1
			return
		fi
		check_logs "$name" "$clog" "$slog" 'client:^handshake failed as expected' \
			"$@" || { failed=1; return; }
		if [ "$srv_secs" -ge 5 ]; then
			echo "INFO $name: the server took $srv_secs s more to see the failure (no CONNECTION_CLOSE from the client?)"
		fi
		cs=$(sed -n 's/^handshake failed as expected: .* after \([0-9]*\) us$/\1/p' "$clog")
		if [ "${cs:-0}" -ge 5000000 ]; then
			echo "INFO $name: the client took $((cs / 1000000)) s to see the failure (no CONNECTION_CLOSE from the server?)"
		fi
	fi
	echo "PASS $name"
}

psk="--psk $pki/psk.txt"
x509="--cert $pki/server.pem --key $pki/server.key"
ca="--ca $pki/ca.pem"

run_case psk_v4 127.0.0.1 "$psk" "$psk" ok \
	'client:^handshake ok .* alpn=echo version=v1$' 'client:^echo ok 1024 bytes '
if ip -6 addr show dev lo 2>/dev/null | grep -q '::1/128'; then
	run_case psk_v6 ::1 "$psk" "$psk" ok 'client:^echo ok 1024 bytes '
else
	done_cases="$done_cases psk_v6"
	echo "SKIP handshake_psk_v6: no ::1 on lo (IPv6 disabled)"
fi
run_case psk_sock_stream 127.0.0.1 "$psk --stream" "$psk --stream" ok
run_case psk_wrong_key 127.0.0.1 "$psk" "--psk $pki/psk-wrong.txt" fail
run_case x509_ca_verify 127.0.0.1 "$x509" "$ca --sni localhost" ok
run_case x509_ca_verify_ip 127.0.0.1 "$x509" "$ca" ok
run_case x509_untrusted 127.0.0.1 \
	"--cert $pki/untrusted.pem --key $pki/untrusted.key" "$ca --sni localhost" fail \
	'client:certificate rejected.*issuer is unknown'
run_case x509_wrong_name 127.0.0.1 "$x509" "$ca --sni wrong.example" fail \
	'client:certificate rejected.*name .*does not match'
run_case alpn_match 127.0.0.1 "$psk --alpn h3,echo" "$psk --alpn echo" ok \
	'client:^handshake ok .* alpn=echo ' 'server:^conn 1: handshake ok .* alpn=echo '
run_case alpn_mismatch 127.0.0.1 "$psk --alpn h3" "$psk --alpn echo" fail \
	'server:no common ALPN'
run_case version_v2 127.0.0.1 "$psk" "$psk --v2" ok \
	'client:^handshake ok .* version=v2$' 'server:^conn 1: handshake ok .* version=v2 '
run_case retry 127.0.0.1 "$psk --retry" "$psk" ok
run_case echo_1mb 127.0.0.1 "$x509" "$ca --sni localhost --size 1048576" ok \
	'client:^echo ok 1048576 bytes '

# 100 handshakes in a row against one server
run_repeat() {
	local c=repeat_100 name=handshake_repeat_100 crc n_ok summary
	local slog=$tmp/repeat.server clog=$tmp/repeat.client
	done_cases="$done_cases $c"
	if [ -n "$skip_reason" ]; then
		echo "SKIP $name: $skip_reason"
		return
	fi
	if [ "$SECONDS" -gt "$budget" ]; then
		echo "SKIP $name: out of time (${SECONDS} s used; earlier cases timed out?)"
		return
	fi
	# shellcheck disable=SC2086
	if ! start_server "$slog" timeout 120 "$server" --addr 127.0.0.1 --port 0 --count 100 \
		--timeout 30 $psk; then
		echo "FAIL $name: the server did not start: $(last "$slog")"
		failed=1
		return
	fi
	# shellcheck disable=SC2086
	timeout $((300 - 20 - SECONDS)) "$client" --addr 127.0.0.1 --port "$srv_port" $psk \
		--repeat 100 --size 64 --timeout 30 >"$clog" 2>&1
	crc=$?
	stop_server 10
	n_ok=$(grep -c '^conn [0-9]*: handshake ok .* echoed 64 bytes' "$slog")
	summary=$(sed -n 's/^handshakes: 100 ok, //p' "$clog")
	if [ "$crc" -ne 0 ] || [ -z "$summary" ]; then
		echo "FAIL $name: client exited $crc after $(grep -c '^echo ok' "$clog") echoes: $(last "$clog"); server: $(last "$slog")"
		failed=1
	elif [ "$srv_rc" -ne 0 ] || [ "$n_ok" -ne 100 ]; then
		echo "FAIL $name: the server exited $srv_rc with $n_ok good connections: $(last "$slog")"
		failed=1
	else
		echo "INFO $name: PSK handshake on loopback (connect to handshake done): $summary"
		echo "PASS $name"
	fi
}
run_repeat

exit "$failed"
