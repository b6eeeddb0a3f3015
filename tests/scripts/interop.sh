#!/bin/bash
# Part of the interop matrix (tests/interop/run.sh: ngtcp2, aioquic and
# curl against our HTTP/3 client and server) in the suite: on the trixie
# guests (6.12, 7.3) every row with the cases handshake, transfer, retry and
# v2, one PASS/FAIL/SKIP line and "INFO time" per cell, within a 300 s
# budget (cells that would start later print SKIP). The whole matrix, every
# case of the QUIC interop runner, takes 15-25 minutes per kernel in a TCG
# guest: too long for CI next to the rest of the suite, so it runs with
# 'make interop', which writes docs/interop.md.
#
# Bookworm (6.1) has no aioquic, no curl with HTTP/3 and ngtcp2 0.12: there
# only the ngtcp2 rows run, with the cases the old interop_ngtcp2.sh covered
# (handshake, transfer, multiplexing); the others are SKIP lines.
#
# QUIC_INTEROP_ROWS / QUIC_INTEROP_CASES (regexes) narrow it down by hand.
. /etc/os-release 2>/dev/null
args=(--budget "${QUIC_INTEROP_BUDGET:-300}")
if [ "${VERSION_CODENAME:-}" != bookworm ]; then
	args+=(--rows "${QUIC_INTEROP_ROWS:-.}"
	       --cases "${QUIC_INTEROP_CASES:-^(handshake|transfer|retry|v2)\$}")
else
	args+=(--rows 'ngtcp2' --cases '^(handshake|transfer|multiplexing)$')
	echo "SKIP interop_matrix_bookworm: on bookworm only the ngtcp2 rows' handshake, transfer and multiplexing run (no aioquic, no HTTP/3 curl, ngtcp2 0.12)"
fi
exec "$(dirname "$0")/../interop/run.sh" "${args[@]}" "$@"
