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
#include "timeline.h"
#include "version.h"
#include "yamlobj.h"

enum {
    OPT_FAIL_ON = 256,
    OPT_DEPTH_LIMIT,
    OPT_MATCH_LIMIT,
    OPT_MAX_DB,
    OPT_MAX_DEPTH,
    OPT_MAX_DOC_DEPTH,
    OPT_MAX_ENTRIES,
    OPT_MAX_ENTRY,
    OPT_MAX_LINE,
    OPT_MAX_PATH,
    OPT_MAX_RATIO,
    OPT_MAX_TOTAL,
    OPT_PATTERNS,
    OPT_DB,
    OPT_FORMAT,
    OPT_VERSION,
    OPT_COMPONENT,
    OPT_LEVEL,
    OPT_REINDEX,
    OPT_SINCE,
    OPT_UNTIL
};

/* Sorted by long name. */
static const struct option long_opts[] = {
    { "component", required_argument, NULL, OPT_COMPONENT },
    { "db", required_argument, NULL, OPT_DB },
    { "depth-limit", required_argument, NULL, OPT_DEPTH_LIMIT },
    { "fail-on", required_argument, NULL, OPT_FAIL_ON },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "help", no_argument, NULL, 'h' },
    { "level", required_argument, NULL, OPT_LEVEL },
    { "match-limit", required_argument, NULL, OPT_MATCH_LIMIT },
    { "max-db", required_argument, NULL, OPT_MAX_DB },
    { "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
    { "max-doc-depth", required_argument, NULL, OPT_MAX_DOC_DEPTH },
    { "jobs", required_argument, NULL, 'j' },
    { "max-entries", required_argument, NULL, OPT_MAX_ENTRIES },
    { "max-entry", required_argument, NULL, OPT_MAX_ENTRY },
    { "max-line", required_argument, NULL, OPT_MAX_LINE },
    { "max-path", required_argument, NULL, OPT_MAX_PATH },
    { "max-ratio", required_argument, NULL, OPT_MAX_RATIO },
    { "max-total", required_argument, NULL, OPT_MAX_TOTAL },
    { "namespace", required_argument, NULL, 'n' },
    { "output", required_argument, NULL, 'o' },
    { "patterns", required_argument, NULL, OPT_PATTERNS },
    { "quiet", no_argument, NULL, 'q' },
    { "reindex", no_argument, NULL, OPT_REINDEX },
    { "since", required_argument, NULL, OPT_SINCE },
    { "until", required_argument, NULL, OPT_UNTIL },
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
    { "report", CMD_REPORT },     { "search", CMD_SEARCH },
    { "timeline", CMD_TIMELINE },
};

/* The formats each command prints; the first is its default. */
static const struct {
    enum cli_command cmd;
    const char *formats;
} command_formats[] = {
    { CMD_NONE, "text json markdown html table csv tsv" },
    { CMD_ANALYZE, "text json markdown html" },
    { CMD_INGEST, "text json markdown html" },
    { CMD_REPORT, "text json markdown html" },
    { CMD_QUERY, "table csv tsv json" },
    { CMD_PATTERNS, "text json" },
    { CMD_TIMELINE, "text json" },
    { CMD_SEARCH, "text json" },
};

/* Is fmt one of the space-separated words of list? */
static bool
in_list(const char *list, const char *fmt)
{
    size_t n = strlen(fmt);
    const char *p = list;

    while (n > 0 && (p = strstr(p, fmt)) != NULL) {
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0')) {
            return true;
        }
        p += n;
    }
    return false;
}

static enum kt_status
check_format(const struct cli_opts *opts, struct kt_err *err)
{
    size_t i;

    if (opts->format == NULL) {
        return KT_OK;
    }
    for (i = 0; i < sizeof(command_formats) / sizeof(command_formats[0]); i++) {
        if (command_formats[i].cmd == opts->command &&
            !in_list(command_formats[i].formats, opts->format)) {
            return kt_err_set(err, KT_EUSAGE, "--format: '%s' is not one of %s",
                              opts->format, command_formats[i].formats);
        }
    }
    return KT_OK;
}

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

/* A number (with an optional k, M or G) from lo to hi. */
static enum kt_status
bounded_opt(const char *name, const char *arg, unsigned long long lo,
            unsigned long long hi, unsigned long long *out, struct kt_err *err)
{
    if (kt_parse_size(arg, hi, out) != KT_OK || *out < lo) {
        return kt_err_set(err, KT_EUSAGE,
                          "--%s: '%s' is not a number from %llu to %llu", name,
                          arg, lo, hi);
    }
    return KT_OK;
}

/* --max-depth: 0 (nested archives are not read) up to KT_MAX_NESTING's
 * ceiling. */
static enum kt_status
depth_opt(const char *arg, int *out, struct kt_err *err)
{
    unsigned long long v;

    if (kt_parse_size(arg, 16, &v) != KT_OK) {
        return kt_err_set(err, KT_EUSAGE,
                          "--max-depth: '%s' is not a number from 0 to 16",
                          arg);
    }
    *out = (int)v;
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
    opts->limits.max_ratio = KT_MAX_RATIO;
    opts->limits.max_depth = KT_MAX_NESTING;
    opts->limits.max_line = KT_MAX_LINE;
    opts->limits.max_path = KT_MAX_PATH;
    opts->max_doc_depth = KT_MAX_JSON_DEPTH;
    opts->match_limit = KT_PCRE2_MATCH_LIMIT;
    opts->depth_limit = KT_PCRE2_DEPTH_LIMIT;
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
            break;
        case OPT_COMPONENT:
            opts->component = optarg;
            break;
        case OPT_LEVEL:
            opts->level = optarg;
            if (!timeline_valid_level(optarg)) {
                st = kt_err_set(err, KT_EUSAGE,
                                "--level: '%s' is not one of fatal, error, "
                                "warning, info, debug, trace",
                                optarg);
            }
            break;
        case OPT_REINDEX:
            opts->reindex = true;
            break;
        case OPT_SINCE:
            opts->since = optarg;
            break;
        case OPT_UNTIL:
            opts->until = optarg;
            break;
        case OPT_DEPTH_LIMIT:
            st = bounded_opt("depth-limit", optarg, 1, 0xffffffffULL,
                             &opts->depth_limit, err);
            break;
        case OPT_MATCH_LIMIT:
            st = bounded_opt("match-limit", optarg, 1, 0xffffffffULL,
                             &opts->match_limit, err);
            break;
        case OPT_MAX_DOC_DEPTH: {
            unsigned long long v = 0;

            st = bounded_opt("max-doc-depth", optarg, 1, KT_MAX_JSON_DEPTH, &v,
                             err);
            opts->max_doc_depth = (int)v;
            break;
        }
        case OPT_MAX_LINE:
            st = bounded_opt("max-line", optarg, 64, 64ULL << 20,
                             &opts->limits.max_line, err);
            break;
        case OPT_MAX_PATH:
            st = bounded_opt("max-path", optarg, 64, 65536,
                             &opts->limits.max_path, err);
            break;
        case OPT_MAX_DB:
            st = size_opt("max-db", optarg, &opts->max_db, err);
            break;
        case OPT_MAX_DEPTH:
            st = depth_opt(optarg, &opts->limits.max_depth, err);
            break;
        case OPT_MAX_RATIO:
            st = size_opt("max-ratio", optarg, &opts->limits.max_ratio, err);
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
        return check_format(opts, err);
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
    return check_format(opts, err);
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
        "  timeline DB          events, restarts and log errors by time\n"
        "  search DB TEXT       full-text search of log records and events\n"
        "  query DB SQL         read-only SQL over an index\n"
        "  patterns list|check|test\n"
        "                       inspect and self-test the pattern library\n"
        "\n"
        "Input:\n"
        "      --db FILE        index file (default: NAME.kftriage.db in\n"
        "                       the current directory, NAME from BUNDLE)\n"
        "      --reindex        index again even if the index at --db was\n"
        "                       built from the same bundle by this version\n"
        "      --max-entries N  read at most N entries (default 1000000)\n"
        "      --max-entry SIZE skip entries larger than SIZE (default 4G)\n"
        "      --max-total SIZE stop after SIZE bytes in all (default 64G)\n"
        "      --max-ratio N    skip entries inflating over N times their\n"
        "                       compressed size (default 200)\n"
        "      --max-depth N    read archives nested N deep (default 3)\n"
        "      --max-db SIZE    stop when the index passes SIZE (default:\n"
        "                       no limit but the disk)\n"
        "      --max-line SIZE  cut lines and log records at SIZE (default\n"
        "                       1M)\n"
        "      --max-path SIZE  cut entry names at SIZE (default 4096)\n"
        "      --max-doc-depth N\n"
        "                       skip JSON and YAML nested deeper than N\n"
        "                       (default and most 512)\n"
        "  -j, --jobs N         analyze several bundles (or a directory of\n"
        "                       bundle archives) N at a time, each into\n"
        "                       its own index and report, then summarize\n"
        "Matching:\n"
        "      --patterns DIR   add the patterns of DIR; same id overrides\n"
        "      --match-limit N  PCRE2 backtracking steps per match (default\n"
        "                       1000000)\n"
        "      --depth-limit N  PCRE2 depth per match (default 10000)\n"
        "Output:\n"
        "      --format FMT     text (default), json, markdown or html;\n"
        "                       query: table (default on a terminal), tsv\n"
        "                       (default otherwise), csv or json\n"
        "  -o, --output FILE    write the report to FILE, not stdout\n"
        "  -n, --namespace NS   report only the findings in namespace NS,\n"
        "                       with the tree of causes they are part of\n"
        "      --fail-on SEV    exit 5 when a finding is SEV or worse\n"
        "                       (critical, error, warning, info)\n"
        "Timeline:\n"
        "      --since TIME     from TIME: RFC 3339, or an age like 2h\n"
        "                       counted back from the collection time\n"
        "      --until TIME     up to TIME, in the same forms\n"
        "      --level LEVEL    LEVEL or worse: fatal, error, warning,\n"
        "                       info, debug, trace\n"
        "      --component NAME one container, event source or logger\n"
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

static const char help_ingest[] =
        "Usage: kftriage ingest [OPTION]... BUNDLE --db FILE\n"
        "Build the index of BUNDLE (every object, event and log record,\n"
        "the pattern matches and the findings) and print no report; read\n"
        "it later with report, query, search or timeline.\n"
        "Options: --db FILE, --reindex, --patterns DIR, and the --max-*,\n"
        "--match-limit and --depth-limit limits of analyze, -q, -v (see\n"
        "'kftriage --help').\n";

static const char help_analyze[] =
        "Usage: kftriage analyze [OPTION]... BUNDLE...\n"
        "Read BUNDLE (.tar.gz, .tgz, .tar, .tar.xz, .tar.zst, .zip or a\n"
        "directory) as a stream, index every object, event and log record\n"
        "into an SQLite file, run the pattern library and print the root\n"
        "causes, most likely first.\n"
        "\n"
        "An index at --db built from the same bundle content (SHA-256)\n"
        "by this version, complete and of this schema, is reused; -v says\n"
        "so, --reindex builds it again.\n"
        "\n"
        "Options: --db FILE, --reindex, --format text|json|markdown|html,\n"
        "-o FILE, -n NS, --patterns DIR, --fail-on SEV, --max-entries N,\n"
        "--max-entry SIZE, --max-total SIZE, --max-ratio N, --max-depth N,\n"
        "--max-db SIZE, --max-line SIZE, --max-path SIZE, --max-doc-depth N,\n"
        "--match-limit N, --depth-limit N, -j N, -q, -v (see 'kftriage\n"
        "--help').\n"
        "\n"
        "Example: kftriage analyze bundle.tar.gz --db /tmp/b.db\n";

static const char help_report[] =
        "Usage: kftriage report [OPTION]... DB\n"
        "Print the report of an existing index without the bundle.\n"
        "Options: --format text|json|markdown|html, -o FILE, -n NS,\n"
        "--fail-on SEV.\n";

static const char help_query[] =
        "Usage: kftriage query [--format table|tsv|csv|json] DB SQL\n"
        "Run one read-only SQL statement over an index and print the rows:\n"
        "an aligned table on a terminal, else tab-separated under a header\n"
        "line (tabs, newlines and control bytes shown as \\t, \\n, \\xNN);\n"
        "csv follows RFC 4180; json is an array of objects. Writes, ATTACH\n"
        "and extension loading are refused. Views: pods, errors, skipped,\n"
        "findings_view, findings_tree, edges.\n"
        "Example: kftriage query b.db \"SELECT * FROM pods\"\n";

static const char help_timeline[] =
        "Usage: kftriage timeline [OPTION]... DB\n"
        "Print events, container terminations and restarts, and log\n"
        "errors of an index merged by time, each with its file and line.\n"
        "Options: -n NS, --since TIME, --until TIME (RFC 3339, or an age\n"
        "like 2h counted back from the collection time), --level LEVEL,\n"
        "--component NAME, --format text|json, -o FILE.\n"
        "Example: kftriage timeline b.db -n kubeflow --since 2h\n";

static const char help_search[] =
        "Usage: kftriage search [OPTION]... DB TEXT\n"
        "Full-text search (SQLite FTS5) of the log records and event\n"
        "messages of an index; every hit with its file and line and the\n"
        "matching words marked. Plain words must all appear; TEXT with\n"
        "double quotes or AND, OR, NOT, NEAR is FTS5 query syntax. The\n"
        "first search adds the search table to the index file.\n"
        "Options: -n NS, --format text|json, -o FILE.\n"
        "Example: kftriage search b.db 'connection refused'\n";

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
        fputs(help_analyze, out);
        break;
    case CMD_INGEST:
        fputs(help_ingest, out);
        break;
    case CMD_REPORT:
        fputs(help_report, out);
        break;
    case CMD_QUERY:
        fputs(help_query, out);
        break;
    case CMD_TIMELINE:
        fputs(help_timeline, out);
        break;
    case CMD_SEARCH:
        fputs(help_search, out);
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
