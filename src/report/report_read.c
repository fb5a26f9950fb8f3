/* report_read.c: the one reader of the JSON report (dbward/report.h
 * dw_report_load): the document checked (dbward's, a schema version it
 * reads), then each finding and the metadata into the structs the writers
 * take, so report, diff, merge, remediate and history work on findings.
 * The report's field names are spelled here on the way in, and in
 * report_json.c on the way out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <dbward/json.h>
#include <dbward/report.h>

#include "report/report_util.h"
#include "util/util.h"

enum { S_REGIONS, S_ACCOUNTS, S_CONTROLS, S_SELECTED, S_EXCLUDED, S_MERGED_FROM };

/* The one check of a JSON report read back: an object written by dbward,
 * in a schema version from DW_REPORT_SCHEMA_OLDEST to
 * DW_REPORT_SCHEMA_VERSION, with a findings array. */
static enum dw_status s_check(const json_t *doc, const char *source, struct dw_error *err)
{
    json_t *rep = (json_t *)doc; /* jansson's getters take no const; nothing is changed */
    const char *name = json_string_value(json_object_get(json_object_get(rep, "tool"), "name"));
    if (!json_is_object(rep) || !name || strcmp(name, "dbward") != 0 ||
        !json_is_array(json_object_get(rep, "findings")))
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                            "not a dbward JSON report (schema_version %d to %d with a findings array)",
                            DW_REPORT_SCHEMA_OLDEST, DW_REPORT_SCHEMA_VERSION);
    json_int_t v = json_integer_value(json_object_get(rep, "schema_version"));
    if (!json_is_integer(json_object_get(rep, "schema_version")) || v < DW_REPORT_SCHEMA_OLDEST ||
        v > DW_REPORT_SCHEMA_VERSION) {
        const char *ver = json_string_value(json_object_get(json_object_get(rep, "tool"), "version"));
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                            "report schema_version %lld (dbward %s) cannot be read by this dbward, which "
                            "reads schema_version %d to %d",
                            (long long)v, ver ? ver : "", DW_REPORT_SCHEMA_OLDEST, DW_REPORT_SCHEMA_VERSION);
    }
    return DW_OK;
}

static const char *s_str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A finding as written: views of its members, each NULL when absent or
 * not a string, borrowed from the document. */
struct s_view {
    const char *control_id;
    const char *status;
    const char *severity;
    const char *resource_id;
    const char *region;
    const char *account_id;
    const char *reason;
    const char *fix_kind;     /* remediation.kind */
    const json_t *nist_csf;   /* array or NULL */
    const json_t *nist_csf2;  /* array or NULL (schema 1 reports) */
    const json_t *commands;   /* remediation.commands */
    const json_t *notes;      /* remediation.notes */
    const char *title;
    const char *resource_type;
    const json_t *control_statements;
    const char *muted_reason; /* suppression.reason */
    const char *muted_until;  /* suppression.expires (NULL when null) */
    const char *muted_from;   /* suppression.original_status */
};

static void s_view_of(const json_t *f, struct s_view *out)
{
    const json_t *rem = json_object_get(f, "remediation");
    const json_t *sup = json_object_get(f, "suppression");
    memset(out, 0, sizeof(*out));
    out->control_id = s_str(f, "control_id");
    out->status = s_str(f, "status");
    out->severity = s_str(f, "severity");
    out->resource_id = s_str(f, "resource_id");
    out->region = s_str(f, "region");
    out->account_id = s_str(f, "account_id");
    out->reason = s_str(f, "reason");
    out->fix_kind = s_str(rem, "kind");
    out->nist_csf = json_is_array(json_object_get(f, "nist_csf")) ? json_object_get(f, "nist_csf") : NULL;
    out->nist_csf2 = json_is_array(json_object_get(f, "nist_csf2")) ? json_object_get(f, "nist_csf2") : NULL;
    out->commands = json_object_get(rem, "commands");
    out->notes = json_object_get(rem, "notes");
    out->title = s_str(f, "title");
    out->resource_type = s_str(f, "resource_type");
    out->control_statements = json_object_get(f, "control_statements");
    out->muted_reason = s_str(sup, "reason");
    out->muted_until = s_str(sup, "expires");
    out->muted_from = s_str(sup, "original_status");
}

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
static const struct dw_control *s_control(struct dw_report_loaded_int *in, const struct s_view *v,
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

/* The metadata beside the findings, into r->meta. */
static void s_meta(const json_t *doc, struct dw_report_loaded *r)
{
    struct dw_report_loaded_int *in = r->in;
    struct dw_report_meta *meta = &r->meta;
    const char *s;
    meta->account_id = dw_str_or_empty(s_str(doc, "account_id"));
    meta->partition = (s = s_str(doc, "partition")) ? s : "aws";
    meta->taken_at = dw_str_or_empty(s_str(doc, "taken_at"));
    meta->source = dw_str_or_empty(s_str(doc, "source"));
    meta->regions = in->lists[S_REGIONS] = s_strings(json_object_get(doc, "regions"), &meta->n_regions);
    meta->accounts = in->lists[S_ACCOUNTS] = s_strings(json_object_get(doc, "accounts"), &meta->n_accounts);
    const json_t *from = json_object_get(doc, "merged_from");
    if (json_is_array(from))
        meta->merged_from = in->lists[S_MERGED_FROM] = s_strings(from, &meta->n_merged_from);
    r->tool_version = dw_str_or_empty(s_str(json_object_get(doc, "tool"), "version"));
    const json_t *run = json_object_get(doc, "run");
    if (!json_is_object(run))
        return;
    const json_t *sel = json_object_get(run, "selection");
    meta->has_run = true;
    meta->controls = in->lists[S_CONTROLS] = s_strings(json_object_get(run, "controls"), &meta->n_controls);
    meta->selection_unknown = !json_is_object(sel);
    meta->selected = in->lists[S_SELECTED] = s_strings(json_object_get(sel, "controls"), &meta->n_selected);
    meta->excluded = in->lists[S_EXCLUDED] = s_strings(json_object_get(sel, "exclude"), &meta->n_excluded);
    const json_t *sevs = json_object_get(sel, "severity");
    for (size_t i = 0; i < json_array_size(sevs); i++) {
        enum dw_severity sev;
        const char *name = json_string_value(json_array_get(sevs, i));
        if (name && dw_severity_parse(name, &sev))
            meta->severity_mask |= 1u << sev;
    }
    const json_t *params = json_object_get(run, "params");
    meta->params_unknown = !json_is_object(params);
    in->params = dw_xcalloc(json_object_size(params) + 1, sizeof(*in->params));
    const char *k;
    json_t *val;
    json_object_foreach((json_t *)params, k, val)
    {
        if (json_is_string(val))
            in->params[meta->n_params++] = (struct dw_param_value){k, json_string_value(val)};
    }
    meta->params = in->params;
    const json_t *cfg = json_object_get(run, "config");
    meta->config_path = s_str(cfg, "path");
    meta->config_sha256 = s_str(cfg, "sha256");
}

/* Finding i of source, read from fj into a new finding of fs, its control
 * one of in's (borrowing from fj when it is new: *new_control set). */
static enum dw_status s_finding(const json_t *fj, size_t i, const char *source, struct dw_report_loaded_int *in,
                                const struct dw_control *const *custom, size_t n_custom, struct dw_findings *fs,
                                bool *new_control, struct dw_error *err)
{
    struct s_view v;
    s_view_of(fj, &v);
    enum dw_result st, from = DW_FAIL;
    enum dw_severity sev;
    if (!v.control_id || !s_result(v.status, &st) || !v.severity || !dw_severity_parse(v.severity, &sev))
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                            "finding %zu has no control_id, or a status or severity dbward does not know", i);
    if (st == DW_MUTED)
        s_result(v.muted_from, &from);
    size_t had = in->n_controls;
    struct dw_finding *f = dw_findings_push(fs);
    f->control = s_control(in, &v, sev, custom, n_custom);
    *new_control = in->n_controls > had;
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
    return DW_OK;
}

static struct dw_report_loaded *s_loaded_new(json_t *doc)
{
    struct dw_report_loaded *r = dw_xcalloc(1, sizeof(*r));
    r->in = dw_xcalloc(1, sizeof(*r->in));
    r->in->doc = json_incref(doc);
    return r;
}

enum dw_status dw_report_load(json_t *doc, const char *source, const struct dw_control *const *custom,
                              size_t n_custom, struct dw_report_loaded **out, struct dw_error *err)
{
    *out = NULL;
    enum dw_status rc = s_check(doc, source, err);
    if (rc)
        return rc;
    struct dw_report_loaded *r = s_loaded_new(doc);
    const json_t *findings = json_object_get(doc, "findings");
    for (size_t i = 0; i < json_array_size(findings); i++) {
        bool fresh;
        rc = s_finding(json_array_get(findings, i), i, source, r->in, custom, n_custom, &r->findings, &fresh, err);
        if (rc) {
            dw_report_loaded_free(r);
            return rc;
        }
    }
    s_meta(doc, r);
    *out = r;
    return DW_OK;
}

enum dw_status dw_report_open(FILE *f, const char *source, const char *path, const struct dw_control *const *custom,
                              size_t n_custom, struct dw_report_loaded **out, struct dw_error *err)
{
    *out = NULL;
    json_t *head = NULL;
    struct stat st;
    enum dw_status rc = dw_json_stream(f, source, "findings", NULL, NULL, &head, err);
    if (!rc)
        rc = s_check(head, source, err);
    if (!rc && path && fstat(fileno(f), &st) != 0)
        rc = dw_error_set(err, DW_E_IO, source, 0, 0, 0, "%s", strerror(errno));
    if (rc || path) {
        fclose(f);
        f = NULL;
    }
    if (rc) {
        json_decref(head);
        return rc;
    }
    struct dw_report_loaded *r = s_loaded_new(head);
    json_decref(head);
    struct dw_report_loaded_int *in = r->in;
    in->file = f;
    in->file_source = dw_xstrdup(source);
    if (path) {
        in->file_path = dw_xstrdup(path);
        in->file_stat = st;
    }
    in->custom = custom;
    in->n_custom = n_custom;
    s_meta(in->doc, r);
    *out = r;
    return DW_OK;
}

/* dw_report_findings' state: the batch being filled. */
struct s_each {
    struct dw_report_loaded_int *in;
    struct dw_findings batch;
    size_t size;
    enum dw_status (*fn)(void *user, struct dw_findings *batch);
    void *user;
};

static enum dw_status s_flush(struct s_each *e)
{
    enum dw_status rc = e->fn(e->user, &e->batch);
    dw_findings_clean_up(&e->batch);
    memset(&e->batch, 0, sizeof(e->batch));
    return rc;
}

static enum dw_status s_each_finding(void *user, json_t *elem, size_t i, struct dw_error *err)
{
    struct s_each *e = user;
    struct dw_report_loaded_int *in = e->in;
    bool fresh;
    enum dw_status rc = s_finding(elem, i, in->file_source, in, in->custom, in->n_custom, &e->batch, &fresh, err);
    if (rc)
        return rc;
    if (fresh) {
        /* The control borrows the finding's strings: keep it. */
        in->kept = dw_xrealloc(in->kept, (in->n_kept + 1) * sizeof(*in->kept));
        in->kept[in->n_kept++] = json_incref(elem);
    }
    return e->batch.n >= e->size ? s_flush(e) : DW_OK;
}

enum dw_status dw_report_findings(struct dw_report_loaded *r, size_t size,
                                  enum dw_status (*fn)(void *user, struct dw_findings *batch), void *user,
                                  struct dw_error *err)
{
    struct dw_report_loaded_int *in = r->in;
    struct stat st;
    if (in->file_path) {
        /* Opened again (a merge of many reports holds no descriptor per
         * report), and it must be the same file, unchanged. */
        enum dw_status orc = dw_json_open_file(in->file_path, &in->file, err);
        if (orc)
            return orc;
        const struct stat *was = &in->file_stat;
        if (fstat(fileno(in->file), &st) != 0 || st.st_dev != was->st_dev || st.st_ino != was->st_ino ||
            st.st_size != was->st_size || st.st_mtim.tv_sec != was->st_mtim.tv_sec ||
            st.st_mtim.tv_nsec != was->st_mtim.tv_nsec) {
            fclose(in->file);
            in->file = NULL;
            return dw_error_set(err, DW_E_IO, in->file_source, 0, 0, 0, "the file changed while it was read");
        }
    } else if (!in->file) {
        return dw_error_set(err, DW_E_USAGE, "", 0, 0, 0, "a report read whole, not opened");
    } else if (fseek(in->file, 0, SEEK_SET) != 0) {
        return dw_error_set(err, DW_E_IO, in->file_source, 0, 0, 0, "cannot read it again from the start");
    }
    struct s_each e = {.in = in, .size = size ? size : 1, .fn = fn, .user = user};
    json_t *head = NULL;
    enum dw_status rc = dw_json_stream(in->file, in->file_source, "findings", s_each_finding, &e, &head, err);
    if (!rc && !json_equal(head, in->doc))
        rc = dw_error_set(err, DW_E_IO, in->file_source, 0, 0, 0, "the file changed while it was read");
    if (!rc && e.batch.n)
        rc = s_flush(&e);
    dw_findings_clean_up(&e.batch);
    json_decref(head);
    if (in->file_path) {
        fclose(in->file);
        in->file = NULL;
    }
    return rc;
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
    for (size_t i = 0; i < DW_RPT_LISTS; i++)
        free(in->lists[i]);
    free(in->params);
    free(in->source);
    json_decref(in->doc);
    for (size_t i = 0; i < in->n_kept; i++)
        json_decref(in->kept[i]);
    free(in->kept);
    free(in->file_source);
    free(in->file_path);
    if (in->file)
        fclose(in->file);
    free(in);
    free(r);
}
