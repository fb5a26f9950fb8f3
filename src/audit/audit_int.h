/* audit_int.h: what the files of src/audit share (internal). */
#ifndef DW_AUDIT_INT_H
#define DW_AUDIT_INT_H

#include <dbward/audit.h>
#include <dbward/snapshot.h>

/* What the evaluation of one snapshot adds to the report (audit.c). */
struct dwi_eval {
    enum dw_status rc;          /* DW_OK, or the evaluation failed (err) */
    struct dw_error err;
    struct dw_findings findings;
    char account_id[16];
    char partition[32];
    char taken_at[32];
    char **regions;             /* the manifest's regions the report shows (new strings) */
    size_t n_regions;
};

/* Evaluates snap with so into out (zeroed by the caller); snap is the
 * caller's to free right after. */
void dwi_audit_eval(struct dw_snapshot *snap, const struct dw_scan_opts *so, struct dwi_eval *out);

/* Frees what out holds (the findings too, unless taken). */
void dwi_audit_eval_clean_up(struct dwi_eval *out);

/* One account of a many-account run. */
struct dwi_account {
    char id[16];
    char dir[4096];  /* where its snapshot is written; "" when nowhere */
    bool failed;     /* the role could not be assumed, or collection failed */
    char why[512];
    struct dw_live_stats stats;
    struct dwi_eval eval; /* when not failed: its evaluation */
};

/* Collects every account of o->accounts (ids, or org / o->ou through
 * Organizations) minus o->exclude_accounts, several at a time, each into
 * dir/<id>/ as well when dir is not NULL, and evaluates each with so as
 * soon as its collection is complete (one evaluation at a time), freeing
 * its snapshot right after: the memory holds at most one snapshot per
 * collection running. Each evaluated account goes to ready (when not
 * NULL) in the list's order, as soon as every account before it is done,
 * one call at a time, from whichever thread finished it. An account that
 * fails is marked in its entry and the others go on; DW_OK then. Fails
 * (err) only when the list itself cannot be had. *out is new (free()
 * after dwi_audit_eval_clean_up of each entry's eval). */
typedef void (*dwi_account_ready_fn)(void *user, struct dwi_account *acc);
enum dw_status dwi_audit_collect_accounts(const struct dw_audit_opts *o, const struct dw_live_opts *base,
                                          const char *dir, const struct dw_scan_opts *so,
                                          dwi_account_ready_fn ready, void *user,
                                          struct dwi_account **out, size_t *n, struct dw_error *err);

/* A folder holding one snapshot per account (dir/<id>/manifest.json and no
 * dir/manifest.json): *subdirs lists them sorted (new strings), else n = 0.
 * An entry that is a symbolic link is refused (each one told to o->note):
 * DW_E_IO then, with an empty message; *subdirs is still the caller's. */
enum dw_status dwi_audit_snapshot_tree(const struct dw_audit_opts *o, const char *dir, char ***subdirs,
                                       size_t *n, struct dw_error *err);

/* Appends the ERROR finding of an account that was not scanned. */
void dwi_audit_account_error(struct dw_findings *f, const struct dwi_account *acc, const char *role_name);

/* Marks in keep[i] the ids[i] of shard (count 0: every id), each id once
 * (a repeat is left out); returns how many are kept (shard.c). */
size_t dwi_shard_select(const char *const *ids, size_t n, const struct dw_shard *shard, bool *keep);

/* Calls o->note with a formatted line, when there is one. */
void dwi_audit_note(const struct dw_audit_opts *o, bool is_warning, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
