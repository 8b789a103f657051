/* SPDX-License-Identifier: MIT */
/* The status/error record, the bounded buffer and small string helpers.
 * Everything here is libc only; every other module builds on it. */
#include "kt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kt_limits.h"

enum kt_status
kt_err_set(struct kt_err *err, enum kt_status code, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL) {
        return code;
    }
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

void
kt_err_clear(struct kt_err *err)
{
    if (err != NULL) {
        err->code = KT_OK;
        err->msg[0] = '\0';
    }
}

void
kt_buf_init(struct kt_buf *b, size_t max_len)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max_len = max_len;
}

void
kt_buf_fini(struct kt_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void
kt_buf_reset(struct kt_buf *b)
{
    b->len = 0;
    if (b->data != NULL) {
        b->data[0] = '\0';
    }
}

/* Make room for need more bytes plus the terminator, doubling the storage
 * so appends stay amortised O(1). */
static enum kt_status
reserve(struct kt_buf *b, size_t need)
{
    size_t want;
    size_t cap;
    char *p;

    if (need > b->max_len || b->len > b->max_len - need) {
        return KT_ELIMIT;
    }
    want = b->len + need + 1;
    if (want <= b->cap) {
        return KT_OK;
    }
    cap = b->cap ? b->cap : 256;
    while (cap < want) {
        cap *= 2;
    }
    p = realloc(b->data, cap);
    if (p == NULL) {
        return KT_ENOMEM;
    }
    b->data = p;
    b->cap = cap;
    return KT_OK;
}

enum kt_status
kt_buf_append(struct kt_buf *b, const void *p, size_t len)
{
    enum kt_status st = reserve(b, len);

    if (st != KT_OK) {
        return st;
    }
    if (len > 0) {
        memcpy(b->data + b->len, p, len);
    }
    b->len += len;
    b->data[b->len] = '\0';
    return KT_OK;
}

enum kt_status
kt_buf_putc(struct kt_buf *b, char c)
{
    return kt_buf_append(b, &c, 1);
}

enum kt_status
kt_buf_printf(struct kt_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    enum kt_status st;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return KT_EFORMAT;
    }
    st = reserve(b, (size_t)n);
    if (st != KT_OK) {
        return st;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return KT_OK;
}

char *
kt_buf_take(struct kt_buf *b)
{
    char *p = b->data;

    if (p == NULL) {
        p = calloc(1, 1);
    }
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

char *
kt_strndup(const char *s, size_t len)
{
    char *p = malloc(len + 1);

    if (p == NULL) {
        return NULL;
    }
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
kt_strdup0(const char *s)
{
    return s == NULL ? NULL : kt_strndup(s, strlen(s));
}

char *
kt_safe_text(const char *s, size_t max_len)
{
    struct kt_buf b;
    size_t i;

    kt_buf_init(&b, max_len * 4 + 8);
    for (i = 0; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];

        if (i >= max_len) {
            kt_buf_append(&b, "...", 3);
            break;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            kt_buf_printf(&b, "\\x%02x", c);
        } else {
            kt_buf_putc(&b, (char)c);
        }
    }
    return kt_buf_take(&b);
}

const char *
kt_memmem(const char *hay, size_t len, const char *needle, size_t needle_len)
{
    const char *end;
    const char *p;

    if (needle_len == 0) {
        return hay;
    }
    if (len < needle_len) {
        return NULL;
    }
    end = hay + len - needle_len + 1;
    for (p = hay; p < end; p++) {
        p = memchr(p, needle[0], (size_t)(end - p));
        if (p == NULL) {
            return NULL;
        }
        if (memcmp(p, needle, needle_len) == 0) {
            return p;
        }
    }
    return NULL;
}

enum kt_status
kt_line_for_columns(struct kt_buf *b, const char *line, size_t len,
                    size_t *out_len)
{
    enum kt_status st;
    size_t i;

    kt_buf_reset(b);
    st = kt_buf_append(b, len > 0 ? line : "", len);
    if (st != KT_OK) {
        return st;
    }
    for (i = 0; i < len; i++) {
        if (b->data[i] == '\t' || b->data[i] == '\0') {
            b->data[i] = ' ';
        }
    }
    *out_len = kt_rtrim(b->data, len);
    return KT_OK;
}

size_t
kt_rtrim(char *s, size_t len)
{
    while (len > 0 && strchr(" \t\r\n", s[len - 1]) != NULL) {
        len--;
    }
    s[len] = '\0';
    return len;
}

enum kt_status
kt_parse_size(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    unsigned long long v;
    unsigned long long mul = 1;

    if (s == NULL || *s < '0' || *s > '9') {
        return KT_EUSAGE;
    }
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0) {
        return KT_EUSAGE;
    }
    if (*end == 'k' || *end == 'K') {
        mul = 1024ULL;
        end++;
    } else if (*end == 'M') {
        mul = 1024ULL * 1024;
        end++;
    } else if (*end == 'G') {
        mul = 1024ULL * 1024 * 1024;
        end++;
    }
    if (*end != '\0' || v > max / mul || v * mul > max) {
        return KT_EUSAGE;
    }
    *out = v * mul;
    return KT_OK;
}

/* Read n digits at s into *v; false if any is not a digit. */
static bool
digits(const char *s, int n, int *v)
{
    int i;

    *v = 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        *v = *v * 10 + (s[i] - '0');
    }
    return true;
}

bool
kt_valid_time(const char *s)
{
    static const int mdays[] = {
        31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };
    int y, mo, d, h, mi, sec, zh, zm;
    const char *p;

    if (s == NULL || strnlen(s, 20) < 20 || !digits(s, 4, &y) || s[4] != '-' ||
        !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) ||
        (s[10] != 'T' && s[10] != ' ') || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
        !digits(s + 17, 2, &sec)) {
        return false;
    }
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 ||
        mi > 59 || sec > 60) {
        return false;
    }
    p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9') {
            return false;
        }
        while (*p >= '0' && *p <= '9') {
            p++;
        }
    }
    if (*p == 'Z') {
        return p[1] == '\0';
    }
    return (*p == '+' || *p == '-') && digits(p + 1, 2, &zh) && p[3] == ':' &&
           digits(p + 4, 2, &zm) && p[6] == '\0' && zh < 24 && zm < 60;
}

/* Length of the valid UTF-8 sequence at s, or 0 when it is invalid. */
static size_t
utf8_len(const unsigned char *s)
{
    size_t n;
    size_t i;

    if (s[0] < 0x80) {
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    /* Overlong forms, surrogates and code points past U+10FFFF. */
    if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
        (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f)) {
        return 0;
    }
    return n;
}

size_t
kt_utf8_invalid(const char *p, size_t len)
{
    const unsigned char *u = (const unsigned char *)p;
    unsigned char seq[4];
    size_t bad = 0;
    size_t i = 0;

    while (i < len) {
        size_t n;

        if (u[i] < 0x80) {
            i++;
            continue;
        }
        /* utf8_len() reads up to 4 bytes: give it a padded copy at the
         * end of the buffer. */
        memset(seq, 0, sizeof(seq));
        memcpy(seq, u + i, len - i < 4 ? len - i : 4);
        n = utf8_len(seq);
        if (n == 0 && len - i < 4 && (seq[0] & 0xc0) == 0xc0) {
            break; /* cut by the end of the buffer */
        }
        if (n == 0) {
            bad++;
            n = 1;
        }
        i += n;
    }
    return bad;
}

char *
kt_utf8_clean(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    struct kt_buf b;

    kt_buf_init(&b, strlen(s) * 3 + 1);
    while (*p != '\0') {
        size_t n = utf8_len(p);

        if (n == 0) {
            kt_buf_append(&b, "\xef\xbf\xbd", 3);
            p++;
        } else {
            kt_buf_append(&b, p, n);
            p += n;
        }
    }
    return kt_buf_take(&b);
}

bool
kt_parse_age(const char *s, size_t len, long long *secs)
{
    long long total = 0;
    size_t i = 0;
    int parts = 0;

    while (i < len && parts < 2) {
        long long n = 0;
        size_t start = i;

        while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 12) {
            n = n * 10 + (s[i++] - '0');
        }
        if (i == start || i >= len) {
            return false;
        }
        switch (s[i++]) {
        case 's':
            total += n;
            break;
        case 'm':
            total += n * 60;
            break;
        case 'h':
            total += n * 3600;
            break;
        case 'd':
            total += n * 86400;
            break;
        case 'y':
            total += n * 365 * 86400;
            break;
        default:
            return false;
        }
        parts++;
    }
    if (i != len || parts == 0) {
        return false;
    }
    *secs = total;
    return true;
}

char *
kt_template(const char *tmpl,
            void (*put)(void *ctx, const char *name, struct kt_buf *out),
            void *ctx)
{
    static const char name_chars[] = "abcdefghijklmnopqrstuvwxyz"
                                     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
    struct kt_buf out;
    const char *p = tmpl;

    kt_buf_init(&out, KT_MAX_FIELD);
    while (*p != '\0') {
        size_t len = strspn(p + 1, name_chars);

        if (*p == '{' && len > 0 && len < 64 && p[1 + len] == '}') {
            char name[64];

            memcpy(name, p + 1, len);
            name[len] = '\0';
            put(ctx, name, &out);
            p += len + 2;
            continue;
        }
        kt_buf_putc(&out, *p++);
    }
    return kt_buf_take(&out);
}
