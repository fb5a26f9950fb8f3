/* cmd_plan.c: `dbward plan` prints the calls dbward makes, one line each
 * (text) or as the JSON the scripts and tests read (--format json). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/plan.h>

#include "cli.h"
#include "cmd_plan.h"

static bool s_plan_write(FILE *out, bool json)
{
    if (json) {
        json_t *j = dw_plan_json();
        int rc = json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(j);
        fputc('\n', out);
        return rc == 0;
    }
    size_t n = 0;
    const struct dw_plan_call *c = dw_plan_calls(&n);
    for (size_t i = 0; i < n; i++) {
        char *p = dw_plan_path_pattern(&c[i]);
        fprintf(out, "%-12s %-40s %-12s %s", c[i].service, c[i].command, dw_plan_scope_str(c[i].scope), p);
        if (c[i].parent && c[i].each)
            fprintf(out, "  <- %s: %s", c[i].parent, c[i].each);
        else if (c[i].parent)
            fprintf(out, "  <- after %s", c[i].parent);
        if (c[i].until)
            fprintf(out, "  (until %s)", c[i].until);
        if (c[i].not_ready)
            fprintf(out, "  (not ready: %s)", c[i].not_ready);
        if (c[i].window_param)
            fprintf(out, "  (window: %s, default %ld days)", c[i].window_param, c[i].window_default_days);
        fputc('\n', out);
        free(p);
    }
    return true;
}

int cli_cmd_plan(const struct cli_args *a)
{
    if (a->n_positional) {
        fprintf(stderr, "dbward: plan takes no arguments (\"%s\")\n", a->positional[0]);
        return EXIT_USAGE;
    }
    struct cli_outputs outs;
    if (cli_outputs_open(a, &outs))
        return EXIT_USAGE;
    int bad = 0;
    for (size_t i = 0; i < outs.n; i++) {
        bool ok = s_plan_write(outs.v[i].f, strcmp(outs.v[i].format, "json") == 0);
        bad |= cli_output_end(&outs.v[i], ok);
    }
    return bad ? EXIT_USAGE : EXIT_CLEAN;
}
