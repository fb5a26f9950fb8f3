/* fuzz_shell_quote.c: the round-trip property of src/util/shell.c, in
 * process. The first byte picks a command template, the rest (up to a NUL)
 * is the value; dw_shell_printf renders it, and a small reader of bash words
 * written here (independent of shell.c) must read back exactly the argv the
 * template means. The reader accepts only what is inert: bare word
 * characters, a backslash before a printable character, '...', "..." with no
 * $ ` or !, and $'...' with \n \t \r \\ \' \" \xHH; any other byte outside
 * quotes (a metacharacter, a control byte) is a failure. The same value as
 * comment text must stay inside comment lines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

struct words {
    char *v[8];
    size_t len[8];
    size_t n;
};

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int bare(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("@%_+=:,./-", c));
}

/* Reads s as bash would read simple words; returns 0 on anything not inert. */
static int read_words(const char *s, struct words *w)
{
    struct dw_buf cur;
    dw_buf_init(&cur, (size_t)-1);
    int in_word = 0;
    w->n = 0;
    for (size_t i = 0;; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\0') {
            if (in_word) {
                if (w->n == 8)
                    return 0;
                w->len[w->n] = cur.len;
                w->v[w->n++] = cur.data ? dw_buf_steal(&cur) : dw_xstrdup("");
                in_word = 0;
            }
            if (c == '\0')
                break;
            continue;
        }
        in_word = 1;
        if (bare(c)) {
            dw_buf_append(&cur, (const char *)&c, 1);
        } else if (c == '\\' && s[i + 1] >= 0x20 && s[i + 1] < 0x7f) {
            dw_buf_append(&cur, s + ++i, 1); /* \c outside quotes is c */
        } else if (c == '\'') {
            const char *e = strchr(s + i + 1, '\'');
            if (!e)
                return 0;
            dw_buf_append(&cur, s + i + 1, (size_t)(e - (s + i + 1)));
            dw_buf_append(&cur, "", 0);
            i = (size_t)(e - s);
        } else if (c == '"') {
            for (i++;; i++) {
                char d = s[i];
                if (d == '\0' || d == '$' || d == '`' || d == '!')
                    return 0;
                if (d == '"')
                    break;
                if (d == '\\' && s[i + 1] && strchr("$`\"\\", s[i + 1]))
                    d = s[++i];
                dw_buf_append(&cur, &d, 1);
            }
            dw_buf_append(&cur, "", 0);
        } else if (c == '$' && s[i + 1] == '\'') {
            for (i += 2;; i++) {
                char d = s[i];
                if (d == '\0')
                    return 0;
                if (d == '\'')
                    break;
                if (d == '\\') {
                    char e = s[++i];
                    if (e == 'n')
                        d = '\n';
                    else if (e == 't')
                        d = '\t';
                    else if (e == 'r')
                        d = '\r';
                    else if (e == '\\' || e == '\'' || e == '"')
                        d = e;
                    else if (e == 'x' && hexval(s[i + 1]) >= 0) {
                        int v = hexval(s[++i]);
                        if (hexval(s[i + 1]) >= 0)
                            v = v * 16 + hexval(s[++i]);
                        d = (char)v;
                    } else
                        return 0;
                }
                dw_buf_append(&cur, &d, 1);
            }
            dw_buf_append(&cur, "", 0);
        } else {
            return 0; /* an unquoted metacharacter or control byte */
        }
    }
    dw_buf_clean_up(&cur);
    return 1;
}

static void want_word(struct words *w, size_t i, const char *a, const char *v, const char *z)
{
    size_t la = strlen(a), lv = strlen(v), lz = strlen(z);
    if (i >= w->n || w->len[i] != la + lv + lz || memcmp(w->v[i], a, la) != 0 ||
        memcmp(w->v[i] + la, v, lv) != 0 || memcmp(w->v[i] + la + lv, z, lz) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    char *v = dw_xstrndup((const char *)data + 1, size - 1);
    struct dw_buf b;
    dw_buf_init(&b, (size_t)1 << 24);
    unsigned pick = data[0] % 6;
    switch (pick) {
    case 0: dw_shell_printf(&b, "%s", v); break;
    case 1: dw_shell_printf(&b, "--table-name %s", v); break;
    case 2: dw_shell_printf(&b, "Values=%s,x", v); break;
    case 3: dw_shell_printf(&b, "'{\"a\":\"%s\"}'", v); break;
    case 4: dw_shell_printf(&b, "\"key for %s\"", v); break;
    default: dw_shell_printf(&b, "a %s b %s", v, v); break;
    }
    if (b.st != DW_OK)
        abort();
    /* Only printable ASCII: no value can break or hide a line. */
    for (size_t i = 0; i < b.len; i++) {
        if ((unsigned char)b.data[i] < 0x20 || (unsigned char)b.data[i] >= 0x7f)
            abort();
    }
    struct words w;
    if (!read_words(b.data, &w))
        abort();
    switch (pick) {
    case 0: want_word(&w, 0, "", v, ""); break;
    case 1:
        if (v[0] == '-') {
            want_word(&w, 0, "--table-name=", v, "");
        } else {
            want_word(&w, 0, "--table-name", "", "");
            want_word(&w, 1, "", v, "");
        }
        break;
    case 2: want_word(&w, 0, "Values=", v, ",x"); break;
    case 3: want_word(&w, 0, "{\"a\":\"", v, "\"}"); break;
    case 4: want_word(&w, 0, "key for ", v, ""); break;
    default:
        want_word(&w, 0, "a", "", "");
        want_word(&w, 1, "", v, "");
        want_word(&w, 2, "b", "", "");
        want_word(&w, 3, "", v, "");
        break;
    }
    size_t expect_words = pick == 5 ? 4 : (pick == 1 && v[0] != '-') ? 2 : 1;
    if (w.n != expect_words)
        abort();
    for (size_t i = 0; i < w.n; i++)
        free(w.v[i]);
    dw_buf_clean_up(&b);

    /* As comment text: every line starts with the prefix, one line per
     * newline of the text, no control byte but tab. */
    dw_buf_init(&b, (size_t)1 << 24);
    dw_shell_comment(&b, "#  ", v);
    size_t lines = 0, want_lines = 1;
    for (const char *c = v; *c; c++)
        want_lines += *c == '\n';
    for (size_t i = 0; i < b.len; i++) {
        unsigned char c = (unsigned char)b.data[i];
        if (i == 0 || b.data[i - 1] == '\n') {
            if (strncmp(b.data + i, "#  ", 3) != 0)
                abort();
        }
        if (c == '\n')
            lines++;
        else if (c < 0x20 && c != '\t')
            abort();
    }
    if (lines != want_lines || b.data[b.len - 1] != '\n')
        abort();
    dw_buf_clean_up(&b);
    free(v);
    return 0;
}
