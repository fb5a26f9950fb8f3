/* dbward/config.h: dbward.yaml, read with libyaml: parameters, control
 * selection and severity overrides, regions, suppressions, and custom
 * controls written as a snapshot call plus JMESPath expressions. Every
 * unknown key, wrong type or bad expression is an error naming the file,
 * line and column. */
#ifndef DBWARD_CONFIG_H
#define DBWARD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dbward/dbward.h>
#include <dbward/jmespath.h>

struct dw_suppression {
    char *control;        /* id or glob */
    char *resource;       /* ARN glob, "*" when not given */
    char *region;         /* NULL: any */
    char *account;        /* NULL: any */
    char *reason;
    char *expires;        /* "YYYY-MM-DD" as written, or NULL */
    int64_t expires_epoch_s; /* end of that day (UTC), 0 when none */
    int line, column;     /* where it is written, for warnings */
};

struct dw_config {
    char *path;
    char **regions;
    size_t n_regions;
    char **include;            /* control id globs */
    size_t n_include;
    char **exclude;
    size_t n_exclude;
    char **sev_ids;
    enum dw_severity *sev_values;
    size_t n_sev;
    struct dw_param_value *params; /* strings owned */
    size_t n_params;
    struct dw_suppression *supp;
    size_t n_supp;
    struct dw_custom_control **custom;
    const struct dw_control **custom_controls; /* views of custom[i]->control, for the scan */
    size_t n_custom;
};

/* Loads and validates path. On success *out is new (dw_config_free). On
 * failure fills err with file, line and column. */
enum dw_status dw_config_load(const char *path, struct dw_config **out, struct dw_error *err);
/* The same from a buffer; source names it in errors (tests, fuzzing). */
enum dw_status dw_config_load_buffer(const char *data, size_t len, const char *source,
                                     struct dw_config **out, struct dw_error *err);
void dw_config_free(struct dw_config *c);

/* A control of the catalog or of the config by id; NULL if none. */
const struct dw_control *dw_config_find_control(const struct dw_config *c, const char *id);

/* Mutes every FAIL or ERROR finding a live suppression matches. For each
 * expired suppression that would have matched, calls warn once. */
typedef void (*dw_config_warn_fn)(void *user, const char *message);
void dw_config_apply_suppressions(const struct dw_config *c, struct dw_findings *f, int64_t now_epoch_s,
                                  dw_config_warn_fn warn, void *user);

#endif
