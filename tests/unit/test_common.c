/* SPDX-License-Identifier: MIT */
/* Unit tests of the common building blocks: the bounded buffer, safe
 * text, size parsing, SHA-256 against FIPS 180-4 vectors, and what a log
 * file's path says about its pod. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "kt.h"
#include "pipeline.h"
#include "sha256.h"

static void
buffer_append_past_max_fails_and_keeps_content(void **state)
{
    struct kt_buf b;

    (void)state;
    kt_buf_init(&b, 8);
    assert_int_equal(kt_buf_append(&b, "abcdef", 6), KT_OK);
    assert_int_equal(kt_buf_append(&b, "ghi", 3), KT_ELIMIT);
    assert_int_equal(b.len, 6);
    assert_string_equal(b.data, "abcdef");
    kt_buf_fini(&b);
}

static void
buffer_take_hands_out_and_resets(void **state)
{
    struct kt_buf b;
    char *p;

    (void)state;
    kt_buf_init(&b, 64);
    kt_buf_printf(&b, "%d-%s", 42, "x");
    p = kt_buf_take(&b);
    assert_string_equal(p, "42-x");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(p);
    kt_buf_fini(&b);
}

static void
safe_text_escapes_terminal_controls(void **state)
{
    char *s;

    (void)state;
    s = kt_safe_text("a\033[31mred\r\n", 100);
    assert_string_equal(s, "a\\x1b[31mred\\x0d\\x0a");
    free(s);
    s = kt_safe_text("abcdef", 3);
    assert_string_equal(s, "abc...");
    free(s);
}

static void
size_parser_accepts_units_and_rejects_garbage(void **state)
{
    unsigned long long v;

    (void)state;
    assert_int_equal(kt_parse_size("4G", ~0ULL, &v), KT_OK);
    assert_true(v == 4ULL << 30);
    assert_int_equal(kt_parse_size("12k", ~0ULL, &v), KT_OK);
    assert_true(v == 12288);
    assert_int_equal(kt_parse_size("-1", ~0ULL, &v), KT_EUSAGE);
    assert_int_equal(kt_parse_size("12x", ~0ULL, &v), KT_EUSAGE);
    assert_int_equal(kt_parse_size("99999999999999999999", ~0ULL, &v),
                     KT_EUSAGE);
    assert_int_equal(kt_parse_size("5", 4, &v), KT_EUSAGE);
}

static void
sha256_matches_standard_vectors(void **state)
{
    struct sha256 s;
    char hex[65];
    static const char two_blocks[] =
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

    (void)state;
    sha256_init(&s);
    sha256_update(&s, "abc", 3);
    sha256_hex(&s, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
                             "b00361a396177a9cb410ff61f20015ad");
    sha256_init(&s);
    sha256_hex(&s, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
                             "27ae41e4649b934ca495991b7852b855");
    sha256_init(&s);
    sha256_update(&s, two_blocks, strlen(two_blocks));
    sha256_hex(&s, hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039"
                             "a33ce45964ff2167f6ecedd419db06c1");
}

static void
only_valid_rfc3339_times_are_accepted(void **state)
{
    (void)state;
    assert_true(kt_valid_time("2024-01-15T10:23:45Z"));
    assert_true(kt_valid_time("2024-02-29T23:59:59.123456+02:00"));
    assert_false(kt_valid_time("not-a-time"));
    assert_false(kt_valid_time("9999-99-99T99:99:99Z"));
    assert_false(kt_valid_time("2024-04-31T10:00:00Z"));
    assert_false(kt_valid_time("2024-01-15T10:23:45"));
    assert_false(kt_valid_time("2024-01-15T10:23:45Zjunk"));
    assert_false(kt_valid_time(NULL));
}

static void
invalid_utf8_is_replaced_for_json(void **state)
{
    char *s;

    (void)state;
    s = kt_utf8_clean("pod-\xff\xfe-\xc3\xa9");
    assert_string_equal(s, "pod-\xef\xbf\xbd\xef\xbf\xbd-\xc3\xa9");
    free(s);
    s = kt_utf8_clean("\xed\xa0\x80 surrogate, \xc0\xaf overlong");
    assert_null(strstr(s, "\xed\xa0"));
    assert_null(strstr(s, "\xc0"));
    free(s);
}

static void
kubectl_ages_become_seconds(void **state)
{
    long long s;

    (void)state;
    assert_true(kt_parse_age("2s", 2, &s));
    assert_true(s == 2);
    assert_true(kt_parse_age("3m5s", 4, &s));
    assert_true(s == 185);
    assert_true(kt_parse_age("2d3h", 4, &s));
    assert_true(s == 2 * 86400 + 3 * 3600);
    assert_true(kt_parse_age("3y15d", 5, &s));
    assert_true(s == 3LL * 365 * 86400 + 15 * 86400);
    assert_false(kt_parse_age("<unknown>", 9, &s));
    assert_false(kt_parse_age("5x", 2, &s));
    assert_false(kt_parse_age("15", 2, &s));
    assert_false(kt_parse_age("1h2m3s", 6, &s));
}

static void
troubleshoot_log_path_gives_pod_and_previous(void **state)
{
    struct pipeline_pathinfo pi;

    (void)state;
    pipeline_pathinfo("support-bundle/cluster-resources/pods/logs/kubeflow/"
                      "ml-pipeline-7d9/ml-pipeline-api-server-previous.log",
                      &pi);
    assert_string_equal(pi.namespace, "kubeflow");
    assert_string_equal(pi.pod, "ml-pipeline-7d9");
    assert_string_equal(pi.container, "ml-pipeline-api-server");
    assert_true(pi.previous);
}

static void
must_gather_and_cluster_dump_paths_give_pod(void **state)
{
    struct pipeline_pathinfo pi;

    (void)state;
    pipeline_pathinfo("mg/namespaces/kubeflow/pods/mysql-0/mysql/mysql/logs/"
                      "current.log",
                      &pi);
    assert_string_equal(pi.namespace, "kubeflow");
    assert_string_equal(pi.pod, "mysql-0");
    assert_string_equal(pi.container, "mysql");
    assert_false(pi.previous);
    pipeline_pathinfo("dump/kubeflow/dex-5d8/logs.txt", &pi);
    assert_string_equal(pi.namespace, "kubeflow");
    assert_string_equal(pi.pod, "dex-5d8");
    assert_string_equal(pi.container, "");
}

static void
unrelated_path_gives_nothing(void **state)
{
    struct pipeline_pathinfo pi;

    (void)state;
    pipeline_pathinfo("describe-pods.txt", &pi);
    assert_string_equal(pi.namespace, "");
    assert_string_equal(pi.pod, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buffer_append_past_max_fails_and_keeps_content),
        cmocka_unit_test(buffer_take_hands_out_and_resets),
        cmocka_unit_test(safe_text_escapes_terminal_controls),
        cmocka_unit_test(size_parser_accepts_units_and_rejects_garbage),
        cmocka_unit_test(sha256_matches_standard_vectors),
        cmocka_unit_test(only_valid_rfc3339_times_are_accepted),
        cmocka_unit_test(invalid_utf8_is_replaced_for_json),
        cmocka_unit_test(kubectl_ages_become_seconds),
        cmocka_unit_test(troubleshoot_log_path_gives_pod_and_previous),
        cmocka_unit_test(must_gather_and_cluster_dump_paths_give_pod),
        cmocka_unit_test(unrelated_path_gives_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
