#!/usr/bin/env python3
"""Writes examples/account: the bundled demo snapshot of a made-up account
(123456789012) in two regions. Every control has passing and failing
resources, and a few calls are recorded as denied so the demo shows ERROR.
Rerun after editing; the JSON it writes is committed."""
import hashlib
import json
import os
import shutil
import sys

ACCT = "123456789012"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "account")
TAKEN = "2026-11-20T09:30:00Z"

# DMS-14: certificates written by openssl with dates relative to TAKEN (the test PKI).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "pki"))
import datetime  # noqa: E402
import make_pki  # noqa: E402
TAKEN_DT = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.timezone.utc)
PKI = make_pki.certs(TAKEN_DT)


def dms_cert(region, tail, ident, name):
    return {"CertificateIdentifier": ident, "CertificateCreationDate": "2026-10-21T09:30:00+00:00",
            "CertificatePem": PKI[name], "CertificateArn": "arn:aws:dms:%s:%s:cert:%s" % (region, ACCT, tail),
            "CertificateOwner": ACCT, "ValidFromDate": "2026-10-21T09:30:00+00:00",
            "ValidToDate": make_pki.valid_to(TAKEN_DT, name), "SigningAlgorithm": "SHA256withRSA", "KeyLength": 2048}


def put(path, obj):
    full = os.path.join(OUT, path + ".json")
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        json.dump(obj, f, indent=4)
        f.write("\n")


def deny(path, code="AccessDeniedException", msg=None):
    put(path + ".error", {"code": code, "message": msg or
        "User: arn:aws:sts::%s:assumed-role/SecurityAudit/auditor is not authorized to perform this operation" % ACCT})


def tags(d):
    return [{"Key": k, "Value": v} for k, v in d.items()]


FULL_TAGS = {"Owner": "data-platform", "Environment": "prod", "DataClassification": "confidential"}


def key_arn(region, kid):
    return "arn:aws:kms:%s:%s:key/%s" % (region, ACCT, kid)


def kms_key(region, kid, manager, spec="SYMMETRIC_DEFAULT", desc="", state="Enabled"):
    return {"KeyMetadata": {
        "AWSAccountId": ACCT, "KeyId": kid, "Arn": key_arn(region, kid),
        "CreationDate": "2024-03-11T14:02:51.412000+00:00", "Enabled": state == "Enabled",
        "Description": desc, "KeyUsage": "ENCRYPT_DECRYPT" if spec.startswith("SYMM") or spec.startswith("RSA") else "SIGN_VERIFY",
        "KeyState": state, "Origin": "AWS_KMS", "KeyManager": manager,
        "CustomerMasterKeySpec": spec, "KeySpec": spec,
        "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"] if spec == "SYMMETRIC_DEFAULT" else ["RSAES_OAEP_SHA_256"],
        "MultiRegion": False}}


def good_key_policy(service):
    return json.dumps({"Version": "2012-10-17", "Id": "key-policy-1", "Statement": [
        {"Sid": "EnableRootAdmin", "Effect": "Allow",
         "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCT}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "AllowUseThroughService", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"],
         "Resource": "*",
         "Condition": {"StringEquals": {"kms:CallerAccount": ACCT, "kms:ViaService": service}}}]})


def open_key_policy():
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "EnableRootAdmin", "Effect": "Allow",
         "Principal": {"AWS": "arn:aws:iam::%s:root" % ACCT}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "LegacyAppAccess", "Effect": "Allow", "Principal": "*",
         "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*"}]})


def dms_instance(region, tail, ident, public, key, auto_minor, multi_az, vpc, sgs, subnets, cls="dms.r5.large", engine="3.5.3"):
    return {
        "ReplicationInstanceIdentifier": ident, "ReplicationInstanceClass": cls,
        "ReplicationInstanceStatus": "available", "AllocatedStorage": 100,
        "InstanceCreateTime": "2025-02-03T10:11:12.000000+00:00",
        "VpcSecurityGroups": [{"VpcSecurityGroupId": s, "Status": "active"} for s in sgs],
        "AvailabilityZone": region + "a",
        "ReplicationSubnetGroup": {
            "ReplicationSubnetGroupIdentifier": "dms-" + vpc, "ReplicationSubnetGroupDescription": "DMS subnets",
            "VpcId": vpc, "SubnetGroupStatus": "Complete",
            "Subnets": [{"SubnetIdentifier": s, "SubnetAvailabilityZone": {"Name": region + z}, "SubnetStatus": "Active"}
                        for s, z in zip(subnets, "ab")]},
        "PreferredMaintenanceWindow": "sun:06:00-sun:06:30", "PendingModifiedValues": {},
        "MultiAZ": multi_az, "EngineVersion": engine, "AutoMinorVersionUpgrade": auto_minor,
        "KmsKeyId": key,
        "ReplicationInstanceArn": "arn:aws:dms:%s:%s:rep:%s" % (region, ACCT, tail),
        "ReplicationInstancePublicIpAddress": "54.210.33.17" if public else None,
        "ReplicationInstancePrivateIpAddress": "10.20.1.15",
        "ReplicationInstancePublicIpAddresses": ["54.210.33.17"] if public else [],
        "ReplicationInstancePrivateIpAddresses": ["10.20.1.15"],
        "PubliclyAccessible": public, "NetworkType": "IPV4"}


def strip_none(o):
    if isinstance(o, dict):
        return {k: strip_none(v) for k, v in o.items() if v is not None}
    if isinstance(o, list):
        return [strip_none(v) for v in o]
    return o


def dms_endpoint(region, tail, ident, etype, engine, ssl, port=None, extra=None, user=None, server=None):
    e = {"EndpointIdentifier": ident, "EndpointType": etype, "EngineName": engine,
         "EngineDisplayName": engine, "Status": "active",
         "KmsKeyId": key_arn(region, KEYS[region]["dms"]),
         "EndpointArn": "arn:aws:dms:%s:%s:endpoint:%s" % (region, ACCT, tail), "SslMode": ssl}
    if user:
        e["Username"] = user
    if server:
        e["ServerName"] = server
    if port:
        e["Port"] = port
    e.update(extra or {})
    return e


def dms_task(region, tail, ident, inst, src, tgt, logging):
    settings = {"TargetMetadata": {"SupportLobs": True, "LobChunkSize": 64},
                "FullLoadSettings": {"TargetTablePrepMode": "DO_NOTHING"},
                "Logging": {"EnableLogging": logging,
                            "LogComponents": [{"Id": "SOURCE_CAPTURE", "Severity": "LOGGER_SEVERITY_DEFAULT"}]}}
    return {"ReplicationTaskIdentifier": ident, "SourceEndpointArn": src, "TargetEndpointArn": tgt,
            "ReplicationInstanceArn": inst, "MigrationType": "full-load-and-cdc",
            "TableMappings": json.dumps({"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "1",
                                                    "object-locator": {"schema-name": "public", "table-name": "%"},
                                                    "rule-action": "include"}]}),
            "ReplicationTaskSettings": json.dumps(settings), "Status": "running",
            "ReplicationTaskCreationDate": "2025-02-04T08:00:00.000000+00:00",
            "ReplicationTaskArn": "arn:aws:dms:%s:%s:task:%s" % (region, ACCT, tail)}


def table(region, name, items, sse=None, stream=False, deletion=False):
    t = {"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
         "TableName": name, "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
         "TableStatus": "ACTIVE", "CreationDateTime": "2024-06-01T12:00:00.000000+00:00",
         "ProvisionedThroughput": {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0},
         "TableSizeBytes": items * 180, "ItemCount": items,
         "TableArn": "arn:aws:dynamodb:%s:%s:table/%s" % (region, ACCT, name),
         "TableId": "0f3c5e1a-77d2-4f0e-9d4b-%s" % hashlib.sha1(name.encode()).hexdigest()[:12],
         "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
         "DeletionProtectionEnabled": deletion}
    if stream:
        t["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        t["LatestStreamArn"] = t["TableArn"] + "/stream/2024-06-01T12:00:00.000"
        t["LatestStreamLabel"] = "2024-06-01T12:00:00.000"
    if sse:
        t["SSEDescription"] = {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": sse}
    return {"Table": t}


def pitr(status):
    return {"ContinuousBackupsDescription": {
        "ContinuousBackupsStatus": "ENABLED" if status == "ENABLED" else "DISABLED",
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": status}}}


def backup(region, name, when, btype="USER"):
    return {"TableName": name, "TableId": "tid-" + name,
            "TableArn": "arn:aws:dynamodb:%s:%s:table/%s" % (region, ACCT, name),
            "BackupArn": "arn:aws:dynamodb:%s:%s:table/%s/backup/01%s" % (region, ACCT, name, when.replace("-", "")[:8]),
            "BackupName": name + "-" + when[:10], "BackupCreationDateTime": when,
            "BackupStatus": "AVAILABLE", "BackupType": btype, "BackupSizeBytes": 4096}


def alarm(region, name, table_name):
    return {"AlarmName": name, "AlarmArn": "arn:aws:cloudwatch:%s:%s:alarm:%s" % (region, ACCT, name),
            "ActionsEnabled": True, "AlarmActions": ["arn:aws:sns:%s:%s:dba-oncall" % (region, ACCT)],
            "MetricName": "ReadThrottleEvents", "Namespace": "AWS/DynamoDB", "Statistic": "Sum",
            "Dimensions": [{"Name": "TableName", "Value": table_name}], "Period": 300,
            "EvaluationPeriods": 1, "Threshold": 1.0,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold", "StateValue": "OK"}


def metrics(read, write):
    days = ["2026-11-%02dT00:00:00+00:00" % d for d in (19, 18, 17)]
    return {"MetricDataResults": [
        {"Id": "read", "Label": "ConsumedReadCapacityUnits", "Timestamps": days if read else [],
         "Values": [read, 0.0, 0.0] if read else [], "StatusCode": "Complete"},
        {"Id": "write", "Label": "ConsumedWriteCapacityUnits", "Timestamps": days if write else [],
         "Values": [write, 2.0, 0.0] if write else [], "StatusCode": "Complete"}], "Messages": []}


KEYS = {
    "us-east-1": {"dms": "1f0c2b7e-5a43-4c1e-8d2a-6b9e0c4d3a21", "awsdms": "7d2e9c10-3b5f-4e8a-9c61-2f4a8b1d0e57",
                  "ddb": "a4c83e52-91d0-4b7f-8e2c-5d6f1a9b3c04", "awsddb": "c9e1f3a2-6d48-4a0b-b7e5-3f2d8c1a9e66",
                  "trail": "e5b7a9c1-2d3f-4e6a-8b0c-1d2e3f4a5b6c", "sign": "0b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e"},
    "eu-west-1": {"dms": "3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d", "ddb": "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f"},
}


def log_group(region, name, retention=None, created=1735689600000):
    g = {"logGroupName": name, "creationTime": created, "metricFilterCount": 0,
         "arn": "arn:aws:logs:%s:%s:log-group:%s:*" % (region, ACCT, name), "storedBytes": 73400320}
    if retention is not None:
        g["retentionInDays"] = retention
    return g


def sub_filter(region, group, name, dest):
    return {"filterName": name, "logGroupName": group, "filterPattern": "", "destinationArn": dest,
            "roleArn": "arn:aws:iam::%s:role/cwl-to-firehose" % ACCT, "distribution": "ByLogStream",
            "creationTime": 1735689600000}


def firehose_stream(region, name, splunk):
    s3 = {"RoleARN": "arn:aws:iam::%s:role/firehose-delivery" % ACCT, "BucketARN": "arn:aws:s3:::example-firehose-backup",
          "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 300}, "CompressionFormat": "GZIP",
          "EncryptionConfiguration": {"NoEncryptionConfig": "NoEncryption"}}
    dest = {"DestinationId": "destinationId-000000000001"}
    if splunk:
        dest["SplunkDestinationDescription"] = {"HECEndpoint": "https://http-inputs-example.splunkcloud.com:443",
                                                "HECEndpointType": "Event", "HECAcknowledgmentTimeoutInSeconds": 180,
                                                "S3BackupMode": "FailedEventsOnly", "S3DestinationDescription": s3}
    else:
        dest["ExtendedS3DestinationDescription"] = s3
    return {"DeliveryStreamDescription": {
        "DeliveryStreamName": name, "DeliveryStreamARN": "arn:aws:firehose:%s:%s:deliverystream/%s" % (region, ACCT, name),
        "DeliveryStreamStatus": "ACTIVE", "DeliveryStreamType": "DirectPut", "VersionId": "3",
        "CreateTimestamp": "2025-02-03T10:00:00+00:00", "Destinations": [dest], "HasMoreDestinations": False}}


def region_us():
    r = "us-east-1"
    k = KEYS[r]
    orders = dms_instance(r, "ORDERSMIGRATION7X2QK", "orders-migration", False, key_arn(r, k["dms"]), True, True,
                          "vpc-0a1b2c3d4e5f60718", ["sg-0d1b2c3d4e5f60718"], ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"])
    legacy = dms_instance(r, "LEGACYREPORTING4Q9ZT", "legacy-reporting", True, key_arn(r, k["awsdms"]), False, False,
                          "vpc-0b2c3d4e5f6071829", ["sg-0e9f8a7b6c5d4e3f2"], ["subnet-0123abcd4567ef890", "subnet-0fed321cba987654e"],
                          cls="dms.t3.medium", engine="3.4.7")
    staging = dms_instance(r, "ANALYTICSSTAGING1MW", "analytics-staging", False, key_arn(r, k["dms"]), True, False,
                           "vpc-0a1b2c3d4e5f60718", ["sg-0d1b2c3d4e5f60718"], ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"])
    put(r + "/dms/describe-replication-instances", strip_none({"ReplicationInstances": [orders, legacy, staging]}))
    eps = [
        dms_endpoint(r, "ORDERSSRCPG3KD", "orders-src", "source", "postgres", "verify-full", 5432,
                     {"DatabaseName": "orders", "CertificateArn": "arn:aws:dms:%s:%s:cert:CORPCA2025" % (r, ACCT),
                      "PostgreSQLSettings": {"SecretsManagerSecretId": "arn:aws:secretsmanager:%s:%s:secret:dms/orders-src-Ab12Cd" % (r, ACCT),
                                             "SecretsManagerAccessRoleArn": "arn:aws:iam::%s:role/dms-secrets-access" % ACCT}},
                     server="orders-db.internal.example.com"),
        dms_endpoint(r, "ORDERSTGTS39PL", "orders-tgt", "target", "s3", "none", None,
                     {"ServiceAccessRoleArn": "arn:aws:iam::%s:role/dms-s3-writer" % ACCT,
                      "S3Settings": {"ServiceAccessRoleArn": "arn:aws:iam::%s:role/dms-s3-writer" % ACCT,
                                     "BucketName": "example-orders-lake", "BucketFolder": "orders",
                                     "CompressionType": "GZIP", "DataFormat": "parquet",
                                     "EncryptionMode": "SSE_KMS", "ServerSideEncryptionKmsKeyId": key_arn(r, k["dms"])}}),
        dms_endpoint(r, "LEGACYSRCMY7TX", "legacy-src", "source", "mysql", "none", 3306,
                     {"MySQLSettings": {"DatabaseName": "reporting", "Port": 3306, "ServerName": "10.40.2.11",
                                        "Username": "report_reader"}},
                     user="report_reader", server="10.40.2.11"),
        dms_endpoint(r, "LEGACYTGTRS2BV", "legacy-tgt", "target", "redshift", "none", 5439,
                     {"RedshiftSettings": {"DatabaseName": "reports", "Port": 5439, "ServerName": "reports.abc123xyz.us-east-1.redshift.amazonaws.com",
                                           "Username": "dms_loader", "EncryptionMode": "SSE_S3",
                                           "BucketName": "example-redshift-staging"}},
                     user="dms_loader", server="reports.abc123xyz.us-east-1.redshift.amazonaws.com"),
        dms_endpoint(r, "ANALYTICSORA8HN", "analytics-src", "source", "oracle", "require", 1521,
                     {"OracleSettings": {"SecretsManagerSecretId": "arn:aws:secretsmanager:%s:%s:secret:dms/analytics-Zx98Yw" % (r, ACCT),
                                         "SecretsManagerAccessRoleArn": "arn:aws:iam::%s:role/dms-secrets-access" % ACCT}}),
    ]
    put(r + "/dms/describe-endpoints", {"Endpoints": eps})
    # DMS-14: orders-src verifies with the company's database CA, valid for a year.
    put(r + "/dms/describe-certificates", {"Certificates": [dms_cert(r, "CORPCA2025", "corp-ca-2025", "db-ca-365")]})
    # DMS-16: the orders secret rotates monthly; the analytics secret never rotated.
    sm = "arn:aws:secretsmanager:%s:%s:secret:" % (r, ACCT)
    put(r + "/secretsmanager/describe-secret/dms%2Forders-src-Ab12Cd", {
        "ARN": sm + "dms/orders-src-Ab12Cd", "Name": "dms/orders-src", "RotationEnabled": True,
        "RotationLambdaARN": "arn:aws:lambda:%s:%s:function:SecretsManagerRDSPostgreSQLRotationSingleUser" % (r, ACCT),
        "RotationRules": {"AutomaticallyAfterDays": 30}, "LastRotatedDate": "2026-11-01T04:00:00+00:00",
        "LastChangedDate": "2026-11-01T04:00:00+00:00", "LastAccessedDate": "2026-11-20T00:00:00+00:00",
        "CreatedDate": "2025-02-01T10:00:00+00:00", "Tags": []})
    put(r + "/secretsmanager/describe-secret/dms%2Fanalytics-Zx98Yw", {
        "ARN": sm + "dms/analytics-Zx98Yw", "Name": "dms/analytics", "RotationEnabled": False,
        "LastChangedDate": "2025-03-14T08:00:00+00:00", "CreatedDate": "2025-03-14T08:00:00+00:00", "Tags": []})
    ep = {e["EndpointIdentifier"]: e["EndpointArn"] for e in eps}
    tasks = [
        dms_task(r, "ORDERSCDCTASK5RT", "orders-full-load-cdc", orders["ReplicationInstanceArn"], ep["orders-src"], ep["orders-tgt"], True),
        dms_task(r, "LEGACYNIGHTLY9PX", "legacy-nightly", legacy["ReplicationInstanceArn"], ep["legacy-src"], ep["legacy-tgt"], False),
    ]
    put(r + "/dms/describe-replication-tasks", {"ReplicationTasks": tasks})
    tagsets = {
        "ORDERSMIGRATION7X2QK": FULL_TAGS,
        "LEGACYREPORTING4Q9ZT": {"Owner": "bi-team", "Environment": "prod"},
        "ANALYTICSSTAGING1MW": {"Owner": "analytics", "Environment": "staging", "DataClassification": "internal"},
        "ORDERSSRCPG3KD": FULL_TAGS, "ORDERSTGTS39PL": FULL_TAGS,
        "LEGACYSRCMY7TX": {"Owner": "bi-team", "Environment": "", "DataClassification": "internal"},
        "LEGACYTGTRS2BV": {"Owner": "bi-team"},
        "ANALYTICSORA8HN": {"Owner": "analytics", "Environment": "staging", "DataClassification": "internal"},
        "ORDERSCDCTASK5RT": FULL_TAGS, "LEGACYNIGHTLY9PX": {},
    }
    for tail, t in tagsets.items():
        put(r + "/dms/list-tags-for-resource/" + tail, {"TagList": tags(t)})

    put(r + "/ec2/describe-vpcs", {"Vpcs": [
        {"CidrBlock": "10.20.0.0/16", "DhcpOptionsId": "dopt-0a1b2c3d", "State": "available", "VpcId": "vpc-0a1b2c3d4e5f60718",
         "OwnerId": ACCT, "InstanceTenancy": "default", "IsDefault": False, "Tags": [{"Key": "Name", "Value": "data-prod"}]},
        {"CidrBlock": "10.40.0.0/16", "DhcpOptionsId": "dopt-0a1b2c3d", "State": "available", "VpcId": "vpc-0b2c3d4e5f6071829",
         "OwnerId": ACCT, "InstanceTenancy": "default", "IsDefault": False, "Tags": [{"Key": "Name", "Value": "reporting-legacy"}]}]})
    put(r + "/ec2/describe-route-tables", {"RouteTables": [
        {"RouteTableId": "rtb-0a1a1a1a1a1a1a1a1", "VpcId": "vpc-0a1b2c3d4e5f60718", "OwnerId": ACCT, "Associations": [], "Routes": [], "PropagatingVgws": [], "Tags": []},
        {"RouteTableId": "rtb-0a2a2a2a2a2a2a2a2", "VpcId": "vpc-0a1b2c3d4e5f60718", "OwnerId": ACCT, "Associations": [], "Routes": [], "PropagatingVgws": [], "Tags": []},
        {"RouteTableId": "rtb-0b1b1b1b1b1b1b1b1", "VpcId": "vpc-0b2c3d4e5f6071829", "OwnerId": ACCT, "Associations": [], "Routes": [], "PropagatingVgws": [], "Tags": []}]})
    put(r + "/ec2/describe-vpc-endpoints", {"VpcEndpoints": [
        {"VpcEndpointId": "vpce-0d1d2d3d4d5d6d7d8", "VpcEndpointType": "Interface", "VpcId": "vpc-0a1b2c3d4e5f60718",
         "ServiceName": "com.amazonaws.us-east-1.dms", "State": "available", "PrivateDnsEnabled": True,
         "SubnetIds": ["subnet-0aa11bb22cc33dd44", "subnet-0ee55ff66aa77bb88"], "Groups": [{"GroupId": "sg-0d1b2c3d4e5f60718", "GroupName": "dms-prod"}],
         "RouteTableIds": [], "RequesterManaged": False, "NetworkInterfaceIds": ["eni-0a1b2c3d4e5f60001"],
         "CreationTimestamp": "2025-01-10T09:00:00.000000+00:00", "OwnerId": ACCT},
        {"VpcEndpointId": "vpce-0e1e2e3e4e5e6e7e8", "VpcEndpointType": "Gateway", "VpcId": "vpc-0a1b2c3d4e5f60718",
         "ServiceName": "com.amazonaws.us-east-1.dynamodb", "State": "available", "PrivateDnsEnabled": False,
         "RouteTableIds": ["rtb-0a1a1a1a1a1a1a1a1", "rtb-0a2a2a2a2a2a2a2a2"], "SubnetIds": [], "Groups": [],
         "RequesterManaged": False, "NetworkInterfaceIds": [], "CreationTimestamp": "2025-01-10T09:05:00.000000+00:00", "OwnerId": ACCT}]})
    put(r + "/ec2/describe-security-groups", {"SecurityGroups": [
        {"Description": "DMS prod", "GroupName": "dms-prod", "GroupId": "sg-0d1b2c3d4e5f60718", "OwnerId": ACCT, "VpcId": "vpc-0a1b2c3d4e5f60718",
         "IpPermissions": [],
         "IpPermissionsEgress": [
             {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []},
             {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]},
        {"Description": "legacy reporting DMS", "GroupName": "dms-legacy", "GroupId": "sg-0e9f8a7b6c5d4e3f2", "OwnerId": ACCT, "VpcId": "vpc-0b2c3d4e5f6071829",
         "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []},
                           # DMS-13: SQL Server open to the world on the public legacy instance's group
                           {"IpProtocol": "tcp", "FromPort": 1433, "ToPort": 1433, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}],
         "IpPermissionsEgress": [
             {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "PrefixListIds": [], "UserIdGroupPairs": []}]}]})

    put(r + "/cloudtrail/describe-trails", {"trailList": [
        {"Name": "org-audit", "S3BucketName": "example-cloudtrail-logs", "IncludeGlobalServiceEvents": True,
         "IsMultiRegionTrail": True, "HomeRegion": r, "TrailARN": "arn:aws:cloudtrail:%s:%s:trail/org-audit" % (r, ACCT),
         "LogFileValidationEnabled": True, "KmsKeyId": key_arn(r, k["trail"]), "HasCustomEventSelectors": False,
         "CloudWatchLogsLogGroupArn": "arn:aws:logs:%s:%s:log-group:aws-cloudtrail-logs-org-audit:*" % (r, ACCT),
         "CloudWatchLogsRoleArn": "arn:aws:iam::%s:role/cloudtrail-to-logs" % ACCT,
         "HasInsightSelectors": False, "IsOrganizationTrail": False},
        {"Name": "ddb-data-events", "S3BucketName": "example-ddb-data-events", "IncludeGlobalServiceEvents": False,
         "IsMultiRegionTrail": False, "HomeRegion": r, "TrailARN": "arn:aws:cloudtrail:%s:%s:trail/ddb-data-events" % (r, ACCT),
         "LogFileValidationEnabled": False, "HasCustomEventSelectors": True, "HasInsightSelectors": False, "IsOrganizationTrail": False}]})
    put(r + "/cloudtrail/get-trail-status/org-audit", {"IsLogging": False, "LatestDeliveryTime": "2026-10-02T11:00:00+00:00",
                                                       "StopLoggingTime": "2026-10-02T11:04:00+00:00"})
    put(r + "/cloudtrail/get-event-selectors/org-audit", {"TrailARN": "arn:aws:cloudtrail:%s:%s:trail/org-audit" % (r, ACCT),
                                                          "EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True,
                                                                              "DataResources": [], "ExcludeManagementEventSources": []}]})
    put(r + "/cloudtrail/get-trail-status/ddb-data-events", {"IsLogging": True, "LatestDeliveryTime": "2026-11-20T09:25:00+00:00"})
    put(r + "/cloudtrail/get-event-selectors/ddb-data-events", {
        "TrailARN": "arn:aws:cloudtrail:%s:%s:trail/ddb-data-events" % (r, ACCT),
        "AdvancedEventSelectors": [
            {"Name": "Management events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
            {"Name": "DynamoDB data events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                                                                {"Field": "resources.type", "Equals": ["AWS::DynamoDB::Table"]}]}]})

    # DMS-15: orders-migration's task log group keeps events 400 days and feeds the Splunk Firehose stream;
    # the Lambda group has no subscription filter (its key holds '/', filed as %2F).
    put(r + "/logs/describe-log-groups", {"logGroups": [
        log_group(r, "/aws/lambda/orders-enricher", 14), log_group(r, "aws-cloudtrail-logs-org-audit", 731),
        log_group(r, "dms-tasks-orders-migration", 400)]})
    splunk_arn = "arn:aws:firehose:%s:%s:deliverystream/splunk-siem" % (r, ACCT)
    put(r + "/logs/describe-subscription-filters/dms-tasks-orders-migration", {"subscriptionFilters": [
        sub_filter(r, "dms-tasks-orders-migration", "to-splunk", splunk_arn)]})
    put(r + "/logs/describe-subscription-filters/%2Faws%2Flambda%2Forders-enricher", {"subscriptionFilters": []})
    # ACC-08: org-audit delivers to aws-cloudtrail-logs-org-audit, subscribed to the same Splunk stream;
    # ddb-data-events has no log group, and its bucket notifies only a Lambda function.
    put(r + "/logs/describe-subscription-filters/aws-cloudtrail-logs-org-audit", {"subscriptionFilters": [
        sub_filter(r, "aws-cloudtrail-logs-org-audit", "cloudtrail-to-splunk", splunk_arn)]})
    put(r + "/s3api/get-bucket-notification-configuration/example-cloudtrail-logs", {})
    put(r + "/s3api/get-bucket-notification-configuration/example-ddb-data-events", {"LambdaFunctionConfigurations": [
        {"Id": "index-new-logs", "LambdaFunctionArn": "arn:aws:lambda:%s:%s:function:log-indexer" % (r, ACCT),
         "Events": ["s3:ObjectCreated:*"]}]})
    put(r + "/firehose/describe-delivery-stream/splunk-siem", firehose_stream(r, "splunk-siem", True))
    put(r + "/cloudwatch/describe-alarms", {"MetricAlarms": [alarm(r, "orders-read-throttles", "orders")], "CompositeAlarms": []})
    put(r + "/dax/describe-clusters", {"Clusters": [
        {"ClusterName": "orders-cache", "ClusterArn": "arn:aws:dax:%s:%s:cache/orders-cache" % (r, ACCT), "TotalNodes": 3, "ActiveNodes": 3,
         "NodeType": "dax.r5.large", "Status": "available", "SubnetGroup": "dax-data-prod",
         "SecurityGroups": [{"SecurityGroupIdentifier": "sg-0d1b2c3d4e5f60718", "Status": "active"}],
         "IamRoleArn": "arn:aws:iam::%s:role/dax-orders" % ACCT, "SSEDescription": {"Status": "ENABLED"},
         "ClusterEndpointEncryptionType": "TLS"},
        {"ClusterName": "legacy-cache", "ClusterArn": "arn:aws:dax:%s:%s:cache/legacy-cache" % (r, ACCT), "TotalNodes": 1, "ActiveNodes": 1,
         "NodeType": "dax.t3.small", "Status": "available", "SubnetGroup": "dax-reporting",
         "SecurityGroups": [{"SecurityGroupIdentifier": "sg-0e9f8a7b6c5d4e3f2", "Status": "active"}],
         "IamRoleArn": "arn:aws:iam::%s:role/dax-legacy" % ACCT, "SSEDescription": {"Status": "DISABLED"},
         "ClusterEndpointEncryptionType": "NONE"}]})

    put(r + "/dynamodb/list-tables", {"TableNames": ["audit-events", "orders", "sessions-legacy"]})
    put(r + "/dynamodb/describe-table/orders", table(r, "orders", 120412, key_arn(r, k["ddb"]), stream=True, deletion=True))
    put(r + "/dynamodb/describe-table/sessions-legacy", table(r, "sessions-legacy", 0))
    put(r + "/dynamodb/describe-table/audit-events", table(r, "audit-events", 0, key_arn(r, k["awsddb"]), stream=True, deletion=True))
    put(r + "/dynamodb/describe-continuous-backups/orders", pitr("ENABLED"))
    put(r + "/dynamodb/describe-continuous-backups/sessions-legacy", pitr("DISABLED"))
    deny(r + "/dynamodb/describe-continuous-backups/audit-events")
    put(r + "/dynamodb/describe-time-to-live/orders", {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}})
    put(r + "/dynamodb/describe-time-to-live/sessions-legacy", {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}})
    put(r + "/dynamodb/describe-time-to-live/audit-events", {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLING", "AttributeName": "purge_after"}})
    put(r + "/dynamodb/list-tags-of-resource/orders", {"Tags": tags(FULL_TAGS)})
    put(r + "/dynamodb/list-tags-of-resource/sessions-legacy", {"Tags": tags({"Owner": "web"})})
    put(r + "/dynamodb/list-tags-of-resource/audit-events", {"Tags": tags({"Owner": "security", "Environment": "prod", "DataClassification": "restricted"})})
    put(r + "/dynamodb/list-backups", {"BackupSummaries": [
        backup(r, "orders", "2026-11-18T03:00:00.000000+00:00", "AWS_BACKUP"),
        backup(r, "orders", "2026-11-11T03:00:00.000000+00:00", "AWS_BACKUP"),
        backup(r, "sessions-legacy", "2026-10-09T22:14:03.120000+00:00"),
        backup(r, "audit-events", "2026-11-19T01:00:00.000000+00:00")]})
    put(r + "/cloudwatch/get-metric-data/sessions-legacy", metrics(0, 0))
    put(r + "/cloudwatch/get-metric-data/audit-events", metrics(0, 36.0))

    put(r + "/kms/list-keys", {"Keys": [{"KeyId": v, "KeyArn": key_arn(r, v)} for v in k.values()]})
    put(r + "/kms/list-aliases", {"Aliases": [
        {"AliasName": "alias/dms-prod", "AliasArn": "arn:aws:kms:%s:%s:alias/dms-prod" % (r, ACCT), "TargetKeyId": k["dms"]},
        {"AliasName": "alias/aws/dms", "AliasArn": "arn:aws:kms:%s:%s:alias/aws/dms" % (r, ACCT), "TargetKeyId": k["awsdms"]},
        {"AliasName": "alias/ddb-orders", "AliasArn": "arn:aws:kms:%s:%s:alias/ddb-orders" % (r, ACCT), "TargetKeyId": k["ddb"]},
        {"AliasName": "alias/aws/dynamodb", "AliasArn": "arn:aws:kms:%s:%s:alias/aws/dynamodb" % (r, ACCT), "TargetKeyId": k["awsddb"]},
        {"AliasName": "alias/cloudtrail", "AliasArn": "arn:aws:kms:%s:%s:alias/cloudtrail" % (r, ACCT), "TargetKeyId": k["trail"]}]})
    specs = {"dms": ("CUSTOMER", "SYMMETRIC_DEFAULT", "DMS storage"), "awsdms": ("AWS", "SYMMETRIC_DEFAULT", "Default key for DMS"),
             "ddb": ("CUSTOMER", "SYMMETRIC_DEFAULT", "orders table"), "awsddb": ("AWS", "SYMMETRIC_DEFAULT", "Default key for DynamoDB"),
             "trail": ("CUSTOMER", "SYMMETRIC_DEFAULT", "CloudTrail logs"), "sign": ("CUSTOMER", "RSA_2048", "release signing")}
    rotation = {"dms": True, "awsdms": True, "ddb": False, "awsddb": True, "trail": True}
    for name, kid in k.items():
        mgr, spec, desc = specs[name]
        d = kms_key(r, kid, mgr, spec, desc)
        if name == "dms":  # ACC-09: the DMS key holds material imported from the company HSM, for good
            d["KeyMetadata"].update({"Origin": "EXTERNAL", "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"})
        put(r + "/kms/describe-key/" + kid, d)
        if name in rotation:
            put(r + "/kms/get-key-rotation-status/" + kid, {"KeyRotationEnabled": rotation[name]})
        else:
            deny(r + "/kms/get-key-rotation-status/" + kid, "UnsupportedOperationException",
                 "arn:aws:kms:%s:%s:key/%s key usage or spec does not support rotation" % (r, ACCT, kid))
        pol = {"dms": good_key_policy("dms.us-east-1.amazonaws.com"), "ddb": open_key_policy(),
               "awsdms": good_key_policy("dms.us-east-1.amazonaws.com"), "awsddb": good_key_policy("dynamodb.us-east-1.amazonaws.com"),
               "trail": good_key_policy("cloudtrail.amazonaws.com"), "sign": good_key_policy("signer.amazonaws.com")}[name]
        put(r + "/kms/get-key-policy/" + kid, {"Policy": pol, "PolicyName": "default"})


def region_eu():
    r = "eu-west-1"
    k = KEYS[r]
    inst = dms_instance(r, "EUARCHIVE6VB3NL", "eu-archive", False, key_arn(r, k["dms"]), True, True,
                        "vpc-0c3d4e5f607182930", ["sg-0f1e2d3c4b5a69788"], ["subnet-0c1c2c3c4c5c6c7c8", "subnet-0d1d2d3d4d5d6d7d8"])
    put(r + "/dms/describe-replication-instances", strip_none({"ReplicationInstances": [inst]}))
    eps = [dms_endpoint(r, "EUARCHSRCMS4LK", "eu-archive-src", "source", "sqlserver", "verify-ca", 1433,
                        {"CertificateArn": "arn:aws:dms:%s:%s:cert:EUARCHIVECA" % (r, ACCT),
                         "MicrosoftSQLServerSettings": {"DatabaseName": "archive", "Port": 1433, "ServerName": "archive-sql.eu.internal",
                                                        "Username": "dms_reader"}},
                        user="dms_reader", server="archive-sql.eu.internal"),
           dms_endpoint(r, "EUARCHTGTDD8WQ", "eu-archive-tgt", "target", "dynamodb", "none", None,
                        {"ServiceAccessRoleArn": "arn:aws:iam::%s:role/dms-dynamodb-writer" % ACCT,
                         "DynamoDbSettings": {"ServiceAccessRoleArn": "arn:aws:iam::%s:role/dms-dynamodb-writer" % ACCT}})]
    put(r + "/dms/describe-endpoints", {"Endpoints": eps})
    # DMS-14: the archive source's CA certificate expires in 29 days.
    put(r + "/dms/describe-certificates", {"Certificates": [dms_cert(r, "EUARCHIVECA", "eu-archive-ca", "db-ca-29")]})
    put(r + "/dms/describe-replication-tasks", {"ReplicationTasks": [
        dms_task(r, "EUARCHIVEWEEKLY2J", "eu-archive-weekly", inst["ReplicationInstanceArn"], eps[0]["EndpointArn"], eps[1]["EndpointArn"], True)]})
    deny(r + "/dms/list-tags-for-resource/EUARCHIVE6VB3NL", "AccessDeniedFault")
    put(r + "/dms/list-tags-for-resource/EUARCHSRCMS4LK", {"TagList": tags(FULL_TAGS)})
    put(r + "/dms/list-tags-for-resource/EUARCHTGTDD8WQ", {"TagList": tags(FULL_TAGS)})
    put(r + "/dms/list-tags-for-resource/EUARCHIVEWEEKLY2J", {"TagList": tags(FULL_TAGS)})

    put(r + "/ec2/describe-vpcs", {"Vpcs": [
        {"CidrBlock": "10.60.0.0/16", "DhcpOptionsId": "dopt-0e1e2e3e", "State": "available", "VpcId": "vpc-0c3d4e5f607182930",
         "OwnerId": ACCT, "InstanceTenancy": "default", "IsDefault": False, "Tags": [{"Key": "Name", "Value": "archive-eu"}]}]})
    put(r + "/ec2/describe-route-tables", {"RouteTables": [
        {"RouteTableId": "rtb-0c1c1c1c1c1c1c1c1", "VpcId": "vpc-0c3d4e5f607182930", "OwnerId": ACCT, "Associations": [], "Routes": [], "PropagatingVgws": [], "Tags": []},
        {"RouteTableId": "rtb-0c2c2c2c2c2c2c2c2", "VpcId": "vpc-0c3d4e5f607182930", "OwnerId": ACCT, "Associations": [], "Routes": [], "PropagatingVgws": [], "Tags": []}]})
    put(r + "/ec2/describe-vpc-endpoints", {"VpcEndpoints": [
        {"VpcEndpointId": "vpce-0f1f2f3f4f5f6f7f8", "VpcEndpointType": "Interface", "VpcId": "vpc-0c3d4e5f607182930",
         "ServiceName": "com.amazonaws.eu-west-1.dms", "State": "available", "PrivateDnsEnabled": False,
         "SubnetIds": ["subnet-0c1c2c3c4c5c6c7c8"], "Groups": [{"GroupId": "sg-0f1e2d3c4b5a69788", "GroupName": "dms-eu"}],
         "RouteTableIds": [], "RequesterManaged": False, "NetworkInterfaceIds": ["eni-0c1c2c3c4c5c60001"],
         "CreationTimestamp": "2025-05-06T07:00:00.000000+00:00", "OwnerId": ACCT},
        {"VpcEndpointId": "vpce-0a9a8a7a6a5a4a3a2", "VpcEndpointType": "Gateway", "VpcId": "vpc-0c3d4e5f607182930",
         "ServiceName": "com.amazonaws.eu-west-1.dynamodb", "State": "available", "PrivateDnsEnabled": False,
         "RouteTableIds": ["rtb-0c1c1c1c1c1c1c1c1"], "SubnetIds": [], "Groups": [], "RequesterManaged": False,
         "NetworkInterfaceIds": [], "CreationTimestamp": "2025-05-06T07:05:00.000000+00:00", "OwnerId": ACCT}]})
    put(r + "/ec2/describe-security-groups", {"SecurityGroups": [
        {"Description": "DMS archive", "GroupName": "dms-eu", "GroupId": "sg-0f1e2d3c4b5a69788", "OwnerId": ACCT, "VpcId": "vpc-0c3d4e5f607182930",
         "IpPermissions": [],
         "IpPermissionsEgress": [
             {"IpProtocol": "tcp", "FromPort": 1433, "ToPort": 1433, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []},
             {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]}]})

    # The multi-region trail shows here as a shadow of its us-east-1 home.
    put(r + "/cloudtrail/describe-trails", {"trailList": [
        {"Name": "org-audit", "S3BucketName": "example-cloudtrail-logs", "IncludeGlobalServiceEvents": True,
         "IsMultiRegionTrail": True, "HomeRegion": "us-east-1", "TrailARN": "arn:aws:cloudtrail:us-east-1:%s:trail/org-audit" % ACCT,
         "LogFileValidationEnabled": True, "KmsKeyId": key_arn("us-east-1", KEYS["us-east-1"]["trail"]),
         "HasCustomEventSelectors": False, "HasInsightSelectors": False, "IsOrganizationTrail": False}]})
    # DMS-15: eu-archive's task log group keeps events 90 days and has no subscription filter.
    put(r + "/logs/describe-log-groups", {"logGroups": [log_group(r, "dms-tasks-eu-archive", 90)]})
    put(r + "/logs/describe-subscription-filters/dms-tasks-eu-archive", {"subscriptionFilters": []})
    put(r + "/cloudwatch/describe-alarms", {"MetricAlarms": [alarm(r, "customer-profiles-throttles", "customer-profiles")], "CompositeAlarms": []})
    put(r + "/dax/describe-clusters", {"Clusters": []})
    put(r + "/dynamodb/list-tables", {"TableNames": ["customer-profiles"]})
    put(r + "/dynamodb/describe-table/customer-profiles", table(r, "customer-profiles", 88213, key_arn(r, k["ddb"]), stream=False, deletion=True))
    put(r + "/dynamodb/describe-continuous-backups/customer-profiles", pitr("ENABLED"))
    put(r + "/dynamodb/describe-time-to-live/customer-profiles", {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}})
    put(r + "/dynamodb/list-tags-of-resource/customer-profiles", {"Tags": tags(FULL_TAGS)})
    put(r + "/dynamodb/list-backups", {"BackupSummaries": [backup(r, "customer-profiles", "2026-11-17T02:00:00.000000+00:00", "AWS_BACKUP")]})
    put(r + "/kms/list-keys", {"Keys": [{"KeyId": v, "KeyArn": key_arn(r, v)} for v in k.values()]})
    put(r + "/kms/list-aliases", {"Aliases": [
        {"AliasName": "alias/dms-eu", "AliasArn": "arn:aws:kms:%s:%s:alias/dms-eu" % (r, ACCT), "TargetKeyId": k["dms"]}]})
    put(r + "/kms/describe-key/" + k["dms"], kms_key(r, k["dms"], "CUSTOMER", desc="DMS storage eu"))
    put(r + "/kms/get-key-rotation-status/" + k["dms"], {"KeyRotationEnabled": True})
    put(r + "/kms/get-key-policy/" + k["dms"], {"Policy": good_key_policy("dms.eu-west-1.amazonaws.com"), "PolicyName": "default"})
    deny(r + "/kms/describe-key/" + k["ddb"])
    deny(r + "/kms/get-key-rotation-status/" + k["ddb"])
    deny(r + "/kms/get-key-policy/" + k["ddb"])


def iam():
    g = "global/iam/"

    def user(name, created, groups=(), attached=(), inline=()):
        return {"Path": "/", "UserName": name, "UserId": "AIDA" + name.upper().replace(".", "").replace("-", "")[:12].ljust(12, "X") + "EXAMPLE",
                "Arn": "arn:aws:iam::%s:user/%s" % (ACCT, name), "CreateDate": created,
                "UserPolicyList": list(inline), "GroupList": list(groups),
                "AttachedManagedPolicies": [{"PolicyName": a.split("/")[-1], "PolicyArn": a} for a in attached], "Tags": []}

    def doc(*stmts):
        return {"Version": "2012-10-17", "Statement": list(stmts)}

    def managed(name, document, count):
        arn = "arn:aws:iam::%s:policy/%s" % (ACCT, name)
        return {"PolicyName": name, "PolicyId": "ANPA" + name.upper()[:12].ljust(12, "Q") + "EXAMPLE", "Arn": arn, "Path": "/",
                "DefaultVersionId": "v2", "AttachmentCount": count, "PermissionsBoundaryUsageCount": 0, "IsAttachable": True,
                "CreateDate": "2024-01-15T10:00:00+00:00", "UpdateDate": "2025-03-01T10:00:00+00:00",
                "PolicyVersionList": [{"Document": doc(), "VersionId": "v1", "IsDefaultVersion": False, "CreateDate": "2024-01-15T10:00:00+00:00"},
                                      {"Document": document, "VersionId": "v2", "IsDefaultVersion": True, "CreateDate": "2025-03-01T10:00:00+00:00"}]}

    ddb_arn = "arn:aws:dynamodb:us-east-1:%s:table/orders" % ACCT
    users = [
        user("ci-deployer", "2025-06-01T08:00:00+00:00", inline=[{"PolicyName": "orders-writer", "PolicyDocument": doc(
            {"Sid": "WriteOrders", "Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:UpdateItem"], "Resource": ddb_arn})},
            # ACC-10: the CI runners' key works only from the build network and the office.
            {"PolicyName": "only-from-company-networks", "PolicyDocument": doc(
                {"Sid": "OnlyFromCompanyNetworks", "Effect": "Deny", "Action": "*", "Resource": "*",
                 "Condition": {"NotIpAddress": {"aws:SourceIp": ["10.20.0.0/16", "198.51.100.0/24"]},
                               "Bool": {"aws:ViaAWSService": "false"}}})}]),
        user("alice.admin", "2023-02-10T09:00:00+00:00", groups=["platform-admins"]),
        user("bob.analyst", "2024-09-01T09:00:00+00:00", attached=["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"]),
        user("etl-runner", "2025-01-20T09:00:00+00:00", attached=["arn:aws:iam::%s:policy/DynamoDBTablesReadWrite" % ACCT]),
    ]
    groups = [{"Path": "/", "GroupName": "platform-admins", "GroupId": "AGPAPLATFORMADMINSEX1",
               "Arn": "arn:aws:iam::%s:group/platform-admins" % ACCT, "CreateDate": "2023-01-01T00:00:00+00:00",
               "GroupPolicyList": [],
               "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
                                           {"PolicyName": "OpsEverythingButIAM", "PolicyArn": "arn:aws:iam::%s:policy/OpsEverythingButIAM" % ACCT}]}]
    trust = doc({"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"})
    roles = [{"Path": "/", "RoleName": "etl-glue-role", "RoleId": "AROAETLGLUEROLEEXAMPLE",
              "Arn": "arn:aws:iam::%s:role/etl-glue-role" % ACCT, "CreateDate": "2024-04-04T00:00:00+00:00",
              "AssumeRolePolicyDocument": trust, "InstanceProfileList": [],
              "RolePolicyList": [{"PolicyName": "ddb-anything", "PolicyDocument": doc(
                  {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*",
                   "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0e1e2e3e4e5e6e7e8"}}})}],
              "AttachedManagedPolicies": [{"PolicyName": "LegacyDataFullAccess", "PolicyArn": "arn:aws:iam::%s:policy/LegacyDataFullAccess" % ACCT}],
              "Tags": [], "RoleLastUsed": {}},
             {"Path": "/", "RoleName": "orders-api", "RoleId": "AROAORDERSAPIEXAMPLE1",
              "Arn": "arn:aws:iam::%s:role/orders-api" % ACCT, "CreateDate": "2024-04-04T00:00:00+00:00",
              "AssumeRolePolicyDocument": doc({"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}),
              "InstanceProfileList": [],
              "RolePolicyList": [{"PolicyName": "orders-read", "PolicyDocument": doc(
                  {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": [ddb_arn, ddb_arn + "/index/*"]})}],
              "AttachedManagedPolicies": [], "Tags": [], "RoleLastUsed": {}}]
    policies = [
        managed("DynamoDBTablesReadWrite", doc({"Sid": "ReadWriteOrders", "Effect": "Allow",
                                               "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
                                               "Resource": [ddb_arn, "arn:aws:dynamodb:us-east-1:%s:table/audit-events" % ACCT]}), 1),
        managed("LegacyDataFullAccess", doc({"Sid": "AllTables", "Effect": "Allow", "Action": "dynamodb:*",
                                            "Resource": "arn:aws:dynamodb:*:%s:table/*" % ACCT}), 1),
        managed("OpsEverythingButIAM", doc({"Sid": "NotIam", "Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}), 1),
    ]
    # AWS managed policies, as get-account-authorization-details returns the
    # attached ones: every version, the default marked. The documents are
    # written for this example in the shape AWS publishes them.
    aws_docs = {
        "AdministratorAccess": [doc({"Effect": "Allow", "Action": "*", "Resource": "*"})],
        "PowerUserAccess": [
            doc({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}),
            doc({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
                {"Effect": "Allow", "Action": ["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles",
                                               "organizations:DescribeOrganization", "account:ListRegions",
                                               "account:GetAccountInformation"], "Resource": "*"})],
        "AmazonDynamoDBFullAccess": [doc({"Action": ["dynamodb:*", "dax:*", "application-autoscaling:DeleteScalingPolicy",
                                                     "application-autoscaling:DescribeScalableTargets", "application-autoscaling:PutScalingPolicy",
                                                     "application-autoscaling:RegisterScalableTarget", "cloudwatch:DeleteAlarms",
                                                     "cloudwatch:DescribeAlarms", "cloudwatch:GetMetricData", "cloudwatch:PutMetricAlarm",
                                                     "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs",
                                                     "kinesis:ListStreams", "kinesis:DescribeStream", "kms:DescribeKey", "kms:ListAliases",
                                                     "sns:ListSubscriptionsByTopic", "sns:ListTopics", "lambda:ListFunctions",
                                                     "resource-groups:ListGroups", "tag:GetResources"],
                                          "Effect": "Allow", "Resource": "*"},
                                         {"Action": "iam:PassRole", "Effect": "Allow", "Resource": "*",
                                          "Condition": {"StringLike": {"iam:PassedToService": ["application-autoscaling.amazonaws.com",
                                                                                                "dax.amazonaws.com"]}}})],
        "AmazonDynamoDBFullAccess_v2": [doc({"Sid": "DynamoDBAndDAX", "Effect": "Allow", "Action": ["dynamodb:*", "dax:*"], "Resource": "*"},
                                            {"Sid": "Supporting", "Effect": "Allow",
                                             "Action": ["application-autoscaling:DescribeScalableTargets", "cloudwatch:GetMetricData",
                                                        "kms:DescribeKey", "kms:ListAliases", "ec2:DescribeVpcs"], "Resource": "*"})],
        "AmazonDynamoDBFullAccesswithDataPipeline": [doc({"Action": ["cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarmHistory",
                                                                     "cloudwatch:DescribeAlarms", "cloudwatch:PutMetricAlarm",
                                                                     "datapipeline:*", "dynamodb:*", "ec2:DescribeAccountAttributes",
                                                                     "iam:GetRolePolicy", "iam:ListRoles", "sns:*", "s3:ListAllMyBuckets"],
                                                          "Effect": "Allow", "Resource": "*"},
                                                         {"Action": "iam:PassRole", "Effect": "Allow",
                                                          "Resource": ["arn:aws:iam::*:role/DataPipelineDefaultRole",
                                                                       "arn:aws:iam::*:role/DataPipelineDefaultResourceRole"]})],
    }
    for i, (name, versions) in enumerate(sorted(aws_docs.items())):
        n = len(versions)
        policies.append({"PolicyName": name, "PolicyId": "ANPAAWSMANAGED%02dEXAMPLE" % i, "Arn": "arn:aws:iam::aws:policy/" + name,
                         "Path": "/", "DefaultVersionId": "v%d" % n, "AttachmentCount": 1, "PermissionsBoundaryUsageCount": 0,
                         "IsAttachable": True, "CreateDate": "2015-02-06T18:40:11+00:00", "UpdateDate": "2023-05-01T18:40:11+00:00",
                         "PolicyVersionList": [{"Document": d, "VersionId": "v%d" % (k + 1), "IsDefaultVersion": k == n - 1,
                                                "CreateDate": "2015-02-06T18:40:11+00:00"} for k, d in enumerate(versions)]})

    def role(name, attached, boundary=None, service="lambda.amazonaws.com"):
        r = {"Path": "/", "RoleName": name, "RoleId": "AROA" + name.upper().replace("-", "")[:12].ljust(12, "X") + "EXAMPLE",
             "Arn": "arn:aws:iam::%s:role/%s" % (ACCT, name), "CreateDate": "2024-04-04T00:00:00+00:00",
             "AssumeRolePolicyDocument": doc({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}),
             "InstanceProfileList": [], "RolePolicyList": [],
             "AttachedManagedPolicies": [{"PolicyName": a.split("/")[-1], "PolicyArn": a} for a in attached], "Tags": [], "RoleLastUsed": {}}
        if boundary:
            r["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
        return r
    awsp = "arn:aws:iam::aws:policy/"
    roles += [role("pipeline-runner", [awsp + "AmazonDynamoDBFullAccesswithDataPipeline"], service="datapipeline.amazonaws.com"),
              role("ops-poweruser", [awsp + "PowerUserAccess"], service="ec2.amazonaws.com"),
              role("orders-migration", [awsp + "AmazonDynamoDBFullAccess_v2"]),
              role("sandbox-dev", [awsp + "AdministratorAccess"],
                   boundary="arn:aws:iam::%s:policy/DynamoDBTablesReadWrite" % ACCT, service="ec2.amazonaws.com")]
    put(g + "get-account-authorization-details", {"UserDetailList": users, "GroupDetailList": groups,
                                                   "RoleDetailList": roles, "Policies": policies})
    keymeta = lambda u, kid, days_created: {"AccessKeyMetadata": [{"UserName": u, "AccessKeyId": kid, "Status": "Active", "CreateDate": days_created}]}
    put(g + "list-access-keys/ci-deployer", keymeta("ci-deployer", "AKIAEXAMPLECIDEPLOY", "2026-10-21T08:00:00+00:00"))
    put(g + "list-access-keys/alice.admin", keymeta("alice.admin", "AKIAEXAMPLEALICE01", "2026-04-28T08:00:00+00:00"))
    put(g + "list-access-keys/bob.analyst", {"AccessKeyMetadata": [{"UserName": "bob.analyst", "AccessKeyId": "AKIAEXAMPLEBOB0001",
                                                                     "Status": "Inactive", "CreateDate": "2024-09-01T09:00:00+00:00"}]})
    deny(g + "list-access-keys/etl-runner", "AccessDenied",
         "User: arn:aws:sts::%s:assumed-role/SecurityAudit/auditor is not authorized to perform: iam:ListAccessKeys on resource: user etl-runner" % ACCT)
    nosuch = lambda u: deny(g + "get-login-profile/" + u, "NoSuchEntity", "The user with name %s cannot be found." % u)
    nosuch("ci-deployer")
    nosuch("etl-runner")
    for u in ("alice.admin", "bob.analyst"):
        put(g + "get-login-profile/" + u, {"LoginProfile": {"UserName": u, "CreateDate": "2024-09-01T09:00:00+00:00", "PasswordResetRequired": False}})
    put(g + "list-mfa-devices/alice.admin", {"MFADevices": [{"UserName": "alice.admin", "SerialNumber": "arn:aws:iam::%s:mfa/alice.admin" % ACCT,
                                                             "EnableDate": "2023-02-10T09:30:00+00:00"}]})
    for u in ("ci-deployer", "bob.analyst", "etl-runner"):
        put(g + "list-mfa-devices/" + u, {"MFADevices": []})
    credential_report(g)


def credential_report(g):
    """ACC-11's evidence: the credential report (the CSV travels base64 in
    Content, as the AWS CLI prints it). alice.admin changed her password 50
    days before the snapshot, bob.analyst 262 days before (263 calendar days, less 45 minutes)."""
    import base64
    cols = ["user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
            "password_next_rotation", "mfa_active", "access_key_1_active", "access_key_1_last_rotated",
            "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
            "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
            "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active", "cert_1_last_rotated",
            "cert_2_active", "cert_2_last_rotated"]
    def row(user, arn, created, pw, last_changed, mfa, key1, key1_rotated):
        r = dict.fromkeys(cols, "N/A")
        r.update({"user": user, "arn": arn, "user_creation_time": created, "password_enabled": pw,
                  "password_last_changed": last_changed, "mfa_active": mfa, "access_key_1_active": key1,
                  "access_key_1_last_rotated": key1_rotated, "access_key_2_active": "false",
                  "cert_1_active": "false", "cert_2_active": "false"})
        if pw == "true":
            r["password_last_used"] = "2026-11-18T16:02:11+00:00"
        return ",".join(r[c] for c in cols)
    ua = lambda u: "arn:aws:iam::%s:user/%s" % (ACCT, u)
    lines = [",".join(cols),
             row("<root_account>", "arn:aws:iam::%s:root" % ACCT, "2023-01-01T00:00:00+00:00", "not_supported",
                 "not_supported", "true", "false", "N/A"),
             row("ci-deployer", ua("ci-deployer"), "2025-06-01T08:00:00+00:00", "false", "N/A", "false", "true",
                 "2026-10-21T08:00:00+00:00"),
             row("alice.admin", ua("alice.admin"), "2023-02-10T09:00:00+00:00", "true", "2026-10-01T07:45:00+00:00",
                 "true", "true", "2026-04-28T08:00:00+00:00"),
             row("bob.analyst", ua("bob.analyst"), "2024-09-01T09:00:00+00:00", "true", "2026-03-02T10:15:00+00:00",
                 "false", "false", "2024-09-01T09:00:00+00:00"),
             row("etl-runner", ua("etl-runner"), "2025-01-20T09:00:00+00:00", "false", "N/A", "false", "true",
                 "2025-01-20T09:00:00+00:00")]
    put(g + "generate-credential-report", {"State": "COMPLETE"})
    put(g + "get-credential-report", {"Content": base64.b64encode(("\n".join(lines) + "\n").encode()).decode(),
                                      "ReportFormat": "text/csv", "GeneratedTime": "2026-11-20T08:10:00+00:00"})


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"account_id": ACCT, "partition": "aws", "regions": ["us-east-1", "eu-west-1"], "taken_at": TAKEN,
                   "produced_by": {"tool": "examples/make-example.py", "note": "hand-written demo account"}}, f, indent=4)
        f.write("\n")
    region_us()
    region_eu()
    iam()
    return 0


if __name__ == "__main__":
    sys.exit(main())
