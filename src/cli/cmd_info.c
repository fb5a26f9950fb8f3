/* cmd_info.c: the commands that describe dbward or help with evidence
 * without scanning: controls, explain, man, completion, query, whoami and
 * snapshot-script. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/config.h>
#include <dbward/dbward.h>
#include <dbward/jmespath.h>
#include <dbward/live.h>
#include <dbward/snapshot.h>

#include "cli.h"

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

/* "NIST CSF 2.0: ..." and why a list is short of an id, if it is. */
static void s_csf2(FILE *out, const struct dw_control *c)
{
    struct dw_csf_list l;
    dw_control_csf2(c, &l);
    fputs("NIST CSF 2.0: ", out);
    for (size_t i = 0; i < l.n; i++)
        fprintf(out, "%s%s", i ? ", " : "", l.v[i]);
    if (l.unmapped)
        fprintf(out, "%s(%s has no CSF 2.0 mapping in dbward; give nist_csf2 in dbward.yaml)", l.n ? " " : "",
                l.unmapped);
    fputc('\n', out);
}

/* A JSON string value, for the hand-written JSON of `controls`. */
static void s_json_str(FILE *out, const char *s)
{
    json_t *js = json_string(s ? s : "");
    char *enc = js ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
    fputs(enc ? enc : "\"\"", out);
    free(enc);
    json_decref(js);
}

static const struct dw_param_def *s_param_def(const char *name)
{
    for (size_t i = 0; i < dw_param_def_count(); i++) {
        if (strcmp(dw_param_def_get(i)->name, name) == 0)
            return dw_param_def_get(i);
    }
    return NULL;
}

static void s_free(struct dw_config *cfg, struct dw_custom_set *set)
{
    dw_custom_set_clean_up(set);
    dw_config_free(cfg);
}

static void s_controls_write(FILE *out, const char *fmt, const struct dw_custom_set *set, const struct cli_args *a)
{
    bool json = strcmp(fmt, "json") == 0;
    if (strcmp(fmt, "markdown") == 0) {
        cli_control_index(out);
        return;
    }
    if (json) {
        fputs("[\n", out);
    } else {
        fprintf(out, "%-7s %-9s %-10s %s\n", "ID", "SEVERITY", "FIX", "TITLE");
    }
    bool first = true;
    const struct dw_control *const *custom = set->controls;
    size_t n_custom = set->n;
    for (size_t i = 0; i < dw_registry_count(custom, n_custom); i++) {
        const struct dw_control *c = dw_registry_get(custom, n_custom, i);
        if (a->severity_mask && !(a->severity_mask & (1u << c->severity)))
            continue;
        if (!json) {
            fprintf(out, "%-7s %-9s %-10s %s%s\n", c->id, dw_severity_str(c->severity),
                    dw_fix_kind_str(c->fix_kind), c->title, c->custom ? "  (custom, dbward.yaml)" : "");
            continue;
        }
        fprintf(out, "%s  {\"id\": \"%s\", \"severity\": \"%s\", \"fix\": \"%s\", \"sources\": [",
                first ? "" : ",\n", c->id, dw_severity_str(c->severity), dw_fix_kind_str(c->fix_kind));
        struct dw_control_sources src;
        dw_control_sources(c, &src);
        for (size_t k = 0; k < src.n; k++) {
            fputs(k ? ", {\"id\": " : "{\"id\": ", out);
            s_json_str(out, src.id[k]);
            fputs(", \"title\": ", out);
            s_json_str(out, src.title[k]);
            fputc('}', out);
        }
        dw_control_sources_clean_up(&src);
        fprintf(out, "], \"resource_type\": \"%s\", \"nist_csf\": [", c->resource_type);
        for (size_t k = 0; k < 4 && c->nist_csf[k]; k++)
            fprintf(out, "%s\"%s\"", k ? ", " : "", c->nist_csf[k]);
        fputs("], \"nist_csf2\": [", out);
        struct dw_csf_list csf2;
        dw_control_csf2(c, &csf2);
        for (size_t k = 0; k < csf2.n; k++)
            fprintf(out, "%s\"%s\"", k ? ", " : "", csf2.v[k]);
        fputs("], \"control_statements\": [", out);
        for (size_t k = 0; k < 4 && c->statements[k]; k++)
            fprintf(out, "%s%d", k ? ", " : "", c->statements[k]);
        fputs("], \"params\": [", out);
        for (size_t k = 0; k < 3 && c->params[k]; k++)
            fprintf(out, "%s\"%s\"", k ? ", " : "", c->params[k]);
        fputs("], \"calls\": [", out);
        for (size_t k = 0; k < 8 && c->calls[k]; k++) {
            fputs(k ? ", " : "", out);
            s_json_str(out, c->calls[k]);
        }
        fputs("], \"clauses\": [", out);
        for (size_t k = 0; k < sizeof(c->clauses) / sizeof(c->clauses[0]) && c->clauses[k]; k++)
            fprintf(out, "%s\"%s\"", k ? ", " : "", c->clauses[k]);
        fprintf(out, "], \"global\": %s, \"custom\": %s, \"title\": ", c->is_global ? "true" : "false",
                c->custom ? "true" : "false");
        s_json_str(out, c->title);
        fputc('}', out);
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
}

int cli_cmd_controls(struct cli_args *a)
{
    if (a->n_positional) {
        fprintf(stderr, "dbward: controls takes no arguments (\"%s\"); one control is dbward explain ID\n",
                a->positional[0]);
        return EXIT_USAGE;
    }
    struct cli_outputs outs;
    if (cli_outputs_open(a, &outs))
        return EXIT_USAGE;
    struct dw_config *cfg = NULL;
    struct dw_custom_set set;
    if (cli_controls_load(a, &cfg, &set)) {
        cli_outputs_abort(&outs);
        return EXIT_USAGE;
    }
    int bad = 0;
    for (size_t i = 0; i < outs.n; i++) {
        s_controls_write(outs.v[i].f, outs.v[i].format, &set, a);
        bad |= cli_output_end(&outs.v[i], true);
    }
    s_free(cfg, &set);
    return bad ? EXIT_USAGE : EXIT_CLEAN;
}

static void s_explain_write(FILE *out, const char *fmt, const struct dw_control *c, const struct dw_config *cfg);

int cli_cmd_explain(struct cli_args *a)
{
    if (a->n_positional != 1) {
        fputs("dbward: explain takes one control id, e.g. dbward explain DMS-01\n", stderr);
        return EXIT_USAGE;
    }
    struct cli_outputs outs;
    if (cli_outputs_open(a, &outs))
        return EXIT_USAGE;
    struct dw_config *cfg = NULL;
    struct dw_custom_set set;
    if (cli_controls_load(a, &cfg, &set)) {
        cli_outputs_abort(&outs);
        return EXIT_USAGE;
    }
    const struct dw_control *c = dw_registry_find(set.controls, set.n, a->positional[0]);
    if (!c) {
        fprintf(stderr, "dbward: no control \"%s\" (see dbward controls)\n", a->positional[0]);
        s_free(cfg, &set);
        cli_outputs_abort(&outs);
        return EXIT_USAGE;
    }
    int bad = 0;
    for (size_t i = 0; i < outs.n; i++) {
        s_explain_write(outs.v[i].f, outs.v[i].format, c, cfg);
        bad |= cli_output_end(&outs.v[i], true);
    }
    s_free(cfg, &set);
    return bad ? EXIT_USAGE : EXIT_CLEAN;
}

static void s_explain_write(FILE *out, const char *fmt, const struct dw_control *c, const struct dw_config *cfg)
{
    if (strcmp(fmt, "markdown") == 0) {
        cli_control_page(out, c);
        return;
    }
    fprintf(out, "%s  %s\n\n", c->id, c->title);
    fprintf(out, "severity: %s\nresource: %s (%s)\n", dw_severity_str(c->severity),
            c->resource_type, c->is_global ? "global" : "per region");
    s_list(out, "NIST CSF 1.1: ", c->nist_csf, 4);
    s_csf2(out, c);
    s_statements(out, c);
    char *sources = dw_control_sources_text(c);
    fprintf(out, "sources: %s\nremediation kind: %s\n", sources, dw_fix_kind_str(c->fix_kind));
    free(sources);
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
}

int cli_cmd_script(struct cli_args *a)
{
    if (a->n_positional) {
        fprintf(stderr, "dbward: snapshot-script takes no arguments (\"%s\")\n", a->positional[0]);
        return EXIT_USAGE;
    }
    struct cli_outputs outs;
    if (cli_outputs_open(a, &outs))
        return EXIT_USAGE;
    char *script = dw_collect_script(a->regions, a->n_regions);
    int bad = 0;
    for (size_t i = 0; i < outs.n; i++) {
        fputs(script, outs.v[i].f);
        bad |= cli_output_end(&outs.v[i], true);
    }
    free(script);
    return bad ? EXIT_USAGE : EXIT_CLEAN;
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

/* dbward query EXPRESSION: like jp, one JSON document on stdin. */
int cli_cmd_query(struct cli_args *a)
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
int cli_cmd_whoami(struct cli_args *a)
{
    if (cli_check_regions(a) != 0)
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

/* dbward man: the manual page, from the same tables as dbward help. */
int cli_cmd_man(struct cli_args *a)
{
    (void)a;
    cli_man(stdout);
    return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_USAGE;
}

/* dbward completion bash|zsh. */
int cli_cmd_completion(struct cli_args *a)
{
    if (a->n_positional != 1 || !cli_completion(stdout, a->positional[0])) {
        fputs("dbward: completion takes bash or zsh, e.g. dbward completion bash\n", stderr);
        return EXIT_USAGE;
    }
    return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_USAGE;
}
