/* cmd_plan.c: `dbward plan` prints the calls dbward makes, one line each
 * (text) or as the JSON the scripts and tests read (--format json). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/plan.h>

#include "cmd_plan.h"

int cli_cmd_plan(const struct cli_args *a)
{
    if (a->format && strcmp(a->format, "json") == 0) {
        json_t *j = dw_plan_json();
        int rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(j);
        fputc('\n', stdout);
        return rc == 0 && fflush(stdout) == 0 ? 0 : 2;
    }
    if (a->format && strcmp(a->format, "text") != 0) {
        fprintf(stderr, "dbward: plan writes text or json, not %s\n", a->format);
        return 2;
    }
    size_t n = 0;
    const struct dw_plan_call *c = dw_plan_calls(&n);
    for (size_t i = 0; i < n; i++) {
        const char *path = NULL;
        char *p = dw_plan_path_pattern(&c[i]);
        path = p;
        printf("%-12s %-40s %-12s %s", c[i].service, c[i].command, dw_plan_scope_str(c[i].scope), path);
        if (c[i].parent && c[i].each)
            printf("  <- %s: %s", c[i].parent, c[i].each);
        else if (c[i].parent)
            printf("  <- after %s", c[i].parent);
        if (c[i].until)
            printf("  (until %s)", c[i].until);
        if (c[i].not_ready)
            printf("  (not ready: %s)", c[i].not_ready);
        if (c[i].window_param)
            printf("  (window: %s, default %ld days)", c[i].window_param, c[i].window_default_days);
        putchar('\n');
        free(p);
    }
    return fflush(stdout) == 0 ? 0 : 2;
}
