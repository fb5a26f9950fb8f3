/* eval.c: set-level answers about policies, for every statement that applies
 * together: the effective DynamoDB reach of one principal (DDB-01) and who a
 * KMS key policy opens the key to (ACC-05). Actions are judged over the
 * finite universe of botocore's operations (actions_gen.c), resources and
 * action names beyond the universe as languages (lang.c), conditions as
 * constraints (cond.c). It decides nothing about pass or fail. No I/O. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy_int.h"
#include "util/util.h"

#define S_MAX_STATES 200000
#define S_MAX_NAMED 4

static char *const s_star[] = {"*"};

/* Role of a statement in the effective-permission formula. */
enum s_role { S_ALLOW, S_DENY, S_CAP };

struct s_stmt {
    const struct dw_policy_stmt *st;
    const char *policy; /* borrowed name */
    enum s_role role;
    struct dwp_item act;
    struct dwp_item res;
};

struct s_set {
    struct s_stmt *v;
    size_t n;
    bool has_cap;
};

static void s_set_build(struct s_set *set, const struct dw_policy_ref *refs, size_t n_refs)
{
    memset(set, 0, sizeof(*set));
    size_t total = 0;
    for (size_t i = 0; i < n_refs; i++)
        total += refs[i].policy ? refs[i].policy->n_stmts : 0;
    set->v = dw_xcalloc(total ? total : 1, sizeof(*set->v));
    for (size_t i = 0; i < n_refs; i++) {
        if (!refs[i].policy)
            continue;
        set->has_cap = set->has_cap || refs[i].is_boundary;
        for (size_t k = 0; k < refs[i].policy->n_stmts; k++) {
            const struct dw_policy_stmt *st = &refs[i].policy->stmts[k];
            /* A conditional Deny may not apply: only unconditional ones remove. */
            if (!st->is_allow && st->n_conds)
                continue;
            struct s_stmt *s = &set->v[set->n++];
            s->st = st;
            s->policy = refs[i].name;
            s->role = !st->is_allow ? S_DENY : refs[i].is_boundary ? S_CAP : S_ALLOW;
            s->act = (struct dwp_item){st->actions, st->n_actions, st->is_not_action, false};
            if (st->has_resource)
                s->res = (struct dwp_item){st->resources, st->n_resources, st->is_not_resource, false};
            else
                s->res = (struct dwp_item){s_star, 1, false, false};
        }
    }
}

/* Items picked for one question, with their roles. */
struct s_pick {
    struct dwp_item *items;
    enum s_role *roles;
    size_t n;
    bool has_cap;
};

static bool s_judge(const bool *acc, void *ud)
{
    const struct s_pick *p = ud;
    bool allow = false, deny = false, cap = false;
    for (size_t i = 0; i < p->n; i++) {
        if (!acc[i])
            continue;
        if (p->roles[i] == S_ALLOW)
            allow = true;
        else if (p->roles[i] == S_DENY)
            deny = true;
        else
            cap = true;
    }
    return allow && !deny && (!p->has_cap || cap);
}

/* Picks the resource items of the statements whose actions include action
 * (and, when only is set, only that statement among the Allows). */
static void s_pick_for(const struct s_set *set, const char *action, const struct s_stmt *only,
                       const bool *allow_mask, struct s_pick *p)
{
    p->items = dw_xcalloc(set->n + 1, sizeof(*p->items));
    p->roles = dw_xcalloc(set->n + 1, sizeof(*p->roles));
    p->n = 0;
    p->has_cap = set->has_cap;
    for (size_t i = 0; i < set->n; i++) {
        const struct s_stmt *s = &set->v[i];
        if (only && s->role == S_ALLOW && s != only)
            continue;
        if (allow_mask && s->role == S_ALLOW && !allow_mask[i])
            continue;
        if (!dwp_item_match(&s->act, action, true))
            continue;
        p->items[p->n] = s->res;
        p->roles[p->n] = s->role;
        p->n++;
    }
}

static void s_pick_free(struct s_pick *p)
{
    free(p->items);
    free(p->roles);
}

static bool s_tablechars(int b)
{
    return isalnum(b) || b == '_' || b == '-' || b == '.';
}

static void s_table_dfa(struct dwp_dfa *d, const struct dw_policy_scope *sc, const char *region)
{
    bool cs[256] = {false};
    for (int b = 1; b < 256; b++)
        cs[b] = s_tablechars(b);
    char *prefix = dw_xasprintf("arn:%s:dynamodb:%s:%s:table/", sc->partition, region,
                                sc->account);
    dwp_dfa_prefix(d, prefix, cs, 3);
    free(prefix);
}

static void s_any_dfa(struct dwp_dfa *d, const char *prefix)
{
    bool cs[256] = {false};
    for (int b = 1; b < 256; b++)
        cs[b] = true;
    dwp_dfa_prefix(d, prefix, cs, 0);
}

static bool s_in_service(const char *action, const char *svc)
{
    size_t n = strlen(svc);
    return strncmp(action, svc, n) == 0 && action[n] == ':';
}

static char *s_label(const struct s_stmt *s)
{
    char buf[160];
    return dw_xasprintf("%s statement %s", s->policy,
                        dw_policy_stmt_label(s->st, buf, sizeof(buf)));
}

/* Appends the Allow statements that grant some dynamodb action on some table
 * of the region to b. */
static void s_name_grants(struct dw_buf *b, const struct s_set *set, const struct dwp_dfa *tables)
{
    size_t named = 0;
    for (size_t i = 0; i < set->n && named < S_MAX_NAMED; i++) {
        const struct s_stmt *s = &set->v[i];
        if (s->role != S_ALLOW)
            continue;
        bool acts = false;
        for (size_t a = 0; a < dwp_n_actions && !acts; a++)
            acts = s_in_service(dwp_actions[a], "dynamodb") &&
                   dwp_item_match(&s->act, dwp_actions[a], true);
        if (!acts)
            continue;
        struct dwp_explore_res r;
        dwp_explore(&s->res, 1, false, tables, dwp_judge_first, NULL, S_MAX_STATES, &r);
        if (r.any) {
            char *l = s_label(s);
            dw_buf_printf(b, "%s%s", named ? ", " : "", l);
            free(l);
            named++;
        }
        dwp_explore_res_clean_up(&r);
    }
}

/* Whether a statement's Action patterns cover every action of every
 * service ("service:Operation" names), as "*" or "*:*" do. */
static bool s_all_services(const struct s_stmt *s)
{
    if (s->st->is_not_action)
        return false;
    /* [a-z0-9-]+ ':' [A-Za-z0-9]+ */
    struct dwp_dfa d;
    memset(&d, 0, sizeof(d));
    d.n_states = 4;
    d.trans = dw_xmalloc(4 * 256 * sizeof(int));
    d.accept = dw_xcalloc(4, sizeof(bool));
    for (int i = 0; i < 4 * 256; i++)
        d.trans[i] = -1;
    for (int b = 1; b < 256; b++) {
        bool svc = islower(b) || isdigit(b) || b == '-';
        if (svc) {
            d.trans[0 * 256 + b] = 1;
            d.trans[1 * 256 + b] = 1;
        }
        if (isalnum(b)) {
            d.trans[2 * 256 + b] = 3;
            d.trans[3 * 256 + b] = 3;
        }
    }
    d.trans[1 * 256 + ':'] = 2;
    d.accept[3] = true;
    dwp_dfa_classes(&d);
    struct dwp_explore_res r;
    dwp_explore(&s->act, 1, true, &d, dwp_judge_first, NULL, S_MAX_STATES, &r);
    bool all = r.is_complete && r.all;
    dwp_explore_res_clean_up(&r);
    dwp_dfa_clean_up(&d);
    return all;
}

/* Whether the allowed action names cover every name after "dynamodb:". */
static bool s_future(const struct s_set *set, const struct dwp_dfa *tables)
{
    struct s_pick p = {0};
    p.items = dw_xcalloc(set->n + 1, sizeof(*p.items));
    p.roles = dw_xcalloc(set->n + 1, sizeof(*p.roles));
    p.has_cap = set->has_cap;
    for (size_t i = 0; i < set->n; i++) {
        const struct s_stmt *s = &set->v[i];
        struct dwp_explore_res r;
        dwp_explore(&s->res, 1, false, tables, dwp_judge_first, NULL, S_MAX_STATES, &r);
        bool use = s->role == S_DENY ? r.all && r.is_complete : r.any;
        dwp_explore_res_clean_up(&r);
        if (!use)
            continue;
        p.items[p.n] = s->act;
        p.roles[p.n] = s->role;
        p.n++;
    }
    bool cs[256] = {false};
    for (int b = 1; b < 256; b++)
        cs[b] = isalnum(b);
    struct dwp_dfa d;
    dwp_dfa_prefix(&d, "dynamodb:", cs, 1);
    struct dwp_explore_res r;
    dwp_explore(p.items, p.n, true, &d, s_judge, &p, S_MAX_STATES, &r);
    bool all = r.is_complete && r.all;
    dwp_explore_res_clean_up(&r);
    dwp_dfa_clean_up(&d);
    s_pick_free(&p);
    return all;
}

void dw_policy_ddb_eval(const struct dw_policy_ref *refs, size_t n_refs,
                        const struct dw_policy_scope *sc, struct dw_policy_ddb_answer *out)
{
    struct s_set set;
    struct dw_buf b;
    char *gap = NULL;
    const char *gap_action = NULL;
    memset(out, 0, sizeof(*out));
    out->is_known = true;
    s_set_build(&set, refs, n_refs);
    dw_buf_init(&b, 65536);

    /* Reach: some action of the three services on some resource under
     * arn:P:dynamodb: or arn:P:dax:. */
    struct dwp_dfa ddb_any, dax_any;
    char *pd = dw_xasprintf("arn:%s:dynamodb:", sc->partition);
    char *px = dw_xasprintf("arn:%s:dax:", sc->partition);
    s_any_dfa(&ddb_any, pd);
    s_any_dfa(&dax_any, px);
    free(pd);
    free(px);
    for (size_t a = 0; a < dwp_n_actions && !out->reach; a++) {
        const char *act = dwp_actions[a];
        if (!s_in_service(act, "dax") && !s_in_service(act, "dynamodb") &&
            !s_in_service(act, "dynamodbstreams"))
            continue;
        struct s_pick p;
        s_pick_for(&set, act, NULL, NULL, &p);
        for (int k = 0; k < 2 && !out->reach; k++) {
            struct dwp_explore_res r;
            dwp_explore(p.items, p.n, false, k ? &dax_any : &ddb_any, s_judge, &p, S_MAX_STATES,
                        &r);
            out->reach = r.any;
            if (r.any) {
                out->reach_action = dw_xstrdup(act);
                out->reach_resource = dw_xstrdup(r.hit);
            }
            if (!r.is_complete)
                out->is_known = false;
            dwp_explore_res_clean_up(&r);
        }
        s_pick_free(&p);
    }
    dwp_dfa_clean_up(&ddb_any);
    dwp_dfa_clean_up(&dax_any);

    for (size_t ri = 0; ri < sc->n_regions && out->reach; ri++) {
        struct dwp_dfa tables;
        s_table_dfa(&tables, sc, sc->regions[ri]);
        /* Total: every dynamodb action on every table name. */
        bool total = true;
        size_t n_ddb = 0;
        for (size_t a = 0; a < dwp_n_actions; a++) {
            if (!s_in_service(dwp_actions[a], "dynamodb"))
                continue;
            n_ddb++;
            if (!total)
                continue;
            struct s_pick p;
            s_pick_for(&set, dwp_actions[a], NULL, NULL, &p);
            struct dwp_explore_res r;
            dwp_explore(p.items, p.n, false, &tables, s_judge, &p, S_MAX_STATES, &r);
            if (!r.is_complete)
                out->is_known = false;
            if (!r.all || !r.is_complete) {
                total = false;
                if (!gap && r.gap) {
                    gap = dw_xstrdup(r.gap);
                    gap_action = dwp_actions[a];
                }
            }
            dwp_explore_res_clean_up(&r);
            s_pick_free(&p);
        }
        if (total && !out->total) {
            out->total = true;
            out->future = s_future(&set, &tables);
            dw_buf_printf(&b, "every DynamoDB action (all %zu of botocore's model) is allowed on "
                              "every table of account %s in %s, through ",
                          n_ddb, sc->account, sc->regions[ri]);
            s_name_grants(&b, &set, &tables);
            if (out->future)
                dw_buf_puts(&b, "; the patterns also cover actions AWS may add later (every "
                                "name after \"dynamodb:\")");
        }
        /* Allows written with NotAction or NotResource that reach a table. */
        for (size_t i = 0; i < set.n && !out->via_not; i++) {
            const struct s_stmt *s = &set.v[i];
            if (s->role != S_ALLOW)
                continue;
            const char *how = s->st->is_not_action     ? "NotAction"
                              : s->st->is_not_resource ? "NotResource"
                                                       : NULL;
            if (!how)
                continue;
            for (size_t a = 0; a < dwp_n_actions && !out->via_not; a++) {
                if (!s_in_service(dwp_actions[a], "dynamodb") ||
                    !dwp_item_match(&s->act, dwp_actions[a], true))
                    continue;
                struct s_pick p;
                s_pick_for(&set, dwp_actions[a], s, NULL, &p);
                struct dwp_explore_res r;
                dwp_explore(p.items, p.n, false, &tables, s_judge, &p, S_MAX_STATES, &r);
                if (r.any) {
                    char *l = s_label(s);
                    out->via_not = true;
                    out->not_action = dw_xstrdup(dwp_actions[a]);
                    out->not_resource = dw_xstrdup(r.hit);
                    dw_buf_printf(&b, "%s%s allows DynamoDB through %s (e.g. %s on %s)",
                                  out->total ? "; " : "", l, how, dwp_actions[a], r.hit);
                    free(l);
                }
                if (!r.is_complete)
                    out->is_known = false;
                dwp_explore_res_clean_up(&r);
                s_pick_free(&p);
            }
        }
        /* Allows whose Action covers every service ("*"), together: some
         * dynamodb action on every table of the region through them. */
        bool *wild = dw_xcalloc(set.n + 1, sizeof(bool));
        bool any_wild = false;
        for (size_t i = 0; i < set.n; i++) {
            wild[i] = set.v[i].role == S_ALLOW && s_all_services(&set.v[i]);
            any_wild = any_wild || wild[i];
        }
        for (size_t a = 0; a < dwp_n_actions && any_wild && !out->via_star; a++) {
            if (!s_in_service(dwp_actions[a], "dynamodb"))
                continue;
            struct s_pick p;
            s_pick_for(&set, dwp_actions[a], NULL, wild, &p);
            struct dwp_explore_res r;
            dwp_explore(p.items, p.n, false, &tables, s_judge, &p, S_MAX_STATES, &r);
            if (r.is_complete && r.all) {
                out->via_star = true;
                out->star_action = dw_xstrdup(dwp_actions[a]);
            }
            /* Said only when the stronger "every action" is not. */
            if (r.is_complete && r.all && !out->total) {
                dw_buf_printf(&b, "%s%s is allowed on every table of account %s in %s through an "
                                  "Action wildcard over every service (",
                              b.len ? "; " : "", dwp_actions[a], sc->account, sc->regions[ri]);
                size_t named = 0;
                for (size_t i = 0; i < set.n && named < S_MAX_NAMED; i++) {
                    if (!wild[i])
                        continue;
                    char *l = s_label(&set.v[i]);
                    dw_buf_printf(&b, "%s%s", named++ ? ", " : "", l);
                    free(l);
                }
                dw_buf_puts(&b, ")");
            }
            if (!r.is_complete)
                out->is_known = false;
            dwp_explore_res_clean_up(&r);
            s_pick_free(&p);
        }
        free(wild);
        dwp_dfa_clean_up(&tables);
    }
    if (!out->is_known) {
        dw_buf_clean_up(&b);
        dw_buf_init(&b, 4096);
        dw_buf_printf(&b, "the patterns are too complex to decide within %d automaton states",
                      S_MAX_STATES);
    } else if (!out->reach) {
        dw_buf_puts(&b, "no policy allows any DynamoDB, DynamoDB Streams or DAX action");
    } else if (!out->total && !out->via_not && !out->via_star) {
        dw_buf_printf(&b, "DynamoDB access is limited: not every action on every table (e.g. %s "
                          "is not allowed on %s)",
                      gap_action ? gap_action : "?", gap ? gap : "?");
    }
    out->why = dw_buf_steal(&b);
    if (!out->total && gap) {
        out->gap_action = dw_xstrdup(gap_action);
        out->gap_resource = gap;
        gap = NULL;
    }
    free(gap);
    free(set.v);
}

void dw_policy_ddb_answer_clean_up(struct dw_policy_ddb_answer *a)
{
    free(a->why);
    free(a->gap_action);
    free(a->gap_resource);
    free(a->not_action);
    free(a->not_resource);
    free(a->reach_action);
    free(a->reach_resource);
    free(a->star_action);
    memset(a, 0, sizeof(*a));
}

/* ---- key policies ---- */

static bool s_principal_star(const struct dw_policy_principal *p)
{
    return strcmp(p->value, "*") == 0 && (strcmp(p->type, "*") == 0 || strcmp(p->type, "AWS") == 0);
}

/* Normal form of an AWS principal: an account id becomes its root ARN. New. */
static char *s_norm(const struct dw_policy_scope *sc, const char *type, const char *v)
{
    if (strcmp(type, "AWS") == 0 && strlen(v) == 12 && strspn(v, "0123456789") == 12)
        return dw_xasprintf("arn:%s:iam::%s:root", sc->partition, v);
    if (strcmp(type, "AWS") == 0)
        return dw_xstrdup(v);
    return dw_xasprintf("%s:%s", type, v);
}

/* Whether a statement's principal covers candidate c (normal form). */
static bool s_stmt_covers(const struct dw_policy_scope *sc, const struct dw_policy_stmt *st,
                          const char *c)
{
    if (!st->has_principal)
        return false;
    bool listed = false;
    for (size_t i = 0; i < st->n_principals && !listed; i++) {
        const struct dw_policy_principal *p = &st->principals[i];
        if (s_principal_star(p)) {
            listed = true;
            continue;
        }
        char *n = s_norm(sc, p->type, p->value);
        listed = strcmp(n, c) == 0;
        free(n);
    }
    return st->is_not_principal ? !listed : listed;
}

/* Account of an AWS principal in normal form, or NULL (services). New. */
static char *s_principal_account(const char *norm)
{
    if (strncmp(norm, "arn:", 4) != 0)
        return NULL;
    const char *p = norm;
    for (int i = 0; i < 4 && p; i++) {
        p = strchr(p, ':');
        if (p)
            p++;
    }
    if (!p)
        return NULL;
    const char *e = strchr(p, ':');
    return e ? dw_xstrndup(p, (size_t)(e - p)) : NULL;
}

static bool s_res_ok(const struct dw_policy_stmt *st, const char *key_arn)
{
    if (!st->has_resource)
        return true;
    struct dwp_item it = {st->resources, st->n_resources, st->is_not_resource, false};
    return dwp_item_match(&it, key_arn, false);
}

static bool s_act_ok(const struct dw_policy_stmt *st, const char *action)
{
    struct dwp_item it = {st->actions, st->n_actions, st->is_not_action, false};
    return dwp_item_match(&it, action, true);
}

/* Does the statement admit some principal outside the account? Sets *who. */
static bool s_admits_outsider(const struct dw_policy_scope *sc, const struct dw_policy_stmt *st,
                              char **who)
{
    if (!st->has_principal)
        return false;
    if (st->is_not_principal) {
        *who = dw_xstrdup("everyone but the NotPrincipal list");
        return true;
    }
    for (size_t i = 0; i < st->n_principals; i++) {
        const struct dw_policy_principal *p = &st->principals[i];
        if (s_principal_star(p)) {
            *who = dw_xstrdup("Principal \"*\"");
            return true;
        }
        if (strcmp(p->type, "AWS") != 0)
            continue;
        char *n = s_norm(sc, p->type, p->value);
        char *acct = s_principal_account(n);
        bool other = acct && strcmp(acct, sc->account) != 0;
        /* A named account whose callers no account condition admits is shut out. */
        for (size_t k = 0; other && k < st->n_conds; k++)
            other = dwp_cond_admits_account(&st->conds[k], acct);
        if (other)
            *who = dw_xasprintf("%s (another account)", n);
        free(acct);
        free(n);
        if (other)
            return true;
    }
    return false;
}

static bool s_deny_fences(const struct dw_policy_scope *sc, const struct dw_policy_stmt *d)
{
    bool star = false;
    for (size_t i = 0; i < d->n_principals; i++)
        star = star || s_principal_star(&d->principals[i]);
    if (!d->has_principal || d->is_not_principal || !star)
        return false;
    for (size_t i = 0; i < d->n_conds; i++) {
        if (!dwp_cond_fences(&d->conds[i], sc))
            return false;
    }
    return true;
}

void dw_policy_kms_eval(const struct dw_policy *pol, const struct dw_policy_scope *sc,
                        const char *key_arn, struct dw_policy_kms_answer *out)
{
    struct dw_buf b;
    struct dw_buf ok;
    memset(out, 0, sizeof(*out));
    out->is_known = true;
    dw_buf_init(&b, 65536);
    dw_buf_init(&ok, 65536);
    size_t n_kms = 0;
    for (size_t a = 0; a < dwp_n_actions; a++)
        n_kms += s_in_service(dwp_actions[a], "kms");

    /* Open: an Allow that admits outsiders, has no binding condition, and
     * grants some kms action no fencing Deny takes away. */
    for (size_t i = 0; i < pol->n_stmts && !out->open; i++) {
        const struct dw_policy_stmt *st = &pol->stmts[i];
        char *who = NULL;
        char lbl[160];
        if (!st->is_allow || !s_res_ok(st, key_arn) || !s_admits_outsider(sc, st, &who)) {
            free(who);
            continue;
        }
        dw_policy_stmt_label(st, lbl, sizeof(lbl));
        char *bind = NULL;
        struct dw_buf nb;
        dw_buf_init(&nb, 65536);
        for (size_t k = 0; k < st->n_conds && !bind; k++) {
            char *why = NULL;
            if (dwp_cond_binds(&st->conds[k], sc, &why))
                bind = why;
            else {
                dw_buf_printf(&nb, "; %s", why);
                free(why);
            }
        }
        char *notes = dw_buf_steal(&nb);
        const char *left = NULL;
        for (size_t a = 0; a < dwp_n_actions && !bind && !left; a++) {
            if (!s_in_service(dwp_actions[a], "kms") || !s_act_ok(st, dwp_actions[a]))
                continue;
            bool denied = false;
            for (size_t d = 0; d < pol->n_stmts && !denied; d++) {
                const struct dw_policy_stmt *ds = &pol->stmts[d];
                denied = !ds->is_allow && s_res_ok(ds, key_arn) && s_act_ok(ds, dwp_actions[a]) &&
                         s_deny_fences(sc, ds);
            }
            if (!denied)
                left = dwp_actions[a];
        }
        if (bind)
            dw_buf_printf(&ok, "%sstatement %s is open to %s but %s", ok.len ? "; " : "", lbl, who,
                          bind);
        else if (left) {
            out->open = true;
            dw_buf_printf(&b, "statement %s allows %s%s to %s %s a condition that binds the "
                              "caller to the account or organisation%s",
                          lbl, left, st->n_conds ? " (and maybe more)" : "", who,
                          st->n_conds ? "without" : "with no condition, so without",
                          notes ? notes : "");
        }
        free(notes);
        free(bind);
        free(who);
    }

    /* Broad: a non-root principal gets every kms action, or a NotAction grant. */
    size_t n_cand = 0;
    char **cand = NULL;
    for (size_t i = 0; i < pol->n_stmts; i++) {
        const struct dw_policy_stmt *st = &pol->stmts[i];
        for (size_t k = 0; st->is_allow && !st->is_not_principal && k < st->n_principals; k++) {
            const struct dw_policy_principal *p = &st->principals[k];
            if (s_principal_star(p))
                continue;
            cand = dw_xrealloc(cand, (n_cand + 1) * sizeof(char *));
            cand[n_cand++] = s_norm(sc, p->type, p->value);
        }
    }
    cand = dw_xrealloc(cand, (n_cand + 1) * sizeof(char *));
    cand[n_cand++] = dw_xasprintf("arn:%s:iam::%s:role/dbward-any-other-role", sc->partition,
                                  sc->account);
    char *root = dw_xasprintf("arn:%s:iam::%s:root", sc->partition, sc->account);
    for (size_t c = 0; c < n_cand && !out->broad; c++) {
        if (strcmp(cand[c], root) == 0)
            continue;
        bool every = true;
        const struct dw_policy_stmt *notact = NULL;
        const char *notact_action = NULL;
        for (size_t a = 0; a < dwp_n_actions; a++) {
            if (!s_in_service(dwp_actions[a], "kms"))
                continue;
            const struct dw_policy_stmt *grant = NULL, *grant_not = NULL;
            bool denied = false;
            for (size_t i = 0; i < pol->n_stmts; i++) {
                const struct dw_policy_stmt *st = &pol->stmts[i];
                if (!s_res_ok(st, key_arn) || !s_act_ok(st, dwp_actions[a]) ||
                    !s_stmt_covers(sc, st, cand[c]))
                    continue;
                if (!st->is_allow && st->n_conds == 0)
                    denied = true;
                else if (st->is_allow) {
                    grant = grant ? grant : st;
                    if (st->is_not_action && !grant_not)
                        grant_not = st;
                }
            }
            if (!grant || denied)
                every = false;
            if (grant_not && !denied && !notact) {
                notact = grant_not;
                notact_action = dwp_actions[a];
            }
        }
        bool generic = c == n_cand - 1;
        const char *whom = generic ? "any principal of the account (through \"*\" or NotPrincipal)"
                                   : cand[c];
        char lbl[160];
        if (every) {
            out->broad = true;
            dw_buf_printf(&b, "%severy kms action (all %zu of botocore's model) is granted to %s, "
                              "not the account root",
                          b.len ? "; " : "", n_kms, whom);
        } else if (notact) {
            out->broad = true;
            dw_buf_printf(&b, "%sstatement %s grants kms through NotAction (e.g. %s) to %s, not "
                              "the account root",
                          b.len ? "; " : "", dw_policy_stmt_label(notact, lbl, sizeof(lbl)),
                          notact_action, whom);
        }
    }
    for (size_t c = 0; c < n_cand; c++)
        free(cand[c]);
    free(cand);
    free(root);
    if (!out->open && !out->broad) {
        dw_buf_printf(&b, "no open principal and no kms:* beyond the account root%s%s",
                      ok.len ? ": " : "", ok.len ? ok.data : "");
    }
    out->why = dw_buf_steal(&b);
    dw_buf_clean_up(&ok);
}

void dw_policy_kms_answer_clean_up(struct dw_policy_kms_answer *a)
{
    free(a->why);
    memset(a, 0, sizeof(*a));
}
