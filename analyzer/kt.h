/* SPDX-License-Identifier: MIT */
/* Common building blocks shared by every module: the status type, the error
 * record that carries details up to main.c, and the bounded byte buffer that
 * holds bundle bytes. Nothing here knows about Kubernetes or any library.
 *
 * Ownership rule: whoever calls X_new()/X_init() calls X_free()/X_fini();
 * pointers returned by X_get() are borrowed, X_take() hands them over. */
#ifndef KT_H
#define KT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum kt_status {
    KT_OK = 0,
    KT_DONE,     /* end of a stream; not an error */
    KT_ENOMEM,   /* allocation failed */
    KT_EIO,      /* file or archive could not be read or written */
    KT_EFORMAT,  /* input is not what it claims to be */
    KT_ELIMIT,   /* a limit of limits.h was reached */
    KT_EDB,      /* SQLite refused */
    KT_EPATTERN, /* a pattern file or regex is invalid */
    KT_EUSAGE    /* bad command line */
};

struct kt_err {
    enum kt_status code;
    char msg[256];
};

/* Record an error: sets err->code and formats err->msg. Returns code, so
 * callers can write `return kt_err_set(err, KT_EIO, "...")`. err may be
 * NULL, in which case only the code is returned. */
enum kt_status kt_err_set(struct kt_err *err, enum kt_status code,
                          const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Clear err to KT_OK with an empty message. */
void kt_err_clear(struct kt_err *err);

/* A byte buffer with a hard maximum. An append past max_len fails with
 * KT_ELIMIT and leaves the buffer unchanged. data is always NUL-terminated
 * (the terminator is not counted in len), so text can be used as a string. */
struct kt_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max_len;
};

/* Prepare an empty buffer that may grow to max_len bytes. Allocates
 * nothing until the first append. */
void kt_buf_init(struct kt_buf *b, size_t max_len);

/* Release the storage; the buffer may be initialised again. */
void kt_buf_fini(struct kt_buf *b);

/* Forget the content but keep the storage for reuse. */
void kt_buf_reset(struct kt_buf *b);

enum kt_status kt_buf_append(struct kt_buf *b, const void *p, size_t len);
enum kt_status kt_buf_putc(struct kt_buf *b, char c);
enum kt_status kt_buf_printf(struct kt_buf *b, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Hand the bytes to the caller (caller frees with free()) and reset the
 * buffer to empty. Never returns NULL unless allocation fails. */
char *kt_buf_take(struct kt_buf *b);

/* Fill the {name} placeholders of tmpl ([A-Za-z0-9_], up to 63 bytes) by
 * calling put(ctx, name, out), which appends the value to out; the rest is
 * copied. Returns a fresh string of at most KT_MAX_FIELD bytes (caller
 * frees), or NULL when out of memory. */
char *kt_template(const char *tmpl,
                  void (*put)(void *ctx, const char *name, struct kt_buf *out),
                  void *ctx);

/* strdup of len bytes of s, NUL-terminated. Caller frees. */
char *kt_strndup(const char *s, size_t len);

/* Like strdup, but NULL in gives NULL out. Caller frees. */
char *kt_strdup0(const char *s);

/* Copy s into a fresh string where control bytes (below 0x20 except tab,
 * and 0x7f) are shown as \xNN and ESC never reaches a terminal. The
 * result is at most max_len bytes plus "..." when cut. Caller frees. */
char *kt_safe_text(const char *s, size_t max_len);

/* First occurrence of needle in the len bytes at hay, or NULL. memmem()
 * is not POSIX, so the project carries its own. */
const char *kt_memmem(const char *hay, size_t len, const char *needle,
                      size_t needle_len);

/* Copy a text line into b for parsers that read columns (describe text,
 * get tables): tabs and NUL bytes become spaces, so rules count spaces
 * only and stored values stay C strings; trailing white space is cut.
 * line may be NULL when len is 0. *out_len gets the copy's length. */
enum kt_status kt_line_for_columns(struct kt_buf *b, const char *line,
                                   size_t len, size_t *out_len);

/* Remove trailing spaces, tabs, CR and LF in place; returns the new length. */
size_t kt_rtrim(char *s, size_t len);

/* Is s an RFC 3339 time as Kubernetes writes them,
 * "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)", with every field in
 * range? Bundle times are compared as text, so anything else is dropped. */
bool kt_valid_time(const char *s);

/* How many bytes of the len bytes at p are not part of a valid UTF-8
 * sequence (a sequence cut by the end of the buffer counts as valid). */
size_t kt_utf8_invalid(const char *p, size_t len);

/* Copy s with every invalid UTF-8 sequence replaced by U+FFFD, so that
 * JSON output stays valid. Caller frees; NULL when out of memory. */
char *kt_utf8_clean(const char *s);

/* Seconds in a kubectl age ("2s", "3m5s", "10m", "2d3h", "3y15d"), the
 * lower end of the interval it stands for. Returns false for anything
 * else ("<unknown>", "<invalid>", garbage). */
bool kt_parse_age(const char *s, size_t len, long long *secs);

/* Parse a non-negative decimal number with an optional unit suffix
 * (k, M, G: powers of 1024) into *out. Rejects overflow, empty input,
 * trailing garbage and values above max. */
enum kt_status kt_parse_size(const char *s, unsigned long long max,
                             unsigned long long *out);

#endif
