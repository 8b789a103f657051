/* SPDX-License-Identifier: MIT */
/* Bounded byte scanning shared by the log-line parsers (logline.c,
 * logtime.c, accesslog.c): every helper takes the window length and never
 * reads past it, since log lines are not NUL-terminated. Static inline,
 * private to those parsers; no state, no allocation. */
#ifndef KT_LOGSCAN_H
#define KT_LOGSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static inline size_t
min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

static inline bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline bool
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static inline bool
is_ident(char c)
{
    return is_alpha(c) || is_digit(c) || c == '_';
}

/* Is c the letter lower, in either case? lower must be lower case. */
static inline bool
same_letter(char c, char lower)
{
    return c == lower || (is_upper(c) && c - 'A' + 'a' == lower);
}

/* Is s[pos] the byte c? Safe for any pos. */
static inline bool
has_char(const char *s, size_t n, size_t pos, char c)
{
    return pos < n && s[pos] == c;
}

/* Does the text at s[pos] start with the literal lit? */
static inline bool
has_lit(const char *s, size_t n, size_t pos, const char *lit)
{
    size_t l = strlen(lit);

    return pos <= n && n - pos >= l && memcmp(s + pos, lit, l) == 0;
}

/* Read exactly width decimal digits at s[pos] into *val. */
static inline bool
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

static inline size_t
skip_digits(const char *s, size_t n, size_t p)
{
    while (p < n && is_digit(s[p])) {
        p++;
    }
    return p;
}

static inline size_t
skip_spaces(const char *s, size_t n, size_t p)
{
    while (p < n && (s[p] == ' ' || s[p] == '\t')) {
        p++;
    }
    return p;
}

static inline size_t
skip_letters(const char *s, size_t n, size_t p)
{
    while (p < n && is_alpha(s[p])) {
        p++;
    }
    return p;
}

static inline size_t
trim_cr(const char *line, size_t len)
{
    if (len > 0 && line[len - 1] == '\r') {
        len--;
    }
    return len;
}

/* Record [a, b) as the line's component unless one is set already. */
/* Index just past the quoted string opening at s[p], or 0 when it does
 * not close inside the window. Backslash escapes are skipped. */
static inline size_t
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
static inline size_t
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

static inline bool
span_is(const char *s, size_t a, size_t b, const char *word)
{
    size_t l = strlen(word);

    return b - a == l && memcmp(s + a, word, l) == 0;
}

/* Read the key of the JSON object member at s[*p] (white space first):
 * on true, [*k0, *k1) is the key without its quotes and *v0 is where the
 * value starts. Used by flat scans of one-line JSON, never recursive. */
static inline bool
json_member(const char *s, size_t n, size_t *p, size_t *k0, size_t *k1,
            size_t *v0)
{
    size_t q = skip_spaces(s, n, *p);

    if (!has_char(s, n, q, '"')) {
        return false;
    }
    *k0 = q + 1;
    q = quoted_end(s, n, q);
    if (q == 0) {
        return false;
    }
    *k1 = q - 1;
    q = skip_spaces(s, n, q);
    if (!has_char(s, n, q, ':')) {
        return false;
    }
    *v0 = skip_spaces(s, n, q + 1);
    *p = *v0;
    return true;
}

/* After a member value that ends at v1: true, with *p past the comma,
 * when another member follows. */
static inline bool
json_next_member(const char *s, size_t n, size_t v1, size_t *p)
{
    size_t q = skip_spaces(s, n, v1);

    if (!has_char(s, n, q, ',')) {
        return false;
    }
    *p = q + 1;
    return true;
}

#endif
