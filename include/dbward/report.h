/* dbward/report.h: turn findings into text and JSON. Writers take a FILE and
 * never exit or print elsewhere; they do not filter or reorder findings. */
#ifndef DBWARD_REPORT_H
#define DBWARD_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include <dbward/dbward.h>

/* One earlier run of the same account, for the HTML trend (from the
 * history of --db), oldest first. */
struct dw_trend_point {
    const char *taken_at;
    size_t pass, fail, error;
};

struct dw_report_meta {
    const char *account_id;
    const char *partition;
    const char **regions;
    size_t n_regions;
    const char *taken_at;   /* ISO 8601, from the manifest */
    const char *source;     /* snapshot folder or "live" */
    const char **accounts;  /* every account in the report; NULL/0: account_id alone */
    size_t n_accounts;
    /* How the report was made (the JSON report's "run"); has_run false in a
     * report read back from a dbward that did not record it. */
    bool has_run;
    const char **controls;  /* the ids evaluated, in catalog order */
    size_t n_controls;
    const char **selected;  /* --controls (or the config's include) globs as given */
    size_t n_selected;
    const char **excluded;  /* the config's exclude */
    size_t n_excluded;
    unsigned severity_mask; /* --severity, bit per enum dw_severity; 0: all */
    const struct dw_param_value *params; /* every parameter with the value used */
    size_t n_params;
    const char *config_path;   /* NULL: no dbward.yaml (or the shards of a merge disagreed) */
    const char *config_sha256; /* hex SHA-256 of its bytes */
    bool selection_unknown;    /* the selection is null: the shards of a merge disagreed */
    bool params_unknown;       /* the parameters are null: likewise */
    const char **merged_from;  /* a merge: the reports it was made of; NULL/0 otherwise */
    size_t n_merged_from;
    const struct dw_trend_point *trend; /* earlier runs (NULL/0: no trend is drawn) */
    size_t n_trend;
};

struct dw_summary {
    size_t by_status[DW_RESULT_COUNT];
    size_t by_sev_status[DW_SEV_COUNT][DW_RESULT_COUNT];
};
void dw_summary_compute(const struct dw_findings *f, struct dw_summary *out);
/* Adds the counts of f to s (a stream's running totals). */
void dw_summary_add(struct dw_summary *s, const struct dw_findings *f);

/* Writes the text report. use_color adds ANSI colours. Returns DW_E_IO on a
 * write error. */
enum dw_status dw_report_text(FILE *out, const struct dw_report_meta *meta,
                              const struct dw_findings *f, bool use_color);
/* How the text report is shown: colour, which statuses are listed (the
 * summary always counts every finding), or the summary alone. */
struct dw_text_opts {
    bool color;
    unsigned status_mask; /* bit per enum dw_result; 0: every status */
    bool quiet;           /* the header and the summary only */
};
enum dw_status dw_report_text_opts(FILE *out, const struct dw_report_meta *meta, const struct dw_findings *f,
                                   const struct dw_text_opts *opts);

/* The JSON report as a document (a new reference). */
json_t *dw_report_json_doc(const struct dw_report_meta *meta, const struct dw_findings *f);
/* Writes the JSON report (schema in docs/report-json.md). */
enum dw_status dw_report_json(FILE *out, const struct dw_report_meta *meta,
                              const struct dw_findings *f);

/* CSV, RFC 4180: one row per finding, CRLF line ends, quoted fields where needed. */
enum dw_status dw_report_csv(FILE *out, const struct dw_findings *f);
/* JUnit XML: a testsuite per control, a testcase per resource; FAIL is a
 * failure, ERROR an error, NOT_APPLICABLE and MUTED are skipped. */
enum dw_status dw_report_junit(FILE *out, const struct dw_findings *f);
/* Compliance matrix: per NIST CSF subcategory (of version v) and per control
 * statement, the controls and their PASS/FAIL/ERROR counts; text or
 * Markdown. */
enum dw_status dw_report_matrix(FILE *out, const struct dw_findings *f, enum dw_csf_version v, bool markdown);

/* SARIF 2.1.0: a rule per control, a result per FAIL, ERROR and MUTED
 * finding, located at the resource ARN (docs/report-formats.md). */
enum dw_status dw_report_sarif(FILE *out, const struct dw_report_meta *meta, const struct dw_findings *f);
/* OCSF 1.1.0 Compliance Finding (class 2003), one event per line. */
enum dw_status dw_report_ocsf(FILE *out, const struct dw_report_meta *meta, const struct dw_findings *f);
/* ASFF: a JSON array of findings start .. start+count-1, as
 * `aws securityhub batch-import-findings --findings` takes it (at most 100
 * per call; the caller batches). one_line writes it compact on one line. */
#define DW_ASFF_BATCH 100
enum dw_status dw_report_asff(FILE *out, const struct dw_report_meta *meta, const struct dw_findings *f,
                              size_t start, size_t count, bool one_line);
/* The same, for import into region (each ProductArn names it; the
 * default above is the report's first region). */
enum dw_status dw_report_asff_in(FILE *out, const struct dw_report_meta *meta, const struct dw_findings *f,
                                 size_t start, size_t count, bool one_line, const char *region);
/* One BatchImportFindings body, {"Findings":[...]} on one line, for
 * findings start..start+count of f with the import region's product ARN:
 * new (free), its length in *len. */
char *dw_report_asff_batch(const struct dw_report_meta *meta, const struct dw_findings *f, size_t start,
                           size_t count, const char *region, size_t *len);
/* One self-contained HTML page: summary, SVG charts, filterable findings
 * table, remediation commands. */
enum dw_status dw_report_html(FILE *out, const struct dw_report_meta *meta, const struct dw_findings *f);

/* Findings as the writers read them (report/fsrc.c): a run's findings in
 * memory, or a spool, the findings of a stream written batch by batch to
 * unnamed temporary files and read back one at a time, so a report in any
 * format is written from a run of any size while holding one finding.
 * Either keeps counts per control, region and account as findings come,
 * so a writer knows every total before its first line. */
struct dw_fsrc;
/* A source of f's findings (borrowed: f must outlive it). */
struct dw_fsrc *dw_fsrc_memory(const struct dw_findings *f);
/* An empty spool; DW_E_IO when the temporary file cannot be made. */
enum dw_status dw_fsrc_spool_new(struct dw_fsrc **out, struct dw_error *err);
/* Appends the batch to a spool (copied: the batch may be freed after).
 * DW_E_IO on a write error (sticky); DW_E_USAGE on a memory source or a
 * spool already read. */
enum dw_status dw_fsrc_add(struct dw_fsrc *s, const struct dw_findings *batch);
size_t dw_fsrc_total(const struct dw_fsrc *s);
/* The counts of every finding added so far. */
const struct dw_summary *dw_fsrc_summary(const struct dw_fsrc *s);
/* Calls fn with the findings in order, up to size at a time (the last
 * batch may be smaller; a source of no findings gives one empty batch). */
enum dw_status dw_fsrc_batches(struct dw_fsrc *s, size_t size,
                               enum dw_status (*fn)(void *user, const struct dw_findings *batch), void *user);
void dw_fsrc_free(struct dw_fsrc *s);

/* The writers above, from a source: what they write on dw_fsrc_memory(f)
 * is what the versions taking f write. */
enum dw_status dw_report_text_src(FILE *out, const struct dw_report_meta *meta, struct dw_fsrc *s,
                                  const struct dw_text_opts *opts);
enum dw_status dw_report_junit_src(FILE *out, struct dw_fsrc *s);
enum dw_status dw_report_matrix_src(FILE *out, struct dw_fsrc *s, enum dw_csf_version v, bool markdown);
enum dw_status dw_report_sarif_src(FILE *out, const struct dw_report_meta *meta, struct dw_fsrc *s);
enum dw_status dw_report_ocsf_src(FILE *out, const struct dw_report_meta *meta, struct dw_fsrc *s);
enum dw_status dw_report_html_src(FILE *out, const struct dw_report_meta *meta, struct dw_fsrc *s);

/* Reports written as the findings are made, so a run keeps none of them
 * (dw_audit_opts.on_findings): the JSON report and CSV. Each batch is
 * written as it comes; finish writes what depends on the whole run (the
 * JSON report's head and summary; it keeps its findings in an unnamed
 * temporary file until then, so the disk holds at most the report). The
 * bytes are those dw_report_json and dw_report_csv write for the batches
 * put together. */
struct dw_report_stream;
bool dw_report_can_stream(const char *format);
/* DW_E_USAGE for a format that cannot be streamed, DW_E_IO when the
 * temporary file cannot be made. out is borrowed. */
enum dw_status dw_report_stream_new(const char *format, FILE *out, struct dw_report_stream **s,
                                    struct dw_error *err);
/* The JSON report's head written now, before any batch, from metadata
 * that is final already (dw_audit_opts.on_meta): the findings then go
 * straight to out, not through the temporary file, and finish checks the
 * end's metadata gives the same head (DW_E_IO if not). Nothing for CSV. */
enum dw_status dw_report_stream_head(struct dw_report_stream *s, const struct dw_report_meta *meta);
enum dw_status dw_report_stream_add(struct dw_report_stream *s, const struct dw_findings *batch);
enum dw_status dw_report_stream_finish(struct dw_report_stream *s, const struct dw_report_meta *meta);
void dw_report_stream_free(struct dw_report_stream *s);

/* A JSON report read back into findings, so every command that reads a
 * report (report, diff, merge, remediate, history) works on findings as
 * the writers do. The one reader of the report's fields (report_read.c;
 * report_json.c is the one writer). Each control a finding points to is
 * the report's record of it (id, title, CSF, statements, remediation
 * kind), with the catalog's texts when the id is known. */
struct dw_report_loaded {
    struct dw_findings findings;
    struct dw_report_meta meta;
    const char *tool_version;        /* tool.version as written, "" when absent */
    struct dw_report_loaded_int *in; /* private: the document, owned controls and arrays */
};
/* Accepts a document written by dbward, in a schema version from
 * DW_REPORT_SCHEMA_OLDEST to DW_REPORT_SCHEMA_VERSION, with a findings
 * array, whose every finding has a control id and a status and severity
 * dbward knows; else DW_E_SCHEMA with source named in err. doc is borrowed
 * (a reference is kept). custom (NULL/0: none) are the custom controls
 * whose texts a report does not carry (dbward.yaml's), borrowed while the
 * result lives. */
enum dw_status dw_report_load(json_t *doc, const char *source, const struct dw_control *const *custom,
                              size_t n_custom, struct dw_report_loaded **out, struct dw_error *err);
void dw_report_loaded_free(struct dw_report_loaded *r);

struct dw_remediate_opts {
    const char *const *controls; /* control id globs; NULL/0: all */
    size_t n_controls;
    unsigned severity_mask;      /* bit per enum dw_severity; 0: all */
};

/* Writes a bash script (set -euo pipefail) fixing the FAIL findings of a
 * loaded report (borrowed), grouped by remediation kind: in-place
 * commands runnable as they are (commands with REPLACE_ placeholders are
 * commented), recreate procedures as commented steps, manual decisions as
 * comments. Each step names its finding. source names the report in the
 * header. DW_E_IO on a write error. */
enum dw_status dw_remediate_script(const struct dw_report_loaded *report, const char *source,
                                   const struct dw_remediate_opts *opts, FILE *out);

/* Compares two loaded reports (borrowed) by (account, region, control,
 * resource), like with like: new failures (FAIL now, not FAIL before),
 * fixed (FAIL before, PASS, NOT_APPLICABLE or gone now), changed (any
 * other status change, or a failure whose reason changed), still failing;
 * a failure gone from NEW whose control NEW did not run (its "run"
 * record), or whose account or region NEW did not cover, is "not evaluated
 * in NEW", never fixed; a failure of NEW outside OLD's scope is "evaluated
 * in NEW only", not a new failure. Reports of different accounts are
 * refused (DW_E_USAGE) unless cross_account, which also leaves the account
 * out of the key. Writes text or JSON to out (the JSON is itself a report,
 * through the JSON writer: NEW's metadata, and NEW's side of each entry
 * as its findings, each with its class in "diff") and sets *new_failures. */
struct dw_diff_opts {
    bool as_json;
    bool cross_account;
};
enum dw_status dw_report_diff(const struct dw_report_loaded *old_report, const char *old_source,
                              const struct dw_report_loaded *new_report, const char *new_source,
                              const struct dw_diff_opts *opts, FILE *out, size_t *new_failures,
                              struct dw_error *err);

/* A JSON report of any size, read in two passes. dw_report_open reads
 * its metadata (*out, as dw_report_load gives it, with no finding),
 * skipping the findings, and takes f over: with path, f is closed at once
 * and dw_report_findings opens path again (the same file, unchanged, or
 * an error), so many reports open hold no descriptor each; without, f stays
 * open. dw_report_findings reads the file again from the start and calls
 * fn with its findings, as dw_report_load reads them, up to size at a time
 * in order (the batch is the reader's: fn may change it, and it is freed
 * after the call; the findings' controls live as long as r). Peak memory:
 * a batch, one JSON element, and the element each control was first read
 * from. */
enum dw_status dw_report_open(FILE *f, const char *source, const char *path, const struct dw_control *const *custom,
                              size_t n_custom, struct dw_report_loaded **out, struct dw_error *err);
enum dw_status dw_report_findings(struct dw_report_loaded *r, size_t size,
                                  enum dw_status (*fn)(void *user, struct dw_findings *batch), void *user,
                                  struct dw_error *err);

/* Merges loaded reports (sources name them in merged_from) into a new
 * one: findings deduplicated by (account, region, control, resource), the
 * newer evidence winning (on a tie, the later report); accounts and
 * regions united; the oldest taken_at; the run record united (see
 * docs/report-json.md). Written with the writers like any report. The
 * result borrows from the reports and sources (controls, strings): free
 * it (dw_report_loaded_free) before them. */
struct dw_report_loaded *dw_report_merge(const struct dw_report_loaded *const *reports,
                                         const char *const *sources, size_t n);

/* The same merge streamed into spool, for reports opened with
 * dw_report_open, when no two of them can hold one key: every report
 * names its accounts, no account is named by two, each finding's account
 * is its report's and no report holds a key twice. Then the findings are
 * in spool, in the order dw_report_merge gives them, and *out is the
 * merged metadata (no findings; it borrows as dw_report_merge's does).
 * Otherwise *overlap is set and the spool holds part of them: merge the
 * reports whole. Peak memory: a batch of findings, the metadata, and the
 * ids of one report's findings (33 bytes and a slot each). */
enum dw_status dw_report_merge_stream(struct dw_report_loaded *const *reports, const char *const *sources,
                                      size_t n, struct dw_fsrc *spool, struct dw_report_loaded **out,
                                      bool *overlap, struct dw_error *err);

/* Case-insensitive '*'/'?' match of a control id. */
bool dw_report_glob(const char *pattern, const char *id);

#endif
