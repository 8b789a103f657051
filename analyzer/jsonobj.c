/* SPDX-License-Identifier: MIT */
/* JSON lists to model.h structs. cJSON parses the document; because it
 * keeps no positions, a small scanner finds where each item of the list
 * starts so that every object and event keeps its source line. */
#include "jsonobj.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "kt_limits.h"

/* Start offsets of the items of the top-level list: elements of a root
 * array, or of the "items" array of a root object. */
struct item_offsets {
    size_t *off;
    size_t n;
};

static bool
push_offset(struct item_offsets *io, size_t off)
{
    size_t *p = realloc(io->off, (io->n + 1) * sizeof(*p));

    if (p == NULL) {
        return false;
    }
    io->off = p;
    io->off[io->n++] = off;
    return true;
}

/* Walk the text once, tracking strings and depth, and record where each
 * element of the item list begins and how deep the nesting goes.
 * Malformed text just yields fewer offsets; cJSON decides validity. */
static void
scan_items(const char *buf, size_t len, struct item_offsets *io, int *max_depth)
{
    size_t i = 0;
    int depth = 0;
    int list_depth = -1; /* depth inside the item array */
    bool want_item = false;
    bool last_key_items = false;

    while (i < len && strchr(" \t\r\n", buf[i]) != NULL) {
        i++;
    }
    if (i < len && buf[i] == '[') {
        list_depth = 1;
    }
    for (; i < len; i++) {
        char c = buf[i];

        if (want_item && strchr(" \t\r\n", c) == NULL) {
            want_item = false;
            if (c != ']' && !push_offset(io, i)) {
                return;
            }
        }
        if (c == '"') {
            size_t start = ++i;

            while (i < len && buf[i] != '"') {
                i += buf[i] == '\\' ? 2 : 1;
            }
            if (depth == 1 && i < len && i - start == 5 &&
                memcmp(buf + start, "items", 5) == 0) {
                last_key_items = true;
            }
            continue;
        }
        if (c == '[' || c == '{') {
            depth++;
            if (depth > *max_depth) {
                *max_depth = depth;
            }
            if (c == '[' && depth == 2 && last_key_items) {
                list_depth = 2;
            }
            if (depth == list_depth) {
                want_item = true;
            }
        } else if (c == ']' || c == '}') {
            if (depth == list_depth) {
                list_depth = -1;
            }
            depth--;
        } else if (c == ',' && depth == list_depth) {
            want_item = true;
        } else if (c == ',' && depth == 1) {
            last_key_items = false;
        }
    }
}

/* Line numbers advance monotonically through the items, so counting
 * newlines incrementally keeps the whole pass linear. */
struct line_counter {
    const char *buf;
    size_t pos;
    long line;
};

static long
line_at(struct line_counter *lc, size_t off)
{
    if (off < lc->pos) {
        lc->pos = 0;
        lc->line = 1;
    }
    while (lc->pos < off) {
        const char *nl = memchr(lc->buf + lc->pos, '\n', off - lc->pos);

        if (nl == NULL) {
            break;
        }
        lc->line++;
        lc->pos = (size_t)(nl - lc->buf) + 1;
    }
    lc->pos = off;
    return lc->line;
}

/* Line of the first occurrence of needle (then of needle2 after it, when
 * given) between from and to; falls back to the line of from. */
static long
line_of(const char *buf, size_t from, size_t to, long from_line,
        const char *needle, const char *needle2)
{
    const char *p;
    const char *q;
    long line = from_line;

    if (buf == NULL || to <= from) {
        return from_line;
    }
    p = kt_memmem(buf + from, to - from, needle, strlen(needle));
    if (p == NULL) {
        return from_line;
    }
    if (needle2 != NULL) {
        q = kt_memmem(p, (size_t)(buf + to - p), needle2, strlen(needle2));
        if (q != NULL) {
            p = q;
        }
    }
    for (q = buf + from; q < p; q++) {
        line += *q == '\n';
    }
    return line;
}

static const char *
str_at(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Copy a time only when it is a valid RFC 3339 time (see kt.h). */
static void
copy_time(char **field, const char *s)
{
    if (kt_valid_time(s)) {
        kt_set_field(field, s, strlen(s));
    }
}

static enum kt_status
copy(char **field, const char *s)
{
    if (s == NULL) {
        return KT_OK;
    }
    return kt_set_field(field, s, strnlen(s, KT_MAX_FIELD));
}

/* Append "key=value" pairs of a string map to a comma list. */
static enum kt_status
copy_map(char **field, const cJSON *map)
{
    const cJSON *kv;
    char pair[512];

    cJSON_ArrayForEach(kv, map)
    {
        int n;

        if (!cJSON_IsString(kv) || kv->string == NULL) {
            continue;
        }
        n = snprintf(pair, sizeof(pair), "%s=%s", kv->string, kv->valuestring);
        if (n > 0 &&
            kt_list_append(field, pair, strnlen(pair, 511)) == KT_ENOMEM) {
            return KT_ENOMEM;
        }
    }
    return KT_OK;
}

static void
read_state(const cJSON *state, char **name, char **reason, char **message,
           int *exit_code, bool *has_exit, char **finished)
{
    static const char *const states[] = { "waiting", "running", "terminated" };
    size_t i;

    for (i = 0; i < 3; i++) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(state, states[i]);
        const cJSON *code;

        if (!cJSON_IsObject(s)) {
            continue;
        }
        copy(name, states[i]);
        copy(reason, str_at(s, "reason"));
        copy(message, str_at(s, "message"));
        code = cJSON_GetObjectItemCaseSensitive(s, "exitCode");
        if (cJSON_IsNumber(code)) {
            *exit_code = code->valueint;
            *has_exit = true;
        }
        if (finished != NULL) {
            copy_time(finished, str_at(s, "finishedAt"));
        }
        return;
    }
}

static void
read_containers(struct kt_object *o, const cJSON *list, bool is_init,
                const char *buf, size_t from, size_t to, long line)
{
    const cJSON *cs;

    cJSON_ArrayForEach(cs, list)
    {
        struct kt_container *c = kt_object_add_container(o);
        const cJSON *v;
        char quoted[300];

        if (c == NULL) {
            return;
        }
        c->is_init = is_init;
        copy(&c->name, str_at(cs, "name"));
        copy(&c->image, str_at(cs, "image"));
        v = cJSON_GetObjectItemCaseSensitive(cs, "ready");
        c->ready = cJSON_IsTrue(v);
        v = cJSON_GetObjectItemCaseSensitive(cs, "restartCount");
        c->restarts = cJSON_IsNumber(v) && v->valuedouble >= 0 &&
                                      v->valuedouble < 1e12
                              ? (long)v->valuedouble
                              : 0;
        read_state(cJSON_GetObjectItemCaseSensitive(cs, "state"), &c->state,
                   &c->reason, &c->message, &c->exit_code, &c->has_exit_code,
                   NULL);
        read_state(cJSON_GetObjectItemCaseSensitive(cs, "lastState"),
                   &c->last_state, &c->last_reason, &c->last_message,
                   &c->last_exit_code, &c->has_last_exit_code,
                   &c->last_finished);
        snprintf(quoted, sizeof(quoted), "\"%s\"", c->name ? c->name : "");
        c->line = line_of(buf, from, to, line,
                          is_init ? "\"initContainerStatuses\""
                                  : "\"containerStatuses\"",
                          quoted);
    }
}

static void
read_conditions(struct kt_object *o, const cJSON *list, const char *buf,
                size_t from, size_t to, long line)
{
    const cJSON *cd;
    size_t status_off = from;
    const char *p = buf == NULL || to <= from ? NULL
                                              : kt_memmem(buf + from, to - from,
                                                          "\"conditions\"", 12);

    if (p != NULL) {
        status_off = (size_t)(p - buf);
        line = line_of(buf, from, to, line, "\"conditions\"", NULL);
    }
    cJSON_ArrayForEach(cd, list)
    {
        struct kt_condition *c = kt_object_add_condition(o);
        char quoted[300];

        if (c == NULL) {
            return;
        }
        copy(&c->type, str_at(cd, "type"));
        copy(&c->status, str_at(cd, "status"));
        copy(&c->reason, str_at(cd, "reason"));
        copy(&c->message, str_at(cd, "message"));
        copy_time(&c->last_transition, str_at(cd, "lastTransitionTime"));
        snprintf(quoted, sizeof(quoted), "\"%s\"", c->type ? c->type : "");
        c->line = line_of(buf, status_off, to, line, quoted, NULL);
    }
}

/* Requests and limits of a pod's containers, for the GPU and memory
 * questions the rules ask. The first container naming a resource wins. */
static void
read_pod_resources(struct kt_object *o, const cJSON *containers, long line)
{
    const cJSON *c;

    cJSON_ArrayForEach(c, containers)
    {
        const cJSON *res = cJSON_GetObjectItemCaseSensitive(c, "resources");
        const cJSON *lim = cJSON_GetObjectItemCaseSensitive(res, "limits");
        const cJSON *req = cJSON_GetObjectItemCaseSensitive(res, "requests");
        const cJSON *kv;

        if (str_at(c, "image") != NULL) {
            kt_list_append(&o->images, str_at(c, "image"),
                           strnlen(str_at(c, "image"), 1024));
        }
        cJSON_ArrayForEach(kv, lim)
        {
            struct kt_resource *r;

            if (!cJSON_IsString(kv)) {
                continue;
            }
            r = kt_object_add_resource(o);
            if (r == NULL) {
                return;
            }
            copy(&r->name, kv->string);
            copy(&r->capacity, kv->valuestring);
            copy(&r->allocatable, str_at(req, kv->string)
                                          ? str_at(req, kv->string)
                                          : kv->valuestring);
            r->line = line;
        }
    }
}

static void
read_taints(char **field, const cJSON *list, bool tolerations)
{
    const cJSON *t;
    char text[600];

    cJSON_ArrayForEach(t, list)
    {
        const char *key = str_at(t, "key");
        const char *value = str_at(t, "value");
        const char *effect = str_at(t, "effect");
        const char *op = str_at(t, "operator");
        int n;

        if (tolerations && op != NULL && strcmp(op, "Exists") == 0) {
            n = snprintf(text, sizeof(text), "%s:Exists:%s", key ? key : "*",
                         effect ? effect : "");
        } else {
            n = snprintf(text, sizeof(text), "%s=%s:%s", key ? key : "",
                         value ? value : "", effect ? effect : "");
        }
        if (n > 0) {
            kt_list_append(field, text, strnlen(text, sizeof(text) - 1));
        }
    }
}

static void
read_node_resources(struct kt_object *o, const cJSON *status, long line)
{
    const cJSON *cap = cJSON_GetObjectItemCaseSensitive(status, "capacity");
    const cJSON *alloc =
            cJSON_GetObjectItemCaseSensitive(status, "allocatable");
    const cJSON *kv;

    cJSON_ArrayForEach(kv, cap)
    {
        struct kt_resource *r;

        if (!cJSON_IsString(kv)) {
            continue;
        }
        r = kt_object_add_resource(o);
        if (r == NULL) {
            return;
        }
        copy(&r->name, kv->string);
        copy(&r->capacity, kv->valuestring);
        copy(&r->allocatable, str_at(alloc, kv->string));
        r->line = line;
    }
}

/* A replica count as written: a number or a numeric string. */
static void
copy_count(char **field, const cJSON *v)
{
    char num[32];

    if (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e9) {
        snprintf(num, sizeof(num), "%ld", (long)v->valuedouble);
        copy(field, num);
    } else if (cJSON_IsString(v)) {
        copy(field, v->valuestring);
    }
}

/* The minimum scale of a serving object (see model.h): KServe's
 * spec.predictor.minReplicas (v1alpha2: spec.default.predictor), and
 * the Knative min-scale annotation, on the template of a Knative Service
 * and on a Revision itself. A Knative object without the annotation
 * gets "": Knative's default then lets it scale to zero, while KServe
 * defaults an unset minReplicas to 1. Knative Services share the kind
 * "Service" with core Services; only theirs has an apiVersion of
 * serving.knative.dev, or a spec.template when apiVersion is missing. */
static void
read_min_scale(struct kt_object *o, const cJSON *item, const char *kind)
{
    static const char *const keys[] = { "autoscaling.knative.dev/min-scale",
                                        "autoscaling.knative.dev/minScale" };
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(item, "spec");
    const char *api = str_at(item, "apiVersion");
    bool knative = api != NULL ? strncmp(api, "serving.knative.dev/", 20) == 0
                               : cJSON_GetObjectItemCaseSensitive(
                                         spec, "template") != NULL;
    const cJSON *md = NULL;
    size_t i;

    if (strcmp(kind, "InferenceService") == 0) {
        const cJSON *pred = cJSON_GetObjectItemCaseSensitive(spec, "predictor");

        if (pred == NULL) {
            pred = cJSON_GetObjectItemCaseSensitive(
                    cJSON_GetObjectItemCaseSensitive(spec, "default"),
                    "predictor");
        }
        copy_count(&o->min_scale,
                   cJSON_GetObjectItemCaseSensitive(pred, "minReplicas"));
        return;
    }
    if (strcmp(kind, "Service") == 0 && knative) {
        md = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(spec, "template"), "metadata");
    } else if (strcmp(kind, "Revision") == 0 && knative) {
        md = cJSON_GetObjectItemCaseSensitive(item, "metadata");
    } else {
        return;
    }
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && o->min_scale == NULL;
         i++) {
        copy_count(&o->min_scale,
                   cJSON_GetObjectItemCaseSensitive(
                           cJSON_GetObjectItemCaseSensitive(md, "annotations"),
                           keys[i]));
    }
    if (o->min_scale == NULL) {
        copy(&o->min_scale, "");
    }
}

static void
read_object(struct kt_object *o, const cJSON *item, const char *kind,
            const char *buf, size_t from, size_t to, long line)
{
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(item, "metadata");
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(item, "spec");
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(item, "status");
    const cJSON *owners =
            cJSON_GetObjectItemCaseSensitive(md, "ownerReferences");
    const cJSON *annotations =
            cJSON_GetObjectItemCaseSensitive(md, "annotations");
    const cJSON *ref;
    const cJSON *v;

    o->line = line;
    copy(&o->kind, kind);
    copy(&o->name, str_at(md, "name"));
    copy(&o->namespace, str_at(md, "namespace"));
    copy(&o->uid, str_at(md, "uid"));
    copy_time(&o->created, str_at(md, "creationTimestamp"));
    copy_map(&o->labels, cJSON_GetObjectItemCaseSensitive(md, "labels"));
    cJSON_ArrayForEach(ref, owners)
    {
        if (o->owner_kind == NULL ||
            cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ref, "controller"))) {
            copy(&o->owner_kind, str_at(ref, "kind"));
            copy(&o->owner_name, str_at(ref, "name"));
        }
    }
    copy(&o->phase, str_at(status, "phase"));
    copy(&o->reason, str_at(status, "reason"));
    copy(&o->message, str_at(status, "message"));
    read_conditions(o, cJSON_GetObjectItemCaseSensitive(status, "conditions"),
                    buf, from, to, line);
    read_min_scale(o, item, kind);
    if (strcmp(kind, "Pod") == 0) {
        const cJSON *vol;

        copy(&o->node, str_at(spec, "nodeName"));
        copy(&o->service_account, str_at(spec, "serviceAccountName"));
        if (o->service_account == NULL) {
            copy(&o->service_account, str_at(spec, "serviceAccount"));
        }
        cJSON_ArrayForEach(vol,
                           cJSON_GetObjectItemCaseSensitive(spec, "volumes"))
        {
            const char *claim = str_at(cJSON_GetObjectItemCaseSensitive(
                                               vol, "persistentVolumeClaim"),
                                       "claimName");

            if (claim != NULL) {
                kt_list_append(&o->claims, claim, strnlen(claim, 512));
            }
        }
        read_taints(&o->tolerations,
                    cJSON_GetObjectItemCaseSensitive(spec, "tolerations"),
                    true);
        copy_map(&o->node_selector,
                 cJSON_GetObjectItemCaseSensitive(spec, "nodeSelector"));
        read_pod_resources(
                o, cJSON_GetObjectItemCaseSensitive(spec, "containers"), line);
        read_containers(o,
                        cJSON_GetObjectItemCaseSensitive(
                                status, "initContainerStatuses"),
                        true, buf, from, to, line);
        read_containers(
                o,
                cJSON_GetObjectItemCaseSensitive(status, "containerStatuses"),
                false, buf, from, to, line);
    } else if (strcmp(kind, "Node") == 0) {
        read_taints(&o->taints,
                    cJSON_GetObjectItemCaseSensitive(spec, "taints"), false);
        read_node_resources(o, status, line);
        copy(&o->version,
             str_at(cJSON_GetObjectItemCaseSensitive(status, "nodeInfo"),
                    "kubeletVersion"));
        v = cJSON_GetObjectItemCaseSensitive(spec, "unschedulable");
        if (cJSON_IsTrue(v)) {
            copy(&o->phase, "Unschedulable");
        }
    } else if (strcmp(kind, "PersistentVolumeClaim") == 0) {
        copy(&o->storage_class, str_at(spec, "storageClassName"));
        copy(&o->volume, str_at(spec, "volumeName"));
    } else if (strcmp(kind, "StorageClass") == 0) {
        const char *d = str_at(annotations,
                               "storageclass.kubernetes.io/is-default-class");

        if (d == NULL) {
            d = str_at(annotations,
                       "storageclass.beta.kubernetes.io/is-default-class");
        }
        o->is_default_class = d != NULL && strcmp(d, "true") == 0;
    }
    /* A Service's selector is a map; a controller's has matchLabels. */
    v = cJSON_GetObjectItemCaseSensitive(spec, "selector");
    if (cJSON_IsObject(v) && strcmp(kind, "Pod") != 0) {
        const cJSON *ml = cJSON_GetObjectItemCaseSensitive(v, "matchLabels");

        copy_map(&o->selector, ml != NULL ? ml : v);
    }
}

static void
read_event(struct kt_event *e, const cJSON *item, const char *buf, size_t from,
           size_t to, long line)
{
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(item, "metadata");
    const cJSON *inv = cJSON_GetObjectItemCaseSensitive(item, "involvedObject");
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(item, "source");
    const cJSON *series = cJSON_GetObjectItemCaseSensitive(item, "series");
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(item, "count");
    const char *message = str_at(item, "message");

    if (inv == NULL) {
        /* events.k8s.io/v1 names the object "regarding" and the text
         * "note". */
        inv = cJSON_GetObjectItemCaseSensitive(item, "regarding");
    }
    if (message == NULL) {
        message = str_at(item, "note");
    }
    copy(&e->namespace, str_at(inv, "namespace"));
    if (e->namespace == NULL) {
        copy(&e->namespace, str_at(md, "namespace"));
    }
    copy(&e->kind, str_at(inv, "kind"));
    copy(&e->name, str_at(inv, "name"));
    copy(&e->type, str_at(item, "type"));
    copy(&e->reason, str_at(item, "reason"));
    copy(&e->message, message);
    copy(&e->source, str_at(src, "component"));
    if (e->source == NULL) {
        copy(&e->source, str_at(item, "reportingComponent"));
    }
    if (e->source == NULL) {
        copy(&e->source, str_at(item, "reportingController"));
    }
    if (!cJSON_IsNumber(count)) {
        count = cJSON_GetObjectItemCaseSensitive(series, "count");
    }
    e->count = cJSON_IsNumber(count) && count->valuedouble >= 1 &&
                               count->valuedouble < 1e12
                       ? (long)count->valuedouble
                       : 1;
    copy_time(&e->first_seen, str_at(item, "firstTimestamp"));
    copy_time(&e->last_seen, str_at(item, "lastTimestamp"));
    if (e->last_seen == NULL) {
        copy_time(&e->last_seen, str_at(item, "eventTime"));
    }
    if (e->first_seen == NULL) {
        copy(&e->first_seen, e->last_seen);
    }
    e->line = line_of(buf, from, to, line, "\"message\"", NULL);
    if (e->line == line && message != NULL) {
        e->line = line_of(buf, from, to, line, "\"note\"", NULL);
    }
}

/* The kind of one item: its own "kind", else the list's kind without
 * "List", else the hint from the path. */
static const char *
item_kind(const cJSON *item, const char *list_kind, const char *hint,
          char *scratch, size_t scratch_len)
{
    const char *k = str_at(item, "kind");
    size_t n;

    if (k != NULL && k[0] != '\0') {
        return k;
    }
    if (list_kind != NULL) {
        n = strlen(list_kind);
        if (n > 4 && n < scratch_len &&
            strcmp(list_kind + n - 4, "List") == 0) {
            memcpy(scratch, list_kind, n - 4);
            scratch[n - 4] = '\0';
            if (strcmp(scratch, "") != 0) {
                return scratch;
            }
        }
    }
    return hint;
}

static enum kt_status
deliver(const cJSON *item, const char *kind, const char *buf, size_t from,
        size_t to, long line, const struct kt_sink *sink)
{
    enum kt_status st;

    if (strcmp(kind, "Event") == 0) {
        struct kt_event e;

        kt_event_init(&e);
        read_event(&e, item, buf, from, to, line);
        st = sink->event ? sink->event(sink->ctx, &e) : KT_OK;
        kt_event_fini(&e);
    } else {
        struct kt_object o;

        kt_object_init(&o);
        read_object(&o, item, kind, buf, from, to, line);
        st = sink->object ? sink->object(sink->ctx, &o) : KT_OK;
        kt_object_fini(&o);
    }
    return st;
}

/* The server version of `kubectl version -o json` ({"serverVersion":
 * {"gitVersion": ...}}) or of troubleshoot's cluster_version.json
 * ({"info": {"gitVersion": ...}}), delivered as an object of kind
 * "Cluster" named "kubernetes" whose version is the gitVersion. Returns
 * false, delivering nothing, when root is neither. */
static bool
deliver_cluster_version(const cJSON *root, const char *buf, size_t len,
                        long root_line, const struct kt_sink *sink,
                        enum kt_status *st)
{
    const cJSON *info = cJSON_GetObjectItemCaseSensitive(root, "serverVersion");
    const char *git;
    struct kt_object o;

    if (info == NULL) {
        info = cJSON_GetObjectItemCaseSensitive(root, "info");
    }
    git = str_at(info, "gitVersion");
    if (git == NULL || git[0] == '\0') {
        return false;
    }
    kt_object_init(&o);
    copy(&o.kind, "Cluster");
    copy(&o.namespace, "");
    copy(&o.name, "kubernetes");
    copy(&o.version, git);
    o.line = line_of(buf, 0, len, root_line, "\"gitVersion\"", NULL);
    *st = sink->object ? sink->object(sink->ctx, &o) : KT_OK;
    kt_object_fini(&o);
    return true;
}

/* Deliver every item of a parsed document. Item start lines come from
 * io (offsets into buf, for JSON text) or from lines (for YAML, where buf
 * is NULL); root_line is the line of a single-object document. */
static enum kt_status
deliver_all(const cJSON *root, const char *buf, size_t len,
            const struct item_offsets *io, const long *lines, long root_line,
            const char *kind_hint, const struct kt_sink *sink, size_t *n_items)
{
    long base = root_line - 1; /* lines of buf count from root_line */
    struct line_counter lc = { buf, 0, 1 };
    const cJSON *items;
    const cJSON *item;
    const char *list_kind = NULL;
    enum kt_status st = KT_OK;
    char scratch[128];
    size_t n_known = io != NULL ? io->n : 0;
    size_t i = 0;

    if (cJSON_IsArray(root)) {
        items = root;
    } else {
        items = cJSON_GetObjectItemCaseSensitive(root, "items");
        list_kind = str_at(root, "kind");
    }
    if (!cJSON_IsArray(items)) {
        const char *kind =
                item_kind(root, NULL, kind_hint, scratch, sizeof(scratch));

        if (kind != NULL &&
            cJSON_GetObjectItemCaseSensitive(root, "metadata")) {
            st = deliver(root, kind, buf, 0, len, root_line, sink);
            *n_items = 1;
        } else if (str_at(root, "kind") == NULL &&
                   deliver_cluster_version(root, buf, len, root_line, sink,
                                           &st)) {
            *n_items = 1;
        }
        return st;
    }
    cJSON_ArrayForEach(item, items)
    {
        const char *kind =
                item_kind(item, list_kind, kind_hint, scratch, sizeof(scratch));
        size_t from = i < n_known ? io->off[i] : 0;
        size_t to = i + 1 < n_known ? io->off[i + 1] : len;
        long line = lines != NULL ? lines[i]
                    : i < n_known ? base + line_at(&lc, from)
                                  : 0;

        i++;
        if (kind == NULL || !cJSON_IsObject(item)) {
            continue;
        }
        st = deliver(item, kind, buf, from, to, line, sink);
        if (st != KT_OK) {
            break;
        }
        (*n_items)++;
    }
    return st;
}

enum kt_status
jsonobj_extract_tree(const cJSON *root, const long *item_lines, long root_line,
                     const char *kind_hint, const struct kt_sink *sink,
                     size_t *n_items)
{
    *n_items = 0;
    return deliver_all(root, NULL, 0, NULL, item_lines, root_line, kind_hint,
                       sink, n_items);
}

/* Parse the one JSON value at the start of buf and deliver its items,
 * numbering lines from first_line. *used gets the bytes the value took
 * (white space after it included). */
/* Deepest nesting accepted; see jsonobj_set_max_depth(). */
static int max_depth = KT_MAX_JSON_DEPTH;

void
jsonobj_set_max_depth(int depth)
{
    max_depth = depth < 1                   ? 1
                : depth > KT_MAX_JSON_DEPTH ? KT_MAX_JSON_DEPTH
                                            : depth;
}

static enum kt_status
extract_value(const char *buf, size_t len, long first_line,
              const char *kind_hint, const struct kt_sink *sink,
              size_t *n_items, size_t *used, struct kt_err *err)
{
    struct item_offsets io = { NULL, 0 };
    struct line_counter lc = { buf, 0, 1 };
    cJSON *root = NULL;
    enum kt_status st = KT_OK;
    const char *end = NULL;
    int depth = 0;

    *used = len;
    scan_items(buf, len, &io, &depth);
    if (depth > max_depth) {
        st = kt_err_set(err, KT_ELIMIT,
                        "JSON nested deeper than %d levels (--max-doc-depth)",
                        max_depth);
        goto out;
    }
    root = cJSON_ParseWithLengthOpts(buf, len, &end, false);
    if (root == NULL) {
        const char *at = cJSON_GetErrorPtr();
        long line = 1;

        if (at != NULL && at >= buf && at <= buf + len) {
            line = line_at(&lc, (size_t)(at - buf));
        }
        st = kt_err_set(err, KT_EFORMAT, "invalid JSON near line %ld",
                        first_line - 1 + line);
        goto out;
    }
    while (end < buf + len && strchr(" \t\r\n", *end) != NULL) {
        end++;
    }
    *used = (size_t)(end - buf);
    st = deliver_all(root, buf, *used, &io, NULL, first_line, kind_hint, sink,
                     n_items);

out:
    free(io.off);
    cJSON_Delete(root);
    return st;
}

enum kt_status
jsonobj_extract(const char *buf, size_t len, const char *kind_hint,
                const struct kt_sink *sink, size_t *n_items, struct kt_err *err)
{
    struct line_counter lc = { buf, 0, 1 };
    const char *nl = memchr(buf, '\n', len);
    enum kt_status st;
    size_t off = 0;
    size_t used;
    size_t n;

    *n_items = 0;
    st = extract_value(buf, len, 1, kind_hint, sink, n_items, &used, err);
    if (st != KT_OK || used >= len) {
        return st;
    }
    /* More follows. One value per line is JSON lines, a log (the caller
     * decides); pretty-printed values one after another are what
     * `kubectl cluster-info dump` writes to stdout: read each. */
    if (nl == NULL || (size_t)(nl - buf) + 1 >= used ||
        (buf[used] != '{' && buf[used] != '[')) {
        return kt_err_set(err, KT_EFORMAT,
                          "invalid JSON: more than one value (line %ld)",
                          line_at(&lc, used));
    }
    off = used;
    while (st == KT_OK && off < len) {
        if (buf[off] != '{' && buf[off] != '[') {
            return kt_err_set(err, KT_EFORMAT,
                              "invalid JSON: text after the values (line "
                              "%ld)",
                              line_at(&lc, off));
        }
        n = 0;
        st = extract_value(buf + off, len - off, line_at(&lc, off), kind_hint,
                           sink, &n, &used, err);
        *n_items += n;
        off += used;
    }
    return st;
}

enum kt_status
jsonobj_strings(const char *buf, size_t len, jsonobj_string_fn fn, void *ctx,
                struct kt_err *err)
{
    struct line_counter lc = { buf, 0, 1 };
    cJSON *root;
    const cJSON *v;
    enum kt_status st = KT_OK;
    size_t from = 0;

    root = cJSON_ParseWithLength(buf, len);
    if (root == NULL) {
        return kt_err_set(err, KT_EFORMAT, "invalid JSON");
    }
    cJSON_ArrayForEach(v, root)
    {
        const char *p;
        long line = 1;

        if (!cJSON_IsString(v)) {
            continue;
        }
        /* The line of the string: the next occurrence of its first bytes,
         * good enough for one message per line. */
        p = kt_memmem(buf + from, len - from, v->valuestring,
                      strnlen(v->valuestring, 32));
        if (p != NULL) {
            from = (size_t)(p - buf);
            line = line_at(&lc, from);
        }
        st = fn(ctx, v->valuestring, line);
        if (st != KT_OK) {
            break;
        }
    }
    cJSON_Delete(root);
    return st;
}
