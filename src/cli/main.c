/* main.c: the dbward command line: scan, controls, explain, snapshot-script,
 * help. Formats errors for people (file:line:col plus a caret line) and maps
 * results to exit codes: 0 clean, 1 FAIL, 3 ERROR without FAIL, 2 usage or
 * unreadable input. Uses only the public dbward API. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dbward/config.h>
#include <dbward/dbward.h>
#include <dbward/file.h>
#include <dbward/history.h>
#include <dbward/jmespath.h>
#include <dbward/live.h>
#include <dbward/process.h>
#include <dbward/report.h>
#include <dbward/snapshot.h>

#include "accounts.h"
#include "args.h"
#include "cmd_plan.h"

enum { EXIT_CLEAN = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_ERRORED = 3 };

static void s_print_error(const struct dw_error *e)
{
    if (e->line > 0)
        fprintf(stderr, "dbward: %s:%d:%d: %s\n", e->source, e->line, e->column, e->message);
    else if (e->source[0])
        fprintf(stderr, "dbward: %s: %s\n", e->source, e->message);
    else
        fprintf(stderr, "dbward: %s\n", e->message);
    if (e->line <= 0 || e->column <= 0)
        return;
    /* The caret line is read again from the file, never through a link or
     * from a FIFO or device: it must quote only the file that was parsed. */
    int fd = open(e->source, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat st;
    if (fd < 0)
        return;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return;
    }
    char line[512];
    int n = 0;
    while (fgets(line, sizeof(line), f)) {
        if (++n == e->line) {
            line[strcspn(line, "\r\n")] = '\0';
            fprintf(stderr, "  %s\n  %*s^\n", line, e->column > 1 ? e->column - 1 : 0, "");
            break;
        }
    }
    fclose(f);
}

static void s_usage(FILE *out)
{
    fputs("usage: dbward COMMAND [OPTIONS]\n\ncommands:\n", out);
    for (size_t i = 0; i < cli_commands_count; i++) {
        char left[64];
        snprintf(left, sizeof(left), "%s%s%s", cli_commands[i].name, cli_commands[i].args[0] ? " " : "",
                 cli_commands[i].args);
        fprintf(out, "  %-30s %s\n", left, cli_commands[i].help);
    }
    fputs("\noptions:\n", out);
    for (size_t i = 0; i < cli_opts_count; i++) {
        const struct cli_opt *o = &cli_opts[i];
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        else
            snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        fprintf(out, "  %-30s %s [%s]\n", left, o->help,
                strcmp(o->commands, "*") == 0 ? "all" : o->commands);
    }
    fputs("\nexit status:\n", out);
    for (size_t i = 0; i < cli_exits_count; i++)
        fprintf(out, "  %s  %s\n", cli_exits[i].name, cli_exits[i].help);
    fputs("\nenvironment:\n", out);
    for (size_t i = 0; i < cli_envs_count; i++)
        fprintf(out, "  %s\n      %s\n", cli_envs[i].name, cli_envs[i].help);
    fputs("\nThe manual page (dbward man | man -l -) says more.\n", out);
}

/* One output of a command: stdout ("-" or no path), or a file written
 * through dw_atomic_file, so it appears complete and 0600 or not at all. */
struct s_out {
    FILE *f;                   /* where to write; stdout or the writer's stream */
    struct dw_atomic_file *af; /* NULL for stdout */
};

static FILE *s_open_out(struct s_out *o, const char *path)
{
    memset(o, 0, sizeof(*o));
    if (!path || strcmp(path, "-") == 0) {
        o->f = stdout;
        return o->f;
    }
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_atomic_file_open(path, &o->af, &err)) {
        s_print_error(&err);
        return NULL;
    }
    o->f = dw_atomic_file_stream(o->af);
    return o->f;
}

/* Ends an output: the file replaces the old one only when ok (the writer
 * succeeded) and every write reached the disk. A failed write is reported
 * with the file and the OS error. Returns 0 when the output is complete. */
static int s_close_out(struct s_out *o, bool ok)
{
    if (!o->af)
        return fflush(stdout) == 0 && !ferror(stdout) && ok ? 0 : -1;
    struct dw_atomic_file *af = o->af;
    o->af = NULL;
    if (!ok && !ferror(o->f)) {
        dw_atomic_file_abort(af);
        return -1;
    }
    /* A stream error makes the commit fail and name it ("No space left on
     * device"); nothing is renamed into place then. */
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_atomic_file_commit(af, &err)) {
        s_print_error(&err);
        return -1;
    }
    return ok ? 0 : -1;
}

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

/* Region names are checked against the partitions' lists unless the calls
 * go to --endpoint-url (or AWS_ENDPOINT_URL). Prints the error; -1 then. */
static int s_check_regions(const struct cli_args *a)
{
    const char *env_ep = getenv("AWS_ENDPOINT_URL");
    if (a->endpoint_url || (env_ep && *env_ep))
        return 0;
    for (size_t i = 0; i < a->n_regions; i++) {
        if (!dw_region_known(a->regions[i], NULL)) {
            fprintf(stderr, "dbward: unknown region \"%s\" (--region): not a region of any AWS partition; "
                            "--endpoint-url allows any name\n", a->regions[i]);
            return -1;
        }
    }
    char *home = dw_creds_default_region(a->profile);
    int rc = 0;
    if (home && !dw_region_known(home, NULL)) {
        fprintf(stderr, "dbward: unknown region \"%s\" (AWS_REGION, AWS_DEFAULT_REGION or the profile's region): "
                        "not a region of any AWS partition; --endpoint-url allows any name\n", home);
        rc = -1;
    }
    free(home);
    return rc;
}

/* Live collection into --save-snapshot DIR or a temporary folder. */
static void s_live_opts(struct cli_args *a, const struct dw_param_value *params, size_t n_params,
                        struct dw_live_opts *out)
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
        .params = params,
        .n_params = n_params,
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

static int s_live(struct cli_args *a, const struct dw_param_value *params, size_t n_params, char **dir, bool *temp)
{
    struct dw_live_opts lo;
    s_live_opts(a, params, n_params, &lo);
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
            s_print_error(&err);
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

/* Loads --config, or ./dbward.yaml when it exists. *cfg stays NULL when
 * there is none. Returns 0, or EXIT_USAGE after printing the error. */
static int s_config(struct cli_args *a, struct dw_config **cfg)
{
    *cfg = NULL;
    const char *path = a->config;
    if (!path && access("dbward.yaml", F_OK) == 0)
        path = "dbward.yaml";
    if (!path)
        return 0;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_config_load(path, cfg, &err)) {
        s_print_error(&err);
        return EXIT_USAGE;
    }
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
static int s_live_accounts(struct cli_args *a, const struct dw_param_value *params, size_t n_params, char **dir,
                           bool *temp, struct cli_account **accts, size_t *n)
{
    struct dw_live_opts lo;
    s_live_opts(a, params, n_params, &lo);
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
        s_print_error(&err);
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
        struct s_out o;
        FILE *fp = s_open_out(&o, name);
        if (!fp)
            return -1;
        enum dw_status wrc = dw_report_asff(fp, meta, f, i, DW_ASFF_BATCH, false);
        if (s_close_out(&o, wrc == DW_OK) != 0) {
            fprintf(stderr, "dbward: could not write %s\n", name);
            return -1;
        }
    }
    return 0;
}

static int s_cmd_scan(struct cli_args *a)
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
    if (s_config(a, &cfg))
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
    } else if (s_check_regions(a) != 0) {
        code = EXIT_USAGE;
        goto out;
    } else if (a->n_accounts) {
        if (s_live_accounts(a, params, n_params, &live_dir, &temp_dir, &accts, &n_accts) != 0)
            goto out;
        dirs = calloc(n_accts ? n_accts : 1, sizeof(char *));
        if (!dirs)
            abort();
        for (size_t i = 0; i < n_accts; i++) {
            if (!accts[i].failed && !(dirs[n_dirs++] = strdup(accts[i].dir)))
                abort();
        }
    } else {
        if (s_live(a, params, n_params, &live_dir, &temp_dir) != 0) {
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
            s_print_error(&err);
            goto out;
        }
        if (dw_scan_run(one, &opts, &findings, &err)) {
            s_print_error(&err);
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
    struct s_out main_out;
    out = s_open_out(&main_out, a->output);
    if (!out)
        goto out;
    bool text = !a->format || strcmp(a->format, "text") == 0;
    bool color = text && !a->no_color && out == stdout && isatty(fileno(stdout)) &&
                 !(getenv("NO_COLOR") && getenv("NO_COLOR")[0]);
    enum dw_status wrc = s_write_report(out, a->format, &meta, &findings, color);
    if (s_close_out(&main_out, wrc == DW_OK) != 0) {
        fprintf(stderr, "dbward: could not write the report\n");
        goto out;
    }
    for (size_t i = 0; i < a->n_outs; i++) {
        if (strcmp(a->out_format[i], "asff") == 0) {
            if (s_write_asff_files(a->out_path[i], &meta, &findings) != 0)
                goto out;
            continue;
        }
        struct s_out extra_out;
        FILE *extra = s_open_out(&extra_out, a->out_path[i]);
        if (!extra)
            goto out;
        wrc = s_write_report(extra, a->out_format[i], &meta, &findings, false);
        if (s_close_out(&extra_out, wrc == DW_OK) != 0) {
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

static void s_list(FILE *out, const char *label, const char *const *v, size_t max)
{
    fprintf(out, "%s", label);
    for (size_t i = 0; i < max && v[i]; i++)
        fprintf(out, "%s%s", i ? ", " : "", v[i]);
    fputc('\n', out);
}

static void s_statements(FILE *out, const struct dw_control *c)
{
    fputs("control statements: ", out);
    if (!c->statements[0])
        fputs("none", out);
    for (size_t i = 0; i < 4 && c->statements[i]; i++)
        fprintf(out, "%s%d", i ? ", " : "", c->statements[i]);
    fputc('\n', out);
}

static const struct dw_param_def *s_param_def(const char *name)
{
    for (size_t i = 0; i < dw_param_def_count(); i++) {
        if (strcmp(dw_param_def_get(i)->name, name) == 0)
            return dw_param_def_get(i);
    }
    return NULL;
}

static int s_cmd_controls(struct cli_args *a)
{
    struct dw_config *cfg = NULL;
    if (s_config(a, &cfg))
        return EXIT_USAGE;
    struct s_out o;
    FILE *out = s_open_out(&o, a->output);
    if (!out) {
        dw_config_free(cfg);
        return EXIT_USAGE;
    }
    bool json = a->format && strcmp(a->format, "json") == 0;
    if (a->format && strcmp(a->format, "markdown") == 0) {
        cli_control_index(out);
        dw_config_free(cfg);
        return s_close_out(&o, true) == 0 ? EXIT_CLEAN : EXIT_USAGE;
    }
    if (json) {
        fputs("[\n", out);
    } else {
        fprintf(out, "%-7s %-9s %-10s %s\n", "ID", "SEVERITY", "FIX", "TITLE");
    }
    bool first = true;
    size_t n_custom = cfg ? cfg->n_custom : 0;
    for (size_t i = 0; i < dw_catalog_count() + n_custom; i++) {
        const struct dw_control *c = i < dw_catalog_count() ? dw_catalog_get(i) : cfg->custom_controls[i - dw_catalog_count()];
        if (a->severity_mask && !(a->severity_mask & (1u << c->severity)))
            continue;
        if (!json) {
            fprintf(out, "%-7s %-9s %-10s %s%s\n", c->id, dw_severity_str(c->severity),
                    dw_fix_kind_str(c->fix_kind), c->title, c->custom ? "  (custom, dbward.yaml)" : "");
            continue;
        }
        fprintf(out, "%s  {\"id\": \"%s\", \"severity\": \"%s\", \"fix\": \"%s\", \"seed\": \"%s\", "
                     "\"resource_type\": \"%s\", \"nist_csf\": [",
                first ? "" : ",\n", c->id, dw_severity_str(c->severity),
                dw_fix_kind_str(c->fix_kind), c->seed, c->resource_type);
        for (size_t k = 0; k < 4 && c->nist_csf[k]; k++)
            fprintf(out, "%s\"%s\"", k ? ", " : "", c->nist_csf[k]);
        fputs("], \"control_statements\": [", out);
        for (size_t k = 0; k < 4 && c->statements[k]; k++)
            fprintf(out, "%s%d", k ? ", " : "", c->statements[k]);
        fputs("], \"params\": [", out);
        for (size_t k = 0; k < 3 && c->params[k]; k++)
            fprintf(out, "%s\"%s\"", k ? ", " : "", c->params[k]);
        fputs("], \"calls\": [", out);
        for (size_t k = 0; k < 8 && c->calls[k]; k++) {
            json_t *js = json_string(c->calls[k]);
            char *enc = js ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
            fprintf(out, "%s%s", k ? ", " : "", enc ? enc : "\"\"");
            free(enc);
            json_decref(js);
        }
        json_t *jt = json_string(c->title);
        char *title = jt ? json_dumps(jt, JSON_ENCODE_ANY) : NULL;
        json_decref(jt);
        fprintf(out, "], \"custom\": %s, \"title\": %s}", c->custom ? "true" : "false", title ? title : "\"\"");
        free(title);
        first = false;
    }
    if (json) {
        fputs("\n]\n", out);
    } else {
        fputs("\nparameters (--param NAME=VALUE):\n", out);
        for (size_t i = 0; i < dw_param_def_count(); i++) {
            const struct dw_param_def *p = dw_param_def_get(i);
            fprintf(out, "  %-24s [%s] %s\n", p->name, p->def, p->help);
        }
    }
    dw_config_free(cfg);
    return s_close_out(&o, true) ? EXIT_USAGE : EXIT_CLEAN;
}

static int s_cmd_explain(struct cli_args *a)
{
    if (a->n_positional != 1) {
        fputs("dbward: explain takes one control id, e.g. dbward explain DMS-01\n", stderr);
        return EXIT_USAGE;
    }
    struct dw_config *cfg = NULL;
    if (s_config(a, &cfg))
        return EXIT_USAGE;
    const struct dw_control *c = dw_config_find_control(cfg, a->positional[0]);
    if (!c) {
        fprintf(stderr, "dbward: no control \"%s\" (see dbward controls)\n", a->positional[0]);
        dw_config_free(cfg);
        return EXIT_USAGE;
    }
    FILE *out = stdout;
    if (a->format && strcmp(a->format, "markdown") == 0) {
        cli_control_page(out, c);
        dw_config_free(cfg);
        return fflush(out) == 0 ? EXIT_CLEAN : EXIT_USAGE;
    }
    fprintf(out, "%s  %s\n\n", c->id, c->title);
    fprintf(out, "severity: %s\nresource: %s (%s)\n", dw_severity_str(c->severity),
            c->resource_type, c->is_global ? "global" : "per region");
    s_list(out, "NIST CSF: ", c->nist_csf, 4);
    s_statements(out, c);
    fprintf(out, "seed: %s\nremediation kind: %s\n", c->seed, dw_fix_kind_str(c->fix_kind));
    for (size_t i = 0; i < 3 && c->params[i]; i++) {
        const struct dw_param_def *p = s_param_def(c->params[i]);
        fprintf(out, "parameter: %s [%s] %s\n", c->params[i], p ? p->def : "",
                p ? p->help : "");
    }
    fprintf(out, "\nWhat must hold\n  %s\n\nWhy\n  %s\n\nHow to audit by hand\n  %s\n\nHow to fix\n  %s\n",
            c->what, c->why, c->audit ? c->audit : "(not given)", c->fix ? c->fix : "(not given)");
    if (c->custom) {
        const struct dw_custom_control *cc = c->custom;
        fprintf(out, "\nCustom control from %s\n  call: %s %s\n  list: %s\n  id: %s\n  condition: %s\n",
                cfg->path, cc->call_service, cc->call_command, dw_jmes_text(cc->list), dw_jmes_text(cc->id),
                dw_jmes_text(cc->condition));
    }
    fputs("\nSnapshot calls read\n", out);
    for (size_t i = 0; i < 8 && c->calls[i]; i++)
        fprintf(out, "  %s\n", c->calls[i]);
    const struct dw_peers *peer = dw_control_peers(c->id);
    if (peer)
        fprintf(out, "\nNearest checks elsewhere\n  Prowler: %s\n  Security Hub: %s\n  AWS Config: %s\n"
                     "  Conformity: %s\n  How dbward differs: %s\n",
                peer->prowler, peer->security_hub, peer->aws_config, peer->conformity, peer->difference);
    dw_config_free(cfg);
    return fflush(out) == 0 ? EXIT_CLEAN : EXIT_USAGE;
}

static int s_cmd_script(struct cli_args *a)
{
    char *script = dw_collect_script(a->regions, a->n_regions);
    struct s_out o;
    FILE *out = s_open_out(&o, a->output);
    if (!out) {
        free(script);
        return EXIT_USAGE;
    }
    fputs(script, out);
    free(script);
    return s_close_out(&o, true) ? EXIT_USAGE : EXIT_CLEAN;
}

/* Writes JSON to stdout but stops past a size cap: a result built from
 * shared references ([[@,@],[@,@]] nested) can print exponentially. */
#define DW_QUERY_MAX_OUTPUT ((size_t)256 << 20)
struct s_capped {
    size_t written;
};

static int s_capped_write(const char *buf, size_t size, void *data)
{
    struct s_capped *c = data;
    c->written += size;
    if (c->written > DW_QUERY_MAX_OUTPUT)
        return -1;
    return fwrite(buf, 1, size, stdout) == size ? 0 : -1;
}

/* Shows where in the expression an error is: the text and a caret line. */
static void s_caret(const char *expr, size_t offset)
{
    size_t len = strlen(expr);
    if (len > 200 || strchr(expr, '\n'))
        return;
    fprintf(stderr, "  %s\n  %*s^\n", expr, (int)(offset <= len ? offset : len), "");
}

/* dbward remediate REPORT.json: the fixes as a bash script. */
static int s_cmd_remediate(struct cli_args *a)
{
    if (a->n_positional != 1) {
        fputs("dbward: remediate takes one JSON report, e.g. dbward remediate report.json -o fix.sh\n", stderr);
        return EXIT_USAGE;
    }
    json_t *rep = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_json_load_file(a->positional[0], &rep, &err)) {
        s_print_error(&err);
        return EXIT_USAGE;
    }
    struct s_out o;
    FILE *out = s_open_out(&o, a->output);
    if (!out) {
        json_decref(rep);
        return EXIT_USAGE;
    }
    struct dw_remediate_opts ro = {a->controls, a->n_controls, a->severity_mask};
    enum dw_status rc = dw_remediate_script(rep, a->positional[0], &ro, out, &err);
    json_decref(rep);
    if (s_close_out(&o, rc == DW_OK) != 0) {
        if (rc && err.message[0])
            s_print_error(&err);
        return EXIT_USAGE;
    }
    return EXIT_CLEAN;
}

/* dbward diff OLD.json NEW.json: exit 1 when NEW has failures OLD had not. */
static int s_cmd_diff(struct cli_args *a)
{
    if (a->db ? (a->n_positional != 0 && a->n_positional != 2) : a->n_positional != 2) {
        fputs("dbward: diff takes two JSON reports (dbward diff last.json now.json) or, with --db, two runs "
              "(dbward diff --db history.db latest~1 latest)\n", stderr);
        return EXIT_USAGE;
    }
    json_t *o = NULL, *n = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    int code = EXIT_USAGE;
    FILE *out = NULL;
    size_t fresh = 0;
    char names[2][64];
    const char *refs[2] = {a->n_positional ? a->positional[0] : "latest~1",
                           a->n_positional ? a->positional[1] : "latest"};
    const char *srcs[2] = {refs[0], refs[1]};
    if (a->db) {
        struct dw_history *h = NULL;
        int64_t ids[2] = {0, 0};
        enum dw_status rc = dw_history_open(a->db, &h, &err);
        if (!rc)
            rc = dw_history_load(h, refs[0], &o, &ids[0], &err);
        if (!rc)
            rc = dw_history_load(h, refs[1], &n, &ids[1], &err);
        dw_history_close(h);
        if (rc) {
            s_print_error(&err);
            goto out;
        }
        for (int i = 0; i < 2; i++) {
            snprintf(names[i], sizeof(names[i]), "run %lld", (long long)ids[i]);
            srcs[i] = names[i];
        }
    } else if (dw_json_load_file(a->positional[0], &o, &err) || dw_json_load_file(a->positional[1], &n, &err)) {
        s_print_error(&err);
        goto out;
    }
    struct s_out dout;
    out = s_open_out(&dout, a->output);
    if (!out)
        goto out;
    bool json = a->format && strcmp(a->format, "json") == 0;
    enum dw_status rc = dw_report_diff(o, srcs[0], n, srcs[1], json, out, &fresh, &err);
    if (s_close_out(&dout, rc == DW_OK) != 0) {
        if (rc)
            s_print_error(&err);
        goto out;
    }
    code = fresh ? EXIT_FAILED : EXIT_CLEAN;
out:
    json_decref(o);
    json_decref(n);
    return code;
}

/* dbward merge REPORT.json...: one JSON report from several runs. */
static int s_cmd_merge(struct cli_args *a)
{
    if (a->n_positional < 1) {
        fputs("dbward: merge takes JSON reports, e.g. dbward merge shard-*.json -o all.json\n", stderr);
        return EXIT_USAGE;
    }
    json_t **docs = calloc(a->n_positional, sizeof(*docs));
    json_t *merged = NULL;
    if (!docs)
        abort();
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    int code = EXIT_USAGE;
    for (size_t i = 0; i < a->n_positional; i++) {
        if (dw_json_load_file(a->positional[i], &docs[i], &err)) {
            s_print_error(&err);
            goto out;
        }
    }
    if (dw_report_merge(docs, a->positional, a->n_positional, &merged, &err)) {
        s_print_error(&err);
        goto out;
    }
    struct s_out o;
    FILE *out = s_open_out(&o, a->output);
    if (!out)
        goto out;
    int rc = json_dumpf(merged, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    fputc('\n', out);
    if (s_close_out(&o, rc == 0) != 0) {
        fputs("dbward: could not write the merged report\n", stderr);
        goto out;
    }
    fprintf(stderr, "dbward: merged %zu reports: %zu findings, %zu accounts\n", a->n_positional,
            json_array_size(json_object_get(merged, "findings")), json_array_size(json_object_get(merged, "accounts")));
    code = EXIT_CLEAN;
out:
    for (size_t i = 0; i < a->n_positional; i++)
        json_decref(docs[i]);
    free(docs);
    json_decref(merged);
    return code;
}

/* dbward history --db FILE: the recorded runs, oldest first. */
static int s_cmd_history(struct cli_args *a)
{
    if (!a->db || a->n_positional) {
        fputs("dbward: history takes --db FILE, e.g. dbward history --db history.db\n", stderr);
        return EXIT_USAGE;
    }
    struct dw_history *h = NULL;
    struct dw_history_run *runs = NULL;
    size_t n = 0;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    enum dw_status rc = dw_history_open(a->db, &h, &err);
    if (!rc)
        rc = dw_history_list(h, 1000, &runs, &n, &err);
    dw_history_close(h);
    if (rc) {
        s_print_error(&err);
        return EXIT_USAGE;
    }
    struct s_out o;
    FILE *out = s_open_out(&o, a->output);
    if (!out) {
        free(runs);
        return EXIT_USAGE;
    }
    bool json = a->format && strcmp(a->format, "json") == 0;
    if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *r = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "id", (json_int_t)runs[i].id,
                                  "recorded_at", runs[i].recorded_at, "taken_at", runs[i].taken_at, "account_id",
                                  runs[i].account_id, "source", runs[i].source, "total", (json_int_t)runs[i].total,
                                  "PASS", (json_int_t)runs[i].pass, "FAIL", (json_int_t)runs[i].fail, "ERROR",
                                  (json_int_t)runs[i].error, "NOT_APPLICABLE", (json_int_t)runs[i].not_applicable,
                                  "MUTED", (json_int_t)runs[i].muted);
            json_array_append_new(arr, r);
        }
        json_dumpf(arr, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
        fputc('\n', out);
        json_decref(arr);
    } else {
        fprintf(out, "%5s  %-20s  %-20s  %-12s  %5s %5s %5s %5s %5s %5s  %s\n", "run", "recorded", "evidence taken",
                "account", "total", "PASS", "FAIL", "ERROR", "N/A", "MUTED", "source");
        for (size_t i = 0; i < n; i++)
            fprintf(out, "%5lld  %-20s  %-20s  %-12s  %5lld %5lld %5lld %5lld %5lld %5lld  %s\n",
                    (long long)runs[i].id, runs[i].recorded_at, runs[i].taken_at, runs[i].account_id,
                    (long long)runs[i].total, (long long)runs[i].pass, (long long)runs[i].fail,
                    (long long)runs[i].error, (long long)runs[i].not_applicable, (long long)runs[i].muted,
                    runs[i].source);
    }
    free(runs);
    return s_close_out(&o, true) == 0 ? EXIT_CLEAN : EXIT_USAGE;
}

/* dbward query EXPRESSION: like jp, one JSON document on stdin. */
static int s_cmd_query(struct cli_args *a)
{
    if (a->n_positional != 1) {
        fputs("dbward: query takes one JMESPath expression, e.g. dbward query 'Table.SSEDescription'\n", stderr);
        return EXIT_USAGE;
    }
    const char *expr = a->positional[0];
    struct dw_jmes *jm = NULL;
    struct dw_jmes_error je;
    if (dw_jmes_compile(expr, strlen(expr), &jm, &je)) {
        fprintf(stderr, "dbward: %s error at column %zu: %s\n", dw_jmes_err_kind_str(je.kind), je.offset + 1,
                je.message);
        s_caret(expr, je.offset);
        return 1;
    }
    /* Read stdin whole, with the same size limit as snapshot files. */
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, stdin)) > 0) {
        len += n;
        if (len == cap) {
            if (cap >= DW_SNAPSHOT_MAX_FILE_BYTES) {
                fprintf(stderr, "dbward: stdin: input larger than %zu bytes\n", (size_t)DW_SNAPSHOT_MAX_FILE_BYTES);
                free(buf);
                dw_jmes_free(jm);
                return EXIT_USAGE;
            }
            cap *= 2;
            char *grown = realloc(buf, cap);
            if (!grown) {
                free(buf);
                fputs("dbward: out of memory\n", stderr);
                dw_jmes_free(jm);
                return EXIT_USAGE;
            }
            buf = grown;
        }
    }
    json_t *doc = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    enum dw_status rc = buf ? dw_json_load_buffer(buf, len, "stdin", &doc, &err) : DW_E_IO;
    free(buf);
    if (rc) {
        fprintf(stderr, "dbward: stdin:%d:%d: %s\n", err.line, err.column, err.message);
        dw_jmes_free(jm);
        return EXIT_USAGE;
    }
    json_t *out = dw_jmes_eval(jm, doc, &je);
    int code = 0;
    if (!out) {
        fprintf(stderr, "dbward: %s error at column %zu: %s\n", dw_jmes_err_kind_str(je.kind), je.offset + 1,
                je.message);
        s_caret(expr, je.offset);
        code = 1;
    } else {
        struct s_capped capw = {0};
        if (json_dump_callback(out, s_capped_write, &capw, JSON_INDENT(2) | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER)) {
            fprintf(stderr, "\ndbward: limit error: the result is larger than %zu bytes\n",
                    (size_t)DW_QUERY_MAX_OUTPUT);
            code = 1;
        } else {
            fputc('\n', stdout);
            code = fflush(stdout) == 0 ? 0 : EXIT_USAGE;
        }
    }
    json_decref(out);
    json_decref(doc);
    dw_jmes_free(jm);
    return code;
}

/* whoami: the credentials the chain finds, as "ACCESS_KEY_ID PROVIDER"
 * (botocore's provider names). Never prints the secret. */
static int s_cmd_whoami(struct cli_args *a)
{
    if (s_check_regions(a) != 0)
        return EXIT_USAGE;
    const char *env_ep = getenv("AWS_ENDPOINT_URL");
    char *region = a->n_regions ? strdup(a->regions[0]) : dw_creds_default_region(a->profile);
    char *ca = dw_creds_default_ca_bundle(a->profile);
    struct dw_creds_opts o = {
        .profile = a->profile,
        .profile_explicit = a->profile != NULL,
        .endpoint_url = a->endpoint_url ? a->endpoint_url : (env_ep && *env_ep ? env_ep : NULL),
        .region = region,
        .timeout_ms = (a->timeout_s ? a->timeout_s : 30) * 1000L,
        .ca_bundle = ca,
    };
    struct dw_creds *c = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    int code = EXIT_CLEAN;
    if (dw_creds_resolve(&o, &c, &err)) {
        fprintf(stderr, "dbward: %s\n", err.message);
        code = EXIT_USAGE;
    } else {
        printf("%s %s\n", c->access_key_id, c->method);
    }
    dw_creds_free(c);
    free(region);
    free(ca);
    return code;
}

int main(int argc, char **argv)
{
    struct cli_args a;
    char msg[256];
    int code = EXIT_USAGE;
    /* Before anything can read a secret: no core file, no ptrace by others. */
    struct dw_error perr;
    if (dw_process_protect_secrets(&perr))
        fprintf(stderr, "dbward: warning: %s failed: %s\n", perr.source, perr.message);
    if (!cli_args_parse(argc, argv, &a, msg, sizeof(msg))) {
        fprintf(stderr, "dbward: %s\n", msg);
        goto out;
    }
    if (a.version) {
        char libs[512];
        dw_library_versions(libs, sizeof(libs));
        printf("dbward %s (commit %s)\n%s\n", dw_version(), dw_git_commit(), libs);
        code = EXIT_CLEAN;
    } else if (a.help || !a.command || strcmp(a.command, "help") == 0) {
        s_usage(a.command || a.help ? stdout : stderr);
        code = a.command || a.help ? EXIT_CLEAN : EXIT_USAGE;
    } else if (strcmp(a.command, "scan") == 0) {
        code = s_cmd_scan(&a);
    } else if (strcmp(a.command, "controls") == 0) {
        code = s_cmd_controls(&a);
    } else if (strcmp(a.command, "explain") == 0) {
        code = s_cmd_explain(&a);
    } else if (strcmp(a.command, "diff") == 0) {
        code = s_cmd_diff(&a);
    } else if (strcmp(a.command, "man") == 0) {
        cli_man(stdout);
        code = fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_USAGE;
    } else if (strcmp(a.command, "completion") == 0) {
        if (a.n_positional != 1 || !cli_completion(stdout, a.positional[0])) {
            fputs("dbward: completion takes bash or zsh, e.g. dbward completion bash\n", stderr);
            code = EXIT_USAGE;
        } else {
            code = fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_USAGE;
        }
    } else if (strcmp(a.command, "merge") == 0) {
        code = s_cmd_merge(&a);
    } else if (strcmp(a.command, "history") == 0) {
        code = s_cmd_history(&a);
    } else if (strcmp(a.command, "remediate") == 0) {
        code = s_cmd_remediate(&a);
    } else if (strcmp(a.command, "query") == 0) {
        code = s_cmd_query(&a);
    } else if (strcmp(a.command, "plan") == 0) {
        code = cli_cmd_plan(&a);
    } else if (strcmp(a.command, "snapshot-script") == 0) {
        code = s_cmd_script(&a);
    } else if (strcmp(a.command, "whoami") == 0) {
        code = s_cmd_whoami(&a);
    } else {
        fprintf(stderr, "dbward: unknown command \"%s\" (see dbward help)\n", a.command);
    }
out:
    cli_args_clean_up(&a);
    return code;
}
