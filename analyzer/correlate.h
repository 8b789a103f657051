/* SPDX-License-Identifier: MIT */
/* From matches to findings: strong matches on one subject and category
 * become one finding with its evidence; supporting matches and agreeing
 * sources raise its confidence; a crash loop explained by another finding
 * on the same pod becomes that finding's symptom; roots are ranked. Error
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
