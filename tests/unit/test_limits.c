/* test_limits.c: each nesting limit of a parser of outside input, at the
 * limit (accepted) and one past it (a clear error, never a crash):
 * snapshot JSON (jansson's parser depth, 2048), dbward.yaml (64 levels),
 * Query/EC2 XML answers (libxml2's element depth, 256), and the capped
 * buffer that bounds every file and response body. The JMESPath depth
 * limits are in test_jmespath.c, the page limit and the response body limit
 * in tests/live/test_limits.sh, the snapshot file size in
 * tests/cli/test_limits.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <dbward/config.h>
#include <dbward/snapshot.h>

#include "awsapi/awsapi_int.h"
#include "util/util.h"

#define S_JSON_MAX_DEPTH 2048 /* jansson's JSON_PARSER_MAX_DEPTH */
#define S_XML_MAX_DEPTH 256   /* libxml2's xmlParserMaxDepth without XML_PARSE_HUGE */

static char *s_repeat(const char *open, const char *mid, const char *close, int n)
{
    struct dw_buf b;
    dw_buf_init(&b, (size_t)1 << 24);
    for (int i = 0; i < n; i++)
        dw_buf_puts(&b, open);
    dw_buf_puts(&b, mid);
    for (int i = 0; i < n; i++)
        dw_buf_puts(&b, close);
    return dw_buf_steal(&b);
}

static void test_json_depth(void **state)
{
    (void)state;
    /* {"a": [[[ ... ]]]}: the object is one level, the arrays the rest. */
    char *inner = s_repeat("[", "", "]", S_JSON_MAX_DEPTH - 1);
    char *doc = dw_xasprintf("{\"a\": %s}", inner);
    json_t *j = NULL;
    struct dw_error err;
    assert_int_equal(dw_json_load_buffer(doc, strlen(doc), "at-limit.json", &j, &err), DW_OK);
    json_decref(j);
    free(doc);
    free(inner);
    inner = s_repeat("[", "", "]", S_JSON_MAX_DEPTH);
    doc = dw_xasprintf("{\"a\": %s}", inner);
    j = NULL;
    memset(&err, 0, sizeof(err));
    assert_int_not_equal(dw_json_load_buffer(doc, strlen(doc), "past-limit.json", &j, &err), DW_OK);
    assert_null(j);
    assert_string_equal(err.source, "past-limit.json");
    assert_true(err.line == 1 && err.column > S_JSON_MAX_DEPTH);
    assert_non_null(strstr(err.message, "depth"));
    free(doc);
    free(inner);
}

static void test_yaml_depth(void **state)
{
    (void)state;
    /* parameters: {x: [[[...]]]}: the top map and the parameters map are two levels. */
    for (int extra = 0; extra <= 1; extra++) {
        char *inner = s_repeat("[", "1", "]", 62 + extra);
        char *doc = dw_xasprintf("parameters:\n  x: %s\n", inner);
        struct dw_config *c = NULL;
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        enum dw_status rc = dw_config_load_buffer(doc, strlen(doc), "deep.yaml", &c, &err);
        if (extra == 0) {
            /* At the limit the depth check passes; the value is then refused for its type. */
            assert_null(strstr(err.message, "nested deeper"));
        } else {
            assert_int_not_equal(rc, DW_OK);
            assert_non_null(strstr(err.message, "nested deeper than 64 levels"));
            assert_string_equal(err.source, "deep.yaml");
            assert_true(err.line >= 1);
        }
        dw_config_free(c);
        free(doc);
        free(inner);
    }
}

static void test_xml_depth(void **state)
{
    (void)state;
    struct dw_aws_models *m = dw_aws_models_load();
    assert_non_null(m);
    /* 255 unknown elements inside the result are the most libxml2 takes; they are skipped. */
    for (int extra = 0; extra <= 1; extra++) {
        char *inner = s_repeat("<x>", "", "</x>", S_XML_MAX_DEPTH - 1 + extra);
        char *doc = dw_xasprintf("<GetCallerIdentityResponse><GetCallerIdentityResult>%s<Account>123456789012"
                                 "</Account></GetCallerIdentityResult></GetCallerIdentityResponse>",
                                 inner);
        json_t *out = NULL;
        char *code = NULL, *msg = NULL;
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        enum dw_status rc = dw_aws_response_parse(m, "sts", "get-caller-identity", 200, doc, strlen(doc), &out,
                                                  &code, &msg, &err);
        if (extra == 0) {
            assert_int_equal(rc, DW_OK);
            assert_string_equal(json_string_value(json_object_get(out, "Account")), "123456789012");
        } else {
            assert_int_not_equal(rc, DW_OK);
            assert_true(err.message[0] != '\0');
        }
        json_decref(out);
        free(code);
        free(msg);
        free(doc);
        free(inner);
    }
    dw_aws_models_free(m);
}

static void test_buffer_cap(void **state)
{
    (void)state;
    char path[] = "/tmp/dw-limit-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    for (int i = 0; i < 1000; i++)
        fputc('x', f);
    fclose(f);
    struct dw_buf b;
    dw_buf_init(&b, 1000);
    assert_int_equal(dw_buf_read_file(&b, path), DW_OK);
    assert_int_equal(b.len, 1000);
    dw_buf_clean_up(&b);
    dw_buf_init(&b, 999);
    assert_int_equal(dw_buf_read_file(&b, path), DW_E_TOO_BIG);
    dw_buf_clean_up(&b);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_json_depth), cmocka_unit_test(test_yaml_depth),
                                       cmocka_unit_test(test_xml_depth), cmocka_unit_test(test_buffer_cap)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
