/* SPDX-License-Identifier: MIT */
/* Restart storms: a container that restarted many times, with its last
 * termination (reason, exit code, when) and the records its previous run
 * wrote last, which are usually the reason it died. */
#include "detect.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

static const char *
col(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

/* Cite the last records of the previous run of the container: its last
 * errors when it logged any (a run that panics often prints its usage
 * text after the panic), else its last records. Sets *found when there
 * was such a log. */
static enum kt_status
cite_previous_log(struct detect *d, const char *ns, const char *pod,
                  const char *container, long long tail, int *found,
                  struct kt_err *err)
{
    static const char sql[] =
            "WITH f AS (SELECT f.id FROM files f WHERE f.previous"
            " AND coalesce(f.namespace, '') = ?1 AND f.pod = ?2"
            " AND f.container = ?3 ORDER BY f.id LIMIT 1),"
            " errs AS (SELECT count(*) AS n FROM logs l, f"
            " WHERE l.file_id = f.id AND l.level IN ('error', 'fatal'))"
            " SELECT l.id, l.file_id, l.line, l.ts, l.text FROM logs l, f, errs"
            " WHERE l.file_id = f.id AND (errs.n = 0"
            " OR l.level IN ('error', 'fatal'))"
            " ORDER BY l.line DESC LIMIT ?4";
    sqlite3_stmt *s;
    enum kt_status st = KT_OK;

    *found = 0;
    if (sqlite3_prepare_v2(detect_db(d), sql, -1, &s, NULL) != SQLITE_OK) {
        return kt_err_set(err, KT_EDB, "%s: %s", detect_id(d),
                          sqlite3_errmsg(detect_db(d)));
    }
    sqlite3_bind_text(s, 1, ns, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, pod, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, container, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, tail);
    while (st == KT_OK && sqlite3_step(s) == SQLITE_ROW) {
        *found = 1;
        st = detect_cite(d, "log", sqlite3_column_int64(s, 0),
                         sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
                         col(s, 3), col(s, 4), err);
    }
    sqlite3_finalize(s);
    return st;
}

enum kt_status
detect_restart_storm(struct detect *d, struct kt_err *err)
{
    static const char sql[] =
            "SELECT o.namespace, o.name, c.name, c.restarts,"
            " coalesce(c.last_reason, c.reason, 'unknown'),"
            " coalesce(c.last_exit_code, c.exit_code),"
            " coalesce(c.last_finished, ''), c.file_id, c.line,"
            " coalesce(c.last_message, c.message, '')"
            " FROM containers c JOIN objects o ON o.id = c.object_id"
            " WHERE o.kind = 'Pod' AND c.restarts >= ?1"
            " ORDER BY c.restarts DESC, o.namespace, o.name, c.name";
    long long min = detect_param_int(d, "min_restarts", 5);
    long long tail = detect_param_int(d, "tail_records", 3);
    sqlite3 *db = detect_db(d);
    sqlite3_stmt *s;
    enum kt_status st = KT_OK;
    int any_pod = 0;
    int without_log = 0;

    if (sqlite3_prepare_v2(db,
                           "SELECT EXISTS(SELECT 1 FROM containers c JOIN"
                           " objects o ON o.id = c.object_id"
                           " WHERE o.kind = 'Pod')",
                           -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        any_pod = sqlite3_column_int(s, 0);
    }
    sqlite3_finalize(s);
    if (!any_pod) {
        return detect_not_checked(d, "pod objects with container statuses",
                                  "restart storms and crash loops cannot be "
                                  "seen",
                                  err);
    }
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        return kt_err_set(err, KT_EDB, "%s: %s", detect_id(d),
                          sqlite3_errmsg(db));
    }
    sqlite3_bind_int64(s, 1, min);
    while (st == KT_OK && sqlite3_step(s) == SQLITE_ROW) {
        char restarts[24];
        char code[24];
        char text[512];
        const char *ns = col(s, 0);
        const char *pod = col(s, 1);
        const char *container = col(s, 2);
        const char *finished = col(s, 6);
        const char *vars[] = { "restarts",  restarts,  "reason",   col(s, 4),
                               "exit_code", code,      "finished", finished,
                               "message",   col(s, 9), NULL };
        struct detect_hit h = { ns, "Pod", pod,  container, 0,
                                0,  NULL,  text, vars };
        int found = 0;

        snprintf(restarts, sizeof(restarts), "%lld",
                 (long long)sqlite3_column_int64(s, 3));
        if (sqlite3_column_type(s, 5) == SQLITE_NULL) {
            snprintf(code, sizeof(code), "unknown");
        } else {
            snprintf(code, sizeof(code), "%d", sqlite3_column_int(s, 5));
        }
        snprintf(text, sizeof(text),
                 "container %s restarted %s times; last exit: %s (exit code "
                 "%s)%s%s",
                 container, restarts, col(s, 4), code,
                 finished[0] != '\0' ? " at " : "", finished);
        h.file_id = sqlite3_column_int64(s, 7);
        h.line = sqlite3_column_int64(s, 8);
        h.ts = finished[0] != '\0' ? finished : NULL;
        st = detect_emit(d, &h, err);
        if (st == KT_OK) {
            st = cite_previous_log(d, ns, pod, container, tail, &found, err);
        }
        without_log += !found;
    }
    sqlite3_finalize(s);
    if (st == KT_OK && without_log > 0) {
        st = detect_not_checked(d,
                                "previous logs of restarting containers "
                                "(kubectl logs --previous)",
                                "why a restarting container exited is known "
                                "only from its last state",
                                err);
    }
    return st;
}
