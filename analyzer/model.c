/* SPDX-License-Identifier: MIT */
/* Construction and release of the structs of model.h. */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "kt_limits.h"

void
kt_object_init(struct kt_object *o)
{
    memset(o, 0, sizeof(*o));
}

static void
container_fini(struct kt_container *c)
{
    free(c->name);
    free(c->image);
    free(c->state);
    free(c->reason);
    free(c->message);
    free(c->last_state);
    free(c->last_reason);
    free(c->last_message);
    free(c->last_finished);
}

static void
condition_fini(struct kt_condition *c)
{
    free(c->type);
    free(c->status);
    free(c->reason);
    free(c->message);
    free(c->last_transition);
}

void
kt_object_fini(struct kt_object *o)
{
    size_t i;

    free(o->kind);
    free(o->namespace);
    free(o->name);
    free(o->uid);
    free(o->node);
    free(o->phase);
    free(o->reason);
    free(o->message);
    free(o->created);
    free(o->owner_kind);
    free(o->owner_name);
    free(o->storage_class);
    free(o->volume);
    free(o->claims);
    free(o->taints);
    free(o->tolerations);
    free(o->node_selector);
    free(o->version);
    free(o->service_account);
    free(o->selector);
    free(o->min_scale);
    free(o->images);
    free(o->labels);
    for (i = 0; i < o->n_containers; i++) {
        container_fini(&o->containers[i]);
    }
    free(o->containers);
    for (i = 0; i < o->n_conditions; i++) {
        condition_fini(&o->conditions[i]);
    }
    free(o->conditions);
    for (i = 0; i < o->n_resources; i++) {
        free(o->resources[i].name);
        free(o->resources[i].capacity);
        free(o->resources[i].allocatable);
        free(o->resources[i].requested);
    }
    free(o->resources);
    memset(o, 0, sizeof(*o));
}

void
kt_event_init(struct kt_event *e)
{
    memset(e, 0, sizeof(*e));
}

void
kt_event_fini(struct kt_event *e)
{
    free(e->namespace);
    free(e->kind);
    free(e->name);
    free(e->type);
    free(e->reason);
    free(e->message);
    free(e->source);
    free(e->first_seen);
    free(e->last_seen);
    free(e->age);
    memset(e, 0, sizeof(*e));
}

/* Grow an array of elements of size elem by one zeroed element. */
static void *
grow(void **arr, size_t *n, size_t elem)
{
    char *p;

    if (*n >= KT_MAX_OBJECT_PARTS) {
        return NULL;
    }
    p = realloc(*arr, (*n + 1) * elem);
    if (p == NULL) {
        return NULL;
    }
    *arr = p;
    memset(p + *n * elem, 0, elem);
    return p + (*n)++ * elem;
}

struct kt_container *
kt_object_add_container(struct kt_object *o)
{
    return grow((void **)&o->containers, &o->n_containers,
                sizeof(struct kt_container));
}

struct kt_condition *
kt_object_add_condition(struct kt_object *o)
{
    return grow((void **)&o->conditions, &o->n_conditions,
                sizeof(struct kt_condition));
}

struct kt_resource *
kt_object_add_resource(struct kt_object *o)
{
    return grow((void **)&o->resources, &o->n_resources,
                sizeof(struct kt_resource));
}

enum kt_status
kt_set_field(char **field, const char *s, size_t len)
{
    char *p;

    while (len > 0 && strchr(" \t\r\n", s[len - 1]) != NULL) {
        len--;
    }
    p = kt_strndup(s, len);
    if (p == NULL) {
        return KT_ENOMEM;
    }
    free(*field);
    *field = p;
    return KT_OK;
}

enum kt_status
kt_list_append(char **field, const char *s, size_t len)
{
    size_t old = *field ? strlen(*field) : 0;
    char *p;

    if (old + len > KT_MAX_FIELD) {
        return KT_ELIMIT;
    }
    p = realloc(*field, old + len + 2);
    if (p == NULL) {
        return KT_ENOMEM;
    }
    if (old > 0) {
        p[old++] = ',';
    }
    memcpy(p + old, s, len);
    p[old + len] = '\0';
    *field = p;
    return KT_OK;
}
