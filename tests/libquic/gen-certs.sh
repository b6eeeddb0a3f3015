#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Make a throwaway CA and a server certificate for "server.test" (also
# 127.0.0.1) in directory $1, with certtool from gnutls-bin.
set -e
dir=${1:?usage: gen-certs.sh DIR}
command -v certtool >/dev/null 2>&1 || { echo "certtool not found (gnutls-bin)" >&2; exit 2; }
mkdir -p "$dir"
cd "$dir"
cat > ca.tmpl <<'T'
cn = "libquic test CA"
ca
cert_signing_key
expiration_days = 2
T
cat > server.tmpl <<'T'
cn = "server.test"
dns_name = "server.test"
ip_address = "127.0.0.1"
tls_www_server
signing_key
encryption_key
expiration_days = 2
T
certtool --generate-privkey --key-type=ecdsa --outfile ca.key >/dev/null 2>&1
certtool --generate-self-signed --load-privkey ca.key --template ca.tmpl \
	--outfile ca.pem >/dev/null 2>&1
certtool --generate-privkey --key-type=ecdsa --outfile server.key >/dev/null 2>&1
certtool --generate-certificate --load-privkey server.key --load-ca-certificate ca.pem \
	--load-ca-privkey ca.key --template server.tmpl --outfile server.pem >/dev/null 2>&1
