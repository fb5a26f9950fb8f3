/* policy_int.h: internals of the policy module shared by its files: the
 * generated action universe, the glob-language explorer (lang.c) and the
 * condition reader (cond.c). Not installed. */
#ifndef DBWARD_POLICY_INT_H
#define DBWARD_POLICY_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <dbward/policy.h>

/* Every operation of dynamodb, dynamodbstreams, dax and kms in botocore's
 * models, "<service>:<Operation>" (actions_gen.c). */
extern const char *const dwp_actions[];
extern const size_t dwp_n_actions;

/* One Action/NotAction or Resource/NotResource field read as a language:
 * the union of its glob patterns, complemented when negate is set. The
 * patterns are borrowed. */
struct dwp_item {
    char *const *pats;
    size_t n_pats;
    bool negate;
    bool is_arn; /* ArnLike: wildcards before the last field (the sixth, or
                    the last one written) do not match ':' */
};

/* A deterministic automaton over bytes that restricts which strings a
 * question is about (e.g. "arn:aws:dynamodb:R:A:table/" followed by a table
 * name). trans[s * 256 + b] is the next state or -1; owned by the builder. */
struct dwp_dfa {
    int n_states;
    int start;
    int *trans;
    bool *accept;
    /* cls[b]: the first byte whose column of trans equals b's (bytes the
     * DFA cannot tell apart share it); set by every builder. */
    unsigned char cls[256];
};

/* Fills d->cls from d->trans. The builders below call it; a DFA built by
 * hand must call it once its transitions are set. */
void dwp_dfa_classes(struct dwp_dfa *d);
/* Builds prefix followed by min_len or more bytes of charset (a 256-entry
 * table of allowed bytes). */
void dwp_dfa_prefix(struct dwp_dfa *d, const char *prefix, const bool *charset, int min_len);
/* Builds the principal ARNs ("arn:", exactly five colons, a non-empty last
 * field) whose account field (the fifth) is 12 digits other than account. */
void dwp_dfa_foreign_arn(struct dwp_dfa *d, const char *account);
/* Builds the 12-digit account ids other than account. */
void dwp_dfa_account(struct dwp_dfa *d, const char *account);
void dwp_dfa_clean_up(struct dwp_dfa *d);

/* Judges one string from the acceptance of every item (acc[i] true when the
 * string is in item i's language, negation applied). */
typedef bool (*dwp_judge_fn)(const bool *acc, void *ud);

struct dwp_explore_res {
    bool is_complete; /* false: the state limit was reached, nothing is known */
    bool all;         /* every string the DFA accepts is judged true */
    bool any;         /* some string the DFA accepts is judged true */
    char *gap;        /* new: a shortest string judged false, or NULL */
    char *hit;        /* new: a shortest string judged true, or NULL */
};

/* Answers, exactly, whether every (and whether some) string of the DFA's
 * language is judged true, by exploring the product of the DFA with the
 * subset construction of the items' NFAs, over one representative byte per
 * class of bytes the patterns and the DFA cannot tell apart. nocase folds
 * ASCII case (actions). Explores at most max_states states. */
void dwp_explore(const struct dwp_item *items, size_t n_items, bool nocase,
                 const struct dwp_dfa *dfa, dwp_judge_fn judge, void *ud, size_t max_states,
                 struct dwp_explore_res *res);
void dwp_explore_res_clean_up(struct dwp_explore_res *res);

/* Glob match of one string against an item (negation applied). */
bool dwp_item_match(const struct dwp_item *it, const char *s, bool nocase);


/* Builds every string except literal (any bytes). */
void dwp_dfa_not_literal(struct dwp_dfa *d, const char *literal);

/* Condition reading (cond.c). A condition binds when no request from
 * outside the account and organisation can satisfy it; it fences when no
 * such request can fail it (a negated binding condition, which makes a Deny
 * apply to every outsider). Both write a sentence into *why (new). */
bool dwp_cond_binds(const struct dw_policy_cond *c, const struct dw_policy_scope *sc, char **why);
bool dwp_cond_fences(const struct dw_policy_cond *c, const struct dw_policy_scope *sc);
/* Whether a caller of account can satisfy the condition (false only for a
 * positive condition on aws:PrincipalAccount or kms:CallerAccount that no
 * value of which admits the account). */
bool dwp_cond_admits_account(const struct dw_policy_cond *c, const char *account);
/* Parses "a.b.c.d[/n]" or an IPv6 address or range into the inclusive
 * range [*lo, *hi] (IPv4 as 32-bit numbers); returns 4, 6, or 0 when v is
 * neither. */
int dwp_cidr_range(const char *v, unsigned __int128 *lo, unsigned __int128 *hi);
/* Judge that returns the first item's acceptance. */
bool dwp_judge_first(const bool *acc, void *ud);
#endif
