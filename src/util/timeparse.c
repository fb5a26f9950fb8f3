/* timeparse.c: the ISO 8601 forms the AWS CLI prints, to and from epoch
 * seconds, without locale or TZ dependence (no mktime). */
#include <stdio.h>
#include <string.h>

#include "util.h"

static int64_t s_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's days_from_civil algorithm. */
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool s_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool dw_time_parse_iso8601(const char *s, int64_t *out)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    size_t n = strlen(s);
    if (n < 10 || !s_digits(s, 4, &y) || s[4] != '-' || !s_digits(s + 5, 2, &mo) || s[7] != '-' ||
        !s_digits(s + 8, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    const char *p = s + 10;
    int64_t off_s = 0;
    if (*p == 'T' || *p == ' ') {
        if (strlen(p) < 9 || !s_digits(p + 1, 2, &h) || p[3] != ':' || !s_digits(p + 4, 2, &mi) ||
            p[6] != ':' || !s_digits(p + 7, 2, &se))
            return false;
        if (h > 23 || mi > 59 || se > 60)
            return false;
        p += 9;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9')
                return false;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh = 0, om = 0;
            if (!s_digits(p + 1, 2, &oh))
                return false;
            const char *q = p + 3;
            if (*q == ':')
                q++;
            if (!s_digits(q, 2, &om))
                return false;
            off_s = (int64_t)(oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
            p = q + 2;
        }
    }
    if (*p != '\0')
        return false;
    *out = s_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se - off_s;
    return true;
}

void dw_time_format_iso8601(int64_t t, char *out, size_t out_len)
{
    int64_t days = t / 86400;
    int64_t rem = t % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    /* civil_from_days */
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const unsigned doe = (unsigned)(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    snprintf(out, out_len, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
             (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60));
}
