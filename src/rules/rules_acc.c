/* rules_acc.c: account-level evaluators ACC-01..ACC-09: KMS key rotation,
 * key policies and key material, IAM users (access keys, MFA, console
 * passwords) and the CloudTrail trails themselves (their settings, whether
 * they log, whether the SIEM gets their events). IAM is global: these read
 * global/iam. */
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

/* The evaluators are static: the table at the end of this file is the only
 * way to them. (Declared here, defined below.) */
static void dwi_eval_acc01(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_acc02(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_acc03(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_acc04(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_acc05(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_acc06(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_acc07(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_acc08(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_acc09(struct dw_scan_ctx *ctx, const struct dw_control *c);

/* ---- ACC-01: rotation of customer managed symmetric keys ---- */

void dwi_eval_acc01(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    json_t *keys = dwi_list(ctx, c, dwi_doc(ctx, "kms", "list-keys", NULL), "Keys", NULL, NULL);
    size_t i;
    json_t *k;
    struct dwi_keys ids = {0};
    dwi_keys_add(&ids, keys, "KeyId", false);
    dwi_prefetch_keys(ctx, c, "<key>", &ids);
    json_array_foreach(keys, i, k)
    {
        const char *id = dwi_str(k, "KeyId");
        const char *arn = dwi_str(k, "KeyArn") ? dwi_str(k, "KeyArn") : id;
        if (!id) {
            dwi_emit(ctx, c, DW_ERROR, NULL, "", "Keys[%zu] has no KeyId", i);
            continue;
        }
        const struct dw_doc *d = dwi_doc(ctx, "kms", "describe-key", id);
        if (d->state != DW_DOC_OK) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn, "%s", d->reason);
            continue;
        }
        const char *mgr = dwi_str(d->json, "KeyMetadata.KeyManager");
        const char *state = dwi_str(d->json, "KeyMetadata.KeyState");
        const char *spec = dwi_str(d->json, "KeyMetadata.KeySpec");
        const char *origin = dwi_str(d->json, "KeyMetadata.Origin");
        if (!spec)
            spec = dwi_str(d->json, "KeyMetadata.CustomerMasterKeySpec");
        if (!mgr || !state || !spec) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn,
                     "%s.json lacks KeyManager, KeyState or KeySpec", d->path);
            continue;
        }
        if (strcmp(mgr, "CUSTOMER") != 0) {
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, NULL, arn, "AWS managed key: AWS rotates it");
            continue;
        }
        /* The target of an alias/aws/ alias is AWS managed whatever KeyManager says. When
         * the aliases cannot be read, KeyManager's word is judged: either verdict is then
         * about a rotation status that was read. */
        const char *aws_alias = NULL;
        char *why = NULL;
        const char *kid = dwi_str(d->json, "KeyMetadata.KeyId");
        int aws = dwi_key_aws_alias(ctx, ctx->region, kid ? kid : id, &aws_alias, &why);
        free(why);
        if (aws == 1) {
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, NULL, arn,
                     "AWS managed key (target of %s, although KeyManager is CUSTOMER): AWS "
                     "rotates it",
                     aws_alias);
            continue;
        }
        if (strcmp(spec, "SYMMETRIC_DEFAULT") != 0) {
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, NULL, arn,
                     "KeySpec %s: automatic rotation applies to symmetric keys only", spec);
            continue;
        }
        if (origin && strcmp(origin, "AWS_KMS") != 0) {
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, NULL, arn,
                     "Origin %s: KMS cannot rotate key material it did not make", origin);
            continue;
        }
        if (strcmp(state, "PendingDeletion") == 0 || strcmp(state, "Disabled") == 0) {
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, NULL, arn, "KeyState is %s", state);
            continue;
        }
        const struct dw_doc *r = dwi_doc(ctx, "kms", "get-key-rotation-status", id);
        int on = r->state == DW_DOC_OK ? dwi_bool(r->json, "KeyRotationEnabled") : -1;
        if (r->state != DW_DOC_OK) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn, "%s", r->reason);
        } else if (on < 0) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn, "%s.json has no KeyRotationEnabled", r->path);
        } else if (on) {
            dwi_emit(ctx, c, DW_PASS, NULL, arn, "KeyRotationEnabled is true");
        } else {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, NULL, arn, "KeyRotationEnabled is false");
            dwi_cmd(f, "aws kms enable-key-rotation --region %s --key-id %s", ctx->region, id);
        }
    }
    dwi_prefetch_end(ctx);
}

/* ---- IAM users (ACC-02..04) ---- */

static json_t *s_users(struct dw_scan_ctx *ctx, const struct dw_control *c, json_t **details)
{
    const struct dw_doc *d = dwi_doc(ctx, "iam", "get-account-authorization-details", NULL);
    json_t *u = dwi_list(ctx, c, d, "UserDetailList", "AWS::IAM::User", NULL);
    *details = u ? d->json : NULL;
    return u;
}

void dwi_eval_acc02(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    json_t *det;
    long max_days = dwi_param_long(ctx, "access_key_max_age_days");
    size_t i, k;
    json_t *u, *key;
    json_array_foreach(s_users(ctx, c, &det), i, u)
    {
        const char *name = dwi_str(u, "UserName");
        const char *uarn = dwi_str(u, "Arn");
        if (!name || !uarn) {
            dwi_emit(ctx, c, DW_ERROR, "AWS::IAM::User", "", "UserDetailList[%zu] lacks UserName or Arn", i);
            continue;
        }
        const struct dw_doc *d = dwi_doc(ctx, "iam", "list-access-keys", name);
        json_t *keys = dwi_list(ctx, c, d, "AccessKeyMetadata", "AWS::IAM::User", uarn);
        if (!keys)
            continue;
        size_t active = 0;
        json_array_foreach(keys, k, key)
        {
            const char *kid = dwi_str(key, "AccessKeyId");
            const char *st = dwi_str(key, "Status");
            const char *created = dwi_str(key, "CreateDate");
            char *rid = dw_xasprintf("%s#access-key/%s", uarn, kid ? kid : "?");
            int64_t t = 0;
            if (!st || strcmp(st, "Active") != 0) {
                free(rid);
                continue;
            }
            active++;
            if (!created || !dw_time_parse_iso8601(created, &t)) {
                dwi_emit(ctx, c, DW_ERROR, "AWS::IAM::AccessKey", rid,
                         "CreateDate of an active key is missing or unreadable");
            } else {
                long age = (long)((ctx->now_epoch_s - t) / 86400);
                if (age < max_days) {
                    dwi_emit(ctx, c, DW_PASS, "AWS::IAM::AccessKey", rid,
                             "active key is %ld days old (limit %ld)", age, max_days);
                } else {
                    struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, "AWS::IAM::AccessKey", rid,
                                                    "active key is %ld days old (limit %ld)", age,
                                                    max_days);
                    dwi_cmd(f, "aws iam create-access-key --user-name %s", name);
                    dwi_cmd(f, "aws iam update-access-key --user-name %s --access-key-id %s "
                               "--status Inactive", name, kid ? kid : "?");
                    dwi_cmd(f, "aws iam delete-access-key --user-name %s --access-key-id %s", name,
                            kid ? kid : "?");
                    dwi_note(f, "Deploy the new key to its consumers between creating it and "
                                "deactivating the old one; delete only after nothing failed.");
                }
            }
            free(rid);
        }
        if (!active)
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, "AWS::IAM::User", uarn, "no active access key");
    }
}

/* 1 when the policy allows everything, 0 when not, -1 when it cannot be read. */
static int s_doc_is_admin(json_t *doc)
{
    struct dw_policy *p = NULL;
    bool admin = false;
    if (!doc || dw_policy_parse(doc, "policy", &p, NULL))
        return -1;
    for (size_t i = 0; i < p->n_stmts && !admin; i++) {
        const struct dw_policy_stmt *s = &p->stmts[i];
        admin = s->is_allow && dw_policy_stmt_all_actions(s, "iam") &&
                dw_policy_stmt_all_actions(s, "ec2") && dw_policy_stmt_all_actions(s, "s3") &&
                dw_policy_stmt_any_resource(s, "") && s->n_conds == 0 &&
                (!s->has_resource || s->is_not_resource ||
                 dw_glob_covers_prefix(s->resources[0], "", false));
    }
    dw_policy_free(p);
    return admin ? 1 : 0;
}

/* What admin rights a user or group entry carries. */
struct s_admin {
    const char *via;     /* policy that grants everything, borrowed; NULL if none found */
    const char *unknown; /* first policy whose document could not be read, borrowed */
};

static void s_entry_admin(json_t *det, json_t *entry, const char *inline_key, struct s_admin *a)
{
    size_t k;
    json_t *x;
    json_array_foreach(dwi_get(entry, "AttachedManagedPolicies"), k, x)
    {
        const char *arn = dwi_str(x, "PolicyArn");
        const char *name = dwi_str(x, "PolicyName") ? dwi_str(x, "PolicyName") : arn;
        if (!arn || a->via)
            continue;
        if (strstr(arn, ":iam::aws:policy/AdministratorAccess")) {
            a->via = name;
            continue;
        }
        int r = s_doc_is_admin(dwi_iam_default_doc(dwi_iam_policy(det, arn)));
        if (r > 0)
            a->via = name;
        else if (r < 0 && !a->unknown && !strstr(arn, ":iam::aws:policy/"))
            a->unknown = name; /* AWS managed policies other than AdministratorAccess are not admin */
    }
    json_array_foreach(dwi_get(entry, inline_key), k, x)
    {
        const char *name = dwi_str(x, "PolicyName") ? dwi_str(x, "PolicyName") : "inline policy";
        int r = a->via ? 0 : s_doc_is_admin(dwi_get(x, "PolicyDocument"));
        if (r > 0)
            a->via = name;
        else if (r < 0 && !a->unknown)
            a->unknown = name;
    }
}

static void s_user_admin(json_t *det, json_t *user, struct s_admin *a)
{
    memset(a, 0, sizeof(*a));
    s_entry_admin(det, user, "UserPolicyList", a);
    size_t i, k;
    json_t *g, *gd;
    json_array_foreach(dwi_get(user, "GroupList"), i, g)
    {
        json_array_foreach(dwi_get(det, "GroupDetailList"), k, gd)
        {
            const char *gn = dwi_str(gd, "GroupName");
            if (gn && json_string_value(g) && strcmp(gn, json_string_value(g)) == 0)
                s_entry_admin(det, gd, "GroupPolicyList", a);
        }
    }
}

void dwi_eval_acc03(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    json_t *det;
    size_t i;
    json_t *u;
    json_array_foreach(s_users(ctx, c, &det), i, u)
    {
        const char *name = dwi_str(u, "UserName");
        const char *uarn = dwi_str(u, "Arn");
        if (!name || !uarn) {
            dwi_emit(ctx, c, DW_ERROR, NULL, "", "UserDetailList[%zu] lacks UserName or Arn", i);
            continue;
        }
        char *why = NULL;
        int console = dwi_iam_console_password(ctx, name, &why);
        struct s_admin adm;
        s_user_admin(det, u, &adm);
        const char *admin = adm.via;
        if (console == 0 && !admin && adm.unknown) {
            /* Without a password only admin rights make MFA required: unknown rights are ERROR. */
            dwi_emit(ctx, c, DW_ERROR, NULL, uarn,
                     "administrator rights unknown: the document of policy %s could not be read", adm.unknown);
            free(why);
            continue;
        }
        if (console == 0 && !admin) {
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, NULL, uarn,
                     "no console password and no administrator policy");
            continue;
        }
        if (console < 0 && !admin) {
            dwi_emit(ctx, c, DW_ERROR, NULL, uarn, "console access unknown: %s", why);
            free(why);
            continue;
        }
        free(why);
        const struct dw_doc *d = dwi_doc(ctx, "iam", "list-mfa-devices", name);
        json_t *mfa = dwi_list(ctx, c, d, "MFADevices", "AWS::IAM::User", uarn);
        if (!mfa)
            continue;
        char *what = dw_xasprintf("%s%s%s%s", console == 1 ? "console password" : "",
                                  console == 1 && admin ? " and " : "",
                                  admin ? "administrator rights via " : "", admin ? admin : "");
        if (json_array_size(mfa) > 0) {
            dwi_emit(ctx, c, DW_PASS, NULL, uarn, "%s; %zu MFA device(s) enabled", what,
                     json_array_size(mfa));
        } else {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, NULL, uarn,
                                            "%s but no MFA device", what);
            dwi_cmd(f, "aws iam create-virtual-mfa-device --virtual-mfa-device-name %s "
                       "--outfile %s-mfa.png --bootstrap-method QRCodePNG", name, name);
            dwi_cmd(f, "aws iam enable-mfa-device --user-name %s --serial-number "
                       "arn:%s:iam::%s:mfa/%s --authentication-code1 REPLACE_CODE1 "
                       "--authentication-code2 REPLACE_CODE2",
                    name, ctx->partition, ctx->account, name);
            dwi_note(f, "The user scans the QR code and types two consecutive codes; a hardware "
                        "key is stronger for administrators.");
        }
        free(what);
    }
}

void dwi_eval_acc04(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    json_t *det;
    size_t i;
    json_t *u;
    json_array_foreach(s_users(ctx, c, &det), i, u)
    {
        const char *name = dwi_str(u, "UserName");
        const char *uarn = dwi_str(u, "Arn");
        if (!name || !uarn) {
            dwi_emit(ctx, c, DW_ERROR, NULL, "", "UserDetailList[%zu] lacks UserName or Arn", i);
            continue;
        }
        char *why = NULL;
        int console = dwi_iam_console_password(ctx, name, &why);
        if (console < 0) {
            dwi_emit(ctx, c, DW_ERROR, NULL, uarn, "%s", why);
        } else if (console == 0) {
            dwi_emit(ctx, c, DW_PASS, NULL, uarn,
                     "no console password (get-login-profile answered NoSuchEntity)");
        } else {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, NULL, uarn,
                                            "the user has a console password (login profile)");
            dwi_cmd(f, "aws iam delete-login-profile --user-name %s", name);
            dwi_note(f, "People sign in through the identity provider; give this person a "
                        "federated role before removing the password.");
        }
        free(why);
    }
}

/* ---- ACC-05: key policies of keys used by DMS and DynamoDB ---- */

struct s_keyref {
    char *ref;
    char *user; /* resource that uses the key */
};

static void s_add_ref(struct s_keyref **v, size_t *n, const char *ref, const char *user)
{
    if (!ref || !*ref)
        return;
    *v = dw_xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[*n].ref = dw_xstrdup(ref);
    (*v)[*n].user = dw_xstrdup(user ? user : "?");
    (*n)++;
}

static void s_acc05_key(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *ref,
                        const char *user)
{
    struct dwi_key k;
    dwi_key_resolve(ctx, ref, ctx->region, &k);
    const char *rid = k.arn ? k.arn : ref;
    if (!k.ok) {
        dwi_emit(ctx, c, DW_ERROR, NULL, rid, "key %s (used by %s) could not be checked: %s", ref,
                 user, k.reason);
        dwi_key_clean_up(&k);
        return;
    }
    if (k.aws_managed == 1) {
        dwi_emit(ctx, c, DW_NOT_APPLICABLE, NULL, rid,
                 "AWS managed key (%s): its policy is set by AWS (used by %s)", k.why_aws, user);
        dwi_key_clean_up(&k);
        return;
    }
    const struct dw_doc *d = dwi_doc_in(ctx, k.region, "kms", "get-key-policy", k.key_id);
    struct dw_policy *p = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (d->state != DW_DOC_OK) {
        dwi_emit(ctx, c, DW_ERROR, NULL, rid, "%s", d->reason);
    } else if (!json_is_string(dwi_get(d->json, "Policy"))) {
        dwi_emit(ctx, c, DW_ERROR, NULL, rid, "%s.json has no \"Policy\" string", d->path);
    } else if (dw_policy_parse(dwi_get(d->json, "Policy"), d->path, &p, &err)) {
        if (err.line > 0)
            dwi_emit(ctx, c, DW_ERROR, NULL, rid,
                     "the key policy cannot be read (%s.json, Policy at line %d, column %d): %s",
                     d->path, err.line, err.column, err.message);
        else if (err.offset > 0)
            dwi_emit(ctx, c, DW_ERROR, NULL, rid,
                     "the key policy cannot be read (%s.json, Policy at byte %zu): %s", d->path,
                     err.offset, err.message);
        else
            dwi_emit(ctx, c, DW_ERROR, NULL, rid, "the key policy cannot be read (%s.json): %s",
                     d->path, err.message);
    } else {
        const char *regions[1] = {ctx->region};
        struct dw_policy_scope sc = {
            .partition = ctx->partition, .account = ctx->account, .regions = regions,
            .n_regions = 1, .ip_widest_prefix = (int)dwi_param_long(ctx, "source_ip_widest_prefix"),
        };
        struct dw_policy_kms_answer a;
        dw_policy_kms_eval(p, &sc, rid, &a);
        if (!a.is_known) {
            dwi_emit(ctx, c, DW_ERROR, NULL, rid, "%s (used by %s)", a.why, user);
        } else if (!a.open && !a.broad) {
            dwi_emit(ctx, c, DW_PASS, NULL, rid, "%s (used by %s)", a.why, user);
        } else {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, NULL, rid, "%s (used by %s)", a.why,
                                            user);
            dwi_cmd(f, "aws kms get-key-policy --region %s --key-id %s --policy-name default "
                       "--query Policy --output text > key-policy-%s.json",
                    k.region, k.key_id, k.key_id);
            dwi_cmd(f, "aws kms put-key-policy --region %s --key-id %s --policy-name default "
                       "--policy file://key-policy-%s.json",
                    k.region, k.key_id, k.key_id);
            dwi_note(f, "Edit the saved policy between the two commands: give kms:* only to "
                        "arn:%s:iam::%s:root and add a kms:CallerAccount or aws:PrincipalOrgID "
                        "condition to any statement open to \"*\".",
                     ctx->partition, ctx->account);
        }
        dw_policy_kms_answer_clean_up(&a);
    }
    dw_policy_free(p);
    dwi_key_clean_up(&k);
}

/* The keys DMS and DynamoDB use, as written by their users (ACC-05, ACC-09): replication
 * instances' KmsKeyId, endpoints' KmsKeyId and S3/Redshift ServerSideEncryptionKmsKeyId,
 * tables' SSEDescription.KMSMasterKeyArn. DAX is left out: its encryption at rest takes no
 * customer key. Two digests per region (dwi_digests), so that in a whole scan the DMS lists
 * can go after the last DMS control and the table descriptions after DDB-14: {"why": [each
 * list that cannot be read, why], "refs": [[key ref, user], ...], "errors": [[table, why its
 * key cannot be known], ...]}, in the order the answers list them. */
static json_t *s_digest_new(void)
{
    return json_pack("{s:[],s:[],s:[]}", "why", "refs", "errors");
}

/* Strings are kept as they are (_nocheck): a reason may quote bytes of a
 * file that are not UTF-8, and a string refused would lose an ERROR. */
static void s_digest_why(json_t *g, char *why)
{
    if (why)
        json_array_append_new(json_object_get(g, "why"), json_string_nocheck(why));
    free(why);
}

static void s_digest_pair(json_t *g, const char *list, const char *a, const char *b)
{
    json_t *pair = json_array();
    json_array_append_new(pair, json_string_nocheck(a));
    json_array_append_new(pair, json_string_nocheck(b));
    json_array_append_new(json_object_get(g, list), pair);
}

static void s_digest_ref(json_t *g, const char *ref, const char *user)
{
    if (ref && *ref)
        s_digest_pair(g, "refs", ref, user ? user : "?");
}

/* Each builder returns its digest (borrowed from the memo), built now if it
 * was not. */
static json_t *s_digest_dms(struct dw_scan_ctx *ctx)
{
    json_t *g = dwi_memo_get(ctx, "key-users/dms"), *x;
    if (g)
        return g;
    g = s_digest_new();
    char *why;
    size_t i;
    json_t *inst = dwi_list_try(dwi_doc(ctx, "dms", "describe-replication-instances", NULL),
                                "ReplicationInstances", &why);
    s_digest_why(g, why);
    json_array_foreach(inst, i, x)
        s_digest_ref(g, dwi_str(x, "KmsKeyId"), dwi_str(x, "ReplicationInstanceArn"));
    json_t *eps = dwi_list_try(dwi_doc(ctx, "dms", "describe-endpoints", NULL), "Endpoints", &why);
    s_digest_why(g, why);
    json_array_foreach(eps, i, x)
    {
        s_digest_ref(g, dwi_str(x, "KmsKeyId"), dwi_str(x, "EndpointArn"));
        s_digest_ref(g, dwi_str(x, "S3Settings.ServerSideEncryptionKmsKeyId"), dwi_str(x, "EndpointArn"));
        s_digest_ref(g, dwi_str(x, "RedshiftSettings.ServerSideEncryptionKmsKeyId"), dwi_str(x, "EndpointArn"));
    }
    return dwi_memo_set(ctx, "key-users/dms", g);
}

static json_t *s_digest_ddb(struct dw_scan_ctx *ctx)
{
    json_t *g = dwi_memo_get(ctx, "key-users/ddb"), *x;
    if (g)
        return g;
    g = s_digest_new();
    char *why;
    size_t i;
    json_t *tables = dwi_list_try(dwi_doc(ctx, "dynamodb", "list-tables", NULL), "TableNames", &why);
    s_digest_why(g, why);
    json_array_foreach(tables, i, x)
    {
        const char *name = json_string_value(x);
        if (!name) {
            char *bad = dw_xasprintf("TableNames[%zu] is not a string", i);
            s_digest_pair(g, "errors", "", bad);
            free(bad);
            continue;
        }
        const struct dw_doc *d = dwi_doc(ctx, "dynamodb", "describe-table", name);
        if (d->state != DW_DOC_OK) {
            s_digest_pair(g, "errors", name, d->reason);
        } else if (!json_is_object(dwi_get(d->json, "Table"))) {
            char *bad = dw_xasprintf("%s.json has no \"Table\" object", d->path);
            s_digest_pair(g, "errors", name, bad);
            free(bad);
        } else {
            s_digest_ref(g, dwi_str(d->json, "Table.SSEDescription.KMSMasterKeyArn"),
                         dwi_str(d->json, "Table.TableArn"));
        }
    }
    return dwi_memo_set(ctx, "key-users/ddb", g);
}

/* The key users from the two digests (built now if scan.c did not), with an
 * ERROR for each list that cannot be read and each table whose description
 * cannot be (emitted here, for c). */
static void s_used_keys(struct dw_scan_ctx *ctx, const struct dw_control *c,
                        struct s_keyref **refs, size_t *n)
{
    json_t *digests[2];
    digests[0] = s_digest_dms(ctx);
    digests[1] = s_digest_ddb(ctx);
    for (size_t p = 0; p < DW_ARRAY_LEN(digests); p++) {
        json_t *g = digests[p];
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(g, "why"), i, x)
            dwi_list_error(ctx, c, json_string_value(x), NULL, NULL);
        json_array_foreach(json_object_get(g, "errors"), i, x)
            dwi_emit(ctx, c, DW_ERROR, "AWS::DynamoDB::Table", json_string_value(json_array_get(x, 0)),
                     "the table's key is unknown: %s", json_string_value(json_array_get(x, 1)));
        json_array_foreach(json_object_get(g, "refs"), i, x)
            s_add_ref(refs, n, json_string_value(json_array_get(x, 0)), json_string_value(json_array_get(x, 1)));
    }
}

static void s_refs_free(struct s_keyref *refs, size_t n)
{
    for (size_t a = 0; a < n; a++) {
        free(refs[a].ref);
        free(refs[a].user);
    }
    free(refs);
}

void dwi_eval_acc05(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    struct s_keyref *refs = NULL;
    size_t n = 0;
    s_used_keys(ctx, c, &refs, &n);
    /* One finding per key, however many users name it and however they
     * name it (id, ARN, alias), as ACC-09: the first user seen names it.
     * seen: the refs met; done: the ARNs of the keys judged. */
    json_t *seen = json_object();
    json_t *done = json_object();
    for (size_t a = 0; a < n; a++) {
        if (json_object_get(seen, refs[a].ref))
            continue;
        json_object_set_new(seen, refs[a].ref, json_true()); /* steals the true */
        struct dwi_key k;
        dwi_key_resolve(ctx, refs[a].ref, ctx->region, &k);
        bool judged = k.ok && json_object_get(done, k.arn);
        if (k.ok)
            json_object_set_new(done, k.arn, json_true());
        dwi_key_clean_up(&k);
        if (!judged)
            s_acc05_key(ctx, c, refs[a].ref, refs[a].user);
    }
    json_decref(seen);
    json_decref(done);
    s_refs_free(refs, n);
}

/* ---- ACC-09: the key material of keys used by DMS and DynamoDB is the company's own ---- */

/* Is name in the comma-separated list? */
static bool s_in_list(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && strncmp(p, name, n) == 0)
            return true;
        p += n;
        if (*p == ',')
            p++;
    }
    return false;
}

/* The fixes: a key's origin and spec are fixed at creation, so a new key with the company's
 * material replaces it; material that expires soon is imported again into the same key. */
static void s_acc09_new_key(struct dw_finding *f, const struct dwi_key *k, const char *user)
{
    dwi_cmd(f,
            "NEW_KEY=$(aws kms create-key --region %s --origin EXTERNAL --key-spec SYMMETRIC_DEFAULT "
            "--key-usage ENCRYPT_DECRYPT --description 'company key material, replaces %s' "
            "--query KeyMetadata.KeyId --output text)",
            k->region, k->key_id);
    dwi_cmd(f,
            "aws kms get-parameters-for-import --region %s --key-id \"$NEW_KEY\" "
            "--wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_4096 > import-params.json",
            k->region);
    dwi_cmd(f,
            "aws kms import-key-material --region %s --key-id \"$NEW_KEY\" "
            "--encrypted-key-material fileb://REPLACE_WITH_WRAPPED_MATERIAL.bin "
            "--import-token fileb://REPLACE_WITH_IMPORT_TOKEN.bin "
            "--expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE",
            k->region);
    dwi_note(f, "Wrap the company HSM's AES-256 key with the public key of import-params.json; "
                "then move %s to the new key (a DMS instance is recreated with --kms-key-id, a "
                "table changes with update-table --sse-specification) before scheduling the old "
                "key's deletion. An HSM-backed custom key store (--origin AWS_CLOUDHSM "
                "--custom-key-store-id) serves as well.", user);
}

static void s_acc09_reimport(struct dw_finding *f, const struct dwi_key *k)
{
    dwi_cmd(f,
            "aws kms get-parameters-for-import --region %s --key-id %s "
            "--wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_4096 > import-params.json",
            k->region, k->key_id);
    dwi_cmd(f,
            "aws kms import-key-material --region %s --key-id %s "
            "--encrypted-key-material fileb://REPLACE_WITH_WRAPPED_MATERIAL.bin "
            "--import-token fileb://REPLACE_WITH_IMPORT_TOKEN.bin "
            "--expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE",
            k->region, k->key_id);
    dwi_note(f, "Import the same key material again (wrapped with the new public key), or the "
                "key stops working when ValidTo passes.");
}

static void s_acc09_key(struct dw_scan_ctx *ctx, const struct dw_control *c, const struct dwi_key *k,
                        const char *user)
{
    const char *rid = k->arn;
    const struct dw_doc *d = dwi_doc_in(ctx, k->region, "kms", "describe-key", k->key_id);
    json_t *md = d->state == DW_DOC_OK ? dwi_get(d->json, "KeyMetadata") : NULL;
    const char *origins = dwi_param(ctx, "key_origins");
    long min_days = dwi_param_long(ctx, "key_material_min_days");
    if (k->aws_managed == 1) {
        dwi_emit(ctx, c, DW_NOT_APPLICABLE, NULL, rid,
                 "AWS managed key (%s): its material is AWS's (used by %s)", k->why_aws, user);
        return;
    }
    if (k->aws_managed < 0) {
        dwi_emit(ctx, c, DW_ERROR, NULL, rid,
                 "KeyManager says CUSTOMER, but whether an alias/aws/ alias targets the key is "
                 "unknown: %s (used by %s)",
                 k->alias_reason, user);
        return;
    }
    if (!md) {
        dwi_emit(ctx, c, DW_ERROR, NULL, rid, "%s.json has no KeyMetadata", d->path);
        return;
    }
    const char *origin = dwi_str(md, "Origin");
    if (!origin && dwi_get(md, "Origin")) {
        dwi_emit(ctx, c, DW_ERROR, NULL, rid, "Origin is not a string (used by %s)", user);
        return;
    }
    if (!k->spec) {
        dwi_emit(ctx, c, DW_ERROR, NULL, rid, "%s.json lacks KeySpec (used by %s)", d->path, user);
        return;
    }
    struct dw_buf why;
    dw_buf_init(&why, 65536);
    bool recreate = false;
    if (!origin) {
        dw_buf_printf(&why, "Origin is absent from the answer; AWS's documented default is AWS_KMS "
                            "(not in %s)", origins);
        recreate = true;
    } else if (!s_in_list(origins, origin)) {
        dw_buf_printf(&why, "Origin is %s, not one of %s: the key material was not made by the "
                            "company", origin, origins);
        recreate = true;
    }
    if (strcmp(k->spec, "SYMMETRIC_DEFAULT") != 0) {
        dw_buf_printf(&why, "%sKeySpec is %s, not SYMMETRIC_DEFAULT (AES-256)", why.len ? "; " : "",
                      k->spec);
        recreate = true;
    }
    /* Imported material may expire: ValidTo must lie beyond the window. */
    bool reimport = false;
    bool unknown = false;
    char valid_to_txt[64] = "";
    if (origin && strcmp(origin, "EXTERNAL") == 0) {
        const char *model = dwi_str(md, "ExpirationModel");
        const char *valid_to = dwi_str(md, "ValidTo");
        int64_t vt = 0;
        if (model && strcmp(model, "KEY_MATERIAL_DOES_NOT_EXPIRE") == 0) {
            snprintf(valid_to_txt, sizeof(valid_to_txt), "; imported material does not expire");
        } else if (!model) {
            dw_buf_printf(&why, "%sExpirationModel is missing: whether the imported material "
                                "expires is unknown (KeyState %s)",
                          why.len ? "; " : "", k->state ? k->state : "?");
            unknown = true;
        } else if (!valid_to || !dw_time_parse_iso8601(valid_to, &vt)) {
            dw_buf_printf(&why, "%sExpirationModel is %s but ValidTo is missing or unreadable",
                          why.len ? "; " : "", model);
            unknown = true;
        } else {
            int64_t left_s = vt - ctx->now_epoch_s;
            long left_days = (long)(left_s >= 0 ? left_s / 86400 : -((-left_s + 86399) / 86400));
            if (left_s <= (int64_t)min_days * 86400) {
                dw_buf_printf(&why, "%simported key material %s (ValidTo %s, %ld days; limit %ld)",
                              why.len ? "; " : "", left_s <= 0 ? "has expired" : "expires soon",
                              valid_to, left_days, min_days);
                reimport = true;
            } else {
                snprintf(valid_to_txt, sizeof(valid_to_txt), "; imported material valid %ld more days",
                         left_days);
            }
        }
    }
    char *w = dw_buf_steal(&why);
    if (recreate || reimport) {
        struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, NULL, rid, "%s (used by %s)", w, user);
        if (recreate)
            s_acc09_new_key(f, k, user);
        else
            s_acc09_reimport(f, k);
    } else if (unknown) {
        dwi_emit(ctx, c, DW_ERROR, NULL, rid, "%s (used by %s)", w, user);
    } else {
        dwi_emit(ctx, c, DW_PASS, NULL, rid, "Origin %s, KeySpec SYMMETRIC_DEFAULT%s (used by %s)",
                 origin, valid_to_txt, user);
    }
    free(w);
}

void dwi_eval_acc09(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    struct s_keyref *refs = NULL;
    size_t n = 0;
    s_used_keys(ctx, c, &refs, &n);
    /* One finding per key, however many users name it and however they name it (id, ARN,
     * alias): the first user seen names it. */
    json_t *seen = json_object(); /* every ref met so far */
    json_t *done = json_object(); /* the ARNs of the keys judged */
    for (size_t a = 0; a < n; a++) {
        struct dwi_key k;
        dwi_key_resolve(ctx, refs[a].ref, ctx->region, &k);
        bool met = json_object_get(seen, refs[a].ref) != NULL;
        json_object_set_new(seen, refs[a].ref, json_true()); /* steals the true */
        if (!k.ok) {
            if (!met)
                dwi_emit(ctx, c, DW_ERROR, NULL, refs[a].ref,
                         "key %s (used by %s) could not be checked: %s", refs[a].ref,
                         refs[a].user, k.reason);
            dwi_key_clean_up(&k);
            continue;
        }
        if (!json_object_get(done, k.arn)) {
            json_object_set_new(done, k.arn, json_true()); /* steals the true */
            s_acc09_key(ctx, c, &k, refs[a].user);
        }
        dwi_key_clean_up(&k);
    }
    json_decref(seen);
    json_decref(done);
    s_refs_free(refs, n);
}

/* ---- ACC-06: the trails themselves ---- */

void dwi_eval_acc06(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    json_t *arr = dwi_list(ctx, c, dwi_doc(ctx, "cloudtrail", "describe-trails", NULL),
                           "trailList", NULL, NULL);
    size_t i;
    json_t *t;
    json_array_foreach(arr, i, t)
    {
        const char *home = dwi_str(t, "HomeRegion");
        const char *name = dwi_str(t, "Name");
        const char *arn = dwi_str(t, "TrailARN") ? dwi_str(t, "TrailARN") : name;
        if (!home || !name) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn ? arn : "", "trailList[%zu] lacks Name or HomeRegion", i);
            continue;
        }
        if (strcmp(home, ctx->region) != 0)
            continue; /* a shadow of a trail judged in its home region */
        int multi = dwi_bool(t, "IsMultiRegionTrail");
        int valid = dwi_bool(t, "LogFileValidationEnabled");
        const char *key = dwi_str(t, "KmsKeyId");
        if (multi < 0 || valid < 0) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn,
                     "IsMultiRegionTrail or LogFileValidationEnabled is missing");
            continue;
        }
        struct dw_buf why;
        dw_buf_init(&why, 65536);
        bool error = false;
        if (!multi)
            dw_buf_puts(&why, "IsMultiRegionTrail is false");
        if (!valid)
            dw_buf_printf(&why, "%sLogFileValidationEnabled is false", why.len ? "; " : "");
        bool bad_key = false;
        if (!key) {
            dw_buf_printf(&why, "%sno KmsKeyId (logs use S3 managed encryption)", why.len ? "; " : "");
            bad_key = true;
        } else {
            struct dwi_key k;
            dwi_key_resolve(ctx, key, home, &k);
            if (!k.ok) {
                dw_buf_printf(&why, "%sKmsKeyId could not be checked: %s", why.len ? "; " : "",
                              k.reason);
                error = true;
            } else if (k.aws_managed == 1) {
                dw_buf_printf(&why, "%sKmsKeyId %s is not customer managed (%s)",
                              why.len ? "; " : "", key, k.why_aws);
                bad_key = true;
            } else if (k.aws_managed < 0) {
                dw_buf_printf(&why,
                              "%sKmsKeyId %s says KeyManager CUSTOMER, but whether an alias/aws/ "
                              "alias targets it is unknown: %s",
                              why.len ? "; " : "", key, k.alias_reason);
                error = true;
            }
            dwi_key_clean_up(&k);
        }
        char *w = dw_buf_steal(&why);
        if (!w || !*w) {
            dwi_emit(ctx, c, DW_PASS, NULL, arn, "multi-region, log file validation on, encrypted "
                     "with customer managed key %s", key);
        } else if (error && multi && valid) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn, "%s", w);
        } else {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, NULL, arn, "%s", w);
            struct dw_buf b;
            dw_buf_init(&b, 65536);
            dw_shell_printf(&b, "aws cloudtrail update-trail --region %s --name %s", home, name);
            if (!multi)
                dw_buf_puts(&b, " --is-multi-region-trail");
            if (!valid)
                dw_buf_puts(&b, " --enable-log-file-validation");
            if (bad_key)
                dw_buf_puts(&b, " --kms-key-id REPLACE_WITH_CMK_ARN");
            dwi_cmd_take(f, dw_buf_steal(&b));
            if (bad_key)
                dwi_note(f, "The key policy must let cloudtrail.amazonaws.com encrypt logs for "
                            "this trail.");
        }
        free(w);
    }
}

/* ---- ACC-07: the trail is logging and its delivery works ---- */

/* Each trail in its home region: get-trail-status IsLogging must be true and
 * LatestDeliveryError empty. AWS leaves LatestDeliveryError out of the answer
 * while deliveries succeed, so an absent or empty field is "no error"; an
 * absent IsLogging has no documented default and is ERROR. */
static void s_acc07_trail(struct dw_scan_ctx *ctx, const struct dw_control *c, json_t *trail,
                          const char *name, const char *arn)
{
    const struct dw_doc *d = dwi_doc(ctx, "cloudtrail", "get-trail-status", name);
    if (d->state != DW_DOC_OK) {
        dwi_emit(ctx, c, DW_ERROR, NULL, arn, "%s", d->reason);
        return;
    }
    int logging = dwi_bool(d->json, "IsLogging");
    json_t *err = dwi_get(d->json, "LatestDeliveryError");
    if (logging < 0) {
        dwi_emit(ctx, c, DW_ERROR, NULL, arn, "%s.json has no boolean IsLogging", d->path);
        return;
    }
    if (err && !json_is_string(err)) {
        dwi_emit(ctx, c, DW_ERROR, NULL, arn, "%s.json: LatestDeliveryError is %s, not a string", d->path,
                 dwi_jmes_type(err));
        return;
    }
    const char *delivery = err ? json_string_value(err) : "";
    if (logging == 1 && !*delivery) {
        dwi_emit(ctx, c, DW_PASS, NULL, arn, "IsLogging is true and LatestDeliveryError is %s",
                 err ? "empty" : "absent (no failed delivery)");
        return;
    }
    struct dw_buf why;
    dw_buf_init(&why, 65536);
    if (logging == 0)
        dw_buf_puts(&why, "IsLogging is false");
    if (*delivery)
        dw_buf_printf(&why, "%sLatestDeliveryError is %s", why.len ? "; " : "", delivery);
    char *w = dw_buf_steal(&why);
    struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, NULL, arn, "%s", w ? w : "reason too long");
    free(w);
    if (logging == 0)
        dwi_cmd(f, "aws cloudtrail start-logging --region %s --name %s", ctx->region, name);
    if (*delivery) {
        const char *bucket = dwi_str(trail, "S3BucketName");
        dwi_note(f, "The last delivery to bucket %s failed (%s): check that the bucket exists, "
                    "that its policy lets cloudtrail.amazonaws.com PutObject for this trail and, "
                    "when the trail is encrypted, that the KMS key policy lets CloudTrail use the key.",
                 bucket ? bucket : "(not named)", delivery);
    }
}

void dwi_eval_acc07(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    json_t *arr = dwi_list(ctx, c, dwi_doc(ctx, "cloudtrail", "describe-trails", NULL),
                           "trailList", NULL, NULL);
    size_t i;
    json_t *t;
    json_array_foreach(arr, i, t)
    {
        const char *home = dwi_str(t, "HomeRegion");
        const char *name = dwi_str(t, "Name");
        const char *arn = dwi_str(t, "TrailARN") ? dwi_str(t, "TrailARN") : name;
        if (!home || !name) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn ? arn : "", "trailList[%zu] lacks Name or HomeRegion", i);
            continue;
        }
        if (strcmp(home, ctx->region) != 0)
            continue; /* a shadow of a trail judged in its home region */
        s_acc07_trail(ctx, c, t, name, arn);
    }
}

/* ---- ACC-08: the trail's events reach the SIEM ---- */

/* Do the DMS or DynamoDB lists of region show a resource? 1 yes, 0 no, -1
 * unknown (*why new, once). */
static int s_region_reads_data(struct dw_scan_ctx *ctx, const char *region, char **why)
{
    static const char *const calls[][3] = {{"dms", "describe-replication-instances", "ReplicationInstances"},
                                           {"dms", "describe-endpoints", "Endpoints"},
                                           {"dms", "describe-replication-tasks", "ReplicationTasks"},
                                           {"dynamodb", "list-tables", "TableNames"}};
    int r = 0;
    for (size_t i = 0; i < DW_ARRAY_LEN(calls) && r != 1; i++) {
        const struct dw_doc *d = dwi_doc_in(ctx, region, calls[i][0], calls[i][1], NULL);
        json_t *arr = d->state == DW_DOC_OK ? dwi_get(d->json, calls[i][2]) : NULL;
        if (json_is_array(arr) && json_array_size(arr) > 0) {
            r = 1;
        } else if (!json_is_array(arr) && r == 0) {
            r = -1;
            if (!*why)
                *why = d->state == DW_DOC_OK ? dw_xasprintf("%s.json has no \"%s\" array", d->path, calls[i][2])
                                             : dw_xstrdup(d->reason);
        }
    }
    return r;
}

/* The answer of s_region_reads_data for the region being scanned, as a
 * digest ({"has": 1|0|-1, "why": reason or null}), so the DMS lists need not
 * stay for ACC-08. */
static json_t *s_digest_has_data(struct dw_scan_ctx *ctx)
{
    json_t *had = dwi_memo_get(ctx, "has-data");
    if (had)
        return had;
    char *why = NULL;
    int r = s_region_reads_data(ctx, ctx->region, &why);
    json_t *g = json_object();
    json_object_set_new(g, "has", json_integer(r));
    json_object_set_new(g, "why", why ? json_string_nocheck(why) : json_null());
    free(why);
    return dwi_memo_set(ctx, "has-data", g);
}

static int s_region_has_data(struct dw_scan_ctx *ctx, const char *region, char **why)
{
    if (strcmp(region, ctx->region) != 0)
        return s_region_reads_data(ctx, region, why);
    json_t *g = s_digest_has_data(ctx);
    const char *w = json_string_value(json_object_get(g, "why"));
    if (w && !*why)
        *why = dw_xstrdup(w);
    return (int)json_integer_value(json_object_get(g, "has"));
}

const struct dwi_digest dwi_digests[] = {
    {{"dms describe-replication-instances", "dms describe-endpoints"}, {"ACC-05", "ACC-09"}, s_digest_dms},
    {{"dynamodb list-tables", "dynamodb describe-table"}, {"ACC-05", "ACC-09"}, s_digest_ddb},
    {{"dms describe-replication-instances", "dms describe-endpoints", "dms describe-replication-tasks",
      "dynamodb list-tables"},
     {"ACC-08"},
     s_digest_has_data},
};
const size_t dwi_n_digests = DW_ARRAY_LEN(dwi_digests);

/* Does the trail cover a region with DMS or DynamoDB resources? 1 yes, 0
 * no, -1 unknown; *why new when not 1. */
static int s_acc08_applies(struct dw_scan_ctx *ctx, json_t *trail, const char *home, char **why)
{
    bool multi = dwi_bool(trail, "IsMultiRegionTrail") == 1;
    int r = 0;
    for (size_t i = 0; i < ctx->n_regions && r != 1; i++) {
        const char *reg = ctx->regions[i];
        if (!multi && strcmp(reg, home) != 0)
            continue;
        int h = s_region_has_data(ctx, reg, why);
        if (h == 1 || r == 0)
            r = h;
    }
    if (r == 1) {
        free(*why);
        *why = NULL;
    } else if (r == 0) {
        *why = dw_xasprintf("the trail covers no region with DMS or DynamoDB resources (%s)",
                            multi ? "every region audited" : home);
    }
    return r;
}

/* The bucket's object-created notifications to SQS or SNS: 1 one goes to
 * the SIEM, 0 none does, -1 unknown; *why new. */
static int s_acc08_bucket(struct dw_scan_ctx *ctx, const char *bucket, char **why)
{
    const struct dw_doc *d = dwi_doc(ctx, "s3api", "get-bucket-notification-configuration", bucket);
    if (d->state != DW_DOC_OK) {
        *why = dw_xstrdup(d->reason);
        return -1;
    }
    static const char *const kinds[][2] = {{"QueueConfigurations", "QueueArn"}, {"TopicConfigurations", "TopicArn"}};
    struct dw_buf no;
    dw_buf_init(&no, 65536);
    char *unknown = NULL;
    for (size_t k = 0; k < DW_ARRAY_LEN(kinds); k++) {
        size_t i, e;
        json_t *cfg, *ev;
        json_array_foreach(dwi_get(d->json, kinds[k][0]), i, cfg)
        {
            bool created = false;
            json_array_foreach(dwi_get(cfg, "Events"), e, ev)
                created = created || (json_is_string(ev) && strncmp(json_string_value(ev), "s3:ObjectCreated:", 17) == 0);
            const char *dest = dwi_str(cfg, kinds[k][1]);
            if (!created) {
                dw_buf_printf(&no, "%s%s gets no object-created event", no.len ? "; " : "", dest ? dest : "?");
                continue;
            }
            char *w = NULL;
            int r = dwi_siem_destination(ctx, dest, &w);
            if (r == 1) {
                *why = dw_xasprintf("bucket %s notifies %s of new objects: %s", bucket, dest, w);
                free(w);
                free(unknown);
                dw_buf_clean_up(&no);
                return 1;
            }
            if (r < 0 && !unknown)
                unknown = dw_xasprintf("bucket %s: %s", bucket, w);
            else if (r == 0)
                dw_buf_printf(&no, "%s%s", no.len ? "; " : "", w);
            free(w);
        }
    }
    char *n = dw_buf_steal(&no);
    if (unknown) {
        *why = unknown;
        free(n);
        return -1;
    }
    *why = n && *n ? dw_xasprintf("bucket %s sends no object-created notification to a SIEM destination (%s)", bucket, n)
                   : dw_xasprintf("bucket %s sends no object-created notification to an SQS queue or SNS topic", bucket);
    free(n);
    return 0;
}

static void s_acc08_trail(struct dw_scan_ctx *ctx, const struct dw_control *c, json_t *t, const char *name,
                          const char *home, const char *arn)
{
    char *why = NULL;
    int applies = s_acc08_applies(ctx, t, home, &why);
    if (applies != 1) {
        if (applies == 0)
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, NULL, arn, "%s", why);
        else
            dwi_emit(ctx, c, DW_ERROR, NULL, arn,
                     "whether the trail covers DMS or DynamoDB resources is unknown: %s", why);
        free(why);
        return;
    }
    const char *lg_arn = dwi_str(t, "CloudWatchLogsLogGroupArn");
    const char *bucket = dwi_str(t, "S3BucketName");
    char *cw_why = NULL, *s3_why = NULL, *group = NULL;
    int cw = 0, s3 = 0;
    if (lg_arn && *lg_arn) {
        const char *p = strstr(lg_arn, ":log-group:");
        char *reg = dwi_arn_region(lg_arn);
        if (p && reg) {
            p += strlen(":log-group:");
            group = dw_xstrndup(p, strcspn(p, ":"));
            cw = dwi_log_group_to_siem(ctx, reg, group, &cw_why);
        } else {
            cw = -1;
            cw_why = dw_xasprintf("CloudWatchLogsLogGroupArn %s does not name a log group", lg_arn);
        }
        free(reg);
    } else {
        cw_why = dw_xstrdup("no CloudWatchLogsLogGroupArn (the trail does not deliver to CloudWatch Logs)");
    }
    if (cw != 1) {
        if (bucket && *bucket) {
            s3 = s_acc08_bucket(ctx, bucket, &s3_why);
        } else {
            s3 = -1;
            s3_why = dw_xstrdup("the trail names no S3BucketName");
        }
    }
    if (cw == 1 || s3 == 1) {
        dwi_emit(ctx, c, DW_PASS, NULL, arn, "%s", cw == 1 ? cw_why : s3_why);
    } else if (cw < 0 || s3 < 0) {
        dwi_emit(ctx, c, DW_ERROR, NULL, arn, "whether the trail's events reach the SIEM is unknown: %s; %s", cw_why,
                 s3_why);
    } else {
        struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, NULL, arn, "events do not reach the SIEM: %s; %s", cw_why,
                                        s3_why);
        if (group) {
            dwi_cmd(f,
                    "aws logs put-subscription-filter --region %s --log-group-name %s --filter-name siem "
                    "--filter-pattern '' --destination-arn REPLACE_WITH_SIEM_FIREHOSE_ARN "
                    "--role-arn REPLACE_WITH_LOGS_TO_FIREHOSE_ROLE_ARN",
                    home, group);
            dwi_note(f, "Or have bucket %s send s3:ObjectCreated:* notifications to the SIEM's SQS queue.",
                     bucket ? bucket : "(not named)");
        } else {
            dwi_cmd(f,
                    "aws cloudtrail update-trail --region %s --name %s --cloud-watch-logs-log-group-arn "
                    "REPLACE_WITH_LOG_GROUP_ARN --cloud-watch-logs-role-arn REPLACE_WITH_CLOUDTRAIL_TO_LOGS_ROLE_ARN",
                    home, name);
            dwi_note(f, "Then add a subscription filter from that log group to the Firehose stream that delivers "
                        "to Splunk; or have bucket %s send s3:ObjectCreated:* notifications to the SIEM's SQS "
                        "queue (put-bucket-notification-configuration replaces the bucket's whole "
                        "configuration: merge the current one).",
                     bucket ? bucket : "(not named)");
        }
    }
    free(group);
    free(cw_why);
    free(s3_why);
}

void dwi_eval_acc08(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    json_t *arr = dwi_list(ctx, c, dwi_doc(ctx, "cloudtrail", "describe-trails", NULL),
                           "trailList", NULL, NULL);
    size_t i;
    json_t *t;
    json_array_foreach(arr, i, t)
    {
        const char *home = dwi_str(t, "HomeRegion");
        const char *name = dwi_str(t, "Name");
        const char *arn = dwi_str(t, "TrailARN") ? dwi_str(t, "TrailARN") : name;
        if (!home || !name) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn ? arn : "", "trailList[%zu] lacks Name or HomeRegion", i);
            continue;
        }
        if (strcmp(home, ctx->region) == 0) /* judged in its home region; elsewhere a shadow */
            s_acc08_trail(ctx, c, t, name, home, arn);
    }
}

/* The account-level controls, in catalog order: what each one checks and why, how to
 * audit and fix it by hand, the calls it reads, its parameters, the nearest
 * checks of other tools and its evaluator. */
const struct dw_control dwi_acc_controls[] = {
    {
        .id = "ACC-01",
        .service = "account",
        .title = "Customer managed KMS keys rotate automatically",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.DS-1"},
        .statements = {9},
        .seed = "004",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::KMS::Key",
        .what = "KeyRotationEnabled is true on every enabled symmetric customer managed key made by KMS.",
        .why = "Rotation limits how much data one key version protects.",
        .audit = "Console: KMS > key > Key rotation. CLI: aws kms get-key-rotation-status --key-id <id>.",
        .fix = "aws kms enable-key-rotation --key-id <id>.",
        .calls = {"kms list-keys", "kms describe-key/<key>", "kms get-key-rotation-status/<key>",
                  "kms list-aliases"},
        .clauses = {"rotation-off"},
        .eval = dwi_eval_acc01,
        .peers = &(const struct dw_peers){
            .id = "ACC-01",
            .prowler = "kms_cmk_rotation_enabled",
            .security_hub = "KMS.4",
            .aws_config = "cmk-backing-key-rotation-enabled",
            .conformity = "KMS Key Rotation",
            .difference = "Only enabled symmetric keys made by KMS are judged; imported and asymmetric keys are NOT_APPLICABLE.",
        },
    },
    {
        .id = "ACC-02",
        .service = "account",
        .title = "IAM access keys are younger than the rotation limit",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.AC-1"},
        .statements = {8},
        .seed = "004",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::IAM::AccessKey",
        .is_global = true,
        .params = {"access_key_max_age_days"},
        .what = "Every active access key is younger than access_key_max_age_days at snapshot time.",
        .why = "Old keys have had more chances to leak; rotation bounds the damage.",
        .audit = "Console: IAM > Users > Security credentials. CLI: aws iam list-access-keys --user-name <u>.",
        .fix = "Create a new key, move consumers to it, deactivate and delete the old one.",
        .calls = {"iam get-account-authorization-details", "iam list-access-keys/<user>"},
        .clauses = {"key-too-old"},
        .eval = dwi_eval_acc02,
        .peers = &(const struct dw_peers){
            .id = "ACC-02",
            .prowler = "iam_rotate_access_key_90_days",
            .security_hub = "IAM.3",
            .aws_config = "access-keys-rotated",
            .conformity = "Access Keys Rotated",
            .difference = "The age limit is a parameter and is measured from the snapshot time.",
        },
    },
    {
        .id = "ACC-03",
        .service = "account",
        .title = "IAM users with a password or admin rights use MFA",
        .severity = DW_SEV_HIGH,
        .nist_csf = {"PR.AC-7"},
        .statements = {10},
        .seed = "004",
        .fix_kind = DW_FIX_MANUAL,
        .resource_type = "AWS::IAM::User",
        .is_global = true,
        .what = "Users with a console password, or with administrator rights (AdministratorAccess or a "
            "policy allowing everything), have at least one MFA device.",
        .why = "A password alone is one phishing page away from account takeover.",
        .audit = "Console: IAM > Users > MFA column. CLI: aws iam list-mfa-devices --user-name <u> and aws "
            "iam get-login-profile --user-name <u>.",
        .fix = "Enrol a virtual or hardware MFA device for the user.",
        .calls = {"iam get-account-authorization-details", "iam get-login-profile/<user>",
      "iam list-mfa-devices/<user>"},
        .clauses = {"console-no-mfa", "admin-no-mfa", "admin-via-group", "admin-via-managed-policy",
                     "admin-via-administratoraccess"},
        .eval = dwi_eval_acc03,
        .peers = &(const struct dw_peers){
            .id = "ACC-03",
            .prowler = "iam_user_mfa_enabled_console_access",
            .security_hub = "IAM.5",
            .aws_config = "mfa-enabled-for-iam-console-access",
            .conformity = "MFA for IAM Users With Console Password",
            .difference = "Also requires MFA for users with administrator rights who have no console password.",
        },
    },
    {
        .id = "ACC-04",
        .service = "account",
        .title = "IAM users have no console password",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.AC-1"},
        .statements = {5},
        .seed = "004",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::IAM::User",
        .is_global = true,
        .what = "get-login-profile answers NoSuchEntity: people sign in through the identity provider and "
            "IAM users serve workloads only.",
        .why = "IAM passwords sit outside the company's identity lifecycle and its MFA policy.",
        .audit = "Console: IAM > Users > Console access. CLI: aws iam get-login-profile --user-name <u>.",
        .fix = "aws iam delete-login-profile --user-name <u>.",
        .calls = {"iam get-account-authorization-details", "iam get-login-profile/<user>"},
        .clauses = {"console-password"},
        .eval = dwi_eval_acc04,
        .peers = &(const struct dw_peers){
            .id = "ACC-04",
            .prowler = "none",
            .security_hub = "none",
            .aws_config = "none",
            .conformity = "none",
            .difference = "A company rule: people sign in through the identity provider, so any IAM console password fails.",
        },
    },
    {
        .id = "ACC-05",
        .service = "account",
        .title = "Key policies of DMS and DynamoDB keys are not open",
        .severity = DW_SEV_HIGH,
        .nist_csf = {"PR.AC-4"},
        .statements = {3},
        .seed = "002",
        .fix_kind = DW_FIX_MANUAL,
        .resource_type = "AWS::KMS::Key",
        .what = "In the policy of each customer managed key used by DMS or DynamoDB, no Allow statement "
            "opens the key to Principal \"*\" or another account without a condition that binds the "
            "caller to the account or organisation (every value of it), and no principal but the "
            "account root gets every kms action or a NotAction grant.",
        .why = "The key policy is the last gate in front of encrypted data: an open policy undoes the "
            "encryption.",
        .audit = "Console: KMS > key > Key policy. CLI: aws kms get-key-policy --key-id <id> --policy-name "
            "default --output text.",
        .fix = "Rewrite the policy and apply it with aws kms put-key-policy.",
        .calls = {"dms describe-replication-instances", "dms describe-endpoints", "dynamodb list-tables",
      "dynamodb describe-table/<table>", "kms describe-key/<key>", "kms get-key-policy/<key>",
      "kms list-aliases"},
        .params = {"source_ip_widest_prefix"},
        .eval = dwi_eval_acc05,
        .peers = &(const struct dw_peers){
            .id = "ACC-05",
            .prowler = "kms_key_not_publicly_accessible",
            .security_hub = "none",
            .aws_config = "none",
            .conformity = "KMS Key Exposed",
            .difference = "Only keys used by DMS or DynamoDB are judged; a condition must limit account, organisation or network "
                "to count, and kms:* beyond the root fails.",
        },
    },
    {
        .id = "ACC-06",
        .service = "account",
        .title = "CloudTrail trails are multi-region, validated and encrypted with a CMK",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.DS-6", "PR.PT-1"},
        .statements = {1, 4},
        .seed = "000, 004",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::CloudTrail::Trail",
        .what = "Each trail (judged in its home region) has IsMultiRegionTrail true, "
            "LogFileValidationEnabled true, and a KmsKeyId naming a customer managed key.",
        .why = "The audit log must cover every region, show tampering and be readable only by those the "
            "key policy allows.",
        .audit = "Console: CloudTrail > Trails > trail > General details. CLI: aws cloudtrail "
            "describe-trails.",
        .fix = "aws cloudtrail update-trail --is-multi-region-trail --enable-log-file-validation "
            "--kms-key-id <key>.",
        .calls = {"cloudtrail describe-trails", "kms describe-key/<key>", "kms list-aliases"},
        .clauses = {"not-multi-region", "log-validation-off", "no-kms-key", "aws-managed-key"},
        .eval = dwi_eval_acc06,
        .peers = &(const struct dw_peers){
            .id = "ACC-06",
            .prowler = "cloudtrail_multi_region_enabled, cloudtrail_log_file_validation_enabled, "
                "cloudtrail_kms_encryption_enabled",
            .security_hub = "CloudTrail.1, CloudTrail.2, CloudTrail.4",
            .aws_config = "multi-region-cloudtrail-enabled, cloud-trail-log-file-validation-enabled, cloud-trail-encryption-enabled",
            .conformity = "CloudTrail Log File Integrity Validation",
            .difference = "The three properties in one control, and the key must be customer managed.",
        },
    },
    {
        .id = "ACC-07",
        .service = "account",
        .title = "CloudTrail trails are logging and deliver without error",
        .severity = DW_SEV_HIGH,
        .nist_csf = {"DE.CM-1", "PR.PT-1"},
        .statements = {4},
        .seed = "000, 004",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::CloudTrail::Trail",
        .what = "For each trail (judged in its home region), get-trail-status reports IsLogging true and no "
            "LatestDeliveryError (AWS omits the field while deliveries succeed). An answer without IsLogging "
            "is ERROR.",
        .why = "A trail that exists but is stopped, or whose deliveries to its bucket fail, records nothing: "
            "the audit log has a hole exactly when it is needed.",
        .audit = "Console: CloudTrail > Trails > trail > Logging status and Last log file delivered. CLI: aws "
            "cloudtrail get-trail-status --name <trail>.",
        .fix = "aws cloudtrail start-logging --name <trail>; for a delivery error, repair the bucket policy or "
            "the KMS key policy named by the error.",
        .calls = {"cloudtrail describe-trails", "cloudtrail get-trail-status/<trail>"},
        .clauses = {"not-logging", "delivery-error"},
        .eval = dwi_eval_acc07,
        .peers = &(const struct dw_peers){
            .id = "ACC-07",
            .prowler = "cloudtrail_multi_region_enabled (checks IsLogging on the way)",
            .security_hub = "none",
            .aws_config = "cloudtrail-enabled (trail exists and logs)",
            .conformity = "CloudTrail Delivery Failing",
            .difference = "Every trail on its own, and a failed delivery fails as a stopped trail does.",
        },
    },
    {
        .id = "ACC-08",
        .service = "account",
        .title = "CloudTrail events reach the SIEM",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"DE.CM-1", "DE.AE-3"},
        .statements = {4},
        .seed = "000",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::CloudTrail::Trail",
        .params = {"siem_destinations"},
        .what = "Each trail (judged in its home region) that covers a region with DMS or DynamoDB resources "
            "reaches the SIEM: its CloudWatchLogsLogGroupArn names a log group with a subscription filter to a "
            "SIEM destination (as DMS-15: siem_destinations, or a Firehose stream delivering to Splunk), or its "
            "S3 bucket sends s3:ObjectCreated:* notifications to an SQS queue or SNS topic (one of "
            "siem_destinations when that is set; any queue or topic otherwise, and the reason says so). Trails "
            "covering no such region are NOT_APPLICABLE.",
        .why = "The playbook wants CloudTrail sent to Splunk: a trail nobody reads records an intrusion "
            "without anyone being told.",
        .audit = "CLI: aws cloudtrail describe-trails (CloudWatchLogsLogGroupArn, S3BucketName); aws logs "
            "describe-subscription-filters --log-group-name <g>; aws s3api get-bucket-notification-configuration "
            "--bucket <b>.",
        .fix = "aws logs put-subscription-filter on the trail's log group to the Splunk Firehose stream, or aws "
            "cloudtrail update-trail --cloud-watch-logs-log-group-arn <g> --cloud-watch-logs-role-arn <r> first; "
            "or S3 event notifications from the trail bucket to the SIEM's SQS queue.",
        .calls = {"cloudtrail describe-trails", "logs describe-subscription-filters/<log group>",
                  "firehose describe-delivery-stream/<stream>",
                  "s3api get-bucket-notification-configuration/<bucket>", "dms describe-replication-instances",
                  "dms describe-endpoints", "dms describe-replication-tasks", "dynamodb list-tables"},
        .clauses = {"no-cloudwatch-logs", "log-group-not-siem", "no-object-created", "bucket-not-siem"},
        .eval = dwi_eval_acc08,
        .peers = &(const struct dw_peers){
            .id = "ACC-08",
            .prowler = "cloudtrail_cloudwatch_logging_enabled (delivery to CloudWatch only)",
            .security_hub = "CloudTrail.5 (CloudWatch Logs integration only)",
            .aws_config = "cloud-trail-cloud-watch-logs-enabled (CloudWatch Logs only)",
            .conformity = "none",
            .difference = "Follows the events past CloudWatch Logs to the SIEM (a subscription filter, or the bucket's "
                "notifications), for the trails that cover DMS or DynamoDB regions.",
        },
    },
    {
        .id = "ACC-09",
        .service = "account",
        .title = "Keys used by DMS and DynamoDB hold the company's own key material",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.DS-1"},
        .statements = {1, 3},
        .seed = "004",
        .fix_kind = DW_FIX_RECREATE,
        .resource_type = "AWS::KMS::Key",
        .params = {"key_origins", "key_material_min_days"},
        .what = "Each customer managed key used by DMS or DynamoDB (a replication instance's KmsKeyId, an endpoint's "
            "KmsKeyId or S3/Redshift ServerSideEncryptionKmsKeyId, a table's SSEDescription.KMSMasterKeyArn) has "
            "KeyMetadata.Origin in key_origins (EXTERNAL: material imported from the company HSM, AWS_CLOUDHSM: a "
            "custom key store), KeySpec SYMMETRIC_DEFAULT (AES-256), and imported material that does not expire "
            "within key_material_min_days days (ValidTo; KEY_MATERIAL_DOES_NOT_EXPIRE passes that clause).",
        .why = "The runbook asks for keys created by the company's HSM (BYOK, AES-256): material that KMS "
            "generated itself cannot be held, escrowed or withdrawn by the company, and imported material "
            "that expires makes the data unreadable the moment ValidTo passes.",
        .audit = "Console: KMS > Customer managed keys > key > Cryptographic configuration (Origin, Key spec) and "
            "Key material (expiration). CLI: aws kms describe-key --key-id <id> --query "
            "'KeyMetadata.[Origin,KeySpec,ExpirationModel,ValidTo]'.",
        .fix = "Origin and key spec are fixed when a key is created: create a key with --origin EXTERNAL and "
            "--key-spec SYMMETRIC_DEFAULT, import the company's material, and move the users to it. Material "
            "that expires soon is imported again (import-key-material) into the same key.",
        .calls = {"dms describe-replication-instances", "dms describe-endpoints", "dynamodb list-tables",
      "dynamodb describe-table/<table>", "kms describe-key/<key>", "kms list-aliases"},
        .clauses = {"origin", "key-spec", "material-expiring"},
        .eval = dwi_eval_acc09,
        .peers = &(const struct dw_peers){
            .id = "ACC-09",
            .prowler = "none",
            .security_hub = "none",
            .aws_config = "none",
            .conformity = "KMS Customer Master Key (CMK) Origin (not a check of the users' keys only)",
            .difference = "Only keys that DMS or DynamoDB use are judged, by their origin, key spec and the expiry of "
                "imported material, with the company's accepted origins as a parameter.",
        },
    },
};
const size_t dwi_acc_controls_count = DW_ARRAY_LEN(dwi_acc_controls);
