/* accounts.c: many accounts in one run (dbward scan --accounts). The list
 * comes from the command line or from AWS Organizations; each account is
 * collected with the role --role-name assumed in it, into DIR/<account-id>/,
 * several accounts at a time under one global limit of requests in flight. */
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "accounts.h"

/* The CLI sees only public headers: small checked allocators of its own. */
static void *s_alloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("dbward: out of memory\n", stderr);
        abort();
    }
    return q;
}

static char *s_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *s_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = s_alloc(NULL, (size_t)(len > 0 ? len : 0) + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)(len > 0 ? len : 0) + 1, fmt, ap);
    va_end(ap);
    return s;
}

#define S_MAX_WORKERS 64

struct s_pool {
    const struct dw_live_opts *base;
    const struct cli_args *a;
    struct cli_account *v;
    size_t n;
    size_t next; /* next account to take, under lock */
    pthread_mutex_t lock;
};

static void *s_worker(void *arg)
{
    struct s_pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next < p->n ? p->next++ : p->n;
        pthread_mutex_unlock(&p->lock);
        if (i == p->n)
            return NULL;
        struct cli_account *acc = &p->v[i];
        char role[256];
        snprintf(role, sizeof(role), "arn:%s:iam::%s:role/%s", p->a->partition ? p->a->partition : "aws", acc->id,
                 p->a->role_name);
        struct dw_live_opts lo = *p->base;
        lo.role_arn = role;
        lo.external_id = p->a->external_id;
        lo.out_dir = acc->dir;
        lo.out_dir_nofollow = true; /* dir/<id>: a planted link there is refused */
        lo.progress = NULL; /* one progress line cannot show several accounts */
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        if (dw_live_collect(&lo, &acc->stats, &err) != DW_OK) {
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
    }
}

static bool s_excluded(const struct cli_args *a, const char *id)
{
    for (size_t i = 0; i < a->n_exclude_accounts; i++) {
        if (strcmp(a->exclude_accounts[i], id) == 0)
            return true;
    }
    return false;
}

int cli_collect_accounts(const struct dw_live_opts *base, const struct cli_args *a, const char *dir,
                         struct cli_account **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    char **ids = NULL;
    size_t n = 0;
    bool org = a->n_accounts == 1 && strcmp(a->accounts[0], "org") == 0;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "dbward: cannot create %s: %s\n", dir, strerror(errno));
        return -1;
    }
    if (org || a->ou) {
        struct dw_live_opts lo = *base;
        lo.out_dir = dir;
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        enum dw_status rc = dw_live_list_accounts(&lo, a->ou, &ids, &n, &err);
        if (rc) {
            fprintf(stderr, "dbward: %s\n", err.message);
            return -1;
        }
    } else {
        ids = s_alloc(NULL, (a->n_accounts ? a->n_accounts : 1) * sizeof(char *));
        for (size_t i = 0; i < a->n_accounts; i++)
            ids[n++] = s_printf("%s", a->accounts[i]);
    }
    struct cli_account *v = s_alloc(NULL, (n ? n : 1) * sizeof(*v));
    memset(v, 0, (n ? n : 1) * sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!s_excluded(a, ids[i])) {
            snprintf(v[k].id, sizeof(v[k].id), "%s", ids[i]);
            snprintf(v[k].dir, sizeof(v[k].dir), "%s/%s", dir, ids[i]);
            k++;
        }
        free(ids[i]);
    }
    free(ids);
    if (!k) {
        fprintf(stderr, "dbward: no account left to scan%s\n", a->n_exclude_accounts ? " after --exclude-accounts" : "");
        free(v);
        return -1;
    }
    /* Several accounts at a time, sharing one limit of requests in flight:
     * each collection gets an equal share of it, at least two, so that
     * many accounts keep the whole limit busy even though each account's
     * calls wait on one another (tables before their details, ...). */
    int total = base->concurrency > 0 ? base->concurrency : 32;
    size_t workers = (size_t)(total / 4 > 0 ? total / 4 : 1);
    if (workers > S_MAX_WORKERS)
        workers = S_MAX_WORKERS;
    if (workers > k)
        workers = k;
    struct dw_live_opts lo = *base;
    lo.concurrency = total / (int)workers > 0 ? total / (int)workers : 1;
    struct s_pool pool = {&lo, a, v, k, 0, PTHREAD_MUTEX_INITIALIZER};
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
    for (size_t i = 0; i < k; i++) {
        if (v[i].failed)
            fprintf(stderr, "dbward: account %s: not scanned: %s\n", v[i].id, v[i].why);
        else
            fprintf(stderr, "dbward: account %s: %llu calls (%llu retries, %llu recorded as failed) in %zu regions, "
                            "%lld ms\n",
                    v[i].id, (unsigned long long)v[i].stats.calls, (unsigned long long)v[i].stats.retries,
                    (unsigned long long)v[i].stats.failed, v[i].stats.regions, (long long)v[i].stats.wall_ms);
    }
    *out = v;
    *n_out = k;
    return 0;
}

static int s_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

int cli_snapshot_tree(const char *dir, char ***subdirs, size_t *n)
{
    *subdirs = NULL;
    *n = 0;
    char *man = s_printf("%s/manifest.json", dir);
    struct stat st;
    bool single = lstat(man, &st) == 0;
    free(man);
    if (single)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    bool bad = false;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *m = s_printf("%s/%s/manifest.json", dir, e->d_name);
        char *sub = s_printf("%s/%s", dir, e->d_name);
        /* Links inside the tree are not followed, and an account folder
         * that is one is refused rather than skipped (it would go missing
         * from the report without a word). */
        if (lstat(sub, &st) == 0 && S_ISLNK(st.st_mode)) {
            fprintf(stderr, "dbward: %s: is a symbolic link; dbward does not follow links inside a snapshot\n",
                    sub);
            free(sub);
            free(m);
            bad = true;
            continue;
        }
        free(sub);
        if (lstat(m, &st) == 0) {
            *subdirs = s_alloc(*subdirs, (*n + 1) * sizeof(char *));
            (*subdirs)[(*n)++] = s_printf("%s/%s", dir, e->d_name);
        }
        free(m);
    }
    closedir(d);
    if (*n)
        qsort(*subdirs, *n, sizeof(char *), s_cmp);
    return bad ? -1 : 0;
}

/* The finding that stands for an account dbward could not enter. */
static const struct dw_control s_access = {
    .id = "ACCOUNT",
    .service = "account",
    .title = "The audit role can be assumed in the account",
    .severity = DW_SEV_HIGH,
    .nist_csf = {"ID.AM-1", NULL},
    .statements = {0},
    .seed = "-",
    .fix_kind = DW_FIX_MANUAL,
    .resource_type = "AWS::::Account",
    .is_global = true,
    .what = "dbward could assume the audit role in the account and collect its evidence.",
    .why = "An account that cannot be audited must show as ERROR, never as an account without failures.",
    .audit = "aws sts assume-role --role-arn arn:aws:iam::<account>:role/<name> --role-session-name check",
    .fix = "Deploy the audit role (for example with a StackSet) and trust the scanning principal.",
};

void cli_account_error(struct dw_findings *f, const struct cli_account *acc, const char *role_name)
{
    struct dw_finding *x = dw_findings_push(f);
    x->control = &s_access;
    x->status = DW_ERROR;
    x->severity = DW_SEV_HIGH;
    x->resource_type = s_printf("%s", "AWS::::Account");
    x->resource_id = s_printf("arn:aws:iam::%s:role/%s", acc->id, role_name);
    x->region = s_printf("%s", "global");
    x->account_id = s_printf("%s", acc->id);
    x->reason = s_printf("account not scanned: %s", acc->why);
}
