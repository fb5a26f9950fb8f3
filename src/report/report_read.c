/* report_read.c: a JSON report back into findings and metadata
 * (dbward/report.h dw_report_load), read through the views of
 * dbward/finding.h, so `dbward report` and merge render every format. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dbward/report.h>

#include "util/util.h"

struct dw_report_loaded_int {
    json_t *doc;
    struct dw_control **controls;
    size_t n_controls;
    const char **strs[5];        /* regions, accounts, controls, selected, excluded */
    struct dw_param_value *params;
};

/* The strings of a JSON array, borrowed; NULL entries skipped. */
static const char **s_strings(const json_t *arr, size_t *n)
{
    size_t len = json_array_size(arr);
    const char **v = dw_xcalloc(len + 1, sizeof(*v));
    *n = 0;
    for (size_t i = 0; i < len; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (s)
            v[(*n)++] = s;
    }
    return v;
}

static bool s_result(const char *s, enum dw_result *out)
{
    for (int r = 0; s && r < DW_RESULT_COUNT; r++) {
        if (strcmp(s, dw_result_str((enum dw_result)r)) == 0) {
            *out = (enum dw_result)r;
            return true;
        }
    }
    return false;
}

static enum dw_fix_kind s_fix_kind(const char *s)
{
    for (int k = DW_FIX_IN_PLACE; s && k <= DW_FIX_MANUAL; k++) {
        if (strcmp(s, dw_fix_kind_str((enum dw_fix_kind)k)) == 0)
            return (enum dw_fix_kind)k;
    }
    return DW_FIX_MANUAL;
}

/* The control of a finding: one per id, the report's record of it over
 * the catalog's entry (texts such as what and why come from the catalog). */
static const struct dw_control *s_control(struct dw_report_loaded_int *in, const struct dw_finding_view *v,
                                          enum dw_severity sev, const struct dw_control *const *custom,
                                          size_t n_custom)
{
    for (size_t i = 0; i < in->n_controls; i++) {
        if (strcmp(in->controls[i]->id, v->control_id) == 0)
            return in->controls[i];
    }
    struct dw_control *c = dw_xcalloc(1, sizeof(*c));
    const struct dw_control *known = dw_registry_find(custom, n_custom, v->control_id);
    if (known) {
        *c = *known;
        c->eval = NULL;
        c->custom = NULL;
    }
    c->id = v->control_id;
    c->title = v->title ? v->title : known ? known->title : "";
    c->severity = sev;
    c->fix_kind = s_fix_kind(v->fix_kind);
    c->resource_type = v->resource_type ? v->resource_type : "";
    if (json_is_array(v->nist_csf)) {
        memset(c->nist_csf, 0, sizeof(c->nist_csf));
        for (size_t k = 0, n = 0; k < json_array_size(v->nist_csf) && n < 3; k++) {
            const char *s = json_string_value(json_array_get(v->nist_csf, k));
            if (s)
                c->nist_csf[n++] = s;
        }
    }
    if (json_is_array(v->nist_csf2)) {
        memset(c->nist_csf2, 0, sizeof(c->nist_csf2));
        size_t cap = sizeof(c->nist_csf2) / sizeof(c->nist_csf2[0]) - 1;
        for (size_t k = 0, n = 0; k < json_array_size(v->nist_csf2) && n < cap; k++) {
            const char *s = json_string_value(json_array_get(v->nist_csf2, k));
            if (s)
                c->nist_csf2[n++] = s;
        }
    }
    if (json_is_array(v->control_statements)) {
        memset(c->statements, 0, sizeof(c->statements));
        for (size_t k = 0, n = 0; k < json_array_size(v->control_statements) && n < 3; k++) {
            json_int_t x = json_integer_value(json_array_get(v->control_statements, k));
            if (x > 0 && x < 100000)
                c->statements[n++] = (int)x;
        }
    }
    if (!c->what)
        c->what = c->why = c->audit = c->fix = c->seed = "";
    if (!c->service)
        c->service = "";
    in->controls = dw_xrealloc(in->controls, (in->n_controls + 1) * sizeof(*in->controls));
    in->controls[in->n_controls++] = c;
    return c;
}

static char **s_dup_strings(const json_t *arr, size_t *n)
{
    size_t len = json_array_size(arr);
    char **v = len ? dw_xcalloc(len, sizeof(*v)) : NULL;
    *n = 0;
    for (size_t i = 0; i < len; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (s)
            v[(*n)++] = dw_xstrdup(s);
    }
    return v;
}

enum dw_status dw_report_load(json_t *doc, const char *source, const struct dw_control *const *custom,
                              size_t n_custom, struct dw_report_loaded **out, struct dw_error *err)
{
    *out = NULL;
    enum dw_status rc = dw_report_doc_check(doc, source, err);
    if (rc)
        return rc;
    struct dw_report_loaded *r = dw_xcalloc(1, sizeof(*r));
    struct dw_report_loaded_int *in = dw_xcalloc(1, sizeof(*in));
    r->in = in;
    in->doc = json_incref(doc);
    for (size_t i = 0; i < dw_report_doc_count(doc); i++) {
        struct dw_finding_view v;
        dw_report_doc_finding(doc, i, &v);
        enum dw_result st, from = DW_FAIL;
        enum dw_severity sev;
        if (!v.control_id || !s_result(v.status, &st) || !v.severity || !dw_severity_parse(v.severity, &sev)) {
            dw_report_loaded_free(r);
            return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                                "finding %zu has no control_id, or a status or severity dbward does not know", i);
        }
        if (st == DW_MUTED)
            s_result(v.muted_from, &from);
        struct dw_finding *f = dw_findings_push(&r->findings);
        f->control = s_control(in, &v, sev, custom, n_custom);
        f->status = st;
        f->severity = sev;
        f->resource_type = dw_xstrdup(dw_str_or_empty(v.resource_type));
        f->resource_id = dw_xstrdup(dw_str_or_empty(v.resource_id));
        f->region = dw_xstrdup(dw_str_or_empty(v.region));
        f->account_id = dw_xstrdup(dw_str_or_empty(v.account_id));
        f->reason = dw_xstrdup(dw_str_or_empty(v.reason));
        f->commands = s_dup_strings(v.commands, &f->n_commands);
        f->notes = s_dup_strings(v.notes, &f->n_notes);
        f->muted_from = from;
        f->muted_reason = v.muted_reason ? dw_xstrdup(v.muted_reason) : NULL;
        f->muted_until = v.muted_until ? dw_xstrdup(v.muted_until) : NULL;
    }
    struct dw_report_doc_meta m;
    dw_report_doc_meta_of(doc, &m);
    struct dw_report_meta *meta = &r->meta;
    meta->account_id = dw_str_or_empty(m.account_id);
    meta->partition = m.partition ? m.partition : "aws";
    meta->taken_at = dw_str_or_empty(m.taken_at);
    meta->source = dw_str_or_empty(m.source);
    meta->regions = in->strs[0] = s_strings(m.regions, &meta->n_regions);
    meta->accounts = in->strs[1] = s_strings(m.accounts, &meta->n_accounts);
    if (json_is_object(m.run)) {
        const json_t *sel = json_object_get(m.run, "selection");
        meta->has_run = true;
        meta->controls = in->strs[2] = s_strings(json_object_get(m.run, "controls"), &meta->n_controls);
        meta->selected = in->strs[3] = s_strings(json_object_get(sel, "controls"), &meta->n_selected);
        meta->excluded = in->strs[4] = s_strings(json_object_get(sel, "exclude"), &meta->n_excluded);
        const json_t *sevs = json_object_get(sel, "severity");
        for (size_t i = 0; i < json_array_size(sevs); i++) {
            enum dw_severity s;
            const char *name = json_string_value(json_array_get(sevs, i));
            if (name && dw_severity_parse(name, &s))
                meta->severity_mask |= 1u << s;
        }
        const json_t *params = json_object_get(m.run, "params");
        in->params = dw_xcalloc(json_object_size(params) + 1, sizeof(*in->params));
        const char *k;
        json_t *val;
        json_object_foreach((json_t *)params, k, val)
        {
            if (json_is_string(val))
                in->params[meta->n_params++] = (struct dw_param_value){k, json_string_value(val)};
        }
        meta->params = in->params;
        const json_t *cfg = json_object_get(m.run, "config");
        meta->config_path = json_string_value(json_object_get(cfg, "path"));
        meta->config_sha256 = json_string_value(json_object_get(cfg, "sha256"));
    }
    *out = r;
    return DW_OK;
}

void dw_report_loaded_free(struct dw_report_loaded *r)
{
    if (!r)
        return;
    struct dw_report_loaded_int *in = r->in;
    dw_findings_clean_up(&r->findings);
    for (size_t i = 0; i < in->n_controls; i++)
        free(in->controls[i]);
    free(in->controls);
    for (size_t i = 0; i < 5; i++)
        free(in->strs[i]);
    free(in->params);
    json_decref(in->doc);
    free(in);
    free(r);
}
