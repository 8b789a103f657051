/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4) of a byte stream, used to name a bundle's content in
 * the report and to tell whether an existing index belongs to it. None of
 * the project's libraries exports a digest, and this is small. */
#ifndef KT_SHA256_H
#define KT_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t h[8];
    uint64_t n_bytes;
    unsigned char block[64];
    size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *p, size_t len);

/* Finish and write 64 lower-case hex digits and a NUL into hex. */
void sha256_hex(struct sha256 *s, char hex[65]);

#endif
