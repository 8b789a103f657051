/* SPDX-License-Identifier: MIT */
/* The text and JSON reports behind report.h. Both walk the same queries:
 * root findings by rank, each with its evidence and its symptoms, then
 * unexplained errors and coverage. The text report wraps at 80 columns
 * and passes every piece of bundle text through kt_safe_text(). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

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
    " f.refs, f.first_seen, f.last_seen, f.n_evidence"

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
    F_N_EVIDENCE
};

static const char roots_sql[] =
        "SELECT " FINDING_COLS " FROM findings f WHERE f.parent_id IS NULL"
        " AND (?1 IS NULL OR f.namespace = ?1) ORDER BY f.rank";
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
static const char seen_sql[] =
        "SELECT kind, count(*) FROM objects GROUP BY kind"
        " ORDER BY count(*) DESC, kind";

/* What a bundle lacks and which conclusions that weakens. */
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
    { "SELECT count(*) = 0 FROM files WHERE previous = 1",
      "previous container logs",
      "the cause of earlier crashes of restarted containers is unseen" },
    { "SELECT count(*) = 0 FROM objects WHERE kind = 'StorageClass'",
      "StorageClass objects",
      "a missing default StorageClass cannot be confirmed" },
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
json_finding(sqlite3 *db, sqlite3_stmt *s, int depth)
{
    cJSON *f = cJSON_CreateObject();
    cJSON *subject = cJSON_CreateObject();
    cJSON *evidence = cJSON_CreateArray();
    cJSON *symptoms = cJSON_CreateArray();
    long long id = sqlite3_column_int64(s, F_ID);
    sqlite3_stmt *q;

    cJSON_AddNumberToObject(f, "rank", sqlite3_column_int(s, F_RANK));
    add_str(f, "rule", col(s, F_RULE));
    add_str(f, "category", col(s, F_CATEGORY));
    add_str(f, "severity", col(s, F_SEVERITY));
    cJSON_AddNumberToObject(
            f, "confidence",
            (double)(long)(sqlite3_column_double(s, F_CONFIDENCE) * 100 + 0.5) /
                    100.0);
    add_str(f, "title", col(s, F_TITLE));
    add_str(subject, "namespace", col(s, F_NAMESPACE));
    add_str(subject, "kind", col(s, F_KIND));
    add_str(subject, "name", col(s, F_NAME));
    cJSON_AddItemToObject(f, "subject", subject);
    add_str(f, "root_cause", col(s, F_CAUSE));
    add_str(f, "fix", col(s, F_FIX));
    cJSON_AddItemToObject(f, "next_steps", lines_array(col(s, F_STEPS)));
    cJSON_AddItemToObject(f, "references", lines_array(col(s, F_REFS)));
    if (sqlite3_column_type(s, F_FIRST) != SQLITE_NULL) {
        add_str(f, "first_seen", col(s, F_FIRST));
        add_str(f, "last_seen", col(s, F_LAST));
    }
    cJSON_AddNumberToObject(f, "evidence_total",
                            sqlite3_column_int(s, F_N_EVIDENCE));
    if (sqlite3_prepare_v2(db, evidence_sql, -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, id);
        while (sqlite3_step(q) == SQLITE_ROW) {
            cJSON *e = cJSON_CreateObject();

            add_str(e, "file", col(q, 0));
            cJSON_AddNumberToObject(e, "line", sqlite3_column_int(q, 1));
            add_str(e, "source", col(q, 2));
            add_str(e, "text", col(q, 3));
            cJSON_AddItemToArray(evidence, e);
        }
        sqlite3_finalize(q);
    }
    cJSON_AddItemToObject(f, "evidence", evidence);
    if (depth == 0 &&
        sqlite3_prepare_v2(db, symptoms_sql, -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, id);
        while (sqlite3_step(q) == SQLITE_ROW) {
            cJSON_AddItemToArray(symptoms, json_finding(db, q, depth + 1));
        }
        sqlite3_finalize(q);
    }
    cJSON_AddItemToObject(f, "symptoms", symptoms);
    return f;
}

static cJSON *
json_coverage(sqlite3 *db)
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

static enum kt_status
write_json(sqlite3 *db, FILE *out, const struct report_opts *opts,
           struct kt_err *err)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *tool = cJSON_CreateObject();
    cJSON *bundle = cJSON_CreateObject();
    cJSON *findings = cJSON_CreateArray();
    cJSON *unexplained = cJSON_CreateArray();
    sqlite3_stmt *s;
    char buf[4096];
    char *text;

    cJSON_AddNumberToObject(root, "schema", 1);
    add_str(tool, "name", "kftriage");
    add_str(tool, "version", KT_VERSION);
    cJSON_AddItemToObject(root, "tool", tool);
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
    cJSON_AddItemToObject(root, "bundle", bundle);
    if (sqlite3_prepare_v2(db, roots_sql, -1, &s, NULL) == SQLITE_OK) {
        if (opts->namespace != NULL) {
            sqlite3_bind_text(s, 1, opts->namespace, -1, SQLITE_STATIC);
        }
        while (sqlite3_step(s) == SQLITE_ROW) {
            cJSON_AddItemToArray(findings, json_finding(db, s, 0));
        }
        sqlite3_finalize(s);
    }
    cJSON_AddItemToObject(root, "findings", findings);
    cJSON_AddItemToObject(root, "coverage", json_coverage(db));
    if (sqlite3_prepare_v2(db, unexplained_sql, -1, &s, NULL) == SQLITE_OK) {
        if (opts->namespace != NULL) {
            sqlite3_bind_text(s, 1, opts->namespace, -1, SQLITE_STATIC);
        }
        while (sqlite3_step(s) == SQLITE_ROW) {
            cJSON *u = cJSON_CreateObject();

            add_str(u, "text", col(s, 0));
            cJSON_AddNumberToObject(u, "count",
                                    (double)sqlite3_column_int64(s, 1));
            add_str(u, "file", col(s, 2));
            cJSON_AddNumberToObject(u, "line", sqlite3_column_int(s, 3));
            cJSON_AddItemToArray(unexplained, u);
        }
        sqlite3_finalize(s);
    }
    cJSON_AddItemToObject(root, "unexplained", unexplained);
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
 * indent spaces. text is bundle-derived and is escaped first. */
static void
wrap(FILE *out, int indent, const char *label, const char *text)
{
    char *safe = kt_safe_text(text, 4000);
    const char *p = safe;
    int col_now = fprintf(out, "%*s%s", indent, "", label);
    bool fresh = true; /* nothing printed on this line after the label */

    while (p != NULL && *p != '\0') {
        const char *sp = strchr(p, ' ');
        int n = sp ? (int)(sp - p) : (int)strlen(p);

        if (!fresh && col_now + 1 + n > WIDTH) {
            fprintf(out, "\n%*s", indent + 2, "");
            col_now = indent + 2;
        } else if (!fresh) {
            fputc(' ', out);
            col_now++;
        }
        fwrite(p, 1, (size_t)n, out);
        col_now += n;
        fresh = false;
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
text_subject(FILE *out, sqlite3_stmt *s)
{
    char *ns = kt_safe_text(col(s, F_NAMESPACE), 200);
    char *name = kt_safe_text(col(s, F_NAME), 300);

    fprintf(out, "%s %s%s%s", col(s, F_KIND), ns, ns[0] ? "/" : "", name);
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

static void
text_evidence(sqlite3 *db, FILE *out, long long id, int indent)
{
    sqlite3_stmt *q;

    if (sqlite3_prepare_v2(db, evidence_sql, -1, &q, NULL) != SQLITE_OK) {
        return;
    }
    sqlite3_bind_int64(q, 1, id);
    while (sqlite3_step(q) == SQLITE_ROW) {
        char *path = kt_safe_text(col(q, 0), 300);
        const char *t = col(q, 3);

        fprintf(out, "%*s%s:%d\n", indent, "", path, sqlite3_column_int(q, 1));
        put_safe_line(out, indent + 2, t, first_line_len(t), 200);
        free(path);
    }
    sqlite3_finalize(q);
}

static void
text_finding(sqlite3 *db, FILE *out, sqlite3_stmt *s, bool color)
{
    long long id = sqlite3_column_int64(s, F_ID);
    const char *sev = col(s, F_SEVERITY);
    char sev_up[16];
    sqlite3_stmt *q;
    const char *steps = col(s, F_STEPS);
    int n_sym = 0;

    upper(sev_up, sizeof(sev_up), sev);
    fprintf(out, "%2d. %s%s%s  %s  ", sqlite3_column_int(s, F_RANK),
            sev_color(sev, color), sev_up, color ? "\033[0m" : "",
            col(s, F_CATEGORY));
    text_subject(out, s);
    fprintf(out, "\n");
    wrap(out, 4, "", col(s, F_TITLE));
    fprintf(out, "    rule %s, confidence %.2f", col(s, F_RULE),
            sqlite3_column_double(s, F_CONFIDENCE));
    if (sqlite3_column_type(s, F_LAST) != SQLITE_NULL) {
        fprintf(out, ", last seen %s", col(s, F_LAST));
    }
    fprintf(out, "\n");
    wrap(out, 4, "Root cause: ", col(s, F_CAUSE));
    wrap(out, 4, "Fix: ", col(s, F_FIX));
    fprintf(out, "    Evidence (%d):\n", sqlite3_column_int(s, F_N_EVIDENCE));
    text_evidence(db, out, id, 6);
    if (steps[0] != '\0') {
        const char *p = steps;

        fprintf(out, "    Next steps:\n");
        while (*p != '\0') {
            size_t n = first_line_len(p);

            put_safe_line(out, 6, p, n, 1000);
            p += n + (p[n] == '\n');
        }
    }
    if (sqlite3_prepare_v2(db, symptoms_sql, -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, id);
        while (sqlite3_step(q) == SQLITE_ROW) {
            char up[16];

            if (n_sym++ == 0) {
                fprintf(out, "    Symptoms explained by this:\n");
            }
            upper(up, sizeof(up), col(q, F_SEVERITY));
            fprintf(out, "      - %s %s  ", up, col(q, F_CATEGORY));
            text_subject(out, q);
            fprintf(out, "\n");
            wrap(out, 8, "", col(q, F_TITLE));
            text_evidence(db, out, sqlite3_column_int64(q, F_ID), 8);
        }
        sqlite3_finalize(q);
    }
    fprintf(out, "\n");
}

static void
text_coverage(sqlite3 *db, FILE *out)
{
    char buf[512];
    sqlite3_stmt *s;
    size_t i;
    int n = 0;

    fprintf(out,
            "Coverage: %lld pods, %lld nodes, %lld events, "
            "%lld log files (%lld previous), %lld log records\n",
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
            char *text = kt_safe_text(col(s, 2), 300);

            if (n++ == 0) {
                fprintf(out, "The collector could not collect:\n");
            }
            fprintf(out, "  %s:%d: %s\n", path, sqlite3_column_int(s, 1), text);
            free(path);
            free(text);
        }
        sqlite3_finalize(s);
        n = 0;
    }
    if (sqlite3_prepare_v2(db, skipped_sql, -1, &s, NULL) != SQLITE_OK) {
        return;
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        char *path = kt_safe_text(col(s, 0), 300);
        char *note = kt_safe_text(col(s, 2), 300);

        if (n++ == 0) {
            fprintf(out, "Skipped or partly read entries:\n");
        }
        fprintf(out, "  %s (%s): %s\n", path, col(s, 1), note);
        free(path);
        free(note);
    }
    sqlite3_finalize(s);
}

static enum kt_status
write_text(sqlite3 *db, FILE *out, const struct report_opts *opts)
{
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
    if (sqlite3_prepare_v2(db, roots_sql, -1, &s, NULL) == SQLITE_OK) {
        if (opts->namespace != NULL) {
            sqlite3_bind_text(s, 1, opts->namespace, -1, SQLITE_STATIC);
        }
        while (sqlite3_step(s) == SQLITE_ROW) {
            if (n++ == 0) {
                fprintf(out, "Root causes, most likely first:\n\n");
            }
            text_finding(db, out, s, opts->color);
        }
        sqlite3_finalize(s);
    }
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
            put_safe_line(out, 4, t, first_line_len(t), 160);
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
    if (opts->format == REPORT_JSON) {
        return write_json(db, out, opts, err);
    }
    return write_text(db, out, opts);
}

int
report_max_severity(sqlite3 *db, const char *namespace)
{
    sqlite3_stmt *s;
    int best = 0;

    if (sqlite3_prepare_v2(db,
                           "SELECT max(CASE severity WHEN 'critical' THEN 4"
                           " WHEN 'error' THEN 3 WHEN 'warning' THEN 2"
                           " ELSE 1 END) FROM findings WHERE NOT stale"
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
