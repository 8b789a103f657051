/* SPDX-License-Identifier: MIT */
/* genbundle: write a Kubeflow-like troubleshoot support bundle of about a
 * chosen size into a directory, for `make bench`. The output depends only
 * on the size: one fixed seed, one fixed clock, no environment. It holds
 * JSON lists (nodes, pods, events), kubectl describe text, and pod logs in
 * every format the parsers know, with a few failures planted so that the
 * report has something to find. Pack it with tools/mkbundle.
 *
 * Usage: genbundle DIR SIZE   (SIZE in bytes, or with K, M or G) */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* 2024-09-18T00:00:00Z: every generated time counts from here. */
#define BASE_EPOCH 1726617600LL

/* The size of one generated component log file: a fortieth of the
 * bundle, so that small bundles hold every format too, within these. */
#define LOG_FILE_MIN (64ULL * 1024)
#define LOG_FILE_MAX (6ULL * 1024 * 1024)

static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: small, fast and the same on every machine. */
static unsigned long long
rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static unsigned
rnd_below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static const char *
pick(const char *const *list, size_t n)
{
    return list[rnd_below((unsigned)n)];
}

#define PICK(list) pick(list, sizeof(list) / sizeof(list[0]))

static void
die(const char *what, const char *path)
{
    fprintf(stderr, "genbundle: %s %s: %s\n", what, path, strerror(errno));
    exit(1);
}

static void
mkdirs(const char *path)
{
    char buf[4096];
    size_t i;

    snprintf(buf, sizeof(buf), "%s", path);
    for (i = 1; buf[i] != '\0'; i++) {
        if (buf[i] == '/') {
            buf[i] = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
                die("cannot create", buf);
            }
            buf[i] = '/';
        }
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
        die("cannot create", buf);
    }
}

/* Open DIR/REL for writing, creating its directories. */
static FILE *
open_out(const char *dir, const char *rel)
{
    char path[4096];
    char *slash;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    slash = strrchr(path, '/');
    *slash = '\0';
    mkdirs(path);
    *slash = '/';
    f = fopen(path, "w");
    if (f == NULL) {
        die("cannot write", path);
    }
    return f;
}

static unsigned long long written;

static void
close_out(FILE *f)
{
    long pos = ftell(f);

    if (pos > 0) {
        written += (unsigned long long)pos;
    }
    if (fclose(f) != 0) {
        die("cannot close", "output");
    }
}

/* Time formats, from milliseconds after BASE_EPOCH. fmt is always one of
 * the literals below; -Wformat-nonliteral cannot see that. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void
fmt_time(char *buf, size_t len, long long ms, const char *fmt)
{
    time_t t = (time_t)(BASE_EPOCH + ms / 1000);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, len, fmt, &tm);
}

static void
rfc3339(char *buf, size_t len, long long ms)
{
    fmt_time(buf, len, ms, "%Y-%m-%dT%H:%M:%SZ");
}

static void
rfc3339_ms(char *buf, size_t len, long long ms)
{
    char s[32];

    fmt_time(s, sizeof(s), ms, "%Y-%m-%dT%H:%M:%S");
    snprintf(buf, len, "%s.%03lldZ", s, ms % 1000);
}

static void
hex(char *buf, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        buf[i] = "0123456789abcdef"[rnd_below(16)];
    }
    buf[n] = '\0';
}

static void
uuid(char *buf)
{
    char h[33];

    hex(h, 32);
    snprintf(buf, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16,
             h + 20);
}

/* ------------------------------------------------------------------ */
/* Log formats. Each writes one record (some span several lines) at time
 * ms; planted is nonzero for the rare record that carries a failure. */

struct log_kind {
    const char *ns;
    const char *pod;
    const char *container;
    void (*record)(FILE *f, long long ms, unsigned long n);
};

static const char *const wf_names[] = { "train-pipeline", "xgboost-run",
                                        "data-prep", "tfx-taxi", "hpo-sweep" };

/* Argo workflow controller: logrus logfmt. */
static void
rec_argo(FILE *f, long long ms, unsigned long n)
{
    static const char *const msgs[] = { "Processing workflow",
                                        "Updated phase Running -> Succeeded",
                                        "Pod failed: Error (exit code 1)",
                                        "Workflow update successful",
                                        "SG Outbound nodes of",
                                        "node changed",
                                        "Created pod",
                                        "Steps node initialized",
                                        "TaskSet Reconciliation" };
    char ts[40];
    const char *wf = PICK(wf_names);

    rfc3339_ms(ts, sizeof(ts), ms);
    if (n % 40009 == 40008) {
        fprintf(f,
                "time=\"%s\" level=error msg=\"executor error: failed to "
                "save outputs: timed out waiting for the condition\" "
                "namespace=kubeflow-user-example-com workflow=%s-%lu\n",
                ts, wf, n % 997);
        return;
    }
    fprintf(f,
            "time=\"%s\" level=%s msg=\"%s\" namespace=kubeflow-user-"
            "example-com workflow=%s-%lu phase=Running\n",
            ts, rnd_below(20) == 0 ? "warning" : "info", PICK(msgs), wf,
            n % 997);
}

/* istio-proxy: Envoy access log lines between istio-agent lines. */
static void
rec_envoy(FILE *f, long long ms, unsigned long n)
{
    static const char *const paths[] = {
        "/pipeline/apis/v2beta1/runs?page_size=10",
        "/pipeline/apis/v2beta1/experiments",
        "/jupyter/api/namespaces",
        "/api/workgroup/env-info",
        "/katib/fetch_hp_job_info/",
        "/dex/auth?client_id=kubeflow-oidc-authservice",
        "/_/pipeline/"
    };
    static const char *const ups[] = { "ml-pipeline-ui", "jupyter-web-app",
                                       "centraldashboard", "katib-ui", "dex" };
    char ts[40];
    char id[40];
    int code = 200;
    const char *flags = "-";
    const char *det = "via_upstream";

    rfc3339_ms(ts, sizeof(ts), ms);
    if (n % 23 == 0) {
        fprintf(f,
                "%s\tinfo\txdsproxy\tconnected to upstream XDS server: "
                "istiod.istio-system.svc:15012\n",
                ts);
        return;
    }
    if (n % 25013 == 25012) {
        code = 503;
        flags = "UC";
        det = "upstream_reset_before_response_started{connection_"
              "termination}";
    }
    uuid(id);
    fprintf(f,
            "[%s] \"GET %s HTTP/1.1\" %d %s %s - \"-\" 0 %u %u %u "
            "\"10.0.0.%u\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/"
            "537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\" \"%s\" "
            "\"kubeflow.example.com\" \"10.244.1.%u:3000\" outbound|80||%s."
            "kubeflow.svc.cluster.local 10.244.2.8:%u 10.244.2.8:8080 "
            "10.0.0.7:%u - -\n",
            ts, PICK(paths), code, flags, det, 200 + rnd_below(9000),
            1 + rnd_below(80), rnd_below(80), 2 + rnd_below(250), id,
            2 + rnd_below(250), PICK(ups), 30000 + rnd_below(30000),
            30000 + rnd_below(30000));
}

/* Dex: logfmt before v2.37, JSON (slog) after; a bundle may hold both. */
static void
rec_dex(FILE *f, long long ms, unsigned long n)
{
    static const char *const msgs[] = {
        "keys expired, rotating", "keys rotated, next rotation: in 6h",
        "login successful: connector \"local\"",
        "oauth2: token issued for client kubeflow-oidc-authservice",
        "garbage collection run, delete auth requests=0"
    };
    char ts[40];

    rfc3339_ms(ts, sizeof(ts), ms);
    if (n % 2 == 0) {
        fprintf(f, "time=\"%s\" level=info msg=\"%s\"\n", ts, PICK(msgs));
    } else {
        fprintf(f, "{\"time\":\"%s\",\"level\":\"INFO\",\"msg\":\"%s\"}\n", ts,
                PICK(msgs));
    }
}

/* ml-pipeline API server: glog. */
static void
rec_glog(FILE *f, long long ms, unsigned long n)
{
    static const char *const msgs[] = {
        "resource_manager.go:1014] Run succeeded, reporting metrics",
        "interceptor.go:29] /api.RunService/ListRunsV1 handler starting",
        "interceptor.go:37] /api.RunService/ListRunsV1 handler finished",
        "persistence_agent.go:88] Syncing workflow",
        "client_manager.go:160] Initializing client manager"
    };
    char ts[40];
    char us[8];

    fmt_time(ts, sizeof(ts), ms, "%m%d %H:%M:%S");
    snprintf(us, sizeof(us), "%06u", rnd_below(1000000));
    if (n % 30011 == 30010) {
        fprintf(f,
                "E%s.%s       7 client_manager.go:412] Failed to check if "
                "database exists: dial tcp 10.96.120.33:3306: connect: "
                "connection refused\n",
                ts, us);
        return;
    }
    fprintf(f, "I%s.%s       7 %s\n", ts, us, PICK(msgs));
}

/* MySQL 8 error log. */
static void
rec_mysql(FILE *f, long long ms, unsigned long n)
{
    char ts[40];
    char s[32];

    fmt_time(s, sizeof(s), ms, "%Y-%m-%dT%H:%M:%S");
    snprintf(ts, sizeof(ts), "%s.%06uZ", s, rnd_below(1000000));
    if (n % 3 == 0) {
        fprintf(f,
                "%s %lu [Warning] [MY-013360] [Server] Plugin "
                "mysql_native_password reported: ''mysql_native_password'"
                " is deprecated and will be removed in a future release. "
                "Please use caching_sha2_password instead'\n",
                ts, 8 + n % 5000);
    } else {
        fprintf(f,
                "%s %lu [Note] [MY-010914] [Server] Aborted connection %lu "
                "to db: 'mlpipeline' user: 'root' host: '10.244.1.%u' (Got "
                "an error reading communication packets).\n",
                ts, 8 + n % 5000, n, 2 + rnd_below(250));
    }
}

/* KServe controller and Knative: zap JSON. */
static void
rec_zap(FILE *f, long long ms, unsigned long n)
{
    static const char *const msgs[] = {
        "Reconciling inference service", "Reconcile succeeded",
        "InferenceService sklearn-iris is Ready", "Updating revision status",
        "Scaling from 1 to 1"
    };
    char ts[40];

    rfc3339_ms(ts, sizeof(ts), ms);
    fprintf(f,
            "{\"level\":\"%s\",\"ts\":\"%s\",\"logger\":\"v1beta1Controllers"
            ".InferenceService\",\"caller\":\"inferenceservice/controller."
            "go:%u\",\"msg\":\"%s\",\"isvc\":\"sklearn-iris-%lu\","
            "\"knative.dev/key\":\"kserve-test/sklearn-iris\"}\n",
            n % 50 == 0 ? "debug" : "info", ts, 100 + rnd_below(200),
            PICK(msgs), n % 13);
}

/* PyTorch training: torchrun and Python logging; tracebacks now and then,
 * and one CUDA out-of-memory near the end of each file. */
static void
rec_torch(FILE *f, long long ms, unsigned long n)
{
    char ts[40];

    fmt_time(ts, sizeof(ts), ms, "%Y-%m-%d %H:%M:%S");
    if (n % 20011 == 20010) {
        fprintf(f, "Traceback (most recent call last):\n"
                   "  File \"/workspace/train.py\", line 212, in <module>\n"
                   "    main()\n"
                   "  File \"/workspace/train.py\", line 187, in main\n"
                   "    loss = model(batch).loss\n"
                   "torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to "
                   "allocate 2.00 GiB (GPU 0; 15.78 GiB total capacity; 13.12 "
                   "GiB already allocated)\n");
        return;
    }
    if (n % 7 == 0) {
        fprintf(f,
                "[%s,%03u] torch.distributed.elastic.agent.server.api: "
                "[INFO] [default] Rendezvous complete for workers.\n",
                ts, rnd_below(1000));
        return;
    }
    fprintf(f,
            "%s INFO:root:Train Epoch: %lu [%lu/60000 (%lu%%)]\tloss="
            "%u.%04u\n",
            ts, 1 + n / 938, (n % 938) * 64, (n % 938) * 100 / 938,
            rnd_below(3), rnd_below(10000));
}

/* Jupyter notebook server. */
static void
rec_jupyter(FILE *f, long long ms, unsigned long n)
{
    char ts[40];

    fmt_time(ts, sizeof(ts), ms, "%Y-%m-%d %H:%M:%S");
    fprintf(f, "[I %s.%03u ServerApp] %s\n", ts, rnd_below(1000),
            n % 3 == 0 ? "Saving file at /mnist.ipynb"
                       : "Kernel restarted: 7a3f4e2b-19c1-4d4e-9a0f");
}

static const struct log_kind log_kinds[] = {
    { "kubeflow", "workflow-controller-7d9b7d6b5c-xk2mn", "workflow-controller",
      rec_argo },
    { "istio-system", "istio-ingressgateway-6b78f9d8c5-7xq9t", "istio-proxy",
      rec_envoy },
    { "auth", "dex-5ddf47d88d-7zkbv", "dex", rec_dex },
    { "kubeflow", "ml-pipeline-7b9d8b5f6c-9hqvx", "ml-pipeline-api-server",
      rec_glog },
    { "kubeflow", "mysql-5b446b5744-kf4gq", "mysql", rec_mysql },
    { "kserve", "kserve-controller-manager-0", "manager", rec_zap },
    { "kubeflow-user-example-com", "mnist-train-master-0", "pytorch",
      rec_torch },
    { "kubeflow-user-example-com", "gpu-notebook-0", "gpu-notebook",
      rec_jupyter },
};

#define N_LOG_KINDS (sizeof(log_kinds) / sizeof(log_kinds[0]))

static void
write_log(const char *dir, const struct log_kind *k, unsigned serial,
          unsigned long long bytes)
{
    char rel[1024];
    FILE *f;
    long long ms = (long long)serial * 3600 * 1000;
    unsigned long n = 0;

    if (serial == 0) {
        snprintf(rel, sizeof(rel), "cluster-resources/pods/logs/%s/%s/%s.log",
                 k->ns, k->pod, k->container);
    } else {
        /* Replicas and earlier instances: same format, another pod. */
        snprintf(rel, sizeof(rel),
                 "cluster-resources/pods/logs/%s/%s-r%u/%s.log", k->ns, k->pod,
                 serial, k->container);
    }
    f = open_out(dir, rel);
    while ((unsigned long long)ftell(f) < bytes) {
        k->record(f, ms, n++);
        ms += 1 + rnd_below(400);
    }
    close_out(f);
}

/* ------------------------------------------------------------------ */
/* JSON lists and describe text. */

static void
write_version(const char *dir)
{
    FILE *f = open_out(dir, "version.yaml");

    fputs("apiVersion: troubleshoot.sh/v1beta2\nkind: SupportBundle\n"
          "metadata:\n  name: kftriage-bench\nspec:\n"
          "  versionNumber: 0.78.0\n",
          f);
    close_out(f);
    f = open_out(dir, "cluster-info/cluster_version.json");
    fputs("{\n  \"info\": {\n    \"major\": \"1\",\n    \"minor\": \"28\",\n"
          "    \"gitVersion\": \"v1.28.9\",\n    \"platform\": "
          "\"linux/amd64\"\n  },\n  \"string\": \"v1.28.9\"\n}\n",
          f);
    close_out(f);
}

static void
write_nodes(const char *dir)
{
    FILE *f = open_out(dir, "cluster-resources/nodes.json");
    int i;

    fputs("{\n  \"kind\": \"NodeList\",\n  \"apiVersion\": \"v1\",\n"
          "  \"items\": [\n",
          f);
    for (i = 0; i < 4; i++) {
        int gpu = i == 3;

        fprintf(f,
                "    {\n      \"kind\": \"Node\",\n      \"metadata\": {\n"
                "        \"name\": \"%s-node-%d\",\n        \"labels\": {\n"
                "          \"kubernetes.io/os\": \"linux\"%s\n        }\n"
                "      },\n      \"spec\": {%s},\n      \"status\": {\n"
                "        \"capacity\": {\"cpu\": \"16\", \"memory\": "
                "\"65838140Ki\"%s},\n        \"allocatable\": {\"cpu\": "
                "\"15900m\", \"memory\": \"63638140Ki\"%s},\n"
                "        \"conditions\": [\n          {\"type\": \"Ready\", "
                "\"status\": \"True\", \"reason\": \"KubeletReady\", "
                "\"message\": \"kubelet is posting ready status\", "
                "\"lastTransitionTime\": \"2024-09-02T09:00:00Z\"}\n"
                "        ]\n      }\n    }%s\n",
                gpu ? "gpu" : "cpu", gpu ? 1 : i + 1,
                gpu ? ",\n          \"nvidia.com/gpu.present\": \"true\"" : "",
                gpu ? "\n        \"taints\": [{\"key\": \"nvidia.com/gpu\", "
                      "\"value\": \"present\", \"effect\": \"NoSchedule\"}]\n"
                      "      "
                    : "",
                gpu ? ", \"nvidia.com/gpu\": \"1\"" : "",
                gpu ? ", \"nvidia.com/gpu\": \"1\"" : "", i < 3 ? "," : "");
    }
    fputs("  ]\n}\n", f);
    close_out(f);
}

/* One pod of a PodList. kind_of_pod: 0 healthy, 1 OOMKilled, 2 pending on
 * a GPU. */
static void
pod_json(FILE *f, const char *ns, const char *name, const char *ctr,
         int kind_of_pod, int last)
{
    char uid[40];
    const char *state;
    const char *cond;

    uuid(uid);
    if (kind_of_pod == 1) {
        state = "\"state\": {\"waiting\": {\"reason\": \"CrashLoopBackOff\", "
                "\"message\": \"back-off 5m0s restarting failed container\"}},"
                "\n            \"lastState\": {\"terminated\": {\"exitCode\": "
                "137, \"reason\": \"OOMKilled\", \"startedAt\": "
                "\"2024-09-18T14:20:01Z\", \"finishedAt\": "
                "\"2024-09-18T14:21:36Z\"}},\n            \"restartCount\": 6";
    } else if (kind_of_pod == 2) {
        state = "\"state\": {\"waiting\": {\"reason\": \"ContainerCreating\"}}"
                ",\n            \"restartCount\": 0";
    } else {
        state = "\"state\": {\"running\": {\"startedAt\": "
                "\"2024-09-02T09:15:10Z\"}},\n            \"restartCount\": 0";
    }
    if (kind_of_pod == 2) {
        cond = "{\"type\": \"PodScheduled\", \"status\": \"False\", "
               "\"reason\": \"Unschedulable\", \"message\": \"0/4 nodes are "
               "available: 1 node(s) had untolerated taint "
               "{node-role.kubernetes.io/control-plane: }, 4 Insufficient "
               "nvidia.com/gpu. preemption: 0/4 nodes are available: 4 No "
               "preemption victims found for incoming pod.\", "
               "\"lastTransitionTime\": \"2024-09-18T14:31:12Z\"}";
    } else {
        cond = "{\"type\": \"Ready\", \"status\": \"True\", "
               "\"lastTransitionTime\": \"2024-09-02T09:15:11Z\"}";
    }
    fprintf(f,
            "    {\n      \"kind\": \"Pod\",\n      \"apiVersion\": \"v1\",\n"
            "      \"metadata\": {\n        \"name\": \"%s\",\n"
            "        \"namespace\": \"%s\",\n        \"uid\": \"%s\",\n"
            "        \"creationTimestamp\": \"2024-09-02T09:15:00Z\",\n"
            "        \"labels\": {\"app\": \"%s\", \"pod-template-hash\": "
            "\"7b9d8b5f6c\"}\n      },\n      \"spec\": {\n"
            "        \"nodeName\": \"%s\",\n        \"containers\": [\n"
            "          {\"name\": \"%s\", \"image\": \"gcr.io/ml-pipeline/%s:"
            "2.2.0\", \"resources\": {\"limits\": {\"cpu\": \"1\", "
            "\"memory\": \"%s\"}, \"requests\": {\"cpu\": \"250m\", "
            "\"memory\": \"256Mi\"}}}\n        ]\n      },\n"
            "      \"status\": {\n        \"phase\": \"%s\",\n"
            "        \"conditions\": [%s],\n        \"containerStatuses\": [\n"
            "          {\n            \"name\": \"%s\",\n"
            "            \"ready\": "
            "%s,\n            \"image\": \"gcr.io/ml-pipeline/%s:2.2.0\",\n"
            "            %s\n          }\n        ]\n      }\n    }%s\n",
            name, ns, uid, ctr, kind_of_pod == 2 ? "" : "cpu-node-1", ctr, ctr,
            kind_of_pod == 2 ? "8Gi" : "1Gi",
            kind_of_pod == 2 ? "Pending" : "Running", cond, ctr,
            kind_of_pod == 0 ? "true" : "false", ctr, state, last ? "" : ",");
}

static const char *const job_steps[] = { "preprocess", "train", "evaluate",
                                         "deploy", "condition" };

static void
pod_name(char *buf, size_t len, unsigned i)
{
    snprintf(buf, len, "%s-%u-%s-%u", wf_names[i % 5], i / 5,
             job_steps[(i / 5) % 5], 1000000 + (i * 7919U) % 9000000);
}

/* Step pods live in profile namespaces of this many pods each, as in a
 * multi-user Kubeflow: one pods, events and describe file per namespace
 * (a single list of every pod would make one huge JSON document). */
#define PODS_PER_NS 400

static void
team_ns(char *buf, size_t len, unsigned i)
{
    snprintf(buf, len, "kubeflow-team-%03u", i / PODS_PER_NS);
}

static int
last_in_ns(unsigned i, unsigned n_pods)
{
    return i + 1 == n_pods || (i + 1) % PODS_PER_NS == 0;
}

/* Pipeline step pods in the profile namespaces, plus the planted
 * failures. */
static void
write_pods(const char *dir, unsigned n_pods)
{
    FILE *f = open_out(dir, "cluster-resources/pods/kubeflow.json");
    unsigned i;
    char name[128];

    fputs("{\n  \"kind\": \"PodList\",\n  \"apiVersion\": \"v1\",\n"
          "  \"items\": [\n",
          f);
    for (i = 0; i < N_LOG_KINDS; i++) {
        if (strcmp(log_kinds[i].ns, "kubeflow") == 0) {
            pod_json(f, "kubeflow", log_kinds[i].pod, log_kinds[i].container,
                     i == 3, 0);
        }
    }
    pod_json(f, "kubeflow", "metadata-grpc-deployment-8496ffb98b-zt6hm",
             "container", 0, 1);
    fputs("  ]\n}\n", f);
    close_out(f);

    f = open_out(dir, "cluster-resources/pods/kubeflow-user-example-com.json");
    fputs("{\n  \"kind\": \"PodList\",\n  \"apiVersion\": \"v1\",\n"
          "  \"items\": [\n",
          f);
    pod_json(f, "kubeflow-user-example-com", "mnist-train-worker-0", "pytorch",
             2, 1);
    fputs("  ]\n}\n", f);
    close_out(f);

    for (i = 0; i < n_pods; i++) {
        char ns[64];
        char rel[128];

        team_ns(ns, sizeof(ns), i);
        if (i % PODS_PER_NS == 0) {
            snprintf(rel, sizeof(rel), "cluster-resources/pods/%s.json", ns);
            f = open_out(dir, rel);
            fputs("{\n  \"kind\": \"PodList\",\n  \"apiVersion\": "
                  "\"v1\",\n  \"items\": [\n",
                  f);
        }
        pod_name(name, sizeof(name), i);
        pod_json(f, ns, name, "main", 0, last_in_ns(i, n_pods));
        if (last_in_ns(i, n_pods)) {
            fputs("  ]\n}\n", f);
            close_out(f);
        }
    }
}

static void
event_json(FILE *f, const char *ns, const char *pod, const char *type,
           const char *reason, const char *msg, long long ms, int count,
           int last)
{
    char uid[40];
    char first[32];
    char lastts[32];

    uuid(uid);
    rfc3339(first, sizeof(first), ms);
    rfc3339(lastts, sizeof(lastts), ms + (long long)(count - 1) * 30000);
    fprintf(f,
            "    {\n      \"kind\": \"Event\",\n      \"apiVersion\": "
            "\"v1\",\n      \"metadata\": {\n        \"name\": \"%s.%.16s\","
            "\n        \"namespace\": \"%s\",\n        \"uid\": \"%s\"\n"
            "      },\n      \"involvedObject\": {\n        \"kind\": "
            "\"Pod\",\n        \"namespace\": \"%s\",\n        \"name\": "
            "\"%s\"\n      },\n      \"reason\": \"%s\",\n      \"message\": "
            "\"%s\",\n      \"source\": {\"component\": \"%s\"},\n"
            "      \"firstTimestamp\": \"%s\",\n      \"lastTimestamp\": "
            "\"%s\",\n      \"count\": %d,\n      \"type\": \"%s\"\n    }%s\n",
            pod, uid, ns, uid, ns, pod, reason, msg,
            strcmp(reason, "FailedScheduling") == 0 ? "default-scheduler"
                                                    : "kubelet",
            first, lastts, count, type, last ? "" : ",");
}

static void
write_events(const char *dir, unsigned n_pods)
{
    FILE *f =
            open_out(dir, "cluster-resources/events/kubeflow-user-example-com."
                          "json");
    char name[128];
    char msg[256];
    unsigned i;

    fputs("{\n  \"kind\": \"EventList\",\n  \"apiVersion\": \"v1\",\n"
          "  \"items\": [\n",
          f);
    event_json(f, "kubeflow-user-example-com", "mnist-train-worker-0",
               "Warning", "FailedScheduling",
               "0/4 nodes are available: 1 node(s) had untolerated taint "
               "{node-role.kubernetes.io/control-plane: }, 4 Insufficient "
               "nvidia.com/gpu. preemption: 0/4 nodes are available: 4 No "
               "preemption victims found for incoming pod.",
               14LL * 3600 * 1000, 12, 1);
    fputs("  ]\n}\n", f);
    close_out(f);

    for (i = 0; i < n_pods; i++) {
        long long ms = (long long)i * 20000;
        char ns[64];
        char rel[128];

        team_ns(ns, sizeof(ns), i);
        if (i % PODS_PER_NS == 0) {
            snprintf(rel, sizeof(rel), "cluster-resources/events/%s.json", ns);
            f = open_out(dir, rel);
            fputs("{\n  \"kind\": \"EventList\",\n  \"apiVersion\": "
                  "\"v1\",\n  \"items\": [\n",
                  f);
        }
        pod_name(name, sizeof(name), i);
        event_json(f, ns, name, "Normal", "Scheduled",
                   "Successfully assigned pod to cpu-node-2", ms, 1, 0);
        snprintf(msg, sizeof(msg),
                 "Container image \\\"gcr.io/ml-pipeline/%s:2.2.0\\\" "
                 "already present on machine",
                 job_steps[(i / 5) % 5]);
        event_json(f, ns, name, "Normal", "Pulled", msg, ms + 1000, 1, 0);
        event_json(f, ns, name, "Normal", "Started", "Started container main",
                   ms + 2000, 1, last_in_ns(i, n_pods));
        if (last_in_ns(i, n_pods)) {
            fputs("  ]\n}\n", f);
            close_out(f);
        }
    }

    f = open_out(dir, "cluster-resources/events/kubeflow.json");
    fputs("{\n  \"kind\": \"EventList\",\n  \"apiVersion\": \"v1\",\n"
          "  \"items\": [\n",
          f);
    event_json(f, "kubeflow", "ml-pipeline-7b9d8b5f6c-9hqvx", "Warning",
               "BackOff", "Back-off restarting failed container",
               14LL * 3600 * 1000 + 5000, 24, 1);
    fputs("  ]\n}\n", f);
    close_out(f);
}

/* kubectl describe pods for the step pods, as a person would save it. */
static void
write_describe(const char *dir, unsigned n_pods)
{
    FILE *f = NULL;
    char name[128];
    char id[65];
    char ns[64];
    char rel[128];
    unsigned i;

    for (i = 0; i < n_pods; i++) {
        team_ns(ns, sizeof(ns), i);
        if (i % PODS_PER_NS == 0) {
            snprintf(rel, sizeof(rel), "describe/pods-%s.txt", ns);
            f = open_out(dir, rel);
        }
        pod_name(name, sizeof(name), i);
        hex(id, 64);
        fprintf(f,
                "%sName:             %s\n"
                "Namespace:        %s\n"
                "Priority:         0\n"
                "Service Account:  pipeline-runner\n"
                "Node:             cpu-node-2/10.0.0.22\n"
                "Start Time:       Wed, 18 Sep 2024 10:04:05 +0000\n"
                "Labels:           workflows.argoproj.io/workflow=%s-%u\n"
                "                  pipelines.kubeflow.org/v2_component=true\n"
                "Annotations:      workflows.argoproj.io/node-name=%s\n"
                "Status:           Running\n"
                "IP:               10.244.2.%u\n"
                "Controlled By:    Workflow/%s-%u\n"
                "Containers:\n"
                "  main:\n"
                "    Container ID:   containerd://%s\n"
                "    Image:          gcr.io/ml-pipeline/%s:2.2.0\n"
                "    Port:           <none>\n"
                "    State:          Running\n"
                "      Started:      Wed, 18 Sep 2024 10:04:07 +0000\n"
                "    Ready:          True\n"
                "    Restart Count:  0\n"
                "    Limits:\n      cpu:     1\n      memory:  1Gi\n"
                "    Requests:\n      cpu:     250m\n      memory:  256Mi\n"
                "    Environment:\n      ARGO_CONTAINER_NAME:  main\n"
                "    Mounts:\n      /var/run/argo from var-run-argo (rw)\n"
                "Conditions:\n"
                "  Type              Status\n"
                "  Initialized       True \n"
                "  Ready             True \n"
                "  ContainersReady   True \n"
                "  PodScheduled      True \n"
                "QoS Class:          Burstable\n"
                "Node-Selectors:     <none>\n"
                "Tolerations:        node.kubernetes.io/not-ready:NoExecute "
                "op=Exists for 300s\n"
                "Events:\n"
                "  Type    Reason     Age   From               Message\n"
                "  ----    ------     ----  ----               -------\n"
                "  Normal  Scheduled  12m   default-scheduler  Successfully "
                "assigned %s/%s to cpu-node-2\n"
                "  Normal  Pulled     12m   kubelet            Container "
                "image \"gcr.io/ml-pipeline/%s:2.2.0\" already present on "
                "machine\n"
                "  Normal  Started    12m   kubelet            Started "
                "container main\n",
                i % PODS_PER_NS == 0 ? "" : "\n\n", name, ns, wf_names[i % 5],
                i / 5, name, 2 + i % 250, wf_names[i % 5], i / 5, id,
                job_steps[(i / 5) % 5], ns, name, job_steps[(i / 5) % 5]);
        if (last_in_ns(i, n_pods)) {
            close_out(f);
        }
    }
}

static unsigned long long
parse_size(const char *s)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || end == s) {
        return 0;
    }
    switch (*end) {
    case 'K':
    case 'k':
        v <<= 10;
        end++;
        break;
    case 'M':
    case 'm':
        v <<= 20;
        end++;
        break;
    case 'G':
    case 'g':
        v <<= 30;
        end++;
        break;
    default:
        break;
    }
    return *end == '\0' ? v : 0;
}

int
main(int argc, char **argv)
{
    unsigned long long size;
    unsigned long long left;
    unsigned n_pods;
    unsigned k = 0;
    unsigned serial = 0;
    unsigned long long per_file;

    if (argc != 3 || (size = parse_size(argv[2])) == 0) {
        fprintf(stderr, "usage: genbundle DIR SIZE (bytes, or nK, nM, nG)\n");
        return 2;
    }
    mkdirs(argv[1]);
    /* Step pods scale with the size: about a tenth of the bundle is JSON
     * lists and describe text (some 4 KiB per pod over the three). */
    n_pods = (unsigned)(size / 10 / 4096);
    write_version(argv[1]);
    write_nodes(argv[1]);
    write_pods(argv[1], n_pods);
    write_events(argv[1], n_pods);
    write_describe(argv[1], n_pods);

    /* The rest is logs, round-robin over the formats. */
    per_file = size / 40;
    per_file = per_file < LOG_FILE_MIN   ? LOG_FILE_MIN
               : per_file > LOG_FILE_MAX ? LOG_FILE_MAX
                                         : per_file;
    while (written < size) {
        left = size - written;
        write_log(argv[1], &log_kinds[k], serial,
                  left < per_file ? left : per_file);
        if (++k == N_LOG_KINDS) {
            k = 0;
            serial++;
        }
    }
    printf("%llu\n", written);
    return 0;
}
