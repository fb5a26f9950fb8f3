/* functions.c: the built-in functions of the JMESPath specification, with
 * its type rules: a wrong type is an invalid-type error naming the function
 * and argument, never a silent null. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jmespath_int.h"

#define ARG_FAIL(ev, call, i, want)                                                                \
    dwi_jmes_fail(ev, DW_JMES_INVALID_TYPE, (call)->offset, "%s() argument %d must be %s, not %s", \
                  (call)->fn->name, (int)(i) + 1, want, dwi_jmes_type_name(args[i]))

static bool s_all(json_t *arr, json_type t1, json_type t2)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        if (json_typeof(x) != t1 && json_typeof(x) != t2)
            return false;
    }
    return true;
}

static bool s_all_numbers(json_t *arr) { return s_all(arr, JSON_INTEGER, JSON_REAL); }
static bool s_all_strings(json_t *arr) { return s_all(arr, JSON_STRING, JSON_STRING); }

static json_t *s_number(double v)
{
    if (v == floor(v) && fabs(v) < 9.0e15)
        return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *f_abs(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)r;
    (void)n;
    if (!json_is_number(args[0]))
        return ARG_FAIL(ev, call, 0, "a number");
    if (json_is_integer(args[0]))
        return json_integer(llabs(json_integer_value(args[0])));
    return json_real(fabs(json_real_value(args[0])));
}

static json_t *f_avg(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)r;
    (void)n;
    if (!json_is_array(args[0]) || !s_all_numbers(args[0]))
        return ARG_FAIL(ev, call, 0, "an array of numbers");
    size_t len = json_array_size(args[0]);
    if (!len)
        return json_null();
    double sum = 0;
    size_t i;
    json_t *x;
    json_array_foreach(args[0], i, x)
        sum += json_number_value(x);
    return json_real(sum / (double)len);
}

static json_t *f_ceil(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)r;
    (void)n;
    if (!json_is_number(args[0]))
        return ARG_FAIL(ev, call, 0, "a number");
    return s_number(ceil(json_number_value(args[0])));
}

static json_t *f_floor(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)r;
    (void)n;
    if (!json_is_number(args[0]))
        return ARG_FAIL(ev, call, 0, "a number");
    return s_number(floor(json_number_value(args[0])));
}

static json_t *f_contains(struct eval *ev, const struct node *call, json_t **args, const struct node **r,
                          size_t n)
{
    (void)r;
    (void)n;
    if (json_is_string(args[0])) {
        if (!json_is_string(args[1]))
            return json_false();
        return json_boolean(strstr(json_string_value(args[0]), json_string_value(args[1])) != NULL);
    }
    if (!json_is_array(args[0]))
        return ARG_FAIL(ev, call, 0, "an array or a string");
    size_t i;
    json_t *x;
    json_array_foreach(args[0], i, x)
    {
        if (dwi_jmes_equal(x, args[1]))
            return json_true();
    }
    return json_false();
}

static json_t *s_affix(struct eval *ev, const struct node *call, json_t **args, bool ends)
{
    if (!json_is_string(args[0]))
        return ARG_FAIL(ev, call, 0, "a string");
    if (!json_is_string(args[1]))
        return ARG_FAIL(ev, call, 1, "a string");
    size_t a = json_string_length(args[0]), b = json_string_length(args[1]);
    if (b > a)
        return json_false();
    const char *s = json_string_value(args[0]) + (ends ? a - b : 0);
    return json_boolean(memcmp(s, json_string_value(args[1]), b) == 0);
}

static json_t *f_ends_with(struct eval *ev, const struct node *call, json_t **args, const struct node **r,
                           size_t n)
{
    (void)r;
    (void)n;
    return s_affix(ev, call, args, true);
}

static json_t *f_starts_with(struct eval *ev, const struct node *call, json_t **args, const struct node **r,
                             size_t n)
{
    (void)r;
    (void)n;
    return s_affix(ev, call, args, false);
}

static json_t *f_join(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)r;
    (void)n;
    if (!json_is_string(args[0]))
        return ARG_FAIL(ev, call, 0, "a string");
    if (!json_is_array(args[1]) || !s_all_strings(args[1]))
        return ARG_FAIL(ev, call, 1, "an array of strings");
    struct dw_buf b;
    dw_buf_init(&b, (size_t)256 << 20);
    size_t i;
    json_t *x;
    json_array_foreach(args[1], i, x)
    {
        if (i)
            dw_buf_append(&b, json_string_value(args[0]), json_string_length(args[0]));
        dw_buf_append(&b, json_string_value(x), json_string_length(x));
    }
    if (b.st) {
        dw_buf_clean_up(&b);
        return dwi_jmes_fail(ev, DW_JMES_LIMIT, call->offset, "join() result too large");
    }
    json_t *out = json_stringn(b.data ? b.data : "", b.len);
    dw_buf_clean_up(&b);
    return out;
}

static json_t *f_keys(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)r;
    (void)n;
    if (!json_is_object(args[0]))
        return ARG_FAIL(ev, call, 0, "an object");
    json_t *out = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(args[0], k, v)
        json_array_append_new(out, json_string(k)); /* steals */
    return out;
}

static json_t *f_values(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)r;
    (void)n;
    if (!json_is_object(args[0]))
        return ARG_FAIL(ev, call, 0, "an object");
    json_t *out = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(args[0], k, v)
        json_array_append(out, v);
    return out;
}

static size_t s_codepoints(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static json_t *f_length(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)r;
    (void)n;
    if (json_is_string(args[0]))
        return json_integer((json_int_t)s_codepoints(json_string_value(args[0]), json_string_length(args[0])));
    if (json_is_array(args[0]))
        return json_integer((json_int_t)json_array_size(args[0]));
    if (json_is_object(args[0]))
        return json_integer((json_int_t)json_object_size(args[0]));
    return ARG_FAIL(ev, call, 0, "a string, an array or an object");
}

static json_t *f_map(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)n;
    if (!r[0])
        return ARG_FAIL(ev, call, 0, "an expression (&...)");
    if (!json_is_array(args[1]))
        return ARG_FAIL(ev, call, 1, "an array");
    json_t *out = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(args[1], i, x)
    {
        json_t *v = dwi_jmes_eval_node(ev, r[0], x);
        if (!v || !dwi_jmes_count(ev, 1, call->offset)) {
            json_decref(v);
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, v); /* steals, nulls included (map keeps them) */
    }
    return out;
}

static int s_cmp_values(const json_t *a, const json_t *b)
{
    if (json_is_number(a)) {
        double x = json_number_value(a), y = json_number_value(b);
        return x < y ? -1 : x > y ? 1 : 0;
    }
    return strcmp(json_string_value(a), json_string_value(b));
}

static json_t *s_extreme(struct eval *ev, const struct node *call, json_t **args, bool want_max)
{
    if (!json_is_array(args[0]) || !(s_all_numbers(args[0]) || s_all_strings(args[0])))
        return ARG_FAIL(ev, call, 0, "an array of numbers or an array of strings");
    json_t *best = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(args[0], i, x)
    {
        if (!best || (want_max ? s_cmp_values(x, best) > 0 : s_cmp_values(x, best) < 0))
            best = x;
    }
    return best ? json_incref(best) : json_null();
}

static json_t *f_max(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)r;
    (void)n;
    return s_extreme(ev, call, args, true);
}

static json_t *f_min(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)r;
    (void)n;
    return s_extreme(ev, call, args, false);
}

/* Keys of an expression over the elements: all numbers or all strings. */
static json_t **s_keys_by(struct eval *ev, const struct node *call, json_t *arr, const struct node *ref)
{
    size_t len = json_array_size(arr);
    json_t **keys = dw_xcalloc(len ? len : 1, sizeof(json_t *));
    int kind = 0; /* 1 number, 2 string */
    for (size_t i = 0; i < len; i++) {
        keys[i] = dwi_jmes_eval_node(ev, ref, json_array_get(arr, i));
        int k = json_is_number(keys[i]) ? 1 : json_is_string(keys[i]) ? 2 : 0;
        if (!keys[i] || !k || (kind && k != kind)) {
            if (keys[i] && ev->err->kind == DW_JMES_OK)
                dwi_jmes_fail(ev, DW_JMES_INVALID_TYPE, call->offset,
                              "%s() expression must give all numbers or all strings, got %s", call->fn->name,
                              dwi_jmes_type_name(keys[i]));
            for (size_t j = 0; j <= i; j++)
                json_decref(keys[j]);
            free(keys);
            return NULL;
        }
        kind = k;
    }
    return keys;
}

static json_t *s_extreme_by(struct eval *ev, const struct node *call, json_t **args, const struct node **r,
                            bool want_max)
{
    if (!json_is_array(args[0]))
        return ARG_FAIL(ev, call, 0, "an array");
    if (!r[1])
        return ARG_FAIL(ev, call, 1, "an expression (&...)");
    json_t **keys = s_keys_by(ev, call, args[0], r[1]);
    if (!keys)
        return NULL;
    size_t len = json_array_size(args[0]), best = 0;
    for (size_t i = 1; i < len; i++) {
        int c = s_cmp_values(keys[i], keys[best]);
        if (want_max ? c > 0 : c < 0)
            best = i;
    }
    json_t *out = len ? json_incref(json_array_get(args[0], best)) : json_null();
    for (size_t i = 0; i < len; i++)
        json_decref(keys[i]);
    free(keys);
    return out;
}

static json_t *f_max_by(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)n;
    return s_extreme_by(ev, call, args, r, true);
}

static json_t *f_min_by(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)n;
    return s_extreme_by(ev, call, args, r, false);
}

static json_t *f_merge(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)r;
    json_t *out = json_object();
    for (size_t i = 0; i < n; i++) {
        if (!json_is_object(args[i])) {
            json_decref(out);
            return ARG_FAIL(ev, call, i, "an object");
        }
        json_object_update(out, args[i]);
    }
    return out;
}

static json_t *f_not_null(struct eval *ev, const struct node *call, json_t **args, const struct node **r,
                          size_t n)
{
    (void)ev;
    (void)call;
    (void)r;
    for (size_t i = 0; i < n; i++) {
        if (!json_is_null(args[i]))
            return json_incref(args[i]);
    }
    return json_null();
}

static json_t *f_reverse(struct eval *ev, const struct node *call, json_t **args, const struct node **r,
                         size_t n)
{
    (void)r;
    (void)n;
    if (json_is_array(args[0])) {
        json_t *out = json_array();
        for (size_t i = json_array_size(args[0]); i > 0; i--)
            json_array_append(out, json_array_get(args[0], i - 1));
        return out;
    }
    if (!json_is_string(args[0]))
        return ARG_FAIL(ev, call, 0, "an array or a string");
    /* Reverse by code point, keeping each UTF-8 sequence intact. */
    const char *s = json_string_value(args[0]);
    size_t len = json_string_length(args[0]);
    char *o = dw_xmalloc(len + 1);
    size_t w = len;
    for (size_t i = 0; i < len;) {
        size_t k = 1;
        while (i + k < len && ((unsigned char)s[i + k] & 0xC0) == 0x80)
            k++;
        w -= k;
        memcpy(o + w, s + i, k);
        i += k;
    }
    json_t *out = json_stringn(o, len);
    free(o);
    return out;
}

static int s_qsort_cmp(const void *a, const void *b)
{
    return s_cmp_values(*(json_t *const *)a, *(json_t *const *)b);
}

static json_t *f_sort(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)r;
    (void)n;
    if (!json_is_array(args[0]) || !(s_all_numbers(args[0]) || s_all_strings(args[0])))
        return ARG_FAIL(ev, call, 0, "an array of numbers or an array of strings");
    size_t len = json_array_size(args[0]);
    json_t **v = dw_xcalloc(len ? len : 1, sizeof(json_t *));
    for (size_t i = 0; i < len; i++)
        v[i] = json_array_get(args[0], i);
    qsort(v, len, sizeof(json_t *), s_qsort_cmp);
    json_t *out = json_array();
    for (size_t i = 0; i < len; i++)
        json_array_append(out, v[i]);
    free(v);
    return out;
}

struct s_pair {
    json_t *key;
    size_t index;
};

static int s_pair_cmp(const void *a, const void *b)
{
    const struct s_pair *x = a, *y = b;
    int c = s_cmp_values(x->key, y->key);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index; /* stable */
}

static json_t *f_sort_by(struct eval *ev, const struct node *call, json_t **args, const struct node **r,
                         size_t n)
{
    (void)n;
    if (!json_is_array(args[0]))
        return ARG_FAIL(ev, call, 0, "an array");
    if (!r[1])
        return ARG_FAIL(ev, call, 1, "an expression (&...)");
    json_t **keys = s_keys_by(ev, call, args[0], r[1]);
    if (!keys)
        return NULL;
    size_t len = json_array_size(args[0]);
    struct s_pair *p = dw_xcalloc(len ? len : 1, sizeof(*p));
    for (size_t i = 0; i < len; i++) {
        p[i].key = keys[i];
        p[i].index = i;
    }
    qsort(p, len, sizeof(*p), s_pair_cmp);
    json_t *out = json_array();
    for (size_t i = 0; i < len; i++)
        json_array_append(out, json_array_get(args[0], p[i].index));
    for (size_t i = 0; i < len; i++)
        json_decref(keys[i]);
    free(keys);
    free(p);
    return out;
}

static json_t *f_sum(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)r;
    (void)n;
    if (!json_is_array(args[0]) || !s_all_numbers(args[0]))
        return ARG_FAIL(ev, call, 0, "an array of numbers");
    double sum = 0;
    bool all_int = true;
    json_int_t isum = 0;
    size_t i;
    json_t *x;
    json_array_foreach(args[0], i, x)
    {
        sum += json_number_value(x);
        all_int = all_int && json_is_integer(x);
        if (all_int)
            isum += json_integer_value(x);
    }
    return all_int ? json_integer(isum) : json_real(sum);
}

static json_t *f_to_array(struct eval *ev, const struct node *call, json_t **args, const struct node **r,
                          size_t n)
{
    (void)ev;
    (void)call;
    (void)r;
    (void)n;
    if (json_is_array(args[0]))
        return json_incref(args[0]);
    json_t *out = json_array();
    json_array_append(out, args[0]);
    return out;
}

static json_t *f_to_string(struct eval *ev, const struct node *call, json_t **args, const struct node **r,
                           size_t n)
{
    (void)ev;
    (void)call;
    (void)r;
    (void)n;
    if (json_is_string(args[0]))
        return json_incref(args[0]);
    char *s = json_dumps(args[0], JSON_COMPACT | JSON_ENCODE_ANY);
    json_t *out = json_string(s ? s : "null");
    free(s);
    return out;
}

static json_t *f_to_number(struct eval *ev, const struct node *call, json_t **args, const struct node **r,
                           size_t n)
{
    (void)ev;
    (void)call;
    (void)r;
    (void)n;
    if (json_is_number(args[0]))
        return json_incref(args[0]);
    if (!json_is_string(args[0]))
        return json_null();
    json_error_t je;
    json_t *v = json_loadb(json_string_value(args[0]), json_string_length(args[0]), JSON_DECODE_ANY, &je);
    if (json_is_number(v))
        return v;
    json_decref(v);
    return json_null();
}

static json_t *f_type(struct eval *ev, const struct node *call, json_t **args, const struct node **r, size_t n)
{
    (void)ev;
    (void)call;
    (void)r;
    (void)n;
    return json_string(dwi_jmes_type_name(args[0]));
}

static const struct func_def s_funcs[] = {
    {"abs", 1, 1, f_abs},           {"avg", 1, 1, f_avg},
    {"ceil", 1, 1, f_ceil},         {"contains", 2, 2, f_contains},
    {"ends_with", 2, 2, f_ends_with}, {"floor", 1, 1, f_floor},
    {"join", 2, 2, f_join},         {"keys", 1, 1, f_keys},
    {"length", 1, 1, f_length},     {"map", 2, 2, f_map},
    {"max", 1, 1, f_max},           {"max_by", 2, 2, f_max_by},
    {"merge", 1, -1, f_merge},      {"min", 1, 1, f_min},
    {"min_by", 2, 2, f_min_by},     {"not_null", 1, -1, f_not_null},
    {"reverse", 1, 1, f_reverse},   {"sort", 1, 1, f_sort},
    {"sort_by", 2, 2, f_sort_by},   {"starts_with", 2, 2, f_starts_with},
    {"sum", 1, 1, f_sum},           {"to_array", 1, 1, f_to_array},
    {"to_number", 1, 1, f_to_number}, {"to_string", 1, 1, f_to_string},
    {"type", 1, 1, f_type},         {"values", 1, 1, f_values},
};

const struct func_def *dwi_jmes_func_find(const char *name, size_t len)
{
    for (size_t i = 0; i < DW_ARRAY_LEN(s_funcs); i++) {
        if (strlen(s_funcs[i].name) == len && memcmp(s_funcs[i].name, name, len) == 0)
            return &s_funcs[i];
    }
    return NULL;
}
