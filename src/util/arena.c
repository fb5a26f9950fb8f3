/* arena.c: a bump allocator for objects that die together (the AST of a
 * compiled JMESPath expression). Chunks grow geometrically; everything is
 * freed at once by dw_arena_free. */
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct s_chunk {
    struct s_chunk *next;
    size_t used;
    size_t cap;
    unsigned char data[];
};

struct dw_arena {
    struct s_chunk *head;
};

struct dw_arena *dw_arena_new(void)
{
    return dw_xcalloc(1, sizeof(struct dw_arena));
}

void *dw_arena_alloc(struct dw_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    struct s_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = c ? c->cap * 2 : 4096;
        while (cap < n)
            cap *= 2;
        c = dw_xmalloc(sizeof(*c) + cap);
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

char *dw_arena_strndup(struct dw_arena *a, const char *s, size_t n)
{
    char *p = dw_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void dw_arena_free(struct dw_arena *a)
{
    if (!a)
        return;
    struct s_chunk *c = a->head;
    while (c) {
        struct s_chunk *n = c->next;
        free(c);
        c = n;
    }
    free(a);
}
