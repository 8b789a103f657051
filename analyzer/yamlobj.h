/* SPDX-License-Identifier: MIT */
/* Objects and events from YAML files of support bundles: `kubectl get -o
 * yaml` lists, the custom-resources copies of troubleshoot bundles (a bare
 * sequence of objects) and the per-object files of OpenShift must-gather.
 * It turns each YAML document into a tree and lets jsonobj.c read it, so a
 * pod reads the same from YAML as from JSON. */
#ifndef KT_YAMLOBJ_H
#define KT_YAMLOBJ_H

#include "kt.h"
#include "model.h"

#include <stddef.h>

/* Parse len bytes of YAML text at buf (no NUL terminator needed; buf may
 * be NULL when len is 0) and deliver every object and event of every
 * `---` document to sink. kind_hint names the kind for items that carry
 * none (from the file path), or is NULL. Each item keeps its 1-based
 * source line; parts of an item (containers, conditions) get the item's.
 *
 * Plain scalars that read as decimal numbers, true/false or null become
 * numbers, booleans and nulls; every other scalar stays a string, cut at
 * KT_MAX_FIELD bytes. *n_items counts what was delivered.
 *
 * Returns KT_EFORMAT with err set for a syntax error or invalid UTF-8
 * ("invalid YAML at line N: ..."), an alias or a non-scalar mapping key;
 * KT_ELIMIT for nesting deeper than KT_MAX_JSON_DEPTH or a document of
 * more than YAMLOBJ_MAX_NODES (yamlobj.c) nodes; KT_ENOMEM; or the first
 * error of a sink callback (err untouched). Documents completed before an
 * error have already been delivered and are counted in *n_items. */
enum kt_status yamlobj_extract(const char *buf, size_t len,
                               const char *kind_hint,
                               const struct kt_sink *sink, size_t *n_items,
                               struct kt_err *err);

/* The libyaml version. Static string. */
const char *yamlobj_version(void);

/* Accept YAML nested at most depth levels, 1 to KT_MAX_JSON_DEPTH (the
 * default); deeper documents give KT_ELIMIT. Process-wide: set it once,
 * before parsing (--max-doc-depth). */
void yamlobj_set_max_depth(int depth);

#endif
