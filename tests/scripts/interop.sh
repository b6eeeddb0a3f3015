#!/bin/bash
# The interop matrix (tests/interop/run.sh: ngtcp2, aioquic and curl
# against our HTTP/3 client and server) in the suite, one PASS/FAIL/SKIP
# line and "INFO time" per cell.
#
# The whole matrix runs in CI, split between the two trixie guests so that
# each kernel's share takes 6-7 minutes in a TCG guest: every row with
# the cases of CASES_6_12 on 6.12, with the others (CASES_7_3) on 7.3 and
# any later kernel. Together they are every cell of the matrix; the cases
# of the other kernel print no line. 'make interop' runs every cell on each
# kernel and writes docs/interop.md.
#
# Bookworm (6.1) has no aioquic, no curl with HTTP/3 and ngtcp2 0.12: there
# only the ngtcp2 rows run, with handshake, transfer and multiplexing; the
# others are SKIP lines.
#
# QUIC_INTEROP_ROWS / QUIC_INTEROP_CASES (regexes) narrow it down by hand;
# QUIC_INTEROP_CASES=. runs every cell.
. /etc/os-release 2>/dev/null
CASES_6_12='handshake|transfer|retry|resumption|chacha20|v2|transferloss|blackhole|amplificationlimit|rebind-port'
CASES_7_3='multiplexing|zerortt|keyupdate|ecn|handshakeloss|rebind-addr|connectionmigration'
args=(--budget "${QUIC_INTEROP_BUDGET:-540}")
if [ "${VERSION_CODENAME:-}" != bookworm ]; then
	case "$(uname -r)" in
	6.12.*) share=$CASES_6_12 ;;
	*) share=$CASES_7_3 ;;
	esac
	args+=(--rows "${QUIC_INTEROP_ROWS:-.}" --cases "${QUIC_INTEROP_CASES:-^($share)\$}")
else
	args+=(--rows 'ngtcp2' --cases '^(handshake|transfer|multiplexing)$')
	echo "SKIP interop_matrix_bookworm: on bookworm only the ngtcp2 rows' handshake, transfer and multiplexing run (no aioquic, no HTTP/3 curl, ngtcp2 0.12)"
fi
exec "$(dirname "$0")/../interop/run.sh" "${args[@]}" "$@"
