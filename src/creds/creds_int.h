/* creds_int.h: the creds module's private parts. The INI reader follows
 * Python's configparser.RawConfigParser as botocore uses it (strict, '=' and
 * ':' delimiters, full-line '#'/';' comments, lower-cased keys, indented
 * continuation lines, a DEFAULT section inherited by every section) plus
 * botocore's nested blocks; the word splitter follows shlex.split (POSIX). */
#ifndef DW_CREDS_INT_H
#define DW_CREDS_INT_H

#include <stdbool.h>
#include <stddef.h>

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

/* The regions of botocore's endpoints.json (regions_gen.c). */
struct dwi_region {
    const char *name;
    const char *partition;
};
extern const struct dwi_region dwi_regions[];
extern const size_t dwi_regions_count;

#endif
