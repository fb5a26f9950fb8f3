/* main.c: the dbward command line: parses the arguments, protects the
 * process's secrets and hands the command to its file (cmd_scan.c,
 * cmd_report.c, cmd_info.c). Exit codes: 0 clean, 1 FAIL, 3 ERROR without
 * FAIL, 2 usage or unreadable input. Uses only the public dbward API. */
#include <stdio.h>
#include <string.h>

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
    fputs("\nThe manual page (dbward man | man -l -) says more.\n", out);
}

int main(int argc, char **argv)
{
    struct cli_args a;
    char msg[256];
    int code = EXIT_USAGE;
    /* Before anything can read a secret: no core file, no ptrace by others. */
    struct dw_error perr;
    if (dw_process_protect_secrets(&perr))
        fprintf(stderr, "dbward: warning: %s failed: %s\n", perr.source, perr.message);
    if (!cli_args_parse(argc, argv, &a, msg, sizeof(msg))) {
        fprintf(stderr, "dbward: %s\n", msg);
        goto out;
    }
    if (a.version) {
        char libs[512];
        dw_library_versions(libs, sizeof(libs));
        printf("dbward %s (commit %s)\n%s\n", dw_version(), dw_git_commit(), libs);
        code = EXIT_CLEAN;
    } else if (a.help || !a.command || strcmp(a.command, "help") == 0) {
        s_usage(a.command || a.help ? stdout : stderr);
        code = a.command || a.help ? EXIT_CLEAN : EXIT_USAGE;
    } else if (strcmp(a.command, "scan") == 0) {
        code = cli_cmd_scan(&a);
    } else if (strcmp(a.command, "controls") == 0) {
        code = cli_cmd_controls(&a);
    } else if (strcmp(a.command, "explain") == 0) {
        code = cli_cmd_explain(&a);
    } else if (strcmp(a.command, "diff") == 0) {
        code = cli_cmd_diff(&a);
    } else if (strcmp(a.command, "man") == 0) {
        code = cli_cmd_man(&a);
    } else if (strcmp(a.command, "completion") == 0) {
        code = cli_cmd_completion(&a);
    } else if (strcmp(a.command, "merge") == 0) {
        code = cli_cmd_merge(&a);
    } else if (strcmp(a.command, "history") == 0) {
        code = cli_cmd_history(&a);
    } else if (strcmp(a.command, "remediate") == 0) {
        code = cli_cmd_remediate(&a);
    } else if (strcmp(a.command, "query") == 0) {
        code = cli_cmd_query(&a);
    } else if (strcmp(a.command, "plan") == 0) {
        code = cli_cmd_plan(&a);
    } else if (strcmp(a.command, "snapshot-script") == 0) {
        code = cli_cmd_script(&a);
    } else if (strcmp(a.command, "whoami") == 0) {
        code = cli_cmd_whoami(&a);
    } else {
        fprintf(stderr, "dbward: unknown command \"%s\" (see dbward help)\n", a.command);
    }
out:
    cli_args_clean_up(&a);
    return code;
}
