/* dbward/csv.h: comma-separated text (RFC 4180, as Python's csv module reads
 * it in strict mode), the form of the IAM credential report: a header row
 * naming the columns, then records with as many fields each. Quoted fields
 * may hold commas, quotes (doubled) and line breaks; a record ends at LF,
 * CRLF or a lone CR; empty lines are skipped. A quote inside an unquoted
 * field is kept as it is. Also the base64 decoding the report travels in.
 * No I/O; errors name the line, column and byte offset. */
#ifndef DBWARD_CSV_H
#define DBWARD_CSV_H

#include <stddef.h>

#include <dbward/error.h>

/* Limits that keep a hostile input from costing more than its size. */
#define DW_CSV_MAX_BYTES ((size_t)64 * 1024 * 1024)
#define DW_CSV_MAX_COLS 1024

struct dw_csv {
    size_t n_cols;     /* fields of the header row */
    char **header;     /* n_cols NUL-terminated names */
    size_t n_rows;     /* records after the header */
    char ***rows;      /* rows[i][j], j < n_cols, NUL-terminated */
    int *row_line;     /* 1-based line where record i starts */
};

/* Parses len bytes of data (a NUL byte is an error). source names the input
 * in errors. On success *out is new (dw_csv_free) and owns copies of every
 * field; data stays the caller's. Fails with DW_E_PARSE (an unterminated
 * quote, a character after a closing quote, a record whose field count is
 * not the header's, a NUL, no header), DW_E_TOO_BIG past the limits. */
enum dw_status dw_csv_parse(const char *data, size_t len, const char *source, struct dw_csv **out,
                            struct dw_error *err);
void dw_csv_free(struct dw_csv *t);

/* Index of the header field named name (exact), or -1. */
long dw_csv_col(const struct dw_csv *t, const char *name);

/* Decodes standard base64 (RFC 4648, '=' padding, no line breaks). On
 * success *out is a new NUL-terminated buffer of *out_len bytes (free with
 * free()). DW_E_PARSE on a byte outside the alphabet, a bad length or bad
 * padding, with its offset in err. */
enum dw_status dw_base64_decode(const char *in, size_t len, const char *source, char **out, size_t *out_len,
                                struct dw_error *err);

#endif
