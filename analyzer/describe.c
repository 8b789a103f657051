/* SPDX-License-Identifier: MIT */
/* Line-driven reader of `kubectl describe` text. It keeps one object in
 * progress, tracks which section a line belongs to (containers, conditions,
 * volumes, events, ...) and hands finished objects and event rows to a
 * kt_sink. It does not interpret what it reads (correlate does), and it
 * never sees a file: the ingest line splitter feeds it. */
#include "describe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kt_limits.h"

/* Columns of a conditions or events table we can track. The widest known
 * table (old events format) has 8 columns. */
#define TABLE_MAX_COLS 8

/* Largest exit code or restart count kept: both are int32 in the API.
 * System <limits.h> is avoided: under gcc its include_next would reach
 * our own limits.h. */
#define COUNT_MAX 2147483647L

/* Largest integer quantity summed over containers (GPU counts are tiny);
 * two of them still fit a 32-bit long. */
#define QUANTITY_SUM_MAX 100000000L

/* Bytes of a generic-describer key remembered to find list element
 * boundaries; condition keys are far shorter. */
#define PREV_KEY_MAX 64

/* Which part of an object the current line belongs to. */
enum section {
    SEC_NONE,        /* no section open: indented lines are ignored */
    SEC_SKIP,        /* children of a top-level key we do not read */
    SEC_MULTI,       /* continuation lines of Labels, Taints, ... */
    SEC_CONTAINERS,  /* Containers: or Init Containers: */
    SEC_CONDITIONS,  /* a Conditions table */
    SEC_VOLUMES,     /* Volumes: */
    SEC_CAPACITY,    /* node Capacity: */
    SEC_ALLOCATABLE, /* node Allocatable: */
    SEC_ALLOCATED,   /* node Allocated resources: table */
    SEC_SYSTEM_INFO, /* node System Info: (the kubelet version) */
    SEC_EVENTS,      /* Events: table */
    SEC_META,        /* generic describer: Metadata: */
    SEC_STATUS,      /* generic describer: Status: */
    SEC_ISVC_SPEC    /* generic describer: Spec: of an InferenceService */
};

/* Which block inside a container or a generic section. */
enum sub {
    SUB_NONE,
    SUB_STATE,    /* State: */
    SUB_LAST,     /* Last State: */
    SUB_LIMITS,   /* Limits: */
    SUB_REQUESTS, /* Requests: */
    SUB_CONDS,    /* generic Status: Conditions: list */
    SUB_OWNERS,   /* generic Metadata: Owner References: list */
    SUB_PREDICTOR /* InferenceService Spec: Predictor: */
};

/* What a column-0 key means. */
enum top {
    T_OTHER,
    T_NAMESPACE,
    T_KIND,
    T_UID,
    T_LABELS,
    T_MULTI_IGNORED, /* Annotations, Used By: multi-value, not kept */
    T_NODE_SELECTORS,
    T_TOLERATIONS,
    T_TAINTS,
    T_NODE,
    T_SERVICE_ACCOUNT,
    T_SELECTOR,
    T_START_TIME,
    T_CREATED,
    T_STATUS,
    T_REASON,
    T_MESSAGE,
    T_CONTROLLED_BY,
    T_INIT_CONTAINERS,
    T_CONTAINERS,
    T_CONDITIONS,
    T_VOLUMES,
    T_CAPACITY,
    T_ALLOCATABLE,
    T_ALLOCATED,
    T_SYSTEM_INFO,
    T_UNSCHEDULABLE,
    T_STORAGE_CLASS,
    T_VOLUME,
    T_METADATA,
    T_EVENTS
};

/* Keys seen at column 0, used to name the kind of a typed describer's
 * object, which prints no Kind: line. */
#define SEEN_NODE        (1u << 0)
#define SEEN_CONTAINERS  (1u << 1)
#define SEEN_STATUS      (1u << 2)
#define SEEN_IP          (1u << 3)
#define SEEN_ROLES       (1u << 4)
#define SEEN_TAINTS      (1u << 5)
#define SEEN_CAPACITY    (1u << 6)
#define SEEN_ALLOCATABLE (1u << 7)
#define SEEN_CLASS       (1u << 8)
#define SEEN_ACCESS      (1u << 9)
#define SEEN_VOLUME      (1u << 10)
#define SEEN_CLAIM       (1u << 11)
#define SEEN_RECLAIM     (1u << 12)
#define SEEN_REPLICAS    (1u << 13)
#define SEEN_STRATEGY    (1u << 14)
#define SEEN_PODS_STATUS (1u << 15)
#define SEEN_UPDATE      (1u << 16)
#define SEEN_OWNER       (1u << 17)
#define SEEN_TYPE        (1u << 18)
#define SEEN_SERVICE     (1u << 19)
#define SEEN_QOS         (1u << 20)
#define SEEN_USED_BY     (1u << 21)
#define SEEN_SELECTOR    (1u << 22)

struct top_key {
    const char *name;
    enum top action;
    unsigned seen;
};

/* Every key a typed or the generic describer prints at column 0. A
 * column-0 line whose key is not listed continues a multi-line value
 * (termination messages carry tracebacks such as `RuntimeError: x`). */
static const struct top_key top_keys[] = {
    { "API Version", T_OTHER, 0 },
    { "Access Modes", T_OTHER, SEEN_ACCESS },
    { "Addresses", T_OTHER, 0 },
    { "Allocatable", T_ALLOCATABLE, SEEN_ALLOCATABLE },
    { "Allocated resources", T_ALLOCATED, 0 },
    { "Annotations", T_MULTI_IGNORED, 0 },
    { "AppProtocol", T_OTHER, SEEN_SERVICE },
    { "Capacity", T_CAPACITY, SEEN_CAPACITY },
    { "Claim", T_OTHER, SEEN_CLAIM },
    { "Conditions", T_CONDITIONS, 0 },
    { "Containers", T_CONTAINERS, SEEN_CONTAINERS },
    { "Controlled By", T_CONTROLLED_BY, SEEN_OWNER },
    { "CreationTimestamp", T_CREATED, 0 },
    { "DataSource", T_OTHER, 0 },
    { "Desired LoadBalancer IP", T_OTHER, SEEN_SERVICE },
    { "Endpoints", T_OTHER, SEEN_SERVICE },
    { "Ephemeral Containers", T_OTHER, SEEN_CONTAINERS },
    { "Events", T_EVENTS, 0 },
    { "External IPs", T_OTHER, SEEN_SERVICE },
    { "External Name", T_OTHER, SEEN_SERVICE },
    { "External Traffic Policy", T_OTHER, SEEN_SERVICE },
    { "Finalizers", T_OTHER, 0 },
    { "HealthCheck NodePort", T_OTHER, SEEN_SERVICE },
    { "IP", T_OTHER, SEEN_IP },
    { "IP Families", T_OTHER, SEEN_SERVICE },
    { "IP Family Policy", T_OTHER, SEEN_SERVICE },
    { "IPs", T_OTHER, 0 },
    { "Init Containers", T_INIT_CONTAINERS, SEEN_CONTAINERS },
    { "Internal Traffic Policy", T_OTHER, SEEN_SERVICE },
    { "Kind", T_KIND, 0 },
    { "Labels", T_LABELS, 0 },
    { "Lease", T_OTHER, 0 },
    { "LoadBalancer Ingress", T_OTHER, SEEN_SERVICE },
    { "LoadBalancer Source Ranges", T_OTHER, SEEN_SERVICE },
    { "LocalhostProfile", T_OTHER, 0 },
    { "Message", T_MESSAGE, 0 },
    { "Metadata", T_METADATA, 0 },
    { "MinReadySeconds", T_OTHER, 0 },
    { "Namespace", T_NAMESPACE, 0 },
    { "NewReplicaSet", T_OTHER, 0 },
    { "Node", T_NODE, SEEN_NODE },
    { "Node Affinity", T_OTHER, 0 },
    { "Node-Selectors", T_NODE_SELECTORS, 0 },
    { "NodePort", T_OTHER, SEEN_SERVICE },
    { "NominatedNodeName", T_OTHER, 0 },
    { "Non-terminated Pods", T_OTHER, 0 },
    { "OldReplicaSets", T_OTHER, 0 },
    { "Persistent Volume Claim Retention Policy", T_OTHER, 0 },
    { "Pod Management Policy", T_OTHER, 0 },
    { "Pod Template", T_OTHER, 0 },
    { "PodCIDR", T_OTHER, 0 },
    { "PodCIDRs", T_OTHER, 0 },
    { "Pods", T_OTHER, 0 },
    { "Pods Status", T_OTHER, SEEN_PODS_STATUS },
    { "Port", T_OTHER, SEEN_SERVICE },
    { "Priority", T_OTHER, 0 },
    { "Priority Class Name", T_OTHER, 0 },
    { "ProviderID", T_OTHER, 0 },
    { "QoS Class", T_OTHER, SEEN_QOS },
    { "Readiness Gates", T_OTHER, 0 },
    { "Reason", T_REASON, 0 },
    { "Reclaim Policy", T_OTHER, SEEN_RECLAIM },
    { "Replicas", T_OTHER, SEEN_REPLICAS },
    { "ResourceSlices", T_OTHER, 0 },
    { "Resources", T_OTHER, 0 },
    { "Roles", T_OTHER, SEEN_ROLES },
    { "RollingUpdateStrategy", T_OTHER, 0 },
    { "Runtime Class Name", T_OTHER, 0 },
    { "SchedulingGroup", T_OTHER, 0 },
    { "SeccompProfile", T_OTHER, 0 },
    { "Selector", T_SELECTOR, SEEN_SELECTOR },
    { "Service Account", T_SERVICE_ACCOUNT, 0 },
    { "Service Name", T_OTHER, 0 },
    { "Session Affinity", T_OTHER, SEEN_SERVICE },
    { "Source", T_OTHER, 0 },
    { "Spec", T_OTHER, 0 },
    { "Start Time", T_START_TIME, 0 },
    { "Status", T_STATUS, SEEN_STATUS },
    { "StorageClass", T_STORAGE_CLASS, SEEN_CLASS },
    { "StrategyType", T_OTHER, SEEN_STRATEGY },
    { "System Info", T_SYSTEM_INFO, 0 },
    { "Taints", T_TAINTS, SEEN_TAINTS },
    { "TargetPort", T_OTHER, SEEN_SERVICE },
    { "Termination Grace Period", T_OTHER, 0 },
    { "Tolerations", T_TOLERATIONS, 0 },
    { "Topology Spread Constraints", T_OTHER, 0 },
    { "Traffic Distribution", T_OTHER, SEEN_SERVICE },
    { "Type", T_OTHER, SEEN_TYPE },
    { "UID", T_UID, 0 },
    { "Unschedulable", T_UNSCHEDULABLE, 0 },
    { "Update Strategy", T_OTHER, SEEN_UPDATE },
    { "Used By", T_MULTI_IGNORED, SEEN_USED_BY },
    { "Volume", T_VOLUME, SEEN_VOLUME },
    { "Volume Claims", T_OTHER, 0 },
    { "VolumeMode", T_OTHER, 0 },
    { "Volumes", T_VOLUMES, 0 },
};

/* Keys of a container block (4 spaces in). While a termination message
 * is open, only these end it; any other indented line is message text. */
static const char *const container_keys[] = {
    "Args",          "Command",
    "Container ID",  "Devices",
    "Environment",   "Environment Variables from",
    "Host Port",     "Host Ports",
    "Image",         "Image ID",
    "Last State",    "Limits",
    "Liveness",      "LocalhostProfile",
    "Mounts",        "Port",
    "Ports",         "Readiness",
    "Ready",         "Requests",
    "Restart Count", "SeccompProfile",
    "Startup",       "State",
};

/* Keys of a State: or Last State: block (6 spaces in). */
static const char *const state_keys[] = {
    "Exit Code", "Finished", "Message", "Reason", "Signal", "Started",
};

/* What a table column holds, found from its header word. */
enum role {
    R_TYPE,
    R_STATUS,
    R_REASON,
    R_MESSAGE,
    R_TRANSITION,
    R_AGE,
    R_FROM,
    R_COUNT,
    R_N
};

/* Column starts of a table, in code points, from its header line. */
struct table {
    bool have_header;
    size_t n_cols;
    size_t col[TABLE_MAX_COLS];
    int idx[R_N]; /* column of each role, -1 when the table has none */
};

/* A slice of the current line. */
struct cell {
    const char *s;
    size_t len;
};

/* A `Key:  value` line, split. */
struct kv {
    size_t indent;
    struct cell key;
    struct cell val;
    size_t val_col; /* byte offset of the value, or of the line end */
};

struct describe_parser {
    const struct kt_sink *sink;
    enum kt_status status; /* first error; sticky */
    struct kt_buf scratch; /* the current line, tabs made spaces */

    bool have_obj;
    struct kt_object obj;
    bool kind_given; /* obj.kind came from a Kind: line */
    unsigned seen;   /* SEEN_* bits of the current object */
    bool unschedulable;
    bool prev_blank;

    enum section sec;
    enum sub sub;
    bool in_init;    /* SEC_CONTAINERS holds init containers */
    bool vol_is_pvc; /* current volume has Type: PersistentVolumeClaim */
    char **multi;    /* list that SEC_MULTI continuation lines extend */
    size_t multi_col;
    struct table table;

    /* A value that continues on following lines: messages. Points into
     * obj or ev; cleared before anything is added to obj's arrays, which
     * may move them. */
    char **open;
    size_t open_indent;

    /* Generic describer lists: key order resets at a new element. */
    char prev_key[PREV_KEY_MAX];
    size_t prev_key_len;
    bool have_cond; /* a condition of the current list element exists */

    /* The events row read last; emitted when the next row starts, so that
     * continuation lines can still extend its message. */
    bool ev_pending;
    struct kt_event ev;
};

/* Small text helpers. */

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
cell_eq(struct cell c, const char *s)
{
    size_t n = strlen(s);

    return c.len == n && memcmp(c.s, s, n) == 0;
}

static bool
has_space(struct cell c)
{
    return memchr(c.s, ' ', c.len) != NULL;
}

static struct cell
trim(const char *s, size_t len)
{
    struct cell c;

    while (len > 0 && *s == ' ') {
        s++;
        len--;
    }
    while (len > 0 && s[len - 1] == ' ') {
        len--;
    }
    c.s = s;
    c.len = len;
    return c;
}

/* The text up to the first space or stop character, e.g. the node name of
 * `node-1/10.0.0.1` or the phase of `Terminating (lasts 2m)`. */
static struct cell
head(struct cell c, char stop)
{
    size_t i;

    for (i = 0; i < c.len; i++) {
        if (c.s[i] == ' ' || c.s[i] == stop) {
            break;
        }
    }
    c.len = i;
    return c;
}

static bool
is_none(struct cell c)
{
    return c.len == 0 || cell_eq(c, "<none>") || cell_eq(c, "<unset>");
}

/* Byte length of the code point at s, counting an invalid byte as one
 * code point, as Go's tabwriter does when it measures cells. */
static size_t
rune_len(const char *s, size_t len)
{
    unsigned char b = (unsigned char)s[0];
    size_t n;
    size_t i;

    if (b < 0x80) {
        return 1;
    }
    if (b >= 0xc2 && b <= 0xdf) {
        n = 2;
    } else if (b >= 0xe0 && b <= 0xef) {
        n = 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
        n = 4;
    } else {
        return 1;
    }
    if (n > len) {
        return 1;
    }
    for (i = 1; i < n; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80) {
            return 1;
        }
    }
    return n;
}

/* Byte offset of code point cp of s, or len when s is shorter. */
static size_t
cp_offset(const char *s, size_t len, size_t cp)
{
    size_t off = 0;

    while (cp > 0 && off < len) {
        off += rune_len(s + off, len - off);
        cp--;
    }
    return off < len ? off : len;
}

/* Parse a decimal number of at most max into *out; false when the text
 * is not all digits or too large. */
static bool
parse_num(struct cell c, long max, long *out)
{
    long v = 0;
    size_t i = 0;
    bool neg = false;

    if (c.len > 0 && c.s[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i >= c.len) {
        return false;
    }
    for (; i < c.len; i++) {
        if (!is_digit(c.s[i])) {
            return false;
        }
        if (v > (max - (c.s[i] - '0')) / 10) {
            return false;
        }
        v = v * 10 + (c.s[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

/* Split a `Key:  value` line. A key starts with a letter or digit, holds
 * letters, digits, single spaces and . / - _ only, and its colon is
 * followed by a space or the line end. False for anything else. */
static bool
parse_kv(const char *line, size_t len, struct kv *kv)
{
    size_t i = 0;
    size_t k;

    while (i < len && line[i] == ' ') {
        i++;
    }
    kv->indent = i;
    if (i >= len || !is_alnum(line[i])) {
        return false;
    }
    for (k = i; k < len; k++) {
        char c = line[k];

        if (c == ':' && (k + 1 == len || line[k + 1] == ' ')) {
            break;
        }
        if (!is_alnum(c) && strchr(" ./-_", c) == NULL) {
            return false;
        }
        if (c == ' ' && line[k - 1] == ' ') {
            return false;
        }
    }
    if (k >= len) {
        return false;
    }
    kv->key = trim(line + i, k - i);
    k++;
    while (k < len && line[k] == ' ') {
        k++;
    }
    kv->val_col = k;
    kv->val = trim(line + k, len - k);
    return true;
}

static bool
in_list(struct cell key, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (cell_eq(key, list[i])) {
            return true;
        }
    }
    return false;
}

static const struct top_key *
find_top_key(struct cell key)
{
    size_t i;

    for (i = 0; i < sizeof(top_keys) / sizeof(top_keys[0]); i++) {
        if (cell_eq(key, top_keys[i].name)) {
            return &top_keys[i];
        }
    }
    return NULL;
}

/* Convert RFC1123Z (`Mon, 06 May 2024 09:12:44 +0000`) or keep RFC 3339
 * text into out. False for anything else, and for Go's zero time, which
 * describe prints for unset times. */
static bool
to_rfc3339(struct cell c, char *out, size_t out_len)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    const char *s = c.s;
    size_t m;
    size_t i;

    if (c.len >= 20 && c.len < out_len && is_digit(s[0]) && s[4] == '-' &&
        s[10] == 'T') {
        memcpy(out, s, c.len);
        out[c.len] = '\0';
        return strncmp(out, "0001-", 5) != 0;
    }
    if (c.len != 31 || out_len < 26 || s[3] != ',') {
        return false;
    }
    for (m = 0; m < 12; m++) {
        if (memcmp(s + 8, months + 3 * m, 3) == 0) {
            break;
        }
    }
    if (m == 12 || (s[26] != '+' && s[26] != '-')) {
        return false;
    }
    for (i = 0; i < 31; i++) {
        bool digit = (i >= 5 && i <= 6) || (i >= 12 && i <= 15) ||
                     (i >= 17 && i <= 18) || (i >= 20 && i <= 21) ||
                     (i >= 23 && i <= 24) || i >= 27;

        if (digit && !is_digit(s[i])) {
            return false;
        }
    }
    if (memcmp(s + 12, "0001", 4) == 0) {
        return false;
    }
    snprintf(out, out_len, "%.4s-%02u-%.2sT%.8s", s + 12, (unsigned)(m + 1),
             s + 5, s + 17);
    if (memcmp(s + 26, "+0000", 5) == 0) {
        strcat(out, "Z");
    } else {
        snprintf(out + 19, out_len - 19, "%c%.2s:%.2s", s[26], s + 27, s + 29);
    }
    return true;
}

/* Field setters. Values are cut at KT_MAX_FIELD bytes. */

static enum kt_status
set_cell(char **field, struct cell c)
{
    return kt_set_field(field, c.s,
                        c.len < KT_MAX_FIELD ? c.len : KT_MAX_FIELD);
}

/* Set *field unless the value is empty or `<none>`. */
static enum kt_status
set_value(char **field, struct cell c)
{
    if (is_none(c)) {
        return KT_OK;
    }
    return set_cell(field, c);
}

static enum kt_status
set_time(char **field, struct cell c)
{
    char buf[40];

    if (!to_rfc3339(c, buf, sizeof(buf))) {
        return KT_OK;
    }
    return kt_set_field(field, buf, strlen(buf));
}

/* Append one element to a comma list; a full list stays as it is. */
static enum kt_status
list_add(char **field, struct cell c)
{
    enum kt_status st;

    if (is_none(c)) {
        return KT_OK;
    }
    st = kt_list_append(field, c.s,
                        c.len < KT_MAX_FIELD ? c.len : KT_MAX_FIELD);
    return st == KT_ELIMIT ? KT_OK : st;
}

/* Add a continuation line to a multi-line value, joined by a newline and
 * cut at KT_MAX_FIELD bytes. */
static enum kt_status
append_line(char **field, const char *s, size_t len)
{
    size_t old = *field != NULL ? strlen(*field) : 0;
    size_t sep = old > 0 ? 1 : 0;
    char *p;

    if (old + sep >= KT_MAX_FIELD) {
        return KT_OK;
    }
    if (len > KT_MAX_FIELD - old - sep) {
        len = KT_MAX_FIELD - old - sep;
    }
    p = realloc(*field, old + sep + len + 1);
    if (p == NULL) {
        return KT_ENOMEM;
    }
    if (sep > 0) {
        p[old] = '\n';
    }
    memcpy(p + old + sep, s, len);
    p[old + sep + len] = '\0';
    *field = p;
    return KT_OK;
}

static void
open_value(struct describe_parser *p, char **field, size_t indent)
{
    p->open = field;
    p->open_indent = indent;
}

/* Kind of a typed describer's object, from the keys it printed. */
static const char *
infer_kind(const struct describe_parser *p)
{
    unsigned s = p->seen;
    const char *phase = p->obj.phase;

    if (p->obj.kind != NULL) {
        return p->obj.kind;
    }
    if ((s & SEEN_CLAIM) && (s & SEEN_RECLAIM)) {
        return "PersistentVolume";
    }
    if (((s & SEEN_CLASS) &&
         (s & (SEEN_ACCESS | SEEN_VOLUME | SEEN_USED_BY))) ||
        ((s & SEEN_VOLUME) && phase != NULL &&
         (strcmp(phase, "Bound") == 0 || strcmp(phase, "Pending") == 0 ||
          strcmp(phase, "Lost") == 0))) {
        return "PersistentVolumeClaim";
    }
    if ((s & SEEN_ROLES) || (s & SEEN_TAINTS) ||
        ((s & SEEN_CAPACITY) && (s & SEEN_ALLOCATABLE))) {
        return "Node";
    }
    if (((s & SEEN_NODE) && (s & (SEEN_CONTAINERS | SEEN_QOS))) ||
        ((s & SEEN_STATUS) && (s & SEEN_IP))) {
        return "Pod";
    }
    if (s & SEEN_STRATEGY) {
        return "Deployment";
    }
    if ((s & SEEN_UPDATE) && (s & SEEN_PODS_STATUS)) {
        return "StatefulSet";
    }
    if ((s & SEEN_REPLICAS) && (s & (SEEN_PODS_STATUS | SEEN_OWNER))) {
        return "ReplicaSet";
    }
    if ((s & SEEN_TYPE) && (s & SEEN_SERVICE)) {
        return "Service";
    }
    return NULL;
}

static enum kt_status
copy_field(char **dst, const char *src)
{
    if (src == NULL) {
        return KT_OK;
    }
    return kt_set_field(dst, src, strlen(src));
}

/* Emit the pending events row, naming the object it belongs to. */
static enum kt_status
flush_event(struct describe_parser *p)
{
    enum kt_status st = KT_OK;

    if (!p->ev_pending) {
        return KT_OK;
    }
    p->ev_pending = false;
    if (p->open == &p->ev.message) {
        p->open = NULL;
    }
    if (copy_field(&p->ev.namespace, p->obj.namespace) != KT_OK ||
        copy_field(&p->ev.kind, infer_kind(p)) != KT_OK ||
        copy_field(&p->ev.name, p->obj.name) != KT_OK) {
        st = KT_ENOMEM;
        goto out;
    }
    if (p->sink->event != NULL) {
        st = p->sink->event(p->sink->ctx, &p->ev);
    }

out:
    kt_event_fini(&p->ev);
    return st;
}

/* Emit the object in progress, if any, and start afresh. */
static enum kt_status
flush_object(struct describe_parser *p)
{
    enum kt_status st;

    st = flush_event(p);
    if (st != KT_OK || !p->have_obj) {
        goto out;
    }
    if (!p->kind_given) {
        st = copy_field(&p->obj.kind, infer_kind(p));
        if (st != KT_OK) {
            goto out;
        }
    }

    /* The model has no cordon flag; a cordoned node carries this taint
     * in the API, so show it the same way when describe only printed
     * Unschedulable. */
    if (p->unschedulable && (p->obj.taints == NULL ||
                             strstr(p->obj.taints, "unschedulable") == NULL)) {
        static const char t[] = "node.kubernetes.io/unschedulable:NoSchedule";
        struct cell c = { t, sizeof(t) - 1 };

        st = list_add(&p->obj.taints, c);
        if (st != KT_OK) {
            goto out;
        }
    }
    if (p->sink->object != NULL) {
        st = p->sink->object(p->sink->ctx, &p->obj);
    }

out:
    kt_object_fini(&p->obj);
    p->have_obj = false;
    p->kind_given = false;
    p->seen = 0;
    p->unschedulable = false;
    p->sec = SEC_NONE;
    p->sub = SUB_NONE;
    p->open = NULL;
    p->multi = NULL;
    return st;
}

/* Is this line the `Name:  value` that starts an object? */
static bool
is_name_line(const char *line, size_t len)
{
    size_t i = 5;

    if (len < 7 || memcmp(line, "Name:", 5) != 0 || line[5] != ' ') {
        return false;
    }
    while (i < len && line[i] == ' ') {
        i++;
    }
    return i < len;
}

/* Tables: conditions and events. */

static void
table_reset(struct table *t)
{
    size_t r;

    t->have_header = false;
    t->n_cols = 0;
    for (r = 0; r < R_N; r++) {
        t->idx[r] = -1;
    }
}

static void
table_header(struct table *t, const char *line, size_t len)
{
    static const struct {
        const char *word;
        enum role role;
    } words[] = {
        { "Type", R_TYPE },
        { "Status", R_STATUS },
        { "Reason", R_REASON },
        { "Message", R_MESSAGE },
        { "LastTransitionTime", R_TRANSITION },
        { "Age", R_AGE },
        { "LastSeen", R_AGE },
        { "From", R_FROM },
        { "Count", R_COUNT },
    };
    size_t off = 0;
    size_t cp = 0;
    size_t w;

    table_reset(t);
    while (off < len && t->n_cols < TABLE_MAX_COLS) {
        struct cell word;

        if (line[off] == ' ') {
            off++;
            cp++;
            continue;
        }
        word.s = line + off;
        t->col[t->n_cols] = cp;
        while (off < len && line[off] != ' ') {
            off += rune_len(line + off, len - off);
            cp++;
        }
        word.len = (size_t)(line + off - word.s);
        for (w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
            if (cell_eq(word, words[w].word) && t->idx[words[w].role] < 0) {
                t->idx[words[w].role] = (int)t->n_cols;
            }
        }
        t->n_cols++;
    }
    t->have_header = t->idx[R_TYPE] >= 0 || t->idx[R_REASON] >= 0;
}

/* Slice a row at the header's column starts. False when the row is not
 * aligned with the header: a column start not preceded by a space. */
static bool
split_aligned(const struct table *t, const char *line, size_t len,
              struct cell *cells)
{
    size_t k;

    for (k = 0; k < t->n_cols; k++) {
        size_t start = cp_offset(line, len, t->col[k]);
        size_t end = len;

        if (k + 1 < t->n_cols) {
            end = cp_offset(line, len, t->col[k + 1]);
        }
        if (start > 0 && start < len && line[start - 1] != ' ') {
            return false;
        }
        cells[k] = trim(line + start, end - start);
    }
    return true;
}

/* Split a row on runs of two or more spaces into at most max cells; the
 * last cell keeps the rest of the line. Returns the number of cells. */
static size_t
split_spaces(const char *line, size_t len, struct cell *cells, size_t max)
{
    struct cell rest = trim(line, len);
    size_t n = 0;

    while (rest.len > 0 && n < max) {
        size_t i = 0;

        if (n + 1 < max) {
            while (i + 1 < rest.len &&
                   !(rest.s[i] == ' ' && rest.s[i + 1] == ' ')) {
                i++;
            }
        }
        if (n + 1 == max || i + 1 >= rest.len) {
            cells[n++] = rest;
            break;
        }
        cells[n++] = trim(rest.s, i);
        rest = trim(rest.s + i, rest.len - i);
    }
    return n;
}

static bool
is_dashes(const char *line, size_t len)
{
    size_t i;
    bool any = false;

    for (i = 0; i < len; i++) {
        if (line[i] == '-') {
            any = true;
        } else if (line[i] != ' ') {
            return false;
        }
    }
    return any;
}

static struct cell
cell_at(const struct table *t, const struct cell *cells, enum role r)
{
    struct cell none = { "", 0 };

    if (t->idx[r] < 0) {
        return none;
    }
    return cells[t->idx[r]];
}

/* A condition row; rows out of line with the header (after a multi-line
 * message) are split on runs of spaces instead. */
static enum kt_status
condition_row(struct describe_parser *p, const char *line, size_t len,
              long lineno)
{
    struct table *t = &p->table;
    struct cell cells[TABLE_MAX_COLS];
    struct cell type;
    struct cell status;
    struct kt_condition *c;
    enum kt_status st;
    size_t k;

    if (!split_aligned(t, line, len, cells) ||
        has_space(cell_at(t, cells, R_TYPE)) ||
        has_space(cell_at(t, cells, R_STATUS))) {
        for (k = 0; k < TABLE_MAX_COLS; k++) {
            cells[k].s = "";
            cells[k].len = 0;
        }
        split_spaces(line, len, cells, t->n_cols);
    }
    type = cell_at(t, cells, R_TYPE);
    status = cell_at(t, cells, R_STATUS);
    if (type.len == 0 || has_space(type)) {
        return KT_OK;
    }
    p->open = NULL;
    c = kt_object_add_condition(&p->obj);
    if (c == NULL) {
        return KT_OK;
    }
    c->line = lineno;
    st = set_cell(&c->type, type);
    if (st == KT_OK && status.len > 0) {
        st = set_cell(&c->status, status);
    }
    if (st == KT_OK) {
        st = set_value(&c->reason, cell_at(t, cells, R_REASON));
    }
    if (st == KT_OK) {
        st = set_value(&c->message, cell_at(t, cells, R_MESSAGE));
    }
    if (st == KT_OK) {
        st = set_time(&c->last_transition, cell_at(t, cells, R_TRANSITION));
    }
    if (t->idx[R_MESSAGE] >= 0) {
        open_value(p, &c->message, 2);
    }
    return st;
}

/* Match one HumanDuration (`15m`, `2d3h`, `<unknown>`) at *pos. */
static bool
match_duration(struct cell c, size_t *pos)
{
    size_t i = *pos;
    size_t part;

    if (c.len - i >= 9 && (memcmp(c.s + i, "<unknown>", 9) == 0 ||
                           memcmp(c.s + i, "<invalid>", 9) == 0)) {
        *pos = i + 9;
        return true;
    }
    for (part = 0; part < 2; part++) {
        size_t start = i;

        while (i < c.len && is_digit(c.s[i])) {
            i++;
        }
        if (i == start || i >= c.len || strchr("smhdy", c.s[i]) == NULL) {
            if (part == 0) {
                return false;
            }
            i = start;
            break;
        }
        i++;
    }
    *pos = i;
    return true;
}

/* Is c an Age cell: `DURATION` or `DURATION (xN over DURATION)`? On
 * success *count is N, or 1 without a repeat count. */
static bool
parse_age(struct cell c, long *count)
{
    size_t i = 0;
    size_t start;
    struct cell n;

    *count = 1;
    if (!match_duration(c, &i)) {
        return false;
    }
    if (i == c.len) {
        return true;
    }
    if (c.len - i < 4 || memcmp(c.s + i, " (x", 3) != 0) {
        return false;
    }
    i += 3;
    start = i;
    while (i < c.len && is_digit(c.s[i])) {
        i++;
    }
    n.s = c.s + start;
    n.len = i - start;
    if (!parse_num(n, COUNT_MAX, count)) {
        *count = 1;
        return false;
    }
    if (c.len - i < 6 || memcmp(c.s + i, " over ", 6) != 0) {
        return false;
    }
    i += 6;
    if (!match_duration(c, &i)) {
        return false;
    }
    return i + 1 == c.len && c.s[i] == ')';
}

/* A From cell: one token, `component, host` (kubectl < 1.20) or empty. */
static bool
is_source(struct cell c)
{
    const char *comma;

    if (c.len > 0 && c.s[c.len - 1] == ',') {
        return false;
    }
    if (!has_space(c)) {
        return true;
    }
    comma = memchr(c.s, ',', c.len);
    if (comma == NULL || comma + 1 >= c.s + c.len || comma[1] != ' ') {
        return false;
    }
    return memchr(comma + 2, ' ', (size_t)(c.s + c.len - comma - 2)) == NULL &&
           memchr(c.s, ' ', (size_t)(comma - c.s)) == NULL;
}

/* Fill the cells of an events row that does not line up with the
 * header, e.g. after a multi-line message broke the alignment. The order
 * is the current one: Type, Reason, Age, From, Message. */
static bool
split_event_fallback(const char *line, size_t len, struct cell *type,
                     struct cell *reason, struct cell *age, struct cell *from,
                     struct cell *msg)
{
    struct cell f[4];
    size_t n = split_spaces(line, len, f, 4);
    size_t i = 0;
    struct cell rest;

    if (n < 3) {
        return false;
    }
    *type = f[0];
    *reason = f[1];
    *age = f[2];
    from->s = "";
    from->len = 0;
    msg->s = "";
    msg->len = 0;
    if (n < 4) {
        return true;
    }
    rest = f[3];
    while (i + 1 < rest.len && !(rest.s[i] == ' ' && rest.s[i + 1] == ' ')) {
        i++;
    }
    if (i + 1 < rest.len && is_source(trim(rest.s, i))) {
        *from = trim(rest.s, i);
        *msg = trim(rest.s + i, rest.len - i);
    } else if (i + 1 >= rest.len && !has_space(rest)) {
        *from = rest;
    } else {
        *msg = rest;
    }
    return true;
}

/* Read an events row into p->ev. False when the line is not a row. */
static bool
event_row(struct describe_parser *p, const char *line, size_t len,
          struct cell *cells, long *count)
{
    const struct table *t = &p->table;
    struct cell c[TABLE_MAX_COLS];
    bool ok;

    ok = split_aligned(t, line, len, c) && t->idx[R_TYPE] >= 0 &&
         t->idx[R_REASON] >= 0 && t->idx[R_AGE] >= 0;
    if (ok) {
        cells[0] = cell_at(t, c, R_TYPE);
        cells[1] = cell_at(t, c, R_REASON);
        cells[2] = cell_at(t, c, R_AGE);
        cells[3] = cell_at(t, c, R_FROM);
        cells[4] = cell_at(t, c, R_MESSAGE);
        ok = is_source(cells[3]);
        if (t->idx[R_COUNT] >= 0 && ok) {
            ok = parse_num(cell_at(t, c, R_COUNT), COUNT_MAX, count);
        } else if (ok) {
            ok = parse_age(cells[2], count);
        }
    }
    if (!ok) {
        ok = split_event_fallback(line, len, &cells[0], &cells[1], &cells[2],
                                  &cells[3], &cells[4]) &&
             parse_age(cells[2], count);
    }
    return ok && cells[0].len > 0 && !has_space(cells[0]) && cells[1].len > 0 &&
           !has_space(cells[1]);
}

static enum kt_status
events_line(struct describe_parser *p, const char *line, size_t len,
            long lineno)
{
    struct cell cells[5];
    struct cell first;
    long count = 1;
    enum kt_status st;

    if (len > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ') {
        if (!p->table.have_header) {
            table_header(&p->table, line, len);
            return KT_OK;
        }
        if (is_dashes(line, len)) {
            return KT_OK;
        }
        if (event_row(p, line, len, cells, &count)) {
            st = flush_event(p);
            if (st != KT_OK) {
                return st;
            }
            kt_event_init(&p->ev);
            p->ev_pending = true;
            p->ev.line = lineno;
            p->ev.count = count;
            st = set_cell(&p->ev.type, cells[0]);
            if (st == KT_OK) {
                st = set_cell(&p->ev.reason, cells[1]);
            }
            if (st == KT_OK) {
                st = set_cell(&p->ev.age, cells[2]);
            }
            if (st == KT_OK && cells[3].len > 0) {
                st = set_cell(&p->ev.source, cells[3]);
            }
            if (st == KT_OK) {
                st = set_cell(&p->ev.message, cells[4]);
            }
            open_value(p, &p->ev.message, 2);
            return st;
        }

        /* A row cut short (truncated output) must not end up inside the
         * previous row's message. */
        first = head(trim(line, len), ' ');
        if (cell_eq(first, "Normal") || cell_eq(first, "Warning")) {
            return flush_event(p);
        }
    }
    if (p->ev_pending && p->table.have_header) {
        return append_line(&p->ev.message, line, len);
    }
    return KT_OK;
}

/* Containers. */

static struct kt_container *
cur_container(struct describe_parser *p)
{
    if (p->obj.n_containers == 0) {
        return NULL;
    }
    return &p->obj.containers[p->obj.n_containers - 1];
}

/* Lower-case copy of the first word of a State: value. */
static enum kt_status
set_state(char **field, struct cell v)
{
    char buf[32];
    size_t i;

    v = head(v, ' ');
    if (v.len == 0) {
        return KT_OK;
    }
    if (v.len >= sizeof(buf)) {
        v.len = sizeof(buf) - 1;
    }
    for (i = 0; i < v.len; i++) {
        char c = v.s[i];

        buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    return kt_set_field(field, buf, v.len);
}

/* Add two quantities when both are plain integers (GPU counts of several
 * containers); otherwise keep the old one. */
static enum kt_status
sum_quantity(char **field, struct cell v)
{
    struct cell old;
    long a;
    long b;
    char buf[32];

    old.s = *field;
    old.len = strlen(*field);
    if (!parse_num(old, QUANTITY_SUM_MAX, &a) ||
        !parse_num(v, QUANTITY_SUM_MAX, &b) || a < 0 || b < 0) {
        return KT_OK;
    }
    snprintf(buf, sizeof(buf), "%ld", a + b);
    return kt_set_field(field, buf, strlen(buf));
}

/* Record a resource quantity. is_limit picks the capacity slot (node
 * capacity, container limit) over the allocatable one (node allocatable,
 * container request). sum adds to an existing value. */
static enum kt_status
set_resource(struct describe_parser *p, struct cell name, struct cell v,
             bool is_limit, bool sum, long lineno)
{
    struct kt_resource *r = NULL;
    char **field;
    size_t i;
    enum kt_status st;

    if (name.len == 0 || v.len == 0) {
        return KT_OK;
    }
    for (i = 0; i < p->obj.n_resources; i++) {
        if (cell_eq(name, p->obj.resources[i].name)) {
            r = &p->obj.resources[i];
            break;
        }
    }
    if (r == NULL) {
        p->open = NULL;
        r = kt_object_add_resource(&p->obj);
        if (r == NULL) {
            return KT_OK;
        }
        r->line = lineno;
        st = set_cell(&r->name, name);
        if (st != KT_OK) {
            return st;
        }
    }
    field = is_limit ? &r->capacity : &r->allocatable;
    if (*field != NULL && sum) {
        return sum_quantity(field, v);
    }
    return set_cell(field, v);
}

static enum kt_status
container_state_key(struct describe_parser *p, struct kt_container *c,
                    const struct kv *kv)
{
    bool last = p->sub == SUB_LAST;
    long code;

    if (cell_eq(kv->key, "Reason")) {
        return set_value(last ? &c->last_reason : &c->reason, kv->val);
    }
    if (cell_eq(kv->key, "Message")) {
        char **f = last ? &c->last_message : &c->message;
        enum kt_status st = set_cell(f, kv->val);

        open_value(p, f, kv->indent);
        return st;
    }
    if (cell_eq(kv->key, "Exit Code") && parse_num(kv->val, COUNT_MAX, &code)) {
        if (last) {
            c->last_exit_code = (int)code;
            c->has_last_exit_code = true;
        } else {
            c->exit_code = (int)code;
            c->has_exit_code = true;
        }
        return KT_OK;
    }
    if (cell_eq(kv->key, "Finished") && last) {
        return set_time(&c->last_finished, kv->val);
    }
    return KT_OK;
}

static enum kt_status
container_key(struct describe_parser *p, struct kt_container *c,
              const struct kv *kv)
{
    long n;
    enum kt_status st;

    p->sub = SUB_NONE;
    if (cell_eq(kv->key, "Image")) {
        st = set_value(&c->image, kv->val);
        if (st == KT_OK) {
            st = list_add(&p->obj.images, kv->val);
        }
        return st;
    }
    if (cell_eq(kv->key, "State")) {
        p->sub = SUB_STATE;
        return set_state(&c->state, kv->val);
    }
    if (cell_eq(kv->key, "Last State")) {
        p->sub = SUB_LAST;
        return set_state(&c->last_state, kv->val);
    }
    if (cell_eq(kv->key, "Ready")) {
        c->ready = cell_eq(kv->val, "True");
    } else if (cell_eq(kv->key, "Restart Count") &&
               parse_num(kv->val, COUNT_MAX, &n)) {
        c->restarts = n;
    } else if (cell_eq(kv->key, "Limits")) {
        p->sub = SUB_LIMITS;
    } else if (cell_eq(kv->key, "Requests")) {
        p->sub = SUB_REQUESTS;
    }
    return KT_OK;
}

/* One indented line of a Containers: section. Sets *handled when the
 * line is structure rather than text of an open message. */
static enum kt_status
containers_line(struct describe_parser *p, const char *line, size_t len,
                long lineno, bool *handled)
{
    struct kv kv;
    struct kt_container *c;
    bool strict = p->open != NULL;

    *handled = false;
    if (!parse_kv(line, len, &kv)) {
        return KT_OK;
    }
    if (kv.indent == 2 && kv.val.len == 0 && !has_space(kv.key)) {
        *handled = true;
        p->open = NULL;
        p->sub = SUB_NONE;
        c = kt_object_add_container(&p->obj);
        if (c == NULL) {
            return KT_OK;
        }
        c->line = lineno;
        c->is_init = p->in_init;
        return set_cell(&c->name, kv.key);
    }
    c = cur_container(p);
    if (c == NULL) {
        return KT_OK;
    }
    if (kv.indent == 4) {
        if (strict &&
            !in_list(kv.key, container_keys,
                     sizeof(container_keys) / sizeof(container_keys[0]))) {
            return KT_OK;
        }
        *handled = true;
        p->open = NULL;
        return container_key(p, c, &kv);
    }
    if (kv.indent != 6) {
        return KT_OK;
    }
    if (p->sub == SUB_STATE || p->sub == SUB_LAST) {
        if (strict && !in_list(kv.key, state_keys,
                               sizeof(state_keys) / sizeof(state_keys[0]))) {
            return KT_OK;
        }
        *handled = true;
        p->open = NULL;
        return container_state_key(p, c, &kv);
    }
    if (strict) {
        return KT_OK;
    }
    *handled = true;
    p->open = NULL;

    /* Init containers run before the others, so their requests do not
     * add up with them; only regular containers are counted. */
    if ((p->sub == SUB_LIMITS || p->sub == SUB_REQUESTS) && !c->is_init) {
        return set_resource(p, kv.key, kv.val, p->sub == SUB_LIMITS, true,
                            lineno);
    }
    return KT_OK;
}

/* Generic describer (custom resources). */

/* Compare labels the way the generic describer sorted the raw keys: case
 * and spaces ignored. Returns <0, 0 or >0 like strcmp. */
static int
label_cmp(const char *a, size_t a_len, const char *b, size_t b_len)
{
    size_t i = 0;
    size_t j = 0;

    for (;;) {
        int ca;
        int cb;

        while (i < a_len && a[i] == ' ') {
            i++;
        }
        while (j < b_len && b[j] == ' ') {
            j++;
        }
        if (i == a_len || j == b_len) {
            return (i < a_len) - (j < b_len);
        }
        ca = (unsigned char)a[i];
        cb = (unsigned char)b[j];
        ca = (ca >= 'A' && ca <= 'Z') ? ca - 'A' + 'a' : ca;
        cb = (cb >= 'A' && cb <= 'Z') ? cb - 'A' + 'a' : cb;
        if (ca != cb) {
            return ca - cb;
        }
        i++;
        j++;
    }
}

/* Does key start a new element of a list of maps? Keys of one element
 * are sorted, so a key not above the previous one opens the next. */
static bool
new_element(struct describe_parser *p, struct cell key)
{
    bool fresh = p->prev_key_len == 0 ||
                 label_cmp(key.s, key.len, p->prev_key, p->prev_key_len) <= 0;
    size_t n = key.len < PREV_KEY_MAX ? key.len : PREV_KEY_MAX;

    memcpy(p->prev_key, key.s, n);
    p->prev_key_len = n;
    return fresh;
}

static enum kt_status
generic_condition_key(struct describe_parser *p, const struct kv *kv,
                      long lineno)
{
    struct kt_condition *c;
    enum kt_status st;

    if (new_element(p, kv->key) || !p->have_cond) {
        p->open = NULL;
        c = kt_object_add_condition(&p->obj);
        p->have_cond = c != NULL;
        if (c == NULL) {
            return KT_OK;
        }
        c->line = lineno;
    }
    c = &p->obj.conditions[p->obj.n_conditions - 1];
    if (cell_eq(kv->key, "Type")) {
        return set_value(&c->type, kv->val);
    }
    if (cell_eq(kv->key, "Status")) {
        return set_value(&c->status, kv->val);
    }
    if (cell_eq(kv->key, "Reason")) {
        return set_value(&c->reason, kv->val);
    }
    if (cell_eq(kv->key, "Last Transition Time")) {
        return set_time(&c->last_transition, kv->val);
    }
    if (cell_eq(kv->key, "Message")) {
        st = set_cell(&c->message, kv->val);
        open_value(p, &c->message, kv->indent);
        return st;
    }
    return KT_OK;
}

/* One indented line of a generic Status: or Metadata: map. */
static enum kt_status
generic_line(struct describe_parser *p, const char *line, size_t len,
             long lineno, bool *handled)
{
    struct kv kv;
    enum kt_status st = KT_OK;

    *handled = false;
    if (!parse_kv(line, len, &kv)) {
        return KT_OK;
    }
    if (p->open != NULL && kv.indent > p->open_indent) {
        return KT_OK;
    }
    *handled = true;
    p->open = NULL;
    if (kv.indent == 2) {
        p->sub = SUB_NONE;
        p->prev_key_len = 0;
        p->have_cond = false;
        if (p->sec == SEC_META) {
            if (cell_eq(kv.key, "Creation Timestamp")) {
                st = set_time(&p->obj.created, kv.val);
            } else if (cell_eq(kv.key, "UID")) {
                st = set_value(&p->obj.uid, kv.val);
            } else if (cell_eq(kv.key, "Owner References")) {
                p->sub = SUB_OWNERS;
            }
            return st;
        }
        if (cell_eq(kv.key, "Phase")) {
            st = set_value(&p->obj.phase, kv.val);
        } else if (cell_eq(kv.key, "Reason")) {
            st = set_value(&p->obj.reason, kv.val);
        } else if (cell_eq(kv.key, "Message")) {
            st = set_cell(&p->obj.message, kv.val);
            open_value(p, &p->obj.message, kv.indent);
        } else if (cell_eq(kv.key, "Conditions")) {
            p->sub = SUB_CONDS;
        }
        return st;
    }
    if (kv.indent != 4) {
        return KT_OK;
    }
    if (p->sub == SUB_CONDS) {
        return generic_condition_key(p, &kv, lineno);
    }

    /* The first owner reference is the one kept; later elements of the
     * list find both fields already set. */
    if (p->sub == SUB_OWNERS && cell_eq(kv.key, "Kind") &&
        p->obj.owner_kind == NULL) {
        return set_value(&p->obj.owner_kind, kv.val);
    }
    if (p->sub == SUB_OWNERS && cell_eq(kv.key, "Name") &&
        p->obj.owner_name == NULL) {
        return set_value(&p->obj.owner_name, kv.val);
    }
    return KT_OK;
}

/* One indented line of an InferenceService's Spec:, for the predictor's
 * Min Replicas (objects.min_scale, see model.h). */
static enum kt_status
isvc_spec_line(struct describe_parser *p, const char *line, size_t len,
               bool *handled)
{
    struct kv kv;

    *handled = false;
    if (!parse_kv(line, len, &kv)) {
        return KT_OK;
    }
    *handled = true;
    if (kv.indent == 2) {
        p->sub = cell_eq(kv.key, "Predictor") ? SUB_PREDICTOR : SUB_NONE;
    } else if (kv.indent == 4 && p->sub == SUB_PREDICTOR &&
               cell_eq(kv.key, "Min Replicas")) {
        return set_value(&p->obj.min_scale, kv.val);
    }
    return KT_OK;
}

/* Volumes, Capacity, Allocatable, System Info and the multi-value
 * continuations. */
static enum kt_status
simple_section_line(struct describe_parser *p, const char *line, size_t len,
                    long lineno, bool *handled)
{
    struct kv kv;

    *handled = false;
    if (p->sec == SEC_MULTI) {
        size_t indent = 0;

        while (indent < len && line[indent] == ' ') {
            indent++;
        }
        if (indent < p->multi_col) {
            p->sec = SEC_NONE;
            return KT_OK;
        }
        *handled = true;
        if (p->multi == NULL) {
            return KT_OK;
        }
        return list_add(p->multi, head(trim(line, len), '\0'));
    }
    if (!parse_kv(line, len, &kv)) {
        return KT_OK;
    }
    if (p->sec == SEC_VOLUMES) {
        *handled = kv.indent == 2 || kv.indent == 4;
        if (kv.indent == 2 && kv.val.len == 0) {
            p->vol_is_pvc = false;
        } else if (kv.indent == 4 && cell_eq(kv.key, "Type")) {
            p->vol_is_pvc = cell_eq(head(kv.val, ' '), "PersistentVolumeClaim");
        } else if (kv.indent == 4 && cell_eq(kv.key, "ClaimName") &&
                   p->vol_is_pvc) {
            return list_add(&p->obj.claims, kv.val);
        }
        return KT_OK;
    }
    if (p->sec == SEC_SYSTEM_INFO && kv.indent == 2) {
        *handled = true;
        if (cell_eq(kv.key, "Kubelet Version")) {
            return set_value(&p->obj.version, kv.val);
        }
        return KT_OK;
    }
    if ((p->sec == SEC_CAPACITY || p->sec == SEC_ALLOCATABLE) &&
        kv.indent == 2) {
        *handled = true;
        return set_resource(p, kv.key, kv.val, p->sec == SEC_CAPACITY, false,
                            lineno);
    }
    return KT_OK;
}

/* A row of a node's "Allocated resources" table: "  cpu  850m (10%)
 * 100m (1%)". The header, the dashes and the "(Total limits may be over
 * 100 percent...)" note are skipped; the requests go to the resource. */
static enum kt_status
allocated_row(struct describe_parser *p, const char *line, size_t len,
              long lineno)
{
    struct cell name;
    struct cell req;
    size_t i = 0;
    struct kt_resource *r = NULL;

    while (i < len && line[i] == ' ') {
        i++;
    }
    name.s = line + i;
    while (i < len && line[i] != ' ') {
        i++;
    }
    name.len = (size_t)(line + i - name.s);
    while (i < len && line[i] == ' ') {
        i++;
    }
    req.s = line + i;
    req.len = len - i;
    req = head(req, '(');
    if (name.len == 0 || req.len == 0 || name.s[0] == '(' ||
        cell_eq(name, "Resource") || name.s[0] == '-' || req.s[0] == '-') {
        return KT_OK;
    }
    for (i = 0; i < p->obj.n_resources; i++) {
        if (cell_eq(name, p->obj.resources[i].name)) {
            r = &p->obj.resources[i];
            break;
        }
    }
    if (r == NULL) {
        p->open = NULL; /* the array may move */
        r = kt_object_add_resource(&p->obj);
        if (r == NULL) {
            return KT_OK;
        }
        r->line = lineno;
        if (set_cell(&r->name, name) != KT_OK) {
            return KT_ENOMEM;
        }
    }
    return set_cell(&r->requested, req);
}

/* Start a multi-value field (Labels, Taints, ...): its first value is on
 * the key line, further ones on lines indented to the value column. */
static enum kt_status
start_multi(struct describe_parser *p, char **field, const struct kv *kv)
{
    p->sec = SEC_MULTI;
    p->multi = field;
    p->multi_col = kv->val_col > 0 ? kv->val_col : 1;
    if (field == NULL) {
        return KT_OK;
    }
    return list_add(field, head(kv->val, '\0'));
}

/* Split `Kind/name` of Controlled By. */
static enum kt_status
set_owner(struct describe_parser *p, struct cell v)
{
    const char *slash = memchr(v.s, '/', v.len);
    struct cell kind;
    struct cell name;
    enum kt_status st;

    if (slash == NULL) {
        return KT_OK;
    }
    kind = trim(v.s, (size_t)(slash - v.s));
    name = trim(slash + 1, (size_t)(v.s + v.len - slash - 1));
    st = set_value(&p->obj.owner_kind, kind);
    if (st == KT_OK) {
        st = set_value(&p->obj.owner_name, name);
    }
    return st;
}

static enum kt_status
top_line(struct describe_parser *p, const struct kv *kv,
         const struct top_key *tk)
{
    struct kt_object *o = &p->obj;
    bool empty = kv->val.len == 0;

    p->seen |= tk->seen;
    p->open = NULL;
    p->sub = SUB_NONE;
    p->sec = empty ? SEC_SKIP : SEC_NONE;
    switch (tk->action) {
    case T_OTHER:
        /* The Spec: of an InferenceService says whether it may scale to
         * zero; other kinds' Spec: is not read. */
        if (empty && cell_eq(kv->key, "Spec") && o->kind != NULL &&
            strcmp(o->kind, "InferenceService") == 0) {
            p->sec = SEC_ISVC_SPEC;
        }
        return KT_OK;
    case T_NAMESPACE:
        return set_value(&o->namespace, kv->val);
    case T_KIND:
        p->kind_given = !is_none(kv->val);
        return set_value(&o->kind, kv->val);
    case T_UID:
        return set_value(&o->uid, kv->val);
    case T_LABELS:
        return start_multi(p, &o->labels, kv);
    case T_MULTI_IGNORED:
        return start_multi(p, NULL, kv);
    case T_NODE_SELECTORS:
        return start_multi(p, &o->node_selector, kv);
    case T_TOLERATIONS:
        return start_multi(p, &o->tolerations, kv);
    case T_TAINTS:
        return start_multi(p, &o->taints, kv);
    case T_NODE:
        return set_value(&o->node, head(kv->val, '/'));
    case T_SERVICE_ACCOUNT:
        return set_value(&o->service_account, kv->val);
    case T_SELECTOR:
        return set_value(&o->selector, kv->val);
    case T_START_TIME:
        if (o->created != NULL) {
            return KT_OK;
        }
        return set_time(&o->created, kv->val);
    case T_CREATED:
        return set_time(&o->created, kv->val);
    case T_STATUS:
        if (empty) {
            p->sec = SEC_STATUS;
            p->prev_key_len = 0;
            return KT_OK;
        }
        return set_value(&o->phase, head(kv->val, ' '));
    case T_REASON:
        return set_value(&o->reason, kv->val);
    case T_MESSAGE:
        open_value(p, &o->message, 0);
        return set_cell(&o->message, kv->val);
    case T_CONTROLLED_BY:
        return set_owner(p, kv->val);
    case T_INIT_CONTAINERS:
    case T_CONTAINERS:
        p->in_init = tk->action == T_INIT_CONTAINERS;
        p->sec = empty ? SEC_CONTAINERS : SEC_NONE;
        return KT_OK;
    case T_CONDITIONS:
        p->sec = empty ? SEC_CONDITIONS : SEC_NONE;
        table_reset(&p->table);
        return KT_OK;
    case T_VOLUMES:
        p->sec = empty ? SEC_VOLUMES : SEC_NONE;
        p->vol_is_pvc = false;
        return KT_OK;
    case T_CAPACITY:
        p->sec = empty ? SEC_CAPACITY : SEC_NONE;
        return KT_OK;
    case T_ALLOCATABLE:
        p->sec = empty ? SEC_ALLOCATABLE : SEC_NONE;
        return KT_OK;
    case T_ALLOCATED:
        p->sec = empty ? SEC_ALLOCATED : SEC_NONE;
        return KT_OK;
    case T_SYSTEM_INFO:
        p->sec = empty ? SEC_SYSTEM_INFO : SEC_NONE;
        return KT_OK;
    case T_UNSCHEDULABLE:
        p->unschedulable = cell_eq(kv->val, "true");
        return KT_OK;
    case T_STORAGE_CLASS:
        return set_value(&o->storage_class, kv->val);
    case T_VOLUME:
        return set_value(&o->volume, kv->val);
    case T_METADATA:
        p->sec = empty ? SEC_META : SEC_NONE;
        return KT_OK;
    case T_EVENTS:
        table_reset(&p->table);
        p->sec = empty ? SEC_EVENTS : SEC_NONE;
        return KT_OK;
    }
    return KT_OK;
}

/* An indented line: give it to the open section. */
static enum kt_status
section_line(struct describe_parser *p, const char *line, size_t len,
             long lineno, bool *handled)
{
    *handled = false;
    switch (p->sec) {
    case SEC_CONTAINERS:
        return containers_line(p, line, len, lineno, handled);
    case SEC_CONDITIONS:
        if (len > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ') {
            *handled = true;
            if (!p->table.have_header) {
                table_header(&p->table, line, len);
                return KT_OK;
            }
            if (is_dashes(line, len)) {
                return KT_OK;
            }
            return condition_row(p, line, len, lineno);
        }
        return KT_OK;
    case SEC_META:
    case SEC_STATUS:
        return generic_line(p, line, len, lineno, handled);
    case SEC_ISVC_SPEC:
        return isvc_spec_line(p, line, len, handled);
    case SEC_MULTI:
    case SEC_VOLUMES:
    case SEC_CAPACITY:
    case SEC_ALLOCATABLE:
    case SEC_SYSTEM_INFO:
        return simple_section_line(p, line, len, lineno, handled);
    case SEC_ALLOCATED:
        *handled = len > 2 && line[0] == ' ';
        return *handled ? allocated_row(p, line, len, lineno) : KT_OK;
    case SEC_NONE:
    case SEC_SKIP:
    case SEC_EVENTS:
        break;
    }
    return KT_OK;
}

/* One trimmed line of an object. */
static enum kt_status
object_line(struct describe_parser *p, const char *line, size_t len,
            long lineno)
{
    struct kv kv;
    const struct top_key *tk = NULL;
    bool handled = false;
    enum kt_status st = KT_OK;

    if (p->sec == SEC_EVENTS) {
        return events_line(p, line, len, lineno);
    }
    if (line[0] != ' ') {
        if (parse_kv(line, len, &kv)) {
            tk = find_top_key(kv.key);
        }
        if (tk != NULL) {
            return top_line(p, &kv, tk);
        }
        if (p->open != NULL) {
            return append_line(p->open, line, len);
        }

        /* An unknown key of the generic describer (Spec:, Data:, ...):
         * its children are not read. */
        p->sec = SEC_SKIP;
        return KT_OK;
    }
    st = section_line(p, line, len, lineno, &handled);
    if (st != KT_OK || handled) {
        return st;
    }
    if (p->open != NULL) {
        return append_line(p->open, line, len);
    }
    return KT_OK;
}

struct describe_parser *
describe_new(const struct kt_sink *sink)
{
    struct describe_parser *p = calloc(1, sizeof(*p));

    if (p == NULL) {
        return NULL;
    }
    p->sink = sink;
    kt_buf_init(&p->scratch, KT_MAX_LINE);
    kt_object_init(&p->obj);
    kt_event_init(&p->ev);
    table_reset(&p->table);
    p->prev_blank = true;
    return p;
}

enum kt_status
describe_line(struct describe_parser *p, const char *line, size_t len,
              long lineno)
{
    enum kt_status st;
    char *s;
    bool blank_before;

    if (p->status != KT_OK) {
        return p->status;
    }
    if (line == NULL) {
        len = 0;
    }
    if (len > KT_MAX_LINE) {
        len = KT_MAX_LINE;
    }

    st = kt_line_for_columns(&p->scratch, line, len, &len);
    if (st != KT_OK) {
        p->status = st;
        return st;
    }
    s = p->scratch.data;
    blank_before = p->prev_blank;
    p->prev_blank = len == 0;
    if (len == 0) {
        return KT_OK;
    }

    /* A Name: at column 0 starts the next object, unless it reads as the
     * text of a multi-line value that no blank line has ended. */
    if (is_name_line(s, len) && (blank_before || p->open == NULL)) {
        struct kv kv;

        st = flush_object(p);
        if (st != KT_OK) {
            p->status = st;
            return st;
        }
        p->have_obj = true;
        p->obj.line = lineno;
        if (parse_kv(s, len, &kv)) {
            st = set_value(&p->obj.name, kv.val);
        }
    } else if (p->have_obj) {
        st = object_line(p, s, len, lineno);
    }
    p->status = st;
    return st;
}

enum kt_status
describe_finish(struct describe_parser *p)
{
    if (p->status != KT_OK) {
        return p->status;
    }
    p->status = flush_object(p);
    return p->status;
}

void
describe_free(struct describe_parser *p)
{
    if (p == NULL) {
        return;
    }
    kt_object_fini(&p->obj);
    kt_event_fini(&p->ev);
    kt_buf_fini(&p->scratch);
    free(p);
}

bool
describe_sniff(const char *buf, size_t len)
{
    size_t i = 0;

    for (;;) {
        size_t start = i;
        size_t end;

        while (i < len && buf[i] != '\n') {
            i++;
        }
        end = i;
        while (end > start && strchr(" \t\r", buf[end - 1]) != NULL &&
               buf[end - 1] != '\0') {
            end--;
        }
        if (end > start) {
            size_t j = start + 5;

            if (end - start < 7 || memcmp(buf + start, "Name:", 5) != 0 ||
                (buf[j] != ' ' && buf[j] != '\t')) {
                return false;
            }
            while (j < end && (buf[j] == ' ' || buf[j] == '\t')) {
                j++;
            }
            return j < end;
        }
        if (i >= len) {
            return false;
        }
        i++;
    }
}
