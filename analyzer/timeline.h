/* SPDX-License-Identifier: MIT */
/* The timeline of an index: events, container terminations and restarts,
 * and log errors merged by time, each with the file and line it comes
 * from, filtered by namespace, time window, level and component. Read
 * from an existing index only; `kftriage timeline` prints it and the
 * HTML report charts it. */
#ifndef KT_TIMELINE_H
#define KT_TIMELINE_H

#include "kt.h"

#include <stdbool.h>
#include <stdio.h>

struct sqlite3;

/* NULL members do not filter. since and until are RFC 3339 times or an
 * age ("2h", "30m", "1d") counted back from the bundle's collection
 * time; level keeps items at that level or worse (log records are
 * always error or worse unless level asks for less); component matches
 * a container name, an event's reporting component or a log record's
 * logger. */
struct timeline_filter {
    const char *namespace;
    const char *since;
    const char *until;
    const char *level;
    const char *component;
};

/* One item. Strings are borrowed for the duration of the callback; text
 * is bundle text, not yet escaped. */
struct timeline_item {
    const char *ts;   /* RFC 3339 as stored */
    double jd;        /* ts as a Julian day number, for charts */
    const char *what; /* "event", "container" or "log" */
    const char *namespace;
    const char *object; /* Kind/name, Pod/name/container */
    const char *component;
    const char *level; /* fatal, error, warning, info, debug, trace */
    const char *text;
    const char *file;
    int line;
};

typedef void (*timeline_fn)(void *ctx, const struct timeline_item *it);

/* Call fn for each item matching f, oldest first. Returns KT_EUSAGE with
 * err set when a filter value is not understood. */
enum kt_status timeline_each(struct sqlite3 *db,
                             const struct timeline_filter *f, timeline_fn fn,
                             void *ctx, struct kt_err *err);

/* Print the timeline as text (two lines per item, bundle text escaped)
 * or, when json, as one JSON array. */
enum kt_status timeline_write(struct sqlite3 *db, FILE *out,
                              const struct timeline_filter *f, bool json,
                              struct kt_err *err);

/* Is level one of the level names above? */
bool timeline_valid_level(const char *level);

#endif
