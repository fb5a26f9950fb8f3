/* rules_dms.c: evaluators for DMS-01..DMS-12 (replication instances,
 * endpoints, tasks and the network and logging around them). Each function
 * reads recorded calls through the snapshot and emits one finding per
 * resource; anything it could not read becomes ERROR with the reason. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules_int.h"

/* The evaluators are static: the table at the end of this file is the only
 * way to them. (Declared here, defined below.) */
static void dwi_eval_dms01(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_dms02(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_dms03(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_dms04(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_dms05(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_dms06(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_dms07(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_dms08(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_dms09(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_dms10(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_dms11(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_dms12(struct dw_scan_ctx *ctx, const struct dw_control *c);

#define RT_INST "AWS::DMS::ReplicationInstance"
#define RT_EP "AWS::DMS::Endpoint"
#define RT_TASK "AWS::DMS::ReplicationTask"

/* An absent field whose documented default fails the control (CONTROLS.md,
 * "How absent fields ... are read"): FAIL with this reason. */
#define DWI_ABSENT_FMT "%s is absent from the answer; AWS's documented default is %s"

static json_t *s_instances(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    const struct dw_doc *d = dwi_doc(ctx, "dms", "describe-replication-instances", NULL);
    return dwi_list(ctx, c, d, "ReplicationInstances", NULL, NULL);
}

static json_t *s_endpoints(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    const struct dw_doc *d = dwi_doc(ctx, "dms", "describe-endpoints", NULL);
    return dwi_list(ctx, c, d, "Endpoints", NULL, NULL);
}

static json_t *s_tasks(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    const struct dw_doc *d = dwi_doc(ctx, "dms", "describe-replication-tasks", NULL);
    return dwi_list(ctx, c, d, "ReplicationTasks", NULL, NULL);
}

static const char *s_inst_arn(json_t *i)
{
    const char *a = dwi_str(i, "ReplicationInstanceArn");
    return a ? a : dwi_str(i, "ReplicationInstanceIdentifier");
}

/* The seeds' procedure for settings that cannot change on a live instance:
 * new key (DMS-02), new instance with the old one's shape, move the tasks,
 * delete the old instance. */
static void s_recreate(struct dw_scan_ctx *ctx, struct dw_finding *f, json_t *inst, bool new_key)
{
    const char *id = dwi_str(inst, "ReplicationInstanceIdentifier");
    const char *arn = s_inst_arn(inst);
    const char *cls = dwi_str(inst, "ReplicationInstanceClass");
    json_t *storage = dwi_get(inst, "AllocatedStorage");
    const char *subnets = dwi_str(inst, "ReplicationSubnetGroup.ReplicationSubnetGroupIdentifier");
    const char *ver = dwi_str(inst, "EngineVersion");
    const char *key = dwi_str(inst, "KmsKeyId");
    const char *r = ctx->region;
    struct dw_buf sg;
    dw_buf_init(&sg, 65536);
    size_t i;
    json_t *g;
    json_array_foreach(dwi_get(inst, "VpcSecurityGroups"), i, g)
    {
        if (dwi_str(g, "VpcSecurityGroupId"))
            dw_shell_printf(&sg, " %s", dwi_str(g, "VpcSecurityGroupId"));
    }
    char *sgs = dw_buf_steal(&sg);
    char *newid = dw_xasprintf("%s-new", id ? id : "replication-instance");

    if (new_key) {
        dwi_cmd(f,
                "printf '%%s' '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"KeyAdmins\","
                "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:%s:iam::%s:root\"},"
                "\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Sid\":\"UseThroughDMS\",\"Effect\":"
                "\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":[\"kms:Encrypt\",\"kms:Decrypt\","
                "\"kms:ReEncrypt*\",\"kms:GenerateDataKey*\",\"kms:CreateGrant\",\"kms:DescribeKey\"],"
                "\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"%s\","
                "\"kms:ViaService\":\"dms.%s.amazonaws.com\"}}}]}' > dms-key-policy.json",
                ctx->partition, ctx->account, ctx->account, r);
        dwi_cmd(f,
                "KEY_ARN=$(aws kms create-key --region %s --description 'DMS storage key for %s' "
                "--policy file://dms-key-policy.json --query KeyMetadata.Arn --output text)",
                r, id ? id : "replication instance");
        dwi_cmd(f, "aws kms enable-key-rotation --region %s --key-id \"$KEY_ARN\"", r);
    }
    struct dw_buf b;
    dw_buf_init(&b, 65536);
    dw_shell_printf(&b,
                  "aws dms create-replication-instance --region %s "
                  "--replication-instance-identifier %s --replication-instance-class %s",
                  r, newid, cls ? cls : "REPLACE_WITH_CLASS");
    if (json_is_integer(storage))
        dw_shell_printf(&b, " --allocated-storage %lld", (long long)json_integer_value(storage));
    if (subnets)
        dw_shell_printf(&b, " --replication-subnet-group-identifier %s", subnets);
    if (sgs && *sgs) {
        dw_buf_puts(&b, " --vpc-security-group-ids");
        dw_buf_puts(&b, sgs); /* ids quoted when sg was built */
    }
    if (ver)
        dw_shell_printf(&b, " --engine-version %s", ver);
    dw_buf_puts(&b, dwi_bool(inst, "MultiAZ") == 1 ? " --multi-az" : " --no-multi-az");
    if (new_key)
        dw_buf_puts(&b, " --kms-key-id \"$KEY_ARN\"");
    else if (key)
        dw_shell_printf(&b, " --kms-key-id %s", key);
    dw_buf_puts(&b, " --no-publicly-accessible --auto-minor-version-upgrade");
    dwi_cmd_take(f, dw_buf_steal(&b));
    dwi_cmd(f,
            "aws dms wait replication-instance-available --region %s --filters "
            "Name=replication-instance-id,Values=%s",
            r, newid);
    dwi_cmd(f,
            "NEW_ARN=$(aws dms describe-replication-instances --region %s --filters "
            "Name=replication-instance-id,Values=%s --query "
            "'ReplicationInstances[0].ReplicationInstanceArn' --output text)",
            r, newid);

    const struct dw_doc *td = dwi_doc(ctx, "dms", "describe-replication-tasks", NULL);
    json_t *tasks = td->state == DW_DOC_OK ? dwi_dms_tasks_of(ctx, arn) : NULL;
    size_t moved = 0;
    json_array_foreach(tasks, i, g)
    {
        const char *ta = dwi_str(g, "ReplicationTaskArn");
        if (!ta)
            continue;
        moved++;
        dwi_cmd(f, "aws dms stop-replication-task --region %s --replication-task-arn %s", r, ta);
        dwi_cmd(f,
                "aws dms wait replication-task-stopped --region %s --filters "
                "Name=replication-task-arn,Values=%s",
                r, ta);
        dwi_cmd(f,
                "aws dms move-replication-task --region %s --replication-task-arn %s "
                "--target-replication-instance-arn \"$NEW_ARN\"",
                r, ta);
    }
    if (td->state != DW_DOC_OK)
        dwi_note(f, "The task list could not be read (%s): move every task of this instance "
                    "to the new one before deleting it.", td->reason);
    else if (moved)
        dwi_note(f, "Restart each moved task with aws dms start-replication-task "
                    "--start-replication-task-type resume-processing once it shows as moved.");
    dwi_cmd(f, "aws dms delete-replication-instance --region %s --replication-instance-arn %s", r,
            arn ? arn : "REPLACE_WITH_OLD_ARN");
    dwi_note(f, "Review the new instance before deleting the old one; deletion cannot be undone.");
    dwi_note(f, "DMS-01 and DMS-02 both need a new instance: when both fail for this instance, "
                "make one new instance that is private and uses a customer managed key.");
    free(sgs);
    free(newid);
}

void dwi_eval_dms01(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    json_t *arr = s_instances(ctx, c);
    size_t i;
    json_t *inst;
    json_array_foreach(arr, i, inst)
    {
        const char *arn = s_inst_arn(inst);
        int pub = dwi_bool(inst, "PubliclyAccessible");
        if (!dwi_get(inst, "PubliclyAccessible")) {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, NULL, arn, DWI_ABSENT_FMT,
                                            "PubliclyAccessible", "true");
            s_recreate(ctx, f, inst, false);
        } else if (pub < 0) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn, "PubliclyAccessible is not a boolean");
        } else if (pub == 0) {
            dwi_emit(ctx, c, DW_PASS, NULL, arn, "PubliclyAccessible is false");
        } else {
            const char *ip = dwi_str(inst, "ReplicationInstancePublicIpAddress");
            struct dw_finding *f =
                dwi_emit(ctx, c, DW_FAIL, NULL, arn, "PubliclyAccessible is true%s%s%s",
                         ip ? " (public address " : "", ip ? ip : "", ip ? ")" : "");
            s_recreate(ctx, f, inst, false);
        }
    }
}

void dwi_eval_dms02(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    json_t *arr = s_instances(ctx, c);
    size_t i;
    json_t *inst;
    json_array_foreach(arr, i, inst)
    {
        const char *arn = s_inst_arn(inst);
        const char *ref = dwi_str(inst, "KmsKeyId");
        if (!dwi_get(inst, "KmsKeyId")) {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, NULL, arn, DWI_ABSENT_FMT, "KmsKeyId",
                                            "the account's aws/dms key");
            s_recreate(ctx, f, inst, true);
            continue;
        }
        if (!ref || !*ref) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn, "KmsKeyId is not a key reference");
            continue;
        }
        struct dwi_key k;
        dwi_key_resolve(ctx, ref, ctx->region, &k);
        if (!k.ok) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn, "KmsKeyId %s could not be checked: %s", ref,
                     k.reason);
        } else if (k.aws_managed == 1) {
            struct dw_finding *f = dwi_emit(
                ctx, c, DW_FAIL, NULL, arn,
                "KmsKeyId %s is an AWS managed key (%s), not a customer managed key", ref,
                k.why_aws);
            s_recreate(ctx, f, inst, true);
        } else if (strcmp(k.state, "Enabled") != 0) {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, NULL, arn,
                                            "customer managed key %s has KeyState %s, not Enabled",
                                            ref, k.state);
            if (strcmp(k.state, "Disabled") == 0)
                dwi_cmd(f, "aws kms enable-key --region %s --key-id %s", k.region, k.key_id);
            else if (strcmp(k.state, "PendingDeletion") == 0)
                dwi_cmd(f, "aws kms cancel-key-deletion --region %s --key-id %s", k.region,
                        k.key_id);
            else
                dwi_note(f, "Decide whether key %s can be restored; otherwise recreate the "
                            "instance with a new customer managed key.", k.key_id);
        } else if (k.aws_managed < 0) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn,
                     "KmsKeyId %s says KeyManager CUSTOMER, but whether an alias/aws/ alias "
                     "targets it is unknown: %s",
                     ref, k.alias_reason);
        } else {
            dwi_emit(ctx, c, DW_PASS, NULL, arn, "KmsKeyId %s is customer managed and Enabled",
                     ref);
        }
        dwi_key_clean_up(&k);
    }
}

static bool s_seen(char ***seen, size_t *n, const char *v)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*seen)[i], v) == 0)
            return true;
    }
    *seen = dw_xrealloc(*seen, (*n + 1) * sizeof(char *));
    (*seen)[(*n)++] = dw_xstrdup(v);
    return false;
}

static void s_seen_free(char **seen, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(seen[i]);
    free(seen);
}

static bool s_service_is(const char *name, const char *region, const char *svc)
{
    if (!name)
        return false;
    char *a = dw_xasprintf("com.amazonaws.%s.%s", region, svc);
    char *b = dw_xasprintf("cn.com.amazonaws.%s.%s", region, svc);
    bool r = strcmp(name, a) == 0 || strcmp(name, b) == 0;
    free(a);
    free(b);
    return r;
}

static char *s_vpc_arn(struct dw_scan_ctx *ctx, const char *vpc)
{
    return dw_xasprintf("arn:%s:ec2:%s:%s:vpc/%s", ctx->partition, ctx->region, ctx->account, vpc);
}

void dwi_eval_dms03(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    json_t *arr = s_instances(ctx, c);
    if (!arr)
        return;
    char **seen = NULL;
    size_t n_seen = 0;
    const struct dw_doc *ed = dwi_doc(ctx, "ec2", "describe-vpc-endpoints", NULL);
    size_t i;
    json_t *inst;
    json_array_foreach(arr, i, inst)
    {
        const char *vpc = dwi_str(inst, "ReplicationSubnetGroup.VpcId");
        if (!vpc) {
            dwi_emit(ctx, c, DW_ERROR, RT_INST, s_inst_arn(inst),
                     "ReplicationSubnetGroup.VpcId is missing, so the hosting VPC is unknown");
            continue;
        }
        if (s_seen(&seen, &n_seen, vpc))
            continue;
        char *varn = s_vpc_arn(ctx, vpc);
        if (!dwi_list(ctx, c, ed, "VpcEndpoints", "AWS::EC2::VPC", varn)) {
            free(varn);
            continue;
        }
        json_t *found = NULL;
        bool good = false;
        size_t k;
        json_t *ep;
        json_array_foreach(dwi_ec2_vpc_endpoints_of(ctx, vpc), k, ep)
        {
            const char *type = dwi_str(ep, "VpcEndpointType");
            const char *evpc = dwi_str(ep, "VpcId");
            if (!type || strcmp(type, "Interface") != 0 || !evpc || strcmp(evpc, vpc) != 0 ||
                !s_service_is(dwi_str(ep, "ServiceName"), ctx->region, "dms"))
                continue;
            const char *st = dwi_str(ep, "State");
            bool avail = st && strcasecmp(st, "available") == 0;
            bool dns = dwi_bool(ep, "PrivateDnsEnabled") == 1;
            if (!found || (avail && dns))
                found = ep;
            good = good || (avail && dns);
        }
        if (good) {
            dwi_emit(ctx, c, DW_PASS, "AWS::EC2::VPC", varn,
                     "interface endpoint %s for DMS is available with private DNS",
                     dwi_str(found, "VpcEndpointId") ? dwi_str(found, "VpcEndpointId") : "?");
        } else if (found) {
            const char *eid = dwi_str(found, "VpcEndpointId");
            const char *st = dwi_str(found, "State");
            struct dw_finding *f =
                dwi_emit(ctx, c, DW_FAIL, "AWS::EC2::VPC", varn,
                         "interface endpoint %s for DMS has State %s and PrivateDnsEnabled %s",
                         eid ? eid : "?", st ? st : "(missing)",
                         dwi_bool(found, "PrivateDnsEnabled") == 1 ? "true" : "false");
            if (dwi_bool(found, "PrivateDnsEnabled") != 1)
                dwi_cmd(f, "aws ec2 modify-vpc-endpoint --region %s --vpc-endpoint-id %s "
                           "--private-dns-enabled",
                        ctx->region, eid ? eid : "REPLACE_WITH_ENDPOINT_ID");
            if (!st || strcasecmp(st, "available") != 0)
                dwi_note(f, "An endpoint that is not available carries no traffic: check why it "
                            "is %s (pendingAcceptance, failed, ...) and recreate it if needed.",
                         st ? st : "in an unknown state");
        } else {
            struct dw_finding *f =
                dwi_emit(ctx, c, DW_FAIL, "AWS::EC2::VPC", varn,
                         "no interface VPC endpoint for com.amazonaws.%s.dms in %s", ctx->region,
                         vpc);
            struct dw_buf b;
            dw_buf_init(&b, 65536);
            dw_shell_printf(&b,
                          "aws ec2 create-vpc-endpoint --region %s --vpc-endpoint-type Interface "
                          "--vpc-id %s --service-name com.amazonaws.%s.dms",
                          ctx->region, vpc, ctx->region);
            json_t *subs = dwi_get(inst, "ReplicationSubnetGroup.Subnets");
            if (json_array_size(subs)) {
                dw_buf_puts(&b, " --subnet-ids");
                json_array_foreach(subs, k, ep)
                {
                    if (dwi_str(ep, "SubnetIdentifier"))
                        dw_shell_printf(&b, " %s", dwi_str(ep, "SubnetIdentifier"));
                }
            }
            json_t *sgs = dwi_get(inst, "VpcSecurityGroups");
            if (json_array_size(sgs)) {
                dw_buf_puts(&b, " --security-group-ids");
                json_array_foreach(sgs, k, ep)
                {
                    if (dwi_str(ep, "VpcSecurityGroupId"))
                        dw_shell_printf(&b, " %s", dwi_str(ep, "VpcSecurityGroupId"));
                }
            }
            dw_buf_puts(&b, " --private-dns-enabled");
            dwi_cmd_take(f, dw_buf_steal(&b));
        }
        free(varn);
    }
    s_seen_free(seen, n_seen);
}

static bool s_in(const char *v, const char *const *list)
{
    for (; v && *list; list++) {
        if (strcmp(v, *list) == 0)
            return true;
    }
    return false;
}

static const char *const s_ssl_engines[] = {
    "mysql", "mariadb", "aurora", "aurora-postgresql", "postgres", "oracle", "sqlserver", "sybase",
    "mongodb", "docdb", "db2", "db2-zos", "azuredb", "azure-sql-managed-instance", "babelfish",
    "gcp-mysql", NULL};
static const char *const s_nossl_engines[] = {
    "s3", "dynamodb", "kinesis", "kafka", "elasticsearch", "opensearch", "neptune", "redshift",
    "redshift-serverless", "redis", "dms-transfer", NULL};

static void s_ssl_fix(struct dw_scan_ctx *ctx, struct dw_finding *f, json_t *ep, const char *arn)
{
    dwi_cmd(f,
            "CERT_ARN=$(aws dms import-certificate --region %s --certificate-identifier "
            "%s-ca --certificate-pem file://REPLACE_WITH_CA_BUNDLE.pem --query "
            "Certificate.CertificateArn --output text)",
            ctx->region, dwi_str(ep, "EndpointIdentifier") ? dwi_str(ep, "EndpointIdentifier") : "db");
    dwi_cmd(f,
            "aws dms modify-endpoint --region %s --endpoint-arn %s --ssl-mode verify-full "
            "--certificate-arn \"$CERT_ARN\"",
            ctx->region, arn ? arn : "REPLACE_WITH_ENDPOINT_ARN");
    dwi_note(f, "Use the CA bundle that signed the database server's certificate, then "
                "run aws dms test-connection before restarting tasks.");
}

void dwi_eval_dms04(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    json_t *arr = s_endpoints(ctx, c);
    size_t i;
    json_t *ep;
    json_array_foreach(arr, i, ep)
    {
        const char *arn = dwi_str(ep, "EndpointArn");
        const char *eng = dwi_str(ep, "EngineName");
        const char *mode = dwi_str(ep, "SslMode");
        if (!eng) {
            dwi_emit(ctx, c, DW_ERROR, RT_EP, arn, "EngineName is missing from the answer");
        } else if (s_in(eng, s_nossl_engines)) {
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, RT_EP, arn,
                     "engine %s does not use the DMS SslMode setting (TLS is set by the service "
                     "or by engine settings)",
                     eng);
        } else if (!mode && dwi_get(ep, "SslMode")) {
            dwi_emit(ctx, c, DW_ERROR, RT_EP, arn, "SslMode is not a string (engine %s)", eng);
        } else if (!mode) {
            struct dw_finding *f =
                dwi_emit(ctx, c, DW_FAIL, RT_EP, arn, DWI_ABSENT_FMT " (engine %s)", "SslMode",
                         "none", eng);
            s_ssl_fix(ctx, f, ep, arn);
        } else if (strcmp(mode, "verify-full") == 0 || strcmp(mode, "verify-ca") == 0) {
            dwi_emit(ctx, c, DW_PASS, RT_EP, arn, "SslMode is %s (engine %s)", mode, eng);
        } else if (strcmp(mode, "require") == 0) {
            struct dw_finding *f = dwi_emit(ctx, c, DW_PASS, RT_EP, arn,
                                            "SslMode is require (engine %s): encrypted, but the "
                                            "server certificate is not verified",
                                            eng);
            dwi_note(f, "verify-full also checks the server's certificate and host name.");
        } else {
            struct dw_finding *f =
                dwi_emit(ctx, c, DW_FAIL, RT_EP, arn, "SslMode is %s (engine %s)%s", mode, eng,
                         s_in(eng, s_ssl_engines) ? "" : " [engine not in dbward's list]");
            s_ssl_fix(ctx, f, ep, arn);
        }
    }
}

void dwi_eval_dms05(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    json_t *arr = s_endpoints(ctx, c);
    size_t i;
    json_t *ep;
    json_array_foreach(arr, i, ep)
    {
        const char *arn = dwi_str(ep, "EndpointArn");
        const char *eng = dwi_str(ep, "EngineName");
        const char *type = dwi_str(ep, "EndpointType");
        if (!eng || !type) {
            dwi_emit(ctx, c, DW_ERROR, RT_EP, arn, "EngineName or EndpointType is missing");
            continue;
        }
        bool s3 = strcmp(eng, "s3") == 0;
        bool rs = strcmp(eng, "redshift") == 0;
        if ((!s3 && !rs) || strcasecmp(type, "target") != 0) {
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, RT_EP, arn,
                     "%s %s endpoint: only S3 and Redshift targets store data at rest", eng,
                     type);
            continue;
        }
        const char *block = s3 ? "S3Settings" : "RedshiftSettings";
        json_t *set = dwi_get(ep, block);
        if (!json_is_object(set)) {
            dwi_emit(ctx, c, DW_ERROR, RT_EP, arn, "%s is missing from the answer", block);
            continue;
        }
        const char *mode = dwi_str(set, "EncryptionMode");
        const char *key = dwi_str(set, "ServerSideEncryptionKmsKeyId");
        const char *opt = s3 ? "--s3-settings" : "--redshift-settings";
        if (!mode || strcmp(mode, "SSE_KMS") != 0 || !key || !*key) {
            struct dw_finding *f =
                dwi_emit(ctx, c, DW_FAIL, RT_EP, arn, "%s.EncryptionMode is %s%s", block,
                         mode ? mode : "not set (SSE_S3 by default)",
                         mode && strcmp(mode, "SSE_KMS") == 0 ? " without ServerSideEncryptionKmsKeyId" : "");
            dwi_cmd(f,
                    "aws dms modify-endpoint --region %s --endpoint-arn %s %s "
                    "EncryptionMode=SSE_KMS,ServerSideEncryptionKmsKeyId=REPLACE_WITH_CMK_ARN",
                    ctx->region, arn ? arn : "REPLACE_WITH_ENDPOINT_ARN", opt);
            dwi_note(f, "Use a customer managed key whose policy lets the endpoint's service "
                        "access role use it.");
            continue;
        }
        struct dwi_key k;
        dwi_key_resolve(ctx, key, ctx->region, &k);
        if (!k.ok) {
            dwi_emit(ctx, c, DW_ERROR, RT_EP, arn, "ServerSideEncryptionKmsKeyId %s could not be "
                     "checked: %s", key, k.reason);
        } else if (k.aws_managed == 1) {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, RT_EP, arn,
                                            "SSE_KMS uses %s, an AWS managed key (%s)", key,
                                            k.why_aws);
            dwi_cmd(f,
                    "aws dms modify-endpoint --region %s --endpoint-arn %s %s "
                    "EncryptionMode=SSE_KMS,ServerSideEncryptionKmsKeyId=REPLACE_WITH_CMK_ARN",
                    ctx->region, arn ? arn : "REPLACE_WITH_ENDPOINT_ARN", opt);
        } else if (k.aws_managed < 0) {
            dwi_emit(ctx, c, DW_ERROR, RT_EP, arn,
                     "ServerSideEncryptionKmsKeyId %s says KeyManager CUSTOMER, but whether an "
                     "alias/aws/ alias targets it is unknown: %s",
                     key, k.alias_reason);
        } else {
            dwi_emit(ctx, c, DW_PASS, RT_EP, arn, "%s.EncryptionMode is SSE_KMS with customer "
                     "managed key %s", block, key);
        }
        dwi_key_clean_up(&k);
    }
}

static void s_tags_check(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *rtype,
                         const char *arn)
{
    if (!arn) {
        dwi_emit(ctx, c, DW_ERROR, rtype, "", "a resource in the answer has no ARN");
        return;
    }
    const struct dw_doc *d =
        dwi_doc(ctx, "dms", "list-tags-for-resource", dwi_arn_tail(arn));
    if (d->state != DW_DOC_OK) {
        dwi_emit(ctx, c, DW_ERROR, rtype, arn, "%s", d->reason);
        return;
    }
    json_t *tags = dwi_get(d->json, "TagList");
    if (!json_is_array(tags)) {
        dwi_emit(ctx, c, DW_ERROR, rtype, arn, "%s.json has no \"TagList\" array", d->path);
        return;
    }
    char *missing = dwi_missing_tags(ctx, tags);
    if (!missing) {
        dwi_emit(ctx, c, DW_PASS, rtype, arn, "has every required tag (%s)",
                 dwi_param(ctx, "required_tags"));
        return;
    }
    struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, rtype, arn, "missing required tags: %s",
                                    missing);
    char *prefix = dw_shell_asprintf("aws dms add-tags-to-resource --region %s --resource-arn %s --tags", ctx->region, arn);
    dwi_tag_fix(f, prefix, missing);
    free(prefix);
    free(missing);
}

void dwi_eval_dms06(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    size_t i;
    json_t *x;
    json_array_foreach(s_instances(ctx, c), i, x)
        s_tags_check(ctx, c, RT_INST, dwi_str(x, "ReplicationInstanceArn"));
    json_array_foreach(s_endpoints(ctx, c), i, x)
        s_tags_check(ctx, c, RT_EP, dwi_str(x, "EndpointArn"));
    json_array_foreach(s_tasks(ctx, c), i, x)
        s_tags_check(ctx, c, RT_TASK, dwi_str(x, "ReplicationTaskArn"));
}

/* Result of one trail for a purpose; reason is new. */
static enum dw_result s_trail_logs(const struct dwi_trail *t, bool data_ddb, char **reason)
{
    if (t->status->state != DW_DOC_OK) {
        *reason = dw_xstrdup(t->status->reason);
        return DW_ERROR;
    }
    int logging = dwi_bool(t->status->json, "IsLogging");
    if (logging < 0) {
        *reason = dw_xasprintf("%s.json has no IsLogging", t->status->path);
        return DW_ERROR;
    }
    if (!logging) {
        *reason = dw_xasprintf("trail %s is not logging (IsLogging false)", t->name);
        return DW_FAIL;
    }
    if (t->selectors->state != DW_DOC_OK) {
        *reason = dw_xstrdup(t->selectors->reason);
        return DW_ERROR;
    }
    json_t *es = dwi_get(t->selectors->json, "EventSelectors");
    json_t *aes = dwi_get(t->selectors->json, "AdvancedEventSelectors");
    if (!json_is_array(es) && !json_is_array(aes)) {
        *reason = dw_xasprintf("%s.json has neither EventSelectors nor AdvancedEventSelectors",
                               t->selectors->path);
        return DW_ERROR;
    }
    size_t i, k;
    json_t *s, *x;
    json_array_foreach(es, i, s)
    {
        if (!data_ddb && dwi_bool(s, "IncludeManagementEvents") == 1) {
            const char *rw = dwi_str(s, "ReadWriteType");
            *reason = dw_xasprintf("trail %s is logging management events (%s)", t->name,
                                   rw ? rw : "All");
            return DW_PASS;
        }
        json_array_foreach(dwi_get(s, "DataResources"), k, x)
        {
            const char *type = dwi_str(x, "Type");
            if (data_ddb && type && strcmp(type, "AWS::DynamoDB::Table") == 0) {
                *reason = dw_xasprintf("trail %s records DynamoDB data events", t->name);
                return DW_PASS;
            }
        }
    }
    json_array_foreach(aes, i, s)
    {
        bool mgmt = false;
        bool data = false;
        bool ddb = false;
        json_array_foreach(dwi_get(s, "FieldSelectors"), k, x)
        {
            const char *field = dwi_str(x, "Field");
            json_t *eq = dwi_get(x, "Equals");
            size_t m;
            json_t *v;
            json_array_foreach(eq, m, v)
            {
                const char *sv = json_string_value(v);
                if (!field || !sv)
                    continue;
                if (strcmp(field, "eventCategory") == 0 && strcmp(sv, "Management") == 0)
                    mgmt = true;
                if (strcmp(field, "eventCategory") == 0 && strcmp(sv, "Data") == 0)
                    data = true;
                if (strcmp(field, "resources.type") == 0 && strcmp(sv, "AWS::DynamoDB::Table") == 0)
                    ddb = true;
            }
        }
        if (!data_ddb && mgmt) {
            *reason = dw_xasprintf("trail %s is logging management events (advanced selector)",
                                   t->name);
            return DW_PASS;
        }
        if (data_ddb && data && ddb) {
            *reason = dw_xasprintf("trail %s records DynamoDB data events (advanced selector)",
                                   t->name);
            return DW_PASS;
        }
    }
    *reason = dw_xasprintf(data_ddb ? "trail %s has no DynamoDB data event selector"
                                    : "trail %s does not log management events",
                           t->name);
    return DW_FAIL;
}

/* Shared by DMS-07 (management events) and DDB-06 (DynamoDB data events). */
void dwi_trail_control(struct dw_scan_ctx *ctx, const struct dw_control *c, bool data_ddb)
{
    int has;
    if (data_ddb) {
        has = dwi_region_has(ctx, c, "dynamodb", "list-tables", "TableNames");
    } else {
        int a = dwi_region_has(ctx, c, "dms", "describe-replication-instances",
                               "ReplicationInstances");
        int b = a == 1 ? 1 : dwi_region_has(ctx, c, "dms", "describe-endpoints", "Endpoints");
        int t = a == 1 || b == 1 ? 1 : dwi_region_has(ctx, c, "dms", "describe-replication-tasks",
                                                     "ReplicationTasks");
        has = (a == 1 || b == 1 || t == 1) ? 1 : (a < 0 || b < 0 || t < 0) ? -1 : 0;
    }
    if (has < 0)
        return;
    char *scope = dwi_scope_id(ctx);
    if (has == 0) {
        dwi_emit(ctx, c, DW_NOT_APPLICABLE, "AWS::::Account", scope, "no %s in %s",
                 data_ddb ? "DynamoDB tables" : "DMS resources", ctx->region);
        free(scope);
        return;
    }
    struct dwi_trail trails[64];
    int n = dwi_trails_covering(ctx, c, trails, 64);
    if (n < 0) {
        free(scope);
        return;
    }
    struct dw_buf why;
    dw_buf_init(&why, 65536);
    enum dw_result worst = DW_FAIL;
    const char *fix_trail = NULL;
    const char *fix_home = NULL;
    bool fix_not_logging = false;
    for (int i = 0; i < n; i++) {
        char *reason = NULL;
        enum dw_result r = s_trail_logs(&trails[i], data_ddb, &reason);
        if (r == DW_PASS) {
            dwi_emit(ctx, c, DW_PASS, "AWS::::Account", scope, "%s", reason);
            free(reason);
            dw_buf_clean_up(&why);
            free(scope);
            return;
        }
        if (r == DW_ERROR)
            worst = DW_ERROR;
        else if (!fix_trail) {
            fix_trail = trails[i].name;
            fix_home = trails[i].home;
            fix_not_logging = strstr(reason, "not logging") != NULL;
        }
        dw_buf_printf(&why, "%s%s", why.len ? "; " : "", reason);
        free(reason);
    }
    char *w = dw_buf_steal(&why);
    if (n == 0) {
        struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, "AWS::::Account", scope,
                                        "no CloudTrail trail covers %s", ctx->region);
        dwi_cmd(f,
                "aws cloudtrail create-trail --region %s --name org-audit-trail --s3-bucket-name "
                "REPLACE_WITH_LOG_BUCKET --is-multi-region-trail --enable-log-file-validation "
                "--kms-key-id REPLACE_WITH_CMK_ARN",
                ctx->region);
        dwi_cmd(f, "aws cloudtrail start-logging --region %s --name org-audit-trail", ctx->region);
        if (data_ddb)
            dwi_cmd(f,
                    "aws cloudtrail put-event-selectors --region %s --trail-name org-audit-trail "
                    "--event-selectors '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true,"
                    "\"DataResources\":[{\"Type\":\"AWS::DynamoDB::Table\",\"Values\":[\"arn:%s:dynamodb\"]}]}]'",
                    ctx->region, ctx->partition);
    } else if (worst == DW_ERROR) {
        dwi_emit(ctx, c, DW_ERROR, "AWS::::Account", scope, "no trail could be confirmed: %s",
                 w ? w : "");
    } else {
        struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, "AWS::::Account", scope, "%s",
                                        w ? w : "");
        if (fix_not_logging)
            dwi_cmd(f, "aws cloudtrail start-logging --region %s --name %s", fix_home, fix_trail);
        else if (data_ddb)
            dwi_cmd(f,
                    "aws cloudtrail put-event-selectors --region %s --trail-name %s "
                    "--advanced-event-selectors '[{\"Name\":\"Management\",\"FieldSelectors\":"
                    "[{\"Field\":\"eventCategory\",\"Equals\":[\"Management\"]}]},{\"Name\":"
                    "\"DynamoDB data\",\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":"
                    "[\"Data\"]},{\"Field\":\"resources.type\",\"Equals\":[\"AWS::DynamoDB::Table\"]}]}]'",
                    fix_home, fix_trail);
        else
            dwi_cmd(f,
                    "aws cloudtrail put-event-selectors --region %s --trail-name %s "
                    "--event-selectors '[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true}]'",
                    fix_home, fix_trail);
        if (!fix_not_logging)
            dwi_note(f, "put-event-selectors replaces the trail's selectors: merge in any data "
                        "event selectors the trail already has (aws cloudtrail get-event-selectors).");
    }
    free(w);
    free(scope);
}

void dwi_eval_dms07(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    dwi_trail_control(ctx, c, false);
}

static void s_logging_fix(struct dw_scan_ctx *ctx, struct dw_finding *f, const char *arn)
{
    dwi_cmd(f, "aws dms stop-replication-task --region %s --replication-task-arn %s", ctx->region,
            arn);
    dwi_cmd(f,
            "aws dms wait replication-task-stopped --region %s --filters "
            "Name=replication-task-arn,Values=%s",
            ctx->region, arn);
    dwi_cmd(f,
            "aws dms modify-replication-task --region %s --replication-task-arn %s "
            "--replication-task-settings '{\"Logging\":{\"EnableLogging\":true}}'",
            ctx->region, arn);
    dwi_cmd(f,
            "aws dms start-replication-task --region %s --replication-task-arn %s "
            "--start-replication-task-type resume-processing",
            ctx->region, arn);
}

void dwi_eval_dms08(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    size_t i;
    json_t *t;
    json_array_foreach(s_tasks(ctx, c), i, t)
    {
        const char *arn = dwi_str(t, "ReplicationTaskArn");
        const char *settings = dwi_str(t, "ReplicationTaskSettings");
        if (!dwi_get(t, "ReplicationTaskSettings")) {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, RT_TASK, arn, DWI_ABSENT_FMT,
                                            "ReplicationTaskSettings",
                                            "Logging.EnableLogging false");
            s_logging_fix(ctx, f, arn);
            continue;
        }
        if (!settings) {
            dwi_emit(ctx, c, DW_ERROR, RT_TASK, arn, "ReplicationTaskSettings is not a string");
            continue;
        }
        json_error_t jerr;
        json_t *s = json_loads(settings, JSON_REJECT_DUPLICATES, &jerr);
        if (!s) {
            dwi_emit(ctx, c, DW_ERROR, RT_TASK, arn,
                     "ReplicationTaskSettings is not valid JSON (column %d: %s)", jerr.column,
                     jerr.text);
            continue;
        }
        int on = dwi_bool(s, "Logging.EnableLogging");
        json_t *lg = dwi_get(s, "Logging");
        if (on == 1) {
            dwi_emit(ctx, c, DW_PASS, RT_TASK, arn, "Logging.EnableLogging is true");
        } else if (on == 0) {
            struct dw_finding *f =
                dwi_emit(ctx, c, DW_FAIL, RT_TASK, arn, "Logging.EnableLogging is false");
            s_logging_fix(ctx, f, arn);
        } else if (lg && (!json_is_object(lg) || dwi_get(lg, "EnableLogging"))) {
            dwi_emit(ctx, c, DW_ERROR, RT_TASK, arn, "%s in ReplicationTaskSettings is not %s",
                     json_is_object(lg) ? "Logging.EnableLogging" : "Logging",
                     json_is_object(lg) ? "a boolean" : "an object");
        } else {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, RT_TASK, arn, DWI_ABSENT_FMT,
                                            "Logging.EnableLogging", "false");
            s_logging_fix(ctx, f, arn);
        }
        json_decref(s);
    }
}

void dwi_eval_dms09(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    size_t i;
    json_t *inst;
    json_array_foreach(s_instances(ctx, c), i, inst)
    {
        const char *arn = s_inst_arn(inst);
        int v = dwi_bool(inst, "AutoMinorVersionUpgrade");
        if (v < 0) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn, "AutoMinorVersionUpgrade is missing");
        } else if (v) {
            dwi_emit(ctx, c, DW_PASS, NULL, arn, "AutoMinorVersionUpgrade is true");
        } else {
            struct dw_finding *f =
                dwi_emit(ctx, c, DW_FAIL, NULL, arn, "AutoMinorVersionUpgrade is false");
            dwi_cmd(f,
                    "aws dms modify-replication-instance --region %s --replication-instance-arn "
                    "%s --auto-minor-version-upgrade --apply-immediately",
                    ctx->region, arn);
        }
    }
}

void dwi_eval_dms10(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    char *want = dw_xstrdup(dwi_param(ctx, "prod_tag"));
    char *eq = strchr(want, '=');
    const char *want_val = "";
    if (eq) {
        *eq = '\0';
        want_val = eq + 1;
    }
    size_t i;
    json_t *inst;
    json_array_foreach(s_instances(ctx, c), i, inst)
    {
        const char *arn = s_inst_arn(inst);
        if (!arn) {
            dwi_emit(ctx, c, DW_ERROR, NULL, "", "an instance in the answer has no ARN");
            continue;
        }
        const struct dw_doc *d = dwi_doc(ctx, "dms", "list-tags-for-resource", dwi_arn_tail(arn));
        json_t *tags = d->state == DW_DOC_OK ? dwi_get(d->json, "TagList") : NULL;
        if (!json_is_array(tags)) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn, "%s",
                     d->state == DW_DOC_OK ? "list-tags-for-resource answer has no TagList"
                                           : d->reason);
            continue;
        }
        const char *v = dwi_tag(tags, want);
        if (!v || strcasecmp(v, want_val) != 0) {
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, NULL, arn, "not tagged %s=%s (production only)",
                     want, want_val);
            continue;
        }
        int m = dwi_bool(inst, "MultiAZ");
        if (m < 0 && dwi_get(inst, "MultiAZ")) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn, "MultiAZ is not a boolean");
        } else if (m == 1) {
            dwi_emit(ctx, c, DW_PASS, NULL, arn, "production instance with MultiAZ true");
        } else {
            struct dw_finding *f =
                m == 0 ? dwi_emit(ctx, c, DW_FAIL, NULL, arn,
                                  "production instance (%s=%s) has MultiAZ false", want, v)
                       : dwi_emit(ctx, c, DW_FAIL, NULL, arn,
                                  "production instance (%s=%s): " DWI_ABSENT_FMT, want, v,
                                  "MultiAZ", "false");
            dwi_cmd(f,
                    "aws dms modify-replication-instance --region %s --replication-instance-arn "
                    "%s --multi-az --apply-immediately",
                    ctx->region, arn);
        }
    }
    free(want);
}

/* One egress permission, its world ranges and its port span. */
struct s_egress {
    json_t *perm;
    const char *proto;
    long from, to;
    bool v4, v6; /* has 0.0.0.0/0, ::/0 */
    bool every;  /* all protocols or all ports */
};

static void s_egress_read(json_t *p, struct s_egress *e)
{
    memset(e, 0, sizeof(*e));
    e->perm = p;
    size_t k;
    json_t *r;
    json_array_foreach(dwi_get(p, "IpRanges"), k, r)
        e->v4 = e->v4 || (dwi_str(r, "CidrIp") && strcmp(dwi_str(r, "CidrIp"), "0.0.0.0/0") == 0);
    json_array_foreach(dwi_get(p, "Ipv6Ranges"), k, r)
        e->v6 = e->v6 || (dwi_str(r, "CidrIpv6") && strcmp(dwi_str(r, "CidrIpv6"), "::/0") == 0);
    e->proto = dwi_str(p, "IpProtocol");
    json_t *fp = dwi_get(p, "FromPort");
    json_t *tp = dwi_get(p, "ToPort");
    e->from = json_is_integer(fp) ? (long)json_integer_value(fp) : -1;
    e->to = json_is_integer(tp) ? (long)json_integer_value(tp) : -1;
    e->every = !e->proto || strcmp(e->proto, "-1") == 0 || (e->from <= 0 && e->to >= 65535) ||
               e->from < 0;
}

static bool s_port_needed(long port, const long *ports, size_t n_ports)
{
    for (size_t q = 0; q < n_ports; q++) {
        if (ports[q] == port)
            return true;
    }
    return false;
}

/* Is e a world rule the group must lose? Single ports it needs are allowed. */
static bool s_egress_offends(const struct s_egress *e, const long *ports, size_t n_ports)
{
    if (!e->v4 && !e->v6)
        return false;
    return e->every || e->from != e->to || !s_port_needed(e->from, ports, n_ports);
}

/* Egress rules of one group open to the world; returns new text or NULL. */
static char *s_world_egress(json_t *sg, const long *ports, size_t n_ports)
{
    struct dw_buf b;
    dw_buf_init(&b, 65536);
    size_t i;
    json_t *p;
    json_array_foreach(dwi_get(sg, "IpPermissionsEgress"), i, p)
    {
        struct s_egress e;
        s_egress_read(p, &e);
        if (!s_egress_offends(&e, ports, n_ports))
            continue;
        if (e.every)
            dw_buf_printf(&b, "%sall traffic (IpProtocol %s) to the internet", b.len ? "; " : "",
                          e.proto ? e.proto : "?");
        else
            dw_buf_printf(&b, "%s%s %ld-%ld to the internet", b.len ? "; " : "", e.proto, e.from,
                          e.to);
    }
    char *s = dw_buf_steal(&b);
    if (s && !*s) {
        free(s);
        s = NULL;
    }
    return s;
}

/* Protocol names that may appear in a printed command as they are. */
static const char *const s_protos[] = {"-1", "tcp", "udp", "icmp", "icmpv6", NULL};

/* Does e let tcp traffic to port out? */
static bool s_covers(const struct s_egress *e, long port)
{
    if (!e->proto || strcmp(e->proto, "-1") == 0)
        return true;
    bool tcp = strcmp(e->proto, "tcp") == 0 || strcmp(e->proto, "6") == 0;
    return tcp && (e->from < 0 || (e->from <= port && port <= e->to));
}

/* Must the fix allow tcp/port before revoking? Yes when an offending rule lets it out now and
 * no rule the fix keeps does (to the world, for 443, which goes to the AWS APIs). */
static bool s_port_to_keep(json_t *sg, const long *ports, size_t n_ports, long port, bool world)
{
    bool lost = false;
    size_t i;
    json_t *p;
    json_array_foreach(dwi_get(sg, "IpPermissionsEgress"), i, p)
    {
        struct s_egress e;
        s_egress_read(p, &e);
        if (!s_covers(&e, port))
            continue;
        if (s_egress_offends(&e, ports, n_ports))
            lost = lost || !world || e.v4;
        else if (!world || e.v4)
            return false;
    }
    return lost;
}

/* The fix: first allow what the instances need and the revocation would take away (each port
 * once: 443 to the AWS APIs, the database ports to the databases' ranges), then revoke every
 * offending world rule exactly as it is written, so the instances never lose a path they use. */
static void s_dms11_fix(struct dw_scan_ctx *ctx, struct dw_finding *f, json_t *sg,
                        const char *gid, const long *ports, size_t n_ports)
{
    for (size_t q = 0; q < n_ports; q++) {
        bool https = ports[q] == 443;
        if (!s_port_to_keep(sg, ports, n_ports, ports[q], https))
            continue;
        if (https)
            dwi_cmd(f,
                    "aws ec2 authorize-security-group-egress --region %s --group-id %s "
                    "--ip-permissions '[{\"IpProtocol\":\"tcp\",\"FromPort\":443,"
                    "\"ToPort\":443,\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]}]'",
                    ctx->region, gid);
        else
            dwi_cmd(f,
                    "aws ec2 authorize-security-group-egress --region %s --group-id %s "
                    "--ip-permissions '[{\"IpProtocol\":\"tcp\",\"FromPort\":%ld,"
                    "\"ToPort\":%ld,\"IpRanges\":[{\"CidrIp\":\"REPLACE_WITH_DB_CIDR\"}]}]'",
                    ctx->region, gid, ports[q], ports[q]);
    }
    size_t i;
    json_t *p;
    json_array_foreach(dwi_get(sg, "IpPermissionsEgress"), i, p)
    {
        struct s_egress e;
        s_egress_read(p, &e);
        if (!s_egress_offends(&e, ports, n_ports))
            continue;
        const char *lit = NULL;
        for (size_t k = 0; e.proto && s_protos[k]; k++) {
            if (strcmp(e.proto, s_protos[k]) == 0)
                lit = s_protos[k];
        }
        if (!lit) {
            dwi_note(f, "An egress rule with an unusual IpProtocol is open to the internet: "
                        "revoke it by hand (aws ec2 describe-security-groups --group-ids %s).",
                     gid);
            continue;
        }
        struct dw_buf b;
        dw_buf_init(&b, 65536);
        dw_shell_printf(&b,
                        "aws ec2 revoke-security-group-egress --region %s --group-id %s "
                        "--ip-permissions '[{\"IpProtocol\":\"",
                        ctx->region, gid);
        dw_buf_puts(&b, lit);
        dw_buf_puts(&b, "\"");
        if (strcmp(lit, "-1") != 0 && e.from >= 0 && e.to >= 0)
            dw_buf_printf(&b, ",\"FromPort\":%ld,\"ToPort\":%ld", e.from, e.to);
        if (e.v4)
            dw_buf_puts(&b, ",\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]");
        if (e.v6)
            dw_buf_puts(&b, ",\"Ipv6Ranges\":[{\"CidrIpv6\":\"::/0\"}]");
        dw_buf_puts(&b, "}]'");
        dwi_cmd_take(f, dw_buf_steal(&b));
    }
    dwi_note(f, "Replace REPLACE_WITH_DB_CIDR with each database's own address range; the "
                "rules that allow the needed ports come first, so nothing the instances use is "
                "cut off when the wide rules go.");
}

/* Adds port to ports unless it is there already (or the array is full). */
static void s_add_port(long *ports, size_t *n_ports, size_t max, long port)
{
    if (!s_port_needed(port, ports, *n_ports) && *n_ports < max)
        ports[(*n_ports)++] = port;
}

/* Ports the instances using group gid legitimately need: their tasks' endpoint ports, plus 443
 * for the AWS APIs (KMS, Secrets Manager, S3) they call. A group shared by several instances is
 * judged against the ports of all of them together. Each port is listed once. Returns the
 * count written to ports. */
static size_t s_group_ports(struct dw_scan_ctx *ctx, json_t *insts, const char *gid, long *ports,
                            size_t max)
{
    size_t n_ports = 0;
    s_add_port(ports, &n_ports, max, 443);
    size_t i, k, t;
    json_t *inst, *g, *task;
    json_array_foreach(insts, i, inst)
    {
        bool uses = false;
        json_array_foreach(dwi_get(inst, "VpcSecurityGroups"), k, g)
        {
            const char *id = dwi_str(g, "VpcSecurityGroupId");
            uses = uses || (id && strcmp(id, gid) == 0);
        }
        const char *iarn = s_inst_arn(inst);
        if (!uses)
            continue;
        json_array_foreach(dwi_dms_tasks_of(ctx, iarn), t, task)
        {
            json_t *eps = dwi_dms_task_endpoints(ctx, task);
            size_t e;
            json_t *ep;
            json_array_foreach(eps, e, ep)
            {
                json_t *port = dwi_get(ep, "Port");
                if (json_is_integer(port))
                    s_add_port(ports, &n_ports, max, (long)json_integer_value(port));
            }
            json_decref(eps);
        }
    }
    return n_ports;
}

void dwi_eval_dms11(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    json_t *arr = s_instances(ctx, c);
    if (!arr)
        return;
    const struct dw_doc *sgd = dwi_doc(ctx, "ec2", "describe-security-groups", NULL);
    char **seen = NULL;
    size_t n_seen = 0;
    size_t i, k;
    json_t *inst, *g;
    json_array_foreach(arr, i, inst)
    {
        const char *iarn = s_inst_arn(inst);
        json_array_foreach(dwi_get(inst, "VpcSecurityGroups"), k, g)
        {
            const char *gid = dwi_str(g, "VpcSecurityGroupId");
            if (!gid || s_seen(&seen, &n_seen, gid))
                continue;
            long ports[64];
            size_t n_ports = s_group_ports(ctx, arr, gid, ports, 64);
            char *garn = dw_xasprintf("arn:%s:ec2:%s:%s:security-group/%s", ctx->partition,
                                      ctx->region, ctx->account, gid);
            json_t *groups = dwi_list(ctx, c, sgd, "SecurityGroups", "AWS::EC2::SecurityGroup", garn);
            json_t *sg = groups ? dwi_ec2_group(ctx, gid) : NULL;
            if (groups && !sg) {
                dwi_emit(ctx, c, DW_ERROR, "AWS::EC2::SecurityGroup", garn,
                         "security group %s of %s is not in describe-security-groups", gid,
                         iarn ? iarn : "an instance");
            } else if (sg && !json_is_array(dwi_get(sg, "IpPermissionsEgress"))) {
                dwi_emit(ctx, c, DW_ERROR, "AWS::EC2::SecurityGroup", garn,
                         "IpPermissionsEgress is missing for %s", gid);
            } else if (sg) {
                char *bad = s_world_egress(sg, ports, n_ports);
                if (!bad) {
                    dwi_emit(ctx, c, DW_PASS, "AWS::EC2::SecurityGroup", garn,
                             "no egress to 0.0.0.0/0 or ::/0 beyond the endpoint ports");
                } else {
                    struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, "AWS::EC2::SecurityGroup",
                                                    garn, "egress allows %s", bad);
                    s_dms11_fix(ctx, f, sg, gid, ports, n_ports);
                    free(bad);
                }
            }
            free(garn);
        }
    }
    s_seen_free(seen, n_seen);
}

struct s_engine_block {
    const char *engine;
    const char *block;
    const char *option;
};

static const struct s_engine_block s_blocks[] = {
    {"mysql", "MySQLSettings", "--my-sql-settings"},
    {"mariadb", "MySQLSettings", "--my-sql-settings"},
    {"aurora", "MySQLSettings", "--my-sql-settings"},
    {"postgres", "PostgreSQLSettings", "--postgre-sql-settings"},
    {"aurora-postgresql", "PostgreSQLSettings", "--postgre-sql-settings"},
    {"babelfish", "PostgreSQLSettings", "--postgre-sql-settings"},
    {"oracle", "OracleSettings", "--oracle-settings"},
    {"sqlserver", "MicrosoftSQLServerSettings", "--microsoft-sql-server-settings"},
    {"azuredb", "MicrosoftSQLServerSettings", "--microsoft-sql-server-settings"},
    {"azure-sql-managed-instance", "MicrosoftSQLServerSettings", "--microsoft-sql-server-settings"},
    {"sybase", "SybaseSettings", "--sybase-settings"},
    {"db2", "IBMDb2Settings", "--ibm-db2-settings"},
    {"db2-zos", "IBMDb2Settings", "--ibm-db2-settings"},
    {"redshift", "RedshiftSettings", "--redshift-settings"},
    {"mongodb", "MongoDbSettings", "--mongo-db-settings"},
    {"docdb", "DocDbSettings", "--doc-db-settings"},
    {"gcp-mysql", "GcpMySQLSettings", "--gcp-my-sql-settings"},
};

void dwi_eval_dms12(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    size_t i;
    json_t *ep;
    json_array_foreach(s_endpoints(ctx, c), i, ep)
    {
        const char *arn = dwi_str(ep, "EndpointArn");
        const char *eng = dwi_str(ep, "EngineName");
        const struct s_engine_block *blk = NULL;
        for (size_t k = 0; eng && k < DW_ARRAY_LEN(s_blocks); k++) {
            if (strcmp(eng, s_blocks[k].engine) == 0)
                blk = &s_blocks[k];
        }
        if (!eng) {
            dwi_emit(ctx, c, DW_ERROR, RT_EP, arn, "EngineName is missing from the answer");
            continue;
        }
        if (!blk) {
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, RT_EP, arn,
                     "engine %s authenticates with an IAM role, not a database password", eng);
            continue;
        }
        const char *sid = dwi_str(dwi_get(ep, blk->block), "SecretsManagerSecretId");
        if (sid && *sid) {
            dwi_emit(ctx, c, DW_PASS, RT_EP, arn, "%s.SecretsManagerSecretId is set (%s)",
                     blk->block, sid);
            continue;
        }
        const char *user = dwi_str(ep, "Username");
        struct dw_finding *f = dwi_emit(
            ctx, c, DW_FAIL, RT_EP, arn,
            "%s.SecretsManagerSecretId is not set: the endpoint keeps its own password%s%s%s",
            blk->block, user ? " (user " : "", user ? user : "", user ? ")" : "");
        const char *id = dwi_str(ep, "EndpointIdentifier");
        dwi_cmd(f,
                "SECRET_ARN=$(aws secretsmanager create-secret --region %s --name dms/%s "
                "--secret-string file://REPLACE_WITH_CREDENTIALS.json --query ARN --output text)",
                ctx->region, id ? id : "endpoint");
        dwi_cmd(f,
                "aws dms modify-endpoint --region %s --endpoint-arn %s %s "
                "SecretsManagerSecretId=\"$SECRET_ARN\",SecretsManagerAccessRoleArn=REPLACE_WITH_ROLE_ARN",
                ctx->region, arn ? arn : "REPLACE_WITH_ENDPOINT_ARN", blk->option);
        dwi_note(f, "The credentials file holds username, password, host and port as JSON; "
                    "delete it after the secret is created. The role must let dms.amazonaws.com "
                    "read the secret.");
    }
}

/* The DMS controls, in catalog order: what each one checks and why, how to
 * audit and fix it by hand, the calls it reads, its parameters, the nearest
 * checks of other tools and its evaluator. */
const struct dw_control dwi_dms_controls[] = {
    {
        .id = "DMS-01",
        .service = "dms",
        .title = "DMS replication instances are not publicly accessible",
        .severity = DW_SEV_HIGH,
        .nist_csf = {"PR.AC-3", "PR.AC-5", "PR.PT-4"},
        .statements = {6},
        .seed = "003, 000",
        .fix_kind = DW_FIX_RECREATE,
        .resource_type = "AWS::DMS::ReplicationInstance",
        .what = "PubliclyAccessible is false on every replication instance.",
        .why = "A public instance gets an internet-routable address, so its network path to the source and "
            "target databases is exposed outside the company network.",
        .audit = "Console: DMS > Replication instances > each instance > Publicly accessible. CLI: aws dms "
            "describe-replication-instances --query "
            "'ReplicationInstances[*].[ReplicationInstanceIdentifier,PubliclyAccessible]'.",
        .fix = "The flag cannot change after creation: create a private instance with the same class, "
            "storage, subnet group, security groups, engine version and Multi-AZ setting, move the "
            "tasks, then delete the public one.",
        .calls = {"dms describe-replication-instances", "dms describe-replication-tasks"},
        .clauses = {"public"},
        .eval = dwi_eval_dms01,
        .peers = &(const struct dw_peers){
            .id = "DMS-01",
            .prowler = "dms_instance_no_public_access",
            .security_hub = "DMS.1",
            .aws_config = "dms-replication-not-public",
            .conformity = "Publicly Accessible DMS Replication Instances",
            .difference = "Same property; dbward also names the public address it saw and writes the recreate procedure, since "
                "PubliclyAccessible cannot be changed in place.",
        },
    },
    {
        .id = "DMS-02",
        .service = "dms",
        .title = "DMS replication instances are encrypted with a customer managed KMS key",
        .severity = DW_SEV_HIGH,
        .nist_csf = {"PR.DS-1"},
        .statements = {1, 3},
        .seed = "002, 000, 001",
        .fix_kind = DW_FIX_RECREATE,
        .resource_type = "AWS::DMS::ReplicationInstance",
        .what = "KmsKeyId names a key whose KeyManager is CUSTOMER and whose KeyState is Enabled; the AWS "
            "managed alias/aws/dms key fails.",
        .why = "Storage and endpoint connection details are encrypted with this key. With a customer "
            "managed key the company controls its policy, rotation and revocation.",
        .audit = "Console: DMS > Replication instances > KMS key ARN, then KMS > the key > Key manager. CLI: "
            "aws dms describe-replication-instances --query 'ReplicationInstances[*].KmsKeyId', then "
            "aws kms describe-key --key-id <id> --query KeyMetadata.KeyManager.",
        .fix = "The key of an instance is fixed at creation: create a customer managed key with a policy "
            "scoped to DMS, create a new instance with --kms-key-id and the old settings, move the "
            "tasks and delete the old instance.",
        .calls = {"dms describe-replication-instances", "kms describe-key/<key>", "kms list-aliases"},
        .clauses = {"aws-managed-key", "key-not-enabled"},
        .eval = dwi_eval_dms02,
        .peers = &(const struct dw_peers){
            .id = "DMS-02",
            .prowler = "none",
            .security_hub = "none",
            .aws_config = "none",
            .conformity = "AWS DMS Replication Instances Encrypted with KMS CMKs",
            .difference = "dbward resolves the key through kms describe-key and fails the AWS managed alias/aws/dms key and keys "
                "that are disabled or pending deletion, not only a missing KmsKeyId.",
        },
    },
    {
        .id = "DMS-03",
        .service = "dms",
        .title = "VPCs hosting DMS reach it through an interface VPC endpoint",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.AC-5", "PR.PT-4"},
        .statements = {6, 7},
        .seed = "000",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::EC2::VPC",
        .what = "Each VPC that hosts a replication instance has an Interface endpoint for "
            "com.amazonaws.<region>.dms that is available and has private DNS enabled.",
        .why = "Without it, calls to the DMS API from the VPC leave through an internet or NAT gateway.",
        .audit = "Console: VPC > Endpoints, filter on the service name. CLI: aws ec2 describe-vpc-endpoints "
            "--filters Name=service-name,Values=com.amazonaws.<region>.dms.",
        .fix = "Create the interface endpoint in the instance's subnets and security groups with private "
            "DNS, or turn private DNS on for an existing one.",
        .calls = {"dms describe-replication-instances", "ec2 describe-vpc-endpoints"},
        .clauses = {"no-endpoint", "not-interface", "other-vpc", "wrong-region-service", "state-not-available",
                     "state-missing", "private-dns-off", "private-dns-missing"},
        .eval = dwi_eval_dms03,
        .peers = &(const struct dw_peers){
            .id = "DMS-03",
            .prowler = "none",
            .security_hub = "none",
            .aws_config = "service-vpc-endpoint-enabled (serviceName dms)",
            .conformity = "none",
            .difference = "The Config rule only asks that an endpoint exists; dbward checks each VPC that hosts an instance, and "
                "that its interface endpoint is available with private DNS on.",
        },
    },
    {
        .id = "DMS-04",
        .service = "dms",
        .title = "DMS endpoints encrypt connections with SSL/TLS",
        .severity = DW_SEV_HIGH,
        .nist_csf = {"PR.DS-2"},
        .statements = {2},
        .seed = "000, 001",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DMS::Endpoint",
        .what = "SslMode is not none; verify-full and verify-ca pass, require passes with a note; engines "
            "where SslMode has no meaning are not applicable.",
        .why = "Replication moves whole databases; without TLS the rows cross the network in clear text.",
        .audit = "Console: DMS > Endpoints > SSL mode. CLI: aws dms describe-endpoints --query "
            "'Endpoints[*].[EndpointIdentifier,EngineName,SslMode]'.",
        .fix = "Import the CA certificate that signed the database's certificate and set --ssl-mode "
            "verify-full with --certificate-arn on the endpoint.",
        .calls = {"dms describe-endpoints"},
        .clauses = {"ssl-none", "unknown-engine"},
        .eval = dwi_eval_dms04,
        .peers = &(const struct dw_peers){
            .id = "DMS-04",
            .prowler = "dms_endpoint_ssl_enabled",
            .security_hub = "DMS.9",
            .aws_config = "dms-endpoint-ssl-configured",
            .conformity = "none",
            .difference = "dbward grades the mode (verify-full and verify-ca pass, require passes with a note) and marks engines "
                "where SslMode has no meaning NOT_APPLICABLE instead of failing them.",
        },
    },
    {
        .id = "DMS-05",
        .service = "dms",
        .title = "S3 and Redshift targets encrypt data with a customer managed key",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.DS-1"},
        .statements = {1},
        .seed = "001",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DMS::Endpoint",
        .what = "S3Settings or RedshiftSettings has EncryptionMode SSE_KMS and a customer managed key in "
            "ServerSideEncryptionKmsKeyId.",
        .why = "Files DMS writes to S3 (also the staging files for Redshift) are otherwise encrypted with "
            "keys the company does not control.",
        .audit = "CLI: aws dms describe-endpoints --query "
            "'Endpoints[?EngineName==`s3`].[EndpointIdentifier,S3Settings.EncryptionMode,"
            "S3Settings.ServerSideEncryptionKmsKeyId]'.",
        .fix = "Modify the endpoint to EncryptionMode=SSE_KMS with a customer managed key the service "
            "access role may use.",
        .calls = {"dms describe-endpoints", "kms describe-key/<key>", "kms list-aliases"},
        .clauses = {"s3-mode-not-kms", "redshift-mode-not-kms", "kms-without-key", "kms-empty-key", "aws-managed-key"},
        .eval = dwi_eval_dms05,
        .peers = &(const struct dw_peers){
            .id = "DMS-05",
            .prowler = "none",
            .security_hub = "none",
            .aws_config = "none",
            .conformity = "none",
            .difference = "No peer checks the encryption of S3 and Redshift targets with a customer managed key.",
        },
    },
    {
        .id = "DMS-06",
        .service = "dms",
        .title = "DMS resources carry the required tags",
        .severity = DW_SEV_LOW,
        .nist_csf = {"ID.AM-1", "ID.AM-5"},
        .statements = {0},
        .seed = "000",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DMS::ReplicationInstance",
        .params = {"required_tags"},
        .what = "Every replication instance, endpoint and task has each required tag key with a non-empty "
            "value.",
        .why = "Tags tie each resource to an owner, an environment and a data classification, which "
            "inventory, cost and incident response depend on.",
        .audit = "Console: DMS > each resource > Tags. CLI: aws dms list-tags-for-resource --resource-arn "
            "<arn>.",
        .fix = "Add the missing tags with aws dms add-tags-to-resource.",
        .calls = {"dms describe-replication-instances", "dms describe-endpoints",
      "dms describe-replication-tasks", "dms list-tags-for-resource/<id>"},
        .clauses = {"instance-tag-missing", "endpoint-tag-missing", "task-tag-missing", "empty-value"},
        .eval = dwi_eval_dms06,
        .peers = &(const struct dw_peers){
            .id = "DMS-06",
            .prowler = "none",
            .security_hub = "DMS.4 (instances only)",
            .aws_config = "required-tags",
            .conformity = "none",
            .difference = "Covers instances, endpoints and tasks with one required_tags parameter; an empty value fails.",
        },
    },
    {
        .id = "DMS-07",
        .service = "dms",
        .title = "CloudTrail records management events where DMS runs",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"DE.CM-1", "DE.CM-7", "PR.PT-1"},
        .statements = {4},
        .seed = "000",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::::Account",
        .what = "In each region with DMS resources, a trail that covers the region (multi-region or homed "
            "there) is logging and records management events.",
        .why = "Who created, changed or deleted a replication instance, endpoint or task is only known "
            "from CloudTrail management events.",
        .audit = "Console: CloudTrail > Trails. CLI: aws cloudtrail describe-trails, get-trail-status --name "
            "<trail> and get-event-selectors --trail-name <trail>.",
        .fix = "Create a multi-region trail, start logging, or turn management events on.",
        .calls = {"dms describe-replication-instances", "dms describe-endpoints",
      "dms describe-replication-tasks", "cloudtrail describe-trails",
      "cloudtrail get-trail-status/<trail>", "cloudtrail get-event-selectors/<trail>"},
        .clauses = {"no-trail", "other-region-trail", "not-logging", "management-events-off",
                     "management-events-missing"},
        .eval = dwi_eval_dms07,
        .peers = &(const struct dw_peers){
            .id = "DMS-07",
            .prowler = "cloudtrail_multi_region_enabled",
            .security_hub = "CloudTrail.1",
            .aws_config = "multi-region-cloudtrail-enabled",
            .conformity = "none",
            .difference = "Judged per region where DMS runs: a single-region trail elsewhere does not count, and the trail must "
                "be logging and record management events.",
        },
    },
    {
        .id = "DMS-08",
        .service = "dms",
        .title = "DMS tasks send logs to CloudWatch",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"DE.CM-1", "PR.PT-1"},
        .statements = {4},
        .seed = "000",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DMS::ReplicationTask",
        .what = "The task's ReplicationTaskSettings (a JSON string) has Logging.EnableLogging true.",
        .why = "Task logs show what was read, written and rejected; without them a failed or tampered "
            "migration leaves no trace.",
        .audit = "Console: DMS > Tasks > task > Task settings > Logging. CLI: aws dms "
            "describe-replication-tasks --query 'ReplicationTasks[*].ReplicationTaskSettings'.",
        .fix = "Stop the task, set Logging.EnableLogging with modify-replication-task, resume it.",
        .calls = {"dms describe-replication-tasks"},
        .clauses = {"logging-off", "logging-not-set"},
        .eval = dwi_eval_dms08,
        .peers = &(const struct dw_peers){
            .id = "DMS-08",
            .prowler = "dms_replication_task_source_logging_enabled",
            .security_hub = "DMS.7, DMS.8",
            .aws_config = "dms-replication-task-sourcedb-logging",
            .conformity = "none",
            .difference = "Reads Logging.EnableLogging from the task's settings document; a task whose settings cannot be "
                "parsed is ERROR, not PASS.",
        },
    },
    {
        .id = "DMS-09",
        .service = "dms",
        .title = "DMS instances take minor engine upgrades automatically",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.IP-12", "ID.RA-1"},
        .statements = {0},
        .seed = "000",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DMS::ReplicationInstance",
        .what = "AutoMinorVersionUpgrade is true.",
        .why = "Minor versions carry security fixes; applying them in the maintenance window keeps "
            "instances patched without a person remembering to.",
        .audit = "Console: DMS > instance > Maintenance. CLI: aws dms describe-replication-instances --query "
            "'ReplicationInstances[*].[ReplicationInstanceIdentifier,AutoMinorVersionUpgrade]'.",
        .fix = "aws dms modify-replication-instance --auto-minor-version-upgrade.",
        .calls = {"dms describe-replication-instances"},
        .clauses = {"auto-upgrade-off"},
        .eval = dwi_eval_dms09,
        .peers = &(const struct dw_peers){
            .id = "DMS-09",
            .prowler = "dms_instance_minor_version_upgrade_enabled",
            .security_hub = "DMS.6",
            .aws_config = "dms-auto-minor-version-upgrade-check",
            .conformity = "none",
            .difference = "Same property, with the one modify-replication-instance command filled in.",
        },
    },
    {
        .id = "DMS-10",
        .service = "dms",
        .title = "Production DMS instances are Multi-AZ",
        .severity = DW_SEV_LOW,
        .nist_csf = {"PR.PT-5"},
        .statements = {0},
        .seed = "000, beyond",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DMS::ReplicationInstance",
        .params = {"prod_tag"},
        .what = "MultiAZ is true on instances tagged as production; other instances are not applicable.",
        .why = "A single-AZ instance stops replication when its zone fails.",
        .audit = "CLI: aws dms describe-replication-instances --query "
            "'ReplicationInstances[*].[ReplicationInstanceIdentifier,MultiAZ]' and the instance tags.",
        .fix = "aws dms modify-replication-instance --multi-az.",
        .calls = {"dms describe-replication-instances", "dms list-tags-for-resource/<id>"},
        .clauses = {"prod-single-az"},
        .eval = dwi_eval_dms10,
        .peers = &(const struct dw_peers){
            .id = "DMS-10",
            .prowler = "dms_instance_multi_az_enabled",
            .security_hub = "DMS.13",
            .aws_config = "none",
            .conformity = "none",
            .difference = "Only instances tagged as production must be Multi-AZ (the tag is a parameter); the others are "
                "NOT_APPLICABLE rather than failures.",
        },
    },
    {
        .id = "DMS-11",
        .service = "dms",
        .title = "DMS security groups do not open egress to the whole internet",
        .severity = DW_SEV_LOW,
        .nist_csf = {"PR.AC-5"},
        .statements = {6},
        .seed = "001",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::EC2::SecurityGroup",
        .what = "No egress rule of an instance's security groups sends all ports to 0.0.0.0/0 or ::/0; "
            "rules to the internet are limited to the endpoints' database ports (and 443 for AWS APIs).",
        .why = "Open egress lets a compromised instance send data anywhere.",
        .audit = "Console: EC2 > Security groups > Outbound rules. CLI: aws ec2 describe-security-groups "
            "--group-ids <ids> --query 'SecurityGroups[*].IpPermissionsEgress'.",
        .fix = "Add narrow egress rules for the database ports and revoke the wide rule.",
        .calls = {"dms describe-replication-instances", "ec2 describe-security-groups",
      "dms describe-endpoints", "dms describe-replication-tasks"},
        .clauses = {"all-traffic-v4", "all-traffic-v6", "wide-port", "port-range", "other-instance-port"},
        .eval = dwi_eval_dms11,
        .peers = &(const struct dw_peers){
            .id = "DMS-11",
            .prowler = "none (ingress only)",
            .security_hub = "none (ingress only)",
            .aws_config = "none",
            .conformity = "none",
            .difference = "Peers look at inbound rules; dbward checks egress to 0.0.0.0/0 and ::/0, allowing only the endpoints' "
                "database ports and 443.",
        },
    },
    {
        .id = "DMS-12",
        .service = "dms",
        .title = "DMS endpoints take credentials from Secrets Manager",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.AC-1"},
        .statements = {8},
        .seed = "001, beyond",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DMS::Endpoint",
        .what = "SecretsManagerSecretId is set in the endpoint's engine settings instead of a stored "
            "password.",
        .why = "A secret in Secrets Manager can be rotated and its use audited; a password typed into the "
            "endpoint cannot.",
        .audit = "CLI: aws dms describe-endpoints --query 'Endpoints[*].[EndpointIdentifier,EngineName,"
            "MySQLSettings.SecretsManagerSecretId,PostgreSQLSettings.SecretsManagerSecretId]'.",
        .fix = "Store the credentials in a secret and point the endpoint's engine settings at it with an "
            "access role.",
        .calls = {"dms describe-endpoints"},
        .clauses = {"no-secret", "empty-secret"},
        .eval = dwi_eval_dms12,
        .peers = &(const struct dw_peers){
            .id = "DMS-12",
            .prowler = "none",
            .security_hub = "none",
            .aws_config = "none",
            .conformity = "none",
            .difference = "No peer checks that endpoints read credentials from Secrets Manager instead of a stored password.",
        },
    },
};
const size_t dwi_dms_controls_count = DW_ARRAY_LEN(dwi_dms_controls);
