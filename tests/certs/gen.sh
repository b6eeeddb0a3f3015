#!/bin/sh
# Throwaway credentials for the handshake tests, made at run time with
# certtool (gnutls-bin) into directory DIR (created if needed):
#
#   ca.pem                 test CA ("QUIC test CA")
#   server.pem server.key  server certificate signed by it: DNS localhost,
#                          IP 127.0.0.1 and ::1
#   other-ca.pem           a second, unrelated CA ("QUIC other CA")
#   untrusted.pem untrusted.key
#                          a certificate for the same names signed by the
#                          other CA (clients that trust ca.pem reject it)
#   psk.txt                "test:<64 hex digits>" (a random 32-byte key)
#   psk-wrong.txt          the same identity with another key
#
#   tests/certs/gen.sh DIR
#
# ECDSA P-256 keys (fast to make, even in an emulated VM); valid from one
# hour ago (clock skew) for 30 days. Prints nothing on success; on failure
# names the step and shows certtool's output.
set -eu
dir=${1:?usage: gen.sh DIR}
command -v certtool >/dev/null 2>&1 ||
	{ echo "gen.sh: certtool not found (install gnutls-bin)" >&2; exit 2; }
mkdir -p "$dir"
cd "$dir"
log=$(mktemp)
trap 'rm -f "$log" ca.tmpl server.tmpl other-ca.tmpl other-ca.key' EXIT

run() {
	what=$1
	shift
	if ! "$@" >"$log" 2>&1; then
		echo "gen.sh: $what failed: $*" >&2
		cat "$log" >&2
		exit 1
	fi
}

cat >ca.tmpl <<'T'
cn = "QUIC test CA"
ca
cert_signing_key
crl_signing_key
activation_date = "1 hour ago"
expiration_days = 30
T
sed 's/QUIC test CA/QUIC other CA/' ca.tmpl >other-ca.tmpl
cat >server.tmpl <<'T'
cn = "localhost"
dns_name = "localhost"
ip_address = "127.0.0.1"
ip_address = "::1"
tls_www_server
signing_key
activation_date = "1 hour ago"
expiration_days = 30
T

for name in ca other-ca server untrusted; do
	run "key $name.key" certtool --generate-privkey --key-type=ecdsa --curve=secp256r1 \
		--outfile "$name.key"
done
run "self-signed ca.pem" certtool --generate-self-signed --load-privkey ca.key \
	--template ca.tmpl --outfile ca.pem
run "self-signed other-ca.pem" certtool --generate-self-signed --load-privkey other-ca.key \
	--template other-ca.tmpl --outfile other-ca.pem
run "server.pem" certtool --generate-certificate --load-privkey server.key \
	--load-ca-certificate ca.pem --load-ca-privkey ca.key \
	--template server.tmpl --outfile server.pem
run "untrusted.pem" certtool --generate-certificate --load-privkey untrusted.key \
	--load-ca-certificate other-ca.pem --load-ca-privkey other-ca.key \
	--template server.tmpl --outfile untrusted.pem
chmod 600 ./*.key

hex32() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
umask 077
echo "test:$(hex32)" >psk.txt
echo "test:$(hex32)" >psk-wrong.txt
