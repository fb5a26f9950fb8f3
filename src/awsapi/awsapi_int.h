/* awsapi_int.h: AWS wire protocols for the calls dbward makes: build a
 * request (JSON 1.0/1.1, Query, EC2, REST-XML GETs), turn a response into the JSON the AWS
 * CLI would print (XML parsed with libxml2 and shaped by the models in
 * models_gen.c), extract error codes, and describe pagination. No network. */
#ifndef DW_AWSAPI_INT_H
#define DW_AWSAPI_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include <dbward/error.h>

extern const char dwi_models_json[];
extern const size_t dwi_models_json_len;

/* Deepest XML nesting accepted in a response. */
#define DW_XML_MAX_DEPTH 256

struct dw_aws_models; /* parsed model subset, shared read-only */

struct dw_aws_models *dw_aws_models_load(void);
void dw_aws_models_free(struct dw_aws_models *m);

/* One call ready to send. Strings are new; dw_aws_call_clean_up frees them.
 * url, host, path and query come from one libcurl parse (http/url.h): send
 * url with Host: host, and sign host, path and query. */
struct dw_aws_call {
    char *url;             /* as libcurl must be given it */
    char *host;            /* the Host header value */
    char *path;            /* the path as sent */
    char *query;           /* the query as sent, NULL when none */
    char *method;
    char *body;
    size_t body_len;
    char *content_type;
    char *target;          /* X-Amz-Target for JSON protocols, else NULL */
    char *signing_service;
    char *signing_region;
    bool sign_payload;     /* REST-XML (S3): sign and send x-amz-content-sha256 */
};

/* Builds the request for `aws <service> <command>` with params (borrowed,
 * may be NULL) in region. endpoint_url overrides the endpoint when set. */
enum dw_status dw_aws_call_build(const struct dw_aws_models *m, const char *service,
                                 const char *command, json_t *params, const char *region,
                                 const char *endpoint_url, struct dw_aws_call *out,
                                 struct dw_error *err);
void dw_aws_call_clean_up(struct dw_aws_call *c);
/* Points the call at url (parsed as in http/url.h; source names it in err). */
enum dw_status dw_aws_call_set_url(struct dw_aws_call *c, const char *url, const char *source,
                                   struct dw_error *err);

/* Parses a response. On a 2xx answer returns DW_OK and *out (new reference)
 * in the CLI's shape. On an AWS error returns DW_E_API with *code and
 * *message (new strings). On an unreadable body returns DW_E_PARSE with err. */
enum dw_status dw_aws_response_parse(const struct dw_aws_models *m, const char *service,
                                     const char *command, long status, const char *body,
                                     size_t len, json_t **out, char **code, char **message,
                                     struct dw_error *err);

/* Pagination of a command: borrowed strings, NULL when not paginated. */
struct dw_aws_paginator {
    const char *input_token;
    const char *output_token;
    const char *more_results; /* NULL when the token alone decides */
    json_t *result_keys;      /* array of strings, borrowed */
};
bool dw_aws_paginator_get(const struct dw_aws_models *m, const char *service, const char *command,
                          struct dw_aws_paginator *out);

/* Partition of a region: "aws", "aws-cn", "aws-us-gov". */
const char *dw_aws_partition_of(const char *region);

#endif
