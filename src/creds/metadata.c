/* metadata.c: the container credentials endpoint (with botocore's host
 * rules, so the authorization token never goes to another host over plain
 * http), EC2 instance metadata (IMDSv2 only), and the legacy files
 * (AWS_CREDENTIAL_FILE of the EC2 tools, boto's [Credentials]). */
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
        if (v > 255 || isdigit((unsigned char)*p) || (digits > 1 && p[-digits] == '0'))
            return false; /* a leading zero is octal to some parsers: refused, as Python's ip_address does */
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

enum dw_status dwi_container_provider(const struct dw_creds_opts *o, struct dw_creds **out, struct dw_error *err)
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
        char *host = dwi_url_host(url);
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
        dwi_free_secret(h);
    }
    long status = 0;
    rc = dwi_fetch(o, "GET", url, hl, NULL, o->timeout_ms, &status, &body, err);
    if (!rc && status != 200) {
        char *host = dwi_url_host(url);
        rc = dw_error_set(err, DW_E_API, "container credentials", 0, 0, 0,
                          "the container credentials endpoint %s refused (HTTP %ld)", host, status);
        free(host);
    }
    if (!rc)
        rc = dwi_load_json(body, strlen(body), "container credentials", &j, err);
    if (!rc)
        rc = dwi_creds_from_json(j, "container credentials", "AccessKeyId", "SecretAccessKey", "Token", true, "Expiration",
                             true, "container-role", out, err);
    if (!rc)
        rc = dwi_check_expiry(out, "the container endpoint", err);
out:
    if (j)
        dwi_json_wipe(j);
    json_decref(j);
    dwi_free_secret(body);
    dwi_free_secret(tok);
    curl_slist_free_all(hl);
    free(url);
    return rc;
}

enum dw_status dwi_imds_provider(const struct dw_creds_opts *o, struct dw_creds **out, struct dw_error *err)
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
    if (dwi_fetch(o, "PUT", url, hl, "", 1000, &status, &token, &ignore) || status != 200)
        goto out;
    curl_slist_free_all(hl);
    char *th = dw_xasprintf("X-aws-ec2-metadata-token: %s", token);
    hl = curl_slist_append(NULL, th);
    dwi_free_secret(th);
    free(url);
    url = dw_xasprintf("%s/latest/meta-data/iam/security-credentials/", base);
    if (dwi_fetch(o, "GET", url, hl, NULL, o->timeout_ms, &status, &role, &ignore) || status != 200 || !*role)
        goto out; /* no role: botocore goes on without credentials */
    role[strcspn(role, "\r\n")] = '\0';
    free(url);
    url = dw_xasprintf("%s/latest/meta-data/iam/security-credentials/%s", base, role);
    if (dwi_fetch(o, "GET", url, hl, NULL, o->timeout_ms, &status, &body, &ignore) || status != 200)
        goto out;
    if (dwi_load_json(body, strlen(body), "instance metadata", &j, &ignore) == DW_OK &&
        dwi_creds_from_json(j, "instance metadata", "AccessKeyId", "SecretAccessKey", "Token", true, "Expiration", true,
                        "iam-role", out, &ignore) == DW_OK)
        snprintf((*out)->source, sizeof((*out)->source), "instance metadata (%.40s)", role);
    rc = dwi_check_expiry(out, "instance metadata", err);
out:
    if (j)
        dwi_json_wipe(j);
    json_decref(j);
    dwi_free_secret(token);
    dwi_free_secret(body);
    free(role);
    free(url);
    free(base);
    curl_slist_free_all(hl);
    return rc;
}

/* ---- legacy files: AWS_CREDENTIAL_FILE (EC2 tools) and boto ---- */

enum dw_status dwi_ec2_file_provider(struct dw_creds **out, struct dw_error *err)
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
                dwi_free_secret(*slot);
                *slot = dw_xstrndup(vb, (size_t)(ve - vb));
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    if (ak && !sk)
        rc = dw_error_set(err, DW_E_USAGE, path, 0, 0, 0, "AWS_CREDENTIAL_FILE has AWSAccessKeyId but no AWSSecretKey");
    else if (ak)
        *out = dwi_creds_make(ak, sk, NULL, "ec2-credentials-file", "AWS_CREDENTIAL_FILE");
out:
    dwi_free_secret(ak);
    dwi_free_secret(sk);
    dw_secure_zero_buf(b.data, b.len);
    dw_buf_clean_up(&b);
    free(path);
    return rc;
}

enum dw_status dwi_boto_provider(struct dw_creds **out, struct dw_error *err)
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
                    *out = dwi_creds_make(dwi_sect_get(s, "aws_access_key_id")->value, sk->value, NULL, "boto-config",
                                  "boto config file");
            }
        }
        dwi_ini_free(ini);
        free(path);
    }
    return rc;
}

