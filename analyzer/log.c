/* SPDX-License-Identifier: MIT */
/* The four message functions behind log.h. Control bytes in a message are
 * escaped, since messages often quote bundle paths. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

enum log_verbosity log_verbosity = LOG_NORMAL;

static void
emit(const char *prefix, const char *fmt, va_list ap)
{
    char msg[1024];
    const char *p;

    vsnprintf(msg, sizeof(msg), fmt, ap);
    fputs("kftriage: ", stderr);
    fputs(prefix, stderr);
    for (p = msg; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if (c < 0x20 || c == 0x7f) {
            fprintf(stderr, "\\x%02x", c);
        } else {
            fputc(c, stderr);
        }
    }
    fputc('\n', stderr);
}

void
log_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit("error: ", fmt, ap);
    va_end(ap);
}

void
log_warn_(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit("warning: ", fmt, ap);
    va_end(ap);
}

void
log_info_(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit("", fmt, ap);
    va_end(ap);
}

void
log_debug_(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit("debug: ", fmt, ap);
    va_end(ap);
}
