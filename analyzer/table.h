/* SPDX-License-Identifier: MIT */
/* Parser for `kubectl get` table output: pods, nodes, PVCs, PVs, the
 * sections of `kubectl get all`, `kubectl get events` (plain, -A, -o wide)
 * and `kubectl events`. Several tables per file. It is fed one line at a
 * time and never sees a file, so it is tested from memory buffers. It
 * stores nothing: rows become kt_objects and kt_events handed to a sink. */
#ifndef KT_TABLE_H
#define KT_TABLE_H

#include "kt.h"
#include "model.h"

#include <stdbool.h>
#include <stddef.h>

struct table_parser;

/* Make a parser that delivers to sink (borrowed; must outlive the parser).
 * Returns NULL when out of memory. Caller frees with table_free(). */
struct table_parser *table_new(const struct kt_sink *sink);

/* Feed one line without its line terminator (a trailing CR is ignored);
 * the bytes need not be NUL-terminated. lineno counts from 1 and goes
 * into the emitted structs' line fields. Returns KT_OK, or the first
 * error a sink callback returned (or KT_ENOMEM), after which every call
 * returns that error. Unreadable rows are skipped, never an error. */
enum kt_status table_line(struct table_parser *p, const char *line, size_t len,
                          long lineno);

/* End of input: emits the event row still waiting for continuation
 * lines, if any. */
enum kt_status table_finish(struct table_parser *p);

/* Release the parser. table_free(NULL) does nothing. */
void table_free(struct table_parser *p);

/* Does this text, the first bytes of a file, look like a `kubectl get`
 * table this parser reads? True when the first non-empty line is a
 * header of upper-case column names starting with NAME, NAMESPACE then
 * NAME or LAST SEEN, or LAST SEEN, with two or more spaces after the
 * first name (one is enough for the pod and event header shapes). */
bool table_sniff(const char *buf, size_t len);

#endif
