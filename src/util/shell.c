/* shell.c: the one place where text meets bash. Every value that goes into a
 * command dbward prints (remediation fixes, the collection script) is quoted
 * here, and every comment line of a script is made inert here.
 *
 * Quoting depends on where the value lands: the quote state at the end of the
 * buffer (outside quotes, inside '...', "..." or $'...') is worked out from
 * the text already there, so a command template may hold a value inside a
 * quoted JSON document or glued to a word (Values=%s) and still come out as
 * the exact bytes of the value, in one word, with nothing expanded.
 *
 * Forms used, in order of preference:
 *   plain words [A-Za-z0-9@%_+=:,./-] as they are;
 *   printable ASCII in single quotes, a ' written as '\'';
 *   anything else (control bytes, DEL, non-ASCII, invalid UTF-8) in ANSI-C
 *   quotes $'...' where every such byte is \xHH, so no line of a script can
 *   be split, hidden or reordered by what a value holds.
 * It does not quote for any other shell than bash (and POSIX sh for the first
 * two forms), and it cannot carry a NUL byte (C strings end there). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum s_state { S_NONE, S_SINGLE, S_DOUBLE, S_ANSI, S_COMMENT };

static bool s_plain_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("@%_+=:,./-", c) != NULL);
}

static bool s_printable(unsigned char c)
{
    return c >= 0x20 && c < 0x7f;
}

/* The quote state after reading text as bash would (only quotes, backslashes
 * and comments matter here; the templates hold no nested substitutions inside
 * quotes). */
static enum s_state s_state_of(const char *text, size_t len)
{
    enum s_state st = S_NONE;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        switch (st) {
        case S_NONE:
            if (c == '\\')
                i++;
            else if (c == '\'')
                st = S_SINGLE;
            else if (c == '"')
                st = S_DOUBLE;
            else if (c == '$' && i + 1 < len && text[i + 1] == '\'') {
                st = S_ANSI;
                i++;
            } else if (c == '#' && (i == 0 || strchr(" \t\n;&|()", text[i - 1])))
                st = S_COMMENT;
            break;
        case S_COMMENT:
            if (c == '\n')
                st = S_NONE;
            break;
        case S_SINGLE:
            if (c == '\'')
                st = S_NONE;
            break;
        case S_DOUBLE:
            if (c == '\\')
                i++;
            else if (c == '"')
                st = S_NONE;
            break;
        case S_ANSI:
            if (c == '\\')
                i++;
            else if (c == '\'')
                st = S_NONE;
            break;
        }
    }
    return st;
}

/* Appends s as one complete bash word (outside any quotes). */
static void s_word(struct dw_buf *b, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    bool plain = *u != '\0';
    bool printable = true;
    for (const unsigned char *c = u; *c; c++) {
        plain = plain && s_plain_char(*c);
        printable = printable && s_printable(*c);
    }
    if (plain) {
        dw_buf_puts(b, s);
        return;
    }
    if (printable) {
        dw_buf_puts(b, "'");
        for (const char *c = s; *c; c++) {
            if (*c == '\'')
                dw_buf_puts(b, "'\\''");
            else
                dw_buf_append(b, c, 1);
        }
        dw_buf_puts(b, "'");
        return;
    }
    /* $'...': only printable ASCII other than \ ' and ! stands for itself
     * (no ' inside keeps history expansion and naive readers in step). */
    dw_buf_puts(b, "$'");
    for (const unsigned char *c = u; *c; c++) {
        char esc[8];
        if (*c == '\n')
            dw_buf_puts(b, "\\n");
        else if (*c == '\t')
            dw_buf_puts(b, "\\t");
        else if (*c == '\r')
            dw_buf_puts(b, "\\r");
        else if (*c == '\\')
            dw_buf_puts(b, "\\\\");
        else if (s_printable(*c) && *c != '\'' && *c != '!')
            dw_buf_append(b, (const char *)c, 1);
        else {
            snprintf(esc, sizeof(esc), "\\x%02x", *c);
            dw_buf_puts(b, esc);
        }
    }
    dw_buf_puts(b, "'");
}

/* True when b ends with " --option " (or starts with it): the next word is
 * that option's value. */
static bool s_after_option(const struct dw_buf *b)
{
    if (b->len < 4 || b->data[b->len - 1] != ' ')
        return false;
    size_t end = b->len - 1;
    size_t start = end;
    while (start > 0 && b->data[start - 1] != ' ')
        start--;
    if (end - start < 3 || b->data[start] != '-' || b->data[start + 1] != '-')
        return false;
    for (size_t i = start + 2; i < end; i++) {
        char c = b->data[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

void dw_shell_quote(struct dw_buf *b, const char *s)
{
    if (b->st)
        return;
    switch (s_state_of(b->data ? b->data : "", b->len)) {
    case S_NONE:
        /* "--table-name -x" makes the AWS CLI read -x as an option: glue
         * such a value to its option instead ("--table-name=-x"). */
        if (s[0] == '-' && s_after_option(b))
            b->data[b->len - 1] = '=';
        s_word(b, s);
        break;
    case S_SINGLE: {
        bool raw = true;
        for (const unsigned char *c = (const unsigned char *)s; *c && raw; c++)
            raw = s_printable(*c) && *c != '\'';
        if (raw) {
            dw_buf_puts(b, s);
        } else {
            dw_buf_puts(b, "'");
            s_word(b, s);
            dw_buf_puts(b, "'");
        }
        break;
    }
    case S_DOUBLE: {
        bool raw = true;
        for (const unsigned char *c = (const unsigned char *)s; *c && raw; c++)
            raw = s_printable(*c) && !strchr("$`\"\\!", *c);
        if (raw) {
            dw_buf_puts(b, s);
        } else {
            dw_buf_puts(b, "\"");
            s_word(b, s);
            dw_buf_puts(b, "\"");
        }
        break;
    }
    case S_ANSI:
        dw_buf_puts(b, "'");
        s_word(b, s);
        dw_buf_puts(b, "$'");
        break;
    case S_COMMENT:
        s_word(b, s); /* printable ASCII only: the comment goes on to the line's end */
        break;
    }
}

void dw_shell_vprintf(struct dw_buf *b, const char *fmt, va_list ap)
{
    for (const char *p = fmt; *p && !b->st;) {
        const char *pct = strchr(p, '%');
        if (!pct) {
            dw_buf_puts(b, p);
            break;
        }
        dw_buf_append(b, p, (size_t)(pct - p));
        const char *q = pct + 1;
        char out[64];
        if (*q == '%') {
            dw_buf_puts(b, "%");
            p = q + 1;
            continue;
        }
        if (*q == 's') {
            const char *s = va_arg(ap, const char *);
            dw_shell_quote(b, s ? s : "");
            p = q + 1;
            continue;
        }
        /* Numbers need no quoting: d, ld, lld, u, lu, llu, zu. */
        size_t n = 0;
        while (q[n] == 'l' || q[n] == 'z')
            n++;
        char conv = q[n];
        if (n > 2 || conv == '\0' || !strchr("du", conv))
            abort(); /* a template bug (only %s and integers), caught by any test that renders it */
        if (n == 0 && conv == 'd')
            snprintf(out, sizeof(out), "%d", va_arg(ap, int));
        else if (n == 0)
            snprintf(out, sizeof(out), "%u", va_arg(ap, unsigned));
        else if (q[0] == 'z')
            snprintf(out, sizeof(out), "%zu", va_arg(ap, size_t));
        else if (n == 1 && conv == 'd')
            snprintf(out, sizeof(out), "%ld", va_arg(ap, long));
        else if (n == 1)
            snprintf(out, sizeof(out), "%lu", va_arg(ap, unsigned long));
        else if (conv == 'd')
            snprintf(out, sizeof(out), "%lld", va_arg(ap, long long));
        else
            snprintf(out, sizeof(out), "%llu", va_arg(ap, unsigned long long));
        dw_buf_puts(b, out);
        p = q + n + 1;
    }
}

void dw_shell_printf(struct dw_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dw_shell_vprintf(b, fmt, ap);
    va_end(ap);
}

char *dw_shell_asprintf(const char *fmt, ...)
{
    struct dw_buf b;
    dw_buf_init(&b, 1u << 20);
    va_list ap;
    va_start(ap, fmt);
    dw_shell_vprintf(&b, fmt, ap);
    va_end(ap);
    return dw_buf_steal(&b);
}

/* Length of a valid UTF-8 sequence at p and its code point, or 0. */
static size_t s_utf8(const unsigned char *p, unsigned *cp)
{
    unsigned c = p[0];
    size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    if (n == 0 || c > 0xf4)
        return 0;
    unsigned v = c & (0x3f >> (n - 1));
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3f);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff)) || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

/* Code points that control layout rather than show a glyph: C1 controls,
 * bidirectional marks and overrides, zero-width characters, line and
 * paragraph separators, the byte order mark. */
static bool s_format_char(unsigned cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x180e || (cp >= 0x200b && cp <= 0x200f) ||
           (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff;
}

void dw_shell_comment(struct dw_buf *b, const char *prefix, const char *text)
{
    dw_buf_puts(b, prefix);
    const unsigned char *u = (const unsigned char *)text;
    for (size_t i = 0; u[i];) {
        unsigned cp = 0;
        size_t n = u[i] >= 0x80 ? s_utf8(u + i, &cp) : 0;
        if (u[i] == '\n') {
            dw_buf_puts(b, "\n");
            dw_buf_puts(b, prefix);
            i++;
        } else if (u[i] == '\t' || s_printable(u[i])) {
            dw_buf_append(b, (const char *)u + i, 1);
            i++;
        } else if (n && !s_format_char(cp)) {
            dw_buf_append(b, (const char *)u + i, n);
            i += n;
        } else {
            /* Shown, not obeyed: a reviewer sees the bytes the text held. */
            size_t k = n ? n : 1;
            for (size_t j = 0; j < k; j++) {
                char esc[8];
                snprintf(esc, sizeof(esc), "\\x%02x", u[i + j]);
                dw_buf_puts(b, esc);
            }
            i += k;
        }
    }
    dw_buf_puts(b, "\n");
}
