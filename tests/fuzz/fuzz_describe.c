/* SPDX-License-Identifier: MIT */
/* libFuzzer target: kubectl describe text, line by line. */
#include <stdio.h>
#include <unistd.h>

#include "describe.h"
#include "fuzz.h"

static void
feed(void *ctx, const char *line, size_t len, long lineno)
{
    describe_line(ctx, line, len, lineno);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct describe_parser *p = describe_new(&fuzz_sink);

    if (p == NULL) {
        return 0;
    }
    describe_sniff((const char *)data, size);
    fuzz_lines(data, size, feed, p);
    describe_finish(p);
    describe_free(p);
    return 0;
}
