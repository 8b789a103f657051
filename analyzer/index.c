/* SPDX-License-Identifier: MIT */
/* The SQLite index behind index.h: the schema, the write statements used
 * during ingest, and the temporary-file-then-rename discipline that keeps a
 * half-written index from ever looking complete. Readers use plain SQL on
 * index_db(); the schema below is documented in README.md. */
#include "index.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "rows.h"

enum stmt_id {
    ST_FILE,
    ST_FILE_FINISH,
    ST_OBJECT,
    ST_OBJECT_SOURCE,
    ST_CONTAINER,
    ST_CONDITION,
    ST_RESOURCE,
    ST_EVENT,
    ST_LOG,
    ST_META,
    ST_GAP,
    ST_ACCESS,
    ST_COUNT
};

struct index {
    sqlite3 *db;
    char *path;
    char *tmp_path;
    bool committed;
    bool read_only;
    sqlite3_stmt *st[ST_COUNT];
    /* See index_set_log_filter(); NULL when there is none. */
    bool (*log_filter)(void *ctx, const char *text, size_t len);
    void *log_filter_ctx;
    sqlite3_stmt *candidate; /* INSERT INTO temp.log_candidates */
};

/* The schema. Every table that holds bundle content has file_id and line.
 * Secondary indexes are created by index_commit(), after the load. The
 * connection is used by one thread only, so it opens without mutexes
 * (they cost 4% of an ingest). 64 KiB pages: on a 256 MB generated
 * bundle the index is 2% smaller than with 4 KiB pages (less room lost
 * at the end of each page) and the load faster (fewer page splits). */
static const char schema_sql[] =
        "PRAGMA page_size=65536;"
        "PRAGMA journal_mode=OFF;"
        "PRAGMA synchronous=OFF;"
        "PRAGMA foreign_keys=OFF;"
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
        "CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT NOT NULL,"
        " type TEXT, size INTEGER, lines INTEGER, namespace TEXT, pod TEXT,"
        " container TEXT, previous INTEGER, status TEXT, note TEXT);"
        "CREATE TABLE objects(id INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
        " namespace TEXT NOT NULL, name TEXT NOT NULL, uid TEXT, node TEXT,"
        " phase TEXT, reason TEXT, message TEXT, created TEXT,"
        " owner_kind TEXT, owner_name TEXT, storage_class TEXT, volume TEXT,"
        " claims TEXT, taints TEXT, tolerations TEXT, node_selector TEXT,"
        " images TEXT, labels TEXT, is_default_class INTEGER, version TEXT,"
        " service_account TEXT, selector TEXT,"
        " min_scale TEXT, file_id INTEGER, line INTEGER,"
        " UNIQUE(kind, namespace, name));"
        "CREATE TABLE object_sources(object_id INTEGER, file_id INTEGER,"
        " line INTEGER);"
        "CREATE TABLE containers(id INTEGER PRIMARY KEY, object_id INTEGER,"
        " name TEXT NOT NULL, is_init INTEGER, image TEXT, ready INTEGER,"
        " state TEXT, reason TEXT, message TEXT, exit_code INTEGER,"
        " last_state TEXT, last_reason TEXT, last_message TEXT,"
        " last_exit_code INTEGER, last_finished TEXT, restarts INTEGER,"
        " file_id INTEGER, line INTEGER, UNIQUE(object_id, name, is_init));"
        "CREATE TABLE conditions(id INTEGER PRIMARY KEY, object_id INTEGER,"
        " type TEXT NOT NULL, status TEXT, reason TEXT, message TEXT,"
        " last_transition TEXT, file_id INTEGER, line INTEGER,"
        " UNIQUE(object_id, type));"
        "CREATE TABLE resources(object_id INTEGER, name TEXT NOT NULL,"
        " capacity TEXT, allocatable TEXT, requested TEXT, file_id INTEGER,"
        " line INTEGER, UNIQUE(object_id, name));"
        "CREATE TABLE events(id INTEGER PRIMARY KEY, namespace TEXT,"
        " kind TEXT, name TEXT, type TEXT, reason TEXT, message TEXT,"
        " source TEXT, count INTEGER, first_seen TEXT, last_seen TEXT,"
        " age TEXT, file_id INTEGER, line INTEGER);"
        "CREATE TABLE logs(id INTEGER PRIMARY KEY, file_id INTEGER,"
        " line INTEGER, end_line INTEGER, ts TEXT, level TEXT, text TEXT,"
        " truncated INTEGER, container TEXT, ts_guessed INTEGER,"
        " component TEXT, pod TEXT, msg_off INTEGER);"
        "CREATE TABLE access(log_id INTEGER, client TEXT, method TEXT,"
        " path TEXT, status INTEGER, flags TEXT, duration_ms INTEGER,"
        " authority TEXT, upstream TEXT);"
        "CREATE TABLE matches(id INTEGER PRIMARY KEY, pattern TEXT,"
        " category TEXT, severity TEXT, strong INTEGER, priority INTEGER,"
        " source TEXT, source_id INTEGER, namespace TEXT, kind TEXT,"
        " name TEXT, container TEXT, file_id INTEGER, line INTEGER,"
        " ts TEXT, text TEXT, title TEXT, root_cause TEXT, fix TEXT,"
        " next_steps TEXT, refs TEXT);"
        "CREATE TABLE unexplained(id INTEGER PRIMARY KEY, namespace TEXT,"
        " text TEXT, count INTEGER, file_id INTEGER, line INTEGER,"
        " first_seen TEXT);"
        "CREATE TABLE findings(id INTEGER PRIMARY KEY, parent_id INTEGER,"
        " rank INTEGER, rule TEXT, category TEXT, severity TEXT,"
        " confidence REAL, title TEXT, namespace TEXT, kind TEXT,"
        " name TEXT, root_cause TEXT, fix TEXT, next_steps TEXT,"
        " refs TEXT, first_seen TEXT, last_seen TEXT, n_evidence INTEGER,"
        " because TEXT, explains INTEGER, stale INTEGER);"
        "CREATE TABLE gaps(file_id INTEGER, line INTEGER, text TEXT);"
        "CREATE TABLE not_checked(rule TEXT, category TEXT, needs TEXT,"
        " weakens TEXT);"
        "CREATE TABLE evidence(finding_id INTEGER, file_id INTEGER,"
        " line INTEGER, source TEXT, text TEXT);";

/* The views README documents, made after the tables. */
static const char views_sql[] =
        "CREATE VIEW pods AS SELECT o.namespace, o.name, o.phase, o.node,"
        " o.reason, (SELECT group_concat(c.name || ':' ||"
        " coalesce(c.reason, c.state, '') || '/' || c.restarts, ' ')"
        " FROM containers c WHERE c.object_id = o.id) AS containers"
        " FROM objects o WHERE o.kind = 'Pod';"
        "CREATE VIEW errors AS SELECT f.path AS file, l.line, l.ts,"
        " l.level, l.component, substr(l.text, l.msg_off + 1) AS message"
        " FROM logs l JOIN files f ON f.id = l.file_id"
        " WHERE l.level IN ('error', 'fatal');"
        "CREATE VIEW skipped AS SELECT path, status, note FROM files"
        " WHERE status IN ('skipped', 'partial');"
        "CREATE VIEW findings_view AS SELECT f.id, f.parent_id, f.rank,"
        " f.severity,"
        " f.category, f.namespace, f.kind, f.name, f.title,"
        " f.confidence, (SELECT rank FROM findings p"
        " WHERE p.id = f.parent_id) AS symptom_of FROM findings f;"
        "CREATE VIEW findings_tree AS WITH RECURSIVE"
        " t(id, root_id, depth, path) AS (SELECT id, id, 0,"
        " printf('%04d', rank) FROM findings WHERE parent_id IS NULL"
        " UNION ALL SELECT f.id, t.root_id, t.depth + 1,"
        " t.path || '.' || printf('%04d', f.rank) FROM findings f"
        " JOIN t ON f.parent_id = t.id WHERE t.depth < 16)"
        " SELECT r.rank AS root_rank, t.depth, t.path, f.id, f.parent_id,"
        " f.severity, f.category, f.namespace, f.kind, f.name, f.rule,"
        " f.title, f.confidence, f.because, f.stale, f.n_evidence"
        " FROM t JOIN findings f ON f.id = t.id"
        " JOIN findings r ON r.id = t.root_id ORDER BY t.path;"
        /* The object graph: one row per edge, from the columns above;
         * comma lists are split by the recursive parts. */
        "CREATE VIEW edges AS WITH RECURSIVE"
        " claim(id, rest, item) AS (SELECT id, claims || ',', NULL"
        " FROM objects WHERE kind = 'Pod' AND claims IS NOT NULL"
        " UNION ALL SELECT id, substr(rest, instr(rest, ',') + 1),"
        " substr(rest, 1, instr(rest, ',') - 1) FROM claim WHERE rest != ''),"
        " sel(id, rest, item) AS (SELECT id, selector || ',', NULL"
        " FROM objects WHERE kind = 'Service' AND selector != ''"
        " UNION ALL SELECT id, substr(rest, instr(rest, ',') + 1),"
        " substr(rest, 1, instr(rest, ',') - 1) FROM sel WHERE rest != '')"
        " SELECT kind AS from_kind, namespace AS from_namespace,"
        " name AS from_name, 'owned by' AS relation, owner_kind AS to_kind,"
        " namespace AS to_namespace, owner_name AS to_name FROM objects"
        " WHERE owner_kind IS NOT NULL AND owner_name IS NOT NULL"
        " UNION ALL SELECT 'Pod', namespace, name, 'runs on', 'Node', '',"
        " node FROM objects WHERE kind = 'Pod' AND node != ''"
        " UNION ALL SELECT 'Pod', o.namespace, o.name, 'mounts',"
        " 'PersistentVolumeClaim', o.namespace, c.item FROM claim c"
        " JOIN objects o ON o.id = c.id WHERE c.item != ''"
        " UNION ALL SELECT 'Pod', namespace, name, 'runs as',"
        " 'ServiceAccount', namespace, service_account FROM objects"
        " WHERE kind = 'Pod' AND service_account != ''"
        " UNION ALL SELECT 'PersistentVolumeClaim', namespace, name,"
        " 'uses class', 'StorageClass', '', storage_class FROM objects"
        " WHERE kind = 'PersistentVolumeClaim' AND storage_class != ''"
        " UNION ALL SELECT 'PersistentVolumeClaim', namespace, name,"
        " 'bound to', 'PersistentVolume', '', volume FROM objects"
        " WHERE kind = 'PersistentVolumeClaim' AND volume != ''"
        " UNION ALL SELECT 'Service', s.namespace, s.name, 'selects', 'Pod',"
        " p.namespace, p.name FROM objects s JOIN objects p"
        " ON p.kind = 'Pod' AND p.namespace = s.namespace"
        " WHERE s.kind = 'Service' AND s.selector != ''"
        " AND NOT EXISTS (SELECT 1 FROM sel WHERE sel.id = s.id"
        " AND sel.item != '' AND instr(',' || coalesce(p.labels, '') || ',',"
        " ',' || sel.item || ',') = 0);";

static const char *const stmt_sql[ST_COUNT] = {
    [ST_FILE] = "INSERT INTO files(path, type, size, namespace, pod,"
                " container, previous, status) VALUES(?,?,?,?,?,?,?,"
                "'reading') RETURNING id",
    [ST_FILE_FINISH] = "UPDATE files SET type=?, lines=?, size=?, status=?,"
                       " note=? WHERE id=?",
    [ST_OBJECT] = "INSERT INTO objects(kind, namespace, name, uid, node, phase,"
                  " reason, message, created, owner_kind, owner_name,"
                  " storage_class, volume, claims, taints, tolerations,"
                  " node_selector, images, labels, version, min_scale,"
                  " service_account, selector, is_default_class, file_id,"
                  " line) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                  "?,?,?,?,?)"
                  " ON CONFLICT(kind, namespace, name) DO UPDATE SET"
                  " file_id=CASE WHEN message IS NULL AND excluded.message"
                  " IS NOT NULL THEN excluded.file_id ELSE file_id END,"
                  " line=CASE WHEN message IS NULL AND excluded.message"
                  " IS NOT NULL THEN excluded.line ELSE line END,"
                  " uid=coalesce(uid, excluded.uid),"
                  " node=coalesce(node, excluded.node),"
                  " phase=coalesce(phase, excluded.phase),"
                  " reason=coalesce(reason, excluded.reason),"
                  " message=coalesce(message, excluded.message),"
                  " created=coalesce(created, excluded.created),"
                  " owner_kind=coalesce(owner_kind, excluded.owner_kind),"
                  " owner_name=coalesce(owner_name, excluded.owner_name),"
                  " storage_class=coalesce(storage_class,"
                  " excluded.storage_class),"
                  " volume=coalesce(volume, excluded.volume),"
                  " claims=coalesce(claims, excluded.claims),"
                  " taints=coalesce(taints, excluded.taints),"
                  " tolerations=coalesce(tolerations, excluded.tolerations),"
                  " node_selector=coalesce(node_selector,"
                  " excluded.node_selector),"
                  " images=coalesce(images, excluded.images),"
                  " labels=coalesce(labels, excluded.labels),"
                  " version=coalesce(version, excluded.version),"
                  " min_scale=coalesce(min_scale, excluded.min_scale),"
                  " service_account=coalesce(service_account,"
                  " excluded.service_account),"
                  " selector=coalesce(selector, excluded.selector),"
                  " is_default_class=max(excluded.is_default_class,"
                  " is_default_class)"
                  " RETURNING id",
    [ST_OBJECT_SOURCE] = "INSERT INTO object_sources VALUES(?,?,?)",
    [ST_CONTAINER] =
            "INSERT INTO containers(object_id, name, is_init, image, ready,"
            " state, reason, message, exit_code, last_state, last_reason,"
            " last_message, last_exit_code, last_finished, restarts,"
            " file_id, line) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(object_id, name, is_init) DO UPDATE SET"
            " image=coalesce(image, excluded.image),"
            " state=coalesce(state, excluded.state),"
            " reason=coalesce(reason, excluded.reason),"
            " message=coalesce(message, excluded.message),"
            " exit_code=coalesce(exit_code, excluded.exit_code),"
            " last_state=coalesce(last_state, excluded.last_state),"
            " last_reason=coalesce(last_reason, excluded.last_reason),"
            " last_message=coalesce(last_message, excluded.last_message),"
            " last_exit_code=coalesce(last_exit_code,"
            " excluded.last_exit_code),"
            " last_finished=coalesce(last_finished,"
            " excluded.last_finished),"
            " restarts=max(excluded.restarts, restarts)",
    [ST_CONDITION] = "INSERT INTO conditions(object_id, type, status, reason,"
                     " message, last_transition, file_id, line)"
                     " VALUES(?,?,?,?,?,?,?,?)"
                     " ON CONFLICT(object_id, type) DO UPDATE SET"
                     " status=coalesce(status, excluded.status),"
                     " reason=coalesce(reason, excluded.reason),"
                     " message=coalesce(message, excluded.message),"
                     " last_transition=coalesce(last_transition,"
                     " excluded.last_transition)",
    [ST_RESOURCE] = "INSERT INTO resources VALUES(?,?,?,?,?,?,?)"
                    " ON CONFLICT(object_id, name) DO UPDATE SET"
                    " capacity=coalesce(capacity, excluded.capacity),"
                    " allocatable=coalesce(allocatable,"
                    " excluded.allocatable),"
                    " requested=coalesce(requested, excluded.requested)",
    [ST_EVENT] = "INSERT INTO events(namespace, kind, name, type, reason,"
                 " message, source, count, first_seen, last_seen, age,"
                 " file_id, line) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_LOG] = "INSERT INTO logs(file_id, line, end_line, ts, level, text,"
               " truncated, container, ts_guessed, component, pod, msg_off)"
               " VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_ACCESS] = "INSERT INTO access VALUES(?,?,?,?,?,?,?,?,?)",
    [ST_META] = "INSERT OR REPLACE INTO meta VALUES(?,?)",
    [ST_GAP] = "INSERT INTO gaps VALUES(?,?,?)",
};

/* logs_level holds only the levels the errors view and the correlator
 * ask for: an index of every record's level was 5% of the index file. */
static const char post_load_sql[] =
        "CREATE INDEX objects_kind ON objects(kind, namespace, name);"
        "CREATE INDEX containers_object ON containers(object_id);"
        "CREATE INDEX conditions_object ON conditions(object_id);"
        "CREATE INDEX events_subject ON events(namespace, kind, name);"
        "CREATE INDEX logs_file ON logs(file_id, line);"
        "CREATE INDEX logs_level ON logs(level)"
        " WHERE level IN ('error', 'fatal');"
        "CREATE INDEX matches_pattern ON matches(pattern);";

/* The temporary index being written, removed if a signal stops the run,
 * so that no half-written file is left behind. One at a time. */
static char pending_tmp[4200];
static volatile sig_atomic_t have_pending;

static void
on_fatal_signal(int sig)
{
    if (have_pending) {
        unlink(pending_tmp);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
watch_tmp(const char *path)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa;
    size_t i;

    snprintf(pending_tmp, sizeof(pending_tmp), "%s", path);
    have_pending = 1;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        sigaction(sigs[i], &sa, NULL);
    }
}

/* kftriage uses SQLite from one thread (workers are processes), so the
 * library runs without any mutex: the global ones of its allocator and
 * page cache cost 1% of an ingest. This must happen before SQLite
 * initializes, which the first open does; later calls do nothing. */
static void
sqlite_setup(void)
{
    static bool done;

    if (!done) {
        (void)sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
        done = true;
    }
}

static enum kt_status
db_error(struct index *idx, struct kt_err *err, const char *what)
{
    return kt_err_set(err, KT_EDB, "%s: %s: %s",
                      idx->tmp_path ? idx->tmp_path : idx->path, what,
                      sqlite3_errmsg(idx->db));
}

static enum kt_status
prepare_all(struct index *idx, struct kt_err *err)
{
    int i;

    for (i = 0; i < ST_COUNT; i++) {
        if (sqlite3_prepare_v3(idx->db, stmt_sql[i], -1,
                               SQLITE_PREPARE_PERSISTENT, &idx->st[i],
                               NULL) != SQLITE_OK) {
            return db_error(idx, err, "cannot prepare statement");
        }
    }
    return KT_OK;
}

enum kt_status
index_create(const char *path, struct index **out, struct kt_err *err)
{
    struct index *idx;
    size_t len = strlen(path);
    enum kt_status st = KT_OK;
    char *errmsg = NULL;

    *out = NULL;
    idx = calloc(1, sizeof(*idx));
    if (idx == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    idx->path = kt_strdup0(path);
    idx->tmp_path = malloc(len + 5);
    if (idx->path == NULL || idx->tmp_path == NULL) {
        st = kt_err_set(err, KT_ENOMEM, "out of memory");
        goto out;
    }
    memcpy(idx->tmp_path, path, len);
    memcpy(idx->tmp_path + len, ".tmp", 5);
    if (unlink(idx->tmp_path) != 0 && access(idx->tmp_path, F_OK) == 0) {
        st = kt_err_set(err, KT_EDB, "%s: cannot remove stale file",
                        idx->tmp_path);
        goto out;
    }
    watch_tmp(idx->tmp_path);
    sqlite_setup();
    if (sqlite3_open_v2(idx->tmp_path, &idx->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        st = kt_err_set(err, KT_EDB, "%s: cannot create index: %s",
                        idx->tmp_path, sqlite3_errmsg(idx->db));
        goto out;
    }
    if (sqlite3_exec(idx->db, schema_sql, NULL, NULL, &errmsg) != SQLITE_OK ||
        sqlite3_exec(idx->db, views_sql, NULL, NULL, &errmsg) != SQLITE_OK) {
        st = kt_err_set(err, KT_EDB, "%s: cannot create schema: %s",
                        idx->tmp_path, errmsg ? errmsg : "unknown");
        sqlite3_free(errmsg);
        goto out;
    }
    st = prepare_all(idx, err);
    if (st != KT_OK) {
        goto out;
    }
    if (sqlite3_exec(idx->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        st = db_error(idx, err, "cannot begin");
    }

out:
    if (st != KT_OK) {
        index_close(idx);
        return st;
    }
    *out = idx;
    return KT_OK;
}

enum kt_status
index_open_ro(const char *path, struct index **out, struct kt_err *err)
{
    struct index *idx;
    char *complete;

    *out = NULL;
    idx = calloc(1, sizeof(*idx));
    if (idx == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    idx->read_only = true;
    idx->committed = true;
    idx->path = kt_strdup0(path);
    sqlite_setup();
    if (sqlite3_open_v2(path, &idx->db, SQLITE_OPEN_READONLY, NULL) !=
        SQLITE_OK) {
        kt_err_set(err, KT_EDB, "%s: cannot open index: %s", path,
                   sqlite3_errmsg(idx->db));
        index_close(idx);
        return KT_EDB;
    }
    complete = index_get_meta(idx, "complete");
    if (complete == NULL || strcmp(complete, "1") != 0) {
        free(complete);
        kt_err_set(err, KT_EDB, "%s: not a complete kftriage index", path);
        index_close(idx);
        return KT_EDB;
    }
    free(complete);
    *out = idx;
    return KT_OK;
}

enum kt_status
index_commit(struct index *idx, struct kt_err *err)
{
    char version[16];
    char *errmsg = NULL;
    enum kt_status st;

    if (sqlite3_exec(idx->db, post_load_sql, NULL, NULL, &errmsg) !=
        SQLITE_OK) {
        kt_err_set(err, KT_EDB, "%s: cannot build indexes: %s", idx->tmp_path,
                   errmsg ? errmsg : "unknown");
        sqlite3_free(errmsg);
        return KT_EDB;
    }
    snprintf(version, sizeof(version), "%d", INDEX_SCHEMA_VERSION);
    st = index_set_meta(idx, "schema_version", version, err);
    if (st == KT_OK) {
        st = index_set_meta(idx, "complete", "1", err);
    }
    if (st != KT_OK) {
        return st;
    }
    if (sqlite3_exec(idx->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        return db_error(idx, err, "cannot commit");
    }
    if (rename(idx->tmp_path, idx->path) != 0) {
        return kt_err_set(err, KT_EDB, "%s: cannot rename %s into place: %s",
                          idx->path, idx->tmp_path, strerror(errno));
    }
    have_pending = 0;
    idx->committed = true;
    return KT_OK;
}

enum kt_status
index_limit_size(struct index *idx, unsigned long long max_bytes,
                 struct kt_err *err)
{
    sqlite3_stmt *s = NULL;
    long long page = 4096;
    char sql[64];

    if (sqlite3_prepare_v2(idx->db, "PRAGMA page_size", -1, &s, NULL) ==
                SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        page = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %llu",
             max_bytes / (unsigned long long)(page > 0 ? page : 4096) + 1);
    if (sqlite3_exec(idx->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        return db_error(idx, err, "cannot limit the index size");
    }
    return KT_OK;
}

void
index_close(struct index *idx)
{
    int i;

    if (idx == NULL) {
        return;
    }
    for (i = 0; i < ST_COUNT; i++) {
        sqlite3_finalize(idx->st[i]);
    }
    sqlite3_finalize(idx->candidate);
    sqlite3_close(idx->db);
    if (!idx->committed && idx->tmp_path != NULL) {
        unlink(idx->tmp_path);
        have_pending = 0;
    }
    free(idx->path);
    free(idx->tmp_path);
    free(idx);
}

struct sqlite3 *
index_db(struct index *idx)
{
    return idx->db;
}

/* Bind a possibly NULL string. */
static int
bind_text(sqlite3_stmt *s, int col, const char *v)
{
    if (v == NULL) {
        return sqlite3_bind_null(s, col);
    }
    return sqlite3_bind_text(s, col, v, -1, SQLITE_TRANSIENT);
}

/* Run a prepared insert to completion and reset it. With want_id, the
 * RETURNING id is stored in *id. */
static enum kt_status
step(struct index *idx, sqlite3_stmt *s, long long *id, struct kt_err *err)
{
    int rc = sqlite3_step(s);
    enum kt_status st = KT_OK;

    if (rc == SQLITE_ROW) {
        if (id != NULL) {
            *id = sqlite3_column_int64(s, 0);
        }
        rc = sqlite3_step(s);
    }
    if (rc != SQLITE_DONE) {
        st = db_error(idx, err, "cannot write");
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return st;
}

enum kt_status
index_set_meta(struct index *idx, const char *key, const char *value,
               struct kt_err *err)
{
    sqlite3_stmt *s = idx->st[ST_META];

    bind_text(s, 1, key);
    bind_text(s, 2, value);
    return step(idx, s, NULL, err);
}

char *
index_get_meta(struct index *idx, const char *key)
{
    sqlite3_stmt *s;
    char *v = NULL;

    if (sqlite3_prepare_v2(idx->db, "SELECT value FROM meta WHERE key=?", -1,
                           &s, NULL) != SQLITE_OK) {
        return NULL;
    }
    bind_text(s, 1, key);
    if (sqlite3_step(s) == SQLITE_ROW) {
        v = kt_strdup0((const char *)sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
    return v;
}

enum kt_status
index_add_file(struct index *idx, const struct index_file *f,
               long long *file_id, struct kt_err *err)
{
    sqlite3_stmt *s = idx->st[ST_FILE];

    bind_text(s, 1, f->path);
    bind_text(s, 2, f->type);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)f->size);
    bind_text(s, 4, f->namespace);
    bind_text(s, 5, f->pod);
    bind_text(s, 6, f->container);
    sqlite3_bind_int(s, 7, f->previous ? 1 : 0);
    return step(idx, s, file_id, err);
}

enum kt_status
index_finish_file(struct index *idx, long long file_id, const char *type,
                  long lines, unsigned long long size, const char *status,
                  const char *note, struct kt_err *err)
{
    sqlite3_stmt *s = idx->st[ST_FILE_FINISH];

    bind_text(s, 1, type);
    sqlite3_bind_int64(s, 2, lines);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)size);
    bind_text(s, 4, status);
    bind_text(s, 5, note);
    sqlite3_bind_int64(s, 6, file_id);
    return step(idx, s, NULL, err);
}

static enum kt_status
add_container(struct index *idx, long long object_id, long long file_id,
              const struct kt_container *c, struct kt_err *err)
{
    sqlite3_stmt *s = idx->st[ST_CONTAINER];

    sqlite3_bind_int64(s, 1, object_id);
    bind_text(s, 2, c->name);
    sqlite3_bind_int(s, 3, c->is_init ? 1 : 0);
    bind_text(s, 4, c->image);
    sqlite3_bind_int(s, 5, c->ready ? 1 : 0);
    bind_text(s, 6, c->state);
    bind_text(s, 7, c->reason);
    bind_text(s, 8, c->message);
    if (c->has_exit_code) {
        sqlite3_bind_int(s, 9, c->exit_code);
    }
    bind_text(s, 10, c->last_state);
    bind_text(s, 11, c->last_reason);
    bind_text(s, 12, c->last_message);
    if (c->has_last_exit_code) {
        sqlite3_bind_int(s, 13, c->last_exit_code);
    }
    bind_text(s, 14, c->last_finished);
    sqlite3_bind_int64(s, 15, c->restarts);
    sqlite3_bind_int64(s, 16, file_id);
    sqlite3_bind_int64(s, 17, c->line);
    return step(idx, s, NULL, err);
}

static enum kt_status
add_condition(struct index *idx, long long object_id, long long file_id,
              const struct kt_condition *c, struct kt_err *err)
{
    sqlite3_stmt *s = idx->st[ST_CONDITION];

    sqlite3_bind_int64(s, 1, object_id);
    bind_text(s, 2, c->type);
    bind_text(s, 3, c->status);
    bind_text(s, 4, c->reason);
    bind_text(s, 5, c->message);
    bind_text(s, 6, c->last_transition);
    sqlite3_bind_int64(s, 7, file_id);
    sqlite3_bind_int64(s, 8, c->line);
    return step(idx, s, NULL, err);
}

static enum kt_status
add_resource(struct index *idx, long long object_id, long long file_id,
             const struct kt_resource *r, struct kt_err *err)
{
    sqlite3_stmt *s = idx->st[ST_RESOURCE];

    sqlite3_bind_int64(s, 1, object_id);
    bind_text(s, 2, r->name);
    bind_text(s, 3, r->capacity);
    bind_text(s, 4, r->allocatable);
    bind_text(s, 5, r->requested);
    sqlite3_bind_int64(s, 6, file_id);
    sqlite3_bind_int64(s, 7, r->line);
    return step(idx, s, NULL, err);
}

enum kt_status
index_add_object(struct index *idx, long long file_id,
                 const struct kt_object *o, struct kt_err *err)
{
    sqlite3_stmt *s = idx->st[ST_OBJECT];
    const char *fields[] = {
        o->uid,           o->node,          o->phase,           o->reason,
        o->message,       o->created,       o->owner_kind,      o->owner_name,
        o->storage_class, o->volume,        o->claims,          o->taints,
        o->tolerations,   o->node_selector, o->images,          o->labels,
        o->version,       o->min_scale,     o->service_account, o->selector
    };
    long long object_id = 0;
    enum kt_status st;
    size_t i;
    int col = 1;

    if (o->kind == NULL || o->name == NULL) {
        return KT_OK;
    }
    bind_text(s, col++, o->kind);
    bind_text(s, col++, o->namespace ? o->namespace : "");
    bind_text(s, col++, o->name);
    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        bind_text(s, col++, fields[i]);
    }
    sqlite3_bind_int(s, col++, o->is_default_class ? 1 : 0);
    sqlite3_bind_int64(s, col++, file_id);
    sqlite3_bind_int64(s, col, o->line);
    st = step(idx, s, &object_id, err);
    if (st != KT_OK) {
        return st;
    }
    s = idx->st[ST_OBJECT_SOURCE];
    sqlite3_bind_int64(s, 1, object_id);
    sqlite3_bind_int64(s, 2, file_id);
    sqlite3_bind_int64(s, 3, o->line);
    st = step(idx, s, NULL, err);
    for (i = 0; st == KT_OK && i < o->n_containers; i++) {
        if (o->containers[i].name != NULL) {
            st = add_container(idx, object_id, file_id, &o->containers[i], err);
        }
    }
    for (i = 0; st == KT_OK && i < o->n_conditions; i++) {
        if (o->conditions[i].type != NULL) {
            st = add_condition(idx, object_id, file_id, &o->conditions[i], err);
        }
    }
    for (i = 0; st == KT_OK && i < o->n_resources; i++) {
        if (o->resources[i].name != NULL) {
            st = add_resource(idx, object_id, file_id, &o->resources[i], err);
        }
    }
    return st;
}

enum kt_status
index_add_event(struct index *idx, long long file_id, const struct kt_event *e,
                struct kt_err *err)
{
    sqlite3_stmt *s = idx->st[ST_EVENT];

    bind_text(s, 1, e->namespace ? e->namespace : "");
    bind_text(s, 2, e->kind);
    bind_text(s, 3, e->name);
    bind_text(s, 4, e->type);
    bind_text(s, 5, e->reason);
    bind_text(s, 6, e->message);
    bind_text(s, 7, e->source);
    sqlite3_bind_int64(s, 8, e->count > 0 ? e->count : 1);
    bind_text(s, 9, e->first_seen);
    bind_text(s, 10, e->last_seen);
    bind_text(s, 11, e->age);
    sqlite3_bind_int64(s, 12, file_id);
    sqlite3_bind_int64(s, 13, e->line);
    return step(idx, s, NULL, err);
}

enum kt_status
index_add_log(struct index *idx, long long file_id, const struct index_log *r,
              long long *log_id, struct kt_err *err)
{
    sqlite3_stmt *s = idx->st[ST_LOG];
    enum kt_status st;
    sqlite3_int64 id;

    sqlite3_bind_int64(s, 1, file_id);
    sqlite3_bind_int64(s, 2, r->line);
    sqlite3_bind_int64(s, 3, r->end_line);
    if (r->ts != NULL && r->ts[0] != '\0') {
        bind_text(s, 4, r->ts);
    }
    bind_text(s, 5, r->level);
    /* SQLITE_STATIC: the record outlives step(), which resets and clears
     * the bindings; not copying the text saves a malloc and a memcpy per
     * record. */
    sqlite3_bind_text(s, 6, r->text, (int)r->text_len, SQLITE_STATIC);
    sqlite3_bind_int(s, 7, r->truncated ? 1 : 0);
    bind_text(s, 8, r->container);
    sqlite3_bind_int(s, 9, r->ts_guessed ? 1 : 0);
    if (r->component != NULL && r->component_len > 0) {
        sqlite3_bind_text(s, 10, r->component, (int)r->component_len,
                          SQLITE_STATIC);
    }
    bind_text(s, 11, r->pod);
    sqlite3_bind_int64(s, 12, (sqlite3_int64)r->msg_off);
    /* Not RETURNING: SQLite collects its rows in a temporary table, which
     * cost a quarter of the time of each insert. */
    st = step(idx, s, NULL, err);
    if (st != KT_OK) {
        return st;
    }
    id = sqlite3_last_insert_rowid(idx->db);
    if (log_id != NULL) {
        *log_id = id;
    }
    if (idx->log_filter != NULL &&
        idx->log_filter(idx->log_filter_ctx, r->text, r->text_len)) {
        sqlite3_bind_int64(idx->candidate, 1, id);
        st = step(idx, idx->candidate, NULL, err);
    }
    return st;
}

enum kt_status
index_set_log_filter(struct index *idx,
                     bool (*fn)(void *ctx, const char *text, size_t len),
                     void *ctx, struct kt_err *err)
{
    if (sqlite3_exec(idx->db,
                     "CREATE TEMP TABLE log_candidates(id INTEGER PRIMARY KEY)",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(idx->db, "INSERT INTO temp.log_candidates VALUES(?)",
                           -1, SQLITE_PREPARE_PERSISTENT, &idx->candidate,
                           NULL) != SQLITE_OK) {
        return db_error(idx, err, "cannot make the log candidates table");
    }
    idx->log_filter = fn;
    idx->log_filter_ctx = ctx;
    return KT_OK;
}

enum kt_status
index_root_findings(struct index *idx,
                    void (*fn)(void *ctx, const struct index_finding *f),
                    void *ctx, struct kt_err *err)
{
    static const char sql[] =
            "SELECT rank, rule, category, severity, title, namespace, kind,"
            " name FROM findings WHERE parent_id IS NULL"
            " AND NOT coalesce(stale, 0) ORDER BY rank";
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(idx->db, sql, -1, &s, NULL) != SQLITE_OK) {
        return db_error(idx, err, "cannot read findings");
    }
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct index_finding f;

        f.rank = (long)sqlite3_column_int64(s, 0);
        f.rule = (const char *)sqlite3_column_text(s, 1);
        f.category = (const char *)sqlite3_column_text(s, 2);
        f.severity = (const char *)sqlite3_column_text(s, 3);
        f.title = (const char *)sqlite3_column_text(s, 4);
        f.namespace = (const char *)sqlite3_column_text(s, 5);
        f.kind = (const char *)sqlite3_column_text(s, 6);
        f.name = (const char *)sqlite3_column_text(s, 7);
        fn(ctx, &f);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        return db_error(idx, err, "cannot read findings");
    }
    return KT_OK;
}

const char *
index_sqlite_version(void)
{
    return sqlite3_libversion();
}

/* Allow reading only. Functions are allowed (they cannot write without
 * an authorised write), extension loading is off by default and stays
 * off because it is never enabled. */
static int
read_only_auth(void *ctx, int action, const char *a, const char *b,
               const char *db, const char *trigger)
{
    (void)ctx;
    (void)a;
    (void)b;
    (void)db;
    (void)trigger;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    default:
        return SQLITE_DENY;
    }
}

enum kt_status
index_query(const char *path, const char *sql, FILE *out, enum rows_format fmt,
            struct kt_err *err)
{
    struct index *idx = NULL;
    sqlite3_stmt *s = NULL;
    const char *tail = NULL;
    enum kt_status st;

    st = index_open_ro(path, &idx, err);
    if (st != KT_OK) {
        return st;
    }
    sqlite3_set_authorizer(idx->db, read_only_auth, NULL);
    if (sqlite3_prepare_v2(idx->db, sql, -1, &s, &tail) != SQLITE_OK) {
        st = kt_err_set(err, KT_EUSAGE, "query refused: %s",
                        sqlite3_errmsg(idx->db));
        goto out;
    }
    if (s == NULL || (tail != NULL && tail[strspn(tail, " \t\r\n;")] != '\0')) {
        st = kt_err_set(err, KT_EUSAGE,
                        "query refused: give exactly one statement");
        goto out;
    }
    st = rows_print(s, out, fmt, err);

out:
    sqlite3_finalize(s);
    index_close(idx);
    return st;
}

void
index_newest_time(struct index *idx, char *buf, size_t len)
{
    static const char sql[] =
            "SELECT coalesce((SELECT max(t) FROM ("
            " SELECT max(last_seen) AS t FROM events"
            " UNION ALL SELECT max(last_transition) FROM conditions"
            " UNION ALL SELECT max(last_finished) FROM containers"
            " UNION ALL SELECT max(ts) FROM logs WHERE ts_guessed = 0)),"
            " (SELECT max(ts) FROM logs))";
    sqlite3_stmt *s;

    buf[0] = '\0';
    if (sqlite3_prepare_v2(idx->db, sql, -1, &s, NULL) != SQLITE_OK) {
        return;
    }
    if (sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_type(s, 0) != SQLITE_NULL) {
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
}

enum kt_status
index_add_gap(struct index *idx, long long file_id, long line, const char *text,
              struct kt_err *err)
{
    sqlite3_stmt *s = idx->st[ST_GAP];

    sqlite3_bind_int64(s, 1, file_id);
    sqlite3_bind_int64(s, 2, line);
    bind_text(s, 3, text);
    return step(idx, s, NULL, err);
}

long long
index_time_epoch(const char *t)
{
    struct tm tm;
    int days;
    static const int before[] = { 0,   31,  59,  90,  120, 151,
                                  181, 212, 243, 273, 304, 334 };

    memset(&tm, 0, sizeof(tm));
    if (!kt_valid_time(t) ||
        sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
               &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
        return -1;
    }
    /* Days from 1970 by the civil calendar, avoiding timegm(). */
    days = (tm.tm_year - 1970) * 365 + (tm.tm_year - 1969) / 4 -
           (tm.tm_year - 1901) / 100 + (tm.tm_year - 1601) / 400 +
           before[tm.tm_mon - 1] + tm.tm_mday - 1;
    if (tm.tm_mon > 2 && ((tm.tm_year % 4 == 0 && tm.tm_year % 100 != 0) ||
                          tm.tm_year % 400 == 0)) {
        days++;
    }
    return (long long)days * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 +
           tm.tm_sec;
}

static void
format_epoch(long long t, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;

    buf[0] = '\0';
    if (gmtime_r(&tt, &tm) != NULL) {
        strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    }
}

enum kt_status
index_resolve_ages(struct index *idx, const char *collected, struct kt_err *err)
{
    sqlite3_stmt *sel = NULL;
    sqlite3_stmt *upd = NULL;
    long long now = collected ? index_time_epoch(collected) : -1;
    enum kt_status st = KT_OK;

    if (now < 0) {
        return KT_OK; /* nothing to count back from */
    }
    if (sqlite3_prepare_v2(idx->db,
                           "SELECT id, age FROM events WHERE age IS NOT NULL"
                           " AND last_seen IS NULL",
                           -1, &sel, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(idx->db,
                           "UPDATE events SET first_seen = ?, last_seen = ?"
                           " WHERE id = ?",
                           -1, &upd, NULL) != SQLITE_OK) {
        st = db_error(idx, err, "cannot prepare age resolution");
        goto out;
    }
    while (sqlite3_step(sel) == SQLITE_ROW) {
        const char *age = (const char *)sqlite3_column_text(sel, 1);
        const char *sp = strchr(age, ' ');
        const char *over = strstr(age, " over ");
        long long last;
        long long first;
        char a[32];
        char b[32];

        if (!kt_parse_age(age, sp ? (size_t)(sp - age) : strlen(age), &last)) {
            continue;
        }
        first = last;
        if (over != NULL) {
            const char *o = over + 6;
            const char *close = strchr(o, ')');

            if (close == NULL ||
                !kt_parse_age(o, (size_t)(close - o), &first)) {
                first = last;
            }
        }
        format_epoch(now - first, a, sizeof(a));
        format_epoch(now - last, b, sizeof(b));
        sqlite3_bind_text(upd, 1, a, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(upd, 2, b, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(upd, 3, sqlite3_column_int64(sel, 0));
        if (sqlite3_step(upd) != SQLITE_DONE) {
            st = db_error(idx, err, "cannot store event times");
            goto out;
        }
        sqlite3_reset(upd);
    }

out:
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    return st;
}

enum kt_status
index_resolve_namespaces(struct index *idx, struct kt_err *err)
{
    static const char sql[] =
            "UPDATE events SET namespace = (SELECT min(o.namespace)"
            " FROM objects o WHERE o.kind = events.kind"
            " AND o.name = events.name AND o.namespace != '')"
            " WHERE namespace = '' AND kind IS NOT NULL"
            " AND (SELECT count(DISTINCT o.namespace) FROM objects o"
            " WHERE o.kind = events.kind AND o.name = events.name"
            " AND o.namespace != '') = 1;"
            "CREATE TEMP TABLE twins AS SELECT a.id AS old, b.id AS new"
            " FROM objects a JOIN objects b ON b.kind = a.kind"
            " AND b.name = a.name AND b.namespace != ''"
            " WHERE a.namespace = '' AND (SELECT count(*) FROM objects c"
            " WHERE c.kind = a.kind AND c.name = a.name"
            " AND c.namespace != '') = 1;"
            "UPDATE objects SET"
            " node = coalesce(node, (SELECT o.node FROM objects o"
            " JOIN twins t ON t.old = o.id WHERE t.new = objects.id)),"
            " phase = coalesce(phase, (SELECT o.phase FROM objects o"
            " JOIN twins t ON t.old = o.id WHERE t.new = objects.id)),"
            " reason = coalesce(reason, (SELECT o.reason FROM objects o"
            " JOIN twins t ON t.old = o.id WHERE t.new = objects.id))"
            " WHERE id IN (SELECT new FROM twins);"
            "UPDATE object_sources SET object_id = (SELECT new FROM twins"
            " WHERE old = object_id) WHERE object_id IN"
            " (SELECT old FROM twins);"
            "UPDATE OR IGNORE containers SET object_id = (SELECT new"
            " FROM twins WHERE old = object_id) WHERE object_id IN"
            " (SELECT old FROM twins);"
            "UPDATE OR IGNORE conditions SET object_id = (SELECT new"
            " FROM twins WHERE old = object_id) WHERE object_id IN"
            " (SELECT old FROM twins);"
            "UPDATE OR IGNORE resources SET object_id = (SELECT new"
            " FROM twins WHERE old = object_id) WHERE object_id IN"
            " (SELECT old FROM twins);"
            "DELETE FROM containers WHERE object_id IN (SELECT old FROM twins);"
            "DELETE FROM conditions WHERE object_id IN (SELECT old FROM twins);"
            "DELETE FROM resources WHERE object_id IN (SELECT old FROM twins);"
            "DELETE FROM objects WHERE id IN (SELECT old FROM twins);"
            "DROP TABLE twins;";
    char *msg = NULL;

    if (sqlite3_exec(idx->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        kt_err_set(err, KT_EDB, "cannot resolve namespaces: %s",
                   msg ? msg : "unknown");
        sqlite3_free(msg);
        return KT_EDB;
    }
    return KT_OK;
}

/* Bind len bytes at p, or NULL for an empty field. */
static void
bind_span(sqlite3_stmt *s, int col, const char *p, size_t len)
{
    if (p == NULL || len == 0) {
        sqlite3_bind_null(s, col);
    } else {
        sqlite3_bind_text(s, col, p, (int)len, SQLITE_TRANSIENT);
    }
}

enum kt_status
index_add_access(struct index *idx, long long log_id,
                 const struct index_access *a, struct kt_err *err)
{
    sqlite3_stmt *s = idx->st[ST_ACCESS];

    sqlite3_bind_int64(s, 1, log_id);
    bind_span(s, 2, a->client, a->client_len);
    bind_span(s, 3, a->method, a->method_len);
    bind_span(s, 4, a->path, a->path_len);
    sqlite3_bind_int(s, 5, a->status);
    bind_span(s, 6, a->flags, a->flags_len);
    if (a->duration_ms >= 0) {
        sqlite3_bind_int64(s, 7, a->duration_ms);
    }
    bind_span(s, 8, a->authority, a->authority_len);
    bind_span(s, 9, a->upstream, a->upstream_len);
    return step(idx, s, NULL, err);
}
