"""hostile_names.py gen DIR | check RECORDS_DIR | names

Helper of test_hostile_names.sh. `gen` writes a snapshot whose resources carry
hostile names: every name becomes a DMS replication instance (DMS-09) and a
DMS task (DMS-08) inside one JSON answer, and every name that can be a file
name (the snapshot keys tables, keys and users by file) also becomes a
DynamoDB table (DDB-05, DDB-12), a KMS key (ACC-01) and an IAM user (ACC-04).
`check` compares the argv records the stub aws wrote (one file per call, each
argument NUL-terminated) with the argv each fix must have, written here by
hand from the names: as a multiset, so the order of the script does not
matter but every command must appear exactly once and nothing else may run.
"""
import collections
import json
import os
import sys

REGION = "us-east-1"
ACCOUNT = "123456789012"

# The corpus: every shell metacharacter, quotes, backslash, newline, CR, tab,
# other control bytes, unicode (with layout characters), option-like names.
NAMES = [
    "plain-name",
    "t$(touch PWNED)",
    "$(touch PWNED)",
    "t`touch PWNED`",
    "`id`",
    "t;touch X;#",
    't"$(touch X)"',
    "t'$(touch X)'",
    "t'",
    "'",
    '"',
    "t\\",
    "back\\slash\\n",
    "a b",
    "  lead and trail  ",
    "t|touch X",
    "t&touch X&",
    "t&&touch X",
    "t>X",
    "t<X",
    "t>>X",
    "(touch X)",
    "{touch,X}",
    "t*",
    "t?",
    "[tX]",
    "~",
    "~root",
    "#comment",
    "t#x",
    "!",
    "t!!",
    "!$",
    "$HOME",
    "${IFS}touch${IFS}X",
    "$'\\x41'",
    "t=x",
    "%s%n%x",
    "t\ntouch X",
    "t\n#\ntouch X",
    "\n",
    "t\rtouch X",
    "t\r\ntouch X",
    "t\ttab",
    "t\x1b[31mred",
    "t\x7f",
    "t\x01\x02",
    "caf\u00e9",
    "\u202eevil",
    "t\u2028touch X",
    "t\u200bzero",
    "\U0001f4a9",
    "-x",
    "--debug",
    "--endpoint-url=http://x",
    "-",
    "--",
    "-- touch X",
]


def keyable(n):
    """The snapshot refuses keys with '/', '\\', control bytes or a leading dot."""
    return n and not n.startswith(".") and not any(c in n for c in "/\\") and all(ord(c) >= 0x20 for c in n) \
        and len(n.encode()) < 200


def opt(option, value):
    """How a fix passes a value: "--opt value", or "--opt=value" when the value
    starts with '-' (the AWS CLI would read "--opt -x" as two options)."""
    return [option + "=" + value] if value.startswith("-") else [option, value]


def expected():
    """Every aws call the script must make, as argv lists (without "aws")."""
    want = []
    for n in NAMES:
        # DMS-09: the instance ARN is the name itself.
        want.append(["dms", "modify-replication-instance", "--region", REGION]
                    + opt("--replication-instance-arn", n) + ["--auto-minor-version-upgrade", "--apply-immediately"])
        # DMS-08: stop, wait, turn logging on, resume.
        want.append(["dms", "stop-replication-task", "--region", REGION] + opt("--replication-task-arn", n))
        want.append(["dms", "wait", "replication-task-stopped", "--region", REGION, "--filters",
                     "Name=replication-task-arn,Values=" + n])
        want.append(["dms", "modify-replication-task", "--region", REGION] + opt("--replication-task-arn", n)
                    + ["--replication-task-settings", '{"Logging":{"EnableLogging":true}}'])
        want.append(["dms", "start-replication-task", "--region", REGION] + opt("--replication-task-arn", n)
                    + ["--start-replication-task-type", "resume-processing"])
        if keyable(n):
            want.append(["dynamodb", "update-table", "--region", REGION] + opt("--table-name", n)
                        + ["--stream-specification", "StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES"])
            want.append(["dynamodb", "update-table", "--region", REGION] + opt("--table-name", n)
                        + ["--deletion-protection-enabled"])
            want.append(["kms", "enable-key-rotation", "--region", REGION] + opt("--key-id", n))
            want.append(["iam", "delete-login-profile"] + opt("--user-name", n))
    return want


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False)


def gen(out):
    write(os.path.join(out, "manifest.json"), {"account_id": ACCOUNT, "partition": "aws", "regions": [REGION],
                                               "taken_at": "2026-01-10T00:00:00Z"})
    r = os.path.join(out, REGION)
    write(os.path.join(r, "dms", "describe-replication-instances.json"), {"ReplicationInstances": [
        {"ReplicationInstanceIdentifier": n, "ReplicationInstanceArn": n, "ReplicationInstanceClass": "dms.t3.medium",
         "AutoMinorVersionUpgrade": False, "MultiAZ": False, "PubliclyAccessible": False} for n in NAMES]})
    write(os.path.join(r, "dms", "describe-replication-tasks.json"), {"ReplicationTasks": [
        {"ReplicationTaskIdentifier": n, "ReplicationTaskArn": n, "MigrationType": "full-load",
         "ReplicationTaskSettings": json.dumps({"Logging": {"EnableLogging": False}})} for n in NAMES]})
    tables = [n for n in NAMES if keyable(n)]
    write(os.path.join(r, "dynamodb", "list-tables.json"), {"TableNames": tables})
    for n in tables:
        write(os.path.join(r, "dynamodb", "describe-table", n + ".json"), {"Table": {
            "TableName": n, "TableArn": "arn:aws:dynamodb:%s:%s:table/%s" % (REGION, ACCOUNT, n),
            "TableStatus": "ACTIVE", "DeletionProtectionEnabled": False}})
    write(os.path.join(r, "kms", "list-keys.json"), {"Keys": [{"KeyId": n, "KeyArn": "k:" + n} for n in tables]})
    for n in tables:
        write(os.path.join(r, "kms", "describe-key", n + ".json"), {"KeyMetadata": {
            "AWSAccountId": ACCOUNT, "KeyId": n, "Arn": "k:" + n, "KeyState": "Enabled", "KeyManager": "CUSTOMER",
            "KeySpec": "SYMMETRIC_DEFAULT", "Origin": "AWS_KMS", "Enabled": True, "KeyUsage": "ENCRYPT_DECRYPT"}})
        write(os.path.join(r, "kms", "get-key-rotation-status", n + ".json"), {"KeyRotationEnabled": False})
    g = os.path.join(out, "global", "iam")
    write(os.path.join(g, "get-account-authorization-details.json"), {
        "UserDetailList": [{"UserName": n, "UserId": "AIDA%d" % i, "Arn": "u:" + n, "Path": "/",
                            "CreateDate": "2025-01-01T00:00:00+00:00", "GroupList": [], "UserPolicyList": [],
                            "AttachedManagedPolicies": []} for i, n in enumerate(tables)],
        "GroupDetailList": [], "RoleDetailList": [], "Policies": []})
    for n in tables:
        write(os.path.join(g, "get-login-profile", n + ".json"),
              {"LoginProfile": {"UserName": n, "CreateDate": "2025-01-01T00:00:00Z"}})


def check(rec):
    got = []
    for f in sorted(os.listdir(rec)):
        if not f.startswith("call."):
            continue
        with open(os.path.join(rec, f), "rb") as fh:
            data = fh.read()
        assert data.endswith(b"\0") or data == b"", f
        got.append(tuple(a.decode("utf-8", "surrogateescape") for a in data.split(b"\0")[:-1]))
    want = [tuple(w) for w in expected()]
    g, w = collections.Counter(got), collections.Counter(want)
    missing = w - g
    extra = g - w
    for m in list(missing)[:5]:
        print("  missing:", m)
    for e in list(extra)[:5]:
        print("  unexpected:", e)
    bad = sum(missing.values()) + sum(extra.values())
    print("names %d (keyable %d), argv expected %d, recorded %d, mismatches %d"
          % (len(NAMES), sum(1 for n in NAMES if keyable(n)), len(want), len(got), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif sys.argv[1] == "check":
        sys.exit(check(sys.argv[2]))
    elif sys.argv[1] == "names":
        print(len(NAMES))
