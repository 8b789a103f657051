/* SPDX-License-Identifier: MIT */
/* A literal prefilter for the matcher. From each regex it takes the
 * literals of which every match must contain at least one; one scan of a
 * record then says which regexes can possibly match it, and only those are
 * run. It is conservative: a regex whose literals it cannot be sure of
 * (case-insensitive parts, inline flags it does not know, literals shorter
 * than PREFILTER_MIN_LIT) is always a candidate. It knows the syntax of
 * PCRE2 and nothing of its API. Used by match.c. */
#ifndef KT_PREFILTER_H
#define KT_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>

/* Shortest literal worth scanning for, in bytes. */
#define PREFILTER_MIN_LIT 3

/* At most this many literals are kept for one regex (an alternation of
 * more is left always a candidate). */
#define PREFILTER_MAX_ALTS 16

struct prefilter;

/* The literals of regex: on return *n holds how many (0 when the regex
 * must always be tried), and lits[i] (borrowed from the caller's buffer
 * buf of cap bytes, NUL-terminated) one literal each. Exposed for tests.
 * Returns false when buf was too small (then *n is 0). */
bool prefilter_literals(const char *regex, char *buf, size_t cap,
                        const char *lits[PREFILTER_MAX_ALTS], size_t *n);

/* A prefilter for regexes numbered 0..n_ids-1. Caller frees with
 * prefilter_free(). Returns NULL when out of memory. */
struct prefilter *prefilter_new(size_t n_ids);

void prefilter_free(struct prefilter *pf);

/* Add regex number id (every id once, before prefilter_build()). Returns
 * false when out of memory. */
bool prefilter_add(struct prefilter *pf, size_t id, const char *regex);

/* Make the scan tables. Returns false when out of memory. */
bool prefilter_build(struct prefilter *pf);

/* Scan text and remember which ids may match it, until the next scan. */
void prefilter_scan(struct prefilter *pf, const char *text, size_t len);

/* May regex id match the text of the last scan? Always true for a regex
 * without literals. */
bool prefilter_candidate(const struct prefilter *pf, size_t id);

/* The ids that may match the text of the last scan, in increasing order,
 * into out (room for every id); returns how many. */
size_t prefilter_candidates(struct prefilter *pf, size_t *out);

/* How many of the regexes have literals (the rest are always tried). */
size_t prefilter_n_filtered(const struct prefilter *pf);

#endif
