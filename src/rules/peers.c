/* peers.c: for each catalog control, the nearest check of the tools people
 * compare dbward with, and how dbward's control differs. Names are the
 * tools' public check ids; "none" means no check of that tool covers it. */
#include <string.h>

#include <dbward/dbward.h>

static const struct dw_peers s_peers[] = {
    {"ACCOUNT", "none", "none", "none", "none",
     "Scanners that cannot enter an account usually log it and go on; dbward reports the account as an ERROR "
     "finding, so an account it could not audit never reads as one without failures."},
    {"DMS-01", "dms_instance_no_public_access", "DMS.1", "dms-replication-not-public",
     "Publicly Accessible DMS Replication Instances",
     "Same property; dbward also names the public address it saw and writes the recreate procedure, since "
     "PubliclyAccessible cannot be changed in place."},
    {"DMS-02", "none", "none", "none", "AWS DMS Replication Instances Encrypted with KMS CMKs",
     "dbward resolves the key through kms describe-key and fails the AWS managed alias/aws/dms key and keys "
     "that are disabled or pending deletion, not only a missing KmsKeyId."},
    {"DMS-03", "none", "none", "service-vpc-endpoint-enabled (serviceName dms)", "none",
     "The Config rule only asks that an endpoint exists; dbward checks each VPC that hosts an instance, and "
     "that its interface endpoint is available with private DNS on."},
    {"DMS-04", "dms_endpoint_ssl_enabled", "DMS.9", "dms-endpoint-ssl-configured", "none",
     "dbward grades the mode (verify-full and verify-ca pass, require passes with a note) and marks engines "
     "where SslMode has no meaning NOT_APPLICABLE instead of failing them."},
    {"DMS-05", "none", "none", "none", "none",
     "No peer checks the encryption of S3 and Redshift targets with a customer managed key."},
    {"DMS-06", "none", "DMS.4 (instances only)", "required-tags", "none",
     "Covers instances, endpoints and tasks with one required_tags parameter; an empty value fails."},
    {"DMS-07", "cloudtrail_multi_region_enabled", "CloudTrail.1", "multi-region-cloudtrail-enabled", "none",
     "Judged per region where DMS runs: a single-region trail elsewhere does not count, and the trail must "
     "be logging and record management events."},
    {"DMS-08", "dms_replication_task_source_logging_enabled", "DMS.7, DMS.8",
     "dms-replication-task-sourcedb-logging", "none",
     "Reads Logging.EnableLogging from the task's settings document; a task whose settings cannot be "
     "parsed is ERROR, not PASS."},
    {"DMS-09", "dms_instance_minor_version_upgrade_enabled", "DMS.6", "dms-auto-minor-version-upgrade-check",
     "none", "Same property, with the one modify-replication-instance command filled in."},
    {"DMS-10", "dms_instance_multi_az_enabled", "DMS.13", "none", "none",
     "Only instances tagged as production must be Multi-AZ (the tag is a parameter); the others are "
     "NOT_APPLICABLE rather than failures."},
    {"DMS-11", "none (ingress only)", "none (ingress only)", "none", "none",
     "Peers look at inbound rules; dbward checks egress to 0.0.0.0/0 and ::/0, allowing only the endpoints' "
     "database ports and 443."},
    {"DMS-12", "none", "none", "none", "none",
     "No peer checks that endpoints read credentials from Secrets Manager instead of a stored password."},
    {"DDB-01", "iam_policy_allows_privilege_escalation (nearest)", "IAM.1 (admin only)",
     "iam-policy-no-statements-with-full-access", "none",
     "dbward reasons over Action/NotAction and Resource/NotResource wildcards, covers inline policies, and "
     "flags AmazonDynamoDBFullAccess attachments; conditions are named in the reason."},
    {"DDB-02", "dynamodb_tables_kms_cmk_encryption_enabled", "none", "dynamodb-table-encrypted-kms",
     "Enable Encryption at Rest with Amazon KMS Keys",
     "The AWS managed alias/aws/dynamodb key fails too: the key is resolved with kms describe-key."},
    {"DDB-03", "none", "none", "none", "none", "A company policy control: any DAX cluster fails until DAX is approved."},
    {"DDB-04", "none", "none", "service-vpc-endpoint-enabled (serviceName dynamodb)", "none",
     "dbward checks the gateway endpoint is associated with every route table of the VPC, not only that it exists."},
    {"DDB-05", "none", "none", "none", "none", "No peer requires a stream on every table as a change log."},
    {"DDB-06", "none (S3 data events only)", "none", "none", "none",
     "Basic and advanced event selectors for AWS::DynamoDB::Table both count, on a logging trail that covers "
     "the table's region."},
    {"DDB-07", "none", "none", "cloudwatch-alarm-resource-check", "none",
     "Any alarm in AWS/DynamoDB with the table's TableName dimension counts; the fix is a put-metric-alarm command."},
    {"DDB-08", "none", "DynamoDB.5", "required-tags", "none", "One required_tags parameter shared with DMS-06."},
    {"DDB-09", "dynamodb_tables_pitr_enabled", "DynamoDB.2", "dynamodb-pitr-enabled", "DynamoDB Continuous Backups",
     "Same property; a table whose continuous-backups call failed is ERROR."},
    {"DDB-10", "dynamodb_table_protected_by_backup_plan", "DynamoDB.4", "dynamodb-last-backup-recovery-point-created",
     "none",
     "Counts on-demand and AWS Backup backups alike and measures their age from the snapshot time, so old "
     "evidence is judged as it was."},
    {"DDB-11", "none", "none", "none", "Unused DynamoDB Tables (nearest)",
     "Uses ItemCount and CloudWatch consumed capacity over unused_days; a missing metric call is ERROR."},
    {"DDB-12", "dynamodb_table_deletion_protection_enabled", "DynamoDB.6",
     "dynamodb-table-deletion-protection-enabled", "none",
     "Same property; evidence from a CLI that drops the field gives ERROR, never PASS."},
    {"DDB-13", "dynamodb_accelerator_cluster_encryption_enabled", "DynamoDB.3, DynamoDB.7",
     "dax-encryption-enabled, dax-tls-endpoint-encryption", "DAX Cluster Encryption",
     "One control for both at rest and in transit, matching the seed's requirement."},
    {"ACC-01", "kms_cmk_rotation_enabled", "KMS.4", "cmk-backing-key-rotation-enabled", "KMS Key Rotation",
     "Only enabled symmetric keys made by KMS are judged; imported and asymmetric keys are NOT_APPLICABLE."},
    {"ACC-02", "iam_rotate_access_key_90_days", "IAM.3", "access-keys-rotated", "Access Keys Rotated",
     "The age limit is a parameter and is measured from the snapshot time."},
    {"ACC-03", "iam_user_mfa_enabled_console_access", "IAM.5", "mfa-enabled-for-iam-console-access",
     "MFA for IAM Users With Console Password",
     "Also requires MFA for users with administrator rights who have no console password."},
    {"ACC-04", "none", "none", "none", "none",
     "A company rule: people sign in through the identity provider, so any IAM console password fails."},
    {"ACC-05", "kms_key_not_publicly_accessible", "none", "none", "KMS Key Exposed",
     "Only keys used by DMS or DynamoDB are judged; a condition must limit account, organisation or network "
     "to count, and kms:* beyond the root fails."},
    {"ACC-06", "cloudtrail_multi_region_enabled, cloudtrail_log_file_validation_enabled, "
               "cloudtrail_kms_encryption_enabled",
     "CloudTrail.1, CloudTrail.2, CloudTrail.4",
     "multi-region-cloudtrail-enabled, cloud-trail-log-file-validation-enabled, cloud-trail-encryption-enabled",
     "CloudTrail Log File Integrity Validation",
     "The three properties in one control, and the key must be customer managed."},
};

const struct dw_peers *dw_control_peers(const char *id)
{
    for (size_t i = 0; i < sizeof(s_peers) / sizeof(s_peers[0]); i++) {
        if (strcmp(s_peers[i].id, id) == 0)
            return &s_peers[i];
    }
    return NULL;
}
