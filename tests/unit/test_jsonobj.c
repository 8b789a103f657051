/* SPDX-License-Identifier: MIT */
/* Unit tests of JSON list extraction (jsonobj.c): kinds, fields, container
 * states, conditions, events and the source line of each, from memory
 * buffers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonobj.h"

/* What the sink saw: copies of the first objects and events. */
struct seen {
    size_t n_objects;
    size_t n_events;
    char kind[8][64];
    char name[8][64];
    char min_scale[8][16]; /* "(null)" when not set */
    char version[8][64];
    long line[8];
    char state[8][64];
    char reason[8][64];
    char last_reason[8][64];
    int last_exit[8];
    long restarts[8];
    char cond_msg[8][160];
    long cond_line[8];
    long cont_line[8];
    char ev_msg[8][160];
    char ev_ns[8][64];
    long ev_line[8];
    long ev_count[8];
};

static void
put(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
}

static enum kt_status
on_object(void *ctx, const struct kt_object *o)
{
    struct seen *s = ctx;
    size_t i = s->n_objects++;

    if (i >= 8) {
        return KT_OK;
    }
    put(s->kind[i], 64, o->kind);
    put(s->name[i], 64, o->name);
    snprintf(s->min_scale[i], 16, "%s",
             o->min_scale != NULL ? o->min_scale : "(null)");
    put(s->version[i], 64, o->version);
    s->line[i] = o->line;
    if (o->n_containers > 0) {
        put(s->state[i], 64, o->containers[0].state);
        put(s->reason[i], 64, o->containers[0].reason);
        put(s->last_reason[i], 64, o->containers[0].last_reason);
        s->last_exit[i] = o->containers[0].last_exit_code;
        s->restarts[i] = o->containers[0].restarts;
        s->cont_line[i] = o->containers[0].line;
    }
    if (o->n_conditions > 0) {
        put(s->cond_msg[i], 160, o->conditions[0].message);
        s->cond_line[i] = o->conditions[0].line;
    }
    return KT_OK;
}

static enum kt_status
on_event(void *ctx, const struct kt_event *e)
{
    struct seen *s = ctx;
    size_t i = s->n_events++;

    if (i < 8) {
        put(s->ev_msg[i], 160, e->message);
        put(s->ev_ns[i], 64, e->namespace);
        s->ev_line[i] = e->line;
        s->ev_count[i] = e->count;
    }
    return KT_OK;
}

static enum kt_status
extract(const char *text, const char *hint, struct seen *s, size_t *n)
{
    const struct kt_sink sink = { s, on_object, on_event };
    size_t len = strlen(text);
    char *exact = malloc(len); /* not NUL-terminated: ASan sees overreads */
    enum kt_status st;
    struct kt_err err;

    memcpy(exact, text, len);
    memset(s, 0, sizeof(*s));
    st = jsonobj_extract(exact, len, hint, &sink, n, &err);
    free(exact);
    return st;
}

static const char pod_list[] =
        "{\n"
        "  \"kind\": \"PodList\",\n"
        "  \"items\": [\n"
        "    {\n"
        "      \"metadata\": {\"name\": \"web-1\", \"namespace\": \"ns\"},\n"
        "      \"status\": {\n"
        "        \"phase\": \"Running\",\n"
        "        \"containerStatuses\": [\n"
        "          {\n"
        "            \"name\": \"app\",\n"
        "            \"restartCount\": 4,\n"
        "            \"state\": {\"waiting\": {\"reason\": "
        "\"CrashLoopBackOff\"}},\n"
        "            \"lastState\": {\"terminated\": {\"exitCode\": 137,\n"
        "              \"reason\": \"OOMKilled\"}}\n"
        "          }\n"
        "        ]\n"
        "      }\n"
        "    },\n"
        "    {\n"
        "      \"metadata\": {\"name\": \"gpu-0\", \"namespace\": \"ns\"},\n"
        "      \"status\": {\"phase\": \"Pending\", \"conditions\": [\n"
        "        {\"type\": \"PodScheduled\", \"status\": \"False\",\n"
        "         \"message\": \"0/2 nodes are available\"}]}\n"
        "    }\n"
        "  ]\n"
        "}\n";

static void
pod_list_gives_pods_with_kind_from_list(void **state)
{
    struct seen s;
    size_t n;

    (void)state;
    assert_int_equal(extract(pod_list, NULL, &s, &n), KT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(s.kind[0], "Pod");
    assert_string_equal(s.name[0], "web-1");
    assert_string_equal(s.name[1], "gpu-0");
}

static void
container_states_and_restarts_are_read(void **state)
{
    struct seen s;
    size_t n;

    (void)state;
    extract(pod_list, NULL, &s, &n);
    assert_string_equal(s.state[0], "waiting");
    assert_string_equal(s.reason[0], "CrashLoopBackOff");
    assert_string_equal(s.last_reason[0], "OOMKilled");
    assert_int_equal(s.last_exit[0], 137);
    assert_int_equal(s.restarts[0], 4);
}

static void
items_and_their_parts_keep_source_lines(void **state)
{
    struct seen s;
    size_t n;

    (void)state;
    extract(pod_list, NULL, &s, &n);
    assert_int_equal(s.line[0], 4);
    assert_int_equal(s.cont_line[0], 10);
    assert_int_equal(s.line[1], 19);
    assert_int_equal(s.cond_line[1], 22);
    assert_string_equal(s.cond_msg[1], "0/2 nodes are available");
}

static void
events_take_namespace_message_count_and_line(void **state)
{
    static const char events[] =
            "{\"kind\": \"EventList\", \"items\": [\n"
            "{\"metadata\": {\"namespace\": \"kf\"},\n"
            " \"involvedObject\": {\"kind\": \"Pod\", \"name\": \"p\"},\n"
            " \"reason\": \"FailedScheduling\", \"count\": 57,\n"
            " \"message\": \"0/6 nodes are available\"}\n"
            "]}";
    struct seen s;
    size_t n;

    (void)state;
    assert_int_equal(extract(events, NULL, &s, &n), KT_OK);
    assert_int_equal(s.n_events, 1);
    assert_string_equal(s.ev_ns[0], "kf");
    assert_string_equal(s.ev_msg[0], "0/6 nodes are available");
    assert_int_equal(s.ev_count[0], 57);
    assert_int_equal(s.ev_line[0], 5);
}

static void
bare_array_uses_item_kind_or_hint(void **state)
{
    static const char arr[] =
            "[{\"kind\": \"Workflow\", \"metadata\": {\"name\": \"wf\"}},"
            " {\"metadata\": {\"name\": \"x\"}}]";
    struct seen s;
    size_t n;

    (void)state;
    assert_int_equal(extract(arr, "Notebook", &s, &n), KT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(s.kind[0], "Workflow");
    assert_string_equal(s.kind[1], "Notebook");
}

static void
invalid_json_is_a_format_error_with_line(void **state)
{
    static const char bad[] = "{\"items\": [\n{\"metadata\": \n";
    const struct kt_sink sink = { NULL, NULL, NULL };
    struct kt_err err;
    size_t n;

    (void)state;
    assert_int_equal(jsonobj_extract(bad, strlen(bad), NULL, &sink, &n, &err),
                     KT_EFORMAT);
    assert_non_null(strstr(err.msg, "invalid JSON"));
    assert_int_equal(n, 0);
}

static void
json_lines_are_not_one_document(void **state)
{
    static const char lines[] = "{\"level\": \"error\", \"msg\": \"a\"}\n"
                                "{\"level\": \"info\", \"msg\": \"b\"}\n";
    const struct kt_sink sink = { NULL, NULL, NULL };
    struct kt_err err;
    size_t n;

    (void)state;
    assert_int_equal(
            jsonobj_extract(lines, strlen(lines), NULL, &sink, &n, &err),
            KT_EFORMAT);
    assert_non_null(strstr(err.msg, "more than one value (line 2)"));
}

static void
concatenated_documents_are_each_read_with_their_lines(void **state)
{
    /* kubectl cluster-info dump to stdout: pretty-printed lists one
     * after another, not an array. */
    static const char dump[] = "{\n"
                               "    \"kind\": \"NodeList\",\n"
                               "    \"items\": [\n"
                               "        {\"metadata\": {\"name\": \"n1\"}}\n"
                               "    ]\n"
                               "}\n"
                               "{\n"
                               "    \"kind\": \"PodList\",\n"
                               "    \"items\": [\n"
                               "        {\"metadata\": {\"name\": \"p1\"}},\n"
                               "        {\"metadata\": {\"name\": \"p2\"}}\n"
                               "    ]\n"
                               "}\n";
    struct seen s;
    size_t n;

    (void)state;
    assert_int_equal(extract(dump, NULL, &s, &n), KT_OK);
    assert_int_equal(n, 3);
    assert_string_equal(s.kind[0], "Node");
    assert_int_equal(s.line[0], 4);
    assert_string_equal(s.kind[2], "Pod");
    assert_string_equal(s.name[2], "p2");
    assert_int_equal(s.line[1], 10);
    assert_int_equal(s.line[2], 11);
}

static void
node_keeps_its_kubelet_version(void **state)
{
    static const char nodes[] =
            "{\"kind\": \"NodeList\", \"items\": [\n"
            "{\"metadata\": {\"name\": \"n1\"},\n"
            " \"status\": {\"nodeInfo\": {\"kubeletVersion\": "
            "\"v1.27.3+k3s1\",\n"
            "   \"osImage\": \"Ubuntu\"}}},\n"
            "{\"metadata\": {\"name\": \"n2\"}}\n"
            "]}\n";
    struct seen s;
    size_t n;

    (void)state;
    assert_int_equal(extract(nodes, NULL, &s, &n), KT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(s.kind[0], "Node");
    assert_string_equal(s.version[0], "v1.27.3+k3s1");
    assert_string_equal(s.version[1], "");
}

static void
cluster_version_files_give_a_cluster_object(void **state)
{
    /* troubleshoot's cluster-info/cluster_version.json */
    static const char troubleshoot[] = "{\n"
                                       "  \"info\": {\n"
                                       "    \"major\": \"1\",\n"
                                       "    \"gitVersion\": \"v1.24.4+k3s1\"\n"
                                       "  },\n"
                                       "  \"string\": \"v1.24.4+k3s1\"\n"
                                       "}\n";
    /* kubectl version -o json: the client version is not the cluster's */
    static const char kubectl[] =
            "{\"clientVersion\": {\"gitVersion\": \"v1.30.0\"},\n"
            " \"serverVersion\": {\"gitVersion\": \"v1.26.5\"}}\n";
    static const char other[] = "{\"info\": {\"name\": \"x\"}}\n";
    struct seen s;
    size_t n;

    (void)state;
    assert_int_equal(extract(troubleshoot, NULL, &s, &n), KT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(s.kind[0], "Cluster");
    assert_string_equal(s.name[0], "kubernetes");
    assert_string_equal(s.version[0], "v1.24.4+k3s1");
    assert_int_equal(s.line[0], 4);
    assert_int_equal(extract(kubectl, NULL, &s, &n), KT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(s.version[0], "v1.26.5");
    assert_int_equal(extract(other, NULL, &s, &n), KT_OK);
    assert_int_equal(n, 0);
}

static void
nesting_past_the_limit_is_refused_before_parsing(void **state)
{
    const struct kt_sink sink = { NULL, NULL, NULL };
    size_t len = 100000;
    char *deep = malloc(len);
    struct kt_err err;
    size_t n;

    (void)state;
    memset(deep, '[', len);
    assert_int_equal(jsonobj_extract(deep, len, NULL, &sink, &n, &err),
                     KT_ELIMIT);
    assert_non_null(strstr(err.msg, "nested deeper than"));
    free(deep);
}

static void
strings_with_brackets_do_not_confuse_item_lines(void **state)
{
    static const char tricky[] =
            "{\"items\": [\n"
            "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"a]\\\"[{\"}},\n"
            "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"b\"}}\n"
            "]}";
    struct seen s;
    size_t n;

    (void)state;
    assert_int_equal(extract(tricky, NULL, &s, &n), KT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(s.name[0], "a]\"[{");
    assert_int_equal(s.line[1], 3);
}

/* Serving objects: KServe's minReplicas as written, Knative's min-scale
 * annotation on a Service's template or a Revision, "" for a Knative
 * object that leaves it to the default (scale to zero), and nothing for
 * a core Service of the same kind name. */
static const char serving_list[] =
        "{\"kind\": \"List\", \"items\": [\n"
        "{\"apiVersion\": \"serving.kserve.io/v1beta1\",\n"
        " \"kind\": \"InferenceService\",\n"
        " \"metadata\": {\"name\": \"mnist\", \"namespace\": \"a\"},\n"
        " \"spec\": {\"predictor\": {\"minReplicas\": 0}}},\n"
        "{\"apiVersion\": \"serving.kserve.io/v1beta1\",\n"
        " \"kind\": \"InferenceService\",\n"
        " \"metadata\": {\"name\": \"iris\", \"namespace\": \"a\"},\n"
        " \"spec\": {\"predictor\": {\"sklearn\": {}}}},\n"
        "{\"apiVersion\": \"serving.knative.dev/v1\", \"kind\": \"Service\",\n"
        " \"metadata\": {\"name\": \"hello\", \"namespace\": \"a\"},\n"
        " \"spec\": {\"template\": {\"metadata\": {\"annotations\":\n"
        "   {\"autoscaling.knative.dev/min-scale\": \"2\"}}}}},\n"
        "{\"apiVersion\": \"serving.knative.dev/v1\", \"kind\": \"Service\",\n"
        " \"metadata\": {\"name\": \"bare\", \"namespace\": \"a\"},\n"
        " \"spec\": {\"template\": {\"spec\": {}}}},\n"
        "{\"apiVersion\": \"serving.knative.dev/v1\", \"kind\": \"Revision\",\n"
        " \"metadata\": {\"name\": \"hello-00001\", \"namespace\": \"a\",\n"
        "  \"annotations\": {\"autoscaling.knative.dev/minScale\": \"0\"}}},\n"
        "{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n"
        " \"metadata\": {\"name\": \"hello\", \"namespace\": \"a\"},\n"
        " \"spec\": {\"type\": \"ExternalName\"}},\n"
        "{\"apiVersion\": \"serving.kubeflow.org/v1alpha2\",\n"
        " \"kind\": \"InferenceService\",\n"
        " \"metadata\": {\"name\": \"old\", \"namespace\": \"a\"},\n"
        " \"spec\": {\"default\": {\"predictor\": {\"minReplicas\": \"1\"}}}}\n"
        "]}\n";

static void
serving_objects_give_their_minimum_scale(void **state)
{
    struct seen s;
    size_t n;

    (void)state;
    assert_int_equal(extract(serving_list, NULL, &s, &n), KT_OK);
    assert_int_equal(n, 7);
    assert_string_equal(s.kind[0], "InferenceService");
    assert_string_equal(s.min_scale[0], "0");
    assert_string_equal(s.min_scale[1], "(null)"); /* KServe default 1 */
    assert_string_equal(s.kind[2], "Service");
    assert_string_equal(s.min_scale[2], "2");
    assert_string_equal(s.min_scale[3], ""); /* Knative default */
    assert_string_equal(s.kind[4], "Revision");
    assert_string_equal(s.min_scale[4], "0");
    assert_string_equal(s.kind[5], "Service");
    assert_string_equal(s.min_scale[5], "(null)"); /* core Service */
    assert_string_equal(s.min_scale[6], "1");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pod_list_gives_pods_with_kind_from_list),
        cmocka_unit_test(container_states_and_restarts_are_read),
        cmocka_unit_test(items_and_their_parts_keep_source_lines),
        cmocka_unit_test(events_take_namespace_message_count_and_line),
        cmocka_unit_test(bare_array_uses_item_kind_or_hint),
        cmocka_unit_test(invalid_json_is_a_format_error_with_line),
        cmocka_unit_test(json_lines_are_not_one_document),
        cmocka_unit_test(concatenated_documents_are_each_read_with_their_lines),
        cmocka_unit_test(node_keeps_its_kubelet_version),
        cmocka_unit_test(cluster_version_files_give_a_cluster_object),
        cmocka_unit_test(nesting_past_the_limit_is_refused_before_parsing),
        cmocka_unit_test(strings_with_brackets_do_not_confuse_item_lines),
        cmocka_unit_test(serving_objects_give_their_minimum_scale),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
