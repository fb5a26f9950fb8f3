#!/usr/bin/env python3
"""Writes the per-control case folders under tests/data/controls/<ID>/<case>/.
Each case is a tiny snapshot plus `expected` (see tests/control_case.c).
Every control has at least pass, fail and error cases. Rerun after editing;
the folders it writes are committed."""
import datetime
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
A = "123456789012"
R = "us-east-1"
P = R + "/"
SCOPE = A + "/" + R
DENIED = {"code": "AccessDeniedException", "message": "not authorized to perform this operation"}
CASES = {}


def case(cid, name, files, expected):
    CASES.setdefault(cid, {})[name] = (files, expected)


def err(code="AccessDeniedException"):
    return {"code": code, "message": "User is not authorized to perform this operation"}


def karn(k, region=R):
    return "arn:aws:kms:%s:%s:key/%s" % (region, A, k)


def key(k, manager="CUSTOMER", state="Enabled", spec="SYMMETRIC_DEFAULT", origin="AWS_KMS"):
    return {"KeyMetadata": {"AWSAccountId": A, "KeyId": k, "Arn": karn(k), "KeyState": state,
                            "KeyManager": manager, "KeySpec": spec, "CustomerMasterKeySpec": spec,
                            "Origin": origin, "Enabled": state == "Enabled", "KeyUsage": "ENCRYPT_DECRYPT"}}


def aliases(*pairs, region=R):
    """kms list-aliases: (alias name, target key id) pairs. A key that an
    alias/aws/* alias targets is AWS managed whatever KeyManager says
    (CONTROLS.md), so a customer managed verdict needs this answer."""
    return {region + "/kms/list-aliases": {"Aliases": [{"AliasName": n, "AliasArn": "arn:aws:kms:%s:%s:%s" % (region, A, n),
                                                        "TargetKeyId": t} for n, t in pairs]}}


CUSTOMER_ALIASES = aliases(("alias/app", "k-cmk"), ("alias/aws/dms", "k-aws"))


def inst(tail, **kw):
    d = {"ReplicationInstanceIdentifier": tail.lower(), "ReplicationInstanceClass": "dms.t3.medium",
         "AllocatedStorage": 50, "PubliclyAccessible": False, "KmsKeyId": karn("k-cmk"),
         "AutoMinorVersionUpgrade": True, "MultiAZ": False, "EngineVersion": "3.5.2",
         "VpcSecurityGroups": [{"VpcSecurityGroupId": "sg-0aaa", "Status": "active"}],
         "ReplicationSubnetGroup": {"ReplicationSubnetGroupIdentifier": "dms-subnets", "VpcId": "vpc-0aaa",
                                    "Subnets": [{"SubnetIdentifier": "subnet-0aaa", "SubnetStatus": "Active"}]},
         "ReplicationInstanceArn": "arn:aws:dms:%s:%s:rep:%s" % (R, A, tail)}
    d.update(kw)
    return d


def rep(tail):
    return "arn:aws:dms:%s:%s:rep:%s" % (R, A, tail)


def ep(tail, engine, etype="source", **kw):
    d = {"EndpointIdentifier": tail.lower(), "EndpointType": etype, "EngineName": engine,
         "EndpointArn": "arn:aws:dms:%s:%s:endpoint:%s" % (R, A, tail), "SslMode": "none"}
    d.update(kw)
    return d


def epa(tail):
    return "arn:aws:dms:%s:%s:endpoint:%s" % (R, A, tail)


def task(tail, settings, instance="INST1", src="SRC1", tgt="TGT1"):
    return {"ReplicationTaskIdentifier": tail.lower(), "ReplicationTaskArn": "arn:aws:dms:%s:%s:task:%s" % (R, A, tail),
            "ReplicationInstanceArn": rep(instance), "SourceEndpointArn": epa(src), "TargetEndpointArn": epa(tgt),
            "MigrationType": "full-load", "ReplicationTaskSettings": settings if isinstance(settings, str) else json.dumps(settings)}


def taska(tail):
    return "arn:aws:dms:%s:%s:task:%s" % (R, A, tail)


def insts(*i):
    return {P + "dms/describe-replication-instances": {"ReplicationInstances": list(i)}}


def tags(d):
    return {"TagList": [{"Key": k, "Value": v} for k, v in d.items()]}


GOOD_TAGS = {"Owner": "team", "Environment": "dev", "DataClassification": "internal"}


def tbl(name, **kw):
    d = {"TableName": name, "TableArn": "arn:aws:dynamodb:%s:%s:table/%s" % (R, A, name), "TableStatus": "ACTIVE",
         "ItemCount": 10, "DeletionProtectionEnabled": True, "CreationDateTime": "2024-06-01T12:00:00+00:00"}
    d.update(kw)
    return d


def tarn(name):
    return "arn:aws:dynamodb:%s:%s:table/%s" % (R, A, name)


def tables(*ts):
    f = {P + "dynamodb/list-tables": {"TableNames": [t["TableName"] for t in ts]}}
    for t in ts:
        f[P + "dynamodb/describe-table/" + t["TableName"]] = {"Table": t}
    return f


def trail(name, multi=True, home=R, validation=True, kms=None):
    t = {"Name": name, "S3BucketName": "logs", "IsMultiRegionTrail": multi, "HomeRegion": home,
         "TrailARN": "arn:aws:cloudtrail:%s:%s:trail/%s" % (home, A, name), "LogFileValidationEnabled": validation,
         "HasCustomEventSelectors": False, "IsOrganizationTrail": False}
    if kms:
        t["KmsKeyId"] = kms
    return t


def trails(*t):
    return {P + "cloudtrail/describe-trails": {"trailList": list(t)}}


def tstatus(name, logging=True):
    return {P + "cloudtrail/get-trail-status/" + name: {"IsLogging": logging}}


def selectors(name, mgmt=True, ddb=False):
    sel = {"ReadWriteType": "All", "IncludeManagementEvents": mgmt, "DataResources": []}
    if ddb:
        sel["DataResources"] = [{"Type": "AWS::DynamoDB::Table", "Values": ["arn:aws:dynamodb"]}]
    return {P + "cloudtrail/get-event-selectors/" + name: {"TrailARN": "arn:aws:cloudtrail:%s:%s:trail/%s" % (R, A, name),
                                                           "EventSelectors": [sel]}}


def merge(*ds):
    out = {}
    for d in ds:
        out.update(d)
    return out


def users(*entries, policies=()):
    return {"global/iam/get-account-authorization-details": {
        "UserDetailList": list(entries), "GroupDetailList": [], "RoleDetailList": [], "Policies": list(policies)}}


def user(name, attached=(), inline=()):
    return {"UserName": name, "UserId": "AIDA" + name.upper().ljust(16, "X"), "Arn": "arn:aws:iam::%s:user/%s" % (A, name),
            "Path": "/", "CreateDate": "2025-01-01T00:00:00+00:00", "GroupList": [], "UserPolicyList": list(inline),
            "AttachedManagedPolicies": [{"PolicyName": a.split("/")[-1], "PolicyArn": a} for a in attached]}


def uarn(name):
    return "arn:aws:iam::%s:user/%s" % (A, name)


def doc(*st):
    return {"Version": "2012-10-17", "Statement": list(st)}


def managed(name, document):
    return {"PolicyName": name, "Arn": "arn:aws:iam::%s:policy/%s" % (A, name), "DefaultVersionId": "v1",
            "PolicyVersionList": [{"Document": document, "VersionId": "v1", "IsDefaultVersion": True}]}


def parn(name):
    return "arn:aws:iam::%s:policy/%s" % (A, name)


# ---------------- DMS ----------------
case("DMS-01", "pass", insts(inst("INST1")), ["PASS %s | PubliclyAccessible is false" % rep("INST1")])
case("DMS-01", "fail", merge(insts(inst("INST1", PubliclyAccessible=True)),
                             {P + "dms/describe-replication-tasks": {"ReplicationTasks": [task("TASK1", {})]}}),
     ["FAIL %s | PubliclyAccessible is true | move-replication-task --region us-east-1 --replication-task-arn %s" % (rep("INST1"), taska("TASK1"))])
case("DMS-01", "error", {P + "dms/describe-replication-instances.error": DENIED},
     ["ERROR %s | dms describe-replication-instances in us-east-1 was denied (AccessDeniedException)" % SCOPE])
# An absent field whose documented default fails is judged by it (CONTROLS.md): PubliclyAccessible defaults to true.
# (A field of the wrong type stays ERROR; case files must match the API shapes, so no case holds one.)
case("DMS-01", "fail-public-absent", insts({"ReplicationInstanceArn": rep("INST1")}),
     ["FAIL %s | PubliclyAccessible is absent from the answer; AWS's documented default is true | create-replication-instance" % rep("INST1")])

case("DMS-02", "pass", merge(insts(inst("INST1")), {P + "kms/describe-key/k-cmk": key("k-cmk")}, CUSTOMER_ALIASES),
     ["PASS %s | customer managed and Enabled" % rep("INST1")])
case("DMS-02", "fail", merge(insts(inst("INST1", KmsKeyId="arn:aws:kms:%s:%s:alias/aws/dms" % (R, A)),
                                   inst("INST2", KmsKeyId=karn("k-off"))),
                             {P + "kms/list-aliases": {"Aliases": [{"AliasName": "alias/aws/dms", "TargetKeyId": "k-aws"}]},
                              P + "kms/describe-key/k-aws": key("k-aws", manager="AWS"),
                              P + "kms/describe-key/k-off": key("k-off", state="Disabled")}),
     ["FAIL %s | AWS managed key (KeyManager is AWS) | create-replication-instance" % rep("INST1"),
      "FAIL %s | has KeyState Disabled | aws kms enable-key --region us-east-1 --key-id k-off" % rep("INST2")])
case("DMS-02", "error", merge(insts(inst("INST1"), inst("INST2", KmsKeyId="alias/unknown")),
                              {P + "kms/describe-key/k-cmk": "{\"KeyMetadata\": {\"KeyId\": \"k-cmk\",\n  \"KeyManager\" \"CUSTOMER\"}}\n",
                               P + "kms/list-aliases": {"Aliases": []}}),
     ["ERROR %s | us-east-1/kms/describe-key/k-cmk.json:2:25:" % rep("INST1"),
      "ERROR %s | alias alias/unknown is not in kms list-aliases" % rep("INST2")])

vpce_ok = {"VpcEndpointId": "vpce-0aaa", "VpcEndpointType": "Interface", "VpcId": "vpc-0aaa",
           "ServiceName": "com.amazonaws.us-east-1.dms", "State": "available", "PrivateDnsEnabled": True}
vpc_arn = "arn:aws:ec2:%s:%s:vpc/vpc-0aaa" % (R, A)
case("DMS-03", "pass", merge(insts(inst("INST1"), inst("INST2")), {P + "ec2/describe-vpc-endpoints": {"VpcEndpoints": [vpce_ok]}}),
     ["PASS %s | interface endpoint vpce-0aaa for DMS is available with private DNS" % vpc_arn])
case("DMS-03", "fail", merge(insts(inst("INST1"), inst("INST2", ReplicationSubnetGroup={"VpcId": "vpc-0bbb"})),
                             {P + "ec2/describe-vpc-endpoints": {"VpcEndpoints": [dict(vpce_ok, PrivateDnsEnabled=False),
                                                                                  dict(vpce_ok, VpcId="vpc-0bbb", ServiceName="com.amazonaws.us-east-1.dynamodb", VpcEndpointType="Gateway")]}}),
     ["FAIL %s | PrivateDnsEnabled false | modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-0aaa --private-dns-enabled" % vpc_arn,
      "FAIL arn:aws:ec2:%s:%s:vpc/vpc-0bbb | no interface VPC endpoint for com.amazonaws.us-east-1.dms | create-vpc-endpoint --region us-east-1 --vpc-endpoint-type Interface --vpc-id vpc-0bbb" % (R, A)])
case("DMS-03", "error", insts(inst("INST1")),
     ["ERROR %s | ec2 describe-vpc-endpoints in us-east-1 was not recorded" % vpc_arn])

eps = lambda *e: {P + "dms/describe-endpoints": {"Endpoints": list(e)}}
case("DMS-04", "pass", eps(ep("SRC1", "postgres", SslMode="verify-full"), ep("SRC2", "oracle", SslMode="require"), ep("TGT1", "s3", "target")),
     ["PASS %s | SslMode is verify-full" % epa("SRC1"), "PASS %s | SslMode is require" % epa("SRC2"),
      "NOT_APPLICABLE %s | engine s3 does not use" % epa("TGT1")])
case("DMS-04", "fail", eps(ep("SRC1", "mysql", SslMode="none")),
     ["FAIL %s | SslMode is none (engine mysql) | modify-endpoint --region us-east-1 --endpoint-arn %s --ssl-mode verify-full" % (epa("SRC1"), epa("SRC1"))])
e4 = ep("SRC1", "postgres")
del e4["SslMode"]
case("DMS-04", "fail-ssl-none-absent", eps(e4),
     ["FAIL %s | SslMode is absent from the answer; AWS's documented default is none (engine postgres) | --ssl-mode verify-full" % epa("SRC1")])
case("DMS-04", "error", eps({"EndpointArn": epa("SRC1"), "EndpointIdentifier": "src1", "SslMode": "none"}), ["ERROR %s | EngineName is missing" % epa("SRC1")])

case("DMS-05", "pass", merge(eps(ep("TGT1", "s3", "target", S3Settings={"EncryptionMode": "SSE_KMS", "ServerSideEncryptionKmsKeyId": karn("k-cmk")}),
                                 ep("SRC1", "s3", "source")),
                             {P + "kms/describe-key/k-cmk": key("k-cmk")}, CUSTOMER_ALIASES),
     ["PASS %s | SSE_KMS with customer managed key" % epa("TGT1"), "NOT_APPLICABLE %s | only S3 and Redshift targets" % epa("SRC1")])
case("DMS-05", "fail", eps(ep("TGT1", "redshift", "target", RedshiftSettings={"EncryptionMode": "SSE_S3"}),
                           ep("TGT2", "s3", "target", S3Settings={"BucketName": "b"})),
     ["FAIL %s | RedshiftSettings.EncryptionMode is SSE_S3 | --redshift-settings EncryptionMode=SSE_KMS" % epa("TGT1"),
      "FAIL %s | S3Settings.EncryptionMode is not set (SSE_S3 by default) | --s3-settings EncryptionMode=SSE_KMS" % epa("TGT2")])
case("DMS-05", "error", merge(eps(ep("TGT1", "s3", "target", S3Settings={"EncryptionMode": "SSE_KMS", "ServerSideEncryptionKmsKeyId": karn("k-cmk")})),
                              {P + "kms/describe-key/k-cmk.error": DENIED}),
     ["ERROR %s | kms describe-key for k-cmk in us-east-1 was denied" % epa("TGT1")])

case("DMS-06", "pass", merge(insts(inst("INST1")), {P + "dms/list-tags-for-resource/INST1": tags(GOOD_TAGS)},
                             eps(), {P + "dms/describe-replication-tasks": {"ReplicationTasks": []}}),
     ["PASS %s | has every required tag" % rep("INST1")])
case("DMS-06", "fail", merge(insts(), eps(ep("SRC1", "mysql")), {P + "dms/describe-replication-tasks": {"ReplicationTasks": [task("TASK1", {})]},
                             P + "dms/list-tags-for-resource/SRC1": tags({"Owner": "x", "Environment": ""}),
                             P + "dms/list-tags-for-resource/TASK1": tags(GOOD_TAGS)}),
     ["FAIL %s | missing required tags: Environment (empty), DataClassification | add-tags-to-resource --region us-east-1 --resource-arn %s --tags Key=Environment,Value=REPLACE_ME Key=DataClassification,Value=REPLACE_ME" % (epa("SRC1"), epa("SRC1")),
      "PASS %s | has every required tag" % taska("TASK1")])
case("DMS-06", "error", merge(insts(inst("INST1")), {P + "dms/list-tags-for-resource/INST1.error": err("AccessDeniedFault")},
                              eps(), {P + "dms/describe-replication-tasks.error": err()}),
     ["ERROR %s | list-tags-for-resource for INST1 in us-east-1 was denied (AccessDeniedFault)" % rep("INST1"),
      "ERROR %s | describe-replication-tasks in us-east-1 was denied" % SCOPE])
# Two of its lists unreadable: one ERROR of the scope naming both (one
# finding per control and resource, so a merge or an import keeps it whole).
case("DMS-06", "error-two-lists", merge(insts(inst("INST1")), {P + "dms/list-tags-for-resource/INST1": tags({"Owner": "x"})},
                                        {P + "dms/describe-endpoints.error": err("AccessDeniedFault")},
                                        {P + "dms/describe-replication-tasks.error": err()}),
     ["FAIL %s | missing required tags" % rep("INST1"),
      "ERROR %s | describe-endpoints in us-east-1 was denied (AccessDeniedFault): User is not authorized to perform "
      "this operation; dms describe-replication-tasks in us-east-1 was denied" % SCOPE])
case("DMS-06", "custom-tags", merge(insts(inst("INST1")), {P + "dms/list-tags-for-resource/INST1": tags({"Owner": "x"})},
                                    {"params": "required_tags=Owner\n"},
                                    eps(), {P + "dms/describe-replication-tasks": {"ReplicationTasks": []}}),
     ["PASS %s | has every required tag" % rep("INST1")])

dms_present = merge(insts(inst("INST1")), eps(), {P + "dms/describe-replication-tasks": {"ReplicationTasks": []}})
case("DMS-07", "pass", merge(dms_present, trails(trail("main")), tstatus("main"), selectors("main")),
     ["PASS %s | trail main is logging management events (All)" % SCOPE])
case("DMS-07", "not-applicable", merge(insts(), eps(), {P + "dms/describe-replication-tasks": {"ReplicationTasks": []}}),
     ["NOT_APPLICABLE %s | no DMS resources in us-east-1" % SCOPE])
case("DMS-07", "fail", merge(dms_present, trails(trail("main"), trail("other", multi=False, home="eu-west-1")), tstatus("main", False), selectors("main")),
     ["FAIL %s | trail main is not logging (IsLogging false) | aws cloudtrail start-logging --region us-east-1 --name main" % SCOPE])
case("DMS-07", "fail-no-trail", merge(dms_present, trails()),
     ["FAIL %s | no CloudTrail trail covers us-east-1 | create-trail" % SCOPE])
case("DMS-07", "error", merge(dms_present, trails(trail("main")), selectors("main")),
     ["ERROR %s | no trail could be confirmed: cloudtrail get-trail-status for main in us-east-1 was not recorded" % SCOPE])

tasks = lambda *t: {P + "dms/describe-replication-tasks": {"ReplicationTasks": list(t)}}
case("DMS-08", "pass", tasks(task("TASK1", {"Logging": {"EnableLogging": True}})), ["PASS %s | Logging.EnableLogging is true" % taska("TASK1")])
case("DMS-08", "fail", tasks(task("TASK1", {"Logging": {"EnableLogging": False}}), task("TASK2", {"TargetMetadata": {}})),
     ["FAIL %s | Logging.EnableLogging is false | modify-replication-task --region us-east-1 --replication-task-arn %s" % (taska("TASK1"), taska("TASK1")),
      "FAIL %s | Logging.EnableLogging is absent from the answer; AWS's documented default is false" % taska("TASK2")])
case("DMS-08", "error", tasks(task("TASK1", "{\"Logging\": {\"EnableLogging\": tru}}")),
     ["ERROR %s | ReplicationTaskSettings is not valid JSON" % taska("TASK1")])

case("DMS-09", "pass", insts(inst("INST1")), ["PASS %s | AutoMinorVersionUpgrade is true" % rep("INST1")])
case("DMS-09", "fail", insts(inst("INST1", AutoMinorVersionUpgrade=False)),
     ["FAIL %s | AutoMinorVersionUpgrade is false | modify-replication-instance --region us-east-1 --replication-instance-arn %s --auto-minor-version-upgrade" % (rep("INST1"), rep("INST1"))])
case("DMS-09", "error", {P + "dms/describe-replication-instances": {"ReplicationInstances": [{"ReplicationInstanceArn": rep("INST1")}]}},
     ["ERROR %s | AutoMinorVersionUpgrade is missing" % rep("INST1")])
case("DMS-09", "bad-shape", {P + "dms/describe-replication-instances": {"Marker": "x"}},
     ["ERROR %s | has no \"ReplicationInstances\" array" % SCOPE])

prod = dict(GOOD_TAGS, Environment="prod")
case("DMS-10", "pass", merge(insts(inst("INST1", MultiAZ=True), inst("INST2")),
                             {P + "dms/list-tags-for-resource/INST1": tags(prod), P + "dms/list-tags-for-resource/INST2": tags(GOOD_TAGS)}),
     ["PASS %s | production instance with MultiAZ true" % rep("INST1"), "NOT_APPLICABLE %s | not tagged Environment=prod" % rep("INST2")])
case("DMS-10", "fail", merge(insts(inst("INST1")), {P + "dms/list-tags-for-resource/INST1": tags(prod)}),
     ["FAIL %s | has MultiAZ false | --multi-az --apply-immediately" % rep("INST1")])
case("DMS-10", "error", merge(insts(inst("INST1"))), ["ERROR %s | list-tags-for-resource for INST1 in us-east-1 was not recorded" % rep("INST1")])

sg_arn = "arn:aws:ec2:%s:%s:security-group/sg-0aaa" % (R, A)
def sg(*egress):
    return {P + "ec2/describe-security-groups": {"SecurityGroups": [{"GroupId": "sg-0aaa", "GroupName": "dms", "VpcId": "vpc-0aaa",
                                                                     "IpPermissions": [], "IpPermissionsEgress": list(egress)}]}}
def rule(proto, lo=None, hi=None, cidr="0.0.0.0/0", v6=None):
    r = {"IpProtocol": proto, "IpRanges": [{"CidrIp": cidr}] if cidr else [], "Ipv6Ranges": [{"CidrIpv6": v6}] if v6 else []}
    if lo is not None:
        r["FromPort"], r["ToPort"] = lo, hi
    return r
case("DMS-11", "pass", merge(insts(inst("INST1")), sg(rule("tcp", 5432, 5432), rule("-1", cidr="10.0.0.0/8")),
                             eps(ep("SRC1", "postgres", Port=5432)), tasks(task("TASK1", {}))),
     ["PASS %s | no egress to 0.0.0.0/0 or ::/0 beyond the endpoint ports" % sg_arn])
case("DMS-11", "fail", merge(insts(inst("INST1")), sg(rule("tcp", 0, 65535, cidr=None, v6="::/0")), eps(), tasks()),
     ["FAIL %s | all traffic (IpProtocol tcp) to the internet | revoke-security-group-egress --region us-east-1 --group-id sg-0aaa" % sg_arn])
case("DMS-11", "fail-wide-port", merge(insts(inst("INST1")), sg(rule("tcp", 1000, 2000)), eps(), tasks()),
     ["FAIL %s | tcp 1000-2000 to the internet" % sg_arn])
case("DMS-11", "error", merge(insts(inst("INST1")), {P + "ec2/describe-security-groups": {"SecurityGroups": []}}, eps(), tasks()),
     ["ERROR %s | security group sg-0aaa of %s is not in describe-security-groups" % (sg_arn, rep("INST1"))])

case("DMS-12", "pass", eps(ep("SRC1", "mysql", MySQLSettings={"SecretsManagerSecretId": "arn:aws:secretsmanager:us-east-1:%s:secret:db-AbCd" % A}),
                           ep("TGT1", "dynamodb", "target")),
     ["PASS %s | MySQLSettings.SecretsManagerSecretId is set" % epa("SRC1"), "NOT_APPLICABLE %s | engine dynamodb authenticates with an IAM role" % epa("TGT1")])
case("DMS-12", "fail", eps(ep("SRC1", "sqlserver", Username="dms_user", MicrosoftSQLServerSettings={"Username": "dms_user"})),
     ["FAIL %s | MicrosoftSQLServerSettings.SecretsManagerSecretId is not set: the endpoint keeps its own password (user dms_user) | --microsoft-sql-server-settings SecretsManagerSecretId=" % epa("SRC1")])
case("DMS-12", "error", eps({"EndpointArn": epa("SRC1"), "EndpointIdentifier": "src1"}), ["ERROR %s | EngineName is missing" % epa("SRC1")])

# ---------------- DynamoDB ----------------
scoped = managed("OrdersRW", doc({"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": tarn("orders")},
                                 {"Effect": "Allow", "Action": "dynamodb:*", "Resource": tarn("orders") + "/index/*"},
                                 {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::bucket/*"}))
ALLOW_ALL = lambda a, r="*": {"Effect": "Allow", "Action": a, "Resource": r}
# AWS managed policies as get-account-authorization-details returns them (documents written for these cases).
AWSM = {
    "AdministratorAccess": doc(ALLOW_ALL("*")),
    "PowerUserAccess": doc({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
                           ALLOW_ALL(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
                                      "organizations:DescribeOrganization", "account:ListRegions"])),
    "AmazonDynamoDBFullAccess": doc(ALLOW_ALL(["dynamodb:*", "dax:*", "application-autoscaling:*", "cloudwatch:DescribeAlarms",
                                               "kms:DescribeKey", "kms:ListAliases", "sns:ListTopics", "tag:GetResources"])),
    "AmazonDynamoDBFullAccesswithDataPipeline": doc(ALLOW_ALL(["cloudwatch:DescribeAlarms", "datapipeline:*", "dynamodb:*",
                                                               "ec2:DescribeAccountAttributes", "iam:ListRoles", "sns:*"]),
                                                    ALLOW_ALL("iam:PassRole", "arn:aws:iam::*:role/DataPipelineDefaultRole")),
    "AmazonDynamoDBFullAccess_v2": doc(ALLOW_ALL(["dynamodb:*", "dax:*", "application-autoscaling:DescribeScalableTargets",
                                                  "cloudwatch:GetMetricData", "kms:DescribeKey", "kms:ListAliases", "tag:GetResources"])),
    "AmazonDynamoDBReadOnlyAccess": doc(ALLOW_ALL(["dynamodb:BatchGetItem", "dynamodb:Describe*", "dynamodb:List*", "dynamodb:GetItem",
                                                   "dynamodb:Query", "dynamodb:Scan", "dynamodb:PartiQLSelect", "dax:Describe*", "dax:List*"])),
}


def awsm(name):
    return {"PolicyName": name, "Arn": "arn:aws:iam::aws:policy/" + name, "DefaultVersionId": "v3",
            "PolicyVersionList": [{"Document": doc(ALLOW_ALL("s3:GetObject")), "VersionId": "v2", "IsDefaultVersion": False},
                                  {"Document": AWSM[name], "VersionId": "v3", "IsDefaultVersion": True}]}


def iamdet(us=(), groups=(), roles=(), policies=()):
    return {"global/iam/get-account-authorization-details": {
        "UserDetailList": list(us), "GroupDetailList": list(groups), "RoleDetailList": list(roles), "Policies": list(policies)}}


def role(name, attached=(), inline=(), boundary=None):
    r = {"RoleName": name, "RoleId": "AROA" + name.upper().ljust(16, "X"), "Arn": "arn:aws:iam::%s:role/%s" % (A, name),
         "Path": "/", "CreateDate": "2025-01-01T00:00:00+00:00", "RolePolicyList": list(inline),
         "AttachedManagedPolicies": [{"PolicyName": x.split("/")[-1], "PolicyArn": x} for x in attached]}
    if boundary:
        r["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
    return r


def rarn(name):
    return "arn:aws:iam::%s:role/%s" % (A, name)


def group(name, attached=(), inline=()):
    return {"GroupName": name, "GroupId": "AGPA" + name.upper().ljust(16, "X"), "Arn": "arn:aws:iam::%s:group/%s" % (A, name),
            "Path": "/", "GroupPolicyList": list(inline),
            "AttachedManagedPolicies": [{"PolicyName": x.split("/")[-1], "PolicyArn": x} for x in attached]}


AWSP = "arn:aws:iam::aws:policy/"
letters = ["dynamodb:%s*" % chr(x) for x in range(65, 91)]
scoped = managed("OrdersRW", doc({"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"], "Resource": tarn("orders")},
                                 {"Effect": "Allow", "Action": "dynamodb:*", "Resource": tarn("orders") + "/index/*"},
                                 {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::bucket/*"}))
case("DDB-01", "pass", iamdet([user("svc", inline=[{"PolicyName": "p1", "PolicyDocument": doc({"Effect": "Deny", "Action": "*", "Resource": "*"})}])],
                              roles=[role("reader", attached=[AWSP + "AmazonDynamoDBReadOnlyAccess"]),
                                     role("capped", attached=[AWSP + "AdministratorAccess"], boundary=parn("OrdersRW"))],
                              policies=[scoped, managed("NotDdb", doc({"Effect": "Allow", "NotAction": "dynamodb:*", "Resource": "*"})),
                                        awsm("AdministratorAccess"), awsm("AmazonDynamoDBReadOnlyAccess")]),
     ["PASS %s | DynamoDB access is limited: not every action on every table (e.g. dynamodb:BatchExecuteStatement is not allowed on arn:aws:dynamodb:us-east-1:%s:table/000)" % (parn("OrdersRW"), A),
      "PASS %s | DynamoDB access is limited: not every action on every table" % parn("NotDdb"),
      "PASS %s | no policy allows any DynamoDB" % uarn("svc"),
      "PASS %s | DynamoDB access is limited: not every action on every table (e.g. dynamodb:BatchExecuteStatement" % rarn("reader"),
      "PASS %s | DynamoDB access is limited" % rarn("capped")])
case("DDB-01", "fail", iamdet([user("bob", attached=[AWSP + "AmazonDynamoDBFullAccess"]),
                               user("admin", attached=[AWSP + "AdministratorAccess"]),
                               merge(user("split", inline=[{"PolicyName": "am", "PolicyDocument": doc(ALLOW_ALL(letters[:13]))}]), {"GroupList": ["nz"]}),
                               user("almost", attached=[AWSP + "AdministratorAccess"],
                                    inline=[{"PolicyName": "nodelete", "PolicyDocument": doc({"Effect": "Deny", "Action": "dynamodb:Delete*", "Resource": "*"})}])],
                              groups=[group("nz", inline=[{"PolicyName": "nz", "PolicyDocument": doc(ALLOW_ALL(letters[13:]))}])],
                              roles=[role("power", attached=[AWSP + "PowerUserAccess"]),
                                     role("pipeline", attached=[AWSP + "AmazonDynamoDBFullAccesswithDataPipeline"]),
                                     role("qmark", inline=[{"PolicyName": "q", "PolicyDocument": doc(ALLOW_ALL("dynamodb:?*", "arn:aws:dynamodb:*:*:table/*?"))}])],
                              policies=[managed("Wide", doc({"Sid": "W", "Effect": "Allow", "Action": ["dynamo*:*"], "Resource": "arn:aws:dynamodb:us-*:%s:table/*" % A})),
                                        managed("NotRes", doc({"Effect": "Allow", "Action": "dynamodb:GetItem", "NotResource": "arn:aws:s3:::*"})),
                                        managed("Star", doc({"Effect": "Allow", "Action": "*", "Resource": ["*"]})),
                                        awsm("AmazonDynamoDBFullAccess"), awsm("AdministratorAccess"), awsm("PowerUserAccess"),
                                        awsm("AmazonDynamoDBFullAccesswithDataPipeline")]),
     ["FAIL %s | every DynamoDB action (all 53 of botocore's model) is allowed on every table of account %s in us-east-1, through customer managed policy Wide statement \"W\"; the patterns also cover actions AWS may add later | create-policy-version --policy-arn %s" % (parn("Wide"), A, parn("Wide")),
      "FAIL %s | customer managed policy NotRes statement #1 allows DynamoDB through NotResource (e.g. dynamodb:GetItem on arn:aws:dynamodb:us-east-1:%s:table/000)" % (parn("NotRes"), A),
      "FAIL %s | through customer managed policy Star statement #1; the patterns also cover actions AWS may add later" % parn("Star"),
      "FAIL %s | every DynamoDB action (all 53 of botocore's model) is allowed on every table of account %s in us-east-1, through AWS managed policy AmazonDynamoDBFullAccess statement #1 | aws iam detach-user-policy --user-name bob --policy-arn arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess" % (uarn("bob"), A),
      "FAIL %s | through AWS managed policy AdministratorAccess statement #1; the patterns also cover actions AWS may add later | aws iam detach-user-policy --user-name admin --policy-arn arn:aws:iam::aws:policy/AdministratorAccess" % uarn("admin"),
      "FAIL %s | through inline policy am statement #1, group nz's inline policy nz statement #1" % uarn("split"),
      "FAIL %s | dynamodb:BatchExecuteStatement is allowed on every table of account %s in us-east-1 through an Action wildcard over every service (AWS managed policy AdministratorAccess statement #1) | detach-user-policy --user-name almost" % (uarn("almost"), A),
      "FAIL %s | AWS managed policy PowerUserAccess statement #1 allows DynamoDB through NotAction | detach-role-policy --role-name power" % rarn("power"),
      "FAIL %s | through AWS managed policy AmazonDynamoDBFullAccesswithDataPipeline statement #1 | detach-role-policy --role-name pipeline" % rarn("pipeline"),
      "FAIL %s | through inline policy q statement #1; the patterns also cover actions AWS may add later" % rarn("qmark")])
case("DDB-01", "error", iamdet([user("lost", attached=[parn("Gone")])],
                               policies=[managed("Bad", doc({"Effect": "Permit", "Action": "dynamodb:*", "Resource": "*"}))]),
     ["ERROR %s | customer managed policy Bad cannot be read: Statement[0].Effect must be \"Allow\" or \"Deny\"" % parn("Bad"),
      "ERROR %s | the document of customer managed policy Gone is missing from the answer" % uarn("lost")])
case("DDB-01", "error-input", iamdet([user("enc", inline=[{"PolicyName": "enc", "PolicyDocument": "%7B%22Version%22%3A%2Z2012-10-17%22%7D"}]),
                                     user("typo", inline=[{"PolicyName": "typo", "PolicyDocument": doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condtion": {}})}]),
                                     user("op", inline=[{"PolicyName": "op", "PolicyDocument": doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                                                                                                     "Condition": {"StringEqualz": {"aws:username": "x"}}})}]),
                                     user("dup", inline=[{"PolicyName": "dup", "PolicyDocument": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}]}'}]),
                                     user("wide", attached=[AWSP + "AdministratorAccess"], inline=[{"PolicyName": "bad", "PolicyDocument": {"Statement": 7}}])],
                                    policies=[awsm("AdministratorAccess")]),
     ["ERROR %s | inline policy enc cannot be read at byte 19: malformed URL-encoding" % uarn("enc"),
      "ERROR %s | inline policy typo cannot be read: Statement[0] has an unknown element \"Condtion\"" % uarn("typo"),
      "ERROR %s | inline policy op cannot be read: Statement[0].Condition has an unknown operator \"StringEqualz\"" % uarn("op"),
      "ERROR %s | inline policy dup cannot be read at line 1, column" % uarn("dup"),
      "FAIL %s | through AWS managed policy AdministratorAccess statement #1; the patterns also cover actions AWS may add later (every name after \"dynamodb:\"); besides, inline policy bad cannot be read: Statement[0] must be an object" % uarn("wide")])
case("DDB-01", "error-denied", {"global/iam/get-account-authorization-details.error": err("AccessDenied")},
     ["ERROR %s/global | get-account-authorization-details in global was denied (AccessDenied)" % A])

# Survivors of scripts/mutate (issue 16), each status judged by hand from the catalog row: the
# principal's effective permissions count every policy that applies (the _v2 AWS managed policy, a
# group's attached policies, a NotResource grant short of "every action"), a customer managed
# policy fails through an Action wildcard over every service too, and every region is judged.
case("DDB-01", "fail-managed-and-group", iamdet([merge(user("grouped"), {"GroupList": ["ops"]})], groups=[group("ops", attached=[AWSP + "AmazonDynamoDBFullAccess"])],
                                               roles=[role("v2", attached=[AWSP + "AmazonDynamoDBFullAccess_v2"]),
                                                      role("nr", inline=[{"PolicyName": "nr", "PolicyDocument": doc({"Effect": "Allow", "Action": "dynamodb:GetItem", "NotResource": "arn:aws:s3:::*"})}])],
                                               policies=[managed("StarButDelete", doc(ALLOW_ALL("*"), {"Effect": "Deny", "Action": "dynamodb:Delete*", "Resource": "*"})),
                                                         awsm("AmazonDynamoDBFullAccess"), awsm("AmazonDynamoDBFullAccess_v2")]),
     ["FAIL %s | is allowed on every table of account %s in us-east-1 through an Action wildcard over every service" % (parn("StarButDelete"), A),
      "FAIL %s | every DynamoDB action (all 53 of botocore's model) is allowed on every table of account %s in us-east-1, through group ops's AWS managed policy AmazonDynamoDBFullAccess | detach-group-policy --group-name ops" % (uarn("grouped"), A),
      "FAIL %s | every DynamoDB action (all 53 of botocore's model) is allowed on every table of account %s in us-east-1, through AWS managed policy AmazonDynamoDBFullAccess_v2 | detach-role-policy --role-name v2" % (rarn("v2"), A),
      "FAIL %s | allows DynamoDB through NotResource" % rarn("nr")])
case("DDB-01", "fail-second-region", merge(iamdet(roles=[role("eu", inline=[{"PolicyName": "eu", "PolicyDocument": doc(ALLOW_ALL("dynamodb:*", "arn:aws:dynamodb:eu-west-1:%s:table/*" % A))}])]),
                                           {"manifest": {"account_id": A, "partition": "aws", "regions": [R, "eu-west-1"], "taken_at": "2026-01-10T00:00:00Z",
                                                         "produced_by": {"tool": "tests/data/controls/make-cases.py"}}}),
     ["FAIL %s | every DynamoDB action (all 53 of botocore's model) is allowed on every table of account %s in eu-west-1" % (rarn("eu"), A)])

# Grants short of the row: "*" on one table only; "*" on S3 beside GetItem everywhere (the wildcard
# Allows alone reach no table); a NotAction Allow whose DynamoDB part a Deny takes back; DAX only.
case("DDB-01", "pass-narrow-grants", iamdet(roles=[role("wildmix", inline=[{"PolicyName": "w", "PolicyDocument": doc(ALLOW_ALL("*", "arn:aws:s3:::bucket/*"), ALLOW_ALL("dynamodb:GetItem"))}]),
                                                   role("notact", inline=[{"PolicyName": "n", "PolicyDocument": doc({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"},
                                                                                                                    {"Effect": "Deny", "Action": "dynamodb:*", "Resource": "*"})}]),
                                                   role("daxonly", inline=[{"PolicyName": "d", "PolicyDocument": doc(ALLOW_ALL("dax:*"))}])],
                                            policies=[managed("StarOneTable", doc(ALLOW_ALL("*", tarn("orders"))))]),
     ["PASS %s | DynamoDB access is limited" % parn("StarOneTable"),
      "PASS %s | DynamoDB access is limited" % rarn("wildmix"),
      "PASS %s | DynamoDB access is limited" % rarn("notact"),
      "PASS %s | DynamoDB access is limited" % rarn("daxonly")])

sse = lambda k: {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": karn(k)}
case("DDB-02", "pass", merge(tables(tbl("orders", SSEDescription=sse("k-cmk"))), {P + "kms/describe-key/k-cmk": key("k-cmk")}, CUSTOMER_ALIASES),
     ["PASS %s | encrypted with customer managed key" % tarn("orders")])
case("DDB-02", "fail", merge(tables(tbl("a"), tbl("b", SSEDescription=sse("k-aws"))), {P + "kms/describe-key/k-aws": key("k-aws", "AWS")}),
     ["FAIL %s | no SSEDescription: the table uses the AWS owned key | update-table --region us-east-1 --table-name a --sse-specification Enabled=true,SSEType=KMS" % tarn("a"),
      "FAIL %s | is an AWS managed key (KeyManager is AWS)" % tarn("b")])
case("DDB-02", "error", {P + "dynamodb/list-tables": {"TableNames": ["orders"]}, P + "dynamodb/describe-table/orders.error": DENIED},
     ["ERROR %s | dynamodb describe-table for orders in us-east-1 was denied" % tarn("orders")])

case("DDB-03", "pass", {P + "dax/describe-clusters": {"Clusters": []}}, ["PASS %s | no DAX cluster in us-east-1" % SCOPE])
case("DDB-03", "fail", {P + "dax/describe-clusters": {"Clusters": [{"ClusterName": "cache1", "ClusterArn": "arn:aws:dax:us-east-1:%s:cache/cache1" % A}]}},
     ["FAIL %s | 1 DAX cluster(s) exist although DAX is not approved: cache1 | aws dax delete-cluster --region us-east-1 --cluster-name cache1" % SCOPE])
case("DDB-03", "error", {P + "dax/describe-clusters.error": err("InvalidParameterValueException")},
     ["ERROR %s | dax describe-clusters in us-east-1 failed (InvalidParameterValueException)" % SCOPE])

gw = {"VpcEndpointId": "vpce-0gw", "VpcEndpointType": "Gateway", "VpcId": "vpc-0aaa", "ServiceName": "com.amazonaws.us-east-1.dynamodb",
      "State": "available", "RouteTableIds": ["rtb-1", "rtb-2"]}
vpcs = {P + "ec2/describe-vpcs": {"Vpcs": [{"VpcId": "vpc-0aaa"}]}}
rts = {P + "ec2/describe-route-tables": {"RouteTables": [{"RouteTableId": "rtb-1", "VpcId": "vpc-0aaa"}, {"RouteTableId": "rtb-2", "VpcId": "vpc-0aaa"},
                                                         {"RouteTableId": "rtb-9", "VpcId": "vpc-0other"}]}}
case("DDB-04", "pass", merge(tables(tbl("t")), vpcs, rts, {P + "ec2/describe-vpc-endpoints": {"VpcEndpoints": [gw]}}),
     ["PASS %s | Gateway endpoint vpce-0gw serves every route table" % vpc_arn])
case("DDB-04", "not-applicable", {P + "dynamodb/list-tables": {"TableNames": []}}, ["NOT_APPLICABLE %s | no DynamoDB tables in us-east-1" % SCOPE])
case("DDB-04", "fail", merge(tables(tbl("t")), {P + "ec2/describe-vpcs": {"Vpcs": [{"VpcId": "vpc-0aaa"}, {"VpcId": "vpc-0bbb"}]}}, rts,
                             {P + "ec2/describe-vpc-endpoints": {"VpcEndpoints": [dict(gw, RouteTableIds=["rtb-1"])]}}),
     ["FAIL %s | is not associated with route table(s) rtb-2 | modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-0gw --add-route-table-ids rtb-2" % vpc_arn,
      "FAIL arn:aws:ec2:%s:%s:vpc/vpc-0bbb | no Gateway endpoint for com.amazonaws.us-east-1.dynamodb in vpc-0bbb | create-vpc-endpoint" % (R, A)])
case("DDB-04", "error", merge(tables(tbl("t")), vpcs, {P + "ec2/describe-route-tables.error": DENIED}, {P + "ec2/describe-vpc-endpoints": {"VpcEndpoints": [gw]}}),
     ["ERROR %s | ec2 describe-route-tables in us-east-1 was denied" % vpc_arn])

case("DDB-05", "pass", tables(tbl("t", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})),
     ["PASS %s | StreamEnabled is true (NEW_IMAGE)" % tarn("t")])
case("DDB-05", "fail", tables(tbl("t")), ["FAIL %s | not set (no stream) | --stream-specification StreamEnabled=true" % tarn("t")])
case("DDB-05", "error", {P + "dynamodb/list-tables": {"TableNames": ["t"]}}, ["ERROR %s | describe-table for t in us-east-1 was not recorded" % tarn("t")])

case("DDB-06", "pass", merge(tables(tbl("t")), trails(trail("main")), tstatus("main"),
                             {P + "cloudtrail/get-event-selectors/main": {"AdvancedEventSelectors": [
                                 {"Name": "ddb", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::DynamoDB::Table"]}]}]}}),
     ["PASS %s | trail main records DynamoDB data events (advanced selector)" % SCOPE])
case("DDB-06", "fail", merge(tables(tbl("t")), trails(trail("main")), tstatus("main"), selectors("main")),
     ["FAIL %s | trail main has no DynamoDB data event selector | put-event-selectors --region us-east-1 --trail-name main --advanced-event-selectors" % SCOPE])
case("DDB-06", "pass-basic", merge(tables(tbl("t")), trails(trail("main")), tstatus("main"), selectors("main", ddb=True)),
     ["PASS %s | trail main records DynamoDB data events" % SCOPE])
case("DDB-06", "error", merge(tables(tbl("t")), trails(trail("main")), tstatus("main"), {P + "cloudtrail/get-event-selectors/main.error": DENIED}),
     ["ERROR %s | get-event-selectors for main in us-east-1 was denied" % SCOPE])

alarm = lambda name, t: {"AlarmName": name, "Namespace": "AWS/DynamoDB", "MetricName": "ReadThrottleEvents",
                         "Dimensions": [{"Name": "TableName", "Value": t}]}
case("DDB-07", "pass", merge(tables(tbl("t")), {P + "cloudwatch/describe-alarms": {"MetricAlarms": [alarm("t-throttle", "t")]}}),
     ["PASS %s | alarm t-throttle watches the table" % tarn("t")])
case("DDB-07", "fail", merge(tables(tbl("t")), {P + "cloudwatch/describe-alarms": {"MetricAlarms": [alarm("other", "u"), dict(alarm("wrongns", "t"), Namespace="AWS/EC2")]}}),
     ["FAIL %s | no CloudWatch alarm in AWS/DynamoDB has TableName=t | put-metric-alarm --region us-east-1 --alarm-name t-read-throttles" % tarn("t")])
case("DDB-07", "error", merge(tables(tbl("t")), {P + "cloudwatch/describe-alarms": "{\"MetricAlarms\": [\n]]\n"}),
     ["ERROR %s | us-east-1/cloudwatch/describe-alarms.json:2:2:" % tarn("t")])

case("DDB-08", "pass", merge(tables(tbl("t")), {P + "dynamodb/list-tags-of-resource/t": {"Tags": [{"Key": k, "Value": v} for k, v in GOOD_TAGS.items()]}}),
     ["PASS %s | has every required tag" % tarn("t")])
case("DDB-08", "fail", merge(tables(tbl("t")), {P + "dynamodb/list-tags-of-resource/t": {"Tags": []}}),
     ["FAIL %s | missing required tags: Owner, Environment, DataClassification | tag-resource --region us-east-1 --resource-arn %s --tags Key=Owner,Value=REPLACE_ME" % (tarn("t"), tarn("t"))])
case("DDB-08", "error", merge(tables(tbl("t")), {P + "dynamodb/list-tags-of-resource/t.error": DENIED}),
     ["ERROR %s | list-tags-of-resource for t in us-east-1 was denied" % tarn("t")])

pitr = lambda s: {"ContinuousBackupsDescription": {"ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": s}}}
case("DDB-09", "pass", merge(tables(tbl("t")), {P + "dynamodb/describe-continuous-backups/t": pitr("ENABLED")}), ["PASS %s | ENABLED" % tarn("t")])
case("DDB-09", "fail", merge(tables(tbl("t")), {P + "dynamodb/describe-continuous-backups/t": pitr("DISABLED")}),
     ["FAIL %s | PointInTimeRecoveryStatus is DISABLED | update-continuous-backups --region us-east-1 --table-name t --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true" % tarn("t")])
case("DDB-09", "error", merge(tables(tbl("t")), {P + "dynamodb/describe-continuous-backups/t.error": DENIED}),
     ["ERROR %s | describe-continuous-backups for t in us-east-1 was denied" % tarn("t")])
case("DDB-09", "error-shape", merge(tables(tbl("t")), {P + "dynamodb/describe-continuous-backups/t": {"ContinuousBackupsDescription": {}}}),
     ["ERROR %s | lacks PointInTimeRecoveryStatus" % tarn("t")])

bk = lambda t, when, status="AVAILABLE": {"TableName": t, "BackupCreationDateTime": when, "BackupStatus": status, "BackupType": "USER",
                                          "BackupArn": tarn(t) + "/backup/0", "BackupName": "b"}
case("DDB-10", "pass", merge(tables(tbl("t")), {P + "dynamodb/list-backups": {"BackupSummaries": [bk("t", "2026-01-08T00:00:00.000000+00:00")]}}),
     ["PASS %s | newest backup (USER) was taken 2026-01-08T00:00:00Z, within 7 days" % tarn("t")])
case("DDB-10", "fail", merge(tables(tbl("t"), tbl("u")), {P + "dynamodb/list-backups": {"BackupSummaries": [
    bk("t", "2025-12-01T00:00:00+00:00"), bk("t", "2026-01-09T00:00:00+00:00", "CREATING"), bk("other", "2026-01-09T00:00:00+00:00")]}}),
     ["FAIL %s | newest backup was taken 2025-12-01T00:00:00Z, 40 days before the snapshot (limit 7) | create-backup --region us-east-1 --table-name t" % tarn("t"),
      "FAIL %s | no available backup of the table" % tarn("u")])
case("DDB-10", "error", merge(tables(tbl("t")), {P + "dynamodb/list-backups.error": DENIED}), ["ERROR %s | list-backups in us-east-1 was denied" % tarn("t")])
b_nostatus = bk("t", "2026-01-09T00:00:00+00:00")
del b_nostatus["BackupStatus"]
case("DDB-10", "error-status-missing", merge(tables(tbl("t")), {P + "dynamodb/list-backups": {"BackupSummaries": [b_nostatus]}}),
     ["ERROR %s | 1 backup(s) of the table lack a readable BackupStatus" % tarn("t")])

md = lambda vals, when="2026-01-05T00:00:00+00:00": {"MetricDataResults": [{"Id": "read", "Label": "ConsumedReadCapacityUnits",
                                                                           "Timestamps": [when] * len(vals), "Values": vals, "StatusCode": "Complete"}]}
case("DDB-11", "pass", merge(tables(tbl("full"), tbl("busy", ItemCount=0)), {P + "cloudwatch/get-metric-data/busy": md([0.0, 5.0])}),
     ["PASS %s | ItemCount is 10" % tarn("full"), "PASS %s | ItemCount is 0 but ConsumedReadCapacityUnits shows use within 30 days" % tarn("busy")])
case("DDB-11", "fail", merge(tables(tbl("idle", ItemCount=0), tbl("stale", ItemCount=0)), {P + "cloudwatch/get-metric-data/idle": md([]),
                             P + "cloudwatch/get-metric-data/stale": md([9.0], "2025-10-01T00:00:00+00:00")}),
     ["FAIL %s | ItemCount is 0 and no consumed capacity in the last 30 days | delete-table --region us-east-1 --table-name idle" % tarn("idle"),
      "FAIL %s | ItemCount is 0 and no consumed capacity" % tarn("stale")])
case("DDB-11", "error", merge(tables(tbl("idle", ItemCount=0))), ["ERROR %s | ItemCount is 0 and usage is unknown: cloudwatch get-metric-data for idle in us-east-1 was not recorded" % tarn("idle")])

case("DDB-12", "pass", tables(tbl("t")), ["PASS %s | DeletionProtectionEnabled is true" % tarn("t")])
case("DDB-12", "fail", tables(tbl("t", DeletionProtectionEnabled=False)), ["FAIL %s | DeletionProtectionEnabled is false | update-table --region us-east-1 --table-name t --deletion-protection-enabled" % tarn("t")])
t12 = tbl("t")
del t12["DeletionProtectionEnabled"]
case("DDB-12", "error", tables(t12), ["ERROR %s | DeletionProtectionEnabled is missing" % tarn("t")])

dax = lambda name, sse_s, tls: {"ClusterName": name, "ClusterArn": "arn:aws:dax:us-east-1:%s:cache/%s" % (A, name), "NodeType": "dax.r5.large",
                                "TotalNodes": 3, "SSEDescription": {"Status": sse_s}, "ClusterEndpointEncryptionType": tls}
daxarn = lambda n: "arn:aws:dax:us-east-1:%s:cache/%s" % (A, n)
case("DDB-13", "pass", {P + "dax/describe-clusters": {"Clusters": [dax("c1", "ENABLED", "TLS")]}}, ["PASS %s | ENABLED and ClusterEndpointEncryptionType TLS" % daxarn("c1")])
case("DDB-13", "fail", {P + "dax/describe-clusters": {"Clusters": [dax("c1", "DISABLED", "TLS"), dax("c2", "ENABLED", "NONE")]}},
     ["FAIL %s | SSEDescription.Status is DISABLED | --sse-specification Enabled=true --cluster-endpoint-encryption-type TLS" % daxarn("c1"),
      "FAIL %s | ClusterEndpointEncryptionType is NONE" % daxarn("c2")])
d13 = dax("c1", "ENABLED", "TLS")
del d13["ClusterEndpointEncryptionType"]
case("DDB-13", "error", {P + "dax/describe-clusters": {"Clusters": [d13]}}, ["ERROR %s | ClusterEndpointEncryptionType is missing" % daxarn("c1")])

# DDB-14: only ENABLED passes
ttl = lambda st, attr="expires_at": {"TimeToLiveDescription": dict({"TimeToLiveStatus": st}, **({"AttributeName": attr} if attr else {}))}
tl = lambda doc, t="t": merge(tables(tbl(t)), {P + "dynamodb/describe-time-to-live/" + t: doc})
case("DDB-14", "pass", tl(ttl("ENABLED")), ["PASS %s | TimeToLiveStatus is ENABLED (attribute expires_at)" % tarn("t")])
case("DDB-14", "fail", tl(ttl("DISABLED", None)),
     ["FAIL %s | TimeToLiveStatus is DISABLED | aws dynamodb update-time-to-live --region us-east-1 --table-name t --time-to-live-specification Enabled=true,AttributeName=REPLACE_WITH_TTL_ATTRIBUTE" % tarn("t")])
case("DDB-14", "error", merge(tables(tbl("t")), {P + "dynamodb/describe-time-to-live/t.error": DENIED}),
     ["ERROR %s | describe-time-to-live for t in us-east-1 was denied" % tarn("t")])
case("DDB-14", "error-shape", tl({}), ["ERROR %s | lacks TimeToLiveDescription.TimeToLiveStatus" % tarn("t")])
case("DDB-14", "error-no-status", tl({"TimeToLiveDescription": {}}), ["ERROR %s | lacks TimeToLiveDescription.TimeToLiveStatus" % tarn("t")])

# ---------------- account ----------------
lk = lambda *ks: {P + "kms/list-keys": {"Keys": [{"KeyId": k, "KeyArn": karn(k)} for k in ks]}}
case("ACC-01", "pass", merge(lk("k1", "k2", "k3"), {P + "kms/describe-key/k1": key("k1"), P + "kms/get-key-rotation-status/k1": {"KeyRotationEnabled": True},
                                                    P + "kms/describe-key/k2": key("k2", "AWS"), P + "kms/describe-key/k3": key("k3", spec="RSA_2048")}),
     ["PASS %s | KeyRotationEnabled is true" % karn("k1"), "NOT_APPLICABLE %s | AWS managed key" % karn("k2"),
      "NOT_APPLICABLE %s | KeySpec RSA_2048" % karn("k3")])
case("ACC-01", "fail", merge(lk("k1"), {P + "kms/describe-key/k1": key("k1"), P + "kms/get-key-rotation-status/k1": {"KeyRotationEnabled": False}}),
     ["FAIL %s | KeyRotationEnabled is false | aws kms enable-key-rotation --region us-east-1 --key-id k1" % karn("k1")])
case("ACC-01", "error", merge(lk("k1", "k2"), {P + "kms/describe-key/k1": key("k1"), P + "kms/get-key-rotation-status/k1.error": DENIED,
                                                P + "kms/describe-key/k2.error": DENIED}),
     ["ERROR %s | get-key-rotation-status for k1 in us-east-1 was denied" % karn("k1"), "ERROR %s | describe-key for k2 in us-east-1 was denied" % karn("k2")])

ak = lambda u, kid, created, status="Active": {"global/iam/list-access-keys/" + u: {"AccessKeyMetadata": [
    {"UserName": u, "AccessKeyId": kid, "Status": status, "CreateDate": created}]}}
case("ACC-02", "pass", merge(users(user("svc"), user("old")), ak("svc", "AKIDSVC00000001", "2025-12-20T00:00:00Z"),
                             ak("old", "AKIDOLD00000001", "2020-01-01T00:00:00Z", "Inactive")),
     ["PASS %s#access-key/AKIDSVC00000001 | active key is 21 days old (limit 90)" % uarn("svc"), "NOT_APPLICABLE %s | no active access key" % uarn("old")])
case("ACC-02", "fail", merge(users(user("svc")), ak("svc", "AKIDSVC00000001", "2025-06-01T00:00:00+00:00")),
     ["FAIL %s#access-key/AKIDSVC00000001 | active key is 223 days old (limit 90) | aws iam update-access-key --user-name svc --access-key-id AKIDSVC00000001 --status Inactive" % uarn("svc")])
case("ACC-02", "error", merge(users(user("svc")), {"global/iam/list-access-keys/svc.error": err("AccessDenied")}),
     ["ERROR %s | iam list-access-keys for svc in global was denied (AccessDenied)" % uarn("svc")])

lp = lambda u: {"global/iam/get-login-profile/" + u: {"LoginProfile": {"UserName": u, "CreateDate": "2025-01-01T00:00:00Z"}}}
nolp = lambda u: {"global/iam/get-login-profile/" + u + ".error": {"code": "NoSuchEntity", "message": "The user with name %s cannot be found." % u}}
mfa = lambda u, n: {"global/iam/list-mfa-devices/" + u: {"MFADevices": [{"UserName": u, "SerialNumber": "arn:aws:iam::%s:mfa/%s" % (A, u),
                                                                         "EnableDate": "2025-01-01T00:00:00Z"}] * n}}
admin_inline = [{"PolicyName": "all", "PolicyDocument": doc({"Effect": "Allow", "Action": "*", "Resource": "*"})}]
case("ACC-03", "pass", merge(users(user("human"), user("svc")), lp("human"), mfa("human", 1), nolp("svc")),
     ["PASS %s | console password; 1 MFA device(s) enabled" % uarn("human"), "NOT_APPLICABLE %s | no console password and no administrator policy" % uarn("svc")])
case("ACC-03", "fail", merge(users(user("ops", inline=admin_inline)), nolp("ops"), mfa("ops", 0)),
     ["FAIL %s | administrator rights via all but no MFA device | enable-mfa-device --user-name ops" % uarn("ops")])
case("ACC-03", "error", merge(users(user("x")), {"global/iam/get-login-profile/x.error": err("ServiceFailure")}),
     ["ERROR %s | console access unknown: iam get-login-profile for x in global failed (ServiceFailure)" % uarn("x")])

case("ACC-03", "error-policy-unreadable", merge(users(user("ops", attached=["arn:aws:iam::%s:policy/OpsPower" % A])), nolp("ops")),
     ["ERROR %s | administrator rights unknown: the document of policy OpsPower could not be read" % uarn("ops")])

case("ACC-04", "pass", merge(users(user("svc")), nolp("svc")), ["PASS %s | no console password (get-login-profile answered NoSuchEntity)" % uarn("svc")])
case("ACC-04", "fail", merge(users(user("human")), lp("human")), ["FAIL %s | has a console password | aws iam delete-login-profile --user-name human" % uarn("human")])
case("ACC-04", "error", merge(users(user("x")), {"global/iam/get-login-profile/x.error": err("AccessDenied")}),
     ["ERROR %s | iam get-login-profile for x in global was denied (AccessDenied)" % uarn("x")])

root = {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" % A}, "Action": "kms:*", "Resource": "*"}
kp = lambda k, *st: {P + "kms/get-key-policy/" + k: {"Policy": json.dumps(doc(*st)), "PolicyName": "default"}}
used = merge(insts(inst("INST1")), eps(), {P + "dynamodb/list-tables": {"TableNames": []}}, {P + "kms/describe-key/k-cmk": key("k-cmk")})
case("ACC-05", "pass", merge(used, kp("k-cmk", root, {"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
                                                      "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}},
                                      {"Sid": "Acct", "Effect": "Allow", "Principal": "*", "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
                                       "Condition": {"StringEquals": {"kms:CallerAccount": A}, "IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}})),
     ["PASS %s | no open principal and no kms:* beyond the account root: statement \"Org\" is open to Principal \"*\" but StringEquals aws:PrincipalOrgID \"o-abc123\" binds the caller to the organisation; statement \"Acct\" is open to Principal \"*\" but StringEquals kms:CallerAccount \"%s\" binds the caller to the account" % (karn("k-cmk"), A)])
case("ACC-05", "fail", merge(used, kp("k-cmk", root, {"Sid": "Admins", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::%s:role/admin" % A]},
                                                      "Action": ["kms:?*"], "Resource": "*"})),
     ["FAIL %s | every kms action (all 50 of botocore's model) is granted to arn:aws:iam::%s:role/admin, not the account root | put-key-policy --region us-east-1 --key-id k-cmk" % (karn("k-cmk"), A)])
case("ACC-05", "fail-notaction", merge(used, kp("k-cmk", root, {"Sid": "App", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:role/app" % A},
                                                                "NotAction": "kms:Decrypt", "Resource": "*"})),
     ["FAIL %s | statement \"App\" grants kms through NotAction (e.g. kms:CancelKeyDeletion) to arn:aws:iam::%s:role/app, not the account root" % (karn("k-cmk"), A)])
case("ACC-05", "fail-open", merge(used, kp("k-cmk", root, {"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*",
                                                           "Condition": {"StringLike": {"aws:PrincipalArn": "*"}}})),
     ["FAIL %s | statement \"Open\" allows kms:Decrypt (and maybe more) to Principal \"*\" without a condition that binds the caller to the account or organisation; StringLike aws:PrincipalArn: the pattern \"*\" can match a principal of another account" % karn("k-cmk")])
case("ACC-05", "fail-ip-or", merge(used, kp("k-cmk", root, {"Sid": "Net", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
                                                            "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "0.0.0.0/0"]}}})),
     ["FAIL %s | statement \"Net\" allows kms:Decrypt (and maybe more) to Principal \"*\" without a condition that binds the caller to the account or organisation; aws:SourceIp admits more than a /8 together (values are ORed)" % karn("k-cmk")])
# source_ip_widest_prefix at the limit and one past it: a /16 limit; one /16 range counts as a network
# limit, two /16 ranges that join into a /15 do not. Principal "*" still fails: SourceIp never binds the
# account.
case("ACC-05", "fail-ip-at-custom-prefix", merge(used, kp("k-cmk", root, {"Sid": "Net", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
                                                                          "Condition": {"IpAddress": {"aws:SourceIp": "10.20.0.0/16"}}}),
                                                 {"params": "source_ip_widest_prefix=16\n"}),
     ["FAIL %s | aws:SourceIp narrows the network but not the account: a caller of any account inside it matches" % karn("k-cmk")])
case("ACC-05", "fail-ip-past-custom-prefix", merge(used, kp("k-cmk", root, {"Sid": "Net", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
                                                                            "Condition": {"IpAddress": {"aws:SourceIp": ["10.20.0.0/16", "10.21.0.0/16"]}}}),
                                                   {"params": "source_ip_widest_prefix=16\n"}),
     ["FAIL %s | aws:SourceIp admits more than a /16 together (values are ORed) and does not bind the account" % karn("k-cmk")])
case("ACC-05", "fail-account-like", merge(used, kp("k-cmk", root, {"Sid": "Like", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
                                                                   "Condition": {"StringLike": {"kms:CallerAccount": "????????????"}}})),
     ["FAIL %s | StringLike kms:CallerAccount: the pattern \"????????????\" can match another account (e.g. \"000000000000\")" % karn("k-cmk")])
case("ACC-05", "error-input", merge(used, {P + "kms/get-key-policy/k-cmk": {"Policy": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Principal":{"AWS":"x"},"Action":"kms:*","Resource":"*"}]}',
                                                                        "PolicyName": "default"}}),
     ["ERROR %s | the key policy cannot be read (%s/kms/get-key-policy/k-cmk.json, Policy at line 1, column" % (karn("k-cmk"), R)])
# Survivors of scripts/mutate (issue 16): every key a DMS endpoint (KmsKeyId, S3 and Redshift
# targets) or a table uses is judged; AWS managed keys are not applicable; a statement whose
# Resource names another key does not apply; an account id as Principal is that account.
opn = lambda sid: {"Sid": sid, "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}
ekeys = merge(insts(inst("INST1")), eps(ep("SRC1", "mysql", KmsKeyId=karn("k-ep")),
                                        ep("TGT1", "s3", "target", S3Settings={"EncryptionMode": "SSE_KMS", "ServerSideEncryptionKmsKeyId": karn("k-s3")}),
                                        ep("TGT2", "redshift", "target", RedshiftSettings={"EncryptionMode": "SSE_KMS", "ServerSideEncryptionKmsKeyId": karn("k-rs")})),
              tables(tbl("t1", SSEDescription={"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": karn("k-tbl")}),
                     tbl("t2", SSEDescription={"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": karn("k-aws")})),
              {P + "kms/describe-key/" + k: key(k) for k in ("k-cmk", "k-ep", "k-s3", "k-rs", "k-tbl")}, {P + "kms/describe-key/k-aws": key("k-aws", manager="AWS")},
              kp("k-cmk", root), kp("k-ep", root, opn("E")), kp("k-s3", root, opn("S")), kp("k-rs", root, opn("R")), kp("k-tbl", root, opn("T")))
case("ACC-05", "fail-open-every-user", ekeys,
     ["PASS %s | no open principal and no kms:* beyond the account root (used by %s)" % (karn("k-cmk"), rep("INST1")),
      "FAIL %s | statement \"E\" allows kms:Decrypt to Principal \"*\" with no condition, so without a condition that binds the caller to the account or organisation (used by %s)" % (karn("k-ep"), epa("SRC1")),
      "FAIL %s | statement \"S\" allows kms:Decrypt to Principal \"*\" with no condition, so without a condition that binds the caller to the account or organisation (used by %s)" % (karn("k-s3"), epa("TGT1")),
      "FAIL %s | statement \"R\" allows kms:Decrypt to Principal \"*\" with no condition, so without a condition that binds the caller to the account or organisation (used by %s)" % (karn("k-rs"), epa("TGT2")),
      "FAIL %s | statement \"T\" allows kms:Decrypt to Principal \"*\" with no condition, so without a condition that binds the caller to the account or organisation (used by %s)" % (karn("k-tbl"), tarn("t1")),
      "NOT_APPLICABLE %s | AWS managed key" % karn("k-aws")])
case("ACC-05", "pass-other-key-resource", merge(used, kp("k-cmk", root, dict(opn("Other"), Resource=karn("k-other"))),
                                                ),
     ["PASS %s | no open principal and no kms:* beyond the account root" % karn("k-cmk")])
case("ACC-05", "fail-account-id-principal", merge(used, kp("k-cmk", root, dict(opn("Acct"), Principal={"AWS": "999999999999"}))),
     ["FAIL %s | statement \"Acct\" allows kms:Decrypt to arn:aws:iam::999999999999:root (another account) with no condition" % karn("k-cmk")])
case("ACC-05", "fail-principal-arn-other-account", merge(used, kp("k-cmk", root, dict(opn("Arn"), Condition={"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::999999999999:role/x"}}))),
     ["FAIL %s | \"arn:aws:iam::999999999999:role/x\" is a principal of another account" % karn("k-cmk")])
case("ACC-05", "error", merge(used, {P + "kms/get-key-policy/k-cmk.error": DENIED}), ["ERROR %s | get-key-policy for k-cmk in us-east-1 was denied" % karn("k-cmk")])
# Every list it reads unreadable but one, and a table's description denied: one ERROR of the
# account and region naming both lists, in the order they are read, then the table's, then the
# key the readable table uses (the same whether ACC-05 reads the answers itself, as here, or, in
# a whole scan, a digest made before the last DMS control and DDB-14 let them go: control-whole/*).
case("ACC-05", "error-lists-unreadable",
     merge({P + "dms/describe-endpoints.error": DENIED, P + "kms/describe-key/k-cmk": key("k-cmk")}, kp("k-cmk", root),
           tables(tbl("t-ok", SSEDescription={"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": karn("k-cmk")})),
           {P + "dynamodb/list-tables": {"TableNames": ["t-bad", "t-ok"]}, P + "dynamodb/describe-table/t-bad.error": DENIED}),
     ["ERROR %s/%s | dms describe-replication-instances in us-east-1 was not recorded (us-east-1/dms/describe-replication-instances.json is missing); dms describe-endpoints in us-east-1 was denied" % (A, R),
      "ERROR t-bad | the table's key is unknown: dynamodb describe-table for t-bad in us-east-1 was denied",
      "PASS %s | no open principal and no kms:* beyond the account root (used by %s)" % (karn("k-cmk"), tarn("t-ok"))])
# A description without its "Table" (the model makes it optional): the table's key is not known.
case("ACC-05", "error-table-malformed",
     merge(used, kp("k-cmk", root), {P + "dynamodb/list-tables": {"TableNames": ["t-none"]}, P + "dynamodb/describe-table/t-none": {}}),
     ["ERROR t-none | the table's key is unknown: us-east-1/dynamodb/describe-table/t-none.json has no \"Table\" object",
      "PASS %s | no open principal and no kms:* beyond the account root (used by %s)" % (karn("k-cmk"), rep("INST1"))])

case("ACC-06", "pass", merge(trails(trail("main", kms=karn("k-cmk")), trail("shadow", home="eu-west-1")), {P + "kms/describe-key/k-cmk": key("k-cmk")}, CUSTOMER_ALIASES),
     ["PASS arn:aws:cloudtrail:%s:%s:trail/main | multi-region, log file validation on" % (R, A)])
case("ACC-06", "fail", merge(trails(trail("main", multi=False, validation=False))),
     ["FAIL arn:aws:cloudtrail:%s:%s:trail/main | IsMultiRegionTrail is false; LogFileValidationEnabled is false; no KmsKeyId | update-trail --region us-east-1 --name main --is-multi-region-trail --enable-log-file-validation --kms-key-id REPLACE_WITH_CMK_ARN" % (R, A)])
case("ACC-06", "error", {P + "cloudtrail/describe-trails.error": DENIED}, ["ERROR %s | cloudtrail describe-trails in us-east-1 was denied" % SCOPE])


# ================= one failing case per clause (issue 16) =================
# Every clause of every catalog row (`.clauses` on its registry row) has a
# `fail-<clause>` case; thresholds are tested below, at and above the limit.
# DDB-01 and ACC-05 get theirs with the policy rewrite (issue 14).
# Multi-account cases: a snapshot holds one account (manifest account_id) and
# control_case opens one snapshot, so they are not possible here.
E = "eu-west-1"
cmk = {P + "kms/describe-key/k-cmk": key("k-cmk")}
awskey = {P + "kms/describe-key/k-aws": key("k-aws", manager="AWS")}

# DMS-01
case("DMS-01", "fail-public", insts(inst("INST1", PubliclyAccessible=True)), ["FAIL %s | PubliclyAccessible is true" % rep("INST1")])

# DMS-02
case("DMS-02", "fail-aws-managed-key", merge(insts(inst("INST1", KmsKeyId=karn("k-aws"))), awskey),
     ["FAIL %s | is an AWS managed key (KeyManager is AWS)" % rep("INST1")])
case("DMS-02", "fail-key-not-enabled", merge(insts(inst("INST1", KmsKeyId=karn("k-del"))), {P + "kms/describe-key/k-del": key("k-del", state="PendingDeletion")}),
     ["FAIL %s | has KeyState PendingDeletion, not Enabled" % rep("INST1")])
i2 = inst("INST1")
del i2["KmsKeyId"]
case("DMS-02", "fail-aws-managed-key-absent", insts(i2),
     ["FAIL %s | KmsKeyId is absent from the answer; AWS's documented default is the account's aws/dms key | --kms-key-id \"$KEY_ARN\"" % rep("INST1")])
case("DMS-02", "fail-aws-managed-key-alias", merge(insts(inst("INST1", KmsKeyId=karn("k-dms"))), {P + "kms/describe-key/k-dms": key("k-dms")},
                                                   aliases(("alias/aws/dms", "k-dms"))),
     ["FAIL %s | KmsKeyId %s is an AWS managed key (target of alias/aws/dms, although KeyManager is CUSTOMER) | --kms-key-id \"$KEY_ARN\"" % (rep("INST1"), karn("k-dms"))])
case("DMS-02", "fail-aws-managed-key-alias-named", merge(insts(inst("INST1", KmsKeyId="alias/aws/dms")), {P + "kms/describe-key/k-dms": key("k-dms")},
                                                         aliases(("alias/aws/dms", "k-dms"))),
     ["FAIL %s | KmsKeyId alias/aws/dms is an AWS managed key (target of alias/aws/dms, although KeyManager is CUSTOMER)" % rep("INST1")])
case("DMS-02", "error-aliases-unreadable", merge(insts(inst("INST1")), cmk, {P + "kms/list-aliases.error": DENIED}),
     ["ERROR %s | whether an alias/aws/ alias targets it is unknown: kms list-aliases in us-east-1 was denied" % rep("INST1")])
case("DMS-02", "pass-alias", merge(insts(inst("INST1", KmsKeyId="alias/dms-prod")), cmk, awskey,
                                   {P + "kms/list-aliases": {"Aliases": [{"AliasName": "alias/dms-prod", "TargetKeyId": "k-cmk"},
                                                                        {"AliasName": "alias/aws/dms", "TargetKeyId": "k-aws"}]}}),
     ["PASS %s | KmsKeyId alias/dms-prod is customer managed and Enabled" % rep("INST1")])
case("DMS-02", "pass-key-in-other-region", merge(insts(inst("INST1", KmsKeyId=karn("k-eu", E))), {E + "/kms/describe-key/k-eu": key("k-eu")},
                                                 aliases(("alias/aws/dms", "k-aws"), region=E)),
     ["PASS %s | is customer managed and Enabled" % rep("INST1")])

# DMS-03
ep3 = lambda **kw: {P + "ec2/describe-vpc-endpoints": {"VpcEndpoints": [dict(vpce_ok, **kw)]}}
no_dms_ep = "FAIL %s | no interface VPC endpoint for com.amazonaws.us-east-1.dms in vpc-0aaa" % vpc_arn
case("DMS-03", "fail-no-endpoint", merge(insts(inst("INST1")), {P + "ec2/describe-vpc-endpoints": {"VpcEndpoints": []}}), [no_dms_ep])
case("DMS-03", "fail-not-interface", merge(insts(inst("INST1")), ep3(VpcEndpointType="Gateway")), [no_dms_ep])
case("DMS-03", "fail-other-vpc", merge(insts(inst("INST1")), ep3(VpcId="vpc-0bbb")), [no_dms_ep])
case("DMS-03", "fail-wrong-region-service", merge(insts(inst("INST1")), ep3(ServiceName="com.amazonaws.eu-west-1.dms")), [no_dms_ep])
case("DMS-03", "fail-state-not-available", merge(insts(inst("INST1")), ep3(State="pendingAcceptance")),
     ["FAIL %s | interface endpoint vpce-0aaa for DMS has State pendingAcceptance and PrivateDnsEnabled true" % vpc_arn])
v3 = dict(vpce_ok)
del v3["State"]
case("DMS-03", "fail-state-missing", merge(insts(inst("INST1")), {P + "ec2/describe-vpc-endpoints": {"VpcEndpoints": [v3]}}),
     ["FAIL %s | has State (missing) and PrivateDnsEnabled true" % vpc_arn])
case("DMS-03", "fail-private-dns-off", merge(insts(inst("INST1")), ep3(PrivateDnsEnabled=False)),
     ["FAIL %s | has State available and PrivateDnsEnabled false" % vpc_arn])
v3 = dict(vpce_ok)
del v3["PrivateDnsEnabled"]
case("DMS-03", "fail-private-dns-missing", merge(insts(inst("INST1")), {P + "ec2/describe-vpc-endpoints": {"VpcEndpoints": [v3]}}),
     ["FAIL %s | has State available and PrivateDnsEnabled false" % vpc_arn])
case("DMS-03", "error-vpc-missing", merge(insts(inst("INST1", ReplicationSubnetGroup={"ReplicationSubnetGroupIdentifier": "dms-subnets"})),
                                          {P + "ec2/describe-vpc-endpoints": {"VpcEndpoints": [vpce_ok]}}),
     ["ERROR %s | ReplicationSubnetGroup.VpcId is missing" % rep("INST1")])

# DMS-04
case("DMS-04", "pass-verify-ca", eps(ep("SRC1", "postgres", SslMode="verify-ca")), ["PASS %s | SslMode is verify-ca (engine postgres)" % epa("SRC1")])
case("DMS-04", "fail-ssl-none", eps(ep("SRC1", "postgres", SslMode="none")), ["FAIL %s | SslMode is none (engine postgres)" % epa("SRC1")])
case("DMS-04", "fail-unknown-engine", eps(ep("SRC1", "newdb", SslMode="none")),
     ["FAIL %s | SslMode is none (engine newdb) [engine not in dbward's list]" % epa("SRC1")])

# DMS-05
s3t = lambda tail, **s: ep(tail, "s3", "target", S3Settings=dict(BucketName="b", **s))
case("DMS-05", "fail-s3-mode-not-kms", eps(s3t("TGT1", EncryptionMode="SSE_S3", ServerSideEncryptionKmsKeyId=karn("k-cmk"))),
     ["FAIL %s | S3Settings.EncryptionMode is SSE_S3" % epa("TGT1")])
case("DMS-05", "fail-redshift-mode-not-kms", eps(ep("TGT1", "redshift", "target", RedshiftSettings={"EncryptionMode": "SSE_S3", "ServerSideEncryptionKmsKeyId": karn("k-cmk")})),
     ["FAIL %s | RedshiftSettings.EncryptionMode is SSE_S3" % epa("TGT1")])
case("DMS-05", "fail-kms-without-key", eps(s3t("TGT1", EncryptionMode="SSE_KMS")),
     ["FAIL %s | S3Settings.EncryptionMode is SSE_KMS without ServerSideEncryptionKmsKeyId" % epa("TGT1")])
case("DMS-05", "fail-kms-empty-key", eps(s3t("TGT1", EncryptionMode="SSE_KMS", ServerSideEncryptionKmsKeyId="")),
     ["FAIL %s | S3Settings.EncryptionMode is SSE_KMS without ServerSideEncryptionKmsKeyId" % epa("TGT1")])
case("DMS-05", "fail-aws-managed-key", merge(eps(s3t("TGT1", EncryptionMode="SSE_KMS", ServerSideEncryptionKmsKeyId=karn("k-aws"))), awskey),
     ["FAIL %s | SSE_KMS uses %s, an AWS managed key (KeyManager is AWS)" % (epa("TGT1"), karn("k-aws"))])
case("DMS-05", "fail-aws-managed-key-alias", merge(eps(s3t("TGT1", EncryptionMode="SSE_KMS", ServerSideEncryptionKmsKeyId=karn("k-s3"))),
                                                   {P + "kms/describe-key/k-s3": key("k-s3")}, aliases(("alias/aws/s3", "k-s3"))),
     ["FAIL %s | SSE_KMS uses %s, an AWS managed key (target of alias/aws/s3, although KeyManager is CUSTOMER)" % (epa("TGT1"), karn("k-s3"))])
case("DMS-05", "error-settings-missing", eps(ep("TGT1", "s3", "target")), ["ERROR %s | S3Settings is missing from the answer" % epa("TGT1")])

# DMS-06
no_tasks = {P + "dms/describe-replication-tasks": {"ReplicationTasks": []}}
t6 = lambda tail, d: {P + "dms/list-tags-for-resource/" + tail: tags(d)}
part = {"Owner": "team", "Environment": "dev", "Data": "yes"}  # "Data" must not stand in for DataClassification
case("DMS-06", "fail-instance-tag-missing", merge(insts(inst("INST1")), t6("INST1", part), eps(), no_tasks),
     ["FAIL %s | missing required tags: DataClassification" % rep("INST1")])
case("DMS-06", "fail-endpoint-tag-missing", merge(insts(), eps(ep("SRC1", "mysql")), t6("SRC1", part), no_tasks),
     ["FAIL %s | missing required tags: DataClassification" % epa("SRC1")])
case("DMS-06", "fail-task-tag-missing", merge(insts(), eps(), tasks(task("TASK1", {})), t6("TASK1", part)),
     ["FAIL %s | missing required tags: DataClassification" % taska("TASK1")])
case("DMS-06", "fail-empty-value", merge(insts(inst("INST1")), t6("INST1", dict(GOOD_TAGS, Owner="")), eps(), no_tasks),
     ["FAIL %s | missing required tags: Owner (empty)" % rep("INST1")])
case("DMS-06", "error-no-taglist", merge(insts(inst("INST1")), {P + "dms/list-tags-for-resource/INST1": {}}, eps(), no_tasks),
     ["ERROR %s | has no \"TagList\" array" % rep("INST1")])

# DMS-07
sel = lambda name, s, home=R: {home + "/cloudtrail/get-event-selectors/" + name: s}
adv = lambda *fs: {"AdvancedEventSelectors": [{"Name": "s", "FieldSelectors": [{"Field": f, "Equals": [v]} for f, v in fs]}]}
case("DMS-07", "fail-not-logging", merge(dms_present, trails(trail("main")), tstatus("main", False), selectors("main")),
     ["FAIL %s | trail main is not logging (IsLogging false)" % SCOPE])
case("DMS-07", "fail-management-events-off", merge(dms_present, trails(trail("main")), tstatus("main"), selectors("main", mgmt=False)),
     ["FAIL %s | trail main does not log management events" % SCOPE])
case("DMS-07", "fail-management-events-missing", merge(dms_present, trails(trail("main")), tstatus("main"),
                                                       sel("main", {"EventSelectors": [{"ReadWriteType": "All", "DataResources": []}]})),
     ["FAIL %s | trail main does not log management events" % SCOPE])
case("DMS-07", "fail-other-region-trail", merge(dms_present, trails(trail("eu", multi=False, home=E)), tstatus("eu"), selectors("eu")),
     ["FAIL %s | no CloudTrail trail covers us-east-1" % SCOPE])
case("DMS-07", "pass-multi-region-other-home", merge(dms_present, trails(trail("org", home=E)),
                                                     {E + "/cloudtrail/get-trail-status/org": {"IsLogging": True}},
                                                     sel("org", {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]}, E)),
     ["PASS %s | trail org is logging management events (All)" % SCOPE])
case("DMS-07", "pass-one-trail-unreadable", merge(dms_present, trails(trail("a"), trail("main")), {P + "cloudtrail/get-trail-status/a.error": DENIED},
                                                  tstatus("main"), selectors("main")),
     ["PASS %s | trail main is logging management events" % SCOPE])
case("DMS-07", "error-islogging-missing", merge(dms_present, trails(trail("main")), {P + "cloudtrail/get-trail-status/main": {}}, selectors("main")),
     ["ERROR %s | has no IsLogging" % SCOPE])
case("DMS-07", "fail-no-trail-endpoints-only", merge(insts(), eps(ep("SRC1", "mysql")), no_tasks, trails()),
     ["FAIL %s | no CloudTrail trail covers us-east-1" % SCOPE])
case("DMS-07", "error-instances-unknown", merge({P + "dms/describe-replication-instances.error": DENIED}, eps(), no_tasks, trails()),
     ["ERROR %s | dms describe-replication-instances in us-east-1 was denied" % SCOPE])
case("DMS-07", "pass-advanced-selector", merge(dms_present, trails(trail("main")), tstatus("main"), sel("main", adv(("eventCategory", "Management")))),
     ["PASS %s | trail main is logging management events (advanced selector)" % SCOPE])
case("DMS-07", "fail-management-events-off-advanced-data-only", merge(dms_present, trails(trail("main")), tstatus("main"),
                                                sel("main", adv(("eventCategory", "Data"), ("resources.type", "AWS::DynamoDB::Table")))),
     ["FAIL %s | trail main does not log management events" % SCOPE])

# DMS-08
case("DMS-08", "fail-logging-off", tasks(task("TASK1", {"Logging": {"EnableLogging": False}})), ["FAIL %s | Logging.EnableLogging is false" % taska("TASK1")])
case("DMS-08", "fail-logging-not-set", tasks(task("TASK1", {"Logging": {}})),
     ["FAIL %s | Logging.EnableLogging is absent from the answer; AWS's documented default is false | modify-replication-task" % taska("TASK1")])
case("DMS-08", "error-enable-logging-not-boolean", tasks(task("TASK1", {"Logging": {"EnableLogging": "true"}})),
     ["ERROR %s | Logging.EnableLogging in ReplicationTaskSettings is not a boolean" % taska("TASK1")])
case("DMS-08", "error-logging-not-object", tasks(task("TASK1", {"Logging": True})),
     ["ERROR %s | Logging in ReplicationTaskSettings is not an object" % taska("TASK1")])
t8 = task("TASK1", {})
del t8["ReplicationTaskSettings"]
case("DMS-08", "fail-logging-not-set-no-settings", tasks(t8),
     ["FAIL %s | ReplicationTaskSettings is absent from the answer; AWS's documented default is Logging.EnableLogging false | modify-replication-task" % taska("TASK1")])

# DMS-09
case("DMS-09", "fail-auto-upgrade-off", insts(inst("INST1", AutoMinorVersionUpgrade=False)), ["FAIL %s | AutoMinorVersionUpgrade is false" % rep("INST1")])

# DMS-10
case("DMS-10", "fail-prod-single-az", merge(insts(inst("INST1")), {P + "dms/list-tags-for-resource/INST1": tags(prod)}),
     ["FAIL %s | production instance (Environment=prod) has MultiAZ false" % rep("INST1")])
case("DMS-10", "fail-prod-single-az-tag-upper-case", merge(insts(inst("INST1")), {P + "dms/list-tags-for-resource/INST1": tags(dict(prod, Environment="PROD"))}),
     ["FAIL %s | production instance (Environment=PROD) has MultiAZ false" % rep("INST1")])
i10 = inst("INST1")
del i10["MultiAZ"]
case("DMS-10", "fail-prod-single-az-absent", merge(insts(i10), {P + "dms/list-tags-for-resource/INST1": tags(prod)}),
     ["FAIL %s | production instance (Environment=prod): MultiAZ is absent from the answer; AWS's documented default is false | --multi-az" % rep("INST1")])
case("DMS-10", "pass-custom-prod-tag", merge(insts(inst("INST1", MultiAZ=True), inst("INST2")), {"params": "prod_tag=Tier=critical\n"},
                                             {P + "dms/list-tags-for-resource/INST1": tags({"Tier": "critical"}), P + "dms/list-tags-for-resource/INST2": tags(prod)}),
     ["PASS %s | production instance with MultiAZ true" % rep("INST1"), "NOT_APPLICABLE %s | not tagged Tier=critical" % rep("INST2")])

# DMS-11
def sgs(*groups):
    return {P + "ec2/describe-security-groups": {"SecurityGroups": [
        {"GroupId": g, "GroupName": g, "VpcId": "vpc-0aaa", "IpPermissions": [], "IpPermissionsEgress": list(eg)} for g, eg in groups]}}
sgarn = lambda g: "arn:aws:ec2:%s:%s:security-group/%s" % (R, A, g)
one = lambda *eg: merge(insts(inst("INST1")), sg(*eg), eps(ep("SRC1", "postgres", Port=5432), ep("TGT1", "redshift", "target", Port=5439)),
                        tasks(task("TASK1", {})))
case("DMS-11", "fail-all-traffic-v4", one(rule("-1")), ["FAIL %s | all traffic (IpProtocol -1) to the internet" % sg_arn])
case("DMS-11", "fail-all-traffic-v6", one(rule("-1", cidr=None, v6="::/0")), ["FAIL %s | all traffic (IpProtocol -1) to the internet" % sg_arn])
case("DMS-11", "fail-port-range", one(rule("tcp", 5432, 5440)), ["FAIL %s | tcp 5432-5440 to the internet" % sg_arn])
case("DMS-11", "pass-https-egress", one(rule("tcp", 443, 443), rule("tcp", 5432, 5432)), ["PASS %s | no egress to 0.0.0.0/0 or ::/0 beyond the endpoint ports" % sg_arn])
case("DMS-11", "pass-target-port", one(rule("tcp", 5439, 5439)), ["PASS %s | no egress to 0.0.0.0/0 or ::/0 beyond the endpoint ports" % sg_arn])
case("DMS-11", "fail-other-instance-port", merge(insts(inst("INST1"), inst("INST2", VpcSecurityGroups=[{"VpcSecurityGroupId": "sg-0bbb"}])),
                                                 sgs(("sg-0aaa", [rule("tcp", 5432, 5432)]), ("sg-0bbb", [rule("tcp", 5432, 5432)])),
                                                 eps(ep("SRC1", "postgres", Port=5432)), tasks(task("TASK2", {}, instance="INST2"))),
     ["FAIL %s | tcp 5432-5432 to the internet" % sgarn("sg-0aaa"), "PASS %s | no egress" % sgarn("sg-0bbb")])
case("DMS-11", "pass-shared-group-ports", merge(insts(inst("INST1"), inst("INST2")), sg(rule("tcp", 5432, 5432), rule("tcp", 3306, 3306)),
                                                eps(ep("SRC1", "postgres", Port=5432), ep("SRC2", "mysql", Port=3306)),
                                                tasks(task("TASK1", {}), task("TASK2", {}, instance="INST2", src="SRC2"))),
     ["PASS %s | no egress to 0.0.0.0/0 or ::/0 beyond the endpoint ports" % sg_arn])  # a shared group: the ports of both instances
# The fix (issue 18): allow what the instances need first, each port once, 443 kept when a wide
# rule carried it; then revoke each offending rule exactly as written.
AUTH = "authorize-security-group-egress --region us-east-1 --group-id sg-0aaa --ip-permissions "
REVOKE = "revoke-security-group-egress --region us-east-1 --group-id sg-0aaa --ip-permissions "
db = lambda port: AUTH + "'[{\"IpProtocol\":\"tcp\",\"FromPort\":%d,\"ToPort\":%d,\"IpRanges\":[{\"CidrIp\":\"REPLACE_WITH_DB_CIDR\"}]}]'" % (port, port)
https = AUTH + "'[{\"IpProtocol\":\"tcp\",\"FromPort\":443,\"ToPort\":443,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]'"
case("DMS-11", "fail-all-traffic-v4-fix-order", one(rule("-1")),
     ["FAIL %s | all traffic (IpProtocol -1) to the internet | %s | %s | %s | %s'[{\"IpProtocol\":\"-1\",\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]' | #4"
      % (sg_arn, https, db(5432), db(5439), REVOKE)])
case("DMS-11", "fail-all-traffic-v6-fix", one(rule("-1", cidr=None, v6="::/0")),
     ["FAIL %s | all traffic (IpProtocol -1) to the internet | %s | %s | %s'[{\"IpProtocol\":\"-1\",\"Ipv6Ranges\":[{\"CidrIpv6\":\"::/0\"}]}]' | #3"
      % (sg_arn, db(5432), db(5439), REVOKE)])  # 443 went to ::/0 only: the IPv4 443 rule is not a path the instance had
case("DMS-11", "fail-all-traffic-v4-ports-once", merge(insts(inst("INST1"), inst("INST2")), sg(rule("-1")),
                                                      eps(ep("SRC1", "postgres", Port=5432), ep("TGT1", "postgres", "target", Port=5432), ep("SRC2", "oracle", Port=1521)),
                                                      tasks(task("TASK1", {}), task("TASK2", {}), task("TASK3", {}, instance="INST2", src="SRC2"))),
     ["FAIL %s | all traffic | %s | %s | %s | %s | #4" % (sg_arn, https, db(5432), db(1521), REVOKE)])
case("DMS-11", "fail-all-traffic-v4-https-kept", one(rule("-1"), rule("tcp", 443, 443)),
     ["FAIL %s | all traffic (IpProtocol -1) | %s | %s | %s'[{\"IpProtocol\":\"-1\"" % (sg_arn, db(5432), db(5439), REVOKE) + " | #3"])
case("DMS-11", "fail-wide-port-revoked", one(rule("tcp", 8080, 8080), rule("tcp", 5432, 5432)),
     ["FAIL %s | tcp 8080-8080 to the internet | %s'[{\"IpProtocol\":\"tcp\",\"FromPort\":8080,\"ToPort\":8080,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]' | #1"
      % (sg_arn, REVOKE)])
case("DMS-11", "fail-port-range-fix", one(rule("tcp", 5432, 5440, v6="::/0")),
     ["FAIL %s | tcp 5432-5440 to the internet | %s | %s | %s'[{\"IpProtocol\":\"tcp\",\"FromPort\":5432,\"ToPort\":5440,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}],\"Ipv6Ranges\":[{\"CidrIpv6\":\"::/0\"}]}]' | #3"
      % (sg_arn, db(5432), db(5439), REVOKE)])  # both database ports are inside the range; 443 is not
case("DMS-11", "fail-other-instance-port-shared-oracle", merge(insts(inst("INST1"), inst("INST2", VpcSecurityGroups=[{"VpcSecurityGroupId": "sg-0bbb"}])),
                                                             sgs(("sg-0aaa", [rule("tcp", 1521, 1521)]), ("sg-0bbb", [rule("tcp", 1521, 1521)])),
                                                             eps(ep("SRC1", "postgres", Port=5432), ep("SRC2", "oracle", Port=1521)),
                                                             tasks(task("TASK1", {}), task("TASK2", {}, instance="INST2", src="SRC2"))),
     ["FAIL %s | tcp 1521-1521 to the internet | revoke-security-group-egress --region us-east-1 --group-id sg-0aaa" % sgarn("sg-0aaa"),
      "PASS %s | no egress" % sgarn("sg-0bbb")])
case("DMS-11", "pass-shared-group-oracle", merge(insts(inst("INST1"), inst("INST2")), sg(rule("tcp", 5432, 5432), rule("tcp", 1521, 1521)),
                                                 eps(ep("SRC1", "postgres", Port=5432), ep("SRC2", "oracle", Port=1521)),
                                                 tasks(task("TASK1", {}), task("TASK2", {}, instance="INST2", src="SRC2"))),
     ["PASS %s | no egress to 0.0.0.0/0 or ::/0 beyond the endpoint ports" % sg_arn])  # the issue's case: 1521 is the second instance's Oracle source
case("DMS-11", "error-egress-missing", merge(insts(inst("INST1")), {P + "ec2/describe-security-groups": {"SecurityGroups": [{"GroupId": "sg-0aaa", "IpPermissions": []}]}},
                                             eps(), tasks()),
     ["ERROR %s | IpPermissionsEgress is missing for sg-0aaa" % sg_arn])

# DMS-12
case("DMS-12", "fail-no-secret", eps(ep("SRC1", "mysql", MySQLSettings={"Username": "u"})),
     ["FAIL %s | MySQLSettings.SecretsManagerSecretId is not set" % epa("SRC1")])
case("DMS-12", "fail-empty-secret", eps(ep("SRC1", "mysql", MySQLSettings={"SecretsManagerSecretId": ""})),
     ["FAIL %s | MySQLSettings.SecretsManagerSecretId is not set" % epa("SRC1")])
case("DMS-12", "pass-postgres-secret", eps(ep("SRC1", "postgres", PostgreSQLSettings={"SecretsManagerSecretId": "arn:aws:secretsmanager:us-east-1:%s:secret:pg" % A})),
     ["PASS %s | PostgreSQLSettings.SecretsManagerSecretId is set" % epa("SRC1")])

# ---------------- DMS-13 (issue 18): ingress from 0.0.0.0/0 or ::/0, any port ----------------
def sgi(*ingress, gid="sg-0aaa"):
    return {"GroupId": gid, "GroupName": gid, "VpcId": "vpc-0aaa", "IpPermissions": list(ingress),
            "IpPermissionsEgress": [rule("tcp", 443, 443)]}
def sgis(*groups):
    return {P + "ec2/describe-security-groups": {"SecurityGroups": list(groups)}}
RVI = "aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-0aaa --ip-permissions "
case("DMS-13", "pass", merge(insts(inst("INST1")), sgis(sgi(rule("tcp", 3306, 3306, cidr="10.0.0.0/8"), rule("-1", cidr="192.168.0.0/16", v6="fd00::/8")))),
     ["PASS %s | no ingress rule admits 0.0.0.0/0 or ::/0 (used by inst1)" % sg_arn])
case("DMS-13", "fail", merge(insts(inst("INST1")), sgis(sgi(rule("tcp", 3306, 3306), rule("tcp", 22, 22, cidr="10.0.0.0/8")))),
     ["FAIL %s | ingress admits tcp 3306-3306 from 0.0.0.0/0 (used by inst1) | %s'[{\"IpProtocol\":\"tcp\",\"FromPort\":3306,\"ToPort\":3306,"
      "\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]' | #1" % (sg_arn, RVI)])
case("DMS-13", "error", merge(insts(inst("INST1")), {P + "ec2/describe-security-groups.error": DENIED}),
     ["ERROR %s | ec2 describe-security-groups in us-east-1 was denied (AccessDeniedException)" % sg_arn])
case("DMS-13", "fail-ingress-v4-all-traffic", merge(insts(inst("INST1")), sgis(sgi(rule("-1")))),
     ["FAIL %s | ingress admits all traffic (IpProtocol -1) from 0.0.0.0/0 | %s'[{\"IpProtocol\":\"-1\",\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]' | #1" % (sg_arn, RVI)])
case("DMS-13", "fail-ingress-v4-high-port", merge(insts(inst("INST1")), sgis(sgi(rule("udp", 40000, 40010)))),
     ["FAIL %s | ingress admits udp 40000-40010 from 0.0.0.0/0 | %s'[{\"IpProtocol\":\"udp\",\"FromPort\":40000,\"ToPort\":40010,"
      "\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]'" % (sg_arn, RVI)])
case("DMS-13", "fail-ingress-v6", merge(insts(inst("INST1")), sgis(sgi(rule("tcp", 22, 22, cidr="10.0.0.0/8", v6="::/0")))),
     ["FAIL %s | ingress admits tcp 22-22 from ::/0 | %s'[{\"IpProtocol\":\"tcp\",\"FromPort\":22,\"ToPort\":22,\"Ipv6Ranges\":[{\"CidrIpv6\":\"::/0\"}]}]' | #1" % (sg_arn, RVI)])
case("DMS-13", "fail-ingress-v4-and-v6-two-rules", merge(insts(inst("INST1")), sgis(sgi(rule("tcp", 5432, 5432, v6="::/0"), rule("icmp", -1, -1)))),
     ["FAIL %s | ingress admits tcp 5432-5432 from 0.0.0.0/0 and ::/0; all traffic (IpProtocol icmp) from 0.0.0.0/0 | "
      "%s'[{\"IpProtocol\":\"tcp\",\"FromPort\":5432,\"ToPort\":5432,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}],\"Ipv6Ranges\":[{\"CidrIpv6\":\"::/0\"}]}]' | "
      "%s'[{\"IpProtocol\":\"icmp\",\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]' | #2" % (sg_arn, RVI, RVI)])
# A shared group is judged once for every instance that uses it; a public one among them is named.
case("DMS-13", "fail-ingress-v4-shared-public", merge(insts(inst("INST1"), inst("INST2", PubliclyAccessible=True),
                                                           inst("INST3", VpcSecurityGroups=[{"VpcSecurityGroupId": "sg-0bbb"}])),
                                                      sgis(sgi(rule("tcp", 1521, 1521)), sgi(rule("tcp", 1521, 1521, cidr="10.1.0.0/16"), gid="sg-0bbb"))),
     ["FAIL %s | ingress admits tcp 1521-1521 from 0.0.0.0/0 (used by inst1, inst2); publicly accessible instance inst2 is reachable from the internet through it | #1" % sg_arn,
      "PASS %s | (used by inst3)" % sgarn("sg-0bbb")])
i13 = inst("INST1")
del i13["PubliclyAccessible"]  # absent: its documented default (true) counts as public
case("DMS-13", "fail-ingress-v4-public-absent", merge(insts(i13), sgis(sgi(rule("tcp", 1521, 1521)))),
     ["FAIL %s | (used by inst1); publicly accessible instance inst1 is reachable from the internet through it" % sg_arn])
case("DMS-13", "error-ingress-missing", merge(insts(inst("INST1")), sgis({"GroupId": "sg-0aaa", "IpPermissionsEgress": []})),
     ["ERROR %s | IpPermissions is missing for sg-0aaa" % sg_arn])
case("DMS-13", "error-group-not-listed", merge(insts(inst("INST1")), sgis(sgi(rule("-1"), gid="sg-0ccc"))),
     ["ERROR %s | security group sg-0aaa of %s is not in describe-security-groups" % (sg_arn, rep("INST1"))])
case("DMS-13", "error-instances-denied", {P + "dms/describe-replication-instances.error": DENIED},
     ["ERROR %s | dms describe-replication-instances in us-east-1 was denied (AccessDeniedException)" % SCOPE])
# DMS-01 names the open group of a public instance (issue 18), and only then.
case("DMS-01", "fail-public-open-ingress", merge(insts(inst("INST1", PubliclyAccessible=True)), sgis(sgi(rule("tcp", 3306, 3306)))),
     ["FAIL %s | PubliclyAccessible is true; its security group admits the internet: sg-0aaa (tcp 3306-3306 from 0.0.0.0/0)" % rep("INST1")])
case("DMS-01", "pass-private-open-ingress", merge(insts(inst("INST1")), sgis(sgi(rule("tcp", 3306, 3306)))),
     ["PASS %s | PubliclyAccessible is false" % rep("INST1")])

# DDB-02
sse2 = lambda **kw: dict(sse("k-cmk"), **kw)
case("DDB-02", "fail-no-sse", tables(tbl("t")), ["FAIL %s | no SSEDescription: the table uses the AWS owned key" % tarn("t")])
case("DDB-02", "fail-status-not-enabled", merge(tables(tbl("t", SSEDescription=sse2(Status="DISABLED"))), cmk),
     ["FAIL %s | SSEDescription.Status is DISABLED, SSEType KMS" % tarn("t")])
s2 = sse2()
del s2["Status"]
case("DDB-02", "fail-status-missing", merge(tables(tbl("t", SSEDescription=s2)), cmk), ["FAIL %s | SSEDescription.Status is (missing)" % tarn("t")])
case("DDB-02", "fail-ssetype-not-kms", merge(tables(tbl("t", SSEDescription=sse2(SSEType="AES256"))), cmk),
     ["FAIL %s | SSEDescription.Status is ENABLED, SSEType AES256" % tarn("t")])
s2 = sse2()
del s2["KMSMasterKeyArn"]
case("DDB-02", "fail-key-arn-missing", tables(tbl("t", SSEDescription=s2)), ["FAIL %s | KMSMasterKeyArn (missing)" % tarn("t")])
case("DDB-02", "fail-aws-managed-key", merge(tables(tbl("t", SSEDescription=sse("k-aws"))), awskey),
     ["FAIL %s | is an AWS managed key (KeyManager is AWS)" % tarn("t")])
# A key that alias/aws/dynamodb targets is AWS managed although KeyManager says CUSTOMER: the stricter reading wins.
case("DDB-02", "fail-aws-managed-key-alias", merge(tables(tbl("t", SSEDescription=sse("k-ddb"))), {P + "kms/describe-key/k-ddb": key("k-ddb")},
                                                   aliases(("alias/orders", "k-cmk"), ("alias/aws/dynamodb", "k-ddb"))),
     ["FAIL %s | KMSMasterKeyArn %s is an AWS managed key (target of alias/aws/dynamodb, although KeyManager is CUSTOMER) | update-table" % (tarn("t"), karn("k-ddb"))])
case("DDB-02", "fail-aws-managed-key-alias-arn-target", merge(tables(tbl("t", SSEDescription=sse("k-ddb"))), {P + "kms/describe-key/k-ddb": key("k-ddb")},
                                                              aliases(("alias/aws/dynamodb", karn("k-ddb")))),
     ["FAIL %s | (target of alias/aws/dynamodb, although KeyManager is CUSTOMER)" % tarn("t")])
case("DDB-02", "pass-customer-alias-only", merge(tables(tbl("t", SSEDescription=sse("k-cmk"))), cmk, aliases(("alias/aws-dynamodb", "k-cmk"), ("alias/aws/dynamodb", "k-other"))),
     ["PASS %s | encrypted with customer managed key" % tarn("t")])
case("DDB-02", "error-aliases-unreadable", merge(tables(tbl("t", SSEDescription=sse("k-cmk"))), cmk, {P + "kms/list-aliases.error": DENIED}),
     ["ERROR %s | says KeyManager CUSTOMER, but whether an alias/aws/ alias targets it is unknown: kms list-aliases in us-east-1 was denied" % tarn("t")])
case("DDB-02", "error-sse-updating", merge(tables(tbl("t", SSEDescription=sse2(Status="UPDATING"))), cmk),
     ["ERROR %s | SSEDescription.Status is UPDATING: scan again later" % tarn("t")])
case("DDB-02", "error-key-unreadable", merge(tables(tbl("t", SSEDescription=sse("k-cmk"))), {P + "kms/describe-key/k-cmk.error": DENIED}),
     ["ERROR %s | could not be checked" % tarn("t")])

# DDB-03
dax1 = {P + "dax/describe-clusters": {"Clusters": [{"ClusterName": "c1", "ClusterArn": "arn:aws:dax:us-east-1:%s:cache/c1" % A}]}}
case("DDB-03", "fail-dax-cluster", dax1, ["FAIL %s | 1 DAX cluster(s) exist although DAX is not approved: c1" % SCOPE])
case("DDB-03", "not-applicable-approved", merge(dax1, {"params": "dax_approved=true\n"}),
     ["NOT_APPLICABLE %s | DAX is approved (dax_approved=true); 1 cluster(s) in us-east-1" % SCOPE])

# DDB-04
ddb_vpc = merge(tables(tbl("t")), vpcs, rts)
gw4 = lambda **kw: {P + "ec2/describe-vpc-endpoints": {"VpcEndpoints": [dict(gw, **kw)]}}
no_gw = "FAIL %s | no Gateway endpoint for com.amazonaws.us-east-1.dynamodb in vpc-0aaa" % vpc_arn
case("DDB-04", "fail-no-gateway", merge(ddb_vpc, {P + "ec2/describe-vpc-endpoints": {"VpcEndpoints": []}}), [no_gw])
case("DDB-04", "fail-not-gateway-type", merge(ddb_vpc, gw4(VpcEndpointType="Interface")), [no_gw])
case("DDB-04", "fail-wrong-region-service", merge(ddb_vpc, gw4(ServiceName="com.amazonaws.eu-west-1.dynamodb")), [no_gw])
case("DDB-04", "fail-route-table-missing", merge(ddb_vpc, gw4(RouteTableIds=["rtb-2"])),
     ["FAIL %s | Gateway endpoint vpce-0gw is not associated with route table(s) rtb-1" % vpc_arn])

# DDB-05
case("DDB-05", "fail-stream-off", tables(tbl("t")), ["FAIL %s | StreamSpecification.StreamEnabled is not set (no stream)" % tarn("t")])
case("DDB-05", "fail-stream-disabled", tables(tbl("t", StreamSpecification={"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"})),
     ["FAIL %s | StreamSpecification.StreamEnabled is false" % tarn("t")])

# DDB-06
ddb_present = tables(tbl("t"))
case("DDB-06", "fail-no-trail", merge(ddb_present, trails()), ["FAIL %s | no CloudTrail trail covers us-east-1" % SCOPE])
case("DDB-06", "fail-not-logging", merge(ddb_present, trails(trail("main")), tstatus("main", False), selectors("main", ddb=True)),
     ["FAIL %s | trail main is not logging (IsLogging false)" % SCOPE])
case("DDB-06", "fail-no-ddb-selector", merge(ddb_present, trails(trail("main")), tstatus("main"), selectors("main")),
     ["FAIL %s | trail main has no DynamoDB data event selector" % SCOPE])
case("DDB-06", "fail-no-ddb-selector-s3-only", merge(ddb_present, trails(trail("main")), tstatus("main"),
                                          sel("main", {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True,
                                                                           "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]})),
     ["FAIL %s | trail main has no DynamoDB data event selector" % SCOPE])
case("DDB-06", "fail-no-ddb-selector-advanced-s3", merge(ddb_present, trails(trail("main")), tstatus("main"),
                                              sel("main", adv(("eventCategory", "Data"), ("resources.type", "AWS::S3::Object")))),
     ["FAIL %s | trail main has no DynamoDB data event selector" % SCOPE])
case("DDB-06", "fail-no-ddb-selector-advanced-no-data-category", merge(ddb_present, trails(trail("main")), tstatus("main"),
                                                       sel("main", adv(("eventCategory", "Management"), ("resources.type", "AWS::DynamoDB::Table")))),
     ["FAIL %s | trail main has no DynamoDB data event selector" % SCOPE])
case("DDB-06", "not-applicable", {P + "dynamodb/list-tables": {"TableNames": []}}, ["NOT_APPLICABLE %s | no DynamoDB tables in us-east-1" % SCOPE])
case("DDB-06", "error-no-selectors", merge(ddb_present, trails(trail("main")), tstatus("main"), sel("main", {"TrailARN": "x"})),
     ["ERROR %s | has neither EventSelectors nor AdvancedEventSelectors" % SCOPE])

# DDB-07
al = lambda *a: {P + "cloudwatch/describe-alarms": {"MetricAlarms": list(a)}}
no_alarm = lambda t: "FAIL %s | no CloudWatch alarm in AWS/DynamoDB has TableName=%s" % (tarn(t), t)
case("DDB-07", "fail-no-alarm", merge(tables(tbl("orders")), al(alarm("short", "ord"))), [no_alarm("orders")])
case("DDB-07", "fail-wrong-namespace", merge(tables(tbl("t")), al(dict(alarm("x", "t"), Namespace="AWS/EC2"))), [no_alarm("t")])
case("DDB-07", "fail-wrong-dimension", merge(tables(tbl("t")), al(dict(alarm("x", "t"), Dimensions=[{"Name": "GlobalSecondaryIndexName", "Value": "t"}]))),
     [no_alarm("t")])
case("DDB-07", "pass-metrics-form", merge(tables(tbl("t")), al({"AlarmName": "math", "Metrics": [
    {"Id": "m1", "MetricStat": {"Metric": {"Namespace": "AWS/DynamoDB", "MetricName": "ThrottledRequests",
                                           "Dimensions": [{"Name": "TableName", "Value": "t"}]}, "Period": 300, "Stat": "Sum"}},
    {"Id": "e1", "Expression": "m1 * 2"}]})),
     ["PASS %s | alarm math watches the table" % tarn("t")])
case("DDB-07", "error-no-metricalarms", merge(tables(tbl("t")), {P + "cloudwatch/describe-alarms": {}}), ["ERROR %s | has no \"MetricAlarms\" array" % tarn("t")])

# DDB-08
tg8 = lambda d: {P + "dynamodb/list-tags-of-resource/t": {"Tags": [{"Key": k, "Value": v} for k, v in d.items()]}}
case("DDB-08", "fail-tag-missing", merge(tables(tbl("t")), tg8(part)), ["FAIL %s | missing required tags: DataClassification" % tarn("t")])
case("DDB-08", "fail-empty-value", merge(tables(tbl("t")), tg8(dict(GOOD_TAGS, Environment=""))), ["FAIL %s | missing required tags: Environment (empty)" % tarn("t")])
case("DDB-08", "error-no-tags-array", merge(tables(tbl("t")), {P + "dynamodb/list-tags-of-resource/t": {}}), ["ERROR %s | has no \"Tags\" array" % tarn("t")])

# DDB-09
case("DDB-09", "fail-pitr-disabled", merge(tables(tbl("t")), {P + "dynamodb/describe-continuous-backups/t": pitr("DISABLED")}),
     ["FAIL %s | PointInTimeRecoveryStatus is DISABLED" % tarn("t")])

# DDB-10: limit 7 days before the snapshot (2026-01-10T00:00:00Z) is 2026-01-03T00:00:00Z
bl = lambda *b: merge(tables(tbl("t")), {P + "dynamodb/list-backups": {"BackupSummaries": list(b)}})
case("DDB-10", "pass-backup-below-limit", bl(bk("t", "2026-01-04T00:00:00Z")), ["PASS %s | within 7 days" % tarn("t")])
case("DDB-10", "pass-backup-at-limit", bl(bk("t", "2026-01-03T00:00:00Z")), ["PASS %s | newest backup (USER) was taken 2026-01-03T00:00:00Z, within 7 days" % tarn("t")])
case("DDB-10", "fail-backup-too-old", bl(bk("t", "2026-01-02T23:59:59Z")),
     ["FAIL %s | newest backup was taken 2026-01-02T23:59:59Z, 7 days before the snapshot (limit 7)" % tarn("t")])
case("DDB-10", "fail-backup-too-old-by-a-day", bl(bk("t", "2026-01-02T00:00:00Z")),
     ["FAIL %s | newest backup was taken 2026-01-02T00:00:00Z, 8 days before the snapshot (limit 7)" % tarn("t")])
case("DDB-10", "fail-backup-too-old-custom-limit", merge(bl(bk("t", "2026-01-08T00:00:00Z")), {"params": "backup_max_age_days=1\n"}),
     ["FAIL %s | 2 days before the snapshot (limit 1)" % tarn("t")])
case("DDB-10", "fail-no-backup", bl(bk("other", "2026-01-09T00:00:00Z")), ["FAIL %s | no available backup of the table" % tarn("t")])
case("DDB-10", "fail-backup-not-available", bl(bk("t", "2026-01-09T00:00:00Z", "CREATING")), ["FAIL %s | no available backup of the table" % tarn("t")])
case("DDB-10", "pass-newest-of-several", bl(bk("t", "2025-12-01T00:00:00Z"), bk("t", "2026-01-08T00:00:00Z"), bk("t", "2025-11-01T00:00:00Z")),
     ["PASS %s | taken 2026-01-08T00:00:00Z, within 7 days" % tarn("t")])
case("DDB-10", "error-unreadable-date", bl(bk("t", "last tuesday")), ["ERROR %s | 1 backup(s) of the table lack a readable" % tarn("t")])
case("DDB-10", "error-no-backup-list", merge(tables(tbl("t")), {P + "dynamodb/list-backups": {}}), ["ERROR %s | has no \"BackupSummaries\" array" % tarn("t")])

# DDB-11: window 30 days before the snapshot (2026-01-10T00:00:00Z) starts 2025-12-11T00:00:00Z
mt = lambda pairs: {"MetricDataResults": [{"Id": "w", "Label": "ConsumedWriteCapacityUnits", "Timestamps": [w for w, _v in pairs],
                                           "Values": [v for _w, v in pairs], "StatusCode": "Complete"}]}
empty = lambda pairs, extra=None: merge(tables(tbl("t", ItemCount=0)), {P + "cloudwatch/get-metric-data/t": mt(pairs)}, extra or {})
unused = "FAIL %s | ItemCount is 0 and no consumed capacity in the last 30 days" % tarn("t")
used = "PASS %s | ItemCount is 0 but ConsumedWriteCapacityUnits shows use within 30 days" % tarn("t")
case("DDB-11", "fail-unused", empty([]), [unused])
case("DDB-11", "fail-zero-consumption", empty([("2026-01-09T00:00:00Z", 0.0), ("2026-01-08T00:00:00Z", 0.0)]), [unused])
case("DDB-11", "pass-use-below-limit", empty([("2025-12-12T00:00:00Z", 1.0)]), [used])
case("DDB-11", "pass-use-at-limit", empty([("2025-12-11T00:00:00Z", 1.0)]), [used])
case("DDB-11", "fail-use-outside-window", empty([("2025-12-10T23:59:59Z", 1.0)]), [unused])
case("DDB-11", "fail-use-outside-window-other-timestamp", empty([("2026-01-05T00:00:00Z", 0.0), ("2025-10-01T00:00:00Z", 5.0)]), [unused])
case("DDB-11", "fail-unused-custom-window", empty([("2025-12-31T00:00:00Z", 3.0)], {"params": "unused_days=7\n"}),
     ["FAIL %s | ItemCount is 0 and no consumed capacity in the last 7 days" % tarn("t")])
t11 = tbl("t")
del t11["ItemCount"]
case("DDB-11", "error-itemcount-missing", tables(t11), ["ERROR %s | ItemCount is missing from the answer" % tarn("t")])
case("DDB-11", "error-no-metric-results", merge(tables(tbl("t", ItemCount=0)), {P + "cloudwatch/get-metric-data/t": {}}),
     ["ERROR %s | has no \"MetricDataResults\" array" % tarn("t")])

# DDB-11 judges only tables older than its window (CONTROLS.md): the window of 30 days
# ends at the snapshot (2026-01-10T00:00:00Z), so a table created 2025-12-11T00:00:00Z is exactly 30 days old.
young = lambda created, **kw: merge(tables(tbl("t", ItemCount=0, CreationDateTime=created, **kw)), {P + "cloudwatch/get-metric-data/t": mt([])})
case("DDB-11", "not-applicable-created-minutes-ago", young("2026-01-09T23:50:00Z"),
     ["NOT_APPLICABLE %s | created 2026-01-09T23:50:00Z, 10 minute(s) before the snapshot: younger than the 30-day window" % tarn("t")])
case("DDB-11", "not-applicable-age-below-limit", young("2025-12-11T00:00:01Z"),
     ["NOT_APPLICABLE %s | created 2025-12-11T00:00:01Z, 29 day(s) before the snapshot: younger than the 30-day window" % tarn("t")])
case("DDB-11", "fail-unused-age-at-limit", young("2025-12-11T00:00:00Z"), [unused])
case("DDB-11", "fail-unused-age-above-limit", young("2025-12-10T23:59:59Z"), [unused])
case("DDB-11", "not-applicable-young-custom-window", merge(young("2026-01-05T00:00:00Z"), {"params": "unused_days=7\n"}),
     ["NOT_APPLICABLE %s | 5 day(s) before the snapshot: younger than the 7-day window" % tarn("t")])
case("DDB-11", "not-applicable-young-with-items", merge(tables(tbl("t", CreationDateTime="2026-01-09T00:00:00Z"))),
     ["NOT_APPLICABLE %s | 1 day(s) before the snapshot" % tarn("t")])
case("DDB-11", "not-applicable-created-after-snapshot", young("2026-01-11T00:00:00Z"),
     ["NOT_APPLICABLE %s | created 2026-01-11T00:00:00Z, after the snapshot was taken" % tarn("t")])
t11 = tbl("t")
del t11["CreationDateTime"]
case("DDB-11", "error-creation-time-missing", tables(t11), ["ERROR %s | CreationDateTime is missing from the answer" % tarn("t")])

# DDB-12
case("DDB-12", "fail-deletion-protection-off", tables(tbl("t", DeletionProtectionEnabled=False)), ["FAIL %s | DeletionProtectionEnabled is false" % tarn("t")])

# DDB-13
dx = lambda *c: {P + "dax/describe-clusters": {"Clusters": list(c)}}
case("DDB-13", "fail-sse-disabled", dx(dax("c1", "DISABLED", "TLS")), ["FAIL %s | SSEDescription.Status is DISABLED and ClusterEndpointEncryptionType is TLS" % daxarn("c1")])
d13 = dax("c1", "ENABLED", "TLS")
del d13["SSEDescription"]
case("DDB-13", "fail-sse-missing", dx(d13), ["FAIL %s | SSEDescription.Status is (missing)" % daxarn("c1")])
case("DDB-13", "fail-tls-none", dx(dax("c1", "ENABLED", "NONE")), ["FAIL %s | SSEDescription.Status is ENABLED and ClusterEndpointEncryptionType is NONE" % daxarn("c1")])

# DDB-14
case("DDB-14", "fail-disabled", tl(ttl("DISABLED", None)), ["FAIL %s | TimeToLiveStatus is DISABLED" % tarn("t")])
case("DDB-14", "fail-disabling", tl(ttl("DISABLING")), ["FAIL %s | TimeToLiveStatus is DISABLING" % tarn("t")])
case("DDB-14", "fail-enabling", tl(ttl("ENABLING")), ["FAIL %s | TimeToLiveStatus is ENABLING" % tarn("t")])

# ACC-01
rot = lambda on: {P + "kms/get-key-rotation-status/k1": {"KeyRotationEnabled": on}}
case("ACC-01", "fail-rotation-off", merge(lk("k1"), {P + "kms/describe-key/k1": key("k1")}, rot(False)), ["FAIL %s | KeyRotationEnabled is false" % karn("k1")])
case("ACC-01", "not-applicable-aws-alias", merge(lk("k1"), {P + "kms/describe-key/k1": key("k1")}, rot(False), aliases(("alias/aws/dynamodb", "k1"))),
     ["NOT_APPLICABLE %s | AWS managed key (target of alias/aws/dynamodb, although KeyManager is CUSTOMER)" % karn("k1")])
case("ACC-01", "fail-rotation-off-customer-alias", merge(lk("k1"), {P + "kms/describe-key/k1": key("k1")}, rot(False), aliases(("alias/app", "k1"), ("alias/aws/dynamodb", "k2"))),
     ["FAIL %s | KeyRotationEnabled is false" % karn("k1")])
case("ACC-01", "not-applicable-external-origin", merge(lk("k1"), {P + "kms/describe-key/k1": key("k1", origin="EXTERNAL")}),
     ["NOT_APPLICABLE %s | Origin EXTERNAL" % karn("k1")])
case("ACC-01", "not-applicable-disabled", merge(lk("k1"), {P + "kms/describe-key/k1": key("k1", state="Disabled")}),
     ["NOT_APPLICABLE %s | KeyState is Disabled" % karn("k1")])
case("ACC-01", "not-applicable-pending-deletion", merge(lk("k1"), {P + "kms/describe-key/k1": key("k1", state="PendingDeletion")}),
     ["NOT_APPLICABLE %s | KeyState is PendingDeletion" % karn("k1")])
k1 = key("k1")
del k1["KeyMetadata"]["KeySpec"]
case("ACC-01", "pass-legacy-keyspec-field", merge(lk("k1"), {P + "kms/describe-key/k1": k1}, rot(True)), ["PASS %s | KeyRotationEnabled is true" % karn("k1")])
case("ACC-01", "error-rotation-field-missing", merge(lk("k1"), {P + "kms/describe-key/k1": key("k1"), P + "kms/get-key-rotation-status/k1": {}}),
     ["ERROR %s | has no KeyRotationEnabled" % karn("k1")])

# ACC-02: limit 90 days before the snapshot (2026-01-10T00:00:00Z)
age = lambda d: merge(users(user("svc")), ak("svc", "AKIDSVC00000001", "%sT00:00:00Z" % d))
kid = uarn("svc") + "#access-key/AKIDSVC00000001"
case("ACC-02", "pass-key-age-below-limit", age("2025-10-13"), ["PASS %s | active key is 89 days old (limit 90)" % kid])   # 2025-10-13 + 89 days = 2026-01-10
case("ACC-02", "fail-key-too-old-at-limit", age("2025-10-12"), ["FAIL %s | active key is 90 days old (limit 90)" % kid])
case("ACC-02", "fail-key-too-old", age("2025-10-11"), ["FAIL %s | active key is 91 days old (limit 90)" % kid])
case("ACC-02", "fail-key-too-old-custom-limit", merge(age("2025-11-26"), {"params": "access_key_max_age_days=30\n"}),
     ["FAIL %s | active key is 45 days old (limit 30)" % kid])
case("ACC-02", "error-create-date-missing", merge(users(user("svc")), {"global/iam/list-access-keys/svc": {"AccessKeyMetadata": [
    {"UserName": "svc", "AccessKeyId": "AKIDSVC00000001", "Status": "Active"}]}}),
     ["ERROR %s | CreateDate of an active key is missing or unreadable" % kid])

# ACC-03
def iam_det(users_, groups=(), policies=()):
    return {"global/iam/get-account-authorization-details": {"UserDetailList": list(users_), "GroupDetailList": list(groups),
                                                             "RoleDetailList": [], "Policies": list(policies)}}
star = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
case("ACC-03", "fail-console-no-mfa", merge(users(user("human")), lp("human"), mfa("human", 0)),
     ["FAIL %s | console password but no MFA device" % uarn("human")])
case("ACC-03", "fail-admin-no-mfa", merge(users(user("ops", inline=admin_inline)), nolp("ops"), mfa("ops", 0)),
     ["FAIL %s | administrator rights via all but no MFA device" % uarn("ops")])
case("ACC-03", "fail-admin-via-group", merge(iam_det([dict(user("ops"), GroupList=["admins"])],
                                                     groups=[{"GroupName": "admins", "Arn": "arn:aws:iam::%s:group/admins" % A,
                                                              "GroupPolicyList": [{"PolicyName": "everything", "PolicyDocument": star}],
                                                              "AttachedManagedPolicies": []}]), nolp("ops"), mfa("ops", 0)),
     ["FAIL %s | administrator rights via everything but no MFA device" % uarn("ops")])
case("ACC-03", "fail-admin-via-managed-policy", merge(users(user("ops", attached=[parn("Power")]), policies=[managed("Power", star)]), nolp("ops"), mfa("ops", 0)),
     ["FAIL %s | administrator rights via Power but no MFA device" % uarn("ops")])
case("ACC-03", "fail-admin-via-administratoraccess", merge(users(user("ops", attached=["arn:aws:iam::aws:policy/AdministratorAccess"])), nolp("ops"), mfa("ops", 0)),
     ["FAIL %s | administrator rights via AdministratorAccess but no MFA device" % uarn("ops")])
case("ACC-03", "not-applicable-conditional-admin", merge(users(user("ops", inline=[{"PolicyName": "mfa-only", "PolicyDocument": doc(
    {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})}])), nolp("ops")),
     ["NOT_APPLICABLE %s | no console password and no administrator policy" % uarn("ops")])
oldadmin = {"PolicyName": "Ops", "Arn": parn("Ops"), "DefaultVersionId": "v2", "PolicyVersionList": [
    {"Document": star, "VersionId": "v1", "IsDefaultVersion": False},
    {"Document": doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}), "VersionId": "v2", "IsDefaultVersion": True}]}
case("ACC-03", "not-applicable-old-version-admin", merge(users(user("ops", attached=[parn("Ops")]), policies=[oldadmin]), nolp("ops")),
     ["NOT_APPLICABLE %s | no console password and no administrator policy" % uarn("ops")])

# ACC-04
case("ACC-04", "fail-console-password", merge(users(user("human")), lp("human")), ["FAIL %s | has a console password" % uarn("human")])
case("ACC-04", "error-login-profile-not-recorded", users(user("x")), ["ERROR %s | iam get-login-profile for x in global was not recorded" % uarn("x")])

# ACC-06
tarn6 = "arn:aws:cloudtrail:%s:%s:trail/main" % (R, A)
def tr6(**kw):
    t = trail("main", kms=karn("k-cmk"))
    for k, v in kw.items():
        if v is None:
            del t[k]
        else:
            t[k] = v
    return trails(t)
case("ACC-06", "fail-not-multi-region", merge(tr6(IsMultiRegionTrail=False), cmk), ["FAIL %s | IsMultiRegionTrail is false" % tarn6])
case("ACC-06", "fail-log-validation-off", merge(tr6(LogFileValidationEnabled=False), cmk), ["FAIL %s | LogFileValidationEnabled is false" % tarn6])
case("ACC-06", "fail-no-kms-key", tr6(KmsKeyId=None), ["FAIL %s | no KmsKeyId (logs use S3 managed encryption)" % tarn6])
case("ACC-06", "fail-aws-managed-key", merge(tr6(KmsKeyId=karn("k-aws")), awskey), ["FAIL %s | KmsKeyId %s is not customer managed (KeyManager is AWS)" % (tarn6, karn("k-aws"))])
case("ACC-06", "fail-aws-managed-key-alias", merge(tr6(KmsKeyId=karn("k-ct")), {P + "kms/describe-key/k-ct": key("k-ct")}, aliases(("alias/aws/s3", "k-ct"))),
     ["FAIL %s | KmsKeyId %s is not customer managed (target of alias/aws/s3, although KeyManager is CUSTOMER)" % (tarn6, karn("k-ct"))])
case("ACC-06", "error-aliases-unreadable", merge(tr6(), cmk), ["ERROR %s | whether an alias/aws/ alias targets it is unknown: kms list-aliases in us-east-1 was not recorded" % tarn6])
case("ACC-06", "fail-not-multi-region-key-unreadable", merge(tr6(IsMultiRegionTrail=False), {P + "kms/describe-key/k-cmk.error": DENIED}),
     ["FAIL %s | IsMultiRegionTrail is false; KmsKeyId could not be checked" % tarn6])
case("ACC-06", "error-key-unreadable", merge(tr6(), {P + "kms/describe-key/k-cmk.error": DENIED}), ["ERROR %s | KmsKeyId could not be checked" % tarn6])
case("ACC-06", "error-multi-region-missing", merge(tr6(IsMultiRegionTrail=None), cmk), ["ERROR %s | IsMultiRegionTrail or LogFileValidationEnabled is missing" % tarn6])
case("ACC-06", "error-validation-missing", merge(tr6(LogFileValidationEnabled=None), cmk), ["ERROR %s | IsMultiRegionTrail or LogFileValidationEnabled is missing" % tarn6])

# ---- ACC-07: the trail is logging and its last delivery has no error (get-trail-status) ----
# (Wrong-typed fields stay ERROR in the evaluator; case files must match the API shapes, so no case holds one.)
tarn7 = "arn:aws:cloudtrail:%s:%s:trail/main" % (R, A)
def st7(**kw):
    return {P + "cloudtrail/get-trail-status/main": kw}
tr7 = trails(trail("main"), trail("shadow", home=E))  # the shadow is judged in its home region, not here
case("ACC-07", "pass", merge(tr7, st7(IsLogging=True, LatestDeliveryTime="2026-01-09T23:55:00Z")),
     ["PASS %s | IsLogging is true and LatestDeliveryError is absent (no failed delivery)" % tarn7])
case("ACC-07", "pass-delivery-error-empty", merge(tr7, st7(IsLogging=True, LatestDeliveryError="")),
     ["PASS %s | IsLogging is true and LatestDeliveryError is empty" % tarn7])
case("ACC-07", "fail", merge(tr7, st7(IsLogging=False)),
     ["FAIL %s | IsLogging is false | #1 | aws cloudtrail start-logging --region us-east-1 --name main" % tarn7])
case("ACC-07", "fail-not-logging", merge(tr7, st7(IsLogging=False, LatestDeliveryTime="2026-01-01T00:00:00Z")),
     ["FAIL %s | IsLogging is false | aws cloudtrail start-logging --region us-east-1 --name main" % tarn7])
case("ACC-07", "fail-delivery-error", merge(tr7, st7(IsLogging=True, LatestDeliveryError="AccessDenied")),
     ["FAIL %s | LatestDeliveryError is AccessDenied | #0" % tarn7])
case("ACC-07", "fail-not-logging-delivery-error", merge(tr7, st7(IsLogging=False, LatestDeliveryError="NoSuchBucket")),
     ["FAIL %s | IsLogging is false; LatestDeliveryError is NoSuchBucket | #1 | start-logging --region us-east-1 --name main" % tarn7])
case("ACC-07", "error", merge(tr7, {P + "cloudtrail/get-trail-status/main.error": err("TrailNotFoundException")}),
     ["ERROR %s | cloudtrail get-trail-status for main in us-east-1 failed (TrailNotFoundException)" % tarn7])
case("ACC-07", "error-denied", merge(tr7, {P + "cloudtrail/get-trail-status/main.error": DENIED}),
     ["ERROR %s | cloudtrail get-trail-status for main in us-east-1 was denied (AccessDeniedException)" % tarn7])
case("ACC-07", "error-not-recorded", tr7,
     ["ERROR %s | cloudtrail get-trail-status for main in us-east-1 was not recorded" % tarn7])
case("ACC-07", "error-malformed", merge(tr7, {P + "cloudtrail/get-trail-status/main": "{\"IsLogging\": tru}\n"}),
     ["ERROR %s | us-east-1/cloudtrail/get-trail-status/main.json:1:" % tarn7])
case("ACC-07", "error-islogging-missing", merge(tr7, st7(LatestDeliveryTime="2026-01-09T23:55:00Z")),
     ["ERROR %s | us-east-1/cloudtrail/get-trail-status/main.json has no boolean IsLogging" % tarn7])
case("ACC-07", "error-trails-denied", {P + "cloudtrail/describe-trails.error": DENIED},
     ["ERROR %s | cloudtrail describe-trails in us-east-1 was denied" % SCOPE])

# ---- DMS-15: the task log group dms-tasks-<instance> exists, keeps events >= 365 days, subscribes to the SIEM ----
def lgroup(name, retention=None, region=R):
    g = {"logGroupName": name, "creationTime": 1735689600000, "metricFilterCount": 0,
         "arn": "arn:aws:logs:%s:%s:log-group:%s:*" % (region, A, name), "storedBytes": 1024}
    if retention is not None:
        g["retentionInDays"] = retention
    return g


def lgroups(*g, region=R):
    return {region + "/logs/describe-log-groups": {"logGroups": list(g)}}


def fharn(name, region=R):
    return "arn:aws:firehose:%s:%s:deliverystream/%s" % (region, A, name)


def subs(group, *dests, region=R):
    return {region + "/logs/describe-subscription-filters/" + group: {"subscriptionFilters": [
        {"filterName": "f%d" % i, "logGroupName": group, "filterPattern": "", "destinationArn": d,
         "roleArn": "arn:aws:iam::%s:role/cwl-to-firehose" % A, "distribution": "ByLogStream", "creationTime": 1735689600000}
        for i, d in enumerate(dests)]}}


S3DEST = {"RoleARN": "arn:aws:iam::%s:role/firehose" % A, "BucketARN": "arn:aws:s3:::siem-backup",
          "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 300}, "CompressionFormat": "UNCOMPRESSED",
          "EncryptionConfiguration": {"NoEncryptionConfig": "NoEncryption"}}


def stream(name, splunk=True, region=R):
    dest = {"DestinationId": "destinationId-000000000001"}
    if splunk:
        dest["SplunkDestinationDescription"] = {"HECEndpoint": "https://splunk.example.com:8088", "HECEndpointType": "Raw",
                                                "S3BackupMode": "FailedEventsOnly", "S3DestinationDescription": S3DEST}
    else:
        dest["S3DestinationDescription"] = S3DEST
    return {region + "/firehose/describe-delivery-stream/" + name: {"DeliveryStreamDescription": {
        "DeliveryStreamName": name, "DeliveryStreamARN": fharn(name, region), "DeliveryStreamStatus": "ACTIVE",
        "DeliveryStreamType": "DirectPut", "VersionId": "1", "Destinations": [dest], "HasMoreDestinations": False}}}


LOG_ON = {"Logging": {"EnableLogging": True}}
G15 = "dms-tasks-inst1"
base15 = merge(insts(inst("INST1")), tasks(task("TASK1", LOG_ON)))
splunk15 = merge(subs(G15, fharn("to-splunk")), stream("to-splunk"))
case("DMS-15", "pass", merge(base15, lgroups(lgroup(G15, 365)), splunk15),
     ["PASS %s | log group dms-tasks-inst1 keeps events 365 days (at least 365 required); subscription filter f0: Firehose stream to-splunk delivers to Splunk (https://splunk.example.com:8088)" % taska("TASK1")])
case("DMS-15", "pass-retention-forever", merge(base15, lgroups(lgroup(G15)), splunk15),
     ["PASS %s | keeps events forever (no retentionInDays; at least 365 required)" % taska("TASK1")])
case("DMS-15", "pass-retention-above-limit", merge(base15, lgroups(lgroup(G15, 366)), splunk15),
     ["PASS %s | keeps events 366 days (at least 365 required)" % taska("TASK1")])
case("DMS-15", "pass-custom-limit-below", merge(base15, lgroups(lgroup(G15, 365)), splunk15, {"params": "log_retention_min_days=364\n"}),
     ["PASS %s | keeps events 365 days (at least 364 required)" % taska("TASK1")])
case("DMS-15", "pass-second-filter", merge(base15, lgroups(lgroup(G15, 400)), subs(G15, fharn("to-s3"), fharn("to-splunk")),
                                           stream("to-s3", splunk=False), stream("to-splunk")),
     ["PASS %s | subscription filter f1: Firehose stream to-splunk delivers to Splunk" % taska("TASK1")])
lam = "arn:aws:lambda:%s:%s:function:splunk-forwarder" % (R, A)
case("DMS-15", "pass-siem-glob", merge(base15, lgroups(lgroup(G15, 365)), subs(G15, lam),
                                       {"params": "siem_destinations=arn:aws:firehose:*:*:deliverystream/siem-*, arn:aws:lambda:*:function:splunk-*\n"}),
     ["PASS %s | subscription filter f0: %s matches siem_destinations arn:aws:lambda:*:function:splunk-*" % (taska("TASK1"), lam)])
case("DMS-15", "not-applicable", merge(insts(inst("INST1")), tasks(task("TASK1", {"Logging": {"EnableLogging": False}}), task("TASK2", {})),
                                       lgroups()),
     ["NOT_APPLICABLE %s | the task's logging is off" % taska("TASK1"), "NOT_APPLICABLE %s | the task's logging is off" % taska("TASK2")])
case("DMS-15", "fail", merge(base15, lgroups(lgroup(G15, 30)), subs(G15)),
     ["FAIL %s | log group dms-tasks-inst1 keeps events 30 days (at least 365 required); log group dms-tasks-inst1 has no subscription filter | "
      "aws logs put-retention-policy --region us-east-1 --log-group-name dms-tasks-inst1 --retention-in-days 365 | "
      "aws logs put-subscription-filter --region us-east-1 --log-group-name dms-tasks-inst1 --filter-name siem --filter-pattern '' --destination-arn REPLACE_WITH_SIEM_FIREHOSE_ARN" % taska("TASK1")])
case("DMS-15", "fail-no-log-group", merge(base15, lgroups(lgroup("dms-tasks-other", 365))),
     ["FAIL %s | log group dms-tasks-inst1 does not exist in describe-log-groups | #3 | aws logs create-log-group --region us-east-1 --log-group-name dms-tasks-inst1 | --retention-in-days 365 | put-subscription-filter" % taska("TASK1")])
case("DMS-15", "fail-short-retention", merge(base15, lgroups(lgroup(G15, 364)), splunk15),
     ["FAIL %s | log group dms-tasks-inst1 keeps events 364 days (at least 365 required) | #1 | put-retention-policy --region us-east-1 --log-group-name dms-tasks-inst1 --retention-in-days 365" % taska("TASK1")])
case("DMS-15", "fail-short-retention-custom-limit-above", merge(base15, lgroups(lgroup(G15, 365)), splunk15, {"params": "log_retention_min_days=366\n"}),
     ["FAIL %s | keeps events 365 days (at least 366 required) | --retention-in-days 400" % taska("TASK1")])
case("DMS-15", "fail-short-retention-subscription-unknown", merge(base15, lgroups(lgroup(G15, 7)), subs(G15, fharn("to-splunk")),
                                                                  {P + "firehose/describe-delivery-stream/to-splunk.error": DENIED}),
     ["FAIL %s | keeps events 7 days (at least 365 required); subscription filters could not be checked: subscription filter f0: whether Firehose stream to-splunk delivers to Splunk is unknown: firehose describe-delivery-stream for to-splunk in us-east-1 was denied (AccessDeniedException) | #1" % taska("TASK1")])
case("DMS-15", "fail-no-subscription", merge(base15, lgroups(lgroup(G15)), subs(G15)),
     ["FAIL %s | log group dms-tasks-inst1 has no subscription filter | #1 | put-subscription-filter" % taska("TASK1")])
case("DMS-15", "fail-not-siem", merge(base15, lgroups(lgroup(G15, 365)), subs(G15, fharn("to-s3")), stream("to-s3", splunk=False)),
     ["FAIL %s | no subscription filter of dms-tasks-inst1 sends to a SIEM destination (filter f0: Firehose stream to-s3 has no Splunk destination (no SplunkDestinationDescription))" % taska("TASK1")])
case("DMS-15", "fail-not-siem-lambda", merge(base15, lgroups(lgroup(G15, 365)), subs(G15, lam)),
     ["FAIL %s | filter f0: %s is not a Firehose stream delivering to Splunk (siem_destinations is unset)" % (taska("TASK1"), lam)])
case("DMS-15", "fail-not-siem-glob-mismatch", merge(base15, lgroups(lgroup(G15, 365)), splunk15,
                                                    {"params": "siem_destinations=arn:aws:firehose:*:*:deliverystream/siem-*\n"}),
     ["FAIL %s | filter f0: %s is not in siem_destinations" % (taska("TASK1"), fharn("to-splunk"))])
case("DMS-15", "error", merge(base15, lgroups(lgroup(G15, 365)), {P + "logs/describe-subscription-filters/" + G15 + ".error": DENIED}),
     ["ERROR %s | subscription filters could not be checked: logs describe-subscription-filters for dms-tasks-inst1 in us-east-1 was denied (AccessDeniedException)" % taska("TASK1")])
case("DMS-15", "error-filters-not-recorded", merge(base15, lgroups(lgroup(G15, 365))),
     ["ERROR %s | logs describe-subscription-filters for dms-tasks-inst1 in us-east-1 was not recorded" % taska("TASK1")])
case("DMS-15", "error-filters-malformed", merge(base15, lgroups(lgroup(G15, 365)), {P + "logs/describe-subscription-filters/" + G15: "{\"subscriptionFilters\": [\n"}),
     ["ERROR %s | us-east-1/logs/describe-subscription-filters/dms-tasks-inst1.json:" % taska("TASK1")])
case("DMS-15", "error-firehose-denied", merge(base15, lgroups(lgroup(G15, 365)), subs(G15, fharn("to-splunk")),
                                              {P + "firehose/describe-delivery-stream/to-splunk.error": DENIED}),
     ["ERROR %s | whether Firehose stream to-splunk delivers to Splunk is unknown: firehose describe-delivery-stream for to-splunk in us-east-1 was denied (AccessDeniedException)" % taska("TASK1")])
case("DMS-15", "error-firehose-not-recorded", merge(base15, lgroups(lgroup(G15, 365)), subs(G15, fharn("to-splunk"))),
     ["ERROR %s | firehose describe-delivery-stream for to-splunk in us-east-1 was not recorded" % taska("TASK1")])
case("DMS-15", "error-firehose-malformed", merge(base15, lgroups(lgroup(G15, 365)), subs(G15, fharn("to-splunk")),
                                                 {P + "firehose/describe-delivery-stream/to-splunk": "{\"DeliveryStreamDescription\": {,}}\n"}),
     ["ERROR %s | us-east-1/firehose/describe-delivery-stream/to-splunk.json:1:" % taska("TASK1")])
case("DMS-15", "error-log-groups-denied", merge(base15, {P + "logs/describe-log-groups.error": DENIED}),
     ["ERROR %s | logs describe-log-groups in us-east-1 was denied (AccessDeniedException)" % SCOPE])
case("DMS-15", "error-log-groups-not-recorded", base15,
     ["ERROR %s | logs describe-log-groups in us-east-1 was not recorded" % SCOPE])
case("DMS-15", "error-instance-unknown", merge(insts(), tasks(task("TASK1", LOG_ON)), lgroups()),
     ["ERROR %s | the task's replication instance %s is not in describe-replication-instances" % (taska("TASK1"), rep("INST1"))])
case("DMS-15", "error-settings-invalid", merge(base15, lgroups(), {P + "dms/describe-replication-tasks": {"ReplicationTasks": [task("TASK1", "{\"Logging\": ")]}}),
     ["ERROR %s | whether the task logs is unknown: ReplicationTaskSettings is not valid JSON" % taska("TASK1")])

# ---- ACC-08: a trail covering DMS or DynamoDB regions reaches the SIEM (log group subscription, or bucket notifications) ----
tarn8 = "arn:aws:cloudtrail:%s:%s:trail/main" % (R, A)
LG8 = "arn:aws:logs:%s:%s:log-group:ct-logs:*" % (R, A)
def trail8(lg=None, region=R):
    t = trail("main", home=region)
    if lg:
        t["CloudWatchLogsLogGroupArn"] = lg
        t["CloudWatchLogsRoleArn"] = "arn:aws:iam::%s:role/ct-to-logs" % A
    return {region + "/cloudtrail/describe-trails": {"trailList": [t]}}


def notif(bucket="logs", queues=(), topics=(), region=R):
    body = {}
    if queues:
        body["QueueConfigurations"] = [{"Id": "q%d" % i, "QueueArn": a, "Events": list(ev)} for i, (a, ev) in enumerate(queues)]
    if topics:
        body["TopicConfigurations"] = [{"Id": "t%d" % i, "TopicArn": a, "Events": list(ev)} for i, (a, ev) in enumerate(topics)]
    return {region + "/s3api/get-bucket-notification-configuration/" + bucket: body}


SQS8 = "arn:aws:sqs:%s:%s:splunk-cloudtrail" % (R, A)
SNS8 = "arn:aws:sns:%s:%s:cloudtrail-objects" % (R, A)
no_tasks8 = tasks()
data8 = merge(insts(inst("INST1")), eps(), no_tasks8)
case("ACC-08", "pass", merge(data8, trail8(LG8), subs("ct-logs", fharn("to-splunk")), stream("to-splunk")),
     ["PASS %s | subscription filter f0: Firehose stream to-splunk delivers to Splunk (https://splunk.example.com:8088)" % tarn8])
LG8S = "arn:aws:logs:%s:%s:log-group:CloudTrail/Default:*" % (R, A)
case("ACC-08", "pass-log-group-with-slash", merge(data8, trail8(LG8S), {P + "logs/describe-subscription-filters/CloudTrail%2FDefault": subs("CloudTrail/Default", fharn("to-splunk"))[P + "logs/describe-subscription-filters/CloudTrail/Default"]},
                                                  stream("to-splunk")),
     ["PASS %s | subscription filter f0: Firehose stream to-splunk delivers to Splunk" % tarn8])
case("ACC-08", "pass-s3-queue", merge(data8, trail8(), notif(queues=[(SQS8, ["s3:ObjectCreated:*"])])),
     ["PASS %s | bucket logs notifies %s of new objects: %s is an SQS queue, and siem_destinations is unset, so any one counts" % (tarn8, SQS8, SQS8)])
case("ACC-08", "pass-s3-topic-put", merge(data8, trail8(), notif(topics=[(SNS8, ["s3:ObjectRemoved:*", "s3:ObjectCreated:Put"])])),
     ["PASS %s | bucket logs notifies %s of new objects: %s is an SNS topic" % (tarn8, SNS8, SNS8)])
case("ACC-08", "pass-s3-queue-glob", merge(data8, trail8(), notif(queues=[(SQS8, ["s3:ObjectCreated:*"])]),
                                           {"params": "siem_destinations=arn:aws:sqs:*:*:splunk-*\n"}),
     ["PASS %s | %s matches siem_destinations arn:aws:sqs:*:*:splunk-*" % (tarn8, SQS8)])
case("ACC-08", "pass-bucket-when-log-group-is-not", merge(data8, trail8(LG8), subs("ct-logs"), notif(queues=[(SQS8, ["s3:ObjectCreated:*"])])),
     ["PASS %s | bucket logs notifies %s of new objects" % (tarn8, SQS8)])
case("ACC-08", "pass-filters-denied-bucket-ok", merge(data8, trail8(LG8), {P + "logs/describe-subscription-filters/ct-logs.error": DENIED},
                                                      notif(queues=[(SQS8, ["s3:ObjectCreated:*"])])),
     ["PASS %s | bucket logs notifies %s of new objects" % (tarn8, SQS8)])
case("ACC-08", "pass-tables-only", merge(insts(), eps(), no_tasks8, tables(tbl("orders")), trail8(LG8), subs("ct-logs", fharn("to-splunk")), stream("to-splunk")),
     ["PASS %s | Firehose stream to-splunk delivers to Splunk" % tarn8])
case("ACC-08", "not-applicable", merge(insts(), eps(), no_tasks8, {P + "dynamodb/list-tables": {"TableNames": []}}, trail8()),
     ["NOT_APPLICABLE %s | the trail covers no region with DMS or DynamoDB resources (every region audited)" % tarn8])
case("ACC-08", "fail", merge(data8, trail8(), notif()),
     ["FAIL %s | events do not reach the SIEM: no CloudWatchLogsLogGroupArn (the trail does not deliver to CloudWatch Logs); bucket logs sends no object-created notification to an SQS queue or SNS topic | "
      "#1 | aws cloudtrail update-trail --region us-east-1 --name main --cloud-watch-logs-log-group-arn REPLACE_WITH_LOG_GROUP_ARN --cloud-watch-logs-role-arn REPLACE_WITH_CLOUDTRAIL_TO_LOGS_ROLE_ARN" % tarn8])
LAMBDA8 = "arn:aws:lambda:%s:%s:function:thumbnail" % (R, A)
n8 = notif()
n8[P + "s3api/get-bucket-notification-configuration/logs"] = {"LambdaFunctionConfigurations": [
    {"Id": "l0", "LambdaFunctionArn": LAMBDA8, "Events": ["s3:ObjectCreated:*"]}]}
case("ACC-08", "fail-no-cloudwatch-logs", merge(data8, trail8(), n8),
     ["FAIL %s | no CloudWatchLogsLogGroupArn (the trail does not deliver to CloudWatch Logs); bucket logs sends no object-created notification to an SQS queue or SNS topic | update-trail" % tarn8])
case("ACC-08", "fail-no-cloudwatch-logs-multi-region-home-empty",
     merge(trail8(), notif(), insts(), eps(), no_tasks8, {P + "dynamodb/list-tables": {"TableNames": []}},
           {E + "/dms/describe-replication-instances": {"ReplicationInstances": [inst("INST9")]}, E + "/cloudtrail/describe-trails": {"trailList": [trail("main")]},
            "manifest": {"account_id": A, "partition": "aws", "regions": [R, E], "taken_at": "2026-01-10T00:00:00Z",
                         "produced_by": {"tool": "tests/data/controls/make-cases.py"}}}),
     ["FAIL %s | events do not reach the SIEM" % tarn8])
case("ACC-08", "fail-log-group-not-siem", merge(data8, trail8(LG8), subs("ct-logs", fharn("to-s3")), stream("to-s3", splunk=False), notif()),
     ["FAIL %s | no subscription filter of ct-logs sends to a SIEM destination (filter f0: Firehose stream to-s3 has no Splunk destination (no SplunkDestinationDescription)); bucket logs sends no object-created notification | "
      "#1 | aws logs put-subscription-filter --region us-east-1 --log-group-name ct-logs --filter-name siem" % tarn8])
case("ACC-08", "fail-log-group-not-siem-no-filter", merge(data8, trail8(LG8), subs("ct-logs"), notif()),
     ["FAIL %s | log group ct-logs has no subscription filter; bucket logs sends no object-created notification | put-subscription-filter --region us-east-1 --log-group-name ct-logs" % tarn8])
case("ACC-08", "fail-no-object-created", merge(data8, trail8(), notif(queues=[(SQS8, ["s3:ObjectRemoved:*"])])),
     ["FAIL %s | bucket logs sends no object-created notification to a SIEM destination (%s gets no object-created event)" % (tarn8, SQS8)])
case("ACC-08", "fail-bucket-not-siem", merge(data8, trail8(), notif(queues=[(SQS8, ["s3:ObjectCreated:*"])]),
                                             {"params": "siem_destinations=arn:aws:firehose:*:*:deliverystream/siem-*\n"}),
     ["FAIL %s | bucket logs sends no object-created notification to a SIEM destination (%s is not in siem_destinations)" % (tarn8, SQS8)])
case("ACC-08", "error", merge(data8, trail8(), {P + "s3api/get-bucket-notification-configuration/logs.error": {"code": "AccessDenied", "message": "Access Denied"}}),
     ["ERROR %s | whether the trail's events reach the SIEM is unknown: no CloudWatchLogsLogGroupArn (the trail does not deliver to CloudWatch Logs); s3api get-bucket-notification-configuration for logs in us-east-1 was denied (AccessDenied)" % tarn8])
case("ACC-08", "error-not-recorded", merge(data8, trail8()),
     ["ERROR %s | s3api get-bucket-notification-configuration for logs in us-east-1 was not recorded" % tarn8])
case("ACC-08", "error-malformed", merge(data8, trail8(), {P + "s3api/get-bucket-notification-configuration/logs": "{\"QueueConfigurations\": [}\n"}),
     ["ERROR %s | us-east-1/s3api/get-bucket-notification-configuration/logs.json:1:" % tarn8])
case("ACC-08", "error-filters-denied", merge(data8, trail8(LG8), {P + "logs/describe-subscription-filters/ct-logs.error": DENIED}, notif()),
     ["ERROR %s | is unknown: logs describe-subscription-filters for ct-logs in us-east-1 was denied (AccessDeniedException): not authorized to perform this operation; bucket logs sends no object-created notification" % tarn8])
case("ACC-08", "error-firehose-denied", merge(data8, trail8(LG8), subs("ct-logs", fharn("to-splunk")), {P + "firehose/describe-delivery-stream/to-splunk.error": DENIED}, notif()),
     ["ERROR %s | whether Firehose stream to-splunk delivers to Splunk is unknown" % tarn8])
case("ACC-08", "error-coverage-unknown", merge({P + "dms/describe-replication-instances.error": DENIED}, eps(), no_tasks8, {P + "dynamodb/list-tables": {"TableNames": []}}, trail8()),
     ["ERROR %s | whether the trail covers DMS or DynamoDB resources is unknown: dms describe-replication-instances in us-east-1 was denied (AccessDeniedException)" % tarn8])
case("ACC-08", "error-trails-denied", {P + "cloudtrail/describe-trails.error": DENIED},
     ["ERROR %s | cloudtrail describe-trails in us-east-1 was denied" % SCOPE])


# ---------------- DMS-14 (issue 18): certificates of verify-ca / verify-full endpoints ----------------
# The test PKI is written by openssl (tests/data/pki/make_pki.py) with dates relative to the
# cases' time, 2026-01-10T00:00:00Z: a company root (the bundle), database CAs it issued that
# expire in 365, 31, 30 and 29 days and one that expired yesterday, an outside CA's certificate
# and a self-signed one. Expected verdicts are written from those dates and issuers.
sys.path.insert(0, os.path.join(HERE, "..", "pki"))
import make_pki  # noqa: E402
NOW14 = datetime.datetime(2026, 1, 10, tzinfo=datetime.timezone.utc)
PKI = make_pki.certs(NOW14)
BUNDLE = {"bundle.pem": PKI["company-root"]}
USE_BUNDLE = {"params": "company_ca_bundle={case}/bundle.pem\n"}
def carn(cid):
    return "arn:aws:dms:%s:%s:cert:%s" % (R, A, cid.upper().replace("-", ""))
def cert(cid, name=None, pem=None, valid_to=None, **kw):
    name = name or cid
    d = {"CertificateIdentifier": cid, "CertificateArn": carn(cid), "CertificateOwner": A, "KeyLength": 2048,
         "SigningAlgorithm": "SHA256withRSA", "CertificateCreationDate": "2025-12-11T00:00:00+00:00",
         "ValidFromDate": "2025-12-11T00:00:00+00:00", "CertificatePem": PKI[name] if pem is None else pem,
         "ValidToDate": valid_to or make_pki.valid_to(NOW14, name)}
    d.update(kw)
    for k in [k for k, v in d.items() if v is None]:
        del d[k]
    return d
def certs14(*cs):
    return {P + "dms/describe-certificates": {"Certificates": list(cs)}}
def vep(cid, mode="verify-full", tail="SRC1"):
    e = ep(tail, "postgres", SslMode=mode)
    if cid:
        e["CertificateArn"] = carn(cid)
    return e
def one14(name, *extra, mode="verify-full", **kw):
    e = vep("db-ca", mode)
    return merge(eps(e), certs14(cert("db-ca", name, **kw)), *extra)
ISSUER = "O=Example Corp,CN=Example Corp Root CA"  # RFC 2253, as openssl x509 -noout -issuer -nameopt RFC2253 prints it
e14 = epa("SRC1")
FIX14 = "aws dms modify-endpoint --region us-east-1 --endpoint-arn %s --certificate-arn \"$CERT_ARN\"" % e14
IMPORT14 = "CERT_ARN=$(aws dms import-certificate --region us-east-1 --certificate-identifier src1-ca-renewed --certificate-pem file://"
case("DMS-14", "pass", merge(one14("db-ca-365", BUNDLE, USE_BUNDLE)),
     ["PASS %s | certificate db-ca is valid for 365 more days (limit 30) and chains to the company CA bundle (issued by %s)" % (e14, ISSUER)])
case("DMS-14", "fail", merge(one14("outside-ca-365", BUNDLE, USE_BUNDLE)),
     ["FAIL %s | certificate db-ca does not chain to the company CA bundle: unable to get local issuer certificate (depth 0) "
      "(issued by O=Elsewhere Ltd,CN=Elsewhere Root CA) | %s | %s | #2" % (e14, IMPORT14, FIX14)])
case("DMS-14", "error", merge(eps(vep("db-ca")), {P + "dms/describe-certificates.error": DENIED}),
     ["ERROR %s | certificate %s could not be checked: dms describe-certificates in us-east-1 was denied (AccessDeniedException)" % (e14, carn("db-ca"))])
case("DMS-14", "error-certificates-not-recorded", eps(vep("db-ca")),
     ["ERROR %s | dms describe-certificates in us-east-1 was not recorded" % e14])
case("DMS-14", "error-certificates-malformed", merge(eps(vep("db-ca")), {P + "dms/describe-certificates": "{\"Certificates\": [\n  {\"CertificateArn\" 1}]}\n"}),
     ["ERROR %s | us-east-1/dms/describe-certificates.json:2:" % e14])
# Not applicable: modes that verify nothing.
case("DMS-14", "not-applicable-modes", merge(eps(ep("SRC1", "postgres", SslMode="require"), ep("SRC2", "mysql", SslMode="none"),
                                                 {"EndpointArn": epa("SRC3"), "EndpointIdentifier": "src3", "EngineName": "mysql", "EndpointType": "source"}),
                                             certs14()),
     ["NOT_APPLICABLE %s | SslMode is require: no certificate is verified" % e14, "NOT_APPLICABLE %s | SslMode is none" % epa("SRC2"),
      "NOT_APPLICABLE %s | SslMode is absent (none by default)" % epa("SRC3")])
case("DMS-14", "pass-verify-ca", merge(one14("db-ca-365", BUNDLE, USE_BUNDLE, mode="verify-ca")), ["PASS %s | chains to the company CA bundle" % e14])
# Dates: 31 days left passes, 30 (the limit) and 29 fail, yesterday is expired.
case("DMS-14", "pass-valid-above-limit", merge(one14("db-ca-31", BUNDLE, USE_BUNDLE)), ["PASS %s | valid for 31 more days (limit 30)" % e14])
case("DMS-14", "fail-expiring-at-limit", merge(one14("db-ca-30", BUNDLE, USE_BUNDLE)),
     ["FAIL %s | certificate db-ca expires in 30 days (ValidToDate 2026-02-09T00:00:00+00:00; limit 30) | %s | %s" % (e14, IMPORT14, FIX14)])
case("DMS-14", "fail-expiring-below-limit", merge(one14("db-ca-29", BUNDLE, USE_BUNDLE)),
     ["FAIL %s | certificate db-ca expires in 29 days (ValidToDate 2026-02-08T00:00:00+00:00; limit 30)" % e14])
case("DMS-14", "fail-expired", merge(one14("db-ca-expired", BUNDLE, USE_BUNDLE)),
     ["FAIL %s | certificate db-ca expired (ValidToDate 2026-01-09T00:00:00+00:00)" % e14])
case("DMS-14", "fail-expiring-custom-limit", merge(one14("db-ca-31"), {"params": "cert_min_days=60\n"}),
     ["FAIL %s | certificate db-ca expires in 31 days (ValidToDate 2026-02-10T00:00:00+00:00; limit 60)" % e14])
case("DMS-14", "fail-expired-and-not-company-ca", merge(eps(vep("db-ca")), certs14(cert("db-ca", "outside-ca-365", valid_to="2026-01-01T00:00:00+00:00")), BUNDLE, USE_BUNDLE),
     ["FAIL %s | certificate db-ca expired (ValidToDate 2026-01-01T00:00:00+00:00); certificate db-ca does not chain to the company CA bundle" % e14])
# Chain: the company root itself, its certificate with the root appended, a self-signed one, another CA.
case("DMS-14", "pass-company-root-itself", merge(one14("company-root", BUNDLE, USE_BUNDLE)),
     ["PASS %s | chains to the company CA bundle (issued by %s)" % (e14, ISSUER)])
case("DMS-14", "pass-with-chain-in-pem", merge(one14("db-ca-365", BUNDLE, USE_BUNDLE, pem=PKI["db-ca-365"] + PKI["company-root"])),
     ["PASS %s | chains to the company CA bundle" % e14])
case("DMS-14", "pass-intermediate-in-bundle", merge(one14("db-server-365", {"bundle.pem": PKI["db-ca-365"]}, USE_BUNDLE)),
     ["PASS %s | chains to the company CA bundle (issued by O=Example Corp,CN=Example Corp Database CA)" % e14])  # the bundle holds the database CA, not the root: a partial chain counts
case("DMS-14", "fail-not-company-ca-sibling-in-bundle", merge(one14("db-ca-365", {"bundle.pem": PKI["db-ca-31"]}, USE_BUNDLE)),
     ["FAIL %s | does not chain to the company CA bundle: unable to get local issuer certificate" % e14])  # same name and key, another certificate: not trusted
case("DMS-14", "pass-three-levels", merge(one14("db-server-365", BUNDLE, USE_BUNDLE, pem=PKI["db-server-365"] + PKI["db-ca-365"])),
     ["PASS %s | chains to the company CA bundle" % e14])
case("DMS-14", "fail-not-company-ca-chain-missing", merge(one14("db-server-365", BUNDLE, USE_BUNDLE)),
     ["FAIL %s | does not chain to the company CA bundle: unable to get local issuer certificate" % e14])  # the database CA between them is not given
case("DMS-14", "fail-not-company-ca-self-signed", merge(one14("self-signed-365", BUNDLE, USE_BUNDLE)),
     ["FAIL %s | does not chain to the company CA bundle: self-signed certificate (depth 0) (issued by O=Example Corp,CN=Someone's own CA)" % e14])
case("DMS-14", "fail-not-company-ca-own-root-in-pem", merge(one14("outside-ca-365", BUNDLE, USE_BUNDLE, pem=PKI["outside-ca-365"] + PKI["other-root"])),
     ["FAIL %s | does not chain to the company CA bundle:" % e14])  # a root the PEM brings along is never trusted
case("DMS-14", "fail-not-company-ca-other-bundle", merge(one14("db-ca-365", {"bundle.pem": PKI["other-root"]}, USE_BUNDLE)),
     ["FAIL %s | does not chain to the company CA bundle: unable to get local issuer certificate" % e14])
# Without the bundle the issuer is named and only the dates are judged.
case("DMS-14", "pass-no-bundle-outside-issuer", one14("outside-ca-365"),
     ["PASS %s | valid for 365 more days (limit 30) and issued by O=Elsewhere Ltd,CN=Elsewhere Root CA; company_ca_bundle is not set, so only the dates are judged" % e14])
case("DMS-14", "fail-expiring-no-bundle", one14("db-ca-29"), ["FAIL %s | expires in 29 days" % e14])
# The certificate itself.
case("DMS-14", "fail-no-certificate", merge(eps(vep(None)), certs14()),
     ["FAIL %s | SslMode is verify-full but the endpoint names no CertificateArn | %s | #2" % (e14, IMPORT14)])
case("DMS-14", "fail-certificate-missing", merge(eps(vep("gone")), certs14(cert("db-ca", "db-ca-365"))),
     ["FAIL %s | CertificateArn %s is not in dms describe-certificates" % (e14, carn("gone"))])
case("DMS-14", "error-pem-garbage", one14("db-ca-365", BUNDLE, USE_BUNDLE, pem="-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"),
     ["ERROR %s | certificate db-ca: CertificatePem does not parse: certificate 1 does not parse:" % e14])  # base64 of "not a certificate"
case("DMS-14", "error-pem-not-base64", one14("db-ca-365", BUNDLE, USE_BUNDLE, pem="-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n"),
     ["ERROR %s | certificate db-ca: CertificatePem does not parse: no PEM certificate in it" % e14])  # the reader keeps base64 certificate blocks only
case("DMS-14", "pass-private-key-dropped", merge(one14("db-ca-365", BUNDLE, USE_BUNDLE, pem=PKI["db-ca-365"] + "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n")),
     ["PASS %s | chains to the company CA bundle" % e14])  # a key pasted into the PEM never reaches dbward's reading
case("DMS-14", "error-pem-not-pem", one14("db-ca-365", pem="just some text"),
     ["ERROR %s | certificate db-ca: CertificatePem does not parse: no PEM certificate in it" % e14])
trunc = PKI["db-ca-365"][:600]
case("DMS-14", "error-pem-truncated", one14("db-ca-365", pem=trunc),
     ["ERROR %s | CertificatePem does not parse: no PEM certificate in it" % e14])  # no END line: no block
case("DMS-14", "error-pem-missing", one14("db-ca-365", CertificatePem=None),
     ["ERROR %s | certificate db-ca: CertificatePem is missing" % e14])
case("DMS-14", "error-valid-to-missing", one14("db-ca-365", ValidToDate=None),
     ["ERROR %s | certificate db-ca: ValidToDate is missing or unreadable" % e14])
case("DMS-14", "error-endpoints-denied", {P + "dms/describe-endpoints.error": DENIED},
     ["ERROR %s | dms describe-endpoints in us-east-1 was denied" % SCOPE])

# ---------------- DMS-16 (issue 18): rotation of the endpoints' secrets ----------------
# Snapshot time 2026-01-10T00:00:00Z; limit [90] days for the interval and for the last rotation.
SARN = "arn:aws:secretsmanager:us-east-1:%s:secret:dms-src1-AbCdEf" % A
def secret(key="dms-src1-AbCdEf", arn=SARN, on=True, days=30, last="2025-12-20", lam=True, schedule=None):
    d = {"Name": key.rsplit("-", 1)[0] if arn else key, "CreatedDate": "2025-01-01T00:00:00+00:00"}
    if arn:
        d["ARN"] = arn
    if on is not None:
        d["RotationEnabled"] = on
    if lam:
        d["RotationLambdaARN"] = "arn:aws:lambda:us-east-1:%s:function:rotate-mysql" % A
    rules = {}
    if days is not None:
        rules["AutomaticallyAfterDays"] = days
    if schedule:
        rules["ScheduleExpression"] = schedule
    if rules:
        d["RotationRules"] = rules
    if last:
        d["LastRotatedDate"] = last + "T00:00:00+00:00"
    return {P + "secretsmanager/describe-secret/" + key: d}
my16 = lambda sid=SARN: eps(ep("SRC1", "mysql", MySQLSettings={"SecretsManagerSecretId": sid}))
e16 = epa("SRC1")
ROT = "aws secretsmanager rotate-secret --region us-east-1 --secret-id %s" % SARN
case("DMS-16", "pass", merge(eps(ep("SRC1", "mysql", MySQLSettings={"SecretsManagerSecretId": SARN}), ep("TGT1", "s3", "target"),
                                 ep("SRC2", "oracle", OracleSettings={"Username": "u"})), secret()),
     ["PASS %s | secret %s rotates every 30 days and was last rotated 21 days ago (limit 90)" % (e16, SARN),
      "NOT_APPLICABLE %s | the endpoint's credentials are not in Secrets Manager (engine s3" % epa("TGT1"),
      "NOT_APPLICABLE %s | the endpoint's credentials are not in Secrets Manager (engine oracle; DMS-12 judges that)" % epa("SRC2")])
case("DMS-16", "fail", merge(my16(), secret(on=False, days=None, lam=False)),
     ["FAIL %s | secret %s: RotationEnabled is false | %s --rotation-rules AutomaticallyAfterDays=90 --rotation-lambda-arn REPLACE_WITH_ROTATION_FUNCTION_ARN | #1" % (e16, SARN, ROT)])
case("DMS-16", "error", merge(my16(), {P + "secretsmanager/describe-secret/dms-src1-AbCdEf.error": DENIED}),
     ["ERROR %s | secret %s: secretsmanager describe-secret for dms-src1-AbCdEf in us-east-1 was denied (AccessDeniedException)" % (e16, SARN)])
case("DMS-16", "error-secret-not-recorded", my16(),
     ["ERROR %s | secretsmanager describe-secret for dms-src1-AbCdEf in us-east-1 was not recorded" % e16])
case("DMS-16", "error-malformed", merge(my16(), {P + "secretsmanager/describe-secret/dms-src1-AbCdEf": "{\"ARN\": \"x\",\n \"RotationEnabled\" true}\n"}),
     ["ERROR %s | us-east-1/secretsmanager/describe-secret/dms-src1-AbCdEf.json:2:" % e16])
s16 = secret(on=None)
case("DMS-16", "fail-rotation-off-absent", merge(my16(), s16),
     ["FAIL %s | RotationEnabled is absent from the answer; AWS's documented default is false | --rotation-rules AutomaticallyAfterDays=90 | #1" % e16])
case("DMS-16", "fail-rotation-off", merge(my16(), secret(on=False, days=30)),
     ["FAIL %s | secret %s: RotationEnabled is false | %s --rotation-rules AutomaticallyAfterDays=90 | #1" % (e16, SARN, ROT)])
# Interval: 89 and 90 days pass, 91 fails.
case("DMS-16", "pass-interval-below-limit", merge(my16(), secret(days=89)), ["PASS %s | rotates every 89 days" % e16])
case("DMS-16", "pass-interval-at-limit", merge(my16(), secret(days=90)), ["PASS %s | rotates every 90 days" % e16])
case("DMS-16", "fail-interval-above-limit", merge(my16(), secret(days=91)),
     ["FAIL %s | secret %s: rotation every 91 days (limit 90) | %s --rotation-rules AutomaticallyAfterDays=90 | #1" % (e16, SARN, ROT)])
case("DMS-16", "pass-schedule-rate-days", merge(my16(), secret(days=None, schedule="rate(45 days)")), ["PASS %s | rotates every 45 days" % e16])
case("DMS-16", "fail-interval-schedule-hours", merge(my16(), secret(days=None, schedule="rate(2184 hours)")),
     ["FAIL %s | rotation every 91 days (limit 90)" % e16])  # 2184 hours = 91 days
case("DMS-16", "error-interval-cron", merge(my16(), secret(days=None, schedule="cron(0 16 1,15 * ? *)")),
     ["ERROR %s | the rotation interval cannot be read (RotationRules has neither AutomaticallyAfterDays nor a rate() ScheduleExpression)" % e16])
# Last rotation: 89 and 90 days ago pass, 91 fails (2025-10-12 is 90 days before 2026-01-10).
case("DMS-16", "pass-last-rotated-below-limit", merge(my16(), secret(last="2025-10-13")), ["PASS %s | last rotated 89 days ago (limit 90)" % e16])
case("DMS-16", "pass-last-rotated-at-limit", merge(my16(), secret(last="2025-10-12")), ["PASS %s | last rotated 90 days ago (limit 90)" % e16])
case("DMS-16", "fail-last-rotated-above-limit", merge(my16(), secret(last="2025-10-11")),
     ["FAIL %s | secret %s: last rotated 91 days ago (limit 90) | %s --rotate-immediately | #1" % (e16, SARN, ROT)])  # rotation is on: rotate now, the rules stay
case("DMS-16", "fail-last-rotated-never", merge(my16(), secret(last=None)),
     ["FAIL %s | never rotated (no LastRotatedDate) | %s --rotate-immediately | #1" % (e16, ROT)])
case("DMS-16", "fail-last-rotated-custom-limit", merge(my16(), secret(days=30, last="2025-11-26"), {"params": "secret_rotation_max_days=30\n"}),
     ["FAIL %s | last rotated 45 days ago (limit 30)" % e16])
case("DMS-16", "fail-rotation-off-and-last-rotated", merge(my16(), secret(on=False, days=None, last="2025-01-01")),
     ["FAIL %s | RotationEnabled is false; last rotated 374 days ago (limit 90) | --rotation-rules AutomaticallyAfterDays=90 | #1" % e16])
# Where the secret lives: a name, an ARN here; an ARN of another region or account is ERROR.
case("DMS-16", "pass-secret-by-name", merge(my16("dbsrc1"), secret(key="dbsrc1", arn=None)),
     ["PASS %s | secret dbsrc1 rotates every 30 days" % e16])
case("DMS-16", "error-other-region", my16("arn:aws:secretsmanager:eu-west-1:%s:secret:x-AbCdEf" % A),
     ["ERROR %s | is in region eu-west-1, account %s: dbward reads the secrets of an endpoint's own region and account" % (e16, A)])
case("DMS-16", "error-other-account", my16("arn:aws:secretsmanager:us-east-1:210987654321:secret:x-AbCdEf"),
     ["ERROR %s | is in region us-east-1, account 210987654321:" % e16])
# A '/' in a secret's name is %2F in its file name (docs/snapshot.md), by name and by ARN.
case("DMS-16", "pass-secret-name-with-slash", merge(my16("dms/src1"), {P + "secretsmanager/describe-secret/dms%2Fsrc1": secret(key="x", arn=None)[P + "secretsmanager/describe-secret/x"]}),
     ["PASS %s | secret dms/src1 rotates every 30 days" % e16])
SARN2 = "arn:aws:secretsmanager:us-east-1:%s:secret:dms/src1-AbCdEf" % A
case("DMS-16", "fail-rotation-off-arn-with-slash", merge(my16(SARN2), {P + "secretsmanager/describe-secret/dms%2Fsrc1-AbCdEf": secret(arn=SARN2, on=False)[P + "secretsmanager/describe-secret/dms-src1-AbCdEf"]}),
     ["FAIL %s | secret %s: RotationEnabled is false | aws secretsmanager rotate-secret --region us-east-1 --secret-id %s --rotation-rules" % (e16, SARN2, SARN2)])
case("DMS-16", "error-name-unsafe", my16(".hidden"),
     ["ERROR %s | secret .hidden: secretsmanager describe-secret for .hidden in us-east-1: the resource key is not a safe file name" % e16])
case("DMS-16", "error-endpoints-denied", {P + "dms/describe-endpoints.error": DENIED},
     ["ERROR %s | dms describe-endpoints in us-east-1 was denied" % SCOPE])

# ---------------- ACC-09 (issue 18): key material of the keys DMS and DynamoDB use ----------------
# The keys judged are those ACC-05 judges: instances' and endpoints' KmsKeyId, S3/Redshift
# ServerSideEncryptionKmsKeyId, tables' KMSMasterKeyArn. Snapshot time 2026-01-10T00:00:00Z.
def key9(k, origin="EXTERNAL", model="KEY_MATERIAL_DOES_NOT_EXPIRE", valid_to=None, **kw):
    d = key(k, origin=origin, **kw)
    if model:
        d["KeyMetadata"]["ExpirationModel"] = model
    if valid_to:
        d["KeyMetadata"]["ValidTo"] = valid_to
    if origin is None:
        del d["KeyMetadata"]["Origin"]
    return {P + "kms/describe-key/" + k: d}
ALIASES9 = aliases(("alias/app", "k-cmk"), ("alias/aws/dms", "k-aws"))
BASE9 = merge(eps(), {P + "dynamodb/list-tables": {"TableNames": []}}, insts())  # what ACC-09 reads, empty
one9 = lambda *files: merge(BASE9, insts(inst("INST1")), ALIASES9, *files)
k9 = karn("k-cmk")
by9 = "(used by %s)" % rep("INST1")
NEWKEY = "NEW_KEY=$(aws kms create-key --region us-east-1 --origin EXTERNAL --key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT"
REIMPORT = "aws kms import-key-material --region us-east-1 --key-id k-cmk --encrypted-key-material fileb://REPLACE_WITH_WRAPPED_MATERIAL.bin"
case("ACC-09", "pass", merge(BASE9, insts(inst("INST1"), inst("INST2", KmsKeyId=karn("k-aws"))), ALIASES9, key9("k-cmk"),
                             {P + "kms/describe-key/k-aws": key("k-aws", manager="AWS")},
                             tables(tbl("t", SSEDescription={"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": karn("k-hsm")})),
                             key9("k-hsm", origin="AWS_CLOUDHSM", model=None)),
     ["PASS %s | Origin EXTERNAL, KeySpec SYMMETRIC_DEFAULT; imported material does not expire %s" % (k9, by9),
      "NOT_APPLICABLE %s | AWS managed key (KeyManager is AWS)" % karn("k-aws"),
      "PASS %s | Origin AWS_CLOUDHSM, KeySpec SYMMETRIC_DEFAULT (used by %s)" % (karn("k-hsm"), tarn("t"))])
case("ACC-09", "fail", one9(key9("k-cmk", origin="AWS_KMS", model=None)),
     ["FAIL %s | Origin is AWS_KMS, not one of EXTERNAL,AWS_CLOUDHSM: the key material was not made by the company %s | %s | get-parameters-for-import --region us-east-1 --key-id \"$NEW_KEY\" | import-key-material | #3" % (k9, by9, NEWKEY)])
case("ACC-09", "error", one9({P + "kms/describe-key/k-cmk.error": DENIED}),
     ["ERROR %s | key %s (used by %s) could not be checked: kms describe-key for k-cmk in us-east-1 was denied (AccessDeniedException)" % (k9, k9, rep("INST1"))])
case("ACC-09", "fail-origin-absent", one9(key9("k-cmk", origin=None, model=None)),
     ["FAIL %s | Origin is absent from the answer; AWS's documented default is AWS_KMS (not in EXTERNAL,AWS_CLOUDHSM) | %s" % (k9, NEWKEY)])
case("ACC-09", "fail-origin-custom-list", merge(one9(key9("k-cmk", origin="AWS_CLOUDHSM", model=None)), {"params": "key_origins=EXTERNAL\n"}),
     ["FAIL %s | Origin is AWS_CLOUDHSM, not one of EXTERNAL" % k9])
case("ACC-09", "fail-origin-external-key-store", one9(key9("k-cmk", origin="EXTERNAL_KEY_STORE", model=None)),
     ["FAIL %s | Origin is EXTERNAL_KEY_STORE, not one of EXTERNAL,AWS_CLOUDHSM" % k9])
case("ACC-09", "fail-key-spec", one9(key9("k-cmk", spec="HMAC_256")),
     ["FAIL %s | KeySpec is HMAC_256, not SYMMETRIC_DEFAULT (AES-256) %s | %s | #3" % (k9, by9, NEWKEY)])
case("ACC-09", "fail-key-spec-and-origin", one9(key9("k-cmk", origin="AWS_KMS", model=None, spec="RSA_2048")),
     ["FAIL %s | Origin is AWS_KMS, not one of EXTERNAL,AWS_CLOUDHSM: the key material was not made by the company; KeySpec is RSA_2048, not SYMMETRIC_DEFAULT" % k9])
# ValidTo: at the limit (30 days left) fails, one day below fails, one day above passes.
exp9 = lambda day: one9(key9("k-cmk", model="KEY_MATERIAL_EXPIRES", valid_to="%sT00:00:00+00:00" % day))
case("ACC-09", "fail-material-expiring-at-limit", exp9("2026-02-09"),
     ["FAIL %s | imported key material expires soon (ValidTo 2026-02-09T00:00:00+00:00, 30 days; limit 30) %s | get-parameters-for-import --region us-east-1 --key-id k-cmk | %s | #2" % (k9, by9, REIMPORT)])
case("ACC-09", "fail-material-expiring-below-limit", exp9("2026-02-08"),
     ["FAIL %s | imported key material expires soon (ValidTo 2026-02-08T00:00:00+00:00, 29 days; limit 30)" % k9])
case("ACC-09", "pass-material-above-limit", exp9("2026-02-10"),
     ["PASS %s | Origin EXTERNAL, KeySpec SYMMETRIC_DEFAULT; imported material valid 31 more days %s" % (k9, by9)])
case("ACC-09", "fail-material-expiring-expired", exp9("2026-01-09"),
     ["FAIL %s | imported key material has expired (ValidTo 2026-01-09T00:00:00+00:00, -1 days; limit 30)" % k9])
case("ACC-09", "pass-material-custom-limit", merge(exp9("2026-02-08"), {"params": "key_material_min_days=28\n"}),
     ["PASS %s | imported material valid 29 more days" % k9])
case("ACC-09", "fail-key-spec-material-unknown", one9(key9("k-cmk", model=None, spec="HMAC_256")),
     ["FAIL %s | KeySpec is HMAC_256, not SYMMETRIC_DEFAULT (AES-256); ExpirationModel is missing" % k9])
case("ACC-09", "error-expiration-model-missing", one9(key9("k-cmk", model=None, state="PendingImport")),
     ["ERROR %s | ExpirationModel is missing: whether the imported material expires is unknown (KeyState PendingImport) %s" % (k9, by9)])
case("ACC-09", "error-valid-to-missing", one9(key9("k-cmk", model="KEY_MATERIAL_EXPIRES")),
     ["ERROR %s | ExpirationModel is KEY_MATERIAL_EXPIRES but ValidTo is missing or unreadable" % k9])
case("ACC-09", "error-aliases-unreadable", merge(BASE9, insts(inst("INST1")), key9("k-cmk")),
     ["ERROR %s | whether an alias/aws/ alias targets the key is unknown: kms list-aliases in us-east-1 was not recorded" % k9])
case("ACC-09", "not-applicable-aws-alias", merge(BASE9, insts(inst("INST1")), key9("k-cmk", origin="AWS_KMS"), aliases(("alias/aws/dynamodb", "k-cmk"))),
     ["NOT_APPLICABLE %s | AWS managed key (target of alias/aws/dynamodb, although KeyManager is CUSTOMER)" % k9])
# One finding per key however its users name it (ARN, id, alias), and the endpoints' keys count.
case("ACC-09", "fail-origin-one-finding-per-key", merge(BASE9, insts(inst("INST1"), inst("INST2", KmsKeyId="k-cmk")), ALIASES9, key9("k-cmk", origin="AWS_KMS"),
                                                      eps(ep("TGT1", "s3", "target", S3Settings={"EncryptionMode": "SSE_KMS", "ServerSideEncryptionKmsKeyId": "alias/app"}),
                                                          ep("TGT2", "redshift", "target", RedshiftSettings={"EncryptionMode": "SSE_KMS", "ServerSideEncryptionKmsKeyId": karn("k-rs")})),
                                                      key9("k-rs", origin="AWS_KMS")),
     ["FAIL %s | the key material was not made by the company %s" % (k9, by9), "FAIL %s | Origin is AWS_KMS, not one of EXTERNAL,AWS_CLOUDHSM: the key material was not made by the company (used by %s)" % (karn("k-rs"), epa("TGT2"))])
case("ACC-09", "error-table-unreadable", merge(BASE9, ALIASES9, {P + "dynamodb/list-tables": {"TableNames": ["t"]}, P + "dynamodb/describe-table/t.error": DENIED}),
     ["ERROR t | the table's key is unknown: dynamodb describe-table for t in us-east-1 was denied"])


# ---- every regional control in two regions: its pass case in us-east-1, its fail case in eu-west-1 ----
def swap_regions(x):
    if isinstance(x, str):
        return x.replace("us-east-1", "\0").replace("eu-west-1", "us-east-1").replace("\0", "eu-west-1")
    if isinstance(x, dict):
        return {swap_regions(k): swap_regions(v) for k, v in x.items()}
    if isinstance(x, list):
        return [swap_regions(v) for v in x]
    return x



# ---------------- ACC-10: IAM use restricted to company networks ----------------
CIDRS = "10.0.0.0/8,192.0.2.0/24"
VPCE = "vpce-0a1b2c3d4e5f60001"
PARAMS10 = {"params": "company_cidrs=%s\ncompany_vpcs=%s\n" % (CIDRS, VPCE)}
ALL = {"Effect": "Allow", "Action": "*", "Resource": "*"}
S3 = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}


def fence(ips=("10.0.0.0/8", "192.0.2.0/24"), vpce=(VPCE,), action="*", **more):
    cond = {"NotIpAddress": {"aws:SourceIp": list(ips)}, "Bool": {"aws:ViaAWSService": "false"}}
    if vpce:
        cond["StringNotEqualsIfExists"] = {"aws:SourceVpce": list(vpce)}
    cond.update(more)
    return {"Sid": "Fence", "Effect": "Deny", "Action": action, "Resource": "*", "Condition": cond}


def inl(name, *st):
    return [{"PolicyName": name, "PolicyDocument": doc(*st)}]


def key_user(u, *extra, with_key=True, with_password=False):
    """list-access-keys and get-login-profile for u: an active key and/or a password."""
    files = ak(u, "AKIA" + u.upper().ljust(16, "0")[:16], "2025-12-01T00:00:00Z", "Active" if with_key else "Inactive")
    files.update(lp(u) if with_password else nolp(u))
    return merge(files, *extra)


def managed_pol(name, d):
    return {"PolicyName": name, "Arn": "arn:aws:iam::%s:policy/%s" % (A, name), "DefaultVersionId": "v1",
            "PolicyVersionList": [{"Document": d, "VersionId": "v1", "IsDefaultVersion": True}]}


case("ACC-10", "pass", merge(users(user("ci", inline=inl("app", S3, fence()))), key_user("ci"), PARAMS10),
     ["PASS %s | an active access key: every request from outside the company networks is refused by inline policy app "
      "statement \"Fence\"; from inside (address 10.0.0.0) s3:GetObject on example stays allowed" % uarn("ci")])
case("ACC-10", "fail", merge(users(user("ci", inline=inl("app", ALL))), key_user("ci"), PARAMS10),
     ["FAIL %s | an active access key: a request from outside the company networks is allowed: s3:GetObject on example "
      "from address 0.0.0.0 | #1 | aws iam put-user-policy --user-name ci --policy-name deny-outside-company-networks "
      "--policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyOutsideCompanyNetworks\","
      "\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"NotIpAddress\":{\"aws:SourceIp\":"
      "[\"10.0.0.0/8\",\"192.0.2.0/24\"]},\"StringNotEqualsIfExists\":{\"aws:SourceVpce\":[\"vpce-0a1b2c3d4e5f60001\"]},"
      "\"Bool\":{\"aws:ViaAWSService\":\"false\"}}}]}'" % uarn("ci")])
case("ACC-10", "error", merge(users(user("ci", inline=inl("app", ALL))), {"global/iam/list-access-keys/ci.error": err("AccessDenied")},
                              nolp("ci"), PARAMS10),
     ["ERROR %s | whether the user has credentials is unknown: iam list-access-keys for ci in global was denied (AccessDenied)" % uarn("ci")])
case("ACC-10", "error-details-denied", {"global/iam/get-account-authorization-details.error": err("AccessDenied")},
     ["ERROR %s/global | iam get-account-authorization-details in global was denied (AccessDenied)" % A])
case("ACC-10", "error-details-not-recorded", {}, ["ERROR %s/global | iam get-account-authorization-details in global was not recorded" % A])
case("ACC-10", "error-policy-missing",
     merge(users(user("ci", attached=["arn:aws:iam::%s:policy/Fence" % A])), key_user("ci"), PARAMS10),
     ["ERROR %s | the user's policies cannot be judged: the document of managed policy Fence is missing" % uarn("ci")])
case("ACC-10", "error-policy-malformed",
     merge(users(user("ci", inline=[{"PolicyName": "bad", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
         {"Effect": "Maybe", "Action": "*", "Resource": "*"}]}}])), key_user("ci"), PARAMS10),
     ["ERROR %s | the user's policies cannot be judged: inline policy bad cannot be read" % uarn("ci")])
case("ACC-10", "error-login-profile-failed",
     merge(users(user("ci", inline=inl("app", ALL))), key_user("ci", with_key=False),
           {"global/iam/get-login-profile/ci.error": err("ServiceFailure")}, PARAMS10),
     ["ERROR %s | whether the user has credentials is unknown: iam get-login-profile for ci in global failed (ServiceFailure)" % uarn("ci")])
case("ACC-10", "not-applicable-no-credentials", merge(users(user("idle", inline=inl("app", ALL))), key_user("idle", with_key=False), PARAMS10),
     ["NOT_APPLICABLE %s | no active access key and no console password" % uarn("idle")])
case("ACC-10", "pass-console-password-group-policy",
     merge({"global/iam/get-account-authorization-details": {
         "UserDetailList": [dict(user("human", inline=inl("app", ALL)), GroupList=["staff"])],
         "GroupDetailList": [{"GroupName": "staff", "Arn": "arn:aws:iam::%s:group/staff" % A, "GroupPolicyList": inl("net", fence()),
                              "AttachedManagedPolicies": []}], "RoleDetailList": [], "Policies": []}},
           key_user("human", with_key=False, with_password=True), PARAMS10),
     ["PASS %s | a console password: every request from outside the company networks is refused by group staff's inline "
      "policy net statement \"Fence\"" % uarn("human")])
case("ACC-10", "pass-attached-managed-policy",
     merge(users(user("ci", inline=inl("app", ALL), attached=["arn:aws:iam::%s:policy/CompanyNetworksOnly" % A]),
                 policies=[managed_pol("CompanyNetworksOnly", doc(fence()))]), key_user("ci"), PARAMS10),
     ["PASS %s | refused by managed policy CompanyNetworksOnly statement \"Fence\"" % uarn("ci")])
case("ACC-10", "pass-permissions-boundary",
     merge(users(dict(user("ci", inline=inl("app", ALL)), PermissionsBoundary={
         "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::%s:policy/Boundary" % A}),
                 policies=[managed_pol("Boundary", doc(dict(ALL, Condition={"IpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}})))]),
           key_user("ci"), PARAMS10),
     ["PASS %s | every request from outside the company networks is refused by the permissions boundary, which allows "
      "nothing from there; from inside (address 10.0.0.0) s3:GetObject on example stays allowed" % uarn("ci")])
case("ACC-10", "pass-endpoint-only",
     merge(users(user("ci", inline=inl("app", S3, {"Sid": "Fence", "Effect": "Deny", "Action": "*", "Resource": "*",
                                                   "Condition": {"StringNotEquals": {"aws:SourceVpce": VPCE}}}))),
           key_user("ci"), {"params": "company_vpcs=%s\n" % VPCE}),
     ["PASS %s | refused by inline policy app statement \"Fence\"; from inside (VPC endpoint vpce-0a1b2c3d4e5f60001 in "
      "vpc-0dbward0inside0) s3:GetObject on example stays allowed" % uarn("ci")])
case("ACC-10", "pass-without-parameters", merge(users(user("ci", inline=inl("app", S3, fence(ips=("198.51.100.0/24",), vpce=())))),
                                                key_user("ci")),
     ["PASS %s | refused by inline policy app statement \"Fence\"; from inside (address 198.51.100.0) s3:GetObject on "
      "example stays allowed (company_cidrs and company_vpcs are not set: any network condition of a Deny counts; the "
      "Denies exempt 198.51.100.0/24)" % uarn("ci")])
case("ACC-10", "pass-allowed-nothing", merge(users(user("ci", inline=inl("app", {"Effect": "Deny", "Action": "*", "Resource": "*"}))),
                                             key_user("ci"), PARAMS10),
     ["PASS %s | no policy allows the user any request, from anywhere" % uarn("ci")])
# Each way the Deny can fall short.
case("ACC-10", "fail-no-deny", merge(users(user("ci", inline=inl("app", S3))), key_user("ci"), PARAMS10),
     ["FAIL %s | a request from outside the company networks is allowed: s3:GetObject on example from address 0.0.0.0" % uarn("ci")])
case("ACC-10", "fail-exempts-outside-cidr",
     merge(users(user("ci", inline=inl("app", S3, fence(ips=("10.0.0.0/7", "192.0.2.0/24"))))), key_user("ci"), PARAMS10),
     ["FAIL %s | a request from outside the company networks is allowed: s3:GetObject on example from address 11.0.0.0" % uarn("ci")])
case("ACC-10", "fail-exempts-outside-endpoint",
     merge(users(user("ci", inline=inl("app", S3, fence(vpce=(VPCE, "vpce-0ffffffffffff9999"))))), key_user("ci"), PARAMS10),
     ["FAIL %s | allowed: s3:GetObject on example from VPC endpoint vpce-0ffffffffffff9999 in vpc-0dbward0outside0" % uarn("ci")])
case("ACC-10", "fail-exempts-any-endpoint",
     # The Deny applies only to requests that carry aws:SourceIp, so none through a VPC endpoint.
     merge(users(user("ci", inline=inl("app", S3, fence(vpce=(), Null={"aws:SourceIp": "false"})))), key_user("ci"), PARAMS10),
     ["FAIL %s | is allowed: s3:GetObject on example from VPC endpoint vpce-0dbward0outside0 in vpc-0dbward0outside0" % uarn("ci")])
case("ACC-10", "fail-deny-misses-actions",
     merge(users(user("ci", inline=inl("app", ALL, fence(action="s3:*")))), key_user("ci"), PARAMS10),
     ["FAIL %s | allowed: dynamodb:GetItem on example from address 0.0.0.0" % uarn("ci")])
case("ACC-10", "fail-deny-extra-condition",
     merge(users(user("ci", inline=inl("app", S3, fence(StringEquals={"aws:PrincipalTag/team": "ops"})))), key_user("ci"), PARAMS10),
     ["FAIL %s | a request from outside the company networks is allowed: s3:GetObject on example from address 0.0.0.0" % uarn("ci")])
case("ACC-10", "fail-allow-condition-only",
     merge(users(user("ci", inline=inl("app", dict(S3, Condition={"IpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}})))), key_user("ci"), PARAMS10),
     ["FAIL %s | only the Allows' own conditions refuse it, which another Allow would undo: no Deny or permissions boundary does" % uarn("ci")])
case("ACC-10", "fail-boundary-allows-outside",
     merge(users(dict(user("ci", inline=inl("app", ALL)), PermissionsBoundary={
         "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": "arn:aws:iam::%s:policy/Boundary" % A}),
                 policies=[managed_pol("Boundary", doc(S3))]), key_user("ci"), PARAMS10),
     ["FAIL %s | allowed: s3:GetObject on example from address 0.0.0.0" % uarn("ci")])
case("ACC-10", "fail-without-parameters-too-wide",
     merge(users(user("ci", inline=inl("app", S3, fence(ips=("0.0.0.0/1",), vpce=())))), key_user("ci")),
     ["FAIL %s | from address 0.0.0.0 (company_cidrs and company_vpcs are not set: any network condition of a Deny counts; "
      "the Denies exempt 0.0.0.0/1)" % uarn("ci")])
case("ACC-10", "fail-no-deny-without-parameters", merge(users(user("ci", inline=inl("app", S3))), key_user("ci")),
     ["FAIL %s | (company_cidrs and company_vpcs are not set: any network condition of a Deny counts; no Deny names one)" % uarn("ci")])

# ---------------- ACC-11: console password age, from the credential report ----------------
import base64 as _b64
import csv as _csv
import io as _io

REPORT_COLS = ["user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
               "password_next_rotation", "mfa_active", "access_key_1_active", "access_key_1_last_rotated",
               "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
               "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
               "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active",
               "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated"]


def report_row(name, enabled="true", changed="2025-12-01T09:30:00+00:00"):
    """One user's line as AWS writes it (N/A where a credential does not exist)."""
    row = dict.fromkeys(REPORT_COLS, "N/A")
    row.update({"user": name, "arn": uarn(name), "user_creation_time": "2024-03-01T08:00:00+00:00",
                "password_enabled": enabled, "password_last_changed": changed if enabled == "true" else "N/A",
                "mfa_active": "false", "access_key_1_active": "false", "access_key_2_active": "false",
                "cert_1_active": "false", "cert_2_active": "false"})
    return row


ROOT_ROW = dict(report_row("<root_account>"), arn="arn:aws:iam::%s:root" % A, password_enabled="not_supported",
                password_last_changed="not_supported")


def credreport(*rows, cols=REPORT_COLS, text=None):
    """global/iam/get-credential-report as the AWS CLI prints it: Content is
    the base64 of the CSV (written here by Python's csv module)."""
    if text is None:
        buf = _io.StringIO(newline="")
        w = _csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        text = buf.getvalue()
    return {"global/iam/generate-credential-report": {"State": "COMPLETE"},
            "global/iam/get-credential-report": {"Content": _b64.b64encode(text.encode()).decode(),
                                                  "ReportFormat": "text/csv",
                                                  "GeneratedTime": "2026-01-09T22:00:00+00:00"}}


RPT = "%s/global" % A
nonone = lambda d: {k: v for k, v in d.items() if v is not None}
case("ACC-11", "pass", credreport(ROOT_ROW, report_row("alice"), report_row("svc", enabled="false")),
     ["NOT_APPLICABLE arn:aws:iam::%s:root | the account root is not an IAM user (credential report line 2)" % A,
      "PASS %s | the console password was changed 39 days ago (limit 90)" % uarn("alice"),
      "NOT_APPLICABLE %s | no console password (password_enabled is false)" % uarn("svc")])
case("ACC-11", "fail", credreport(report_row("bob", changed="2025-06-01T00:00:00+00:00")),
     ["FAIL %s | the console password was changed 223 days ago (limit 90) | #1 | "
      "aws iam update-login-profile --user-name bob --password-reset-required" % uarn("bob")])
# The limit, 90 days before the snapshot (2026-01-10T00:00:00Z): "within 90 days" includes the 90th.
case("ACC-11", "pass-password-age-below-limit", credreport(report_row("bob", changed="2025-10-13T00:00:00+00:00")),
     ["PASS %s | changed 89 days ago (limit 90)" % uarn("bob")])
case("ACC-11", "pass-password-age-at-limit", credreport(report_row("bob", changed="2025-10-12T00:00:00+00:00")),
     ["PASS %s | changed 90 days ago (limit 90)" % uarn("bob")])
case("ACC-11", "fail-password-too-old", credreport(report_row("bob", changed="2025-10-11T00:00:00+00:00")),
     ["FAIL %s | changed 91 days ago (limit 90) | --password-reset-required" % uarn("bob")])
case("ACC-11", "fail-password-too-old-custom-limit",
     merge(credreport(report_row("bob", changed="2025-12-01T09:30:00+00:00")), {"params": "password_max_age_days=30\n"}),
     ["FAIL %s | changed 39 days ago (limit 30)" % uarn("bob")])
case("ACC-11", "error", nonone(merge(credreport(), {"global/iam/get-credential-report": None,
                                             "global/iam/get-credential-report.error": err("AccessDenied")})),
     ["ERROR %s | iam get-credential-report in global was denied (AccessDenied)" % RPT])
case("ACC-11", "error-report-in-progress",
     nonone(merge(credreport(), {"global/iam/get-credential-report": None,
                                 "global/iam/get-credential-report.error": {"code": "ReportInProgress", "message":
                                     "Report generation in progress. (still so after 10 calls of iam generate-credential-report, 2000 ms apart)"}})),
     ["ERROR %s | iam get-credential-report in global failed (ReportInProgress): Report generation in progress." % RPT])
case("ACC-11", "error-not-recorded", {"global/iam/generate-credential-report": {"State": "COMPLETE"}},
     ["ERROR %s | iam get-credential-report in global was not recorded" % RPT])
case("ACC-11", "error-generation-denied", {"global/iam/generate-credential-report.error": err("AccessDenied")},
     ["ERROR %s | iam generate-credential-report in global was denied (AccessDenied)" % RPT])
case("ACC-11", "error-no-content", merge(credreport(), {"global/iam/get-credential-report": {"ReportFormat": "text/csv"}}),
     ["ERROR %s | get-credential-report.json has no \"Content\" string" % RPT])
case("ACC-11", "error-content-not-base64",
     merge(credreport(), {"global/iam/get-credential-report": {"Content": "dXNlcixhcm4K@@@=", "ReportFormat": "text/csv"}}),
     ["ERROR %s | Content is not base64 (at byte 12" % RPT])
case("ACC-11", "error-content-not-csv", credreport(text='user,arn,password_enabled,password_last_changed\n"alice,x,true,N/A\n'),
     ["ERROR %s | is not CSV at line 2, column 1: the quoted field opened here is never closed" % RPT])
case("ACC-11", "error-short-record",
     credreport(text="user,arn,password_enabled,password_last_changed\nalice,%s,true\n" % uarn("alice")),
     ["ERROR %s | is not CSV at line 2, column 1: this record has 3 fields but the header has 4" % RPT])
case("ACC-11", "error-no-last-changed-column",
     credreport(report_row("alice"), cols=[c for c in REPORT_COLS if c != "password_last_changed"]),
     ["ERROR %s | the credential report has no password_last_changed column" % RPT])
case("ACC-11", "error-last-changed-na", credreport(dict(report_row("alice"), password_last_changed="N/A")),
     ["ERROR %s | password_enabled is true but password_last_changed is \"N/A\" on credential report line 2" % uarn("alice")])
case("ACC-11", "error-last-changed-not-supported",
     credreport(dict(report_row("alice"), password_last_changed="not_supported")),
     ["ERROR %s | password_last_changed is \"not_supported\"" % uarn("alice")])
case("ACC-11", "error-password-enabled-unknown", credreport(dict(report_row("alice"), password_enabled="")),
     ["ERROR %s | password_enabled is \"\" on credential report line 2, neither true nor false" % uarn("alice")])


GLOBAL_CONTROLS = {"DDB-01", "ACC-02", "ACC-03", "ACC-04"}  # IAM is global: one region only
GLOBAL_CONTROLS |= {"ACC-10", "ACC-11"}  # issue 18: IAM too
for cid in sorted(CASES):
    if cid in GLOBAL_CONTROLS or cid == "ACC-05":  # ACC-05: with the policy rewrite
        continue
    pf, pe = CASES[cid]["pass"]
    ff, fe = CASES[cid]["fail"]
    files = merge(pf, swap_regions(ff))
    files["manifest"] = {"account_id": A, "partition": "aws", "regions": [R, E], "taken_at": "2026-01-10T00:00:00Z",
                         "produced_by": {"tool": "tests/data/controls/make-cases.py"}}
    case(cid, "two-regions", files, pe + swap_regions(fe))


def main():
    for cid in sorted(os.listdir(HERE)):
        p = os.path.join(HERE, cid)
        if os.path.isdir(p):
            shutil.rmtree(p)
    n = 0
    for cid, cases in sorted(CASES.items()):
        for name, (files, expected) in cases.items():
            d = os.path.join(HERE, cid, name)
            os.makedirs(d)
            manifest = {"account_id": A, "partition": "aws", "regions": [R], "taken_at": "2026-01-10T00:00:00Z",
                        "produced_by": {"tool": "tests/data/controls/make-cases.py"}}
            files = dict(files)
            files.setdefault("manifest", manifest)
            for rel, body in files.items():
                if rel == "params":
                    with open(os.path.join(d, "params"), "w") as f:
                        f.write(body)
                    continue
                if rel.endswith(".pem"):  # a PEM file of the case (DMS-14's CA bundle), as it is
                    with open(os.path.join(d, rel), "w") as f:
                        f.write(body)
                    continue
                full = os.path.join(d, rel + ".json")
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w") as f:
                    f.write(body if isinstance(body, str) else json.dumps(body, indent=2) + "\n")
            with open(os.path.join(d, "expected"), "w") as f:
                f.write("# STATUS RESOURCE_ID | reason substring [| remediation substring]\n")
                f.write("\n".join(expected) + "\n")
            n += 1
    print("wrote %d cases for %d controls" % (n, len(CASES)))


if __name__ == "__main__":
    main()
