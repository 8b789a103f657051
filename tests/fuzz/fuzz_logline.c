/* SPDX-License-Identifier: MIT */
/* libFuzzer target: every log line format, and whether a line continues
 * the record before it. */
#include <stdio.h>
#include <unistd.h>

#include "fuzz.h"
#include "logline.h"

struct state {
    struct logline prev;
    bool have_prev;
};

static void
feed(void *ctx, const char *line, size_t len, long lineno)
{
    struct state *s = ctx;
    struct logline ll;

    (void)lineno;
    logline_parse(line, len, 2024, &ll);
    if (ll.msg_off > len || ll.comp_off + ll.comp_len > len) {
        abort(); /* offsets must stay inside the line */
    }
    if (s->have_prev) {
        logline_continues(line, len, &s->prev);
    }
    if (ll.is_header) {
        s->prev = ll;
        s->have_prev = true;
    }
    logline_level_name(ll.level);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct state s;

    memset(&s, 0, sizeof(s));
    fuzz_lines(data, size, feed, &s);
    return 0;
}
