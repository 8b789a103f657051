/* SPDX-License-Identifier: MIT */
/* Option parsing and help for every command. One sorted getopt_long table;
 * the help text lives here and nowhere else (README quotes it, and a
 * golden test keeps the two identical). */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "index.h"
#include "kt_limits.h"
#include "match.h"
#include "pattern.h"
#include "version.h"
#include "yamlobj.h"

enum {
    OPT_FAIL_ON = 256,
    OPT_MAX_ENTRIES,
    OPT_MAX_ENTRY,
    OPT_MAX_TOTAL,
    OPT_PATTERNS,
    OPT_DB,
    OPT_FORMAT,
    OPT_VERSION
};

/* Sorted by long name. */
static const struct option long_opts[] = {
    { "db", required_argument, NULL, OPT_DB },
    { "fail-on", required_argument, NULL, OPT_FAIL_ON },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "help", no_argument, NULL, 'h' },
    { "jobs", required_argument, NULL, 'j' },
    { "max-entries", required_argument, NULL, OPT_MAX_ENTRIES },
    { "max-entry", required_argument, NULL, OPT_MAX_ENTRY },
    { "max-total", required_argument, NULL, OPT_MAX_TOTAL },
    { "namespace", required_argument, NULL, 'n' },
    { "output", required_argument, NULL, 'o' },
    { "patterns", required_argument, NULL, OPT_PATTERNS },
    { "quiet", no_argument, NULL, 'q' },
    { "verbose", no_argument, NULL, 'v' },
    { "version", no_argument, NULL, OPT_VERSION },
    { NULL, 0, NULL, 0 },
};

static const struct {
    const char *name;
    enum cli_command cmd;
} commands[] = {
    { "analyze", CMD_ANALYZE },   { "ingest", CMD_INGEST },
    { "patterns", CMD_PATTERNS }, { "query", CMD_QUERY },
    { "report", CMD_REPORT },
};

static enum kt_status
size_opt(const char *name, const char *arg, unsigned long long *out,
         struct kt_err *err)
{
    if (kt_parse_size(arg, ~0ULL, out) != KT_OK || *out == 0) {
        return kt_err_set(err, KT_EUSAGE,
                          "--%s: '%s' is not a positive size (a number "
                          "with an optional k, M or G)",
                          name, arg);
    }
    return KT_OK;
}

enum kt_status
cli_parse(int argc, char **argv, struct cli_opts *opts, struct kt_err *err)
{
    enum kt_status st = KT_OK;
    int c;
    size_t i;

    memset(opts, 0, sizeof(*opts));
    opts->limits.max_total = KT_MAX_TOTAL_BYTES;
    opts->limits.max_entry = KT_MAX_ENTRY_BYTES;
    opts->limits.max_entries = KT_MAX_ENTRIES;
    opterr = 0;
    optind = 1;
    while (st == KT_OK &&
           (c = getopt_long(argc, argv, ":hj:n:o:qv", long_opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            opts->help = true;
            break;
        case 'j': {
            unsigned long long n;

            if (kt_parse_size(optarg, 64, &n) != KT_OK || n == 0) {
                st = kt_err_set(err, KT_EUSAGE,
                                "--jobs: '%s' is not a number from 1 to 64",
                                optarg);
            }
            opts->jobs = (int)n;
            break;
        }
        case 'n':
            opts->namespace = optarg;
            break;
        case 'o':
            opts->output = optarg;
            break;
        case 'q':
            opts->verbosity = -1;
            break;
        case 'v':
            opts->verbosity++;
            break;
        case OPT_DB:
            opts->db = optarg;
            break;
        case OPT_FAIL_ON:
            opts->fail_on = optarg;
            if (pattern_severity_rank(optarg) == 0) {
                st = kt_err_set(err, KT_EUSAGE,
                                "--fail-on: '%s' is not one of critical, "
                                "error, warning, info",
                                optarg);
            }
            break;
        case OPT_FORMAT:
            opts->format = optarg;
            if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0) {
                st = kt_err_set(err, KT_EUSAGE,
                                "--format: '%s' is not one of text, json",
                                optarg);
            }
            break;
        case OPT_MAX_ENTRIES:
            st = size_opt("max-entries", optarg, &opts->limits.max_entries,
                          err);
            break;
        case OPT_MAX_ENTRY:
            st = size_opt("max-entry", optarg, &opts->limits.max_entry, err);
            break;
        case OPT_MAX_TOTAL:
            st = size_opt("max-total", optarg, &opts->limits.max_total, err);
            break;
        case OPT_PATTERNS:
            opts->patterns = optarg;
            break;
        case OPT_VERSION:
            opts->version = true;
            break;
        case ':':
            st = kt_err_set(err, KT_EUSAGE, "option '%s' needs a value",
                            argv[optind - 1]);
            break;
        default:
            st = kt_err_set(err, KT_EUSAGE, "unknown option '%s'",
                            argv[optind - 1]);
            break;
        }
    }
    if (st != KT_OK) {
        return st;
    }
    opts->args = argv + optind;
    opts->n_args = argc - optind;
    if (opts->n_args == 0) {
        return KT_OK;
    }
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(opts->args[0], commands[i].name) == 0) {
            opts->command = commands[i].cmd;
        }
    }
    if (opts->command == CMD_NONE) {
        return kt_err_set(err, KT_EUSAGE, "unknown command '%s'",
                          opts->args[0]);
    }
    opts->args++;
    opts->n_args--;
    return KT_OK;
}

static const char help_main[] =
        "Usage: kftriage COMMAND [OPTION]... ARG...\n"
        "Find the root cause of a Kubeflow failure in a support bundle,\n"
        "offline, citing file and line for every claim.\n"
        "\n"
        "Commands:\n"
        "  analyze BUNDLE...    index the bundle, match, correlate, report\n"
        "  ingest BUNDLE        build the index, print no report\n"
        "  report DB            report again from an existing index\n"
        "  query DB SQL         read-only SQL over an index\n"
        "  patterns list|check|test\n"
        "                       inspect and self-test the pattern library\n"
        "\n"
        "Input:\n"
        "      --db FILE        index file (default: NAME.kftriage.db in\n"
        "                       the current directory, NAME from BUNDLE)\n"
        "      --max-entries N  read at most N entries (default 1000000)\n"
        "      --max-entry SIZE skip entries larger than SIZE (default 4G)\n"
        "      --max-total SIZE stop after SIZE bytes in all (default 64G)\n"
        "  -j, --jobs N         analyze several bundles (or a directory of\n"
        "                       bundle archives) N at a time, each into\n"
        "                       its own index and report, then summarize\n"
        "Matching:\n"
        "      --patterns DIR   add the patterns of DIR; same id overrides\n"
        "Output:\n"
        "      --format FMT     text (default) or json\n"
        "  -o, --output FILE    write the report to FILE, not stdout\n"
        "  -n, --namespace NS   report only findings in namespace NS\n"
        "      --fail-on SEV    exit 5 when a finding is SEV or worse\n"
        "                       (critical, error, warning, info)\n"
        "Diagnostics:\n"
        "  -q, --quiet          errors only\n"
        "  -v, --verbose        more detail on stderr (twice for debug)\n"
        "  -h, --help           show this help and exit\n"
        "      --version        show versions and exit\n"
        "\n"
        "Exit status: 0 done; 1 done, but entries were skipped; 2 usage\n"
        "error; 3 bundle unreadable; 4 internal error; 5 a finding reached\n"
        "--fail-on.\n"
        "\n"
        "Example: kftriage analyze support-bundle.tar.gz --format json\n";

static const char help_analyze[] =
        "Usage: kftriage analyze [OPTION]... BUNDLE...\n"
        "Read BUNDLE (.tar.gz, .tgz, .tar, .tar.xz, .tar.zst, .zip or a\n"
        "directory) as a stream, index every object, event and log record\n"
        "into an SQLite file, run the pattern library and print the root\n"
        "causes, most likely first.\n"
        "\n"
        "Options: --db FILE, --format text|json, -o FILE, -n NS,\n"
        "--patterns DIR, --fail-on SEV, --max-entries N, --max-entry SIZE,\n"
        "--max-total SIZE, -j N, -q, -v (see 'kftriage --help').\n"
        "\n"
        "Example: kftriage analyze bundle.tar.gz --db /tmp/b.db\n";

static const char help_report[] =
        "Usage: kftriage report [OPTION]... DB\n"
        "Print the report of an existing index without the bundle.\n"
        "Options: --format text|json, -o FILE, -n NS, --fail-on SEV.\n";

static const char help_query[] =
        "Usage: kftriage query DB SQL\n"
        "Run one read-only SQL statement over an index and print the rows\n"
        "tab-separated under a header line. Writes, ATTACH and extension\n"
        "loading are refused. Views: pods, errors, skipped, findings_view.\n"
        "Example: kftriage query b.db \"SELECT * FROM pods\"\n";

static const char help_patterns[] =
        "Usage: kftriage patterns list|check|test [--patterns DIR]\n"
        "  list   print every pattern: id, category, severity, strength\n"
        "  check  load and compile the library; report the first error\n"
        "         with file, pattern id and regex offset\n"
        "  test   run every pattern's examples that must and must not\n"
        "         match; exit 1 when one fails\n";

void
cli_help(FILE *out, enum cli_command cmd)
{
    switch (cmd) {
    case CMD_ANALYZE:
    case CMD_INGEST:
        fputs(help_analyze, out);
        break;
    case CMD_REPORT:
        fputs(help_report, out);
        break;
    case CMD_QUERY:
        fputs(help_query, out);
        break;
    case CMD_PATTERNS:
        fputs(help_patterns, out);
        break;
    case CMD_NONE:
        fputs(help_main, out);
        break;
    }
}

void
cli_version(FILE *out)
{
    char buf[256];

    fprintf(out, "kftriage %s\n", KT_VERSION);
    ingest_versions(buf, sizeof(buf));
    fprintf(out, "%s\n", buf);
    fprintf(out, "sqlite %s\n", index_sqlite_version());
    match_pcre2_version(buf, sizeof(buf));
    fprintf(out, "pcre2 %s\n", buf);
    fprintf(out, "cjson %s\n", pattern_cjson_version());
    fprintf(out, "libyaml %s\n", yamlobj_version());
}
