/* creds_int.h: the creds module's private parts. The INI reader follows
 * Python's configparser.RawConfigParser as botocore uses it (strict, '=' and
 * ':' delimiters, full-line '#'/';' comments, lower-cased keys, indented
 * continuation lines, a DEFAULT section inherited by every section) plus
 * botocore's nested blocks; the word splitter follows shlex.split (POSIX). */
#ifndef DW_CREDS_INT_H
#define DW_CREDS_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

#include <curl/curl.h>
#include <jansson.h>

#include <dbward/creds.h>
#include <dbward/error.h>

struct dwi_kv {
    char *key;    /* lower-cased, as configparser's optionxform */
    char *value;  /* joined continuation lines; "" allowed */
    bool nested;  /* value began with a newline: botocore's nested block */
};

struct dwi_sect {
    char *name;   /* text between the first '[' and the last ']' */
    struct dwi_kv *kv;
    size_t n;
};

struct dwi_ini {
    struct dwi_sect *s; /* in file order; each already merged with DEFAULT */
    size_t n;
};

/* Parses text; *out is new (dwi_ini_free). Errors name source and line. */
enum dw_status dwi_ini_parse(const char *text, size_t len, const char *source, struct dwi_ini **out,
                             struct dw_error *err);
/* Reads and parses path; DW_E_NOT_FOUND (and *out NULL) when it is not a
 * regular file or cannot be opened, as botocore ignores it then. */
enum dw_status dwi_ini_load(const char *path, struct dwi_ini **out, struct dw_error *err);
void dwi_ini_free(struct dwi_ini *ini);
/* The section named name, or NULL. Borrowed from ini. */
const struct dwi_sect *dwi_ini_section(const struct dwi_ini *ini, const char *name);
/* The entry for key in s, or NULL. Borrowed. */
const struct dwi_kv *dwi_sect_get(const struct dwi_sect *s, const char *key);

/* shlex.split in POSIX mode without comments. On success *argv is a new
 * NULL-terminated array of new strings (dwi_argv_free); false on an
 * unclosed quote or a trailing backslash. */
bool dwi_shlex_split(const char *s, char ***argv, size_t *argc);
void dwi_argv_free(char **argv);

/* os.path.expandvars then os.path.expanduser, as botocore treats file
 * names from the environment. New string. */
char *dwi_expand_path(const char *path);

/* Section utilities: set (copy) one entry, or clear all. */
void dwi_sect_set(struct dwi_sect *d, const struct dwi_kv *kv);
void dwi_sect_clear(struct dwi_sect *d);

/* A profile map: names to settings (struct dwi_sect reused as the pair). */
struct dwi_map {
    struct dwi_sect *p;
    size_t n;
};
/* The entry named name, or NULL (borrowed). */
struct dwi_sect *dwi_map_find(const struct dwi_map *m, const char *name);
/* Sets name to a copy of src's settings (replace: instead of updating). */
void dwi_map_put(struct dwi_map *m, const char *name, const struct dwi_sect *src, bool replace);
void dwi_map_clean_up(struct dwi_map *m);

/* Largest answer or process output accepted from a credential source. */
#define DW_CREDS_MAX_BODY ((size_t)1 << 20)

/* ---- fetch.c: shared by the network providers ---- */

/* New credentials (method: botocore's provider name). */
struct dw_creds *dwi_creds_make(const char *ak, const char *sk, const char *token, const char *method,
                                const char *source);
/* Wipes and frees a string that may hold a secret; NULL is fine. */
void dwi_free_secret(char *s);
int64_t dwi_now(void);
/* One request with o's CA bundle; *out (new) is the body and *status the
 * HTTP status. A transport failure is classified in err. */
enum dw_status dwi_fetch(const struct dw_creds_opts *o, const char *method, const char *url,
                         struct curl_slist *headers, const char *body, long timeout_ms, long *status, char **out,
                         struct dw_error *err);
/* The host of url (new string, "?" when unparsable). */
char *dwi_url_host(const char *url);
/* Credentials from JSON object j's members (names given; NULL: absent). */
enum dw_status dwi_creds_from_json(json_t *j, const char *source, const char *ak_name, const char *sk_name,
                                   const char *tok_name, bool tok_required, const char *exp_name, bool exp_required,
                                   const char *method, struct dw_creds **out, struct dw_error *err);
/* Wipes the secret-looking string members of j (before json_decref). */
void dwi_json_wipe(json_t *j);
enum dw_status dwi_load_json(const char *text, size_t len, const char *source, json_t **j, struct dw_error *err);
/* Frees *c and fails when it has already expired. */
enum dw_status dwi_check_expiry(struct dw_creds **c, const char *what, struct dw_error *err);
/* The DNS suffix of region's partition ("amazonaws.com", ...). */
const char *dwi_dns_suffix(const char *region);

/* ---- the providers outside creds.c; *out stays NULL when they find nothing ---- */

/* sso.c: profile's settings p (merged), the config's [sso-session] map. */
enum dw_status dwi_sso_provider(const struct dw_creds_opts *o, const char *profile, const struct dwi_sect *p,
                                const struct dwi_map *sessions, struct dw_creds **out, struct dw_error *err);
/* metadata.c */
enum dw_status dwi_container_provider(const struct dw_creds_opts *o, struct dw_creds **out, struct dw_error *err);
enum dw_status dwi_imds_provider(const struct dw_creds_opts *o, struct dw_creds **out, struct dw_error *err);
enum dw_status dwi_ec2_file_provider(struct dw_creds **out, struct dw_error *err);
enum dw_status dwi_boto_provider(struct dw_creds **out, struct dw_error *err);

/* The regions of botocore's endpoints.json (regions_gen.c). */
struct dwi_region {
    const char *name;
    const char *partition;
};
extern const struct dwi_region dwi_regions[];
extern const size_t dwi_regions_count;

#endif
