/* dbward/jmespath.h: JMESPath (the query language of `aws --query`) over
 * jansson values: a lexer, a Pratt parser into an AST held in an arena, and
 * an evaluator with every function of the specification. A compiled
 * expression is immutable and can be evaluated any number of times.
 * Recursion depth and result size are bounded. No I/O. */
#ifndef DBWARD_JMESPATH_H
#define DBWARD_JMESPATH_H

#include <stddef.h>

#include <jansson.h>

#include <dbward/error.h>

/* Deepest nesting of the AST, and of evaluation. */
#define DW_JMES_MAX_DEPTH 256
/* Most values one evaluation may create (bounds output size and work). */
#define DW_JMES_MAX_VALUES ((size_t)4 << 20)

enum dw_jmes_err_kind {
    DW_JMES_OK,
    DW_JMES_SYNTAX,           /* "syntax" */
    DW_JMES_INVALID_TYPE,     /* "invalid-type" */
    DW_JMES_INVALID_ARITY,    /* "invalid-arity" */
    DW_JMES_INVALID_VALUE,    /* "invalid-value" */
    DW_JMES_UNKNOWN_FUNCTION, /* "unknown-function" */
    DW_JMES_LIMIT             /* "limit": depth or size exceeded */
};

struct dw_jmes_error {
    enum dw_jmes_err_kind kind;
    size_t offset;     /* byte offset in the expression where the problem is */
    char message[256];
};

/* The compliance suite's name of a kind ("syntax", "invalid-type", ...). */
const char *dw_jmes_err_kind_str(enum dw_jmes_err_kind k);

struct dw_jmes;

/* Compiles expr (len bytes, need not be NUL-terminated). On success *out is
 * new (dw_jmes_free). On failure returns DW_E_PARSE and fills err. Unknown
 * functions and wrong argument counts are caught here. */
enum dw_status dw_jmes_compile(const char *expr, size_t len, struct dw_jmes **out,
                               struct dw_jmes_error *err);
/* Evaluates against data (borrowed). Returns a new reference (JSON null
 * when nothing matched), or NULL with err filled on a runtime error. */
json_t *dw_jmes_eval(const struct dw_jmes *j, json_t *data, struct dw_jmes_error *err);
void dw_jmes_free(struct dw_jmes *j);
/* The expression text, borrowed. */
const char *dw_jmes_text(const struct dw_jmes *j);

/* JMESPath truthiness: false, null, "", [] and {} are false. */
int dw_jmes_is_truthy(const json_t *v);

#endif
