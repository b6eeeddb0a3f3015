#!/bin/bash
# The interop matrix (tests/interop/run.sh: ngtcp2, aioquic and curl against
# our HTTP/3 client and server) in the suite: on the trixie guests (6.12,
# 7.3) the WHOLE matrix, every row and every case, one PASS/FAIL/SKIP line
# per cell and "INFO time" per cell; tests/run.sh gives it 1200 s, and the
# matrix keeps 120 s of that in hand with --budget (cells that would start
# later print SKIP instead of being cut off without a result).
#
# Bookworm (6.1) has no aioquic, no curl with HTTP/3 and ngtcp2 0.12: there
# only the ngtcp2 rows run, with the cases the old interop_ngtcp2.sh covered
# (handshake, transfer, multiplexing); the others are SKIP lines.
#
# QUIC_INTEROP_ROWS / QUIC_INTEROP_CASES (regexes) narrow it down by hand.
. /etc/os-release 2>/dev/null
args=(--budget "${QUIC_INTEROP_BUDGET:-1080}")
if [ "${VERSION_CODENAME:-}" != bookworm ]; then
	args+=(--rows "${QUIC_INTEROP_ROWS:-.}" --cases "${QUIC_INTEROP_CASES:-.}")
else
	args+=(--rows 'ngtcp2' --cases '^(handshake|transfer|multiplexing)$')
	echo "SKIP interop_matrix_bookworm: on bookworm only the ngtcp2 rows' handshake, transfer and multiplexing run (no aioquic, no HTTP/3 curl, ngtcp2 0.12)"
fi
exec "$(dirname "$0")/../interop/run.sh" "${args[@]}" "$@"
