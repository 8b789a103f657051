/* SPDX-License-Identifier: MIT */
/* Unit tests of YAML extraction (yamlobj.c): kubectl lists, bare sequences
 * of custom resources, multi-document streams, typed scalars, source lines,
 * and the hostile cases (aliases, deep nesting, node count, bad syntax,
 * bad UTF-8). Every buffer is copied to exact-size memory for ASan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kt_limits.h"
#include "yamlobj.h"

#define MAX_SEEN 8

/* What the sink saw: copies of the fields the tests look at. */
struct seen_object {
    char kind[64];
    char name[64];
    char namespace[64];
    char node[64];
    char taints[128];
    char labels[128];
    char min_scale[16]; /* "(null)" when not set */
    long line;
    size_t message_len;
    bool has_created;
    size_t n_containers;
    char state[32];
    char reason[64];
    char last_state[32];
    char last_reason[64];
    int last_exit;
    bool has_last_exit;
    long restarts;
    bool ready;
    size_t n_conditions;
    char cond_type[2][64];
    char cond_status[2][16];
    char cond_reason[2][64];
    char cond_msg[2][160];
    size_t n_resources;
    char res_name[2][64];
    char res_capacity[2][16];
    char res_allocatable[2][16];
};

struct seen_event {
    char ns[64];
    char kind[32];
    char name[64];
    char type[16];
    char reason[64];
    char msg[160];
    long count;
    long line;
};

struct seen {
    size_t n_objects;
    size_t n_events;
    struct seen_object o[MAX_SEEN];
    struct seen_event e[MAX_SEEN];
    enum kt_status reply; /* what the callbacks return */
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
    struct seen_object *so;
    size_t i;

    if (s->n_objects >= MAX_SEEN) {
        s->n_objects++;
        return s->reply;
    }
    so = &s->o[s->n_objects++];
    put(so->kind, sizeof(so->kind), o->kind);
    put(so->name, sizeof(so->name), o->name);
    put(so->namespace, sizeof(so->namespace), o->namespace);
    snprintf(so->min_scale, sizeof(so->min_scale), "%s",
             o->min_scale != NULL ? o->min_scale : "(null)");
    put(so->node, sizeof(so->node), o->node);
    put(so->taints, sizeof(so->taints), o->taints);
    put(so->labels, sizeof(so->labels), o->labels);
    so->line = o->line;
    so->message_len = o->message ? strlen(o->message) : 0;
    so->has_created = o->created != NULL;
    so->n_containers = o->n_containers;
    if (o->n_containers > 0) {
        const struct kt_container *c = &o->containers[0];

        put(so->state, sizeof(so->state), c->state);
        put(so->reason, sizeof(so->reason), c->reason);
        put(so->last_state, sizeof(so->last_state), c->last_state);
        put(so->last_reason, sizeof(so->last_reason), c->last_reason);
        so->last_exit = c->last_exit_code;
        so->has_last_exit = c->has_last_exit_code;
        so->restarts = c->restarts;
        so->ready = c->ready;
    }
    so->n_conditions = o->n_conditions;
    for (i = 0; i < o->n_conditions && i < 2; i++) {
        const struct kt_condition *c = &o->conditions[i];

        put(so->cond_type[i], 64, c->type);
        put(so->cond_status[i], 16, c->status);
        put(so->cond_reason[i], 64, c->reason);
        put(so->cond_msg[i], 160, c->message);
    }
    so->n_resources = o->n_resources;
    for (i = 0; i < o->n_resources && i < 2; i++) {
        const struct kt_resource *r = &o->resources[i];

        put(so->res_name[i], 64, r->name);
        put(so->res_capacity[i], 16, r->capacity);
        put(so->res_allocatable[i], 16, r->allocatable);
    }
    return s->reply;
}

static enum kt_status
on_event(void *ctx, const struct kt_event *e)
{
    struct seen *s = ctx;
    struct seen_event *se;

    if (s->n_events >= MAX_SEEN) {
        s->n_events++;
        return s->reply;
    }
    se = &s->e[s->n_events++];
    put(se->ns, sizeof(se->ns), e->namespace);
    put(se->kind, sizeof(se->kind), e->kind);
    put(se->name, sizeof(se->name), e->name);
    put(se->type, sizeof(se->type), e->type);
    put(se->reason, sizeof(se->reason), e->reason);
    put(se->msg, sizeof(se->msg), e->message);
    se->count = e->count;
    se->line = e->line;
    return s->reply;
}

/* Run yamlobj_extract on len bytes of text copied to memory of exactly
 * that size (no terminator), so that ASan reports any overread. */
static enum kt_status
extract_n(const char *text, size_t len, const char *hint, struct seen *s,
          size_t *n, struct kt_err *err)
{
    const struct kt_sink sink = { s, on_object, on_event };
    char *exact = malloc(len > 0 ? len : 1);
    enum kt_status st;

    assert_non_null(exact);
    memcpy(exact, text, len);
    st = yamlobj_extract(exact, len, hint, &sink, n, err);
    free(exact);
    return st;
}

static enum kt_status
extract(const char *text, const char *hint, struct seen *s, size_t *n,
        struct kt_err *err)
{
    return extract_n(text, strlen(text), hint, s, n, err);
}

static struct seen *
seen_new(void)
{
    struct seen *s = calloc(1, sizeof(*s));

    assert_non_null(s);
    s->reply = KT_OK;
    return s;
}

/* `kubectl get pods -o yaml` shape: sorted keys, sequences at the parent's
 * indent, quoted "True" and quantities, plain timestamps. */
static const char pod_list[] =
        "apiVersion: v1\n"
        "kind: PodList\n"
        "metadata:\n"
        "  resourceVersion: \"458202\"\n"
        "items:\n"
        "- metadata:\n"
        "    creationTimestamp: 2024-05-06T09:12:40Z\n"
        "    name: train-0\n"
        "    namespace: kubeflow-user\n"
        "  spec:\n"
        "    nodeName: gpu-node-1\n"
        "  status:\n"
        "    conditions:\n"
        "    - lastTransitionTime: 2024-05-06T09:12:40Z\n"
        "      status: \"True\"\n"
        "      type: PodScheduled\n"
        "    containerStatuses:\n"
        "    - image: pytorch:2.1\n"
        "      lastState:\n"
        "        terminated:\n"
        "          exitCode: 137\n"
        "          finishedAt: 2024-05-06T09:20:01Z\n"
        "          reason: OOMKilled\n"
        "      name: trainer\n"
        "      ready: false\n"
        "      restartCount: 4\n"
        "      state:\n"
        "        waiting:\n"
        "          message: back-off 1m20s restarting failed container\n"
        "          reason: CrashLoopBackOff\n"
        "    phase: Running\n"
        "- apiVersion: v1\n"
        "  kind: Pod\n"
        "  metadata:\n"
        "    name: web-1\n"
        "    namespace: kubeflow-user\n"
        "  status:\n"
        "    phase: Pending\n";

static void
pod_list_yields_pods_with_container_states(void **state)
{
    struct seen *s = seen_new();
    struct seen_object *o = &s->o[0];
    struct kt_err err;
    size_t n;

    (void)state;
    assert_int_equal(extract(pod_list, NULL, s, &n, &err), KT_OK);
    assert_int_equal(n, 2);
    assert_int_equal(s->n_objects, 2);
    assert_string_equal(o->kind, "Pod");
    assert_string_equal(o->name, "train-0");
    assert_string_equal(o->namespace, "kubeflow-user");
    assert_string_equal(o->node, "gpu-node-1");
    assert_true(o->has_created);
    assert_int_equal(o->n_containers, 1);
    assert_string_equal(o->state, "waiting");
    assert_string_equal(o->reason, "CrashLoopBackOff");
    assert_string_equal(o->last_state, "terminated");
    assert_string_equal(o->last_reason, "OOMKilled");
    assert_true(o->has_last_exit);
    assert_int_equal(o->last_exit, 137);
    assert_int_equal(o->restarts, 4);
    assert_false(o->ready);
    assert_int_equal(o->n_conditions, 1);
    assert_string_equal(o->cond_type[0], "PodScheduled");
    assert_string_equal(o->cond_status[0], "True");
    assert_string_equal(s->o[1].kind, "Pod");
    assert_string_equal(s->o[1].name, "web-1");
    free(s);
}

static void
list_items_keep_their_source_lines(void **state)
{
    struct seen *s = seen_new();
    struct kt_err err;
    size_t n;

    (void)state;
    assert_int_equal(extract(pod_list, NULL, s, &n, &err), KT_OK);
    assert_int_equal(s->o[0].line, 6);
    assert_int_equal(s->o[1].line, 32);
    free(s);
}

static void
bare_sequence_of_custom_resources_is_read(void **state)
{
    static const char jobs[] =
            "- apiVersion: kubeflow.org/v1\n"
            "  kind: PyTorchJob\n"
            "  metadata:\n"
            "    name: mnist-ddp\n"
            "    namespace: kubeflow-user\n"
            "  status:\n"
            "    conditions:\n"
            "    - message: PyTorchJob mnist-ddp is created.\n"
            "      reason: PyTorchJobCreated\n"
            "      status: \"True\"\n"
            "      type: Created\n"
            "    - message: 'PyTorchJob mnist-ddp has failed because 1"
            " Master replica(s) failed.'\n"
            "      reason: PyTorchJobFailed\n"
            "      status: \"True\"\n"
            "      type: Failed\n"
            "- apiVersion: kubeflow.org/v1\n"
            "  kind: PyTorchJob\n"
            "  metadata:\n"
            "    name: bert-ft\n"
            "    namespace: kubeflow-user\n"
            "  status:\n"
            "    conditions:\n"
            "    - reason: PyTorchJobRunning\n"
            "      status: \"True\"\n"
            "      type: Running\n";
    struct seen *s = seen_new();
    struct seen_object *o = &s->o[0];
    struct kt_err err;
    size_t n;

    (void)state;
    assert_int_equal(extract(jobs, "Ignored", s, &n, &err), KT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(o->kind, "PyTorchJob");
    assert_string_equal(o->name, "mnist-ddp");
    assert_int_equal(o->line, 1);
    assert_int_equal(o->n_conditions, 2);
    assert_string_equal(o->cond_type[1], "Failed");
    assert_string_equal(o->cond_reason[1], "PyTorchJobFailed");
    assert_string_equal(o->cond_msg[1], "PyTorchJob mnist-ddp has failed "
                                        "because 1 Master replica(s) failed.");
    assert_string_equal(s->o[1].name, "bert-ft");
    assert_int_equal(s->o[1].line, 16);
    assert_string_equal(s->o[1].cond_type[0], "Running");
    free(s);
}

static void
items_without_kind_take_the_hint(void **state)
{
    static const char nb[] = "- metadata:\n"
                             "    name: nb-1\n";
    struct seen *s = seen_new();
    struct kt_err err;
    size_t n;

    (void)state;
    assert_int_equal(extract(nb, "Notebook", s, &n, &err), KT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(s->o[0].kind, "Notebook");
    free(s);
}

static const char node_and_events[] =
        "---\n"
        "apiVersion: v1\n"
        "kind: Node\n"
        "metadata:\n"
        "  labels:\n"
        "    nvidia.com/gpu.present: \"true\"\n"
        "  name: gpu-node-1\n"
        "spec:\n"
        "  taints:\n"
        "  - effect: NoSchedule\n"
        "    key: nvidia.com/gpu\n"
        "    value: present\n"
        "status:\n"
        "  allocatable:\n"
        "    cpu: \"32\"\n"
        "    nvidia.com/gpu: \"0\"\n"
        "  capacity:\n"
        "    cpu: \"32\"\n"
        "    nvidia.com/gpu: \"4\"\n"
        "---\n"
        "apiVersion: v1\n"
        "kind: EventList\n"
        "items:\n"
        "- apiVersion: v1\n"
        "  count: 57\n"
        "  involvedObject:\n"
        "    kind: Pod\n"
        "    name: train-0\n"
        "    namespace: kubeflow-user\n"
        "  message: '0/3 nodes are available: 3 Insufficient"
        " nvidia.com/gpu.'\n"
        "  metadata:\n"
        "    name: train-0.17c8\n"
        "    namespace: kubeflow-user\n"
        "  reason: FailedScheduling\n"
        "  type: Warning\n"
        "- apiVersion: v1\n"
        "  involvedObject:\n"
        "    kind: Pod\n"
        "    name: train-0\n"
        "    namespace: kubeflow-user\n"
        "  message: Back-off restarting failed container\n"
        "  metadata:\n"
        "    namespace: kubeflow-user\n"
        "  reason: BackOff\n"
        "  type: Warning\n";

static void
documents_of_a_stream_are_all_delivered(void **state)
{
    struct seen *s = seen_new();
    struct seen_object *o = &s->o[0];
    struct kt_err err;
    size_t n;

    (void)state;
    assert_int_equal(extract(node_and_events, NULL, s, &n, &err), KT_OK);
    assert_int_equal(n, 3);
    assert_int_equal(s->n_objects, 1);
    assert_int_equal(s->n_events, 2);
    assert_string_equal(o->kind, "Node");
    assert_string_equal(o->name, "gpu-node-1");
    assert_int_equal(o->line, 2);
    assert_string_equal(o->labels, "nvidia.com/gpu.present=true");
    assert_string_equal(o->taints, "nvidia.com/gpu=present:NoSchedule");
    assert_int_equal(o->n_resources, 2);
    assert_string_equal(o->res_name[1], "nvidia.com/gpu");
    assert_string_equal(o->res_capacity[1], "4");
    assert_string_equal(o->res_allocatable[1], "0");
    free(s);
}

static void
events_of_a_later_document_keep_fields_and_lines(void **state)
{
    struct seen *s = seen_new();
    struct seen_event *e = &s->e[0];
    struct kt_err err;
    size_t n;

    (void)state;
    assert_int_equal(extract(node_and_events, NULL, s, &n, &err), KT_OK);
    assert_string_equal(e->ns, "kubeflow-user");
    assert_string_equal(e->kind, "Pod");
    assert_string_equal(e->name, "train-0");
    assert_string_equal(e->type, "Warning");
    assert_string_equal(e->reason, "FailedScheduling");
    assert_string_equal(e->msg, "0/3 nodes are available: 3 Insufficient "
                                "nvidia.com/gpu.");
    assert_int_equal(e->count, 57);
    assert_int_equal(e->line, 24);
    assert_string_equal(s->e[1].reason, "BackOff");
    assert_int_equal(s->e[1].count, 1);
    assert_int_equal(s->e[1].line, 36);
    free(s);
}

static void
quoted_scalars_stay_strings_and_nulls_are_absent(void **state)
{
    static const char pod[] = "kind: Pod\n"
                              "metadata:\n"
                              "  creationTimestamp: null\n"
                              "  labels:\n"
                              "    version: \"1.10\"\n"
                              "  name: \"007\"\n"
                              "spec:\n"
                              "  nodeName:\n"
                              "status:\n"
                              "  containerStatuses:\n"
                              "  - lastState:\n"
                              "      terminated:\n"
                              "        exitCode: \"137\"\n"
                              "    name: a\n"
                              "    ready: true\n"
                              "    restartCount: 3\n";
    struct seen *s = seen_new();
    struct seen_object *o = &s->o[0];
    struct kt_err err;
    size_t n;

    (void)state;
    assert_int_equal(extract(pod, NULL, s, &n, &err), KT_OK);
    assert_int_equal(n, 1);
    assert_string_equal(o->name, "007");
    assert_string_equal(o->labels, "version=1.10");
    assert_false(o->has_created);
    assert_string_equal(o->node, "");
    assert_true(o->ready);
    assert_int_equal(o->restarts, 3);
    assert_false(o->has_last_exit);
    free(s);
}

static void
crlf_line_endings_keep_item_lines(void **state)
{
    static const char crlf[] = "- kind: Pod\r\n"
                               "  metadata:\r\n"
                               "    name: a\r\n"
                               "- kind: Pod\r\n"
                               "  metadata:\r\n"
                               "    name: b\r\n";
    struct seen *s = seen_new();
    struct kt_err err;
    size_t n;

    (void)state;
    assert_int_equal(extract(crlf, NULL, s, &n, &err), KT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(s->o[1].name, "b");
    assert_int_equal(s->o[1].line, 4);
    free(s);
}

static void
empty_input_gives_no_items(void **state)
{
    static const char *const texts[] = { "", "# nothing here\n", "---\n",
                                         "kind: List\nitems: []\n" };
    const struct kt_sink sink = { NULL, NULL, NULL };
    struct seen *s = seen_new();
    struct kt_err err;
    size_t n = 99;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        n = 99;
        assert_int_equal(extract(texts[i], NULL, s, &n, &err), KT_OK);
        assert_int_equal(n, 0);
    }
    n = 99;
    assert_int_equal(yamlobj_extract(NULL, 0, NULL, &sink, &n, &err), KT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(s->n_objects + s->n_events, 0);
    free(s);
}

static void
billion_laughs_is_refused_as_an_alias(void **state)
{
    static const char lol[] =
            "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
            "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
            "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
            "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
            "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
            "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
            "kind: Pod\n"
            "metadata: {name: *i}\n";
    struct seen *s = seen_new();
    struct kt_err err;
    size_t n;

    (void)state;
    assert_int_equal(extract(lol, NULL, s, &n, &err), KT_EFORMAT);
    assert_string_equal(err.msg, "YAML aliases are not supported (line 2)");
    assert_int_equal(n, 0);
    assert_int_equal(s->n_objects, 0);
    free(s);
}

static void
deep_flow_nesting_hits_the_depth_limit(void **state)
{
    size_t len = 100000;
    char *deep = malloc(len);
    struct seen *s = seen_new();
    struct kt_err err;
    char want[64];
    size_t n;

    (void)state;
    assert_non_null(deep);
    memset(deep, '[', len);
    assert_int_equal(extract_n(deep, len, NULL, s, &n, &err), KT_ELIMIT);
    snprintf(want, sizeof(want),
             "YAML nested deeper than %d levels (--max-doc-depth)",
             KT_MAX_JSON_DEPTH);
    assert_string_equal(err.msg, want);
    assert_int_equal(n, 0);
    free(deep);
    free(s);
}

static void
deep_block_nesting_hits_the_depth_limit(void **state)
{
    size_t levels = 2000;
    size_t len = levels * 2 + 2;
    char *deep = malloc(len);
    struct seen *s = seen_new();
    struct kt_err err;
    size_t n;
    size_t i;

    (void)state;
    assert_non_null(deep);
    for (i = 0; i < levels; i++) {
        memcpy(deep + 2 * i, "- ", 2);
    }
    memcpy(deep + 2 * levels, "x\n", 2);
    assert_int_equal(extract_n(deep, len, NULL, s, &n, &err), KT_ELIMIT);
    assert_non_null(strstr(err.msg, "nested deeper than"));
    free(deep);
    free(s);
}

static void
nesting_at_the_limit_is_accepted(void **state)
{
    size_t depth = KT_MAX_JSON_DEPTH;
    size_t len = depth * 2;
    char *text = malloc(len);
    struct seen *s = seen_new();
    struct kt_err err;
    size_t n;

    (void)state;
    assert_non_null(text);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    assert_int_equal(extract_n(text, len, NULL, s, &n, &err), KT_OK);
    assert_int_equal(n, 0);
    free(text);
    free(s);
}

static void
too_many_nodes_in_one_document_is_a_limit(void **state)
{
    size_t count = 1000001;
    size_t len = 2 + 2 * count;
    char *text = malloc(len);
    struct seen *s = seen_new();
    struct kt_err err;
    size_t n;
    size_t i;

    (void)state;
    assert_non_null(text);
    text[0] = '[';
    for (i = 0; i < count; i++) {
        memcpy(text + 1 + 2 * i, "0,", 2);
    }
    text[len - 1] = ']';
    assert_int_equal(extract_n(text, len, NULL, s, &n, &err), KT_ELIMIT);
    assert_non_null(strstr(err.msg, "more than 1000000 nodes"));
    free(text);
    free(s);
}

static void
syntax_error_keeps_documents_before_it(void **state)
{
    static const char text[] = "kind: Pod\n"
                               "metadata:\n"
                               "  name: first\n"
                               "---\n"
                               "kind: Pod\n"
                               "metadata:\n"
                               "  name: second\n"
                               "  labels: [a, b\n"
                               "status: {}\n";
    struct seen *s = seen_new();
    struct kt_err err;
    size_t n;

    (void)state;
    assert_int_equal(extract(text, NULL, s, &n, &err), KT_EFORMAT);
    assert_int_equal(n, 1);
    assert_int_equal(s->n_objects, 1);
    assert_string_equal(s->o[0].name, "first");
    assert_non_null(strstr(err.msg, "invalid YAML at line 9: "));
    free(s);
}

static void
invalid_utf8_is_a_format_error_with_its_line(void **state)
{
    static const char text[] = "kind: Pod\n"
                               "metadata:\n"
                               "  name: bad-\xff\xfe\n";
    struct seen *s = seen_new();
    struct kt_err err;
    size_t n;

    (void)state;
    assert_int_equal(extract(text, NULL, s, &n, &err), KT_EFORMAT);
    assert_non_null(strstr(err.msg, "invalid YAML at line 3: "));
    assert_int_equal(s->n_objects, 0);
    free(s);
}

static void
mapping_key_that_is_not_a_scalar_is_refused(void **state)
{
    static const char text[] = "kind: Pod\n"
                               "? [a, b]\n"
                               ": c\n";
    struct seen *s = seen_new();
    struct kt_err err;
    size_t n;

    (void)state;
    assert_int_equal(extract(text, NULL, s, &n, &err), KT_EFORMAT);
    assert_non_null(strstr(err.msg, "line 2 is not a scalar"));
    free(s);
}

static void
long_scalar_is_cut_on_a_character_boundary(void **state)
{
    /* "a" then 40000 two-byte characters: byte KT_MAX_FIELD falls inside
     * a character, so the cut backs off by one byte. */
    size_t n_chars = 40000;
    size_t head = strlen("kind: Pod\nmetadata: {name: p}\nstatus:\n"
                         "  message: a");
    size_t len = head + 2 * n_chars + 1;
    char *text = malloc(len);
    struct seen *s = seen_new();
    struct kt_err err;
    size_t n;
    size_t i;

    (void)state;
    assert_non_null(text);
    memcpy(text,
           "kind: Pod\nmetadata: {name: p}\nstatus:\n"
           "  message: a",
           head);
    for (i = 0; i < n_chars; i++) {
        memcpy(text + head + 2 * i, "\xc3\xa9", 2);
    }
    text[len - 1] = '\n';
    assert_int_equal(extract_n(text, len, NULL, s, &n, &err), KT_OK);
    assert_int_equal(n, 1);
    assert_int_equal(s->o[0].message_len, KT_MAX_FIELD - 1);
    free(text);
    free(s);
}

static void
sink_error_stops_the_stream(void **state)
{
    struct seen *s = seen_new();
    struct kt_err err;
    size_t n;

    (void)state;
    s->reply = KT_EDB;
    assert_int_equal(extract(node_and_events, NULL, s, &n, &err), KT_EDB);
    assert_int_equal(s->n_objects, 1);
    assert_int_equal(s->n_events, 0);
    free(s);
}

/* `kubectl get inferenceservice,ksvc -o yaml`: minReplicas is a YAML
 * integer, the Knative annotation a quoted string. */
static const char serving_yaml[] =
        "apiVersion: v1\n"
        "kind: List\n"
        "items:\n"
        "- apiVersion: serving.kserve.io/v1beta1\n"
        "  kind: InferenceService\n"
        "  metadata:\n"
        "    name: mnist\n"
        "    namespace: team-a\n"
        "  spec:\n"
        "    predictor:\n"
        "      minReplicas: 0\n"
        "- apiVersion: serving.knative.dev/v1\n"
        "  kind: Service\n"
        "  metadata:\n"
        "    name: mnist-predictor\n"
        "    namespace: team-a\n"
        "  spec:\n"
        "    template:\n"
        "      metadata:\n"
        "        annotations:\n"
        "          autoscaling.knative.dev/min-scale: \"0\"\n";

static void
serving_yaml_gives_minimum_scale(void **state)
{
    struct seen *s = seen_new();
    struct kt_err err;
    size_t n = 0;

    (void)state;
    assert_int_equal(extract(serving_yaml, NULL, s, &n, &err), KT_OK);
    assert_int_equal(n, 2);
    assert_string_equal(s->o[0].kind, "InferenceService");
    assert_string_equal(s->o[0].min_scale, "0");
    assert_string_equal(s->o[1].kind, "Service");
    assert_string_equal(s->o[1].min_scale, "0");
    free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pod_list_yields_pods_with_container_states),
        cmocka_unit_test(list_items_keep_their_source_lines),
        cmocka_unit_test(bare_sequence_of_custom_resources_is_read),
        cmocka_unit_test(items_without_kind_take_the_hint),
        cmocka_unit_test(documents_of_a_stream_are_all_delivered),
        cmocka_unit_test(events_of_a_later_document_keep_fields_and_lines),
        cmocka_unit_test(quoted_scalars_stay_strings_and_nulls_are_absent),
        cmocka_unit_test(crlf_line_endings_keep_item_lines),
        cmocka_unit_test(empty_input_gives_no_items),
        cmocka_unit_test(billion_laughs_is_refused_as_an_alias),
        cmocka_unit_test(deep_flow_nesting_hits_the_depth_limit),
        cmocka_unit_test(deep_block_nesting_hits_the_depth_limit),
        cmocka_unit_test(nesting_at_the_limit_is_accepted),
        cmocka_unit_test(too_many_nodes_in_one_document_is_a_limit),
        cmocka_unit_test(syntax_error_keeps_documents_before_it),
        cmocka_unit_test(invalid_utf8_is_a_format_error_with_its_line),
        cmocka_unit_test(mapping_key_that_is_not_a_scalar_is_refused),
        cmocka_unit_test(long_scalar_is_cut_on_a_character_boundary),
        cmocka_unit_test(sink_error_stops_the_stream),
        cmocka_unit_test(serving_yaml_gives_minimum_scale),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
