#!/bin/bash
# Part of the interop matrix (tests/interop/run.sh: ngtcp2, aioquic and
# curl against our HTTP/3 client and server) in the suite: every row, the
# cases handshake, transfer, retry and v2, within a 300 s budget (cells that
# would start later print SKIP). 'make interop' runs the whole matrix, every
# case of the QUIC interop runner, without a budget, and writes
# docs/interop.md (CI time: the whole matrix takes some 15 minutes per
# kernel in a TCG guest).
#
# The matrix is made for the trixie guests (6.12, 7.3). Bookworm (6.1) has
# no aioquic, no curl with HTTP/3 and ngtcp2 0.12: there only the ngtcp2
# rows run, with the cases the old interop_ngtcp2.sh covered (handshake,
# transfer, multiplexing); the others are SKIP lines.
. /etc/os-release 2>/dev/null
args=(--budget "${QUIC_INTEROP_BUDGET:-300}")
if [ "${VERSION_CODENAME:-}" != bookworm ]; then
	args+=(--cases "${QUIC_INTEROP_CASES:-^(handshake|transfer|retry|v2)\$}")
else
	args+=(--rows 'ngtcp2' --cases '^(handshake|transfer|multiplexing)$')
	echo "SKIP interop_matrix_bookworm: on bookworm only the ngtcp2 rows' handshake, transfer and multiplexing run (no aioquic, no HTTP/3 curl, ngtcp2 0.12)"
fi
exec "$(dirname "$0")/../interop/run.sh" "${args[@]}" "$@"
