/* csv.c: the CSV reader and base64 decoder behind dbward/csv.h. One pass,
 * byte by byte, no recursion; every field is copied out, so the table does
 * not borrow the input. It does not guess dialects: commas and double
 * quotes only, as the IAM credential report and Python's csv (strict) use. */
#include <stdlib.h>
#include <string.h>

#include <dbward/csv.h>

#include "util/util.h"

/* Where the reader is: byte offset, and the line and its first byte. */
struct s_pos {
    size_t off;
    int line;
    size_t line_start;
};

static int s_col(const struct s_pos *p, size_t off)
{
    return (int)(off - p->line_start) + 1;
}

/* Consumes a line break at p->off (LF, CRLF or a lone CR) and starts the next line. */
static void s_newline(const char *d, size_t len, struct s_pos *p)
{
    if (d[p->off] == '\r' && p->off + 1 < len && d[p->off + 1] == '\n')
        p->off++;
    p->off++;
    p->line++;
    p->line_start = p->off;
}

struct s_rec {
    char **f;
    size_t n, cap;
};

static void s_rec_push(struct s_rec *r, char *field)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->f = dw_xrealloc(r->f, r->cap * sizeof(char *));
    }
    r->f[r->n++] = field;
}

static void s_rec_free(struct s_rec *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->f[i]);
    free(r->f);
    memset(r, 0, sizeof(*r));
}

/* Reads one record starting at p->off (not at a line break) into r. */
static enum dw_status s_record(const char *d, size_t len, const char *src, struct s_pos *p, struct s_rec *r,
                               struct dw_error *err)
{
    for (;;) {
        struct dw_buf b;
        dw_buf_init(&b, DW_CSV_MAX_BYTES);
        dw_buf_append(&b, "", 0);
        if (p->off < len && d[p->off] == '"') {
            size_t open = p->off;
            int open_line = p->line, open_col = s_col(p, open);
            p->off++;
            for (;;) {
                if (p->off >= len) {
                    dw_buf_clean_up(&b);
                    return dw_error_set(err, DW_E_PARSE, src, open_line, open_col, open,
                                        "the quoted field opened here is never closed");
                }
                char c = d[p->off];
                if (c == '\0') {
                    dw_buf_clean_up(&b);
                    return dw_error_set(err, DW_E_PARSE, src, p->line, s_col(p, p->off), p->off,
                                        "a NUL byte is not text");
                }
                if (c == '"') {
                    if (p->off + 1 < len && d[p->off + 1] == '"') {
                        dw_buf_append(&b, "\"", 1);
                        p->off += 2;
                        continue;
                    }
                    p->off++;
                    break;
                }
                if (c == '\n' || c == '\r') {
                    size_t from = p->off;
                    s_newline(d, len, p);
                    dw_buf_append(&b, d + from, p->off - from);
                    continue;
                }
                dw_buf_append(&b, &c, 1);
                p->off++;
            }
            if (p->off < len && d[p->off] != ',' && d[p->off] != '\n' && d[p->off] != '\r') {
                dw_buf_clean_up(&b);
                return dw_error_set(err, DW_E_PARSE, src, p->line, s_col(p, p->off), p->off,
                                    "a comma or the end of the line must follow a closing quote, not '%c'",
                                    (unsigned char)d[p->off] >= 0x20 && (unsigned char)d[p->off] < 0x7f
                                        ? d[p->off]
                                        : '?');
            }
        } else {
            size_t from = p->off;
            while (p->off < len && d[p->off] != ',' && d[p->off] != '\n' && d[p->off] != '\r') {
                if (d[p->off] == '\0') {
                    dw_buf_clean_up(&b);
                    return dw_error_set(err, DW_E_PARSE, src, p->line, s_col(p, p->off), p->off,
                                        "a NUL byte is not text");
                }
                p->off++;
            }
            dw_buf_append(&b, d + from, p->off - from);
        }
        if (r->n >= DW_CSV_MAX_COLS) {
            dw_buf_clean_up(&b);
            return dw_error_set(err, DW_E_TOO_BIG, src, p->line, s_col(p, p->off), p->off,
                                "more than %d fields in one record", DW_CSV_MAX_COLS);
        }
        char *field = dw_buf_steal(&b);
        if (!field)
            return dw_error_set(err, DW_E_TOO_BIG, src, p->line, s_col(p, p->off), p->off,
                                "a field longer than %zu bytes", DW_CSV_MAX_BYTES);
        s_rec_push(r, field);
        if (p->off < len && d[p->off] == ',') {
            p->off++;
            continue;
        }
        if (p->off < len)
            s_newline(d, len, p);
        return DW_OK;
    }
}

void dw_csv_free(struct dw_csv *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_cols; i++)
        free(t->header[i]);
    free(t->header);
    for (size_t r = 0; r < t->n_rows; r++) {
        for (size_t i = 0; i < t->n_cols; i++)
            free(t->rows[r][i]);
        free(t->rows[r]);
    }
    free(t->rows);
    free(t->row_line);
    free(t);
}

enum dw_status dw_csv_parse(const char *data, size_t len, const char *source, struct dw_csv **out,
                            struct dw_error *err)
{
    *out = NULL;
    if (len > DW_CSV_MAX_BYTES)
        return dw_error_set(err, DW_E_TOO_BIG, source, 0, 0, 0, "more than %zu bytes of CSV", DW_CSV_MAX_BYTES);
    struct dw_csv *t = dw_xcalloc(1, sizeof(*t));
    struct s_pos p = {0, 1, 0};
    size_t cap = 0;
    bool have_header = false;
    enum dw_status rc = DW_OK;
    while (p.off < len) {
        if (data[p.off] == '\n' || data[p.off] == '\r') {
            s_newline(data, len, &p); /* an empty line: no record */
            continue;
        }
        struct s_rec r = {0};
        int line = p.line;
        size_t start = p.off;
        rc = s_record(data, len, source, &p, &r, err);
        if (rc) {
            s_rec_free(&r);
            goto out;
        }
        if (!have_header) {
            have_header = true;
            t->header = r.f;
            t->n_cols = r.n;
            continue;
        }
        if (r.n != t->n_cols) {
            rc = dw_error_set(err, DW_E_PARSE, source, line, 1, start,
                              "this record has %zu field%s but the header has %zu", r.n, r.n == 1 ? "" : "s",
                              t->n_cols);
            s_rec_free(&r);
            goto out;
        }
        if (t->n_rows == cap) {
            cap = cap ? cap * 2 : 16;
            t->rows = dw_xrealloc(t->rows, cap * sizeof(*t->rows));
            t->row_line = dw_xrealloc(t->row_line, cap * sizeof(*t->row_line));
        }
        t->rows[t->n_rows] = r.f;
        t->row_line[t->n_rows] = line;
        t->n_rows++;
    }
    if (!have_header)
        rc = dw_error_set(err, DW_E_PARSE, source, 1, 1, 0, "no header row: the text is empty");
out:
    if (rc)
        dw_csv_free(t);
    else
        *out = t;
    return rc;
}

long dw_csv_col(const struct dw_csv *t, const char *name)
{
    for (size_t i = 0; t && i < t->n_cols; i++)
        if (strcmp(t->header[i], name) == 0)
            return (long)i;
    return -1;
}

/* ---- base64 ---- */

static int s_b64(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

enum dw_status dw_base64_decode(const char *in, size_t len, const char *source, char **out, size_t *out_len,
                                struct dw_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (len % 4 != 0)
        return dw_error_set(err, DW_E_PARSE, source, 0, 0, len,
                            "base64 text must come in groups of 4 characters, not %zu", len);
    size_t pad = 0;
    if (len >= 1 && in[len - 1] == '=')
        pad++;
    if (len >= 2 && in[len - 2] == '=')
        pad++;
    char *o = dw_xmalloc(len / 4 * 3 + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i += 4) {
        unsigned v = 0;
        for (size_t k = 0; k < 4; k++) {
            size_t at = i + k;
            int x = s_b64((unsigned char)in[at]);
            if (x < 0 && !(in[at] == '=' && at >= len - pad)) {
                free(o);
                return dw_error_set(err, DW_E_PARSE, source, 0, 0, at,
                                    "byte %zu is not base64 (0x%02x)", at, (unsigned char)in[at]);
            }
            v = v << 6 | (unsigned)(x < 0 ? 0 : x);
        }
        o[n++] = (char)(v >> 16);
        o[n++] = (char)(v >> 8 & 0xff);
        o[n++] = (char)(v & 0xff);
    }
    n -= pad;
    o[n] = '\0';
    *out = o;
    *out_len = n;
    return DW_OK;
}
