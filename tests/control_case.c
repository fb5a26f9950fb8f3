/* control_case.c: runs one data-driven control case. A case folder holds a
 * tiny snapshot (manifest.json plus call files) and `expected`, one line per
 * finding in emission order:
 *     STATUS RESOURCE_ID | reason substring [| remediation command substring ...]
 * Several command substrings must match commands in that order, each a later
 * command than the one before; a field "#N" says the finding has exactly N
 * commands. The control id is the name of the case's parent folder. Lines starting
 * with '#' and blank lines are ignored. A malformed expected file fails.
 *     control_case --whole CASE_DIR
 * runs every control on the case instead and checks the case's control's
 * findings among them: the same as alone, whatever the others read first and
 * let go (answers evicted after their last reader, digests, indexes). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/config.h>
#include <dbward/dbward.h>
#include <dbward/snapshot.h>

static char *s_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static void s_warn(void *user, const char *msg)
{
    (void)user;
    printf("warning: %s\n", msg);
}

int main(int argc, char **argv)
{
    bool whole = argc == 3 && strcmp(argv[1], "--whole") == 0;
    if (argc != 2 && !whole) {
        fprintf(stderr, "usage: control_case [--whole] CASE_DIR\n");
        return 2;
    }
    const char *dir = argv[whole ? 2 : 1];
    char id[64] = {0};
    {
        char *copy = strdup(dir);
        size_t n = strlen(copy);
        while (n && copy[n - 1] == '/')
            copy[--n] = '\0';
        char *last = strrchr(copy, '/');
        if (last)
            *last = '\0';
        char *parent = strrchr(copy, '/');
        snprintf(id, sizeof(id), "%s", parent ? parent + 1 : copy);
        free(copy);
    }
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    struct dw_snapshot *snap = NULL;
    if (dw_snapshot_open(dir, &snap, &err)) {
        fprintf(stderr, "FAIL %s: snapshot: %s:%d:%d: %s\n", dir, err.source, err.line, err.column,
                err.message);
        return 1;
    }
    const char *ctl[1] = {id};
    struct dw_scan_opts opts = {.controls = ctl, .n_controls = whole ? 0 : 1};
    /* Optional `params`: NAME=VALUE lines, as --param would give them; a value starting with
     * "{case}/" names a file of the case folder (DMS-14's company_ca_bundle). */
    struct dw_param_value params[8];
    char pbuf[8][256];
    char pval[8][4352];
    size_t n_params = 0;
    char ppath[4096];
    snprintf(ppath, sizeof(ppath), "%s/params", dir);
    FILE *pf = fopen(ppath, "r");
    while (pf && n_params < 8 && fgets(pbuf[n_params], sizeof(pbuf[0]), pf)) {
        char *l = s_trim(pbuf[n_params]);
        char *eq = strchr(l, '=');
        if (!eq)
            continue;
        *eq = '\0';
        params[n_params].name = l;
        params[n_params].value = eq + 1;
        if (strncmp(eq + 1, "{case}/", 7) == 0) {
            snprintf(pval[n_params], sizeof(pval[0]), "%s/%s", dir, eq + 8);
            params[n_params].value = pval[n_params];
        }
        n_params++;
    }
    if (pf)
        fclose(pf);
    opts.params = params;
    opts.n_params = n_params;
    /* Optional dbward.yaml: custom controls, parameters, overrides, suppressions. */
    struct dw_config *cfg = NULL;
    struct dw_custom_set custom = {0};
    char cpath[4096];
    snprintf(cpath, sizeof(cpath), "%s/dbward.yaml", dir);
    FILE *cf = fopen(cpath, "r");
    if (cf) {
        fclose(cf);
        if (dw_config_load(cpath, &cfg, &err)) {
            fprintf(stderr, "FAIL %s: config: %s:%d:%d: %s\n", dir, err.source, err.line, err.column, err.message);
            return 1;
        }
        if (dw_custom_build(cfg, &custom, &err)) {
            fprintf(stderr, "FAIL %s: config: %s:%d:%d: %s\n", dir, err.source, err.line, err.column, err.message);
            return 1;
        }
        opts.extra = custom.controls;
        opts.n_extra = custom.n;
        opts.sev_ids = (const char *const *)cfg->sev_ids;
        opts.sev_values = cfg->sev_values;
        opts.n_sev = cfg->n_sev;
        for (size_t i = 0; i < cfg->n_params && n_params < 8; i++)
            params[n_params++] = cfg->params[i];
        opts.n_params = n_params;
    }
    struct dw_findings f = {0};
    if (dw_scan_run(snap, &opts, &f, &err)) {
        fprintf(stderr, "FAIL %s: scan: %s\n", dir, err.message);
        return 1;
    }
    /* Suppressions are judged at the snapshot's time, so cases do not age. */
    dw_suppressions_apply(cfg, &f, dw_snapshot_taken_at(snap), NULL, s_warn, NULL);
    /* With --whole, the case's control's findings first, in their order; nf
     * of them. Alone, every finding counts. */
    size_t nf = 0;
    for (size_t i = 0; i < f.n; i++) {
        if (whole && strcmp(f.v[i].control->id, id) != 0)
            continue;
        struct dw_finding t = f.v[nf];
        f.v[nf++] = f.v[i];
        f.v[i] = t;
    }
    char path[4096];
    snprintf(path, sizeof(path), "%s/expected", dir);
    FILE *ef = fopen(path, "r");
    if (!ef) {
        fprintf(stderr, "FAIL %s: no expected file\n", dir);
        return 1;
    }
    int bad = 0;
    size_t idx = 0;
    char line[4096];
    int lineno = 0;
    while (fgets(line, sizeof(line), ef)) {
        lineno++;
        char *l = s_trim(line);
        if (!*l || *l == '#')
            continue;
        char *bar = strchr(l, '|');
        char *bar2 = bar ? strchr(bar + 1, '|') : NULL;
        char *cmds[16];
        size_t n_cmds = 0;
        if (!bar) {
            fprintf(stderr, "FAIL %s: expected:%d: malformed line (no '|')\n", dir, lineno);
            bad = 1;
            break;
        }
        *bar = '\0';
        if (bar2)
            *bar2 = '\0';
        char *head = s_trim(l);
        char *reason = s_trim(bar + 1);
        for (char *q = bar2; q && n_cmds < 16;) {
            char *next = strchr(q + 1, '|');
            if (next)
                *next = '\0';
            cmds[n_cmds++] = s_trim(q + 1);
            q = next;
        }
        char *sp = strchr(head, ' ');
        char *rid = sp ? s_trim(sp + 1) : (char *)"";
        if (sp)
            *sp = '\0';
        if (idx >= nf) {
            fprintf(stderr, "FAIL %s: expected:%d: wanted %s %s, but there are only %zu findings\n",
                    dir, lineno, head, rid, nf);
            bad = 1;
            idx++;
            continue;
        }
        const struct dw_finding *x = &f.v[idx++];
        if (strcmp(dw_result_str(x->status), head) != 0 || strcmp(x->resource_id, rid) != 0) {
            fprintf(stderr, "FAIL %s: expected:%d: wanted %s %s, got %s %s (%s)\n", dir, lineno,
                    head, rid, dw_result_str(x->status), x->resource_id, x->reason);
            bad = 1;
        } else if (!strstr(x->reason, reason)) {
            fprintf(stderr, "FAIL %s: expected:%d: reason \"%s\" lacks \"%s\"\n", dir, lineno,
                    x->reason, reason);
            bad = 1;
        }
        if (x->status == DW_FAIL && x->n_commands == 0 && x->n_notes == 0) {
            fprintf(stderr, "FAIL %s: expected:%d: a FAIL without remediation\n", dir, lineno);
            bad = 1;
        }
        if (x->status == DW_ERROR && strlen(x->reason) < 10) {
            fprintf(stderr, "FAIL %s: expected:%d: an ERROR without a real reason\n", dir, lineno);
            bad = 1;
        }
        size_t from = 0;
        for (size_t c = 0; c < n_cmds; c++) {
            const char *cmd = cmds[c];
            if (cmd[0] == '#' && cmd[1] >= '0' && cmd[1] <= '9') {
                size_t want = (size_t)strtoul(cmd + 1, NULL, 10);
                if (want != x->n_commands) {
                    fprintf(stderr, "FAIL %s: expected:%d: wanted %zu commands, got %zu\n", dir,
                            lineno, want, x->n_commands);
                    bad = 1;
                }
                continue;
            }
            size_t k = from;
            while (k < x->n_commands && !strstr(x->commands[k], cmd))
                k++;
            if (k == x->n_commands) {
                fprintf(stderr, "FAIL %s: expected:%d: no remediation command%s contains \"%s\"\n",
                        dir, lineno, c ? " after the previous match" : "", cmd);
                bad = 1;
                break;
            }
            from = k + 1;
        }
    }
    fclose(ef);
    if (idx < nf) {
        fprintf(stderr, "FAIL %s: %zu unexpected finding(s), first: %s %s (%s)\n", dir, nf - idx,
                dw_result_str(f.v[idx].status), f.v[idx].resource_id, f.v[idx].reason);
        bad = 1;
    }
    if (idx == 0) {
        fprintf(stderr, "FAIL %s: a case must expect at least one finding\n", dir);
        bad = 1;
    }
    dw_findings_clean_up(&f);
    dw_snapshot_free(snap);
    dw_custom_set_clean_up(&custom);
    dw_config_free(cfg);
    if (!bad)
        printf("ok %s (%zu findings)\n", dir, idx);
    return bad;
}
