/* SPDX-License-Identifier: MIT */
/* The bundles-in-parallel runner behind fleet.h. Worker processes (fork)
 * rather than threads: a bundle that crashes or exhausts memory takes
 * only its own worker down, and the single-bundle path stays exactly the
 * one that `kftriage analyze BUNDLE` runs. The parent only schedules,
 * waits, and reads the root findings back from each finished index. */
#include "fleet.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "index.h"
#include "kt.h"
#include "log.h"
#include "pattern.h"
#include "run.h"
#include "version.h"

/* Archive names that make a directory a directory of bundles. A bare .gz
 * is left out: in a bundle directory it is far more often a rotated log. */
static const char *const bundle_exts[] = { ".tar.gz", ".tgz",     ".tar",
                                           ".tar.xz", ".tar.zst", ".zip" };

struct job {
    char *bundle; /* owned */
    char db[1100];
    char report[1120];
    pid_t pid;
    int rc; /* exit status; -1 until it ended */
    size_t n_roots;
};

/* One root cause and the bundles it was found in. */
struct cause {
    char *rule; /* owned, like category and severity */
    char *category;
    char *severity;
    size_t bundles;
    size_t last_job; /* counts each bundle once */
};

struct fleet {
    struct job *jobs;
    size_t n_jobs;
    size_t cap_jobs;
    struct cause *causes;
    size_t n_causes;
    size_t cap_causes;
    size_t current; /* job whose findings are being read */
    FILE *out;
    bool json;
    bool first_finding;
};

static bool
is_dir(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static bool
is_bundle_name(const char *name)
{
    size_t n = strlen(name);
    size_t i;

    for (i = 0; i < sizeof(bundle_exts) / sizeof(bundle_exts[0]); i++) {
        size_t e = strlen(bundle_exts[i]);

        if (n > e && strcmp(name + n - e, bundle_exts[i]) == 0) {
            return true;
        }
    }
    return false;
}

static bool
add_job(struct fleet *f, const char *bundle)
{
    struct job *j;

    if (f->n_jobs == f->cap_jobs) {
        size_t cap = f->cap_jobs * 2 + 8;
        struct job *p = realloc(f->jobs, cap * sizeof(*p));

        if (p == NULL) {
            return false;
        }
        f->jobs = p;
        f->cap_jobs = cap;
    }
    j = &f->jobs[f->n_jobs];
    memset(j, 0, sizeof(*j));
    j->bundle = kt_strdup0(bundle);
    j->rc = -1;
    if (j->bundle == NULL) {
        return false;
    }
    f->n_jobs++;
    return true;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The bundle archives directly inside dir, sorted by name, as jobs.
 * Returns how many were added, or -1 when out of memory. */
static long
add_dir(struct fleet *f, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0;
    size_t cap = 0;
    size_t i;
    long added = 0;

    if (d == NULL) {
        return 0;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !is_bundle_name(e->d_name)) {
            continue;
        }
        if (n == cap) {
            char **p = realloc(names, (cap * 2 + 16) * sizeof(*p));

            if (p == NULL) {
                added = -1;
                break;
            }
            names = p;
            cap = cap * 2 + 16;
        }
        names[n] = kt_strdup0(e->d_name);
        if (names[n] == NULL) {
            added = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (n > 0) {
        qsort(names, n, sizeof(*names), cmp_str);
    }
    for (i = 0; i < n; i++) {
        char path[4200];

        snprintf(path, sizeof(path), "%s%s%s", dir,
                 dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
        if (added >= 0 && !add_job(f, path)) {
            added = -1;
        } else if (added >= 0) {
            added++;
        }
        free(names[i]);
    }
    free(names);
    return added;
}

static void
fleet_fini(struct fleet *f)
{
    size_t i;

    for (i = 0; i < f->n_jobs; i++) {
        free(f->jobs[i].bundle);
    }
    free(f->jobs);
    for (i = 0; i < f->n_causes; i++) {
        free(f->causes[i].rule);
        free(f->causes[i].category);
        free(f->causes[i].severity);
    }
    free(f->causes);
}

/* Start the worker of job j: it analyzes one bundle into its own index
 * and writes its report to a file. */
static bool
start(const struct cli_opts *o, bool report, struct job *j)
{
    pid_t pid;

    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        return false;
    }
    if (pid == 0) {
        struct cli_opts co = *o;

        co.args = &j->bundle;
        co.n_args = 1;
        co.jobs = 0;
        co.db = j->db;
        co.output = report ? j->report : NULL;
        _exit(run_analyze(&co, report));
    }
    j->pid = pid;
    return true;
}

/* Wait for one worker and record its exit status. */
static bool
reap(struct fleet *f)
{
    int status;
    pid_t pid;
    size_t i;

    do {
        pid = waitpid(-1, &status, 0);
    } while (pid < 0 && errno == EINTR);
    if (pid < 0) {
        return false;
    }
    for (i = 0; i < f->n_jobs; i++) {
        if (f->jobs[i].pid == pid) {
            f->jobs[i].rc =
                    WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_INTERNAL;
            if (!WIFEXITED(status)) {
                log_error("%s: the worker was stopped by signal %d",
                          f->jobs[i].bundle, WTERMSIG(status));
            }
        }
    }
    return true;
}

/* Print s as a JSON string: quotes, backslashes and control bytes
 * escaped; invalid UTF-8 replaced so the output stays valid JSON. */
static void
json_str(FILE *out, const char *s)
{
    char *clean = kt_utf8_clean(s != NULL ? s : "");
    const unsigned char *p = (const unsigned char *)(clean ? clean : "");

    fputc('"', out);
    for (; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            fprintf(out, "\\%c", *p);
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(out, "\\u%04x", *p);
        } else {
            fputc(*p, out);
        }
    }
    fputc('"', out);
    free(clean);
}

static void
text_safe(FILE *out, const char *s, size_t max)
{
    char *safe = kt_safe_text(s != NULL ? s : "", max);

    fputs(safe != NULL ? safe : "", out);
    free(safe);
}

/* Count a root finding of the current job towards its cause. */
static void
count_cause(struct fleet *f, const struct index_finding *r)
{
    struct cause *c = NULL;
    size_t i;

    for (i = 0; i < f->n_causes; i++) {
        if (strcmp(f->causes[i].rule, r->rule ? r->rule : "") == 0) {
            c = &f->causes[i];
            break;
        }
    }
    if (c == NULL) {
        if (f->n_causes == f->cap_causes) {
            size_t cap = f->cap_causes * 2 + 16;
            struct cause *p = realloc(f->causes, cap * sizeof(*p));

            if (p == NULL) {
                return;
            }
            f->causes = p;
            f->cap_causes = cap;
        }
        c = &f->causes[f->n_causes++];
        c->rule = kt_strdup0(r->rule ? r->rule : "");
        c->category = kt_strdup0(r->category ? r->category : "");
        c->severity = kt_strdup0(r->severity ? r->severity : "");
        c->bundles = 0;
        c->last_job = (size_t)-1;
    }
    if (c->last_job != f->current) {
        c->bundles++;
        c->last_job = f->current;
    }
}

/* One root finding of the current job: counted, and listed under its
 * bundle. */
static void
on_finding(void *ctx, const struct index_finding *r)
{
    struct fleet *f = ctx;
    FILE *out = f->out;

    count_cause(f, r);
    f->jobs[f->current].n_roots++;
    if (f->json) {
        fputs(f->first_finding ? "\n" : ",\n", out);
        f->first_finding = false;
        fprintf(out, "        {\"rank\": %ld, \"rule\": ", r->rank);
        json_str(out, r->rule);
        fputs(", \"category\": ", out);
        json_str(out, r->category);
        fputs(", \"severity\": ", out);
        json_str(out, r->severity);
        fputs(", \"subject\": {\"namespace\": ", out);
        json_str(out, r->namespace);
        fputs(", \"kind\": ", out);
        json_str(out, r->kind);
        fputs(", \"name\": ", out);
        json_str(out, r->name);
        fputs("}, \"title\": ", out);
        json_str(out, r->title);
        fputs("}", out);
        return;
    }
    fprintf(out, "    %2ld. %-8s %-28s ", r->rank,
            r->severity ? r->severity : "", r->rule ? r->rule : "");
    text_safe(out, r->kind, 64);
    fputc(' ', out);
    if (r->namespace != NULL && r->namespace[0] != '\0') {
        text_safe(out, r->namespace, 128);
        fputc('/', out);
    }
    text_safe(out, r->name, 128);
    fputc('\n', out);
}

static int
cmp_cause(const void *a, const void *b)
{
    const struct cause *x = a;
    const struct cause *y = b;
    int sx = pattern_severity_rank(x->severity);
    int sy = pattern_severity_rank(y->severity);

    if (x->bundles != y->bundles) {
        return x->bundles < y->bundles ? 1 : -1;
    }
    if (sx != sy) {
        return sx < sy ? 1 : -1;
    }
    return strcmp(x->rule, y->rule);
}

/* The findings of every finished job, then the causes across bundles. */
static void
summarize(struct fleet *f, int jobs, bool report)
{
    FILE *out = f->out;
    size_t i;

    if (f->json) {
        fprintf(out, "{\n  \"schema\": 1,\n  \"tool\": {\"name\": "
                     "\"kftriage\", \"version\": \"" KT_VERSION "\"},\n"
                     "  \"bundles\": [");
    } else {
        fprintf(out, "kftriage %s: %zu bundle%s, %d job%s at a time\n\n",
                KT_VERSION, f->n_jobs, f->n_jobs == 1 ? "" : "s", jobs,
                jobs == 1 ? "" : "s");
        fputs("Per bundle (exit status, index, root causes):\n", out);
    }
    for (i = 0; i < f->n_jobs; i++) {
        struct job *j = &f->jobs[i];
        struct index *idx = NULL;
        struct kt_err err;

        f->current = i;
        f->first_finding = true;
        if (f->json) {
            fputs(i == 0 ? "\n    {\"path\": " : ",\n    {\"path\": ", out);
            json_str(out, j->bundle);
            fprintf(out, ", \"exit\": %d, \"db\": ", j->rc);
            json_str(out, j->db);
            fputs(", \"report\": ", out);
            if (report) {
                json_str(out, j->report);
            } else {
                fputs("null", out);
            }
            fputs(",\n      \"findings\": [", out);
        } else {
            fputs("  ", out);
            text_safe(out, j->bundle, 256);
            fprintf(out, ": exit %d, ", j->rc);
            text_safe(out, j->db, 256);
            fputc('\n', out);
        }
        kt_err_clear(&err);
        if (j->rc >= 0 && j->rc != EXIT_UNREADABLE && j->rc != EXIT_USAGE &&
            index_open_ro(j->db, &idx, &err) == KT_OK) {
            if (index_root_findings(idx, on_finding, f, &err) != KT_OK) {
                log_error("%s", err.msg);
            }
        }
        index_close(idx);
        if (f->json) {
            fputs(f->first_finding ? "]}" : "\n      ]}", out);
        } else if (j->rc == EXIT_USAGE || j->rc == EXIT_UNREADABLE ||
                   j->rc == EXIT_INTERNAL) {
            fputs("    not analyzed: see the error on stderr\n", out);
        } else if (j->n_roots == 0) {
            fputs("    no root cause found\n", out);
        }
    }
    if (f->n_causes > 0) {
        qsort(f->causes, f->n_causes, sizeof(*f->causes), cmp_cause);
    }
    if (f->json) {
        fputs("\n  ],\n  \"root_causes\": [", out);
    } else {
        fputs("\nRoot causes across bundles (bundles, severity, category, "
              "rule):\n",
              out);
    }
    for (i = 0; i < f->n_causes; i++) {
        const struct cause *c = &f->causes[i];

        if (f->json) {
            fputs(i == 0 ? "\n    {\"rule\": " : ",\n    {\"rule\": ", out);
            json_str(out, c->rule);
            fputs(", \"category\": ", out);
            json_str(out, c->category);
            fputs(", \"severity\": ", out);
            json_str(out, c->severity);
            fprintf(out, ", \"bundles\": %zu}", c->bundles);
        } else {
            fprintf(out, "  %4zu  %-8s  %-19s  %s\n", c->bundles, c->severity,
                    c->category, c->rule);
        }
    }
    if (f->json) {
        fputs(f->n_causes > 0 ? "\n  ]\n}\n" : "]\n}\n", out);
    } else if (f->n_causes == 0) {
        fputs("  none\n", out);
    }
}

/* NAME.report.txt or .json beside NAME.kftriage.db. */
static void
report_path(const struct cli_opts *o, struct job *j)
{
    size_t n = strlen(j->db);
    const char *suffix = ".kftriage.db";
    size_t s = strlen(suffix);

    if (n > s && strcmp(j->db + n - s, suffix) == 0) {
        n -= s;
    }
    snprintf(j->report, sizeof(j->report), "%.*s.report.%s", (int)n, j->db,
             o->format != NULL && strcmp(o->format, "json") == 0 ? "json"
                                                                 : "txt");
}

int
fleet_run(const struct cli_opts *o, bool report)
{
    struct fleet f;
    size_t next = 0;
    size_t running = 0;
    size_t i;
    size_t k;
    int jobs = o->jobs > 0 ? o->jobs : 1;
    int rc = EXIT_DONE;

    memset(&f, 0, sizeof(f));
    if (o->db != NULL) {
        log_error("--db names one index; with several bundles each gets "
                  "its own NAME.kftriage.db");
        fputs("Try 'kftriage --help'.\n", stderr);
        return EXIT_USAGE;
    }
    for (i = 0; i < (size_t)o->n_args; i++) {
        long added = 0;

        if (o->jobs > 0 && is_dir(o->args[i])) {
            added = add_dir(&f, o->args[i]);
        }
        if (added < 0 || (added == 0 && !add_job(&f, o->args[i]))) {
            log_error("out of memory");
            fleet_fini(&f);
            return EXIT_INTERNAL;
        }
    }
    for (i = 0; i < f.n_jobs; i++) {
        run_default_db(f.jobs[i].bundle, f.jobs[i].db, sizeof(f.jobs[i].db));
        report_path(o, &f.jobs[i]);
        for (k = 0; k < i; k++) {
            if (strcmp(f.jobs[k].db, f.jobs[i].db) == 0) {
                log_error("%s and %s would share the index %s; rename one",
                          f.jobs[k].bundle, f.jobs[i].bundle, f.jobs[i].db);
                fputs("Try 'kftriage --help'.\n", stderr);
                fleet_fini(&f);
                return EXIT_USAGE;
            }
        }
    }
    f.out = stdout;
    if (report && o->output != NULL &&
        (f.out = fopen(o->output, "w")) == NULL) {
        log_error("%s: %s", o->output, strerror(errno));
        fleet_fini(&f);
        return EXIT_USAGE;
    }
    f.json = o->format != NULL && strcmp(o->format, "json") == 0;
    if (jobs > FLEET_MAX_JOBS) {
        jobs = FLEET_MAX_JOBS;
    }

    /* Keep up to jobs workers busy until every bundle is done. */
    while (next < f.n_jobs || running > 0) {
        if (next < f.n_jobs && running < (size_t)jobs) {
            log_info("%s: analyzing", f.jobs[next].bundle);
            if (!start(o, report, &f.jobs[next])) {
                log_error("%s: cannot start a worker: %s", f.jobs[next].bundle,
                          strerror(errno));
                f.jobs[next].rc = EXIT_INTERNAL;
            } else {
                running++;
            }
            next++;
            continue;
        }
        if (!reap(&f)) {
            break;
        }
        running--;
    }
    for (i = 0; i < f.n_jobs; i++) {
        if (f.jobs[i].rc > rc) {
            rc = f.jobs[i].rc;
        }
    }
    if (report) {
        summarize(&f, jobs, report);
    }
    if (f.out != stdout && fclose(f.out) != 0) {
        log_error("%s: cannot write the summary", o->output);
        rc = EXIT_INTERNAL;
    }
    fleet_fini(&f);
    return rc;
}
