/* buf.c: growable, capped byte buffers (struct dw_buf). The cap bounds every
 * string built from outside input; errors are sticky so callers check once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void dw_buf_init(struct dw_buf *b, size_t max_len)
{
    memset(b, 0, sizeof(*b));
    b->max_len = max_len;
}

void dw_buf_clean_up(struct dw_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void dw_buf_append(struct dw_buf *b, const char *p, size_t n)
{
    if (b->st)
        return;
    if (n > b->max_len - b->len) {
        b->st = DW_E_TOO_BIG;
        return;
    }
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 64;
        while (ncap < b->len + n + 1)
            ncap *= 2;
        b->data = dw_xrealloc(b->data, ncap);
        b->cap = ncap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void dw_buf_puts(struct dw_buf *b, const char *s)
{
    dw_buf_append(b, s, strlen(s));
}

void dw_buf_printf(struct dw_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = dw_xvasprintf(fmt, ap);
    va_end(ap);
    dw_buf_puts(b, s);
    free(s);
}

char *dw_buf_steal(struct dw_buf *b)
{
    char *p = NULL;
    if (b->st == DW_OK)
        p = b->data ? b->data : dw_xstrdup("");
    else
        free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->st = DW_OK;
    return p;
}

enum dw_status dw_buf_read_file(struct dw_buf *b, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return DW_E_NOT_FOUND;
    char chunk[8192];
    size_t n;
    while (b->st == DW_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        dw_buf_append(b, chunk, n);
    fclose(f);
    if (b->st) {
        dw_buf_clean_up(b);
        return DW_E_TOO_BIG;
    }
    return DW_OK;
}

int dw_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
