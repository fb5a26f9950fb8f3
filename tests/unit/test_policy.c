/* test_policy.c: IAM policy parsing (forms, errors) and the set questions
 * the controls ask (all/any actions, table wildcards, principals, limiting
 * conditions). Table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dbward/policy.h>

#include "util/util.h"

static struct dw_policy *s_parse(const char *text)
{
    struct dw_policy *p = NULL;
    struct dw_error err;
    memset(&err, 0, sizeof(err));
    if (dw_policy_parse_text(text, strlen(text), "test", &p, &err))
        fail_msg("parse failed: %s (%s)", err.message, text);
    return p;
}

static void test_statement_questions(void **state)
{
    (void)state;
    static const struct {
        const char *stmt;
        bool all_ddb, any_ddb;
        const char *table_wild; /* NULL when none */
    } cases[] = {
        {"{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\"}", true, true, "*"},
        {"{\"Effect\":\"Allow\",\"Action\":[\"s3:*\",\"dynamodb:*\"],\"Resource\":[\"arn:aws:dynamodb:us-east-1:1:table/*\"]}",
         true, true, "arn:aws:dynamodb:us-east-1:1:table/*"},
        {"{\"Effect\":\"Allow\",\"Action\":\"DynamoDB:*\",\"Resource\":\"arn:aws:dynamodb:*\"}", true, true, "arn:aws:dynamodb:*"},
        {"{\"Effect\":\"Allow\",\"Action\":\"dynamodb:GetItem\",\"Resource\":\"*\"}", false, true, "*"},
        {"{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"arn:aws:dynamodb:us-east-1:1:table/orders\"}", true, true, NULL},
        {"{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"arn:aws:dynamodb:us-east-1:1:table/orders*\"}", true, true, NULL},
        {"{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"arn:aws:s3:::*\"}", true, true, NULL},
        {"{\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"*\"}", true, true, "*"},
        {"{\"Effect\":\"Allow\",\"NotAction\":\"dynamodb:*\",\"Resource\":\"*\"}", false, false, "*"},
        {"{\"Effect\":\"Allow\",\"NotAction\":\"dynamodb:Delete*\",\"Resource\":\"*\"}", false, true, "*"},
        {"{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}", false, false, "*"},
        {"{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"arn:aws:dynamodb:*:*:table/?*\"}", true, true,
         "arn:aws:dynamodb:*:*:table/?*"},
        {"{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"arn:aws:*:eu-*:1:table/*\"}", true, true, "arn:aws:*:eu-*:1:table/*"},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        char *text = dw_xasprintf("{\"Version\":\"2012-10-17\",\"Statement\":[%s]}", cases[i].stmt);
        struct dw_policy *p = s_parse(text);
        const struct dw_policy_stmt *s = &p->stmts[0];
        if (dw_policy_stmt_all_actions(s, "dynamodb") != cases[i].all_ddb)
            fail_msg("case %zu all_actions", i);
        if (dw_policy_stmt_any_action(s, "dynamodb") != cases[i].any_ddb)
            fail_msg("case %zu any_action", i);
        const char *w = dw_policy_stmt_table_wildcard(s);
        if ((w == NULL) != (cases[i].table_wild == NULL) || (w && strcmp(w, cases[i].table_wild) != 0))
            fail_msg("case %zu table_wildcard: got %s", i, w ? w : "(null)");
        dw_policy_free(p);
        free(text);
    }
}

static void test_principals_and_conditions(void **state)
{
    (void)state;
    static const struct {
        const char *stmt;
        bool any;
        bool limited;
        const char *not_root; /* value of the first non-root principal */
    } cases[] = {
        {"{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}", true, false, "*"},
        {"{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:*\",\"Resource\":\"*\","
         "\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"111122223333\"}}}", true, true, "*"},
        {"{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::111122223333:root\",\"111122223333\"]},"
         "\"Action\":\"kms:*\",\"Resource\":\"*\"}", false, false, NULL},
        {"{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::999999999999:root\"},\"Action\":\"kms:*\","
         "\"Resource\":\"*\"}", false, false, "arn:aws:iam::999999999999:root"},
        {"{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:*\",\"Resource\":\"*\","
         "\"Condition\":{\"StringLike\":{\"aws:PrincipalOrgID\":\"*\"}}}", true, false, "*"},
        {"{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:*\",\"Resource\":\"*\","
         "\"Condition\":{\"StringEqualsIfExists\":{\"aws:SourceAccount\":\"111122223333\"}}}", true, false, "*"},
        {"{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:*\",\"Resource\":\"*\","
         "\"Condition\":{\"ForAnyValue:StringEquals\":{\"aws:SourceVpce\":[\"vpce-1\"]}}}", true, true, "*"},
        {"{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\","
         "\"Resource\":\"*\"}", true, false, "*"},
        {"{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"logs.amazonaws.com\"},\"Action\":\"kms:*\",\"Resource\":\"*\","
         "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":true}}}", false, false, "logs.amazonaws.com"},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        char *text = dw_xasprintf("{\"Statement\":%s}", cases[i].stmt);
        struct dw_policy *p = s_parse(text);
        const struct dw_policy_stmt *s = &p->stmts[0];
        if (dw_policy_stmt_principal_any(s) != cases[i].any)
            fail_msg("case %zu principal_any", i);
        if ((dw_policy_stmt_limiting_cond(s) != NULL) != cases[i].limited)
            fail_msg("case %zu limiting_cond", i);
        const struct dw_policy_principal *nr = dw_policy_stmt_principal_not_root(s, "111122223333");
        if ((nr == NULL) != (cases[i].not_root == NULL) || (nr && strcmp(nr->value, cases[i].not_root) != 0))
            fail_msg("case %zu not_root: %s", i, nr ? nr->value : "(null)");
        dw_policy_free(p);
        free(text);
    }
}

static void test_forms(void **state)
{
    (void)state;
    /* Single statement object, URL-encoded text, and a JSON string value. */
    struct dw_policy *p = s_parse("{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}}");
    assert_int_equal(p->n_stmts, 1);
    assert_false(p->stmts[0].is_allow);
    dw_policy_free(p);
    p = s_parse("%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22dynamodb%3A%2A%22%2C"
                "%22Resource%22%3A%22%2A%22%7D%5D%7D");
    assert_true(p->stmts[0].is_allow);
    assert_string_equal(p->stmts[0].actions[0], "dynamodb:*");
    dw_policy_free(p);
    json_t *s = json_string("{\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":[\"a:b\",\"c:d\"]}]}");
    struct dw_error err;
    assert_int_equal(dw_policy_parse(s, "x", &p, &err), DW_OK);
    assert_int_equal(p->stmts[0].n_actions, 2);
    char label[64];
    assert_string_equal(dw_policy_stmt_label(&p->stmts[0], label, sizeof(label)), "\"A\"");
    dw_policy_free(p);
    json_decref(s);
    /* '+' is a space in URL-encoded text: JSON allows it between tokens. */
    p = s_parse("%7B%22Statement%22%3A+%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%7D%7D");
    assert_int_equal(p->n_stmts, 1);
    dw_policy_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        enum dw_status status;
        int line, column;
        const char *msg;
    } cases[] = {
        {"{\"Statement\":[{\"Effect\":\"Permit\",\"Action\":\"*\"}]}", DW_E_SCHEMA, 0, 0,
         "Statement[0].Effect must be \"Allow\" or \"Deny\""},
        {"{\"Statement\":[{\"Effect\":\"Allow\"}]}", DW_E_SCHEMA, 0, 0, "Statement[0] has neither Action nor NotAction"},
        {"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"NotAction\":\"x\"}]}", DW_E_SCHEMA, 0, 0,
         "Statement[0] has both Action and NotAction"},
        {"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[]}]}", DW_E_SCHEMA, 0, 0,
         "Statement[0].Action must be a string or a non-empty array of strings"},
        {"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[1]}]}", DW_E_SCHEMA, 0, 0, "Statement[0].Action[0] must be a string"},
        {"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Actions\":\"*\"}]}", DW_E_SCHEMA, 0, 0,
         "Statement[0] has an unknown element \"Actions\""},
        {"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Principal\":\"me\"}]}", DW_E_SCHEMA, 0, 0,
         "Statement[0].Principal as a string must be \"*\""},
        {"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Condition\":{\"Bool\":[]}}]}", DW_E_SCHEMA, 0, 0,
         "Statement[0].Condition.Bool must be an object"},
        {"{\"Version\":\"2012-10-17\"}", DW_E_SCHEMA, 0, 0, "the policy has no Statement"},
        {"{\"Statement\":[]", DW_E_PARSE, 1, 15, NULL},
        {"{\n  \"Statement\": [\n    {\"Effect\": Allow}\n  ]\n}", DW_E_PARSE, 3, 20, NULL},
        {"[1,2]", DW_E_SCHEMA, 0, 0, "a policy must be a JSON object or a string holding one"},
        {"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Condition\":{\"StringEqualz\":{}}}]}",
         DW_E_SCHEMA, 0, 0, "Statement[0].Condition has an unknown operator \"StringEqualz\""},
        {"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Condition\":{\"NullIfExists\":{}}}]}",
         DW_E_SCHEMA, 0, 0, "Statement[0].Condition has an unknown operator \"NullIfExists\""},
        {"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Principal\":{\"Aws\":\"*\"}}]}",
         DW_E_SCHEMA, 0, 0, "Statement[0].Principal has an unknown principal type \"Aws\""},
        {"{\"Version\":1,\"Statement\":[]}", DW_E_SCHEMA, 0, 0, "the policy's Version must be a string"},
        {"{\"Statement\":[{\"Effect\":\"Allow\",\"Effect\":\"Deny\",\"Action\":\"*\"}]}", DW_E_PARSE, 1, 40,
         NULL},
        {"%7B%22Statement%22%3A%5B%5D%7", DW_E_PARSE, 0, 0,
         "malformed URL-encoding: '%' at byte 27 is not followed by two hex digits"},
        {"%7B%zz", DW_E_PARSE, 0, 0, "malformed URL-encoding: '%' at byte 3 is not followed by two hex digits"},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        struct dw_policy *p = NULL;
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        enum dw_status rc = dw_policy_parse_text(cases[i].text, strlen(cases[i].text), "pol.json", &p, &err);
        if (rc != cases[i].status)
            fail_msg("case %zu: status %d, want %d (%s)", i, rc, cases[i].status, err.message);
        assert_null(p);
        assert_string_equal(err.source, "pol.json");
        if (err.line != cases[i].line || err.column != cases[i].column)
            fail_msg("case %zu: position %d:%d, want %d:%d (%s)", i, err.line, err.column, cases[i].line,
                     cases[i].column, err.message);
        if (cases[i].msg)
            assert_string_equal(err.message, cases[i].msg);
    }
}

static const char *const s_regions[] = {"us-east-1"};
static const struct dw_policy_scope s_scope = {.partition = "aws", .account = "123456789012",
                                               .regions = s_regions, .n_regions = 1,
                                               .ip_widest_prefix = 8};

/* The set-level DynamoDB answer for one identity policy and a boundary
 * (NULL: none); expectations worked out by hand. */
static void test_ddb_sets(void **state)
{
    (void)state;
    static const struct {
        const char *doc, *boundary;
        bool reach, total, via_not, future;
    } cases[] = {
        {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:?*\",\"Resource\":\"*\"}}", NULL, true, true, false, true},
        {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*?\",\"Resource\":\"arn:a*:table/*\"}}", NULL, true, true, false, true},
        {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"arn:aws:dynamodb:*:*:table/o*\"}}", NULL, true, false, false, false},
        {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"arn:aws:dynamodb:us-east-1:123456789012:table/???*\"}}", NULL, true, true, false, true},
        {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"arn:aws:dynamodb:us-east-1:123456789012:table/????*\"}}", NULL, true, false, false, false},
        {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":[\"dynamodb:A*\",\"dynamodb:B*\",\"dynamodb:C*\",\"dynamodb:D*\",\"dynamodb:E*\",\"dynamodb:G*\",\"dynamodb:I*\",\"dynamodb:L*\",\"dynamodb:P*\",\"dynamodb:Q*\",\"dynamodb:R*\",\"dynamodb:S*\",\"dynamodb:T*\",\"dynamodb:U*\"],\"Resource\":\"*\"}}", NULL, true, true, false, false},
        {"{\"Statement\":{\"Effect\":\"Allow\",\"NotAction\":\"s3:*\",\"Resource\":\"*\"}}", NULL, true, true, true, true},
        {"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":[\"dynamodb*:*\",\"dax:*\"],\"Resource\":\"*\"}]}", NULL, false, false, false, false},
        {"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}", NULL, true, true, false, true},
        {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}",
         "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:Get*\",\"Resource\":\"*\"}}", true, false, false, false},
        {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}}", NULL, false, false, false, false},
        /* Table names may hold '.': a Deny of the dotted ones leaves a gap. */
        {"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":\"dynamodb:*\",\"Resource\":\"arn:aws:dynamodb:*:*:table/*.*\"}]}", NULL, true, false, false, false},
        /* No Resource element: the statement applies to every resource. */
        {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\"}}", NULL, true, true, false, true},
        /* A conditional Allow still counts. */
        {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"true\"}}}}", NULL, true, true, false, true},
        /* Actions ignore case; '?' is one character, also ':' in an ARN. */
        {"{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"DYNAMODB:*\",\"Resource\":\"arn:aws:dynamodb:us-east-1:123456789012?table/*\"}}", NULL, true, true, false, true},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        struct dw_policy *p = s_parse(cases[i].doc);
        struct dw_policy *b = cases[i].boundary ? s_parse(cases[i].boundary) : NULL;
        struct dw_policy_ref refs[2] = {{"p", p, false}, {"b", b, true}};
        struct dw_policy_ddb_answer a;
        dw_policy_ddb_eval(refs, b ? 2 : 1, &s_scope, &a);
        if (!a.is_known || a.reach != cases[i].reach || a.total != cases[i].total ||
            a.via_not != cases[i].via_not || a.future != cases[i].future)
            fail_msg("case %zu: known %d reach %d total %d via_not %d future %d (%s)", i, a.is_known,
                     a.reach, a.total, a.via_not, a.future, a.why);
        dw_policy_ddb_answer_clean_up(&a);
        dw_policy_free(p);
        dw_policy_free(b);
    }
}

/* A Deny whose pattern needs about 2^19 automaton states to read ('a' as
 * the 19th character from the end of the table name): beyond the explorer's
 * limit, so the answer is unknown, never a guess. */
static void test_ddb_too_complex(void **state)
{
    (void)state;
    struct dw_policy *p = s_parse(
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":"
        "\"arn:aws:dynamodb:us-east-1:123456789012:table/*\"},{\"Effect\":\"Deny\",\"Action\":\"dynamodb:*\","
        "\"Resource\":\"arn:aws:dynamodb:us-east-1:123456789012:table/*a??????????????????\"}]}");
    struct dw_policy_ref refs[1] = {{"p", p, false}};
    struct dw_policy_ddb_answer a;
    dw_policy_ddb_eval(refs, 1, &s_scope, &a);
    if (a.is_known)
        fail_msg("known: total %d (%s)", a.total, a.why);
    assert_non_null(strstr(a.why, "too complex"));
    dw_policy_ddb_answer_clean_up(&a);
    dw_policy_free(p);
}

/* Key policies: which conditions close Principal "*" (values ORed,
 * conditions ANDed, patterns as languages). */
static void test_kms_sets(void **state)
{
    (void)state;
    static const struct {
        const char *cond; /* the Condition object of an Allow to "*" */
        bool open;
        const char *why;  /* substring of the reason */
    } cases[] = {
        {"{\"IpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"0.0.0.0/0\"]}}", true, "admits more than a /8"},
        {"{\"IpAddress\":{\"aws:SourceIp\":\"10.1.0.0/16\"}}", true, "narrows the network but not the account"},
        {"{\"StringLike\":{\"kms:CallerAccount\":\"????????????\"}}", true, "e.g. \"000000000000\""},
        {"{\"StringLike\":{\"kms:CallerAccount\":\"12345678901?\"}}", true, "e.g. \"123456789010\""},
        {"{\"StringLike\":{\"kms:CallerAccount\":\"123456789012\"}}", false, "binds the caller to the account"},
        {"{\"StringEquals\":{\"kms:CallerAccount\":[\"123456789012\",\"999999999999\"]}}", true, "\"999999999999\" is another account"},
        {"{\"StringLike\":{\"aws:PrincipalOrgID\":\"o-*\"}}", true, "can match another organisation"},
        {"{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-abc\"}}", false, "aws:PrincipalOrgID \"o-abc\" binds"},
        {"{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:*\"}}", true, "another account"},
        {"{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::123456789012:role/*\"}}", false, "binds"},
        {"{\"StringLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::123456789012*\"}}", false, "binds"},
        {"{\"StringLike\":{\"aws:PrincipalArn\":\"arn:*:iam::*\"}}", true, "another account"},
        {"{\"StringEqualsIfExists\":{\"kms:CallerAccount\":\"123456789012\"}}", true, "without the key"},
        {"{\"ForAllValues:StringEquals\":{\"aws:PrincipalOrgID\":\"o-abc\"}}", true, "true when the key is absent"},
        {"{\"StringEquals\":{\"aws:username\":\"alice\"}}", true, "not tied to one account"},
        {"{\"ArnLike\":{\"aws:SourceArn\":\"arn:aws:*\"}}", true, "aws:SourceArn does not bind"},
        {"{\"StringEquals\":{\"aws:SourceVpce\":\"vpce-1\"}}", false, "binds"},
        {"{\"StringEquals\":{\"KMS:CALLERACCOUNT\":\"123456789012\"},\"IpAddress\":{\"aws:SourceIp\":\"0.0.0.0/0\"}}", false, "binds"},
        {"{\"ArnLike\":{\"kms:CallerAccount\":\"*\"}}", true, "not an ARN operator's key"},
        {"{\"StringEquals\":{\"aws:PrincipalArn\":\"arn:aws:iam::999999999999:role/x\"}}", true, "a principal of another account"},
        {"{\"StringEquals\":{\"aws:PrincipalArn\":\"arn:aws:iam::123456789012:role/x\"}}", false, "binds"},
        {"{\"StringNotEquals\":{\"kms:CallerAccount\":\"999999999999\"}}", true, "admits callers that lack the key"},
        {"{\"ForAllValues:StringEquals\":{\"kms:CallerAccount\":\"123456789012\"}}", true, "true when the key is absent"},
        {"{\"StringEquals\":{\"aws:PrincipalAccount\":\"123456789012\"}}", false, "binds the caller to the account"},
        {"{\"StringLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::12345678901?:*\"}}", true, "another account"},
        {"{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::123456789012:*\"}}", false, "binds"},
        {"{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::123456789012?*\"}}", false, "binds"},
        {"{\"StringLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::123456789012?*\"}}", false, "binds"},
        /* ArnLike's '*' stays inside its field (three fields match no principal); StringLike's crosses ':'. */
        {"{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:*:role/x\"}}", false, "binds"},
        {"{\"StringLike\":{\"aws:PrincipalArn\":\"arn:*:role/x\"}}", true, "another account"},
        /* ArnLike's '?' is no ':' before the last field: four colons match no principal. */
        {"{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam:?999999999999:role/x\"}}", false, "binds"},
        /* A pattern that admits the account's own id and longer strings only. */
        {"{\"StringLike\":{\"kms:CallerAccount\":\"123456789012*\"}}", false, "binds"},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        char *text = dw_xasprintf("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
                                  "\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":%s}]}",
                                  cases[i].cond);
        struct dw_policy *p = s_parse(text);
        struct dw_policy_kms_answer a;
        dw_policy_kms_eval(p, &s_scope, "arn:aws:kms:us-east-1:123456789012:key/k", &a);
        if (a.open != cases[i].open || !strstr(a.why, cases[i].why))
            fail_msg("case %zu: open %d (%s), want %d and \"%s\"", i, a.open, a.why, cases[i].open,
                     cases[i].why);
        dw_policy_kms_answer_clean_up(&a);
        dw_policy_free(p);
        free(text);
    }
}

/* Whole key policies: who is open, who is broad (worked out by hand). */
static void test_kms_policies(void **state)
{
    (void)state;
#define ROOT_ALL "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}"
#define ADMIN "{\"AWS\":\"arn:aws:iam::123456789012:role/admin\"}"
#define OTHER "{\"AWS\":\"arn:aws:iam::999999999999:root\"}"
    static const struct {
        const char *stmts;
        bool open, broad;
    } cases[] = {
        {ROOT_ALL, false, false},
        /* A conditional Deny may not apply: the grant stays broad. */
        {ROOT_ALL ",{\"Effect\":\"Allow\",\"Principal\":" ADMIN ",\"Action\":\"kms:*\",\"Resource\":\"*\"},"
         "{\"Effect\":\"Deny\",\"Principal\":" ADMIN ",\"Action\":\"kms:*\",\"Resource\":\"*\","
         "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}", false, true},
        /* An unconditional Deny of one action: not every action any more. */
        {ROOT_ALL ",{\"Effect\":\"Allow\",\"Principal\":" ADMIN ",\"Action\":\"kms:*\",\"Resource\":\"*\"},"
         "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:ScheduleKeyDeletion\",\"Resource\":\"*\"}", false, false},
        /* kms:* to everyone of the account: not open, but broad. */
        {"{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\","
         "\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"123456789012\"}}}", false, true},
        /* NotPrincipal: everyone else. */
        {"{\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}", true, false},
        /* A Deny to outsiders (negated binding condition) closes an open Allow. */
        {"{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"},"
         "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\","
         "\"Condition\":{\"StringNotEquals\":{\"kms:CallerAccount\":\"123456789012\"}}}", false, false},
        /* A Deny to insiders only does not. */
        {"{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"},"
         "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:*\",\"Resource\":\"*\","
         "\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"123456789012\"}}}", true, false},
        /* Another account named, but the account condition shuts it out... */
        {"{\"Effect\":\"Allow\",\"Principal\":" OTHER ",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\","
         "\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"123456789012\"}}}", false, false},
        /* (a condition naming a third account shuts it out too: nobody can use the grant) */
        {"{\"Effect\":\"Allow\",\"Principal\":" OTHER ",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\","
         "\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"888888888888\"}}}", false, false},
        /* ...unless its pattern admits that account, or the key may be absent. */
        {"{\"Effect\":\"Allow\",\"Principal\":" OTHER ",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\","
         "\"Condition\":{\"StringLike\":{\"kms:CallerAccount\":\"99999999999?\"}}}", true, false},
        {"{\"Effect\":\"Allow\",\"Principal\":" OTHER ",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\","
         "\"Condition\":{\"StringEqualsIfExists\":{\"kms:CallerAccount\":\"123456789012\"}}}", true, false},
        /* No Resource element in a key policy: the key itself. */
        {"{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\"}", true, false},
    };
#undef ROOT_ALL
#undef ADMIN
#undef OTHER
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        char *text = dw_xasprintf("{\"Statement\":[%s]}", cases[i].stmts);
        struct dw_policy *p = s_parse(text);
        struct dw_policy_kms_answer a;
        dw_policy_kms_eval(p, &s_scope, "arn:aws:kms:us-east-1:123456789012:key/k", &a);
        if (a.open != cases[i].open || a.broad != cases[i].broad)
            fail_msg("case %zu: open %d broad %d (%s), want %d %d", i, a.open, a.broad, a.why,
                     cases[i].open, cases[i].broad);
        dw_policy_kms_answer_clean_up(&a);
        dw_policy_free(p);
        free(text);
    }
}

/* With the account's VPC endpoints known, only they bind. */
static void test_kms_own_endpoints(void **state)
{
    (void)state;
    static const char *const vpces[] = {"vpce-0own"};
    struct dw_policy_scope sc = s_scope;
    sc.vpces = vpces;
    sc.n_vpces = 1;
    static const struct {
        const char *vpce;
        bool open;
    } cases[] = {{"vpce-0own", false}, {"vpce-0other", true}};
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        char *text = dw_xasprintf("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":"
                                  "\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":"
                                  "{\"aws:SourceVpce\":\"%s\"}}}]}", cases[i].vpce);
        struct dw_policy *p = s_parse(text);
        struct dw_policy_kms_answer a;
        dw_policy_kms_eval(p, &sc, "arn:aws:kms:us-east-1:123456789012:key/k", &a);
        if (a.open != cases[i].open)
            fail_msg("case %zu: open %d (%s)", i, a.open, a.why);
        dw_policy_kms_answer_clean_up(&a);
        dw_policy_free(p);
        free(text);
    }
}

static void test_cidrs(void **state)
{
    (void)state;
    static const struct {
        const char *v[3];
        int want;
    } cases[] = {
        {{"10.0.0.0/8"}, 1},           {{"10.0.0.0/7"}, 0},
        {{"10.0.0.0/8", "0.0.0.0/0"}, 0}, {{"0.0.0.0/1", "128.0.0.0/1"}, 0},
        {{"1.2.3.4/0"}, 0},            {{"10.0.0.0/9", "10.128.0.0/9"}, 1},
        {{"10.0.0.0/9", "11.0.0.0/9"}, 1}, {{"10.0.0.0/8", "11.0.0.0/9"}, 0},
        {{"203.0.113.7"}, 1},          {{"::/0"}, 0},
        {{"2001:db8::/32"}, 1},        {{"10.0.0.0/33"}, -1},
        {{"not-an-ip"}, -1},
        /* At the limit, one below and one above; IPv6 up to a /32. */
        {{"10.0.0.0/9"}, 1},           {{"2001:db8::/31"}, 0},
        {{"10.0.0.0/9", "10.64.0.0/10", "10.64.0.0/11"}, 1}, {{"10.0.0.0/8", "10.0.0.0/9"}, 1},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        size_t n = 0;
        while (n < 3 && cases[i].v[n])
            n++;
        const char *bad = NULL;
        int got = dw_policy_cidrs_limited((char *const *)cases[i].v, n, 8, &bad);
        if (got != cases[i].want)
            fail_msg("case %zu: %d, want %d", i, got, cases[i].want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statement_questions),
        cmocka_unit_test(test_principals_and_conditions),
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_ddb_sets),
        cmocka_unit_test(test_ddb_too_complex),
        cmocka_unit_test(test_kms_sets),
        cmocka_unit_test(test_kms_policies),
        cmocka_unit_test(test_kms_own_endpoints),
        cmocka_unit_test(test_cidrs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
