/* SPDX-License-Identifier: MIT */
/* Parser for `kubectl describe` text: pods, nodes, PVCs, PVs, deployments,
 * replicasets, statefulsets, services, events tables and the generic
 * describer used for custom resources. Several objects per file. It is fed
 * one line at a time and never sees a file or an archive, so it is tested
 * from memory buffers. It does not store anything: finished objects and
 * the rows of each object's Events table go to a kt_sink. */
#ifndef KT_DESCRIBE_H
#define KT_DESCRIBE_H

#include "kt.h"
#include "model.h"

#include <stdbool.h>
#include <stddef.h>

struct describe_parser;

/* Make a parser that delivers to sink (borrowed; must outlive the parser).
 * Returns NULL when out of memory. Caller frees with describe_free(). */
struct describe_parser *describe_new(const struct kt_sink *sink);

/* Feed one line without its line terminator (a trailing CR may be left;
 * it is ignored). lineno counts from 1 and is copied into the emitted
 * structs' line fields. Returns KT_OK, or the first error a sink callback
 * returned. Malformed text never fails: what cannot be read is skipped. */
enum kt_status describe_line(struct describe_parser *p, const char *line,
                             size_t len, long lineno);

/* End of input: emits the object in progress, if any. */
enum kt_status describe_finish(struct describe_parser *p);

/* Release the parser. describe_free(NULL) does nothing. */
void describe_free(struct describe_parser *p);

/* Does this text, the first bytes of a file, look like describe output?
 * True when the first non-empty line is `Name:` followed by spaces and a
 * value. */
bool describe_sniff(const char *buf, size_t len);

#endif
