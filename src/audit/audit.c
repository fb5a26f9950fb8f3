/* audit.c: one audit run (dbward/audit.h): the config merged into the
 * options, the evidence found or collected, the controls evaluated, the
 * accounts that could not be entered turned into ERROR findings, the
 * suppressions applied and the report's metadata filled. Arrays grow as
 * needed; every string the metadata shows is owned by the audit. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <dbward/creds.h>

#include "audit/audit_int.h"
#include "util/util.h"

/* A growable array of pointers. */
struct s_vec {
    const void **v;
    size_t n, cap;
};

static void s_vec_push(struct s_vec *a, const void *p)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 16;
        a->v = dw_xrealloc(a->v, a->cap * sizeof(*a->v));
    }
    a->v[a->n++] = p;
}

struct dw_audit_int {
    struct s_vec owned;      /* strings to free */
    struct s_vec regions;    /* the report's regions (owned strings) */
    struct s_vec accounts;   /* the report's accounts (owned strings) */
    char partition[32];
    char taken_at[32];
    bool *warned;            /* per suppression: its expiry was said (once a run) */
    struct dw_custom_set custom; /* the config's controls; findings point at them */
    const char **run_controls;   /* the ids evaluated (borrowed from the registry) */
    size_t n_run_controls;
    const char **selected;       /* the selection globs (owned copies) */
    size_t n_selected;
    struct dw_param_value *run_params; /* every parameter with its value (borrowed strings) */
    size_t n_run_params;
    char config_sha256[65];
    bool meta_early;             /* one snapshot: the metadata was made before its findings */
};

/* The ids the scan will evaluate, as dw_scan_run selects them (ACCOUNT,
 * which the audit itself judges, among them): the report's record of its
 * selection. */
static void s_selection(const struct dw_scan_opts *so, struct dw_audit_int *in)
{
    size_t n = dw_registry_count(so->extra, so->n_extra);
    in->run_controls = dw_xcalloc(n + 1, sizeof(*in->run_controls));
    for (size_t i = 0; i < n; i++) {
        const struct dw_control *c = dw_registry_get(so->extra, so->n_extra, i);
        if (dw_scan_selects(so, c))
            in->run_controls[in->n_run_controls++] = c->id;
    }
}

/* Hex SHA-256 of the config file's bytes, "" when it cannot be read. */
static void s_file_sha256(const char *path, char out[65])
{
    struct dw_buf b;
    out[0] = '\0';
    dw_buf_init(&b, (size_t)16 << 20);
    if (dw_buf_read_file(&b, path) == DW_OK) {
        unsigned char md[32];
        unsigned int len = 0;
        if (EVP_Digest(b.data, b.len, md, &len, EVP_sha256(), NULL) == 1 && len == 32) {
            for (int i = 0; i < 32; i++)
                snprintf(out + 2 * i, 3, "%02x", md[i]);
        }
    }
    dw_buf_clean_up(&b);
}


void dwi_audit_note(const struct dw_audit_opts *o, bool is_warning, const char *fmt, ...)
{
    if (!o->note)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *line = dw_xvasprintf(fmt, ap);
    va_end(ap);
    o->note(o->user, line, is_warning);
    free(line);
}

/* An expired suppression's warning, passed on to the caller's note. */
static void s_warn(void *user, const char *msg)
{
    const struct dw_audit_opts *o = user;
    if (o->note)
        o->note(o->user, msg, true);
}

static const char *s_own(struct dw_audit_int *in, const char *s)
{
    char *c = dw_xstrdup(s);
    s_vec_push(&in->owned, c);
    return c;
}

enum dw_status dw_audit_check_regions(const char *const *regions, size_t n, const char *profile,
                                      const char *endpoint_url, struct dw_error *err)
{
    if (endpoint_url)
        return DW_OK;
    for (size_t i = 0; i < n; i++) {
        if (!dw_region_known(regions[i], NULL))
            return dw_error_set(err, DW_E_USAGE, "", 0, 0, 0,
                                "unknown region \"%s\" (--region): not a region of any AWS partition; "
                                "--endpoint-url allows any name", regions[i]);
    }
    char *home = dw_creds_default_region(profile);
    enum dw_status rc = DW_OK;
    if (home && !dw_region_known(home, NULL))
        rc = dw_error_set(err, DW_E_USAGE, "", 0, 0, 0,
                          "unknown region \"%s\" (AWS_REGION, AWS_DEFAULT_REGION or the profile's region): "
                          "not a region of any AWS partition; --endpoint-url allows any name", home);
    free(home);
    return rc;
}

/* Live, one account: collected in memory (and saved into save_snapshot
 * when given), then evaluated into ev. */
static enum dw_status s_live_one(const struct dw_audit_opts *o, struct dw_live_opts *lo,
                                 const struct dw_scan_opts *so, struct dwi_eval *ev, struct dw_error *err)
{
    struct dw_live_stats st;
    memset(&st, 0, sizeof(st));
    lo->out_dir = o->save_snapshot;
    struct dw_snapshot *snap = NULL;
    enum dw_status rc = dw_live_collect(lo, &snap, &st, err);
    if (rc) {
        /* A file the collection could not write is named; other failures
         * (credentials, regions) say what they are in the message. */
        if (err && err->status != DW_E_IO) {
            err->source[0] = '\0';
            err->line = err->column = 0;
        }
        size_t dl = o->save_snapshot ? strlen(o->save_snapshot) : 0;
        if (err && err->status == DW_E_IO && dl && strncmp(err->source, o->save_snapshot, dl) == 0 &&
            err->source[dl] == '/')
            if (o->snapshot_incomplete)
                *o->snapshot_incomplete = true;
        return rc ? rc : DW_E_IO;
    }
    char rate[128] = "";
    if (st.throttles && st.lowest_rate > 0)
        snprintf(rate, sizeof(rate), ", %llu throttled, lowest rate %.1f/s (%s)", (unsigned long long)st.throttles,
                 st.lowest_rate, st.lowest_endpoint);
    else if (st.throttles)
        snprintf(rate, sizeof(rate), ", %llu throttled", (unsigned long long)st.throttles);
    dwi_audit_note(o, false,
                   "account %s: %llu calls (%llu retries, %llu recorded as failed) in %zu regions, "
                   "%lld ms, longest chain %d round trips%s%s",
                   st.account_id, (unsigned long long)st.calls, (unsigned long long)st.retries,
                   (unsigned long long)st.failed, st.regions, (long long)st.wall_ms, st.max_depth, rate,
                   st.refreshes ? ", credentials refreshed" : "");
    dwi_audit_eval(snap, so, ev);
    dw_snapshot_free(snap);
    return DW_OK;
}

/* What the report's metadata takes from an evaluated snapshot: its
 * account, partition, time and the regions of it in scope. */
static void s_eval_meta(const struct dw_snapshot *snap, const struct dw_scan_opts *so, struct dwi_eval *out)
{
    snprintf(out->account_id, sizeof(out->account_id), "%s", dw_snapshot_account_id(snap));
    snprintf(out->partition, sizeof(out->partition), "%s", dw_snapshot_partition(snap));
    snprintf(out->taken_at, sizeof(out->taken_at), "%s", dw_snapshot_taken_at_iso(snap));
    out->regions = dw_xcalloc(dw_snapshot_region_count(snap) + 1, sizeof(char *));
    for (size_t i = 0; i < dw_snapshot_region_count(snap); i++) {
        const char *r = dw_snapshot_region(snap, i);
        bool keep = so->n_regions == 0;
        for (size_t k = 0; k < so->n_regions && !keep; k++)
            keep = strcmp(so->regions[k], r) == 0;
        if (keep)
            out->regions[out->n_regions++] = dw_xstrdup(r);
    }
}

void dwi_audit_eval(struct dw_snapshot *snap, const struct dw_scan_opts *so, struct dwi_eval *out)
{
    out->rc = dw_scan_run(snap, so, &out->findings, &out->err);
    if (out->rc)
        return;
    s_eval_meta(snap, so, out);
}

void dwi_audit_eval_clean_up(struct dwi_eval *e)
{
    dw_findings_clean_up(&e->findings);
    for (size_t i = 0; i < e->n_regions; i++)
        free(e->regions[i]);
    free(e->regions);
    memset(e, 0, sizeof(*e));
}

/* Findings of one account (of one region, or its ERROR), final: the
 * suppressions applied, then counted and either handed to the stream (and
 * dropped) or kept. batch is emptied. */
static void s_batch(const struct dw_audit_opts *o, struct dw_audit *au, struct dw_findings *batch)
{
    const struct dw_config *cfg = o->cfg;
    if (cfg && cfg->n_supp && !au->in->warned)
        au->in->warned = dw_xcalloc(cfg->n_supp, sizeof(bool));
    dw_suppressions_apply(cfg, batch, o->now_epoch_s, au->in->warned, s_warn, (void *)o);
    dw_summary_add(&au->counts, batch);
    au->n_findings += batch->n;
    if (o->on_findings) {
        o->on_findings(o->user, batch);
        dw_findings_clear(batch);
        return;
    }
    if (!au->findings.n) {
        au->findings = *batch;
    } else {
        for (size_t i = 0; i < batch->n; i++)
            *dw_findings_push(&au->findings) = batch->v[i];
        free(batch->v); /* the findings themselves moved */
    }
    memset(batch, 0, sizeof(*batch));
}

/* The scan's flush where an evaluation is added as it runs (one snapshot
 * folder, one live account): each control's findings in a region are a batch. */
struct s_flush {
    const struct dw_audit_opts *o;
    struct dw_audit *au;
};

static void s_flush_batch(void *user, struct dw_findings *out)
{
    struct s_flush *fl = user;
    s_batch(fl->o, fl->au, out);
}

/* What the metadata needs of an evaluation (s_eval_meta's). */
static void s_add_meta(struct dw_audit_int *in, const struct dwi_eval *ev)
{
    snprintf(in->partition, sizeof(in->partition), "%s", ev->partition);
    /* The report's time is the oldest evidence's. */
    if (!in->taken_at[0] || strcmp(ev->taken_at, in->taken_at) < 0)
        snprintf(in->taken_at, sizeof(in->taken_at), "%s", ev->taken_at);
    s_vec_push(&in->accounts, s_own(in, ev->account_id));
    for (size_t i = 0; i < ev->n_regions; i++) {
        bool keep = true;
        for (size_t k = 0; k < in->regions.n && keep; k++)
            keep = strcmp(in->regions.v[k], ev->regions[i]) != 0;
        if (keep)
            s_vec_push(&in->regions, s_own(in, ev->regions[i]));
    }
}

/* Adds an evaluation to the audit: its findings (taken) and what the
 * metadata needs. Its error, when it failed. */
static enum dw_status s_add_eval(const struct dw_audit_opts *o, struct dw_audit *au, struct dwi_eval *ev,
                                 struct dw_error *err)
{
    struct dw_audit_int *in = au->in;
    if (ev->rc) {
        if (err)
            *err = ev->err;
        return ev->rc;
    }
    s_batch(o, au, &ev->findings);
    if (!in->meta_early)
        s_add_meta(in, ev);
    return DW_OK;
}

/* Many accounts: each evaluated account joins the report as soon as the
 * accounts before it in the list are done (dwi_audit_collect_accounts
 * calls one at a time); the first failure is kept. */
struct s_ready {
    const struct dw_audit_opts *o;
    struct dw_audit *au;
    enum dw_status rc;
    struct dw_error err;
};

static void s_account_ready(void *user, struct dwi_account *acc)
{
    struct s_ready *r = user;
    struct dw_error e;
    memset(&e, 0, sizeof(e));
    enum dw_status rc = s_add_eval(r->o, r->au, &acc->eval, &e);
    if (rc && !r->rc) {
        r->rc = rc;
        r->err = e;
    }
    dwi_audit_eval_clean_up(&acc->eval);
}

/* Evaluates one snapshot folder into the audit. */
/* The report's metadata, from what the audit gathered. */
static void s_meta_fill(const struct dw_audit_opts *o, struct dw_audit *au)
{
    struct dw_audit_int *in = au->in;
    const struct dw_config *cfg = o->cfg;
    au->meta = (struct dw_report_meta){
        .account_id = in->accounts.n == 1 ? in->accounts.v[0] : "multiple",
        .partition = in->partition,
        .regions = (const char **)in->regions.v,
        .n_regions = in->regions.n,
        .taken_at = in->taken_at,
        .source = o->snapshot ? o->snapshot : "live",
        .accounts = (const char **)in->accounts.v,
        .n_accounts = in->accounts.n,
        .has_run = true,
        .controls = in->run_controls,
        .n_controls = in->n_run_controls,
        .selected = in->selected,
        .n_selected = in->n_selected,
        .excluded = cfg ? (const char **)cfg->exclude : NULL,
        .n_excluded = cfg ? cfg->n_exclude : 0,
        .severity_mask = o->severity_mask,
        .params = in->run_params,
        .n_params = in->n_run_params,
        .config_path = cfg ? cfg->path : NULL,
        .config_sha256 = cfg && in->config_sha256[0] ? in->config_sha256 : NULL,
    };
}

static enum dw_status s_eval_dir(const struct dw_audit_opts *o, const char *dir, const struct dw_scan_opts *so,
                                 struct dw_audit *au, bool alone, struct dw_error *err)
{
    struct dw_snapshot *one = NULL;
    enum dw_status rc = dw_snapshot_open(dir, &one, err);
    if (rc)
        return rc;
    dw_snapshot_set_readahead(one, !o->one_thread);
    struct dwi_eval ev;
    memset(&ev, 0, sizeof(ev));
    if (alone && o->on_findings && o->on_meta) {
        /* The only snapshot of the run: the metadata is final now. */
        struct dwi_eval m;
        memset(&m, 0, sizeof(m));
        s_eval_meta(one, so, &m);
        s_add_meta(au->in, &m);
        dwi_audit_eval_clean_up(&m);
        au->in->meta_early = true;
        s_meta_fill(o, au);
        o->on_meta(o->user, &au->meta);
    }
    dwi_audit_eval(one, so, &ev);
    dw_snapshot_free(one);
    rc = s_add_eval(o, au, &ev, err);
    dwi_audit_eval_clean_up(&ev);
    return rc;
}

enum dw_status dw_audit_run(const struct dw_audit_opts *o, struct dw_audit **out, struct dw_error *err)
{
    const struct dw_config *cfg = o->cfg;
    struct dw_audit *au = dw_xcalloc(1, sizeof(*au));
    struct dw_audit_int *in = dw_xcalloc(1, sizeof(*in));
    au->in = in;
    snprintf(in->partition, sizeof(in->partition), "aws");
    struct dw_param_value *params = NULL;
    struct s_vec regions = {0}, controls = {0}, dirs = {0};
    struct dwi_account *accts = NULL;
    size_t n_accts = 0;
    enum dw_status rc = DW_OK;
    *out = NULL;

    /* The config first, the options after it: later values win. */
    size_t n_cfg_params = cfg ? cfg->n_params : 0;
    params = dw_xcalloc(n_cfg_params + o->n_params + 1, sizeof(*params));
    for (size_t i = 0; i < n_cfg_params; i++)
        params[i] = cfg->params[i];
    for (size_t i = 0; i < o->n_params; i++)
        params[n_cfg_params + i] = o->params[i];
    for (size_t i = 0; i < o->n_regions; i++)
        s_vec_push(&regions, o->regions[i]);
    for (size_t i = 0; cfg && !o->n_regions && i < cfg->n_regions; i++)
        s_vec_push(&regions, cfg->regions[i]);
    for (size_t i = 0; i < o->n_controls; i++)
        s_vec_push(&controls, o->controls[i]);
    for (size_t i = 0; cfg && !o->n_controls && i < cfg->n_include; i++)
        s_vec_push(&controls, cfg->include[i]);
    const char **region_v = (const char **)regions.v;
    const char **control_v = (const char **)controls.v;

    rc = dw_custom_build(cfg, &in->custom, err);
    if (rc)
        goto out;
    for (size_t i = 0; i < controls.n; i++) {
        if (!dw_registry_any(in->custom.controls, in->custom.n, control_v[i])) {
            rc = dw_error_set(err, DW_E_USAGE, "", 0, 0, 0, "--controls %s matches no control (see dbward controls)",
                              control_v[i]);
            goto out;
        }
    }
    struct dw_scan_opts so = {
        .controls = control_v,
        .n_controls = controls.n,
        .severity_mask = o->severity_mask,
        .regions = region_v,
        .n_regions = regions.n,
        .params = params,
        .n_params = n_cfg_params + o->n_params,
        .exclude = cfg ? (const char *const *)cfg->exclude : NULL,
        .n_exclude = cfg ? cfg->n_exclude : 0,
        .extra = in->custom.controls,
        .n_extra = in->custom.n,
        .sev_ids = cfg ? (const char *const *)cfg->sev_ids : NULL,
        .sev_values = cfg ? cfg->sev_values : NULL,
        .n_sev = cfg ? cfg->n_sev : 0,
    };
    s_selection(&so, in);
    /* Where an evaluation joins the report as it runs, its findings leave
     * control by control, region by region. */
    struct s_flush fl = {o, au};
    struct dw_scan_opts by_region = so;
    by_region.flush = s_flush_batch;
    by_region.flush_user = &fl;
    if (!in->n_run_controls) {
        rc = dw_error_set(err, DW_E_USAGE, "", 0, 0, 0,
                          "the selection matches no control: %s%s%s (see dbward controls)",
                          controls.n ? "these --controls" : "every control",
                          o->severity_mask ? " with this --severity" : "",
                          cfg && cfg->n_exclude ? ", less the config's exclude" : "");
        goto out;
    }
    in->selected = dw_xcalloc(controls.n + 1, sizeof(*in->selected));
    for (size_t i = 0; i < controls.n; i++)
        in->selected[in->n_selected++] = s_own(in, control_v[i]);
    in->run_params = dw_xcalloc(dw_param_def_count() + 1, sizeof(*in->run_params));
    for (size_t i = 0; i < dw_param_def_count(); i++) {
        const struct dw_param_def *d = dw_param_def_get(i);
        struct dw_param_value pv = {d->name, d->def};
        for (size_t k = 0; k < n_cfg_params + o->n_params; k++) {
            if (strcmp(params[k].name, d->name) == 0)
                pv.value = params[k].value;
        }
        in->run_params[in->n_run_params++] = pv;
    }
    if (cfg)
        s_file_sha256(cfg->path, in->config_sha256);
    /* The snapshots to evaluate: one folder, a tree of per-account folders
     * (a multi-account --save-snapshot), or what the live collection wrote.
     * Accounts that could not be entered come back as ERROR findings, not
     * as missing accounts. */
    if (o->snapshot) {
        char **sub = NULL;
        size_t n_sub = 0;
        rc = dwi_audit_snapshot_tree(o, o->snapshot, &sub, &n_sub, err);
        /* --shard over a tree: the account folders' names are the ids. */
        const char **names = dw_xmalloc((n_sub ? n_sub : 1) * sizeof(*names));
        bool *keep = dw_xmalloc((n_sub ? n_sub : 1) * sizeof(*keep));
        for (size_t i = 0; i < n_sub; i++)
            names[i] = strrchr(sub[i], '/') ? strrchr(sub[i], '/') + 1 : sub[i];
        size_t mine = dwi_shard_select(names, n_sub, &o->shard, keep);
        for (size_t i = 0; i < n_sub; i++) {
            if (keep[i])
                s_vec_push(&dirs, sub[i]);
            else
                free(sub[i]);
        }
        free(names);
        free(keep);
        free(sub);
        if (rc)
            goto out;
        if (o->shard.count && !n_sub) {
            rc = dw_error_set(err, DW_E_USAGE, "", 0, 0, 0,
                              "--shard: %s is one account's snapshot, not a tree of account folders", o->snapshot);
            goto out;
        }
        if (o->shard.count)
            dwi_audit_note(o, false, "shard %u/%u: %zu of %zu accounts", o->shard.index, o->shard.count, mine,
                           n_sub);
        if (!dirs.n && !o->shard.count)
            s_vec_push(&dirs, dw_xstrdup(o->snapshot));
    } else {
        struct dw_live_opts lo = o->live;
        lo.regions = region_v;
        lo.n_regions = regions.n;
        lo.params = params; /* plan inputs, such as DDB-11's metric window */
        lo.n_params = n_cfg_params + o->n_params;
        rc = dw_audit_check_regions((const char *const *)region_v, regions.n, lo.profile, lo.endpoint_url, err);
        if (rc)
            goto out;
        if (o->n_accounts) {
            /* Each account evaluated as it completes; the findings join
             * the report in the list's order, whichever finished first. */
            struct s_ready ready = {o, au, DW_OK, {0}};
            rc = dwi_audit_collect_accounts(o, &lo, o->save_snapshot, &so, s_account_ready, &ready, &accts,
                                            &n_accts, err);
            if (!rc && ready.rc) {
                rc = ready.rc;
                if (err)
                    *err = ready.err;
            }
            if (rc)
                goto out;
        } else {
            struct dwi_eval ev;
            memset(&ev, 0, sizeof(ev));
            rc = s_live_one(o, &lo, &by_region, &ev, err);
            if (!rc)
                rc = s_add_eval(o, au, &ev, err);
            dwi_audit_eval_clean_up(&ev);
            if (rc)
                goto out;
        }
    }
    for (size_t d = 0; d < dirs.n; d++) {
        rc = s_eval_dir(o, dirs.v[d], &by_region, au, dirs.n == 1 && !n_accts, err);
        if (rc)
            goto out;
    }
    for (size_t i = 0; i < n_accts; i++) {
        if (accts[i].failed) {
            struct dw_findings batch = {0};
            dwi_audit_account_error(&batch, &accts[i], o->role_name);
            s_batch(o, au, &batch);
            dw_findings_clean_up(&batch); /* streamed: the vector is kept for reuse */
            s_vec_push(&in->accounts, s_own(in, accts[i].id));
        }
    }
    s_meta_fill(o, au);
out:
    for (size_t i = 0; i < dirs.n; i++)
        free((void *)dirs.v[i]);
    free(dirs.v);
    free(regions.v);
    free(controls.v);
    free(params);
    for (size_t i = 0; i < n_accts; i++)
        dwi_audit_eval_clean_up(&accts[i].eval);
    free(accts);
    if (rc) {
        dw_audit_free(au);
        return rc;
    }
    *out = au;
    return DW_OK;
}

void dw_audit_free(struct dw_audit *a)
{
    if (!a)
        return;
    struct dw_audit_int *in = a->in;
    dw_findings_clean_up(&a->findings);
    if (in) {
        dw_custom_set_clean_up(&in->custom);
        for (size_t i = 0; i < in->owned.n; i++)
            free((void *)in->owned.v[i]);
        free(in->owned.v);
        free(in->regions.v);
        free(in->accounts.v);
        free(in->run_controls);
        free(in->selected);
        free(in->run_params);
        free(in->warned);
        free(in);
    }
    free(a);
}
