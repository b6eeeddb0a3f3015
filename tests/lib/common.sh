# shellcheck shell=bash disable=SC2034 # srv_*, netns_err are set for the scripts that source this
# Helpers shared by the scripts of tests/scripts/ (sourced after they cd to
# tests/): a temporary directory with background processes killed on exit,
# starting and stopping a server that prints "listening on PORT", test
# credentials, and log excerpts.
#
#   . lib/common.sh
#   setup_tmp                      # $tmp, $pids, traps
#   make_certs handshake           # $tmp/pki, or "FAIL handshake_certs" + exit
#   start_server LOG CMD...        # sets srv_pid, srv_port
#   stop_server [SECONDS]          # sets srv_rc, srv_secs, srv_killed

# last FILE [N]: the last N (default 3) lines of FILE on one line, '|' between
last() { tail -n "${2:-3}" "$1" 2>/dev/null | tr '\n' '|' | sed 's/|$//'; }

# not_in_yet FILE...: a log says the module has no connect()/listen() yet
not_in_yet() { grep -qiE 'Operation not supported|EOPNOTSUPP' "$@" 2>/dev/null; }

# count_socks: QUIC sockets in /proc/net/quic/sks (lines after the header)
count_socks() { tail -n +2 /proc/net/quic/sks 2>/dev/null | wc -l; }

# quic_settle: a closed connection stays for its closing period (three
# PTOs, RFC 9000 10.2) and holds the module meanwhile: wait up to 10 s until
# no QUIC socket holds it (true) before unloading or counting sockets
quic_settle() {
	local i
	for i in $(seq 100); do
		[ "$(cat /sys/module/quic/refcnt 2>/dev/null || echo 0)" = 0 ] &&
			return 0
		sleep 0.1
	done
	return 1
}

# setup_tmp: makes the directory $tmp; on exit the background processes
# whose pids are in $pids are killed and $tmp is removed. A script may
# define cleanup_pre (runs first) and cleanup_post (after the processes are
# gone, before $tmp is removed).
setup_tmp() {
	tmp=$(mktemp -d) || exit 1
	pids=
	trap cleanup EXIT
	trap 'exit 1' INT TERM
}

# shellcheck disable=SC2317 # called by the trap
cleanup() {
	local p
	if declare -F cleanup_pre >/dev/null; then cleanup_pre; fi
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	if declare -F cleanup_post >/dev/null; then cleanup_post; fi
	rm -rf "$tmp"
}

# make_certs PREFIX [DIR]: tests/certs/gen.sh into DIR (default $tmp/pki);
# on failure prints "FAIL PREFIX_certs: ..." and exits 1
make_certs() {
	local out
	if ! out=$(bash certs/gen.sh "${2:-$tmp/pki}" 2>&1); then
		echo "FAIL $1_certs: tests/certs/gen.sh: $(echo "$out" | head -n 3 | tr '\n' ' ')"
		exit 1
	fi
}

# start_server LOG CMD...: runs CMD (usually "timeout N quic-echo-server
# ARGS") in the background with its output in LOG, and waits up to
# $srv_wait seconds (default 10) for its line "listening on PORT". Sets
# srv_pid and srv_port and returns 0; returns 1 (the server killed) if it
# exits or does not listen in time.
start_server() {
	local log=$1 _
	shift
	"$@" >"$log" 2>&1 &
	srv_pid=$!
	pids="$pids $srv_pid"
	srv_port=
	for _ in $(seq $((${srv_wait:-10} * 10))); do
		srv_port=$(sed -n 's/^listening on \([0-9][0-9]*\)$/\1/p' "$log" | head -n 1)
		[ -n "$srv_port" ] && return 0
		kill -0 "$srv_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$srv_pid" 2>/dev/null
	wait "$srv_pid" 2>/dev/null
	return 1
}

# stop_server [SECONDS]: waits up to SECONDS (default 10) for the server to
# exit by itself (it serves --count connections), then kills it. Sets
# srv_rc (124 when killed), srv_killed (1 when killed) and srv_secs (how
# long it took).
stop_server() {
	local i start=$SECONDS
	srv_killed=0
	for ((i = 0; i < ${1:-10} * 10; i++)); do
		kill -0 "$srv_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$srv_pid" 2>/dev/null; then
		kill "$srv_pid" 2>/dev/null
		wait "$srv_pid" 2>/dev/null
		srv_rc=124 srv_killed=1
	else
		wait "$srv_pid"
		srv_rc=$?
	fi
	srv_secs=$((SECONDS - start))
}

# netns_pair NS_S NS_C VETH_S VETH_C ADDR_S ADDR_C: two new network
# namespaces joined by a veth pair (the one helper for that, of every
# script), ADDR_S/24 on VETH_S in NS_S and ADDR_C/24 on VETH_C in NS_C,
# both up with their loopback. On failure returns 1 with the error
# in $netns_err (netns_err starts "netns:" when namespaces cannot be made at
# all: the callers SKIP then). netns_del removes both namespaces (and with
# them the veth pair); setup_tmp's cleanup does not, so call it from
# cleanup_post.
netns_pair() {
	netns_err=
	if ! netns_err=$(ip netns add "$1" 2>&1 && ip netns add "$2" 2>&1); then
		netns_err="netns: cannot create network namespaces: $netns_err"
		return 1
	fi
	netns_err=$({
		ip link add "$3" type veth peer name "$4" &&
			ip link set "$3" netns "$1" &&
			ip link set "$4" netns "$2" &&
			ip -n "$1" addr add "$5/24" dev "$3" &&
			ip -n "$2" addr add "$6/24" dev "$4" &&
			ip -n "$1" link set "$3" up &&
			ip -n "$2" link set "$4" up &&
			ip -n "$1" link set lo up &&
			ip -n "$2" link set lo up &&
			netns_neigh "$1" "$3" "$6" "$2" "$4" &&
			netns_neigh "$2" "$4" "$5" "$1" "$3"
	} 2>&1) || { netns_err="veth pair between two namespaces: $netns_err"; return 1; }
}

# netns_neigh NS DEV ADDR PEER_NS PEER_DEV: a permanent neighbor entry in
# NS for ADDR on the far end of the veth pair, so that no ARP runs: netem
# drops ARP packets as well, and at 30% loss each way the three tries of a
# resolution fail in about one of eight, which stalls the IP traffic that
# a test means to put through loss (seen as QUIC handshakes that never
# reached the server)
netns_neigh() {
	local mac
	mac=$(ip -n "$4" -br link show dev "$5" | awk '{ print $3 }') &&
		[ -n "$mac" ] &&
		ip -n "$1" neigh replace "$3" lladdr "$mac" nud permanent dev "$2"
}

# netns_del NS...: removes the namespaces (errors ignored)
netns_del() {
	local ns
	for ns in "$@"; do ip netns del "$ns" 2>/dev/null; done
	return 0
}

# netem_both NS_S VETH_S NS_C VETH_C "ARGS": the same netem qdisc on both
# ends of the pair ("" removes it); loads sch_netem first
netem_both() {
	if [ -z "$5" ]; then
		ip netns exec "$1" tc qdisc del dev "$2" root 2>/dev/null
		ip netns exec "$3" tc qdisc del dev "$4" root 2>/dev/null
		return 0
	fi
	modprobe sch_netem 2>/dev/null
	# shellcheck disable=SC2086
	ip netns exec "$1" tc qdisc replace dev "$2" root netem $5 &&
		ip netns exec "$3" tc qdisc replace dev "$4" root netem $5
}
