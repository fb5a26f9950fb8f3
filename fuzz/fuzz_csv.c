/* fuzz_csv.c: the CSV reader of the IAM credential report, and the base64
 * it travels in. Properties: a rejected input has a reason and a position;
 * an accepted table written back out (fields quoted when they hold a comma,
 * a quote or a line break) reads back field for field. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dbward/csv.h>

#include "util/util.h"

static void s_field(struct dw_buf *b, const char *f)
{
    if (!strpbrk(f, ",\"\r\n") && *f) {
        dw_buf_puts(b, f);
        return;
    }
    dw_buf_puts(b, "\"");
    for (const char *p = f; *p; p++) {
        if (*p == '"')
            dw_buf_puts(b, "\"\"");
        else
            dw_buf_append(b, p, 1);
    }
    dw_buf_puts(b, "\"");
}

static void s_row(struct dw_buf *b, char **fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            dw_buf_puts(b, ",");
        s_field(b, fields[i]);
    }
    dw_buf_puts(b, "\r\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dw_error err;
    struct dw_csv *t = NULL;
    memset(&err, 0, sizeof(err));
    if (dw_csv_parse((const char *)data, size, "fuzz.csv", &t, &err) != DW_OK) {
        if (!err.message[0] || err.line < 1 || err.column < 1 || err.offset > size)
            abort();
    } else {
        struct dw_buf b;
        dw_buf_init(&b, (size_t)1 << 30);
        s_row(&b, t->header, t->n_cols);
        for (size_t r = 0; r < t->n_rows; r++)
            s_row(&b, t->rows[r], t->n_cols);
        struct dw_csv *u = NULL;
        if (dw_csv_parse(b.data, b.len, "again.csv", &u, &err) != DW_OK || u->n_cols != t->n_cols ||
            u->n_rows != t->n_rows)
            abort();
        for (size_t i = 0; i < t->n_cols; i++)
            if (strcmp(t->header[i], u->header[i]) != 0)
                abort();
        for (size_t r = 0; r < t->n_rows; r++)
            for (size_t i = 0; i < t->n_cols; i++)
                if (strcmp(t->rows[r][i], u->rows[r][i]) != 0)
                    abort();
        dw_csv_free(u);
        dw_buf_clean_up(&b);
    }
    dw_csv_free(t);
    char *dec = NULL;
    size_t n = 0;
    if (dw_base64_decode((const char *)data, size, "fuzz.b64", &dec, &n, &err) == DW_OK && n > size)
        abort();
    free(dec);
    return 0;
}
