/* parse.c: JMESPath lexer and Pratt parser. Tokens carry byte offsets so
 * every syntax error names its position; the AST lives in the arena of the
 * compiled expression. Function names and argument counts are checked here,
 * types at evaluation. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jmespath_int.h"

struct parser {
    const char *src;
    size_t len;
    size_t pos;             /* lexer position */
    struct token tok[2];    /* current and one lookahead */
    struct dw_jmes *j;
    struct dw_jmes_error *err;
    int depth;
    bool failed;
};

static void s_fail(struct parser *p, size_t off, enum dw_jmes_err_kind k, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void s_fail(struct parser *p, size_t off, enum dw_jmes_err_kind k, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = true;
    p->err->kind = k;
    p->err->offset = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
    va_end(ap);
}

/* Decodes a JSON string body (between quotes) into the arena. */
static char *s_json_string(struct parser *p, size_t start, size_t end)
{
    char *q = dw_xmalloc(end - start + 3);
    q[0] = '"';
    memcpy(q + 1, p->src + start, end - start);
    q[end - start + 1] = '"';
    q[end - start + 2] = '\0';
    json_error_t je;
    json_t *v = json_loadb(q, end - start + 2, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    free(q);
    if (!json_is_string(v)) {
        json_decref(v);
        s_fail(p, start - 1, DW_JMES_SYNTAX, "invalid quoted identifier");
        return NULL;
    }
    char *s = dw_arena_strndup(p->j->arena, json_string_value(v), json_string_length(v));
    json_decref(v);
    return s;
}

/* A one- or two-character operator: consumes second when it follows. */
static enum jtok s_pair(struct parser *p, char next, char second, enum jtok two, enum jtok one)
{
    if (next != second)
        return one;
    p->pos++;
    return two;
}

/* Reads a literal up to delim (p->pos is just past the opening one) into
 * buf, initialised here. A backslash escapes the next character, and only
 * "\<delim>" is translated, as in the reference lexer. Returns false
 * (buf cleaned up) when the literal is not terminated; else p->pos is past
 * the closing delimiter. */
static bool s_delimited(struct parser *p, char delim, struct dw_buf *buf)
{
    const char *s = p->src;
    dw_buf_init(buf, (size_t)-1);
    while (p->pos < p->len && s[p->pos] != delim) {
        if (s[p->pos] == '\\' && p->pos + 1 < p->len) {
            if (s[p->pos + 1] == delim)
                dw_buf_append(buf, &delim, 1);
            else
                dw_buf_append(buf, s + p->pos, 2);
            p->pos += 2;
            continue;
        }
        dw_buf_append(buf, s + p->pos, 1);
        p->pos++;
    }
    if (p->pos >= p->len) {
        dw_buf_clean_up(buf);
        return false;
    }
    p->pos++;
    return true;
}

static void s_lex(struct parser *p, struct token *t)
{
    memset(t, 0, sizeof(*t));
    const char *s = p->src;
    while (p->pos < p->len && (s[p->pos] == ' ' || s[p->pos] == '\t' || s[p->pos] == '\n' || s[p->pos] == '\r'))
        p->pos++;
    t->start = p->pos;
    if (p->pos >= p->len) {
        t->type = T_EOF;
        t->end = p->pos;
        return;
    }
    char c = s[p->pos];
    char n = p->pos + 1 < p->len ? s[p->pos + 1] : '\0';
    if (isalpha((unsigned char)c) || c == '_') {
        size_t b = p->pos;
        while (p->pos < p->len && (isalnum((unsigned char)s[p->pos]) || s[p->pos] == '_'))
            p->pos++;
        t->type = T_UNQUOTED;
        t->str = dw_arena_strndup(p->j->arena, s + b, p->pos - b);
    } else if (isdigit((unsigned char)c) || (c == '-' && isdigit((unsigned char)n))) {
        size_t b = p->pos;
        p->pos++;
        while (p->pos < p->len && isdigit((unsigned char)s[p->pos]))
            p->pos++;
        char buf[32];
        size_t l = p->pos - b < sizeof(buf) - 1 ? p->pos - b : sizeof(buf) - 1;
        memcpy(buf, s + b, l);
        buf[l] = '\0';
        t->type = T_NUMBER;
        t->num = strtoll(buf, NULL, 10);
    } else if (c == '"') {
        size_t b = ++p->pos;
        while (p->pos < p->len && s[p->pos] != '"') {
            if (s[p->pos] == '\\' && p->pos + 1 < p->len)
                p->pos++;
            p->pos++;
        }
        if (p->pos >= p->len) {
            s_fail(p, b - 1, DW_JMES_SYNTAX, "unterminated quoted identifier");
            t->type = T_EOF;
            return;
        }
        t->type = T_QUOTED;
        t->str = s_json_string(p, b, p->pos);
        p->pos++;
    } else if (c == '\'') {
        size_t b = ++p->pos;
        struct dw_buf buf;
        if (!s_delimited(p, '\'', &buf)) {
            s_fail(p, b - 1, DW_JMES_SYNTAX, "unterminated raw string literal");
            t->type = T_EOF;
            return;
        }
        t->type = T_RAW;
        t->lit = json_stringn(buf.data ? buf.data : "", buf.len);
        dw_buf_clean_up(&buf);
        if (!t->lit)
            s_fail(p, b - 1, DW_JMES_SYNTAX, "raw string literal is not valid UTF-8");
        else
            json_array_append_new(p->j->literals, t->lit); /* the list owns it */
    } else if (c == '`') {
        size_t b = ++p->pos;
        struct dw_buf buf;
        if (!s_delimited(p, '`', &buf)) {
            s_fail(p, b - 1, DW_JMES_SYNTAX, "unterminated JSON literal");
            t->type = T_EOF;
            return;
        }
        json_error_t je;
        t->lit = json_loadb(buf.data ? buf.data : "", buf.len, JSON_DECODE_ANY, &je);
        dw_buf_clean_up(&buf);
        if (!t->lit) {
            s_fail(p, b + (je.position > 0 ? (size_t)je.position - 1 : 0), DW_JMES_SYNTAX,
                   "invalid JSON literal: %s", je.text);
            t->type = T_EOF;
            return;
        }
        t->type = T_LITERAL;
        json_array_append_new(p->j->literals, t->lit); /* the list owns it */
    } else {
        p->pos++;
        switch (c) {
        case '.': t->type = T_DOT; break;
        case '*': t->type = T_STAR; break;
        case ']': t->type = T_RBRACKET; break;
        case '{': t->type = T_LBRACE; break;
        case '}': t->type = T_RBRACE; break;
        case '(': t->type = T_LPAREN; break;
        case ')': t->type = T_RPAREN; break;
        case ',': t->type = T_COMMA; break;
        case ':': t->type = T_COLON; break;
        case '@': t->type = T_CURRENT; break;
        case '[':
            if (n == ']') {
                p->pos++;
                t->type = T_FLATTEN;
            } else if (n == '?') {
                p->pos++;
                t->type = T_FILTER;
            } else {
                t->type = T_LBRACKET;
            }
            break;
        case '|':
            t->type = s_pair(p, n, '|', T_OR, T_PIPE);
            break;
        case '&':
            t->type = s_pair(p, n, '&', T_AND, T_EXPREF);
            break;
        case '!':
            t->type = s_pair(p, n, '=', T_NE, T_NOT);
            break;
        case '=':
            if (n == '=') {
                p->pos++;
                t->type = T_EQ;
            } else {
                s_fail(p, t->start, DW_JMES_SYNTAX, "'=' must be '=='");
                t->type = T_EOF;
            }
            break;
        case '<':
            t->type = s_pair(p, n, '=', T_LTE, T_LT);
            break;
        case '>':
            t->type = s_pair(p, n, '=', T_GTE, T_GT);
            break;
        default:
            s_fail(p, t->start, DW_JMES_SYNTAX, "unexpected character '%c'", isprint((unsigned char)c) ? c : '?');
            t->type = T_EOF;
        }
    }
    t->end = p->pos;
}

static void s_advance(struct parser *p)
{
    p->tok[0] = p->tok[1];
    if (p->tok[0].type == T_EOF && p->failed)
        return;
    s_lex(p, &p->tok[1]);
}

static struct token *s_cur(struct parser *p) { return &p->tok[0]; }
static struct token *s_next(struct parser *p) { return &p->tok[1]; }

static int s_lbp(enum jtok t)
{
    switch (t) {
    case T_PIPE: return 1;
    case T_OR: return 2;
    case T_AND: return 3;
    case T_EQ: case T_NE: case T_LT: case T_LTE: case T_GT: case T_GTE: return 5;
    case T_FLATTEN: return 9;
    case T_STAR: return 20;
    case T_FILTER: return 21;
    case T_DOT: return 40;
    case T_NOT: return 45;
    case T_LBRACE: return 50;
    case T_LBRACKET: return 55;
    case T_LPAREN: return 60;
    default: return 0;
    }
}

static struct node *s_node(struct parser *p, enum jnode type, size_t off)
{
    struct node *n = dw_arena_alloc(p->j->arena, sizeof(*n));
    n->type = type;
    n->offset = off;
    return n;
}

static void s_expect(struct parser *p, enum jtok t, const char *what)
{
    if (s_cur(p)->type != t) {
        s_fail(p, s_cur(p)->start, DW_JMES_SYNTAX, "expected %s", what);
        return;
    }
    s_advance(p);
}

static struct node *s_expr(struct parser *p, int rbp);

static struct node *s_multi_list(struct parser *p, size_t off)
{
    struct node *n = s_node(p, N_MULTI_LIST, off);
    size_t cap = 4;
    n->kids = dw_arena_alloc(p->j->arena, cap * sizeof(*n->kids));
    for (;;) {
        if (p->failed)
            return n;
        struct node *e = s_expr(p, 0);
        if (n->n_kids == cap) {
            struct node **k = dw_arena_alloc(p->j->arena, cap * 2 * sizeof(*k));
            memcpy(k, n->kids, cap * sizeof(*k));
            n->kids = k;
            cap *= 2;
        }
        n->kids[n->n_kids++] = e;
        if (s_cur(p)->type == T_RBRACKET)
            break;
        s_expect(p, T_COMMA, "',' or ']'");
    }
    s_expect(p, T_RBRACKET, "']'");
    return n;
}

static struct node *s_multi_hash(struct parser *p, size_t off)
{
    struct node *n = s_node(p, N_MULTI_HASH, off);
    size_t cap = 4;
    n->kids = dw_arena_alloc(p->j->arena, cap * sizeof(*n->kids));
    n->keys = dw_arena_alloc(p->j->arena, cap * sizeof(*n->keys));
    for (;;) {
        if (p->failed)
            return n;
        struct token *k = s_cur(p);
        if (k->type != T_UNQUOTED && k->type != T_QUOTED) {
            s_fail(p, k->start, DW_JMES_SYNTAX, "expected a key name");
            return n;
        }
        char *key = k->str;
        s_advance(p);
        s_expect(p, T_COLON, "':'");
        struct node *v = s_expr(p, 0);
        if (n->n_kids == cap) {
            struct node **nk = dw_arena_alloc(p->j->arena, cap * 2 * sizeof(*nk));
            char **kk = dw_arena_alloc(p->j->arena, cap * 2 * sizeof(*kk));
            memcpy(nk, n->kids, cap * sizeof(*nk));
            memcpy(kk, n->keys, cap * sizeof(*kk));
            n->kids = nk;
            n->keys = kk;
            cap *= 2;
        }
        n->keys[n->n_kids] = key;
        n->kids[n->n_kids++] = v;
        if (s_cur(p)->type == T_COMMA) {
            s_advance(p);
        } else if (s_cur(p)->type == T_RBRACE) {
            s_advance(p);
            break;
        } else {
            s_fail(p, s_cur(p)->start, DW_JMES_SYNTAX, "expected ',' or '}'");
            return n;
        }
    }
    return n;
}

static struct node *s_dot_rhs(struct parser *p, int bp)
{
    struct token *t = s_cur(p);
    if (t->type == T_UNQUOTED || t->type == T_QUOTED || t->type == T_STAR)
        return s_expr(p, bp);
    if (t->type == T_LBRACKET) {
        size_t off = t->start;
        s_advance(p);
        return s_multi_list(p, off);
    }
    if (t->type == T_LBRACE) {
        size_t off = t->start;
        s_advance(p);
        return s_multi_hash(p, off);
    }
    s_fail(p, t->start, DW_JMES_SYNTAX, "expected an identifier, '*', '[' or '{' after '.'");
    return s_node(p, N_IDENTITY, t->start);
}

static struct node *s_projection_rhs(struct parser *p, int bp)
{
    struct token *t = s_cur(p);
    if (s_lbp(t->type) < 10)
        return s_node(p, N_IDENTITY, t->start);
    if (t->type == T_LBRACKET || t->type == T_FILTER)
        return s_expr(p, bp);
    if (t->type == T_DOT) {
        s_advance(p);
        return s_dot_rhs(p, bp);
    }
    s_fail(p, t->start, DW_JMES_SYNTAX, "unexpected token after a projection");
    return s_node(p, N_IDENTITY, t->start);
}

static struct node *s_index_expr(struct parser *p, size_t off)
{
    /* cur is a number or a colon */
    if (s_cur(p)->type == T_COLON || s_next(p)->type == T_COLON) {
        struct node *n = s_node(p, N_SLICE, off);
        int idx = 0;
        while (s_cur(p)->type != T_RBRACKET && !p->failed) {
            if (s_cur(p)->type == T_COLON) {
                idx++;
                if (idx > 2) {
                    s_fail(p, s_cur(p)->start, DW_JMES_SYNTAX, "too many colons in a slice");
                    return n;
                }
                s_advance(p);
            } else if (s_cur(p)->type == T_NUMBER) {
                n->has[idx] = true;
                n->slice[idx] = s_cur(p)->num;
                s_advance(p);
                if (s_cur(p)->type != T_COLON && s_cur(p)->type != T_RBRACKET) {
                    s_fail(p, s_cur(p)->start, DW_JMES_SYNTAX, "expected ':' or ']' in a slice");
                    return n;
                }
            } else {
                s_fail(p, s_cur(p)->start, DW_JMES_SYNTAX, "expected a number or ':' in a slice");
                return n;
            }
        }
        s_expect(p, T_RBRACKET, "']'");
        if (n->has[2] && n->slice[2] == 0 && !p->failed)
            s_fail(p, off, DW_JMES_INVALID_VALUE, "slice step cannot be 0");
        return n;
    }
    struct node *n = s_node(p, N_INDEX, off);
    n->index = s_cur(p)->num;
    s_advance(p);
    s_expect(p, T_RBRACKET, "']'");
    return n;
}

static struct node *s_project_if_slice(struct parser *p, struct node *left, struct node *right, size_t off)
{
    struct node *ie = s_node(p, N_INDEX_EXPR, off);
    ie->left = left;
    ie->right = right;
    if (right->type != N_SLICE)
        return ie;
    struct node *pr = s_node(p, N_PROJECTION, off);
    pr->left = ie;
    pr->right = s_projection_rhs(p, s_lbp(T_STAR));
    return pr;
}

static struct node *s_nud(struct parser *p)
{
    struct token t = *s_cur(p);
    s_advance(p);
    struct node *n;
    switch (t.type) {
    case T_LITERAL:
    case T_RAW:
        n = s_node(p, N_LITERAL, t.start);
        n->lit = t.lit;
        return n;
    case T_UNQUOTED:
        n = s_node(p, N_FIELD, t.start);
        n->name = t.str;
        return n;
    case T_QUOTED:
        n = s_node(p, N_FIELD, t.start);
        n->name = t.str;
        if (s_cur(p)->type == T_LPAREN)
            s_fail(p, t.start, DW_JMES_SYNTAX, "a quoted identifier cannot name a function");
        return n;
    case T_STAR: {
        n = s_node(p, N_VALUE_PROJECTION, t.start);
        n->left = s_node(p, N_IDENTITY, t.start);
        n->right = s_cur(p)->type == T_RBRACKET ? s_node(p, N_IDENTITY, t.start)
                                                : s_projection_rhs(p, s_lbp(T_STAR));
        return n;
    }
    case T_FILTER: {
        n = s_node(p, N_FILTER_PROJECTION, t.start);
        n->left = s_node(p, N_IDENTITY, t.start);
        n->cond = s_expr(p, 0);
        s_expect(p, T_RBRACKET, "']' to close the filter");
        n->right = s_cur(p)->type == T_FLATTEN ? s_node(p, N_IDENTITY, t.start)
                                               : s_projection_rhs(p, s_lbp(T_FILTER));
        return n;
    }
    case T_LBRACE:
        return s_multi_hash(p, t.start);
    case T_LPAREN:
        n = s_expr(p, 0);
        s_expect(p, T_RPAREN, "')'");
        return n;
    case T_FLATTEN: {
        struct node *f = s_node(p, N_FLATTEN, t.start);
        f->left = s_node(p, N_IDENTITY, t.start);
        n = s_node(p, N_PROJECTION, t.start);
        n->left = f;
        n->right = s_projection_rhs(p, s_lbp(T_FLATTEN));
        return n;
    }
    case T_NOT:
        n = s_node(p, N_NOT, t.start);
        n->left = s_expr(p, s_lbp(T_NOT));
        return n;
    case T_LBRACKET:
        if (s_cur(p)->type == T_NUMBER || s_cur(p)->type == T_COLON) {
            struct node *r = s_index_expr(p, t.start);
            return s_project_if_slice(p, s_node(p, N_IDENTITY, t.start), r, t.start);
        }
        if (s_cur(p)->type == T_STAR && s_next(p)->type == T_RBRACKET) {
            s_advance(p);
            s_advance(p);
            n = s_node(p, N_PROJECTION, t.start);
            n->left = s_node(p, N_IDENTITY, t.start);
            n->right = s_projection_rhs(p, s_lbp(T_STAR));
            return n;
        }
        return s_multi_list(p, t.start);
    case T_CURRENT:
        return s_node(p, N_CURRENT, t.start);
    case T_EXPREF:
        n = s_node(p, N_EXPREF, t.start);
        n->left = s_expr(p, 0 + 0);
        return n;
    case T_EOF:
        s_fail(p, t.start, DW_JMES_SYNTAX, "unexpected end of expression");
        return s_node(p, N_IDENTITY, t.start);
    default:
        s_fail(p, t.start, DW_JMES_SYNTAX, "unexpected token");
        return s_node(p, N_IDENTITY, t.start);
    }
}

static struct node *s_led(struct parser *p, struct token t, struct node *left)
{
    struct node *n;
    switch (t.type) {
    case T_DOT:
        if (s_cur(p)->type != T_STAR) {
            n = s_node(p, N_SUBEXPR, t.start);
            n->left = left;
            n->right = s_dot_rhs(p, s_lbp(T_DOT));
            return n;
        }
        s_advance(p);
        n = s_node(p, N_VALUE_PROJECTION, t.start);
        n->left = left;
        n->right = s_projection_rhs(p, s_lbp(T_DOT));
        return n;
    case T_PIPE:
    case T_OR:
    case T_AND:
        n = s_node(p, t.type == T_PIPE ? N_PIPE : t.type == T_OR ? N_OR : N_AND, t.start);
        n->left = left;
        n->right = s_expr(p, s_lbp(t.type));
        return n;
    case T_LPAREN: {
        if (left->type != N_FIELD) {
            s_fail(p, t.start, DW_JMES_SYNTAX, "only a plain name can be called as a function");
            return left;
        }
        n = s_node(p, N_FUNCTION, left->offset);
        size_t cap = 4;
        n->kids = dw_arena_alloc(p->j->arena, cap * sizeof(*n->kids));
        while (s_cur(p)->type != T_RPAREN && !p->failed) {
            struct node *a = s_expr(p, 0);
            if (n->n_kids == cap) {
                struct node **k = dw_arena_alloc(p->j->arena, cap * 2 * sizeof(*k));
                memcpy(k, n->kids, cap * sizeof(*k));
                n->kids = k;
                cap *= 2;
            }
            n->kids[n->n_kids++] = a;
            if (s_cur(p)->type == T_COMMA) {
                s_advance(p);
                if (s_cur(p)->type == T_RPAREN)
                    s_fail(p, s_cur(p)->start, DW_JMES_SYNTAX, "expected an argument after ','");
            } else if (s_cur(p)->type != T_RPAREN) {
                s_fail(p, s_cur(p)->start, DW_JMES_SYNTAX, "expected ',' or ')'");
            }
        }
        s_expect(p, T_RPAREN, "')'");
        if (p->failed)
            return n;
        n->fn = dwi_jmes_func_find(left->name, strlen(left->name));
        if (!n->fn) {
            s_fail(p, left->offset, DW_JMES_UNKNOWN_FUNCTION, "unknown function %s()", left->name);
        } else if ((int)n->n_kids < n->fn->min_args ||
                   (n->fn->max_args >= 0 && (int)n->n_kids > n->fn->max_args)) {
            if (n->fn->max_args < 0)
                s_fail(p, left->offset, DW_JMES_INVALID_ARITY, "%s() takes at least %d arguments, got %zu",
                       n->fn->name, n->fn->min_args, n->n_kids);
            else
                s_fail(p, left->offset, DW_JMES_INVALID_ARITY, "%s() takes %d argument%s, got %zu", n->fn->name,
                       n->fn->min_args, n->fn->min_args == 1 ? "" : "s", n->n_kids);
        }
        return n;
    }
    case T_FILTER:
        n = s_node(p, N_FILTER_PROJECTION, t.start);
        n->left = left;
        n->cond = s_expr(p, 0);
        s_expect(p, T_RBRACKET, "']' to close the filter");
        n->right = s_cur(p)->type == T_FLATTEN ? s_node(p, N_IDENTITY, t.start)
                                               : s_projection_rhs(p, s_lbp(T_FILTER));
        return n;
    case T_FLATTEN: {
        struct node *f = s_node(p, N_FLATTEN, t.start);
        f->left = left;
        n = s_node(p, N_PROJECTION, t.start);
        n->left = f;
        n->right = s_projection_rhs(p, s_lbp(T_FLATTEN));
        return n;
    }
    case T_EQ: case T_NE: case T_LT: case T_LTE: case T_GT: case T_GTE:
        n = s_node(p, N_CMP, t.start);
        n->op = t.type;
        n->left = left;
        n->right = s_expr(p, s_lbp(t.type));
        return n;
    case T_LBRACKET:
        if (s_cur(p)->type == T_NUMBER || s_cur(p)->type == T_COLON) {
            struct node *r = s_index_expr(p, t.start);
            return s_project_if_slice(p, left, r, t.start);
        }
        s_expect(p, T_STAR, "a number, ':' or '*' after '['");
        s_expect(p, T_RBRACKET, "']'");
        n = s_node(p, N_PROJECTION, t.start);
        n->left = left;
        n->right = s_projection_rhs(p, s_lbp(T_STAR));
        return n;
    default:
        s_fail(p, t.start, DW_JMES_SYNTAX, "unexpected token");
        return left;
    }
}

static struct node *s_expr(struct parser *p, int rbp)
{
    if (++p->depth > DW_JMES_MAX_DEPTH) {
        s_fail(p, s_cur(p)->start, DW_JMES_LIMIT, "expression nested deeper than %d", DW_JMES_MAX_DEPTH);
        p->depth--;
        return s_node(p, N_IDENTITY, s_cur(p)->start);
    }
    struct node *left = s_nud(p);
    while (!p->failed && rbp < s_lbp(s_cur(p)->type)) {
        struct token t = *s_cur(p);
        s_advance(p);
        left = s_led(p, t, left);
    }
    p->depth--;
    return left;
}

const char *dw_jmes_err_kind_str(enum dw_jmes_err_kind k)
{
    static const char *const names[] = {"ok", "syntax", "invalid-type", "invalid-arity", "invalid-value",
                                        "unknown-function", "limit"};
    return k <= DW_JMES_LIMIT ? names[k] : "unknown";
}

enum dw_status dw_jmes_compile(const char *expr, size_t len, struct dw_jmes **out, struct dw_jmes_error *err)
{
    struct dw_jmes_error local;
    if (!err)
        err = &local;
    memset(err, 0, sizeof(*err));
    *out = NULL;
    struct dw_jmes *j = dw_xcalloc(1, sizeof(*j));
    j->arena = dw_arena_new();
    j->literals = json_array();
    j->text = dw_xstrndup(expr, len);
    struct parser p = {.src = j->text, .len = len, .j = j, .err = err};
    if (memchr(expr, '\0', len)) {
        s_fail(&p, (size_t)((const char *)memchr(expr, '\0', len) - expr), DW_JMES_SYNTAX, "NUL byte in expression");
    } else {
        s_lex(&p, &p.tok[1]);
        s_advance(&p);
        j->root = s_expr(&p, 0);
        if (!p.failed && s_cur(&p)->type != T_EOF)
            s_fail(&p, s_cur(&p)->start, DW_JMES_SYNTAX, "unexpected token after the expression");
    }
    if (p.failed) {
        dw_jmes_free(j);
        return DW_E_PARSE;
    }
    *out = j;
    return DW_OK;
}

void dw_jmes_free(struct dw_jmes *j)
{
    if (!j)
        return;
    dw_arena_free(j->arena);
    json_decref(j->literals);
    free(j->text);
    free(j);
}

const char *dw_jmes_text(const struct dw_jmes *j)
{
    return j->text;
}
