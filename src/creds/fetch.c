/* fetch.c: what the network credential providers share: one blocking
 * libcurl request with the CA bundle and a one-line classification of
 * transport failures (cannot connect, TLS, CA bundle), credentials built
 * from a JSON answer, the expiry check, and small helpers (the partition's
 * DNS suffix, profile maps). No provider logic here. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include <dbward/creds.h>
#include <dbward/snapshot.h>

#include "creds/creds_int.h"
#include "util/util.h"


struct dw_creds *dwi_creds_make(const char *ak, const char *sk, const char *token, const char *method,
                               const char *source)
{
    struct dw_creds *c = dw_xcalloc(1, sizeof(*c));
    c->access_key_id = dw_xstrdup(ak);
    c->secret_key = dw_secret_from_str(sk);
    c->session_token = token && *token ? dw_secret_from_str(token) : NULL;
    snprintf(c->method, sizeof(c->method), "%s", method);
    snprintf(c->source, sizeof(c->source), "%s", source);
    return c;
}

void dwi_free_secret(char *s)
{
    if (s)
        dw_secure_zero_buf(s, strlen(s));
    free(s);
}

void dwi_sect_set(struct dwi_sect *d, const struct dwi_kv *kv)
{
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->kv[i].key, kv->key) == 0) {
            dwi_free_secret(d->kv[i].value);
            d->kv[i].value = dw_xstrdup(kv->value);
            d->kv[i].nested = kv->nested;
            return;
        }
    }
    d->kv = dw_xrealloc(d->kv, (d->n + 1) * sizeof(*d->kv));
    d->kv[d->n].key = dw_xstrdup(kv->key);
    d->kv[d->n].value = dw_xstrdup(kv->value);
    d->kv[d->n].nested = kv->nested;
    d->n++;
}

void dwi_sect_clear(struct dwi_sect *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->kv[i].key);
        dwi_free_secret(d->kv[i].value);
    }
    free(d->kv);
    d->kv = NULL;
    d->n = 0;
}

struct dwi_sect *dwi_map_find(const struct dwi_map *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++) {
        if (strcmp(m->p[i].name, name) == 0)
            return &m->p[i];
    }
    return NULL;
}

/* Sets name to a copy of src (replace: replaces the settings, else updates). */
void dwi_map_put(struct dwi_map *m, const char *name, const struct dwi_sect *src, bool replace)
{
    struct dwi_sect *d = dwi_map_find(m, name);
    if (!d) {
        m->p = dw_xrealloc(m->p, (m->n + 1) * sizeof(*m->p));
        d = &m->p[m->n++];
        memset(d, 0, sizeof(*d));
        d->name = dw_xstrdup(name);
    } else if (replace) {
        dwi_sect_clear(d);
    }
    for (size_t i = 0; i < src->n; i++)
        dwi_sect_set(d, &src->kv[i]);
}

void dwi_map_clean_up(struct dwi_map *m)
{
    for (size_t i = 0; i < m->n; i++) {
        dwi_sect_clear(&m->p[i]);
        free(m->p[i].name);
    }
    free(m->p);
    m->p = NULL;
    m->n = 0;
}


static size_t s_write(char *p, size_t size, size_t n, void *u)
{
    struct dw_buf *b = u;
    dw_buf_append(b, p, size * n);
    return b->st ? 0 : size * n;
}

/* The host part of url, new string ("?" when it cannot be parsed). */
char *dwi_url_host(const char *url)
{
    CURLU *u = curl_url();
    char *h = NULL;
    char *out = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK && curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK)
        out = dw_xstrdup(h);
    curl_free(h);
    curl_url_cleanup(u);
    return out ? out : dw_xstrdup("?");
}

const char *dw_creds_ca_bundle(const struct dw_creds_opts *o)
{
    if (o && o->ca_bundle && *o->ca_bundle)
        return o->ca_bundle;
    const char *e = getenv("AWS_CA_BUNDLE");
    return e && *e ? e : NULL;
}

enum dw_status dw_creds_transport_error(int curl_code, const char *detail, const char *url, const char *ca_bundle,
                                        struct dw_error *err)
{
    CURLcode cc = (CURLcode)curl_code;
    char *host = dwi_url_host(url);
    const char *why = detail && *detail ? detail : curl_easy_strerror(cc);
    enum dw_status rc;
    switch (cc) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
        rc = dw_error_set(err, DW_E_NETWORK, "tls", 0, 0, 0, "TLS failure with %s: %s%s%s", host, why,
                          ca_bundle ? "; trusted CAs from " : " (set AWS_CA_BUNDLE or ca_bundle for a private CA)",
                          ca_bundle ? ca_bundle : "");
        break;
    case CURLE_SSL_CACERT_BADFILE:
        rc = dw_error_set(err, DW_E_NETWORK, "tls", 0, 0, 0, "the CA bundle %s cannot be used: %s",
                          ca_bundle ? ca_bundle : "(system default)", why);
        break;
    default:
        rc = dw_error_set(err, DW_E_NETWORK, "network", 0, 0, 0, "cannot connect to %s: %s", host, why);
        break;
    }
    free(host);
    return rc;
}

/* One request. *out is the body (new) and *status the HTTP status; a
 * transport failure is classified (cannot connect, TLS) in err. */
enum dw_status dwi_fetch(const struct dw_creds_opts *o, const char *method, const char *url,
                              struct curl_slist *headers, const char *body, long timeout_ms, long *status,
                              char **out, struct dw_error *err)
{
    struct dw_buf b;
    dw_buf_init(&b, DW_CREDS_MAX_BODY);
    CURL *e = curl_easy_init();
    char ebuf[CURL_ERROR_SIZE] = {0};
    const char *ca = dw_creds_ca_bundle(o);
    *out = NULL;
    *status = 0;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, s_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 5000L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, ebuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "dbward");
    if (ca)
        curl_easy_setopt(e, CURLOPT_CAINFO, ca);
    CURLcode cc = curl_easy_perform(e);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup(e);
    if (cc != CURLE_OK) {
        dw_secure_zero_buf(b.data, b.len);
        dw_buf_clean_up(&b);
        return dw_creds_transport_error((int)cc, ebuf, url, ca, err);
    }
    *out = dw_buf_steal(&b);
    return DW_OK;
}

int64_t dwi_now(void)
{
    return (int64_t)time(NULL);
}

/* Builds credentials from a JSON object's members (names given), as the
 * providers' answers spell them; NULL member names are optional and absent. */
enum dw_status dwi_creds_from_json(json_t *j, const char *source, const char *ak_name, const char *sk_name,
                                      const char *tok_name, bool tok_required, const char *exp_name,
                                      bool exp_required, const char *method, struct dw_creds **out,
                                      struct dw_error *err)
{
    *out = NULL;
    json_t *ak = json_object_get(j, ak_name);
    json_t *sk = json_object_get(j, sk_name);
    json_t *tok = tok_name ? json_object_get(j, tok_name) : NULL;
    json_t *exp = exp_name ? json_object_get(j, exp_name) : NULL;
    if (!json_is_object(j))
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0, "the answer is not a JSON object");
    if (!json_is_string(ak) || !json_is_string(sk))
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0, "%s and %s must be strings", ak_name, sk_name);
    if ((tok_required && !tok) || (exp_required && !exp))
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0, "the answer has no %s",
                            tok_required && !tok ? tok_name : exp_name);
    if (tok && !json_is_string(tok) && !json_is_null(tok))
        return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0, "%s must be a string", tok_name);
    int64_t e = 0;
    if (exp && json_is_integer(exp)) {
        e = (int64_t)(json_integer_value(exp) / 1000); /* the SSO portal: milliseconds */
    } else if (exp && !json_is_null(exp)) {
        if (!json_is_string(exp) || !dw_time_parse_iso8601(json_string_value(exp), &e))
            return dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0, "%s is not an ISO 8601 time", exp_name);
    }
    *out = dwi_creds_make(json_string_value(ak), json_string_value(sk), json_string_value(tok), method, source);
    (*out)->expiry_epoch_s = e;
    return DW_OK;
}

/* Case-insensitive substring test. */
static bool s_has_word(const char *k, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = k; *p; p++) {
        if (strncasecmp(p, w, n) == 0)
            return true;
    }
    return false;
}

/* Wipes the string members of j that hold secrets, before it is freed. */
void dwi_json_wipe(json_t *j)
{
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        if (json_is_string(v) && (s_has_word(k, "secret") || s_has_word(k, "token")))
            dw_secure_zero_buf((void *)json_string_value(v), json_string_length(v));
        else if (json_is_object(v))
            dwi_json_wipe(v);
    }
}

enum dw_status dwi_load_json(const char *text, size_t len, const char *source, json_t **j, struct dw_error *err)
{
    struct dw_error jerr;
    if (dw_json_load_buffer(text, len, source, j, &jerr))
        return dw_error_set(err, DW_E_PARSE, source, 0, 0, 0, "the answer is not valid JSON: %s", jerr.message);
    return DW_OK;
}

/* Expired credentials are an error, as botocore's refresh ends with them. */
enum dw_status dwi_check_expiry(struct dw_creds **c, const char *what, struct dw_error *err)
{
    if (!*c || !(*c)->expiry_epoch_s || (*c)->expiry_epoch_s > dwi_now())
        return DW_OK;
    char when[32];
    dw_time_format_iso8601((*c)->expiry_epoch_s, when, sizeof(when));
    dw_creds_free(*c);
    *c = NULL;
    return dw_error_set(err, DW_E_API, "credentials", 0, 0, 0, "the credentials from %s expired at %s", what, when);
}

/* The DNS suffix of region's partition. */
const char *dwi_dns_suffix(const char *region)
{
    const char *part = NULL;
    if (!dw_region_known(region, &part))
        return strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
    if (strcmp(part, "aws-cn") == 0)
        return "amazonaws.com.cn";
    if (strcmp(part, "aws-iso") == 0)
        return "c2s.ic.gov";
    if (strcmp(part, "aws-iso-b") == 0)
        return "sc2s.sgov.gov";
    return "amazonaws.com";
}

