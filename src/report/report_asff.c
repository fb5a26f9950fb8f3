/* report_asff.c: the AWS Security Finding Format, as the array that
 * `aws securityhub batch-import-findings --findings file://F` takes. Security
 * Hub takes at most 100 findings per call, so the writer writes one batch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_util.h"
#include "util/util.h"

/* A copy of s cut to at most max bytes on a UTF-8 boundary, with "..." when cut. */
static json_t *s_cut(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return json_string(s);
    size_t k = max - 3;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    char *t = dw_xasprintf("%.*s...", (int)k, s);
    json_t *j = json_string(t);
    free(t);
    return j;
}

/* The ASFF resource type for a CloudFormation type, "Other" when ASFF has none. */
static const char *s_type(const char *cfn)
{
    static const char *const map[][2] = {
        {"AWS::DMS::Endpoint", "AwsDmsEndpoint"},
        {"AWS::DMS::ReplicationInstance", "AwsDmsReplicationInstance"},
        {"AWS::DMS::ReplicationTask", "AwsDmsReplicationTask"},
        {"AWS::DynamoDB::Table", "AwsDynamoDbTable"},
        {"AWS::KMS::Key", "AwsKmsKey"},
        {"AWS::CloudTrail::Trail", "AwsCloudTrailTrail"},
        {"AWS::EC2::SecurityGroup", "AwsEc2SecurityGroup"},
        {"AWS::EC2::VPC", "AwsEc2Vpc"},
        {"AWS::IAM::User", "AwsIamUser"},
        {"AWS::IAM::Role", "AwsIamRole"},
        {"AWS::IAM::AccessKey", "AwsIamAccessKey"},
        {"AWS::IAM::ManagedPolicy", "AwsIamPolicy"},
        {"AWS::::Account", "AwsAccount"},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(cfn, map[i][0]) == 0)
            return map[i][1];
    }
    return "Other";
}

static const char *s_compliance(enum dw_result r)
{
    return r == DW_PASS ? "PASSED" : r == DW_FAIL ? "FAILED" : "NOT_AVAILABLE";
}

static json_t *s_finding(const struct dw_report_meta *meta, const char *home, const struct dw_finding *x)
{
    const struct dw_control *c = x->control;
    const char *part = meta->partition ? meta->partition : "aws";
    enum dw_result verdict = x->status == DW_MUTED ? x->muted_from : x->status;
    char fid[65];
    dw_rpt_finding_id(x, fid, sizeof(fid));
    json_t *o = json_object();
    json_object_set_new(o, "SchemaVersion", json_string("2018-10-08"));
    char *id = dw_xasprintf("dbward/%s/%s/%s/%s", x->account_id, x->region, c->id, fid);
    json_object_set_new(o, "Id", json_string(id));
    free(id);
    /* The product ARN names the region the batch is imported into. */
    char *arn = dw_xasprintf("arn:%s:securityhub:%s:%s:product/%s/default", part, home, x->account_id, x->account_id);
    json_object_set_new(o, "ProductArn", json_string(arn));
    free(arn);
    json_object_set_new(o, "ProductName", json_string("dbward"));
    json_object_set_new(o, "CompanyName", json_string("dbward"));
    char *gen = dw_xasprintf("dbward/%s", c->id);
    json_object_set_new(o, "GeneratorId", json_string(gen));
    free(gen);
    json_object_set_new(o, "AwsAccountId", json_string(x->account_id));
    json_t *types = json_array();
    json_array_append_new(types, json_string("Software and Configuration Checks/Industry and Regulatory Standards/NIST CSF Controls"));
    json_object_set_new(o, "Types", types);
    const char *when = meta->taken_at ? meta->taken_at : "1970-01-01T00:00:00Z";
    json_object_set_new(o, "CreatedAt", json_string(when));
    json_object_set_new(o, "UpdatedAt", json_string(when));
    static const char *const labels[DW_SEV_COUNT] = {"LOW", "MEDIUM", "HIGH", "CRITICAL"};
    json_t *sev = json_object();
    /* A control that holds is informational, as Security Hub's own are. */
    json_object_set_new(sev, "Label", json_string(verdict == DW_FAIL || verdict == DW_ERROR ? labels[x->severity]
                                                                                          : "INFORMATIONAL"));
    json_object_set_new(sev, "Original", json_string(dw_severity_str(x->severity)));
    json_object_set_new(o, "Severity", sev);
    char *title = dw_xasprintf("%s %s", c->id, c->title);
    json_object_set_new(o, "Title", s_cut(title, 256));
    free(title);
    json_object_set_new(o, "Description", s_cut(x->reason[0] ? x->reason : c->title, 1024));
    if (verdict == DW_FAIL) {
        struct dw_buf b;
        dw_buf_init(&b, 1u << 20);
        dw_buf_puts(&b, c->fix ? c->fix : c->title);
        for (size_t i = 0; i < x->n_commands; i++) {
            dw_buf_puts(&b, "\n$ ");
            dw_buf_puts(&b, x->commands[i]);
        }
        char *text = dw_buf_steal(&b);
        json_t *rec = json_object();
        json_object_set_new(rec, "Text", s_cut(text, 512));
        free(text);
        json_t *rem = json_object();
        json_object_set_new(rem, "Recommendation", rec);
        json_object_set_new(o, "Remediation", rem);
    }
    json_t *pf = json_object();
    json_object_set_new(pf, "dbward/ControlId", json_string(c->id));
    json_object_set_new(pf, "dbward/Status", json_string(dw_result_str(x->status)));
    json_object_set_new(pf, "dbward/RemediationKind", json_string(dw_fix_kind_str(c->fix_kind)));
    json_object_set_new(pf, "dbward/ResourceType", json_string(x->resource_type));
    json_object_set_new(o, "ProductFields", pf);
    json_t *res = json_object();
    json_object_set_new(res, "Type", json_string(s_type(x->resource_type)));
    char *rid = strncmp(x->resource_id, "arn:", 4) == 0 ? dw_xstrdup(x->resource_id)
                                                         : dw_xasprintf("AWS::::Account:%s", x->account_id);
    json_object_set_new(res, "Id", json_string(rid));
    free(rid);
    json_object_set_new(res, "Partition", json_string(part));
    json_object_set_new(res, "Region", json_string(strcmp(x->region, "global") == 0 ? home : x->region));
    json_t *resources = json_array();
    json_array_append_new(resources, res);
    json_object_set_new(o, "Resources", resources);
    json_t *comp = json_object();
    json_object_set_new(comp, "Status", json_string(s_compliance(verdict)));
    json_object_set_new(comp, "RelatedRequirements", dw_rpt_csf_requirements(c));
    json_object_set_new(o, "Compliance", comp);
    json_t *wf = json_object();
    json_object_set_new(wf, "Status", json_string(x->status == DW_MUTED                          ? "SUPPRESSED"
                                                  : verdict == DW_FAIL || verdict == DW_ERROR ? "NEW"
                                                                                              : "RESOLVED"));
    json_object_set_new(o, "Workflow", wf);
    json_object_set_new(o, "RecordState", json_string(verdict == DW_NOT_APPLICABLE ? "ARCHIVED" : "ACTIVE"));
    return o;
}

enum dw_status dw_report_asff(FILE *out, const struct dw_report_meta *meta, const struct dw_findings *f,
                              size_t start, size_t count, bool one_line)
{
    return dw_report_asff_in(out, meta, f, start, count, one_line, meta->n_regions ? meta->regions[0] : "us-east-1");
}

enum dw_status dw_report_asff_in(FILE *out, const struct dw_report_meta *meta, const struct dw_findings *f,
                                 size_t start, size_t count, bool one_line, const char *home)
{
    json_t *arr = json_array();
    for (size_t i = start; i < f->n && i < start + count; i++)
        json_array_append_new(arr, s_finding(meta, home, &f->v[i]));
    return dw_rpt_dump(out, arr, (one_line ? JSON_COMPACT : JSON_INDENT(2)) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
}
