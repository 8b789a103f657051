/* SPDX-License-Identifier: MIT */
/* kftriage: offline root-cause analysis of Kubeflow support bundles.
 * main() parses the command line, sets the log level and hands over to
 * the command; the command's exit status is the program's. */
#include <stdio.h>

#include "cli.h"
#include "log.h"
#include "run.h"

int
main(int argc, char **argv)
{
    struct cli_opts opts;
    struct kt_err err;

    kt_err_clear(&err);
    if (cli_parse(argc, argv, &opts, &err) != KT_OK) {
        log_error("%s", err.msg);
        fputs("Try 'kftriage --help'.\n", stderr);
        return EXIT_USAGE;
    }
    if (opts.help) {
        cli_help(stdout, opts.command);
        return EXIT_DONE;
    }
    if (opts.version) {
        cli_version(stdout);
        return EXIT_DONE;
    }
    if (opts.verbosity < 0) {
        log_verbosity = LOG_QUIET;
    } else if (opts.verbosity == 1) {
        log_verbosity = LOG_INFO;
    } else if (opts.verbosity > 1) {
        log_verbosity = LOG_DEBUG;
    }
    switch (opts.command) {
    case CMD_ANALYZE:
        return run_analyze(&opts, true);
    case CMD_INGEST:
        return run_analyze(&opts, false);
    case CMD_REPORT:
        return run_report(&opts);
    case CMD_QUERY:
        return run_query(&opts);
    case CMD_PATTERNS:
        return run_patterns(&opts);
    case CMD_TIMELINE:
        return run_timeline(&opts);
    case CMD_SEARCH:
        return run_search(&opts);
    case CMD_NONE:
        break;
    }
    log_error("no command given");
    fputs("Try 'kftriage --help'.\n", stderr);
    return EXIT_USAGE;
}
