/* output.c: the one output contract of every command. -o FORMAT:FILE, or a
 * bare -o FILE whose extension names the format, or stdout; each output is
 * checked against what the command writes and opened (its folder too)
 * before the command does any work, and each ends on its own, so one that
 * fails never drops the others. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* Extensions and the formats they name, in the order tried: a command that
 * writes both matrix-md and markdown takes .md as whichever it writes. */
static const struct {
    const char *ext;
    const char *format;
} s_exts[] = {
    {"json", "json"},   {"sarif", "sarif"}, {"html", "html"},       {"htm", "html"},
    {"csv", "csv"},     {"xml", "junit"},   {"jsonl", "ocsf"},      {"md", "matrix-md"},
    {"md", "markdown"}, {"txt", "text"},    {"sh", "sh"},
};

/* The format FILE's extension names among those cmd writes, or NULL. */
static const char *s_format_of_name(const struct cli_command *cmd, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        return NULL;
    for (size_t i = 0; i < sizeof(s_exts) / sizeof(s_exts[0]); i++) {
        if (strcmp(dot + 1, s_exts[i].ext) == 0 && cli_command_writes(cmd, s_exts[i].format))
            return s_exts[i].format;
    }
    return NULL;
}

/* The first word of the command's formats: its default. */
static const char *s_default_format(const struct cli_command *cmd, char *buf, size_t len)
{
    size_t n = strcspn(cmd->formats, " ");
    snprintf(buf, len, "%.*s", (int)n, cmd->formats);
    return buf;
}

static bool s_is_char_device(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

/* Resolves one -o value into out; prints the reason and returns false when
 * it is refused. */
static bool s_resolve(const struct cli_args *a, const struct cli_command *cmd, const char *v, const char *dflt,
                      struct cli_output *out, bool *bare)
{
    const char *colon = strchr(v, ':');
    memset(out, 0, sizeof(*out));
    *bare = false;
    if (colon && cli_format_known(v, (size_t)(colon - v))) {
        size_t n = (size_t)(colon - v);
        if (!colon[1]) {
            fprintf(stderr, "dbward: -o %s needs a file name after the colon (- for stdout)\n", v);
            return false;
        }
        for (size_t i = 0; i < cli_formats_count; i++) {
            if (strlen(cli_formats[i].name) == n && strncmp(cli_formats[i].name, v, n) == 0)
                out->format = cli_formats[i].name;
        }
        if (!cli_command_writes(cmd, out->format)) {
            fprintf(stderr, "dbward: %s writes %s, not %s (-o %s)%s\n", a->command, cmd->formats, out->format, v,
                    strcmp(a->command, "report") != 0 && cli_command_writes(cli_command_find("report"), out->format)
                        ? "; dbward report renders a JSON report in it"
                        : "");
            return false;
        }
        out->path = strcmp(colon + 1, "-") == 0 ? NULL : colon + 1;
        return true;
    }
    *bare = true;
    if (strcmp(v, "-") == 0 || s_is_char_device(v)) {
        out->format = a->format ? a->format : dflt;
        out->path = strcmp(v, "-") == 0 ? NULL : v;
        return true;
    }
    out->path = v;
    out->format = s_format_of_name(cmd, v);
    if (!out->format) {
        if (cli_format_known(v, strlen(v)))
            fprintf(stderr, "dbward: -o %s would write a file named \"%s\": write -o %s:FILE, or --format %s for "
                            "stdout\n", v, v, v, v);
        else
            fprintf(stderr, "dbward: cannot tell the format of \"%s\" from its name; write -o FORMAT:%s "
                            "(%s writes %s)\n", v, v, a->command, cmd->formats);
        return false;
    }
    if (a->format && strcmp(a->format, out->format) != 0) {
        fprintf(stderr, "dbward: -o %s is %s by its name but --format says %s; write -o %s:%s to mean it\n", v,
                out->format, a->format, a->format, v);
        return false;
    }
    return true;
}

int cli_outputs_open(const struct cli_args *a, struct cli_outputs *outs)
{
    memset(outs, 0, sizeof(*outs));
    const struct cli_command *cmd = cli_command_find(a->command);
    char dflt_buf[32];
    const char *dflt = s_default_format(cmd, dflt_buf, sizeof(dflt_buf));
    const char *dflt_static = NULL;
    for (size_t i = 0; i < cli_formats_count; i++) {
        if (strcmp(cli_formats[i].name, dflt) == 0)
            dflt_static = cli_formats[i].name;
    }
    bool any_bare = false, to_stdout = false;
    struct cli_output tmp[16];
    size_t n = 0;
    for (size_t i = 0; i < a->n_outputs; i++) {
        bool bare = false;
        if (!s_resolve(a, cmd, a->outputs[i], dflt_static, &tmp[n], &bare))
            return EXIT_USAGE;
        any_bare = any_bare || bare;
        if (!tmp[n].path) {
            if (to_stdout) {
                fputs("dbward: only one output can go to stdout\n", stderr);
                return EXIT_USAGE;
            }
            to_stdout = true;
        }
        for (size_t k = 0; tmp[n].path && k < n; k++) {
            if (tmp[k].path && strcmp(tmp[k].path, tmp[n].path) == 0 && !s_is_char_device(tmp[n].path)) {
                fprintf(stderr, "dbward: two outputs name %s\n", tmp[n].path);
                return EXIT_USAGE;
            }
        }
        n++;
    }
    /* The report on stdout, unless a bare -o FILE (or -) took its place. */
    if (!any_bare && !to_stdout)
        outs->v[outs->n++] = (struct cli_output){.format = a->format ? a->format : dflt_static, .path = NULL};
    for (size_t i = 0; i < n; i++)
        outs->v[outs->n++] = tmp[i];
    bool matrix = false;
    for (size_t i = 0; i < outs->n; i++)
        matrix = matrix || strncmp(outs->v[i].format, "matrix", 6) == 0;
    if (a->framework_given && !matrix) {
        fputs("dbward: --framework chooses the NIST CSF version of the compliance matrix; give --format matrix, "
              "--format matrix-md or -o matrix:FILE with it (the other reports carry CSF 1.1 and 2.0)\n", stderr);
        outs->n = 0;
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < outs->n; i++) {
        outs->v[i].f = cli_out_open(&outs->v[i].o, outs->v[i].path);
        if (!outs->v[i].f) {
            for (size_t k = 0; k < i; k++)
                cli_out_close(&outs->v[k].o, false);
            outs->n = 0;
            return EXIT_USAGE;
        }
        outs->v[i].open = true;
    }
    return 0;
}

int cli_output_end(struct cli_output *o, bool ok)
{
    if (!o->open)
        return 0;
    o->open = false;
    if (cli_out_close(&o->o, ok) != 0) {
        fprintf(stderr, "dbward: could not write %s\n", o->path ? o->path : "the report on stdout");
        return -1;
    }
    return 0;
}

void cli_outputs_abort(struct cli_outputs *outs)
{
    for (size_t i = 0; i < outs->n; i++) {
        if (outs->v[i].open) {
            outs->v[i].open = false;
            cli_out_close(&outs->v[i].o, false);
        }
    }
}
