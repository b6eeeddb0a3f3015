#!/bin/bash
# The interop matrix (tests/interop/run.sh: ngtcp2, aioquic and curl against
# our HTTP/3 client and server, every case of the QUIC interop runner) as
# part of the suite; 'make interop' runs it alone and writes docs/interop.md.
exec "$(dirname "$0")/../interop/run.sh" "$@"
