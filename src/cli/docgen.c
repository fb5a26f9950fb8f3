/* docgen.c: the manual page and the shell completions, generated from the
 * CLI's own tables (args.c) and the control catalog, so neither can drift
 * from the code. */
#include <stdio.h>
#include <string.h>

#include "args.h"

/* roff text: backslashes and hyphens escaped, a leading dot or quote guarded. */
static void s_roff(FILE *out, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", out);
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", out);
        else if (*s == '-')
            fputs("\\-", out);
        else
            fputc(*s, out);
    }
}

static void s_opt_left(FILE *out, const struct cli_opt *o)
{
    if (o->short_name)
        fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
    fputs("\\fB\\-\\-", out);
    s_roff(out, o->name);
    fputs("\\fR", out);
    if (o->arg) {
        fputs(" \\fI", out);
        s_roff(out, o->arg);
        fputs("\\fR", out);
    }
}

/* A manual section of tagged paragraphs: intro (roff, or NULL), then each
 * row's name (in the font of macro, ".B" or ".I") and its help. */
static void s_man_rows(FILE *out, const char *title, const char *intro, const char *macro, const struct cli_doc *rows,
                       size_t n)
{
    fprintf(out, ".SH %s\n%s", title, intro ? intro : "");
    for (size_t i = 0; i < n; i++) {
        fprintf(out, ".TP\n%s ", macro);
        s_roff(out, rows[i].name);
        fputc('\n', out);
        s_roff(out, rows[i].help);
        fputc('\n', out);
    }
}

void cli_man(FILE *out)
{
    fprintf(out, ".TH DBWARD 1 \"\" \"dbward %s\" \"User Commands\"\n", dw_version());
    fputs(".SH NAME\ndbward \\- audit AWS DMS and DynamoDB, and the account controls around them, against a "
          "security playbook\n.SH SYNOPSIS\n",
          out);
    for (size_t i = 0; i < cli_commands_count; i++) {
        fputs(".B dbward ", out);
        s_roff(out, cli_commands[i].name);
        fputc('\n', out);
        if (cli_commands[i].args[0]) {
            fputs(".I ", out);
            s_roff(out, cli_commands[i].args);
            fputc('\n', out);
        }
        fputs(".RI [ OPTIONS ]\n.br\n", out);
    }
    fputs(".SH DESCRIPTION\n"
          "dbward checks an AWS account against the controls of its catalog (\\fBdbward controls\\fR): "
          "live through the AWS APIs with the standard credential chain, or offline from saved "
          "\\fBaws \\-\\-output json\\fR answers (a snapshot). Each finding has a status (PASS, FAIL, ERROR, "
          "NOT_APPLICABLE or MUTED), a severity, its NIST CSF 1.1 and 2.0 subcategories and company control statements, a "
          "reason naming what was seen, and for a failure the \\fBaws\\fR commands that fix it. A control that "
          "could not be evaluated is ERROR, never PASS.\n"
          ".SH COMMANDS\n",
          out);
    for (size_t i = 0; i < cli_commands_count; i++) {
        fputs(".TP\n\\fBdbward ", out);
        s_roff(out, cli_commands[i].name);
        fputs("\\fR", out);
        if (cli_commands[i].args[0]) {
            fputs(" \\fI", out);
            s_roff(out, cli_commands[i].args);
            fputs("\\fR", out);
        }
        fputc('\n', out);
        s_roff(out, cli_commands[i].help);
        fputc('\n', out);
    }
    fputs(".SH OPTIONS\n", out);
    for (size_t i = 0; i < cli_opts_count; i++) {
        const struct cli_opt *o = &cli_opts[i];
        fputs(".TP\n", out);
        s_opt_left(out, o);
        fputc('\n', out);
        s_roff(out, o->help);
        fputs(" Commands: ", out);
        s_roff(out, strcmp(o->commands, "*") == 0 ? "all" : o->commands);
        fputs(".\n", out);
    }
    s_man_rows(out, "REPORT FORMATS",
               "For \\fB\\-\\-format\\fR and \\fB\\-o\\fR \\fIFORMAT\\fR:\\fIFILE\\fR:\n", ".B", cli_formats, cli_formats_count);
    fputs(".SH CONTROLS\n", out);
    for (size_t i = 0; i < dw_registry_count(NULL, 0); i++) {
        const struct dw_control *c = dw_registry_get(NULL, 0, i);
        fputs(".TP\n.B ", out);
        s_roff(out, c->id);
        fputc('\n', out);
        s_roff(out, c->title);
        fprintf(out, " (%s)\n", dw_severity_str(c->severity));
    }
    s_man_rows(out, "ENVIRONMENT", NULL, ".B", cli_envs, cli_envs_count);
    s_man_rows(out, "FILES", NULL, ".I", cli_files, cli_files_count);
    s_man_rows(out, "EXIT STATUS", NULL, ".B", cli_exits, cli_exits_count);
    fputs(".SH EXAMPLES\n.nf\n"
          "dbward scan \\-\\-snapshot examples/account\n"
          "dbward scan \\-\\-profile audit \\-o sarif:out.sarif \\-o html:report.html \\-\\-db history.db\n"
          "dbward diff \\-\\-db history.db\n"
          "dbward explain DDB\\-02\n"
          ".fi\n.SH SEE ALSO\n\\fBaws\\fR(1); the guides in \\fI/usr/share/doc/dbward/\\fR: snapshot.md, live.md, "
          "config.md, reports.md, accounts.md, ci.md and controls/.\n",
          out);
}

/* Space-separated words for the completion scripts. */
static void s_words(FILE *out, int what)
{
    bool first = true;
    if (what == 0) {
        for (size_t i = 0; i < cli_commands_count; i++) {
            bool dup = false;
            for (size_t k = 0; k < i; k++)
                dup = dup || strcmp(cli_commands[k].name, cli_commands[i].name) == 0;
            if (!dup) {
                fprintf(out, "%s%s", first ? "" : " ", cli_commands[i].name);
                first = false;
            }
        }
    } else if (what == 1) {
        for (size_t i = 0; i < cli_opts_count; i++) {
            fprintf(out, "%s--%s", first ? "" : " ", cli_opts[i].name);
            if (cli_opts[i].short_name)
                fprintf(out, " -%c", cli_opts[i].short_name);
            first = false;
        }
    } else if (what == 2) {
        for (size_t i = 0; i < cli_formats_count; i++) {
            fprintf(out, "%s%s", first ? "" : " ", cli_formats[i].name);
            first = false;
        }
    } else {
        for (size_t i = 0; i < dw_registry_count(NULL, 0); i++) {
            fprintf(out, "%s%s", first ? "" : " ", dw_registry_get(NULL, 0, i)->id);
            first = false;
        }
    }
}

/* Options that take a value, as a shell case pattern ("--format|-f|..."). */
static void s_takes_value(FILE *out)
{
    bool first = true;
    for (size_t i = 0; i < cli_opts_count; i++) {
        if (!cli_opts[i].arg)
            continue;
        fprintf(out, "%s--%s", first ? "" : "|", cli_opts[i].name);
        if (cli_opts[i].short_name)
            fprintf(out, "|-%c", cli_opts[i].short_name);
        first = false;
    }
}

/* For each command, a shell case arm: the options it takes (what) or the
 * formats it writes (formats), from the same tables as the parser. */
static void s_per_command(FILE *out, bool formats, const char *assign_open, const char *assign_close)
{
    for (size_t i = 0; i < cli_commands_count; i++) {
        bool dup = false;
        for (size_t k = 0; k < i; k++)
            dup = dup || strcmp(cli_commands[k].name, cli_commands[i].name) == 0;
        if (dup)
            continue;
        fprintf(out, "    %s) %s", cli_commands[i].name, assign_open);
        if (formats) {
            fputs(cli_commands[i].formats, out);
        } else {
            bool first = true;
            for (size_t k = 0; k < cli_opts_count; k++) {
                if (!cli_opt_applies(&cli_opts[k], cli_commands[i].name))
                    continue;
                fprintf(out, "%s--%s", first ? "" : " ", cli_opts[k].name);
                if (cli_opts[k].short_name)
                    fprintf(out, " -%c", cli_opts[k].short_name);
                first = false;
            }
        }
        fprintf(out, "%s;;\n", assign_close);
    }
}

static const char s_profiles_sh[] =
    "  sed -n -e 's/^\\[profile \\([^]]*\\)\\]$/\\1/p' -e 's/^\\[\\(default\\)\\]$/\\1/p' \\\n"
    "    \"${AWS_CONFIG_FILE:-$HOME/.aws/config}\" 2>/dev/null\n"
    "  sed -n 's/^\\[\\([^]]*\\)\\]$/\\1/p' \"${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}\" 2>/dev/null\n";

bool cli_completion(FILE *out, const char *shell)
{
    if (strcmp(shell, "bash") == 0) {
        fputs("# bash completion for dbward, generated by `dbward completion bash`.\n"
              "_dbward_profiles() {\n",
              out);
        fputs(s_profiles_sh, out);
        fputs("}\n_dbward() {\n  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
              "  local cmds=\"",
              out);
        s_words(out, 0);
        fputs("\"\n  local opts=\"", out);
        s_words(out, 1);
        fputs("\"\n  local formats=\"", out);
        s_words(out, 2);
        fputs("\"\n  local ids=\"", out);
        s_words(out, 3);
        fputs("\"\n  case ${COMP_WORDS[1]} in\n", out);
        s_per_command(out, false, "opts=\"", "\"");
        fputs("  esac\n  case ${COMP_WORDS[1]} in\n", out);
        s_per_command(out, true, "formats=\"", "\"");
        fputs("  esac\n  case $prev in\n"
              "    --format|-f) COMPREPLY=($(compgen -W \"$formats\" -- \"$cur\")); return;;\n"
              "    --output|-o)\n"
              "      if [[ $cur == *:* ]]; then COMPREPLY=($(compgen -f -- \"${cur#*:}\")); COMPREPLY=(\"${COMPREPLY[@]/#/${cur%%:*}:}\");\n"
              "      else COMPREPLY=($(compgen -W \"$(printf '%s: ' $formats)\" -- \"$cur\") $(compgen -f -- \"$cur\")); fi\n"
              "      compopt -o nospace 2>/dev/null; return;;\n"
              "    --controls|-c) COMPREPLY=($(compgen -W \"$ids\" -- \"$cur\")); return;;\n"
              "    --severity) COMPREPLY=($(compgen -W \"low medium high critical\" -- \"$cur\")); return;;\n"
              "    --profile) COMPREPLY=($(compgen -W \"$(_dbward_profiles)\" -- \"$cur\")); return;;\n"
              "    --snapshot|-s|--save-snapshot) COMPREPLY=($(compgen -d -- \"$cur\")); return;;\n"
              "    ",
              out);
        s_takes_value(out);
        fputs(") COMPREPLY=($(compgen -f -- \"$cur\")); return;;\n"
              "  esac\n"
              "  if [[ $COMP_CWORD -eq 1 ]]; then COMPREPLY=($(compgen -W \"$cmds\" -- \"$cur\")); return; fi\n"
              "  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\")); return; fi\n"
              "  case ${COMP_WORDS[1]} in\n"
              "    explain) COMPREPLY=($(compgen -W \"$ids\" -- \"$cur\"));;\n"
              "    completion) COMPREPLY=($(compgen -W \"bash zsh\" -- \"$cur\"));;\n"
              "    *) COMPREPLY=($(compgen -f -- \"$cur\"));;\n"
              "  esac\n"
              "}\ncomplete -F _dbward dbward\n",
              out);
        return true;
    }
    if (strcmp(shell, "zsh") == 0) {
        fputs("#compdef dbward\n# zsh completion for dbward, generated by `dbward completion zsh`.\n"
              "_dbward_profiles() {\n",
              out);
        fputs(s_profiles_sh, out);
        fputs("}\n_dbward() {\n  local -a cmds opts formats ids\n  cmds=(", out);
        s_words(out, 0);
        fputs(")\n  opts=(", out);
        s_words(out, 1);
        fputs(")\n  formats=(", out);
        s_words(out, 2);
        fputs(")\n  ids=(", out);
        s_words(out, 3);
        fputs(")\n  case ${words[2]} in\n", out);
        s_per_command(out, false, "opts=(", ")");
        fputs("  esac\n  case ${words[2]} in\n", out);
        s_per_command(out, true, "formats=(", ")");
        fputs("  esac\n  local prev=${words[CURRENT-1]}\n"
              "  case $prev in\n"
              "    --format|-f) compadd -a formats; return;;\n"
              "    --controls|-c) compadd -a ids; return;;\n"
              "    --severity) compadd low medium high critical; return;;\n"
              "    --profile) compadd $(_dbward_profiles); return;;\n"
              "    --snapshot|-s|--save-snapshot) _files -/; return;;\n"
              "    ",
              out);
        s_takes_value(out);
        fputs(") _files; return;;\n"
              "  esac\n"
              "  if (( CURRENT == 2 )); then compadd -a cmds; return; fi\n"
              "  if [[ $PREFIX == -* ]]; then compadd -a opts; return; fi\n"
              "  case ${words[2]} in\n"
              "    explain) compadd -a ids;;\n"
              "    completion) compadd bash zsh;;\n"
              "    *) _files;;\n"
              "  esac\n"
              "}\n_dbward \"$@\"\n",
              out);
        return true;
    }
    return false;
}
