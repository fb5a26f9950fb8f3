#!/usr/bin/python3
"""Compares the files a live scan saved with what Debian's AWS CLI prints for
the same calls against the same mock, byte for byte (the CLI runs in this
process, once per call, through its own driver). Usage:
cli_bytes.py SNAPSHOT URL REGION   (the calls are listed below, per file)."""
import contextlib
import io
import json
import os
import sys

from awscli.clidriver import create_clidriver


def calls(snap, region):
    """(snapshot file, aws arguments) for every service and protocol dbward reads."""
    out = [("global/iam/get-account-authorization-details.json", ["iam", "get-account-authorization-details"])]
    for svc, cmd in [("dms", "describe-replication-instances"), ("dms", "describe-endpoints"),
                     ("dms", "describe-replication-tasks"), ("ec2", "describe-vpcs"),
                     ("ec2", "describe-vpc-endpoints"), ("ec2", "describe-route-tables"),
                     ("ec2", "describe-security-groups"), ("cloudtrail", "describe-trails"),
                     ("cloudwatch", "describe-alarms"), ("dax", "describe-clusters"), ("dynamodb", "list-tables"),
                     ("kms", "list-keys"), ("kms", "list-aliases")]:
        out.append(("%s/%s/%s.json" % (region, svc, cmd), [svc, cmd, "--region", region]))
    out.append(("%s/dynamodb/list-backups.json" % region,
                ["dynamodb", "list-backups", "--region", region, "--backup-type", "ALL"]))
    per = [("dynamodb", "describe-table", "--table-name"), ("dynamodb", "describe-continuous-backups", "--table-name"),
           ("kms", "describe-key", "--key-id"), ("kms", "get-key-rotation-status", "--key-id"),
           ("iam", "list-access-keys", "--user-name"), ("iam", "list-mfa-devices", "--user-name")]
    for svc, cmd, opt in per:
        folder = "global" if svc == "iam" else region
        d = os.path.join(snap, folder, svc, cmd)
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if f.endswith(".json") and not f.endswith(".error.json"):
                args = [svc, cmd, opt, f[:-5]] + ([] if svc == "iam" else ["--region", region])
                out.append(("%s/%s/%s/%s" % (folder, svc, cmd, f), args))
    return out


# Members newer than Debian's models that dbward keeps and the CLI drops
# (scripts/gen-aws-models.py NEWER): taken out of dbward's file, which is then
# printed again the way the CLI prints (json.dumps, indent 4), before comparing.
NEWER_THAN_MODEL = {"DeletionProtectionEnabled": "Table", "PolicyName": None}


def without_newer(text):
    d = json.loads(text)
    hit = False
    for member, parent in NEWER_THAN_MODEL.items():
        holder = d.get(parent) if parent else d
        if isinstance(holder, dict) and member in holder and (parent or "Policy" in holder):
            del holder[member]
            hit = True
    return json.dumps(d, indent=4, ensure_ascii=False) if hit else text


def main():
    snap, url, region = sys.argv[1:4]
    os.environ.update(AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_PAGER="",
                      AWS_DEFAULT_REGION=region)
    bad = 0
    n = 0
    for rel, args in calls(snap, region):
        path = os.path.join(snap, rel)
        if not os.path.exists(path):
            print("missing: %s" % rel)
            bad += 1
            continue
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = create_clidriver().main(["--endpoint-url", url, "--output", "json"] + args)
        n += 1
        mine = without_newer(open(path).read())
        if rc != 0:
            print("aws %s: exit %d" % (" ".join(args), rc))
            bad += 1
        elif buf.getvalue().rstrip("\n") != mine.rstrip("\n"):
            print("differs from the CLI: %s" % rel)
            print("  cli:    %s" % json.dumps(json.loads(buf.getvalue()))[:300])
            print("  dbward: %s" % json.dumps(json.loads(mine))[:300])
            bad += 1
    print("%d calls compared with the AWS CLI, %d differ" % (n, bad))
    return 1 if bad or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
