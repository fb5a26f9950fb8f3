/* scan.c: runs the selected controls over the regions in scope and collects
 * findings. It owns no I/O beyond what the snapshot does lazily.
 *
 * The walk is region by region: the global controls first, then every
 * regional control on one region before the next, after which that region's
 * cached answers and indexes are dropped (a later read of one loads it
 * again). So a scan holds one region's documents at a time, not the
 * account's, and findings come in that order: the global controls', then
 * each region's by control. With a flush, each control's findings in a
 * region leave as soon as it is done there: a scan holds one control's
 * findings of one region at a time (100k resources: 13,000 at most, where
 * a region's were 170,000). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules_int.h"

enum dw_severity dw_scan_severity(const struct dw_scan_opts *opts, const struct dw_control *c)
{
    for (size_t i = 0; opts && i < opts->n_sev; i++) {
        if (strcasecmp(opts->sev_ids[i], c->id) == 0)
            return opts->sev_values[i];
    }
    return c->severity;
}

bool dw_scan_selects(const struct dw_scan_opts *opts, const struct dw_control *c)
{
    if (!dw_control_selected(c, opts->controls, opts->n_controls))
        return false;
    if (opts->n_exclude && dw_control_selected(c, (const char **)opts->exclude, opts->n_exclude))
        return false;
    enum dw_severity sev = dw_scan_severity(opts, c);
    return !opts->severity_mask || (opts->severity_mask & (1u << sev));
}

/* One control the scan evaluates. */
struct s_sel {
    const struct dw_control *c;
    dw_eval_fn eval;
    enum dw_severity sev;
    unsigned last_use; /* bit k: no later regional control reads c->calls[k] */
};

/* The length of a calls[] entry's "service command", without "/<key>". */
static size_t s_call_len(const char *call)
{
    const char *slash = strchr(call, '/');
    return slash ? (size_t)(slash - call) : strlen(call);
}

/* The digest (dwi_digests) that control id reads instead of the call's
 * answer (call: "service command", len bytes), or NULL. */
static const struct dwi_digest *s_digest_of(const char *id, const char *call, size_t len)
{
    for (size_t g = 0; g < dwi_n_digests; g++) {
        const struct dwi_digest *d = &dwi_digests[g];
        bool covers = false, consumer = false;
        for (size_t k = 0; k < DW_ARRAY_LEN(d->calls) && d->calls[k]; k++)
            covers = covers || (strlen(d->calls[k]) == len && strncmp(d->calls[k], call, len) == 0);
        for (size_t k = 0; k < DW_ARRAY_LEN(d->consumers) && d->consumers[k]; k++)
            consumer = consumer || strcmp(d->consumers[k], id) == 0;
        if (covers && consumer)
            return d;
    }
    return NULL;
}

/* Marks, for each regional control, the calls no later regional control
 * reads: their answers can go once it has run in a region. A control that
 * reads a call through a digest does not count: the digest is built before
 * the answers go (s_drop_calls). A call read anyway after (by an index built
 * earlier, or a control that reads more than it names) is read again from
 * the file, so a wrong mark costs time, never a verdict. */
static void s_last_uses(struct s_sel *sel, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct dw_control *c = sel[i].c;
        if (c->is_global)
            continue;
        for (size_t k = 0; k < DW_ARRAY_LEN(c->calls) && c->calls[k]; k++) {
            size_t len = s_call_len(c->calls[k]);
            bool later = false;
            for (size_t j = i + 1; j < n && !later; j++) {
                const struct dw_control *d = sel[j].c;
                for (size_t m = 0; !d->is_global && m < DW_ARRAY_LEN(d->calls) && d->calls[m] && !later; m++)
                    later = s_call_len(d->calls[m]) == len && strncmp(d->calls[m], c->calls[k], len) == 0 &&
                            !s_digest_of(d->id, c->calls[k], len);
            }
            if (!later)
                sel[i].last_use |= 1u << k;
        }
    }
}

/* Drops the answers of the calls sel[i] was the last to read in the
 * context's region, after building the digests of them that a later
 * selected control reads. */
static void s_drop_calls(struct dw_scan_ctx *ctx, const struct s_sel *sel, size_t n, size_t i)
{
    const struct s_sel *s = &sel[i];
    for (size_t k = 0; k < DW_ARRAY_LEN(s->c->calls) && s->c->calls[k]; k++) {
        if (!(s->last_use & (1u << k)))
            continue;
        const char *call = s->c->calls[k];
        const char *sp = strchr(call, ' ');
        size_t len = s_call_len(call);
        if (!sp || (size_t)(sp - call) >= len)
            continue;
        for (size_t j = i + 1; j < n; j++) {
            const struct dwi_digest *g = sel[j].c->is_global ? NULL : s_digest_of(sel[j].c->id, call, len);
            if (g)
                g->build(ctx);
        }
        char *service = dw_xstrndup(call, (size_t)(sp - call));
        char *command = dw_xstrndup(sp + 1, len - (size_t)(sp - call) - 1);
        dw_snapshot_evict(ctx->snap, ctx->region, service, command);
        dwi_memo_drop_call(ctx, service, command);
        free(service);
        free(command);
    }
}

/* Which regions of the snapshot the scan covers; DW_E_USAGE when one asked
 * for is not in it. */
static enum dw_status s_regions(struct dw_snapshot *snap, const struct dw_scan_opts *opts, const char **regions,
                                size_t *n_regions, struct dw_error *err)
{
    for (size_t k = 0; k < opts->n_regions; k++) {
        bool known = false;
        for (size_t i = 0; i < dw_snapshot_region_count(snap); i++)
            known = known || strcmp(dw_snapshot_region(snap, i), opts->regions[k]) == 0;
        if (!known)
            return dw_error_set(err, DW_E_USAGE, "--region", 0, 0, 0, "region %s is not in the snapshot's manifest",
                                opts->regions[k]);
    }
    *n_regions = 0;
    for (size_t i = 0; i < dw_snapshot_region_count(snap); i++) {
        const char *r = dw_snapshot_region(snap, i);
        bool keep = opts->n_regions == 0;
        for (size_t k = 0; k < opts->n_regions && !keep; k++)
            keep = strcmp(opts->regions[k], r) == 0;
        if (keep)
            regions[(*n_regions)++] = r;
    }
    return DW_OK;
}

/* The controls selected, in registry order; *n set. */
static struct s_sel *s_selection(const struct dw_scan_opts *opts, size_t *n)
{
    size_t total = dw_registry_count(opts->extra, opts->n_extra);
    struct s_sel *sel = dw_xcalloc(total + 1, sizeof(*sel));
    *n = 0;
    for (size_t i = 0; i < total; i++) {
        const struct dw_control *c = dw_registry_get(opts->extra, opts->n_extra, i);
        /* Custom controls share one evaluator; ACCOUNT has none (the audit
         * makes its findings). */
        dw_eval_fn eval = c->custom ? dwi_eval_custom : c->eval;
        if (!eval)
            continue;
        if (!dw_scan_selects(opts, c))
            continue;
        sel[(*n)++] = (struct s_sel){c, eval, dw_scan_severity(opts, c), 0};
    }
    s_last_uses(sel, *n);
    return sel;
}

/* Runs one control in the context's region; each new finding gets the
 * control's severity. */
static void s_eval(struct dw_scan_ctx *ctx, const struct s_sel *s)
{
    size_t first = ctx->out->n;
    s->eval(ctx, s->c);
    for (size_t k = first; k < ctx->out->n; k++)
        ctx->out->v[k].severity = s->sev;
}

enum dw_status dw_scan_run(struct dw_snapshot *snap, const struct dw_scan_opts *opts,
                           struct dw_findings *out, struct dw_error *err)
{
    enum dw_status rc = DW_OK;
    const char **regions = dw_xcalloc(dw_snapshot_region_count(snap) + 1, sizeof(char *));
    size_t n_regions = 0, n_sel = 0;
    struct s_sel *sel = NULL;
    for (size_t i = 0; i < opts->n_params; i++) {
        rc = dw_param_check(opts->params[i].name, opts->params[i].value, err);
        if (rc)
            goto out;
    }
    rc = s_regions(snap, opts, regions, &n_regions, err);
    if (rc)
        goto out;
    sel = s_selection(opts, &n_sel);
    struct dw_scan_ctx ctx = {
        .snap = snap,
        .account = dw_snapshot_account_id(snap),
        .partition = dw_snapshot_partition(snap),
        .now_epoch_s = dw_snapshot_taken_at(snap),
        .regions = regions,
        .n_regions = n_regions,
        .opts = opts,
        .out = out,
        .memo = json_object(),
    };
    ctx.region = "global";
    for (size_t i = 0; i < n_sel; i++) {
        if (sel[i].c->is_global)
            s_eval(&ctx, &sel[i]);
    }
    if (opts->flush)
        opts->flush(opts->flush_user, out);
    for (size_t r = 0; r < n_regions; r++) {
        ctx.region = regions[r];
        for (size_t i = 0; i < n_sel; i++) {
            if (!sel[i].c->is_global) {
                s_eval(&ctx, &sel[i]);
                s_drop_calls(&ctx, sel, n_sel, i);
                if (opts->flush)
                    opts->flush(opts->flush_user, out);
            }
        }
        char *prefix = dw_xstrjoin(regions[r], "|");
        dwi_memo_drop_prefix(ctx.memo, prefix); /* its indexes and digests */
        free(prefix);
        dw_snapshot_evict(snap, regions[r], NULL, NULL);
    }
    json_decref(ctx.memo);
out:
    free(sel);
    free(regions);
    return rc;
}
