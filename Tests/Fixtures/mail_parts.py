#!/usr/bin/python3
"""Parses a message file with Python's email package and prints it as JSON, for the tests.

Usage: mail_parts.py MESSAGE.eml
Prints {"headers": [[name, value], ...] (unfolded), "content_type": ..., "parts": [{"content_type",
"filename", "text", "size"}]} where each leaf part's payload is decoded (quoted-printable, base64)
and given as UTF-8 text, and size is its decoded length in bytes.
"""
import email
import json
import sys
from email import policy

raw = open(sys.argv[1], "rb").read()
message = email.message_from_bytes(raw, policy=policy.compat32)
headers = [[name, " ".join(str(value).replace("\r\n", "\n").split("\n")).strip()] for name, value in message.items()]
parts = []
for part in message.walk():
    if part.is_multipart():
        continue
    payload = part.get_payload(decode=True) or b""
    parts.append({
        "content_type": part.get_content_type(),
        "filename": part.get_filename() or "",
        "text": payload.decode("utf-8", errors="replace"),
        "size": len(payload),
    })
print(json.dumps({"headers": headers, "content_type": message.get_content_type(), "parts": parts}))
