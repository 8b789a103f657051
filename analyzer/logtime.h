/* SPDX-License-Identifier: MIT */
/* Timestamps of log lines: RFC 3339 and its relatives (space separator,
 * slashes, any fraction, "Z", "+hh:mm", "+hhmm"), epoch seconds and
 * milliseconds, validation and conversion to UTC text. Used by the log
 * line and access-log parsers; pure functions over bounded buffers. */
#ifndef KT_LOGTIME_H
#define KT_LOGTIME_H

#include <stdbool.h>
#include <stddef.h>

/* A broken-down time as read from the line, before conversion to UTC. */
struct logtime {
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

/* Is every field of t inside the calendar (month days, leap years)? */
bool logtime_valid(const struct logtime *t);

/* Parse "hh:mm:ss" with an optional fraction after '.' or ','. The
 * fraction may have any length; it is cut (not rounded) to milliseconds
 * so that a record never moves into the next second. */
bool logtime_parse_clock(const char *s, size_t n, size_t *pos,
                         struct logtime *t);

/* Days of month m (1-12) in year y. */
int logtime_days_in_month(int y, int m);

/* Parse "YYYY-MM-DD hh:mm:ss[.frac][zone]" at *pos; the date may use '/'
 * and the separator may be 'T'. An impossible date is no timestamp. */
bool logtime_parse_iso(const char *s, size_t n, size_t *pos, struct logtime *t,
                       bool allow_space_zone);

/* Write t as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (at least 25 bytes),
 * or leave out empty when the conversion leaves years 1-9999. */
void logtime_write(struct logtime t, char *out);

/* Parse an epoch number "1705314225.123" filling [a, b) exactly. The
 * unit follows from the magnitude (formats.md 7.11): below 1e11 seconds,
 * below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds. */
bool logtime_parse_epoch(const char *s, size_t a, size_t b, struct logtime *t);

/* A timestamp that must fill [a, b) exactly: RFC 3339 or an epoch. */
bool logtime_parse_span(const char *s, size_t a, size_t b, struct logtime *t);

#endif
