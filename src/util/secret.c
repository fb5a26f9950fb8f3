/* secret.c: wiped-on-free storage for credentials and derived keys. */
#include <stdlib.h>
#include <string.h>

#include <dbward/secret.h>

#include "util.h"

void dw_secure_zero_buf(void *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n);
}

void dw_secure_zero(void *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n);
}

struct dw_secret *dw_secret_new(const void *data, size_t len)
{
    struct dw_secret *s = dw_xcalloc(1, sizeof(*s));
    s->bytes = dw_xmalloc(len + 1);
    if (len)
        memcpy(s->bytes, data, len);
    s->bytes[len] = '\0';
    s->len = len;
    return s;
}

struct dw_secret *dw_secret_from_str(const char *str)
{
    return str ? dw_secret_new(str, strlen(str)) : NULL;
}

void dw_secret_free(struct dw_secret *s)
{
    if (!s)
        return;
    dw_secure_zero(s->bytes, s->len + 1);
    free(s->bytes);
    free(s);
}

const char *dw_secret_str(const struct dw_secret *s)
{
    return s ? (const char *)s->bytes : NULL;
}
