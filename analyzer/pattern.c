/* SPDX-License-Identifier: MIT */
/* Pattern files to struct pattern, with every schema rule of
 * patterns/README.md checked and reported with file and pattern id. */
#include "pattern.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "kt_limits.h"

static const char *const categories[] = {
    "gpu-scheduling",
    "resource-scheduling",
    "pvc-storage",
    "pipeline-execution",
    "version-drift",
    "metadata-db",
    "auth",
    "rbac",
    "istio",
    "dns",
    "webhook",
    "serving",
    "oom",
    "image-pull",
    "crashloop",
    "node-health",
};

static const struct {
    const char *name;
    enum pattern_source bit;
} source_names[] = {
    { "event", PSRC_EVENT },   { "condition", PSRC_CONDITION },
    { "status", PSRC_STATUS }, { "container", PSRC_CONTAINER },
    { "log", PSRC_LOG },
};

bool
pattern_category_ok(const char *s)
{
    size_t i;

    for (i = 0; i < sizeof(categories) / sizeof(categories[0]); i++) {
        if (s != NULL && strcmp(s, categories[i]) == 0) {
            return true;
        }
    }
    return false;
}

int
pattern_severity_rank(const char *s)
{
    if (s == NULL) {
        return 0;
    }
    if (strcmp(s, "critical") == 0) {
        return 4;
    }
    if (strcmp(s, "error") == 0) {
        return 3;
    }
    if (strcmp(s, "warning") == 0) {
        return 2;
    }
    if (strcmp(s, "info") == 0) {
        return 1;
    }
    return 0;
}

const char *
pattern_source_name(enum pattern_source s)
{
    size_t i;

    for (i = 0; i < sizeof(source_names) / sizeof(source_names[0]); i++) {
        if (source_names[i].bit == s) {
            return source_names[i].name;
        }
    }
    return "?";
}

static void
free_list(char **list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(list[i]);
    }
    free(list);
}

static void
pattern_fini(struct pattern *p)
{
    free(p->id);
    free(p->file);
    free(p->category);
    free(p->severity);
    free(p->regex);
    free(p->reason_re);
    free(p->file_re);
    free(p->title);
    free(p->root_cause);
    free(p->fix);
    free_list(p->next_steps, p->n_next_steps);
    free_list(p->references, p->n_references);
    free_list(p->ex_match, p->n_ex_match);
    free_list(p->ex_no_match, p->n_ex_no_match);
    memset(p, 0, sizeof(*p));
}

static void
detector_fini(struct detector_spec *d)
{
    free(d->id);
    free(d->file);
    free(d->detector);
    free(d->category);
    free(d->severity);
    free(d->params);
    free(d->title);
    free(d->root_cause);
    free(d->fix);
    free_list(d->next_steps, d->n_next_steps);
    free_list(d->references, d->n_references);
    memset(d, 0, sizeof(*d));
}

void
pattern_set_init(struct pattern_set *set)
{
    memset(set, 0, sizeof(*set));
}

void
pattern_set_fini(struct pattern_set *set)
{
    size_t i;

    for (i = 0; i < set->n; i++) {
        pattern_fini(&set->p[i]);
    }
    for (i = 0; i < set->n_d; i++) {
        detector_fini(&set->d[i]);
    }
    free(set->p);
    free(set->d);
    memset(set, 0, sizeof(*set));
}

/* A required or optional string member. */
static enum kt_status
get_string(const cJSON *o, const char *key, bool required, char **out,
           const char *file, const char *id, struct kt_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    if (v == NULL && !required) {
        return KT_OK;
    }
    if (!cJSON_IsString(v) || v->valuestring[0] == '\0') {
        return kt_err_set(err, KT_EPATTERN, "%s: pattern %s: '%s' %s", file, id,
                          key,
                          v == NULL ? "is missing"
                                    : "must be a non-empty "
                                      "string");
    }
    *out = kt_strdup0(v->valuestring);
    return *out ? KT_OK : kt_err_set(err, KT_ENOMEM, "out of memory");
}

static enum kt_status
get_list(const cJSON *o, const char *key, bool required, char ***out, size_t *n,
         const char *file, const char *id, struct kt_err *err)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, key);
    const cJSON *v;
    size_t i = 0;

    *n = 0;
    if (arr == NULL && !required) {
        return KT_OK;
    }
    if (!cJSON_IsArray(arr) || (required && cJSON_GetArraySize(arr) == 0)) {
        return kt_err_set(err, KT_EPATTERN,
                          "%s: pattern %s: '%s' must be a non-empty list "
                          "of strings",
                          file, id, key);
    }
    *out = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(char *));
    if (*out == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    cJSON_ArrayForEach(v, arr)
    {
        if (!cJSON_IsString(v)) {
            *n = i;
            return kt_err_set(err, KT_EPATTERN,
                              "%s: pattern %s: '%s' item %zu is not a "
                              "string",
                              file, id, key, i + 1);
        }
        (*out)[i++] = kt_strdup0(v->valuestring);
    }
    *n = i;
    return KT_OK;
}

/* The members every rule has, pattern or detector: id, category and
 * severity. *id_for_msg is the id as far as it could be read. */
static enum kt_status
parse_head(const cJSON *o, const char *file, const char **id_for_msg, char **id,
           char **category, char **severity, struct kt_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "id");
    enum kt_status st;

    *id_for_msg = cJSON_IsString(v) ? v->valuestring : "?";
    st = get_string(o, "id", true, id, file, *id_for_msg, err);
    if (st == KT_OK && strspn(*id, "abcdefghijklmnopqrstuvwxyz0123456789"
                                   "._-") != strlen(*id)) {
        st = kt_err_set(err, KT_EPATTERN,
                        "%s: pattern %s: id may hold only a-z, 0-9, '.', "
                        "'_' and '-'",
                        file, *id_for_msg);
    }
    if (st == KT_OK) {
        st = get_string(o, "category", true, category, file, *id_for_msg, err);
    }
    if (st == KT_OK && !pattern_category_ok(*category)) {
        st = kt_err_set(err, KT_EPATTERN,
                        "%s: pattern %s: unknown category '%s'", file,
                        *id_for_msg, *category);
    }
    if (st == KT_OK) {
        st = get_string(o, "severity", true, severity, file, *id_for_msg, err);
    }
    if (st == KT_OK && pattern_severity_rank(*severity) == 0) {
        st = kt_err_set(err, KT_EPATTERN,
                        "%s: pattern %s: severity must be critical, error, "
                        "warning or info",
                        file, *id_for_msg);
    }
    return st;
}

/* The texts every rule has: title, root cause, fix, next steps and
 * references. */
struct rule_texts {
    char **title;
    char **root_cause;
    char **fix;
    char ***next_steps;
    size_t *n_next_steps;
    char ***references;
    size_t *n_references;
};

static enum kt_status
parse_texts(const cJSON *o, const char *file, const char *id,
            const struct rule_texts *t, struct kt_err *err)
{
    enum kt_status st = get_string(o, "title", true, t->title, file, id, err);

    if (st == KT_OK) {
        st = get_string(o, "root_cause", true, t->root_cause, file, id, err);
    }
    if (st == KT_OK) {
        st = get_string(o, "fix", true, t->fix, file, id, err);
    }
    if (st == KT_OK) {
        st = get_list(o, "next_steps", true, t->next_steps, t->n_next_steps,
                      file, id, err);
    }
    if (st == KT_OK) {
        st = get_list(o, "references", false, t->references, t->n_references,
                      file, id, err);
    }
    return st;
}

static enum kt_status
parse_pattern(const cJSON *o, const char *file, struct pattern *p,
              struct kt_err *err)
{
    const struct rule_texts texts = {
        &p->title,        &p->root_cause, &p->fix,          &p->next_steps,
        &p->n_next_steps, &p->references, &p->n_references,
    };
    const cJSON *v;
    const cJSON *ex;
    const char *id;
    enum kt_status st;
    size_t i;

    memset(p, 0, sizeof(*p));
    p->priority = 50;
    p->file = kt_strdup0(file);
    st = parse_head(o, file, &id, &p->id, &p->category, &p->severity, err);
    v = cJSON_GetObjectItemCaseSensitive(o, "strength");
    if (st == KT_OK) {
        if (cJSON_IsString(v) && strcmp(v->valuestring, "strong") == 0) {
            p->strong = true;
        } else if (!cJSON_IsString(v) ||
                   strcmp(v->valuestring, "supporting") != 0) {
            st = kt_err_set(err, KT_EPATTERN,
                            "%s: pattern %s: strength must be 'strong' or "
                            "'supporting'",
                            file, id);
        }
    }
    v = cJSON_GetObjectItemCaseSensitive(o, "priority");
    if (st == KT_OK && v != NULL) {
        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 100) {
            st = kt_err_set(err, KT_EPATTERN,
                            "%s: pattern %s: priority must be 0 to 100", file,
                            id);
        } else {
            p->priority = v->valueint;
        }
    }
    v = cJSON_GetObjectItemCaseSensitive(o, "sources");
    if (st == KT_OK && (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)) {
        st = kt_err_set(err, KT_EPATTERN,
                        "%s: pattern %s: 'sources' must be a non-empty "
                        "list",
                        file, id);
    }
    if (st == KT_OK) {
        const cJSON *s;

        cJSON_ArrayForEach(s, v)
        {
            unsigned bit = 0;

            for (i = 0; cJSON_IsString(s) &&
                        i < sizeof(source_names) / sizeof(source_names[0]);
                 i++) {
                if (strcmp(s->valuestring, source_names[i].name) == 0) {
                    bit = source_names[i].bit;
                }
            }
            if (bit == 0) {
                st = kt_err_set(err, KT_EPATTERN,
                                "%s: pattern %s: unknown source (use event, "
                                "condition, status, container, log)",
                                file, id);
                break;
            }
            p->sources |= bit;
        }
    }
    if (st == KT_OK) {
        st = get_string(o, "regex", true, &p->regex, file, id, err);
    }
    if (st == KT_OK) {
        st = get_string(o, "reason", false, &p->reason_re, file, id, err);
    }
    if (st == KT_OK) {
        st = get_string(o, "file", false, &p->file_re, file, id, err);
    }
    if (st == KT_OK) {
        st = parse_texts(o, file, id, &texts, err);
    }
    ex = cJSON_GetObjectItemCaseSensitive(o, "examples");
    if (st == KT_OK && !cJSON_IsObject(ex)) {
        st = kt_err_set(err, KT_EPATTERN,
                        "%s: pattern %s: 'examples' with 'match' and "
                        "'no_match' lists is required",
                        file, id);
    }
    if (st == KT_OK) {
        st = get_list(ex, "match", true, &p->ex_match, &p->n_ex_match, file, id,
                      err);
    }
    if (st == KT_OK) {
        st = get_list(ex, "no_match", true, &p->ex_no_match, &p->n_ex_no_match,
                      file, id, err);
    }
    if (st != KT_OK) {
        pattern_fini(p);
    }
    return st;
}

/* Add p to set, replacing a pattern with the same id. Takes ownership of
 * p's contents. */
static enum kt_status
add_pattern(struct pattern_set *set, struct pattern *p, struct kt_err *err)
{
    struct pattern *grown;
    size_t i;

    for (i = 0; i < set->n; i++) {
        if (strcmp(set->p[i].id, p->id) == 0) {
            pattern_fini(&set->p[i]);
            set->p[i] = *p;
            return KT_OK;
        }
    }
    if (set->n >= KT_MAX_PATTERNS) {
        pattern_fini(p);
        return kt_err_set(err, KT_ELIMIT, "more than %d patterns",
                          KT_MAX_PATTERNS);
    }
    grown = realloc(set->p, (set->n + 1) * sizeof(*grown));
    if (grown == NULL) {
        pattern_fini(p);
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    set->p = grown;
    set->p[set->n++] = *p;
    return KT_OK;
}

static enum kt_status
parse_detector(const cJSON *o, const char *file, struct detector_spec *d,
               struct kt_err *err)
{
    const struct rule_texts texts = {
        &d->title,        &d->root_cause, &d->fix,          &d->next_steps,
        &d->n_next_steps, &d->references, &d->n_references,
    };
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(o, "params");
    const char *id;
    enum kt_status st;

    memset(d, 0, sizeof(*d));
    d->file = kt_strdup0(file);
    st = parse_head(o, file, &id, &d->id, &d->category, &d->severity, err);
    if (st == KT_OK) {
        st = get_string(o, "detector", true, &d->detector, file, id, err);
    }
    if (st == KT_OK && !detect_known(d->detector)) {
        st = kt_err_set(err, KT_EPATTERN,
                        "%s: pattern %s: no detector named '%s'", file, id,
                        d->detector);
    }
    if (st == KT_OK && params != NULL && !cJSON_IsObject(params)) {
        st = kt_err_set(err, KT_EPATTERN,
                        "%s: pattern %s: 'params' must be an object", file, id);
    }
    if (st == KT_OK) {
        d->params = params ? cJSON_PrintUnformatted(params) : kt_strdup0("{}");
        if (d->params == NULL) {
            st = kt_err_set(err, KT_ENOMEM, "out of memory");
        }
    }
    if (st == KT_OK) {
        st = parse_texts(o, file, id, &texts, err);
    }
    if (st != KT_OK) {
        detector_fini(d);
    }
    return st;
}

/* Add d to set, replacing a detector with the same id. Takes ownership of
 * d's contents. */
static enum kt_status
add_detector(struct pattern_set *set, struct detector_spec *d,
             struct kt_err *err)
{
    struct detector_spec *grown;
    size_t i;

    for (i = 0; i < set->n_d; i++) {
        if (strcmp(set->d[i].id, d->id) == 0) {
            detector_fini(&set->d[i]);
            set->d[i] = *d;
            return KT_OK;
        }
    }
    if (set->n_d >= KT_MAX_PATTERNS) {
        detector_fini(d);
        return kt_err_set(err, KT_ELIMIT, "more than %d detectors",
                          KT_MAX_PATTERNS);
    }
    grown = realloc(set->d, (set->n_d + 1) * sizeof(*grown));
    if (grown == NULL) {
        detector_fini(d);
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    set->d = grown;
    set->d[set->n_d++] = *d;
    return KT_OK;
}

static enum kt_status
read_whole(const char *path, struct kt_buf *b, struct kt_err *err)
{
    FILE *fp = fopen(path, "rb");
    char chunk[8192];
    size_t n;
    enum kt_status st = KT_OK;

    if (fp == NULL) {
        return kt_err_set(err, KT_EIO, "%s: %s", path, strerror(errno));
    }
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        if (kt_buf_append(b, chunk, n) != KT_OK) {
            st = kt_err_set(err, KT_EPATTERN, "%s: larger than %u bytes", path,
                            KT_MAX_PATTERN_FILE);
            break;
        }
    }
    if (st == KT_OK && ferror(fp)) {
        st = kt_err_set(err, KT_EIO, "%s: read error", path);
    }
    fclose(fp);
    return st;
}

enum kt_status
pattern_load_file(struct pattern_set *set, const char *path, struct kt_err *err)
{
    struct kt_buf b;
    cJSON *root = NULL;
    const cJSON *list;
    const cJSON *detectors;
    const cJSON *item;
    const cJSON *schema;
    enum kt_status st;
    size_t i = 0;

    kt_buf_init(&b, KT_MAX_PATTERN_FILE);
    st = read_whole(path, &b, err);
    if (st != KT_OK) {
        goto out;
    }
    root = cJSON_ParseWithLength(b.data ? b.data : "", b.len);
    if (root == NULL) {
        const char *at = cJSON_GetErrorPtr();
        long line = 1;
        const char *q;

        for (q = b.data;
             at != NULL && q != NULL && q < at && q < b.data + b.len; q++) {
            line += *q == '\n';
        }
        st = kt_err_set(err, KT_EPATTERN, "%s:%ld: invalid JSON", path, line);
        goto out;
    }
    schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
    if (!cJSON_IsNumber(schema) || schema->valueint != 1) {
        st = kt_err_set(err, KT_EPATTERN, "%s: 'schema' must be 1", path);
        goto out;
    }
    list = cJSON_GetObjectItemCaseSensitive(root, "patterns");
    detectors = cJSON_GetObjectItemCaseSensitive(root, "detectors");
    if ((list != NULL && !cJSON_IsArray(list)) ||
        (detectors != NULL && !cJSON_IsArray(detectors)) ||
        (list == NULL && detectors == NULL)) {
        st = kt_err_set(err, KT_EPATTERN,
                        "%s: needs a 'patterns' or 'detectors' list", path);
        goto out;
    }
    cJSON_ArrayForEach(item, list)
    {
        struct pattern p;

        i++;
        if (!cJSON_IsObject(item)) {
            st = kt_err_set(err, KT_EPATTERN,
                            "%s: pattern %zu is not an object", path, i);
            goto out;
        }
        st = parse_pattern(item, path, &p, err);
        if (st != KT_OK) {
            goto out;
        }
        st = add_pattern(set, &p, err);
        if (st != KT_OK) {
            goto out;
        }
    }
    i = 0;
    cJSON_ArrayForEach(item, detectors)
    {
        struct detector_spec d;

        i++;
        if (!cJSON_IsObject(item)) {
            st = kt_err_set(err, KT_EPATTERN,
                            "%s: detector %zu is not an object", path, i);
            goto out;
        }
        st = parse_detector(item, path, &d, err);
        if (st == KT_OK) {
            st = add_detector(set, &d, err);
        }
        if (st != KT_OK) {
            goto out;
        }
    }

out:
    cJSON_Delete(root);
    kt_buf_fini(&b);
    return st;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

enum kt_status
pattern_load_dir(struct pattern_set *set, const char *dir, struct kt_err *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0;
    size_t i;
    enum kt_status st = KT_OK;

    if (d == NULL) {
        return kt_err_set(err, KT_EIO, "%s: %s", dir, strerror(errno));
    }
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        char **grown;

        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0 ||
            de->d_name[0] == '.') {
            continue;
        }
        grown = realloc(names, (n + 1) * sizeof(*names));
        if (grown == NULL) {
            st = kt_err_set(err, KT_ENOMEM, "out of memory");
            break;
        }
        names = grown;
        names[n++] = kt_strdup0(de->d_name);
    }
    closedir(d);
    if (st == KT_OK && n > 0) {
        qsort(names, n, sizeof(*names), cmp_names);
    }
    for (i = 0; st == KT_OK && i < n; i++) {
        char path[KT_MAX_PATH];

        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        st = pattern_load_file(set, path, err);
    }
    for (i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    return st;
}

const char *
pattern_cjson_version(void)
{
    return cJSON_Version();
}
