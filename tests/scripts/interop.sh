#!/bin/bash
# The interop matrix (tests/interop/run.sh: ngtcp2, aioquic and curl against
# our HTTP/3 client and server, every case of the QUIC interop runner) as
# part of the suite; 'make interop' runs it alone, without a time budget,
# and writes docs/interop.md. tests/run.sh gives this script 720 s: cells
# that would start after 600 s print SKIP (out of the time budget).
exec "$(dirname "$0")/../interop/run.sh" --budget "${QUIC_INTEROP_BUDGET:-600}" "$@"
