/* dbward/finding.h: the finding, the one product of an audit: its status,
 * severity and remediation-kind names, the vector that holds a run's
 * findings, the key that identifies one finding across runs with an index
 * of findings by key, and the version of the JSON report schema they are
 * written in (the report is written by report_json.c and read back by
 * report_read.c: dbward/report.h). Depends only on dbward/error.h; the
 * control a finding points to is declared elsewhere (dbward/dbward.h) and
 * only borrowed here. */
#ifndef DBWARD_FINDING_H
#define DBWARD_FINDING_H

#include <stdbool.h>
#include <stddef.h>

#include <dbward/error.h>

/* The "schema_version" of the JSON report (dbward scan --format json):
 * what the writer puts in. dw_report_load (and so diff, merge, remediate,
 * report and history) accepts every version from DW_REPORT_SCHEMA_OLDEST
 * to it. Version 2 added each finding's
 * "nist_csf2" (CSF 2.0 subcategories); a version 1 finding lacks it and is
 * read as having the CSF 2.0 ids its "nist_csf" maps to (and written
 * with them). */
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
/* Frees every finding but keeps the vector for the next ones (a stream's
 * batches: freeing a large vector each time makes malloc consolidate its
 * free lists, 8% of a 10k-resource scan). */
void dw_findings_clear(struct dw_findings *f);

/* The key of a finding across runs and reports:
 * "account|region|control|resource", a new string (free()), a '|' or '\\'
 * in the first three parts escaped with a '\\', so two findings share a key
 * only when all four parts are equal. diff, merge and the stable finding
 * ids of the writers all use it. NULL parts count as empty. */
char *dw_finding_key(const char *account_id, const char *region, const char *control_id,
                     const char *resource_id);

/* s, or "" when s is NULL: for printing and comparing. */
const char *dw_str_or_empty(const char *s);

/* Appends a copy of x: its strings are copied (owned by f), its control
 * is borrowed as x's is. */
void dw_findings_push_copy(struct dw_findings *f, const struct dw_finding *x);

/* Findings by key (dw_finding_key, or any string), each key once, in the
 * order the keys were first added: how diff pairs two reports and merge
 * deduplicates. The findings are borrowed. Zero-initialise it. */
struct dw_finding_slot {
    char *key;                  /* owned by the index */
    const struct dw_finding *f; /* set by the caller; NULL on a new slot */
    size_t from;                /* the caller's: which report f came from */
};
struct dw_finding_index {
    struct dw_finding_slot *v; /* in the order of first addition */
    size_t n, cap;
    size_t *buckets; /* open addressing: slot index + 1, 0 empty */
    size_t n_buckets;
};
/* The slot of key, NULL when there is none. */
struct dw_finding_slot *dw_finding_index_get(const struct dw_finding_index *x, const char *key);
/* The slot of key, a new one (f NULL) appended when there is none, *added
 * then set. key is copied. Valid until the next dw_finding_index_at. */
struct dw_finding_slot *dw_finding_index_at(struct dw_finding_index *x, const char *key, bool *added);
void dw_finding_index_clean_up(struct dw_finding_index *x);

#endif
