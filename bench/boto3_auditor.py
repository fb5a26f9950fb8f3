#!/usr/bin/python3
"""boto3_auditor.py ENDPOINT_URL [DBWARD]: a serial auditor in the manner of the
established open-source Python auditors: one boto3 client per service and
region, every call made one after the other, paginators where the API has
them. It makes the same calls dbward makes, read from dbward's call plan
(the account's regions from ec2 describe-regions, IAM once, then every
region's calls, each per-resource call after its parent's answer) and keeps
the answers in memory. Only the
collection is timed: evaluating the controls is cheap next to it. Prints the
number of calls."""
import datetime
import json
import subprocess
import sys

import boto3
import jmespath
from botocore.config import Config

URL = sys.argv[1]
# The calls dbward makes: its call plan (`dbward plan --format json`).
DBWARD = sys.argv[2] if len(sys.argv) > 2 else "build/dbward"
PLAN = json.loads(subprocess.run([DBWARD, "plan", "--format", "json"], check=True, capture_output=True,
                                 text=True).stdout)["calls"]
CFG = Config(retries={"max_attempts": 3, "mode": "standard"})
session = boto3.session.Session(region_name="us-east-1")
calls = 0


def client(service, region):
    # The plan names services as the aws CLI does; boto3 calls s3api "s3".
    name = {"s3api": "s3"}.get(service, service)
    return session.client(name, region_name=region, endpoint_url=URL, config=CFG)


def call(c, op, **kw):
    """All pages of one call; a failed call counts once and gives nothing, as
    auditors log an error and go on."""
    global calls
    out = []
    try:
        if c.can_paginate(op):
            for page in c.get_paginator(op).paginate(**kw):
                calls += 1
                out.append(page)
            return out
        calls += 1
        return [getattr(c, op)(**kw)]
    except c.exceptions.ClientError:
        calls += 1
        return out


def items(pages, key):
    return [x for p in pages for x in p.get(key, [])]


def subst(text, ctx):
    for k, v in ctx.items():
        text = text.replace("{%s}" % k, v)
    return text


def params(row, ctx):
    """The row's parameters with the placeholders filled, as dbward sends them."""
    def fill(v):
        if isinstance(v, str):
            return subst(v, ctx)
        if isinstance(v, list):
            return [fill(x) for x in v]
        if isinstance(v, dict):
            return {k: fill(x) for k, x in v.items()}
        return v
    p = fill(row["params"])
    for k in ("StartTime", "EndTime"):
        if k in p:
            p[k] = datetime.datetime.fromisoformat(p[k].replace("Z", "+00:00"))
    return p


def walk(row, region, ctx, pages):
    """The calls that depend on row's answer, depth first, as a serial auditor does."""
    whole = pages[0] if len(pages) == 1 else {}
    if len(pages) > 1:
        for p in pages:
            for k, v in p.items():
                if isinstance(v, list):
                    whole.setdefault(k, []).extend(v)
    for child in PLAN:
        if child["parent"] != row["call"]:
            continue
        if not child["each"]:  # made once after its parent (the credential report)
            walk(child, region, ctx, call(client(child["service"], region), xform(child["command"]), **params(child, ctx)))
            continue
        for item in jmespath.search(subst(child["each"], ctx), whole) or []:
            if not isinstance(item, str):
                continue
            c = dict(ctx, item=item, tail=item.rsplit(":", 1)[-1])
            got = call(client(child["service"], region), xform(child["command"]), **params(child, c))
            walk(child, region, c, got)


def xform(command):
    return command.replace("-", "_")


ident = call(client("sts", "us-east-1"), "get_caller_identity")
account = ident[0]["Account"] if ident else "123456789012"
regions = [r["RegionName"] for r in items(call(client("ec2", "us-east-1"), "describe_regions"), "Regions")]
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
for scope in ("global", "region"):
    for row in [r for r in PLAN if r["scope"] == scope and not r["parent"]]:
        for r in regions[:1] if scope == "global" else regions:
            days = row["window"]["default_days"] if row["window"] else 0
            ctx = {"region": r, "partition": "aws", "account": account,
                   "now": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "window_start": (now - datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")}
            walk(row, r, ctx, call(client(row["service"], r), xform(row["command"]), **params(row, ctx)))
print(calls)
