/* SPDX-License-Identifier: MIT */
/* The commands: each takes the parsed options, runs the pipeline stages it
 * needs, logs what went wrong and returns the exit status of PRODUCT
 * (0 done, 1 entries skipped, 2 usage, 3 bundle unreadable, 4 internal,
 * 5 --fail-on reached). Called by main.c only. */
#ifndef KT_RUN_H
#define KT_RUN_H

#include <stddef.h>

#include "cli.h"

enum run_exit {
    EXIT_DONE = 0,
    EXIT_SKIPPED = 1,
    EXIT_USAGE = 2,
    EXIT_UNREADABLE = 3,
    EXIT_INTERNAL = 4,
    EXIT_FAIL_ON = 5
};

/* The default index of bundle: NAME.kftriage.db in the current
 * directory, NAME the bundle's file name without archive extensions. */
void run_default_db(const char *bundle, char *buf, size_t len);

/* analyze (report true) and ingest (report false); several bundles or
 * --jobs go to fleet_run(). */
int run_analyze(const struct cli_opts *o, bool report);
int run_report(const struct cli_opts *o);
int run_query(const struct cli_opts *o);
int run_patterns(const struct cli_opts *o);
int run_timeline(const struct cli_opts *o);
int run_search(const struct cli_opts *o);

#endif
