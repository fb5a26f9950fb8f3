/* accounts.c: many accounts in one run (dbward scan --accounts). The list
 * comes from the options or from AWS Organizations; each account is
 * collected in memory with the role role_name assumed in it (and saved into
 * DIR/<account-id>/ with --save-snapshot), several accounts at a time under
 * one global limit of requests in flight, and evaluated as soon as it is
 * complete.
 * Also the tree of per-account snapshot folders such a run leaves, and the
 * ERROR finding of an account that could not be entered. Prints nothing. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit_int.h"
#include "util/util.h"

#define S_MAX_WORKERS 64

struct s_pool {
    const struct dw_live_opts *base;
    const struct dw_audit_opts *a;
    const struct dw_scan_opts *so;
    struct dwi_account *v;
    size_t n;
    size_t next; /* next account to take, under lock */
    pthread_mutex_t lock;
    /* One evaluation at a time: the evaluators were written for one
     * thread; the collections go on meanwhile. */
    pthread_mutex_t eval_lock;
    /* Under eval_lock: which accounts are done, and how many of the list's
     * first ones went to ready, in list order (a failed one is skipped:
     * its ERROR finding comes after every account). */
    bool *done;
    size_t handed;
    dwi_account_ready_fn ready;
    void *user;
};

/* Marks account i done and hands over every account of the done prefix
 * of the list; call under eval_lock. */
static void s_done(struct s_pool *p, size_t i)
{
    p->done[i] = true;
    while (p->handed < p->n && p->done[p->handed]) {
        struct dwi_account *acc = &p->v[p->handed++];
        if (!acc->failed && p->ready)
            p->ready(p->user, acc);
    }
}

static void *s_worker(void *arg)
{
    struct s_pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next < p->n ? p->next++ : p->n;
        pthread_mutex_unlock(&p->lock);
        if (i == p->n)
            return NULL;
        struct dwi_account *acc = &p->v[i];
        char role[256];
        snprintf(role, sizeof(role), "arn:%s:iam::%s:role/%s", p->a->partition ? p->a->partition : "aws", acc->id,
                 p->a->role_name);
        struct dw_live_opts lo = *p->base;
        lo.role_arn = role;
        lo.external_id = p->a->external_id;
        lo.out_dir = acc->dir[0] ? acc->dir : NULL;
        lo.out_dir_nofollow = true; /* dir/<id>: a planted link there is refused */
        lo.progress = NULL; /* one progress line cannot show several accounts */
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        struct dw_snapshot *snap = NULL;
        if (dw_live_collect(&lo, &snap, &acc->stats, &err) != DW_OK) {
            acc->failed = true;
            /* A file that could not be written is named with the OS error. */
            if (err.status == DW_E_IO && err.source[0])
                snprintf(acc->why, sizeof(acc->why), "%.300s: %.200s", err.source, err.message);
            else
                snprintf(acc->why, sizeof(acc->why), "%s", err.message);
        } else if (strcmp(acc->stats.account_id, acc->id) != 0) {
            /* The role answered for another account: never mix evidence. */
            acc->failed = true;
            snprintf(acc->why, sizeof(acc->why), "role %s answered as account %s", role, acc->stats.account_id);
        }
        pthread_mutex_lock(&p->eval_lock);
        if (!acc->failed)
            dwi_audit_eval(snap, p->so, &acc->eval);
        dw_snapshot_free(snap); /* what the report needs is in acc->eval */
        s_done(p, i);
        pthread_mutex_unlock(&p->eval_lock);
    }
}

static bool s_excluded(const struct dw_audit_opts *a, const char *id)
{
    for (size_t i = 0; i < a->n_exclude_accounts; i++) {
        if (strcmp(a->exclude_accounts[i], id) == 0)
            return true;
    }
    return false;
}

enum dw_status dwi_audit_collect_accounts(const struct dw_audit_opts *a, const struct dw_live_opts *base,
                                          const char *dir, const struct dw_scan_opts *so,
                                          dwi_account_ready_fn ready, void *user,
                                          struct dwi_account **out, size_t *n_out, struct dw_error *err)
{
    *out = NULL;
    *n_out = 0;
    char **ids = NULL;
    size_t n = 0;
    bool org = a->n_accounts == 1 && strcmp(a->accounts[0], "org") == 0;
    if (dir && mkdir(dir, 0700) != 0 && errno != EEXIST)
        return dw_error_set(err, DW_E_IO, "", 0, 0, 0, "cannot create %s: %s", dir, strerror(errno));
    if (org || a->ou) {
        struct dw_live_opts lo = *base;
        lo.out_dir = dir;
        struct dw_error lerr;
        memset(&lerr, 0, sizeof(lerr));
        enum dw_status rc = dw_live_list_accounts(&lo, a->ou, &ids, &n, &lerr);
        if (rc)
            return dw_error_set(err, rc, "", 0, 0, 0, "%s", lerr.message);
    } else {
        ids = dw_xmalloc((a->n_accounts ? a->n_accounts : 1) * sizeof(char *));
        for (size_t i = 0; i < a->n_accounts; i++)
            ids[n++] = dw_xasprintf("%s", a->accounts[i]);
    }
    /* The exclusions first, then the shard of what is left (and each id once). */
    size_t left = 0;
    for (size_t i = 0; i < n; i++) {
        if (!s_excluded(a, ids[i]))
            ids[left++] = ids[i];
        else
            free(ids[i]);
    }
    bool *keep = dw_xmalloc((left ? left : 1) * sizeof(*keep));
    size_t mine = dwi_shard_select((const char *const *)ids, left, &a->shard, keep);
    struct dwi_account *v = dw_xmalloc((left ? left : 1) * sizeof(*v));
    memset(v, 0, (left ? left : 1) * sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < left; i++) {
        if (keep[i]) {
            snprintf(v[k].id, sizeof(v[k].id), "%s", ids[i]);
            if (dir)
                snprintf(v[k].dir, sizeof(v[k].dir), "%s/%s", dir, ids[i]);
            k++;
        }
        free(ids[i]);
    }
    free(ids);
    free(keep);
    if (!left) {
        free(v);
        return dw_error_set(err, DW_E_USAGE, "", 0, 0, 0, "no account left to scan%s",
                            a->n_exclude_accounts ? " after --exclude-accounts" : "");
    }
    if (a->shard.count)
        dwi_audit_note(a, false, "shard %u/%u: %zu of %zu accounts", a->shard.index, a->shard.count, mine,
                       left);
    if (!k) {
        /* More shards than accounts: this one has nothing to do, which is not an error. */
        free(v);
        return DW_OK;
    }
    /* Several accounts at a time, sharing one limit of requests in flight:
     * each collection gets an equal share of it, at least two, so that
     * many accounts keep the whole limit busy even though each account's
     * calls wait on one another (tables before their details, ...). The
     * bounds: requests in flight at most `total` (each collection
     * total / workers); memory at most `workers` accounts' snapshots (a
     * collection that finished waits for its evaluation before it takes
     * the next account), plus the findings of the accounts that finished
     * before one earlier in the list (each account's go to ready as soon
     * as every earlier one is done); disk nothing but --save-snapshot. */
    int total = base->concurrency > 0 ? base->concurrency : DW_LIVE_CONCURRENCY;
    size_t workers = (size_t)(total / DW_LIVE_ACCOUNT_SHARE > 0 ? total / DW_LIVE_ACCOUNT_SHARE : 1);
    if (workers > S_MAX_WORKERS)
        workers = S_MAX_WORKERS;
    if (workers > k)
        workers = k;
    struct dw_live_opts lo = *base;
    lo.concurrency = total / (int)workers > 0 ? total / (int)workers : 1;
    struct s_pool pool = {&lo, a, so, v, k, 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                          dw_xcalloc(k, sizeof(bool)), 0, ready, user};
    dw_live_global_init();
    pthread_t th[S_MAX_WORKERS];
    size_t started = 0;
    for (size_t i = 0; i < workers; i++) {
        if (pthread_create(&th[i], NULL, s_worker, &pool) == 0)
            started++;
    }
    if (!started)
        s_worker(&pool);
    for (size_t i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    free(pool.done);
    for (size_t i = 0; i < k; i++) {
        if (v[i].failed)
            dwi_audit_note(a, false, "account %s: not scanned: %s", v[i].id, v[i].why);
        else
            dwi_audit_note(a, false, "account %s: %llu calls (%llu retries, %llu recorded as failed) in %zu regions, "
                                     "%lld ms",
                    v[i].id, (unsigned long long)v[i].stats.calls, (unsigned long long)v[i].stats.retries,
                    (unsigned long long)v[i].stats.failed, v[i].stats.regions, (long long)v[i].stats.wall_ms);
    }
    *out = v;
    *n_out = k;
    return DW_OK;
}

static int s_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

enum dw_status dwi_audit_snapshot_tree(const struct dw_audit_opts *o, const char *dir, char ***subdirs,
                                       size_t *n, struct dw_error *err)
{
    *subdirs = NULL;
    *n = 0;
    char *man = dw_xasprintf("%s/manifest.json", dir);
    struct stat st;
    bool single = lstat(man, &st) == 0;
    free(man);
    if (single)
        return DW_OK;
    DIR *d = opendir(dir);
    if (!d)
        return DW_OK;
    bool bad = false;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *m = dw_xasprintf("%s/%s/manifest.json", dir, e->d_name);
        char *sub = dw_xasprintf("%s/%s", dir, e->d_name);
        /* Links inside the tree are not followed, and an account folder
         * that is one is refused rather than skipped (it would go missing
         * from the report without a word). */
        if (lstat(sub, &st) == 0 && S_ISLNK(st.st_mode)) {
            dwi_audit_note(o, false, "%s: is a symbolic link; dbward does not follow links inside a snapshot", sub);
            free(sub);
            free(m);
            bad = true;
            continue;
        }
        free(sub);
        if (lstat(m, &st) == 0) {
            *subdirs = dw_xrealloc(*subdirs, (*n + 1) * sizeof(char *));
            (*subdirs)[(*n)++] = dw_xasprintf("%s/%s", dir, e->d_name);
        }
        free(m);
    }
    closedir(d);
    if (*n)
        qsort(*subdirs, *n, sizeof(char *), s_cmp);
    return bad ? dw_error_set(err, DW_E_IO, "", 0, 0, 0, "%s", "") : DW_OK;
}

void dwi_audit_account_error(struct dw_findings *f, const struct dwi_account *acc, const char *role_name)
{
    struct dw_finding *x = dw_findings_push(f);
    x->control = dw_account_control();
    x->status = DW_ERROR;
    x->severity = DW_SEV_HIGH;
    x->resource_type = dw_xasprintf("%s", "AWS::::Account");
    x->resource_id = dw_xasprintf("arn:aws:iam::%s:role/%s", acc->id, role_name);
    x->region = dw_xasprintf("%s", "global");
    x->account_id = dw_xasprintf("%s", acc->id);
    x->reason = dw_xasprintf("account not scanned: %s", acc->why);
}
