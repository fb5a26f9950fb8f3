/* report_sarif.c: SARIF 2.1.0 for code-scanning tabs (GitHub and others).
 * Each control is a rule; each FAIL, ERROR and MUTED finding is a result
 * located at its resource ARN. PASS and NOT_APPLICABLE findings are left
 * out: code scanning shows alerts, and a pass is not one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_util.h"
#include "util/util.h"

static const char *s_level(enum dw_severity s)
{
    return s >= DW_SEV_HIGH ? "error" : s == DW_SEV_MEDIUM ? "warning" : "note";
}

/* GitHub reads properties.security-severity, a CVSS-like score as text. */
static const char *s_score(enum dw_severity s)
{
    static const char *const v[DW_SEV_COUNT] = {"3.0", "5.5", "8.0", "9.5"};
    return v[s];
}

/* A URI reference: bytes outside RFC 3986's unreserved, sub-delims, ":",
 * "@", "/" and one "#" are percent-encoded (quotes, "<", spaces, non-ASCII). */
static json_t *s_uri(const char *s)
{
    static const char ok[] = "-._~!$&'()*+,;=:@/";
    struct dw_buf b;
    dw_buf_init(&b, 1u << 20);
    bool hash = false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                     (*p && strchr(ok, *p));
        if (*p == '#' && !hash) {
            hash = true;
            plain = true;
        }
        if (plain)
            dw_buf_append(&b, (const char *)p, 1);
        else
            dw_buf_printf(&b, "%%%02X", *p);
    }
    char *t = dw_buf_steal(&b);
    json_t *j = json_string(t ? t : "");
    free(t);
    return j;
}

static json_t *s_rule(const struct dw_control *c, enum dw_severity sev)
{
    json_t *r = json_object();
    json_object_set_new(r, "id", json_string(c->id));
    json_t *sd = json_object();
    json_object_set_new(sd, "text", json_string(c->title));
    json_object_set_new(r, "shortDescription", sd);
    json_t *fd = json_object();
    json_object_set_new(fd, "text", json_string(c->what ? c->what : c->title));
    json_object_set_new(r, "fullDescription", fd);
    char *text = dw_xasprintf("%s\n\nWhy: %s\n\nAudit: %s\n\nFix: %s", c->what ? c->what : c->title,
                              c->why ? c->why : "-", c->audit ? c->audit : "-", c->fix ? c->fix : "-");
    char *md = dw_xasprintf("**%s**\n\n%s\n\n**Why.** %s\n\n**Audit.** %s\n\n**Fix.** %s", c->title,
                            c->what ? c->what : "", c->why ? c->why : "-", c->audit ? c->audit : "-",
                            c->fix ? c->fix : "-");
    json_t *help = json_object();
    json_object_set_new(help, "text", json_string(text));
    json_object_set_new(help, "markdown", json_string(md));
    free(text);
    free(md);
    json_object_set_new(r, "help", help);
    json_t *cfg = json_object();
    json_object_set_new(cfg, "level", json_string(s_level(sev)));
    json_object_set_new(r, "defaultConfiguration", cfg);
    json_t *props = json_object();
    json_t *tags = json_array();
    json_array_append_new(tags, json_string("security"));
    json_array_append_new(tags, json_string(c->service));
    json_t *csf1 = dw_rpt_csf_array(c, DW_CSF_1_1, "NIST-CSF/");
    json_t *csf2 = dw_rpt_csf_array(c, DW_CSF_2_0, "NIST-CSF-2.0/");
    json_array_extend(tags, csf1);
    json_array_extend(tags, csf2);
    json_decref(csf1);
    json_decref(csf2);
    json_object_set_new(props, "tags", tags);
    json_object_set_new(props, "security-severity", json_string(s_score(sev)));
    json_object_set_new(props, "precision", json_string("very-high"));
    json_object_set_new(props, "severity", json_string(dw_severity_str(sev)));
    json_object_set_new(props, "nist_csf", dw_rpt_csf_array(c, DW_CSF_1_1, NULL));
    json_object_set_new(props, "nist_csf2", dw_rpt_csf_array(c, DW_CSF_2_0, NULL));
    json_object_set_new(props, "control_statements", dw_rpt_cs_array(c));
    json_object_set_new(props, "remediation_kind", json_string(dw_fix_kind_str(c->fix_kind)));
    json_object_set_new(r, "properties", props);
    return r;
}

static json_t *s_strings(char **v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *s_result(const struct dw_report_meta *meta, const struct dw_finding *x, size_t rule_index)
{
    json_t *r = json_object();
    enum dw_result st = x->status == DW_MUTED ? x->muted_from : x->status;
    json_object_set_new(r, "ruleId", json_string(x->control->id));
    json_object_set_new(r, "ruleIndex", json_integer((json_int_t)rule_index));
    json_object_set_new(r, "kind", json_string(st == DW_ERROR ? "review" : "fail"));
    json_object_set_new(r, "level", json_string(st == DW_ERROR ? "warning" : s_level(x->severity)));
    char *msg = st == DW_ERROR ? dw_xasprintf("Could not be evaluated: %s", x->reason)
                               : dw_xasprintf("%s: %s", x->control->title, x->reason);
    json_t *m = json_object();
    json_object_set_new(m, "text", json_string(msg));
    free(msg);
    json_object_set_new(r, "message", m);

    /* The location is the resource ARN; resources without one (the account
     * in a region) point at the account's root ARN. */
    char *uri = strncmp(x->resource_id, "arn:", 4) == 0
                    ? dw_xstrdup(x->resource_id)
                    : dw_xasprintf("arn:%s:iam::%s:root", meta->partition ? meta->partition : "aws", x->account_id);
    json_t *al = json_object();
    json_object_set_new(al, "uri", s_uri(uri));
    free(uri);
    json_t *region = json_object();
    json_object_set_new(region, "startLine", json_integer(1));
    json_t *pl = json_object();
    json_object_set_new(pl, "artifactLocation", al);
    json_object_set_new(pl, "region", region);
    json_t *ll = json_object();
    json_object_set_new(ll, "fullyQualifiedName", json_string(x->resource_id));
    json_object_set_new(ll, "kind", json_string("resource"));
    json_t *lls = json_array();
    json_array_append_new(lls, ll);
    json_t *loc = json_object();
    json_object_set_new(loc, "physicalLocation", pl);
    json_object_set_new(loc, "logicalLocations", lls);
    json_t *locs = json_array();
    json_array_append_new(locs, loc);
    json_object_set_new(r, "locations", locs);

    char fid[33];
    dw_rpt_finding_id(x, fid, sizeof(fid));
    json_t *fp = json_object();
    json_object_set_new(fp, "dbwardFinding/v1", json_string(fid));
    json_object_set_new(r, "partialFingerprints", fp);

    if (x->status == DW_MUTED) {
        json_t *s = json_object();
        json_object_set_new(s, "kind", json_string("external"));
        json_object_set_new(s, "status", json_string("accepted"));
        json_object_set_new(s, "justification", json_string(x->muted_reason ? x->muted_reason : ""));
        json_t *ss = json_array();
        json_array_append_new(ss, s);
        json_object_set_new(r, "suppressions", ss);
    }
    json_t *props = json_object();
    json_object_set_new(props, "status", json_string(dw_result_str(x->status)));
    json_object_set_new(props, "severity", json_string(dw_severity_str(x->severity)));
    json_object_set_new(props, "account_id", json_string(x->account_id));
    json_object_set_new(props, "region", json_string(x->region));
    json_object_set_new(props, "resource_type", json_string(x->resource_type));
    json_object_set_new(props, "remediation_commands", s_strings(x->commands, x->n_commands));
    json_object_set_new(props, "remediation_notes", s_strings(x->notes, x->n_notes));
    if (x->muted_until)
        json_object_set_new(props, "muted_until", json_string(x->muted_until));
    json_object_set_new(r, "properties", props);
    return r;
}

struct s_results {
    struct dw_jw *w;
    const struct dw_report_meta *meta;
};

static enum dw_status s_result_one(void *user, const struct dw_finding *x, size_t ctl)
{
    struct s_results *r = user;
    enum dw_result st = x->status == DW_MUTED ? x->muted_from : x->status;
    if (st != DW_FAIL && st != DW_ERROR)
        return DW_OK;
    json_t *res = s_result(r->meta, x, ctl);
    dw_jw_value(r->w, res);
    json_decref(res);
    return dw_jw_status(r->w);
}

/* Written as it goes: the rules (every control that has a finding, in
 * first-seen order) and the counts are the source's, known before the
 * first result. */
enum dw_status dw_report_sarif_src(FILE *out, const struct dw_report_meta *meta, struct dw_fsrc *src)
{
    json_t *jrules = json_array();
    for (size_t c = 0; c < dw_fsrc_n_ctl(src); c++)
        json_array_append_new(jrules, s_rule(dw_fsrc_ctl(src, c)->control, dw_fsrc_ctl(src, c)->severity));
    json_t *driver = json_object();
    json_object_set_new(driver, "name", json_string("dbward"));
    json_object_set_new(driver, "version", json_string(dw_version()));
    json_object_set_new(driver, "semanticVersion", json_string(dw_version()));
    json_object_set_new(driver, "rules", jrules);
    json_t *tool = json_object();
    json_object_set_new(tool, "driver", driver);

    json_t *inv = json_object();
    json_object_set_new(inv, "executionSuccessful", json_true());
    json_t *iprops = json_object();
    json_object_set_new(iprops, "source", json_string(meta->source ? meta->source : ""));
    json_object_set_new(iprops, "taken_at", json_string(meta->taken_at ? meta->taken_at : ""));
    json_object_set_new(inv, "properties", iprops);
    json_t *invs = json_array();
    json_array_append_new(invs, inv);

    char *auto_id = dw_xasprintf("dbward/%s/", meta->account_id ? meta->account_id : "unknown");
    json_t *ad = json_object();
    json_object_set_new(ad, "id", json_string(auto_id));
    free(auto_id);

    json_t *rprops = json_object();
    json_object_set_new(rprops, "account_id", json_string(meta->account_id ? meta->account_id : ""));
    json_object_set_new(rprops, "partition", json_string(meta->partition ? meta->partition : ""));
    json_t *regions = json_array();
    for (size_t i = 0; i < meta->n_regions; i++)
        json_array_append_new(regions, json_string(meta->regions[i]));
    json_object_set_new(rprops, "regions", regions);
    const struct dw_summary *sum = dw_fsrc_summary(src);
    json_t *counts = json_object();
    for (int r = 0; r < DW_RESULT_COUNT; r++)
        json_object_set_new(counts, dw_result_str((enum dw_result)r), json_integer((json_int_t)sum->by_status[r]));
    json_object_set_new(rprops, "summary", counts);

    struct dw_jw w;
    dw_jw_init(&w, out);
    dw_jw_object(&w);
    dw_jw_kstring(&w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
    dw_jw_kstring(&w, "version", "2.1.0");
    dw_jw_key(&w, "runs");
    dw_jw_array(&w);
    dw_jw_object(&w);
    dw_jw_key(&w, "tool");
    dw_jw_value(&w, tool);
    dw_jw_key(&w, "automationDetails");
    dw_jw_value(&w, ad);
    dw_jw_key(&w, "invocations");
    dw_jw_value(&w, invs);
    dw_jw_key(&w, "results");
    dw_jw_array(&w);
    struct s_results r = {&w, meta};
    enum dw_status rc = dw_fsrc_each(src, DW_FSRC_ALL, -1, -1, s_result_one, &r);
    dw_jw_end(&w);
    dw_jw_key(&w, "properties");
    dw_jw_value(&w, rprops);
    dw_jw_end(&w);
    dw_jw_end(&w);
    dw_jw_end(&w);
    json_decref(tool);
    json_decref(ad);
    json_decref(invs);
    json_decref(rprops);
    if (rc || dw_jw_status(&w) != DW_OK || fputc('\n', out) == EOF)
        return rc ? rc : DW_E_IO;
    return DW_OK;
}

enum dw_status dw_report_sarif(FILE *out, const struct dw_report_meta *meta, const struct dw_findings *f)
{
    struct dw_fsrc *src = dw_fsrc_memory(f);
    enum dw_status rc = dw_report_sarif_src(out, meta, src);
    dw_fsrc_free(src);
    return rc;
}
