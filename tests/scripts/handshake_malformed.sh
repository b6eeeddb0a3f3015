#!/bin/bash
# What a QUIC server does with packets that are not a proper client Initial:
# quic-echo-server (tools/examples) listens on 127.0.0.1 and Python sends it
# raw UDP datagrams, each from its own socket:
#
#   malformed_garbage                  not QUIC (empty, fixed bit clear, short
#                                      header for an unknown connection ID):
#                                      no reply (a short stateless reset at most)
#   malformed_long_header_truncated    long headers cut anywhere, DCID longer
#                                      than 20 bytes, Length or token length
#                                      past the datagram: no reply
#   malformed_initial_undecryptable    1200-byte Initial, random DCID, payload
#                                      that does not decrypt: no reply
#   malformed_initial_small            a valid, decryptable Initial in a
#                                      1000-byte datagram (< 1200): no reply
#   malformed_unknown_version_small    100 bytes of version 0x1a2a3a4a: no reply
#   malformed_version_negotiation      1200 bytes of version 0x1a2a3a4a: a
#                                      Version Negotiation packet (version 0,
#                                      connection IDs swapped) listing
#                                      0x00000001 and 0x6b3343cf
#   malformed_no_junk_accepted         none of the datagrams above made a
#                                      connection: /proc/net/quic/sks still
#                                      lists just the listener (a connection
#                                      accept()ed from an Initial that does not
#                                      decrypt stalls the application until
#                                      the idle timeout)
#   malformed_initial_bad_clienthello  the valid Initial at 1200 bytes, its
#                                      ClientHello unparsable: some reply (the
#                                      control that the Initials above were
#                                      well-formed and dropped for their flaw)
#   malformed_crypto_truncated         a valid 1200-byte Initial: PADDING, then
#                                      a CRYPTO frame whose Length (1000) runs
#                                      past the packet: a server Initial with
#                                      CONNECTION_CLOSE FRAME_ENCODING_ERROR
#   malformed_crypto_beyond_limit      CRYPTO at offset 70000, past the 64 KiB
#                                      CRYPTO buffer: CONNECTION_CLOSE
#                                      CRYPTO_BUFFER_EXCEEDED
#   malformed_frame_not_allowed        a tiny CRYPTO frame, then a STREAM frame
#                                      (not allowed in Initials): CONNECTION_
#                                      CLOSE PROTOCOL_VIOLATION
#                                      (each with fresh IDs, a DCID of 8 to 20
#                                      bytes; the close is read by opening the
#                                      reply with the server Initial keys;
#                                      no close within 5 s is a FAIL)
#   malformed_server_still_serves      a normal PSK client gets its echo
#   malformed_no_socket_leak           /proc/net/quic/sks is back at its
#                                      baseline once everything is closed
#                                      (the closed probes included)
#
# Initials are protected with the RFC 9001 Initial keys by a small pure-Python
# AES-128-GCM (no python3-cryptography needed; checked against the RFC 9001
# key vectors, and the opening of replies against the RFC 9001 A.3 server
# Initial, before use). Run by tests/run.sh from tests/ as root; every case
# is SKIP while the module has no listen() (EOPNOTSUPP).
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(cd .. && pwd)
client=$top/tools/examples/quic-echo-client
server=$top/tools/examples/quic-echo-server
probes="garbage long_header_truncated initial_undecryptable initial_small
	unknown_version_small version_negotiation no_junk_accepted initial_bad_clienthello
	crypto_truncated crypto_beyond_limit frame_not_allowed"
cases="$probes server_still_serves no_socket_leak"
failed=0

skip_all() {
	local c
	for c in $cases; do echo "SKIP malformed_$c: $1"; done
	exit 0
}

for p in "$client" "$server"; do
	if [ ! -x "$p" ]; then
		echo "FAIL malformed_build: ${p#"$top"/} is not built (make tests)"
		exit 1
	fi
done
command -v python3 >/dev/null || skip_all "python3 is not installed"
if [ ! -r /proc/net/quic/sks ]; then
	echo "FAIL malformed_proc: /proc/net/quic/sks is missing (module not loaded?)"
	exit 1
fi

# shellcheck source=../lib/common.sh
. lib/common.sh
setup_tmp
make_certs malformed
psk=$tmp/pki/psk.txt

base=$(count_socks)
slog=$tmp/server.log
# --fork: a connection wrongly accepted from junk cannot block the others
if start_server "$slog" timeout 200 "$server" --addr 127.0.0.1 --port 0 --fork --timeout 40 \
	--psk "$psk"; then
	port=$srv_port
else
	if grep -q 'Operation not supported' "$slog"; then
		skip_all "the kernel handshake is not in yet ($(last "$slog" 1))"
	fi
	echo "FAIL malformed_server_start: the server did not start: $(last "$slog")"
	exit 1
fi

python3 - 127.0.0.1 "$port" /proc/net/quic/sks >"$tmp/probe.out" 2>&1 <<'PY'
# QUIC v1 client Initials (RFC 9001 section 5: HKDF Initial keys, AES-128-GCM,
# header protection) and raw probes
import hashlib, hmac, os, select, socket, struct, sys, time

def _rotl8(x, s):
    return ((x << s) | (x >> (8 - s))) & 0xff

def _sbox():
    sbox = [0] * 256
    p = q = 1
    while True:
        p = p ^ ((p << 1) & 0xff) ^ (0x1b if p & 0x80 else 0)
        q ^= q << 1
        q ^= q << 2
        q ^= q << 4
        q &= 0xff
        if q & 0x80:
            q ^= 0x09
        sbox[p] = q ^ _rotl8(q, 1) ^ _rotl8(q, 2) ^ _rotl8(q, 3) ^ _rotl8(q, 4) ^ 0x63
        if p == 1:
            break
    sbox[0] = 0x63
    return sbox

SBOX = _sbox()

def _xt(a):
    return ((a << 1) ^ 0x1b) & 0xff if a & 0x80 else a << 1

def aes_key(key):
    w, rcon = list(key), 1
    for i in range(16, 176, 4):
        t = w[i - 4:i]
        if i % 16 == 0:
            t = [SBOX[t[1]] ^ rcon, SBOX[t[2]], SBOX[t[3]], SBOX[t[0]]]
            rcon = _xt(rcon)
        w += [w[i - 16 + j] ^ t[j] for j in range(4)]
    return w

def aes_block(w, block):
    s = [b ^ k for b, k in zip(block, w[:16])]
    for r in range(1, 11):
        s = [SBOX[b] for b in s]
        s = [s[(i + 4 * (i % 4)) % 16] for i in range(16)]
        if r != 10:
            t = []
            for c in range(4):
                a0, a1, a2, a3 = s[4 * c:4 * c + 4]
                t += [_xt(a0) ^ _xt(a1) ^ a1 ^ a2 ^ a3, a0 ^ _xt(a1) ^ _xt(a2) ^ a2 ^ a3,
                      a0 ^ a1 ^ _xt(a2) ^ _xt(a3) ^ a3, _xt(a0) ^ a0 ^ a1 ^ a2 ^ _xt(a3)]
            s = t
        s = [b ^ k for b, k in zip(s, w[16 * r:16 * r + 16])]
    return bytes(s)

def _gmul(x, y):
    z = 0
    for i in range(127, -1, -1):
        if (x >> i) & 1:
            z ^= y
        y = (y >> 1) ^ (0xe1 << 120) if y & 1 else y >> 1
    return z

def gcm_encrypt(key, nonce, plain, aad):
    w = aes_key(key)
    h = int.from_bytes(aes_block(w, bytes(16)), "big")
    j0 = nonce + b"\x00\x00\x00\x01"
    out = bytearray()
    for i in range(0, len(plain), 16):
        ctr = nonce + struct.pack(">I", 2 + i // 16)
        ks = aes_block(w, ctr)
        out += bytes(a ^ b for a, b in zip(plain[i:i + 16], ks))
    x = 0
    def blocks(data):
        for i in range(0, len(data), 16):
            yield data[i:i + 16].ljust(16, b"\x00")
    for b in list(blocks(aad)) + list(blocks(bytes(out))):
        x = _gmul(x ^ int.from_bytes(b, "big"), h)
    x = _gmul(x ^ ((len(aad) * 8) << 64 | len(out) * 8), h)
    tag = bytes(a ^ b for a, b in zip(x.to_bytes(16, "big"), aes_block(w, j0)))
    return bytes(out) + tag

def _expand_label(secret, label, length):
    full = b"tls13 " + label
    info = struct.pack(">HB", length, len(full)) + full + b"\x00"
    out, t, i = b"", b"", 1
    while len(out) < length:
        t = hmac.new(secret, t + info + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:length]

SALT_V1 = bytes.fromhex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a")

def initial_keys(dcid, label):
    initial = hmac.new(SALT_V1, dcid, hashlib.sha256).digest()
    secret = _expand_label(initial, label, 32)
    return (_expand_label(secret, b"quic key", 16), _expand_label(secret, b"quic iv", 12),
            _expand_label(secret, b"quic hp", 16))

def client_keys(dcid):
    return initial_keys(dcid, b"client in")

def server_keys(dcid):
    return initial_keys(dcid, b"server in")

def varint(v):
    if v < 0x40:
        return bytes([v])
    if v < 0x4000:
        return struct.pack(">H", 0x4000 | v)
    return struct.pack(">I", 0x80000000 | v)

def client_initial(dcid, scid, frames, size, pn=0, pad_first=False):
    """A v1 client Initial of exactly size bytes, protected with the Initial
    keys of dcid: frames, then PADDING (PADDING, then frames if pad_first)."""
    key, iv, hp = client_keys(dcid)
    pn_len = 4
    first = bytes([0xc0 | (pn_len - 1)]) + struct.pack(">I", 1) + bytes([len(dcid)]) + dcid + \
        bytes([len(scid)]) + scid + varint(0)
    length = size - len(first) - 2
    room = length - pn_len - 16
    plain = frames.rjust(room, b"\x00") if pad_first else frames.ljust(room, b"\x00")
    hdr = first + struct.pack(">H", 0x4000 | length) + pn.to_bytes(pn_len, "big")
    nonce = bytes(a ^ b for a, b in zip(iv, pn.to_bytes(12, "big")))
    ct = gcm_encrypt(key, nonce, plain, hdr)
    pn_off = len(hdr) - pn_len
    mask = aes_block(aes_key(hp), ct[4 - pn_len:20 - pn_len])
    hdr = bytearray(hdr)
    hdr[0] ^= mask[0] & 0x0f
    for i in range(pn_len):
        hdr[pn_off + i] ^= mask[1 + i]
    return bytes(hdr) + ct

def crypto_frame(data):
    return b"\x06" + varint(0) + varint(len(data)) + data

def get_varint(b, i):
    """The varint at b[i] and the index after it; IndexError if cut short."""
    n = 1 << (b[i] >> 6)
    if i + n > len(b):
        raise IndexError("varint cut short")
    v = b[i] & 0x3f
    for x in b[i + 1:i + n]:
        v = v << 8 | x
    return v, i + n

def gcm_decrypt(key, nonce, data, aad):
    """AES-128-GCM open of ciphertext + tag: the plaintext, or None if the tag
    is wrong (checked by sealing the plaintext again)."""
    if len(data) < 16:
        return None
    w, ct = aes_key(key), bytes(data[:-16])
    plain = bytearray()
    for i in range(0, len(ct), 16):
        ks = aes_block(w, nonce + struct.pack(">I", 2 + i // 16))
        plain += bytes(a ^ b for a, b in zip(ct[i:i + 16], ks))
    plain = bytes(plain)
    return plain if hmac.compare_digest(gcm_encrypt(key, nonce, plain, aad), bytes(data)) else None

PKT_TYPES = ("Initial", "0-RTT", "Handshake", "Retry")

def open_initials(dgram, keys):
    """The v1 Initial packets of a datagram opened with keys (key, iv, hp):
    ([(packet number, payload)], [what else was there, as text])."""
    key, iv, hp = keys
    out, notes, i, b = [], [], 0, dgram
    try:
        while i < len(b):
            if not b[i] & 0x80:
                notes.append(f"a short-header packet ({len(b) - i} bytes)")
                break
            (ver,) = struct.unpack(">I", b[i + 1:i + 5])
            if ver != 1:
                notes.append(f"a long-header packet of version 0x{ver:08x}")
                break
            ptype = (b[i] >> 4) & 3
            j = i + 5
            j += 1 + b[j]          # DCID
            j += 1 + b[j]          # SCID
            if ptype == 3:
                notes.append("a Retry packet")
                break
            if ptype == 0:
                tl, j = get_varint(b, j)
                j += tl
            ln, j = get_varint(b, j)
            end = j + ln
            if end > len(b) or ln < 20:
                notes.append(f"a {PKT_TYPES[ptype]} packet whose Length {ln} does not fit the datagram")
                break
            if ptype != 0:
                notes.append(f"a {PKT_TYPES[ptype]} packet")
                i = end
                continue
            mask = aes_block(aes_key(hp), b[j + 4:j + 20])
            first = b[i] ^ (mask[0] & 0x0f)
            pn_len = (first & 3) + 1
            pnb = bytes(x ^ m for x, m in zip(b[j:j + pn_len], mask[1:]))
            # RFC 9000 A.3 with nothing received yet (expected 0): the
            # truncated number is the packet number
            pn = int.from_bytes(pnb, "big")
            nonce = bytes(a ^ c for a, c in zip(iv, pn.to_bytes(12, "big")))
            plain = gcm_decrypt(key, nonce, b[j + pn_len:end], bytes([first]) + b[i + 1:j] + pnb)
            if plain is None:
                notes.append(f"an Initial (packet number {pn}) that does not decrypt")
            else:
                out.append((pn, plain))
            i = end
    except (IndexError, struct.error):
        notes.append(f"a packet cut short at byte {i}")
    return out, notes

FRAME_NAMES = {0x00: "PADDING", 0x01: "PING", 0x02: "ACK", 0x03: "ACK_ECN", 0x06: "CRYPTO",
               0x1c: "CONNECTION_CLOSE", 0x1d: "CONNECTION_CLOSE_APP"}
ERRORS = {0x00: "NO_ERROR", 0x01: "INTERNAL_ERROR", 0x03: "FLOW_CONTROL_ERROR",
          0x05: "STREAM_STATE_ERROR", 0x07: "FRAME_ENCODING_ERROR",
          0x08: "TRANSPORT_PARAMETER_ERROR", 0x0a: "PROTOCOL_VIOLATION",
          0x0d: "CRYPTO_BUFFER_EXCEEDED"}

def errname(e):
    if e in ERRORS:
        return f"0x{e:02x} ({ERRORS[e]})"
    if 0x100 <= e <= 0x1ff:
        return f"0x{e:x} (CRYPTO_ERROR, TLS alert {e - 0x100})"
    return f"0x{e:02x}"

def parse_frames(p):
    """The frames of a decrypted payload as (type, fields) up to the first
    CONNECTION_CLOSE; fields of a close: (error code, frame type or None,
    reason). Stops with ("?", why) at anything it cannot walk past."""
    out, i = [], 0
    try:
        while i < len(p):
            t, i = get_varint(p, i)
            if t == 0x00:
                while i < len(p) and p[i] == 0:
                    i += 1
                out.append((t, None))
            elif t == 0x01:
                out.append((t, None))
            elif t in (0x02, 0x03):
                _, i = get_varint(p, i)                    # largest acknowledged
                _, i = get_varint(p, i)                    # ACK delay
                count, i = get_varint(p, i)
                for _ in range(1 + 2 * count + (3 if t == 0x03 else 0)):
                    _, i = get_varint(p, i)                # ranges, ECN counts
                out.append((t, None))
            elif t == 0x06:
                _, i = get_varint(p, i)
                n, i = get_varint(p, i)
                i += n
                out.append((t, None))
            elif t in (0x1c, 0x1d):
                err, i = get_varint(p, i)
                ft = None
                if t == 0x1c:
                    ft, i = get_varint(p, i)
                n, i = get_varint(p, i)
                out.append((t, (err, ft, bytes(p[i:i + n]))))
                return out
            else:
                out.append(("?", f"frame type 0x{t:02x}"))
                return out
            if i > len(p):
                raise IndexError
    except IndexError:
        out.append(("?", "a frame cut short"))
    return out

def frames_text(frames):
    return ", ".join(f if t == "?" else FRAME_NAMES[t] for t, f in frames) or "no frames"

# --- the probes ---

# the crypto above, checked first: FIPS-197 C.1 and RFC 9001 A.1
assert aes_block(aes_key(bytes(range(16))), bytes.fromhex("00112233445566778899aabbccddeeff")) == \
    bytes.fromhex("69c4e0d86a7b0430d8cdb78070b4c55a"), "AES self-test"
assert [k.hex() for k in client_keys(bytes.fromhex("8394c8f03e515708"))] == [
    "1f369613dd76d5467730efcbe3b1a22d", "fa044b2f42a3fd3b46fb255c",
    "9f50449e04a0e810283a1e9933adedd2"], "RFC 9001 Initial keys self-test"
# RFC 9001 A.3: the server's Initial, opened with the server keys
rfc_srv, _ = open_initials(bytes.fromhex(
    "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a"
    "5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3"
    "dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84"
    "022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4"
    "2158407dd074ee"), server_keys(bytes.fromhex("8394c8f03e515708")))
assert len(rfc_srv) == 1 and rfc_srv[0][0] == 1 and len(rfc_srv[0][1]) == 99 and \
    rfc_srv[0][1][:16].hex() == "02000000000600405a020000560303ee", "RFC 9001 server Initial self-test"
host, port, sks = sys.argv[1], int(sys.argv[2]), sys.argv[3]
fam = socket.AF_INET6 if ":" in host else socket.AF_INET

def probe(data, wait):
    """Send one datagram from a new socket; the first reply or None."""
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(wait)
    try:
        s.sendto(data, (host, port))
        return s.recvfrom(65536)[0]
    except socket.timeout:
        return None
    finally:
        s.close()

def result(name, ok, why=""):
    print(f"PASS {name}" if ok else f"FAIL {name}: {why}", flush=True)

def probe_all(probes, wait):
    """Send each datagram from its own socket, collect replies for wait
    seconds; [(what, data, first reply or None)]."""
    socks = []
    for what, data in probes:
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.sendto(data, (host, port))
        socks.append(s)
    replies = {}
    end = time.monotonic() + wait
    while len(replies) < len(socks) and time.monotonic() < end:
        ready, _, _ = select.select([s for s in socks if s not in replies], [], [],
                                    max(0, end - time.monotonic()))
        for s in ready:
            replies[s] = s.recv(65536)
    out = [(w, d, replies.get(s)) for (w, d), s in zip(probes, socks)]
    for s in socks:
        s.close()
    return out

def expect_silence(name, probes, wait=2.0):
    for what, data, r in probe_all(probes, wait):
        if r is not None:
            result(name, False, f"{what} ({len(data)} bytes) got a {len(r)}-byte reply "
                   f"starting {r[:8].hex()}; it must be dropped")
            return
    result(name, True)

rnd = os.urandom

def count_socks():
    with open(sks) as f:
        return len(f.read().splitlines()) - 1

socks_before = count_socks()   # the listener (and whatever was there)

# datagrams that are not QUIC at all: short-header form with the fixed bit
# clear, or short headers for connection IDs nobody issued (a stateless
# reset, smaller than the trigger, is allowed for those)
name = "malformed_garbage"
bad = None
for what, data, r in probe_all([
        ("an empty datagram", b""), ("one zero byte", b"\x00"),
        ("50 bytes, fixed bit clear", bytes([rnd(1)[0] & 0x3f]) + rnd(49)),
        ("1500-byte short header, unknown CID", bytes([0x40 | (rnd(1)[0] & 0x3f)]) + rnd(1499))], 2.0):
    if r is not None and (r[0] & 0x80 or len(r) >= max(len(data), 21)):
        bad = f"{what} got a {len(r)}-byte reply starting {r[:8].hex()}"
        break
result(name, bad is None, bad)

# fresh connection IDs for every datagram: a connection wrongly made from
# one must not capture the next (the kernel routes by DCID first)
def v1_hdr():
    return b"\xc3" + struct.pack(">I", 1) + b"\x08" + rnd(8) + b"\x08" + rnd(8) + b"\x00"
expect_silence("malformed_long_header_truncated", [
    ("first byte only", b"\xc0"),
    ("first byte and version", b"\xc0\x00\x00\x00\x01"),
    ("DCID cut short", b"\xc0\x00\x00\x00\x01\x08\x01\x02\x03"),
    ("no SCID length", b"\xc0\x00\x00\x00\x01\x08" + rnd(8)),
    ("no token length", b"\xc0\x00\x00\x00\x01\x08" + rnd(8) + b"\x08" + rnd(8)),
    ("no Length field", v1_hdr()),
    ("1200 bytes, DCID length 21",
     (b"\xc3\x00\x00\x00\x01\x15" + rnd(21) + b"\x08" + rnd(8) + b"\x00\x44\xa0").ljust(1200, b"\x00")),
    ("1200 bytes, Length past the datagram",
     (v1_hdr() + struct.pack(">I", 0x80000000 | 5000)).ljust(1200, b"\x11")),
    ("1200 bytes, token length past the datagram",
     (b"\xc3\x00\x00\x00\x01\x08" + rnd(8) + b"\x08" + rnd(8) +
      struct.pack(">I", 0x80000000 | 100000)).ljust(1200, b"\x00")),
])

# a well-formed Initial header with a payload that cannot be decrypted
hdr = v1_hdr()
expect_silence("malformed_initial_undecryptable", [
    ("1200-byte Initial, random payload",
     hdr + struct.pack(">H", 0x4000 | (1198 - len(hdr))) + rnd(1198 - len(hdr))),
])

# an Initial in a datagram under 1200 bytes must be dropped even though it
# decrypts (RFC 9000 14.1); the same packet at 1200 bytes is the control case
bogus_ch = b"\x01\x00\x00\x04\x03\x03\x00\x00"   # a ClientHello too short to parse
expect_silence("malformed_initial_small", [
    ("1000-byte valid Initial", client_initial(rnd(8), rnd(8), crypto_frame(bogus_ch), 1000)),
])

# unknown version: a Version Negotiation packet listing v1 and v2, with
# the connection IDs swapped (RFC 8999, RFC 9000 6); small ones are dropped
unknown = 0x1a2a3a4a
expect_silence("malformed_unknown_version_small", [
    ("100 bytes, version 0x1a2a3a4a",
     (b"\xc0" + struct.pack(">I", unknown) + b"\x08" + rnd(8) + b"\x08" + rnd(8)).ljust(100, b"\x00")),
])
dcid, scid = rnd(8), rnd(8)
r = probe((bytes([0xc0 | (rnd(1)[0] & 0x3f)]) + struct.pack(">I", unknown) + b"\x08" + dcid +
           b"\x08" + scid).ljust(1200, b"\x00"), 5.0)
name = "malformed_version_negotiation"
if r is None:
    result(name, False, "no Version Negotiation packet for version 0x1a2a3a4a")
else:
    try:
        assert r[0] & 0x80, f"first byte 0x{r[0]:02x} is not a long header"
        (v,) = struct.unpack(">I", r[1:5])
        assert v == 0, f"version field 0x{v:08x}, expected 0"
        n = r[5]; rd = r[6:6 + n]; m = r[6 + n]; rs = r[7 + n:7 + n + m]
        assert rd == scid and rs == dcid, f"connection IDs not echoed back swapped (dcid {rd.hex()}, scid {rs.hex()})"
        rest = r[7 + n + m:]
        assert rest and len(rest) % 4 == 0, f"{len(rest)} bytes of version list"
        vers = [struct.unpack(">I", rest[i:i + 4])[0] for i in range(0, len(rest), 4)]
        lst = ", ".join(f"0x{x:08x}" for x in vers)
        assert 1 in vers and 0x6b3343cf in vers, f"versions {lst}: v1 or v2 missing"
        assert unknown not in vers, f"versions {lst} include the one the client asked for"
        print(f"INFO {name}: versions {lst}")
        result(name, True)
    except AssertionError as e:
        result(name, False, str(e))

# nothing so far may have created a connection
name = "malformed_no_junk_accepted"
end = time.monotonic() + 2.0
n = count_socks()
while n <= socks_before and time.monotonic() < end:
    time.sleep(0.1)
    n = count_socks()
if n > socks_before:
    result(name, False, f"{n - socks_before} connection(s) appeared in {sks} after the junk above "
           "(an Initial that does not decrypt, or is otherwise bad, must not be queued for accept())")
else:
    result(name, True)

# control: the same valid Initial at 1200 bytes must get an answer (ACK,
# handshake or CONNECTION_CLOSE for the unparsable ClientHello): proves the
# Initials above were well-formed and dropped for the right reason
r = probe(client_initial(rnd(8), rnd(8), crypto_frame(bogus_ch), 1200), 5.0)
name = "malformed_initial_bad_clienthello"
if r is None:
    result(name, False, "a valid 1200-byte Initial got no reply in 5 s (so the drops above prove little)")
elif not (r[0] & 0x80) or struct.unpack(">I", r[1:5])[0] != 1:
    result(name, False, f"reply is not a v1 long-header packet: {r[:8].hex()}")
else:
    print(f"INFO {name}: {len(r)}-byte reply, packet type {(r[0] >> 4) & 3}")
    result(name, True)

def expect_close(name, frames, want, pad_first=False):
    """Send a valid 1200-byte Initial (fresh IDs, a DCID of 8 to 20 bytes)
    carrying frames; PASS if an Initial from the server, opened with the
    server Initial keys of that DCID, has a CONNECTION_CLOSE (0x1c) with
    error code want (after PADDING and ACK frames) within 5 s."""
    dcid, scid = rnd(8 + rnd(1)[0] % 13), rnd(8)
    keys = server_keys(dcid)
    got = []
    s = socket.socket(fam, socket.SOCK_DGRAM)
    try:
        s.sendto(client_initial(dcid, scid, frames, 1200, pad_first=pad_first), (host, port))
        end = time.monotonic() + 5.0
        while time.monotonic() < end:
            if not select.select([s], [], [], max(0, end - time.monotonic()))[0]:
                break
            d = s.recv(65536)
            pkts, notes = open_initials(d, keys)
            parts = []
            for pn, payload in pkts:
                fr = parse_frames(payload)
                parts.append(f"Initial {pn}: {frames_text(fr)}")
                t, f = fr[-1] if fr else (None, None)
                if t not in (0x1c, 0x1d):
                    continue
                err, ft, reason = f
                why = f", reason {reason.decode('utf-8', 'replace')!r}" if reason else ""
                if t == 0x1d:
                    result(name, False, f"CONNECTION_CLOSE of the application type (0x1d) in an "
                           f"Initial: error {errname(err)}{why}; expected 0x1c with {errname(want)}")
                elif err != want:
                    result(name, False, f"CONNECTION_CLOSE with error {errname(err)} (frame type "
                           f"0x{ft:02x}{why}); expected {errname(want)}")
                else:
                    print(f"INFO {name}: CONNECTION_CLOSE {errname(err)}, frame type 0x{ft:02x}{why}")
                    result(name, True)
                return
            got.append(f"{len(d)} bytes: " + "; ".join(parts + notes))
    finally:
        s.close()
    result(name, False, f"no CONNECTION_CLOSE in 5 s; received {' | '.join(got)}" if got
           else "no reply in 5 s")

# valid Initials with a bad frame: each must be answered by a
# CONNECTION_CLOSE with the right transport error (RFC 9000 12.4, 19.6, 7.5)
# in an Initial. PADDING goes first where the bad frame has to be last.
expect_close("malformed_crypto_truncated",      # Length 1000, 10 bytes of data
             b"\x06" + varint(0) + varint(1000) + rnd(10), 0x07, pad_first=True)
expect_close("malformed_crypto_beyond_limit",   # past the 64 KiB CRYPTO buffer
             b"\x06" + varint(70000) + varint(10) + rnd(10), 0x0d)
expect_close("malformed_frame_not_allowed",     # STREAM (0x08: to the end) in an Initial
             crypto_frame(b"\x01\x00\x01\x00\x03\x03") + b"\x08" + varint(0) + rnd(4), 0x0a,
             pad_first=True)
PY
cat "$tmp/probe.out"
for c in $probes; do
	if ! grep -qE "^(PASS|FAIL|SKIP) malformed_$c( |:|$)" "$tmp/probe.out"; then
		echo "FAIL malformed_$c: no result from the probe script: $(last "$tmp/probe.out")"
		failed=1
	fi
done
grep -q '^FAIL ' "$tmp/probe.out" && failed=1
# what the server made of it (connections accepted from the probes)
if grep -q '^conn ' "$slog"; then
	echo "INFO malformed_server_log: $(grep -v '^listening' "$slog" | tail -n 4 | tr '\n' '|')"
fi

clog=$tmp/client.log
if timeout 60 "$client" --addr 127.0.0.1 --port "$port" --psk "$psk" --timeout 30 \
	>"$clog" 2>&1 && grep -q '^echo ok 1024 bytes' "$clog"; then
	echo "PASS malformed_server_still_serves"
else
	echo "FAIL malformed_server_still_serves: $(last "$clog"); server: $(last "$slog")"
	failed=1
fi

kill "$srv_pid" 2>/dev/null
wait "$srv_pid" 2>/dev/null
srv_pid=
now=
for _ in $(seq 60); do
	now=$(count_socks)
	[ "$now" -le "$base" ] && break
	sleep 1
done
if [ "$now" -le "$base" ]; then
	echo "PASS malformed_no_socket_leak"
else
	echo "FAIL malformed_no_socket_leak: $now QUIC sockets 60 s after everything closed, $base before: $(tail -n +2 /proc/net/quic/sks | head -n 3 | tr '\n' '|')"
	failed=1
fi

exit "$failed"
