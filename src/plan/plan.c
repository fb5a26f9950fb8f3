/* plan.c: the call plan's rows and their printed form. Only data and
 * look-ups: the live collector (collect.c) makes the calls, the snapshot
 * script (rules/collect_script.c) prints them as aws commands. A new call
 * is one row here. */
#include <stdlib.h>
#include <string.h>

#include <dbward/plan.h>

#include "awsapi/awsapi_int.h"
#include "util/util.h"

#define DW_METRIC_QUERY(id, name)                                                                                    \
    "{\"Id\":\"" id "\",\"Label\":\"" name "\",\"MetricStat\":{\"Metric\":{\"Namespace\":\"AWS/DynamoDB\","          \
    "\"MetricName\":\"" name "\",\"Dimensions\":[{\"Name\":\"TableName\",\"Value\":\"{item}\"}]},"                   \
    "\"Period\":86400,\"Stat\":\"Sum\"}}"

static const struct dw_plan_call s_calls[] = {
    /* Before the plan: the identity proves the credentials, the regions list where to go. */
    {.service = "sts", .command = "get-caller-identity", .scope = DW_PLAN_BOOTSTRAP, .is_global = true},
    {.service = "ec2", .command = "describe-regions", .scope = DW_PLAN_BOOTSTRAP},
    /* IAM is global: once, from the first region. */
    {.service = "iam", .command = "get-account-authorization-details", .scope = DW_PLAN_GLOBAL, .is_global = true},
    {.service = "iam", .command = "list-access-keys", .scope = DW_PLAN_PER_RESOURCE, .is_global = true,
     .parent = "iam get-account-authorization-details", .each = "UserDetailList[].UserName",
     .params = "{\"UserName\":\"{item}\"}",
     .key_doc = "user name"},
    {.service = "iam", .command = "get-login-profile", .scope = DW_PLAN_PER_RESOURCE, .is_global = true,
     .parent = "iam get-account-authorization-details", .each = "UserDetailList[].UserName",
     .params = "{\"UserName\":\"{item}\"}",
     .key_doc = "user name", .doc = "NoSuchEntity is an answer: the user has no console password"},
    {.service = "iam", .command = "list-mfa-devices", .scope = DW_PLAN_PER_RESOURCE, .is_global = true,
     .parent = "iam get-account-authorization-details", .each = "UserDetailList[].UserName",
     .params = "{\"UserName\":\"{item}\"}",
     .key_doc = "user name"},
    /* The credential report (ACC-11): generated, then read once it is
     * COMPLETE; a report still in progress, absent or expired is generated
     * again (the budget of dbward/plan.h's until / not_ready). */
    {.service = "iam", .command = "generate-credential-report", .scope = DW_PLAN_GLOBAL, .is_global = true,
     .until = "State=='COMPLETE'",
     .doc = "the last answer: State COMPLETE, or STARTED/INPROGRESS when the polling budget ran out"},
    {.service = "iam", .command = "get-credential-report", .scope = DW_PLAN_GLOBAL, .is_global = true,
     .parent = "iam generate-credential-report", .not_ready = "ReportInProgress,ReportNotPresent,ReportExpired",
     .doc = "Content is the base64 of the CSV, as the CLI prints it; made once generate-credential-report is COMPLETE"},
    /* Every region. */
    {.service = "dms", .command = "describe-replication-instances", .scope = DW_PLAN_REGION},
    {.service = "dms", .command = "describe-endpoints", .scope = DW_PLAN_REGION},
    {.service = "dms", .command = "describe-replication-tasks", .scope = DW_PLAN_REGION},
    /* DMS-14: the certificates (CertificatePem, ValidToDate) endpoints verify with. */
    {.service = "dms", .command = "describe-certificates", .scope = DW_PLAN_REGION},
    {.service = "dms", .command = "list-tags-for-resource", .scope = DW_PLAN_PER_RESOURCE,
     .parent = "dms describe-replication-instances", .each = "ReplicationInstances[].ReplicationInstanceArn",
     .key_is_tail = true, .params = "{\"ResourceArn\":\"{item}\"}",
     .key_doc = "the last `:`-separated part of the resource ARN"},
    {.service = "dms", .command = "list-tags-for-resource", .scope = DW_PLAN_PER_RESOURCE,
     .parent = "dms describe-endpoints", .each = "Endpoints[].EndpointArn", .key_is_tail = true,
     .params = "{\"ResourceArn\":\"{item}\"}",
     .key_doc = "the last `:`-separated part of the resource ARN"},
    {.service = "dms", .command = "list-tags-for-resource", .scope = DW_PLAN_PER_RESOURCE,
     .parent = "dms describe-replication-tasks", .each = "ReplicationTasks[].ReplicationTaskArn",
     .key_is_tail = true, .params = "{\"ResourceArn\":\"{item}\"}",
     .key_doc = "the last `:`-separated part of the resource ARN"},
    /* DMS-16: the secrets endpoints log in with, when they are in the endpoint's own region and
     * account (a name, or an ARN of this region and account); the key is the ARN's tail. */
    {.service = "secretsmanager", .command = "describe-secret", .scope = DW_PLAN_PER_RESOURCE,
     .parent = "dms describe-endpoints",
     .each = "Endpoints[].[MySQLSettings.SecretsManagerSecretId, PostgreSQLSettings.SecretsManagerSecretId, "
             "OracleSettings.SecretsManagerSecretId, MicrosoftSQLServerSettings.SecretsManagerSecretId, "
             "SybaseSettings.SecretsManagerSecretId, IBMDb2Settings.SecretsManagerSecretId, "
             "RedshiftSettings.SecretsManagerSecretId, MongoDbSettings.SecretsManagerSecretId, "
             "DocDbSettings.SecretsManagerSecretId, GcpMySQLSettings.SecretsManagerSecretId][] | [?@] | "
             "[?!starts_with(@, 'arn:') || starts_with(@, 'arn:{partition}:secretsmanager:{region}:{account}:')]",
     .key_is_tail = true, .params = "{\"SecretId\":\"{item}\"}",
     .key_doc = "the secret's name, or the last `:`-separated part of its ARN, `/` written `%2F` "
                "(`secret:dms/orders-Ab12Cd` is `dms%2Forders-Ab12Cd`)",
     .doc = "each `SecretsManagerSecretId` of an endpoint's engine settings that is a name or an ARN of the "
            "endpoint's own region and account"},
    {.service = "ec2", .command = "describe-vpcs", .scope = DW_PLAN_REGION},
    {.service = "ec2", .command = "describe-vpc-endpoints", .scope = DW_PLAN_REGION},
    {.service = "ec2", .command = "describe-route-tables", .scope = DW_PLAN_REGION},
    {.service = "ec2", .command = "describe-security-groups", .scope = DW_PLAN_REGION},
    {.service = "cloudtrail", .command = "describe-trails", .scope = DW_PLAN_REGION,
     .doc = "shadow trails included, the default"},
    /* Trails are read in their home region only. */
    {.service = "cloudtrail", .command = "get-trail-status", .scope = DW_PLAN_PER_RESOURCE,
     .parent = "cloudtrail describe-trails", .each = "trailList[?HomeRegion=='{region}'].Name",
     .params = "{\"Name\":\"{item}\"}",
     .key_doc = "trail name, in the trail's home region"},
    {.service = "cloudtrail", .command = "get-event-selectors", .scope = DW_PLAN_PER_RESOURCE,
     .parent = "cloudtrail describe-trails", .each = "trailList[?HomeRegion=='{region}'].Name",
     .params = "{\"TrailName\":\"{item}\"}",
     .key_doc = "trail name, in the trail's home region"},
    /* Where logs go (DMS-15, ACC-08): the log groups, the subscription filters of each (a trail's
     * group may have any name, "CloudTrail/Default" included), and the Firehose streams those
     * filters feed, to tell a Splunk destination. */
    {.service = "logs", .command = "describe-log-groups", .scope = DW_PLAN_REGION},
    {.service = "logs", .command = "describe-subscription-filters", .scope = DW_PLAN_PER_RESOURCE,
     .parent = "logs describe-log-groups", .each = "logGroups[].logGroupName",
     .params = "{\"logGroupName\":\"{item}\"}",
     .key_doc = "log group name (`/` as `%2F`: `/aws/lambda/f` is `%2Faws%2Flambda%2Ff`)",
     .doc = "for each log group"},
    {.service = "firehose", .command = "describe-delivery-stream", .scope = DW_PLAN_PER_RESOURCE,
     .parent = "logs describe-subscription-filters",
     .each = "subscriptionFilters[?contains(destinationArn, ':firehose:')].destinationArn", .key_is_name = true,
     .params = "{\"DeliveryStreamName\":\"{name}\"}",
     .key_doc = "the stream name: the part of the filter's destination ARN after its last `/` "
                "(`arn:aws:firehose:...:deliverystream/S` -> `S`)",
     .doc = "for each Firehose stream a subscription filter names: is its destination Splunk?"},
    /* ACC-08: where each trail's bucket sends its object-created events. Recorded under the trail's
     * home region; a bucket elsewhere is asked in its own region (S3's redirect names it). */
    {.service = "s3api", .command = "get-bucket-notification-configuration", .scope = DW_PLAN_PER_RESOURCE,
     .parent = "cloudtrail describe-trails", .each = "trailList[?HomeRegion=='{region}'].S3BucketName",
     .params = "{\"Bucket\":\"{item}\"}",
     .key_doc = "bucket name, in the home region of the trail that names it (the bucket may live elsewhere)",
     .doc = "for each trail's bucket; the CLI prints nothing for a bucket without notifications, the snapshot "
            "script files that as `{}`"},
    {.service = "cloudwatch", .command = "describe-alarms", .scope = DW_PLAN_REGION},
    {.service = "dax", .command = "describe-clusters", .scope = DW_PLAN_REGION},
    {.service = "dynamodb", .command = "list-tables", .scope = DW_PLAN_REGION},
    {.service = "dynamodb", .command = "list-backups", .scope = DW_PLAN_REGION, .params = "{\"BackupType\":\"ALL\"}",
     .doc = "on-demand and AWS Backup backups"},
    {.service = "dynamodb", .command = "describe-table", .scope = DW_PLAN_PER_RESOURCE,
     .parent = "dynamodb list-tables", .each = "TableNames[]", .params = "{\"TableName\":\"{item}\"}",
     .key_doc = "table name"},
    {.service = "dynamodb", .command = "describe-continuous-backups", .scope = DW_PLAN_PER_RESOURCE,
     .parent = "dynamodb list-tables", .each = "TableNames[]", .params = "{\"TableName\":\"{item}\"}",
     .key_doc = "table name"},
    {.service = "dynamodb", .command = "describe-time-to-live", .scope = DW_PLAN_PER_RESOURCE,
     .parent = "dynamodb list-tables", .each = "TableNames[]", .params = "{\"TableName\":\"{item}\"}",
     .key_doc = "table name"},
    {.service = "dynamodb", .command = "list-tags-of-resource", .scope = DW_PLAN_PER_RESOURCE,
     .parent = "dynamodb list-tables", .each = "TableNames[]",
     .params = "{\"ResourceArn\":\"arn:{partition}:dynamodb:{region}:{account}:table/{item}\"}",
     .key_doc = "table name"},
    /* Usage matters only for tables that look empty (DDB-11), over DDB-11's window. */
    {.service = "cloudwatch", .command = "get-metric-data", .scope = DW_PLAN_PER_RESOURCE,
     .parent = "dynamodb describe-table", .each = "[Table][?ItemCount==`0`].TableName",
     .params = "{\"MetricDataQueries\":[" DW_METRIC_QUERY("read", "ConsumedReadCapacityUnits") "," DW_METRIC_QUERY(
         "write", "ConsumedWriteCapacityUnits") "],\"StartTime\":\"{window_start}\",\"EndTime\":\"{now}\"}",
     .window_param = "unused_days", .window_default_days = 30,
     .key_doc = "table name", .doc = "daily sums of ConsumedReadCapacityUnits and ConsumedWriteCapacityUnits over the last `unused_days` days (a plan input), for tables whose ItemCount is 0"},
    {.service = "kms", .command = "list-keys", .scope = DW_PLAN_REGION},
    {.service = "kms", .command = "list-aliases", .scope = DW_PLAN_REGION,
     .doc = "also tells which keys an `alias/aws/` alias makes AWS managed"},
    {.service = "kms", .command = "describe-key", .scope = DW_PLAN_PER_RESOURCE, .parent = "kms list-keys",
     .each = "Keys[].KeyId", .params = "{\"KeyId\":\"{item}\"}",
     .key_doc = "key id (the UUID, not the ARN), in the key's own region"},
    {.service = "kms", .command = "get-key-rotation-status", .scope = DW_PLAN_PER_RESOURCE, .parent = "kms list-keys",
     .each = "Keys[].KeyId", .params = "{\"KeyId\":\"{item}\"}",
     .key_doc = "key id (the UUID, not the ARN), in the key's own region"},
    {.service = "kms", .command = "get-key-policy", .scope = DW_PLAN_PER_RESOURCE, .parent = "kms list-keys",
     .each = "Keys[].KeyId", .params = "{\"KeyId\":\"{item}\",\"PolicyName\":\"default\"}",
     .key_doc = "key id (the UUID, not the ARN), in the key's own region"},
};

const struct dw_plan_call *dw_plan_calls(size_t *n)
{
    *n = DW_ARRAY_LEN(s_calls);
    return s_calls;
}

const struct dw_plan_call *dw_plan_get(const char *service, const char *command)
{
    for (size_t i = 0; i < DW_ARRAY_LEN(s_calls); i++)
        if (strcmp(s_calls[i].service, service) == 0 && strcmp(s_calls[i].command, command) == 0)
            return &s_calls[i];
    return NULL;
}

const struct dw_plan_call *dw_plan_find(const char *call)
{
    const char *sp = call ? strchr(call, ' ') : NULL;
    if (!sp)
        return NULL;
    size_t cmd_len = strcspn(sp + 1, "/");
    for (size_t i = 0; i < DW_ARRAY_LEN(s_calls); i++) {
        const struct dw_plan_call *c = &s_calls[i];
        if (strlen(c->service) == (size_t)(sp - call) && strncmp(c->service, call, (size_t)(sp - call)) == 0 &&
            strlen(c->command) == cmd_len && strncmp(c->command, sp + 1, cmd_len) == 0)
            return c;
    }
    return NULL;
}

const char *dw_plan_scope_str(enum dw_plan_scope s)
{
    switch (s) {
    case DW_PLAN_BOOTSTRAP:
        return "bootstrap";
    case DW_PLAN_GLOBAL:
        return "global";
    case DW_PLAN_REGION:
        return "region";
    case DW_PLAN_PER_RESOURCE:
        return "per-resource";
    }
    return "?";
}

char *dw_plan_path_pattern(const struct dw_plan_call *c)
{
    const char *where = c->is_global ? "global" : "<region>";
    if (c->scope == DW_PLAN_PER_RESOURCE)
        return dw_xasprintf("%s/%s/%s/<key>", where, c->service, c->command);
    return dw_xasprintf("%s/%s/%s", where, c->service, c->command);
}

json_t *dw_plan_json(void)
{
    struct dw_aws_models *m = dw_aws_models_load();
    json_t *rows = json_array();
    for (size_t i = 0; i < DW_ARRAY_LEN(s_calls); i++) {
        const struct dw_plan_call *c = &s_calls[i];
        json_t *r = json_object();
        char *path = dw_plan_path_pattern(c);
        json_object_set_new(r, "service", json_string(c->service));
        json_object_set_new(r, "command", json_string(c->command));
        json_object_set_new(r, "call", json_sprintf("%s %s", c->service, c->command));
        json_object_set_new(r, "scope", json_string(dw_plan_scope_str(c->scope)));
        json_object_set_new(r, "global", json_boolean(c->is_global));
        json_object_set_new(r, "parent", c->parent ? json_string(c->parent) : json_null());
        json_object_set_new(r, "each", c->each ? json_string(c->each) : json_null());
        json_object_set_new(r, "key", json_string(c->key_is_name ? "{name}" : c->key_is_tail ? "{tail}" : "{item}"));
        json_t *p = c->params ? json_loads(c->params, 0, NULL) : json_object();
        json_object_set_new(r, "params", p ? p : json_null()); /* steals p */
        if (c->window_param)
            json_object_set_new(r, "window", json_pack("{s:s, s:I}", "param", c->window_param, "default_days",
                                                       (json_int_t)c->window_default_days));
        else
            json_object_set_new(r, "window", json_null());
        json_object_set_new(r, "until", c->until ? json_string(c->until) : json_null());
        json_object_set_new(r, "not_ready", c->not_ready ? json_string(c->not_ready) : json_null());
        struct dw_aws_paginator pg;
        if (m && dw_aws_paginator_get(m, c->service, c->command, &pg))
            json_object_set_new(r, "pagination",
                                json_pack("{s:s, s:s, s:O}", "input_token", pg.input_token, "output_token",
                                          pg.output_token, "result_key", pg.result_keys));
        else
            json_object_set_new(r, "pagination", json_null());
        json_object_set_new(r, "evidence", json_string(path));
        json_object_set_new(r, "key_doc", c->key_doc ? json_string(c->key_doc) : json_null());
        json_object_set_new(r, "doc", c->doc ? json_string(c->doc) : json_null());
        free(path);
        json_array_append_new(rows, r);
    }
    dw_aws_models_free(m);
    return json_pack("{s:i, s:o}", "version", 1, "calls", rows);
}
