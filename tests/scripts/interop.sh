#!/bin/bash
# The interop matrix (tests/interop/run.sh: ngtcp2, aioquic and curl against
# our HTTP/3 client and server, every case of the QUIC interop runner) as
# part of the suite; 'make interop' runs it alone, without a time budget,
# and writes docs/interop.md. tests/run.sh gives this script 720 s: cells
# that would start after 600 s print SKIP (out of the time budget).
#
# The matrix is made for the trixie guests (6.12, 7.3). Bookworm (6.1) has
# no aioquic, no curl with HTTP/3 and ngtcp2 0.12: there only the ngtcp2
# rows run, with the cases the old interop_ngtcp2.sh covered (handshake,
# transfer, multiplexing); the others are SKIP lines.
. /etc/os-release 2>/dev/null
args=(--budget "${QUIC_INTEROP_BUDGET:-600}")
if [ "${VERSION_CODENAME:-}" = bookworm ]; then
	args+=(--rows 'ngtcp2' --cases '^(handshake|transfer|multiplexing)$')
	echo "SKIP interop_matrix_bookworm: on bookworm only the ngtcp2 rows' handshake, transfer and multiplexing run (no aioquic, no HTTP/3 curl, ngtcp2 0.12)"
fi
exec "$(dirname "$0")/../interop/run.sh" "${args[@]}" "$@"
