/* SPDX-License-Identifier: MIT */
/* Compiled patterns and running them: over the records of an index (event
 * messages, conditions, object status, container states, log records),
 * writing one row per hit to the matches table with the pattern's texts
 * filled in from the captures; and over each pattern's own examples for
 * `kftriage patterns test`. PCRE2 match and depth limits bound every
 * call, and JIT is used where the platform has it. */
#ifndef KT_MATCH_H
#define KT_MATCH_H

#include "kt.h"
#include "pattern.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct sqlite3;
struct matcher;

/* Compile every pattern of set (borrowed; must outlive the matcher).
 * Returns KT_EPATTERN with err naming file, pattern id and the offset in
 * the regex when one does not compile. Caller frees with match_free(). */
enum kt_status match_new(const struct pattern_set *set, struct matcher **out,
                         struct kt_err *err);

void match_free(struct matcher *m);

/* Replace the PCRE2 match limit (backtracking steps) and depth limit of
 * every match call, KT_PCRE2_MATCH_LIMIT and KT_PCRE2_DEPTH_LIMIT by
 * default (--match-limit, --depth-limit). */
void match_set_limits(struct matcher *m, unsigned long match_limit,
                      unsigned long depth_limit);

struct match_stats {
    unsigned long long records; /* records looked at */
    unsigned long long hits;
    unsigned long long limit_hits; /* matches abandoned at a PCRE2 limit */
    unsigned long long dropped;    /* patterns dropped for the rest of the
                                      run after KT_MAX_LIMIT_HITS */
    char limit_pattern[128];       /* the first pattern that hit one */
};

/* Run all patterns over the index in db and fill its matches table. */
enum kt_status match_index(struct matcher *m, struct sqlite3 *db,
                           struct match_stats *stats, struct kt_err *err);

/* Run every pattern's examples. Prints one line per failure to out and
 * returns the number of failures in *n_failed. */
enum kt_status match_selftest(struct matcher *m, FILE *out, size_t *n_run,
                              size_t *n_failed, struct kt_err *err);

/* The PCRE2 library version, into buf. */
void match_pcre2_version(char *buf, size_t len);

/* Index of the first pattern of category (any category when NULL) whose
 * regex matches text, whatever sources it looks at, or -1. For the tests
 * that check the library against the public failure corpus. */
long match_find(struct matcher *m, const char *text, size_t len,
                const char *category);

/* Can this matcher tell, as log records are stored, which of them any
 * pattern may match? False without the prefilter. */
bool match_can_filter_logs(const struct matcher *m);

/* The log filter of index_set_log_filter() (ctx is the matcher): false
 * only when no pattern that looks at logs matches text, so the records it
 * refuses cannot give a match (tag:log-candidates). */
bool match_log_candidate(void *ctx, const char *text, size_t len);

/* Does the prefilter rule out a pattern whose regex matches text? Returns
 * the index of the first such pattern, or -1 (always -1 when the prefilter
 * is off). For the tests that hold the prefilter to never dropping a
 * match (tag:prefilter-equivalence). */
long match_prefilter_drops(struct matcher *m, const char *text, size_t len);

#endif
