/* scan.c: runs the selected controls over the regions in scope and collects
 * findings. It owns no I/O beyond what the snapshot does lazily. */
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

enum dw_status dw_scan_run(struct dw_snapshot *snap, const struct dw_scan_opts *opts,
                           struct dw_findings *out, struct dw_error *err)
{
    enum dw_status rc = DW_OK;
    const char **regions = dw_xcalloc(dw_snapshot_region_count(snap) + 1, sizeof(char *));
    size_t n_regions = 0;
    for (size_t i = 0; i < opts->n_params; i++) {
        rc = dw_param_check(opts->params[i].name, opts->params[i].value, err);
        if (rc)
            goto out;
    }
    for (size_t k = 0; k < opts->n_regions; k++) {
        bool known = false;
        for (size_t i = 0; i < dw_snapshot_region_count(snap); i++)
            known = known || strcmp(dw_snapshot_region(snap, i), opts->regions[k]) == 0;
        if (!known) {
            rc = dw_error_set(err, DW_E_USAGE, "--region", 0, 0, 0,
                              "region %s is not in the snapshot's manifest", opts->regions[k]);
            goto out;
        }
    }
    for (size_t i = 0; i < dw_snapshot_region_count(snap); i++) {
        const char *r = dw_snapshot_region(snap, i);
        bool keep = opts->n_regions == 0;
        for (size_t k = 0; k < opts->n_regions && !keep; k++)
            keep = strcmp(opts->regions[k], r) == 0;
        if (keep)
            regions[n_regions++] = r;
    }
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
    for (size_t i = 0; i < dw_registry_count(opts->extra, opts->n_extra); i++) {
        const struct dw_control *c = dw_registry_get(opts->extra, opts->n_extra, i);
        /* Custom controls share one evaluator; ACCOUNT has none (the audit
         * makes its findings). */
        dw_eval_fn eval = c->custom ? dwi_eval_custom : c->eval;
        if (!eval)
            continue;
        if (!dw_control_selected(c, opts->controls, opts->n_controls))
            continue;
        if (opts->n_exclude && dw_control_selected(c, (const char **)opts->exclude, opts->n_exclude))
            continue;
        enum dw_severity sev = dw_scan_severity(opts, c);
        if (opts->severity_mask && !(opts->severity_mask & (1u << sev)))
            continue;
        size_t first = out->n;
        if (c->is_global) {
            ctx.region = "global";
            eval(&ctx, c);
            for (size_t k = first; k < out->n; k++)
                out->v[k].severity = sev;
            continue;
        }
        for (size_t r = 0; r < n_regions; r++) {
            ctx.region = regions[r];
            eval(&ctx, c);
        }
        for (size_t k = first; k < out->n; k++)
            out->v[k].severity = sev;
    }
    json_decref(ctx.memo);
out:
    free(regions);
    return rc;
}
