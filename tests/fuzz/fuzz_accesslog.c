/* SPDX-License-Identifier: MIT */
/* libFuzzer target: Envoy / Istio access-log records, text and JSON. */
#include <stdio.h>
#include <unistd.h>

#include "accesslog.h"
#include "fuzz.h"

static void
check(size_t off, size_t n, size_t len)
{
    if (off > len || n > len - off) {
        abort(); /* a field must lie inside the line */
    }
}

static void
feed(void *ctx, const char *line, size_t len, long lineno)
{
    struct accesslog a;

    (void)ctx;
    (void)lineno;
    if (accesslog_parse(line, len, &a)) {
        check(a.method_off, a.method_len, len);
        check(a.path_off, a.path_len, len);
        check(a.flags_off, a.flags_len, len);
        check(a.authority_off, a.authority_len, len);
        check(a.upstream_off, a.upstream_len, len);
        check(a.client_off, a.client_len, len);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_lines(data, size, feed, NULL);
    return 0;
}
