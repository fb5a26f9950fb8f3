/* shard.c: one job's share of a many-account run (dbward scan --shard I/N).
 * The rule: the account ids, without repeats, sorted (12-digit ids, so the
 * text order is the numeric order), and the one at position p in that order
 * belongs to shard p mod N. Every account is in exactly one shard, shards
 * differ in size by one at most, and the split depends only on the set of
 * ids, never on the order they were listed or discovered in. Also the
 * parser of the option's value, whose index may come from the batch
 * system's environment (auto). Prints nothing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit_int.h"
#include "util/util.h"

/* A decimal number 0..max with nothing else: true and *out, else false. */
static bool s_number(const char *s, size_t len, unsigned long max, unsigned long *out)
{
    if (len == 0 || len > 9 || strspn(s, "0123456789") < len)
        return false;
    unsigned long v = 0;
    for (size_t i = 0; i < len; i++)
        v = v * 10 + (unsigned long)(s[i] - '0');
    if (v > max)
        return false;
    *out = v;
    return true;
}

enum dw_status dw_audit_shard_parse(const char *spec, const char *k8s_index, const char *batch_index,
                                    struct dw_shard *out, struct dw_error *err)
{
    memset(out, 0, sizeof(*out));
    const char *slash = spec ? strchr(spec, '/') : NULL;
    unsigned long count = 0, index = 0;
    if (!slash || !s_number(slash + 1, strlen(slash + 1), DW_SHARD_MAX, &count) || count == 0)
        return dw_error_set(err, DW_E_USAGE, "", 0, 0, 0,
                            "--shard takes I/N or auto/N, N a whole number 1..%d, not \"%s\"", DW_SHARD_MAX,
                            spec ? spec : "");
    size_t ilen = (size_t)(slash - spec);
    if (ilen == 4 && strncmp(spec, "auto", 4) == 0) {
        const char *k = k8s_index && *k8s_index ? k8s_index : NULL;
        const char *b = batch_index && *batch_index ? batch_index : NULL;
        if (!k && !b)
            return dw_error_set(err, DW_E_USAGE, "", 0, 0, 0, "%s",
                                "--shard auto: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor "
                                "AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job) is set");
        if (k && b && strcmp(k, b) != 0)
            return dw_error_set(err, DW_E_USAGE, "", 0, 0, 0,
                                "--shard auto: JOB_COMPLETION_INDEX (%s) and AWS_BATCH_JOB_ARRAY_INDEX (%s) "
                                "disagree", k, b);
        const char *v = k ? k : b;
        const char *name = k ? "JOB_COMPLETION_INDEX" : "AWS_BATCH_JOB_ARRAY_INDEX";
        if (!s_number(v, strlen(v), DW_SHARD_MAX, &index) || index >= count)
            return dw_error_set(err, DW_E_USAGE, "", 0, 0, 0,
                                "--shard auto/%lu: %s is \"%s\", not a whole number 0..%lu", count, name, v,
                                count - 1);
    } else if (!s_number(spec, ilen, DW_SHARD_MAX, &index) || index >= count) {
        return dw_error_set(err, DW_E_USAGE, "", 0, 0, 0,
                            "--shard %s: the index must be a whole number 0..%lu (or auto)", spec, count - 1);
    }
    out->index = (unsigned)index;
    out->count = (unsigned)count;
    return DW_OK;
}

struct s_rank {
    const char *id;
    size_t pos; /* in the caller's list */
};

static int s_by_id(const void *x, const void *y)
{
    const struct s_rank *a = x, *b = y;
    int c = strcmp(a->id, b->id);
    return c ? c : (a->pos > b->pos) - (a->pos < b->pos);
}

size_t dwi_shard_select(const char *const *ids, size_t n, const struct dw_shard *shard, bool *keep)
{
    struct s_rank *r = dw_xmalloc((n ? n : 1) * sizeof(*r));
    for (size_t i = 0; i < n; i++) {
        r[i].id = ids[i];
        r[i].pos = i;
        keep[i] = false;
    }
    qsort(r, n, sizeof(*r), s_by_id);
    size_t rank = 0, kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(r[i].id, r[i - 1].id) == 0)
            continue; /* a repeat: its first listing stands for it */
        if (shard->count == 0 || rank % shard->count == shard->index) {
            keep[r[i].pos] = true;
            kept++;
        }
        rank++;
    }
    free(r);
    return kept;
}
