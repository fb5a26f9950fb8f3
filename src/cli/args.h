/* args.h: the CLI's option table and parser. One table drives parsing and
 * `dbward help`, so the two cannot disagree. */
#ifndef DW_CLI_ARGS_H
#define DW_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <dbward/dbward.h>

enum cli_opt_id {
    OPT_SNAPSHOT, OPT_FORMAT, OPT_OUTPUT, OPT_CONTROLS, OPT_SEVERITY, OPT_REGION, OPT_PARAM,
    OPT_NO_COLOR, OPT_HELP, OPT_VERSION, OPT_PROFILE, OPT_ENDPOINT_URL, OPT_CONCURRENCY,
    OPT_SAVE_SNAPSHOT, OPT_DEBUG, OPT_MAX_ATTEMPTS, OPT_TIMEOUT, OPT_CONFIG, OPT_DB, OPT_ACCOUNTS, OPT_OU, OPT_ROLE_NAME, OPT_EXTERNAL_ID, OPT_EXCLUDE_ACCOUNTS,
    OPT_MAX_RATE, OPT_STATUS, OPT_QUIET, OPT_PROGRESS, OPT_COLOR, OPT_CROSS_ACCOUNT,
    OPT_SECURITY_HUB, OPT_FRAMEWORK, OPT_SHARD,
    OPT_COUNT /* stays last: it sizes cli_args.seen */
};

struct cli_opt {
    enum cli_opt_id id;
    const char *name;     /* long name without dashes */
    char short_name;      /* 0 if none */
    const char *arg;      /* argument placeholder, NULL for flags */
    const char *commands; /* subcommands that take it, space-separated */
    const char *help;
};

/* Subcommands, one row per usage form (a command may have several). */
struct cli_command {
    const char *name;
    const char *args;    /* "" when none */
    const char *help;
    const char *formats; /* what -f and -o FORMAT: take, the default first; "" for none */
};
extern const struct cli_command cli_commands[];
extern const size_t cli_commands_count;

/* A name and its one-line help: report formats, and the rows of the
 * manual's ENVIRONMENT, EXIT STATUS and FILES sections. */
struct cli_doc {
    const char *name;
    const char *help;
};
extern const struct cli_doc cli_envs[];
extern const size_t cli_envs_count;
extern const struct cli_doc cli_exits[];
extern const size_t cli_exits_count;
extern const struct cli_doc cli_files[];
extern const size_t cli_files_count;

/* The manual page (roff) and the shell completions, from the tables above. */
void cli_man(FILE *out);
/* shell is "bash" or "zsh"; false for another. */
bool cli_completion(FILE *out, const char *shell);

/* Markdown reference pages: one control, and the index of all. */
void cli_control_page(FILE *out, const struct dw_control *c);
void cli_control_index(FILE *out);

extern const struct cli_opt cli_opts[];
extern const size_t cli_opts_count;

struct cli_args {
    const char *command;      /* "scan", "controls", ... */
    const char *positional[4096]; /* merge takes a report per shard */
    size_t n_positional;
    const char *snapshot;
    const char *format;
    const char *outputs[16];     /* -o values as given, resolved by cli_outputs_resolve */
    size_t n_outputs;
    const char *controls[64];
    size_t n_controls;
    unsigned severity_mask;
    const char *regions[64];
    size_t n_regions;
    struct dw_param_value params[32];
    size_t n_params;
    char *owned[1024];        /* strings split out of arguments, freed by cli_args_clean_up */
    size_t n_owned;
    const char *config;
    const char *db;
    const char *accounts[512];   /* --accounts ids, or the one word "org" */
    size_t n_accounts;
    const char *exclude_accounts[512];
    size_t n_exclude_accounts;
    const char *ou;
    const char *role_name;
    const char *external_id;
    const char *shard;           /* --shard I/N or auto/N, parsed by the scan */
    const char *partition;       /* of the role ARNs; NULL: aws */
    const char *profile;
    const char *endpoint_url;
    const char *save_snapshot;
    long concurrency;
    long max_attempts;
    long timeout_s;
    double max_rate;             /* --max-rate, 0: none */
    unsigned status_mask;        /* --status: bit per enum dw_result; 0: all */
    const char *color;           /* --color: always, never, auto; NULL: auto */
    bool quiet;
    bool progress;
    bool cross_account;
    bool security_hub;
    enum dw_csf_version framework; /* --framework of the compliance matrix; default CSF 2.0 */
    bool framework_given;
    bool debug;
    bool no_color;
    bool help;
    bool version;
    bool seen[OPT_COUNT];        /* which options were given */
};

extern const struct cli_doc cli_formats[];
extern const size_t cli_formats_count;

/* True for the name of a format some command writes (len bytes of name). */
bool cli_format_known(const char *name, size_t len);

/* The first row of a command, NULL for an unknown name. */
const struct cli_command *cli_command_find(const char *name);
/* True when the command writes format (the words of its formats). */
bool cli_command_writes(const struct cli_command *c, const char *format);
/* True when option o applies to the command (the words of o->commands). */
bool cli_opt_applies(const struct cli_opt *o, const char *command);
/* dbward COMMAND --help: its forms, formats and options. */
void cli_command_help(FILE *out, const char *command);

/* Parses argv; on error writes a one-line message into msg and returns false. */
bool cli_args_parse(int argc, char **argv, struct cli_args *a, char *msg, size_t msglen);
void cli_args_clean_up(struct cli_args *a);

#endif
