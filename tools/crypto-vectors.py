#!/usr/bin/env python3
# Computes the RFC 9001 Appendix A / RFC 9369 Appendix A packet protection
# vectors with OpenSSL (python3-cryptography), checks them against the
# values of shared/spec/vectors.md and the RFC hex that is certain, and
# writes src/kernel/crypto_vectors.h, the table the kernel self-test and the
# unit tests share:   tools/crypto-vectors.py [OUTPUT]
import hashlib, hmac, struct, sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

V1, V2 = 0x00000001, 0x6b3343cf
SALT = {V1: "38762cf7f55934b34d179ae6a4c80cadccbb7f0a",
        V2: "0dede3def700a6db819381be6e269dcbf9bd2ed9"}
LBL = {V1: "quic ", V2: "quicv2 "}
RETRY = {V1: ("be0c690b9f66575a1d766b54e368c84e", "461599d35d632bf2239825bb"),
         V2: ("8fb4b01b56ac48e260fbcbcead7ccc92", "d86969bc2d7c6d9990efb04a")}
H = bytes.fromhex

def extract(salt, ikm, h=hashlib.sha256):
    return hmac.new(salt, ikm, h).digest()

def expand_label(secret, label, n, h=hashlib.sha256):
    full = b"tls13 " + label.encode()
    info = struct.pack(">HB", n, len(full)) + full + b"\0"
    out, t, i = b"", b"", 0
    while len(out) < n:
        i += 1
        t = hmac.new(secret, t + info + bytes([i]), h).digest()
        out += t
    return out[:n]

def keys(secret, v, klen=16):
    return (expand_label(secret, LBL[v] + "key", klen),
            expand_label(secret, LBL[v] + "iv", 12),
            expand_label(secret, LBL[v] + "hp", klen))

def initial(v, dcid):
    init = extract(H(SALT[v]), dcid)
    return (init, expand_label(init, "client in", 32),
            expand_label(init, "server in", 32))

def aes_mask(hp, sample):
    e = Cipher(algorithms.AES(hp), modes.ECB()).encryptor()
    return e.update(sample)[:5]

def chacha_mask(hp, sample):
    e = Cipher(algorithms.ChaCha20(hp, sample), None).encryptor()
    return e.update(b"\0" * 5)

def protect(hdr, pn_len, pn, payload, key, iv, hp, chacha=False):
    nonce = bytes(a ^ b for a, b in zip(iv, pn.to_bytes(12, "big")))
    aead = ChaCha20Poly1305(key) if chacha else AESGCM(key)
    ct = aead.encrypt(nonce, payload, hdr)
    pkt = bytearray(hdr + ct)
    pn_off = len(hdr) - pn_len
    sample = bytes(pkt[pn_off + 4:pn_off + 20])
    mask = (chacha_mask if chacha else aes_mask)(hp, sample)
    pkt[0] ^= mask[0] & (0x0f if pkt[0] & 0x80 else 0x1f)
    for i in range(pn_len):
        pkt[pn_off + i] ^= mask[1 + i]
    return bytes(pkt)

def retry_tag(v, odcid, pkt):
    k, n = RETRY[v]
    return AESGCM(H(k)).encrypt(H(n), b"", bytes([len(odcid)]) + odcid + pkt)

def expect(name, got, want):
    if not got.startswith(H(want)):
        sys.exit(f"MISMATCH {name}: {got.hex()} != {want}")

DCID = H("8394c8f03e515708")
SCID = H("f067a5502a4262b5")
CHLO = H("060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
         "04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
         "616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
         "04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
         "baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
         "0d0010000e0403050306030203080408050806002d00020101001c0002400100"
         "3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
         "75300901100f088394c8f03e51570806048000ffff")
SHLO = H("02000000000600405a020000560303eefce7f7b37ba1d1632e96677825ddf739"
         "88cfc79825df566dc5430b9a045a1200130100002e00330024001d00209d3c94"
         "0d89690b84d08a60993c144eca684d1081287c834d5311bcf32bb9da1a002b00"
         "020304")
assert len(CHLO) == 245 and len(SHLO) == 99
CHLO_PAD = CHLO + bytes(1162 - len(CHLO))

out = {}
for v, tb in ((V1, 0), (V2, 1)):
    init, cs, ss = initial(v, DCID)
    ck, civ, chp = keys(cs, v)
    sk, siv, shp = keys(ss, v)
    first = 0xc0 | tb << 4
    chdr = bytes([first | 3]) + v.to_bytes(4, "big") + b"\x08" + DCID + b"\x00\x00\x44\x9e" + (2).to_bytes(4, "big")
    client = protect(chdr, 4, 2, CHLO_PAD, ck, civ, chp)
    assert len(client) == 1200
    sfirst = 0xc0 | ((0 if v == V1 else 1) << 4)
    shdr = bytes([sfirst | 1]) + v.to_bytes(4, "big") + b"\x00\x08" + SCID + b"\x00\x40\x75" + (1).to_bytes(2, "big")
    server = protect(shdr, 2, 1, SHLO, sk, siv, shp)
    rfirst = 0xff if v == V1 else 0xcf
    rpkt = bytes([rfirst]) + v.to_bytes(4, "big") + b"\x00\x08" + SCID + b"token"
    retry = rpkt + retry_tag(v, DCID, rpkt)
    out[v] = dict(init=init, cs=cs, ss=ss, ck=ck, civ=civ, chp=chp, sk=sk,
                  siv=siv, shp=shp, client_hdr=chdr, client=client,
                  server_hdr=shdr, server=server, retry=retry)

# the values of vectors.md and the RFC text that are certain
o1, o2 = out[V1], out[V2]
expect("v1 initial", o1["init"], "7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44")
expect("v1 client key", o1["ck"] + o1["civ"] + o1["chp"], "1f369613dd76d5467730efcbe3b1a22dfa044b2f42a3fd3b46fb255c9f50449e04a0e810283a1e9933adedd2")
expect("v1 server key", o1["sk"] + o1["siv"] + o1["shp"], "cf3a5331653c364c88f0f379b6067e370ac1493ca1905853b0bba03ec206b8d9b9f0f37644430b490eeaa314")
expect("v2 initial", o2["init"], "2062e8b3cd8d52092614b8071d0aa1fb7c2e3ac193f78b280e72d8f5751f6aba")
expect("v2 client key", o2["ck"] + o2["civ"] + o2["chp"], "8b1a0bc121284290a29e0971b5cd045d91f73e2351d8fa91660e909f45b95e15235d6f45a6b19cbcb0294ba9")
expect("v2 server key", o2["sk"] + o2["siv"] + o2["shp"], "82db637861d55e1d011f19ea71d5d2a7dd13c276499c0249d3310652edf6d05c83121201b436e16877593c3a")
expect("v1 client packet", o1["client"], "c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11d242b123dc9b")
expect("v1 server packet", o1["server"], "cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc42158407dd074ee")
expect("v1 retry", o1["retry"], "ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba")
expect("v2 retry", o2["retry"], "cf6b3343cf0008f067a5502a4262b5746f6b656ec8646ce8bfe33952d955543665dcc7b6")

# ChaCha20-Poly1305 short header (A.5), and the same secret with v2 labels
CS = H("9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b")
cha = {}
for v in (V1, V2):
    k, iv, hp = keys(CS, v, 32)
    ku = expand_label(CS, LBL[v] + "ku", 32)
    pkt = protect(H("4200bff4"), 3, 654360564, b"\x01", k, iv, hp, chacha=True)
    cha[v] = dict(k=k, iv=iv, hp=hp, ku=ku, pkt=pkt)
expect("chacha key", cha[V1]["k"] + cha[V1]["iv"] + cha[V1]["hp"] + cha[V1]["ku"],
       "c6d98ff3441c3fe1b2182094f69caa2ed4b716b65488960a7a984979fb23e1c8e0459b3474bdd0e44a41c14425a282b9e82f06f21f488917a4fc8f1b73573685608597d0efcb076b0ab7a7a41223504755036d556342ee9361d253421a826c9ecdf3c7148684b36b714881f9")
expect("chacha packet", cha[V1]["pkt"], "4cfe4189655e5cd55c41f69080575d7999c25a5bfb")
expect("chacha v2 packet", cha[V2]["pkt"], "5558b1c60ae7b6b932bc27d786f4bc2bb20f2162ba")

def carr(name, data):
    lines = [f"static const u8 {name}[{len(data)}] __maybe_unused = {{"]
    for i in range(0, len(data), 12):
        lines.append("\t" + " ".join(f"0x{b:02x}," for b in data[i:i + 12]))
    lines.append("};")
    return "\n".join(lines) + "\n"

h = ["/* SPDX-License-Identifier: GPL-2.0-or-later */",
     "/* QUIC packet protection test vectors (generated by tools/crypto-vectors.py). */",
     "",
     "#ifndef __QUIC_CRYPTO_VECTORS_H__",
     "#define __QUIC_CRYPTO_VECTORS_H__",
     "",
     "/* each user takes what it checks (userspace defines __maybe_unused) */",
     "",
     "/* RFC 9001 A.2 / RFC 9369 A.2 client Initial: CRYPTO frame with the",
     " * ClientHello; the packet is padded with zeros to 1200 bytes",
     " */",
     carr("qv_client_crypto", CHLO),
     "/* RFC 9001 A.3 / RFC 9369 A.3 server Initial payload: ACK, CRYPTO */",
     carr("qv_server_payload", SHLO),
     "/* client DCID = original DCID of the Retry; server SCID */",
     carr("qv_dcid", DCID), carr("qv_scid", SCID)]
for v, tag in ((V1, "v1"), (V2, "v2")):
    o = out[v]
    h.append(f"/* QUIC {tag}: Initial secrets, client and server Initial packets, Retry */")
    for key in ("cs", "ss", "ck", "civ", "chp", "sk", "siv", "shp"):
        h.append(carr(f"qv_{tag}_{key}", o[key]))
    h.append(carr(f"qv_{tag}_client_hdr", o["client_hdr"]))
    h.append(carr(f"qv_{tag}_client", o["client"]))
    h.append(carr(f"qv_{tag}_server_hdr", o["server_hdr"]))
    h.append(carr(f"qv_{tag}_server", o["server"]))
    h.append(carr(f"qv_{tag}_retry", o["retry"]))
h.append("/* RFC 9001 A.5 ChaCha20-Poly1305 short header, 1-RTT secret; v2 labels too */")
h.append(carr("qv_cha_secret", CS))
for v, tag in ((V1, "v1"), (V2, "v2")):
    for key in ("k", "iv", "hp", "ku", "pkt"):
        h.append(carr(f"qv_cha_{tag}_{key}", cha[v][key]))
h.append("#endif /* __QUIC_CRYPTO_VECTORS_H__ */")
text = "\n".join(h) + "\n"
if len(sys.argv) > 1:
    open(sys.argv[1], "w").write(text)
print("all reference values match", file=sys.stderr)
