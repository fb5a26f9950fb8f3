/* report_doc.c: the JSON report as read back (dbward/finding.h): one place
 * that says what a dbward report is, so diff, merge and remediate accept
 * and refuse the same documents with the same words. */
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include <dbward/finding.h>

enum dw_status dw_report_doc_check(const json_t *doc, const char *source, struct dw_error *err)
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

size_t dw_report_doc_count(const json_t *doc)
{
    return json_array_size(json_object_get(doc, "findings"));
}

static const char *s_str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

void dw_report_doc_finding(const json_t *doc, size_t i, struct dw_finding_view *out)
{
    dw_finding_view_of(json_array_get(json_object_get(doc, "findings"), i), out);
}

void dw_finding_view_of(const json_t *f, struct dw_finding_view *out)
{
    const json_t *rem = json_object_get(f, "remediation");
    memset(out, 0, sizeof(*out));
    out->raw = f;
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
    const json_t *sup = json_object_get(f, "suppression");
    out->muted_reason = s_str(sup, "reason");
    out->muted_until = s_str(sup, "expires");
    out->muted_from = s_str(sup, "original_status");
}

void dw_report_doc_meta_of(const json_t *doc, struct dw_report_doc_meta *out)
{
    memset(out, 0, sizeof(*out));
    out->account_id = s_str(doc, "account_id");
    out->partition = s_str(doc, "partition");
    out->taken_at = s_str(doc, "taken_at");
    out->source = s_str(doc, "source");
    out->accounts = json_object_get(doc, "accounts");
    out->regions = json_object_get(doc, "regions");
    out->run = json_object_get(doc, "run");
}

bool dw_report_doc_evaluated(const json_t *doc, const char *control_id)
{
    const json_t *ids = json_object_get(json_object_get(doc, "run"), "controls");
    if (!json_is_array(ids))
        return true;
    size_t i;
    const json_t *v;
    json_array_foreach(ids, i, v)
    {
        const char *s = json_string_value(v);
        if (s && control_id && strcasecmp(s, control_id) == 0)
            return true;
    }
    return false;
}

char *dw_finding_view_key(const struct dw_finding_view *v)
{
    return dw_finding_key(v->account_id, v->region, v->control_id, v->resource_id);
}

const char *dw_str_or_empty(const char *s) { return s ? s : ""; }
