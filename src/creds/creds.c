/* creds.c: the credential provider chain (see dbward/creds.h). Network
 * providers (STS, container, IMDS) use short blocking libcurl calls: they
 * run before the scan or, to refresh, between requests. Every failure names
 * the provider and the cause, never a secret. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include <dbward/creds.h>
#include <dbward/sigv4.h>
#include <dbward/snapshot.h>

#include "awsapi/awsapi_int.h"
#include "redact/redact.h"
#include "util/util.h"

#define DW_CREDS_MAX_BODY ((size_t)1 << 20)
#define DW_ROLE_CHAIN_MAX 5

void dw_creds_free(struct dw_creds *c)
{
    if (!c)
        return;
    free(c->access_key_id);
    dw_secret_free(c->secret_key);
    dw_secret_free(c->session_token);
    free(c);
}

static struct dw_creds *s_make(const char *ak, const char *sk, const char *token, const char *source)
{
    struct dw_creds *c = dw_xcalloc(1, sizeof(*c));
    c->access_key_id = dw_xstrdup(ak);
    c->secret_key = dw_secret_from_str(sk);
    c->session_token = token && *token ? dw_secret_from_str(token) : NULL;
    snprintf(c->source, sizeof(c->source), "%s", source);
    return c;
}

static char *s_home_file(const char *env, const char *name)
{
    const char *v = getenv(env);
    if (v && *v)
        return dw_xstrdup(v);
    const char *home = getenv("HOME");
    return dw_xasprintf("%s/.aws/%s", home ? home : ".", name);
}

/* A setting of profile: credentials file first for keys, config for the rest. */
static enum dw_status s_get(const char *profile, bool from_credentials, const char *key, char **out,
                            struct dw_error *err)
{
    char *path = from_credentials ? s_home_file("AWS_SHARED_CREDENTIALS_FILE", "credentials")
                                  : s_home_file("AWS_CONFIG_FILE", "config");
    enum dw_status rc = dw_ini_get(path, !from_credentials, profile, key, out, err);
    free(path);
    return rc == DW_E_NOT_FOUND ? DW_OK : rc;
}

static enum dw_status s_conf(const char *profile, const char *key, char **out, struct dw_error *err)
{
    return s_get(profile, false, key, out, err);
}

char *dw_creds_default_region(const char *profile)
{
    const char *r = getenv("AWS_REGION");
    if (!r || !*r)
        r = getenv("AWS_DEFAULT_REGION");
    if (r && *r)
        return dw_xstrdup(r);
    char *v = NULL;
    struct dw_error err;
    const char *p = profile ? profile : getenv("AWS_PROFILE");
    if (s_conf(p && *p ? p : "default", "region", &v, &err))
        return NULL;
    return v;
}

/* ---- small blocking HTTP for credential endpoints ---- */

struct s_body {
    struct dw_buf b;
};

static size_t s_write(char *p, size_t size, size_t n, void *u)
{
    struct s_body *b = u;
    dw_buf_append(&b->b, p, size * n);
    return b->b.st ? 0 : size * n;
}

static enum dw_status s_fetch(const char *method, const char *url, struct curl_slist *headers,
                              const char *body, long timeout_ms, long *status, char **out,
                              struct dw_error *err, const char *what)
{
    struct s_body b;
    dw_buf_init(&b.b, DW_CREDS_MAX_BODY);
    CURL *e = curl_easy_init();
    char ebuf[CURL_ERROR_SIZE] = {0};
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
    CURLcode cc = curl_easy_perform(e);
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup(e);
    if (cc != CURLE_OK) {
        dw_buf_clean_up(&b.b);
        char *shown = dw_redact_url(url); /* never the userinfo of the URL */
        enum dw_status rc = dw_error_set(err, DW_E_IO, what, 0, 0, 0, "%s: %s", shown,
                                         ebuf[0] ? ebuf : curl_easy_strerror(cc));
        free(shown);
        return rc;
    }
    *out = dw_buf_steal(&b.b);
    return DW_OK;
}

/* Parses {"AccessKeyId","SecretAccessKey","Token"|"SessionToken","Expiration"}. */
static enum dw_status s_from_json(const char *text, size_t len, const char *source, bool process,
                                  struct dw_creds **out, struct dw_error *err)
{
    json_t *j = NULL;
    struct dw_error jerr;
    *out = NULL;
    if (dw_json_load_buffer(text, len, source, &j, &jerr))
        return dw_error_set(err, DW_E_PARSE, source, jerr.line, jerr.column, jerr.offset,
                            "credentials are not valid JSON: %s", jerr.message);
    enum dw_status rc = DW_OK;
    const char *ak = json_string_value(json_object_get(j, "AccessKeyId"));
    const char *sk = json_string_value(json_object_get(j, "SecretAccessKey"));
    const char *tok = json_string_value(json_object_get(j, "SessionToken"));
    if (!tok)
        tok = json_string_value(json_object_get(j, "Token"));
    const char *exp = json_string_value(json_object_get(j, "Expiration"));
    json_t *ver = json_object_get(j, "Version");
    if (process && (!json_is_integer(ver) || json_integer_value(ver) != 1)) {
        rc = dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0, "\"Version\" must be 1");
    } else if (!ak || !*ak || !sk || !*sk) {
        rc = dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0,
                          "AccessKeyId and SecretAccessKey must be non-empty strings");
    } else {
        int64_t e = 0;
        if (exp && !dw_time_parse_iso8601(exp, &e)) {
            rc = dw_error_set(err, DW_E_SCHEMA, source, 0, 0, 0, "Expiration is not an ISO 8601 time");
        } else {
            *out = s_make(ak, sk, tok, source);
            (*out)->expiry_epoch_s = e;
        }
    }
    /* Wipe the parsed secret strings held by jansson before freeing. */
    const char *keys[] = {"SecretAccessKey", "SessionToken", "Token"};
    for (size_t i = 0; i < 3; i++) {
        json_t *v = json_object_get(j, keys[i]);
        if (json_is_string(v))
            dw_secure_zero_buf((void *)json_string_value(v), json_string_length(v));
    }
    json_decref(j);
    return rc;
}

enum dw_status dw_creds_parse_process_output(const char *text, size_t len, struct dw_creds **out,
                                             struct dw_error *err)
{
    return s_from_json(text, len, "credential_process output", true, out, err);
}

/* ---- providers ---- */

static enum dw_status s_env(struct dw_creds **out)
{
    const char *ak = getenv("AWS_ACCESS_KEY_ID");
    const char *sk = getenv("AWS_SECRET_ACCESS_KEY");
    if (ak && *ak && sk && *sk)
        *out = s_make(ak, sk, getenv("AWS_SESSION_TOKEN"), "environment");
    return DW_OK;
}

static enum dw_status s_static_profile(const char *profile, bool from_credentials, struct dw_creds **out,
                                       struct dw_error *err)
{
    char *ak = NULL, *sk = NULL, *tok = NULL;
    enum dw_status rc = s_get(profile, from_credentials, "aws_access_key_id", &ak, err);
    if (!rc)
        rc = s_get(profile, from_credentials, "aws_secret_access_key", &sk, err);
    if (!rc)
        rc = s_get(profile, from_credentials, "aws_session_token", &tok, err);
    if (!rc && ak && sk) {
        char src[64];
        snprintf(src, sizeof(src), "%s %.40s", from_credentials ? "credentials file" : "config file", profile);
        *out = s_make(ak, sk, tok, src);
    } else if (!rc && (ak || sk)) {
        rc = dw_error_set(err, DW_E_SCHEMA, profile, 0, 0, 0,
                          "profile %s has only one of aws_access_key_id and aws_secret_access_key", profile);
    }
    free(ak);
    if (sk)
        dw_secure_zero_buf(sk, strlen(sk));
    free(sk);
    if (tok)
        dw_secure_zero_buf(tok, strlen(tok));
    free(tok);
    return rc;
}

static enum dw_status s_process(const char *profile, struct dw_creds **out, struct dw_error *err)
{
    char *cmd = NULL;
    enum dw_status rc = s_conf(profile, "credential_process", &cmd, err);
    if (rc || !cmd)
        return rc;
    int fds[2];
    if (pipe(fds) != 0) {
        free(cmd);
        return dw_error_set(err, DW_E_IO, "credential_process", 0, 0, 0, "pipe: %s", strerror(errno));
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    struct dw_buf b;
    dw_buf_init(&b, DW_CREDS_MAX_BODY);
    char chunk[4096];
    ssize_t n;
    while ((n = read(fds[0], chunk, sizeof(chunk))) > 0)
        dw_buf_append(&b, chunk, (size_t)n);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        rc = dw_error_set(err, DW_E_IO, "credential_process", 0, 0, 0,
                          "credential_process of profile %s exited with status %d", profile,
                          WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    } else if (b.st) {
        rc = dw_error_set(err, DW_E_TOO_BIG, "credential_process", 0, 0, 0, "output larger than 1 MiB");
    } else {
        rc = s_from_json(b.data ? b.data : "", b.len, "credential_process output", true, out, err);
        if (!rc)
            snprintf((*out)->source, sizeof((*out)->source), "credential_process %.40s", profile);
    }
    dw_secure_zero_buf(chunk, sizeof(chunk));
    dw_secure_zero_buf(b.data, b.len);
    dw_buf_clean_up(&b);
    free(cmd);
    return rc;
}

/* Calls STS (assume-role or assume-role-with-web-identity) and returns the
 * Credentials it hands out. signer NULL means an unsigned call. */
static enum dw_status s_sts(const struct dw_creds_opts *o, const char *command, json_t *params,
                            const struct dw_creds *signer, const char *region, struct dw_creds **out,
                            struct dw_error *err)
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
        char *regional = dw_xasprintf("https://sts.%s.amazonaws.com/", region);
        rc = dw_aws_call_set_url(&call, regional, "STS endpoint", err);
        free(regional);
        if (rc)
            goto out;
    }
    /* The Host signed is the Host sent, and the URL is the one parsed. */
    char *hh = dw_xasprintf("Host: %s", call.host);
    hl = curl_slist_append(hl, hh);
    free(hh);
    char *ct = dw_xasprintf("Content-Type: %s", call.content_type);
    hl = curl_slist_append(hl, ct);
    free(ct);
    if (signer) {
        struct dw_sigv4_header h[2] = {{"host", call.host}, {"content-type", call.content_type}};
        struct dw_sigv4_request req = {"POST", call.path, call.query, h, 2, call.body, call.body_len};
        struct dw_sigv4_params prm = {signer->access_key_id, signer->secret_key, signer->session_token,
                                      call.signing_region, call.signing_service, (int64_t)time(NULL),
                                      false, false};
        struct dw_sigv4_result sr;
        rc = dw_sigv4_sign(&req, &prm, &sr, err);
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
    rc = s_fetch("POST", call.url, hl, call.body, o->timeout_ms, &status, &resp, err, "sts");
    if (rc)
        goto out;
    rc = dw_aws_response_parse(m, "sts", command, status, resp, strlen(resp), &j, &code, &msg, err);
    if (rc == DW_E_API) {
        rc = dw_error_set(err, DW_E_API, "sts", 0, 0, 0, "STS %s was refused (%s): %.160s", command, code,
                          msg ? msg : "");
        goto out;
    }
    if (rc)
        goto out;
    json_t *c = json_object_get(j, "Credentials");
    char *text = json_dumps(c ? c : json_null(), JSON_COMPACT);
    rc = s_from_json(text ? text : "null", text ? strlen(text) : 4, "STS answer", false, out, err);
    if (text) {
        dw_secure_zero_buf(text, strlen(text));
        free(text);
    }
out:
    if (resp) {
        dw_secure_zero_buf(resp, strlen(resp));
        free(resp);
    }
    curl_slist_free_all(hl);
    free(code);
    free(msg);
    json_decref(j);
    dw_aws_call_clean_up(&call);
    dw_aws_models_free(m);
    return rc;
}

static char *s_session_name(void)
{
    return dw_xasprintf("dbward-%lld", (long long)time(NULL));
}

static enum dw_status s_web_identity(const struct dw_creds_opts *o, const char *role, const char *token_file,
                                     const char *session, const char *region, struct dw_creds **out,
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
    size_t tl = strlen(tok);
    while (tl && isspace((unsigned char)tok[tl - 1]))
        tok[--tl] = '\0';
    char *sn = session ? dw_xstrdup(session) : s_session_name();
    json_t *p = json_pack("{s:s, s:s, s:s}", "RoleArn", role, "RoleSessionName", sn, "WebIdentityToken", tok);
    enum dw_status rc = s_sts(o, "assume-role-with-web-identity", p, NULL, region, out, err);
    if (!rc)
        snprintf((*out)->source, sizeof((*out)->source), "web identity");
    dw_secure_zero_buf(tok, tl);
    free(tok);
    json_decref(p);
    free(sn);
    return rc;
}

static enum dw_status s_container(const struct dw_creds_opts *o, struct dw_creds **out, struct dw_error *err)
{
    const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if ((!rel || !*rel) && (!full || !*full))
        return DW_OK;
    char *url = rel && *rel ? dw_xasprintf("http://169.254.170.2%s", rel) : dw_xstrdup(full);
    struct curl_slist *hl = NULL;
    const char *tok = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    char *tokbuf = NULL;
    const char *tokfile = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (tokfile && *tokfile) {
        FILE *f = fopen(tokfile, "rb");
        if (f) {
            char tmp[8192];
            size_t n = fread(tmp, 1, sizeof(tmp) - 1, f);
            tmp[n] = '\0';
            fclose(f);
            tokbuf = dw_xstrndup(tmp, strcspn(tmp, "\r\n"));
            dw_secure_zero_buf(tmp, sizeof(tmp));
            tok = tokbuf;
        }
    }
    if (tok && *tok) {
        char *h = dw_xasprintf("Authorization: %s", tok);
        hl = curl_slist_append(hl, h);
        dw_secure_zero_buf(h, strlen(h));
        free(h);
    }
    long status = 0;
    char *body = NULL;
    enum dw_status rc = s_fetch("GET", url, hl, NULL, o->timeout_ms, &status, &body, err, "container credentials");
    if (!rc && status != 200) {
        char *shown = dw_redact_url(url);
        rc = dw_error_set(err, DW_E_API, "container credentials", 0, 0, 0, "%s answered HTTP %ld", shown, status);
        free(shown);
    }
    if (!rc) {
        rc = s_from_json(body, strlen(body), "container credentials", false, out, err);
        if (!rc)
            snprintf((*out)->source, sizeof((*out)->source), "container");
    }
    if (body) {
        dw_secure_zero_buf(body, strlen(body));
        free(body);
    }
    if (tokbuf) {
        dw_secure_zero_buf(tokbuf, strlen(tokbuf));
        free(tokbuf);
    }
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
    struct curl_slist *hl = curl_slist_append(NULL, "X-aws-ec2-metadata-token-ttl-seconds: 21600");
    url = dw_xasprintf("%s/latest/api/token", base);
    struct dw_error ignore;
    /* No metadata service: not an error, the chain simply ends here. */
    if (s_fetch("PUT", url, hl, "", 1000, &status, &token, &ignore, "imds") || status != 200)
        goto out;
    curl_slist_free_all(hl);
    char *th = dw_xasprintf("X-aws-ec2-metadata-token: %s", token);
    hl = curl_slist_append(NULL, th);
    dw_secure_zero_buf(th, strlen(th));
    free(th);
    free(url);
    url = dw_xasprintf("%s/latest/meta-data/iam/security-credentials/", base);
    rc = s_fetch("GET", url, hl, NULL, o->timeout_ms, &status, &role, err, "instance metadata");
    if (rc)
        goto out;
    if (status != 200 || !*role) {
        rc = dw_error_set(err, DW_E_API, "instance metadata", 0, 0, 0,
                          "the instance has no IAM role (HTTP %ld)", status);
        goto out;
    }
    role[strcspn(role, "\r\n")] = '\0';
    free(url);
    url = dw_xasprintf("%s/latest/meta-data/iam/security-credentials/%s", base, role);
    rc = s_fetch("GET", url, hl, NULL, o->timeout_ms, &status, &body, err, "instance metadata");
    if (!rc && status != 200)
        rc = dw_error_set(err, DW_E_API, "instance metadata", 0, 0, 0, "role credentials: HTTP %ld", status);
    if (!rc) {
        rc = s_from_json(body, strlen(body), "instance metadata", false, out, err);
        if (!rc)
            snprintf((*out)->source, sizeof((*out)->source), "instance metadata (%.40s)", role);
    }
out:
    if (token) {
        dw_secure_zero_buf(token, strlen(token));
        free(token);
    }
    if (body) {
        dw_secure_zero_buf(body, strlen(body));
        free(body);
    }
    free(role);
    free(url);
    free(base);
    curl_slist_free_all(hl);
    return rc;
}

static enum dw_status s_profile_chain(const struct dw_creds_opts *o, const char *profile, int depth,
                                      struct dw_creds **out, struct dw_error *err);

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
    enum dw_status rc = s_sts(o, "assume-role", p, base, o->region ? o->region : "us-east-1", out, err);
    if (!rc)
        snprintf((*out)->source, sizeof((*out)->source), "assume-role %.50s", role_arn);
    json_decref(p);
    return rc;
}

static enum dw_status s_assume(const struct dw_creds_opts *o, const char *profile, const char *role,
                               int depth, struct dw_creds **out, struct dw_error *err)
{
    char *src = NULL, *csrc = NULL, *ext = NULL, *mfa = NULL, *session = NULL, *region = NULL;
    char *dur = NULL;
    struct dw_creds *base = NULL;
    json_t *p = NULL;
    enum dw_status rc = DW_OK;
    if (depth > DW_ROLE_CHAIN_MAX) {
        rc = dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0, "role chain longer than %d profiles (a loop?)",
                          DW_ROLE_CHAIN_MAX);
        goto out;
    }
    if ((rc = s_conf(profile, "source_profile", &src, err)) || (rc = s_conf(profile, "credential_source", &csrc, err)) ||
        (rc = s_conf(profile, "external_id", &ext, err)) || (rc = s_conf(profile, "mfa_serial", &mfa, err)) ||
        (rc = s_conf(profile, "role_session_name", &session, err)) || (rc = s_conf(profile, "duration_seconds", &dur, err)))
        goto out;
    if (mfa) {
        /* Asking for a code needs a person at a terminal. */
        int tty = open("/dev/tty", O_RDWR | O_NOCTTY);
        if (tty < 0 || !isatty(0)) {
            if (tty >= 0)
                close(tty);
            rc = dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0,
                              "profile %s needs an MFA code (mfa_serial) and there is no terminal to ask for it",
                              profile);
            goto out;
        }
        char prompt[160];
        int pl = snprintf(prompt, sizeof(prompt), "Enter MFA code for %.100s: ", mfa);
        if (write(tty, prompt, (size_t)pl) < 0) {
        }
        char code[32] = {0};
        ssize_t n = read(tty, code, sizeof(code) - 1);
        close(tty);
        if (n <= 0) {
            rc = dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0, "no MFA code was entered");
            goto out;
        }
        code[strcspn(code, "\r\n")] = '\0';
        free(mfa);
        mfa = dw_xasprintf("%s", code); /* reuse: now holds the code; serial re-read below */
        char *serial = NULL;
        s_conf(profile, "mfa_serial", &serial, err);
        p = json_pack("{s:s, s:s}", "SerialNumber", serial ? serial : "", "TokenCode", mfa);
        free(serial);
    }
    if (!p)
        p = json_object();
    if (src) {
        rc = s_profile_chain(o, src, depth + 1, &base, err);
    } else if (csrc) {
        if (strcmp(csrc, "Environment") == 0)
            rc = s_env(&base);
        else if (strcmp(csrc, "Ec2InstanceMetadata") == 0)
            rc = s_imds(o, &base, err);
        else if (strcmp(csrc, "EcsContainer") == 0)
            rc = s_container(o, &base, err);
        else
            rc = dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0, "unknown credential_source \"%.40s\"", csrc);
    } else {
        rc = dw_error_set(err, DW_E_USAGE, profile, 0, 0, 0,
                          "profile %s has role_arn but neither source_profile nor credential_source", profile);
    }
    if (rc)
        goto out;
    if (!base) {
        rc = dw_error_set(err, DW_E_NOT_FOUND, profile, 0, 0, 0, "no source credentials for role %s", role);
        goto out;
    }
    char *sn = session ? dw_xstrdup(session) : s_session_name();
    json_object_set_new(p, "RoleArn", json_string(role));
    json_object_set_new(p, "RoleSessionName", json_string(sn));
    free(sn);
    if (ext)
        json_object_set_new(p, "ExternalId", json_string(ext));
    if (dur)
        json_object_set_new(p, "DurationSeconds", json_integer(strtol(dur, NULL, 10)));
    region = o->region ? dw_xstrdup(o->region) : dw_creds_default_region(profile);
    rc = s_sts(o, "assume-role", p, base, region ? region : "us-east-1", out, err);
    if (!rc)
        snprintf((*out)->source, sizeof((*out)->source), "assume-role %.40s", profile);
out:
    dw_creds_free(base);
    json_decref(p);
    free(src);
    free(csrc);
    free(ext);
    if (mfa)
        dw_secure_zero_buf(mfa, strlen(mfa));
    free(mfa);
    free(session);
    free(region);
    free(dur);
    return rc;
}

/* Profile-based providers, in the CLI's order. */
static enum dw_status s_profile_chain(const struct dw_creds_opts *o, const char *profile, int depth,
                                      struct dw_creds **out, struct dw_error *err)
{
    char *role = NULL, *wif = NULL;
    enum dw_status rc = s_conf(profile, "role_arn", &role, err);
    if (!rc && role) {
        rc = s_conf(profile, "web_identity_token_file", &wif, err);
        if (!rc && wif) {
            char *region = o->region ? dw_xstrdup(o->region) : dw_creds_default_region(profile);
            rc = s_web_identity(o, role, wif, NULL, region ? region : "us-east-1", out, err);
            free(region);
        } else if (!rc) {
            rc = s_assume(o, profile, role, depth, out, err);
        }
        free(role);
        free(wif);
        return rc;
    }
    free(role);
    if (rc)
        return rc;
    rc = s_static_profile(profile, true, out, err);
    if (rc || *out)
        return rc;
    rc = s_process(profile, out, err);
    if (rc || *out)
        return rc;
    return s_static_profile(profile, false, out, err);
}

enum dw_status dw_creds_resolve(const struct dw_creds_opts *o, struct dw_creds **out, struct dw_error *err)
{
    *out = NULL;
    enum dw_status rc = DW_OK;
    const char *envp = getenv("AWS_PROFILE");
    const char *profile = o->profile ? o->profile : (envp && *envp ? envp : "default");
    bool named = o->profile || (envp && *envp);
    if (!o->profile_explicit) {
        rc = s_env(out);
        if (rc || *out)
            return rc;
    }
    const char *wtf = getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
    const char *war = getenv("AWS_ROLE_ARN");
    if (!named && wtf && *wtf && war && *war) {
        char *region = o->region ? dw_xstrdup(o->region) : dw_creds_default_region(NULL);
        rc = s_web_identity(o, war, wtf, getenv("AWS_ROLE_SESSION_NAME"), region ? region : "us-east-1", out, err);
        free(region);
        return rc;
    }
    rc = s_profile_chain(o, profile, 0, out, err);
    if (rc || *out)
        return rc;
    if (named && strcmp(profile, "default") != 0) {
        /* A named profile that gives nothing is an error, as in the CLI. */
        return dw_error_set(err, DW_E_NOT_FOUND, profile, 0, 0, 0,
                            "profile %s has no credentials (no keys, role_arn or credential_process)", profile);
    }
    if (!named && wtf && *wtf && war && *war)
        return DW_OK;
    rc = s_container(o, out, err);
    if (rc || *out)
        return rc;
    rc = s_imds(o, out, err);
    if (rc || *out)
        return rc;
    return dw_error_set(err, DW_E_NOT_FOUND, "credentials", 0, 0, 0,
                        "no AWS credentials found (tried the environment, ~/.aws/credentials and config, "
                        "web identity, container and instance metadata)");
}
