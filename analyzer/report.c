/* SPDX-License-Identifier: MIT */
/* The report behind report.h: the one walk over the tree of findings
 * (report_int.h), the JSON and text formats, and the JSON pieces the
 * Markdown and HTML formats (report_md.c, report_html.c) render. The text
 * report wraps at 80 columns and passes every piece of bundle text
 * through kt_safe_text(). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "report_int.h"
#include "version.h"

#define WIDTH 80

static const char *
col(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);

    return t ? t : "";
}

static const char *
meta(sqlite3 *db, const char *key, char *buf, size_t len)
{
    sqlite3_stmt *s;

    buf[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &s,
                           NULL) != SQLITE_OK) {
        return buf;
    }
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        snprintf(buf, len, "%s", col(s, 0));
    }
    sqlite3_finalize(s);
    return buf;
}

static long long
count_of(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    long long n = 0;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        return 0;
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        n = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    return n;
}

/* The finding columns every query below selects, in this order. */
#define FINDING_COLS                                                       \
    "f.id, f.rank, f.rule, f.category, f.severity, f.confidence, f.title," \
    " f.namespace, f.kind, f.name, f.root_cause, f.fix, f.next_steps,"     \
    " f.refs, f.first_seen, f.last_seen, f.n_evidence, f.because,"         \
    " f.stale"

enum {
    F_ID,
    F_RANK,
    F_RULE,
    F_CATEGORY,
    F_SEVERITY,
    F_CONFIDENCE,
    F_TITLE,
    F_NAMESPACE,
    F_KIND,
    F_NAME,
    F_CAUSE,
    F_FIX,
    F_STEPS,
    F_REFS,
    F_FIRST,
    F_LAST,
    F_N_EVIDENCE,
    F_BECAUSE,
    F_STALE
};

static const char roots_sql[] =
        "SELECT " FINDING_COLS " FROM findings f WHERE f.parent_id IS NULL"
        " AND (?1 IS NULL OR f.namespace = ?1 OR f.rank IN (SELECT root_rank"
        " FROM findings_tree WHERE namespace = ?1)) ORDER BY f.rank";
static const char symptoms_sql[] =
        "SELECT " FINDING_COLS " FROM findings f WHERE f.parent_id = ?"
        " ORDER BY f.rank";
static const char evidence_sql[] =
        "SELECT fl.path, e.line, e.source, e.text FROM evidence e"
        " LEFT JOIN files fl ON fl.id = e.file_id WHERE e.finding_id = ?"
        " ORDER BY e.rowid";
static const char unexplained_sql[] =
        "SELECT u.text, u.count, fl.path, u.line FROM unexplained u"
        " LEFT JOIN files fl ON fl.id = u.file_id"
        " WHERE ?1 IS NULL OR u.namespace = ?1 ORDER BY u.id LIMIT 20";
static const char skipped_sql[] =
        "SELECT path, status, coalesce(note, '') FROM files"
        " WHERE status IN ('skipped', 'partial') ORDER BY id";
static const char gaps_sql[] =
        "SELECT fl.path, g.line, g.text FROM gaps g"
        " LEFT JOIN files fl ON fl.id = g.file_id ORDER BY g.rowid LIMIT 50";
/* Containers in trouble (not running, or restarted) whose logs the
 * bundle lacks: the report says their cause may be out of sight. */
static const char nolog_sql[] =
        "SELECT o.namespace || '/' || o.name || '/' || c.name"
        " FROM containers c JOIN objects o ON o.id = c.object_id"
        " WHERE o.kind = 'Pod' AND (c.state = 'waiting' OR c.restarts > 0"
        " OR (c.state = 'terminated' AND coalesce(c.exit_code, 1) != 0))"
        " AND NOT EXISTS (SELECT 1 FROM files f WHERE f.namespace ="
        " o.namespace AND f.pod = o.name AND (f.container = c.name OR"
        " EXISTS (SELECT 1 FROM logs l WHERE l.file_id = f.id"
        " AND l.container = c.name)) AND f.type = 'log')"
        " ORDER BY 1 LIMIT 50";
/* Detectors that could not run: what they lacked, and the conclusion that
 * leaves open, naming the detector. */
static const char not_checked_sql[] =
        "SELECT needs, weakens || ' (' || rule || ' not checked)'"
        " FROM not_checked ORDER BY rowid";
static const char seen_sql[] =
        "SELECT kind, count(*) FROM objects GROUP BY kind"
        " ORDER BY count(*) DESC, kind";

static const char n_symptoms_sql[] =
        "SELECT count(*) FROM findings WHERE parent_id = ?";

/* Read the evidence of finding id into a fresh array (caller frees with
 * free_evidence()); *n gets its length. */
static struct report_evidence *
load_evidence(sqlite3 *db, long long id, size_t *n)
{
    struct report_evidence *ev = NULL;
    size_t cap = 0;
    sqlite3_stmt *q;

    *n = 0;
    if (sqlite3_prepare_v2(db, evidence_sql, -1, &q, NULL) != SQLITE_OK) {
        return NULL;
    }
    sqlite3_bind_int64(q, 1, id);
    while (sqlite3_step(q) == SQLITE_ROW) {
        struct report_evidence *e;

        if (*n == cap) {
            size_t want = cap ? cap * 2 : 8;
            struct report_evidence *bigger = realloc(ev, want * sizeof(*ev));

            if (bigger == NULL) {
                break;
            }
            ev = bigger;
            cap = want;
        }
        e = &ev[*n];
        e->file = kt_strdup0(col(q, 0));
        e->line = sqlite3_column_int(q, 1);
        e->source = kt_strdup0(col(q, 2));
        e->text = kt_strdup0(col(q, 3));
        if (e->file == NULL || e->source == NULL || e->text == NULL) {
            free(e->file);
            free(e->source);
            free(e->text);
            break;
        }
        (*n)++;
    }
    sqlite3_finalize(q);
    return ev;
}

static void
free_evidence(struct report_evidence *ev, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(ev[i].file);
        free(ev[i].source);
        free(ev[i].text);
    }
    free(ev);
}

/* Hand the finding in the current row of s to v, then walk its
 * symptoms. The row's strings stay valid throughout because s is not
 * stepped until this returns. */
static void
walk_row(sqlite3 *db, sqlite3_stmt *s, int depth,
         const struct report_visitor *v)
{
    struct report_finding f;
    struct report_evidence *ev;
    sqlite3_stmt *q;

    memset(&f, 0, sizeof(f));
    f.id = sqlite3_column_int64(s, F_ID);
    f.depth = depth;
    f.rank = sqlite3_column_int(s, F_RANK);
    f.rule = col(s, F_RULE);
    f.category = col(s, F_CATEGORY);
    f.severity = col(s, F_SEVERITY);
    f.confidence = sqlite3_column_double(s, F_CONFIDENCE);
    f.title = col(s, F_TITLE);
    f.namespace = col(s, F_NAMESPACE);
    f.kind = col(s, F_KIND);
    f.name = col(s, F_NAME);
    f.root_cause = col(s, F_CAUSE);
    f.fix = col(s, F_FIX);
    f.next_steps = col(s, F_STEPS);
    f.refs = col(s, F_REFS);
    f.first_seen = col(s, F_FIRST);
    f.last_seen = col(s, F_LAST);
    f.n_evidence_total = sqlite3_column_int(s, F_N_EVIDENCE);
    f.because = col(s, F_BECAUSE);
    f.stale = sqlite3_column_int(s, F_STALE) != 0;
    ev = load_evidence(db, f.id, &f.n_evidence);
    f.evidence = ev;
    if (depth + 1 < REPORT_MAX_DEPTH &&
        sqlite3_prepare_v2(db, n_symptoms_sql, -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, f.id);
        if (sqlite3_step(q) == SQLITE_ROW) {
            f.n_symptoms = sqlite3_column_int(q, 0);
        }
        sqlite3_finalize(q);
    }
    v->enter(v->ctx, &f);
    if (f.n_symptoms > 0 &&
        sqlite3_prepare_v2(db, symptoms_sql, -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, f.id);
        while (sqlite3_step(q) == SQLITE_ROW) {
            walk_row(db, q, depth + 1, v);
        }
        sqlite3_finalize(q);
    }
    if (v->leave != NULL) {
        v->leave(v->ctx, &f);
    }
    free_evidence(ev, f.n_evidence);
}

const char *
report_evidence_count(const struct report_finding *f, char *buf, size_t len)
{
    if ((size_t)f->n_evidence_total > f->n_evidence) {
        snprintf(buf, len, "%zu of %d", f->n_evidence, f->n_evidence_total);
    } else {
        snprintf(buf, len, "%d", f->n_evidence_total);
    }
    return buf;
}

int
report_walk(sqlite3 *db, const char *namespace, const struct report_visitor *v)
{
    sqlite3_stmt *s;
    int n = 0;

    if (sqlite3_prepare_v2(db, roots_sql, -1, &s, NULL) != SQLITE_OK) {
        return 0;
    }
    if (namespace != NULL) {
        sqlite3_bind_text(s, 1, namespace, -1, SQLITE_STATIC);
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        walk_row(db, s, 0, v);
        n++;
    }
    sqlite3_finalize(s);
    return n;
}

/* What a bundle lacks and which conclusions that weakens. What a single
 * detector needs (previous logs of restarting containers, StorageClass
 * objects, gateway access logs) it reports itself, in not_checked, only
 * when it would have used it. */
static const struct {
    const char *sql; /* true when the thing is missing */
    const char *what;
    const char *weakens;
} missing_checks[] = {
    { "SELECT count(*) = 0 FROM objects WHERE kind = 'Node'", "Node objects",
      "GPU, resource and node-health conclusions rest on scheduler "
      "messages only" },
    { "SELECT count(*) = 0 FROM objects WHERE kind = 'Pod'", "Pod objects",
      "container states, restarts and exit codes are unknown" },
    { "SELECT count(*) = 0 FROM events", "events",
      "scheduling, mount and image-pull failures may be missed" },
    { "SELECT count(*) = 0 FROM files WHERE type = 'log'", "pod logs",
      "application errors (database, auth, pipelines) cannot be seen" },
};

/* ---- JSON ---------------------------------------------------------- */

/* Add a string member; bundle text may hold invalid UTF-8, which would
 * make the whole report invalid JSON, so it is cleaned first. */
static void
add_str(cJSON *obj, const char *key, const char *value)
{
    char *clean = kt_utf8_clean(value ? value : "");

    cJSON_AddStringToObject(obj, key, clean ? clean : "");
    free(clean);
}

static cJSON *
lines_array(const char *text)
{
    cJSON *arr = cJSON_CreateArray();
    const char *p = text;

    while (arr != NULL && p != NULL && *p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *item = kt_strndup(p, n);

        if (item != NULL && n > 0) {
            char *clean = kt_utf8_clean(item);

            cJSON_AddItemToArray(arr, cJSON_CreateString(clean ? clean : ""));
            free(clean);
        }
        free(item);
        p = nl ? nl + 1 : NULL;
    }
    return arr;
}

static cJSON *
json_finding(const struct report_finding *f)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *subject = cJSON_CreateObject();
    cJSON *evidence = cJSON_CreateArray();
    size_t i;

    cJSON_AddNumberToObject(o, "rank", f->rank);
    add_str(o, "rule", f->rule);
    add_str(o, "category", f->category);
    add_str(o, "severity", f->severity);
    cJSON_AddNumberToObject(o, "confidence",
                            (double)(long)(f->confidence * 100 + 0.5) / 100.0);
    add_str(o, "title", f->title);
    add_str(subject, "namespace", f->namespace);
    add_str(subject, "kind", f->kind);
    add_str(subject, "name", f->name);
    cJSON_AddItemToObject(o, "subject", subject);
    add_str(o, "root_cause", f->root_cause);
    add_str(o, "fix", f->fix);
    cJSON_AddItemToObject(o, "next_steps", lines_array(f->next_steps));
    cJSON_AddItemToObject(o, "references", lines_array(f->refs));
    if (f->last_seen[0] != '\0') {
        add_str(o, "first_seen", f->first_seen);
        add_str(o, "last_seen", f->last_seen);
    }
    cJSON_AddBoolToObject(o, "stale", f->stale);
    if (f->because[0] != '\0') {
        add_str(o, "because", f->because);
    }
    cJSON_AddNumberToObject(o, "evidence_total", f->n_evidence_total);
    for (i = 0; i < f->n_evidence; i++) {
        cJSON *e = cJSON_CreateObject();

        add_str(e, "file", f->evidence[i].file);
        cJSON_AddNumberToObject(e, "line", f->evidence[i].line);
        add_str(e, "source", f->evidence[i].source);
        add_str(e, "text", f->evidence[i].text);
        cJSON_AddItemToArray(evidence, e);
    }
    cJSON_AddItemToObject(o, "evidence", evidence);
    return o;
}

/* The JSON visitor keeps the "symptoms" array of each open finding on a
 * stack; stack[0] is the top-level "findings" array. */
struct json_tree {
    cJSON *stack[REPORT_MAX_DEPTH + 1];
    int top;
};

static void
json_enter(void *ctx, const struct report_finding *f)
{
    struct json_tree *t = ctx;
    cJSON *o = json_finding(f);
    cJSON *symptoms = cJSON_CreateArray();

    cJSON_AddItemToObject(o, "symptoms", symptoms);
    cJSON_AddItemToArray(t->stack[t->top], o);
    t->stack[++t->top] = symptoms;
}

static void
json_leave(void *ctx, const struct report_finding *f)
{
    struct json_tree *t = ctx;

    (void)f;
    t->top--;
}

cJSON *
report_coverage_json(sqlite3 *db)
{
    cJSON *cov = cJSON_CreateObject();
    cJSON *seen = cJSON_CreateArray();
    cJSON *missing = cJSON_CreateArray();
    cJSON *skipped = cJSON_CreateArray();
    sqlite3_stmt *s;
    size_t i;

    if (sqlite3_prepare_v2(db, seen_sql, -1, &s, NULL) == SQLITE_OK) {
        while (sqlite3_step(s) == SQLITE_ROW) {
            cJSON *o = cJSON_CreateObject();

            add_str(o, "what", col(s, 0));
            cJSON_AddNumberToObject(o, "count",
                                    (double)sqlite3_column_int64(s, 1));
            cJSON_AddItemToArray(seen, o);
        }
        sqlite3_finalize(s);
    }
    {
        static const struct {
            const char *what;
            const char *sql;
        } more[] = {
            { "Event", "SELECT count(*) FROM events" },
            { "log file", "SELECT count(*) FROM files WHERE type = 'log'"
                          " AND previous = 0" },
            { "previous log file",
              "SELECT count(*) FROM files WHERE type = 'log'"
              " AND previous = 1" },
            { "log record", "SELECT count(*) FROM logs" },
            { "container with logs",
              "SELECT count(*) FROM containers c JOIN objects o"
              " ON o.id = c.object_id WHERE EXISTS (SELECT 1 FROM files f"
              " WHERE f.namespace = o.namespace AND f.pod = o.name"
              " AND f.container = c.name AND f.type = 'log')" },
            { "container without logs",
              "SELECT count(*) FROM containers c JOIN objects o"
              " ON o.id = c.object_id WHERE NOT EXISTS (SELECT 1 FROM files"
              " f WHERE f.namespace = o.namespace AND f.pod = o.name"
              " AND f.container = c.name AND f.type = 'log')" },
            { "namespace", "SELECT count(DISTINCT namespace) FROM objects"
                           " WHERE namespace != ''" },
        };

        for (i = 0; i < sizeof(more) / sizeof(more[0]); i++) {
            cJSON *o = cJSON_CreateObject();

            add_str(o, "what", more[i].what);
            cJSON_AddNumberToObject(o, "count",
                                    (double)count_of(db, more[i].sql));
            cJSON_AddItemToArray(seen, o);
        }
    }
    for (i = 0; i < sizeof(missing_checks) / sizeof(missing_checks[0]); i++) {
        if (count_of(db, missing_checks[i].sql) != 0) {
            cJSON *o = cJSON_CreateObject();

            add_str(o, "what", missing_checks[i].what);
            add_str(o, "weakens", missing_checks[i].weakens);
            cJSON_AddItemToArray(missing, o);
        }
    }
    if (sqlite3_prepare_v2(db, not_checked_sql, -1, &s, NULL) == SQLITE_OK) {
        while (sqlite3_step(s) == SQLITE_ROW) {
            cJSON *o = cJSON_CreateObject();

            add_str(o, "what", col(s, 0));
            add_str(o, "weakens", col(s, 1));
            cJSON_AddItemToArray(missing, o);
        }
        sqlite3_finalize(s);
    }
    if (sqlite3_prepare_v2(db, skipped_sql, -1, &s, NULL) == SQLITE_OK) {
        while (sqlite3_step(s) == SQLITE_ROW) {
            cJSON *o = cJSON_CreateObject();

            add_str(o, "file", col(s, 0));
            add_str(o, "status", col(s, 1));
            add_str(o, "reason", col(s, 2));
            cJSON_AddItemToArray(skipped, o);
        }
        sqlite3_finalize(s);
    }
    {
        char buf[512];

        if (meta(db, "archive_error", buf, sizeof(buf))[0] != '\0') {
            add_str(cov, "archive_error", buf);
        }
        if (meta(db, "pattern_limit", buf, sizeof(buf))[0] != '\0') {
            add_str(cov, "pattern_limit", buf);
        }
    }
    if (sqlite3_prepare_v2(db, gaps_sql, -1, &s, NULL) == SQLITE_OK) {
        cJSON *gaps = cJSON_CreateArray();

        while (sqlite3_step(s) == SQLITE_ROW) {
            cJSON *o = cJSON_CreateObject();

            add_str(o, "file", col(s, 0));
            cJSON_AddNumberToObject(o, "line", sqlite3_column_int(s, 1));
            add_str(o, "text", col(s, 2));
            cJSON_AddItemToArray(gaps, o);
        }
        sqlite3_finalize(s);
        cJSON_AddItemToObject(cov, "collection_errors", gaps);
    }
    if (sqlite3_prepare_v2(db, nolog_sql, -1, &s, NULL) == SQLITE_OK) {
        cJSON *nolog = cJSON_CreateArray();

        while (sqlite3_step(s) == SQLITE_ROW) {
            char *clean = kt_utf8_clean(col(s, 0));

            cJSON_AddItemToArray(nolog, cJSON_CreateString(clean ? clean : ""));
            free(clean);
        }
        sqlite3_finalize(s);
        cJSON_AddItemToObject(cov, "failing_containers_without_logs", nolog);
    }
    cJSON_AddItemToObject(cov, "seen", seen);
    cJSON_AddItemToObject(cov, "missing", missing);
    cJSON_AddItemToObject(cov, "skipped_entries", skipped);
    return cov;
}

cJSON *
report_bundle_json(sqlite3 *db)
{
    cJSON *bundle = cJSON_CreateObject();
    char buf[4096];

    add_str(bundle, "path", meta(db, "bundle_path", buf, sizeof(buf)));
    add_str(bundle, "sha256", meta(db, "bundle_sha256", buf, sizeof(buf)));
    add_str(bundle, "layout", meta(db, "layout", buf, sizeof(buf)));
    cJSON_AddNumberToObject(
            bundle, "files",
            strtod(meta(db, "bundle_files", buf, sizeof(buf)), NULL));
    cJSON_AddNumberToObject(
            bundle, "bytes",
            strtod(meta(db, "bundle_bytes", buf, sizeof(buf)), NULL));
    meta(db, "collected_at", buf, sizeof(buf));
    if (buf[0] != '\0') {
        add_str(bundle, "collected_at", buf);
    } else {
        cJSON_AddNullToObject(bundle, "collected_at");
    }
    add_str(bundle, "collected_at_source",
            meta(db, "collected_at_source", buf, sizeof(buf)));
    return bundle;
}

cJSON *
report_unexplained_json(sqlite3 *db, const char *namespace)
{
    cJSON *unexplained = cJSON_CreateArray();
    sqlite3_stmt *s;

    if (sqlite3_prepare_v2(db, unexplained_sql, -1, &s, NULL) != SQLITE_OK) {
        return unexplained;
    }
    if (namespace != NULL) {
        sqlite3_bind_text(s, 1, namespace, -1, SQLITE_STATIC);
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        cJSON *u = cJSON_CreateObject();

        add_str(u, "text", col(s, 0));
        cJSON_AddNumberToObject(u, "count", (double)sqlite3_column_int64(s, 1));
        add_str(u, "file", col(s, 2));
        cJSON_AddNumberToObject(u, "line", sqlite3_column_int(s, 3));
        cJSON_AddItemToArray(unexplained, u);
    }
    sqlite3_finalize(s);
    return unexplained;
}

const char *
report_jstr(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    return cJSON_IsString(v) && v->valuestring ? v->valuestring : "";
}

double
report_jnum(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static enum kt_status
write_json(sqlite3 *db, FILE *out, const struct report_opts *opts,
           struct kt_err *err)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *tool = cJSON_CreateObject();
    struct json_tree tree;
    struct report_visitor v = { &tree, json_enter, json_leave };
    char *text;

    cJSON_AddNumberToObject(root, "schema", 1);
    add_str(tool, "name", "kftriage");
    add_str(tool, "version", KT_VERSION);
    cJSON_AddItemToObject(root, "tool", tool);
    cJSON_AddItemToObject(root, "bundle", report_bundle_json(db));
    memset(&tree, 0, sizeof(tree));
    tree.stack[0] = cJSON_CreateArray();
    cJSON_AddItemToObject(root, "findings", tree.stack[0]);
    report_walk(db, opts->namespace, &v);
    cJSON_AddItemToObject(root, "coverage", report_coverage_json(db));
    cJSON_AddItemToObject(root, "unexplained",
                          report_unexplained_json(db, opts->namespace));
    text = cJSON_Print(root);
    cJSON_Delete(root);
    if (text == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    fputs(text, out);
    fputc('\n', out);
    cJSON_free(text);
    return KT_OK;
}

/* ---- text ---------------------------------------------------------- */

/* Print label and text wrapped to WIDTH, continuation lines indented by
 * indent + 2 spaces; a word longer than a line is printed whole on a line
 * of its own. text is bundle-derived and is escaped first. */
static void
wrap(FILE *out, int indent, const char *label, const char *text)
{
    char *safe = kt_safe_text(text, 4000);
    const char *p = safe;
    int col_now = fprintf(out, "%*s%s", indent, "", label);
    bool line_empty = label[0] == '\0'; /* only the indent so far */
    bool need_space = false;

    while (p != NULL && *p != '\0') {
        const char *sp = strchr(p, ' ');
        int n = sp ? (int)(sp - p) : (int)strlen(p);

        if (!line_empty && col_now + (need_space ? 1 : 0) + n > WIDTH) {
            fprintf(out, "\n%*s", indent + 2, "");
            col_now = indent + 2;
        } else if (need_space) {
            fputc(' ', out);
            col_now++;
        }
        fwrite(p, 1, (size_t)n, out);
        col_now += n;
        line_empty = false;
        need_space = true;
        p = sp ? sp + 1 : NULL;
    }
    fputc('\n', out);
    free(safe);
}

static const char *
sev_color(const char *sev, bool color)
{
    if (!color) {
        return "";
    }
    if (strcmp(sev, "critical") == 0) {
        return "\033[1;31m";
    }
    if (strcmp(sev, "error") == 0) {
        return "\033[31m";
    }
    if (strcmp(sev, "warning") == 0) {
        return "\033[33m";
    }
    return "\033[36m";
}

static void
upper(char *dst, size_t len, const char *src)
{
    size_t i;

    for (i = 0; i + 1 < len && src[i] != '\0'; i++) {
        dst[i] = (char)(src[i] >= 'a' && src[i] <= 'z' ? src[i] - 32 : src[i]);
    }
    dst[i] = '\0';
}

static void
text_subject(FILE *out, const struct report_finding *f)
{
    char *kind = kt_safe_text(f->kind, 100);
    char *ns = kt_safe_text(f->namespace, 200);
    char *name = kt_safe_text(f->name, 300);

    fprintf(out, "%s %s%s%s", kind, ns, ns[0] ? "/" : "", name);
    free(kind);
    free(ns);
    free(name);
}

/* Print indent spaces, the len bytes at p escaped for a terminal and cut
 * at max bytes, and a newline. */
static void
put_safe_line(FILE *out, int indent, const char *p, size_t len, size_t max)
{
    char *raw = kt_strndup(p, len);
    char *safe = kt_safe_text(raw ? raw : "", max);

    fprintf(out, "%*s%s\n", indent, "", safe);
    free(raw);
    free(safe);
}

/* The length of the first line of t. */
static size_t
first_line_len(const char *t)
{
    const char *nl = strchr(t, '\n');

    return nl ? (size_t)(nl - t) : strlen(t);
}

/* The first line of bundle text t, cut at max bytes, wrapped at indent
 * (quotes are wrapped so the report stays within 80 columns; only a word
 * longer than a line overflows). Escaping twice changes nothing: the
 * escaped text holds no control bytes. */
static void
wrap_first_line(FILE *out, int indent, const char *t, size_t max)
{
    char *line = kt_strndup(t, first_line_len(t));
    char *safe = kt_safe_text(line ? line : "", max);

    wrap(out, indent, "", safe);
    free(line);
    free(safe);
}

static void
text_evidence(FILE *out, const struct report_finding *f, int indent)
{
    size_t i;

    for (i = 0; i < f->n_evidence; i++) {
        const struct report_evidence *e = &f->evidence[i];
        char *path = kt_safe_text(e->file, 300);

        fprintf(out, "%*s%s:%d\n", indent, "", path, e->line);
        wrap_first_line(out, indent + 2, e->text, 300);
        free(path);
    }
}

struct text_ctx {
    FILE *out;
    bool color;
    int n_roots;
};

/* A symptom: one "- SEVERITY category subject" line, its title and
 * evidence, indented two more columns for each level below the root. */
static void
text_symptom(FILE *out, const struct report_finding *f)
{
    int indent = 6 + 2 * (f->depth - 1);
    char up[16];

    upper(up, sizeof(up), f->severity);
    fprintf(out, "%*s- %s %s  ", indent, "", up, f->category);
    text_subject(out, f);
    fprintf(out, "\n");
    wrap(out, indent + 2, "", f->title);
    if (f->because[0] != '\0') {
        wrap(out, indent + 2, "Because: ", f->because);
    }
    text_evidence(out, f, indent + 2);
}

static void
text_enter(void *vctx, const struct report_finding *f)
{
    struct text_ctx *ctx = vctx;
    FILE *out = ctx->out;
    char count[32];
    char sev_up[16];
    char line[512];
    const char *p = f->next_steps;

    if (f->depth > 0) {
        text_symptom(out, f);
        return;
    }
    if (ctx->n_roots++ == 0) {
        fprintf(out, "Root causes, most likely first:\n\n");
    }
    upper(sev_up, sizeof(sev_up), f->severity);
    fprintf(out, "%2d. %s%s%s  %s  ", f->rank,
            sev_color(f->severity, ctx->color), sev_up,
            ctx->color ? "\033[0m" : "", f->category);
    text_subject(out, f);
    fprintf(out, "\n");
    wrap(out, 4, "", f->title);
    snprintf(line, sizeof(line), "rule %s, confidence %.2f%s%s%s", f->rule,
             f->confidence, f->last_seen[0] ? ", last seen " : "", f->last_seen,
             f->stale ? " (stale: history, not the live failure)" : "");
    wrap(out, 4, "", line);
    wrap(out, 4, "Root cause: ", f->root_cause);
    wrap(out, 4, "Fix: ", f->fix);
    fprintf(out, "    Evidence (%s):\n",
            report_evidence_count(f, count, sizeof(count)));
    text_evidence(out, f, 6);
    if (p[0] != '\0') {
        fprintf(out, "    Next steps:\n");
    }
    while (*p != '\0') {
        size_t n = first_line_len(p);

        put_safe_line(out, 6, p, n, 1000);
        p += n + (p[n] == '\n');
    }
    if (f->n_symptoms > 0) {
        fprintf(out, "    Symptoms explained by this:\n");
    }
}

static void
text_leave(void *vctx, const struct report_finding *f)
{
    struct text_ctx *ctx = vctx;

    if (f->depth == 0) {
        fprintf(ctx->out, "\n");
    }
}

static void
text_coverage(sqlite3 *db, FILE *out)
{
    char buf[512];
    sqlite3_stmt *s;
    size_t i;
    int n = 0;

    fprintf(out,
            "Coverage: pods %lld, nodes %lld, events %lld, "
            "log files %lld (previous %lld), log records %lld\n",
            count_of(db, "SELECT count(*) FROM objects WHERE kind = 'Pod'"),
            count_of(db, "SELECT count(*) FROM objects WHERE kind = 'Node'"),
            count_of(db, "SELECT count(*) FROM events"),
            count_of(db, "SELECT count(*) FROM files WHERE type = 'log'"),
            count_of(db, "SELECT count(*) FROM files WHERE type = 'log'"
                         " AND previous = 1"),
            count_of(db, "SELECT count(*) FROM logs"));
    for (i = 0; i < sizeof(missing_checks) / sizeof(missing_checks[0]); i++) {
        if (count_of(db, missing_checks[i].sql) != 0) {
            char label[128];

            snprintf(label, sizeof(label),
                     "Not in bundle: %s: ", missing_checks[i].what);
            wrap(out, 0, label, missing_checks[i].weakens);
        }
    }
    if (sqlite3_prepare_v2(db,
                           "SELECT rule || ' needs ' || needs || ': ' ||"
                           " weakens FROM not_checked ORDER BY rowid",
                           -1, &s, NULL) == SQLITE_OK) {
        while (sqlite3_step(s) == SQLITE_ROW) {
            wrap(out, 0, "Not checked: ", col(s, 0));
        }
        sqlite3_finalize(s);
    }
    if (meta(db, "archive_error", buf, sizeof(buf))[0] != '\0') {
        char text[700];

        snprintf(text, sizeof(text),
                 "%s. Entries after the last one listed below are "
                 "missing.",
                 buf);
        wrap(out, 0, "The archive is damaged: ", text);
    }
    if (meta(db, "pattern_limit", buf, sizeof(buf))[0] != '\0') {
        wrap(out, 0, "Matching incomplete: ", buf);
    }
    if (sqlite3_prepare_v2(db, nolog_sql, -1, &s, NULL) == SQLITE_OK) {
        struct kt_buf list;

        kt_buf_init(&list, 8192);
        while (sqlite3_step(s) == SQLITE_ROW) {
            kt_buf_printf(&list, "%s%s", list.len ? ", " : "", col(s, 0));
        }
        sqlite3_finalize(s);
        if (list.len > 0) {
            wrap(out, 0,
                 "No logs in the bundle for failing containers: ", list.data);
        }
        kt_buf_fini(&list);
    }
    if (sqlite3_prepare_v2(db, gaps_sql, -1, &s, NULL) == SQLITE_OK) {
        while (sqlite3_step(s) == SQLITE_ROW) {
            char *path = kt_safe_text(col(s, 0), 300);
            char label[400];

            if (n++ == 0) {
                fprintf(out, "The collector could not collect:\n");
            }
            snprintf(label, sizeof(label), "%s:%d: ", path,
                     sqlite3_column_int(s, 1));
            wrap(out, 2, label, col(s, 2));
            free(path);
        }
        sqlite3_finalize(s);
        n = 0;
    }
    if (sqlite3_prepare_v2(db, skipped_sql, -1, &s, NULL) != SQLITE_OK) {
        return;
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        char *path = kt_safe_text(col(s, 0), 300);
        char label[400];

        if (n++ == 0) {
            fprintf(out, "Skipped or partly read entries:\n");
        }
        snprintf(label, sizeof(label), "%s (%s): ", path, col(s, 1));
        wrap(out, 2, label, col(s, 2));
        free(path);
    }
    sqlite3_finalize(s);
}

static enum kt_status
write_text(sqlite3 *db, FILE *out, const struct report_opts *opts)
{
    struct text_ctx ctx = { out, opts->color, 0 };
    struct report_visitor v = { &ctx, text_enter, text_leave };
    sqlite3_stmt *s;
    char path[1024];
    char layout[64];
    char when[64];
    char files[32];
    char *safe;
    int n = 0;

    meta(db, "bundle_path", path, sizeof(path));
    meta(db, "layout", layout, sizeof(layout));
    meta(db, "collected_at", when, sizeof(when));
    meta(db, "bundle_files", files, sizeof(files));
    safe = kt_safe_text(path, 300);
    fprintf(out, "kftriage %s: %s\n", KT_VERSION, safe);
    free(safe);
    fprintf(out, "layout %s, %s files, collected %s\n\n", layout, files,
            when[0] ? when : "at an unknown time");
    n = report_walk(db, opts->namespace, &v);
    if (n == 0) {
        fprintf(out, "No known failure found.\n\n");
    }
    n = 0;
    if (sqlite3_prepare_v2(db, unexplained_sql, -1, &s, NULL) == SQLITE_OK) {
        if (opts->namespace != NULL) {
            sqlite3_bind_text(s, 1, opts->namespace, -1, SQLITE_STATIC);
        }
        while (sqlite3_step(s) == SQLITE_ROW) {
            char *file = kt_safe_text(col(s, 2), 300);
            const char *t = col(s, 0);

            if (n++ == 0) {
                fprintf(out, "Errors and warnings no finding explains:\n");
            }
            fprintf(out, "  %lldx %s:%d\n",
                    (long long)sqlite3_column_int64(s, 1), file,
                    sqlite3_column_int(s, 3));
            wrap_first_line(out, 4, t, 300);
            free(file);
        }
        sqlite3_finalize(s);
    }
    if (n > 0) {
        fprintf(out, "\n");
    }
    text_coverage(db, out);
    return KT_OK;
}

enum kt_status
report_write(sqlite3 *db, FILE *out, const struct report_opts *opts,
             struct kt_err *err)
{
    switch (opts->format) {
    case REPORT_JSON:
        return write_json(db, out, opts, err);
    case REPORT_MARKDOWN:
        return report_write_markdown(db, out, opts, err);
    case REPORT_HTML:
        return report_write_html(db, out, opts, err);
    case REPORT_TEXT:
        break;
    }
    return write_text(db, out, opts);
}

long long
report_count_skipped(sqlite3 *db)
{
    return count_of(db, "SELECT count(*) FROM files"
                        " WHERE status IN ('skipped', 'partial')");
}

int
report_max_severity(sqlite3 *db, const char *namespace)
{
    sqlite3_stmt *s;
    int best = 0;

    if (sqlite3_prepare_v2(
                db,
                "SELECT max(CASE severity WHEN 'critical' THEN 4"
                " WHEN 'error' THEN 3 WHEN 'warning' THEN 2"
                " ELSE 1 END) FROM findings WHERE NOT coalesce(stale, 0)"
                " AND (?1 IS NULL OR namespace = ?1)",
                -1, &s, NULL) != SQLITE_OK) {
        return 0;
    }
    if (namespace != NULL) {
        sqlite3_bind_text(s, 1, namespace, -1, SQLITE_STATIC);
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        best = sqlite3_column_int(s, 0);
    }
    sqlite3_finalize(s);
    return best;
}

bool
report_has_namespace(sqlite3 *db, const char *namespace)
{
    sqlite3_stmt *s;
    bool found = false;

    if (sqlite3_prepare_v2(db,
                           "SELECT EXISTS (SELECT 1 FROM objects"
                           " WHERE namespace = ?1 OR (kind = 'Namespace'"
                           " AND name = ?1)) OR EXISTS (SELECT 1 FROM events"
                           " WHERE namespace = ?1) OR EXISTS (SELECT 1"
                           " FROM files WHERE namespace = ?1)",
                           -1, &s, NULL) != SQLITE_OK) {
        return true;
    }
    sqlite3_bind_text(s, 1, namespace, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        found = sqlite3_column_int(s, 0) != 0;
    }
    sqlite3_finalize(s);
    return found;
}
