/* SPDX-License-Identifier: MIT */
/* The pattern library against the public failure corpus: for every case
 * of ../shared/corpus/cases.jsonl (or $KT_CORPUS), some evidence line must
 * be matched by a pattern of the case's category. The few cases that
 * cannot be are listed with the reason in tests/corpus-exceptions.tsv, and
 * must still fail, so fixing one shows up here. Run from the repository
 * root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "match.h"
#include "pattern.h"

#define MAX_EXCEPTIONS 64

struct exceptions {
    char id[MAX_EXCEPTIONS][32];
    size_t n;
};

static void
read_exceptions(struct exceptions *ex)
{
    FILE *fp = fopen("tests/corpus-exceptions.tsv", "r");
    char line[1024];

    ex->n = 0;
    if (fp == NULL) {
        return;
    }
    while (fgets(line, sizeof(line), fp) != NULL && ex->n < MAX_EXCEPTIONS) {
        char *tab = strchr(line, '\t');

        if (line[0] == '#' || tab == NULL) {
            continue;
        }
        *tab = '\0';
        snprintf(ex->id[ex->n++], sizeof(ex->id[0]), "%.31s", line);
    }
    fclose(fp);
}

static bool
is_exception(const struct exceptions *ex, const char *id)
{
    size_t i;

    for (i = 0; i < ex->n; i++) {
        if (strcmp(ex->id[i], id) == 0) {
            return true;
        }
    }
    return false;
}

/* Does any evidence line of the case match a pattern of its category? */
static bool
case_matches(struct matcher *m, const cJSON *c, const char **pattern_id,
             const struct pattern_set *set)
{
    const cJSON *cat = cJSON_GetObjectItemCaseSensitive(c, "failure_class");
    const cJSON *ev;

    cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(c, "evidence"))
    {
        long i;

        if (!cJSON_IsString(ev) || !cJSON_IsString(cat)) {
            continue;
        }
        i = match_find(m, ev->valuestring, strlen(ev->valuestring),
                       cat->valuestring);
        if (i >= 0) {
            *pattern_id = set->p[i].id;
            return true;
        }
    }
    return false;
}

static void
every_corpus_case_is_matched_by_its_category(void **state)
{
    const char *path = getenv("KT_CORPUS");
    struct pattern_set set;
    struct matcher *m = NULL;
    struct exceptions ex;
    struct kt_err err;
    char line[1 << 16];
    FILE *fp;
    size_t n_cases = 0;
    size_t n_bad = 0;

    (void)state;
    if (path == NULL) {
        path = "../shared/corpus/cases.jsonl";
    }
    fp = fopen(path, "r");
    if (fp == NULL) {
        fail_msg("%s: cannot open the corpus", path);
    }
    read_exceptions(&ex);
    pattern_set_init(&set);
    assert_int_equal(pattern_load_dir(&set, "patterns", &err), KT_OK);
    assert_int_equal(match_new(&set, &m, &err), KT_OK);
    while (fgets(line, sizeof(line), fp) != NULL) {
        cJSON *c = cJSON_Parse(line);
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "id");
        const char *pid = NULL;
        bool ok;

        if (!cJSON_IsString(id)) {
            cJSON_Delete(c);
            continue;
        }
        n_cases++;
        ok = case_matches(m, c, &pid, &set);
        if (!ok && !is_exception(&ex, id->valuestring)) {
            print_error("case %s: no pattern of its category matches\n",
                        id->valuestring);
            n_bad++;
        } else if (ok && is_exception(&ex, id->valuestring)) {
            print_error("case %s is listed as an exception but %s matches "
                        "it now: remove it from the list\n",
                        id->valuestring, pid);
            n_bad++;
        }
        cJSON_Delete(c);
    }
    fclose(fp);
    match_free(m);
    pattern_set_fini(&set);
    assert_true(n_cases >= 50);
    assert_int_equal(n_bad, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_corpus_case_is_matched_by_its_category),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
