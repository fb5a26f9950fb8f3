/* history.c: the SQLite scan history (dbward/history.h). The file is never
 * reached through a symbolic link. A new history is built under a temporary
 * name beside the target (mode 0600) and appears under its own name only
 * once a run is committed in it, so a failed first run leaves no file. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <dbward/history.h>
#include <dbward/report.h>

#include "util/util.h"

#define S_SCHEMA_VERSION 1

struct dw_history {
    sqlite3 *db;
    char path[512];
    char *tmp_path; /* a new history not yet in place: the file db has open; else NULL */
};

static const char s_schema[] =
    "CREATE TABLE IF NOT EXISTS runs("
    " id INTEGER PRIMARY KEY,"
    " recorded_at TEXT NOT NULL,"
    " taken_at TEXT, account_id TEXT, partition TEXT, source TEXT, tool_version TEXT,"
    " total INTEGER, pass INTEGER, fail INTEGER, error INTEGER, not_applicable INTEGER, muted INTEGER,"
    " report TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS findings("
    " run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    " account_id TEXT, region TEXT, control_id TEXT, resource_id TEXT,"
    " status TEXT, severity TEXT, reason TEXT);"
    "CREATE INDEX IF NOT EXISTS findings_run ON findings(run_id);"
    "CREATE INDEX IF NOT EXISTS findings_key ON findings(control_id, resource_id);";

/* SQLite's message, and the OS error behind it: SQLITE_FULL is how SQLite
 * reports ENOSPC (it keeps no errno for it). */
static enum dw_status s_fail(struct dw_history *h, struct dw_error *err, const char *what)
{
    int code = sqlite3_errcode(h->db) & 0xff;
    int sys = sqlite3_system_errno(h->db);
    if (code == SQLITE_FULL)
        sys = ENOSPC;
    if (code != SQLITE_FULL && code != SQLITE_IOERR && code != SQLITE_CANTOPEN)
        sys = 0;
    return dw_error_set(err, DW_E_IO, h->path, 0, 0, 0, "%s: %s%s%s%s", what, sqlite3_errmsg(h->db),
                        sys ? " (" : "", sys ? strerror(sys) : "", sys ? ")" : "");
}

#ifndef SQLITE_OPEN_NOFOLLOW
#define SQLITE_OPEN_NOFOLLOW 0 /* older SQLite: the lstat check below still refuses links */
#endif

/* Creates an empty 0600 file beside path for a new history; sets
 * h->tmp_path. */
static enum dw_status s_create_tmp(struct dw_history *h, const char *path, struct dw_error *err)
{
    const char *slash = strrchr(path, '/');
    int dlen = slash ? (int)(slash - path + 1) : 0;
    const char *name = slash ? slash + 1 : path;
    for (unsigned attempt = 0; attempt < 64; attempt++) {
        free(h->tmp_path);
        h->tmp_path = dw_xasprintf("%.*s.%.160s.dbward-%08lx%04x.tmp", dlen, path, name,
                                   (unsigned long)time(NULL) ^ (unsigned long)getpid(),
                                   (unsigned)(rand() ^ (int)attempt) & 0xffffu);
        int fd = open(h->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            int rc = fchmod(fd, 0600);
            int e = errno;
            close(fd);
            if (rc != 0) {
                unlink(h->tmp_path);
                free(h->tmp_path);
                h->tmp_path = NULL;
                return dw_error_set(err, DW_E_IO, path, 0, 0, 0, "cannot set the mode of a new history: %s",
                                    strerror(e));
            }
            return DW_OK;
        }
        if (errno != EEXIST)
            break;
    }
    int e = errno;
    free(h->tmp_path);
    h->tmp_path = NULL;
    return dw_error_set(err, DW_E_IO, path, 0, 0, 0, "cannot create a new history beside it: %s", strerror(e));
}

/* Puts a new history, whose first run is committed, under its own name:
 * closes it, links it into place (never over a file that appeared in the
 * meantime: *lost is set then, and the caller records into that one), and
 * opens it there again. */
static enum dw_status s_publish(struct dw_history *h, bool *lost, struct dw_error *err)
{
    *lost = false;
    sqlite3_close(h->db);
    h->db = NULL;
    if (link(h->tmp_path, h->path) != 0) {
        int e = errno;
        *lost = e == EEXIST;
        return dw_error_set(err, DW_E_IO, h->path, 0, 0, 0, "cannot put the new history in place: %s",
                            strerror(e));
    }
    unlink(h->tmp_path);
    free(h->tmp_path);
    h->tmp_path = NULL;
    if (sqlite3_open_v2(h->path, &h->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK)
        return h->db ? s_fail(h, err, "cannot open the history again")
                     : dw_error_set(err, DW_E_IO, h->path, 0, 0, 0, "cannot open the history again");
    sqlite3_busy_timeout(h->db, 10000);
    sqlite3_exec(h->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    return DW_OK;
}

enum dw_status dw_history_open(const char *path, struct dw_history **out, struct dw_error *err)
{
    *out = NULL;
    struct stat lst;
    bool exists = lstat(path, &lst) == 0;
    if (exists && S_ISLNK(lst.st_mode))
        return dw_error_set(err, DW_E_IO, path, 0, 0, 0,
                            "is a symbolic link; dbward does not open a history through a link");
    if (exists && !S_ISREG(lst.st_mode))
        return dw_error_set(err, DW_E_IO, path, 0, 0, 0, "is not a regular file");
    if (!exists && errno != ENOENT)
        return dw_error_set(err, DW_E_IO, path, 0, 0, 0, "%s", strerror(errno));
    struct dw_history *h = dw_xcalloc(1, sizeof(*h));
    snprintf(h->path, sizeof(h->path), "%s", path);
    if (!exists) {
        enum dw_status rc = s_create_tmp(h, path, err);
        if (rc) {
            dw_history_close(h);
            return rc;
        }
    }
    const char *file = h->tmp_path ? h->tmp_path : path;
    if (sqlite3_open_v2(file, &h->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
        enum dw_status st = h->db ? s_fail(h, err, "cannot open the history")
                                  : dw_error_set(err, DW_E_IO, path, 0, 0, 0, "cannot open the history");
        dw_history_close(h);
        return st;
    }
    sqlite3_busy_timeout(h->db, 10000); /* parallel CI jobs may write at once */
    sqlite3_stmt *st = NULL;
    int version = -1;
    if (sqlite3_prepare_v2(h->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version < 0) {
        enum dw_status rc = dw_error_set(err, DW_E_PARSE, path, 0, 0, 0, "not a dbward history (SQLite) file: %s",
                                         sqlite3_errmsg(h->db));
        dw_history_close(h);
        return rc;
    }
    if (version > S_SCHEMA_VERSION) {
        dw_history_close(h);
        return dw_error_set(err, DW_E_SCHEMA, path, 0, 0, 0,
                            "history schema %d was written by a newer dbward (this one reads %d)", version,
                            S_SCHEMA_VERSION);
    }
    if (version == 0) {
        /* A new file, or an SQLite file that is not ours: only an empty one is taken. */
        sqlite3_stmt *q = NULL;
        int tables = 0;
        if (sqlite3_prepare_v2(h->db, "SELECT count(*) FROM sqlite_master WHERE name NOT IN ('runs','findings')",
                               -1, &q, NULL) == SQLITE_OK &&
            sqlite3_step(q) == SQLITE_ROW)
            tables = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
        if (tables) {
            dw_history_close(h);
            return dw_error_set(err, DW_E_SCHEMA, path, 0, 0, 0, "an SQLite file that is not a dbward history");
        }
        char *ddl = dw_xasprintf("BEGIN;%sPRAGMA user_version=%d;COMMIT;", s_schema, S_SCHEMA_VERSION);
        int rc = sqlite3_exec(h->db, ddl, NULL, NULL, NULL);
        free(ddl);
        if (rc != SQLITE_OK) {
            enum dw_status r = s_fail(h, err, "cannot create the history tables");
            dw_history_close(h);
            return r;
        }
    }
    sqlite3_exec(h->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    *out = h;
    return DW_OK;
}

/* Another writer (a parallel CI job) created the history first: drops the
 * temporary one and opens theirs, with all of dw_history_open's checks. */
static enum dw_status s_take_existing(struct dw_history *h, struct dw_error *err)
{
    sqlite3_close(h->db);
    h->db = NULL;
    char *journal = dw_xasprintf("%s-journal", h->tmp_path);
    unlink(journal);
    unlink(h->tmp_path);
    free(journal);
    free(h->tmp_path);
    h->tmp_path = NULL;
    struct dw_history *theirs = NULL;
    enum dw_status rc = dw_history_open(h->path, &theirs, err);
    if (rc)
        return rc;
    h->db = theirs->db;
    h->tmp_path = theirs->tmp_path;
    free(theirs);
    return DW_OK;
}

void dw_history_close(struct dw_history *h)
{
    if (!h)
        return;
    sqlite3_close(h->db);
    if (h->tmp_path) {
        /* A new history that never got a run: leave nothing behind. */
        char *journal = dw_xasprintf("%s-journal", h->tmp_path);
        unlink(journal);
        unlink(h->tmp_path);
        free(journal);
        free(h->tmp_path);
    }
    free(h);
}

static enum dw_status s_record(struct dw_history *h, json_t *report, int64_t recorded_at, int64_t *run_id,
                               struct dw_error *err);

enum dw_status dw_history_record(struct dw_history *h, json_t *report, int64_t recorded_at, int64_t *run_id,
                                 struct dw_error *err)
{
    enum dw_status rc = s_record(h, report, recorded_at, run_id, err);
    bool lost = false;
    if (!rc && h->tmp_path)
        rc = s_publish(h, &lost, err);
    /* Lost the race to create the file: record the run in the winner's. */
    for (int tries = 0; lost && tries < 3; tries++) {
        rc = s_take_existing(h, err);
        if (!rc)
            rc = s_record(h, report, recorded_at, run_id, err);
        lost = false;
        if (!rc && h->tmp_path)
            rc = s_publish(h, &lost, err);
    }
    return rc;
}

static enum dw_status s_record(struct dw_history *h, json_t *report, int64_t recorded_at, int64_t *run_id,
                               struct dw_error *err)
{
    struct dw_report_loaded *r = NULL;
    enum dw_status lrc = dw_report_load(report, h->path, NULL, 0, &r, err);
    if (lrc)
        return lrc;
    char *text = json_dumps(report, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!text) {
        dw_report_loaded_free(r);
        return dw_error_set(err, DW_E_IO, h->path, 0, 0, 0, "cannot serialise the report");
    }
    const struct dw_report_meta *meta = &r->meta;
    const struct dw_findings *fs = &r->findings;
    struct dw_summary sum;
    dw_summary_compute(fs, &sum);
    char when[32];
    dw_time_format_iso8601(recorded_at, when, sizeof(when));
    enum dw_status rc = DW_OK;
    sqlite3_stmt *run = NULL, *row = NULL;
    if (sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        free(text);
        dw_report_loaded_free(r);
        return s_fail(h, err, "cannot start a transaction");
    }
    if (sqlite3_prepare_v2(h->db,
                           "INSERT INTO runs(recorded_at,taken_at,account_id,partition,source,tool_version,total,pass,"
                           "fail,error,not_applicable,muted,report) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &run, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(h->db,
                           "INSERT INTO findings(run_id,account_id,region,control_id,resource_id,status,severity,reason)"
                           " VALUES(?,?,?,?,?,?,?,?)",
                           -1, &row, NULL) != SQLITE_OK) {
        rc = s_fail(h, err, "cannot prepare the insert");
        goto out;
    }
    sqlite3_bind_text(run, 1, when, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(run, 2, meta->taken_at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(run, 3, meta->account_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(run, 4, meta->partition, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(run, 5, meta->source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(run, 6, r->tool_version, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(run, 7, (sqlite3_int64)fs->n);
    for (int k = 0; k < DW_RESULT_COUNT; k++) /* pass, fail, error, not_applicable, muted: enum dw_result's order */
        sqlite3_bind_int64(run, 8 + k, (sqlite3_int64)sum.by_status[k]);
    sqlite3_bind_text(run, 13, text, -1, SQLITE_STATIC);
    if (sqlite3_step(run) != SQLITE_DONE) {
        rc = s_fail(h, err, "cannot record the run");
        goto out;
    }
    sqlite3_int64 id = sqlite3_last_insert_rowid(h->db);
    for (size_t i = 0; i < fs->n; i++) {
        const struct dw_finding *f = &fs->v[i];
        const char *cols[] = {f->account_id, f->region, f->control->id, f->resource_id, dw_result_str(f->status),
                              dw_severity_str(f->severity), f->reason};
        sqlite3_reset(row);
        sqlite3_bind_int64(row, 1, id);
        for (int k = 0; k < 7; k++)
            sqlite3_bind_text(row, k + 2, cols[k], -1, SQLITE_TRANSIENT);
        if (sqlite3_step(row) != SQLITE_DONE) {
            rc = s_fail(h, err, "cannot record a finding");
            goto out;
        }
    }
    if (run_id)
        *run_id = (int64_t)id;
out:
    sqlite3_finalize(run);
    sqlite3_finalize(row);
    if (sqlite3_exec(h->db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL) != SQLITE_OK && !rc)
        rc = s_fail(h, err, "cannot commit the run");
    free(text);
    dw_report_loaded_free(r);
    return rc;
}

/* Resolves "12", "latest" or "latest~N" to a run id. */
static enum dw_status s_resolve(struct dw_history *h, const char *ref, sqlite3_int64 *id, struct dw_error *err)
{
    char *end = NULL;
    long long back = -1;
    if (strcmp(ref, "latest") == 0) {
        back = 0;
    } else if (strncmp(ref, "latest~", 7) == 0 && ref[7]) {
        back = strtoll(ref + 7, &end, 10);
        if (*end || back < 0)
            back = -2;
    } else {
        long long v = ref[0] ? strtoll(ref, &end, 10) : 0;
        if (ref[0] && !*end && v > 0) {
            *id = v;
            return DW_OK;
        }
        back = -2;
    }
    if (back == -2)
        return dw_error_set(err, DW_E_USAGE, h->path, 0, 0, 0,
                            "\"%s\" is not a run: give a run id, latest or latest~N", ref);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h->db, "SELECT id FROM runs ORDER BY id DESC LIMIT 1 OFFSET ?", -1, &st, NULL) != SQLITE_OK)
        return s_fail(h, err, "cannot read the runs");
    sqlite3_bind_int64(st, 1, back);
    enum dw_status rc = DW_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    else
        rc = dw_error_set(err, DW_E_NOT_FOUND, h->path, 0, 0, 0, "no run \"%s\" (the history holds fewer runs)",
                          ref);
    sqlite3_finalize(st);
    return rc;
}

enum dw_status dw_history_load(struct dw_history *h, const char *ref, json_t **report, int64_t *run_id,
                               struct dw_error *err)
{
    *report = NULL;
    sqlite3_int64 id = 0;
    enum dw_status rc = s_resolve(h, ref, &id, err);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h->db, "SELECT report FROM runs WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
        return s_fail(h, err, "cannot read the runs");
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return dw_error_set(err, DW_E_NOT_FOUND, h->path, 0, 0, 0, "no run %lld", (long long)id);
    }
    const char *text = (const char *)sqlite3_column_text(st, 0);
    char source[64];
    snprintf(source, sizeof(source), "run %lld", (long long)id);
    json_error_t je;
    *report = text ? json_loads(text, 0, &je) : NULL;
    sqlite3_finalize(st);
    if (!*report)
        return dw_error_set(err, DW_E_PARSE, h->path, 0, 0, 0, "%s: the stored report is not JSON", source);
    if (run_id)
        *run_id = (int64_t)id;
    return DW_OK;
}

static void s_copy(char *dst, size_t n, const unsigned char *src)
{
    snprintf(dst, n, "%s", src ? (const char *)src : "");
}

enum dw_status dw_history_list(struct dw_history *h, size_t max, struct dw_history_run **out, size_t *n,
                               struct dw_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(h->db,
                           "SELECT * FROM (SELECT id,recorded_at,taken_at,account_id,source,total,pass,fail,error,"
                           "not_applicable,muted FROM runs ORDER BY id DESC LIMIT ?) ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return s_fail(h, err, "cannot read the runs");
    sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
    struct dw_history_run *v = dw_xcalloc(max ? max : 1, sizeof(*v));
    size_t k = 0;
    while (k < max && sqlite3_step(st) == SQLITE_ROW) {
        struct dw_history_run *r = &v[k++];
        r->id = sqlite3_column_int64(st, 0);
        s_copy(r->recorded_at, sizeof(r->recorded_at), sqlite3_column_text(st, 1));
        s_copy(r->taken_at, sizeof(r->taken_at), sqlite3_column_text(st, 2));
        s_copy(r->account_id, sizeof(r->account_id), sqlite3_column_text(st, 3));
        s_copy(r->source, sizeof(r->source), sqlite3_column_text(st, 4));
        r->total = sqlite3_column_int64(st, 5);
        r->pass = sqlite3_column_int64(st, 6);
        r->fail = sqlite3_column_int64(st, 7);
        r->error = sqlite3_column_int64(st, 8);
        r->not_applicable = sqlite3_column_int64(st, 9);
        r->muted = sqlite3_column_int64(st, 10);
    }
    sqlite3_finalize(st);
    *out = v;
    *n = k;
    return DW_OK;
}
