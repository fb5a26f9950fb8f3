/* collect.c: the live collector. A call is a job: build, sign, send, parse,
 * follow pages, then put the answer (or the error) into the snapshot it
 * builds in memory, write it to the snapshot folder when there is one, and
 * start the calls that depend on it: the per-resource calls of a list as
 * each of its pages arrives, the others after its last. All jobs share one
 * HTTP engine, so regions, services and resources proceed concurrently. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include <dbward/dbward.h>
#include <dbward/file.h>
#include <dbward/jmespath.h>
#include <dbward/live.h>
#include <dbward/plan.h>
#include <dbward/sigv4.h>
#include <dbward/snapshot.h>

#include "awsapi/awsapi_int.h"
#include "http/http.h"
#include "http/url.h"
#include "redact/redact.h"
#include "util/util.h"

struct s_run;
struct s_job;

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
    struct dw_snapshot *mem;  /* every answer, as the folder would hold it (owned until handed out) */
    int out_fd;               /* the snapshot folder (o->out_dir), opened once; -1 before or without one */
    bool write_failed;        /* an evidence file could not be written: the run fails */
    struct dw_error write_err; /* the first such failure: file and OS error */
    const struct dw_plan_call *rows; /* the plan */
    size_t n_rows;
    int *polls;               /* per plan row with `until`: calls made so far (dbward/plan.h) */
    bool *has_each;           /* per plan row: some row is made for each item of its answer */
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
    const struct dw_plan_call *row; /* the plan row; its children follow the answer (NULL: none) */
    bool redirected;  /* asked again in the region S3 named (s_bucket_region); once at most */
};

static int64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Records j, redacted, as the evidence file rel+suffix: in the snapshot in
 * memory (which takes a reference, so j must not change afterwards), and
 * under the snapshot folder when there is one: folders 0700 and the file
 * 0600, made without following any link inside the folder, the file
 * complete or absent (dbward/file.h). The first failure to write is kept
 * in run and fails the run; later writes are skipped. The manifest is put
 * by the caller (its checks can fail). */
static void s_write_json(struct s_run *run, const char *rel, const char *suffix, json_t *j)
{
    dw_redact_json(j); /* sensitive members and connection attribute secrets never reach the disk */
    char *file = dw_xasprintf("%s%s", rel, suffix);
    if (strcmp(file, "manifest.json") != 0)
        (void)dw_snapshot_put(run->mem, file, j, NULL); /* DW_OK: only a manifest is checked */
    if (run->write_failed || run->out_fd < 0) {
        free(file);
        return;
    }
    char *slash = strrchr(file, '/');
    const char *name = slash ? slash + 1 : file;
    char *dir = slash ? dw_xstrndup(file, (size_t)(slash - file)) : dw_xstrdup("");
    char *shown = dw_xasprintf("%s/%s", run->o->out_dir, file);
    struct dw_atomic_file *af = NULL;
    int dfd = -1;
    enum dw_status rc = dw_dir_open_beneath(run->out_fd, dir, true, run->o->out_dir, &dfd, &run->write_err);
    if (!rc)
        rc = dw_atomic_file_openat(dfd, name, shown, &af, &run->write_err);
    if (!rc) {
        FILE *out = dw_atomic_file_stream(af);
        if (json_dumpf(j, out, JSON_INDENT(4) | JSON_PRESERVE_ORDER) != 0 && !ferror(out)) {
            dw_atomic_file_abort(af);
            rc = dw_error_set(&run->write_err, DW_E_IO, shown, 0, 0, 0, "cannot encode the answer as JSON");
        } else {
            /* A stream error fails the commit, which then names it. */
            rc = dw_atomic_file_commit(af, &run->write_err);
        }
    }
    if (rc)
        run->write_failed = true;
    if (dfd >= 0)
        close(dfd);
    free(shown);
    free(dir);
    free(file);
}

static void s_job_free(struct s_job *j)
{
    free(j->service);
    free(j->command);
    free(j->region);
    free(j->path);
    json_decref(j->params);
    json_decref(j->merged);
    free(j);
}

static void s_record_error(struct s_run *run, struct s_job *j, const char *code, const char *msg)
{
    json_t *e = json_pack("{s:s, s:s}", "code", code, "message", msg ? msg : "");
    s_write_json(run, j->path, ".error.json", e);
    json_decref(e);
    run->failed++;
}

static int s_prepare(void *user, struct dw_http_req *r);
static void s_done(void *user, struct dw_http_req *r);
static void s_plan_each(struct s_run *run, struct s_job *j, json_t *page);
static void s_plan_once(struct s_run *run, struct s_job *j);
static void s_plan_call(struct s_run *run, int depth, const struct dw_plan_call *row, const char *region,
                        const char *item, int64_t delay_ms);

/* ---- answers that are ready later (dbward/plan.h: until, not_ready) ---- */

/* The calls made so far of a row that polls. */
static int *s_polls(struct s_run *run, const struct dw_plan_call *row)
{
    return &run->polls[row - run->rows];
}

static int64_t s_poll_wait_ms(const struct s_run *run)
{
    return (int64_t)DW_PLAN_POLL_WAIT * (run->o->retry_base_ms > 0 ? run->o->retry_base_ms : 1000);
}

/* Whether the row's `until` holds on the answer (true without one). */
static bool s_ready(const struct dw_plan_call *row, json_t *ans)
{
    if (!row || !row->until)
        return true;
    struct dw_jmes *q = NULL;
    json_t *v = NULL;
    if (dw_jmes_compile(row->until, strlen(row->until), &q, NULL) == DW_OK)
        v = dw_jmes_eval(q, ans, NULL);
    bool ok = json_is_true(v);
    json_decref(v);
    dw_jmes_free(q);
    return ok;
}

/* Whether code is one of the row's not_ready codes. */
static bool s_not_ready(const struct dw_plan_call *row, const char *code)
{
    if (!row || !row->not_ready || !code || !*code)
        return false;
    size_t n = strlen(code);
    for (const char *p = row->not_ready; *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && strncmp(p, code, n) == 0)
            return true;
        p += k + (p[k] == ',');
    }
    return false;
}

/* The rate-limit key: one limiter per service and region (src/http/rate.h). */
static void s_set_endpoint(struct dw_http_req *r, const struct s_job *j)
{
    char *key = dw_xasprintf("%s/%s", j->service, j->region);
    dw_http_req_set_endpoint(r, key);
    free(key);
}

/* Starts a call, delay_ms from now at the earliest; params is stolen. */
static void s_call(struct s_run *run, int depth, const char *service, const char *command,
                   const char *region, const char *path, json_t *params, const struct dw_plan_call *row,
                   int64_t delay_ms)
{
    struct s_job *j = dw_xcalloc(1, sizeof(*j));
    j->run = run;
    j->service = dw_xstrdup(service);
    j->command = dw_xstrdup(command);
    j->region = dw_xstrdup(region);
    j->path = dw_xstrdup(path);
    j->params = params ? params : json_object();
    j->depth = depth;
    j->row = row;
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
    s_set_endpoint(r, j);
    dw_aws_call_clean_up(&c);
    dw_http_submit_after(run->http, r, delay_ms);
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
                          &c, &err)) {
        snprintf(r->error, sizeof(r->error), "%s", err.message);
        return -1;
    }
    /* The body may have changed (next page): rebuild it. */
    free(r->body);
    r->body = dw_xstrndup(c.body, c.body_len);
    r->body_len = c.body_len;
    /* Sign the URL this request goes to, as libcurl sends it. */
    if (strcmp(r->url, c.url) != 0) {
        snprintf(r->error, sizeof(r->error), "the request URL changed between attempts");
        dw_aws_call_clean_up(&c);
        return -1;
    }
    /* Signed: host, and the content type and target when the protocol sends them (a REST GET has neither). */
    struct dw_sigv4_header h[3] = {{"host", c.host}};
    size_t nh = 1;
    if (c.content_type)
        h[nh++] = (struct dw_sigv4_header){"content-type", c.content_type};
    if (c.target)
        h[nh++] = (struct dw_sigv4_header){"x-amz-target", c.target};
    struct dw_sigv4_request req = {c.method, c.path, c.query, h, nh, c.body, c.body_len};
    struct dw_sigv4_params prm = {run->creds->access_key_id, run->creds->secret_key, run->creds->session_token,
                                  c.signing_region, c.signing_service, (int64_t)time(NULL), c.sign_payload, false};
    struct dw_sigv4_result sr;
    int rc = -1;
    if (dw_sigv4_sign(&req, &prm, &sr, &err) == DW_OK) {
        dw_http_req_set_header(r, "Host", c.host); /* the one signed, whatever libcurl would pick */
        if (c.content_type)
            dw_http_req_set_header(r, "Content-Type", c.content_type);
        if (c.sign_payload)
            dw_http_req_set_header(r, "X-Amz-Content-SHA256", sr.content_sha256);
        if (c.target)
            dw_http_req_set_header(r, "X-Amz-Target", c.target);
        dw_http_req_set_header(r, "X-Amz-Date", sr.x_amz_date);
        if (run->creds->session_token)
            dw_http_req_set_header(r, "X-Amz-Security-Token", dw_secret_str(run->creds->session_token));
        dw_http_req_set_header(r, "Authorization", sr.authorization);
        dw_sigv4_result_clean_up(&sr);
        rc = 0;
    }
    dw_aws_call_clean_up(&c);
    return rc;
}

static void s_merge_key(json_t *merged, json_t *page, const char *key)
{
    json_t *more = json_object_get(page, key);
    json_t *have = json_object_get(merged, key);
    if (json_is_array(more) && json_is_array(have))
        json_array_extend(have, more);
    else if (more && !have)
        json_object_set_new(merged, key, json_deep_copy(more));
}

/* Pages merge as botocore's build_full_result does, so the answer reads as
 * the CLI prints it: the result keys first, in the paginator's order, then
 * the first page's other members; later pages extend the result keys. */
static void s_merge_page(struct s_job *j, json_t *page, const struct dw_aws_paginator *pg)
{
    if (!pg) {
        json_decref(j->merged);
        j->merged = json_deep_copy(page);
        return;
    }
    json_t *keys = json_is_string(pg->result_keys) ? json_pack("[O]", pg->result_keys) : json_incref(pg->result_keys);
    bool first = !j->merged;
    if (first)
        j->merged = json_object();
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k)
    {
        if (json_is_string(k))
            s_merge_key(j->merged, page, json_string_value(k));
    }
    const char *name;
    json_t *v;
    json_object_foreach(page, name, v)
    {
        if (first && !json_object_get(j->merged, name))
            json_object_set_new(j->merged, name, json_deep_copy(v));
    }
    json_decref(keys);
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

/* An S3 bucket in another region than the call's: S3 answers 301
 * PermanentRedirect (or 400 AuthorizationHeaderMalformed, 400
 * IllegalLocationConstraintException) with the bucket's region in
 * x-amz-bucket-region, as botocore's S3RegionRedirector reads it. The
 * region, a new string, when the job should be asked again there. */
static char *s_bucket_region(const struct s_job *j, const struct dw_http_req *r, const char *code)
{
    if (j->redirected || strcmp(j->service, "s3api") != 0 || !code)
        return NULL;
    if (strcmp(code, "PermanentRedirect") != 0 && strcmp(code, "AuthorizationHeaderMalformed") != 0 &&
        strcmp(code, "IllegalLocationConstraintException") != 0 && strcmp(code, "TemporaryRedirect") != 0)
        return NULL;
    char *region = dw_http_req_resp_header(r, "x-amz-bucket-region");
    bool ok = region && *region && strlen(region) < 32 && strcmp(region, j->region) != 0;
    for (const char *p = region; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-';
    if (!ok) {
        free(region);
        return NULL;
    }
    return region;
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
        const struct dw_plan_call *parent = j->row && j->row->parent ? dw_plan_find(j->row->parent) : NULL;
        bool later = rc == DW_E_API && parent && parent->until && s_not_ready(j->row, code);
        char *moved = rc == DW_E_API ? s_bucket_region(j, r, code) : NULL;
        struct dw_aws_call c2;
        if (moved && dw_aws_call_build(run->models, j->service, j->command, j->params, moved,
                                       run->o->endpoint_url, &c2, NULL) == DW_OK) {
            /* The answer lands where the plan put it (the trail's home region);
             * only the request goes to the bucket's region. */
            free(j->region);
            j->region = moved;
            moved = NULL;
            j->redirected = true;
            struct dw_http_req *nr = dw_http_req_new(c2.method, c2.url, c2.body, c2.body_len);
            dw_aws_call_clean_up(&c2);
            nr->prepare = s_prepare;
            nr->done = s_done;
            nr->user = j;
            s_set_endpoint(nr, j);
            dw_http_submit(run->http, nr);
            keep = true;
        } else if (later && *s_polls(run, parent) < DW_PLAN_POLL_ATTEMPTS) {
            /* Not ready yet: the parent is made again and this call follows its answer. */
            s_plan_call(run, j->depth + 1, parent, j->region, NULL, s_poll_wait_ms(run));
        } else if (later) {
            char *m = dw_xasprintf("%s (still so after %d calls of %s %s, %lld ms apart)", msg ? msg : "",
                                   *s_polls(run, parent), parent->service, parent->command,
                                   (long long)s_poll_wait_ms(run));
            s_record_error(run, j, code, m);
            free(m);
        } else if (rc == DW_E_API) {
            s_record_error(run, j, code, msg);
        } else if (rc) {
            char *m = err.line ? dw_xasprintf("malformed answer at %d:%d: %s", err.line, err.column, err.message)
                               : dw_xasprintf("malformed answer: %s", err.message);
            s_record_error(run, j, "MalformedResponse", m);
            free(m);
        } else {
            struct dw_aws_paginator pg;
            bool paged = dw_aws_paginator_get(run->models, j->service, j->command, &pg);
            /* The per-resource calls of this page start now, while the next
             * page is asked for; a row that polls (until) waits for its
             * ready answer. They see the page as the file holds it
             * (redacted), and are not made once the run cannot save. */
            if (j->row && !j->row->until && run->has_each && run->has_each[j->row - run->rows] &&
                !run->write_failed) {
                json_t *page = json_deep_copy(ans);
                dw_redact_json(page);
                s_plan_each(run, j, page);
                json_decref(page);
            }
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
                s_set_endpoint(nr, j);
                j->depth++;
                if (j->depth + 1 > run->max_depth)
                    run->max_depth = j->depth + 1;
                dw_http_submit(run->http, nr);
                keep = true;
            } else if (!s_ready(j->row, j->merged) && *s_polls(run, j->row) < DW_PLAN_POLL_ATTEMPTS) {
                /* Not ready (a report still being generated): ask again later. */
                s_plan_call(run, j->depth + 1, j->row, j->region, NULL, s_poll_wait_ms(run));
            } else {
                s_write_json(run, j->path, ".json", j->merged);
                /* Calls that depend on an answer that could not be saved
                 * would only fail to save theirs too. */
                if (j->row && j->row->until && !run->write_failed)
                    s_plan_each(run, j, j->merged);
                if (j->row && !run->write_failed)
                    s_plan_once(run, j);
            }
        }
        free(moved); /* a region the request was not sent to (or NULL) */
    }
    json_decref(ans);
    free(code);
    free(msg);
    if (!keep)
        s_job_free(j);
    s_progress(run, false);
}

/* ---- walking the call plan (dbward/plan.h) ---- */

static bool s_safe_key(const char *k)
{
    return k && *k && k[0] != '.' && !strchr(k, '/');
}

/* Days of a row's window: the last value of its parameter, else the default. */
static long s_window_days(const struct s_run *run, const struct dw_plan_call *row)
{
    long days = row->window_default_days;
    for (size_t i = 0; i < run->o->n_params; i++) {
        const struct dw_param_value *p = &run->o->params[i];
        if (!p->name || !p->value || strcmp(p->name, row->window_param) != 0)
            continue;
        char *end = NULL;
        long v = strtol(p->value, &end, 10);
        if (end && end != p->value && *end == '\0' && v > 0 && v <= 100000)
            days = v;
    }
    return days;
}

/* text with the plan's placeholders replaced; a new string. */
static char *s_subst(const struct s_run *run, const struct dw_plan_call *row, const char *region, const char *item,
                     const char *text)
{
    struct dw_buf b;
    dw_buf_init(&b, (size_t)1 << 20);
    const char *tail = item && strrchr(item, ':') ? strrchr(item, ':') + 1 : item;
    const char *name = item && strrchr(item, '/') ? strrchr(item, '/') + 1 : item;
    char now[32] = "", start[32] = "";
    dw_time_format_iso8601(run->start_s, now, sizeof(now));
    if (row->window_param)
        dw_time_format_iso8601(run->start_s - (int64_t)s_window_days(run, row) * 86400, start, sizeof(start));
    static const char *const names[] = {"{item}", "{tail}", "{region}", "{partition}", "{account}", "{now}",
                                        "{window_start}", "{name}"};
    const char *values[] = {item, tail, region, run->partition, run->account, now, start, name};
    for (const char *p = text; *p;) {
        size_t k = 0;
        while (k < DW_ARRAY_LEN(names) && strncmp(p, names[k], strlen(names[k])) != 0)
            k++;
        if (k < DW_ARRAY_LEN(names)) {
            dw_buf_puts(&b, values[k] ? values[k] : "");
            p += strlen(names[k]);
        } else {
            dw_buf_append(&b, p, 1);
            p++;
        }
    }
    return dw_buf_steal(&b);
}

/* Replaces the placeholders in every string of v, in place. */
static void s_subst_json(const struct s_run *run, const struct dw_plan_call *row, const char *region,
                         const char *item, json_t *v)
{
    size_t i;
    const char *k;
    json_t *x;
    if (json_is_object(v)) {
        json_object_foreach(v, k, x)
        {
            if (json_is_string(x)) {
                char *t = s_subst(run, row, region, item, json_string_value(x));
                json_object_set_new(v, k, json_string(t));
                free(t);
            } else {
                s_subst_json(run, row, region, item, x);
            }
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x)
        {
            if (json_is_string(x)) {
                char *t = s_subst(run, row, region, item, json_string_value(x));
                json_array_set_new(v, i, json_string(t));
                free(t);
            } else {
                s_subst_json(run, row, region, item, x);
            }
        }
    }
}

/* Starts a row's call for one item (NULL at the root, or a child made once),
 * delay_ms from now at the earliest; region is the API's. */
static void s_plan_call(struct s_run *run, int depth, const struct dw_plan_call *row, const char *region,
                        const char *item, int64_t delay_ms)
{
    const char *raw = item;
    if (item && row->key_is_tail && strrchr(item, ':'))
        raw = strrchr(item, ':') + 1;
    if (item && row->key_is_name && strrchr(item, '/'))
        raw = strrchr(item, '/') + 1;
    char *key = item ? dw_snapshot_key_encode(raw) : NULL; /* the snapshot's file name for it */
    if (item && !s_safe_key(key)) {
        free(key);
        return;
    }
    const char *where = row->is_global ? "global" : region;
    char *path = item ? dw_xasprintf("%s/%s/%s/%s", where, row->service, row->command, key)
                      : dw_xasprintf("%s/%s/%s", where, row->service, row->command);
    free(key);
    json_t *params = row->params ? json_loads(row->params, 0, NULL) : json_object();
    if (!params)
        params = json_object(); /* NEVER: plan.c's templates are checked by the plan's test */
    s_subst_json(run, row, region, item, params);
    if (row->until)
        (*s_polls(run, row))++;
    s_call(run, depth, row->service, row->command, region, path, params, row, delay_ms);
    free(path);
}

/* Starts the calls made once after job j's answer (rows without `each`). */
static void s_plan_once(struct s_run *run, struct s_job *j)
{
    size_t n = 0;
    const struct dw_plan_call *rows = dw_plan_calls(&n);
    for (size_t r = 0; r < n; r++) {
        const struct dw_plan_call *c = &rows[r];
        if (c->parent && !c->each && dw_plan_find(c->parent) == j->row)
            s_plan_call(run, j->depth + 1, c, j->region, NULL, 0);
    }
}

/* Starts the per-resource calls of the items of ans, a page of job j's
 * answer (or all of it): every plan's `each` selects items element by
 * element of the paginated lists, so the pages' items are the whole
 * answer's, in its order. */
static void s_plan_each(struct s_run *run, struct s_job *j, json_t *ans)
{
    size_t n = 0;
    const struct dw_plan_call *rows = dw_plan_calls(&n);
    for (size_t r = 0; r < n; r++) {
        const struct dw_plan_call *c = &rows[r];
        if (!c->parent || !c->each || dw_plan_find(c->parent) != j->row)
            continue;
        char *expr = s_subst(run, c, j->region, NULL, c->each);
        struct dw_jmes *q = NULL;
        json_t *items = NULL;
        if (dw_jmes_compile(expr, strlen(expr), &q, NULL) == DW_OK)
            items = dw_jmes_eval(q, ans, NULL);
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            if (json_is_string(it))
                s_plan_call(run, j->depth + 1, c, j->region, json_string_value(it), 0);
        }
        json_decref(items);
        dw_jmes_free(q);
        free(expr);
    }
}

/* Runs one call to completion (identity, regions) and reads back what it
 * recorded; *ans is a new copy. */
static enum dw_status s_sync_call(struct s_run *run, const char *svc, const char *cmd, const char *region,
                                  const char *path, json_t *params, json_t **ans, char **why, char **code)
{
    s_call(run, 0, svc, cmd, region, path, params, NULL, 0);
    dw_http_run(run->http);
    if (run->write_failed) {
        /* The answer was not saved: the caller reports run->write_err. */
        *why = dw_xstrdup(run->write_err.message);
        return DW_E_IO;
    }
    char *okp = dw_xasprintf("%s.json", path);
    char *errp = dw_xasprintf("%s.error.json", path);
    enum dw_status rc = DW_OK;
    const json_t *j = dw_snapshot_file(run->mem, okp);
    if (j) {
        *ans = json_deep_copy(j);
    } else {
        const json_t *e = dw_snapshot_file(run->mem, errp);
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
        rc = DW_E_API;
    }
    free(okp);
    free(errp);
    return rc;
}

/* Creates the snapshot folder (0700) when it is missing and opens it once;
 * a folder the user named may be reached through a link, links inside it
 * are never followed (s_write_json). */
static enum dw_status s_open_out_dir(struct s_run *run, struct dw_error *err)
{
    const char *dir = run->o->out_dir;
    const char *slash = strrchr(dir, '/');
    if (run->o->out_dir_nofollow && slash && slash[1]) {
        /* The user's folder, then dbward's own folder in it without links. */
        char *parent = slash == dir ? dw_xstrdup("/") : dw_xstrndup(dir, (size_t)(slash - dir));
        int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        enum dw_status rc = DW_OK;
        if (pfd < 0)
            rc = dw_error_set(err, DW_E_IO, parent, 0, 0, 0, "cannot open the folder: %s", strerror(errno));
        else
            rc = dw_dir_open_beneath(pfd, slash + 1, true, parent, &run->out_fd, err);
        if (pfd >= 0)
            close(pfd);
        free(parent);
        if (rc && err)
            err->status = DW_E_IO;
        return rc ? DW_E_IO : DW_OK;
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return dw_error_set(err, DW_E_IO, dir, 0, 0, 0, "cannot create the folder: %s", strerror(errno));
    run->out_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (run->out_fd < 0)
        return dw_error_set(err, DW_E_IO, dir, 0, 0, 0, "cannot open the folder: %s", strerror(errno));
    return DW_OK;
}

/* The run's first evidence write failure, as the run's error. A manifest
 * file left by an earlier run in the same folder is removed: the folder now
 * mixes two runs and must not read as a snapshot. Anything else of that
 * name (a planted link) is left alone. */
static enum dw_status s_write_failure(const struct s_run *run, struct dw_error *err)
{
    struct stat st;
    if (run->out_fd >= 0 && fstatat(run->out_fd, "manifest.json", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISREG(st.st_mode))
        (void)unlinkat(run->out_fd, "manifest.json", 0);
    if (err) {
        *err = run->write_err;
        err->status = DW_E_IO;
    }
    return DW_E_IO;
}

enum dw_status dw_live_collect(const struct dw_live_opts *o, struct dw_snapshot **snap, struct dw_live_stats *stats,
                               struct dw_error *err)
{
    enum dw_status rc = DW_OK;
    int64_t t0 = s_now_ms();
    struct s_run run;
    memset(&run, 0, sizeof(run));
    run.out_fd = -1;
    run.mem = dw_snapshot_new();
    if (snap)
        *snap = NULL;
    memset(stats, 0, sizeof(*stats));
    run.o = o;
    run.stats = stats;
    run.start_s = (int64_t)time(NULL);
    run.rows = dw_plan_calls(&run.n_rows);
    run.polls = dw_xcalloc(run.n_rows + 1, sizeof(int));
    run.has_each = dw_xcalloc(run.n_rows + 1, sizeof(bool));
    for (size_t r = 0; r < run.n_rows; r++) {
        const struct dw_plan_call *p = run.rows[r].parent && run.rows[r].each ? dw_plan_find(run.rows[r].parent) : NULL;
        if (p)
            run.has_each[p - run.rows] = true;
    }
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
    if (o->endpoint_url) { /* refuse a bad endpoint once, before any secret is used */
        struct dw_http_url ep;
        rc = dw_http_url_parse(o->endpoint_url, "endpoint URL", &ep, err);
        dw_http_url_clean_up(&ep);
        if (rc)
            goto out;
    }
    rc = s_resolve(&run, &run.creds, err);
    if (rc)
        goto out;
    rc = o->out_dir ? s_open_out_dir(&run, err) : DW_OK;
    if (rc)
        goto out;
    run.models = dw_aws_models_load();
    if (!run.models) {
        rc = dw_error_set(err, DW_E_PARSE, "dbward", 0, 0, 0, "the built-in AWS models are corrupt (a build defect)");
        goto out;
    }
    struct dw_http_opts ho = {o->concurrency, o->timeout_ms, 5000, DW_MAX_RESPONSE_BYTES, o->max_attempts,
                              o->retry_base_ms, o->log, o->user, ca_bundle, o->max_rate, 0, 0};
    run.http = dw_http_new(&ho);

    /* Identity first: it proves the credentials and names the account. */
    if (s_sync_call(&run, "sts", "get-caller-identity", home_region, "global/sts/get-caller-identity", NULL, &ident, &why,
                    &code)) {
        if (run.write_failed) {
            rc = s_write_failure(&run, err);
            goto out;
        }
        if (strcmp(code, "RequestError") == 0)
            rc = dw_error_set(err, DW_E_NETWORK, "network", 0, 0, 0, "%s", why);
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
            if (run.write_failed) {
                rc = s_write_failure(&run, err);
                goto out;
            }
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
    /* The plan's roots: the global calls once, from the first region's
     * partition, then every region's calls; their children follow. */
    size_t n_rows = run.n_rows;
    const struct dw_plan_call *rows = run.rows;
    for (size_t r = 0; r < n_rows; r++)
        if (rows[r].scope == DW_PLAN_GLOBAL && !rows[r].parent)
            s_plan_call(&run, base_depth, &rows[r], n_regions ? region_list[0] : home_region, NULL, 0);
    for (size_t i = 0; i < n_regions; i++)
        for (size_t r = 0; r < n_rows; r++)
            if (rows[r].scope == DW_PLAN_REGION && !rows[r].parent)
                s_plan_call(&run, base_depth, &rows[r], region_list[i], NULL, 0);
    dw_http_run(run.http);
    s_progress(&run, true);
    /* Evidence that could not be saved fails the run; without a manifest
     * the partial folder cannot be mistaken for a snapshot. */
    if (run.write_failed) {
        rc = s_write_failure(&run, err);
        goto out;
    }

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
    s_write_json(&run, "manifest", ".json", man);
    if (run.write_failed) {
        json_decref(man);
        rc = s_write_failure(&run, err);
        goto out;
    }
    /* Last, as in a folder: its checks read the whole snapshot. */
    rc = dw_snapshot_put(run.mem, "manifest.json", man, err);
    json_decref(man);
    if (rc)
        goto out;
    struct dw_http_stats hs;
    dw_http_stats(run.http, &hs);
    stats->calls = hs.requests;
    stats->attempts = hs.attempts;
    stats->retries = hs.retries;
    stats->throttles = hs.throttles;
    stats->lowest_rate = hs.lowest_rate;
    snprintf(stats->lowest_endpoint, sizeof(stats->lowest_endpoint), "%s", hs.lowest_endpoint);
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
    free(run.polls);
    free(run.has_each);
    if (run.out_fd >= 0)
        close(run.out_fd);
    if (!rc && snap)
        *snap = run.mem;
    else
        dw_snapshot_free(run.mem);
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
    run.out_fd = -1;
    struct dw_live_stats stats;
    memset(&stats, 0, sizeof(stats));
    struct dw_live_opts lo = *o;
    lo.role_arn = NULL;
    run.o = &lo;
    run.mem = dw_snapshot_new();
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
    enum dw_status rc = DW_OK;
    if (o->endpoint_url) { /* refuse a bad endpoint once, before any secret is used */
        struct dw_http_url ep;
        rc = dw_http_url_parse(o->endpoint_url, "endpoint URL", &ep, err);
        dw_http_url_clean_up(&ep);
        if (rc)
            goto out;
    }
    rc = s_resolve(&run, &run.creds, err);
    if (rc)
        goto out;
    rc = o->out_dir ? s_open_out_dir(&run, err) : DW_OK;
    if (rc)
        goto out;
    run.models = dw_aws_models_load();
    struct dw_http_opts ho = {o->concurrency, o->timeout_ms, 5000, DW_MAX_RESPONSE_BYTES, o->max_attempts,
                              o->retry_base_ms, o->log, o->user, ca_bundle, o->max_rate, 0, 0};
    run.http = dw_http_new(&ho);
    if (!ou) {
        if (s_sync_call(&run, "organizations", "list-accounts", "us-east-1", "org/list-accounts", NULL, &ans, &why, NULL)) {
            if (run.write_failed) {
                rc = s_write_failure(&run, err);
                goto out;
            }
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
        if (rc && run.write_failed) {
            rc = s_write_failure(&run, err);
            free(parent);
            goto out;
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
    dw_snapshot_free(run.mem);
    if (run.out_fd >= 0)
        close(run.out_fd);
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
