/* report_json.c: the machine-readable report (docs/report-json.md) and the
 * summary counts shared by every writer. */
#include <stdlib.h>
#include <string.h>

#include <dbward/report.h>

#include "report/report_util.h"

void dw_summary_compute(const struct dw_findings *f, struct dw_summary *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < f->n; i++) {
        out->by_status[f->v[i].status]++;
        out->by_sev_status[f->v[i].severity][f->v[i].status]++;
    }
}

static json_t *s_strs(char **v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i])); /* steals the new string */
    return a;
}

static json_t *s_finding(const struct dw_finding *f)
{
    const struct dw_control *c = f->control;
    json_t *o = json_object();
    json_t *csf = json_array();
    json_t *cs = json_array();
    for (size_t i = 0; i < 4 && c->nist_csf[i]; i++)
        json_array_append_new(csf, json_string(c->nist_csf[i]));
    for (size_t i = 0; i < 4 && c->statements[i]; i++)
        json_array_append_new(cs, json_integer(c->statements[i]));
    json_t *rem = json_object();
    json_object_set_new(rem, "kind", json_string(dw_fix_kind_str(c->fix_kind)));
    json_object_set_new(rem, "commands", s_strs(f->commands, f->n_commands));
    json_object_set_new(rem, "notes", s_strs(f->notes, f->n_notes));
    /* json_object_set_new steals each new value below. */
    json_object_set_new(o, "control_id", json_string(c->id));
    json_object_set_new(o, "title", json_string(c->title));
    json_object_set_new(o, "status", json_string(dw_result_str(f->status)));
    json_object_set_new(o, "severity", json_string(dw_severity_str(f->severity)));
    json_object_set_new(o, "resource_type", json_string(f->resource_type));
    json_object_set_new(o, "resource_id", json_string(f->resource_id));
    json_object_set_new(o, "region", json_string(f->region));
    json_object_set_new(o, "account_id", json_string(f->account_id));
    json_object_set_new(o, "reason", json_string(f->reason));
    json_object_set_new(o, "nist_csf", csf);
    json_object_set_new(o, "nist_csf2", dw_rpt_csf_array(c, DW_CSF_2_0, NULL));
    json_object_set_new(o, "control_statements", cs);
    json_object_set_new(o, "remediation", rem);
    if (f->status == DW_MUTED) {
        json_t *m = json_object();
        json_object_set_new(m, "reason", json_string(f->muted_reason ? f->muted_reason : ""));
        json_object_set_new(m, "expires", f->muted_until ? json_string(f->muted_until) : json_null());
        json_object_set_new(m, "original_status", json_string(dw_result_str(f->muted_from)));
        json_object_set_new(o, "suppression", m);
    }
    return o;
}

static json_t *s_str_array(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

/* "run": how the report was made (docs/report-json.md). */
static json_t *s_run(const struct dw_report_meta *meta)
{
    json_t *run = json_object();
    json_object_set_new(run, "controls", s_str_array(meta->controls, meta->n_controls));
    json_t *sel = json_object();
    json_object_set_new(sel, "controls", s_str_array(meta->selected, meta->n_selected));
    json_object_set_new(sel, "exclude", s_str_array(meta->excluded, meta->n_excluded));
    json_t *sev = json_array();
    for (int v = 0; v < DW_SEV_COUNT; v++) {
        if (meta->severity_mask & (1u << v))
            json_array_append_new(sev, json_string(dw_severity_str((enum dw_severity)v)));
    }
    json_object_set_new(sel, "severity", sev);
    if (meta->selection_unknown) { /* a merge of shards that asked for different things */
        json_decref(sel);
        sel = json_null();
    }
    json_object_set_new(run, "selection", sel);
    json_t *params = json_object();
    for (size_t i = 0; i < meta->n_params; i++)
        json_object_set_new(params, meta->params[i].name, json_string(meta->params[i].value));
    if (meta->params_unknown) {
        json_decref(params);
        params = json_null();
    }
    json_object_set_new(run, "params", params);
    json_object_set_new(run, "config",
                        meta->config_path ? json_pack("{s:s, s:s?}", "path", meta->config_path, "sha256",
                                                      meta->config_sha256)
                                          : json_null());
    return run;
}

json_t *dw_report_json_doc(const struct dw_report_meta *meta, const struct dw_findings *f)
{
    json_t *root = json_object();
    json_t *tool = json_object();
    json_object_set_new(tool, "name", json_string("dbward"));
    json_object_set_new(tool, "version", json_string(dw_version()));
    json_object_set_new(tool, "commit", json_string(dw_git_commit()));
    json_object_set_new(root, "tool", tool);
    json_object_set_new(root, "schema_version", json_integer(DW_REPORT_SCHEMA_VERSION));
    json_object_set_new(root, "account_id", json_string(meta->account_id));
    json_t *accts = json_array();
    for (size_t i = 0; i < meta->n_accounts; i++)
        json_array_append_new(accts, json_string(meta->accounts[i]));
    /* "multiple" with no list: a shard with no account of its own (scan --shard), not an id. */
    if (!meta->n_accounts && meta->account_id && strcmp(meta->account_id, "multiple") != 0)
        json_array_append_new(accts, json_string(meta->account_id));
    json_object_set_new(root, "accounts", accts);
    json_object_set_new(root, "partition", json_string(meta->partition));
    json_t *regions = json_array();
    for (size_t i = 0; i < meta->n_regions; i++)
        json_array_append_new(regions, json_string(meta->regions[i]));
    json_object_set_new(root, "regions", regions);
    json_object_set_new(root, "taken_at", json_string(meta->taken_at));
    json_object_set_new(root, "source", json_string(meta->source));
    if (meta->merged_from)
        json_object_set_new(root, "merged_from", s_str_array(meta->merged_from, meta->n_merged_from));
    if (meta->has_run)
        json_object_set_new(root, "run", s_run(meta));
    json_t *arr = json_array();
    for (size_t i = 0; i < f->n; i++)
        json_array_append_new(arr, s_finding(&f->v[i]));
    json_object_set_new(root, "findings", arr);

    struct dw_summary s;
    dw_summary_compute(f, &s);
    json_t *sum = json_object();
    json_t *bys = json_object();
    json_t *bysev = json_object();
    for (int r = 0; r < DW_RESULT_COUNT; r++)
        json_object_set_new(bys, dw_result_str((enum dw_result)r), json_integer((json_int_t)s.by_status[r]));
    for (int v = 0; v < DW_SEV_COUNT; v++) {
        json_t *one = json_object();
        for (int r = 0; r < DW_RESULT_COUNT; r++)
            json_object_set_new(one, dw_result_str((enum dw_result)r),
                                json_integer((json_int_t)s.by_sev_status[v][r]));
        json_object_set_new(bysev, dw_severity_str((enum dw_severity)v), one);
    }
    json_object_set_new(sum, "total", json_integer((json_int_t)f->n));
    json_object_set_new(sum, "by_status", bys);
    json_object_set_new(sum, "by_severity", bysev);
    json_object_set_new(root, "summary", sum);
    return root;
}

enum dw_status dw_report_json(FILE *out, const struct dw_report_meta *meta,
                              const struct dw_findings *f)
{
    json_t *root = dw_report_json_doc(meta, f);
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(root);
    if (rc != 0 || fputc('\n', out) == EOF)
        return DW_E_IO;
    return DW_OK;
}

bool dw_report_glob(const char *pattern, const char *id)
{
    struct dw_control probe;
    memset(&probe, 0, sizeof(probe));
    probe.id = id;
    const char *globs[1] = {pattern};
    return dw_control_selected(&probe, globs, 1);
}
