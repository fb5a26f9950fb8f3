/* fuzz_eca.c: DMS ExtraConnectionAttributes redaction. The first byte picks
 * the mode. Even: the rest is an attribute string as it comes; redaction
 * must not crash and must be idempotent. Odd: the rest drives a generator
 * of attribute strings whose secret values (keys in every spelling and
 * case, values with , & " \" = ; and quotes) are made of bytes >= 0x80 and
 * the special characters, while everything else is ASCII; the property is
 * that no byte of a secret value survives: the output holds no byte >= 0x80. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/secret.h>

#include "util/util.h"

struct s_in {
    const uint8_t *p;
    size_t n;
};

static unsigned s_next(struct s_in *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static void s_ascii(struct dw_buf *b, struct s_in *in, size_t max, const char *banned)
{
    size_t n = s_next(in) % (max + 1);
    for (size_t i = 0; i < n; i++) {
        char c = (char)(0x20 + s_next(in) % 0x5f);
        if (!strchr(banned, c))
            dw_buf_append(b, &c, 1);
    }
}

static const char *const s_keys[] = {"PWD", "Pwd", "PASSWORD", "passwd", "asmPassword", "authPassword",
                                     "sslClientKeyPassword", "secretKey", "accessKey", "sessionToken",
                                     "password", "SecurityDbEncryption", "apiToken", "credential"};

static void s_secret_value(struct dw_buf *b, struct s_in *in)
{
    static const char specials[] = ",&\"=\\ '{};";
    unsigned how = s_next(in);
    char quote = "\"'{"[how % 3];
    char close = quote == '{' ? '}' : quote;
    bool quoted = (how & 4) != 0;
    if (quoted)
        dw_buf_append(b, &quote, 1);
    size_t n = 1 + s_next(in) % 24;
    for (size_t i = 0; i < n; i++) {
        unsigned v = s_next(in);
        char c = (char)(0x80 | (v & 0x7f));
        if (v % 5 == 0)
            c = specials[(v / 5) % (sizeof(specials) - 1)];
        if (!quoted && c == ';')
            continue; /* unquoted, ';' ends the value by definition */
        if (quoted && (c == close || c == '\\'))
            dw_buf_append(b, "\\", 1);
        dw_buf_append(b, &c, 1);
        /* a secret byte after every special character: the tail must go too */
        char t = (char)(0x80 | (i & 0x7f));
        dw_buf_append(b, &t, 1);
    }
    if (quoted)
        dw_buf_append(b, &close, 1);
}

static void s_generate(struct dw_buf *b, struct s_in *in)
{
    size_t entries = 1 + s_next(in) % 12;
    for (size_t e = 0; e < entries; e++) {
        if (e)
            dw_buf_append(b, ";", 1);
        unsigned kind = s_next(in);
        if (kind % 4 == 0) {
            s_ascii(b, in, 12, ";=");
            dw_buf_append(b, "=", 1);
            s_ascii(b, in, 20, ";");
            continue;
        }
        if (kind & 8)
            s_ascii(b, in, 3, ";=");
        const char *k = s_keys[(kind >> 4) % DW_ARRAY_LEN(s_keys)];
        unsigned flips = s_next(in);
        for (size_t i = 0; k[i]; i++) {
            char c = k[i];
            if (flips & (1u << (i % 8)))
                c = (char)(c >= 'a' && c <= 'z' ? c - 32 : c >= 'A' && c <= 'Z' ? c + 32 : c);
            dw_buf_append(b, &c, 1);
        }
        if (kind & 4)
            dw_buf_append(b, " ", 1);
        dw_buf_append(b, "=", 1);
        if (kind & 2)
            dw_buf_append(b, " ", 1);
        s_secret_value(b, in);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct s_in in = {data + 1, size - 1};
    struct dw_buf b;
    dw_buf_init(&b, (size_t)-1);
    if (data[0] & 1)
        s_generate(&b, &in);
    else
        dw_buf_append(&b, (const char *)in.p, in.n);
    const char *s = b.data ? b.data : "";
    size_t len = 0, len2 = 0;
    char *once = dw_eca_redact(s, b.len, &len, NULL);
    char *twice = dw_eca_redact(once, len, &len2, NULL);
    if (len != len2 || memcmp(once, twice, len) != 0)
        abort(); /* redaction is not idempotent */
    if (data[0] & 1) {
        for (size_t i = 0; i < len; i++) {
            if ((unsigned char)once[i] >= 0x80)
                abort(); /* a byte of a secret value survived */
        }
    }
    free(once);
    free(twice);
    dw_buf_clean_up(&b);
    return 0;
}
