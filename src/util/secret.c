/* secret.c: wiped-on-free storage for credentials and derived keys, and the
 * redaction of DMS extra connection attributes (a key=value list parsed as
 * such, never searched as text). Knows nothing about JSON, XML or HTTP. */
#include <ctype.h>
#include <stdbool.h>
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

/* Lower-case words whose presence in a name makes its value secret. */
static const char *const s_secret_words[] = {"pwd", "pass", "secret", "key", "token", "credential",
                                             "securitydbencryption"};

static bool s_contains_nocase(const char *hay, size_t len, const char *word)
{
    size_t wl = strlen(word);
    for (size_t i = 0; i + wl <= len; i++) {
        size_t k = 0;
        while (k < wl && tolower((unsigned char)hay[i + k]) == word[k])
            k++;
        if (k == wl)
            return true;
    }
    return false;
}

bool dw_secret_name_is_secret(const char *name, size_t len)
{
    for (size_t i = 0; i < DW_ARRAY_LEN(s_secret_words); i++) {
        if (s_contains_nocase(name, len, s_secret_words[i]))
            return true;
    }
    return false;
}

static bool s_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isspace((unsigned char)p[i]))
            return false;
    }
    return true;
}

/* End (exclusive) of a secret value starting at v, with the entry's ';' at
 * semi (or len). A quoted value ends after its close quote when only blanks
 * and then ';' or the end follow; with no such close, at len. */
static size_t s_value_end(const char *s, size_t len, size_t v, size_t semi)
{
    size_t p = v;
    while (p < semi && isspace((unsigned char)s[p]))
        p++;
    if (p >= semi || (s[p] != '"' && s[p] != '\'' && s[p] != '{'))
        return semi;
    char close = s[p] == '{' ? '}' : s[p];
    for (size_t q = p + 1; q < len; q++) {
        if (s[q] == '\\') {
            q++; /* the escaped byte is part of the value */
            continue;
        }
        if (s[q] != close)
            continue;
        size_t r = q + 1;
        while (r < len && isspace((unsigned char)s[r]) && s[r] != ';')
            r++;
        if (r >= len || s[r] == ';')
            return r;
    }
    return len; /* unterminated: where the secret ends cannot be known */
}

/* Marks [from, to) in mask. */
static void s_mark(bool *mask, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++)
        mask[k] = true;
}

/* The grammar is ambiguous (is a leading quote a quote? did the previous
 * value end at this ';'?), so the redaction takes the union over the
 * readings: every ';'-separated segment is read as an entry of its own, and
 * a secret entry's value is marked both up to its ';' and, when it opens
 * with a quote, up to the quoted close. A byte survives only if no reading
 * makes it part of a secret value. */
char *dw_eca_redact(const char *s, size_t len, size_t *out_len, size_t *n_redacted)
{
    bool *mask = dw_xcalloc(len + 1, sizeof(bool));
    for (size_t i = 0;;) {
        const char *semi_p = i < len ? memchr(s + i, ';', len - i) : NULL;
        size_t semi = semi_p ? (size_t)(semi_p - s) : len;
        const char *eq_p = i < semi ? memchr(s + i, '=', semi - i) : NULL;
        if (!eq_p) {
            if (!s_blank(s + i, semi - i))
                s_mark(mask, i, semi);
        } else {
            size_t eq = (size_t)(eq_p - s);
            size_t ks = i, ke = eq;
            while (ks < ke && isspace((unsigned char)s[ks]))
                ks++;
            while (ke > ks && isspace((unsigned char)s[ke - 1]))
                ke--;
            if (dw_secret_name_is_secret(s + ks, ke - ks))
                s_mark(mask, eq + 1, s_value_end(s, len, eq + 1, semi));
        }
        if (semi >= len)
            break;
        i = semi + 1;
    }
    struct dw_buf b;
    dw_buf_init(&b, (size_t)-1);
    size_t count = 0;
    for (size_t i = 0; i < len;) {
        if (!mask[i]) {
            dw_buf_append(&b, s + i, 1);
            i++;
            continue;
        }
        dw_buf_puts(&b, "[REDACTED]");
        count++;
        while (i < len && mask[i])
            i++;
    }
    free(mask);
    if (out_len)
        *out_len = b.len;
    if (n_redacted)
        *n_redacted = count;
    char *out = dw_buf_steal(&b);
    return out ? out : dw_xstrdup("");
}
