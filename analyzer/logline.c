/* SPDX-License-Identifier: MIT */
/* Reads the header of one log line (timestamp normalised to UTC, severity,
 * component, start of the message) for the formats of formats.md section
 * 7, says whether a headerless line continues the record before it, and
 * reads the request fields of Envoy access log lines. It does not
 * assemble records, strip ANSI colours, unescape messages or decide a
 * file's continuation policy: the log parser that calls it does. */
#include "logline.h"

#include <stdint.h>
#include <string.h>

/* Bytes, counted after the outer prefixes, in which a text header must
 * be found. The longest header we know is about 120 bytes; the bound
 * keeps a 1 MiB line as cheap as a short one. */
#define LOGLINE_SCAN_MAX 256

/* Bytes of a JSON line scanned for its level, time and message keys.
 * logrus JSON sorts its keys, so "time" can come after a long "msg". */
#define LOGLINE_JSON_SCAN_MAX 4096

/* Bytes of a kubectl "[pod/POD/CONTAINER] " prefix: a 253-byte pod name,
 * a 63-byte container name and the punctuation. */
#define LOGLINE_PREFIX_MAX 330

/* A broken-down time as read from the line, before conversion to UTC. */
struct stamp {
    int year;
    int mon;
    int day;
    int hour;
    int min;
    int sec;
    int msec;
    int off_min; /* zone offset east of UTC, in minutes */
    bool has_frac;
    bool has_zone;
    bool has_t; /* date and time joined by 'T' rather than a space */
};

/* What a header detector found. */
struct found {
    struct stamp ts;
    bool has_ts;
    bool year_guessed; /* the year came from default_year */
    enum log_level level;
    size_t msg_off;
    size_t comp_off; /* component or logger name, see logline.h */
    size_t comp_len;
};

struct level_word {
    const char *word;
    enum log_level level;
};

/* formats.md 7.0, compared without regard to case. */
static const struct level_word level_words[] = {
    { "trace", LOG_LEVEL_TRACE },    { "trac", LOG_LEVEL_TRACE },
    { "debug", LOG_LEVEL_DEBUG },    { "debu", LOG_LEVEL_DEBUG },
    { "info", LOG_LEVEL_INFO },      { "notice", LOG_LEVEL_INFO },
    { "note", LOG_LEVEL_INFO },      { "system", LOG_LEVEL_INFO },
    { "warn", LOG_LEVEL_WARN },      { "warning", LOG_LEVEL_WARN },
    { "warni", LOG_LEVEL_WARN },     { "error", LOG_LEVEL_ERROR },
    { "erro", LOG_LEVEL_ERROR },     { "err", LOG_LEVEL_ERROR },
    { "fatal", LOG_LEVEL_FATAL },    { "fata", LOG_LEVEL_FATAL },
    { "critical", LOG_LEVEL_FATAL }, { "crit", LOG_LEVEL_FATAL },
    { "dpanic", LOG_LEVEL_FATAL },   { "panic", LOG_LEVEL_FATAL },
    { "pani", LOG_LEVEL_FATAL },     { "abort", LOG_LEVEL_FATAL },
};

static size_t
min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool
is_ident(char c)
{
    return is_alpha(c) || is_digit(c) || c == '_';
}

/* Is c the letter lower, in either case? lower must be lower case. */
static bool
same_letter(char c, char lower)
{
    return c == lower || (is_upper(c) && c - 'A' + 'a' == lower);
}

/* Is s[pos] the byte c? Safe for any pos. */
static bool
has_char(const char *s, size_t n, size_t pos, char c)
{
    return pos < n && s[pos] == c;
}

/* Does the text at s[pos] start with the literal lit? */
static bool
has_lit(const char *s, size_t n, size_t pos, const char *lit)
{
    size_t l = strlen(lit);

    return pos <= n && n - pos >= l && memcmp(s + pos, lit, l) == 0;
}

/* Read exactly width decimal digits at s[pos] into *val. */
static bool
get_num(const char *s, size_t n, size_t pos, size_t width, int *val)
{
    int v = 0;
    size_t i;

    if (pos > n || n - pos < width) {
        return false;
    }
    for (i = 0; i < width; i++) {
        if (!is_digit(s[pos + i])) {
            return false;
        }
        v = v * 10 + (s[pos + i] - '0');
    }
    *val = v;
    return true;
}

static size_t
skip_digits(const char *s, size_t n, size_t p)
{
    while (p < n && is_digit(s[p])) {
        p++;
    }
    return p;
}

static size_t
skip_spaces(const char *s, size_t n, size_t p)
{
    while (p < n && (s[p] == ' ' || s[p] == '\t')) {
        p++;
    }
    return p;
}

static size_t
skip_letters(const char *s, size_t n, size_t p)
{
    while (p < n && is_alpha(s[p])) {
        p++;
    }
    return p;
}

static size_t
trim_cr(const char *line, size_t len)
{
    if (len > 0 && line[len - 1] == '\r') {
        len--;
    }
    return len;
}

/* Record [a, b) as the line's component unless one is set already. */
static void
set_comp(struct found *f, size_t a, size_t b)
{
    if (f->comp_len == 0 && b > a) {
        f->comp_off = a;
        f->comp_len = b - a;
    }
}

/* Record the source file of "dir/file.go:123" in [a, b) as the
 * component: the base name, without the line number. */
static void
set_source_comp(const char *s, size_t a, size_t b, struct found *f)
{
    size_t colon = b;
    size_t start = a;
    size_t i;

    for (i = a; i < b; i++) {
        if (s[i] == ':') {
            colon = i;
        }
    }
    for (i = a; i < colon; i++) {
        if (s[i] == '/') {
            start = i + 1;
        }
    }
    set_comp(f, start, colon);
}

/* Map a level word to a level. A slog offset ("INFO+2", "WARN-1") is
 * ignored. Unknown words give LOG_LEVEL_NONE. */
static enum log_level
level_from_word(const char *w, size_t n)
{
    size_t letters = skip_letters(w, n, 0);
    size_t i;
    size_t k;

    if (letters < n && (w[letters] == '+' || w[letters] == '-') &&
        letters + 1 < n && skip_digits(w, n, letters + 1) == n) {
        n = letters;
    }
    for (i = 0; i < sizeof(level_words) / sizeof(level_words[0]); i++) {
        const char *cand = level_words[i].word;

        if (strlen(cand) != n) {
            continue;
        }
        for (k = 0; k < n; k++) {
            if (!same_letter(w[k], cand[k])) {
                break;
            }
        }
        if (k == n) {
            return level_words[i].level;
        }
    }
    return LOG_LEVEL_NONE;
}

/* A level word in a position where free text could also stand (after a
 * bare timestamp) must be all capitals, as Python and zap write it. */
static enum log_level
upper_level_word(const char *w, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!is_upper(w[i])) {
            return LOG_LEVEL_NONE;
        }
    }
    return level_from_word(w, n);
}

/* One-letter severities: klog/glog, tornado, Jupyter and c10. */
static enum log_level
letter_level(char c)
{
    switch (c) {
    case 'V':
        return LOG_LEVEL_TRACE;
    case 'D':
        return LOG_LEVEL_DEBUG;
    case 'I':
        return LOG_LEVEL_INFO;
    case 'W':
        return LOG_LEVEL_WARN;
    case 'E':
        return LOG_LEVEL_ERROR;
    case 'C':
    case 'F':
        return LOG_LEVEL_FATAL;
    default:
        return LOG_LEVEL_NONE;
    }
}

static bool
is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
    static const int days[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    if (m == 2 && is_leap(y)) {
        return 29;
    }
    return days[m - 1];
}

static bool
stamp_valid(const struct stamp *t)
{
    return t->year >= 1 && t->year <= 9999 && t->mon >= 1 && t->mon <= 12 &&
           t->day >= 1 && t->day <= days_in_month(t->year, t->mon) &&
           t->hour <= 23 && t->min <= 59 && t->sec <= 60;
}

/* Parse "hh:mm:ss" with an optional fraction after '.' or ','. The
 * fraction may have any length; it is cut (not rounded) to milliseconds
 * so that a record never moves into the next second. */
static bool
parse_clock(const char *s, size_t n, size_t *pos, struct stamp *t)
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
parse_zone(const char *s, size_t n, size_t *pos, struct stamp *t,
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
static bool
parse_iso(const char *s, size_t n, size_t *pos, struct stamp *t,
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
    if (!parse_clock(s, n, &p, t)) {
        return false;
    }
    parse_zone(s, n, &p, t, allow_space_zone);
    if (!stamp_valid(t)) {
        return false;
    }
    *pos = p;
    return true;
}

/* Move the date one day back (dir < 0) or forward. */
static bool
step_day(struct stamp *t, int dir)
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
            t->day = days_in_month(t->year, t->mon);
        }
    } else {
        t->day++;
        if (t->day > days_in_month(t->year, t->mon)) {
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
stamp_to_utc(struct stamp *t)
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
static void
stamp_write(struct stamp t, char *out)
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
stamp_from_ms(uint64_t ms, struct stamp *t)
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
    while (days >= (uint64_t)days_in_month(year, mon)) {
        days -= (uint64_t)days_in_month(year, mon);
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
static bool
parse_epoch(const char *s, size_t a, size_t b, struct stamp *t)
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
static bool
parse_ts_span(const char *s, size_t a, size_t b, struct stamp *t)
{
    size_t p = a;

    if (parse_iso(s, b, &p, t, false) && p == b) {
        return true;
    }
    return parse_epoch(s, a, b, t);
}

/* Index just past the quoted string opening at s[p], or 0 when it does
 * not close inside the window. Backslash escapes are skipped. */
static size_t
quoted_end(const char *s, size_t n, size_t p)
{
    for (p++; p < n; p++) {
        if (s[p] == '\\') {
            p++;
        } else if (s[p] == '"') {
            return p + 1;
        }
    }
    return 0;
}

/* Index just past the JSON value at s[p], or 0 when it does not end
 * inside the window. Nested values are skipped by counting brackets, so
 * there is no recursion whatever the depth. */
static size_t
json_value_end(const char *s, size_t n, size_t p)
{
    size_t depth = 0;
    size_t start = p;

    if (p >= n) {
        return 0;
    }
    if (s[p] == '"') {
        return quoted_end(s, n, p);
    }
    if (s[p] == '{' || s[p] == '[') {
        while (p < n) {
            if (s[p] == '"') {
                p = quoted_end(s, n, p);
                if (p == 0) {
                    return 0;
                }
                continue;
            }
            if (s[p] == '{' || s[p] == '[') {
                depth++;
            } else if (s[p] == '}' || s[p] == ']') {
                depth--;
                if (depth == 0) {
                    return p + 1;
                }
            }
            p++;
        }
        return 0;
    }
    while (p < n && s[p] != ',' && s[p] != '}' && s[p] != ']' && s[p] != ' ' &&
           s[p] != '\t') {
        p++;
    }
    return p == start || p == n ? 0 : p;
}

static bool
span_is(const char *s, size_t a, size_t b, const char *word)
{
    size_t l = strlen(word);

    return b - a == l && memcmp(s + a, word, l) == 0;
}

enum json_key {
    KEY_OTHER,
    KEY_LEVEL,
    KEY_TIME,
    KEY_MSG,
    KEY_ERR,
    KEY_V,
    KEY_COMPONENT,
    KEY_LOGGER,
    KEY_SCOPE
};

static enum json_key
json_key_kind(const char *s, size_t a, size_t b)
{
    if (span_is(s, a, b, "level") || span_is(s, a, b, "severity") ||
        span_is(s, a, b, "lvl")) {
        return KEY_LEVEL;
    }
    if (span_is(s, a, b, "ts") || span_is(s, a, b, "time") ||
        span_is(s, a, b, "timestamp") || span_is(s, a, b, "@timestamp") ||
        span_is(s, a, b, "start_time")) {
        return KEY_TIME;
    }
    if (span_is(s, a, b, "msg") || span_is(s, a, b, "message")) {
        return KEY_MSG;
    }
    if (span_is(s, a, b, "err")) {
        return KEY_ERR;
    }
    if (span_is(s, a, b, "v")) {
        return KEY_V;
    }
    if (span_is(s, a, b, "component")) {
        return KEY_COMPONENT;
    }
    if (span_is(s, a, b, "logger")) {
        return KEY_LOGGER;
    }
    if (span_is(s, a, b, "scope")) {
        return KEY_SCOPE;
    }
    return KEY_OTHER;
}

/* A JSON object line (logrus, zap, slog, Kubernetes JSON, Envoy JSON
 * access log). A light scan of the top-level members only: the line is a
 * header once "{" is followed by a key and a colon. Kubernetes JSON logs
 * have no level key: "err" marks an error and "v" an info record. The
 * component is the "component" string, else "logger", else Istio's
 * "scope"; "caller" is a source position, not a component. */
static bool
detect_json(const char *s, size_t n, size_t pos, struct found *f)
{
    size_t names[3][2] = { { 0, 0 }, { 0, 0 }, { 0, 0 } };
    size_t p = pos + 1;
    size_t i;
    bool any = false;
    bool has_level = false;
    bool has_msg = false;
    bool has_err = false;
    bool has_v = false;

    if (!has_char(s, n, pos, '{')) {
        return false;
    }
    for (;;) {
        size_t k0;
        size_t k1;
        size_t v0;
        size_t v1;
        enum json_key kind;

        p = skip_spaces(s, n, p);
        if (!has_char(s, n, p, '"')) {
            break;
        }
        k0 = p + 1;
        p = quoted_end(s, n, p);
        if (p == 0) {
            break;
        }
        k1 = p - 1;
        p = skip_spaces(s, n, p);
        if (!has_char(s, n, p, ':')) {
            break;
        }
        any = true;
        v0 = skip_spaces(s, n, p + 1);
        kind = json_key_kind(s, k0, k1);
        if (kind == KEY_MSG && !has_msg && has_char(s, n, v0, '"')) {
            f->msg_off = v0 + 1;
            has_msg = true;
        }
        v1 = json_value_end(s, n, v0);
        if (v1 == 0) {
            break;
        }
        if (kind == KEY_LEVEL && !has_level && s[v0] == '"') {
            f->level = level_from_word(s + v0 + 1, v1 - v0 - 2);
            has_level = true;
        } else if (kind == KEY_TIME && !f->has_ts) {
            if (s[v0] == '"') {
                f->has_ts = parse_ts_span(s, v0 + 1, v1 - 1, &f->ts);
            } else {
                f->has_ts = parse_epoch(s, v0, v1, &f->ts);
            }
        } else if (kind == KEY_ERR && !span_is(s, v0, v1, "null")) {
            has_err = true;
        } else if (kind == KEY_V) {
            has_v = true;
        } else if ((kind == KEY_COMPONENT || kind == KEY_LOGGER ||
                    kind == KEY_SCOPE) &&
                   s[v0] == '"') {
            i = (size_t)(kind - KEY_COMPONENT);
            if (names[i][1] == 0) {
                names[i][0] = v0 + 1;
                names[i][1] = v1 - 1;
            }
        }
        p = skip_spaces(s, n, v1);
        if (!has_char(s, n, p, ',')) {
            break;
        }
        p++;
    }
    if (!has_level && has_err) {
        f->level = LOG_LEVEL_ERROR;
    } else if (!has_level && has_v) {
        f->level = LOG_LEVEL_INFO;
    }
    for (i = 0; i < 3; i++) {
        set_comp(f, names[i][0], names[i][1]);
    }
    return any;
}

static bool
is_key_char(char c)
{
    return is_ident(c) || c == '.' || c == '-' || c == '@';
}

/* logfmt text: logrus ("time=\"...\" level=error msg=..."), slog
 * ("time=... level=ERROR msg=...") and go-kit ("level=info ts=...").
 * The first key must be time, ts, level or lvl; scanning stops at msg,
 * whose value is where the message starts. */
static bool
detect_logfmt(const char *s, size_t n, size_t pos, struct found *f)
{
    size_t p = pos;
    size_t after_known = pos;
    bool got_level = false;
    int pair;

    for (pair = 0; pair < 8; pair++) {
        size_t k0 = p;
        size_t v0;
        size_t v1;
        bool quoted;

        while (p < n && is_key_char(s[p])) {
            p++;
        }
        if (p == k0 || !has_char(s, n, p, '=')) {
            break;
        }
        v0 = p + 1;
        quoted = has_char(s, n, v0, '"');
        if (pair == 0 && !span_is(s, k0, p, "time") &&
            !span_is(s, k0, p, "ts") && !span_is(s, k0, p, "level") &&
            !span_is(s, k0, p, "lvl")) {
            return false;
        }
        if (span_is(s, k0, p, "msg") || span_is(s, k0, p, "message")) {
            f->msg_off = quoted ? v0 + 1 : v0;
            return f->has_ts || got_level;
        }
        if (quoted) {
            v1 = quoted_end(s, n, v0);
            if (v1 == 0) {
                break;
            }
        } else {
            for (v1 = v0; v1 < n && s[v1] != ' '; v1++) {
            }
        }
        if ((span_is(s, k0, p, "time") || span_is(s, k0, p, "ts")) &&
            !f->has_ts) {
            if (quoted) {
                f->has_ts = parse_ts_span(s, v0 + 1, v1 - 1, &f->ts);
            } else {
                f->has_ts = parse_ts_span(s, v0, v1, &f->ts);
            }
            after_known = v1;
        } else if ((span_is(s, k0, p, "level") || span_is(s, k0, p, "lvl")) &&
                   !got_level) {
            f->level = quoted ? level_from_word(s + v0 + 1, v1 - v0 - 2)
                              : level_from_word(s + v0, v1 - v0);
            got_level = f->level != LOG_LEVEL_NONE;
            after_known = v1;
        }
        p = v1;
        if (!has_char(s, n, p, ' ')) {
            break;
        }
        p++;
    }
    f->msg_off = skip_spaces(s, n, after_known);
    return f->has_ts || got_level;
}

/* The component of a logfmt line: the value of its "component" key, else
 * of its "logger" key, wherever they stand (logrus sorts keys after msg,
 * so they may follow a long message). Stops at the first text that is
 * not KEY=VALUE. A quoted value is given without its quotes. */
static void
logfmt_component(const char *s, size_t n, size_t pos, struct found *f)
{
    size_t logger[2] = { 0, 0 };
    size_t p = pos;

    while (p < n) {
        size_t k0 = p;
        size_t k1;
        size_t v0;
        size_t v1;

        while (p < n && is_key_char(s[p])) {
            p++;
        }
        if (p == k0 || !has_char(s, n, p, '=')) {
            break;
        }
        k1 = p;
        v0 = p + 1;
        if (has_char(s, n, v0, '"')) {
            v1 = quoted_end(s, n, v0);
            if (v1 == 0) {
                break;
            }
            p = v1;
            v0++;
            v1--;
        } else {
            for (v1 = v0; v1 < n && s[v1] != ' '; v1++) {
            }
            p = v1;
        }
        if (span_is(s, k0, k1, "component") && v1 > v0) {
            set_comp(f, v0, v1);
            return;
        }
        if (span_is(s, k0, k1, "logger") && logger[1] == 0) {
            logger[0] = v0;
            logger[1] = v1;
        }
        p = skip_spaces(s, n, p);
    }
    set_comp(f, logger[0], logger[1]);
}

/* Skip "file.go:123" and an optional space before "]"; returns the index
 * of the "]" or 0 when the text does not have that shape. */
static size_t
source_then_bracket(const char *s, size_t n, size_t p)
{
    size_t start = p;
    size_t colon = 0;

    while (p < n && s[p] != ' ' && s[p] != ']') {
        if (s[p] == ':') {
            colon = p;
        }
        p++;
    }
    if (colon <= start || colon + 1 == p || skip_digits(s, p, colon + 1) != p) {
        return 0;
    }
    if (has_char(s, n, p, ' ')) {
        p++;
    }
    return has_char(s, n, p, ']') ? p : 0;
}

/* klog/glog/absl: "E0115 10:23:45.123456       1 file.go:123] msg", the
 * C++ glog year form "I20240115 ..." included. The year comes from
 * default_year when absent. A month or day out of range is not klog; a
 * date that only fails for that year (29 February) leaves a header
 * without timestamp, since the shape is unmistakable. */
static bool
detect_klog(const char *s, size_t n, size_t pos, int default_year,
            struct found *f)
{
    bool guessed = false;
    struct stamp t;
    size_t p = pos + 1;
    size_t n_date;
    size_t id_start;
    size_t close;

    if (pos >= n ||
        (s[pos] != 'I' && s[pos] != 'W' && s[pos] != 'E' && s[pos] != 'F')) {
        return false;
    }
    memset(&t, 0, sizeof(t));
    n_date = skip_digits(s, n, p) - p;
    if (n_date == 8) {
        (void)get_num(s, n, p, 4, &t.year);
        p += 4;
    } else if (n_date == 4) {
        t.year = default_year;
        guessed = true;
    } else {
        return false;
    }
    (void)get_num(s, n, p, 2, &t.mon);
    (void)get_num(s, n, p + 2, 2, &t.day);
    p += 4;
    if (t.mon < 1 || t.mon > 12 || t.day < 1 ||
        t.day > days_in_month(2000, t.mon) || !has_char(s, n, p, ' ')) {
        return false;
    }
    p++;
    if (!parse_clock(s, n, &p, &t) || !has_char(s, n, p, ' ')) {
        return false;
    }
    p = skip_spaces(s, n, p);
    id_start = p;
    p = skip_digits(s, n, p);
    if (p == id_start || !has_char(s, n, p, ' ')) {
        return false;
    }
    close = source_then_bracket(s, n, p + 1);
    if (close == 0) {
        return false;
    }
    f->level = letter_level(s[pos]);
    f->has_ts = stamp_valid(&t);
    f->year_guessed = guessed;
    f->ts = t;
    set_source_comp(s, p + 1, close, f);
    p = close + 1;
    f->msg_off = has_char(s, n, p, ' ') ? p + 1 : p;
    return true;
}

/* Python logging without asctime: "ERROR:root:message" (basicConfig)
 * and uvicorn's "INFO:     Started server process". */
static bool
detect_python_level(const char *s, size_t n, size_t pos, struct found *f)
{
    static const char *const names[] = { "TRACE",   "DEBUG", "INFO",
                                         "WARNING", "ERROR", "CRITICAL" };
    size_t i;
    size_t p;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (has_lit(s, n, pos, names[i]) &&
            has_char(s, n, pos + strlen(names[i]), ':')) {
            break;
        }
    }
    if (i == sizeof(names) / sizeof(names[0])) {
        return false;
    }
    p = pos + strlen(names[i]) + 1;
    if (has_char(s, n, p, ' ')) {
        /* uvicorn pads "LEVEL:" so that the message starts in column 10;
         * "ERROR: text" with another width is free text. */
        p = skip_spaces(s, n, p);
        if (p - pos != 10) {
            return false;
        }
        f->msg_off = p;
    } else {
        size_t name_start = p;

        while (p < n && s[p] != ':' && s[p] != ' ') {
            p++;
        }
        if (p == name_start || !has_char(s, n, p, ':')) {
            return false;
        }
        set_comp(f, name_start, p);
        f->msg_off = p + 1;
    }
    f->level = level_from_word(s + pos, strlen(names[i]));
    return true;
}

/* Go runtime crashes open a record of their own: "panic: ..." and
 * "fatal error: ...". The words stay in the message. */
static bool
detect_go_crash(const char *s, size_t n, size_t pos, struct found *f)
{
    if (!has_lit(s, n, pos, "panic: ") &&
        !has_lit(s, n, pos, "fatal error: ")) {
        return false;
    }
    f->level = LOG_LEVEL_FATAL;
    f->msg_off = pos;
    return true;
}

/* "[WORD]" at s[p]: a bracketed level word. Returns the index after "]"
 * or 0. */
static size_t
bracket_level(const char *s, size_t n, size_t p, enum log_level *level)
{
    size_t end;

    if (!has_char(s, n, p, '[')) {
        return 0;
    }
    end = skip_letters(s, n, p + 1);
    if (end == p + 1 || !has_char(s, n, end, ']')) {
        return 0;
    }
    *level = level_from_word(s + p + 1, end - p - 1);
    return *level == LOG_LEVEL_NONE ? 0 : end + 1;
}

/* After a bracketed letter "[E ": tornado "[E 240115 10:23:45 web:12] "
 * and Jupyter "[I 2024-01-15 10:23:45.123 ServerApp] ", or old c10
 * "[E ProcessGroupNCCL.cpp:475] ". p is just after the space. */
static bool
detect_letter_bracket(const char *s, size_t n, size_t p, struct found *f)
{
    struct stamp t;
    size_t q = p;
    size_t close;

    memset(&t, 0, sizeof(t));
    if (skip_digits(s, n, p) == p + 6 && has_char(s, n, p + 6, ' ')) {
        (void)get_num(s, n, p, 2, &t.year);
        (void)get_num(s, n, p + 2, 2, &t.mon);
        (void)get_num(s, n, p + 4, 2, &t.day);
        t.year += 2000;
        q = p + 7;
        if (!parse_clock(s, n, &q, &t)) {
            return false;
        }
        f->has_ts = stamp_valid(&t);
        f->ts = t;
    } else if (parse_iso(s, n, &q, &t, false)) {
        f->has_ts = true;
        f->ts = t;
    } else {
        close = source_then_bracket(s, n, p);
        if (close == 0) {
            return false;
        }
        set_source_comp(s, p, close, f);
        f->msg_off = has_char(s, n, close + 1, ' ') ? close + 2 : close + 1;
        return true;
    }
    if (!has_char(s, n, q, ' ') && !has_char(s, n, q, ']')) {
        return false;
    }
    close = q + 1;
    while (q < n && s[q] != ']') {
        q++;
    }
    if (q == n) {
        return false;
    }

    /* The module ("web:12") or application ("ServerApp") before "]". */
    if (close < q) {
        set_source_comp(s, close, q, f);
    }
    f->msg_off = has_char(s, n, q + 1, ' ') ? q + 2 : q + 1;
    return true;
}

/* New c10 form after "[": "E506 09:31:40.000412355 File.cpp:616] " with
 * a month-day number that is not zero padded. p points at the letter. */
static bool
detect_c10(const char *s, size_t n, size_t p, int default_year, struct found *f)
{
    struct stamp t;
    size_t digits_end = skip_digits(s, n, p + 1);
    size_t n_md = digits_end - p - 1;
    size_t q;
    size_t close;
    int md = 0;

    if (n_md < 3 || n_md > 4 || !has_char(s, n, digits_end, ' ')) {
        return false;
    }
    memset(&t, 0, sizeof(t));
    (void)get_num(s, n, p + 1, n_md, &md);
    t.year = default_year;
    t.mon = md / 100;
    t.day = md % 100;
    q = digits_end + 1;
    if (!parse_clock(s, n, &q, &t) || !has_char(s, n, q, ' ')) {
        return false;
    }
    close = source_then_bracket(s, n, q + 1);
    if (close == 0) {
        return false;
    }
    set_source_comp(s, q + 1, close, f);

    /* The fraction comes from a monotonic clock, not the wall time. */
    t.msec = 0;
    f->has_ts = stamp_valid(&t);
    f->year_guessed = true;
    f->ts = t;
    f->msg_off = has_char(s, n, close + 1, ' ') ? close + 2 : close + 1;
    return true;
}

/* Lines opening with "[": CoreDNS "[ERROR] ", tornado/Jupyter/c10
 * letters, Envoy access logs "[2024-...Z] ", gunicorn "[ts] [1] [ERROR] "
 * and oauth2-proxy "[2024/01/15 10:23:45] [file.go:12] ". */
static bool
detect_bracket(const char *s, size_t n, size_t pos, int default_year,
               struct found *f)
{
    struct stamp t;
    size_t p = pos + 1;
    size_t q;
    size_t after;

    if (has_lit(s, n, pos, "[rank")) {
        q = skip_digits(s, n, pos + 5);
        if (q == pos + 5 || !has_lit(s, n, q, "]:[")) {
            return false;
        }
        pos = q + 2;
        p = pos + 1;
    }
    after = bracket_level(s, n, pos, &f->level);
    if (after != 0) {
        f->msg_off = has_char(s, n, after, ' ') ? after + 1 : after;

        /* CoreDNS names the plugin: "[ERROR] plugin/errors: ..." */
        if (has_lit(s, n, f->msg_off, "plugin/")) {
            q = f->msg_off;
            while (q < n && s[q] != ':' && s[q] != ' ') {
                q++;
            }
            if (has_char(s, n, q, ':')) {
                set_comp(f, f->msg_off, q);
            }
        }
        return true;
    }
    if (p < n && letter_level(s[p]) != LOG_LEVEL_NONE) {
        f->level = letter_level(s[p]);
        if (has_char(s, n, p + 1, ' ') &&
            detect_letter_bracket(s, n, p + 2, f)) {
            return true;
        }
        if (detect_c10(s, n, p, default_year, f)) {
            return true;
        }
        f->level = LOG_LEVEL_NONE;
        f->has_ts = false;
        return false;
    }
    q = p;
    if (!parse_iso(s, n, &q, &t, true) || !has_lit(s, n, q, "] ")) {
        return false;
    }
    f->has_ts = true;
    f->ts = t;
    p = q + 2;
    f->msg_off = p;

    /* gunicorn: "[PID] [LEVEL] " */
    if (has_char(s, n, p, '[')) {
        q = skip_digits(s, n, p + 1);
        if (q > p + 1 && has_lit(s, n, q, "] ")) {
            after = bracket_level(s, n, q + 2, &f->level);
            if (after != 0) {
                f->msg_off = has_char(s, n, after, ' ') ? after + 1 : after;
                return true;
            }
        }
        /* oauth2-proxy: "[file.go:123] " */
        q = source_then_bracket(s, n, p + 1);
        if (q != 0 && has_char(s, n, q + 1, ' ')) {
            set_source_comp(s, p + 1, q, f);
            f->msg_off = q + 2;
        }
    }
    return true;
}

/* Is [a, b) a logger or scope name such as "controller-runtime.metrics"
 * or "ads", or a caller such as "controller/controller.go:329"? */
static bool
is_name_field(const char *s, size_t a, size_t b)
{
    size_t i;

    if (a >= b || !is_alpha(s[a])) {
        return false;
    }
    for (i = a; i < b; i++) {
        if (!is_key_char(s[i]) && s[i] != '/' && s[i] != ':') {
            return false;
        }
    }
    return true;
}

/* zap console and Istio: after "TS\tLEVEL\t" skip up to two fields that
 * are a logger/scope and a caller, and the "envoy NAME file:line" field
 * of Envoy's own log. A field is skipped only when another field follows
 * and that one is not a JSON object. A first field without ':' is the
 * logger or scope, and "envoy NAME" the Envoy logger: the component. */
static size_t
skip_tab_fields(const char *s, size_t n, size_t p, struct found *f)
{
    size_t q;
    int i;

    for (i = 0; i < 2; i++) {
        const char *tab = memchr(s + p, '\t', n - p);
        size_t end;

        if (tab == NULL) {
            break;
        }
        end = (size_t)(tab - s);
        if (has_char(s, n, end + 1, '{')) {
            break;
        }
        if (has_lit(s, end, p, "envoy ")) {
            for (q = p + 6; q < end && s[q] != ' '; q++) {
            }
        } else if (is_name_field(s, p, end)) {
            q = memchr(s + p, ':', end - p) == NULL ? end : p;
        } else {
            break;
        }
        if (i == 0) {
            set_comp(f, p, q);
        }
        p = end + 1;
    }
    return p;
}

/* Is the text at p after a timestamp a space-separated level, possibly
 * behind a PID and a logger name (KServe "1 kserve INFO [f.py:f():3]")?
 * Returns the index after the level word, or 0. The logger name, when
 * there is one, becomes the component. */
static size_t
spaced_level(const char *s, size_t n, size_t p, struct found *f)
{
    size_t name = 0;
    size_t name_end = 0;
    int tok;

    for (tok = 0; tok < 3; tok++) {
        size_t end = p;

        while (end < n && s[end] != ' ' && s[end] != ':') {
            end++;
        }
        f->level = upper_level_word(s + p, end - p);
        if (f->level != LOG_LEVEL_NONE) {
            set_comp(f, name, name_end);
            return end;
        }
        if (end == p || !has_char(s, n, end, ' ')) {
            return 0;
        }
        if (tok == 0 && skip_digits(s, end, p) == end) {
            p = end + 1;
            continue;
        }
        if (tok < 2 && is_name_field(s, p, end)) {
            name = p;
            name_end = end;
            p = end + 1;
            continue;
        }
        return 0;
    }
    return 0;
}

/* Lines opening with a date: RFC 3339 and Python asctime prefixes, zap
 * console and Istio (tab separated), MySQL 5.7/8 and its entrypoint, and
 * Go's standard log "2024/01/15 10:23:45 msg". A timestamp followed by
 * no level is a header, except the kubelet --timestamps shape ('T',
 * fraction, zone, one space): that is an outer prefix, not a record. */
static bool
detect_iso(const char *s, size_t n, size_t pos, struct found *f)
{
    struct stamp t;
    size_t p = pos;
    size_t q;
    size_t after;
    bool kubelet_shape;

    if (!parse_iso(s, n, &p, &t, true)) {
        return false;
    }
    kubelet_shape = t.has_t && t.has_frac && t.has_zone;
    f->has_ts = true;
    f->ts = t;
    f->msg_off = p;
    if (has_char(s, n, p, '\t')) {
        q = p + 1;
        while (q < n && s[q] != '\t' && s[q] != ' ') {
            q++;
        }
        f->level = level_from_word(s + p + 1, q - p - 1);
        if (f->level == LOG_LEVEL_NONE) {
            f->msg_off = p + 1;
        } else if (has_char(s, n, q, '\t')) {
            f->msg_off = skip_tab_fields(s, n, q + 1, f);
        } else {
            f->msg_off = skip_spaces(s, n, q);
        }
        return true;
    }
    if (p == n) {
        return !kubelet_shape;
    }
    if (s[p] != ' ') {
        return false;
    }
    p++;
    f->msg_off = p;

    /* Python "%(asctime)s - %(name)s - %(levelname)s - %(message)s" */
    if (has_lit(s, n, p, "- ")) {
        for (q = p + 2; q + 3 <= n && memcmp(s + q, " - ", 3) != 0; q++) {
        }
        if (q + 3 <= n) {
            q += 3;
            after = skip_letters(s, n, q);
            f->level = level_from_word(s + q, after - q);
            if (f->level != LOG_LEVEL_NONE && has_lit(s, n, after, " - ")) {
                set_comp(f, p + 2, q - 3);
                f->msg_off = after + 3;
                return true;
            }
            f->level = LOG_LEVEL_NONE;
        }
    }

    /* MySQL: optional thread id, "[Label]", then "[MY-...] [Subsystem] "
     * (8.0) or "[Entrypoint]: " (docker entrypoint). */
    q = skip_digits(s, n, p);
    q = (q > p && has_char(s, n, q, ' ')) ? q + 1 : p;
    after = bracket_level(s, n, q, &f->level);
    if (after != 0) {
        p = has_char(s, n, after, ' ') ? after + 1 : after;
        if (has_lit(s, n, p, "[MY-")) {
            q = skip_digits(s, n, p + 4);
            if (has_lit(s, n, q, "] [")) {
                after = skip_letters(s, n, q + 3);
                while (after < n && is_ident(s[after])) {
                    after++;
                }
                if (has_lit(s, n, after, "] ")) {
                    set_comp(f, q + 3, after);
                    p = after + 2;
                }
            }
        } else if (has_lit(s, n, p, "[Entrypoint]: ")) {
            set_comp(f, p + 1, p + 11);
            p += strlen("[Entrypoint]: ");
        }
        f->msg_off = p;
        return true;
    }

    /* "LEVEL msg", "LEVEL: msg", "PID LOGGER LEVEL [src] msg" */
    after = spaced_level(s, n, p, f);
    if (after != 0) {
        p = has_char(s, n, after, ':') ? after + 1 : after;
        p = skip_spaces(s, n, p);
        if (has_char(s, n, p, '[')) {
            q = p + 1;
            while (q < n && s[q] != ']' && s[q] != ' ') {
                q++;
            }
            if (has_lit(s, n, q, "] ") && memchr(s + p, ':', q - p) != NULL) {
                p = q + 2;
            }
        }
        f->msg_off = p;
        return true;
    }
    f->level = LOG_LEVEL_NONE;
    return !kubelet_shape;
}

/* Try every header format at pos. The text window is LOGLINE_SCAN_MAX
 * bytes, the JSON window LOGLINE_JSON_SCAN_MAX. */
/* logrus text on a terminal: "ERRO[0001] message", the level cut to four
 * letters and the seconds since start in brackets (no wall time). */
static bool
detect_logrus_tty(const char *s, size_t n, size_t pos, struct found *f)
{
    static const struct {
        const char *word;
        enum log_level level;
    } tty[] = {
        { "TRAC", LOG_LEVEL_TRACE }, { "DEBU", LOG_LEVEL_DEBUG },
        { "INFO", LOG_LEVEL_INFO },  { "WARN", LOG_LEVEL_WARN },
        { "ERRO", LOG_LEVEL_ERROR }, { "FATA", LOG_LEVEL_FATAL },
        { "PANI", LOG_LEVEL_FATAL },
    };
    size_t i;
    size_t p;

    if (pos + 6 > n || s[pos + 4] != '[' || !is_digit(s[pos + 5])) {
        return false;
    }
    for (i = 0; i < sizeof(tty) / sizeof(tty[0]); i++) {
        if (memcmp(s + pos, tty[i].word, 4) != 0) {
            continue;
        }
        p = skip_digits(s, n, pos + 5);
        if (p >= n || s[p] != ']') {
            return false;
        }
        f->level = tty[i].level;
        f->msg_off = skip_spaces(s, n, p + 1);
        return true;
    }
    return false;
}

static bool
detect_header(const char *s, size_t len, size_t pos, int default_year,
              struct found *f)
{
    size_t n = min_size(len, pos + LOGLINE_SCAN_MAX);
    char c;

    memset(f, 0, sizeof(*f));
    f->msg_off = pos;
    if (pos >= len) {
        return false;
    }
    c = s[pos];
    if (c == '{') {
        return detect_json(s, min_size(len, pos + LOGLINE_JSON_SCAN_MAX), pos,
                           f);
    }
    if (c == '[') {
        return detect_bracket(s, n, pos, default_year, f);
    }
    if (is_digit(c)) {
        return detect_iso(s, n, pos, f);
    }
    if (detect_klog(s, n, pos, default_year, f) ||
        detect_logrus_tty(s, n, pos, f)) {
        return true;
    }
    if (detect_logfmt(s, n, pos, f)) {
        logfmt_component(s, min_size(len, pos + LOGLINE_JSON_SCAN_MAX), pos, f);
        return true;
    }
    return detect_python_level(s, n, pos, f) || detect_go_crash(s, n, pos, f);
}

/* NCCL debug output, "host:57:57 [0] NCCL INFO ..." or with a source
 * position "host:57:210 [0] misc/socket.cc:50 (fn) NCCL WARN ...": the
 * component is the word NCCL. Returns true when the text at pos has that
 * shape and sets *off to the offset of "NCCL". */
static bool
nccl_word(const char *s, size_t len, size_t pos, size_t *off)
{
    static const char *const kinds[] = { "INFO", "WARN", "TRACE", "CALL",
                                         "ABORT" };
    size_t n = min_size(len, pos + LOGLINE_SCAN_MAX);
    size_t p = pos;
    size_t q;
    size_t i;
    int field;

    while (p < n && s[p] != ':' && s[p] != ' ') {
        p++;
    }
    if (p == pos) {
        return false;
    }

    /* ":PID:TID" */
    for (field = 0; field < 2; field++) {
        q = skip_digits(s, n, p + 1);
        if (!has_char(s, n, p, ':') || q == p + 1) {
            return false;
        }
        p = q;
    }
    if (!has_lit(s, n, p, " [")) {
        return false;
    }
    q = skip_digits(s, n, p + 2);
    if (q == p + 2 || !has_lit(s, n, q, "] ")) {
        return false;
    }
    p = q + 2;

    /* An optional "file:line " and "(function) " before the word. */
    if (!has_lit(s, n, p, "NCCL ")) {
        while (p < n && s[p] != ' ') {
            p++;
        }
        p++;
        if (has_char(s, n, p, '(')) {
            while (p < n && s[p] != ')') {
                p++;
            }
            p += 2;
        }
    }
    if (!has_lit(s, n, p, "NCCL ")) {
        return false;
    }
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (has_lit(s, n, p + 5, kinds[i])) {
            *off = p;
            return true;
        }
    }
    return false;
}

/* kubectl --prefix: "[pod/POD/CONTAINER] ". Returns the index after it,
 * or pos when absent. */
static size_t
peel_pod_prefix(const char *s, size_t len, size_t pos)
{
    size_t n = min_size(len, pos + LOGLINE_PREFIX_MAX);
    size_t p = pos + 5;
    size_t name;

    if (!has_lit(s, n, pos, "[pod/")) {
        return pos;
    }
    name = p;
    while (p < n && s[p] != '/' && s[p] != ']' && s[p] != ' ') {
        p++;
    }
    if (p == name || !has_char(s, n, p, '/')) {
        return pos;
    }
    for (p++; p < n && s[p] != ']'; p++) {
    }
    return has_lit(s, n, p, "] ") ? p + 2 : pos;
}

/* kubelet --timestamps: RFC 3339 with 'T', a fraction and a zone, then
 * one space. Returns the index after the space, or pos when absent. */
static size_t
peel_kubelet_ts(const char *s, size_t len, size_t pos, struct stamp *t)
{
    size_t n = min_size(len, pos + LOGLINE_SCAN_MAX);
    size_t p = pos;

    if (!parse_iso(s, n, &p, t, false) || !t->has_t || !t->has_frac ||
        !t->has_zone || !has_char(s, n, p, ' ')) {
        return pos;
    }
    return p + 1;
}

void
logline_parse(const char *line, size_t len, int default_year,
              struct logline *out)
{
    struct stamp kts;
    struct found f;
    size_t p0;
    size_t p1;
    size_t nccl;
    bool ok = false;

    memset(out, 0, sizeof(*out));
    out->level = LOG_LEVEL_NONE;
    if (line == NULL) {
        return;
    }
    len = trim_cr(line, len);

    /* Outer prefixes (formats.md 7.0, step 2) are peeled first; they do
     * not make a header on their own, because every line of a traceback
     * carries them too. */
    p0 = peel_pod_prefix(line, len, 0);
    p1 = peel_kubelet_ts(line, len, p0, &kts);
    if (p1 != p0) {
        ok = detect_header(line, len, p1, default_year, &f);
    }
    if (!ok) {
        ok = detect_header(line, len, p0, default_year, &f);
    }
    if (ok) {
        out->is_header = true;
        out->level = f.level;
        out->msg_off = f.msg_off;
        out->comp_off = f.comp_off;
        out->comp_len = f.comp_len;
        if (p1 != p0) {
            /* The kubelet's instant is the true one (7.0, rule 8). */
            stamp_write(kts, out->ts);
        } else if (f.has_ts) {
            stamp_write(f.ts, out->ts);
            out->year_guessed = f.year_guessed;
        }
    } else {
        out->msg_off = p1;
        if (p1 != p0) {
            stamp_write(kts, out->ts);
        }
    }
    if (out->msg_off > len) {
        out->msg_off = len;
    }
    if (out->comp_len == 0 && out->msg_off < len &&
        nccl_word(line, len, out->msg_off, &nccl)) {
        out->comp_off = nccl;
        out->comp_len = 4;
    }
}

/* "Name(.Name)*" ending in Error, Exception, Exit or Interrupt, alone or
 * followed by ":" and a message: the last line of a Python traceback. */
static bool
is_python_exception(const char *s, size_t n, size_t len, size_t p)
{
    static const char *const suffixes[] = { "Error", "Exception", "Exit",
                                            "Interrupt" };
    size_t start = p;
    size_t i;

    if (p >= n || !(is_alpha(s[p]) || s[p] == '_')) {
        return false;
    }
    while (p < n && (is_ident(s[p]) || s[p] == '.')) {
        p++;
    }
    if (s[p - 1] == '.') {
        return false;
    }
    if (p == n && n < len) {
        return false;
    }
    if (p < len && s[p] != ':') {
        return false;
    }
    if (p < len && p + 1 < len && s[p + 1] != ' ') {
        return false;
    }
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t l = strlen(suffixes[i]);

        if (p - start >= l && memcmp(s + p - l, suffixes[i], l) == 0) {
            return true;
        }
    }
    return false;
}

static bool
is_path_char(char c)
{
    return is_ident(c) || c == '.' || c == '/' || c == '-' || c == '~' ||
           c == '%' || c == '*';
}

/* A Go stack frame function line: "main.foo(...)",
 * "pkg/x.(*T).Method(0xc0, {0x1, 0x2})", or zap's argument-less
 * "sigs.k8s.io/x/controller.(*Controller).reconcileHandler". */
static bool
is_go_frame(const char *s, size_t n, size_t len, size_t p)
{
    size_t start = p;
    bool dot = false;
    bool qualified = false; /* has a package path or a receiver */

    if (p >= n || !(is_alpha(s[p]) || s[p] == '_')) {
        return false;
    }
    while (p < n && is_path_char(s[p])) {
        dot = dot || s[p] == '.';
        qualified = qualified || s[p] == '/';
        p++;
    }
    if (!dot || p == start) {
        return false;
    }
    if (has_char(s, n, p, '(') && s[len - 1] == ')') {
        return true;
    }

    /* Without arguments: no spaces at all and a package path. */
    for (; p < n; p++) {
        if (!is_path_char(s[p]) && s[p] != '(' && s[p] != ')' && s[p] != '[' &&
            s[p] != ']') {
            return false;
        }
        qualified = qualified || s[p] == '(';
    }
    return n == len && qualified;
}

/* "goroutine 214 [running]:" */
static bool
is_goroutine_line(const char *s, size_t n, size_t p)
{
    size_t q;

    if (!has_lit(s, n, p, "goroutine ")) {
        return false;
    }
    q = skip_digits(s, n, p + 10);
    return q > p + 10 && has_lit(s, n, q, " [");
}

/* "... 12 more" closing a Java "Caused by:" block. */
static bool
is_java_more(const char *s, size_t n, size_t len, size_t p)
{
    size_t q;

    if (!has_lit(s, n, p, "... ")) {
        return false;
    }
    q = skip_digits(s, n, p + 4);
    return q > p + 4 && has_lit(s, n, q, " more") && q + 5 == len;
}

/* Policy: a line with its own header, and a blank line, never continue.
 * Indented lines and markers that only occur inside a dump ("goroutine N
 * [", "created by ", "Caused by: ", "... N more", the traceback chain
 * sentences) always continue. Lines that could also be ordinary output
 * (a "Traceback" opener, a Go frame, "exit status N", an exception line)
 * depend on prev, see below. Whether plain text continues a klog or
 * Python record is the caller's per-file policy (formats.md 7.0, 5). */
bool
logline_continues(const char *line, size_t len, const struct logline *prev)
{
    static const char *const always[] = {
        "created by ",
        "[signal ",
        "...additional frames elided...",
        "Caused by: ",
        "Suppressed: ",
        "During handling of the above exception, another exception",
        "The above exception was the direct cause of the following",
    };
    struct logline me;
    bool err_prev;
    bool plain_prev;
    size_t n;
    size_t p;
    size_t i;

    if (line == NULL) {
        return false;
    }
    logline_parse(line, len, 2000, &me);
    if (me.is_header) {
        return false;
    }
    len = trim_cr(line, len);
    p = me.msg_off;
    n = min_size(len, p + LOGLINE_SCAN_MAX);
    if (skip_spaces(line, n, p) == len) {
        return false; /* empty or blank */
    }
    if (line[p] == ' ' || line[p] == '\t') {
        return true;
    }
    for (i = 0; i < sizeof(always) / sizeof(always[0]); i++) {
        if (has_lit(line, n, p, always[i])) {
            return true;
        }
    }
    if (is_goroutine_line(line, n, p) || is_java_more(line, n, len, p)) {
        return true;
    }
    if (has_lit(line, n, p, "at ") && line[len - 1] == ')' &&
        memchr(line + p, '(', n - p) != NULL) {
        return true;
    }

    /* The rest is ambiguous with ordinary output, so it depends on the
     * record's first line. A traceback or Go stack belongs to a record
     * that reported an error (logger.exception, zap's ERROR with stack,
     * a panic). The exception line closing a traceback also belongs to a
     * headerless record: the one that opened with "Traceback". */
    err_prev =
            prev != NULL && prev->is_header && prev->level >= LOG_LEVEL_ERROR;
    plain_prev = prev == NULL || !prev->is_header;
    if (has_lit(line, n, p, "Traceback (most recent call last):")) {
        return err_prev;
    }
    if (is_python_exception(line, n, len, p)) {
        return err_prev || plain_prev;
    }
    if (is_go_frame(line, n, len, p) || has_lit(line, n, p, "exit status ")) {
        return err_prev;
    }
    return false;
}

/* Store [a, b) of s in *off and *len; "-" and an empty span give 0/0,
 * the way Envoy writes a missing value. */
static void
put_span(const char *s, size_t a, size_t b, size_t *off, size_t *len)
{
    *off = 0;
    *len = 0;
    if (b <= a || (b - a == 1 && s[a] == '-')) {
        return;
    }
    *off = a;
    *len = b - a;
}

/* Read the decimal number filling [a, b) into *val. False for anything
 * else, and for values past max. */
static bool
span_number(const char *s, size_t a, size_t b, long max, long *val)
{
    long v = 0;
    size_t i;

    if (a >= b) {
        return false;
    }
    for (i = a; i < b; i++) {
        if (!is_digit(s[i]) || v > (max - (s[i] - '0')) / 10) {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    *val = v;
    return true;
}

/* Set the client from the first X-Forwarded-For address in [a, b), or
 * from a downstream address "10.1.2.3:5000" / "[fd00::1]:5000" in [c, d)
 * without its port when there is no forwarded address. */
static void
access_client(const char *s, size_t a, size_t b, size_t c, size_t d,
              struct logline_access *out)
{
    const char *colon;
    size_t e;

    a = skip_spaces(s, b, a);
    for (e = a; e < b && s[e] != ',' && s[e] != ' '; e++) {
    }
    put_span(s, a, e, &out->client_off, &out->client_len);
    if (out->client_len != 0 || d <= c) {
        return;
    }
    if (s[c] == '[') {
        for (e = c + 1; e < d && s[e] != ']'; e++) {
        }
        put_span(s, c + 1, e, &out->client_off, &out->client_len);
        return;
    }
    colon = memchr(s + c, ':', d - c);
    if (colon != NULL &&
        memchr(colon + 1, ':', d - (size_t)(colon - s) - 1) == NULL) {
        d = (size_t)(colon - s);
    }
    put_span(s, c, d, &out->client_off, &out->client_len);
}

/* End of the text-format token at p: after its closing quote for a
 * quoted token (a quote followed by a space or the end), else at the
 * next space. 0 when a quoted token does not close. */
static size_t
access_token_end(const char *s, size_t n, size_t p)
{
    size_t q;

    if (has_char(s, n, p, '"')) {
        for (q = p + 1; q < n; q++) {
            if (s[q] == '"' && (q + 1 == n || s[q + 1] == ' ')) {
                return q + 1;
            }
        }
        return 0;
    }
    for (q = p; q < n && s[q] != ' '; q++) {
    }
    return q;
}

/* The request line "METHOD PATH PROTOCOL" of the text format opens at p
 * (after the quote). Finds the quote closing it: the first one followed
 * by " STATUS " and preceded by a protocol ("HTTP/..." or "-"), since a
 * path may itself hold quotes. Fills method and path and returns the
 * index of the closing quote, or 0. */
static size_t
access_request(const char *s, size_t n, size_t p, struct logline_access *out)
{
    size_t m = p;
    size_t path = 0;
    size_t q;
    size_t sp;
    size_t d;

    while (m < n && is_upper(s[m])) {
        m++;
    }
    if (m == p && has_char(s, n, m, '-')) {
        m++;
    }
    if (m == p || !has_char(s, n, m, ' ')) {
        return 0;
    }
    path = m + 1;
    for (q = path; q < n; q++) {
        if (s[q] != '"' || !has_char(s, n, q + 1, ' ')) {
            continue;
        }
        d = skip_digits(s, n, q + 2);
        if (d == q + 2 || d - q - 2 > 3 || !has_char(s, n, d, ' ')) {
            continue;
        }
        for (sp = q; sp > path && s[sp - 1] != ' '; sp--) {
        }
        if (sp <= path) {
            continue;
        }
        if (span_is(s, sp, q, "-") || has_lit(s, q, sp, "HTTP/")) {
            put_span(s, p, m, &out->method_off, &out->method_len);
            put_span(s, path, sp - 1, &out->path_off, &out->path_len);
            return q;
        }
    }
    return 0;
}

/* The quoted fields after X-Forwarded-For, read from the right (formats.md
 * 7.6 a): up to eight unquoted trailing fields, then "UPSTREAM_HOST",
 * "AUTHORITY", "REQUEST_ID" and the quote closing the user agent, which
 * may hold quotes itself. u is the index after the X-Forwarded-For field.
 * False when the line does not have that shape (it was cut). */
static bool
access_tail_from_right(const char *s, size_t n, size_t u,
                       struct logline_access *out, size_t remote[2])
{
    size_t starts[8];
    size_t ends[8];
    size_t n_tail = 0;
    size_t e = n;
    size_t field[3][2];
    size_t o;
    size_t k;

    if (!has_lit(s, n, u, " \"")) {
        return false;
    }
    while (e > u && n_tail < 8) {
        size_t b = e;

        while (b > u && s[b - 1] != ' ') {
            b--;
        }
        if (b == e || memchr(s + b, '"', e - b) != NULL) {
            break;
        }
        starts[n_tail] = b;
        ends[n_tail] = e;
        n_tail++;
        e = b - 1;
    }
    for (k = 0; k < 3; k++) {
        if (e <= u + 2 || s[e - 1] != '"') {
            return false;
        }
        for (o = e - 1; o > u + 1 && s[o - 1] != '"'; o--) {
        }
        if (o <= u + 2 || s[o - 2] != ' ') {
            return false;
        }
        field[k][0] = o;
        field[k][1] = e - 1;
        e = o - 2;
    }

    /* e is now just after the user agent's closing quote. */
    if (e < u + 3 || s[e - 1] != '"') {
        return false;
    }
    put_span(s, field[0][0], field[0][1], &out->upstream_off,
             &out->upstream_len);
    put_span(s, field[1][0], field[1][1], &out->authority_off,
             &out->authority_len);

    /* Trailing fields were collected right to left: cluster, upstream
     * local, downstream local, then the downstream remote address. */
    if (n_tail >= 4) {
        remote[0] = starts[n_tail - 4];
        remote[1] = ends[n_tail - 4];
    }
    return true;
}

/* The same fields read from the left, for a line cut inside them: each
 * quoted field must close before the next one starts. */
static void
access_tail_from_left(const char *s, size_t n, size_t u,
                      struct logline_access *out, size_t remote[2])
{
    size_t p = u;
    size_t e;
    int k;

    for (k = 0; k < 4; k++) {
        if (!has_lit(s, n, p, " \"")) {
            return;
        }
        e = access_token_end(s, n, p + 1);
        if (e == 0) {
            return;
        }
        if (k == 2) {
            put_span(s, p + 2, e - 1, &out->authority_off, &out->authority_len);
        } else if (k == 3) {
            put_span(s, p + 2, e - 1, &out->upstream_off, &out->upstream_len);
        }
        p = e;
    }
    for (k = 0; k < 4 && has_char(s, n, p, ' '); k++) {
        e = access_token_end(s, n, p + 1);
        if (e == 0) {
            return;
        }
        if (k == 3) {
            remote[0] = p + 1;
            remote[1] = e;
        }
        p = e;
    }
}

/* The text format. The part up to RESPONSE_FLAGS is required; the rest
 * is read as far as the line goes. Between the flags and BYTES_RECEIVED
 * Istio versions differ (RESPONSE_CODE_DETAILS, termination details, the
 * quoted failure reason, or nothing in plain Envoy), so the three numbers
 * BYTES_RECEIVED BYTES_SENT DURATION are searched for. */
static bool
access_text(const char *s, size_t n, struct logline_access *out)
{
    struct stamp t;
    size_t remote[2] = { 0, 0 };
    size_t tok[4][2];
    size_t p = 1;
    size_t q;
    size_t u;
    long v = 0;
    int i;
    int k;

    if (!has_char(s, n, 0, '[') || !parse_iso(s, n, &p, &t, false) ||
        !t.has_t || !has_lit(s, n, p, "] \"")) {
        return false;
    }
    q = access_request(s, n, p + 3, out);
    if (q == 0) {
        return false;
    }
    p = skip_digits(s, n, q + 2);
    (void)span_number(s, q + 2, p, 999, &v);
    out->status = (int)v;
    q = access_token_end(s, n, p + 1);
    if (q <= p + 1) {
        return false;
    }
    put_span(s, p + 1, q, &out->flags_off, &out->flags_len);
    p = q;

    for (i = 0; i < 6; i++) {
        size_t at = p;

        for (k = 0; k < 4; k++) {
            if (!has_char(s, n, at, ' ')) {
                break;
            }
            tok[k][0] = at + 1;
            tok[k][1] = access_token_end(s, n, at + 1);
            if (tok[k][1] <= tok[k][0]) {
                break;
            }
            at = tok[k][1];
        }
        if (k < 3) {
            return true;
        }
        if (skip_digits(s, n, tok[0][0]) == tok[0][1] &&
            skip_digits(s, n, tok[1][0]) == tok[1][1] &&
            span_number(s, tok[2][0], tok[2][1], 0x7fffffffL, &v)) {
            out->duration_ms = v;
            break;
        }
        p = tok[0][1];
    }
    if (i == 6 || k < 4) {
        return true;
    }

    /* UPSTREAM_SERVICE_TIME, then "X-FORWARDED-FOR" without quotes in
     * it. */
    p = tok[3][1];
    if (!has_lit(s, n, p, " \"")) {
        return true;
    }
    for (u = p + 2; u < n && s[u] != '"'; u++) {
    }
    if (u == n) {
        return true;
    }
    u++;
    if (!access_tail_from_right(s, n, u, out, remote)) {
        access_tail_from_left(s, n, u, out, remote);
    }
    access_client(s, p + 2, u - 1, remote[0], remote[1], out);
    return true;
}

enum access_key {
    AKEY_OTHER,
    AKEY_METHOD,
    AKEY_PATH,
    AKEY_CODE,
    AKEY_FLAGS,
    AKEY_DURATION,
    AKEY_AUTHORITY,
    AKEY_UPSTREAM,
    AKEY_XFF,
    AKEY_REMOTE,
    AKEY_CLUSTER,
    AKEY_LOG /* a key of an application log record */
};

static enum access_key
access_key_kind(const char *s, size_t a, size_t b)
{
    static const struct {
        const char *name;
        enum access_key kind;
    } keys[] = {
        { "method", AKEY_METHOD },
        { "path", AKEY_PATH },
        { "response_code", AKEY_CODE },
        { "response_flags", AKEY_FLAGS },
        { "duration", AKEY_DURATION },
        { "authority", AKEY_AUTHORITY },
        { "upstream_host", AKEY_UPSTREAM },
        { "x_forwarded_for", AKEY_XFF },
        { "downstream_remote_address", AKEY_REMOTE },
        { "upstream_cluster", AKEY_CLUSTER },
        { "level", AKEY_LOG },
        { "msg", AKEY_LOG },
        { "message", AKEY_LOG },
    };
    size_t i;

    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (span_is(s, a, b, keys[i].name)) {
            return keys[i].kind;
        }
    }
    return AKEY_OTHER;
}

/* The JSON encoding: top-level members only, in any order. A string
 * value is given without quotes; null and "-" are empty. The line is an
 * access log when it has a numeric response_code and one key only Envoy
 * writes (response_flags, upstream_host, upstream_cluster,
 * downstream_remote_address), and no level or message key. */
static bool
access_json(const char *s, size_t n, struct logline_access *out)
{
    size_t xff[2] = { 0, 0 };
    size_t remote[2] = { 0, 0 };
    size_t p = 1;
    bool has_code = false;
    bool has_envoy_key = false;
    long v;

    for (;;) {
        size_t k0;
        size_t k1;
        size_t v0;
        size_t v1;
        size_t a;
        size_t b;
        enum access_key kind;

        p = skip_spaces(s, n, p);
        if (!has_char(s, n, p, '"')) {
            break;
        }
        k0 = p + 1;
        p = quoted_end(s, n, p);
        if (p == 0) {
            break;
        }
        k1 = p - 1;
        p = skip_spaces(s, n, p);
        if (!has_char(s, n, p, ':')) {
            break;
        }
        v0 = skip_spaces(s, n, p + 1);
        v1 = json_value_end(s, n, v0);
        if (v1 == 0) {
            break;
        }
        /* Strings lose their quotes; null is empty. A number is kept for
         * response_code and duration, an object or array is dropped. */
        a = v0;
        b = v1;
        if (s[v0] == '"') {
            a++;
            b--;
        } else if (!is_digit(s[v0])) {
            b = a;
        }
        kind = access_key_kind(s, k0, k1);
        switch (kind) {
        case AKEY_METHOD:
            put_span(s, a, b, &out->method_off, &out->method_len);
            break;
        case AKEY_PATH:
            put_span(s, a, b, &out->path_off, &out->path_len);
            break;
        case AKEY_CODE:
            if (span_number(s, a, b, 999, &v)) {
                out->status = (int)v;
                has_code = true;
            }
            break;
        case AKEY_FLAGS:
            put_span(s, a, b, &out->flags_off, &out->flags_len);
            has_envoy_key = true;
            break;
        case AKEY_DURATION:
            if (span_number(s, a, b, 0x7fffffffL, &v)) {
                out->duration_ms = v;
            }
            break;
        case AKEY_AUTHORITY:
            put_span(s, a, b, &out->authority_off, &out->authority_len);
            break;
        case AKEY_UPSTREAM:
            put_span(s, a, b, &out->upstream_off, &out->upstream_len);
            has_envoy_key = true;
            break;
        case AKEY_XFF:
            xff[0] = a;
            xff[1] = b;
            break;
        case AKEY_REMOTE:
            remote[0] = a;
            remote[1] = b;
            has_envoy_key = true;
            break;
        case AKEY_CLUSTER:
            has_envoy_key = true;
            break;
        case AKEY_LOG:
            return false;
        case AKEY_OTHER:
            break;
        }
        p = skip_spaces(s, n, v1);
        if (!has_char(s, n, p, ',')) {
            break;
        }
        p++;
    }
    if (!has_code || !has_envoy_key) {
        return false;
    }
    access_client(s, xff[0], xff[1], remote[0], remote[1], out);
    return true;
}

bool
logline_access(const char *line, size_t len, struct logline_access *out)
{
    bool ok = false;

    memset(out, 0, sizeof(*out));
    out->duration_ms = -1;
    if (line == NULL) {
        return false;
    }
    len = trim_cr(line, len);
    if (len > 0 && line[0] == '[') {
        ok = access_text(line, len, out);
    } else if (len > 0 && line[0] == '{') {
        ok = access_json(line, len, out);
    }
    if (!ok) {
        memset(out, 0, sizeof(*out));
        out->duration_ms = -1;
    }
    return ok;
}

const char *
logline_level_name(enum log_level level)
{
    switch (level) {
    case LOG_LEVEL_TRACE:
        return "trace";
    case LOG_LEVEL_DEBUG:
        return "debug";
    case LOG_LEVEL_INFO:
        return "info";
    case LOG_LEVEL_WARN:
        return "warning";
    case LOG_LEVEL_ERROR:
        return "error";
    case LOG_LEVEL_FATAL:
        return "fatal";
    case LOG_LEVEL_NONE:
        break;
    }
    return NULL;
}
