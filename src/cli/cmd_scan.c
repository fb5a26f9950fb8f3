/* cmd_scan.c: dbward scan: live (one account or many) or from snapshots,
 * then the reports in every format asked for and the history record. The
 * exit code says what the run found: 0 clean, 1 FAIL, 3 ERROR without FAIL. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dbward/config.h>
#include <dbward/dbward.h>
#include <dbward/history.h>
#include <dbward/live.h>
#include <dbward/report.h>
#include <dbward/snapshot.h>

#include "accounts.h"
#include "cli.h"

/* Removes a folder tree dbward created (the temporary live snapshot). */
static void s_rm_rf(const char *dir)
{
    pid_t pid = fork();
    if (pid == 0) {
        execlp("rm", "rm", "-rf", "--", dir, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

static void s_debug_line(void *user, const char *line)
{
    (void)user;
    fprintf(stderr, "[debug] %s\n", line);
}

static void s_progress_line(void *user, const struct dw_live_progress *p, bool final)
{
    (void)user;
    fprintf(stderr, "\r\033[K[dbward] %zu regions | %llu calls done, %d in flight, %d queued | %llu retries%s",
            p->regions, (unsigned long long)p->done, p->in_flight, p->queued, (unsigned long long)p->retries,
            final ? "\n" : "");
    fflush(stderr);
}

/* Live collection into --save-snapshot DIR or a temporary folder. */
static void s_live_opts(struct cli_args *a, struct dw_live_opts *out)
{
    const char *env_ep = getenv("AWS_ENDPOINT_URL");
    const char *env_att = getenv("AWS_MAX_ATTEMPTS");
    const char *env_base = getenv("DBWARD_RETRY_BASE_MS"); /* test knob: faster backoff */
    struct dw_live_opts lo = {
        .regions = a->regions,
        .n_regions = a->n_regions,
        .profile = a->profile,
        .endpoint_url = a->endpoint_url ? a->endpoint_url : (env_ep && *env_ep ? env_ep : NULL),
        .concurrency = a->concurrency ? (int)a->concurrency : 32,
        .max_attempts = a->max_attempts ? (int)a->max_attempts : (env_att && *env_att ? (int)strtol(env_att, NULL, 10) : 3),
        .timeout_ms = (a->timeout_s ? a->timeout_s : 30) * 1000L,
        .retry_base_ms = env_base && *env_base ? strtol(env_base, NULL, 10) : 1000,
        .log = a->debug ? s_debug_line : NULL,
        .progress = isatty(2) && !a->debug ? s_progress_line : NULL,
    };
    if (lo.max_attempts < 1)
        lo.max_attempts = 1;
    *out = lo;
}

/* The folder a live scan writes: --save-snapshot, or a new temporary one
 * (*temp set, removed after the scan). */
static int s_live_dir(const struct cli_args *a, char **dir, bool *temp)
{
    if (a->save_snapshot) {
        *dir = strdup(a->save_snapshot);
    } else {
        char tmpl[] = "/tmp/dbward-live-XXXXXX";
        if (!mkdtemp(tmpl)) {
            fprintf(stderr, "dbward: cannot create a temporary folder: %s\n", strerror(errno));
            return -1;
        }
        *dir = strdup(tmpl);
        *temp = true;
    }
    if (!*dir)
        abort();
    return 0;
}

static int s_live(struct cli_args *a, char **dir, bool *temp)
{
    struct dw_live_opts lo;
    s_live_opts(a, &lo);
    if (s_live_dir(a, dir, temp) != 0)
        return -1;
    lo.out_dir = *dir;
    struct dw_live_stats st;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_live_collect(&lo, &st, &err)) {
        /* A file the collection could not write is named; other failures
         * (credentials, regions) say what they are in the message. */
        if (err.status == DW_E_IO)
            cli_print_error(&err);
        else
            fprintf(stderr, "dbward: %s\n", err.message);
        size_t dl = a->save_snapshot ? strlen(a->save_snapshot) : 0;
        if (err.status == DW_E_IO && dl && strncmp(err.source, a->save_snapshot, dl) == 0 && err.source[dl] == '/')
            fprintf(stderr, "dbward: %s is incomplete: no manifest was written, so it is not a snapshot\n",
                    a->save_snapshot);
        return -1;
    }
    fprintf(stderr, "dbward: account %s: %llu calls (%llu retries, %llu recorded as failed) in %zu regions, "
                    "%lld ms, longest chain %d round trips%s\n",
            st.account_id, (unsigned long long)st.calls, (unsigned long long)st.retries,
            (unsigned long long)st.failed, st.regions, (long long)st.wall_ms, st.max_depth,
            st.refreshes ? ", credentials refreshed" : "");
    return 0;
}

static void s_warn(void *user, const char *msg)
{
    (void)user;
    fprintf(stderr, "dbward: warning: %s\n", msg);
}

/* Writes findings in one format. */
static enum dw_status s_write_report(FILE *out, const char *fmt, const struct dw_report_meta *meta,
                                     const struct dw_findings *f, bool color)
{
    if (!fmt || strcmp(fmt, "text") == 0)
        return dw_report_text(out, meta, f, color);
    if (strcmp(fmt, "json") == 0)
        return dw_report_json(out, meta, f);
    if (strcmp(fmt, "csv") == 0)
        return dw_report_csv(out, f);
    if (strcmp(fmt, "junit") == 0)
        return dw_report_junit(out, f);
    if (strcmp(fmt, "sarif") == 0)
        return dw_report_sarif(out, meta, f);
    if (strcmp(fmt, "ocsf") == 0)
        return dw_report_ocsf(out, meta, f);
    if (strcmp(fmt, "html") == 0)
        return dw_report_html(out, meta, f);
    if (strcmp(fmt, "asff") == 0) {
        /* A stream: one batch per line, each one batch-import-findings call. */
        for (size_t i = 0; i == 0 || i < f->n; i += DW_ASFF_BATCH) {
            enum dw_status rc = dw_report_asff(out, meta, f, i, DW_ASFF_BATCH, true);
            if (rc)
                return rc;
        }
        return DW_OK;
    }
    return dw_report_matrix(out, f, strcmp(fmt, "matrix-md") == 0);
}

/* Keeps a copy of s until s_keep(NULL) frees them all; returns the copy.
 * The report's strings outlive the snapshots they came from. */
static const char *s_keep(const char *s)
{
    static char **pool;
    static size_t n, cap;
    if (!s) {
        for (size_t i = 0; i < n; i++)
            free(pool[i]);
        free(pool);
        pool = NULL;
        n = cap = 0;
        return NULL;
    }
    if (n == cap) {
        cap = cap ? 2 * cap : 64;
        pool = realloc(pool, cap * sizeof(*pool));
        if (!pool)
            abort();
    }
    char *c = strdup(s);
    if (!c)
        abort();
    pool[n++] = c;
    return c;
}

/* Live, many accounts: collects each into a folder of its own under the
 * --save-snapshot folder or a temporary one. */
static int s_live_accounts(struct cli_args *a, char **dir, bool *temp, struct cli_account **accts, size_t *n)
{
    struct dw_live_opts lo;
    s_live_opts(a, &lo);
    if (s_live_dir(a, dir, temp) != 0)
        return -1;
    return cli_collect_accounts(&lo, a, *dir, accts, n);
}

/* Records the run in the SQLite history at path. */
static int s_record(const char *path, const struct dw_report_meta *meta, const struct dw_findings *f)
{
    struct dw_history *h = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    int64_t id = 0;
    json_t *doc = dw_report_json_doc(meta, f);
    enum dw_status rc = dw_history_open(path, &h, &err);
    if (!rc)
        rc = dw_history_record(h, doc, (int64_t)time(NULL), &id, &err);
    dw_history_close(h);
    json_decref(doc);
    if (rc) {
        cli_print_error(&err);
        return -1;
    }
    fprintf(stderr, "dbward: recorded run %lld in %s\n", (long long)id, path);
    return 0;
}

/* ASFF to files: PATH holds the first 100 findings; more go to PATH-2,
 * PATH-3, ... (the number goes before the extension), so each file is one
 * batch-import-findings call as it stands. */
static int s_write_asff_files(const char *path, const struct dw_report_meta *meta, const struct dw_findings *f)
{
    for (size_t i = 0, part = 1; i == 0 || i < f->n; i += DW_ASFF_BATCH, part++) {
        char name[4096];
        const char *slash = strrchr(path, '/');
        const char *dot = strrchr(path, '.');
        if (dot && slash && dot < slash)
            dot = NULL;
        if (part == 1)
            snprintf(name, sizeof(name), "%s", path);
        else if (dot && dot != path && dot[-1] != '/')
            snprintf(name, sizeof(name), "%.*s-%zu%s", (int)(dot - path), path, part, dot);
        else
            snprintf(name, sizeof(name), "%s-%zu", path, part);
        struct cli_out o;
        FILE *fp = cli_out_open(&o, name);
        if (!fp)
            return -1;
        enum dw_status wrc = dw_report_asff(fp, meta, f, i, DW_ASFF_BATCH, false);
        if (cli_out_close(&o, wrc == DW_OK) != 0) {
            fprintf(stderr, "dbward: could not write %s\n", name);
            return -1;
        }
    }
    return 0;
}

int cli_cmd_scan(struct cli_args *a)
{
    struct dw_snapshot *snap = NULL;
    struct dw_findings findings = {0};
    char *live_dir = NULL;
    bool temp_dir = false;
    struct dw_config *cfg = NULL;
    struct dw_param_value params[64];
    size_t n_params = 0;
    struct dw_error err;
    int code = EXIT_USAGE;
    FILE *out = NULL;
    char **dirs = NULL;
    size_t n_dirs = 0;
    struct cli_account *accts = NULL;
    size_t n_accts = 0;
    memset(&err, 0, sizeof(err));
    if (cli_config_load(a, &cfg))
        goto out;
    if ((a->n_accounts || a->ou || a->role_name || a->n_exclude_accounts || a->external_id) &&
        (!a->n_accounts || !a->role_name || a->snapshot)) {
        fputs("dbward: --accounts needs --role-name, and is for live scans (--ou, --external-id and "
              "--exclude-accounts go with it)\n", stderr);
        goto out;
    }
    if (a->ou && !(a->n_accounts == 1 && strcmp(a->accounts[0], "org") == 0)) {
        fputs("dbward: --ou goes with --accounts org\n", stderr);
        goto out;
    }
    /* The config first, the command line after it: later values win. */
    for (size_t i = 0; cfg && i < cfg->n_params && n_params < 32; i++)
        params[n_params++] = cfg->params[i];
    for (size_t i = 0; i < a->n_params && n_params < 64; i++)
        params[n_params++] = a->params[i];
    if (cfg && !a->n_regions)
        for (size_t i = 0; i < cfg->n_regions && a->n_regions < 64; i++)
            a->regions[a->n_regions++] = cfg->regions[i];
    if (cfg && !a->n_controls)
        for (size_t i = 0; i < cfg->n_include && a->n_controls < 64; i++)
            a->controls[a->n_controls++] = cfg->include[i];
    if (a->format && strcmp(a->format, "markdown") == 0) {
        fputs("dbward: --format markdown is for explain and controls; scan writes text, json, csv, junit, sarif, "
              "ocsf, asff, html, matrix or matrix-md\n", stderr);
        goto out;
    }
    if (a->snapshot && (a->profile || a->endpoint_url || a->save_snapshot || a->debug)) {
        fputs("dbward: --profile, --endpoint-url, --save-snapshot and --debug are for live scans, "
              "not with --snapshot\n", stderr);
        goto out;
    }
    for (size_t i = 0; i < a->n_controls; i++) {
        bool any = false;
        for (size_t k = 0; k < dw_catalog_count(); k++)
            any = any || dw_control_selected(dw_catalog_get(k), &a->controls[i], 1);
        for (size_t k = 0; cfg && k < cfg->n_custom; k++)
            any = any || dw_control_selected(cfg->custom_controls[k], &a->controls[i], 1);
        if (!any) {
            fprintf(stderr, "dbward: --controls %s matches no control (see dbward controls)\n",
                    a->controls[i]);
            goto out;
        }
    }
    /* The snapshots to evaluate: one folder, a tree of per-account folders
     * (scan --snapshot DIR of a multi-account --save-snapshot), or what the
     * live collection wrote. Accounts that could not be entered come back as
     * ERROR findings, not as missing accounts. */
    if (a->snapshot) {
        if (cli_snapshot_tree(a->snapshot, &dirs, &n_dirs) != 0)
            goto out;
        if (!n_dirs) {
            dirs = calloc(1, sizeof(char *));
            if (!dirs || !(dirs[0] = strdup(a->snapshot)))
                abort();
            n_dirs = 1;
        }
    } else if (cli_check_regions(a) != 0) {
        code = EXIT_USAGE;
        goto out;
    } else if (a->n_accounts) {
        if (s_live_accounts(a, &live_dir, &temp_dir, &accts, &n_accts) != 0)
            goto out;
        dirs = calloc(n_accts ? n_accts : 1, sizeof(char *));
        if (!dirs)
            abort();
        for (size_t i = 0; i < n_accts; i++) {
            if (!accts[i].failed && !(dirs[n_dirs++] = strdup(accts[i].dir)))
                abort();
        }
    } else {
        if (s_live(a, &live_dir, &temp_dir) != 0) {
            code = EXIT_USAGE;
            goto out;
        }
        dirs = calloc(1, sizeof(char *));
        if (!dirs || !(dirs[0] = strdup(live_dir)))
            abort();
        n_dirs = 1;
    }
    struct dw_scan_opts opts = {
        .controls = a->controls,
        .n_controls = a->n_controls,
        .severity_mask = a->severity_mask,
        .regions = a->regions,
        .n_regions = a->n_regions,
        .params = params,
        .n_params = n_params,
        .exclude = cfg ? (const char *const *)cfg->exclude : NULL,
        .n_exclude = cfg ? cfg->n_exclude : 0,
        .extra = cfg ? cfg->custom_controls : NULL,
        .n_extra = cfg ? cfg->n_custom : 0,
        .sev_ids = cfg ? (const char *const *)cfg->sev_ids : NULL,
        .sev_values = cfg ? cfg->sev_values : NULL,
        .n_sev = cfg ? cfg->n_sev : 0,
    };
    const char *regions[64];
    size_t n_regions = 0;
    const char *account_ids[1024];
    size_t n_account_ids = 0;
    char partition[32] = "aws", taken_at[32] = "";
    for (size_t d = 0; d < n_dirs; d++) {
        struct dw_snapshot *one = NULL;
        if (dw_snapshot_open(dirs[d], &one, &err)) {
            cli_print_error(&err);
            goto out;
        }
        if (dw_scan_run(one, &opts, &findings, &err)) {
            cli_print_error(&err);
            dw_snapshot_free(one);
            goto out;
        }
        snprintf(partition, sizeof(partition), "%s", dw_snapshot_partition(one));
        /* The report's time is the oldest evidence's. */
        if (!taken_at[0] || strcmp(dw_snapshot_taken_at_iso(one), taken_at) < 0)
            snprintf(taken_at, sizeof(taken_at), "%s", dw_snapshot_taken_at_iso(one));
        if (n_account_ids < 1024)
            account_ids[n_account_ids++] = s_keep(dw_snapshot_account_id(one));
        for (size_t i = 0; i < dw_snapshot_region_count(one) && n_regions < 64; i++) {
            const char *r = dw_snapshot_region(one, i);
            bool keep = a->n_regions == 0;
            for (size_t k = 0; k < a->n_regions && !keep; k++)
                keep = strcmp(a->regions[k], r) == 0;
            for (size_t k = 0; k < n_regions && keep; k++)
                keep = strcmp(regions[k], r) != 0;
            if (keep)
                regions[n_regions++] = s_keep(r);
        }
        if (d == 0)
            snap = one;
        else
            dw_snapshot_free(one);
    }
    for (size_t i = 0; i < n_accts; i++) {
        if (accts[i].failed) {
            cli_account_error(&findings, &accts[i], a->role_name);
            if (n_account_ids < 1024)
                account_ids[n_account_ids++] = s_keep(accts[i].id);
        }
    }
    dw_config_apply_suppressions(cfg, &findings, (int64_t)time(NULL), s_warn, NULL);
    struct dw_report_meta meta = {
        .account_id = n_account_ids == 1 ? account_ids[0] : "multiple",
        .partition = partition,
        .regions = regions,
        .n_regions = n_regions,
        .taken_at = taken_at,
        .source = a->snapshot ? a->snapshot : "live",
        .accounts = account_ids,
        .n_accounts = n_account_ids,
    };
    struct cli_out main_out;
    out = cli_out_open(&main_out, a->output);
    if (!out)
        goto out;
    bool text = !a->format || strcmp(a->format, "text") == 0;
    bool color = text && !a->no_color && out == stdout && isatty(fileno(stdout)) &&
                 !(getenv("NO_COLOR") && getenv("NO_COLOR")[0]);
    enum dw_status wrc = s_write_report(out, a->format, &meta, &findings, color);
    if (cli_out_close(&main_out, wrc == DW_OK) != 0) {
        fprintf(stderr, "dbward: could not write the report\n");
        goto out;
    }
    for (size_t i = 0; i < a->n_outs; i++) {
        if (strcmp(a->out_format[i], "asff") == 0) {
            if (s_write_asff_files(a->out_path[i], &meta, &findings) != 0)
                goto out;
            continue;
        }
        struct cli_out extra_out;
        FILE *extra = cli_out_open(&extra_out, a->out_path[i]);
        if (!extra)
            goto out;
        wrc = s_write_report(extra, a->out_format[i], &meta, &findings, false);
        if (cli_out_close(&extra_out, wrc == DW_OK) != 0) {
            fprintf(stderr, "dbward: could not write %s\n", a->out_path[i]);
            goto out;
        }
    }
    if (a->db && s_record(a->db, &meta, &findings) != 0)
        goto out;
    struct dw_summary sum;
    dw_summary_compute(&findings, &sum);
    code = sum.by_status[DW_FAIL] ? EXIT_FAILED : sum.by_status[DW_ERROR] ? EXIT_ERRORED : EXIT_CLEAN;
out:
    for (size_t i = 0; i < n_dirs; i++)
        free(dirs[i]);
    free(dirs);
    free(accts);
    s_keep(NULL);
    dw_findings_clean_up(&findings);
    dw_snapshot_free(snap);
    if (temp_dir && live_dir)
        s_rm_rf(live_dir);
    free(live_dir);
    dw_config_free(cfg);
    return code;
}
