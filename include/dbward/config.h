/* dbward/config.h: dbward.yaml, read with libyaml: parameters, control
 * selection and severity overrides, regions, suppressions, and custom
 * controls written as a snapshot call plus JMESPath expressions. Every
 * unknown key or wrong type is an error naming the file, line and column.
 * The config holds plain text only: it knows neither the catalog nor
 * JMESPath. The rules module compiles the custom controls and checks the
 * ids the config names (dw_custom_build in dbward/dbward.h), pointing its
 * errors at the positions kept here. */
#ifndef DBWARD_CONFIG_H
#define DBWARD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dbward/error.h>
#include <dbward/finding.h>

/* A parameter as NAME=VALUE (from the config or --param). */
struct dw_param_value {
    const char *name;
    const char *value;
};

/* A scalar of dbward.yaml and where it is written. */
struct dw_config_text {
    char *text;      /* NULL when the key is absent */
    int line, column; /* of the scalar, 1-based */
    size_t index;    /* byte offset of the scalar */
    int inner;       /* columns from the scalar's start to its text (0 plain, 1 quoted), -1 when the
                        text spans lines or is a block: errors then point at the scalar */
};

/* One custom control as written (custom_controls). Its structure is
 * checked (keys, types, id syntax, severity, a call of the plan); its
 * expressions are compiled by dw_custom_build. */
struct dw_custom_spec {
    struct dw_config_text id, title, description, why, audit, resource_type, call;
    struct dw_config_text list, id_expression, condition, remediation;
    enum dw_severity severity;
    enum dw_fix_kind fix_kind;
    char *nist_csf[4];  /* NULL-terminated */
    char *nist_csf2[6]; /* NULL-terminated; empty: what nist_csf maps to (rules/framework.c) */
    int statements[4];  /* 0-terminated */
};

/* Where something is written in dbward.yaml. */
struct dw_config_pos {
    int line, column; /* 1-based */
    size_t index;     /* byte offset */
};

struct dw_suppression {
    char *control;        /* id or glob */
    char *resource;       /* ARN glob, "*" when not given */
    char *region;         /* NULL: any */
    char *account;        /* NULL: any */
    char *reason;
    char *expires;        /* "YYYY-MM-DD" as written, or NULL */
    int64_t expires_epoch_s; /* end of that day (UTC), 0 when none */
    int line, column;     /* where it is written, for warnings */
    struct dw_config_pos control_at;
};

struct dw_config {
    char *path;
    char **regions;
    size_t n_regions;
    char **include;            /* control id globs */
    size_t n_include;
    char **exclude;
    struct dw_config_pos *exclude_at; /* where each exclude entry is written */
    size_t n_exclude;
    char **sev_ids;                   /* as written; matched case-insensitively */
    struct dw_config_pos *sev_at;
    enum dw_severity *sev_values;
    size_t n_sev;
    struct dw_param_value *params; /* strings owned */
    struct {
        struct dw_config_pos name, value;
    } *params_at;
    size_t n_params;
    struct dw_suppression *supp;
    size_t n_supp;
    struct dw_custom_spec *custom;
    size_t n_custom;
};

/* Loads and validates path. On success *out is new (dw_config_free). On
 * failure fills err with file, line and column. */
enum dw_status dw_config_load(const char *path, struct dw_config **out, struct dw_error *err);
/* The same from a buffer; source names it in errors (tests, fuzzing). */
enum dw_status dw_config_load_buffer(const char *data, size_t len, const char *source,
                                     struct dw_config **out, struct dw_error *err);
void dw_config_free(struct dw_config *c);

#endif
