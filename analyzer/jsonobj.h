/* SPDX-License-Identifier: MIT */
/* Objects and events from `kubectl get -o json` output and the JSON files of
 * support bundles: a List with items, a bare array of objects (troubleshoot
 * custom resources), or a single object. It fills the structs of model.h
 * and hands them to a sink; it stores nothing and reads no file. */
#ifndef KT_JSONOBJ_H
#define KT_JSONOBJ_H

#include "kt.h"
#include "model.h"

#include <stddef.h>

/* Parse len bytes of JSON text at buf and deliver every object and event
 * it holds to sink. kind_hint names the kind for items that carry none
 * (from the file path, e.g. "Pod" for pods/default.json), or is NULL.
 * Line numbers of each item (and of the event message, container status
 * and condition inside it) are found in buf. *n_items counts what was
 * delivered. Returns KT_EFORMAT with err set when the text is not JSON,
 * KT_ELIMIT when it nests deeper than KT_MAX_JSON_DEPTH, or the first
 * error of a sink callback. */
enum kt_status jsonobj_extract(const char *buf, size_t len,
                               const char *kind_hint,
                               const struct kt_sink *sink, size_t *n_items,
                               struct kt_err *err);

/* Called for each message of a collector's error file. */
typedef enum kt_status (*jsonobj_string_fn)(void *ctx, const char *text,
                                            long line);

/* Deliver every string of a JSON array of strings (or the string values
 * of an object) in buf: the "*-errors.json" files in which troubleshoot
 * bundles say what could not be collected. Returns KT_EFORMAT when the
 * text is not JSON. */
enum kt_status jsonobj_strings(const char *buf, size_t len,
                               jsonobj_string_fn fn, void *ctx,
                               struct kt_err *err);

/* The same for a document another parser built (YAML): root is a List,
 * an array of objects or one object. item_lines holds the source line of
 * each item of the list (as many as there are items), or is NULL;
 * root_line is the line of a single-object document. Parts of an item
 * get the item's line. */
/* Accept JSON nested at most depth levels, 1 to KT_MAX_JSON_DEPTH (the
 * default); deeper documents give KT_ELIMIT. Process-wide: set it once,
 * before parsing (--max-doc-depth). */
void jsonobj_set_max_depth(int depth);

struct cJSON;
enum kt_status jsonobj_extract_tree(const struct cJSON *root,
                                    const long *item_lines, long root_line,
                                    const char *kind_hint,
                                    const struct kt_sink *sink,
                                    size_t *n_items);

#endif
