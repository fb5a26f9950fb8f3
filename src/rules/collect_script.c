/* collect_script.c: writes the POSIX sh script behind `dbward
 * snapshot-script`. The script uses only the stock aws CLI and POSIX tools
 * and writes the layout of docs/snapshot.md, failed calls included, so an
 * auditor can gather evidence on a machine without dbward. */
#include <stdlib.h>
#include <string.h>

#include <dbward/plan.h>

#include "rules_int.h"

static const char s_head[] =
    "#!/bin/sh\n"
    "# Evidence collection for dbward: writes an offline snapshot with the stock aws CLI.\n"
    "# Usage: sh collect.sh [OUTPUT_DIR]   (read-only calls; credentials as for any aws command)\n"
    "# Every call lands in OUT/<region>/<service>/<command>[/<key>].json; a call that fails\n"
    "# lands in the same path with .error.json and the AWS error code, so a denied call is\n"
    "# never mistaken for an empty answer.\n"
    "set -u\n"
    "umask 077   # the evidence is the account's configuration: folders 0700, files 0600\n"
    "OUT=${1:-dbward-snapshot}\n";

static const char s_body[] =
    "mkdir -p \"$OUT\" || exit 2\n"
    "ERR=$(mktemp) || exit 2\n"
    "trap 'rm -f \"$ERR\"' EXIT\n"
    "\n"
    "# dw_call PATH aws-arguments...: runs one call and files its answer or its error.\n"
    "dw_call() {\n"
    "  p=$1; shift\n"
    "  mkdir -p \"$(dirname \"$OUT/$p\")\"\n"
    "  if aws \"$@\" --output json >\"$OUT/$p.json.part\" 2>\"$ERR\"; then\n"
    "    # the CLI prints nothing for an empty answer (a bucket without notifications)\n"
    "    [ -s \"$OUT/$p.json.part\" ] || echo '{}' >\"$OUT/$p.json.part\"\n"
    "    mv \"$OUT/$p.json.part\" \"$OUT/$p.json\"\n"
    "    rm -f \"$OUT/$p.error.json\"   # an earlier try of a call made again\n"
    "  else\n"
    "    rm -f \"$OUT/$p.json.part\"\n"
    "    code=$(sed -n 's/.*An error occurred (\\([A-Za-z0-9._-]*\\)).*/\\1/p' \"$ERR\" | head -n 1)\n"
    "    [ -n \"$code\" ] || code=CliError\n"
    "    msg=$(tr '\\n\\r\\t' '   ' <\"$ERR\" | sed 's/\\\\/\\\\\\\\/g; s/\"/\\\\\"/g' | cut -c1-500)\n"
    "    printf '{\"code\": \"%s\", \"message\": \"%s\"}\\n' \"$code\" \"$msg\" >\"$OUT/$p.error.json\"\n"
    "    echo \"dbward collect: $p failed ($code)\" >&2\n"
    "  fi\n"
    "}\n"
    "# dw_ids aws-arguments...: prints the ids a --query selects, one per line.\n"
    "dw_ids() {\n"
    "  aws \"$@\" --output text 2>/dev/null | tr '\\t' '\\n' | grep -v '^None$' | grep -v '^$'\n"
    "}\n"
    "# dw_key KEY: the file name of a resource key, '/' as %2F (a secret named dms/orders\n"
    "# is one file, never a folder), as dbward reads it.\n"
    "dw_key() {\n"
    "  printf '%s' \"$1\" | sed 's#/#%2F#g'\n"
    "}\n"
    "\n"
    "ACCOUNT=$(aws sts get-caller-identity --query Account --output text) || exit 2\n"
    "CALLER=$(aws sts get-caller-identity --query Arn --output text) || exit 2\n"
    "PARTITION=$(echo \"$CALLER\" | cut -d: -f2)\n"
    "TAKEN_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)\n";

/* After the calls: the manifest. */
static const char s_tail[] =
    "regions_json=$(printf '\"%s\",' $REGIONS | sed 's/,$//')\n"
    "cat >\"$OUT/manifest.json\" <<EOF\n"
    "{\n"
    "  \"account_id\": \"$ACCOUNT\",\n"
    "  \"partition\": \"$PARTITION\",\n"
    "  \"regions\": [$regions_json],\n"
    "  \"taken_at\": \"$TAKEN_AT\",\n"
    "  \"produced_by\": {\"tool\": \"dbward snapshot-script\", \"version\": \"%VERSION%\", \"aws_cli\": \"$(aws --version 2>&1 | head -n 1)\"}\n"
    "}\n"
    "EOF\n"
    "echo \"dbward collect: wrote $OUT (account $ACCOUNT)\" >&2\n";

/* Appends text inside a double-quoted shell word, the plan's placeholders
 * as the script's variables (var: the loop's item variable). */
static void s_dq(struct dw_buf *b, const char *text, const char *var)
{
    static const char *const names[] = {"{item}", "{tail}", "{region}", "{partition}", "{account}", "{now}",
                                        "{window_start}", "{name}"};
    for (const char *p = text; *p;) {
        size_t k = 0;
        while (k < DW_ARRAY_LEN(names) && strncmp(p, names[k], strlen(names[k])) != 0)
            k++;
        if (k == 0 || k == 1)
            dw_buf_printf(b, k == 0 ? "$%s" : "${%s##*:}", var ? var : "item");
        else if (k == 2)
            dw_buf_puts(b, "$R");
        else if (k == 3)
            dw_buf_puts(b, "$PARTITION");
        else if (k == 4)
            dw_buf_puts(b, "$ACCOUNT");
        else if (k == 5)
            dw_buf_puts(b, "$TAKEN_AT");
        else if (k == 6)
            dw_buf_puts(b, "$WINDOW_START");
        else if (k == 7)
            dw_buf_printf(b, "${%s##*/}", var ? var : "item");
        if (k < DW_ARRAY_LEN(names)) {
            p += strlen(names[k]);
            continue;
        }
        if (*p == '"' || *p == '\\' || *p == '$' || *p == '`')
            dw_buf_puts(b, "\\");
        dw_buf_append(b, p, 1);
        p++;
    }
}

/* The aws arguments of a row: service, command, region, parameters as options. */
static void s_args(struct dw_buf *b, const struct dw_plan_call *c, const char *var)
{
    dw_buf_printf(b, "%s %s", c->service, c->command);
    if (!c->is_global)
        dw_buf_puts(b, " --region \"$R\"");
    json_t *params = c->params ? json_loads(c->params, 0, NULL) : NULL;
    const char *name;
    json_t *v;
    json_object_foreach(params, name, v)
    {
        dw_buf_puts(b, " --");
        for (const char *p = name; *p; p++) { /* TableName -> table-name */
            if (*p >= 'A' && *p <= 'Z' && p != name)
                dw_buf_puts(b, "-");
            char ch = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
            dw_buf_append(b, &ch, 1);
        }
        char *text = json_is_string(v) ? strdup(json_string_value(v)) : json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!text)
            abort();
        dw_buf_puts(b, " \"");
        s_dq(b, text, var);
        dw_buf_puts(b, "\"");
        free(text);
    }
    json_decref(params);
}

static void s_indent(struct dw_buf *b, int depth)
{
    for (int i = 0; i < depth; i++)
        dw_buf_puts(b, "  ");
}

static void s_row(struct dw_buf *b, const struct dw_plan_call *rows, size_t n, const struct dw_plan_call *c,
                  const char *var, int depth);

/* The evidence path of a row's answer, as a shell word's inside. */
static void s_path(struct dw_buf *b, const struct dw_plan_call *c, const char *var)
{
    dw_buf_puts(b, c->is_global ? "global" : "$R");
    dw_buf_printf(b, "/%s/%s", c->service, c->command);
    if (c->scope == DW_PLAN_PER_RESOURCE)
        dw_buf_printf(b, c->key_is_name   ? "/$(dw_key \"${%s##*/}\")"
                         : c->key_is_tail ? "/$(dw_key \"${%s##*:}\")"
                                          : "/$(dw_key \"$%s\")",
                      var);
}

/* A row whose answer is ready later (dbward/plan.h: until): the call is
 * repeated until its `until` query prints True, then its children made once
 * are called; one of their not_ready codes starts the round again. Both
 * within the plan's budget (DW_POLL_WAIT seconds apart, 2 by default). */
static void s_poll_row(struct dw_buf *b, const struct dw_plan_call *rows, size_t n, const struct dw_plan_call *c,
                       const char *var, int depth)
{
    s_indent(b, depth);
    dw_buf_puts(b, "dw_poll=1\n");
    s_indent(b, depth);
    dw_buf_puts(b, "while :; do\n");
    s_indent(b, depth + 1);
    dw_buf_puts(b, "dw_call \"");
    s_path(b, c, var);
    dw_buf_puts(b, "\" ");
    s_args(b, c, var);
    dw_buf_puts(b, "\n");
    s_indent(b, depth + 1);
    dw_buf_puts(b, "if [ \"$(dw_ids ");
    s_args(b, c, var);
    dw_buf_puts(b, " --query \"");
    s_dq(b, c->until, var);
    dw_buf_printf(b, "\")\" = True ] || [ $dw_poll -ge %d ]; then\n", DW_PLAN_POLL_ATTEMPTS);
    s_indent(b, depth + 2);
    dw_buf_puts(b, "dw_again=\n");
    for (size_t i = 0; i < n; i++) {
        const struct dw_plan_call *k = &rows[i];
        if (!k->parent || k->each || dw_plan_find(k->parent) != c)
            continue;
        s_row(b, rows, n, k, var, depth + 2);
        if (!k->not_ready)
            continue;
        s_indent(b, depth + 2);
        dw_buf_puts(b, "grep -Eq '\"code\": \"(");
        for (const char *p = k->not_ready; *p; p++)
            dw_buf_append(b, *p == ',' ? "|" : p, 1);
        dw_buf_puts(b, ")\"' \"$OUT/");
        s_path(b, k, var);
        dw_buf_puts(b, ".error.json\" 2>/dev/null && dw_again=1\n");
    }
    s_indent(b, depth + 2);
    dw_buf_printf(b, "[ -n \"$dw_again\" ] && [ $dw_poll -lt %d ] || break\n", DW_PLAN_POLL_ATTEMPTS);
    s_indent(b, depth + 1);
    dw_buf_puts(b, "fi\n");
    s_indent(b, depth + 1);
    dw_buf_puts(b, "dw_poll=$((dw_poll + 1)); sleep \"${DW_POLL_WAIT:-2}\"\n");
    s_indent(b, depth);
    dw_buf_puts(b, "done\n");
}

/* One row's call, then a loop over each group of its children. */
static void s_row(struct dw_buf *b, const struct dw_plan_call *rows, size_t n, const struct dw_plan_call *c,
                  const char *var, int depth)
{
    if (c->until) {
        s_poll_row(b, rows, n, c, var, depth);
        return;
    }
    if (c->window_param) {
        s_indent(b, depth);
        dw_buf_printf(b, "WINDOW_START=$START_%s\n", c->window_param);
    }
    s_indent(b, depth);
    dw_buf_puts(b, "dw_call \"");
    s_path(b, c, var);
    dw_buf_puts(b, "\" ");
    s_args(b, c, var);
    dw_buf_puts(b, "\n");
    char child_var[16];
    snprintf(child_var, sizeof(child_var), "x%d", (depth + 1) % 100);
    for (size_t i = 0; i < n; i++) {
        const struct dw_plan_call *k = &rows[i];
        if (!k->parent || dw_plan_find(k->parent) != c)
            continue;
        if (!k->each) { /* once, after the parent */
            s_row(b, rows, n, k, var, depth);
            continue;
        }
        bool first = true; /* the first child of this `each` opens the loop */
        for (size_t e = 0; e < i && first; e++)
            first = !(rows[e].parent && rows[e].each && dw_plan_find(rows[e].parent) == c &&
                      strcmp(rows[e].each, k->each) == 0);
        if (!first)
            continue;
        s_indent(b, depth);
        dw_buf_printf(b, "for %s in $(dw_ids ", child_var);
        s_args(b, c, var);
        dw_buf_puts(b, " --query \"");
        s_dq(b, k->each, var);
        dw_buf_puts(b, "\"); do\n");
        for (size_t m = i; m < n; m++)
            if (rows[m].parent && rows[m].each && dw_plan_find(rows[m].parent) == c &&
                strcmp(rows[m].each, k->each) == 0)
                s_row(b, rows, n, &rows[m], child_var, depth + 1);
        s_indent(b, depth);
        dw_buf_puts(b, "done\n");
    }
}

char *dw_collect_script(const char **regions, size_t n_regions)
{
    struct dw_buf b;
    dw_buf_init(&b, (size_t)16 * 1024 * 1024);
    dw_buf_puts(&b, s_head);
    if (n_regions) {
        dw_buf_puts(&b, "REGIONS=\"");
        for (size_t i = 0; i < n_regions; i++) {
            if (i)
                dw_buf_puts(&b, " ");
            dw_shell_quote(&b, regions[i]); /* inside "...": quoted for that */
        }
        dw_buf_puts(&b, "\"\n");
    } else {
        dw_buf_puts(&b, "# Every region enabled for the account:\n"
                        "REGIONS=$(aws ec2 describe-regions --query 'Regions[].RegionName' "
                        "--output text) || exit 2\n");
    }
    dw_buf_puts(&b, s_body);
    size_t n = 0;
    const struct dw_plan_call *rows = dw_plan_calls(&n);
    /* Each window follows its control parameter: set it in the environment
     * (UNUSED_DAYS=90 sh collect.sh) as --param unused_days=90 for a scan. */
    for (size_t i = 0; i < n; i++) {
        const struct dw_plan_call *c = &rows[i];
        if (!c->window_param)
            continue;
        char upper[64];
        size_t k = 0;
        for (; c->window_param[k] && k + 1 < sizeof(upper); k++)
            upper[k] = (char)(c->window_param[k] >= 'a' && c->window_param[k] <= 'z' ? c->window_param[k] - 32
                                                                                     : c->window_param[k]);
        upper[k] = '\0';
        dw_buf_printf(&b, "%s=${%s:-%ld}\n", upper, upper, c->window_default_days);
        dw_buf_printf(&b,
                      "START_%s=$(date -u -d \"-$%s days\" +%%Y-%%m-%%dT%%H:%%M:%%SZ 2>/dev/null || "
                      "date -u -v-\"$%s\"d +%%Y-%%m-%%dT%%H:%%M:%%SZ)\n",
                      c->window_param, upper, upper);
    }
    dw_buf_puts(&b, "\n# Global calls (IAM), once.\n");
    for (size_t i = 0; i < n; i++)
        if (rows[i].scope == DW_PLAN_GLOBAL && !rows[i].parent)
            s_row(&b, rows, n, &rows[i], NULL, 0);
    dw_buf_puts(&b, "\nfor R in $REGIONS; do\n  echo \"dbward collect: $R\" >&2\n");
    for (size_t i = 0; i < n; i++)
        if (rows[i].scope == DW_PLAN_REGION && !rows[i].parent)
            s_row(&b, rows, n, &rows[i], NULL, 1);
    dw_buf_puts(&b, "done\n\n");
    const char *v = strstr(s_tail, "%VERSION%");
    dw_buf_append(&b, s_tail, (size_t)(v - s_tail));
    dw_buf_puts(&b, dw_version());
    dw_buf_puts(&b, v + strlen("%VERSION%"));
    return dw_buf_steal(&b);
}
