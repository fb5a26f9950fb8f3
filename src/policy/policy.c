/* policy.c: parse IAM policy JSON into struct dw_policy and answer set
 * questions about statements. It never decides pass or fail: controls do.
 * Unknown statement elements are errors, so a typo cannot hide a grant. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dbward/policy.h>
#include <dbward/snapshot.h>

#include "util/util.h"

static void s_strs_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void dw_policy_free(struct dw_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_stmts; i++) {
        struct dw_policy_stmt *s = &p->stmts[i];
        free(s->sid);
        s_strs_free(s->actions, s->n_actions);
        s_strs_free(s->resources, s->n_resources);
        for (size_t k = 0; k < s->n_principals; k++) {
            free(s->principals[k].type);
            free(s->principals[k].value);
        }
        free(s->principals);
        for (size_t k = 0; k < s->n_conds; k++) {
            free(s->conds[k].op);
            free(s->conds[k].key);
            s_strs_free(s->conds[k].values, s->conds[k].n_values);
        }
        free(s->conds);
    }
    free(p->stmts);
    free(p);
}

/* Reads a string-or-array-of-strings element. */
static enum dw_status s_strs(json_t *v, char ***out, size_t *n, const char *source, int idx,
                             const char *field, struct dw_error *err)
{
    *out = NULL;
    *n = 0;
    if (json_is_string(v)) {
        *out = dw_xcalloc(1, sizeof(char *));
        (*out)[0] = dw_xstrdup(json_string_value(v));
        *n = 1;
        return DW_OK;
    }
    if (!json_is_array(v) || json_array_size(v) == 0)
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                            "Statement[%d].%s must be a string or a non-empty array of strings",
                            idx, field);
    size_t i;
    json_t *e;
    *out = dw_xcalloc(json_array_size(v), sizeof(char *));
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e)) {
            s_strs_free(*out, *n);
            *out = NULL;
            *n = 0;
            return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                                "Statement[%d].%s[%zu] must be a string", idx, field, i);
        }
        (*out)[(*n)++] = dw_xstrdup(json_string_value(e));
    }
    return DW_OK;
}

static char *s_scalar_str(json_t *v)
{
    if (json_is_string(v))
        return dw_xstrdup(json_string_value(v));
    if (json_is_true(v))
        return dw_xstrdup("true");
    if (json_is_false(v))
        return dw_xstrdup("false");
    if (json_is_integer(v))
        return dw_xasprintf("%lld", (long long)json_integer_value(v));
    if (json_is_real(v))
        return dw_xasprintf("%g", json_real_value(v));
    return NULL;
}

static enum dw_status s_principal(struct dw_policy_stmt *s, json_t *v, const char *source,
                                  struct dw_error *err)
{
    const char *field = s->is_not_principal ? "NotPrincipal" : "Principal";
    s->has_principal = true;
    if (json_is_string(v)) {
        if (strcmp(json_string_value(v), "*") != 0)
            return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                                "Statement[%d].%s as a string must be \"*\"", s->index, field);
        s->principals = dw_xcalloc(1, sizeof(*s->principals));
        s->principals[0].type = dw_xstrdup("*");
        s->principals[0].value = dw_xstrdup("*");
        s->n_principals = 1;
        return DW_OK;
    }
    if (!json_is_object(v))
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                            "Statement[%d].%s must be \"*\" or an object", s->index, field);
    const char *type;
    json_t *ids;
    json_object_foreach(v, type, ids)
    {
        if (strcmp(type, "AWS") != 0 && strcmp(type, "Service") != 0 &&
            strcmp(type, "Federated") != 0 && strcmp(type, "CanonicalUser") != 0)
            return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                                "Statement[%d].%s has an unknown principal type \"%.64s\"",
                                s->index, field, type);
        char **vals = NULL;
        size_t nv = 0;
        enum dw_status rc = s_strs(ids, &vals, &nv, source, s->index, field, err);
        if (rc)
            return rc;
        s->principals = dw_xrealloc(s->principals, (s->n_principals + nv) * sizeof(*s->principals));
        for (size_t k = 0; k < nv; k++) {
            s->principals[s->n_principals].type = dw_xstrdup(type);
            s->principals[s->n_principals].value = vals[k];
            s->n_principals++;
        }
        free(vals);
    }
    return DW_OK;
}

/* The condition operators IAM documents, with an optional ForAnyValue: or
 * ForAllValues: qualifier and an IfExists suffix (not on Null). */
static bool s_known_op(const char *op)
{
    static const char *const ops[] = {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
        "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
        "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
        "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
        "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals",
        "ArnLike", "ArnNotEquals", "ArnNotLike", "Null"};
    if (strncasecmp(op, "ForAnyValue:", 12) == 0)
        op += 12;
    else if (strncasecmp(op, "ForAllValues:", 13) == 0)
        op += 13;
    size_t n = strlen(op);
    bool if_exists = n > 8 && strcasecmp(op + n - 8, "IfExists") == 0;
    if (if_exists)
        n -= 8;
    for (size_t i = 0; i < DW_ARRAY_LEN(ops); i++) {
        if (strlen(ops[i]) == n && strncasecmp(op, ops[i], n) == 0)
            return !(if_exists && strcmp(ops[i], "Null") == 0);
    }
    return false;
}

static enum dw_status s_conditions(struct dw_policy_stmt *s, json_t *v, const char *source,
                                   struct dw_error *err)
{
    if (!json_is_object(v))
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                            "Statement[%d].Condition must be an object", s->index);
    const char *op;
    json_t *block;
    json_object_foreach(v, op, block)
    {
        if (!s_known_op(op))
            return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                                "Statement[%d].Condition has an unknown operator \"%.64s\"",
                                s->index, op);
        if (!json_is_object(block))
            return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                                "Statement[%d].Condition.%s must be an object", s->index, op);
        const char *key;
        json_t *vals;
        json_object_foreach(block, key, vals)
        {
            s->conds = dw_xrealloc(s->conds, (s->n_conds + 1) * sizeof(*s->conds));
            struct dw_policy_cond *c = &s->conds[s->n_conds++];
            memset(c, 0, sizeof(*c));
            c->op = dw_xstrdup(op);
            c->key = dw_xstrdup(key);
            json_t *one = vals;
            size_t count = json_is_array(vals) ? json_array_size(vals) : 1;
            c->values = dw_xcalloc(count, sizeof(char *));
            for (size_t i = 0; i < count; i++) {
                if (json_is_array(vals))
                    one = json_array_get(vals, i);
                char *sv = s_scalar_str(one);
                if (!sv)
                    return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                                        "Statement[%d].Condition.%s.%s holds a value that is not "
                                        "a string, number or boolean",
                                        s->index, op, key);
                c->values[c->n_values++] = sv;
            }
        }
    }
    return DW_OK;
}

static enum dw_status s_stmt(struct dw_policy_stmt *s, json_t *j, const char *source,
                             struct dw_error *err)
{
    enum dw_status rc = DW_OK;
    bool has_effect = false;
    bool has_action = false;
    if (!json_is_object(j))
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0, "Statement[%d] must be an object",
                            s->index);
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        if (strcmp(k, "Sid") == 0) {
            if (!json_is_string(v))
                return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                                    "Statement[%d].Sid must be a string", s->index);
            s->sid = dw_xstrdup(json_string_value(v));
        } else if (strcmp(k, "Effect") == 0) {
            const char *e = json_string_value(v);
            if (!e || (strcmp(e, "Allow") != 0 && strcmp(e, "Deny") != 0))
                return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                                    "Statement[%d].Effect must be \"Allow\" or \"Deny\"", s->index);
            s->is_allow = strcmp(e, "Allow") == 0;
            has_effect = true;
        } else if (strcmp(k, "Action") == 0 || strcmp(k, "NotAction") == 0) {
            if (has_action)
                return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                                    "Statement[%d] has both Action and NotAction", s->index);
            has_action = true;
            s->is_not_action = k[0] == 'N';
            rc = s_strs(v, &s->actions, &s->n_actions, source, s->index, k, err);
        } else if (strcmp(k, "Resource") == 0 || strcmp(k, "NotResource") == 0) {
            if (s->has_resource)
                return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                                    "Statement[%d] has both Resource and NotResource", s->index);
            s->has_resource = true;
            s->is_not_resource = k[0] == 'N';
            rc = s_strs(v, &s->resources, &s->n_resources, source, s->index, k, err);
        } else if (strcmp(k, "Principal") == 0 || strcmp(k, "NotPrincipal") == 0) {
            if (s->has_principal)
                return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                                    "Statement[%d] has both Principal and NotPrincipal", s->index);
            s->is_not_principal = k[0] == 'N';
            rc = s_principal(s, v, source, err);
        } else if (strcmp(k, "Condition") == 0) {
            rc = s_conditions(s, v, source, err);
        } else {
            return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                                "Statement[%d] has an unknown element \"%.64s\"", s->index, k);
        }
        if (rc)
            return rc;
    }
    if (!has_effect)
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0, "Statement[%d] has no Effect",
                            s->index);
    if (!has_action)
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                            "Statement[%d] has neither Action nor NotAction", s->index);
    return DW_OK;
}

enum dw_status dw_policy_parse(json_t *doc, const char *source, struct dw_policy **out,
                               struct dw_error *err)
{
    enum dw_status rc = DW_OK;
    struct dw_policy *p = NULL;
    *out = NULL;
    if (json_is_string(doc))
        return dw_policy_parse_text(json_string_value(doc), json_string_length(doc), source, out,
                                    err);
    if (!json_is_object(doc))
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                            "a policy must be a JSON object or a string holding one");
    const char *k;
    json_t *v;
    json_object_foreach(doc, k, v)
    {
        if (strcmp(k, "Version") != 0 && strcmp(k, "Id") != 0 && strcmp(k, "Statement") != 0)
            return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                                "the policy has an unknown element \"%.64s\"", k);
    }
    json_t *ver = json_object_get(doc, "Version");
    if (ver && !json_is_string(ver))
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0, "the policy's Version must be a string");
    if (json_object_get(doc, "Id") && !json_is_string(json_object_get(doc, "Id")))
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0, "the policy's Id must be a string");
    json_t *st = json_object_get(doc, "Statement");
    if (!st)
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0, "the policy has no Statement");
    size_t n = json_is_array(st) ? json_array_size(st) : 1;
    p = dw_xcalloc(1, sizeof(*p));
    p->stmts = dw_xcalloc(n, sizeof(*p->stmts));
    for (size_t i = 0; i < n; i++) {
        struct dw_policy_stmt *s = &p->stmts[p->n_stmts++];
        s->index = (int)i;
        rc = s_stmt(s, json_is_array(st) ? json_array_get(st, i) : st, source, err);
        if (rc)
            goto out;
    }
out:
    if (rc) {
        dw_policy_free(p);
        p = NULL;
    }
    *out = p;
    return rc;
}

enum dw_status dw_policy_parse_text(const char *text, size_t len, const char *source,
                                    struct dw_policy **out, struct dw_error *err)
{
    enum dw_status rc;
    json_t *j = NULL;
    char *dec = NULL;
    size_t i = 0;
    while (i < len && isspace((unsigned char)text[i]))
        i++;
    /* The IAM API returns documents URL-encoded ("%7B%22Version..."). */
    if (i < len && text[i] == '%') {
        dec = dw_xmalloc(len + 1);
        size_t o = 0;
        for (size_t k = 0; k < len; k++) {
            if (text[k] == '%') {
                if (k + 2 >= len || dw_hex_digit(text[k + 1]) < 0 || dw_hex_digit(text[k + 2]) < 0) {
                    free(dec);
                    return dw_error_set(err, DW_E_PARSE, source, 0, 0, k,
                                        "malformed URL-encoding: '%%' at byte %zu is not "
                                        "followed by two hex digits", k);
                }
                dec[o++] = (char)(dw_hex_digit(text[k + 1]) * 16 + dw_hex_digit(text[k + 2]));
                k += 2;
            } else if (text[k] == '+') {
                dec[o++] = ' ';
            } else {
                dec[o++] = text[k];
            }
        }
        text = dec;
        len = o;
    }
    rc = dw_json_load_buffer(text, len, source, &j, err);
    if (rc == DW_OK)
        rc = dw_policy_parse(json_is_string(j) ? NULL : j, source, out, err);
    json_decref(j);
    free(dec);
    return rc;
}

bool dw_policy_stmt_all_actions(const struct dw_policy_stmt *s, const char *svc)
{
    char *prefix = dw_xasprintf("%s:", svc);
    bool r = false;
    for (size_t i = 0; i < s->n_actions; i++) {
        bool hit = s->is_not_action ? dw_glob_meets_prefix(s->actions[i], prefix, true)
                                    : dw_glob_covers_prefix(s->actions[i], prefix, true);
        if (hit) {
            r = true;
            break;
        }
    }
    free(prefix);
    /* NotAction: every action of svc is granted only if no pattern touches svc. */
    return s->is_not_action ? !r : r;
}

bool dw_policy_stmt_any_action(const struct dw_policy_stmt *s, const char *svc)
{
    char *prefix = dw_xasprintf("%s:", svc);
    bool r = false;
    for (size_t i = 0; i < s->n_actions; i++) {
        bool hit = s->is_not_action ? dw_glob_covers_prefix(s->actions[i], prefix, true)
                                    : dw_glob_meets_prefix(s->actions[i], prefix, true);
        if (hit) {
            r = true;
            break;
        }
    }
    free(prefix);
    return s->is_not_action ? !r : r;
}

bool dw_policy_stmt_any_resource(const struct dw_policy_stmt *s, const char *prefix)
{
    if (!s->has_resource)
        return true;
    bool r = false;
    for (size_t i = 0; i < s->n_resources; i++) {
        bool hit = s->is_not_resource ? dw_glob_covers_prefix(s->resources[i], prefix, false)
                                      : dw_glob_meets_prefix(s->resources[i], prefix, false);
        if (hit) {
            r = true;
            break;
        }
    }
    return s->is_not_resource ? !r : r;
}

/* A concrete string the glob field matches: wildcards dropped, '?' -> 'x'. */
static void s_concretise(struct dw_buf *b, const char *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (f[i] == '?')
            dw_buf_puts(b, "x");
        else if (f[i] != '*')
            dw_buf_append(b, &f[i], 1);
    }
}

static bool s_is_table_wildcard(const char *pat)
{
    /* Split "arn:partition:service:region:account:resource" at the first five
     * colons; build the ARN prefix of "every table" in the account and region
     * the pattern names, and ask whether the pattern covers it. */
    const char *f[6] = {0};
    size_t flen[6] = {0};
    size_t nf = 0;
    const char *p = pat;
    while (nf < 6) {
        f[nf] = p;
        const char *c = nf < 5 ? strchr(p, ':') : NULL;
        flen[nf] = c ? (size_t)(c - p) : strlen(p);
        nf++;
        if (!c)
            break;
        p = c + 1;
    }
    if (nf >= 3) {
        char *svc = dw_xstrndup(f[2], flen[2]);
        bool is_ddb = dw_glob_match(svc, "dynamodb", false);
        free(svc);
        if (!is_ddb)
            return false;
    }
    struct dw_buf b;
    dw_buf_init(&b, 4096);
    dw_buf_puts(&b, "arn:");
    for (size_t i = 1; i <= 4; i++) {
        if (i < nf)
            s_concretise(&b, f[i], flen[i]);
        if (i == 2 && (i >= nf || flen[i] == 0))
            dw_buf_puts(&b, "dynamodb");
        else if (i >= nf || flen[i] == 0)
            dw_buf_puts(&b, "x");
        dw_buf_puts(&b, ":");
    }
    /* Table names are 3+ characters of [A-Za-z0-9_.-]; \x01 can only be
     * matched by a wildcard, so "table/?*" counts as every table but
     * "table/o*" does not. */
    dw_buf_puts(&b, "table/\x01\x01\x01");
    char *prefix = dw_buf_steal(&b);
    bool r = prefix && dw_glob_covers_prefix(pat, prefix, false);
    free(prefix);
    return r;
}

const char *dw_policy_stmt_table_wildcard(const struct dw_policy_stmt *s)
{
    if (!s->has_resource)
        return "(no Resource element)";
    if (s->is_not_resource)
        return dw_policy_stmt_any_resource(s, "arn:aws:dynamodb:") ? s->resources[0] : NULL;
    for (size_t i = 0; i < s->n_resources; i++) {
        if (s_is_table_wildcard(s->resources[i]))
            return s->resources[i];
    }
    return NULL;
}

bool dw_policy_stmt_principal_any(const struct dw_policy_stmt *s)
{
    if (!s->has_principal)
        return false;
    if (s->is_not_principal)
        return true;
    for (size_t i = 0; i < s->n_principals; i++) {
        const struct dw_policy_principal *p = &s->principals[i];
        if (strcmp(p->value, "*") == 0 && (strcmp(p->type, "*") == 0 || strcmp(p->type, "AWS") == 0))
            return true;
    }
    return false;
}

const struct dw_policy_principal *dw_policy_stmt_principal_not_root(const struct dw_policy_stmt *s,
                                                                     const char *account_id)
{
    static const struct dw_policy_principal s_everyone = {"*", "*"};
    if (s->is_not_principal)
        return &s_everyone;
    for (size_t i = 0; i < s->n_principals; i++) {
        const struct dw_policy_principal *p = &s->principals[i];
        if (strcmp(p->type, "AWS") == 0) {
            if (strcmp(p->value, account_id) == 0)
                continue;
            const char *tail = strstr(p->value, ":iam::");
            if (strncmp(p->value, "arn:", 4) == 0 && tail &&
                strncmp(tail + 6, account_id, strlen(account_id)) == 0 &&
                strcmp(tail + 6 + strlen(account_id), ":root") == 0)
                continue;
        }
        return p;
    }
    return NULL;
}

static bool s_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    }
    return *a == *b;
}

const struct dw_policy_cond *dw_policy_stmt_limiting_cond(const struct dw_policy_stmt *s)
{
    static const char *const keys[] = {
        "aws:SourceAccount", "aws:SourceArn",  "aws:SourceOwner",      "aws:PrincipalAccount",
        "aws:PrincipalArn",  "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:SourceVpc",
        "aws:SourceVpce",    "aws:SourceIp",   "aws:userid",           "aws:username",
        "kms:CallerAccount",
    };
    static const char *const ops[] = {"StringEquals", "StringEqualsIgnoreCase", "StringLike",
                                      "ArnEquals",    "ArnLike",                "IpAddress"};
    for (size_t i = 0; i < s->n_conds; i++) {
        const struct dw_policy_cond *c = &s->conds[i];
        const char *op = c->op;
        /* Set qualifiers keep the meaning for single-valued keys; IfExists
         * lets a request without the key through, so it does not limit. */
        if (strncmp(op, "ForAnyValue:", 12) == 0)
            op += 12;
        else if (strncmp(op, "ForAllValues:", 13) == 0)
            continue; /* true when the key is absent: not limiting */
        bool op_ok = false;
        for (size_t k = 0; k < DW_ARRAY_LEN(ops); k++)
            op_ok = op_ok || strcmp(op, ops[k]) == 0;
        bool key_ok = false;
        for (size_t k = 0; k < DW_ARRAY_LEN(keys); k++)
            key_ok = key_ok || s_ieq(c->key, keys[k]);
        if (!op_ok || !key_ok || c->n_values == 0)
            continue;
        bool all_wild = true;
        for (size_t k = 0; k < c->n_values; k++) {
            const char *v = c->values[k];
            bool wild = strcmp(v, "*") == 0 || strcmp(v, "0.0.0.0/0") == 0 || strcmp(v, "::/0") == 0;
            all_wild = all_wild && wild;
        }
        if (!all_wild)
            return c;
    }
    return NULL;
}

const char *dw_policy_stmt_label(const struct dw_policy_stmt *s, char *buf, size_t buflen)
{
    if (s->sid && *s->sid)
        snprintf(buf, buflen, "\"%s\"", s->sid);
    else
        snprintf(buf, buflen, "#%d", s->index + 1);
    return buf;
}
