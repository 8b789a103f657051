/* SPDX-License-Identifier: MIT */
/* Cold starts: an InferenceService, Knative Service or Revision allowed
 * to scale to zero (objects.min_scale "0", or unset on a Knative object,
 * whose default allows it) whose requests were slow or failed while a
 * pod started: gateway access-log records for its host that took long or
 * ended in 503/504, and activator or queue-proxy timeouts naming it.
 * Scaling to zero alone is a choice, not a fault: nothing is reported
 * without such records. */
#include "detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

/* One object that may scale to zero, and what was seen of it. */
struct target {
    const char *kind;
    const char *ns;
    const char *name;
    const char *min_scale;
    long long file_id;
    long long line;
};

static const char *
col(sqlite3_stmt *s, int i)
{
    const char *v = (const char *)sqlite3_column_text(s, i);

    return v != NULL ? v : "";
}

static enum kt_status
db_err(struct detect *d, struct kt_err *err)
{
    return kt_err_set(err, KT_EDB, "%s: %s", detect_id(d),
                      sqlite3_errmsg(detect_db(d)));
}

/* Is there any record a cold start would show in: an access log, or a
 * log of the activator or of a queue-proxy container? */
static enum kt_status
have_logs(struct detect *d, bool *any, struct kt_err *err)
{
    static const char sql[] =
            "SELECT EXISTS(SELECT 1 FROM access) OR EXISTS(SELECT 1 FROM"
            " files f WHERE f.pod LIKE 'activator%'"
            " OR f.container = 'queue-proxy') OR EXISTS(SELECT 1 FROM logs"
            " WHERE pod LIKE 'activator%' OR container = 'queue-proxy')";
    sqlite3_stmt *s;

    *any = false;
    if (sqlite3_prepare_v2(detect_db(d), sql, -1, &s, NULL) != SQLITE_OK) {
        return db_err(d, err);
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        *any = sqlite3_column_int(s, 0) != 0;
    }
    sqlite3_finalize(s);
    return KT_OK;
}

/* Does the text of a log record say a request or probe timed out? */
static bool
says_timeout(struct detect *d, const char *text)
{
    const char *w;
    size_t i;

    for (i = 0; (w = detect_param_item(d, "timeout_words", i)) != NULL; i++) {
        if (w[0] != '\0' && strstr(text, w) != NULL) {
            return true;
        }
    }
    return false;
}

/* Append the message of a log record: from msg (its text from the
 * message on) to the end, or, for a JSON record, to the closing quote. */
static void
put_message(struct kt_buf *out, const char *text, const char *msg)
{
    size_t len = 0;

    while (msg[len] != '\0' && len < 300) {
        if (text[0] == '{' && msg[len] == '"' &&
            (len == 0 || msg[len - 1] != '\\')) {
            break;
        }
        len++;
    }
    kt_buf_append(out, msg, len);
}

/* Format milliseconds as "38.2s". */
static void
fmt_ms(char *out, size_t len, long long ms)
{
    snprintf(out, len, "%lld.%llds", ms / 1000, (ms % 1000) / 100);
}

/* Gateway requests to the host of t that were slow or got 503/504: sets
 * *n, *worst_ms, and describes the first in first (caller's buffer).
 * With cite, cites up to max of them. */
static enum kt_status
slow_requests(struct detect *d, const struct target *t, bool cite,
              long long max, int *n, long long *worst_ms, struct kt_buf *first,
              struct kt_err *err)
{
    static const char sql[] =
            "SELECT a.duration_ms, a.status, coalesce(a.authority, ''),"
            " coalesce(a.path, ''), l.id, l.file_id, l.line, l.ts, l.text"
            " FROM access a JOIN logs l ON l.id = a.log_id"
            " WHERE (lower(a.authority) LIKE ?1 || '.' || ?2 || '.%'"
            " OR lower(a.authority) LIKE ?1 || '-%.' || ?2 || '.%'"
            " OR lower(a.authority) = ?1 || '.' || ?2)"
            " AND (a.duration_ms >= ?3 OR a.status IN (503, 504))"
            " ORDER BY julianday(l.ts), l.id";
    sqlite3_stmt *s;
    enum kt_status st = KT_OK;

    *n = 0;
    *worst_ms = -1;
    if (sqlite3_prepare_v2(detect_db(d), sql, -1, &s, NULL) != SQLITE_OK) {
        return db_err(d, err);
    }
    sqlite3_bind_text(s, 1, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, t->ns, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, detect_param_int(d, "slow_ms", 10000));
    while (st == KT_OK && sqlite3_step(s) == SQLITE_ROW) {
        long long ms = sqlite3_column_type(s, 0) == SQLITE_NULL
                               ? -1
                               : sqlite3_column_int64(s, 0);
        char dur[32];

        if (*n == 0 && first != NULL) {
            fmt_ms(dur, sizeof(dur), ms < 0 ? 0 : ms);
            kt_buf_printf(first, "%s %.200s%.200s answered %d after %s",
                          col(s, 7), col(s, 2), col(s, 3),
                          sqlite3_column_int(s, 1), dur);
        }
        if (ms > *worst_ms) {
            *worst_ms = ms;
        }
        if (cite && *n < max) {
            st = detect_cite(d, "log", sqlite3_column_int64(s, 4),
                             sqlite3_column_int64(s, 5),
                             sqlite3_column_int64(s, 6), col(s, 7), col(s, 8),
                             err);
        }
        (*n)++;
    }
    sqlite3_finalize(s);
    return st;
}

/* Activator records naming t ("ns/name..." in the knative.dev/key) and
 * records of t's queue-proxy containers that report a timeout (or are
 * errors). Sets *n and copies the first message into first; with cite,
 * cites up to max of them. */
static enum kt_status
timeouts(struct detect *d, const struct target *t, bool cite, long long max,
         int *n, struct kt_buf *first, struct kt_err *err)
{
    static const char sql[] =
            "SELECT l.id, l.file_id, l.line, l.ts, l.text,"
            " substr(l.text, l.msg_off + 1),"
            " coalesce(l.level IN ('error', 'fatal'), 0)"
            " FROM logs l JOIN files f ON f.id = l.file_id"
            " WHERE (coalesce(l.pod, f.pod, '') LIKE 'activator%'"
            " AND instr(l.text, ?2 || '/' || ?1) > 0)"
            " OR (coalesce(l.container, f.container, '') = 'queue-proxy'"
            " AND coalesce(f.namespace, '') = ?2"
            " AND coalesce(l.pod, f.pod, '') LIKE ?1 || '-%')"
            " ORDER BY julianday(l.ts), l.id";
    sqlite3_stmt *s;
    enum kt_status st = KT_OK;

    *n = 0;
    if (sqlite3_prepare_v2(detect_db(d), sql, -1, &s, NULL) != SQLITE_OK) {
        return db_err(d, err);
    }
    sqlite3_bind_text(s, 1, t->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, t->ns, -1, SQLITE_STATIC);
    while (st == KT_OK && sqlite3_step(s) == SQLITE_ROW) {
        if (!says_timeout(d, col(s, 4)) && sqlite3_column_int(s, 6) == 0) {
            continue;
        }
        if (*n == 0 && first != NULL) {
            put_message(first, col(s, 4), col(s, 5));
        }
        if (cite && *n < max) {
            st = detect_cite(d, "log", sqlite3_column_int64(s, 0),
                             sqlite3_column_int64(s, 1),
                             sqlite3_column_int64(s, 2), col(s, 3), col(s, 4),
                             err);
        }
        (*n)++;
    }
    sqlite3_finalize(s);
    return st;
}

/* Report t when its records show a cold start. */
static enum kt_status
check_target(struct detect *d, const struct target *t, struct kt_err *err)
{
    long long max = detect_param_int(d, "cite_records", 5);
    bool is_isvc = strcmp(t->kind, "InferenceService") == 0;
    struct kt_buf first_req;
    struct kt_buf first_log;
    struct kt_buf observed;
    char setting[160];
    char now[160];
    char worst[32];
    char slow[32];
    char text[256];
    long long worst_ms = -1;
    int n_req = 0;
    int n_log = 0;
    enum kt_status st;

    kt_buf_init(&first_req, 1024);
    kt_buf_init(&first_log, 1024);
    kt_buf_init(&observed, 2048);
    st = slow_requests(d, t, false, 0, &n_req, &worst_ms, &first_req, err);
    if (st == KT_OK) {
        st = timeouts(d, t, false, 0, &n_log, &first_log, err);
    }
    if (st != KT_OK || (n_req == 0 && n_log == 0)) {
        goto out;
    }

    if (is_isvc) {
        snprintf(now, sizeof(now), "minReplicas: %s", t->min_scale);
        snprintf(setting, sizeof(setting), "spec.predictor.minReplicas: 1");
    } else {
        if (t->min_scale[0] == '\0') {
            snprintf(now, sizeof(now),
                     "no min-scale annotation; Knative's default lets it "
                     "scale to zero");
        } else {
            snprintf(now, sizeof(now),
                     "autoscaling.knative.dev/min-scale \"%s\"", t->min_scale);
        }
        snprintf(setting, sizeof(setting),
                 "autoscaling.knative.dev/min-scale: \"1\" on the Service's "
                 "spec.template.metadata.annotations");
    }
    fmt_ms(worst, sizeof(worst), worst_ms < 0 ? 0 : worst_ms);
    fmt_ms(slow, sizeof(slow), detect_param_int(d, "slow_ms", 10000));
    if (n_req > 0) {
        kt_buf_printf(&observed,
                      "%d gateway request%s to it took %s or longer or got "
                      "503/504 (the slowest %s; first: %s).",
                      n_req, n_req == 1 ? "" : "s", slow,
                      worst_ms >= 0 ? worst : "unknown",
                      first_req.data != NULL ? first_req.data : "");
    }
    if (n_log > 0) {
        kt_buf_printf(&observed,
                      "%sThe activator or queue-proxy reported %d "
                      "timeout%s, the first: %s.",
                      n_req > 0 ? " " : "", n_log, n_log == 1 ? "" : "s",
                      first_log.data != NULL ? first_log.data : "");
    }
    snprintf(text, sizeof(text), "%s %s/%s: %s", t->kind, t->ns, t->name, now);
    if (observed.data == NULL) {
        st = kt_err_set(err, KT_ENOMEM, "out of memory");
        goto out;
    }
    {
        char n_req_s[24];
        char n_log_s[24];
        const char *resource = is_isvc ? "inferenceservice"
                               : strcmp(t->kind, "Service") == 0 ? "ksvc"
                                                                 : "revision";
        const char *object = is_isvc ? "InferenceService"
                             : strcmp(t->kind, "Service") == 0
                                     ? "Knative Service"
                                     : "Knative Revision";
        const char *vars[] = {
            "resource",  resource,   "object",
            object,      "latency",  worst_ms >= 0 ? worst : "unknown",
            "requests",  n_req_s,    "timeouts",
            n_log_s,     "observed", observed.data,
            "min_scale", now,        "setting",
            setting,     NULL
        };
        struct detect_hit h = { t->ns,   t->kind, t->name, NULL, t->file_id,
                                t->line, NULL,    text,    vars };

        snprintf(n_req_s, sizeof(n_req_s), "%d", n_req);
        snprintf(n_log_s, sizeof(n_log_s), "%d", n_log);
        st = detect_emit(d, &h, err);
    }
    if (st == KT_OK) {
        st = slow_requests(d, t, true, max, &n_req, &worst_ms, NULL, err);
    }
    if (st == KT_OK) {
        st = timeouts(d, t, true, max, &n_log, NULL, err);
    }

out:
    kt_buf_fini(&first_req);
    kt_buf_fini(&first_log);
    kt_buf_fini(&observed);
    return st;
}

/* Was an object of another kind looked at in ns whose name is name or
 * makes it ("mnist" makes the Knative Service "mnist-predictor" and its
 * Revision "mnist-predictor-00001")? Then the earlier one speaks for it.
 * seen holds kind, namespace and name triples. */
static bool
covered(char **seen, size_t n_seen, const struct target *t)
{
    size_t i;

    for (i = 0; i + 2 < n_seen; i += 3) {
        size_t len = strlen(seen[i + 2]);

        if (strcmp(seen[i], t->kind) != 0 && strcmp(seen[i + 1], t->ns) == 0 &&
            strncmp(seen[i + 2], t->name, len) == 0 &&
            (t->name[len] == '\0' || t->name[len] == '-')) {
            return true;
        }
    }
    return false;
}

enum kt_status
detect_cold_start(struct detect *d, struct kt_err *err)
{
    /* InferenceServices first, then Knative Services, then Revisions, so
     * that the object a user edits is the one reported. */
    static const char sql[] =
            "SELECT kind, namespace, name, min_scale, file_id, line"
            " FROM objects WHERE kind = 'InferenceService'"
            " OR min_scale IS NOT NULL"
            " ORDER BY CASE kind WHEN 'InferenceService' THEN 0"
            " WHEN 'Service' THEN 1 ELSE 2 END, namespace, length(name), name";
    sqlite3_stmt *s;
    char **seen = NULL;
    size_t n_seen = 0;
    enum kt_status st = KT_OK;
    bool checked_logs = false;
    bool any_logs = false;
    size_t i;

    if (sqlite3_prepare_v2(detect_db(d), sql, -1, &s, NULL) != SQLITE_OK) {
        return db_err(d, err);
    }
    while (st == KT_OK && sqlite3_step(s) == SQLITE_ROW) {
        struct target t = { col(s, 0),
                            col(s, 1),
                            col(s, 2),
                            col(s, 3),
                            sqlite3_column_int64(s, 4),
                            sqlite3_column_int64(s, 5) };
        bool to_zero = sqlite3_column_type(s, 3) != SQLITE_NULL &&
                       (strcmp(t.min_scale, "0") == 0 ||
                        (t.min_scale[0] == '\0' &&
                         strcmp(t.kind, "InferenceService") != 0));
        bool is_covered = covered(seen, n_seen, &t);
        char **grown = realloc(seen, (n_seen + 3) * sizeof(*seen));

        if (grown == NULL) {
            st = kt_err_set(err, KT_ENOMEM, "out of memory");
            break;
        }
        seen = grown;
        seen[n_seen] = kt_strdup0(t.kind);
        seen[n_seen + 1] = kt_strdup0(t.ns);
        seen[n_seen + 2] = kt_strdup0(t.name);
        n_seen += 3;
        if (seen[n_seen - 3] == NULL || seen[n_seen - 2] == NULL ||
            seen[n_seen - 1] == NULL) {
            st = kt_err_set(err, KT_ENOMEM, "out of memory");
            break;
        }
        if (!to_zero || is_covered) {
            continue;
        }
        if (!checked_logs) {
            st = have_logs(d, &any_logs, err);
            checked_logs = true;
            if (st == KT_OK && !any_logs) {
                st = detect_not_checked(
                        d,
                        "activator, queue-proxy or istio-ingressgateway "
                        "logs",
                        "a cold start of a model that scales to zero can be "
                        "neither confirmed nor ruled out",
                        err);
            }
        }
        if (st == KT_OK && any_logs) {
            st = check_target(d, &t, err);
        }
    }
    sqlite3_finalize(s);
    for (i = 0; i < n_seen; i++) {
        free(seen[i]);
    }
    free(seen);
    return st;
}
