/* creds.c: the credential provider chain (see dbward/creds.h), in botocore's
 * order and with its rules: environment, assume-role (role_arn with
 * source_profile or credential_source), web identity, IAM Identity Center,
 * the credentials file, credential_process, the config file, the legacy
 * AWS_CREDENTIAL_FILE and boto files, the container endpoint and IMDSv2.
 * This file holds the profile map, the file and process providers, STS and
 * the chain; sso.c, metadata.c and fetch.c the rest. Every failure is one
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

#include <dbward/creds.h>
#include <dbward/sigv4.h>
#include <dbward/snapshot.h>

#include "awsapi/awsapi_int.h"
#include "redact/redact.h"
#include "creds/creds_int.h"
#include "util/util.h"

#define DW_ROLE_CHAIN_MAX 16

void dw_creds_free(struct dw_creds *c)
{
    if (!c)
        return;
    free(c->access_key_id);
    dw_secret_free(c->secret_key);
    dw_secret_free(c->session_token);
    free(c);
}

/* ---- the shared files, loaded once per resolution ---- */

struct s_ctx {
    const struct dw_creds_opts *o;
    struct dwi_ini *cfg;        /* the config file, NULL when absent */
    struct dwi_ini *crd;        /* the credentials file, NULL when absent */
    struct dwi_map cprof;         /* config-file profiles (botocore's build_profile_map) */
    struct dwi_map prof;          /* full_config: config profiles updated by credentials sections */
    struct dwi_map sso;           /* [sso-session NAME] sections */
    const char *profile;        /* the selected profile */
    bool env_disabled;          /* --profile given: the environment keys are skipped */
    char *visited[DW_ROLE_CHAIN_MAX + 1];
    size_t n_visited;
    int depth;
};

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
                dwi_map_put(&c->cprof, name, s, true);
        } else if (s_two_words(s->name, "sso-session", &name)) {
            if (name)
                dwi_map_put(&c->sso, name, s, true);
        } else if (strcmp(s->name, "default") == 0) {
            dwi_map_put(&c->cprof, "default", s, true);
        }
        free(name);
    }
    for (size_t i = 0; i < c->cprof.n; i++)
        dwi_map_put(&c->prof, c->cprof.p[i].name, &c->cprof.p[i], true);
    for (size_t i = 0; c->crd && i < c->crd->n; i++)
        dwi_map_put(&c->prof, c->crd->s[i].name, &c->crd->s[i], false);
    return DW_OK;
}

static void s_ctx_clean_up(struct s_ctx *c)
{
    dwi_ini_free(c->cfg);
    dwi_ini_free(c->crd);
    dwi_map_clean_up(&c->cprof);
    dwi_map_clean_up(&c->prof);
    dwi_map_clean_up(&c->sso);
    for (size_t i = 0; i < c->n_visited; i++)
        free(c->visited[i]);
}

/* A setting of a profile of the merged map, or NULL. Borrowed. */
static const char *s_pget(const struct s_ctx *c, const char *profile, const char *key)
{
    const struct dwi_kv *kv = dwi_sect_get(dwi_map_find(&c->prof, profile), key);
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

/* The value of key in the selected profile of the config files (profile, or
 * AWS_PROFILE / default), or NULL; a path value has "~" expanded. */
static char *s_profile_setting(const char *profile, const char *key, bool is_path)
{
    struct s_ctx c;
    memset(&c, 0, sizeof(c));
    struct dw_error err;
    char *v = NULL;
    if (s_ctx_load(&c, &err) == DW_OK) {
        const char *p = profile ? profile : s_profile_env();
        const char *val = s_pget(&c, p && *p ? p : "default", key);
        if (val && *val)
            v = is_path ? dwi_expand_path(val) : dw_xstrdup(val);
    }
    s_ctx_clean_up(&c);
    return v;
}

char *dw_creds_default_region(const char *profile)
{
    const char *r = getenv("AWS_REGION");
    if (!r || !*r)
        r = getenv("AWS_DEFAULT_REGION");
    if (r && *r)
        return dw_xstrdup(r);
    return s_profile_setting(profile, "region", false);
}

char *dw_creds_default_ca_bundle(const char *profile)
{
    const char *e = getenv("AWS_CA_BUNDLE");
    if (e && *e)
        return dw_xstrdup(e);
    return s_profile_setting(profile, "ca_bundle", true);
}

/* credential_process output: Version 1 (botocore compares with ==, so 1.0
 * and true pass), AccessKeyId and SecretAccessKey, optional SessionToken
 * and Expiration. */
static enum dw_status s_process_json(const char *text, size_t len, const char *source, struct dw_creds **out,
                                     struct dw_error *err)
{
    json_t *j = NULL;
    *out = NULL;
    enum dw_status rc = dwi_load_json(text, len, source, &j, err);
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
        rc = dwi_creds_from_json(j, source, "AccessKeyId", "SecretAccessKey", "SessionToken", false, "Expiration", false,
                             "custom-process", out, err);
    dwi_json_wipe(j);
    json_decref(j);
    return rc;
}

enum dw_status dw_creds_parse_process_output(const char *text, size_t len, struct dw_creds **out,
                                             struct dw_error *err)
{
    return s_process_json(text, len, "credential_process output", out, err);
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
    *out = dwi_creds_make(ak, sk, tok, "env", "environment");
    (*out)->expiry_epoch_s = e;
    return dwi_check_expiry(out, "the environment", err);
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
    *out = dwi_creds_make(ak->value, sk->value, tok ? tok->value : NULL, method, src);
    return DW_OK;
}

static enum dw_status s_shared_file(struct s_ctx *c, const char *profile, struct dw_creds **out, struct dw_error *err)
{
    return s_static(dwi_ini_section(c->crd, profile), "shared-credentials-file", "the credentials file", profile, out,
                    err);
}

static enum dw_status s_config_file(struct s_ctx *c, const char *profile, struct dw_creds **out, struct dw_error *err)
{
    return s_static(dwi_map_find(&c->cprof, profile), "config-file", "the config file", profile, out, err);
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
            rc = dwi_check_expiry(out, src, err);
    }
    dw_secure_zero_buf(b.data, b.len);
    dw_buf_clean_up(&b);
    dwi_argv_free(argv);
    return rc;
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
        char *regional = dw_xasprintf("https://sts.%s.%s/", region, dwi_dns_suffix(region));
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
    rc = dwi_fetch(o, "POST", call.url, hl, call.body, o->timeout_ms, &status, &resp, err);
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
    rc = dwi_creds_from_json(json_object_get(j, "Credentials"), "STS answer", "AccessKeyId", "SecretAccessKey",
                         "SessionToken", false, "Expiration", false, method, out, err);
out:
    dwi_free_secret(resp);
    curl_slist_free_all(hl);
    free(code);
    free(msg);
    if (j)
        dwi_json_wipe(j);
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
    dwi_free_secret(tok);
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


/* The profile providers of botocore's ProfileProviderBuilder, in order. */
static enum dw_status s_profile_providers(struct s_ctx *c, const char *profile, bool disable_env,
                                          struct dw_creds **out, struct dw_error *err)
{
    enum dw_status rc = s_web_identity(c, profile, disable_env, out, err);
    if (rc || *out)
        return rc;
    rc = dwi_sso_provider(c->o, profile, dwi_map_find(&c->prof, profile), &c->sso, out, err);
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
            rc = dwi_container_provider(c->o, &base, err);
        } else if (strcmp(cs, "Ec2InstanceMetadata") == 0) {
            rc = dwi_imds_provider(c->o, &base, err);
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
        if (!dwi_map_find(&c->prof, sp)) {
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
    dwi_free_secret(code);
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
    if (named && !dwi_map_find(&c.prof, named)) {
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
    rc = dwi_ec2_file_provider(out, err);
    if (rc || *out)
        goto out;
    rc = dwi_boto_provider(out, err);
    if (rc || *out)
        goto out;
    rc = dwi_container_provider(o, out, err);
    if (rc || *out)
        goto out;
    rc = dwi_imds_provider(o, out, err);
    if (rc || *out)
        goto out;
    rc = dw_error_set(err, DW_E_NOT_FOUND, "credentials", 0, 0, 0,
                      "no AWS credentials found (tried the environment, ~/.aws/credentials and config, "
                      "web identity, IAM Identity Center, container and instance metadata)");
out:
    s_ctx_clean_up(&c);
    return rc;
}
