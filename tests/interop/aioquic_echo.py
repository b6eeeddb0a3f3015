#!/usr/bin/env python3
# aioquic_echo.py: a real QUIC peer for interop tests, built on aioquic
# (python3-aioquic, Debian trixie; bookworm does not package it). One script,
# two roles, speaking the echo protocol our C examples
# (tools/examples/quic-echo-client and quic-echo-server) implement:
#
#   the client opens ONE bidirectional stream (id 0), sends N bytes, then FIN;
#   the server reads the stream until FIN and writes every byte back on the
#   same stream (as it arrives), then FIN; the client reads until FIN and
#   compares the length and SHA-256 with what it sent, then closes the
#   connection (CONNECTION_CLOSE, NO_ERROR).
#
# Usage:
#   aioquic_echo.py server --addr A --port P --cert F --key F [--alpn LIST]
#                          [--retry] [--v2] [--count N]
#   aioquic_echo.py client --addr A --port P [--ca F] [--sni NAME] [--insecure]
#                          [--alpn LIST] [--size BYTES] [--v2] [--timeout S]
#   common debugging options: -v (aioquic's debug log on stderr),
#   --qlog DIR (one qlog file per connection), --secrets FILE (TLS key log)
#
# Output, one line each, flushed:
#   server: "listening on PORT" once bound (--port 0 reports the real port);
#           per connection "handshake ok alpn=X version=0x........" and
#           "echo done BYTES sha256=HEX", or "connection failed: REASON".
#   client: "handshake ok alpn=X version=0x........", "retry ok" if the server
#           sent a Retry, then "echo ok BYTES sha256=HEX" or one
#           "aioquic_echo: ..." error line on stderr.
# Exit status: 0 success; 1 failure (client: handshake, echo, timeout;
# server: any of the --count connections failed); 2 bad usage or unusable
# files. The server runs until --count connections have ended (0: forever).
#
# --v2: the client offers only QUIC v2 (RFC 9369; its first Initial is v2);
# the server accepts only v2 (a v1 Initial gets a Version Negotiation packet).
# Without --v2 both support v1 and v2 (aioquic's default, first Initial v1,
# compatible version negotiation per RFC 9368 allowed).
#
# tests/scripts/interop_aioquic.sh runs it against our C programs in the VM.
# By hand: python3 aioquic_echo.py server --addr 127.0.0.1 --port 0 \
#   --cert server.pem --key server.key --count 1   (prints "listening on P")
# python3 aioquic_echo.py client --addr 127.0.0.1 --port P --ca ca.pem \
#   --sni localhost --size 1048576
import argparse
import asyncio
import hashlib
import logging
import os
import ssl
import sys

PROG = "aioquic_echo"

try:
    from aioquic.asyncio import connect, serve
    from aioquic.asyncio.protocol import QuicConnectionProtocol
    from aioquic.quic import events
    from aioquic.quic.configuration import QuicConfiguration
    from aioquic.quic.logger import QuicFileLogger
    from aioquic.quic.packet import QuicProtocolVersion
except ImportError as e:
    print(f"{PROG}: python3-aioquic is not installed ({e})", file=sys.stderr)
    sys.exit(1)

V1 = QuicProtocolVersion.VERSION_1
V2 = QuicProtocolVersion.VERSION_2


def say(line):
    print(line, flush=True)


def err(line):
    print(f"{PROG}: {line}", file=sys.stderr, flush=True)


def close_reason(ev):
    """One line for a ConnectionTerminated event."""
    code = ev.error_code
    what = f"error 0x{code:x}"
    if 0x100 <= code <= 0x1ff:
        what += f" (TLS alert {code - 0x100})"
    if ev.frame_type is not None:
        what += f", frame type 0x{ev.frame_type:x}"
    if ev.reason_phrase:
        what += f", reason '{ev.reason_phrase}'"
    return what


def version_of(quic):
    # aioquic has no public accessor for the negotiated version (1.2.0)
    v = getattr(quic, "_version", None)
    return f"0x{v:08x}" if v is not None else "unknown"


class EchoProtocol(QuicConnectionProtocol):
    """State shared by both roles: handshake line, termination event."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.handshake_done = False
        self.alpn = None
        self.terminated = None  # the ConnectionTerminated event
        self.ignored_streams = set()

    def quic_event_received(self, ev):
        if isinstance(ev, events.HandshakeCompleted):
            self.handshake_done = True
            self.alpn = ev.alpn_protocol
            say(f"handshake ok alpn={ev.alpn_protocol} version={version_of(self._quic)}")
            self.on_handshake()
        elif isinstance(ev, events.StreamDataReceived):
            self.on_stream_data(ev)
        elif isinstance(ev, events.StreamReset):
            self.on_stream_reset(ev)
        elif isinstance(ev, events.ConnectionTerminated):
            self.terminated = ev
            self.on_terminated(ev)

    def ignore_stream(self, stream_id, why):
        if stream_id not in self.ignored_streams:
            self.ignored_streams.add(stream_id)
            err(f"ignoring stream {stream_id}: {why}")

    def on_handshake(self):
        pass

    def on_stream_data(self, ev):
        pass

    def on_stream_reset(self, ev):
        pass

    def on_terminated(self, ev):
        pass


# ---------------------------------------------------------------- client


class EchoClient(EchoProtocol):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream_id = None
        self.received = 0
        self.hash = hashlib.sha256()
        self.done = self._loop.create_future()  # result: None, or error text
        self.payload = b""

    def finish(self, error=None):
        if not self.done.done():
            self.done.set_result(error)

    def on_handshake(self):
        if getattr(self._quic, "_retry_count", 0):
            say("retry ok")
        # the echo starts once the handshake is complete (no 0-RTT)
        self.stream_id = self._quic.get_next_available_stream_id()
        if self.stream_id != 0:
            self.finish(f"first stream id is {self.stream_id}, expected 0")
            return
        self._quic.send_stream_data(self.stream_id, self.payload, end_stream=True)
        self._transmit_soon()

    def on_stream_data(self, ev):
        if ev.stream_id != self.stream_id:
            self.ignore_stream(ev.stream_id, "the echo uses stream 0 only")
            return
        self.received += len(ev.data)
        self.hash.update(ev.data)
        if ev.end_stream:
            self.finish()

    def on_stream_reset(self, ev):
        if ev.stream_id == self.stream_id:
            self.finish(f"the server reset stream {ev.stream_id} with error 0x{ev.error_code:x} "
                        f"after {self.received} bytes")

    def on_terminated(self, ev):
        if not self.handshake_done:
            self.finish(f"handshake failed: {close_reason(ev)}")
        else:
            self.finish(f"connection closed before the echo ended "
                        f"({self.received} bytes received): {close_reason(ev)}")


async def run_client(args, cfg):
    payload = os.urandom(args.size)
    sent_hash = hashlib.sha256(payload).hexdigest()
    holder = {}

    def factory(*a, **kw):
        holder["p"] = EchoClient(*a, **kw)
        return holder["p"]

    async def session():
        # wait_connected=False: every outcome, a failed handshake included,
        # arrives through proto.done with the peer's or our close reason
        async with connect(args.addr, args.port, configuration=cfg,
                           create_protocol=factory, wait_connected=False) as proto:
            proto.payload = payload
            proto.transmit()
            error = await proto.done
            if error is not None:
                raise RuntimeError(error)
            return proto

    try:
        proto = await asyncio.wait_for(session(), args.timeout)
    except asyncio.TimeoutError:
        p = holder.get("p")
        if p is None or not p.handshake_done:
            err(f"timed out after {args.timeout:g} s: handshake with "
                f"{args.addr} port {args.port} not complete")
        else:
            err(f"timed out after {args.timeout:g} s: {p.received} of {args.size} "
                f"bytes echoed, no FIN")
        return 1
    except RuntimeError as e:
        err(str(e))
        return 1
    except OSError as e:
        err(f"{args.addr} port {args.port}: {e.strerror or e}")
        return 1

    got_hash = proto.hash.hexdigest()
    if proto.received != args.size or got_hash != sent_hash:
        err(f"echo mismatch: sent {args.size} bytes sha256={sent_hash}, "
            f"received {proto.received} bytes sha256={got_hash}")
        return 1
    say(f"echo ok {proto.received} sha256={got_hash}")
    return 0


# ---------------------------------------------------------------- server


class EchoServerConn(EchoProtocol):
    def __init__(self, *args, server_state, **kwargs):
        super().__init__(*args, **kwargs)
        self.server_state = server_state
        self.streams = {}  # stream id -> [bytes, sha256, finished]
        self.echoed = False

    def on_stream_data(self, ev):
        sid = ev.stream_id
        if sid & 0x3 != 0:
            self.ignore_stream(sid, "not a client-initiated bidirectional stream")
            return
        st = self.streams.setdefault(sid, [0, hashlib.sha256(), False])
        if st[2]:
            return
        st[0] += len(ev.data)
        st[1].update(ev.data)
        if ev.data or ev.end_stream:
            self._quic.send_stream_data(sid, ev.data, end_stream=ev.end_stream)
        if ev.end_stream:
            st[2] = True
            self.echoed = True
            say(f"echo done {st[0]} sha256={st[1].hexdigest()}")

    def on_stream_reset(self, ev):
        err(f"the client reset stream {ev.stream_id} with error 0x{ev.error_code:x}")

    def on_terminated(self, ev):
        ok = self.handshake_done and self.echoed and ev.error_code == 0
        if not ok:
            if not self.handshake_done:
                why = "handshake failed"
            elif not self.echoed:
                got = sum(s[0] for s in self.streams.values())
                why = f"closed before the client's FIN ({got} bytes received)"
            else:
                why = "closed with an error after the echo"
            say(f"connection failed: {why}: {close_reason(ev)}")
        self.server_state.connection_ended(ok)


class ServerState:
    def __init__(self, count, loop):
        self.count = count
        self.ended = 0
        self.failed = 0
        self.all_done = loop.create_future()

    def connection_ended(self, ok):
        self.ended += 1
        if not ok:
            self.failed += 1
        if self.count and self.ended >= self.count and not self.all_done.done():
            self.all_done.set_result(None)


async def run_server(args, cfg):
    state = ServerState(args.count, asyncio.get_running_loop())

    def factory(*a, **kw):
        return EchoServerConn(*a, server_state=state, **kw)

    try:
        server = await serve(args.addr, args.port, configuration=cfg,
                             create_protocol=factory, retry=args.retry)
    except OSError as e:
        err(f"cannot listen on {args.addr} port {args.port}: {e.strerror or e}")
        return 1
    port = server._transport.get_extra_info("sockname")[1]
    say(f"listening on {port}")
    try:
        await state.all_done
    finally:
        server.close()
    return 1 if state.failed else 0


# ---------------------------------------------------------------- main


def alpn_list(text):
    items = [a for a in text.split(",") if a]
    if not items or any(len(a.encode()) > 255 for a in items):
        raise argparse.ArgumentTypeError(f"bad ALPN list '{text}'")
    return items


def port_number(text):
    try:
        n = int(text, 10)
    except ValueError:
        n = -1
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"bad port '{text}'")
    return n


def non_negative(text):
    try:
        n = int(text, 10)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a non-negative integer")
    return n


def positive_float(text):
    try:
        n = float(text)
    except ValueError:
        n = -1
    if not n > 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive number")
    return n


def parse_args(argv):
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--addr", required=True, help="address to listen on / connect to")
    common.add_argument("--port", required=True, type=port_number)
    common.add_argument("--alpn", type=alpn_list, default=["echo"],
                        help="comma separated ALPN list (default: echo)")
    common.add_argument("--v2", action="store_true", help="QUIC version 2 only")
    common.add_argument("-v", "--verbose", action="store_true", help="aioquic debug log")
    common.add_argument("--qlog", metavar="DIR", help="write qlog files into DIR")
    common.add_argument("--secrets", metavar="FILE", help="append TLS secrets (key log)")

    ap = argparse.ArgumentParser(prog="aioquic_echo.py",
                                 description="QUIC echo peer on aioquic")
    sub = ap.add_subparsers(dest="role", required=True)
    s = sub.add_parser("server", parents=[common])
    s.add_argument("--cert", required=True)
    s.add_argument("--key", required=True)
    s.add_argument("--retry", action="store_true", help="validate clients with a Retry")
    s.add_argument("--count", type=non_negative, default=0,
                   help="exit after N connections ended (default 0: never)")
    c = sub.add_parser("client", parents=[common])
    c.add_argument("--ca", help="CA certificates (PEM) to verify the server with")
    c.add_argument("--sni", help="server name to send and verify (default: --addr)")
    c.add_argument("--insecure", action="store_true", help="do not verify the server")
    c.add_argument("--size", type=non_negative, default=1048576,
                   help="bytes to echo (default 1048576)")
    c.add_argument("--timeout", type=positive_float, default=30.0,
                   help="give up after S seconds (default 30)")
    return ap, ap.parse_args(argv)


def main(argv):
    ap, args = parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.DEBUG,
                            format="%(asctime)s %(name)s %(message)s")
    else:
        # aioquic logs every close with an error as a warning; our own
        # one-line message says the same
        logging.getLogger("quic").setLevel(logging.CRITICAL)
    cfg = QuicConfiguration(is_client=args.role == "client", alpn_protocols=args.alpn)
    if args.v2:
        cfg.supported_versions = [V2]
    if args.qlog:
        try:
            cfg.quic_logger = QuicFileLogger(args.qlog)
        except ValueError as e:
            ap.error(str(e))
    if args.secrets:
        try:
            cfg.secrets_log_file = open(args.secrets, "a")
        except OSError as e:
            ap.error(f"--secrets {args.secrets}: {e.strerror}")

    if args.role == "server":
        try:
            cfg.load_cert_chain(args.cert, args.key)
        except OSError as e:
            ap.error(f"cannot read {e.filename}: {e.strerror}")
        except ValueError as e:
            why = str(e.args[0] if e.args else e).split(".")[0]
            ap.error(f"--cert {args.cert} / --key {args.key}: not a usable PEM "
                     f"certificate and key ({why})")
        if cfg.certificate is None or cfg.private_key is None:
            ap.error(f"--cert {args.cert} / --key {args.key}: no certificate or key found")
        return asyncio.run(run_server(args, cfg))

    if args.insecure:
        cfg.verify_mode = ssl.CERT_NONE
    if args.ca:
        if not os.access(args.ca, os.R_OK):
            ap.error(f"cannot read --ca {args.ca}")
        cfg.load_verify_locations(cafile=args.ca)
    cfg.server_name = args.sni or args.addr
    return asyncio.run(run_client(args, cfg))


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(1)
