/* json_out.c: the streaming JSON writer (json_out.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/json_out.h"

/* The bytes written as they are: ASCII from 0x20 (DEL included, as jansson
 * writes it) but the quote and the backslash (a table: one load a byte, where
 * four tests were the report's hottest loop). */
static bool s_plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

static unsigned char s_plain_table[256];

static void s_plain_init(void)
{
    if (s_plain_table['a'])
        return;
    for (unsigned c = 0; c < 256; c++)
        s_plain_table[c] = s_plain((unsigned char)c);
}

void dw_jw_init(struct dw_jw *w, FILE *out)
{
    memset(w, 0, sizeof(*w));
    w->out = out;
    s_plain_init();
}

static void s_flush(struct dw_jw *w)
{
    if (w->n_pending && !w->failed && fwrite(w->pending, 1, w->n_pending, w->out) != w->n_pending)
        w->failed = true;
    w->n_pending = 0;
}

static void s_put(struct dw_jw *w, const char *s, size_t n)
{
    if (w->n_pending + n > sizeof(w->pending)) {
        s_flush(w);
        if (n > sizeof(w->pending)) {
            if (!w->failed && fwrite(s, 1, n, w->out) != n)
                w->failed = true;
            return;
        }
    }
    memcpy(w->pending + w->n_pending, s, n);
    w->n_pending += n;
}

static void s_puts(struct dw_jw *w, const char *s) { s_put(w, s, strlen(s)); }

/* A newline and the indentation of depth d (2 spaces a level). */
static void s_newline(struct dw_jw *w, int d)
{
    static const char spaces[] = "\n                                                                ";
    size_t n = (size_t)d * 2;
    s_put(w, spaces, 1);
    while (n) {
        size_t k = n < sizeof(spaces) - 2 ? n : sizeof(spaces) - 2;
        s_put(w, spaces + 1, k);
        n -= k;
    }
}

/* Before a value or a key: the separator and the line of a new member;
 * nothing after a key (its value follows ": "). */
static void s_member(struct dw_jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    if (w->any[w->depth - 1])
        s_put(w, ",", 1);
    w->any[w->depth - 1] = true;
    s_newline(w, w->depth);
}

static void s_open(struct dw_jw *w, char open, char close)
{
    s_member(w);
    if (w->depth >= DW_JW_MAX_DEPTH) {
        w->failed = true;
        return;
    }
    s_put(w, &open, 1);
    w->any[w->depth] = false;
    w->close[w->depth] = close;
    w->depth++;
}

void dw_jw_object(struct dw_jw *w) { s_open(w, '{', '}'); }
void dw_jw_array(struct dw_jw *w) { s_open(w, '[', ']'); }

void dw_jw_end(struct dw_jw *w)
{
    if (w->depth == 0)
        return;
    w->depth--;
    if (w->any[w->depth])
        s_newline(w, w->depth);
    s_put(w, &w->close[w->depth], 1);
}

/* The length of the UTF-8 sequence at p (1 to 4) and its code point, or 0
 * when it is not a valid, shortest sequence of a scalar value. */
static size_t s_utf8(const unsigned char *p, unsigned *cp)
{
    unsigned c = p[0];
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0)
        return 0;
    unsigned v = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    static const unsigned least[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < least[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

/* Whether one of the 8 bytes of x is not plain: below 0x20, above 0x7F,
 * the quote or the backslash. May say yes for a word of plain bytes (a
 * borrow between bytes), never no for a word with one. */
static bool s_word_special(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    uint64_t t = ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b) | x;
    return (t & high) != 0;
}

/* The end of the run of plain bytes from p, up to end: 8 bytes at a time
 * while whole words fit, then a byte at a time. */
static const unsigned char *s_plain_run(const unsigned char *p, const unsigned char *end)
{
    while (end - p >= 8) {
        uint64_t x;
        memcpy(&x, p, sizeof(x));
        if (s_word_special(x))
            break;
        p += 8;
    }
    while (p < end && s_plain_table[*p])
        p++;
    return p;
}

static void s_string(struct dw_jw *w, const char *str)
{
    const unsigned char *p = (const unsigned char *)str, *end = p + strlen(str);
    s_put(w, "\"", 1);
    while (*p) {
        const unsigned char *run = p;
        p = s_plain_run(p, end);
        if (p > run)
            s_put(w, (const char *)run, (size_t)(p - run));
        if (!*p)
            break;
        char esc[16];
        unsigned cp = 0;
        size_t n = s_utf8(p, &cp);
        if (n == 0) {
            cp = 0xFFFD;
            n = 1;
        }
        p += n;
        switch (cp) {
        case '"': s_puts(w, "\\\""); continue;
        case '\\': s_puts(w, "\\\\"); continue;
        case '\b': s_puts(w, "\\b"); continue;
        case '\f': s_puts(w, "\\f"); continue;
        case '\n': s_puts(w, "\\n"); continue;
        case '\r': s_puts(w, "\\r"); continue;
        case '\t': s_puts(w, "\\t"); continue;
        default: break;
        }
        if (cp < 0x10000) {
            snprintf(esc, sizeof(esc), "\\u%04X", cp);
            s_puts(w, esc);
        } else {
            cp -= 0x10000;
            snprintf(esc, sizeof(esc), "\\u%04X\\u%04X", 0xD800 | (cp >> 10), 0xDC00 | (cp & 0x3FF));
            s_puts(w, esc);
        }
    }
    s_put(w, "\"", 1);
}

void dw_jw_key(struct dw_jw *w, const char *key)
{
    s_member(w);
    s_string(w, key);
    s_put(w, ": ", 2);
    w->after_key = true;
}

void dw_jw_string(struct dw_jw *w, const char *s)
{
    if (!s) {
        dw_jw_null(w);
        return;
    }
    s_member(w);
    s_string(w, s);
}

void dw_jw_int(struct dw_jw *w, long long v)
{
    char b[32];
    s_member(w);
    snprintf(b, sizeof(b), "%lld", v);
    s_puts(w, b);
}

void dw_jw_null(struct dw_jw *w)
{
    s_member(w);
    s_puts(w, "null");
}

void dw_jw_value(struct dw_jw *w, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        dw_jw_object(w);
        const char *k;
        json_t *m;
        json_object_foreach((json_t *)v, k, m)
        {
            dw_jw_key(w, k);
            dw_jw_value(w, m);
        }
        dw_jw_end(w);
        return;
    }
    case JSON_ARRAY:
        dw_jw_array(w);
        for (size_t i = 0; i < json_array_size(v); i++)
            dw_jw_value(w, json_array_get(v, i));
        dw_jw_end(w);
        return;
    case JSON_STRING:
        dw_jw_string(w, json_string_value(v));
        return;
    case JSON_INTEGER:
        dw_jw_int(w, (long long)json_integer_value(v));
        return;
    case JSON_REAL: {
        /* Reports hold no reals; jansson's own text keeps them exact. */
        char *s = json_dumps(v, JSON_ENCODE_ANY);
        s_member(w);
        s_puts(w, s ? s : "null");
        free(s);
        return;
    }
    case JSON_TRUE:
        s_member(w);
        s_puts(w, "true");
        return;
    case JSON_FALSE:
        s_member(w);
        s_puts(w, "false");
        return;
    default:
        dw_jw_null(w);
        return;
    }
}

void dw_jw_kstring(struct dw_jw *w, const char *key, const char *s)
{
    dw_jw_key(w, key);
    dw_jw_string(w, s);
}

void dw_jw_kint(struct dw_jw *w, const char *key, long long v)
{
    dw_jw_key(w, key);
    dw_jw_int(w, v);
}

enum dw_status dw_jw_status(struct dw_jw *w)
{
    s_flush(w);
    return w->failed || ferror(w->out) ? DW_E_IO : DW_OK;
}
