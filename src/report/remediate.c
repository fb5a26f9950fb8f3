/* remediate.c: turns a dbward JSON report into a bash script of fixes,
 * grouped by kind: in-place commands runnable as they are, recreate
 * procedures as commented steps, manual decisions as comments. Commands
 * that still hold a REPLACE_ placeholder are commented out, since running
 * them as they are would fail or do the wrong thing. dbward never runs the
 * script; it only writes it. */
#include <stdio.h>
#include <string.h>

#include <dbward/report.h>

#include "util/util.h"

/* A string member, or fallback when absent. */
static const char *s_get(json_t *o, const char *key, const char *fallback)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : fallback;
}

/* Writes text as comment lines, each prefixed (prefix starts with '#'); no
 * byte of text can end the comment (dw_shell_comment). */
static void s_comment(FILE *out, const char *prefix, const char *text)
{
    struct dw_buf b;
    dw_buf_init(&b, (size_t)-1);
    dw_shell_comment(&b, prefix, text);
    if (b.data)
        fputs(b.data, out);
    dw_buf_clean_up(&b);
}

/* A command dbward wrote holds only printable ASCII (shell.c quotes every
 * other byte as \xHH). Anything else came from an edited report: it could
 * break or hide a line, so it never runs. */
static bool s_plain_command(const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c < 0x20 || *c >= 0x7f)
            return false;
    }
    return true;
}

static bool s_selected(const struct dw_finding_view *f, const struct dw_remediate_opts *o)
{
    const char *id = f->control_id;
    const char *sev = f->severity;
    if (!id || !sev || strcmp(dw_str_or_empty(f->status), "FAIL") != 0)
        return false;
    bool ok = o->n_controls == 0;
    for (size_t i = 0; i < o->n_controls && !ok; i++)
        ok = dw_report_glob(o->controls[i], id);
    enum dw_severity s;
    if (o->severity_mask && (!dw_severity_parse(sev, &s) || !(o->severity_mask & (1u << s))))
        ok = false;
    return ok;
}

enum dw_status dw_remediate_script(json_t *report, const char *source, const struct dw_remediate_opts *o,
                                   FILE *out, struct dw_error *err)
{
    enum dw_status rc = dw_report_doc_check(report, source, err);
    if (rc)
        return rc;
    fprintf(out, "#!/usr/bin/env bash\n");
    s_comment(out, "# Fixes for the failures in ", source);
    s_comment(out, "# account ", s_get(report, "account_id", "?"));
    s_comment(out, "# evidence taken at ", s_get(report, "taken_at", "?"));
    fprintf(out, "# Written by dbward %s. Read every step before running it: dbward never runs it.\n", dw_version());
    fprintf(out, "set -euo pipefail\n");
    static const char *const kinds[] = {"in-place", "recreate", "manual"};
    static const char *const headings[] = {
        "In-place fixes: one command each, runnable as they are",
        "Recreate procedures: a new resource replaces the old one; follow the steps by hand",
        "Manual decisions: a person decides; suggested commands are commented"};
    size_t total = 0;
    for (size_t k = 0; k < 3; k++) {
        bool header = false;
        for (size_t i = 0; i < dw_report_doc_count(report); i++) {
            struct dw_finding_view fv;
            dw_report_doc_finding(report, i, &fv);
            const struct dw_finding_view *f = &fv;
            const char *kind = f->fix_kind;
            if (!kind || strcmp(kind, kinds[k]) != 0 || !s_selected(f, o))
                continue;
            if (!header) {
                fprintf(out, "\n# ===== %s =====\n", headings[k]);
                header = true;
            }
            total++;
            fputc('\n', out);
            const char *id = f->control_id;
            const char *rid = dw_str_or_empty(f->resource_id);
            const char *region = dw_str_or_empty(f->region);
            const char *reason = dw_str_or_empty(f->reason);
            struct dw_buf title;
            dw_buf_init(&title, (size_t)-1);
            dw_buf_printf(&title, "[%s] %s", id, rid);
            s_comment(out, "# ", title.data);
            dw_buf_clean_up(&title);
            s_comment(out, "#   region: ", region);
            s_comment(out, "#   because: ", reason);
            size_t c;
            json_t *cmd;
            /* The commands of one fix are a sequence: if one needs a value a
             * person must supply, none of them runs as it is. */
            bool placeholder = false, foreign = false;
            json_array_foreach((json_t *)f->commands, c, cmd)
            {
                const char *s = json_string_value(cmd);
                placeholder = placeholder || (s && strstr(s, "REPLACE_"));
                foreign = foreign || (s && !s_plain_command(s));
            }
            bool runnable = k == 0 && !placeholder && !foreign;
            if (k == 0 && foreign)
                fprintf(out, "#   holds bytes dbward never writes in a command (an edited report?): "
                             "not run\n");
            else if (k == 0 && placeholder)
                fprintf(out, "#   needs values first (REPLACE_...): uncomment after filling them in\n");
            json_array_foreach((json_t *)f->commands, c, cmd)
            {
                const char *s = json_string_value(cmd);
                if (!s)
                    continue;
                if (runnable) {
                    fprintf(out, "%s\n", s);
                } else if (k == 0) {
                    s_comment(out, "# ", s);
                } else {
                    char step[32];
                    snprintf(step, sizeof(step), "#   %zu. ", c + 1);
                    s_comment(out, step, s);
                }
            }
            json_t *note;
            json_array_foreach((json_t *)f->notes, c, note)
            {
                if (json_string_value(note))
                    s_comment(out, "#   note: ", json_string_value(note));
            }
        }
    }
    fprintf(out, "\n# %zu fix%s selected.\n", total, total == 1 ? "" : "es");
    return ferror(out) ? DW_E_IO : DW_OK;
}
