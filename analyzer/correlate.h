/* SPDX-License-Identifier: MIT */
/* From matches to findings: strong matches on one subject and category
 * become one finding with its evidence; supporting matches and agreeing
 * sources raise its confidence; findings that explain each other are
 * linked into trees (a PVC that never bound, under the MySQL pod it keeps
 * pending, under the clients that cannot reach MySQL); roots are ranked
 * by the worst severity in their tree, confidence, how much they explain
 * and whether they are still live. Error
 * records no pattern explains are clustered as "unexplained". Reads and
 * writes the index through SQL; prints nothing. */
#ifndef KT_CORRELATE_H
#define KT_CORRELATE_H

#include "kt.h"

struct sqlite3;

struct correlate_stats {
    unsigned long long roots;
    unsigned long long symptoms;
    unsigned long long unexplained;
};

/* Fill the findings, evidence and unexplained tables of db from its
 * matches table. Any earlier findings are replaced. */
enum kt_status correlate_run(struct sqlite3 *db, struct correlate_stats *cs,
                             struct kt_err *err);

#endif
