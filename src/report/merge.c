/* merge.c: one report from the JSON reports of separate runs (shards of an
 * organization on parallel CI jobs, say), deduplicated, with the summary
 * computed again from the merged findings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/report.h>

#include "util/util.h"

static const char *s_str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* Adds each string of arr to set (an object used as an ordered set). */
static void s_union(json_t *set, json_t *arr)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v))
            json_object_set_new(set, json_string_value(v), json_true());
    }
}

static int s_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static json_t *s_sorted_keys(json_t *set)
{
    size_t n = json_object_size(set), k = 0;
    const char **v = dw_xcalloc(n ? n : 1, sizeof(*v));
    const char *key;
    json_t *val;
    json_object_foreach(set, key, val) v[k++] = key;
    qsort(v, n, sizeof(*v), s_cmp);
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_string(v[i]));
    free(v);
    return arr;
}

/* The run record of a merge: the controls any shard evaluated, in order
 * of first sight; selection, parameters and config when every shard
 * agrees on them, else null. NULL when a shard has no record. */
static json_t *s_merged_run(json_t *const *reports, size_t n)
{
    json_t *run = json_object(), *ids = json_array(), *seen = json_object();
    static const char *const same[] = {"selection", "params", "config"};
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_object_get(reports[i], "run");
        if (!json_is_object(r)) {
            json_decref(run);
            json_decref(ids);
            json_decref(seen);
            return NULL;
        }
        size_t k;
        json_t *v;
        json_array_foreach(json_object_get(r, "controls"), k, v)
        {
            const char *id = json_string_value(v);
            if (id && !json_object_get(seen, id)) {
                json_object_set_new(seen, id, json_true());
                json_array_append_new(ids, json_string(id));
            }
        }
        for (size_t m = 0; m < sizeof(same) / sizeof(same[0]); m++) {
            json_t *x = json_object_get(r, same[m]);
            if (i == 0)
                json_object_set_new(run, same[m], x ? json_deep_copy(x) : json_null());
            else if (!json_equal(json_object_get(run, same[m]), x ? x : json_null()))
                json_object_set_new(run, same[m], json_null());
        }
    }
    json_object_set_new(run, "controls", ids);
    json_decref(seen);
    return run;
}

/* A finding as the merged report (the current schema) holds it, a new
 * reference: itself, or for a schema 1 finding, which has no "nist_csf2",
 * a copy with the CSF 2.0 ids: the control's own answer when the catalog
 * gives it one (an override), else the table's answer for the 1.1 ids the
 * report recorded. */
static json_t *s_current(json_t *f)
{
    struct dw_finding_view fv;
    dw_finding_view_of(f, &fv);
    if (fv.nist_csf2)
        return json_incref(f);
    const char *ids[16];
    size_t n = 0;
    size_t i;
    json_t *v;
    json_array_foreach((json_t *)fv.nist_csf, i, v)
    {
        if (json_is_string(v) && n < DW_ARRAY_LEN(ids))
            ids[n++] = json_string_value(v);
    }
    struct dw_csf_list l;
    const struct dw_control *c = fv.control_id ? dw_catalog_find(fv.control_id) : NULL;
    if (c && c->nist_csf2[0])
        dw_control_csf2(c, &l);
    else
        dw_csf2_of(ids, n, &l);
    json_t *copy = json_copy(f);
    json_t *csf2 = json_array();
    for (size_t k = 0; k < l.n; k++)
        json_array_append_new(csf2, json_string(l.v[k]));
    json_object_set_new(copy, "nist_csf2", csf2);
    return copy;
}

enum dw_status dw_report_merge(json_t *const *reports, const char *const *sources, size_t n, json_t **out,
                               struct dw_error *err)
{
    *out = NULL;
    for (size_t i = 0; i < n; i++) {
        enum dw_status rc = dw_report_doc_check(reports[i], sources[i], err);
        if (rc)
            return rc;
    }
    /* key -> {"f": finding, "t": taken_at of its report}; newer evidence wins,
     * and between equal times the later report on the command line. */
    json_t *byk = json_object();
    json_t *order = json_array();
    json_t *accounts = json_object(), *regions = json_object(), *srcs = json_array();
    const char *oldest = NULL, *partition = NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *r = reports[i];
        const char *taken = s_str(r, "taken_at");
        if (!oldest || strcmp(taken, oldest) < 0)
            oldest = taken;
        if (!partition)
            partition = s_str(r, "partition");
        json_array_append_new(srcs, json_string(sources[i]));
        s_union(accounts, json_object_get(r, "accounts"));
        if (!json_array_size(json_object_get(r, "accounts")) && s_str(r, "account_id")[0] &&
            strcmp(s_str(r, "account_id"), "multiple") != 0)
            json_object_set_new(accounts, s_str(r, "account_id"), json_true());
        s_union(regions, json_object_get(r, "regions"));
        for (size_t k = 0; k < dw_report_doc_count(r); k++) {
            struct dw_finding_view fv;
            dw_report_doc_finding(r, k, &fv);
            json_t *f = s_current((json_t *)fv.raw); /* kept whole in the merged report */
            char *key = dw_finding_view_key(&fv);
            json_t *had = json_object_get(byk, key);
            if (!had) {
                json_array_append_new(order, json_string(key));
                json_object_set_new(byk, key, json_pack("{s:O, s:s}", "f", f, "t", taken));
            } else if (strcmp(taken, s_str(had, "t")) >= 0) {
                json_object_set_new(byk, key, json_pack("{s:O, s:s}", "f", f, "t", taken));
            }
            free(key);
            json_decref(f);
        }
    }
    json_t *findings = json_array();
    size_t k;
    json_t *key;
    size_t by_status[DW_RESULT_COUNT] = {0};
    size_t by_sev[DW_SEV_COUNT][DW_RESULT_COUNT];
    memset(by_sev, 0, sizeof(by_sev));
    json_array_foreach(order, k, key)
    {
        json_t *f = json_object_get(json_object_get(byk, json_string_value(key)), "f");
        json_array_append(findings, f);
        struct dw_finding_view fv;
        dw_finding_view_of(f, &fv);
        for (int s = 0; s < DW_RESULT_COUNT; s++) {
            if (strcmp(dw_str_or_empty(fv.status), dw_result_str((enum dw_result)s)) != 0)
                continue;
            by_status[s]++;
            enum dw_severity sev;
            if (dw_severity_parse(dw_str_or_empty(fv.severity), &sev))
                by_sev[sev][s]++;
        }
    }
    json_t *root = json_object();
    json_object_set_new(root, "tool", json_pack("{s:s, s:s, s:s}", "name", "dbward", "version", dw_version(),
                                                "commit", dw_git_commit()));
    json_object_set_new(root, "schema_version", json_integer(DW_REPORT_SCHEMA_VERSION));
    json_t *acc = s_sorted_keys(accounts);
    json_object_set_new(root, "account_id", json_string(json_array_size(acc) == 1 ? json_string_value(json_array_get(acc, 0))
                                                                                  : "multiple"));
    json_object_set_new(root, "accounts", acc);
    json_object_set_new(root, "partition", json_string(partition ? partition : "aws"));
    json_object_set_new(root, "regions", s_sorted_keys(regions));
    json_object_set_new(root, "taken_at", json_string(oldest ? oldest : ""));
    char *src = dw_xasprintf("merge of %zu reports", n);
    json_object_set_new(root, "source", json_string(src));
    free(src);
    json_object_set_new(root, "merged_from", srcs);
    json_t *run = s_merged_run(reports, n);
    if (run)
        json_object_set_new(root, "run", run);
    json_object_set_new(root, "findings", findings);
    json_t *bys = json_object(), *bysev = json_object();
    for (int s = 0; s < DW_RESULT_COUNT; s++)
        json_object_set_new(bys, dw_result_str((enum dw_result)s), json_integer((json_int_t)by_status[s]));
    for (int v = 0; v < DW_SEV_COUNT; v++) {
        json_t *one = json_object();
        for (int s = 0; s < DW_RESULT_COUNT; s++)
            json_object_set_new(one, dw_result_str((enum dw_result)s), json_integer((json_int_t)by_sev[v][s]));
        json_object_set_new(bysev, dw_severity_str((enum dw_severity)v), one);
    }
    json_object_set_new(root, "summary", json_pack("{s:I, s:o, s:o}", "total", (json_int_t)json_array_size(findings),
                                                   "by_status", bys, "by_severity", bysev));
    json_decref(byk);
    json_decref(order);
    json_decref(accounts);
    json_decref(regions);
    *out = root;
    return DW_OK;
}
