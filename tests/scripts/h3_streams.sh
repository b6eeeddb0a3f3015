#!/bin/bash
# Many streams on one connection: our HTTP/3 client (tools/h3) fetches 150
# files from our HTTP/3 server over one QUIC connection. The server allows
# 100 client bidirectional streams (the default max_streams_bidi), so the
# transfer only completes if the kernel grants new stream credit with
# MAX_STREAMS as streams close and the client waits for it.
# Run by tests/run.sh from tests/ as root, module loaded.
set -u
cd "$(dirname "$0")/.." || exit 1
tree=$(cd .. && pwd)
srv=$tree/tools/h3/quic-h3-server
cli=$tree/tools/h3/quic-h3-client
if [ ! -x "$srv" ] || [ ! -x "$cli" ]; then
	echo "SKIP h3_streams_150: tools/h3 was not built (libnghttp3-dev missing)"
	exit 0
fi
tmp=$(mktemp -d)
pid=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

if ! ./certs/gen.sh "$tmp/pki" >"$tmp/gen.log" 2>&1; then
	echo "FAIL h3_streams_150: tests/certs/gen.sh: $(tail -n 1 "$tmp/gen.log")"
	exit 1
fi
mkdir -p "$tmp/htdocs"
for i in $(seq 1 150); do echo "file $i" >"$tmp/htdocs/f$i.txt"; done

timeout 120 "$srv" --addr 127.0.0.1 --port 0 --cert "$tmp/pki/server.pem" \
	--key "$tmp/pki/server.key" --dir "$tmp/htdocs" --count 1 \
	>"$tmp/srv.log" 2>&1 &
pid=$!
port=
for _ in $(seq 1 100); do
	port=$(sed -n 's/^listening on \([0-9]*\)$/\1/p' "$tmp/srv.log")
	[ -n "$port" ] && break
	sleep 0.1
done
if [ -z "$port" ]; then
	echo "FAIL h3_streams_150: the server did not start: $(tail -n 2 "$tmp/srv.log" | tr '\n' ' ')"
	exit 1
fi
urls=()
for i in $(seq 1 150); do urls+=("https://127.0.0.1:$port/f$i.txt"); done
timeout 100 "$cli" --ca "$tmp/pki/ca.pem" --sni localhost "${urls[@]}" \
	>"$tmp/cli.log" 2>&1
rc=$?
ok=$(grep -c -- '-> 200 ' "$tmp/cli.log")
if [ "$rc" = 0 ] && [ "$ok" = 150 ]; then
	echo "PASS h3_streams_150"
	exit 0
fi
echo "FAIL h3_streams_150: client exit $rc, $ok of 150 responses 200: $(tail -n 2 "$tmp/cli.log" | tr '\n' ' ') // server: $(tail -n 2 "$tmp/srv.log" | tr '\n' ' ')"
exit 1
