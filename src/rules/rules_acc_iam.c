/* rules_acc_iam.c: the account-level IAM controls of issue 18: ACC-10 (use
 * restricted to company networks) and ACC-11 (console passwords changed
 * within the limit, from the credential report). The credential report is
 * read here: base64 in get-credential-report's Content, CSV inside
 * (dbward/csv.h). IAM is global: these read global/iam. Their rows are at
 * the end of this file. */
#include <stdlib.h>
#include <string.h>

#include <dbward/csv.h>

#include "rules_int.h"

static void dwi_eval_acc11(struct dw_scan_ctx *ctx, const struct dw_control *c);

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
