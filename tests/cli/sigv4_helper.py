#!/usr/bin/env python3
"""Feeds every normalized v4 vector to build/tests/dw-sigv4 as JSON and checks the
printed Authorization value. A vector whose request line is no valid URL (a
space or non-ASCII bytes in it) must be refused as a URL, and is then signed
from its parts ("target"). Usage: sigv4_helper.py DW_SIGV4 VECTORS_DIR"""
import json
import os
import subprocess
import sys

helper, root = sys.argv[1], sys.argv[2]
ok = bad = 0
for case in sorted(os.listdir(root)):
    d = os.path.join(root, case)
    if not os.path.isdir(d):
        continue
    ctx = json.load(open(os.path.join(d, "context.json")))
    if not ctx.get("normalize", True):
        continue  # S3-style vectors: not SigV4 as the other services use it
    raw = open(os.path.join(d, "request.txt"), encoding="utf-8").read()
    head, _, body = raw.partition("\n\n")
    lines = head.split("\n")
    method, _, target = lines[0].partition(" ")
    target = target.rsplit(" HTTP/", 1)[0]
    headers = []
    for ln in lines[1:]:
        if ln[:1] in (" ", "\t") and headers:
            headers[-1][1] += " " + ln
        elif ln:
            n, _, v = ln.partition(":")
            headers.append([n, v])
    host = [v for n, v in headers if n.lower() == "host"][0]
    if ctx.get("sign_body"):
        # A signed body hash is a header like any other for the helper.
        import hashlib
        headers.append(["X-Amz-Content-Sha256", hashlib.sha256(body.encode()).hexdigest()])
    ts = ctx["timestamp"].replace("-", "").replace(":", "")
    req = {"method": method, "url": "https://" + host + target, "headers": headers, "body": body,
           "access_key": ctx["credentials"]["access_key_id"], "secret_key": ctx["credentials"]["secret_access_key"],
           "region": ctx["region"], "service": ctx["service"], "timestamp": ts}
    if "token" in ctx["credentials"] and not ctx.get("omit_session_token"):
        req["token"] = ctx["credentials"]["token"]  # an unsigned token does not enter the signature
    if any(not (0x21 <= ord(c) <= 0x7E) for c in target):
        refused = subprocess.run([helper], input=json.dumps(req).encode(), capture_output=True)
        if refused.returncode != 2 or b"not printable ASCII" not in refused.stderr:
            bad += 1
            print("FAIL %s: a URL with a space or non-ASCII byte was not refused" % case)
        path, _, query = target.partition("?")
        del req["url"]
        req["target"] = {"host": host, "path": path}
        if query:
            req["target"]["query"] = query
    out = subprocess.run([helper], input=json.dumps(req).encode(), capture_output=True)
    signed = open(os.path.join(d, "header-signed-request.txt"), encoding="utf-8").read()
    want = [ln for ln in signed.split("\n") if ln.startswith("Authorization:")][0][len("Authorization:"):]
    got = out.stdout.decode().split("\n")[0].strip()
    if out.returncode != 0 or got != want:
        bad += 1
        print("FAIL %s\n  got  %s\n  want %s\n  %s" % (case, got, want, out.stderr.decode()))
    else:
        ok += 1
print("%d passed, %d failed" % (ok, bad))
sys.exit(1 if bad or ok != 31 else 0)
