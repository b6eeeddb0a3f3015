#!/bin/bash
# Network namespaces: /proc/net/quic of a namespace lists its own sockets
# and tunnel sockets only, and the same port can be bound in two namespaces.
set -u
bin=$(dirname "$0")/../bin
ns=quictest$$

if ! ip netns add "$ns" 2>/dev/null; then
	echo "SKIP netns_proc: cannot create a network namespace"
	exit 0
fi
trap 'ip netns del "$ns" 2>/dev/null' EXIT
. "$(dirname "$0")/../lib/common.sh"
quic_settle	# connections of the tests before, in their closing period
ip netns exec "$ns" ip link set lo up

count() { tail -n +2 "$1" | wc -l; }

coproc HOLD { ip netns exec "$ns" "$bin/sockhold" 3 wait; }
read -r line <&"${HOLD[0]}"
[ "$line" = ready ] || { echo "FAIL netns_setup: holder said '$line'"; exit 1; }

n_in=$(ip netns exec "$ns" sh -c 'tail -n +2 /proc/net/quic/sks | wc -l')
n_udp=$(ip netns exec "$ns" sh -c 'tail -n +2 /proc/net/quic/udp | wc -l')
n_out=$(count /proc/net/quic/sks)
[ "$n_in" = 3 ] && echo "PASS netns_proc_sks_own_sockets" ||
	echo "FAIL netns_proc_sks_own_sockets: $n_in sockets listed in the namespace, expected 3"
[ "$n_udp" = 3 ] && echo "PASS netns_proc_udp_own_sockets" ||
	echo "FAIL netns_proc_udp_own_sockets: $n_udp tunnel sockets listed, expected 3"
[ "$n_out" = 0 ] && echo "PASS netns_proc_sks_isolated" ||
	echo "FAIL netns_proc_sks_isolated: $n_out sockets of another namespace listed"

# the same address and port in both namespaces
port=$(ip netns exec "$ns" cat /proc/net/quic/udp |
	sed -n 's/^127\.0\.0\.1:\([0-9]*\) .*/\1/p' | head -n 1)
if [ -n "$port" ] && python3 - "$port" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, 261)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.close()
PY
then
	echo "PASS netns_same_port_two_namespaces"
else
	echo "FAIL netns_same_port_two_namespaces: port '$port' could not be bound outside the namespace"
fi
exec {HOLD[1]}>&-
wait "$HOLD_PID"
