/* test_report.c: the text and JSON writers on a fixed set of findings,
 * including escaping of quotes, control characters and non-ASCII text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dbward/report.h>

#include "report/json_out.h"
#include "report/report_util.h"
#include "util/util.h"

static char *s_str(char **v, size_t *n, const char *s)
{
    (void)v;
    (void)n;
    return dw_xstrdup(s);
}

static void s_fixture_more(struct dw_findings *f);

static void s_fixture(struct dw_findings *f)
{
    memset(f, 0, sizeof(*f));
    f->cap = 6;
    f->v = dw_xcalloc(f->cap, sizeof(*f->v));
    static const struct {
        const char *id;
        enum dw_result st;
        const char *rid, *reason, *cmd;
    } rows[] = {
        {"DMS-01", DW_FAIL, "arn:aws:dms:us-east-1:123456789012:rep:A\"B,<x>&", "PubliclyAccessible is true",
         "aws dms delete-replication-instance --replication-instance-arn X"},
        {"DMS-01", DW_PASS, "arn:aws:dms:us-east-1:123456789012:rep:C", "PubliclyAccessible is false", NULL},
        {"DDB-12", DW_ERROR, "arn:aws:dynamodb:us-east-1:123456789012:table/caf\xc3\xa9",
         "line one\nline \"two\"\twith tab", NULL},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(rows); i++) {
        struct dw_finding *x = &f->v[f->n++];
        x->control = dw_catalog_find(rows[i].id);
        x->status = rows[i].st;
        x->severity = x->control->severity;
        x->resource_type = s_str(NULL, NULL, x->control->resource_type);
        x->resource_id = s_str(NULL, NULL, rows[i].rid);
        x->region = s_str(NULL, NULL, "us-east-1");
        x->account_id = s_str(NULL, NULL, "123456789012");
        x->reason = s_str(NULL, NULL, rows[i].reason);
        if (rows[i].cmd) {
            x->commands = dw_xcalloc(1, sizeof(char *));
            x->commands[0] = dw_xstrdup(rows[i].cmd);
            x->n_commands = 1;
            x->notes = dw_xcalloc(1, sizeof(char *));
            x->notes[0] = dw_xstrdup("think first");
            x->n_notes = 1;
        }
    }
}

/* Two more findings for the interchange formats: a muted failure whose
 * reason holds markup and a comma, and an account-level resource (no ARN). */
static void s_fixture_more(struct dw_findings *f)
{
    s_fixture(f);
    struct dw_finding *x = &f->v[f->n++];
    x->control = dw_catalog_find("DDB-10");
    x->status = DW_MUTED;
    x->muted_from = DW_FAIL;
    x->muted_reason = dw_xstrdup("accepted <risk> & \"ticket\", SEC-1");
    x->muted_until = dw_xstrdup("2027-03-31");
    x->severity = x->control->severity;
    x->resource_type = dw_xstrdup(x->control->resource_type);
    x->resource_id = dw_xstrdup("arn:aws:dynamodb:eu-west-1:123456789012:table/t\xc3\xa4<b>");
    x->region = dw_xstrdup("eu-west-1");
    x->account_id = dw_xstrdup("123456789012");
    x->reason = dw_xstrdup("no tag 'owner', expected \"owner\" & <cost-center>");
    x = &f->v[f->n++];
    x->control = dw_catalog_find("ACC-01");
    x->status = DW_NOT_APPLICABLE;
    x->severity = x->control->severity;
    x->resource_type = dw_xstrdup("AWS::::Account");
    x->resource_id = dw_xstrdup("123456789012/eu-west-1");
    x->region = dw_xstrdup("eu-west-1");
    x->account_id = dw_xstrdup("123456789012");
    x->reason = dw_xstrdup("no DMS or DynamoDB resources in eu-west-1");
}

static const char *s_regions[] = {"us-east-1"};
static const struct dw_report_meta s_meta = {.account_id = "123456789012", .partition = "aws", .regions = s_regions, .n_regions = 1,
                                             .taken_at = "2026-01-10T00:00:00Z", .source = "snap"};

static char *s_render(bool json, bool color)
{
    struct dw_findings f;
    s_fixture(&f);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    enum dw_status rc = json ? dw_report_json(out, &s_meta, &f) : dw_report_text(out, &s_meta, &f, color);
    assert_int_equal(rc, DW_OK);
    fclose(out);
    dw_findings_clean_up(&f);
    return buf;
}

static void test_text_exact(void **state)
{
    (void)state;
    char *got = s_render(false, false);
    char *want = dw_xasprintf(
        "dbward %s  account 123456789012 (aws)  regions us-east-1\n"
        "source snap, taken at 2026-01-10T00:00:00Z\n"
        "\n"
        "FAIL: 1 findings failed (critical 0, high 1, medium 0, low 0)\n"
        "\n"
        "DMS-01  high  DMS replication instances are not publicly accessible  "
        "[CSF 1.1: PR.AC-3 PR.AC-5 PR.PT-4; 2.0: PR.AA-03 PR.AA-05 PR.IR-01]\n"
        "  FAIL           us-east-1      arn:aws:dms:us-east-1:123456789012:rep:A\"B,<x>&\n"
        "      PubliclyAccessible is true\n"
        "      fix (recreate):\n"
        "        $ aws dms delete-replication-instance --replication-instance-arn X\n"
        "      note: think first\n"
        "\n"
        "ERROR: 1 findings could not be evaluated (critical 0, high 0, medium 1, low 0)\n"
        "\n"
        "DDB-12  medium  DynamoDB tables have deletion protection  [CSF 1.1: PR.IP-4; 2.0: PR.DS-11]\n"
        "  ERROR          us-east-1      arn:aws:dynamodb:us-east-1:123456789012:table/caf\xc3\xa9\n"
        "      line one\n"
        "      line \"two\"\twith tab\n"
        "\n"
        "PASS and NOT_APPLICABLE, per control:\n"
        "  DMS-01      1 PASS    0 NOT_APPLICABLE  DMS replication instances are not publicly accessible\n"
        "\n"
        "Summary  3 findings: PASS 1 FAIL 1 ERROR 1 NOT_APPLICABLE 0 MUTED 0\n"
        "  critical  PASS 0 FAIL 0 ERROR 0 NOT_APPLICABLE 0 MUTED 0\n"
        "  high      PASS 1 FAIL 1 ERROR 0 NOT_APPLICABLE 0 MUTED 0\n"
        "  medium    PASS 0 FAIL 0 ERROR 1 NOT_APPLICABLE 0 MUTED 0\n"
        "  low       PASS 0 FAIL 0 ERROR 0 NOT_APPLICABLE 0 MUTED 0\n",
        dw_version());
    assert_string_equal(got, want);
    free(want);
    free(got);
    got = s_render(false, true);
    assert_non_null(strstr(got, "\033[31mFAIL"));
    free(got);
}

static void test_json_fields(void **state)
{
    (void)state;
    char *got = s_render(true, false);
    json_error_t jerr;
    json_t *root = json_loads(got, 0, &jerr);
    assert_non_null(root);
    /* ASCII-only output: non-ASCII is escaped, so the bytes are never mangled. */
    for (const char *p = got; *p; p++)
        assert_true((unsigned char)*p < 0x80);
    assert_string_equal(json_string_value(json_object_get(json_object_get(root, "tool"), "name")), "dbward");
    assert_string_equal(json_string_value(json_object_get(root, "account_id")), "123456789012");
    json_t *fs = json_object_get(root, "findings");
    assert_int_equal(json_array_size(fs), 3);
    json_t *f0 = json_array_get(fs, 0);
    static const char *const keys[] = {"control_id", "title", "status", "severity", "resource_type",
                                       "resource_id", "region", "account_id", "reason", "nist_csf",
                                       "nist_csf2", "control_statements", "remediation"};
    assert_int_equal(json_object_size(f0), DW_ARRAY_LEN(keys));
    for (size_t i = 0; i < DW_ARRAY_LEN(keys); i++)
        assert_non_null(json_object_get(f0, keys[i]));
    assert_string_equal(json_string_value(json_object_get(f0, "resource_id")),
                        "arn:aws:dms:us-east-1:123456789012:rep:A\"B,<x>&");
    assert_string_equal(json_string_value(json_object_get(f0, "resource_type")), "AWS::DMS::ReplicationInstance");
    assert_int_equal(json_integer_value(json_array_get(json_object_get(f0, "control_statements"), 0)), 6);
    assert_string_equal(json_string_value(json_array_get(json_object_get(f0, "nist_csf"), 2)), "PR.PT-4");
    /* NIST's successors of PR.AC-3, PR.AC-5 and PR.PT-4, once each, PR.AA-06 (physical) left out. */
    json_t *csf2 = json_object_get(f0, "nist_csf2");
    assert_int_equal(json_array_size(csf2), 3);
    assert_string_equal(json_string_value(json_array_get(csf2, 0)), "PR.AA-03");
    assert_string_equal(json_string_value(json_array_get(csf2, 1)), "PR.AA-05");
    assert_string_equal(json_string_value(json_array_get(csf2, 2)), "PR.IR-01");
    assert_string_equal(json_string_value(json_array_get(json_object_get(json_array_get(fs, 2), "nist_csf2"), 0)),
                        "PR.DS-11");
    assert_int_equal(json_integer_value(json_object_get(root, "schema_version")), 2);
    json_t *rem = json_object_get(f0, "remediation");
    assert_string_equal(json_string_value(json_object_get(rem, "kind")), "recreate");
    assert_int_equal(json_array_size(json_object_get(rem, "commands")), 1);
    json_t *f2 = json_array_get(fs, 2);
    assert_string_equal(json_string_value(json_object_get(f2, "reason")), "line one\nline \"two\"\twith tab");
    assert_string_equal(json_string_value(json_object_get(f2, "resource_id")),
                        "arn:aws:dynamodb:us-east-1:123456789012:table/caf\xc3\xa9");
    json_t *sum = json_object_get(root, "summary");
    assert_int_equal(json_integer_value(json_object_get(sum, "total")), 3);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(sum, "by_status"), "ERROR")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(sum, "by_severity"), "high"), "FAIL")), 1);
    json_decref(root);
    free(got);
}

static char *s_render_fn(int which)
{
    struct dw_findings f;
    s_fixture(&f);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    enum dw_status rc = which == 0   ? dw_report_csv(out, &f)
                        : which == 1 ? dw_report_junit(out, &f)
                        : which == 2 ? dw_report_matrix(out, &f, DW_CSF_2_0, true)
                                     : dw_report_matrix(out, &f, DW_CSF_1_1, true);
    assert_int_equal(rc, DW_OK);
    fclose(out);
    dw_findings_clean_up(&f);
    return buf;
}

static void test_csv_exact(void **state)
{
    (void)state;
    char *got = s_render_fn(0);
    const char *want =
        "account_id,region,control_id,title,severity,status,resource_type,resource_id,reason,nist_csf,nist_csf2,"
        "control_statements,remediation_kind,remediation_commands,muted_reason,muted_until\r\n"
        "123456789012,us-east-1,DMS-01,DMS replication instances are not publicly accessible,high,FAIL,"
        "AWS::DMS::ReplicationInstance,\"arn:aws:dms:us-east-1:123456789012:rep:A\"\"B,<x>&\",PubliclyAccessible is true,"
        "PR.AC-3;PR.AC-5;PR.PT-4,PR.AA-03;PR.AA-05;PR.IR-01,6,recreate,aws dms delete-replication-instance --replication-instance-arn X,,\r\n"
        "123456789012,us-east-1,DMS-01,DMS replication instances are not publicly accessible,high,PASS,"
        "AWS::DMS::ReplicationInstance,arn:aws:dms:us-east-1:123456789012:rep:C,PubliclyAccessible is false,"
        "PR.AC-3;PR.AC-5;PR.PT-4,PR.AA-03;PR.AA-05;PR.IR-01,6,recreate,,,\r\n"
        "123456789012,us-east-1,DDB-12,DynamoDB tables have deletion protection,medium,ERROR,AWS::DynamoDB::Table,"
        "arn:aws:dynamodb:us-east-1:123456789012:table/caf\xc3\xa9,\"line one\\nline \"\"two\"\"\twith tab\",PR.IP-4,PR.DS-11,,"
        "in-place,,,\r\n";
    assert_string_equal(got, want);
    free(got);
}

/* The two cell rules: no raw line break in a record, and no cell a
 * spreadsheet would run as a formula. Expected bytes written by hand. */
static void test_csv_cells_safe(void **state)
{
    (void)state;
    static const struct {
        const char *reason, *cell;
    } cases[] = {
        {"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
        {"+1", "'+1"},
        {"-cmd", "'-cmd"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"\tx", "'\tx"},
        {"'quoted", "''quoted"},
        {"a\r\nb", "a\\r\\nb"},
        {"back\\slash", "back\\\\slash"},
        {"a=b", "a=b"},
        {"", ""},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        struct dw_findings f;
        s_fixture(&f);
        free(f.v[1].reason);
        f.v[1].reason = dw_xstrdup(cases[i].reason);
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);
        assert_int_equal(dw_report_csv(out, &f), DW_OK);
        fclose(out);
        dw_findings_clean_up(&f);
        /* The second record: ...,PASS,type,id,<reason>,nist... */
        const char *rec = strstr(buf, "rep:C,");
        assert_non_null(rec);
        rec += strlen("rep:C,");
        char *want = dw_xasprintf("%s,PR.AC-3;", cases[i].cell);
        if (strncmp(rec, want, strlen(want)) != 0)
            fail_msg("case %zu: got %.60s, want %s", i, rec, want);
        free(want);
        size_t lines = 0;
        for (const char *p = buf; *p; p++)
            lines += *p == '\n';
        assert_int_equal(lines, 4); /* header and three records, one line each */
        free(buf);
    }
}

static void test_junit_exact(void **state)
{
    (void)state;
    char *got = s_render_fn(1);
    const char *want =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"dbward\" tests=\"3\" failures=\"1\" errors=\"1\" skipped=\"0\">\n"
        "  <testsuite name=\"DMS-01 DMS replication instances are not publicly accessible\" tests=\"2\" "
        "failures=\"1\" errors=\"0\" skipped=\"0\">\n"
        "    <testcase classname=\"DMS-01\" name=\"arn:aws:dms:us-east-1:123456789012:rep:A&quot;B,&lt;x&gt;&amp; "
        "(us-east-1)\">\n"
        "      <failure message=\"PubliclyAccessible is true\" type=\"high\">PubliclyAccessible is true\n"
        "$ aws dms delete-replication-instance --replication-instance-arn X\nnote: think first</failure>\n"
        "    </testcase>\n"
        "    <testcase classname=\"DMS-01\" name=\"arn:aws:dms:us-east-1:123456789012:rep:C (us-east-1)\"/>\n"
        "  </testsuite>\n"
        "  <testsuite name=\"DDB-12 DynamoDB tables have deletion protection\" tests=\"1\" failures=\"0\" "
        "errors=\"1\" skipped=\"0\">\n"
        "    <testcase classname=\"DDB-12\" name=\"arn:aws:dynamodb:us-east-1:123456789012:table/caf\xc3\xa9 "
        "(us-east-1)\">\n"
        "      <error message=\"line one\nline &quot;two&quot;\twith tab\" type=\"ERROR\"/>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n";
    assert_string_equal(got, want);
    free(got);
}

static void test_matrix(void **state)
{
    (void)state;
    /* CSF 2.0, the default: a finding counts once under each subcategory,
     * even where two of its 1.1 ids lead to the same one (PR.IR-01). */
    char *got = s_render_fn(2);
    assert_non_null(strstr(got, "## NIST CSF 2.0 subcategories\n"));
    assert_non_null(strstr(got, "| PR.AA-03 | DMS-01 | 1 | 1 | 0 | 0 |"));
    assert_non_null(strstr(got, "| PR.AA-05 | DMS-01 | 1 | 1 | 0 | 0 |"));
    assert_non_null(strstr(got, "| PR.IR-01 | DMS-01 | 1 | 1 | 0 | 0 |"));
    assert_non_null(strstr(got, "| PR.DS-11 | DDB-12 | 0 | 0 | 1 | 0 |"));
    assert_null(strstr(got, "PR.AC-"));
    assert_null(strstr(got, "PR.AA-06"));
    assert_non_null(strstr(got, "| CS-06 | DMS-01 | 1 | 1 | 0 | 0 |"));
    free(got);
    got = s_render_fn(3);
    assert_non_null(strstr(got, "## NIST CSF 1.1 subcategories\n"));
    assert_non_null(strstr(got, "| PR.AC-3 | DMS-01 | 1 | 1 | 0 | 0 |"));
    assert_non_null(strstr(got, "| PR.PT-4 | DMS-01 | 1 | 1 | 0 | 0 |"));
    assert_non_null(strstr(got, "| PR.IP-4 | DDB-12 | 0 | 0 | 1 | 0 |"));
    assert_null(strstr(got, "PR.AA-"));
    assert_non_null(strstr(got, "| CS-06 | DMS-01 | 1 | 1 | 0 | 0 |"));
    free(got);
}

/* Replaces every occurrence of from in s (heap) with to; frees s. */
static char *s_subst(char *s, const char *from, const char *to)
{
    struct dw_buf b;
    dw_buf_init(&b, 1u << 26);
    const char *p = s;
    for (const char *hit; from[0] && (hit = strstr(p, from)) != NULL; p = hit + strlen(from)) {
        dw_buf_append(&b, p, (size_t)(hit - p));
        dw_buf_puts(&b, to);
    }
    dw_buf_puts(&b, p);
    free(s);
    return dw_buf_steal(&b);
}

/* Renders the extended fixture in one format and compares it byte for byte
 * with tests/data/reports/fixture.<ext>, where the tool's version and commit
 * are spelled @VERSION@ and @COMMIT@. DW_REGEN_GOLDEN=1 rewrites the file. */
static void s_golden(const char *fmt, const char *ext)
{
    struct dw_findings f;
    s_fixture_more(&f);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    enum dw_status rc = DW_E_USAGE;
    if (strcmp(fmt, "sarif") == 0)
        rc = dw_report_sarif(out, &s_meta, &f);
    else if (strcmp(fmt, "ocsf") == 0)
        rc = dw_report_ocsf(out, &s_meta, &f);
    else if (strcmp(fmt, "asff") == 0)
        rc = dw_report_asff(out, &s_meta, &f, 0, DW_ASFF_BATCH, false);
    else if (strcmp(fmt, "html") == 0)
        rc = dw_report_html(out, &s_meta, &f);
    assert_int_equal(rc, DW_OK);
    fclose(out);
    dw_findings_clean_up(&f);
    char *got = s_subst(s_subst(buf, dw_version(), "@VERSION@"), dw_git_commit(), "@COMMIT@");
    char *path = dw_xasprintf("data/reports/fixture.%s", ext);
    if (getenv("DW_REGEN_GOLDEN")) {
        FILE *w = fopen(path, "w");
        assert_non_null(w);
        fputs(got, w);
        fclose(w);
    }
    struct dw_buf want;
    dw_buf_init(&want, 1u << 24);
    assert_int_equal(dw_buf_read_file(&want, path), DW_OK);
    char *w = dw_buf_steal(&want);
    assert_string_equal(got, w);
    free(w);
    free(path);
    free(got);
}

static void test_sarif_exact(void **state)
{
    (void)state;
    s_golden("sarif", "sarif");
}

static void test_ocsf_exact(void **state)
{
    (void)state;
    s_golden("ocsf", "ocsf.jsonl");
}

static void test_asff_exact(void **state)
{
    (void)state;
    s_golden("asff", "asff.json");
}

static void test_html_exact(void **state)
{
    (void)state;
    s_golden("html", "html");
}

/* ASFF batches: start and count pick the slice; an empty slice is []. */
static void test_asff_batches(void **state)
{
    (void)state;
    struct dw_findings f;
    s_fixture_more(&f);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(dw_report_asff(out, &s_meta, &f, 3, 2, true), DW_OK);
    assert_int_equal(dw_report_asff(out, &s_meta, &f, 9, 2, true), DW_OK);
    fclose(out);
    char *nl = strchr(buf, '\n');
    assert_non_null(nl);
    assert_string_equal(nl + 1, "[]\n");
    *nl = '\0';
    json_error_t jerr;
    json_t *a = json_loads(buf, 0, &jerr);
    assert_non_null(a);
    assert_int_equal(json_array_size(a), 2);
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(a, 0), "Workflow"), "Status")),
                        "SUPPRESSED");
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(a, 1), "Compliance"), "Status")),
                        "NOT_AVAILABLE");
    assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "RecordState")), "ARCHIVED");
    json_decref(a);
    free(buf);
    dw_findings_clean_up(&f);
}

/* ---- the streaming JSON writer against jansson's own dump (the oracle):
 * random documents, written by dw_jw_value, must be byte for byte what
 * json_dumpb gives with the report's flags. */
static uint64_t s_rng = 88172645463325252ULL;
static unsigned s_rand(unsigned n)
{
    s_rng ^= s_rng << 13;
    s_rng ^= s_rng >> 7;
    s_rng ^= s_rng << 17;
    return (unsigned)(s_rng % n);
}

/* Appends code point cp as UTF-8. */
static size_t s_utf8_put(char *p, unsigned cp)
{
    if (cp < 0x80) {
        p[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        p[0] = (char)(0xC0 | (cp >> 6));
        p[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        p[0] = (char)(0xE0 | (cp >> 12));
        p[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        p[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    p[0] = (char)(0xF0 | (cp >> 18));
    p[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    p[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    p[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static json_t *s_rand_string(void)
{
    static const unsigned pick[] = {'"', '\\', '/', '\b', '\f', '\n', '\r', '\t', 0x01, 0x1F, 0x7F, 0x80,
                                    0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF, 'a', ' '};
    char buf[256];
    size_t n = 0, len = s_rand(12);
    for (size_t i = 0; i < len; i++) {
        unsigned cp;
        switch (s_rand(3)) {
        case 0: cp = pick[s_rand(DW_ARRAY_LEN(pick))]; break;
        case 1: /* a run of printable ASCII, which the writer copies 8 bytes at a time */
            for (unsigned k = 0, run = 1 + s_rand(19); k < run; k++)
                buf[n++] = (char)(0x20 + s_rand(0x5F));
            continue;
        default:
            cp = 1 + s_rand(0x10FFFF);
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 'x';
        }
        n += s_utf8_put(buf + n, cp);
    }
    buf[n] = '\0';
    return json_string(buf);
}

static json_t *s_rand_value(int depth)
{
    switch (depth > 4 ? 2 + s_rand(4) : s_rand(7)) {
    case 0: {
        json_t *o = json_object();
        for (unsigned i = 0, n = s_rand(4); i < n; i++) {
            json_t *k = s_rand_string();
            json_object_set_new(o, json_string_value(k), s_rand_value(depth + 1));
            json_decref(k);
        }
        return o;
    }
    case 1: {
        json_t *a = json_array();
        for (unsigned i = 0, n = s_rand(4); i < n; i++)
            json_array_append_new(a, s_rand_value(depth + 1));
        return a;
    }
    case 2: return s_rand_string();
    case 3: return json_integer((json_int_t)s_rand(2000000) - 1000000);
    case 4: return json_null();
    case 5: return json_true();
    default: return json_false();
    }
}

static char *s_jw_text(const json_t *v, enum dw_status *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    struct dw_jw w;
    dw_jw_init(&w, mem);
    dw_jw_value(&w, v);
    *rc = dw_jw_status(&w);
    fclose(mem);
    return buf;
}

static void test_json_writer_oracle(void **state)
{
    (void)state;
    for (int i = 0; i < 3000; i++) {
        json_t *v = s_rand_value(0);
        char *want = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
        enum dw_status rc;
        char *got = s_jw_text(v, &rc);
        assert_int_equal(rc, DW_OK);
        assert_non_null(want);
        assert_string_equal(got, want);
        free(got);
        free(want);
        json_decref(v);
    }
    /* Each byte the writer must escape, at each offset of a 24-byte run of
     * plain bytes: first, inside and last in a word of 8, and in the tail. */
    static const unsigned special[] = {'"', '\\', 0x01, 0x1F, 0x7F, 0x80, 0x7FF, 0xFFFD, 0x10000};
    for (size_t k = 0; k < DW_ARRAY_LEN(special); k++) {
        for (size_t at = 0; at < 24; at++) {
            char str[32];
            memset(str, 'a', 24);
            str[0] = ' ';
            str[23] = '~'; /* the plain bytes at both ends of the range */
            size_t n = at + s_utf8_put(str + at, special[k]);
            if (n < 24)
                n = 24;
            str[n] = '\0';
            json_t *v = json_string(str);
            char *want = json_dumps(v, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
            enum dw_status rc;
            char *got = s_jw_text(v, &rc);
            assert_int_equal(rc, DW_OK);
            assert_string_equal(got, want);
            free(got);
            free(want);
            json_decref(v);
        }
    }
    /* A byte that is not UTF-8 is U+FFFD, where jansson refuses the string. */
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    struct dw_jw w;
    dw_jw_init(&w, mem);
    dw_jw_array(&w);
    static const char *const bad[] = {"a\xff" "b", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", NULL};
    for (size_t i = 0; i < DW_ARRAY_LEN(bad); i++)
        dw_jw_string(&w, bad[i]);
    dw_jw_end(&w);
    assert_int_equal(dw_jw_status(&w), DW_OK);
    fclose(mem);
    assert_string_equal(buf, "[\n  \"a\\uFFFDb\",\n  \"\\uFFFD\\uFFFD\",\n  \"\\uFFFD\\uFFFD\\uFFFD\",\n"
                             "  \"\\uFFFD\\uFFFD\\uFFFD\\uFFFD\",\n  \"\\uFFFD\\uFFFD\",\n  null\n]");
    free(buf);
    /* Nesting past the limit fails the writer; at the limit it does not. */
    for (int depth = DW_JW_MAX_DEPTH; depth <= DW_JW_MAX_DEPTH + 1; depth++) {
        json_t *v = json_array();
        for (int i = 1; i < depth; i++) {
            json_t *outer = json_array();
            json_array_append_new(outer, v);
            v = outer;
        }
        enum dw_status rc;
        free(s_jw_text(v, &rc));
        assert_int_equal(rc, depth == DW_JW_MAX_DEPTH ? DW_OK : DW_E_IO);
        json_decref(v);
    }
}

/* ---- the spool against the memory source (the oracle: it reads the
 * findings where they are): random findings, NULL and empty strings,
 * commands and notes, added in random batch sizes, must be replayed the
 * same, field by field, for every selection of control, status and
 * severity, and counted the same. */
struct s_replay {
    struct dw_findings got;
    size_t *ctl;
    size_t n_ctl_seen;
};

static enum dw_status s_collect(void *user, const struct dw_finding *x, size_t ctl)
{
    struct s_replay *r = user;
    dw_findings_push_copy(&r->got, x);
    r->ctl = dw_xrealloc(r->ctl, r->got.n * sizeof(*r->ctl));
    r->ctl[r->got.n - 1] = ctl;
    return DW_OK;
}

static char *s_rand_text(void)
{
    switch (s_rand(4)) {
    case 0: return NULL;
    case 1: return dw_xstrdup("");
    default: {
        json_t *j = s_rand_string();
        char *t = dw_xstrdup(json_string_value(j));
        json_decref(j);
        return t;
    }
    }
}

static char **s_rand_texts(size_t *n)
{
    *n = s_rand(4);
    char **v = *n ? dw_xcalloc(*n, sizeof(*v)) : NULL;
    for (size_t i = 0; i < *n; i++) {
        v[i] = s_rand_text();
        if (!v[i])
            v[i] = dw_xstrdup("x");
    }
    return v;
}

static void s_same_finding(const struct dw_finding *a, const struct dw_finding *b)
{
    assert_ptr_equal(a->control, b->control);
    assert_int_equal(a->status, b->status);
    assert_int_equal(a->severity, b->severity);
    assert_int_equal(a->muted_from, b->muted_from);
    const char *const sa[] = {a->resource_type, a->resource_id, a->region, a->account_id, a->reason,
                              a->muted_reason, a->muted_until};
    const char *const sb[] = {b->resource_type, b->resource_id, b->region, b->account_id, b->reason,
                              b->muted_reason, b->muted_until};
    for (size_t i = 0; i < DW_ARRAY_LEN(sa); i++) {
        assert_true((sa[i] == NULL) == (sb[i] == NULL));
        if (sa[i])
            assert_string_equal(sa[i], sb[i]);
    }
    assert_int_equal(a->n_commands, b->n_commands);
    for (size_t i = 0; i < a->n_commands; i++)
        assert_string_equal(a->commands[i], b->commands[i]);
    assert_int_equal(a->n_notes, b->n_notes);
    for (size_t i = 0; i < a->n_notes; i++)
        assert_string_equal(a->notes[i], b->notes[i]);
}

static void s_same_replay(struct dw_fsrc *mem, struct dw_fsrc *spool, size_t ctl, int st, int sev)
{
    struct s_replay a = {0}, b = {0};
    assert_int_equal(dw_fsrc_each(mem, ctl, st, sev, s_collect, &a), DW_OK);
    assert_int_equal(dw_fsrc_each(spool, ctl, st, sev, s_collect, &b), DW_OK);
    assert_int_equal(a.got.n, b.got.n);
    for (size_t i = 0; i < a.got.n; i++) {
        s_same_finding(&a.got.v[i], &b.got.v[i]);
        assert_int_equal(a.ctl[i], b.ctl[i]);
    }
    dw_findings_clean_up(&a.got);
    dw_findings_clean_up(&b.got);
    free(a.ctl);
    free(b.ctl);
}

static void test_spool_oracle(void **state)
{
    (void)state;
    static const char *const ids[] = {"DMS-01", "DMS-02", "DDB-01", "DDB-12", "ACC-01", "DMS-11"};
    static const char *const regions[] = {"global", "us-east-1", "eu-west-1"};
    for (int round = 0; round < 20; round++) {
        struct dw_findings all = {0};
        size_t n = round == 0 ? 0 : s_rand(400);
        for (size_t i = 0; i < n; i++) {
            struct dw_finding *x = dw_findings_push(&all);
            x->control = dw_catalog_find(ids[s_rand(DW_ARRAY_LEN(ids))]);
            x->status = (enum dw_result)s_rand(DW_RESULT_COUNT);
            x->severity = (enum dw_severity)s_rand(DW_SEV_COUNT);
            x->muted_from = (enum dw_result)s_rand(DW_RESULT_COUNT);
            x->resource_type = s_rand_text();
            x->resource_id = s_rand_text();
            x->region = dw_xstrdup(regions[s_rand(DW_ARRAY_LEN(regions))]);
            x->account_id = s_rand(2) ? dw_xstrdup("111111111111") : dw_xstrdup("222222222222");
            x->reason = s_rand_text();
            x->muted_reason = s_rand_text();
            x->muted_until = s_rand_text();
            x->commands = s_rand_texts(&x->n_commands);
            x->notes = s_rand_texts(&x->n_notes);
        }
        struct dw_fsrc *mem = dw_fsrc_memory(&all);
        struct dw_fsrc *spool = NULL;
        struct dw_error err;
        assert_int_equal(dw_fsrc_spool_new(&spool, &err), DW_OK);
        for (size_t at = 0; at < n;) {
            size_t k = 1 + s_rand(50);
            if (k > n - at)
                k = n - at;
            struct dw_findings batch = {all.v + at, k, k};
            assert_int_equal(dw_fsrc_add(spool, &batch), DW_OK);
            at += k;
        }
        assert_int_equal(dw_fsrc_total(spool), n);
        assert_memory_equal(dw_fsrc_summary(spool), dw_fsrc_summary(mem), sizeof(struct dw_summary));
        assert_int_equal(dw_fsrc_n_ctl(spool), dw_fsrc_n_ctl(mem));
        for (size_t c = 0; c < dw_fsrc_n_ctl(mem); c++)
            assert_memory_equal(dw_fsrc_ctl(spool, c), dw_fsrc_ctl(mem, c), sizeof(struct dw_fsrc_ctl));
        assert_int_equal(dw_fsrc_n_regions(spool), dw_fsrc_n_regions(mem));
        for (size_t r = 0; r < dw_fsrc_n_regions(mem); r++) {
            size_t ca[DW_RESULT_COUNT], cb[DW_RESULT_COUNT];
            assert_string_equal(dw_fsrc_region(spool, r, ca), dw_fsrc_region(mem, r, cb));
            assert_memory_equal(ca, cb, sizeof(ca));
        }
        size_t a1[DW_RESULT_COUNT], a2[DW_RESULT_COUNT];
        dw_fsrc_account_counts(spool, "111111111111", a1);
        dw_fsrc_account_counts(mem, "111111111111", a2);
        assert_memory_equal(a1, a2, sizeof(a1));
        s_same_replay(mem, spool, DW_FSRC_ALL, -1, -1);
        for (size_t c = 0; c < dw_fsrc_n_ctl(mem); c++) {
            s_same_replay(mem, spool, c, -1, -1);
            s_same_replay(mem, spool, c, (int)s_rand(DW_RESULT_COUNT), (int)s_rand(DW_SEV_COUNT));
        }
        s_same_replay(mem, spool, DW_FSRC_ALL, DW_FAIL, -1);
        /* A spool once read takes no more findings. */
        struct dw_findings one = {all.v, n ? 1 : 0, 1};
        assert_int_equal(dw_fsrc_add(spool, &one), DW_E_USAGE);
        dw_fsrc_free(spool);
        dw_fsrc_free(mem);
        dw_findings_clean_up(&all);
    }
}

/* A JSON stream whose head is written first (the metadata final before
 * the findings) writes what dw_report_json writes, batches of any size;
 * a head that the end's metadata does not give is an error. */
static void test_stream_head_first(void **state)
{
    (void)state;
    struct dw_findings f;
    s_fixture(&f);
    char *want = NULL, *got = NULL;
    size_t wlen = 0, glen = 0;
    FILE *w = open_memstream(&want, &wlen);
    assert_int_equal(dw_report_json(w, &s_meta, &f), DW_OK);
    fclose(w);
    for (size_t split = 0; split <= f.n; split++) {
        FILE *g = open_memstream(&got, &glen);
        struct dw_report_stream *st = NULL;
        struct dw_error err;
        assert_int_equal(dw_report_stream_new("json", g, &st, &err), DW_OK);
        assert_int_equal(dw_report_stream_head(st, &s_meta), DW_OK);
        struct dw_findings a = {f.v, split, split}, b = {f.v + split, f.n - split, f.n - split};
        assert_int_equal(dw_report_stream_add(st, &a), DW_OK);
        assert_int_equal(dw_report_stream_add(st, &b), DW_OK);
        assert_int_equal(dw_report_stream_finish(st, &s_meta), DW_OK);
        dw_report_stream_free(st);
        fclose(g);
        assert_int_equal(glen, wlen);
        assert_memory_equal(got, want, wlen);
        free(got);
    }
    /* The end's metadata names another time: refused. */
    FILE *g = open_memstream(&got, &glen);
    struct dw_report_stream *st = NULL;
    struct dw_error err;
    assert_int_equal(dw_report_stream_new("json", g, &st, &err), DW_OK);
    assert_int_equal(dw_report_stream_head(st, &s_meta), DW_OK);
    assert_int_equal(dw_report_stream_add(st, &f), DW_OK);
    struct dw_report_meta later = s_meta;
    later.taken_at = "2026-01-11T00:00:00Z";
    assert_int_equal(dw_report_stream_finish(st, &later), DW_E_IO);
    dw_report_stream_free(st);
    fclose(g);
    free(got);
    free(want);
    dw_findings_clean_up(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_exact), cmocka_unit_test(test_json_fields), cmocka_unit_test(test_csv_exact), cmocka_unit_test(test_csv_cells_safe),
        cmocka_unit_test(test_junit_exact), cmocka_unit_test(test_matrix), cmocka_unit_test(test_sarif_exact),
        cmocka_unit_test(test_ocsf_exact), cmocka_unit_test(test_asff_exact), cmocka_unit_test(test_html_exact),
        cmocka_unit_test(test_asff_batches), cmocka_unit_test(test_json_writer_oracle),
        cmocka_unit_test(test_spool_oracle), cmocka_unit_test(test_stream_head_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
