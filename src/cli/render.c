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

/* ASFF files beyond the first: PATH-2, PATH-3, ... (the number before the
 * extension), so each file is one batch-import-findings call as it stands. */
static bool s_asff_parts(const char *path, const struct dw_report_meta *meta, const struct dw_findings *f)
{
    bool ok = true;
    for (size_t i = DW_ASFF_BATCH, part = 2; i < f->n; i += DW_ASFF_BATCH, part++) {
        char name[4096];
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
            ok = false;
            continue;
        }
        enum dw_status wrc = dw_report_asff(fp, meta, f, i, DW_ASFF_BATCH, false);
        if (cli_out_close(&o, wrc == DW_OK) != 0) {
            fprintf(stderr, "dbward: could not write %s\n", name);
            ok = false;
        }
    }
    return ok;
}

int cli_render(const struct cli_args *a, struct cli_output *o, const struct dw_report_meta *meta,
               const struct dw_findings *f)
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
        rc = dw_report_text_opts(out, meta, f, &to);
    } else if (strcmp(fmt, "json") == 0) {
        rc = dw_report_json(out, meta, f);
    } else if (strcmp(fmt, "csv") == 0) {
        rc = dw_report_csv(out, f);
    } else if (strcmp(fmt, "junit") == 0) {
        rc = dw_report_junit(out, f);
    } else if (strcmp(fmt, "sarif") == 0) {
        rc = dw_report_sarif(out, meta, f);
    } else if (strcmp(fmt, "ocsf") == 0) {
        rc = dw_report_ocsf(out, meta, f);
    } else if (strcmp(fmt, "html") == 0) {
        rc = dw_report_html(out, meta, f);
    } else if (strcmp(fmt, "asff") == 0 && !o->path) {
        /* On stdout, a stream: one batch per line, each one call. */
        for (size_t i = 0; !rc && (i == 0 || i < f->n); i += DW_ASFF_BATCH)
            rc = dw_report_asff(out, meta, f, i, DW_ASFF_BATCH, true);
    } else if (strcmp(fmt, "asff") == 0) {
        rc = dw_report_asff(out, meta, f, 0, DW_ASFF_BATCH, false);
        more = s_asff_parts(o->path, meta, f);
    } else {
        rc = dw_report_matrix(out, f, a->framework, strcmp(fmt, "matrix-md") == 0);
    }
    int end = cli_output_end(o, rc == DW_OK);
    return end == 0 && more ? 0 : -1;
}

int cli_security_hub(const struct cli_args *a, const struct dw_report_meta *meta, const struct dw_findings *f)
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
    enum dw_status rc = dw_sechub_import(&so, meta, f, &res, &err);
    if (rc) {
        cli_print_error(&err);
        return -1;
    }
    fprintf(stderr, "dbward: Security Hub (%s): %zu findings imported in %zu calls, %zu refused%s%s\n", res.region,
            res.imported, res.calls, res.failed, res.failed ? "; first: " : "", res.first_failure);
    return res.failed ? -1 : 0;
}
