/* readahead.c: the worker thread of readahead.h, one per snapshot, started
 * with its first batch. It reads the batch's jobs in order, at most S_LEAD
 * ahead of the next one the caller will take, so what it holds is bounded
 * whatever the batch's length. When the caller gets to a job the worker has
 * not started, the caller reads it itself and the worker goes on past it:
 * both cores read. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snapshot/readahead.h"
#include "util/util.h"

enum {
    S_LEAD = 64,  /* jobs the worker may be ahead of the next take */
    S_SEARCH = 16 /* jobs looked at from the next one for a take */
};

enum { S_PENDING, S_RUNNING, S_DONE, S_DROPPED /* read on, then freed by the worker */, S_GONE };

struct dw_readahead {
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t done_cv; /* a job was read */
    pthread_cond_t work_cv; /* a batch came, the next take moved, or quit */
    bool quit;
    size_t max_bytes;
    /* The batch, under mu. */
    struct dw_ra_job *jobs;
    size_t n;
    size_t next; /* jobs[0..next) are taken or forgotten */
    size_t cur;  /* the worker's first job not looked at */
    size_t running; /* jobs in S_RUNNING or S_DROPPED */
    /* Wake-ups only when they are needed (each is a system call and a
     * switch): the worker, asleep, waits for next to reach wake_at (half
     * its lead used up); the caller, waiting for a job, says so. */
    bool asleep;
    size_t wake_at;
    bool waiting;
    char **folders;
    int *dirs;
    size_t n_dirs;
    char *buf; /* the worker's read buffer */
    size_t cap;
    char *hbuf; /* the caller's, for the jobs it reads while it waits */
    size_t hcap;
};

struct dw_readahead *dw_readahead_new(size_t max_bytes)
{
    struct dw_readahead *ra = dw_xcalloc(1, sizeof(*ra));
    ra->max_bytes = max_bytes;
    pthread_mutex_init(&ra->mu, NULL);
    pthread_cond_init(&ra->done_cv, NULL);
    pthread_cond_init(&ra->work_cv, NULL);
    return ra;
}

/* Frees what job j holds (read or not) and marks it gone. */
static void s_job_clean_up(struct dw_ra_job *j)
{
    json_decref(j->json);
    free(j->err);
    free(j->name);
    free(j->shown);
    memset(j, 0, sizeof(*j));
    j->state = S_GONE;
}

static void s_read(struct dw_readahead *ra, struct dw_ra_job *j, int fd, char **buf, size_t *cap)
{
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    j->rc = dw_json_read_at(fd, j->name, j->shown, j->listed_regular, ra->max_bytes, buf, cap, &j->json, &err);
    if (j->rc) {
        j->err = dw_xmalloc(sizeof(err));
        *j->err = err;
    }
}

/* Reads job j (under mu, released meanwhile), as the worker or as the
 * caller helping it, into the thread's buffer. */
static void s_run(struct dw_readahead *ra, struct dw_ra_job *j, char **buf, size_t *cap)
{
    j->state = S_RUNNING;
    ra->running++;
    int fd = ra->dirs[j->dir];
    pthread_mutex_unlock(&ra->mu);
    s_read(ra, j, fd, buf, cap);
    pthread_mutex_lock(&ra->mu);
    if (j->state == S_DROPPED)
        s_job_clean_up(j);
    else
        j->state = S_DONE;
    ra->running--;
}

static void *s_worker(void *arg)
{
    struct dw_readahead *ra = arg;
    pthread_mutex_lock(&ra->mu);
    while (!ra->quit) {
        /* The job the caller takes next is left to it when not started:
         * the worker reads from the one after, so a loop that only reads
         * has the two reading side by side. */
        if (ra->cur < ra->next + 1)
            ra->cur = ra->next + 1;
        while (ra->cur < ra->n && ra->jobs[ra->cur].state != S_PENDING)
            ra->cur++;
        if (ra->cur >= ra->n || ra->cur >= ra->next + S_LEAD) {
            ra->asleep = true;
            ra->wake_at = ra->cur >= ra->n ? ra->n : ra->next + S_LEAD / 2;
            pthread_cond_wait(&ra->work_cv, &ra->mu);
            ra->asleep = false;
            continue;
        }
        s_run(ra, &ra->jobs[ra->cur++], &ra->buf, &ra->cap);
        if (ra->waiting)
            pthread_cond_broadcast(&ra->done_cv);
    }
    pthread_mutex_unlock(&ra->mu);
    return NULL;
}

/* Forgets job k (under mu): freed now, or by the worker once read. */
static void s_forget(struct dw_readahead *ra, size_t k)
{
    struct dw_ra_job *j = &ra->jobs[k];
    if (j->state == S_RUNNING)
        j->state = S_DROPPED;
    else if (j->state != S_DROPPED)
        s_job_clean_up(j);
}

void dw_readahead_end(struct dw_readahead *ra)
{
    if (!ra)
        return;
    pthread_mutex_lock(&ra->mu);
    for (size_t k = ra->next; k < ra->n; k++)
        s_forget(ra, k);
    while (ra->running) {
        ra->waiting = true;
        pthread_cond_wait(&ra->done_cv, &ra->mu);
    }
    ra->waiting = false;
    free(ra->jobs);
    for (size_t d = 0; d < ra->n_dirs; d++) {
        close(ra->dirs[d]);
        free(ra->folders[d]);
    }
    free(ra->dirs);
    free(ra->folders);
    ra->jobs = NULL;
    ra->dirs = NULL;
    ra->folders = NULL;
    ra->n = ra->next = ra->cur = ra->n_dirs = 0;
    pthread_mutex_unlock(&ra->mu);
}

bool dw_readahead_batch(struct dw_readahead *ra, struct dw_ra_job *jobs, size_t n, char **folders, int *dirs,
                        size_t n_dirs)
{
    dw_readahead_end(ra);
    for (size_t i = 0; i < n; i++)
        jobs[i].state = S_PENDING;
    pthread_mutex_lock(&ra->mu);
    ra->jobs = jobs;
    ra->n = n;
    ra->folders = folders;
    ra->dirs = dirs;
    ra->n_dirs = n_dirs;
    bool ok = ra->started || pthread_create(&ra->thread, NULL, s_worker, ra) == 0;
    ra->started = ok;
    pthread_cond_signal(&ra->work_cv);
    pthread_mutex_unlock(&ra->mu);
    if (!ok) {
        for (size_t i = 0; i < n; i++)
            s_job_clean_up(&jobs[i]);
        dw_readahead_end(ra);
    }
    return ok;
}

bool dw_readahead_take(struct dw_readahead *ra, const char *folder, const char *name, enum dw_status *rc,
                       json_t **json, struct dw_error *err)
{
    if (!ra || ra->next >= ra->n)
        return false;
    size_t d = 0;
    while (d < ra->n_dirs && strcmp(ra->folders[d], folder) != 0)
        d++;
    if (d == ra->n_dirs)
        return false;
    /* Jobs from next on keep their dir and name until taken or forgotten,
     * which only the caller does: they are read here unlocked. */
    size_t i = ra->next, end = ra->next + S_SEARCH < ra->n ? ra->next + S_SEARCH : ra->n;
    while (i < end && (ra->jobs[i].dir != d || strcmp(ra->jobs[i].name, name) != 0))
        i++;
    if (i == end)
        return false;
    pthread_mutex_lock(&ra->mu);
    struct dw_ra_job *j = &ra->jobs[i];
    bool mine = j->state == S_PENDING; /* not started: read by the caller, skipped by the worker */
    while (j->state == S_RUNNING) {
        /* While the worker reads this one, the caller reads a later one
         * (the loop is as fast as the reads: two at a time). */
        size_t k = i + 1, lim = ra->next + S_LEAD < ra->n ? ra->next + S_LEAD : ra->n;
        while (k < lim && ra->jobs[k].state != S_PENDING)
            k++;
        if (k < lim) {
            s_run(ra, &ra->jobs[k], &ra->hbuf, &ra->hcap);
            continue;
        }
        ra->waiting = true;
        pthread_cond_wait(&ra->done_cv, &ra->mu);
    }
    ra->waiting = false;
    for (size_t k = ra->next; k < i; k++)
        s_forget(ra, k);
    ra->next = i + 1;
    if (!mine) {
        *rc = j->rc;
        *json = j->json;
        j->json = NULL;
        if (j->err)
            *err = *j->err;
    }
    s_job_clean_up(j);
    if (ra->asleep && ra->next >= ra->wake_at)
        pthread_cond_signal(&ra->work_cv);
    pthread_mutex_unlock(&ra->mu);
    return !mine;
}

void dw_readahead_free(struct dw_readahead *ra)
{
    if (!ra)
        return;
    dw_readahead_end(ra);
    pthread_mutex_lock(&ra->mu);
    ra->quit = true;
    pthread_cond_signal(&ra->work_cv);
    pthread_mutex_unlock(&ra->mu);
    if (ra->started)
        pthread_join(ra->thread, NULL);
    pthread_mutex_destroy(&ra->mu);
    pthread_cond_destroy(&ra->done_cv);
    pthread_cond_destroy(&ra->work_cv);
    free(ra->buf);
    free(ra->hbuf);
    free(ra);
}
