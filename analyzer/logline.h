/* SPDX-License-Identifier: MIT */
/* Reading one log line: its timestamp, severity, component and where the
 * message starts, for every log format kftriage knows (klog/glog, logrus
 * text and JSON, slog, zap JSON and console, Envoy access logs, Python
 * logging, MySQL, plain RFC 3339 prefixes, kubelet --timestamps and
 * --prefix prefixes). It also decides whether a line continues the
 * previous record (tracebacks, goroutine dumps, stack traces), and reads
 * the request fields of Envoy access log lines. Pure functions over a
 * buffer: no allocation, no I/O. */
#ifndef KT_LOGLINE_H
#define KT_LOGLINE_H

#include <stdbool.h>
#include <stddef.h>

enum log_level {
    LOG_LEVEL_NONE = 0, /* the line carries no severity */
    LOG_LEVEL_TRACE,
    LOG_LEVEL_DEBUG,
    LOG_LEVEL_INFO,
    LOG_LEVEL_WARN,
    LOG_LEVEL_ERROR,
    LOG_LEVEL_FATAL
};

struct logline {
    /* Timestamp normalised to UTC RFC 3339 with milliseconds,
     * "2024-01-15T10:23:45.123Z", or "" when the line has none. */
    char ts[32];
    /* True when the line's timestamp has no year (klog "E0115 ...") and
     * default_year filled it in: the time is then a guess. */
    bool year_guessed;
    enum log_level level;
    /* Offset into the line where the human message starts, after the
     * prefixes this parser understood (timestamp, level, source file). */
    size_t msg_off;
    /* True when the line opens a new record (it has a header of a known
     * format); false for a continuation candidate. */
    bool is_header;
    /* The component that wrote the line, as bytes of the line (offsets
     * into it, 0/0 when none): a zap or Python logger name, a logfmt
     * "component=" or "logger=" value, a JSON "component", "logger" or
     * "scope" string, the source file of klog/glog/c10 and oauth2-proxy
     * lines (base name, no line number), an Istio scope or Envoy logger
     * ("ads", "envoy config"), a CoreDNS plugin ("plugin/errors"), a
     * MySQL subsystem, or "NCCL". Not unescaped. */
    size_t comp_off;
    size_t comp_len;
};

/* Parse one line (no terminator, may contain NUL bytes and invalid UTF-8).
 * default_year completes timestamps without a year (klog "E0115 ..."). */
void logline_parse(const char *line, size_t len, int default_year,
                   struct logline *out);

/* Should this line be appended to the record before it rather than start
 * a record of its own? prev is the parse of the record's first line. True
 * for indented lines, "Traceback (most recent call last):" bodies, Go
 * "goroutine N [running]:" dumps, Java "at ..." and "Caused by:" lines. */
bool logline_continues(const char *line, size_t len,
                       const struct logline *prev);

/* Canonical lower-case name of a level: "error", "warning", ... or NULL
 * for LOG_LEVEL_NONE. Static string. */
const char *logline_level_name(enum log_level level);

#endif
