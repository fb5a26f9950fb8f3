/* main.c: the dbward command line: parses the arguments, protects the
 * process's secrets and hands the command to its file (cmd_scan.c,
 * cmd_report.c, cmd_info.c). Exit codes: 0 clean, 1 FAIL, 3 ERROR without
 * FAIL, 2 usage or unreadable input. Uses only the public dbward API. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#ifdef DW_HAVE_MIMALLOC
#include <mimalloc.h>
#endif

#include <dbward/dbward.h>
#include <dbward/process.h>

#include "cli.h"
#include "cmd_plan.h"

static void s_usage(FILE *out)
{
    fputs("usage: dbward COMMAND [OPTIONS]\n\ncommands:\n", out);
    for (size_t i = 0; i < cli_commands_count; i++) {
        char left[64];
        snprintf(left, sizeof(left), "%s%s%s", cli_commands[i].name, cli_commands[i].args[0] ? " " : "",
                 cli_commands[i].args);
        fprintf(out, "  %-30s %s\n", left, cli_commands[i].help);
    }
    fputs("\noptions:\n", out);
    for (size_t i = 0; i < cli_opts_count; i++) {
        const struct cli_opt *o = &cli_opts[i];
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        else
            snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        fprintf(out, "  %-30s %s [%s]\n", left, o->help,
                strcmp(o->commands, "*") == 0 ? "all" : o->commands);
    }
    fputs("\nexit status:\n", out);
    for (size_t i = 0; i < cli_exits_count; i++)
        fprintf(out, "  %s  %s\n", cli_exits[i].name, cli_exits[i].help);
    fputs("\nenvironment:\n", out);
    for (size_t i = 0; i < cli_envs_count; i++)
        fprintf(out, "  %s\n      %s\n", cli_envs[i].name, cli_envs[i].help);
    fputs("\ndbward COMMAND --help (or dbward help COMMAND) lists one command's options and formats;\n"
          "the manual page (dbward man | man -l -) says more.\n", out);
}

static int s_plan(struct cli_args *a) { return cli_cmd_plan(a); }

int main(int argc, char **argv)
{
    struct cli_args a;
    char msg[256];
    int code = EXIT_USAGE;
#ifdef DW_HAVE_MIMALLOC
    /* Pages freed go back to the system at once: the snapshot's read-ahead
     * thread parses documents the main thread frees, and without this the
     * two heaps kept about 25 MB more at 100k resources (no time lost). */
    mi_option_set(mi_option_page_reset, 1);
    mi_option_set(mi_option_decommit_delay, 0);
#else
    /* With glibc's allocator (sanitizer builds, or -DDW_MIMALLOC=OFF): no
     * fastbins. A scan frees millions of small JSON nodes between large file
     * buffers, and each large request made glibc consolidate the fastbins
     * again (8% of a 100k-resource scan's time). */
    mallopt(M_MXFAST, 0);
#endif
    /* Before anything can read a secret: no core file, no ptrace by others. */
    struct dw_error perr;
    if (dw_process_protect_secrets(&perr))
        fprintf(stderr, "dbward: warning: %s failed: %s\n", perr.source, perr.message);
    if (!cli_args_parse(argc, argv, &a, msg, sizeof(msg))) {
        fprintf(stderr, "dbward: %s\n", msg);
        goto out;
    }
    static const struct {
        const char *name;
        int (*run)(struct cli_args *a);
    } cmds[] = {
        {"scan", cli_cmd_scan},         {"report", cli_cmd_report},       {"controls", cli_cmd_controls},
        {"explain", cli_cmd_explain},   {"diff", cli_cmd_diff},           {"man", cli_cmd_man},
        {"completion", cli_cmd_completion}, {"merge", cli_cmd_merge},     {"history", cli_cmd_history},
        {"remediate", cli_cmd_remediate}, {"query", cli_cmd_query},       {"plan", s_plan},
        {"snapshot-script", cli_cmd_script}, {"whoami", cli_cmd_whoami},
    };
    if (a.version) {
        char libs[512];
        dw_library_versions(libs, sizeof(libs));
        printf("dbward %s (commit %s)\n%s\n", dw_version(), dw_git_commit(), libs);
#ifdef DW_HAVE_MIMALLOC
        int mv = mi_version(); /* 209 is 2.0.9 */
        printf("allocator: mimalloc %d.%d.%d\n", mv / 100, mv / 10 % 10, mv % 10);
#else
        puts("allocator: glibc malloc");
#endif
        code = EXIT_CLEAN;
        goto out;
    }
    if (!a.command) {
        s_usage(a.help ? stdout : stderr);
        code = a.help ? EXIT_CLEAN : EXIT_USAGE;
        goto out;
    }
    if (!cli_command_find(a.command)) {
        fprintf(stderr, "dbward: unknown command \"%s\" (see dbward help)\n", a.command);
        goto out;
    }
    /* dbward help COMMAND and dbward COMMAND --help: that command's page. */
    const char *page = strcmp(a.command, "help") == 0 ? (a.n_positional ? a.positional[0] : NULL) : a.command;
    if (a.help || strcmp(a.command, "help") == 0) {
        if (page && !cli_command_find(page)) {
            fprintf(stderr, "dbward: unknown command \"%s\" (see dbward help)\n", page);
            goto out;
        }
        if (page && strcmp(page, "help") != 0)
            cli_command_help(stdout, page);
        else
            s_usage(stdout);
        code = fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_USAGE;
        goto out;
    }
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (strcmp(cmds[i].name, a.command) == 0)
            code = cmds[i].run(&a);
    }
out:
    cli_args_clean_up(&a);
    return code;
}
