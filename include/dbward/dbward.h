/* dbward/dbward.h: the control catalog, findings and the scan that produces
 * them from a snapshot. Everything a front end (the CLI, tests) needs to run
 * an audit; output formats live in dbward/report.h. */
#ifndef DBWARD_DBWARD_H
#define DBWARD_DBWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dbward/config.h>
#include <dbward/error.h>
#include <dbward/finding.h>
#include <dbward/snapshot.h>
#include <dbward/version.h>

struct dw_param_def {
    const char *name;  /* e.g. "required_tags" */
    const char *def;   /* default value, as text */
    const char *help;  /* one line */
};

struct dw_scan_ctx;
struct dw_control;
struct dw_custom_control;
struct dw_peers;
typedef void (*dw_eval_fn)(struct dw_scan_ctx *ctx, const struct dw_control *c);

/* One catalog entry. All strings are static. */
struct dw_control {
    const char *id;              /* "DMS-01" */
    const char *service;         /* "dms", "dynamodb", "account" */
    const char *title;
    enum dw_severity severity;
    const char *nist_csf[4];     /* NIST CSF 1.1 subcategories, NULL-terminated */
    /* NIST CSF 2.0 subcategories when they differ from what the 1.1 ids map
     * to (rules/framework.c); NULL-terminated, usually left empty. Read them
     * through dw_control_csf2, never directly. */
    const char *nist_csf2[6];
    int statements[4];           /* company control statements, 0-terminated */
    const char *seed;            /* the source documents by number, e.g. "003, 000", or "beyond";
                                    shown by title through dw_control_sources */
    enum dw_fix_kind fix_kind;
    const char *resource_type;   /* CloudFormation type of the evaluated resource */
    bool is_global;              /* evaluated once, not per region */
    const char *params[3];       /* names of the parameters it reads, NULL-terminated */
    const char *what;            /* what must hold */
    const char *why;             /* why it matters */
    const char *audit;           /* how to check by hand */
    const char *fix;             /* how to fix, in words */
    const char *calls[8];        /* snapshot calls it reads, "service command[/key]" */
    /* The conditions its catalog row names, one word each ("public"): each
     * needs a failing case tests/data/controls/<id>/fail-<clause>[-*]
     * (tests/cli/case_coverage.py). NULL-terminated. */
    const char *clauses[12];
    dw_eval_fn eval;
    const struct dw_custom_control *custom; /* set for controls from dbward.yaml */
    const struct dw_peers *peers; /* the nearest checks of other tools; NULL for custom controls */
};

/* A custom control (dbward.yaml's custom_controls), compiled from its
 * spec: the control the registry lists, and what its one evaluator
 * (rules/custom.c) runs. Built and owned by a dw_custom_set. */
struct dw_jmes;
struct dw_custom_control {
    struct dw_control control; /* strings owned here */
    char *call_service;
    char *call_command;
    struct dw_jmes *list;      /* resources in one answer */
    struct dw_jmes *id;        /* resource id */
    struct dw_jmes *condition; /* must give true */
    char *remediation;         /* template: {region} {account} {partition} {id} {<JMESPath>} */
    struct dw_jmes **placeholders; /* compiled {<JMESPath>} pieces, in order */
    size_t n_placeholders;
};

/* The custom controls of one config, compiled. */
struct dw_custom_set {
    struct dw_custom_control **items;
    const struct dw_control **controls; /* views of items[i]->control: the registry's custom part */
    size_t n;
};
/* Compiles cfg's custom controls into out (zeroed by the caller; freed
 * with dw_custom_set_clean_up, also on failure) and checks every control
 * id the config names against the registry they complete: a custom id
 * taken by another control, a suppression's, severity override's or
 * exclude entry's control that matches none, and every parameter's name
 * and value (dw_param_check).
 * A bad expression is DW_E_SCHEMA with the config's file, line and column
 * (at the failing character where the text allows). cfg may be NULL. */
enum dw_status dw_custom_build(const struct dw_config *cfg, struct dw_custom_set *out, struct dw_error *err);
void dw_custom_set_clean_up(struct dw_custom_set *s);

/* Mutes every FAIL or ERROR finding a live suppression of c matches
 * (rules/suppress.c). For each expired suppression that would have
 * matched, calls warn once: once a call, or once over many calls when said
 * (c->n_supp flags, zeroed first) is kept between them. c may be NULL. */
typedef void (*dw_suppress_warn_fn)(void *user, const char *message);
void dw_suppressions_apply(const struct dw_config *c, struct dw_findings *f, int64_t now_epoch_s, bool *said,
                           dw_suppress_warn_fn warn, void *user);

/* The nearest checks of other tools, and how the control differs. */
struct dw_peers {
    const char *id;
    const char *prowler;
    const char *security_hub;
    const char *aws_config;
    const char *conformity;
    const char *difference;
};
/* NULL for a control without an entry (custom controls). */
const struct dw_peers *dw_control_peers(const char *id);

size_t dw_catalog_count(void);
const struct dw_control *dw_catalog_get(size_t i);
const struct dw_control *dw_catalog_find(const char *id); /* case-insensitive, NULL if none */
/* The account-level pseudo-control ACCOUNT: the ERROR finding of an account
 * the audit could not enter. It has no evaluator; it is listed, explained,
 * selected and suppressed like any other control. */
const struct dw_control *dw_account_control(void);

/* The control registry: every control dbward knows, iterated one way
 * everywhere (controls, explain, --controls, suppressions): the built-in
 * catalog, then the custom controls given (dbward.yaml's; NULL/0 for
 * none), then ACCOUNT. Ids are matched case-insensitively. */
size_t dw_registry_count(const struct dw_control *const *custom, size_t n_custom);
const struct dw_control *dw_registry_get(const struct dw_control *const *custom, size_t n_custom, size_t i);
const struct dw_control *dw_registry_find(const struct dw_control *const *custom, size_t n_custom, const char *id);
/* True when glob matches the id of at least one control of the registry. */
bool dw_registry_any(const struct dw_control *const *custom, size_t n_custom, const char *glob);

/* ---- Frameworks and sources (rules/framework.c) ----
 * The one owner of the NIST CSF 1.1 -> 2.0 table, the CSF functions and the
 * titles of the source documents. */

/* The NIST CSF version a view is organised by (--framework csf1|csf2). */
enum dw_csf_version { DW_CSF_1_1, DW_CSF_2_0 };
/* "csf1" or "csf2" (case-insensitive); false for anything else. */
bool dw_csf_version_parse(const char *s, enum dw_csf_version *out);
const char *dw_csf_version_name(enum dw_csf_version v); /* "NIST CSF 1.1", "NIST CSF 2.0" */

/* One row of the 1.1 -> 2.0 table: NIST's successors of a CSF 1.1
 * subcategory (the CSF 2.0 catalog's "moved to" and "incorporated into"
 * links, or the same outcome renumbered), minus dropped. */
struct dw_csf_map {
    const char *csf1;          /* "PR.AC-4" */
    const char *csf2[6];       /* what dbward reports, NULL-terminated */
    const char *dropped;       /* a successor NIST names that dbward leaves out, or NULL */
    const char *why_dropped;
};
size_t dw_csf_map_count(void);
const struct dw_csf_map *dw_csf_map_get(size_t i);
const struct dw_csf_map *dw_csf_map_find(const char *csf1); /* exact id; NULL if not in the table */

/* A control's subcategories in one version: borrowed static strings, in
 * order, without repeats. */
#define DW_CSF_LIST_MAX 12
struct dw_csf_list {
    const char *v[DW_CSF_LIST_MAX + 1]; /* NULL-terminated */
    size_t n;
    const char *unmapped; /* 2.0: the first 1.1 id the table does not know (no override); NULL when none */
};
/* CSF 2.0 of c: its nist_csf2 override when set, else the table's answer
 * for each of its 1.1 ids. */
void dw_control_csf2(const struct dw_control *c, struct dw_csf_list *out);
/* c's subcategories in version v (1.1: nist_csf as it is). */
void dw_control_csf(const struct dw_control *c, enum dw_csf_version v, struct dw_csf_list *out);
/* The table's answer for a list of 1.1 ids (n of them), as dw_control_csf2
 * without an override: for reports written before CSF 2.0 was recorded. */
void dw_csf2_of(const char *const *csf1, size_t n, struct dw_csf_list *out);

/* The functions of CSF 2.0 in order (GV, ID, PR, DE, RS, RC; 1.1 has all
 * but GV). */
#define DW_CSF_FUNCTIONS 6
const char *dw_csf_function_code(int i); /* "GV", ...; "" out of range */
const char *dw_csf_function_name(int i); /* "Govern", ...; "Other" out of range */
/* Index of the function of a subcategory ("PR.DS-01" -> 2), -1 if none. */
int dw_csf_function_of(const char *subcategory);

/* A source document (the numbers of the seed field) and how readers see it. */
struct dw_source {
    const char *id;    /* "000" */
    const char *title; /* as a reader names it, e.g. "Conformity rule: Publicly Accessible DMS Replication Instances" */
};
size_t dw_source_count(void);
const struct dw_source *dw_source_get(size_t i);
const struct dw_source *dw_source_find(const char *id); /* NULL if unknown */

/* The sources of c as readers see them, one entry per item of its seed
 * field: a document by title (with the seed's note in parentheses, if
 * any), "beyond the sources: checked by <tools>" from its peers, or what
 * dbward itself or dbward.yaml adds. ids are the seed's items ("003",
 * "beyond"); titles are new strings. unknown counts items that name no
 * source. Free with dw_control_sources_clean_up. */
#define DW_SOURCES_MAX 6
struct dw_control_sources {
    char *id[DW_SOURCES_MAX];
    char *title[DW_SOURCES_MAX];
    size_t n;
    size_t unknown;
};
void dw_control_sources(const struct dw_control *c, struct dw_control_sources *out);
void dw_control_sources_clean_up(struct dw_control_sources *s);
/* The titles joined with "; ", a new string (free()). */
char *dw_control_sources_text(const struct dw_control *c);

size_t dw_param_def_count(void);
const struct dw_param_def *dw_param_def_get(size_t i);

/* What to run. Strings are borrowed for the duration of dw_scan_run. */
struct dw_scan_opts {
    const char **controls;         /* id globs ("DDB-*"); NULL/0 = all */
    size_t n_controls;
    const char *const *exclude;    /* id globs left out */
    size_t n_exclude;
    unsigned severity_mask;        /* bit per enum dw_severity; 0 = all */
    const char **regions;          /* subset of the manifest's; NULL/0 = all */
    size_t n_regions;
    const struct dw_param_value *params; /* overrides */
    size_t n_params;
    const struct dw_control *const *extra; /* custom controls, run after the catalog */
    size_t n_extra;
    /* Severity overrides by control id (exact ids). */
    const char *const *sev_ids;
    const enum dw_severity *sev_values;
    size_t n_sev;
    /* When set, called with out after the global controls and after each
     * regional control in each region, to take the findings made so far (it
     * empties out), so a scan holds one control's findings of one region at
     * a time. */
    void (*flush)(void *user, struct dw_findings *out);
    void *flush_user;
};

/* Checks a --param override: known name and a valid value. Returns DW_OK or
 * DW_E_USAGE with err->message filled. */
enum dw_status dw_param_check(const char *name, const char *value, struct dw_error *err);

/* Runs every selected control against snap, appending to out (which the
 * caller initialised to zero and frees with dw_findings_clean_up): the
 * global controls first, then region by region (the regions in manifest
 * order), each region's controls in registry order. Returns
 * DW_E_USAGE (with err) for bad options; control failures are findings. */
enum dw_status dw_scan_run(struct dw_snapshot *snap, const struct dw_scan_opts *opts,
                           struct dw_findings *out, struct dw_error *err);

/* The severity a control runs with under opts (override or its own). */
enum dw_severity dw_scan_severity(const struct dw_scan_opts *opts, const struct dw_control *c);
/* Whether the options select c: its id matches a --controls glob (or there
 * are none), it is not excluded, and its severity (after overrides) is in
 * the mask. The scan evaluates the selected controls that have an
 * evaluator; the report records every selected one (ACCOUNT too). */
bool dw_scan_selects(const struct dw_scan_opts *opts, const struct dw_control *c);

/* True when the control id matches any of the globs (or there are none). */
bool dw_control_selected(const struct dw_control *c, const char **globs, size_t n);

/* Writes the POSIX sh collection script for the given regions to a new heap
 * string (free with free()). */
char *dw_collect_script(const char **regions, size_t n_regions);

#endif
