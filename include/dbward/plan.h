/* dbward/plan.h: the call plan, the one list of the AWS calls dbward makes.
 * Each row is one call: which service and command, where it is made (once,
 * per region, or per resource of a parent call's answer), the parameters it
 * sends and where its answer lands in the snapshot (docs/snapshot.md). The
 * live collector walks it, the snapshot script is printed from it, the
 * config's custom controls may name only its calls, and `dbward plan`
 * prints it for the tools that need the list (models, fault matrix, bench).
 * The rows are static and borrowed for the life of the program. */
#ifndef DBWARD_PLAN_H
#define DBWARD_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

enum dw_plan_scope {
    DW_PLAN_BOOTSTRAP,    /* made before the plan: identity, regions */
    DW_PLAN_GLOBAL,       /* once per account; files under global/ */
    DW_PLAN_REGION,       /* once per region */
    DW_PLAN_PER_RESOURCE, /* once per item of the parent's answer */
    /* A GLOBAL or REGION row with a parent and no `each` is made once, after
     * the parent answered (get-credential-report after generate-...). */
};

/* One call. Templates: the strings {item} (the value `each` selected),
 * {tail} (the item after its last ':'), {name} (the item after its last
 * '/': a stream name out of a Firehose ARN), {region}, {partition}, {account},
 * {now} and {window_start} (ISO 8601; now minus the row's window
 * parameter in days) are replaced when the call is made. */
struct dw_plan_call {
    const char *service;   /* "dynamodb" */
    const char *command;   /* CLI name: "describe-table" */
    enum dw_plan_scope scope;
    bool is_global;        /* files under global/ (iam), made from the first region */
    const char *parent;    /* "service command" whose answer it depends on; NULL at the root */
    /* JMESPath on the parent's answer giving the items, one call each; it
     * may use {region}. NULL at the root. */
    const char *each;
    bool key_is_tail;      /* the snapshot key is {tail}, otherwise {item} */
    bool key_is_name;      /* the snapshot key is {name} (wins over key_is_tail) */
    const char *params;    /* JSON object template of the API parameters; NULL for none */
    /* A plan input (a control parameter) the call's window follows, with
     * its default in days; NULL when the call has no window. */
    const char *window_param;
    long window_default_days;
    /* Answers that are ready only later (the IAM credential report). until:
     * JMESPath on the answer that must be true before the children start;
     * while false the call is made again. not_ready: comma-separated error
     * codes of this call that mean "the parent's work is not done": the
     * parent is made again. Both draw on one budget per parent row:
     * DW_PLAN_POLL_ATTEMPTS calls of the parent in all, DW_PLAN_POLL_WAIT
     * retry bases (DBWARD_RETRY_BASE_MS, 1 s by default) apart. When the
     * budget is spent the last answer or error is kept as it is. NULL: none. */
    const char *until;
    const char *not_ready;
    /* For docs/snapshot.md (scripts/gen-snapshot-doc): what a per-resource
     * call's snapshot key is, and a note on the call; NULL for none. */
    const char *key_doc;
    const char *doc;
};

/* The polling budget of until / not_ready (above). */
#define DW_PLAN_POLL_ATTEMPTS 10
#define DW_PLAN_POLL_WAIT 2

/* The rows, in the order they are made; *n gets the count. */
const struct dw_plan_call *dw_plan_calls(size_t *n);

/* The row of "service command" (the form controls use; a "/<key>" suffix
 * is ignored), or NULL. */
const struct dw_plan_call *dw_plan_find(const char *call);

/* The row of service and command, or NULL. */
const struct dw_plan_call *dw_plan_get(const char *service, const char *command);

/* The scope's name: "bootstrap", "global", "region", "per-resource". */
const char *dw_plan_scope_str(enum dw_plan_scope s);

/* The snapshot path of a row's answer without ".json", with placeholders
 * ("<region>/dynamodb/describe-table/<key>"); a new string. */
char *dw_plan_path_pattern(const struct dw_plan_call *c);

/* The plan as JSON (`dbward plan --format json`): a new reference. The
 * pagination of each call comes from the built-in AWS models. */
json_t *dw_plan_json(void);

#endif
