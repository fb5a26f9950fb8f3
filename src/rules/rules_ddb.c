/* rules_ddb.c: evaluators for DDB-01..DDB-13: IAM grants to DynamoDB, table
 * encryption, logging, backups and tags, DAX, and the VPC gateway endpoint.
 * Per-table calls are keyed by table name in the snapshot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules_int.h"

/* The evaluators are static: the table at the end of this file is the only
 * way to them. (Declared here, defined below.) */
static void dwi_eval_ddb01(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_ddb02(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_ddb03(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_ddb13(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_ddb14(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_ddb04(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_ddb05(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_ddb06(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_ddb07(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_ddb08(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_ddb09(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_ddb10(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_ddb11(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_ddb12(struct dw_scan_ctx *ctx, const struct dw_control *c);

#define RT_TABLE "AWS::DynamoDB::Table"


/* Calls fn for every table whose describe-table answer is usable; emits
 * ERROR for the others. */
typedef void (*s_table_fn)(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *name,
                           const char *arn, json_t *table);

static void s_each_table(struct dw_scan_ctx *ctx, const struct dw_control *c, s_table_fn fn)
{
    const struct dw_doc *d = dwi_doc(ctx, "dynamodb", "list-tables", NULL);
    json_t *names = dwi_list(ctx, c, d, "TableNames", NULL, NULL);
    size_t i;
    json_t *n;
    dwi_prefetch(ctx, c, "<table>", names);
    json_array_foreach(names, i, n)
    {
        const char *name = json_string_value(n);
        if (!name) {
            dwi_emit(ctx, c, DW_ERROR, RT_TABLE, "", "TableNames[%zu] is not a string", i);
            continue;
        }
        char *fallback = dw_xasprintf("arn:%s:dynamodb:%s:%s:table/%s", ctx->partition,
                                      ctx->region, ctx->account, name);
        const struct dw_doc *td = dwi_doc(ctx, "dynamodb", "describe-table", name);
        json_t *t = td->state == DW_DOC_OK ? dwi_get(td->json, "Table") : NULL;
        if (td->state != DW_DOC_OK)
            dwi_emit(ctx, c, DW_ERROR, RT_TABLE, fallback, "%s", td->reason);
        else if (!json_is_object(t))
            dwi_emit(ctx, c, DW_ERROR, RT_TABLE, fallback, "%s.json has no \"Table\" object",
                     td->path);
        else
            fn(ctx, c, name, dwi_str(t, "TableArn") ? dwi_str(t, "TableArn") : fallback, t);
        free(fallback);
    }
    dwi_prefetch_end(ctx);
}

/* ---- DDB-01: effective DynamoDB permissions, per principal ---- */

/* The policies that apply to one principal, gathered from the
 * get-account-authorization-details answer. Names are new; documents are
 * parsed (NULL when unreadable, with the reason in bad). */
struct s_pset {
    struct dw_policy_ref *refs;
    struct dw_policy **parsed;
    char **names;
    size_t n;
    char *bad;          /* new: first policy that could not be read, and why */
    char *aws_managed;  /* new: attached AWS managed policy ARNs, '\n'-separated */
};

static void s_pset_clean_up(struct s_pset *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        dw_policy_free(ps->parsed[i]);
        free(ps->names[i]);
    }
    free(ps->refs);
    free(ps->parsed);
    free(ps->names);
    free(ps->bad);
    free(ps->aws_managed);
    memset(ps, 0, sizeof(*ps));
}

static void s_pset_add(struct s_pset *ps, char *name, json_t *doc, bool is_boundary)
{
    ps->refs = dw_xrealloc(ps->refs, (ps->n + 1) * sizeof(*ps->refs));
    ps->parsed = dw_xrealloc(ps->parsed, (ps->n + 1) * sizeof(*ps->parsed));
    ps->names = dw_xrealloc(ps->names, (ps->n + 1) * sizeof(*ps->names));
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    struct dw_policy *p = NULL;
    if (!doc) {
        if (!ps->bad)
            ps->bad = dw_xasprintf("the document of %s is missing from the answer", name);
    } else if (dw_policy_parse(doc, name, &p, &err)) {
        if (!ps->bad && err.line > 0)
            ps->bad = dw_xasprintf("%s cannot be read at line %d, column %d: %s", name, err.line,
                                   err.column, err.message);
        else if (!ps->bad && err.offset > 0)
            ps->bad = dw_xasprintf("%s cannot be read at byte %zu: %s", name, err.offset,
                                   err.message);
        else if (!ps->bad)
            ps->bad = dw_xasprintf("%s cannot be read: %s", name, err.message);
    }
    ps->names[ps->n] = name;
    ps->parsed[ps->n] = p;
    ps->refs[ps->n] = (struct dw_policy_ref){name, p, is_boundary};
    ps->n++;
}

/* kind and name say where the policy is attached ("user", "group", "role"),
 * for the detach command; owner prefixes the policy's name in reasons. */
static void s_pset_attached(struct s_pset *ps, json_t *det, json_t *entry, const char *owner,
                            const char *kind, const char *ename)
{
    size_t k;
    json_t *x;
    json_array_foreach(dwi_get(entry, "AttachedManagedPolicies"), k, x)
    {
        const char *arn = dwi_str(x, "PolicyArn");
        if (!arn) {
            if (!ps->bad)
                ps->bad = dw_xasprintf("AttachedManagedPolicies[%zu] of %s has no PolicyArn", k,
                                       owner);
            continue;
        }
        bool aws = strstr(arn, ":iam::aws:policy/") != NULL;
        const char *pname = dwi_str(x, "PolicyName") ? dwi_str(x, "PolicyName") : arn;
        char *name = dw_xasprintf("%s%s managed policy %s", owner, aws ? "AWS" : "customer", pname);
        json_t *pol = dwi_iam_policy(det, arn);
        s_pset_add(ps, name, pol ? dwi_iam_default_doc(pol) : NULL, false);
        if (aws) {
            char *prev = ps->aws_managed;
            ps->aws_managed = dw_xasprintf("%s%s%s\t%s\t%s", prev ? prev : "", prev ? "\n" : "",
                                           kind, ename, arn);
            free(prev);
        }
    }
}

static void s_pset_inline(struct s_pset *ps, json_t *entry, const char *key, const char *owner)
{
    size_t k;
    json_t *x;
    json_array_foreach(dwi_get(entry, key), k, x)
    {
        const char *pname = dwi_str(x, "PolicyName");
        s_pset_add(ps, dw_xasprintf("%sinline policy %s", owner, pname ? pname : "?"),
                   dwi_get(x, "PolicyDocument"), false);
    }
}

static void s_pset_principal(struct s_pset *ps, json_t *det, json_t *pr, const char *inline_key,
                             const char *kind, const char *name)
{
    memset(ps, 0, sizeof(*ps));
    s_pset_inline(ps, pr, inline_key, "");
    s_pset_attached(ps, det, pr, "", kind, name);
    size_t i;
    json_t *g;
    json_array_foreach(dwi_get(pr, "GroupList"), i, g)
    {
        const char *gn = json_string_value(g);
        json_t *found = dwi_iam_group(det, gn);
        if (!found) {
            if (!ps->bad)
                ps->bad = dw_xasprintf("group %s is missing from GroupDetailList", gn ? gn : "?");
            continue;
        }
        char *owner = dw_xasprintf("group %s's ", gn);
        s_pset_inline(ps, found, "GroupPolicyList", owner);
        s_pset_attached(ps, det, found, owner, "group", gn);
        free(owner);
    }
    const char *barn = dwi_str(pr, "PermissionsBoundary.PermissionsBoundaryArn");
    if (barn) {
        json_t *pol = dwi_iam_policy(det, barn);
        s_pset_add(ps, dw_xasprintf("permissions boundary %s", barn),
                   pol ? dwi_iam_default_doc(pol) : NULL, true);
    }
}

/* Every region of the snapshot, not only those in scope: IAM is global, so
 * a shard of the regions must judge it as the whole scan does. regions has
 * room for DW_DDB01_MAX_REGIONS. */
#define DW_DDB01_MAX_REGIONS 64
static void s_scope(struct dw_scan_ctx *ctx, struct dw_policy_scope *sc, const char **regions)
{
    memset(sc, 0, sizeof(*sc));
    sc->partition = ctx->partition;
    sc->account = ctx->account;
    size_t n = dw_snapshot_region_count(ctx->snap);
    for (size_t i = 0; i < n && i < DW_DDB01_MAX_REGIONS; i++)
        regions[i] = dw_snapshot_region(ctx->snap, i);
    sc->regions = regions;
    sc->n_regions = n < DW_DDB01_MAX_REGIONS ? n : DW_DDB01_MAX_REGIONS;
    sc->ip_widest_prefix = (int)dwi_param_long(ctx, "source_ip_widest_prefix");
}

static const char *const s_ddb01_note =
    "Rewrite the statement to list only the DynamoDB actions the workload needs, on the ARNs of "
    "its own tables and indexes.";

static void s_ddb01_policy(struct dw_scan_ctx *ctx, const struct dw_control *c, json_t *pol,
                           const char *arn)
{
    struct s_pset ps;
    struct dw_policy_scope sc;
    const char *regions[DW_DDB01_MAX_REGIONS];
    memset(&ps, 0, sizeof(ps));
    s_scope(ctx, &sc, regions);
    s_pset_add(&ps, dw_xasprintf("customer managed policy %s",
                                 dwi_str(pol, "PolicyName") ? dwi_str(pol, "PolicyName") : arn),
               dwi_iam_default_doc(pol), false);
    if (ps.bad) {
        dwi_emit(ctx, c, DW_ERROR, "AWS::IAM::ManagedPolicy", arn, "%s", ps.bad);
    } else {
        struct dw_policy_ddb_answer a;
        dw_policy_ddb_eval(ps.refs, ps.n, &sc, &a);
        if (!a.is_known) {
            dwi_emit(ctx, c, DW_ERROR, "AWS::IAM::ManagedPolicy", arn, "%s", a.why);
        } else if (a.total || a.via_not || a.via_star) {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, "AWS::IAM::ManagedPolicy", arn, "%s",
                                            a.why);
            dwi_note(f, "%s", s_ddb01_note);
            dwi_cmd(f, "aws iam create-policy-version --policy-arn %s --policy-document "
                       "file://REPLACE_WITH_REVISED_POLICY.json --set-as-default", arn);
        } else {
            dwi_emit(ctx, c, DW_PASS, "AWS::IAM::ManagedPolicy", arn, "%s", a.why);
        }
        dw_policy_ddb_answer_clean_up(&a);
    }
    s_pset_clean_up(&ps);
}

static void s_ddb01_principals(struct dw_scan_ctx *ctx, const struct dw_control *c, json_t *det,
                               const char *list_key, const char *kind, const char *inline_key,
                               const char *name_key)
{
    const char *rtype = kind[0] == 'u' ? "AWS::IAM::User" : "AWS::IAM::Role";
    struct dw_policy_scope sc;
    const char *regions[DW_DDB01_MAX_REGIONS];
    s_scope(ctx, &sc, regions);
    size_t i;
    json_t *pr;
    json_array_foreach(dwi_get(det, list_key), i, pr)
    {
        const char *arn = dwi_str(pr, "Arn");
        const char *name = dwi_str(pr, name_key);
        if (!arn || !name) {
            dwi_emit(ctx, c, DW_ERROR, rtype, "", "%s[%zu] lacks Arn or %s", list_key, i,
                     name_key);
            continue;
        }
        struct s_pset ps;
        struct dw_policy_ddb_answer a;
        s_pset_principal(&ps, det, pr, inline_key, kind, name);
        dw_policy_ddb_eval(ps.refs, ps.n, &sc, &a);
        bool broad = a.is_known && (a.total || a.via_not || a.via_star);
        if (broad) {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, rtype, arn, "%s%s%s", a.why,
                                            ps.bad ? "; besides, " : "", ps.bad ? ps.bad : "");
            dwi_note(f, "%s Attach a narrower policy before detaching a broad one, or the "
                        "workload loses access.", s_ddb01_note);
            /* Each line is "kind TAB name TAB arn" of an attached AWS managed
             * policy; the ones the reason names get a detach command. */
            for (char *m = ps.aws_managed; m && *m;) {
                char *nl = strchr(m, '\n');
                size_t len = nl ? (size_t)(nl - m) : strlen(m);
                char *one = dw_xstrndup(m, len);
                char *t1 = strchr(one, '\t');
                char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
                if (t1 && t2) {
                    *t1 = *t2 = '\0';
                    char *pn = dw_xasprintf("AWS managed policy %s statement", strrchr(t2 + 1, '/') + 1);
                    if (strstr(a.why, pn))
                        dwi_cmd(f, "aws iam detach-%s-policy --%s-name %s --policy-arn %s", one,
                                one, t1 + 1, t2 + 1);
                    free(pn);
                }
                free(one);
                m = nl ? nl + 1 : NULL;
            }
        } else if (ps.bad) {
            dwi_emit(ctx, c, DW_ERROR, rtype, arn, "%s", ps.bad);
        } else if (!a.is_known) {
            dwi_emit(ctx, c, DW_ERROR, rtype, arn, "%s", a.why);
        } else {
            dwi_emit(ctx, c, DW_PASS, rtype, arn, "%s", a.why);
        }
        dw_policy_ddb_answer_clean_up(&a);
        s_pset_clean_up(&ps);
    }
}

void dwi_eval_ddb01(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    const struct dw_doc *d = dwi_doc(ctx, "iam", "get-account-authorization-details", NULL);
    json_t *pols = dwi_list(ctx, c, d, "Policies", "AWS::IAM::Policy", NULL);
    if (!pols)
        return;
    size_t i;
    json_t *p;
    json_array_foreach(pols, i, p)
    {
        const char *arn = dwi_str(p, "Arn");
        if (!arn) {
            dwi_emit(ctx, c, DW_ERROR, "AWS::IAM::ManagedPolicy", "", "Policies[%zu] has no Arn",
                     i);
            continue;
        }
        if (strstr(arn, ":iam::aws:policy/"))
            continue; /* AWS managed: judged through the principals it is attached to */
        s_ddb01_policy(ctx, c, p, arn);
    }
    s_ddb01_principals(ctx, c, d->json, "UserDetailList", "user", "UserPolicyList", "UserName");
    s_ddb01_principals(ctx, c, d->json, "RoleDetailList", "role", "RolePolicyList", "RoleName");
}

/* ---- DDB-02: table encryption with a customer managed key ---- */

static void s_ddb02(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *name,
                    const char *arn, json_t *t)
{
    json_t *sse = dwi_get(t, "SSEDescription");
    const char *st = dwi_str(sse, "Status");
    const char *type = dwi_str(sse, "SSEType");
    const char *key = dwi_str(sse, "KMSMasterKeyArn");
    struct dw_finding *f = NULL;
    if (!sse) {
        f = dwi_emit(ctx, c, DW_FAIL, RT_TABLE, arn,
                     "no SSEDescription: the table uses the AWS owned key");
    } else if (st && (strcmp(st, "UPDATING") == 0 || strcmp(st, "ENABLING") == 0)) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "SSEDescription.Status is %s: scan again later",
                 st);
        return;
    } else if (!st || strcmp(st, "ENABLED") != 0 || !type || strcmp(type, "KMS") != 0 || !key) {
        f = dwi_emit(ctx, c, DW_FAIL, RT_TABLE, arn,
                     "SSEDescription.Status is %s, SSEType %s, KMSMasterKeyArn %s",
                     st ? st : "(missing)", type ? type : "(missing)", key ? key : "(missing)");
    } else {
        struct dwi_key k;
        dwi_key_resolve(ctx, key, ctx->region, &k);
        if (!k.ok)
            dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "KMSMasterKeyArn %s could not be checked: %s",
                     key, k.reason);
        else if (k.aws_managed == 1)
            f = dwi_emit(ctx, c, DW_FAIL, RT_TABLE, arn,
                         "KMSMasterKeyArn %s is an AWS managed key (%s)", key, k.why_aws);
        else if (k.aws_managed < 0)
            dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn,
                     "KMSMasterKeyArn %s says KeyManager CUSTOMER, but whether an alias/aws/ "
                     "alias targets it is unknown: %s",
                     key, k.alias_reason);
        else
            dwi_emit(ctx, c, DW_PASS, RT_TABLE, arn,
                     "encrypted with customer managed key %s", key);
        dwi_key_clean_up(&k);
    }
    if (f)
        dwi_cmd(f,
                "aws dynamodb update-table --region %s --table-name %s --sse-specification "
                "Enabled=true,SSEType=KMS,KMSMasterKeyId=REPLACE_WITH_CMK_ARN",
                ctx->region, name);
}

void dwi_eval_ddb02(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    s_each_table(ctx, c, s_ddb02);
}

/* ---- DDB-03 / DDB-13: DAX ---- */

void dwi_eval_ddb03(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    const struct dw_doc *d = dwi_doc(ctx, "dax", "describe-clusters", NULL);
    json_t *arr = dwi_list(ctx, c, d, "Clusters", NULL, NULL);
    if (!arr)
        return;
    char *scope = dwi_scope_id(ctx);
    const char *approved = dwi_param(ctx, "dax_approved");
    if (strcmp(approved, "true") == 0) {
        dwi_emit(ctx, c, DW_NOT_APPLICABLE, "AWS::::Account", scope,
                 "DAX is approved (dax_approved=true); %zu cluster(s) in %s", json_array_size(arr),
                 ctx->region);
    } else if (json_array_size(arr) == 0) {
        dwi_emit(ctx, c, DW_PASS, "AWS::::Account", scope, "no DAX cluster in %s", ctx->region);
    } else {
        struct dw_buf b;
        dw_buf_init(&b, 65536);
        size_t i;
        json_t *cl;
        json_array_foreach(arr, i, cl)
            dw_buf_printf(&b, "%s%s", i ? ", " : "",
                          dwi_str(cl, "ClusterName") ? dwi_str(cl, "ClusterName") : "?");
        char *names = dw_buf_steal(&b);
        struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, "AWS::::Account", scope,
                                        "%zu DAX cluster(s) exist although DAX is not approved: %s",
                                        json_array_size(arr), names ? names : "");
        json_array_foreach(arr, i, cl)
        {
            if (dwi_str(cl, "ClusterName"))
                dwi_cmd(f, "aws dax delete-cluster --region %s --cluster-name %s", ctx->region,
                        dwi_str(cl, "ClusterName"));
        }
        dwi_note(f, "Move the applications to DynamoDB directly (or get DAX approved) before "
                    "deleting: deletion drops the cache at once.");
        free(names);
    }
    free(scope);
}

void dwi_eval_ddb13(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    const struct dw_doc *d = dwi_doc(ctx, "dax", "describe-clusters", NULL);
    json_t *arr = dwi_list(ctx, c, d, "Clusters", NULL, NULL);
    size_t i, k;
    json_t *cl, *x;
    json_array_foreach(arr, i, cl)
    {
        const char *arn = dwi_str(cl, "ClusterArn");
        const char *name = dwi_str(cl, "ClusterName");
        const char *sse = dwi_str(cl, "SSEDescription.Status");
        const char *tls = dwi_str(cl, "ClusterEndpointEncryptionType");
        if (!tls) {
            dwi_emit(ctx, c, DW_ERROR, "AWS::DAX::Cluster", arn,
                     "ClusterEndpointEncryptionType is missing from the answer");
            continue;
        }
        bool ok_sse = sse && strcmp(sse, "ENABLED") == 0;
        bool ok_tls = strcmp(tls, "TLS") == 0;
        if (ok_sse && ok_tls) {
            dwi_emit(ctx, c, DW_PASS, "AWS::DAX::Cluster", arn,
                     "SSEDescription.Status ENABLED and ClusterEndpointEncryptionType TLS");
            continue;
        }
        struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, "AWS::DAX::Cluster", arn,
                                        "SSEDescription.Status is %s and "
                                        "ClusterEndpointEncryptionType is %s",
                                        sse ? sse : "(missing)", tls);
        struct dw_buf b;
        dw_buf_init(&b, 65536);
        dw_shell_printf(&b,
                      "aws dax create-cluster --region %s --cluster-name %s-enc --node-type %s "
                      "--replication-factor %lld --iam-role-arn %s",
                      ctx->region, name ? name : "cluster",
                      dwi_str(cl, "NodeType") ? dwi_str(cl, "NodeType") : "REPLACE_WITH_NODE_TYPE",
                      json_is_integer(dwi_get(cl, "TotalNodes"))
                          ? (long long)json_integer_value(dwi_get(cl, "TotalNodes"))
                          : 3LL,
                      dwi_str(cl, "IamRoleArn") ? dwi_str(cl, "IamRoleArn") : "REPLACE_WITH_ROLE_ARN");
        if (dwi_str(cl, "SubnetGroup"))
            dw_shell_printf(&b, " --subnet-group-name %s", dwi_str(cl, "SubnetGroup"));
        json_t *sgs = dwi_get(cl, "SecurityGroups");
        if (json_array_size(sgs)) {
            dw_buf_puts(&b, " --security-group-ids");
            json_array_foreach(sgs, k, x)
            {
                if (dwi_str(x, "SecurityGroupIdentifier"))
                    dw_shell_printf(&b, " %s", dwi_str(x, "SecurityGroupIdentifier"));
            }
        }
        dw_buf_puts(&b, " --sse-specification Enabled=true --cluster-endpoint-encryption-type TLS");
        dwi_cmd_take(f, dw_buf_steal(&b));
        if (name)
            dwi_cmd(f, "aws dax delete-cluster --region %s --cluster-name %s", ctx->region, name);
        dwi_note(f, "Encryption settings of a DAX cluster are fixed at creation: point the "
                    "clients at the new cluster's endpoint before deleting the old one.");
    }
}

/* ---- DDB-04: gateway endpoint for DynamoDB in each VPC ---- */

static bool s_str_in(json_t *arr, const char *v)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        if (json_string_value(x) && strcmp(json_string_value(x), v) == 0)
            return true;
    }
    return false;
}

void dwi_eval_ddb04(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    int has = dwi_region_has(ctx, c, "dynamodb", "list-tables", "TableNames");
    if (has < 0)
        return;
    char *scope = dwi_scope_id(ctx);
    if (!has) {
        dwi_emit(ctx, c, DW_NOT_APPLICABLE, "AWS::::Account", scope, "no DynamoDB tables in %s",
                 ctx->region);
        free(scope);
        return;
    }
    free(scope);
    json_t *vpcs = dwi_list(ctx, c, dwi_doc(ctx, "ec2", "describe-vpcs", NULL), "Vpcs", NULL, NULL);
    if (!vpcs)
        return;
    const struct dw_doc *ed = dwi_doc(ctx, "ec2", "describe-vpc-endpoints", NULL);
    const struct dw_doc *rd = dwi_doc(ctx, "ec2", "describe-route-tables", NULL);
    char *svc = dw_xasprintf("com.amazonaws.%s.dynamodb", ctx->region);
    size_t i, k;
    json_t *v, *x;
    json_array_foreach(vpcs, i, v)
    {
        const char *vpc = dwi_str(v, "VpcId");
        if (!vpc)
            continue;
        char *varn = dw_xasprintf("arn:%s:ec2:%s:%s:vpc/%s", ctx->partition, ctx->region,
                                  ctx->account, vpc);
        json_t *eps = dwi_list(ctx, c, ed, "VpcEndpoints", "AWS::EC2::VPC", varn);
        json_t *rts = eps ? dwi_list(ctx, c, rd, "RouteTables", "AWS::EC2::VPC", varn) : NULL;
        if (!eps || !rts) {
            free(varn);
            continue;
        }
        json_t *gw = NULL;
        json_array_foreach(eps, k, x)
        {
            const char *type = dwi_str(x, "VpcEndpointType");
            const char *evpc = dwi_str(x, "VpcId");
            const char *name = dwi_str(x, "ServiceName");
            if (type && strcmp(type, "Gateway") == 0 && evpc && strcmp(evpc, vpc) == 0 && name &&
                (strcmp(name, svc) == 0 || (strncmp(name, "cn.", 3) == 0 && strcmp(name + 3, svc) == 0)))
                gw = x;
        }
        struct dw_buf miss, missq; /* the ids as they are (reason) and quoted (command) */
        dw_buf_init(&miss, 65536);
        dw_buf_init(&missq, 65536);
        json_array_foreach(rts, k, x)
        {
            const char *rvpc = dwi_str(x, "VpcId");
            const char *rid = dwi_str(x, "RouteTableId");
            if (!rvpc || !rid || strcmp(rvpc, vpc) != 0)
                continue;
            if (!gw || !s_str_in(dwi_get(gw, "RouteTableIds"), rid)) {
                dw_buf_printf(&miss, " %s", rid);
                dw_shell_printf(&missq, " %s", rid);
            }
        }
        char *m = dw_buf_steal(&miss);
        char *mq = dw_buf_steal(&missq);
        struct dw_buf cmd;
        dw_buf_init(&cmd, 65536);
        if (!gw) {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, "AWS::EC2::VPC", varn,
                                            "no Gateway endpoint for %s in %s", svc, vpc);
            dw_shell_printf(&cmd,
                            "aws ec2 create-vpc-endpoint --region %s --vpc-endpoint-type Gateway --vpc-id %s "
                            "--service-name %s",
                            ctx->region, vpc, svc);
            if (mq && *mq) {
                dw_buf_puts(&cmd, " --route-table-ids");
                dw_buf_puts(&cmd, mq);
            }
            dwi_cmd_take(f, dw_buf_steal(&cmd));
        } else if (m && *m) {
            const char *gid = dwi_str(gw, "VpcEndpointId");
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, "AWS::EC2::VPC", varn,
                                            "Gateway endpoint %s is not associated with route "
                                            "table(s)%s",
                                            gid ? gid : "?", m);
            dw_shell_printf(&cmd, "aws ec2 modify-vpc-endpoint --region %s --vpc-endpoint-id %s "
                                  "--add-route-table-ids",
                            ctx->region, gid ? gid : "REPLACE_WITH_ENDPOINT_ID");
            dw_buf_puts(&cmd, mq ? mq : "");
            dwi_cmd_take(f, dw_buf_steal(&cmd));
        } else {
            dwi_emit(ctx, c, DW_PASS, "AWS::EC2::VPC", varn,
                     "Gateway endpoint %s serves every route table of the VPC",
                     dwi_str(gw, "VpcEndpointId") ? dwi_str(gw, "VpcEndpointId") : "?");
        }
        free(m);
        free(mq);
        dw_buf_clean_up(&cmd);
        free(varn);
    }
    free(svc);
}

/* ---- DDB-05: streams ---- */

static void s_ddb05(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *name,
                    const char *arn, json_t *t)
{
    int on = dwi_bool(t, "StreamSpecification.StreamEnabled");
    if (on == 1) {
        dwi_emit(ctx, c, DW_PASS, RT_TABLE, arn, "StreamSpecification.StreamEnabled is true (%s)",
                 dwi_str(t, "StreamSpecification.StreamViewType")
                     ? dwi_str(t, "StreamSpecification.StreamViewType")
                     : "view type not shown");
        return;
    }
    struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, RT_TABLE, arn,
                                    "StreamSpecification.StreamEnabled is %s",
                                    on == 0 ? "false" : "not set (no stream)");
    dwi_cmd(f,
            "aws dynamodb update-table --region %s --table-name %s --stream-specification "
            "StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES",
            ctx->region, name);
}

void dwi_eval_ddb05(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    s_each_table(ctx, c, s_ddb05);
}

void dwi_eval_ddb06(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    dwi_trail_control(ctx, c, true);
}

/* ---- DDB-07: CloudWatch alarm per table ---- */

/* Adds alarm to index[table] for each AWS/DynamoDB TableName dimension of
 * metric_holder (the alarm itself, or one of its metric queries). */
static void s_alarm_index(json_t *index, json_t *metric_holder, json_t *alarm)
{
    const char *ns = dwi_str(metric_holder, "Namespace");
    if (!ns || strcmp(ns, "AWS/DynamoDB") != 0)
        return;
    size_t i;
    json_t *dim;
    json_array_foreach(dwi_get(metric_holder, "Dimensions"), i, dim)
    {
        const char *n = dwi_str(dim, "Name");
        const char *v = dwi_str(dim, "Value");
        if (n && v && strcmp(n, "TableName") == 0)
            dwi_index_add(index, v, alarm);
    }
}

static void s_ddb07(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *name,
                    const char *arn, json_t *t)
{
    (void)t;
    const struct dw_doc *d = dwi_doc(ctx, "cloudwatch", "describe-alarms", NULL);
    if (d->state != DW_DOC_OK) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "%s", d->reason);
        return;
    }
    json_t *alarms = dwi_get(d->json, "MetricAlarms");
    if (!json_is_array(alarms)) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "%s.json has no \"MetricAlarms\" array", d->path);
        return;
    }
    /* Alarms by the table they watch, built once per region, in alarm order. */
    json_t *index = dwi_memo_get(ctx, "cloudwatch describe-alarms#alarms_by_table");
    if (!index) {
        index = dwi_memo_set(ctx, "cloudwatch describe-alarms#alarms_by_table", json_object());
        size_t i, k;
        json_t *a, *m;
        json_array_foreach(alarms, i, a)
        {
            s_alarm_index(index, a, a);
            json_array_foreach(dwi_get(a, "Metrics"), k, m)
                s_alarm_index(index, dwi_get(m, "MetricStat.Metric"), a);
        }
    }
    json_t *a = json_array_get(json_object_get(index, name), 0);
    if (a) {
        dwi_emit(ctx, c, DW_PASS, RT_TABLE, arn, "alarm %s watches the table",
                 dwi_str(a, "AlarmName") ? dwi_str(a, "AlarmName") : "?");
        return;
    }
    struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, RT_TABLE, arn,
                                    "no CloudWatch alarm in AWS/DynamoDB has TableName=%s", name);
    dwi_cmd(f,
            "aws cloudwatch put-metric-alarm --region %s --alarm-name %s-read-throttles "
            "--namespace AWS/DynamoDB --metric-name ReadThrottleEvents --dimensions "
            "Name=TableName,Value=%s --statistic Sum --period 300 --evaluation-periods 1 "
            "--threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --alarm-actions "
            "REPLACE_WITH_SNS_TOPIC_ARN",
            ctx->region, name, name);
}

void dwi_eval_ddb07(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    s_each_table(ctx, c, s_ddb07);
}

/* ---- DDB-08: tags ---- */

static void s_ddb08(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *name,
                    const char *arn, json_t *t)
{
    (void)t;
    const struct dw_doc *d = dwi_doc(ctx, "dynamodb", "list-tags-of-resource", name);
    json_t *tags = d->state == DW_DOC_OK ? dwi_get(d->json, "Tags") : NULL;
    if (d->state != DW_DOC_OK) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "%s", d->reason);
        return;
    }
    if (!json_is_array(tags)) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "%s.json has no \"Tags\" array", d->path);
        return;
    }
    char *missing = dwi_missing_tags(ctx, tags);
    if (!missing) {
        dwi_emit(ctx, c, DW_PASS, RT_TABLE, arn, "has every required tag (%s)",
                 dwi_param(ctx, "required_tags"));
        return;
    }
    struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, RT_TABLE, arn, "missing required tags: %s",
                                    missing);
    char *prefix = dw_shell_asprintf("aws dynamodb tag-resource --region %s --resource-arn %s --tags", ctx->region,
                  arn);
    dwi_tag_fix(f, prefix, missing);
    free(prefix);
    free(missing);
}

void dwi_eval_ddb08(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    s_each_table(ctx, c, s_ddb08);
}

/* ---- DDB-09: point-in-time recovery ---- */

static void s_ddb09(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *name,
                    const char *arn, json_t *t)
{
    (void)t;
    const struct dw_doc *d = dwi_doc(ctx, "dynamodb", "describe-continuous-backups", name);
    if (d->state != DW_DOC_OK) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "%s", d->reason);
        return;
    }
    const char *st = dwi_str(d->json, "ContinuousBackupsDescription.PointInTimeRecoveryDescription."
                                      "PointInTimeRecoveryStatus");
    if (!st) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn,
                 "%s.json lacks PointInTimeRecoveryStatus", d->path);
    } else if (strcmp(st, "ENABLED") == 0) {
        dwi_emit(ctx, c, DW_PASS, RT_TABLE, arn, "PointInTimeRecoveryStatus is ENABLED");
    } else {
        struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, RT_TABLE, arn,
                                        "PointInTimeRecoveryStatus is %s", st);
        dwi_cmd(f,
                "aws dynamodb update-continuous-backups --region %s --table-name %s "
                "--point-in-time-recovery-specification PointInTimeRecoveryEnabled=true",
                ctx->region, name);
    }
}

void dwi_eval_ddb09(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    s_each_table(ctx, c, s_ddb09);
}

/* ---- DDB-14: time to live ---- */

/* Strict: only ENABLED passes. ENABLING is a change still in flight (it can
 * take up to an hour and can fail), so it FAILs with a note; the next audit
 * passes once AWS reports ENABLED. */
static void s_ddb14(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *name,
                    const char *arn, json_t *t)
{
    (void)t;
    const struct dw_doc *d = dwi_doc(ctx, "dynamodb", "describe-time-to-live", name);
    if (d->state != DW_DOC_OK) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "%s", d->reason);
        return;
    }
    const char *st = dwi_str(d->json, "TimeToLiveDescription.TimeToLiveStatus");
    if (!st) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "%s.json lacks TimeToLiveDescription.TimeToLiveStatus",
                 d->path);
    } else if (strcmp(st, "ENABLED") == 0) {
        const char *attr = dwi_str(d->json, "TimeToLiveDescription.AttributeName");
        dwi_emit(ctx, c, DW_PASS, RT_TABLE, arn, "TimeToLiveStatus is ENABLED (attribute %s)",
                 attr ? attr : "not named");
    } else if (strcmp(st, "ENABLING") == 0) {
        struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, RT_TABLE, arn, "TimeToLiveStatus is ENABLING");
        dwi_note(f, "TTL is being turned on; nothing to run. Audit again once AWS reports ENABLED.");
    } else {
        struct dw_finding *f =
            dwi_emit(ctx, c, DW_FAIL, RT_TABLE, arn, "TimeToLiveStatus is %s", st);
        dwi_cmd(f,
                "aws dynamodb update-time-to-live --region %s --table-name %s "
                "--time-to-live-specification Enabled=true,AttributeName=REPLACE_WITH_TTL_ATTRIBUTE",
                ctx->region, name);
        dwi_note(f, "Name the item attribute that holds each item's expiry time as epoch seconds; "
                    "items without it never expire. A table leaving DISABLING cannot be changed until "
                    "the status settles.");
    }
}

void dwi_eval_ddb14(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    s_each_table(ctx, c, s_ddb14);
}

/* ---- DDB-10: recent backup ---- */

static void s_ddb10(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *name,
                    const char *arn, json_t *t)
{
    (void)t;
    const struct dw_doc *d = dwi_doc(ctx, "dynamodb", "list-backups", NULL);
    if (d->state != DW_DOC_OK) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "%s", d->reason);
        return;
    }
    json_t *arr = dwi_get(d->json, "BackupSummaries");
    if (!json_is_array(arr)) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "%s.json has no \"BackupSummaries\" array",
                 d->path);
        return;
    }
    long days = dwi_param_long(ctx, "backup_max_age_days");
    int64_t newest = INT64_MIN;
    const char *newest_type = NULL;
    size_t unreadable = 0;
    size_t i;
    json_t *b;
    /* Backups by table, built once per region, in list order. */
    json_t *index = dwi_memo_get(ctx, "dynamodb list-backups#backups_by_table");
    if (!index) {
        index = dwi_memo_set(ctx, "dynamodb list-backups#backups_by_table", json_object());
        json_array_foreach(arr, i, b)
        {
            const char *tn = dwi_str(b, "TableName");
            if (tn)
                dwi_index_add(index, tn, b);
        }
    }
    json_array_foreach(json_object_get(index, name), i, b)
    {
        const char *tn = dwi_str(b, "TableName");
        const char *st = dwi_str(b, "BackupStatus");
        const char *when = dwi_str(b, "BackupCreationDateTime");
        if (!tn || strcmp(tn, name) != 0 || (st && strcmp(st, "AVAILABLE") != 0))
            continue;
        int64_t ts = 0;
        if (!st || !when || !dw_time_parse_iso8601(when, &ts)) { /* unknown state is not available */
            unreadable++;
            continue;
        }
        if (ts > newest) {
            newest = ts;
            newest_type = dwi_str(b, "BackupType");
        }
    }
    int64_t limit = ctx->now_epoch_s - (int64_t)days * 86400;
    if (newest != INT64_MIN && newest >= limit) {
        char when[32];
        dw_time_format_iso8601(newest, when, sizeof(when));
        dwi_emit(ctx, c, DW_PASS, RT_TABLE, arn, "newest backup (%s) was taken %s, within %ld days",
                 newest_type ? newest_type : "?", when, days);
        return;
    }
    if (unreadable) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn,
                 "%zu backup(s) of the table lack a readable BackupStatus or BackupCreationDateTime",
                 unreadable);
        return;
    }
    struct dw_finding *f;
    if (newest == INT64_MIN) {
        f = dwi_emit(ctx, c, DW_FAIL, RT_TABLE, arn, "no available backup of the table");
    } else {
        char when[32];
        dw_time_format_iso8601(newest, when, sizeof(when));
        f = dwi_emit(ctx, c, DW_FAIL, RT_TABLE, arn,
                     "newest backup was taken %s, %lld days before the snapshot (limit %ld)", when,
                     (long long)((ctx->now_epoch_s - newest) / 86400), days);
    }
    dwi_cmd(f, "aws dynamodb create-backup --region %s --table-name %s --backup-name %s-manual",
            ctx->region, name, name);
    dwi_note(f, "For backups that keep happening, add the table to an AWS Backup plan.");
}

void dwi_eval_ddb10(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    s_each_table(ctx, c, s_ddb10);
}

/* ---- DDB-11: unused tables ---- */

/* A table's age in the words of a reason: days, or hours or minutes when younger. */
static void s_age_text(int64_t age, char *out, size_t n)
{
    if (age >= 86400)
        snprintf(out, n, "%lld day(s)", (long long)(age / 86400));
    else if (age >= 3600)
        snprintf(out, n, "%lld hour(s)", (long long)(age / 3600));
    else
        snprintf(out, n, "%lld minute(s)", (long long)(age / 60));
}

static void s_ddb11(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *name,
                    const char *arn, json_t *t)
{
    long days = dwi_param_long(ctx, "unused_days");
    /* Only tables older than the window can have been unused for all of it. */
    json_t *cd = dwi_get(t, "CreationDateTime");
    int64_t created = 0;
    bool readable = false;
    if (json_is_string(cd))
        readable = dw_time_parse_iso8601(json_string_value(cd), &created);
    else if (json_is_number(cd)) {
        created = (int64_t)json_number_value(cd); /* the API's epoch seconds */
        readable = true;
    }
    if (!cd) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn,
                 "CreationDateTime is missing from the answer, so the table's age is unknown");
        return;
    }
    if (!readable) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "CreationDateTime is not a readable date");
        return;
    }
    char born[64];
    dw_time_format_iso8601(created, born, sizeof(born));
    int64_t age = ctx->now_epoch_s - created;
    if (age < 0) {
        dwi_emit(ctx, c, DW_NOT_APPLICABLE, RT_TABLE, arn,
                 "created %s, after the snapshot was taken: younger than the %ld-day window", born,
                 days);
        return;
    }
    if (age < (int64_t)days * 86400) {
        char a[64];
        s_age_text(age, a, sizeof(a));
        dwi_emit(ctx, c, DW_NOT_APPLICABLE, RT_TABLE, arn,
                 "created %s, %s before the snapshot: younger than the %ld-day window", born, a,
                 days);
        return;
    }
    json_t *ic = dwi_get(t, "ItemCount");
    if (!json_is_integer(ic)) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "ItemCount is missing from the answer");
        return;
    }
    if (json_integer_value(ic) > 0) {
        dwi_emit(ctx, c, DW_PASS, RT_TABLE, arn, "ItemCount is %lld",
                 (long long)json_integer_value(ic));
        return;
    }
    const struct dw_doc *d = dwi_doc(ctx, "cloudwatch", "get-metric-data", name);
    if (d->state != DW_DOC_OK) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "ItemCount is 0 and usage is unknown: %s",
                 d->reason);
        return;
    }
    json_t *res = dwi_get(d->json, "MetricDataResults");
    if (!json_is_array(res)) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "%s.json has no \"MetricDataResults\" array",
                 d->path);
        return;
    }
    int64_t since = ctx->now_epoch_s - (int64_t)days * 86400;
    size_t i, k;
    json_t *r, *v;
    json_array_foreach(res, i, r)
    {
        json_t *ts = dwi_get(r, "Timestamps");
        json_array_foreach(dwi_get(r, "Values"), k, v)
        {
            int64_t when = 0;
            const char *tss = json_string_value(json_array_get(ts, k));
            if (json_number_value(v) > 0 && tss && dw_time_parse_iso8601(tss, &when) &&
                when >= since) {
                dwi_emit(ctx, c, DW_PASS, RT_TABLE, arn,
                         "ItemCount is 0 but %s shows use within %ld days",
                         dwi_str(r, "Label") ? dwi_str(r, "Label") : "a metric", days);
                return;
            }
        }
    }
    struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, RT_TABLE, arn,
                                    "ItemCount is 0 and no consumed capacity in the last %ld days",
                                    days);
    dwi_cmd(f, "aws dynamodb create-backup --region %s --table-name %s --backup-name %s-final",
            ctx->region, name, name);
    dwi_cmd(f, "aws dynamodb delete-table --region %s --table-name %s", ctx->region, name);
    dwi_note(f, "Confirm with the table's owner that nothing uses it; ItemCount is refreshed "
                "only about every six hours. Deletion protection must be off to delete.");
}

void dwi_eval_ddb11(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    s_each_table(ctx, c, s_ddb11);
}

/* ---- DDB-12: deletion protection ---- */

static void s_ddb12(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *name,
                    const char *arn, json_t *t)
{
    int v = dwi_bool(t, "DeletionProtectionEnabled");
    if (v < 0) {
        dwi_emit(ctx, c, DW_ERROR, RT_TABLE, arn, "DeletionProtectionEnabled is missing");
    } else if (v) {
        dwi_emit(ctx, c, DW_PASS, RT_TABLE, arn, "DeletionProtectionEnabled is true");
    } else {
        struct dw_finding *f =
            dwi_emit(ctx, c, DW_FAIL, RT_TABLE, arn, "DeletionProtectionEnabled is false");
        dwi_cmd(f, "aws dynamodb update-table --region %s --table-name %s "
                   "--deletion-protection-enabled",
                ctx->region, name);
    }
}

void dwi_eval_ddb12(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    s_each_table(ctx, c, s_ddb12);
}

/* The DynamoDB controls, in catalog order: what each one checks and why, how to
 * audit and fix it by hand, the calls it reads, its parameters, the nearest
 * checks of other tools and its evaluator. */
const struct dw_control dwi_ddb_controls[] = {
    {
        .id = "DDB-01",
        .service = "dynamodb",
        .title = "IAM policies do not grant full DynamoDB access on all tables",
        .severity = DW_SEV_HIGH,
        .nist_csf = {"PR.AC-4"},
        .statements = {5},
        .seed = "004",
        .fix_kind = DW_FIX_MANUAL,
        .resource_type = "AWS::IAM::ManagedPolicy",
        .is_global = true,
        .what = "No IAM user or role is allowed, by all its policies together (inline, attached customer "
            "and AWS managed, its groups', minus explicit Deny, capped by its permissions boundary), "
            "every DynamoDB action on every table of the account in a region, nor any DynamoDB action "
            "on every table through an Action wildcard over every service (\"*\"), and no Allow "
            "written with NotAction or NotResource reaches its tables; each customer managed policy is "
            "judged the same way on its own. Wildcards are read as IAM reads them.",
        .why = "Least privilege: a broad grant lets one leaked credential read, change or delete every "
            "table.",
        .audit = "Console: IAM > Policies, filter by DynamoDB. CLI: aws iam "
            "get-account-authorization-details and read each policy's default version.",
        .fix = "Rewrite the statements to name the needed actions and table ARNs; replace the AWS managed "
            "full-access policy with a scoped one.",
        .calls = {"iam get-account-authorization-details"},
        .params = {"source_ip_widest_prefix"},
        .eval = dwi_eval_ddb01,
        .peers = &(const struct dw_peers){
            .id = "DDB-01",
            .prowler = "iam_policy_allows_privilege_escalation (nearest)",
            .security_hub = "IAM.1 (admin only)",
            .aws_config = "iam-policy-no-statements-with-full-access",
            .conformity = "none",
            .difference = "dbward reasons over Action/NotAction and Resource/NotResource wildcards, covers inline policies, and "
                "flags AmazonDynamoDBFullAccess attachments; conditions are named in the reason.",
        },
    },
    {
        .id = "DDB-02",
        .service = "dynamodb",
        .title = "DynamoDB tables are encrypted with a customer managed key",
        .severity = DW_SEV_HIGH,
        .nist_csf = {"PR.DS-1"},
        .statements = {1, 3},
        .seed = "004",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DynamoDB::Table",
        .what = "SSEDescription.Status is ENABLED, SSEType KMS, and KMSMasterKeyArn names a customer "
            "managed key; the AWS owned key and alias/aws/dynamodb fail.",
        .why = "Only a customer managed key lets the company own the key policy, audit every use and "
            "revoke access to the data.",
        .audit = "Console: DynamoDB > table > Additional settings > Encryption. CLI: aws dynamodb "
            "describe-table --table-name <t> --query Table.SSEDescription.",
        .fix = "aws dynamodb update-table --sse-specification Enabled=true,SSEType=KMS,KMSMasterKeyId=<key>.",
        .calls = {"dynamodb list-tables", "dynamodb describe-table/<table>", "kms describe-key/<key>",
                  "kms list-aliases"},
        .clauses = {"no-sse", "status-not-enabled", "status-missing", "ssetype-not-kms", "key-arn-missing",
                     "aws-managed-key"},
        .eval = dwi_eval_ddb02,
        .peers = &(const struct dw_peers){
            .id = "DDB-02",
            .prowler = "dynamodb_tables_kms_cmk_encryption_enabled",
            .security_hub = "none",
            .aws_config = "dynamodb-table-encrypted-kms",
            .conformity = "Enable Encryption at Rest with Amazon KMS Keys",
            .difference = "The AWS managed alias/aws/dynamodb key fails too: the key is resolved with kms describe-key, "
                "and a key that an alias/aws/ alias targets (kms list-aliases) is AWS managed whatever KeyManager says.",
        },
    },
    {
        .id = "DDB-03",
        .service = "dynamodb",
        .title = "DAX is not used",
        .severity = DW_SEV_CRITICAL,
        .nist_csf = {"PR.DS-1"},
        .statements = {1},
        .seed = "004",
        .fix_kind = DW_FIX_MANUAL,
        .resource_type = "AWS::::Account",
        .params = {"dax_approved"},
        .what = "No DAX cluster exists: company policy has not approved DAX.",
        .why = "A DAX cluster holds table data outside the controls approved for DynamoDB.",
        .audit = "Console: DynamoDB > DAX > Clusters. CLI: aws dax describe-clusters.",
        .fix = "Move clients to DynamoDB and delete the clusters, or get DAX approved (dax_approved=true).",
        .calls = {"dax describe-clusters"},
        .clauses = {"dax-cluster"},
        .eval = dwi_eval_ddb03,
        .peers = &(const struct dw_peers){
            .id = "DDB-03",
            .prowler = "none",
            .security_hub = "none",
            .aws_config = "none",
            .conformity = "none",
            .difference = "A company policy control: any DAX cluster fails until DAX is approved.",
        },
    },
    {
        .id = "DDB-04",
        .service = "dynamodb",
        .title = "VPCs reach DynamoDB through a gateway endpoint",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.AC-5", "PR.PT-4"},
        .statements = {6, 7},
        .seed = "004",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::EC2::VPC",
        .what = "In regions with tables, each VPC has a Gateway endpoint for com.amazonaws.<region>.dynamodb "
            "associated with every route table of the VPC.",
        .why = "Without it, traffic to DynamoDB leaves the VPC through internet or NAT gateways.",
        .audit = "Console: VPC > Endpoints. CLI: aws ec2 describe-vpc-endpoints --filters "
            "Name=service-name,Values=com.amazonaws.<region>.dynamodb and aws ec2 "
            "describe-route-tables.",
        .fix = "Create the gateway endpoint with --route-table-ids, or add the missing route tables.",
        .calls = {"dynamodb list-tables", "ec2 describe-vpcs", "ec2 describe-vpc-endpoints",
      "ec2 describe-route-tables"},
        .clauses = {"no-gateway", "not-gateway-type", "wrong-region-service", "route-table-missing"},
        .eval = dwi_eval_ddb04,
        .peers = &(const struct dw_peers){
            .id = "DDB-04",
            .prowler = "none",
            .security_hub = "none",
            .aws_config = "service-vpc-endpoint-enabled (serviceName dynamodb)",
            .conformity = "none",
            .difference = "dbward checks the gateway endpoint is associated with every route table of the VPC, not only that it exists.",
        },
    },
    {
        .id = "DDB-05",
        .service = "dynamodb",
        .title = "DynamoDB tables have a stream for data-plane change logging",
        .severity = DW_SEV_LOW,
        .nist_csf = {"DE.CM-1", "PR.PT-1"},
        .statements = {4},
        .seed = "004",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DynamoDB::Table",
        .what = "StreamSpecification.StreamEnabled is true.",
        .why = "A stream records every item change, which feeds audit and anomaly detection.",
        .audit = "Console: DynamoDB > table > Exports and streams. CLI: aws dynamodb describe-table "
            "--table-name <t> --query Table.StreamSpecification.",
        .fix = "aws dynamodb update-table --stream-specification StreamEnabled=true,StreamViewType=...",
        .calls = {"dynamodb list-tables", "dynamodb describe-table/<table>"},
        .clauses = {"stream-off", "stream-disabled"},
        .eval = dwi_eval_ddb05,
        .peers = &(const struct dw_peers){
            .id = "DDB-05",
            .prowler = "none",
            .security_hub = "none",
            .aws_config = "none",
            .conformity = "none",
            .difference = "No peer requires a stream on every table as a change log.",
        },
    },
    {
        .id = "DDB-06",
        .service = "dynamodb",
        .title = "CloudTrail records DynamoDB data events",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"DE.CM-1", "PR.PT-1"},
        .statements = {4},
        .seed = "004",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::::Account",
        .what = "In each region with tables, a logging trail that covers the region has a data event "
            "selector (basic or advanced) for AWS::DynamoDB::Table.",
        .why = "Management events do not show who read or wrote items; data events do.",
        .audit = "Console: CloudTrail > trail > Data events. CLI: aws cloudtrail get-event-selectors "
            "--trail-name <trail>.",
        .fix = "Add a DynamoDB data event selector to a logging multi-region trail.",
        .calls = {"dynamodb list-tables", "cloudtrail describe-trails", "cloudtrail get-trail-status/<trail>",
      "cloudtrail get-event-selectors/<trail>"},
        .clauses = {"no-trail", "not-logging", "no-ddb-selector"},
        .eval = dwi_eval_ddb06,
        .peers = &(const struct dw_peers){
            .id = "DDB-06",
            .prowler = "none (S3 data events only)",
            .security_hub = "none",
            .aws_config = "none",
            .conformity = "none",
            .difference = "Basic and advanced event selectors for AWS::DynamoDB::Table both count, on a logging trail that covers "
                "the table's region.",
        },
    },
    {
        .id = "DDB-07",
        .service = "dynamodb",
        .title = "Every DynamoDB table has a CloudWatch alarm",
        .severity = DW_SEV_LOW,
        .nist_csf = {"DE.CM-1", "DE.AE-3"},
        .statements = {4},
        .seed = "004",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DynamoDB::Table",
        .what = "At least one alarm in namespace AWS/DynamoDB has the dimension TableName equal to the "
            "table.",
        .why = "Alarms turn throttling, errors and unusual load into events someone sees.",
        .audit = "Console: CloudWatch > Alarms, filter by table. CLI: aws cloudwatch describe-alarms --query "
            "'MetricAlarms[?Namespace==`AWS/DynamoDB`]'.",
        .fix = "Create an alarm with aws cloudwatch put-metric-alarm on a table metric.",
        .calls = {"dynamodb list-tables", "dynamodb describe-table/<table>", "cloudwatch describe-alarms"},
        .clauses = {"no-alarm", "wrong-namespace", "wrong-dimension"},
        .eval = dwi_eval_ddb07,
        .peers = &(const struct dw_peers){
            .id = "DDB-07",
            .prowler = "none",
            .security_hub = "none",
            .aws_config = "cloudwatch-alarm-resource-check",
            .conformity = "none",
            .difference = "Any alarm in AWS/DynamoDB with the table's TableName dimension counts; the fix is a put-metric-alarm command.",
        },
    },
    {
        .id = "DDB-08",
        .service = "dynamodb",
        .title = "DynamoDB tables carry the required tags",
        .severity = DW_SEV_LOW,
        .nist_csf = {"ID.AM-1"},
        /* CSF 2.0 ID.AM-01 is hardware; a tagged table is a service inventory entry (ID.AM-02). */
        .nist_csf2 = {"ID.AM-02"},
        .statements = {0},
        .seed = "004",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DynamoDB::Table",
        .params = {"required_tags"},
        .what = "The table has each required tag key with a non-empty value.",
        .why = "Untagged tables have no known owner or data classification.",
        .audit = "CLI: aws dynamodb list-tags-of-resource --resource-arn <table arn>.",
        .fix = "aws dynamodb tag-resource with the missing keys.",
        .calls = {"dynamodb list-tables", "dynamodb describe-table/<table>", "dynamodb list-tags-of-resource/<table>"},
        .clauses = {"tag-missing", "empty-value"},
        .eval = dwi_eval_ddb08,
        .peers = &(const struct dw_peers){
            .id = "DDB-08",
            .prowler = "none",
            .security_hub = "DynamoDB.5",
            .aws_config = "required-tags",
            .conformity = "none",
            .difference = "One required_tags parameter shared with DMS-06.",
        },
    },
    {
        .id = "DDB-09",
        .service = "dynamodb",
        .title = "DynamoDB tables have point-in-time recovery",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.IP-4"},
        .statements = {0},
        .seed = "004",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DynamoDB::Table",
        .what = "ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus is "
            "ENABLED.",
        .why = "Point-in-time recovery undoes accidental or malicious writes to any second of the last 35 "
            "days.",
        .audit = "Console: DynamoDB > table > Backups. CLI: aws dynamodb describe-continuous-backups "
            "--table-name <t>.",
        .fix = "aws dynamodb update-continuous-backups --point-in-time-recovery-specification "
            "PointInTimeRecoveryEnabled=true.",
        .calls = {"dynamodb list-tables", "dynamodb describe-table/<table>", "dynamodb describe-continuous-backups/<table>"},
        .clauses = {"pitr-disabled"},
        .eval = dwi_eval_ddb09,
        .peers = &(const struct dw_peers){
            .id = "DDB-09",
            .prowler = "dynamodb_tables_pitr_enabled",
            .security_hub = "DynamoDB.2",
            .aws_config = "dynamodb-pitr-enabled",
            .conformity = "DynamoDB Continuous Backups",
            .difference = "Same property; a table whose continuous-backups call failed is ERROR.",
        },
    },
    {
        .id = "DDB-10",
        .service = "dynamodb",
        .title = "DynamoDB tables have a recent backup",
        .severity = DW_SEV_LOW,
        .nist_csf = {"PR.IP-4", "RC.RP-1"},
        .statements = {0},
        .seed = "004",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DynamoDB::Table",
        .params = {"backup_max_age_days"},
        .what = "An AVAILABLE backup (on-demand or AWS Backup, from list-backups --backup-type ALL) is "
            "younger than backup_max_age_days at the time of the snapshot.",
        .why = "Backups are the way back after a table is deleted or a region-wide mistake.",
        .audit = "Console: DynamoDB > Backups. CLI: aws dynamodb list-backups --backup-type ALL.",
        .fix = "Take a backup now and add the table to an AWS Backup plan.",
        .calls = {"dynamodb list-tables", "dynamodb describe-table/<table>", "dynamodb list-backups"},
        .clauses = {"no-backup", "backup-not-available", "backup-too-old"},
        .eval = dwi_eval_ddb10,
        .peers = &(const struct dw_peers){
            .id = "DDB-10",
            .prowler = "dynamodb_table_protected_by_backup_plan",
            .security_hub = "DynamoDB.4",
            .aws_config = "dynamodb-last-backup-recovery-point-created",
            .conformity = "none",
            .difference = "Counts on-demand and AWS Backup backups alike and measures their age from the snapshot time, so old "
                "evidence is judged as it was.",
        },
    },
    {
        .id = "DDB-11",
        .service = "dynamodb",
        .title = "DynamoDB tables are in use",
        .severity = DW_SEV_LOW,
        .nist_csf = {"ID.AM-1"},
        /* An unused table is a redundant service widening the attack surface:
         * CSF 2.0 ID.AM-08 (life cycle), not ID.AM-01 (hardware). */
        .nist_csf2 = {"ID.AM-08"},
        .statements = {0},
        .seed = "004",
        .fix_kind = DW_FIX_MANUAL,
        .resource_type = "AWS::DynamoDB::Table",
        .params = {"unused_days"},
        .what = "ItemCount is above 0, or CloudWatch shows consumed read or write capacity within "
            "unused_days; tables younger than unused_days (CreationDateTime) are not applicable.",
        .why = "Unused tables cost money and keep data and permissions around that nobody watches.",
        .audit = "CLI: aws dynamodb describe-table --query Table.ItemCount and aws cloudwatch "
            "get-metric-data for ConsumedReadCapacityUnits and ConsumedWriteCapacityUnits.",
        .fix = "Confirm with the owner, back the table up and delete it.",
        .calls = {"dynamodb list-tables", "dynamodb describe-table/<table>", "cloudwatch get-metric-data/<table>"},
        .clauses = {"unused", "zero-consumption", "use-outside-window"},
        .eval = dwi_eval_ddb11,
        .peers = &(const struct dw_peers){
            .id = "DDB-11",
            .prowler = "none",
            .security_hub = "none",
            .aws_config = "none",
            .conformity = "Unused DynamoDB Tables (nearest)",
            .difference = "Uses ItemCount and CloudWatch consumed capacity over unused_days; a missing metric call is ERROR.",
        },
    },
    {
        .id = "DDB-12",
        .service = "dynamodb",
        .title = "DynamoDB tables have deletion protection",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.IP-4"},
        .statements = {0},
        .seed = "beyond",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DynamoDB::Table",
        .what = "DeletionProtectionEnabled is true.",
        .why = "One API call by a mistaken script or an attacker cannot then delete the table.",
        .audit = "Console: DynamoDB > table > Additional settings. CLI: aws dynamodb describe-table --query "
            "Table.DeletionProtectionEnabled.",
        .fix = "aws dynamodb update-table --deletion-protection-enabled.",
        .calls = {"dynamodb list-tables", "dynamodb describe-table/<table>"},
        .clauses = {"deletion-protection-off"},
        .eval = dwi_eval_ddb12,
        .peers = &(const struct dw_peers){
            .id = "DDB-12",
            .prowler = "dynamodb_table_deletion_protection_enabled",
            .security_hub = "DynamoDB.6",
            .aws_config = "dynamodb-table-deletion-protection-enabled",
            .conformity = "none",
            .difference = "Same property; evidence from a CLI that drops the field gives ERROR, never PASS.",
        },
    },
    {
        .id = "DDB-13",
        .service = "dynamodb",
        .title = "DAX clusters encrypt at rest and in transit",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.DS-1", "PR.DS-2"},
        .statements = {1, 2},
        .seed = "beyond",
        .fix_kind = DW_FIX_RECREATE,
        .resource_type = "AWS::DAX::Cluster",
        .what = "SSEDescription.Status is ENABLED and ClusterEndpointEncryptionType is TLS.",
        .why = "Where DAX is allowed, its cache holds table data that needs the same protection.",
        .audit = "Console: DynamoDB > DAX > cluster > Settings. CLI: aws dax describe-clusters --query "
            "'Clusters[*].[ClusterName,SSEDescription.Status,ClusterEndpointEncryptionType]'.",
        .fix = "Both settings are fixed at creation: create an encrypted TLS cluster, move clients, delete "
            "the old one.",
        .calls = {"dax describe-clusters"},
        .clauses = {"sse-disabled", "sse-missing", "tls-none"},
        .eval = dwi_eval_ddb13,
        .peers = &(const struct dw_peers){
            .id = "DDB-13",
            .prowler = "dynamodb_accelerator_cluster_encryption_enabled",
            .security_hub = "DynamoDB.3, DynamoDB.7",
            .aws_config = "dax-encryption-enabled, dax-tls-endpoint-encryption",
            .conformity = "DAX Cluster Encryption",
            .difference = "One control for both at rest and in transit, matching the seed's requirement.",
        },
    },
    {
        .id = "DDB-14",
        .service = "dynamodb",
        .title = "DynamoDB table has time to live enabled",
        .severity = DW_SEV_LOW,
        .nist_csf = {"PR.IP-4"},
        .statements = {0},
        .seed = "beyond",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::DynamoDB::Table",
        .what = "TimeToLiveDescription.TimeToLiveStatus is ENABLED. The reading is strict: ENABLING (a change "
            "still in flight) fails with a note, DISABLING and DISABLED fail, and a missing "
            "TimeToLiveDescription or a denied call is ERROR.",
        .why = "With time to live, items past their expiry are deleted by DynamoDB itself, so data is not "
            "kept longer than it is needed.",
        .audit = "Console: DynamoDB > table > Additional settings > Time to Live. CLI: aws dynamodb "
            "describe-time-to-live --table-name <t>.",
        .fix = "aws dynamodb update-time-to-live --table-name <t> --time-to-live-specification "
            "Enabled=true,AttributeName=<attribute>, naming the attribute that holds each item's expiry "
            "time in epoch seconds.",
        .calls = {"dynamodb list-tables", "dynamodb describe-table/<table>", "dynamodb describe-time-to-live/<table>"},
        .clauses = {"disabled", "disabling", "enabling"},
        .eval = dwi_eval_ddb14,
        .peers = &(const struct dw_peers){
            .id = "DDB-14",
            .prowler = "none",
            .security_hub = "none",
            .aws_config = "none",
            .conformity = "none",
            .difference = "Only ENABLED passes; ENABLING fails until AWS finishes, and a failed call is ERROR.",
        },
    },
};
const size_t dwi_ddb_controls_count = DW_ARRAY_LEN(dwi_ddb_controls);
