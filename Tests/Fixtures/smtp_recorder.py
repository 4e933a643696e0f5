#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) on 127.0.0.1 that records every message it accepts.

Usage: smtp_recorder.py PORT OUTDIR [--transient N] [--reject ADDRESS] [--drop-once] [--no-smtputf8]

Each accepted message is written to OUTDIR/<n>.eml and a line "recipient<TAB>message-id" is
appended (and flushed) to OUTDIR/received.log, so a test can count deliveries per recipient even
if this process is killed. --transient N answers 451 to the first N messages, --reject ADDRESS
answers 550 to RCPT of that address, --drop-once closes the connection in the middle of the first
message's DATA. Prints "READY <port>" once listening.
"""
import argparse
import asyncio
import os
import re
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


class Recorder:
    def __init__(self, outdir, transient, reject, drop_once):
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
            session.transport.close()
            return "421 closing"
        if self.transient > 0:
            self.transient -= 1
            return "451 4.3.0 try again later"
        self.count += 1
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
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
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    handler = Recorder(args.outdir, args.transient, args.reject, args.drop_once)
    controller = Controller(
        handler, hostname="127.0.0.1", port=args.port, enable_SMTPUTF8=not args.no_smtputf8,
        decode_data=False, data_size_limit=50 * 1024 * 1024,
    )
    controller.start()
    print(f"READY {args.port}", flush=True)
    try:
        asyncio.get_event_loop().run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
