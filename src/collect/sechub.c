/* sechub.c: findings sent to AWS Security Hub (dbward/live.h
 * dw_sechub_import): BatchImportFindings (POST /findings/import,
 * rest-json) through the same signed client as the collection, 100
 * findings a call, each ProductArn naming the import region, retries and
 * throttling handled by the HTTP engine. Passing findings go too: the ASFF
 * writer marks them RESOLVED, which closes what an earlier run opened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dbward/creds.h>
#include <dbward/live.h>
#include <dbward/report.h>
#include <dbward/sigv4.h>

#include "http/http.h"
#include "http/url.h"
#include "util/util.h"

struct s_import {
    const struct dw_creds *creds;
    const char *region;
    char host[256];
    char path[512];
    struct dw_sechub_result *res;
    bool failed;
    char why[512];
    struct dw_http *http;
    const char *url;
    const struct dw_report_meta *meta;
    char key[96];
    size_t queued;
};

static int s_prepare(void *user, struct dw_http_req *r)
{
    struct s_import *im = user;
    struct dw_sigv4_header h[2] = {{"host", im->host}, {"content-type", "application/json"}};
    struct dw_sigv4_request req = {"POST", im->path, NULL, h, 2, r->body, r->body_len};
    struct dw_sigv4_params prm = {im->creds->access_key_id, im->creds->secret_key, im->creds->session_token,
                                  im->region, "securityhub", (int64_t)time(NULL), false, false};
    struct dw_sigv4_result sr;
    struct dw_error err;
    if (dw_sigv4_sign(&req, &prm, &sr, &err) != DW_OK) {
        snprintf(r->error, sizeof(r->error), "%s", err.message);
        return -1;
    }
    dw_http_req_clear_headers(r);
    dw_http_req_set_header(r, "Host", im->host);
    dw_http_req_set_header(r, "Content-Type", "application/json");
    dw_http_req_set_header(r, "X-Amz-Date", sr.x_amz_date);
    if (im->creds->session_token)
        dw_http_req_set_header(r, "X-Amz-Security-Token", dw_secret_str(im->creds->session_token));
    dw_http_req_set_header(r, "Authorization", sr.authorization);
    dw_sigv4_result_clean_up(&sr);
    return 0;
}

static void s_done(void *user, struct dw_http_req *r)
{
    struct s_import *im = user;
    im->res->calls++;
    json_t *ans = r->resp.data ? json_loadb(r->resp.data, r->resp.len, 0, NULL) : NULL;
    if (r->st != DW_OK || r->status != 200 || !json_is_object(ans)) {
        const char *msg = json_string_value(json_object_get(ans, "Message"));
        if (!msg)
            msg = json_string_value(json_object_get(ans, "message"));
        if (!im->failed)
            snprintf(im->why, sizeof(im->why), "securityhub batch-import-findings in %s failed (%s%ld): %s",
                     im->region, r->st != DW_OK ? "transport error, " : "HTTP ", r->status,
                     r->st != DW_OK ? r->error : msg ? msg : "no message");
        im->failed = true;
        json_decref(ans);
        return;
    }
    im->res->imported += (size_t)json_integer_value(json_object_get(ans, "SuccessCount"));
    size_t failed = (size_t)json_integer_value(json_object_get(ans, "FailedCount"));
    im->res->failed += failed;
    json_t *first = json_array_get(json_object_get(ans, "FailedFindings"), 0);
    if (failed && !im->res->first_failure[0])
        snprintf(im->res->first_failure, sizeof(im->res->first_failure), "%s: %s (%s)",
                 dw_str_or_empty(json_string_value(json_object_get(first, "Id"))),
                 dw_str_or_empty(json_string_value(json_object_get(first, "ErrorMessage"))),
                 dw_str_or_empty(json_string_value(json_object_get(first, "ErrorCode"))));
    json_decref(ans);
}

/* One call of up to 100 findings; the engine is run every S_IN_FLIGHT
 * calls, so bodies are made as the findings are read, not all at once. */
#define S_IN_FLIGHT 8
static enum dw_status s_send(void *user, const struct dw_findings *batch)
{
    struct s_import *im = user;
    if (!batch->n)
        return DW_OK;
    size_t len = 0;
    char *buf = dw_report_asff_batch(im->meta, batch, 0, DW_ASFF_BATCH, im->region, &len);
    struct dw_http_req *r = dw_http_req_new("POST", im->url, buf, len);
    free(buf);
    r->prepare = s_prepare;
    r->done = s_done;
    r->user = im;
    dw_http_req_set_endpoint(r, im->key);
    dw_http_submit(im->http, r);
    if (++im->queued % S_IN_FLIGHT == 0)
        dw_http_run(im->http);
    return DW_OK;
}

enum dw_status dw_sechub_import(const struct dw_sechub_opts *o, const struct dw_report_meta *meta,
                                struct dw_fsrc *src, struct dw_sechub_result *res, struct dw_error *err)
{
    memset(res, 0, sizeof(*res));
    char *region = o->region ? dw_xstrdup(o->region) : dw_creds_default_region(o->profile);
    if (!region)
        region = dw_xstrdup(meta->n_regions ? meta->regions[0] : "us-east-1");
    char *ca = dw_creds_default_ca_bundle(o->profile);
    struct dw_creds_opts co = {
        .profile = o->profile,
        .profile_explicit = o->profile != NULL,
        .endpoint_url = o->endpoint_url,
        .region = region,
        .timeout_ms = o->timeout_ms,
        .ca_bundle = ca,
    };
    struct dw_creds *creds = NULL;
    struct dw_http *http = NULL;
    struct s_import im = {.region = region, .res = res};
    enum dw_status rc = dw_creds_resolve(&co, &creds, err);
    if (rc)
        goto out;
    im.creds = creds;
    /* The URL: the endpoint given (emulators, tests), else the service's. */
    const char *ep = o->endpoint_url;
    size_t eplen = ep ? strlen(ep) : 0;
    while (eplen && ep[eplen - 1] == '/')
        eplen--;
    char *text = ep ? dw_xasprintf("%.*s/findings/import", (int)eplen, ep)
                    : dw_xasprintf("https://securityhub.%s.amazonaws.com/findings/import", region);
    struct dw_http_url u;
    memset(&u, 0, sizeof(u));
    rc = dw_http_url_parse(text, "Security Hub endpoint", &u, err);
    free(text);
    if (rc) {
        dw_http_url_clean_up(&u);
        goto out;
    }
    snprintf(im.host, sizeof(im.host), "%s", u.host);
    snprintf(im.path, sizeof(im.path), "%s", u.path);
    char *url = dw_xstrdup(u.url);
    dw_http_url_clean_up(&u);
    struct dw_http_opts ho = {4, o->timeout_ms, 5000, DW_MAX_RESPONSE_BYTES, o->max_attempts, o->retry_base_ms,
                              o->log, o->user, ca, 0, 0, 0};
    http = dw_http_new(&ho);
    im.http = http;
    im.url = url;
    im.meta = meta;
    snprintf(im.key, sizeof(im.key), "securityhub/%s", region);
    rc = dw_fsrc_batches(src, DW_ASFF_BATCH, s_send, &im);
    free(url);
    dw_http_run(http);
    if (rc && !im.failed)
        rc = dw_error_set(err, rc, "securityhub", 0, 0, 0, "the findings could not be read back");
    else if (im.failed)
        rc = dw_error_set(err, DW_E_NETWORK, "securityhub", 0, 0, 0, "%s", im.why);
out:
    snprintf(res->region, sizeof(res->region), "%s", region);
    dw_http_free(http);
    dw_creds_free(creds);
    free(ca);
    free(region);
    return rc;
}
