/* SPDX-License-Identifier: MIT */
/* Unit tests of pattern loading (pattern.c) and compiling and self-testing
 * (match.c): schema errors name the file and pattern, a bad regex names
 * its offset, the same id overrides, and examples are really checked.
 * Pattern files are written to a fresh temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "match.h"
#include "pattern.h"

/* A valid pattern with the given id, regex and examples. */
#define PATTERN(id, re, yes, no)                                              \
    "{\"id\": \"" id "\", \"category\": \"oom\", \"severity\": \"error\","    \
    " \"strength\": \"strong\", \"sources\": [\"container\"],"                \
    " \"regex\": \"" re "\", \"title\": \"t {name}\", \"root_cause\": \"r\"," \
    " \"fix\": \"f\", \"next_steps\": [\"kubectl get pod {name}\"],"          \
    " \"examples\": {\"match\": [\"" yes "\"], \"no_match\": [\"" no "\"]}}"

struct tmpdir {
    char path[64];
};

static void
write_file(const char *dir, const char *name, const char *text)
{
    char path[256];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int
setup(void **state)
{
    struct tmpdir *t = malloc(sizeof(*t));

    snprintf(t->path, sizeof(t->path), "/tmp/kt-pattern-XXXXXX");
    if (mkdtemp(t->path) == NULL) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int
teardown(void **state)
{
    struct tmpdir *t = *state;
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf %s", t->path);
    if (system(cmd) != 0) {
        return -1;
    }
    free(t);
    return 0;
}

static enum kt_status
load_one(const char *dir, const char *text, struct pattern_set *set,
         struct kt_err *err)
{
    write_file(dir, "p.json", text);
    pattern_set_init(set);
    return pattern_load_dir(set, dir, err);
}

static void
valid_file_loads_every_field(void **state)
{
    struct tmpdir *t = *state;
    struct pattern_set set;
    struct kt_err err;

    assert_int_equal(load_one(t->path,
                              "{\"schema\": 1, \"patterns\": [" PATTERN(
                                      "oom.a", "OOMKilled", "OOMKilled",
                                      "Completed") "]}",
                              &set, &err),
                     KT_OK);
    assert_int_equal(set.n, 1);
    assert_string_equal(set.p[0].id, "oom.a");
    assert_true(set.p[0].strong);
    assert_int_equal(set.p[0].sources, PSRC_CONTAINER);
    assert_int_equal(set.p[0].n_next_steps, 1);
    pattern_set_fini(&set);
}

static void
pattern_without_examples_is_rejected(void **state)
{
    struct tmpdir *t = *state;
    struct pattern_set set;
    struct kt_err err;

    assert_int_equal(
            load_one(t->path,
                     "{\"schema\": 1, \"patterns\": [{\"id\": \"x.y\","
                     " \"category\": \"oom\", \"severity\": \"error\","
                     " \"strength\": \"strong\", \"sources\": [\"log\"],"
                     " \"regex\": \"a\", \"title\": \"t\","
                     " \"root_cause\": \"r\", \"fix\": \"f\","
                     " \"next_steps\": [\"k\"]}]}",
                     &set, &err),
            KT_EPATTERN);
    assert_non_null(strstr(err.msg, "p.json: pattern x.y: 'examples'"));
    pattern_set_fini(&set);
}

static void
unknown_category_is_named(void **state)
{
    struct tmpdir *t = *state;
    struct pattern_set set;
    struct kt_err err;
    char text[1024];

    snprintf(text, sizeof(text), "{\"schema\": 1, \"patterns\": [%s]}",
             PATTERN("x.z", "a", "a", "b"));
    memcpy(strstr(text, "\"oom\""), "\"xyz\"", 5);
    assert_int_equal(load_one(t->path, text, &set, &err), KT_EPATTERN);
    assert_non_null(strstr(err.msg, "unknown category 'xyz'"));
    pattern_set_fini(&set);
}

static void
bad_regex_reports_file_id_and_offset(void **state)
{
    struct tmpdir *t = *state;
    struct pattern_set set;
    struct matcher *m = NULL;
    struct kt_err err;

    assert_int_equal(load_one(t->path,
                              "{\"schema\": 1, \"patterns\": [" PATTERN(
                                      "x.bad", "ab(c", "abc", "x") "]}",
                              &set, &err),
                     KT_OK);
    assert_int_equal(match_new(&set, &m, &err), KT_EPATTERN);
    assert_null(m);
    assert_non_null(strstr(err.msg, "pattern x.bad: regex at offset 4"));
    pattern_set_fini(&set);
}

static void
same_id_in_later_directory_overrides(void **state)
{
    struct tmpdir *t = *state;
    struct pattern_set set;
    struct kt_err err;
    char other[128];

    assert_int_equal(load_one(t->path,
                              "{\"schema\": 1, \"patterns\": [" PATTERN(
                                      "oom.a", "first", "first", "x") "]}",
                              &set, &err),
                     KT_OK);
    snprintf(other, sizeof(other), "%s/user", t->path);
    assert_int_equal(mkdir(other, 0700), 0);
    write_file(other, "u.json",
               "{\"schema\": 1, \"patterns\": [" PATTERN("oom.a", "second",
                                                         "second", "x") "]}");
    assert_int_equal(pattern_load_dir(&set, other, &err), KT_OK);
    assert_int_equal(set.n, 1);
    assert_string_equal(set.p[0].regex, "second");
    pattern_set_fini(&set);
}

static void
selftest_counts_failing_examples(void **state)
{
    struct tmpdir *t = *state;
    struct pattern_set set;
    struct matcher *m = NULL;
    struct kt_err err;
    size_t n_run;
    size_t n_failed;
    FILE *devnull = fopen("/dev/null", "w");

    /* The must-match example does not match, the no-match one does. */
    assert_int_equal(
            load_one(t->path,
                     "{\"schema\": 1, \"patterns\": [" PATTERN(
                             "oom.b", "^OOM", "no OOM here", "OOMKilled") "]}",
                     &set, &err),
            KT_OK);
    assert_int_equal(match_new(&set, &m, &err), KT_OK);
    assert_int_equal(match_selftest(m, devnull, &n_run, &n_failed, &err),
                     KT_OK);
    assert_int_equal(n_run, 2);
    assert_int_equal(n_failed, 2);
    fclose(devnull);
    match_free(m);
    pattern_set_fini(&set);
}

static void
catastrophic_regex_hits_the_limit_not_a_hang(void **state)
{
    struct tmpdir *t = *state;
    struct pattern_set set;
    struct matcher *m = NULL;
    struct kt_err err;
    size_t n_run;
    size_t n_failed;
    FILE *out = tmpfile();
    char said[512] = "";

    /* (a+)+$ against a long run of a's ending in b backtracks without
     * end; the match limit turns it into a failed example. */
    assert_int_equal(
            load_one(t->path,
                     "{\"schema\": 1, \"patterns\": [" PATTERN(
                             "x.slow", "^(a+)+$",
                             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
                             "b") "]}",
                     &set, &err),
            KT_OK);
    assert_int_equal(match_new(&set, &m, &err), KT_OK);
    match_selftest(m, out, &n_run, &n_failed, &err);
    assert_int_equal(n_failed, 1);
    rewind(out);
    assert_non_null(fgets(said, sizeof(said), out));
    assert_non_null(strstr(said, "x.slow"));
    assert_non_null(strstr(said, "hit the PCRE2 match limit"));
    fclose(out);
    match_free(m);
    pattern_set_fini(&set);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(valid_file_loads_every_field, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pattern_without_examples_is_rejected,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_category_is_named, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(bad_regex_reports_file_id_and_offset,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(same_id_in_later_directory_overrides,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(selftest_counts_failing_examples, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
                catastrophic_regex_hits_the_limit_not_a_hang, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
