/* SPDX-License-Identifier: MIT */
/* Full-text search of an index with SQLite FTS5: log records and event
 * messages, each hit with its file and line and the matched words
 * marked. The FTS table is built by the first search and kept in the
 * index file; after that the index is only read. */
#ifndef KT_SEARCH_H
#define KT_SEARCH_H

#include "kt.h"

#include <stdbool.h>
#include <stdio.h>

/* At most this many hits are printed, best first; the total is said. */
#define SEARCH_MAX_HITS 200

struct search_opts {
    const char *namespace; /* only hits in this namespace, or NULL */
    bool json;
    bool color; /* mark matches with bold instead of <<...>> */
};

/* What search_run() did besides searching. */
struct search_stats {
    bool built;     /* the FTS table was added to the index file */
    bool temporary; /* the index file was read-only: built in memory */
    long hits;      /* matching records in all */
};

/* Search the complete index at path for text and print the hits.
 * Plain words must all appear; text with a double quote or the words
 * AND, OR, NOT or NEAR is passed to FTS5 as its query syntax. Returns
 * KT_EUSAGE for a query FTS5 refuses. */
enum kt_status search_run(const char *path, const char *text,
                          const struct search_opts *o, FILE *out,
                          struct search_stats *stats, struct kt_err *err);

#endif
