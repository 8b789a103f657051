/* SPDX-License-Identifier: MIT */
/* The pattern library: loading and validating the pattern files
 * (patterns/NAME.json, schema in patterns/README.md). A later directory's
 * pattern replaces an earlier one with the same id, so a user's --patterns DIR
 * can override a built-in. Compiling and running the regexes is match.c's job.
 */
#ifndef KT_PATTERN_H
#define KT_PATTERN_H

#include "kt.h"

#include <stdbool.h>
#include <stddef.h>

enum pattern_source {
    PSRC_EVENT = 1,
    PSRC_CONDITION = 2,
    PSRC_STATUS = 4,
    PSRC_CONTAINER = 8,
    PSRC_LOG = 16
};

struct pattern {
    char *id;
    char *file; /* the file it came from, for messages */
    char *category;
    char *severity;
    bool strong;
    int priority; /* breaks ties between patterns on one subject */
    unsigned sources;
    char *regex;
    char *reason_re; /* NULL when absent */
    char *file_re;   /* NULL when absent */
    char *title;
    char *root_cause;
    char *fix;
    char **next_steps;
    size_t n_next_steps;
    char **references;
    size_t n_references;
    char **ex_match;
    size_t n_ex_match;
    char **ex_no_match;
    size_t n_ex_no_match;
};

/* A detector: a rule that is not one line of text (a redirect loop over
 * many access-log records, an absent default StorageClass, a version
 * combination). Its code is in detect_*.c; its category, texts and
 * parameters are data, in the "detectors" list of a pattern file. */
struct detector_spec {
    char *id;
    char *file;
    char *detector; /* which code runs it: "redirect-loop", ... */
    char *category;
    char *severity;
    char *params; /* the "params" object as JSON text, "{}" when absent */
    char *title;
    char *root_cause;
    char *fix;
    char **next_steps;
    size_t n_next_steps;
    char **references;
    size_t n_references;
};

struct pattern_set {
    struct pattern *p;
    size_t n;
    struct detector_spec *d;
    size_t n_d;
};

void pattern_set_init(struct pattern_set *set);
void pattern_set_fini(struct pattern_set *set);

/* Load every *.json file of dir, in name order, into set. A pattern whose
 * id is already in set replaces it. Returns KT_EIO when dir cannot be
 * read, KT_EPATTERN with err naming the file and pattern id when a file
 * breaks the schema. */
enum kt_status pattern_load_dir(struct pattern_set *set, const char *dir,
                                struct kt_err *err);

/* Load one pattern file (see pattern_load_dir). */
enum kt_status pattern_load_file(struct pattern_set *set, const char *path,
                                 struct kt_err *err);

/* Is name a detector that this build has code for? Set by detect.c. */
bool detect_known(const char *name);

/* Is s one of the sixteen report categories? */
bool pattern_category_ok(const char *s);

/* 4 for critical, 3 error, 2 warning, 1 info, 0 for anything else. */
int pattern_severity_rank(const char *s);

/* The name of a source bit ("event", ...), static string. */
const char *pattern_source_name(enum pattern_source s);

/* The cJSON library version. Static string. */
const char *pattern_cjson_version(void);

#endif
