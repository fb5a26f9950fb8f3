/* xalloc.c: allocation wrappers that abort on out-of-memory, so no caller has
 * an untested OOM branch, plus heap string formatting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void s_oom(size_t n)
{
    fputs("dbward: out of memory\n", stderr);
    (void)n;
    abort();
}

void *dw_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        s_oom(n);
    return p;
}

void *dw_xcalloc(size_t count, size_t n)
{
    void *p = calloc(count ? count : 1, n ? n : 1);
    if (!p)
        s_oom(n);
    return p;
}

void *dw_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        s_oom(n);
    return q;
}

char *dw_xstrdup(const char *s)
{
    return dw_xstrndup(s, strlen(s));
}

char *dw_xstrndup(const char *s, size_t n)
{
    char *p = dw_xmalloc(n + 1);
    if (n) /* s may be NULL for an empty body */
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Formats once into a buffer on the stack, and a second time only when the
 * text is longer: most strings are short, and formatting costs more than
 * the copy (a tenth of the 100k offline scan formatted everything twice). */
char *dw_xvasprintf(const char *fmt, va_list ap)
{
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof(small), fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return dw_xstrdup("");
    if ((size_t)n < sizeof(small))
        return dw_xstrndup(small, (size_t)n);
    char *p = dw_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *dw_xstrjoin_list(const char *first, ...)
{
    va_list ap;
    size_t n = 0;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *))
        n += strlen(s);
    va_end(ap);
    char *out = dw_xmalloc(n + 1), *o = out;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *)) {
        size_t k = strlen(s);
        memcpy(o, s, k);
        o += k;
    }
    va_end(ap);
    *o = '\0';
    return out;
}

char *dw_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = dw_xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}
