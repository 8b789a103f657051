/* SPDX-License-Identifier: MIT */
/* The access-log reader behind accesslog.h: Istio's default TEXT format
 * (and its older and plain-Envoy variants) read from both ends so that
 * quotes inside values do no harm, and the JSON encoding scanned for its
 * keys without a JSON library. The pipeline calls it on each record. */
#include "accesslog.h"

#include <string.h>

#include "logscan.h"
#include "logtime.h"

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
              struct accesslog *out)
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
access_request(const char *s, size_t n, size_t p, struct accesslog *out)
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
access_tail_from_right(const char *s, size_t n, size_t u, struct accesslog *out,
                       size_t remote[2])
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
access_tail_from_left(const char *s, size_t n, size_t u, struct accesslog *out,
                      size_t remote[2])
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
access_text(const char *s, size_t n, struct accesslog *out)
{
    struct logtime t;
    size_t remote[2] = { 0, 0 };
    size_t tok[4][2];
    size_t p = 1;
    size_t q;
    size_t u;
    long v = 0;
    int i;
    int k;

    if (!has_char(s, n, 0, '[') || !logtime_parse_iso(s, n, &p, &t, false) ||
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
access_json(const char *s, size_t n, struct accesslog *out)
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

        if (!json_member(s, n, &p, &k0, &k1, &v0)) {
            break;
        }
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
        if (!json_next_member(s, n, v1, &p)) {
            break;
        }
    }
    if (!has_code || !has_envoy_key) {
        return false;
    }
    access_client(s, xff[0], xff[1], remote[0], remote[1], out);
    return true;
}

bool
accesslog_parse(const char *line, size_t len, struct accesslog *out)
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
