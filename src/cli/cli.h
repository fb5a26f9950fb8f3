/* cli.h: what the CLI's command files share: the exit codes, error
 * printing, atomic outputs, the dbward.yaml lookup, and one entry point per
 * command (cmd_*.c). Internal to src/cli. */
#ifndef DW_CLI_CLI_H
#define DW_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <dbward/dbward.h>

#include "args.h"

enum { EXIT_CLEAN = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_ERRORED = 3 };

struct dw_atomic_file;
struct dw_config;

/* Prints e as "dbward: file:line:col: message" and, for a regular file, the
 * line quoted with a caret under the column. */
void cli_print_error(const struct dw_error *e);

/* One output of a command: stdout ("-" or no path), or a file written
 * through dw_atomic_file, so it appears complete and 0600 or not at all. */
struct cli_out {
    FILE *f;                   /* where to write; stdout or the writer's stream */
    struct dw_atomic_file *af; /* NULL for stdout */
};

/* Opens path ("-" or NULL: stdout); NULL after printing the error. */
FILE *cli_out_open(struct cli_out *o, const char *path);

/* Ends an output: the file replaces the old one only when ok (the writer
 * succeeded) and every write reached the disk. Returns 0 when complete. */
int cli_out_close(struct cli_out *o, bool ok);

/* One output of a command, resolved (dbward/cli output.c). */
struct cli_output {
    const char *format; /* a format name the command writes */
    const char *path;   /* NULL: stdout */
    struct cli_out o;
    FILE *f;            /* where to write while open */
    bool open;
};
struct cli_outputs {
    struct cli_output v[17];
    size_t n;
};

/* Resolves the command's outputs from -f and every -o (FORMAT:FILE, or a
 * bare FILE whose extension names the format, or - for stdout; stdout in
 * --format unless a bare -o took its place) and opens them all. Returns 0,
 * or EXIT_USAGE after printing why and closing what it opened. */
int cli_outputs_open(const struct cli_args *a, struct cli_outputs *outs);

/* Ends one output: committed when ok and every write reached the disk,
 * else dropped with a message naming it. Returns 0 when it is complete. */
int cli_output_end(struct cli_output *o, bool ok);

/* Drops every output still open (the command failed before writing). */
void cli_outputs_abort(struct cli_outputs *outs);

/* Whether the text report on f is coloured: --color, --no-color, then
 * NO_COLOR, then FORCE_COLOR, then whether f is a terminal. */
bool cli_color_wanted(const struct cli_args *a, FILE *f);

/* Writes findings to the open output o in its format and ends it (text
 * takes --status, --quiet and the colour). Returns 0 when it is complete. */
struct dw_report_meta;
struct dw_findings;
struct dw_fsrc;
int cli_render(const struct cli_args *a, struct cli_output *o, const struct dw_report_meta *meta,
               const struct dw_findings *f);
/* The same from a finding source (a scan's spool, say). */
int cli_render_src(const struct cli_args *a, struct cli_output *o, const struct dw_report_meta *meta,
                   struct dw_fsrc *src);

/* --security-hub: imports the findings of src and prints what Security
 * Hub took. Returns 0 when every finding was imported. */
int cli_security_hub(const struct cli_args *a, const struct dw_report_meta *meta, struct dw_fsrc *src);

/* Loads --config, or ./dbward.yaml when it exists. *cfg stays NULL when
 * there is none. Returns 0, or EXIT_USAGE after printing the error. */
int cli_config_load(struct cli_args *a, struct dw_config **cfg);
/* The config and its custom controls built (dw_custom_build): what
 * controls and explain list. On failure prints the error, leaves nothing
 * to free and returns EXIT_USAGE. */
int cli_controls_load(struct cli_args *a, struct dw_config **cfg, struct dw_custom_set *set);

/* Region names are checked against the partitions' lists unless the calls
 * go to --endpoint-url (or AWS_ENDPOINT_URL). Prints the error; -1 then. */
int cli_check_regions(const struct cli_args *a);

/* The commands: each returns the process's exit code. */
int cli_cmd_scan(struct cli_args *a);
int cli_cmd_controls(struct cli_args *a);
int cli_cmd_explain(struct cli_args *a);
int cli_cmd_script(struct cli_args *a);
int cli_cmd_query(struct cli_args *a);
int cli_cmd_whoami(struct cli_args *a);
int cli_cmd_man(struct cli_args *a);
int cli_cmd_completion(struct cli_args *a);
int cli_cmd_remediate(struct cli_args *a);
int cli_cmd_diff(struct cli_args *a);
int cli_cmd_merge(struct cli_args *a);
int cli_cmd_history(struct cli_args *a);
int cli_cmd_report(struct cli_args *a);

#endif
