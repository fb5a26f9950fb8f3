#!/usr/bin/python3
"""S3's REST-XML call of ACC-08 (s3api get-bucket-notification-configuration),
live against the mock with one trail bucket living in another region.

A live scan of us-east-1 of the example account, where the mock says bucket
example-cloudtrail-logs lives in eu-west-1 (--bucket-region). Every S3
request is recorded raw and checked against botocore, independently of
dbward: the method and path botocore's rest-xml serializer builds for the
operation (path-style), the signature botocore's S3SigV4Auth computes from
the raw request (x-amz-content-sha256 signed, the path not normalised), and
the redirect: the bucket of another region is asked first in us-east-1, gets
S3's 301 PermanentRedirect with x-amz-bucket-region, and is asked once more,
signed for eu-west-1. The saved answers must equal the recorded ones (the
CLI's JSON of the XML the mock serialised from botocore's model).
Usage: s3_rest.py DBWARD SRC"""
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
from botocore.auth import S3SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.serialize import create_serializer  # noqa: E402

EXAMPLE = os.path.join(src, "examples", "account")
OTHER = "example-cloudtrail-logs"  # the trail bucket that lives in eu-west-1 here
mock_aws.STATE = mock_aws.State(SimpleNamespace(snapshot=EXAMPLE, latency_ms=0, page_size=0, faults=None, org=None,
                                                role_keys=False, bucket_region=[OTHER + "=eu-west-1"]))
RECORDS = []
LOCK = threading.Lock()


class Recorder(mock_aws.Handler):
    def handle_s3_get(self):
        with LOCK:
            RECORDS.append({"line": self.requestline, "target": self.path, "headers": list(self.headers.items())})
        super().handle_s3_get()


srv = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
srv.daemon_threads = True
threading.Thread(target=srv.serve_forever, daemon=True).start()
port = srv.server_address[1]

tmp = tempfile.mkdtemp()
home = os.path.join(tmp, "home")
os.makedirs(os.path.join(home, ".aws"))
with open(os.path.join(home, ".aws", "credentials"), "w") as f:
    f.write("[default]\naws_access_key_id = AKIDMOCKLONGTERM01\naws_secret_access_key = mock-secret-key-long-term\n")
env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
env.update(HOME=home, AWS_EC2_METADATA_DISABLED="true", DBWARD_RETRY_BASE_MS="20")
snap = os.path.join(tmp, "snap")
out = subprocess.run([dbward, "scan", "--endpoint-url", "http://127.0.0.1:%d" % port, "--region", "us-east-1",
                      "--save-snapshot", snap, "--controls", "ACC-08", "--format", "json", "--output",
                      os.path.join(tmp, "r.json")], env=env, capture_output=True, timeout=120)
srv.shutdown()
fails = []
if out.returncode not in (0, 1):
    fails.append("scan exit %d: %s" % (out.returncode, out.stderr.decode()[-400:]))

session = mock_aws.SESSION
op = session.get_service_model("s3").operation_model("GetBucketNotificationConfiguration")
serializer = create_serializer("rest-xml")


def botocore_target(bucket):
    r = serializer.serialize_to_request({"Bucket": bucket}, op)
    q = "&".join(k if v == "" else "%s=%s" % (k, v) for k, v in r["query_string"].items()) if r["query_string"] else ""
    return r["method"], r["url_path"] + ("?" + q if q else "")


def verify(rec):
    """None when botocore's S3SigV4Auth computes the recorded signature, else why not."""
    h = {}
    for k, v in rec["headers"]:
        h.setdefault(k.lower(), v)
    parts = dict(p.strip().split("=", 1) for p in h["authorization"][len("AWS4-HMAC-SHA256 "):].split(","))
    akid, _, region, service, _ = parts["Credential"].split("/")
    signed = parts["SignedHeaders"].split(";")
    headers = {k: v for k, v in rec["headers"] if k.lower() in signed and k.lower() != "x-amz-date"}
    req = AWSRequest(method=rec["line"].split(" ", 1)[0], url="http://" + h["host"] + rec["target"], headers=headers)
    req.context["timestamp"] = h["x-amz-date"]
    auth = S3SigV4Auth(Credentials(akid, mock_aws.KEYS[akid][0]), service, region)
    auth._modify_request_before_signing(req)
    creq = auth.canonical_request(req)
    want_signed = auth.signed_headers(auth.headers_to_sign(req))
    want = auth.signature(auth.string_to_sign(req, creq), req)
    if want_signed != parts["SignedHeaders"]:
        return "SignedHeaders %s, botocore %s" % (parts["SignedHeaders"], want_signed)
    if want != parts["Signature"]:
        return "signature differs; botocore's canonical request:\n" + creq
    return None


by_bucket = {}
for rec in RECORDS:
    method, target = rec["line"].split(" ")[0], rec["target"]
    bucket = target.lstrip("/").split("?")[0]
    want_method, want_target = botocore_target(bucket)
    if (method, target) != (want_method, want_target):
        fails.append("%s %s, botocore %s %s" % (method, target, want_method, want_target))
    why = verify(rec)
    if why:
        fails.append("%s: %s" % (target, why))
    region = dict((k.lower(), v) for k, v in rec["headers"])["authorization"].split("Credential=")[1].split("/")[2]
    by_bucket.setdefault(bucket, []).append(region)

want_regions = {OTHER: ["us-east-1", "eu-west-1"], "example-ddb-data-events": ["us-east-1"]}
if by_bucket != want_regions:
    fails.append("requests by bucket and signing region %s, want %s" % (by_bucket, want_regions))
for b in want_regions:
    rel = os.path.join("us-east-1", "s3api", "get-bucket-notification-configuration", b + ".json")
    got = os.path.join(snap, rel)
    if not os.path.exists(got):
        fails.append("%s was not saved" % rel)
    elif json.load(open(got)) != json.load(open(os.path.join(EXAMPLE, rel))):
        fails.append("%s differs from the recorded answer" % rel)

print("%d S3 requests recorded: %s" % (len(RECORDS), ", ".join("%s in %s" % (b, "->".join(r)) for b, r in by_bucket.items())))
for f in fails:
    print("FAIL " + f)
print("%d problems" % len(fails))
sys.exit(1 if fails else 0)
