/* render.c: findings into one output, in any report format: shared by
 * scan, report and merge, so each writes every format the same way. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dbward/live.h>
#include <dbward/report.h>

#include "cli.h"

bool cli_color_wanted(const struct cli_args *a, FILE *f)
{
    if (a->no_color || (a->color && strcmp(a->color, "never") == 0))
        return false;
    if (a->color && strcmp(a->color, "always") == 0)
        return true;
    const char *no = getenv("NO_COLOR");
    if (no && *no)
        return false;
    const char *force = getenv("FORCE_COLOR");
    if (force && *force && strcmp(force, "0") != 0)
        return true;
    return isatty(fileno(f));
}

/* ASFF on a file: the first batch of DW_ASFF_BATCH findings in it, each
 * further one in PATH-2, PATH-3, ... (the number before the extension),
 * so each file is one batch-import-findings call as it stands. On
 * stdout, a stream: one batch per line. */
struct s_asff {
    struct cli_output *o;
    const struct dw_report_meta *meta;
    size_t part;
    bool bad;
};

static enum dw_status s_asff_batch(void *user, const struct dw_findings *batch)
{
    struct s_asff *w = user;
    size_t part = ++w->part;
    if (!w->o->path || part == 1)
        return dw_report_asff(w->o->f, w->meta, batch, 0, DW_ASFF_BATCH, !w->o->path);
    char name[4096];
    const char *path = w->o->path;
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (dot && slash && dot < slash)
        dot = NULL;
    if (dot && dot != path && dot[-1] != '/')
        snprintf(name, sizeof(name), "%.*s-%zu%s", (int)(dot - path), path, part, dot);
    else
        snprintf(name, sizeof(name), "%s-%zu", path, part);
    struct cli_out o;
    FILE *fp = cli_out_open(&o, name);
    if (!fp) {
        w->bad = true;
        return DW_OK; /* the other parts are still written */
    }
    enum dw_status wrc = dw_report_asff(fp, w->meta, batch, 0, DW_ASFF_BATCH, false);
    if (cli_out_close(&o, wrc == DW_OK) != 0) {
        fprintf(stderr, "dbward: could not write %s\n", name);
        w->bad = true;
    }
    return DW_OK;
}

struct s_to_stream {
    struct dw_report_stream *s;
};

static enum dw_status s_stream_batch(void *user, const struct dw_findings *batch)
{
    return dw_report_stream_add(((struct s_to_stream *)user)->s, batch);
}

/* JSON or CSV from a source: through the stream writer, batch by batch. */
static enum dw_status s_streamed(struct cli_output *o, const struct dw_report_meta *meta, struct dw_fsrc *src)
{
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    struct s_to_stream t = {NULL};
    enum dw_status rc = dw_report_stream_new(o->format, o->f, &t.s, &err);
    if (!rc)
        rc = dw_fsrc_batches(src, 256, s_stream_batch, &t);
    if (!rc)
        rc = dw_report_stream_finish(t.s, meta);
    dw_report_stream_free(t.s);
    return rc;
}

int cli_render_src(const struct cli_args *a, struct cli_output *o, const struct dw_report_meta *meta,
                   struct dw_fsrc *src)
{
    FILE *out = o->f;
    const char *fmt = o->format;
    enum dw_status rc = DW_OK;
    bool more = true;
    if (strcmp(fmt, "text") == 0) {
        struct dw_text_opts to = {
            .color = !o->path && cli_color_wanted(a, stdout),
            .status_mask = a->status_mask,
            .quiet = a->quiet,
        };
        rc = dw_report_text_src(out, meta, src, &to);
    } else if (strcmp(fmt, "json") == 0 || strcmp(fmt, "csv") == 0) {
        rc = s_streamed(o, meta, src);
    } else if (strcmp(fmt, "junit") == 0) {
        rc = dw_report_junit_src(out, src);
    } else if (strcmp(fmt, "sarif") == 0) {
        rc = dw_report_sarif_src(out, meta, src);
    } else if (strcmp(fmt, "ocsf") == 0) {
        rc = dw_report_ocsf_src(out, meta, src);
    } else if (strcmp(fmt, "html") == 0) {
        rc = dw_report_html_src(out, meta, src);
    } else if (strcmp(fmt, "asff") == 0) {
        struct s_asff w = {o, meta, 0, false};
        rc = dw_fsrc_batches(src, DW_ASFF_BATCH, s_asff_batch, &w);
        more = !w.bad;
    } else {
        rc = dw_report_matrix_src(out, src, a->framework, strcmp(fmt, "matrix-md") == 0);
    }
    int end = cli_output_end(o, rc == DW_OK);
    return end == 0 && more ? 0 : -1;
}

int cli_render(const struct cli_args *a, struct cli_output *o, const struct dw_report_meta *meta,
               const struct dw_findings *f)
{
    if (strcmp(o->format, "json") == 0 || strcmp(o->format, "csv") == 0) {
        enum dw_status rc = strcmp(o->format, "json") == 0 ? dw_report_json(o->f, meta, f) : dw_report_csv(o->f, f);
        return cli_output_end(o, rc == DW_OK) == 0 ? 0 : -1;
    }
    struct dw_fsrc *src = dw_fsrc_memory(f);
    int rc = cli_render_src(a, o, meta, src);
    dw_fsrc_free(src);
    return rc;
}

int cli_security_hub(const struct cli_args *a, const struct dw_report_meta *meta, struct dw_fsrc *src)
{
    const char *env_ep = getenv("AWS_ENDPOINT_URL");
    const char *env_att = getenv("AWS_MAX_ATTEMPTS");
    const char *env_base = getenv("DBWARD_RETRY_BASE_MS"); /* test knob: faster backoff */
    struct dw_sechub_opts so = {
        .region = a->n_regions ? a->regions[0] : NULL,
        .profile = a->profile,
        .endpoint_url = a->endpoint_url ? a->endpoint_url : (env_ep && *env_ep ? env_ep : NULL),
        .timeout_ms = (a->timeout_s ? a->timeout_s : 30) * 1000L,
        .max_attempts = a->max_attempts ? (int)a->max_attempts : (env_att && *env_att ? (int)strtol(env_att, NULL, 10) : 3),
        .retry_base_ms = env_base && *env_base ? strtol(env_base, NULL, 10) : 1000,
    };
    if (so.max_attempts < 1)
        so.max_attempts = 1;
    struct dw_sechub_result res;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    enum dw_status rc = dw_sechub_import(&so, meta, src, &res, &err);
    if (rc) {
        cli_print_error(&err);
        return -1;
    }
    fprintf(stderr, "dbward: Security Hub (%s): %zu findings imported in %zu calls, %zu refused%s%s\n", res.region,
            res.imported, res.calls, res.failed, res.failed ? "; first: " : "", res.first_failure);
    return res.failed ? -1 : 0;
}
