/* fuzz_policy.c: IAM policy parsing (JSON and URL-encoded forms), every
 * statement question the controls ask, and a differential check of the
 * set-level engine (dw_policy_ddb_eval) against a tiny brute-force
 * evaluator written here, independently of src/policy.
 *
 * libFuzzer cannot call the Python brute force (tests/policy/bruteforce.py)
 * cheaply, so this target carries its own: a dynamic-programming glob
 * matcher and the plain per-request rule (an unconditional Deny wins, any
 * Allow grants), evaluated over a small finite universe: every dynamodb
 * action of the generated universe (data shared with the engine, not code)
 * times every table name of 3 or 4 characters over the table-name
 * characters the policy's patterns use plus one they do not. The engine's
 * universal answers ("every action on every table", "no reach", "no grant
 * through Not*", and the action said to be allowed on every table) are
 * refuted by any request of that universe, and each of
 * its existential answers comes with a witness request that the brute force
 * must confirm; so both directions are checked. Any disagreement aborts. */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/policy.h>

extern const char *const dwp_actions[];
extern const size_t dwp_n_actions;

#define BF_MAX_STMTS 6
#define BF_MAX_PAT 40
#define BF_PREFIX "arn:aws:dynamodb:us-east-1:123456789012:table/"

/* Glob match by dynamic programming over (pattern position, string position). */
static bool bf_glob(const char *p, const char *s, bool nocase)
{
    size_t np = strlen(p), ns = strlen(s);
    bool row[BF_MAX_PAT * 4 + 2], next[BF_MAX_PAT * 4 + 2];
    if (np > BF_MAX_PAT * 4)
        abort();
    /* row[j]: p[0..j) matches s[0..i) */
    row[0] = true;
    for (size_t j = 1; j <= np; j++)
        row[j] = row[j - 1] && p[j - 1] == '*';
    for (size_t i = 1; i <= ns; i++) {
        char c = s[i - 1];
        next[0] = false;
        for (size_t j = 1; j <= np; j++) {
            char pc = p[j - 1];
            if (pc == '*')
                next[j] = next[j - 1] || row[j];
            else if (pc == '?')
                next[j] = row[j - 1];
            else
                next[j] = row[j - 1] && (nocase ? tolower((unsigned char)pc) == tolower((unsigned char)c)
                                                : pc == c);
        }
        memcpy(row, next, (np + 1) * sizeof(bool));
    }
    return row[np];
}

static bool bf_any(char **pats, size_t n, const char *s, bool nocase)
{
    for (size_t i = 0; i < n; i++) {
        if (bf_glob(pats[i], s, nocase))
            return true;
    }
    return false;
}

static bool bf_stmt(const struct dw_policy_stmt *st, const char *action, const char *res)
{
    if (bf_any(st->actions, st->n_actions, action, true) == st->is_not_action)
        return false;
    if (!st->has_resource)
        return true;
    return bf_any(st->resources, st->n_resources, res, false) != st->is_not_resource;
}

/* Per-request decision; *via_not set when an allowing statement is Not*. */
static bool bf_allowed(const struct dw_policy *p, const char *action, const char *res, bool *via_not)
{
    bool allow = false;
    *via_not = false;
    for (size_t i = 0; i < p->n_stmts; i++) {
        const struct dw_policy_stmt *st = &p->stmts[i];
        if (!bf_stmt(st, action, res))
            continue;
        if (!st->is_allow) {
            if (st->n_conds == 0) {
                *via_not = false;
                return false;
            }
            continue;
        }
        allow = true;
        if (st->is_not_action || st->is_not_resource)
            *via_not = true;
    }
    if (!allow)
        *via_not = false;
    return allow;
}

static bool bf_small(const struct dw_policy *p)
{
    if (p->n_stmts > BF_MAX_STMTS)
        return false;
    for (size_t i = 0; i < p->n_stmts; i++) {
        const struct dw_policy_stmt *st = &p->stmts[i];
        if (st->n_actions > 6 || st->n_resources > 6)
            return false;
        for (size_t k = 0; k < st->n_actions; k++)
            if (strlen(st->actions[k]) > BF_MAX_PAT)
                return false;
        for (size_t k = 0; k < st->n_resources; k++)
            if (strlen(st->resources[k]) > BF_MAX_PAT * 2)
                return false;
    }
    return true;
}

static bool bf_tablechar(int c)
{
    return isalnum(c) || c == '_' || c == '-' || c == '.';
}

/* Up to 3 table-name characters the patterns use, plus one they do not. */
static size_t bf_alphabet(const struct dw_policy *p, char *alpha)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_stmts; i++) {
        const struct dw_policy_stmt *st = &p->stmts[i];
        for (size_t k = 0; k < st->n_resources; k++) {
            const char *r = st->resources[k];
            const char *t = strstr(r, "table/");
            for (const char *c = t ? t + 6 : r; *c && n < 3; c++) {
                if (bf_tablechar((unsigned char)*c) && !memchr(alpha, *c, n))
                    alpha[n++] = *c;
            }
        }
    }
    for (const char *c = "z0Q_-."; *c; c++) {
        if (!memchr(alpha, *c, n)) {
            alpha[n++] = *c;
            break;
        }
    }
    return n;
}

static bool bf_is_ddb(const char *a)
{
    return strncmp(a, "dynamodb:", 9) == 0;
}

static void bf_check(const struct dw_policy *p)
{
    static const char *const regions[] = {"us-east-1"};
    struct dw_policy_scope sc = {.partition = "aws", .account = "123456789012", .regions = regions,
                                 .n_regions = 1, .ip_widest_prefix = 8};
    struct dw_policy_ref ref = {"fuzz", p, false};
    struct dw_policy_ddb_answer a;
    dw_policy_ddb_eval(&ref, 1, &sc, &a);
    if (!a.is_known) {
        dw_policy_ddb_answer_clean_up(&a);
        return;
    }
    bool vn;
    /* Witnesses of the existential answers. */
    if (a.reach && !bf_allowed(p, a.reach_action, a.reach_resource, &vn))
        abort();
    if (a.via_not && (!bf_allowed(p, a.not_action, a.not_resource, &vn) || !vn))
        abort();
    if (a.via_star && !a.star_action)
        abort();
    if (a.reach && !a.total) {
        if (!a.gap_action || bf_allowed(p, a.gap_action, a.gap_resource, &vn) ||
            strncmp(a.gap_resource, BF_PREFIX, strlen(BF_PREFIX)) != 0 ||
            strlen(a.gap_resource) < strlen(BF_PREFIX) + 3)
            abort();
    }
    /* The universal answers, refuted by any request of the universe. */
    char alpha[8];
    size_t na = bf_alphabet(p, alpha);
    char name[8];
    char arn[128];
    for (size_t len = 3; len <= 4; len++) {
        size_t count = 1;
        for (size_t k = 0; k < len; k++)
            count *= na;
        for (size_t idx = 0; idx < count; idx++) {
            size_t x = idx;
            for (size_t k = 0; k < len; k++) {
                name[k] = alpha[x % na];
                x /= na;
            }
            name[len] = '\0';
            snprintf(arn, sizeof(arn), "%s%s", BF_PREFIX, name);
            for (size_t ai = 0; ai < dwp_n_actions; ai++) {
                const char *act = dwp_actions[ai];
                if (!bf_is_ddb(act))
                    continue;
                bool ok = bf_allowed(p, act, arn, &vn);
                if (a.total && !ok)
                    abort(); /* claimed every action on every table */
                if (a.via_star && strcmp(act, a.star_action) == 0 && !ok)
                    abort(); /* claimed this action on every table */
                if (!a.reach && ok)
                    abort(); /* claimed no reach */
                if (!a.via_not && ok && vn)
                    abort(); /* claimed no grant through Not* */
            }
        }
    }
    dw_policy_ddb_answer_clean_up(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw_policy *p = NULL;
    struct dw_error err;
    if (dw_policy_parse_text((const char *)data, size, "fuzz", &p, &err) != DW_OK) {
        if (err.message[0] == '\0')
            abort();
        return 0;
    }
    for (size_t i = 0; i < p->n_stmts; i++) {
        const struct dw_policy_stmt *s = &p->stmts[i];
        char label[64];
        (void)dw_policy_stmt_all_actions(s, "dynamodb");
        (void)dw_policy_stmt_any_action(s, "kms");
        (void)dw_policy_stmt_any_resource(s, "arn:aws:dynamodb:");
        (void)dw_policy_stmt_table_wildcard(s);
        (void)dw_policy_stmt_principal_any(s);
        (void)dw_policy_stmt_principal_not_root(s, "123456789012");
        (void)dw_policy_stmt_limiting_cond(s);
        (void)dw_policy_stmt_label(s, label, sizeof(label));
    }
    if (bf_small(p)) {
        static const char *const regions[] = {"us-east-1"};
        struct dw_policy_scope sc = {.partition = "aws", .account = "123456789012",
                                     .regions = regions, .n_regions = 1, .ip_widest_prefix = 8};
        struct dw_policy_kms_answer k;
        dw_policy_kms_eval(p, &sc, "arn:aws:kms:us-east-1:123456789012:key/k", &k);
        dw_policy_kms_answer_clean_up(&k);
        bf_check(p);
    }
    dw_policy_free(p);
    return 0;
}
