/* rate.h: a client-side send-rate limiter for one endpoint (one service in
 * one region), after the AWS SDKs' adaptive retry mode: a token bucket whose
 * fill rate follows a CUBIC-like curve, cut by a factor on each throttling
 * answer and grown back as calls succeed, never above twice the rate the
 * endpoint was measured to answer at. Until the first throttle it does not
 * pace at all, unless a cap (--max-rate) is set, which then holds from the
 * start. Time is passed in (seconds on a monotonic clock), so the curve can
 * be tested without sleeping. Private to src/http. */
#ifndef DW_HTTP_RATE_H
#define DW_HTTP_RATE_H

#include <stdbool.h>
#include <stdint.h>

/* Lowest fill rate, requests per second: a throttled endpoint still moves. */
#define DWI_RATE_MIN 0.5

struct dwi_rate {
    double cap;          /* requests/s at most (--max-rate), 0: no cap */
    bool is_pacing;      /* the bucket is in force (a throttle was seen, or a cap is set) */
    double fill_rate;    /* tokens per second while pacing */
    double capacity;     /* tokens the bucket holds at most (the burst) */
    double tokens;
    double refill_s;     /* when tokens was last brought up to date */
    /* The measured answer rate: answers counted in half-second windows,
     * smoothed exponentially. */
    double measured;     /* answers/s, 0 until the first window closes */
    double window_s;     /* start of the current window */
    double first_s;      /* first answer, for an estimate before a window closes */
    uint64_t window_count;
    uint64_t answers;
    /* The curve: the rate at the last cut, the time the curve takes to come
     * back to it, and when the cut was. */
    double w_max;
    double k_s;
    double cut_s;        /* last cut; < 0: never */
    uint64_t throttles;  /* throttling answers seen */
    double lowest;       /* lowest fill rate while pacing, 0: never paced */
};

void dwi_rate_init(struct dwi_rate *r, double cap, double now_s);
/* Takes a token and returns 0 when a request may be sent now; otherwise
 * returns the seconds until a token will be there (nothing taken). */
double dwi_rate_acquire(struct dwi_rate *r, double now_s);
/* Records an answer. sent_s is when its request was sent: a throttle for a
 * request sent before the last cut is counted but does not cut again (the
 * requests in flight at a cut were sent at the old rate). */
void dwi_rate_on_answer(struct dwi_rate *r, bool is_throttle, double sent_s, double now_s);

#endif
