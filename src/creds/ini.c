/* ini.c: the AWS shared config and credentials files, read as botocore
 * reads them (configparser.RawConfigParser, strict): "[name]" headers (the
 * name runs to the last ']' of the line), "key = value" or "key: value",
 * full-line '#'/';' comments (no inline comments), keys lower-cased, a line
 * indented deeper than its key continues the value, duplicates within one
 * file are errors, and [DEFAULT] is inherited by every section. A value that
 * starts with a newline is a nested block ("s3 =" plus indented lines), and
 * each of its lines must hold '='. Profile naming ("profile x") is not
 * decided here. Also: shlex-style word splitting and path expansion. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <dbward/creds.h>
#include <dbward/snapshot.h>

#include "creds/creds_int.h"
#include "util/util.h"

#define DW_INI_MAX_BYTES ((size_t)4 << 20)

/* Python's str.isspace() for the ASCII range. */
static bool s_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* [*b, *e) stripped of Python whitespace. */
static void s_strip(const char **b, const char **e)
{
    while (*b < *e && s_space((unsigned char)**b))
        (*b)++;
    while (*e > *b && s_space((unsigned char)(*e)[-1]))
        (*e)--;
}

/* The offset of the first byte that is not valid UTF-8, or n. */
static size_t s_utf8_bad(const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        size_t k = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
        if (k == 9 || (k == 1 && c < 0xC2) || (k == 3 && c > 0xF4) || i + k >= n + (k ? 0 : 1))
            return i;
        for (size_t j = 1; j <= k; j++) {
            if ((p[i + j] & 0xC0) != 0x80)
                return i;
        }
        if (k == 2 && ((c == 0xE0 && p[i + 1] < 0xA0) || (c == 0xED && p[i + 1] >= 0xA0)))
            return i;
        if (k == 3 && ((c == 0xF0 && p[i + 1] < 0x90) || (c == 0xF4 && p[i + 1] >= 0x90)))
            return i;
        i += k + 1;
    }
    return n;
}

static int s_line_of(const char *text, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= off || text[i + 1] != '\n')))
            line++;
    }
    return line;
}

/* A section being built: values are lists of lines until the end. */
struct s_opt {
    int line; /* where the key is */
    char *key;
    struct dw_buf val; /* lines joined by '\n' */
};
struct s_sect {
    char *name;
    struct s_opt *o;
    size_t n;
    bool seen; /* a header for it appeared in this file */
};

static struct s_opt *s_opt_find(struct s_sect *s, const char *key)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->o[i].key, key) == 0)
            return &s->o[i];
    }
    return NULL;
}

static void s_sect_clean_up(struct s_sect *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->o[i].key);
        dw_secure_zero_buf(s->o[i].val.data, s->o[i].val.len);
        dw_buf_clean_up(&s->o[i].val);
    }
    free(s->o);
    free(s->name);
}

/* Checks a nested block as botocore's _parse_nested: every non-blank line
 * needs '='. Returns the offending line's number within the value, or 0. */
static int s_nested_bad_line(const char *v)
{
    int n = 0;
    while (*v) {
        const char *nl = strchr(v, '\n');
        const char *end = nl ? nl : v + strlen(v);
        const char *b = v, *e = end;
        n++;
        s_strip(&b, &e);
        if (b < e && !memchr(b, '=', (size_t)(e - b)))
            return n;
        v = nl ? nl + 1 : end;
    }
    return 0;
}

static void s_kv_set(struct dwi_sect *d, const char *key, const char *value, size_t vlen)
{
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->kv[i].key, key) == 0) {
            dw_secure_zero_buf(d->kv[i].value, strlen(d->kv[i].value));
            free(d->kv[i].value);
            d->kv[i].value = dw_xstrndup(value, vlen);
            d->kv[i].nested = vlen && value[0] == '\n';
            return;
        }
    }
    d->kv = dw_xrealloc(d->kv, (d->n + 1) * sizeof(*d->kv));
    d->kv[d->n].key = dw_xstrdup(key);
    d->kv[d->n].value = dw_xstrndup(value, vlen);
    d->kv[d->n].nested = vlen && value[0] == '\n';
    d->n++;
}

/* Joined value of o: '\n'-joined lines, right-stripped, as configparser's
 * _join_multiline_values. */
static void s_joined(const struct s_opt *o, const char **v, size_t *n)
{
    const char *b = o->val.data ? o->val.data : "";
    const char *e = b + o->val.len;
    while (e > b && s_space((unsigned char)e[-1]))
        e--;
    *v = b;
    *n = (size_t)(e - b);
}

enum dw_status dwi_ini_parse(const char *text, size_t len, const char *source, struct dwi_ini **out,
                             struct dw_error *err)
{
    *out = NULL;
    enum dw_status rc = DW_OK;
    struct s_sect *secs = NULL;
    size_t nsecs = 0;
    struct s_sect defaults = {0};
    struct s_sect *cur = NULL;
    struct s_opt *opt = NULL; /* the option continuation lines extend */
    size_t indent_level = 0;
    int bad_line = 0;
    int lineno = 0;
    size_t bad = s_utf8_bad((const unsigned char *)text, len);
    if (bad < len) {
        rc = dw_error_set(err, DW_E_PARSE, source, s_line_of(text, bad), 1, bad, "not valid UTF-8 text");
        goto out;
    }
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        while (i < len && text[i] != '\n' && text[i] != '\r')
            i++;
        size_t end = i;
        if (i < len && text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
            i += 2;
        else if (i < len)
            i++;
        lineno++;
        const char *b = text + start, *e = text + end;
        s_strip(&b, &e);
        if (b < e && (*b == '#' || *b == ';'))
            continue; /* a comment: neither a value line nor the end of one */
        if (b == e) {
            if (opt)
                dw_buf_append(&opt->val, "\n", 1);
            continue;
        }
        size_t indent = (size_t)(b - (text + start));
        if (cur && opt && indent > indent_level) {
            dw_buf_append(&opt->val, "\n", 1);
            dw_buf_append(&opt->val, b, (size_t)(e - b));
            continue;
        }
        indent_level = indent;
        const char *close = NULL;
        for (const char *p = e; p > b + 2 && !close; p--) {
            if (p[-1] == ']')
                close = p - 1;
        }
        if (*b == '[' && close && close > b + 1) {
            char *name = dw_xstrndup(b + 1, (size_t)(close - b - 1));
            opt = NULL;
            if (strcmp(name, "DEFAULT") == 0) {
                cur = &defaults;
                free(name);
                continue;
            }
            cur = NULL;
            for (size_t k = 0; k < nsecs && !cur; k++) {
                if (strcmp(secs[k].name, name) == 0)
                    cur = &secs[k];
            }
            if (cur) {
                free(name);
                rc = dw_error_set(err, DW_E_PARSE, source, lineno, 1, 0,
                                  "section [%.100s] appears twice in this file", cur->name);
                goto out;
            }
            secs = dw_xrealloc(secs, (nsecs + 1) * sizeof(*secs));
            memset(&secs[nsecs], 0, sizeof(*secs));
            secs[nsecs].name = name;
            cur = &secs[nsecs++];
            continue;
        }
        if (!cur) {
            rc = dw_error_set(err, DW_E_PARSE, source, lineno, (int)indent + 1, 0,
                              "a line before the first [section] header");
            goto out;
        }
        const char *d = b;
        while (d < e && *d != '=' && *d != ':')
            d++;
        if (d == e) {
            if (!bad_line)
                bad_line = lineno;
            opt = NULL;
            continue;
        }
        const char *kb = b, *ke = d, *vb = d + 1, *ve = e;
        s_strip(&kb, &ke);
        s_strip(&vb, &ve);
        if (kb == ke && !bad_line)
            bad_line = lineno;
        char *key = dw_xstrndup(kb, (size_t)(ke - kb));
        for (char *p = key; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (s_opt_find(cur, key)) {
            rc = dw_error_set(err, DW_E_PARSE, source, lineno, (int)indent + 1, 0,
                              "key %.60s appears twice in section [%.100s]", key,
                              cur == &defaults ? "DEFAULT" : cur->name);
            free(key);
            goto out;
        }
        cur->o = dw_xrealloc(cur->o, (cur->n + 1) * sizeof(*cur->o));
        opt = &cur->o[cur->n++];
        opt->key = key;
        opt->line = lineno;
        dw_buf_init(&opt->val, DW_INI_MAX_BYTES);
        dw_buf_append(&opt->val, vb, (size_t)(ve - vb));
    }
    if (bad_line) {
        rc = dw_error_set(err, DW_E_PARSE, source, bad_line, 1, 0, "expected \"key = value\"");
        goto out;
    }
    /* Materialize: each section gets DEFAULT's keys, then its own. */
    struct dwi_ini *ini = dw_xcalloc(1, sizeof(*ini));
    ini->s = dw_xcalloc(nsecs ? nsecs : 1, sizeof(*ini->s));
    ini->n = nsecs;
    *out = ini;
    for (size_t k = 0; k < nsecs; k++) {
        struct dwi_sect *dst = &ini->s[k];
        dst->name = dw_xstrdup(secs[k].name);
        for (int pass = 0; pass < 2; pass++) {
            struct s_sect *src = pass == 0 ? &defaults : &secs[k];
            for (size_t j = 0; j < src->n; j++) {
                const char *v;
                size_t vn;
                s_joined(&src->o[j], &v, &vn);
                s_kv_set(dst, src->o[j].key, v, vn);
            }
        }
        /* Only the values a section ends up with count (an overridden
         * DEFAULT value is never parsed by botocore). */
        for (size_t q = 0; q < dst->n; q++) {
            int nb = dst->kv[q].nested ? s_nested_bad_line(dst->kv[q].value) : 0;
            if (!nb)
                continue;
            struct s_opt *o = s_opt_find(&secs[k], dst->kv[q].key);
            if (!o)
                o = s_opt_find(&defaults, dst->kv[q].key);
            rc = dw_error_set(err, DW_E_PARSE, source, (o ? o->line : 1) + nb - 1, 1, 0,
                              "a line of the nested block under %.60s has no '='", dst->kv[q].key);
            dwi_ini_free(ini);
            *out = NULL;
            goto out;
        }
    }
out:
    for (size_t k = 0; k < nsecs; k++)
        s_sect_clean_up(&secs[k]);
    free(secs);
    s_sect_clean_up(&defaults);
    return rc;
}

void dwi_ini_free(struct dwi_ini *ini)
{
    if (!ini)
        return;
    for (size_t k = 0; k < ini->n; k++) {
        for (size_t j = 0; j < ini->s[k].n; j++) {
            free(ini->s[k].kv[j].key);
            dw_secure_zero_buf(ini->s[k].kv[j].value, strlen(ini->s[k].kv[j].value));
            free(ini->s[k].kv[j].value);
        }
        free(ini->s[k].kv);
        free(ini->s[k].name);
    }
    free(ini->s);
    free(ini);
}

enum dw_status dwi_ini_load(const char *path, struct dwi_ini **out, struct dw_error *err)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return DW_E_NOT_FOUND;
    struct dw_buf b;
    dw_buf_init(&b, DW_INI_MAX_BYTES);
    enum dw_status rd = dw_buf_read_file(&b, path);
    if (rd == DW_E_NOT_FOUND) {
        dw_buf_clean_up(&b);
        return DW_E_NOT_FOUND;
    }
    if (rd) {
        dw_buf_clean_up(&b);
        return dw_error_set(err, DW_E_TOO_BIG, path, 0, 0, 0, "file larger than %zu bytes", DW_INI_MAX_BYTES);
    }
    enum dw_status rc = dwi_ini_parse(b.data ? b.data : "", b.len, path, out, err);
    if (rc && err) {
        /* The chain's errors are printed as one line: name the place in it. */
        char msg[sizeof(err->message)];
        snprintf(msg, sizeof(msg), "%s", err->message);
        int n = err->line > 0 ? snprintf(err->message, sizeof(err->message), "%.120s:%d: ", path, err->line)
                              : snprintf(err->message, sizeof(err->message), "%.120s: ", path);
        size_t used = n > 0 && (size_t)n < sizeof(err->message) ? (size_t)n : 0;
        size_t room = sizeof(err->message) - used - 1;
        size_t ml = strlen(msg) < room ? strlen(msg) : room;
        memcpy(err->message + used, msg, ml);
        err->message[used + ml] = '\0';
    }
    dw_secure_zero_buf(b.data, b.len);
    dw_buf_clean_up(&b);
    return rc;
}

const struct dwi_sect *dwi_ini_section(const struct dwi_ini *ini, const char *name)
{
    for (size_t k = 0; ini && k < ini->n; k++) {
        if (strcmp(ini->s[k].name, name) == 0)
            return &ini->s[k];
    }
    return NULL;
}

const struct dwi_kv *dwi_sect_get(const struct dwi_sect *s, const char *key)
{
    for (size_t j = 0; s && j < s->n; j++) {
        if (strcmp(s->kv[j].key, key) == 0)
            return &s->kv[j];
    }
    return NULL;
}

/* ---- public wrappers, kept for the fuzzer and tests ---- */

enum dw_status dw_ini_check(const char *text, size_t len, const char *source, struct dw_error *err)
{
    struct dwi_ini *ini = NULL;
    enum dw_status rc = dwi_ini_parse(text, len, source, &ini, err);
    dwi_ini_free(ini);
    return rc;
}

enum dw_status dw_ini_get(const char *path, bool is_config, const char *profile, const char *key,
                          char **value, struct dw_error *err)
{
    *value = NULL;
    struct dwi_ini *ini = NULL;
    enum dw_status rc = dwi_ini_load(path, &ini, err);
    if (rc)
        return rc;
    char *section = is_config && strcmp(profile, "default") != 0 ? dw_xasprintf("profile %s", profile)
                                                                  : dw_xstrdup(profile);
    const struct dwi_kv *kv = dwi_sect_get(dwi_ini_section(ini, section), key);
    if (kv)
        *value = dw_xstrdup(kv->value);
    free(section);
    dwi_ini_free(ini);
    return DW_OK;
}

/* ---- shlex.split (POSIX mode, no comments) ---- */

static void s_push(char ***argv, size_t *argc, struct dw_buf *tok)
{
    *argv = dw_xrealloc(*argv, (*argc + 2) * sizeof(char *));
    (*argv)[(*argc)++] = tok->data ? dw_buf_steal(tok) : dw_xstrdup("");
    (*argv)[*argc] = NULL;
    dw_buf_init(tok, (size_t)-1);
}

bool dwi_shlex_split(const char *s, char ***argv, size_t *argc)
{
    *argv = dw_xcalloc(1, sizeof(char *));
    *argc = 0;
    struct dw_buf tok;
    dw_buf_init(&tok, (size_t)-1);
    bool in_tok = false;
    char quote = 0;
    bool ok = true;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (quote == '\'') {
            if (c == '\'')
                quote = 0;
            else
                dw_buf_append(&tok, p, 1);
        } else if (quote == '"') {
            if (c == '"') {
                quote = 0;
            } else if (c == '\\') {
                if (!p[1]) {
                    ok = false;
                    break;
                }
                if (p[1] != '"' && p[1] != '\\')
                    dw_buf_append(&tok, p, 1);
                p++;
                dw_buf_append(&tok, p, 1);
            } else {
                dw_buf_append(&tok, p, 1);
            }
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            if (in_tok)
                s_push(argv, argc, &tok);
            in_tok = false;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_tok = true;
        } else if (c == '\\') {
            if (!p[1]) {
                ok = false;
                break;
            }
            p++;
            dw_buf_append(&tok, p, 1);
            in_tok = true;
        } else {
            dw_buf_append(&tok, p, 1);
            in_tok = true;
        }
    }
    if (quote)
        ok = false;
    if (ok && in_tok)
        s_push(argv, argc, &tok);
    dw_buf_clean_up(&tok);
    if (!ok) {
        dwi_argv_free(*argv);
        *argv = NULL;
        *argc = 0;
    }
    return ok;
}

void dwi_argv_free(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/* ---- os.path.expandvars + expanduser ---- */

char *dwi_expand_path(const char *path)
{
    struct dw_buf b;
    dw_buf_init(&b, (size_t)-1);
    for (const char *p = path; *p;) {
        if (*p == '$') {
            const char *nb = p + 1, *ne;
            bool brace = *nb == '{';
            if (brace) {
                nb++;
                ne = strchr(nb, '}');
            } else {
                ne = nb;
                while (*ne && (isalnum((unsigned char)*ne) || *ne == '_'))
                    ne++;
            }
            if (ne && ne > nb) {
                char *name = dw_xstrndup(nb, (size_t)(ne - nb));
                const char *v = getenv(name);
                free(name);
                if (v) {
                    dw_buf_puts(&b, v);
                    p = brace ? ne + 1 : ne;
                    continue;
                }
            }
        }
        dw_buf_append(&b, p, 1);
        p++;
    }
    char *s = b.data ? dw_buf_steal(&b) : dw_xstrdup("");
    dw_buf_clean_up(&b);
    if (s[0] == '~' && (s[1] == '/' || s[1] == '\0')) {
        const char *home = getenv("HOME");
        if (home) {
            char *x = dw_xasprintf("%s%s", strcmp(home, "/") == 0 && s[1] ? "" : home, s + 1);
            free(s);
            s = x;
        }
    }
    return s;
}
