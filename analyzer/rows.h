/* SPDX-License-Identifier: MIT */
/* Printing the rows of a read-only SQL statement for `kftriage query`:
 * an aligned table for a person, tab-separated or CSV for scripts, or a
 * JSON array. Every format escapes control bytes, so bundle text never
 * drives a terminal. Does not open, check or authorise anything. */
#ifndef KT_ROWS_H
#define KT_ROWS_H

#include "kt.h"

#include <stdio.h>

struct sqlite3_stmt;

enum rows_format {
    ROWS_TSV,
    ROWS_TABLE,
    ROWS_CSV,
    ROWS_JSON
};

/* The format named name ("table", "tsv", "csv", "json"); NULL gives
 * def. Returns false for any other name. */
bool rows_format_parse(const char *name, enum rows_format def,
                       enum rows_format *out);

/* Step s to the end and print its rows to out under a header. Returns
 * KT_EUSAGE with err set when a step fails (a bad query at run time). */
enum kt_status rows_print(struct sqlite3_stmt *s, FILE *out,
                          enum rows_format fmt, struct kt_err *err);

#endif
