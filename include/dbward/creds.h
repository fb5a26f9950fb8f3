/* dbward/creds.h: AWS credentials and the standard provider chain, in
 * botocore's order and with its rules (docs/live.md): environment, assumed
 * role (role_arn + source_profile or credential_source), web identity, IAM
 * Identity Center (SSO), shared credentials file, credential_process, config
 * file, AWS_CREDENTIAL_FILE and boto files, container endpoint, EC2 instance
 * metadata (IMDSv2). Secrets are held in dw_secret and never formatted into
 * messages. */
#ifndef DBWARD_CREDS_H
#define DBWARD_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dbward/error.h>
#include <dbward/secret.h>

struct dw_creds {
    char *access_key_id;          /* not secret, but never logged whole */
    struct dw_secret *secret_key;
    struct dw_secret *session_token; /* NULL for long-term keys */
    int64_t expiry_epoch_s;       /* 0 when they do not expire */
    char source[64];              /* "environment", "profile dev", "assume-role", ... */
    char method[32];              /* botocore's provider name: "env", "assume-role", "sso", ... */
};

struct dw_creds_opts {
    const char *profile;       /* --profile, or NULL (AWS_PROFILE, then "default") */
    bool profile_explicit;     /* given on the command line: skips the environment */
    const char *endpoint_url;  /* STS calls go here when set (emulators, tests) */
    const char *region;        /* region for STS; NULL: profile's, then us-east-1 */
    long timeout_ms;
    const char *ca_bundle;     /* PEM file of trusted CAs for TLS, or NULL (AWS_CA_BUNDLE) */
};

/* Resolves credentials. On success *out is new (dw_creds_free). On failure
 * returns a status and a one-line reason in err (no secret in it). */
enum dw_status dw_creds_resolve(const struct dw_creds_opts *opts, struct dw_creds **out,
                                struct dw_error *err);
void dw_creds_free(struct dw_creds *c);

/* STS AssumeRole of role_arn (with external_id when not NULL), signed with
 * base. On success *out is new; on failure err says why, without secrets. */
enum dw_status dw_creds_assume_role(const struct dw_creds_opts *opts, const struct dw_creds *base,
                                    const char *role_arn, const char *external_id, struct dw_creds **out,
                                    struct dw_error *err);

/* The region the profile or environment names (AWS_REGION, AWS_DEFAULT_REGION,
 * profile `region`), new string or NULL. */
char *dw_creds_default_region(const char *profile);

/* The CA bundle a profile names: AWS_CA_BUNDLE, then the profile's
 * ca_bundle (expanded as a path); new string or NULL. */
char *dw_creds_default_ca_bundle(const char *profile);

/* The CA bundle the credential calls use: opts->ca_bundle, else
 * AWS_CA_BUNDLE, else NULL (the system store). Borrowed. */
const char *dw_creds_ca_bundle(const struct dw_creds_opts *opts);

/* One line for a failed transfer to url: "cannot connect to HOST: why",
 * "TLS failure with HOST: why" or a CA bundle problem; curl_code is a
 * CURLcode and detail libcurl's error buffer (may be empty). Returns DW_E_IO. */
enum dw_status dw_creds_transport_error(int curl_code, const char *detail, const char *url, const char *ca_bundle,
                                        struct dw_error *err);

/* True when region is a region of an AWS partition (botocore's
 * endpoints.json); *partition (borrowed, static) names it when not NULL. */
bool dw_region_known(const char *region, const char **partition);

/* INI reading for the shared files, exposed for tests and fuzzing. Looks up
 * key in section of path; *value is new or NULL. is_config selects the
 * "[profile NAME]" spelling. Returns DW_OK, DW_E_NOT_FOUND (no file) or
 * DW_E_PARSE with file and line in err. */
enum dw_status dw_ini_get(const char *path, bool is_config, const char *profile, const char *key,
                          char **value, struct dw_error *err);
/* Parses INI text fully; for the fuzzer and tests. */
enum dw_status dw_ini_check(const char *text, size_t len, const char *source, struct dw_error *err);

/* Parses credential_process output (JSON Version 1). */
enum dw_status dw_creds_parse_process_output(const char *text, size_t len, struct dw_creds **out,
                                             struct dw_error *err);

#endif
