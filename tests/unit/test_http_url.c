/* test_http_url.c: the endpoint URL parser (src/http/url.c), one table of
 * hand-written cases: what libcurl is given, the Host header, the path and
 * the query signed; or the reason a URL is refused. The expected values
 * follow libcurl's and botocore's documented behaviour (default ports are
 * not in Host, userinfo and fragments are never sent, an endpoint's query is
 * kept), written out by hand, not produced by the parser. Also: dbward's
 * computed AWS endpoints go through the same parse (dw_aws_call_build). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "awsapi/awsapi_int.h"
#include "http/url.h"

static const struct s_case {
    const char *in;
    const char *url;  /* NULL: refused */
    const char *host; /* or, when refused, a piece of the message */
    const char *path;
    const char *query; /* NULL: none */
} s_cases[] = {
    {"http://localhost:80/", "http://localhost/", "localhost", "/", NULL},
    {"http://127.0.0.1:80", "http://127.0.0.1/", "127.0.0.1", "/", NULL},
    {"http://LOCALHOST:4566/", "http://localhost:4566/", "localhost:4566", "/", NULL},
    {"HTTP://Sts.US-East-1.AmazonAWS.com", "http://sts.us-east-1.amazonaws.com/",
     "sts.us-east-1.amazonaws.com", "/", NULL},
    {"https://h:443", "https://h/", "h", "/", NULL},
    {"https://h:80/", "https://h:80/", "h:80", "/", NULL},
    {"http://h:443/", "http://h:443/", "h:443", "/", NULL},
    {"http://h:/", "http://h/", "h", "/", NULL},
    {"http://127.0.0.1:4566/?x=1", "http://127.0.0.1:4566/?x=1", "127.0.0.1:4566", "/", "x=1"},
    {"http://127.0.0.1:4566?x=1", "http://127.0.0.1:4566/?x=1", "127.0.0.1:4566", "/", "x=1"},
    {"http://h/?", "http://h/", "h", "/", NULL},
    {"http://h/?&&", "http://h/", "h", "/", NULL},
    {"http://h/?b=%7e&a=!&&c=+&d", "http://h/?b=~&a=%21&c=%2B&d", "h", "/", "b=~&a=%21&c=%2B&d"},
    {"http://h/?k=v=w&=x&%zz", "http://h/?k=v%3Dw&=x&%25zz", "h", "/", "k=v%3Dw&=x&%25zz"},
    {"http://h/?s=%e1%88%b4", "http://h/?s=%E1%88%B4", "h", "/", "s=%E1%88%B4"},
    {"http://user:pw@127.0.0.1:4566/", "http://127.0.0.1:4566/", "127.0.0.1:4566", "/", NULL},
    {"http://u;opt@h/", "http://h/", "h", "/", NULL},
    {"http://127.0.0.1:4566/#frag", "http://127.0.0.1:4566/", "127.0.0.1:4566", "/", NULL},
    {"http://h/?x=1#a?b=c", "http://h/?x=1", "h", "/", "x=1"},
    {"http://127.0.0.1:4566/prefix/", "http://127.0.0.1:4566/prefix/", "127.0.0.1:4566", "/prefix/",
     NULL},
    {"http://h/a/../b/./c/", "http://h/b/c/", "h", "/b/c/", NULL},
    {"http://h/%41%2f", "http://h/%41%2f", "h", "/%41%2f", NULL},
    {"http://[::1]:8080/x", "http://[::1]:8080/x", "[::1]:8080", "/x", NULL},
    {"http://[::1]:80/", "http://[::1]/", "[::1]", "/", NULL},
    {"http://my_host.internal:9000", "http://my_host.internal:9000/", "my_host.internal:9000", "/",
     NULL},
    /* refused */
    {"ftp://h/", NULL, "scheme must be http or https", NULL, NULL},
    {"localhost:4566", NULL, "libcurl cannot read the URL", NULL, NULL},
    {"http://h/a b", NULL, "byte 11 is not printable ASCII", NULL, NULL},
    {"http://h/\xc3\xa9", NULL, "byte 10 is not printable ASCII", NULL, NULL},
    {"http://h:99999/", NULL, "libcurl cannot read the URL", NULL, NULL},
    {"http://[fe80::1%25eth0]/", NULL, "zone id", NULL, NULL},
    {"https://h%b7e/", NULL, "host has a byte", NULL, NULL},
    {"http://h%2fx/", NULL, "libcurl cannot read the URL: Bad hostname", NULL, NULL},
    {"", NULL, "empty", NULL, NULL},
};

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(s_cases) / sizeof(s_cases[0]); i++) {
        const struct s_case *c = &s_cases[i];
        struct dw_http_url u;
        struct dw_error err;
        memset(&err, 0, sizeof(err));
        enum dw_status rc = dw_http_url_parse(c->in, "--endpoint-url", &u, &err);
        print_message("%s\n", c->in);
        if (!c->url) {
            assert_int_equal(rc, DW_E_USAGE);
            assert_non_null(strstr(err.message, c->host));
            assert_non_null(strstr(err.message, "--endpoint-url: "));
            assert_null(strstr(err.message, "pw")); /* never quotes the URL */
            continue;
        }
        assert_int_equal(rc, DW_OK);
        assert_string_equal(u.url, c->url);
        assert_string_equal(u.host, c->host);
        assert_string_equal(u.path, c->path);
        if (c->query)
            assert_string_equal(u.query, c->query);
        else
            assert_null(u.query);
        assert_int_equal(u.had_userinfo, strchr(c->in, '@') != NULL);
        assert_int_equal(u.had_fragment, strchr(c->in, '#') != NULL);
        dw_http_url_clean_up(&u);
    }
}

/* The computed endpoints go through the same parse as --endpoint-url. */
static void test_computed_endpoints(void **state)
{
    (void)state;
    struct dw_aws_models *m = dw_aws_models_load();
    assert_non_null(m);
    static const struct {
        const char *service, *command, *region, *endpoint, *url, *host;
    } cases[] = {
        {"dynamodb", "list-tables", "eu-west-1", NULL, "https://dynamodb.eu-west-1.amazonaws.com/",
         "dynamodb.eu-west-1.amazonaws.com"},
        {"iam", "list-access-keys", "eu-west-1", NULL, "https://iam.amazonaws.com/", "iam.amazonaws.com"},
        {"kms", "list-keys", "cn-north-1", NULL, "https://kms.cn-north-1.amazonaws.com.cn/",
         "kms.cn-north-1.amazonaws.com.cn"},
        {"sts", "get-caller-identity", "us-east-1", "http://u:pw@LocalHost:80/p/?x=1#f",
         "http://localhost/p/?x=1", "localhost"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dw_aws_call c;
        struct dw_error err;
        assert_int_equal(dw_aws_call_build(m, cases[i].service, cases[i].command, NULL,
                                           cases[i].region, cases[i].endpoint, &c, &err),
                         DW_OK);
        assert_string_equal(c.url, cases[i].url);
        assert_string_equal(c.host, cases[i].host);
        dw_aws_call_clean_up(&c);
    }
    struct dw_aws_call c;
    struct dw_error err;
    assert_int_equal(dw_aws_call_build(m, "sts", "get-caller-identity", NULL, "us-east-1",
                                       "http://h/a b", &c, &err),
                     DW_E_USAGE);
    dw_aws_models_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cases),
                                       cmocka_unit_test(test_computed_endpoints)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
