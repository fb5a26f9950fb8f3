/* collect.c: the live collector. A call is a job: build, sign, send, parse,
 * follow pages, then write the answer (or the error) to the snapshot layout
 * and start the calls that depend on it. All jobs share one HTTP engine, so
 * regions, services and resources proceed concurrently. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include <dbward/dbward.h>
#include <dbward/live.h>
#include <dbward/sigv4.h>
#include <dbward/snapshot.h>

#include "awsapi/awsapi_int.h"
#include "http/http.h"
#include "util/util.h"

struct s_run;
struct s_job;
typedef void (*s_then_fn)(struct s_run *run, struct s_job *job, json_t *answer);

struct s_run {
    const struct dw_live_opts *o;
    struct dw_aws_models *models;
    struct dw_http *http;
    struct dw_creds *creds;
    struct dw_creds_opts copts;
    char account[16];
    char partition[16];
    int64_t start_s;
    int64_t last_progress_ms;
    struct dw_live_stats *stats;
    uint64_t failed;
    int max_depth;
    int64_t last_refresh_s; /* last refresh attempt, epoch seconds */
    int refreshes;
};

struct s_job {
    struct s_run *run;
    char *service;
    char *command;
    char *region;     /* API region; "global" files use it too */
    char *path;       /* snapshot path without .json */
    json_t *params;   /* owned */
    json_t *merged;   /* pages so far */
    int pages;
    int depth;        /* dependent round trips before this one */
    s_then_fn then;
    char *extra;      /* per-job data for the continuation */
};

static int64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void s_mkdirs(const char *path)
{
    char *p = dw_xstrdup(path);
    for (char *c = p + 1; *c; c++) {
        if (*c == '/') {
            *c = '\0';
            mkdir(p, 0755);
            *c = '/';
        }
    }
    free(p);
}

/* Members the botocore models mark sensitive in the services dbward calls
 * (tests/shapes checks this list against the models). AWS does not return
 * them from the calls dbward makes, but if a response ever carries one, its
 * value never reaches the saved evidence. */
static const char *const s_sensitive[] = {
    "AsmPassword", "AuthPassword", "CertificatePem", "Password", "SaslPassword", "SecurityDbEncryption",
    "SslClientKeyPassword", "KeyStorePassword", "Plaintext", "PrivateKeyPlaintext", "RawSecretAccessKey",
    "SecretAccessKey", "NewPassword", "OldPassword", "PrivateKey", "Base32StringSeed", "QRCodePNG",
    "ServicePassword", "KeyMaterial", "UserData", "SessionToken"};

/* Replaces sensitive values in j (in place), and secrets written into DMS
 * extra connection attributes ("password=...;"). depth bounds the walk. */
static void s_scrub(json_t *j, int depth)
{
    if (depth > 128)
        return;
    if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) s_scrub(v, depth + 1);
        return;
    }
    if (!json_is_object(j))
        return;
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) {
        bool hit = false;
        for (size_t i = 0; i < DW_ARRAY_LEN(s_sensitive) && !hit; i++)
            hit = strcmp(k, s_sensitive[i]) == 0;
        if (hit && !json_is_null(v)) {
            json_object_set_new(j, k, json_string("[REDACTED]"));
        } else if (json_is_string(v) && strcmp(k, "ExtraConnectionAttributes") == 0) {
            char *red = dw_redact(json_string_value(v), json_string_length(v));
            json_object_set_new(j, k, json_string(red));
            free(red);
        } else {
            s_scrub(v, depth + 1);
        }
    }
}

static void s_write_json(const char *dir, const char *rel, const char *suffix, json_t *j)
{
    s_scrub(j, 0);
    char *full = dw_xasprintf("%s/%s%s", dir, rel, suffix);
    s_mkdirs(full);
    json_dump_file(j, full, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
    free(full);
}

static void s_job_free(struct s_job *j)
{
    free(j->service);
    free(j->command);
    free(j->region);
    free(j->path);
    json_decref(j->params);
    json_decref(j->merged);
    free(j->extra);
    free(j);
}

static void s_record_error(struct s_run *run, struct s_job *j, const char *code, const char *msg)
{
    json_t *e = json_pack("{s:s, s:s}", "code", code, "message", msg ? msg : "");
    s_write_json(run->o->out_dir, j->path, ".error.json", e);
    json_decref(e);
    run->failed++;
}

static int s_prepare(void *user, struct dw_http_req *r);
static void s_done(void *user, struct dw_http_req *r);

/* Starts a call; params is stolen. */
static void s_call(struct s_run *run, int depth, const char *service, const char *command,
                   const char *region, const char *path, json_t *params, s_then_fn then,
                   const char *extra)
{
    struct s_job *j = dw_xcalloc(1, sizeof(*j));
    j->run = run;
    j->service = dw_xstrdup(service);
    j->command = dw_xstrdup(command);
    j->region = dw_xstrdup(region);
    j->path = dw_xstrdup(path);
    j->params = params ? params : json_object();
    j->depth = depth;
    j->then = then;
    j->extra = extra ? dw_xstrdup(extra) : NULL;
    if (depth + 1 > run->max_depth)
        run->max_depth = depth + 1;
    struct dw_aws_call c;
    struct dw_error err;
    if (dw_aws_call_build(run->models, service, command, j->params, region, run->o->endpoint_url, &c, &err)) {
        s_record_error(run, j, "ClientError", err.message);
        s_job_free(j);
        return;
    }
    struct dw_http_req *r = dw_http_req_new(c.method, c.url, c.body, c.body_len);
    r->prepare = s_prepare;
    r->done = s_done;
    r->user = j;
    dw_aws_call_clean_up(&c);
    dw_http_submit(run->http, r);
}

/* The run's credentials: the standard chain, then the role when one is named. */
static enum dw_status s_resolve(struct s_run *run, struct dw_creds **out, struct dw_error *err)
{
    enum dw_status rc = dw_creds_resolve(&run->copts, out, err);
    if (rc || !run->o->role_arn)
        return rc;
    struct dw_creds *base = *out;
    rc = dw_creds_assume_role(&run->copts, base, run->o->role_arn, run->o->external_id, out, err);
    dw_creds_free(base);
    return rc;
}

/* Refreshes temporary credentials five minutes before they expire. */
static void s_maybe_refresh(struct s_run *run)
{
    struct dw_creds *c = run->creds;
    int64_t now = (int64_t)time(NULL);
    if (!c->expiry_epoch_s || c->expiry_epoch_s - now > 300 || now - run->last_refresh_s < 30)
        return;
    run->last_refresh_s = now; /* at most one attempt per 30 s, even if the new ones are short too */
    run->refreshes++;
    struct dw_creds *fresh = NULL;
    struct dw_error err;
    if (s_resolve(run, &fresh, &err) == DW_OK) {
        dw_creds_free(run->creds);
        run->creds = fresh;
    }
}

static int s_prepare(void *user, struct dw_http_req *r)
{
    struct s_job *j = user;
    struct s_run *run = j->run;
    s_maybe_refresh(run);
    struct dw_aws_call c;
    struct dw_error err;
    if (dw_aws_call_build(run->models, j->service, j->command, j->params, j->region, run->o->endpoint_url,
                          &c, &err))
        return -1;
    /* The body may have changed (next page): rebuild it. */
    free(r->body);
    r->body = dw_xstrndup(c.body, c.body_len);
    r->body_len = c.body_len;
    const char *hs = strstr(c.url, "://");
    hs = hs ? hs + 3 : c.url;
    char *host = dw_xstrndup(hs, strcspn(hs, "/"));
    const char *path = strchr(hs, '/') ? strchr(hs, '/') : "/";
    char *p = dw_xstrndup(path, strcspn(path, "?"));
    struct dw_sigv4_header h[3] = {{"host", host}, {"content-type", c.content_type}, {"x-amz-target", c.target}};
    struct dw_sigv4_request req = {c.method, p, NULL, h, c.target ? 3 : 2, c.body, c.body_len};
    struct dw_sigv4_params prm = {run->creds->access_key_id, run->creds->secret_key, run->creds->session_token,
                                  c.signing_region, c.signing_service, (int64_t)time(NULL), false, false};
    struct dw_sigv4_result sr;
    int rc = -1;
    if (dw_sigv4_sign(&req, &prm, &sr, &err) == DW_OK) {
        dw_http_req_set_header(r, "Content-Type", c.content_type);
        if (c.target)
            dw_http_req_set_header(r, "X-Amz-Target", c.target);
        dw_http_req_set_header(r, "X-Amz-Date", sr.x_amz_date);
        if (run->creds->session_token)
            dw_http_req_set_header(r, "X-Amz-Security-Token", dw_secret_str(run->creds->session_token));
        dw_http_req_set_header(r, "Authorization", sr.authorization);
        dw_sigv4_result_clean_up(&sr);
        rc = 0;
    }
    free(host);
    free(p);
    dw_aws_call_clean_up(&c);
    return rc;
}

static void s_merge_key(json_t *merged, json_t *page, const char *key)
{
    json_t *more = json_object_get(page, key);
    json_t *have = json_object_get(merged, key);
    if (json_is_array(more) && json_is_array(have))
        json_array_extend(have, more);
    else if (json_is_array(more))
        json_object_set(merged, key, more);
}

static void s_merge_page(struct s_job *j, json_t *page, const struct dw_aws_paginator *pg)
{
    if (!j->merged) {
        j->merged = json_deep_copy(page);
        return;
    }
    /* result_key is one name or a list of names in the models. */
    if (json_is_string(pg->result_keys)) {
        s_merge_key(j->merged, page, json_string_value(pg->result_keys));
        return;
    }
    size_t i;
    json_t *k;
    json_array_foreach(pg->result_keys, i, k)
    {
        if (json_is_string(k))
            s_merge_key(j->merged, page, json_string_value(k));
    }
}

static void s_progress(struct s_run *run, bool final)
{
    if (!run->o->progress)
        return;
    int64_t now = s_now_ms();
    if (!final && now - run->last_progress_ms < 100)
        return;
    run->last_progress_ms = now;
    struct dw_http_stats hs;
    dw_http_stats(run->http, &hs);
    struct dw_live_progress p = {run->stats->regions, hs.requests, hs.in_flight, hs.queued, hs.retries};
    run->o->progress(run->o->user, &p, final);
}

static void s_done(void *user, struct dw_http_req *r)
{
    struct s_job *j = user;
    struct s_run *run = j->run;
    json_t *ans = NULL;
    char *code = NULL, *msg = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    bool keep = false;
    if (r->st == DW_E_IO && r->curl_code) {
        /* "cannot connect to HOST: ..." or "TLS failure with HOST: ..." */
        dw_creds_transport_error(r->curl_code, r->error, r->url, run->copts.ca_bundle, &err);
        s_record_error(run, j, "RequestError", err.message);
    } else if (r->st != DW_OK) {
        s_record_error(run, j, r->st == DW_E_TOO_BIG ? "ResponseTooLarge" : "RequestError",
                       r->error[0] ? r->error : "the request failed");
    } else {
        enum dw_status rc = dw_aws_response_parse(run->models, j->service, j->command, r->status,
                                                  r->resp.data ? r->resp.data : "", r->resp.len, &ans,
                                                  &code, &msg, &err);
        if (rc == DW_E_API) {
            s_record_error(run, j, code, msg);
        } else if (rc) {
            char *m = err.line ? dw_xasprintf("malformed answer at %d:%d: %s", err.line, err.column, err.message)
                               : dw_xasprintf("malformed answer: %s", err.message);
            s_record_error(run, j, "MalformedResponse", m);
            free(m);
        } else {
            struct dw_aws_paginator pg;
            bool paged = dw_aws_paginator_get(run->models, j->service, j->command, &pg);
            s_merge_page(j, ans, paged ? &pg : NULL);
            j->pages++;
            json_t *tok = paged ? json_object_get(ans, pg.output_token) : NULL;
            bool more = tok && json_is_string(tok) && json_string_length(tok) > 0;
            if (more && pg.more_results)
                more = json_is_true(json_object_get(ans, pg.more_results));
            if (paged)
                json_object_del(j->merged, pg.output_token);
            if (paged && pg.more_results)
                json_object_del(j->merged, pg.more_results);
            if (more && j->pages >= DW_MAX_PAGES) {
                char *m = dw_xasprintf("more than %d pages; the answer was not complete", DW_MAX_PAGES);
                s_record_error(run, j, "TooManyPages", m);
                free(m);
            } else if (more) {
                json_object_set_new(j->params, pg.input_token, json_deep_copy(tok));
                struct dw_http_req *nr = dw_http_req_new("POST", r->url, NULL, 0);
                nr->prepare = s_prepare;
                nr->done = s_done;
                nr->user = j;
                j->depth++;
                if (j->depth + 1 > run->max_depth)
                    run->max_depth = j->depth + 1;
                dw_http_submit(run->http, nr);
                keep = true;
            } else {
                s_write_json(run->o->out_dir, j->path, ".json", j->merged);
                if (j->then)
                    j->then(run, j, j->merged);
            }
        }
    }
    json_decref(ans);
    free(code);
    free(msg);
    if (!keep)
        s_job_free(j);
    s_progress(run, false);
}

/* ---- the call plan (docs/snapshot.md) ---- */

static char *s_path(const char *region, const char *svc, const char *cmd, const char *key)
{
    return key ? dw_xasprintf("%s/%s/%s/%s", region, svc, cmd, key) : dw_xasprintf("%s/%s/%s", region, svc, cmd);
}

static bool s_safe_key(const char *k)
{
    return k && *k && k[0] != '.' && !strchr(k, '/');
}

static void s_per(struct s_run *run, struct s_job *j, const char *svc, const char *cmd, const char *key,
                  json_t *params, s_then_fn then, const char *extra)
{
    if (!s_safe_key(key)) {
        json_decref(params);
        return;
    }
    char *p = s_path(strncmp(j->path, "global/", 7) == 0 ? "global" : j->region, svc, cmd, key);
    s_call(run, j->depth + 1, svc, cmd, j->region, p, params, then, extra);
    free(p);
}

static void s_then_dms_tags(struct s_run *run, struct s_job *j, json_t *ans)
{
    static const char *const lists[] = {"ReplicationInstances", "Endpoints", "ReplicationTasks"};
    static const char *const arns[] = {"ReplicationInstanceArn", "EndpointArn", "ReplicationTaskArn"};
    for (size_t l = 0; l < 3; l++) {
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(ans, lists[l]), i, x)
        {
            const char *arn = json_string_value(json_object_get(x, arns[l]));
            if (!arn)
                continue;
            const char *tail = strrchr(arn, ':') ? strrchr(arn, ':') + 1 : arn;
            s_per(run, j, "dms", "list-tags-for-resource", tail, json_pack("{s:s}", "ResourceArn", arn), NULL, NULL);
        }
    }
}

static void s_then_trails(struct s_run *run, struct s_job *j, json_t *ans)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(ans, "trailList"), i, t)
    {
        const char *name = json_string_value(json_object_get(t, "Name"));
        const char *home = json_string_value(json_object_get(t, "HomeRegion"));
        const char *arn = json_string_value(json_object_get(t, "TrailARN"));
        if (!name || !home || strcmp(home, j->region) != 0)
            continue;
        s_per(run, j, "cloudtrail", "get-trail-status", name, json_pack("{s:s}", "Name", arn ? arn : name), NULL, NULL);
        s_per(run, j, "cloudtrail", "get-event-selectors", name, json_pack("{s:s}", "TrailName", arn ? arn : name),
              NULL, NULL);
    }
}

static void s_then_table(struct s_run *run, struct s_job *j, json_t *ans)
{
    /* Usage metrics matter only for tables that look empty (DDB-11). */
    json_t *ic = json_object_get(json_object_get(ans, "Table"), "ItemCount");
    if (!json_is_integer(ic) || json_integer_value(ic) > 0 || !j->extra)
        return;
    const char *t = j->extra;
    char start[32], end[32];
    int64_t now = run->start_s;
    dw_time_format_iso8601(now - 30 * 86400, start, sizeof(start));
    dw_time_format_iso8601(now, end, sizeof(end));
    json_t *q = json_array();
    static const char *const metrics[2][2] = {{"read", "ConsumedReadCapacityUnits"}, {"write", "ConsumedWriteCapacityUnits"}};
    for (int k = 0; k < 2; k++)
        json_array_append_new(q, json_pack("{s:s, s:s, s:{s:{s:s, s:s, s:[{s:s, s:s}]}, s:i, s:s}}", "Id", metrics[k][0],
                                           "Label", metrics[k][1], "MetricStat", "Metric", "Namespace", "AWS/DynamoDB",
                                           "MetricName", metrics[k][1], "Dimensions", "Name", "TableName", "Value", t,
                                           "Period", 86400, "Stat", "Sum"));
    s_per(run, j, "cloudwatch", "get-metric-data", t,
          json_pack("{s:o, s:s, s:s}", "MetricDataQueries", q, "StartTime", start, "EndTime", end), NULL, NULL);
}

static void s_then_tables(struct s_run *run, struct s_job *j, json_t *ans)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(ans, "TableNames"), i, t)
    {
        const char *name = json_string_value(t);
        if (!name)
            continue;
        char *arn = dw_xasprintf("arn:%s:dynamodb:%s:%s:table/%s", run->partition, j->region, run->account, name);
        s_per(run, j, "dynamodb", "describe-table", name, json_pack("{s:s}", "TableName", name), s_then_table, name);
        s_per(run, j, "dynamodb", "describe-continuous-backups", name, json_pack("{s:s}", "TableName", name), NULL, NULL);
        s_per(run, j, "dynamodb", "list-tags-of-resource", name, json_pack("{s:s}", "ResourceArn", arn), NULL, NULL);
        free(arn);
    }
}

static void s_then_keys(struct s_run *run, struct s_job *j, json_t *ans)
{
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(ans, "Keys"), i, k)
    {
        const char *id = json_string_value(json_object_get(k, "KeyId"));
        if (!id)
            continue;
        s_per(run, j, "kms", "describe-key", id, json_pack("{s:s}", "KeyId", id), NULL, NULL);
        s_per(run, j, "kms", "get-key-rotation-status", id, json_pack("{s:s}", "KeyId", id), NULL, NULL);
        s_per(run, j, "kms", "get-key-policy", id, json_pack("{s:s, s:s}", "KeyId", id, "PolicyName", "default"), NULL,
              NULL);
    }
}

static void s_then_iam(struct s_run *run, struct s_job *j, json_t *ans)
{
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(ans, "UserDetailList"), i, u)
    {
        const char *name = json_string_value(json_object_get(u, "UserName"));
        if (!name)
            continue;
        s_per(run, j, "iam", "list-access-keys", name, json_pack("{s:s}", "UserName", name), NULL, NULL);
        s_per(run, j, "iam", "get-login-profile", name, json_pack("{s:s}", "UserName", name), NULL, NULL);
        s_per(run, j, "iam", "list-mfa-devices", name, json_pack("{s:s}", "UserName", name), NULL, NULL);
    }
}

static void s_region_plan(struct s_run *run, const char *r, int depth)
{
    static const struct {
        const char *svc, *cmd;
        s_then_fn then;
    } plan[] = {
        {"dms", "describe-replication-instances", s_then_dms_tags},
        {"dms", "describe-endpoints", s_then_dms_tags},
        {"dms", "describe-replication-tasks", s_then_dms_tags},
        {"ec2", "describe-vpcs", NULL},
        {"ec2", "describe-vpc-endpoints", NULL},
        {"ec2", "describe-route-tables", NULL},
        {"ec2", "describe-security-groups", NULL},
        {"cloudtrail", "describe-trails", s_then_trails},
        {"cloudwatch", "describe-alarms", NULL},
        {"dax", "describe-clusters", NULL},
        {"dynamodb", "list-tables", s_then_tables},
        {"dynamodb", "list-backups", NULL},
        {"kms", "list-keys", s_then_keys},
        {"kms", "list-aliases", NULL},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(plan); i++) {
        char *p = s_path(r, plan[i].svc, plan[i].cmd, NULL);
        json_t *params = strcmp(plan[i].cmd, "list-backups") == 0 ? json_pack("{s:s}", "BackupType", "ALL") : NULL;
        s_call(run, depth, plan[i].svc, plan[i].cmd, r, p, params, plan[i].then, NULL);
        free(p);
    }
}

/* Runs one call to completion (identity, regions) and reads back what it wrote. */
static enum dw_status s_sync_call(struct s_run *run, const char *svc, const char *cmd, const char *region,
                                  const char *path, json_t *params, json_t **ans, char **why, char **code)
{
    s_call(run, 0, svc, cmd, region, path, params, NULL, NULL);
    dw_http_run(run->http);
    char *okp = dw_xasprintf("%s/%s.json", run->o->out_dir, path);
    char *errp = dw_xasprintf("%s/%s.error.json", run->o->out_dir, path);
    enum dw_status rc = DW_OK;
    json_t *j = json_load_file(okp, 0, NULL);
    if (j) {
        *ans = j;
    } else {
        json_t *e = json_load_file(errp, 0, NULL);
        *why = dw_xasprintf("%s (%s)", json_string_value(json_object_get(e, "message")) ? json_string_value(json_object_get(e, "message")) : "",
                            json_string_value(json_object_get(e, "code")) ? json_string_value(json_object_get(e, "code")) : "no answer");
        if (code) {
            const char *c = json_string_value(json_object_get(e, "code"));
            const char *m = json_string_value(json_object_get(e, "message"));
            *code = dw_xstrdup(c ? c : "");
            if (c && strcmp(c, "RequestError") == 0 && m) { /* the transport's own sentence */
                free(*why);
                *why = dw_xstrdup(m);
            }
        }
        json_decref(e);
        rc = DW_E_API;
    }
    free(okp);
    free(errp);
    return rc;
}

enum dw_status dw_live_collect(const struct dw_live_opts *o, struct dw_live_stats *stats, struct dw_error *err)
{
    enum dw_status rc = DW_OK;
    int64_t t0 = s_now_ms();
    struct s_run run;
    memset(&run, 0, sizeof(run));
    memset(stats, 0, sizeof(*stats));
    run.o = o;
    run.stats = stats;
    run.start_s = (int64_t)time(NULL);
    run.copts.profile = o->profile;
    run.copts.profile_explicit = o->profile != NULL;
    run.copts.endpoint_url = o->endpoint_url;
    run.copts.timeout_ms = o->timeout_ms;
    char *home_region = dw_creds_default_region(o->profile);
    if (!home_region)
        home_region = dw_xstrdup(o->n_regions ? o->regions[0] : "us-east-1");
    run.copts.region = home_region;
    json_t *ident = NULL, *regions = NULL;
    char *why = NULL, *code = NULL;
    char *ca_bundle = dw_creds_default_ca_bundle(o->profile);
    run.copts.ca_bundle = ca_bundle;
    char **region_list = NULL;
    size_t n_regions = 0;
    rc = s_resolve(&run, &run.creds, err);
    if (rc)
        goto out;
    if (mkdir(o->out_dir, 0755) != 0 && errno != EEXIST) {
        rc = dw_error_set(err, DW_E_IO, o->out_dir, 0, 0, 0, "%s", strerror(errno));
        goto out;
    }
    run.models = dw_aws_models_load();
    if (!run.models) {
        rc = dw_error_set(err, DW_E_PARSE, "dbward", 0, 0, 0, "the built-in AWS models are corrupt (a build defect)");
        goto out;
    }
    struct dw_http_opts ho = {o->concurrency, o->timeout_ms, 5000, DW_MAX_RESPONSE_BYTES, o->max_attempts,
                              o->retry_base_ms, o->log, o->user, ca_bundle};
    run.http = dw_http_new(&ho);

    /* Identity first: it proves the credentials and names the account. */
    if (s_sync_call(&run, "sts", "get-caller-identity", home_region, "global/sts/get-caller-identity", NULL, &ident, &why,
                    &code)) {
        if (strcmp(code, "RequestError") == 0)
            rc = dw_error_set(err, DW_E_IO, "network", 0, 0, 0, "%s", why);
        else if (strcmp(code, "ExpiredToken") == 0 || strcmp(code, "ExpiredTokenException") == 0 ||
                 strcmp(code, "RequestExpired") == 0 || strcmp(code, "TokenRefreshRequired") == 0)
            rc = dw_error_set(err, DW_E_API, "credentials", 0, 0, 0, "the credentials from %s have expired: %s",
                              run.creds->source, why);
        else
            rc = dw_error_set(err, DW_E_API, "credentials", 0, 0, 0, "AWS refused the credentials from %s: %s",
                              run.creds->source, why);
        goto out;
    }
    const char *acct = json_string_value(json_object_get(ident, "Account"));
    const char *arn = json_string_value(json_object_get(ident, "Arn"));
    snprintf(run.account, sizeof(run.account), "%s", acct ? acct : "");
    snprintf(stats->account_id, sizeof(stats->account_id), "%s", run.account);
    const char *part = arn && strncmp(arn, "arn:", 4) == 0 ? arn + 4 : "aws:";
    snprintf(run.partition, sizeof(run.partition), "%.*s", (int)strcspn(part, ":"), part);
    if (o->n_regions) {
        region_list = dw_xcalloc(o->n_regions, sizeof(char *));
        for (size_t i = 0; i < o->n_regions; i++)
            region_list[n_regions++] = dw_xstrdup(o->regions[i]);
    } else {
        char *rp = dw_xasprintf("%s/ec2/describe-regions", home_region);
        if (s_sync_call(&run, "ec2", "describe-regions", home_region, rp, NULL, &regions, &why, NULL)) {
            free(rp);
            rc = dw_error_set(err, DW_E_API, "regions", 0, 0, 0,
                              "cannot list the account's regions (%s); name them with --region", why);
            goto out;
        }
        free(rp);
        size_t i;
        json_t *r;
        region_list = dw_xcalloc(json_array_size(json_object_get(regions, "Regions")) + 1, sizeof(char *));
        json_array_foreach(json_object_get(regions, "Regions"), i, r)
        {
            const char *name = json_string_value(json_object_get(r, "RegionName"));
            const char *oi = json_string_value(json_object_get(r, "OptInStatus"));
            if (name && s_safe_key(name) && (!oi || strcmp(oi, "not-opted-in") != 0))
                region_list[n_regions++] = dw_xstrdup(name);
        }
    }
    stats->regions = n_regions;
    /* Round trips already spent in sequence: identity, and the region list when asked. */
    int base_depth = o->n_regions ? 1 : 2;
    /* IAM once, from the first region's partition. */
    s_call(&run, base_depth, "iam", "get-account-authorization-details", n_regions ? region_list[0] : home_region,
           "global/iam/get-account-authorization-details", NULL, s_then_iam, NULL);
    for (size_t i = 0; i < n_regions; i++)
        s_region_plan(&run, region_list[i], base_depth);
    dw_http_run(run.http);
    s_progress(&run, true);

    json_t *man = json_object();
    char taken[32];
    dw_time_format_iso8601(run.start_s, taken, sizeof(taken));
    json_t *rl = json_array();
    for (size_t i = 0; i < n_regions; i++)
        json_array_append_new(rl, json_string(region_list[i]));
    json_object_set_new(man, "account_id", json_string(run.account));
    json_object_set_new(man, "partition", json_string(run.partition));
    json_object_set_new(man, "regions", rl);
    json_object_set_new(man, "taken_at", json_string(taken));
    json_object_set_new(man, "produced_by", json_pack("{s:s, s:s, s:s}", "tool", "dbward", "version", dw_version(),
                                                       "mode", "live"));
    s_write_json(o->out_dir, "manifest", ".json", man);
    json_decref(man);
    struct dw_http_stats hs;
    dw_http_stats(run.http, &hs);
    stats->calls = hs.requests;
    stats->attempts = hs.attempts;
    stats->retries = hs.retries;
    stats->failed = run.failed;
    stats->max_depth = run.max_depth;
    stats->refreshes = run.refreshes;
out:
    stats->wall_ms = s_now_ms() - t0;
    for (size_t i = 0; i < n_regions; i++)
        free(region_list[i]);
    free(region_list);
    json_decref(ident);
    json_decref(regions);
    free(why);
    free(code);
    free(ca_bundle);
    free(home_region);
    dw_http_free(run.http);
    dw_aws_models_free(run.models);
    dw_creds_free(run.creds);
    return rc;
}

/* Appends the ACTIVE account ids of a list-accounts answer to ids. */
static void s_take_accounts(json_t *ans, char ***ids, size_t *n)
{
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(ans, "Accounts"), i, a)
    {
        const char *id = json_string_value(json_object_get(a, "Id"));
        const char *st = json_string_value(json_object_get(a, "Status"));
        if (!id || strlen(id) != 12 || strspn(id, "0123456789") != 12 || (st && strcmp(st, "ACTIVE") != 0))
            continue;
        bool dup = false;
        for (size_t k = 0; k < *n && !dup; k++)
            dup = strcmp((*ids)[k], id) == 0;
        if (dup)
            continue;
        *ids = dw_xrealloc(*ids, (*n + 1) * sizeof(char *));
        (*ids)[(*n)++] = dw_xstrdup(id);
    }
}

enum dw_status dw_live_list_accounts(const struct dw_live_opts *o, const char *ou, char ***ids, size_t *n,
                                     struct dw_error *err)
{
    *ids = NULL;
    *n = 0;
    struct s_run run;
    memset(&run, 0, sizeof(run));
    struct dw_live_stats stats;
    memset(&stats, 0, sizeof(stats));
    struct dw_live_opts lo = *o;
    lo.role_arn = NULL;
    run.o = &lo;
    run.stats = &stats;
    run.copts.profile = o->profile;
    run.copts.profile_explicit = o->profile != NULL;
    run.copts.endpoint_url = o->endpoint_url;
    run.copts.timeout_ms = o->timeout_ms;
    char *home = dw_creds_default_region(o->profile);
    run.copts.region = home ? home : "us-east-1";
    char *ca_bundle = dw_creds_default_ca_bundle(o->profile);
    run.copts.ca_bundle = ca_bundle;
    json_t *ans = NULL;
    char *why = NULL;
    /* Breadth-first over the OU tree; parents holds the ids still to visit. */
    json_t *parents = json_array();
    enum dw_status rc = s_resolve(&run, &run.creds, err);
    if (rc)
        goto out;
    if (mkdir(o->out_dir, 0755) != 0 && errno != EEXIST) {
        rc = dw_error_set(err, DW_E_IO, o->out_dir, 0, 0, 0, "%s", strerror(errno));
        goto out;
    }
    run.models = dw_aws_models_load();
    struct dw_http_opts ho = {o->concurrency, o->timeout_ms, 5000, DW_MAX_RESPONSE_BYTES, o->max_attempts,
                              o->retry_base_ms, o->log, o->user, ca_bundle};
    run.http = dw_http_new(&ho);
    if (!ou) {
        if (s_sync_call(&run, "organizations", "list-accounts", "us-east-1", "org/list-accounts", NULL, &ans, &why, NULL)) {
            rc = dw_error_set(err, DW_E_API, "organizations", 0, 0, 0, "cannot list the organization's accounts: %s",
                              why);
            goto out;
        }
        s_take_accounts(ans, ids, n);
        goto out;
    }
    json_array_append_new(parents, json_string(ou));
    for (size_t visited = 0; json_array_size(parents) && visited < 10000; visited++) {
        char *parent = dw_xstrdup(json_string_value(json_array_get(parents, 0)));
        json_array_remove(parents, 0);
        char *path = dw_xasprintf("org/%s/list-accounts-for-parent", parent);
        json_decref(ans);
        ans = NULL;
        rc = s_sync_call(&run, "organizations", "list-accounts-for-parent", "us-east-1", path,
                         json_pack("{s:s}", "ParentId", parent), &ans, &why, NULL);
        free(path);
        if (!rc) {
            s_take_accounts(ans, ids, n);
            json_decref(ans);
            ans = NULL;
            path = dw_xasprintf("org/%s/list-organizational-units-for-parent", parent);
            rc = s_sync_call(&run, "organizations", "list-organizational-units-for-parent", "us-east-1", path,
                             json_pack("{s:s}", "ParentId", parent), &ans, &why, NULL);
            free(path);
        }
        if (rc) {
            rc = dw_error_set(err, DW_E_API, "organizations", 0, 0, 0, "cannot list %s: %s", parent, why);
            free(parent);
            goto out;
        }
        size_t i;
        json_t *u;
        json_array_foreach(json_object_get(ans, "OrganizationalUnits"), i, u)
        {
            const char *id = json_string_value(json_object_get(u, "Id"));
            if (id)
                json_array_append_new(parents, json_string(id));
        }
        free(parent);
    }
out:
    json_decref(parents);
    json_decref(ans);
    free(why);
    free(home);
    free(ca_bundle);
    dw_http_free(run.http);
    dw_aws_models_free(run.models);
    dw_creds_free(run.creds);
    if (rc) {
        for (size_t i = 0; i < *n; i++)
            free((*ids)[i]);
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}

void dw_live_global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    json_object_seed(0);
}
