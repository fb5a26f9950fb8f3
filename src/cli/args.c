/* args.c: table-driven parsing of dbward's command line. Lists given with
 * commas ("--controls DMS-01,DDB-*") or by repeating an option both work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

const struct cli_command cli_commands[] = {
    {"scan", "", "audit the account of your AWS credentials, live"},
    {"scan", "--snapshot DIR", "audit a saved account against every control"},
    {"controls", "", "list the control catalog and its parameters"},
    {"explain", "ID", "one control in full: what, why, how to audit, how to fix"},
    {"snapshot-script", "", "print a POSIX sh script that collects a snapshot with the aws CLI"},
    {"plan", "", "list the AWS calls dbward makes, with their parameters and evidence paths"},
    {"query", "EXPRESSION", "evaluate a JMESPath expression on the JSON document on stdin"},
    {"remediate", "REPORT.json", "write the fixes of a JSON report as a bash script (never run by dbward)"},
    {"diff", "OLD.json NEW.json", "new failures, fixed, changed, still failing; exit 1 on new failures"},
    {"diff", "--db FILE [OLD NEW]", "the same between two runs of the history (default latest~1 latest)"},
    {"history", "--db FILE", "list the runs recorded in the history"},
    {"merge", "REPORT.json...", "one JSON report from several runs (shards), deduplicated, summaries recomputed"},
    {"man", "", "print this manual page (roff), generated from the same tables as this help"},
    {"completion", "bash|zsh", "print the shell completion script"},
    {"whoami", "", "resolve credentials as the AWS CLI would; print the access key id and the provider"},
    {"help", "", "this text"},
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
    {"NO_COLOR", "any non-empty value turns colour off"},
};
const size_t cli_envs_count = sizeof(cli_envs) / sizeof(cli_envs[0]);

const struct cli_doc cli_exits[] = {
    {"0", "every evaluated control passed (or was not applicable or muted)"},
    {"1", "at least one control failed"},
    {"2", "usage error, unreadable snapshot or configuration, or no credentials"},
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

const struct cli_opt cli_opts[] = {
    {OPT_SNAPSHOT, "snapshot", 's', "DIR", "scan", "audit the saved account in DIR (see docs/snapshot.md)"},
    {OPT_FORMAT, "format", 'f', "FORMAT", "scan controls explain diff history plan", "text (default), json, csv, junit, sarif, ocsf, asff, html, matrix, matrix-md; markdown for explain and controls"},
    {OPT_OUTPUT, "output", 'o', "[FORMAT:]FILE", "scan controls snapshot-script remediate diff history merge",
     "write the report to FILE; FORMAT:FILE writes one more report, repeatable"},
    {OPT_CONTROLS, "controls", 'c', "LIST", "scan remediate", "only these control ids; globs allowed (DMS-01,DDB-*)"},
    {OPT_SEVERITY, "severity", 0, "LIST", "scan controls remediate", "only these severities (low,medium,high,critical)"},
    {OPT_REGION, "region", 'r', "REGION", "scan snapshot-script whoami", "only this region; repeat for more"},
    {OPT_PARAM, "param", 'p', "NAME=VALUE", "scan", "override a control parameter (see dbward controls)"},
    {OPT_FRAMEWORK, "framework", 0, "csf1|csf2", "scan",
     "the NIST CSF version of the compliance matrix (matrix, matrix-md): csf2 (2.0, the default) or csf1 (1.1)"},
    {OPT_NO_COLOR, "no-color", 0, NULL, "scan", "never colour the text report (NO_COLOR works too)"},
    {OPT_PROFILE, "profile", 0, "NAME", "scan whoami", "live: use this profile of ~/.aws/config and credentials"},
    {OPT_ENDPOINT_URL, "endpoint-url", 0, "URL", "scan whoami", "live: send every call to URL (emulators; AWS_ENDPOINT_URL too)"},
    {OPT_CONCURRENCY, "concurrency", 0, "N", "scan", "live: requests in flight (default 32)"},
    {OPT_MAX_ATTEMPTS, "max-attempts", 0, "N", "scan", "live: tries per call, retries included (default 3; AWS_MAX_ATTEMPTS)"},
    {OPT_MAX_RATE, "max-rate", 0, "N", "scan", "live: requests per second to one service in one region at most (default: adaptive)"},
    {OPT_TIMEOUT, "timeout", 0, "SECONDS", "scan whoami", "live: time limit of one attempt (default 30)"},
    {OPT_SAVE_SNAPSHOT, "save-snapshot", 0, "DIR", "scan", "live: keep the collected evidence in DIR (the offline layout)"},
    {OPT_DEBUG, "debug", 0, NULL, "scan", "live: log each request and response on stderr, secrets redacted"},
    {OPT_CONFIG, "config", 0, "FILE", "scan controls explain", "read this dbward.yaml (default: ./dbward.yaml if present)"},
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
     "SQLite scan history: scan records the run, diff and history read runs from it"},
    {OPT_HELP, "help", 'h', NULL, "*", "show help"},
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
    {"text", "grouped by control, with a summary (the default)"},
    {"json", "the full report (docs/report-json.md); input of diff, remediate and merge"},
    {"csv", "RFC 4180, one row per finding"},
    {"junit", "JUnit XML: a testsuite per control, a testcase per resource"},
    {"sarif", "SARIF 2.1.0 for code scanning (FAIL, ERROR and MUTED results)"},
    {"ocsf", "OCSF 1.1.0 Compliance Finding events (class 2003), one per line"},
    {"asff", "AWS Security Finding Format, batches of 100 for batch-import-findings"},
    {"html", "one self-contained page with charts and a filterable table"},
    {"matrix", "NIST CSF (--framework) and control-statement compliance matrix, text"},
    {"matrix-md", "the compliance matrix in Markdown"},
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
        if (!cli_format_known(v, strlen(v)) && strcmp(v, "markdown") != 0) {
            snprintf(msg, msglen, "--format must be one of text, json, csv, junit, sarif, ocsf, asff, html, matrix, "
                                  "matrix-md; not \"%s\"", v);
            return false;
        }
        a->format = v;
        break;
    case OPT_OUTPUT: {
        const char *colon = strchr(v, ':');
        if (colon && cli_format_known(v, (size_t)(colon - v))) {
            if (a->n_outs >= 16 || !colon[1]) {
                snprintf(msg, msglen, "-o FORMAT:FILE needs a file name, and takes 16 outputs at most");
                return false;
            }
            a->out_format[a->n_outs] = s_own(a, v, (size_t)(colon - v));
            a->out_path[a->n_outs++] = colon + 1;
        } else {
            a->output = v;
        }
        break;
    }
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

static bool s_takes(const struct cli_opt *o, const char *cmd)
{
    if (strcmp(o->commands, "*") == 0 || !cmd)
        return true;
    size_t n = strlen(cmd);
    for (const char *p = o->commands; (p = strstr(p, cmd)) != NULL; p += n) {
        if ((p == o->commands || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    }
    return false;
}

bool cli_args_parse(int argc, char **argv, struct cli_args *a, char *msg, size_t msglen)
{
    memset(a, 0, sizeof(*a));
    a->framework = DW_CSF_2_0;
    bool only_positional = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (only_positional || arg[0] != '-' || arg[1] == '\0') {
            if (!a->command)
                a->command = arg;
            else if (a->n_positional < sizeof(a->positional) / sizeof(a->positional[0]))
                a->positional[a->n_positional++] = arg;
            else {
                snprintf(msg, msglen, "too many arguments");
                return false;
            }
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_positional = true;
            continue;
        }
        const struct cli_opt *o = NULL;
        const char *inline_val = NULL;
        if (arg[1] == '-') {
            const char *name = arg + 2;
            const char *eq = strchr(name, '=');
            size_t n = eq ? (size_t)(eq - name) : strlen(name);
            for (size_t k = 0; k < cli_opts_count; k++) {
                if (strlen(cli_opts[k].name) == n && strncmp(cli_opts[k].name, name, n) == 0)
                    o = &cli_opts[k];
            }
            inline_val = eq ? eq + 1 : NULL;
        } else if (arg[2] == '\0') {
            for (size_t k = 0; k < cli_opts_count; k++) {
                if (cli_opts[k].short_name == arg[1])
                    o = &cli_opts[k];
            }
        }
        if (!o) {
            snprintf(msg, msglen, "unknown option \"%s\" (see dbward help)", arg);
            return false;
        }
        if (!s_takes(o, a->command)) {
            snprintf(msg, msglen, "option --%s does not apply to \"%s\"", o->name, a->command);
            return false;
        }
        const char *val = NULL;
        if (o->arg) {
            if (inline_val) {
                val = inline_val;
            } else if (i + 1 < argc) {
                val = argv[++i];
            } else {
                snprintf(msg, msglen, "option --%s needs %s", o->name, o->arg);
                return false;
            }
        } else if (inline_val) {
            snprintf(msg, msglen, "option --%s takes no value", o->name);
            return false;
        }
        if (!s_apply(a, o, val, msg, msglen))
            return false;
    }
    return true;
}

void cli_args_clean_up(struct cli_args *a)
{
    for (size_t i = 0; i < a->n_owned; i++)
        free(a->owned[i]);
    a->n_owned = 0;
}
