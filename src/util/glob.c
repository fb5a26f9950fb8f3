/* glob.c: the '*'/'?' wildcard matching IAM uses for actions and resources,
 * plus two set questions the policy reasoner asks: does a pattern match every
 * string with a prefix, and does it match any. No character classes: IAM has
 * none. Everything here is iterative. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool s_eq(char a, char b, bool nocase)
{
    if (nocase)
        return tolower((unsigned char)a) == tolower((unsigned char)b);
    return a == b;
}

bool dw_glob_match(const char *p, const char *s, bool nocase)
{
    /* Iterative matcher with single backtrack point: linear in practice. */
    const char *star_p = NULL;
    const char *star_s = NULL;
    while (*s) {
        if (*p == '*') {
            star_p = p++;
            star_s = s;
        } else if (*p == '?' || (*p && s_eq(*p, *s, nocase))) {
            p++;
            s++;
        } else if (star_p) {
            p = star_p + 1;
            s = ++star_s;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

/* Simulates the pattern as an NFA over prefix: on return, live[j] is true
 * when the pattern can have matched all of prefix and stand at position j.
 * O(len(p) * len(prefix)); no recursion, so no blow-up on runs of '*' (a
 * fuzzer found the recursive version exponential). live has len(p)+1 slots. */
static void s_simulate(const char *p, size_t np, const char *prefix, bool nocase, bool *live)
{
    bool *next = dw_xcalloc(np + 1, sizeof(bool));
    memset(live, 0, (np + 1) * sizeof(bool));
    live[0] = true;
    for (size_t j = 0; j < np && live[j] && p[j] == '*'; j++)
        live[j + 1] = true;
    for (const char *c = prefix; *c; c++) {
        memset(next, 0, (np + 1) * sizeof(bool));
        bool any = false;
        for (size_t j = 0; j < np; j++) {
            if (!live[j])
                continue;
            if (p[j] == '*') {
                next[j] = true; /* the star absorbs c and stays */
            } else if (p[j] == '?' || s_eq(p[j], *c, nocase)) {
                next[j + 1] = true;
            }
        }
        /* epsilon closure: a star may also match nothing */
        for (size_t j = 0; j < np; j++) {
            if (next[j] && p[j] == '*')
                next[j + 1] = true;
            any = any || next[j];
        }
        any = any || next[np];
        memcpy(live, next, (np + 1) * sizeof(bool));
        if (!any)
            break;
    }
    free(next);
}

bool dw_glob_covers_prefix(const char *p, const char *prefix, bool nocase)
{
    /* Every prefix+x matches iff, after prefix, the pattern can stand on a
     * '*' from which only stars remain. */
    size_t np = strlen(p);
    bool *live = dw_xcalloc(np + 1, sizeof(bool));
    s_simulate(p, np, prefix, nocase, live);
    bool r = false;
    size_t tail = np; /* start of the trailing run of stars */
    while (tail > 0 && p[tail - 1] == '*')
        tail--;
    for (size_t j = tail; j < np && !r; j++)
        r = live[j];
    free(live);
    return r;
}

bool dw_glob_meets_prefix(const char *p, const char *prefix, bool nocase)
{
    /* Some prefix+x matches iff some position is still live: any remaining
     * pattern matches at least one string. */
    size_t np = strlen(p);
    bool *live = dw_xcalloc(np + 1, sizeof(bool));
    s_simulate(p, np, prefix, nocase, live);
    bool r = false;
    for (size_t j = 0; j <= np && !r; j++)
        r = live[j];
    free(live);
    return r;
}
