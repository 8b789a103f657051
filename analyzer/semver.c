/* SPDX-License-Identifier: MIT */
/* Release numbers of image tags and Kubernetes versions: parsing, order,
 * ranges, and image references split into repository and tag. */
#include "semver.h"

#include <stdio.h>
#include <string.h>

bool
semver_parse(const char *s, size_t len, struct semver *out)
{
    long part[3] = { 0, 0, 0 };
    size_t i = 0;
    int n = 0;

    memset(out, 0, sizeof(*out));
    if (s == NULL) {
        return false;
    }
    if (i < len && (s[i] == 'v' || s[i] == 'V')) {
        i++;
    }
    for (;;) {
        long x = 0;
        size_t start = i;

        while (i < len && s[i] >= '0' && s[i] <= '9') {
            x = x * 10 + (s[i] - '0');
            if (x > SEMVER_PART_MAX) {
                return false;
            }
            i++;
        }
        if (i == start) {
            return false; /* "v", "3.", "3.x", "" */
        }
        part[n++] = x;
        if (i < len && s[i] == '.' && n < 3) {
            i++;
            continue;
        }
        break;
    }
    if (i < len && s[i] != '-' && s[i] != '+' && s[i] != '_') {
        return false; /* "3.4.16abc", "1.2.3.4" */
    }
    out->major = part[0];
    out->minor = part[1];
    out->patch = part[2];
    out->n_parts = n;
    return true;
}

bool
semver_parse_str(const char *s, struct semver *out)
{
    return semver_parse(s, s != NULL ? strlen(s) : 0, out);
}

int
semver_cmp(const struct semver *a, const struct semver *b)
{
    if (a->major != b->major) {
        return a->major < b->major ? -1 : 1;
    }
    if (a->minor != b->minor) {
        return a->minor < b->minor ? -1 : 1;
    }
    if (a->patch != b->patch) {
        return a->patch < b->patch ? -1 : 1;
    }
    return 0;
}

int
semver_in_range(const struct semver *v, const char *from, const char *below)
{
    struct semver b;

    if (from != NULL && from[0] != '\0') {
        if (!semver_parse_str(from, &b)) {
            return -1;
        }
        if (semver_cmp(v, &b) < 0) {
            return 0;
        }
    }
    if (below != NULL && below[0] != '\0') {
        if (!semver_parse_str(below, &b)) {
            return -1;
        }
        if (semver_cmp(v, &b) >= 0) {
            return 0;
        }
    }
    return 1;
}

void
semver_image_split(const char *image, size_t len, size_t *repo_len,
                   const char **tag, size_t *tag_len)
{
    const char *at = memchr(image, '@', len);
    size_t end = at != NULL ? (size_t)(at - image) : len;
    size_t slash = 0;
    size_t i;

    /* The tag follows the last ':' after the last '/'; a ':' before it
     * is a registry port ("localhost:5000/x"). */
    for (i = 0; i < end; i++) {
        if (image[i] == '/') {
            slash = i + 1;
        }
    }
    *repo_len = end;
    *tag = NULL;
    *tag_len = 0;
    for (i = slash; i < end; i++) {
        if (image[i] == ':') {
            *repo_len = i;
            *tag = image + i + 1;
            *tag_len = end - i - 1;
            break;
        }
    }
}

bool
semver_repo_is(const char *repo, size_t repo_len, const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > repo_len || memcmp(repo + repo_len - n, name, n) != 0) {
        return false;
    }
    return n == repo_len || repo[repo_len - n - 1] == '/';
}

void
semver_format(const struct semver *v, char *buf, size_t cap)
{
    snprintf(buf, cap, "%ld.%ld.%ld", v->major, v->minor, v->patch);
}
