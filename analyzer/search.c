/* SPDX-License-Identifier: MIT */
/* The search behind search.h. The FTS5 table search_text holds a copy of
 * each log record's text (rowid = logs.id) and of each event's reason
 * and message (rowid = -events.id); its own rowids lead back to the file
 * and line. Building it is the only write kftriage makes to a finished
 * index, done once in one transaction. */
#include "search.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "index.h"

/* Marks snippet() puts around a match; the copied text has these bytes
 * replaced by spaces, so a mark is always ours. */
#define MARK_ON  "\001"
#define MARK_OFF "\002"

static const char build_sql[] =
        "CREATE VIRTUAL TABLE %ssearch_text USING fts5(text);"
        "INSERT INTO search_text(rowid, text) SELECT id,"
        " replace(replace(text, char(1), ' '), char(2), ' ') FROM logs;"
        "INSERT INTO search_text(rowid, text) SELECT -id,"
        " replace(replace(coalesce(reason, '') || ': ' ||"
        " coalesce(message, ''), char(1), ' '), char(2), ' ') FROM events;";

static const char hits_sql[] =
        "SELECT snippet(search_text, 0, char(1), char(2), '...', 24),"
        " coalesce(fl.path, ''), coalesce(l.line, e.line, 0),"
        " CASE WHEN s.rowid > 0 THEN 'log' ELSE 'event' END,"
        " coalesce(fl.namespace, e.namespace, ''),"
        " coalesce(l.ts, e.last_seen, e.first_seen, '')"
        " FROM search_text s"
        " LEFT JOIN logs l ON s.rowid > 0 AND l.id = s.rowid"
        " LEFT JOIN events e ON s.rowid < 0 AND e.id = -s.rowid"
        " LEFT JOIN files fl ON fl.id = coalesce(l.file_id, e.file_id)"
        " WHERE search_text MATCH ?1"
        " AND (?2 IS NULL OR coalesce(fl.namespace, e.namespace) = ?2)"
        " ORDER BY rank, s.rowid LIMIT ?3";

static const char count_sql[] =
        "SELECT count(*) FROM search_text s"
        " LEFT JOIN logs l ON s.rowid > 0 AND l.id = s.rowid"
        " LEFT JOIN events e ON s.rowid < 0 AND e.id = -s.rowid"
        " LEFT JOIN files fl ON fl.id = coalesce(l.file_id, e.file_id)"
        " WHERE search_text MATCH ?1"
        " AND (?2 IS NULL OR coalesce(fl.namespace, e.namespace) = ?2)";

static bool
has_table(sqlite3 *db)
{
    sqlite3_stmt *s;
    bool found = false;

    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM sqlite_master WHERE name ="
                           " 'search_text' UNION ALL SELECT 1 FROM"
                           " sqlite_temp_master WHERE name = 'search_text'",
                           -1, &s, NULL) != SQLITE_OK) {
        return false;
    }
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return found;
}

/* Add the FTS table to the index file, in one transaction. Another
 * search may have added it meanwhile; then nothing is done. */
static enum kt_status
build_in_file(const char *path, struct kt_err *err)
{
    sqlite3 *db = NULL;
    char sql[sizeof(build_sql) + 8];
    char *msg = NULL;
    enum kt_status st = KT_OK;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_busy_timeout(db, 10000) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        st = kt_err_set(err, KT_EDB, "%s: %s", path, sqlite3_errmsg(db));
        goto out;
    }
    snprintf(sql, sizeof(sql), build_sql, "");
    if (!has_table(db) &&
        sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        st = kt_err_set(err, KT_EDB, "%s: cannot build the search table: %s",
                        path, msg ? msg : sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        goto out;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        st = kt_err_set(err, KT_EDB, "%s: %s", path, sqlite3_errmsg(db));
    }

out:
    sqlite3_free(msg);
    sqlite3_close(db);
    return st;
}

/* text as an FTS5 query: plain words each quoted (so "ml-pipeline" or
 * "10.0.0.1:3306" is one phrase, not syntax), all required. Caller
 * frees. */
static char *
fts_query(const char *text)
{
    static const char *const ops[] = { " AND ", " OR ", " NOT ", "NEAR" };
    struct kt_buf b;
    const char *p = text;
    size_t i;
    char *padded;

    kt_buf_init(&b, strlen(text) * 2 + 16);
    kt_buf_printf(&b, " %s ", text);
    padded = kt_buf_take(&b);
    for (i = 0; padded != NULL && i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (strstr(padded, ops[i]) != NULL) {
            free(padded);
            return kt_strdup0(text);
        }
    }
    free(padded);
    if (strchr(text, '"') != NULL) {
        return kt_strdup0(text);
    }
    kt_buf_init(&b, strlen(text) * 2 + 16);
    while (*p != '\0') {
        size_t n;

        p += strspn(p, " \t\r\n");
        n = strcspn(p, " \t\r\n");
        if (n > 0) {
            kt_buf_printf(&b, "%s\"%.*s\"", b.len ? " " : "", (int)n, p);
        }
        p += n;
    }
    return kt_buf_take(&b);
}

/* Print snippet s on one line escaped for a terminal, its marks as bold
 * or <<...>>. */
static void
put_snippet(FILE *out, const char *s, bool color)
{
    while (*s != '\0') {
        size_t n = strcspn(s, MARK_ON MARK_OFF);
        char *part = kt_strndup(s, n);
        char *safe;
        size_t i;

        /* A record's lines run together in a one-line preview; file and
         * line lead to the original. */
        for (i = 0; part != NULL && i < n; i++) {
            part[i] = part[i] == '\n' || part[i] == '\r' ? ' ' : part[i];
        }
        safe = kt_safe_text(part ? part : "", 600);
        fputs(safe, out);
        free(safe);
        free(part);
        s += n;
        if (*s == MARK_ON[0]) {
            fputs(color ? "\033[1;33m" : "<<", out);
        } else if (*s == MARK_OFF[0]) {
            fputs(color ? "\033[0m" : ">>", out);
        }
        s += *s != '\0';
    }
}

static cJSON *
json_hit(sqlite3_stmt *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *matches = cJSON_CreateArray();
    const char *p = (const char *)sqlite3_column_text(s, 0);
    struct kt_buf plain;
    char *clean;
    int i;

    kt_buf_init(&plain, 1 << 20);
    while (p != NULL && *p != '\0') {
        size_t n = strcspn(p, MARK_ON MARK_OFF);

        if (*p == MARK_ON[0]) {
            n = strcspn(p + 1, MARK_OFF);
            kt_buf_append(&plain, p + 1, n);
            {
                char *word = kt_strndup(p + 1, n);

                clean = kt_utf8_clean(word ? word : "");
                cJSON_AddItemToArray(matches,
                                     cJSON_CreateString(clean ? clean : ""));
                free(clean);
                free(word);
            }
            p += 1 + n + (p[1 + n] != '\0');
            continue;
        }
        kt_buf_append(&plain, p, n);
        p += n;
        p += *p == MARK_OFF[0];
    }
    for (i = 1; i <= 5; i++) {
        static const char *const keys[] = { NULL,   "file",      "line",
                                            "what", "namespace", "time" };

        if (i == 2) {
            cJSON_AddNumberToObject(o, keys[i], sqlite3_column_int(s, i));
            continue;
        }
        clean = kt_utf8_clean((const char *)sqlite3_column_text(s, i));
        cJSON_AddStringToObject(o, keys[i], clean ? clean : "");
        free(clean);
    }
    clean = kt_utf8_clean(plain.data ? plain.data : "");
    cJSON_AddStringToObject(o, "snippet", clean ? clean : "");
    free(clean);
    kt_buf_fini(&plain);
    cJSON_AddItemToObject(o, "matches", matches);
    return o;
}

static void
text_hit(FILE *out, sqlite3_stmt *s, bool color)
{
    char *file = kt_safe_text((const char *)sqlite3_column_text(s, 1), 300);
    char *ns = kt_safe_text((const char *)sqlite3_column_text(s, 4), 100);
    char *ts = kt_safe_text((const char *)sqlite3_column_text(s, 5), 64);

    fprintf(out, "%s:%d  %s%s%s%s%s\n  ", file, sqlite3_column_int(s, 2),
            (const char *)sqlite3_column_text(s, 3), ns[0] ? "  " : "", ns,
            ts[0] ? "  " : "", ts);
    put_snippet(out, (const char *)sqlite3_column_text(s, 0), color);
    fputc('\n', out);
    free(file);
    free(ns);
    free(ts);
}

static enum kt_status
print_hits(sqlite3 *db, const char *query, const struct search_opts *o,
           FILE *out, long *hits, struct kt_err *err)
{
    sqlite3_stmt *s = NULL;
    long shown = 0;
    int rc;

    *hits = 0;
    if (sqlite3_prepare_v2(db, hits_sql, -1, &s, NULL) != SQLITE_OK) {
        return kt_err_set(err, KT_EDB, "search: %s", sqlite3_errmsg(db));
    }
    sqlite3_bind_text(s, 1, query, -1, SQLITE_STATIC);
    if (o->namespace != NULL) {
        sqlite3_bind_text(s, 2, o->namespace, -1, SQLITE_STATIC);
    }
    sqlite3_bind_int(s, 3, SEARCH_MAX_HITS);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (o->json) {
            cJSON *h = json_hit(s);
            char *text = cJSON_PrintUnformatted(h);

            cJSON_Delete(h);
            fprintf(out, "%s%s", shown == 0 ? "[\n" : ",\n",
                    text ? text : "null");
            cJSON_free(text);
        } else {
            text_hit(out, s, o->color);
        }
        shown++;
    }
    if (rc != SQLITE_DONE) {
        enum kt_status st =
                kt_err_set(err, KT_EUSAGE, "search: %s", sqlite3_errmsg(db));

        sqlite3_finalize(s);
        return st;
    }
    sqlite3_finalize(s);
    *hits = shown;
    if (shown == SEARCH_MAX_HITS &&
        sqlite3_prepare_v2(db, count_sql, -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_text(s, 1, query, -1, SQLITE_STATIC);
        if (o->namespace != NULL) {
            sqlite3_bind_text(s, 2, o->namespace, -1, SQLITE_STATIC);
        }
        if (sqlite3_step(s) == SQLITE_ROW) {
            *hits = sqlite3_column_int(s, 0);
        }
        sqlite3_finalize(s);
    }
    if (o->json) {
        fputs(shown == 0 ? "[]\n" : "\n]\n", out);
    } else if (shown < *hits) {
        fprintf(out, "%ld hits, the best %ld shown\n", *hits, shown);
    } else {
        fprintf(out, "%ld hit%s\n", *hits, *hits == 1 ? "" : "s");
    }
    return KT_OK;
}

enum kt_status
search_run(const char *path, const char *text, const struct search_opts *o,
           FILE *out, struct search_stats *stats, struct kt_err *err)
{
    struct index *idx = NULL;
    char *query = NULL;
    enum kt_status st;

    memset(stats, 0, sizeof(*stats));
    st = index_open_ro(path, &idx, err);
    if (st == KT_OK && !has_table(index_db(idx))) {
        struct kt_err ignored;

        index_close(idx);
        idx = NULL;
        if (build_in_file(path, &ignored) == KT_OK) {
            stats->built = true;
        }
        st = index_open_ro(path, &idx, err);
        if (st == KT_OK && !has_table(index_db(idx))) {
            char sql[sizeof(build_sql) + 8];
            char *msg = NULL;

            /* The file could not be written: a temporary table on this
             * read-only connection serves this one search. */
            snprintf(sql, sizeof(sql), build_sql, "temp.");
            if (sqlite3_exec(index_db(idx), sql, NULL, NULL, &msg) !=
                SQLITE_OK) {
                st = kt_err_set(err, KT_EDB,
                                "%s: cannot build the search "
                                "table: %s",
                                path, msg ? msg : "unknown");
            }
            sqlite3_free(msg);
            stats->temporary = true;
        }
    }
    if (st != KT_OK) {
        goto out;
    }
    query = fts_query(text);
    if (query == NULL || query[0] == '\0') {
        st = kt_err_set(err, KT_EUSAGE, "search: give some words to find");
        goto out;
    }
    st = print_hits(index_db(idx), query, o, out, &stats->hits, err);

out:
    free(query);
    index_close(idx);
    return st;
}
