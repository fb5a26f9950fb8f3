/* net.c: the network question of ACC-10 (dbward/policy.h): does the
 * effective policy of one identity refuse every request from outside the
 * company's networks? The requests from outside are finitely many kinds:
 * public addresses fall into the intervals every aws:SourceIp range in the
 * policies (and the company's) cuts the address space into, and each
 * interval is judged through one of its addresses; endpoint requests
 * through the VPC and endpoint ids the conditions name plus one id nobody
 * names. For each kind the statements that apply are fixed, and whether
 * some action on some resource is allowed is answered exactly, actions and
 * resources as languages (lang.c): the actions outer, the resources of the
 * statements an action reaches inner. No I/O; decides no verdict. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy_int.h"
#include "util/util.h"

#define S_MAX_STATES 200000
#define S_MAX_CTX 512
#define S_MAX_NAMED 4

enum s_tv { S_F, S_T, S_U };
enum s_role { S_NONE, S_ALLOW, S_DENY, S_CAP };

static char *const s_star[] = {"*"};
/* Actions tried first as witnesses, so that reasons read well. */
static const char *const s_known_actions[] = {"s3:GetObject", "dynamodb:GetItem", "ec2:DescribeInstances",
                                              "iam:ListUsers", "kms:Decrypt", "sts:GetCallerIdentity"};
static const char s_vpc_other[] = "vpc-0dbward0outside0";
static const char s_vpce_other[] = "vpce-0dbward0outside0";

struct s_st {
    const struct dw_policy_stmt *st;
    const char *policy; /* borrowed name */
    bool boundary;
    struct dwp_item act, res;
};

/* One kind of request. */
struct s_ctx {
    bool is_public;
    int fam;                /* public: 4 or 6 */
    unsigned __int128 ip;   /* public */
    const char *vpc, *vpce; /* endpoint, borrowed */
};

struct s_range {
    int fam;
    unsigned __int128 lo, hi;
};

/* ---- conditions on one request ---- */

static int s_key(const char *k)
{
    if (strcasecmp(k, "aws:SourceIp") == 0)
        return 0;
    if (strcasecmp(k, "aws:SourceVpc") == 0)
        return 1;
    if (strcasecmp(k, "aws:SourceVpce") == 0)
        return 2;
    if (strcasecmp(k, "aws:ViaAWSService") == 0)
        return 3;
    return -1;
}

/* The operator without IfExists, in base (64 bytes); false for qualifiers. */
static bool s_base_op(const char *op, char *base, bool *if_exists)
{
    if (strncasecmp(op, "ForAllValues:", 13) == 0 || strncasecmp(op, "ForAnyValue:", 12) == 0)
        return false;
    size_t n = strlen(op);
    *if_exists = n > 8 && strcasecmp(op + n - 8, "IfExists") == 0;
    if (*if_exists)
        n -= 8;
    if (n >= 64)
        return false;
    memcpy(base, op, n);
    base[n] = '\0';
    return true;
}

/* x NULL: no request at all (everything unknown). */
static enum s_tv s_cond(const struct dw_policy_cond *c, const struct s_ctx *x)
{
    char base[64];
    bool if_exists = false;
    int key = s_key(c->key);
    if (!x || key < 0 || !s_base_op(c->op, base, &if_exists))
        return S_U;
    bool present = key == 0 ? x->is_public : key == 3 ? true : !x->is_public;
    if (strcasecmp(base, "Null") == 0) {
        if (c->n_values != 1)
            return S_U;
        bool want_absent = strcasecmp(c->values[0], "true") == 0;
        if (!want_absent && strcasecmp(c->values[0], "false") != 0)
            return S_U;
        return !present == want_absent ? S_T : S_F;
    }
    bool ipop = strcasecmp(base, "IpAddress") == 0 || strcasecmp(base, "NotIpAddress") == 0;
    bool eq = strcasecmp(base, "StringEquals") == 0 || strcasecmp(base, "StringNotEquals") == 0;
    bool ic = strcasecmp(base, "StringEqualsIgnoreCase") == 0 || strcasecmp(base, "StringNotEqualsIgnoreCase") == 0;
    bool like = strcasecmp(base, "StringLike") == 0 || strcasecmp(base, "StringNotLike") == 0;
    bool boolop = strcasecmp(base, "Bool") == 0;
    bool negated = strcasecmp(base, "NotIpAddress") == 0 || strncasecmp(base, "StringNot", 9) == 0;
    if (ipop != (key == 0) || (boolop && key != 3) || !(ipop || eq || ic || like || boolop))
        return S_U;
    if (!present)
        return if_exists || negated ? S_T : S_F;
    bool match = false;
    for (size_t i = 0; i < c->n_values && !match; i++) {
        const char *w = c->values[i];
        if (ipop) {
            unsigned __int128 lo = 0, hi = 0;
            int fam = dwp_cidr_range(w, &lo, &hi);
            if (!fam)
                return S_U;
            match = fam == x->fam && x->ip >= lo && x->ip <= hi;
            continue;
        }
        const char *have = key == 1 ? x->vpc : key == 2 ? x->vpce : "false";
        if (eq)
            match = strcmp(w, have) == 0;
        else if (ic || boolop)
            match = strcasecmp(w, have) == 0;
        else
            match = dw_glob_match(w, have, false);
    }
    return match != negated ? S_T : S_F;
}

static enum s_tv s_conds(const struct dw_policy_stmt *st, const struct s_ctx *x)
{
    enum s_tv all = S_T;
    for (size_t i = 0; i < st->n_conds; i++) {
        enum s_tv t = s_cond(&st->conds[i], x);
        if (t == S_F)
            return S_F;
        if (t == S_U)
            all = S_U;
    }
    return all;
}

/* The role of a statement for a request: guard reads identity Allows
 * without their conditions. */
static enum s_role s_role_of(const struct s_st *s, const struct s_ctx *x, bool guard)
{
    enum s_tv t = s_conds(s->st, x);
    if (!s->st->is_allow)
        return t == S_T ? S_DENY : S_NONE;
    if (s->boundary)
        return t == S_F ? S_NONE : S_CAP;
    return guard || t != S_F ? S_ALLOW : S_NONE;
}

/* ---- some action on some resource allowed? ---- */

struct s_pick {
    const enum s_role *roles;
    bool has_cap;
};

static bool s_judge(const bool *acc, void *ud)
{
    const struct s_pick *p = ud;
    bool allow = false, deny = false, cap = false;
    for (size_t i = 0; p->roles[i] != S_NONE; i++) {
        if (!acc[i])
            continue;
        allow = allow || p->roles[i] == S_ALLOW;
        deny = deny || p->roles[i] == S_DENY;
        cap = cap || p->roles[i] == S_CAP;
    }
    return allow && !deny && (!p->has_cap || cap);
}

struct s_q {
    const struct s_st *v;
    const enum s_role *roles; /* per statement */
    size_t *inc;              /* statements with a role */
    size_t n_inc;
    bool has_cap;
    struct dwp_dfa res_dfa;
    char **keys;              /* cache of the inner answer per acceptance vector */
    bool *vals;
    size_t n_cache;
    bool incomplete;
};

/* A string a pattern matches: each '*' as fill, each '?' as 'x'. New. */
static char *s_readable(const char *pat, const char *fill)
{
    struct dw_buf b;
    dw_buf_init(&b, 65536);
    for (const char *c = pat; *c; c++) {
        if (*c == '*')
            dw_buf_puts(&b, fill);
        else if (*c == '?')
            dw_buf_puts(&b, "x");
        else
            dw_buf_append(&b, c, 1);
    }
    char *out = dw_buf_steal(&b);
    return out ? out : dw_xstrdup("");
}

/* Resources: is some resource allowed for the statements whose actions acc accepts? */
static bool s_inner(struct s_q *q, const bool *acc, char **hit)
{
    struct dwp_item *items = dw_xcalloc(q->n_inc + 1, sizeof(*items));
    enum s_role *roles = dw_xcalloc(q->n_inc + 1, sizeof(*roles));
    size_t n = 0;
    for (size_t k = 0; k < q->n_inc; k++) {
        if (!acc[k])
            continue;
        items[n] = q->v[q->inc[k]].res;
        roles[n] = q->roles[q->inc[k]];
        n++;
    }
    roles[n] = S_NONE;
    struct s_pick p = {roles, q->has_cap};
    struct dwp_explore_res r;
    dwp_explore(items, n, false, &q->res_dfa, s_judge, &p, S_MAX_STATES, &r);
    if (!r.is_complete)
        q->incomplete = true;
    bool any = r.is_complete && r.any;
    if (any && hit) {
        /* A witness that reads well: a pattern of the Allows made concrete, when it is one. */
        bool *ra = dw_xcalloc(n + 1, sizeof(bool));
        for (size_t k = 0; k < n && !*hit; k++) {
            for (size_t j = 0; j < items[k].n_pats && !*hit && roles[k] == S_ALLOW && !items[k].negate; j++) {
                char *cand = s_readable(items[k].pats[j], "example");
                for (size_t m = 0; m < n; m++)
                    ra[m] = dwp_item_match(&items[m], cand, false);
                if (s_judge(ra, &p))
                    *hit = cand;
                else
                    free(cand);
            }
        }
        free(ra);
        if (!*hit)
            *hit = dw_xstrdup(r.hit);
    }
    dwp_explore_res_clean_up(&r);
    free(items);
    free(roles);
    return any;
}

static bool s_outer_judge(const bool *acc, void *ud)
{
    struct s_q *q = ud;
    char *key = dw_xmalloc(q->n_inc + 1);
    for (size_t k = 0; k < q->n_inc; k++)
        key[k] = acc[k] ? '1' : '0';
    key[q->n_inc] = '\0';
    for (size_t i = 0; i < q->n_cache; i++) {
        if (strcmp(q->keys[i], key) == 0) {
            free(key);
            return q->vals[i];
        }
    }
    bool any = s_inner(q, acc, NULL);
    q->keys = dw_xrealloc(q->keys, (q->n_cache + 1) * sizeof(char *));
    q->vals = dw_xrealloc(q->vals, (q->n_cache + 1) * sizeof(bool));
    q->keys[q->n_cache] = key;
    q->vals[q->n_cache] = any;
    q->n_cache++;
    return any;
}

/* Action names: [a-z0-9-]+ ':' [A-Za-z0-9]+ (matched without case). */
static void s_action_dfa(struct dwp_dfa *d)
{
    memset(d, 0, sizeof(*d));
    d->n_states = 4;
    d->trans = dw_xmalloc(4 * 256 * sizeof(int));
    d->accept = dw_xcalloc(4, sizeof(bool));
    for (int i = 0; i < 4 * 256; i++)
        d->trans[i] = -1;
    for (int b = 1; b < 256; b++) {
        if (islower(b) || isdigit(b) || b == '-') {
            d->trans[0 * 256 + b] = 1;
            d->trans[1 * 256 + b] = 1;
        }
        if (isalnum(b)) {
            d->trans[2 * 256 + b] = 3;
            d->trans[3 * 256 + b] = 3;
        }
    }
    d->trans[1 * 256 + ':'] = 2;
    d->accept[3] = true;
    dwp_dfa_classes(d);
}

/* Is some request allowed with these roles? *known false when too complex;
 * the witnesses are new (or left NULL). */
static bool s_allowed(const struct s_st *v, size_t n, const enum s_role *roles, bool has_cap, bool *known,
                      char **action, char **resource)
{
    struct s_q q;
    memset(&q, 0, sizeof(q));
    q.v = v;
    q.roles = roles;
    q.has_cap = has_cap;
    q.inc = dw_xcalloc(n + 1, sizeof(size_t));
    struct dwp_item *acts = dw_xcalloc(n + 1, sizeof(*acts));
    for (size_t i = 0; i < n; i++) {
        if (roles[i] == S_NONE)
            continue;
        acts[q.n_inc] = v[i].act;
        q.inc[q.n_inc++] = i;
    }
    bool cs[256] = {false};
    for (int b = 1; b < 256; b++)
        cs[b] = true;
    dwp_dfa_prefix(&q.res_dfa, "", cs, 1);
    struct dwp_dfa ad;
    s_action_dfa(&ad);
    struct dwp_explore_res r;
    dwp_explore(acts, q.n_inc, true, &ad, s_outer_judge, &q, S_MAX_STATES, &r);
    bool any = r.is_complete && r.any && !q.incomplete;
    if (!r.is_complete || q.incomplete)
        *known = false;
    if (any && action) {
        /* A witness that reads well: a known action, or an Allow's pattern made
         * concrete, when one is allowed; else the explorer's shortest. */
        bool *acc = dw_xcalloc(q.n_inc + 1, sizeof(bool));
        size_t n_known = DW_ARRAY_LEN(s_known_actions);
        for (size_t c = 0; !*action; c++) {
            char *cand = NULL;
            if (c < n_known) {
                cand = dw_xstrdup(s_known_actions[c]);
            } else {
                size_t at = c - n_known; /* the at-th Action pattern of an Allow */
                for (size_t k = 0; k < q.n_inc && !cand; k++) {
                    const struct s_st *s = &v[q.inc[k]];
                    if (roles[q.inc[k]] != S_ALLOW || s->act.negate)
                        continue;
                    if (at < s->act.n_pats)
                        cand = s_readable(s->act.pats[at], "Get");
                    else
                        at -= s->act.n_pats;
                }
                if (!cand)
                    cand = dw_xstrdup(r.hit); /* the last resort always is allowed */
            }
            bool ok = strchr(cand, ':') != NULL;
            for (size_t k = 0; k < q.n_inc && ok; k++)
                acc[k] = dwp_item_match(&v[q.inc[k]].act, cand, true);
            char *res = NULL;
            if (ok && (strcmp(cand, r.hit) == 0 || s_inner(&q, acc, &res))) {
                if (!res)
                    s_inner(&q, acc, &res);
                *action = cand;
                *resource = res;
            } else {
                free(res);
                free(cand);
            }
        }
        free(acc);
    }
    dwp_explore_res_clean_up(&r);
    dwp_dfa_clean_up(&ad);
    dwp_dfa_clean_up(&q.res_dfa);
    for (size_t i = 0; i < q.n_cache; i++)
        free(q.keys[i]);
    free(q.keys);
    free(q.vals);
    free(q.inc);
    free(acts);
    return any;
}

/* ---- the requests from outside ---- */

static void s_range_add(struct s_range **v, size_t *n, int fam, unsigned __int128 lo, unsigned __int128 hi)
{
    *v = dw_xrealloc(*v, (*n + 1) * sizeof(**v));
    (*v)[*n] = (struct s_range){fam, lo, hi};
    (*n)++;
}

static bool s_in_ranges(const struct s_range *v, size_t n, int fam, unsigned __int128 ip)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].fam == fam && ip >= v[i].lo && ip <= v[i].hi)
            return true;
    return false;
}

static bool s_in_ids(char *const *ids, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ids[i], id) == 0)
            return true;
    return false;
}

static void s_ip_str(const struct s_ctx *x, char *buf, size_t len)
{
    if (x->fam == 4) {
        struct in_addr a;
        a.s_addr = htonl((uint32_t)x->ip);
        inet_ntop(AF_INET, &a, buf, (socklen_t)len);
    } else {
        unsigned char b6[16];
        for (int i = 15; i >= 0; i--)
            b6[15 - i] = (unsigned char)(x->ip >> (8 * i));
        inet_ntop(AF_INET6, b6, buf, (socklen_t)len);
    }
}

static char *s_source(const struct s_ctx *x)
{
    char ip[64];
    if (x->is_public) {
        s_ip_str(x, ip, sizeof(ip));
        return dw_xasprintf("address %s", ip);
    }
    return dw_xasprintf("VPC endpoint %s in %s", x->vpce, x->vpc);
}

/* A list of strings that owns its entries. */
struct s_strs {
    char **v;
    size_t n;
};

static void s_strs_add(struct s_strs *s, const char *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], x) == 0)
            return;
    s->v = dw_xrealloc(s->v, (s->n + 1) * sizeof(char *));
    s->v[s->n++] = dw_xstrdup(x);
}

static void s_strs_clean_up(struct s_strs *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof(*s));
}

/* An id that a pattern matches: '*' as "0dbward", '?' as '0'. New. */
static char *s_concrete(const char *pat)
{
    struct dw_buf b;
    dw_buf_init(&b, 4096);
    for (const char *p = pat; *p; p++) {
        if (*p == '*')
            dw_buf_puts(&b, "0dbward");
        else if (*p == '?')
            dw_buf_puts(&b, "0");
        else
            dw_buf_append(&b, p, 1);
    }
    char *s = dw_buf_steal(&b);
    return s ? s : dw_xstrdup("");
}

/* The company's networks: the parameters, or what the Denies exempt. */
struct s_company {
    struct s_range *ranges;
    size_t n_ranges;
    struct s_strs ids; /* vpc- and vpce- ids */
    bool derived;
};

static void s_company(const struct s_st *v, size_t n, const struct dw_policy_net *net, struct s_company *co)
{
    memset(co, 0, sizeof(*co));
    if (net->n_cidrs || net->n_vpcs) {
        for (size_t i = 0; i < net->n_cidrs; i++) {
            unsigned __int128 lo = 0, hi = 0;
            int fam = dwp_cidr_range(net->cidrs[i], &lo, &hi);
            if (fam)
                s_range_add(&co->ranges, &co->n_ranges, fam, lo, hi);
        }
        for (size_t i = 0; i < net->n_vpcs; i++)
            s_strs_add(&co->ids, net->vpcs[i]);
        return;
    }
    co->derived = true;
    int widest = net->ip_widest_prefix > 0 ? net->ip_widest_prefix : 8;
    for (size_t i = 0; i < n; i++) {
        const struct dw_policy_stmt *st = v[i].st;
        if (st->is_allow)
            continue;
        for (size_t k = 0; k < st->n_conds; k++) {
            const struct dw_policy_cond *c = &st->conds[k];
            char base[64];
            bool ie = false;
            if (!s_base_op(c->op, base, &ie))
                continue;
            int key = s_key(c->key);
            if (key == 0 && strcasecmp(base, "NotIpAddress") == 0 &&
                dw_policy_cidrs_limited(c->values, c->n_values, widest, NULL) == 1) {
                for (size_t j = 0; j < c->n_values; j++) {
                    unsigned __int128 lo = 0, hi = 0;
                    int fam = dwp_cidr_range(c->values[j], &lo, &hi);
                    if (fam)
                        s_range_add(&co->ranges, &co->n_ranges, fam, lo, hi);
                }
            }
            if ((key == 1 || key == 2) && strncasecmp(base, "StringNot", 9) == 0) {
                for (size_t j = 0; j < c->n_values; j++)
                    if (!strpbrk(c->values[j], "*?"))
                        s_strs_add(&co->ids, c->values[j]);
            }
        }
    }
}

/* The kinds of requests from outside, at most S_MAX_CTX; *vpcs and *vpces
 * hold the ids they borrow. Returns the count. */
static size_t s_outside(const struct s_st *v, size_t n, const struct s_company *co, struct s_ctx *out,
                        struct s_strs *vpcs, struct s_strs *vpces)
{
    struct s_range *all = NULL;
    size_t n_all = 0;
    for (size_t i = 0; i < co->n_ranges; i++)
        s_range_add(&all, &n_all, co->ranges[i].fam, co->ranges[i].lo, co->ranges[i].hi);
    s_strs_add(vpcs, s_vpc_other);
    s_strs_add(vpces, s_vpce_other);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < v[i].st->n_conds; k++) {
            const struct dw_policy_cond *c = &v[i].st->conds[k];
            int key = s_key(c->key);
            for (size_t j = 0; j < c->n_values; j++) {
                if (key == 0) {
                    unsigned __int128 lo = 0, hi = 0;
                    int fam = dwp_cidr_range(c->values[j], &lo, &hi);
                    if (fam)
                        s_range_add(&all, &n_all, fam, lo, hi);
                } else if (key == 1 || key == 2) {
                    char *id = s_concrete(c->values[j]);
                    if (!s_in_ids(co->ids.v, co->ids.n, id))
                        s_strs_add(key == 1 ? vpcs : vpces, id);
                    free(id);
                }
            }
        }
    }
    size_t m = 0;
    /* Every interval the ranges cut the space into starts at 0, a range's
     * first address or the address after a range: one request each. */
    for (int fam = 4; fam <= 6; fam += 2) {
        unsigned __int128 max = fam == 4 ? (unsigned __int128)0xffffffffu : ~(unsigned __int128)0;
        for (size_t i = 0; i <= 2 * n_all && m < S_MAX_CTX; i++) {
            unsigned __int128 p = 0;
            if (i > 0) {
                const struct s_range *r = &all[(i - 1) / 2];
                if (r->fam != fam || ((i - 1) % 2 == 1 && r->hi == max))
                    continue;
                p = (i - 1) % 2 == 0 ? r->lo : r->hi + 1;
            }
            if (s_in_ranges(co->ranges, co->n_ranges, fam, p))
                continue;
            bool dup = false;
            for (size_t k = 0; k < m && !dup; k++)
                dup = out[k].is_public && out[k].fam == fam && out[k].ip == p;
            if (!dup)
                out[m++] = (struct s_ctx){.is_public = true, .fam = fam, .ip = p};
        }
    }
    for (size_t a = 0; a < vpcs->n; a++) {
        for (size_t b = 0; b < vpces->n && m < S_MAX_CTX; b++)
            out[m++] = (struct s_ctx){.is_public = false, .vpc = vpcs->v[a], .vpce = vpces->v[b]};
    }
    free(all);
    return m;
}

static char *s_label(const struct s_st *s)
{
    char buf[160];
    return dw_xasprintf("%s statement %s", s->policy, dw_policy_stmt_label(s->st, buf, sizeof(buf)));
}

void dw_policy_net_eval(const struct dw_policy_ref *refs, size_t n_refs, const struct dw_policy_net *net,
                        struct dw_policy_net_answer *out)
{
    memset(out, 0, sizeof(*out));
    out->is_known = true;
    size_t total = 0;
    bool has_cap = false;
    for (size_t i = 0; i < n_refs; i++)
        total += refs[i].policy ? refs[i].policy->n_stmts : 0;
    struct s_st *v = dw_xcalloc(total + 1, sizeof(*v));
    size_t n = 0;
    for (size_t i = 0; i < n_refs; i++) {
        if (!refs[i].policy)
            continue;
        has_cap = has_cap || refs[i].is_boundary;
        for (size_t k = 0; k < refs[i].policy->n_stmts; k++) {
            const struct dw_policy_stmt *st = &refs[i].policy->stmts[k];
            struct s_st *s = &v[n++];
            s->st = st;
            s->policy = refs[i].name;
            s->boundary = refs[i].is_boundary;
            s->act = (struct dwp_item){st->actions, st->n_actions, st->is_not_action, false};
            s->res = st->has_resource ? (struct dwp_item){st->resources, st->n_resources, st->is_not_resource, false}
                                      : (struct dwp_item){s_star, 1, false, false};
        }
    }
    enum s_role *roles = dw_xcalloc(n + 1, sizeof(*roles));
    struct s_company co;
    s_company(v, n, net, &co);
    struct s_strs vpcs = {0}, vpces = {0};
    struct s_ctx *ctx = dw_xcalloc(S_MAX_CTX, sizeof(*ctx));
    size_t n_ctx = s_outside(v, n, &co, ctx, &vpcs, &vpces);
    struct dw_buf b;
    dw_buf_init(&b, 65536);
    out->derived = co.derived;

    /* Reach: anything allowed from anywhere (only unconditional Denies remove). */
    for (size_t i = 0; i < n; i++)
        roles[i] = s_role_of(&v[i], NULL, true);
    out->reach = s_allowed(v, n, roles, has_cap, &out->is_known, NULL, NULL);

    /* Outside: every kind of request, identity Allows without their conditions. */
    out->outside_denied = true;
    for (size_t c = 0; c < n_ctx && out->reach && out->outside_denied && out->is_known; c++) {
        for (size_t i = 0; i < n; i++)
            roles[i] = s_role_of(&v[i], &ctx[c], true);
        char *a = NULL, *r = NULL;
        if (s_allowed(v, n, roles, has_cap, &out->is_known, &a, &r)) {
            out->outside_denied = false;
            out->out_source = s_source(&ctx[c]);
            out->out_action = a;
            out->out_resource = r;
        } else {
            free(a);
            free(r);
        }
    }
    if (out->is_known && !out->outside_denied) {
        /* Would the Allows' own conditions refuse every outside request? */
        out->allows_refuse = true;
        for (size_t c = 0; c < n_ctx && out->allows_refuse && out->is_known; c++) {
            for (size_t i = 0; i < n; i++)
                roles[i] = s_role_of(&v[i], &ctx[c], false);
            out->allows_refuse = !s_allowed(v, n, roles, has_cap, &out->is_known, NULL, NULL);
        }
    }
    /* Inside: one request from the company's networks, conditions read as they are. */
    if (out->is_known && out->reach && out->outside_denied && (co.n_ranges || co.ids.n)) {
        struct s_ctx in = {0};
        if (co.n_ranges) {
            in = (struct s_ctx){.is_public = true, .fam = co.ranges[0].fam, .ip = co.ranges[0].lo};
        } else {
            const char *vpc = "vpc-0dbward0inside0", *vpce = "vpce-0dbward0inside0";
            for (size_t i = 0; i < co.ids.n; i++) {
                if (strncmp(co.ids.v[i], "vpce-", 5) == 0)
                    vpce = co.ids.v[i];
                else
                    vpc = co.ids.v[i];
            }
            in = (struct s_ctx){.is_public = false, .vpc = vpc, .vpce = vpce};
        }
        for (size_t i = 0; i < n; i++)
            roles[i] = s_role_of(&v[i], &in, false);
        char *a = NULL, *r = NULL;
        if (s_allowed(v, n, roles, has_cap, &out->is_known, &a, &r)) {
            out->in_source = s_source(&in);
            out->in_action = a;
            out->in_resource = r;
        } else {
            free(a);
            free(r);
            out->in_source = s_source(&in);
        }
    }

    /* The company's networks as the reason names them. */
    struct dw_buf nb;
    dw_buf_init(&nb, 65536);
    size_t listed = 0;
    if (co.derived) {
        for (size_t i = 0; i < n && listed < 8; i++) {
            if (v[i].st->is_allow)
                continue;
            for (size_t k = 0; k < v[i].st->n_conds; k++) {
                const struct dw_policy_cond *c = &v[i].st->conds[k];
                int key = s_key(c->key);
                char base[64];
                bool ie = false;
                if (key < 0 || key == 3 || !s_base_op(c->op, base, &ie))
                    continue;
                for (size_t j = 0; j < c->n_values && listed < 8; j++) {
                    dw_buf_printf(&nb, "%s%s", listed ? ", " : "", c->values[j]);
                    listed++;
                }
            }
        }
    }
    char *nets = dw_buf_steal(&nb);
    if (!out->is_known) {
        dw_buf_printf(&b, "the patterns are too complex to decide within %d automaton states", S_MAX_STATES);
    } else if (!out->reach) {
        dw_buf_puts(&b, "no policy allows the user any request, from anywhere");
    } else if (out->outside_denied) {
        dw_buf_puts(&b, "every request from outside the company networks is refused");
        size_t named = 0;
        for (size_t i = 0; i < n && named < S_MAX_NAMED; i++) {
            bool fence = !v[i].st->is_allow;
            for (size_t c = 0; c < n_ctx && fence; c++)
                fence = s_role_of(&v[i], &ctx[c], true) == S_DENY;
            if (!fence)
                continue;
            char *l = s_label(&v[i]);
            dw_buf_printf(&b, "%s%s", named++ ? ", " : " by ", l);
            free(l);
        }
        if (!named && has_cap)
            dw_buf_puts(&b, " by the permissions boundary, which allows nothing from there");
        if (out->in_action)
            dw_buf_printf(&b, "; from inside (%s) %s on %s stays allowed", out->in_source, out->in_action,
                          out->in_resource ? out->in_resource : "?");
        else if (out->in_source)
            dw_buf_printf(&b, "; nothing is allowed from inside either (%s)", out->in_source);
    } else {
        dw_buf_printf(&b, "a request from outside the company networks is allowed: %s on %s from %s",
                      out->out_action, out->out_resource ? out->out_resource : "?", out->out_source);
        if (out->allows_refuse)
            dw_buf_puts(&b, "; only the Allows' own conditions refuse it, which another Allow would undo: no Deny "
                            "or permissions boundary does");
    }
    if (out->is_known && out->reach && co.derived)
        dw_buf_printf(&b, " (company_cidrs and company_vpcs are not set: any network condition of a Deny counts%s%s%s)",
                      listed ? "; the Denies exempt " : "", listed ? nets : "", listed ? "" : "; no Deny names one");
    free(nets);
    out->why = dw_buf_steal(&b);
    s_strs_clean_up(&vpcs);
    s_strs_clean_up(&vpces);
    s_strs_clean_up(&co.ids);
    free(co.ranges);
    free(ctx);
    free(roles);
    free(v);
}

void dw_policy_net_answer_clean_up(struct dw_policy_net_answer *a)
{
    free(a->why);
    free(a->out_source);
    free(a->out_action);
    free(a->out_resource);
    free(a->in_source);
    free(a->in_action);
    free(a->in_resource);
    memset(a, 0, sizeof(*a));
}
