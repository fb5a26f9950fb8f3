/* readahead.h: reads and parses, on a second thread, the JSON files a loop
 * over many keys is about to ask the snapshot for (snapshot.c's
 * dw_snapshot_prefetch), so the next keys' files are parsed while the
 * current one is evaluated, and a loop that only reads has both cores
 * reading. The answers are what the calling thread would have read itself:
 * the same read functions and parser, the same error texts; a file that was
 * not read ahead is read by the caller as before. Internal to src/snapshot. */
#ifndef DW_SNAPSHOT_READAHEAD_H
#define DW_SNAPSHOT_READAHEAD_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include <dbward/error.h>

/* One file to read: name in folder dirs[dir] of its batch, the listing
 * showed it as a regular file (listed_regular) or did not say; shown names
 * it in errors. Strings are new, owned by the readahead once given. */
struct dw_ra_job {
    size_t dir;
    char *name;
    char *shown;
    bool listed_regular;
    /* the rest is the readahead's */
    int state;
    enum dw_status rc;
    json_t *json;
    struct dw_error *err; /* new, when rc is not DW_OK */
};

struct dw_readahead;

struct dw_readahead *dw_readahead_new(size_t max_bytes);
/* Frees ra (NULL allowed): the worker stops and nothing read is kept. */
void dw_readahead_free(struct dw_readahead *ra);

/* Gives the worker a batch: jobs[0..n), each in one of the n_dirs folders
 * (folders[d] its path below the snapshot root, dirs[d] a descriptor of
 * it); all taken over, closed and freed at the batch's end. An earlier
 * batch ends first. False when no thread can run: the batch is freed and
 * the caller reads as before. */
bool dw_readahead_batch(struct dw_readahead *ra, struct dw_ra_job *jobs, size_t n, char **folders, int *dirs,
                        size_t n_dirs);

/* The answer for name in folder when it is among the batch's next jobs and
 * read or being read: waits for it, moves it out (*rc, *json new, *err)
 * and forgets the jobs before it. False otherwise (the caller reads it; the
 * worker will not). */
bool dw_readahead_take(struct dw_readahead *ra, const char *folder, const char *name, enum dw_status *rc,
                       json_t **json, struct dw_error *err);

/* Ends the batch, if any: what was read and not taken is freed. */
void dw_readahead_end(struct dw_readahead *ra);

#endif
