/* SPDX-License-Identifier: MIT */
/* The ingest driver behind pipeline.h. For each entry it reads a head of
 * up to HEAD_BYTES to decide the file type, then streams the rest: JSON
 * documents are gathered (bounded) and parsed whole, text is split into
 * lines for the describe parser or assembled into log records. This is
 * the one place outside main.c that logs, because it names each skipped
 * entry as it happens. */
#include "pipeline.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "accesslog.h"
#include "describe.h"
#include "jsonobj.h"
#include "kt_limits.h"
#include "log.h"
#include "logline.h"
#include "table.h"
#include "yamlobj.h"

#define HEAD_BYTES 4096

enum ftype {
    FT_EMPTY,
    FT_JSON,
    FT_YAML,
    FT_DESCRIBE,
    FT_TABLE,
    FT_LOG,
    FT_BINARY,
    FT_ARCHIVE
};

static const char *const ftype_name[] = {
    [FT_EMPTY] = "empty",       [FT_JSON] = "json",       [FT_YAML] = "yaml",
    [FT_DESCRIBE] = "describe", [FT_TABLE] = "table",     [FT_LOG] = "log",
    [FT_BINARY] = "binary",     [FT_ARCHIVE] = "archive",
};

/* Everything one entry needs while it streams. */
struct entry {
    struct index *idx;
    struct pipeline_stats *stats;
    long long file_id;
    const char *path;
    enum ftype type;
    int year; /* for timestamps without a year */

    struct kt_buf head;
    struct kt_buf doc;   /* FT_JSON */
    struct kt_buf line;  /* the line being assembled */
    struct kt_buf clean; /* the line without ANSI colours and NULs */
    bool line_cut;       /* the current line passed max_line */
    size_t max_line;     /* bytes of a line, and of a record */
    long lineno;

    struct describe_parser *describe; /* FT_DESCRIBE */
    struct table_parser *table;       /* FT_TABLE */
    struct kt_sink sink; /* delivers to the index; outlives describe */

    struct kt_buf rec; /* FT_LOG: the record being assembled */
    struct logline rec_head;
    long rec_line;
    long rec_end;
    long rec_lines;
    long rec_depth; /* open brackets of a multi-line JSON record */
    bool rec_blank; /* a blank line followed the open record */
    bool rec_cut;
    bool rec_open;

    char container[256]; /* cluster-info dump: the block being read */

    bool limit_hit;
    char note[256];
    struct kt_err err; /* first database error, which stops the run */
};

/* Layout markers seen while walking; decides meta "layout". */
struct layout_seen {
    bool troubleshoot;
    bool must_gather;
    bool cluster_dump_nodes;
    bool cluster_dump_logs;
};

/* Entry paths seen so far, as 64-bit hashes in an open-addressing table
 * (8 bytes an entry: 8 MiB at the entry limit), to name duplicates. A
 * hash collision would only add a needless warning. */
struct seen_set {
    uint64_t *slot; /* 0 is an empty slot */
    size_t cap;     /* a power of two, or 0 */
    size_t n;
};

/* State shared by the walk of a bundle and of the archives nested in it. */
struct walk {
    struct index *idx;
    struct pipeline_stats *stats;
    const char *bundle;
    const char *const *own_files;
    struct layout_seen ls;
    long long newest; /* newest entry time, seconds */
    unsigned long long n_seen;
    struct seen_set seen;
    int max_depth; /* archives nested deeper are skipped */
    size_t max_line;
    size_t max_path;
};

static enum kt_status walk_archive(struct walk *w, struct ingest *in,
                                   const char *outer, int depth,
                                   struct kt_err *err);

/* FNV-1a of a path, never 0. */
static uint64_t
path_hash(const char *s)
{
    uint64_t h = 14695981039346656037ULL;

    for (; *s != '\0'; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    return h ? h : 1;
}

/* Record path; true when it was already there. Out of memory, duplicates
 * simply go unnoticed. */
static bool
seen_before(struct seen_set *s, const char *path)
{
    uint64_t h = path_hash(path);
    size_t i;

    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        uint64_t *slot = calloc(cap, sizeof(*slot));

        if (slot == NULL) {
            return false;
        }
        for (i = 0; i < s->cap; i++) {
            size_t j = (size_t)s->slot[i] & (cap - 1);

            if (s->slot[i] == 0) {
                continue;
            }
            while (slot[j] != 0) {
                j = (j + 1) & (cap - 1);
            }
            slot[j] = s->slot[i];
        }
        free(s->slot);
        s->slot = slot;
        s->cap = cap;
    }
    for (i = (size_t)h & (s->cap - 1); s->slot[i] != 0;
         i = (i + 1) & (s->cap - 1)) {
        if (s->slot[i] == h) {
            return true;
        }
    }
    s->slot[i] = h;
    s->n++;
    return false;
}

static const char *
base_name(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

static bool
has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s);
    size_t m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Copy len bytes into a fixed field, cutting silently. */
static void
set_part(char *dst, size_t cap, const char *src, size_t len)
{
    if (len >= cap) {
        len = cap - 1;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* Split path into at most max components; returns how many. */
static size_t
split_path(const char *path, const char **part, size_t *part_len, size_t max)
{
    size_t n = 0;
    const char *p = path;

    while (*p != '\0' && n < max) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);

        part[n] = p;
        part_len[n++] = len;
        p += len;
        if (*p == '/') {
            p++;
        }
    }
    return n;
}

static bool
part_is(const char *part, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(part, word, len) == 0;
}

void
pipeline_pathinfo(const char *path, struct pipeline_pathinfo *pi)
{
    const char *part[64];
    size_t len[64];
    size_t n = split_path(path, part, len, 64);
    size_t i;

    memset(pi, 0, sizeof(*pi));
    if (n < 3) {
        return;
    }
    /* must-gather: namespaces/NS/pods/POD/CONTAINER/CONTAINER/logs/X.log */
    for (i = 0; i + 7 < n; i++) {
        if (part_is(part[i], len[i], "namespaces") &&
            part_is(part[i + 2], len[i + 2], "pods") &&
            part_is(part[i + 6], len[i + 6], "logs")) {
            set_part(pi->namespace, 256, part[i + 1], len[i + 1]);
            set_part(pi->pod, 256, part[i + 3], len[i + 3]);
            set_part(pi->container, 256, part[i + 4], len[i + 4]);
            pi->previous = part_is(part[i + 7], len[i + 7], "previous.log");
            return;
        }
    }
    /* troubleshoot and loose: .../logs/NS/POD/CONTAINER[-previous].log */
    if (n >= 4 && part_is(part[n - 4], len[n - 4], "logs")) {
        size_t clen = len[n - 1];
        const char *c = part[n - 1];

        if (clen > 4 && memcmp(c + clen - 4, ".log", 4) == 0) {
            clen -= 4;
        } else if (clen > 4 && memcmp(c + clen - 4, ".txt", 4) == 0) {
            clen -= 4;
        }
        if (clen > 9 && memcmp(c + clen - 9, "-previous", 9) == 0) {
            clen -= 9;
            pi->previous = true;
        }
        set_part(pi->namespace, 256, part[n - 3], len[n - 3]);
        set_part(pi->pod, 256, part[n - 2], len[n - 2]);
        set_part(pi->container, 256, c, clen);
        return;
    }
    /* kubectl cluster-info dump: NS/POD/logs.txt */
    if (part_is(part[n - 1], len[n - 1], "logs.txt")) {
        set_part(pi->namespace, 256, part[n - 3], len[n - 3]);
        set_part(pi->pod, 256, part[n - 2], len[n - 2]);
    }
}

/* The kind a JSON file holds when its items do not say, from the path of
 * troubleshoot and cluster-info dump bundles. */
static const char *
kind_hint(const char *path)
{
    static const struct {
        const char *part;
        const char *kind;
    } hints[] = {
        { "pods", "Pod" },
        { "events", "Event" },
        { "nodes", "Node" },
        { "pvcs", "PersistentVolumeClaim" },
        { "pvs", "PersistentVolume" },
        { "storage-classes", "StorageClass" },
        { "deployments", "Deployment" },
        { "replicasets", "ReplicaSet" },
        { "statefulsets", "StatefulSet" },
        { "daemonsets", "DaemonSet" },
        { "jobs", "Job" },
        { "services", "Service" },
        { "namespaces", "Namespace" },
    };
    const char *part[64];
    size_t len[64];
    size_t n = split_path(path, part, len, 64);
    size_t i;
    size_t k;

    for (i = n; i-- > 0;) {
        size_t l = len[i];

        if (l > 5 && memcmp(part[i] + l - 5, ".json", 5) == 0 && i + 1 == n) {
            l -= 5;
        }
        for (k = 0; k < sizeof(hints) / sizeof(hints[0]); k++) {
            if (part_is(part[i], l, hints[k].part)) {
                return hints[k].kind;
            }
        }
        if (i + 2 < n) {
            break; /* only the file and its directory name kinds */
        }
    }
    return NULL;
}

static enum ftype
classify(const char *path, const char *buf, size_t len)
{
    const unsigned char *u = (const unsigned char *)buf;
    size_t i = 0;
    size_t nul = 0;
    size_t ctrl = 0;

    if (len == 0) {
        return FT_EMPTY;
    }
    if ((len >= 2 && u[0] == 0x1f && u[1] == 0x8b) ||
        (len >= 4 && memcmp(buf, "PK\003\004", 4) == 0) ||
        (len >= 6 && memcmp(buf,
                            "\xfd"
                            "7zXZ",
                            5) == 0) ||
        (len >= 4 && memcmp(buf, "\x28\xb5\x2f\xfd", 4) == 0)) {
        return FT_ARCHIVE;
    }
    /* NUL runs are padding (a log preallocated before a node crashed)
     * and do not make text binary; other control bytes do. */
    for (i = 0; i < len && i < HEAD_BYTES; i++) {
        if (u[i] == 0) {
            nul++;
        } else if (u[i] < 0x20 && strchr("\t\n\r\f\v\033", u[i]) == NULL) {
            ctrl++;
        }
    }
    ctrl += kt_utf8_invalid(buf, i);
    if (nul == i || ctrl * 10 > i - nul) {
        return FT_BINARY;
    }
    i = 0;
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
        i = 3; /* UTF-8 byte order mark */
    }
    while (i < len && strchr(" \t\r\n", buf[i]) != NULL) {
        i++;
    }
    if (i < len && (buf[i] == '{' || buf[i] == '[') &&
        !has_suffix(path, ".log") && !has_suffix(path, ".txt")) {
        return FT_JSON;
    }
    if (describe_sniff(buf, len)) {
        return FT_DESCRIBE;
    }
    if (table_sniff(buf, len)) {
        return FT_TABLE;
    }
    if (has_suffix(path, ".yaml") || has_suffix(path, ".yml") ||
        (len - i >= 11 && memcmp(buf + i, "apiVersion:", 11) == 0) ||
        (len - i >= 5 && memcmp(buf + i, "kind:", 5) == 0) ||
        (len - i >= 4 && memcmp(buf + i, "---", 3) == 0 &&
         strchr(" \r\n", buf[i + 3]) != NULL)) {
        return FT_YAML;
    }
    if (i < len && buf[i] == '{' && has_suffix(path, ".json")) {
        return FT_JSON;
    }
    return FT_LOG;
}

static enum kt_status
sink_object(void *ctx, const struct kt_object *o)
{
    struct entry *en = ctx;
    enum kt_status st = index_add_object(en->idx, en->file_id, o, &en->err);

    if (st == KT_OK) {
        en->stats->objects++;
    }
    return st;
}

static enum kt_status
sink_event(void *ctx, const struct kt_event *e)
{
    struct entry *en = ctx;
    enum kt_status st = index_add_event(en->idx, en->file_id, e, &en->err);

    if (st == KT_OK) {
        en->stats->events++;
    }
    return st;
}

static enum kt_status
sink_gap(void *ctx, const char *text, long line)
{
    struct entry *en = ctx;

    return index_add_gap(en->idx, en->file_id, line, text, &en->err);
}

/* The "[pod/NAME/CONTAINER] " prefix kubectl logs --prefix puts on the
 * record's first line, if any. */
static bool
prefix_pod(const struct entry *en, char *pod, size_t pod_cap, char *ctr,
           size_t ctr_cap)
{
    const char *t = en->rec.data ? en->rec.data : "";
    size_t len = en->rec.len;
    const char *slash;
    const char *close;

    if (len < 8 || memcmp(t, "[pod/", 5) != 0) {
        return false;
    }
    slash = memchr(t + 5, '/', len - 5);
    close = memchr(t + 5, ']', len - 5 > 512 ? 512 : len - 5);
    if (slash == NULL || close == NULL || slash > close || slash == t + 5 ||
        close == slash + 1) {
        return false;
    }
    set_part(pod, pod_cap, t + 5, (size_t)(slash - t - 5));
    set_part(ctr, ctr_cap, slash + 1, (size_t)(close - slash - 1));
    return true;
}

/* An Envoy access-log record also gets its fields, for the detectors
 * that follow requests (redirect loops, upstream failures). */
static enum kt_status
add_access(struct entry *en, long long log_id)
{
    const char *t = en->rec.data ? en->rec.data : "";
    const char *nl = memchr(t, '\n', en->rec.len);
    size_t len = nl ? (size_t)(nl - t) : en->rec.len;
    struct accesslog la;
    struct index_access a;

    if (len == 0 || memchr(t, '"', len) == NULL ||
        !accesslog_parse(t, len, &la)) {
        return KT_OK;
    }
    a.status = la.status;
    a.duration_ms = la.duration_ms;
    a.method = t + la.method_off;
    a.method_len = la.method_len;
    a.path = t + la.path_off;
    a.path_len = la.path_len;
    a.flags = t + la.flags_off;
    a.flags_len = la.flags_len;
    a.authority = t + la.authority_off;
    a.authority_len = la.authority_len;
    a.upstream = t + la.upstream_off;
    a.upstream_len = la.upstream_len;
    a.client = t + la.client_off;
    a.client_len = la.client_len;
    return index_add_access(en->idx, log_id, &a, &en->err);
}

static enum kt_status
flush_record(struct entry *en)
{
    struct index_log r;
    const char *level;
    long long log_id = 0;
    char pod[256];
    char ctr[256];
    enum kt_status st;

    en->rec_blank = false;
    if (!en->rec_open) {
        return KT_OK;
    }
    en->rec_open = false;
    level = logline_level_name(en->rec_head.level);
    r.line = en->rec_line;
    r.end_line = en->rec_end;
    r.ts = en->rec_head.ts;
    r.level = level;
    r.text = en->rec.data ? en->rec.data : "";
    r.text_len = en->rec.len;
    r.truncated = en->rec_cut;
    r.container = en->container[0] ? en->container : NULL;
    r.pod = NULL;
    if (prefix_pod(en, pod, sizeof(pod), ctr, sizeof(ctr))) {
        /* kubectl logs --prefix: the pod and container of each line. */
        r.pod = pod;
        r.container = ctr;
    }
    r.ts_guessed = en->rec_head.year_guessed;
    r.msg_off = en->rec_head.msg_off <= en->rec.len ? en->rec_head.msg_off : 0;
    r.component = NULL;
    r.component_len = 0;
    if (en->rec_head.comp_len > 0 &&
        en->rec_head.comp_off + en->rec_head.comp_len <= en->rec.len) {
        r.component = en->rec.data + en->rec_head.comp_off;
        r.component_len = en->rec_head.comp_len;
    }
    st = index_add_log(en->idx, en->file_id, &r, &log_id, &en->err);
    if (st == KT_OK) {
        en->stats->logs++;
        st = add_access(en, log_id);
    }
    kt_buf_reset(&en->rec);
    return st;
}

/* kubectl cluster-info dump writes each container's log between
 * "==== START logs for container C of pod NS/POD ====" and a matching END
 * line; the END marker is glued to the last line when the log did not end
 * with a newline. Returns the length of the marker when line is a START
 * marker (then the open record is flushed and the container set) or ends
 * with an END marker; 0 else. */
static size_t
dump_marker(struct entry *en, const char *line, size_t len, bool *is_end)
{
    static const char start[] = "==== START logs for container ";
    static const char end[] = "==== END logs for container ";
    static const char tail[] = " ====";
    const char *m;
    size_t n;

    *is_end = false;
    if (len < sizeof(tail) || memcmp(line + len - 5, tail, 5) != 0) {
        return 0;
    }
    if (len > sizeof(start) && memcmp(line, start, sizeof(start) - 1) == 0) {
        const char *c = line + sizeof(start) - 1;
        const char *sp = memchr(c, ' ', (size_t)(line + len - c));

        n = sp ? (size_t)(sp - c) : 0;
        /* The record before the marker belongs to the previous block. */
        if (flush_record(en) != KT_OK) {
            return 0;
        }
        set_part(en->container, sizeof(en->container), c, n);
        return len;
    }
    m = kt_memmem(line, len, end, sizeof(end) - 1);
    if (m == NULL) {
        return 0;
    }
    *is_end = true;
    return (size_t)(line + len - m);
}

/* Opening minus closing brackets of a line, outside strings: how much a
 * line of a multi-line JSON value deepens it. */
static long
json_depth_change(const char *p, size_t len)
{
    long d = 0;
    bool in_str = false;
    size_t i;

    for (i = 0; i < len; i++) {
        char c = p[i];

        if (in_str) {
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                in_str = false;
            }
        } else if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            d++;
        } else if (c == '}' || c == ']') {
            d--;
        }
    }
    return d;
}

/* One log line: start a record or continue the open one. */
static enum kt_status
log_line(struct entry *en, const char *line, size_t len)
{
    struct logline ll;
    bool is_end;
    size_t marker = dump_marker(en, line, len, &is_end);

    if (marker > 0) {
        enum kt_status st = KT_OK;

        if (!is_end) {
            return KT_OK; /* START: the container is set */
        }
        if (len > marker) {
            st = log_line(en, line, len - marker);
        }
        if (st == KT_OK) {
            st = flush_record(en);
        }
        en->container[0] = '\0';
        return st;
    }

    if (len == 0 && en->rec_open && !en->rec_blank) {
        /* One blank line may sit inside a record (a Go panic's goroutine
         * dump follows one); the next line decides. */
        en->rec_blank = true;
        return KT_OK;
    }
    if (en->rec_open && en->rec_lines < KT_MAX_RECORD_LINES &&
        ((en->rec_depth > 0 && len > 0 && strchr(" \t}]\"", line[0])) ||
         logline_continues(line, len, &en->rec_head))) {
        if ((en->rec_blank && kt_buf_putc(&en->rec, '\n') != KT_OK) ||
            kt_buf_putc(&en->rec, '\n') != KT_OK ||
            kt_buf_append(&en->rec, line, len) != KT_OK) {
            en->rec_cut = true;
        }
        en->rec_blank = false;
        en->rec_depth += json_depth_change(line, len);
        en->rec_end = en->lineno;
        en->rec_lines++;
        return KT_OK;
    }
    if (flush_record(en) != KT_OK) {
        return KT_EDB;
    }
    if (len == 0) {
        return KT_OK;
    }
    logline_parse(line, len, en->year, &ll);
    en->rec_head = ll;
    en->rec_open = true;
    en->rec_line = en->lineno;
    en->rec_end = en->lineno;
    en->rec_lines = 1;
    en->rec_cut = en->line_cut;
    /* A JSON object printed over several lines ("{" alone, or a line
     * that ends opening one) is one record until its brackets close; only
     * lines that can belong to it (indented, closing, or a key) join. */
    en->rec_depth = 0;
    if (len > 0 && line[len - 1] == '{') {
        en->rec_depth = json_depth_change(line, len);
    }
    kt_buf_reset(&en->rec);
    if (kt_buf_append(&en->rec, line, len) != KT_OK) {
        en->rec_cut = true;
    }
    return KT_OK;
}

/* The last CR of a line, or NULL. */
static const char *
memrchr_cr(const char *p, size_t len)
{
    while (len > 0) {
        if (p[--len] == '\r') {
            return p + len;
        }
    }
    return NULL;
}

/* Copy a log line into out the way a reader sees it: without ANSI CSI
 * sequences (ESC [ params final: the colours of logrus, zap and Python
 * loggers on a terminal), and with NUL bytes, which would end the stored
 * text, dropped at the start (padding left by a crash) and shown as
 * spaces inside. Returns the new length. */
static size_t
clean_line(struct kt_buf *out, const char *p, size_t len)
{
    size_t i = 0;

    kt_buf_reset(out);
    while (i < len && p[i] == '\0') {
        i++;
    }
    while (i < len) {
        if (p[i] == '\033' && i + 1 < len && p[i + 1] == '[') {
            i += 2;
            while (i < len && (unsigned char)p[i] >= 0x20 &&
                   (unsigned char)p[i] <= 0x3f) {
                i++;
            }
            while (i < len && (unsigned char)p[i] >= 0x20 &&
                   (unsigned char)p[i] <= 0x2f) {
                i++;
            }
            if (i < len && (unsigned char)p[i] >= 0x40 &&
                (unsigned char)p[i] <= 0x7e) {
                i++;
            }
            continue;
        }
        kt_buf_putc(out, p[i] == '\0' ? ' ' : p[i]);
        i++;
    }
    return out->len;
}

static enum kt_status
text_line(struct entry *en, const char *line, size_t len)
{
    const char *cr;

    if (len > 0 && line[len - 1] == '\r') {
        len--;
    }
    if (en->type == FT_DESCRIBE) {
        return describe_line(en->describe, line, len, en->lineno);
    }
    if (en->type == FT_TABLE) {
        return table_line(en->table, line, len, en->lineno);
    }
    /* A bare CR redraws the line (progress bars): what a reader saw last
     * is what follows the last CR. */
    cr = len > 0 ? memrchr_cr(line, len) : NULL;
    if (cr != NULL) {
        len -= (size_t)(cr + 1 - line);
        line = cr + 1;
    }
    if (memchr(line, '\033', len) != NULL || memchr(line, '\0', len) != NULL) {
        len = clean_line(&en->clean, line, len);
        line = en->clean.data ? en->clean.data : "";
    }
    return log_line(en, line, len);
}

/* Split bytes into lines; a line longer than max_line is cut there and
 * the rest of it dropped, with the cut flagged. */
static enum kt_status
feed_text(struct entry *en, const char *p, size_t len)
{
    while (len > 0) {
        const char *nl = memchr(p, '\n', len);
        size_t n = nl ? (size_t)(nl - p) : len;
        enum kt_status st;

        if (!en->line_cut) {
            size_t room = en->max_line - en->line.len;

            if (n > room) {
                kt_buf_append(&en->line, p, room);
                en->line_cut = true;
            } else if (kt_buf_append(&en->line, p, n) != KT_OK) {
                en->line_cut = true;
            }
        }
        if (nl == NULL) {
            return KT_OK;
        }
        en->lineno++;
        st = text_line(en, en->line.data ? en->line.data : "", en->line.len);
        if (st != KT_OK) {
            return st;
        }
        if (en->line_cut) {
            snprintf(en->note, sizeof(en->note),
                     "line %ld longer than %zu bytes was cut (--max-line)",
                     en->lineno, en->max_line);
            en->limit_hit = true;
        }
        kt_buf_reset(&en->line);
        en->line_cut = false;
        p = nl + 1;
        len -= n + 1;
    }
    return KT_OK;
}

static enum kt_status
feed(struct entry *en, const char *p, size_t len)
{
    switch (en->type) {
    case FT_JSON:
    case FT_YAML:
        /* Documents are parsed whole, so they must fit the limit. */
        if (!en->limit_hit && kt_buf_append(&en->doc, p, len) != KT_OK) {
            en->limit_hit = true;
            snprintf(en->note, sizeof(en->note),
                     "%s document larger than %llu bytes, the limit for a "
                     "document parsed whole",
                     en->type == FT_JSON ? "JSON" : "YAML",
                     (unsigned long long)en->doc.max_len);
        }
        return KT_OK;
    case FT_DESCRIBE:
    case FT_TABLE:
    case FT_LOG:
        return feed_text(en, p, len);
    case FT_EMPTY:
    case FT_BINARY:
    case FT_ARCHIVE:
        return KT_OK;
    }
    return KT_OK;
}

/* Is this text JSON lines: a first line that is a whole object, and a
 * second line that starts another? */
static bool
is_json_lines(const char *p, size_t len)
{
    const char *nl = memchr(p, '\n', len);
    size_t n;

    if (nl == NULL) {
        return false;
    }
    n = (size_t)(nl - p);
    while (n > 0 && strchr(" \t\r", p[n - 1]) != NULL) {
        n--;
    }
    return n > 1 && p[0] == '{' && p[n - 1] == '}' &&
           (size_t)(nl - p) + 1 < len && nl[1] == '{';
}

/* Documents are parsed whole, not split into lines: count their lines
 * for the files table. */
static long
count_lines(const struct kt_buf *doc)
{
    const char *q = doc->data;
    const char *end;
    long n;

    if (doc->len == 0) {
        return 0;
    }
    end = q + doc->len;
    n = end[-1] == '\n' ? 0 : 1;
    while ((q = memchr(q, '\n', (size_t)(end - q))) != NULL) {
        n++;
        q++;
    }
    return n;
}

/* The end of an entry's bytes: finish the last line and parse documents.
 * Returns KT_OK or a run error; entry problems go into en->note. */
static enum kt_status
finish(struct entry *en, size_t *n_items)
{
    enum kt_status st = KT_OK;
    struct kt_err jerr;

    *n_items = 0;
    if (en->type == FT_JSON || en->type == FT_YAML) {
        en->lineno = count_lines(&en->doc);
    }
    if (en->type == FT_JSON && !en->limit_hit &&
        has_suffix(en->path, "-errors.json")) {
        /* What the collector could not collect: coverage gaps. */
        kt_err_clear(&jerr);
        st = jsonobj_strings(en->doc.data ? en->doc.data : "", en->doc.len,
                             sink_gap, en, &jerr);
        if (st == KT_EFORMAT) {
            snprintf(en->note, sizeof(en->note), "%s", jerr.msg);
            en->limit_hit = true;
            st = KT_OK;
        }
        return st;
    }
    if (en->type == FT_YAML && !en->limit_hit) {
        kt_err_clear(&jerr);
        st = yamlobj_extract(en->doc.data, en->doc.len, kind_hint(en->path),
                             &en->sink, n_items, &jerr);
        if (st == KT_EFORMAT || st == KT_ELIMIT) {
            snprintf(en->note, sizeof(en->note), "%s", jerr.msg);
            en->limit_hit = true;
            st = KT_OK;
        }
        return st;
    }
    if (en->type == FT_JSON && !en->limit_hit) {
        const char *doc = en->doc.data ? en->doc.data : "";

        kt_err_clear(&jerr);
        st = jsonobj_extract(doc, en->doc.len, kind_hint(en->path), &en->sink,
                             n_items, &jerr);
        if (st == KT_EFORMAT && is_json_lines(doc, en->doc.len)) {
            /* One JSON value per line is a structured log, not a list. */
            en->type = FT_LOG;
            en->lineno = 0;
            st = feed_text(en, doc, en->doc.len);
        } else if (st == KT_EFORMAT || st == KT_ELIMIT) {
            if (en->note[0] == '\0') {
                snprintf(en->note, sizeof(en->note), "%s", jerr.msg);
            }
            en->limit_hit = true;
            st = KT_OK;
        }
    }
    if (st == KT_OK &&
        (en->type == FT_LOG || en->type == FT_DESCRIBE ||
         en->type == FT_TABLE) &&
        (en->line.len > 0 || en->line_cut)) {
        en->lineno++;
        st = text_line(en, en->line.data, en->line.len);
        if (en->line_cut && en->note[0] == '\0') {
            snprintf(en->note, sizeof(en->note),
                     "line %ld longer than %zu bytes was cut (--max-line)",
                     en->lineno, en->max_line);
            en->limit_hit = true;
        }
        kt_buf_reset(&en->line);
    }
    if (st == KT_OK && en->type == FT_LOG) {
        st = flush_record(en);
    }
    if (st == KT_OK && en->type == FT_DESCRIBE) {
        st = describe_finish(en->describe);
    }
    if (st == KT_OK && en->type == FT_TABLE) {
        st = table_finish(en->table);
    }

    return st;
}

static void
entry_init(struct entry *en, struct index *idx, struct pipeline_stats *stats,
           int year, size_t max_line)
{
    memset(en, 0, sizeof(*en));
    en->max_line = max_line;
    en->idx = idx;
    en->stats = stats;
    en->year = year;
    en->sink.ctx = en;
    en->sink.object = sink_object;
    en->sink.event = sink_event;
    kt_buf_init(&en->head, HEAD_BYTES + (256U << 10));
    kt_buf_init(&en->doc, KT_MAX_DOCUMENT_BYTES);
    kt_buf_init(&en->line, max_line);
    kt_buf_init(&en->clean, max_line);
    kt_buf_init(&en->rec, max_line);
}

static void
entry_fini(struct entry *en)
{
    kt_buf_fini(&en->head);
    kt_buf_fini(&en->doc);
    kt_buf_fini(&en->line);
    kt_buf_fini(&en->clean);
    kt_buf_fini(&en->rec);
    describe_free(en->describe);
    table_free(en->table);
}

/* Reset the per-entry state but keep the buffers' storage. */
static void
entry_reset(struct entry *en, long long file_id, const char *path)
{
    describe_free(en->describe);
    en->describe = NULL;
    table_free(en->table);
    en->table = NULL;
    en->file_id = file_id;
    en->path = path;
    en->type = FT_EMPTY;
    kt_buf_reset(&en->head);
    kt_buf_reset(&en->doc);
    kt_buf_reset(&en->line);
    kt_buf_reset(&en->rec);
    en->line_cut = false;
    en->lineno = 0;
    en->rec_open = false;
    en->container[0] = '\0';
    en->limit_hit = false;
    en->note[0] = '\0';
}

static void
note_layout(struct layout_seen *ls, const char *path)
{
    if (strstr(path, "cluster-resources/") != NULL) {
        ls->troubleshoot = true;
    }
    if (strstr(path, "cluster-scoped-resources/") != NULL ||
        (strstr(path, "namespaces/") != NULL &&
         strstr(path, "/core/pods.yaml") != NULL)) {
        ls->must_gather = true;
    }
    if (strcmp(base_name(path), "nodes.json") == 0 &&
        strstr(path, "cluster-resources/") == NULL) {
        ls->cluster_dump_nodes = true;
    }
    if (strcmp(base_name(path), "logs.txt") == 0) {
        ls->cluster_dump_logs = true;
    }
}

static const char *
layout_name(const struct layout_seen *ls)
{
    if (ls->troubleshoot) {
        return "troubleshoot";
    }
    if (ls->must_gather) {
        return "must-gather";
    }
    if (ls->cluster_dump_nodes && ls->cluster_dump_logs) {
        return "cluster-info-dump";
    }
    return "loose";
}

/* Make the line parser the entry's type needs. */
static void
start_parser(struct entry *en)
{
    if (en->type == FT_DESCRIBE) {
        en->describe = describe_new(&en->sink);
    } else if (en->type == FT_TABLE) {
        en->table = table_new(&en->sink);
    }
}

/* An archive inside the bundle: walk its entries as part of the bundle,
 * named OUTER/INNER (a single compressed file keeps its own name without
 * the suffix), up to --max-depth levels. The rest of the outer entry
 * is then drained so that the outer walk can go on. */
static enum kt_status
expand(struct walk *w, struct ingest *in, struct entry *en, int depth,
       bool *archive_broken, struct kt_err *err)
{
    struct ingest *nested = NULL;
    struct kt_err nerr;
    const char *status = "indexed";
    enum kt_status st = KT_OK;
    enum kt_status rst;
    const void *buf;
    size_t len;

    kt_err_clear(&nerr);
    en->note[0] = '\0';
    if (depth >= w->max_depth) {
        status = "skipped";
        snprintf(en->note, sizeof(en->note),
                 "archive nested deeper than %d level%s (--max-depth)",
                 w->max_depth, w->max_depth == 1 ? "" : "s");
    } else if (ingest_open_nested(in, en->head.data, en->head.len, en->path,
                                  &nested, &nerr) != KT_OK) {
        status = "skipped";
        snprintf(en->note, sizeof(en->note), "nested %.200s", nerr.msg);
    } else {
        st = walk_archive(w, nested, en->path, depth + 1, err);
        ingest_close(nested);
        snprintf(en->note, sizeof(en->note), "nested archive, read");
    }
    if (st != KT_OK) {
        return st;
    }
    while ((rst = ingest_read(in, &buf, &len, &nerr)) == KT_OK) {
        continue;
    }
    if (rst == KT_EFORMAT) {
        *archive_broken = true;
    }
    st = index_finish_file(en->idx, en->file_id, ftype_name[FT_ARCHIVE], 0, 0,
                           status, en->note, err);
    if (st == KT_OK && strcmp(status, "skipped") == 0) {
        en->stats->skipped++;
        log_warn("%s: %s; skipped", en->path, en->note);
    }
    return st;
}

/* Read one regular file entry through to its end. Returns a run error
 * only; entry problems are recorded in the files table. */
static enum kt_status
read_file(struct walk *w, struct ingest *in, struct entry *en, int depth,
          bool *archive_broken, struct kt_err *err)
{
    const void *buf;
    size_t len;
    enum kt_status st;
    enum kt_status rst = KT_OK;
    unsigned long long size = 0;
    bool typed = false;
    size_t n_items = 0;
    const char *status = "indexed";
    struct kt_err rerr;

    kt_err_clear(&rerr);
    while ((rst = ingest_read(in, &buf, &len, &rerr)) == KT_OK) {
        size += len;
        if (!typed) {
            kt_buf_append(&en->head, buf, len);
            if (en->head.len < HEAD_BYTES) {
                continue;
            }
            en->type = classify(en->path, en->head.data, en->head.len);
            typed = true;
            if (en->type == FT_ARCHIVE) {
                return expand(w, in, en, depth, archive_broken, err);
            }
            buf = en->head.data;
            len = en->head.len;
            start_parser(en);
        }
        st = feed(en, buf, len);
        if (st != KT_OK) {
            return kt_err_set(err, st, "%s", en->err.msg);
        }
    }
    if (!typed) {
        en->type = classify(en->path, en->head.data ? en->head.data : "",
                            en->head.len);
        if (en->type == FT_ARCHIVE && rst == KT_DONE) {
            return expand(w, in, en, depth, archive_broken, err);
        }
        start_parser(en);
        st = feed(en, en->head.data ? en->head.data : "", en->head.len);
        if (st != KT_OK) {
            return kt_err_set(err, st, "%s", en->err.msg);
        }
    }
    if ((en->type == FT_DESCRIBE && en->describe == NULL) ||
        (en->type == FT_TABLE && en->table == NULL)) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    if (rst != KT_DONE) {
        /* Cut short: keep what was read, say why. Text read so far is
         * indexed (partial); a document cut short cannot be parsed. */
        snprintf(en->note, sizeof(en->note), "%s", rerr.msg);
        status = en->type == FT_JSON || en->type == FT_YAML ? "skipped"
                                                            : "partial";
        *archive_broken = rst == KT_EFORMAT;
    }
    st = finish(en, &n_items);
    if (st != KT_OK) {
        return kt_err_set(err, st, "%s", en->err.msg);
    }
    if (rst == KT_DONE && en->limit_hit) {
        /* A document with nothing read is skipped; one that gave some
         * objects before its error, and a log with a cut line, are
         * partial. */
        status = (en->type == FT_JSON || en->type == FT_YAML) && n_items == 0
                         ? "skipped"
                         : "partial";
    }
    if (en->type == FT_ARCHIVE) {
        status = "partial";
        snprintf(en->note, sizeof(en->note), "nested archive cut short: %.200s",
                 rerr.msg);
    } else if (en->type == FT_BINARY && rst == KT_DONE) {
        status = "ignored";
        snprintf(en->note, sizeof(en->note), "binary content");
    }
    st = index_finish_file(en->idx, en->file_id, ftype_name[en->type],
                           en->lineno, size, status,
                           en->note[0] ? en->note : NULL, err);
    if (st != KT_OK) {
        return st;
    }
    if (strcmp(status, "skipped") == 0 || strcmp(status, "partial") == 0) {
        en->stats->skipped++;
        log_warn("%s: %s%s", en->path, en->note,
                 strcmp(status, "partial") == 0 ? "; kept what was read"
                                                : "; skipped");
    }
    return KT_OK;
}

/* Year to complete timestamps without one: the year of the newest entry
 * time seen, else the current year. */
static int
year_of(long long t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (t <= 0 || gmtime_r(&tt, &tm) == NULL) {
        tt = time(NULL);
        gmtime_r(&tt, &tm);
    }
    return tm.tm_year + 1900;
}

static enum kt_status
record_entry(struct index *idx, const struct ingest_entry *ie, const char *type,
             const char *status, const char *note, struct pipeline_stats *stats,
             struct kt_err *err)
{
    struct index_file f = { ie->path, type, NULL, NULL, NULL, false, 0 };
    long long id;
    enum kt_status st = index_add_file(idx, &f, &id, err);

    if (st == KT_OK) {
        st = index_finish_file(idx, id, type, 0, 0, status, note, err);
    }
    stats->files++;
    return st;
}

static enum kt_status
write_meta(struct index *idx, struct ingest *in, const char *path,
           const struct layout_seen *ls, long long newest,
           const struct pipeline_stats *stats, struct kt_err *err)
{
    char hex[65];
    char num[32];
    char when[40] = "";
    char inside[40] = "";
    time_t t = (time_t)newest;
    struct tm tm;
    enum kt_status st;

    const char *source = "unknown";

    ingest_sha256(in, hex);
    index_newest_time(idx, inside, sizeof(inside));
    if (!ingest_is_directory(in) && newest > 0 && gmtime_r(&t, &tm) != NULL) {
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
        source = "newest archive entry time";
    }
    /* File times of a directory tell when it was copied, not collected.
     * Nothing in a bundle is newer than its collection, so a newer time
     * inside means the entry times are off; and entry times more than two
     * days after everything inside mean the bundle was repacked later.
     * Either way the newest time inside wins. */
    if (inside[0] != '\0' &&
        (strcmp(inside, when) > 0 ||
         (newest > 0 && index_time_epoch(inside) >= 0 &&
          newest - index_time_epoch(inside) > 2 * 86400))) {
        snprintf(when, sizeof(when), "%s", inside);
        source = "newest timestamp in the bundle";
    }
    if (when[0] == '\0') {
        source = "unknown";
    }
    st = index_set_meta(idx, "bundle_path", path, err);
    if (st == KT_OK) {
        st = index_set_meta(idx, "bundle_sha256", hex, err);
    }
    if (st == KT_OK) {
        st = index_set_meta(idx, "layout", layout_name(ls), err);
    }
    if (st == KT_OK && when[0] != '\0') {
        st = index_set_meta(idx, "collected_at", when, err);
    }
    if (st == KT_OK && when[0] != '\0') {
        st = index_resolve_ages(idx, when, err);
    }
    if (st == KT_OK) {
        st = index_set_meta(idx, "collected_at_source", source, err);
    }
    snprintf(num, sizeof(num), "%llu", stats->bytes);
    if (st == KT_OK) {
        st = index_set_meta(idx, "bundle_bytes", num, err);
    }
    snprintf(num, sizeof(num), "%llu", stats->files);
    if (st == KT_OK) {
        st = index_set_meta(idx, "bundle_files", num, err);
    }
    if (st == KT_OK && stats->archive_damaged) {
        st = index_set_meta(idx, "archive_damaged", "1", err);
    }
    return st;
}

/* Is this directory entry one of the files kftriage writes itself? */
static bool
is_own_file(const struct ingest_entry *ie, const char *const *own)
{
    struct stat sb;

    for (; own != NULL && *own != NULL && ie->ino != 0; own++) {
        if (stat(*own, &sb) == 0 && (unsigned long long)sb.st_dev == ie->dev &&
            (unsigned long long)sb.st_ino == ie->ino) {
            return true;
        }
    }
    return false;
}

/* Walk the entries of one archive (the bundle itself, or one nested in
 * it, then outer names its entry) into the index. */
static enum kt_status
walk_archive(struct walk *w, struct ingest *in, const char *outer, int depth,
             struct kt_err *err)
{
    struct index *idx = w->idx;
    struct pipeline_stats *stats = w->stats;
    const char *path = outer ? outer : w->bundle;
    struct ingest_entry ie;
    struct entry en;
    struct kt_buf full;
    struct kt_err nerr;
    enum kt_status st;
    bool broken = false;

    entry_init(&en, idx, stats, year_of(w->newest), w->max_line);
    kt_buf_init(&full, 2 * w->max_path);
    for (;;) {
        struct pipeline_pathinfo pi;
        struct index_file f;

        kt_err_clear(&nerr);
        st = ingest_next(in, &ie, &nerr);
        if (st == KT_DONE && ingest_stream_error(in) != NULL &&
            w->n_seen == 0 && outer == NULL) {
            st = kt_err_set(err, KT_EFORMAT, "%s: %s before the first entry",
                            path, ingest_stream_error(in));
            goto out;
        }
        if (st == KT_DONE && ingest_stream_error(in) != NULL) {
            /* Every entry was read, but the file itself is cut. */
            log_warn("%s: %s after the last entry", path,
                     ingest_stream_error(in));
            stats->skipped++;
            stats->archive_damaged = true;
            st = index_set_meta(idx, "archive_error", ingest_stream_error(in),
                                err);
            if (st != KT_OK) {
                goto out;
            }
            st = KT_DONE;
        }
        if (st == KT_DONE) {
            st = KT_OK;
            break;
        }
        if (st != KT_OK) {
            if (w->n_seen == 0 && st == KT_EFORMAT && outer == NULL) {
                st = kt_err_set(err, KT_EFORMAT, "%s: %s", path, nerr.msg);
                goto out;
            }
            if (st == KT_ELIMIT) {
                /* Too many entries: what was read stands, the rest is
                 * one skipped item in the coverage. */
                log_warn("%s: %s", path, nerr.msg);
                ie.path = "(the rest of the bundle)";
                ie.type = INGEST_OTHER;
                st = record_entry(idx, &ie, "limit", "skipped", nerr.msg, stats,
                                  err);
                stats->skipped++;
                if (st != KT_OK) {
                    goto out;
                }
                break;
            }
            /* Damaged after some entries: keep what was read. */
            log_warn("%s: %s; the rest of %s is not readable", path, nerr.msg,
                     outer ? "it" : "the bundle");
            stats->skipped++;
            if (outer == NULL) {
                stats->archive_damaged = true;
                st = index_set_meta(idx, "archive_error", nerr.msg, err);
            } else {
                st = KT_OK;
            }
            if (st != KT_OK) {
                goto out;
            }
            break;
        }
        w->n_seen++;
        if (ie.mtime > w->newest) {
            w->newest = ie.mtime;
            en.year = year_of(w->newest);
        }
        if (outer != NULL) {
            /* Name nested entries after the archive that holds them. */
            const char *slash = strrchr(outer, '/');

            kt_buf_reset(&full);
            if (ie.is_raw && slash != NULL) {
                kt_buf_append(&full, outer, (size_t)(slash - outer + 1));
            } else if (!ie.is_raw) {
                kt_buf_printf(&full, "%s/", outer);
            }
            kt_buf_append(&full, ie.path, strlen(ie.path));
            ie.path = full.data ? full.data : ie.path;
        }
        note_layout(&w->ls, ie.path);
        if (ie.warning != NULL) {
            /* An unreadable file or directory, or a damaged header: its
             * content is missing. */
            log_warn("%s: %s; skipped", ie.path, ie.warning);
            st = record_entry(idx, &ie,
                              ie.type == INGEST_DIR    ? "directory"
                              : ie.type == INGEST_FILE ? "file"
                                                       : "special",
                              "skipped", ie.warning, stats, err);
            stats->skipped++;
            if (st != KT_OK) {
                goto out;
            }
            continue;
        }
        if (ie.type == INGEST_DIR) {
            continue;
        }
        if (is_own_file(&ie, w->own_files)) {
            continue; /* the index being written, or an earlier one */
        }
        if (ie.path_cut) {
            log_warn("%s: entry name longer than %zu bytes, cut to "
                     "'%.80s...' (--max-path)",
                     path, w->max_path, ie.path);
            stats->skipped++;
        } else if (ie.path_changed) {
            log_warn("%s: entry name '%.200s' reaches outside the bundle, "
                     "stored as '%s'",
                     path, ie.raw_path, ie.path);
        }
        if (ie.type != INGEST_FILE) {
            char note[KT_MAX_PATH + 16];

            snprintf(note, sizeof(note), "-> %s",
                     ie.link_target ? ie.link_target : "?");
            st = record_entry(idx, &ie,
                              ie.type == INGEST_SYMLINK    ? "symlink"
                              : ie.type == INGEST_HARDLINK ? "hardlink"
                                                           : "special",
                              "ignored",
                              ie.type == INGEST_OTHER ? "device, FIFO or "
                                                        "socket"
                                                      : note,
                              stats, err);
            if (st != KT_OK) {
                goto out;
            }
            continue;
        }
        pipeline_pathinfo(ie.path, &pi);
        f.path = ie.path;
        f.type = NULL;
        f.namespace = pi.namespace[0] ? pi.namespace : NULL;
        f.pod = pi.pod[0] ? pi.pod : NULL;
        f.container = pi.container[0] ? pi.container : NULL;
        f.previous = pi.previous;
        f.size = 0;
        st = index_add_file(idx, &f, &en.file_id, err);
        if (st != KT_OK) {
            goto out;
        }
        stats->files++;
        entry_reset(&en, en.file_id, ie.path);
        if (seen_before(&w->seen, ie.path)) {
            /* Both copies are indexed; the note tells them apart. */
            log_warn("%s: duplicate entry; this copy is indexed too", ie.path);
            snprintf(en.note, sizeof(en.note), "duplicate entry");
        }
        st = read_file(w, in, &en, depth, &broken, err);
        if (st != KT_OK) {
            goto out;
        }
        if (broken) {
            log_warn("%s: the archive is damaged after %s; the rest of "
                     "%s is not readable",
                     path, ie.path, outer ? "it" : "the bundle");
            if (outer == NULL) {
                stats->archive_damaged = true;
                st = index_set_meta(idx, "archive_error", en.note, err);
            }
            if (st != KT_OK) {
                goto out;
            }
            break;
        }
    }

out:
    kt_buf_fini(&full);
    entry_fini(&en);
    return st;
}

enum kt_status
pipeline_ingest(struct index *idx, const char *path,
                const struct ingest_limits *lim, const char *const *own_files,
                struct pipeline_stats *stats, struct kt_err *err)
{
    struct ingest *in = NULL;
    struct walk w;
    enum kt_status st;

    memset(stats, 0, sizeof(*stats));
    memset(&w, 0, sizeof(w));
    w.idx = idx;
    w.stats = stats;
    w.bundle = path;
    w.own_files = own_files;
    w.max_depth = lim->max_depth;
    w.max_line = (size_t)lim->max_line;
    w.max_path = (size_t)lim->max_path;
    st = ingest_open(path, lim, &in, err);
    if (st != KT_OK) {
        return st;
    }
    st = walk_archive(&w, in, NULL, 0, err);
    if (st == KT_OK && w.n_seen == 0) {
        st = kt_err_set(err, KT_EFORMAT, "%s: the bundle holds no files", path);
    }
    if (st == KT_OK) {
        st = index_resolve_namespaces(idx, err);
    }
    if (st == KT_OK) {
        stats->bytes = ingest_total_bytes(in);
        st = write_meta(idx, in, path, &w.ls, w.newest, stats, err);
    }
    ingest_close(in);
    free(w.seen.slot);
    return st;
}
