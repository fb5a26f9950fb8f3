/* report_ocsf.c: OCSF 1.1.0 Compliance Finding events (class 2003), one
 * JSON object per line, for SIEMs (Splunk, Security Lake, ...). Every
 * finding is an event; the compliance object carries the verdict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_util.h"
#include "util/util.h"

#define S_OCSF_VERSION "1.1.0"

/* OCSF severity_id: 2 Low, 3 Medium, 4 High, 5 Critical. */
static int s_severity_id(enum dw_severity s)
{
    return (int)s + 2;
}

static const char *s_severity_name(enum dw_severity s)
{
    static const char *const v[DW_SEV_COUNT] = {"Low", "Medium", "High", "Critical"};
    return v[s];
}

/* compliance.status_id: 0 Unknown, 1 Pass, 3 Fail, 99 Other. */
static void s_compliance_status(enum dw_result r, int *id, const char **name)
{
    switch (r) {
    case DW_PASS: *id = 1; *name = "Pass"; break;
    case DW_FAIL: *id = 3; *name = "Fail"; break;
    case DW_NOT_APPLICABLE: *id = 99; *name = "Not Applicable"; break;
    default: *id = 0; *name = "Unknown"; break; /* ERROR: could not be evaluated */
    }
}

static json_t *s_event(const struct dw_report_meta *meta, const struct dw_finding *x, json_int_t time_ms)
{
    const struct dw_control *c = x->control;
    enum dw_result verdict = x->status == DW_MUTED ? x->muted_from : x->status;
    char fid[65];
    dw_rpt_finding_id(x, fid, sizeof(fid));
    json_t *e = json_object();
    json_object_set_new(e, "activity_id", json_integer(1));
    json_object_set_new(e, "activity_name", json_string("Create"));
    json_object_set_new(e, "category_uid", json_integer(2));
    json_object_set_new(e, "category_name", json_string("Findings"));
    json_object_set_new(e, "class_uid", json_integer(2003));
    json_object_set_new(e, "class_name", json_string("Compliance Finding"));
    json_object_set_new(e, "type_uid", json_integer(200301));
    json_object_set_new(e, "type_name", json_string("Compliance Finding: Create"));
    json_object_set_new(e, "severity_id", json_integer(s_severity_id(x->severity)));
    json_object_set_new(e, "severity", json_string(s_severity_name(x->severity)));
    /* Finding status: 1 New, 3 Suppressed, 4 Resolved. */
    int st = x->status == DW_MUTED ? 3 : (verdict == DW_FAIL || verdict == DW_ERROR) ? 1 : 4;
    json_object_set_new(e, "status_id", json_integer(st));
    json_object_set_new(e, "status", json_string(st == 3 ? "Suppressed" : st == 1 ? "New" : "Resolved"));
    json_object_set_new(e, "time", json_integer(time_ms));
    json_object_set_new(e, "message", json_string(x->reason));

    json_t *product = json_object();
    json_object_set_new(product, "name", json_string("dbward"));
    json_object_set_new(product, "vendor_name", json_string("dbward"));
    json_object_set_new(product, "version", json_string(dw_version()));
    json_t *profiles = json_array();
    json_array_append_new(profiles, json_string("cloud"));
    json_t *md = json_object();
    json_object_set_new(md, "version", json_string(S_OCSF_VERSION));
    json_object_set_new(md, "product", product);
    json_object_set_new(md, "profiles", profiles);
    json_object_set_new(md, "uid", json_string(fid));
    json_object_set_new(e, "metadata", md);

    json_t *acct = json_object();
    json_object_set_new(acct, "uid", json_string(x->account_id));
    json_object_set_new(acct, "type", json_string("AWS Account"));
    json_object_set_new(acct, "type_id", json_integer(10));
    json_t *cloud = json_object();
    json_object_set_new(cloud, "provider", json_string("AWS"));
    if (strcmp(x->region, "global") != 0)
        json_object_set_new(cloud, "region", json_string(x->region));
    json_object_set_new(cloud, "account", acct);
    json_object_set_new(e, "cloud", cloud);

    json_t *types = json_array();
    json_array_append_new(types, json_string("Software and Configuration Checks"));
    json_t *fi = json_object();
    json_object_set_new(fi, "uid", json_string(fid));
    json_object_set_new(fi, "title", json_string(c->title));
    json_object_set_new(fi, "desc", json_string(c->what ? c->what : c->title));
    json_object_set_new(fi, "types", types);
    json_object_set_new(fi, "created_time", json_integer(time_ms));
    json_object_set_new(fi, "product_uid", json_string(c->id));
    json_object_set_new(e, "finding_info", fi);

    int cid;
    const char *cname;
    s_compliance_status(verdict, &cid, &cname);
    json_t *reqs = dw_rpt_csf_requirements(c);
    json_t *stds = json_array();
    json_array_append_new(stds, json_string("NIST CSF 1.1"));
    json_array_append_new(stds, json_string("NIST CSF 2.0"));
    json_array_append_new(stds, json_string("Company control statements"));
    json_t *comp = json_object();
    json_object_set_new(comp, "control", json_string(c->id));
    json_object_set_new(comp, "standards", stds);
    json_object_set_new(comp, "requirements", reqs);
    json_object_set_new(comp, "status_id", json_integer(cid));
    json_object_set_new(comp, "status", json_string(cname));
    json_object_set_new(comp, "status_detail", json_string(x->reason));
    json_object_set_new(e, "compliance", comp);

    json_t *res = json_object();
    json_object_set_new(res, "uid", json_string(x->resource_id));
    json_object_set_new(res, "type", json_string(x->resource_type));
    if (strcmp(x->region, "global") != 0)
        json_object_set_new(res, "region", json_string(x->region));
    json_object_set_new(res, "cloud_partition", json_string(meta->partition ? meta->partition : "aws"));
    json_t *racct = json_object();
    json_object_set_new(racct, "uid", json_string(x->account_id));
    json_object_set_new(res, "account", racct);
    json_t *resources = json_array();
    json_array_append_new(resources, res);
    json_object_set_new(e, "resources", resources);

    if (verdict == DW_FAIL) {
        json_t *rem = json_object();
        json_object_set_new(rem, "desc", json_string(c->fix ? c->fix : c->title));
        json_object_set_new(e, "remediation", rem);
    }
    json_t *un = json_object();
    json_object_set_new(un, "dbward_status", json_string(dw_result_str(x->status)));
    json_object_set_new(un, "remediation_kind", json_string(dw_fix_kind_str(c->fix_kind)));
    json_t *cmds = json_array();
    for (size_t i = 0; i < x->n_commands; i++)
        json_array_append_new(cmds, json_string(x->commands[i]));
    json_object_set_new(un, "remediation_commands", cmds);
    if (x->status == DW_MUTED) {
        json_object_set_new(un, "muted_reason", json_string(x->muted_reason ? x->muted_reason : ""));
        if (x->muted_until)
            json_object_set_new(un, "muted_until", json_string(x->muted_until));
    }
    json_object_set_new(e, "unmapped", un);
    return e;
}

struct s_events {
    FILE *out;
    const struct dw_report_meta *meta;
    json_int_t time_ms;
};

static enum dw_status s_event_one(void *user, const struct dw_finding *x, size_t ctl)
{
    (void)ctl;
    struct s_events *e = user;
    return dw_rpt_dump(e->out, s_event(e->meta, x, e->time_ms), JSON_COMPACT | JSON_PRESERVE_ORDER);
}

enum dw_status dw_report_ocsf_src(FILE *out, const struct dw_report_meta *meta, struct dw_fsrc *src)
{
    struct s_events e = {out, meta, (json_int_t)dw_rpt_taken_at(meta) * 1000};
    enum dw_status rc = dw_fsrc_each(src, DW_FSRC_ALL, -1, -1, s_event_one, &e);
    return rc ? rc : ferror(out) ? DW_E_IO : DW_OK;
}

enum dw_status dw_report_ocsf(FILE *out, const struct dw_report_meta *meta, const struct dw_findings *f)
{
    struct dw_fsrc *src = dw_fsrc_memory(f);
    enum dw_status rc = dw_report_ocsf_src(out, meta, src);
    dw_fsrc_free(src);
    return rc;
}
