/* lookup.c: the joins the evaluators make between answers of one region
 * (replication instance -> its tasks, task -> its endpoints, group id -> its
 * describe-security-groups entries and the instances using it, ARN -> its
 * instance, VPC -> its VPC endpoints, log group name -> its group, key -> its
 * aliases), each indexed once per region in the scan's memo, so a control
 * over N resources costs N lookups and not N scans of another list. An
 * index is named "<service> <command>#<name>" after the answer it is made
 * of, and goes with it (dwi_memo_drop_call): it holds the answer's items. Each
 * lookup returns what the linear scan it replaces found, in the same order.
 * It does not judge anything and emits no finding: an unusable answer is an
 * empty index here, and the evaluator still reports it through dwi_list or
 * the doc's state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

/* The memo of region for name (NULL when not built yet): like dwi_memo_get,
 * for an answer of another region (a key's region). */
static json_t *s_memo_in(struct dw_scan_ctx *ctx, const char *region, const char *name,
                         json_t *(*build)(struct dw_scan_ctx *ctx, const char *region))
{
    char *key = dw_xasprintf("%s|%s", region, name);
    json_t *v = json_object_get(ctx->memo, key);
    if (!v) {
        v = build(ctx, region);
        json_object_set_new(ctx->memo, key, v); /* steals the new index */
    }
    free(key);
    return v;
}

/* The array under field of the answer (service, command) in region, or NULL
 * when the answer is unusable or the field is not an array. Borrowed. */
static json_t *s_answer(struct dw_scan_ctx *ctx, const char *region, const char *service,
                        const char *command, const char *field)
{
    const struct dw_doc *d = dwi_doc_in(ctx, region, service, command, NULL);
    json_t *arr = d->state == DW_DOC_OK ? dwi_get(d->json, field) : NULL;
    return json_is_array(arr) ? arr : NULL;
}

/* key -> [items with that string at path], each array in the answer's order. */
static json_t *s_group_by(json_t *arr, const char *path)
{
    json_t *index = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        const char *k = dwi_str(x, path);
        if (k)
            dwi_index_add(index, k, x);
    }
    return index;
}

/* ---- DMS: tasks by instance, endpoint positions by ARN ---- */

static json_t *s_build_tasks(struct dw_scan_ctx *ctx, const char *region)
{
    return s_group_by(s_answer(ctx, region, "dms", "describe-replication-tasks", "ReplicationTasks"),
                      "ReplicationInstanceArn");
}

json_t *dwi_dms_tasks_of(struct dw_scan_ctx *ctx, const char *inst_arn)
{
    if (!inst_arn)
        return NULL;
    json_t *index = s_memo_in(ctx, ctx->region, "dms describe-replication-tasks#tasks_by_instance", s_build_tasks);
    return json_object_get(index, inst_arn);
}

/* EndpointArn -> [positions in Endpoints], ascending. */
static json_t *s_build_endpoints(struct dw_scan_ctx *ctx, const char *region)
{
    json_t *index = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(s_answer(ctx, region, "dms", "describe-endpoints", "Endpoints"), i, x)
    {
        const char *a = dwi_str(x, "EndpointArn");
        if (!a)
            continue;
        json_t *pos = json_object_get(index, a);
        if (!pos) {
            pos = json_array();
            json_object_set_new(index, a, pos); /* steals pos */
        }
        json_array_append_new(pos, json_integer((json_int_t)i)); /* steals the integer */
    }
    return index;
}

json_t *dwi_dms_task_endpoints(struct dw_scan_ctx *ctx, json_t *task)
{
    json_t *out = json_array();
    json_t *eps = s_answer(ctx, ctx->region, "dms", "describe-endpoints", "Endpoints");
    json_t *index = s_memo_in(ctx, ctx->region, "dms describe-endpoints#endpoints_by_arn", s_build_endpoints);
    const char *sa = dwi_str(task, "SourceEndpointArn");
    const char *ta = dwi_str(task, "TargetEndpointArn");
    json_t *a = sa ? json_object_get(index, sa) : NULL;
    json_t *b = ta && (!sa || strcmp(sa, ta) != 0) ? json_object_get(index, ta) : NULL;
    /* Merge the two ascending position lists: the endpoints in the answer's order. */
    size_t i = 0, k = 0, na = json_array_size(a), nb = json_array_size(b);
    while (i < na || k < nb) {
        json_int_t pa = i < na ? json_integer_value(json_array_get(a, i)) : -1;
        json_int_t pb = k < nb ? json_integer_value(json_array_get(b, k)) : -1;
        json_int_t p;
        if (pb < 0 || (pa >= 0 && pa < pb)) {
            p = pa;
            i++;
        } else {
            p = pb;
            k++;
        }
        json_array_append(out, json_array_get(eps, (size_t)p));
    }
    return out;
}

/* ---- EC2: security groups by id, VPC endpoints by VPC ---- */

static json_t *s_build_groups(struct dw_scan_ctx *ctx, const char *region)
{
    return s_group_by(s_answer(ctx, region, "ec2", "describe-security-groups", "SecurityGroups"),
                      "GroupId");
}

json_t *dwi_ec2_groups_with_id(struct dw_scan_ctx *ctx, const char *gid)
{
    if (!gid)
        return NULL;
    json_t *index = s_memo_in(ctx, ctx->region, "ec2 describe-security-groups#groups_by_id", s_build_groups);
    return json_object_get(index, gid);
}

json_t *dwi_ec2_group(struct dw_scan_ctx *ctx, const char *gid)
{
    json_t *all = dwi_ec2_groups_with_id(ctx, gid);
    size_t n = json_array_size(all);
    return n ? json_array_get(all, n - 1) : NULL;
}

/* VpcSecurityGroupId -> [instances naming it], each instance once. */
static json_t *s_build_group_users(struct dw_scan_ctx *ctx, const char *region)
{
    json_t *index = json_object();
    size_t i, k;
    json_t *inst, *g;
    json_array_foreach(
        s_answer(ctx, region, "dms", "describe-replication-instances", "ReplicationInstances"), i, inst)
    {
        json_array_foreach(dwi_get(inst, "VpcSecurityGroups"), k, g)
        {
            const char *gid = dwi_str(g, "VpcSecurityGroupId");
            if (gid)
                dwi_index_add(index, gid, inst); /* a repeat of the same item is kept once */
        }
    }
    return index;
}

json_t *dwi_dms_group_users(struct dw_scan_ctx *ctx, const char *gid)
{
    if (!gid)
        return NULL;
    json_t *index = s_memo_in(ctx, ctx->region, "dms describe-replication-instances#instances_by_group", s_build_group_users);
    return json_object_get(index, gid);
}

/* ReplicationInstanceArn -> the first instance with it. */
static json_t *s_build_instances(struct dw_scan_ctx *ctx, const char *region)
{
    json_t *index = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(
        s_answer(ctx, region, "dms", "describe-replication-instances", "ReplicationInstances"), i, x)
    {
        const char *a = dwi_str(x, "ReplicationInstanceArn");
        if (a && !json_object_get(index, a))
            json_object_set(index, a, x);
    }
    return index;
}

json_t *dwi_dms_instance(struct dw_scan_ctx *ctx, const char *arn)
{
    if (!arn)
        return NULL;
    json_t *index = s_memo_in(ctx, ctx->region, "dms describe-replication-instances#instances_by_arn", s_build_instances);
    return json_object_get(index, arn);
}

/* logGroupName -> the first log group with it. */
static json_t *s_build_log_groups(struct dw_scan_ctx *ctx, const char *region)
{
    json_t *index = json_object();
    size_t i;
    json_t *x;
    json_array_foreach(s_answer(ctx, region, "logs", "describe-log-groups", "logGroups"), i, x)
    {
        const char *n = dwi_str(x, "logGroupName");
        if (n && !json_object_get(index, n))
            json_object_set(index, n, x);
    }
    return index;
}

json_t *dwi_logs_group(struct dw_scan_ctx *ctx, const char *name)
{
    if (!name)
        return NULL;
    json_t *index = s_memo_in(ctx, ctx->region, "logs describe-log-groups#log_groups_by_name", s_build_log_groups);
    return json_object_get(index, name);
}

static json_t *s_build_vpc_endpoints(struct dw_scan_ctx *ctx, const char *region)
{
    return s_group_by(s_answer(ctx, region, "ec2", "describe-vpc-endpoints", "VpcEndpoints"),
                      "VpcId");
}

json_t *dwi_ec2_vpc_endpoints_of(struct dw_scan_ctx *ctx, const char *vpc)
{
    if (!vpc)
        return NULL;
    json_t *index = s_memo_in(ctx, ctx->region, "ec2 describe-vpc-endpoints#vpc_endpoints_by_vpc", s_build_vpc_endpoints);
    return json_object_get(index, vpc);
}

/* ---- KMS: aliases by name, alias/aws/ aliases by target key ---- */

/* {"by_name": {AliasName: TargetKeyId of the last such alias with one},
 *  "aws_by_key": {key id: the first alias/aws/ AliasName targeting it}} */
static json_t *s_build_aliases(struct dw_scan_ctx *ctx, const char *region)
{
    json_t *by_name = json_object();
    json_t *aws_by_key = json_object();
    size_t i;
    json_t *a;
    json_array_foreach(s_answer(ctx, region, "kms", "list-aliases", "Aliases"), i, a)
    {
        const char *n = dwi_str(a, "AliasName");
        const char *t = dwi_str(a, "TargetKeyId");
        if (!n || !t)
            continue;
        json_object_set(by_name, n, dwi_get(a, "TargetKeyId"));
        if (strncmp(n, "alias/aws/", 10) != 0)
            continue;
        const char *slash = strstr(t, ":key/");
        const char *kid = slash ? slash + 5 : t;
        if (!json_object_get(aws_by_key, kid))
            json_object_set(aws_by_key, kid, dwi_get(a, "AliasName"));
    }
    json_t *index = json_object();
    json_object_set_new(index, "by_name", by_name);       /* steals by_name */
    json_object_set_new(index, "aws_by_key", aws_by_key); /* steals aws_by_key */
    return index;
}

const char *dwi_kms_alias_target(struct dw_scan_ctx *ctx, const char *region, const char *alias)
{
    json_t *index = s_memo_in(ctx, region, "kms list-aliases#aliases", s_build_aliases);
    return json_string_value(json_object_get(json_object_get(index, "by_name"), alias));
}

const char *dwi_kms_aws_alias_of(struct dw_scan_ctx *ctx, const char *region, const char *key_id)
{
    json_t *index = s_memo_in(ctx, region, "kms list-aliases#aliases", s_build_aliases);
    return json_string_value(json_object_get(json_object_get(index, "aws_by_key"), key_id));
}

/* ---- DMS: certificates by ARN ---- */

static json_t *s_build_certificates(struct dw_scan_ctx *ctx, const char *region)
{
    return s_group_by(s_answer(ctx, region, "dms", "describe-certificates", "Certificates"),
                      "CertificateArn");
}

json_t *dwi_dms_certificate(struct dw_scan_ctx *ctx, const char *arn)
{
    if (!arn)
        return NULL;
    json_t *all = json_object_get(
        s_memo_in(ctx, ctx->region, "dms describe-certificates#certificates_by_arn", s_build_certificates), arn);
    size_t n = json_array_size(all);
    return n ? json_array_get(all, n - 1) : NULL;
}
