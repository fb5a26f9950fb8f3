/* http.h: a single-threaded HTTP client on libcurl's multi interface: many
 * requests in flight under a concurrency cap, kept-alive connections, TLS
 * verification, proxies from the environment, timeouts, and retries with
 * capped exponential backoff and full jitter (the AWS SDKs' standard mode).
 * Each endpoint (a key the caller gives, e.g. "dynamodb/us-east-1") has its
 * own queue and send-rate limiter (rate.h): throttling answers slow that
 * endpoint down and are retried outside max_attempts while the endpoint
 * keeps answering other calls, up to max_throttle_retries more per request. It knows nothing about AWS beyond
 * which errors are worth retrying and which mean "too fast". */
#ifndef DW_HTTP_H
#define DW_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dbward/error.h>

#include "util/util.h"

struct dw_http;
struct dw_http_req;

/* Called before every attempt: fill req's headers (e.g. sign). Return
 * non-zero to abandon the request (the done callback then sees the error). */
typedef int (*dw_http_prepare_fn)(void *user, struct dw_http_req *req);
/* Called once per request when it finished (after retries). */
typedef void (*dw_http_done_fn)(void *user, struct dw_http_req *req);
/* Debug sink; the text is already redacted (src/redact/redact.h). */
typedef void (*dw_http_log_fn)(void *user, const char *line);

struct dw_http_opts {
    int concurrency;         /* requests in flight at most */
    long timeout_ms;         /* whole transfer */
    long connect_timeout_ms;
    size_t max_body_bytes;   /* responses larger than this fail with DW_E_TOO_BIG */
    int max_attempts;        /* total tries per request, >= 1 */
    long retry_base_ms;      /* backoff base; the cap is 20 s */
    dw_http_log_fn log;      /* NULL: no debug log */
    void *log_user;
    const char *ca_bundle;   /* PEM file of trusted CAs (CURLOPT_CAINFO), NULL: the system's */
    double max_rate;         /* requests/s per endpoint at most, 0: no cap */
    int max_throttle_retries;/* throttled answers retried per request beyond max_attempts; 0: the default */
    int endpoint_in_flight;  /* requests in flight per endpoint at most; 0: the default */
};

/* Requests in flight to one endpoint (a service in a region) at most by
 * default: the whole budget (concurrency) is shared by many endpoints, and
 * none takes more than an SDK client's connection pool would (boto3: 10). */
#define DW_HTTP_ENDPOINT_IN_FLIGHT 16

/* Throttled answers a request may retry beyond max_attempts by default. */
#define DW_HTTP_THROTTLE_RETRIES 20

struct dw_http_req {
    /* Set by the caller before submit. */
    char *method;            /* owned */
    char *url;               /* owned */
    char *body;              /* owned, may be NULL */
    size_t body_len;
    dw_http_prepare_fn prepare;
    dw_http_done_fn done;
    void *user;
    /* Filled by prepare on each attempt: "Name: value" lines, owned. */
    char **headers;
    size_t n_headers;
    /* Results. */
    long status;             /* HTTP status, 0 if no response */
    struct dw_buf resp;      /* response body */
    struct dw_buf resp_headers; /* response header lines of the last attempt, as received (64 KiB cap) */
    enum dw_status st;       /* DW_OK, DW_E_IO (transport), DW_E_TOO_BIG */
    char error[256];         /* transport error text when st != DW_OK */
    int curl_code;           /* the CURLcode of the last attempt (0: none), to classify failures */
    int attempts;
    int throttled;           /* throttling answers retried outside max_attempts */
    uint64_t answered_mark;  /* internal: the endpoint's answers at this request's last throttle */
    char *endpoint;          /* owned: the rate-limit key, NULL: the URL's host */
    int64_t due_ms;          /* internal: when a retry may start */
    int64_t sent_ms;         /* internal: when the attempt started */
    void *ep;                /* internal: the endpoint's queue and limiter */
    void *easy;              /* internal */
    void *slist;             /* internal: curl header list of the attempt */
    struct dw_http_req *next;/* internal queue link */
};

struct dw_http *dw_http_new(const struct dw_http_opts *opts);
void dw_http_free(struct dw_http *h);
/* Creates a request owned by the engine (freed after its done callback). */
struct dw_http_req *dw_http_req_new(const char *method, const char *url, const char *body,
                                    size_t body_len);
void dw_http_req_set_header(struct dw_http_req *r, const char *name, const char *value);
void dw_http_req_clear_headers(struct dw_http_req *r);
/* The value of response header name (case-insensitive) of the last
 * attempt, trimmed, as a new string; NULL when the answer has none. */
char *dw_http_req_resp_header(const struct dw_http_req *r, const char *name);
/* The endpoint whose rate limit applies (copied); call before submit. */
void dw_http_req_set_endpoint(struct dw_http_req *r, const char *key);
void dw_http_submit(struct dw_http *h, struct dw_http_req *r);
/* As dw_http_submit, but the request starts delay_ms from now at the
 * earliest (a poll of an answer that is not ready yet). */
void dw_http_submit_after(struct dw_http *h, struct dw_http_req *r, int64_t delay_ms);
/* Runs until no request is queued, waiting or in flight. Callbacks may
 * submit more. */
void dw_http_run(struct dw_http *h);

struct dw_http_stats {
    uint64_t requests;  /* finished requests */
    uint64_t attempts;  /* HTTP attempts, retries included */
    uint64_t retries;   /* throttled retries included */
    uint64_t throttles; /* throttling answers */
    double lowest_rate; /* lowest send rate an endpoint was cut to (requests/s), 0: none was */
    char lowest_endpoint[64];
    int in_flight;
    int queued;
};
void dw_http_stats(const struct dw_http *h, struct dw_http_stats *out);

/* True when a finished attempt should be retried: transport errors, 5xx,
 * 429 and the AWS throttling codes in a 400 body. */
bool dw_http_should_retry(const struct dw_http_req *r);
/* True when the answer says "too fast": HTTP 429, or a 400 or 503 whose
 * error code is one of the throttling codes botocore lists. */
bool dw_http_is_throttle(const struct dw_http_req *r);

#endif
