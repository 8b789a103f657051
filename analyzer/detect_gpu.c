/* SPDX-License-Identifier: MIT */
/* GPU absences: what keeps a pod that asks for nvidia.com/gpu Pending when
 * no single event says it. No node offers the resource, or all of it is
 * requested already; a node that has GPUs runs no device plugin, so it
 * offers none; every GPU node carries a taint the pod does not tolerate.
 *
 * A pod's requests come from the resources table (allocatable holds a
 * pod's request, capacity its limit); a node's from its allocatable and,
 * when describe printed them, its allocated requests, else the sum over
 * the pods bound to it. */
#include "detect.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#define GPU "nvidia.com/gpu"

/* The nodes a detector looks at; a cluster with more is cut to this. */
#define MAX_NODES 4096

/* Room for a list of names or taints quoted in a finding. */
#define TEXT_MAX 1024

struct gpu_node {
    long long id;
    char name[256];
    char taints[TEXT_MAX];
    long long file_id;
    long long line;
    long long allocatable; /* -1 when the node lists no nvidia.com/gpu */
    long long used;
    bool labelled; /* labels say it has NVIDIA GPUs */
};

static const char *
col(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);

    return t != NULL ? t : "";
}

static enum kt_status
db_fail(struct detect *d, struct kt_err *err)
{
    return kt_err_set(err, KT_EDB, "%s: %s", detect_id(d),
                      sqlite3_errmsg(detect_db(d)));
}

/* Labels that GPU Feature Discovery, the GPU operator or node feature
 * discovery put on a node with NVIDIA GPUs. */
static bool
gpu_labels(const char *labels)
{
    return strstr(labels, "nvidia.com/gpu.present=true") != NULL ||
           strstr(labels, "nvidia.com/gpu.product=") != NULL ||
           strstr(labels, "nvidia.com/gpu.count=") != NULL ||
           strstr(labels, "feature.node.kubernetes.io/pci-10de.present="
                          "true") != NULL;
}

/* Read every node with its GPU numbers into *out (caller frees). */
static enum kt_status
read_nodes(struct detect *d, struct gpu_node **out, size_t *n,
           struct kt_err *err)
{
    static const char sql[] =
            "SELECT o.id, o.name, coalesce(o.taints, ''),"
            " coalesce(o.labels, ''), o.file_id, o.line,"
            " CAST(r.allocatable AS INTEGER), CAST(r.requested AS INTEGER),"
            " r.object_id IS NOT NULL,"
            " (SELECT sum(CAST(coalesce(q.allocatable, q.capacity)"
            " AS INTEGER)) FROM objects p JOIN resources q"
            " ON q.object_id = p.id AND q.name = '" GPU "'"
            " WHERE p.kind = 'Pod' AND p.node = o.name"
            " AND coalesce(p.phase, '') NOT IN ('Succeeded', 'Failed'))"
            " FROM objects o LEFT JOIN resources r ON r.object_id = o.id"
            " AND r.name = '" GPU "' WHERE o.kind = 'Node'"
            " ORDER BY o.name LIMIT ?1";
    sqlite3_stmt *s;
    struct gpu_node *v = NULL;
    size_t k = 0;

    *out = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(detect_db(d), sql, -1, &s, NULL) != SQLITE_OK) {
        return db_fail(d, err);
    }
    sqlite3_bind_int(s, 1, MAX_NODES);
    while (sqlite3_step(s) == SQLITE_ROW) {
        struct gpu_node *g;
        struct gpu_node *grown = realloc(v, (k + 1) * sizeof(*v));

        if (grown == NULL) {
            free(v);
            sqlite3_finalize(s);
            return kt_err_set(err, KT_ENOMEM, "out of memory");
        }
        v = grown;
        g = &v[k++];
        g->id = sqlite3_column_int64(s, 0);
        snprintf(g->name, sizeof(g->name), "%s", col(s, 1));
        snprintf(g->taints, sizeof(g->taints), "%s", col(s, 2));
        g->labelled = gpu_labels(col(s, 3));
        g->file_id = sqlite3_column_int64(s, 4);
        g->line = sqlite3_column_int64(s, 5);
        g->allocatable =
                sqlite3_column_int(s, 8) ? sqlite3_column_int64(s, 6) : -1;
        g->used = sqlite3_column_type(s, 7) != SQLITE_NULL
                          ? sqlite3_column_int64(s, 7)
                          : sqlite3_column_int64(s, 9);
    }
    sqlite3_finalize(s);
    *out = v;
    *n = k;
    return KT_OK;
}

/* Run fn for every Pending, unbound pod that asks for GPUs: its id,
 * namespace, name, file_id, line, tolerations and GPU request. */
typedef enum kt_status (*pod_fn)(struct detect *d, sqlite3_stmt *pod,
                                 long long want, const struct gpu_node *nodes,
                                 size_t n, struct kt_err *err);

static enum kt_status
each_waiting_pod(struct detect *d, pod_fn fn, int *any, struct kt_err *err)
{
    static const char sql[] =
            "SELECT o.id, o.namespace, o.name, o.file_id, o.line,"
            " coalesce(o.tolerations, ''), (SELECT sum(CAST("
            " coalesce(r.allocatable, r.capacity) AS INTEGER))"
            " FROM resources r WHERE r.object_id = o.id"
            " AND r.name = '" GPU "') AS gpus"
            " FROM objects o WHERE o.kind = 'Pod' AND o.phase = 'Pending'"
            " AND coalesce(o.node, '') = '' AND gpus > 0"
            " ORDER BY o.namespace, o.name";
    struct gpu_node *nodes = NULL;
    size_t n = 0;
    sqlite3_stmt *s;
    enum kt_status st = KT_OK;

    *any = 0;
    if (sqlite3_prepare_v2(detect_db(d), sql, -1, &s, NULL) != SQLITE_OK) {
        return db_fail(d, err);
    }
    while (st == KT_OK && sqlite3_step(s) == SQLITE_ROW) {
        if (!*any) {
            *any = 1;
            st = read_nodes(d, &nodes, &n, err);
            if (st != KT_OK) {
                break;
            }
            if (n == 0) {
                st = detect_not_checked(
                        d, "node objects (kubectl get nodes -o yaml)",
                        "why a pod that asks for GPUs stays Pending "
                        "cannot be told from node capacity",
                        err);
                break;
            }
        }
        st = fn(d, s, sqlite3_column_int64(s, 6), nodes, n, err);
    }
    sqlite3_finalize(s);
    free(nodes);
    return st;
}

static enum kt_status
cite_node(struct detect *d, const struct gpu_node *g, struct kt_err *err)
{
    char text[sizeof(g->name) + sizeof(g->taints) + 128];

    if (g->allocatable < 0) {
        snprintf(text, sizeof(text), "node %s: no " GPU " allocatable",
                 g->name);
    } else {
        snprintf(text, sizeof(text),
                 "node %s: " GPU " allocatable %lld, requested %lld%s%s",
                 g->name, g->allocatable, g->used,
                 g->taints[0] != '\0' ? ", taints " : "", g->taints);
    }
    return detect_cite(d, "status", g->id, g->file_id, g->line, NULL, text,
                       err);
}

/* The pods that hold GPUs, "ns/name (n)", the largest first, cut. */
static void
list_holders(struct detect *d, char *out, size_t cap)
{
    static const char sql[] =
            "SELECT p.namespace || '/' || p.name || ' (' || sum(CAST("
            " coalesce(q.allocatable, q.capacity) AS INTEGER)) || ')'"
            " FROM objects p JOIN resources q ON q.object_id = p.id"
            " AND q.name = '" GPU "' WHERE p.kind = 'Pod'"
            " AND coalesce(p.node, '') != ''"
            " AND coalesce(p.phase, '') NOT IN ('Succeeded', 'Failed')"
            " GROUP BY p.id ORDER BY sum(CAST(coalesce(q.allocatable,"
            " q.capacity) AS INTEGER)) DESC, p.namespace, p.name LIMIT 5";
    sqlite3_stmt *s;
    size_t used = 0;

    out[0] = '\0';
    if (sqlite3_prepare_v2(detect_db(d), sql, -1, &s, NULL) != SQLITE_OK) {
        return;
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        int w = snprintf(out + used, cap - used, "%s%s", used > 0 ? ", " : "",
                         col(s, 0));

        if (w < 0 || (size_t)w >= cap - used) {
            break;
        }
        used += (size_t)w;
    }
    sqlite3_finalize(s);
    if (used == 0) {
        snprintf(out, cap, "as the nodes' allocated resources show");
    }
}

static enum kt_status
capacity_pod(struct detect *d, sqlite3_stmt *pod, long long want,
             const struct gpu_node *nodes, size_t n, struct kt_err *err)
{
    char why[TEXT_MAX];
    char text[TEXT_MAX + 256];
    char request[24];
    const char *vars[] = { "why", why, "request", request, NULL };
    struct detect_hit h = { col(pod, 1), "Pod", col(pod, 2), NULL, 0,
                            0,           NULL,  text,        vars };
    long long total = 0;
    long long largest = 0;
    long long best_free = 0;
    size_t gpu_nodes = 0;
    size_t i;
    enum kt_status st;

    for (i = 0; i < n; i++) {
        long long free_gpus = nodes[i].allocatable - nodes[i].used;

        if (nodes[i].allocatable <= 0) {
            continue;
        }
        gpu_nodes++;
        total += nodes[i].allocatable;
        largest =
                nodes[i].allocatable > largest ? nodes[i].allocatable : largest;
        best_free = free_gpus > best_free ? free_gpus : best_free;
    }
    snprintf(request, sizeof(request), "%lld", want);
    if (gpu_nodes == 0) {
        snprintf(why, sizeof(why),
                 "none of the %zu nodes in the bundle offers " GPU, n);
    } else if (largest < want) {
        snprintf(why, sizeof(why),
                 "the largest GPU node offers %lld, and a pod cannot span "
                 "nodes",
                 largest);
    } else if (best_free < want) {
        char holders[TEXT_MAX / 2];

        list_holders(d, holders, sizeof(holders));
        if (best_free == 0) {
            snprintf(why, sizeof(why),
                     "every GPU (%lld on %zu node%s) is requested by other "
                     "pods: %s",
                     total, gpu_nodes, gpu_nodes == 1 ? "" : "s", holders);
        } else {
            snprintf(why, sizeof(why),
                     "no node has more than %lld of its GPUs free; the rest "
                     "of the %lld are requested by other pods: %s",
                     best_free, total, holders);
        }
    } else {
        return KT_OK; /* capacity is there: something else holds it */
    }
    snprintf(text, sizeof(text), "pod %s asks for %lld " GPU ": %s",
             col(pod, 2), want, why);
    h.file_id = sqlite3_column_int64(pod, 3);
    h.line = sqlite3_column_int64(pod, 4);
    st = detect_emit(d, &h, err);
    for (i = 0; st == KT_OK && i < n; i++) {
        if (nodes[i].allocatable > 0 || gpu_nodes == 0) {
            st = cite_node(d, &nodes[i], err);
        }
    }
    return st;
}

enum kt_status
detect_gpu_capacity(struct detect *d, struct kt_err *err)
{
    int any;

    return each_waiting_pod(d, capacity_pod, &any, err);
}

/* Split "key=value:Effect" or "key:Effect" into its parts. */
static void
split_taint(const char *t, size_t len, char *key, char *value, char *effect,
            size_t cap)
{
    const char *colon = memchr(t, ':', len);
    const char *eq;
    size_t klen;

    key[0] = value[0] = effect[0] = '\0';
    if (colon == NULL) {
        return;
    }
    snprintf(effect, cap, "%.*s", (int)(len - (size_t)(colon - t) - 1),
             colon + 1);
    eq = memchr(t, '=', (size_t)(colon - t));
    klen = (size_t)((eq != NULL ? eq : colon) - t);
    snprintf(key, cap, "%.*s", (int)klen, t);
    if (eq != NULL) {
        snprintf(value, cap, "%.*s", (int)(colon - eq - 1), eq + 1);
    }
}

/* Does one toleration, as the parsers store it, tolerate the taint? JSON
 * gives "key=value:Effect" or "key:Exists:Effect" ("*" for any key);
 * describe gives "key=value:Effect" for Equal and "key:Effect", its
 * "op=Exists" dropped, for Exists. */
static bool
tolerates_one(const char *tol, size_t len, const char *key, const char *value,
              const char *effect)
{
    char tk[256];
    char tv[256];
    char te[256];
    char line[256];
    char *op;
    bool exists = false;

    snprintf(line, sizeof(line), "%.*s", (int)len, tol);
    op = strstr(line, " op=Exists");
    if (op != NULL) {
        exists = true;
        *op = '\0';
    } else if ((op = strstr(line, ":Exists")) != NULL) {
        exists = true;
        memmove(op, op + 7, strlen(op + 7) + 1);
    }
    while (line[0] == ' ') {
        memmove(line, line + 1, strlen(line));
    }
    if (strchr(line, '=') == NULL) {
        exists = true;
    }
    split_taint(line, strlen(line), tk, tv, te, sizeof(tk));
    if (strchr(line, ':') == NULL) { /* a bare key, or nothing */
        snprintf(tk, sizeof(tk), "%s", line);
        te[0] = '\0';
    }
    if (te[0] != '\0' && strcmp(te, effect) != 0) {
        return false;
    }
    if (tk[0] == '\0' || strcmp(tk, "*") == 0) {
        return exists; /* an empty key with Exists tolerates everything */
    }
    return strcmp(tk, key) == 0 && (exists || strcmp(tv, value) == 0);
}

static bool
tolerated(const char *tolerations, const char *key, const char *value,
          const char *effect)
{
    const char *p = tolerations;

    while (*p != '\0') {
        size_t len = strcspn(p, ",");

        if (tolerates_one(p, len, key, value, effect)) {
            return true;
        }
        p += len + (p[len] == ',');
    }
    return false;
}

/* The first taint of node g that blocks scheduling and that tolerations
 * do not tolerate, into out; false when there is none. */
static bool
blocking_taint(const struct gpu_node *g, const char *tolerations, char *out,
               size_t cap)
{
    const char *p = g->taints;

    while (*p != '\0') {
        size_t len = strcspn(p, ",");
        char key[256];
        char value[256];
        char effect[256];

        split_taint(p, len, key, value, effect, sizeof(key));
        if ((strcmp(effect, "NoSchedule") == 0 ||
             strcmp(effect, "NoExecute") == 0) &&
            !tolerated(tolerations, key, value, effect)) {
            snprintf(out, cap, "%.*s", (int)len, p);
            return true;
        }
        p += len + (p[len] == ',');
    }
    return false;
}

static enum kt_status
taint_pod(struct detect *d, sqlite3_stmt *pod, long long want,
          const struct gpu_node *nodes, size_t n, struct kt_err *err)
{
    char taints[TEXT_MAX] = "";
    char text[TEXT_MAX + 256];
    const char *vars[] = { "taints", taints, NULL };
    struct detect_hit h = { col(pod, 1), "Pod", col(pod, 2), NULL, 0,
                            0,           NULL,  text,        vars };
    const char *tolerations = col(pod, 5);
    size_t used = 0;
    size_t gpu_nodes = 0;
    size_t i;
    enum kt_status st;

    (void)want;
    for (i = 0; i < n; i++) {
        char t[512];
        int w;

        if (nodes[i].allocatable <= 0 && !nodes[i].labelled) {
            continue;
        }
        gpu_nodes++;
        if (!blocking_taint(&nodes[i], tolerations, t, sizeof(t))) {
            return KT_OK; /* a GPU node the pod may use */
        }
        w = snprintf(taints + used, sizeof(taints) - used, "%s%s (%s)",
                     used > 0 ? ", " : "", t, nodes[i].name);
        if (w > 0 && (size_t)w < sizeof(taints) - used) {
            used += (size_t)w;
        }
    }
    if (gpu_nodes == 0) {
        return KT_OK;
    }
    snprintf(text, sizeof(text),
             "pod %s tolerates none of the GPU nodes' taints: %s", col(pod, 2),
             taints);
    h.file_id = sqlite3_column_int64(pod, 3);
    h.line = sqlite3_column_int64(pod, 4);
    st = detect_emit(d, &h, err);
    for (i = 0; st == KT_OK && i < n; i++) {
        if (nodes[i].allocatable > 0 || nodes[i].labelled) {
            st = cite_node(d, &nodes[i], err);
        }
    }
    return st;
}

enum kt_status
detect_gpu_taint(struct detect *d, struct kt_err *err)
{
    int any;

    return each_waiting_pod(d, taint_pod, &any, err);
}

/* The device plugin pod on node, if any: its state, into out. Returns 1
 * when one runs, 0 when one exists but does not run, -1 when none. */
static int
plugin_on(struct detect *d, const char *node, char *out, size_t cap)
{
    static const char sql[] =
            "SELECT o.namespace, o.name, coalesce(o.phase, '?'),"
            " (SELECT group_concat(coalesce(c.reason, c.state), ' ')"
            " FROM containers c WHERE c.object_id = o.id AND c.is_init = 0"
            " AND c.state != 'running')"
            " FROM objects o WHERE o.kind = 'Pod' AND o.node = ?1"
            " AND (o.name LIKE '%device-plugin%' OR o.labels LIKE"
            " '%app=nvidia-device-plugin%')"
            " ORDER BY o.phase = 'Running' DESC LIMIT 1";
    sqlite3_stmt *s;
    int r = -1;

    out[0] = '\0';
    if (sqlite3_prepare_v2(detect_db(d), sql, -1, &s, NULL) != SQLITE_OK) {
        return -1;
    }
    sqlite3_bind_text(s, 1, node, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        r = strcmp(col(s, 2), "Running") == 0 &&
            sqlite3_column_type(s, 3) == SQLITE_NULL;
        snprintf(out, cap, "%s/%s is %s%s%s", col(s, 0), col(s, 1), col(s, 2),
                 sqlite3_column_type(s, 3) != SQLITE_NULL ? ", " : "",
                 col(s, 3));
    }
    sqlite3_finalize(s);
    return r;
}

/* Did the bundle collect the pods a device plugin would run as? */
static bool
system_pods_collected(struct detect *d)
{
    sqlite3_stmt *s;
    bool yes = false;

    if (sqlite3_prepare_v2(detect_db(d),
                           "SELECT 1 FROM objects WHERE kind = 'Pod' AND"
                           " (namespace IN ('kube-system', 'gpu-operator',"
                           " 'nvidia-gpu-operator', 'nvidia-device-plugin')"
                           " OR name LIKE '%device-plugin%') LIMIT 1",
                           -1, &s, NULL) == SQLITE_OK) {
        yes = sqlite3_step(s) == SQLITE_ROW;
        sqlite3_finalize(s);
    }
    return yes;
}

enum kt_status
detect_gpu_plugin(struct detect *d, struct kt_err *err)
{
    struct gpu_node *nodes = NULL;
    size_t n = 0;
    size_t i;
    enum kt_status st = read_nodes(d, &nodes, &n, err);
    bool checked = false;

    for (i = 0; st == KT_OK && i < n; i++) {
        const struct gpu_node *g = &nodes[i];
        char plugin[600];
        char text[1024];
        const char *vars[] = { "plugin", plugin, NULL };
        struct detect_hit h = { "",      "Node", g->name, NULL, g->file_id,
                                g->line, NULL,   text,    vars };
        int r;

        /* A node is known to have GPUs by its labels, or by listing the
         * resource at all; it offers none when allocatable is 0. */
        if (!(g->labelled || g->allocatable >= 0) || g->allocatable > 0) {
            continue;
        }
        if (!checked) {
            checked = true;
            if (!system_pods_collected(d)) {
                st = detect_not_checked(
                        d,
                        "pods of kube-system or the GPU operator's "
                        "namespace",
                        "whether a GPU node's device plugin runs cannot "
                        "be told",
                        err);
                break;
            }
        }
        r = plugin_on(d, g->name, plugin, sizeof(plugin));
        if (r == 1) {
            continue; /* it runs; the GPUs are in use or unhealthy */
        }
        if (r < 0) {
            snprintf(plugin, sizeof(plugin),
                     "no NVIDIA device plugin pod runs on it");
        }
        snprintf(text, sizeof(text),
                 "node %s has NVIDIA GPUs but offers no " GPU ": %s", g->name,
                 plugin);
        st = detect_emit(d, &h, err);
    }
    free(nodes);
    return st;
}
