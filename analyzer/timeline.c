/* SPDX-License-Identifier: MIT */
/* The timeline behind timeline.h: one SQL query merges events, container
 * terminations and log records by time; the filters are bound
 * parameters. Relative times are resolved against the collection time
 * stored in meta. Nothing here writes to the index. */
#include "timeline.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

/* Level names, worst first; a filter keeps this index or lower. */
static const char *const levels[] = { "fatal", "error", "warning",
                                      "info",  "debug", "trace" };
#define N_LEVELS (sizeof(levels) / sizeof(levels[0]))

/* Parameters: ?1 namespace, ?2 since, ?3 until, ?4 worst kept level rank
 * for events and containers (0 fatal .. 5 trace), ?5 component, ?6..?11
 * the log levels kept. */
static const char timeline_sql[] =
        "SELECT ts, julianday(ts), what, ns, object, component, level,"
        " text, coalesce(fl.path, ''), t.line FROM ("
        " SELECT coalesce(e.last_seen, e.first_seen) AS ts, 'event' AS what,"
        "  coalesce(e.namespace, '') AS ns, coalesce(e.kind, '') || '/' ||"
        "  coalesce(e.name, '') AS object, coalesce(e.source, '') AS"
        "  component, '' AS logger, CASE WHEN e.type = 'Warning' THEN"
        "  'warning' ELSE 'info' END AS level, coalesce(e.reason, '') ||"
        "  ': ' || coalesce(e.message, '') AS text, e.file_id, e.line"
        "  FROM events e"
        " UNION ALL"
        " SELECT c.last_finished, 'container', o.namespace, 'Pod/' ||"
        "  o.name || '/' || c.name, c.name, '', CASE WHEN"
        "  coalesce(c.last_exit_code, 0) != 0 OR c.last_reason IN"
        "  ('OOMKilled', 'Error', 'ContainerCannotRun') THEN 'error' ELSE"
        "  'warning' END, 'last terminated ' || coalesce(c.last_reason,"
        "  c.last_state, '?') || ' (exit code ' ||"
        "  coalesce(c.last_exit_code, '?') || '), restarts ' ||"
        "  coalesce(c.restarts, 0), c.file_id, c.line"
        "  FROM containers c JOIN objects o ON o.id = c.object_id"
        "  WHERE c.last_finished IS NOT NULL"
        " UNION ALL"
        " SELECT l.ts, 'log', coalesce(f.namespace, ''), 'Pod/' ||"
        "  coalesce(l.pod, f.pod, '?') || '/' || coalesce(l.container,"
        "  f.container, '?'), coalesce(l.container, f.container, ''),"
        "  coalesce(l.component, ''), l.level, substr(l.text,"
        "  coalesce(l.msg_off, 0) + 1), l.file_id, l.line"
        "  FROM logs l JOIN files f ON f.id = l.file_id"
        "  WHERE l.level IN (?6, ?7, ?8, ?9, ?10, ?11)"
        ") t LEFT JOIN files fl ON fl.id = t.file_id"
        " WHERE julianday(ts) IS NOT NULL"
        " AND (?1 IS NULL OR ns = ?1)"
        " AND (?2 IS NULL OR julianday(ts) >= julianday(?2))"
        " AND (?3 IS NULL OR julianday(ts) <= julianday(?3))"
        " AND (CASE level WHEN 'fatal' THEN 0 WHEN 'error' THEN 1"
        "  WHEN 'warning' THEN 2 WHEN 'info' THEN 3 WHEN 'debug' THEN 4"
        "  ELSE 5 END) <= ?4"
        " AND (?5 IS NULL OR component = ?5 OR logger = ?5)"
        " ORDER BY julianday(ts), what, fl.path, t.line";

static int
level_rank(const char *level)
{
    size_t i;

    for (i = 0; i < N_LEVELS; i++) {
        if (strcmp(level, levels[i]) == 0) {
            return (int)i;
        }
    }
    return -1;
}

bool
timeline_valid_level(const char *level)
{
    return level_rank(level) >= 0;
}

static const char *
col(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);

    return t ? t : "";
}

/* Turn a --since or --until value into an absolute time in buf: an RFC
 * 3339 time is kept, an age is counted back from the collection time
 * (else from the newest time in the timeline). */
static enum kt_status
resolve_time(sqlite3 *db, const char *name, const char *arg, char *buf,
             size_t len, struct kt_err *err)
{
    static const char back_sql[] =
            "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', coalesce("
            " (SELECT value FROM meta WHERE key = 'collected_at'"
            "  AND value != ''),"
            " (SELECT max(last_seen) FROM events),"
            " (SELECT max(ts) FROM logs)), '-' || ?1 || ' seconds')";
    long long secs;
    sqlite3_stmt *s;

    if (kt_valid_time(arg)) {
        snprintf(buf, len, "%s", arg);
        return KT_OK;
    }
    if (!kt_parse_age(arg, strlen(arg), &secs)) {
        return kt_err_set(err, KT_EUSAGE,
                          "--%s: '%s' is neither an RFC 3339 time nor an "
                          "age like 2h, 30m or 1d",
                          name, arg);
    }
    buf[0] = '\0';
    if (sqlite3_prepare_v2(db, back_sql, -1, &s, NULL) != SQLITE_OK) {
        return kt_err_set(err, KT_EDB, "timeline: %s", sqlite3_errmsg(db));
    }
    sqlite3_bind_int64(s, 1, secs);
    if (sqlite3_step(s) == SQLITE_ROW) {
        snprintf(buf, len, "%s", col(s, 0));
    }
    sqlite3_finalize(s);
    if (buf[0] == '\0') {
        return kt_err_set(err, KT_EUSAGE,
                          "--%s: the bundle has no time to count %s back "
                          "from",
                          name, arg);
    }
    return KT_OK;
}

enum kt_status
timeline_each(sqlite3 *db, const struct timeline_filter *f, timeline_fn fn,
              void *ctx, struct kt_err *err)
{
    char since[64];
    char until[64];
    sqlite3_stmt *s = NULL;
    int worst = (int)N_LEVELS - 1;
    int log_worst = 1; /* log records: error and fatal by default */
    enum kt_status st = KT_OK;
    int rc;
    size_t i;

    if (f->level != NULL) {
        worst = level_rank(f->level);
        if (worst < 0) {
            return kt_err_set(err, KT_EUSAGE,
                              "--level: '%s' is not one of fatal, error, "
                              "warning, info, debug, trace",
                              f->level);
        }
        log_worst = worst;
    }
    if (f->since != NULL) {
        st = resolve_time(db, "since", f->since, since, sizeof(since), err);
    }
    if (st == KT_OK && f->until != NULL) {
        st = resolve_time(db, "until", f->until, until, sizeof(until), err);
    }
    if (st != KT_OK) {
        return st;
    }
    if (sqlite3_prepare_v2(db, timeline_sql, -1, &s, NULL) != SQLITE_OK) {
        return kt_err_set(err, KT_EDB, "timeline: %s", sqlite3_errmsg(db));
    }
    if (f->namespace != NULL) {
        sqlite3_bind_text(s, 1, f->namespace, -1, SQLITE_STATIC);
    }
    if (f->since != NULL) {
        sqlite3_bind_text(s, 2, since, -1, SQLITE_STATIC);
    }
    if (f->until != NULL) {
        sqlite3_bind_text(s, 3, until, -1, SQLITE_STATIC);
    }
    sqlite3_bind_int(s, 4, worst);
    if (f->component != NULL) {
        sqlite3_bind_text(s, 5, f->component, -1, SQLITE_STATIC);
    }
    for (i = 0; i < N_LEVELS; i++) {
        if ((int)i <= log_worst) {
            sqlite3_bind_text(s, 6 + (int)i, levels[i], -1, SQLITE_STATIC);
        }
    }
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct timeline_item it;

        it.ts = col(s, 0);
        it.jd = sqlite3_column_double(s, 1);
        it.what = col(s, 2);
        it.namespace = col(s, 3);
        it.object = col(s, 4);
        it.component = col(s, 5);
        it.level = col(s, 6);
        it.text = col(s, 7);
        it.file = col(s, 8);
        it.line = sqlite3_column_int(s, 9);
        fn(ctx, &it);
    }
    if (rc != SQLITE_DONE) {
        st = kt_err_set(err, KT_EDB, "timeline: %s", sqlite3_errmsg(db));
    }
    sqlite3_finalize(s);
    return st;
}

struct write_ctx {
    FILE *out;
    bool json;
    long n;
};

/* The first line of t, escaped for a terminal and cut at max bytes.
 * Caller frees. */
static char *
safe_first_line(const char *t, size_t max)
{
    const char *nl = strchr(t, '\n');
    char *line = kt_strndup(t, nl ? (size_t)(nl - t) : strlen(t));
    char *safe = kt_safe_text(line ? line : "", max);

    free(line);
    return safe;
}

static void
add_str(cJSON *o, const char *key, const char *value)
{
    char *clean = kt_utf8_clean(value);

    cJSON_AddStringToObject(o, key, clean ? clean : "");
    free(clean);
}

static void
write_item(void *vctx, const struct timeline_item *it)
{
    struct write_ctx *ctx = vctx;

    if (ctx->json) {
        cJSON *o = cJSON_CreateObject();
        char *text;

        add_str(o, "time", it->ts);
        add_str(o, "what", it->what);
        add_str(o, "level", it->level);
        add_str(o, "namespace", it->namespace);
        add_str(o, "object", it->object);
        add_str(o, "component", it->component);
        add_str(o, "text", it->text);
        add_str(o, "file", it->file);
        cJSON_AddNumberToObject(o, "line", it->line);
        text = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        fprintf(ctx->out, "%s%s", ctx->n == 0 ? "[\n" : ",\n",
                text ? text : "null");
        cJSON_free(text);
    } else {
        char *ns = kt_safe_text(it->namespace, 100);
        char *obj = kt_safe_text(it->object, 200);
        char *file = kt_safe_text(it->file, 300);
        char *text = safe_first_line(it->text, 300);

        fprintf(ctx->out, "%s %-7s %-9s %s%s%s\n    %s:%d: %s\n", it->ts,
                it->level, it->what, ns, ns[0] ? " " : "", obj, file, it->line,
                text);
        free(ns);
        free(obj);
        free(file);
        free(text);
    }
    ctx->n++;
}

enum kt_status
timeline_write(sqlite3 *db, FILE *out, const struct timeline_filter *f,
               bool json, struct kt_err *err)
{
    struct write_ctx ctx = { out, json, 0 };
    enum kt_status st = timeline_each(db, f, write_item, &ctx, err);

    if (st != KT_OK) {
        return st;
    }
    if (json) {
        fputs(ctx.n == 0 ? "[]\n" : "\n]\n", out);
    } else if (ctx.n == 0) {
        fputs("No timed events, container terminations or log errors "
              "match.\n",
              out);
    }
    return KT_OK;
}
