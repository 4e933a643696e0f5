#!/usr/bin/python3
"""Verifies the DKIM signature of a message file with dkimpy, the public key given directly.

Usage: dkim_verify.py MESSAGE.eml "v=DKIM1; k=rsa; p=..."    exits 0 when the signature verifies.
"""
import sys

import dkim

message = open(sys.argv[1], "rb").read()
record = sys.argv[2].encode()


def dnsfunc(name, timeout=5):
    return record


ok = dkim.verify(message, dnsfunc=dnsfunc)
print("valid" if ok else "invalid")
sys.exit(0 if ok else 1)
