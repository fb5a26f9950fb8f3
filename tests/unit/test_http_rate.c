/* test_http_rate.c: the per-endpoint send-rate limiter (src/http/rate.c)
 * on an injected clock, and which answers count as throttling
 * (dw_http_is_throttle). The expected numbers are worked out by hand from
 * the rules in rate.h (cut to 70% of the measured rate, curve scale 0.4,
 * growth at most 2x measured, half a second of burst, floor 0.5/s); no
 * time passes in the test. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"
#include "http/rate.h"

#define EPS 1e-9

/* Ten answers a second for a second: two half-second windows of 5. */
static void s_warm(struct dwi_rate *r)
{
    for (int i = 1; i <= 10; i++)
        dwi_rate_on_answer(r, false, i * 0.1 - 0.05, i * 0.1);
}

static void test_unlimited_until_throttled(void **state)
{
    (void)state;
    struct dwi_rate r;
    dwi_rate_init(&r, 0, 0);
    for (int i = 0; i < 1000; i++)
        assert_true(dwi_rate_acquire(&r, 0) == 0);
    s_warm(&r);
    assert_false(r.is_pacing);
    assert_true(fabs(r.measured - 10) < 1e-6);
    assert_true(r.lowest == 0);
}

static void test_cut_and_pace(void **state)
{
    (void)state;
    struct dwi_rate r;
    dwi_rate_init(&r, 0, 0);
    s_warm(&r);
    dwi_rate_on_answer(&r, true, 0.95, 1.0);
    assert_true(r.is_pacing);
    assert_true(fabs(r.fill_rate - 7) < 1e-6); /* 70% of 10/s */
    assert_true(fabs(r.capacity - 3.5) < 1e-6);
    assert_true(fabs(r.lowest - 7) < 1e-6);
    /* The bucket starts empty: the first token in 1/7 s. */
    assert_true(fabs(dwi_rate_acquire(&r, 1.0) - 1.0 / 7) < 1e-6);
    /* Half a second later it is full (3.5 tokens): three go now, the fourth waits. */
    assert_true(dwi_rate_acquire(&r, 1.5) == 0);
    assert_true(dwi_rate_acquire(&r, 1.5) == 0);
    assert_true(dwi_rate_acquire(&r, 1.5) == 0);
    assert_true(fabs(dwi_rate_acquire(&r, 1.5) - 0.5 / 7) < 1e-6);
    /* A throttle for a request sent before the cut is counted, not cut again. */
    dwi_rate_on_answer(&r, true, 0.99, 1.2);
    assert_int_equal(r.throttles, 2);
    assert_true(fabs(r.fill_rate - 7) < 1e-6);
}

/* A success at t with the measured rate held at 8/s (the window kept open),
 * so the growth cap is 16/s. */
static void s_answer_at_8(struct dwi_rate *r, double t)
{
    r->measured = 8;
    r->window_s = t;
    dwi_rate_on_answer(r, false, t - 0.1, t);
}

static void test_recovery_follows_the_curve(void **state)
{
    (void)state;
    struct dwi_rate r;
    dwi_rate_init(&r, 0, 0);
    s_warm(&r);
    dwi_rate_on_answer(&r, true, 0.95, 1.0);
    /* k = cbrt(10 * 0.3 / 0.4) s after the cut the curve is back at 10/s,
     * as long as 10/s is within twice the measured rate. */
    double k = cbrt(7.5);
    s_answer_at_8(&r, 1.0 + k);
    assert_true(fabs(r.fill_rate - 10) < 1e-6);
    /* Two seconds past k: 0.4 * 8 + 10 = 13.2/s. */
    s_answer_at_8(&r, 3.0 + k);
    assert_true(fabs(r.fill_rate - 13.2) < 1e-6);
    /* Five seconds past k the curve says 60/s; the measured rate caps it at 16/s. */
    s_answer_at_8(&r, 6.0 + k);
    assert_true(fabs(r.fill_rate - 16) < 1e-6);
    assert_true(fabs(r.lowest - 7) < 1e-6);
}

static void test_cap_and_floor(void **state)
{
    (void)state;
    struct dwi_rate r;
    dwi_rate_init(&r, 5, 0);
    assert_true(r.is_pacing);
    assert_true(dwi_rate_acquire(&r, 0) == 0);          /* one token at the start */
    assert_true(fabs(dwi_rate_acquire(&r, 0) - 0.2) < EPS); /* then 5/s */
    assert_true(dwi_rate_acquire(&r, 0.2) == 0);
    /* Growth never passes the cap. */
    s_warm(&r);
    dwi_rate_on_answer(&r, true, 1.0, 1.0); /* min(10 measured, 5 fill) * 0.7 = 3.5 */
    assert_true(fabs(r.fill_rate - 3.5) < 1e-6);
    r.window_s = 100; /* keep measured at 10/s: the growth cap is 20/s */
    dwi_rate_on_answer(&r, false, 99, 100);
    assert_true(fabs(r.fill_rate - 5) < 1e-6);
    /* A throttle with almost nothing measured goes to the floor, not to 0. */
    struct dwi_rate f;
    dwi_rate_init(&f, 0, 0);
    dwi_rate_on_answer(&f, true, 0, 100); /* one answer in 100 s: 0.01/s */
    assert_true(fabs(f.fill_rate - DWI_RATE_MIN) < EPS);
    assert_true(fabs(dwi_rate_acquire(&f, 100) - 2.0) < EPS);
}

static bool s_throttle(long status, const char *body)
{
    struct dw_http_req r;
    memset(&r, 0, sizeof(r));
    r.status = status;
    dw_buf_init(&r.resp, 1 << 16);
    dw_buf_append(&r.resp, body, strlen(body));
    bool t = dw_http_is_throttle(&r);
    dw_buf_clean_up(&r.resp);
    return t;
}

static void test_is_throttle(void **state)
{
    (void)state;
    assert_true(s_throttle(429, ""));
    assert_true(s_throttle(400, "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ThrottlingException\"}"));
    assert_true(s_throttle(400, "{\"__type\":\"ProvisionedThroughputExceededException\"}"));
    assert_true(s_throttle(400, "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>"));
    assert_true(s_throttle(503, "<Response><Errors><Error><Code>RequestLimitExceeded</Code></Error></Errors></Response>"));
    assert_true(s_throttle(503, "<Error><Code>SlowDown</Code></Error>"));
    assert_true(s_throttle(400, "{\"__type\":\"TooManyRequestsException\"}"));
    assert_false(s_throttle(400, "{\"__type\":\"AccessDeniedException\"}"));
    assert_false(s_throttle(400, "<Code>XThrottling</Code>"));
    assert_false(s_throttle(400, "<Code>ThrottlingX</Code>"));
    assert_false(s_throttle(500, "<Code>Throttling</Code>")); /* a 500 is retried as an error, not a pace */
    assert_false(s_throttle(200, "{\"Table\":\"Throttling\"}"));
    assert_false(s_throttle(503, "<Code>ServiceUnavailable</Code>"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_unlimited_until_throttled),
                                       cmocka_unit_test(test_cut_and_pace),
                                       cmocka_unit_test(test_recovery_follows_the_curve),
                                       cmocka_unit_test(test_cap_and_floor),
                                       cmocka_unit_test(test_is_throttle)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
