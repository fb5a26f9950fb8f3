/* report_json.c: the machine-readable report (docs/report-json.md) and the
 * summary counts shared by every writer. */
#include <stdlib.h>
#include <string.h>

#include <dbward/report.h>

#include "report/json_out.h"
#include "report/report_util.h"

void dw_summary_add(struct dw_summary *s, const struct dw_findings *f)
{
    for (size_t i = 0; i < f->n; i++) {
        s->by_status[f->v[i].status]++;
        s->by_sev_status[f->v[i].severity][f->v[i].status]++;
    }
}

void dw_summary_compute(const struct dw_findings *f, struct dw_summary *out)
{
    memset(out, 0, sizeof(*out));
    dw_summary_add(out, f);
}

static void s_strs(struct dw_jw *w, const char *key, char *const *v, size_t n)
{
    dw_jw_key(w, key);
    dw_jw_array(w);
    for (size_t i = 0; i < n; i++)
        dw_jw_string(w, v[i]);
    dw_jw_end(w);
}

static void s_cstrs(struct dw_jw *w, const char *key, const char *const *v, size_t n)
{
    s_strs(w, key, (char *const *)v, n);
}

/* One finding, as docs/report-json.md gives it. */
static void s_finding(struct dw_jw *w, const struct dw_finding *f)
{
    const struct dw_control *c = f->control;
    dw_jw_object(w);
    dw_jw_kstring(w, "control_id", c->id);
    dw_jw_kstring(w, "title", c->title);
    dw_jw_kstring(w, "status", dw_result_str(f->status));
    dw_jw_kstring(w, "severity", dw_severity_str(f->severity));
    dw_jw_kstring(w, "resource_type", f->resource_type);
    dw_jw_kstring(w, "resource_id", f->resource_id);
    dw_jw_kstring(w, "region", f->region);
    dw_jw_kstring(w, "account_id", f->account_id);
    dw_jw_kstring(w, "reason", f->reason);
    size_t n = 0;
    while (n < 4 && c->nist_csf[n])
        n++;
    s_cstrs(w, "nist_csf", c->nist_csf, n);
    struct dw_csf_list l;
    dw_control_csf(c, DW_CSF_2_0, &l);
    s_cstrs(w, "nist_csf2", l.v, l.n);
    dw_jw_key(w, "control_statements");
    dw_jw_array(w);
    for (size_t i = 0; i < 4 && c->statements[i]; i++)
        dw_jw_int(w, c->statements[i]);
    dw_jw_end(w);
    dw_jw_key(w, "remediation");
    dw_jw_object(w);
    dw_jw_kstring(w, "kind", dw_fix_kind_str(c->fix_kind));
    s_strs(w, "commands", f->commands, f->n_commands);
    s_strs(w, "notes", f->notes, f->n_notes);
    dw_jw_end(w);
    if (f->status == DW_MUTED) {
        dw_jw_key(w, "suppression");
        dw_jw_object(w);
        dw_jw_kstring(w, "reason", f->muted_reason ? f->muted_reason : "");
        dw_jw_kstring(w, "expires", f->muted_until); /* null when it never expires */
        dw_jw_kstring(w, "original_status", dw_result_str(f->muted_from));
        dw_jw_end(w);
    }
    dw_jw_end(w);
}

/* "run": how the report was made (docs/report-json.md). */
static void s_run(struct dw_jw *w, const struct dw_report_meta *meta)
{
    dw_jw_key(w, "run");
    dw_jw_object(w);
    s_cstrs(w, "controls", meta->controls, meta->n_controls);
    dw_jw_key(w, "selection");
    if (meta->selection_unknown) { /* a merge of shards that asked for different things */
        dw_jw_null(w);
    } else {
        dw_jw_object(w);
        s_cstrs(w, "controls", meta->selected, meta->n_selected);
        s_cstrs(w, "exclude", meta->excluded, meta->n_excluded);
        dw_jw_key(w, "severity");
        dw_jw_array(w);
        for (int v = 0; v < DW_SEV_COUNT; v++) {
            if (meta->severity_mask & (1u << v))
                dw_jw_string(w, dw_severity_str((enum dw_severity)v));
        }
        dw_jw_end(w);
        dw_jw_end(w);
    }
    /* A parameter named twice keeps its first place and its last value,
     * as a JSON object does. */
    json_t *params = json_object();
    for (size_t i = 0; i < meta->n_params; i++)
        json_object_set_new(params, meta->params[i].name, json_string(meta->params[i].value));
    dw_jw_key(w, "params");
    if (meta->params_unknown)
        dw_jw_null(w);
    else
        dw_jw_value(w, params);
    json_decref(params);
    dw_jw_key(w, "config");
    if (meta->config_path) {
        dw_jw_object(w);
        dw_jw_kstring(w, "path", meta->config_path);
        if (meta->config_sha256)
            dw_jw_kstring(w, "sha256", meta->config_sha256);
        dw_jw_end(w);
    } else {
        dw_jw_null(w);
    }
    dw_jw_end(w);
}

/* Everything before the first finding, up to the open findings array. */
void dw_rpt_json_head(struct dw_jw *w, const struct dw_report_meta *meta)
{
    dw_jw_object(w);
    dw_jw_key(w, "tool");
    dw_jw_object(w);
    dw_jw_kstring(w, "name", "dbward");
    dw_jw_kstring(w, "version", dw_version());
    dw_jw_kstring(w, "commit", dw_git_commit());
    dw_jw_end(w);
    dw_jw_kint(w, "schema_version", DW_REPORT_SCHEMA_VERSION);
    dw_jw_kstring(w, "account_id", meta->account_id);
    dw_jw_key(w, "accounts");
    dw_jw_array(w);
    for (size_t i = 0; i < meta->n_accounts; i++)
        dw_jw_string(w, meta->accounts[i]);
    /* "multiple" with no list: a shard with no account of its own (scan --shard), not an id. */
    if (!meta->n_accounts && meta->account_id && strcmp(meta->account_id, "multiple") != 0)
        dw_jw_string(w, meta->account_id);
    dw_jw_end(w);
    dw_jw_kstring(w, "partition", meta->partition);
    s_cstrs(w, "regions", meta->regions, meta->n_regions);
    dw_jw_kstring(w, "taken_at", meta->taken_at);
    dw_jw_kstring(w, "source", meta->source);
    if (meta->merged_from)
        s_cstrs(w, "merged_from", meta->merged_from, meta->n_merged_from);
    if (meta->has_run)
        s_run(w, meta);
    dw_jw_key(w, "findings");
    dw_jw_array(w);
}

/* The findings array's end, the summary and the report's end. */
void dw_rpt_json_tail(struct dw_jw *w, const struct dw_summary *s, size_t total)
{
    dw_jw_end(w);
    dw_jw_key(w, "summary");
    dw_jw_object(w);
    dw_jw_kint(w, "total", (long long)total);
    dw_jw_key(w, "by_status");
    dw_jw_object(w);
    for (int r = 0; r < DW_RESULT_COUNT; r++)
        dw_jw_kint(w, dw_result_str((enum dw_result)r), (long long)s->by_status[r]);
    dw_jw_end(w);
    dw_jw_key(w, "by_severity");
    dw_jw_object(w);
    for (int v = 0; v < DW_SEV_COUNT; v++) {
        dw_jw_key(w, dw_severity_str((enum dw_severity)v));
        dw_jw_object(w);
        for (int r = 0; r < DW_RESULT_COUNT; r++)
            dw_jw_kint(w, dw_result_str((enum dw_result)r), (long long)s->by_sev_status[v][r]);
        dw_jw_end(w);
    }
    dw_jw_end(w);
    dw_jw_end(w);
    dw_jw_end(w);
}

void dw_rpt_json_findings(struct dw_jw *w, const struct dw_findings *f)
{
    for (size_t i = 0; i < f->n; i++)
        s_finding(w, &f->v[i]);
}

void dw_rpt_json_body_writer(struct dw_jw *w, FILE *out, bool any)
{
    dw_jw_init(w, out);
    w->depth = 2;
    w->close[0] = '}';
    w->close[1] = ']';
    w->any[0] = true;
    w->any[1] = any;
}

enum dw_status dw_report_json(FILE *out, const struct dw_report_meta *meta, const struct dw_findings *f)
{
    struct dw_jw w;
    dw_jw_init(&w, out);
    dw_rpt_json_head(&w, meta);
    dw_rpt_json_findings(&w, f);
    struct dw_summary s;
    dw_summary_compute(f, &s);
    dw_rpt_json_tail(&w, &s, f->n);
    if (dw_jw_status(&w) != DW_OK || fputc('\n', out) == EOF)
        return DW_E_IO;
    return DW_OK;
}

json_t *dw_report_json_doc(const struct dw_report_meta *meta, const struct dw_findings *f)
{
    /* The document is the written report read back: one writer spells
     * the format. */
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem)
        abort(); /* out of memory: dbward aborts on OOM */
    enum dw_status rc = dw_report_json(mem, meta, f);
    if (fclose(mem) != 0 || rc)
        abort();
    json_t *doc = json_loadb(buf, len, 0, NULL);
    free(buf);
    if (!doc)
        abort(); /* the writer wrote what jansson cannot read: a bug */
    return doc;
}

bool dw_report_glob(const char *pattern, const char *id)
{
    struct dw_control probe;
    memset(&probe, 0, sizeof(probe));
    probe.id = id;
    const char *globs[1] = {pattern};
    return dw_control_selected(&probe, globs, 1);
}
