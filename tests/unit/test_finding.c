/* test_finding.c: the finding module against hand-written tables: the key,
 * the names, the vector, the copy, the index by key, the check and the
 * findings of a report read back (dw_report_load), and the control
 * registry (built-in, custom, ACCOUNT) the CLI and the config iterate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dbward/dbward.h>
#include <dbward/finding.h>
#include <dbward/report.h>

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
        /* A '|' or '\\' of the first three parts is escaped; the resource's is not. */
        {"a|b", "r", "C", "x|y", "a\\|b|r|C|x|y"},
        {"a\\", "r\\|", "C", "\\", "a\\\\|r\\\\\\||C|\\"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *k = dw_finding_key(cases[i].a, cases[i].r, cases[i].c, cases[i].id);
        assert_string_equal(k, cases[i].want);
        free(k);
    }
    /* Parts that concatenate alike are different keys: account 1 in region
     * x|r, account 1|x in region r; region r\ and control C, region r and
     * control \|C. */
    static const char *pairs[][2][4] = {
        {{"1", "x|r", "DDB-02", "t"}, {"1|x", "r", "DDB-02", "t"}},
        {{"1", "r\\", "C", "t"}, {"1", "r", "\\|C", "t"}},
        {{"1", "r", "C|t", ""}, {"1", "r", "C", "t|"}},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        char *k1 = dw_finding_key(pairs[i][0][0], pairs[i][0][1], pairs[i][0][2], pairs[i][0][3]);
        char *k2 = dw_finding_key(pairs[i][1][0], pairs[i][1][1], pairs[i][1][2], pairs[i][1][3]);
        assert_string_not_equal(k1, k2);
        free(k1);
        free(k2);
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
        struct dw_report_loaded *r = NULL;
        assert_int_equal(dw_report_load(doc, "r.json", NULL, 0, &r, &err), cases[i].want);
        if (cases[i].want) {
            assert_null(r);
            assert_string_equal(err.source, "r.json");
            assert_memory_equal(err.message, cases[i].msg, strlen(cases[i].msg));
        }
        dw_report_loaded_free(r);
        json_decref(doc);
    }
}

/* a b c, a new string. */
static char *s_cat(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

static void test_copy(void **state)
{
    (void)state;
    static const struct dw_control c = {.id = "DDB-02"};
    char *cmds[] = {"aws a", "aws b"};
    struct dw_finding x = {.control = &c, .status = DW_MUTED, .severity = DW_SEV_LOW, .resource_id = "r",
                           .region = "global", .account_id = "1", .reason = "why", .commands = cmds,
                           .n_commands = 2, .muted_from = DW_ERROR, .muted_reason = "known"};
    struct dw_findings f = {0};
    dw_findings_push_copy(&f, &x);
    const struct dw_finding *y = &f.v[0];
    assert_ptr_equal(y->control, &c);
    assert_int_equal(y->status, DW_MUTED);
    assert_int_equal(y->muted_from, DW_ERROR);
    assert_string_equal(y->resource_id, "r");
    assert_ptr_not_equal(y->resource_id, x.resource_id);
    assert_ptr_not_equal(y->commands, x.commands);
    assert_int_equal(y->n_commands, 2);
    assert_string_equal(y->commands[1], "aws b");
    assert_null(y->resource_type); /* NULL stays NULL */
    assert_null(y->notes);
    assert_null(y->muted_until);
    assert_string_equal(y->muted_reason, "known");
    dw_findings_clean_up(&f);
}

/* The index against a plain list: each key once, in order of first
 * addition, found again after the table grows; absent keys are absent. */
static void test_index(void **state)
{
    (void)state;
    struct dw_finding_index x = {0};
    assert_null(dw_finding_index_get(&x, "a"));
    char key[32];
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 500; i++) {
            snprintf(key, sizeof(key), "k%d", i * 7 % 500);
            bool added = false;
            struct dw_finding_slot *s = dw_finding_index_at(&x, key, &added);
            assert_int_equal(added, round == 0);
            assert_string_equal(s->key, key);
            s->from = (size_t)round;
        }
    }
    assert_int_equal(x.n, 500);
    for (int i = 0; i < 500; i++) {
        snprintf(key, sizeof(key), "k%d", i * 7 % 500);
        assert_string_equal(x.v[i].key, key);
        assert_ptr_equal(dw_finding_index_get(&x, key), &x.v[i]);
        assert_int_equal(x.v[i].from, 1);
    }
    assert_null(dw_finding_index_get(&x, "k500"));
    assert_null(dw_finding_index_get(&x, ""));
    dw_finding_index_clean_up(&x);
    assert_int_equal(x.n, 0);
    dw_finding_index_clean_up(&x); /* idempotent */
}

static void test_read_back(void **state)
{
    (void)state;
    static const char head[] = "{\"tool\":{\"name\":\"dbward\",\"version\":\"0.9\"},\"schema_version\":1,\"findings\":[";
    static const char first[] =
        "{\"control_id\":\"DDB-02\",\"status\":\"FAIL\",\"severity\":\"high\","
        "\"resource_id\":\"arn:t\",\"region\":\"eu-west-1\",\"account_id\":\"1\","
        "\"reason\":\"why\",\"remediation\":{\"kind\":\"in-place\",\"commands\":[\"aws x\", 7],"
        "\"notes\":[]}}";
    char *text = NULL;
    /* A finding and its key. */
    text = s_cat(head, first, "]}");
    json_t *doc = json_loads(text, 0, NULL);
    free(text);
    assert_non_null(doc);
    struct dw_report_loaded *r = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    assert_int_equal(dw_report_load(doc, "r.json", NULL, 0, &r, &err), DW_OK);
    assert_int_equal(r->findings.n, 1);
    const struct dw_finding *f = &r->findings.v[0];
    assert_string_equal(f->control->id, "DDB-02");
    assert_int_equal(f->status, DW_FAIL);
    assert_int_equal(f->severity, DW_SEV_HIGH);
    assert_int_equal(f->control->fix_kind, DW_FIX_IN_PLACE);
    assert_int_equal(f->n_commands, 1); /* the number is not a command */
    assert_string_equal(f->commands[0], "aws x");
    assert_int_equal(f->n_notes, 0);
    assert_string_equal(f->resource_type, ""); /* absent: empty, never a made-up value */
    assert_string_equal(r->tool_version, "0.9");
    assert_string_equal(r->meta.account_id, "");
    assert_string_equal(r->meta.partition, "aws");
    assert_false(r->meta.has_run);
    char *k = dw_finding_key(f->account_id, f->region, f->control->id, f->resource_id);
    assert_string_equal(k, "1|eu-west-1|DDB-02|arn:t");
    free(k);
    dw_report_loaded_free(r);
    json_decref(doc);
    /* A finding without a control id, or with a status that is not a string: refused, naming it. */
    static const char *const bad[] = {"{\"status\":7}", "{\"control_id\":\"DDB-02\",\"status\":7,\"severity\":\"high\"}",
                                      "{\"control_id\":\"DDB-02\",\"status\":\"FAIL\",\"severity\":\"severe\"}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        text = s_cat(head, first, ",");
        char *all = s_cat(text, bad[i], "]}");
        free(text);
        doc = json_loads(all, 0, NULL);
        free(all);
        assert_non_null(doc);
        r = NULL;
        assert_int_equal(dw_report_load(doc, "r.json", NULL, 0, &r, &err), DW_E_SCHEMA);
        assert_null(r);
        assert_string_equal(err.message,
                            "finding 1 has no control_id, or a status or severity dbward does not know");
        json_decref(doc);
    }
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
        cmocka_unit_test(test_doc_check), cmocka_unit_test(test_read_back),
        cmocka_unit_test(test_copy),      cmocka_unit_test(test_index),     cmocka_unit_test(test_registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
