/* SPDX-License-Identifier: MIT */
/* Redirect loops: one client of the ingress gateway sent back and forth
 * between the app, the auth proxy (oauth2-proxy, authservice) and Dex with
 * redirects only, many times in a short window, never reaching a page.
 * Reads the access table (Envoy access logs of the gateway pods) and, to
 * say why, the cookie, state and CSRF errors the auth pods logged then. */
#include "detect.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

/* At most this many requests of one uninterrupted run are kept; a longer
 * run is judged on its first ones, which are enough to see a loop. */
#define MAX_RUN 4096
/* The longest cycle looked for (app, proxy start, IdP, callback, ...). */
#define MAX_CYCLE 8

/* One redirect of a run. Strings are owned. */
struct hop {
    long long log_id;
    long long file_id;
    long long line;
    long long ms; /* start time, milliseconds since the epoch */
    char *ts;
    char *path; /* without its query string */
    char *text;
    bool is_auth;
};

/* The redirects of one client at one gateway since its last page. */
struct run {
    struct hop *hops;
    size_t n;
};

/* The worst loop of one gateway: a window of a run, copied. */
struct loop {
    struct run r;
    char *client;
    int clients; /* clients of the gateway that looped */
};

struct params {
    long long min_redirects;
    long long window_ms;
    long long cite;
    long long max_linked;
};

static const char *
col(sqlite3_stmt *s, int i)
{
    const char *v = (const char *)sqlite3_column_text(s, i);

    return v != NULL ? v : "";
}

static void
run_clear(struct run *r)
{
    size_t i;

    for (i = 0; i < r->n; i++) {
        free(r->hops[i].ts);
        free(r->hops[i].path);
        free(r->hops[i].text);
    }
    r->n = 0;
}

static void
loop_clear(struct loop *l)
{
    run_clear(&l->r);
    free(l->r.hops);
    l->r.hops = NULL;
    free(l->client);
    l->client = NULL;
    l->clients = 0;
}

/* Does s contain word, ignoring ASCII case? */
static bool
has_nocase(const char *s, const char *word)
{
    size_t n = strlen(word);

    for (; n > 0 && *s != '\0'; s++) {
        size_t i = 0;

        while (i < n && s[i] != '\0' &&
               tolower((unsigned char)s[i]) ==
                       tolower((unsigned char)word[i])) {
            i++;
        }
        if (i == n) {
            return true;
        }
    }
    return false;
}

/* Does the request path belong to the login flow (auth_prefixes)? */
static bool
is_auth_path(struct detect *d, const char *path)
{
    const char *p;
    size_t i;

    for (i = 0; (p = detect_param_item(d, "auth_prefixes", i)) != NULL; i++) {
        if (p[0] != '\0' && strncmp(path, p, strlen(p)) == 0) {
            return true;
        }
    }
    return false;
}

static bool
is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 ||
           status == 308;
}

/* Append the current row of s (the access query) to r. */
static enum kt_status
run_push(struct detect *d, struct run *r, sqlite3_stmt *s, struct kt_err *err)
{
    struct hop *h;
    const char *path = col(s, 4);
    const char *flags = col(s, 5);
    size_t plen = strcspn(path, "?#");

    if (r->n >= MAX_RUN) {
        return KT_OK;
    }
    h = &r->hops[r->n];
    memset(h, 0, sizeof(*h));
    h->log_id = sqlite3_column_int64(s, 6);
    h->file_id = sqlite3_column_int64(s, 7);
    h->line = sqlite3_column_int64(s, 8);
    h->ts = kt_strdup0(col(s, 9));
    h->text = kt_strdup0(col(s, 10));
    h->ms = sqlite3_column_int64(s, 11);
    h->path = kt_strndup(path, plen);
    if (h->ts == NULL || h->text == NULL || h->path == NULL) {
        free(h->ts);
        free(h->text);
        free(h->path);
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    /* ext_authz answering with a redirect is the auth proxy at work too. */
    h->is_auth = is_auth_path(d, h->path) || strstr(flags, "UAEX") != NULL;
    r->n++;
    return KT_OK;
}

/* The densest window of r: the most redirects within window_ms. Sets
 * *from and returns how many. */
static size_t
densest(const struct run *r, long long window_ms, size_t *from)
{
    size_t best = 0;
    size_t i = 0;
    size_t j;

    *from = 0;
    for (j = 0; j < r->n; j++) {
        while (r->hops[j].ms - r->hops[i].ms > window_ms) {
            i++;
        }
        if (j - i + 1 > best) {
            best = j - i + 1;
            *from = i;
        }
    }
    return best;
}

/* Judge the finished run of client: when a window of it is a loop
 * through the login flow, count the client and keep the window in best
 * if it is the worst so far. Empties r. */
static enum kt_status
run_judge(struct run *r, const char *client, const struct params *p,
          struct loop *best, struct kt_err *err)
{
    size_t from = 0;
    size_t n = densest(r, p->window_ms, &from);
    bool auth = false;
    size_t i;

    for (i = from; i < from + n; i++) {
        auth = auth || r->hops[i].is_auth;
    }
    if (n < (size_t)p->min_redirects || !auth) {
        run_clear(r);
        return KT_OK;
    }
    best->clients++;
    if (n <= best->r.n) {
        run_clear(r);
        return KT_OK;
    }
    run_clear(&best->r);
    free(best->client);
    best->client = kt_strdup0(client);
    for (i = 0; i < n; i++) {
        best->r.hops[i] = r->hops[from + i];
        memset(&r->hops[from + i], 0, sizeof(struct hop));
    }
    best->r.n = n;
    run_clear(r);
    return best->client != NULL ? KT_OK
                                : kt_err_set(err, KT_ENOMEM, "out of memory");
}

/* The shortest period of the paths of r, or 0 when they repeat in no
 * cycle of up to MAX_CYCLE requests. */
static size_t
cycle_of(const struct run *r)
{
    size_t p;
    size_t i;

    for (p = 1; p <= MAX_CYCLE && 2 * p <= r->n; p++) {
        for (i = 0; i + p < r->n; i++) {
            if (strcmp(r->hops[i].path, r->hops[i + p].path) != 0) {
                break;
            }
        }
        if (i + p >= r->n) {
            return p;
        }
    }
    return 0;
}

/* The paths of one cycle joined by " -> ", or, for no regular cycle, the
 * distinct paths in the order first seen. */
static void
describe_paths(const struct run *r, size_t cycle, struct kt_buf *out)
{
    size_t shown = 0;
    size_t i;
    size_t j;

    for (i = 0; i < r->n && shown < MAX_CYCLE; i++) {
        if (cycle > 0 && i >= cycle) {
            break;
        }
        for (j = 0; cycle == 0 && j < i; j++) {
            if (strcmp(r->hops[j].path, r->hops[i].path) == 0) {
                break;
            }
        }
        if (cycle == 0 && j < i) {
            continue;
        }
        kt_buf_printf(out, "%s%s", shown > 0 ? " -> " : "", r->hops[i].path);
        shown++;
    }
    if (cycle > 0) {
        kt_buf_printf(out, " -> %s", r->hops[0].path);
    }
}

/* Log records of the auth pods around the loop that speak of cookies,
 * state or CSRF, and records any auth pattern matched then. With cite,
 * the first max_linked are cited; *n_found counts them all and first
 * gets a copy of the first one's message (caller frees). */
static enum kt_status
linked_errors(struct detect *d, const struct loop *l, const struct params *p,
              bool cite, int *n_found, char **first, struct kt_err *err)
{
    static const char sql[] =
            "SELECT l.id, l.file_id, l.line, l.ts, l.text,"
            " coalesce(l.pod, f.pod, f.path), substr(l.text, l.msg_off + 1),"
            " EXISTS(SELECT 1 FROM matches m WHERE m.source = 'log'"
            " AND m.source_id = l.id AND m.category = 'auth'"
            " AND m.pattern != ?4)"
            " FROM logs l JOIN files f ON f.id = l.file_id"
            " WHERE l.ts IS NOT NULL"
            " AND julianday(l.ts) >= julianday(?1) - ?3 / 86400000.0"
            " AND julianday(l.ts) <= julianday(?2) + ?3 / 86400000.0"
            " AND NOT EXISTS(SELECT 1 FROM access a WHERE a.log_id = l.id)"
            " ORDER BY julianday(l.ts), l.id";
    sqlite3 *db = detect_db(d);
    sqlite3_stmt *s;
    enum kt_status st = KT_OK;

    *n_found = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        return kt_err_set(err, KT_EDB, "%s: %s", detect_id(d),
                          sqlite3_errmsg(db));
    }
    sqlite3_bind_text(s, 1, l->r.hops[0].ts, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, l->r.hops[l->r.n - 1].ts, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, p->window_ms);
    sqlite3_bind_text(s, 4, detect_id(d), -1, SQLITE_STATIC);
    while (st == KT_OK && sqlite3_step(s) == SQLITE_ROW) {
        const char *pod = col(s, 5);
        const char *text = col(s, 4);
        bool linked = sqlite3_column_int(s, 7) != 0;
        const char *w;
        size_t i;

        for (i = 0; !linked && (w = detect_param_item(d, "auth_pods", i));
             i++) {
            linked = strstr(pod, w) != NULL;
        }
        if (!linked) {
            continue;
        }
        linked = sqlite3_column_int(s, 7) != 0;
        for (i = 0; !linked && (w = detect_param_item(d, "error_words", i));
             i++) {
            linked = has_nocase(text, w);
        }
        if (!linked) {
            continue;
        }
        if (*n_found == 0 && first != NULL) {
            *first = kt_strdup0(col(s, 6));
        }
        (*n_found)++;
        if (cite && *n_found <= p->max_linked) {
            st = detect_cite(d, "log", sqlite3_column_int64(s, 0),
                             sqlite3_column_int64(s, 1),
                             sqlite3_column_int64(s, 2), col(s, 3), text, err);
        }
    }
    sqlite3_finalize(s);
    return st;
}

/* Report the worst loop of gateway ns/pod. */
static enum kt_status
report_loop(struct detect *d, const char *ns, const char *pod,
            const struct loop *l, const struct params *p, struct kt_err *err)
{
    const struct run *r = &l->r;
    size_t cycle = cycle_of(r);
    long long span_ms = r->hops[r->n - 1].ms - r->hops[0].ms;
    char *first_error = NULL;
    struct kt_buf paths;
    struct kt_buf idp;
    char n_redirects[24];
    char n_cycle[48];
    char span[32];
    char clients[24];
    char text[256];
    int n_linked = 0;
    enum kt_status st;
    size_t i;

    kt_buf_init(&paths, 4096);
    kt_buf_init(&idp, 2048);
    st = linked_errors(d, l, p, false, &n_linked, &first_error, err);
    if (st != KT_OK) {
        goto out;
    }
    describe_paths(r, cycle, &paths);
    snprintf(n_redirects, sizeof(n_redirects), "%zu", r->n);
    if (cycle > 0) {
        snprintf(n_cycle, sizeof(n_cycle), "%zu request%s", cycle,
                 cycle == 1 ? "" : "s");
    } else {
        snprintf(n_cycle, sizeof(n_cycle), "no regular cycle");
    }
    snprintf(span, sizeof(span), "%lld.%llds", span_ms / 1000,
             (span_ms % 1000) / 100);
    snprintf(clients, sizeof(clients), "%d", l->clients);
    if (n_linked > 0) {
        kt_buf_printf(&idp,
                      "The auth pods logged %d cookie, state or CSRF "
                      "error%s meanwhile, the first: %.300s",
                      n_linked, n_linked == 1 ? "" : "s",
                      first_error != NULL ? first_error : "");
    } else {
        kt_buf_printf(&idp, "Dex, oauth2-proxy and authservice logged no "
                            "cookie, state or CSRF error in that window "
                            "(or their logs are not in the bundle).");
    }
    snprintf(text, sizeof(text),
             "%s redirects of client %s in %s (cycle of %s), no page served",
             n_redirects, l->client, span, n_cycle);
    if (paths.data == NULL || idp.data == NULL) {
        st = kt_err_set(err, KT_ENOMEM, "out of memory");
        goto out;
    }
    {
        const char *vars[] = {
            "redirects",  n_redirects,   "cycle",   n_cycle,
            "span",       span,          "paths",   paths.data,
            "client",     l->client,     "clients", clients,
            "first",      r->hops[0].ts, "last",    r->hops[r->n - 1].ts,
            "idp_errors", idp.data,      NULL
        };
        struct detect_hit h = { ns,
                                "Pod",
                                pod,
                                NULL,
                                r->hops[0].file_id,
                                r->hops[0].line,
                                r->hops[0].ts,
                                text,
                                vars };

        st = detect_emit(d, &h, err);
    }

    /* The auth pods' errors say why; the first requests show the loop,
     * the last one that it went on. */
    if (st == KT_OK && n_linked > 0) {
        st = linked_errors(d, l, p, true, &n_linked, NULL, err);
    }
    for (i = 0; st == KT_OK && i < r->n; i++) {
        if (i >= (size_t)p->cite && i != r->n - 1) {
            continue;
        }
        st = detect_cite(d, "log", r->hops[i].log_id, r->hops[i].file_id,
                         r->hops[i].line, r->hops[i].ts, r->hops[i].text, err);
    }

out:
    free(first_error);
    kt_buf_fini(&paths);
    kt_buf_fini(&idp);
    return st;
}

static bool
same(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

enum kt_status
detect_redirect_loop(struct detect *d, struct kt_err *err)
{
    /* Requests of the gateway pods by pod and client in time order. A
     * record without a client address is grouped by the host it asked
     * for: the access table keeps no user agent to tell browsers apart. */
    static const char sql[] =
            "SELECT coalesce(f.namespace, ''), coalesce(l.pod, f.pod, f.path),"
            " coalesce(nullif(a.client, ''), 'host ' ||"
            " coalesce(nullif(a.authority, ''), '-')), a.status,"
            " coalesce(a.path, ''), coalesce(a.flags, ''), l.id, l.file_id,"
            " l.line, l.ts, l.text,"
            " CAST(round((julianday(l.ts) - 2440587.5) * 86400000.0)"
            " AS INTEGER) AS ms"
            " FROM access a JOIN logs l ON l.id = a.log_id"
            " JOIN files f ON f.id = l.file_id"
            " WHERE l.ts IS NOT NULL AND julianday(l.ts) IS NOT NULL"
            " AND coalesce(l.pod, f.pod, f.path) LIKE ?1"
            " ORDER BY 1, 2, 3, ms, l.id";
    struct params p;
    sqlite3 *db = detect_db(d);
    sqlite3_stmt *s = NULL;
    struct run r = { NULL, 0 };
    struct loop best;
    char *ns = NULL;
    char *pod = NULL;
    char *client = NULL;
    enum kt_status st = KT_OK;
    int any = 0;
    int rc;

    memset(&best, 0, sizeof(best));
    p.min_redirects = detect_param_int(d, "min_redirects", 10);
    p.window_ms = detect_param_int(d, "window_seconds", 60) * 1000;
    p.cite = detect_param_int(d, "cite_requests", 6);
    p.max_linked = detect_param_int(d, "max_linked_errors", 5);
    if (p.min_redirects < 2) {
        p.min_redirects = 2;
    }
    r.hops = calloc(MAX_RUN, sizeof(struct hop));
    best.r.hops = calloc(MAX_RUN, sizeof(struct hop));
    if (r.hops == NULL || best.r.hops == NULL) {
        st = kt_err_set(err, KT_ENOMEM, "out of memory");
        goto out;
    }
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        st = kt_err_set(err, KT_EDB, "%s: %s", detect_id(d),
                        sqlite3_errmsg(db));
        goto out;
    }
    sqlite3_bind_text(s, 1, detect_param_str(d, "gateway_like", "%gateway%"),
                      -1, SQLITE_STATIC);
    for (;;) {
        bool end;
        bool new_gateway;

        rc = sqlite3_step(s);
        end = rc != SQLITE_ROW;
        new_gateway = end || !same(ns, col(s, 0)) || !same(pod, col(s, 1));
        if (end || new_gateway || !same(client, col(s, 2))) {
            if (client != NULL) {
                st = run_judge(&r, client, &p, &best, err);
            }
            if (st == KT_OK && new_gateway && best.r.n > 0) {
                st = report_loop(d, ns, pod, &best, &p, err);
            }
            if (new_gateway) {
                loop_clear(&best);
                best.r.hops = calloc(MAX_RUN, sizeof(struct hop));
                if (best.r.hops == NULL) {
                    st = kt_err_set(err, KT_ENOMEM, "out of memory");
                }
            }
            free(client);
            client = NULL;
            if (end || st != KT_OK) {
                break;
            }
            if (new_gateway) {
                free(ns);
                free(pod);
                ns = kt_strdup0(col(s, 0));
                pod = kt_strdup0(col(s, 1));
            }
            client = kt_strdup0(col(s, 2));
            if (ns == NULL || pod == NULL || client == NULL) {
                st = kt_err_set(err, KT_ENOMEM, "out of memory");
                break;
            }
        }
        any = 1;

        /* A page (or any answer that is not a redirect) ends the run. */
        if (is_redirect(sqlite3_column_int(s, 3))) {
            st = run_push(d, &r, s, err);
        } else {
            st = run_judge(&r, client, &p, &best, err);
        }
        if (st != KT_OK) {
            break;
        }
    }
    if (st == KT_OK && rc != SQLITE_DONE) {
        st = kt_err_set(err, KT_EDB, "%s: %s", detect_id(d),
                        sqlite3_errmsg(db));
    }
    if (st == KT_OK && !any) {
        st = detect_not_checked(d, "istio-ingressgateway access logs",
                                "a redirect loop between the gateway and Dex "
                                "or oauth2-proxy can be neither confirmed nor "
                                "ruled out",
                                err);
    }

out:
    sqlite3_finalize(s);
    run_clear(&r);
    free(r.hops);
    loop_clear(&best);
    free(ns);
    free(pod);
    free(client);
    return st;
}
