/* SPDX-License-Identifier: MIT */
/* Unit tests of release numbers (semver.c): the tags images and nodes
 * carry, garbage tags, order, ranges of the version-drift table, and
 * image references split into repository and tag. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "semver.h"

static void
expect_version(const char *s, long major, long minor, long patch, int n)
{
    struct semver v;

    assert_true(semver_parse_str(s, &v));
    assert_int_equal(v.major, major);
    assert_int_equal(v.minor, minor);
    assert_int_equal(v.patch, patch);
    assert_int_equal(v.n_parts, n);
}

static void
tags_of_images_and_nodes_are_read(void **state)
{
    (void)state;
    expect_version("v3.4.16", 3, 4, 16, 3);
    expect_version("1.8.5", 1, 8, 5, 3);
    expect_version("2.0.0-alpha.7", 2, 0, 0, 3);
    expect_version("1.27.3+k3s1", 1, 27, 3, 3);
    expect_version("v1.28.3-eks-4f4795d", 1, 28, 3, 3);
    expect_version("v3.3.10-license-compliance", 3, 3, 10, 3);
    expect_version("1.25", 1, 25, 0, 2);
    expect_version("v3", 3, 0, 0, 1);
    expect_version("V0.11.2", 0, 11, 2, 3);
}

static void
garbage_tags_are_not_versions(void **state)
{
    static const char *const bad[] = {
        "latest",        "",           "v",           "3.",
        "3.x",           "v3.4.16abc", "1.2.3.4",     "sha256",
        "master-abc123", "-1.2",       "123456789.1", ".1.2",
    };
    struct semver v;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(semver_parse_str(bad[i], &v));
        assert_int_equal(v.major, 0);
    }
    assert_false(semver_parse_str(NULL, &v));
    /* Only len bytes count: "1.2" of "1.2x". */
    assert_true(semver_parse("1.2x", 3, &v));
    assert_int_equal(v.minor, 2);
}

static void
versions_order_by_their_numbers_only(void **state)
{
    struct semver a;
    struct semver b;

    (void)state;
    assert_true(semver_parse_str("v3.4.16", &a));
    assert_true(semver_parse_str("3.4.9", &b));
    assert_true(semver_cmp(&a, &b) > 0);
    assert_true(semver_cmp(&b, &a) < 0);
    assert_true(semver_parse_str("1.10", &a));
    assert_true(semver_parse_str("1.9.9", &b));
    assert_true(semver_cmp(&a, &b) > 0);
    assert_true(semver_parse_str("2.0.0-alpha.7", &a));
    assert_true(semver_parse_str("2.0.0", &b));
    assert_int_equal(semver_cmp(&a, &b), 0);
}

static void
ranges_include_from_and_exclude_below(void **state)
{
    struct semver v;

    (void)state;
    assert_true(semver_parse_str("v3.4.16", &v));
    assert_int_equal(semver_in_range(&v, "3.4", "3.5"), 1);
    assert_int_equal(semver_in_range(&v, "3.3", "3.4"), 0);
    assert_int_equal(semver_in_range(&v, "3.4.17", NULL), 0);
    assert_int_equal(semver_in_range(&v, NULL, NULL), 1);
    assert_int_equal(semver_in_range(&v, "", "4"), 1);
    assert_true(semver_parse_str("3.5.0", &v));
    assert_int_equal(semver_in_range(&v, "3.4", "3.5"), 0);
    assert_true(semver_parse_str("1.27.3+k3s1", &v));
    assert_int_equal(semver_in_range(&v, "1.25", NULL), 1);
    assert_int_equal(semver_in_range(&v, "x", NULL), -1);
    assert_int_equal(semver_in_range(&v, NULL, "1.x"), -1);
}

static void
image_references_split_into_repository_and_tag(void **state)
{
    static const char img[] = "gcr.io/ml-pipeline/api-server:2.0.5";
    static const char port[] = "localhost:5000/argoproj/argoexec:v3.4.16";
    static const char digest[] =
            "gcr.io/knative-releases/knative.dev/serving/cmd/controller"
            "@sha256:0123abcd";
    static const char both[] = "quay.io/x/y:v1.2.3@sha256:0123";
    static const char bare[] = "busybox";
    const char *tag;
    size_t repo_len;
    size_t tag_len;

    (void)state;
    semver_image_split(img, strlen(img), &repo_len, &tag, &tag_len);
    assert_int_equal(repo_len, strlen("gcr.io/ml-pipeline/api-server"));
    assert_int_equal(tag_len, 5);
    assert_memory_equal(tag, "2.0.5", 5);
    assert_true(semver_repo_is(img, repo_len, "ml-pipeline/api-server"));
    assert_true(semver_repo_is(img, repo_len, "api-server"));
    assert_false(semver_repo_is(img, repo_len, "pi-server"));
    assert_false(semver_repo_is(img, repo_len, "frontend"));
    semver_image_split(port, strlen(port), &repo_len, &tag, &tag_len);
    assert_int_equal(repo_len, strlen("localhost:5000/argoproj/argoexec"));
    assert_memory_equal(tag, "v3.4.16", 7);
    semver_image_split(digest, strlen(digest), &repo_len, &tag, &tag_len);
    assert_null(tag);
    assert_int_equal(tag_len, 0);
    assert_true(semver_repo_is(digest, repo_len, "serving/cmd/controller"));
    semver_image_split(both, strlen(both), &repo_len, &tag, &tag_len);
    assert_int_equal(tag_len, 6);
    assert_memory_equal(tag, "v1.2.3", 6);
    semver_image_split(bare, strlen(bare), &repo_len, &tag, &tag_len);
    assert_int_equal(repo_len, 7);
    assert_null(tag);
    assert_true(semver_repo_is(bare, repo_len, "busybox"));
}

static void
versions_print_with_three_parts(void **state)
{
    struct semver v;
    char buf[32];

    (void)state;
    assert_true(semver_parse_str("v1.25", &v));
    semver_format(&v, buf, sizeof(buf));
    assert_string_equal(buf, "1.25.0");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tags_of_images_and_nodes_are_read),
        cmocka_unit_test(garbage_tags_are_not_versions),
        cmocka_unit_test(versions_order_by_their_numbers_only),
        cmocka_unit_test(ranges_include_from_and_exclude_below),
        cmocka_unit_test(image_references_split_into_repository_and_tag),
        cmocka_unit_test(versions_print_with_three_parts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
