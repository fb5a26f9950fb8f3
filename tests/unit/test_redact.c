/* test_redact.c: the ExtraConnectionAttributes parser and the structural
 * redaction of JSON, XML and form bodies, headers and URLs. Every expected
 * string is written by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dbward/secret.h>

#include "redact/redact.h"
#include "util/util.h"

static void test_eca(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
        size_t n;
    } cases[] = {
        {"", "", 0},
        {"heartbeatEnable=Y", "heartbeatEnable=Y", 0},
        {"password=p1;heartbeatEnable=Y", "password=[REDACTED];heartbeatEnable=Y", 1},
        {"PWD=a,b&c\"d=e;x=1", "PWD=[REDACTED];x=1", 1},
        {"Pwd=s3cr3t", "Pwd=[REDACTED]", 1},
        {"PASSWORD=abc;passwd=def;", "PASSWORD=[REDACTED];passwd=[REDACTED];", 2},
        {"asmPassword=a;authPassword=b;sslClientKeyPassword=c", "asmPassword=[REDACTED];authPassword=[REDACTED];sslClientKeyPassword=[REDACTED]", 3},
        {"secretKey=k;accessKey=AK;sessionToken=t", "secretKey=[REDACTED];accessKey=[REDACTED];sessionToken=[REDACTED]", 3},
        {"  Pwd  = spaced ;a=b", "  Pwd  =[REDACTED];a=b", 1},
        /* quoted: the value may hold ';', and \" does not close it */
        {"PWD=\"ab\\\";cd;ef\";next=1", "PWD=[REDACTED];next=1", 1},
        {"PWD='x;y' ;k=v", "PWD=[REDACTED];k=v", 1},
        {"PWD={a;b}};c=d", "PWD=[REDACTED];c=d", 1},
        /* unterminated quote: everything after it goes */
        {"a=1;PWD=\"abc;x=1;y=2", "a=1;PWD=[REDACTED]", 1},
        /* a close quote not followed by ';' does not end the value */
        {"PWD=\"ab\"cd\";z=9", "PWD=[REDACTED];z=9", 1},
        /* an unquoted value ends at ';'; a fragment without '=' goes whole */
        {"PWD=abc;tail;x=1", "PWD=[REDACTED];[REDACTED];x=1", 2},
        {";;a=b;;", ";;a=b;;", 0},
        {"key==v=w", "key=[REDACTED]", 1},
        {"=v", "=v", 0},
        {"serverSideEncryptionKmsKeyId=arn;compressionType=GZIP", "serverSideEncryptionKmsKeyId=[REDACTED];compressionType=GZIP", 1},
        {"SecurityDbEncryption=tde", "SecurityDbEncryption=[REDACTED]", 1},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        size_t len = 0, n = 99;
        char *got = dw_eca_redact(cases[i].in, strlen(cases[i].in), &len, &n);
        if (strcmp(got, cases[i].want) != 0 || len != strlen(got) || n != cases[i].n)
            fail_msg("eca case %zu: %s -> %s (%zu redacted), want %s (%zu)", i, cases[i].in, got, n,
                     cases[i].want, cases[i].n);
        free(got);
    }
}

static void test_secret_names(void **state)
{
    (void)state;
    static const char *const yes[] = {"PWD", "Pwd", "PASSWORD", "passwd", "asmPassword", "authPassword",
                                      "sslClientKeyPassword", "secretKey", "accessKey", "sessionToken",
                                      "SaslPassword", "x-api-key"};
    static const char *const no[] = {"heartbeatEnable", "compressionType", "bucketFolder", "addColumnName",
                                     "Host", "includeOpForFullLoad", ""};
    for (size_t i = 0; i < DW_ARRAY_LEN(yes); i++)
        if (!dw_secret_name_is_secret(yes[i], strlen(yes[i])))
            fail_msg("%s should be secret", yes[i]);
    for (size_t i = 0; i < DW_ARRAY_LEN(no); i++)
        if (dw_secret_name_is_secret(no[i], strlen(no[i])))
            fail_msg("%s should not be secret", no[i]);
}

static void test_body(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        /* a JSON password holding \" : its tail goes with it */
        {"{\"Endpoints\":[{\"MongoDbSettings\":{\"Password\":\"ab\\\"cd, tail\",\"Username\":\"app\"}}]}",
         "{\"Endpoints\":[{\"MongoDbSettings\":{\"Password\":\"[REDACTED]\",\"Username\":\"app\"}}]}"},
        {"{\"ExtraConnectionAttributes\":\"PWD=a\\\"b;x=1\",\"EndpointArn\":\"arn\"}",
         "{\"ExtraConnectionAttributes\":\"PWD=[REDACTED];x=1\",\"EndpointArn\":\"arn\"}"},
        {" [{\"SecretAccessKey\":\"s\",\"AccessKeyId\":\"AKID\",\"Password\":null}]",
         "[{\"SecretAccessKey\":\"[REDACTED]\",\"AccessKeyId\":\"AKID\",\"Password\":null}]"},
        {"{\"Password\": \"unterminated", "[26 bytes, not shown: not valid JSON]"},
        {"<R><Endpoint><Password>p&amp;q</Password><Name>n</Name>"
         "<ExtraConnectionAttributes>a=1;PWD=x&amp;y</ExtraConnectionAttributes></Endpoint></R>",
         "<R><Endpoint><Password>[REDACTED]</Password><Name>n</Name>"
         "<ExtraConnectionAttributes>a=1;PWD=[REDACTED]</ExtraConnectionAttributes></Endpoint></R>"},
        {"<R><Token><![CDATA[tok]]></Token><X Password=\"p\">v</X></R>",
         "<R><Token>[REDACTED]</Token><X Password=\"[REDACTED]\">v</X></R>"},
        {"<R><Password>p</R>", "[18 bytes, not shown: not well-formed XML]"},
        {"<!DOCTYPE R [<!ENTITY e \"s\">]><R>&e;</R>", "[40 bytes, not shown: XML with a document type]"},
        {"Action=AssumeRoleWithWebIdentity&WebIdentityToken=eyJ.x&RoleArn=arn%3Aaws",
         "Action=AssumeRoleWithWebIdentity&WebIdentityToken=[REDACTED]&RoleArn=arn%3Aaws"},
        {"Action=X&Foo.member.1.Password=p%26q", "Action=X&Foo.member.1.Password=[REDACTED]"},
        {"mock-imds-session", "[17 bytes, not shown: neither JSON, XML nor a form]"},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(cases); i++) {
        char *got = dw_redact_body(cases[i].in, strlen(cases[i].in), 5000);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("body case %zu:\n got  %s\n want %s", i, got, cases[i].want);
        free(got);
    }
    char *cut = dw_redact_body("{\"a\":\"0123456789\"}", 18, 5);
    assert_string_equal(cut, "{\"a\":... (18 bytes in all)");
    free(cut);
}

static void test_json_depth(void **state)
{
    (void)state;
    /* A password nested past the walk's limit goes with its container. */
    struct dw_buf b;
    dw_buf_init(&b, (size_t)-1);
    for (int i = 0; i < DW_REDACT_MAX_DEPTH + 5; i++)
        dw_buf_puts(&b, "{\"a\":");
    dw_buf_puts(&b, "{\"Password\":\"Qx9zPw\"}");
    for (int i = 0; i < DW_REDACT_MAX_DEPTH + 5; i++)
        dw_buf_puts(&b, "}");
    char *got = dw_redact_body(b.data, b.len, (size_t)-1);
    assert_null(strstr(got, "Qx9zPw"));
    assert_non_null(strstr(got, "nested too deep"));
    free(got);
    dw_buf_clean_up(&b);
}

static void test_headers_and_urls(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } headers[] = {
        {"Authorization: AWS4-HMAC-SHA256 Credential=AKID/x, Signature=ab", "Authorization: [REDACTED]"},
        {"X-Amz-Security-Token: tok", "X-Amz-Security-Token: [REDACTED]"},
        {"x-aws-ec2-metadata-token: t", "x-aws-ec2-metadata-token: [REDACTED]"},
        {"Proxy-Authorization: Basic x", "Proxy-Authorization: [REDACTED]"},
        {"Cookie: s=1", "Cookie: [REDACTED]"},
        {"X-Amz-Target: DynamoDB_20120810.ListTables", "X-Amz-Target: DynamoDB_20120810.ListTables"},
        {"Content-Type: application/x-amz-json-1.0", "Content-Type: application/x-amz-json-1.0"},
        {"no colon here", "[REDACTED]"},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(headers); i++) {
        char *got = dw_redact_header(headers[i].in);
        if (strcmp(got, headers[i].want) != 0)
            fail_msg("header case %zu: %s", i, got);
        free(got);
    }
    static const struct {
        const char *in, *want;
    } urls[] = {
        {"http://user:pw@127.0.0.1:4566/", "http://127.0.0.1:4566/"},
        {"https://user@host.example/p?x=1", "https://host.example/p?x=1"},
        {"http://u:p%40ss@h/?X-Amz-Signature=abc&X-Amz-Credential=AKID%2F&a=b#frag",
         "http://h/?X-Amz-Signature=[REDACTED]&X-Amz-Credential=[REDACTED]&a=b#frag"},
        {"http://h:99999/", "[a URL that does not parse, not shown]"},
    };
    for (size_t i = 0; i < DW_ARRAY_LEN(urls); i++) {
        char *got = dw_redact_url(urls[i].in);
        if (strcmp(got, urls[i].want) != 0)
            fail_msg("url case %zu: %s", i, got);
        free(got);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eca),         cmocka_unit_test(test_secret_names),
        cmocka_unit_test(test_body),        cmocka_unit_test(test_json_depth),
        cmocka_unit_test(test_headers_and_urls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
