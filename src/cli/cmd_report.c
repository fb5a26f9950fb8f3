/* cmd_report.c: the commands that read reports: report (render in any
 * format), remediate, diff, merge and history (the SQLite record of runs).
 * Each opens its outputs before it reads anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dbward/config.h>
#include <dbward/dbward.h>
#include <dbward/history.h>
#include <dbward/json.h>
#include <dbward/report.h>
#include <dbward/snapshot.h>

#include "cli.h"

/* Reads doc (borrowed) back into findings (*out, new); source names it.
 * custom: the config's custom controls, or NULL. Prints the error. */
static int s_read(json_t *doc, const char *source, const struct dw_custom_set *custom,
                  struct dw_report_loaded **out)
{
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_report_load(doc, source, custom ? custom->controls : NULL, custom ? custom->n : 0, out, &err)) {
        cli_print_error(&err);
        return -1;
    }
    return 0;
}

/* Loads every positional argument as a JSON report into loaded (new). */
static int s_load_all(struct cli_args *a, const struct dw_custom_set *custom, struct dw_report_loaded **loaded)
{
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    for (size_t i = 0; i < a->n_positional; i++) {
        json_t *doc = NULL;
        if (dw_json_load_file(a->positional[i], &doc, &err)) {
            cli_print_error(&err);
            return EXIT_USAGE;
        }
        int rc = s_read(doc, a->positional[i], custom, &loaded[i]);
        json_decref(doc);
        if (rc)
            return EXIT_USAGE;
    }
    return 0;
}

/* The reports report and merge read: every positional argument read back
 * with the config's custom controls (whose texts a report does not carry). */
struct s_reports {
    struct dw_config *cfg;
    struct dw_custom_set set;
    struct dw_report_loaded **v;
    size_t n;
};

/* Opens every output and reads the config's custom controls; on failure,
 * drops the outputs. s_reports_close in either case. */
static int s_reports_prepare(struct cli_args *a, struct cli_outputs *outs, struct s_reports *r)
{
    memset(r, 0, sizeof(*r));
    if (cli_outputs_open(a, outs))
        return EXIT_USAGE;
    if (cli_controls_load(a, &r->cfg, &r->set)) {
        cli_outputs_abort(outs);
        return EXIT_USAGE;
    }
    r->n = a->n_positional;
    r->v = calloc(r->n, sizeof(*r->v));
    if (!r->v)
        abort();
    return 0;
}

/* Reads every report whole into r->v; on failure, drops the outputs. */
static int s_reports_read(struct cli_args *a, struct cli_outputs *outs, struct s_reports *r)
{
    for (size_t i = 0; i < r->n; i++) {
        dw_report_loaded_free(r->v[i]);
        r->v[i] = NULL;
    }
    if (s_load_all(a, &r->set, r->v)) {
        cli_outputs_abort(outs);
        return EXIT_USAGE;
    }
    return 0;
}

static void s_reports_close(struct s_reports *r)
{
    for (size_t i = 0; r->v && i < r->n; i++)
        dw_report_loaded_free(r->v[i]);
    free(r->v);
    dw_custom_set_clean_up(&r->set);
    dw_config_free(r->cfg);
}

/* The exit code of findings so counted, as scan's. */
static int s_summary_code(const struct dw_summary *s)
{
    return s->by_status[DW_FAIL] ? EXIT_FAILED : s->by_status[DW_ERROR] ? EXIT_ERRORED : EXIT_CLEAN;
}

/* The exit code a report's findings give. */
static int s_findings_code(const struct dw_findings *f)
{
    struct dw_summary s;
    dw_summary_compute(f, &s);
    return s_summary_code(&s);
}

/* What report and merge stream: the findings of every report, through a
 * spool every output is rendered from, the reports opened (read in two
 * passes) rather than held. */
/* Not streamed: the reports are to be read whole. */
#define S_WHOLE (-1)
struct s_streamed {
    struct dw_fsrc *spool;
    struct dw_report_loaded *merged; /* a merge's metadata */
    const struct dw_report_meta *meta;
};

static enum dw_status s_spool_batch(void *user, struct dw_findings *batch)
{
    return dw_fsrc_add(user, batch);
}

/* Streams the reports (a merge of them when merge or several) into st.
 * Returns 0, S_WHOLE when they overlap (read them whole instead), or an
 * exit code after printing the error. */
static int s_stream_reports(struct cli_args *a, struct s_reports *in, bool merge, struct s_streamed *st)
{
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    for (size_t i = 0; i < in->n; i++) {
        FILE *f;
        if (dw_json_open_file(a->positional[i], &f, &err) ||
            dw_report_open(f, a->positional[i], a->positional[i], in->set.controls, in->set.n, &in->v[i], &err)) {
            cli_print_error(&err);
            return EXIT_USAGE;
        }
    }
    if (dw_fsrc_spool_new(&st->spool, &err)) {
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    enum dw_status rc;
    if (merge || in->n > 1) {
        bool overlap;
        rc = dw_report_merge_stream(in->v, a->positional, in->n, st->spool, &st->merged, &overlap, &err);
        if (!rc && overlap) {
            fputs("dbward: the reports share accounts or findings, so they are merged in memory\n", stderr);
            return S_WHOLE;
        }
        st->meta = st->merged ? &st->merged->meta : NULL;
    } else {
        rc = dw_report_findings(in->v[0], 256, s_spool_batch, st->spool, &err);
        st->meta = &in->v[0]->meta;
    }
    if (rc) {
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    return 0;
}

static void s_streamed_free(struct s_streamed *st)
{
    dw_report_loaded_free(st->merged);
    dw_fsrc_free(st->spool);
    memset(st, 0, sizeof(*st));
}


/* Renders every output from st, then imports into Security Hub if asked;
 * the exit code. */
static int s_streamed_render(struct cli_args *a, struct cli_outputs *outs, struct s_streamed *st)
{
    int bad = 0;
    for (size_t i = 0; i < outs->n; i++)
        bad |= cli_render_src(a, &outs->v[i], st->meta, st->spool);
    if (a->security_hub && cli_security_hub(a, st->meta, st->spool) != 0)
        bad = -1;
    return bad ? EXIT_USAGE : s_summary_code(dw_fsrc_summary(st->spool));
}

/* Whether report and merge stream (not under DBWARD_NO_STREAM). */
static bool s_can_stream(void)
{
    return !getenv("DBWARD_NO_STREAM");
}

/* report and merge (merge: a merge even of one report, with its line on
 * stderr): the outputs opened, then the reports streamed and rendered when
 * they can be, returning the exit code with everything closed; else (they
 * overlap, or streaming is off) S_WHOLE with the reports read whole into
 * in and the outputs open, for the caller to go on. */
static int s_streamed_or_read(struct cli_args *a, bool merge, struct cli_outputs *outs, struct s_reports *in)
{
    if (s_reports_prepare(a, outs, in)) {
        s_reports_close(in);
        return EXIT_USAGE;
    }
    if (s_can_stream()) {
        struct s_streamed st = {0};
        int code = s_stream_reports(a, in, merge, &st);
        if (code == 0) {
            code = s_streamed_render(a, outs, &st);
            if (merge && code != EXIT_USAGE)
                code = EXIT_CLEAN;
            if (merge)
                fprintf(stderr, "dbward: merged %zu reports: %zu findings, %zu accounts\n", in->n,
                        dw_fsrc_total(st.spool), st.meta->n_accounts);
        }
        s_streamed_free(&st);
        if (code != S_WHOLE) {
            cli_outputs_abort(outs);
            s_reports_close(in);
            return code;
        }
    }
    if (s_reports_read(a, outs, in)) {
        s_reports_close(in);
        return EXIT_USAGE;
    }
    return S_WHOLE;
}

/* dbward report REPORT.json...: one report (several are merged first) in
 * every format asked for. */
int cli_cmd_report(struct cli_args *a)
{
    if (a->n_positional < 1) {
        fputs("dbward: report takes JSON reports, e.g. dbward report scan.json -o html:report.html\n", stderr);
        return EXIT_USAGE;
    }
    if (!a->security_hub && (a->n_regions || a->profile || a->endpoint_url || a->timeout_s || a->max_attempts)) {
        fputs("dbward: --region, --profile, --endpoint-url, --timeout and --max-attempts go with --security-hub\n",
              stderr);
        return EXIT_USAGE;
    }
    struct cli_outputs outs;
    struct s_reports in;
    int done = s_streamed_or_read(a, false, &outs, &in);
    if (done != S_WHOLE)
        return done;
    struct dw_report_loaded *merged = NULL;
    const struct dw_report_loaded *r = in.v[0];
    if (in.n > 1)
        r = merged = dw_report_merge((const struct dw_report_loaded *const *)in.v, a->positional, in.n);
    int bad = 0;
    for (size_t i = 0; i < outs.n; i++)
        bad |= cli_render(a, &outs.v[i], &r->meta, &r->findings);
    struct dw_fsrc *mem = dw_fsrc_memory(&r->findings);
    if (a->security_hub && cli_security_hub(a, &r->meta, mem) != 0)
        bad = -1;
    dw_fsrc_free(mem);
    int code = bad ? EXIT_USAGE : s_findings_code(&r->findings);
    cli_outputs_abort(&outs);
    dw_report_loaded_free(merged);
    s_reports_close(&in);
    return code;
}

/* dbward remediate REPORT.json: the fixes as a bash script. */
int cli_cmd_remediate(struct cli_args *a)
{
    if (a->n_positional != 1) {
        fputs("dbward: remediate takes one JSON report, e.g. dbward remediate report.json -o fix.sh\n", stderr);
        return EXIT_USAGE;
    }
    struct cli_outputs outs;
    if (cli_outputs_open(a, &outs))
        return EXIT_USAGE;
    struct dw_report_loaded *r = NULL;
    if (s_load_all(a, NULL, &r)) {
        cli_outputs_abort(&outs);
        return EXIT_USAGE;
    }
    struct dw_remediate_opts ro = {a->controls, a->n_controls, a->severity_mask};
    int bad = 0;
    for (size_t i = 0; i < outs.n; i++) {
        enum dw_status rc = dw_remediate_script(r, a->positional[0], &ro, outs.v[i].f);
        bad |= cli_output_end(&outs.v[i], rc == DW_OK);
    }
    dw_report_loaded_free(r);
    return bad ? EXIT_USAGE : EXIT_CLEAN;
}

/* The history file of --db for a command that reads it: it must exist
 * (only scan creates one). */
static int s_history_open(const char *path, struct dw_history **h)
{
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (access(path, F_OK) != 0) {
        fprintf(stderr, "dbward: %s: no such history file (dbward scan --db %s creates it)\n", path, path);
        return EXIT_USAGE;
    }
    if (dw_history_open(path, h, &err)) {
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    return 0;
}

/* One comparison of two reports (borrowed) into every output; adds the
 * new failures to *fresh. */
static int s_diff_one(struct cli_args *a, struct cli_outputs *outs, json_t *od, const char *os, json_t *nd,
                      const char *ns, size_t *fresh)
{
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    struct dw_report_loaded *o = NULL, *n = NULL;
    int rc = s_read(od, os, NULL, &o);
    if (!rc)
        rc = s_read(nd, ns, NULL, &n);
    for (size_t i = 0; i < outs->n && !rc; i++) {
        struct dw_diff_opts d = {.as_json = strcmp(outs->v[i].format, "json") == 0,
                                 .cross_account = a->cross_account};
        size_t count = 0;
        if (dw_report_diff(o, os, n, ns, &d, outs->v[i].f, &count, &err)) {
            if (err.message[0])
                cli_print_error(&err);
            rc = -1;
        } else if (i == 0) {
            *fresh += count;
        }
    }
    dw_report_loaded_free(o);
    dw_report_loaded_free(n);
    return rc;
}

/* diff --db without runs: each account of the history against itself, its
 * run before the last against its last. */
static int s_diff_accounts(struct cli_args *a, struct dw_history *h, struct cli_outputs *outs, size_t *fresh)
{
    struct dw_history_run *runs = NULL;
    size_t n = 0;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_history_list(h, 100000, &runs, &n, &err)) {
        cli_print_error(&err);
        return -1;
    }
    int rc = 0;
    size_t compared = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        bool first = true;
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(runs[k].account_id, runs[i].account_id) != 0;
        if (!first)
            continue;
        int64_t last = 0, before = 0;
        for (size_t k = i; k < n; k++) {
            if (strcmp(runs[k].account_id, runs[i].account_id) == 0) {
                before = last;
                last = runs[k].id;
            }
        }
        if (!before) {
            fprintf(stderr, "dbward: account %s has one run in %s, nothing to compare\n", runs[i].account_id,
                    a->db);
            continue;
        }
        char refs[2][24], names[2][48];
        json_t *docs[2] = {NULL, NULL};
        snprintf(refs[0], sizeof(refs[0]), "%lld", (long long)before);
        snprintf(refs[1], sizeof(refs[1]), "%lld", (long long)last);
        for (int k = 0; k < 2 && rc == 0; k++) {
            snprintf(names[k], sizeof(names[k]), "run %lld", (long long)(k ? last : before));
            if (dw_history_load(h, refs[k], &docs[k], NULL, &err)) {
                cli_print_error(&err);
                rc = -1;
            }
        }
        if (rc == 0)
            rc = s_diff_one(a, outs, docs[0], names[0], docs[1], names[1], fresh);
        json_decref(docs[0]);
        json_decref(docs[1]);
        compared++;
    }
    free(runs);
    if (rc == 0 && !compared) {
        fprintf(stderr, "dbward: %s holds no account with two runs to compare\n", a->db);
        return -1;
    }
    return rc;
}

/* dbward diff OLD.json NEW.json: exit 1 when NEW has failures OLD had not. */
int cli_cmd_diff(struct cli_args *a)
{
    if (a->db ? (a->n_positional != 0 && a->n_positional != 2) : a->n_positional != 2) {
        fputs("dbward: diff takes two JSON reports (dbward diff last.json now.json) or, with --db, two runs "
              "(dbward diff --db history.db latest~1 latest)\n", stderr);
        return EXIT_USAGE;
    }
    struct cli_outputs outs;
    if (cli_outputs_open(a, &outs))
        return EXIT_USAGE;
    json_t *o = NULL, *n = NULL;
    struct dw_history *h = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    int code = EXIT_USAGE;
    size_t fresh = 0;
    char names[2][64];
    const char *srcs[2] = {a->n_positional ? a->positional[0] : "", a->n_positional ? a->positional[1] : ""};
    if (a->db) {
        if (s_history_open(a->db, &h))
            goto out;
        if (!a->n_positional) {
            if (s_diff_accounts(a, h, &outs, &fresh) == 0)
                code = EXIT_CLEAN;
            goto ends;
        }
        int64_t ids[2] = {0, 0};
        enum dw_status rc = dw_history_load(h, srcs[0], &o, &ids[0], &err);
        if (!rc)
            rc = dw_history_load(h, srcs[1], &n, &ids[1], &err);
        if (rc) {
            cli_print_error(&err);
            goto out;
        }
        for (int i = 0; i < 2; i++) {
            snprintf(names[i], sizeof(names[i]), "run %lld", (long long)ids[i]);
            srcs[i] = names[i];
        }
    } else if (dw_json_load_file(a->positional[0], &o, &err) || dw_json_load_file(a->positional[1], &n, &err)) {
        cli_print_error(&err);
        goto out;
    }
    if (s_diff_one(a, &outs, o, srcs[0], n, srcs[1], &fresh) == 0)
        code = EXIT_CLEAN;
ends:
    for (size_t i = 0; i < outs.n; i++) {
        if (cli_output_end(&outs.v[i], code == EXIT_CLEAN) != 0)
            code = EXIT_USAGE;
    }
    if (code == EXIT_CLEAN && fresh)
        code = EXIT_FAILED;
out:
    cli_outputs_abort(&outs);
    dw_history_close(h);
    json_decref(o);
    json_decref(n);
    return code;
}

/* dbward merge REPORT.json...: one JSON report from several runs, or any
 * format of it with -o FORMAT:FILE. */
int cli_cmd_merge(struct cli_args *a)
{
    if (a->n_positional < 1) {
        fputs("dbward: merge takes JSON reports, e.g. dbward merge shard-*.json -o all.json\n", stderr);
        return EXIT_USAGE;
    }
    struct cli_outputs outs;
    struct s_reports in;
    int done = s_streamed_or_read(a, true, &outs, &in);
    if (done != S_WHOLE)
        return done;
    struct dw_report_loaded *m = dw_report_merge((const struct dw_report_loaded *const *)in.v, a->positional, in.n);
    /* Every format, JSON too, is the writers' rendering of the merged findings. */
    int bad = 0;
    for (size_t i = 0; i < outs.n; i++)
        bad |= cli_render(a, &outs.v[i], &m->meta, &m->findings);
    fprintf(stderr, "dbward: merged %zu reports: %zu findings, %zu accounts\n", in.n, m->findings.n,
            m->meta.n_accounts);
    cli_outputs_abort(&outs);
    dw_report_loaded_free(m);
    s_reports_close(&in);
    return bad ? EXIT_USAGE : EXIT_CLEAN;
}

static void s_history_write(FILE *out, bool json, const struct dw_history_run *runs, size_t n)
{
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
        return;
    }
    fprintf(out, "%5s  %-20s  %-20s  %-12s  %5s %5s %5s %5s %5s %5s  %s\n", "run", "recorded", "evidence taken",
            "account", "total", "PASS", "FAIL", "ERROR", "N/A", "MUTED", "source");
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%5lld  %-20s  %-20s  %-12s  %5lld %5lld %5lld %5lld %5lld %5lld  %s\n", (long long)runs[i].id,
                runs[i].recorded_at, runs[i].taken_at, runs[i].account_id, (long long)runs[i].total,
                (long long)runs[i].pass, (long long)runs[i].fail, (long long)runs[i].error,
                (long long)runs[i].not_applicable, (long long)runs[i].muted, runs[i].source);
}

/* dbward history --db FILE: the recorded runs, oldest first. */
int cli_cmd_history(struct cli_args *a)
{
    if (!a->db || a->n_positional) {
        fputs("dbward: history takes --db FILE, e.g. dbward history --db history.db\n", stderr);
        return EXIT_USAGE;
    }
    struct cli_outputs outs;
    if (cli_outputs_open(a, &outs))
        return EXIT_USAGE;
    struct dw_history *h = NULL;
    struct dw_history_run *runs = NULL;
    size_t n = 0;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (s_history_open(a->db, &h)) {
        cli_outputs_abort(&outs);
        return EXIT_USAGE;
    }
    enum dw_status rc = dw_history_list(h, 1000, &runs, &n, &err);
    dw_history_close(h);
    if (rc) {
        cli_print_error(&err);
        cli_outputs_abort(&outs);
        return EXIT_USAGE;
    }
    int bad = 0;
    for (size_t i = 0; i < outs.n; i++) {
        s_history_write(outs.v[i].f, strcmp(outs.v[i].format, "json") == 0, runs, n);
        bad |= cli_output_end(&outs.v[i], true);
    }
    free(runs);
    return bad ? EXIT_USAGE : EXIT_CLEAN;
}
