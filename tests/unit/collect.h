/* SPDX-License-Identifier: MIT */
/* Test helpers shared by the parser tests that deliver to a kt_sink
 * (describe, table): a sink that deep-copies what it receives, since the
 * sink only borrows, and a feeder that hands a parser each line of a text
 * in a buffer of exactly its length, so that ASan catches any read past
 * a line. Included by the test files; static, so each binary has its own. */
#ifndef KT_TEST_COLLECT_H
#define KT_TEST_COLLECT_H

#include <stdlib.h>
#include <string.h>

#include "kt.h"
#include "model.h"

#define COLLECT_MAX_OBJS   16
#define COLLECT_MAX_EVENTS 32

/* What the sink received, deep-copied because the sink only borrows.
 * Beyond the array sizes items are only counted. */
struct got {
    struct kt_object objs[COLLECT_MAX_OBJS];
    size_t n_objs;
    size_t n_seen_objs;
    struct kt_event evs[COLLECT_MAX_EVENTS];
    size_t n_evs;
    size_t n_seen_evs;
    size_t n_seen; /* objects and events together */
    enum kt_status fail_with; /* returned by the sink when not KT_OK */
};

static char *
dup0(const char *s)
{
    char *p = kt_strdup0(s);

    assert_true(s == NULL || p != NULL);
    return p;
}

static void
copy_object(struct kt_object *d, const struct kt_object *s)
{
    size_t i;

    *d = *s;
    d->kind = dup0(s->kind);
    d->namespace = dup0(s->namespace);
    d->name = dup0(s->name);
    d->uid = dup0(s->uid);
    d->node = dup0(s->node);
    d->phase = dup0(s->phase);
    d->reason = dup0(s->reason);
    d->message = dup0(s->message);
    d->created = dup0(s->created);
    d->owner_kind = dup0(s->owner_kind);
    d->owner_name = dup0(s->owner_name);
    d->storage_class = dup0(s->storage_class);
    d->volume = dup0(s->volume);
    d->claims = dup0(s->claims);
    d->taints = dup0(s->taints);
    d->tolerations = dup0(s->tolerations);
    d->node_selector = dup0(s->node_selector);
    d->images = dup0(s->images);
    d->labels = dup0(s->labels);
    d->version = dup0(s->version);
    d->min_scale = dup0(s->min_scale);
    d->service_account = dup0(s->service_account);
    d->selector = dup0(s->selector);
    d->containers = calloc(s->n_containers + 1, sizeof(*d->containers));
    d->conditions = calloc(s->n_conditions + 1, sizeof(*d->conditions));
    d->resources = calloc(s->n_resources + 1, sizeof(*d->resources));
    assert_non_null(d->containers);
    assert_non_null(d->conditions);
    assert_non_null(d->resources);
    for (i = 0; i < s->n_containers; i++) {
        struct kt_container *dc = &d->containers[i];
        const struct kt_container *sc = &s->containers[i];

        *dc = *sc;
        dc->name = dup0(sc->name);
        dc->image = dup0(sc->image);
        dc->state = dup0(sc->state);
        dc->reason = dup0(sc->reason);
        dc->message = dup0(sc->message);
        dc->last_state = dup0(sc->last_state);
        dc->last_reason = dup0(sc->last_reason);
        dc->last_message = dup0(sc->last_message);
        dc->last_finished = dup0(sc->last_finished);
    }
    for (i = 0; i < s->n_conditions; i++) {
        struct kt_condition *dc = &d->conditions[i];
        const struct kt_condition *sc = &s->conditions[i];

        *dc = *sc;
        dc->type = dup0(sc->type);
        dc->status = dup0(sc->status);
        dc->reason = dup0(sc->reason);
        dc->message = dup0(sc->message);
        dc->last_transition = dup0(sc->last_transition);
    }
    for (i = 0; i < s->n_resources; i++) {
        d->resources[i] = s->resources[i];
        d->resources[i].name = dup0(s->resources[i].name);
        d->resources[i].capacity = dup0(s->resources[i].capacity);
        d->resources[i].allocatable = dup0(s->resources[i].allocatable);
        d->resources[i].requested = dup0(s->resources[i].requested);
    }
}

static enum kt_status
collect_object(void *ctx, const struct kt_object *o)
{
    struct got *g = ctx;

    g->n_seen_objs++;
    g->n_seen++;
    if (g->n_objs < COLLECT_MAX_OBJS) {
        copy_object(&g->objs[g->n_objs++], o);
    }
    return g->fail_with;
}

static enum kt_status
collect_event(void *ctx, const struct kt_event *e)
{
    struct got *g = ctx;
    struct kt_event *d;

    g->n_seen_evs++;
    g->n_seen++;
    if (g->n_evs >= COLLECT_MAX_EVENTS) {
        return g->fail_with;
    }
    d = &g->evs[g->n_evs++];
    *d = *e;
    d->namespace = dup0(e->namespace);
    d->kind = dup0(e->kind);
    d->name = dup0(e->name);
    d->type = dup0(e->type);
    d->reason = dup0(e->reason);
    d->message = dup0(e->message);
    d->source = dup0(e->source);
    d->first_seen = dup0(e->first_seen);
    d->last_seen = dup0(e->last_seen);
    d->age = dup0(e->age);
    return g->fail_with;
}

static void
got_fini(struct got *g)
{
    size_t i;

    for (i = 0; i < g->n_objs; i++) {
        kt_object_fini(&g->objs[i]);
    }
    for (i = 0; i < g->n_evs; i++) {
        kt_event_fini(&g->evs[i]);
    }
    memset(g, 0, sizeof(*g));
}

/* A parser's line function, wrapped to take the parser as void *. */
typedef enum kt_status (*collect_line_fn)(void *parser, const char *line,
                                          size_t len, long lineno);

/* Feed len bytes of text split at LF, each line in its own buffer of
 * exactly its length (no terminator), to fn. Returns the first status
 * that was not KT_OK. */
static enum kt_status
collect_lines(void *parser, collect_line_fn fn, const char *text, size_t len)
{
    enum kt_status st = KT_OK;
    size_t start = 0;
    long lineno = 1;

    while (start < len && st == KT_OK) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        size_t n = end - start;
        char *line = malloc(n > 0 ? n : 1);

        assert_non_null(line);
        memcpy(line, text + start, n);
        st = fn(parser, line, n, lineno++);
        free(line);
        start = end + 1;
    }
    return st;
}

#endif
