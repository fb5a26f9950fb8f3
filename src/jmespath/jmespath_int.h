/* jmespath_int.h: tokens, AST and the pieces shared by the lexer/parser,
 * the evaluator and the function table. Private to src/jmespath. */
#ifndef DW_JMESPATH_INT_H
#define DW_JMESPATH_INT_H

#include <stdbool.h>

#include <dbward/jmespath.h>

#include "util/util.h"

enum jtok {
    T_EOF, T_UNQUOTED, T_QUOTED, T_LITERAL, T_RAW, T_NUMBER, T_DOT, T_STAR, T_FLATTEN, T_FILTER,
    T_LBRACKET, T_RBRACKET, T_LBRACE, T_RBRACE, T_LPAREN, T_RPAREN, T_COMMA, T_COLON, T_PIPE,
    T_OR, T_AND, T_NOT, T_EQ, T_NE, T_LT, T_LTE, T_GT, T_GTE, T_CURRENT, T_EXPREF
};

struct token {
    enum jtok type;
    size_t start;   /* byte offset */
    size_t end;
    char *str;      /* identifier / raw string (arena) */
    json_t *lit;    /* literal value (owned by the compiled expression) */
    long long num;
};

enum jnode {
    N_IDENTITY, N_CURRENT, N_FIELD, N_SUBEXPR, N_INDEX, N_INDEX_EXPR, N_SLICE, N_PROJECTION,
    N_VALUE_PROJECTION, N_FLATTEN, N_FILTER_PROJECTION, N_MULTI_LIST, N_MULTI_HASH, N_PIPE, N_OR,
    N_AND, N_NOT, N_CMP, N_LITERAL, N_FUNCTION, N_EXPREF
};

struct func_def;

struct node {
    enum jnode type;
    size_t offset;          /* where it starts in the expression, for errors */
    struct node *left;
    struct node *right;
    struct node *cond;      /* filter condition */
    struct node **kids;     /* multi-select items, function arguments */
    char **keys;            /* multi-select hash keys */
    size_t n_kids;
    char *name;             /* field name */
    long long index;
    bool has[3];            /* slice parts present */
    long long slice[3];
    enum jtok op;           /* comparator */
    json_t *lit;            /* literal (borrowed from the compiled expression's list) */
    const struct func_def *fn;
};

struct dw_jmes {
    struct dw_arena *arena;
    struct node *root;
    json_t *literals;       /* array owning every literal */
    char *text;
};

/* Evaluation state. */
struct eval {
    struct dw_jmes_error *err;
    size_t values;          /* values created so far */
    int depth;
};

/* A value during evaluation: a jansson value or an expression reference. */
typedef json_t *(*func_impl)(struct eval *ev, const struct node *call, json_t **args,
                              const struct node **exprefs, size_t n);

struct func_def {
    const char *name;
    int min_args;
    int max_args;           /* -1: variadic */
    func_impl impl;
};

const struct func_def *dwi_jmes_func_find(const char *name, size_t len);
json_t *dwi_jmes_eval_node(struct eval *ev, const struct node *n, json_t *cur);
/* Sets a runtime error; returns NULL for convenience. */
json_t *dwi_jmes_fail(struct eval *ev, enum dw_jmes_err_kind k, size_t offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Counts a created value against the size limit; false when exceeded. */
bool dwi_jmes_count(struct eval *ev, size_t n, size_t offset);
/* JMESPath equality (numbers by value). */
bool dwi_jmes_equal(const json_t *a, const json_t *b);
const char *dwi_jmes_type_name(const json_t *v);

#endif
