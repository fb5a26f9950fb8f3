/* fsrc.c: findings as the writers read them (dbward/report.h dw_fsrc_*,
 * report/report_util.h for the reading side). A source is either a run's
 * findings in memory, borrowed, or a spool: the findings of a stream,
 * written batch by batch to unnamed temporary files (tmpfile: 0600, never
 * in a folder listing, gone when closed) and read back one at a time.
 *
 * Both keep the same running counts as findings are added (per control,
 * per region, per account), so a writer knows every total before it
 * writes its first line, and both replay findings in the order they were
 * made: all of them, or those of one control, status and severity.
 *
 * A spool holds one file per control, so the findings of one control are
 * read without reading the others, and one file of control indices in
 * the order findings came (4 bytes each), so all of them are replayed in
 * that order by taking the next record from each control's file in turn.
 * Its memory is the counts and one finding being read: bounded by the
 * number of controls, regions and accounts, not by the findings. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/report.h>

#include "report/report_util.h"
#include "util/util.h"

#define S_NULL_LEN UINT32_MAX

struct s_reg_acc {
    char *name;
    size_t by_status[DW_RESULT_COUNT];
};

/* Counts by name (regions, accounts), in order of first sight. */
struct s_tally {
    struct s_reg_acc *v;
    size_t n, cap, last; /* last: the entry found last, tried first */
};

struct dw_fsrc {
    /* In memory: the findings, borrowed, and each one's control index. */
    const struct dw_findings *mem;
    size_t *of;
    /* A spool: a file per control, the order file; failed is sticky. */
    FILE **files;
    FILE *order;
    bool failed;
    bool replayed; /* no finding may be added once one was read back */
    /* The counts, for both. */
    struct dw_fsrc_ctl *ctl;
    size_t n_ctl, cap_ctl, last_ctl;
    size_t n_failed_ctl;
    struct s_tally reg, acc;
    struct dw_summary sum;
    size_t total;
    /* The finding read back, and what its pointers point into. */
    struct dw_finding cur;
    char *buf;
    size_t buf_cap;
    char **strs;
    size_t *offs;
    size_t strs_cap;
};

/* The control's index, added when it is new. Findings of one control
 * come together, so the last one looked up is tried first. */
static size_t s_ctl_of(struct dw_fsrc *s, const struct dw_finding *x)
{
    if (s->n_ctl && s->ctl[s->last_ctl].control == x->control)
        return s->last_ctl;
    for (size_t k = 0; k < s->n_ctl; k++) {
        if (s->ctl[k].control == x->control)
            return s->last_ctl = k;
    }
    if (s->n_ctl == s->cap_ctl) {
        s->cap_ctl = s->cap_ctl ? s->cap_ctl * 2 : 64;
        s->ctl = dw_xrealloc(s->ctl, s->cap_ctl * sizeof(*s->ctl));
        if (!s->mem)
            s->files = dw_xrealloc(s->files, s->cap_ctl * sizeof(*s->files));
    }
    struct dw_fsrc_ctl *c = &s->ctl[s->n_ctl];
    memset(c, 0, sizeof(*c));
    c->control = x->control;
    c->severity = x->severity;
    c->fail_rank = SIZE_MAX;
    if (!s->mem)
        s->files[s->n_ctl] = NULL;
    return s->last_ctl = s->n_ctl++;
}

static struct s_reg_acc *s_named(struct s_tally *t, const char *name)
{
    if (t->n && strcmp(t->v[t->last].name, name) == 0)
        return &t->v[t->last];
    for (size_t k = 0; k < t->n; k++) {
        if (strcmp(t->v[k].name, name) == 0)
            return &t->v[t->last = k];
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->v = dw_xrealloc(t->v, t->cap * sizeof(*t->v));
    }
    struct s_reg_acc *r = &t->v[t->n];
    memset(r, 0, sizeof(*r));
    r->name = dw_xstrdup(name);
    t->last = t->n++;
    return r;
}

/* Counts x, as control k's. */
static void s_count(struct dw_fsrc *s, const struct dw_finding *x, size_t k)
{
    struct dw_fsrc_ctl *c = &s->ctl[k];
    c->n[x->severity][x->status]++;
    c->by_status[x->status]++;
    c->total++;
    if (x->status == DW_FAIL && c->fail_rank == SIZE_MAX) {
        c->fail_rank = s->n_failed_ctl++;
        c->fail_severity = x->severity;
    }
    s_named(&s->reg, dw_str_or_empty(x->region))->by_status[x->status]++;
    s_named(&s->acc, dw_str_or_empty(x->account_id))->by_status[x->status]++;
    s->sum.by_status[x->status]++;
    s->sum.by_sev_status[x->severity][x->status]++;
    s->total++;
}

struct dw_fsrc *dw_fsrc_memory(const struct dw_findings *f)
{
    struct dw_fsrc *s = dw_xcalloc(1, sizeof(*s));
    s->mem = f;
    s->of = dw_xcalloc(f->n ? f->n : 1, sizeof(*s->of));
    for (size_t i = 0; i < f->n; i++) {
        s->of[i] = s_ctl_of(s, &f->v[i]);
        s_count(s, &f->v[i], s->of[i]);
    }
    return s;
}

enum dw_status dw_fsrc_spool_new(struct dw_fsrc **out, struct dw_error *err)
{
    *out = NULL;
    struct dw_fsrc *s = dw_xcalloc(1, sizeof(*s));
    s->order = tmpfile();
    if (!s->order) {
        free(s);
        return dw_error_set(err, DW_E_IO, "", 0, 0, 0, "cannot create a temporary file for the findings: %s",
                            strerror(errno));
    }
    *out = s;
    return DW_OK;
}

static void s_put32(FILE *f, uint32_t v, bool *failed)
{
    *failed = *failed || fwrite(&v, sizeof(v), 1, f) != 1;
}

static void s_put_str(FILE *f, const char *str, bool *failed)
{
    size_t len = str ? strlen(str) : 0;
    if (len >= S_NULL_LEN)
        len = S_NULL_LEN - 1; /* over 4 GB in one string: cut, never wrapped */
    s_put32(f, str ? (uint32_t)len : S_NULL_LEN, failed);
    *failed = *failed || (len && fwrite(str, 1, len, f) != len);
}

/* A record: status, severity, muted_from, the counts of commands and
 * notes, then every string as a length (S_NULL_LEN: NULL) and its bytes. */
static void s_put(FILE *f, const struct dw_finding *x, bool *failed)
{
    s_put32(f, (uint32_t)x->status | (uint32_t)x->severity << 8 | (uint32_t)x->muted_from << 16, failed);
    s_put32(f, (uint32_t)x->n_commands, failed);
    s_put32(f, (uint32_t)x->n_notes, failed);
    const char *one[] = {x->resource_type, x->resource_id, x->region,       x->account_id,
                         x->reason,        x->muted_reason, x->muted_until};
    for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++)
        s_put_str(f, one[i], failed);
    for (size_t i = 0; i < x->n_commands; i++)
        s_put_str(f, x->commands[i], failed);
    for (size_t i = 0; i < x->n_notes; i++)
        s_put_str(f, x->notes[i], failed);
}

enum dw_status dw_fsrc_add(struct dw_fsrc *s, const struct dw_findings *batch)
{
    if (s->mem || s->replayed)
        return DW_E_USAGE;
    for (size_t i = 0; i < batch->n && !s->failed; i++) {
        const struct dw_finding *x = &batch->v[i];
        size_t k = s_ctl_of(s, x);
        if (!s->files[k] && !(s->files[k] = tmpfile())) {
            s->failed = true;
            break;
        }
        s_put(s->files[k], x, &s->failed);
        s_put32(s->order, (uint32_t)k, &s->failed);
        s_count(s, x, k);
    }
    return s->failed ? DW_E_IO : DW_OK;
}

static bool s_get32(FILE *f, uint32_t *v) { return fread(v, sizeof(*v), 1, f) == 1; }

/* Reads a string into s->buf at *at; its offset, or SIZE_MAX for NULL. */
static bool s_get_str(struct dw_fsrc *s, FILE *f, size_t *at, size_t *off)
{
    uint32_t len;
    if (!s_get32(f, &len))
        return false;
    if (len == S_NULL_LEN) {
        *off = SIZE_MAX;
        return true;
    }
    if (*at + len + 1 > s->buf_cap) {
        s->buf_cap = (*at + len + 1) * 2;
        s->buf = dw_xrealloc(s->buf, s->buf_cap);
    }
    if (len && fread(s->buf + *at, 1, len, f) != len)
        return false;
    s->buf[*at + len] = '\0';
    *off = *at;
    *at += len + 1;
    return true;
}

/* Reads the next record of f into s->cur. */
static bool s_get(struct dw_fsrc *s, FILE *f, size_t k)
{
    uint32_t head, n_cmd, n_notes;
    if (!s_get32(f, &head) || !s_get32(f, &n_cmd) || !s_get32(f, &n_notes))
        return false;
    size_t n = 7 + (size_t)n_cmd + n_notes;
    if (n > s->strs_cap) {
        s->strs_cap = n * 2;
        s->strs = dw_xrealloc(s->strs, s->strs_cap * sizeof(*s->strs));
        s->offs = dw_xrealloc(s->offs, s->strs_cap * sizeof(*s->offs));
    }
    /* Offsets first: the buffer may move while the record is read. */
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (!s_get_str(s, f, &at, &s->offs[i]))
            return false;
    }
    for (size_t i = 0; i < n; i++)
        s->strs[i] = s->offs[i] == SIZE_MAX ? NULL : s->buf + s->offs[i];
    struct dw_finding *x = &s->cur;
    x->control = s->ctl[k].control;
    x->status = (enum dw_result)(head & 0xff);
    x->severity = (enum dw_severity)((head >> 8) & 0xff);
    x->muted_from = (enum dw_result)((head >> 16) & 0xff);
    x->resource_type = s->strs[0];
    x->resource_id = s->strs[1];
    x->region = s->strs[2];
    x->account_id = s->strs[3];
    x->reason = s->strs[4];
    x->muted_reason = s->strs[5];
    x->muted_until = s->strs[6];
    x->n_commands = n_cmd;
    x->commands = s->strs + 7;
    x->n_notes = n_notes;
    x->notes = s->strs + 7 + n_cmd;
    return true;
}

static bool s_rewind(FILE *f) { return !f || (fflush(f) == 0 && fseek(f, 0, SEEK_SET) == 0); }

static bool s_wanted(const struct dw_finding *x, int status, int severity)
{
    return (status < 0 || (int)x->status == status) && (severity < 0 || (int)x->severity == severity);
}

static enum dw_status s_each_spool(struct dw_fsrc *s, size_t ctl, int status, int severity, dw_fsrc_fn fn,
                                   void *user)
{
    s->replayed = true;
    if (s->failed)
        return DW_E_IO;
    enum dw_status rc = DW_OK;
    if (ctl != DW_FSRC_ALL) {
        if (ctl >= s->n_ctl || !s_rewind(s->files[ctl]))
            return ctl >= s->n_ctl ? DW_OK : DW_E_IO;
        for (size_t i = 0; i < s->ctl[ctl].total && !rc; i++) {
            if (!s_get(s, s->files[ctl], ctl))
                return DW_E_IO;
            if (s_wanted(&s->cur, status, severity))
                rc = fn(user, &s->cur, ctl);
        }
        return rc;
    }
    bool ok = s_rewind(s->order);
    for (size_t k = 0; k < s->n_ctl && ok; k++)
        ok = s_rewind(s->files[k]);
    if (!ok)
        return DW_E_IO;
    for (size_t i = 0; i < s->total && !rc; i++) {
        uint32_t k;
        if (!s_get32(s->order, &k) || k >= s->n_ctl || !s_get(s, s->files[k], k))
            return DW_E_IO;
        if (s_wanted(&s->cur, status, severity))
            rc = fn(user, &s->cur, k);
    }
    return rc;
}

enum dw_status dw_fsrc_each(struct dw_fsrc *s, size_t ctl, int status, int severity, dw_fsrc_fn fn, void *user)
{
    if (!s->mem)
        return s_each_spool(s, ctl, status, severity, fn, user);
    enum dw_status rc = DW_OK;
    for (size_t i = 0; i < s->mem->n && !rc; i++) {
        if ((ctl == DW_FSRC_ALL || s->of[i] == ctl) && s_wanted(&s->mem->v[i], status, severity))
            rc = fn(user, &s->mem->v[i], s->of[i]);
    }
    return rc;
}

size_t dw_fsrc_total(const struct dw_fsrc *s) { return s->total; }
const struct dw_summary *dw_fsrc_summary(const struct dw_fsrc *s) { return &s->sum; }
size_t dw_fsrc_n_ctl(const struct dw_fsrc *s) { return s->n_ctl; }
const struct dw_fsrc_ctl *dw_fsrc_ctl(const struct dw_fsrc *s, size_t k) { return &s->ctl[k]; }
size_t dw_fsrc_n_regions(const struct dw_fsrc *s) { return s->reg.n; }

const char *dw_fsrc_region(const struct dw_fsrc *s, size_t k, size_t out[DW_RESULT_COUNT])
{
    memcpy(out, s->reg.v[k].by_status, sizeof(s->reg.v[k].by_status));
    return s->reg.v[k].name;
}

void dw_fsrc_account_counts(const struct dw_fsrc *s, const char *account, size_t out[DW_RESULT_COUNT])
{
    memset(out, 0, DW_RESULT_COUNT * sizeof(*out));
    for (size_t k = 0; k < s->acc.n; k++) {
        if (strcmp(s->acc.v[k].name, account) == 0) {
            memcpy(out, s->acc.v[k].by_status, sizeof(s->acc.v[k].by_status));
            return;
        }
    }
}

struct s_batcher {
    struct dw_findings batch;
    size_t size;
    enum dw_status (*fn)(void *user, const struct dw_findings *batch);
    void *user;
};

static enum dw_status s_batch_one(void *user, const struct dw_finding *x, size_t ctl)
{
    (void)ctl;
    struct s_batcher *b = user;
    dw_findings_push_copy(&b->batch, x);
    if (b->batch.n < b->size)
        return DW_OK;
    enum dw_status rc = b->fn(b->user, &b->batch);
    dw_findings_clear(&b->batch);
    return rc;
}

enum dw_status dw_fsrc_batches(struct dw_fsrc *s, size_t size,
                               enum dw_status (*fn)(void *user, const struct dw_findings *batch), void *user)
{
    struct s_batcher b = {.size = size ? size : 1, .fn = fn, .user = user};
    enum dw_status rc = dw_fsrc_each(s, DW_FSRC_ALL, -1, -1, s_batch_one, &b);
    if (!rc && (b.batch.n || s->total == 0))
        rc = fn(user, &b.batch); /* the last, or the one empty batch of no findings */
    dw_findings_clean_up(&b.batch);
    return rc;
}

void dw_fsrc_free(struct dw_fsrc *s)
{
    if (!s)
        return;
    for (size_t k = 0; s->files && k < s->n_ctl; k++) {
        if (s->files[k])
            fclose(s->files[k]);
    }
    if (s->order)
        fclose(s->order);
    struct s_tally *tallies[] = {&s->reg, &s->acc};
    for (size_t t = 0; t < 2; t++) {
        for (size_t k = 0; k < tallies[t]->n; k++)
            free(tallies[t]->v[k].name);
        free(tallies[t]->v);
    }
    free(s->files);
    free(s->ctl);
    free(s->of);
    free(s->buf);
    free(s->strs);
    free(s->offs);
    free(s);
}
