/* json_load.c: the one capped JSON loader. Files the user names (reports)
 * and buffers (stdin, snapshot files already read) are parsed with
 * dbward's limits: a size cap, duplicate keys refused, errors with the
 * source, line and column. Nothing here prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <dbward/json.h>

#include "util/util.h"

enum dw_status dw_json_load_buffer(const char *data, size_t len, const char *source, json_t **out,
                                   struct dw_error *err)
{
    json_error_t jerr;
    *out = NULL;
    if (len > DW_JSON_MAX_FILE_BYTES)
        return dw_error_set(err, DW_E_TOO_BIG, source, 0, 0, 0, "file is larger than %zu bytes",
                            DW_JSON_MAX_FILE_BYTES);
    json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!j) {
        int line = jerr.line > 0 ? jerr.line : 0;
        int col = jerr.column > 0 ? jerr.column : 0;
        return dw_error_set(err, DW_E_PARSE, source, line, col, (size_t)(jerr.position > 0 ? jerr.position : 0),
                            "%s", jerr.text);
    }
    *out = j;
    return DW_OK;
}

enum dw_status dw_json_load_file(const char *path, json_t **out, struct dw_error *err)
{
    enum dw_status rc = DW_OK;
    char *data = NULL;
    FILE *f = NULL;
    struct stat st;
    *out = NULL;
    if (stat(path, &st) != 0) {
        rc = dw_error_set(err, errno == ENOENT ? DW_E_NOT_FOUND : DW_E_IO, path, 0, 0, 0, "%s",
                          strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = dw_error_set(err, DW_E_IO, path, 0, 0, 0, "not a regular file");
        goto out;
    }
    if ((size_t)st.st_size > DW_JSON_MAX_FILE_BYTES) {
        rc = dw_error_set(err, DW_E_TOO_BIG, path, 0, 0, 0, "file is larger than %zu bytes",
                          DW_JSON_MAX_FILE_BYTES);
        goto out;
    }
    f = fopen(path, "rb");
    if (!f) {
        rc = dw_error_set(err, DW_E_IO, path, 0, 0, 0, "%s", strerror(errno));
        goto out;
    }
    size_t n = (size_t)st.st_size;
    data = dw_xmalloc(n + 1);
    if (fread(data, 1, n, f) != n) {
        rc = dw_error_set(err, DW_E_IO, path, 0, 0, 0, "short read");
        goto out;
    }
    rc = dw_json_load_buffer(data, n, path, out, err);
out:
    if (f)
        fclose(f);
    free(data);
    return rc;
}
