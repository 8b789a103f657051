/* SPDX-License-Identifier: MIT */
/* Line-driven reader of `kubectl get` tables. A header line fixes the
 * column start positions and says what the table lists; each row is cut
 * at those positions, or split on spaces when it does not line up, and
 * becomes a kt_object or a kt_event for the sink. Interpretation is left
 * to correlate; the ingest line splitter feeds this module. */
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kt_limits.h"

/* Columns of one table that are kept. `kubectl get events -A -o wide`
 * has 12; -L label columns and custom columns may add more, and columns
 * past this limit are ignored. */
#define TABLE_MAX_COLS 32

/* Words of a header line looked at; a wider header keeps its first
 * columns only. */
#define HEADER_MAX_WORDS 64

/* Bytes of a header line examined by table_sniff(). */
#define SNIFF_MAX 1024

/* Largest event count kept: it is an int32 in the API. System <limits.h>
 * is avoided, as in describe.c. */
#define COUNT_MAX 2147483647L

/* Bytes of a kind name; the longest Kubeflow kinds are about 30. */
#define KIND_MAX 64

/* Bytes of one cell quoted in a synthetic message ("RESTARTS 6"). Real
 * cells are a few bytes; the cap keeps hostile ones from growing it. */
#define QUOTE_MAX 256

/* Layout end marker: the last column runs to the end of the line. */
#define NO_END ((size_t)-1)

/* What a column holds, found from its header name. */
enum role {
    R_OTHER,
    R_NAMESPACE,
    R_NAME,
    R_READY,
    R_STATUS,
    R_RESTARTS,
    R_NODE,
    R_ROLES,
    R_VERSION,
    R_VOLUME,
    R_CAPACITY,
    R_ACCESS,
    R_CLASS,
    R_CLAIM,
    R_RECLAIM,
    R_LAST_SEEN,
    R_FIRST_SEEN,
    R_TYPE,
    R_REASON,
    R_KIND,
    R_OBJECT,
    R_SUBOBJECT,
    R_SOURCE,
    R_MESSAGE,
    R_COUNT,
    R_N
};

/* What a table lists, found from its set of columns. */
enum shape {
    SHAPE_NONE,
    SHAPE_PODS,
    SHAPE_NODES,
    SHAPE_PVCS,
    SHAPE_PVS,
    SHAPE_EVENTS,
    SHAPE_OTHER /* rows are read only when NAME says `kind/name` */
};

struct header_name {
    const char *text;
    enum role role;
};

/* Column names kubectl prints for the tables we read and for the other
 * sections of `kubectl get all`. Names missing here still work; this
 * list decides roles and which single-spaced words form one name. */
static const struct header_name header_names[] = {
    { "ACCESS MODES", R_ACCESS },
    { "ACTIVE", R_OTHER },
    { "AGE", R_OTHER },
    { "AVAILABLE", R_OTHER },
    { "CAPACITY", R_CAPACITY },
    { "CLAIM", R_CLAIM },
    { "CLUSTER-IP", R_OTHER },
    { "COMPLETIONS", R_OTHER },
    { "CONTAINER-RUNTIME", R_OTHER },
    { "CONTAINERS", R_OTHER },
    { "COUNT", R_COUNT },
    { "CURRENT", R_OTHER },
    { "DESIRED", R_OTHER },
    { "DURATION", R_OTHER },
    { "EXTERNAL-IP", R_OTHER },
    { "FIRST SEEN", R_FIRST_SEEN },
    { "IMAGES", R_OTHER },
    { "INTERNAL-IP", R_OTHER },
    { "IP", R_OTHER },
    { "KERNEL-VERSION", R_OTHER },
    { "KIND", R_KIND },
    { "LABELS", R_OTHER },
    { "LAST SCHEDULE", R_OTHER },
    { "LAST SEEN", R_LAST_SEEN },
    { "MESSAGE", R_MESSAGE },
    { "NAME", R_NAME },
    { "NAMESPACE", R_NAMESPACE },
    { "NODE", R_NODE },
    { "NOMINATED NODE", R_OTHER },
    { "OBJECT", R_OBJECT },
    { "OS-IMAGE", R_OTHER },
    { "PORT(S)", R_OTHER },
    { "READINESS GATES", R_OTHER },
    { "READY", R_READY },
    { "REASON", R_REASON },
    { "RECLAIM POLICY", R_RECLAIM },
    { "RESTARTS", R_RESTARTS },
    { "ROLES", R_ROLES },
    { "SCHEDULE", R_OTHER },
    { "SELECTOR", R_OTHER },
    { "SOURCE", R_SOURCE },
    { "STATE", R_OTHER },
    { "STATUS", R_STATUS },
    { "STORAGECLASS", R_CLASS },
    { "SUBOBJECT", R_SUBOBJECT },
    { "SUSPEND", R_OTHER },
    { "TYPE", R_TYPE },
    { "UP-TO-DATE", R_OTHER },
    { "URL", R_OTHER },
    { "VERSION", R_VERSION },
    { "VOLUME", R_VOLUME },
    { "VOLUMEATTRIBUTESCLASS", R_OTHER },
    { "VOLUMEMODE", R_OTHER },
};

/* Lower-case resource names as kubectl prints them in OBJECT cells and
 * `kubectl get all` NAME prefixes, with their kinds. Unknown ones get
 * their first letter capitalised. */
static const struct {
    const char *resource;
    const char *kind;
} kinds[] = {
    { "clusterservingruntime", "ClusterServingRuntime" },
    { "configmap", "ConfigMap" },
    { "cronjob", "CronJob" },
    { "cronworkflow", "CronWorkflow" },
    { "daemonset", "DaemonSet" },
    { "deployment", "Deployment" },
    { "horizontalpodautoscaler", "HorizontalPodAutoscaler" },
    { "inferencegraph", "InferenceGraph" },
    { "inferenceservice", "InferenceService" },
    { "jaxjob", "JAXJob" },
    { "mpijob", "MPIJob" },
    { "paddlejob", "PaddleJob" },
    { "persistentvolume", "PersistentVolume" },
    { "persistentvolumeclaim", "PersistentVolumeClaim" },
    { "poddefault", "PodDefault" },
    { "poddisruptionbudget", "PodDisruptionBudget" },
    { "pvcviewer", "PVCViewer" },
    { "pytorchjob", "PyTorchJob" },
    { "replicaset", "ReplicaSet" },
    { "scheduledworkflow", "ScheduledWorkflow" },
    { "serviceaccount", "ServiceAccount" },
    { "servingruntime", "ServingRuntime" },
    { "statefulset", "StatefulSet" },
    { "storageclass", "StorageClass" },
    { "tfjob", "TFJob" },
    { "trainedmodel", "TrainedModel" },
    { "trainjob", "TrainJob" },
    { "workflowtemplate", "WorkflowTemplate" },
    { "xgboostjob", "XGBoostJob" },
};

/* Column starts of the current table, in code points. */
struct layout {
    enum shape shape;
    size_t n_cols;
    size_t start[TABLE_MAX_COLS];
    enum role role[TABLE_MAX_COLS];
    size_t end;   /* where the last kept column ends, or NO_END */
    int idx[R_N]; /* first column of each role, -1 when absent */
};

/* A slice of the current line. */
struct cell {
    const char *s;
    size_t len;
};

struct table_parser {
    const struct kt_sink *sink;
    enum kt_status status; /* first error; sticky */
    struct kt_buf scratch; /* the current line, tabs made spaces */
    struct kt_buf text;    /* synthetic message or age being built */
    struct layout lay;

    /* The events row read last; emitted when the next row, a header or
     * a blank line arrives, so that continuation lines of a multi-line
     * message can still extend it. */
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
is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool
is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool
is_alnum(char c)
{
    return is_digit(c) || is_upper(c) || is_lower(c);
}

static bool
is_header_char(char c)
{
    return is_upper(c) || is_digit(c) || c == '(' || c == ')' || c == '/' ||
           c == '_' || c == '.' || c == '-';
}

static struct cell
mkcell(const char *s, size_t len)
{
    struct cell c;

    c.s = s;
    c.len = len;
    return c;
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
    return c.len > 0 && memchr(c.s, ' ', c.len) != NULL;
}

static bool
is_none(struct cell c)
{
    return c.len == 0 || cell_eq(c, "<none>") || cell_eq(c, "<unset>");
}

static struct cell
trim(const char *s, size_t len)
{
    while (len > 0 && *s == ' ') {
        s++;
        len--;
    }
    while (len > 0 && s[len - 1] == ' ') {
        len--;
    }
    return mkcell(s, len);
}

/* The cell from the first byte of a to the last byte of b. */
static struct cell
span(struct cell a, struct cell b)
{
    return mkcell(a.s, (size_t)(b.s + b.len - a.s));
}

/* Byte length of the code point at s, counting an invalid byte as one
 * code point, the way Go's tabwriter measures cell widths. */
static size_t
rune_len(const char *s, size_t len)
{
    unsigned char b = (unsigned char)s[0];
    size_t n;
    size_t i;

    if (b < 0xc2 || b > 0xf4) {
        return 1;
    }
    n = b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
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

/* Move *off forward until it is the byte offset of code point `to` of s,
 * *cp being the code point at *off; it stops at len when s is shorter.
 * Slicing a row walks it once, so a long row costs linear time. */
static void
advance(const char *s, size_t len, size_t *off, size_t *cp, size_t to)
{
    while (*cp < to && *off < len) {
        *off += rune_len(s + *off, len - *off);
        (*cp)++;
    }
}

/* Parse a non-negative decimal of at most max; false for anything else. */
static bool
parse_num(struct cell c, long max, long *out)
{
    long v = 0;
    size_t i;

    if (c.len == 0) {
        return false;
    }
    for (i = 0; i < c.len; i++) {
        if (!is_digit(c.s[i]) || v > (max - (c.s[i] - '0')) / 10) {
            return false;
        }
        v = v * 10 + (c.s[i] - '0');
    }
    *out = v;
    return true;
}

/* Object names: DNS names, plus `_` and `:` seen in RBAC and CRD names,
 * and one `/` between a `kubectl get all` resource prefix and the name. */
static bool
is_name(struct cell c)
{
    size_t i;
    bool slash = false;

    if (c.len == 0 || !is_alnum(c.s[0])) {
        return false;
    }
    for (i = 0; i < c.len; i++) {
        char ch = c.s[i];

        if (ch == '/' && !slash) {
            slash = true;
        } else if (!is_alnum(ch) && ch != '.' && ch != '-' && ch != '_' &&
                   ch != ':') {
            return false;
        }
    }
    return true;
}

static bool
is_namespace(struct cell c)
{
    size_t i;

    if (c.len == 0 || !is_alnum(c.s[0])) {
        return false;
    }
    for (i = 0; i < c.len; i++) {
        if (!is_alnum(c.s[i]) && c.s[i] != '-') {
            return false;
        }
    }
    return true;
}

/* A pod READY cell: `1/2`. */
static bool
is_ready(struct cell c)
{
    const char *slash = memchr(c.s, '/', c.len);
    long n;

    if (c.len == 0 || slash == NULL) {
        return false;
    }
    return parse_num(mkcell(c.s, (size_t)(slash - c.s)), COUNT_MAX, &n) &&
           parse_num(mkcell(slash + 1, (size_t)(c.s + c.len - slash - 1)),
                     COUNT_MAX, &n);
}

/* Event TYPE words; the only two the API server accepts. */
static bool
is_event_type(struct cell c)
{
    return cell_eq(c, "Normal") || cell_eq(c, "Warning");
}

/* Field setters. Values are cut at KT_MAX_FIELD bytes. */

static enum kt_status
set_cell(char **field, struct cell c)
{
    return kt_set_field(field, c.s,
                        c.len < KT_MAX_FIELD ? c.len : KT_MAX_FIELD);
}

/* Set *field unless the value is empty, `<none>` or `<unset>`. */
static enum kt_status
set_value(char **field, struct cell c)
{
    if (is_none(c)) {
        return KT_OK;
    }
    return set_cell(field, c);
}

/* Add a continuation line to a multi-line message, joined by a newline
 * and cut at KT_MAX_FIELD bytes. */
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

/* Append `LABEL value` to a synthetic message, comma separated. A value
 * that would pass the buffer's limit is left out. */
static enum kt_status
quote(struct kt_buf *b, const char *label, struct cell v)
{
    enum kt_status st;

    if (is_none(v)) {
        return KT_OK;
    }
    st = kt_buf_printf(b, "%s%s %.*s", b->len > 0 ? ", " : "", label,
                       (int)(v.len < QUOTE_MAX ? v.len : QUOTE_MAX), v.s);
    return st == KT_ELIMIT ? KT_OK : st;
}

/* Kind of a resource name: `pod` -> `Pod`, `deployment.apps` ->
 * `Deployment`, `Pod` stays. False when it is not a plain word. */
static bool
kind_of(struct cell r, char *out, size_t out_len)
{
    size_t i;

    if (r.len > 0 && !is_upper(r.s[0])) {
        const char *dot = memchr(r.s, '.', r.len);

        if (dot != NULL) {
            r.len = (size_t)(dot - r.s);
        }
    }
    if (r.len == 0 || r.len >= out_len || !is_alnum(r.s[0])) {
        return false;
    }
    for (i = 0; i < r.len; i++) {
        if (!is_alnum(r.s[i])) {
            return false;
        }
    }
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (cell_eq(r, kinds[i].resource)) {
            snprintf(out, out_len, "%s", kinds[i].kind);
            return true;
        }
    }
    memcpy(out, r.s, r.len);
    out[r.len] = '\0';
    if (is_lower(out[0])) {
        out[0] = (char)(out[0] - 'a' + 'A');
    }
    return true;
}

/* Split `kind/name` at its first slash; without one, all is *name. */
static void
split_object(struct cell c, struct cell *kind, struct cell *name)
{
    const char *slash = memchr(c.s, '/', c.len);

    if (slash == NULL) {
        *kind = mkcell(c.s, 0);
        *name = c;
        return;
    }
    *kind = mkcell(c.s, (size_t)(slash - c.s));
    *name = mkcell(slash + 1, (size_t)(c.s + c.len - slash - 1));
}

/* Header lines. */

static int
find_header_name(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < sizeof(header_names) / sizeof(header_names[0]); i++) {
        if (cell_eq(mkcell(s, len), header_names[i].text)) {
            return (int)i;
        }
    }
    return -1;
}

/* Do two header words one space apart form one column name? Known pairs
 * (ACCESS MODES, NOMINATED NODE) do; so do two words neither of which
 * is a column name of its own, since kubectl pads columns with at least
 * two spaces. A hand-edited header such as `NAME READY STATUS` splits. */
static bool
joins(const char *s, size_t a0, size_t a1, size_t b0, size_t b1)
{
    if (find_header_name(s + a0, b1 - a0) >= 0) {
        return true;
    }
    return find_header_name(s + a0, a1 - a0) < 0 &&
           find_header_name(s + b0, b1 - b0) < 0;
}

static enum shape
shape_of(const struct layout *l)
{
    const int *x = l->idx;

    if (x[R_LAST_SEEN] >= 0 && x[R_TYPE] >= 0 && x[R_REASON] >= 0) {
        return SHAPE_EVENTS;
    }
    if (x[R_NAME] < 0) {
        return SHAPE_NONE;
    }
    if (x[R_READY] >= 0 && x[R_STATUS] >= 0 && x[R_RESTARTS] >= 0) {
        return SHAPE_PODS;
    }
    if (x[R_STATUS] >= 0 && x[R_ROLES] >= 0) {
        return SHAPE_NODES;
    }
    if (x[R_STATUS] >= 0 && x[R_VOLUME] >= 0 && x[R_ACCESS] >= 0) {
        return SHAPE_PVCS;
    }
    if (x[R_STATUS] >= 0 && x[R_CLAIM] >= 0 && x[R_RECLAIM] >= 0) {
        return SHAPE_PVS;
    }
    return SHAPE_OTHER;
}

/* Read a header line into l. A header starts at column 0 and holds two
 * or more upper-case column names, one of them NAME or LAST SEEN; l->shape
 * says whether its rows can be read. Column names are ASCII, so byte
 * offsets in a header are code point positions. */
static bool
parse_header(const char *s, size_t len, struct layout *l)
{
    size_t ws[HEADER_MAX_WORDS];
    size_t we[HEADER_MAX_WORDS];
    size_t n = 0;
    size_t i = 0;
    size_t k = 0;
    size_t r;

    if (len == 0 || !is_upper(s[0])) {
        return false;
    }
    memset(l, 0, sizeof(*l));
    l->end = NO_END;
    for (r = 0; r < R_N; r++) {
        l->idx[r] = -1;
    }
    while (i < len) {
        if (s[i] == ' ') {
            i++;
            continue;
        }
        if (n == HEADER_MAX_WORDS) {
            l->end = i;
            break;
        }
        ws[n] = i;
        while (i < len && s[i] != ' ') {
            if (!is_header_char(s[i])) {
                return false;
            }
            i++;
        }
        we[n++] = i;
    }
    while (k < n) {
        size_t first = k;
        int h;
        enum role role;

        while (k + 1 < n && ws[k + 1] == we[k] + 1 &&
               joins(s, ws[k], we[k], ws[k + 1], we[k + 1])) {
            k++;
        }
        if (l->n_cols == TABLE_MAX_COLS) {
            l->end = ws[first];
            break;
        }
        h = find_header_name(s + ws[first], we[k] - ws[first]);
        role = h >= 0 ? header_names[h].role : R_OTHER;
        l->start[l->n_cols] = ws[first];
        l->role[l->n_cols] = role;
        if (l->idx[role] < 0) {
            l->idx[role] = (int)l->n_cols;
        }
        l->n_cols++;
        k++;
    }
    l->shape = shape_of(l);
    return l->n_cols >= 2 && (l->idx[R_NAME] >= 0 || l->idx[R_LAST_SEEN] >= 0);
}

/* Rows. */

static bool
all_spaces(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (s[i] != ' ') {
            return false;
        }
    }
    return true;
}

/* Cut a row at the header's column starts. kubectl left-aligns every
 * cell, so a value must start exactly at its column, right after a
 * space; false for a row that does not line up (hand-edited text, or
 * rows after a multi-line event message, which tabwriter aligns anew). */
static bool
slice_aligned(const struct layout *l, const char *s, size_t len, struct cell *c)
{
    size_t off = 0;
    size_t cp = 0;
    size_t k;

    advance(s, len, &off, &cp, l->start[0]);
    for (k = 0; k < l->n_cols; k++) {
        size_t b = off;
        size_t e = len;

        if (k + 1 < l->n_cols) {
            advance(s, len, &off, &cp, l->start[k + 1]);
            e = off;
        } else if (l->end != NO_END) {
            advance(s, len, &off, &cp, l->end);
            e = off;
        }
        if (b < len) {
            if (b > 0 && s[b - 1] != ' ') {
                return false;
            }
            if (s[b] == ' ' && !all_spaces(s + b, e - b)) {
                return false;
            }
        }
        c[k] = trim(s + b, e - b);
    }
    return true;
}

/* Split a row on runs of spaces into at most max tokens; the last one
 * keeps the rest. A parenthesised part joins the token before it
 * (`5 (2m ago)`, `12m (x4 over 24m)`) and a token ending in a comma
 * joins the next (`kubelet, node-1`), so each token is one cell. */
static size_t
split_tokens(const char *s, size_t len, struct cell *t, size_t max)
{
    size_t n = 0;
    size_t i = 0;
    size_t open = 0;
    bool glue = false;

    while (i < len && max > 0) {
        size_t start;
        size_t j;

        if (s[i] == ' ') {
            i++;
            continue;
        }
        start = i;
        while (i < len && s[i] != ' ') {
            i++;
        }
        if (n > 0 && (glue || s[start] == '(' || n == max)) {
            t[n - 1].len = (size_t)(s + i - t[n - 1].s);
        } else {
            t[n++] = mkcell(s + start, i - start);
        }
        for (j = start; j < i; j++) {
            if (s[j] == '(') {
                open++;
            } else if (s[j] == ')' && open > 0) {
                open--;
            }
        }
        glue = open > 0 || s[i - 1] == ',';
    }
    return n;
}

/* Blank every cell but the last column's that runs to the end of the
 * line: in a truncated file its text may be cut short. */
static void
drop_unfinished(const struct layout *l, const char *s, size_t len,
                struct cell *c, enum role keep)
{
    size_t k;

    for (k = 0; k + 1 < l->n_cols; k++) {
        if (c[k].len > 0 && c[k].s + c[k].len == s + len &&
            l->role[k] != keep) {
            c[k].len = 0;
        }
    }
}

static struct cell
col(const struct layout *l, const struct cell *c, enum role r)
{
    if (l->idx[r] < 0) {
        return mkcell("", 0);
    }
    return c[l->idx[r]];
}

static void
clear_cells(struct cell *c)
{
    size_t k;

    for (k = 0; k < TABLE_MAX_COLS; k++) {
        c[k] = mkcell("", 0);
    }
}

/* Columns that are empty in some rows of a complete table; a short row
 * split on spaces cannot tell which of them it lacks. */
static bool
may_be_empty(enum role r)
{
    return r == R_VOLUME || r == R_CAPACITY || r == R_ACCESS || r == R_CLASS ||
           r == R_CLAIM || r == R_SUBOBJECT || r == R_SOURCE || r == R_MESSAGE;
}

/* Objects. */

/* Fallback for an object row that does not line up: one token per
 * column, in order. A row with fewer tokens than columns is read only
 * up to the first column that may be empty. */
static void
split_object_row(const struct layout *l, const char *s, size_t len,
                 struct cell *c)
{
    struct cell t[TABLE_MAX_COLS];
    size_t n = split_tokens(s, len, t, TABLE_MAX_COLS);
    size_t k;

    clear_cells(c);
    for (k = 0; k < n && k < l->n_cols; k++) {
        if (n < l->n_cols && may_be_empty(l->role[k])) {
            break;
        }
        c[k] = t[k];
    }
}

static bool
object_cells_ok(const struct layout *l, const struct cell *c)
{
    struct cell ready = col(l, c, R_READY);

    if (!is_name(col(l, c, R_NAME))) {
        return false;
    }
    if (l->idx[R_NAMESPACE] >= 0 && !is_namespace(col(l, c, R_NAMESPACE))) {
        return false;
    }
    if (has_space(col(l, c, R_STATUS))) {
        return false;
    }
    return l->shape != SHAPE_PODS || ready.len == 0 || is_ready(ready);
}

/* A pod: STATUS is the phase when it is one, else the reason kubectl
 * printed (CrashLoopBackOff, Init:0/1, Completed, ...). READY and
 * RESTARTS are not kept: no model field holds them, and a made-up
 * message must never stand in for the pod's real one. */
static enum kt_status
fill_pod(struct table_parser *p, struct kt_object *o, const struct cell *c)
{
    static const char *const phases[] = {
        "Pending", "Running", "Succeeded", "Failed", "Unknown",
    };
    const struct layout *l = &p->lay;
    struct cell status = col(l, c, R_STATUS);
    enum kt_status st;
    size_t i;
    bool is_phase = false;

    for (i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
        if (cell_eq(status, phases[i])) {
            is_phase = true;
        }
    }
    (void)p;
    st = set_value(is_phase ? &o->phase : &o->reason, status);
    if (st == KT_OK) {
        st = set_value(&o->node, col(l, c, R_NODE));
    }
    return st;
}

/* A node: STATUS is `Ready`, `NotReady` or `Unknown`, then flags such as
 * `,SchedulingDisabled`. The first word is the phase, the others but
 * Ready the reason. A cordoned node gets the taint the API gives it, as
 * the describe parser does, so both sources agree. */
static enum kt_status
fill_node(struct table_parser *p, struct kt_object *o, const struct cell *c)
{
    static const char taint[] = "node.kubernetes.io/unschedulable:NoSchedule";
    const struct layout *l = &p->lay;
    struct cell status = col(l, c, R_STATUS);
    enum kt_status st = KT_OK;
    size_t i = 0;
    bool first = true;

    while (i < status.len && st == KT_OK) {
        const char *comma = memchr(status.s + i, ',', status.len - i);
        size_t end = comma != NULL ? (size_t)(comma - status.s) : status.len;
        struct cell w = mkcell(status.s + i, end - i);

        if (first) {
            st = set_value(&o->phase, w);
        }
        if (st == KT_OK && w.len > 0 && !cell_eq(w, "Ready")) {
            st = kt_list_append(&o->reason, w.s, w.len);
        }
        if (st == KT_OK && cell_eq(w, "SchedulingDisabled")) {
            st = kt_list_append(&o->taints, taint, sizeof(taint) - 1);
        }
        first = false;
        i = end + 1;
    }
    if (st == KT_ELIMIT) {
        st = KT_OK;
    }
    kt_buf_reset(&p->text);
    if (st == KT_OK) {
        st = quote(&p->text, "ROLES", col(l, c, R_ROLES));
    }
    if (st == KT_OK) {
        st = quote(&p->text, "VERSION", col(l, c, R_VERSION));
    }
    if (st == KT_OK && p->text.len > 0) {
        st = kt_set_field(&o->message, p->text.data, p->text.len);
    }
    return st;
}

static enum kt_status
fill_volume(const struct layout *l, struct kt_object *o, const struct cell *c)
{
    enum kt_status st;

    st = set_value(&o->phase, col(l, c, R_STATUS));
    if (st == KT_OK) {
        st = set_value(&o->storage_class, col(l, c, R_CLASS));
    }
    if (st == KT_OK) {
        st = set_value(&o->volume, col(l, c, R_VOLUME));
    }
    return st;
}

static const char *
shape_kind(enum shape s)
{
    switch (s) {
    case SHAPE_PODS:
        return "Pod";
    case SHAPE_NODES:
        return "Node";
    case SHAPE_PVCS:
        return "PersistentVolumeClaim";
    case SHAPE_PVS:
        return "PersistentVolume";
    case SHAPE_NONE:
    case SHAPE_EVENTS:
    case SHAPE_OTHER:
        break;
    }
    return NULL;
}

static enum kt_status
object_row(struct table_parser *p, const char *s, size_t len, long lineno)
{
    const struct layout *l = &p->lay;
    struct cell c[TABLE_MAX_COLS];
    struct cell prefix;
    struct cell name;
    struct kt_object o;
    char kind[KIND_MAX];
    const char *own = shape_kind(l->shape);
    enum kt_status st;

    clear_cells(c);
    if (slice_aligned(l, s, len, c)) {
        drop_unfinished(l, s, len, c, R_N);
    } else {
        clear_cells(c);
    }
    if (!object_cells_ok(l, c)) {
        split_object_row(l, s, len, c);
        drop_unfinished(l, s, len, c, R_N);
        if (!object_cells_ok(l, c)) {
            return KT_OK;
        }
    }
    split_object(col(l, c, R_NAME), &prefix, &name);
    if (name.len == 0) {
        return KT_OK;
    }
    if (prefix.len > 0) {
        if (!kind_of(prefix, kind, sizeof(kind))) {
            return KT_OK;
        }
    } else if (own != NULL) {
        snprintf(kind, sizeof(kind), "%s", own);
    } else {
        return KT_OK;
    }

    kt_object_init(&o);
    o.line = lineno;
    st = kt_set_field(&o.kind, kind, strlen(kind));
    if (st == KT_OK) {
        st = set_cell(&o.name, name);
    }
    if (st == KT_OK) {
        st = set_value(&o.namespace, col(l, c, R_NAMESPACE));
    }

    /* Columns are read only when the row is of the table's own kind. */
    if (st == KT_OK && own != NULL && strcmp(kind, own) == 0) {
        if (l->shape == SHAPE_PODS) {
            st = fill_pod(p, &o, c);
        } else if (l->shape == SHAPE_NODES) {
            st = fill_node(p, &o, c);
        } else {
            st = fill_volume(l, &o, c);
        }
    }
    if (st == KT_OK && p->sink->object != NULL) {
        st = p->sink->object(p->sink->ctx, &o);
    }
    kt_object_fini(&o);
    return st;
}

/* Events. */

static enum kt_status
flush_event(struct table_parser *p)
{
    enum kt_status st = KT_OK;

    if (!p->ev_pending) {
        return KT_OK;
    }
    p->ev_pending = false;
    if (p->sink->event != NULL) {
        st = p->sink->event(p->sink->ctx, &p->ev);
    }
    kt_event_fini(&p->ev);
    return st;
}

/* Is the layout the one kubectl prints, [NAMESPACE] LAST SEEN TYPE
 * REASON OBJECT [SUBOBJECT SOURCE] MESSAGE [FIRST SEEN COUNT NAME]? Only
 * then can a row that does not line up be split on spaces. */
static bool
is_standard_events(const struct layout *l)
{
    static const struct {
        enum role role;
        bool required;
    } order[] = {
        { R_NAMESPACE, false }, { R_LAST_SEEN, true }, { R_TYPE, true },
        { R_REASON, true },     { R_OBJECT, true },    { R_SUBOBJECT, false },
        { R_SOURCE, false },    { R_MESSAGE, true },
    };
    size_t k = 0;
    size_t i;

    for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        if (k < l->n_cols && l->role[k] == order[i].role) {
            k++;
        } else if (order[i].required) {
            return false;
        }
    }
    for (; k < l->n_cols; k++) {
        enum role r = l->role[k];

        if (r != R_FIRST_SEEN && r != R_COUNT && r != R_NAME) {
            return false;
        }
    }
    return true;
}

static bool
is_field_path(struct cell c)
{
    return memchr(c.s, '{', c.len) != NULL ||
           (c.len > 5 && memcmp(c.s, "spec.", 5) == 0);
}

/* Fallback for an events row that does not line up. TYPE is found as
 * the first Normal or Warning token; the columns after MESSAGE are one
 * token each, taken from the end of the row. */
static bool
split_event_row(const struct layout *l, const char *s, size_t len,
                struct cell *c)
{
    struct cell t[TABLE_MAX_COLS];
    size_t n = split_tokens(s, len, t, TABLE_MAX_COLS);
    size_t i = 0;
    size_t j;
    size_t m;

    clear_cells(c);
    if (!is_standard_events(l)) {
        return false;
    }
    m = l->n_cols - 1 - (size_t)l->idx[R_MESSAGE];
    if (l->idx[R_NAMESPACE] >= 0 && n > 0) {
        c[l->idx[R_NAMESPACE]] = t[i++];
    }
    for (j = i + 1; j < n && !is_event_type(t[j]); j++) {
        continue;
    }
    if (j + 1 >= n) {
        return false;
    }
    c[l->idx[R_LAST_SEEN]] = span(t[i], t[j - 1]);
    c[l->idx[R_TYPE]] = t[j];
    c[l->idx[R_REASON]] = t[j + 1];
    i = j + 2;
    if (i < n) {
        c[l->idx[R_OBJECT]] = t[i++];
    }
    if (n - i > m) {
        for (j = 0; j < m; j++) {
            c[l->n_cols - 1 - j] = t[--n];
        }
    }
    if (l->idx[R_SUBOBJECT] >= 0 && i < n && is_field_path(t[i])) {
        c[l->idx[R_SUBOBJECT]] = t[i++];
    }
    if (l->idx[R_SOURCE] >= 0 && i < n) {
        c[l->idx[R_SOURCE]] = t[i++];
    }
    if (i < n) {
        c[l->idx[R_MESSAGE]] = span(t[i], t[n - 1]);
    }
    return true;
}

static bool
event_cells_ok(const struct layout *l, const struct cell *c)
{
    struct cell last = col(l, c, R_LAST_SEEN);
    struct cell type = col(l, c, R_TYPE);
    struct cell reason = col(l, c, R_REASON);

    /* Ages start with a digit, or read <unknown> or <invalid>. */
    if (last.len == 0 || (!is_digit(last.s[0]) && last.s[0] != '<')) {
        return false;
    }
    if (type.len == 0 || has_space(type) || reason.len == 0 ||
        has_space(reason) || has_space(col(l, c, R_OBJECT))) {
        return false;
    }
    return l->idx[R_NAMESPACE] < 0 || is_namespace(col(l, c, R_NAMESPACE));
}

/* The repeat count of an age such as `12m (x4 over 24m)`, or 0. */
static long
age_count(struct cell age)
{
    const char *x = kt_memmem(age.s, age.len, "(x", 2);
    size_t i;
    long n = 0;

    if (x == NULL) {
        return 0;
    }
    x += 2;
    for (i = 0; x + i < age.s + age.len && is_digit(x[i]); i++) {
        continue;
    }
    if (!parse_num(mkcell(x, i), COUNT_MAX, &n)) {
        return 0;
    }
    return n;
}

/* Age as describe prints it: LAST SEEN, and `(xN over FIRST SEEN)` when
 * the event repeated and the table has a FIRST SEEN column. */
static enum kt_status
set_age(struct table_parser *p, struct cell last, struct cell first)
{
    enum kt_status st;

    if (p->ev.count <= 1 || first.len == 0 || age_count(last) > 0) {
        return set_cell(&p->ev.age, last);
    }
    kt_buf_reset(&p->text);
    st = kt_buf_printf(&p->text, "%.*s (x%ld over %.*s)",
                       (int)(last.len < QUOTE_MAX ? last.len : QUOTE_MAX),
                       last.s, p->ev.count,
                       (int)(first.len < QUOTE_MAX ? first.len : QUOTE_MAX),
                       first.s);
    if (st != KT_OK) {
        return st;
    }
    return kt_set_field(&p->ev.age, p->text.data, p->text.len);
}

/* Start a pending event from the cells of one row. */
static enum kt_status
start_event(struct table_parser *p, const struct cell *c, long lineno)
{
    const struct layout *l = &p->lay;
    struct cell kind_cell;
    struct cell name;
    char kind[KIND_MAX];
    long count = 0;
    enum kt_status st;

    st = flush_event(p);
    if (st != KT_OK) {
        return st;
    }
    kt_event_init(&p->ev);
    p->ev_pending = true;
    p->ev.line = lineno;

    /* Old kubectl printed KIND and the object's NAME in two columns;
     * since 1.14 OBJECT holds `kind/name` and NAME the event's name. */
    if (l->idx[R_KIND] >= 0) {
        kind_cell = col(l, c, R_KIND);
        name = col(l, c, R_NAME);
    } else {
        split_object(col(l, c, R_OBJECT), &kind_cell, &name);
    }
    if (!parse_num(col(l, c, R_COUNT), COUNT_MAX, &count)) {
        count = age_count(col(l, c, R_LAST_SEEN));
    }
    p->ev.count = count > 0 ? count : 1;

    st = set_value(&p->ev.namespace, col(l, c, R_NAMESPACE));
    if (st == KT_OK && kind_of(kind_cell, kind, sizeof(kind))) {
        st = kt_set_field(&p->ev.kind, kind, strlen(kind));
    }
    if (st == KT_OK) {
        st = set_value(&p->ev.name, name);
    }
    if (st == KT_OK) {
        st = set_cell(&p->ev.type, col(l, c, R_TYPE));
    }
    if (st == KT_OK) {
        st = set_cell(&p->ev.reason, col(l, c, R_REASON));
    }
    if (st == KT_OK) {
        st = set_cell(&p->ev.message, col(l, c, R_MESSAGE));
    }
    if (st == KT_OK) {
        st = set_value(&p->ev.source, col(l, c, R_SOURCE));
    }
    if (st == KT_OK) {
        st = set_age(p, col(l, c, R_LAST_SEEN), col(l, c, R_FIRST_SEEN));
    }
    return st;
}

/* An events row, a continuation of the pending row's message, or a row
 * cut short, which must not end up inside the previous message. */
static enum kt_status
event_line(struct table_parser *p, const char *s, size_t len, long lineno)
{
    const struct layout *l = &p->lay;
    struct cell c[TABLE_MAX_COLS];
    struct cell t[4];
    size_t n;
    size_t i;

    clear_cells(c);
    if (slice_aligned(l, s, len, c)) {
        drop_unfinished(l, s, len, c, R_MESSAGE);
        if (event_cells_ok(l, c)) {
            return start_event(p, c, lineno);
        }
    }
    if (split_event_row(l, s, len, c)) {
        drop_unfinished(l, s, len, c, R_MESSAGE);
        if (event_cells_ok(l, c)) {
            return start_event(p, c, lineno);
        }
    }
    n = split_tokens(s, len, t, 4);
    for (i = 1; i < n; i++) {
        if (is_event_type(t[i]) &&
            (is_digit(t[i - 1].s[0]) || t[i - 1].s[0] == '<')) {
            return flush_event(p);
        }
    }
    if (p->ev_pending) {
        return append_line(&p->ev.message, s, len);
    }
    return KT_OK;
}

struct table_parser *
table_new(const struct kt_sink *sink)
{
    struct table_parser *p = calloc(1, sizeof(*p));

    if (p == NULL) {
        return NULL;
    }
    p->sink = sink;
    kt_buf_init(&p->scratch, KT_MAX_LINE);
    kt_buf_init(&p->text, KT_MAX_FIELD);
    kt_event_init(&p->ev);
    p->lay.shape = SHAPE_NONE;
    return p;
}

enum kt_status
table_line(struct table_parser *p, const char *line, size_t len, long lineno)
{
    struct layout head;
    enum kt_status st;
    char *s;

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

    /* kubectl prints no blank line inside a table: one ends it. */
    if (len == 0) {
        st = flush_event(p);
        p->lay.shape = SHAPE_NONE;
    } else if (parse_header(s, len, &head) && head.shape != SHAPE_NONE) {
        st = flush_event(p);
        p->lay = head;
    } else if (p->lay.shape == SHAPE_EVENTS) {
        st = event_line(p, s, len, lineno);
    } else if (p->lay.shape != SHAPE_NONE) {
        st = object_row(p, s, len, lineno);
    }
    p->status = st;
    return st;
}

enum kt_status
table_finish(struct table_parser *p)
{
    if (p->status != KT_OK) {
        return p->status;
    }
    p->status = flush_event(p);
    return p->status;
}

void
table_free(struct table_parser *p)
{
    if (p == NULL) {
        return;
    }
    kt_event_fini(&p->ev);
    kt_buf_fini(&p->text);
    kt_buf_fini(&p->scratch);
    free(p);
}

/* Length of the canonical name of a first column. */
static size_t
first_name_len(enum role r)
{
    return r == R_NAME ? 4 : 9; /* NAMESPACE, LAST SEEN */
}

bool
table_sniff(const char *buf, size_t len)
{
    char head[SNIFF_MAX];
    struct layout l;
    size_t i = 0;
    size_t start;
    size_t end;
    size_t n;
    enum role r0;

    for (;;) {
        start = i;
        while (i < len && buf[i] != '\n') {
            i++;
        }
        end = i;
        while (end > start && (buf[end - 1] == ' ' || buf[end - 1] == '\t' ||
                               buf[end - 1] == '\r')) {
            end--;
        }
        if (end > start) {
            break;
        }
        if (i >= len) {
            return false;
        }
        i++;
    }
    n = end - start < SNIFF_MAX ? end - start : SNIFF_MAX;
    memcpy(head, buf + start, n);
    for (i = 0; i < n; i++) {
        if (head[i] == '\t') {
            head[i] = ' ';
        }
    }
    if (!parse_header(head, n, &l)) {
        return false;
    }
    r0 = l.role[0];
    if (r0 == R_NAMESPACE) {
        if (l.role[1] != R_NAME && l.role[1] != R_LAST_SEEN) {
            return false;
        }
    } else if (r0 != R_NAME && r0 != R_LAST_SEEN) {
        return false;
    }
    return l.shape == SHAPE_PODS || l.shape == SHAPE_EVENTS ||
           l.start[1] >= first_name_len(r0) + 2;
}
