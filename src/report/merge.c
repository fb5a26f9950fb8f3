/* merge.c: one report from the loaded reports of separate runs (shards of
 * an organization on parallel CI jobs, say), deduplicated by finding key.
 * The result is findings and metadata like any loaded report: the writers
 * write it, and the JSON writer computes its summary again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/report.h>

#include "report/report_util.h"
#include "util/util.h"

/* Adds s to the NULL-terminated list *v of *n strings unless it is there. */
static void s_add(const char ***v, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*v)[i], s) == 0)
            return;
    }
    *v = dw_xrealloc(*v, (*n + 2) * sizeof(**v));
    (*v)[(*n)++] = s;
    (*v)[*n] = NULL;
}

static int s_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool s_same_list(const char *const *a, size_t na, const char *const *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++) {
        if (strcmp(a[i], b[i]) != 0)
            return false;
    }
    return true;
}

static bool s_same_selection(const struct dw_report_meta *a, const struct dw_report_meta *b)
{
    return !a->selection_unknown && !b->selection_unknown && a->severity_mask == b->severity_mask &&
           s_same_list(a->selected, a->n_selected, b->selected, b->n_selected) &&
           s_same_list(a->excluded, a->n_excluded, b->excluded, b->n_excluded);
}

/* The same parameters with the same values, in any order. */
static bool s_same_params(const struct dw_report_meta *a, const struct dw_report_meta *b)
{
    if (a->params_unknown || b->params_unknown || a->n_params != b->n_params)
        return false;
    for (size_t i = 0; i < a->n_params; i++) {
        bool found = false;
        for (size_t k = 0; k < b->n_params && !found; k++)
            found = strcmp(a->params[i].name, b->params[k].name) == 0 &&
                    strcmp(a->params[i].value, b->params[k].value) == 0;
        if (!found)
            return false;
    }
    return true;
}

static bool s_same_str(const char *a, const char *b) { return a == b || (a && b && strcmp(a, b) == 0); }

/* The run record of a merge: the controls any shard evaluated, in order
 * of first sight; selection, parameters and config when every shard
 * agrees on them, else unknown (null). None when a shard has no record. */
static void s_merged_run(const struct dw_report_loaded *const *reports, size_t n, struct dw_report_meta *m,
                         struct dw_report_loaded_int *in)
{
    for (size_t i = 0; i < n; i++) {
        if (!reports[i]->meta.has_run)
            return;
    }
    const struct dw_report_meta *first = &reports[0]->meta;
    m->has_run = true;
    m->selected = first->selected;
    m->n_selected = first->n_selected;
    m->excluded = first->excluded;
    m->n_excluded = first->n_excluded;
    m->severity_mask = first->severity_mask;
    m->selection_unknown = first->selection_unknown;
    m->params = first->params;
    m->n_params = first->n_params;
    m->params_unknown = first->params_unknown;
    m->config_path = first->config_path;
    m->config_sha256 = first->config_sha256;
    const char **ids = NULL;
    for (size_t i = 0; i < n; i++) {
        const struct dw_report_meta *r = &reports[i]->meta;
        for (size_t k = 0; k < r->n_controls; k++)
            s_add(&ids, &m->n_controls, r->controls[k]);
        if (!s_same_selection(first, r))
            m->selection_unknown = true;
        if (!s_same_params(first, r))
            m->params_unknown = true;
        if (!s_same_str(first->config_path, r->config_path) || !s_same_str(first->config_sha256, r->config_sha256))
            m->config_path = m->config_sha256 = NULL;
    }
    m->controls = in->lists[2] = ids;
}

struct dw_report_loaded *dw_report_merge(const struct dw_report_loaded *const *reports,
                                         const char *const *sources, size_t n)
{
    struct dw_report_loaded *out = dw_xcalloc(1, sizeof(*out));
    struct dw_report_loaded_int *in = dw_xcalloc(1, sizeof(*in));
    out->in = in;
    out->tool_version = dw_version();
    struct dw_report_meta *m = &out->meta;
    const char **accounts = NULL, **regions = NULL;
    size_t n_accounts = 0;
    const char *oldest = NULL;
    /* Each key once, in order of first sight; newer evidence wins, and
     * between equal times the later report on the command line. */
    struct dw_finding_index idx = {0};
    for (size_t i = 0; i < n; i++) {
        const struct dw_report_meta *r = &reports[i]->meta;
        if (!oldest || strcmp(r->taken_at, oldest) < 0)
            oldest = r->taken_at;
        for (size_t k = 0; k < r->n_accounts; k++)
            s_add(&accounts, &n_accounts, r->accounts[k]);
        if (!r->n_accounts && r->account_id[0] && strcmp(r->account_id, "multiple") != 0)
            s_add(&accounts, &n_accounts, r->account_id);
        for (size_t k = 0; k < r->n_regions; k++)
            s_add(&regions, &m->n_regions, r->regions[k]);
        const struct dw_findings *fs = &reports[i]->findings;
        for (size_t k = 0; k < fs->n; k++) {
            const struct dw_finding *f = &fs->v[k];
            char *key = dw_finding_key(f->account_id, f->region, f->control->id, f->resource_id);
            bool added;
            struct dw_finding_slot *s = dw_finding_index_at(&idx, key, &added);
            if (added || strcmp(r->taken_at, reports[s->from]->meta.taken_at) >= 0) {
                s->f = f;
                s->from = i;
            }
            free(key);
        }
    }
    /* One control per id, as in any loaded report (the writers group by
     * control): the first merged finding's record of it. */
    struct dw_finding_index ids = {0};
    for (size_t k = 0; k < idx.n; k++) {
        dw_findings_push_copy(&out->findings, idx.v[k].f);
        struct dw_finding *f = &out->findings.v[k];
        bool added;
        struct dw_finding_slot *s = dw_finding_index_at(&ids, f->control->id, &added);
        if (added)
            s->from = k;
        f->control = out->findings.v[s->from].control;
    }
    dw_finding_index_clean_up(&ids);
    dw_finding_index_clean_up(&idx);
    if (accounts)
        qsort(accounts, n_accounts, sizeof(*accounts), s_cmp);
    if (regions)
        qsort(regions, m->n_regions, sizeof(*regions), s_cmp);
    m->accounts = in->lists[0] = accounts;
    m->n_accounts = n_accounts;
    m->account_id = n_accounts == 1 ? accounts[0] : "multiple";
    m->regions = in->lists[1] = regions;
    m->partition = n ? reports[0]->meta.partition : "aws";
    m->taken_at = oldest ? oldest : "";
    m->source = in->source = dw_xasprintf("merge of %zu reports", n);
    const char **from = dw_xcalloc(n + 1, sizeof(*from));
    for (size_t i = 0; i < n; i++)
        from[i] = sources[i];
    m->merged_from = in->lists[3] = from;
    m->n_merged_from = n;
    s_merged_run(reports, n, m, in);
    return out;
}

/* dw_report_merge_stream's state. */
struct s_mstream {
    struct dw_fsrc *spool;
    struct dw_finding_index accounts; /* account -> the report (from) that covers it */
    struct dw_finding_index ids;      /* control id -> ctls[from] */
    const struct dw_control **ctls;
    struct dw_finding_index keys;     /* the finding ids of the report being read */
    size_t report;
    bool overlap;
};

static enum dw_status s_stream_batch(void *user, struct dw_findings *b)
{
    struct s_mstream *ms = user;
    for (size_t k = 0; k < b->n; k++) {
        struct dw_finding *f = &b->v[k];
        const struct dw_finding_slot *acc = dw_finding_index_get(&ms->accounts, dw_str_or_empty(f->account_id));
        char id[33];
        dw_rpt_finding_id(f, id, sizeof(id));
        bool added;
        dw_finding_index_at(&ms->keys, id, &added);
        if (!acc || acc->from != ms->report || !added) {
            /* Another report's account, or a key twice: only the whole
             * merge can say which finding wins. */
            ms->overlap = true;
            return DW_E_USAGE;
        }
        struct dw_finding_slot *c = dw_finding_index_at(&ms->ids, f->control->id, &added);
        if (added) {
            c->from = ms->ids.n - 1;
            ms->ctls = dw_xrealloc(ms->ctls, ms->ids.n * sizeof(*ms->ctls));
            ms->ctls[c->from] = f->control;
        }
        f->control = ms->ctls[c->from];
    }
    return dw_fsrc_add(ms->spool, b);
}

/* The accounts of each report, none in two: false when a report names
 * none, or two name one. */
static bool s_disjoint(struct dw_report_loaded *const *reports, size_t n, struct dw_finding_index *accounts)
{
    for (size_t i = 0; i < n; i++) {
        const struct dw_report_meta *r = &reports[i]->meta;
        const char *one[1] = {r->account_id};
        const char *const *v = r->n_accounts ? r->accounts : one;
        size_t nv = r->n_accounts ? r->n_accounts : 1;
        if (!r->n_accounts && (!r->account_id[0] || strcmp(r->account_id, "multiple") == 0))
            return false;
        for (size_t k = 0; k < nv; k++) {
            bool added;
            struct dw_finding_slot *s = dw_finding_index_at(accounts, v[k], &added);
            if (!added && s->from != i)
                return false;
            s->from = i;
        }
    }
    return true;
}

/* Frees the controls of a report read (and the findings they borrow
 * from) that the merge does not use: every id's first one is the merge's,
 * so a merge of many reports holds one record per control, not one per
 * report. A report opened makes its controls as its findings come, so
 * kept[k] is what controls[k] borrows from. */
static void s_release_unused(struct dw_report_loaded_int *in, const struct dw_control *const *used, size_t n_used)
{
    if (in->n_kept != in->n_controls)
        return; /* not a report opened: its controls are not one a finding */
    size_t w = 0;
    for (size_t k = 0; k < in->n_controls; k++) {
        bool keep = false;
        for (size_t u = 0; u < n_used && !keep; u++)
            keep = used[u] == in->controls[k];
        if (keep) {
            in->controls[w] = in->controls[k];
            in->kept[w++] = in->kept[k];
        } else {
            free(in->controls[k]);
            json_decref(in->kept[k]);
        }
    }
    in->n_controls = in->n_kept = w;
}

enum dw_status dw_report_merge_stream(struct dw_report_loaded *const *reports, const char *const *sources,
                                      size_t n, struct dw_fsrc *spool, struct dw_report_loaded **out,
                                      bool *overlap, struct dw_error *err)
{
    *out = NULL;
    *overlap = false;
    struct s_mstream ms = {.spool = spool};
    enum dw_status rc = DW_OK;
    if (!s_disjoint(reports, n, &ms.accounts)) {
        *overlap = true;
        goto out;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        ms.report = i;
        rc = dw_report_findings(reports[i], 256, s_stream_batch, &ms, err);
        dw_finding_index_clean_up(&ms.keys);
        memset(&ms.keys, 0, sizeof(ms.keys));
        s_release_unused(reports[i]->in, ms.ctls, ms.ids.n);
    }
    if (ms.overlap) {
        *overlap = true;
        rc = DW_OK;
        goto out;
    }
    if (rc && err && !err->message[0])
        dw_error_set(err, rc, "merge", 0, 0, 0, "could not write the findings to a temporary file");
    if (!rc)
        *out = dw_report_merge((const struct dw_report_loaded *const *)reports, sources, n);
out:
    dw_finding_index_clean_up(&ms.accounts);
    dw_finding_index_clean_up(&ms.ids);
    dw_finding_index_clean_up(&ms.keys);
    free(ms.ctls);
    return rc;
}
