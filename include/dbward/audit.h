/* dbward/audit.h: one audit run, from options to findings. dw_audit_run
 * merges the config into the options, finds the evidence (a snapshot
 * folder, a tree of per-account folders, a live collection of one account
 * or of many through a pool of collections), evaluates the selected
 * controls, adds the ERROR finding of every account it could not enter,
 * applies the suppressions and fills the report's metadata. It prints
 * nothing: errors come back in err, and what a person may want to read
 * on the way (collection statistics, warnings) goes to the callbacks. The
 * report writers (dbward/report.h) take the result as it is. */
#ifndef DBWARD_AUDIT_H
#define DBWARD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dbward/config.h>
#include <dbward/dbward.h>
#include <dbward/live.h>
#include <dbward/report.h>

/* One job's share of a many-account run: the accounts at positions p of the
 * sorted, repeat-free id list with p mod count == index. count 0: all. */
#define DW_SHARD_MAX 10000
struct dw_shard {
    unsigned index; /* 0-based, < count */
    unsigned count;
};

/* Parses --shard's value: "I/N" (0 <= I < N <= DW_SHARD_MAX), or "auto/N"
 * with I from k8s_index (JOB_COMPLETION_INDEX of a Kubernetes Indexed Job)
 * or batch_index (AWS_BATCH_JOB_ARRAY_INDEX of an AWS Batch array job),
 * either NULL when unset; both set must agree. DW_E_USAGE with the reason
 * otherwise. */
enum dw_status dw_audit_shard_parse(const char *spec, const char *k8s_index, const char *batch_index,
                                    struct dw_shard *out, struct dw_error *err);

/* What to audit. Every pointer is borrowed for the duration of dw_audit_run. */
struct dw_audit_opts {
    const struct dw_config *cfg;     /* dbward.yaml, or NULL */
    const char *snapshot;            /* folder (or tree of account folders); NULL: live */
    const char *const *controls;     /* id globs; none: the config's include, else all */
    size_t n_controls;
    unsigned severity_mask;          /* bit per enum dw_severity; 0 = all */
    const char *const *regions;      /* none: the config's, else all */
    size_t n_regions;
    const struct dw_param_value *params; /* after the config's: later values win */
    size_t n_params;
    /* Live only. live.regions and live.out_dir are set by the run. */
    struct dw_live_opts live;
    const char *save_snapshot;       /* where the evidence is also written, as it arrives; NULL: memory only */
    /* Many accounts (live): ids, or the one word "org" (with ou optional). */
    const char *const *accounts;
    size_t n_accounts;
    const char *const *exclude_accounts;
    size_t n_exclude_accounts;
    const char *ou;
    const char *role_name;
    const char *external_id;
    const char *partition;           /* of the role ARNs; NULL: aws */
    /* Only this share of the accounts (of --accounts, or of a snapshot tree
     * of account folders); count 0: every account. */
    struct dw_shard shard;
    int64_t now_epoch_s;             /* for suppression expiry */
    /* Set to true (when not NULL) if the run failed writing a file inside
     * save_snapshot, which is then left without a manifest. */
    bool *snapshot_incomplete;
    /* Offline: read the snapshot on the calling thread only (no read-ahead
     * thread, dw_snapshot_set_readahead). */
    bool one_thread;
    /* A line for a person ("account 1234: 310 calls ..."), or a warning
     * (is_warning: an expired suppression). NULL: dropped. */
    void (*note)(void *user, const char *line, bool is_warning);
    void *user;
    /* Streaming: when set, findings are handed over as soon as they are
     * final, suppressions applied, in report order: each account's global
     * findings, then each region's (or the ERROR finding of an account
     * that could not be entered); none is kept, the audit's findings stay
     * empty. A run then holds one region's findings at a time. user is
     * passed. */
    void (*on_findings)(void *user, const struct dw_findings *batch);
    /* With on_findings: called before the first batch with the report's
     * metadata when it is already final (one snapshot folder: its
     * manifest says it all), so a JSON report can write its head first and
     * its findings straight after. Not called otherwise. The meta is valid
     * for the call. */
    void (*on_meta)(void *user, const struct dw_report_meta *meta);
};

/* The outcome. Owned by the audit, valid until dw_audit_free. */
struct dw_audit {
    struct dw_findings findings;     /* empty when on_findings took them */
    struct dw_summary counts;        /* of every finding, streamed or kept */
    size_t n_findings;
    struct dw_report_meta meta;      /* strings point into the audit */
    struct dw_audit_int *in;         /* private: owned strings, folders */
};

/* Runs the audit. On DW_OK *out is new (dw_audit_free). On failure *out is
 * NULL and err says why: its source names a file when one is at fault, and
 * an empty message means the reason already went to note. */
enum dw_status dw_audit_run(const struct dw_audit_opts *o, struct dw_audit **out, struct dw_error *err);

/* Frees the audit. */
void dw_audit_free(struct dw_audit *a);

/* Region names are checked against the partitions' lists unless the calls
 * go to an endpoint URL: each of regions, then the profile's own region. */
enum dw_status dw_audit_check_regions(const char *const *regions, size_t n, const char *profile,
                                      const char *endpoint_url, struct dw_error *err);

#endif
