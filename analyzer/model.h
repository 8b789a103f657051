/* SPDX-License-Identifier: MIT */
/* The Kubernetes objects and events that parsers emit and the index stores.
 * Parsers of every input format (JSON lists, describe text, YAML) fill the
 * same structs, so a pod reads the same whichever file it came from. This
 * header holds data only; it knows no file format and no database.
 *
 * Ownership: every char * in these structs is owned by the struct and freed
 * by its _fini(). A parser hands a finished struct to a sink callback, which
 * borrows it for the duration of the call. */
#ifndef KT_MODEL_H
#define KT_MODEL_H

#include "kt.h"

#include <stdbool.h>
#include <stddef.h>

/* One status condition of an object (PodScheduled, Ready, Bound, ...). */
struct kt_condition {
    char *type;
    char *status; /* "True", "False", "Unknown" */
    char *reason;
    char *message;
    char *last_transition; /* RFC 3339 or NULL */
    long line;             /* source line, 0 when unknown */
};

/* One container of a pod, with its current and last state. */
struct kt_container {
    char *name;
    char *image;
    bool is_init;
    bool ready;
    char *state; /* "running", "waiting", "terminated" or NULL */
    char *reason;
    char *message;
    int exit_code;
    bool has_exit_code;
    char *last_state; /* "terminated" etc., NULL when none */
    char *last_reason;
    char *last_message;
    int last_exit_code;
    bool has_last_exit_code;
    char *last_finished; /* RFC 3339 or NULL */
    long restarts;
    long line;
};

/* A resource of a node (cpu, memory, nvidia.com/gpu) or a request/limit of
 * a pod, kept as the text Kubernetes printed ("4", "16Gi", "500m"). */
struct kt_resource {
    char *name;
    char *capacity;    /* node capacity, or pod limit */
    char *allocatable; /* node allocatable, or pod request */
    char *requested;   /* node: requests of its pods (describe's
                          "Allocated resources"), else NULL */
    long line;
};

/* One object of any kind. Fields that do not apply stay NULL. */
struct kt_object {
    char *kind; /* "Pod", "Node", "PersistentVolumeClaim", ... */
    char *namespace;
    char *name;
    char *uid;
    char *node;   /* pods: spec.nodeName */
    char *phase;  /* pods, PVCs, namespaces: status.phase */
    char *reason; /* pods: status.reason ("Evicted") */
    char *message;
    char *created;    /* RFC 3339 or NULL */
    char *owner_kind; /* first controller owner reference */
    char *owner_name;
    char *storage_class;   /* PVCs: spec.storageClassName */
    char *volume;          /* PVCs: spec.volumeName */
    char *claims;          /* pods: PVC names, comma separated */
    char *taints;          /* nodes: "key=value:Effect", comma separated */
    char *tolerations;     /* pods: same shape, comma separated */
    char *node_selector;   /* pods: "k=v", comma separated */
    char *images;          /* pods: container images, comma separated */
    char *labels;          /* "k=v", comma separated */
    char *version;         /* nodes: kubelet version ("v1.27.3") */
    char *service_account; /* pods: spec.serviceAccountName */
    char *selector;        /* Services, controllers: "k=v", comma
                              separated */
    char *min_scale;       /* InferenceService, Knative Service or
                              Revision: minimum replicas as written;
                              "" for a Knative object without it */
    bool is_default_class; /* StorageClasses: the default annotation */
    long line;             /* line where the object starts, 0 if unknown */

    struct kt_container *containers;
    size_t n_containers;
    struct kt_condition *conditions;
    size_t n_conditions;
    struct kt_resource *resources;
    size_t n_resources;
};

/* One Kubernetes event. */
struct kt_event {
    char *namespace;
    char *kind; /* involved object */
    char *name;
    char *type; /* "Normal", "Warning" */
    char *reason;
    char *message;
    char *source; /* reporting component */
    long count;
    char *first_seen; /* RFC 3339 or NULL */
    char *last_seen;  /* RFC 3339 or NULL */
    char *age;        /* the relative age as printed ("2m (x3 over 5m)") */
    long line;
};

/* Where parsers deliver what they found. Each callback borrows its
 * argument for the call only and returns KT_OK to go on. */
struct kt_sink {
    void *ctx;
    enum kt_status (*object)(void *ctx, const struct kt_object *o);
    enum kt_status (*event)(void *ctx, const struct kt_event *e);
};

void kt_object_init(struct kt_object *o);
void kt_object_fini(struct kt_object *o);
void kt_event_init(struct kt_event *e);
void kt_event_fini(struct kt_event *e);

/* Append a zeroed element and return it, or NULL when out of memory or
 * when the object already holds KT_MAX_OBJECT_PARTS elements of that
 * kind. The element is owned by the object. */
struct kt_container *kt_object_add_container(struct kt_object *o);
struct kt_condition *kt_object_add_condition(struct kt_object *o);
struct kt_resource *kt_object_add_resource(struct kt_object *o);

/* Replace *field with a copy of len bytes of s (right-trimmed). Returns
 * KT_ENOMEM on failure, leaving the old value. */
enum kt_status kt_set_field(char **field, const char *s, size_t len);

/* Append s to a comma separated list in *field. */
enum kt_status kt_list_append(char **field, const char *s, size_t len);

#endif
