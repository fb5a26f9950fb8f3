/* dbward/finding.h: the finding, the one product of an audit: its status,
 * severity and remediation-kind names, the vector that holds a run's
 * findings, the key that identifies one finding across runs, and the
 * version of the JSON report schema they are written in, checked in one
 * place when a report is read back. Depends only on dbward/error.h; the control a finding points to is declared elsewhere
 * (dbward/dbward.h) and only borrowed here. */
#ifndef DBWARD_FINDING_H
#define DBWARD_FINDING_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include <dbward/error.h>

/* The "schema_version" of the JSON report (dbward scan --format json):
 * what the writers put in. diff, merge and remediate accept every version
 * from DW_REPORT_SCHEMA_OLDEST to it. Version 2 added each finding's
 * "nist_csf2" (CSF 2.0 subcategories); a version 1 finding lacks it and is
 * read as having the CSF 2.0 ids its "nist_csf" maps to (merge fills them
 * in). */
#define DW_REPORT_SCHEMA_VERSION 2
#define DW_REPORT_SCHEMA_OLDEST 1

enum dw_result { DW_PASS, DW_FAIL, DW_ERROR, DW_NOT_APPLICABLE, DW_MUTED, DW_RESULT_COUNT };
enum dw_severity { DW_SEV_LOW, DW_SEV_MEDIUM, DW_SEV_HIGH, DW_SEV_CRITICAL, DW_SEV_COUNT };
enum dw_fix_kind { DW_FIX_IN_PLACE, DW_FIX_RECREATE, DW_FIX_MANUAL };

const char *dw_result_str(enum dw_result r);     /* "PASS", ... */
const char *dw_severity_str(enum dw_severity s); /* "low", ... */
const char *dw_fix_kind_str(enum dw_fix_kind k); /* "in-place", ... */
/* Parse a severity name (case-insensitive); false if unknown. */
bool dw_severity_parse(const char *s, enum dw_severity *out);

struct dw_control;

/* One result of one control on one resource. Strings are owned by the
 * finding (freed by dw_findings_clean_up); control is borrowed. */
struct dw_finding {
    const struct dw_control *control; /* borrowed from the registry or the config */
    enum dw_result status;
    enum dw_severity severity; /* the control's, or the config's override */
    char *resource_type;
    char *resource_id;   /* ARN where one exists */
    char *region;        /* region or "global" */
    char *account_id;
    char *reason;
    char **commands;     /* remediation commands (FAIL only) */
    size_t n_commands;
    char **notes;        /* remediation notes */
    size_t n_notes;
    /* Set when a suppression muted the finding. */
    enum dw_result muted_from; /* the status before muting */
    char *muted_reason;
    char *muted_until;         /* "YYYY-MM-DD" or NULL */
};

/* A run's findings, in the order they were made. Zero-initialise it. */
struct dw_findings {
    struct dw_finding *v;
    size_t n;
    size_t cap;
};

/* Appends a zeroed finding and returns it (valid until the next push). */
struct dw_finding *dw_findings_push(struct dw_findings *f);
/* Frees every finding and the vector; idempotent on a zeroed vector. */
void dw_findings_clean_up(struct dw_findings *f);

/* The key of a finding across runs and reports:
 * "account|region|control|resource", a new string (free()). diff, merge
 * and the stable finding ids of the writers all use it. NULL parts count
 * as empty. */
char *dw_finding_key(const char *account_id, const char *region, const char *control_id,
                     const char *resource_id);

/* The one check of a JSON report read back (diff, merge, remediate): an
 * object written by dbward, in a schema version from
 * DW_REPORT_SCHEMA_OLDEST to DW_REPORT_SCHEMA_VERSION, with a findings
 * array. doc is borrowed; source names it in err (DW_E_SCHEMA). */
enum dw_status dw_report_doc_check(const json_t *doc, const char *source, struct dw_error *err);

/* A finding as read back from a checked JSON report: views of its members,
 * each NULL when absent or not a string, all borrowed from the document
 * and valid while it lives. diff, merge and remediate read findings only
 * through this, so the report's field names are spelled here once. */
struct dw_finding_view {
    const char *control_id;
    const char *status;       /* "PASS", "FAIL", ... as written */
    const char *severity;
    const char *resource_id;
    const char *region;
    const char *account_id;
    const char *reason;
    const char *fix_kind;     /* remediation.kind */
    const json_t *nist_csf;   /* array of CSF 1.1 ids, or NULL */
    const json_t *nist_csf2;  /* array of CSF 2.0 ids, or NULL (schema 1 reports) */
    const json_t *commands;   /* remediation.commands (array or NULL) */
    const json_t *notes;      /* remediation.notes (array or NULL) */
    const char *title;        /* the control's title as written */
    const char *resource_type;
    const json_t *control_statements; /* array of integers or NULL */
    const char *muted_reason; /* suppression.reason, on MUTED findings */
    const char *muted_until;  /* suppression.expires (NULL when null) */
    const char *muted_from;   /* suppression.original_status */
    const json_t *raw;        /* the finding object itself */
};

/* The members of a checked report beside its findings: views borrowed
 * from the document, NULL when absent. run is how the report was made
 * (docs/report-json.md): the controls evaluated, the selection, the
 * parameters and the config's hash; NULL in reports that predate it. */
struct dw_report_doc_meta {
    const char *account_id;
    const char *partition;
    const char *taken_at;
    const char *source;
    const json_t *accounts;   /* array of strings */
    const json_t *regions;    /* array of strings */
    const json_t *run;        /* object */
};
void dw_report_doc_meta_of(const json_t *doc, struct dw_report_doc_meta *out);

/* True when the report's run record says control_id was evaluated, or the
 * report has no record (it then cannot say otherwise). */
bool dw_report_doc_evaluated(const json_t *doc, const char *control_id);

/* How many findings a checked report holds, and the i-th one. */
size_t dw_report_doc_count(const json_t *doc);
void dw_report_doc_finding(const json_t *doc, size_t i, struct dw_finding_view *out);
/* The view of one finding object (an element of a report's findings). */
void dw_finding_view_of(const json_t *finding, struct dw_finding_view *out);
/* dw_finding_key of a view. */
char *dw_finding_view_key(const struct dw_finding_view *v);
/* s, or "" when s is NULL: for printing and comparing views. */
const char *dw_str_or_empty(const char *s);

#endif
