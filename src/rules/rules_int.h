/* rules_int.h: what the control evaluators share: the scan context, access
 * to recorded calls, parameters, finding emission and a few JSON and AWS
 * lookups (tags, KMS keys, trails). Private to src/rules. */
#ifndef DW_RULES_INT_H
#define DW_RULES_INT_H

#include <jansson.h>

#include <dbward/dbward.h>
#include <dbward/policy.h>

#include "util/util.h"

struct dw_scan_ctx {
    struct dw_snapshot *snap;
    const char *region;    /* region being evaluated, or "global" */
    const char *account;   /* 12-digit account id */
    const char *partition; /* "aws", "aws-cn", ... */
    int64_t now_epoch_s;   /* reference time: the snapshot's taken_at */
    const char **regions;  /* regions in scope */
    size_t n_regions;
    const struct dw_scan_opts *opts;
    struct dw_findings *out;
    json_t *memo;          /* indexes and digests built once per region: see dwi_memo_get */
};

/* Per-scan memo of derived indexes (for example alarms by table), so a
 * control over T tables and A alarms costs T + A, not T x A, and of the
 * digests (dwi_digests). Keyed by the current region and name; borrowed, or
 * NULL when not built yet. */
json_t *dwi_memo_get(struct dw_scan_ctx *ctx, const char *name);
/* Stores value (stolen) under the current region and name; returns it. */
json_t *dwi_memo_set(struct dw_scan_ctx *ctx, const char *name, json_t *value);
/* Drops the current region's indexes made of the answer (service, command):
 * those named "<service> <command>#<name>". scan.c calls it when the answer
 * goes, so an index does not keep the answer's items alive. */
void dwi_memo_drop_call(struct dw_scan_ctx *ctx, const char *service, const char *command);
/* Drops every memo entry whose key starts with prefix ("region|" at the end
 * of a region, "region|service command#" with the answer). */
void dwi_memo_drop_prefix(json_t *memo, const char *prefix);
/* Appends item (borrowed) to the array at index[key], creating it. */
void dwi_index_add(json_t *index, const char *key, json_t *item);

/* Joins between one region's answers, indexed once per region (lookup.c).
 * Each returns what a scan of the list would find, in the list's order;
 * borrowed unless said, NULL when nothing matches or the answer is unusable. */
/* Tasks of describe-replication-tasks whose ReplicationInstanceArn is inst_arn. */
json_t *dwi_dms_tasks_of(struct dw_scan_ctx *ctx, const char *inst_arn);
/* Endpoints of describe-endpoints whose EndpointArn is the task's source or
 * target endpoint, in the answer's order: a new array, never NULL. */
json_t *dwi_dms_task_endpoints(struct dw_scan_ctx *ctx, json_t *task);
/* The describe-security-groups entry with GroupId gid (the last one if repeated). */
json_t *dwi_ec2_group(struct dw_scan_ctx *ctx, const char *gid);
/* Every describe-security-groups entry with GroupId gid. */
json_t *dwi_ec2_groups_with_id(struct dw_scan_ctx *ctx, const char *gid);
/* The replication instances whose VpcSecurityGroups name gid, each once. */
json_t *dwi_dms_group_users(struct dw_scan_ctx *ctx, const char *gid);
/* The describe-certificates entry whose CertificateArn is arn (the last one if repeated). */
json_t *dwi_dms_certificate(struct dw_scan_ctx *ctx, const char *arn);
/* The first replication instance whose ReplicationInstanceArn is arn. */
json_t *dwi_dms_instance(struct dw_scan_ctx *ctx, const char *arn);
/* The first log group of describe-log-groups named name. */
json_t *dwi_logs_group(struct dw_scan_ctx *ctx, const char *name);
/* The describe-vpc-endpoints entries whose VpcId is vpc. */
json_t *dwi_ec2_vpc_endpoints_of(struct dw_scan_ctx *ctx, const char *vpc);
/* TargetKeyId of the alias named alias in region's list-aliases (the last one). */
const char *dwi_kms_alias_target(struct dw_scan_ctx *ctx, const char *region, const char *alias);
/* The first alias/aws/ AliasName of region's list-aliases targeting key_id. */
const char *dwi_kms_aws_alias_of(struct dw_scan_ctx *ctx, const char *region, const char *key_id);

/* Recorded call in the current region / in a given region. Never NULL. */
const struct dw_doc *dwi_doc(struct dw_scan_ctx *ctx, const char *service, const char *command,
                             const char *key);
const struct dw_doc *dwi_doc_in(struct dw_scan_ctx *ctx, const char *region, const char *service,
                                const char *command, const char *key);
/* The keys of a loop, borrowed from the answers they come from. */
struct dwi_keys {
    const char **v;
    size_t n, cap;
};
/* Adds each string of items, or each item's field (a dotted path) when
 * field is set, after its last ':' with arn_tail (the key of an ARN). */
void dwi_keys_add(struct dwi_keys *k, json_t *items, const char *field, bool arn_tail);
/* Has the snapshot read ahead, for each of keys in turn, the answers
 * control c reads per key: its calls spelled "service command/<what>"
 * (dw_snapshot_prefetch); frees keys' list. dwi_prefetch_end ends it. */
void dwi_prefetch_keys(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *what, struct dwi_keys *keys);
/* The same for the strings of one array. */
void dwi_prefetch(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *what, json_t *keys);
void dwi_prefetch_end(struct dw_scan_ctx *ctx);

/* Parameter value (override or default); never NULL for catalog names. */
const char *dwi_param(struct dw_scan_ctx *ctx, const char *name);
long dwi_param_long(struct dw_scan_ctx *ctx, const char *name);

/* Appends a finding; returns it so the caller can add commands and notes.
 * The pointer is valid until the next dwi_emit. */
struct dw_finding *dwi_emit(struct dw_scan_ctx *ctx, const struct dw_control *c,
                            enum dw_result status, const char *rtype, const char *rid,
                            const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Adds a fix command. fmt is a command template: its text is copied as it is
 * and every %s value is shell-quoted for where it lands (dw_shell_printf), so
 * names from a snapshot can never become shell syntax. */
void dwi_cmd(struct dw_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Adds a command built piecewise with dw_shell_printf/dw_shell_quote; takes
 * cmd (NULL, a build past its cap, adds a note instead). */
void dwi_cmd_take(struct dw_finding *f, char *cmd);
void dwi_note(struct dw_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Dotted-path lookup ("Table.SSEDescription.Status"); borrowed or NULL. */
json_t *dwi_get(json_t *root, const char *path);

/* IAM's get-account-authorization-details (det), read the same way by
 * DDB-01, ACC-03 and ACC-10 (eval_util.c): the Policies[] entry of a
 * managed policy ARN, the document of a policy's default version, the
 * GroupDetailList entry of a group name. Borrowed; NULL when absent. */
json_t *dwi_iam_policy(json_t *det, const char *arn);
json_t *dwi_iam_default_doc(json_t *policy);
json_t *dwi_iam_group(json_t *det, const char *name);
/* Whether user name has a console password (iam get-login-profile; its
 * NoSuchEntity answer means none): 1 yes, 0 no, -1 unknown (*why new).
 * ACC-03, ACC-04 and ACC-10. */
int dwi_iam_console_password(struct dw_scan_ctx *ctx, const char *name, char **why);
const char *dwi_str(json_t *root, const char *path);
/* 1 true, 0 false, -1 absent or not a boolean. */
int dwi_bool(json_t *root, const char *path);

/* The array under key in a list answer. When the doc is unusable or the key
 * is not an array, emits one ERROR finding for scope_rid and returns NULL. */
json_t *dwi_list(struct dw_scan_ctx *ctx, const struct dw_control *c, const struct dw_doc *d,
                 const char *key, const char *scope_rtype, const char *scope_rid);
/* dwi_list in two halves: the array, or NULL and why it cannot be read (*why
 * new); and the ERROR that says why, for a control that reads the list
 * through a digest built before (dwi_digests). */
json_t *dwi_list_try(const struct dw_doc *d, const char *key, char **why);
void dwi_list_error(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *why,
                    const char *scope_rtype, const char *scope_rid);

/* A digest: what some controls need of a few calls' answers, built once per
 * region (kept in the memo) so the answers can go after their last other
 * reader instead of staying for these controls (scan.c builds it just
 * before they go). */
struct dwi_digest {
    const char *calls[4];     /* the "service command"s it is made from */
    const char *consumers[3]; /* the controls that read it instead of them */
    json_t *(*build)(struct dw_scan_ctx *ctx); /* the digest, built if it was not */
};
extern const struct dwi_digest dwi_digests[];
extern const size_t dwi_n_digests;

/* "<account>/<region>": the resource id of account-and-region controls. */
char *dwi_scope_id(struct dw_scan_ctx *ctx);

/* Tag lookups over [{"Key":..,"Value":..}] arrays. Returns the value or NULL. */
const char *dwi_tag(json_t *tags, const char *key);
/* Missing required tags (from the required_tags parameter) as a new
 * comma-separated string, or NULL when none is missing. */
char *dwi_missing_tags(struct dw_scan_ctx *ctx, json_t *tags);

/* Adds the command that sets the missing tags (from dwi_missing_tags) to f:
 * command_prefix followed by " Key=K,Value=REPLACE_ME" per key, and a note. */
void dwi_tag_fix(struct dw_finding *f, const char *command_prefix, const char *missing);

/* A KMS key reference resolved through the snapshot. */
struct dwi_key {
    bool ok;              /* describe-key answer usable */
    char *region;         /* region of the key */
    char *key_id;         /* key id (uuid or mrk-...) */
    const char *arn;      /* KeyMetadata.Arn, borrowed */
    const char *manager;  /* "CUSTOMER" / "AWS", borrowed */
    const char *state;    /* "Enabled", ..., borrowed */
    const char *spec;     /* KeySpec or CustomerMasterKeySpec, borrowed */
    char *reason;         /* why not ok */
    /* AWS managed when KeyManager is not CUSTOMER or an alias/aws/... alias
     * targets the key (CONTROLS.md: the stricter reading wins): 1 AWS
     * managed, 0 customer managed, -1 KeyManager says CUSTOMER but the
     * aliases could not be read (alias_reason says why). */
    int aws_managed;
    const char *aws_alias; /* the alias/aws/... alias that targets the key, borrowed, or NULL */
    char *alias_reason;
    char why_aws[160];     /* "KeyManager is AWS" or "target of alias/aws/... although ..." */
};
/* Resolves ref (key ARN, key id, alias ARN or alias name) seen in region. */
void dwi_key_resolve(struct dw_scan_ctx *ctx, const char *ref, const char *region,
                     struct dwi_key *out);
void dwi_key_clean_up(struct dwi_key *k);
/* Is key_id (in region) the target of an alias/aws/... alias of kms
 * list-aliases? 1 yes (*alias borrowed), 0 no, -1 the aliases could not be
 * read (*why new). */
int dwi_key_aws_alias(struct dw_scan_ctx *ctx, const char *region, const char *key_id,
                      const char **alias, char **why);

/* Region part of an ARN as a new string, or NULL. */
char *dwi_arn_region(const char *arn);
/* Last ':'-separated part of an ARN, borrowed from arn. */
const char *dwi_arn_tail(const char *arn);

/* Each service file's controls (designated rows at its end). */
extern const struct dw_control dwi_dms_controls[];
extern const size_t dwi_dms_controls_count;
extern const struct dw_control dwi_ddb_controls[];
extern const size_t dwi_ddb_controls_count;
extern const struct dw_control dwi_acc_controls[];
extern const size_t dwi_acc_controls_count;
extern const struct dw_control dwi_acc_iam_controls[]; /* ACC-10, ACC-11: rules_acc_iam.c */
extern const size_t dwi_acc_iam_controls_count;

/* JMESPath type name of a value ("string", "null", ...). */
const char *dwi_jmes_type(const json_t *v);

/* Trails that log region: shared by DMS-07 and DDB-06. */
struct dwi_trail {
    json_t *trail;             /* borrowed trail object */
    const char *name;
    const char *arn;
    const char *home;
    const struct dw_doc *status;    /* get-trail-status (home region) */
    const struct dw_doc *selectors; /* get-event-selectors (home region) */
};
/* Fills up to max trails covering the current region. Returns the count, or
 * -1 after emitting an ERROR when describe-trails is unusable. */
int dwi_trails_covering(struct dw_scan_ctx *ctx, const struct dw_control *c, struct dwi_trail *out,
                        int max);

/* DMS-07 (management events) and DDB-06 (DynamoDB data events): a logging
 * trail covering the region, judged across every trail that covers it. */
void dwi_trail_control(struct dw_scan_ctx *ctx, const struct dw_control *c, bool data_ddb);

/* Does the region have any resource of the given list call? 1 yes, 0 no, -1
 * unknown (ERROR emitted for scope). */
int dwi_region_has(struct dw_scan_ctx *ctx, const struct dw_control *c, const char *service,
                   const char *command, const char *key);

/* PEM certificates (x509.c, DMS-14): parsed with OpenSSL, chains checked with
 * its X509_STORE. Every function that can fail returns NULL (or -1) with a
 * new reason in *why; nothing is printed. */
struct dwi_certs;
/* Every certificate of a PEM text of len bytes (not NUL-dependent); the first
 * is the one judged, the rest its chain. New, or NULL with *why. */
struct dwi_certs *dwi_certs_parse(const char *pem, size_t len, char **why);
/* A bundle file: never through a symbolic link, never a FIFO or device, at
 * most 4 MiB. New, or NULL with *why (naming path). */
struct dwi_certs *dwi_certs_load_file(const char *path, char **why);
void dwi_certs_free(struct dwi_certs *c);
size_t dwi_certs_count(const struct dwi_certs *c);
/* Issuer and subject of the first certificate, RFC 2253; new strings. */
char *dwi_certs_issuer(const struct dwi_certs *c);
char *dwi_certs_subject(const struct dwi_certs *c);
/* Does cert (with its own chain) chain to a certificate of trusted? 1 yes,
 * 0 no (*why: OpenSSL's reason), -1 the check could not run (*why). Dates
 * are not judged. */
int dwi_certs_chain(const struct dwi_certs *cert, const struct dwi_certs *trusted, char **why);
/* The SIEM (siem.c, shared by DMS-15 and ACC-08). Is the destination ARN
 * the SIEM? With siem_destinations set, when it matches one of its globs;
 * unset, when it is a Firehose stream with a Splunk destination
 * (describe-delivery-stream in the stream's region), or an SQS queue or SNS
 * topic (S3 notifications, ACC-08). 1 yes, 0 no, -1 unknown; *why always
 * gets a new string saying why. */
int dwi_siem_destination(struct dw_scan_ctx *ctx, const char *arn, char **why);
/* Does log group (in region) have a subscription filter to a SIEM
 * destination (describe-subscription-filters)? 1 yes, 0 no, -1 unknown;
 * *why always gets a new string. */
int dwi_log_group_to_siem(struct dw_scan_ctx *ctx, const char *region, const char *group, char **why);

/* The one evaluator of every custom control (c->custom set), custom.c. */
void dwi_eval_custom(struct dw_scan_ctx *ctx, const struct dw_control *c);

#endif
