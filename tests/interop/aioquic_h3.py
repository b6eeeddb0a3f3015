#!/usr/bin/env python3
# aioquic_h3.py: an HTTP/3 peer on aioquic (python3-aioquic) for the interop
# matrix (tests/interop/run.sh). One script, two roles:
#
#   aioquic_h3.py server --addr A --port P --cert F --key F --dir DIR
#                        [--retry] [--v2] [--chacha20] [--count N]
#   aioquic_h3.py client --ca F --sni NAME [--v2] [--chacha20] [--key-update]
#                        [--session FILE] [--zerortt] [--deaf] [--timeout S]
#                        --out DIR URL...
#
# server: prints "listening on PORT", serves the regular files of DIR to GET
# (404 otherwise), exits after N connections (0: never).
# client: GETs every URL over one connection (all requests in parallel),
# writes each body to DIR/<basename of the path>, prints per URL
# "GET /path -> STATUS BYTES sha256=HEX", and "retry ok" when the server
# sent a Retry, "resumed" when the TLS session was resumed, "zerortt
# accepted" when 0-RTT data was accepted, "key update ok" when a key update
# it started completed. --session FILE loads a session ticket from FILE if
# it exists and stores the newest one received. --deaf: ignores every
# datagram it receives (the amplification limit case: the server sees only
# the client's Initials) and runs until --timeout. Exit 0 when every
# response was 200 and complete.
import argparse
import asyncio
import hashlib
import logging
import os
import pickle
import ssl
import sys
from urllib.parse import urlparse

from aioquic.asyncio import connect, serve
from aioquic.asyncio.protocol import QuicConnectionProtocol
from aioquic.h3.connection import H3_ALPN, H3Connection
from aioquic.h3.events import DataReceived, HeadersReceived
from aioquic.quic import events
from aioquic.quic.configuration import QuicConfiguration
from aioquic.quic.packet import QuicProtocolVersion
from aioquic import tls
from aioquic.tls import CipherSuite

V2 = QuicProtocolVersion.VERSION_2


def say(line):
    print(line, flush=True)


class Server(QuicConnectionProtocol):
    def __init__(self, *a, root, state, **kw):
        super().__init__(*a, **kw)
        self.http = None
        self.root = root
        self.state = state
        self.done = False

    def quic_event_received(self, ev):
        if isinstance(ev, events.ProtocolNegotiated):
            self.http = H3Connection(self._quic)
        elif isinstance(ev, events.ConnectionTerminated) and not self.done:
            self.done = True
            self.state.ended()
        if self.http is None:
            return
        for h in self.http.handle_event(ev):
            if isinstance(h, HeadersReceived):
                self.respond(h)

    def respond(self, h):
        hdr = dict(h.headers)
        path = hdr.get(b":path", b"/").decode().split("?")[0]
        name = os.path.normpath(path.lstrip("/"))
        full = os.path.join(self.root, name)
        if name.startswith("..") or not os.path.isfile(full) or hdr.get(b":method") != b"GET":
            self.http.send_headers(h.stream_id, [(b":status", b"404")], end_stream=True)
        else:
            with open(full, "rb") as f:
                body = f.read()
            self.http.send_headers(h.stream_id, [(b":status", b"200"),
                                                 (b"content-length", str(len(body)).encode())])
            self.http.send_data(h.stream_id, body, end_stream=True)
        self.transmit()


class ServerState:
    def __init__(self, count):
        self.count, self.n = count, 0
        self.all_done = asyncio.get_running_loop().create_future()

    def ended(self):
        self.n += 1
        if self.count and self.n >= self.count and not self.all_done.done():
            self.all_done.set_result(None)


class Tickets:
    """In-memory session ticket store for the server (resumption, 0-RTT)."""

    def __init__(self):
        self.t = {}

    def add(self, ticket):
        self.t[ticket.ticket] = ticket

    def pop(self, label):
        return self.t.pop(label, None)


async def run_server(a, cfg):
    state = ServerState(a.count)
    tickets = Tickets()
    server = await serve(a.addr, a.port, configuration=cfg, retry=a.retry,
                         session_ticket_fetcher=tickets.pop,
                         session_ticket_handler=tickets.add,
                         create_protocol=lambda *x, **k: Server(*x, root=a.dir, state=state, **k))
    say(f"listening on {server._transport.get_extra_info('sockname')[1]}")
    try:
        await state.all_done
        await asyncio.sleep(0.2)
    finally:
        server.close()
    return 0


class Client(QuicConnectionProtocol):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.http = H3Connection(self._quic)
        self.reqs = {}
        self.deaf = False
        self.handshake = asyncio.get_running_loop().create_future()
        self.closed = asyncio.get_running_loop().create_future()

    def datagram_received(self, data, addr):
        if not self.deaf:
            super().datagram_received(data, addr)

    def get(self, url, authority):
        sid = self._quic.get_next_available_stream_id()
        fut = asyncio.get_running_loop().create_future()
        self.reqs[sid] = {"status": 0, "body": bytearray(), "fut": fut}
        u = urlparse(url)
        self.http.send_headers(sid, [(b":method", b"GET"), (b":scheme", b"https"),
                                     (b":authority", authority.encode()),
                                     (b":path", (u.path or "/").encode())], end_stream=True)
        self.transmit()
        return sid, fut

    def quic_event_received(self, ev):
        if isinstance(ev, events.HandshakeCompleted):
            if not self.handshake.done():
                self.handshake.set_result(ev)
        elif isinstance(ev, events.ConnectionTerminated):
            for r in self.reqs.values():
                if not r["fut"].done():
                    r["fut"].set_result(f"connection closed: 0x{ev.error_code:x} {ev.reason_phrase}")
            if not self.handshake.done():
                self.handshake.set_result(None)
            if not self.closed.done():
                self.closed.set_result(ev)
        for h in self.http.handle_event(ev):
            r = self.reqs.get(getattr(h, "stream_id", None))
            if r is None:
                continue
            if isinstance(h, HeadersReceived):
                r["status"] = int(dict(h.headers).get(b":status", b"0"))
            elif isinstance(h, DataReceived):
                r["body"] += h.data
            if getattr(h, "stream_ended", False) and not r["fut"].done():
                r["fut"].set_result(None)


async def run_client(a, cfg):
    u0 = urlparse(a.urls[0])
    host, port = u0.hostname, u0.port or 443
    authority = f"{a.sni}:{port}"
    tickets = []
    if a.session and os.path.exists(a.session):
        with open(a.session, "rb") as f:
            cfg.session_ticket = pickle.load(f)
    async with connect(host, port, configuration=cfg, create_protocol=Client,
                       session_ticket_handler=tickets.append,
                       wait_connected=False) as c:
        c.transmit()  # wait_connected=False: the Initial is not sent yet
        if a.deaf:
            c.deaf = True
            await asyncio.sleep(a.timeout)
            return 0
        early = []
        if a.zerortt:
            # requests go out in 0-RTT packets, before the handshake ends
            early = [c.get(u, authority) for u in a.urls]
        hs = await asyncio.wait_for(c.handshake, a.timeout)
        if hs is None:
            say("handshake failed")
            return 1
        q = c._quic
        if getattr(q, "_retry_count", 0):
            say("retry ok")
        if hs.session_resumed:
            say("resumed")
        if hs.early_data_accepted:
            say("zerortt accepted")
        if a.key_update:
            q.request_key_update()
            c.transmit()
        reqs = early if early else [c.get(u, authority) for u in a.urls]
        ok = True
        for url, (sid, fut) in zip(a.urls, reqs):
            err = await asyncio.wait_for(fut, a.timeout)
            r = c.reqs[sid]
            path = urlparse(url).path
            body = bytes(r["body"])
            with open(os.path.join(a.out, os.path.basename(path)), "wb") as f:
                f.write(body)
            st = r["status"] if err is None else 0
            say(f"GET {path} -> {st} {len(body)} sha256={hashlib.sha256(body).hexdigest()}"
                + (f" ({err})" if err else ""))
            ok = ok and st == 200
        if a.key_update and ok:
            # aioquic switched both directions at once: the responses only
            # decrypted because the server answered in the new key phase
            say(f"key update ok phase={q._cryptos[tls.Epoch.ONE_RTT].recv.key_phase}")
        await asyncio.sleep(0.3)  # session tickets arrive after the handshake
        if a.session and tickets:
            with open(a.session, "wb") as f:
                pickle.dump(tickets[-1], f)
        c.close()
        return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=["server", "client"])
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--dir")
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--retry", action="store_true")
    ap.add_argument("--v2", action="store_true")
    ap.add_argument("--chacha20", action="store_true")
    ap.add_argument("--ca")
    ap.add_argument("--sni", default="localhost")
    ap.add_argument("--key-update", action="store_true")
    ap.add_argument("--session")
    ap.add_argument("--zerortt", action="store_true")
    ap.add_argument("--deaf", action="store_true")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--out", default=".")
    ap.add_argument("urls", nargs="*")
    a = ap.parse_args()
    # QUIC_AIOQUIC_LOG=1: aioquic's own log (packet losses, the
    # CONNECTION_CLOSE it sends and why) on stderr, for tracing a cell
    if os.environ.get("QUIC_AIOQUIC_LOG"):
        logging.basicConfig(level=logging.DEBUG, format="%(relativeCreated)d %(name)s %(message)s")
    else:
        logging.getLogger("quic").setLevel(logging.CRITICAL)
    cfg = QuicConfiguration(is_client=a.role == "client", alpn_protocols=H3_ALPN,
                            max_datagram_frame_size=None)
    if a.v2:
        cfg.supported_versions = [V2]
    if a.chacha20:
        cfg.cipher_suites = [CipherSuite.CHACHA20_POLY1305_SHA256]
    if a.role == "server":
        cfg.load_cert_chain(a.cert, a.key)
        cfg.max_early_data = 0xffffffff
        return asyncio.run(run_server(a, cfg))
    cfg.load_verify_locations(cafile=a.ca)
    cfg.verify_mode = ssl.CERT_REQUIRED
    cfg.server_name = a.sni
    try:
        return asyncio.run(run_client(a, cfg))
    except asyncio.TimeoutError:
        say(f"timed out after {a.timeout:g} s")
        return 1


if __name__ == "__main__":
    sys.exit(main())
