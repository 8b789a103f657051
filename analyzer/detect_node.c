/* SPDX-License-Identifier: MIT */
/* Node restarts: when a node, its kubelet or its container runtime
 * restarts, every container on it ends at the same moment, and the
 * kubelet records the reason as Unknown (exit code 255) because it never
 * saw the container exit. Each pod then looks like a crash loop of its
 * own; the common cause is the node. */
#include "detect.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

static const char *
col(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);

    return t != NULL ? t : "";
}

static enum kt_status
cite_containers(struct detect *d, const char *node, const char *at,
                long long window, struct kt_err *err)
{
    static const char sql[] =
            "SELECT c.id, c.file_id, c.line, c.last_finished,"
            " o.namespace || '/' || o.name || ' container ' || c.name ||"
            " ': last terminated ' || coalesce(c.last_reason, '?') ||"
            " ' (exit code ' || coalesce(c.last_exit_code, '?') || ') at ' ||"
            " c.last_finished || ', ' || c.restarts || ' restarts'"
            " FROM containers c JOIN objects o ON o.id = c.object_id"
            " WHERE o.kind = 'Pod' AND o.node = ?1"
            " AND (c.last_reason = 'Unknown' OR c.last_exit_code = 255)"
            " AND abs(julianday(c.last_finished) - julianday(?2)) * 86400"
            " <= ?3 ORDER BY c.last_finished, o.namespace, o.name LIMIT 8";
    sqlite3_stmt *s;
    enum kt_status st = KT_OK;

    if (sqlite3_prepare_v2(detect_db(d), sql, -1, &s, NULL) != SQLITE_OK) {
        return kt_err_set(err, KT_EDB, "%s: %s", detect_id(d),
                          sqlite3_errmsg(detect_db(d)));
    }
    sqlite3_bind_text(s, 1, node, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, at, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, window);
    while (st == KT_OK && sqlite3_step(s) == SQLITE_ROW) {
        st = detect_cite(d, "container", sqlite3_column_int64(s, 0),
                         sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
                         col(s, 3), col(s, 4), err);
    }
    sqlite3_finalize(s);
    return st;
}

enum kt_status
detect_node_restart(struct detect *d, struct kt_err *err)
{
    /* Per node, the moment the most containers ended as Unknown: the
     * minute of last_finished, and how many ended in it. */
    static const char sql[] =
            "SELECT o.node, min(c.last_finished), count(*),"
            " count(DISTINCT o.id), max(c.restarts),"
            " (SELECT n.file_id FROM objects n WHERE n.kind = 'Node'"
            " AND n.name = o.node), (SELECT n.line FROM objects n"
            " WHERE n.kind = 'Node' AND n.name = o.node)"
            " FROM containers c JOIN objects o ON o.id = c.object_id"
            " WHERE o.kind = 'Pod' AND coalesce(o.node, '') != ''"
            " AND c.last_finished IS NOT NULL"
            " AND (c.last_reason = 'Unknown' OR c.last_exit_code = 255)"
            " GROUP BY o.node, CAST(julianday(c.last_finished) * 86400 / ?1"
            " AS INTEGER) HAVING count(*) >= ?2"
            " ORDER BY count(*) DESC, o.node";
    long long window = detect_param_int(d, "window_seconds", 60);
    long long min = detect_param_int(d, "min_containers", 3);
    sqlite3 *db = detect_db(d);
    sqlite3_stmt *s;
    enum kt_status st = KT_OK;
    char done[64][256];
    size_t n_done = 0;

    if (window < 1) {
        window = 1;
    }
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        return kt_err_set(err, KT_EDB, "%s: %s", detect_id(d),
                          sqlite3_errmsg(db));
    }
    sqlite3_bind_int64(s, 1, window);
    sqlite3_bind_int64(s, 2, min);
    while (st == KT_OK && sqlite3_step(s) == SQLITE_ROW) {
        const char *node = col(s, 0);
        char count[24];
        char pods[24];
        char restarts[24];
        char text[600];
        const char *vars[] = { "at", col(s, 1),  "containers", count, "pods",
                               pods, "restarts", restarts,     NULL };
        struct detect_hit h = {
            "", "Node", node, NULL, 0, 0, NULL, text, vars
        };
        size_t i;
        int seen = 0;

        /* One finding per node: its largest moment. */
        for (i = 0; i < n_done; i++) {
            seen |= strcmp(done[i], node) == 0;
        }
        if (seen || n_done == sizeof(done) / sizeof(done[0])) {
            continue;
        }
        snprintf(done[n_done++], sizeof(done[0]), "%s", node);
        snprintf(count, sizeof(count), "%lld",
                 (long long)sqlite3_column_int64(s, 2));
        snprintf(pods, sizeof(pods), "%lld",
                 (long long)sqlite3_column_int64(s, 3));
        snprintf(restarts, sizeof(restarts), "%lld",
                 (long long)sqlite3_column_int64(s, 4));
        snprintf(text, sizeof(text),
                 "%s containers of %s pods on node %s ended at once at %s "
                 "with reason Unknown (exit code 255)",
                 count, pods, node, col(s, 1));
        h.file_id = sqlite3_column_int64(s, 5);
        h.line = sqlite3_column_int64(s, 6);
        h.ts = col(s, 1);
        st = detect_emit(d, &h, err);
        if (st == KT_OK) {
            st = cite_containers(d, node, col(s, 1), window, err);
        }
    }
    sqlite3_finalize(s);
    return st;
}
