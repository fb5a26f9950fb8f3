/* test_jmespath.c: the engine's limits, at the limit and one past it, and
 * error positions and reuse of a compiled expression. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dbward/jmespath.h>

#include "util/util.h"

/* "((((a))))" with n pairs of parentheses. */
static char *s_nested(int n)
{
    char *s = dw_xmalloc((size_t)n * 2 + 2);
    memset(s, '(', (size_t)n);
    s[n] = 'a';
    memset(s + n + 1, ')', (size_t)n);
    s[2 * n + 1] = '\0';
    return s;
}

static void test_depth_limit(void **state)
{
    (void)state;
    struct dw_jmes *j = NULL;
    struct dw_jmes_error err;
    /* Each parenthesis level costs one expression level; the whole thing one more. */
    char *at = s_nested(DW_JMES_MAX_DEPTH - 1);
    assert_int_equal(dw_jmes_compile(at, strlen(at), &j, &err), DW_OK);
    json_t *doc = json_pack("{s:i}", "a", 7);
    json_t *out = dw_jmes_eval(j, doc, &err);
    assert_int_equal(json_integer_value(out), 7);
    json_decref(out);
    dw_jmes_free(j);
    char *past = s_nested(DW_JMES_MAX_DEPTH);
    assert_int_equal(dw_jmes_compile(past, strlen(past), &j, &err), DW_E_PARSE);
    assert_int_equal(err.kind, DW_JMES_LIMIT);
    assert_non_null(strstr(err.message, "nested deeper than 256"));
    free(at);
    free(past);
    json_decref(doc);
}

static json_t *s_array(int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_integer(i));
    return json_pack("{s:o}", "a", a);
}

static void test_size_limit(void **state)
{
    (void)state;
    /* map() counts one value per element and the multi-select one per item:
     * 16 per element, so limit/16 elements land exactly on the limit. */
    const char *expr = "map(&[@, @, @, @, @, @, @, @, @, @, @, @, @, @, @], a)";
    struct dw_jmes *j = NULL;
    struct dw_jmes_error err;
    assert_int_equal(dw_jmes_compile(expr, strlen(expr), &j, &err), DW_OK);
    int at = (int)(DW_JMES_MAX_VALUES / 16);
    json_t *doc = s_array(at);
    json_t *out = dw_jmes_eval(j, doc, &err);
    assert_non_null(out);
    assert_int_equal(json_array_size(out), (size_t)at);
    json_decref(out);
    json_decref(doc);
    doc = s_array(at + 1);
    out = dw_jmes_eval(j, doc, &err);
    assert_null(out);
    assert_int_equal(err.kind, DW_JMES_LIMIT);
    assert_non_null(strstr(err.message, "exceed 4194304 values"));
    json_decref(doc);
    dw_jmes_free(j);
}

static void test_reuse_and_positions(void **state)
{
    (void)state;
    struct dw_jmes *j = NULL;
    struct dw_jmes_error err;
    const char *e = "Table.SSEDescription.Status";
    assert_int_equal(dw_jmes_compile(e, strlen(e), &j, &err), DW_OK);
    for (int i = 0; i < 3; i++) {
        json_t *doc = json_pack("{s:{s:{s:s}}}", "Table", "SSEDescription", "Status", i ? "ENABLED" : "DISABLED");
        json_t *out = dw_jmes_eval(j, doc, &err);
        assert_string_equal(json_string_value(out), i ? "ENABLED" : "DISABLED");
        json_decref(out);
        json_decref(doc);
    }
    dw_jmes_free(j);
    static const struct {
        const char *expr;
        enum dw_jmes_err_kind kind;
        size_t offset;
    } bad[] = {
        {"a.", DW_JMES_SYNTAX, 2},      {"a[?b==]", DW_JMES_SYNTAX, 6}, {"foo(a)", DW_JMES_UNKNOWN_FUNCTION, 0},
        {"x | abs(a, b)", DW_JMES_INVALID_ARITY, 4}, {"a[::0]", DW_JMES_INVALID_VALUE, 1}, {"`{`", DW_JMES_SYNTAX, 1},
        {"a = b", DW_JMES_SYNTAX, 2},   {"'abc", DW_JMES_SYNTAX, 0},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(bad); i++) {
        enum dw_status rc = dw_jmes_compile(bad[i].expr, strlen(bad[i].expr), &j, &err);
        if (rc != DW_E_PARSE || err.kind != bad[i].kind || err.offset != bad[i].offset)
            fail_msg("case %zu (%s): kind %s offset %zu", i, bad[i].expr, dw_jmes_err_kind_str(err.kind), err.offset);
    }
    /* A runtime type error names the function's position. */
    assert_int_equal(dw_jmes_compile("a | length(b)", 13, &j, &err), DW_OK);
    json_t *doc = json_pack("{s:{s:i}}", "a", "b", 1);
    assert_null(dw_jmes_eval(j, doc, &err));
    assert_int_equal(err.kind, DW_JMES_INVALID_TYPE);
    assert_int_equal(err.offset, 4);
    json_decref(doc);
    dw_jmes_free(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_depth_limit), cmocka_unit_test(test_size_limit),
                                       cmocka_unit_test(test_reuse_and_positions)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
