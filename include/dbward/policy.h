/* dbward/policy.h: IAM policy documents (identity and key policies) parsed
 * into statements, and the set questions the controls ask of them: does a
 * statement grant every action of a service, any action of it, on every
 * resource of a kind, to anyone, under a limiting condition. Matching follows
 * IAM: case-insensitive actions, case-sensitive resources, '*' and '?'
 * wildcards, string-or-array values, Not* inversions. No I/O. */
#ifndef DBWARD_POLICY_H
#define DBWARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include <dbward/error.h>

struct dw_policy_cond {
    char *op;      /* condition operator as written, e.g. "StringEquals" */
    char *key;     /* condition key as written, e.g. "aws:SourceVpce" */
    char **values; /* values rendered as strings */
    size_t n_values;
};

struct dw_policy_principal {
    char *type;  /* "AWS", "Service", "Federated", "CanonicalUser", or "*" */
    char *value; /* principal id or "*" */
};

struct dw_policy_stmt {
    char *sid;             /* Sid or NULL */
    int index;             /* position in the Statement array, 0-based */
    bool is_allow;         /* Effect is Allow (else Deny) */
    bool is_not_action;    /* the patterns came from NotAction */
    char **actions;        /* Action or NotAction patterns */
    size_t n_actions;
    bool has_resource;     /* Resource or NotResource present */
    bool is_not_resource;  /* the patterns came from NotResource */
    char **resources;
    size_t n_resources;
    bool has_principal;    /* Principal or NotPrincipal present */
    bool is_not_principal;
    struct dw_policy_principal *principals;
    size_t n_principals;
    struct dw_policy_cond *conds;
    size_t n_conds;
};

struct dw_policy {
    struct dw_policy_stmt *stmts;
    size_t n_stmts;
};

/* Parses a policy given as a JSON object, a JSON string holding the policy
 * text, or a URL-encoded JSON string (as the IAM API returns it). source
 * names the policy in errors. On success *out is new (dw_policy_free). */
enum dw_status dw_policy_parse(json_t *doc, const char *source, struct dw_policy **out,
                               struct dw_error *err);
/* Parses policy text. */
enum dw_status dw_policy_parse_text(const char *text, size_t len, const char *source,
                                    struct dw_policy **out, struct dw_error *err);
void dw_policy_free(struct dw_policy *p);

/* True when the statement allows (or denies) every action "<svc>:..." */
bool dw_policy_stmt_all_actions(const struct dw_policy_stmt *s, const char *svc);
/* True when the statement reaches at least one action of svc. */
bool dw_policy_stmt_any_action(const struct dw_policy_stmt *s, const char *svc);
/* True when the statement reaches at least one resource whose ARN starts with
 * prefix (a missing Resource element reaches everything, as in key policies). */
bool dw_policy_stmt_any_resource(const struct dw_policy_stmt *s, const char *prefix);
/* True when some Resource pattern covers every table of a DynamoDB account
 * and region ("*", "arn:aws:dynamodb:*", "table/<any>" resources): returns the pattern,
 * borrowed, or NULL. A NotResource statement that reaches DynamoDB at all
 * returns its first pattern. */
const char *dw_policy_stmt_table_wildcard(const struct dw_policy_stmt *s);
/* True when the principal is everyone ("*", {"AWS":"*"} or any NotPrincipal). */
bool dw_policy_stmt_principal_any(const struct dw_policy_stmt *s);
/* Returns the first principal that is not the root of account_id, borrowed,
 * or NULL when every principal is that root. */
const struct dw_policy_principal *dw_policy_stmt_principal_not_root(const struct dw_policy_stmt *s,
                                                                     const char *account_id);
/* Returns the first condition that limits who can use the grant (an
 * account, organisation, principal, source ARN, VPC or IP, with a positive
 * operator and no wildcard-only value), borrowed, or NULL. */
const struct dw_policy_cond *dw_policy_stmt_limiting_cond(const struct dw_policy_stmt *s);
/* Short label for messages: Sid if present, else "#<index>". Borrowed from a
 * static buffer only when Sid is absent; copy it before the next call. */
const char *dw_policy_stmt_label(const struct dw_policy_stmt *s, char *buf, size_t buflen);

/* ---- Set-level answers (eval.c): the union of every statement that
 * applies, minus explicit Deny, capped by permission boundaries, with IAM
 * wildcards read as languages (lang.c) and the action universe of botocore's
 * dynamodb, dynamodbstreams, dax and kms models. ---- */

/* Who and where the questions are about. Strings are borrowed. */
struct dw_policy_scope {
    const char *partition;    /* "aws" */
    const char *account;      /* 12-digit id of the audited account */
    const char *const *regions; /* regions whose tables are judged */
    size_t n_regions;
    const char *org_id;       /* the account's organisation, or NULL: any literal id binds */
    const char *const *vpces; /* the account's VPC endpoints, or NULL: any literal binds */
    size_t n_vpces;
    const char *const *vpcs;  /* the account's VPCs, or NULL: any literal binds */
    size_t n_vpcs;
    int ip_widest_prefix;     /* widest IPv4 prefix still counted as limited (0: 8) */
};

/* One policy that applies to a principal. Borrowed. */
struct dw_policy_ref {
    const char *name;          /* for reasons: policy name or ARN */
    const struct dw_policy *policy;
    bool is_boundary;          /* a permissions boundary: caps, never grants */
};

struct dw_policy_ddb_answer {
    bool is_known;     /* false: too complex to decide (reason in why) */
    bool reach;        /* some dynamodb/dynamodbstreams/dax action is allowed somewhere */
    bool total;        /* every dynamodb action on every table of the account in some region */
    bool via_not;      /* an Allow with NotAction or NotResource reaches a table of the account */
    bool via_star;     /* Allows whose Action covers every service ("*") grant some dynamodb
                          action on every table of the account in some region */
    bool future;       /* the allowed actions cover every name after "dynamodb:" (later ones too) */
    char *why;         /* new: the verdict in words, naming policies and statements */
    /* Witness requests that make each answer checkable (new, or NULL): */
    char *gap_action, *gap_resource;   /* a denied request, when !total and reach */
    char *not_action, *not_resource;   /* allowed through a Not* statement, when via_not */
    char *reach_action, *reach_resource; /* an allowed request, when reach */
    char *star_action;                 /* allowed on every table, when via_star */
};

/* Judges the effective DynamoDB permissions of one principal from every
 * policy that applies to it (identity policies and boundaries). Conditions
 * narrow when, not what: a conditional Allow counts, a conditional Deny does
 * not remove. */
void dw_policy_ddb_eval(const struct dw_policy_ref *refs, size_t n_refs,
                        const struct dw_policy_scope *scope, struct dw_policy_ddb_answer *out);
void dw_policy_ddb_answer_clean_up(struct dw_policy_ddb_answer *a);

struct dw_policy_kms_answer {
    bool is_known;
    bool open;        /* a request from outside the account and organisation is allowed */
    bool broad;       /* a principal other than the account root gets every kms action or a NotAction grant */
    char *why;        /* new: the verdict in words, naming statements, keys and values */
};

/* Judges a key policy. key_arn is the key's ARN (matched against Resource). */
void dw_policy_kms_eval(const struct dw_policy *p, const struct dw_policy_scope *scope,
                        const char *key_arn, struct dw_policy_kms_answer *out);
void dw_policy_kms_answer_clean_up(struct dw_policy_kms_answer *a);

/* ---- ACC-10 (net.c): are requests from outside the company's networks
 * refused? A request from outside is a direct request (aws:ViaAWSService
 * false) either from a public address outside every company CIDR (no
 * aws:SourceVpc/aws:SourceVpce), or through a VPC endpoint (no
 * aws:SourceIp) whose aws:SourceVpc and aws:SourceVpce are both outside the
 * company's ids. Conditions on those four keys are evaluated on the
 * request (absent keys as IAM reads them: negated operators and IfExists
 * hold, others fail); any other condition (other keys, ForAllValues: and
 * ForAnyValue:, operators not modelled, values that are not addresses) may
 * hold or not: a Deny that carries one may not apply, a boundary Allow may.
 * Identity Allows count whatever their conditions: the refusal must come
 * from a Deny or from the boundary's absence of Allow, which no later Allow
 * can undo. ---- */

struct dw_policy_net {
    char *const *cidrs;    /* company_cidrs; n_cidrs 0 with n_vpcs 0: derived (below) */
    size_t n_cidrs;
    char *const *vpcs;     /* company_vpcs: vpc- and vpce- ids */
    size_t n_vpcs;
    int ip_widest_prefix;  /* derived mode: the widest exemption still read as a network (0: 8) */
};

struct dw_policy_net_answer {
    bool is_known;       /* false: too complex to decide (why says so) */
    bool reach;          /* some request is allowed from somewhere */
    bool outside_denied; /* no request from outside is allowed (by a Deny or the boundary) */
    bool allows_refuse;  /* !outside_denied, but every Allow's own conditions fail outside */
    bool derived;        /* no parameters: the networks the Denies exempt (aws:SourceIp
                            ranges no wider than ip_widest_prefix, literal VPC and endpoint
                            ids) were taken as the company's */
    char *why;           /* new: the verdict in words */
    /* Witnesses (new, or NULL): an outside request allowed, when !outside_denied; an inside
     * request allowed, when outside_denied and one is. */
    char *out_source, *out_action, *out_resource;
    char *in_source, *in_action, *in_resource;
};

/* Judges one identity from every policy that applies to it (refs as for
 * dw_policy_ddb_eval). net is borrowed. */
void dw_policy_net_eval(const struct dw_policy_ref *refs, size_t n_refs, const struct dw_policy_net *net,
                        struct dw_policy_net_answer *out);
void dw_policy_net_answer_clean_up(struct dw_policy_net_answer *a);

/* Reads a list of CIDR values as the set of addresses they admit together.
 * Returns 1 when the union is limited (no wider than a /widest_prefix for
 * IPv4, /32 for IPv6), 0 when wider, -1 when a value is not a CIDR or
 * address (the value is named in *bad). */
int dw_policy_cidrs_limited(char *const *vals, size_t n, int widest_prefix, const char **bad);

#endif
