/* report_text.c: the human report: findings grouped by control in catalog
 * order, remediation under each failure, and a summary by status and
 * severity. Colour is the caller's decision (TTY, NO_COLOR). */
#include <string.h>

#include <dbward/report.h>

#include "report/report_util.h"

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
    for (const char *p = s; *p; p++) {
        fputc(*p, out);
        if (*p == '\n' && p[1])
            fputs(indent, out);
    }
}

enum dw_status dw_report_text(FILE *out, const struct dw_report_meta *meta,
                              const struct dw_findings *f, bool color)
{
    const char *b = color ? C_BOLD : "";
    const char *z = color ? C_RESET : "";
    fprintf(out, "%sdbward %s%s  account %s (%s)  regions", b, dw_version(), z, meta->account_id,
            meta->partition);
    for (size_t i = 0; i < meta->n_regions; i++)
        fprintf(out, "%s%s", i ? ", " : " ", meta->regions[i]);
    fprintf(out, "\nsource %s, taken at %s\n", meta->source, meta->taken_at);

    const struct dw_control *cur = NULL;
    for (size_t i = 0; i < f->n; i++) {
        const struct dw_finding *x = &f->v[i];
        if (x->control != cur) {
            cur = x->control;
            fprintf(out, "\n%s%s%s  %s  %s  [CSF 1.1:", b, cur->id, z, dw_severity_str(x->severity), cur->title);
            for (size_t k = 0; k < 4 && cur->nist_csf[k]; k++)
                fprintf(out, " %s", cur->nist_csf[k]);
            struct dw_csf_list csf2;
            dw_control_csf2(cur, &csf2);
            fputs("; 2.0:", out);
            for (size_t k = 0; k < csf2.n; k++)
                fprintf(out, " %s", csf2.v[k]);
            fputs("]\n", out);
        }
        fprintf(out, "  %s%-14s%s %-14s %s\n", color ? s_color(x->status) : "",
                dw_result_str(x->status), z, x->region, x->resource_id);
        fputs("      ", out);
        s_indented(out, x->reason, "      ");
        fputc('\n', out);
        if (x->status == DW_MUTED)
            fprintf(out, "      muted (was %s): %s%s%s\n", dw_result_str(x->muted_from),
                    x->muted_reason ? x->muted_reason : "", x->muted_until ? ", until " : "",
                    x->muted_until ? x->muted_until : "");
        if (x->n_commands && x->status == DW_FAIL)
            fprintf(out, "      fix (%s):\n", dw_fix_kind_str(cur->fix_kind));
        for (size_t k = 0; x->status == DW_FAIL && k < x->n_commands; k++) {
            fputs("        $ ", out);
            s_indented(out, x->commands[k], "          ");
            fputc('\n', out);
        }
        for (size_t k = 0; x->status == DW_FAIL && k < x->n_notes; k++) {
            fputs("      note: ", out);
            s_indented(out, x->notes[k], "            ");
            fputc('\n', out);
        }
    }
    struct dw_summary s;
    dw_summary_compute(f, &s);
    fprintf(out, "\n%sSummary%s  %zu findings:", b, z, f->n);
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
            dw_rpt_account_counts(f, meta->accounts[k], c);
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
