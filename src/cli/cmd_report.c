/* cmd_report.c: the commands that read reports: remediate, diff, merge and
 * history (the SQLite record of runs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/dbward.h>
#include <dbward/history.h>
#include <dbward/report.h>
#include <dbward/snapshot.h>

#include "cli.h"

/* dbward remediate REPORT.json: the fixes as a bash script. */
int cli_cmd_remediate(struct cli_args *a)
{
    if (a->n_positional != 1) {
        fputs("dbward: remediate takes one JSON report, e.g. dbward remediate report.json -o fix.sh\n", stderr);
        return EXIT_USAGE;
    }
    json_t *rep = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_json_load_file(a->positional[0], &rep, &err)) {
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    struct cli_out o;
    FILE *out = cli_out_open(&o, a->output);
    if (!out) {
        json_decref(rep);
        return EXIT_USAGE;
    }
    struct dw_remediate_opts ro = {a->controls, a->n_controls, a->severity_mask};
    enum dw_status rc = dw_remediate_script(rep, a->positional[0], &ro, out, &err);
    json_decref(rep);
    if (cli_out_close(&o, rc == DW_OK) != 0) {
        if (rc && err.message[0])
            cli_print_error(&err);
        return EXIT_USAGE;
    }
    return EXIT_CLEAN;
}

/* dbward diff OLD.json NEW.json: exit 1 when NEW has failures OLD had not. */
int cli_cmd_diff(struct cli_args *a)
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
    struct cli_out dout;
    out = cli_out_open(&dout, a->output);
    if (!out)
        goto out;
    bool json = a->format && strcmp(a->format, "json") == 0;
    enum dw_status rc = dw_report_diff(o, srcs[0], n, srcs[1], json, out, &fresh, &err);
    if (cli_out_close(&dout, rc == DW_OK) != 0) {
        if (rc)
            cli_print_error(&err);
        goto out;
    }
    code = fresh ? EXIT_FAILED : EXIT_CLEAN;
out:
    json_decref(o);
    json_decref(n);
    return code;
}

/* dbward merge REPORT.json...: one JSON report from several runs. */
int cli_cmd_merge(struct cli_args *a)
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
            cli_print_error(&err);
            goto out;
        }
    }
    if (dw_report_merge(docs, a->positional, a->n_positional, &merged, &err)) {
        cli_print_error(&err);
        goto out;
    }
    struct cli_out o;
    FILE *out = cli_out_open(&o, a->output);
    if (!out)
        goto out;
    int rc = json_dumpf(merged, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    fputc('\n', out);
    if (cli_out_close(&o, rc == 0) != 0) {
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
int cli_cmd_history(struct cli_args *a)
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
        cli_print_error(&err);
        return EXIT_USAGE;
    }
    struct cli_out o;
    FILE *out = cli_out_open(&o, a->output);
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
    return cli_out_close(&o, true) == 0 ? EXIT_CLEAN : EXIT_USAGE;
}
