/* cmd_scan.c: dbward scan: live (one account or many) or from snapshots,
 * then the reports in every format asked for and the history record. The
 * exit code says what the run found: 0 clean, 1 FAIL, 3 ERROR without FAIL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <dbward/audit.h>
#include <dbward/config.h>
#include <dbward/dbward.h>
#include <dbward/history.h>
#include <dbward/live.h>
#include <dbward/report.h>
#include <dbward/snapshot.h>

#include "cli.h"

static void s_debug_line(void *user, const char *line)
{
    (void)user;
    fprintf(stderr, "[debug] %s\n", line);
}

/* --progress: a plain line every few seconds and at the end, for logs
 * that are not terminals. */
static void s_progress_plain(void *user, const struct dw_live_progress *p, bool final)
{
    static time_t last;
    (void)user;
    time_t now = time(NULL);
    if (!final && last && now - last < 5)
        return;
    last = now;
    fprintf(stderr, "dbward: progress: %zu regions, %llu calls done, %d in flight, %d queued, %llu retries%s\n",
            p->regions, (unsigned long long)p->done, p->in_flight, p->queued, (unsigned long long)p->retries,
            final ? " (done)" : "");
}

static void s_progress_line(void *user, const struct dw_live_progress *p, bool final)
{
    (void)user;
    fprintf(stderr, "\r\033[K[dbward] %zu regions | %llu calls done, %d in flight, %d queued | %llu retries%s",
            p->regions, (unsigned long long)p->done, p->in_flight, p->queued, (unsigned long long)p->retries,
            final ? "\n" : "");
    fflush(stderr);
}

/* The live collection's options from the command line and the environment
 * (the audit sets the regions and the folder). */
static void s_live_opts(struct cli_args *a, struct dw_live_opts *out)
{
    const char *env_ep = getenv("AWS_ENDPOINT_URL");
    const char *env_att = getenv("AWS_MAX_ATTEMPTS");
    const char *env_base = getenv("DBWARD_RETRY_BASE_MS"); /* test knob: faster backoff */
    struct dw_live_opts lo = {
        .profile = a->profile,
        .endpoint_url = a->endpoint_url ? a->endpoint_url : (env_ep && *env_ep ? env_ep : NULL),
        .concurrency = a->concurrency ? (int)a->concurrency : DW_LIVE_CONCURRENCY,
        .max_attempts = a->max_attempts ? (int)a->max_attempts : (env_att && *env_att ? (int)strtol(env_att, NULL, 10) : 3),
        .timeout_ms = (a->timeout_s ? a->timeout_s : 30) * 1000L,
        .retry_base_ms = env_base && *env_base ? strtol(env_base, NULL, 10) : 1000,
        .log = a->debug ? s_debug_line : NULL,
        .progress = a->debug ? NULL : a->progress ? s_progress_plain : isatty(2) ? s_progress_line : NULL,
        .max_rate = a->max_rate,
    };
    if (lo.max_attempts < 1)
        lo.max_attempts = 1;
    *out = lo;
}

/* The runs of meta's account in the history at path, oldest first (the
 * last 30), as trend points borrowing *runs. A history that does not exist
 * yet, or cannot be read, gives none (the record will say why). */
static void s_trend_load(const char *path, const struct dw_report_meta *meta, struct dw_history_run **runs,
                         struct dw_trend_point **out, size_t *n)
{
    *runs = NULL;
    *out = NULL;
    *n = 0;
    if (access(path, F_OK) != 0)
        return;
    struct dw_history *h = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    size_t count = 0;
    if (dw_history_open(path, &h, &err) || dw_history_list(h, 100000, runs, &count, &err)) {
        dw_history_close(h);
        return;
    }
    dw_history_close(h);
    *out = calloc(count + 1, sizeof(**out));
    if (!*out)
        abort();
    for (size_t i = 0; i < count; i++) {
        if (strcmp((*runs)[i].account_id, meta->account_id) != 0)
            continue;
        (*out)[(*n)++] = (struct dw_trend_point){(*runs)[i].taken_at, (size_t)(*runs)[i].pass,
                                                  (size_t)(*runs)[i].fail, (size_t)(*runs)[i].error};
    }
    if (*n > 30) {
        memmove(*out, *out + (*n - 30), 30 * sizeof(**out));
        *n = 30;
    }
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

/* The audit's notes: collection statistics, refused entries, warnings. */
static void s_note(void *user, const char *line, bool is_warning)
{
    (void)user;
    fprintf(stderr, "dbward: %s%s\n", is_warning ? "warning: " : "", line);
}

/* Streamed outputs, unless something needs every finding at the end
 * (--db): the run then keeps none of them. JSON and CSV are written batch
 * by batch as findings come (v[i] for output i); every other format, and
 * --security-hub, read at the end from one spool of the findings that all
 * of them share (a NULL v[i]). */
struct s_streams {
    struct dw_report_stream *v[17];
    struct dw_fsrc *spool;
    size_t n;
    bool failed;
};

static bool s_can_stream(const struct cli_args *a, const struct cli_outputs *outs)
{
    return !a->db && !getenv("DBWARD_NO_STREAM") && (outs->n > 0 || a->security_hub);
}

static void s_stream_batch(void *user, const struct dw_findings *batch)
{
    struct s_streams *st = user;
    for (size_t i = 0; i < st->n; i++) {
        if (st->v[i])
            st->failed |= dw_report_stream_add(st->v[i], batch) != DW_OK;
    }
    if (st->spool)
        st->failed |= dw_fsrc_add(st->spool, batch) != DW_OK;
}

/* The metadata final before the findings (one snapshot): each JSON
 * report writes its head now. */
static void s_stream_meta(void *user, const struct dw_report_meta *meta)
{
    struct s_streams *st = user;
    for (size_t i = 0; i < st->n; i++) {
        if (st->v[i])
            st->failed |= dw_report_stream_head(st->v[i], meta) != DW_OK;
    }
}

static enum dw_status s_streams_open(struct s_streams *st, const struct cli_outputs *outs, bool spool,
                                     struct dw_error *err)
{
    if (spool && dw_fsrc_spool_new(&st->spool, err))
        return DW_E_IO;
    for (size_t i = 0; i < outs->n; i++, st->n++) {
        if (dw_report_can_stream(outs->v[i].format)) {
            if (dw_report_stream_new(outs->v[i].format, outs->v[i].f, &st->v[i], err))
                return DW_E_IO;
        } else if (!st->spool && dw_fsrc_spool_new(&st->spool, err)) {
            return DW_E_IO;
        }
    }
    return DW_OK;
}

/* Ends output i of a streamed run. */
static int s_stream_end(const struct cli_args *a, struct s_streams *st, struct cli_output *o, size_t i,
                        const struct dw_report_meta *meta)
{
    if (st->v[i])
        return cli_output_end(o, !st->failed && dw_report_stream_finish(st->v[i], meta) == DW_OK);
    if (st->failed) {
        cli_output_end(o, false);
        return -1;
    }
    return cli_render_src(a, o, meta, st->spool);
}

int cli_cmd_scan(struct cli_args *a)
{
    struct dw_audit *au = NULL;
    struct dw_config *cfg = NULL;
    struct dw_error err;
    int code = EXIT_USAGE;
    struct cli_outputs outs = {0};
    memset(&err, 0, sizeof(err));
    if (a->n_positional) {
        fprintf(stderr, "dbward: scan takes no arguments (\"%s\"); a saved account is --snapshot DIR\n",
                a->positional[0]);
        goto out;
    }
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
    struct dw_shard shard = {0, 0};
    if (a->shard) {
        if (!a->n_accounts && !a->snapshot) {
            fputs("dbward: --shard splits the accounts of --accounts, or of a snapshot tree of account "
                  "folders (--snapshot)\n", stderr);
            goto out;
        }
        if (dw_audit_shard_parse(a->shard, getenv("JOB_COMPLETION_INDEX"), getenv("AWS_BATCH_JOB_ARRAY_INDEX"),
                                 &shard, &err)) {
            cli_print_error(&err);
            goto out;
        }
    }
    if (a->snapshot && (((a->profile || a->endpoint_url) && !a->security_hub) || a->save_snapshot || a->debug)) {
        fputs("dbward: --profile, --endpoint-url, --save-snapshot and --debug are for live scans, "
              "not with --snapshot (--profile and --endpoint-url go with --security-hub)\n", stderr);
        goto out;
    }
    if (a->progress && a->snapshot) {
        fputs("dbward: --progress is for live scans, not with --snapshot\n", stderr);
        goto out;
    }
    /* Every output is opened before the first call: an impossible one
     * stops the run before it costs anything. */
    if (cli_outputs_open(a, &outs))
        goto out;
    bool incomplete = false;
    struct dw_audit_opts ao = {
        .cfg = cfg,
        .snapshot = a->snapshot,
        .controls = a->controls,
        .n_controls = a->n_controls,
        .severity_mask = a->severity_mask,
        .regions = a->regions,
        .n_regions = a->n_regions,
        .params = a->params,
        .n_params = a->n_params,
        .save_snapshot = a->save_snapshot,
        .accounts = a->accounts,
        .n_accounts = a->n_accounts,
        .exclude_accounts = a->exclude_accounts,
        .n_exclude_accounts = a->n_exclude_accounts,
        .ou = a->ou,
        .role_name = a->role_name,
        .external_id = a->external_id,
        .partition = a->partition,
        .shard = shard,
        .now_epoch_s = (int64_t)time(NULL),
        .snapshot_incomplete = &incomplete,
        .note = s_note,
        .one_thread = a->concurrency == 1,
    };
    if (!a->snapshot)
        s_live_opts(a, &ao.live);
    struct s_streams st = {0};
    if (s_can_stream(a, &outs)) {
        if (s_streams_open(&st, &outs, a->security_hub, &err)) {
            cli_print_error(&err);
            goto out_streams;
        }
        ao.on_findings = s_stream_batch;
        ao.on_meta = s_stream_meta;
        ao.user = &st;
    }
    if (dw_audit_run(&ao, &au, &err)) {
        if (err.message[0])
            cli_print_error(&err);
        if (incomplete)
            fprintf(stderr, "dbward: %s is incomplete: no manifest was written, so it is not a snapshot\n",
                    a->save_snapshot);
        goto out_streams;
    }
    const struct dw_report_meta *meta = &au->meta;
    const struct dw_findings *findings = &au->findings;
    int bad = 0;
    /* With --db, the HTML report shows the trend of this account's runs. */
    struct dw_report_meta with_trend = *meta;
    struct dw_trend_point *trend = NULL;
    struct dw_history_run *runs = NULL;
    if (a->db)
        s_trend_load(a->db, meta, &runs, &trend, &with_trend.n_trend);
    with_trend.trend = trend;
    for (size_t i = 0; i < outs.n; i++) {
        if (st.n)
            bad |= s_stream_end(a, &st, &outs.v[i], i, meta);
        else
            bad |= cli_render(a, &outs.v[i], &with_trend, findings);
    }
    free(trend);
    free(runs);
    if (a->db && s_record(a->db, meta, findings) != 0)
        bad = -1;
    if (a->security_hub) {
        struct dw_fsrc *mem = st.spool ? NULL : dw_fsrc_memory(findings);
        if (st.failed || cli_security_hub(a, meta, st.spool ? st.spool : mem) != 0)
            bad = -1;
        dw_fsrc_free(mem);
    }
    if (bad)
        goto out_streams;
    const struct dw_summary *sum = &au->counts;
    code = sum->by_status[DW_FAIL] ? EXIT_FAILED : sum->by_status[DW_ERROR] ? EXIT_ERRORED : EXIT_CLEAN;
out_streams:
    for (size_t i = 0; i < st.n; i++)
        dw_report_stream_free(st.v[i]);
    dw_fsrc_free(st.spool);
out:
    cli_outputs_abort(&outs);
    dw_audit_free(au);
    dw_config_free(cfg);
    return code;
}
