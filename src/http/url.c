/* url.c: see url.h. One curl_url handle per parse; the parts are read back
 * from libcurl, never cut out of the text by hand. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include <dbward/sigv4.h>

#include "url.h"
#include "util/util.h"

/* Appends s[0..len) decoded (valid %XX only; '+' is a plus) and then
 * re-encoded in SigV4's form. */
static void s_recode(struct dw_buf *b, const char *s, size_t len)
{
    char *raw = dw_xmalloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && dw_hex_digit(s[i + 1]) >= 0 && dw_hex_digit(s[i + 2]) >= 0) {
            raw[n++] = (char)(dw_hex_digit(s[i + 1]) * 16 + dw_hex_digit(s[i + 2]));
            i += 2;
        } else {
            raw[n++] = s[i];
        }
    }
    char *enc = dw_uri_encode(raw, n, false);
    dw_buf_puts(b, enc);
    free(enc);
    dw_secure_zero_buf(raw, n);
    free(raw);
}

/* The query with each name and value in canonical encoding, empty pairs
 * dropped, order and the presence of '=' kept. Returns a new string. */
static char *s_canonical_query(const char *q)
{
    struct dw_buf b;
    dw_buf_init(&b, (size_t)-1);
    const char *p = q;
    for (;;) {
        size_t len = strcspn(p, "&");
        if (len) {
            const char *eq = memchr(p, '=', len);
            size_t nlen = eq ? (size_t)(eq - p) : len;
            if (b.len)
                dw_buf_puts(&b, "&");
            s_recode(&b, p, nlen);
            if (eq) {
                dw_buf_puts(&b, "=");
                s_recode(&b, eq + 1, len - nlen - 1);
            }
        }
        if (!p[len])
            break;
        p += len + 1;
    }
    return dw_buf_steal(&b);
}

/* curl_url_get of one part as a new dw_xmalloc'd string, or NULL. */
static char *s_get(CURLU *u, CURLUPart part, unsigned int flags)
{
    char *v = NULL;
    if (curl_url_get(u, part, &v, flags) != CURLUE_OK)
        return NULL;
    char *copy = dw_xstrdup(v);
    curl_free(v);
    return copy;
}

/* curl_url() fails only without memory: abort, as every allocation does. */
static CURLU *s_handle(void)
{
    CURLU *u = curl_url();
    if (!u)
        abort();
    return u;
}

/* Fills err with "SOURCE: message" (the CLI prints only the message). */
static enum dw_status s_fail(struct dw_error *err, const char *source, size_t offset,
                             const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static enum dw_status s_fail(struct dw_error *err, const char *source, size_t offset,
                             const char *fmt, ...)
{
    char text[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    return dw_error_set(err, DW_E_USAGE, source, 0, 0, offset, "%s: %s", source, text);
}

static bool s_same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

void dw_http_url_clean_up(struct dw_http_url *u)
{
    if (!u)
        return;
    free(u->url);
    free(u->host);
    free(u->path);
    free(u->query);
    memset(u, 0, sizeof(*u));
}

enum dw_status dw_http_url_parse(const char *text, const char *source, struct dw_http_url *out,
                                 struct dw_error *err)
{
    enum dw_status rc = DW_OK;
    CURLU *u = NULL, *back = NULL;
    char *scheme = NULL, *host = NULL, *port = NULL, *query = NULL, *zone = NULL;
    char *b_host = NULL, *b_port = NULL, *b_path = NULL, *b_query = NULL;
    memset(out, 0, sizeof(*out));
    if (!source)
        source = "endpoint URL";
    if (!text || !*text) {
        rc = s_fail(err, source, 0, "the URL is empty");
        goto out;
    }
    for (size_t i = 0; text[i]; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c <= 0x20 || c >= 0x7f) {
            rc = s_fail(err, source, i, "byte %zu is not printable ASCII (percent-encode it)",
                        i + 1);
            goto out;
        }
    }
    u = s_handle();
    CURLUcode cu = curl_url_set(u, CURLUPART_URL, text, 0);
    if (cu != CURLUE_OK) {
        rc = s_fail(err, source, 0, "libcurl cannot read the URL: %s", curl_url_strerror(cu));
        goto out;
    }
    scheme = s_get(u, CURLUPART_SCHEME, 0);
    if (!scheme || (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)) {
        rc = s_fail(err, source, 0, "the URL's scheme must be http or https");
        goto out;
    }
    zone = s_get(u, CURLUPART_ZONEID, 0);
    if (zone) {
        rc = s_fail(err, source, 0, "an IPv6 zone id in the URL is not supported");
        goto out;
    }
    char *probe = NULL;
    if ((probe = s_get(u, CURLUPART_USER, 0)) || (probe = s_get(u, CURLUPART_PASSWORD, 0)) ||
        (probe = s_get(u, CURLUPART_OPTIONS, 0))) {
        out->had_userinfo = true;
        dw_secure_zero_buf(probe, strlen(probe));
        free(probe);
    }
    if ((probe = s_get(u, CURLUPART_FRAGMENT, 0))) {
        out->had_fragment = true;
        free(probe);
    }
    host = s_get(u, CURLUPART_HOST, 0);
    if (!host || !*host) {
        rc = s_fail(err, source, 0, "the URL has no host");
        goto out;
    }
    /* libcurl decodes %XX in a host: only name or IP literal bytes may stay. */
    bool ip6 = host[0] == '[';
    for (char *c = host; *c; c++) {
        *c = (char)tolower((unsigned char)*c);
        bool ok = isalnum((unsigned char)*c) || *c == '-' || *c == '.' || *c == '_' ||
                  (ip6 && (*c == ':' || *c == '[' || *c == ']'));
        if (!ok) {
            rc = s_fail(err, source, 0, "the URL's host has a byte a host name cannot have");
            goto out;
        }
    }
    /* The port only when it is not the scheme's default: that is what
     * libcurl puts in the Host header, and what botocore signs. */
    port = s_get(u, CURLUPART_PORT, CURLU_NO_DEFAULT_PORT);
    query = s_get(u, CURLUPART_QUERY, 0);
    if (query) {
        char *canon = s_canonical_query(query);
        free(query);
        query = *canon ? canon : NULL;
        if (!query)
            free(canon);
    }
    out->path = s_get(u, CURLUPART_PATH, 0);
    if (!out->path || !*out->path) {
        free(out->path);
        out->path = dw_xstrdup("/");
    }
    out->host = port ? dw_xasprintf("%s:%s", host, port) : dw_xstrdup(host);
    out->query = query;
    query = NULL;
    /* Written from the parts (setting a part would make libcurl lower-case
     * the query's %XX), then read back: it must give the very parts signed. */
    out->url = dw_xasprintf("%s://%s%s%s%s", scheme, out->host, out->path, out->query ? "?" : "",
                            out->query ? out->query : "");
    back = s_handle();
    char *b_url = NULL;
    if (curl_url_set(back, CURLUPART_URL, out->url, 0) == CURLUE_OK) {
        b_host = s_get(back, CURLUPART_HOST, 0);
        b_port = s_get(back, CURLUPART_PORT, CURLU_NO_DEFAULT_PORT);
        b_path = s_get(back, CURLUPART_PATH, 0);
        b_query = s_get(back, CURLUPART_QUERY, 0);
        b_url = s_get(back, CURLUPART_URL, CURLU_NO_DEFAULT_PORT);
    }
    bool same = s_same(b_host, host) && s_same(b_port, port) && s_same(b_path, out->path) &&
                s_same(b_query, out->query) && s_same(b_url, out->url);
    free(b_url);
    if (!same) {
        rc = s_fail(err, source, 0, "the URL does not read back the same once written by libcurl");
        goto out;
    }
out:
    if (rc)
        dw_http_url_clean_up(out);
    curl_url_cleanup(u);
    curl_url_cleanup(back);
    free(scheme);
    free(host);
    free(port);
    free(query);
    free(zone);
    free(b_host);
    free(b_port);
    free(b_path);
    free(b_query);
    return rc;
}
