/* SPDX-License-Identifier: MIT */
/* Detectors: rules that look at the index as a whole rather than at one
 * record. A redirect loop is many access-log records; an absent default
 * StorageClass is a record that is not there. Each detector is a function
 * in a detect_*.c file; its category, texts and parameters come from the
 * "detectors" list of the pattern files (struct detector_spec).
 *
 * A detector reports what it found with detect_emit(), which writes a
 * strong row to the matches table (source "detector"), and backs it with
 * detect_cite(), which writes supporting rows pointing at the records it
 * read (file and line), so correlation and the report treat it like any
 * other evidence. When the bundle lacks what a detector needs, it says so
 * with detect_not_checked(); the report lists that under coverage. */
#ifndef KT_DETECT_H
#define KT_DETECT_H

#include "kt.h"
#include "pattern.h"

struct sqlite3;
struct detect;

struct detect_stats {
    unsigned long long run;         /* detectors run */
    unsigned long long hits;        /* findings they reported */
    unsigned long long not_checked; /* detectors that lacked input */
};

/* Run every detector of set over the index in db. */
enum kt_status detect_run_all(const struct pattern_set *set, struct sqlite3 *db,
                              struct detect_stats *ds, struct kt_err *err);

/* What a detector reports: the subject, the record where the conclusion
 * is best seen (file_id and line; text is what the report quotes), and
 * name/value pairs for the placeholders of the texts, NULL-terminated. */
struct detect_hit {
    const char *namespace;
    const char *kind;
    const char *name;
    const char *container; /* or NULL */
    long long file_id;
    long long line;
    const char *ts; /* or NULL */
    const char *text;
    const char *const *vars; /* "key", "value", ..., NULL; may be NULL */
};

/* For the detector functions. */
struct sqlite3 *detect_db(struct detect *d);
const char *detect_id(struct detect *d);
long long detect_param_int(struct detect *d, const char *key, long long dflt);
const char *detect_param_str(struct detect *d, const char *key,
                             const char *dflt);
/* Lists and objects of parameters, reached by a dotted path of keys and
 * array indexes ("rules.2.needs", "components.0.images.1"). _len gives
 * the length of the array at path (0 when there is none); _is_set says
 * whether path holds any value but null; _at gives the string at path,
 * or dflt (also when the value is not a string). Strings are borrowed
 * until the detector returns. */
size_t detect_param_len(struct detect *d, const char *path);
bool detect_param_is_set(struct detect *d, const char *path);
const char *detect_param_at(struct detect *d, const char *path,
                            const char *dflt);
/* The i-th string of the array at path, or NULL past its end or when it
 * is not a string. */
const char *detect_param_item(struct detect *d, const char *path, size_t i);
enum kt_status detect_emit(struct detect *d, const struct detect_hit *h,
                           struct kt_err *err);
/* Add a record as evidence to the last hit: source is "log", "event",
 * "container", "condition" or "status", source_id the row id in that
 * table (marks the record as explained). */
enum kt_status detect_cite(struct detect *d, const char *source,
                           long long source_id, long long file_id,
                           long long line, const char *ts, const char *text,
                           struct kt_err *err);
/* The bundle lacks what the detector needs ("istio-ingressgateway access
 * logs"); weakens says which conclusion that leaves open ("a redirect
 * loop can be neither confirmed nor ruled out"). */
enum kt_status detect_not_checked(struct detect *d, const char *needs,
                                  const char *weakens, struct kt_err *err);

/* The detectors. Each returns KT_OK when it ran or could not run for lack
 * of input, and an error only when the index itself failed. */
enum kt_status detect_restart_storm(struct detect *d, struct kt_err *err);
enum kt_status detect_node_restart(struct detect *d, struct kt_err *err);
enum kt_status detect_redirect_loop(struct detect *d, struct kt_err *err);
enum kt_status detect_cold_start(struct detect *d, struct kt_err *err);
enum kt_status detect_version_drift(struct detect *d, struct kt_err *err);
enum kt_status detect_api_removed(struct detect *d, struct kt_err *err);
enum kt_status detect_no_default_class(struct detect *d, struct kt_err *err);
enum kt_status detect_gpu_capacity(struct detect *d, struct kt_err *err);
enum kt_status detect_gpu_plugin(struct detect *d, struct kt_err *err);
enum kt_status detect_gpu_taint(struct detect *d, struct kt_err *err);

#endif
