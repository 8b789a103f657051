/* SPDX-License-Identifier: MIT */
/* Unit tests for logline: one test per log format of formats.md section 7
 * with realistic lines, plus hostile input (empty, CR, NUL, huge lines,
 * bad dates) and the continuation rules. Every line is copied into a heap
 * buffer of exactly its length so that ASan reports any read past it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "logline.h"

#define YEAR 2024

/* Parse len bytes of text from a buffer that ends exactly there. */
static void
parse_n(const char *text, size_t len, int year, struct logline *out)
{
    char *buf = malloc(len > 0 ? len : 1);

    assert_non_null(buf);
    memcpy(buf, text, len);
    logline_parse(buf, len, year, out);
    free(buf);
}

static void
parse(const char *text, struct logline *out)
{
    parse_n(text, strlen(text), YEAR, out);
}

static bool
continues(const char *text, const struct logline *prev)
{
    size_t len = strlen(text);
    char *buf = malloc(len > 0 ? len : 1);
    bool r;

    assert_non_null(buf);
    memcpy(buf, text, len);
    r = logline_continues(buf, len, prev);
    free(buf);
    return r;
}

/* Check a parse in one call: header flag, level, timestamp and the text
 * the message starts with. */
static void
check(const char *text, bool is_header, enum log_level level, const char *ts,
      const char *msg_start)
{
    struct logline ll;

    parse(text, &ll);
    assert_int_equal(ll.is_header, is_header);
    assert_int_equal(ll.level, level);
    assert_string_equal(ll.ts, ts);
    assert_true(ll.msg_off <= strlen(text));
    assert_memory_equal(text + ll.msg_off, msg_start, strlen(msg_start));
}

static void
klog_error_line_gives_level_and_timestamp(void **state)
{
    (void)state;
    check("E0115 10:23:45.123456       1 file.go:123] msg", true,
          LOG_LEVEL_ERROR, "2024-01-15T10:23:45.123Z", "msg");
}

static void
klog_letters_map_to_levels(void **state)
{
    (void)state;
    check("I0506 09:12:44.123456       1 main.go:140] Starting RPC server",
          true, LOG_LEVEL_INFO, "2024-05-06T09:12:44.123Z", "Starting");
    check("W0506 09:12:44.000001       1 reflector.go:424] watch ended", true,
          LOG_LEVEL_WARN, "2024-05-06T09:12:44.000Z", "watch ended");
    check("F0506 09:12:44.999999    4711 server.go:1] cannot listen", true,
          LOG_LEVEL_FATAL, "2024-05-06T09:12:44.999Z", "cannot listen");
}

static void
klog_structured_message_starts_at_quote(void **state)
{
    (void)state;
    check("E0506 09:31:40.000123       1 reconcile.go:88] \"Job failed\" "
          "job=\"team-a/mnist\" log=<",
          true, LOG_LEVEL_ERROR, "2024-05-06T09:31:40.000Z", "\"Job failed\"");
}

static void
klog_year_comes_from_default_year(void **state)
{
    struct logline ll;
    const char *line = "W0229 23:59:59.500000       1 x.go:1] leap";

    (void)state;
    parse_n(line, strlen(line), 2020, &ll);
    assert_string_equal(ll.ts, "2020-02-29T23:59:59.500Z");

    /* 29 February does not exist in 2023: still a header, no time. */
    parse_n(line, strlen(line), 2023, &ll);
    assert_true(ll.is_header);
    assert_int_equal(ll.level, LOG_LEVEL_WARN);
    assert_string_equal(ll.ts, "");
}

static void
glog_cpp_line_with_year_ignores_default_year(void **state)
{
    (void)state;
    check("I20230506 09:12:44.123456    57 metadata_store_service_impl.cc:211]"
          " Created",
          true, LOG_LEVEL_INFO, "2023-05-06T09:12:44.123Z", "Created");
}

static void
absl_line_with_long_thread_id_is_klog(void **state)
{
    (void)state;
    check("I0115 10:23:45.123456 140234567890123 train.py:12] step 1", true,
          LOG_LEVEL_INFO, "2024-01-15T10:23:45.123Z", "step 1");
}

static void
klog_shape_without_source_is_not_klog(void **state)
{
    (void)state;
    check("E0115 10:23:45.123456 no source here", false, LOG_LEVEL_NONE, "",
          "E0115");
    check("E1315 10:23:45.123456       1 a.go:1] bad month", false,
          LOG_LEVEL_NONE, "", "E1315");
}

static void
kubelet_timestamp_is_preferred_over_inner_timestamp(void **state)
{
    (void)state;
    check("2024-01-15T10:23:45.123456789Z E0115 10:23:40.000000       1 "
          "file.go:12] boom",
          true, LOG_LEVEL_ERROR, "2024-01-15T10:23:45.123Z", "boom");
}

static void
kubelet_timestamp_alone_is_not_a_header(void **state)
{
    (void)state;
    check("2024-05-06T09:31:40.123456789Z Epoch 3: loss=0.4121", false,
          LOG_LEVEL_NONE, "2024-05-06T09:31:40.123Z", "Epoch 3");
    check("2024-05-06T09:31:40.123456789+02:00 text", false, LOG_LEVEL_NONE,
          "2024-05-06T07:31:40.123Z", "text");
    check("2024-05-06T09:31:40.123456789Z", false, LOG_LEVEL_NONE, "", "2");
}

static void
kubectl_prefix_is_skipped(void **state)
{
    (void)state;
    check("[pod/train-0/pytorch] 2024-05-06T09:31:40.123456789Z text", false,
          LOG_LEVEL_NONE, "2024-05-06T09:31:40.123Z", "text");
    check("[pod/ml-pipeline-7d9f/ml-pipeline-api-server] I0506 "
          "09:12:44.123456       1 main.go:140] Starting",
          true, LOG_LEVEL_INFO, "2024-05-06T09:12:44.123Z", "Starting");
    check("[pod/p/c] plain output", false, LOG_LEVEL_NONE, "", "plain");
}

static void
logrus_text_line_gives_level_and_message(void **state)
{
    (void)state;
    check("time=\"2024-01-15T10:23:45Z\" level=error msg=\"OIDC provider "
          "setup failed\"",
          true, LOG_LEVEL_ERROR, "2024-01-15T10:23:45.000Z", "OIDC");
    check("time=\"2024-05-06T09:31:42.020Z\" level=warning msg=\"Non-transient"
          " error: pods \\\"x\\\" is forbidden\" namespace=team-a",
          true, LOG_LEVEL_WARN, "2024-05-06T09:31:42.020Z", "Non-transient");
    check("time=\"2022-12-21T09:43:10Z\" level=fatal msg=\"Error starting "
          "daemon\"",
          true, LOG_LEVEL_FATAL, "2022-12-21T09:43:10.000Z", "Error starting");
}

static void
logrus_offset_is_converted_to_utc(void **state)
{
    (void)state;
    check("time=\"2024-05-06T11:12:44+02:00\" level=info msg=ok", true,
          LOG_LEVEL_INFO, "2024-05-06T09:12:44.000Z", "ok");
}

static void
slog_text_line_gives_level_and_message(void **state)
{
    (void)state;
    check("time=2024-01-15T10:23:45.123Z level=ERROR msg=\"login failed\" "
          "connector_id=ldap",
          true, LOG_LEVEL_ERROR, "2024-01-15T10:23:45.123Z", "login failed");
    check("time=2024-01-15T10:23:45.123Z level=INFO+2 source=main.go:12 "
          "msg=started",
          true, LOG_LEVEL_INFO, "2024-01-15T10:23:45.123Z", "started");
}

static void
gokit_logfmt_line_gives_level_and_message(void **state)
{
    (void)state;
    check("level=warn ts=2024-01-15T10:23:45.123Z caller=main.go:9 msg=slow",
          true, LOG_LEVEL_WARN, "2024-01-15T10:23:45.123Z", "slow");
}

static void
zap_json_epoch_seconds_gives_timestamp(void **state)
{
    (void)state;
    check("{\"level\":\"error\",\"ts\":1705314225.123,\"logger\":\"c\","
          "\"msg\":\"Reconciler error\",\"error\":\"x\"}",
          true, LOG_LEVEL_ERROR, "2024-01-15T10:23:45.123Z",
          "Reconciler error");
}

static void
json_time_keys_and_level_keys_are_recognised(void **state)
{
    (void)state;
    check("{\"time\":\"2024-05-06T09:12:44.123456789Z\",\"level\":\"INFO\","
          "\"msg\":\"hello\"}",
          true, LOG_LEVEL_INFO, "2024-05-06T09:12:44.123Z", "hello");
    check("{\"severity\":\"error\",\"timestamp\":\"2024-05-06T11:12:44.5+0200\""
          ",\"message\":\"Failed to probe\"}",
          true, LOG_LEVEL_ERROR, "2024-05-06T09:12:44.500Z", "Failed to probe");
    check("{\"lvl\":\"warn\",\"ts\":\"2024-05-06T09:12:44Z\",\"msg\":\"w\"}",
          true, LOG_LEVEL_WARN, "2024-05-06T09:12:44.000Z", "w");
    check("{\"level\":\"dpanic\",\"msg\":\"bad\"}", true, LOG_LEVEL_FATAL, "",
          "bad");
}

static void
json_nested_values_are_skipped(void **state)
{
    (void)state;
    check("{\"level\":\"info\",\"pod\":{\"name\":\"x}\",\"a\":[1,{\"b\":2}]},"
          "\"ts\":\"2024-05-06T09:12:44Z\",\"msg\":\"m\"}",
          true, LOG_LEVEL_INFO, "2024-05-06T09:12:44.000Z", "m");
}

static void
logrus_json_time_after_long_message_is_found(void **state)
{
    char line[2048];
    char pad[1200];

    (void)state;
    memset(pad, 'a', sizeof(pad) - 1);
    pad[sizeof(pad) - 1] = '\0';
    snprintf(line, sizeof(line),
             "{\"level\":\"warning\",\"msg\":\"%s\",\"namespace\":\"team-a\","
             "\"time\":\"2024-05-06T09:31:41.512Z\"}",
             pad);
    check(line, true, LOG_LEVEL_WARN, "2024-05-06T09:31:41.512Z", "aaaa");
}

static void
kubernetes_json_err_key_means_error(void **state)
{
    (void)state;
    check("{\"ts\":1714986764123.456,\"caller\":\"x.go:1\",\"msg\":\"m\","
          "\"err\":\"boom\"}",
          true, LOG_LEVEL_ERROR, "2024-05-06T09:12:44.123Z", "m");
    check("{\"ts\":1714986764123.456,\"caller\":\"x.go:1\",\"msg\":\"m\","
          "\"v\":0}",
          true, LOG_LEVEL_INFO, "2024-05-06T09:12:44.123Z", "m");
}

static void
json_epoch_in_nanoseconds_is_scaled(void **state)
{
    (void)state;
    check("{\"ts\":1714986764123456789,\"level\":\"info\",\"msg\":\"m\"}", true,
          LOG_LEVEL_INFO, "2024-05-06T09:12:44.123Z", "m");
}

static void
json_without_key_is_not_a_header(void **state)
{
    (void)state;
    check("{", false, LOG_LEVEL_NONE, "", "{");
    check("{'level': 'error'}", false, LOG_LEVEL_NONE, "", "{");
}

static void
zap_console_line_skips_logger(void **state)
{
    (void)state;
    check("2024-01-15T10:23:45.123Z\tERROR\tcontroller\tReconciler error\t"
          "{\"controller\": \"notebook\"}",
          true, LOG_LEVEL_ERROR, "2024-01-15T10:23:45.123Z",
          "Reconciler error");
    check("2024-05-06T09:12:44Z\tINFO\tStarting workers\t{\"worker count\": 1}",
          true, LOG_LEVEL_INFO, "2024-05-06T09:12:44.000Z", "Starting workers");
    check("2024-05-06T09:12:44.123+0200\tDPANIC\tboom", true, LOG_LEVEL_FATAL,
          "2024-05-06T07:12:44.123Z", "boom");
}

static void
istio_proxy_lines_give_level_and_message(void **state)
{
    (void)state;
    check("2024-01-15T10:23:45.123456Z\twarning\tenvoy config external/envoy/"
          "grpc_stream.h:193\tStreamAggregatedResources closed\tthread=17",
          true, LOG_LEVEL_WARN, "2024-01-15T10:23:45.123Z",
          "StreamAggregatedResources");
    check("2024-05-06T09:12:47.000001Z\twarn\txdsproxy\tfailed to forward "
          "response\terr=context canceled",
          true, LOG_LEVEL_WARN, "2024-05-06T09:12:47.000Z", "failed to");
    check("2024-05-06T09:12:44.123456Z\tinfo\tFLAG: --concurrency=\"2\"", true,
          LOG_LEVEL_INFO, "2024-05-06T09:12:44.123Z", "FLAG:");
    check("2024-05-06T09:12:44.123456Z\tcritical\tenvoy main\tdown", true,
          LOG_LEVEL_FATAL, "2024-05-06T09:12:44.123Z", "down");
}

static void
envoy_access_log_gives_timestamp_without_level(void **state)
{
    (void)state;
    check("[2024-01-15T10:23:45.123Z] \"GET /dex/auth HTTP/1.1\" 302 - "
          "via_upstream - \"-\" 0 0 3 2 \"10.0.0.7\"",
          true, LOG_LEVEL_NONE, "2024-01-15T10:23:45.123Z", "\"GET /dex");
    check("[2024-05-06T09:12:44.123Z] \"POST /v1/models/mnist:predict "
          "HTTP/1.1\" 503 UF",
          true, LOG_LEVEL_NONE, "2024-05-06T09:12:44.123Z", "\"POST");
}

static void
rfc3339_prefix_with_level_word(void **state)
{
    (void)state;
    check("2024-01-15T10:23:45Z ERROR connection refused", true,
          LOG_LEVEL_ERROR, "2024-01-15T10:23:45.000Z", "connection refused");
    check("2024-01-15T10:23:45.1+05:30 WARN: disk", true, LOG_LEVEL_WARN,
          "2024-01-15T04:53:45.100Z", "disk");
}

static void
python_asctime_formats_give_level(void **state)
{
    (void)state;
    check("2024-01-15 10:23:45,123 - trainer - ERROR - epoch 3 failed", true,
          LOG_LEVEL_ERROR, "2024-01-15T10:23:45.123Z", "epoch 3 failed");
    check("2024-01-15 10:23:45,123 ERROR something broke", true,
          LOG_LEVEL_ERROR, "2024-01-15T10:23:45.123Z", "something broke");
    check("2024-01-15 10:23:45,123 - my - app - WARNING - x", true,
          LOG_LEVEL_NONE, "2024-01-15T10:23:45.123Z", "- my");
}

static void
kserve_and_uvicorn_lines_give_level(void **state)
{
    (void)state;
    check("2024-05-06 09:12:50.790 1 kserve ERROR "
          "[errors.py:generic_exception_handler():115] Exception on /v1",
          true, LOG_LEVEL_ERROR, "2024-05-06T09:12:50.790Z", "Exception on");
    check("2024-05-06 09:12:44.456 1 uvicorn.error INFO:     Started server",
          true, LOG_LEVEL_INFO, "2024-05-06T09:12:44.456Z", "Started server");
    check("INFO:     Started server process [1]", true, LOG_LEVEL_INFO, "",
          "Started");
}

static void
gunicorn_line_gives_level_and_utc_time(void **state)
{
    (void)state;
    check("[2024-01-15 10:23:45 +0000] [1] [ERROR] Worker timeout", true,
          LOG_LEVEL_ERROR, "2024-01-15T10:23:45.000Z", "Worker timeout");
    check("[2024-01-15 10:23:45 -0700] [7] [CRITICAL] WORKER TIMEOUT", true,
          LOG_LEVEL_FATAL, "2024-01-15T17:23:45.000Z", "WORKER");
}

static void
python_basic_config_line_gives_level(void **state)
{
    (void)state;
    check("ERROR:root:message", true, LOG_LEVEL_ERROR, "", "message");
    check("WARNING:tensorflow:low disk", true, LOG_LEVEL_WARN, "", "low disk");
    check("CRITICAL:__main__:", true, LOG_LEVEL_FATAL, "", "");
    check("ERROR: could not open", false, LOG_LEVEL_NONE, "", "ERROR");
}

static void
tornado_and_jupyter_letters_give_level(void **state)
{
    (void)state;
    check("[E 240115 10:23:45 file:12] msg", true, LOG_LEVEL_ERROR,
          "2024-01-15T10:23:45.000Z", "msg");
    check("[I 2024-05-06 09:12:44.123 ServerApp] Jupyter Server is running",
          true, LOG_LEVEL_INFO, "2024-05-06T09:12:44.123Z", "Jupyter");
    check("[C 240115 10:23:45 web:1] dying", true, LOG_LEVEL_FATAL,
          "2024-01-15T10:23:45.000Z", "dying");
}

static void
c10_lines_give_level(void **state)
{
    (void)state;
    check("[rank1]:[E506 09:31:40.000412355 ProcessGroupNCCL.cpp:616] "
          "[Rank 1] Watchdog caught collective operation timeout",
          true, LOG_LEVEL_ERROR, "2024-05-06T09:31:40.000Z", "[Rank 1]");
    check("[E ProcessGroupNCCL.cpp:475] [Rank 0] Watchdog", true,
          LOG_LEVEL_ERROR, "", "[Rank 0]");
}

static void
mysql8_line_gives_level_and_skips_code(void **state)
{
    (void)state;
    check("2024-01-15T10:23:45.123456Z 0 [ERROR] [MY-010000] [Server] "
          "Aborting",
          true, LOG_LEVEL_ERROR, "2024-01-15T10:23:45.123Z", "Aborting");
    check("2024-05-06T09:12:41.123456Z 0 [System] [MY-010116] [Server] "
          "/usr/sbin/mysqld starting",
          true, LOG_LEVEL_INFO, "2024-05-06T09:12:41.123Z", "/usr/sbin");
    check("2024-05-06T09:12:43.000201Z 1 [ERROR] [MY-012592] [InnoDB] "
          "Operating system error number 28",
          true, LOG_LEVEL_ERROR, "2024-05-06T09:12:43.000Z", "Operating");
}

static void
mysql57_line_gives_level(void **state)
{
    (void)state;
    check("2024-01-15T10:23:45.123456Z 0 [Warning] TIMESTAMP with implicit",
          true, LOG_LEVEL_WARN, "2024-01-15T10:23:45.123Z", "TIMESTAMP");
    check("2024-01-15T10:23:45.123456Z 0 [Note] InnoDB: ready", true,
          LOG_LEVEL_INFO, "2024-01-15T10:23:45.123Z", "InnoDB");
}

static void
mysql_entrypoint_line_gives_level(void **state)
{
    (void)state;
    check("2024-01-15 10:23:45+00:00 [Note] [Entrypoint]: Entrypoint script "
          "started.",
          true, LOG_LEVEL_INFO, "2024-01-15T10:23:45.000Z",
          "Entrypoint script");
    check("2024-01-15 10:23:45+01:00 [ERROR] [Entrypoint]: failed", true,
          LOG_LEVEL_ERROR, "2024-01-15T09:23:45.000Z", "failed");
}

static void
oauth2_proxy_and_go_log_give_timestamp(void **state)
{
    (void)state;
    check("[2024/01/15 10:23:45] [oauthproxy.go:123] Error loading cookied "
          "session",
          true, LOG_LEVEL_NONE, "2024-01-15T10:23:45.000Z", "Error loading");
    check("2024/01/15 10:23:45 listening on :4180", true, LOG_LEVEL_NONE,
          "2024-01-15T10:23:45.000Z", "listening");
}

static void
coredns_bracket_level(void **state)
{
    (void)state;
    check("[ERROR] plugin/errors: 2 example.com. A: read udp: i/o timeout",
          true, LOG_LEVEL_ERROR, "", "plugin/errors");
    check("[INFO] plugin/ready: Still waiting on: \"kubernetes\"", true,
          LOG_LEVEL_INFO, "", "plugin/ready");
    check("[WARNING] No files matching import glob pattern", true,
          LOG_LEVEL_WARN, "", "No files");
}

static void
go_panic_opens_fatal_record(void **state)
{
    (void)state;
    check("panic: runtime error: invalid memory address", true, LOG_LEVEL_FATAL,
          "", "panic:");
    check("fatal error: concurrent map writes", true, LOG_LEVEL_FATAL, "",
          "fatal error");
}

static void
free_words_do_not_give_a_level(void **state)
{
    (void)state;
    check("something ERROR happened level=error", false, LOG_LEVEL_NONE, "",
          "something");
    check("2024-01-15 10:23:45 the error was bad", true, LOG_LEVEL_NONE,
          "2024-01-15T10:23:45.000Z", "the error");
    check("Epoch 3 error rate 0.1", false, LOG_LEVEL_NONE, "", "Epoch");
}

static void
timezone_offsets_cross_day_and_year(void **state)
{
    (void)state;
    check("2024-01-01T01:00:00+02:00 ERROR x", true, LOG_LEVEL_ERROR,
          "2023-12-31T23:00:00.000Z", "x");
    check("2023-12-31T22:30:00-05:30 ERROR x", true, LOG_LEVEL_ERROR,
          "2024-01-01T04:00:00.000Z", "x");
    check("2024-02-28T23:00:00-01:00 ERROR x", true, LOG_LEVEL_ERROR,
          "2024-02-29T00:00:00.000Z", "x");
    check("2024-03-01T00:59:59+0100 ERROR x", true, LOG_LEVEL_ERROR,
          "2024-02-29T23:59:59.000Z", "x");
}

static void
fractions_are_cut_to_milliseconds(void **state)
{
    (void)state;
    check("2024-01-15T10:23:45.5Z ERROR x", true, LOG_LEVEL_ERROR,
          "2024-01-15T10:23:45.500Z", "x");
    check("2024-01-15T10:23:45.999999999Z ERROR x", true, LOG_LEVEL_ERROR,
          "2024-01-15T10:23:45.999Z", "x");
    check("2024-01-15T10:23:45.12Z ERROR x", true, LOG_LEVEL_ERROR,
          "2024-01-15T10:23:45.120Z", "x");
}

static void
bad_dates_are_not_timestamps(void **state)
{
    (void)state;
    check("2024-13-15T10:23:45Z ERROR x", false, LOG_LEVEL_NONE, "", "2024");
    check("2023-02-29 10:23:45 ERROR x", false, LOG_LEVEL_NONE, "", "2023");
    check("2024-01-15 24:00:00 ERROR x", false, LOG_LEVEL_NONE, "", "2024");
    check("2024-01-15 10:60:00 ERROR x", false, LOG_LEVEL_NONE, "", "2024");
    check("2024-1-15 10:23:45 ERROR x", false, LOG_LEVEL_NONE, "", "2024");
    check("2024-01-15T10:23:45+25:00 ERROR x", false, LOG_LEVEL_NONE, "",
          "2024");
    check("[2024-00-15T10:23:45.123Z] \"GET / HTTP/1.1\"", false,
          LOG_LEVEL_NONE, "", "[2024");
}

static void
empty_line_is_nothing(void **state)
{
    struct logline ll;

    (void)state;
    parse_n("", 0, YEAR, &ll);
    assert_false(ll.is_header);
    assert_int_equal(ll.level, LOG_LEVEL_NONE);
    assert_string_equal(ll.ts, "");
    assert_int_equal(ll.msg_off, 0);
    assert_false(continues("", NULL));
}

static void
trailing_cr_is_ignored(void **state)
{
    struct logline ll;
    const char *line = "ERROR:root:disk full\r";

    (void)state;
    parse(line, &ll);
    assert_true(ll.is_header);
    assert_int_equal(ll.level, LOG_LEVEL_ERROR);
    check("2024/01/15 10:23:45\r", true, LOG_LEVEL_NONE,
          "2024-01-15T10:23:45.000Z", "\r");
    check("[2024-01-15T10:23:45.123Z]\r", false, LOG_LEVEL_NONE, "", "[");
    assert_false(continues("\r", NULL));
}

static void
nul_bytes_do_not_end_the_line(void **state)
{
    static const char line[] = "E0115 10:23:45.123456       1 a.go:1] a\0b";
    static const char nul_first[] = "\0E0115 10:23:45.123456 1 a.go:1] x";
    static const char json[] = "{\"msg\":\"a\0b\",\"level\":\"error\"}";
    struct logline ll;

    (void)state;
    parse_n(line, sizeof(line) - 1, YEAR, &ll);
    assert_true(ll.is_header);
    assert_int_equal(ll.level, LOG_LEVEL_ERROR);
    assert_int_equal(ll.msg_off, 38);

    parse_n(nul_first, sizeof(nul_first) - 1, YEAR, &ll);
    assert_false(ll.is_header);

    parse_n(json, sizeof(json) - 1, YEAR, &ll);
    assert_true(ll.is_header);
    assert_int_equal(ll.level, LOG_LEVEL_ERROR);
}

static void
invalid_utf8_is_only_bytes(void **state)
{
    (void)state;
    check("time=\"2024-01-15T10:23:45Z\" level=error msg=\"\xff\xfe\xc3\"",
          true, LOG_LEVEL_ERROR, "2024-01-15T10:23:45.000Z", "\xff");
    check("\xc3\x28 2024-01-15T10:23:45Z ERROR x", false, LOG_LEVEL_NONE, "",
          "\xc3");
}

/* Cut sample lines at every length: a header parser that reads one byte
 * too far shows up here under ASan. */
static void
every_prefix_is_read_within_bounds(void **state)
{
    static const char *const lines[] = {
        "[pod/p/c] 2024-01-15T10:23:45.123456789+02:00 E0115 10:23:45.1 1 a:1]",
        "{\"level\":\"error\",\"ts\":1705314225.1,\"msg\":\"x\\\"\",\"o\":{}}",
        "time=\"2024-01-15T10:23:45Z\" level=error msg=\"a\\\"b\" k=v",
        "2024-01-15 10:23:45,123 - name - ERROR - msg",
        "[2024-01-15 10:23:45 +0000] [1] [ERROR] x",
        "[2024/01/15 10:23:45] [oauthproxy.go:123] Error",
        "2024-01-15T10:23:45.123456Z 0 [ERROR] [MY-010000] [Server] x",
        "2024-01-15T10:23:45.123456Z\twarning\tenvoy config a.h:1\tm\tt=1",
        "[rank1]:[E506 09:31:40.000412355 P.cpp:616] x",
        "[E 240115 10:23:45 file:12] msg",
        "2024-05-06 09:12:50.790 1 kserve ERROR [e.py:f():115] E",
        "WARNING:root:x",
        "sigs.k8s.io/x/controller.(*Controller).reconcileHandler",
        "torch.OutOfMemoryError: CUDA out of memory",
        "goroutine 214 [running]:",
        "... 12 more",
    };
    struct logline prev = { .is_header = true, .level = LOG_LEVEL_ERROR };
    struct logline ll;
    size_t i;
    size_t len;

    (void)state;
    for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        for (len = 0; len <= strlen(lines[i]); len++) {
            char *buf = malloc(len > 0 ? len : 1);

            assert_non_null(buf);
            memcpy(buf, lines[i], len);
            logline_parse(buf, len, YEAR, &ll);
            assert_true(ll.msg_off <= len);
            assert_true(strlen(ll.ts) == 0 || strlen(ll.ts) == 24);
            (void)logline_continues(buf, len, &prev);
            (void)logline_continues(buf, len, NULL);
            free(buf);
        }
    }
}

static void
huge_line_is_parsed_from_its_start(void **state)
{
    size_t len = (size_t)100 * 1024;
    char *buf = malloc(len);
    const char *head = "E0115 10:23:45.123456       1 file.go:123] ";
    struct logline ll;

    (void)state;
    assert_non_null(buf);
    memset(buf, 'x', len);
    memcpy(buf, head, strlen(head));
    logline_parse(buf, len, YEAR, &ll);
    assert_true(ll.is_header);
    assert_int_equal(ll.level, LOG_LEVEL_ERROR);
    assert_int_equal(ll.msg_off, strlen(head));
    assert_false(logline_continues(buf, len, NULL));

    /* Headerless: spaces go on past the scan window, then text. */
    memset(buf, ' ', len);
    buf[len - 1] = 'x';
    logline_parse(buf, len, YEAR, &ll);
    assert_false(ll.is_header);
    assert_true(logline_continues(buf, len, NULL));

    memset(buf, '{', len);
    logline_parse(buf, len, YEAR, &ll);
    assert_false(ll.is_header);
    free(buf);
}

static void
level_names_are_canonical(void **state)
{
    (void)state;
    assert_null(logline_level_name(LOG_LEVEL_NONE));
    assert_string_equal(logline_level_name(LOG_LEVEL_TRACE), "trace");
    assert_string_equal(logline_level_name(LOG_LEVEL_DEBUG), "debug");
    assert_string_equal(logline_level_name(LOG_LEVEL_INFO), "info");
    assert_string_equal(logline_level_name(LOG_LEVEL_WARN), "warning");
    assert_string_equal(logline_level_name(LOG_LEVEL_ERROR), "error");
    assert_string_equal(logline_level_name(LOG_LEVEL_FATAL), "fatal");
}

static void
level_spellings_follow_the_table(void **state)
{
    (void)state;
    check("level=TRAC msg=x", true, LOG_LEVEL_TRACE, "", "x");
    check("level=DEBU msg=x", true, LOG_LEVEL_DEBUG, "", "x");
    check("level=notice msg=x", true, LOG_LEVEL_INFO, "", "x");
    check("level=WARNI msg=x", true, LOG_LEVEL_WARN, "", "x");
    check("level=ERRO msg=x", true, LOG_LEVEL_ERROR, "", "x");
    check("level=err msg=x", true, LOG_LEVEL_ERROR, "", "x");
    check("level=PANI msg=x", true, LOG_LEVEL_FATAL, "", "x");
    check("level=Critical msg=x", true, LOG_LEVEL_FATAL, "", "x");
    check("level=verbose msg=x", false, LOG_LEVEL_NONE, "", "");
}

static void
indented_lines_continue(void **state)
{
    (void)state;
    assert_true(continues("  File \"train.py\", line 3, in <module>", NULL));
    assert_true(continues("\t/workspace/main.go:55 +0x3c5", NULL));
    assert_true(continues("\tat com.example.Foo.bar(Foo.java:12)", NULL));
    assert_true(continues(" >", NULL));
    assert_false(continues("   ", NULL));
    assert_false(continues("\t\r", NULL));
}

static void
kubelet_prefixed_traceback_lines_continue(void **state)
{
    (void)state;
    assert_true(continues("2024-05-06T09:31:40.123456789Z   File \"t.py\", "
                          "line 3, in <module>",
                          NULL));
    assert_true(continues(
            "[pod/p/c] 2024-05-06T09:31:40.123456789Z \tat x.y(z)", NULL));
    assert_false(continues("2024-05-06T09:31:40.123456789Z ", NULL));
}

static void
header_lines_never_continue(void **state)
{
    struct logline err = { .is_header = true, .level = LOG_LEVEL_ERROR };

    (void)state;
    assert_false(continues("E0115 10:23:45.123456       1 f.go:1] x", &err));
    assert_false(continues("{\"level\":\"info\"}", &err));
    assert_false(continues("panic: boom", &err));
    assert_false(continues("ERROR:root:x", &err));
}

static void
python_traceback_follows_error_record(void **state)
{
    struct logline err = { .is_header = true, .level = LOG_LEVEL_ERROR };
    struct logline info = { .is_header = true, .level = LOG_LEVEL_INFO };
    struct logline plain = { .is_header = false };

    (void)state;
    assert_true(continues("Traceback (most recent call last):", &err));
    assert_false(continues("Traceback (most recent call last):", &info));
    assert_false(continues("Traceback (most recent call last):", &plain));
    assert_false(continues("Traceback (most recent call last):", NULL));
}

static void
python_exception_line_closes_traceback(void **state)
{
    struct logline err = { .is_header = true, .level = LOG_LEVEL_ERROR };
    struct logline info = { .is_header = true, .level = LOG_LEVEL_INFO };
    struct logline plain = { .is_header = false };

    (void)state;
    assert_true(continues("ZeroDivisionError: division by zero", &plain));
    assert_true(continues("torch.OutOfMemoryError: CUDA out of memory", &err));
    assert_true(continues("KeyboardInterrupt", NULL));
    assert_true(continues("SystemExit: 2", &plain));
    assert_true(
            continues("kfp_server_api.exceptions.ApiException: (500)", &plain));
    assert_false(continues("ValueError: x", &info));
    assert_false(continues("ValueError:x", &plain));
    assert_false(continues("Error loading", &plain));
    assert_false(continues("The Error: x", &plain));
    assert_true(continues("The above exception was the direct cause of the "
                          "following exception:",
                          &info));
    assert_true(continues("During handling of the above exception, another "
                          "exception occurred:",
                          &plain));
}

static void
go_panic_dump_continues(void **state)
{
    struct logline panic;
    struct logline info = { .is_header = true, .level = LOG_LEVEL_INFO };

    (void)state;
    parse("panic: runtime error: invalid memory address", &panic);
    assert_true(continues("goroutine 214 [running]:", &panic));
    assert_true(continues("goroutine 1 [chan receive, 5 minutes]:", NULL));
    assert_true(continues("[signal SIGSEGV: segmentation violation code=0x1]",
                          &panic));
    assert_true(continues("github.com/example/op/controllers.(*Reconciler)."
                          "Reconcile(0xc000123400, {0x2a1b3c0, 0xc0004f5e00},"
                          " ...)",
                          &panic));
    assert_true(continues("main.main()", &panic));
    assert_true(continues("created by github.com/example/op.main in "
                          "goroutine 1",
                          &info));
    assert_true(continues("...additional frames elided...", &panic));
    assert_true(continues("exit status 2", &panic));
    assert_false(continues("main.main()", &info));
    assert_false(continues("goroutine is a word", &panic));
}

static void
zap_stack_frames_continue_error_record(void **state)
{
    struct logline err;

    (void)state;
    parse("2024-05-06T09:12:50Z\tERROR\tReconciler error\t{\"a\": 1}", &err);
    assert_true(continues("sigs.k8s.io/controller-runtime/pkg/internal/"
                          "controller.(*Controller).reconcileHandler",
                          &err));
    assert_false(continues("hello.world", &err));
    assert_false(continues("see https://example.com/x.y", &err));
}

static void
java_stack_lines_continue(void **state)
{
    (void)state;
    assert_true(continues("Caused by: java.io.IOException: closed", NULL));
    assert_true(continues("... 12 more", NULL));
    assert_true(continues("at org.example.Main.run(Main.java:5)", NULL));
    assert_false(continues("... 12 more things", NULL));
    assert_false(continues("at noon we start", NULL));
}

static void
plain_text_does_not_continue(void **state)
{
    struct logline err = { .is_header = true, .level = LOG_LEVEL_ERROR };

    (void)state;
    assert_false(continues("Epoch 3: loss=0.4121", &err));
    assert_false(continues("Defaulted container \"main\" out of: main", NULL));
}

static void
logrus_terminal_line_gives_level(void **state)
{
    struct logline ll;
    static const char line[] = "ERRO[0001] failed to save outputs";

    (void)state;
    logline_parse(line, strlen(line), 2024, &ll);
    assert_true(ll.is_header);
    assert_int_equal(ll.level, LOG_LEVEL_ERROR);
    assert_string_equal(ll.ts, "");
    assert_string_equal(line + ll.msg_off, "failed to save outputs");
    logline_parse("ERRORS[1] x", 11, 2024, &ll);
    assert_int_not_equal(ll.level, LOG_LEVEL_ERROR);
}

/* The component parse() finds in text, compared with comp ("" for
 * none, which must also give offset 0). */
static void
check_comp(const char *text, const char *comp)
{
    struct logline ll;

    parse(text, &ll);
    assert_int_equal(ll.comp_len, strlen(comp));
    if (ll.comp_len == 0) {
        assert_int_equal(ll.comp_off, 0);
        return;
    }
    assert_true(ll.comp_off + ll.comp_len <= strlen(text));
    assert_memory_equal(text + ll.comp_off, comp, ll.comp_len);
}

static void
zap_json_logger_is_component(void **state)
{
    (void)state;
    check_comp(
            "{\"level\":\"error\",\"ts\":\"2024-01-15T10:23:45Z\",\"logger\":"
            "\"controller.inferenceservice\",\"caller\":\"x/r.go:88\","
            "\"msg\":\"Reconcile failed\"}",
            "controller.inferenceservice");
    check_comp(
            "{\"severity\":\"error\",\"timestamp\":\"2024-05-06T09:12:44.123Z"
            "\",\"logger\":\"activator\",\"message\":\"Failed to probe\"}",
            "activator");
}

static void
json_component_key_wins_over_logger_and_caller(void **state)
{
    (void)state;
    check_comp("{\"level\":\"info\",\"logger\":\"setup\",\"component\":"
               "\"tsdb\",\"msg\":\"x\"}",
               "tsdb");
    check_comp("{\"level\":\"info\",\"time\":\"2024-05-06T09:12:44Z\","
               "\"scope\":\"ads\",\"msg\":\"ADS: new connection\"}",
               "ads");
    check_comp("{\"level\":\"info\",\"caller\":\"main.go:3\",\"msg\":\"x\"}",
               "");
    check_comp("{\"level\":\"info\",\"logger\":{\"name\":\"x\"},\"msg\":\"x\"}",
               "");
}

static void
zap_console_logger_is_component(void **state)
{
    (void)state;
    check_comp("2024-01-15T10:23:45.123Z\tERROR\tcontroller.inferenceservice"
               "\tmsg",
               "controller.inferenceservice");
    check_comp("2024-01-15T10:23:45Z\tINFO\tcontroller-runtime.metrics\t"
               "metrics/listener.go:44\tMetrics server is starting",
               "controller-runtime.metrics");
    check_comp("2024-01-15T10:23:45Z\tINFO\tcontroller/controller.go:329\t"
               "Starting workers",
               "");
    check_comp("2024-05-06T09:12:44Z\tINFO\tStarting workers\t{\"controller\":"
               " \"notebook\"}",
               "");
    check_comp("2024-05-06T09:12:44Z\tINFO\tStarting\t{\"worker count\": 1}",
               "");
}

static void
istio_scope_and_envoy_logger_are_components(void **state)
{
    (void)state;
    check_comp("2024-01-15T10:23:45.123456Z\twarning\tenvoy config external/"
               "envoy/grpc_stream.h:193\tStreamAggregatedResources closed\t"
               "thread=17",
               "envoy config");
    check_comp("2024-05-06T09:12:44.223344Z\tinfo\tads\tADS: new connection",
               "ads");
    check_comp("2024-05-06T09:12:47.000001Z\twarn\txdsproxy\tfailed to "
               "forward response\terr=context canceled",
               "xdsproxy");
    check_comp("2024-05-06T09:12:44.123456Z\tcritical\tenvoy main\tdown",
               "envoy main");
    check_comp("2024-05-06T09:12:44.123456Z\tinfo\tFLAG: --concurrency=\"2\"",
               "");
}

static void
logfmt_component_and_logger_keys_are_components(void **state)
{
    (void)state;
    check_comp("time=\"2024-05-06T09:31:41.512Z\" level=info msg=\"Processing "
               "workflow\" component=controller namespace=team-a",
               "controller");
    check_comp("time=2024-05-06T09:12:44.123Z level=INFO msg=\"login ok\" "
               "logger=dex request_id=4b1c",
               "dex");
    check_comp("time=\"2024-05-06T09:31:41Z\" level=error msg=\"a b\" "
               "component=\"workflow controller\" logger=x",
               "workflow controller");
    check_comp("time=\"2024-05-06T09:31:41Z\" level=error logger=lg "
               "msg=\"a=b c\" component=cp",
               "cp");
    check_comp("level=info ts=2024-01-15T10:23:45.1Z caller=main.go:1 "
               "component=tsdb msg=\"compaction\"",
               "tsdb");
    check_comp("time=\"2024-05-06T09:31:41Z\" level=info msg=\"x\" "
               "namespace=team-a",
               "");
}

static void
python_logger_names_are_components(void **state)
{
    (void)state;
    check_comp("2024-01-15 10:23:45,123 - trainer - ERROR - epoch 3 failed",
               "trainer");
    check_comp("ERROR:root:low disk space", "root");
    check_comp("WARNING:kfp.client:retrying", "kfp.client");
    check_comp("2024-05-06 09:12:44.123 1 kserve INFO [model_server.py:"
               "start():362] Starting uvicorn",
               "kserve");
    check_comp("2024-05-06 09:12:44.456 1 uvicorn.error INFO:     Started",
               "uvicorn.error");
    check_comp("INFO:     Started server process [1]", "");
    check_comp("2024-01-15T10:23:45Z ERROR connection refused", "");
}

static void
klog_and_c10_source_files_are_components(void **state)
{
    (void)state;
    check_comp("E0115 10:23:45.123456       1 controller.go:123] msg",
               "controller.go");
    check_comp("I0115 10:23:45.123456       1 pkg/ctl/controller.go:9 ] m",
               "controller.go");
    check_comp("I20240506 09:12:44.123456    57 metadata_store_service_impl.cc"
               ":211] x",
               "metadata_store_service_impl.cc");
    check_comp("[rank1]:[E506 09:31:40.000412355 ProcessGroupNCCL.cpp:616] "
               "[Rank 1] Watchdog caught collective operation timeout",
               "ProcessGroupNCCL.cpp");
    check_comp("[E ProcessGroupNCCL.cpp:475] [Rank 0] Watchdog",
               "ProcessGroupNCCL.cpp");
    check_comp("[E 240115 10:23:45 web:12] msg", "web");
    check_comp("[I 2024-05-06 09:12:44.123 ServerApp] Jupyter Server",
               "ServerApp");
    check_comp("[2024/05/06 09:12:44] [oauthproxy.go:866] Error loading "
               "cookied session",
               "oauthproxy.go");
}

static void
coredns_plugin_is_component(void **state)
{
    (void)state;
    check_comp("[ERROR] plugin/errors: 2 example.com. A: read udp "
               "10.244.0.5:43321->10.96.0.10:53: i/o timeout",
               "plugin/errors");
    check_comp("[INFO] plugin/ready: Still waiting on: \"kubernetes\"",
               "plugin/ready");
    check_comp("[WARNING] No files matching import glob pattern: /etc/x", "");
    check_comp("[INFO] plugin/reload", "");
}

static void
mysql_subsystem_and_nccl_are_components(void **state)
{
    (void)state;
    check_comp("2024-05-06T09:12:43.000201Z 1 [ERROR] [MY-012592] [InnoDB] "
               "Operating system error number 28",
               "InnoDB");
    check_comp("2024-05-06 09:12:40+00:00 [Note] [Entrypoint]: started",
               "Entrypoint");
    check_comp("train-job-worker-0:57:57 [0] NCCL INFO Bootstrap : Using eth0",
               "NCCL");
    check_comp("[2024-05-06 09:31:39] train-job-worker-0:57:210 [0] misc/"
               "socket.cc:50 (ncclSocketRecv) NCCL WARN socketProgress: "
               "Connection closed by remote peer",
               "NCCL");
    check_comp("host:57 [0] NCCL INFO x", "");
    check_comp("NCCL version 2.18.1+cuda12.1", "");
}

static void
component_offsets_count_outer_prefixes(void **state)
{
    static const char line[] =
            "[pod/p/c] 2024-01-15T10:23:45.123456789Z E0115 10:23:45.123456 "
            "      1 reconcile.go:88] \"Job failed\"";

    (void)state;
    check_comp(line, "reconcile.go");
    check_comp("2024-01-15T10:23:45.123456789Z {\"level\":\"info\","
               "\"logger\":\"setup\",\"msg\":\"x\"}",
               "setup");
}

static void
plain_lines_have_no_component(void **state)
{
    (void)state;
    check_comp("hello world", "");
    check_comp("panic: runtime error: index out of range", "");
    check_comp("[2024-01-15T10:23:45.123Z] \"GET /dex/auth HTTP/1.1\" 302 - "
               "via_upstream - \"-\" 0 0 3 2 \"10.0.0.7\"",
               "");
    check_comp("", "");
}

static void
every_prefix_keeps_component_inside(void **state)
{
    static const char *const lines[] = {
        "{\"level\":\"error\",\"logger\":\"a.b\",\"component\":\"c\"}",
        "2024-01-15T10:23:45.123456Z\twarning\tenvoy config a.h:1\tm",
        "time=\"2024-01-15T10:23:45Z\" level=error msg=\"a\" component=\"x\"",
        "E0115 10:23:45.123456       1 dir/controller.go:123] msg",
        "[ERROR] plugin/errors: 2",
        "h:1:2 [0] a.cc:5 (f) NCCL WARN x",
        "2024-01-15 10:23:45,123 - trainer - ERROR - x",
        "WARNING:kfp.client:x",
    };
    struct logline ll;
    size_t i;
    size_t len;

    (void)state;
    for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        for (len = 0; len <= strlen(lines[i]); len++) {
            parse_n(lines[i], len, YEAR, &ll);
            assert_true(ll.comp_off + ll.comp_len <= len);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(logrus_terminal_line_gives_level),
        cmocka_unit_test(klog_error_line_gives_level_and_timestamp),
        cmocka_unit_test(klog_letters_map_to_levels),
        cmocka_unit_test(klog_structured_message_starts_at_quote),
        cmocka_unit_test(klog_year_comes_from_default_year),
        cmocka_unit_test(glog_cpp_line_with_year_ignores_default_year),
        cmocka_unit_test(absl_line_with_long_thread_id_is_klog),
        cmocka_unit_test(klog_shape_without_source_is_not_klog),
        cmocka_unit_test(kubelet_timestamp_is_preferred_over_inner_timestamp),
        cmocka_unit_test(kubelet_timestamp_alone_is_not_a_header),
        cmocka_unit_test(kubectl_prefix_is_skipped),
        cmocka_unit_test(logrus_text_line_gives_level_and_message),
        cmocka_unit_test(logrus_offset_is_converted_to_utc),
        cmocka_unit_test(slog_text_line_gives_level_and_message),
        cmocka_unit_test(gokit_logfmt_line_gives_level_and_message),
        cmocka_unit_test(zap_json_epoch_seconds_gives_timestamp),
        cmocka_unit_test(json_time_keys_and_level_keys_are_recognised),
        cmocka_unit_test(json_nested_values_are_skipped),
        cmocka_unit_test(logrus_json_time_after_long_message_is_found),
        cmocka_unit_test(kubernetes_json_err_key_means_error),
        cmocka_unit_test(json_epoch_in_nanoseconds_is_scaled),
        cmocka_unit_test(json_without_key_is_not_a_header),
        cmocka_unit_test(zap_console_line_skips_logger),
        cmocka_unit_test(istio_proxy_lines_give_level_and_message),
        cmocka_unit_test(envoy_access_log_gives_timestamp_without_level),
        cmocka_unit_test(rfc3339_prefix_with_level_word),
        cmocka_unit_test(python_asctime_formats_give_level),
        cmocka_unit_test(kserve_and_uvicorn_lines_give_level),
        cmocka_unit_test(gunicorn_line_gives_level_and_utc_time),
        cmocka_unit_test(python_basic_config_line_gives_level),
        cmocka_unit_test(tornado_and_jupyter_letters_give_level),
        cmocka_unit_test(c10_lines_give_level),
        cmocka_unit_test(mysql8_line_gives_level_and_skips_code),
        cmocka_unit_test(mysql57_line_gives_level),
        cmocka_unit_test(mysql_entrypoint_line_gives_level),
        cmocka_unit_test(oauth2_proxy_and_go_log_give_timestamp),
        cmocka_unit_test(coredns_bracket_level),
        cmocka_unit_test(go_panic_opens_fatal_record),
        cmocka_unit_test(free_words_do_not_give_a_level),
        cmocka_unit_test(timezone_offsets_cross_day_and_year),
        cmocka_unit_test(fractions_are_cut_to_milliseconds),
        cmocka_unit_test(bad_dates_are_not_timestamps),
        cmocka_unit_test(empty_line_is_nothing),
        cmocka_unit_test(trailing_cr_is_ignored),
        cmocka_unit_test(nul_bytes_do_not_end_the_line),
        cmocka_unit_test(invalid_utf8_is_only_bytes),
        cmocka_unit_test(every_prefix_is_read_within_bounds),
        cmocka_unit_test(huge_line_is_parsed_from_its_start),
        cmocka_unit_test(level_names_are_canonical),
        cmocka_unit_test(level_spellings_follow_the_table),
        cmocka_unit_test(indented_lines_continue),
        cmocka_unit_test(kubelet_prefixed_traceback_lines_continue),
        cmocka_unit_test(header_lines_never_continue),
        cmocka_unit_test(python_traceback_follows_error_record),
        cmocka_unit_test(python_exception_line_closes_traceback),
        cmocka_unit_test(go_panic_dump_continues),
        cmocka_unit_test(zap_stack_frames_continue_error_record),
        cmocka_unit_test(java_stack_lines_continue),
        cmocka_unit_test(plain_text_does_not_continue),
        cmocka_unit_test(zap_json_logger_is_component),
        cmocka_unit_test(json_component_key_wins_over_logger_and_caller),
        cmocka_unit_test(zap_console_logger_is_component),
        cmocka_unit_test(istio_scope_and_envoy_logger_are_components),
        cmocka_unit_test(logfmt_component_and_logger_keys_are_components),
        cmocka_unit_test(python_logger_names_are_components),
        cmocka_unit_test(klog_and_c10_source_files_are_components),
        cmocka_unit_test(coredns_plugin_is_component),
        cmocka_unit_test(mysql_subsystem_and_nccl_are_components),
        cmocka_unit_test(component_offsets_count_outer_prefixes),
        cmocka_unit_test(plain_lines_have_no_component),
        cmocka_unit_test(every_prefix_keeps_component_inside),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
