/* SPDX-License-Identifier: MIT */
/* Unit tests of the describe parser. Each test feeds `kubectl describe`
 * text from memory, one exact-size heap copy per line so that ASan sees
 * any read past a line, and checks what reached the sink. */
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
#include "describe.h"
#include "kt_limits.h"
#include "model.h"

static enum kt_status
line_cb(void *parser, const char *line, size_t len, long lineno)
{
    return describe_line(parser, line, len, lineno);
}

/* Feed text to a describe parser, then finish. Returns the first status
 * that was not KT_OK. */
static enum kt_status
feed_n(struct got *g, const char *text, size_t len)
{
    struct kt_sink sink = { g, collect_object, collect_event };
    struct describe_parser *p = describe_new(&sink);
    enum kt_status st;

    assert_non_null(p);
    st = collect_lines(p, line_cb, text, len);
    if (st == KT_OK) {
        st = describe_finish(p);
    }
    describe_free(p);
    return st;
}

static enum kt_status
feed(struct got *g, const char *text)
{
    return feed_n(g, text, strlen(text));
}

/* The resource called name; fails the test when there is none. */
static const struct kt_resource *
find_resource(const struct kt_object *o, const char *name)
{
    static const struct kt_resource none = { 0 };
    size_t i;

    for (i = 0; i < o->n_resources; i++) {
        if (strcmp(o->resources[i].name, name) == 0) {
            return &o->resources[i];
        }
    }
    fail_msg("no resource %s", name);
    return &none;
}

static const char pending_gpu_pod[] =
        "Name:             train-gpu-0\n"
        "Namespace:        team-a\n"
        "Priority:         0\n"
        "Service Account:  default-editor\n"
        "Node:             <none>\n"
        "Labels:           app=train-gpu\n"
        "Annotations:      <none>\n"
        "Status:           Pending\n"
        "IP:               \n"
        "IPs:              <none>\n"
        "Containers:\n"
        "  trainer:\n"
        "    Image:      registry.example.com/team/train:1.4\n"
        "    Port:       <none>\n"
        "    Host Port:  <none>\n"
        "    Limits:\n"
        "      nvidia.com/gpu:  1\n"
        "    Requests:\n"
        "      cpu:             2\n"
        "      nvidia.com/gpu:  1\n"
        "    Environment:       <none>\n"
        "    Mounts:\n"
        "      /var/run/secrets/kubernetes.io/serviceaccount from kube-api "
        "(ro)\n"
        "Conditions:\n"
        "  Type           Status\n"
        "  PodScheduled   False \n"
        "Volumes:\n"
        "  data:\n"
        "    Type:       PersistentVolumeClaim (a reference to a "
        "PersistentVolumeClaim in the same namespace)\n"
        "    ClaimName:  train-data\n"
        "    ReadOnly:   false\n"
        "QoS Class:                   Burstable\n"
        "Node-Selectors:              <none>\n"
        "Tolerations:                 nvidia.com/gpu:NoSchedule op=Exists\n"
        "Events:\n"
        "  Type     Reason            Age                From              "
        " Message\n"
        "  ----     ------            ----               ----              "
        " -------\n"
        "  Warning  FailedScheduling  2s (x57 over 15m)  default-scheduler "
        " 0/6 nodes are available: 6 Insufficient nvidia.com/gpu.\n";

static void
pending_gpu_pod_yields_failed_scheduling_event(void **state)
{
    struct got g = { 0 };
    const struct kt_object *o;
    const struct kt_resource *r;
    const struct kt_event *e;

    (void)state;
    assert_int_equal(feed(&g, pending_gpu_pod), KT_OK);
    assert_int_equal(g.n_objs, 1);
    o = &g.objs[0];
    assert_string_equal(o->kind, "Pod");
    assert_string_equal(o->name, "train-gpu-0");
    assert_string_equal(o->namespace, "team-a");
    assert_string_equal(o->phase, "Pending");
    assert_null(o->node);
    assert_int_equal(o->line, 1);
    assert_string_equal(o->labels, "app=train-gpu");
    assert_string_equal(o->claims, "train-data");
    assert_string_equal(o->tolerations, "nvidia.com/gpu:NoSchedule");
    assert_string_equal(o->service_account, "default-editor");
    assert_null(o->node_selector);
    assert_int_equal(o->n_containers, 1);
    assert_string_equal(o->containers[0].name, "trainer");
    assert_null(o->containers[0].state);
    r = find_resource(o, "nvidia.com/gpu");
    assert_non_null(r);
    assert_string_equal(r->capacity, "1");
    assert_string_equal(r->allocatable, "1");
    r = find_resource(o, "cpu");
    assert_non_null(r);
    assert_null(r->capacity);
    assert_string_equal(r->allocatable, "2");
    assert_int_equal(o->n_conditions, 1);
    assert_string_equal(o->conditions[0].type, "PodScheduled");
    assert_string_equal(o->conditions[0].status, "False");

    assert_int_equal(g.n_evs, 1);
    e = &g.evs[0];
    assert_string_equal(e->namespace, "team-a");
    assert_string_equal(e->kind, "Pod");
    assert_string_equal(e->name, "train-gpu-0");
    assert_string_equal(e->type, "Warning");
    assert_string_equal(e->reason, "FailedScheduling");
    assert_string_equal(e->age, "2s (x57 over 15m)");
    assert_int_equal(e->count, 57);
    assert_string_equal(e->source, "default-scheduler");
    assert_string_equal(e->message, "0/6 nodes are available: 6 Insufficient "
                                    "nvidia.com/gpu.");
    assert_int_equal(e->line, 38);
    got_fini(&g);
}

/* The full pod of the format notes, restart count raised to 12. */
static const char crashloop_pod[] =
        "Name:             train-job-worker-0\n"
        "Namespace:        team-a\n"
        "Priority:         0\n"
        "Service Account:  default-editor\n"
        "Node:             gpu-node-1/10.0.1.12\n"
        "Start Time:       Mon, 06 May 2024 09:12:44 +0000\n"
        "Labels:           app=train-job\n"
        "                  training.kubeflow.org/replica-type=worker\n"
        "Annotations:      sidecar.istio.io/inject: false\n"
        "                  example.com/long-note:\n"
        "                    xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
        "Status:           Running\n"
        "IP:               10.244.3.17\n"
        "IPs:\n"
        "  IP:           10.244.3.17\n"
        "Controlled By:  PyTorchJob/train-job\n"
        "Init Containers:\n"
        "  init-wait:\n"
        "    Container ID:  containerd://0f3c\n"
        "    Image:         busybox:1.36\n"
        "    Image ID:      docker.io/library/busybox@sha256:5c3a\n"
        "    Port:          <none>\n"
        "    Host Port:     <none>\n"
        "    Command:\n"
        "      sh\n"
        "      -c\n"
        "      until nslookup train-job-master-0; do sleep 2; done\n"
        "    State:          Terminated\n"
        "      Reason:       Completed\n"
        "      Exit Code:    0\n"
        "      Started:      Mon, 06 May 2024 09:12:50 +0000\n"
        "      Finished:     Mon, 06 May 2024 09:13:31 +0000\n"
        "    Ready:          True\n"
        "    Restart Count:  0\n"
        "    Environment:    <none>\n"
        "    Mounts:\n"
        "      /var/run/secrets/kubernetes.io/serviceaccount from "
        "kube-api-access-x7k2p (ro)\n"
        "Containers:\n"
        "  pytorch:\n"
        "    Container ID:  containerd://9ab1\n"
        "    Image:         registry.example.com/team/train:1.4\n"
        "    Image ID:      registry.example.com/team/train@sha256:77aa\n"
        "    Port:          23456/TCP (pytorchjob-port)\n"
        "    Host Port:     0/TCP (pytorchjob-port)\n"
        "    Command:\n"
        "      python\n"
        "      /workspace/train.py\n"
        "    State:       Waiting\n"
        "      Reason:    CrashLoopBackOff\n"
        "    Last State:  Terminated\n"
        "      Reason:    Error\n"
        "      Message:   Traceback (most recent call last):\n"
        "  File \"/workspace/train.py\", line 88, in <module>\n"
        "    main()\n"
        "RuntimeError: NCCL communicator was aborted\n"
        "\n"
        "      Exit Code:    1\n"
        "      Started:      Mon, 06 May 2024 09:20:03 +0000\n"
        "      Finished:     Mon, 06 May 2024 09:31:40 +0000\n"
        "    Ready:          False\n"
        "    Restart Count:  12\n"
        "    Limits:\n"
        "      memory:          64Gi\n"
        "      nvidia.com/gpu:  1\n"
        "    Requests:\n"
        "      cpu:             4\n"
        "      memory:          32Gi\n"
        "      nvidia.com/gpu:  1\n"
        "    Environment:\n"
        "      MASTER_ADDR:    train-job-master-0\n"
        "      RANK:           1\n"
        "      NCCL_PASSWORD:  <set to the key 'pw' in secret 'nccl'>  "
        "Optional: false\n"
        "    Mounts:\n"
        "      /dev/shm from dshm (rw)\n"
        "Conditions:\n"
        "  Type                        Status\n"
        "  PodReadyToStartContainers   True \n"
        "  Initialized                 True \n"
        "  Ready                       False \n"
        "  ContainersReady             False \n"
        "  PodScheduled                True \n"
        "Volumes:\n"
        "  dshm:\n"
        "    Type:       EmptyDir (a temporary directory that shares a "
        "pod's lifetime)\n"
        "    Medium:     Memory\n"
        "    SizeLimit:  <unset>\n"
        "QoS Class:                   Burstable\n"
        "Node-Selectors:              nvidia.com/gpu.present=true\n"
        "Tolerations:                 node.kubernetes.io/not-ready:NoExecute "
        "op=Exists for 300s\n"
        "                             node.kubernetes.io/unreachable:NoExecute "
        "op=Exists for 300s\n"
        "                             nvidia.com/gpu:NoSchedule op=Exists\n"
        "Events:\n"
        "  Type     Reason     Age                  From               "
        "Message\n"
        "  ----     ------     ----                 ----               "
        "-------\n"
        "  Normal   Scheduled  25m                  default-scheduler  "
        "Successfully assigned team-a/train-job-worker-0 to gpu-node-1\n"
        "  Normal   Pulled     25m                  kubelet            "
        "Container image \"busybox:1.36\" already present on machine\n"
        "  Normal   Started    12m (x4 over 24m)    kubelet            "
        "Started container pytorch\n"
        "  Warning  BackOff    2m11s (x9 over 11m)  kubelet            "
        "Back-off restarting failed container pytorch in pod "
        "train-job-worker-0_team-a(5d1e0c7a-1111-2222-3333-444455556666)\n";

static void
crashloop_pod_keeps_last_termination(void **state)
{
    struct got g = { 0 };
    const struct kt_object *o;
    const struct kt_container *c;

    (void)state;
    assert_int_equal(feed(&g, crashloop_pod), KT_OK);
    assert_int_equal(g.n_objs, 1);
    o = &g.objs[0];
    assert_string_equal(o->kind, "Pod");
    assert_string_equal(o->phase, "Running");
    assert_string_equal(o->node, "gpu-node-1");
    assert_string_equal(o->created, "2024-05-06T09:12:44Z");
    assert_string_equal(o->labels, "app=train-job,training.kubeflow.org/"
                                   "replica-type=worker");
    assert_string_equal(o->owner_kind, "PyTorchJob");
    assert_string_equal(o->owner_name, "train-job");
    assert_string_equal(o->node_selector, "nvidia.com/gpu.present=true");
    assert_string_equal(o->tolerations,
                        "node.kubernetes.io/not-ready:NoExecute,"
                        "node.kubernetes.io/unreachable:NoExecute,"
                        "nvidia.com/gpu:NoSchedule");
    assert_string_equal(o->images,
                        "busybox:1.36,registry.example.com/team/train:1.4");
    assert_null(o->claims);

    assert_int_equal(o->n_containers, 2);
    c = &o->containers[0];
    assert_string_equal(c->name, "init-wait");
    assert_true(c->is_init);
    assert_true(c->ready);
    assert_string_equal(c->state, "terminated");
    assert_string_equal(c->reason, "Completed");
    assert_true(c->has_exit_code);
    assert_int_equal(c->exit_code, 0);
    assert_null(c->last_state);

    c = &o->containers[1];
    assert_string_equal(c->name, "pytorch");
    assert_false(c->is_init);
    assert_false(c->ready);
    assert_string_equal(c->image, "registry.example.com/team/train:1.4");
    assert_string_equal(c->state, "waiting");
    assert_string_equal(c->reason, "CrashLoopBackOff");
    assert_false(c->has_exit_code);
    assert_string_equal(c->last_state, "terminated");
    assert_string_equal(c->last_reason, "Error");
    assert_true(c->has_last_exit_code);
    assert_int_equal(c->last_exit_code, 1);
    assert_string_equal(c->last_finished, "2024-05-06T09:31:40Z");
    assert_int_equal(c->restarts, 12);
    assert_string_equal(c->last_message,
                        "Traceback (most recent call last):\n"
                        "  File \"/workspace/train.py\", line 88, in "
                        "<module>\n"
                        "    main()\n"
                        "RuntimeError: NCCL communicator was aborted");
    assert_int_equal(c->line, 39);

    assert_non_null(find_resource(o, "memory"));
    assert_string_equal(find_resource(o, "memory")->capacity, "64Gi");
    assert_string_equal(find_resource(o, "memory")->allocatable, "32Gi");
    assert_string_equal(find_resource(o, "nvidia.com/gpu")->capacity, "1");

    assert_int_equal(o->n_conditions, 5);
    assert_string_equal(o->conditions[2].type, "Ready");
    assert_string_equal(o->conditions[2].status, "False");
    assert_null(o->conditions[2].reason);

    assert_int_equal(g.n_evs, 4);
    assert_string_equal(g.evs[1].message,
                        "Container image \"busybox:1.36\" already present "
                        "on machine");
    assert_int_equal(g.evs[1].count, 1);
    assert_int_equal(g.evs[2].count, 4);
    assert_string_equal(g.evs[3].reason, "BackOff");
    assert_string_equal(g.evs[3].age, "2m11s (x9 over 11m)");
    assert_int_equal(g.evs[3].count, 9);
    assert_string_equal(g.evs[3].source, "kubelet");
    assert_string_equal(g.evs[3].name, "train-job-worker-0");
    got_fini(&g);
}

static void
oomkilled_pod_records_reason_and_exit_code(void **state)
{
    static const char text[] =
            "Name:         mem-hog-7d9f\n"
            "Namespace:    team-b\n"
            "Node:         cpu-node-3/10.0.2.7\n"
            "Status:       Running\n"
            "IP:           10.244.1.9\n"
            "Controlled By:  ReplicaSet/mem-hog-5c4b\n"
            "Containers:\n"
            "  app:\n"
            "    Image:          python:3.11\n"
            "    State:          Running\n"
            "      Started:      Mon, 06 May 2024 10:01:00 +0000\n"
            "    Last State:     Terminated\n"
            "      Reason:       OOMKilled\n"
            "      Exit Code:    137\n"
            "      Started:      Mon, 06 May 2024 09:58:00 +0000\n"
            "      Finished:     Mon, 06 May 2024 10:00:55 +0530\n"
            "    Ready:          True\n"
            "    Restart Count:  3\n"
            "    Limits:\n"
            "      memory:  512Mi\n"
            "Events:  <none>\n";
    struct got g = { 0 };
    const struct kt_container *c;

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_objs, 1);
    assert_int_equal(g.n_evs, 0);
    assert_string_equal(g.objs[0].kind, "Pod");
    assert_string_equal(g.objs[0].owner_kind, "ReplicaSet");
    assert_string_equal(g.objs[0].owner_name, "mem-hog-5c4b");
    assert_int_equal(g.objs[0].n_containers, 1);
    c = &g.objs[0].containers[0];
    assert_string_equal(c->state, "running");
    assert_true(c->ready);
    assert_string_equal(c->last_reason, "OOMKilled");
    assert_int_equal(c->last_exit_code, 137);
    assert_string_equal(c->last_finished, "2024-05-06T10:00:55+05:30");
    assert_int_equal(c->restarts, 3);
    got_fini(&g);
}

static void
pending_pvc_yields_binding_and_provisioning_events(void **state)
{
    static const char text[] =
            "Name:          workspace-nb-0\n"
            "Namespace:     team-a\n"
            "StorageClass:  standard\n"
            "Status:        Pending\n"
            "Volume:        \n"
            "Labels:        <none>\n"
            "Annotations:   volume.beta.kubernetes.io/storage-provisioner: "
            "example.com/csi\n"
            "Finalizers:    [kubernetes.io/pvc-protection]\n"
            "Capacity:      \n"
            "Access Modes:  \n"
            "VolumeMode:    Filesystem\n"
            "Used By:       nb-0\n"
            "Events:\n"
            "  Type     Reason              Age                From       "
            "                  Message\n"
            "  ----     ------              ----               ----       "
            "                  -------\n"
            "  Normal   FailedBinding       30m                "
            "persistentvolume-controller  no persistent volumes available "
            "for this claim and no storage class is set\n"
            "  Warning  ProvisioningFailed  3m (x12 over 30m)  "
            "example.com/csi_ctrl-0_1f2e  failed to provision volume with "
            "StorageClass \"standard\": rpc error: code = ResourceExhausted "
            "desc = quota exceeded\n";
    struct got g = { 0 };
    const struct kt_object *o;

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_objs, 1);
    o = &g.objs[0];
    assert_string_equal(o->kind, "PersistentVolumeClaim");
    assert_string_equal(o->phase, "Pending");
    assert_string_equal(o->storage_class, "standard");
    assert_null(o->volume);
    assert_null(o->labels);
    assert_int_equal(o->n_resources, 0);
    assert_int_equal(g.n_evs, 2);
    assert_string_equal(g.evs[0].reason, "FailedBinding");
    assert_string_equal(g.evs[0].source, "persistentvolume-controller");
    assert_string_equal(g.evs[1].kind, "PersistentVolumeClaim");
    assert_string_equal(g.evs[1].reason, "ProvisioningFailed");
    assert_int_equal(g.evs[1].count, 12);
    assert_string_equal(g.evs[1].source, "example.com/csi_ctrl-0_1f2e");
    assert_string_equal(g.evs[1].message,
                        "failed to provision volume with StorageClass "
                        "\"standard\": rpc error: code = ResourceExhausted "
                        "desc = quota exceeded");
    got_fini(&g);
}

static const char gpu_node[] =
        "Name:               gpu-node-1\n"
        "Roles:              <none>\n"
        "Labels:             kubernetes.io/hostname=gpu-node-1\n"
        "                    nvidia.com/gpu.present=true\n"
        "Annotations:        node.alpha.kubernetes.io/ttl: 0\n"
        "CreationTimestamp:  Thu, 02 May 2024 11:00:00 +0000\n"
        "Taints:             nvidia.com/gpu=present:NoSchedule\n"
        "Unschedulable:      false\n"
        "Lease:\n"
        "  HolderIdentity:  gpu-node-1\n"
        "  AcquireTime:     <unset>\n"
        "  RenewTime:       Mon, 06 May 2024 09:37:02 +0000\n"
        "Conditions:\n"
        "  Type             Status  LastHeartbeatTime                 "
        "LastTransitionTime                Reason                       "
        "Message\n"
        "  ----             ------  -----------------                 "
        "------------------                ------                       "
        "-------\n"
        "  MemoryPressure   False   Mon, 06 May 2024 09:36:40 +0000   "
        "Thu, 02 May 2024 11:00:00 +0000   KubeletHasSufficientMemory   "
        "kubelet has sufficient memory available\n"
        "  Ready            True    Mon, 06 May 2024 09:36:40 +0000   "
        "Thu, 02 May 2024 11:01:10 +0000   KubeletReady                 "
        "kubelet is posting ready status\n"
        "Addresses:\n"
        "  InternalIP:  10.0.1.12\n"
        "  Hostname:    gpu-node-1\n"
        "Capacity:\n"
        "  cpu:                32\n"
        "  ephemeral-storage:  203056560Ki\n"
        "  memory:             263724380Ki\n"
        "  nvidia.com/gpu:     4\n"
        "  pods:               110\n"
        "Allocatable:\n"
        "  cpu:                31850m\n"
        "  ephemeral-storage:  187136144722\n"
        "  memory:             257326428Ki\n"
        "  nvidia.com/gpu:     0\n"
        "  pods:               110\n"
        "System Info:\n"
        "  Machine ID:                 ec2c0ffee\n"
        "  Kubelet Version:            v1.28.5\n"
        "PodCIDR:                      10.244.3.0/24\n"
        "Non-terminated Pods:          (1 in total)\n"
        "  Namespace                   Name                          CPU "
        "Requests  CPU Limits  Memory Requests  Memory Limits  Age\n"
        "  ---------                   ----                          "
        "------------  ----------  ---------------  -------------  ---\n"
        "  team-a                      train-job-worker-0            4 "
        "(12%)       0 (0%)      32Gi (13%)       64Gi (26%)     25m\n"
        "Allocated resources:\n"
        "  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
        "  Resource           Requests    Limits\n"
        "  --------           --------    ------\n"
        "  cpu                4 (12%)     0 (0%)\n"
        "  nvidia.com/gpu     1           1\n"
        "Events:  <none>\n";

static void
node_merges_capacity_and_allocatable_and_keeps_taint(void **state)
{
    struct got g = { 0 };
    const struct kt_object *o;
    const struct kt_resource *r;

    (void)state;
    assert_int_equal(feed(&g, gpu_node), KT_OK);
    assert_int_equal(g.n_objs, 1);
    assert_int_equal(g.n_evs, 0);
    o = &g.objs[0];
    assert_string_equal(o->kind, "Node");
    assert_null(o->namespace);
    assert_string_equal(o->created, "2024-05-02T11:00:00Z");
    assert_string_equal(o->taints, "nvidia.com/gpu=present:NoSchedule");
    assert_string_equal(o->version, "v1.28.5");
    assert_string_equal(o->labels, "kubernetes.io/hostname=gpu-node-1,"
                                   "nvidia.com/gpu.present=true");
    assert_int_equal(o->n_resources, 5);
    r = find_resource(o, "nvidia.com/gpu");
    assert_non_null(r);
    assert_string_equal(r->capacity, "4");
    assert_string_equal(r->allocatable, "0");
    assert_string_equal(r->requested, "1");
    assert_string_equal(find_resource(o, "cpu")->allocatable, "31850m");
    assert_string_equal(find_resource(o, "cpu")->requested, "4");
    assert_null(find_resource(o, "memory")->requested);
    assert_int_equal(o->n_conditions, 2);
    assert_string_equal(o->conditions[0].type, "MemoryPressure");
    assert_string_equal(o->conditions[0].status, "False");
    assert_string_equal(o->conditions[0].reason, "KubeletHasSufficientMemory");
    assert_string_equal(o->conditions[0].message,
                        "kubelet has sufficient memory available");
    assert_string_equal(o->conditions[1].last_transition,
                        "2024-05-02T11:01:10Z");
    got_fini(&g);
}

static void
cordoned_node_gets_unschedulable_taint(void **state)
{
    static const char text[] = "Name:               cpu-node-2\n"
                               "Roles:              worker\n"
                               "Taints:             <none>\n"
                               "Unschedulable:      true\n"
                               "Events:             <none>\n";
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_objs, 1);
    assert_string_equal(g.objs[0].kind, "Node");
    assert_string_equal(g.objs[0].taints,
                        "node.kubernetes.io/unschedulable:NoSchedule");
    got_fini(&g);
}

static void
node_condition_message_continues_on_unindented_lines(void **state)
{
    static const char text[] =
            "Name:               gpu-node-2\n"
            "Roles:              <none>\n"
            "Conditions:\n"
            "  Type    Status  LastHeartbeatTime                 "
            "LastTransitionTime                Reason          Message\n"
            "  ----    ------  -----------------                 "
            "------------------                ------          -------\n"
            "  Ready   False   Mon, 06 May 2024 09:36:40 +0000   "
            "Mon, 06 May 2024 09:30:00 +0000   KubeletNotReady  "
            "container runtime network not ready: cni plugin not "
            "initialized\n"
            "second line of the message\n"
            "  DiskPressure  False  Mon, 06 May 2024 09:36:40 +0000  "
            "Thu, 02 May 2024 11:00:00 +0000  KubeletHasNoDiskPressure  "
            "kubelet has no disk pressure\n"
            "Addresses:\n";
    struct got g = { 0 };
    const struct kt_object *o;

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_objs, 1);
    o = &g.objs[0];
    assert_int_equal(o->n_conditions, 2);
    assert_string_equal(o->conditions[0].reason, "KubeletNotReady");
    assert_string_equal(o->conditions[0].message,
                        "container runtime network not ready: cni plugin "
                        "not initialized\nsecond line of the message");
    assert_string_equal(o->conditions[1].type, "DiskPressure");
    assert_string_equal(o->conditions[1].reason, "KubeletHasNoDiskPressure");
    assert_string_equal(o->conditions[1].message,
                        "kubelet has no disk pressure");
    got_fini(&g);
}

static const char pytorchjob[] =
        "Name:         mnist-e2e\n"
        "Namespace:    team-a\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "API Version:  kubeflow.org/v1\n"
        "Kind:         PyTorchJob\n"
        "Metadata:\n"
        "  Creation Timestamp:  2024-05-06T09:12:40Z\n"
        "  Generation:          1\n"
        "  Resource Version:    918273\n"
        "  UID:                 5d1e0c7a-aaaa-bbbb-cccc-ddddeeeeffff\n"
        "Spec:\n"
        "  Run Policy:\n"
        "    Backoff Limit:  3\n"
        "Status:\n"
        "  Conditions:\n"
        "    Last Transition Time:  2024-05-06T09:12:41Z\n"
        "    Last Update Time:      2024-05-06T09:12:41Z\n"
        "    Message:               PyTorchJob mnist-e2e is created.\n"
        "    Reason:                PyTorchJobCreated\n"
        "    Status:                True\n"
        "    Type:                  Created\n"
        "    Last Transition Time:  2024-05-06T09:31:41Z\n"
        "    Last Update Time:      2024-05-06T09:31:41Z\n"
        "    Message:               PyTorchJob mnist-e2e is failed because 1 "
        "Worker replica(s) failed.\n"
        "    Reason:                PyTorchJobFailed\n"
        "    Status:                True\n"
        "    Type:                  Failed\n"
        "  Replica Statuses:\n"
        "    Master:\n"
        "      Succeeded:  1\n"
        "    Worker:\n"
        "      Failed:  1\n"
        "  Start Time:  2024-05-06T09:12:41Z\n"
        "Events:\n"
        "  Type     Reason            Age   From                   Message\n"
        "  ----     ------            ----  ----                   -------\n"
        "  Warning  PyTorchJobFailed  6m    pytorchjob-controller  "
        "PyTorchJob mnist-e2e is failed because 1 Worker replica(s) "
        "failed.\n";

static void
generic_describer_reads_kind_uid_and_condition_list(void **state)
{
    struct got g = { 0 };
    const struct kt_object *o;

    (void)state;
    assert_int_equal(feed(&g, pytorchjob), KT_OK);
    assert_int_equal(g.n_objs, 1);
    o = &g.objs[0];
    assert_string_equal(o->kind, "PyTorchJob");
    assert_string_equal(o->uid, "5d1e0c7a-aaaa-bbbb-cccc-ddddeeeeffff");
    assert_string_equal(o->created, "2024-05-06T09:12:40Z");
    assert_null(o->phase);
    assert_int_equal(o->n_conditions, 2);
    assert_string_equal(o->conditions[0].type, "Created");
    assert_string_equal(o->conditions[0].status, "True");
    assert_string_equal(o->conditions[0].last_transition,
                        "2024-05-06T09:12:41Z");
    assert_string_equal(o->conditions[1].type, "Failed");
    assert_string_equal(o->conditions[1].reason, "PyTorchJobFailed");
    assert_string_equal(o->conditions[1].message,
                        "PyTorchJob mnist-e2e is failed because 1 Worker "
                        "replica(s) failed.");
    assert_int_equal(o->conditions[1].line, 23);
    assert_int_equal(g.n_evs, 1);
    assert_string_equal(g.evs[0].kind, "PyTorchJob");
    assert_string_equal(g.evs[0].source, "pytorchjob-controller");
    assert_int_equal(g.evs[0].count, 1);
    got_fini(&g);
}

static void
workflow_status_phase_and_multiline_message_are_read(void **state)
{
    static const char text[] =
            "Name:         train-pipeline-x7k2p\n"
            "Namespace:    kubeflow-user\n"
            "Labels:       workflows.argoproj.io/phase=Failed\n"
            "Annotations:  <none>\n"
            "API Version:  argoproj.io/v1alpha1\n"
            "Kind:         Workflow\n"
            "Metadata:\n"
            "  Creation Timestamp:  2024-05-06T09:00:00Z\n"
            "  Owner References:\n"
            "    API Version:           kubeflow.org/v1beta1\n"
            "    Block Owner Deletion:  true\n"
            "    Controller:            true\n"
            "    Kind:                  ScheduledWorkflow\n"
            "    Name:                  nightly\n"
            "    UID:                   1234\n"
            "Status:\n"
            "  Conditions:\n"
            "    Status:  False\n"
            "    Type:    PodRunning\n"
            "    Status:  True\n"
            "    Type:    Completed\n"
            "  Finished At:  2024-05-06T09:10:00Z\n"
            "  Message:      child 'train-1' failed\n"
            "Error: exit status 1\n"
            "  Nodes:\n"
            "    train-pipeline-x7k2p-1:\n"
            "      Phase:  Failed\n"
            "  Phase:        Failed\n"
            "Events:  <none>\n";
    struct got g = { 0 };
    const struct kt_object *o;

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_objs, 1);
    o = &g.objs[0];
    assert_string_equal(o->kind, "Workflow");
    assert_string_equal(o->phase, "Failed");
    assert_string_equal(o->message,
                        "child 'train-1' failed\nError: exit status 1");
    assert_string_equal(o->owner_kind, "ScheduledWorkflow");
    assert_string_equal(o->owner_name, "nightly");
    assert_int_equal(o->n_conditions, 2);
    assert_string_equal(o->conditions[0].type, "PodRunning");
    assert_string_equal(o->conditions[0].status, "False");
    assert_string_equal(o->conditions[1].type, "Completed");
    got_fini(&g);
}

static const char two_pods[] =
        "Name:         first-pod\n"
        "Namespace:    ns-a\n"
        "Node:         node-a/10.0.0.1\n"
        "Status:       Running\n"
        "IP:           10.1.0.1\n"
        "Events:\n"
        "  Type    Reason   Age   From     Message\n"
        "  ----    ------   ----  ----     -------\n"
        "  Normal  Pulled   5m    kubelet  Pulled image\n"
        "\n"
        "\n"
        "Name:         second-pod\n"
        "Namespace:    ns-b\n"
        "Node:         node-b/10.0.0.2\n"
        "Status:       Failed\n"
        "Reason:       Evicted\n"
        "Message:      The node was low on resource: memory.\n"
        "IP:           \n"
        "Events:\n"
        "  Type     Reason   Age   From     Message\n"
        "  ----     ------   ----  ----     -------\n"
        "  Warning  Evicted  1m    kubelet  The node was low on resource: "
        "memory.\n";

static void
two_pods_in_one_buffer_become_two_objects(void **state)
{
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, two_pods), KT_OK);
    assert_int_equal(g.n_objs, 2);
    assert_string_equal(g.objs[0].name, "first-pod");
    assert_string_equal(g.objs[0].node, "node-a");
    assert_string_equal(g.objs[0].kind, "Pod");
    assert_int_equal(g.objs[0].line, 1);
    assert_string_equal(g.objs[1].name, "second-pod");
    assert_string_equal(g.objs[1].namespace, "ns-b");
    assert_string_equal(g.objs[1].phase, "Failed");
    assert_string_equal(g.objs[1].reason, "Evicted");
    assert_string_equal(g.objs[1].message,
                        "The node was low on resource: memory.");
    assert_int_equal(g.objs[1].line, 12);
    assert_int_equal(g.n_evs, 2);
    assert_string_equal(g.evs[0].name, "first-pod");
    assert_string_equal(g.evs[0].namespace, "ns-a");
    assert_string_equal(g.evs[0].message, "Pulled image");
    assert_string_equal(g.evs[1].name, "second-pod");
    assert_string_equal(g.evs[1].reason, "Evicted");
    got_fini(&g);
}

static void
truncated_events_table_keeps_complete_rows(void **state)
{
    static const char text[] =
            "Name:         cut-pod\n"
            "Namespace:    ns\n"
            "Status:       Pending\n"
            "IP:           \n"
            "Events:\n"
            "  Type     Reason       Age   From     Message\n"
            "  ----     ------       ----  ----     -------\n"
            "  Warning  FailedMount  3m    kubelet  MountVolume.SetUp failed "
            "for volume \"data\"\n"
            "  Warning  FailedSch";
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_objs, 1);
    assert_int_equal(g.n_evs, 1);
    assert_string_equal(g.evs[0].reason, "FailedMount");
    assert_string_equal(g.evs[0].message,
                        "MountVolume.SetUp failed for volume \"data\"");
    got_fini(&g);
}

static void
events_none_yields_no_events(void **state)
{
    static const char text[] = "Name:         quiet\n"
                               "Namespace:    ns\n"
                               "Status:       Running\n"
                               "IP:           10.0.0.9\n"
                               "Events:            <none>\n";
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_objs, 1);
    assert_int_equal(g.n_evs, 0);
    got_fini(&g);
}

static void
multiline_event_message_is_joined_and_later_rows_still_parse(void **state)
{
    static const char text[] =
            "Name:         p\n"
            "Namespace:    ns\n"
            "Status:       Running\n"
            "IP:           10.0.0.9\n"
            "Events:\n"
            "  Type     Reason     Age   From     Message\n"
            "  ----     ------     ----  ----     -------\n"
            "  Warning  Unhealthy  1m    kubelet  Readiness probe failed: "
            "^[[31mERROR^[[0m first\n"
            "second line\n"
            "  Normal  Killing  10s (x2 over 1m)  kubelet  Stopping "
            "container app\n";
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_evs, 2);
    assert_string_equal(g.evs[0].message,
                        "Readiness probe failed: ^[[31mERROR^[[0m first\n"
                        "second line");
    assert_string_equal(g.evs[1].type, "Normal");
    assert_string_equal(g.evs[1].reason, "Killing");
    assert_string_equal(g.evs[1].age, "10s (x2 over 1m)");
    assert_int_equal(g.evs[1].count, 2);
    assert_string_equal(g.evs[1].source, "kubelet");
    assert_string_equal(g.evs[1].message, "Stopping container app");
    got_fini(&g);
}

static void
event_with_empty_from_cell_keeps_message(void **state)
{
    static const char text[] =
            "Name:         p\n"
            "Namespace:    ns\n"
            "Status:       Running\n"
            "IP:           10.0.0.9\n"
            "Events:\n"
            "  Type    Reason   Age   From             Message\n"
            "  ----    ------   ----  ----             -------\n"
            "  Normal  Created  2m                     created by hand\n"
            "  Normal  Old      2m    kubelet, node-1  old style source\n";
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_evs, 2);
    assert_null(g.evs[0].source);
    assert_string_equal(g.evs[0].message, "created by hand");
    assert_string_equal(g.evs[1].source, "kubelet, node-1");
    assert_string_equal(g.evs[1].message, "old style source");
    got_fini(&g);
}

static void
crlf_tabs_and_trailing_spaces_are_tolerated(void **state)
{
    static const char text[] =
            "Name:\tcrlf-pod   \r\n"
            "Namespace:    ns  \r\n"
            "Node:         n1/10.0.0.1\r\n"
            "Status:       Terminating (lasts 2m)\r\n"
            "Termination Grace Period:  30s\r\n"
            "IP:           10.0.0.3\r\n"
            "Events:\r\n"
            "  Type    Reason   Age   From     Message\r\n"
            "  ----    ------   ----  ----     -------\r\n"
            "  Normal  Killing  2m    kubelet  Stopping container app  \r\n";
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_objs, 1);
    assert_string_equal(g.objs[0].name, "crlf-pod");
    assert_string_equal(g.objs[0].namespace, "ns");
    assert_string_equal(g.objs[0].phase, "Terminating");
    assert_int_equal(g.n_evs, 1);
    assert_string_equal(g.evs[0].message, "Stopping container app");
    got_fini(&g);
}

static void
text_without_object_emits_nothing(void **state)
{
    static const char text[] =
            "Error from server (NotFound): pods \"x\" not found\n"
            "  Type     Reason  Age  From  Message\n"
            "\n"
            "Events:  <none>\n";
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_objs, 0);
    assert_int_equal(g.n_evs, 0);
    assert_int_equal(feed(&g, ""), KT_OK);
    assert_int_equal(g.n_objs, 0);
}

static void
typed_kinds_are_inferred_from_their_keys(void **state)
{
    static const char text[] =
            "Name:                   ml-pipeline\n"
            "Namespace:              kubeflow\n"
            "CreationTimestamp:      Thu, 02 May 2024 11:05:00 +0000\n"
            "Labels:                 app=ml-pipeline\n"
            "Selector:               app=ml-pipeline\n"
            "Replicas:               1 desired | 1 updated | 1 total | 0 "
            "available | 1 unavailable\n"
            "StrategyType:           RollingUpdate\n"
            "Pod Template:\n"
            "  Labels:           app=ml-pipeline\n"
            "  Containers:\n"
            "   ml-pipeline-api-server:\n"
            "    Image:       example.com/kfp/api-server:2.2.0\n"
            "  Tolerations:            <none>\n"
            "Conditions:\n"
            "  Type           Status  Reason\n"
            "  ----           ------  ------\n"
            "  Available      False   MinimumReplicasUnavailable\n"
            "  Progressing    False   ProgressDeadlineExceeded\n"
            "Events:  <none>\n"
            "\n"
            "\n"
            "Name:            pvc-1234\n"
            "Labels:          <none>\n"
            "StorageClass:    standard\n"
            "Status:          Released\n"
            "Claim:           team-a/workspace-nb-0\n"
            "Reclaim Policy:  Retain\n"
            "Access Modes:    RWO\n"
            "\n"
            "\n"
            "Name:              ml-pipeline-ui\n"
            "Namespace:         kubeflow\n"
            "Selector:          app=ml-pipeline-ui\n"
            "Type:              ClusterIP\n"
            "IP Families:       IPv4\n"
            "Port:              http  80/TCP\n"
            "Endpoints:         <none>\n"
            "\n"
            "\n"
            "Name:           ml-pipeline-6b7d9c5f4\n"
            "Namespace:      kubeflow\n"
            "Controlled By:  Deployment/ml-pipeline\n"
            "Replicas:       1 current / 1 desired\n"
            "Pods Status:    0 Running / 1 Waiting / 0 Succeeded / 0 "
            "Failed\n";
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, text), KT_OK);
    assert_int_equal(g.n_objs, 4);
    assert_string_equal(g.objs[0].kind, "Deployment");
    assert_string_equal(g.objs[0].labels, "app=ml-pipeline");
    assert_int_equal(g.objs[0].n_containers, 0);
    assert_null(g.objs[0].tolerations);
    assert_int_equal(g.objs[0].n_conditions, 2);
    assert_string_equal(g.objs[0].conditions[1].reason,
                        "ProgressDeadlineExceeded");
    assert_string_equal(g.objs[1].kind, "PersistentVolume");
    assert_string_equal(g.objs[1].phase, "Released");
    assert_string_equal(g.objs[0].selector, "app=ml-pipeline");
    assert_string_equal(g.objs[2].kind, "Service");
    assert_string_equal(g.objs[2].selector, "app=ml-pipeline-ui");
    assert_string_equal(g.objs[3].kind, "ReplicaSet");
    assert_string_equal(g.objs[3].owner_kind, "Deployment");
    got_fini(&g);
}

static void
long_value_is_cut_at_max_field(void **state)
{
    size_t n = KT_MAX_FIELD + 5000;
    size_t head_len;
    char *text = malloc(n + 200);
    struct got g = { 0 };

    (void)state;
    assert_non_null(text);
    head_len = (size_t)sprintf(text, "Name:  big\nStatus:  Failed\n"
                                     "Message:  ");
    memset(text + head_len, 'm', n);
    memcpy(text + head_len + n, "\nIP:  1.2.3.4\n", 14);
    assert_int_equal(feed_n(&g, text, head_len + n + 14), KT_OK);
    assert_int_equal(g.n_objs, 1);
    assert_int_equal(strlen(g.objs[0].message), KT_MAX_FIELD);
    assert_string_equal(g.objs[0].kind, "Pod");
    got_fini(&g);
    free(text);
}

static void
sink_error_stops_the_parser(void **state)
{
    struct got g = { 0 };

    (void)state;
    g.fail_with = KT_EDB;
    assert_int_equal(feed(&g, two_pods), KT_EDB);
    assert_int_equal(g.n_objs, 0);
    assert_int_equal(g.n_evs, 1);
    got_fini(&g);
}

/* Cut every sample after each of its bytes: nothing may crash or leak,
 * and an object is emitted as soon as its Name: line is complete. */
static void
every_truncation_of_the_samples_is_survived(void **state)
{
    static const char *const samples[] = {
        pending_gpu_pod, crashloop_pod, gpu_node, pytorchjob, two_pods,
    };
    size_t s;
    size_t cut;

    (void)state;
    for (s = 0; s < sizeof(samples) / sizeof(samples[0]); s++) {
        size_t len = strlen(samples[s]);

        for (cut = 0; cut <= len; cut++) {
            struct got g = { 0 };
            char *copy = malloc(cut > 0 ? cut : 1);

            assert_non_null(copy);
            memcpy(copy, samples[s], cut);
            assert_int_equal(feed_n(&g, copy, cut), KT_OK);
            assert_true(g.n_objs <= 2);
            got_fini(&g);
            free(copy);
        }
    }
}

static void
arbitrary_bytes_are_survived(void **state)
{
    static const char *const seeds[] = {
        "Name:  x",
        "Containers:",
        "  c:",
        "    State:  Waiting",
        "      Message:",
        "Events:",
        "  Type  Reason  Age  From  Message",
        "  Warning  ",
        "Conditions:",
        "Status:",
        "  Conditions:",
        "    Type:  A",
        "Capacity:",
        "  gpu:  1",
        "Labels:  a=b",
    };
    unsigned long rng = 12345;
    char line[96];
    struct got g = { 0 };
    struct kt_sink sink = { &g, collect_object, collect_event };
    struct describe_parser *p;
    long i;

    (void)state;
    for (int round = 0; round < 20; round++) {
        p = describe_new(&sink);
        assert_non_null(p);
        for (i = 1; i <= 400; i++) {
            size_t n;
            size_t k;

            rng = rng * 1103515245UL + 12345UL;
            if ((rng >> 8) % 3 == 0) {
                const char *seed = seeds[(rng >> 12) % 15];

                n = strlen(seed);
                memcpy(line, seed, n);
            } else {
                n = (rng >> 16) % sizeof(line);
                for (k = 0; k < n; k++) {
                    rng = rng * 1103515245UL + 12345UL;
                    line[k] = (char)(rng >> 16);
                }
            }
            assert_int_equal(describe_line(p, line, n, i), KT_OK);
        }
        assert_int_equal(describe_finish(p), KT_OK);
        describe_free(p);
        got_fini(&g);
    }
}

static void
sniff_accepts_name_first_and_rejects_others(void **state)
{
    (void)state;
    assert_true(describe_sniff("Name:  x\nNamespace: y\n", 22));
    assert_true(describe_sniff("\n  \r\nName:\tpod-1", 16));
    assert_false(describe_sniff("Name:", 5));
    assert_false(describe_sniff("Name:   \n", 9));
    assert_false(describe_sniff("{\"kind\": \"List\"}", 16));
    assert_false(describe_sniff("NAME  READY\n", 12));
    assert_false(describe_sniff("", 0));
    assert_false(describe_sniff("\n\n", 2));
}

static void
free_of_null_does_nothing(void **state)
{
    (void)state;
    describe_free(NULL);
}

/* `kubectl describe inferenceservice`: the generic describer prints the
 * predictor's minReplicas as Min Replicas under Spec: Predictor:. Other
 * Spec: keys, and the Spec: of other kinds, are not read. */
static const char isvc_describe[] =
        "Name:         sklearn-iris\n"
        "Namespace:    kserve-test\n"
        "Labels:       <none>\n"
        "Annotations:  serving.kserve.io/deploymentMode: Serverless\n"
        "API Version:  serving.kserve.io/v1beta1\n"
        "Kind:         InferenceService\n"
        "Metadata:\n"
        "  Creation Timestamp:  2024-06-11T09:20:04Z\n"
        "  UID:                 0b7e5a52-1d8e-4f0c-9a57-3c2d1e0f9a8b\n"
        "Spec:\n"
        "  Predictor:\n"
        "    Min Replicas:  0\n"
        "    Sklearn:\n"
        "      Storage Uri:  gs://kfserving-examples/models/sklearn/1.0/model\n"
        "  Transformer:\n"
        "    Min Replicas:  3\n"
        "Status:\n"
        "  URL:  http://sklearn-iris.kserve-test.example.com\n"
        "Events:  <none>\n"
        "\n"
        "\n"
        "Name:         train\n"
        "Namespace:    kserve-test\n"
        "API Version:  kubeflow.org/v1\n"
        "Kind:         PyTorchJob\n"
        "Spec:\n"
        "  Predictor:\n"
        "    Min Replicas:  0\n"
        "Events:  <none>\n";

static void
inferenceservice_min_replicas_is_read(void **state)
{
    struct got g = { 0 };

    (void)state;
    assert_int_equal(feed(&g, isvc_describe), KT_OK);
    assert_int_equal(g.n_objs, 2);
    assert_string_equal(g.objs[0].kind, "InferenceService");
    assert_string_equal(g.objs[0].min_scale, "0");
    assert_string_equal(g.objs[0].uid, "0b7e5a52-1d8e-4f0c-9a57-3c2d1e0f9a8b");
    assert_string_equal(g.objs[1].kind, "PyTorchJob");
    assert_null(g.objs[1].min_scale);
    got_fini(&g);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pending_gpu_pod_yields_failed_scheduling_event),
        cmocka_unit_test(crashloop_pod_keeps_last_termination),
        cmocka_unit_test(oomkilled_pod_records_reason_and_exit_code),
        cmocka_unit_test(pending_pvc_yields_binding_and_provisioning_events),
        cmocka_unit_test(node_merges_capacity_and_allocatable_and_keeps_taint),
        cmocka_unit_test(cordoned_node_gets_unschedulable_taint),
        cmocka_unit_test(node_condition_message_continues_on_unindented_lines),
        cmocka_unit_test(generic_describer_reads_kind_uid_and_condition_list),
        cmocka_unit_test(inferenceservice_min_replicas_is_read),
        cmocka_unit_test(workflow_status_phase_and_multiline_message_are_read),
        cmocka_unit_test(two_pods_in_one_buffer_become_two_objects),
        cmocka_unit_test(truncated_events_table_keeps_complete_rows),
        cmocka_unit_test(events_none_yields_no_events),
        cmocka_unit_test(
                multiline_event_message_is_joined_and_later_rows_still_parse),
        cmocka_unit_test(event_with_empty_from_cell_keeps_message),
        cmocka_unit_test(crlf_tabs_and_trailing_spaces_are_tolerated),
        cmocka_unit_test(text_without_object_emits_nothing),
        cmocka_unit_test(typed_kinds_are_inferred_from_their_keys),
        cmocka_unit_test(long_value_is_cut_at_max_field),
        cmocka_unit_test(sink_error_stops_the_parser),
        cmocka_unit_test(every_truncation_of_the_samples_is_survived),
        cmocka_unit_test(arbitrary_bytes_are_survived),
        cmocka_unit_test(sniff_accepts_name_first_and_rejects_others),
        cmocka_unit_test(free_of_null_does_nothing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
