/* sigv4.c: Signature Version 4 signing of HTTP requests (header form). It
 * builds the canonical request, the string to sign and the signature; the
 * derived signing key lives in a dw_secret and is wiped. It does not send
 * anything and does not read clocks or credentials. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <dbward/sigv4.h>

#include "util/util.h"

void dw_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(data, len, md);
    for (size_t i = 0; i < sizeof(md); i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void dw_sigv4_amz_date(int64_t t, char *out, size_t out_len)
{
    char iso[32];
    dw_time_format_iso8601(t, iso, sizeof(iso)); /* YYYY-MM-DDTHH:MM:SSZ */
    snprintf(out, out_len, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", iso, iso + 5, iso + 8, iso + 11, iso + 14,
             iso + 17);
}

bool dw_sigv4_parse_amz_date(const char *s, int64_t *out)
{
    if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
        return false;
    char iso[32];
    snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", s, s + 4, s + 6, s + 9, s + 11, s + 13);
    return dw_time_parse_iso8601(iso, out);
}

char *dw_uri_encode(const char *s, size_t len, bool keep_slash)
{
    struct dw_buf b;
    dw_buf_init(&b, (size_t)-1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/'))
            dw_buf_append(&b, (const char *)&c, 1);
        else
            dw_buf_printf(&b, "%%%02X", c);
    }
    return dw_buf_steal(&b);
}

static char *s_uri_decode(const char *s, size_t len)
{
    char *o = dw_xmalloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && dw_hex_digit(s[i + 1]) >= 0 && dw_hex_digit(s[i + 2]) >= 0) {
            o[n++] = (char)(dw_hex_digit(s[i + 1]) * 16 + dw_hex_digit(s[i + 2]));
            i += 2;
        } else {
            o[n++] = s[i];
        }
    }
    o[n] = '\0';
    return o;
}

/* Removes "." and ".." segments and empty segments ("//"), keeping a
 * trailing slash when the path had one. */
static char *s_normalize_path(const char *path)
{
    if (!path || !*path)
        return dw_xstrdup("/");
    size_t n = strlen(path);
    char **segs = dw_xcalloc(n + 1, sizeof(char *));
    size_t ns = 0;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 1 && p[0] == '.') {
            /* drop */
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (ns)
                free(segs[--ns]);
        } else {
            segs[ns++] = dw_xstrndup(p, len);
        }
        p += len;
    }
    struct dw_buf b;
    dw_buf_init(&b, (size_t)-1);
    for (size_t i = 0; i < ns; i++) {
        dw_buf_printf(&b, "/%s", segs[i]);
        free(segs[i]);
    }
    free(segs);
    bool trailing = n > 1 && path[n - 1] == '/' && b.len > 0;
    if (b.len == 0 || trailing)
        dw_buf_puts(&b, "/");
    return dw_buf_steal(&b);
}

struct s_pair {
    char *name;
    char *value;
};

static int s_pair_cmp(const void *a, const void *b)
{
    const struct s_pair *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

static char *s_canonical_query(const char *q)
{
    if (!q || !*q)
        return dw_xstrdup("");
    size_t cap = 8, n = 0;
    struct s_pair *v = dw_xcalloc(cap, sizeof(*v));
    const char *p = q;
    for (;;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len) {
            const char *eq = memchr(p, '=', len);
            size_t nlen = eq ? (size_t)(eq - p) : len;
            char *rn = s_uri_decode(p, nlen);
            char *rv = eq ? s_uri_decode(eq + 1, len - nlen - 1) : dw_xstrdup("");
            if (n == cap) {
                cap *= 2;
                v = dw_xrealloc(v, cap * sizeof(*v));
            }
            v[n].name = dw_uri_encode(rn, strlen(rn), false);
            v[n].value = dw_uri_encode(rv, strlen(rv), false);
            n++;
            free(rn);
            free(rv);
        }
        if (!amp)
            break;
        p = amp + 1;
    }
    qsort(v, n, sizeof(*v), s_pair_cmp);
    struct dw_buf b;
    dw_buf_init(&b, (size_t)-1);
    for (size_t i = 0; i < n; i++) {
        dw_buf_printf(&b, "%s%s=%s", i ? "&" : "", v[i].name, v[i].value);
        free(v[i].name);
        free(v[i].value);
    }
    free(v);
    return dw_buf_steal(&b);
}

struct s_hdr {
    char *name;  /* lowercase */
    char *value; /* trimmed, whitespace collapsed */
};

static int s_hdr_cmp(const void *a, const void *b)
{
    return strcmp(((const struct s_hdr *)a)->name, ((const struct s_hdr *)b)->name);
}

static char *s_trim_value(const char *v)
{
    struct dw_buf b;
    dw_buf_init(&b, (size_t)-1);
    bool space = false;
    while (*v && isspace((unsigned char)*v))
        v++;
    for (; *v; v++) {
        if (isspace((unsigned char)*v)) {
            space = true;
            continue;
        }
        if (space && b.len)
            dw_buf_puts(&b, " ");
        space = false;
        dw_buf_append(&b, v, 1);
    }
    return dw_buf_steal(&b);
}

static bool s_unsigned_header(const char *lname)
{
    static const char *const skip[] = {"user-agent", "expect", "x-amzn-trace-id", "connection",
                                       "transfer-encoding", "authorization"};
    for (size_t i = 0; i < DW_ARRAY_LEN(skip); i++) {
        if (strcmp(lname, skip[i]) == 0)
            return true;
    }
    return false;
}

static void s_hmac(const unsigned char *key, size_t klen, const char *msg, unsigned char out[32])
{
    unsigned int olen = 32;
    HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &olen);
}

void dw_sigv4_result_clean_up(struct dw_sigv4_result *r)
{
    free(r->canonical_request);
    free(r->string_to_sign);
    free(r->signature);
    free(r->authorization);
    free(r->x_amz_date);
    free(r->content_sha256);
    memset(r, 0, sizeof(*r));
}

enum dw_status dw_sigv4_sign(const struct dw_sigv4_request *req,
                             const struct dw_sigv4_params *prm, struct dw_sigv4_result *out,
                             struct dw_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!req->method || !prm->region || !prm->service || !prm->access_key || !prm->secret_key)
        return dw_error_set(err, DW_E_USAGE, "sigv4", 0, 0, 0,
                            "method, region, service and credentials are required to sign");
    char date[20];
    dw_sigv4_amz_date(prm->epoch_s, date, sizeof(date));
    char body_hash[65];
    dw_sha256_hex(req->body ? req->body : "", req->body ? req->body_len : 0, body_hash);

    /* Headers: caller's, plus x-amz-date, token and content hash unless present. */
    size_t cap = req->n_headers + 4, n = 0;
    struct s_hdr *h = dw_xcalloc(cap, sizeof(*h));
    bool has_date = false, has_token = false, has_sha = false;
    for (size_t i = 0; i < req->n_headers; i++) {
        char *lname = dw_xstrdup(req->headers[i].name);
        for (char *c = lname; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        if (s_unsigned_header(lname)) {
            free(lname);
            continue;
        }
        has_date = has_date || strcmp(lname, "x-amz-date") == 0;
        has_token = has_token || strcmp(lname, "x-amz-security-token") == 0;
        has_sha = has_sha || strcmp(lname, "x-amz-content-sha256") == 0;
        char *val = s_trim_value(req->headers[i].value ? req->headers[i].value : "");
        size_t k = 0;
        for (; k < n && strcmp(h[k].name, lname) != 0; k++)
            ;
        if (k < n) { /* repeated header: values joined with ',' in order */
            char *j = dw_xasprintf("%s,%s", h[k].value, val);
            free(h[k].value);
            h[k].value = j;
            free(val);
            free(lname);
        } else {
            h[n].name = lname;
            h[n].value = val;
            n++;
        }
    }
    if (!has_date) {
        h[n].name = dw_xstrdup("x-amz-date");
        h[n++].value = dw_xstrdup(date);
    }
    if (prm->session_token && !has_token && !prm->omit_session_token) {
        h[n].name = dw_xstrdup("x-amz-security-token");
        h[n++].value = dw_xstrdup(dw_secret_str(prm->session_token));
    }
    if (prm->sign_body && !has_sha) {
        h[n].name = dw_xstrdup("x-amz-content-sha256");
        h[n++].value = dw_xstrdup(body_hash);
    }
    qsort(h, n, sizeof(*h), s_hdr_cmp);

    char *npath = s_normalize_path(req->path);
    char *epath = dw_uri_encode(npath, strlen(npath), true);
    char *cquery = s_canonical_query(req->query);
    struct dw_buf cr, sh;
    dw_buf_init(&cr, (size_t)-1);
    dw_buf_init(&sh, (size_t)-1);
    dw_buf_printf(&cr, "%s\n%s\n%s\n", req->method, epath, cquery);
    for (size_t i = 0; i < n; i++) {
        dw_buf_printf(&cr, "%s:%s\n", h[i].name, h[i].value);
        dw_buf_printf(&sh, "%s%s", i ? ";" : "", h[i].name);
    }
    char *signed_headers = dw_buf_steal(&sh);
    dw_buf_printf(&cr, "\n%s\n%s", signed_headers, body_hash);
    out->canonical_request = dw_buf_steal(&cr);

    char cr_hash[65];
    dw_sha256_hex(out->canonical_request, strlen(out->canonical_request), cr_hash);
    char *scope = dw_xasprintf("%.8s/%s/%s/aws4_request", date, prm->region, prm->service);
    out->string_to_sign = dw_xasprintf("AWS4-HMAC-SHA256\n%s\n%s\n%s", date, scope, cr_hash);

    /* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request") */
    struct dw_secret *k0 = dw_secret_new("AWS4", 4);
    struct dw_secret *kfull = NULL;
    {
        size_t len = 4 + prm->secret_key->len;
        unsigned char *tmp = dw_xmalloc(len);
        memcpy(tmp, "AWS4", 4);
        memcpy(tmp + 4, prm->secret_key->bytes, prm->secret_key->len);
        kfull = dw_secret_new(tmp, len);
        dw_secure_zero(tmp, len);
        free(tmp);
    }
    unsigned char k1[32], k2[32], k3[32], k4[32], sig[32];
    char date8[9];
    snprintf(date8, sizeof(date8), "%.8s", date);
    s_hmac(kfull->bytes, kfull->len, date8, k1);
    s_hmac(k1, 32, prm->region, k2);
    s_hmac(k2, 32, prm->service, k3);
    s_hmac(k3, 32, "aws4_request", k4);
    s_hmac(k4, 32, out->string_to_sign, sig);
    dw_secure_zero(k1, 32);
    dw_secure_zero(k2, 32);
    dw_secure_zero(k3, 32);
    dw_secure_zero(k4, 32);
    dw_secret_free(k0);
    dw_secret_free(kfull);
    char hex[65];
    for (size_t i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", sig[i]);
    out->signature = dw_xstrdup(hex);
    out->authorization =
        dw_xasprintf("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                     prm->access_key, scope, signed_headers, hex);
    out->x_amz_date = dw_xstrdup(date);
    out->content_sha256 = dw_xstrdup(body_hash);

    for (size_t i = 0; i < n; i++) {
        free(h[i].name);
        free(h[i].value);
    }
    free(h);
    free(npath);
    free(epath);
    free(cquery);
    free(signed_headers);
    free(scope);
    return DW_OK;
}
