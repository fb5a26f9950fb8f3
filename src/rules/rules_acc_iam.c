/* rules_acc_iam.c: the account-level IAM controls of issue 18: ACC-10 (use
 * restricted to company networks) and ACC-11 (console passwords changed
 * within the limit, from the credential report). The credential report is
 * read here: base64 in get-credential-report's Content, CSV inside
 * (dbward/csv.h). IAM is global: these read global/iam. Their rows are at
 * the end of this file. */
#include <stdlib.h>
#include <string.h>

#include <dbward/csv.h>

#include <dbward/policy.h>

#include "rules_int.h"

static void dwi_eval_acc10(struct dw_scan_ctx *ctx, const struct dw_control *c);
static void dwi_eval_acc11(struct dw_scan_ctx *ctx, const struct dw_control *c);

/* ---- ACC-10: IAM use restricted to company networks ---- */

/* The policies that apply to one user (inline, attached, its groups', the
 * boundary), parsed. Names are new; bad says why one could not be read. */
struct s_upol {
    struct dw_policy_ref *refs;
    struct dw_policy **parsed;
    char **names;
    size_t n;
    char *bad;
};

static void s_upol_clean_up(struct s_upol *u)
{
    for (size_t i = 0; i < u->n; i++) {
        dw_policy_free(u->parsed[i]);
        free(u->names[i]);
    }
    free(u->refs);
    free(u->parsed);
    free(u->names);
    free(u->bad);
    memset(u, 0, sizeof(*u));
}

/* Adds one policy; name is taken. */
static void s_upol_add(struct s_upol *u, char *name, json_t *doc, bool is_boundary)
{
    struct dw_policy *p = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (!doc) {
        if (!u->bad)
            u->bad = dw_xasprintf("the document of %s is missing from get-account-authorization-details", name);
    } else if (dw_policy_parse(doc, name, &p, &err)) {
        if (!u->bad)
            u->bad = dw_xasprintf("%s cannot be read: %s", name, err.message);
        p = NULL;
    }
    u->refs = dw_xrealloc(u->refs, (u->n + 1) * sizeof(*u->refs));
    u->parsed = dw_xrealloc(u->parsed, (u->n + 1) * sizeof(*u->parsed));
    u->names = dw_xrealloc(u->names, (u->n + 1) * sizeof(*u->names));
    u->names[u->n] = name;
    u->parsed[u->n] = p;
    u->refs[u->n] = (struct dw_policy_ref){name, p, is_boundary};
    u->n++;
}

static void s_upol_entry(struct s_upol *u, json_t *det, json_t *entry, const char *inline_key, const char *owner)
{
    size_t k;
    json_t *x;
    json_array_foreach(dwi_get(entry, inline_key), k, x)
    {
        const char *pn = dwi_str(x, "PolicyName");
        s_upol_add(u, dw_xasprintf("%sinline policy %s", owner, pn ? pn : "?"), dwi_get(x, "PolicyDocument"), false);
    }
    json_array_foreach(dwi_get(entry, "AttachedManagedPolicies"), k, x)
    {
        const char *arn = dwi_str(x, "PolicyArn");
        const char *pn = dwi_str(x, "PolicyName") ? dwi_str(x, "PolicyName") : arn;
        if (!arn) {
            if (!u->bad)
                u->bad = dw_xasprintf("AttachedManagedPolicies[%zu] of %suser has no PolicyArn", k, owner);
            continue;
        }
        s_upol_add(u, dw_xasprintf("%smanaged policy %s", owner, pn), dwi_iam_default_doc(dwi_iam_policy(det, arn)), false);
    }
}

static void s_upol_user(struct s_upol *u, json_t *det, json_t *user)
{
    memset(u, 0, sizeof(*u));
    s_upol_entry(u, det, user, "UserPolicyList", "");
    size_t i;
    json_t *g;
    json_array_foreach(dwi_get(user, "GroupList"), i, g)
    {
        const char *gn = json_string_value(g);
        json_t *found = dwi_iam_group(det, gn);
        if (!found) {
            if (!u->bad)
                u->bad = dw_xasprintf("group %s is missing from GroupDetailList", gn ? gn : "?");
            continue;
        }
        char *owner = dw_xasprintf("group %s's ", gn);
        s_upol_entry(u, det, found, "GroupPolicyList", owner);
        free(owner);
    }
    const char *barn = dwi_str(user, "PermissionsBoundary.PermissionsBoundaryArn");
    if (barn)
        s_upol_add(u, dw_xasprintf("permissions boundary %s", barn), dwi_iam_default_doc(dwi_iam_policy(det, barn)), true);
}

/* 1 when the user has an active access key, 0 none, -1 unknown (*why new). */
static int s_active_key(struct dw_scan_ctx *ctx, const char *name, char **why)
{
    const struct dw_doc *d = dwi_doc(ctx, "iam", "list-access-keys", name);
    json_t *keys = d->state == DW_DOC_OK ? dwi_get(d->json, "AccessKeyMetadata") : NULL;
    if (d->state != DW_DOC_OK) {
        *why = dw_xstrdup(d->reason);
        return -1;
    }
    if (!json_is_array(keys)) {
        *why = dw_xasprintf("%s.json has no \"AccessKeyMetadata\" array", d->path);
        return -1;
    }
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k)
    {
        if (dwi_str(k, "Status") && strcmp(dwi_str(k, "Status"), "Active") == 0)
            return 1;
    }
    return 0;
}

/* A comma-separated parameter as a list of new strings (empty items dropped). */
static char **s_split(const char *v, size_t *n)
{
    char **out = NULL;
    *n = 0;
    for (const char *p = v ? v : ""; *p;) {
        size_t k = strcspn(p, ",");
        const char *a = p, *e = p + k;
        while (a < e && *a == ' ')
            a++;
        while (e > a && e[-1] == ' ')
            e--;
        if (e > a) {
            out = dw_xrealloc(out, (*n + 1) * sizeof(char *));
            out[(*n)++] = dw_xstrndup(a, (size_t)(e - a));
        }
        p += k + (p[k] == ',');
    }
    return out;
}

static void s_strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* The Deny that ACC-10 asks for, as a policy document (new). */
static char *s_fence_doc(char **cidrs, size_t n_cidrs, char **vpcs, size_t n_vpcs)
{
    json_t *cond = json_object();
    json_t *ips = json_array();
    for (size_t i = 0; i < n_cidrs; i++)
        json_array_append_new(ips, json_string(cidrs[i]));
    if (!n_cidrs && !n_vpcs)
        json_array_append_new(ips, json_string("REPLACE_WITH_COMPANY_CIDR"));
    json_object_set_new(cond, "NotIpAddress", json_pack("{s:o}", "aws:SourceIp", ips));
    json_t *vpce = json_array(), *vpc = json_array();
    for (size_t i = 0; i < n_vpcs; i++)
        json_array_append_new(strncmp(vpcs[i], "vpce-", 5) == 0 ? vpce : vpc, json_string(vpcs[i]));
    json_t *ne = json_object();
    if (json_array_size(vpce))
        json_object_set(ne, "aws:SourceVpce", vpce);
    if (json_array_size(vpc))
        json_object_set(ne, "aws:SourceVpc", vpc);
    json_decref(vpce);
    json_decref(vpc);
    if (json_object_size(ne))
        json_object_set(cond, "StringNotEqualsIfExists", ne);
    json_decref(ne);
    json_object_set_new(cond, "Bool", json_pack("{s:s}", "aws:ViaAWSService", "false"));
    json_t *doc = json_pack("{s:s, s:[{s:s, s:s, s:s, s:s, s:o}]}", "Version", "2012-10-17", "Statement", "Sid",
                            "DenyOutsideCompanyNetworks", "Effect", "Deny", "Action", "*", "Resource", "*",
                            "Condition", cond);
    char *text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    return text;
}

void dwi_eval_acc10(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    const struct dw_doc *d = dwi_doc(ctx, "iam", "get-account-authorization-details", NULL);
    json_t *users = dwi_list(ctx, c, d, "UserDetailList", "AWS::IAM::User", NULL);
    if (!users)
        return;
    json_t *det = d->json;
    size_t n_cidrs = 0, n_vpcs = 0;
    char **cidrs = s_split(dwi_param(ctx, "company_cidrs"), &n_cidrs);
    char **vpcs = s_split(dwi_param(ctx, "company_vpcs"), &n_vpcs);
    struct dw_policy_net net = {cidrs, n_cidrs, vpcs, n_vpcs, (int)dwi_param_long(ctx, "source_ip_widest_prefix")};
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u)
    {
        const char *name = dwi_str(u, "UserName");
        const char *uarn = dwi_str(u, "Arn");
        if (!name || !uarn) {
            dwi_emit(ctx, c, DW_ERROR, NULL, "", "UserDetailList[%zu] lacks UserName or Arn", i);
            continue;
        }
        char *kwhy = NULL, *pwhy = NULL;
        int key = s_active_key(ctx, name, &kwhy);
        int pw = dwi_iam_console_password(ctx, name, &pwhy);
        if (key == 0 && pw == 0) {
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, NULL, uarn, "no active access key and no console password");
        } else if (key != 1 && pw != 1) {
            dwi_emit(ctx, c, DW_ERROR, NULL, uarn, "whether the user has credentials is unknown: %s",
                     kwhy ? kwhy : pwhy);
        } else {
            const char *creds = key == 1 && pw == 1 ? "an active access key and a console password"
                                : key == 1          ? "an active access key"
                                                    : "a console password";
            struct s_upol up;
            s_upol_user(&up, det, u);
            if (up.bad) {
                dwi_emit(ctx, c, DW_ERROR, NULL, uarn, "the user's policies cannot be judged: %s", up.bad);
            } else {
                struct dw_policy_net_answer a;
                dw_policy_net_eval(up.refs, up.n, &net, &a);
                if (!a.is_known) {
                    dwi_emit(ctx, c, DW_ERROR, NULL, uarn, "%s", a.why);
                } else if (a.outside_denied) {
                    dwi_emit(ctx, c, DW_PASS, NULL, uarn, "%s: %s", creds, a.why);
                } else {
                    struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, NULL, uarn, "%s: %s", creds, a.why);
                    char *doc = s_fence_doc(cidrs, n_cidrs, vpcs, n_vpcs);
                    dwi_cmd(f, "aws iam put-user-policy --user-name %s --policy-name %s --policy-document %s", name,
                            "deny-outside-company-networks", doc);
                    dwi_note(f, "Check first that the user's callers run inside the company networks%s; the Deny "
                                "exempts calls AWS services make on the user's behalf (aws:ViaAWSService).",
                             n_cidrs || n_vpcs ? "" : " and put the company's ranges in place of REPLACE_WITH_COMPANY_CIDR "
                                                      "(or set company_cidrs)");
                    free(doc);
                }
                dw_policy_net_answer_clean_up(&a);
            }
            s_upol_clean_up(&up);
        }
        free(kwhy);
        free(pwhy);
    }
    s_strv_free(cidrs, n_cidrs);
    s_strv_free(vpcs, n_vpcs);
}

/* ---- the credential report ---- */

/* The columns ACC-11 reads; a report without one of them cannot be judged. */
static const char *const s_report_cols[] = {"user", "arn", "password_enabled", "password_last_changed"};

/* The decoded report, or NULL after emitting one ERROR for the account that
 * names the call and its code or the position of the bad byte. New. */
static struct dw_csv *s_report(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    const struct dw_doc *d = dwi_doc(ctx, "iam", "get-credential-report", NULL);
    char *scope = dw_xasprintf("%s/global", ctx->account);
    struct dw_csv *t = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (d->state == DW_DOC_MISSING) {
        /* Say why the report is missing when its generation failed. */
        const struct dw_doc *g = dwi_doc(ctx, "iam", "generate-credential-report", NULL);
        if (g->state == DW_DOC_API_ERROR || g->state == DW_DOC_BAD)
            dwi_emit(ctx, c, DW_ERROR, "AWS::::Account", scope, "%s; so %s", g->reason, d->reason);
        else
            dwi_emit(ctx, c, DW_ERROR, "AWS::::Account", scope, "%s", d->reason);
        goto out;
    }
    if (d->state != DW_DOC_OK) {
        dwi_emit(ctx, c, DW_ERROR, "AWS::::Account", scope, "%s", d->reason);
        goto out;
    }
    const char *content = dwi_str(d->json, "Content");
    const char *format = dwi_str(d->json, "ReportFormat");
    if (!content) {
        dwi_emit(ctx, c, DW_ERROR, "AWS::::Account", scope, "%s.json has no \"Content\" string", d->path);
        goto out;
    }
    if (format && strcmp(format, "text/csv") != 0) {
        dwi_emit(ctx, c, DW_ERROR, "AWS::::Account", scope, "%s.json: ReportFormat is %s, not text/csv", d->path,
                 format);
        goto out;
    }
    char *text = NULL;
    size_t len = 0;
    if (dw_base64_decode(content, strlen(content), d->path, &text, &len, &err)) {
        dwi_emit(ctx, c, DW_ERROR, "AWS::::Account", scope, "%s.json: Content is not base64 (at byte %zu: %s)",
                 d->path, err.offset, err.message);
        goto out;
    }
    if (dw_csv_parse(text, len, d->path, &t, &err)) {
        dwi_emit(ctx, c, DW_ERROR, "AWS::::Account", scope,
                 "%s.json: the credential report (Content, decoded) is not CSV at line %d, column %d: %s", d->path,
                 err.line, err.column, err.message);
        t = NULL;
    }
    free(text);
    for (size_t i = 0; t && i < DW_ARRAY_LEN(s_report_cols); i++) {
        if (dw_csv_col(t, s_report_cols[i]) < 0) {
            dwi_emit(ctx, c, DW_ERROR, "AWS::::Account", scope,
                     "%s.json: the credential report has no %s column", d->path, s_report_cols[i]);
            dw_csv_free(t);
            t = NULL;
        }
    }
out:
    free(scope);
    return t;
}

/* ---- ACC-11: console passwords changed within the limit ---- */

void dwi_eval_acc11(struct dw_scan_ctx *ctx, const struct dw_control *c)
{
    struct dw_csv *t = s_report(ctx, c);
    if (!t)
        return;
    long max_days = dwi_param_long(ctx, "password_max_age_days");
    long cu = dw_csv_col(t, "user"), ca = dw_csv_col(t, "arn"), ce = dw_csv_col(t, "password_enabled"),
         cl = dw_csv_col(t, "password_last_changed");
    for (size_t r = 0; r < t->n_rows; r++) {
        const char *user = t->rows[r][cu];
        const char *arn = t->rows[r][ca];
        const char *enabled = t->rows[r][ce];
        const char *changed = t->rows[r][cl];
        int line = t->row_line[r];
        if (strcmp(user, "<root_account>") == 0) {
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, "AWS::::Account", *arn ? arn : user,
                     "the account root is not an IAM user (credential report line %d)", line);
            continue;
        }
        if (!*user || strncmp(arn, "arn:", 4) != 0) {
            dwi_emit(ctx, c, DW_ERROR, "AWS::IAM::User", *arn ? arn : user,
                     "credential report line %d lacks the user name or ARN", line);
            continue;
        }
        if (strcmp(enabled, "false") == 0) {
            dwi_emit(ctx, c, DW_NOT_APPLICABLE, NULL, arn, "no console password (password_enabled is false)");
            continue;
        }
        if (strcmp(enabled, "true") != 0) {
            dwi_emit(ctx, c, DW_ERROR, NULL, arn,
                     "password_enabled is \"%s\" on credential report line %d, neither true nor false", enabled,
                     line);
            continue;
        }
        int64_t t_changed = 0;
        if (!dw_time_parse_iso8601(changed, &t_changed)) {
            /* No default applies: a password AWS says exists but whose age is unknown. */
            dwi_emit(ctx, c, DW_ERROR, NULL, arn,
                     "password_enabled is true but password_last_changed is \"%s\" on credential report line %d, "
                     "not a time",
                     changed, line);
            continue;
        }
        long age = (long)((ctx->now_epoch_s - t_changed) / 86400);
        if (age <= max_days) {
            dwi_emit(ctx, c, DW_PASS, NULL, arn, "the console password was changed %ld days ago (limit %ld)", age,
                     max_days);
        } else {
            struct dw_finding *f = dwi_emit(ctx, c, DW_FAIL, NULL, arn,
                                            "the console password was changed %ld days ago (limit %ld)", age,
                                            max_days);
            dwi_cmd(f, "aws iam update-login-profile --user-name %s --password-reset-required", user);
            dwi_note(f, "The user must choose a new password at the next sign-in; the account's password policy "
                        "(aws iam update-account-password-policy --max-password-age) makes this automatic.");
        }
    }
    dw_csv_free(t);
}

/* The rows, in catalog order after rules_acc.c's. */
const struct dw_control dwi_acc_iam_controls[] = {
    {
        .id = "ACC-10",
        .service = "account",
        .title = "IAM users are refused outside the company networks",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.AC-3"},
        .statements = {7},
        .seed = "000, 004",
        .fix_kind = DW_FIX_MANUAL,
        .resource_type = "AWS::IAM::User",
        .is_global = true,
        .params = {"company_cidrs", "company_vpcs", "source_ip_widest_prefix"},
        .clauses = {"no-deny", "exempts-outside-cidr", "exempts-outside-endpoint", "exempts-any-endpoint",
                    "deny-misses-actions", "deny-extra-condition", "allow-condition-only", "boundary-allows-outside",
                    "without-parameters-too-wide"},
        .what = "For every IAM user with an active access key or a console password, no request from outside the "
            "company networks (an address outside company_cidrs, or a VPC endpoint outside company_vpcs) is allowed "
            "for any action on any resource: a Deny (inline, attached, group) or the permissions boundary's "
            "absence of Allow refuses it. Without the parameters any network condition of a Deny counts, and the "
            "reason says so.",
        .why = "Control statement 7 limits IAM use to company networks: a leaked key or password then works only "
            "from inside them.",
        .audit = "CLI: aws iam get-account-authorization-details; for each user read every Deny of its inline, "
            "attached, group and boundary policies for a NotIpAddress aws:SourceIp or StringNotEquals "
            "aws:SourceVpce condition that covers every action it is allowed.",
        .fix = "Add a Deny of \"*\" on \"*\" unless aws:SourceIp is a company range or aws:SourceVpce a company "
            "endpoint (aws iam put-user-policy, or a group policy or a permissions boundary for many users).",
        .calls = {"iam get-account-authorization-details", "iam list-access-keys/<user>", "iam get-login-profile/<user>"},
        .eval = dwi_eval_acc10,
        .peers = &(const struct dw_peers){
            .id = "ACC-10",
            .prowler = "none",
            .security_hub = "none",
            .aws_config = "none",
            .conformity = "none",
            .difference = "No peer checks that IAM users are fenced to the company networks; dbward decides it with "
                "the policy engine over every action and resource the user is allowed.",
        },
    },
    {
        .id = "ACC-11",
        .service = "account",
        .title = "IAM console passwords were changed within the limit",
        .severity = DW_SEV_MEDIUM,
        .nist_csf = {"PR.AC-1"},
        .statements = {8},
        .seed = "004",
        .fix_kind = DW_FIX_IN_PLACE,
        .resource_type = "AWS::IAM::User",
        .is_global = true,
        .params = {"password_max_age_days"},
        .clauses = {"password-too-old"},
        .what = "Every IAM user whose credential report row says password_enabled true has a "
            "password_last_changed no more than password_max_age_days days before the snapshot.",
        .why = "Control statement 8 asks for every secret to be rotated within 90 days; a console password "
            "is one, and an old one has had the longest time to be phished or reused.",
        .audit = "CLI: aws iam generate-credential-report, then aws iam get-credential-report --query Content "
            "--output text | base64 -d, columns password_enabled and password_last_changed.",
        .fix = "aws iam update-login-profile --user-name <u> --password-reset-required (the user sets a new "
            "password at the next sign-in), or a password policy with a maximum age.",
        .calls = {"iam generate-credential-report", "iam get-credential-report"},
        .eval = dwi_eval_acc11,
        .peers = &(const struct dw_peers){
            .id = "ACC-11",
            .prowler = "iam_password_policy_expires_passwords_within_90_days_or_less",
            .security_hub = "IAM.7 (the password policy, not each password)",
            .aws_config = "iam-password-policy (MaxPasswordAge)",
            .conformity = "IAM Password Policy: password expiration",
            .difference = "Judges each user's password age from the credential report, not the account's "
                "password policy; a password AWS reports without a change time is ERROR.",
        },
    },
};
const size_t dwi_acc_iam_controls_count = DW_ARRAY_LEN(dwi_acc_iam_controls);
