/* SPDX-License-Identifier: MIT */
/* Diagnostics on stderr, one line each: "kftriage: warning: what". Only
 * main.c and the pipeline driver call these; modules return a kt_err. The
 * level check happens before any argument is evaluated. */
#ifndef KT_LOG_H
#define KT_LOG_H

enum log_verbosity {
    LOG_QUIET = 0, /* errors only (-q) */
    LOG_NORMAL,    /* errors and warnings */
    LOG_INFO,      /* -v */
    LOG_DEBUG      /* -vv */
};

extern enum log_verbosity log_verbosity;

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define log_warn(...)                      \
    do {                                   \
        if (log_verbosity >= LOG_NORMAL) { \
            log_warn_(__VA_ARGS__);        \
        }                                  \
    } while (0)
#define log_info(...)                    \
    do {                                 \
        if (log_verbosity >= LOG_INFO) { \
            log_info_(__VA_ARGS__);      \
        }                                \
    } while (0)
#define log_debug(...)                    \
    do {                                  \
        if (log_verbosity >= LOG_DEBUG) { \
            log_debug_(__VA_ARGS__);      \
        }                                 \
    } while (0)

#endif
