/* SPDX-License-Identifier: MIT */
/* Writing the report from a finished index: the text report for a person
 * at a terminal, Markdown for a ticket, one self-contained HTML file, and
 * the JSON report of the contract (schema 1, described in README.md and
 * docs/report.schema.json). Everything comes from the index, so `kftriage
 * report` can reprint a report without the bundle. Bundle text is escaped
 * before it reaches a terminal. */
#ifndef KT_REPORT_H
#define KT_REPORT_H

#include "kt.h"

#include <stdbool.h>
#include <stdio.h>

struct sqlite3;

enum report_format {
    REPORT_TEXT,
    REPORT_JSON,
    REPORT_MARKDOWN,
    REPORT_HTML
};

struct report_opts {
    enum report_format format;
    bool color;            /* ANSI colour in the text report */
    const char *namespace; /* only findings in this namespace, or NULL */
};

/* Write the report of the index db to out. Symptoms are shown nested
 * under the finding they belong to, as deep as the index nests them. */
enum kt_status report_write(struct sqlite3 *db, FILE *out,
                            const struct report_opts *opts, struct kt_err *err);

/* Does namespace appear anywhere in the index (objects, events, logs)? */
bool report_has_namespace(struct sqlite3 *db, const char *namespace);

/* How many entries of the bundle were skipped or cut. */
long long report_count_skipped(struct sqlite3 *db);

/* Highest severity rank (4 critical .. 1 info, 0 none) among the findings
 * that are not stale (history, see correlate.h), for --fail-on. */
int report_max_severity(struct sqlite3 *db, const char *namespace);

#endif
