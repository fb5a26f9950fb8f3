/* report_text.c: the human report, read top-down: failures first, by
 * severity (critical first) and then by control in catalog order, each
 * with its fix; then what could not be evaluated; then muted findings;
 * then one line of passes and not-applicable findings per control; then
 * the summary by status and severity. --status lists only some statuses,
 * --quiet the summary alone. Colour is the caller's decision. */
#include <stdlib.h>
#include <string.h>

#include <dbward/report.h>

#include "report/report_util.h"
#include "util/util.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_GREEN "\033[32m"
#define C_YELLOW "\033[33m"
#define C_DIM "\033[2m"
#define C_MAGENTA "\033[35m"

static const char *s_color(enum dw_result r)
{
    switch (r) {
    case DW_PASS:
        return C_GREEN;
    case DW_FAIL:
        return C_RED;
    case DW_ERROR:
        return C_MAGENTA;
    case DW_MUTED:
        return C_DIM;
    default:
        return C_DIM;
    }
}

/* Prints s with every line after the first indented by indent. */
static void s_indented(FILE *out, const char *s, const char *indent)
{
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        fwrite(p, 1, len, out);
        p += len;
        if (nl && *p)
            fputs(indent, out);
    }
}

enum dw_status dw_report_text(FILE *out, const struct dw_report_meta *meta,
                              const struct dw_findings *f, bool color)
{
    struct dw_text_opts o = {.color = color};
    return dw_report_text_opts(out, meta, f, &o);
}

static void s_control_line(FILE *out, const struct dw_control *c, enum dw_severity sev, const char *b, const char *z)
{
    fprintf(out, "\n%s%s%s  %s  %s  [CSF 1.1:", b, c->id, z, dw_severity_str(sev), c->title);
    for (size_t k = 0; k < 4 && c->nist_csf[k]; k++)
        fprintf(out, " %s", c->nist_csf[k]);
    struct dw_csf_list csf2;
    dw_control_csf2(c, &csf2);
    fputs("; 2.0:", out);
    for (size_t k = 0; k < csf2.n; k++)
        fprintf(out, " %s", csf2.v[k]);
    fputs("]\n", out);
}

static void s_finding(FILE *out, const struct dw_finding *x, bool color)
{
    const char *z = color ? C_RESET : "";
    fprintf(out, "  %s%-14s%s %-14s %s\n", color ? s_color(x->status) : "", dw_result_str(x->status), z, x->region,
            x->resource_id);
    fputs("      ", out);
    s_indented(out, x->reason, "      ");
    fputc('\n', out);
    if (x->status == DW_MUTED)
        fprintf(out, "      muted (was %s): %s%s%s\n", dw_result_str(x->muted_from),
                x->muted_reason ? x->muted_reason : "", x->muted_until ? ", until " : "",
                x->muted_until ? x->muted_until : "");
    if (x->status != DW_FAIL)
        return;
    if (x->n_commands)
        fprintf(out, "      fix (%s):\n", dw_fix_kind_str(x->control->fix_kind));
    for (size_t k = 0; k < x->n_commands; k++) {
        fputs("        $ ", out);
        s_indented(out, x->commands[k], "          ");
        fputc('\n', out);
    }
    for (size_t k = 0; k < x->n_notes; k++) {
        fputs("      note: ", out);
        s_indented(out, x->notes[k], "            ");
        fputc('\n', out);
    }
}

struct s_listing {
    FILE *out;
    bool color;
};

static enum dw_status s_list_one(void *user, const struct dw_finding *x, size_t ctl)
{
    (void)ctl;
    struct s_listing *l = user;
    s_finding(l->out, x, l->color);
    return DW_OK;
}

/* One section: the findings of status st, by severity (critical first),
 * then by control in order of first sight, each control under its own
 * line. */
static enum dw_status s_section(FILE *out, struct dw_fsrc *src, enum dw_result st, bool color)
{
    const char *b = color ? C_BOLD : "";
    const char *z = color ? C_RESET : "";
    const struct dw_summary *s = dw_fsrc_summary(src);
    if (!s->by_status[st])
        return DW_OK;
    static const char *const what[DW_RESULT_COUNT] = {"passed", "failed", "could not be evaluated",
                                                      "do not apply", "are muted by dbward.yaml"};
    fprintf(out, "\n%s%s%s%s: %zu findings %s (", b, color ? s_color(st) : "", dw_result_str(st), z,
            s->by_status[st], what[st]);
    for (int v = DW_SEV_COUNT - 1; v >= 0; v--)
        fprintf(out, "%s%s %zu", v == DW_SEV_COUNT - 1 ? "" : ", ", dw_severity_str((enum dw_severity)v),
                s->by_sev_status[v][st]);
    fputs(")\n", out);
    struct s_listing l = {out, color};
    enum dw_status rc = DW_OK;
    for (int v = DW_SEV_COUNT - 1; v >= 0 && !rc; v--) {
        if (!s->by_sev_status[v][st])
            continue;
        for (size_t c = 0; c < dw_fsrc_n_ctl(src) && !rc; c++) {
            const struct dw_fsrc_ctl *k = dw_fsrc_ctl(src, c);
            if (!k->n[v][st])
                continue;
            s_control_line(out, k->control, (enum dw_severity)v, b, z);
            rc = dw_fsrc_each(src, c, (int)st, v, s_list_one, &l);
        }
    }
    return rc;
}

/* A line per control with passes or not-applicable findings: the counts. */
static void s_counts(FILE *out, struct dw_fsrc *src, bool color)
{
    const char *b = color ? C_BOLD : "";
    const char *z = color ? C_RESET : "";
    size_t lines = 0;
    for (size_t c = 0; c < dw_fsrc_n_ctl(src); c++) {
        const struct dw_fsrc_ctl *k = dw_fsrc_ctl(src, c);
        size_t pass = k->by_status[DW_PASS], na = k->by_status[DW_NOT_APPLICABLE];
        if (!pass && !na)
            continue;
        if (!lines++)
            fprintf(out, "\n%sPASS and NOT_APPLICABLE%s, per control:\n", b, z);
        fprintf(out, "  %-8s %4zu PASS %4zu NOT_APPLICABLE  %s\n", k->control->id, pass, na, k->control->title);
    }
}

enum dw_status dw_report_text_opts(FILE *out, const struct dw_report_meta *meta, const struct dw_findings *f,
                                   const struct dw_text_opts *opts)
{
    struct dw_fsrc *src = dw_fsrc_memory(f);
    enum dw_status rc = dw_report_text_src(out, meta, src, opts);
    dw_fsrc_free(src);
    return rc;
}

enum dw_status dw_report_text_src(FILE *out, const struct dw_report_meta *meta, struct dw_fsrc *src,
                                  const struct dw_text_opts *opts)
{
    bool color = opts->color;
    const char *b = color ? C_BOLD : "";
    const char *z = color ? C_RESET : "";
    fprintf(out, "%sdbward %s%s  account %s (%s)  regions", b, dw_version(), z, meta->account_id,
            meta->partition);
    for (size_t i = 0; i < meta->n_regions; i++)
        fprintf(out, "%s%s", i ? ", " : " ", meta->regions[i]);
    fprintf(out, "\nsource %s, taken at %s\n", meta->source, meta->taken_at);
    const struct dw_summary s = *dw_fsrc_summary(src);
    enum dw_status rc = DW_OK;
    if (!opts->quiet) {
        unsigned m = opts->status_mask;
        /* Failures first, then what could not be evaluated, then muted; a
         * pass is a count unless --status asks for the findings. */
        static const enum dw_result listed[] = {DW_FAIL, DW_ERROR, DW_MUTED};
        for (size_t k = 0; k < sizeof(listed) / sizeof(listed[0]); k++) {
            if (!rc && (!m || (m & (1u << listed[k]))))
                rc = s_section(out, src, listed[k], color);
        }
        if (!m)
            s_counts(out, src, color);
        for (int r = 0; m && r < DW_RESULT_COUNT && !rc; r++) {
            if ((r == DW_PASS || r == DW_NOT_APPLICABLE) && (m & (1u << r)))
                rc = s_section(out, src, (enum dw_result)r, color);
        }
    }
    if (rc)
        return rc;
    fprintf(out, "\n%sSummary%s  %zu findings:", b, z, dw_fsrc_total(src));
    for (int r = 0; r < DW_RESULT_COUNT; r++)
        fprintf(out, " %s%s %zu%s", color ? s_color((enum dw_result)r) : "",
                dw_result_str((enum dw_result)r), s.by_status[r], z);
    fputc('\n', out);
    for (int v = DW_SEV_COUNT - 1; v >= 0; v--) {
        fprintf(out, "  %-9s", dw_severity_str((enum dw_severity)v));
        for (int r = 0; r < DW_RESULT_COUNT; r++)
            fprintf(out, " %s %zu", dw_result_str((enum dw_result)r), s.by_sev_status[v][r]);
        fputc('\n', out);
    }
    if (meta->n_accounts > 1) {
        fprintf(out, "\n%sBy account%s (%zu accounts)\n", b, z, meta->n_accounts);
        for (size_t k = 0; k < meta->n_accounts; k++) {
            size_t c[DW_RESULT_COUNT];
            dw_fsrc_account_counts(src, meta->accounts[k], c);
            fprintf(out, "  %-12s", meta->accounts[k]);
            for (int r = 0; r < DW_RESULT_COUNT; r++)
                fprintf(out, " %s %zu", dw_result_str((enum dw_result)r), c[r]);
            fputc('\n', out);
        }
    }
    if (ferror(out))
        return DW_E_IO;
    return DW_OK;
}
