#!/bin/bash
# Kernel consumers: tests/kmod/quic_sample.ko makes QUIC sockets in the
# kernel, has the TLS handshake done by the agent tools/quic-handshaked
# through net/handshake, then echoes a message on one stream:
#
#   kconsumer_client_psk    kernel client -> quic-echo-server --psk
#   kconsumer_client_x509   kernel client, which verifies "localhost" against
#                           the agent's CA -> quic-echo-server --cert/--key
#   kconsumer_server_psk    quic-echo-client --psk -> kernel server
#   kconsumer_server_x509   quic-echo-client --ca -> kernel server (the
#                           agent's certificate)
#   kconsumer_pair_psk      kernel client -> kernel server, one module
#   kconsumer_agent_fails   the agent's X.509 check fails (wrong name): the
#                           kernel client gets its errno before timeout_ms
#   kconsumer_no_agent      no agent running: the kernel client fails with
#                           an errno within timeout_ms and a few seconds
#   kconsumer_unload        quic_sample unloaded after every case, no QUIC
#                           socket left in /proc/net/quic/sks, no BUG or
#                           WARNING in the kernel log
#
# quic_sample serves one scenario per load: each case loads it with its
# parameters, polls /sys/module/quic_sample/parameters/result and unloads
# it. Run by tests/run.sh from tests/ as root with quic.ko loaded. Cases are
# SKIP when the kernel has no net/handshake (6.1), when quic_sample.ko is not
# built (make -C tests/kmod KDIR=...) and, for those that need it, when the
# agent is not built.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(cd .. && pwd)
ko=$top/tests/kmod/quic_sample.ko
agent=$top/tools/quic-handshaked/quic-handshaked
client=$top/tools/examples/quic-echo-client
server=$top/tools/examples/quic-echo-server
cases="client_psk client_x509 server_psk server_x509 pair_psk agent_fails no_agent unload"
kmsg="hello from the kernel"	# quic_sample's default msg
tmo_ms=10000			# quic_sample's timeout_ms in the cases
budget=230			# seconds: tests/run.sh stops a script after 300
failed=0
unload_failed=

skip_all() {
	local c
	for c in $cases; do
		echo "SKIP kconsumer_$c: $1"
	done
	exit 0
}

if ! grep -qw tls_client_hello_psk /proc/kallsyms 2>/dev/null; then
	skip_all "this kernel ($(uname -r)) has no net/handshake (no tls_client_hello_psk in /proc/kallsyms)"
fi
if [ ! -f "$ko" ]; then
	skip_all "tests/kmod/quic_sample.ko is not built (make -C tests/kmod KDIR=...)"
fi
for p in "$client" "$server"; do
	if [ ! -x "$p" ]; then
		echo "FAIL kconsumer_build: ${p#"$top"/} is not built (make tests)"
		exit 1
	fi
done
agent_skip=
[ -x "$agent" ] || agent_skip="tools/quic-handshaked/quic-handshaked is not built"

# shellcheck source=../lib/common.sh
. lib/common.sh
setup_tmp
agent_pid=
agent_mark=0
# shellcheck disable=SC2317 # called by cleanup
cleanup_pre() { stop_agent; }
# shellcheck disable=SC2317
cleanup_post() { rmmod quic_sample 2>/dev/null; }

make_certs kconsumer
pki=$tmp/pki
alog=$tmp/agent.log
: >"$alog"
cat >"$tmp/agent.conf" <<EOF
psk_file = $pki/psk.txt
ca_file = $pki/ca.pem
cert_file = $pki/server.pem
key_file = $pki/server.key
alpn = echo
EOF

echo "kconsumer: start" >/dev/kmsg 2>/dev/null
socks_before=$(count_socks)
rmmod quic_sample 2>/dev/null

kernlog() { dmesg --color=never | grep 'quic_sample:' | tail -n "${1:-3}" | tr '\n' '|' | sed 's/|$//'; }
fail() {
	echo "FAIL $1: $2"
	failed=1
}
param() { cat "/sys/module/quic_sample/parameters/$1" 2>/dev/null; }

# the agent says "ready: waiting for handshake requests" once it is in the
# "tlshd" multicast group
ready_lines() { grep -c 'ready: waiting for handshake requests' "$alog"; }

start_agent() {
	local _ n
	n=$(ready_lines)
	"$agent" -f -c "$tmp/agent.conf" >>"$alog" 2>&1 &
	agent_pid=$!
	for _ in $(seq 100); do
		[ "$(ready_lines)" -gt "$n" ] && return 0
		kill -0 "$agent_pid" 2>/dev/null || break
		sleep 0.1
	done
	stop_agent
	return 1
}

# agent_logged NAME REGEX...: every REGEX matches a line the agent logged
# since the case began (agent_mark); prints FAIL and returns 1 otherwise.
# One line per request: "quic-handshaked: request N: client psk -> ok"
agent_logged() {
	local name=$1 p i ok
	shift
	for ((i = 0; i < 20; i++)); do
		ok=1
		for p in "$@"; do
			tail -n +$((agent_mark + 1)) "$alog" | grep -qE -- "$p" || ok=
		done
		[ -n "$ok" ] && return 0
		sleep 0.1
	done
	fail "$name" "the agent did not log '$*': $(last "$alog")"
	return 1
}

# shellcheck disable=SC2317 # also called by the trap
stop_agent() {
	local _
	[ -n "$agent_pid" ] || return 0
	kill "$agent_pid" 2>/dev/null
	for _ in $(seq 30); do
		kill -0 "$agent_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$agent_pid" 2>/dev/null
	wait "$agent_pid" 2>/dev/null
	agent_pid=
}

# an agent for the next case: sets agent_err when there is none
ensure_agent() {
	agent_err=
	if [ -n "$agent_pid" ] && kill -0 "$agent_pid" 2>/dev/null; then
		return 0
	fi
	[ -n "$agent_pid" ] && echo "INFO kconsumer: the agent had exited, restarting it: $(last "$alog")"
	agent_pid=
	start_agent && return 0
	agent_err="the agent did not start: $(last "$alog")"
	return 1
}

# load NAME ARGS...: insmod quic_sample with ARGS; prints FAIL on error
load() {
	local name=$1 out
	shift
	rmmod quic_sample 2>/dev/null
	if ! out=$(insmod "$ko" "$@" 2>&1); then
		fail "$name" "insmod quic_sample.ko $*: $out; $(kernlog 2)"
		return 1
	fi
}

# unload NAME: rmmod quic_sample; prints FAIL on error
unload() {
	local out
	if ! out=$(rmmod quic_sample 2>&1); then
		fail "$1" "rmmod quic_sample: $out; $(kernlog 2)"
		unload_failed="$unload_failed $1"
		return 1
	fi
}

# wait_result SECONDS: polls the result parameter until it is no longer
# "running"; sets res and res_secs
wait_result() {
	local i start=$SECONDS
	res=
	for ((i = 0; i < $1 * 10; i++)); do
		res=$(param result)
		[ -n "$res" ] && [ "$res" != running ] && break
		sleep 0.1
	done
	res_secs=$((SECONDS - start))
	[ -n "$res" ] && [ "$res" != running ]
}

# wait_port SECONDS: polls bound_port until the server listens; sets kport
wait_port() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		kport=$(param bound_port)
		[ -n "$kport" ] && [ "$kport" != 0 ] && return 0
		case "$(param result)" in error*) return 1 ;; esac
		sleep 0.1
	done
	return 1
}

# precheck NAME: SKIP (returns 1) without an agent binary or out of time;
# FAIL without a running agent
precheck() {
	if [ -n "$agent_skip" ]; then
		echo "SKIP $1: $agent_skip"
		return 1
	fi
	if [ "$SECONDS" -gt "$budget" ]; then
		echo "SKIP $1: out of time (${SECONDS} s used; earlier cases timed out?)"
		return 1
	fi
	if ! ensure_agent; then
		fail "$1" "$agent_err"
		return 1
	fi
	agent_mark=$(wc -l <"$alog")
}

# client_case CASE "SERVER ARGS" MODE MODULE ARGS...: the kernel client
# against quic-echo-server; the agent ran a client handshake in MODE
client_case() {
	local name=kconsumer_$1 sopt=$2 mode=$3 slog=$tmp/$1.server want
	shift 3
	precheck "$name" || return
	# shellcheck disable=SC2086 # option list
	if ! start_server "$slog" timeout 120 "$server" --addr 127.0.0.1 --port 0 --count 1 --timeout 30 $sopt; then
		fail "$name" "quic-echo-server did not start: $(last "$slog")"
		return
	fi
	if ! load "$name" role=client port="$srv_port" timeout_ms="$tmo_ms" "$@"; then
		stop_server 0
		return
	fi
	wait_result $((tmo_ms / 1000 + 10))
	stop_server 15
	unload "$name" || return
	want="ok client: echoed ${#kmsg} bytes"
	if [ "$res" != "$want" ]; then
		fail "$name" "result '${res:-none}' after $res_secs s, not '$want'; agent: $(last "$alog"); server: $(last "$slog"); kernel: $(kernlog)"
		return
	fi
	if [ "$srv_rc" -ne 0 ] || ! grep -q "^conn 1: handshake ok .* echoed ${#kmsg} bytes" "$slog"; then
		fail "$name" "quic-echo-server exited $srv_rc: $(last "$slog")"
		return
	fi
	agent_logged "$name" "request [0-9]+: client $mode -> ok" || return
	echo "PASS $name"
}

# server_case CASE "CLIENT ARGS" MODE MODULE ARGS...: quic-echo-client
# against the kernel server; the agent ran a server handshake in MODE
server_case() {
	local name=kconsumer_$1 copt=$2 mode=$3 clog=$tmp/$1.client crc want
	shift 3
	precheck "$name" || return
	load "$name" role=server port=0 timeout_ms="$tmo_ms" "$@" || return
	if ! wait_port 5; then
		wait_result 1
		unload "$name"
		fail "$name" "the kernel server does not listen: result '${res:-none}'; kernel: $(kernlog)"
		return
	fi
	# shellcheck disable=SC2086 # option list
	timeout 60 "$client" --addr 127.0.0.1 --port "$kport" --timeout 30 --size 1024 $copt \
		>"$clog" 2>&1
	crc=$?
	wait_result $((tmo_ms / 1000 + 10))
	unload "$name" || return
	if [ "$crc" -ne 0 ] || ! grep -q '^handshake ok ' "$clog" ||
		! grep -q '^echo ok 1024 bytes ' "$clog"; then
		fail "$name" "quic-echo-client exited $crc: $(last "$clog"); result '${res:-none}'; agent: $(last "$alog"); kernel: $(kernlog)"
		return
	fi
	want="ok server: echoed 1024 bytes"
	if [ "$res" != "$want" ]; then
		fail "$name" "result '${res:-none}' after $res_secs s, not '$want'; agent: $(last "$alog"); kernel: $(kernlog)"
		return
	fi
	agent_logged "$name" "request [0-9]+: server $mode -> ok" || return
	echo "PASS $name"
}

pair_case() {
	local name=kconsumer_$1 want
	shift
	precheck "$name" || return
	load "$name" role=pair port=0 timeout_ms="$tmo_ms" "$@" || return
	wait_result $((tmo_ms / 1000 + 15))
	unload "$name" || return
	want="ok pair: echoed ${#kmsg} bytes"
	if [ "$res" != "$want" ]; then
		fail "$name" "result '${res:-none}' after $res_secs s, not '$want'; agent: $(last "$alog"); kernel: $(kernlog 4)"
		return
	fi
	agent_logged "$name" "request [0-9]+: client psk -> ok" \
		"request [0-9]+: server psk -> ok" || return
	echo "PASS $name"
}

# no agent: the handshake request has nobody to go to
# the agent's handshake fails (the server's certificate does not carry the
# name the kernel client asks for): the consumer gets the agent's errno,
# well before timeout_ms, and nothing is left behind
agent_fails_case() {
	local name=kconsumer_agent_fails slog=$tmp/agent_fails.server
	precheck "$name" || return
	if ! start_server "$slog" timeout 120 "$server" --addr 127.0.0.1 --port 0 --count 1 --timeout 30 \
		--cert "$pki/server.pem" --key "$pki/server.key"; then
		fail "$name" "quic-echo-server did not start: $(last "$slog")"
		return
	fi
	if ! load "$name" role=client port="$srv_port" timeout_ms="$tmo_ms" \
		auth=x509 peername=wrong.example; then
		stop_server 0
		return
	fi
	wait_result $((tmo_ms / 1000 + 10))
	stop_server 5
	unload "$name" || return
	if ! [[ "$res" =~ ^error\ client:\ handshake\ -[0-9]+$ ]]; then
		fail "$name" "result '${res:-none}' after $res_secs s, expected 'error client: handshake -ERRNO'; agent: $(last "$alog"); kernel: $(kernlog)"
		return
	fi
	agent_logged "$name" "request [0-9]+: client x509 -> error" || return
	echo "INFO $name: $res after $res_secs s"
	echo "PASS $name"
}

no_agent_case() {
	local name=kconsumer_no_agent limit=3000
	stop_agent
	if [ "$SECONDS" -gt "$budget" ]; then
		echo "SKIP $name: out of time (${SECONDS} s used; earlier cases timed out?)"
		return
	fi
	# port 9: nobody there, and connect() sends nothing by itself
	load "$name" role=client port=9 auth=psk timeout_ms=$limit || return
	if ! wait_result $((limit / 1000 + 5)); then
		unload "$name"
		fail "$name" "still '${res:-none}' $res_secs s after the load (timeout_ms=$limit); kernel: $(kernlog)"
		return
	fi
	unload "$name" || return
	if ! [[ "$res" =~ ^error\ client:\ [a-z_]+\ -[0-9]+$ ]]; then
		fail "$name" "result '$res', expected 'error client: STEP -ERRNO'; kernel: $(kernlog)"
		return
	fi
	echo "INFO $name: $res after $res_secs s"
	echo "PASS $name"
}

unload_case() {
	local name=kconsumer_unload i now bad
	rmmod quic_sample 2>/dev/null
	if [ -d /sys/module/quic_sample ]; then
		fail "$name" "quic_sample is still loaded: $(rmmod quic_sample 2>&1)"
		return
	fi
	if [ -n "$unload_failed" ]; then
		fail "$name" "rmmod quic_sample failed after:$unload_failed"
		return
	fi
	# sockets handed to the agent close with its last descriptor
	for i in $(seq 50); do
		now=$(count_socks)
		[ "$now" -le "$socks_before" ] && break
		sleep 0.1
	done
	if [ "$now" -gt "$socks_before" ]; then
		fail "$name" "$now QUIC sockets left ($socks_before before): $(tail -n +2 /proc/net/quic/sks | head -n 3 | tr '\n' '|')"
		return
	fi
	bad=$(dmesg --color=never | sed -n '/kconsumer: start/,$p' |
		grep -E 'BUG:|WARNING:|Oops|KASAN|UBSAN|refcount_t|list_add corruption|list_del corruption|general protection' |
		head -n 3 | tr '\n' '|')
	if [ -n "$bad" ]; then
		fail "$name" "kernel log: $bad"
		return
	fi
	echo "PASS $name"
}

psk="--psk $pki/psk.txt"
client_case client_psk "$psk" psk auth=psk
client_case client_x509 "--cert $pki/server.pem --key $pki/server.key" x509 \
	auth=x509 peername=localhost
server_case server_psk "$psk" psk auth=psk
server_case server_x509 "--ca $pki/ca.pem --sni localhost" x509 auth=x509
pair_case pair_psk auth=psk
agent_fails_case
if [ -n "$agent_pid" ]; then
	echo "INFO kconsumer: agent log: $(last "$alog" 5)"
fi
no_agent_case
unload_case

exit "$failed"
