/* dbward/report.h: turn findings into text and JSON. Writers take a FILE and
 * never exit or print elsewhere; they do not filter or reorder findings. */
#ifndef DBWARD_REPORT_H
#define DBWARD_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <dbward/dbward.h>

struct dw_report_meta {
    const char *account_id;
    const char *partition;
    const char **regions;
    size_t n_regions;
    const char *taken_at;   /* ISO 8601, from the manifest */
    const char *source;     /* snapshot folder or "live" */
};

struct dw_summary {
    size_t by_status[DW_RESULT_COUNT];
    size_t by_sev_status[DW_SEV_COUNT][DW_RESULT_COUNT];
};
void dw_summary_compute(const struct dw_findings *f, struct dw_summary *out);

/* Writes the text report. use_color adds ANSI colours. Returns DW_E_IO on a
 * write error. */
enum dw_status dw_report_text(FILE *out, const struct dw_report_meta *meta,
                              const struct dw_findings *f, bool use_color);
/* Writes the JSON report (schema in docs/report-json.md). */
enum dw_status dw_report_json(FILE *out, const struct dw_report_meta *meta,
                              const struct dw_findings *f);

#endif
