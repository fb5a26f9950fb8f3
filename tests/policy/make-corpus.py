#!/usr/bin/python3
"""Writes tests/policy/corpus/*.json: the hand-written policies of the
differential test (bruteforce.py). Each case names what it probes; cases
with "expect" also carry the answer worked out by hand (the attacks listed in
issue 14 among them). Rerun after editing; the output is committed."""
import json
import os

ACC = "123456789012"
OTHER = "999999999999"
T = "arn:aws:dynamodb:us-east-1:%s:table/" % ACC
ROOT = "arn:aws:iam::%s:root" % ACC
ROLE = "arn:aws:iam::%s:role/app" % ACC
KEY = "arn:aws:kms:us-east-1:%s:key/1234abcd-12ab-34cd-56ef-1234567890ab" % ACC

cases = []


def doc(*stmts):
    return {"Version": "2012-10-17", "Statement": list(stmts)}


def allow(action, resource="*", **kw):
    s = {"Effect": "Allow", "Action": action, "Resource": resource}
    s.update(kw)
    return s


def deny(action, resource="*", **kw):
    s = {"Effect": "Deny", "Action": action, "Resource": resource}
    s.update(kw)
    return s


def ident(name, *docs, boundary=None, expect=None):
    pols = [{"name": "policy%d" % i, "document": d} for i, d in enumerate(docs)]
    if boundary is not None:
        pols.append({"name": "boundary", "document": boundary, "boundary": True})
    c = {"kind": "identity", "name": name, "policies": pols}
    if expect:
        c["expect"] = expect
    cases.append(c)


def key(name, *stmts, expect=None):
    c = {"kind": "key", "name": name, "policy": doc(*stmts)}
    if expect:
        c["expect"] = expect
    cases.append(c)


FULL = {"reach": True, "total": True}
PART = {"reach": True, "total": False, "via_not": False, "via_star": False}
NONE = {"reach": False, "total": False, "via_not": False}

# ---- identity: the attacks of issue 14
ident("why-qmark-star", doc(allow("dynamodb:?*")), expect=FULL)
ident("why-star-qmark", doc(allow("dynamodb:*?")), expect=FULL)
ident("why-table-star-qmark", doc(allow("dynamodb:*", "arn:aws:dynamodb:*:*:table/*?")), expect=FULL)
ident("why-arn-star-table", doc(allow("dynamodb:*", "arn:*:table/*")), expect=FULL)
ident("why-arn-a-star-table", doc(allow("dynamodb:*", "arn:a*:table/*")), expect=FULL)
letters = ["dynamodb:%s*" % chr(c) for c in range(ord("A"), ord("Z") + 1)]
ident("why-a-to-z-one-statement", doc(allow(letters)), expect=FULL)
ident("why-a-to-z-two-statements", doc(allow(letters[:13]), allow(letters[13:])), expect=FULL)
ident("why-a-to-z-two-policies", doc(allow(letters[:13])), doc(allow(letters[13:])), expect=FULL)
ADMIN = doc(allow("*"))
POWER = doc({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
            allow(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
                   "organizations:DescribeOrganization", "account:ListRegions"]))
PIPELINE = doc(allow(["cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms",
                      "datapipeline:*", "dynamodb:*", "ec2:DescribeAccountAttributes", "iam:GetRolePolicy",
                      "iam:ListRoles", "sns:*"]),
               allow("iam:PassRole", "arn:aws:iam::*:role/DataPipelineDefaultRole"))
DDBFULL = doc(allow(["dynamodb:*", "dax:*", "application-autoscaling:*", "cloudwatch:DeleteAlarms",
                     "cloudwatch:DescribeAlarms", "kms:DescribeKey", "kms:ListAliases", "sns:ListTopics",
                     "lambda:ListFunctions", "tag:GetResources"]))
ident("why-administratoraccess", ADMIN, expect=FULL)
ident("why-poweruseraccess", POWER, expect={"reach": True, "total": True, "via_not": True})
ident("why-dynamodbfullaccesswithdatapipeline", PIPELINE, expect=FULL)
ident("aws-dynamodbfullaccess", DDBFULL, expect=FULL)
ident("aws-dynamodbreadonly", doc(allow(["dynamodb:BatchGetItem", "dynamodb:Describe*", "dynamodb:List*",
                                         "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan",
                                         "dynamodb:PartiQLSelect", "dax:Describe*", "dax:List*"])), expect=PART)

# ---- identity: actions
for a in ["dynamodb:*", "DynamoDB:*", "dynamodb:**", "dynamodb*", "dyna*", "*:*", "*", "d*:*", "dynamodb:*******?"]:
    ident("act-full-" + a.replace("*", "S").replace("?", "Q").replace(":", "_"), doc(allow(a)), expect=FULL)
for a in ["dynamodb:Get*", "dynamodb:???", "dynamodb:Put*", "dynamodb:[*]", "dynamodb:?", "dynamodb:*Item",
          "dynamodb:Describe*", "dynamodb:*Table*", "dynamodbstreams:*", "dax:*"]:
    exp = PART if not a.startswith(("dynamodbstreams", "dax", "dynamodb:[", "dynamodb:?")) else None
    if a == "dynamodb:???":
        exp = None
    ident("act-part-" + a.replace("*", "S").replace("?", "Q").replace(":", "_").replace("[", "").replace("]", ""),
          doc(allow(a)), expect=exp)
ident("act-letters-minus-one", doc(allow(letters[:-2])))
ident("act-letters-but-u", doc(allow([x for x in letters if x != "dynamodb:U*"])), expect=PART)
ident("act-case-mix", doc(allow(["DYNAMODB:" + c + "*" for c in "abcdefghijklmnopqrstuvwxyz"])), expect=FULL)
ident("act-not-s3", doc({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}),
      expect={"reach": True, "total": True, "via_not": True})
ident("act-not-ddb", doc({"Effect": "Allow", "NotAction": "dynamodb:*", "Resource": "*"}))
ident("act-not-ddb-get", doc({"Effect": "Allow", "NotAction": "dynamodb:GetItem", "Resource": "*"}),
      expect={"reach": True, "total": False, "via_not": True})
ident("act-s3-only", doc(allow("s3:*")), expect=NONE)
ident("act-none-ec2", doc(allow(["ec2:*", "iam:Get*"])), expect=NONE)

# ---- identity: resources
for r in ["*", "arn:aws:dynamodb:*", "arn:aws:dynamodb:*:*:*", "arn:aws:dynamodb:us-east-1:*:table/*",
          "arn:aws:dynamodb:*:%s:table/*" % ACC, T + "*", T + "???*", "arn:*:dynamodb:*:*:table/*",
          "arn:aws:dynamodb:us-*:*:*", "arn:aws:*", "arn:?ws:dynamodb:*:*:table/*", "*:table/*",
          "arn:aws:dynamodb:eu-west-1:%s:table/*" % ACC, "arn:aws:dynamodb:*:1234567890??:table/*"]:
    ident("res-full-%d" % len(cases), doc(allow("dynamodb:*", r)), expect=FULL)
for r in [T + "orders", T + "orders*", T + "o*", T + "*/index/*", T + "????", T + "a*",
          "arn:aws:dynamodb:us-east-1:%s:table/*" % OTHER, "arn:aws:dynamodb:ap-south-1:%s:table/*" % ACC,
          "arn:aws-cn:dynamodb:*:*:table/*", "arn:aws:dynamodb:us-east-1:%s:*/orders" % ACC,
          "arn:aws:s3:::*", T + "*-prod", T + "???", "arn:aws:dynamodb:*:*:table/orders"]:
    ident("res-part-%d" % len(cases), doc(allow("dynamodb:*", r)))
ident("res-union-two-halves", doc(allow("dynamodb:*", [T + "a*", T + "[!a]*"])))
first = ["%s%s*" % (T, ch) for ch in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"]
ident("res-union-every-first-char", doc(allow("dynamodb:*", first)), expect=FULL)
ident("res-union-every-first-char-but-z", doc(allow("dynamodb:*", [x for x in first if not x.endswith("z*")])), expect=PART)
ident("res-union-split-statements", doc(allow("dynamodb:*", first[:30]), allow("dynamodb:*", first[30:])), expect=FULL)
TA = "arn:aws:dynamodb:*:%s:table/" % ACC
ident("res-notresource-one", doc({"Effect": "Allow", "Action": "dynamodb:*", "NotResource": TA + "orders"}),
      expect={"reach": True, "total": False, "via_not": True})
ident("res-notresource-s3", doc({"Effect": "Allow", "Action": "dynamodb:*", "NotResource": "arn:aws:s3:::*"}),
      expect={"reach": True, "total": True, "via_not": True})
ident("res-notresource-all", doc({"Effect": "Allow", "Action": "dynamodb:*", "NotResource": "*"}), expect=NONE)
ident("res-no-resource-element", doc({"Effect": "Allow", "Action": "dynamodb:*"}), expect=FULL)

# ---- identity: deny, conditions, boundaries
ident("deny-all-ddb", doc(allow("*"), deny(["dynamodb*:*", "dax:*"])), expect=NONE)
ident("deny-ddb-leaves-dax", doc(allow("*"), deny("dynamodb:*")), expect={"reach": True, "total": False})
ident("deny-delete", doc(allow("dynamodb:*"), deny("dynamodb:DeleteTable")), expect=PART)
ident("deny-one-table", doc(allow("dynamodb:*"), deny("dynamodb:*", TA + "orders")), expect=PART)
ident("deny-one-table-one-region", doc(allow("dynamodb:*"), deny("dynamodb:*", T + "orders")), expect=FULL)
ident("deny-conditional", doc(allow("dynamodb:*"), deny("dynamodb:*", Condition={"Bool": {"aws:SecureTransport": "false"}})), expect=FULL)
ident("deny-other-region", doc(allow("dynamodb:*"), deny("dynamodb:*", "arn:aws:dynamodb:us-east-1:*")), expect=FULL)
ident("deny-both-regions", doc(allow("dynamodb:*"), deny("dynamodb:*", ["arn:aws:dynamodb:us-east-1:*", "arn:aws:dynamodb:eu-*"])),
      expect={"total": False})
ident("deny-notaction", doc(allow("*"), {"Effect": "Deny", "NotAction": "dynamodb:Get*", "Resource": "*"}),
      expect={"reach": True, "total": False, "via_not": False, "via_star": True})
ident("star-minus-delete", doc(allow("*"), deny("dynamodb:Delete*")), expect={"total": False, "via_star": True})
ident("star-one-table", doc(allow("*", T + "orders")), expect={"total": False, "via_star": False, "reach": True})
ident("star-colon-star", doc(allow("*:*"), deny("dynamodb:PutItem")), expect={"total": False, "via_star": True})
ident("star-not-quite", doc(allow("*:??*"), deny("dynamodb:PutItem")), expect={"total": False, "via_star": False})
ident("star-capped-one-table", doc(allow("*")), boundary=doc(allow("*", T + "orders")), expect={"total": False, "via_star": False})
ident("deny-a-tables", doc(allow("dynamodb:*"), deny("dynamodb:*", TA + "a*")), expect=PART)
ident("cond-allow-counts", doc(allow("dynamodb:*", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})), expect=FULL)
ident("boundary-caps", doc(allow("*")), boundary=doc(allow("dynamodb:Get*")),
      expect={"reach": True, "total": False, "via_not": False, "via_star": True})
ident("boundary-full", doc(allow("dynamodb:*")), boundary=doc(allow("*")), expect=FULL)
ident("boundary-no-ddb", ADMIN, boundary=doc(allow("s3:*")), expect=NONE)
ident("boundary-letters", doc(allow("*")), boundary=doc(allow(letters[:13]), allow(letters[13:])), expect=FULL)
ident("boundary-alone-grants-nothing", doc(allow("s3:*")), boundary=doc(allow("*")), expect=NONE)
ident("boundary-deny", doc(allow("*")), boundary=doc(allow("*"), deny("dynamodb:Delete*")),
      expect={"reach": True, "total": False, "via_not": False, "via_star": True})
ident("boundary-table-subset", doc(allow("dynamodb:*")), boundary=doc(allow("*", T + "o*")), expect=PART)
ident("group-and-user", doc(allow(letters[:20], T + "*")), doc(allow(letters[20:], "arn:aws:dynamodb:us-east-1:*:*")), expect=FULL)
ident("two-regions-split", doc(allow(letters[:13], "arn:aws:dynamodb:us-east-1:*:*")),
      doc(allow(letters[13:], "arn:aws:dynamodb:eu-west-1:*:*")), expect=PART)
ident("streams-only", doc(allow("dynamodbstreams:*", "arn:aws:dynamodb:*:*:table/*/stream/*")), expect=PART)
ident("dax-only", doc(allow("dax:*", "arn:aws:dax:*:*:cache/*")), expect=PART)
ident("variable-resource", doc(allow("dynamodb:*", T + "${aws:username}")), expect=PART)
ident("empty-ish", doc(allow("s3:GetObject", "arn:aws:s3:::b/*")), expect=NONE)
for i, acts in enumerate([["dynamodb:*Item", "dynamodb:*Table*", "dynamodb:*Backup*", "dynamodb:*"],
                          ["dynamodb:[A-Z]*"], ["dynamodb:*e*", "dynamodb:*E*"],
                          ["dynamodb:*a*", "dynamodb:*o*", "dynamodb:*i*", "dynamodb:*u*", "dynamodb:*y*"],
                          ["dynamodb:*s", "dynamodb:*m", "dynamodb:*e", "dynamodb:*t"]]):
    ident("act-union-%d" % i, doc(allow(acts)))

# ---- key policies: the attacks of issue 14
ROOTSTMT = {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"}
OPEN = {"open": True}
CLOSED = {"open": False}


def star(cond, action="kms:Decrypt"):
    s = {"Effect": "Allow", "Principal": "*", "Action": action, "Resource": "*"}
    if cond is not None:
        s["Condition"] = cond
    return s


key("why-ip-or-everything", ROOTSTMT, star({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "0.0.0.0/0"]}}), expect=OPEN)
key("why-ip-two-halves", ROOTSTMT, star({"IpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}}), expect=OPEN)
key("why-ip-slash-zero", ROOTSTMT, star({"IpAddress": {"aws:SourceIp": "1.2.3.4/0"}}), expect=OPEN)
key("why-calleraccount-12-qmarks", ROOTSTMT, star({"StringLike": {"kms:CallerAccount": "????????????"}}), expect=OPEN)
key("why-calleraccount-double-star", ROOTSTMT, star({"StringLike": {"kms:CallerAccount": "**"}}), expect=OPEN)
key("why-calleraccount-or-star", ROOTSTMT, star({"StringLike": {"kms:CallerAccount": [ACC, "*"]}}), expect=OPEN)
key("why-orgid-like", ROOTSTMT, star({"StringLike": {"aws:PrincipalOrgID": "o-*"}}), expect=OPEN)
key("why-principalarn-any-account", ROOTSTMT, star({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:*"}}), expect=OPEN)
key("why-sourcearn-any", ROOTSTMT, star({"ArnLike": {"aws:SourceArn": "arn:aws:*"}}), expect=OPEN)
key("why-username", ROOTSTMT, star({"StringEquals": {"aws:username": "alice"}}), expect=OPEN)
key("why-userid", ROOTSTMT, star({"StringEquals": {"aws:userid": "AIDAEXAMPLE"}}), expect=OPEN)
key("why-kms-qmark-star-role", ROOTSTMT, {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:?*", "Resource": "*"},
    expect={"open": False, "broad": True})
key("why-notaction-decrypt-role", ROOTSTMT, {"Effect": "Allow", "Principal": {"AWS": ROLE}, "NotAction": "kms:Decrypt", "Resource": "*"},
    expect={"open": False, "broad": True})

# ---- key policies: binding conditions
key("bind-calleraccount", ROOTSTMT, star({"StringEquals": {"kms:CallerAccount": ACC}}), expect={"open": False, "broad": False})
key("bind-principalaccount", ROOTSTMT, star({"StringEquals": {"aws:PrincipalAccount": ACC}}), expect=CLOSED)
key("bind-calleraccount-like-literal", ROOTSTMT, star({"StringLike": {"kms:CallerAccount": ACC}}), expect=CLOSED)
key("bind-org", ROOTSTMT, star({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}), expect=CLOSED)
key("bind-org-ignorecase", ROOTSTMT, star({"StringEqualsIgnoreCase": {"aws:principalorgid": "o-a1b2c3d4e5"}}), expect=CLOSED)
key("bind-other-org", ROOTSTMT, star({"StringEquals": {"aws:PrincipalOrgID": "o-zzzzzzzzzz"}}), expect=OPEN)
key("bind-principalarn-account", ROOTSTMT, star({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::%s:role/*" % ACC}}), expect=CLOSED)
key("bind-principalarn-stringlike", ROOTSTMT, star({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::%s:*" % ACC}}), expect=CLOSED)
key("bind-principalarn-stringlike-star-account", ROOTSTMT, star({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app"}}), expect=OPEN)
key("bind-principalarn-stringlike-partial", ROOTSTMT, star({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::1234*"}}), expect=OPEN)
key("bind-principalarn-qmark-account", ROOTSTMT, star({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::12345678901?:role/x"}}), expect=OPEN)
key("bind-principalarn-equals", ROOTSTMT, star({"ArnEquals": {"aws:PrincipalArn": ROLE}}), expect=CLOSED)
key("bind-principalarn-other", ROOTSTMT, star({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::%s:role/app" % OTHER}}), expect=OPEN)
key("bind-vpce", ROOTSTMT, star({"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60001"}}), expect=CLOSED)
key("bind-vpc", ROOTSTMT, star({"StringEquals": {"aws:SourceVpc": "vpc-0a1b2c3d4e5f60001"}}), expect=CLOSED)
key("bind-vpce-like", ROOTSTMT, star({"StringLike": {"aws:SourceVpce": "vpce-*"}}), expect=OPEN)
key("bind-ifexists", ROOTSTMT, star({"StringEqualsIfExists": {"kms:CallerAccount": ACC}}), expect=OPEN)
key("bind-forallvalues", ROOTSTMT, star({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}), expect=OPEN)
key("bind-foranyvalue", ROOTSTMT, star({"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}), expect=CLOSED)
key("bind-negated", ROOTSTMT, star({"StringNotEquals": {"kms:CallerAccount": OTHER}}), expect=OPEN)
key("bind-null", ROOTSTMT, star({"Null": {"aws:PrincipalOrgID": "false"}}), expect=OPEN)
key("bind-other-account", ROOTSTMT, star({"StringEquals": {"kms:CallerAccount": OTHER}}), expect=OPEN)
key("bind-own-and-other", ROOTSTMT, star({"StringEquals": {"kms:CallerAccount": [ACC, OTHER]}}), expect=OPEN)
key("bind-and-ip", ROOTSTMT, star({"StringEquals": {"kms:CallerAccount": ACC}, "IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}), expect=CLOSED)
key("bind-ip-narrow", ROOTSTMT, star({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}), expect=OPEN)
key("bind-key-case", ROOTSTMT, star({"StringEquals": {"KMS:calleraccount": ACC}}), expect=CLOSED)
key("bind-viaservice-and-account", ROOTSTMT, star({"StringEquals": {"kms:ViaService": "dynamodb.us-east-1.amazonaws.com",
                                                                     "kms:CallerAccount": ACC}}), expect=CLOSED)
key("bind-viaservice-only", ROOTSTMT, star({"StringEquals": {"kms:ViaService": "dynamodb.us-east-1.amazonaws.com"}}), expect=OPEN)
key("bind-sourceaccount", ROOTSTMT, star({"StringEquals": {"aws:SourceAccount": ACC}}), expect=OPEN)
key("bind-like-12digits-own", ROOTSTMT, star({"StringLike": {"kms:CallerAccount": "12345678901?"}}), expect=OPEN)
key("bind-bool", ROOTSTMT, star({"Bool": {"aws:SecureTransport": "true"}}), expect=OPEN)

# ---- key policies: principals and denies
key("root-only", ROOTSTMT, expect={"open": False, "broad": False})
key("root-account-id", {"Effect": "Allow", "Principal": {"AWS": ACC}, "Action": "kms:*", "Resource": "*"}, expect={"open": False, "broad": False})
key("no-statements-for-others", ROOTSTMT, {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*"},
    expect={"open": False, "broad": False})
key("other-account-principal", ROOTSTMT, {"Effect": "Allow", "Principal": {"AWS": OTHER}, "Action": "kms:Decrypt", "Resource": "*"}, expect=OPEN)
key("other-account-role", ROOTSTMT, {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:role/x" % OTHER}, "Action": "kms:Decrypt", "Resource": "*"}, expect=OPEN)
key("aws-star", ROOTSTMT, {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}, expect=OPEN)
key("notprincipal", ROOTSTMT, {"Effect": "Allow", "NotPrincipal": {"AWS": ROLE}, "Action": "kms:Decrypt", "Resource": "*"}, expect=OPEN)
key("service-principal", ROOTSTMT, {"Effect": "Allow", "Principal": {"Service": "dynamodb.amazonaws.com"}, "Action": "kms:Decrypt", "Resource": "*"}, expect=CLOSED)
key("star-unconditional-kms-star", {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}, expect={"open": True, "broad": True})
key("deny-fence-account", ROOTSTMT, star(None), {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
                                                 "Condition": {"StringNotEquals": {"kms:CallerAccount": ACC}}}, expect=CLOSED)
key("deny-fence-org", ROOTSTMT, star(None), {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
                                             "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}, expect=CLOSED)
key("deny-fence-partial-actions", ROOTSTMT, star(None, ["kms:Decrypt", "kms:Encrypt"]),
    {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"StringNotEquals": {"kms:CallerAccount": ACC}}}, expect=OPEN)
key("deny-fence-wrong-account", ROOTSTMT, star(None), {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
                                                       "Condition": {"StringNotEquals": {"kms:CallerAccount": [ACC, OTHER]}}}, expect=OPEN)
key("deny-unconditional", ROOTSTMT, star(None), {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*"}, expect=CLOSED)
key("deny-ip-not-fence", ROOTSTMT, star(None), {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
                                                "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}, expect=OPEN)
key("resource-other-key", ROOTSTMT, {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "arn:aws:kms:us-east-1:%s:key/other" % ACC},
    expect=CLOSED)
key("resource-key-glob", ROOTSTMT, {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:*:*:key/*"}, expect=OPEN)
key("role-kms-star", ROOTSTMT, {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:*", "Resource": "*"}, expect={"broad": True, "open": False})
key("role-kms-star-conditional", ROOTSTMT, {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:*", "Resource": "*",
                                            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}, expect={"broad": True})
key("role-kms-star-star", ROOTSTMT, {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "*", "Resource": "*"}, expect={"broad": True})
key("role-letters", ROOTSTMT, {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": ["kms:%s*" % chr(c) for c in range(65, 91)], "Resource": "*"},
    expect={"broad": True})
key("role-letters-but-d", ROOTSTMT, {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": ["kms:%s*" % chr(c) for c in range(65, 91) if chr(c) != "D"],
                                     "Resource": "*"}, expect={"broad": False})
key("role-split-statements", ROOTSTMT, {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": ["kms:%s*" % chr(c) for c in range(65, 78)], "Resource": "*"},
    {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": ["kms:%s*" % chr(c) for c in range(78, 91)], "Resource": "*"}, expect={"broad": True})
key("role-kms-star-minus-deny", ROOTSTMT, {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:*", "Resource": "*"},
    {"Effect": "Deny", "Principal": {"AWS": ROLE}, "Action": "kms:ScheduleKeyDeletion", "Resource": "*"}, expect={"broad": False})
key("role-notaction-denied", ROOTSTMT, {"Effect": "Allow", "Principal": {"AWS": ROLE}, "NotAction": "kms:*", "Resource": "*"}, expect={"broad": False})
key("star-kms-star-bound", {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*",
                            "Condition": {"StringEquals": {"kms:CallerAccount": ACC}}}, expect={"open": False, "broad": True})
key("admins-typical", ROOTSTMT, {"Sid": "Admins", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:role/KeyAdmin" % ACC},
                                 "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
                                            "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
                                            "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"], "Resource": "*"},
    expect={"open": False, "broad": False})
key("users-typical", ROOTSTMT, {"Sid": "Use", "Effect": "Allow", "Principal": {"AWS": ROLE},
                                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*"},
    expect={"open": False, "broad": False})
key("grant-via-service", ROOTSTMT, star({"StringEquals": {"kms:CallerAccount": ACC, "kms:ViaService": "dms.us-east-1.amazonaws.com"}},
                                        ["kms:Encrypt", "kms:Decrypt", "kms:CreateGrant"]), expect=CLOSED)

# variations: each binding key against each kind of weakening, ORed with a second value
weak = {"star": "*", "qmarks": "????????????", "prefix": "1234*", "other": OTHER}
for k in ("kms:CallerAccount", "aws:PrincipalAccount"):
    for op in ("StringEquals", "StringLike"):
        for wname, wv in weak.items():
            key("var-%s-%s-%s" % (k.replace(":", "_"), op, wname), ROOTSTMT, star({op: {k: [ACC, wv]}}),
                expect={"open": op == "StringLike" or wname == "other"} if op == "StringLike" or wname == "other" else None)
for op in ("StringEquals", "StringLike", "StringNotEquals", "StringEqualsIfExists", "ForAnyValue:StringLike", "ForAllValues:StringLike"):
    for v in ("o-a1b2c3d4e5", "o-a1b2c3d4e?", "o-a1*"):
        key("var-org-%s-%s" % (op.replace(":", "_"), v.replace("*", "S").replace("?", "Q")), ROOTSTMT, star({op: {"aws:PrincipalOrgID": v}}))
for v in ("arn:aws:iam::%s:role/*" % ACC, "arn:aws:iam::%s:*" % ACC, "arn:aws:iam::*:role/app", "arn:*:iam::%s:*" % ACC,
          "arn:aws:iam::12345678901*:*", "arn:aws:iam::%s*" % ACC, "arn:aws:sts::%s:assumed-role/*" % ACC):
    for op in ("ArnLike", "StringLike", "ArnNotLike"):
        key("var-parn-%s-%d" % (op, len(cases)), ROOTSTMT, star({op: {"aws:PrincipalArn": v}}))
for cidrs in (["10.0.0.0/8"], ["10.0.0.0/7"], ["0.0.0.0/1", "128.0.0.0/1"], ["::/0"], ["192.168.0.0/16", "0.0.0.0/0"]):
    key("var-ip-%d" % len(cases), ROOTSTMT, star({"IpAddress": {"aws:SourceIp": cidrs}}), expect=OPEN)
    key("var-ip-and-account-%d" % len(cases), ROOTSTMT, star({"IpAddress": {"aws:SourceIp": cidrs}, "StringEquals": {"kms:CallerAccount": ACC}}),
        expect=CLOSED)

# ---- seeded random mixtures of the pieces above: statements, Not* forms,
# boundaries, Deny, conditions, principals (fixed seed, so the corpus is
# stable; the brute force decides them like the hand-written ones)
import random
rnd = random.Random(7)
R_ACTS = ["dynamodb:*", "dynamodb:?*", "dynamodb:*?", "dynamodb:Get*", "dynamodb:*Item", "dynamodb:D*", "dynamodb:*e*",
          "*", "dyn*", "dynamodb:Query", "dynamodb:???*", "DynamoDB:s*", "dax:*", "dynamodbstreams:*", "s3:*"]
R_RES = ["*", "arn:aws:dynamodb:*", T + "*", "arn:aws:dynamodb:*:*:table/o*", "arn:*:table/*?", "arn:aws:dynamodb:eu-west-1:*:*",
         T + "orders", TA + "???", TA + "*s", "arn:a*", "*:table/a*", "arn:aws:dynamodb:us-*:*:table/*/index/*", "arn:aws:s3:::*"]


def r_stmt():
    st = {"Effect": rnd.choice(["Allow", "Allow", "Allow", "Deny"])}
    st["NotAction" if rnd.random() < 0.15 else "Action"] = rnd.sample(R_ACTS, rnd.randint(1, 3))
    st["NotResource" if rnd.random() < 0.15 else "Resource"] = rnd.sample(R_RES, rnd.randint(1, 2))
    if rnd.random() < 0.2:
        st["Condition"] = {"Bool": {"aws:SecureTransport": "true"}}
    return st


for i in range(60):
    docs = [doc(*[r_stmt() for _ in range(rnd.randint(1, 3))]) for _ in range(rnd.randint(1, 2))]
    b = doc(*[r_stmt() for _ in range(rnd.randint(1, 2))]) if rnd.random() < 0.25 else None
    ident("random-%02d" % i, *docs, boundary=b)

K_ACTS = ["kms:*", "kms:?*", "kms:Decrypt", "kms:Encrypt", "kms:*Key*", "kms:Get*", "kms:D*", "*", "kms:Create*"]
K_PRINC = ["*", {"AWS": "*"}, {"AWS": ROOT}, {"AWS": ACC}, {"AWS": ROLE}, {"AWS": OTHER},
           {"AWS": "arn:aws:iam::%s:role/x" % OTHER}, {"Service": "dynamodb.amazonaws.com"}]
K_CONDS = [None, {"StringEquals": {"kms:CallerAccount": ACC}}, {"StringLike": {"kms:CallerAccount": ["12345678901?"]}},
           {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, {"StringLike": {"aws:PrincipalOrgID": "o-a1*"}},
           {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}}, {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::%s:role/*" % ACC}},
           {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app"}}, {"StringNotEquals": {"kms:CallerAccount": ACC}},
           {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60001"}},
           {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60001"}},
           {"ForAnyValue:StringLike": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, {"Null": {"aws:PrincipalOrgID": "false"}},
           {"StringEquals": {"aws:username": "alice"}}]


def k_stmt():
    st = {"Effect": rnd.choice(["Allow", "Allow", "Allow", "Deny"])}
    if rnd.random() < 0.1:
        st["NotPrincipal"] = {"AWS": ROLE}
    else:
        st["Principal"] = rnd.choice(K_PRINC)
    st["NotAction" if rnd.random() < 0.15 else "Action"] = rnd.sample(K_ACTS, rnd.randint(1, 2))
    st["Resource"] = "*"
    for _ in range(rnd.choice([1, 1, 2])):
        c = rnd.choice(K_CONDS)
        if c:
            st.setdefault("Condition", {}).update(json.loads(json.dumps(c)))
    return st


for i in range(30):
    key("random-%02d" % i, ROOTSTMT, *[k_stmt() for _ in range(rnd.randint(1, 3))])

# ---- ACC-10: requests from outside the company networks (kind "net")
CO_CIDRS = ["10.0.0.0/8", "192.0.2.0/24"]
CO_VPCE = "vpce-0a1b2c3d4e5f60001"


def net(name, *docs, boundary=None, cidrs=None, vpcs=None, expect=None):
    pols = [{"name": "policy%d" % i, "document": d} for i, d in enumerate(docs)]
    if boundary is not None:
        pols.append({"name": "boundary", "document": boundary, "boundary": True})
    c = {"kind": "net", "name": name, "policies": pols, "company_cidrs": cidrs if cidrs is not None else CO_CIDRS,
         "company_vpcs": vpcs if vpcs is not None else [CO_VPCE]}
    if expect:
        c["expect"] = expect
    cases.append(c)


def notip(*vals, **more):
    c = {"NotIpAddress": {"aws:SourceIp": list(vals)}}
    c.update(more)
    return c


FENCE = deny("*", Condition=notip(*CO_CIDRS, StringNotEquals={"aws:SourceVpce": CO_VPCE}))
DENIED = {"reach": True, "outside_denied": True}
OPEN = {"reach": True, "outside_denied": False}
net("net-fence-ip-and-endpoint", doc(allow("s3:*"), FENCE), expect=dict(DENIED, in_allowed=True))
net("net-fence-aws-doc-example", doc(allow("*"), deny("*", Condition=notip(*CO_CIDRS, Bool={"aws:ViaAWSService": "false"}))),
    expect=dict(DENIED, in_allowed=True))
net("net-fence-wider-than-company", doc(allow("s3:*"), deny("*", Condition=notip("10.0.0.0/7", "192.0.2.0/24"))), expect=OPEN)
net("net-fence-only-via-service", doc(allow("*"), deny("*", Condition=notip(*CO_CIDRS, Bool={"aws:ViaAWSService": "true"}))),
    expect=OPEN)
net("net-no-deny", doc(allow("*")), expect=dict(OPEN, allows_refuse=False))
net("net-allow-limited-only", doc(allow("*", Condition={"IpAddress": {"aws:SourceIp": CO_CIDRS}})),
    expect=dict(OPEN, allows_refuse=True))
net("net-boundary-limited", doc(allow("*")), boundary=doc(allow("*", Condition={"IpAddress": {"aws:SourceIp": CO_CIDRS}})),
    expect=dict(DENIED, in_allowed=True))
net("net-boundary-unconditional", doc(allow("*")), boundary=doc(allow("s3:*")), expect=OPEN)
net("net-fence-some-actions", doc(allow("*"), deny("s3:*", Condition=notip(*CO_CIDRS))), expect=OPEN)
net("net-fence-notaction-gap", doc(allow(["s3:*", "iam:Get*"]),
                                    {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*", "Condition": notip(*CO_CIDRS)}),
    expect=OPEN)
net("net-fence-notaction-covers", doc(allow(["s3:*"]),
                                       {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*", "Condition": notip(*CO_CIDRS)}),
    expect={"reach": True})
net("net-fence-one-bucket", doc(allow("s3:*"), deny("*", "arn:aws:s3:::data/*", Condition=notip(*CO_CIDRS))), expect=OPEN)
net("net-fence-endpoint-only", doc(allow("*"), deny("*", Condition={"StringNotEquals": {"aws:SourceVpce": CO_VPCE}})),
    expect=dict(DENIED, in_allowed=False))
net("net-fence-ifexists", doc(allow("*"), deny("*", Condition={"NotIpAddressIfExists": {"aws:SourceIp": CO_CIDRS}})),
    expect=DENIED)
net("net-deny-everything-public-v4", doc(allow("*"), deny("*", Condition={"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}})),
    expect=OPEN)
net("net-fence-with-tag-condition", doc(allow("*"), deny("*", Condition=notip(*CO_CIDRS, StringEquals={"aws:PrincipalTag/team": "ops"}))),
    expect=OPEN)
net("net-fence-endpoint-wildcard", doc(allow("*"), deny("*", Condition=notip(*CO_CIDRS, StringNotLike={"aws:SourceVpce": "vpce-*"}))),
    expect=OPEN)
net("net-fence-null-endpoint", doc(allow("*"), deny("*", Condition=notip(*CO_CIDRS, Null={"aws:SourceVpce": "true"}))),
    expect=OPEN)
net("net-derived-narrow", doc(allow("*"), deny("*", Condition=notip("198.51.100.0/24"))), cidrs=[], vpcs=[],
    expect=dict(DENIED, derived=True))
net("net-derived-too-wide", doc(allow("*"), deny("*", Condition=notip("0.0.0.0/1"))), cidrs=[], vpcs=[],
    expect=dict(OPEN, derived=True))
net("net-derived-none", doc(allow("*")), cidrs=[], vpcs=[], expect=dict(OPEN, derived=True))
net("net-nothing-allowed", doc(deny("*")), expect={"reach": False, "outside_denied": True})
net("net-ipv6-company", doc(allow("*"), deny("*", Condition=notip("10.0.0.0/8", "2001:db8::/32", StringNotEquals={"aws:SourceVpce": CO_VPCE}))),
    cidrs=["10.0.0.0/8", "2001:db8::/32"], expect=dict(DENIED, in_allowed=True))
net("net-ipv4-fence-ipv6-caller", doc(allow("*"), deny("*", Condition=notip("10.0.0.0/8", StringNotEquals={"aws:SourceVpce": CO_VPCE}))),
    cidrs=["10.0.0.0/8", "2001:db8::/32"], expect=DENIED)
net("net-fence-in-group-policy", doc(allow("dynamodb:*")), doc(FENCE), expect=dict(DENIED, in_allowed=True))
net("net-fence-in-boundary", doc(allow("*")), boundary=doc(allow("*"), FENCE), expect=dict(DENIED, in_allowed=True))

nrnd = random.Random(1018)
N_ACTS = ["*", "s3:*", "s3:Get*", "iam:*", "dynamodb:GetItem", "ec2:*", "kms:Decrypt", "sts:*", "*:Get*"]
N_RES = ["*", "arn:aws:s3:::data/*", "arn:aws:dynamodb:*:*:table/*", "arn:aws:iam::*:user/*"]
N_CONDS = [notip("10.0.0.0/8"), notip("10.0.0.0/8", "192.0.2.0/24"), notip("10.0.0.0/7"), notip("192.0.2.0/25"),
           {"NotIpAddressIfExists": {"aws:SourceIp": ["192.0.2.0/24"]}}, {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}},
           {"StringNotEquals": {"aws:SourceVpce": CO_VPCE}}, {"StringNotEqualsIfExists": {"aws:SourceVpc": "vpc-0a1b2c3d4e5f60001"}},
           {"StringNotLike": {"aws:SourceVpce": "vpce-0a1b*"}}, {"Bool": {"aws:ViaAWSService": "false"}},
           {"Null": {"aws:SourceIp": "true"}}, {"StringEquals": {"aws:PrincipalTag/x": "y"}}]


def n_stmt(effect):
    st = {"Effect": effect}
    st["NotAction" if nrnd.random() < 0.15 else "Action"] = nrnd.sample(N_ACTS, nrnd.randint(1, 2))
    st["Resource"] = nrnd.choice(N_RES) if nrnd.random() < 0.4 else "*"
    for _ in range(nrnd.choice([0, 1, 1, 2]) if effect == "Deny" else nrnd.choice([0, 0, 1])):
        st.setdefault("Condition", {}).update(json.loads(json.dumps(nrnd.choice(N_CONDS))))
    return st


for i in range(30):
    docs = [doc(*[n_stmt("Allow") for _ in range(nrnd.randint(1, 2))] + [n_stmt("Deny") for _ in range(nrnd.randint(0, 2))])]
    b = doc(n_stmt("Allow"), *([n_stmt("Deny")] if nrnd.random() < 0.3 else [])) if nrnd.random() < 0.3 else None
    mode = nrnd.random()
    net("net-random-%02d" % i, *docs, boundary=b, cidrs=[] if mode < 0.3 else None, vpcs=[] if mode < 0.3 else None)

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "corpus")
os.makedirs(out, exist_ok=True)
for f in os.listdir(out):
    if f.endswith(".json"):
        os.remove(os.path.join(out, f))
for i, c in enumerate(cases):
    with open(os.path.join(out, "%03d-%s.json" % (i, c["name"])), "w") as f:
        json.dump(c, f, indent=1, sort_keys=True)
        f.write("\n")
print("%d cases" % len(cases))
