/* test_util.c: glob matching and set questions, ISO 8601 parsing, capped
 * buffers (shell quoting is in test_shell.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/util.h"

/* Heap strings: a format shorter than the stack buffer, one at its size and
 * one past it (formatted twice), against snprintf's own answer; a join. */
static void test_strings(void **state)
{
    (void)state;
    for (size_t n = 250; n <= 262; n++) {
        char *want = malloc(n + 8);
        char *pad = malloc(n + 1);
        memset(pad, 'x', n);
        pad[n] = '\0';
        snprintf(want, n + 8, "<%s>%d", pad, 7);
        char *got = dw_xasprintf("<%s>%d", pad, 7);
        assert_string_equal(got, want);
        assert_int_equal(strlen(got), n + 3);
        free(got);
        free(want);
        free(pad);
    }
    char *j = dw_xstrjoin("us-east-1", "/", "dynamodb", "", "/", "describe-table");
    assert_string_equal(j, "us-east-1/dynamodb/describe-table");
    free(j);
    j = dw_xstrjoin("");
    assert_string_equal(j, "");
    free(j);
}

static void test_glob_match(void **state)
{
    (void)state;
    static const struct {
        const char *pat, *s;
        bool nocase, want;
    } cases[] = {
        {"dynamodb:*", "dynamodb:GetItem", true, true},
        {"dynamodb:*", "DynamoDB:GetItem", true, true},
        {"dynamodb:*", "DynamoDB:GetItem", false, false},
        {"dynamodb:Get*", "dynamodb:PutItem", true, false},
        {"*", "", false, true},
        {"", "", false, true},
        {"", "a", false, false},
        {"a?c", "abc", false, true},
        {"a?c", "ac", false, false},
        {"*a*b*c*", "xxaxxbxxcxx", false, true},
        {"*a*b*c*", "xxaxxcxxbxx", false, false},
        {"arn:aws:dynamodb:*:*:table/*", "arn:aws:dynamodb:us-east-1:1:table/t", false, true},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        if (dw_glob_match(cases[i].pat, cases[i].s, cases[i].nocase) != cases[i].want)
            fail_msg("glob case %zu: %s vs %s", i, cases[i].pat, cases[i].s);
    }
}

static void test_glob_sets(void **state)
{
    (void)state;
    static const struct {
        const char *pat, *prefix;
        bool covers, meets;
    } cases[] = {
        {"dynamodb:*", "dynamodb:", true, true},
        {"*", "dynamodb:", true, true},
        {"dyn*", "dynamodb:", true, true},
        {"dynamodb:Get*", "dynamodb:", false, true},
        {"s3:*", "dynamodb:", false, false},
        {"*:*", "dynamodb:", true, true},
        {"d?namodb:*", "dynamodb:", true, true},
        {"dynamodb:", "dynamodb:", false, true},
        {"dynamodb:?", "dynamodb:", false, true},
        {"*Item", "dynamodb:", false, true},
        {"iam:*", "", false, true},
        {"**", "", true, true},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        if (dw_glob_covers_prefix(cases[i].pat, cases[i].prefix, true) != cases[i].covers)
            fail_msg("covers case %zu: %s / %s", i, cases[i].pat, cases[i].prefix);
        if (dw_glob_meets_prefix(cases[i].pat, cases[i].prefix, true) != cases[i].meets)
            fail_msg("meets case %zu: %s / %s", i, cases[i].pat, cases[i].prefix);
    }
}

static void test_time(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        bool ok;
        int64_t want;
    } cases[] = {
        {"1970-01-01T00:00:00Z", true, 0},
        {"2026-01-10T00:00:00Z", true, 1768003200},
        {"2026-01-10T01:00:00+01:00", true, 1768003200},
        {"2026-01-09T19:00:00-05:00", true, 1768003200},
        {"2026-01-10T00:00:00.123456+00:00", true, 1768003200},
        {"2026-01-10", true, 1768003200},
        {"2000-02-29T12:00:00Z", true, 951825600},
        {"2026-13-01T00:00:00Z", false, 0},
        {"2026-01-10T00:00Z", false, 0},
        {"2026-01-10T00:00:00Zjunk", false, 0},
        {"", false, 0},
        {"2026-01-10T00:00:00.Z", false, 0},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        int64_t got = -1;
        bool ok = dw_time_parse_iso8601(cases[i].in, &got);
        if (ok != cases[i].ok || (ok && got != cases[i].want))
            fail_msg("time case %zu (%s): ok=%d got=%lld", i, cases[i].in, ok, (long long)got);
    }
    char buf[32];
    dw_time_format_iso8601(951825600, buf, sizeof(buf));
    assert_string_equal(buf, "2000-02-29T12:00:00Z");
    dw_time_format_iso8601(-1, buf, sizeof(buf));
    assert_string_equal(buf, "1969-12-31T23:59:59Z");
}

static void test_buf_cap(void **state)
{
    (void)state;
    struct dw_buf b;
    dw_buf_init(&b, 8);
    dw_buf_puts(&b, "12345678");
    assert_int_equal(b.st, DW_OK);
    assert_int_equal(b.len, 8);
    dw_buf_puts(&b, "9");
    assert_int_equal(b.st, DW_E_TOO_BIG);
    dw_buf_puts(&b, "");
    assert_int_equal(b.len, 8); /* sticky: nothing appended after the failure */
    assert_null(dw_buf_steal(&b));
    dw_buf_init(&b, 100);
    dw_buf_printf(&b, "%d-%s", 42, "x");
    char *s = dw_buf_steal(&b);
    assert_string_equal(s, "42-x");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings),    cmocka_unit_test(test_glob_match), cmocka_unit_test(test_glob_sets),
        cmocka_unit_test(test_time),       cmocka_unit_test(test_buf_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
