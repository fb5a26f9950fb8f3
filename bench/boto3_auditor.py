#!/usr/bin/python3
"""boto3_auditor.py ENDPOINT_URL: a serial auditor in the manner of the
established open-source Python auditors: one boto3 client per service and
region, every call made one after the other, paginators where the API has
them. It makes the same calls dbward makes (the account's regions from
ec2 describe-regions, then per region DMS, DynamoDB, CloudWatch, DAX, KMS,
EC2 and CloudTrail, then IAM once) and keeps the answers in memory. Only the
collection is timed: evaluating the controls is cheap next to it. Prints the
number of calls."""
import sys

import boto3
from botocore.config import Config

URL = sys.argv[1]
CFG = Config(retries={"max_attempts": 3, "mode": "standard"})
session = boto3.session.Session(region_name="us-east-1")
calls = 0


def client(service, region):
    return session.client(service, region_name=region, endpoint_url=URL, config=CFG)


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


call(client("sts", "us-east-1"), "get_caller_identity")
regions = [r["RegionName"] for r in items(call(client("ec2", "us-east-1"), "describe_regions"), "Regions")]
for r in regions:
    dms = client("dms", r)
    arns = [i["ReplicationInstanceArn"] for i in items(call(dms, "describe_replication_instances"), "ReplicationInstances")]
    arns += [e["EndpointArn"] for e in items(call(dms, "describe_endpoints"), "Endpoints")]
    arns += [t["ReplicationTaskArn"] for t in items(call(dms, "describe_replication_tasks"), "ReplicationTasks")]
    for a in arns:
        call(dms, "list_tags_for_resource", ResourceArn=a)
    ddb = client("dynamodb", r)
    cw = client("cloudwatch", r)
    tables = items(call(ddb, "list_tables"), "TableNames")
    for t in tables:
        call(ddb, "describe_table", TableName=t)
        call(ddb, "describe_continuous_backups", TableName=t)
        call(ddb, "list_tags_of_resource", ResourceArn="arn:aws:dynamodb:%s:123456789012:table/%s" % (r, t))
        call(cw, "get_metric_data", StartTime="2026-10-21T00:00:00Z", EndTime="2026-11-20T00:00:00Z", MetricDataQueries=[
            {"Id": "read", "MetricStat": {"Metric": {"Namespace": "AWS/DynamoDB", "MetricName": "ConsumedReadCapacityUnits",
                                                     "Dimensions": [{"Name": "TableName", "Value": t}]},
                                          "Period": 86400, "Stat": "Sum"}}])
    call(ddb, "list_backups", BackupType="ALL")
    call(cw, "describe_alarms")
    call(client("dax", r), "describe_clusters")
    kms = client("kms", r)
    for k in items(call(kms, "list_keys"), "Keys"):
        call(kms, "describe_key", KeyId=k["KeyId"])
        call(kms, "get_key_rotation_status", KeyId=k["KeyId"])
        call(kms, "get_key_policy", KeyId=k["KeyId"], PolicyName="default")
    call(kms, "list_aliases")
    ec2 = client("ec2", r)
    for op in ("describe_vpcs", "describe_vpc_endpoints", "describe_route_tables", "describe_security_groups"):
        call(ec2, op)
    ct = client("cloudtrail", r)
    for t in items(call(ct, "describe_trails"), "trailList"):
        if t.get("HomeRegion") == r:
            call(ct, "get_trail_status", Name=t["TrailARN"])
            call(ct, "get_event_selectors", TrailName=t["TrailARN"])
iam = client("iam", "us-east-1")
users = items(call(iam, "get_account_authorization_details"), "UserDetailList")
for u in users:
    call(iam, "list_access_keys", UserName=u["UserName"])
    call(iam, "get_login_profile", UserName=u["UserName"])
    call(iam, "list_mfa_devices", UserName=u["UserName"])
print(calls)
