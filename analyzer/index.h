/* SPDX-License-Identifier: MIT */
/* The SQLite index: schema, prepared statements, transactions. Every row
 * carries the file and line it came from. Writers add files, objects,
 * events and log records during ingest; the matcher, correlator and report
 * read them back through plain SQL on index_db(). No other module includes
 * sqlite3.h except match/correlate/report, which read through index_db().
 *
 * The index is written to "PATH.tmp" and renamed to PATH by
 * index_commit(), so a file at PATH is always a complete index. */
#ifndef KT_INDEX_H
#define KT_INDEX_H

#include "kt.h"
#include "model.h"
#include "rows.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct sqlite3;
struct index;

/* The schema version stored in meta (schema_version, with complete, by
 * index_commit()); an index of another version is not reused. */
#define INDEX_SCHEMA_VERSION 2

/* Create a fresh index that will become path. Any old "path.tmp" is
 * removed. Caller frees with index_close(). */
enum kt_status index_create(const char *path, struct index **out,
                            struct kt_err *err);

/* Open an existing complete index read-only. */
enum kt_status index_open_ro(const char *path, struct index **out,
                             struct kt_err *err);

/* Finish writing: build secondary indexes, mark complete, close the
 * transaction and rename the temporary file into place. */
enum kt_status index_commit(struct index *idx, struct kt_err *err);

/* Let the index being written grow to at most max_bytes (rounded down to
 * whole pages); past it every insert fails as on a full disk, and the run
 * stops with KT_EDB, leaving no file behind. Returns KT_EDB when SQLite
 * refuses. */
enum kt_status index_limit_size(struct index *idx, unsigned long long max_bytes,
                                struct kt_err *err);

/* Close; an uncommitted index's temporary file is deleted. NULL is ok. */
void index_close(struct index *idx);

/* Borrowed database handle for readers (match, correlate, report). */
struct sqlite3 *index_db(struct index *idx);

/* Store key=value in the meta table. */
enum kt_status index_set_meta(struct index *idx, const char *key,
                              const char *value, struct kt_err *err);

/* Read a meta value into a fresh string (caller frees), or NULL. */
char *index_get_meta(struct index *idx, const char *key);

/* What the ingest learned about one entry of the bundle. */
struct index_file {
    const char *path;
    const char *type; /* json, yaml, describe, log, symlink, binary, ... */
    const char *namespace;
    const char *pod;
    const char *container;
    bool previous;
    unsigned long long size;
};

/* Add a file row; its id comes back in *file_id. */
enum kt_status index_add_file(struct index *idx, const struct index_file *f,
                              long long *file_id, struct kt_err *err);

/* Update the line count, final type and status of a file. status is
 * "indexed", "skipped", "partial" or "ignored"; note says why (NULL ok). */
enum kt_status index_finish_file(struct index *idx, long long file_id,
                                 const char *type, long lines,
                                 unsigned long long size, const char *status,
                                 const char *note, struct kt_err *err);

/* Add or merge an object: the same (kind, namespace, name) seen in several
 * files is one row, with a source row per sighting. */
enum kt_status index_add_object(struct index *idx, long long file_id,
                                const struct kt_object *o, struct kt_err *err);

enum kt_status index_add_event(struct index *idx, long long file_id,
                               const struct kt_event *e, struct kt_err *err);

/* Objects and events seen without a namespace (a `kubectl get` table
 * without -A) are given the namespace of the one object of the same kind
 * and name seen with one, and such an object is merged into it. */
enum kt_status index_resolve_namespaces(struct index *idx, struct kt_err *err);

/* Seconds since the epoch of an RFC 3339 time in UTC
 * ("YYYY-MM-DDTHH:MM:SS[.frac]Z"), or -1 when it is not one. */
long long index_time_epoch(const char *t);

/* Turn the relative ages of events that have no absolute times ("2s
 * (x57 over 15m)" from describe or get tables) into first/last times,
 * counting back from collected (RFC 3339, the collection time). */
enum kt_status index_resolve_ages(struct index *idx, const char *collected,
                                  struct kt_err *err);

/* What the collector said it could not collect (a troubleshoot
 * "*-errors.json" message): a gap in the bundle's coverage. */
enum kt_status index_add_gap(struct index *idx, long long file_id, long line,
                             const char *text, struct kt_err *err);

/* One log record: text is the record (first line plus continuations). */
struct index_log {
    long line;
    long end_line;
    const char *ts; /* "" or NULL when none */
    const char *level;
    const char *text;
    size_t text_len;
    bool truncated;
    const char *pod;       /* when the file mixes pods, else NULL */
    const char *container; /* when the file mixes containers, else NULL */
    bool ts_guessed;       /* ts had no year; default_year filled it */
    size_t msg_off;        /* where the message starts in text */
    const char *component; /* logger, scope or source file, or NULL */
    size_t component_len;
};

/* The fields of an Envoy access-log record; strings are not terminated,
 * each has its length (0 for an empty field). */
struct index_access {
    int status;
    long duration_ms; /* -1 when absent */
    const char *method, *path, *flags, *authority, *upstream, *client;
    size_t method_len, path_len, flags_len, authority_len, upstream_len,
            client_len;
};

/* Add a log record; its id comes back in *log_id (may be NULL). */
enum kt_status index_add_log(struct index *idx, long long file_id,
                             const struct index_log *r, long long *log_id,
                             struct kt_err *err);

/* Have every log record added from now on offered to fn (with ctx), and
 * the ids of those it accepts kept in the connection's temporary table
 * log_candidates(id), which the matcher reads instead of every record
 * (tag:log-candidates). fn must accept every record that a pattern could
 * match. */
enum kt_status index_set_log_filter(struct index *idx,
                                    bool (*fn)(void *ctx, const char *text,
                                               size_t len),
                                    void *ctx, struct kt_err *err);

/* Add the access-log fields of the record log_id. */
enum kt_status index_add_access(struct index *idx, long long log_id,
                                const struct index_access *a,
                                struct kt_err *err);

/* One root finding (a finding that is no other's symptom) of a complete
 * index; the strings are borrowed until the callback returns. */
struct index_finding {
    long rank;
    const char *rule;
    const char *category;
    const char *severity;
    const char *title;
    const char *namespace;
    const char *kind;
    const char *name;
};

/* Call fn for each root finding of idx that is not stale (history, see
 * correlate.h), best ranked first. For the summary across bundles of
 * `analyze --jobs`. */
enum kt_status index_root_findings(struct index *idx,
                                   void (*fn)(void *ctx,
                                              const struct index_finding *f),
                                   void *ctx, struct kt_err *err);

/* The SQLite library version. Static string. */
const char *index_sqlite_version(void);

/* Run one SQL statement read-only over the index at path and print the
 * rows in fmt (rows.h). The database is opened read-only and an
 * authorizer refuses writes, ATTACH, pragmas that change state and
 * extension loading. Returns KT_EUSAGE for bad SQL. */
enum kt_status index_query(const char *path, const char *sql, FILE *out,
                           enum rows_format fmt, struct kt_err *err);

/* The newest timestamp among events, conditions, container finish times
 * and log records with a full date, else among log records whose year was
 * guessed, as RFC 3339 into buf ("" when there is none). Used as the
 * collection time when the bundle itself does not give one. */
void index_newest_time(struct index *idx, char *buf, size_t len);

#endif
