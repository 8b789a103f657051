/* SPDX-License-Identifier: MIT */
/* The detector runner behind detect.h: the table of detector code, their
 * parameters, and the rows they write. */
#include "detect.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "kt_limits.h"

/* Detectors write at priority 60, above a pattern's default of 50: on the
 * same subject and category, a detector's title (with its counts and
 * times) is the better headline. */
#define DETECT_PRIORITY 60

static const struct {
    const char *name;
    enum kt_status (*run)(struct detect *d, struct kt_err *err);
} detectors[] = {
    { "restart-storm", detect_restart_storm },
    { "node-restart", detect_node_restart },
    { "no-default-storage-class", detect_no_default_class },
    { "gpu-capacity", detect_gpu_capacity },
    { "gpu-device-plugin", detect_gpu_plugin },
    { "gpu-taint", detect_gpu_taint },
    { "redirect-loop", detect_redirect_loop },
    { "cold-start", detect_cold_start },
    { "version-drift", detect_version_drift },
    { "api-removed", detect_api_removed },
};

struct detect {
    const struct detector_spec *spec;
    sqlite3 *db;
    cJSON *params;
    sqlite3_stmt *insert;
    struct detect_stats *stats;
    /* The subject of the last hit, for detect_cite(). */
    char *namespace;
    char *kind;
    char *name;
    char *container;
};

bool
detect_known(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(detectors) / sizeof(detectors[0]); i++) {
        if (name != NULL && strcmp(name, detectors[i].name) == 0) {
            return true;
        }
    }
    return false;
}

sqlite3 *
detect_db(struct detect *d)
{
    return d->db;
}

const char *
detect_id(struct detect *d)
{
    return d->spec->id;
}

long long
detect_param_int(struct detect *d, const char *key, long long dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(d->params, key);

    return cJSON_IsNumber(v) ? (long long)v->valuedouble : dflt;
}

const char *
detect_param_str(struct detect *d, const char *key, const char *dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(d->params, key);

    return cJSON_IsString(v) ? v->valuestring : dflt;
}

/* The parameter at a dotted path: object keys and array indexes, as in
 * "rules.2.needs" or "components.0.images.1". NULL when any step is
 * missing. Keys containing a dot cannot be reached. */
static const cJSON *
param_at(struct detect *d, const char *path)
{
    const cJSON *v = d->params;
    const char *p = path;

    while (v != NULL && p != NULL && *p != '\0') {
        const char *dot = strchr(p, '.');
        size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);
        char key[128];

        if (n >= sizeof(key)) {
            return NULL;
        }
        memcpy(key, p, n);
        key[n] = '\0';
        if (cJSON_IsArray(v)) {
            char *end = NULL;
            unsigned long i = strtoul(key, &end, 10);

            if (n == 0 || end == NULL || *end != '\0' || key[0] == '-' ||
                i >= (unsigned long)cJSON_GetArraySize(v)) {
                return NULL;
            }
            v = cJSON_GetArrayItem(v, (int)i);
        } else {
            v = cJSON_GetObjectItemCaseSensitive(v, key);
        }
        p = dot != NULL ? dot + 1 : NULL;
    }
    return v;
}

size_t
detect_param_len(struct detect *d, const char *path)
{
    const cJSON *v = param_at(d, path);

    return cJSON_IsArray(v) ? (size_t)cJSON_GetArraySize(v) : 0;
}

bool
detect_param_is_set(struct detect *d, const char *path)
{
    const cJSON *v = param_at(d, path);

    return v != NULL && !cJSON_IsNull(v);
}

const char *
detect_param_at(struct detect *d, const char *path, const char *dflt)
{
    const cJSON *v = param_at(d, path);

    return cJSON_IsString(v) ? v->valuestring : dflt;
}

const char *
detect_param_item(struct detect *d, const char *path, size_t i)
{
    const cJSON *v = param_at(d, path);
    const cJSON *item = NULL;

    if (cJSON_IsArray(v) && i < (size_t)cJSON_GetArraySize(v)) {
        item = cJSON_GetArrayItem(v, (int)i);
    }
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

struct fill {
    const struct detect_hit *h;
};

/* Append the value of placeholder key: a detector variable, else a part
 * of the subject, else "<key>". */
static void
put_var(void *ctx, const char *key, struct kt_buf *out)
{
    const struct detect_hit *h = ((const struct fill *)ctx)->h;
    const char *const *v;
    const char *val = NULL;

    for (v = h->vars; v != NULL && v[0] != NULL && v[1] != NULL; v += 2) {
        if (strcmp(v[0], key) == 0) {
            val = v[1];
            break;
        }
    }
    if (val == NULL && strcmp(key, "namespace") == 0) {
        val = h->namespace;
    } else if (val == NULL && strcmp(key, "kind") == 0) {
        val = h->kind;
    } else if (val == NULL && strcmp(key, "name") == 0) {
        val = h->name;
    } else if (val == NULL && strcmp(key, "container") == 0) {
        val = h->container;
    }
    if (val != NULL && val[0] != '\0') {
        kt_buf_append(out, val, strlen(val));
    } else {
        kt_buf_printf(out, "<%s>", key);
    }
}

static void
bind_opt(sqlite3_stmt *s, int col, const char *v)
{
    if (v == NULL) {
        sqlite3_bind_null(s, col);
    } else {
        sqlite3_bind_text(s, col, v, -1, SQLITE_TRANSIENT);
    }
}

/* One row of the matches table for the current detector. */
static enum kt_status
insert_row(struct detect *d, int strong, const char *source,
           long long source_id, long long file_id, long long line,
           const char *ts, const char *text, char *const texts[5],
           struct kt_err *err)
{
    sqlite3_stmt *s = d->insert;
    int rc;

    bind_opt(s, 1, d->spec->id);
    bind_opt(s, 2, d->spec->category);
    bind_opt(s, 3, d->spec->severity);
    sqlite3_bind_int(s, 4, strong);
    sqlite3_bind_int(s, 5, DETECT_PRIORITY);
    bind_opt(s, 6, source);
    sqlite3_bind_int64(s, 7, source_id);
    bind_opt(s, 8, d->namespace ? d->namespace : "");
    bind_opt(s, 9, d->kind ? d->kind : "");
    bind_opt(s, 10, d->name ? d->name : "");
    bind_opt(s, 11, d->container);
    sqlite3_bind_int64(s, 12, file_id);
    sqlite3_bind_int64(s, 13, line);
    bind_opt(s, 14, ts);
    if (text != NULL) {
        sqlite3_bind_text(s, 15, text, (int)strnlen(text, KT_MAX_FIELD),
                          SQLITE_TRANSIENT);
    }
    bind_opt(s, 16, texts ? texts[0] : NULL);
    bind_opt(s, 17, texts ? texts[1] : NULL);
    bind_opt(s, 18, texts ? texts[2] : NULL);
    bind_opt(s, 19, texts ? texts[3] : NULL);
    bind_opt(s, 20, texts ? texts[4] : NULL);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) {
        return kt_err_set(err, KT_EDB, "detector %s: %s", d->spec->id,
                          sqlite3_errmsg(d->db));
    }
    return KT_OK;
}

static void
set_subject(struct detect *d, const struct detect_hit *h)
{
    free(d->namespace);
    free(d->kind);
    free(d->name);
    free(d->container);
    d->namespace = kt_strdup0(h->namespace);
    d->kind = kt_strdup0(h->kind);
    d->name = kt_strdup0(h->name);
    d->container = kt_strdup0(h->container);
}

enum kt_status
detect_emit(struct detect *d, const struct detect_hit *h, struct kt_err *err)
{
    const struct detector_spec *sp = d->spec;
    struct fill f = { h };
    struct kt_buf steps;
    struct kt_buf refs;
    char *texts[5] = { NULL };
    enum kt_status st;
    size_t i;

    set_subject(d, h);
    texts[0] = kt_template(sp->title, put_var, &f);
    texts[1] = kt_template(sp->root_cause, put_var, &f);
    texts[2] = kt_template(sp->fix, put_var, &f);
    kt_buf_init(&steps, KT_MAX_FIELD);
    kt_buf_init(&refs, KT_MAX_FIELD);
    for (i = 0; i < sp->n_next_steps; i++) {
        char *step = kt_template(sp->next_steps[i], put_var, &f);

        if (i > 0) {
            kt_buf_putc(&steps, '\n');
        }
        if (step != NULL) {
            kt_buf_append(&steps, step, strlen(step));
        }
        free(step);
    }
    for (i = 0; i < sp->n_references; i++) {
        if (i > 0) {
            kt_buf_putc(&refs, '\n');
        }
        kt_buf_append(&refs, sp->references[i], strlen(sp->references[i]));
    }
    texts[3] = kt_buf_take(&steps);
    texts[4] = refs.len > 0 ? kt_buf_take(&refs) : NULL;
    if (texts[0] == NULL || texts[1] == NULL || texts[2] == NULL ||
        texts[3] == NULL || d->name == NULL) {
        st = kt_err_set(err, KT_ENOMEM, "out of memory");
    } else {
        st = insert_row(d, 1, "detector", 0, h->file_id, h->line, h->ts,
                        h->text, texts, err);
    }
    for (i = 0; i < 5; i++) {
        free(texts[i]);
    }
    kt_buf_fini(&refs);
    if (st == KT_OK) {
        d->stats->hits++;
    }
    return st;
}

enum kt_status
detect_cite(struct detect *d, const char *source, long long source_id,
            long long file_id, long long line, const char *ts, const char *text,
            struct kt_err *err)
{
    if (d->name == NULL) {
        return KT_OK; /* nothing emitted yet */
    }
    return insert_row(d, 0, source, source_id, file_id, line, ts, text, NULL,
                      err);
}

enum kt_status
detect_not_checked(struct detect *d, const char *needs, const char *weakens,
                   struct kt_err *err)
{
    sqlite3_stmt *s;
    int rc;

    if (sqlite3_prepare_v2(d->db,
                           "INSERT INTO not_checked(rule, category, needs,"
                           " weakens) VALUES(?,?,?,?)",
                           -1, &s, NULL) != SQLITE_OK) {
        return kt_err_set(err, KT_EDB, "detector %s: %s", d->spec->id,
                          sqlite3_errmsg(d->db));
    }
    bind_opt(s, 1, d->spec->id);
    bind_opt(s, 2, d->spec->category);
    bind_opt(s, 3, needs);
    bind_opt(s, 4, weakens);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        return kt_err_set(err, KT_EDB, "detector %s: %s", d->spec->id,
                          sqlite3_errmsg(d->db));
    }
    d->stats->not_checked++;
    return KT_OK;
}

static enum kt_status
run_one(struct detect *d, struct kt_err *err)
{
    size_t i;

    for (i = 0; i < sizeof(detectors) / sizeof(detectors[0]); i++) {
        if (strcmp(detectors[i].name, d->spec->detector) == 0) {
            d->stats->run++;
            return detectors[i].run(d, err);
        }
    }
    return KT_OK; /* pattern.c accepts only known names */
}

enum kt_status
detect_run_all(const struct pattern_set *set, sqlite3 *db,
               struct detect_stats *ds, struct kt_err *err)
{
    static const char insert_sql[] =
            "INSERT INTO matches(pattern, category, severity, strong,"
            " priority, source, source_id, namespace, kind, name, container,"
            " file_id, line, ts, text, title, root_cause, fix, next_steps,"
            " refs) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    struct detect d;
    enum kt_status st = KT_OK;
    size_t i;

    memset(ds, 0, sizeof(*ds));
    memset(&d, 0, sizeof(d));
    d.db = db;
    d.stats = ds;
    if (sqlite3_exec(db, "DELETE FROM not_checked", NULL, NULL, NULL) !=
                SQLITE_OK ||
        sqlite3_prepare_v2(db, insert_sql, -1, &d.insert, NULL) != SQLITE_OK) {
        return kt_err_set(err, KT_EDB, "cannot prepare detectors: %s",
                          sqlite3_errmsg(db));
    }
    for (i = 0; st == KT_OK && i < set->n_d; i++) {
        d.spec = &set->d[i];
        d.params = cJSON_Parse(d.spec->params);
        st = run_one(&d, err);
        cJSON_Delete(d.params);
        d.params = NULL;
        set_subject(&d, &(struct detect_hit){ 0 });
    }
    sqlite3_finalize(d.insert);
    return st;
}
