/* SPDX-License-Identifier: MIT */
/* The correlation stage behind correlate.h. Most of the grouping is SQL
 * over the matches table; C decides confidence, symptom links and rank.
 *
 * Confidence is computed from the evidence, not fixed per rule: a strong
 * pattern alone gives 0.6; the object's own state (a container state,
 * condition or status) agreeing adds 0.15, an event 0.1, a log record 0.1;
 * each supporting pattern adds 0.05; the total is capped at 0.99. */
#include "correlate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "kt_limits.h"

#define SEV_RANK_SQL                                           \
    "CASE severity WHEN 'critical' THEN 4 WHEN 'error' THEN 3" \
    " WHEN 'warning' THEN 2 ELSE 1 END"
#define SOURCE_ORDER_SQL                                          \
    "CASE source WHEN 'container' THEN 0 WHEN 'condition' THEN 1" \
    " WHEN 'status' THEN 2 WHEN 'event' THEN 3 ELSE 4 END"

/* The rows of one finding: its category and subject, bound as ?1 to ?4. */
#define SUBJECT_SQL \
    "category = ?1 AND namespace = ?2 AND kind = ?3 AND name = ?4"

/* A match explains its record when its pattern is strong, or when it
 * supports a finding on the same subject and category. */
#define EXPLAINED_SQL                                              \
    "(m.strong = 1 OR EXISTS (SELECT 1 FROM findings f"            \
    " WHERE f.category = m.category AND f.namespace = m.namespace" \
    " AND f.kind = m.kind AND f.name = m.name))"

/* Evidence order: strong matches before supporting ones, then by source. */
#define EVIDENCE_KEY_SQL "(1 - strong) * 10 + " SOURCE_ORDER_SQL

/* One finding while it is being ranked. */
struct finding {
    long long id;
    char *category;
    char *namespace;
    char *kind;
    char *name;
    int sev;
    double confidence;
    long long parent; /* 0 for a root */
    int n_symptoms;
    double score;
};

static enum kt_status
db_err(sqlite3 *db, struct kt_err *err, const char *what)
{
    return kt_err_set(err, KT_EDB, "%s: %s", what, sqlite3_errmsg(db));
}

static enum kt_status
exec(sqlite3 *db, const char *sql, struct kt_err *err)
{
    char *msg = NULL;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        kt_err_set(err, KT_EDB, "%s", msg ? msg : "SQL error");
        sqlite3_free(msg);
        return KT_EDB;
    }
    return KT_OK;
}

static void
bind_subject(sqlite3_stmt *s, int first, const struct finding *f)
{
    sqlite3_bind_text(s, first, f->category, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, first + 1, f->namespace, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, first + 2, f->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, first + 3, f->name, -1, SQLITE_STATIC);
}

/* Confidence of f from the kinds of evidence behind it. */
static double
confidence_of(sqlite3 *db, const struct finding *f)
{
    static const char sql[] =
            "SELECT max(source IN ('container','condition','status')),"
            " max(source = 'event'), max(source = 'log'),"
            " (SELECT count(DISTINCT pattern) FROM matches WHERE strong = 0"
            " AND " SUBJECT_SQL ")"
            " FROM matches WHERE strong = 1 AND " SUBJECT_SQL;
    sqlite3_stmt *s;
    double c = 0.6;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        return c;
    }
    bind_subject(s, 1, f);
    if (sqlite3_step(s) == SQLITE_ROW) {
        c += sqlite3_column_int(s, 0) ? 0.15 : 0.0;
        c += sqlite3_column_int(s, 1) ? 0.1 : 0.0;
        c += sqlite3_column_int(s, 2) ? 0.1 : 0.0;
        c += 0.05 * sqlite3_column_int(s, 3);
    }
    sqlite3_finalize(s);
    return c > 0.99 ? 0.99 : c;
}

/* Create the finding row for f from its best match, and its evidence:
 * the strongest distinct lines first. */
static enum kt_status
write_finding(sqlite3 *db, struct finding *f, struct kt_err *err)
{
    static const char pick_sql[] =
            "INSERT INTO findings(rule, category, severity, confidence,"
            " title, namespace, kind, name, root_cause, fix, next_steps,"
            " refs, first_seen, last_seen, n_evidence)"
            " SELECT pattern, category, severity, ?5, title, namespace,"
            " kind, name, root_cause, fix, next_steps, refs,"
            " (SELECT min(ts) FROM matches WHERE " SUBJECT_SQL "),"
            " (SELECT max(ts) FROM matches WHERE " SUBJECT_SQL "),"
            " (SELECT count(DISTINCT source || text) FROM matches"
            " WHERE " SUBJECT_SQL ")"
            " FROM matches WHERE strong = 1 AND " SUBJECT_SQL
            " ORDER BY " SEV_RANK_SQL " DESC, priority DESC, " SOURCE_ORDER_SQL
            ", id LIMIT 1";
    static const char evidence_sql[] =
            "INSERT INTO evidence(finding_id, file_id, line, source, text)"
            " SELECT ?5, file_id, line, source, text FROM ("
            " SELECT file_id, line, source, text, min(strong_key) AS k,"
            " min(id) AS first FROM (SELECT *, " EVIDENCE_KEY_SQL
            " AS strong_key FROM matches WHERE " SUBJECT_SQL ")"
            " GROUP BY source, text"
            " ORDER BY k, first LIMIT ?6)";
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(db, pick_sql, -1, &s, NULL) != SQLITE_OK) {
        return db_err(db, err, "cannot prepare finding");
    }
    bind_subject(s, 1, f);
    sqlite3_bind_double(s, 5, f->confidence);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        return db_err(db, err, "cannot write finding");
    }
    f->id = sqlite3_last_insert_rowid(db);
    if (sqlite3_prepare_v2(db, evidence_sql, -1, &s, NULL) != SQLITE_OK) {
        return db_err(db, err, "cannot prepare evidence");
    }
    bind_subject(s, 1, f);
    sqlite3_bind_int64(s, 5, f->id);
    sqlite3_bind_int(s, 6, KT_MAX_EVIDENCE);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        return db_err(db, err, "cannot write evidence");
    }
    return KT_OK;
}

static void
finding_fini(struct finding *f)
{
    free(f->category);
    free(f->namespace);
    free(f->kind);
    free(f->name);
}

/* A crash loop is what a pod does when something else is wrong with it:
 * when the same subject has a finding of another category, the crash
 * loop becomes its symptom. */
static void
link_symptoms(struct finding *f, size_t n)
{
    size_t i;
    size_t j;

    for (i = 0; i < n; i++) {
        size_t best = n;

        if (strcmp(f[i].category, "crashloop") != 0) {
            continue;
        }
        for (j = 0; j < n; j++) {
            if (j == i || strcmp(f[j].category, "crashloop") == 0 ||
                strcmp(f[j].namespace, f[i].namespace) != 0 ||
                strcmp(f[j].kind, f[i].kind) != 0 ||
                strcmp(f[j].name, f[i].name) != 0) {
                continue;
            }
            if (best == n || f[j].sev > f[best].sev) {
                best = j;
            }
        }
        if (best < n) {
            f[i].parent = f[best].id;
            f[best].n_symptoms++;
        }
    }
}

static int
cmp_score(const void *a, const void *b)
{
    const struct finding *x = a;
    const struct finding *y = b;

    if (x->score != y->score) {
        return x->score < y->score ? 1 : -1;
    }
    return x->id < y->id ? -1 : x->id > y->id;
}

static enum kt_status
write_ranks(sqlite3 *db, struct finding *f, size_t n, struct kt_err *err)
{
    sqlite3_stmt *s;
    size_t i;
    int root_rank = 0;
    enum kt_status st = KT_OK;

    if (sqlite3_prepare_v2(db,
                           "UPDATE findings SET rank = ?, parent_id = ?"
                           " WHERE id = ?",
                           -1, &s, NULL) != SQLITE_OK) {
        return db_err(db, err, "cannot prepare rank");
    }
    for (i = 0; i < n && st == KT_OK; i++) {
        int rank = 0;

        if (f[i].parent == 0) {
            rank = ++root_rank;
        } else {
            size_t j;

            /* A symptom's rank is its place among its parent's. */
            for (j = 0; j <= i; j++) {
                rank += f[j].parent == f[i].parent;
            }
        }
        sqlite3_bind_int(s, 1, rank);
        if (f[i].parent != 0) {
            sqlite3_bind_int64(s, 2, f[i].parent);
        } else {
            sqlite3_bind_null(s, 2);
        }
        sqlite3_bind_int64(s, 3, f[i].id);
        if (sqlite3_step(s) != SQLITE_DONE) {
            st = db_err(db, err, "cannot write rank");
        }
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return st;
}

/* Normalise a record for clustering: digits and hex runs become '#', the
 * text stops at the first newline and at 160 bytes. */
static void
norm_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const unsigned char *t = sqlite3_value_text(argv[0]);
    char out[164];
    size_t n = 0;

    (void)argc;
    if (t == NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    while (*t != '\0' && *t != '\n' && n < 160) {
        if ((*t >= '0' && *t <= '9')) {
            while ((*t >= '0' && *t <= '9') || (*t >= 'a' && *t <= 'f') ||
                   *t == '.' || *t == ':' || *t == '-') {
                t++;
            }
            out[n++] = '#';
            continue;
        }
        out[n++] = (char)*t++;
    }
    sqlite3_result_text(ctx, out, (int)n, SQLITE_TRANSIENT);
}

static enum kt_status
find_unexplained(sqlite3 *db, struct correlate_stats *cs, struct kt_err *err)
{
    static const char sql[] =
            "INSERT INTO unexplained(namespace, text, count, file_id, line,"
            " first_seen)"
            " SELECT ns, text, n, file_id, line, ts FROM ("
            " SELECT coalesce(f.namespace, '') AS ns, kt_norm(l.text) AS k,"
            " l.text AS text, count(*) AS n, min(l.id) AS first,"
            " l.file_id AS file_id, l.line AS line, min(l.ts) AS ts"
            " FROM logs l JOIN files f ON f.id = l.file_id"
            " WHERE l.level IN ('error', 'fatal') AND NOT EXISTS ("
            " SELECT 1 FROM matches m WHERE m.source = 'log'"
            " AND m.source_id = l.id AND " EXPLAINED_SQL ") GROUP BY ns, k"
            " UNION ALL"
            " SELECT e.namespace, kt_norm(e.reason || ': ' || e.message),"
            " e.reason || ': ' || e.message, sum(e.count), min(e.id),"
            " e.file_id, e.line, min(coalesce(e.first_seen, e.last_seen))"
            " FROM events e WHERE e.type = 'Warning' AND NOT EXISTS ("
            " SELECT 1 FROM matches m WHERE m.source = 'event'"
            " AND m.source_id = e.id AND " EXPLAINED_SQL ")"
            " GROUP BY e.namespace, kt_norm(e.reason || ': ' || e.message))"
            " ORDER BY n DESC, first LIMIT 100";

    if (sqlite3_create_function(db, "kt_norm", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                norm_fn, NULL, NULL) != SQLITE_OK) {
        return db_err(db, err, "cannot register kt_norm");
    }
    if (exec(db, sql, err) != KT_OK) {
        return KT_EDB;
    }
    cs->unexplained = (unsigned long long)sqlite3_changes(db);
    return KT_OK;
}

enum kt_status
correlate_run(sqlite3 *db, struct correlate_stats *cs, struct kt_err *err)
{
    static const char groups_sql[] =
            "SELECT category, namespace, kind, name, max(" SEV_RANK_SQL ")"
            " FROM matches WHERE strong = 1"
            " GROUP BY category, namespace, kind, name";
    struct finding *f = NULL;
    size_t n = 0;
    size_t i;
    sqlite3_stmt *s;
    enum kt_status st = KT_OK;
    int rc;

    memset(cs, 0, sizeof(*cs));
    if (exec(db,
             "DELETE FROM findings; DELETE FROM evidence;"
             " DELETE FROM unexplained;",
             err) != KT_OK) {
        return KT_EDB;
    }
    if (sqlite3_prepare_v2(db, groups_sql, -1, &s, NULL) != SQLITE_OK) {
        return db_err(db, err, "cannot prepare groups");
    }
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct finding *grown = realloc(f, (n + 1) * sizeof(*f));

        if (grown == NULL) {
            st = kt_err_set(err, KT_ENOMEM, "out of memory");
            break;
        }
        f = grown;
        memset(&f[n], 0, sizeof(f[n]));
        f[n].category = kt_strdup0((const char *)sqlite3_column_text(s, 0));
        f[n].namespace = kt_strdup0((const char *)sqlite3_column_text(s, 1));
        f[n].kind = kt_strdup0((const char *)sqlite3_column_text(s, 2));
        f[n].name = kt_strdup0((const char *)sqlite3_column_text(s, 3));
        f[n].sev = sqlite3_column_int(s, 4);
        n++;
        if (f[n - 1].category == NULL || f[n - 1].namespace == NULL ||
            f[n - 1].kind == NULL || f[n - 1].name == NULL) {
            st = kt_err_set(err, KT_ENOMEM, "out of memory");
            break;
        }
    }
    sqlite3_finalize(s);
    for (i = 0; st == KT_OK && i < n; i++) {
        f[i].confidence = confidence_of(db, &f[i]);
        st = write_finding(db, &f[i], err);
    }
    if (st == KT_OK) {
        link_symptoms(f, n);
        for (i = 0; i < n; i++) {
            /* Severity dominates; confidence orders within a severity;
             * explaining other findings lifts a root. */
            f[i].score =
                    f[i].sev * 10.0 + f[i].confidence * 5.0 + f[i].n_symptoms;
            if (f[i].parent != 0) {
                cs->symptoms++;
            } else {
                cs->roots++;
            }
        }
        if (n > 0) {
            qsort(f, n, sizeof(*f), cmp_score);
        }
        st = write_ranks(db, f, n, err);
    }
    if (st == KT_OK) {
        st = find_unexplained(db, cs, err);
    }
    for (i = 0; i < n; i++) {
        finding_fini(&f[i]);
    }
    free(f);
    return st;
}
