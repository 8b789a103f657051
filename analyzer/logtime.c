/* SPDX-License-Identifier: MIT */
/* The timestamp reading behind logtime.h: a broken-down time is parsed
 * from the line, checked against the calendar, moved to UTC and written
 * as "YYYY-MM-DDTHH:MM:SS.mmmZ". Nothing here knows a log format. */
#include "logtime.h"

#include <stdint.h>
#include <string.h>

#include "logscan.h"

static bool
is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
logtime_days_in_month(int y, int m)
{
    static const int days[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    if (m == 2 && is_leap(y)) {
        return 29;
    }
    return days[m - 1];
}

bool
logtime_valid(const struct logtime *t)
{
    return t->year >= 1 && t->year <= 9999 && t->mon >= 1 && t->mon <= 12 &&
           t->day >= 1 && t->day <= logtime_days_in_month(t->year, t->mon) &&
           t->hour <= 23 && t->min <= 59 && t->sec <= 60;
}

/* Parse "hh:mm:ss" with an optional fraction after '.' or ','. The
 * fraction may have any length; it is cut (not rounded) to milliseconds
 * so that a record never moves into the next second. */
bool
logtime_parse_clock(const char *s, size_t n, size_t *pos, struct logtime *t)
{
    size_t p = *pos;
    size_t n_frac = 0;

    if (!get_num(s, n, p, 2, &t->hour) || !has_char(s, n, p + 2, ':') ||
        !get_num(s, n, p + 3, 2, &t->min) || !has_char(s, n, p + 5, ':') ||
        !get_num(s, n, p + 6, 2, &t->sec)) {
        return false;
    }
    p += 8;
    t->msec = 0;
    t->has_frac = false;
    if (p + 1 < n && (s[p] == '.' || s[p] == ',') && is_digit(s[p + 1])) {
        for (p++; p < n && is_digit(s[p]); p++) {
            if (n_frac < 3) {
                t->msec = t->msec * 10 + (s[p] - '0');
                n_frac++;
            }
        }
        for (; n_frac < 3; n_frac++) {
            t->msec *= 10;
        }
        t->has_frac = true;
    }
    if (t->hour > 23 || t->min > 59 || t->sec > 60) {
        return false;
    }
    *pos = p;
    return true;
}

/* Parse an optional zone: "Z", "+hh:mm" or "+hhmm", and with allow_space
 * also " +hhmm" (gunicorn). Leaves *pos alone when there is none. */
static void
parse_zone(const char *s, size_t n, size_t *pos, struct logtime *t,
           bool allow_space)
{
    size_t p = *pos;
    int hh;
    int mm;
    int sign;

    t->has_zone = false;
    t->off_min = 0;
    if (p < n && (s[p] == 'Z' || s[p] == 'z')) {
        t->has_zone = true;
        *pos = p + 1;
        return;
    }
    if (allow_space && has_char(s, n, p, ' ')) {
        p++;
    }
    if (p >= n || (s[p] != '+' && s[p] != '-')) {
        return;
    }
    sign = s[p] == '-' ? -1 : 1;
    if (!get_num(s, n, p + 1, 2, &hh)) {
        return;
    }
    p += 3;
    if (has_char(s, n, p, ':')) {
        p++;
    }
    if (!get_num(s, n, p, 2, &mm)) {
        return;
    }
    p += 2;
    if ((p < n && is_digit(s[p])) || hh > 23 || mm > 59) {
        return;
    }
    t->off_min = sign * (hh * 60 + mm);
    t->has_zone = true;
    *pos = p;
}

/* Parse "YYYY-MM-DD hh:mm:ss[.frac][zone]" at *pos; the date may use '/'
 * and the separator may be 'T'. An impossible date is no timestamp. */
bool
logtime_parse_iso(const char *s, size_t n, size_t *pos, struct logtime *t,
                  bool allow_space_zone)
{
    size_t p = *pos;
    char sep;

    memset(t, 0, sizeof(*t));
    if (!get_num(s, n, p, 4, &t->year) || p + 4 >= n) {
        return false;
    }
    sep = s[p + 4];
    if ((sep != '-' && sep != '/') || !get_num(s, n, p + 5, 2, &t->mon) ||
        !has_char(s, n, p + 7, sep) || !get_num(s, n, p + 8, 2, &t->day)) {
        return false;
    }
    p += 10;
    if (!has_char(s, n, p, 'T') && !has_char(s, n, p, 't') &&
        !has_char(s, n, p, ' ')) {
        return false;
    }
    t->has_t = s[p] != ' ';
    p++;
    if (!logtime_parse_clock(s, n, &p, t)) {
        return false;
    }
    parse_zone(s, n, &p, t, allow_space_zone);
    if (!logtime_valid(t)) {
        return false;
    }
    *pos = p;
    return true;
}

/* Move the date one day back (dir < 0) or forward. */
static bool
step_day(struct logtime *t, int dir)
{
    if (dir < 0) {
        t->day--;
        if (t->day == 0) {
            t->mon--;
            if (t->mon == 0) {
                t->mon = 12;
                t->year--;
            }
            if (t->year < 1) {
                return false;
            }
            t->day = logtime_days_in_month(t->year, t->mon);
        }
    } else {
        t->day++;
        if (t->day > logtime_days_in_month(t->year, t->mon)) {
            t->day = 1;
            t->mon++;
            if (t->mon > 12) {
                t->mon = 1;
                t->year++;
            }
        }
    }
    return t->year >= 1 && t->year <= 9999;
}

/* Apply the zone offset. Offsets are below a day, so the date moves by
 * one day at most. A time without zone is taken as UTC (formats.md 7.0,
 * rule 8). */
static bool
stamp_to_utc(struct logtime *t)
{
    int minutes = t->hour * 60 + t->min - t->off_min;

    if (minutes < 0) {
        minutes += 24 * 60;
        if (!step_day(t, -1)) {
            return false;
        }
    } else if (minutes >= 24 * 60) {
        minutes -= 24 * 60;
        if (!step_day(t, 1)) {
            return false;
        }
    }
    t->hour = minutes / 60;
    t->min = minutes % 60;
    t->off_min = 0;
    return true;
}

static void
put_num(char *dst, int v, int width)
{
    int i;

    for (i = width - 1; i >= 0; i--) {
        dst[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* Write t as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (at least 25 bytes),
 * or leave out empty when the conversion leaves years 1-9999. */
void
logtime_write(struct logtime t, char *out)
{
    out[0] = '\0';
    if (!stamp_to_utc(&t)) {
        return;
    }
    put_num(out, t.year, 4);
    out[4] = '-';
    put_num(out + 5, t.mon, 2);
    out[7] = '-';
    put_num(out + 8, t.day, 2);
    out[10] = 'T';
    put_num(out + 11, t.hour, 2);
    out[13] = ':';
    put_num(out + 14, t.min, 2);
    out[16] = ':';
    put_num(out + 17, t.sec, 2);
    out[19] = '.';
    put_num(out + 20, t.msec, 3);
    out[23] = 'Z';
    out[24] = '\0';
}

/* Fill t from milliseconds since 1970-01-01T00:00:00Z. */
static bool
stamp_from_ms(uint64_t ms, struct logtime *t)
{
    uint64_t days = ms / 86400000u;
    uint64_t rem = ms % 86400000u;
    int year = 1970;
    int mon = 1;

    /* Every 400 Gregorian years hold exactly 146097 days. */
    while (days >= 146097u) {
        days -= 146097u;
        year += 400;
        if (year > 9999) {
            return false;
        }
    }
    while (days >= (uint64_t)(is_leap(year) ? 366 : 365)) {
        days -= (uint64_t)(is_leap(year) ? 366 : 365);
        year++;
    }
    if (year > 9999) {
        return false;
    }
    while (days >= (uint64_t)logtime_days_in_month(year, mon)) {
        days -= (uint64_t)logtime_days_in_month(year, mon);
        mon++;
    }
    memset(t, 0, sizeof(*t));
    t->year = year;
    t->mon = mon;
    t->day = (int)days + 1;
    t->hour = (int)(rem / 3600000u);
    t->min = (int)(rem / 60000u % 60u);
    t->sec = (int)(rem / 1000u % 60u);
    t->msec = (int)(rem % 1000u);
    t->has_zone = true;
    return true;
}

/* Parse an epoch number "1705314225.123" filling [a, b) exactly. The
 * unit follows from the magnitude (formats.md 7.11): below 1e11 seconds,
 * below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds. */
bool
logtime_parse_epoch(const char *s, size_t a, size_t b, struct logtime *t)
{
    uint64_t ip = 0;
    uint64_t frac_ms = 0;
    uint64_t ms;
    size_t p = a;
    size_t n_frac = 0;

    for (; p < b && is_digit(s[p]); p++) {
        uint64_t d = (uint64_t)(s[p] - '0');

        if (ip > (UINT64_MAX - d) / 10u) {
            return false;
        }
        ip = ip * 10u + d;
    }
    if (p == a) {
        return false;
    }
    if (has_char(s, b, p, '.')) {
        for (p++; p < b && is_digit(s[p]); p++) {
            if (n_frac < 3) {
                frac_ms = frac_ms * 10u + (uint64_t)(s[p] - '0');
                n_frac++;
            }
        }
        for (; n_frac < 3; n_frac++) {
            frac_ms *= 10u;
        }
    }
    if (p != b) {
        return false;
    }
    if (ip < 100000000000ULL) {
        ms = ip * 1000u + frac_ms;
    } else if (ip < 100000000000000ULL) {
        ms = ip;
    } else if (ip < 100000000000000000ULL) {
        ms = ip / 1000u;
    } else {
        ms = ip / 1000000u;
    }
    return stamp_from_ms(ms, t);
}

/* A timestamp that must fill [a, b) exactly: RFC 3339 or an epoch. */
bool
logtime_parse_span(const char *s, size_t a, size_t b, struct logtime *t)
{
    size_t p = a;

    if (logtime_parse_iso(s, b, &p, t, false) && p == b) {
        return true;
    }
    return logtime_parse_epoch(s, a, b, t);
}
