/* finding.c: the finding's names, its vector, its key and the index of findings by key
 * (dbward/finding.h). Knows nothing of controls beyond the pointer a finding carries. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dbward/finding.h>

#include "util/util.h"

static const char *const s_results[] = {"PASS", "FAIL", "ERROR", "NOT_APPLICABLE", "MUTED"};
static const char *const s_sevs[] = {"low", "medium", "high", "critical"};
static const char *const s_fixes[] = {"in-place", "recreate", "manual"};

const char *dw_result_str(enum dw_result r) { return r < DW_RESULT_COUNT ? s_results[r] : "?"; }
const char *dw_severity_str(enum dw_severity s) { return s < DW_SEV_COUNT ? s_sevs[s] : "?"; }
const char *dw_fix_kind_str(enum dw_fix_kind k) { return k <= DW_FIX_MANUAL ? s_fixes[k] : "?"; }

bool dw_severity_parse(const char *s, enum dw_severity *out)
{
    for (size_t i = 0; i < DW_SEV_COUNT; i++) {
        if (strcasecmp(s, s_sevs[i]) == 0) {
            *out = (enum dw_severity)i;
            return true;
        }
    }
    return false;
}

struct dw_finding *dw_findings_push(struct dw_findings *f)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->v = dw_xrealloc(f->v, f->cap * sizeof(*f->v));
    }
    struct dw_finding *x = &f->v[f->n++];
    memset(x, 0, sizeof(*x));
    return x;
}

static void s_finding_clean_up(struct dw_finding *f)
{
    free(f->resource_type);
    free(f->resource_id);
    free(f->region);
    free(f->account_id);
    free(f->reason);
    for (size_t i = 0; i < f->n_commands; i++)
        free(f->commands[i]);
    free(f->commands);
    for (size_t i = 0; i < f->n_notes; i++)
        free(f->notes[i]);
    free(f->notes);
    free(f->muted_reason);
    free(f->muted_until);
}

void dw_findings_clear(struct dw_findings *f)
{
    for (size_t i = 0; i < f->n; i++)
        s_finding_clean_up(&f->v[i]);
    f->n = 0;
}

void dw_findings_clean_up(struct dw_findings *f)
{
    dw_findings_clear(f);
    free(f->v);
    memset(f, 0, sizeof(*f));
}

/* Appends part to out at *at, '|' and '\\' escaped with a '\\'. */
static void s_key_part(char *out, size_t *at, const char *part)
{
    for (const char *p = part ? part : ""; *p; p++) {
        if (*p == '|' || *p == '\\')
            out[(*at)++] = '\\';
        out[(*at)++] = *p;
    }
    out[(*at)++] = '|';
}

char *dw_finding_key(const char *account_id, const char *region, const char *control_id,
                     const char *resource_id)
{
    const char *parts[3] = {account_id, region, control_id};
    const char *res = resource_id ? resource_id : "";
    size_t len = strlen(res) + 1;
    for (size_t i = 0; i < 3; i++)
        len += 2 * strlen(parts[i] ? parts[i] : "") + 1;
    char *out = dw_xmalloc(len);
    size_t at = 0;
    for (size_t i = 0; i < 3; i++)
        s_key_part(out, &at, parts[i]);
    memcpy(out + at, res, strlen(res) + 1);
    return out;
}

const char *dw_str_or_empty(const char *s) { return s ? s : ""; }

static char *s_dup_or_null(const char *s) { return s ? dw_xstrdup(s) : NULL; }

static char **s_dup_strings(char *const *v, size_t n)
{
    char **out = n ? dw_xcalloc(n, sizeof(*out)) : NULL;
    for (size_t i = 0; i < n; i++)
        out[i] = dw_xstrdup(v[i]);
    return out;
}

void dw_findings_push_copy(struct dw_findings *f, const struct dw_finding *x)
{
    struct dw_finding *c = dw_findings_push(f);
    *c = *x; /* the enums and the borrowed control; every string is copied below */
    c->resource_type = s_dup_or_null(x->resource_type);
    c->resource_id = s_dup_or_null(x->resource_id);
    c->region = s_dup_or_null(x->region);
    c->account_id = s_dup_or_null(x->account_id);
    c->reason = s_dup_or_null(x->reason);
    c->commands = s_dup_strings(x->commands, x->n_commands);
    c->notes = s_dup_strings(x->notes, x->n_notes);
    c->muted_reason = s_dup_or_null(x->muted_reason);
    c->muted_until = s_dup_or_null(x->muted_until);
}

/* The bucket of key: the one holding it, or the empty one where it would go. */
static size_t s_bucket(const struct dw_finding_index *x, const char *key)
{
    size_t mask = x->n_buckets - 1;
    size_t b = (size_t)dw_hash_str(key) & mask;
    while (x->buckets[b] && strcmp(x->v[x->buckets[b] - 1].key, key) != 0)
        b = (b + 1) & mask;
    return b;
}

struct dw_finding_slot *dw_finding_index_get(const struct dw_finding_index *x, const char *key)
{
    if (!x->n_buckets)
        return NULL;
    size_t b = s_bucket(x, key);
    return x->buckets[b] ? &x->v[x->buckets[b] - 1] : NULL;
}

struct dw_finding_slot *dw_finding_index_at(struct dw_finding_index *x, const char *key, bool *added)
{
    *added = false;
    struct dw_finding_slot *had = dw_finding_index_get(x, key);
    if (had)
        return had;
    if (2 * (x->n + 1) > x->n_buckets) {
        /* At most half full: grow and put every slot in again. */
        free(x->buckets);
        x->n_buckets = x->n_buckets ? 2 * x->n_buckets : 64;
        x->buckets = dw_xcalloc(x->n_buckets, sizeof(*x->buckets));
        for (size_t i = 0; i < x->n; i++)
            x->buckets[s_bucket(x, x->v[i].key)] = i + 1;
    }
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 64;
        x->v = dw_xrealloc(x->v, x->cap * sizeof(*x->v));
    }
    struct dw_finding_slot *s = &x->v[x->n++];
    *s = (struct dw_finding_slot){.key = dw_xstrdup(key)};
    x->buckets[s_bucket(x, key)] = x->n;
    *added = true;
    return s;
}

void dw_finding_index_clean_up(struct dw_finding_index *x)
{
    for (size_t i = 0; i < x->n; i++)
        free(x->v[i].key);
    free(x->v);
    free(x->buckets);
    memset(x, 0, sizeof(*x));
}
