/* SPDX-License-Identifier: MIT */
/* Shared by the libFuzzer targets: a sink that accepts and forgets, and
 * a feeder that hands each line of the input to a callback in a buffer of
 * exactly its length, so that ASan sees any read past a line. Static:
 * each target is its own binary. */
#ifndef KT_FUZZ_H
#define KT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kt.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum kt_status
fuzz_object(void *ctx, const struct kt_object *o)
{
    (void)ctx;
    (void)o;
    return KT_OK;
}

static enum kt_status
fuzz_event(void *ctx, const struct kt_event *e)
{
    (void)ctx;
    (void)e;
    return KT_OK;
}

static const struct kt_sink fuzz_sink = { NULL, fuzz_object, fuzz_event };

typedef void (*fuzz_line_fn)(void *ctx, const char *line, size_t len,
                             long lineno);

/* Call fn for each line of data (without its newline), each in its own
 * heap copy of exactly the line's length. */
static void
fuzz_lines(const uint8_t *data, size_t size, fuzz_line_fn fn, void *ctx)
{
    size_t start = 0;
    long lineno = 0;

    while (start < size) {
        const uint8_t *nl = memchr(data + start, '\n', size - start);
        size_t len = nl ? (size_t)(nl - (data + start)) : size - start;
        char *copy = malloc(len ? len : 1);

        if (copy == NULL) {
            return;
        }
        memcpy(copy, data + start, len);
        fn(ctx, copy, len, ++lineno);
        free(copy);
        start += len + 1;
    }
}

/* Write data to a fresh file under $TMPDIR (or /tmp); path gets its name.
 * Returns 0, or -1 when it cannot be written. */
static int
fuzz_to_file(const uint8_t *data, size_t size, const char *suffix,
             char *path, size_t cap)
{
    const char *dir = getenv("TMPDIR");
    FILE *fp;

    snprintf(path, cap, "%s/kt-fuzz-%ld%s", dir ? dir : "/tmp",
             (long)getpid(), suffix);
    fp = fopen(path, "wb");
    if (fp == NULL) {
        return -1;
    }
    if (size > 0 && fwrite(data, 1, size, fp) != size) {
        fclose(fp);
        return -1;
    }
    return fclose(fp) == 0 ? 0 : -1;
}

#endif
