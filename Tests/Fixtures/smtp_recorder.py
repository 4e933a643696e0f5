#!/usr/bin/python3
"""A real SMTP server (aiosmtpd) on 127.0.0.1 that records every message it accepts.

Usage: smtp_recorder.py PORT OUTDIR [--transient N] [--reject ADDRESS] [--drop-once] [--no-smtputf8]
                        [--auth USER:PASSWORD] [--log-only]

Each accepted message is written to OUTDIR/<n>.eml and a line "recipient<TAB>message-id" is
appended (and flushed) to OUTDIR/received.log, so a test can count deliveries per recipient even
if this process is killed. --transient N answers 451 to the first N messages, --reject ADDRESS
answers 550 to RCPT of that address, --drop-once closes the connection in the middle of the first
message's DATA, --auth USER:PASSWORD offers AUTH PLAIN and LOGIN without TLS and accepts only
these credentials (535 otherwise), noting each attempt's mechanism in OUTDIR/auth.log. Every connection the server accepts appends a line to
OUTDIR/connections.log, so a test can count connections. PORT 0 picks a free port. Prints
"READY <port>" once listening. A message whose final dot arrived before the client closed the
connection is still accepted, as a real MTA would. --log-only keeps received.log but writes no
.eml files (for campaigns of thousands).
"""
import argparse
import asyncio
import os
import re
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class CountingSMTP(SMTP):
    """Notes every accepted connection in connections.log (flushed at once)."""

    connections_log = None

    def connection_made(self, transport):
        super().connection_made(transport)
        if CountingSMTP.connections_log is not None:
            peer = transport.get_extra_info("peername")
            CountingSMTP.connections_log.write(f"{peer[1] if peer else '-'}\n")

    def eof_received(self):
        # aiosmtpd drops everything still unread when the client goes away; a real MTA (Postfix)
        # still takes a message whose final dot arrived before the end of the connection. Give the
        # session a moment to finish what was received, then end it.
        loop = asyncio.get_running_loop()
        handler = self._handler_coroutine
        transport = self.transport

        def finish():
            if handler is not None:
                handler.cancel()
            if transport is not None:
                transport.close()

        loop.call_later(0.5, finish)
        return asyncio.StreamReaderProtocol.eof_received(self)


class CountingController(Controller):
    def factory(self):
        return CountingSMTP(self.handler, **self.SMTP_kwargs)


def make_authenticator(user, password, outdir):
    log = open(os.path.join(outdir, "auth.log"), "a", buffering=1)

    def authenticator(server, session, envelope, mechanism, auth_data):
        log.write(f"{mechanism}\n")
        if isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode():
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    return authenticator


class Recorder:
    def __init__(self, outdir, transient, reject, drop_once, log_only=False):
        self.log_only = log_only
        self.outdir = outdir
        self.transient = transient
        self.reject = {a.lower() for a in reject}
        self.drop_once = drop_once
        self.count = 0
        self.log = open(os.path.join(outdir, "received.log"), "a", buffering=1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.drop_once:
            self.drop_once = False
            server.transport.close()
            return "421 closing"
        if self.transient > 0:
            self.transient -= 1
            return "451 4.3.0 try again later"
        self.count += 1
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not self.log_only:
            with open(os.path.join(self.outdir, f"{self.count}.eml"), "wb") as f:
                f.write(data)
        match = re.search(rb"^Message-ID:\s*(<[^>]+>)", data, re.MULTILINE | re.IGNORECASE)
        message_id = match.group(1).decode() if match else "-"
        for rcpt in envelope.rcpt_tos:
            self.log.write(f"{rcpt}\t{message_id}\n")
        return "250 2.0.0 accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("outdir")
    parser.add_argument("--transient", type=int, default=0)
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--drop-once", action="store_true")
    parser.add_argument("--no-smtputf8", action="store_true")
    parser.add_argument("--auth", default=None, help="USER:PASSWORD")
    parser.add_argument("--log-only", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    handler = Recorder(args.outdir, args.transient, args.reject, args.drop_once, args.log_only)
    port = args.port
    if port == 0:
        import socket

        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
    extra = {}
    if args.auth:
        user, _, password = args.auth.partition(":")
        extra = dict(authenticator=make_authenticator(user, password, args.outdir), auth_require_tls=False)
    controller = CountingController(
        handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=not args.no_smtputf8,
        decode_data=False, data_size_limit=50 * 1024 * 1024, **extra,
    )
    controller.start()
    # Opened after start(): the controller's own start-up probe connection is not counted.
    CountingSMTP.connections_log = open(os.path.join(args.outdir, "connections.log"), "a", buffering=1)
    print(f"READY {port}", flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
