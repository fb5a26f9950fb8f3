#!/usr/bin/python3
"""A mock AWS endpoint for dbward's live tests and bench, on 127.0.0.1 only.

It answers every call dbward makes from a snapshot folder (the offline
layout): JSON protocols with the recorded JSON, Query/EC2 protocols with XML
serialised from it through Debian's botocore models, and S3's REST-XML GET
of a bucket's notification configuration (path-style, /BUCKET?notification;
--bucket-region BUCKET=REGION makes a request signed for another region get
S3's 301 PermanentRedirect with x-amz-bucket-region, as a real bucket there). Recorded failures
(.error.json) come back as AWS errors. Every request's SigV4 signature is
recomputed here, independently of dbward, from the known test keys.

    mock_aws.py --snapshot DIR --port-file F [--latency-ms N] [--page-size N]
                [--faults FAULTS.json] [--accounts ACCOUNTS.json]

Faults: a JSON list of {"call": "kms describe-key", "region": "us-east-1",
"fault": "throttle|500|503|slow|truncate|malformed|denied|reset|expired|empty-page",
"times": N}; "times" counts how many requests it hits (default: all).
GET /__mock/stats returns request counts and signature failures, and the
calls in the order they arrived ("sequence").
--throttle-rps SERVICE=N (repeatable) gives SERVICE a token bucket of N
requests/s in each region (burst --throttle-burst, default N): a call that
finds it empty gets the service's own throttling error. /__mock/stats then
has "throttled" and, per "service/region", "max_rps" (the most requests
received in any one second), "answered" (requests not throttled) and
"max_in_flight_ep" (the most requests handled at once, the latency
included).
"""
import argparse
import hashlib
import hmac
import datetime
import json
import os
import re
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import http.client
import botocore.session
from botocore import xform_name

KEYS = {  # access key id -> (secret, session token or None)
    "AKIDMOCKLONGTERM01": ("mock-secret-key-long-term", None),
    "ASIAMOCKTEMPORARY1": ("mock-secret-key-temporary", "mock-session-token-1"),
    # The secret canary (tests/live/test_secret_canary.sh): values that must never be printed.
    "AKIDCANARYLONGTERM": ("CanarySecretKeyQ7w3Zp9", None),
    "ASIACANARYSESSION1": ("CanaryTempSecretM4k8Xv2", "CanarySessionTokenR5t1Yh6"),
}
VIEWS = {}  # access key id -> (snapshot folder, manifest) of the account it was issued for
SESSION = botocore.session.get_session()
MODELS = {}
LOCK = threading.Lock()
BUCKETS = {}    # "service/region" -> (tokens, last refill), for --throttle-rps
RATE_SEEN = {}  # "service/region" -> arrival times in the last second
EP_IN_FLIGHT = {}  # "service/region" -> requests being handled now (EP_LOCK)
EP_LOCK = threading.Lock()
STATS = {"requests": 0, "by_call": {}, "signature_failures": 0, "unknown": 0, "faults": 0,
         "max_in_flight": 0, "in_flight": 0, "assume_role": [], "keys_used": {}, "imported": 0,
         "sequence": []}  # "service command region" of the JSON and Query calls, as they arrived (100,000 at most)


def model(service):
    if service not in MODELS:
        boto = {"s3api": "s3"}.get(service, service)  # the CLI's name for S3
        m = SESSION.get_service_model(boto)
        try:
            pag = SESSION.get_paginator_model(boto)._paginator_config
        except Exception:
            pag = {}
        by_target = {}
        by_action = {}
        for name in m.operation_names:
            by_action[name] = name
            if m.metadata.get("targetPrefix"):
                by_target["%s.%s" % (m.metadata["targetPrefix"], name)] = name
        MODELS[service] = (m, pag, by_target)
    return MODELS[service]


SIGNING_TO_SERVICE = {"monitoring": "cloudwatch", "dynamodb": "dynamodb", "dms": "dms", "dax": "dax", "kms": "kms",
                      "cloudtrail": "cloudtrail", "ec2": "ec2", "iam": "iam", "sts": "sts",
                      "securityhub": "securityhub", "organizations": "organizations"}


SIGNING_KEYS = {}  # (secret, date, region, service) -> the derived SigV4 key, as SDKs keep it


def sign_check(method, target, headers, body):
    """Recomputes the Authorization signature of a request target (path and
    raw query); returns None if valid, else an error code."""
    path, _, query = target.partition("?")
    cquery = "&".join("%s=%s" % kv for kv in sorted(p.partition("=")[::2] for p in query.split("&"))) if query else ""
    auth = headers.get("authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "MissingAuthenticationToken", None
    parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    akid, date, region, service, _ = parts["Credential"].split("/")
    if akid not in KEYS:
        return "InvalidClientTokenId", akid
    secret, token = KEYS[akid]
    if token and headers.get("x-amz-security-token") != token:
        return "ExpiredToken", akid
    signed = parts["SignedHeaders"].split(";")
    amz_date = headers.get("x-amz-date", "")
    canon_headers = "".join("%s:%s\n" % (h, " ".join(headers.get(h, "").split())) for h in signed)
    creq = "\n".join([method, urllib.parse.quote(path or "/", safe="/-_.~"), cquery, canon_headers,
                      parts["SignedHeaders"], hashlib.sha256(body).hexdigest()])
    scope = "%s/%s/%s/aws4_request" % (date, region, service)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()])
    k = SIGNING_KEYS.get((secret, date, region, service))
    if k is None:
        k = ("AWS4" + secret).encode()
        for msg in (date, region, service, "aws4_request"):
            k = hmac.new(k, msg.encode(), hashlib.sha256).digest()
        SIGNING_KEYS[(secret, date, region, service)] = k
    want = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, parts["Signature"]):
        return "SignatureDoesNotMatch", akid
    if "host" not in signed or "x-amz-date" not in signed:
        return "SignatureDoesNotMatch", akid
    return None, akid


def check_shape(value, shape, where, problems):
    """Checks value against a botocore shape: types, required members, enums."""
    t = shape.type_name
    if t == "structure":
        if not isinstance(value, dict):
            return problems.append("%s is not an object" % where)
        for r in shape.required_members:
            if r not in value:
                problems.append("%s.%s is required" % (where, r))
        for k, v in value.items():
            if k not in shape.members:
                problems.append("%s.%s is not a member" % (where, k))
            else:
                check_shape(v, shape.members[k], "%s.%s" % (where, k), problems)
    elif t == "list":
        if not isinstance(value, list):
            return problems.append("%s is not a list" % where)
        for i, v in enumerate(value):
            check_shape(v, shape.member, "%s[%d]" % (where, i), problems)
    elif t == "map":
        if not isinstance(value, dict):
            return problems.append("%s is not a map" % where)
        for k, v in value.items():
            check_shape(v, shape.value, "%s[%s]" % (where, k), problems)
    elif t == "string":
        if not isinstance(value, str):
            return problems.append("%s is not a string" % where)
        if shape.enum and value not in shape.enum:
            problems.append("%s: %r is not one of %s" % (where, value, shape.enum))


def to_xml(value, shape, name, proto, indent=""):
    """Serialises value (CLI JSON) as the Query/EC2 XML of shape."""
    t = shape.type_name
    if t == "structure":
        inner = []
        for mname, mshape in shape.members.items():
            if mname not in value:
                continue
            loc = mshape.serialization.get("name", mname)
            if mshape.type_name == "list" and mshape.serialization.get("flattened"):
                for item in value[mname]:
                    inner.append(to_xml(item, mshape.member, loc, proto))
            else:
                inner.append(to_xml(value[mname], mshape, loc, proto))
        return "<%s>%s</%s>" % (name, "".join(inner), name)
    if t == "list":
        item = shape.member.serialization.get("name", "item" if proto == "ec2" else "member")
        return "<%s>%s</%s>" % (name, "".join(to_xml(v, shape.member, item, proto) for v in value), name)
    if t == "map":
        entries = "".join("<entry><key>%s</key>%s</entry>" % (escape(k), to_xml(v, shape.value, "value", proto))
                          for k, v in value.items())
        return "<%s>%s</%s>" % (name, entries, name)
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (dict, list)):
        text = urllib.parse.quote(json.dumps(value))  # IAM policy documents travel URL-encoded
    else:
        text = str(value)
    return "<%s>%s</%s>" % (name, escape(text), name)


class State:
    def __init__(self, args):
        self.dir = args.snapshot
        self.latency = args.latency_ms / 1000.0
        self.page_size = args.page_size
        self.metric_window = getattr(args, "metric_window", False)
        self.faults = json.load(open(args.faults)) if args.faults else []
        self.org = None
        if args.org:
            # {"accounts": {"111111111111": {"name", "parent", "snapshot", "role", "external_id"?}},
            #  "ous": {"r-root": ["ou-1"], ...}}; snapshot folders relative to the file.
            self.org = json.load(open(args.org))
            base = os.path.dirname(os.path.abspath(args.org))
            for a in self.org["accounts"].values():
                a["snapshot"] = os.path.join(base, a["snapshot"])
        with open(os.path.join(self.dir, "manifest.json")) as f:
            self.manifest = json.load(f)
        self.role_keys = args.role_keys
        pairs = getattr(args, "throttle_rps", None) or []  # other scripts build State with fewer fields
        self.throttle_rps = {k: float(v) for k, v in (t.split("=", 1) for t in pairs)}
        self.throttle_burst = getattr(args, "throttle_burst", 0)
        self.bucket_regions = dict(b.split("=", 1) for b in (getattr(args, "bucket_region", None) or []))


def derived_keys(*parts):
    """--role-keys: temporary keys that encode how they were obtained (the
    role, the caller's key, the token), so a credential chain can be told
    apart by the access key id it ends with (tests/live/creds_parity.py)."""
    h = hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest().upper()
    akid = "ASIA" + h[:16]
    with LOCK:
        KEYS[akid] = ("secret-" + h[16:36], "token-" + h[:24])
    return {"AccessKeyId": akid, "SecretAccessKey": KEYS[akid][0], "SessionToken": KEYS[akid][1],
            "Expiration": "2099-01-01T00:00:00Z"}


# IAM Identity Center: tokens the portal accepts start with "sso-ok-"; the
# OIDC service refreshes refresh tokens that start with "refresh-ok-".
def sso_portal(handler, query):
    tok = handler.headers.get("x-amz-sso_bearer_token") or ""
    q = urllib.parse.parse_qs(query)
    with LOCK:
        STATS.setdefault("sso_portal", []).append({"account": q.get("account_id", [""])[0],
                                                   "role": q.get("role_name", [""])[0]})
    if not tok.startswith("sso-ok-"):
        body = json.dumps({"message": "Session token not found or invalid"})
        handler.send_response(401)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("x-amzn-ErrorType", "UnauthorizedException")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body.encode())
        return
    k = derived_keys("sso", q.get("account_id", [""])[0], q.get("role_name", [""])[0], tok)
    exp_ms = 4070908800000 if "expired" not in tok else 946684800000
    handler.reply(200, json.dumps({"roleCredentials": {"accessKeyId": k["AccessKeyId"],
                                   "secretAccessKey": k["SecretAccessKey"], "sessionToken": k["SessionToken"],
                                   "expiration": exp_ms}}), "application/json")


def sso_oidc_token(handler, body):
    req = json.loads(body or b"{}")
    rt = req.get("refreshToken") or ""
    with LOCK:
        STATS["sso_refresh"] = STATS.get("sso_refresh", 0) + 1
    if req.get("grantType") != "refresh_token" or not rt.startswith("refresh-ok-"):
        return handler.reply(400, json.dumps({"error": "invalid_grant", "error_description": "bad refresh token"}),
                             "application/json")
    new = "sso-ok-refreshed-" + hashlib.sha1(rt.encode()).hexdigest()[:8]
    handler.reply(200, json.dumps({"accessToken": new, "tokenType": "Bearer", "expiresIn": 3600,
                                   "refreshToken": rt}), "application/json")


def container_keys(handler, name):
    """--role-keys: /container-creds/NAME answers keys derived from NAME and
    the Authorization header; NAME "expired..." answers expired keys."""
    k = derived_keys("container", name, handler.headers.get("Authorization") or "")
    body = {"AccessKeyId": k["AccessKeyId"], "SecretAccessKey": k["SecretAccessKey"], "Token": k["SessionToken"],
            "Expiration": "2001-01-01T00:00:00Z" if name.startswith("expired") else k["Expiration"]}
    handler.reply(200, json.dumps(body), "application/json")


class Headers:
    """A request's header lines, in order: get() finds the first of a name in
    any case, as email.message.Message does, and items() lists them all. The
    mock reads headers with these two alone; the standard parser goes through
    the email package, which was half of the mock's time per request."""

    def __init__(self, pairs):
        self._pairs = pairs
        self._first = {}
        for k, v in pairs:
            self._first.setdefault(k.lower(), v)

    def get(self, name, default=None):
        return self._first.get(name.lower(), default)

    __getitem__ = get

    def __contains__(self, name):
        return name.lower() in self._first

    def items(self):
        return list(self._pairs)

    def keys(self):
        return [k for k, _ in self._pairs]

    def get_all(self, name, default=None):
        got = [v for k, v in self._pairs if k.lower() == name.lower()]
        return got or default


def parse_headers(fp, _class=None):
    """http.client.parse_headers for the server side: the header block up to
    the empty line, with the same limits (a line of 64 KiB; 100 lines, the
    folded ones and the empty one included) and the same errors, so
    BaseHTTPRequestHandler answers 431 as before. A folded line (leading
    space or tab) continues the header before it."""
    pairs = []
    lines = 0  # every line read counts, the folded ones and the empty one that ends the block
    while True:
        line = fp.readline(65537)
        if len(line) > 65536:
            raise http.client.LineTooLong("header line")
        lines += 1
        if lines > 100:
            raise http.client.HTTPException("got more than 100 headers")
        if line in (b"\r\n", b"\n", b""):
            break
        text = line.decode("iso-8859-1").rstrip("\r\n")
        if text[:1] in (" ", "\t") and pairs:
            pairs[-1] = (pairs[-1][0], pairs[-1][1] + "\r\n" + text)
            continue
        name, _, value = text.partition(":")
        pairs.append((name, value.lstrip(" \t")))
    return Headers(pairs)


STATE = None
REPORT_ASKED = set()  # (snapshot folder, command) of the credential report calls answered once


def find_file(region, service, command, params, root=None):
    """Maps a call to the snapshot file, as docs/snapshot.md lays it out."""
    key = None
    for p in ("TableName", "KeyId", "UserName"):
        if p in params:
            key = params[p]
    for p in ("logGroupName", "DeliveryStreamName"):  # DMS-15, ACC-08: log groups, Firehose streams
        if p in params and command != "describe-log-groups":
            key = params[p]
    if "ResourceArn" in params:
        arn = params["ResourceArn"]
        key = arn.split("table/")[-1] if service == "dynamodb" else arn.rsplit(":", 1)[-1]
    if "Name" in params or "TrailName" in params:
        key = (params.get("Name") or params.get("TrailName")).rsplit("/", 1)[-1]
    if "SecretId" in params:  # secretsmanager describe-secret: the ARN's tail, or the name
        key = params["SecretId"].rsplit(":", 1)[-1]
    if service == "s3api" and "Bucket" in params:  # ACC-08: filed under the home region of the trail naming it
        key = params["Bucket"]
        base = os.path.join(root or STATE.dir, region, service, command, key)
        if not os.path.exists(base + ".json") and not os.path.exists(base + ".error.json"):
            for r in sorted(os.listdir(root or STATE.dir)):
                other = os.path.join(root or STATE.dir, r, service, command, key)
                if os.path.exists(other + ".json") or os.path.exists(other + ".error.json"):
                    return other
        return base
    if command == "get-metric-data":
        q = params.get("MetricDataQueries", [])
        dims = q[0]["MetricStat"]["Metric"]["Dimensions"] if q else []
        key = dims[0]["Value"] if dims else None
    folder = "global" if service == "iam" else region
    if key:  # the snapshot's file name of a key: '/' as %2F (dw_snapshot_key_encode)
        key = key.replace("/", "%2F")
    base = os.path.join(root or STATE.dir, folder, service, command)
    return base + ("/" + key if key else "")


def _when(v):
    """A timestamp parameter or datapoint (ISO 8601 or epoch seconds) -> epoch seconds, or None."""
    try:
        if isinstance(v, (int, float)) or (isinstance(v, str) and v.replace(".", "", 1).isdigit()):
            return float(v)
        return datetime.datetime.fromisoformat(str(v).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def metric_window(value, params):
    """Keeps the datapoints between StartTime and EndTime, as CloudWatch answers."""
    start, end = _when(params.get("StartTime")), _when(params.get("EndTime"))
    if start is None or end is None:
        return value
    for r in value.get("MetricDataResults", []):
        pts = [(t, v) for t, v in zip(r.get("Timestamps", []), r.get("Values", []))
               if _when(t) is not None and start <= _when(t) < end]
        r["Timestamps"] = [t for t, _ in pts]
        r["Values"] = [v for _, v in pts]
    return value


def query_params(body):
    """Query/EC2 form body -> nested params (enough for dbward's calls)."""
    flat = urllib.parse.parse_qs(body.decode(), keep_blank_values=True)
    out = {}
    for k, v in flat.items():
        if k in ("Action", "Version"):
            continue
        parts = k.split(".")
        cur = out
        for i, p in enumerate(parts):
            last = i == len(parts) - 1
            if p == "member":
                continue
            if p.isdigit():
                idx = int(p) - 1
                while len(cur) <= idx:
                    cur.append({})
                if last:
                    cur[idx] = v[0]
                else:
                    cur = cur[idx]
                continue
            nxt = parts[i + 1] if not last else None
            if last:
                cur[p] = v[0]
            else:
                if p not in cur:
                    cur[p] = [] if nxt in ("member",) or (nxt and nxt.isdigit()) else {}
                cur = cur[p]
    return {k: v for k, v in out.items()}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # An answer's status line, headers and body leave in one write (_reply
    # flushes): a write per header block and one per body doubled the
    # system calls, each a release and retake of Python's interpreter lock.
    wbufsize = 1 << 16

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle's
        # algorithm and the client's delayed ACK add ~40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *a):
        pass

    def handle_expect_100(self):
        ok = super().handle_expect_100()
        self.wfile.flush()  # the interim answer goes now: the client waits for it
        return ok

    def reply(self, status, body, ctype, fault=None):
        try:
            self._reply(status, body, ctype, fault)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeouts under test)

    def _ep_done(self):
        """The request stops counting as in flight before its answer is
        sent, so the client's next request cannot overlap it here. A lock of
        its own: answers are sent with LOCK held at times."""
        with EP_LOCK:
            if getattr(self, "_ep_key", None) is not None:
                EP_IN_FLIGHT[self._ep_key] -= 1
                self._ep_key = None

    def _reply(self, status, body, ctype, fault=None):
        if STATE.latency:
            time.sleep(STATE.latency)
        self._ep_done()
        data = body.encode() if isinstance(body, str) else body
        pad = getattr(self, "_pad", 0)
        if pad:
            self._pad = 0
            data = data + b" " * max(0, pad - len(data))
        if fault == "reset":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if fault == "truncate":
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "mock-request")
        for k, v in getattr(self, "_extra_headers", {}).items():
            self.send_header(k, v)
        self._extra_headers = {}
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    TEMP = {"AccessKeyId": "ASIAMOCKTEMPORARY1", "SecretAccessKey": "mock-secret-key-temporary",
            "Token": "mock-session-token-1", "Expiration": "2099-01-01T00:00:00Z"}

    def do_PUT(self):
        # IMDSv2 session token
        if self.path == "/latest/api/token" and self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
            with LOCK:
                STATS["imds_token"] = STATS.get("imds_token", 0) + 1
            return self.reply(200, "mock-imds-session", "text/plain")
        self.reply(404, "", "text/plain")

    def do_GET(self):
        if self.path == "/__mock/stats":
            with LOCK:
                self.reply(200, json.dumps(STATS), "application/json")
            return
        if self.path.startswith("/latest/meta-data/iam/security-credentials/"):
            if self.headers.get("X-aws-ec2-metadata-token") != "mock-imds-session":
                return self.reply(401, "", "text/plain")  # IMDSv1 refused, as on a hardened instance
            role = self.path.rsplit("/", 1)[-1]
            if not role:
                return self.reply(200, "mock-instance-role", "text/plain")
            return self.reply(200, json.dumps(dict(self.TEMP, Code="Success")), "application/json")
        parsed = urllib.parse.urlparse(self.path)
        if parsed.path == "/federation/credentials":
            return sso_portal(self, parsed.query)
        if STATE.role_keys and parsed.path.startswith("/container-creds/"):
            return container_keys(self, parsed.path[len("/container-creds/"):])
        if self.path == "/container-creds":
            if self.headers.get("Authorization") not in ("mock-container-auth", "CanaryContainerAuthJ3n7"):
                return self.reply(403, "{}", "application/json")
            return self.reply(200, json.dumps(self.TEMP), "application/json")
        if "AWS4-HMAC-SHA256" in self.headers.get("Authorization", ""):
            with LOCK:
                STATS["in_flight"] += 1
                STATS["max_in_flight"] = max(STATS["max_in_flight"], STATS["in_flight"])
            try:
                return self.handle_s3_get()
            finally:
                with LOCK:
                    STATS["in_flight"] -= 1
        self.reply(404, "{}", "application/json")

    def handle_s3_get(self):
        """S3 GetBucketNotificationConfiguration, path-style (ACC-08)."""
        headers = {k.lower(): v for k, v in self.headers.items()}
        scope = headers["authorization"].split("Credential=", 1)[-1].split(",", 1)[0].split("/")
        region, signing = (scope[2], scope[3]) if len(scope) >= 4 else ("us-east-1", "?")
        parsed = urllib.parse.urlparse(self.path)
        bucket = urllib.parse.unquote(parsed.path.lstrip("/").split("/", 1)[0])
        if signing != "s3" or parsed.query != "notification" or not bucket or "/" in parsed.path.lstrip("/"):
            with LOCK:
                STATS["unknown"] += 1
            return self.error("rest-xml", 400, "InvalidRequest", "unknown operation")
        service, op, command = "s3api", "GetBucketNotificationConfiguration", "get-bucket-notification-configuration"
        m = model("s3api")[0]
        call = "%s %s" % (service, command)
        with LOCK:
            STATS["requests"] += 1
            STATS["by_call"][call] = STATS["by_call"].get(call, 0) + 1
        if headers.get("x-amz-content-sha256") != hashlib.sha256(b"").hexdigest():
            return self.error("rest-xml", 400, "XAmzContentSHA256Mismatch", "x-amz-content-sha256 is missing or wrong")
        bad, akid = sign_check("GET", self.path, headers, b"")
        self.akid = akid
        with LOCK:
            STATS["keys_used"][akid or "?"] = STATS["keys_used"].get(akid or "?", 0) + 1
            self.view = VIEWS.get(akid)
        if bad:
            with LOCK:
                STATS["signature_failures"] += 1 if bad == "SignatureDoesNotMatch" else 0
            return self.error("rest-xml", 403, bad, "signature check failed: " + bad)
        if self.throttled("s3", region):
            return self.error("rest-xml", 503, "SlowDown", "Please reduce your request rate.")
        home = STATE.bucket_regions.get(bucket)
        if home and home != region:
            with LOCK:
                STATS["redirects"] = STATS.get("redirects", 0) + 1
            self._extra_headers = {"x-amz-bucket-region": home}
            return self.error("rest-xml", 301, "PermanentRedirect", "The bucket you are attempting to access must be "
                              "addressed using the specified endpoint.")
        fault = self.pick_fault(call, region)
        if fault:
            with LOCK:
                STATS["faults"] += 1
            return self.fault("rest-xml", fault, m, op, {"Bucket": bucket}, region, service, command)
        return self.answer("rest-xml", m, None, op, {"Bucket": bucket}, region, service, command)

    def do_POST(self):
        if self.path == "/__mock/faults":  # replace the fault list (the fault matrix drives one server)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with LOCK:
                STATE.faults = json.loads(body or b"[]")
                STATS["by_call"] = {}
                STATS["sequence"] = []
                STATS["faults"] = 0
            return self.reply(200, "{}", "application/json")
        if self.path == "/token":  # sso-oidc CreateToken
            return sso_oidc_token(self, self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        with LOCK:
            STATS["in_flight"] += 1
            STATS["max_in_flight"] = max(STATS["max_in_flight"], STATS["in_flight"])
        self._ep_key = None
        try:
            self.handle_call()
        finally:
            self._ep_done()
            with LOCK:
                STATS["in_flight"] -= 1

    def error(self, proto, status, code, message, fault=None):
        if proto == "json":
            self.reply(status, json.dumps({"__type": "com.amazonaws#" + code, "message": message}),
                       "application/x-amz-json-1.1", fault)
        elif proto == "rest-xml":
            self.reply(status, "<Error><Code>%s</Code><Message>%s</Message><RequestId>mock</RequestId></Error>"
                       % (code, escape(message)), "application/xml", fault)
        elif proto == "ec2":
            self.reply(status, "<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors>"
                               "<RequestID>mock</RequestID></Response>" % (code, escape(message)), "text/xml", fault)
        else:
            self.reply(status, "<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message>"
                               "</Error><RequestId>mock</RequestId></ErrorResponse>" % (code, escape(message)),
                       "text/xml", fault)

    def throttled(self, service, region):
        """Takes a token from the service's bucket in the region (--throttle-rps);
        False when there was one. Records the request rate seen either way."""
        key = "%s/%s" % (service, region)
        now = time.monotonic()
        with EP_LOCK:
            if getattr(self, "_ep_key", None) is None:
                self._ep_key = key
                EP_IN_FLIGHT[key] = EP_IN_FLIGHT.get(key, 0) + 1
                peak = STATS.setdefault("max_in_flight_ep", {})
                peak[key] = max(peak.get(key, 0), EP_IN_FLIGHT[key])
        with LOCK:
            seen = RATE_SEEN.setdefault(key, [])
            seen.append(now)
            while seen and seen[0] <= now - 1.0:
                seen.pop(0)
            peaks = STATS.setdefault("max_rps", {})
            peaks[key] = max(peaks.get(key, 0), len(seen))
            rps = STATE.throttle_rps.get(service)
            if not rps:
                answered = STATS.setdefault("answered", {})
                answered[key] = answered.get(key, 0) + 1
                return False
            burst = STATE.throttle_burst or rps
            tokens, last = BUCKETS.get(key, (burst, now))
            tokens = min(burst, tokens + (now - last) * rps)
            ok = tokens >= 1
            BUCKETS[key] = (tokens - 1 if ok else tokens, now)
            if not ok:
                STATS["throttled"] = STATS.get("throttled", 0) + 1
            else:
                answered = STATS.setdefault("answered", {})
                answered[key] = answered.get(key, 0) + 1
            return not ok

    def throttle_error(self, proto, service):
        if service == "ec2":
            return self.error(proto, 503, "RequestLimitExceeded", "Request limit exceeded.")
        if proto == "json":
            return self.error(proto, 400, "ThrottlingException", "Rate of requests exceeds the allowed throughput.")
        return self.error(proto, 400, "Throttling", "Rate exceeded")

    def handle_call(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        headers = {k.lower(): v for k, v in self.headers.items()}
        if urllib.parse.urlparse(self.path).path == "/findings/import":
            return self.import_findings(headers, body)
        auth = headers.get("authorization", "")
        try:
            scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")
            region, signing = scope[2], scope[3]
        except Exception:
            region, signing = "us-east-1", "sts"
        service = SIGNING_TO_SERVICE.get(signing, signing)
        target = headers.get("x-amz-target")
        if target:
            m, pag, by_target = model(service)
            op = by_target.get(target)
            params = json.loads(body or b"{}")
        else:
            form = urllib.parse.parse_qs(body.decode())
            op = form.get("Action", [None])[0]
            if op == "AssumeRoleWithWebIdentity":
                service = "sts"
            m, pag, _ = model(service)
            params = query_params(body)
        proto = m.metadata["protocol"]
        if op is None or op not in m.operation_names:
            with LOCK:
                STATS["unknown"] += 1
            return self.error(proto, 400, "InvalidAction", "unknown operation")
        command = xform_name(op, "-")
        call = "%s %s" % (service, command)
        with LOCK:
            STATS["requests"] += 1
            STATS["by_call"][call] = STATS["by_call"].get(call, 0) + 1
            if len(STATS["sequence"]) < 100000:
                STATS["sequence"].append("%s %s" % (call, region))
        self.view = None
        self.akid = None
        if op != "AssumeRoleWithWebIdentity":
            bad, akid = sign_check("POST", self.path, headers, body)
            self.akid = akid
            with LOCK:
                STATS["keys_used"][akid or "?"] = STATS["keys_used"].get(akid or "?", 0) + 1
                self.view = VIEWS.get(akid)
                if self.view:
                    acct = self.view[1]["account_id"]
                    STATS.setdefault("by_account", {})[acct] = STATS.setdefault("by_account", {}).get(acct, 0) + 1
            if bad:
                with LOCK:
                    STATS["signature_failures"] += 1 if bad == "SignatureDoesNotMatch" else 0
                return self.error(proto, 403, bad, "signature check failed: " + bad)
        if self.throttled(service, region):
            return self.throttle_error(proto, service)
        fault = self.pick_fault(call, region)
        if fault:
            with LOCK:
                STATS["faults"] += 1
            return self.fault(proto, fault, m, op, params, region, service, command)
        return self.answer(proto, m, pag, op, params, region, service, command)

    def import_findings(self, headers, body):
        """securityhub BatchImportFindings (rest-json): the service's own
        checks that a client cannot make: at most 100 findings, every
        required member present, enum values known, string limits."""
        def bad(msg):
            self.reply(400, json.dumps({"__type": "InvalidInputException", "Message": msg}), "application/json")
        err, akid = sign_check("POST", "/findings/import", headers, body)
        if err:
            return self.reply(403, json.dumps({"__type": err, "Message": "signature check failed"}), "application/json")
        m = model("securityhub")[0]
        try:
            findings = json.loads(body)["Findings"]
        except Exception as e:
            return bad("body is not JSON with Findings: %s" % e)
        if not 1 <= len(findings) <= 100:
            return bad("Findings must hold 1 to 100 findings, not %d" % len(findings))
        shape = m.shape_for("AwsSecurityFinding")
        problems = []
        for i, f in enumerate(findings):
            check_shape(f, shape, "Findings[%d]" % i, problems)
            for k, limit in (("Title", 256), ("Description", 1024), ("Id", 512)):
                if len(f.get(k, "")) > limit:
                    problems.append("Findings[%d].%s longer than %d" % (i, k, limit))
            text = f.get("Remediation", {}).get("Recommendation", {}).get("Text", "")
            if len(text) > 512:
                problems.append("Findings[%d].Remediation.Recommendation.Text longer than 512" % i)
        # Each ProductArn names the region the call is signed for and the
        # finding's own account (Security Hub refuses any other).
        scope = re.search(r"Credential=[^/]+/[0-9]{8}/([^/]+)/securityhub/", headers.get("authorization", ""))
        for i, f in enumerate(findings):
            want = "arn:aws:securityhub:%s:%s:product/%s/default" % (
                scope.group(1) if scope else "?", f.get("AwsAccountId"), f.get("AwsAccountId"))
            if f.get("ProductArn") != want:
                problems.append("Findings[%d].ProductArn %s is not %s" % (i, f.get("ProductArn"), want))
        if problems:
            return bad("; ".join(problems[:5]))
        with LOCK:
            STATS["imported"] += len(findings)
            STATS.setdefault("import_calls", []).append(
                {"region": scope.group(1) if scope else None, "findings": len(findings),
                 "resolved": sum(1 for f in findings if f.get("Workflow", {}).get("Status") == "RESOLVED")})
            STATS["requests"] += 1
        self.reply(200, json.dumps({"FailedCount": 0, "SuccessCount": len(findings), "FailedFindings": []}),
                   "application/json")

    def pick_fault(self, call, region):
        with LOCK:
            for f in STATE.faults:
                if f["call"] != call and f["call"] != "*":
                    continue
                if f.get("region") and f["region"] != region:
                    continue
                if f.get("times", 1 << 30) <= 0:
                    continue
                f["times"] = f.get("times", 1 << 30) - 1
                return f["fault"]
        return None

    def fault(self, proto, fault, m, op, params, region, service, command):
        if fault == "throttle":
            code = "Throttling" if proto != "json" else "ThrottlingException"
            return self.error(proto, 400, code, "Rate exceeded")
        if fault in ("500", "503"):
            return self.error(proto, int(fault), "InternalFailure" if fault == "500" else "ServiceUnavailable", "mock fault")
        if fault == "denied":
            return self.error(proto, 400 if proto == "json" else 403,
                              "AccessDeniedException" if proto == "json" else "AccessDenied", "mock denies " + op)
        if fault == "expired":
            return self.error(proto, 400 if proto == "json" else 403, "ExpiredTokenException" if proto == "json" else "ExpiredToken",
                              "The security token included in the request is expired")
        if fault == "slow":
            time.sleep(float(os.environ.get("MOCK_SLOW_SECONDS", "5")))
            return self.answer(proto, m, None, op, params, region, service, command)
        if fault == "malformed":
            return self.reply(200, "{\"not\": json" if proto == "json" else "<Broken><unclosed>", "text/plain")
        if fault.startswith("pad:"):
            # The normal answer, padded with spaces to exactly N bytes (JSON protocols).
            self._pad = int(fault[4:])
            return self.answer(proto, m, None, op, params, region, service, command)
        if fault == "empty-page":
            pag = model(service)[1].get(op)
            if pag:
                outk = pag["output_token"]
                outk = outk[0] if isinstance(outk, list) else outk
                keys = pag["result_key"] if isinstance(pag["result_key"], list) else [pag["result_key"]]
                value = {k: [] for k in keys}
                value[outk] = "mock-endless-token"
                if pag.get("more_results"):
                    value[pag["more_results"]] = True
                return self.send_value(proto, m, op, value)
            return self.answer(proto, m, None, op, params, region, service, command)
        return self.answer(proto, m, None, op, params, region, service, command, fault)

    def answer(self, proto, m, pag, op, params, region, service, command, fault=None):
        root, manifest = getattr(self, "view", None) or (STATE.dir, STATE.manifest)
        if service == "organizations":
            return self.organizations(proto, m, op, params, fault)
        if service == "sts" and op == "AssumeRole" and STATE.org:
            return self.assume_in_org(proto, m, op, params, fault)
        if service == "sts" and op == "GetCallerIdentity":
            acct = manifest["account_id"]
            return self.send_value(proto, m, op, {"UserId": "AIDAMOCK", "Account": acct,
                                                  "Arn": "arn:aws:iam::%s:user/auditor" % acct}, fault)
        if service == "sts" and op in ("AssumeRole", "AssumeRoleWithWebIdentity"):
            with LOCK:
                STATS["assume_role"].append({"op": op, "role": params.get("RoleArn"),
                                             "external_id": params.get("ExternalId")})
            if "missing" in (params.get("RoleArn") or ""):
                return self.error(proto, 403, "AccessDenied", "not authorized to assume " + params.get("RoleArn", ""))
            if STATE.role_keys:
                who = params.get("WebIdentityToken") if op == "AssumeRoleWithWebIdentity" else self.akid
                return self.send_value(proto, m, op, {"Credentials": derived_keys(
                    op, params.get("RoleArn"), who, params.get("ExternalId"), params.get("DurationSeconds"))}, fault)
            return self.send_value(proto, m, op, {"Credentials": {
                "AccessKeyId": "ASIAMOCKTEMPORARY1", "SecretAccessKey": KEYS["ASIAMOCKTEMPORARY1"][0],
                "SessionToken": KEYS["ASIAMOCKTEMPORARY1"][1], "Expiration": "2099-01-01T00:00:00Z"}}, fault)
        if service == "ec2" and op == "DescribeRegions":
            return self.send_value(proto, m, op, {"Regions": [
                {"RegionName": r, "Endpoint": "ec2.%s.amazonaws.com" % r, "OptInStatus": "opt-in-not-required"}
                for r in manifest["regions"]]}, fault)
        base = find_file(region, service, command, params, root)
        if service == "iam" and command in ("generate-credential-report", "get-credential-report") and \
                not os.path.exists(base + ".error.json"):
            # The credential report is not ready at first, as in a fresh account: the
            # first generation only starts it, the first read finds it in progress.
            with LOCK:
                first = (root, command) not in REPORT_ASKED
                REPORT_ASKED.add((root, command))
            if first and command == "generate-credential-report":
                return self.send_value(proto, m, op, {"State": "STARTED", "Description": "No report exists. "
                                                      "Starting a new report generation task"}, fault)
            if first:
                return self.error(proto, 404, "ReportInProgress", "Report generation in progress. Try again later.")
        if os.path.exists(base + ".error.json"):
            e = json.load(open(base + ".error.json"))
            return self.error(proto, 400, e["code"], e.get("message", ""))
        if not os.path.exists(base + ".json"):
            return self.error(proto, 400, "MockNotRecorded", "no recording for %s" % base)
        value = json.load(open(base + ".json"))
        if command == "get-metric-data" and STATE.metric_window:
            value = metric_window(value, params)
        pg = pag.get(op) if pag else None
        if pg and STATE.page_size:
            value = self.paginate(pg, value, params)
        return self.send_value(proto, m, op, value, fault)

    def organizations(self, proto, m, op, params, fault):
        """An organization from --org: ListAccounts, ListAccountsForParent and
        ListOrganizationalUnitsForParent, two items per page."""
        org = STATE.org
        if op == "ListAccounts":
            items = [dict(a, Id=i) for i, a in org["accounts"].items()]
            key = "Accounts"
        elif op == "ListAccountsForParent":
            items = [dict(a, Id=i) for i, a in org["accounts"].items() if a["parent"] == params.get("ParentId")]
            key = "Accounts"
        elif op == "ListOrganizationalUnitsForParent":
            items = [{"Id": u, "Name": u} for u in org["ous"].get(params.get("ParentId"), [])]
            key = "OrganizationalUnits"
        else:
            return self.error(proto, 400, "UnsupportedAPIEndpointException", op)
        with LOCK:
            STATS.setdefault("org_calls", []).append({"op": op, "parent": params.get("ParentId"),
                                                      "token": params.get("NextToken")})
        start = int(params.get("NextToken") or 0)
        page = [{k: v for k, v in x.items() if k in ("Id", "Name", "Status", "Email", "Arn")} for x in items[start:start + 2]]
        for x in page:
            x.setdefault("Status", "ACTIVE")
        value = {key: page}
        if start + 2 < len(items):
            value["NextToken"] = str(start + 2)
        return self.send_value(proto, m, op, value, fault)

    def assume_in_org(self, proto, m, op, params, fault):
        """STS AssumeRole into an account of --org: each account gets keys of
        its own, and the calls signed with them are served its snapshot."""
        arn = params.get("RoleArn") or ""
        with LOCK:
            STATS["assume_role"].append({"op": op, "role": arn, "external_id": params.get("ExternalId")})
        parts = arn.split(":")
        acct = parts[4] if len(parts) > 5 else ""
        a = STATE.org["accounts"].get(acct)
        name = arn.rsplit("/", 1)[-1]
        if not a or not a.get("role") or a["role"] != name or a.get("external_id") not in (None, params.get("ExternalId")):
            return self.error(proto, 403, "AccessDenied", "User is not authorized to perform: sts:AssumeRole on resource: " + arn)
        akid = "ASIA" + acct + "ORGK"
        with LOCK:
            KEYS[akid] = ("org-secret-" + acct, "org-token-" + acct)
            VIEWS[akid] = (a["snapshot"], json.load(open(os.path.join(a["snapshot"], "manifest.json"))))
        return self.send_value(proto, m, op, {"Credentials": {
            "AccessKeyId": akid, "SecretAccessKey": KEYS[akid][0], "SessionToken": KEYS[akid][1],
            "Expiration": "2099-01-01T00:00:00Z"}}, fault)

    def paginate(self, pg, value, params):
        keys = pg["result_key"] if isinstance(pg["result_key"], list) else [pg["result_key"]]
        intok = pg["input_token"]
        outtok = pg["output_token"]
        if isinstance(intok, list) or isinstance(outtok, list):
            return value
        start = int(str(params.get(intok, "page-0")).split("-")[-1]) if params.get(intok) else 0
        longest = max(len(value.get(k, [])) for k in keys)
        page = dict(value)
        for k in keys:
            if k in value:
                page[k] = value[k][start:start + STATE.page_size]
        if start + STATE.page_size < longest:
            page[outtok] = "page-%d" % (start + STATE.page_size)
            if pg.get("more_results"):
                page[pg["more_results"]] = True
        elif pg.get("more_results"):
            page[pg["more_results"]] = False
        return page

    def send_value(self, proto, m, op, value, fault=None):
        om = m.operation_model(op)
        if proto == "json":
            return self.reply(200, json.dumps(value), "application/x-amz-json-1.1", fault)
        shape = om.output_shape
        if proto == "rest-xml":  # the output shape is the root element
            xml = to_xml(value, shape, shape.name, proto).replace(
                "<%s>" % shape.name, '<%s xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' % shape.name, 1)
            return self.reply(200, '<?xml version="1.0" encoding="UTF-8"?>\n' + xml, "application/xml", fault)
        wrapper = om.output_shape.serialization.get("resultWrapper") if shape else None
        wrapper = wrapper or om.metadata.get("resultWrapper") or (om.output_shape and om.output_shape.serialization.get("resultWrapper"))
        inner = to_xml(value, shape, op + "Result", proto) if shape else ""
        if proto == "ec2":
            xml = to_xml(value, shape, op + "Response", proto).replace("<%sResponse>" % op,
                  '<%sResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>mock</requestId>' % op, 1)
        else:
            xml = '<%sResponse xmlns="https://mock/"><%sResult>%s</%sResult><ResponseMetadata><RequestId>mock</RequestId></ResponseMetadata></%sResponse>' % (
                op, op, inner[len("<%sResult>" % op):-len("</%sResult>" % op)], op, op)
        return self.reply(200, '<?xml version="1.0" encoding="UTF-8"?>\n' + xml, "text/xml", fault)


def main():
    global STATE
    ap = argparse.ArgumentParser()
    ap.add_argument("--snapshot", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--latency-ms", type=int, default=0)
    ap.add_argument("--page-size", type=int, default=0)
    ap.add_argument("--metric-window", action="store_true",
                    help="get-metric-data answers only the datapoints between StartTime and EndTime")
    ap.add_argument("--faults")
    ap.add_argument("--org")
    ap.add_argument("--max-seconds", type=int, default=600)
    ap.add_argument("--role-keys", action="store_true", help="temporary keys derived from how they were obtained")
    ap.add_argument("--tls-cert", help="serve https with this PEM certificate chain (and --tls-key)")
    ap.add_argument("--tls-key")
    ap.add_argument("--throttle-rps", action="append", default=[], metavar="SERVICE=N",
                    help="a token bucket of N requests/s per region for SERVICE")
    ap.add_argument("--throttle-burst", type=float, default=0, help="bucket size (default: N)")
    ap.add_argument("--bucket-region", action="append", default=[], metavar="BUCKET=REGION",
                    help="S3 redirects requests for BUCKET signed for another region (ACC-08)")
    args = ap.parse_args()
    STATE = State(args)
    # The server's header parser (this process makes no HTTP requests of its own).
    http.client.parse_headers = parse_headers
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 256
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if args.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    # Bounded life: the server stops by itself even if a test forgets it.
    threading.Timer(args.max_seconds, srv.shutdown).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
