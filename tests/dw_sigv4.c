/* dw_sigv4.c: build/tests/dw-sigv4, a test helper (not installed). Reads one JSON
 * object on stdin:
 *   {"method", "url", "headers": [[name, value], ...], "body", "access_key",
 *    "secret_key", "token"?, "region", "service", "timestamp": "YYYYMMDDTHHMMSSZ"}
 * and prints two lines: the Authorization header value dbward would send,
 * and the URL it would hand libcurl. The URL goes through dbward's own
 * endpoint parser (http/url.h), so host, path and query are signed exactly
 * as dbward signs and sends them; a Host header is added from it when the
 * list has none. Instead of "url", "target": {"host", "path", "query"?}
 * signs those verbatim (the signer alone, for test vectors whose request
 * line is no valid URL, such as a path with a space); the second line is
 * then "-". Exit 2 on bad input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include <dbward/sigv4.h>

#include "http/url.h"

static const char *s_str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

int main(void)
{
    json_error_t je;
    int rc = 2;
    json_t *in = json_loadf(stdin, JSON_REJECT_DUPLICATES, &je);
    struct dw_secret *secret = NULL, *token = NULL;
    struct dw_sigv4_header hdrs[128];
    const char *host = NULL, *path = NULL, *query = NULL;
    struct dw_http_url u = {0};
    size_t n = 0;
    if (!in) {
        fprintf(stderr, "dw-sigv4: stdin:%d:%d: %s\n", je.line, je.column, je.text);
        return 2;
    }
    const char *url = s_str(in, "url");
    const char *method = s_str(in, "method");
    const char *ts = s_str(in, "timestamp");
    struct dw_sigv4_params prm = {0};
    prm.access_key = s_str(in, "access_key");
    prm.region = s_str(in, "region");
    prm.service = s_str(in, "service");
    json_t *target = json_object_get(in, "target");
    if ((!url && !json_is_object(target)) || !method || !ts || !prm.access_key ||
        !s_str(in, "secret_key") || !prm.region || !prm.service ||
        !dw_sigv4_parse_amz_date(ts, &prm.epoch_s)) {
        fprintf(stderr, "dw-sigv4: need method, url (or target), access_key, secret_key, region, "
                        "service and timestamp (YYYYMMDDTHHMMSSZ)\n");
        goto out;
    }
    secret = dw_secret_from_str(s_str(in, "secret_key"));
    token = dw_secret_from_str(s_str(in, "token"));
    prm.secret_key = secret;
    prm.session_token = token;
    if (url) {
        struct dw_error uerr;
        if (dw_http_url_parse(url, "url", &u, &uerr)) {
            fprintf(stderr, "dw-sigv4: %s\n", uerr.message);
            goto out;
        }
        host = u.host;
        path = u.path;
        query = u.query;
    } else {
        host = s_str(target, "host");
        path = s_str(target, "path");
        query = s_str(target, "query");
        if (!host || !path) {
            fprintf(stderr, "dw-sigv4: target needs host and path\n");
            goto out;
        }
    }
    bool has_host = false;
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(in, "headers"), i, h)
    {
        if (n >= 127 || !json_is_string(json_array_get(h, 0)) || !json_is_string(json_array_get(h, 1))) {
            fprintf(stderr, "dw-sigv4: headers must be [name, value] string pairs\n");
            goto out;
        }
        hdrs[n].name = json_string_value(json_array_get(h, 0));
        hdrs[n].value = json_string_value(json_array_get(h, 1));
        has_host = has_host || strcasecmp(hdrs[n].name, "host") == 0;
        n++;
    }
    if (!has_host) {
        hdrs[n].name = "host";
        hdrs[n].value = host;
        n++;
    }
    const char *body = s_str(in, "body") ? s_str(in, "body") : "";
    struct dw_sigv4_request req = {method, path, query, hdrs, n, body, strlen(body)};
    struct dw_sigv4_result r;
    struct dw_error err;
    if (dw_sigv4_sign(&req, &prm, &r, &err)) {
        fprintf(stderr, "dw-sigv4: %s\n", err.message);
        goto out;
    }
    printf("%s\n%s\n", r.authorization, url ? u.url : "-");
    dw_sigv4_result_clean_up(&r);
    rc = 0;
out:
    dw_http_url_clean_up(&u);
    dw_secret_free(secret);
    dw_secret_free(token);
    json_decref(in);
    return rc;
}
