/* SPDX-License-Identifier: MIT */
/* What the report formats share inside the report module: the one walk
 * over the tree of findings (a root, its symptoms, their symptoms...),
 * the JSON pieces the Markdown and HTML formats render, and the escapers.
 * Only report*.c include this header. */
#ifndef KT_REPORT_INT_H
#define KT_REPORT_INT_H

#include "kt.h"
#include "report.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cJSON.h>

/* Symptoms nest at most this deep below a root; a parent_id cycle in a
 * damaged index stops here instead of recursing forever. */
#define REPORT_MAX_DEPTH 16

/* One piece of evidence; the walk owns the strings. */
struct report_evidence {
    char *file;
    int line;
    char *source;
    char *text;
};

/* One finding as the walk hands it to a format. Every string is
 * borrowed for the duration of the enter and leave calls and is never
 * NULL; first_seen and last_seen are "" when unknown. */
struct report_finding {
    long long id;
    int depth; /* 0 for a root */
    int rank;
    const char *rule, *category, *severity;
    double confidence;
    const char *title, *namespace, *kind, *name;
    const char *root_cause, *fix;
    const char *next_steps; /* one per line */
    const char *refs;       /* one per line */
    const char *first_seen, *last_seen;
    const char *because; /* why it is a symptom of its parent, "" */
    bool stale;          /* history: see correlate.h */
    int n_evidence_total;
    const struct report_evidence *evidence;
    size_t n_evidence;
    int n_symptoms; /* direct symptoms, each walked after enter */
};

/* A format's callbacks: enter before a finding's symptoms are walked,
 * leave after. */
struct report_visitor {
    void *ctx;
    void (*enter)(void *ctx, const struct report_finding *f);
    void (*leave)(void *ctx, const struct report_finding *f);
};

/* Walk the root findings (only those in namespace, when not NULL) by
 * rank, each followed depth first by its symptoms by rank. Returns the
 * number of roots walked. */
int report_walk(struct sqlite3 *db, const char *namespace,
                const struct report_visitor *v);

/* "5 of 9" when the index keeps fewer evidence lines than the finding
 * has, else "9", into buf. */
const char *report_evidence_count(const struct report_finding *f, char *buf,
                                  size_t len);

/* The "bundle", "coverage" and "unexplained" members of the JSON report,
 * which the Markdown and HTML formats render too. Caller frees with
 * cJSON_Delete(); NULL when out of memory. */
cJSON *report_bundle_json(struct sqlite3 *db);
cJSON *report_coverage_json(struct sqlite3 *db);
cJSON *report_unexplained_json(struct sqlite3 *db, const char *namespace);

/* The string member key of obj, "" when absent; and a number member, 0
 * when absent. */
const char *report_jstr(const cJSON *obj, const char *key);
double report_jnum(const cJSON *obj, const char *key);

/* Write s (bundle text) with terminal controls shown as \xNN and the
 * characters Markdown or HTML would interpret escaped, cut after max
 * bytes. */
void report_put_md(FILE *out, const char *s, size_t max);
void report_put_html(FILE *out, const char *s, size_t max);

/* The Markdown and HTML formats. */
enum kt_status report_write_markdown(struct sqlite3 *db, FILE *out,
                                     const struct report_opts *opts,
                                     struct kt_err *err);
enum kt_status report_write_html(struct sqlite3 *db, FILE *out,
                                 const struct report_opts *opts,
                                 struct kt_err *err);

#endif
