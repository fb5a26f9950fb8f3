#!/usr/bin/python3
"""build/tests/dw-sigv4 against botocore's SigV4Auth on random requests with odd
endpoint URLs: default and odd ports, upper-case hosts, userinfo, fragments,
a query with no path, dot segments, and odd query characters.

For each request dw-sigv4 prints the Authorization value and the URL dbward
would hand libcurl. Three checks, none of them using dbward's signer:
  sent     botocore signs the URL dbward sends (the server's view): the
           Authorization values must be equal;
  same     the URL sent is the request typed, by Python's own parser: same
           scheme, host (lower case), effective port, the path with its dot
           segments removed (RFC 3986 5.2.4), the same decoded query pairs
           in the same order, already in SigV4's encoding; no userinfo, no
           fragment;
  typed    botocore signs the URL as typed: equal whenever the typed query
           is already canonical (botocore signs the raw query text, so a
           query such as "a=!" is only comparable once dbward has rewritten
           it; those are counted apart).
Usage: sigv4_random.py DW_SIGV4 [COUNT] [SEED]"""
import json
import random
import re
import subprocess
import sys
import urllib.parse

from botocore.auth import SigV4Auth, _host_from_url
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

helper = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 400
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 15)

HOSTS = ["example.amazonaws.com", "localhost", "127.0.0.1", "sts.us-east-1.amazonaws.com",
         "dynamodb.eu-west-1.amazonaws.com", "[::1]", "my-host.internal", "h"]
PATHS = ["", "/", "/prefix/", "/prefix", "/a/./b/../c", "//x//y//", "/odd!$'()*+,;=:@~-._",
         "/%41%7e", "/a%2Fb/", "/p/../../q", "/."]
QUERIES = [None, "", "x=1", "a=!&b=%7e&c=+", "d&&e=", "=v", "k=v=w", "%41=%zz", "b=2&a=1&a=0",
           "x=1&", "&&", "q=a?b", "s=%E1%88%B4&t=~", "u=%2f%2F", "p=(1)*'2'", "z", "Z=1&z=1&_=&-="]
SERVICES = [("sts", "us-east-1"), ("dynamodb", "eu-west-1"), ("dms", "ap-southeast-2"),
            ("iam", "us-east-1"), ("kms", "us-gov-west-1")]
UNRESERVED = re.compile(r"^([A-Za-z0-9\-._~]|%[0-9A-F]{2})*$")


def mangle_case(s):
    return "".join(c.upper() if rng.random() < 0.4 else c for c in s)


def random_url():
    scheme = rng.choice(["http", "https"])
    host = mangle_case(rng.choice(HOSTS))
    port = rng.choice(["", "", ":80", ":443", ":8080", ":%d" % rng.randint(1, 65535), ":"])
    user = rng.choice(["", "", "", "user:pw@", "u@", "AK:Secret%21@"])
    path = rng.choice(PATHS)
    q = rng.choice(QUERIES)
    frag = rng.choice(["", "", "", "#frag", "#", "#a?b=c"])
    return "%s://%s%s%s%s%s%s" % (scheme, user, host, port, path, "" if q is None else "?" + q, frag)


def remove_dots(path):
    """RFC 3986 section 5.2.4, written out."""
    inp, out = path, []
    while inp:
        if inp.startswith("../"):
            inp = inp[3:]
        elif inp.startswith("./"):
            inp = inp[2:]
        elif inp.startswith("/./"):
            inp = inp[2:]
        elif inp == "/.":
            inp = "/"
        elif inp.startswith("/../"):
            inp = inp[3:]
            if out:
                out.pop()
        elif inp == "/..":
            inp = "/"
            if out:
                out.pop()
        elif inp in (".", ".."):
            inp = ""
        else:
            start = 1 if inp.startswith("/") else 0
            i = inp.find("/", start)
            seg = inp if i < 0 else inp[:i]
            out.append(seg)
            inp = "" if i < 0 else inp[i:]
    return "".join(out)


def pairs(query):
    out = []
    for p in (query or "").split("&"):
        if not p:
            continue
        k, eq, v = p.partition("=")
        out.append((urllib.parse.unquote_to_bytes(k), urllib.parse.unquote_to_bytes(v) if eq else None))
    return out


def port_of(parts):
    return parts.port if parts.port is not None else {"http": 80, "https": 443}[parts.scheme]


def same_request(typed, sent):
    t, s = urllib.parse.urlsplit(typed), urllib.parse.urlsplit(sent)
    why = []
    if t.scheme.lower() != s.scheme:
        why.append("scheme")
    if t.hostname != s.hostname or s.netloc != _host_from_url(typed):
        why.append("host %r vs %r" % (s.netloc, _host_from_url(typed)))
    if port_of(t) != port_of(s):
        why.append("port")
    if s.username is not None or s.password is not None or "@" in s.netloc:
        why.append("userinfo sent")
    if "#" in sent:
        why.append("fragment sent")
    if remove_dots(t.path or "/") != s.path:
        why.append("path %r vs %r" % (s.path, remove_dots(t.path or "/")))
    if pairs(t.query) != pairs(s.query):
        why.append("query %r vs %r" % (s.query, t.query))
    for p in s.query.split("&") if s.query else []:
        k, _, v = p.partition("=")
        if not UNRESERVED.match(k) or not UNRESERVED.match(v):
            why.append("query not canonical: %r" % p)
    return why


def botocore_auth(method, url, headers, body, ak, sk, token, service, region, ts):
    req = AWSRequest(method=method, url=url, headers=dict(headers), data=body.encode())
    req.context["timestamp"] = ts
    auth = SigV4Auth(Credentials(ak, sk, token), service, region)
    auth._modify_request_before_signing(req)
    creq = auth.canonical_request(req)
    sig = auth.signature(auth.string_to_sign(req, creq), req)
    auth._inject_signature_to_request(req, sig)
    return req.headers["Authorization"]


def typed_canonical(url):
    q = urllib.parse.urlsplit(url).query
    return all(p and UNRESERVED.match(p.partition("=")[0]) and UNRESERVED.match(p.partition("=")[2])
               for p in q.split("&")) if q else True


n = sent_ok = same_ok = typed_cmp = typed_ok = typed_other = refused = 0
bad = []
forms = {"default port": 0, "upper-case host": 0, "query without path": 0, "userinfo": 0,
         "fragment": 0, "non-canonical query": 0}
while n < count:
    url = random_url()
    service, region = rng.choice(SERVICES)
    method = rng.choice(["GET", "POST"])
    body = "" if method == "GET" else rng.choice(["", "{}", "Action=ListUsers&Version=2010-05-08",
                                                  '{"TableName":"t"}'])
    headers = []
    if method == "POST":
        headers.append(["Content-Type", rng.choice(["application/x-amz-json-1.0",
                                                    "application/x-www-form-urlencoded; charset=utf-8"])])
    if rng.random() < 0.4:
        headers.append(["X-Amz-Target", "  DynamoDB_20120810.ListTables   "])
    if rng.random() < 0.3:
        headers.append(["X-Custom", "a   b\tc"])
    token = "FwoGZXIvYXdzEXAMPLETOKEN" if rng.random() < 0.3 else None
    ts = "2026%02d%02dT%02d%02d%02dZ" % (rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                                         rng.randint(0, 59), rng.randint(0, 59))
    ak, sk = "AKIDRANDOM%04d" % n, "secret/%d+key" % rng.randint(0, 10 ** 9)
    req = {"method": method, "url": url, "headers": headers, "body": body, "access_key": ak,
           "secret_key": sk, "region": region, "service": service, "timestamp": ts}
    if token:
        req["token"] = token
    out = subprocess.run([helper], input=json.dumps(req).encode(), capture_output=True)
    if out.returncode != 0:
        refused += 1
        bad.append("refused %s: %s" % (url, out.stderr.decode().strip()))
        n += 1
        continue
    got, sent = out.stdout.decode().split("\n")[:2]
    n += 1
    t = urllib.parse.urlsplit(url)
    forms["default port"] += t.port is not None and t.port == {"http": 80, "https": 443}[t.scheme]
    hostport = t.netloc.rpartition("@")[2]
    forms["upper-case host"] += hostport != hostport.lower()
    forms["query without path"] += t.path == "" and "?" in url.split("#")[0]
    forms["userinfo"] += "@" in t.netloc
    forms["fragment"] += "#" in url
    forms["non-canonical query"] += not typed_canonical(url)
    want = botocore_auth(method, sent, headers, body, ak, sk, token, service, region, ts)
    if got == want:
        sent_ok += 1
    else:
        bad.append("sent: %s -> %s\n  dbward   %s\n  botocore %s" % (url, sent, got, want))
    why = same_request(url, sent)
    if not why:
        same_ok += 1
    else:
        bad.append("same: %s -> %s: %s" % (url, sent, "; ".join(why)))
    if typed_canonical(url):
        typed_cmp += 1
        want_typed = botocore_auth(method, url, headers, body, ak, sk, token, service, region, ts)
        if got == want_typed:
            typed_ok += 1
        else:
            bad.append("typed: %s\n  dbward   %s\n  botocore %s" % (url, got, want_typed))
    else:
        typed_other += 1

for b in bad[:20]:
    print("FAIL " + b)
print("forms: " + ", ".join("%s %d" % kv for kv in forms.items()))
print("%d requests: botocore agrees on the request sent %d/%d; sent URL is the typed request %d/%d; "
      "botocore agrees on the typed URL %d/%d (%d with a non-canonical query rewritten); refused %d"
      % (n, sent_ok, n, same_ok, n, typed_ok, typed_cmp, typed_other, refused))
print("%d disagreements" % (len(bad)))
sys.exit(1 if bad or n < 300 else 0)
