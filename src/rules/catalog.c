/* catalog.c: the control catalog compiled into the binary: the single
 * source of truth for ids, severities, NIST CSF subcategories, company
 * control statements, parameters and the prose behind `dbward explain`.
 * The evaluators live in rules_*.c; this file only describes. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "rules_int.h"

static const struct dw_param_def s_params[] = {
    {"required_tags", "Owner,Environment,DataClassification",
     "comma-separated tag keys every DMS resource and table must carry with a value"},
    {"prod_tag", "Environment=prod", "KEY=VALUE marking production DMS instances"},
    {"backup_max_age_days", "7", "newest DynamoDB backup must be younger than this"},
    {"unused_days", "30", "window in which an empty table must show consumed capacity"},
    {"access_key_max_age_days", "90", "active IAM access keys must be younger than this"},
    {"dax_approved", "false", "true when company policy allows DAX (DDB-03 then does not apply)"},
};

size_t dw_param_def_count(void) { return DW_ARRAY_LEN(s_params); }
const struct dw_param_def *dw_param_def_get(size_t i) { return &s_params[i]; }

#define INST "AWS::DMS::ReplicationInstance"
#define TABLE "AWS::DynamoDB::Table"
#define ACCT "AWS::::Account"

static const struct dw_control s_catalog[] = {
    {"DMS-01", "dms", "DMS replication instances are not publicly accessible", DW_SEV_HIGH,
     {"PR.AC-3", "PR.AC-5", "PR.PT-4"}, {6}, "003, 000", DW_FIX_RECREATE, INST, false, {NULL},
     "PubliclyAccessible is false on every replication instance.",
     "A public instance gets an internet-routable address, so its network path to the source and "
     "target databases is exposed outside the company network.",
     "Console: DMS > Replication instances > each instance > Publicly accessible. CLI: aws dms "
     "describe-replication-instances --query "
     "'ReplicationInstances[*].[ReplicationInstanceIdentifier,PubliclyAccessible]'.",
     "The flag cannot change after creation: create a private instance with the same class, "
     "storage, subnet group, security groups, engine version and Multi-AZ setting, move the "
     "tasks, then delete the public one.",
     {"dms describe-replication-instances", "dms describe-replication-tasks"}, dwi_eval_dms01, NULL},
    {"DMS-02", "dms", "DMS replication instances are encrypted with a customer managed KMS key",
     DW_SEV_HIGH, {"PR.DS-1"}, {1, 3}, "002, 000, 001", DW_FIX_RECREATE, INST, false, {NULL},
     "KmsKeyId names a key whose KeyManager is CUSTOMER and whose KeyState is Enabled; the AWS "
     "managed alias/aws/dms key fails.",
     "Storage and endpoint connection details are encrypted with this key. With a customer "
     "managed key the company controls its policy, rotation and revocation.",
     "Console: DMS > Replication instances > KMS key ARN, then KMS > the key > Key manager. CLI: "
     "aws dms describe-replication-instances --query 'ReplicationInstances[*].KmsKeyId', then "
     "aws kms describe-key --key-id <id> --query KeyMetadata.KeyManager.",
     "The key of an instance is fixed at creation: create a customer managed key with a policy "
     "scoped to DMS, create a new instance with --kms-key-id and the old settings, move the "
     "tasks and delete the old instance.",
     {"dms describe-replication-instances", "kms describe-key/<key>", "kms list-aliases"},
     dwi_eval_dms02, NULL},
    {"DMS-03", "dms", "VPCs hosting DMS reach it through an interface VPC endpoint", DW_SEV_MEDIUM,
     {"PR.AC-5", "PR.PT-4"}, {6, 7}, "000", DW_FIX_IN_PLACE, "AWS::EC2::VPC", false, {NULL},
     "Each VPC that hosts a replication instance has an Interface endpoint for "
     "com.amazonaws.<region>.dms that is available and has private DNS enabled.",
     "Without it, calls to the DMS API from the VPC leave through an internet or NAT gateway.",
     "Console: VPC > Endpoints, filter on the service name. CLI: aws ec2 describe-vpc-endpoints "
     "--filters Name=service-name,Values=com.amazonaws.<region>.dms.",
     "Create the interface endpoint in the instance's subnets and security groups with private "
     "DNS, or turn private DNS on for an existing one.",
     {"dms describe-replication-instances", "ec2 describe-vpc-endpoints"}, dwi_eval_dms03, NULL},
    {"DMS-04", "dms", "DMS endpoints encrypt connections with SSL/TLS", DW_SEV_HIGH, {"PR.DS-2"},
     {2}, "000, 001", DW_FIX_IN_PLACE, "AWS::DMS::Endpoint", false, {NULL},
     "SslMode is not none; verify-full and verify-ca pass, require passes with a note; engines "
     "where SslMode has no meaning are not applicable.",
     "Replication moves whole databases; without TLS the rows cross the network in clear text.",
     "Console: DMS > Endpoints > SSL mode. CLI: aws dms describe-endpoints --query "
     "'Endpoints[*].[EndpointIdentifier,EngineName,SslMode]'.",
     "Import the CA certificate that signed the database's certificate and set --ssl-mode "
     "verify-full with --certificate-arn on the endpoint.",
     {"dms describe-endpoints"}, dwi_eval_dms04, NULL},
    {"DMS-05", "dms", "S3 and Redshift targets encrypt data with a customer managed key",
     DW_SEV_MEDIUM, {"PR.DS-1"}, {1}, "001", DW_FIX_IN_PLACE, "AWS::DMS::Endpoint", false, {NULL},
     "S3Settings or RedshiftSettings has EncryptionMode SSE_KMS and a customer managed key in "
     "ServerSideEncryptionKmsKeyId.",
     "Files DMS writes to S3 (also the staging files for Redshift) are otherwise encrypted with "
     "keys the company does not control.",
     "CLI: aws dms describe-endpoints --query "
     "'Endpoints[?EngineName==`s3`].[EndpointIdentifier,S3Settings.EncryptionMode,"
     "S3Settings.ServerSideEncryptionKmsKeyId]'.",
     "Modify the endpoint to EncryptionMode=SSE_KMS with a customer managed key the service "
     "access role may use.",
     {"dms describe-endpoints", "kms describe-key/<key>", "kms list-aliases"}, dwi_eval_dms05, NULL},
    {"DMS-06", "dms", "DMS resources carry the required tags", DW_SEV_LOW, {"ID.AM-1", "ID.AM-5"},
     {0}, "000", DW_FIX_IN_PLACE, INST, false, {"required_tags"},
     "Every replication instance, endpoint and task has each required tag key with a non-empty "
     "value.",
     "Tags tie each resource to an owner, an environment and a data classification, which "
     "inventory, cost and incident response depend on.",
     "Console: DMS > each resource > Tags. CLI: aws dms list-tags-for-resource --resource-arn "
     "<arn>.",
     "Add the missing tags with aws dms add-tags-to-resource.",
     {"dms describe-replication-instances", "dms describe-endpoints",
      "dms describe-replication-tasks", "dms list-tags-for-resource/<id>"},
     dwi_eval_dms06, NULL},
    {"DMS-07", "dms", "CloudTrail records management events where DMS runs", DW_SEV_MEDIUM,
     {"DE.CM-1", "DE.CM-7", "PR.PT-1"}, {4}, "000", DW_FIX_IN_PLACE, ACCT, false, {NULL},
     "In each region with DMS resources, a trail that covers the region (multi-region or homed "
     "there) is logging and records management events.",
     "Who created, changed or deleted a replication instance, endpoint or task is only known "
     "from CloudTrail management events.",
     "Console: CloudTrail > Trails. CLI: aws cloudtrail describe-trails, get-trail-status --name "
     "<trail> and get-event-selectors --trail-name <trail>.",
     "Create a multi-region trail, start logging, or turn management events on.",
     {"dms describe-replication-instances", "dms describe-endpoints",
      "dms describe-replication-tasks", "cloudtrail describe-trails",
      "cloudtrail get-trail-status/<trail>", "cloudtrail get-event-selectors/<trail>"},
     dwi_eval_dms07, NULL},
    {"DMS-08", "dms", "DMS tasks send logs to CloudWatch", DW_SEV_MEDIUM, {"DE.CM-1", "PR.PT-1"},
     {4}, "000", DW_FIX_IN_PLACE, "AWS::DMS::ReplicationTask", false, {NULL},
     "The task's ReplicationTaskSettings (a JSON string) has Logging.EnableLogging true.",
     "Task logs show what was read, written and rejected; without them a failed or tampered "
     "migration leaves no trace.",
     "Console: DMS > Tasks > task > Task settings > Logging. CLI: aws dms "
     "describe-replication-tasks --query 'ReplicationTasks[*].ReplicationTaskSettings'.",
     "Stop the task, set Logging.EnableLogging with modify-replication-task, resume it.",
     {"dms describe-replication-tasks"}, dwi_eval_dms08, NULL},
    {"DMS-09", "dms", "DMS instances take minor engine upgrades automatically", DW_SEV_MEDIUM,
     {"PR.IP-12", "ID.RA-1"}, {0}, "000", DW_FIX_IN_PLACE, INST, false, {NULL},
     "AutoMinorVersionUpgrade is true.",
     "Minor versions carry security fixes; applying them in the maintenance window keeps "
     "instances patched without a person remembering to.",
     "Console: DMS > instance > Maintenance. CLI: aws dms describe-replication-instances --query "
     "'ReplicationInstances[*].[ReplicationInstanceIdentifier,AutoMinorVersionUpgrade]'.",
     "aws dms modify-replication-instance --auto-minor-version-upgrade.",
     {"dms describe-replication-instances"}, dwi_eval_dms09, NULL},
    {"DMS-10", "dms", "Production DMS instances are Multi-AZ", DW_SEV_LOW, {"PR.PT-5"}, {0},
     "000, beyond", DW_FIX_IN_PLACE, INST, false, {"prod_tag"},
     "MultiAZ is true on instances tagged as production; other instances are not applicable.",
     "A single-AZ instance stops replication when its zone fails.",
     "CLI: aws dms describe-replication-instances --query "
     "'ReplicationInstances[*].[ReplicationInstanceIdentifier,MultiAZ]' and the instance tags.",
     "aws dms modify-replication-instance --multi-az.",
     {"dms describe-replication-instances", "dms list-tags-for-resource/<id>"}, dwi_eval_dms10, NULL},
    {"DMS-11", "dms", "DMS security groups do not open egress to the whole internet", DW_SEV_LOW,
     {"PR.AC-5"}, {6}, "001", DW_FIX_IN_PLACE, "AWS::EC2::SecurityGroup", false, {NULL},
     "No egress rule of an instance's security groups sends all ports to 0.0.0.0/0 or ::/0; "
     "rules to the internet are limited to the endpoints' database ports (and 443 for AWS APIs).",
     "Open egress lets a compromised instance send data anywhere.",
     "Console: EC2 > Security groups > Outbound rules. CLI: aws ec2 describe-security-groups "
     "--group-ids <ids> --query 'SecurityGroups[*].IpPermissionsEgress'.",
     "Add narrow egress rules for the database ports and revoke the wide rule.",
     {"dms describe-replication-instances", "ec2 describe-security-groups",
      "dms describe-endpoints", "dms describe-replication-tasks"},
     dwi_eval_dms11, NULL},
    {"DMS-12", "dms", "DMS endpoints take credentials from Secrets Manager", DW_SEV_MEDIUM,
     {"PR.AC-1"}, {8}, "001, beyond", DW_FIX_IN_PLACE, "AWS::DMS::Endpoint", false, {NULL},
     "SecretsManagerSecretId is set in the endpoint's engine settings instead of a stored "
     "password.",
     "A secret in Secrets Manager can be rotated and its use audited; a password typed into the "
     "endpoint cannot.",
     "CLI: aws dms describe-endpoints --query 'Endpoints[*].[EndpointIdentifier,EngineName,"
     "MySQLSettings.SecretsManagerSecretId,PostgreSQLSettings.SecretsManagerSecretId]'.",
     "Store the credentials in a secret and point the endpoint's engine settings at it with an "
     "access role.",
     {"dms describe-endpoints"}, dwi_eval_dms12, NULL},

    {"DDB-01", "dynamodb", "IAM policies do not grant full DynamoDB access on all tables",
     DW_SEV_HIGH, {"PR.AC-4"}, {5}, "004", DW_FIX_MANUAL, "AWS::IAM::ManagedPolicy", true, {NULL},
     "No IAM user or role is allowed, by all its policies together (inline, attached customer "
     "and AWS managed, its groups', minus explicit Deny, capped by its permissions boundary), "
     "every DynamoDB action on every table of the account in a region, nor any DynamoDB action "
     "on every table through an Action wildcard over every service (\"*\"), and no Allow "
     "written with NotAction or NotResource reaches its tables; each customer managed policy is "
     "judged the same way on its own. Wildcards are read as IAM reads them.",
     "Least privilege: a broad grant lets one leaked credential read, change or delete every "
     "table.",
     "Console: IAM > Policies, filter by DynamoDB. CLI: aws iam "
     "get-account-authorization-details and read each policy's default version.",
     "Rewrite the statements to name the needed actions and table ARNs; replace the AWS managed "
     "full-access policy with a scoped one.",
     {"iam get-account-authorization-details"}, dwi_eval_ddb01, NULL},
    {"DDB-02", "dynamodb", "DynamoDB tables are encrypted with a customer managed key",
     DW_SEV_HIGH, {"PR.DS-1"}, {1, 3}, "004", DW_FIX_IN_PLACE, TABLE, false, {NULL},
     "SSEDescription.Status is ENABLED, SSEType KMS, and KMSMasterKeyArn names a customer "
     "managed key; the AWS owned key and alias/aws/dynamodb fail.",
     "Only a customer managed key lets the company own the key policy, audit every use and "
     "revoke access to the data.",
     "Console: DynamoDB > table > Additional settings > Encryption. CLI: aws dynamodb "
     "describe-table --table-name <t> --query Table.SSEDescription.",
     "aws dynamodb update-table --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=<key>.",
     {"dynamodb list-tables", "dynamodb describe-table/<table>", "kms describe-key/<key>",
      "kms list-aliases"},
     dwi_eval_ddb02, NULL},
    {"DDB-03", "dynamodb", "DAX is not used", DW_SEV_CRITICAL, {"PR.DS-1"}, {1}, "004",
     DW_FIX_MANUAL, ACCT, false, {"dax_approved"},
     "No DAX cluster exists: company policy has not approved DAX.",
     "A DAX cluster holds table data outside the controls approved for DynamoDB.",
     "Console: DynamoDB > DAX > Clusters. CLI: aws dax describe-clusters.",
     "Move clients to DynamoDB and delete the clusters, or get DAX approved (dax_approved=true).",
     {"dax describe-clusters"}, dwi_eval_ddb03, NULL},
    {"DDB-04", "dynamodb", "VPCs reach DynamoDB through a gateway endpoint", DW_SEV_MEDIUM,
     {"PR.AC-5", "PR.PT-4"}, {6, 7}, "004", DW_FIX_IN_PLACE, "AWS::EC2::VPC", false, {NULL},
     "In regions with tables, each VPC has a Gateway endpoint for com.amazonaws.<region>.dynamodb "
     "associated with every route table of the VPC.",
     "Without it, traffic to DynamoDB leaves the VPC through internet or NAT gateways.",
     "Console: VPC > Endpoints. CLI: aws ec2 describe-vpc-endpoints --filters "
     "Name=service-name,Values=com.amazonaws.<region>.dynamodb and aws ec2 "
     "describe-route-tables.",
     "Create the gateway endpoint with --route-table-ids, or add the missing route tables.",
     {"dynamodb list-tables", "ec2 describe-vpcs", "ec2 describe-vpc-endpoints",
      "ec2 describe-route-tables"},
     dwi_eval_ddb04, NULL},
    {"DDB-05", "dynamodb", "DynamoDB tables have a stream for data-plane change logging",
     DW_SEV_LOW, {"DE.CM-1", "PR.PT-1"}, {4}, "004", DW_FIX_IN_PLACE, TABLE, false, {NULL},
     "StreamSpecification.StreamEnabled is true.",
     "A stream records every item change, which feeds audit and anomaly detection.",
     "Console: DynamoDB > table > Exports and streams. CLI: aws dynamodb describe-table "
     "--table-name <t> --query Table.StreamSpecification.",
     "aws dynamodb update-table --stream-specification StreamEnabled=true,StreamViewType=...",
     {"dynamodb list-tables", "dynamodb describe-table/<table>"}, dwi_eval_ddb05, NULL},
    {"DDB-06", "dynamodb", "CloudTrail records DynamoDB data events", DW_SEV_MEDIUM,
     {"DE.CM-1", "PR.PT-1"}, {4}, "004", DW_FIX_IN_PLACE, ACCT, false, {NULL},
     "In each region with tables, a logging trail that covers the region has a data event "
     "selector (basic or advanced) for AWS::DynamoDB::Table.",
     "Management events do not show who read or wrote items; data events do.",
     "Console: CloudTrail > trail > Data events. CLI: aws cloudtrail get-event-selectors "
     "--trail-name <trail>.",
     "Add a DynamoDB data event selector to a logging multi-region trail.",
     {"dynamodb list-tables", "cloudtrail describe-trails", "cloudtrail get-trail-status/<trail>",
      "cloudtrail get-event-selectors/<trail>"},
     dwi_eval_ddb06, NULL},
    {"DDB-07", "dynamodb", "Every DynamoDB table has a CloudWatch alarm", DW_SEV_LOW,
     {"DE.CM-1", "DE.AE-3"}, {4}, "004", DW_FIX_IN_PLACE, TABLE, false, {NULL},
     "At least one alarm in namespace AWS/DynamoDB has the dimension TableName equal to the "
     "table.",
     "Alarms turn throttling, errors and unusual load into events someone sees.",
     "Console: CloudWatch > Alarms, filter by table. CLI: aws cloudwatch describe-alarms --query "
     "'MetricAlarms[?Namespace==`AWS/DynamoDB`]'.",
     "Create an alarm with aws cloudwatch put-metric-alarm on a table metric.",
     {"dynamodb list-tables", "dynamodb describe-table/<table>", "cloudwatch describe-alarms"}, dwi_eval_ddb07, NULL},
    {"DDB-08", "dynamodb", "DynamoDB tables carry the required tags", DW_SEV_LOW, {"ID.AM-1"},
     {0}, "004", DW_FIX_IN_PLACE, TABLE, false, {"required_tags"},
     "The table has each required tag key with a non-empty value.",
     "Untagged tables have no known owner or data classification.",
     "CLI: aws dynamodb list-tags-of-resource --resource-arn <table arn>.",
     "aws dynamodb tag-resource with the missing keys.",
     {"dynamodb list-tables", "dynamodb describe-table/<table>", "dynamodb list-tags-of-resource/<table>"}, dwi_eval_ddb08, NULL},
    {"DDB-09", "dynamodb", "DynamoDB tables have point-in-time recovery", DW_SEV_MEDIUM,
     {"PR.IP-4"}, {0}, "004", DW_FIX_IN_PLACE, TABLE, false, {NULL},
     "ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus is "
     "ENABLED.",
     "Point-in-time recovery undoes accidental or malicious writes to any second of the last 35 "
     "days.",
     "Console: DynamoDB > table > Backups. CLI: aws dynamodb describe-continuous-backups "
     "--table-name <t>.",
     "aws dynamodb update-continuous-backups --point-in-time-recovery-specification "
     "PointInTimeRecoveryEnabled=true.",
     {"dynamodb list-tables", "dynamodb describe-table/<table>", "dynamodb describe-continuous-backups/<table>"}, dwi_eval_ddb09, NULL},
    {"DDB-10", "dynamodb", "DynamoDB tables have a recent backup", DW_SEV_LOW,
     {"PR.IP-4", "RC.RP-1"}, {0}, "004", DW_FIX_IN_PLACE, TABLE, false, {"backup_max_age_days"},
     "An AVAILABLE backup (on-demand or AWS Backup, from list-backups --backup-type ALL) is "
     "younger than backup_max_age_days at the time of the snapshot.",
     "Backups are the way back after a table is deleted or a region-wide mistake.",
     "Console: DynamoDB > Backups. CLI: aws dynamodb list-backups --backup-type ALL.",
     "Take a backup now and add the table to an AWS Backup plan.",
     {"dynamodb list-tables", "dynamodb describe-table/<table>", "dynamodb list-backups"}, dwi_eval_ddb10, NULL},
    {"DDB-11", "dynamodb", "DynamoDB tables are in use", DW_SEV_LOW, {"ID.AM-1"}, {0}, "004",
     DW_FIX_MANUAL, TABLE, false, {"unused_days"},
     "ItemCount is above 0, or CloudWatch shows consumed read or write capacity within "
     "unused_days; tables younger than unused_days (CreationDateTime) are not applicable.",
     "Unused tables cost money and keep data and permissions around that nobody watches.",
     "CLI: aws dynamodb describe-table --query Table.ItemCount and aws cloudwatch "
     "get-metric-data for ConsumedReadCapacityUnits and ConsumedWriteCapacityUnits.",
     "Confirm with the owner, back the table up and delete it.",
     {"dynamodb list-tables", "dynamodb describe-table/<table>", "cloudwatch get-metric-data/<table>"},
     dwi_eval_ddb11, NULL},
    {"DDB-12", "dynamodb", "DynamoDB tables have deletion protection", DW_SEV_MEDIUM, {"PR.IP-4"},
     {0}, "beyond", DW_FIX_IN_PLACE, TABLE, false, {NULL},
     "DeletionProtectionEnabled is true.",
     "One API call by a mistaken script or an attacker cannot then delete the table.",
     "Console: DynamoDB > table > Additional settings. CLI: aws dynamodb describe-table --query "
     "Table.DeletionProtectionEnabled.",
     "aws dynamodb update-table --deletion-protection-enabled.",
     {"dynamodb list-tables", "dynamodb describe-table/<table>"}, dwi_eval_ddb12, NULL},
    {"DDB-13", "dynamodb", "DAX clusters encrypt at rest and in transit", DW_SEV_MEDIUM,
     {"PR.DS-1", "PR.DS-2"}, {1, 2}, "beyond", DW_FIX_RECREATE, "AWS::DAX::Cluster", false, {NULL},
     "SSEDescription.Status is ENABLED and ClusterEndpointEncryptionType is TLS.",
     "Where DAX is allowed, its cache holds table data that needs the same protection.",
     "Console: DynamoDB > DAX > cluster > Settings. CLI: aws dax describe-clusters --query "
     "'Clusters[*].[ClusterName,SSEDescription.Status,ClusterEndpointEncryptionType]'.",
     "Both settings are fixed at creation: create an encrypted TLS cluster, move clients, delete "
     "the old one.",
     {"dax describe-clusters"}, dwi_eval_ddb13, NULL},

    {"ACC-01", "account", "Customer managed KMS keys rotate automatically", DW_SEV_MEDIUM,
     {"PR.DS-1"}, {9}, "004", DW_FIX_IN_PLACE, "AWS::KMS::Key", false, {NULL},
     "KeyRotationEnabled is true on every enabled symmetric customer managed key made by KMS.",
     "Rotation limits how much data one key version protects.",
     "Console: KMS > key > Key rotation. CLI: aws kms get-key-rotation-status --key-id <id>.",
     "aws kms enable-key-rotation --key-id <id>.",
     {"kms list-keys", "kms describe-key/<key>", "kms get-key-rotation-status/<key>",
      "kms list-aliases"},
     dwi_eval_acc01, NULL},
    {"ACC-02", "account", "IAM access keys are younger than the rotation limit", DW_SEV_MEDIUM,
     {"PR.AC-1"}, {8}, "004", DW_FIX_IN_PLACE, "AWS::IAM::AccessKey", true,
     {"access_key_max_age_days"},
     "Every active access key is younger than access_key_max_age_days at snapshot time.",
     "Old keys have had more chances to leak; rotation bounds the damage.",
     "Console: IAM > Users > Security credentials. CLI: aws iam list-access-keys --user-name <u>.",
     "Create a new key, move consumers to it, deactivate and delete the old one.",
     {"iam get-account-authorization-details", "iam list-access-keys/<user>"}, dwi_eval_acc02, NULL},
    {"ACC-03", "account", "IAM users with a password or admin rights use MFA", DW_SEV_HIGH,
     {"PR.AC-7"}, {10}, "004", DW_FIX_MANUAL, "AWS::IAM::User", true, {NULL},
     "Users with a console password, or with administrator rights (AdministratorAccess or a "
     "policy allowing everything), have at least one MFA device.",
     "A password alone is one phishing page away from account takeover.",
     "Console: IAM > Users > MFA column. CLI: aws iam list-mfa-devices --user-name <u> and aws "
     "iam get-login-profile --user-name <u>.",
     "Enrol a virtual or hardware MFA device for the user.",
     {"iam get-account-authorization-details", "iam get-login-profile/<user>",
      "iam list-mfa-devices/<user>"},
     dwi_eval_acc03, NULL},
    {"ACC-04", "account", "IAM users have no console password", DW_SEV_MEDIUM, {"PR.AC-1"}, {5},
     "004", DW_FIX_IN_PLACE, "AWS::IAM::User", true, {NULL},
     "get-login-profile answers NoSuchEntity: people sign in through the identity provider and "
     "IAM users serve workloads only.",
     "IAM passwords sit outside the company's identity lifecycle and its MFA policy.",
     "Console: IAM > Users > Console access. CLI: aws iam get-login-profile --user-name <u>.",
     "aws iam delete-login-profile --user-name <u>.",
     {"iam get-account-authorization-details", "iam get-login-profile/<user>"}, dwi_eval_acc04, NULL},
    {"ACC-05", "account", "Key policies of DMS and DynamoDB keys are not open", DW_SEV_HIGH,
     {"PR.AC-4"}, {3}, "002", DW_FIX_MANUAL, "AWS::KMS::Key", false, {NULL},
     "In the policy of each customer managed key used by DMS or DynamoDB, no Allow statement "
     "opens the key to Principal \"*\" or another account without a condition that binds the "
     "caller to the account or organisation (every value of it), and no principal but the "
     "account root gets every kms action or a NotAction grant.",
     "The key policy is the last gate in front of encrypted data: an open policy undoes the "
     "encryption.",
     "Console: KMS > key > Key policy. CLI: aws kms get-key-policy --key-id <id> --policy-name "
     "default --output text.",
     "Rewrite the policy and apply it with aws kms put-key-policy.",
     {"dms describe-replication-instances", "dms describe-endpoints", "dynamodb list-tables",
      "dynamodb describe-table/<table>", "kms describe-key/<key>", "kms get-key-policy/<key>",
      "kms list-aliases"},
     dwi_eval_acc05, NULL},
    {"ACC-06", "account", "CloudTrail trails are multi-region, validated and encrypted with a CMK",
     DW_SEV_MEDIUM, {"PR.DS-6", "PR.PT-1"}, {1, 4}, "000, 004", DW_FIX_IN_PLACE,
     "AWS::CloudTrail::Trail", false, {NULL},
     "Each trail (judged in its home region) has IsMultiRegionTrail true, "
     "LogFileValidationEnabled true, and a KmsKeyId naming a customer managed key.",
     "The audit log must cover every region, show tampering and be readable only by those the "
     "key policy allows.",
     "Console: CloudTrail > Trails > trail > General details. CLI: aws cloudtrail "
     "describe-trails.",
     "aws cloudtrail update-trail --is-multi-region-trail --enable-log-file-validation "
     "--kms-key-id <key>.",
     {"cloudtrail describe-trails", "kms describe-key/<key>", "kms list-aliases"}, dwi_eval_acc06,
     NULL},
};

size_t dw_catalog_count(void) { return DW_ARRAY_LEN(s_catalog); }
const struct dw_control *dw_catalog_get(size_t i) { return &s_catalog[i]; }

const struct dw_control *dw_catalog_find(const char *id)
{
    for (size_t i = 0; i < DW_ARRAY_LEN(s_catalog); i++) {
        if (strcasecmp(s_catalog[i].id, id) == 0)
            return &s_catalog[i];
    }
    return NULL;
}

static const char *const s_results[] = {"PASS", "FAIL", "ERROR", "NOT_APPLICABLE", "MUTED"};
static const char *const s_sevs[] = {"low", "medium", "high", "critical"};
static const char *const s_fixes[] = {"in-place", "recreate", "manual"};

const char *dw_result_str(enum dw_result r) { return r < DW_RESULT_COUNT ? s_results[r] : "?"; }
const char *dw_severity_str(enum dw_severity s) { return s < DW_SEV_COUNT ? s_sevs[s] : "?"; }
const char *dw_fix_kind_str(enum dw_fix_kind k) { return k <= DW_FIX_MANUAL ? s_fixes[k] : "?"; }

bool dw_severity_parse(const char *s, enum dw_severity *out)
{
    for (size_t i = 0; i < DW_SEV_COUNT; i++) {
        if (strcasecmp(s, s_sevs[i]) == 0) {
            *out = (enum dw_severity)i;
            return true;
        }
    }
    return false;
}

bool dw_control_selected(const struct dw_control *c, const char **globs, size_t n)
{
    if (n == 0)
        return true;
    for (size_t i = 0; i < n; i++) {
        if (dw_glob_match(globs[i], c->id, true))
            return true;
    }
    return false;
}

enum dw_status dw_param_check(const char *name, const char *value, struct dw_error *err)
{
    const struct dw_param_def *def = NULL;
    for (size_t i = 0; i < DW_ARRAY_LEN(s_params); i++) {
        if (strcmp(s_params[i].name, name) == 0)
            def = &s_params[i];
    }
    if (!def)
        return dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0, "unknown parameter \"%s\"", name);
    if (strstr(name, "_days")) {
        const char *p = value;
        bool ok = *p != '\0';
        for (; *p && ok; p++)
            ok = isdigit((unsigned char)*p);
        if (!ok || strlen(value) > 6 || value[0] == '0')
            return dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0,
                                "%s must be a whole number of days from 1 to 999999", name);
    } else if (strcmp(name, "dax_approved") == 0) {
        if (strcmp(value, "true") != 0 && strcmp(value, "false") != 0)
            return dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0,
                                "dax_approved must be true or false");
    } else if (strcmp(name, "prod_tag") == 0) {
        if (!strchr(value, '=') || value[0] == '=')
            return dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0,
                                "prod_tag must look like KEY=VALUE");
    } else if (strcmp(name, "required_tags") == 0 && !*value) {
        return dw_error_set(err, DW_E_USAGE, "--param", 0, 0, 0,
                            "required_tags must name at least one tag key");
    }
    return DW_OK;
}
