/* SPDX-License-Identifier: MIT */
/* Release numbers as image tags and Kubernetes print them ("v3.4.16",
 * "1.27.3+k3s1", "2.0.0-alpha.7", "v3.3.10-license-compliance"), their
 * order, and the repository and tag of an image reference. Only the
 * numbers count: a pre-release or build suffix is read past and ignored,
 * so 2.0.0-alpha.7 compares equal to 2.0.0. Used by the version-drift
 * detector; knows nothing of components or the index. */
#ifndef KT_SEMVER_H
#define KT_SEMVER_H

#include <stdbool.h>
#include <stddef.h>

/* Largest number kept in one part; longer digit runs are not a version. */
#define SEMVER_PART_MAX 99999L

struct semver {
    long major;
    long minor;  /* 0 when not written */
    long patch;  /* 0 when not written */
    int n_parts; /* how many numbers were written: 1 to 3 */
};

/* Read a version from the len bytes of s: an optional "v", one to three
 * dot-separated numbers, then the end or a suffix starting with '-', '+'
 * or '_'. Returns false for anything else ("latest", "3.x", a digest,
 * "" or a number past SEMVER_PART_MAX); out is then zeroed. */
bool semver_parse(const char *s, size_t len, struct semver *out);

/* As semver_parse() over a NUL-terminated string; NULL gives false. */
bool semver_parse_str(const char *s, struct semver *out);

/* <0, 0 or >0 as a is older than, the same as or newer than b, by major,
 * minor and patch. */
int semver_cmp(const struct semver *a, const struct semver *b);

/* Whether from <= v < below. A NULL or empty bound is open. Returns 1
 * when v is in the range, 0 when it is not, -1 when a bound is not a
 * version. */
int semver_in_range(const struct semver *v, const char *from,
                    const char *below);

/* Split an image reference ("reg.io/org/name:tag@sha256:...") into its
 * repository ("reg.io/org/name", *repo_len bytes from image) and tag
 * (*tag_len bytes at *tag, 0 when the image has none, as with a bare
 * digest). */
void semver_image_split(const char *image, size_t len, size_t *repo_len,
                        const char **tag, size_t *tag_len);

/* Whether the repository of an image is name or ends in "/" name:
 * "gcr.io/ml-pipeline/api-server" is "ml-pipeline/api-server" and
 * "api-server", but not "pi-server". */
bool semver_repo_is(const char *repo, size_t repo_len, const char *name);

/* Print v as "MAJOR.MINOR.PATCH" into buf of cap bytes. */
void semver_format(const struct semver *v, char *buf, size_t cap);

#endif
