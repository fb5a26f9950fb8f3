/* remediate.c: turns a loaded report's failures into a bash script of fixes,
 * one plan per resource (a recreate carries the other fixes of the
 * resource it replaces), grouped by kind: in-place commands runnable as they are, recreate
 * procedures as commented steps, manual decisions as comments. Commands
 * that still hold a REPLACE_ placeholder are commented out, since running
 * them as they are would fail or do the wrong thing. dbward never runs the
 * script; it only writes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/report.h>

#include "util/util.h"

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


/* ---- One fix plan per resource. A resource that fails a control needing
 * a new resource (recreate) gets one procedure: the longest recreate plan
 * (the one that also makes what the others reuse, such as a new key), with
 * the switches of the other recreate plans, the in-place changes of the
 * same resource (Multi-AZ, minor upgrades, engine version, tags) folded
 * into its create command, and a note for each other failing resource it
 * uses (a security group). The plans and fixes it carries are left out of
 * the script, each with a line saying where it went. */

enum { S_AS_IS, S_SUPERSEDED, S_FOLDED, S_BASE };

struct s_tokens {
    char **v;
    size_t n;
};

/* Splits a command into shell words as written (quotes kept). */
static void s_split(const char *cmd, struct s_tokens *t)
{
    t->v = NULL;
    t->n = 0;
    const char *p = cmd;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && *p != ' ') {
            if (*p == '\'') {
                p++;
                while (*p && *p != '\'')
                    p++;
                if (*p)
                    p++;
            } else if (*p == '"' || (*p == '$' && p[1] == '\'')) {
                char close = *p == '"' ? '"' : '\'';
                p += *p == '"' ? 1 : 2;
                while (*p && *p != close) {
                    if (*p == '\\' && p[1])
                        p++;
                    p++;
                }
                if (*p)
                    p++;
            } else {
                if (*p == '\\' && p[1])
                    p++;
                p++;
            }
        }
        t->v = dw_xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
        t->v[t->n++] = dw_xstrndup(start, (size_t)(p - start));
    }
}

static void s_tokens_free(struct s_tokens *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i]);
    free(t->v);
    t->n = 0;
}

static char *s_join(const struct s_tokens *t)
{
    struct dw_buf b;
    dw_buf_init(&b, (size_t)-1);
    for (size_t i = 0; i < t->n; i++) {
        if (i)
            dw_buf_puts(&b, " ");
        dw_buf_puts(&b, t->v[i]);
    }
    return dw_buf_steal(&b);
}

static bool s_is_flag(const char *w) { return w[0] == '-' && w[1] == '-'; }

/* Index of flag in t (from 3, past "aws SERVICE COMMAND"), or t->n. */
static size_t s_find(const struct s_tokens *t, const char *flag)
{
    for (size_t i = 3; i < t->n; i++) {
        if (strcmp(t->v[i], flag) == 0)
            return i;
    }
    return t->n;
}

/* How many value words follow the flag at i. */
static size_t s_values(const struct s_tokens *t, size_t i)
{
    size_t k = i + 1;
    while (k < t->n && !s_is_flag(t->v[k]))
        k++;
    return k - i - 1;
}

static void s_remove(struct s_tokens *t, size_t i, size_t count)
{
    for (size_t k = i; k < i + count; k++)
        free(t->v[k]);
    memmove(t->v + i, t->v + i + count, (t->n - i - count) * sizeof(*t->v));
    t->n -= count;
}

static void s_append(struct s_tokens *t, const char *w)
{
    t->v = dw_xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
    t->v[t->n++] = dw_xstrdup(w);
}

/* The switches a create command may take from a fix of the old resource:
 * the settings a new resource is made with. Others are not carried. */
static bool s_carried(const char *flag)
{
    static const char *const ok[] = {"--multi-az", "--auto-minor-version-upgrade", "--engine-version", "--tags",
                                     "--publicly-accessible", "--preferred-maintenance-window"};
    const char *base = strncmp(flag, "--no-", 5) == 0 ? flag + 3 : flag;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (strcmp(base + 2, ok[i] + 2) == 0)
            return true;
    }
    return false;
}

/* Sets flag (with n values from src at vi) in create: a switch replaces
 * itself and its --no- twin, a value replaces the old one, --tags add up. */
static void s_set_flag(struct s_tokens *create, const struct s_tokens *src, size_t fi, size_t n)
{
    const char *flag = src->v[fi];
    bool tags = strcmp(flag, "--tags") == 0;
    size_t at = s_find(create, flag);
    if (tags && at < create->n) {
        size_t end = at + 1 + s_values(create, at);
        for (size_t k = 0; k < n; k++) {
            create->v = dw_xrealloc(create->v, (create->n + 1) * sizeof(*create->v));
            memmove(create->v + end + k + 1, create->v + end + k, (create->n - end - k) * sizeof(*create->v));
            create->v[end + k] = dw_xstrdup(src->v[fi + 1 + k]);
            create->n++;
        }
        return;
    }
    char twin[128];
    if (strncmp(flag, "--no-", 5) == 0)
        snprintf(twin, sizeof(twin), "--%s", flag + 5);
    else
        snprintf(twin, sizeof(twin), "--no-%s", flag + 2);
    const char *both[2] = {flag, twin};
    for (int k = 0; k < 2; k++) {
        size_t i = s_find(create, both[k]);
        if (i < create->n)
            s_remove(create, i, 1 + s_values(create, i));
    }
    s_append(create, flag);
    for (size_t k = 0; k < n; k++)
        s_append(create, src->v[fi + 1 + k]);
}

/* Folds one command of an in-place fix of the same resource into the
 * create command; false when it is not a change of the resource's
 * settings a new one can be made with (it is then left as it is). */
static bool s_fold_command(struct s_tokens *create, const char *cmd, const char *rid)
{
    struct s_tokens t;
    s_split(cmd, &t);
    bool ok = t.n >= 3 && strcmp(t.v[0], "aws") == 0 && strcmp(t.v[1], create->v[1]) == 0 &&
              (strncmp(t.v[2], "modify-", 7) == 0 || strcmp(t.v[2], "add-tags-to-resource") == 0);
    bool on_rid = false;
    for (size_t i = 3; ok && i < t.n; i++) {
        if (!s_is_flag(t.v[i]))
            continue;
        size_t n = s_values(&t, i);
        if (strcmp(t.v[i], "--region") == 0 || strcmp(t.v[i], "--apply-immediately") == 0) {
        } else if (strstr(t.v[i], "-arn") && n == 1) {
            on_rid = on_rid || strcmp(t.v[i + 1], rid) == 0;
        } else if (!s_carried(t.v[i])) {
            ok = false;
        }
        i += n;
    }
    ok = ok && on_rid;
    for (size_t i = 3; ok && i < t.n; i++) {
        if (!s_is_flag(t.v[i]))
            continue;
        size_t n = s_values(&t, i);
        if (s_carried(t.v[i]))
            s_set_flag(create, &t, i, n);
        i += n;
    }
    s_tokens_free(&t);
    return ok;
}

/* Index of the create command of a recreate plan, or f->n_commands. */
static size_t s_create_at(const struct dw_finding *f)
{
    for (size_t i = 0; i < f->n_commands; i++) {
        const char *s = f->commands[i];
        if (strncmp(s, "aws ", 4) == 0 && strstr(s, " create-"))
            return i;
    }
    return f->n_commands;
}

/* A recreate plan that makes a new resource (it has a create command). */
static bool s_recreates(const struct dw_finding *f)
{
    return f->control->fix_kind == DW_FIX_RECREATE && s_create_at(f) < f->n_commands;
}

struct s_plan {
    int *state;        /* per finding */
    char **create;     /* per finding: the merged create command of a base plan */
    json_t **carried;  /* per finding: lines saying what the base plan carries (array) */
};

static bool s_selected(const struct dw_finding *f, const struct dw_remediate_opts *o);

static bool s_same_resource(const struct dw_finding *a, const struct dw_finding *b)
{
    return a->resource_id[0] && strcmp(a->resource_id, b->resource_id) == 0 &&
           strcmp(a->account_id, b->account_id) == 0;
}

/* The last part of a resource id ("sg-0e9f..." of ...:security-group/sg-0e9f...). */
static const char *s_short_id(const char *rid)
{
    const char *slash = strrchr(rid, '/');
    const char *colon = strrchr(rid, ':');
    const char *p = slash && (!colon || slash > colon) ? slash : colon;
    return p ? p + 1 : rid;
}

static void s_plan_make(const struct dw_findings *fs, const struct dw_remediate_opts *o, struct s_plan *pl)
{
    size_t n = fs->n;
    pl->state = dw_xcalloc(n + 1, sizeof(*pl->state));
    pl->create = dw_xcalloc(n + 1, sizeof(*pl->create));
    pl->carried = dw_xcalloc(n + 1, sizeof(*pl->carried));
    for (size_t i = 0; i < n; i++) {
        const struct dw_finding *fi = &fs->v[i];
        if (pl->state[i] != S_AS_IS || !s_selected(fi, o) || !s_recreates(fi))
            continue;
        /* The base: the longest recreate plan of this resource. */
        size_t base = i;
        for (size_t k = i + 1; k < n; k++) {
            const struct dw_finding *fk = &fs->v[k];
            if (s_selected(fk, o) && s_same_resource(fi, fk) && s_recreates(fk) &&
                fk->n_commands > fs->v[base].n_commands)
                base = k;
        }
        const struct dw_finding *fb = &fs->v[base];
        struct s_tokens create;
        s_split(fb->commands[s_create_at(fb)], &create);
        json_t *carried = json_array();
        for (size_t k = 0; k < n; k++) {
            const struct dw_finding *fk = &fs->v[k];
            if (k == base || !s_selected(fk, o) || !s_same_resource(fb, fk))
                continue;
            if (s_recreates(fk)) {
                /* Its switches (--no-publicly-accessible) come along; its values yield to the base's. */
                struct s_tokens other;
                s_split(fk->commands[s_create_at(fk)], &other);
                for (size_t w = 3; w < other.n; w++) {
                    if (s_is_flag(other.v[w]) && s_values(&other, w) == 0 && s_find(&create, other.v[w]) == create.n)
                        s_set_flag(&create, &other, w, 0);
                }
                s_tokens_free(&other);
                pl->state[k] = S_SUPERSEDED;
                json_array_append_new(carried, json_sprintf("%s (%s): this procedure fixes it too", fk->control->id,
                                                            fk->reason));
            } else if (fk->control->fix_kind == DW_FIX_IN_PLACE) {
                bool all = fk->n_commands > 0;
                for (size_t c = 0; all && c < fk->n_commands; c++)
                    all = s_fold_command(&create, fk->commands[c], fb->resource_id);
                if (all) {
                    pl->state[k] = S_FOLDED;
                    json_array_append_new(carried, json_sprintf("%s (%s): carried into the create command",
                                                                fk->control->id, fk->reason));
                }
            }
        }
        /* Other failing resources the new one is made with. */
        char *merged = s_join(&create);
        for (size_t k = 0; k < n; k++) {
            const struct dw_finding *fk = &fs->v[k];
            if (!s_selected(fk, o) || !fk->resource_id[0] || s_same_resource(fb, fk))
                continue;
            const char *sid = s_short_id(fk->resource_id);
            struct s_tokens words;
            s_split(merged, &words);
            bool uses = false;
            for (size_t w = 3; w < words.n && !uses; w++)
                uses = strlen(sid) > 3 && strcmp(words.v[w], sid) == 0 && strcmp(words.v[w - 1], "--region") != 0;
            s_tokens_free(&words);
            if (uses)
                json_array_append_new(carried, json_sprintf("the new resource uses %s, which fails %s (%s): fix it "
                                                            "first (its fix is in this script)", sid,
                                                            fk->control->id, fk->reason));
        }
        s_tokens_free(&create);
        pl->state[base] = S_BASE;
        pl->create[base] = merged;
        pl->carried[base] = carried;
    }
}

static void s_plan_free(struct s_plan *pl, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(pl->create[i]);
        json_decref(pl->carried[i]);
    }
    free(pl->state);
    free(pl->create);
    free(pl->carried);
}

static bool s_selected(const struct dw_finding *f, const struct dw_remediate_opts *o)
{
    if (f->status != DW_FAIL)
        return false;
    bool ok = o->n_controls == 0;
    for (size_t i = 0; i < o->n_controls && !ok; i++)
        ok = dw_report_glob(o->controls[i], f->control->id);
    if (o->severity_mask && !(o->severity_mask & (1u << f->severity)))
        ok = false;
    return ok;
}

enum dw_status dw_remediate_script(const struct dw_report_loaded *report, const char *source,
                                   const struct dw_remediate_opts *o, FILE *out)
{
    const struct dw_report_meta *meta = &report->meta;
    const struct dw_findings *fs = &report->findings;
    fprintf(out, "#!/usr/bin/env bash\n");
    s_comment(out, "# Fixes for the failures in ", source);
    s_comment(out, "# account ", meta->account_id[0] ? meta->account_id : "?");
    s_comment(out, "# evidence taken at ", meta->taken_at[0] ? meta->taken_at : "?");
    fprintf(out, "# Written by dbward %s. Read every step before running it: dbward never runs it.\n", dw_version());
    fprintf(out, "set -euo pipefail\n");
    static const char *const headings[] = {
        "In-place fixes: one command each, runnable as they are",
        "Recreate procedures: a new resource replaces the old one; follow the steps by hand",
        "Manual decisions: a person decides; suggested commands are commented"};
    size_t total = 0;
    struct s_plan plan;
    s_plan_make(fs, o, &plan);
    for (size_t k = 0; k < 3; k++) {
        bool header = false;
        for (size_t i = 0; i < fs->n; i++) {
            const struct dw_finding *f = &fs->v[i];
            if (f->control->fix_kind != (enum dw_fix_kind)k || !s_selected(f, o) || plan.state[i] == S_SUPERSEDED)
                continue;
            if (!header) {
                fprintf(out, "\n# ===== %s =====\n", headings[k]);
                header = true;
            }
            total++;
            fputc('\n', out);
            struct dw_buf title;
            dw_buf_init(&title, (size_t)-1);
            dw_buf_printf(&title, "[%s] %s", f->control->id, f->resource_id);
            s_comment(out, "# ", title.data);
            dw_buf_clean_up(&title);
            s_comment(out, "#   region: ", f->region);
            s_comment(out, "#   because: ", f->reason);
            if (plan.state[i] == S_FOLDED) {
                fprintf(out, "#   the resource is recreated below: this change is made in its create command\n");
                continue;
            }
            size_t ci;
            json_t *line;
            json_array_foreach(plan.carried[i], ci, line)
                s_comment(out, "#   also: ", json_string_value(line));
            /* The commands of one fix are a sequence: if one needs a value a
             * person must supply, none of them runs as it is. */
            bool placeholder = false, foreign = false;
            for (size_t c = 0; c < f->n_commands; c++) {
                placeholder = placeholder || strstr(f->commands[c], "REPLACE_");
                foreign = foreign || !s_plain_command(f->commands[c]);
            }
            bool runnable = k == DW_FIX_IN_PLACE && !placeholder && !foreign;
            if (k == DW_FIX_IN_PLACE && foreign)
                fprintf(out, "#   holds bytes dbward never writes in a command (an edited report?): "
                             "not run\n");
            else if (k == DW_FIX_IN_PLACE && placeholder)
                fprintf(out, "#   needs values first (REPLACE_...): uncomment after filling them in\n");
            size_t create_at = plan.state[i] == S_BASE ? s_create_at(f) : (size_t)-1;
            for (size_t c = 0; c < f->n_commands; c++) {
                const char *s = c == create_at ? plan.create[i] : f->commands[c];
                if (runnable) {
                    fprintf(out, "%s\n", s);
                } else if (k == DW_FIX_IN_PLACE) {
                    s_comment(out, "# ", s);
                } else {
                    char step[32];
                    snprintf(step, sizeof(step), "#   %zu. ", c + 1);
                    s_comment(out, step, s);
                }
            }
            for (size_t c = 0; c < f->n_notes; c++)
                s_comment(out, "#   note: ", f->notes[c]);
        }
    }
    s_plan_free(&plan, fs->n);
    fprintf(out, "\n# %zu fix%s selected.\n", total, total == 1 ? "" : "es");
    return ferror(out) ? DW_E_IO : DW_OK;
}
