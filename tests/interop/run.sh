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
# THE list of cases waiting for a feature that is not in the module yet
# (issue 6, being implemented in parallel). A case listed here prints
# "SKIP interop_ROW_CASE: needs FEATURE (issue 6)" and shows as "pending" in
# the matrix, never PASS. Its cell code below is written: delete the entry
# when the feature lands and the cells run.
declare -A PENDING=(
	[resumption]="TLS session resumption through QUIC_SOCKOPT_SESSION_TICKET"
	[zerortt]="0-RTT (QUIC_SOCKOPT_SESSION_TICKET, remembered transport parameters)"
	[keyupdate]="key update (QUIC_SOCKOPT_KEY_UPDATE, peer-initiated updates)"
	[rebind-port]="NAT rebinding on the server (path validation)"
	[rebind-addr]="NAT rebinding on the server (path validation)"
	[connectionmigration]="connection migration (QUIC_SOCKOPT_CONNECTION_MIGRATION, path validation)"
)
# ---------------------------------------------------------------------------

# what a peer cannot do: "ROW CASE" -> why (the cell is UNSUPPORTED)
declare -A UNSUPPORTED=(
	["server-curl v2"]="curl has no option to use QUIC version 2"
	["server-curl keyupdate"]="curl has no option to start a key update"
	["server-curl rebind-port"]="curl has no option to change its port during a connection"
	["server-curl rebind-addr"]="curl has no option to change its address during a connection"
	["server-curl connectionmigration"]="curl has no option to migrate a connection"
	["server-aioquic rebind-port"]="aioquic's asyncio client cannot move its UDP socket"
	["server-aioquic rebind-addr"]="aioquic's asyncio client cannot move its UDP socket"
	["server-aioquic connectionmigration"]="aioquic's asyncio client cannot move its UDP socket"
	["server-ngtcp2 rebind-addr"]="gtlsclient can only rebind to another port (--nat-rebinding), not another address"
	["client-ngtcp2 rebind-port"]="rebinding is done by the client's network (a NAT), tested with our server"
	["client-ngtcp2 rebind-addr"]="rebinding is done by the client's network (a NAT), tested with our server"
	["client-aioquic rebind-port"]="rebinding is done by the client's network (a NAT), tested with our server"
	["client-aioquic rebind-addr"]="rebinding is done by the client's network (a NAT), tested with our server"
)

ns_s=qi-s$$ ns_c=qi-c$$ veth_s=qis$$ veth_c=qic$$
addr_s=10.77.0.1 addr_c=10.77.0.2 port=4433
V2HEX=6b3343cf
declare -A RES NOTE
failed=0

# shellcheck source=../lib/common.sh
. "$tests/lib/common.sh"
setup_tmp
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
	pending) echo "SKIP $n: needs $4 (issue 6)" ;;
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
head -c 1048576 /dev/urandom >"$docs/1m.bin"
head -c 4194304 /dev/urandom >"$docs/4m.bin"
head -c 10485760 /dev/urandom >"$docs/10m.bin"
MUX=
for i in $(seq -w 1 40); do
	head -c 2000 /dev/urandom >"$docs/m$i.bin"
	MUX="$MUX m$i.bin"
done

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
	# the server of the cell before must be gone
	for _ in $(seq 50); do
		[ -z "$(S ss -Haun "sport = :$port" 2>/dev/null)" ] && break
		sleep 0.1
	done
	case "$row" in
	server-*)
		ip netns exec "$ns_s" timeout "$secs" "$h3srv" --addr "$addr_s" --port "$port" --cert "$c" \
			--key "$key" --dir "$docs" --count "$count" ${retry:+--retry} \
			>"$srv_log" 2>&1 &
		;;
	client-ngtcp2)
		ip netns exec "$ns_s" timeout "$secs" gtlsserver -q --no-quic-dump --no-http-dump -d "$docs" \
			${retry:+-V} ${chacha:+--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305} \
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
	for _ in $(seq 150); do
		[ -n "$(S ss -Haun "sport = :$port" 2>/dev/null)" ] && return 0
		kill -0 "$srv_pid" 2>/dev/null || break
		sleep 0.1
	done
	why="the server did not come up: $(last "$srv_log")"
	stop_srv
	return 1
}

stop_srv() {
	kill "$srv_pid" 2>/dev/null
	wait "$srv_pid" 2>/dev/null
	srv_pid=
	return 0
}

# --- clients --------------------------------------------------------------------
# fetch ROW OUT SECS "OPTIONS" FILE...: the client of ROW in $ns_c downloads
# the files from the server in one connection into OUT/dl; options: v2,
# chacha20, keyupdate, session=FILE, zerortt, deaf, ...; sets $rc and
# $cli_log. check_files OUT FILE... then says what is missing or wrong.
fetch() {
	local row=$1 out=$2 secs=$3 opts=$4 o v2='' chacha='' ku='' session='' zrtt='' deaf='' f
	local urls=() curl_args=() i=0
	shift 4
	for o in $opts; do
		case "$o" in
		v2) v2=1 ;;
		chacha20) chacha=1 ;;
		keyupdate) ku=1 ;;
		session=*) session=${o#session=} ;;
		zerortt) zrtt=1 ;;
		deaf) deaf=1 ;;
		esac
	done
	cli_log=$out/client.log$((++fetch_n))
	mkdir -p "$out/dl"
	for f in "$@"; do urls+=("https://localhost:$port/$f"); done
	case "$row" in
	server-ngtcp2)
		local go=(-q --no-quic-dump --no-http-dump --handshake-timeout=$((secs - 2))s
			--timeout=$((secs - 2))s --exit-on-all-streams-close --download "$out/dl")
		[ -n "$v2" ] && go+=(-v "0x$V2HEX")
		[ -n "$chacha" ] && go+=(--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305)
		[ -n "$ku" ] && go+=(--key-update=100ms)
		[ -n "$session" ] && go+=(--session-file="$session" --tp-file="$session.tp")
		[ -n "$deaf" ] && go+=(-r 1)
		C timeout "$secs" gtlsclient "${go[@]}" "$addr_s" "$port" "${urls[@]}" >"$cli_log" 2>&1
		rc=$?
		;;
	server-aioquic)
		local ao=(--ca "$ca" --sni localhost --out "$out/dl" --timeout $((secs - 2)))
		[ -n "$v2" ] && ao+=(--v2)
		[ -n "$chacha" ] && ao+=(--chacha20)
		[ -n "$ku" ] && ao+=(--key-update)
		[ -n "$session" ] && ao+=(--session "$session")
		[ -n "$zrtt" ] && ao+=(--zerortt)
		[ -n "$deaf" ] && ao+=(--deaf --timeout 3)
		urls=()
		for f in "$@"; do urls+=("https://$addr_s:$port/$f"); done
		C timeout "$secs" "${aioq[@]}" client "${ao[@]}" "${urls[@]}" >"$cli_log" 2>&1
		rc=$?
		;;
	server-curl)
		curl_args=(--http3-only --cacert "$ca" --resolve "localhost:$port:$addr_s"
			--silent --show-error --fail --max-time $((secs - 2)) --parallel
			--parallel-max 50)
		[ -n "$chacha" ] && curl_args+=(--tls13-ciphers TLS_CHACHA20_POLY1305_SHA256)
		[ -n "$session" ] && curl_args+=(--ssl-sessions "$session" -v)
		[ -n "$zrtt" ] && curl_args+=(--tls-earlydata)
		for f in "$@"; do curl_args+=(-o "$out/dl/$f" "${urls[$((i++))]}"); done
		C timeout "$secs" curl "${curl_args[@]}" >"$cli_log" 2>&1
		rc=$?
		;;
	client-*)
		local outs=()
		for f in "$@"; do outs+=(-o "$out/dl/$f"); done
		urls=()
		for f in "$@"; do urls+=("https://$addr_s:$port/$f"); done
		C timeout "$secs" "$h3cli" --ca "$ca" --sni localhost ${v2:+--v2} "${outs[@]}" \
			"${urls[@]}" >"$cli_log" 2>&1
		rc=$?
		;;
	esac
}

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

# sniff_start OUT / sniff_stop: tests/interop/sniff.py on the server's veth
sniff_start() {
	sniff_out=$1/sniff
	ip netns exec "$ns_s" python3 "$tests/interop/sniff.py" "$veth_s" "$addr_s" "$port" "$sniff_out" &
	sniff_pid=$!
	pids="$pids $sniff_pid"
	for _ in $(seq 100); do [ -f "$sniff_out.ready" ] && return 0; sleep 0.1; done
	return 1
}
sniff_stop() {
	kill -TERM "$sniff_pid" 2>/dev/null
	wait "$sniff_pid" 2>/dev/null
}
sniffed() { awk -v k="$1" '$1 == k { print $2 }' "$sniff_out" 2>/dev/null; }

# simple ROW OUT SECS "SERVER OPTIONS" "CLIENT OPTIONS" FILE...: one server,
# one connection, the files must arrive; sets res/why
simple() {
	local row=$1 out=$2 secs=$3 so=$4 co=$5 bad
	shift 5
	# shellcheck disable=SC2086
	start_srv "$row" "$out" $((secs + 5)) $so || { res=FAIL; return; }
	fetch "$row" "$out" "$secs" "$co" "$@"
	stop_srv
	bad=$(check_files "$out" "$@")
	if [ -n "$bad" ]; then
		res=FAIL why="client exit $rc, $bad: $(logs)"
		[ "$rc" = 124 ] && why="timeout ${secs} s, $bad: $(logs)"
	else
		res=PASS
	fi
	# our server logs "ADDR:PORT GET /path -> ..." per request: every
	# file must have come over the one connection
	local conns
	case "$row" in
	server-*)
		conns=$(grep -oE '^[0-9.]+:[0-9]+ GET ' "$srv_log" | sort -u | wc -l)
		if [ "$res" = PASS ] && [ "$conns" != 1 ]; then
			res=FAIL why="the files came over $conns connections, not one"
		fi ;;
	esac
}

# --- the cases: case_NAME ROW OUT sets res (PASS|FAIL|UNSUPPORTED) and why ----------
case_handshake() { simple "$1" "$2" 30 "" "" 1k.bin; }

# 1 KB to 10 MB; aioquic (Python) moves about 130 KB/s in a TCG guest, so
# its rows take 1 KB to 1 MB (10 MB would cost 80 s a row)
case_transfer() {
	local t0=$SECONDS files="1k.bin 64k.bin 1m.bin 10m.bin" top="10 MB"
	case "$1" in
	*-aioquic) files="1k.bin 64k.bin 1m.bin" top="1 MB" ;;
	esac
	# shellcheck disable=SC2086
	simple "$1" "$2" 120 "" "" $files
	why="$(echo $files | wc -w) files, 1 KB to $top, in $((SECONDS - t0)) s${why:+: $why}"
}

# shellcheck disable=SC2086
case_multiplexing() { simple "$1" "$2" 60 "" "" $MUX; why="40 files on 40 streams"; }

case_retry() {
	sniff_start "$2" || { res=FAIL why="sniff.py did not start"; return; }
	simple "$1" "$2" 30 retry "" 1k.bin
	sniff_stop
	[ "$res" = PASS ] || return
	if [ "$(sniffed retry)" -lt 1 ] 2>/dev/null || [ -z "$(sniffed retry)" ]; then
		res=FAIL why="the download worked but the server sent no Retry packet"
	fi
}

case_chacha20() {
	case "$1" in
	server-*) simple "$1" "$2" 30 "" chacha20 1k.bin ;;
	*) simple "$1" "$2" 30 chacha20 "" 1k.bin ;;
	esac
	why="the peer offers or accepts only TLS_CHACHA20_POLY1305_SHA256${why:+: $why}"
}

case_v2() {
	local opt=v2
	sniff_start "$2" || { res=FAIL why="sniff.py did not start"; return; }
	simple "$1" "$2" 30 "" "$opt" 1k.bin
	sniff_stop
	[ "$res" = PASS ] || return
	case " $(sniffed versions | tr , ' ') " in
	*" 0x$V2HEX "*) ;;
	*) res=FAIL why="the download worked but no QUIC v2 long header was seen ($(sniffed versions))" ;;
	esac
}

# ECN: the module marks its datagrams ECT(0) and validates that the peer
# reports them (RFC 9000 13.4); QuicEcnFailed counts failed validations
case_ecn() {
	local row=$1 out=$2 f0 f1 ours peer
	f0=$(snmp QuicEcnFailed)
	sniff_start "$out" || { res=FAIL why="sniff.py did not start"; return; }
	simple "$row" "$out" 60 "" "" 1m.bin
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
	netem "loss 5%" || { res=FAIL why="tc netem loss 5% failed"; return; }
	simple "$1" "$2" 120 "" "" 1m.bin
	netem ""
	why="loss 5% both ways, 1 MB${why:+: $why}"
}

case_handshakeloss() {
	local row=$1 out=$2 i bad n=3 t0=$SECONDS
	netem "loss 30%" || { res=FAIL why="tc netem loss 30% failed"; return; }
	start_srv "$row" "$out" 200 count=$n || { netem ""; res=FAIL; return; }
	res=PASS why=
	for i in $(seq $n); do
		rm -rf "$out/dl"
		fetch "$row" "$out" 60 "" 1k.bin
		bad=$(check_files "$out" 1k.bin)
		if [ -n "$bad" ]; then
			res=FAIL why="connection $i of $n: client exit $rc, $bad: $(logs)"
			break
		fi
	done
	stop_srv
	netem ""
	[ "$res" = PASS ] && why="$n connections at loss 30% both ways in $((SECONDS - t0)) s"
}

case_blackhole() {
	local row=$1 out=$2 bad t0 cpid
	start_srv "$row" "$out" 125 || { res=FAIL; return; }
	t0=$SECONDS
	fetch_n=$((fetch_n + 1))	# the subshell's cli_log
	cli_log=$out/client.log$((fetch_n + 1))
	fetch "$row" "$out" 120 "" 4m.bin &
	cpid=$!
	sleep 1
	netem "loss 100%"
	sleep 2
	netem ""
	local alive=0
	kill -0 "$cpid" 2>/dev/null && alive=1
	wait "$cpid"
	rc=$?
	stop_srv
	bad=$(check_files "$out" 4m.bin)
	if [ -n "$bad" ]; then
		res=FAIL why="client exit $rc, $bad: $(logs)"
	elif [ "$alive" = 0 ]; then
		res=FAIL why="the 4 MB download ended before the 2 s blackhole did (the case tested nothing)"
	else
		res=PASS why="all packets dropped for 2 s one second into 4 MB, done in $((SECONDS - t0)) s"
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
		sniff_start "$out/deaf" || { res=FAIL why="sniff.py did not start"; return; }
		start_srv "$row" "$out/deaf" 20 bigcert || { sniff_stop; res=FAIL; return; }
		fetch "$row" "$out/deaf" 6 "deaf" 1k.bin
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
	sniff_start "$out" || { res=FAIL why="sniff.py did not start"; return; }
	simple "$row" "$out" 30 bigcert "" 1k.bin
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

# --- cases waiting for features (in PENDING above) -------------------------------
case_resumption() {
	local row=$1 out=$2 bad
	case "$row" in
	server-*) ;;
	*) res=FAIL why="quic-h3-client has no session ticket option yet"; return ;;
	esac
	start_srv "$row" "$out" 60 count=2 || { res=FAIL; return; }
	fetch "$row" "$out" 30 "session=$out/session" 1k.bin
	rm -rf "$out/dl"
	fetch "$row" "$out" 30 "session=$out/session" 1k.bin
	stop_srv
	bad=$(check_files "$out" 1k.bin)
	if [ -n "$bad" ]; then
		res=FAIL why="client exit $rc, $bad: $(logs)"
	elif [ "$row" = server-aioquic ] && ! grep -q '^resumed' "$cli_log"; then
		res=FAIL why="the second connection was not resumed: $(logs)"
	else
		res=PASS
	fi
}

case_zerortt() {
	local row=$1 out=$2 bad
	case "$row" in
	server-*) ;;
	*) res=FAIL why="quic-h3-client has no 0-RTT option yet"; return ;;
	esac
	start_srv "$row" "$out" 60 count=2 || { res=FAIL; return; }
	fetch "$row" "$out" 30 "session=$out/session" 1k.bin
	rm -rf "$out/dl"
	fetch "$row" "$out" 30 "session=$out/session zerortt" 1k.bin
	stop_srv
	bad=$(check_files "$out" 1k.bin)
	if [ -n "$bad" ]; then
		res=FAIL why="client exit $rc, $bad: $(logs)"
	elif [ "$row" = server-aioquic ] && ! grep -q '^zerortt accepted' "$cli_log"; then
		res=FAIL why="0-RTT was not accepted: $(logs)"
	elif [ "$row" = server-ngtcp2 ] && grep -qi 'early data was rejected' "$cli_log"; then
		res=FAIL why="0-RTT was rejected: $(logs)"
	else
		res=PASS
	fi
}

case_keyupdate() {
	case "$1" in
	server-*) simple "$1" "$2" 60 "" keyupdate 1m.bin ;;
	*) res=FAIL why="quic-h3-client has no key update option yet" ;;
	esac
	if [ "$res" = PASS ] && [ "$1" = server-aioquic ] && ! grep -q '^key update ok' "$cli_log"; then
		res=FAIL why="no key update: $(logs)"
	fi
}

case_rebind-port() {
	case "$1" in
	server-ngtcp2)
		local out=$2 bad
		start_srv "$1" "$out" 65 || { res=FAIL; return; }
		C timeout 60 gtlsclient --no-quic-dump --no-http-dump --nat-rebinding \
			--exit-on-all-streams-close --download "$out/dl" "$addr_s" "$port" \
			"https://localhost:$port/1m.bin" >"$out/client.log" 2>&1
		rc=$? cli_log=$out/client.log
		stop_srv
		bad=$(check_files "$out" 1m.bin)
		[ -z "$bad" ] && res=PASS || res=FAIL why="client exit $rc, $bad: $(logs)"
		;;
	*) res=FAIL why="no cell code for $1" ;;
	esac
}
case_rebind-addr() { res=FAIL why="no cell code for $1"; }

case_connectionmigration() {
	case "$1" in
	server-ngtcp2)
		local out=$2 bad
		C ip addr add 10.77.0.3/24 dev "$veth_c" 2>/dev/null
		start_srv "$1" "$out" 65 || { res=FAIL; return; }
		C timeout 60 gtlsclient --no-quic-dump --no-http-dump --change-local-addr=500ms \
			--exit-on-all-streams-close --download "$out/dl" "$addr_s" "$port" \
			"https://localhost:$port/4m.bin" >"$out/client.log" 2>&1
		rc=$? cli_log=$out/client.log
		stop_srv
		bad=$(check_files "$out" 4m.bin)
		[ -z "$bad" ] && res=PASS || res=FAIL why="client exit $rc, $bad: $(logs)"
		;;
	*) res=FAIL why="quic-h3-client cannot migrate yet (QUIC_SOCKOPT_CONNECTION_MIGRATION)" ;;
	esac
}

# --- the matrix -----------------------------------------------------------------------
fetch_n=0
t_all=$SECONDS
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
		mkdir -p "$out"
		t0=$SECONDS res=FAIL why=
		"case_$c" "$row" "$out"
		netem ""
		rm -rf "$out/dl" "$out/deaf/dl"
		emit "$row" "$c" "$res" "$why"
		if [ "$res" = FAIL ]; then	# the evidence, under the FAIL line
			for f in "$out"/client.log* "$out"/server.log; do
				[ -f "$f" ] || continue
				echo "  | ${f##*/}:"
				grep -avE '^I[0-9]+ |^(Sent|Received) packet|^Set timer|^Timer|^[[:space:]]*$' "$f" |
					tail -n 8 | cut -c1-200 | sed 's/^/  |   /'
			done
		fi
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
	echo "- pending cases (needs, issue 6): $(for c in $CASES; do [ -n "${PENDING[$c]:-}" ] && printf '%s: %s; ' "$c" "${PENDING[$c]}"; done | sed 's/; $//')"
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
		PASS) v=pass ;; FAIL) v=FAIL ;; UNSUPPORTED) v=unsup ;; pending) v=pend ;; "") v=. ;; *) v=skip ;;
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
