/* SPDX-License-Identifier: MIT */
/* libFuzzer target: JSON object extraction and the string walk of
 * troubleshoot's *-errors.json. */
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "jsonobj.h"

static enum kt_status
on_string(void *ctx, const char *text, long line)
{
    (void)ctx;
    (void)text;
    (void)line;
    return KT_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kt_err err;
    size_t n = 0;

    kt_err_clear(&err);
    jsonobj_extract((const char *)data, size, "Pod", &fuzz_sink, &n, &err);
    kt_err_clear(&err);
    jsonobj_strings((const char *)data, size, on_string, NULL, &err);
    return 0;
}
