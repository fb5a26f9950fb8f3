#!/usr/bin/python3
"""Live scans against a recording server for each odd --endpoint-url form;
every raw request recorded is verified with botocore's SigV4Auth (Debian's
python3-botocore), independently of dbward's signer.

The server is the mock AWS endpoint (tests/mock/mock_aws.py, imported) with
a handler that first records the raw request: request line, headers as
received, body. One server listens on a free port of 127.0.0.1, a second
one on 127.0.0.1:80 for the default-port forms (skipped, and said so, if 80
cannot be bound). The scans assume a role (source_profile), so the STS
AssumeRole call of the credential chain is checked as well as the scan's.

For every request: the Host header, path and query must be the ones
written by hand for the form; no userinfo may appear anywhere; botocore,
given the method, http://HOST + the request target, the headers named in
SignedHeaders, the body, the keys and the recorded X-Amz-Date, must compute
the same SignedHeaders and Signature.
Usage: signed_as_sent.py DBWARD SRC"""
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import ThreadingHTTPServer
from types import SimpleNamespace

dbward, src = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(src, "tests", "mock"))
import mock_aws  # noqa: E402

from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

mock_aws.STATE = mock_aws.State(SimpleNamespace(snapshot=os.path.join(src, "examples", "account"), latency_ms=0,
                                                page_size=0, faults=None, org=None, role_keys=False))
RECORDS = []
LOCK = threading.Lock()


class Recorder(mock_aws.Handler):
    def handle_call(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        with LOCK:
            RECORDS.append({"line": self.requestline, "target": self.path, "headers": list(self.headers.items()),
                            "body": body})
        kept, self.rfile = self.rfile, io.BytesIO(body)
        try:
            super().handle_call()
        finally:
            self.rfile = kept


def serve(port):
    srv = ThreadingHTTPServer(("127.0.0.1", port), Recorder)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


main_srv = serve(0)
P = main_srv.server_address[1]
try:
    srv80 = serve(80)
    why80 = None
except OSError as e:
    srv80, why80 = None, "port 80 cannot be bound on 127.0.0.1 (%s)" % e.strerror

# form, Host expected, path expected, query expected (None: no query), needs port 80
FORMS = [
    ("http://localhost:%d/" % P, "localhost:%d" % P, "/", None, False),
    ("http://127.0.0.1:%d" % P, "127.0.0.1:%d" % P, "/", None, False),
    ("http://LOCALHOST:%d/" % P, "localhost:%d" % P, "/", None, False),
    ("http://127.0.0.1:%d/?x=1" % P, "127.0.0.1:%d" % P, "/", "x=1", False),
    ("http://127.0.0.1:%d?x=1" % P, "127.0.0.1:%d" % P, "/", "x=1", False),
    ("http://user:pw@127.0.0.1:%d/" % P, "127.0.0.1:%d" % P, "/", None, False),
    ("http://127.0.0.1:%d/#frag" % P, "127.0.0.1:%d" % P, "/", None, False),
    ("http://127.0.0.1:%d/prefix/" % P, "127.0.0.1:%d" % P, "/prefix/", None, False),
    ("http://127.0.0.1:%d/a/../prefix/./" % P, "127.0.0.1:%d" % P, "/prefix/", None, False),
    ("http://127.0.0.1:%d/?b=%%7e&a=!" % P, "127.0.0.1:%d" % P, "/", "b=~&a=%21", False),
    ("http://localhost:80/", "localhost", "/", None, True),
    ("http://127.0.0.1:80", "127.0.0.1", "/", None, True),
    ("http://LocalHost:80/?x=1#frag", "localhost", "/", "x=1", True),
    ("http://user:pw@127.0.0.1:80/prefix/", "127.0.0.1", "/prefix/", None, True),
]

tmp = tempfile.mkdtemp()
home = os.path.join(tmp, "home")
os.makedirs(os.path.join(home, ".aws"))
with open(os.path.join(home, ".aws", "config"), "w") as f:
    f.write("[profile base]\nregion = eu-west-1\n"
            "[profile auditor]\nregion = eu-west-1\nrole_arn = arn:aws:iam::123456789012:role/SecurityAudit\n"
            "source_profile = base\n")
with open(os.path.join(home, ".aws", "credentials"), "w") as f:
    f.write("[base]\naws_access_key_id = AKIDMOCKLONGTERM01\naws_secret_access_key = mock-secret-key-long-term\n")
env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
env.update(HOME=home, AWS_EC2_METADATA_DISABLED="true", DBWARD_RETRY_BASE_MS="20")


def verify(rec):
    """None when botocore computes the recorded signature, else why not."""
    h = {}
    for k, v in rec["headers"]:
        h.setdefault(k.lower(), v)
    auth = h.get("authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "no SigV4 Authorization"
    parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    akid, _, region, service, _ = parts["Credential"].split("/")
    signed = parts["SignedHeaders"].split(";")
    if "host" not in signed or "x-amz-date" not in signed:
        return "host or x-amz-date not signed: " + parts["SignedHeaders"]
    secret, token = mock_aws.KEYS[akid]
    method = rec["line"].split(" ", 1)[0]
    headers = {k: v for k, v in rec["headers"] if k.lower() in signed and k.lower() != "x-amz-date"}
    req = AWSRequest(method=method, url="http://" + h["host"] + rec["target"], headers=headers, data=rec["body"])
    req.context["timestamp"] = h["x-amz-date"]
    sigv4 = SigV4Auth(Credentials(akid, secret, token), service, region)
    sigv4._modify_request_before_signing(req)
    creq = sigv4.canonical_request(req)
    want_signed = sigv4.signed_headers(sigv4.headers_to_sign(req))
    want = sigv4.signature(sigv4.string_to_sign(req, creq), req)
    if want_signed != parts["SignedHeaders"]:
        return "SignedHeaders %s, botocore %s" % (parts["SignedHeaders"], want_signed)
    if want != parts["Signature"]:
        return "signature differs; botocore's canonical request:\n" + creq
    return None


rows, fails = [], 0
for form, host, path, query, needs80 in FORMS:
    if needs80 and not srv80:
        rows.append((form, "skipped: " + why80, "", ""))
        continue
    del RECORDS[:]
    out = subprocess.run([dbward, "scan", "--profile", "auditor", "--endpoint-url", form, "--region", "eu-west-1",
                          "--format", "json", "--output", os.path.join(tmp, "r.json")],
                         env=env, capture_output=True, timeout=120)
    recs = list(RECORDS)
    problems = []
    if out.returncode != 1:  # the example account has failures
        problems.append("scan exit %d: %s" % (out.returncode, out.stderr.decode()[-300:]))
    ok = 0
    for r in recs:
        h = {k.lower(): v for k, v in r["headers"]}
        tpath, q, tquery = r["target"].partition("?")
        why = verify(r)
        raw = (r["line"] + "\n" + "\n".join("%s: %s" % kv for kv in r["headers"])).lower()
        if h.get("host") != host:
            why = why or "Host %r, want %r" % (h.get("host"), host)
        if tpath != path or (tquery if q else None) != query:
            why = why or "target %r, want path %r query %r" % (r["target"], path, query)
        if "pw" in raw.replace("pwd", "") or "user:" in raw or "basic " in raw or "#" in r["target"]:
            why = why or "userinfo or fragment sent: " + r["line"]
        if why:
            problems.append(why)
        else:
            ok += 1
    sts = sum(1 for r in recs if b"Action=AssumeRole" in r["body"])
    if not recs or sts == 0:
        problems.append("%d requests recorded, %d AssumeRole" % (len(recs), sts))
    fails += bool(problems)
    for p in problems[:3]:
        print("FAIL %s: %s" % (form, p))
    rows.append((form, str(len(recs)), "%d%s" % (ok, " (AssumeRole %d)" % sts),
                 problems[0].split("\n")[0][:120] if problems else ""))

w = max(len(r[0]) for r in rows)
print("%-*s  %-9s  %s" % (w, "endpoint form", "recorded", "verified by botocore"))
for form, n, ok, why in rows:
    print("%-*s  %-9s  %s%s" % (w, form, n, ok, ("  FAIL: " + why) if why else ""))
print("https://...:443 forms: not run live (no TLS recording server; dbward trusts only the system CAs); "
      "tests/cli/sigv4_random.py covers them against botocore")
print("%d forms failed" % fails)
main_srv.shutdown()
if srv80:
    srv80.shutdown()
sys.exit(1 if fails else 0)
