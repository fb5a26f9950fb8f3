/* sso.c: IAM Identity Center (SSO) credentials as botocore's SSOProvider
 * and SSOTokenProvider get them: the token `aws sso login` cached (keyed by
 * the sha1 of the sso_session name or of the legacy start URL), refreshed
 * through sso-oidc CreateToken when it is near expiry and a refresh token
 * exists, then the portal's GetRoleCredentials. Never opens a browser. */
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
#include <openssl/sha.h>

#include <dbward/creds.h>
#include <dbward/snapshot.h>

#include "creds/creds_int.h"
#include "util/util.h"

#define DW_SSO_REFRESH_WINDOW_S (15 * 60)


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
    dwi_free_secret(text);
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
    if (!rt || !cid || !cs || !rexp || !dw_time_parse_iso8601(rexp, &re) || re <= dwi_now())
        return;
    const char *region = dwi_sect_get(sess, "sso_region")->value;
    char *url = o->endpoint_url ? dw_xasprintf("%s%stoken", o->endpoint_url,
                                               o->endpoint_url[strlen(o->endpoint_url) - 1] == '/' ? "" : "/")
                                : dw_xasprintf("https://oidc.%s.%s/token", region, dwi_dns_suffix(region));
    json_t *req = json_pack("{s:s, s:s, s:s, s:s}", "clientId", cid, "clientSecret", cs, "grantType", "refresh_token",
                            "refreshToken", rt);
    char *body = json_dumps(req, JSON_COMPACT);
    struct curl_slist *hl = curl_slist_append(NULL, "Content-Type: application/json");
    long status = 0;
    char *resp = NULL;
    json_t *j = NULL;
    struct dw_error ferr;
    if (dwi_fetch(o, "POST", url, hl, body, o->timeout_ms, &status, &resp, &ferr) == DW_OK && status == 200 &&
        dwi_load_json(resp, strlen(resp), "sso-oidc", &j, &ferr) == DW_OK) {
        const char *at = json_string_value(json_object_get(j, "accessToken"));
        json_t *ei = json_object_get(j, "expiresIn");
        if (at && json_is_integer(ei)) {
            char when[32];
            dw_time_format_iso8601(dwi_now() + (int64_t)json_integer_value(ei), when, sizeof(when));
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
        dwi_json_wipe(j);
    json_decref(j);
    dwi_free_secret(resp);
    dwi_free_secret(body);
    json_decref(req);
    curl_slist_free_all(hl);
    free(url);
}

/* The access token of the login: *tok is new. */
static enum dw_status s_sso_token(const struct dw_creds_opts *o, const struct dwi_map *sessions, const char *profile, const char *start_url,
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
    if (dwi_load_json(b.data ? b.data : "", b.len, path, &j, err) || !json_is_object(j)) {
        rc = s_sso_login_error(profile, "cannot be read (the cached token is not valid JSON)", err);
        goto out;
    }
    const char *at = json_string_value(json_object_get(j, "accessToken"));
    const char *ea = json_string_value(json_object_get(j, "expiresAt"));
    if (!at || !ea || !dw_time_parse_iso8601(ea, &exp)) {
        rc = s_sso_login_error(profile, "is incomplete (no accessToken or expiresAt)", err);
        goto out;
    }
    if (session && exp - dwi_now() < DW_SSO_REFRESH_WINDOW_S) {
        s_sso_refresh(o, dwi_map_find(sessions, session), path, j);
        ea = json_string_value(json_object_get(j, "expiresAt"));
        if (!ea || !dw_time_parse_iso8601(ea, &exp))
            exp = 0;
    }
    if (exp <= dwi_now()) {
        rc = s_sso_login_error(profile, session ? "has expired and could not be refreshed" : "has expired", err);
        goto out;
    }
    *tok = dw_xstrdup(json_string_value(json_object_get(j, "accessToken")));
out:
    if (j)
        dwi_json_wipe(j);
    json_decref(j);
    dw_secure_zero_buf(b.data, b.len);
    dw_buf_clean_up(&b);
    free(path);
    return rc;
}

enum dw_status dwi_sso_provider(const struct dw_creds_opts *o, const char *profile, const struct dwi_sect *p,
                                const struct dwi_map *sessions, struct dw_creds **out, struct dw_error *err)
{
    if (!dwi_sect_get(p, "sso_role_name") && !dwi_sect_get(p, "sso_account_id"))
        return DW_OK;
    struct dwi_sect conf = {0};
    enum dw_status rc = DW_OK;
    char *tok = NULL, *url = NULL, *hdr = NULL, *resp = NULL, *qa = NULL, *qr = NULL;
    struct curl_slist *hl = NULL;
    json_t *j = NULL;
    CURL *esc = curl_easy_init();
    for (size_t i = 0; i < p->n; i++)
        dwi_sect_set(&conf, &p->kv[i]);
    const struct dwi_kv *sref = dwi_sect_get(p, "sso_session");
    const struct dwi_sect *sess = NULL;
    if (sref) {
        sess = dwi_map_find(sessions, sref->value);
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
            dwi_sect_set(&conf, &sess->kv[i]);
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
    rc = s_sso_token(o, sessions, profile, dwi_sect_get(&conf, "sso_start_url")->value, sref ? sref->value : NULL, &tok, err);
    if (rc)
        goto out;
    qa = curl_easy_escape(esc, dwi_sect_get(&conf, "sso_account_id")->value, 0);
    qr = curl_easy_escape(esc, dwi_sect_get(&conf, "sso_role_name")->value, 0);
    const char *ep = o->endpoint_url;
    if (ep)
        url = dw_xasprintf("%s%sfederation/credentials?account_id=%s&role_name=%s", ep,
                           ep[strlen(ep) - 1] == '/' ? "" : "/", qa, qr);
    else
        url = dw_xasprintf("https://portal.sso.%s.%s/federation/credentials?account_id=%s&role_name=%s", region,
                           dwi_dns_suffix(region), qa, qr);
    hdr = dw_xasprintf("x-amz-sso_bearer_token: %s", tok);
    hl = curl_slist_append(NULL, hdr);
    long status = 0;
    rc = dwi_fetch(o, "GET", url, hl, NULL, o->timeout_ms, &status, &resp, err);
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
    rc = dwi_load_json(resp, strlen(resp), "sso", &j, err);
    if (!rc) {
        char src[64];
        snprintf(src, sizeof(src), "IAM Identity Center, profile %.30s", profile);
        rc = dwi_creds_from_json(json_object_get(j, "roleCredentials"), src, "accessKeyId", "secretAccessKey",
                             "sessionToken", true, "expiration", true, "sso", out, err);
    }
    if (!rc)
        rc = dwi_check_expiry(out, "IAM Identity Center", err);
out:
    if (j)
        dwi_json_wipe(j);
    json_decref(j);
    dwi_free_secret(resp);
    dwi_free_secret(hdr);
    dwi_free_secret(tok);
    curl_slist_free_all(hl);
    curl_free(qa);
    curl_free(qr);
    curl_easy_cleanup(esc);
    free(url);
    dwi_sect_clear(&conf);
    return rc;
}

