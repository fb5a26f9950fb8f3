/* test_finding.c: the finding module against hand-written tables: the key,
 * the names, the vector, the check and the views of a report read back, and the control
 * registry (built-in, custom, ACCOUNT) the CLI and the config iterate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dbward/dbward.h>
#include <dbward/finding.h>

static void test_key(void **state)
{
    (void)state;
    static const struct {
        const char *a, *r, *c, *id, *want;
    } cases[] = {
        {"123456789012", "us-east-1", "DDB-02", "arn:aws:dynamodb:us-east-1:123456789012:table/t",
         "123456789012|us-east-1|DDB-02|arn:aws:dynamodb:us-east-1:123456789012:table/t"},
        {"1", "global", "ACC-01", "", "1|global|ACC-01|"},
        {NULL, NULL, NULL, NULL, "|||"},
        {"a|b", "r", "C", "x", "a|b|r|C|x"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *k = dw_finding_key(cases[i].a, cases[i].r, cases[i].c, cases[i].id);
        assert_string_equal(k, cases[i].want);
        free(k);
    }
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(dw_result_str(DW_NOT_APPLICABLE), "NOT_APPLICABLE");
    assert_string_equal(dw_result_str(DW_RESULT_COUNT), "?");
    assert_string_equal(dw_severity_str(DW_SEV_CRITICAL), "critical");
    assert_string_equal(dw_fix_kind_str(DW_FIX_RECREATE), "recreate");
    enum dw_severity s = DW_SEV_LOW;
    assert_true(dw_severity_parse("HIGH", &s));
    assert_int_equal(s, DW_SEV_HIGH);
    assert_false(dw_severity_parse("severe", &s));
}

static void test_vector(void **state)
{
    (void)state;
    struct dw_findings f = {0};
    for (int i = 0; i < 200; i++) {
        struct dw_finding *x = dw_findings_push(&f);
        assert_null(x->reason);
        x->reason = strdup("r");
    }
    assert_int_equal(f.n, 200);
    dw_findings_clean_up(&f);
    assert_int_equal(f.n, 0);
    dw_findings_clean_up(&f); /* idempotent */
}

static void test_doc_check(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        enum dw_status want;
        const char *msg; /* the start of the message */
    } cases[] = {
        {"{\"tool\":{\"name\":\"dbward\"},\"schema_version\":1,\"findings\":[]}", DW_OK, ""},
        {"{\"findings\":[]}", DW_E_SCHEMA, "not a dbward JSON report"},
        {"{\"tool\":{\"name\":\"dbward\"},\"schema_version\":1}", DW_E_SCHEMA, "not a dbward JSON report"},
        {"{\"tool\":{\"name\":\"other\"},\"schema_version\":1,\"findings\":[]}", DW_E_SCHEMA, "not a dbward"},
        {"[]", DW_E_SCHEMA, "not a dbward JSON report"},
        {"{\"tool\":{\"name\":\"dbward\"},\"schema_version\":2,\"findings\":[]}", DW_OK, ""},
        {"{\"tool\":{\"name\":\"dbward\",\"version\":\"9\"},\"schema_version\":3,\"findings\":[]}", DW_E_SCHEMA,
         "report schema_version 3 (dbward 9) cannot be read by this dbward, which reads schema_version 1 to 2"},
        {"{\"tool\":{\"name\":\"dbward\"},\"schema_version\":0,\"findings\":[]}", DW_E_SCHEMA,
         "report schema_version 0"},
        {"{\"tool\":{\"name\":\"dbward\"},\"schema_version\":\"1\",\"findings\":[]}", DW_E_SCHEMA,
         "report schema_version 0"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *doc = json_loads(cases[i].json, 0, NULL);
        assert_non_null(doc);
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        assert_int_equal(dw_report_doc_check(doc, "r.json", &err), cases[i].want);
        if (cases[i].want) {
            assert_string_equal(err.source, "r.json");
            assert_memory_equal(err.message, cases[i].msg, strlen(cases[i].msg));
        }
        json_decref(doc);
    }
}

static void test_view(void **state)
{
    (void)state;
    json_t *doc = json_loads("{\"tool\":{\"name\":\"dbward\"},\"schema_version\":1,\"findings\":["
                             "{\"control_id\":\"DDB-02\",\"status\":\"FAIL\",\"severity\":\"high\","
                             "\"resource_id\":\"arn:t\",\"region\":\"eu-west-1\",\"account_id\":\"1\","
                             "\"reason\":\"why\",\"remediation\":{\"kind\":\"in-place\",\"commands\":[\"aws x\"],"
                             "\"notes\":[]}},{\"status\":7}]}",
                             0, NULL);
    assert_non_null(doc);
    assert_int_equal(dw_report_doc_count(doc), 2);
    struct dw_finding_view v;
    dw_report_doc_finding(doc, 0, &v);
    assert_string_equal(v.control_id, "DDB-02");
    assert_string_equal(v.status, "FAIL");
    assert_string_equal(v.severity, "high");
    assert_string_equal(v.fix_kind, "in-place");
    assert_int_equal(json_array_size(v.commands), 1);
    assert_int_equal(json_array_size(v.notes), 0);
    char *k = dw_finding_view_key(&v);
    assert_string_equal(k, "1|eu-west-1|DDB-02|arn:t");
    free(k);
    /* Absent or not a string: NULL, never a made-up value. */
    dw_report_doc_finding(doc, 1, &v);
    assert_null(v.status);
    assert_null(v.control_id);
    assert_null(v.fix_kind);
    assert_null(v.commands);
    assert_string_equal(dw_str_or_empty(v.reason), "");
    k = dw_finding_view_key(&v);
    assert_string_equal(k, "|||");
    free(k);
    json_decref(doc);
}

static void test_registry(void **state)
{
    (void)state;
    struct dw_control custom = {.id = "CUS-07", .title = "custom"};
    const struct dw_control *extra[] = {&custom};
    size_t n = dw_registry_count(extra, 1);
    /* The built-in catalog, the custom control, then ACCOUNT. */
    assert_int_equal(n, dw_catalog_count() + 2);
    assert_ptr_equal(dw_registry_get(extra, 1, dw_catalog_count()), &custom);
    assert_ptr_equal(dw_registry_get(extra, 1, n - 1), dw_account_control());
    assert_null(dw_registry_get(extra, 1, n));
    assert_string_equal(dw_account_control()->id, "ACCOUNT");
    assert_ptr_equal(dw_registry_find(extra, 1, "cus-07"), &custom);
    assert_ptr_equal(dw_registry_find(NULL, 0, "account"), dw_account_control());
    assert_null(dw_registry_find(NULL, 0, "CUS-07"));
    assert_true(dw_registry_any(extra, 1, "CUS-*"));
    assert_false(dw_registry_any(NULL, 0, "CUS-*"));
    assert_true(dw_registry_any(NULL, 0, "ACC*"));
    assert_false(dw_registry_any(NULL, 0, "ZZZ-*"));
    /* Every built-in row names its peers inline, and only ACCOUNT lacks an evaluator. */
    for (size_t i = 0; i < n; i++) {
        const struct dw_control *c = dw_registry_get(extra, 1, i);
        if (c == &custom)
            continue;
        assert_non_null(c->peers);
        assert_string_equal(c->peers->id, c->id);
        assert_ptr_equal(dw_control_peers(c->id), c->peers);
        if (c != dw_account_control())
            assert_non_null(c->eval);
    }
    assert_null(dw_account_control()->eval);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key),       cmocka_unit_test(test_names),    cmocka_unit_test(test_vector),
        cmocka_unit_test(test_doc_check), cmocka_unit_test(test_view),     cmocka_unit_test(test_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
