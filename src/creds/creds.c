/* creds.c: the credential provider chain (see dbward/creds.h), in botocore's
 * order and with its rules: environment, assume-role (role_arn with
 * source_profile or credential_source), web identity, IAM Identity Center,
 * the credentials file, credential_process, the config file, the legacy
 * AWS_CREDENTIAL_FILE and boto files, the container endpoint and IMDSv2.
 * Network providers use short blocking libcurl calls. Every failure is one
 * line naming the provider and the cause, never a secret. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/sha.h>

#include <dbward/creds.h>
#include <dbward/sigv4.h>
#include <dbward/snapshot.h>

#include "awsapi/awsapi_int.h"
#include "creds/creds_int.h"
#include "util/util.h"

#define DW_CREDS_MAX_BODY ((size_t)1 << 20)
#define DW_ROLE_CHAIN_MAX 16
#define DW_SSO_REFRESH_WINDOW_S (15 * 60)

void dw_creds_free(struct dw_creds *c)
{
    if (!c)
        return;
    free(c->access_key_id);
    dw_secret_free(c->secret_key);
    dw_secret_free(c->session_token);
    free(c);
}

static struct dw_creds *s_make(const char *ak, const char *sk, const char *token, const char *method,
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

static void s_free_secret_str(char *s)
{
    if (s)
        dw_secure_zero_buf(s, strlen(s));
    free(s);
}

/* ---- the shared files, loaded once per resolution ---- */

/* A profile map: names to settings (struct dwi_sect reused as the pair). */
struct s_map {
    struct dwi_sect *p;
    size_t n;
};

struct s_ctx {
    const struct dw_creds_opts *o;
    struct dwi_ini *cfg;        /* the config file, NULL when absent */
    struct dwi_ini *crd;        /* the credentials file, NULL when absent */
    struct s_map cprof;         /* config-file profiles (botocore's build_profile_map) */
    struct s_map prof;          /* full_config: config profiles updated by credentials sections */
    struct s_map sso;           /* [sso-session NAME] sections */
    const char *profile;        /* the selected profile */
    bool env_disabled;          /* --profile given: the environment keys are skipped */
    char *visited[DW_ROLE_CHAIN_MAX + 1];
    size_t n_visited;
    int depth;
};

static void s_sect_set(struct dwi_sect *d, const struct dwi_kv *kv)
{
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->kv[i].key, kv->key) == 0) {
            s_free_secret_str(d->kv[i].value);
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

static void s_sect_clear(struct dwi_sect *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->kv[i].key);
        s_free_secret_str(d->kv[i].value);
    }
    free(d->kv);
    d->kv = NULL;
    d->n = 0;
}

static struct dwi_sect *s_map_find(const struct s_map *m, const char *name)
{
    for (size_t i = 0; i < m->n; i++) {
        if (strcmp(m->p[i].name, name) == 0)
            return &m->p[i];
    }
    return NULL;
}

/* Sets name to a copy of src (replace: replaces the settings, else updates). */
static void s_map_put(struct s_map *m, const char *name, const struct dwi_sect *src, bool replace)
{
    struct dwi_sect *d = s_map_find(m, name);
    if (!d) {
        m->p = dw_xrealloc(m->p, (m->n + 1) * sizeof(*m->p));
        d = &m->p[m->n++];
        memset(d, 0, sizeof(*d));
        d->name = dw_xstrdup(name);
    } else if (replace) {
        s_sect_clear(d);
    }
    for (size_t i = 0; i < src->n; i++)
        s_sect_set(d, &src->kv[i]);
}

static void s_map_clean_up(struct s_map *m)
{
    for (size_t i = 0; i < m->n; i++) {
        s_sect_clear(&m->p[i]);
        free(m->p[i].name);
    }
    free(m->p);
    m->p = NULL;
    m->n = 0;
}

/* "profile NAME" and "sso-session NAME" as botocore reads them: the header
 * starts with the word and splits (shlex) into exactly two words. */
static bool s_two_words(const char *header, const char *prefix, char **second)
{
    *second = NULL;
    if (strncmp(header, prefix, strlen(prefix)) != 0)
        return false;
    char **argv = NULL;
    size_t argc = 0;
    if (dwi_shlex_split(header, &argv, &argc) && argc == 2)
        *second = dw_xstrdup(argv[1]);
    dwi_argv_free(argv);
    return true;
}

static char *s_file_path(const char *env, const char *name)
{
    const char *v = getenv(env);
    if (v)
        return dwi_expand_path(v);
    char *d = dw_xasprintf("~/.aws/%s", name);
    char *p = dwi_expand_path(d);
    free(d);
    return p;
}

static enum dw_status s_ctx_load(struct s_ctx *c, struct dw_error *err)
{
    char *cfg_path = s_file_path("AWS_CONFIG_FILE", "config");
    char *crd_path = s_file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials");
    enum dw_status rc = dwi_ini_load(cfg_path, &c->cfg, err);
    if (rc == DW_E_NOT_FOUND)
        rc = DW_OK;
    if (!rc) {
        rc = dwi_ini_load(crd_path, &c->crd, err);
        if (rc == DW_E_NOT_FOUND)
            rc = DW_OK;
    }
    free(cfg_path);
    free(crd_path);
    if (rc)
        return rc;
    for (size_t i = 0; c->cfg && i < c->cfg->n; i++) {
        const struct dwi_sect *s = &c->cfg->s[i];
        char *name = NULL;
        if (s_two_words(s->name, "profile", &name)) {
            if (name)
                s_map_put(&c->cprof, name, s, true);
        } else if (s_two_words(s->name, "sso-session", &name)) {
            if (name)
                s_map_put(&c->sso, name, s, true);
        } else if (strcmp(s->name, "default") == 0) {
            s_map_put(&c->cprof, "default", s, true);
        }
        free(name);
    }
    for (size_t i = 0; i < c->cprof.n; i++)
        s_map_put(&c->prof, c->cprof.p[i].name, &c->cprof.p[i], true);
    for (size_t i = 0; c->crd && i < c->crd->n; i++)
        s_map_put(&c->prof, c->crd->s[i].name, &c->crd->s[i], false);
    return DW_OK;
}

static void s_ctx_clean_up(struct s_ctx *c)
{
    dwi_ini_free(c->cfg);
    dwi_ini_free(c->crd);
    s_map_clean_up(&c->cprof);
    s_map_clean_up(&c->prof);
    s_map_clean_up(&c->sso);
    for (size_t i = 0; i < c->n_visited; i++)
        free(c->visited[i]);
}

/* A setting of a profile of the merged map, or NULL. Borrowed. */
static const char *s_pget(const struct s_ctx *c, const char *profile, const char *key)
{
    const struct dwi_kv *kv = dwi_sect_get(s_map_find(&c->prof, profile), key);
    return kv ? kv->value : NULL;
}

static const char *s_env(const char *name)
{
    return getenv(name);
}

static const char *s_profile_env(void)
{
    const char *p = getenv("AWS_DEFAULT_PROFILE");
    return p ? p : getenv("AWS_PROFILE");
}

char *dw_creds_default_region(const char *profile)
{
    const char *r = getenv("AWS_REGION");
    if (!r || !*r)
        r = getenv("AWS_DEFAULT_REGION");
    if (r && *r)
        return dw_xstrdup(r);
    struct s_ctx c;
    memset(&c, 0, sizeof(c));
    struct dw_error err;
    char *v = NULL;
    if (s_ctx_load(&c, &err) == DW_OK) {
        const char *p = profile ? profile : s_profile_env();
        const char *val = s_pget(&c, p && *p ? p : "default", "region");
        if (val && *val)
            v = dw_xstrdup(val);
    }
    s_ctx_clean_up(&c);
    return v;
}

/* ---- small blocking HTTP for credential endpoints ---- */

static size_t s_write(char *p, size_t size, size_t n, void *u)
{
    struct dw_buf *b = u;
    dw_buf_append(b, p, size * n);
    return b->st ? 0 : size * n;
}

/* The host part of url, new string ("?" when it cannot be parsed). */
static char *s_url_host(const char *url)
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

char *dw_creds_default_ca_bundle(const char *profile)
{
    const char *e = getenv("AWS_CA_BUNDLE");
    if (e && *e)
        return dw_xstrdup(e);
    struct s_ctx c;
    memset(&c, 0, sizeof(c));
    struct dw_error err;
    char *v = NULL;
    if (s_ctx_load(&c, &err) == DW_OK) {
        const char *p = profile ? profile : s_profile_env();
        const char *val = s_pget(&c, p && *p ? p : "default", "ca_bundle");
        if (val && *val)
            v = dwi_expand_path(val);
    }
    s_ctx_clean_up(&c);
    return v;
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
    char *host = s_url_host(url);
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
        rc = dw_error_set(err, DW_E_IO, "tls", 0, 0, 0, "TLS failure with %s: %s%s%s", host, why,
                          ca_bundle ? "; trusted CAs from " : " (set AWS_CA_BUNDLE or ca_bundle for a private CA)",
                          ca_bundle ? ca_bundle : "");
        break;
    case CURLE_SSL_CACERT_BADFILE:
        rc = dw_error_set(err, DW_E_IO, "tls", 0, 0, 0, "the CA bundle %s cannot be used: %s",
                          ca_bundle ? ca_bundle : "(system default)", why);
        break;
    default:
        rc = dw_error_set(err, DW_E_IO, "network", 0, 0, 0, "cannot connect to %s: %s", host, why);
        break;
    }
    free(host);
    return rc;
}

/* One request. *out is the body (new) and *status the HTTP status; a
 * transport failure is classified (cannot connect, TLS) in err. */
static enum dw_status s_fetch(const struct dw_creds_opts *o, const char *method, const char *url,
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

static int64_t s_now(void)
{
    return (int64_t)time(NULL);
}

/* Builds credentials from a JSON object's members (names given), as the
 * providers' answers spell them; NULL member names are optional and absent. */
static enum dw_status s_from_json_obj(json_t *j, const char *source, const char *ak_name, const char *sk_name,
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
    *out = s_make(json_string_value(ak), json_string_value(sk), json_string_value(tok), method, source);
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
static void s_json_wipe(json_t *j)
{
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        if (json_is_string(v) && (s_has_word(k, "secret") || s_has_word(k, "token")))
            dw_secure_zero_buf((void *)json_string_value(v), json_string_length(v));
        else if (json_is_object(v))
            s_json_wipe(v);
    }
}

static enum dw_status s_load_json(const char *text, size_t len, const char *source, json_t **j, struct dw_error *err)
{
    struct dw_error jerr;
    if (dw_json_load_buffer(text, len, source, j, &jerr))
        return dw_error_set(err, DW_E_PARSE, source, 0, 0, 0, "the answer is not valid JSON: %s", jerr.message);
    return DW_OK;
}

/* credential_process output: Version 1 (botocore compares with ==, so 1.0
 * and true pass), AccessKeyId and SecretAccessKey, optional SessionToken
 * and Expiration. */
static enum dw_status s_process_json(const char *text, size_t len, const char *source, struct dw_creds **out,
                                     struct dw_error *err)
{
    json_t *j = NULL;
    *out = NULL;
    enum dw_status rc = s_load_json(text, len, source, &j, err);
    if (rc)
        return rc;
    json_t *ver = json_object_get(j, "Version");
    bool v1 = (json_is_integer(ver) && json_integer_value(ver) == 1) || (json_is_real(ver) && json_real_value(ver) == 1.0) ||
              json_is_true(ver);
    if (!json_is_object(j))
        rc = dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0, "the output is not a JSON object");
    else if (!v1)
        rc = dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0, "\"Version\" must be 1");
    else
        rc = s_from_json_obj(j, source, "AccessKeyId", "SecretAccessKey", "SessionToken", false, "Expiration", false,
                             "custom-process", out, err);
    s_json_wipe(j);
    json_decref(j);
    return rc;
}

enum dw_status dw_creds_parse_process_output(const char *text, size_t len, struct dw_creds **out,
                                             struct dw_error *err)
{
    return s_process_json(text, len, "credential_process output", out, err);
}

/* Expired credentials are an error, as botocore's refresh ends with them. */
static enum dw_status s_check_expiry(struct dw_creds **c, const char *what, struct dw_error *err)
{
    if (!*c || !(*c)->expiry_epoch_s || (*c)->expiry_epoch_s > s_now())
        return DW_OK;
    char when[32];
    dw_time_format_iso8601((*c)->expiry_epoch_s, when, sizeof(when));
    dw_creds_free(*c);
    *c = NULL;
    return dw_error_set(err, DW_E_API, "credentials", 0, 0, 0, "the credentials from %s expired at %s", what, when);
}

/* ---- providers ---- */

/* AWS_ACCESS_KEY_ID (non-empty) needs AWS_SECRET_ACCESS_KEY; the token is
 * AWS_SECURITY_TOKEN, then AWS_SESSION_TOKEN; AWS_CREDENTIAL_EXPIRATION. */
static enum dw_status s_env_provider(struct dw_creds **out, struct dw_error *err)
{
    const char *ak = s_env("AWS_ACCESS_KEY_ID");
    const char *sk = s_env("AWS_SECRET_ACCESS_KEY");
    if (!ak || !*ak)
        return DW_OK;
    if (!sk || !*sk)
        return dw_error_set(err, DW_E_USAGE, "environment", 0, 0, 0,
                            "partial credentials in the environment: AWS_ACCESS_KEY_ID is set but "
                            "AWS_SECRET_ACCESS_KEY is not");
    const char *tok = s_env("AWS_SECURITY_TOKEN");
    if (!tok || !*tok)
        tok = s_env("AWS_SESSION_TOKEN");
    const char *exp = s_env("AWS_CREDENTIAL_EXPIRATION");
    int64_t e = 0;
    if (exp && *exp && !dw_time_parse_iso8601(exp, &e))
        return dw_error_set(err, DW_E_USAGE, "environment", 0, 0, 0, "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time");
    *out = s_make(ak, sk, tok, "env", "environment");
    (*out)->expiry_epoch_s = e;
    return s_check_expiry(out, "the environment", err);
}

/* Static keys of one section (credentials file section or config profile). */
static enum dw_status s_static(const struct dwi_sect *s, const char *method, const char *where, const char *profile,
                               struct dw_creds **out, struct dw_error *err)
{
    const struct dwi_kv *ak = dwi_sect_get(s, "aws_access_key_id");
    if (!ak)
        return DW_OK;
    const struct dwi_kv *sk = dwi_sect_get(s, "aws_secret_access_key");
    if (!sk)
        return dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0,
                            "partial credentials in %s, profile %s: aws_access_key_id without aws_secret_access_key",
                            where, profile);
    if (ak->nested || sk->nested)
        return dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0,
                            "profile %s in %s: the keys are nested blocks (indented lines), not values", profile, where);
    const struct dwi_kv *tok = dwi_sect_get(s, "aws_security_token");
    if (!tok)
        tok = dwi_sect_get(s, "aws_session_token");
    char src[64];
    snprintf(src, sizeof(src), "%s, profile %.30s", where, profile);
    *out = s_make(ak->value, sk->value, tok ? tok->value : NULL, method, src);
    return DW_OK;
}

static enum dw_status s_shared_file(struct s_ctx *c, const char *profile, struct dw_creds **out, struct dw_error *err)
{
    return s_static(dwi_ini_section(c->crd, profile), "shared-credentials-file", "the credentials file", profile, out,
                    err);
}

static enum dw_status s_config_file(struct s_ctx *c, const char *profile, struct dw_creds **out, struct dw_error *err)
{
    return s_static(s_map_find(&c->cprof, profile), "config-file", "the config file", profile, out, err);
}

/* Runs argv (no shell, PATH searched) and collects stdout; the first line
 * of its stderr goes into the error when it fails, as botocore reports it. */
static enum dw_status s_run_process(char **argv, const char *profile, struct dw_buf *b, struct dw_error *err)
{
    int out[2] = {-1, -1}, errp[2] = {-1, -1}, ex[2] = {-1, -1};
    if (pipe(out) != 0 || pipe(errp) != 0 || pipe(ex) != 0) {
        int e = errno;
        for (int i = 0; i < 2; i++) {
            if (out[i] >= 0)
                close(out[i]);
            if (errp[i] >= 0)
                close(errp[i]);
            if (ex[i] >= 0)
                close(ex[i]);
        }
        return dw_error_set(err, DW_E_IO, "credential_process", 0, 0, 0, "pipe: %s", strerror(e));
    }
    fcntl(ex[1], F_SETFD, FD_CLOEXEC);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(errp[1], 2);
        close(out[0]);
        close(out[1]);
        close(errp[0]);
        close(errp[1]);
        close(ex[0]);
        execvp(argv[0], argv);
        int e = errno;
        if (write(ex[1], &e, sizeof(e)) < 0) {
        }
        _exit(127);
    }
    close(out[1]);
    close(errp[1]);
    close(ex[1]);
    if (pid < 0) {
        close(out[0]);
        close(errp[0]);
        close(ex[0]);
        return dw_error_set(err, DW_E_IO, "credential_process", 0, 0, 0, "fork: %s", strerror(errno));
    }
    char chunk[4096];
    char msg[256] = "";
    size_t msg_len = 0;
    struct pollfd pf[2] = {{out[0], POLLIN, 0}, {errp[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(pf, 2, -1) < 0 && errno != EINTR)
            break;
        for (int i = 0; i < 2; i++) {
            if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(pf[i].fd, chunk, sizeof(chunk));
            if (n <= 0) {
                close(pf[i].fd);
                pf[i].fd = -1;
                open_fds--;
            } else if (i == 0) {
                dw_buf_append(b, chunk, (size_t)n);
            } else if (msg_len < sizeof(msg) - 1) {
                size_t take = (size_t)n < sizeof(msg) - 1 - msg_len ? (size_t)n : sizeof(msg) - 1 - msg_len;
                memcpy(msg + msg_len, chunk, take);
                msg_len += take;
                msg[msg_len] = '\0';
            }
        }
    }
    dw_secure_zero_buf(chunk, sizeof(chunk));
    int exec_errno = 0;
    ssize_t en = read(ex[0], &exec_errno, sizeof(exec_errno));
    close(ex[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    msg[strcspn(msg, "\r\n")] = '\0';
    for (char *q = msg; *q; q++) {
        if ((unsigned char)*q < 0x20)
            *q = ' ';
    }
    if (en == (ssize_t)sizeof(exec_errno))
        return dw_error_set(err, DW_E_IO, "credential_process", 0, 0, 0,
                            "credential_process of profile %s: cannot run %.100s: %s", profile, argv[0],
                            strerror(exec_errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return dw_error_set(err, DW_E_IO, "credential_process", 0, 0, 0,
                            "credential_process of profile %s exited with status %d%s%.160s", profile,
                            WIFEXITED(status) ? WEXITSTATUS(status) : -1, msg[0] ? ": " : "", msg);
    if (b->st)
        return dw_error_set(err, DW_E_TOO_BIG, "credential_process", 0, 0, 0, "output larger than 1 MiB");
    return DW_OK;
}

static enum dw_status s_process(struct s_ctx *c, const char *profile, struct dw_creds **out, struct dw_error *err)
{
    const char *cmd = s_pget(c, profile, "credential_process");
    if (!cmd)
        return DW_OK;
    char **argv = NULL;
    size_t argc = 0;
    if (!dwi_shlex_split(cmd, &argv, &argc))
        return dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0,
                            "credential_process of profile %s: unbalanced quotes or a trailing backslash", profile);
    if (argc == 0) {
        dwi_argv_free(argv);
        return dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0, "credential_process of profile %s is empty", profile);
    }
    struct dw_buf b;
    dw_buf_init(&b, DW_CREDS_MAX_BODY);
    enum dw_status rc = s_run_process(argv, profile, &b, err);
    if (!rc) {
        char src[64];
        snprintf(src, sizeof(src), "credential_process of profile %.30s", profile);
        rc = s_process_json(b.data ? b.data : "", b.len, src, out, err);
        if (!rc)
            rc = s_check_expiry(out, src, err);
    }
    dw_secure_zero_buf(b.data, b.len);
    dw_buf_clean_up(&b);
    dwi_argv_free(argv);
    return rc;
}

/* The DNS suffix of region's partition. */
static const char *s_dns_suffix(const char *region)
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

/* Calls STS (assume-role or assume-role-with-web-identity) and returns the
 * Credentials it hands out. signer NULL means an unsigned call. */
static enum dw_status s_sts(const struct dw_creds_opts *o, const char *command, json_t *params,
                            const struct dw_creds *signer, const char *region, const char *method,
                            struct dw_creds **out, struct dw_error *err)
{
    struct dw_aws_models *m = dw_aws_models_load();
    struct dw_aws_call call;
    memset(&call, 0, sizeof(call));
    if (!m)
        return dw_error_set(err, DW_E_PARSE, "dbward", 0, 0, 0, "the built-in AWS models are corrupt");
    enum dw_status rc = dw_aws_call_build(m, "sts", command, params, region, o->endpoint_url, &call, err);
    char *resp = NULL;
    char *code = NULL, *msg = NULL;
    json_t *j = NULL;
    struct curl_slist *hl = NULL;
    if (rc)
        goto out;
    if (!o->endpoint_url) { /* regional STS endpoint */
        free(call.url);
        call.url = dw_xasprintf("https://sts.%s.%s/", region, s_dns_suffix(region));
    }
    char *ct = dw_xasprintf("Content-Type: %s", call.content_type);
    hl = curl_slist_append(hl, ct);
    free(ct);
    if (signer) {
        const char *host_start = strstr(call.url, "://") ? strstr(call.url, "://") + 3 : call.url;
        char *host = dw_xstrndup(host_start, strcspn(host_start, "/"));
        struct dw_sigv4_header h[2] = {{"host", host}, {"content-type", call.content_type}};
        struct dw_sigv4_request req = {"POST", "/", NULL, h, 2, call.body, call.body_len};
        struct dw_sigv4_params prm = {signer->access_key_id, signer->secret_key, signer->session_token,
                                      call.signing_region, call.signing_service, (int64_t)time(NULL),
                                      false, false};
        struct dw_sigv4_result sr;
        rc = dw_sigv4_sign(&req, &prm, &sr, err);
        free(host);
        if (rc)
            goto out;
        char *a = dw_xasprintf("Authorization: %s", sr.authorization);
        char *d = dw_xasprintf("X-Amz-Date: %s", sr.x_amz_date);
        hl = curl_slist_append(hl, a);
        hl = curl_slist_append(hl, d);
        dw_secure_zero_buf(a, strlen(a));
        free(a);
        free(d);
        if (signer->session_token) {
            char *t = dw_xasprintf("X-Amz-Security-Token: %s", dw_secret_str(signer->session_token));
            hl = curl_slist_append(hl, t);
            dw_secure_zero_buf(t, strlen(t));
            free(t);
        }
        dw_sigv4_result_clean_up(&sr);
    }
    long status = 0;
    rc = s_fetch(o, "POST", call.url, hl, call.body, o->timeout_ms, &status, &resp, err);
    if (rc)
        goto out;
    rc = dw_aws_response_parse(m, "sts", command, status, resp, strlen(resp), &j, &code, &msg, err);
    if (rc == DW_E_API) {
        bool expired = code && (strcmp(code, "ExpiredToken") == 0 || strcmp(code, "ExpiredTokenException") == 0 ||
                                strcmp(code, "RequestExpired") == 0);
        rc = dw_error_set(err, DW_E_API, "sts", 0, 0, 0, "STS %s: %s (%s): %.160s", command,
                          expired ? "the credentials have expired" : "the credentials were refused", code,
                          msg ? msg : "");
        goto out;
    }
    if (rc)
        goto out;
    rc = s_from_json_obj(json_object_get(j, "Credentials"), "STS answer", "AccessKeyId", "SecretAccessKey",
                         "SessionToken", false, "Expiration", false, method, out, err);
out:
    s_free_secret_str(resp);
    curl_slist_free_all(hl);
    free(code);
    free(msg);
    if (j)
        s_json_wipe(j);
    json_decref(j);
    dw_aws_call_clean_up(&call);
    dw_aws_models_free(m);
    return rc;
}

static char *s_session_name(void)
{
    return dw_xasprintf("dbward-%lld", (long long)time(NULL));
}

static char *s_region_for(const struct s_ctx *c, const char *profile)
{
    if (c->o->region)
        return dw_xstrdup(c->o->region);
    char *r = dw_creds_default_region(profile);
    return r ? r : dw_xstrdup("us-east-1");
}

/* The token file is read as it is, as botocore sends it (no trimming). */
static enum dw_status s_web_identity_call(struct s_ctx *c, const char *profile, const char *role,
                                          const char *token_file, const char *session, struct dw_creds **out,
                                          struct dw_error *err)
{
    struct dw_buf b;
    dw_buf_init(&b, 64 * 1024);
    enum dw_status rd = dw_buf_read_file(&b, token_file);
    if (rd == DW_E_NOT_FOUND)
        return dw_error_set(err, DW_E_IO, token_file, 0, 0, 0, "web identity token file: %s", strerror(errno));
    if (rd)
        return dw_error_set(err, DW_E_TOO_BIG, token_file, 0, 0, 0, "web identity token larger than 64 KiB");
    char *tok = dw_buf_steal(&b);
    char *sn = session ? dw_xstrdup(session) : s_session_name();
    json_t *p = json_pack("{s:s, s:s, s:s}", "RoleArn", role, "RoleSessionName", sn, "WebIdentityToken", tok);
    char *region = s_region_for(c, profile);
    enum dw_status rc = s_sts(c->o, "assume-role-with-web-identity", p, NULL, region, "assume-role-with-web-identity",
                              out, err);
    if (!rc)
        snprintf((*out)->source, sizeof((*out)->source), "web identity %.50s", role);
    free(region);
    s_free_secret_str(tok);
    json_decref(p);
    free(sn);
    return rc;
}

/* botocore's AssumeRoleWithWebIdentityProvider: each setting from the
 * environment (unless --profile) or else from the profile. */
static enum dw_status s_web_identity(struct s_ctx *c, const char *profile, bool disable_env, struct dw_creds **out,
                                     struct dw_error *err)
{
    static const char *const keys[3][2] = {{"web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE"},
                                           {"role_arn", "AWS_ROLE_ARN"},
                                           {"role_session_name", "AWS_ROLE_SESSION_NAME"}};
    const char *v[3];
    for (int i = 0; i < 3; i++) {
        const char *e = disable_env ? NULL : getenv(keys[i][1]);
        v[i] = e ? e : s_pget(c, profile, keys[i][0]);
    }
    if (!v[0] || !*v[0])
        return DW_OK;
    if (!v[1] || !*v[1])
        return dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0,
                            "web identity is configured (web_identity_token_file or AWS_WEB_IDENTITY_TOKEN_FILE) "
                            "but no role ARN (role_arn or AWS_ROLE_ARN)");
    return s_web_identity_call(c, profile, v[1], v[0], v[2], out, err);
}

static enum dw_status s_container(const struct dw_creds_opts *o, struct dw_creds **out, struct dw_error *err);
static enum dw_status s_imds(const struct dw_creds_opts *o, struct dw_creds **out, struct dw_error *err);
static enum dw_status s_sso(struct s_ctx *c, const char *profile, struct dw_creds **out, struct dw_error *err);

/* The profile providers of botocore's ProfileProviderBuilder, in order. */
static enum dw_status s_profile_providers(struct s_ctx *c, const char *profile, bool disable_env,
                                          struct dw_creds **out, struct dw_error *err)
{
    enum dw_status rc = s_web_identity(c, profile, disable_env, out, err);
    if (rc || *out)
        return rc;
    rc = s_sso(c, profile, out, err);
    if (rc || *out)
        return rc;
    rc = s_shared_file(c, profile, out, err);
    if (rc || *out)
        return rc;
    rc = s_process(c, profile, out, err);
    if (rc || *out)
        return rc;
    return s_config_file(c, profile, out, err);
}

static bool s_has_static(const struct s_ctx *c, const char *p)
{
    return s_pget(c, p, "aws_access_key_id") || s_pget(c, p, "aws_secret_access_key");
}

static bool s_has_role(const struct s_ctx *c, const char *p)
{
    return s_pget(c, p, "role_arn") && !s_pget(c, p, "web_identity_token_file");
}

static bool s_visited(const struct s_ctx *c, const char *p)
{
    for (size_t i = 0; i < c->n_visited; i++) {
        if (strcmp(c->visited[i], p) == 0)
            return true;
    }
    return false;
}

/* Asks for an MFA code on the terminal; *code is new. */
static enum dw_status s_mfa_code(const char *profile, const char *serial, char **code, struct dw_error *err)
{
    int tty = open("/dev/tty", O_RDWR | O_NOCTTY);
    if (tty < 0 || !isatty(0)) {
        if (tty >= 0)
            close(tty);
        return dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0,
                            "profile %s needs an MFA code (mfa_serial) and there is no terminal to ask for it", profile);
    }
    char prompt[160];
    int pl = snprintf(prompt, sizeof(prompt), "Enter MFA code for %.100s: ", serial);
    if (write(tty, prompt, (size_t)pl) < 0) {
    }
    char buf[32] = {0};
    ssize_t n = read(tty, buf, sizeof(buf) - 1);
    close(tty);
    if (n <= 0)
        return dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0, "no MFA code was entered");
    buf[strcspn(buf, "\r\n")] = '\0';
    *code = dw_xstrdup(buf);
    dw_secure_zero_buf(buf, sizeof(buf));
    return DW_OK;
}

static enum dw_status s_via_assume_role(struct s_ctx *c, const char *profile, struct dw_creds **out,
                                        struct dw_error *err);

/* botocore's _resolve_credentials_from_profile for a source_profile. */
static enum dw_status s_from_source_profile(struct s_ctx *c, const char *src, struct dw_creds **out,
                                            struct dw_error *err)
{
    if (s_has_static(c, src) || !s_has_role(c, src)) {
        enum dw_status rc = s_profile_providers(c, src, true, out, err);
        if (!rc && !*out)
            rc = dw_error_set(err, DW_E_USAGE, src, 0, 0, 0, "the source profile %s has no credentials", src);
        return rc;
    }
    return s_via_assume_role(c, src, out, err);
}

static enum dw_status s_via_assume_role(struct s_ctx *c, const char *profile, struct dw_creds **out,
                                        struct dw_error *err)
{
    const char *role = s_pget(c, profile, "role_arn");
    const char *sp = s_pget(c, profile, "source_profile");
    const char *cs = s_pget(c, profile, "credential_source");
    const char *mfa = s_pget(c, profile, "mfa_serial");
    const char *ext = s_pget(c, profile, "external_id");
    const char *sn = s_pget(c, profile, "role_session_name");
    const char *dur = s_pget(c, profile, "duration_seconds");
    struct dw_creds *base = NULL;
    char *code = NULL, *region = NULL, *gen = NULL;
    json_t *p = NULL;
    enum dw_status rc = DW_OK;
    if (++c->depth > DW_ROLE_CHAIN_MAX) {
        rc = dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0, "role chain longer than %d profiles", DW_ROLE_CHAIN_MAX);
        goto out;
    }
    if (cs && sp) {
        rc = dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0,
                          "profile %s has both source_profile and credential_source", profile);
        goto out;
    }
    if (!cs && !sp) {
        rc = dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0,
                          "profile %s has role_arn but neither source_profile nor credential_source", profile);
        goto out;
    }
    if (cs) {
        if (strcmp(cs, "Environment") == 0) {
            rc = s_env_provider(&base, err);
        } else if (strcmp(cs, "EcsContainer") == 0) {
            rc = s_container(c->o, &base, err);
        } else if (strcmp(cs, "Ec2InstanceMetadata") == 0) {
            rc = s_imds(c->o, &base, err);
        } else {
            rc = dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0,
                              "profile %s: credential_source \"%.40s\" is not one of Environment, EcsContainer, "
                              "Ec2InstanceMetadata",
                              profile, cs);
            goto out;
        }
        if (!rc && !base)
            rc = dw_error_set(err, DW_E_NOT_FOUND, profile, 0, 0, 0,
                              "no credentials found in credential_source %s of profile %s", cs, profile);
    } else {
        if (!s_map_find(&c->prof, sp)) {
            rc = dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0,
                              "the source_profile %.60s of profile %s does not exist", sp, profile);
            goto out;
        }
        if (s_visited(c, sp) && (strcmp(sp, profile) != 0 || !s_has_static(c, sp))) {
            rc = dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0,
                              "the source_profile chain of profile %s loops back to %.60s", c->visited[0], sp);
            goto out;
        }
        if (c->n_visited < DW_ROLE_CHAIN_MAX)
            c->visited[c->n_visited++] = dw_xstrdup(sp);
        rc = s_from_source_profile(c, sp, &base, err);
    }
    if (rc)
        goto out;
    p = json_object();
    if (mfa) {
        rc = s_mfa_code(profile, mfa, &code, err);
        if (rc)
            goto out;
        json_object_set_new(p, "SerialNumber", json_string(mfa));
        json_object_set_new(p, "TokenCode", json_string(code));
    }
    gen = sn ? NULL : s_session_name();
    json_object_set_new(p, "RoleArn", json_string(role));
    json_object_set_new(p, "RoleSessionName", json_string(sn ? sn : gen));
    if (ext)
        json_object_set_new(p, "ExternalId", json_string(ext));
    if (dur) {
        char *end = NULL;
        long d = strtol(dur, &end, 10);
        while (end && isspace((unsigned char)*end))
            end++;
        if (end && end != dur && !*end) /* botocore ignores a duration that is not a number */
            json_object_set_new(p, "DurationSeconds", json_integer(d));
    }
    region = s_region_for(c, profile);
    rc = s_sts(c->o, "assume-role", p, base, region, "assume-role", out, err);
    if (!rc)
        snprintf((*out)->source, sizeof((*out)->source), "assume-role, profile %.40s", profile);
out:
    dw_creds_free(base);
    json_decref(p);
    s_free_secret_str(code);
    free(region);
    free(gen);
    return rc;
}

enum dw_status dw_creds_assume_role(const struct dw_creds_opts *o, const struct dw_creds *base, const char *role_arn,
                                    const char *external_id, struct dw_creds **out, struct dw_error *err)
{
    *out = NULL;
    json_t *p = json_object();
    char *sn = s_session_name();
    json_object_set_new(p, "RoleArn", json_string(role_arn));
    json_object_set_new(p, "RoleSessionName", json_string(sn));
    free(sn);
    if (external_id)
        json_object_set_new(p, "ExternalId", json_string(external_id));
    enum dw_status rc = s_sts(o, "assume-role", p, base, o->region ? o->region : "us-east-1", "assume-role", out, err);
    if (!rc)
        snprintf((*out)->source, sizeof((*out)->source), "assume-role %.50s", role_arn);
    json_decref(p);
    return rc;
}

/* ---- IAM Identity Center ---- */

static char *s_sha1_hex(const char *s)
{
    unsigned char d[SHA_DIGEST_LENGTH];
    SHA1((const unsigned char *)s, strlen(s), d);
    char *h = dw_xmalloc(2 * SHA_DIGEST_LENGTH + 1);
    for (int i = 0; i < SHA_DIGEST_LENGTH; i++)
        snprintf(h + 2 * i, 3, "%02x", d[i]);
    return h;
}

static char *s_sso_cache_path(const char *key_input)
{
    char *h = s_sha1_hex(key_input);
    char *d = dw_xasprintf("~/.aws/sso/cache/%s.json", h);
    char *p = dwi_expand_path(d);
    free(d);
    free(h);
    return p;
}

static enum dw_status s_sso_login_error(const char *profile, const char *what, struct dw_error *err)
{
    return dw_error_set(err, DW_E_USAGE, "sso", 0, 0, 0, "the IAM Identity Center login of profile %s %s: run aws sso "
                        "login --profile %s", profile, what, profile);
}

/* Writes the refreshed token where the CLI keeps it: a new file, 0600,
 * renamed into place. */
static void s_sso_save(const char *path, json_t *tok)
{
    char *tmp = dw_xasprintf("%s.dbward-%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
    char *text = json_dumps(tok, JSON_COMPACT);
    bool ok = fd >= 0 && text && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
    if (fd >= 0)
        ok = close(fd) == 0 && ok;
    if (ok)
        ok = rename(tmp, path) == 0;
    if (!ok)
        unlink(tmp);
    s_free_secret_str(text);
    free(tmp);
}

/* botocore's SSOTokenProvider refresh: sso-oidc CreateToken with the
 * refresh token; on success tok is updated and saved. Failures keep the
 * old token (botocore logs and goes on). */
static void s_sso_refresh(const struct dw_creds_opts *o, const struct dwi_sect *sess, const char *path, json_t *tok)
{
    const char *rt = json_string_value(json_object_get(tok, "refreshToken"));
    const char *cid = json_string_value(json_object_get(tok, "clientId"));
    const char *cs = json_string_value(json_object_get(tok, "clientSecret"));
    const char *rexp = json_string_value(json_object_get(tok, "registrationExpiresAt"));
    int64_t re = 0;
    if (!rt || !cid || !cs || !rexp || !dw_time_parse_iso8601(rexp, &re) || re <= s_now())
        return;
    const char *region = dwi_sect_get(sess, "sso_region")->value;
    char *url = o->endpoint_url ? dw_xasprintf("%s%stoken", o->endpoint_url,
                                               o->endpoint_url[strlen(o->endpoint_url) - 1] == '/' ? "" : "/")
                                : dw_xasprintf("https://oidc.%s.%s/token", region, s_dns_suffix(region));
    json_t *req = json_pack("{s:s, s:s, s:s, s:s}", "clientId", cid, "clientSecret", cs, "grantType", "refresh_token",
                            "refreshToken", rt);
    char *body = json_dumps(req, JSON_COMPACT);
    struct curl_slist *hl = curl_slist_append(NULL, "Content-Type: application/json");
    long status = 0;
    char *resp = NULL;
    json_t *j = NULL;
    struct dw_error ferr;
    if (s_fetch(o, "POST", url, hl, body, o->timeout_ms, &status, &resp, &ferr) == DW_OK && status == 200 &&
        s_load_json(resp, strlen(resp), "sso-oidc", &j, &ferr) == DW_OK) {
        const char *at = json_string_value(json_object_get(j, "accessToken"));
        json_t *ei = json_object_get(j, "expiresIn");
        if (at && json_is_integer(ei)) {
            char when[32];
            dw_time_format_iso8601(s_now() + (int64_t)json_integer_value(ei), when, sizeof(when));
            json_object_set_new(tok, "startUrl", json_string(dwi_sect_get(sess, "sso_start_url")->value));
            json_object_set_new(tok, "region", json_string(region));
            json_object_set_new(tok, "accessToken", json_string(at));
            json_object_set_new(tok, "expiresAt", json_string(when));
            json_t *nrt = json_object_get(j, "refreshToken");
            if (json_is_string(nrt))
                json_object_set(tok, "refreshToken", nrt);
            s_sso_save(path, tok);
        }
    }
    if (j)
        s_json_wipe(j);
    json_decref(j);
    s_free_secret_str(resp);
    s_free_secret_str(body);
    json_decref(req);
    curl_slist_free_all(hl);
    free(url);
}

/* The access token of the login: *tok is new. */
static enum dw_status s_sso_token(const struct s_ctx *c, const char *profile, const char *start_url,
                                  const char *session, char **tok, struct dw_error *err)
{
    char *path = s_sso_cache_path(session ? session : start_url);
    struct dw_buf b;
    dw_buf_init(&b, DW_CREDS_MAX_BODY);
    json_t *j = NULL;
    enum dw_status rc = DW_OK;
    int64_t exp = 0;
    if (dw_buf_read_file(&b, path) != DW_OK) {
        rc = s_sso_login_error(profile, "is missing (no cached token)", err);
        goto out;
    }
    if (s_load_json(b.data ? b.data : "", b.len, path, &j, err) || !json_is_object(j)) {
        rc = s_sso_login_error(profile, "cannot be read (the cached token is not valid JSON)", err);
        goto out;
    }
    const char *at = json_string_value(json_object_get(j, "accessToken"));
    const char *ea = json_string_value(json_object_get(j, "expiresAt"));
    if (!at || !ea || !dw_time_parse_iso8601(ea, &exp)) {
        rc = s_sso_login_error(profile, "is incomplete (no accessToken or expiresAt)", err);
        goto out;
    }
    if (session && exp - s_now() < DW_SSO_REFRESH_WINDOW_S) {
        s_sso_refresh(c->o, s_map_find(&c->sso, session), path, j);
        ea = json_string_value(json_object_get(j, "expiresAt"));
        if (!ea || !dw_time_parse_iso8601(ea, &exp))
            exp = 0;
    }
    if (exp <= s_now()) {
        rc = s_sso_login_error(profile, session ? "has expired and could not be refreshed" : "has expired", err);
        goto out;
    }
    *tok = dw_xstrdup(json_string_value(json_object_get(j, "accessToken")));
out:
    if (j)
        s_json_wipe(j);
    json_decref(j);
    dw_secure_zero_buf(b.data, b.len);
    dw_buf_clean_up(&b);
    free(path);
    return rc;
}

static enum dw_status s_sso(struct s_ctx *c, const char *profile, struct dw_creds **out, struct dw_error *err)
{
    const struct dwi_sect *p = s_map_find(&c->prof, profile);
    if (!dwi_sect_get(p, "sso_role_name") && !dwi_sect_get(p, "sso_account_id"))
        return DW_OK;
    struct dwi_sect conf = {0};
    enum dw_status rc = DW_OK;
    char *tok = NULL, *url = NULL, *hdr = NULL, *resp = NULL, *qa = NULL, *qr = NULL;
    struct curl_slist *hl = NULL;
    json_t *j = NULL;
    CURL *esc = curl_easy_init();
    for (size_t i = 0; i < p->n; i++)
        s_sect_set(&conf, &p->kv[i]);
    const struct dwi_kv *sref = dwi_sect_get(p, "sso_session");
    const struct dwi_sect *sess = NULL;
    if (sref) {
        sess = s_map_find(&c->sso, sref->value);
        if (!sess) {
            rc = dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0, "profile %s: the sso-session %.60s does not exist",
                              profile, sref->value);
            goto out;
        }
        for (size_t i = 0; i < sess->n; i++) {
            const struct dwi_kv *have = dwi_sect_get(&conf, sess->kv[i].key);
            if (have && strcmp(have->value, sess->kv[i].value) != 0) {
                rc = dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0,
                                  "profile %s: %s differs between the profile and sso-session %.60s", profile,
                                  sess->kv[i].key, sref->value);
                goto out;
            }
            s_sect_set(&conf, &sess->kv[i]);
        }
    }
    static const char *const req[] = {"sso_role_name", "sso_account_id", "sso_start_url", "sso_region"};
    char missing[160] = "";
    for (size_t i = 0; i < DW_ARRAY_LEN(req); i++) {
        if (!dwi_sect_get(&conf, req[i]))
            snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), "%s%s", missing[0] ? ", " : "",
                     req[i]);
    }
    if (missing[0]) {
        rc = dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0,
                          "profile %s is configured for IAM Identity Center but lacks %s", profile, missing);
        goto out;
    }
    if (sess && (!dwi_sect_get(sess, "sso_start_url") || !dwi_sect_get(sess, "sso_region"))) {
        rc = dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0,
                          "profile %s: sso-session %.60s lacks sso_start_url or sso_region", profile, sref->value);
        goto out;
    }
    const char *region = dwi_sect_get(&conf, "sso_region")->value;
    rc = s_sso_token(c, profile, dwi_sect_get(&conf, "sso_start_url")->value, sref ? sref->value : NULL, &tok, err);
    if (rc)
        goto out;
    qa = curl_easy_escape(esc, dwi_sect_get(&conf, "sso_account_id")->value, 0);
    qr = curl_easy_escape(esc, dwi_sect_get(&conf, "sso_role_name")->value, 0);
    const char *ep = c->o->endpoint_url;
    if (ep)
        url = dw_xasprintf("%s%sfederation/credentials?account_id=%s&role_name=%s", ep,
                           ep[strlen(ep) - 1] == '/' ? "" : "/", qa, qr);
    else
        url = dw_xasprintf("https://portal.sso.%s.%s/federation/credentials?account_id=%s&role_name=%s", region,
                           s_dns_suffix(region), qa, qr);
    hdr = dw_xasprintf("x-amz-sso_bearer_token: %s", tok);
    hl = curl_slist_append(NULL, hdr);
    long status = 0;
    rc = s_fetch(c->o, "GET", url, hl, NULL, c->o->timeout_ms, &status, &resp, err);
    if (rc)
        goto out;
    if (status == 401 || status == 403) {
        rc = s_sso_login_error(profile, "was refused by the portal (UnauthorizedException)", err);
        goto out;
    }
    if (status != 200) {
        rc = dw_error_set(err, DW_E_API, "sso", 0, 0, 0, "IAM Identity Center GetRoleCredentials answered HTTP %ld",
                          status);
        goto out;
    }
    rc = s_load_json(resp, strlen(resp), "sso", &j, err);
    if (!rc) {
        char src[64];
        snprintf(src, sizeof(src), "IAM Identity Center, profile %.30s", profile);
        rc = s_from_json_obj(json_object_get(j, "roleCredentials"), src, "accessKeyId", "secretAccessKey",
                             "sessionToken", true, "expiration", true, "sso", out, err);
    }
    if (!rc)
        rc = s_check_expiry(out, "IAM Identity Center", err);
out:
    if (j)
        s_json_wipe(j);
    json_decref(j);
    s_free_secret_str(resp);
    s_free_secret_str(hdr);
    s_free_secret_str(tok);
    curl_slist_free_all(hl);
    curl_free(qa);
    curl_free(qr);
    curl_easy_cleanup(esc);
    free(url);
    s_sect_clear(&conf);
    return rc;
}

/* ---- container and instance metadata ---- */

/* True for a dotted quad in 127.0.0.0/8. */
static bool s_loopback_v4(const char *h)
{
    int parts = 0;
    long first = -1;
    const char *p = h;
    while (parts < 4) {
        if (!isdigit((unsigned char)*p))
            return false;
        long v = 0;
        int digits = 0;
        while (isdigit((unsigned char)*p) && digits < 4) {
            v = v * 10 + (*p - '0');
            p++;
            digits++;
        }
        if (v > 255 || isdigit((unsigned char)*p))
            return false;
        if (parts == 0)
            first = v;
        parts++;
        if (parts < 4) {
            if (*p != '.')
                return false;
            p++;
        }
    }
    return *p == '\0' && first == 127;
}

/* Hosts a container endpoint may name over plain http: loopback, the ECS
 * and EKS Pod Identity addresses (botocore's ContainerMetadataFetcher);
 * https may name any host. */
static bool s_container_host_ok(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    bool ok = false;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        if (strcasecmp(scheme, "https") == 0) {
            ok = true;
        } else if (strcasecmp(scheme, "http") == 0) {
            static const char *const allowed[] = {"169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "localhost",
                                                  "[::1]"};
            for (size_t i = 0; i < DW_ARRAY_LEN(allowed) && !ok; i++)
                ok = strcasecmp(host, allowed[i]) == 0;
            /* 127.0.0.0/8, written as a dotted quad */
            if (!ok)
                ok = s_loopback_v4(host);
        }
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

static enum dw_status s_container(const struct dw_creds_opts *o, struct dw_creds **out, struct dw_error *err)
{
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!rel && !full)
        return DW_OK;
    char *url = rel ? dw_xasprintf("http://169.254.170.2%s", rel) : dw_xstrdup(full);
    struct curl_slist *hl = curl_slist_append(NULL, "Accept: application/json");
    char *tok = NULL, *body = NULL;
    json_t *j = NULL;
    enum dw_status rc = DW_OK;
    if (!rel && !s_container_host_ok(url)) {
        char *host = s_url_host(url);
        rc = dw_error_set(err, DW_E_USAGE, "container credentials", 0, 0, 0,
                          "AWS_CONTAINER_CREDENTIALS_FULL_URI names host %.80s: over http only loopback, "
                          "169.254.170.2, 169.254.170.23 and fd00:ec2::23 are allowed (https: any host)",
                          host);
        free(host);
        goto out;
    }
    const char *tokfile = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (tokfile) {
        struct dw_buf b;
        dw_buf_init(&b, 64 * 1024);
        if (dw_buf_read_file(&b, tokfile) != DW_OK) {
            dw_buf_clean_up(&b);
            rc = dw_error_set(err, DW_E_IO, tokfile, 0, 0, 0, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE cannot be read");
            goto out;
        }
        tok = dw_buf_steal(&b);
    } else if (getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
        tok = dw_xstrdup(getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
    }
    if (tok) {
        if (strpbrk(tok, "\r\n")) {
            rc = dw_error_set(err, DW_E_USAGE, "container credentials", 0, 0, 0,
                              "the container authorization token holds a line break");
            goto out;
        }
        char *h = dw_xasprintf("Authorization: %s", tok);
        hl = curl_slist_append(hl, h);
        s_free_secret_str(h);
    }
    long status = 0;
    rc = s_fetch(o, "GET", url, hl, NULL, o->timeout_ms, &status, &body, err);
    if (!rc && status != 200) {
        char *host = s_url_host(url);
        rc = dw_error_set(err, DW_E_API, "container credentials", 0, 0, 0,
                          "the container credentials endpoint %s refused (HTTP %ld)", host, status);
        free(host);
    }
    if (!rc)
        rc = s_load_json(body, strlen(body), "container credentials", &j, err);
    if (!rc)
        rc = s_from_json_obj(j, "container credentials", "AccessKeyId", "SecretAccessKey", "Token", true, "Expiration",
                             true, "container-role", out, err);
    if (!rc)
        rc = s_check_expiry(out, "the container endpoint", err);
out:
    if (j)
        s_json_wipe(j);
    json_decref(j);
    s_free_secret_str(body);
    s_free_secret_str(tok);
    curl_slist_free_all(hl);
    free(url);
    return rc;
}

static enum dw_status s_imds(const struct dw_creds_opts *o, struct dw_creds **out, struct dw_error *err)
{
    const char *off = getenv("AWS_EC2_METADATA_DISABLED");
    if (off && strcasecmp(off, "true") == 0)
        return DW_OK;
    const char *ep = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    char *base = dw_xstrdup(ep && *ep ? ep : "http://169.254.169.254");
    size_t bl = strlen(base);
    if (bl && base[bl - 1] == '/')
        base[bl - 1] = '\0';
    enum dw_status rc = DW_OK;
    long status = 0;
    char *token = NULL, *role = NULL, *body = NULL, *url = NULL;
    json_t *j = NULL;
    struct curl_slist *hl = curl_slist_append(NULL, "X-aws-ec2-metadata-token-ttl-seconds: 21600");
    url = dw_xasprintf("%s/latest/api/token", base);
    struct dw_error ignore;
    /* No metadata service: not an error, the chain simply ends here. */
    if (s_fetch(o, "PUT", url, hl, "", 1000, &status, &token, &ignore) || status != 200)
        goto out;
    curl_slist_free_all(hl);
    char *th = dw_xasprintf("X-aws-ec2-metadata-token: %s", token);
    hl = curl_slist_append(NULL, th);
    s_free_secret_str(th);
    free(url);
    url = dw_xasprintf("%s/latest/meta-data/iam/security-credentials/", base);
    if (s_fetch(o, "GET", url, hl, NULL, o->timeout_ms, &status, &role, &ignore) || status != 200 || !*role)
        goto out; /* no role: botocore goes on without credentials */
    role[strcspn(role, "\r\n")] = '\0';
    free(url);
    url = dw_xasprintf("%s/latest/meta-data/iam/security-credentials/%s", base, role);
    if (s_fetch(o, "GET", url, hl, NULL, o->timeout_ms, &status, &body, &ignore) || status != 200)
        goto out;
    if (s_load_json(body, strlen(body), "instance metadata", &j, &ignore) == DW_OK &&
        s_from_json_obj(j, "instance metadata", "AccessKeyId", "SecretAccessKey", "Token", true, "Expiration", true,
                        "iam-role", out, &ignore) == DW_OK)
        snprintf((*out)->source, sizeof((*out)->source), "instance metadata (%.40s)", role);
    rc = s_check_expiry(out, "instance metadata", err);
out:
    if (j)
        s_json_wipe(j);
    json_decref(j);
    s_free_secret_str(token);
    s_free_secret_str(body);
    free(role);
    free(url);
    free(base);
    curl_slist_free_all(hl);
    return rc;
}

/* ---- legacy files: AWS_CREDENTIAL_FILE (EC2 tools) and boto ---- */

static enum dw_status s_ec2_file(struct dw_creds **out, struct dw_error *err)
{
    const char *f = getenv("AWS_CREDENTIAL_FILE");
    if (!f)
        return DW_OK;
    char *path = dwi_expand_path(f);
    struct dw_buf b;
    dw_buf_init(&b, DW_CREDS_MAX_BODY);
    char *ak = NULL, *sk = NULL;
    enum dw_status rc = DW_OK;
    if (dw_buf_read_file(&b, path) != DW_OK) {
        rc = dw_error_set(err, DW_E_IO, path, 0, 0, 0, "AWS_CREDENTIAL_FILE cannot be read");
        goto out;
    }
    char *text = b.data ? b.data : "";
    for (char *line = text; line && *line;) {
        char *nl = strpbrk(line, "\r\n");
        char *end = nl ? nl : line + strlen(line);
        char *eq = memchr(line, '=', (size_t)(end - line));
        if (eq) {
            const char *kb = line, *ke = eq, *vb = eq + 1, *ve = end;
            while (kb < ke && isspace((unsigned char)*kb))
                kb++;
            while (ke > kb && isspace((unsigned char)ke[-1]))
                ke--;
            while (vb < ve && isspace((unsigned char)*vb))
                vb++;
            while (ve > vb && isspace((unsigned char)ve[-1]))
                ve--;
            char **slot = (size_t)(ke - kb) == 14 && strncmp(kb, "AWSAccessKeyId", 14) == 0 ? &ak
                          : (size_t)(ke - kb) == 12 && strncmp(kb, "AWSSecretKey", 12) == 0 ? &sk
                                                                                              : NULL;
            if (slot) {
                s_free_secret_str(*slot);
                *slot = dw_xstrndup(vb, (size_t)(ve - vb));
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    if (ak && !sk)
        rc = dw_error_set(err, DW_E_USAGE, path, 0, 0, 0, "AWS_CREDENTIAL_FILE has AWSAccessKeyId but no AWSSecretKey");
    else if (ak)
        *out = s_make(ak, sk, NULL, "ec2-credentials-file", "AWS_CREDENTIAL_FILE");
out:
    s_free_secret_str(ak);
    s_free_secret_str(sk);
    dw_secure_zero_buf(b.data, b.len);
    dw_buf_clean_up(&b);
    free(path);
    return rc;
}

static enum dw_status s_boto(struct dw_creds **out, struct dw_error *err)
{
    const char *env = getenv("BOTO_CONFIG");
    const char *defaults[] = {"/etc/boto.cfg", "~/.boto"};
    const char *one[] = {env};
    const char **list = env ? one : defaults;
    size_t n = env ? 1 : 2;
    enum dw_status rc = DW_OK;
    for (size_t i = 0; i < n && !rc && !*out; i++) {
        char *path = dwi_expand_path(list[i]);
        struct dwi_ini *ini = NULL;
        rc = dwi_ini_load(path, &ini, err);
        if (rc == DW_E_NOT_FOUND)
            rc = DW_OK;
        if (!rc) {
            const struct dwi_sect *s = dwi_ini_section(ini, "Credentials");
            if (dwi_sect_get(s, "aws_access_key_id")) {
                const struct dwi_kv *sk = dwi_sect_get(s, "aws_secret_access_key");
                if (!sk)
                    rc = dw_error_set(err, DW_E_USAGE, path, 0, 0, 0,
                                      "partial credentials in the boto file: no aws_secret_access_key");
                else
                    *out = s_make(dwi_sect_get(s, "aws_access_key_id")->value, sk->value, NULL, "boto-config",
                                  "boto config file");
            }
        }
        dwi_ini_free(ini);
        free(path);
    }
    return rc;
}

bool dw_region_known(const char *region, const char **partition)
{
    for (size_t i = 0; region && i < dwi_regions_count; i++) {
        if (strcmp(dwi_regions[i].name, region) == 0) {
            if (partition)
                *partition = dwi_regions[i].partition;
            return true;
        }
    }
    return false;
}

/* ---- the chain ---- */

enum dw_status dw_creds_resolve(const struct dw_creds_opts *o, struct dw_creds **out, struct dw_error *err)
{
    *out = NULL;
    struct s_ctx c;
    memset(&c, 0, sizeof(c));
    c.o = o;
    enum dw_status rc = s_ctx_load(&c, err);
    if (rc)
        goto out;
    const char *ca = dw_creds_ca_bundle(o);
    if (ca && access(ca, R_OK) != 0) {
        rc = dw_error_set(err, DW_E_USAGE, "tls", 0, 0, 0, "the CA bundle %.200s cannot be read: %s", ca,
                          strerror(errno));
        goto out;
    }
    const char *named = o->profile ? o->profile : s_profile_env();
    c.env_disabled = o->profile_explicit && o->profile;
    c.profile = named && *named ? named : "default";
    /* The CLI refuses a profile it cannot find, whatever else is set. */
    if (named && !s_map_find(&c.prof, named)) {
        rc = dw_error_set(err, DW_E_USAGE, "profile", 0, 0, 0,
                          "the config profile (%.80s) could not be found in the config or credentials file", named);
        goto out;
    }
    c.visited[c.n_visited++] = dw_xstrdup(c.profile);
    if (!c.env_disabled) {
        rc = s_env_provider(out, err);
        if (rc || *out)
            goto out;
    }
    if (s_has_role(&c, c.profile)) {
        rc = s_via_assume_role(&c, c.profile, out, err);
        goto out;
    }
    rc = s_profile_providers(&c, c.profile, c.env_disabled, out, err);
    if (rc || *out)
        goto out;
    rc = s_ec2_file(out, err);
    if (rc || *out)
        goto out;
    rc = s_boto(out, err);
    if (rc || *out)
        goto out;
    rc = s_container(o, out, err);
    if (rc || *out)
        goto out;
    rc = s_imds(o, out, err);
    if (rc || *out)
        goto out;
    rc = dw_error_set(err, DW_E_NOT_FOUND, "credentials", 0, 0, 0,
                      "no AWS credentials found (tried the environment, ~/.aws/credentials and config, "
                      "web identity, IAM Identity Center, container and instance metadata)");
out:
    s_ctx_clean_up(&c);
    return rc;
}
