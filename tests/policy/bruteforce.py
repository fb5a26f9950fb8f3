#!/usr/bin/python3
"""Differential test of dbward's policy engine: an independent brute-force
evaluator written from the AWS documentation of IAM policy evaluation.

It shares no code with the C engine. It evaluates single requests with the
plain algorithm (an explicit Deny wins, otherwise an Allow is needed; with a
permissions boundary an Allow of the boundary is needed too; conditions are
evaluated on a request context), enumerates requests (every dynamodb,
dynamodbstreams, dax and kms operation of Debian's botocore models x a sample
of resource ARNs x request contexts), derives the same set-level answers that
dbward gives, and compares them with `policy_answer`'s output.

The set-level questions (the same definitions as include/dbward/policy.h):
  identity policies (conditions narrow when, not what: a conditional Allow
  counts, a conditional Deny does not remove)
    reach    some dynamodb/dynamodbstreams/dax action is allowed on some
             resource under arn:aws:dynamodb: or arn:aws:dax:
    total    in some region in scope, every dynamodb action is allowed on
             every table of the account
    via_not  an Allow written with NotAction/NotResource allows some dynamodb
             action on some table of the account in a region in scope
    via_star the Allows whose Action patterns match every action of every
             service ("*") allow, by themselves, some dynamodb action on every
             table of the account in a region in scope
  key policies
    open     a kms request from a principal outside the account and its
             organisation (and not through the account's VPC endpoints) is
             allowed; any request key may be absent from the context
    broad    a principal other than the account root is allowed every kms
             action, or some kms action through a NotAction Allow

A sample can only refute a universal answer, so the sample is built from the
policy itself (every pattern concretised several ways, every condition value
and addresses inside and outside every CIDR) plus fixed witnesses; both
directions are compared, so an answer the sample cannot confirm is reported
as a disagreement, not passed.

Usage: bruteforce.py POLICY_ANSWER CORPUS_DIR
Environment (scripts/mutate): DW_POLICY_SUBSET=K judges only every K-th
policy of the sorted corpus (a fixed subset); DW_POLICY_ORACLE_CACHE=FILE
keeps the brute force's answers between runs (see OracleCache).
The brute force's answers are also recorded in tests/policy/oracle-answers.json
(written only by DW_POLICY_RECORD=1, which judges the whole corpus afresh):
a run uses them, judges every RECHECK-th policy afresh and fails when a
recorded answer differs from the fresh one, and judges afresh every policy
the recording lacks (a new or edited policy, another botocore version).
"""
import hashlib
import ipaddress
import itertools
import json
import os
import re
import subprocess
import sys

import botocore
import botocore.session

ACCOUNT = "123456789012"
PARTITION = "aws"
REGIONS = ["us-east-1", "eu-west-1"]
OTHER_REGIONS = ["ap-south-1"]
ORG = "o-a1b2c3d4e5"
OWN_VPCES = ["vpce-0a1b2c3d4e5f60001"]
OWN_VPCS = ["vpc-0a1b2c3d4e5f60001"]
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TABLE_CHARS = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")


def load_actions():
    loader = botocore.session.get_session().get_component("data_loader")
    out = {}
    for svc in ("dynamodb", "dynamodbstreams", "dax", "kms"):
        model = loader.load_service_model(svc, "service-2")
        out[svc] = ["%s:%s" % (svc, op) for op in model["operations"]]
    return out


# ---- IAM wildcard matching, from the docs: '*' any run of characters
# (including ':' and '/'), '?' any single character; actions ignore case.

_RX = {}


def glob(pattern, s, nocase):
    k = (pattern, nocase)
    rx = _RX.get(k)
    if rx is None:
        parts = []
        for ch in pattern:
            parts.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        rx = re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if nocase else 0))
        _RX[k] = rx
    return rx.fullmatch(s) is not None


def as_list(v):
    return v if isinstance(v, list) else [v]


def stmts(doc):
    st = doc["Statement"]
    return st if isinstance(st, list) else [st]


def action_ok(st, action):
    if "Action" in st:
        return any(glob(p, action, True) for p in as_list(st["Action"]))
    return not any(glob(p, action, True) for p in as_list(st["NotAction"]))


def resource_ok(st, arn):
    if "Resource" in st:
        return any(glob(p, arn, False) for p in as_list(st["Resource"]))
    if "NotResource" in st:
        return not any(glob(p, arn, False) for p in as_list(st["NotResource"]))
    return True


# ---- conditions, evaluated on a context {lower-case key: value}; a missing
# key is simply absent.

def arn_like(pattern, value):
    """ArnLike/ArnEquals: the six colon-separated parts are matched one by
    one; a pattern with fewer parts matches its last part against the rest."""
    pp = pattern.split(":", 5)
    vp = value.split(":", 5)
    if len(vp) < len(pp):
        return False
    head = len(pp) - 1
    vp = vp[:head] + [":".join(vp[head:])]
    return all(glob(a, b, False) for a, b in zip(pp, vp))


def in_cidr(value, cidr):
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


def base_match(op, want, have):
    if op == "StringEquals":
        return have == want
    if op == "StringEqualsIgnoreCase":
        return have.lower() == want.lower()
    if op == "StringLike":
        return glob(want, have, False)
    if op in ("ArnEquals", "ArnLike"):
        return arn_like(want, have)
    if op == "IpAddress":
        return in_cidr(have, want)
    if op == "Bool":
        return have.lower() == str(want).lower()
    if op == "NumericEquals":
        return float(have) == float(want)
    raise ValueError("operator %s not modelled" % op)


NEGATED = {"StringNotEquals": "StringEquals", "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
           "StringNotLike": "StringLike", "ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike",
           "NotIpAddress": "IpAddress"}


def cond_true(op, key, values, ctx):
    values = [v if isinstance(v, str) else json.dumps(v) for v in as_list(values)]
    qual = None
    for q in ("ForAllValues:", "ForAnyValue:"):
        if op.startswith(q):
            qual, op = q, op[len(q):]
    if_exists = op.endswith("IfExists")
    if if_exists:
        op = op[: -len("IfExists")]
    have = ctx.get(key.lower())
    if op == "Null":
        return (have is None) == (values[0].lower() == "true")
    if have is None:
        if qual == "ForAllValues:":
            return True
        if qual == "ForAnyValue:":
            return False
        if if_exists:
            return True
        return op in NEGATED
    if op in NEGATED:
        return not any(base_match(NEGATED[op], w, have) for w in values)
    return any(base_match(op, w, have) for w in values)


def conds_true(st, ctx):
    for op, block in st.get("Condition", {}).items():
        for key, values in block.items():
            if not cond_true(op, key, values, ctx):
                return False
    return True


# ---- samples built from the policy

FILLS = ["", "a", "x0", "abc", "aws", "Zz9", "us-east-1", ACCOUNT, "999999999999",
         "dynamodb:us-east-1:123456789012:table/orders", "table/orders", ":", "/",
         "aws:dax:us-east-1:123456789012:cache/c1", "aws:dynamodb:us-east-1:123456789012:",
         "arn:aws:dax:us-east-1:123456789012:"]


def concretise(p):
    """Strings the pattern matches, filled several ways."""
    out = set()
    stars = p.count("*")
    for f in FILLS:
        for q in ("a", "0", "Q"):
            out.add(p.replace("*", f).replace("?", q))
    if 0 < stars <= 3:
        for combo in itertools.product(["", "b", "orders", "-"], repeat=stars):
            s = p
            for f in combo:
                s = s.replace("*", f, 1)
            out.add(s.replace("?", "c"))
    return out


def table_arn(region, account, name, partition=PARTITION):
    return "arn:%s:dynamodb:%s:%s:table/%s" % (partition, region, account, name)


def resource_sample(docs):
    names = {"orders", "abc", "Orders", "a.b", "x-y_z", "000", "zzzzzz", "AbC", "ooo", "table"}
    arns = set()
    for doc in docs:
        for st in stmts(doc):
            for k in ("Resource", "NotResource"):
                for p in as_list(st.get(k, [])):
                    for c in concretise(p):
                        arns.add(c)
                        if ":table/" in c:
                            tail = c.split(":table/", 1)[1]
                            for part in (tail, tail.split("/")[0]):
                                if TABLE_CHARS.match(part):
                                    names.add(part)
                        if TABLE_CHARS.match(c):
                            names.add(c)
    for r in REGIONS + OTHER_REGIONS:
        for a in (ACCOUNT, "999999999999"):
            for n in names:
                arns.add(table_arn(r, a, n))
                arns.add(table_arn(r, a, n) + "/index/byDate")
                arns.add(table_arn(r, a, n) + "/stream/2024-01-01T00:00:00.000")
            arns.add("arn:aws:dax:%s:%s:cache/c1" % (r, a))
    arns.add(table_arn("us-east-1", ACCOUNT, "orders", "aws-cn"))
    arns.add("arn:aws:s3:::bucket/object")
    return names, sorted(arns)


# ---- identity policies

OTHER_SERVICE_ACTIONS = ["s3:GetObject", "ec2:RunInstances", "iam:PassRole", "a:b", "x-1:Z9", "zz:Q"]


def all_services(st, universe):
    """An Action list that matches every action of every service we can name."""
    if "Action" not in st:
        return False
    return all(any(glob(p, a, True) for p in as_list(st["Action"])) for a in universe + OTHER_SERVICE_ACTIONS)


UNIVERSE = []


def identity_decide(pols, action, arn):
    """(allowed, allowed through a Not* Allow, allowed by the all-service
    wildcard Allows alone) for one request."""
    allow = False
    via_not = False
    star = False
    cap_allow = False
    has_cap = any(p.get("boundary") for p in pols)
    for p in pols:
        for st in stmts(p["document"]):
            if not (action_ok(st, action) and resource_ok(st, arn)):
                continue
            if st["Effect"] == "Deny":
                if not st.get("Condition"):
                    return False, False, False
                continue
            if p.get("boundary"):
                cap_allow = True
            else:
                allow = True
                if "NotAction" in st or "NotResource" in st:
                    via_not = True
                if all_services(st, UNIVERSE):
                    star = True
    ok = allow and (cap_allow or not has_cap)
    return ok, ok and via_not, ok and star


def judge_identity(case, actions):
    pols = case["policies"]
    names, arns = resource_sample([p["document"] for p in pols])
    n = 0
    ddb = actions["dynamodb"]
    family = actions["dynamodb"] + actions["dynamodbstreams"] + actions["dax"]
    reach = False
    for a in family:
        for r in arns:
            if not (r.startswith("arn:aws:dynamodb:") or r.startswith("arn:aws:dax:")):
                continue
            n += 1
            if identity_decide(pols, a, r)[0]:
                reach = True
                break
        if reach:
            break
    total = False
    via_not = False
    via_star = False
    for region in REGIONS:
        region_total = True
        for a in ddb:
            action_star = True
            for t in sorted(names):
                n += 1
                ok, vn, st = identity_decide(pols, a, table_arn(region, ACCOUNT, t))
                region_total = region_total and ok
                via_not = via_not or vn
                action_star = action_star and st
            via_star = via_star or action_star
        total = total or region_total
    return {"reach": reach, "total": total, "via_not": via_not, "via_star": via_star}, n


# ---- key policies

def norm_principal(ptype, v):
    if ptype == "AWS" and re.fullmatch(r"[0-9]{12}", v):
        return "arn:aws:iam::%s:root" % v
    return v if ptype == "AWS" else "%s:%s" % (ptype, v)


def principal_entries(st):
    for k in ("Principal", "NotPrincipal"):
        if k not in st:
            continue
        pr = st[k]
        if pr == "*":
            yield "*", "*"
            continue
        for t, vs in pr.items():
            for v in as_list(vs):
                yield t, v


def principal_covers(st, who, delegate):
    """Does the statement's principal element name `who` (an ARN)? With
    delegate, naming an account (or its root) names every principal in it."""
    if "Principal" not in st and "NotPrincipal" not in st:
        return False
    listed = False
    for t, v in principal_entries(st):
        if v == "*" and t in ("*", "AWS"):
            listed = True
            continue
        n = norm_principal(t, v)
        if n == who:
            listed = True
        elif delegate and n.endswith(":root") and who.startswith("arn:") and \
                who.split(":")[4:5] == n.split(":")[4:5]:
            listed = True
    return (not listed) if "NotPrincipal" in st else listed


def key_decide(doc, who, action, ctx, delegate, conditions):
    allow = False
    allow_not = False
    for st in stmts(doc):
        if not (action_ok(st, action) and resource_ok(st, KEY_ARN) and principal_covers(st, who, delegate)):
            continue
        if conditions:
            if not conds_true(st, ctx):
                continue
        elif st["Effect"] == "Deny" and st.get("Condition"):
            continue
        if st["Effect"] == "Deny":
            return False, False
        allow = True
        allow_not = allow_not or "NotAction" in st
    return allow, allow and allow_not


def account_of(arn):
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 else None


def outsider_contexts(doc):
    """Requests from outside the account and organisation."""
    accounts = {"999999999999", "000000000000", "123456789010", "223456789012"}
    arns = set()
    keys = {}
    for st in stmts(doc):
        for t, v in principal_entries(st):
            if t == "AWS" and v != "*":
                n = norm_principal(t, v)
                if account_of(n):
                    accounts.add(account_of(n))
                    arns.add(n)
        for op, block in st.get("Condition", {}).items():
            for key, values in block.items():
                vals = set()
                for v in as_list(values):
                    v = v if isinstance(v, str) else json.dumps(v)
                    vals |= concretise(v) if ("Like" in op or "Arn" in op) else {v}
                    if "IpAddress" in op:
                        try:
                            net = ipaddress.ip_network(v, strict=False)
                            vals |= {str(net.network_address), str(net.broadcast_address)}
                        except ValueError:
                            pass
                keys.setdefault(key.lower(), set()).update(vals)
    # Accounts near the audited one (each prefix kept, each digit changed)
    # are the witnesses for account patterns; keep those a pattern admits.
    pool = {"999999999999", "000000000000"}
    for i in range(13):
        pool |= {ACCOUNT[:i] + "0" * (12 - i), ACCOUNT[:i] + "9" * (12 - i)}
        if i < 12:
            pool |= {ACCOUNT[:i] + d + ACCOUNT[i + 1:] for d in "0123456789"}
    pats = []
    for st in stmts(doc):
        for op, block in st.get("Condition", {}).items():
            for key, values in block.items():
                for v in as_list(values):
                    pats.append((op, key.lower(), v if isinstance(v, str) else json.dumps(v)))
    for op, k, v in pats:
        if k in ("aws:principalaccount", "kms:calleraccount"):
            accounts |= {a for a in pool if glob(v, a, False) or a == v}
        if k == "aws:principalarn":
            for a in pool:
                for tail in ("role/app", "user/alice", "root", "role/x"):
                    for svc in ("iam", "sts"):
                        cand = "arn:aws:%s::%s:%s" % (svc, a, tail)
                        if glob(v, cand, False) or arn_like(v, cand) or cand == v:
                            arns.add(cand)
                            accounts.add(a)
    keys.pop("aws:principalaccount", None)
    keys.pop("kms:calleraccount", None)
    for v in keys.pop("aws:principalarn", set()):
        if v.startswith("arn:") and account_of(v) and len(v.split(":")) == 6:
            arns.add(v)
            accounts.add(account_of(v))
    accounts.discard(ACCOUNT)
    principals = {a for a in arns if account_of(a) != ACCOUNT}
    for a in accounts:
        principals |= {"arn:aws:iam::%s:root" % a, "arn:aws:iam::%s:role/app" % a,
                       "arn:aws:iam::%s:user/alice" % a}
    def opts(k, base, own):
        if k not in keys:
            return {None}
        return {None} | base | {v for v in keys.pop(k) if v not in own}
    orgs = opts("aws:principalorgid", {"o-zz99zz99zz"}, [ORG])
    vpces = opts("aws:sourcevpce", {"vpce-0ffffffffffffffff"}, OWN_VPCES)
    vpcs = opts("aws:sourcevpc", {"vpc-0ffffffffffffffff"}, OWN_VPCS)
    ips = opts("aws:sourceip", {"8.8.8.8", "10.1.2.3", "203.0.113.9", "2001:db8::1"}, [])
    others = {k: ({None, "zz-other"} | v) for k, v in keys.items()}
    other_keys = sorted(others)
    for who in sorted(principals):
        acct = account_of(who)
        for present in (True, False):
            for org, vpce, vpc, ip in itertools.product(*[sorted(x, key=str) for x in (orgs, vpces, vpcs, ips)]):
                for combo in itertools.product(*[sorted(others[k], key=str) for k in other_keys]):
                    ctx = {}
                    if present:
                        ctx.update({"aws:principalaccount": acct, "kms:calleraccount": acct,
                                    "aws:principalarn": who})
                    for k, v in (("aws:principalorgid", org), ("aws:sourcevpce", vpce),
                                 ("aws:sourcevpc", vpc), ("aws:sourceip", ip)):
                        if v is not None:
                            ctx[k] = v
                    for k, v in zip(other_keys, combo):
                        if v is not None:
                            ctx[k] = v
                    yield who, ctx


def judge_key(case, actions):
    doc = case["policy"]
    kms = actions["kms"]
    n = 0
    opened = False
    granted = [a for a in kms if any(st["Effect"] == "Allow" and action_ok(st, a) for st in stmts(doc))]
    for who, ctx in outsider_contexts(doc):
        for a in granted:
            n += 1
            if key_decide(doc, who, a, ctx, True, True)[0]:
                opened = True
                break
        if opened:
            break
    cands = set()
    for st in stmts(doc):
        if st["Effect"] == "Allow" and "Principal" in st:
            for t, v in principal_entries(st):
                if v != "*":
                    cands.add(norm_principal(t, v))
    cands.add("arn:aws:iam::%s:role/dbward-any-other-role" % ACCOUNT)
    cands.discard("arn:aws:iam::%s:root" % ACCOUNT)
    broad = False
    for who in sorted(cands):
        every = True
        for a in kms:
            n += 1
            ok, via_not = key_decide(doc, who, a, {}, False, False)
            every = every and ok
            broad = broad or via_not
        broad = broad or every
    return {"open": opened, "broad": broad}, n


# ---- ACC-10: requests from outside the company networks (kind "net"),
# read as include/dbward/policy.h defines the question: conditions on
# aws:SourceIp, aws:SourceVpc, aws:SourceVpce and aws:ViaAWSService are
# evaluated on each request; any other condition (other keys, qualified
# operators, operators not modelled) may hold or not, so a Deny carrying one
# may not apply and a boundary Allow may; identity Allows count whatever
# their conditions (the guard must be a Deny or the boundary).

NET_KEYS = {"aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:viaawsservice"}
STRING_OPS = {"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
              "StringLike", "StringNotLike"}
ACTION_SHAPE = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9]+$")


def net_cond(op, key, values, ctx):
    """True, False, or None (not modelled: may hold or not)."""
    k = key.lower()
    if k not in NET_KEYS or op.startswith("ForAllValues:") or op.startswith("ForAnyValue:"):
        return None
    base = op[:-len("IfExists")] if op.endswith("IfExists") else op
    vals = [v if isinstance(v, str) else json.dumps(v) for v in as_list(values)]
    if base == "Null":
        if len(vals) != 1 or vals[0].lower() not in ("true", "false"):
            return None
    elif base in ("IpAddress", "NotIpAddress"):
        if k != "aws:sourceip":
            return None
        for v in vals:
            try:
                ipaddress.ip_network(v, strict=False)
            except ValueError:
                return None
    elif base == "Bool":
        if k != "aws:viaawsservice":
            return None
    elif base not in STRING_OPS or k == "aws:sourceip":
        return None
    return cond_true(op, key, values, ctx)


def net_applies(st, ctx, how):
    """how: "deny" (every condition true), "maybe" (no condition false),
    "always"; ctx None: no request, nothing is modelled."""
    if how == "always":
        return True
    results = [None if ctx is None else net_cond(op, key, vals, ctx)
               for op, block in st.get("Condition", {}).items() for key, vals in block.items()]
    if how == "deny":
        return all(r is True for r in results)
    return all(r is not False for r in results)


def net_decide(pols, action, arn, ctx, guard):
    allow = deny = cap = False
    has_cap = any(p.get("boundary") for p in pols)
    for p in pols:
        for st in stmts(p["document"]):
            if not (action_ok(st, action) and resource_ok(st, arn)):
                continue
            if st["Effect"] == "Deny":
                deny = deny or net_applies(st, ctx, "deny")
            elif p.get("boundary"):
                cap = cap or net_applies(st, ctx, "maybe")
            else:
                allow = allow or net_applies(st, ctx, "always" if guard else "maybe")
    return allow and not deny and (cap or not has_cap)


def net_limited(vals, widest=8):
    """dbward's "no wider than a /widest" for one condition's ORed ranges, from ipaddress."""
    nets = [ipaddress.ip_network(v, strict=False) for v in vals]
    for fam, limit in ((4, 2 ** (32 - widest)), (6, 2 ** 96)):
        fam_nets = [n for n in nets if n.version == fam]
        if sum(n.num_addresses for n in ipaddress.collapse_addresses(fam_nets)) > limit:
            return False
    return True


def net_company(case):
    cidrs, ids = list(case.get("company_cidrs", [])), list(case.get("company_vpcs", []))
    if cidrs or ids:
        return [ipaddress.ip_network(c, strict=False) for c in cidrs], set(ids), False
    nets, ids = [], set()
    for p in case["policies"]:
        for st in stmts(p["document"]):
            if st["Effect"] != "Deny":
                continue
            for op, block in st.get("Condition", {}).items():
                base = op[:-len("IfExists")] if op.endswith("IfExists") else op
                for key, vals in block.items():
                    vals = as_list(vals)
                    if key.lower() == "aws:sourceip" and base == "NotIpAddress":
                        try:
                            if net_limited(vals):
                                nets += [ipaddress.ip_network(v, strict=False) for v in vals]
                        except ValueError:
                            pass
                    if key.lower() in ("aws:sourcevpc", "aws:sourcevpce") and base.startswith("StringNot"):
                        ids |= {v for v in vals if "*" not in v and "?" not in v}
    return nets, ids, True


def net_samples(case):
    docs = [p["document"] for p in case["policies"]]
    acts = set(OTHER_SERVICE_ACTIONS) | {"dynamodb:GetItem", "kms:Decrypt", "s3:PutObject", "s3:GetObject",
                                         "iam:CreateUser", "iam:GetUser", "sts:GetCallerIdentity", "ec2:RunInstances"}
    nets, ids, derived = net_company(case)
    mentioned = list(nets)
    vpcs, vpces = {"vpc-0ffffffffffffffff"}, {"vpce-0ffffffffffffffff"}
    for d in docs:
        for st in stmts(d):
            for k in ("Action", "NotAction"):
                for pat in as_list(st.get(k, [])):
                    for c in concretise(pat):
                        if ":" in c:
                            svc, op = c.split(":", 1)
                            c = svc.lower() + ":" + op
                        if ACTION_SHAPE.match(c):
                            acts.add(c)
            for op, block in st.get("Condition", {}).items():
                for key, vals in block.items():
                    for v in as_list(vals):
                        v = v if isinstance(v, str) else json.dumps(v)
                        if key.lower() == "aws:sourceip":
                            try:
                                mentioned.append(ipaddress.ip_network(v, strict=False))
                            except ValueError:
                                pass
                        for c in (concretise(v) if "Like" in op else {v}):
                            if key.lower() == "aws:sourcevpc" and c not in ids:
                                vpcs.add(c)
                            if key.lower() == "aws:sourcevpce" and c not in ids:
                                vpces.add(c)
    addrs = {ipaddress.ip_address(a) for a in ("0.0.0.0", "8.8.8.8", "203.0.113.9", "255.255.255.255", "::",
                                                "2001:db8::1", "ffff::1")}
    for n in mentioned:
        for a in (n.network_address, n.broadcast_address):
            addrs.add(a)
            for d in (-1, 1):
                try:
                    addrs.add(a + d)
                except (ValueError, ipaddress.AddressValueError):
                    pass
    outside = [{"aws:sourceip": str(a), "aws:viaawsservice": "false"} for a in sorted(addrs, key=lambda a: (a.version, a))
               if not any(a.version == n.version and a in n for n in nets)]
    outside += [{"aws:sourcevpc": v, "aws:sourcevpce": e, "aws:viaawsservice": "false"}
                for v in sorted(vpcs) for e in sorted(vpces)]
    # Every service part with every operation part the patterns and the fixed actions give.
    svcs = {a.split(":", 1)[0] for a in acts}
    ops = {a.split(":", 1)[1] for a in acts}
    acts = {"%s:%s" % (x, o) for x in svcs for o in ops if ACTION_SHAPE.match("%s:%s" % (x, o))}
    arns = {"*", "arn:aws:s3:::data/report.csv", "arn:aws:iam::123456789012:user/alice",
            "arn:aws:dynamodb:us-east-1:123456789012:table/orders", "x"}
    for d in docs:
        for st in stmts(d):
            for k in ("Resource", "NotResource"):
                for pat in as_list(st.get(k, [])):
                    arns |= concretise(pat)
    return sorted(acts), sorted(arns), outside, nets, derived


def judge_net(case, actions):
    pols = case["policies"]
    acts, arns, outside, nets, derived = net_samples(case)
    n = 0

    def some(ctx, guard):
        nonlocal n
        for a in acts:
            for r in arns:
                n += 1
                if net_decide(pols, a, r, ctx, guard):
                    return True
        return False

    reach = some(None, True)
    denied = not reach or not any(some(ctx, True) for ctx in outside)
    want = {"reach": reach, "outside_denied": denied, "derived": derived}
    if not denied:
        want["allows_refuse"] = not any(some(ctx, False) for ctx in outside)
    if reach and denied and case.get("company_cidrs"):
        first = ipaddress.ip_network(case["company_cidrs"][0], strict=False).network_address
        want["in_allowed"] = some({"aws:sourceip": str(first), "aws:viaawsservice": "false"}, False)
    return want, n


def net_witness_ok(case, got):
    """The request dbward says is allowed from outside is: outside, and allowed."""
    src = got.get("out_source") or ""
    nets, ids, _ = net_company(case)
    if src.startswith("address "):
        a = ipaddress.ip_address(src[len("address "):])
        if any(a.version == n.version and a in n for n in nets):
            return False
        ctx = {"aws:sourceip": str(a), "aws:viaawsservice": "false"}
    elif src.startswith("VPC endpoint "):
        e, v = src[len("VPC endpoint "):].split(" in ")
        if e in ids or v in ids:
            return False
        ctx = {"aws:sourcevpc": v, "aws:sourcevpce": e, "aws:viaawsservice": "false"}
    else:
        return False
    return net_decide(case["policies"], got["out_action"], got["out_resource"], ctx, True)
RECORDED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "oracle-answers.json")
# Every RECHECK-th policy with a recorded answer is judged again by the brute
# force in every run, and the two must agree: the recording cannot drift
# from the oracle unseen.
RECHECK = 8


class OracleCache:
    """The brute force's answers, kept between runs when DW_POLICY_ORACLE_CACHE
    names a file (scripts/mutate). They depend only on the policy file, this
    script and botocore's models, never on dbward, so a cached answer is the
    oracle's own; the key hashes all three."""

    def __init__(self, path):
        self.path, self.data, self.dirty = path, {}, False
        if path and os.path.exists(path):
            with open(path) as f:
                self.data = json.load(f)
        h = hashlib.sha256()
        with open(os.path.abspath(__file__), "rb") as f:
            h.update(f.read())
        h.update(botocore.__version__.encode())
        self.salt = h.hexdigest()

    def _key(self, path):
        with open(path, "rb") as f:
            return hashlib.sha256(self.salt.encode() + f.read()).hexdigest()

    def get(self, path):
        if not self.path:
            return None, 0
        hit = self.data.get(self._key(path))
        return (hit[0], hit[1]) if hit else (None, 0)

    def put(self, path, want, n):
        if self.path:
            self.data[self._key(path)] = [want, n]
            self.dirty = True

    def save(self):
        if self.path and self.dirty:
            tmp = self.path + ".tmp"
            with open(tmp, "w") as f:
                json.dump(self.data, f)
            os.replace(tmp, self.path)


def main():
    tool, corpus = sys.argv[1], sys.argv[2]
    actions = load_actions()
    UNIVERSE.extend(a for v in actions.values() for a in v)
    files = sorted(os.path.join(corpus, f) for f in os.listdir(corpus) if f.endswith(".json"))
    # Reduced mode for scripts/mutate: every k-th policy of the sorted corpus.
    step = int(os.environ.get("DW_POLICY_SUBSET", "1") or "1")
    files = files[::max(step, 1)]
    cache = OracleCache(os.environ.get("DW_POLICY_ORACLE_CACHE"))
    # The brute force's answers recorded in the repository (same keys: the
    # policy file, this script, botocore's version). DW_POLICY_RECORD=1
    # rewrites the file from fresh answers for the whole corpus.
    record = os.environ.get("DW_POLICY_RECORD") == "1"
    recorded = OracleCache(None if record else RECORDED)
    recorded.path = RECORDED
    fresh_runs = rechecked = unrecorded = 0
    out = subprocess.run([tool] + files, check=False, capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stderr, file=sys.stderr)
        sys.exit(1)
    answers = [json.loads(line) for line in out.stdout.splitlines()]
    disagreements = 0
    comparisons = 0
    for path, got in zip(files, answers):
        with open(path) as f:
            case = json.load(f)
        if "error" in got:
            print("%s: dbward cannot read it: %s" % (path, got["error"]))
            disagreements += 1
            continue
        if not got.get("known"):
            print("%s: dbward could not decide: %s" % (path, got.get("why")))
            disagreements += 1
            continue
        want, n = cache.get(path)
        if want is None:
            want, n = recorded.get(path)
            index = files.index(path)
            if want is None or index % RECHECK == 0 or record:
                fresh, fresh_n = {"key": judge_key, "net": judge_net}.get(case["kind"], judge_identity)(case, actions)
                fresh_runs += 1
                if want is None:
                    unrecorded += 1
                elif (want, n) != (fresh, fresh_n):
                    disagreements += 1
                    print("%s: the recorded oracle answer %s differs from a fresh brute force %s" %
                          (os.path.basename(path), want, fresh))
                else:
                    rechecked += 1
                want, n = fresh, fresh_n
                recorded.put(path, want, n)
            cache.put(path, want, n)
        comparisons += n
        if case["kind"] == "net":
            got = dict(got, in_allowed=got.get("in_action") is not None)
            if not got["outside_denied"] and not net_witness_ok(case, got):
                disagreements += 1
                print("%s: dbward's witness %s on %s from %s is not an allowed request from outside"
                      % (os.path.basename(path), got["out_action"], got["out_resource"], got["out_source"]))
        for k, v in want.items():
            if got[k] != v:
                disagreements += 1
                print("%s: %s: brute force %s, dbward %s (%s)" % (os.path.basename(path), k, v, got[k], got["why"]))
        exp = case.get("expect", {})
        for k, v in exp.items():
            if want.get(k) != v:
                disagreements += 1
                print("%s: %s: the hand-written expectation is %s, brute force %s" % (os.path.basename(path), k, v, want.get(k)))
    cache.save()
    if record:
        recorded.save()
    print("%d policies, %d comparisons, %d disagreements; brute force run on %d (%d recorded answers "
          "rechecked), %d without a recorded answer%s" %
          (len(files), comparisons, disagreements, fresh_runs, rechecked, unrecorded,
           " (rerun with DW_POLICY_RECORD=1 to record them)" if unrecorded and not record else ""))
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
