/* SPDX-License-Identifier: MIT */
/* Envoy and Istio access-log lines: the request fields the detectors of
 * the gateway's traffic need (client, method, path, status, response
 * flags, duration, authority, upstream). A pure function over a bounded
 * buffer; what is not an access-log line is told apart, not guessed. */
#ifndef KT_ACCESSLOG_H
#define KT_ACCESSLOG_H

#include <stdbool.h>
#include <stddef.h>

/* One request of an Envoy access log (Istio's default TEXT format, its
 * older and plain-Envoy variants, or the JSON encoding). Text fields are
 * offsets into the line; a field that is "-", null or absent has length
 * 0. Nothing is unescaped. */
struct accesslog {
    int status; /* RESPONSE_CODE; 0 for TCP connections */
    size_t method_off;
    size_t method_len;
    size_t path_off; /* the path with its query string */
    size_t path_len;
    size_t flags_off; /* RESPONSE_FLAGS, e.g. "UF,URX" */
    size_t flags_len;
    size_t authority_off; /* the Host / :authority header */
    size_t authority_len;
    size_t upstream_off; /* UPSTREAM_HOST, "10.244.3.21:8080" */
    size_t upstream_len;
    /* The first X-Forwarded-For address, else DOWNSTREAM_REMOTE_ADDRESS
     * without its port. */
    size_t client_off;
    size_t client_len;
    long duration_ms; /* DURATION; -1 when absent */
};

/* Is the line an Envoy access log entry (formats.md 7.6 a)? Fills out
 * and returns true when the line has at least the timestamp, request,
 * status and flags of the text format, or in JSON a numeric
 * response_code, a key only Envoy writes (response_flags, upstream_host,
 * upstream_cluster, downstream_remote_address) and no level or message
 * key. A line cut short keeps the fields read before the cut. Returns
 * false for any other line, with every field of out 0 except
 * duration_ms, which is -1. */
bool accesslog_parse(const char *line, size_t len, struct accesslog *out);

#endif
