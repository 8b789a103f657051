/* SPDX-License-Identifier: MIT */
/* The commands behind run.h. Each is a short sequence of pipeline stages
 * (ingest, match, correlate, report) with the errors of each turned into
 * one stderr line and an exit status. */
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "correlate.h"
#include "detect.h"
#include "fleet.h"
#include "index.h"
#include "jsonobj.h"
#include "log.h"
#include "match.h"
#include "pattern.h"
#include "pipeline.h"
#include "report.h"
#include "search.h"
#include "sha256.h"
#include "timeline.h"
#include "version.h"
#include "yamlobj.h"

#ifndef KT_PATTERN_DIR
#define KT_PATTERN_DIR "/usr/local/share/kftriage/patterns"
#endif

/* A wrong command line: one line saying what, and where to look. */
static int
usage_error(const char *what)
{
    log_error("%s", what);
    fputs("Try 'kftriage --help'.\n", stderr);
    return EXIT_USAGE;
}

static bool
is_dir(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* Where the built-in library is: $KFTRIAGE_PATTERNS_DIR, else patterns/
 * beside or above the binary (a build tree), else share/kftriage/patterns
 * beside its bin/ (a relocated install), else the configured one. */
static const char *
builtin_dir(char *buf, size_t len)
{
    const char *env = getenv("KFTRIAGE_PATTERNS_DIR");
    char exe[4096];
    ssize_t n;
    char *slash;

    if (env != NULL && env[0] != '\0') {
        return env;
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
            snprintf(buf, len, "%s/patterns", exe);
            if (is_dir(buf)) {
                return buf;
            }
            snprintf(buf, len, "%s/../patterns", exe);
            if (is_dir(buf)) {
                return buf;
            }
            snprintf(buf, len, "%s/../share/kftriage/patterns", exe);
            if (is_dir(buf)) {
                return buf;
            }
        }
    }
    return KT_PATTERN_DIR;
}

/* Load the built-in library and the user's. Returns an exit status. */
static int
load_patterns(const struct cli_opts *o, struct pattern_set *set)
{
    char buf[4200];
    struct kt_err err;
    const char *dir = builtin_dir(buf, sizeof(buf));

    kt_err_clear(&err);
    if (pattern_load_dir(set, dir, &err) != KT_OK) {
        log_error("built-in pattern library: %s", err.msg);
        return EXIT_INTERNAL;
    }
    if (o->patterns != NULL &&
        pattern_load_dir(set, o->patterns, &err) != KT_OK) {
        log_error("%s", err.msg);
        return EXIT_USAGE;
    }
    log_info("%zu patterns loaded from %s%s%s", set->n, dir,
             o->patterns ? " and " : "", o->patterns ? o->patterns : "");
    return EXIT_DONE;
}

void
run_default_db(const char *bundle, char *buf, size_t len)
{
    static const char *const exts[] = { ".tar.gz",  ".tar.xz", ".tar.zst",
                                        ".tar.bz2", ".tgz",    ".tar",
                                        ".zip",     ".gz" };
    char name[1024];
    size_t n;
    size_t i;
    const char *base;

    snprintf(name, sizeof(name), "%s", bundle);
    n = strlen(name);
    while (n > 1 && name[n - 1] == '/') {
        name[--n] = '\0';
    }
    base = strrchr(name, '/');
    base = base ? base + 1 : name;
    n = strlen(base);
    for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
        size_t e = strlen(exts[i]);

        if (n > e && strcmp(base + n - e, exts[i]) == 0) {
            n -= e;
            break;
        }
    }
    if (n == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        base = "bundle";
        n = 6;
    }
    snprintf(buf, len, "%.*s.kftriage.db", (int)n, base);
}

static int
exit_of(enum kt_status st)
{
    switch (st) {
    case KT_OK:
    case KT_DONE:
        return EXIT_DONE;
    case KT_EIO:
    case KT_EFORMAT:
        return EXIT_UNREADABLE;
    case KT_EUSAGE:
    case KT_EPATTERN:
        return EXIT_USAGE;
    case KT_ELIMIT:
        return EXIT_SKIPPED;
    case KT_ENOMEM:
    case KT_EDB:
        return EXIT_INTERNAL;
    }
    return EXIT_INTERNAL;
}

/* Same file (device and inode) as other? False when either is absent. */
static bool
same_file(const struct stat *sb, const char *other)
{
    struct stat ob;

    return other != NULL && stat(other, &ob) == 0 && sb->st_dev == ob.st_dev &&
           sb->st_ino == ob.st_ino;
}

/* The index may only replace an earlier complete kftriage index: never
 * the bundle, a directory, a device or a file of the user's. */
static int
check_db_path(const char *db, const char *bundle)
{
    struct stat sb;
    struct index *idx = NULL;
    struct kt_err err;

    if (stat(db, &sb) != 0) {
        return EXIT_DONE; /* a new file; creating it reports errors */
    }
    if (same_file(&sb, bundle)) {
        log_error("%s: --db names the bundle itself; choose another file", db);
        return EXIT_USAGE;
    }
    if (!S_ISREG(sb.st_mode)) {
        log_error("%s: not a regular file; --db must name a file", db);
        return EXIT_USAGE;
    }
    if (index_open_ro(db, &idx, &err) != KT_OK) {
        log_error("%s: exists and is not a kftriage index; not replacing "
                  "it (remove it or choose another --db)",
                  db);
        return EXIT_USAGE;
    }
    index_close(idx);
    return EXIT_DONE;
}

/* Open -o FILE (or take stdout) before any work, refusing to write the
 * report over the bundle or the index. */
static int
open_output(const struct cli_opts *o, const char *bundle, const char *db,
            FILE **out)
{
    struct stat sb;

    *out = stdout;
    if (o->output == NULL) {
        return EXIT_DONE;
    }
    if (db != NULL && strcmp(o->output, db) == 0) {
        log_error("%s: -o names the index; choose another file", o->output);
        return EXIT_USAGE;
    }
    if (stat(o->output, &sb) == 0 &&
        (same_file(&sb, bundle) || same_file(&sb, db))) {
        log_error("%s: -o names the %s; choose another file", o->output,
                  same_file(&sb, bundle) ? "bundle" : "index");
        return EXIT_USAGE;
    }
    *out = fopen(o->output, "w");
    if (*out == NULL) {
        log_error("%s: %s", o->output, strerror(errno));
        return EXIT_USAGE;
    }
    return EXIT_DONE;
}

/* Flush and close the report; a full disk must not look like success. */
static int
close_output(const struct cli_opts *o, FILE *out)
{
    const char *name = o->output ? o->output : "standard output";
    int failed = fflush(out) != 0 || ferror(out);

    if (out != stdout && fclose(out) != 0) {
        failed = 1;
    }
    if (failed) {
        log_error("%s: cannot write the report: %s", name, strerror(errno));
        return EXIT_INTERNAL;
    }
    return EXIT_DONE;
}

static enum report_format
report_format_of(const char *name)
{
    if (name == NULL || strcmp(name, "text") == 0) {
        return REPORT_TEXT;
    }
    if (strcmp(name, "json") == 0) {
        return REPORT_JSON;
    }
    return strcmp(name, "html") == 0 ? REPORT_HTML : REPORT_MARKDOWN;
}

/* Print the report of db to out (closed here), then apply --fail-on. */
static int
print_report(const struct cli_opts *o, struct sqlite3 *db, FILE *out)
{
    struct report_opts ro;
    struct kt_err err;
    enum kt_status st;
    int rc;

    kt_err_clear(&err);
    memset(&ro, 0, sizeof(ro));
    ro.format = report_format_of(o->format);
    ro.namespace = o->namespace;
    if (o->namespace != NULL && !report_has_namespace(db, o->namespace)) {
        log_warn("namespace %s does not appear in the bundle", o->namespace);
    }
    ro.color = out == stdout && isatty(fileno(stdout)) &&
               getenv("NO_COLOR") == NULL;
    st = report_write(db, out, &ro, &err);
    rc = close_output(o, out);
    if (st != KT_OK) {
        log_error("cannot write the report: %s", err.msg);
        return exit_of(st);
    }
    if (rc != EXIT_DONE) {
        return rc;
    }
    if (o->fail_on != NULL && report_max_severity(db, o->namespace) >=
                                      pattern_severity_rank(o->fail_on)) {
        return EXIT_FAIL_ON;
    }
    return EXIT_DONE;
}

/* The options that change what an index holds besides the bundle. */
static void
run_options(const struct cli_opts *o, char *buf, size_t len)
{
    snprintf(buf, len,
             "max_entries=%llu max_entry=%llu max_total=%llu max_ratio=%llu"
             " max_depth=%d max_line=%llu max_path=%llu max_doc_depth=%d"
             " match_limit=%llu depth_limit=%llu",
             o->limits.max_entries, o->limits.max_entry, o->limits.max_total,
             o->limits.max_ratio, o->limits.max_depth, o->limits.max_line,
             o->limits.max_path, o->max_doc_depth, o->match_limit,
             o->depth_limit);
}

/* SHA-256 of the file at path as hex into hex; false for a directory or
 * a file that cannot be read. */
static bool
file_sha256(const char *path, char hex[65])
{
    struct sha256 sha;
    unsigned char block[65536];
    struct stat sb;
    size_t n;
    FILE *f;

    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        return false;
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        return false;
    }
    sha256_init(&sha);
    while ((n = fread(block, 1, sizeof(block), f)) > 0) {
        sha256_update(&sha, block, n);
    }
    if (ferror(f)) {
        fclose(f);
        return false;
    }
    fclose(f);
    sha256_hex(&sha, hex);
    return true;
}

/* May the index at db stand for bundle? It must be complete, of this
 * schema and tool version, built with the same limits and without
 * --patterns, from a bundle file with the same SHA-256. why gets the
 * first reason it may not. */
static bool
index_reusable(const struct cli_opts *o, const char *db, const char *bundle,
               char *why, size_t len)
{
    static const char *const keys[] = { "tool_version", "schema_version",
                                        "run_options", "bundle_sha256" };
    char want[4][512];
    struct index *idx = NULL;
    struct kt_err err;
    bool ok = true;
    size_t i;

    snprintf(why, len, "--reindex given");
    if (o->reindex || access(db, F_OK) != 0) {
        return false;
    }
    snprintf(want[0], sizeof(want[0]), "%s", KT_VERSION);
    snprintf(want[1], sizeof(want[1]), "%d", INDEX_SCHEMA_VERSION);
    run_options(o, want[2], sizeof(want[2]));
    if (o->patterns != NULL) {
        snprintf(why, len, "--patterns given");
        return false;
    }
    if (index_open_ro(db, &idx, &err) != KT_OK) {
        snprintf(why, len, "it is not a complete index");
        return false;
    }
    for (i = 0; ok && i < sizeof(keys) / sizeof(keys[0]); i++) {
        char *have = index_get_meta(idx, keys[i]);

        if (i == 3 && (have == NULL || have[0] == '\0')) {
            snprintf(why, len,
                     "it was built from a directory, which has "
                     "no content hash");
            ok = false;
        } else if (i == 3 && !file_sha256(bundle, want[3])) {
            snprintf(why, len,
                     "the bundle is not a file that can be "
                     "hashed (a directory has no content hash)");
            ok = false;
        } else if (have == NULL || strcmp(have, want[i]) != 0) {
            snprintf(why, len, "its %s is %s, not %s", keys[i],
                     have ? have : "unset", want[i]);
            ok = false;
        }
        free(have);
    }
    index_close(idx);
    return ok;
}

/* analyze or ingest with a reusable index: report from it, and give the
 * exit status its own run gave for skipped entries and limit hits. */
static int
reuse_index(const struct cli_opts *o, const char *db, bool report, FILE *out)
{
    struct index *idx = NULL;
    struct kt_err err;
    char *limit = NULL;
    long long skipped = 0;
    int rc = EXIT_DONE;

    if (index_open_ro(db, &idx, &err) != KT_OK) {
        log_error("%s", err.msg);
        return EXIT_INTERNAL;
    }
    log_info("%s: reusing the index %s, built from the same bundle by "
             "this version (--reindex builds it again)",
             o->args[0], db);
    skipped = report_count_skipped(index_db(idx));
    limit = index_get_meta(idx, "pattern_limit");
    if (report) {
        rc = print_report(o, index_db(idx), out);
    }
    if (limit != NULL && limit[0] != '\0') {
        log_warn("%s", limit);
        rc = rc == EXIT_DONE ? EXIT_SKIPPED : rc;
    }
    if (skipped > 0) {
        log_warn("%lld entr%s skipped or cut; exit status %d", skipped,
                 skipped == 1 ? "y was" : "ies were",
                 rc == EXIT_DONE ? EXIT_SKIPPED : rc);
        rc = rc == EXIT_DONE ? EXIT_SKIPPED : rc;
    }
    free(limit);
    index_close(idx);
    return rc;
}

int
run_analyze(const struct cli_opts *o, bool report)
{
    struct pattern_set set;
    struct matcher *m = NULL;
    struct index *idx = NULL;
    struct pipeline_stats ps;
    struct match_stats ms;
    struct correlate_stats cs;
    struct detect_stats ds;
    struct kt_err err;
    char db_path[1100];
    char tmp_path[1110];
    char why[300];
    char opts[512];
    const char *const own[] = { db_path, tmp_path, NULL };
    FILE *out = NULL;
    int rc;
    enum kt_status st;

    if (o->n_args > 1 || (o->jobs > 0 && o->n_args == 1)) {
        return fleet_run(o, report);
    }
    if (o->n_args != 1) {
        return usage_error(report ? "analyze needs a BUNDLE"
                                  : "ingest needs a BUNDLE");
    }
    kt_err_clear(&err);
    pattern_set_init(&set);
    rc = load_patterns(o, &set);
    if (rc != EXIT_DONE) {
        goto out;
    }
    if (match_new(&set, &m, &err) != KT_OK) {
        log_error("%s", err.msg);
        rc = EXIT_USAGE;
        goto out;
    }
    match_set_limits(m, (unsigned long)o->match_limit,
                     (unsigned long)o->depth_limit);
    jsonobj_set_max_depth(o->max_doc_depth);
    yamlobj_set_max_depth(o->max_doc_depth);
    if (o->db != NULL) {
        snprintf(db_path, sizeof(db_path), "%s", o->db);
    } else {
        run_default_db(o->args[0], db_path, sizeof(db_path));
    }
    rc = check_db_path(db_path, o->args[0]);
    if (rc == EXIT_DONE && report) {
        rc = open_output(o, o->args[0], db_path, &out);
    }
    if (rc != EXIT_DONE) {
        goto out;
    }
    if (index_reusable(o, db_path, o->args[0], why, sizeof(why))) {
        rc = reuse_index(o, db_path, report, out);
        out = NULL;
        goto out;
    }
    if (access(db_path, F_OK) == 0) {
        log_info("%s: indexing again: %s", db_path, why);
    }
    st = index_create(db_path, &idx, &err);
    if (st == KT_OK && o->max_db > 0) {
        st = index_limit_size(idx, o->max_db, &err);
    }
    if (st != KT_OK) {
        log_error("%s", err.msg);
        rc = EXIT_INTERNAL;
        goto out;
    }
    snprintf(tmp_path, sizeof(tmp_path), "%s.tmp", db_path);
    /* Log records are checked for candidate matches as they are stored,
     * so the matcher need not read every one back. */
    if (match_can_filter_logs(m) &&
        index_set_log_filter(idx, match_log_candidate, m, &err) != KT_OK) {
        log_error("%s", err.msg);
        rc = EXIT_INTERNAL;
        goto out;
    }
    st = pipeline_ingest(idx, o->args[0], &o->limits, own, &ps, &err);
    if (st != KT_OK) {
        log_error("%s", err.msg);
        rc = exit_of(st);
        goto out;
    }
    log_info("%s: %llu files, %llu objects, %llu events, %llu log records",
             o->args[0], ps.files, ps.objects, ps.events, ps.logs);
    st = match_index(m, index_db(idx), &ms, &err);
    if (st == KT_OK && ms.limit_hits > 0) {
        char note[512];

        snprintf(note, sizeof(note),
                 "PCRE2 match limit reached %llu time%s (first by pattern "
                 "%s); those records were not matched by that pattern%s",
                 ms.limit_hits, ms.limit_hits == 1 ? "" : "s", ms.limit_pattern,
                 ms.dropped > 0 ? ", and patterns that kept hitting it were "
                                  "dropped for the rest of the run"
                                : "");
        log_warn("%s", note);
        st = index_set_meta(idx, "pattern_limit", note, &err);
    }
    if (st == KT_OK) {
        st = detect_run_all(&set, index_db(idx), &ds, &err);
    }
    if (st == KT_OK) {
        log_debug("%llu detectors run, %llu findings, %llu lacked input",
                  ds.run, ds.hits, ds.not_checked);
        st = correlate_run(index_db(idx), &cs, &err);
    }
    if (st == KT_OK) {
        st = index_set_meta(idx, "tool_version", KT_VERSION, &err);
    }
    if (st == KT_OK) {
        run_options(o, opts, sizeof(opts));
        st = index_set_meta(idx, "run_options", opts, &err);
    }
    if (st == KT_OK) {
        st = index_commit(idx, &err);
    }
    if (st != KT_OK) {
        log_error("%s", err.msg);
        rc = exit_of(st);
        goto out;
    }
    log_info("index written to %s", db_path);
    rc = report ? print_report(o, index_db(idx), out) : EXIT_DONE;
    out = NULL;
    if (rc == EXIT_DONE && ms.limit_hits > 0) {
        rc = EXIT_SKIPPED; /* some records were not fully matched */
    }
    if (ps.skipped > 0) {
        log_warn("%llu entr%s skipped or cut; exit status %d", ps.skipped,
                 ps.skipped == 1 ? "y was" : "ies were",
                 rc == EXIT_DONE ? EXIT_SKIPPED : rc);
        if (rc == EXIT_DONE) {
            rc = EXIT_SKIPPED;
        }
    }

out:
    if (out != NULL && out != stdout) {
        fclose(out);
    }
    index_close(idx);
    match_free(m);
    pattern_set_fini(&set);
    return rc;
}

int
run_report(const struct cli_opts *o)
{
    struct index *idx = NULL;
    struct kt_err err;
    FILE *out = NULL;
    int rc;

    if (o->n_args != 1) {
        return usage_error("report needs exactly one DB");
    }
    kt_err_clear(&err);
    if (index_open_ro(o->args[0], &idx, &err) != KT_OK) {
        log_error("%s", err.msg);
        return EXIT_UNREADABLE;
    }
    rc = open_output(o, NULL, o->args[0], &out);
    if (rc == EXIT_DONE) {
        rc = print_report(o, index_db(idx), out);
    }
    index_close(idx);
    return rc;
}

int
run_query(const struct cli_opts *o)
{
    struct kt_err err;
    enum kt_status st;
    enum rows_format fmt;

    if (o->n_args != 2) {
        return usage_error("query needs a DB and one SQL statement");
    }
    rows_format_parse(o->format, isatty(fileno(stdout)) ? ROWS_TABLE : ROWS_TSV,
                      &fmt);
    kt_err_clear(&err);
    st = index_query(o->args[0], o->args[1], stdout, fmt, &err);
    if (st != KT_OK) {
        log_error("%s", err.msg);
        return st == KT_EUSAGE ? EXIT_USAGE : EXIT_UNREADABLE;
    }
    return EXIT_DONE;
}

int
run_timeline(const struct cli_opts *o)
{
    struct timeline_filter f;
    struct index *idx = NULL;
    struct kt_err err;
    enum kt_status st;
    FILE *out = NULL;
    int rc;

    if (o->n_args != 1) {
        return usage_error("timeline needs exactly one DB");
    }
    kt_err_clear(&err);
    if (index_open_ro(o->args[0], &idx, &err) != KT_OK) {
        log_error("%s", err.msg);
        return EXIT_UNREADABLE;
    }
    memset(&f, 0, sizeof(f));
    f.namespace = o->namespace;
    f.since = o->since;
    f.until = o->until;
    f.level = o->level;
    f.component = o->component;
    rc = open_output(o, NULL, o->args[0], &out);
    if (rc == EXIT_DONE) {
        st = timeline_write(index_db(idx), out, &f,
                            o->format && strcmp(o->format, "json") == 0, &err);
        rc = close_output(o, out);
        if (st != KT_OK) {
            log_error("%s", err.msg);
            rc = st == KT_EUSAGE ? EXIT_USAGE : exit_of(st);
            if (st == KT_EUSAGE) {
                fputs("Try 'kftriage --help'.\n", stderr);
            }
        }
    }
    index_close(idx);
    return rc;
}

int
run_search(const struct cli_opts *o)
{
    struct search_opts so;
    struct search_stats stats;
    struct kt_err err;
    enum kt_status st;
    FILE *out = NULL;
    int rc;

    if (o->n_args != 2) {
        return usage_error("search needs a DB and the TEXT to find");
    }
    kt_err_clear(&err);
    memset(&so, 0, sizeof(so));
    so.namespace = o->namespace;
    so.json = o->format && strcmp(o->format, "json") == 0;
    rc = open_output(o, NULL, o->args[0], &out);
    if (rc != EXIT_DONE) {
        return rc;
    }
    so.color = out == stdout && isatty(fileno(stdout)) &&
               getenv("NO_COLOR") == NULL;
    st = search_run(o->args[0], o->args[1], &so, out, &stats, &err);
    rc = close_output(o, out);
    if (stats.built) {
        log_info("%s: search table added to the index", o->args[0]);
    } else if (stats.temporary) {
        log_info("%s: the index cannot be written; the search table was "
                 "built in memory for this search only",
                 o->args[0]);
    }
    if (st != KT_OK) {
        log_error("%s", err.msg);
        return st == KT_EUSAGE ? EXIT_USAGE : EXIT_UNREADABLE;
    }
    return rc;
}

static void
list_patterns(const struct pattern_set *set, bool json)
{
    size_t i;

    for (i = 0; i < set->n; i++) {
        const struct pattern *p = &set->p[i];

        if (json) {
            /* Ids, categories and severities are validated to plain
             * words, so they need no escaping. */
            printf("%s{\"id\": \"%s\", \"category\": \"%s\", "
                   "\"severity\": \"%s\", \"strength\": \"%s\"}%s\n",
                   i == 0 ? "[" : " ", p->id, p->category, p->severity,
                   p->strong ? "strong" : "supporting",
                   i + 1 == set->n ? "]" : ",");
        } else {
            printf("%-36s %-19s %-8s %s\n", p->id, p->category, p->severity,
                   p->strong ? "strong" : "supporting");
        }
    }
    if (json && set->n == 0) {
        printf("[]\n");
    }
}

int
run_patterns(const struct cli_opts *o)
{
    struct pattern_set set;
    struct matcher *m = NULL;
    struct kt_err err;
    size_t n_run = 0;
    size_t n_failed = 0;
    int rc;

    if (o->n_args != 1 ||
        (strcmp(o->args[0], "list") != 0 && strcmp(o->args[0], "check") != 0 &&
         strcmp(o->args[0], "test") != 0)) {
        return usage_error("patterns needs one of list, check, test");
    }
    kt_err_clear(&err);
    pattern_set_init(&set);
    rc = load_patterns(o, &set);
    if (rc == EXIT_DONE && match_new(&set, &m, &err) != KT_OK) {
        log_error("%s", err.msg);
        rc = EXIT_USAGE;
    }
    if (rc != EXIT_DONE) {
        goto out;
    }
    if (strcmp(o->args[0], "list") == 0) {
        list_patterns(&set, o->format && strcmp(o->format, "json") == 0);
    } else if (strcmp(o->args[0], "check") == 0) {
        printf("%zu patterns OK\n", set.n);
    } else {
        match_selftest(m, stdout, &n_run, &n_failed, &err);
        printf("%zu passed, %zu failed\n", n_run - n_failed, n_failed);
        rc = n_failed > 0 ? EXIT_SKIPPED : EXIT_DONE;
    }

out:
    match_free(m);
    pattern_set_fini(&set);
    return rc;
}
