/* dbward/error.h: status codes returned by every fallible dbward function,
 * and the error record that parsers of outside input fill in.
 * Libraries never print: they fill a struct dw_error and return a status;
 * the CLI decides how to show it. */
#ifndef DBWARD_ERROR_H
#define DBWARD_ERROR_H

#include <stddef.h>

/* X-macro list: name, message. The only place status codes are defined. */
#define DW_STATUS_LIST(X)                                   \
    X(DW_OK, "success")                                     \
    X(DW_E_IO, "input/output error")                        \
    X(DW_E_NOT_FOUND, "not found")                          \
    X(DW_E_PARSE, "malformed input")                        \
    X(DW_E_SCHEMA, "unexpected shape")                      \
    X(DW_E_TOO_BIG, "size limit exceeded")                  \
    X(DW_E_TOO_DEEP, "nesting limit exceeded")              \
    X(DW_E_USAGE, "invalid usage")                          \
    X(DW_E_API, "the recorded AWS call failed")             \
    X(DW_E_NETWORK, "cannot reach the service (network or TLS)")

enum dw_status {
#define DW_X_ENUM(name, msg) name,
    DW_STATUS_LIST(DW_X_ENUM)
#undef DW_X_ENUM
    DW_STATUS_COUNT
};

/* Returns a static, never-NULL description of a status. */
const char *dw_status_str(enum dw_status status);

/* Where and why outside input was rejected. Positions are 1-based; 0 means
 * "not known". offset is a byte offset from the start of the input. */
struct dw_error {
    enum dw_status status;
    char source[512];  /* file path or other origin of the input */
    int line;          /* 1-based line, 0 if unknown */
    int column;        /* 1-based column, 0 if unknown */
    size_t offset;     /* byte offset into the input */
    char message[256]; /* human-readable cause, without the position */
};

/* Fills err (if not NULL) and returns status, so callers can write
 * `return dw_error_set(err, DW_E_PARSE, path, line, col, off, "...")`. */
enum dw_status dw_error_set(struct dw_error *err, enum dw_status status, const char *source,
                            int line, int column, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

#endif
