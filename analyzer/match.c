/* SPDX-License-Identifier: MIT */
/* PCRE2 behind match.h. Each record of the index is turned into the text
 * its source presents (see patterns/README.md), every pattern for that
 * source is tried, and hits are written with their placeholders filled
 * in, so later stages never need the captures again. */
#include "match.h"

#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <sqlite3.h>

#include "kt_limits.h"
#include "prefilter.h"

struct compiled {
    pcre2_code *re;
    pcre2_code *reason_re;
    pcre2_code *file_re;
    unsigned long limit_hits; /* matches of this pattern cut at a limit */
    unsigned long filter_limit_hits; /* the same in match_log_candidate() */
};

struct matcher {
    const struct pattern_set *set;
    struct compiled *c;
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    sqlite3_stmt *insert;
    struct match_stats *stats;
    struct prefilter *pf;   /* NULL: every pattern is tried on every record */
    size_t *cand;           /* [set->n] the patterns to try on a record */
    struct kt_buf unquoted; /* a JSON log record with its \" as " */
};

/* The subject and origin of one record being matched. */
struct record {
    enum pattern_source source;
    long long source_id;
    const char *namespace;
    const char *kind;
    const char *name;
    const char *container;
    const char *node;
    const char *image;  /* containers */
    const char *reason; /* events and conditions */
    const char *path;   /* log file path */
    long long file_id;
    long line;
    const char *ts;
    const char *text;
    size_t text_len;
};

static enum kt_status
compile_one(const char *re, const struct pattern *p, const char *what,
            pcre2_code **out, struct kt_err *err)
{
    int code;
    PCRE2_SIZE off;
    PCRE2_UCHAR msg[160];

    *out = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
                         PCRE2_MATCH_INVALID_UTF, &code, &off, NULL);
    if (*out == NULL) {
        pcre2_get_error_message(code, msg, sizeof(msg));
        return kt_err_set(err, KT_EPATTERN,
                          "%s: pattern %s: %s at offset %zu: %s", p->file,
                          p->id, what, (size_t)off, (const char *)msg);
    }
    /* JIT is an optimisation: where it is missing, the interpreter runs. */
    (void)pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE);
    return KT_OK;
}

/* Is KFTRIAGE_NO_PREFILTER set to something other than "" or "0"? */
static bool
prefilter_disabled(void)
{
    const char *v = getenv("KFTRIAGE_NO_PREFILTER");

    return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

/* The literal prefilter over every pattern's regex. The environment
 * variable KFTRIAGE_NO_PREFILTER turns it off, so that tests can show
 * the matches are the same without it (tag:prefilter-equivalence). */
static enum kt_status
build_prefilter(struct matcher *m, struct kt_err *err)
{
    size_t i;

    m->pf = prefilter_new(m->set->n);
    if (m->pf == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    for (i = 0; i < m->set->n; i++) {
        if (!prefilter_add(m->pf, i, m->set->p[i].regex)) {
            return kt_err_set(err, KT_ENOMEM, "out of memory");
        }
    }
    if (!prefilter_build(m->pf)) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    return KT_OK;
}

enum kt_status
match_new(const struct pattern_set *set, struct matcher **out,
          struct kt_err *err)
{
    struct matcher *m;
    enum kt_status st = KT_OK;
    size_t i;

    *out = NULL;
    m = calloc(1, sizeof(*m));
    if (m == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    m->set = set;
    m->c = calloc(set->n + 1, sizeof(*m->c));
    m->cand = calloc(set->n + 1, sizeof(*m->cand));
    kt_buf_init(&m->unquoted, KT_MAX_MATCH_TEXT);
    m->md = pcre2_match_data_create(32, NULL);
    m->mctx = pcre2_match_context_create(NULL);
    if (m->c == NULL || m->cand == NULL || m->md == NULL || m->mctx == NULL) {
        match_free(m);
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    pcre2_set_match_limit(m->mctx, KT_PCRE2_MATCH_LIMIT);
    pcre2_set_depth_limit(m->mctx, KT_PCRE2_DEPTH_LIMIT);
    for (i = 0; st == KT_OK && i < set->n; i++) {
        const struct pattern *p = &set->p[i];

        st = compile_one(p->regex, p, "regex", &m->c[i].re, err);
        if (st == KT_OK && p->reason_re != NULL) {
            st = compile_one(p->reason_re, p, "reason", &m->c[i].reason_re,
                             err);
        }
        if (st == KT_OK && p->file_re != NULL) {
            st = compile_one(p->file_re, p, "file", &m->c[i].file_re, err);
        }
    }
    if (st == KT_OK && !prefilter_disabled()) {
        st = build_prefilter(m, err);
    }
    if (st != KT_OK) {
        match_free(m);
        return st;
    }
    *out = m;
    return KT_OK;
}

void
match_set_limits(struct matcher *m, unsigned long match_limit,
                 unsigned long depth_limit)
{
    pcre2_set_match_limit(m->mctx, (uint32_t)match_limit);
    pcre2_set_depth_limit(m->mctx, (uint32_t)depth_limit);
}

void
match_free(struct matcher *m)
{
    size_t i;

    if (m == NULL) {
        return;
    }
    for (i = 0; m->c != NULL && i < m->set->n; i++) {
        pcre2_code_free(m->c[i].re);
        pcre2_code_free(m->c[i].reason_re);
        pcre2_code_free(m->c[i].file_re);
    }
    free(m->c);
    pcre2_match_data_free(m->md);
    pcre2_match_context_free(m->mctx);
    sqlite3_finalize(m->insert);
    prefilter_free(m->pf);
    free(m->cand);
    kt_buf_fini(&m->unquoted);
    free(m);
}

/* One bounded match. Returns 1 on a match, 0 on none, -1 when a limit
 * stopped it (counted, and the first such pattern remembered). */
static int
try_match(struct matcher *m, const pcre2_code *re, const char *text, size_t len,
          const char *id)
{
    int rc;

    if (len > KT_MAX_MATCH_TEXT) {
        len = KT_MAX_MATCH_TEXT;
    }
    rc = pcre2_match(re, (PCRE2_SPTR)text, len, 0, 0, m->md, m->mctx);
    if (rc >= 0) {
        return 1;
    }
    if (rc == PCRE2_ERROR_NOMATCH) {
        return 0;
    }
    if (m->stats != NULL) {
        m->stats->limit_hits++;
        if (m->stats->limit_pattern[0] == '\0') {
            snprintf(m->stats->limit_pattern, sizeof(m->stats->limit_pattern),
                     "%s", id);
        }
    }
    return -1;
}

/* A placeholder's value for record r after a match of pattern pi. */
struct fill {
    struct matcher *m;
    size_t pi;
    const struct record *r;
};

/* Append the value of placeholder key to out. A named group of the regex
 * wins over a built-in name; unknown names become "<name>". */
static void
put_placeholder(void *ctx, const char *key, struct kt_buf *out)
{
    const struct fill *f = ctx;
    const struct record *r = f->r;
    const char *v = NULL;
    char num[24];
    int group;

    group = pcre2_substring_number_from_name(f->m->c[f->pi].re,
                                             (PCRE2_SPTR)key);
    if (group > 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(f->m->md);
        PCRE2_SIZE s = ov[2 * group];
        PCRE2_SIZE e = ov[2 * group + 1];

        if (s != PCRE2_UNSET && e >= s && e <= r->text_len) {
            kt_buf_append(out, r->text + s, e - s);
            return;
        }
    }
    if (strcmp(key, "namespace") == 0) {
        v = r->namespace;
    } else if (strcmp(key, "kind") == 0) {
        v = r->kind;
    } else if (strcmp(key, "name") == 0) {
        v = r->name;
    } else if (strcmp(key, "container") == 0) {
        v = r->container;
    } else if (strcmp(key, "image") == 0) {
        v = r->image;
    } else if (strcmp(key, "node") == 0) {
        v = r->node;
    } else if (strcmp(key, "file") == 0) {
        v = r->path;
    } else if (strcmp(key, "line") == 0) {
        snprintf(num, sizeof(num), "%ld", r->line);
        v = num;
    }
    if (v != NULL && v[0] != '\0') {
        kt_buf_append(out, v, strlen(v));
        return;
    }
    kt_buf_printf(out, "<%s>", key);
}

/* Fill the placeholders of tmpl into a fresh string (caller frees). */
static char *
expand(struct matcher *m, size_t pi, const struct record *r, const char *tmpl)
{
    struct fill f = { m, pi, r };

    return kt_template(tmpl, put_placeholder, &f);
}

static int
bind_opt(sqlite3_stmt *s, int col, const char *v)
{
    if (v == NULL) {
        return sqlite3_bind_null(s, col);
    }
    return sqlite3_bind_text(s, col, v, -1, SQLITE_TRANSIENT);
}

static enum kt_status
record_hit(struct matcher *m, size_t pi, const struct record *r,
           struct kt_err *err)
{
    const struct pattern *p = &m->set->p[pi];
    sqlite3_stmt *s = m->insert;
    struct kt_buf steps;
    struct kt_buf refs;
    char *title = expand(m, pi, r, p->title);
    char *cause = expand(m, pi, r, p->root_cause);
    char *fix = expand(m, pi, r, p->fix);
    size_t i;
    int rc;

    kt_buf_init(&steps, KT_MAX_FIELD);
    kt_buf_init(&refs, KT_MAX_FIELD);
    for (i = 0; i < p->n_next_steps; i++) {
        char *step = expand(m, pi, r, p->next_steps[i]);

        if (i > 0) {
            kt_buf_putc(&steps, '\n');
        }
        if (step != NULL) {
            kt_buf_append(&steps, step, strlen(step));
        }
        free(step);
    }
    for (i = 0; i < p->n_references; i++) {
        if (i > 0) {
            kt_buf_putc(&refs, '\n');
        }
        kt_buf_append(&refs, p->references[i], strlen(p->references[i]));
    }
    bind_opt(s, 1, p->id);
    bind_opt(s, 2, p->category);
    bind_opt(s, 3, p->severity);
    sqlite3_bind_int(s, 4, p->strong ? 1 : 0);
    sqlite3_bind_int(s, 5, p->priority);
    bind_opt(s, 6, pattern_source_name(r->source));
    sqlite3_bind_int64(s, 7, r->source_id);
    bind_opt(s, 8, r->namespace ? r->namespace : "");
    bind_opt(s, 9, r->kind ? r->kind : "");
    bind_opt(s, 10, r->name ? r->name : "");
    bind_opt(s, 11, r->container);
    sqlite3_bind_int64(s, 12, r->file_id);
    sqlite3_bind_int64(s, 13, r->line);
    bind_opt(s, 14, r->ts);
    sqlite3_bind_text(
            s, 15, r->text,
            (int)(r->text_len > KT_MAX_FIELD ? KT_MAX_FIELD : r->text_len),
            SQLITE_TRANSIENT);
    bind_opt(s, 16, title);
    bind_opt(s, 17, cause);
    bind_opt(s, 18, fix);
    bind_opt(s, 19, steps.data ? steps.data : "");
    bind_opt(s, 20, refs.data);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    free(title);
    free(cause);
    free(fix);
    kt_buf_fini(&steps);
    kt_buf_fini(&refs);
    if (rc != SQLITE_DONE) {
        return kt_err_set(err, KT_EDB, "cannot store a match: %s",
                          sqlite3_errmsg(sqlite3_db_handle(s)));
    }
    m->stats->hits++;
    return KT_OK;
}

/* The text a pattern sees for a log record: JSON logs (zap, logrus,
 * controller-runtime) write a quote inside a message as \", and patterns
 * are written against the message as klog or plain text prints it, so
 * each \" reads as ". Returns text itself when it holds none, else the
 * matcher's buffer; *out_len gets the length. */
static const char *
log_text(struct matcher *m, const char *text, size_t len, size_t *out_len)
{
    size_t i;

    *out_len = len;
    if (kt_memmem(text, len, "\\\"", 2) == NULL) {
        return text;
    }
    kt_buf_reset(&m->unquoted);
    for (i = 0; i < len; i++) {
        if (text[i] == '\\' && i + 1 < len && text[i + 1] == '"') {
            continue;
        }
        if (kt_buf_putc(&m->unquoted, text[i]) != KT_OK) {
            return text; /* past the buffer: as written */
        }
    }
    *out_len = m->unquoted.len;
    return m->unquoted.data;
}

/* Try every pattern that looks at r's source. */
static enum kt_status
match_record(struct matcher *m, const struct record *given, struct kt_err *err)
{
    struct record view = *given;
    const struct record *r = &view;
    size_t i;
    size_t k;
    size_t n = m->set->n;
    int rc;

    if (view.source == PSRC_LOG) {
        view.text = log_text(m, given->text, given->text_len, &view.text_len);
    }
    m->stats->records++;
    if (m->pf != NULL) {
        /* Only patterns with one of their literals in the text, and
         * those without literals, in the order of the library. */
        prefilter_scan(m->pf, r->text,
                       r->text_len > KT_MAX_MATCH_TEXT ? KT_MAX_MATCH_TEXT
                                                       : r->text_len);
        n = prefilter_candidates(m->pf, m->cand);
    }
    for (k = 0; k < n; k++) {
        const struct pattern *p;
        const struct compiled *c;
        enum kt_status st;

        i = m->pf != NULL ? m->cand[k] : k;
        p = &m->set->p[i];
        c = &m->c[i];
        if ((p->sources & r->source) == 0 ||
            c->limit_hits >= KT_MAX_LIMIT_HITS) {
            continue; /* a pattern that keeps hitting limits is dropped */
        }
        if (c->reason_re != NULL &&
            (r->reason == NULL || try_match(m, c->reason_re, r->reason,
                                            strlen(r->reason), p->id) != 1)) {
            continue;
        }
        if (c->file_re != NULL &&
            (r->path == NULL ||
             try_match(m, c->file_re, r->path, strlen(r->path), p->id) != 1)) {
            continue;
        }
        rc = try_match(m, c->re, r->text, r->text_len, p->id);
        if (rc < 0 && ++m->c[i].limit_hits == KT_MAX_LIMIT_HITS) {
            m->stats->dropped++;
        }
        if (rc != 1) {
            continue;
        }
        st = record_hit(m, i, r, err);
        if (st != KT_OK) {
            return st;
        }
    }
    return KT_OK;
}

static const char *
col_text(sqlite3_stmt *s, int col)
{
    return (const char *)sqlite3_column_text(s, col);
}

/* The node a log record's pod runs on, when the bundle has the pod. */
#define POD_NODE_SQL                                     \
    "(SELECT o.node FROM objects o WHERE o.kind = 'Pod'" \
    " AND o.namespace = coalesce(f.namespace, '')"       \
    " AND o.name = coalesce(l.pod, f.pod))"

/* The node of object o: its own name for a Node, else where it runs. */
#define NODE_OF_O " CASE WHEN o.kind = 'Node' THEN o.name ELSE o.node END,"

/* Each source: the query that reads its records. Columns: id, namespace,
 * kind, name, container, node, reason, path, file_id, line, ts, text,
 * image. */
static const struct {
    enum pattern_source source;
    const char *sql;
} source_sql[] = {
    { PSRC_EVENT,
      "SELECT e.id, e.namespace, e.kind, e.name, NULL,"
      " CASE WHEN e.kind = 'Node' THEN e.name ELSE (SELECT o.node"
      " FROM objects o WHERE o.kind = e.kind AND o.namespace = e.namespace"
      " AND o.name = e.name) END, e.reason,"
      " NULL, e.file_id, e.line, coalesce(e.last_seen, e.first_seen),"
      " e.message, NULL FROM events e WHERE e.message IS NOT NULL" },
    { PSRC_CONDITION,
      "SELECT c.id, o.namespace, o.kind, o.name, NULL," NODE_OF_O " c.reason,"
      " NULL, c.file_id, c.line, c.last_transition, c.message, NULL"
      " FROM conditions c JOIN objects o ON o.id = c.object_id"
      " WHERE c.message IS NOT NULL AND c.message != ''" },
    { PSRC_STATUS,
      "SELECT o.id, o.namespace, o.kind, o.name, NULL," NODE_OF_O " o.reason,"
      " NULL, o.file_id, o.line, NULL,"
      " coalesce(o.reason, '') || ': ' || coalesce(o.message, ''), o.images"
      " FROM objects o WHERE o.reason IS NOT NULL OR o.message IS NOT NULL" },
    { PSRC_CONTAINER,
      "SELECT c.id, o.namespace, o.kind, o.name, c.name, o.node, c.reason,"
      " NULL, c.file_id, c.line, NULL, c.state || coalesce(' ' || c.reason,"
      " '') || coalesce(' (exit code ' || c.exit_code || ')', '') ||"
      " coalesce(': ' || c.message, ''), c.image"
      " FROM containers c JOIN objects o ON o.id = c.object_id"
      " WHERE c.state IS NOT NULL AND c.state != 'running'"
      " UNION ALL "
      "SELECT c.id, o.namespace, o.kind, o.name, c.name, o.node,"
      " c.last_reason, NULL, c.file_id, c.line, c.last_finished,"
      " 'last ' || c.last_state || coalesce(' ' || c.last_reason, '') ||"
      " coalesce(' (exit code ' || c.last_exit_code || ')', '') ||"
      " coalesce(': ' || c.last_message, ''), c.image"
      " FROM containers c JOIN objects o ON o.id = c.object_id"
      " WHERE c.last_state IS NOT NULL" },
    { PSRC_LOG, "SELECT l.id, coalesce(f.namespace, ''),"
                " CASE WHEN coalesce(l.pod, f.pod) IS NOT NULL THEN 'Pod'"
                " ELSE 'File' END, coalesce(l.pod, f.pod, f.path),"
                " coalesce(l.container, f.container), " POD_NODE_SQL ","
                " NULL, f.path,"
                " l.file_id, l.line, l.ts, l.text, NULL"
                " FROM logs l JOIN files f ON f.id = l.file_id" },
};

/* The log records of PSRC_LOG when the ingest kept the candidates
 * (tag:log-candidates): the same columns, in the same order of ids. */
static const char log_candidates_sql[] =
        "SELECT l.id, coalesce(f.namespace, ''),"
        " CASE WHEN coalesce(l.pod, f.pod) IS NOT NULL THEN 'Pod'"
        " ELSE 'File' END, coalesce(l.pod, f.pod, f.path),"
        " coalesce(l.container, f.container), " POD_NODE_SQL ", NULL, f.path,"
        " l.file_id, l.line, l.ts, l.text, NULL"
        " FROM temp.log_candidates c JOIN logs l ON l.id = c.id"
        " JOIN files f ON f.id = l.file_id ORDER BY c.id";

static bool
have_log_candidates(sqlite3 *db)
{
    return sqlite3_table_column_metadata(db, "temp", "log_candidates", "id",
                                         NULL, NULL, NULL, NULL,
                                         NULL) == SQLITE_OK;
}

enum kt_status
match_index(struct matcher *m, sqlite3 *db, struct match_stats *stats,
            struct kt_err *err)
{
    static const char insert_sql[] =
            "INSERT INTO matches(pattern, category, severity, strong,"
            " priority, source, source_id, namespace, kind, name, container,"
            " file_id, line, ts, text, title, root_cause, fix, next_steps,"
            " refs) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    enum kt_status st = KT_OK;
    size_t k;

    memset(stats, 0, sizeof(*stats));
    m->stats = stats;
    if (sqlite3_prepare_v2(db, insert_sql, -1, &m->insert, NULL) != SQLITE_OK) {
        return kt_err_set(err, KT_EDB, "cannot prepare: %s",
                          sqlite3_errmsg(db));
    }
    for (k = 0; st == KT_OK && k < sizeof(source_sql) / sizeof(source_sql[0]);
         k++) {
        const char *sql = source_sql[k].sql;
        sqlite3_stmt *s;
        int rc;

        if (source_sql[k].source == PSRC_LOG && have_log_candidates(db)) {
            sql = log_candidates_sql;
        }
        if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
            return kt_err_set(err, KT_EDB, "cannot prepare: %s",
                              sqlite3_errmsg(db));
        }
        while (st == KT_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
            struct record r;

            r.source = source_sql[k].source;
            r.source_id = sqlite3_column_int64(s, 0);
            r.namespace = col_text(s, 1);
            r.kind = col_text(s, 2);
            r.name = col_text(s, 3);
            r.container = col_text(s, 4);
            r.node = col_text(s, 5);
            r.image = col_text(s, 12);
            r.reason = col_text(s, 6);
            r.path = col_text(s, 7);
            r.file_id = sqlite3_column_int64(s, 8);
            r.line = (long)sqlite3_column_int64(s, 9);
            r.ts = col_text(s, 10);
            r.text = col_text(s, 11);
            r.text_len = (size_t)sqlite3_column_bytes(s, 11);
            if (r.text == NULL) {
                continue;
            }
            st = match_record(m, &r, err);
        }
        if (st == KT_OK && rc != SQLITE_DONE) {
            st = kt_err_set(err, KT_EDB, "cannot read records: %s",
                            sqlite3_errmsg(db));
        }
        sqlite3_finalize(s);
    }
    sqlite3_finalize(m->insert);
    m->insert = NULL;
    return st;
}

enum kt_status
match_selftest(struct matcher *m, FILE *out, size_t *n_run, size_t *n_failed,
               struct kt_err *err)
{
    static const char *const why[] = { "hit the PCRE2 match limit on",
                                       "does not match", "matches" };
    struct match_stats stats;
    size_t i;
    size_t j;
    int rc;

    (void)err;
    memset(&stats, 0, sizeof(stats));
    m->stats = &stats;
    *n_run = 0;
    *n_failed = 0;
    for (i = 0; i < m->set->n; i++) {
        const struct pattern *p = &m->set->p[i];

        for (j = 0; j < p->n_ex_match; j++) {
            const char *ex = p->ex_match[j];

            (*n_run)++;
            if (m->pf != NULL) {
                prefilter_scan(m->pf, ex, strlen(ex));
                if (!prefilter_candidate(m->pf, i)) {
                    (*n_failed)++;
                    fprintf(out,
                            "FAIL %s (%s): the prefilter drops example %zu; "
                            "run with KFTRIAGE_NO_PREFILTER=1 and report it\n",
                            p->id, p->file, j + 1);
                    continue;
                }
            }
            rc = try_match(m, m->c[i].re, ex, strlen(ex), p->id);
            if (rc != 1) {
                (*n_failed)++;
                fprintf(out, "FAIL %s (%s): %s example %zu\n", p->id, p->file,
                        why[rc + 1], j + 1);
            }
        }
        for (j = 0; j < p->n_ex_no_match; j++) {
            const char *ex = p->ex_no_match[j];

            (*n_run)++;
            rc = try_match(m, m->c[i].re, ex, strlen(ex), p->id);
            if (rc != 0) {
                (*n_failed)++;
                fprintf(out, "FAIL %s (%s): %s no_match example %zu\n", p->id,
                        p->file, rc < 0 ? why[0] : why[2], j + 1);
            }
        }
    }
    m->stats = NULL;
    return KT_OK;
}

void
match_pcre2_version(char *buf, size_t len)
{
    char v[64] = "";
    uint32_t jit = 0;

    pcre2_config(PCRE2_CONFIG_VERSION, v);
    pcre2_config(PCRE2_CONFIG_JIT, &jit);
    snprintf(buf, len, "%s%s", v, jit ? " (JIT)" : "");
}

long
match_find(struct matcher *m, const char *text, size_t len,
           const char *category)
{
    size_t i;

    for (i = 0; i < m->set->n; i++) {
        const struct pattern *p = &m->set->p[i];

        if (category != NULL && strcmp(p->category, category) != 0) {
            continue;
        }
        if (try_match(m, m->c[i].re, text, len, p->id) == 1) {
            return (long)i;
        }
    }
    return -1;
}

long
match_prefilter_drops(struct matcher *m, const char *text, size_t len)
{
    size_t i;

    if (m->pf == NULL) {
        return -1;
    }
    prefilter_scan(m->pf, text, len);
    for (i = 0; i < m->set->n; i++) {
        if (!prefilter_candidate(m->pf, i) &&
            try_match(m, m->c[i].re, text, len, m->set->p[i].id) == 1) {
            return (long)i;
        }
    }
    return -1;
}

bool
match_can_filter_logs(const struct matcher *m)
{
    return m->pf != NULL;
}

bool
match_log_candidate(void *ctx, const char *text, size_t len)
{
    struct matcher *m = ctx;
    size_t n;
    size_t k;

    if (m->pf == NULL) {
        return true;
    }
    if (len > KT_MAX_MATCH_TEXT) {
        len = KT_MAX_MATCH_TEXT;
    }
    text = log_text(m, text, len, &len);
    prefilter_scan(m->pf, text, len);
    n = prefilter_candidates(m->pf, m->cand);
    for (k = 0; k < n; k++) {
        size_t i = m->cand[k];
        struct compiled *c = &m->c[i];
        int rc;

        if ((m->set->p[i].sources & PSRC_LOG) == 0) {
            continue;
        }
        if (c->filter_limit_hits >= KT_MAX_LIMIT_HITS) {
            return true; /* it stops at limits: let match_index() decide */
        }
        rc = pcre2_match(c->re, (PCRE2_SPTR)text, len, 0, 0, m->md, m->mctx);
        if (rc >= 0) {
            return true;
        }
        if (rc != PCRE2_ERROR_NOMATCH) {
            c->filter_limit_hits++;
            return true; /* undecided: a limit */
        }
    }
    return false;
}
