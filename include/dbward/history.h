/* dbward/history.h: scan history in an SQLite file. Each run keeps its
 * whole JSON report (so any two runs can be compared with dw_report_diff)
 * and one row per finding (so the history can be queried with sqlite3). */
#ifndef DBWARD_HISTORY_H
#define DBWARD_HISTORY_H

#include <stdint.h>

#include <jansson.h>

#include <dbward/error.h>

struct dw_history;

/* Opens or creates the history file. Refuses a file that is not SQLite,
 * or whose schema a newer dbward wrote, with err naming the file. */
enum dw_status dw_history_open(const char *path, struct dw_history **out, struct dw_error *err);
void dw_history_close(struct dw_history *h);

/* Records a dbward JSON report (borrowed) as a new run, in one
 * transaction: the document as it is, and a row per finding as
 * dw_report_load reads it (DW_E_SCHEMA for a document it refuses).
 * recorded_at is epoch seconds. Sets *run_id. */
enum dw_status dw_history_record(struct dw_history *h, json_t *report, int64_t recorded_at, int64_t *run_id,
                                 struct dw_error *err);

/* Loads a run's report (a new reference). ref is a run id ("12"),
 * "latest", or "latest~N" for the Nth run before the latest. Sets
 * *run_id when not NULL. DW_E_NOT_FOUND when there is no such run. */
enum dw_status dw_history_load(struct dw_history *h, const char *ref, json_t **report, int64_t *run_id,
                               struct dw_error *err);

struct dw_history_run {
    int64_t id;
    char recorded_at[32]; /* ISO 8601 */
    char taken_at[32];
    char account_id[32];
    char source[256];
    int64_t total, pass, fail, error, not_applicable, muted;
};

/* The runs, oldest first (at most max; the newest when there are more).
 * *out is malloc'd; free with free(). */
enum dw_status dw_history_list(struct dw_history *h, size_t max, struct dw_history_run **out, size_t *n,
                               struct dw_error *err);

#endif
