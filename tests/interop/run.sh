#!/bin/bash
# The interop matrix: real QUIC peers against our endpoints on the kernel
# module, HTTP/3 file downloads between two network namespaces joined by a
# veth pair (server 10.77.0.1, client 10.77.0.2; netem where a case needs
# it). Rows are our role vs a peer, columns the test cases named as in the
# QUIC interop runner:
#
#   rows     server-ngtcp2   our quic-h3-server  <- ngtcp2's gtlsclient
#            client-ngtcp2   our quic-h3-client  -> ngtcp2's gtlsserver
#            server-aioquic  our quic-h3-server  <- interop/aioquic_h3.py
#            client-aioquic  our quic-h3-client  -> interop/aioquic_h3.py
#            server-curl     our quic-h3-server  <- curl --http3-only
#   cases    see $CASES and the case_* functions below
#
# Every cell prints one line tests/run.sh counts: PASS interop_ROW_CASE,
# FAIL ...: why, or SKIP ...: why (UNSUPPORTED cells, where the peer cannot
# do the case, and pending cells, whose feature is not in the module yet,
# are SKIP lines saying so), and "INFO time interop_ROW_CASE: N s". At the
# end the matrix is printed; --md FILE writes it as Markdown too, and the
# lines between "=== INTEROP-MD-BEGIN ===" and "=== INTEROP-MD-END ===" are
# the same Markdown for 'make interop' (tools/vm/vm.sh) to pick up.
#
#   tests/interop/run.sh [--md FILE] [--rows REGEX] [--cases REGEX]
#                        [--budget SECONDS]
#
# --budget: cells that would start after SECONDS print "SKIP ...: out of
# the time budget" (the suite runs the matrix with a budget, so that its
# own time limit for a script never cuts the matrix off without a result).
#
# Run as root with the module loaded (tests/run.sh runs it through
# tests/scripts/interop.sh; 'make interop' boots a guest for it alone).
set -u
cd "$(dirname "$0")/.." || exit 1
tests=$(pwd)
tree=$(cd .. && pwd)
export LD_LIBRARY_PATH=$tree/src/libquic${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PATH=$PATH:/usr/sbin:/sbin
h3srv=$tree/tools/h3/quic-h3-server
h3cli=$tree/tools/h3/quic-h3-client
aioq=(python3 "$tests/interop/aioquic_h3.py")
md_out='' rows_re=. cases_re=. budget=0
while [ $# -gt 0 ]; do
	case "$1" in
	--md) md_out=$2; shift 2 ;;
	--rows) rows_re=$2; shift 2 ;;
	--cases) cases_re=$2; shift 2 ;;
	--budget) budget=$2; shift 2 ;;
	*) echo "usage: $0 [--md FILE] [--rows REGEX] [--cases REGEX] [--budget S]" >&2; exit 2 ;;
	esac
done

ROWS="server-ngtcp2 client-ngtcp2 server-curl server-aioquic client-aioquic"	# Python (slow) last
CASES="handshake transfer multiplexing retry resumption zerortt chacha20 keyupdate v2 ecn
transferloss handshakeloss blackhole amplificationlimit rebind-port rebind-addr
connectionmigration"

# ---------------------------------------------------------------------------
# THE list of cases waiting for a feature that is not in the module yet. A
# case listed here prints "SKIP interop_ROW_CASE: needs FEATURE" and shows
# as "pending" in the matrix, never PASS. Its cell code below is written:
# delete the entry when the feature lands and the cells run.
declare -A PENDING=()
# ---------------------------------------------------------------------------

# cells where the peer has a bug that can stall a run (docs/interop.md has
# the evidence): a run is blamed on the peer only when our server showed
# the bug's signature (stall_watch: everything it sent acknowledged, new
# data held back by the peer's flow control, for 6 s in a row). Such a run
# gets one more attempt; if that stalls the same way, the cell prints
# "SKIP ...: PEER BUG" and shows "peer bug" in the matrix. Any other
# failure is a FAIL.
declare -A PEER_BUG=(
	["server-curl blackhole"]="curl's HTTP/3 (OpenSSL 3.5's QUIC client) stops raising the stream's flow control limit (MAX_STREAM_DATA) after the black hole although it read every byte; ngtcp2's own server stalls the same way with this curl, the ngtcp2 and aioquic clients never do"
)

# what a peer cannot do: "ROW CASE" -> why (the cell is UNSUPPORTED)
declare -A UNSUPPORTED=(
	["server-curl v2"]="curl has no option to use QUIC version 2"
	["server-curl keyupdate"]="curl has no option to start a key update"
	["server-curl connectionmigration"]="curl has no option to migrate a connection"
	["server-curl resumption"]="this curl cannot keep a TLS session between runs: --ssl-sessions says 'the installed libcurl version does not support this' (no SSLS-EXPORT), and one run reuses its one HTTP/3 connection"
	["server-curl zerortt"]="curl's HTTP/3 here is OpenSSL 3.5's QUIC stack, which has no 0-RTT"
	["server-aioquic connectionmigration"]="aioquic's asyncio client cannot move to another local address"
)

ns_s=qi-s$$ ns_c=qi-c$$ veth_s=qis$$ veth_c=qic$$
addr_s=10.77.0.1 addr_c=10.77.0.2 port=4433
V2HEX=6b3343cf
NGTCP2_CHACHA=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305
declare -A RES NOTE
failed=0

# shellcheck source=../lib/common.sh
. "$tests/lib/common.sh"
setup_tmp
# shellcheck disable=SC2317 # called by cleanup
cleanup_pre() { [ -n "${sniff_pid:-}" ] && kill -TERM "$sniff_pid" 2>/dev/null; }
# shellcheck disable=SC2317 # called by cleanup
cleanup_post() { netns_del "$ns_s" "$ns_c"; }

# one line per cell, and the cell's outcome for the matrix
emit() {	# ROW CASE RESULT(PASS|FAIL|UNSUPPORTED|pending) [WHY]
	local n="interop_${1}_${2//-/_}"
	RES[$1 $2]=$3
	NOTE[$1 $2]=${4:-}
	case "$3" in
	PASS) echo "PASS $n${4:+ ($4)}" ;;
	FAIL) echo "FAIL $n: $4"; failed=1 ;;
	UNSUPPORTED) echo "SKIP $n: UNSUPPORTED: $4" ;;
	pending) echo "SKIP $n: pending: needs $4" ;;
	peer) echo "SKIP $n: PEER BUG (docs/interop.md): $4" ;;
	*) echo "SKIP $n: $4" ;;
	esac
}

skip_all() {
	local r c
	for r in $ROWS; do for c in $CASES; do emit "$r" "$c" SKIP "$1"; done; done
	exit 0
}

# --- what is there ------------------------------------------------------------
[ -x "$h3srv" ] && [ -x "$h3cli" ] ||
	skip_all "tools/h3 is not built (libnghttp3-dev missing?)"
command -v certtool >/dev/null || skip_all "certtool (gnutls-bin) is not installed"
declare -A PEER_MISSING
command -v gtlsclient >/dev/null && command -v gtlsserver >/dev/null ||
	PEER_MISSING[ngtcp2]="ngtcp2-client/ngtcp2-server are not installed"
python3 -c 'import aioquic' 2>/dev/null ||
	PEER_MISSING[aioquic]="python3-aioquic is not installed"
if ! command -v curl >/dev/null; then
	PEER_MISSING[curl]="curl is not installed"
elif ! curl --version | grep -q '^Features:.* HTTP3'; then
	PEER_MISSING[curl]="this curl ($(curl --version | head -n 1 | cut -d' ' -f1-2)) has no HTTP/3"
fi
if ! netns_pair "$ns_s" "$ns_c" "$veth_s" "$veth_c" "$addr_s" "$addr_c"; then
	case "$netns_err" in
	netns:*) skip_all "${netns_err#netns: }" ;;
	esac
	echo "FAIL interop_setup: $netns_err"
	exit 1
fi
for ns in "$ns_s" "$ns_c"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
done
# full checksums on the veths: the NAT of the rebind cases rewrites
# addresses and ports (tc pedit) and computes them again (tc csum)
ip netns exec "$ns_s" ethtool -K "$veth_s" tx off >/dev/null 2>&1
ip netns exec "$ns_c" ethtool -K "$veth_c" tx off >/dev/null 2>&1
# the client's other addresses (10.77.0.3: connectionmigration, 10.77.0.4:
# NAT_ADDR of rebind-addr) get no ARP either (netns_neigh)
for a in 10.77.0.3 10.77.0.4; do
	netns_neigh "$ns_s" "$veth_s" "$a" "$ns_c" "$veth_c" ||
		{ echo "FAIL interop_setup: neighbor entry for $a"; exit 1; }
done
# (background processes are started with "ip netns exec" itself, not these
# functions: $! of a backgrounded function is a subshell, not the process)
S() { ip netns exec "$ns_s" "$@"; }
C() { ip netns exec "$ns_c" "$@"; }
netem() { netem_both "$ns_s" "$veth_s" "$ns_c" "$veth_c" "$1"; }
snmp() { awk -v n="$1" '$1 == n { print $2 }' /proc/net/quic/snmp 2>/dev/null; }

# --- credentials and files ------------------------------------------------------
make_certs interop
pki=$tmp/pki ca=$tmp/pki/ca.pem
cert=$pki/server.pem key=$pki/server.key
# a server certificate of about 8 KB (many names): the server's first flight
# is larger than three times the client's Initial (amplificationlimit)
{
	echo 'cn = "localhost"'
	echo 'dns_name = "localhost"'
	for i in $(seq 200); do echo "dns_name = \"name-$i.padding-for-the-amplification-limit.test\""; done
	echo 'ip_address = "127.0.0.1"'
	printf '%s\n' tls_www_server signing_key 'activation_date = "1 hour ago"' 'expiration_days = 30'
} >"$pki/big.tmpl"
bigcert=$pki/big.pem
certtool --generate-certificate --load-privkey "$key" --load-ca-certificate "$ca" \
	--load-ca-privkey "$pki/ca.key" --template "$pki/big.tmpl" --outfile "$bigcert" \
	>"$pki/big.log" 2>&1 || { echo "FAIL interop_certs: big certificate: $(last "$pki/big.log")"; exit 1; }
[ -s "$pki/ca.key" ] || { echo "FAIL interop_certs: no ca.key from tests/certs/gen.sh"; exit 1; }

docs=$tmp/htdocs
mkdir -p "$docs"
head -c 1024 /dev/urandom >"$docs/1k.bin"
head -c 65536 /dev/urandom >"$docs/64k.bin"
head -c 262144 /dev/urandom >"$docs/256k.bin"
head -c 1048576 /dev/urandom >"$docs/1m.bin"
head -c 4194304 /dev/urandom >"$docs/4m.bin"
head -c 10485760 /dev/urandom >"$docs/10m.bin"
MUX=
for i in $(seq -w 1 40); do
	head -c 2000 /dev/urandom >"$docs/m$i.bin"
	MUX="$MUX m$i.bin"
done

# one sniffer on the server's veth for the whole matrix (sniff_start/stop)
sniff_out=$tmp/sniff
# QUIC_INTEROP_SNIFFLOG=1: sniff.py logs every datagram, and a FAIL line
# is followed by the cell's datagrams (the last 300)
dgrams=
[ -n "${QUIC_INTEROP_SNIFFLOG:-}" ] && dgrams=$tmp/dgrams
# QUIC_INTEROP_KEYLOG=1 too: curl and our client (GnuTLS) write their TLS
# secrets to a key log, with which sniff.py decrypts Handshake and 1-RTT
# packets
keylog=
[ -n "$dgrams" ] && [ -n "${QUIC_INTEROP_KEYLOG:-}" ] && keylog=$tmp/keylog
ip netns exec "$ns_s" env ${keylog:+SSLKEYLOGFILE="$keylog"} python3 "$tests/interop/sniff.py" \
	"$veth_s" "$addr_s" "$port" "$sniff_out" ${dgrams:+"$dgrams"} &
sniff_pid=$!
for _ in $(seq 200); do [ -f "$sniff_out.ready" ] && break; sleep 0.05; done
[ -f "$sniff_out.ready" ] || { echo "FAIL interop_setup: tests/interop/sniff.py did not start"; exit 1; }
srv_pid='' cli_pid='' aioq_keep=''

# slow ROW SECS: the time a client or server of ROW gets: twice as long for
# Python's aioquic (its start alone takes seconds in a busy TCG guest)
slow() { case "$1" in *-aioquic) echo $(($2 * 2)) ;; *) echo "$2" ;; esac; }

# --- servers --------------------------------------------------------------------
# start_srv ROW OUT SECS [OPTION...]: the server of ROW (ours for server-*,
# the peer for client-*) in $ns_s on $addr_s:$port, options in our terms:
# retry, chacha20, bigcert, count=N. Returns 1 (why in $why) if it did not
# come up.
start_srv() {
	local row=$1 out=$2 secs=$3 o c=$cert count=1 retry='' chacha='' _
	shift 3
	for o in "$@"; do
		case "$o" in
		retry) retry=1 ;;
		chacha20) chacha=1 ;;
		bigcert) c=$bigcert ;;
		count=*) count=${o#count=} ;;
		esac
	done
	srv_log=$out/server.log
	secs=$(slow "$row" "$secs")
	# aioquic's server (Python: seconds to start in a TCG guest) is one
	# process for every cell that needs no special server; a cell that
	# does stops it first, the next plain one starts it again
	if [ "$row" = client-aioquic ]; then
		if [ -z "$retry$chacha" ] && [ "$c" = "$cert" ]; then
			srv_log=$tmp/aioquic-server.log
			srv_pid=
			if [ -n "$aioq_keep" ] && kill -0 "$aioq_keep" 2>/dev/null; then
				return 0
			fi
			ip netns exec "$ns_s" timeout 3600 "${aioq[@]}" server --addr "$addr_s" --port "$port" \
				--cert "$c" --key "$key" --dir "$docs" --count 0 >>"$srv_log" 2>&1 &
			aioq_keep=$!
			pids="$pids $aioq_keep"
			srv_up "$aioq_keep" && return 0
			aioq_keep=
			return 1
		fi
		aioq_keep_stop
	fi
	case "$row" in
	server-*)
		ip netns exec "$ns_s" timeout "$secs" "$h3srv" --addr "$addr_s" --port "$port" --cert "$c" \
			--key "$key" --dir "$docs" --count "$count" ${retry:+--retry} \
			>"$srv_log" 2>&1 &
		;;
	client-ngtcp2)
		ip netns exec "$ns_s" timeout "$secs" gtlsserver -q --no-quic-dump --no-http-dump -d "$docs" \
			${retry:+-V} ${chacha:+--ciphers=$NGTCP2_CHACHA} \
			"$addr_s" "$port" "$key" "$c" >"$srv_log" 2>&1 &
		;;
	client-aioquic)
		ip netns exec "$ns_s" timeout "$secs" "${aioq[@]}" server --addr "$addr_s" --port "$port" \
			--cert "$c" --key "$key" --dir "$docs" --count "$count" \
			${retry:+--retry} ${chacha:+--chacha20} >"$srv_log" 2>&1 &
		;;
	esac
	srv_pid=$!
	pids="$pids $srv_pid"
	srv_up "$srv_pid" && return 0
	stop_srv
	return 1
}

# srv_up PID: the server is up when its UDP socket is there
srv_up() {
	local _
	for _ in $(seq 300); do
		[ -n "$(S ss -Haun "sport = :$port" 2>/dev/null)" ] && return 0
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	why="the server did not come up: $(last "$srv_log")"
	return 1
}

# the kept aioquic server must go (and free the port) before another one
aioq_keep_stop() {
	[ -n "$aioq_keep" ] || return 0
	srv_pid=$aioq_keep aioq_keep=
	stop_srv
}

# stop_srv: the server must be gone (and its port free) before the next
# cell; ours exits by itself after --count connections
stop_srv() {
	local _
	[ -n "$srv_pid" ] || return 0
	kill "$srv_pid" 2>/dev/null
	wait "$srv_pid" 2>/dev/null
	srv_pid=
	for _ in $(seq 100); do
		[ -z "$(S ss -Haun "sport = :$port" 2>/dev/null)" ] && break
		sleep 0.05
	done
	return 0
}

# --- clients --------------------------------------------------------------------
# fetch ROW OUT SECS "OPTIONS" FILE...: the client of ROW in $ns_c downloads
# the files from the server in one connection into OUT/dl; options: v2,
# chacha20, keyupdate, session=FILE, zerortt, deaf, migrate=ADDR; sets $rc
# and $cli_log. With "bg" it runs in the background ($cli_pid; fetch_wait
# then sets $rc).
fetch() {
	local row=$1 out=$2 secs=$3 opts=$4 o v2='' chacha='' ku='' session='' zrtt='' deaf='' tw=''
	local mig='' bg='' f urls=() cmd=()
	shift 4
	for o in $opts; do
		case "$o" in
		v2) v2=1 ;;
		chacha20) chacha=1 ;;
		keyupdate) ku=1 ;;
		session=*) session=${o#session=} ;;
		zerortt) zrtt=1 ;;
		ticketwait) tw=1 ;;
		deaf) deaf=1 ;;
		migrate=*) mig=${o#migrate=} ;;
		bg) bg=1 ;;
		esac
	done
	cli_log=$out/client.log$((++fetch_n))
	mkdir -p "$out/dl"
	secs=$(slow "$row" "$secs")
	case "$row" in
	server-ngtcp2)
		for f in "$@"; do urls+=("https://localhost:$port/$f"); done
		cmd=(gtlsclient -q --no-quic-dump --no-http-dump --handshake-timeout=$((secs - 2))s
			--timeout=$((secs - 2))s --exit-on-all-streams-close --download "$out/dl")
		[ -n "$v2" ] && cmd+=(-v "0x$V2HEX")
		[ -n "$chacha" ] && cmd+=(--ciphers="$NGTCP2_CHACHA")
		[ -n "$ku" ] && cmd+=(--key-update=100ms)
		[ -n "$session" ] && cmd+=(--session-file="$session" --tp-file="$session.tp" --wait-for-ticket)
		[ -n "$zrtt" ] || [ -z "$session" ] || cmd+=(--disable-early-data)
		[ -n "$mig" ] && cmd+=(--change-local-addr=200ms)
		[ -n "$deaf" ] && cmd+=(-r 1 --handshake-timeout=4s)
		cmd+=("$addr_s" "$port" "${urls[@]}")
		;;
	server-aioquic)
		for f in "$@"; do urls+=("https://$addr_s:$port/$f"); done
		cmd=("${aioq[@]}" client --ca "$ca" --sni localhost --out "$out/dl")
		[ -n "$v2" ] && cmd+=(--v2)
		[ -n "$chacha" ] && cmd+=(--chacha20)
		[ -n "$ku" ] && cmd+=(--key-update)
		[ -n "$session" ] && cmd+=(--session "$session")
		[ -n "$zrtt" ] && cmd+=(--zerortt)
		if [ -n "$deaf" ]; then cmd+=(--deaf --timeout 3); else cmd+=(--timeout $((secs - 2))); fi
		cmd+=("${urls[@]}")
		;;
	server-curl)
		cmd=(env ${keylog:+SSLKEYLOGFILE="$keylog"} curl --http3-only --cacert "$ca" --resolve "localhost:$port:$addr_s"
			--silent --show-error --fail --max-time $((secs - 2)) --parallel
			--parallel-max 50)
		[ -n "$chacha" ] && cmd+=(--tls13-ciphers TLS_CHACHA20_POLY1305_SHA256)
		[ -n "$session" ] && cmd+=(--ssl-sessions "$session" -v)
		[ -n "$zrtt" ] && cmd+=(--tls-earlydata)
		# QUIC_CURL_TRACE=1: curl's QUIC and TLS trace in client.log
		[ -n "${QUIC_CURL_TRACE:-}" ] && cmd+=(-v --trace-config ids,time,all)
		for f in "$@"; do cmd+=(-o "$out/dl/$f" "https://localhost:$port/$f"); done
		;;
	client-*)
		cmd=(env ${keylog:+SSLKEYLOGFILE="$keylog"} "$h3cli" --ca "$ca" --sni localhost)
		[ -n "$v2" ] && cmd+=(--v2)
		[ -n "$ku" ] && cmd+=(--key-update)
		[ -n "$session" ] && cmd+=(--session "$session")
		[ -n "$zrtt" ] && cmd+=(--zerortt)
		[ -n "$tw" ] && cmd+=(--ticket-wait)
		[ -n "$mig" ] && cmd+=(--migrate "$mig")
		for f in "$@"; do cmd+=(-o "$out/dl/$f"); done
		for f in "$@"; do cmd+=("https://$addr_s:$port/$f"); done
		;;
	esac
	if [ -n "$bg" ]; then
		ip netns exec "$ns_c" timeout "$secs" "${cmd[@]}" >"$cli_log" 2>&1 &
		cli_pid=$!
		pids="$pids $cli_pid"
		return 0
	fi
	C timeout "$secs" "${cmd[@]}" >"$cli_log" 2>&1
	rc=$?
}
fetch_wait() { wait "$cli_pid"; rc=$?; cli_pid=; }

check_files() {	# OUT FILE...: "" when every file arrived whole
	local out=$1 f bad=
	shift
	for f in "$@"; do
		if [ ! -f "$out/dl/$f" ]; then
			bad="${bad:+$bad, }$f missing"
		elif ! cmp -s "$out/dl/$f" "$docs/$f"; then
			bad="${bad:+$bad, }$f differs ($(stat -c %s "$out/dl/$f") of $(stat -c %s "$docs/$f") bytes)"
		fi
	done
	echo "$bad"
}

# wait_conn SECS: until the client has its UDP socket (it started), then
# 1.5 s more for the handshake: the download is on (gtlsclient and
# aioquic_h3.py write their files late, so the file's size tells nothing)
wait_conn() {
	local _
	for _ in $(seq $(($1 * 20))); do
		if [ -n "$(C ss -Haun 2>/dev/null)" ]; then
			sleep 1.5
			return 0
		fi
		kill -0 "$cli_pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# the last lines of the client's and the server's logs, without ngtcp2's
# per-packet chatter
logs() {
	local f t=
	for f in "$cli_log" "$srv_log"; do
		[ -f "$f" ] || continue
		t="$t${t:+ // }${f##*/}: $(grep -avE '^I[0-9]+ |^(Sent|Received) packet|^Set timer|^Timer|^[[:space:]]*$' "$f" |
			tail -n 2 | tr '\n' '|' | cut -c1-300)"
	done
	echo "$t"
}

# sniff_start / sniff_stop: the counts of tests/interop/sniff.py (one
# sniffer on the server's veth for the whole matrix) from the cell's start
# to its end, in $sniff_out
sniff_mark() {
	local _
	rm -f "$sniff_out"
	kill -USR1 "$sniff_pid" 2>/dev/null || return 1
	for _ in $(seq 100); do [ -f "$sniff_out" ] && return 0; sleep 0.02; done
	return 1
}
sniff_start() { sniff_mark; }
sniff_stop() { sniff_mark; }
sniffed() { awk -v k="$1" '$1 == k { print $2 }' "$sniff_out" 2>/dev/null; }

# fail_with "WHAT": res=FAIL with the client's exit status and the logs
fail_with() {
	res=FAIL why="client exit $rc, $1: $(logs)"
	[ "$rc" = 124 ] && why="timeout, $1: $(logs)"
}

# conns ROW OUT SECS "SERVER OPTIONS" N "CLIENT OPTIONS" FILE...: one
# server, N connections one after another with the same client options,
# each must bring every file; sets res/why (and the logs stay for checks)
conns() {
	local row=$1 out=$2 secs=$3 so=$4 n=$5 co=$6 i bad
	shift 6
	# shellcheck disable=SC2086
	start_srv "$row" "$out" $((n * secs + 5)) $so count="$n" || { res=FAIL; return; }
	res=PASS why=
	for i in $(seq "$n"); do
		rm -rf "$out/dl"
		fetch "$row" "$out" "$secs" "$co" "$@"
		bad=$(check_files "$out" "$@")
		if [ -n "$bad" ]; then
			fail_with "connection $i of $n: $bad"
			break
		fi
	done
	[ "$n" = 1 ] && [ "$res" = FAIL ] && why=${why/connection 1 of 1: /}
	# our server exits after N connections: wait for it, briefly
	case "$row" in
	server-*) [ "$res" = PASS ] && for _ in $(seq 40); do kill -0 "$srv_pid" 2>/dev/null || break; sleep 0.05; done ;;
	esac
	stop_srv
	[ "$res" = PASS ] || return
	# our server logs "ADDR:PORT GET /path -> ..." per request: the files
	# of each connection came over that one connection
	case "$row" in
	server-*)
		local c
		c=$(grep -oE '^[0-9.]+:[0-9]+ GET ' "$srv_log" | sort -u | wc -l)
		[ "$c" = "$n" ] || res=FAIL why="the files came over $c connections, not $n"
		;;
	esac
}
simple() {	# ROW OUT SECS "SERVER OPTIONS" "CLIENT OPTIONS" FILE...
	local row=$1 out=$2 secs=$3 so=$4 co=$5
	shift 5
	conns "$row" "$out" "$secs" "$so" 1 "$co" "$@"
}

# the one line our server logs at the end of each connection:
# "ADDR:PORT end: key phases N, paths validated M, resumed|full handshake"
srv_end() { grep -a ' end: key phases' "$srv_log" | sed -n "${1}p"; }
srv_count() {	# N WHAT: "key phases" / "paths validated" of connection N
	srv_end "$1" | grep -oE "$2 [0-9]+" | grep -oE '[0-9]+$'
}
cli_count() {	# WHAT: the same of our client ("key phases N, paths validated M")
	grep -a "$1 [0-9]" "$cli_log" | grep -oE "$1 [0-9]+" | grep -oE '[0-9]+$' | tail -n 1
}

# --- the cases: case_NAME ROW OUT sets res (PASS|FAIL|UNSUPPORTED) and why ----------
# sizes: the rows of Python's aioquic (about 130 KB/s in a TCG guest) move
# less data
big() { case "$1" in *-aioquic) echo 1m.bin ;; *) echo "${2:-10m.bin}" ;; esac; }
# the download the blackhole, rebinding and migration happen in, and the
# netem rate that makes it last some 4-8 s (the event comes 1.5-3 s in):
# 4 MB at 8 (blackhole) or 4 Mbit/s (rebinding), 1 MB at 2 or 1 Mbit/s
# with aioquic (Python). (1 MB at 1-2 Mbit/s with a 40-packet netem queue
# for every row made the ngtcp2 downloads end before the blackhole did,
# and our server's rebinding slow: see docs/interop.md)
long_f() { case "$1" in *-aioquic) echo 1m.bin ;; *) echo 4m.bin ;; esac; }
rate_bh() { case "$1" in *-aioquic) echo "rate 2mbit" ;; *) echo "rate 8mbit" ;; esac; }
rate_nat() { case "$1" in *-aioquic) echo "rate 1mbit" ;; *) echo "rate 4mbit" ;; esac; }

case_handshake() { simple "$1" "$2" 20 "" "" 1k.bin; }

case_transfer() {
	local t0=$SECONDS files
	files="1k.bin 64k.bin $(big "$1")"
	# shellcheck disable=SC2086
	simple "$1" "$2" 90 "" "" $files
	# shellcheck disable=SC2086
	why="$(echo $files | wc -w) files, 1 KB to $(big "$1" | sed 's/m.bin/ MB/'), in $((SECONDS - t0)) s${why:+: $why}"
}

# shellcheck disable=SC2086
case_multiplexing() { simple "$1" "$2" 40 "" "" $MUX; why="40 files on 40 streams${why:+: $why}"; }

# sniffed_check KEY VALUE-REGEX WHAT: after a PASS, the wire must show it
sniffed_check() {
	[ "$res" = PASS ] || return
	[[ "$(sniffed "$1")" =~ $2 ]] || res=FAIL why="the download worked but $3 ($1: $(sniffed "$1"))"
}

case_retry() {
	sniff_start
	simple "$1" "$2" 20 retry "" 1k.bin
	sniff_stop
	sniffed_check retry '^[1-9]' "the server sent no Retry packet"
}

case_chacha20() {
	case "$1" in
	server-*) simple "$1" "$2" 20 "" chacha20 1k.bin ;;
	*) simple "$1" "$2" 20 chacha20 "" 1k.bin ;;
	esac
	why="the peer offers or accepts only TLS_CHACHA20_POLY1305_SHA256${why:+: $why}"
}

case_v2() {
	sniff_start
	simple "$1" "$2" 20 "" v2 1k.bin
	sniff_stop
	sniffed_check versions "0x$V2HEX" "no QUIC v2 long header was seen"
}

# ECN: the module marks its datagrams ECT(0) and validates that the peer
# reports them (RFC 9000 13.4); QuicEcnFailed counts failed validations
case_ecn() {
	local row=$1 out=$2 f0 f1 ours peer
	f0=$(snmp QuicEcnFailed)
	sniff_start
	simple "$row" "$out" 30 "" "" 64k.bin
	sniff_stop
	f1=$(snmp QuicEcnFailed)
	[ "$res" = PASS ] || return
	case "$row" in
	server-*) ours=$(sniffed s_ect) peer=$(sniffed c_ect) ;;
	*) ours=$(sniffed c_ect) peer=$(sniffed s_ect) ;;
	esac
	why="ECT datagrams: ours ${ours:-?}, the peer's ${peer:-?}; QuicEcnFailed ${f0:-?} -> ${f1:-?}"
	if [ "${ours:-0}" = 0 ]; then
		res=FAIL why="our datagrams carry no ECT mark: $why"
	elif [ "${f1:-0}" != "${f0:-0}" ]; then
		if [ "${peer:-0}" = 0 ]; then
			res=UNSUPPORTED why="the peer neither marks its datagrams nor reports ECN counts (our validation turned ECN off, as RFC 9000 13.4.2 says): $why"
		else
			res=FAIL why="our ECN validation failed against a peer that marks ECT: $why"
		fi
	elif [ "${peer:-0}" = 0 ]; then
		res=UNSUPPORTED why="the peer does not mark its datagrams ECT: $why"
	fi
}

case_transferloss() {
	local f
	f=$(big "$1" 1m.bin)
	[ "$f" = 1m.bin ] && case "$1" in *-aioquic) f=256k.bin ;; esac
	netem "loss 5%" || { res=FAIL why="tc netem loss 5% failed"; return; }
	simple "$1" "$2" 60 "" "" "$f"
	netem ""
	why="loss 5% both ways, ${f%.bin}${why:+: $why}"
}

case_handshakeloss() {
	local t0=$SECONDS n=${QUIC_INTEROP_HSLOSS:-3} a0 a1
	a0=$(snmp QuicAmpLimited)
	netem "loss 30%" || { res=FAIL why="tc netem loss 30% failed"; return; }
	conns "$1" "$2" 40 "" "$n" "" 1k.bin
	netem ""
	a1=$(snmp QuicAmpLimited)
	[ "$res" = PASS ] && why="$n connections at loss 30% both ways in $((SECONDS - t0)) s"
	# how often our end held a datagram back at the anti-amplification limit
	why="$why (QuicAmpLimited +$((${a1:-0} - ${a0:-0})))"
}

# stall_watch: while the client runs, our server's connection
# (/proc/net/quic/sks) waiting for the peer's flow control credit
# (LIMIT conn or stream) with nothing in flight (INFLIGHT 0) for 6 s in a
# row is a peer that stopped granting credit: the client is stopped then,
# peer_stall=1 and why says so
stall_watch() {
	local n=0 l
	while kill -0 "$cli_pid" 2>/dev/null; do
		l=$(S awk '$4 == "ESTABLISHED" { print $16, $17 }' /proc/net/quic/sks 2>/dev/null | head -n 1)
		case "$l" in
		"0 conn"* | "0 stream") n=$((n + 1)) ;;
		*) n=0 ;;
		esac
		if [ "$n" -ge 6 ]; then
			peer_stall=1
			stall="our server's connection in /proc/net/quic/sks for 6 s: INFLIGHT ${l% *}, LIMIT ${l#* }"
			kill "$cli_pid" 2>/dev/null
			return
		fi
		sleep 1
	done
}

# every packet dropped for 2 s once the download is on
case_blackhole() {
	local row=$1 out=$2 bad t0 alive=0 f shape
	f=$(long_f "$row") shape=$(rate_bh "$row")
	netem "$shape" || { res=FAIL why="tc netem rate failed"; return; }
	start_srv "$row" "$out" 70 || { res=FAIL; return; }
	t0=$SECONDS
	fetch "$row" "$out" 60 bg "$f"
	wait_conn 20
	netem "loss 100% $shape"
	sleep 2
	netem "$shape"
	kill -0 "$cli_pid" 2>/dev/null && alive=1
	stall=
	case "$row" in server-*) stall_watch ;; esac
	fetch_wait
	stop_srv
	bad=$(check_files "$out" "$f")
	if [ -n "$bad" ]; then
		fail_with "$bad"
		[ -n "$stall" ] && why="$stall; $why"
	elif [ "$alive" = 0 ]; then
		res=FAIL why="the download ended before the 2 s blackhole did (the case tested nothing)"
	else
		res=PASS why="all packets dropped for 2 s during ${f%.bin}, done in $((SECONDS - t0)) s"
	fi
}

# The server may send at most three times what it received from an address
# it has not validated (RFC 9000 8.1). With a certificate of about 8 KB the
# server's first flight does not fit: sniff.py tracks the ratio until the
# client's first Handshake packet. Where the peer client can be made deaf
# (it ignores what it receives: only Initials arrive at the server), that
# runs first; then a download with the big certificate must complete.
case_amplificationlimit() {
	local row=$1 out=$2 r1='' r2 sb
	case "$row" in
	server-ngtcp2|server-aioquic)
		mkdir -p "$out/deaf"
		sniff_start
		start_srv "$row" "$out/deaf" 20 bigcert || { sniff_stop; res=FAIL; return; }
		# the deaf clients end by themselves (ngtcp2 after its handshake
		# timeout, aioquic_h3.py after 3 s): the time is for starting
		fetch "$row" "$out/deaf" 12 "deaf" 1k.bin
		stop_srv
		sniff_stop
		r1=$(sniffed amp_max_ratio_x100) sb=$(sniffed s_bytes)
		if [ "${sb:-0}" = 0 ]; then
			res=FAIL why="a deaf client got nothing from the server: $(logs)"
			return
		fi
		if [ "${r1:-999}" -gt 300 ]; then
			res=FAIL why="to a deaf client the server sent $r1% of what it received (limit 300%): $(sniffed s_bytes) bytes for $(sniffed c_bytes)"
			return
		fi
		;;
	esac
	sniff_start
	simple "$row" "$out" 20 bigcert "" 1k.bin
	sniff_stop
	[ "$res" = PASS ] || return
	r2=$(sniffed amp_max_ratio_x100)
	case "$row" in
	server-*)
		if [ "${r2:-999}" -gt 300 ]; then
			res=FAIL why="before the client's address was validated the server sent $r2% of what it received (limit 300%)"
			return
		fi ;;
	esac
	why="8 KB certificate; server/client bytes before validation: max ${r2}%${r1:+, ${r1}% to a deaf client}"
}

# two connections to one server (its ticket key), the second with the
# session of the first: it must be a resumed one (zerortt: with 0-RTT),
# said by our end of it
resume2() {	# ROW OUT "CLIENT OPTIONS OF THE SECOND" ["OF BOTH"]
	local row=$1 out=$2 bad
	start_srv "$row" "$out" 50 count=2 || { res=FAIL; return; }
	res=PASS why=
	fetch "$row" "$out" 20 "session=$out/session ${4:-}" 1k.bin
	first=$cli_log
	bad=$(check_files "$out" 1k.bin)
	if [ -n "$bad" ]; then
		fail_with "connection 1 of 2: $bad"
	elif [ ! -s "$out/session" ]; then
		res=FAIL why="the first connection left no session data: $(logs)"
	else
		rm -rf "$out/dl"
		fetch "$row" "$out" 20 "session=$out/session $3 ${4:-}" 1k.bin
		bad=$(check_files "$out" 1k.bin)
		[ -z "$bad" ] || fail_with "connection 2 of 2: $bad"
	fi
	case "$row" in
	server-*) [ "$res" = PASS ] && for _ in $(seq 40); do kill -0 "$srv_pid" 2>/dev/null || break; sleep 0.05; done ;;
	esac
	stop_srv
	[ "$res" = PASS ] || return
	case "$row" in
	server-*)
		srv_end 1 | grep -q 'full handshake' || { res=FAIL why="the first connection was not a full handshake: $(srv_end 1)"; return; }
		srv_end 2 | grep -q resumed || { res=FAIL why="our server did not resume the session: $(srv_end 2)"; return; } ;;
	client-*)
		grep -q 'session resumed' "$first" && { res=FAIL why="the first connection resumed a session"; return; }
		grep -q 'session resumed' "$cli_log" || { res=FAIL why="our client did not resume the session: $(logs)"; return; } ;;
	esac
}

# our client takes the ticket here with libquic's wait in the handshake
# (receive_session_ticket: the server's HTTP/3 streams, which gtlsserver
# sends before its ticket, must stay for the application); in zerortt as
# QUIC_EVENT_NEW_SESSION_TICKET after it
case_resumption() {
	resume2 "$1" "$2" "" ticketwait
	[ "$res" = PASS ] || return
	why="the second connection resumed the first one's TLS session"
	case "$1" in
	client-*) grep -q 'ticket received in the handshake' "$first" ||
		res=FAIL why="libquic did not read the ticket in the handshake: $(logs)" ;;
	esac
}

case_zerortt() {
	resume2 "$1" "$2" zerortt
	[ "$res" = PASS ] || return
	# our end must say that the second connection's early data was taken
	case "$1" in
	server-*) srv_end 2 | grep -q '0-RTT accepted' || res=FAIL why="our server did not accept 0-RTT: $(srv_end 2): $(logs)" ;;
	client-*) grep -q 'zerortt accepted' "$cli_log" || res=FAIL why="0-RTT was not accepted: $(logs)" ;;
	esac
	[ "$res" = PASS ] && why="the second connection's requests went in 0-RTT, accepted by the server"
}

# the client starts a key update once data flows; the other end must see
# the new key phase (QUIC_EVENT_KEY_UPDATE on our end)
case_keyupdate() {
	local n
	simple "$1" "$2" 40 "" keyupdate "$(big "$1" 1m.bin)"
	[ "$res" = PASS ] || return
	case "$1" in
	server-*) n=$(srv_count 1 "key phases") who="the peer's key update" ;;
	*) n=$(cli_count "key phases") who="our key update" ;;
	esac
	if [ "${n:-0}" -lt 1 ]; then
		res=FAIL why="$who was not seen: key phases ${n:-?}: $(logs)"
	else
		why="$who: $n new key phase(s) seen by our end"
	fi
	[ "$1" = server-aioquic ] && [ "$res" = PASS ] && ! grep -q '^key update ok' "$cli_log" &&
		res=FAIL why="aioquic says its key update did not complete: $(logs)"
}

# NAT rebinding, as the interop runner's network does it: once the
# download is on, tc rewrites the client's source port (rebind-port) or
# address (rebind-addr) on the way out and back on the way in, so the
# client does not know. The server must validate the new path (ours says
# so: paths validated) and the download complete.
NAT_ADDR=10.77.0.4 NAT_PORT=40999
# The way back (ingress) goes in first: the first packet the server sends
# to the new address or port, its PATH_CHALLENGE, must find it (set up in
# the other order, the challenge sent in between was lost, and aioquic,
# which sends one PATH_CHALLENGE per path and never again, stayed at its
# anti-amplification limit: 114 bytes per 38-byte ACK, the download
# stalled)
# nat_prep, before the download: the NAT address (addr) and the tc hook,
# which change nothing yet; nat_on, once the client's port is known: the
# two rewriting filters in one tc process (the NAT comes some 3-6 s into
# the download in a TCG guest: as little as possible runs in between)
nat_prep() {	# port|addr
	if [ "$1" = addr ]; then
		C ip addr add "$NAT_ADDR/24" dev "$veth_c" || return 1
	fi
	C tc qdisc add dev "$veth_c" clsact
}
nat_on() {	# port|addr CLIENT_PORT
	local u="protocol ip prio 1 u32 match ip protocol 17 0xff"
	if [ "$1" = port ]; then
		C tc -batch - <<-EOF
		filter add dev $veth_c ingress $u match ip sport $port 0xffff match ip dport $NAT_PORT 0xffff action pedit ex munge udp dport set $2 pipe action csum ip and udp
		filter add dev $veth_c egress $u match ip sport $2 0xffff match ip dport $port 0xffff action pedit ex munge udp sport set $NAT_PORT pipe action csum ip and udp
		EOF
	else
		C tc -batch - <<-EOF
		filter add dev $veth_c ingress $u match ip dst $NAT_ADDR/32 match ip sport $port 0xffff action pedit ex munge ip dst set $addr_c pipe action csum ip and udp
		filter add dev $veth_c egress $u match ip src $addr_c/32 match ip dport $port 0xffff action pedit ex munge ip src set $NAT_ADDR pipe action csum ip and udp
		EOF
	fi
}
nat_off() {
	C tc qdisc del dev "$veth_c" clsact 2>/dev/null
	C ip addr del "$NAT_ADDR/24" dev "$veth_c" 2>/dev/null
	return 0
}
# sks_trace S|C FILE: our endpoint's connection (our server in S, our
# client in C) every 0.1 s while the client runs, "REMOTE_ADDRESS SENT
# RCVD" (/proc/net/quic/sks; builtins only, so the sampling costs the
# guest little); sent_after_switch FILE: the bytes our server sent from
# the first sample with a new peer address on, or "none"
sks_trace() {
	# shellcheck disable=SC2016
	"$1" bash -c 'exec 3<> <(:)
	while kill -0 "$1" 2>/dev/null; do
		while read -r -a f; do
			[ "${f[3]}" = ESTABLISHED ] && { echo "${f[10]} ${f[13]} ${f[14]}"; break; }
		done </proc/net/quic/sks
		read -rt 0.1 -u 3
	done' sks_trace "$cli_pid" >"$2" 2>/dev/null &
	trace_pid=$!
}
# moved FILE S|C: the bytes our endpoint has sent (server) or received
# (client) so far, from its trace
moved() { tail -n 1 "$1" 2>/dev/null | awk -v c="$([ "$2" = S ] && echo 2 || echo 3)" '{ v = $c } END { print v + 0 }'; }
sent_after_switch() {
	awk 'NR == 1 { a = $1 } $1 != a && s == "" { s = $2 } { last = $2 }
	     END { if (s == "") print "none"; else print last - s }' "$1"
}
rebind() {	# ROW OUT port|addr
	local row=$1 out=$2 f bad cport n alive=0 v0 v1 at_nat t0 after trace_pid='' ns
	v0="$(snmp QuicPathChallenges)/$(snmp QuicPathValidated)/$(snmp QuicPathFailed)"
	f=$(long_f "$row")
	# some 8 s; the NAT comes once our end has moved an eighth of the
	# file (not after a fixed time: a busy TCG guest once set it up when
	# the whole file was out), with time for the server to validate the
	# new path before the client is done
	netem "$(rate_nat "$row")" || { res=FAIL why="tc netem rate failed"; return; }
	nat_prep "$3" 2>"$out/tc.err" || { nat_off; res=FAIL why="the NAT could not be prepared: $(last "$out/tc.err")"; return; }
	start_srv "$row" "$out" 70 || { nat_off; res=FAIL; return; }
	t0=$EPOCHREALTIME
	fetch "$row" "$out" 60 bg "$f"
	case "$row" in server-*) ns=S ;; *) ns=C ;; esac
	sks_trace "$ns" "$out/sks.trace"
	for _ in $(seq 200); do
		cport=$(C ss -Haun "dport = :$port" 2>/dev/null | awk '{ sub(/.*:/, "", $4); print $4; exit }')
		[ -n "$cport" ] || cport=$(C ss -Haun 2>/dev/null | awk '{ sub(/.*:/, "", $4); print $4; exit }')
		[ -n "$cport" ] || ! kill -0 "$cli_pid" 2>/dev/null && break
		sleep 0.1
	done
	for _ in $(seq 200); do
		[ "$(moved "$out/sks.trace" "$ns")" -ge $(($(stat -c %s "$docs/$f") / 8)) ] && break
		kill -0 "$cli_pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$cport" ] || ! nat_on "$3" "$cport" 2>"$out/tc.err"; then
		fetch_wait
		stop_srv
		nat_off
		res=FAIL why="the NAT (tc pedit) could not be set up (client port ${cport:-?}): $(last "$out/tc.err")"
		return
	fi
	kill -0 "$cli_pid" 2>/dev/null && alive=1
	# how far our end was when the NAT came: UDP payload bytes our
	# server sent and had in flight, or our client received (sks)
	case "$row" in
	server-*) at_nat=$(S awk '$4 == "ESTABLISHED" { printf "sent %.1f MB, in flight %.1f MB", $14 / 1048576, $16 / 1048576; exit }' /proc/net/quic/sks 2>/dev/null) ;;
	client-*) at_nat=$(C awk '$4 == "ESTABLISHED" { printf "received %.1f MB", $15 / 1048576; exit }' /proc/net/quic/sks 2>/dev/null) ;;
	*) at_nat= ;;
	esac
	at_nat="${at_nat:+$at_nat, }$(echo "$EPOCHREALTIME $t0" | awk '{ printf "%.1f", $1 - $2 }') s into the download"
	fetch_wait
	wait "$trace_pid" 2>/dev/null
	case "$row" in
	server-*) for _ in $(seq 40); do kill -0 "$srv_pid" 2>/dev/null || break; sleep 0.05; done ;;
	esac
	stop_srv
	nat_off
	bad=$(check_files "$out" "$f")
	if [ -n "$bad" ]; then
		fail_with "$bad"
		return
	fi
	if [ "$alive" = 0 ]; then
		res=FAIL tested_nothing=1 why="the download ended before the NAT was in place"
		return
	fi
	res=PASS why="the client's $3 changed by a NAT during ${f%.bin}"
	# the module's path counters (challenges/validated/failed, all
	# connections) around the cell, for the record
	v1="$(snmp QuicPathChallenges)/$(snmp QuicPathValidated)/$(snmp QuicPathFailed)"
	case "$row" in
	server-*)
		n=$(srv_count 1 "paths validated")
		why="$why; our server validated ${n:-?} new path(s)"
		if [ "${n:-0}" -lt 1 ]; then
			# Until the client answers its PATH_CHALLENGE, our server
			# sends at most 3 times what came from the new address
			# (RFC 9000 8.1): a download can end unvalidated only if
			# all of it was out before the server saw the new port.
			# The challenge then queues behind it in netem, and the
			# client, done, closes before it arrives: the case tested
			# nothing. Sending much after the switch without a
			# validation is a bug of ours.
			after=$(sent_after_switch "$out/sks.trace")
			res=FAIL why="the download completed but our server validated no new path: $(srv_end 1); $why"
			if [ "$after" = none ]; then
				why="$why; /proc/net/quic/sks never showed a new peer address"
			elif [ "$after" -lt 65536 ]; then
				tested_nothing=1
				why="$why; it sent only $after bytes after it saw the new port: the whole file was out before the NAT"
			else
				why="$why; it sent $after bytes to the unvalidated new port"
			fi
		fi ;;
	esac
	why="$why; when the NAT came our end had $at_nat (path challenges/validated/failed $v0 -> $v1)"
}
case_rebind-port() { rebind "$1" "$2" port; }
case_rebind-addr() { rebind "$1" "$2" addr; }

# the client moves to another address of its own (10.77.0.3) during the
# download, validating the path first (ngtcp2: --change-local-addr; ours:
# --migrate, QUIC_SOCKOPT_CONNECTION_MIGRATION)
case_connectionmigration() {
	local row=$1 out=$2 f n
	f=1m.bin
	C ip addr add 10.77.0.3/24 dev "$veth_c" 2>/dev/null
	netem "rate 2mbit" || { res=FAIL why="tc netem rate failed"; return; }
	simple "$row" "$out" 60 "" "migrate=10.77.0.3" "$f"
	C ip addr del 10.77.0.3/24 dev "$veth_c" 2>/dev/null
	[ "$res" = PASS ] || return
	case "$row" in
	server-*) n=$(srv_count 1 "paths validated") ;;
	*) n=$(cli_count "paths validated") ;;
	esac
	if [ "${n:-0}" -lt 1 ]; then
		res=FAIL why="the download completed but no new path was validated: $(logs)"
	else
		why="the client moved to a new address during ${f%.bin}; new paths validated: $n"
	fi
}

# --- the matrix -----------------------------------------------------------------------
fetch_n=0
t_all=$SECONDS
# evidence DIR: the end of a failed cell's logs (and its datagrams when
# sniff.py logs them), indented under the FAIL or INFO retry line
evidence() {
	local f
	# QUIC_INTEROP_KEEP=DIR: the failed cell's whole logs go there too
	if [ -n "${QUIC_INTEROP_KEEP:-}" ]; then
		mkdir -p "$QUIC_INTEROP_KEEP" && cp -r "$1" "$QUIC_INTEROP_KEEP/" &&
			cp "$tmp/aioquic-server.log" "$QUIC_INTEROP_KEEP/" 2>/dev/null
	fi
	for f in "$1"/client.log* "$1"/server.log; do
		[ -f "$f" ] || continue
		echo "  | ${f##*/}:"
		grep -avE '^I[0-9]+ |^(Sent|Received) packet|^Set timer|^Timer|^[[:space:]]*$' "$f" |
			tail -n 8 | cut -c1-200 | sed 's/^/  |   /'
	done
	if [ -n "$dgrams" ]; then
		echo "  | datagrams on the server's veth (time side ports bytes types dcid):"
		tail -n +"$((dg0 + 1))" "$dgrams" | tail -n 300 | sed 's/^/  |   /'
	fi
}

for row in $ROWS; do
	[[ $row =~ $rows_re ]] || continue
	peer=${row#*-}
	for c in $CASES; do
		[[ $c =~ $cases_re ]] || continue
		if [ -n "${PEER_MISSING[$peer]:-}" ]; then
			emit "$row" "$c" SKIP "${PEER_MISSING[$peer]}"
			continue
		fi
		if [ -n "${UNSUPPORTED[$row $c]:-}" ]; then
			emit "$row" "$c" UNSUPPORTED "${UNSUPPORTED[$row $c]}"
			continue
		fi
		if [ -n "${PENDING[$c]:-}" ]; then
			emit "$row" "$c" pending "${PENDING[$c]}"
			continue
		fi
		if [ "$budget" -gt 0 ] && [ "$SECONDS" -ge "$budget" ]; then
			emit "$row" "$c" SKIP "out of the time budget (--budget $budget s)"
			continue
		fi
		out=$tmp/$row-$c
		t0=$SECONDS attempt=1
		while :; do
			rm -rf "$out"
			mkdir -p "$out"
			res=FAIL why= peer_stall=0 tested_nothing=0
			[ -n "$dgrams" ] && dg0=$(wc -l <"$dgrams")
			"case_$c" "$row" "$out"
			netem ""
			if [ -n "$cli_pid" ]; then kill "$cli_pid" 2>/dev/null; wait "$cli_pid" 2>/dev/null; cli_pid=; fi
			stop_srv
			rm -rf "$out/dl" "$out/deaf/dl"
			# an attempt whose event came too late to test anything
			# (tested_nothing=1, the case says why) runs once more;
			# a second one fails the cell
			if [ "$res" = FAIL ] && [ "$attempt" = 1 ] && [ "$tested_nothing" = 1 ]; then
				echo "INFO retry interop_${row}_${c//-/_}: the first attempt tested nothing: $why"
				attempt=2
				continue
			fi
			# the peer's known stall: once more
			if [ "$res" = FAIL ] && [ "$attempt" = 1 ] && [ "$peer_stall" = 1 ] &&
			   [ -n "${PEER_BUG[$row $c]:-}" ]; then
				echo "INFO retry interop_${row}_${c//-/_}: the first attempt failed: $why (${PEER_BUG[$row $c]})"
				attempt=2
				continue
			fi
			break
		done
		if [ "$res" = FAIL ] && [ "$peer_stall" = 1 ] && [ -n "${PEER_BUG[$row $c]:-}" ]; then
			evidence "$out"
			res=peer why="${PEER_BUG[$row $c]}: $why"
		fi
		emit "$row" "$c" "$res" "$why"
		[ "$res" = FAIL ] && evidence "$out"	# under the FAIL line
		echo "INFO time interop_${row}_${c//-/_}: $((SECONDS - t0)) s"
	done
done
echo "INFO time interop_matrix: $((SECONDS - t_all)) s"

# --- output --------------------------------------------------------------------------
mark() {
	case "$1" in
	PASS) echo "PASS" ;;
	FAIL) echo "**FAIL**" ;;
	UNSUPPORTED) echo "unsupported" ;;
	pending) echo "pending" ;;
	peer) echo "peer bug" ;;
	"") echo "" ;;
	*) echo "skip" ;;
	esac
}
matrix_md() {
	local row c line k n=0
	echo "### $(uname -r) ($(. /etc/os-release; echo "$PRETTY_NAME"))"
	echo
	echo "Peers: ngtcp2 $(dpkg-query -W -f '${Version}' ngtcp2-client 2>/dev/null || echo -), aioquic $(dpkg-query -W -f '${Version}' python3-aioquic 2>/dev/null || echo -), curl $(dpkg-query -W -f '${Version}' curl 2>/dev/null || echo -)."
	echo
	line="| ours vs peer |"
	for c in $CASES; do line="$line $c |"; done
	echo "$line"
	line="|---|"
	for c in $CASES; do line="$line---|"; done
	echo "$line"
	for row in $ROWS; do
		[[ $row =~ $rows_re ]] || continue
		line="| ${row%%-*} vs ${row#*-} |"
		for c in $CASES; do line="$line $(mark "${RES[$row $c]:-}") |"; done
		echo "$line"
	done
	echo
	echo "Notes (FAIL, unsupported, pending and measured values):"
	echo
	for row in $ROWS; do
		for c in $CASES; do
			k="$row $c"
			[ -n "${NOTE[$k]:-}" ] || continue
			case "${RES[$k]}" in
			pending) continue ;;
			esac
			echo "- $row $c ($(mark "${RES[$k]}")): ${NOTE[$k]}"
			n=$((n + 1))
		done
	done
	echo "- pending cases (needs): $(for c in $CASES; do [ -n "${PENDING[$c]:-}" ] && printf '%s: %s; ' "$c" "${PENDING[$c]}"; done | sed 's/; $//')"
}

# the plain-text matrix
printf '\n%-16s' "ours-peer"
for c in $CASES; do printf ' %-5.5s' "$c"; done
echo
for row in $ROWS; do
	[[ $row =~ $rows_re ]] || continue
	printf '%-16s' "$row"
	for c in $CASES; do
		case "${RES[$row $c]:-}" in
		PASS) v=pass ;; FAIL) v=FAIL ;; UNSUPPORTED) v=unsup ;; pending) v=pend ;; peer) v=peer ;; "") v=. ;; *) v=skip ;;
		esac
		printf ' %-5s' "$v"
	done
	echo
done
matrix_md >"$tmp/matrix.md"
echo "=== INTEROP-MD-BEGIN ==="
cat "$tmp/matrix.md"
echo "=== INTEROP-MD-END ==="
[ -n "$md_out" ] && cp "$tmp/matrix.md" "$md_out"
exit "$failed"
