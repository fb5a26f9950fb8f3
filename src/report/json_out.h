/* json_out.h: a streaming JSON writer (internal to the report writers). It
 * writes to a FILE as it goes, holding only the nesting, in the layout
 * jansson's json_dumpf gives with JSON_INDENT(2) | JSON_PRESERVE_ORDER |
 * JSON_ENSURE_ASCII, byte for byte (tests/unit/test_report.c checks it
 * against jansson). So a report of any size is written without building
 * its tree. Output is gathered in the writer and handed to the FILE in
 * large pieces. Write errors are sticky: dw_jw_status says whether any
 * write failed. */
#ifndef DW_JSON_OUT_H
#define DW_JSON_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include <dbward/error.h>

#define DW_JW_MAX_DEPTH 32

struct dw_jw {
    FILE *out;
    int depth;                      /* open containers */
    bool any[DW_JW_MAX_DEPTH];      /* has the container at each depth a member yet */
    char close[DW_JW_MAX_DEPTH];    /* '}' or ']' for each open container */
    bool after_key;                 /* a key was written; its value comes next */
    bool failed;
    size_t n_pending;               /* bytes in pending, not yet given to out */
    char pending[8192];
};

void dw_jw_init(struct dw_jw *w, FILE *out);
void dw_jw_object(struct dw_jw *w); /* opens {, as a value */
void dw_jw_array(struct dw_jw *w);  /* opens [, as a value */
void dw_jw_end(struct dw_jw *w);    /* closes the innermost container */
/* Nesting deeper than DW_JW_MAX_DEPTH fails the writer (DW_E_IO). */
void dw_jw_key(struct dw_jw *w, const char *key);
/* Values. A NULL string is written as null. A string that is not valid
 * UTF-8 has each bad byte written as U+FFFD (jansson would refuse it). */
void dw_jw_string(struct dw_jw *w, const char *s);
void dw_jw_int(struct dw_jw *w, long long v);
void dw_jw_null(struct dw_jw *w);
/* Any jansson value, with its members in order. */
void dw_jw_value(struct dw_jw *w, const json_t *v);
/* Shorthands: key then value. */
void dw_jw_kstring(struct dw_jw *w, const char *key, const char *s);
void dw_jw_kint(struct dw_jw *w, const char *key, long long v);
/* Gives what is pending to out, then DW_OK, or DW_E_IO when a write
 * failed. Call it before writing to out past the writer, and at the end. */
enum dw_status dw_jw_status(struct dw_jw *w);

#endif
