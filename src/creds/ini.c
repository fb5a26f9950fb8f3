/* ini.c: the AWS shared config and credentials files. Sections are
 * "[name]" (credentials) or "[profile name]"/"[default]" (config); lines are
 * "key = value"; '#' and ';' start comments; indented lines continue a
 * nested block (ignored, as the CLI does for s3 settings). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/creds.h>
#include <dbward/snapshot.h>

#include "util/util.h"

#define DW_INI_MAX_BYTES ((size_t)4 << 20)

static char *s_trim(char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Walks text; for each key/value in the wanted section calls back. Returns
 * DW_E_PARSE with the line on a malformed line. */
static enum dw_status s_walk(const char *text, size_t len, const char *source, const char *want_section,
                             const char *want_key, char **value, struct dw_error *err)
{
    char *copy = dw_xstrndup(text, len);
    enum dw_status rc = DW_OK;
    char *section = NULL;
    int lineno = 0;
    char *save = copy;
    bool in_nested = false;
    while (save) {
        char *line = save;
        char *nl = strchr(save, '\n');
        if (nl) {
            *nl = '\0';
            save = nl + 1;
        } else {
            save = NULL;
        }
        lineno++;
        bool indented = line[0] == ' ' || line[0] == '\t';
        char *t = s_trim(line);
        if (!*t || *t == '#' || *t == ';')
            continue;
        if (*t == '[') {
            char *end = strchr(t, ']');
            if (!end) {
                rc = dw_error_set(err, DW_E_PARSE, source, lineno, (int)(t - line) + 1, 0,
                                  "section header without ']'");
                break;
            }
            *end = '\0';
            free(section);
            section = dw_xstrdup(s_trim(t + 1));
            in_nested = false;
            continue;
        }
        if (indented && in_nested)
            continue;
        char *eq = strchr(t, '=');
        if (!eq) {
            rc = dw_error_set(err, DW_E_PARSE, source, lineno, 1, 0, "expected \"key = value\"");
            break;
        }
        if (!section) {
            rc = dw_error_set(err, DW_E_PARSE, source, lineno, 1, 0, "a setting before any [section]");
            break;
        }
        *eq = '\0';
        char *k = s_trim(t);
        char *v = s_trim(eq + 1);
        in_nested = !indented && *v == '\0'; /* "s3 =" opens a nested block */
        if (want_section && want_key && strcmp(section, want_section) == 0 && strcmp(k, want_key) == 0) {
            free(*value);
            *value = dw_xstrdup(v);
        }
    }
    free(section);
    dw_secure_zero_buf(copy, len);
    free(copy);
    return rc;
}

enum dw_status dw_ini_check(const char *text, size_t len, const char *source, struct dw_error *err)
{
    char *v = NULL;
    enum dw_status rc = s_walk(text, len, source, NULL, NULL, &v, err);
    free(v);
    return rc;
}

enum dw_status dw_ini_get(const char *path, bool is_config, const char *profile, const char *key,
                          char **value, struct dw_error *err)
{
    *value = NULL;
    struct dw_buf b;
    dw_buf_init(&b, DW_INI_MAX_BYTES);
    enum dw_status rd = dw_buf_read_file(&b, path);
    if (rd == DW_E_NOT_FOUND)
        return DW_E_NOT_FOUND;
    if (rd)
        return dw_error_set(err, DW_E_TOO_BIG, path, 0, 0, 0, "file larger than %zu bytes", DW_INI_MAX_BYTES);
    char *section = is_config && strcmp(profile, "default") != 0 ? dw_xasprintf("profile %s", profile)
                                                                  : dw_xstrdup(profile);
    enum dw_status rc = s_walk(b.data ? b.data : "", b.len, path, section, key, value, err);
    free(section);
    dw_secure_zero_buf(b.data, b.len);
    dw_buf_clean_up(&b);
    return rc;
}
