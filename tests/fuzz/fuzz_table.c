/* SPDX-License-Identifier: MIT */
/* libFuzzer target: kubectl get tables, line by line. */
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "table.h"

static void
feed(void *ctx, const char *line, size_t len, long lineno)
{
    table_line(ctx, line, len, lineno);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct table_parser *p = table_new(&fuzz_sink);

    if (p == NULL) {
        return 0;
    }
    table_sniff((const char *)data, size);
    fuzz_lines(data, size, feed, p);
    table_finish(p);
    table_free(p);
    return 0;
}
