/* SPDX-License-Identifier: MIT */
/* Several bundles at once: `kftriage analyze --jobs N BUNDLE...` (or a
 * directory of bundle archives) analyzes each bundle in its own worker
 * process, N at a time, then prints a summary: which root causes, in how
 * many bundles. Each bundle keeps its own index and report. Called by
 * run.c; the workers run run_analyze() on one bundle each. */
#ifndef KT_FLEET_H
#define KT_FLEET_H

#include <stdbool.h>

#include "cli.h"

/* Worker processes at most, whatever --jobs says. */
#define FLEET_MAX_JOBS 64

/* Analyze (report true) or ingest every bundle of o->args; returns the
 * highest exit status of any bundle, or EXIT_USAGE before any work. */
int fleet_run(const struct cli_opts *o, bool report);

#endif
