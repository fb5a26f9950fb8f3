#!/usr/bin/python3
"""gen-account.py OUT [--regions N] [--dms M] [--tables T] [--keys K] [--users U]

Writes a snapshot (the offline layout of docs/snapshot.md) of a made-up
account of any size: N regions, each with M DMS replication instances (with
two endpoints and one task each), T DynamoDB tables (with their backups,
tags, alarms and metrics) and K KMS keys, plus U IAM users with roles and
policies. The mock AWS server (tests/mock/mock_aws.py) serves the same
folder, so it is also the live bench's fixture. Resources vary so every
control sees passes and failures. Prints the number of resources.
scripts/check-shapes.py checks the output against Debian's botocore models."""
import argparse
import base64
import hashlib
import importlib.util
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("ex", os.path.join(HERE, "..", "examples", "make-example.py"))
ex = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ex)
ACCT = ex.ACCT
REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
           "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2",
           "ca-central-1", "sa-east-1"]
TAGS = ex.tags(ex.FULL_TAGS)


def put(out, path, obj):
    full = os.path.join(out, path + ".json")
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        json.dump(obj, f, separators=(",", ":"))


def h(s):
    """A stable number for a name (Python's hash() changes between runs)."""
    return int(hashlib.sha1(s.encode()).hexdigest()[:15], 16)


def kid(region, i):
    return "%08x-%04x-4%03x-8%03x-%012x" % (h(region) & 0xffffffff, i & 0xffff, i % 4096, (i * 7) % 4096, i)


def region(out, r, a):
    ex.KEYS[r] = {"dms": kid(r, 0)}
    keys = [kid(r, i) for i in range(a.keys)]
    vpc = "vpc-%017x" % h(r)
    sg = "sg-%017x" % h(r + "sg")
    insts, eps, tasks = [], [], []
    for i in range(a.dms):
        tail = "I%05d%s" % (i, r.replace("-", "").upper()[:8])
        inst = ex.dms_instance(r, tail, "inst-%d" % i, i % 10 == 0, ex.key_arn(r, keys[i % len(keys)]), i % 3 != 0,
                               i % 2 == 0, vpc, [sg], ["subnet-%08xa" % i, "subnet-%08xb" % i])
        insts.append(ex.strip_none(inst))
        src = ex.dms_endpoint(r, "S" + tail[1:], "src-%d" % i, "source", "postgres", ["none", "require", "verify-full"][i % 3],
                              5432, user="dms", server="db-%d.internal" % i)
        tgt = ex.dms_endpoint(r, "T" + tail[1:], "tgt-%d" % i, "target", "s3", "none", None,
                              {"S3Settings": {"BucketName": "dms-out-%d" % i, "EncryptionMode": "SSE_KMS" if i % 2 else "SSE_S3",
                                              "ServerSideEncryptionKmsKeyId": ex.key_arn(r, keys[0]) if i % 2 else None}})
        eps += [src, ex.strip_none(tgt)]
        tasks.append(ex.dms_task(r, "K" + tail[1:], "task-%d" % i, inst["ReplicationInstanceArn"], src["EndpointArn"],
                                 tgt["EndpointArn"], i % 4 != 0))
        for t in ("I", "S", "T", "K"):
            put(out, "%s/dms/list-tags-for-resource/%s" % (r, t + tail[1:]), {"TagList": TAGS if i % 5 else TAGS[:1]})
    put(out, r + "/dms/describe-replication-instances", {"ReplicationInstances": insts})
    put(out, r + "/dms/describe-endpoints", {"Endpoints": eps})
    put(out, r + "/dms/describe-replication-tasks", {"ReplicationTasks": tasks})
    names = ["table-%05d" % i for i in range(a.tables)]
    put(out, r + "/dynamodb/list-tables", {"TableNames": names})
    backups, alarms = [], []
    for i, n in enumerate(names):
        put(out, "%s/dynamodb/describe-table/%s" % (r, n),
            ex.table(r, n, 1000 + i, ex.key_arn(r, keys[i % len(keys)]) if i % 3 else None, stream=i % 2 == 0,
                     deletion=i % 4 != 0))
        put(out, "%s/dynamodb/describe-continuous-backups/%s" % (r, n), ex.pitr("ENABLED" if i % 3 else "DISABLED"))
        put(out, "%s/dynamodb/describe-time-to-live/%s" % (r, n),
            {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"} if i % 4 else
             {"TimeToLiveStatus": "DISABLED"}})
        put(out, "%s/dynamodb/list-tags-of-resource/%s" % (r, n), {"Tags": TAGS if i % 7 else []})
        put(out, "%s/cloudwatch/get-metric-data/%s" % (r, n), ex.metrics(5.0 if i % 9 else 0.0, 1.0))
        if i % 2:
            backups.append(ex.backup(r, n, "2026-11-19T02:00:00.000000+00:00"))
        if i % 3:
            alarms.append(ex.alarm(r, n + "-throttles", n))
    put(out, r + "/dynamodb/list-backups", {"BackupSummaries": backups})
    put(out, r + "/cloudwatch/describe-alarms", {"MetricAlarms": alarms, "CompositeAlarms": []})
    put(out, r + "/dax/describe-clusters", {"Clusters": []})
    put(out, r + "/kms/list-keys", {"Keys": [{"KeyId": k, "KeyArn": ex.key_arn(r, k)} for k in keys]})
    put(out, r + "/kms/list-aliases", {"Aliases": []})
    for i, k in enumerate(keys):
        put(out, "%s/kms/describe-key/%s" % (r, k), ex.kms_key(r, k, "CUSTOMER"))
        put(out, "%s/kms/get-key-rotation-status/%s" % (r, k), {"KeyRotationEnabled": i % 4 != 0})
        put(out, "%s/kms/get-key-policy/%s" % (r, k),
            {"Policy": ex.good_key_policy("dynamodb.%s.amazonaws.com" % r) if i % 6 else ex.open_key_policy(),
             "PolicyName": "default"})
    put(out, r + "/ec2/describe-vpcs", {"Vpcs": [{"CidrBlock": "10.0.0.0/16", "State": "available", "VpcId": vpc,
                                                  "OwnerId": ACCT, "IsDefault": False}]})
    put(out, r + "/ec2/describe-route-tables", {"RouteTables": [{"RouteTableId": "rtb-%s" % vpc[4:], "VpcId": vpc,
                                                                 "OwnerId": ACCT, "Associations": [], "Routes": []}]})
    put(out, r + "/ec2/describe-vpc-endpoints", {"VpcEndpoints": [
        {"VpcEndpointId": "vpce-%s" % vpc[4:], "VpcEndpointType": "Gateway", "VpcId": vpc,
         "ServiceName": "com.amazonaws.%s.dynamodb" % r, "State": "available", "RouteTableIds": ["rtb-%s" % vpc[4:]],
         "OwnerId": ACCT}]})
    put(out, r + "/ec2/describe-security-groups", {"SecurityGroups": [
        {"Description": "dms", "GroupName": "dms", "GroupId": sg, "OwnerId": ACCT, "VpcId": vpc, "IpPermissions": [],
         "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]})
    trail = {"Name": "org-audit", "S3BucketName": "logs", "IsMultiRegionTrail": True, "HomeRegion": "us-east-1",
             "TrailARN": "arn:aws:cloudtrail:us-east-1:%s:trail/org-audit" % ACCT, "LogFileValidationEnabled": True,
             "KmsKeyId": ex.key_arn("us-east-1", kid("us-east-1", 0)), "IncludeGlobalServiceEvents": True}
    put(out, r + "/cloudtrail/describe-trails", {"trailList": [trail]})
    if r == "us-east-1":
        put(out, r + "/cloudtrail/get-trail-status/org-audit", {"IsLogging": True})
        put(out, r + "/cloudtrail/get-event-selectors/org-audit", {
            "TrailARN": trail["TrailARN"], "EventSelectors": [
                {"ReadWriteType": "All", "IncludeManagementEvents": True,
                 "DataResources": [{"Type": "AWS::DynamoDB::Table", "Values": ["arn:aws:dynamodb"]}]}]})
    return 4 * a.dms + a.tables + a.keys + 2  # instances, endpoints, tasks, tables, keys, VPC and security group


def iam(out, a):
    g = "global/iam/"
    users, n = [], 0
    for i in range(a.users):
        name = "user-%05d" % i
        users.append({"Path": "/", "UserName": name, "UserId": "AIDA%016d" % i, "Arn": "arn:aws:iam::%s:user/%s" % (ACCT, name),
                      "CreateDate": "2025-01-01T00:00:00+00:00", "UserPolicyList": [], "GroupList": [],
                      "AttachedManagedPolicies": [], "Tags": []})
        put(out, g + "list-access-keys/" + name, {"AccessKeyMetadata": [{"UserName": name, "AccessKeyId": "AKIA%016d" % i,
                                                                          "Status": "Active",
                                                                          "CreateDate": "2026-0%d-01T00:00:00+00:00" % (1 + i % 9)}]})
        if i % 3:
            put(out, g + "get-login-profile/" + name + ".error",
                {"code": "NoSuchEntity", "message": "The user with name %s cannot be found." % name})
        else:
            put(out, g + "get-login-profile/" + name, {"LoginProfile": {"UserName": name, "CreateDate": "2025-01-01T00:00:00+00:00"}})
        put(out, g + "list-mfa-devices/" + name, {"MFADevices": []})
        n += 1
    put(out, g + "get-account-authorization-details", {"UserDetailList": users, "GroupDetailList": [],
                                                       "RoleDetailList": [], "Policies": []})
    # ACC-11's credential report: the users with a login profile changed their password on 2025-01-01.
    rows = ["user,arn,password_enabled,password_last_changed"]
    for i, u in enumerate(users):
        pw = i % 3 == 0
        rows.append("%s,%s,%s,%s" % (u["UserName"], u["Arn"], "true" if pw else "false",
                                     "2025-01-01T00:00:00+00:00" if pw else "N/A"))
    put(out, g + "generate-credential-report", {"State": "COMPLETE"})
    put(out, g + "get-credential-report", {"Content": base64.b64encode(("\n".join(rows) + "\n").encode()).decode(),
                                           "ReportFormat": "text/csv", "GeneratedTime": "2026-01-01T00:00:00+00:00"})
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--regions", type=int, default=2)
    ap.add_argument("--dms", type=int, default=2)
    ap.add_argument("--tables", type=int, default=5)
    ap.add_argument("--keys", type=int, default=2)
    ap.add_argument("--users", type=int, default=5)
    ap.add_argument("--account", default=ex.ACCT)
    a = ap.parse_args()
    global ACCT
    ACCT = ex.ACCT = a.account
    a.keys = max(a.keys, 1)
    if os.path.isdir(a.out):
        shutil.rmtree(a.out)
    os.makedirs(a.out)
    regions = REGIONS[:a.regions]
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump({"account_id": ACCT, "partition": "aws", "regions": regions, "taken_at": ex.TAKEN,
                   "produced_by": {"tool": "bench/gen-account.py", "note": "generated bench account"}}, f)
    n = sum(region(a.out, r, a) for r in regions) + iam(a.out, a)
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
