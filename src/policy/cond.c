/* cond.c: policy conditions read as constraints on who can make a request.
 * Values of one condition are ORed, so a condition binds the caller to the
 * account or organisation only when every value does. Only keys that name
 * the caller's account, organisation, principal ARN or VPC endpoint can
 * bind; network ranges, user names and source ARNs never do. Every request
 * key may be absent, so IfExists and ForAllValues never bind (both are true
 * without the key), and negated operators never bind (true without the key
 * and for all but a few values). Patterns are judged as languages (lang.c).
 * Also reads CIDR lists as address sets. No I/O. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy_int.h"
#include "util/util.h"

/* ---- CIDR lists ---- */

struct s_range {
    unsigned __int128 lo, hi; /* inclusive */
};

static int s_range_cmp(const void *a, const void *b)
{
    const struct s_range *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo ? 1 : 0;
}

/* Parses "a.b.c.d[/n]" or an IPv6 form; returns 4, 6 or 0. */
static int s_cidr(const char *v, struct s_range *r)
{
    char addr[64];
    const char *slash = strchr(v, '/');
    size_t al = slash ? (size_t)(slash - v) : strlen(v);
    if (al == 0 || al >= sizeof(addr))
        return 0;
    memcpy(addr, v, al);
    addr[al] = '\0';
    int fam = strchr(addr, ':') ? 6 : 4;
    int maxp = fam == 4 ? 32 : 128;
    long plen = maxp;
    if (slash) {
        char *end = NULL;
        if (!isdigit((unsigned char)slash[1]))
            return 0;
        plen = strtol(slash + 1, &end, 10);
        if (*end || plen < 0 || plen > maxp)
            return 0;
    }
    unsigned __int128 a = 0;
    if (fam == 4) {
        struct in_addr in;
        if (inet_pton(AF_INET, addr, &in) != 1)
            return 0;
        a = ntohl(in.s_addr);
    } else {
        unsigned char b6[16];
        if (inet_pton(AF_INET6, addr, b6) != 1)
            return 0;
        for (int i = 0; i < 16; i++)
            a = (a << 8) | b6[i];
    }
    unsigned __int128 span = plen == maxp ? 0
                             : maxp - plen == 128 ? ~(unsigned __int128)0
                                                  : (((unsigned __int128)1 << (maxp - plen)) - 1);
    r->lo = a & ~span;
    r->hi = r->lo | span;
    return fam;
}

int dwp_cidr_range(const char *v, unsigned __int128 *lo, unsigned __int128 *hi)
{
    struct s_range r;
    int fam = s_cidr(v, &r);
    if (fam) {
        *lo = r.lo;
        *hi = r.hi;
    }
    return fam;
}

/* Number of addresses in the union of ranges (sorted in place), capped. */
static unsigned __int128 s_union_size(struct s_range *r, size_t n)
{
    qsort(r, n, sizeof(*r), s_range_cmp);
    unsigned __int128 total = 0;
    for (size_t i = 0; i < n;) {
        unsigned __int128 lo = r[i].lo, hi = r[i].hi;
        size_t j = i + 1;
        while (j < n && r[j].lo <= hi + 1 && !(hi + 1 == 0)) {
            if (r[j].hi > hi)
                hi = r[j].hi;
            j++;
        }
        if (hi + 1 == 0 && lo == 0)
            return ~(unsigned __int128)0; /* everything */
        total += hi - lo + 1;
        i = j;
    }
    return total;
}

int dw_policy_cidrs_limited(char *const *vals, size_t n, int widest_prefix, const char **bad)
{
    struct s_range *v4 = dw_xcalloc(n + 1, sizeof(*v4));
    struct s_range *v6 = dw_xcalloc(n + 1, sizeof(*v6));
    size_t n4 = 0, n6 = 0;
    int rc = 1;
    if (widest_prefix <= 0 || widest_prefix > 32)
        widest_prefix = 8;
    for (size_t i = 0; i < n; i++) {
        struct s_range r;
        int fam = s_cidr(vals[i], &r);
        if (fam == 4)
            v4[n4++] = r;
        else if (fam == 6)
            v6[n6++] = r;
        else {
            if (bad)
                *bad = vals[i];
            rc = -1;
            goto out;
        }
    }
    unsigned __int128 s4 = s_union_size(v4, n4);
    unsigned __int128 s6 = s_union_size(v6, n6);
    if (s4 > ((unsigned __int128)1 << (32 - widest_prefix)) ||
        s6 > ((unsigned __int128)1 << (128 - 32)))
        rc = 0;
out:
    free(v4);
    free(v6);
    return rc;
}

/* ---- binding ---- */

struct s_op {
    char base[64];   /* operator without qualifier and IfExists */
    bool for_all;    /* ForAllValues: */
    bool for_any;    /* ForAnyValue: */
    bool if_exists;
};

static void s_op_read(const char *op, struct s_op *o)
{
    memset(o, 0, sizeof(*o));
    if (strncasecmp(op, "ForAllValues:", 13) == 0) {
        o->for_all = true;
        op += 13;
    } else if (strncasecmp(op, "ForAnyValue:", 12) == 0) {
        o->for_any = true;
        op += 12;
    }
    size_t n = strlen(op);
    if (n > 8 && strcasecmp(op + n - 8, "IfExists") == 0) {
        o->if_exists = true;
        n -= 8;
    }
    if (n >= sizeof(o->base))
        n = sizeof(o->base) - 1;
    memcpy(o->base, op, n);
    o->base[n] = '\0';
}

static bool s_is(const struct s_op *o, const char *name)
{
    return strcmp(o->base, name) == 0;
}

static bool s_has_wild(const char *v)
{
    return strpbrk(v, "*?") != NULL;
}

/* Account field (the fifth colon-separated one) of an ARN, new, or NULL. */
static char *s_arn_field(const char *arn, int field)
{
    const char *p = arn;
    for (int i = 0; i < field; i++) {
        p = strchr(p, ':');
        if (!p)
            return NULL;
        p++;
    }
    const char *e = field < 5 ? strchr(p, ':') : NULL;
    if (field < 5 && !e)
        return NULL;
    return e ? dw_xstrndup(p, (size_t)(e - p)) : dw_xstrdup(p);
}

static bool s_in(const char *v, const char *const *list, size_t n, bool nocase)
{
    for (size_t i = 0; i < n; i++) {
        if (nocase ? strcasecmp(v, list[i]) == 0 : strcmp(v, list[i]) == 0)
            return true;
    }
    return false;
}

enum s_kind { S_K_ACCOUNT, S_K_ORG, S_K_ARN, S_K_VPCE, S_K_VPC, S_K_OTHER };

static enum s_kind s_key_kind(const char *key)
{
    if (strcasecmp(key, "aws:PrincipalAccount") == 0 || strcasecmp(key, "kms:CallerAccount") == 0)
        return S_K_ACCOUNT;
    if (strcasecmp(key, "aws:PrincipalOrgID") == 0)
        return S_K_ORG;
    if (strcasecmp(key, "aws:PrincipalArn") == 0)
        return S_K_ARN;
    if (strcasecmp(key, "aws:SourceVpce") == 0)
        return S_K_VPCE;
    if (strcasecmp(key, "aws:SourceVpc") == 0)
        return S_K_VPC;
    return S_K_OTHER;
}

/* Does one value, under a positive string/ARN operator, admit only insiders?
 * On false, *why says what else it admits (new). */
static bool s_value_binds(enum s_kind kind, const struct s_op *o, const char *v,
                          const struct dw_policy_scope *sc, char **why)
{
    bool like = s_is(o, "StringLike");
    bool arnop = s_is(o, "ArnLike") || s_is(o, "ArnEquals");
    bool nocase = s_is(o, "StringEqualsIgnoreCase");
    const char *key_word = kind == S_K_ACCOUNT ? "account" : kind == S_K_ORG ? "organisation"
                                                                            : "endpoint";
    if (kind == S_K_ACCOUNT || kind == S_K_ORG || kind == S_K_VPCE || kind == S_K_VPC) {
        if (arnop) {
            *why = dw_xasprintf("%s is not an ARN operator's key", o->base);
            return false;
        }
        if (like && s_has_wild(v)) {
            struct dwp_dfa d;
            struct dwp_explore_res r;
            char *pats[1] = {(char *)v};
            struct dwp_item it = {pats, 1, false, false};
            if (kind == S_K_ACCOUNT)
                dwp_dfa_account(&d, sc->account);
            else
                dwp_dfa_not_literal(&d, kind == S_K_ORG && sc->org_id ? sc->org_id : "");
            dwp_explore(&it, 1, false, &d, dwp_judge_first, NULL, 20000, &r);
            bool ok = r.is_complete && !r.any;
            if (!ok)
                *why = dw_xasprintf("the pattern \"%s\" can match another %s (e.g. \"%s\")", v,
                                    key_word, r.hit ? r.hit : "?");
            dwp_explore_res_clean_up(&r);
            dwp_dfa_clean_up(&d);
            return ok;
        }
        if (kind == S_K_ACCOUNT) {
            /* Only a 12-digit id is an account; other literals match nobody. */
            if (strlen(v) != 12 || strspn(v, "0123456789") != 12 || strcmp(v, sc->account) == 0)
                return true;
            *why = dw_xasprintf("\"%s\" is another account", v);
            return false;
        }
        if (kind == S_K_ORG && sc->org_id && !(nocase ? strcasecmp(v, sc->org_id) == 0 : strcmp(v, sc->org_id) == 0)) {
            *why = dw_xasprintf("\"%s\" is another organisation", v);
            return false;
        }
        const char *const *own = kind == S_K_VPCE ? sc->vpces : sc->vpcs;
        size_t n_own = kind == S_K_VPCE ? sc->n_vpces : sc->n_vpcs;
        if ((kind == S_K_VPCE || kind == S_K_VPC) && own && !s_in(v, own, n_own, nocase)) {
            *why = dw_xasprintf("\"%s\" is not one of the account's", v);
            return false;
        }
        return true;
    }
    /* aws:PrincipalArn */
    if (like || arnop) {
        /* ArnLike and ArnEquals match field by field; StringLike's
         * wildcards cross colons. Either way: a language question. */
        struct dwp_dfa d;
        struct dwp_explore_res r;
        char *pats[1] = {(char *)v};
        struct dwp_item it = {pats, 1, false, arnop};
        dwp_dfa_foreign_arn(&d, sc->account);
        dwp_explore(&it, 1, false, &d, dwp_judge_first, NULL, 20000, &r);
        bool ok = r.is_complete && !r.any;
        if (!ok)
            *why = dw_xasprintf("the pattern \"%s\" can match a principal of another account "
                                "(e.g. \"%s\")", v, r.hit ? r.hit : "?");
        dwp_explore_res_clean_up(&r);
        dwp_dfa_clean_up(&d);
        return ok;
    }
    char *acct = s_arn_field(v, 4);
    bool ok = !acct || (nocase ? strcasecmp(acct, sc->account) == 0 : strcmp(acct, sc->account) == 0);
    if (!ok)
        *why = dw_xasprintf("\"%s\" is a principal of another account", v);
    free(acct);
    return ok;
}

bool dwp_judge_first(const bool *acc, void *ud)
{
    (void)ud;
    return acc[0];
}

static bool s_positive_binds(const struct dw_policy_cond *c, const struct s_op *o,
                             const struct dw_policy_scope *sc, char **why)
{
    enum s_kind kind = s_key_kind(c->key);
    if (kind == S_K_OTHER) {
        if (strcasecmp(c->key, "aws:username") == 0 || strcasecmp(c->key, "aws:userid") == 0)
            *why = dw_xasprintf("%s is not tied to one account: a caller of that name or id in "
                                "any account matches", c->key);
        else if (strcasecmp(c->key, "aws:SourceIp") == 0) {
            const char *bad = NULL;
            int lim = dw_policy_cidrs_limited(c->values, c->n_values, sc->ip_widest_prefix, &bad);
            *why = lim < 0 ? dw_xasprintf("aws:SourceIp value \"%s\" is not an address range", bad)
                   : lim ? dw_xasprintf("aws:SourceIp narrows the network but not the account: "
                                        "a caller of any account inside it matches")
                         : dw_xasprintf("aws:SourceIp admits more than a /%d together (values "
                                        "are ORed) and does not bind the account",
                                        sc->ip_widest_prefix > 0 ? sc->ip_widest_prefix : 8);
        } else
            *why = dw_xasprintf("%s does not bind the caller to the account or organisation",
                                c->key);
        return false;
    }
    bool strop = s_is(o, "StringEquals") || s_is(o, "StringEqualsIgnoreCase") ||
                 s_is(o, "StringLike") || s_is(o, "ArnEquals") || s_is(o, "ArnLike");
    if (!strop) {
        *why = dw_xasprintf("%s %s does not compare the value as a name", c->op, c->key);
        return false;
    }
    if (c->n_values == 0) {
        *why = dw_xasprintf("%s %s has no value", c->op, c->key);
        return false;
    }
    for (size_t i = 0; i < c->n_values; i++) {
        char *vwhy = NULL;
        if (!s_value_binds(kind, o, c->values[i], sc, &vwhy)) {
            *why = dw_xasprintf("%s %s: %s (the values are ORed)", c->op, c->key, vwhy);
            free(vwhy);
            return false;
        }
    }
    return true;
}

bool dwp_cond_binds(const struct dw_policy_cond *c, const struct dw_policy_scope *sc, char **why)
{
    struct s_op o;
    s_op_read(c->op, &o);
    *why = NULL;
    if (o.for_all) {
        *why = dw_xasprintf("%s %s is true when the key is absent", c->op, c->key);
        return false;
    }
    if (o.if_exists) {
        *why = dw_xasprintf("%s %s lets a request without the key through", c->op, c->key);
        return false;
    }
    if (strstr(o.base, "Not") || s_is(&o, "Null")) {
        *why = dw_xasprintf("%s %s admits callers that lack the key or hold other values", c->op,
                            c->key);
        return false;
    }
    if (!s_positive_binds(c, &o, sc, why))
        return false;
    struct dw_buf b;
    dw_buf_init(&b, 4096);
    for (size_t i = 0; i < c->n_values; i++)
        dw_buf_printf(&b, "%s\"%s\"", i ? ", " : "", c->values[i]);
    char *vals = dw_buf_steal(&b);
    *why = dw_xasprintf("%s %s %s binds the caller to the %s", c->op, c->key, vals ? vals : "",
                        s_key_kind(c->key) == S_K_ORG ? "organisation"
                        : s_key_kind(c->key) >= S_K_VPCE ? "account's network endpoints"
                                                         : "account");
    free(vals);
    return true;
}

bool dwp_cond_fences(const struct dw_policy_cond *c, const struct dw_policy_scope *sc)
{
    struct s_op o;
    s_op_read(c->op, &o);
    if (o.for_all || o.for_any)
        return false;
    static const char *const neg[][2] = {{"StringNotEquals", "StringEquals"},
                                         {"StringNotEqualsIgnoreCase", "StringEqualsIgnoreCase"},
                                         {"StringNotLike", "StringLike"},
                                         {"ArnNotEquals", "ArnEquals"},
                                         {"ArnNotLike", "ArnLike"}};
    for (size_t i = 0; i < DW_ARRAY_LEN(neg); i++) {
        if (!s_is(&o, neg[i][0]))
            continue;
        struct s_op pos = o;
        snprintf(pos.base, sizeof(pos.base), "%s", neg[i][1]);
        pos.if_exists = false;
        char *why = NULL;
        bool b = s_positive_binds(c, &pos, sc, &why);
        free(why);
        return b;
    }
    return false;
}

bool dwp_cond_admits_account(const struct dw_policy_cond *c, const char *account)
{
    struct s_op o;
    s_op_read(c->op, &o);
    if (s_key_kind(c->key) != S_K_ACCOUNT || o.for_all || o.if_exists)
        return true;
    bool like = s_is(&o, "StringLike");
    if (!like && !s_is(&o, "StringEquals") && !s_is(&o, "StringEqualsIgnoreCase"))
        return true;
    for (size_t i = 0; i < c->n_values; i++) {
        if (like ? dw_glob_match(c->values[i], account, false) : strcmp(c->values[i], account) == 0)
            return true;
    }
    return false;
}
