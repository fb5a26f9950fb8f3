/* dbward/sigv4.h: AWS Signature Version 4 for the Authorization header, on
 * OpenSSL's SHA-256 and HMAC. The signing time is a parameter, never read
 * from a clock here. Each step is exposed so the AWS test vectors can be
 * checked piece by piece. No I/O. */
#ifndef DBWARD_SIGV4_H
#define DBWARD_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dbward/error.h>
#include <dbward/secret.h>

struct dw_sigv4_header {
    const char *name;  /* as sent; compared case-insensitively */
    const char *value; /* raw value; whitespace is normalised when signing */
};

/* The request as it will be sent. All borrowed for the call. */
struct dw_sigv4_request {
    const char *method;
    const char *path;  /* path as sent, before signing's own URI-encoding; "/" if empty */
    const char *query; /* raw query without '?', or NULL */
    const struct dw_sigv4_header *headers;
    size_t n_headers;
    const void *body;
    size_t body_len;
};

struct dw_sigv4_params {
    const char *access_key;
    const struct dw_secret *secret_key;
    const struct dw_secret *session_token; /* NULL for long-term keys */
    const char *region;
    const char *service;
    int64_t epoch_s;         /* signing time, seconds since the epoch */
    bool sign_body;          /* add and sign x-amz-content-sha256 */
    bool omit_session_token; /* token sent but not signed (rare services) */
};

/* Everything signing produced. Strings are new; dw_sigv4_result_clean_up
 * frees them. The headers the caller must add to the real request are
 * x_amz_date, and X-Amz-Security-Token (the token) when one was given. */
struct dw_sigv4_result {
    char *canonical_request;
    char *string_to_sign;
    char *signature;     /* lowercase hex */
    char *authorization; /* full Authorization header value */
    char *x_amz_date;    /* YYYYMMDDTHHMMSSZ */
    char *content_sha256; /* hex SHA-256 of the body (also the x-amz-content-sha256 value) */
};

/* Signs req. Returns DW_OK, or DW_E_USAGE with err filled for a request that
 * cannot be signed (no method, no region). */
enum dw_status dw_sigv4_sign(const struct dw_sigv4_request *req,
                             const struct dw_sigv4_params *params, struct dw_sigv4_result *out,
                             struct dw_error *err);
void dw_sigv4_result_clean_up(struct dw_sigv4_result *r);

/* Formats epoch seconds as YYYYMMDDTHHMMSSZ into out (>= 17 bytes). */
void dw_sigv4_amz_date(int64_t epoch_s, char *out, size_t out_len);
/* Parses YYYYMMDDTHHMMSSZ; false if malformed. */
bool dw_sigv4_parse_amz_date(const char *s, int64_t *out_epoch_s);
/* Lowercase hex SHA-256 of data into out (65 bytes). */
void dw_sha256_hex(const void *data, size_t len, char out[65]);
/* RFC 3986 encoding as SigV4 wants it: unreserved stay, the rest %XX
 * (uppercase); '/' kept when keep_slash. Returns a new string. */
char *dw_uri_encode(const char *s, size_t len, bool keep_slash);

#endif
