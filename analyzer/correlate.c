/* SPDX-License-Identifier: MIT */
/* The correlation stage behind correlate.h. Most of the grouping is SQL
 * over the matches table; C decides confidence, symptom links and rank.
 *
 * Confidence is computed from the evidence, not fixed per rule: 0.45, plus
 * 0.15 for a strong pattern, 0.15 for a detector, 0.15 for the object's
 * own state (a container state, condition or status), 0.1 for an event,
 * 0.1 for a log record and 0.05 for each supporting pattern, capped at
 * 0.99; so a strong pattern alone gives 0.6. */
#include "correlate.h"

#include <stdbool.h>
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

/* A match explains its record when its pattern is strong, or when its
 * subject has a finding: a generic error ("i/o timeout") of a pod whose
 * crash loop is already reported, under its cause, is accounted for. */
#define EXPLAINED_SQL                                      \
    "(m.strong = 1 OR EXISTS (SELECT 1 FROM findings f"    \
    " WHERE f.namespace = m.namespace AND f.kind = m.kind" \
    " AND f.name = m.name))"

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
    int link_rule;    /* the rule that made it a symptom, 0 for a root */
    char *because;    /* why it is a symptom of its parent */
    int explains;     /* findings below it, at any depth */
    int tree_sev;     /* the highest severity in its tree */
    bool stale;
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

/* Confidence of f from the kinds of evidence behind it: the strong rows,
 * and the records a detector cited. */
static double
confidence_of(sqlite3 *db, const struct finding *f)
{
    static const char sql[] =
            "SELECT max(strong = 1 AND source != 'detector'),"
            " max(source = 'detector'),"
            " max(source IN ('container','condition','status')),"
            " max(source = 'event'), max(source = 'log'),"
            " (SELECT count(DISTINCT pattern) FROM matches WHERE strong = 0"
            " AND " SUBJECT_SQL " AND pattern NOT IN (SELECT pattern"
            " FROM matches WHERE strong = 1 AND " SUBJECT_SQL "))"
            " FROM matches WHERE " SUBJECT_SQL " AND (strong = 1 OR pattern"
            " IN (SELECT pattern FROM matches WHERE source = 'detector'"
            " AND " SUBJECT_SQL "))";
    sqlite3_stmt *s;
    double c = 0.6;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        return c;
    }
    bind_subject(s, 1, f);
    if (sqlite3_step(s) == SQLITE_ROW) {
        c = 0.45;
        c += sqlite3_column_int(s, 0) ? 0.15 : 0.0;
        c += sqlite3_column_int(s, 1) ? 0.15 : 0.0;
        c += sqlite3_column_int(s, 2) ? 0.15 : 0.0;
        c += sqlite3_column_int(s, 3) ? 0.1 : 0.0;
        c += sqlite3_column_int(s, 4) ? 0.1 : 0.0;
        c += 0.05 * sqlite3_column_int(s, 5);
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
    free(f->because);
    free(f->category);
    free(f->namespace);
    free(f->kind);
    free(f->name);
}

/* Causal links: which finding explains which. Each rule gives pairs
 * (cause, effect) with the rule's number (lower is stronger) and a reason
 * the report shows; an effect takes the cause of its strongest rule, the
 * more severe cause on a tie, and never one that would close a cycle.
 *
 *  1. On one subject, a crash loop is explained by any other finding:
 *     the loop is what the pod does because of it; and a generic
 *     scheduling failure by a GPU, storage or node one, which says why.
 *  2. A finding on a pod is explained by one on a PVC the pod mounts.
 *  3. A crash loop, eviction, OOM kill or lost connection of a pod is
 *     explained by a finding on its node (other than GPUs it does not
 *     offer).
 *  4. A node's GPU finding is explained by one on the device plugin pod
 *     on that node: the plugin is what offers the GPUs.
 *  5. A GPU finding on a pod that waits for a node is explained by a GPU
 *     finding on a node: that node would have had GPUs to offer.
 *  6. A finding on a controller (Deployment, Job, Workflow, ...) is
 *     explained by one on a pod it owns, directly or through a ReplicaSet.
 *  7. A finding whose records a detector cited for another subject is
 *     explained by the detector's finding: the activator timeout that a
 *     cold start of the model behind it caused, the cookie error logged
 *     while a client looped through the login.
 *  8. A finding whose records name another failing workload or a Service
 *     that selects its pods ("dial tcp: lookup mysql",
 *     "metadata-grpc-service:8080") is explained by that workload's
 *     finding: its dependency is down; records the two share do not
 *     count. */
/* Each rule's query gives (cause id, effect id, reason), in rule order. */
static const char *const links_sql[] = {
    /* 1: one subject */
    "SELECT c.id, e.id, 'the same pod fails for this reason'"
    " FROM findings c JOIN findings e ON e.namespace = c.namespace"
    " AND e.kind = c.kind AND e.name = c.name"
    " WHERE (e.category = 'crashloop' AND c.category != 'crashloop')"
    " OR (e.category = 'resource-scheduling' AND c.category IN"
    " ('gpu-scheduling', 'pvc-storage', 'node-health'))",

    /* 2: a mounted PVC */
    "SELECT c.id, e.id, 'the pod mounts PVC ' || c.name"
    " FROM findings c JOIN objects p ON p.kind = 'Pod'"
    " AND p.namespace = c.namespace"
    " AND ',' || p.claims || ',' LIKE '%,' || c.name || ',%'"
    " JOIN findings e ON e.kind = 'Pod' AND e.namespace = p.namespace"
    " AND e.name = p.name WHERE c.kind = 'PersistentVolumeClaim'",

    /* 3: the node */
    "SELECT c.id, e.id, 'the pod runs on node ' || c.name"
    " FROM findings c JOIN objects p ON p.kind = 'Pod' AND p.node = c.name"
    " JOIN findings e ON e.kind = 'Pod' AND e.namespace = p.namespace"
    " AND e.name = p.name WHERE c.kind = 'Node'"
    " AND c.category != 'gpu-scheduling'"
    " AND e.category IN ('crashloop', 'node-health', 'oom', 'dns')",

    /* 4: the device plugin */
    "SELECT c.id, e.id, 'its device plugin pod ' || c.name || ' fails'"
    " FROM findings c JOIN objects p ON p.kind = 'Pod'"
    " AND p.namespace = c.namespace AND p.name = c.name"
    " JOIN findings e ON e.kind = 'Node' AND e.name = p.node"
    " WHERE c.kind = 'Pod' AND c.name LIKE '%device-plugin%'"
    " AND e.category = 'gpu-scheduling'",

    /* 5: a GPU node */
    "SELECT c.id, e.id, 'node ' || c.name || ' offers no GPU'"
    " FROM findings c JOIN findings e ON e.kind = 'Pod'"
    " AND e.category = 'gpu-scheduling' JOIN objects p"
    " ON p.kind = 'Pod' AND p.namespace = e.namespace"
    " AND p.name = e.name AND coalesce(p.node, '') = ''"
    " WHERE c.kind = 'Node' AND c.category = 'gpu-scheduling'",

    /* 6: the owner */
    "SELECT c.id, e.id, 'its pod ' || c.name || ' fails'"
    " FROM findings e JOIN objects p ON p.kind = 'Pod'"
    " AND p.namespace = e.namespace AND ((p.owner_kind = e.kind"
    " AND p.owner_name = e.name) OR EXISTS (SELECT 1 FROM objects r"
    " WHERE r.kind = p.owner_kind AND r.namespace = p.namespace"
    " AND r.name = p.owner_name AND r.owner_kind = e.kind"
    " AND r.owner_name = e.name))"
    " JOIN findings c ON c.kind = 'Pod' AND c.namespace = p.namespace"
    " AND c.name = p.name WHERE e.kind != 'Pod'",

    /* 7: records a detector cited */
    "SELECT c.id, e.id, 'its records are part of the finding on '"
    " || c.name FROM findings c JOIN findings e ON NOT (e.namespace ="
    " c.namespace AND e.kind = c.kind AND e.name = c.name)"
    " WHERE EXISTS (SELECT 1 FROM matches d WHERE d.source = 'detector'"
    " AND d.category = c.category AND d.namespace = c.namespace"
    " AND d.kind = c.kind AND d.name = c.name)"
    " AND EXISTS (SELECT 1 FROM matches m WHERE m.strong = 1"
    " AND m.source != 'detector' AND m.category = e.category"
    " AND m.namespace = e.namespace AND m.kind = e.kind"
    " AND m.name = e.name)"
    " AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.strong = 1"
    " AND m.category = e.category AND m.namespace = e.namespace"
    " AND m.kind = e.kind AND m.name = e.name AND NOT EXISTS ("
    " SELECT 1 FROM matches k WHERE k.category = c.category"
    " AND k.namespace = c.namespace AND k.kind = c.kind"
    " AND k.name = c.name AND k.source = m.source"
    " AND k.source_id = m.source_id))",

    /* 8: a named dependency */
    "SELECT c.id, e.id, 'its records name ' || w.name || ', which fails'"
    " FROM (SELECT f.id AS id, kt_workload(f.name, p.owner_kind,"
    " p.owner_name) AS name FROM findings f JOIN objects p"
    " ON p.kind = 'Pod' AND p.namespace = f.namespace AND p.name = f.name"
    " WHERE f.kind = 'Pod' UNION SELECT f.id, g.from_name FROM findings f"
    " JOIN edges g ON g.relation = 'selects' AND g.to_kind = 'Pod'"
    " AND g.to_namespace = f.namespace AND g.to_name = f.name"
    " WHERE f.kind = 'Pod') w JOIN findings c ON c.id = w.id"
    " JOIN findings e ON NOT (e.namespace = c.namespace"
    " AND e.kind = c.kind AND e.name = c.name)"
    " WHERE e.category IN ('metadata-db', 'crashloop', 'dns',"
    " 'pipeline-execution', 'serving', 'auth', 'istio')"
    " AND NOT EXISTS (SELECT 1 FROM objects q WHERE q.kind = 'Pod'"
    " AND q.namespace = e.namespace AND q.name = e.name"
    " AND kt_workload(q.name, q.owner_kind, q.owner_name) = w.name)"
    " AND (c.first_seen IS NULL OR e.last_seen IS NULL"
    " OR julianday(c.first_seen) <= julianday(e.last_seen))"
    " AND EXISTS (SELECT 1 FROM matches m WHERE m.category = e.category"
    " AND m.namespace = e.namespace AND m.kind = e.kind"
    " AND m.name = e.name AND kt_mentions(m.text, w.name)"
    " AND NOT EXISTS (SELECT 1 FROM matches k WHERE k.namespace ="
    " c.namespace AND k.kind = c.kind AND k.name = c.name"
    " AND k.source = m.source AND k.source_id = m.source_id))",
};

/* Is seg a generated name segment: a ReplicaSet hash or a pod's random
 * suffix (lower-case letters and digits, 4 to 10 long, with a digit, or
 * exactly the pod suffix's 5)? */
static bool
is_generated(const char *seg)
{
    size_t len = strlen(seg);

    if (len < 4 || len > 10 ||
        strspn(seg, "0123456789abcdefghijklmnopqrstuvwxyz") != len) {
        return false;
    }
    return len == 5 || strpbrk(seg, "0123456789") != NULL;
}

/* The workload a pod belongs to, as other components name it: its
 * Deployment (the ReplicaSet's name without the hash), StatefulSet,
 * DaemonSet or Job, else its own name without generated suffixes; then
 * without "-deployment" or "-statefulset", which clients do not say,
 * unless what is left is one word ("metadata"), too common to mean it. */
static void
workload_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    static const char *const suffixes[] = { "-deployment", "-statefulset" };
    const char *pod = (const char *)sqlite3_value_text(argv[0]);
    const char *okind = (const char *)sqlite3_value_text(argv[1]);
    const char *oname = (const char *)sqlite3_value_text(argv[2]);
    char w[256];
    size_t len;
    size_t i;
    int cut;

    (void)argc;
    if (pod == NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    if (okind != NULL && oname != NULL) {
        snprintf(w, sizeof(w), "%s", oname);
        cut = strcmp(okind, "ReplicaSet") == 0;
    } else {
        snprintf(w, sizeof(w), "%s", pod);
        cut = 2;
    }
    while (cut-- > 0) {
        char *dash = strrchr(w, '-');

        if (dash == NULL || dash == w || !is_generated(dash + 1)) {
            break;
        }
        *dash = '\0';
    }
    len = strlen(w);
    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t sl = strlen(suffixes[i]);

        if (len > sl && strcmp(w + len - sl, suffixes[i]) == 0 &&
            memchr(w, '-', len - sl) != NULL) {
            w[len - sl] = '\0';
            len -= sl;
        }
    }
    if (len < 3) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_text(ctx, w, (int)len, SQLITE_TRANSIENT);
}

static bool
is_word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

/* Does text name word, with no letter or digit on either side? ASCII case
 * is ignored. */
static void
mentions_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const unsigned char *t = sqlite3_value_text(argv[0]);
    const unsigned char *w = sqlite3_value_text(argv[1]);
    size_t tn = (size_t)sqlite3_value_bytes(argv[0]);
    size_t wn = (size_t)sqlite3_value_bytes(argv[1]);
    size_t i;

    (void)argc;
    if (t == NULL || w == NULL || wn == 0 || wn > tn) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    for (i = 0; i + wn <= tn; i++) {
        size_t k = 0;

        while (k < wn && (t[i + k] | 0x20) == (w[k] | 0x20)) {
            k++;
        }
        if (k == wn && (i == 0 || !is_word_char(t[i - 1])) &&
            (i + wn == tn || !is_word_char(t[i + wn]))) {
            sqlite3_result_int(ctx, 1);
            return;
        }
    }
    sqlite3_result_int(ctx, 0);
}

static struct finding *
find_id(struct finding *f, size_t n, long long id)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (f[i].id == id) {
            return &f[i];
        }
    }
    return NULL;
}

/* Would making cause the parent of effect close a cycle? */
static bool
is_ancestor(struct finding *f, size_t n, const struct finding *effect,
            const struct finding *cause)
{
    const struct finding *a = cause;
    size_t steps = 0;

    while (a != NULL && steps++ <= n) {
        if (a == effect) {
            return true;
        }
        a = a->parent != 0 ? find_id(f, n, a->parent) : NULL;
    }
    return false;
}

static enum kt_status
link_causes(sqlite3 *db, struct finding *f, size_t n, struct kt_err *err)
{
    sqlite3_stmt *s;
    int rule;

    if (sqlite3_create_function(db, "kt_workload", 3,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                workload_fn, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "kt_mentions", 2,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                mentions_fn, NULL, NULL) != SQLITE_OK) {
        return db_err(db, err, "cannot register link functions");
    }
    /* Strongest rules first, so that an effect keeps its best cause. */
    for (rule = 1; rule <= (int)(sizeof(links_sql) / sizeof(links_sql[0]));
         rule++) {
        if (sqlite3_prepare_v2(db, links_sql[rule - 1], -1, &s, NULL) !=
            SQLITE_OK) {
            return db_err(db, err, "cannot prepare links");
        }
        while (sqlite3_step(s) == SQLITE_ROW) {
            struct finding *c = find_id(f, n, sqlite3_column_int64(s, 0));
            struct finding *e = find_id(f, n, sqlite3_column_int64(s, 1));

            if (c == NULL || e == NULL || c == e) {
                continue;
            }
            if (e->parent != 0) {
                struct finding *old = find_id(f, n, e->parent);

                /* Same rule: the more severe cause wins. */
                if (e->link_rule < rule || old == NULL || old->sev >= c->sev) {
                    continue;
                }
            }
            if (is_ancestor(f, n, e, c)) {
                continue;
            }
            free(e->because);
            e->because = kt_strdup0((const char *)sqlite3_column_text(s, 2));
            e->parent = c->id;
            e->link_rule = rule;
        }
        sqlite3_finalize(s);
    }
    return KT_OK;
}

/* Fill explains and tree_sev of every finding from its descendants. */
static void
sum_trees(struct finding *f, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        f[i].tree_sev = f[i].sev;
        f[i].explains = 0;
    }
    for (i = 0; i < n; i++) {
        struct finding *a = f[i].parent ? find_id(f, n, f[i].parent) : NULL;
        size_t steps = 0;

        while (a != NULL && steps++ <= n) {
            a->explains++;
            if (f[i].sev > a->tree_sev) {
                a->tree_sev = f[i].sev;
            }
            a = a->parent ? find_id(f, n, a->parent) : NULL;
        }
    }
}
/* A finding is stale, history rather than the outage at hand, when
 * - all its records carry a time and the newest is more than STALE_HOURS
 *   before the bundle was collected (an OOM kill of last week), none of
 *   them being the object's present state (a condition, a status, a
 *   container's current state, whose time says when it began), or
 * - it rests on events alone, about a pod that is Ready now and became
 *   Ready after the last of them (a volume that failed to mount once while
 *   the pod started). */
#define STALE_HOURS 24

static enum kt_status
mark_stale(sqlite3 *db, struct finding *f, size_t n, struct kt_err *err)
{
    static const char sql[] =
            "SELECT f.id FROM findings f WHERE (f.last_seen IS NOT NULL"
            " AND julianday((SELECT value FROM meta"
            " WHERE key = 'collected_at')) - julianday(f.last_seen)"
            " > ?1 / 24.0"
            " AND NOT EXISTS (SELECT 1 FROM matches m"
            " WHERE m.category = f.category AND m.namespace = f.namespace"
            " AND m.kind = f.kind AND m.name = f.name AND (m.ts IS NULL"
            " OR m.source IN ('condition', 'status') OR (m.source ="
            " 'container' AND m.text NOT LIKE 'last %'))))"
            " OR (f.kind = 'Pod' AND f.last_seen IS NOT NULL"
            " AND julianday(f.last_seen) <= (SELECT"
            " julianday(c.last_transition) FROM conditions c JOIN objects p"
            " ON p.id = c.object_id WHERE p.kind = 'Pod'"
            " AND p.namespace = f.namespace AND p.name = f.name"
            " AND c.type = 'Ready' AND c.status = 'True')"
            " AND NOT EXISTS (SELECT 1 FROM matches m"
            " WHERE m.category = f.category AND m.namespace = f.namespace"
            " AND m.kind = f.kind AND m.name = f.name"
            " AND (m.source != 'event' OR m.ts IS NULL)))";
    sqlite3_stmt *s;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        return db_err(db, err, "cannot prepare staleness");
    }
    sqlite3_bind_int(s, 1, STALE_HOURS);
    while (sqlite3_step(s) == SQLITE_ROW) {
        struct finding *x = find_id(f, n, sqlite3_column_int64(s, 0));

        if (x != NULL) {
            x->stale = true;
        }
    }
    sqlite3_finalize(s);
    return KT_OK;
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
                           "UPDATE findings SET rank = ?, parent_id = ?,"
                           " because = ?, explains = ?, stale = ?"
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
        if (f[i].because != NULL) {
            sqlite3_bind_text(s, 3, f[i].because, -1, SQLITE_STATIC);
        } else {
            sqlite3_bind_null(s, 3);
        }
        sqlite3_bind_int(s, 4, f[i].explains);
        sqlite3_bind_int(s, 5, f[i].stale ? 1 : 0);
        sqlite3_bind_int64(s, 6, f[i].id);
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
            " AND NOT EXISTS (SELECT 1 FROM findings f"
            " WHERE f.namespace = e.namespace AND f.kind = e.kind"
            " AND f.name = e.name)"
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
        st = link_causes(db, f, n, err);
    }
    if (st == KT_OK) {
        st = mark_stale(db, f, n, err);
    }
    if (st == KT_OK) {
        sum_trees(f, n);
        for (i = 0; i < n; i++) {
            /* The worst severity in a tree dominates: a root that keeps
             * a critical service down is critical to fix. Confidence
             * orders within a severity, explaining more lifts a root a
             * little, a crash loop (what a pod does whatever the cause)
             * yields to a finding that names a cause, and a finding last
             * seen long before the bundle was collected ranks below
             * every live one. */
            f[i].score = f[i].tree_sev * 10.0 + f[i].confidence * 5.0 +
                         (f[i].explains < 5 ? f[i].explains : 5) * 0.5 -
                         (strcmp(f[i].category, "crashloop") == 0 ? 3.0 : 0.0) -
                         (f[i].stale ? 100.0 : 0.0);
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
