/* rate.c: see rate.h. The constants are the adaptive mode's: the cut keeps
 * 70% of the rate, the curve's scale is 0.4, the rate grows to at most twice
 * the measured one, answers are counted in 0.5 s windows and the measured
 * rate is smoothed with weight 0.8 on the newest window. */
#include <math.h>

#include "rate.h"

#define S_BETA 0.7
#define S_SCALE 0.4
#define S_GROWTH 2.0
#define S_WINDOW_S 0.5
#define S_SMOOTH 0.8
/* The bucket holds half a second of tokens: a short burst, so the rate seen
 * over any second stays within 1.5x the fill rate. */
#define S_BURST_S 0.5

static double s_min(double a, double b)
{
    return a < b ? a : b;
}

static void s_refill(struct dwi_rate *r, double now_s)
{
    if (now_s > r->refill_s) {
        r->tokens = s_min(r->capacity, r->tokens + (now_s - r->refill_s) * r->fill_rate);
        r->refill_s = now_s;
    }
}

static void s_set_rate(struct dwi_rate *r, double rate, double now_s)
{
    if (r->cap > 0 && rate > r->cap)
        rate = r->cap;
    if (rate < DWI_RATE_MIN)
        rate = DWI_RATE_MIN;
    s_refill(r, now_s);
    r->fill_rate = rate;
    r->capacity = rate * S_BURST_S < 1 ? 1 : rate * S_BURST_S;
    r->tokens = s_min(r->tokens, r->capacity);
    if (!r->lowest || rate < r->lowest)
        r->lowest = rate;
}

void dwi_rate_init(struct dwi_rate *r, double cap, double now_s)
{
    *r = (struct dwi_rate){.cap = cap > 0 ? cap : 0, .refill_s = now_s, .window_s = now_s, .cut_s = -1};
    if (r->cap > 0) {
        r->is_pacing = true;
        s_set_rate(r, r->cap, now_s);
        r->tokens = 1; /* no burst at the start */
        r->lowest = 0; /* the cap itself is not a rate the endpoint forced */
    }
}

double dwi_rate_acquire(struct dwi_rate *r, double now_s)
{
    if (!r->is_pacing)
        return 0;
    s_refill(r, now_s);
    if (r->tokens >= 1) {
        r->tokens -= 1;
        return 0;
    }
    return (1 - r->tokens) / r->fill_rate;
}

/* The answer rate: closes the half-second window when one has passed. */
static double s_measure(struct dwi_rate *r, double now_s)
{
    if (!r->answers++)
        r->first_s = now_s;
    r->window_count++;
    double elapsed = now_s - r->window_s;
    if (elapsed >= S_WINDOW_S) {
        double cur = (double)r->window_count / elapsed;
        r->measured = r->measured > 0 ? S_SMOOTH * cur + (1 - S_SMOOTH) * r->measured : cur;
        r->window_count = 0;
        r->window_s = now_s;
    }
    if (r->measured > 0)
        return r->measured;
    /* No window closed yet: the answers so far over the time they took. */
    double span = now_s - r->first_s;
    return (double)r->answers / (span > 0.05 ? span : 0.05);
}

void dwi_rate_on_answer(struct dwi_rate *r, bool is_throttle, double sent_s, double now_s)
{
    double measured = s_measure(r, now_s);
    if (!is_throttle) {
        if (r->cut_s < 0)
            return; /* never throttled: nothing to grow back to */
        double t = now_s - r->cut_s - r->k_s;
        double rate = S_SCALE * t * t * t + r->w_max;
        if (r->is_pacing)
            s_set_rate(r, s_min(rate, S_GROWTH * measured), now_s);
        return;
    }
    r->throttles++;
    if (r->cut_s >= 0 && sent_s < r->cut_s)
        return;
    double base = r->is_pacing ? s_min(measured, r->fill_rate) : measured;
    r->w_max = base;
    r->k_s = cbrt(base * (1 - S_BETA) / S_SCALE);
    r->cut_s = now_s;
    r->is_pacing = true;
    s_set_rate(r, s_min(base * S_BETA, S_GROWTH * measured), now_s);
}
