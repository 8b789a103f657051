/* SPDX-License-Identifier: MIT */
/* Unit tests of the literal prefilter: which literals it takes from a
 * regex (and where it refuses to take any), and that it never rules out a
 * pattern whose regex matches, over every example of the library, every
 * line and small file under fixtures/ and every text of the public corpus
 * (tag:prefilter-equivalence; tests/run-prefilter.sh compares whole
 * matches tables with and without it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cJSON.h>

#include "match.h"
#include "pattern.h"
#include "prefilter.h"

/* The literals of regex, joined by '|' ("" for none), into out. */
static void
literals_of(const char *regex, char *out, size_t cap)
{
    char buf[4096];
    const char *lits[PREFILTER_MAX_ALTS];
    size_t n = 0;
    size_t i;

    assert_true(prefilter_literals(regex, buf, sizeof(buf), lits, &n));
    out[0] = '\0';
    for (i = 0; i < n; i++) {
        if (i > 0) {
            strncat(out, "|", cap - strlen(out) - 1);
        }
        strncat(out, lits[i], cap - strlen(out) - 1);
    }
}

static void
expect_literals(const char *regex, const char *want)
{
    char got[1024];

    literals_of(regex, got, sizeof(got));
    if (strcmp(got, want) != 0) {
        fail_msg("%s: literals '%s', expected '%s'", regex, got, want);
    }
}

static void
longest_required_run_is_taken(void **state)
{
    (void)state;
    expect_literals("Insufficient nvidia\\.com/gpu",
                    "Insufficient nvidia.com/gpu");
    expect_literals("(?<n>\\d+) node\\(s\\) had taints", " node(s) had taints");
    expect_literals("[abc]def", "def");
    expect_literals("\\.well-known", ".well-known");
    expect_literals("x{abc}", "x{abc}");
    expect_literals("a\\nbcd", "a\nbcd");
}

static void
optional_and_repeated_parts_end_a_run(void **state)
{
    (void)state;
    expect_literals("abc(?:def)?ghij", "ghij");
    expect_literals("colou?r", "colo");
    expect_literals("ab+cdef", "cdef");
    expect_literals("abc{0,3}def", "def");
    expect_literals("a{2}bcd", "bcd");
    expect_literals("abcd*", "abc");
    expect_literals("caf\xc3\xa9?s", "caf");
    expect_literals("(?:abc|def)*xy", "");
    expect_literals("(?:abcd|defg)+", "abcd|defg");
}

static void
alternation_needs_a_literal_in_every_branch(void **state)
{
    (void)state;
    expect_literals("abcdef|xyz", "abcdef|xyz");
    expect_literals("abcdef|x", "");
    expect_literals("(?:abcdef|\\d+)", "");
    expect_literals("(?:alpha|gamma) xy", "alpha|gamma");
    expect_literals("pre (?:alpha|gamma) post", " post");
    expect_literals("(?|aaa(?<n>b)|ccc(?<n>d))", "aaa|ccc");
}

static void
caseless_lookaround_and_unknown_syntax_give_none(void **state)
{
    (void)state;
    expect_literals("(?i)error", "");
    expect_literals("(?i:foo)barbaz", "barbaz");
    expect_literals("(?-i)error", "");
    expect_literals("(?x) a b c d", "");
    expect_literals("(?!abcdef)xy", "");
    expect_literals("(?=abcdef)xyz", "xyz");
    expect_literals("(?<!abcdef)xyz", "xyz");
    expect_literals("\\Qabc\\E", "");
    expect_literals("(*UTF)abcdef", "");
    expect_literals("(?R)abc", "");
    expect_literals("(?m)^exitCode: 137", "exitCode: 137");
    expect_literals("abc\\x{41}def", "abc");
    expect_literals("(?#note)abcd", "abcd");
}

static void
scan_marks_only_regexes_whose_literal_occurs(void **state)
{
    struct prefilter *pf = prefilter_new(3);
    static const char text[] = "pod was OOMKilled (exit code 137)";

    (void)state;
    assert_non_null(pf);
    assert_true(prefilter_add(pf, 0, "OOMKilled"));
    assert_true(prefilter_add(pf, 1, "Insufficient nvidia"));
    assert_true(prefilter_add(pf, 2, "\\d+"));
    assert_true(prefilter_build(pf));
    assert_int_equal(prefilter_n_filtered(pf), 2);
    prefilter_scan(pf, text, sizeof(text) - 1);
    assert_true(prefilter_candidate(pf, 0));
    assert_false(prefilter_candidate(pf, 1));
    assert_true(prefilter_candidate(pf, 2)); /* no literal: always */
    prefilter_scan(pf, "OOMKille", 8);       /* one byte short */
    assert_false(prefilter_candidate(pf, 0));
    prefilter_free(pf);
}

struct library {
    struct pattern_set set;
    struct matcher *m;
    size_t n_texts;
    size_t n_dropped;
};

static void
check_text(struct library *lib, const char *what, const char *text, size_t len)
{
    long i = match_prefilter_drops(lib->m, text, len);

    lib->n_texts++;
    if (i >= 0) {
        print_error("%s: the prefilter drops a match of %s\n", what,
                    lib->set.p[i].id);
        lib->n_dropped++;
    }
}

/* Each line of the file, and the whole file when it is small (records
 * span lines). */
static void
check_file(struct library *lib, const char *path)
{
    static char buf[64 << 10];
    FILE *fp = fopen(path, "rb");
    size_t n;
    char *line;
    char *save = NULL;

    if (fp == NULL) {
        return;
    }
    n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    check_text(lib, path, buf, n);
    for (line = strtok_r(buf, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        check_text(lib, path, line, strlen(line));
    }
}

static void
check_tree(struct library *lib, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    struct stat sb;

    if (d == NULL) {
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (stat(path, &sb) != 0) {
            continue;
        }
        if (S_ISDIR(sb.st_mode)) {
            check_tree(lib, path);
        } else if (S_ISREG(sb.st_mode)) {
            check_file(lib, path);
        }
    }
    closedir(d);
}

/* Every string of the corpus cases (evidence lines among them). */
static void
check_json_strings(struct library *lib, const cJSON *j)
{
    const cJSON *c;

    if (cJSON_IsString(j)) {
        check_text(lib, "corpus", j->valuestring, strlen(j->valuestring));
    }
    cJSON_ArrayForEach(c, j)
    {
        check_json_strings(lib, c);
    }
}

static void
prefilter_never_drops_a_true_match(void **state)
{
    static char line[1 << 16];
    struct library lib;
    struct kt_err err;
    size_t i;
    size_t j;
    FILE *fp;

    (void)state;
    memset(&lib, 0, sizeof(lib));
    pattern_set_init(&lib.set);
    assert_int_equal(pattern_load_dir(&lib.set, "patterns", &err), KT_OK);
    assert_int_equal(match_new(&lib.set, &lib.m, &err), KT_OK);
    for (i = 0; i < lib.set.n; i++) {
        const struct pattern *p = &lib.set.p[i];

        for (j = 0; j < p->n_ex_match; j++) {
            check_text(&lib, p->id, p->ex_match[j], strlen(p->ex_match[j]));
        }
        for (j = 0; j < p->n_ex_no_match; j++) {
            check_text(&lib, p->id, p->ex_no_match[j],
                       strlen(p->ex_no_match[j]));
        }
    }
    check_tree(&lib, "fixtures");
    fp = fopen("../shared/corpus/cases.jsonl", "r");
    while (fp != NULL && fgets(line, sizeof(line), fp) != NULL) {
        cJSON *c = cJSON_Parse(line);

        check_json_strings(&lib, c);
        cJSON_Delete(c);
    }
    if (fp != NULL) {
        fclose(fp);
    }
    assert_true(lib.n_texts > 1000);
    assert_int_equal(lib.n_dropped, 0);
    match_free(lib.m);
    pattern_set_fini(&lib.set);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(longest_required_run_is_taken),
        cmocka_unit_test(optional_and_repeated_parts_end_a_run),
        cmocka_unit_test(alternation_needs_a_literal_in_every_branch),
        cmocka_unit_test(caseless_lookaround_and_unknown_syntax_give_none),
        cmocka_unit_test(scan_marks_only_regexes_whose_literal_occurs),
        cmocka_unit_test(prefilter_never_drops_a_true_match),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
