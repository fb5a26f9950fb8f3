/* diff.c: compares two dbward JSON reports, finding by finding, keyed by
 * (account, region, control, resource). It classes each key as a new
 * failure, fixed, changed, or still failing, for CI gates that should fail
 * only on what got worse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/report.h>

/* One member of a finding object, "" when absent (dbward/finding.h reads it). */
#define S_GET(f, field) dw_str_or_empty(s_view(f).field)

static struct dw_finding_view s_view(const json_t *f)
{
    struct dw_finding_view v;
    dw_finding_view_of(f, &v);
    return v;
}

static char *s_key(json_t *f)
{
    struct dw_finding_view v = s_view(f);
    return dw_finding_view_key(&v);
}

/* Indexes findings by key (later duplicates win). Returns a new object of borrowed values. */
static json_t *s_index(json_t *findings)
{
    json_t *idx = json_object();
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f)
    {
        char *k = s_key(f);
        json_object_set(idx, k, f); /* borrows f: the report outlives idx */
        free(k);
    }
    return idx;
}

static void s_line(FILE *out, const char *tag, json_t *o, json_t *n)
{
    json_t *f = n ? n : o;
    fprintf(out, "  %-9s %-7s %-10s %s", tag, S_GET(f, control_id), S_GET(f, region), S_GET(f, resource_id));
    if (o && n && strcmp(S_GET(o, status), S_GET(n, status)) != 0)
        fprintf(out, "  %s -> %s", S_GET(o, status), S_GET(n, status));
    else if (!n)
        fprintf(out, "  %s -> (gone)", S_GET(o, status));
    else if (!o)
        fprintf(out, "  (new) %s", S_GET(n, status));
    fprintf(out, "\n            %s\n", S_GET(f, reason));
}

enum dw_status dw_report_diff(json_t *old_rep, const char *old_src, json_t *new_rep, const char *new_src,
                              bool as_json, FILE *out, size_t *new_failures, struct dw_error *err)
{
    enum dw_status rc = dw_report_doc_check(old_rep, old_src, err);
    if (!rc)
        rc = dw_report_doc_check(new_rep, new_src, err);
    if (rc)
        return rc;
    json_t *oi = s_index(json_object_get(old_rep, "findings"));
    json_t *ni = s_index(json_object_get(new_rep, "findings"));
    json_t *cls[4] = {json_array(), json_array(), json_array(), json_array()};
    static const char *const names[4] = {"new_failures", "fixed", "changed", "still_failing"};
    const char *k;
    json_t *n;
    json_object_foreach(ni, k, n)
    {
        json_t *o = json_object_get(oi, k);
        const char *ns = S_GET(n, status);
        const char *os = o ? S_GET(o, status) : "";
        int c = -1;
        if (!strcmp(ns, "FAIL") && strcmp(os, "FAIL") != 0)
            c = 0;
        else if (!strcmp(ns, "FAIL"))
            c = strcmp(S_GET(o, reason), S_GET(n, reason)) ? 2 : 3;
        else if (!strcmp(os, "FAIL") && (!strcmp(ns, "PASS") || !strcmp(ns, "NOT_APPLICABLE")))
            c = 1;
        else if (o && strcmp(os, ns) != 0)
            c = 2;
        if (c >= 0)
            json_array_append_new(cls[c], json_pack("{s:O?, s:O?}", "old", o, "new", n));
    }
    json_object_foreach(oi, k, n)
    {
        if (!json_object_get(ni, k) && !strcmp(S_GET(n, status), "FAIL"))
            json_array_append_new(cls[1], json_pack("{s:O?, s:n}", "old", n, "new"));
    }
    *new_failures = json_array_size(cls[0]);
    if (as_json) {
        json_t *o = json_object();
        json_object_set_new(o, "old", json_string(old_src));
        json_object_set_new(o, "new", json_string(new_src));
        for (int c = 0; c < 4; c++)
            json_object_set_new(o, names[c], cls[c]); /* steals */
        json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
        fputc('\n', out);
        json_decref(o);
    } else {
        static const char *const titles[4] = {"New failures", "Fixed", "Changed", "Still failing"};
        static const char *const tags[4] = {"NEW", "FIXED", "CHANGED", "STILL"};
        fprintf(out, "dbward diff %s -> %s\n", old_src, new_src);
        for (int c = 0; c < 4; c++) {
            fprintf(out, "\n%s: %zu\n", titles[c], json_array_size(cls[c]));
            size_t i;
            json_t *e;
            json_array_foreach(cls[c], i, e)
            {
                json_t *o = json_object_get(e, "old"), *nn = json_object_get(e, "new");
                s_line(out, tags[c], json_is_null(o) ? NULL : o, json_is_null(nn) ? NULL : nn);
            }
            json_decref(cls[c]);
        }
    }
    json_decref(oi);
    json_decref(ni);
    return ferror(out) ? DW_E_IO : DW_OK;
}
