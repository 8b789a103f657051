/* SPDX-License-Identifier: MIT */
/* Reads the header of one log line (timestamp normalised to UTC, severity,
 * component, start of the message) for the formats of formats.md section
 * 7, and says whether a headerless line continues the record before it
 * (timestamps are read by logtime.c, access-log fields by accesslog.c).
 * It does not assemble records, strip ANSI colours, unescape messages or
 * decide a file's continuation policy: the log parser that calls it does. */
#include "logline.h"

#include <stdint.h>
#include <string.h>

#include "logscan.h"
#include "logtime.h"

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

/* What a header detector found. */
struct found {
    struct logtime ts;
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

        if (!json_member(s, n, &p, &k0, &k1, &v0)) {
            break;
        }
        any = true;
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
                f->has_ts = logtime_parse_span(s, v0 + 1, v1 - 1, &f->ts);
            } else {
                f->has_ts = logtime_parse_epoch(s, v0, v1, &f->ts);
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
        if (!json_next_member(s, n, v1, &p)) {
            break;
        }
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
                f->has_ts = logtime_parse_span(s, v0 + 1, v1 - 1, &f->ts);
            } else {
                f->has_ts = logtime_parse_span(s, v0, v1, &f->ts);
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
    struct logtime t;
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
        t.day > logtime_days_in_month(2000, t.mon) || !has_char(s, n, p, ' ')) {
        return false;
    }
    p++;
    if (!logtime_parse_clock(s, n, &p, &t) || !has_char(s, n, p, ' ')) {
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
    f->has_ts = logtime_valid(&t);
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
    struct logtime t;
    size_t q = p;
    size_t close;

    memset(&t, 0, sizeof(t));
    if (skip_digits(s, n, p) == p + 6 && has_char(s, n, p + 6, ' ')) {
        (void)get_num(s, n, p, 2, &t.year);
        (void)get_num(s, n, p + 2, 2, &t.mon);
        (void)get_num(s, n, p + 4, 2, &t.day);
        t.year += 2000;
        q = p + 7;
        if (!logtime_parse_clock(s, n, &q, &t)) {
            return false;
        }
        f->has_ts = logtime_valid(&t);
        f->ts = t;
    } else if (logtime_parse_iso(s, n, &q, &t, false)) {
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
    struct logtime t;
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
    if (!logtime_parse_clock(s, n, &q, &t) || !has_char(s, n, q, ' ')) {
        return false;
    }
    close = source_then_bracket(s, n, q + 1);
    if (close == 0) {
        return false;
    }
    set_source_comp(s, q + 1, close, f);

    /* The fraction comes from a monotonic clock, not the wall time. */
    t.msec = 0;
    f->has_ts = logtime_valid(&t);
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
    struct logtime t;
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
    if (!logtime_parse_iso(s, n, &q, &t, true) || !has_lit(s, n, q, "] ")) {
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
    struct logtime t;
    size_t p = pos;
    size_t q;
    size_t after;
    bool kubelet_shape;

    if (!logtime_parse_iso(s, n, &p, &t, true)) {
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
peel_kubelet_ts(const char *s, size_t len, size_t pos, struct logtime *t)
{
    size_t n = min_size(len, pos + LOGLINE_SCAN_MAX);
    size_t p = pos;

    if (!logtime_parse_iso(s, n, &p, t, false) || !t->has_t || !t->has_frac ||
        !t->has_zone || !has_char(s, n, p, ' ')) {
        return pos;
    }
    return p + 1;
}

void
logline_parse(const char *line, size_t len, int default_year,
              struct logline *out)
{
    struct logtime kts;
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
            logtime_write(kts, out->ts);
        } else if (f.has_ts) {
            logtime_write(f.ts, out->ts);
            out->year_guessed = f.year_guessed;
        }
    } else {
        out->msg_off = p1;
        if (p1 != p0) {
            logtime_write(kts, out->ts);
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
