/* SPDX-License-Identifier: MIT */
/* The command line: one getopt_long table for every command, the options
 * struct it fills, and the help text. Nothing here runs a command. */
#ifndef KT_CLI_H
#define KT_CLI_H

#include "ingest.h"
#include "kt.h"

#include <stdbool.h>
#include <stdio.h>

enum cli_command {
    CMD_NONE,
    CMD_ANALYZE,
    CMD_INGEST,
    CMD_REPORT,
    CMD_QUERY,
    CMD_PATTERNS,
    CMD_TIMELINE,
    CMD_SEARCH
};

struct cli_opts {
    enum cli_command command;
    const char *format;   /* --format, NULL for the command's default */
    const char *output;   /* -o FILE */
    const char *db;       /* --db FILE */
    const char *patterns; /* --patterns DIR */
    const char *fail_on;  /* --fail-on SEVERITY */
    const char *namespace;
    const char *since;     /* timeline --since */
    const char *until;     /* timeline --until */
    const char *level;     /* timeline --level */
    const char *component; /* timeline --component */
    bool reindex;          /* analyze/ingest: never reuse an index */
    int verbosity;         /* -q gives -1, each -v adds one */
    int jobs; /* --jobs N: bundles analyzed at a time, 0 when absent */
    bool help;
    bool version;
    struct ingest_limits limits;
    unsigned long long max_db;      /* --max-db bytes, 0 for no limit */
    int max_doc_depth;              /* JSON and YAML nesting */
    unsigned long long match_limit; /* PCRE2, per match call */
    unsigned long long depth_limit;
    char **args; /* operands after the command, borrowed from argv */
    int n_args;
};

/* Parse argv into opts. Returns KT_OK, or KT_EUSAGE with err holding the
 * one-line reason. --help and --version set their flags and return OK. */
enum kt_status cli_parse(int argc, char **argv, struct cli_opts *opts,
                         struct kt_err *err);

/* Print the help of a command (CMD_NONE: the tool) to out. */
void cli_help(FILE *out, enum cli_command cmd);

/* Print the version line and the versions of every library used. */
void cli_version(FILE *out);

#endif
