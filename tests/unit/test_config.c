/* test_config.c: dbward.yaml loading: a full valid file, and table-driven
 * rejections with the exact line, column and message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dbward/config.h>
#include <dbward/dbward.h>

#include "util/util.h"

static void test_valid(void **state)
{
    (void)state;
    static const char yaml[] =
        "version: 1\n"
        "regions: [us-east-1, eu-west-1]\n"
        "controls:\n"
        "  include: [\"DMS-*\", CUS-01]\n"
        "  exclude: DDB-11\n"
        "  severity: {DDB-03: high, cus-01: critical}\n"
        "parameters:\n"
        "  required_tags: [Owner, CostCenter]\n"
        "  backup_max_age_days: 3\n"
        "suppressions:\n"
        "  - control: DDB-10\n"
        "    resource: 'arn:aws:dynamodb:*:*:table/tmp-*'\n"
        "    reason: scratch tables\n"
        "    expires: 2027-01-31\n"
        "custom_controls:\n"
        "  - id: CUS-01\n"
        "    title: On-demand tables\n"
        "    severity: low\n"
        "    nist_csf: [ID.AM-1]\n"
        "    control_statements: [5]\n"
        "    call: dynamodb describe-table\n"
        "    list: Table\n"
        "    id_expression: TableArn\n"
        "    condition: BillingModeSummary.BillingMode == 'PAY_PER_REQUEST'\n"
        "    remediation: aws dynamodb update-table --table-name {TableName} --billing-mode PAY_PER_REQUEST\n";
    struct dw_config *c = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_config_load_buffer(yaml, strlen(yaml), "t.yaml", &c, &err))
        fail_msg("%d:%d %s", err.line, err.column, err.message);
    assert_int_equal(c->n_regions, 2);
    assert_int_equal(c->n_include, 2);
    assert_int_equal(c->n_exclude, 1);
    assert_string_equal(c->exclude[0], "DDB-11");
    assert_int_equal(c->n_sev, 2);
    assert_string_equal(c->sev_ids[1], "cus-01"); /* as written; ids match case-insensitively */
    assert_int_equal(c->sev_values[1], DW_SEV_CRITICAL);
    assert_int_equal(c->n_params, 2);
    assert_string_equal(c->params[0].value, "Owner,CostCenter");
    assert_int_equal(c->n_supp, 1);
    assert_int_equal(c->supp[0].line, 11);
    assert_int_equal(c->n_custom, 1);
    /* The config keeps the text and where it is written; rules compiles it. */
    assert_string_equal(c->custom[0].call.text, "dynamodb describe-table");
    assert_string_equal(c->custom[0].condition.text, "BillingModeSummary.BillingMode == 'PAY_PER_REQUEST'");
    assert_int_equal(c->custom[0].condition.line, 24);
    assert_int_equal(c->custom[0].statements[0], 5);
    struct dw_custom_set set;
    if (dw_custom_build(c, &set, &err))
        fail_msg("%d:%d %s", err.line, err.column, err.message);
    assert_int_equal(set.n, 1);
    assert_string_equal(set.items[0]->call_command, "describe-table");
    assert_int_equal(set.items[0]->n_placeholders, 1);
    assert_int_equal(set.items[0]->control.statements[0], 5);
    assert_ptr_equal(dw_registry_find(set.controls, set.n, "cus-01"), &set.items[0]->control);
    dw_custom_set_clean_up(&set);
    dw_config_free(c);
    /* An empty file is an empty configuration. */
    assert_int_equal(dw_config_load_buffer("", 0, "e.yaml", &c, &err), DW_OK);
    dw_config_free(c);
}

static void test_errors(void **state)
{
    (void)state;
    static const struct {
        const char *yaml;
        int line, column;
        const char *msg;
    } cases[] = {
        {"regions: [us-east-1\n", 2, 1, "did not find expected ',' or ']'"},
        {"regoins: [us-east-1]\n", 1, 1, "unknown key \"regoins\" in dbward.yaml"},
        {"regions: us east\n", 1, 10, "\"us east\" is not a region name"},
        {"- a\n- b\n", 1, 1, "the top level of dbward.yaml must be a mapping"},
        {"controls:\n  severity: {DDB-03: urgent}\n", 2, 22, "severity must be low, medium, high or critical"},
        {"controls:\n  severity: {XYZ-1: high}\n", 2, 14, "severity override for an unknown control \"XYZ-1\""},
        {"parameters:\n  backup_max_age_days: soon\n", 2, 24, "backup_max_age_days must be a whole number"},
        {"parameters:\n  colour: red\n", 2, 3, "unknown parameter \"colour\""},
        {"suppressions:\n  - control: DDB-10\n    reason: ''\n", 3, 13, "a suppression needs a non-empty \"reason\""},
        {"suppressions:\n  - control: DDB-10\n    reason: x\n    expires: next week\n", 4, 14,
         "expires must be a date, YYYY-MM-DD"},
        {"suppressions:\n  - control: NOPE-*\n    reason: x\n", 2, 14, "control NOPE-* matches no control"},
        {"suppressions:\n  - control: DDB-10\n    reason: x\n    owner: me\n", 4, 5, "unknown key \"owner\" in a suppression"},
        {"custom_controls:\n  - id: CUS-1\n    title: t\n    severity: low\n    call: s3 list-buckets\n"
         "    id_expression: a\n    condition: b\n",
         5, 11, "call must be one of the snapshot calls dbward collects"},
        {"custom_controls:\n  - id: CUS-1\n    title: t\n    severity: low\n    call: dynamodb describe-table\n"
         "    id_expression: Table.TableArn\n    condition: Table.ItemCount > `0\n",
         7, 34, "condition: syntax error: unterminated JSON literal"},
        {"custom_controls:\n  - id: CUS-1\n    title: t\n    severity: low\n    call: dynamodb describe-table\n"
         "    id_expression: Table.TableArn\n    condition: \"lenght(Table.TableName) > `3`\"\n",
         7, 17, "condition: unknown-function error: unknown function lenght()"},
        {"custom_controls:\n  - id: DMS-01\n    title: t\n    severity: low\n    call: dynamodb describe-table\n"
         "    id_expression: a\n    condition: b\n",
         2, 9, "id DMS-01 is already taken"},
        {"custom_controls:\n  - id: CUS-1\n    title: t\n    severity: low\n    call: dynamodb describe-table\n"
         "    id_expression: a\n",
         2, 5, "a custom control needs \"condition\""},
        {"custom_controls:\n  - id: CUS-1\n    title: t\n    severity: low\n    call: dynamodb describe-table\n"
         "    id_expression: a\n    condition: b\n    remediation: echo {a[}\n",
         8, 18, "remediation placeholder {a[}: syntax error"},
        {"controls:\n  exclude: [DDB-01, DDB-1l]\n", 2, 21, "controls.exclude DDB-1l matches no control"},
        {"custom_controls:\n  - id: CUS-1\n    title: t\n    severity: low\n    call: dynamodb describe-table\n"
         "    id_expression: a\n    condition: b\n  - id: CUS-1\n    title: t\n    severity: low\n"
         "    call: dynamodb describe-table\n    id_expression: a\n    condition: b\n",
         8, 9, "id CUS-1 is already taken"},
        {"custom_controls:\n  - id: ACCOUNT-1\n    title: t\n    severity: low\n    call: dynamodb describe-table\n"
         "    id_expression: a\n    condition: b\n",
         0, 0, ""},
        {"key: [\n", 2, 1, "did not find expected node content"},
        {"a: &x [*x]\n", 1, 4, "nested deeper than 64 levels"},
        {"a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
         "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
         "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
         1, 20, "more than 100000 nodes once aliases are followed"},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        struct dw_config *c = NULL;
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        enum dw_status rc = dw_config_load_buffer(cases[i].yaml, strlen(cases[i].yaml), "bad.yaml", &c, &err);
        if (rc == DW_OK) {
            /* What needs the catalog or JMESPath is checked when the controls are built. */
            struct dw_custom_set set;
            rc = dw_custom_build(c, &set, &err);
            dw_custom_set_clean_up(&set);
            dw_config_free(c);
            c = NULL;
            if (!cases[i].line) {
                if (rc)
                    fail_msg("case %zu: refused: %s", i, err.message);
                continue;
            }
            if (rc == DW_OK)
                fail_msg("case %zu loaded and built", i);
        }
        assert_null(c);
        assert_string_equal(err.source, "bad.yaml");
        if (err.line != cases[i].line || err.column != cases[i].column || !strstr(err.message, cases[i].msg))
            fail_msg("case %zu: got %d:%d \"%s\", want %d:%d \"%s\"", i, err.line, err.column, err.message,
                     cases[i].line, cases[i].column, cases[i].msg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_valid), cmocka_unit_test(test_errors)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
