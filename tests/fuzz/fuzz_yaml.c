/* SPDX-License-Identifier: MIT */
/* libFuzzer target: YAML object extraction. */
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "yamlobj.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kt_err err;
    size_t n = 0;

    kt_err_clear(&err);
    yamlobj_extract((const char *)data, size, NULL, &fuzz_sink, &n, &err);
    return 0;
}
