/* report_util.h: helpers shared by the report writers (internal). */
#ifndef DW_REPORT_UTIL_H
#define DW_REPORT_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include <jansson.h>

#include <dbward/report.h>

#include "report/json_out.h"

/* The private part of a loaded report (dw_report_load, dw_report_merge):
 * what its findings and meta point to, freed by dw_report_loaded_free. */
#define DW_RPT_LISTS 6
struct dw_report_loaded_int {
    json_t *doc;                   /* the document read; NULL for a merge */
    struct dw_control **controls;  /* owned, one per control id read */
    size_t n_controls;
    const char **lists[DW_RPT_LISTS]; /* owned arrays of borrowed strings: the meta's lists */
    struct dw_param_value *params; /* owned array (names and values borrowed) */
    char *source;                  /* owned: a merge's "source" */
    /* A report opened (dw_report_open) rather than read whole: */
    FILE *file;                    /* owned, read again by dw_report_findings; NULL between
                                      the passes when opened again by path */
    char *file_source;             /* owned: its name in errors */
    char *file_path;               /* owned: the path to open again, or NULL */
    struct stat file_stat;         /* the file as the first pass saw it */
    const struct dw_control *const *custom; /* borrowed: the config's custom controls */
    size_t n_custom;
    json_t **kept;                 /* owned: the findings new controls borrow from */
    size_t n_kept;
};

/* A stable id of a finding: hex SHA-256 of account, region, control and
 * resource, cut to out_len - 1 characters (at most 64). */
void dw_rpt_finding_id(const struct dw_finding *x, char *out, size_t out_len);

/* Epoch seconds of meta->taken_at, 0 when it cannot be read. */
int64_t dw_rpt_taken_at(const struct dw_report_meta *meta);

/* A JSON array of the control's CSF ids in version v; with prefix, each is
 * prefixed. */
json_t *dw_rpt_csf_array(const struct dw_control *c, enum dw_csf_version v, const char *prefix);
/* The compliance requirements of a control for OCSF and ASFF: "NIST CSF
 * 1.1 PR.AC-3", ..., "NIST CSF 2.0 PR.IR-01", ..., then "CS-06", .... */
json_t *dw_rpt_csf_requirements(const struct dw_control *c);
/* A JSON array of "CS-NN" statement ids. */
json_t *dw_rpt_cs_array(const struct dw_control *c);

/* Writes s as XML or HTML text or attribute value: & < > " escaped, the
 * apostrophe as apos; control characters markup cannot carry (all below
 * 0x20 but tab and newline, and 0x7f) become bad. */
void dw_rpt_markup(FILE *out, const char *s, const char *apos, const char *bad);

/* The reading side of a finding source (fsrc.c). */
#define DW_FSRC_ALL ((size_t)-1)
struct dw_fsrc_ctl {
    const struct dw_control *control;
    enum dw_severity severity;      /* its first finding's */
    size_t n[DW_SEV_COUNT][DW_RESULT_COUNT];
    size_t by_status[DW_RESULT_COUNT];
    size_t total;
    size_t fail_rank;               /* among controls with a FAIL, in order of the first; SIZE_MAX: none */
    enum dw_severity fail_severity; /* its first FAIL's */
};
/* The controls in order of first sight. */
size_t dw_fsrc_n_ctl(const struct dw_fsrc *s);
const struct dw_fsrc_ctl *dw_fsrc_ctl(const struct dw_fsrc *s, size_t k);
/* The regions in order of first sight: the k-th's name, its counts in out. */
size_t dw_fsrc_n_regions(const struct dw_fsrc *s);
const char *dw_fsrc_region(const struct dw_fsrc *s, size_t k, size_t out[DW_RESULT_COUNT]);
/* Counts by status of the findings of one account (zeros if none). */
void dw_fsrc_account_counts(const struct dw_fsrc *s, const char *account, size_t out[DW_RESULT_COUNT]);
/* Calls fn on each finding of control ctl (DW_FSRC_ALL: every one) with
 * that status and severity (-1: any), in the order made, with its
 * control's index; stops at fn's first error and returns it. The finding
 * is valid during the call only. */
typedef enum dw_status (*dw_fsrc_fn)(void *user, const struct dw_finding *x, size_t ctl);
enum dw_status dw_fsrc_each(struct dw_fsrc *s, size_t ctl, int status, int severity, dw_fsrc_fn fn, void *user);


/* The CSV report in two parts, for the whole report and for the stream
 * (report_stream.c): the header row, and the rows of findings. */
void dw_rpt_csv_head(FILE *out);
void dw_rpt_csv_rows(FILE *out, const struct dw_findings *f);

/* The JSON report in three parts: everything before the first finding (the
 * writer w is left inside the open findings array), the findings, and the
 * summary with the report's end. A stream writes the findings with a
 * writer of their own (dw_rpt_json_body_writer) into a separate file. */
void dw_rpt_json_head(struct dw_jw *w, const struct dw_report_meta *meta);
void dw_rpt_json_findings(struct dw_jw *w, const struct dw_findings *f);
void dw_rpt_json_tail(struct dw_jw *w, const struct dw_summary *s, size_t total);
/* A writer on out placed as the head leaves one: inside the findings array,
 * which has members already when any is true. */
void dw_rpt_json_body_writer(struct dw_jw *w, FILE *out, bool any);

/* Dumps root (stealing it) with flags, then a newline. */
enum dw_status dw_rpt_dump(FILE *out, json_t *root, size_t flags);

#endif
