/* diff.c: compares two loaded reports, finding by finding, keyed by
 * (account, region, control, resource). It classes each key as a new
 * failure, fixed, changed, or still failing, for CI gates that should fail
 * only on what got worse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dbward/report.h>

#include "util/util.h"

/* Indexes a report's findings by key (later duplicates win, in the place
 * of the first). */
static void s_index(const struct dw_findings *fs, bool cross_account, struct dw_finding_index *idx)
{
    for (size_t i = 0; i < fs->n; i++) {
        const struct dw_finding *f = &fs->v[i];
        char *k = dw_finding_key(cross_account ? NULL : f->account_id, f->region, f->control->id, f->resource_id);
        bool added;
        dw_finding_index_at(idx, k, &added)->f = f;
        free(k);
    }
}

struct s_list {
    const char *const *v;
    size_t n;
};

static bool s_in(struct s_list l, const char *s)
{
    for (size_t i = 0; i < l.n; i++) {
        if (strcmp(l.v[i], s) == 0)
            return true;
    }
    return false;
}

/* The accounts of a report: its accounts, or its account_id (one points
 * into *one). */
static struct s_list s_accounts(const struct dw_report_meta *m, const char **one)
{
    if (m->n_accounts)
        return (struct s_list){m->accounts, m->n_accounts};
    *one = m->account_id;
    return (struct s_list){one, m->account_id[0] ? 1 : 0};
}

/* True when the report evaluated the finding's control in its account and
 * region: a finding outside that scope says nothing about the report. A
 * report without a run record is taken to have evaluated every control. */
static bool s_in_scope(const struct dw_report_meta *m, struct s_list accounts, const struct dw_finding *f,
                       bool cross_account)
{
    bool evaluated = !m->has_run || !m->n_controls;
    for (size_t i = 0; i < m->n_controls && !evaluated; i++)
        evaluated = strcasecmp(m->controls[i], f->control->id) == 0;
    if (!evaluated)
        return false;
    if (strcmp(f->region, "global") != 0 && m->n_regions && !s_in((struct s_list){m->regions, m->n_regions}, f->region))
        return false;
    return cross_account || !accounts.n || s_in(accounts, f->account_id);
}

static bool s_same_set(struct s_list a, struct s_list b)
{
    for (size_t i = 0; i < a.n; i++) {
        if (!s_in(b, a.v[i]))
            return false;
    }
    for (size_t i = 0; i < b.n; i++) {
        if (!s_in(a, b.v[i]))
            return false;
    }
    return true;
}

static void s_join(char *out, size_t len, struct s_list l)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < l.n; i++) {
        int w = snprintf(out + used, len - used, "%s%s", i ? ", " : "", l.v[i]);
        if (w < 0 || (size_t)w >= len - used)
            break;
        used += (size_t)w;
    }
}

static void s_line(FILE *out, const char *tag, const struct dw_finding *o, const struct dw_finding *n,
                   const char *gone)
{
    /* Every entry has one side at least. */
    const struct dw_finding *f = n ? n : o;
    if (!f)
        return;
    fprintf(out, "  %-9s %-7s %-10s %s", tag, f->control->id, f->region, f->resource_id);
    if (o && n && o->status != n->status)
        fprintf(out, "  %s -> %s", dw_result_str(o->status), dw_result_str(n->status));
    else if (!n)
        fprintf(out, "  %s -> %s", dw_result_str(f->status), gone);
    else if (!o)
        fprintf(out, "  (new) %s", dw_result_str(n->status));
    fprintf(out, "\n            %s\n", f->reason);
}

enum { NEW, FIXED, CHANGED, STILL, NOT_IN_NEW, NEW_ONLY, N_CLASSES };
static const char *const s_names[N_CLASSES] = {"new_failures", "fixed", "changed", "still_failing",
                                               "not_evaluated_in_new", "evaluated_in_new_only"};

/* The entries of one class: pairs of OLD's and NEW's finding (NULL where
 * a side has none). */
struct s_class {
    const struct dw_finding *(*v)[2];
    size_t n;
};

static void s_class_add(struct s_class *c, const struct dw_finding *o, const struct dw_finding *n)
{
    c->v = dw_xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
    c->v[c->n][0] = o;
    c->v[c->n][1] = n;
    c->n++;
}

/* The finding object the JSON writer made of f (an element of r's
 * findings) in doc, r's JSON report; a new reference, or null. */
static json_t *s_written(const json_t *doc, const struct dw_report_loaded *r, const struct dw_finding *f)
{
    if (!f)
        return json_null();
    return json_incref(json_array_get(json_object_get(doc, "findings"), (size_t)(f - r->findings.v)));
}

/* The diff as a report: the JSON writer's report of NEW's metadata and, as
 * its findings, NEW's side of every entry that has one, each with its
 * class ("diff"); then the classes, each entry as the writer writes its
 * two findings. */
static enum dw_status s_json(FILE *out, const struct dw_report_loaded *old, const char *old_src,
                             const struct dw_report_loaded *new, const char *new_src, const struct s_class *cls)
{
    struct dw_report_meta m = new->meta;
    char *src = dw_xasprintf("diff %s -> %s", old_src, new_src);
    m.source = src;
    m.merged_from = NULL;
    m.n_merged_from = 0;
    struct dw_findings side = {0};
    json_t *tags = json_array(); /* the class of each finding of side */
    for (int c = 0; c < N_CLASSES; c++) {
        for (size_t i = 0; i < cls[c].n; i++) {
            if (!cls[c].v[i][1])
                continue;
            dw_findings_push_copy(&side, cls[c].v[i][1]);
            json_array_append_new(tags, json_string(s_names[c]));
        }
    }
    json_t *doc = dw_report_json_doc(&m, &side);
    json_t *fs = json_object_get(doc, "findings");
    for (size_t i = 0; i < json_array_size(fs); i++)
        json_object_set(json_array_get(fs, i), "diff", json_array_get(tags, i));
    json_object_set_new(doc, "old", json_string(old_src));
    json_object_set_new(doc, "new", json_string(new_src));
    json_t *od = dw_report_json_doc(&old->meta, &old->findings);
    json_t *nd = dw_report_json_doc(&new->meta, &new->findings);
    for (int c = 0; c < N_CLASSES; c++) {
        json_t *arr = json_array();
        for (size_t i = 0; i < cls[c].n; i++)
            json_array_append_new(arr, json_pack("{s:o, s:o}", "old", s_written(od, old, cls[c].v[i][0]), "new",
                                                 s_written(nd, new, cls[c].v[i][1])));
        json_object_set_new(doc, s_names[c], arr);
    }
    int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(od);
    json_decref(nd);
    json_decref(doc);
    json_decref(tags);
    dw_findings_clean_up(&side);
    free(src);
    return rc != 0 || fputc('\n', out) == EOF ? DW_E_IO : DW_OK;
}

static void s_text(FILE *out, const char *old_src, const char *new_src, const struct s_class *cls)
{
    static const char *const titles[N_CLASSES] = {
        "New failures", "Fixed", "Changed", "Still failing", "Not evaluated in NEW (a failure of OLD whose "
        "control, account or region NEW did not evaluate; not counted as fixed)",
        "Evaluated in NEW only (failures of a control, account or region OLD did not evaluate; not counted "
        "as new)"};
    static const char *const tags[N_CLASSES] = {"NEW", "FIXED", "CHANGED", "STILL", "NOT-RUN", "NEW-SCOPE"};
    fprintf(out, "dbward diff %s -> %s\n", old_src, new_src);
    for (int c = 0; c < N_CLASSES; c++) {
        if (c >= NOT_IN_NEW && !cls[c].n)
            continue;
        fprintf(out, "\n%s: %zu\n", titles[c], cls[c].n);
        for (size_t i = 0; i < cls[c].n; i++)
            s_line(out, tags[c], cls[c].v[i][0], cls[c].v[i][1], c == NOT_IN_NEW ? "(not evaluated)" : "(gone)");
    }
}

enum dw_status dw_report_diff(const struct dw_report_loaded *old, const char *old_src,
                              const struct dw_report_loaded *new, const char *new_src,
                              const struct dw_diff_opts *opts, FILE *out, size_t *new_failures,
                              struct dw_error *err)
{
    bool cross = opts->cross_account;
    const char *o1, *n1;
    struct s_list oa = s_accounts(&old->meta, &o1), na = s_accounts(&new->meta, &n1);
    if (!cross && !s_same_set(oa, na)) {
        char o[256], n[256];
        s_join(o, sizeof(o), oa);
        s_join(n, sizeof(n), na);
        return dw_error_set(err, DW_E_USAGE, "", 0, 0, 0,
                            "%s covers account %s and %s covers account %s: diff compares an account with "
                            "itself (--cross-account compares them anyway)", old_src, o, new_src, n);
    }
    struct dw_finding_index oi = {0}, ni = {0};
    s_index(&old->findings, cross, &oi);
    s_index(&new->findings, cross, &ni);
    struct s_class cls[N_CLASSES];
    memset(cls, 0, sizeof(cls));
    for (size_t k = 0; k < ni.n; k++) {
        const struct dw_finding *n = ni.v[k].f;
        const struct dw_finding_slot *os = dw_finding_index_get(&oi, ni.v[k].key);
        const struct dw_finding *o = os ? os->f : NULL;
        bool n_fail = n->status == DW_FAIL, o_fail = o && o->status == DW_FAIL;
        int c = -1;
        if (!o && n_fail && !s_in_scope(&old->meta, oa, n, cross))
            c = NEW_ONLY;
        else if (n_fail && !o_fail)
            c = NEW;
        else if (n_fail)
            c = strcmp(o->reason, n->reason) ? CHANGED : STILL;
        else if (o_fail && (n->status == DW_PASS || n->status == DW_NOT_APPLICABLE))
            c = FIXED;
        else if (o && o->status != n->status)
            c = CHANGED;
        if (c >= 0)
            s_class_add(&cls[c], o, n);
    }
    for (size_t k = 0; k < oi.n; k++) {
        const struct dw_finding *o = oi.v[k].f;
        if (dw_finding_index_get(&ni, oi.v[k].key) || o->status != DW_FAIL)
            continue;
        /* Gone from NEW: fixed only if NEW looked (the control ran there, in
         * that account and region); otherwise NEW says nothing about it. */
        s_class_add(&cls[s_in_scope(&new->meta, na, o, cross) ? FIXED : NOT_IN_NEW], o, NULL);
    }
    *new_failures = cls[NEW].n;
    enum dw_status rc = DW_OK;
    if (opts->as_json)
        rc = s_json(out, old, old_src, new, new_src, cls);
    else
        s_text(out, old_src, new_src, cls);
    for (int c = 0; c < N_CLASSES; c++)
        free(cls[c].v);
    dw_finding_index_clean_up(&oi);
    dw_finding_index_clean_up(&ni);
    return rc || ferror(out) ? DW_E_IO : DW_OK;
}
