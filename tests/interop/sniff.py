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
# Destination Connection ID), for tracing a cell.
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
        log.write(f"{time.monotonic() - t_start:8.3f} {side} {sport}>{dport} {len(payload):5d} "
                  f"{''.join(types) or '1'} {dcid}\n")
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
