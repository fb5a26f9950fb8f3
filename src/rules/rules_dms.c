/* rules_dms.c: evaluators for DMS-01..DMS-16 (replication instances,
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
static void dwi_eval_dms15(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_dms13(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_dms14(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_dms16(struct dw_scan_ctx *ctx, const struct dw_control *c);

/* DMS-01 names the open ingress DMS-13 finds (defined with DMS-13). */
static char *s_open_ingress_of(struct dw_scan_ctx *ctx, json_t *inst);

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
        /* A public instance behind a group open to the internet is reachable from it: the
         * reason says so (DMS-13 judges the group). */
        char *open = pub == 0 ? NULL : s_open_ingress_of(ctx, inst);
        const char *open_pre = open ? "; its security group admits the internet: " : "";
        const char *open_txt = open ? open : "";
        if (!dwi_get(inst, "PubliclyAccessible")) {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, NULL, arn, DWI_ABSENT_FMT "%s%s",
                                            "PubliclyAccessible", "true", open_pre, open_txt);
            s_recreate(ctx, f, inst, false);
        } else if (pub < 0) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn, "PubliclyAccessible is not a boolean");
        } else if (pub == 0) {
            dwi_emit(ctx, c, DW_PASS, NULL, arn, "PubliclyAccessible is false");
        } else {
            const char *ip = dwi_str(inst, "ReplicationInstancePublicIpAddress");
            struct dw_finding *f =
                dwi_emit(ctx, c, DW_FAIL, NULL, arn, "PubliclyAccessible is true%s%s%s%s%s",
                         ip ? " (public address " : "", ip ? ip : "", ip ? ")" : "", open_pre,
                         open_txt);
            s_recreate(ctx, f, inst, false);
        }
        free(open);
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

/* The tags of each resource of one list (the read-ahead told first). */
static void s_tags_each(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *rtype, json_t *list,
                        const char *arn_field)
{
    struct dwi_keys keys = {0};
    dwi_keys_add(&keys, list, arn_field, true);
    dwi_prefetch_keys(ctx, c, "<id>", &keys);
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x)
        s_tags_check(ctx, c, rtype, dwi_str(x, arn_field));
    dwi_prefetch_end(ctx);
}

/* Each list is read (and its error said) after the resources of the one before. */
void dwi_eval_dms06(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    s_tags_each(ctx, c, RT_INST, s_instances(ctx, c), "ReplicationInstanceArn");
    s_tags_each(ctx, c, RT_EP, s_endpoints(ctx, c), "EndpointArn");
    s_tags_each(ctx, c, RT_TASK, s_tasks(ctx, c), "ReplicationTaskArn");
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

/* Adds the command that revokes the world ranges (0.0.0.0/0, ::/0) of rule e of group gid
 * exactly as the rule is written (protocol, ports), for direction "egress" or "ingress"
 * (DMS-11, DMS-13); a rule with an unusual IpProtocol gets a note instead. */
static void s_revoke_world(struct dw_scan_ctx *ctx, struct dw_finding *f, const char *direction,
                           const char *gid, const struct s_egress *e)
{
    const char *lit = NULL;
    for (size_t k = 0; e->proto && s_protos[k]; k++) {
        if (strcmp(e->proto, s_protos[k]) == 0)
            lit = s_protos[k];
    }
    if (!lit) {
        dwi_note(f, "An %s rule with an unusual IpProtocol is open to the internet: "
                    "revoke it by hand (aws ec2 describe-security-groups --group-ids %s).",
                 direction, gid);
        return;
    }
    struct dw_buf b;
    dw_buf_init(&b, 65536);
    dw_shell_printf(&b,
                    "aws ec2 revoke-security-group-%s --region %s --group-id %s "
                    "--ip-permissions '[{\"IpProtocol\":\"",
                    direction, ctx->region, gid);
    dw_buf_puts(&b, lit);
    dw_buf_puts(&b, "\"");
    if (strcmp(lit, "-1") != 0 && e->from >= 0 && e->to >= 0)
        dw_buf_printf(&b, ",\"FromPort\":%ld,\"ToPort\":%ld", e->from, e->to);
    if (e->v4)
        dw_buf_puts(&b, ",\"IpRanges\":[{\"CidrIp\":\"0.0.0.0/0\"}]");
    if (e->v6)
        dw_buf_puts(&b, ",\"Ipv6Ranges\":[{\"CidrIpv6\":\"::/0\"}]");
    dw_buf_puts(&b, "}]'");
    dwi_cmd_take(f, dw_buf_steal(&b));
}

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
        s_revoke_world(ctx, f, "egress", gid, &e);
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

/* One security group of the region's replication instances. A group shared by several
 * instances is judged once, for all of them together (CONTROLS.md; DMS-11, DMS-13). */
struct s_group {
    const char *gid;  /* VpcSecurityGroupId, borrowed from the instances' answer */
    const char *arn;  /* the finding's resource id */
    json_t *sg;       /* its describe-security-groups entry, borrowed */
    json_t *insts;    /* every instance of the region (the answer's array), borrowed */
    json_t *users;    /* the instances that use it: a new array of borrowed-from-insts items */
};

typedef void (*s_group_fn)(struct dw_scan_ctx *ctx, const struct dw_control *c,
                           const struct s_group *g, void *arg);

/* Calls fn once per distinct security group of the region's instances, in the order the
 * instances name them. A group absent from describe-security-groups is ERROR (emitted
 * here); an unusable describe-security-groups is one ERROR per group (dwi_list). */
static void s_each_group(struct dw_scan_ctx *ctx, const struct dw_control *c, s_group_fn fn,
                         void *arg)
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
        json_array_foreach(dwi_get(inst, "VpcSecurityGroups"), k, g)
        {
            const char *gid = dwi_str(g, "VpcSecurityGroupId");
            if (!gid || s_seen(&seen, &n_seen, gid))
                continue;
            char *garn = dw_xasprintf("arn:%s:ec2:%s:%s:security-group/%s", ctx->partition,
                                      ctx->region, ctx->account, gid);
            json_t *groups = dwi_list(ctx, c, sgd, "SecurityGroups", "AWS::EC2::SecurityGroup", garn);
            json_t *sg = groups ? dwi_ec2_group(ctx, gid) : NULL;
            if (groups && !sg) {
                const char *iarn = s_inst_arn(inst);
                dwi_emit(ctx, c, DW_ERROR, "AWS::EC2::SecurityGroup", garn,
                         "security group %s of %s is not in describe-security-groups", gid,
                         iarn ? iarn : "an instance");
            } else if (sg) {
                json_t *users = dwi_dms_group_users(ctx, gid);
                struct s_group grp = {.gid = gid, .arn = garn, .sg = sg, .insts = arr,
                                      .users = users ? json_incref(users) : json_array()};
                fn(ctx, c, &grp, arg);
                json_decref(grp.users);
            }
            free(garn);
        }
    }
    s_seen_free(seen, n_seen);
}

static void s_dms11_group(struct dw_scan_ctx *ctx, const struct dw_control *c,
                          const struct s_group *g, void *arg)
{
    (void)arg;
    long ports[64];
    size_t n_ports = s_group_ports(ctx, g->users, g->gid, ports, 64);
    if (!json_is_array(dwi_get(g->sg, "IpPermissionsEgress"))) {
        dwi_emit(ctx, c, DW_ERROR, "AWS::EC2::SecurityGroup", g->arn,
                 "IpPermissionsEgress is missing for %s", g->gid);
        return;
    }
    char *bad = s_world_egress(g->sg, ports, n_ports);
    if (!bad) {
        dwi_emit(ctx, c, DW_PASS, "AWS::EC2::SecurityGroup", g->arn,
                 "no egress to 0.0.0.0/0 or ::/0 beyond the endpoint ports");
        return;
    }
    struct dw_finding *f =
        dwi_emit(ctx, c, DW_FAIL, "AWS::EC2::SecurityGroup", g->arn, "egress allows %s", bad);
    s_dms11_fix(ctx, f, g->sg, g->gid, ports, n_ports);
    free(bad);
}

void dwi_eval_dms11(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    s_each_group(ctx, c, s_dms11_group, NULL);
}

/* ---- DMS-13: ingress from the whole internet ---- */

/* Ingress rules of group sg that admit 0.0.0.0/0 or ::/0, any protocol and port, as new
 * text ("tcp 3306-3306 from 0.0.0.0/0; all traffic from ::/0"), or NULL when none does. */
static char *s_world_ingress(json_t *sg)
{
    struct dw_buf b;
    dw_buf_init(&b, 65536);
    size_t i;
    json_t *p;
    json_array_foreach(dwi_get(sg, "IpPermissions"), i, p)
    {
        struct s_egress e;
        s_egress_read(p, &e);
        if (!e.v4 && !e.v6)
            continue;
        const char *from = e.v4 && e.v6 ? "0.0.0.0/0 and ::/0" : e.v4 ? "0.0.0.0/0" : "::/0";
        if (!e.proto || strcmp(e.proto, "-1") == 0 || e.from < 0)
            dw_buf_printf(&b, "%sall traffic (IpProtocol %s) from %s", b.len ? "; " : "",
                          e.proto ? e.proto : "?", from);
        else
            dw_buf_printf(&b, "%s%s %ld-%ld from %s", b.len ? "; " : "", e.proto, e.from, e.to,
                          from);
    }
    char *s = dw_buf_steal(&b);
    if (s && !*s) {
        free(s);
        s = NULL;
    }
    return s;
}

/* Identifiers of the group's users, comma-separated, and whether any of them is publicly
 * accessible (PubliclyAccessible true or absent: its documented default is true). */
static char *s_group_users(const struct s_group *g, bool *any_public, struct dw_buf *public_ids)
{
    struct dw_buf b;
    dw_buf_init(&b, 65536);
    size_t i;
    json_t *inst;
    json_array_foreach(g->users, i, inst)
    {
        const char *id = dwi_str(inst, "ReplicationInstanceIdentifier");
        if (!id)
            id = s_inst_arn(inst) ? s_inst_arn(inst) : "?";
        dw_buf_printf(&b, "%s%s", b.len ? ", " : "", id);
        bool pub = !dwi_get(inst, "PubliclyAccessible") || dwi_bool(inst, "PubliclyAccessible") == 1;
        if (pub) {
            *any_public = true;
            if (public_ids)
                dw_buf_printf(public_ids, "%s%s", public_ids->len ? ", " : "", id);
        }
    }
    return dw_buf_steal(&b);
}

static void s_dms13_group(struct dw_scan_ctx *ctx, const struct dw_control *c,
                          const struct s_group *g, void *arg)
{
    (void)arg;
    if (!json_is_array(dwi_get(g->sg, "IpPermissions"))) {
        dwi_emit(ctx, c, DW_ERROR, "AWS::EC2::SecurityGroup", g->arn,
                 "IpPermissions is missing for %s", g->gid);
        return;
    }
    bool any_public = false;
    struct dw_buf pub;
    dw_buf_init(&pub, 65536);
    char *who = s_group_users(g, &any_public, &pub);
    char *pubs = dw_buf_steal(&pub);
    char *bad = s_world_ingress(g->sg);
    if (!bad) {
        dwi_emit(ctx, c, DW_PASS, "AWS::EC2::SecurityGroup", g->arn,
                 "no ingress rule admits 0.0.0.0/0 or ::/0 (used by %s)", who ? who : "");
    } else {
        struct dw_finding *f = dwi_emit(
            ctx, c, DW_FAIL, "AWS::EC2::SecurityGroup", g->arn,
            "ingress admits %s (used by %s)%s%s%s", bad, who ? who : "",
            any_public ? "; publicly accessible instance " : "", any_public ? pubs : "",
            any_public ? " is reachable from the internet through it" : "");
        size_t i;
        json_t *p;
        json_array_foreach(dwi_get(g->sg, "IpPermissions"), i, p)
        {
            struct s_egress e;
            s_egress_read(p, &e);
            if (e.v4 || e.v6)
                s_revoke_world(ctx, f, "ingress", g->gid, &e);
        }
        dwi_note(f, "Only the 0.0.0.0/0 and ::/0 ranges of each rule are revoked; if clients "
                    "need the port, authorize their own address ranges first "
                    "(aws ec2 authorize-security-group-ingress).");
        free(bad);
    }
    free(who);
    free(pubs);
}

void dwi_eval_dms13(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    s_each_group(ctx, c, s_dms13_group, NULL);
}

/* For DMS-01: the groups of instance inst that admit the whole internet, as new text
 * ("sg-1 (tcp 3306-3306 from 0.0.0.0/0)"), or NULL when none does or the groups cannot
 * be read (DMS-13 reports that). */
static char *s_open_ingress_of(struct dw_scan_ctx *ctx, json_t *inst)
{
    struct dw_buf b;
    dw_buf_init(&b, 65536);
    size_t k, m;
    json_t *g, *x;
    json_array_foreach(dwi_get(inst, "VpcSecurityGroups"), k, g)
    {
        const char *gid = dwi_str(g, "VpcSecurityGroupId");
        json_array_foreach(dwi_ec2_groups_with_id(ctx, gid), m, x)
        {
            char *bad = s_world_ingress(x);
            if (bad)
                dw_buf_printf(&b, "%s%s (%s)", b.len ? "; " : "", gid, bad);
            free(bad);
        }
    }
    char *s = dw_buf_steal(&b);
    if (s && !*s) {
        free(s);
        s = NULL;
    }
    return s;
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

/* The settings block that holds an engine's credentials (the last entry
 * naming it), or NULL. DMS-12 and DMS-16. */
static const struct s_engine_block *s_engine_block(const char *eng)
{
    const struct s_engine_block *blk = NULL;
    for (size_t k = 0; eng && k < DW_ARRAY_LEN(s_blocks); k++) {
        if (strcmp(eng, s_blocks[k].engine) == 0)
            blk = &s_blocks[k];
    }
    return blk;
}

void dwi_eval_dms12(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    size_t i;
    json_t *ep;
    json_array_foreach(s_endpoints(ctx, c), i, ep)
    {
        const char *arn = dwi_str(ep, "EndpointArn");
        const char *eng = dwi_str(ep, "EngineName");
        const struct s_engine_block *blk = s_engine_block(eng);
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

/* ---- DMS-14: the certificates endpoints verify their databases with ---- */

static void s_cert_fix(struct dw_scan_ctx *ctx, struct dw_finding *f, json_t *ep, const char *arn)
{
    const char *id = dwi_str(ep, "EndpointIdentifier");
    dwi_cmd(f,
            "CERT_ARN=$(aws dms import-certificate --region %s --certificate-identifier %s-ca-renewed "
            "--certificate-pem file://REPLACE_WITH_COMPANY_CA_CERTIFICATE.pem --query "
            "Certificate.CertificateArn --output text)",
            ctx->region, id ? id : "endpoint");
    dwi_cmd(f, "aws dms modify-endpoint --region %s --endpoint-arn %s --certificate-arn \"$CERT_ARN\"",
            ctx->region, arn ? arn : "REPLACE_WITH_ENDPOINT_ARN");
    dwi_note(f, "Import the company CA certificate that issued the database server's certificate "
                "(valid well beyond the limit), then run aws dms test-connection before the tasks "
                "restart.");
}

void dwi_eval_dms14(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    json_t *arr = s_endpoints(ctx, c);
    if (!arr)
        return;
    long min_days = dwi_param_long(ctx, "cert_min_days");
    const char *bundle_path = dwi_param(ctx, "company_ca_bundle");
    bool has_bundle = bundle_path && *bundle_path;
    struct dwi_certs *bundle = NULL;
    char *bundle_why = NULL;
    bool bundle_tried = false;
    const struct dw_doc *cd = dwi_doc(ctx, "dms", "describe-certificates", NULL);
    size_t i;
    json_t *ep;
    json_array_foreach(arr, i, ep)
    {
        const char *arn = dwi_str(ep, "EndpointArn");
        const char *smode = dwi_str(ep, "SslMode");
        if (!smode || (strcmp(smode, "verify-ca") != 0 && strcmp(smode, "verify-full") != 0)) {
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, RT_EP, arn,
                     "SslMode is %s: no certificate is verified (DMS-04 judges the mode)",
                     smode ? smode : "absent (none by default)");
            continue;
        }
        const char *carn = dwi_str(ep, "CertificateArn");
        if (!carn || !*carn) {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, RT_EP, arn,
                                            "SslMode is %s but the endpoint names no CertificateArn",
                                            smode);
            s_cert_fix(ctx, f, ep, arn);
            continue;
        }
        json_t *list = cd->state == DW_DOC_OK ? dwi_get(cd->json, "Certificates") : NULL;
        if (cd->state != DW_DOC_OK || !json_is_array(list)) {
            dwi_emit(ctx, c, DW_ERROR, RT_EP, arn, "certificate %s could not be checked: %s", carn,
                     cd->state != DW_DOC_OK ? cd->reason : "the answer has no \"Certificates\" array");
            continue;
        }
        json_t *cert = dwi_dms_certificate(ctx, carn);
        if (!cert) {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, RT_EP, arn,
                                            "CertificateArn %s is not in dms describe-certificates: "
                                            "the certificate it names does not exist",
                                            carn);
            s_cert_fix(ctx, f, ep, arn);
            continue;
        }
        const char *cid = dwi_str(cert, "CertificateIdentifier") ? dwi_str(cert, "CertificateIdentifier") : carn;
        const char *to = dwi_str(cert, "ValidToDate");
        const char *pem = dwi_str(cert, "CertificatePem");
        int64_t to_s = 0;
        if (!to || !dw_time_parse_iso8601(to, &to_s)) {
            dwi_emit(ctx, c, DW_ERROR, RT_EP, arn, "certificate %s: ValidToDate is missing or unreadable",
                     cid);
            continue;
        }
        if (!pem) {
            dwi_emit(ctx, c, DW_ERROR, RT_EP, arn, "certificate %s: CertificatePem is missing", cid);
            continue;
        }
        char *pwhy = NULL;
        struct dwi_certs *certs = dwi_certs_parse(pem, strlen(pem), &pwhy);
        if (!certs) {
            dwi_emit(ctx, c, DW_ERROR, RT_EP, arn, "certificate %s: CertificatePem does not parse: %s",
                     cid, pwhy);
            free(pwhy);
            continue;
        }
        char *issuer = dwi_certs_issuer(certs);
        struct dw_buf why;
        dw_buf_init(&why, 65536);
        bool bad = false;
        bool unknown = false;
        int64_t left_s = to_s - ctx->now_epoch_s;
        long left_days = (long)(left_s >= 0 ? left_s / 86400 : -((-left_s + 86399) / 86400));
        if (left_s <= 0) {
            dw_buf_printf(&why, "certificate %s expired (ValidToDate %s)", cid, to);
            bad = true;
        } else if (left_s <= (int64_t)min_days * 86400) {
            dw_buf_printf(&why, "certificate %s expires in %ld days (ValidToDate %s; limit %ld)", cid,
                          left_days, to, min_days);
            bad = true;
        }
        char *chain_txt = NULL;
        if (!has_bundle) {
            chain_txt = dw_xasprintf("issued by %s; company_ca_bundle is not set, so only the dates "
                                     "are judged",
                                     issuer);
        } else {
            if (!bundle_tried) {
                bundle = dwi_certs_load_file(bundle_path, &bundle_why);
                bundle_tried = true;
            }
            char *cwhy = NULL;
            int chained = bundle ? dwi_certs_chain(certs, bundle, &cwhy) : -1;
            if (!bundle) {
                dw_buf_printf(&why, "%sthe company CA bundle cannot be read: %s", why.len ? "; " : "",
                              bundle_why);
                unknown = true;
            } else if (chained == 1) {
                chain_txt = dw_xasprintf("chains to the company CA bundle (issued by %s)", issuer);
            } else if (chained == 0) {
                dw_buf_printf(&why, "%scertificate %s does not chain to the company CA bundle: %s "
                                    "(issued by %s)",
                              why.len ? "; " : "", cid, cwhy, issuer);
                bad = true;
            } else {
                dw_buf_printf(&why, "%sthe chain of certificate %s could not be checked: %s",
                              why.len ? "; " : "", cid, cwhy);
                unknown = true;
            }
            free(cwhy);
        }
        char *w = dw_buf_steal(&why);
        if (bad) {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, RT_EP, arn, "%s", w);
            s_cert_fix(ctx, f, ep, arn);
        } else if (unknown) {
            dwi_emit(ctx, c, DW_ERROR, RT_EP, arn, "%s", w);
        } else {
            dwi_emit(ctx, c, DW_PASS, RT_EP, arn,
                     "certificate %s is valid for %ld more days (limit %ld) and %s", cid, left_days,
                     min_days, chain_txt);
        }
        free(w);
        free(chain_txt);
        free(issuer);
        dwi_certs_free(certs);
    }
    dwi_certs_free(bundle);
    free(bundle_why);
}

/* ---- DMS-15: the task log group keeps events and reaches the SIEM ---- */

/* Retention values CloudWatch Logs accepts (put-retention-policy), ascending. */
static const long s_retention_days[] = {1,   3,   5,   7,    14,   30,   60,   90,   120,  150,  180,
                                        365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};

/* Is the task's logging on? 1 yes, 0 no or absent (AWS's default is off),
 * -1 the settings cannot be read (*why new). */
static int s_task_logging(json_t *task, char **why)
{
    json_t *raw = dwi_get(task, "ReplicationTaskSettings");
    if (!raw)
        return 0;
    if (!json_is_string(raw)) {
        *why = dw_xstrdup("ReplicationTaskSettings is not a string");
        return -1;
    }
    json_error_t jerr;
    json_t *s = json_loads(json_string_value(raw), JSON_REJECT_DUPLICATES, &jerr);
    if (!s) {
        *why = dw_xasprintf("ReplicationTaskSettings is not valid JSON (column %d: %s)", jerr.column, jerr.text);
        return -1;
    }
    int enabled = dwi_bool(s, "Logging.EnableLogging");
    json_t *lg = dwi_get(s, "Logging");
    if (enabled < 0 && lg && (!json_is_object(lg) || dwi_get(lg, "EnableLogging"))) {
        *why = dw_xstrdup("Logging.EnableLogging in ReplicationTaskSettings is not a boolean");
        json_decref(s);
        return -1;
    }
    json_decref(s);
    return enabled == 1;
}

/* The identifier of the instance whose ARN is arn (borrowed), or NULL. */
static const char *s_instance_id(struct dw_scan_ctx *ctx, const char *arn)
{
    return dwi_str(dwi_dms_instance(ctx, arn), "ReplicationInstanceIdentifier");
}

static void s_dms15_retention_fix(struct dw_scan_ctx *ctx, struct dw_finding *f, const char *group, long min)
{
    long days = 0;
    for (size_t k = 0; k < DW_ARRAY_LEN(s_retention_days) && !days; k++)
        if (s_retention_days[k] >= min)
            days = s_retention_days[k];
    if (days)
        dwi_cmd(f, "aws logs put-retention-policy --region %s --log-group-name %s --retention-in-days %ld",
                ctx->region, group, days);
    else
        dwi_cmd(f, "aws logs delete-retention-policy --region %s --log-group-name %s", ctx->region, group);
}

static void s_dms15_siem_fix(struct dw_scan_ctx *ctx, struct dw_finding *f, const char *group)
{
    dwi_cmd(f,
            "aws logs put-subscription-filter --region %s --log-group-name %s --filter-name siem "
            "--filter-pattern '' --destination-arn REPLACE_WITH_SIEM_FIREHOSE_ARN "
            "--role-arn REPLACE_WITH_LOGS_TO_FIREHOSE_ROLE_ARN",
            ctx->region, group);
    dwi_note(f, "Use the Firehose stream that delivers to Splunk (or a destination of siem_destinations) and a "
                "role that logs.amazonaws.com may assume with firehose:PutRecord and PutRecordBatch on it.");
}

static void s_dms15_task(struct dw_scan_ctx *ctx, const struct dw_control *c, json_t *task)
{
    const char *arn = dwi_str(task, "ReplicationTaskArn");
    char *why = NULL;
    int on = s_task_logging(task, &why);
    if (on < 0) {
        dwi_emit(ctx, c, DW_ERROR, RT_TASK, arn, "whether the task logs is unknown: %s", why);
        free(why);
        return;
    }
    if (!on) {
        dwi_emit(ctx, c, DW_NOT_APPLICABLE, RT_TASK, arn,
                 "the task's logging is off (Logging.EnableLogging is not true; DMS-08 judges that)");
        return;
    }
    const char *inst_arn = dwi_str(task, "ReplicationInstanceArn");
    const char *inst = s_instance_id(ctx, inst_arn);
    if (!inst) {
        dwi_emit(ctx, c, DW_ERROR, RT_TASK, arn,
                 "the task's replication instance %s is not in describe-replication-instances",
                 inst_arn ? inst_arn : "(no ReplicationInstanceArn)");
        return;
    }
    long min = dwi_param_long(ctx, "log_retention_min_days");
    char *group = dw_xasprintf("dms-tasks-%s", inst);
    json_t *g = dwi_logs_group(ctx, group);
    if (!g) {
        struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, RT_TASK, arn,
                                        "log group %s does not exist in describe-log-groups", group);
        dwi_cmd(f, "aws logs create-log-group --region %s --log-group-name %s", ctx->region, group);
        s_dms15_retention_fix(ctx, f, group, min);
        s_dms15_siem_fix(ctx, f, group);
        dwi_note(f, "DMS writes task logs to this group once the task runs with logging on; creating it "
                    "first lets the retention and the subscription be in place before the first event.");
        free(group);
        return;
    }
    json_t *ret = dwi_get(g, "retentionInDays");
    if (ret && !json_is_integer(ret)) {
        dwi_emit(ctx, c, DW_ERROR, RT_TASK, arn, "retentionInDays of log group %s is not a number", group);
        free(group);
        return;
    }
    long days = ret ? (long)json_integer_value(ret) : 0;
    bool short_ret = ret && days < min;
    char *siem = NULL;
    int to_siem = dwi_log_group_to_siem(ctx, ctx->region, group, &siem);
    char *kept = ret ? dw_xasprintf("keeps events %ld days (at least %ld required)", days, min)
                     : dw_xasprintf("keeps events forever (no retentionInDays; at least %ld required)", min);
    if (!short_ret && to_siem == 1) {
        dwi_emit(ctx, c, DW_PASS, RT_TASK, arn, "log group %s %s; %s", group, kept, siem);
    } else if (!short_ret && to_siem < 0) {
        dwi_emit(ctx, c, DW_ERROR, RT_TASK, arn, "log group %s %s; subscription filters could not be checked: %s",
                 group, kept, siem);
    } else {
        struct dw_buf b;
        dw_buf_init(&b, 65536);
        if (short_ret)
            dw_buf_printf(&b, "log group %s %s", group, kept);
        if (to_siem == 0)
            dw_buf_printf(&b, "%s%s", b.len ? "; " : "", siem);
        else if (to_siem < 0)
            dw_buf_printf(&b, "; subscription filters could not be checked: %s", siem);
        char *w = dw_buf_steal(&b);
        struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, RT_TASK, arn, "%s", w ? w : "reason too long");
        free(w);
        if (short_ret)
            s_dms15_retention_fix(ctx, f, group, min);
        if (to_siem == 0)
            s_dms15_siem_fix(ctx, f, group);
    }
    free(kept);
    free(siem);
    free(group);
}

void dwi_eval_dms15(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    json_t *tasks = s_tasks(ctx, c);
    if (!tasks || json_array_size(tasks) == 0)
        return;
    json_t *insts = s_instances(ctx, c);
    json_t *groups = insts ? dwi_list(ctx, c, dwi_doc(ctx, "logs", "describe-log-groups", NULL), "logGroups",
                                      NULL, NULL)
                           : NULL;
    if (!insts || !groups)
        return;
    size_t i;
    json_t *t;
    json_array_foreach(tasks, i, t)
        s_dms15_task(ctx, c, t);
}

/* ---- DMS-16: rotation of the secrets endpoints take their credentials from ---- */

/* The rotation interval of a describe-secret answer in seconds: AutomaticallyAfterDays, or a
 * ScheduleExpression "rate(N days)" / "rate(N hours)". 0 when neither can be read. */
static int64_t s_rotation_every_s(json_t *secret)
{
    json_t *d = dwi_get(secret, "RotationRules.AutomaticallyAfterDays");
    if (json_is_integer(d) && json_integer_value(d) > 0)
        return (int64_t)json_integer_value(d) * 86400;
    const char *ex = dwi_str(secret, "RotationRules.ScheduleExpression");
    if (!ex || strncmp(ex, "rate(", 5) != 0)
        return 0;
    char *end = NULL;
    long n = strtol(ex + 5, &end, 10);
    if (n <= 0 || !end || *end != ' ')
        return 0;
    if (strcmp(end, " day)") == 0 || strcmp(end, " days)") == 0)
        return (int64_t)n * 86400;
    if (strcmp(end, " hour)") == 0 || strcmp(end, " hours)") == 0)
        return (int64_t)n * 3600;
    return 0;
}

void dwi_eval_dms16(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    long max_days = dwi_param_long(ctx, "secret_rotation_max_days");
    size_t i;
    json_t *ep;
    json_array_foreach(s_endpoints(ctx, c), i, ep)
    {
        const char *arn = dwi_str(ep, "EndpointArn");
        const char *eng = dwi_str(ep, "EngineName");
        const struct s_engine_block *blk = s_engine_block(eng);
        if (!eng) {
            dwi_emit(ctx, c, DW_ERROR, RT_EP, arn, "EngineName is missing from the answer");
            continue;
        }
        const char *sid = blk ? dwi_str(dwi_get(ep, blk->block), "SecretsManagerSecretId") : NULL;
        if (!sid || !*sid) {
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, RT_EP, arn,
                     "the endpoint's credentials are not in Secrets Manager (engine %s; DMS-12 "
                     "judges that)",
                     eng);
            continue;
        }
        /* Secrets are collected in the endpoint's own region and account (the plan's row);
         * one named by an ARN elsewhere cannot be read, so it is ERROR, never PASS. */
        const char *key = sid;
        if (strncmp(sid, "arn:", 4) == 0) {
            char *sreg = dwi_arn_region(sid);
            const char *p = sid;
            for (int colons = 0; *p && colons < 4; p++)
                colons += *p == ':';
            size_t alen = strcspn(p, ":");
            bool here = sreg && strcmp(sreg, ctx->region) == 0 && alen == strlen(ctx->account) &&
                        strncmp(p, ctx->account, alen) == 0;
            if (!here) {
                dwi_emit(ctx, c, DW_ERROR, RT_EP, arn,
                         "secret %s is in region %s, account %.*s: dbward reads the secrets of an "
                         "endpoint's own region and account; check its rotation there (aws "
                         "secretsmanager describe-secret --secret-id %s)",
                         sid, sreg ? sreg : "?", (int)alen, p, sid);
                free(sreg);
                continue;
            }
            free(sreg);
            key = dwi_arn_tail(sid);
        }
        const struct dw_doc *d = dwi_doc(ctx, "secretsmanager", "describe-secret", key);
        if (d->state != DW_DOC_OK) {
            dwi_emit(ctx, c, DW_ERROR, RT_EP, arn, "secret %s: %s", sid, d->reason);
            continue;
        }
        const char *sarn = dwi_str(d->json, "ARN") ? dwi_str(d->json, "ARN") : sid;
        struct dw_buf why;
        dw_buf_init(&why, 65536);
        bool bad_rotation = false;
        bool bad_age = false;
        bool unknown = false;
        int on = dwi_bool(d->json, "RotationEnabled");
        if (on < 0 && dwi_get(d->json, "RotationEnabled")) {
            dw_buf_puts(&why, "RotationEnabled is not a boolean");
            unknown = true;
        } else if (on < 0) {
            dw_buf_printf(&why, DWI_ABSENT_FMT, "RotationEnabled", "false");
            bad_rotation = true;
        } else if (on == 0) {
            dw_buf_puts(&why, "RotationEnabled is false");
            bad_rotation = true;
        }
        int64_t every_s = s_rotation_every_s(d->json);
        if (on == 1 && every_s == 0) {
            dw_buf_printf(&why, "%sthe rotation interval cannot be read (RotationRules has neither "
                                "AutomaticallyAfterDays nor a rate() ScheduleExpression)",
                          why.len ? "; " : "");
            unknown = true;
        } else if (every_s > (int64_t)max_days * 86400) {
            dw_buf_printf(&why, "%srotation every %lld days (limit %ld)", why.len ? "; " : "",
                          (long long)((every_s + 86399) / 86400), max_days);
            bad_rotation = true;
        }
        const char *last = dwi_str(d->json, "LastRotatedDate");
        int64_t last_s = 0;
        long age_days = -1;
        if (!dwi_get(d->json, "LastRotatedDate")) {
            dw_buf_printf(&why, "%snever rotated (no LastRotatedDate)", why.len ? "; " : "");
            bad_age = true;
        } else if (!last || !dw_time_parse_iso8601(last, &last_s)) {
            dw_buf_printf(&why, "%sLastRotatedDate cannot be read", why.len ? "; " : "");
            unknown = true;
        } else {
            int64_t age_s = ctx->now_epoch_s - last_s;
            age_days = (long)(age_s > 0 ? age_s / 86400 : 0);
            if (age_s > (int64_t)max_days * 86400) {
                dw_buf_printf(&why, "%slast rotated %ld days ago (limit %ld)", why.len ? "; " : "",
                              age_days, max_days);
                bad_age = true;
            }
        }
        char *w = dw_buf_steal(&why);
        if (bad_rotation || bad_age) {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, RT_EP, arn, "secret %s: %s", sid, w);
            if (bad_rotation) {
                struct dw_buf b;
                dw_buf_init(&b, 65536);
                dw_shell_printf(&b,
                                "aws secretsmanager rotate-secret --region %s --secret-id %s "
                                "--rotation-rules AutomaticallyAfterDays=%ld",
                                ctx->region, sarn, max_days);
                if (!dwi_str(d->json, "RotationLambdaARN"))
                    dw_buf_puts(&b, " --rotation-lambda-arn REPLACE_WITH_ROTATION_FUNCTION_ARN");
                dwi_cmd_take(f, dw_buf_steal(&b));
                dwi_note(f, "rotate-secret turns rotation on and rotates the secret at once; the "
                            "function must be able to change the database user's password.");
            } else {
                dwi_cmd(f, "aws secretsmanager rotate-secret --region %s --secret-id %s --rotate-immediately",
                        ctx->region, sarn);
                dwi_note(f, "Rotation is scheduled but has not happened in time: check the "
                            "rotation function's CloudWatch logs for the failure.");
            }
        } else if (unknown) {
            dwi_emit(ctx, c, DW_ERROR, RT_EP, arn, "secret %s: %s", sid, w);
        } else {
            dwi_emit(ctx, c, DW_PASS, RT_EP, arn,
                     "secret %s rotates every %lld days and was last rotated %ld days ago (limit %ld)",
                     sid, (long long)((every_s + 86399) / 86400), age_days, max_days);
        }
        free(w);
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
        .calls = {"dms describe-replication-instances", "dms describe-replication-tasks",
                  "ec2 describe-security-groups"},
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
        /* CSF 2.0 ID.AM-01 is hardware; tagged DMS resources are services and systems (ID.AM-02). */
        .nist_csf2 = {"ID.AM-02", "ID.AM-05"},
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
    {
        .id = "DMS-13",
        .service = "dms",
        .title = "DMS security groups admit no ingress from the whole internet",
        .severity = DW_SEV_HIGH,
        .nist_csf = {"PR.AC-5", "PR.PT-4"},
        .statements = {6},
        .seed = "003, 001",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::EC2::SecurityGroup",
        .what = "No inbound rule of a replication instance's security groups admits 0.0.0.0/0 or ::/0, "
            "whatever its protocol and ports; a group several instances share is judged once, for all of "
            "them. When such an instance is also publicly accessible, DMS-01's reason names the open group.",
        .why = "An instance only talks out to its databases; an inbound rule open to every address invites "
            "scans and connection attempts from anywhere, and with a public address nothing else stands "
            "between the instance and the internet.",
        .audit = "Console: EC2 > Security groups > each group of the instance > Inbound rules, look for "
            "0.0.0.0/0 and ::/0. CLI: aws ec2 describe-security-groups --group-ids <ids> --query "
            "'SecurityGroups[*].IpPermissions[?IpRanges[?CidrIp==`0.0.0.0/0`] || "
            "Ipv6Ranges[?CidrIpv6==`::/0`]]'.",
        .fix = "Revoke the 0.0.0.0/0 and ::/0 ranges of each such rule with aws ec2 "
            "revoke-security-group-ingress (the rule's protocol and ports as they are); add the clients' "
            "own ranges first if something must still connect.",
        .calls = {"dms describe-replication-instances", "ec2 describe-security-groups"},
        .clauses = {"ingress-v4", "ingress-v6"},
        .eval = dwi_eval_dms13,
        .peers = &(const struct dw_peers){
            .id = "DMS-13",
            .prowler = "ec2_securitygroup_allow_ingress_from_internet_to_any_port (all groups)",
            .security_hub = "EC2.18, EC2.19 (all groups)",
            .aws_config = "restricted-common-ports, vpc-sg-open-only-to-authorized-ports (all groups)",
            .conformity = "none",
            .difference = "Peers judge every group of the account, and some only a list of ports; dbward judges the groups of "
                "replication instances, on any port, once per shared group, and ties a public instance's DMS-01 finding "
                "to the open group.",
        },
    },
    {
        .id = "DMS-14",
        .service = "dms",
        .title = "Certificates DMS endpoints verify with are current and issued by the company CA",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.DS-2"},
        .statements = {2},
        .seed = "004, 001",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DMS::Endpoint",
        .params = {"cert_min_days", "company_ca_bundle"},
        .what = "For each endpoint with SslMode verify-ca or verify-full, CertificateArn names a certificate of dms "
            "describe-certificates whose ValidToDate lies more than cert_min_days days ahead and whose CertificatePem "
            "chains (OpenSSL's X509 store) to a certificate of the company CA bundle (company_ca_bundle, a PEM file). "
            "Without the bundle, the reason names the issuer and only the dates are judged.",
        .why = "The runbook asks that connections be verified against certificates issued by the company CA: a "
            "certificate from elsewhere trusts servers the company did not vouch for, and an expired one breaks "
            "replication the day it lapses.",
        .audit = "Console: DMS > Certificates (valid to, issuer), and each endpoint's SSL mode and certificate. CLI: "
            "aws dms describe-certificates --query 'Certificates[*].[CertificateIdentifier,ValidToDate]', then "
            "openssl verify -partial_chain -no_check_time -CAfile <bundle> on its CertificatePem.",
        .fix = "Import the company CA certificate with aws dms import-certificate and point the endpoint at it with "
            "aws dms modify-endpoint --certificate-arn; test the connection before the tasks restart.",
        .calls = {"dms describe-endpoints", "dms describe-certificates"},
        .clauses = {"no-certificate", "certificate-missing", "expired", "expiring", "not-company-ca"},
        .eval = dwi_eval_dms14,
        .peers = &(const struct dw_peers){
            .id = "DMS-14",
            .prowler = "none",
            .security_hub = "none",
            .aws_config = "none",
            .conformity = "none",
            .difference = "No peer checks the CA certificates DMS endpoints verify with; dbward judges their expiry and their "
                "chain to the company's own CA bundle.",
        },
    },
    {
        .id = "DMS-15",
        .service = "dms",
        .title = "DMS task logs are kept and sent to the SIEM",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"DE.CM-1", "PR.PT-1"},
        .statements = {4},
        .seed = "000",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DMS::ReplicationTask",
        .params = {"log_retention_min_days", "siem_destinations"},
        .what = "For each task with Logging.EnableLogging true, the log group dms-tasks-<replication instance "
            "identifier> exists, keeps events at least log_retention_min_days (a group without retentionInDays "
            "keeps them forever), and has a subscription filter whose destination is the SIEM: an ARN matching "
            "siem_destinations, or, when that is unset, a Firehose stream with a Splunk destination. Tasks "
            "without logging are NOT_APPLICABLE (DMS-08 judges them).",
        .why = "The playbook wants task logs sent to Splunk: logs that stay in CloudWatch are not correlated "
            "or alerted on, and logs that expire early are gone when an incident is investigated.",
        .audit = "CLI: aws logs describe-log-groups --log-group-name-prefix dms-tasks-; aws logs "
            "describe-subscription-filters --log-group-name dms-tasks-<instance>; aws firehose "
            "describe-delivery-stream --delivery-stream-name <stream> (look for SplunkDestinationDescription).",
        .fix = "aws logs put-retention-policy --log-group-name <g> --retention-in-days 365; aws logs "
            "put-subscription-filter --log-group-name <g> --filter-name siem --filter-pattern '' "
            "--destination-arn <firehose to Splunk> --role-arn <role>.",
        .calls = {"dms describe-replication-tasks", "dms describe-replication-instances", "logs describe-log-groups",
                  "logs describe-subscription-filters/<log group>", "firehose describe-delivery-stream/<stream>"},
        .clauses = {"no-log-group", "short-retention", "no-subscription", "not-siem"},
        .eval = dwi_eval_dms15,
        .peers = &(const struct dw_peers){
            .id = "DMS-15",
            .prowler = "none",
            .security_hub = "none",
            .aws_config = "cw-loggroup-retention-period-check (retention only)",
            .conformity = "none",
            .difference = "Follows a DMS task to its own log group and requires both the retention and a "
                "subscription to the SIEM; the peers judge log group retention alone.",
        },
    },
    {
        .id = "DMS-16",
        .service = "dms",
        .title = "Secrets behind DMS endpoints rotate at least every 90 days",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.AC-1"},
        .statements = {8},
        .seed = "004",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DMS::Endpoint",
        .params = {"secret_rotation_max_days"},
        .what = "For each endpoint whose engine settings name a SecretsManagerSecretId, the secret "
            "(secretsmanager describe-secret) has RotationEnabled true, a rotation interval of at most "
            "secret_rotation_max_days days (RotationRules.AutomaticallyAfterDays, or a rate() schedule), and a "
            "LastRotatedDate no older than that. A secret named by an ARN in another region or account is "
            "ERROR: dbward reads secrets in the endpoint's own region and account.",
        .why = "The runbook asks that every secret be rotated within 90 days, including the accounts "
            "created locally inside a service, such as the database users DMS logs in with; a secret "
            "that never rotates is a password that never changes.",
        .audit = "Console: Secrets Manager > the secret > Rotation configuration. CLI: aws secretsmanager "
            "describe-secret --secret-id <id> --query '[RotationEnabled,RotationRules,LastRotatedDate]'.",
        .fix = "Turn rotation on with a rotation function and AutomaticallyAfterDays of 90 or less (aws "
            "secretsmanager rotate-secret --rotation-rules); when rotation is on but overdue, rotate now and "
            "find out why the function failed.",
        .calls = {"dms describe-endpoints", "secretsmanager describe-secret/<secret>"},
        .clauses = {"rotation-off", "interval", "last-rotated"},
        .eval = dwi_eval_dms16,
        .peers = &(const struct dw_peers){
            .id = "DMS-16",
            .prowler = "secretsmanager_automatic_rotation_enabled (all secrets)",
            .security_hub = "SecretsManager.1, SecretsManager.4 (all secrets)",
            .aws_config = "secretsmanager-rotation-enabled-check, secretsmanager-secret-periodic-rotation",
            .conformity = "Secrets Manager Secret Rotation Enabled",
            .difference = "Peers judge every secret of the account; dbward judges the secrets DMS endpoints log in with, "
                "checking the interval and the date of the last rotation against one limit.",
        },
    },
};
const size_t dwi_dms_controls_count = DW_ARRAY_LEN(dwi_dms_controls);
