#!/usr/bin/env python3
# sniff.py IFACE SERVER_IP PORT OUT: what the interop matrix
# (tests/interop/run.sh) needs to see on the wire, from an AF_PACKET socket
# on the server's veth. Counts the IPv4/UDP datagrams to and from
# SERVER_IP:PORT until SIGTERM, then writes "key value" lines to OUT:
#
#   c_pkts/s_pkts, c_bytes/s_bytes      datagrams and UDP payload bytes from
#                                       the client / from the server
#   c_ect/s_ect, c_ce/s_ce              datagrams marked ECT(0) or ECT(1),
#                                       and CE
#   retry                               Retry packets from the server
#   amp_max_ratio_x100                  the largest 100 * server bytes /
#                                       client bytes seen before the client's
#                                       first Handshake packet (the address
#                                       validation of RFC 9000 8.1); <= 300
#                                       when the anti-amplification limit holds
#   c_handshake                         1 once the client sent a Handshake
#                                       packet
#   versions                            long header versions seen
#
# SIGUSR1 writes the counts so far to OUT (through OUT.tmp, renamed) and
# starts them again from zero: one sniffer serves a whole matrix, a cell
# removes OUT, sends SIGUSR1 at its start and its end and reads OUT.
#
# With a fifth argument LOG, one line per datagram goes there too (time,
# c/s, UDP payload bytes, the long header types, the first packet's
# Destination Connection ID), for tracing a cell. Where aioquic can be
# imported, the frames of the version 1 Initial packets follow, decrypted
# with the keys of the client's first Destination Connection ID: CRYPTO
# offset+length, ACK ranges, PING, CONNECTION_CLOSE code; with
# $SSLKEYLOGFILE (a key log of the peer: curl writes one), the Handshake
# packets' too.
import os
import signal
import socket
import struct
import sys
import time

iface, server_ip, port, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
log = open(sys.argv[5], "w", buffering=1) if len(sys.argv) > 5 else None
t_start = time.monotonic()
V1, V2 = 0x00000001, 0x6B3343CF
# long header packet types by version: Initial, 0-RTT, Handshake, Retry
TYPES = {V1: {0: "i", 1: "z", 2: "h", 3: "r"}, V2: {1: "i", 2: "z", 3: "h", 0: "r"}}

ZERO = dict(c_pkts=0, s_pkts=0, c_bytes=0, s_bytes=0, c_ect=0, s_ect=0, c_ce=0, s_ce=0,
            retry=0, amp_max_ratio_x100=0, c_handshake=0)
st = dict(ZERO)
versions = set()
pre_c = pre_s = 0  # bytes before the client's first Handshake packet


def varint(b, i):
    n = 1 << (b[i] >> 6)
    v = b[i] & 0x3F
    for k in range(1, n):
        v = (v << 8) | b[i + k]
    return v, i + n


def long_types(p):
    """The types of the coalesced long header packets of datagram p."""
    i, types = 0, []
    while i + 7 < len(p) and p[i] & 0x80:
        ver = struct.unpack_from("!I", p, i + 1)[0]
        versions.add(ver)
        t = TYPES.get(ver, {}).get((p[i] >> 4) & 3)
        if t is None:
            break
        types.append(t)
        if t == "r":
            break
        j = i + 5
        j += 1 + p[j]
        j += 1 + p[j]
        if t == "i":
            tl, j = varint(p, j)
            j += tl
        ln, j = varint(p, j)
        i = j + ln
    return types


odcids = {}  # client port: the Destination Connection ID of its first Initial


hs_ctx = {}  # (client port, side): the CryptoContext that decrypted its Handshake packets


def keylog_secrets(label):
    """The secrets of LABEL in the key log named by $SSLKEYLOGFILE."""
    try:
        with open(os.environ["SSLKEYLOGFILE"]) as f:
            return [bytes.fromhex(ln.split()[2]) for ln in f if ln.startswith(label + " ")]
    except (KeyError, OSError, IndexError, ValueError):
        return []


largest_pn = {}  # (client port, side, kind): the largest packet number seen


def key_decrypt(pkt, off, side, cport, kind):
    """Decrypt a Handshake (kind "h") or 1-RTT ("1") packet with a secret
    of the key log (tried in turn, the one that worked kept per
    connection, side and kind)."""
    from aioquic.quic.crypto import CryptoContext
    from aioquic.tls import CipherSuite
    key = (cport, side, kind)
    exp = largest_pn.get(key, -1) + 1
    if key in hs_ctx:
        r = hs_ctx[key].decrypt_packet(pkt, off, exp)
    else:
        who = "CLIENT" if side == "c" else "SERVER"
        label = f"{who}_HANDSHAKE_TRAFFIC_SECRET" if kind == "h" else f"{who}_TRAFFIC_SECRET_0"
        r = None
        for sec in keylog_secrets(label):
            suites = [CipherSuite.AES_256_GCM_SHA384] if len(sec) == 48 else \
                [CipherSuite.AES_128_GCM_SHA256, CipherSuite.CHACHA20_POLY1305_SHA256]
            for cs in suites:
                ctx = CryptoContext()
                ctx.setup(cipher_suite=cs, secret=sec, version=V1)
                try:
                    r = ctx.decrypt_packet(pkt, off, exp)
                except Exception:  # noqa: BLE001 - not this secret
                    continue
                hs_ctx[key] = ctx
                break
            if r:
                break
        if not r:
            raise ValueError("no key")
    largest_pn[key] = max(largest_pn.get(key, -1), r[2])
    return r


def frames_text(pl):
    """The frames of a decrypted payload, as text."""
    fr, j, pad = [], 0, 0
    while j < len(pl):
        t, j = varint(pl, j)
        if t == 0:
            pad += 1
            continue
        if t in (1, 0x1E):
            fr.append("PING" if t == 1 else "HANDSHAKE_DONE")
        elif t in (2, 3):
            la, j = varint(pl, j)
            _, j = varint(pl, j)
            n, j = varint(pl, j)
            r, j = varint(pl, j)
            rs = [f"{la - r}-{la}"]
            lo = la - r
            for _ in range(n):
                g, j = varint(pl, j)
                r, j = varint(pl, j)
                hi = lo - g - 2
                rs.append(f"{hi - r}-{hi}")
                lo = hi - r
            if t == 3:
                for _ in range(3):
                    _, j = varint(pl, j)
            fr.append("ACK " + ",".join(rs))
        elif t == 6:
            o, j = varint(pl, j)
            ln, j = varint(pl, j)
            j += ln
            fr.append(f"CRYPTO {o}+{ln}")
        elif 8 <= t <= 0xF:
            sid, j = varint(pl, j)
            o = 0
            if t & 4:
                o, j = varint(pl, j)
            if t & 2:
                ln, j = varint(pl, j)
            else:
                ln = len(pl) - j
            j += ln
            fr.append(f"STREAM {sid} {o}+{ln}{' FIN' if t & 1 else ''}")
        elif t in (4, 5):
            sid, j = varint(pl, j)
            c, j = varint(pl, j)
            if t == 4:
                _, j = varint(pl, j)
            fr.append(f"{'RESET_STREAM' if t == 4 else 'STOP_SENDING'} {sid} {c:#x}")
        elif t in (0x10, 0x12, 0x13, 0x14, 0x16, 0x17):
            v, j = varint(pl, j)
            fr.append(f"type{t:#x} {v}")
        elif t in (0x11, 0x15):
            sid, j = varint(pl, j)
            v, j = varint(pl, j)
            fr.append(f"{'MAX_STREAM_DATA' if t == 0x11 else 'STREAM_DATA_BLOCKED'} {sid} {v}")
        elif t == 0x18:
            _, j = varint(pl, j)
            _, j = varint(pl, j)
            j += 1 + pl[j] + 16
            fr.append("NCID")
        elif t == 0x19:
            _, j = varint(pl, j)
            fr.append("RCID")
        elif t == 7:
            ln, j = varint(pl, j)
            j += ln
            fr.append("NEW_TOKEN")
        elif t in (0x1C, 0x1D):
            c, _ = varint(pl, j)
            fr.append(f"CLOSE {c:#x}")
            break
        else:
            fr.append(f"type {t:#x}")
            break
    return " ".join(fr) + (f" pad{pad}" if pad else "")


def short_frames(p, side, cport):
    """The frames of a 1-RTT packet (key log needed); the server's
    connection IDs are taken as 8 bytes, the client's as 8 or empty."""
    err = None
    for dl in (8, 0) if side == "s" else (8,):
        try:
            r = key_decrypt(p, 1 + dl, side, cport, "1")
            return f"1#{r[2]}: " + frames_text(r[1])
        except Exception as e:  # noqa: BLE001 - a debug aid
            err = e
    return f"[{type(err).__name__}: {err}]"


def initial_frames(p, side, cport):
    """The frames of the v1 Initial (and, with a key log, Handshake)
    packets in datagram p, as text."""
    try:
        from aioquic.buffer import Buffer
        from aioquic.quic.crypto import CryptoPair
        from aioquic.quic.packet import pull_quic_header
    except ImportError:
        return ""
    out, i = [], 0
    while i + 7 < len(p) and p[i] & 0x80:
        if struct.unpack_from("!I", p, i + 1)[0] != V1:
            break
        ptype = (p[i] >> 4) & 3
        try:
            buf = Buffer(data=p[i:])
            hdr = pull_quic_header(buf, host_cid_length=8)
            end = hdr.packet_length
            if ptype == 0 and side == "c" and cport not in odcids:
                odcids[cport] = hdr.destination_cid
            if ptype == 2:
                r = key_decrypt(p[i:i + end], buf.tell(), side, cport, "h")
                pl, pn = r[1], r[2]
            elif ptype != 0 or cport not in odcids:
                i += end
                continue
            else:
                pair = CryptoPair()
                pair.setup_initial(cid=odcids[cport], is_client=side == "s", version=V1)
                _, pl, pn = pair.decrypt_packet(p[i:i + end], buf.tell(), 0)
        except Exception as e:  # noqa: BLE001 - a debug aid: say why and go on
            out.append(f"[{type(e).__name__}: {e}]")
            break
        out.append(f"{'ih'[ptype // 2]}#{pn}: " + frames_text(pl))
        i += end
    return " | ".join(out)


def dump():
    st["versions"] = ",".join(f"0x{v:08x}" for v in sorted(versions)) or "-"
    with open(out + ".tmp", "w") as f:
        for k, v in st.items():
            f.write(f"{k} {v}\n")
    os.rename(out + ".tmp", out)


def done(*_):
    dump()
    sys.exit(0)


def mark(*_):
    global st, pre_c, pre_s
    dump()
    st = dict(ZERO)
    versions.clear()
    pre_c = pre_s = 0


signal.signal(signal.SIGTERM, done)
signal.signal(signal.SIGINT, done)
signal.signal(signal.SIGUSR1, mark)
# ETH_P_ALL: a socket for one protocol does not see the outgoing packets
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind((iface, 0))
sip = socket.inet_aton(server_ip)
with open(out + ".ready", "w") as f:
    f.write("ready\n")
while True:
    try:
        f = s.recv(65600)
    except InterruptedError:
        continue
    if f[12:14] != b"\x08\x00":
        continue
    ip = f[14:]
    if len(ip) < 28 or ip[9] != 17:
        continue
    ihl = (ip[0] & 15) * 4
    sport, dport = struct.unpack_from("!HH", ip, ihl)
    payload = ip[ihl + 8:]
    ecn = ip[1] & 3
    if ip[12:16] == sip and sport == port:
        side = "s"
    elif ip[16:20] == sip and dport == port:
        side = "c"
    else:
        continue
    st[side + "_pkts"] += 1
    st[side + "_bytes"] += len(payload)
    if ecn in (1, 2):
        st[side + "_ect"] += 1
    elif ecn == 3:
        st[side + "_ce"] += 1
    types = long_types(payload) if payload and payload[0] & 0x80 else []
    if log:
        if payload and payload[0] & 0x80 and len(payload) > 6:
            dcid = payload[6:6 + payload[5]].hex()
        else:
            dcid = payload[1:9].hex()
        cport = sport if side == "c" else dport
        if "i" in types or "h" in types:
            fr = initial_frames(payload, side, cport)
        elif payload and not payload[0] & 0x80 and "SSLKEYLOGFILE" in os.environ:
            fr = short_frames(payload, side, cport)
        else:
            fr = ""
        log.write(f"{time.monotonic() - t_start:8.3f} {side} {sport}>{dport} {len(payload):5d} "
                  f"{''.join(types) or '1'} {dcid}{'  ' + fr if fr else ''}\n")
    if side == "s" and "r" in types:
        st["retry"] += 1
    if st["c_handshake"]:
        continue
    if side == "c" and "h" in types:
        st["c_handshake"] = 1
        continue
    if side == "c":
        pre_c += len(payload)
    else:
        pre_s += len(payload)
        if pre_c:
            st["amp_max_ratio_x100"] = max(st["amp_max_ratio_x100"], pre_s * 100 // pre_c)
