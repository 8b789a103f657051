/* SPDX-License-Identifier: MIT */
/* Unit tests for accesslog: Istio/Envoy access-log lines in the text
 * format and its variants and in JSON, lines cut short, and lines that
 * only look like access logs. Every line is copied into a heap buffer of
 * exactly its length so that ASan reports any read past it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "accesslog.h"
#include "logline.h"

/* logline_parse over an exact-size heap copy, to check that an access
 * line still reads as an ordinary log line too. */
static void
parse(const char *text, struct logline *out)
{
    size_t len = strlen(text);
    char *buf = malloc(len > 0 ? len : 1);

    assert_non_null(buf);
    memcpy(buf, text, len);
    logline_parse(buf, len, 2024, out);
    free(buf);
}

/* accesslog_parse over an exact-size heap copy of len bytes of text. */
static bool
access_n(const char *text, size_t len, struct accesslog *a)
{
    char *buf = malloc(len > 0 ? len : 1);
    bool r;

    assert_non_null(buf);
    memcpy(buf, text, len);
    r = accesslog_parse(buf, len, a);
    free(buf);
    return r;
}

static bool
access_of(const char *text, struct accesslog *a)
{
    return access_n(text, strlen(text), a);
}

/* Field [off, off + len) of text equals want ("" for an empty field). */
static void
check_field(const char *text, size_t off, size_t len, const char *want)
{
    assert_int_equal(len, strlen(want));
    if (len == 0) {
        assert_int_equal(off, 0);
        return;
    }
    assert_true(off + len <= strlen(text));
    assert_memory_equal(text + off, want, len);
}

static const char envoy_503[] =
        "[2024-05-06T09:12:44.123Z] \"POST /v1/models/mnist:predict HTTP/1.1\" "
        "503 UF upstream_reset_before_response_started{connection_failure} - "
        "\"delayed connect error: 111\" 1024 91 3 - \"10.0.0.7\" "
        "\"python-requests/2.31.0\" \"7c1d9e2a-0b6f-4c5e-9f1a-2b3c4d5e6f70\" "
        "\"mnist.team-a.example.com\" \"10.244.3.21:8080\" "
        "outbound|80||mnist-predictor.team-a.svc.cluster.local "
        "10.244.3.9:43210 10.96.12.7:80 10.244.3.9:43200 - default";

static void
envoy_access_503_with_uf_flags(void **state)
{
    struct accesslog a;

    (void)state;
    assert_true(access_of(envoy_503, &a));
    assert_int_equal(a.status, 503);
    check_field(envoy_503, a.method_off, a.method_len, "POST");
    check_field(envoy_503, a.path_off, a.path_len, "/v1/models/mnist:predict");
    check_field(envoy_503, a.flags_off, a.flags_len, "UF");
    check_field(envoy_503, a.authority_off, a.authority_len,
                "mnist.team-a.example.com");
    check_field(envoy_503, a.upstream_off, a.upstream_len, "10.244.3.21:8080");
    check_field(envoy_503, a.client_off, a.client_len, "10.0.0.7");
    assert_int_equal(a.duration_ms, 3);
}

static void
envoy_access_302_redirect_to_dex(void **state)
{
    static const char line[] =
            "[2024-05-06T09:12:44.123Z] \"GET /dex/auth?client_id=kubeflow-"
            "oidc-authservice&redirect_uri=%2Flogin%2Foidc HTTP/1.1\" 302 - "
            "via_upstream - \"-\" 0 0 12 11 \"-\" \"Mozilla/5.0 (X11)\" "
            "\"0f1e2d3c\" \"kubeflow.example.com\" \"10.244.1.5:5556\" "
            "outbound|5556||dex.auth.svc.cluster.local 10.244.3.9:40000 "
            "10.244.3.9:8080 10.244.0.1:51234 - -";
    struct accesslog a;

    (void)state;
    assert_true(access_of(line, &a));
    assert_int_equal(a.status, 302);
    check_field(line, a.method_off, a.method_len, "GET");
    check_field(line, a.path_off, a.path_len,
                "/dex/auth?client_id=kubeflow-oidc-authservice&redirect_uri="
                "%2Flogin%2Foidc");
    check_field(line, a.flags_off, a.flags_len, "");
    check_field(line, a.authority_off, a.authority_len, "kubeflow.example.com");
    check_field(line, a.upstream_off, a.upstream_len, "10.244.1.5:5556");
    check_field(line, a.client_off, a.client_len, "10.244.0.1");
    assert_int_equal(a.duration_ms, 12);
}

static void
envoy_access_older_and_plain_variants(void **state)
{
    /* Istio before 1.9: no code details, a quoted metadata field. */
    static const char old[] =
            "[2020-11-02T08:00:01.000Z] \"GET /healthz/ready HTTP/1.1\" 200 - "
            "\"-\" \"-\" 0 2 1 1 \"-\" \"kube-probe/1.18\" \"rid-1\" "
            "\"10.244.1.5:15021\" \"127.0.0.1:15020\" inbound|15020|| "
            "127.0.0.1:40000 10.244.1.5:15021 10.244.1.1:50000 - default";
    /* Plain Envoy: nothing after UPSTREAM_HOST. */
    static const char plain[] =
            "[2024-05-06T09:12:44.123Z] \"GET /x HTTP/2\" 404 NR 0 5 7 - "
            "\"-\" \"curl/8.0\" \"rid\" \"example.com\" \"-\"";
    struct accesslog a;

    (void)state;
    assert_true(access_of(old, &a));
    assert_int_equal(a.status, 200);
    check_field(old, a.path_off, a.path_len, "/healthz/ready");
    check_field(old, a.authority_off, a.authority_len, "10.244.1.5:15021");
    check_field(old, a.upstream_off, a.upstream_len, "127.0.0.1:15020");
    check_field(old, a.client_off, a.client_len, "10.244.1.1");
    assert_int_equal(a.duration_ms, 1);

    assert_true(access_of(plain, &a));
    assert_int_equal(a.status, 404);
    check_field(plain, a.flags_off, a.flags_len, "NR");
    check_field(plain, a.authority_off, a.authority_len, "example.com");
    check_field(plain, a.upstream_off, a.upstream_len, "");
    check_field(plain, a.client_off, a.client_len, "");
    assert_int_equal(a.duration_ms, 7);
}

static void
envoy_access_tcp_line_has_empty_request(void **state)
{
    static const char line[] =
            "[2024-05-06T09:12:45.001Z] \"- - -\" 0 UF,URX - - \"-\" 0 0 10 - "
            "\"-\" \"-\" \"-\" \"-\" \"10.244.2.5:3306\" "
            "outbound|3306||mysql.kubeflow.svc.cluster.local - "
            "10.96.0.44:3306 10.244.3.9:51500 - -";
    struct accesslog a;

    (void)state;
    assert_true(access_of(line, &a));
    assert_int_equal(a.status, 0);
    check_field(line, a.method_off, a.method_len, "");
    check_field(line, a.path_off, a.path_len, "");
    check_field(line, a.flags_off, a.flags_len, "UF,URX");
    check_field(line, a.authority_off, a.authority_len, "");
    check_field(line, a.upstream_off, a.upstream_len, "10.244.2.5:3306");
    check_field(line, a.client_off, a.client_len, "10.244.3.9");
    assert_int_equal(a.duration_ms, 10);
}

static void
envoy_access_quotes_inside_values_are_tolerated(void **state)
{
    static const char line[] =
            "[2024-05-06T09:12:44.123Z] \"GET /a\"b HTTP/1.1\" 400 - "
            "via_upstream - \"-\" 0 0 1 - \"203.0.113.7, 10.0.0.1\" "
            "\"agent \"quoted\" \" 1\" \"rid\" \"host.example\" \"-\" "
            "- - 10.96.0.1:80 [fd00::7]:5000 - -";
    static const char ipv6[] =
            "[2024-05-06T09:12:44.123Z] \"GET / HTTP/1.1\" 200 - 0 0 1 - "
            "\"-\" \"-\" \"-\" \"-\" \"-\" - - 10.96.0.1:80 "
            "[fd00::7]:5000 - -";
    struct accesslog a;

    (void)state;
    assert_true(access_of(line, &a));
    assert_int_equal(a.status, 400);
    check_field(line, a.path_off, a.path_len, "/a\"b");
    check_field(line, a.authority_off, a.authority_len, "host.example");
    check_field(line, a.client_off, a.client_len, "203.0.113.7");

    /* Without X-Forwarded-For: the IPv6 peer without brackets or port. */
    assert_true(access_of(ipv6, &a));
    check_field(ipv6, a.client_off, a.client_len, "fd00::7");
}

static void
envoy_access_line_cut_in_the_middle(void **state)
{
    struct accesslog a;
    const char *ua = strstr(envoy_503, "python-req");
    const char *req = strstr(envoy_503, "/v1/models");
    size_t len;

    (void)state;
    assert_non_null(ua);
    assert_non_null(req);

    /* Cut in the user agent: what came before is kept. */
    assert_true(access_n(envoy_503, (size_t)(ua - envoy_503) + 4, &a));
    assert_int_equal(a.status, 503);
    check_field(envoy_503, a.flags_off, a.flags_len, "UF");
    check_field(envoy_503, a.client_off, a.client_len, "10.0.0.7");
    check_field(envoy_503, a.authority_off, a.authority_len, "");
    assert_int_equal(a.duration_ms, 3);

    /* Cut in the request line: not an access log line. */
    assert_false(access_n(envoy_503, (size_t)(req - envoy_503) + 3, &a));
    assert_int_equal(a.status, 0);
    assert_int_equal(a.duration_ms, -1);

    /* Every cut stays inside the bytes it was given. */
    for (len = 0; len <= strlen(envoy_503); len++) {
        if (access_n(envoy_503, len, &a)) {
            assert_true(a.method_off + a.method_len <= len);
            assert_true(a.path_off + a.path_len <= len);
            assert_true(a.flags_off + a.flags_len <= len);
            assert_true(a.authority_off + a.authority_len <= len);
            assert_true(a.upstream_off + a.upstream_len <= len);
            assert_true(a.client_off + a.client_len <= len);
        }
    }
}

static void
envoy_json_access_log_in_any_key_order(void **state)
{
    static const char line[] =
            "{\"start_time\":\"2024-05-06T09:12:44.123Z\",\"method\":\"GET\","
            "\"path\":\"/dex/auth\",\"protocol\":\"HTTP/1.1\","
            "\"response_code\":302,\"response_flags\":\"-\",\"duration\":3,"
            "\"authority\":\"kubeflow.example.com\",\"upstream_host\":"
            "\"10.244.1.5:5556\",\"x_forwarded_for\":null,"
            "\"downstream_remote_address\":\"10.244.0.1:51234\"}";
    static const char sorted[] =
            "{\"authority\":\"mnist.example.com\",\"bytes_received\":1024,"
            "\"downstream_remote_address\":\"10.244.3.9:43200\","
            "\"duration\":3,\"method\":\"POST\",\"path\":\"/v1/models/m\","
            "\"response_code\":503,\"response_flags\":\"UF\","
            "\"start_time\":\"2024-05-06T09:12:44.123Z\","
            "\"upstream_host\":\"10.244.3.21:8080\","
            "\"x_forwarded_for\":\"203.0.113.7,10.0.0.1\"}";
    struct accesslog a;
    struct logline ll;

    (void)state;
    assert_true(access_of(line, &a));
    assert_int_equal(a.status, 302);
    check_field(line, a.method_off, a.method_len, "GET");
    check_field(line, a.path_off, a.path_len, "/dex/auth");
    check_field(line, a.flags_off, a.flags_len, "");
    check_field(line, a.authority_off, a.authority_len, "kubeflow.example.com");
    check_field(line, a.upstream_off, a.upstream_len, "10.244.1.5:5556");
    check_field(line, a.client_off, a.client_len, "10.244.0.1");
    assert_int_equal(a.duration_ms, 3);

    assert_true(access_of(sorted, &a));
    assert_int_equal(a.status, 503);
    check_field(sorted, a.flags_off, a.flags_len, "UF");
    check_field(sorted, a.client_off, a.client_len, "203.0.113.7");
    assert_int_equal(a.duration_ms, 3);

    /* The ordinary parse is unchanged: a timestamp, no level. */
    parse(line, &ll);
    assert_true(ll.is_header);
    assert_int_equal(ll.level, LOG_LEVEL_NONE);
    assert_string_equal(ll.ts, "2024-05-06T09:12:44.123Z");
    assert_int_equal(ll.comp_len, 0);
}

static void
envoy_json_access_line_cut_short(void **state)
{
    static const char line[] =
            "{\"authority\":\"a.example\",\"duration\":7,\"method\":\"GET\","
            "\"response_code\":503,\"response_flags\":\"UH\",\"start_time\":"
            "\"2024-05-06T09:12:44.123Z\",\"upstream_host\":\"10.0.0.1:80\"}";
    const char *flags = strstr(line, "\"start_time");
    const char *code = strstr(line, "\"response_code");
    struct accesslog a;
    size_t len;

    (void)state;
    assert_non_null(flags);
    assert_non_null(code);
    assert_true(access_n(line, (size_t)(flags - line) + 5, &a));
    assert_int_equal(a.status, 503);
    check_field(line, a.flags_off, a.flags_len, "UH");
    check_field(line, a.upstream_off, a.upstream_len, "");
    assert_false(access_n(line, (size_t)(code - line) + 17, &a));
    for (len = 0; len <= strlen(line); len++) {
        if (access_n(line, len, &a)) {
            assert_true(a.authority_off + a.authority_len <= len);
            assert_true(a.flags_off + a.flags_len <= len);
        }
    }
}

static void
other_lines_are_not_access_logs(void **state)
{
    static const char *const lines[] = {
        "",
        "E0115 10:23:45.123456       1 controller.go:123] msg",
        "time=\"2024-05-06T09:31:41Z\" level=info msg=\"x\"",
        "{\"level\":\"info\",\"msg\":\"request\",\"response_code\":200,"
        "\"upstream_host\":\"x\"}",
        "{\"response_code\":200,\"method\":\"GET\"}",
        "{\"response_code\":\"abc\",\"response_flags\":\"-\"}",
        "{}",
        "[ERROR] plugin/errors: 2 example.com. A: i/o timeout",
        "[2024-01-15 10:23:45 +0000] [1] [ERROR] Worker timeout",
        "[2024/05/06 09:12:44] [oauthproxy.go:866] Error loading session",
        "10.244.3.9:51812 - 0f1e - - [2024/05/06 09:12:44] kubeflow.example."
        "com GET - \"/oauth2/start?rd=%2F\" HTTP/1.1 \"Mozilla/5.0\" 302 368 "
        "0.002",
        "10.244.3.9:51812 - 0f1e - alice@example.com [2024/05/06 09:12:44] "
        "[AuthSuccess] Authenticated via OAuth2",
        "2024-05-06 09:12:50.789 uvicorn.access INFO:     10.244.3.9:51812 "
        "1 - \"POST /v1/models/mnist:predict HTTP/1.1\" 500",
        "[2024-01-15T10:23:45.123Z] \"hello\" 200 x",
        "[2024-01-15T10:23:45.123Z] \"GET /x HTTP/1.1\"",
        "[2024-01-15T10:23:45.123Z] \"GET /x HTTP/1.1\" 2000 - 0 0 1",
        "[2024-01-15 10:23:45.123] \"GET /x HTTP/1.1\" 200 - 0 0 1",
        "[I 2024-05-06 09:12:44.123 ServerApp] \"GET /x HTTP/1.1\" 200 -",
    };
    struct accesslog a;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        assert_false(access_of(lines[i], &a));
        assert_int_equal(a.status, 0);
        assert_int_equal(a.method_len, 0);
        assert_int_equal(a.duration_ms, -1);
    }
    assert_false(accesslog_parse(NULL, 0, &a));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(envoy_access_503_with_uf_flags),
        cmocka_unit_test(envoy_access_302_redirect_to_dex),
        cmocka_unit_test(envoy_access_older_and_plain_variants),
        cmocka_unit_test(envoy_access_tcp_line_has_empty_request),
        cmocka_unit_test(envoy_access_quotes_inside_values_are_tolerated),
        cmocka_unit_test(envoy_access_line_cut_in_the_middle),
        cmocka_unit_test(envoy_json_access_log_in_any_key_order),
        cmocka_unit_test(envoy_json_access_line_cut_short),
        cmocka_unit_test(other_lines_are_not_access_logs),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
