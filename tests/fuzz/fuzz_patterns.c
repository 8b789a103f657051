/* SPDX-License-Identifier: MIT */
/* libFuzzer target: loading a pattern file and compiling its regexes. */
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "match.h"
#include "pattern.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pattern_set set;
    struct matcher *m = NULL;
    struct kt_err err;
    char path[512];

    if (fuzz_to_file(data, size, ".json", path, sizeof(path)) != 0) {
        return 0;
    }
    pattern_set_init(&set);
    kt_err_clear(&err);
    if (pattern_load_file(&set, path, &err) == KT_OK &&
        match_new(&set, &m, &err) == KT_OK) {
        match_free(m);
    }
    pattern_set_fini(&set);
    unlink(path);
    return 0;
}
