/* glob.c: the '*'/'?' wildcard matching IAM uses for actions and resources,
 * plus two set questions the policy reasoner asks: does a pattern match every
 * string with a prefix, and does it match any. No character classes: IAM has
 * none. Recursion is bounded by the pattern length. */
#include <ctype.h>

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

static bool s_all_stars(const char *p)
{
    if (*p == '\0')
        return false;
    while (*p == '*')
        p++;
    return *p == '\0';
}

bool dw_glob_covers_prefix(const char *p, const char *prefix, bool nocase)
{
    /* Walk the prefix; a '*' may absorb part of it. Once the prefix is used
     * up, what is left of the pattern must match any suffix: only stars. */
    for (;;) {
        if (*prefix == '\0')
            return s_all_stars(p);
        if (*p == '*') {
            if (s_all_stars(p))
                return true;
            if (dw_glob_covers_prefix(p + 1, prefix, nocase))
                return true;
            prefix++;
            continue;
        }
        if (*p == '\0')
            return false;
        if (*p != '?' && !s_eq(*p, *prefix, nocase))
            return false;
        p++;
        prefix++;
    }
}

bool dw_glob_meets_prefix(const char *p, const char *prefix, bool nocase)
{
    /* Some string prefix+x matches p iff p can consume all of prefix and
     * still match something: a pattern remainder always matches some string. */
    for (;;) {
        if (*prefix == '\0')
            return true;
        if (*p == '*')
            return true; /* the star absorbs the rest of the prefix */
        if (*p == '\0')
            return false;
        if (*p != '?' && !s_eq(*p, *prefix, nocase))
            return false;
        p++;
        prefix++;
    }
}
