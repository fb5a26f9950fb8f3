/* report_more.c: CSV (RFC 4180), JUnit XML and the compliance matrix (text
 * or Markdown). Each writer takes the findings as they are; none filters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/report.h>

#include "report/report_util.h"
#include "util/util.h"

/* ---- CSV ---- */

/* One cell. Two rules keep the file from being turned against whoever
 * opens it (docs/reports.md, "CSV"): line breaks and backslashes are
 * written as \n, \r and \\, so every record is one line for line-based
 * tools; a cell that a spreadsheet would run as a formula (it starts with
 * = + - @ or a tab) gets a leading ', as does one that starts with ' (so
 * the mark is never ambiguous). Then RFC 4180 quoting. */
static void s_csv_field(FILE *out, const char *s, bool last)
{
    struct dw_buf e;
    dw_buf_init(&e, (size_t)1 << 30);
    if (strchr("=+-@\t'", s[0]) && s[0])
        dw_buf_append(&e, "'", 1);
    for (const char *p = s; *p; p++) {
        if (*p == '\n')
            dw_buf_append(&e, "\\n", 2);
        else if (*p == '\r')
            dw_buf_append(&e, "\\r", 2);
        else if (*p == '\\')
            dw_buf_append(&e, "\\\\", 2);
        else
            dw_buf_append(&e, p, 1);
    }
    char *v = dw_buf_steal(&e);
    const char *c = v ? v : "";
    bool quote = strpbrk(c, ",\"") != NULL || c[0] == ' ' || (c[0] && c[strlen(c) - 1] == ' ');
    if (quote) {
        fputc('"', out);
        for (const char *p = c; *p; p++) {
            if (*p == '"')
                fputc('"', out);
            fputc(*p, out);
        }
        fputc('"', out);
    } else {
        fputs(c, out);
    }
    free(v);
    fputs(last ? "\r\n" : ",", out);
}

/* Joins with sep into a malloc'd string. */
static char *s_join(const char *const *v, size_t n, const char *sep)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + strlen(sep);
    char *s = malloc(len);
    if (!s)
        abort();
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (i) {
            memcpy(s + at, sep, strlen(sep));
            at += strlen(sep);
        }
        memcpy(s + at, v[i], strlen(v[i]));
        at += strlen(v[i]);
    }
    s[at] = '\0';
    return s;
}

void dw_rpt_csv_head(FILE *out)
{
    static const char *const head[] = {"account_id", "region", "control_id", "title", "severity", "status",
                                       "resource_type", "resource_id", "reason", "nist_csf",
                                       "nist_csf2", "control_statements", "remediation_kind", "remediation_commands",
                                       "muted_reason", "muted_until"};
    for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
        s_csv_field(out, head[i], i + 1 == sizeof(head) / sizeof(head[0]));
}

void dw_rpt_csv_rows(FILE *out, const struct dw_findings *f)
{
    for (size_t i = 0; i < f->n; i++) {
        const struct dw_finding *x = &f->v[i];
        const struct dw_control *c = x->control;
        size_t nn = 0;
        while (nn < 4 && c->nist_csf[nn])
            nn++;
        char *csf = s_join(c->nist_csf, nn, ";");
        struct dw_csf_list l2;
        dw_control_csf2(c, &l2);
        char *csf2 = s_join(l2.v, l2.n, ";");
        char cs[64] = "";
        for (size_t k = 0; k < 4 && c->statements[k]; k++) {
            size_t l = strlen(cs);
            snprintf(cs + l, sizeof(cs) - l, "%s%d", k ? ";" : "", c->statements[k]);
        }
        char *cmds = s_join((const char *const *)x->commands, x->n_commands, "\n");
        s_csv_field(out, x->account_id, false);
        s_csv_field(out, x->region, false);
        s_csv_field(out, c->id, false);
        s_csv_field(out, c->title, false);
        s_csv_field(out, dw_severity_str(x->severity), false);
        s_csv_field(out, dw_result_str(x->status), false);
        s_csv_field(out, x->resource_type, false);
        s_csv_field(out, x->resource_id, false);
        s_csv_field(out, x->reason, false);
        s_csv_field(out, csf, false);
        s_csv_field(out, csf2, false);
        s_csv_field(out, cs, false);
        s_csv_field(out, dw_fix_kind_str(c->fix_kind), false);
        s_csv_field(out, cmds, false);
        s_csv_field(out, x->muted_reason ? x->muted_reason : "", false);
        s_csv_field(out, x->muted_until ? x->muted_until : "", true);
        free(csf);
        free(csf2);
        free(cmds);
    }
}

enum dw_status dw_report_csv(FILE *out, const struct dw_findings *f)
{
    dw_rpt_csv_head(out);
    dw_rpt_csv_rows(out, f);
    return ferror(out) ? DW_E_IO : DW_OK;
}

/* ---- JUnit XML ---- */

/* XML 1.0 text: escapes markup; control characters it cannot carry become '?'. */
static void s_xml(FILE *out, const char *s)
{
    dw_rpt_markup(out, s, "&apos;", "?");
}

static enum dw_status s_testcase(void *user, const struct dw_finding *x, size_t ctl)
{
    (void)ctl;
    FILE *out = user;
    fputs("    <testcase classname=\"", out);
    s_xml(out, x->control->id);
    fputs("\" name=\"", out);
    s_xml(out, x->resource_id);
    fputs(" (", out);
    s_xml(out, x->region);
    fputs(")\"", out);
    if (x->status == DW_PASS) {
        fputs("/>\n", out);
        return DW_OK;
    }
    fputs(">\n      <", out);
    const char *tag = x->status == DW_FAIL ? "failure" : x->status == DW_ERROR ? "error" : "skipped";
    fputs(tag, out);
    fputs(" message=\"", out);
    s_xml(out, x->status == DW_MUTED && x->muted_reason ? x->muted_reason : x->reason);
    fprintf(out, "\" type=\"%s\"", x->status == DW_FAIL ? dw_severity_str(x->severity) : dw_result_str(x->status));
    if (x->status == DW_FAIL && (x->n_commands || x->n_notes)) {
        fputs(">", out);
        s_xml(out, x->reason);
        for (size_t m = 0; m < x->n_commands; m++) {
            fputs("\n$ ", out);
            s_xml(out, x->commands[m]);
        }
        for (size_t m = 0; m < x->n_notes; m++) {
            fputs("\nnote: ", out);
            s_xml(out, x->notes[m]);
        }
        fprintf(out, "</%s>\n    </testcase>\n", tag);
    } else {
        fputs("/>\n    </testcase>\n", out);
    }
    return DW_OK;
}

enum dw_status dw_report_junit_src(FILE *out, struct dw_fsrc *src)
{
    const struct dw_summary *sum = dw_fsrc_summary(src);
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out, "<testsuites name=\"dbward\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n",
            dw_fsrc_total(src), sum->by_status[DW_FAIL], sum->by_status[DW_ERROR],
            sum->by_status[DW_NOT_APPLICABLE] + sum->by_status[DW_MUTED]);
    /* A suite per control, in the order controls first appear: a control's
     * findings are not together when a report lists region by region. */
    enum dw_status rc = DW_OK;
    for (size_t c = 0; c < dw_fsrc_n_ctl(src) && !rc; c++) {
        const struct dw_fsrc_ctl *k = dw_fsrc_ctl(src, c);
        fputs("  <testsuite name=\"", out);
        s_xml(out, k->control->id);
        fputs(" ", out);
        s_xml(out, k->control->title);
        fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\">\n", k->total,
                k->by_status[DW_FAIL], k->by_status[DW_ERROR],
                k->by_status[DW_NOT_APPLICABLE] + k->by_status[DW_MUTED]);
        rc = dw_fsrc_each(src, c, -1, -1, s_testcase, out);
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    return rc ? rc : ferror(out) ? DW_E_IO : DW_OK;
}

enum dw_status dw_report_junit(FILE *out, const struct dw_findings *f)
{
    struct dw_fsrc *src = dw_fsrc_memory(f);
    enum dw_status rc = dw_report_junit_src(out, src);
    dw_fsrc_free(src);
    return rc;
}

/* ---- compliance matrix ---- */

struct s_row {
    char key[32];
    char controls[512];
    size_t pass, fail, error, other;
};

static struct s_row *s_row(struct s_row *rows, size_t *n, size_t cap, const char *key)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(rows[i].key, key) == 0)
            return &rows[i];
    }
    if (*n == cap)
        return NULL;
    struct s_row *r = &rows[(*n)++];
    memset(r, 0, sizeof(*r));
    snprintf(r->key, sizeof(r->key), "%s", key);
    return r;
}

static void s_count(struct s_row *r, const struct dw_fsrc_ctl *k)
{
    if (!strstr(r->controls, k->control->id)) {
        size_t l = strlen(r->controls);
        snprintf(r->controls + l, sizeof(r->controls) - l, "%s%s", l ? ", " : "", k->control->id);
    }
    r->pass += k->by_status[DW_PASS];
    r->fail += k->by_status[DW_FAIL];
    r->error += k->by_status[DW_ERROR];
    r->other += k->total - k->by_status[DW_PASS] - k->by_status[DW_FAIL] - k->by_status[DW_ERROR];
}

static int s_row_cmp(const void *a, const void *b)
{
    return strcmp(((const struct s_row *)a)->key, ((const struct s_row *)b)->key);
}

static void s_table(FILE *out, const char *title, struct s_row *rows, size_t n, bool md)
{
    qsort(rows, n, sizeof(*rows), s_row_cmp);
    if (md) {
        fprintf(out, "## %s\n\n| %s | controls | pass | fail | error | n/a or muted |\n|---|---|---:|---:|---:|---:|\n",
                title, strstr(title, "NIST") ? "subcategory" : "statement");
        for (size_t i = 0; i < n; i++)
            fprintf(out, "| %s | %s | %zu | %zu | %zu | %zu |\n", rows[i].key, rows[i].controls, rows[i].pass,
                    rows[i].fail, rows[i].error, rows[i].other);
        fputc('\n', out);
        return;
    }
    fprintf(out, "%s\n%-12s %6s %6s %6s %6s  %s\n", title, "", "PASS", "FAIL", "ERROR", "OTHER", "controls");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%-12s %6zu %6zu %6zu %6zu  %s\n", rows[i].key, rows[i].pass, rows[i].fail, rows[i].error,
                rows[i].other, rows[i].controls);
    fputc('\n', out);
}

/* Counted per control, in order of first sight: a row's controls are
 * listed in the order their findings first reach it. */
enum dw_status dw_report_matrix_src(FILE *out, struct dw_fsrc *src, enum dw_csf_version v, bool markdown)
{
    struct s_row csf[128], cs[64];
    memset(csf, 0, sizeof(csf));
    memset(cs, 0, sizeof(cs));
    size_t n_csf = 0, n_cs = 0;
    for (size_t c = 0; c < dw_fsrc_n_ctl(src); c++) {
        const struct dw_fsrc_ctl *x = dw_fsrc_ctl(src, c);
        struct dw_csf_list l;
        dw_control_csf(x->control, v, &l);
        for (size_t k = 0; k < l.n; k++) {
            struct s_row *r = s_row(csf, &n_csf, 128, l.v[k]);
            if (r)
                s_count(r, x);
        }
        for (size_t k = 0; k < 4 && x->control->statements[k]; k++) {
            char key[32];
            snprintf(key, sizeof(key), "CS-%02d", x->control->statements[k]);
            struct s_row *r = s_row(cs, &n_cs, 64, key);
            if (r)
                s_count(r, x);
        }
    }
    if (markdown)
        fputs("# dbward compliance matrix\n\n", out);
    char title[64];
    snprintf(title, sizeof(title), "%s subcategories", dw_csf_version_name(v));
    s_table(out, title, csf, n_csf, markdown);
    s_table(out, "Company control statements", cs, n_cs, markdown);
    return ferror(out) ? DW_E_IO : DW_OK;
}

enum dw_status dw_report_matrix(FILE *out, const struct dw_findings *f, enum dw_csf_version v, bool markdown)
{
    struct dw_fsrc *src = dw_fsrc_memory(f);
    enum dw_status rc = dw_report_matrix_src(out, src, v, markdown);
    dw_fsrc_free(src);
    return rc;
}
