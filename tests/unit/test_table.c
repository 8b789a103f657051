/* SPDX-License-Identifier: MIT */
/* Unit tests of the `kubectl get` table parser. Tables are laid out the
 * way kubectl's tabwriter prints them (padding 3, minimum width 6, or 10
 * for 2018-era kubectl). Each line is fed from a heap buffer of exactly
 * its length so that ASan catches any read past it. */
/* cmocka needs these four first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "kt_limits.h"
#include "model.h"
#include "table.h"

/* Tables never describe containers: a row gives at most a status. */
static enum kt_status
on_object(void *ctx, const struct kt_object *o)
{
    assert_int_equal(o->n_containers, 0);
    return collect_object(ctx, o);
}

static enum kt_status
line_cb(void *parser, const char *line, size_t len, long lineno)
{
    return table_line(parser, line, len, lineno);
}

/* Feed text to a table parser, then finish. Returns the first status
 * that was not KT_OK. */
static enum kt_status
feed_n(struct got *g, const char *text, size_t len)
{
    struct kt_sink sink = { g, on_object, collect_event };
    struct table_parser *p = table_new(&sink);
    enum kt_status st;

    assert_non_null(p);
    st = collect_lines(p, line_cb, text, len);
    if (st == KT_OK) {
        st = table_finish(p);
    }
    table_free(p);
    return st;
}

static enum kt_status
feed(struct got *g, const char *text)
{
    return feed_n(g, text, strlen(text));
}

/* The object called name; fails the test when there is none. */
static const struct kt_object *
obj(const struct got *g, const char *name)
{
    size_t i;

    for (i = 0; i < g->n_objs; i++) {
        if (g->objs[i].name != NULL && strcmp(g->objs[i].name, name) == 0) {
            return &g->objs[i];
        }
    }
    fail_msg("no object %s", name);
    return NULL;
}

static const char pods[] =
        "NAME                                                          READ"
        "Y   STATUS             RESTARTS         AGE\n"
        "bert-v2-predictor-default-00003-deployment-7d97bb994c-mvllp   0/2 "
        "    CrashLoopBackOff   6                10m\n"
        "cache-server-6746f557c7-7hkv2                                 0/2 "
        "    Init:0/1           0                26h\n"
        "ml-pipeline-5df444d46d-c5c6l                                  1/1 "
        "    Running            0                3d19h\n"
        "nvidia-device-plugin-1655230975-wvvnp                         0/1 "
        "    CrashLoopBackOff   438 (3m9s ago)   37h\n"
        "train-gpu-0                                                   0/1 "
        "    Pending            0                15m\n"
        "katib-mysql-7d8f9c6b5-x2k4q                                   0/1 "
        "    OOMKilled          3 (40s ago)      5m\n"
        "pipeline-step-1234                                            0/1 "
        "    Completed          0                2d\n"
        "evicted-pod-abc                                               0/1 "
        "    Evicted            0                4h\n";

static const char pods_wide_all[] =
        "NAMESPACE                   NAME                                  "
        "            READY   STATUS             RESTARTS   AGE     IP      "
        "    NODE     NOMINATED NODE   READINESS GATES\n"
        "kubeflow                    cache-deployer-deployment-6f4bcc969-jx"
        "q2f         1/2     CrashLoopBackOff   23         102m    10.0.0.1"
        "2   node-3   <none>           <none>\n"
        "kubeflow-user-example-com   pvcviewer-notebook-1-workspace-7fbcb66"
        "bc7-sd2xd   0/2     Init:0/1           0          2m33s   <none>  "
        "    node-2   <none>           <none>\n"
        "team-a                      train-gpu-0                           "
        "            0/1     Pending            0          15m     <none>  "
        "    <none>   <none>           <none>\n";

static const char old_pods[] =
        "NAME                                READY     STATUS    RESTARTS  "
        " AGE\n"
        "inception-gpu-v1-74fc6fd6cf-ft226   0/1       Pending   0         "
        " 15m\n";

static const char events[] =
        "LAST SEEN   TYPE      REASON                OBJECT                "
        "                  MESSAGE\n"
        "2s          Warning   FailedScheduling      pod/inception-gpu-v1-7"
        "4fc6fd6cf-ft226   0/6 nodes are available: 6 Insufficient nvidia.c"
        "om/gpu.\n"
        "30m         Normal    SuccessfulCreatePod   pytorchjob/train-job  "
        "                  Created pod: train-job-worker-0\n"
        "21h         Normal    FailedBinding         persistentvolumeclaim/"
        "minio-pvc         no persistent volumes available for this claim a"
        "nd no storage class is set\n"
        "<unknown>   Warning   BackOff               pod/katib-mysql-7d8f9c"
        "6b5-x2k4q         Back-off restarting failed container\n";

static const char events_wide_all[] =
        "NAMESPACE   LAST SEEN   TYPE      REASON                OBJECT    "
        "               SUBOBJECT                  SOURCE                  "
        "MESSAGE                                                           "
        "                        FIRST SEEN   COUNT   NAME\n"
        "team-a      2m11s       Warning   BackOff               pod/train-"
        "job-worker-0   spec.containers{pytorch}   kubelet, gpu-node-1     "
        "Back-off restarting failed container pytorch in pod train-job-work"
        "er-0_team-a(5d1e0c7a)   11m          9       train-job-worker-0.17"
        "cd2e0f3a1b2c3d\n"
        "team-a      30m         Normal    SuccessfulCreatePod   pytorchjob"
        "/train-job                                pytorchjob-controller   "
        "Created pod: train-job-worker-0                                   "
        "                        30m          1       train-job.17cd2d9e00a"
        "a11bb\n";

static const char kevents[] =
        "NAMESPACE   LAST SEEN           TYPE      REASON             OBJEC"
        "T                                  MESSAGE\n"
        "team-a      12m (x4 over 24m)   Normal    Started            Pod/t"
        "rain-job-worker-0                  Started container pytorch\n"
        "kubeflow    2s (x57 over 15m)   Warning   FailedScheduling   Pod/i"
        "nception-gpu-v1-74fc6fd6cf-ft226   0/6 nodes are available: 6 Insu"
        "fficient nvidia.com/gpu.\n"
        "kubeflow    3m                  Warning   InternalError      Infer"
        "enceService/sklearn-iris           fails to reconcile predictor\n";

static const char nodes[] =
        "NAME              STATUS                     ROLES           AGE  "
        " VERSION\n"
        "gpu-node-1        Ready                      <none>          12d  "
        " v1.27.3\n"
        "gpu-node-2        NotReady                   <none>          12d  "
        " v1.27.3\n"
        "cpu-node-1        Ready,SchedulingDisabled   worker          40d  "
        " v1.26.9\n"
        "control-plane-1   Ready                      control-plane   40d  "
        " v1.27.3\n";

static const char pvcs[] =
        "NAMESPACE      NAME              STATUS    VOLUME                 "
        "                    CAPACITY   ACCESS MODES   STORAGECLASS   AGE\n"
        "istio-system   authservice-pvc   Pending                          "
        "                                                             21h\n"
        "kubeflow       katib-mysql       Bound     pvc-3f6a1c2e-9b7d-4e1a-"
        "8c55-0d2f4b6a9e11   10Gi       RWO            standard       21h\n"
        "kubeflow       minio-pvc         Pending                          "
        "                                                             21h\n";

static const char get_all[] =
        "NAME                                  READY   STATUS             R"
        "ESTARTS   AGE\n"
        "pod/ml-pipeline-5df444d46d-c5c6l      1/1     Running            0"
        "          3d19h\n"
        "pod/ml-pipeline-ui-8589d58598-hcvwq   0/1     ImagePullBackOff   0"
        "          3d19h\n";

static const char get_all2[] =
        "NAME                  TYPE        CLUSTER-IP   EXTERNAL-IP   PORT("
        "S)             AGE\n"
        "service/ml-pipeline   ClusterIP   10.96.12.7   <none>        8888/"
        "TCP,8887/TCP   3d19h\n";

static const char get_all3[] =
        "NAME                          READY   UP-TO-DATE   AVAILABLE   AGE"
        "\n"
        "deployment.apps/ml-pipeline   1/1     1            1           3d1"
        "9h\n";

static const char old_events[] =
        "LAST SEEN   FIRST SEEN   COUNT     NAME                           "
        "     KIND      SUBOBJECT   TYPE      REASON             SOURCE    "
        "          MESSAGE\n"
        "2s          15m          57        inception-gpu-v1-74fc6fd6cf-ft2"
        "26   Pod                   Warning   FailedScheduling   default-sc"
        "heduler   0/6 nodes are available: 6 Insufficient nvidia.com/gpu."
        "\n";

static const char events_nonascii[] =
        "LAST SEEN   TYPE      REASON        OBJECT             SUBOBJECT  "
        " SOURCE            MESSAGE                                   FIRST"
        " SEEN   COUNT   NAME\n"
        "1m          Warning   FailedMount   pod/notebook-1-0              "
        " kubelet, node-2   Échec du montage « data » (voir journal   3m   "
        "        2       notebook-1-0.17cd2e0f3a1b2c3d\n";

/* A message with newlines ends the tabwriter block: the rows after it
 * are aligned anew, narrower than the header. */
static const char multiline_events[] =
        "LAST SEEN   TYPE      REASON   OBJECT        MESSAGE\n"
        "5m          Warning   Failed   pod/train-0   Error: container "
        "trainer failed:\n"
        "Traceback (most recent call last):\n"
        "  File \"train.py\", line 3, in <module>\n"
        "2m    Warning   BackOff   pod/train-0   Back-off restarting failed"
        " container\n"
        "1m    Normal    Pulled    pod/train-0   Container image already "
        "present\n";

static void
pods_table_gives_phase_or_reason_and_no_made_up_message(void **state)
{
    struct got g = { 0 };
    const struct kt_object *o;

    (void)state;
    assert_int_equal(feed(&g, pods), KT_OK);
    assert_int_equal(g.n_objs, 8);
    assert_int_equal(g.n_evs, 0);

    o = obj(&g, "bert-v2-predictor-default-00003-deployment-7d97bb994c-mvllp");
    assert_string_equal(o->kind, "Pod");
    assert_null(o->namespace);
    assert_null(o->phase);
    assert_null(o->node);
    assert_string_equal(o->reason, "CrashLoopBackOff");
    assert_null(o->message);
    assert_int_equal(o->line, 2);

    o = obj(&g, "cache-server-6746f557c7-7hkv2");
    assert_string_equal(o->reason, "Init:0/1");
    assert_null(o->message);

    o = obj(&g, "ml-pipeline-5df444d46d-c5c6l");
    assert_string_equal(o->phase, "Running");
    assert_null(o->reason);

    o = obj(&g, "nvidia-device-plugin-1655230975-wvvnp");
    assert_string_equal(o->reason, "CrashLoopBackOff");
    assert_null(o->message);

    o = obj(&g, "train-gpu-0");
    assert_string_equal(o->phase, "Pending");
    assert_null(o->reason);

    o = obj(&g, "katib-mysql-7d8f9c6b5-x2k4q");
    assert_string_equal(o->reason, "OOMKilled");
    assert_null(o->message);

    /* Completed is a container reason, not a phase. */
    o = obj(&g, "pipeline-step-1234");
    assert_null(o->phase);
    assert_string_equal(o->reason, "Completed");
    assert_string_equal(obj(&g, "evicted-pod-abc")->reason, "Evicted");
    assert_int_equal(obj(&g, "evicted-pod-abc")->line, 9);
    got_fini(&g);
}

static void
wide_all_namespaces_pods_keep_namespace_and_node(void **state)
{
    struct got g = { 0 };
    const struct kt_object *o;

    (void)state;
    assert_int_equal(feed(&g, pods_wide_all), KT_OK);
    assert_int_equal(g.n_objs, 3);

    o = obj(&g, "cache-deployer-deployment-6f4bcc969-jxq2f");
    assert_string_equal(o->namespace, "kubeflow");
    assert_string_equal(o->node, "node-3");
    assert_string_equal(o->reason, "CrashLoopBackOff");
    assert_null(o->message);

    o = obj(&g, "pvcviewer-notebook-1-workspace-7fbcb66bc7-sd2xd");
    assert_string_equal(o->namespace, "kubeflow-user-example-com");
    assert_string_equal(o->node, "node-2");
    assert_string_equal(o->reason, "Init:0/1");

    o = obj(&g, "train-gpu-0");
    assert_string_equal(o->namespace, "team-a");
    assert_null(o->node);
    assert_string_equal(o->phase, "Pending");
    got_fini(&g);
}

static void
old_kubectl_ten_column_minimum_width_is_read(void **state)
{
    struct got g = { 0 };
    const struct kt_object *o;

    (void)state;
    assert_int_equal(feed(&g, old_pods), KT_OK);
    assert_int_equal(g.n_objs, 1);
    o = obj(&g, "inception-gpu-v1-74fc6fd6cf-ft226");
    assert_string_equal(o->phase, "Pending");
    assert_null(o->message);
    got_fini(&g);
}

static void
get_events_table_maps_object_to_kind_and_name(void **state)
{
    struct got g = { 0 };
    const struct kt_event *e;

    (void)state;
    assert_int_equal(feed(&g, events), KT_OK);
    assert_int_equal(g.n_objs, 0);
    assert_int_equal(g.n_evs, 4);

    e = &g.evs[0];
    assert_null(e->namespace);
    assert_string_equal(e->kind, "Pod");
    assert_string_equal(e->name, "inception-gpu-v1-74fc6fd6cf-ft226");
    assert_string_equal(e->type, "Warning");
    assert_string_equal(e->reason, "FailedScheduling");
    assert_string_equal(e->message, "0/6 nodes are available: 6 Insufficient "
                                    "nvidia.com/gpu.");
    assert_null(e->source);
    assert_int_equal(e->count, 1);
    assert_string_equal(e->age, "2s");
    assert_null(e->first_seen);
    assert_null(e->last_seen);
    assert_int_equal(e->line, 2);

    assert_string_equal(g.evs[1].kind, "PyTorchJob");
    assert_string_equal(g.evs[1].name, "train-job");
    assert_string_equal(g.evs[1].message, "Created pod: train-job-worker-0");
    assert_string_equal(g.evs[2].kind, "PersistentVolumeClaim");
    assert_string_equal(g.evs[2].name, "minio-pvc");
    assert_string_equal(g.evs[3].age, "<unknown>");
    assert_string_equal(g.evs[3].reason, "BackOff");
    assert_int_equal(g.evs[3].line, 5);
    got_fini(&g);
}

static void
wide_events_read_source_count_and_empty_subobject(void **state)
{
    struct got g = { 0 };
    const struct kt_event *e;

    (void)state;
    assert_int_equal(feed(&g, events_wide_all), KT_OK);
    assert_int_equal(g.n_evs, 2);

    e = &g.evs[0];
    assert_string_equal(e->namespace, "team-a");
    assert_string_equal(e->kind, "Pod");
    assert_string_equal(e->name, "train-job-worker-0");
    assert_string_equal(e->source, "kubelet, gpu-node-1");
    assert_string_equal(e->message,
                        "Back-off restarting failed container pytorch in "
                        "pod train-job-worker-0_team-a(5d1e0c7a)");
    assert_int_equal(e->count, 9);
    assert_string_equal(e->age, "2m11s (x9 over 11m)");

    e = &g.evs[1];
    assert_string_equal(e->kind, "PyTorchJob");
    assert_string_equal(e->reason, "SuccessfulCreatePod");
    assert_string_equal(e->source, "pytorchjob-controller");
    assert_string_equal(e->message, "Created pod: train-job-worker-0");
    assert_int_equal(e->count, 1);
    assert_string_equal(e->age, "30m");
    got_fini(&g);
}

static void
kubectl_events_reads_repeat_count_from_last_seen(void **state)
{
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, kevents), KT_OK);
    assert_int_equal(g.n_evs, 3);
    assert_string_equal(g.evs[0].namespace, "team-a");
    assert_string_equal(g.evs[0].kind, "Pod");
    assert_string_equal(g.evs[0].name, "train-job-worker-0");
    assert_string_equal(g.evs[0].age, "12m (x4 over 24m)");
    assert_int_equal(g.evs[0].count, 4);
    assert_string_equal(g.evs[0].message, "Started container pytorch");
    assert_int_equal(g.evs[1].count, 57);
    assert_string_equal(g.evs[1].reason, "FailedScheduling");
    assert_string_equal(g.evs[2].kind, "InferenceService");
    assert_string_equal(g.evs[2].name, "sklearn-iris");
    assert_int_equal(g.evs[2].count, 1);
    got_fini(&g);
}

static void
pre_1_14_events_take_kind_and_name_columns(void **state)
{
    struct got g = { 0 };
    const struct kt_event *e;

    (void)state;
    assert_int_equal(feed(&g, old_events), KT_OK);
    assert_int_equal(g.n_evs, 1);
    e = &g.evs[0];
    assert_string_equal(e->kind, "Pod");
    assert_string_equal(e->name, "inception-gpu-v1-74fc6fd6cf-ft226");
    assert_string_equal(e->source, "default-scheduler");
    assert_int_equal(e->count, 57);
    assert_string_equal(e->age, "2s (x57 over 15m)");
    got_fini(&g);
}

static void
multiline_event_message_is_joined_and_later_rows_realign(void **state)
{
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, multiline_events), KT_OK);
    assert_int_equal(g.n_evs, 3);
    assert_string_equal(g.evs[0].message,
                        "Error: container trainer failed:\n"
                        "Traceback (most recent call last):\n"
                        "  File \"train.py\", line 3, in <module>");
    assert_string_equal(g.evs[1].reason, "BackOff");
    assert_string_equal(g.evs[1].age, "2m");
    assert_string_equal(g.evs[1].name, "train-0");
    assert_string_equal(g.evs[1].message,
                        "Back-off restarting failed container");
    assert_int_equal(g.evs[1].line, 5);
    assert_string_equal(g.evs[2].type, "Normal");
    assert_string_equal(g.evs[2].message, "Container image already present");
    got_fini(&g);
}

static void
columns_are_counted_in_code_points(void **state)
{
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, events_nonascii), KT_OK);
    assert_int_equal(g.n_evs, 1);
    assert_string_equal(g.evs[0].message,
                        "Échec du montage « data » (voir journal");
    assert_int_equal(g.evs[0].count, 2);
    assert_string_equal(g.evs[0].age, "1m (x2 over 3m)");
    assert_string_equal(g.evs[0].source, "kubelet, node-2");
    got_fini(&g);
}

static void
nodes_table_gives_readiness_and_cordon(void **state)
{
    struct got g = { 0 };
    const struct kt_object *o;

    (void)state;
    assert_int_equal(feed(&g, nodes), KT_OK);
    assert_int_equal(g.n_objs, 4);

    o = obj(&g, "gpu-node-1");
    assert_string_equal(o->kind, "Node");
    assert_string_equal(o->phase, "Ready");
    assert_null(o->reason);
    assert_null(o->taints);
    assert_string_equal(o->message, "VERSION v1.27.3");

    o = obj(&g, "gpu-node-2");
    assert_string_equal(o->phase, "NotReady");
    assert_string_equal(o->reason, "NotReady");

    o = obj(&g, "cpu-node-1");
    assert_string_equal(o->phase, "Ready");
    assert_string_equal(o->reason, "SchedulingDisabled");
    assert_string_equal(o->taints,
                        "node.kubernetes.io/unschedulable:NoSchedule");
    assert_string_equal(o->message, "ROLES worker, VERSION v1.26.9");

    o = obj(&g, "control-plane-1");
    assert_string_equal(o->message, "ROLES control-plane, VERSION v1.27.3");
    got_fini(&g);
}

static void
pvc_table_reads_two_word_header_and_empty_cells(void **state)
{
    struct got g = { 0 };
    const struct kt_object *o;

    (void)state;
    assert_int_equal(feed(&g, pvcs), KT_OK);
    assert_int_equal(g.n_objs, 3);

    o = obj(&g, "authservice-pvc");
    assert_string_equal(o->kind, "PersistentVolumeClaim");
    assert_string_equal(o->namespace, "istio-system");
    assert_string_equal(o->phase, "Pending");
    assert_null(o->volume);
    assert_null(o->storage_class);

    o = obj(&g, "katib-mysql");
    assert_string_equal(o->phase, "Bound");
    assert_string_equal(o->volume, "pvc-3f6a1c2e-9b7d-4e1a-8c55-0d2f4b6a9e11");
    assert_string_equal(o->storage_class, "standard");
    assert_string_equal(obj(&g, "minio-pvc")->phase, "Pending");
    got_fini(&g);
}

/* Concatenate three strings into a heap buffer the caller frees. */
static char *
concat3(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);

    assert_non_null(s);
    snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

static void
get_all_sections_take_kind_from_name_prefix(void **state)
{
    struct got g = { 0 };
    char *ab = concat3(get_all, "\n", get_all2);
    char *text = concat3(ab, "\n", get_all3);

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_objs, 4);
    assert_string_equal(g.objs[0].kind, "Pod");
    assert_string_equal(g.objs[0].name, "ml-pipeline-5df444d46d-c5c6l");
    assert_string_equal(g.objs[0].phase, "Running");
    assert_string_equal(g.objs[1].reason, "ImagePullBackOff");
    assert_string_equal(g.objs[2].kind, "Service");
    assert_string_equal(g.objs[2].name, "ml-pipeline");
    assert_null(g.objs[2].phase);
    assert_null(g.objs[2].message);
    assert_string_equal(g.objs[3].kind, "Deployment");
    assert_string_equal(g.objs[3].name, "ml-pipeline");
    assert_int_equal(g.objs[3].line, 9);
    got_fini(&g);
    free(ab);
    free(text);
}

static void
pods_then_events_in_one_file_switch_tables(void **state)
{
    struct got g = { 0 };
    char *blank = concat3(pods_wide_all, "\n", events_wide_all);
    char *direct = concat3(pods_wide_all, "", kevents);

    (void)state;
    assert_int_equal(feed(&g, blank), KT_OK);
    assert_int_equal(g.n_objs, 3);
    assert_int_equal(g.n_evs, 2);
    assert_int_equal(g.evs[0].line, 7);
    assert_int_equal(g.evs[0].count, 9);
    got_fini(&g);

    /* A new header ends the previous table without a blank line. */
    assert_int_equal(feed(&g, direct), KT_OK);
    assert_int_equal(g.n_objs, 3);
    assert_int_equal(g.n_evs, 3);
    assert_int_equal(g.evs[0].line, 6);
    assert_int_equal(g.evs[2].count, 1);
    got_fini(&g);
    free(blank);
    free(direct);
}

static void
rows_out_of_line_with_header_are_split_on_spaces(void **state)
{
    static const char edited[] =
            "NAME                               READY   STATUS    RESTARTS   "
            "AGE\n"
            "ml-pipeline-5df444d46d-c5c6l              1/1        Running 0 "
            "3d19h\n"
            "ml-pipeline-ui-8589d58598-hcvwq       1/1        Running 0 "
            "3d19h\n"
            "train-gpu-0\t0/1\tCrashLoopBackOff\t5 (2m ago)\t9m\n";
    static const char wide[] =
            "NAMESPACE                   NAME                 READY   STATUS"
            "    RESTARTS   AGE   IP         NODE     NOMINATED NODE   "
            "READINESS GATES\n"
            "kubeflow-user-example-com              notebook-1-0           "
            "                           2/2     Running   0  43h     "
            "10.0.0.1   node-3\n";
    struct got g = { 0 };
    const struct kt_object *o;

    (void)state;
    assert_int_equal(feed(&g, edited), KT_OK);
    assert_int_equal(g.n_objs, 3);
    o = obj(&g, "ml-pipeline-5df444d46d-c5c6l");
    assert_string_equal(o->phase, "Running");
    assert_null(o->message);
    assert_string_equal(obj(&g, "ml-pipeline-ui-8589d58598-hcvwq")->phase,
                        "Running");
    o = obj(&g, "train-gpu-0");
    assert_string_equal(o->reason, "CrashLoopBackOff");
    assert_null(o->message);
    got_fini(&g);

    assert_int_equal(feed(&g, wide), KT_OK);
    assert_int_equal(g.n_objs, 1);
    o = obj(&g, "notebook-1-0");
    assert_string_equal(o->namespace, "kubeflow-user-example-com");
    assert_string_equal(o->phase, "Running");

    /* The row is shorter than the header, so its last cell may have
     * been cut by truncation and is not used. */
    assert_null(o->node);
    got_fini(&g);
}

static void
truncated_rows_keep_only_complete_cells(void **state)
{
    static const char cut_status[] =
            "NAME                  READY   STATUS             RESTARTS   AGE\n"
            "train-gpu-0           0/1     Pending            0          15m\n"
            "train-gpu-1           0/1     CrashLoo";
    static const char cut_name[] =
            "NAME                  READY   STATUS             RESTARTS   AGE\n"
            "train-gpu-0           0/1     Pending            0          15m\n"
            "train-gp";
    static const char cut_event[] =
            "LAST SEEN   TYPE      REASON    OBJECT        MESSAGE\n"
            "2m          Warning   BackOff   pod/train-0   Back-off restart\n"
            "1m          Warning   Fail";
    struct got g = { 0 };
    const struct kt_object *o;

    (void)state;
    assert_int_equal(feed(&g, cut_status), KT_OK);
    assert_int_equal(g.n_objs, 2);
    o = obj(&g, "train-gpu-1");
    assert_null(o->phase);
    assert_null(o->reason);
    assert_null(o->message);
    got_fini(&g);

    assert_int_equal(feed(&g, cut_name), KT_OK);
    assert_int_equal(g.n_objs, 1);
    got_fini(&g);

    /* The cut row is neither an event nor part of the last message. */
    assert_int_equal(feed(&g, cut_event), KT_OK);
    assert_int_equal(g.n_evs, 1);
    assert_string_equal(g.evs[0].message, "Back-off restart");
    got_fini(&g);
}

static void
escaped_control_bytes_stay_as_text(void **state)
{
    static const char text[] =
            "LAST SEEN   TYPE      REASON          OBJECT                    "
            "         MESSAGE\n"
            "40s         Warning   InternalError   inferenceservice/sklearn-"
            "iris   ^[[31mERROR^[[0m model load failed\\r\n";
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_evs, 1);
    assert_string_equal(g.evs[0].kind, "InferenceService");
    assert_string_equal(g.evs[0].message,
                        "^[[31mERROR^[[0m model load failed\\r");
    got_fini(&g);
}

static void
crlf_line_ends_are_tolerated(void **state)
{
    static const char text[] =
            "NAME          READY   STATUS    RESTARTS   AGE\r\n"
            "train-gpu-0   0/1     Pending   0          15m\r\n"
            "\r\n"
            "LAST SEEN   TYPE      REASON    OBJECT            MESSAGE\r\n"
            "2m          Warning   BackOff   pod/train-gpu-0   Back-off\r\n";
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_objs, 1);
    assert_string_equal(g.objs[0].phase, "Pending");
    assert_null(g.objs[0].message);
    assert_int_equal(g.n_evs, 1);
    assert_string_equal(g.evs[0].message, "Back-off");
    got_fini(&g);
}

static void
long_message_is_cut_at_max_field(void **state)
{
    static const char head[] =
            "LAST SEEN   TYPE      REASON    OBJECT        MESSAGE\n"
            "2m          Warning   BackOff   pod/train-0   ";
    size_t n = strlen(head) + (size_t)KT_MAX_FIELD * 2;
    char *text = malloc(n);
    struct got g = { 0 };

    (void)state;
    assert_non_null(text);
    memcpy(text, head, strlen(head));
    memset(text + strlen(head), 'x', n - strlen(head));
    assert_int_equal(feed_n(&g, text, n), KT_OK);
    assert_int_equal(g.n_evs, 1);
    assert_int_equal(strlen(g.evs[0].message), KT_MAX_FIELD);
    got_fini(&g);
    free(text);
}

static void
text_outside_known_tables_emits_nothing(void **state)
{
    static const char text[] =
            "$ kubectl get pods -n kubeflow\n"
            "No resources found in kubeflow namespace.\n"
            "\n"
            "NAME             STATE   AGE\n"
            "pytorch-simple           30m\n"
            "\n"
            "train-gpu-0   0/1     Pending   0          15m\n"
            "NAME          READY   STATUS    RESTARTS   AGE\n"
            "Error from server (Forbidden): pods is forbidden\n"
            "error: You must be logged in to the server (Unauthorized)\n";
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_seen, 0);
    got_fini(&g);
}

static void
sink_error_stops_the_parser(void **state)
{
    struct got g = { 0 };

    (void)state;
    g.fail_with = KT_EDB;
    assert_int_equal(feed(&g, pods), KT_EDB);
    assert_int_equal(g.n_seen, 1);
    got_fini(&g);

    g.fail_with = KT_EDB;
    assert_int_equal(feed(&g, kevents), KT_EDB);
    assert_int_equal(g.n_seen, 1);
    got_fini(&g);
}

/* Cut every sample after each of its bytes: nothing may crash or leak,
 * and no cut yields more rows than the whole sample. */
static void
every_truncation_of_the_samples_is_survived(void **state)
{
    static const char *const samples[] = {
        pods, pods_wide_all, events_wide_all, kevents,          nodes,
        pvcs, old_events,    events_nonascii, multiline_events, get_all,
    };
    size_t s;
    size_t cut;

    (void)state;
    for (s = 0; s < sizeof(samples) / sizeof(samples[0]); s++) {
        size_t len = strlen(samples[s]);
        struct got full = { 0 };

        assert_int_equal(feed(&full, samples[s]), KT_OK);
        for (cut = 0; cut <= len; cut++) {
            struct got g = { 0 };
            char *copy = malloc(cut > 0 ? cut : 1);

            assert_non_null(copy);
            memcpy(copy, samples[s], cut);
            assert_int_equal(feed_n(&g, copy, cut), KT_OK);
            assert_true(g.n_seen <= full.n_seen);
            got_fini(&g);
            free(copy);
        }
        got_fini(&full);
    }
}

static void
arbitrary_bytes_are_survived(void **state)
{
    static const char *const seeds[] = {
        "NAME   READY   STATUS   RESTARTS   AGE",
        "NAMESPACE   NAME   STATUS   VOLUME   ACCESS MODES",
        "LAST SEEN   TYPE   REASON   OBJECT   MESSAGE",
        "LAST SEEN  TYPE  REASON  OBJECT  SOURCE  MESSAGE  COUNT  NAME",
        "NAME   STATUS   ROLES   AGE   VERSION",
        "2m   Warning   BackOff   pod/x   y",
        "x   0/1   Running   5 (2m ago)   3m",
        "a   b   Normal   c",
        "(((((",
        "pod/x,   Warning",
    };
    const size_t n_seeds = sizeof(seeds) / sizeof(seeds[0]);
    unsigned long rng = 4242;
    char line[120];
    struct got g = { 0 };
    struct kt_sink sink = { &g, on_object, collect_event };
    struct table_parser *p;
    long i;

    (void)state;
    for (int round = 0; round < 30; round++) {
        p = table_new(&sink);
        assert_non_null(p);
        for (i = 1; i <= 400; i++) {
            size_t n;
            size_t k;

            rng = rng * 1103515245UL + 12345UL;
            if ((rng >> 8) % 2 == 0) {
                const char *seed = seeds[(rng >> 12) % n_seeds];

                n = strlen(seed);
                memcpy(line, seed, n);
                rng = rng * 1103515245UL + 12345UL;
                k = (rng >> 16) % (n + 1);
                if (k < n) {
                    line[k] = (char)(rng >> 8);
                }
            } else {
                n = (rng >> 16) % sizeof(line);
                for (k = 0; k < n; k++) {
                    rng = rng * 1103515245UL + 12345UL;
                    line[k] = "aZ /(),:<0\t\r\xc3\xa9-"[(rng >> 16) % 16];
                }
            }
            assert_int_equal(table_line(p, line, n, i), KT_OK);
        }
        assert_int_equal(table_finish(p), KT_OK);
        table_free(p);
        got_fini(&g);
    }
}

/* table_sniff on an exact-size heap copy of s. */
static bool
sniff(const char *s)
{
    size_t n = strlen(s);
    char *copy = malloc(n > 0 ? n : 1);
    bool r;

    assert_non_null(copy);
    memcpy(copy, s, n);
    r = table_sniff(copy, n);
    free(copy);
    return r;
}

static void
sniff_accepts_get_headers_and_rejects_others(void **state)
{
    (void)state;
    assert_true(sniff(pods));
    assert_true(sniff(pods_wide_all));
    assert_true(sniff(events));
    assert_true(sniff(events_wide_all));
    assert_true(sniff(kevents));
    assert_true(sniff(old_events));
    assert_true(sniff("\n  \r\nNAME   STATUS   ROLES   AGE   VERSION\r\n"));
    assert_true(sniff("NAME             STATE   AGE\n"));
    assert_true(sniff("NAME READY STATUS RESTARTS AGE\n"));
    assert_true(sniff("LAST SEEN   TYPE"));

    assert_false(sniff("NAME STATE AGE\n"));
    assert_false(sniff("Name:         train-gpu-0\nNamespace:    a\n"));
    assert_false(sniff("NAME:   x\n"));
    assert_false(sniff("NAME\n"));
    assert_false(sniff("NAMESPACE   READY   STATUS\n"));
    assert_false(sniff("READY   NAME   STATUS\n"));
    assert_false(sniff("  NAME   READY\n"));
    assert_false(sniff("ERROR   something failed\n"));
    assert_false(
            sniff("I0501 12:00:00.000000       1 main.go:10] NAME   READY"));
    assert_false(sniff("2024-05-06T09:12:44Z INFO NAME   READY\n"));
    assert_false(sniff("{\"kind\": \"List\"}"));
    assert_false(sniff(""));
    assert_false(sniff("\n \n"));
}

static void
free_of_null_does_nothing(void **state)
{
    (void)state;
    table_free(NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
                pods_table_gives_phase_or_reason_and_no_made_up_message),
        cmocka_unit_test(wide_all_namespaces_pods_keep_namespace_and_node),
        cmocka_unit_test(old_kubectl_ten_column_minimum_width_is_read),
        cmocka_unit_test(get_events_table_maps_object_to_kind_and_name),
        cmocka_unit_test(wide_events_read_source_count_and_empty_subobject),
        cmocka_unit_test(kubectl_events_reads_repeat_count_from_last_seen),
        cmocka_unit_test(pre_1_14_events_take_kind_and_name_columns),
        cmocka_unit_test(
                multiline_event_message_is_joined_and_later_rows_realign),
        cmocka_unit_test(columns_are_counted_in_code_points),
        cmocka_unit_test(nodes_table_gives_readiness_and_cordon),
        cmocka_unit_test(pvc_table_reads_two_word_header_and_empty_cells),
        cmocka_unit_test(get_all_sections_take_kind_from_name_prefix),
        cmocka_unit_test(pods_then_events_in_one_file_switch_tables),
        cmocka_unit_test(rows_out_of_line_with_header_are_split_on_spaces),
        cmocka_unit_test(truncated_rows_keep_only_complete_cells),
        cmocka_unit_test(escaped_control_bytes_stay_as_text),
        cmocka_unit_test(crlf_line_ends_are_tolerated),
        cmocka_unit_test(long_message_is_cut_at_max_field),
        cmocka_unit_test(text_outside_known_tables_emits_nothing),
        cmocka_unit_test(sink_error_stops_the_parser),
        cmocka_unit_test(every_truncation_of_the_samples_is_survived),
        cmocka_unit_test(arbitrary_bytes_are_survived),
        cmocka_unit_test(sniff_accepts_get_headers_and_rejects_others),
        cmocka_unit_test(free_of_null_does_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
