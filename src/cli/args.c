/* args.c: table-driven parsing of dbward's command line. Lists given with
 * commas ("--controls DMS-01,DDB-*") or by repeating an option both work. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "args.h"

#define S_REPORT_FORMATS "text json csv junit sarif ocsf asff html matrix matrix-md"

const struct cli_command cli_commands[] = {
    {"scan", "", "audit the account of your AWS credentials, live", S_REPORT_FORMATS},
    {"scan", "--snapshot DIR", "audit a saved account against every control", S_REPORT_FORMATS},
    {"report", "REPORT.json...", "render saved, merged or diffed JSON reports in any format (-o FORMAT:FILE)",
     S_REPORT_FORMATS},
    {"controls", "", "list the control catalog and its parameters", "text json markdown"},
    {"explain", "ID", "one control in full: what, why, how to audit, how to fix", "text markdown"},
    {"snapshot-script", "", "print a POSIX sh script that collects a snapshot with the aws CLI", "sh"},
    {"plan", "", "list the AWS calls dbward makes, with their parameters and evidence paths", "text json"},
    {"query", "EXPRESSION", "evaluate a JMESPath expression on the JSON document on stdin", ""},
    {"remediate", "REPORT.json", "write the fixes of a JSON report as a bash script (never run by dbward)", "sh"},
    {"diff", "OLD.json NEW.json", "new failures, fixed, changed, still failing; exit 1 on new failures",
     "text json"},
    {"diff", "--db FILE [OLD NEW]", "the same between two runs of the history (default: each account's last two)",
     "text json"},
    {"history", "--db FILE", "list the runs recorded in the history", "text json"},
    {"merge", "REPORT.json...", "one JSON report from several runs (shards), deduplicated, summaries recomputed",
     "json text csv junit sarif ocsf asff html matrix matrix-md"},
    {"man", "", "print this manual page (roff), generated from the same tables as this help", ""},
    {"completion", "bash|zsh", "print the shell completion script", ""},
    {"whoami", "", "resolve credentials as the AWS CLI would; print the access key id and the provider", ""},
    {"help", "[COMMAND]", "this text, or one command's options", ""},
};
const size_t cli_commands_count = sizeof(cli_commands) / sizeof(cli_commands[0]);

const struct cli_doc cli_envs[] = {
    {"AWS_PROFILE", "the profile of ~/.aws/config and ~/.aws/credentials (--profile wins)"},
    {"AWS_REGION, AWS_DEFAULT_REGION", "the home region: STS and global services are called there"},
    {"AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN", "static credentials, first in the chain"},
    {"AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE", "other places for the two shared files"},
    {"AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME", "web identity (OIDC) role assumption"},
    {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN",
     "container credentials (ECS, EKS Pod Identity)"},
    {"AWS_CA_BUNDLE", "PEM file of the CAs trusted for TLS (a profile's ca_bundle too), e.g. behind a TLS-inspecting proxy"},
    {"AWS_EC2_METADATA_DISABLED", "true skips the instance metadata service (IMDSv2)"},
    {"AWS_ENDPOINT_URL", "send every call to this URL (as --endpoint-url)"},
    {"AWS_MAX_ATTEMPTS", "tries per call (as --max-attempts)"},
    {"NO_COLOR", "any non-empty value turns colour off (--color=always still colours)"},
    {"FORCE_COLOR", "any value but empty or 0 colours the text report on stdout even when it is not a terminal"},
};
const size_t cli_envs_count = sizeof(cli_envs) / sizeof(cli_envs[0]);

const struct cli_doc cli_exits[] = {
    {"0", "every evaluated control passed (or was not applicable or muted)"},
    {"1", "at least one control failed"},
    {"2", "usage error, an output that cannot be written, unreadable snapshot or configuration, or no credentials"},
    {"3", "no control failed, but at least one could not be evaluated (ERROR)"},
};
const size_t cli_exits_count = sizeof(cli_exits) / sizeof(cli_exits[0]);

const struct cli_doc cli_files[] = {
    {"./dbward.yaml", "read by scan, controls and explain when present and --config is not given"},
    {"~/.aws/config, ~/.aws/credentials", "profiles, credential_process, role_arn and source_profile"},
    {"SNAPSHOT/manifest.json", "the account, partition, regions and time of a snapshot (docs/snapshot.md)"},
    {"HISTORY.db", "the SQLite scan history written by --db"},
};
const size_t cli_files_count = sizeof(cli_files) / sizeof(cli_files[0]);

#define S_WRITERS "scan report merge controls explain diff history plan"

const struct cli_opt cli_opts[] = {
    {OPT_SNAPSHOT, "snapshot", 's', "DIR", "scan", "audit the saved account in DIR (see docs/snapshot.md)"},
    {OPT_FORMAT, "format", 'f', "FORMAT", S_WRITERS,
     "the format of the report on stdout (or of a bare -o FILE); the formats of each command are in dbward "
     "COMMAND --help"},
    {OPT_OUTPUT, "output", 'o', "[FORMAT:]FILE", S_WRITERS " remediate snapshot-script",
     "write a report to FILE, in FORMAT or the one its extension names (.json .sarif .html .csv .xml .jsonl "
     ".md .txt .sh); repeatable; every file is opened before any work starts"},
    {OPT_CONTROLS, "controls", 'c', "LIST", "scan remediate", "only these control ids; globs allowed (DMS-01,DDB-*)"},
    {OPT_SEVERITY, "severity", 0, "LIST", "scan controls remediate", "only these severities (low,medium,high,critical)"},
    {OPT_STATUS, "status", 0, "LIST", "scan report merge",
     "text report: only findings of these statuses (PASS,FAIL,ERROR,NOT_APPLICABLE,MUTED); the summary counts all"},
    {OPT_QUIET, "quiet", 'q', NULL, "scan report merge", "text report: the header and the summary only"},
    {OPT_COLOR, "color", 0, "WHEN", "scan report merge",
     "colour the text report on stdout: always, never or auto (default: a terminal; FORCE_COLOR and NO_COLOR)"},
    {OPT_NO_COLOR, "no-color", 0, NULL, "scan report merge", "the same as --color=never"},
    {OPT_PROGRESS, "progress", 0, NULL, "scan", "live: a plain progress line on stderr every few seconds (CI logs)"},
    {OPT_REGION, "region", 'r', "REGION", "scan snapshot-script whoami report",
     "only this region; repeat for more (report: the Security Hub import region)"},
    {OPT_PARAM, "param", 0, "NAME=VALUE", "scan", "override a control parameter (see dbward controls)"},
    {OPT_FRAMEWORK, "framework", 0, "csf1|csf2", "scan report merge",
     "the NIST CSF version of the compliance matrix (matrix, matrix-md): csf2 (2.0, the default) or csf1 (1.1)"},
    {OPT_PROFILE, "profile", 'p', "NAME", "scan whoami report", "live: use this profile of ~/.aws/config and credentials"},
    {OPT_ENDPOINT_URL, "endpoint-url", 0, "URL", "scan whoami report", "live: send every call to URL (emulators; AWS_ENDPOINT_URL too)"},
    {OPT_CONCURRENCY, "concurrency", 0, "N", "scan", "live: requests in flight (default 128; 16 at most per service and region); offline: 1 reads the snapshot on one thread"},
    {OPT_MAX_ATTEMPTS, "max-attempts", 0, "N", "scan report", "live: tries per call, retries included (default 3; AWS_MAX_ATTEMPTS)"},
    {OPT_MAX_RATE, "max-rate", 0, "N", "scan", "live: requests per second to one service in one region at most (default: adaptive)"},
    {OPT_TIMEOUT, "timeout", 0, "SECONDS", "scan whoami report", "live: time limit of one attempt (default 30)"},
    {OPT_SAVE_SNAPSHOT, "save-snapshot", 0, "DIR", "scan", "live: keep the collected evidence in DIR (the offline layout)"},
    {OPT_DEBUG, "debug", 0, NULL, "scan", "live: log each request and response on stderr, secrets redacted"},
    {OPT_CONFIG, "config", 0, "FILE", "scan controls explain report merge",
     "read this dbward.yaml (default: ./dbward.yaml if present); report and merge take its custom controls' texts"},
    {OPT_ACCOUNTS, "accounts", 0, "LIST", "scan",
     "live: scan these account ids, or org for every account of the organization (needs --role-name)"},
    {OPT_OU, "ou", 0, "OU-ID", "scan", "live: with --accounts org, only this organizational unit and those below it"},
    {OPT_ROLE_NAME, "role-name", 0, "NAME", "scan", "live: the role assumed in each account of --accounts"},
    {OPT_EXTERNAL_ID, "external-id", 0, "ID", "scan", "live: the external id the role's trust policy asks for"},
    {OPT_EXCLUDE_ACCOUNTS, "exclude-accounts", 0, "LIST", "scan", "live: leave these account ids out"},
    {OPT_SHARD, "shard", 0, "I/N", "scan",
     "only share I (0..N-1) of N of the accounts (--accounts, or a snapshot tree); auto/N: I from "
     "JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX"},
    {OPT_DB, "db", 0, "FILE", "scan diff history",
     "SQLite scan history: scan records the run (creating the file), diff and history read an existing one"},
    {OPT_CROSS_ACCOUNT, "cross-account", 0, NULL, "diff",
     "compare reports of different accounts (refused without it)"},
    {OPT_SECURITY_HUB, "security-hub", 0, NULL, "scan report",
     "send the findings to AWS Security Hub (BatchImportFindings, 100 a call) in the import region: --region's "
     "first, else the profile's, else the report's first; passing findings are marked RESOLVED"},
    {OPT_HELP, "help", 'h', NULL, "*", "show help (of one command after its name)"},
    {OPT_VERSION, "version", 'V', NULL, "*", "print the version"},
};
const size_t cli_opts_count = sizeof(cli_opts) / sizeof(cli_opts[0]);

static char *s_own(struct cli_args *a, const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) {
        fputs("dbward: out of memory\n", stderr);
        abort();
    }
    memcpy(p, s, n);
    p[n] = '\0';
    if (a->n_owned < sizeof(a->owned) / sizeof(a->owned[0]))
        a->owned[a->n_owned++] = p;
    return p;
}

/* Splits a comma list into out[]; returns false when there are too many. */
static bool s_split(struct cli_args *a, const char *v, const char **out, size_t *n, size_t max)
{
    while (*v) {
        const char *c = strchr(v, ',');
        size_t len = c ? (size_t)(c - v) : strlen(v);
        if (len) {
            if (*n >= max || a->n_owned >= sizeof(a->owned) / sizeof(a->owned[0]))
                return false;
            out[(*n)++] = s_own(a, v, len);
        }
        if (!c)
            break;
        v = c + 1;
    }
    return true;
}

const struct cli_doc cli_formats[] = {
    {"text", "failures first by severity, then errors, then a line of passes per control, and a summary"},
    {"json", "the full report (docs/report-json.md); input of report, diff, remediate and merge"},
    {"csv", "RFC 4180, one row per finding"},
    {"junit", "JUnit XML: a testsuite per control, a testcase per resource"},
    {"sarif", "SARIF 2.1.0 for code scanning (FAIL, ERROR and MUTED results)"},
    {"ocsf", "OCSF 1.1.0 Compliance Finding events (class 2003), one per line"},
    {"asff", "AWS Security Finding Format, batches of 100 for batch-import-findings"},
    {"html", "one self-contained page with charts and a filterable table"},
    {"matrix", "NIST CSF (--framework) and control-statement compliance matrix, text"},
    {"matrix-md", "the compliance matrix in Markdown"},
    {"markdown", "controls and explain: the reference pages in Markdown"},
    {"sh", "remediate and snapshot-script: a shell script"},
};
const size_t cli_formats_count = sizeof(cli_formats) / sizeof(cli_formats[0]);

bool cli_format_known(const char *name, size_t len)
{
    for (size_t i = 0; i < cli_formats_count; i++) {
        if (strlen(cli_formats[i].name) == len && strncmp(cli_formats[i].name, name, len) == 0)
            return true;
    }
    return false;
}

/* True when word is one of the space-separated words of list. */
static bool s_word_in(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n ? n : 1) {
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    }
    return false;
}

static bool s_region_ok(const char *r)
{
    if (!*r)
        return false;
    for (const char *p = r; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    }
    return true;
}

static bool s_apply(struct cli_args *a, const struct cli_opt *o, const char *v, char *msg,
                    size_t msglen)
{
    switch (o->id) {
    case OPT_SNAPSHOT:
        a->snapshot = v;
        break;
    case OPT_DB:
        a->db = v;
        break;
    case OPT_ACCOUNTS:
    case OPT_EXCLUDE_ACCOUNTS: {
        bool ex = o->id == OPT_EXCLUDE_ACCOUNTS;
        size_t before = ex ? a->n_exclude_accounts : a->n_accounts;
        if (!s_split(a, v, ex ? a->exclude_accounts : a->accounts, ex ? &a->n_exclude_accounts : &a->n_accounts, 512)) {
            snprintf(msg, msglen, "too many account ids in --%s (512 at most)", o->name);
            return false;
        }
        const char **list = ex ? a->exclude_accounts : a->accounts;
        size_t after = ex ? a->n_exclude_accounts : a->n_accounts;
        for (size_t i = before; i < after; i++) {
            bool org = !ex && strcmp(list[i], "org") == 0;
            if (!org && (strlen(list[i]) != 12 || strspn(list[i], "0123456789") != 12)) {
                snprintf(msg, msglen, "--%s takes 12-digit account ids%s, not \"%s\"", o->name,
                         ex ? "" : " or org", list[i]);
                return false;
            }
        }
        break;
    }
    case OPT_OU:
        a->ou = v;
        break;
    case OPT_ROLE_NAME:
        a->role_name = v;
        break;
    case OPT_EXTERNAL_ID:
        a->external_id = v;
        break;
    case OPT_SHARD:
        a->shard = v;
        break;
    case OPT_FORMAT:
        if (!cli_format_known(v, strlen(v))) {
            snprintf(msg, msglen, "--format takes a format name (text, json, csv, junit, sarif, ocsf, asff, html, "
                                  "matrix, matrix-md, markdown), not \"%s\"", v);
            return false;
        }
        a->format = v;
        break;
    case OPT_OUTPUT:
        if (a->n_outputs >= sizeof(a->outputs) / sizeof(a->outputs[0])) {
            snprintf(msg, msglen, "-o takes 16 outputs at most");
            return false;
        }
        if (!*v) {
            snprintf(msg, msglen, "-o needs a file name");
            return false;
        }
        a->outputs[a->n_outputs++] = v;
        break;
    case OPT_STATUS: {
        const char *list[8];
        size_t n = 0;
        if (!s_split(a, v, list, &n, 8)) {
            snprintf(msg, msglen, "too many --status entries");
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            int r = 0;
            while (r < DW_RESULT_COUNT && strcasecmp(list[i], dw_result_str((enum dw_result)r)) != 0)
                r++;
            if (r == DW_RESULT_COUNT) {
                snprintf(msg, msglen, "unknown status \"%s\" (PASS, FAIL, ERROR, NOT_APPLICABLE, MUTED)", list[i]);
                return false;
            }
            a->status_mask |= 1u << r;
        }
        if (!n) {
            snprintf(msg, msglen, "--status needs at least one status");
            return false;
        }
        break;
    }
    case OPT_COLOR:
        if (strcmp(v, "always") != 0 && strcmp(v, "never") != 0 && strcmp(v, "auto") != 0) {
            snprintf(msg, msglen, "--color takes always, never or auto, not \"%s\"", v);
            return false;
        }
        a->color = v;
        break;
    case OPT_QUIET:
        a->quiet = true;
        break;
    case OPT_PROGRESS:
        a->progress = true;
        break;
    case OPT_CROSS_ACCOUNT:
        a->cross_account = true;
        break;
    case OPT_SECURITY_HUB:
        a->security_hub = true;
        break;
    case OPT_COUNT:
        break;
    case OPT_CONTROLS:
        if (!s_split(a, v, a->controls, &a->n_controls, 64)) {
            snprintf(msg, msglen, "too many --controls entries");
            return false;
        }
        break;
    case OPT_SEVERITY: {
        const char *list[8];
        size_t n = 0;
        if (!s_split(a, v, list, &n, 8)) {
            snprintf(msg, msglen, "too many --severity entries");
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            enum dw_severity s;
            if (!dw_severity_parse(list[i], &s)) {
                snprintf(msg, msglen, "unknown severity \"%s\" (low, medium, high, critical)",
                         list[i]);
                return false;
            }
            a->severity_mask |= 1u << s;
        }
        break;
    }
    case OPT_REGION: {
        size_t before = a->n_regions;
        if (!s_split(a, v, a->regions, &a->n_regions, 64)) {
            snprintf(msg, msglen, "too many --region entries");
            return false;
        }
        for (size_t i = before; i < a->n_regions; i++) {
            if (!s_region_ok(a->regions[i])) {
                snprintf(msg, msglen, "\"%s\" is not a region name", a->regions[i]);
                return false;
            }
        }
        break;
    }
    case OPT_PARAM: {
        const char *eq = strchr(v, '=');
        if (!eq || eq == v) {
            snprintf(msg, msglen, "--param takes NAME=VALUE, not \"%s\"", v);
            return false;
        }
        if (a->n_params >= 32) {
            snprintf(msg, msglen, "too many --param options");
            return false;
        }
        a->params[a->n_params].name = s_own(a, v, (size_t)(eq - v));
        a->params[a->n_params].value = eq + 1;
        a->n_params++;
        break;
    }
    case OPT_FRAMEWORK:
        if (!dw_csf_version_parse(v, &a->framework)) {
            snprintf(msg, msglen, "--framework must be csf1 (NIST CSF 1.1) or csf2 (NIST CSF 2.0), not \"%s\"", v);
            return false;
        }
        a->framework_given = true;
        break;
    case OPT_NO_COLOR:
        a->no_color = true;
        break;
    case OPT_HELP:
        a->help = true;
        break;
    case OPT_PROFILE:
        a->profile = v;
        break;
    case OPT_CONFIG:
        a->config = v;
        break;
    case OPT_ENDPOINT_URL:
        if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) {
            snprintf(msg, msglen, "--endpoint-url must start with http:// or https://");
            return false;
        }
        a->endpoint_url = v;
        break;
    case OPT_SAVE_SNAPSHOT:
        a->save_snapshot = v;
        break;
    case OPT_DEBUG:
        a->debug = true;
        break;
    case OPT_MAX_RATE: {
        char *end = NULL;
        double n = strtod(v, &end);
        if (!end || end == v || *end || !(n >= 0.5 && n <= 100000)) {
            snprintf(msg, msglen, "--%s takes a number of requests per second from 0.5 to 100000", o->name);
            return false;
        }
        a->max_rate = n;
        break;
    }
    case OPT_CONCURRENCY:
    case OPT_MAX_ATTEMPTS:
    case OPT_TIMEOUT: {
        char *end = NULL;
        long n = strtol(v, &end, 10);
        if (!end || *end || n < 1 || n > 10000) {
            snprintf(msg, msglen, "--%s takes a whole number from 1 to 10000", o->name);
            return false;
        }
        if (o->id == OPT_CONCURRENCY)
            a->concurrency = n;
        else if (o->id == OPT_MAX_ATTEMPTS)
            a->max_attempts = n;
        else
            a->timeout_s = n;
        break;
    }
    case OPT_VERSION:
        a->version = true;
        break;
    }
    return true;
}

bool cli_opt_applies(const struct cli_opt *o, const char *cmd)
{
    if (strcmp(o->commands, "*") == 0 || !cmd)
        return true;
    return s_word_in(o->commands, cmd);
}

const struct cli_command *cli_command_find(const char *name)
{
    for (size_t i = 0; name && i < cli_commands_count; i++) {
        if (strcmp(cli_commands[i].name, name) == 0)
            return &cli_commands[i];
    }
    return NULL;
}

bool cli_command_writes(const struct cli_command *c, const char *format)
{
    return c && format && s_word_in(c->formats, format);
}

/* getopt_long under the option table: long options come back as
 * S_LONG_BASE + their row, short ones as their letter; "-" in front keeps
 * the words in order (the command is the first), ":" says which option
 * lacks its value. */
#define S_LONG_BASE 1000

bool cli_args_parse(int argc, char **argv, struct cli_args *a, char *msg, size_t msglen)
{
    memset(a, 0, sizeof(*a));
    a->framework = DW_CSF_2_0;
    struct option longs[sizeof(cli_opts) / sizeof(cli_opts[0]) + 1];
    char shorts[3 + 3 * sizeof(cli_opts) / sizeof(cli_opts[0])];
    size_t ns = 0;
    shorts[ns++] = '-';
    shorts[ns++] = ':';
    for (size_t k = 0; k < cli_opts_count; k++) {
        longs[k] = (struct option){cli_opts[k].name, cli_opts[k].arg ? required_argument : no_argument, NULL,
                                   S_LONG_BASE + (int)k};
        if (cli_opts[k].short_name) {
            shorts[ns++] = cli_opts[k].short_name;
            if (cli_opts[k].arg)
                shorts[ns++] = ':';
        }
    }
    longs[cli_opts_count] = (struct option){NULL, 0, NULL, 0};
    shorts[ns] = '\0';
    opterr = 0;
    optind = 0; /* a full reset of glibc's state, for callers that parse twice */
    int c;
    while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        const char *word = argv[optind - 1 >= 0 ? optind - 1 : 0];
        if (c == 1) {
            if (!a->command)
                a->command = optarg;
            else if (a->n_positional < sizeof(a->positional) / sizeof(a->positional[0]))
                a->positional[a->n_positional++] = optarg;
            else {
                snprintf(msg, msglen, "too many arguments");
                return false;
            }
            continue;
        }
        if (c == '?' || c == ':') {
            const struct cli_opt *o = NULL;
            for (size_t k = 0; optopt && k < cli_opts_count; k++) {
                if (optopt == cli_opts[k].short_name || optopt == S_LONG_BASE + (int)k)
                    o = &cli_opts[k];
            }
            if (c == ':' && o)
                snprintf(msg, msglen, "option --%s needs %s", o->name, o->arg);
            else if (c == '?' && o && !o->arg)
                snprintf(msg, msglen, "option --%s takes no value", o->name);
            else if (optopt && optopt < S_LONG_BASE)
                snprintf(msg, msglen, "unknown option \"-%c\" (see dbward help)", optopt);
            else
                snprintf(msg, msglen, "unknown or ambiguous option \"%s\" (see dbward help)", word);
            return false;
        }
        const struct cli_opt *o = NULL;
        if (c >= S_LONG_BASE && (size_t)(c - S_LONG_BASE) < cli_opts_count)
            o = &cli_opts[c - S_LONG_BASE];
        for (size_t k = 0; !o && k < cli_opts_count; k++) {
            if (cli_opts[k].short_name == c)
                o = &cli_opts[k];
        }
        if (!o) {
            snprintf(msg, msglen, "unknown option \"%s\" (see dbward help)", word);
            return false;
        }
        a->seen[o->id] = true;
        if (!s_apply(a, o, optarg, msg, msglen))
            return false;
    }
    for (int i = optind; i < argc; i++) { /* the words after "--" */
        if (!a->command)
            a->command = argv[i];
        else if (a->n_positional < sizeof(a->positional) / sizeof(a->positional[0]))
            a->positional[a->n_positional++] = argv[i];
        else {
            snprintf(msg, msglen, "too many arguments");
            return false;
        }
    }
    /* Options may come before the command; each is checked against it now. */
    const struct cli_command *cmd = cli_command_find(a->command);
    for (size_t k = 0; cmd && k < cli_opts_count; k++) {
        if (!a->seen[cli_opts[k].id] || cli_opt_applies(&cli_opts[k], a->command))
            continue;
        if (cli_opts[k].id == OPT_FORMAT && strcmp(cmd->formats, "sh") == 0)
            snprintf(msg, msglen, "%s writes a shell script only, so -f/--format does not apply (-o FILE does)",
                     a->command);
        else if (cli_opts[k].id == OPT_FORMAT || cli_opts[k].id == OPT_OUTPUT)
            snprintf(msg, msglen, "%s writes no report, so -%c/--%s does not apply (see dbward %s --help)",
                     a->command, cli_opts[k].short_name, cli_opts[k].name, a->command);
        else
            snprintf(msg, msglen, "option --%s does not apply to \"%s\" (see dbward %s --help)", cli_opts[k].name,
                     a->command, a->command);
        return false;
    }
    if (cmd && a->format && !cli_command_writes(cmd, a->format)) {
        if (strcmp(cmd->formats, "sh") == 0)
            snprintf(msg, msglen, "%s writes a shell script only, so --format does not apply", a->command);
        else
            snprintf(msg, msglen, "%s writes %s; not --format %s", a->command, cmd->formats, a->format);
        return false;
    }
    return true;
}

void cli_command_help(FILE *out, const char *command)
{
    const struct cli_command *first = cli_command_find(command);
    fputs("usage:\n", out);
    for (size_t i = 0; i < cli_commands_count; i++) {
        if (strcmp(cli_commands[i].name, command) != 0)
            continue;
        fprintf(out, "  dbward %s%s%s [OPTIONS]\n      %s\n", command, cli_commands[i].args[0] ? " " : "",
                cli_commands[i].args, cli_commands[i].help);
    }
    if (first && first->formats[0]) {
        fprintf(out, "\nformats (-f FORMAT, -o FORMAT:FILE; the first is the default): %s\n", first->formats);
    }
    bool any = false;
    for (size_t i = 0; i < cli_opts_count; i++) {
        const struct cli_opt *o = &cli_opts[i];
        if (!cli_opt_applies(o, command))
            continue;
        if (!any)
            fputs("\noptions:\n", out);
        any = true;
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        else
            snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(out, "  %-30s %s\n", left, o->help);
    }
    fputs("\nexit status: 0 clean, 1 a control failed (diff: a new failure), 3 an ERROR and no FAIL, 2 usage.\n",
          out);
}

void cli_args_clean_up(struct cli_args *a)
{
    for (size_t i = 0; i < a->n_owned; i++)
        free(a->owned[i]);
    a->n_owned = 0;
}
