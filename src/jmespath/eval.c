/* eval.c: evaluates a compiled JMESPath AST over jansson values. Every
 * function returns a new reference (json null for "nothing"), or NULL after
 * setting a runtime error, which then propagates up unchanged. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jmespath_int.h"

json_t *dwi_jmes_fail(struct eval *ev, enum dw_jmes_err_kind k, size_t offset, const char *fmt, ...)
{
    if (ev->err->kind == DW_JMES_OK) {
        ev->err->kind = k;
        ev->err->offset = offset;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ev->err->message, sizeof(ev->err->message), fmt, ap);
        va_end(ap);
    }
    return NULL;
}

bool dwi_jmes_count(struct eval *ev, size_t n, size_t offset)
{
    ev->values += n;
    if (ev->values > DW_JMES_MAX_VALUES) {
        dwi_jmes_fail(ev, DW_JMES_LIMIT, offset, "the result would exceed %zu values", DW_JMES_MAX_VALUES);
        return false;
    }
    return true;
}

int dw_jmes_is_truthy(const json_t *v)
{
    if (!v || json_is_null(v) || json_is_false(v))
        return 0;
    if (json_is_string(v))
        return json_string_length(v) > 0;
    if (json_is_array(v))
        return json_array_size(v) > 0;
    if (json_is_object(v))
        return json_object_size(v) > 0;
    return 1;
}

const char *dwi_jmes_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER:
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    default: return "null";
    }
}

bool dwi_jmes_equal(const json_t *a, const json_t *b)
{
    if (!a || !b)
        return a == b;
    if (json_is_number(a) && json_is_number(b))
        return json_number_value(a) == json_number_value(b);
    if (json_typeof(a) != json_typeof(b))
        return false;
    if (json_is_array(a)) {
        if (json_array_size(a) != json_array_size(b))
            return false;
        for (size_t i = 0; i < json_array_size(a); i++) {
            if (!dwi_jmes_equal(json_array_get(a, i), json_array_get(b, i)))
                return false;
        }
        return true;
    }
    if (json_is_object(a)) {
        if (json_object_size(a) != json_object_size(b))
            return false;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)a, k, v)
        {
            json_t *w = json_object_get(b, k);
            if (!w || !dwi_jmes_equal(v, w))
                return false;
        }
        return true;
    }
    return json_equal((json_t *)a, (json_t *)b);
}

static json_t *s_project(struct eval *ev, const struct node *right, json_t *base)
{
    json_t *out = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(base, i, x)
    {
        json_t *r = dwi_jmes_eval_node(ev, right, x);
        if (!r) {
            json_decref(out);
            return NULL;
        }
        if (!json_is_null(r)) {
            if (!dwi_jmes_count(ev, 1, right->offset)) {
                json_decref(r);
                json_decref(out);
                return NULL;
            }
            json_array_append_new(out, r); /* steals r */
        } else {
            json_decref(r);
        }
    }
    return out;
}

static long long s_clamp(long long v, long long lo, long long hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static json_t *s_slice(struct eval *ev, const struct node *n, json_t *arr)
{
    long long len = (long long)json_array_size(arr);
    long long step = n->has[2] ? n->slice[2] : 1;
    if (step == 0)
        return dwi_jmes_fail(ev, DW_JMES_INVALID_VALUE, n->offset, "slice step cannot be 0");
    long long start, stop;
    if (!n->has[0]) {
        start = step < 0 ? len - 1 : 0;
    } else {
        start = n->slice[0];
        if (start < 0)
            start += len;
        start = step < 0 ? s_clamp(start, -1, len - 1) : s_clamp(start, 0, len);
    }
    if (!n->has[1]) {
        stop = step < 0 ? -1 : len;
    } else {
        stop = n->slice[1];
        if (stop < 0)
            stop += len;
        stop = step < 0 ? s_clamp(stop, -1, len - 1) : s_clamp(stop, 0, len);
    }
    json_t *out = json_array();
    for (long long i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (!dwi_jmes_count(ev, 1, n->offset)) {
            json_decref(out);
            return NULL;
        }
        json_array_append(out, json_array_get(arr, (size_t)i));
    }
    return out;
}

static json_t *s_compare(struct eval *ev, const struct node *n, json_t *cur)
{
    json_t *l = dwi_jmes_eval_node(ev, n->left, cur);
    if (!l)
        return NULL;
    json_t *r = dwi_jmes_eval_node(ev, n->right, cur);
    if (!r) {
        json_decref(l);
        return NULL;
    }
    json_t *out;
    if (n->op == T_EQ || n->op == T_NE) {
        bool eq = dwi_jmes_equal(l, r);
        out = json_boolean(n->op == T_EQ ? eq : !eq);
    } else if (json_is_number(l) && json_is_number(r)) {
        double a = json_number_value(l), b = json_number_value(r);
        bool v = n->op == T_LT ? a < b : n->op == T_LTE ? a <= b : n->op == T_GT ? a > b : a >= b;
        out = json_boolean(v);
    } else {
        out = json_null(); /* ordering is defined for numbers only */
    }
    json_decref(l);
    json_decref(r);
    return out;
}

json_t *dwi_jmes_eval_node(struct eval *ev, const struct node *n, json_t *cur)
{
    if (++ev->depth > DW_JMES_MAX_DEPTH) {
        ev->depth--;
        return dwi_jmes_fail(ev, DW_JMES_LIMIT, n->offset, "evaluation nested deeper than %d", DW_JMES_MAX_DEPTH);
    }
    json_t *out = NULL;
    json_t *l = NULL;
    switch (n->type) {
    case N_IDENTITY:
    case N_CURRENT:
        out = json_incref(cur);
        break;
    case N_FIELD: {
        json_t *v = json_is_object(cur) ? json_object_get(cur, n->name) : NULL;
        out = v ? json_incref(v) : json_null();
        break;
    }
    case N_SUBEXPR:
    case N_PIPE:
    case N_INDEX_EXPR:
        l = dwi_jmes_eval_node(ev, n->left, cur);
        if (l)
            out = dwi_jmes_eval_node(ev, n->right, l);
        break;
    case N_INDEX: {
        if (!json_is_array(cur)) {
            out = json_null();
            break;
        }
        long long len = (long long)json_array_size(cur);
        long long i = n->index < 0 ? n->index + len : n->index;
        json_t *v = i >= 0 && i < len ? json_array_get(cur, (size_t)i) : NULL;
        out = v ? json_incref(v) : json_null();
        break;
    }
    case N_SLICE:
        out = json_is_array(cur) ? s_slice(ev, n, cur) : json_null();
        break;
    case N_PROJECTION:
        l = dwi_jmes_eval_node(ev, n->left, cur);
        if (l)
            out = json_is_array(l) ? s_project(ev, n->right, l) : json_null();
        break;
    case N_VALUE_PROJECTION:
        l = dwi_jmes_eval_node(ev, n->left, cur);
        if (l && json_is_object(l)) {
            json_t *vals = json_array();
            const char *k;
            json_t *v;
            json_object_foreach(l, k, v)
                json_array_append(vals, v);
            out = s_project(ev, n->right, vals);
            json_decref(vals);
        } else if (l) {
            out = json_null();
        }
        break;
    case N_FLATTEN:
        l = dwi_jmes_eval_node(ev, n->left, cur);
        if (l && json_is_array(l)) {
            out = json_array();
            size_t i;
            json_t *x;
            json_array_foreach(l, i, x)
            {
                if (json_is_array(x))
                    json_array_extend(out, x);
                else
                    json_array_append(out, x);
            }
            if (!dwi_jmes_count(ev, json_array_size(out), n->offset)) {
                json_decref(out);
                out = NULL;
            }
        } else if (l) {
            out = json_null();
        }
        break;
    case N_FILTER_PROJECTION:
        l = dwi_jmes_eval_node(ev, n->left, cur);
        if (l && json_is_array(l)) {
            json_t *kept = json_array();
            size_t i;
            json_t *x;
            bool ok = true;
            json_array_foreach(l, i, x)
            {
                json_t *c = dwi_jmes_eval_node(ev, n->cond, x);
                if (!c) {
                    ok = false;
                    break;
                }
                if (dw_jmes_is_truthy(c))
                    json_array_append(kept, x);
                json_decref(c);
            }
            out = ok ? s_project(ev, n->right, kept) : NULL;
            json_decref(kept);
        } else if (l) {
            out = json_null();
        }
        break;
    case N_MULTI_LIST:
        if (json_is_null(cur)) {
            out = json_null();
            break;
        }
        out = json_array();
        for (size_t i = 0; i < n->n_kids; i++) {
            json_t *v = dwi_jmes_eval_node(ev, n->kids[i], cur);
            if (!v || !dwi_jmes_count(ev, 1, n->offset)) {
                json_decref(v);
                json_decref(out);
                out = NULL;
                break;
            }
            json_array_append_new(out, v); /* steals v */
        }
        break;
    case N_MULTI_HASH:
        if (json_is_null(cur)) {
            out = json_null();
            break;
        }
        out = json_object();
        for (size_t i = 0; i < n->n_kids; i++) {
            json_t *v = dwi_jmes_eval_node(ev, n->kids[i], cur);
            if (!v || !dwi_jmes_count(ev, 1, n->offset)) {
                json_decref(v);
                json_decref(out);
                out = NULL;
                break;
            }
            json_object_set_new(out, n->keys[i], v); /* steals v */
        }
        break;
    case N_OR:
        l = dwi_jmes_eval_node(ev, n->left, cur);
        if (l)
            out = dw_jmes_is_truthy(l) ? json_incref(l) : dwi_jmes_eval_node(ev, n->right, cur);
        break;
    case N_AND:
        l = dwi_jmes_eval_node(ev, n->left, cur);
        if (l)
            out = !dw_jmes_is_truthy(l) ? json_incref(l) : dwi_jmes_eval_node(ev, n->right, cur);
        break;
    case N_NOT:
        l = dwi_jmes_eval_node(ev, n->left, cur);
        if (l)
            out = json_boolean(!dw_jmes_is_truthy(l));
        break;
    case N_CMP:
        out = s_compare(ev, n, cur);
        break;
    case N_LITERAL:
        out = json_incref(n->lit);
        break;
    case N_EXPREF:
        /* Only meaningful as a function argument; on its own it is null. */
        out = json_null();
        break;
    case N_FUNCTION: {
        json_t *args[16] = {0};
        const struct node *refs[16] = {0};
        json_t **argv = n->n_kids <= 16 ? args : dw_xcalloc(n->n_kids, sizeof(json_t *));
        const struct node **refv = n->n_kids <= 16 ? refs : dw_xcalloc(n->n_kids, sizeof(struct node *));
        bool ok = true;
        for (size_t i = 0; i < n->n_kids && ok; i++) {
            if (n->kids[i]->type == N_EXPREF) {
                refv[i] = n->kids[i]->left;
                argv[i] = json_null();
            } else {
                argv[i] = dwi_jmes_eval_node(ev, n->kids[i], cur);
                ok = argv[i] != NULL;
            }
        }
        if (ok)
            out = n->fn->impl(ev, n, argv, refv, n->n_kids);
        for (size_t i = 0; i < n->n_kids; i++)
            json_decref(argv[i]);
        if (argv != args) {
            free(argv);
            free((void *)refv);
        }
        break;
    }
    }
    json_decref(l);
    ev->depth--;
    return out;
}

json_t *dw_jmes_eval(const struct dw_jmes *j, json_t *data, struct dw_jmes_error *err)
{
    struct dw_jmes_error local;
    if (!err)
        err = &local;
    memset(err, 0, sizeof(*err));
    struct eval ev = {.err = err};
    json_t *null = NULL;
    if (!data)
        data = null = json_null();
    json_t *out = dwi_jmes_eval_node(&ev, j->root, data);
    json_decref(null);
    return out;
}
