/* dbward/live.h: live collection. It makes the calls docs/snapshot.md lists,
 * concurrently, and builds exactly that layout (failed calls as .error.json)
 * as a snapshot in memory (dbward/snapshot.h), which the offline evaluator
 * then reads: one evaluator for both modes. With a folder to save it in,
 * every file is also written there as it arrives. */
#ifndef DBWARD_LIVE_H
#define DBWARD_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <dbward/creds.h>
#include <dbward/dbward.h>
#include <dbward/error.h>
#include <dbward/snapshot.h>

/* Pages one paginated call may take before it is an error. */
#define DW_MAX_PAGES 1000
/* Largest response body accepted. */
#define DW_MAX_RESPONSE_BYTES ((size_t)64 << 20)

struct dw_live_progress {
    size_t regions;
    uint64_t done;     /* finished requests */
    int in_flight;
    int queued;
    uint64_t retries;
};

/* Requests in flight by default: the whole run's budget, shared by every
 * service and region (each endpoint takes 16 at most, src/http), and by
 * the accounts of an organization (16 each, so 8 at a time). */
#define DW_LIVE_CONCURRENCY 128
/* Requests in flight per account of an organization at least. */
#define DW_LIVE_ACCOUNT_SHARE 16

struct dw_live_opts {
    const char **regions;     /* NULL/0: every region enabled for the account */
    size_t n_regions;
    const char *profile;      /* --profile or NULL */
    const char *endpoint_url; /* --endpoint-url / AWS_ENDPOINT_URL, or NULL */
    int concurrency;          /* requests in flight (0: DW_LIVE_CONCURRENCY) */
    int max_attempts;         /* per request, retries included */
    long timeout_ms;          /* per attempt */
    long retry_base_ms;       /* backoff base */
    const char *out_dir;      /* where the snapshot is written (created 0700); NULL: nowhere */
    /* out_dir's last folder is one dbward names inside the user's folder
     * (an account's, in a multi-account run): it is never followed when it
     * is a symbolic link. Otherwise out_dir is the user's and may be one. */
    bool out_dir_nofollow;
    /* --debug: each request and response, already redacted; NULL for none. */
    void (*log)(void *user, const char *line);
    /* Progress, called at most every 100 ms and once at the end (final). */
    void (*progress)(void *user, const struct dw_live_progress *p, bool final);
    void *user;               /* passed to log and progress */
    /* Multi-account: the role assumed (with the chain's credentials) before
     * anything else, and its external id; NULL for none. */
    const char *role_arn;
    const char *external_id;
    /* Control parameters (--param, config), later values win: the plan's
     * inputs, such as the metric window of unused_days (dbward/plan.h). */
    const struct dw_param_value *params;
    size_t n_params;
    double max_rate;          /* --max-rate: requests/s per service and region at most, 0: no cap */
};

struct dw_live_stats {
    uint64_t calls;      /* finished API calls (pages count once each) */
    uint64_t attempts;
    uint64_t retries;
    uint64_t failed;     /* calls recorded as .error.json */
    size_t regions;
    int max_depth;       /* longest chain of dependent round trips */
    int refreshes;       /* temporary credentials refreshed during the scan */
    int64_t wall_ms;
    char account_id[16];
    uint64_t throttles;  /* throttling answers (each retried, paced, until its budget ran out) */
    double lowest_rate;  /* lowest send rate a service's region was slowed to (requests/s), 0: none was */
    char lowest_endpoint[64]; /* "service/region" of lowest_rate */
};

/* Resolves credentials, checks them with sts get-caller-identity, finds the
 * regions and collects. Returns DW_OK with the snapshot complete: in *snap
 * (when snap is not NULL; a new snapshot, free with dw_snapshot_free) and
 * written under opts->out_dir when there is one. DW_E_API (bad or expired
 * credentials) or DW_E_NOT_FOUND (none) with err for the one-line message
 * the CLI prints before exiting 2; DW_E_IO when a file could not be
 * written (err names it). *snap is NULL on failure. */
enum dw_status dw_live_collect(const struct dw_live_opts *opts, struct dw_snapshot **snap,
                               struct dw_live_stats *stats, struct dw_error *err);

/* The ACTIVE accounts of the organization (Organizations ListAccounts), or,
 * with ou, of that organizational unit and every unit below it. Uses the
 * chain's credentials (opts->role_arn is ignored); the answers are recorded
 * under opts->out_dir/org/ when out_dir is not NULL. *ids is a new array of
 * new strings. */
enum dw_status dw_live_list_accounts(const struct dw_live_opts *opts, const char *ou, char ***ids, size_t *n,
                                     struct dw_error *err);

/* Process-wide set-up for collections running on several threads: call
 * once before starting them. */
void dw_live_global_init(void);

/* Findings sent to AWS Security Hub with BatchImportFindings (at most
 * 100 a call; the ASFF of dbward/report.h, its ProductArn naming the
 * import region; passing findings marked RESOLVED), signed as the live
 * collection signs, retried by the same engine. */
struct dw_report_meta;
struct dw_sechub_opts {
    const char *region;       /* import region; NULL: the profile's, else the report's first, else us-east-1 */
    const char *profile;
    const char *endpoint_url; /* NULL: https://securityhub.REGION.amazonaws.com */
    long timeout_ms;
    int max_attempts;
    long retry_base_ms;
    void (*log)(void *user, const char *line);
    void *user;
};
struct dw_sechub_result {
    size_t calls, imported, failed; /* calls made; findings Security Hub took and refused */
    char first_failure[512];        /* the first refused finding: id, message, code */
    char region[32];                /* the import region */
};
/* Imports every finding of src (dbward/report.h: findings in memory or a
 * spool), read batch by batch: a few calls' bodies are held at a time.
 * DW_OK when every call was answered (refused findings are counted in res,
 * not an error); else err says which call failed and why. Nothing is
 * printed. */
struct dw_fsrc;
enum dw_status dw_sechub_import(const struct dw_sechub_opts *o, const struct dw_report_meta *meta,
                                struct dw_fsrc *src, struct dw_sechub_result *res, struct dw_error *err);

#endif
