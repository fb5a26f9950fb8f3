/* diff.c: compares two dbward JSON reports, finding by finding, keyed by
 * (account, region, control, resource). It classes each key as a new
 * failure, fixed, changed, or still failing, for CI gates that should fail
 * only on what got worse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/report.h>

#include "util/util.h"

/* One member of a finding object, "" when absent (dbward/finding.h reads it). */
#define S_GET(f, field) dw_str_or_empty(s_view(f).field)

static struct dw_finding_view s_view(const json_t *f)
{
    struct dw_finding_view v;
    dw_finding_view_of(f, &v);
    return v;
}

static char *s_key(json_t *f, bool cross_account)
{
    struct dw_finding_view v = s_view(f);
    if (cross_account)
        v.account_id = NULL;
    return dw_finding_view_key(&v);
}

/* Indexes findings by key (later duplicates win). Returns a new object of borrowed values. */
static json_t *s_index(json_t *findings, bool cross_account)
{
    json_t *idx = json_object();
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f)
    {
        char *k = s_key(f, cross_account);
        json_object_set(idx, k, f); /* borrows f: the report outlives idx */
        free(k);
    }
    return idx;
}

static bool s_in(const json_t *arr, const char *s)
{
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (json_string_value(v) && strcmp(json_string_value(v), s) == 0)
            return true;
    }
    return false;
}

/* The accounts of a report: its accounts array, or its account_id. */
static json_t *s_accounts(json_t *rep)
{
    struct dw_report_doc_meta m;
    dw_report_doc_meta_of(rep, &m);
    if (json_array_size(m.accounts))
        return json_incref((json_t *)m.accounts);
    json_t *a = json_array();
    if (m.account_id)
        json_array_append_new(a, json_string(m.account_id));
    return a;
}

/* True when rep evaluated the finding's control in its account and region:
 * a finding outside that scope says nothing about rep. */
static bool s_in_scope(json_t *rep, json_t *accounts, json_t *f, bool cross_account)
{
    struct dw_finding_view v = s_view(f);
    struct dw_report_doc_meta m;
    dw_report_doc_meta_of(rep, &m);
    if (!dw_report_doc_evaluated(rep, v.control_id))
        return false;
    const char *region = dw_str_or_empty(v.region);
    if (strcmp(region, "global") != 0 && json_array_size(m.regions) && !s_in(m.regions, region))
        return false;
    return cross_account || !json_array_size(accounts) || s_in(accounts, dw_str_or_empty(v.account_id));
}

static bool s_same_set(const json_t *a, const json_t *b)
{
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
    {
        if (json_string_value(v) && !s_in(b, json_string_value(v)))
            return false;
    }
    json_array_foreach(b, i, v)
    {
        if (json_string_value(v) && !s_in(a, json_string_value(v)))
            return false;
    }
    return true;
}

static void s_join(char *out, size_t len, const json_t *arr)
{
    size_t i, used = 0;
    const json_t *v;
    out[0] = '\0';
    json_array_foreach(arr, i, v)
    {
        int w = snprintf(out + used, len - used, "%s%s", i ? ", " : "", dw_str_or_empty(json_string_value(v)));
        if (w < 0 || (size_t)w >= len - used)
            break;
        used += (size_t)w;
    }
}

static void s_line(FILE *out, const char *tag, json_t *o, json_t *n, const char *gone)
{
    json_t *f = n ? n : o;
    fprintf(out, "  %-9s %-7s %-10s %s", tag, S_GET(f, control_id), S_GET(f, region), S_GET(f, resource_id));
    if (o && n && strcmp(S_GET(o, status), S_GET(n, status)) != 0)
        fprintf(out, "  %s -> %s", S_GET(o, status), S_GET(n, status));
    else if (!n)
        fprintf(out, "  %s -> %s", S_GET(o, status), gone);
    else if (!o)
        fprintf(out, "  (new) %s", S_GET(n, status));
    fprintf(out, "\n            %s\n", S_GET(f, reason));
}

enum dw_status dw_report_diff(json_t *old_rep, const char *old_src, json_t *new_rep, const char *new_src,
                              const struct dw_diff_opts *opts, FILE *out, size_t *new_failures, struct dw_error *err)
{
    enum dw_status rc = dw_report_doc_check(old_rep, old_src, err);
    if (!rc)
        rc = dw_report_doc_check(new_rep, new_src, err);
    if (rc)
        return rc;
    bool cross = opts->cross_account;
    json_t *oa = s_accounts(old_rep), *na = s_accounts(new_rep);
    if (!cross && !s_same_set(oa, na)) {
        char o[256], n[256];
        s_join(o, sizeof(o), oa);
        s_join(n, sizeof(n), na);
        json_decref(oa);
        json_decref(na);
        return dw_error_set(err, DW_E_USAGE, "", 0, 0, 0,
                            "%s covers account %s and %s covers account %s: diff compares an account with "
                            "itself (--cross-account compares them anyway)", old_src, o, new_src, n);
    }
    json_t *oi = s_index(json_object_get(old_rep, "findings"), cross);
    json_t *ni = s_index(json_object_get(new_rep, "findings"), cross);
    enum { NEW, FIXED, CHANGED, STILL, NOT_IN_NEW, NEW_ONLY, N_CLASSES };
    json_t *cls[N_CLASSES];
    for (int c = 0; c < N_CLASSES; c++)
        cls[c] = json_array();
    static const char *const names[N_CLASSES] = {"new_failures", "fixed", "changed", "still_failing",
                                                 "not_evaluated_in_new", "evaluated_in_new_only"};
    const char *k;
    json_t *n;
    json_object_foreach(ni, k, n)
    {
        json_t *o = json_object_get(oi, k);
        const char *ns = S_GET(n, status);
        const char *os = o ? S_GET(o, status) : "";
        int c = -1;
        if (!o && !strcmp(ns, "FAIL") && !s_in_scope(old_rep, oa, n, cross))
            c = NEW_ONLY;
        else if (!strcmp(ns, "FAIL") && strcmp(os, "FAIL") != 0)
            c = NEW;
        else if (!strcmp(ns, "FAIL"))
            c = strcmp(S_GET(o, reason), S_GET(n, reason)) ? CHANGED : STILL;
        else if (!strcmp(os, "FAIL") && (!strcmp(ns, "PASS") || !strcmp(ns, "NOT_APPLICABLE")))
            c = FIXED;
        else if (o && strcmp(os, ns) != 0)
            c = CHANGED;
        if (c >= 0)
            json_array_append_new(cls[c], json_pack("{s:O?, s:O?}", "old", o, "new", n));
    }
    json_object_foreach(oi, k, n)
    {
        if (json_object_get(ni, k) || strcmp(S_GET(n, status), "FAIL") != 0)
            continue;
        /* Gone from NEW: fixed only if NEW looked (the control ran there, in
         * that account and region); otherwise NEW says nothing about it. */
        int c = s_in_scope(new_rep, na, n, cross) ? FIXED : NOT_IN_NEW;
        json_array_append_new(cls[c], json_pack("{s:O?, s:n}", "old", n, "new"));
    }
    *new_failures = json_array_size(cls[NEW]);
    if (opts->as_json) {
        /* The diff is itself a dbward report (dbward report renders it in
         * any format): NEW's metadata, and as findings NEW's side of every
         * entry that has one, each with the class it falls in ("diff"). */
        json_t *o = json_object();
        json_object_set_new(o, "tool", json_pack("{s:s, s:s, s:s}", "name", "dbward", "version", dw_version(),
                                                 "commit", dw_git_commit()));
        json_object_set(o, "schema_version", json_object_get(new_rep, "schema_version"));
        static const char *const copied[] = {"account_id", "accounts", "partition", "regions", "taken_at", "run"};
        for (size_t m = 0; m < sizeof(copied) / sizeof(copied[0]); m++) {
            json_t *v = json_object_get(new_rep, copied[m]);
            if (v)
                json_object_set_new(o, copied[m], json_deep_copy(v));
        }
        char *src = dw_xasprintf("diff %s -> %s", old_src, new_src);
        json_object_set_new(o, "source", json_string(src));
        free(src);
        json_object_set_new(o, "old", json_string(old_src));
        json_object_set_new(o, "new", json_string(new_src));
        for (int c = 0; c < N_CLASSES; c++)
            json_object_set(o, names[c], cls[c]);
        json_t *fs = json_array();
        for (int c = 0; c < N_CLASSES; c++) {
            size_t i;
            json_t *e;
            json_array_foreach(cls[c], i, e)
            {
                json_t *nn = json_object_get(e, "new");
                if (!json_is_object(nn))
                    continue;
                json_t *copy = json_deep_copy(nn);
                json_object_set_new(copy, "diff", json_string(names[c]));
                json_array_append_new(fs, copy);
            }
            json_decref(cls[c]);
        }
        json_object_set_new(o, "findings", fs);
        json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
        fputc('\n', out);
        json_decref(o);
    } else {
        static const char *const titles[N_CLASSES] = {
            "New failures", "Fixed", "Changed", "Still failing", "Not evaluated in NEW (a failure of OLD whose "
            "control, account or region NEW did not evaluate; not counted as fixed)",
            "Evaluated in NEW only (failures of a control, account or region OLD did not evaluate; not counted "
            "as new)"};
        static const char *const tags[N_CLASSES] = {"NEW", "FIXED", "CHANGED", "STILL", "NOT-RUN", "NEW-SCOPE"};
        fprintf(out, "dbward diff %s -> %s\n", old_src, new_src);
        for (int c = 0; c < N_CLASSES; c++) {
            if (c >= NOT_IN_NEW && !json_array_size(cls[c])) {
                json_decref(cls[c]);
                continue;
            }
            fprintf(out, "\n%s: %zu\n", titles[c], json_array_size(cls[c]));
            size_t i;
            json_t *e;
            json_array_foreach(cls[c], i, e)
            {
                json_t *o = json_object_get(e, "old"), *nn = json_object_get(e, "new");
                s_line(out, tags[c], json_is_null(o) ? NULL : o, json_is_null(nn) ? NULL : nn,
                       c == NOT_IN_NEW ? "(not evaluated)" : "(gone)");
            }
            json_decref(cls[c]);
        }
    }
    json_decref(oi);
    json_decref(ni);
    json_decref(oa);
    json_decref(na);
    return ferror(out) ? DW_E_IO : DW_OK;
}
