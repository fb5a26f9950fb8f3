/* lang.c: IAM glob patterns as languages. A pattern is an NFA whose states
 * are its positions ('*' loops on any byte and may be skipped, '?' consumes
 * any byte, anything else consumes itself). Questions about a union of
 * fields (with complements for Not* fields) are answered by walking the
 * subset construction in lockstep with a DFA that says which strings the
 * question is about. Bytes that no pattern names and the DFA treats alike
 * lead to the same successor, so one representative per class suffices:
 * the walk is exact, not sampled. It does no I/O and never recurses. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"
#include "util/util.h"

static void s_dfa_alloc(struct dwp_dfa *d, int n)
{
    d->n_states = n;
    d->start = 0;
    d->trans = dw_xmalloc((size_t)n * 256 * sizeof(int));
    for (size_t i = 0; i < (size_t)n * 256; i++)
        d->trans[i] = -1;
    d->accept = dw_xcalloc((size_t)n, sizeof(bool));
}

/* Groups the bytes by their column of trans (d->cls), once per DFA: the
 * walk needs it for every question and the DFA is asked many. */
void dwp_dfa_classes(struct dwp_dfa *d)
{
    uint64_t h[256];
    for (int b = 0; b < 256; b++) {
        uint64_t x = 1469598103934665603ull;
        for (int s = 0; s < d->n_states; s++) {
            x ^= (uint64_t)(unsigned)d->trans[s * 256 + b];
            x *= 1099511628211ull;
        }
        h[b] = x;
    }
    for (int b = 0; b < 256; b++) {
        d->cls[b] = (unsigned char)b;
        for (int a = 0; a < b; a++) {
            if (h[a] != h[b] || d->cls[a] != a)
                continue;
            bool same = true;
            for (int s = 0; s < d->n_states && same; s++)
                same = d->trans[s * 256 + a] == d->trans[s * 256 + b];
            if (same) {
                d->cls[b] = (unsigned char)a;
                break;
            }
        }
    }
}

void dwp_dfa_prefix(struct dwp_dfa *d, const char *prefix, const bool *charset, int min_len)
{
    int np = (int)strlen(prefix);
    s_dfa_alloc(d, np + min_len + 1);
    for (int i = 0; i < np; i++)
        d->trans[i * 256 + (unsigned char)prefix[i]] = i + 1;
    for (int k = 0; k <= min_len; k++) {
        int s = np + k;
        for (int b = 1; b < 256; b++) {
            if (charset[b])
                d->trans[s * 256 + b] = np + (k < min_len ? k + 1 : min_len);
        }
    }
    d->accept[np + min_len] = true;
    dwp_dfa_classes(d);
}

/* States base..base+24 read a 12-digit account id that differs from
 * account: E_k (k digits equal so far) is base+k, D_k (k digits, already
 * different) is base+12+k. Returns the accepting state D_12. */
static int s_dfa_other_account(struct dwp_dfa *d, int base, const char *account)
{
    for (int k = 0; k < 12; k++) {
        for (int b = '0'; b <= '9'; b++) {
            d->trans[(base + k) * 256 + b] =
                b == (unsigned char)account[k] ? base + k + 1 : base + 12 + k + 1;
            if (k > 0)
                d->trans[(base + 12 + k) * 256 + b] = base + 12 + k + 1;
        }
    }
    return base + 24;
}

void dwp_dfa_account(struct dwp_dfa *d, const char *account)
{
    s_dfa_alloc(d, 25);
    d->accept[s_dfa_other_account(d, 0, account)] = true;
    dwp_dfa_classes(d);
}

void dwp_dfa_foreign_arn(struct dwp_dfa *d, const char *account)
{
    /* 0..3 "arn:", 4..6 partition/service/region fields, 7..31 the account,
     * 32 after its colon, 33 a non-empty last field. */
    s_dfa_alloc(d, 34);
    const char *lit = "arn:";
    for (int i = 0; i < 4; i++)
        d->trans[i * 256 + (unsigned char)lit[i]] = i + 1;
    for (int s = 4; s <= 6; s++) {
        for (int b = 1; b < 256; b++)
            d->trans[s * 256 + b] = b == ':' ? s + 1 : s;
    }
    int acc = s_dfa_other_account(d, 7, account);
    d->trans[acc * 256 + ':'] = 32;
    for (int b = 1; b < 256; b++) {
        if (b != ':') {
            d->trans[32 * 256 + b] = 33;
            d->trans[33 * 256 + b] = 33;
        }
    }
    d->accept[33] = true;
    dwp_dfa_classes(d);
}

void dwp_dfa_clean_up(struct dwp_dfa *d)
{
    free(d->trans);
    free(d->accept);
    memset(d, 0, sizeof(*d));
}

static bool s_eq(unsigned char pc, unsigned char b, bool nocase)
{
    return nocase ? tolower(pc) == tolower(b) : pc == b;
}

bool dwp_item_match(const struct dwp_item *it, const char *s, bool nocase)
{
    bool m = false;
    for (size_t i = 0; i < it->n_pats && !m; i++)
        m = dw_glob_match(it->pats[i], s, nocase);
    return m != it->negate;
}

/* The explorer's view of the patterns: one flat bit range per pattern. */
struct s_pat {
    const char *p;
    size_t len;
    size_t base; /* bit of position 0 */
    size_t item;
    size_t free_from; /* wildcards before this position do not match ':' */
};

struct s_nfa {
    struct s_pat *pats;
    size_t n_pats;
    size_t n_bits;
    size_t n_words;
    bool nocase;
};

#define S_BIT(v, i) (((v)[(i) >> 6] >> ((i)&63)) & 1u)
#define S_SET(v, i) ((v)[(i) >> 6] |= (uint64_t)1 << ((i)&63))

static void s_closure(const struct s_nfa *n, uint64_t *v)
{
    for (size_t k = 0; k < n->n_pats; k++) {
        const struct s_pat *p = &n->pats[k];
        for (size_t j = 0; j < p->len; j++) {
            if (p->p[j] == '*' && S_BIT(v, p->base + j))
                S_SET(v, p->base + j + 1);
        }
    }
}

static void s_step(const struct s_nfa *n, const uint64_t *v, unsigned char b, uint64_t *out)
{
    memset(out, 0, n->n_words * sizeof(uint64_t));
    for (size_t k = 0; k < n->n_pats; k++) {
        const struct s_pat *p = &n->pats[k];
        for (size_t j = 0; j < p->len; j++) {
            if (!S_BIT(v, p->base + j))
                continue;
            char c = p->p[j];
            if (c == '*' && !(b == ':' && j < p->free_from))
                S_SET(out, p->base + j);
            else if (c == '?' && b == ':' && j < p->free_from)
                continue;
            else if (c == '?' || s_eq((unsigned char)c, b, n->nocase))
                S_SET(out, p->base + j + 1);
        }
    }
    s_closure(n, out);
}

/* Open-addressing set of (dfa state, bitset) with BFS parents. */
struct s_states {
    size_t n, cap;      /* states stored, slots in the hash table */
    size_t n_words;
    int *dstate;        /* per state */
    uint64_t *bits;     /* per state, n_words each */
    size_t *parent;     /* per state; SIZE_MAX for the start */
    unsigned char *via; /* byte that led here */
    size_t alloc;       /* capacity of the per-state arrays */
    size_t *table;      /* slot -> state index + 1, 0 empty */
};

static uint64_t s_hash(int ds, const uint64_t *v, size_t nw)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)(unsigned)ds;
    for (size_t i = 0; i < nw; i++) {
        h ^= v[i];
        h *= 1099511628211ull;
        h ^= h >> 29;
    }
    return h;
}

static void s_rehash(struct s_states *st)
{
    free(st->table);
    st->cap = st->cap ? st->cap * 2 : 1024;
    st->table = dw_xcalloc(st->cap, sizeof(size_t));
    for (size_t i = 0; i < st->n; i++) {
        uint64_t h = s_hash(st->dstate[i], &st->bits[i * st->n_words], st->n_words);
        size_t slot = (size_t)(h & (st->cap - 1));
        while (st->table[slot])
            slot = (slot + 1) & (st->cap - 1);
        st->table[slot] = i + 1;
    }
}

/* Returns true when the state was new. */
static bool s_insert(struct s_states *st, int ds, const uint64_t *v, size_t parent,
                     unsigned char via)
{
    if ((st->n + 1) * 2 > st->cap)
        s_rehash(st);
    uint64_t h = s_hash(ds, v, st->n_words);
    size_t slot = (size_t)(h & (st->cap - 1));
    while (st->table[slot]) {
        size_t i = st->table[slot] - 1;
        if (st->dstate[i] == ds &&
            memcmp(&st->bits[i * st->n_words], v, st->n_words * sizeof(uint64_t)) == 0)
            return false;
        slot = (slot + 1) & (st->cap - 1);
    }
    if (st->n == st->alloc) {
        st->alloc = st->alloc ? st->alloc * 2 : 256;
        st->dstate = dw_xrealloc(st->dstate, st->alloc * sizeof(int));
        st->bits = dw_xrealloc(st->bits, st->alloc * st->n_words * sizeof(uint64_t));
        st->parent = dw_xrealloc(st->parent, st->alloc * sizeof(size_t));
        st->via = dw_xrealloc(st->via, st->alloc);
    }
    size_t i = st->n++;
    st->dstate[i] = ds;
    memcpy(&st->bits[i * st->n_words], v, st->n_words * sizeof(uint64_t));
    st->parent[i] = parent;
    st->via[i] = via;
    st->table[slot] = i + 1;
    return true;
}

/* The bitset of state i; valid until the next s_insert. */
static const uint64_t *s_bits_of(const struct s_states *st, size_t i)
{
    return st->bits + i * st->n_words;
}

static char *s_witness(const struct s_states *st, size_t i)
{
    size_t len = 0;
    for (size_t k = i; st->parent[k] != SIZE_MAX; k = st->parent[k])
        len++;
    char *w = dw_xmalloc(len + 1);
    w[len] = '\0';
    for (size_t k = i; st->parent[k] != SIZE_MAX; k = st->parent[k])
        w[--len] = (char)st->via[k];
    return w;
}

/* One representative byte per class: every byte a pattern names (both
 * cases when folding) stands for itself; the other bytes are grouped by
 * their column in the DFA. */
static size_t s_alphabet(const struct s_nfa *n, const struct dwp_dfa *d, unsigned char *reps)
{
    bool named[256] = {false};
    for (size_t k = 0; k < n->n_pats; k++) {
        for (size_t j = 0; j < n->pats[k].len; j++) {
            unsigned char c = (unsigned char)n->pats[k].p[j];
            if (c == '*' || c == '?')
                continue;
            named[c] = true;
            if (n->nocase) {
                named[tolower(c)] = true;
                named[toupper(c)] = true;
            }
        }
    }
    size_t nr = 0;
    /* Letters and digits first, so that witnesses read well. */
    int order[255];
    size_t no = 0;
    for (int b = 1; b < 256; b++) {
        if (isalnum(b))
            order[no++] = b;
    }
    for (int b = 1; b < 256; b++) {
        if (!isalnum(b))
            order[no++] = b;
    }
    /* An unnamed byte stands for itself unless an unnamed byte of its DFA
     * class came before it. */
    bool class_seen[256] = {false};
    for (size_t oi = 0; oi < no; oi++) {
        int b = order[oi];
        if (named[b]) {
            reps[nr++] = (unsigned char)b;
            continue;
        }
        if (!class_seen[d->cls[b]]) {
            class_seen[d->cls[b]] = true;
            reps[nr++] = (unsigned char)b;
        }
    }
    return nr;
}

void dwp_explore(const struct dwp_item *items, size_t n_items, bool nocase,
                 const struct dwp_dfa *dfa, dwp_judge_fn judge, void *ud, size_t max_states,
                 struct dwp_explore_res *res)
{
    struct s_nfa n = {0};
    struct s_states st = {0};
    memset(res, 0, sizeof(*res));
    res->all = true;
    n.nocase = nocase;
    for (size_t i = 0; i < n_items; i++)
        n.n_pats += items[i].n_pats;
    n.pats = dw_xcalloc(n.n_pats ? n.n_pats : 1, sizeof(*n.pats));
    size_t k = 0;
    for (size_t i = 0; i < n_items; i++) {
        for (size_t j = 0; j < items[i].n_pats; j++) {
            struct s_pat *p = &n.pats[k++];
            p->p = items[i].pats[j];
            p->len = strlen(p->p);
            p->base = n.n_bits;
            p->item = i;
            n.n_bits += p->len + 1;
            if (items[i].is_arn) {
                int colons = 0;
                for (size_t c = 0; c < p->len && colons < 5; c++) {
                    if (p->p[c] == ':') {
                        colons++;
                        p->free_from = c + 1;
                    }
                }
            }
        }
    }
    n.n_words = n.n_bits / 64 + 1;
    st.n_words = n.n_words;
    unsigned char reps[256];
    size_t n_reps = s_alphabet(&n, dfa, reps);
    uint64_t *cur = dw_xcalloc(n.n_words, sizeof(uint64_t));
    bool *acc = dw_xcalloc(n_items ? n_items : 1, sizeof(bool));
    for (size_t i = 0; i < n.n_pats; i++)
        S_SET(cur, n.pats[i].base);
    s_closure(&n, cur);
    s_insert(&st, dfa->start, cur, SIZE_MAX, 0);
    res->is_complete = true;
    for (size_t q = 0; q < st.n; q++) {
        int ds = st.dstate[q];
        const uint64_t *v = s_bits_of(&st, q);
        if (dfa->accept[ds]) {
            for (size_t i = 0; i < n_items; i++)
                acc[i] = items[i].negate;
            for (size_t i = 0; i < n.n_pats; i++) {
                const struct s_pat *p = &n.pats[i];
                if (S_BIT(v, p->base + p->len))
                    acc[p->item] = !items[p->item].negate;
            }
            if (judge(acc, ud)) {
                res->any = true;
                if (!res->hit)
                    res->hit = s_witness(&st, q);
            } else {
                res->all = false;
                if (!res->gap)
                    res->gap = s_witness(&st, q);
            }
            if (res->any && !res->all)
                break;
        }
        for (size_t r = 0; r < n_reps; r++) {
            int nd = dfa->trans[ds * 256 + reps[r]];
            if (nd < 0)
                continue;
            s_step(&n, s_bits_of(&st, q), reps[r], cur);
            s_insert(&st, nd, cur, q, reps[r]);
        }
        if (st.n > max_states) {
            res->is_complete = false;
            break;
        }
    }
    free(cur);
    free(acc);
    free(n.pats);
    free(st.dstate);
    free(st.bits);
    free(st.parent);
    free(st.via);
    free(st.table);
}

void dwp_explore_res_clean_up(struct dwp_explore_res *res)
{
    free(res->gap);
    free(res->hit);
    memset(res, 0, sizeof(*res));
}

void dwp_dfa_not_literal(struct dwp_dfa *d, const char *literal)
{
    /* k: the first k bytes equal the literal; diff: differs already. */
    int nl = (int)strlen(literal);
    int diff = nl + 1;
    s_dfa_alloc(d, nl + 2);
    for (int k = 0; k <= nl; k++) {
        for (int b = 1; b < 256; b++)
            d->trans[k * 256 + b] = k < nl && b == (unsigned char)literal[k] ? k + 1 : diff;
        d->accept[k] = k != nl;
    }
    for (int b = 1; b < 256; b++)
        d->trans[diff * 256 + b] = diff;
    d->accept[diff] = true;
    dwp_dfa_classes(d);
}
