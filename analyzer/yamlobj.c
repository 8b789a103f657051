/* SPDX-License-Identifier: MIT */
/* YAML documents to cJSON trees, read by jsonobj.c. libyaml's event parser
 * drives an explicit stack (no recursion), so depth and node count are
 * checked as the tree grows. Aliases are refused: Kubernetes never writes
 * them, and expanding them is how a few bytes become gigabytes. */
#include "yamlobj.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <yaml.h>

#include "jsonobj.h"
#include "kt_limits.h"

/* Nodes (scalars, mappings, sequences; keys not counted) of one document.
 * A million nodes is about 2000 pods as kubectl writes them (managedFields
 * included), some 20 MiB of YAML, and costs about 120 MiB as cJSON (~120
 * bytes a node, measured). A larger document is refused, not built. */
#ifndef YAMLOBJ_MAX_NODES
#define YAMLOBJ_MAX_NODES 1000000
#endif

/* One open mapping or sequence. */
struct frame {
    cJSON *node;       /* owned by the document tree */
    char *key;         /* mappings: key waiting for its value, or NULL */
    bool is_item_list; /* record the line of each element */
};

/* Deepest nesting accepted; see yamlobj_set_max_depth(). */
static int max_depth = KT_MAX_JSON_DEPTH;

/* The document being built. */
struct doc {
    cJSON *root;
    long root_line;
    struct frame stack[KT_MAX_JSON_DEPTH];
    size_t depth;
    size_t n_nodes;
    bool items_key_seen; /* the root mapping's first "items" key was met */
    bool next_is_items;  /* the next value belongs to that key */
    long *lines;         /* line of each element of the item list */
    size_t n_lines;
    size_t cap_lines;
};

/* Free the tree, pending keys and lines, and make d ready for the next
 * document. */
static void
doc_reset(struct doc *d)
{
    size_t i;

    for (i = 0; i < d->depth; i++) {
        free(d->stack[i].key);
        d->stack[i].key = NULL;
    }
    cJSON_Delete(d->root);
    free(d->lines);
    d->root = NULL;
    d->root_line = 0;
    d->depth = 0;
    d->n_nodes = 0;
    d->items_key_seen = false;
    d->next_is_items = false;
    d->lines = NULL;
    d->n_lines = 0;
    d->cap_lines = 0;
}

static long
line_of_mark(yaml_mark_t mark)
{
    return (long)mark.line + 1;
}

static enum kt_status
push_line(struct doc *d, long line, struct kt_err *err)
{
    if (d->n_lines == d->cap_lines) {
        size_t cap = d->cap_lines == 0 ? 16 : d->cap_lines * 2;
        long *p = realloc(d->lines, cap * sizeof(*p));

        if (p == NULL) {
            return kt_err_set(err, KT_ENOMEM, "out of memory reading YAML");
        }
        d->lines = p;
        d->cap_lines = cap;
    }
    d->lines[d->n_lines++] = line;
    return KT_OK;
}

/* Attach node (takes ownership) as the root, the next element of the open
 * sequence, or the value of the open mapping's pending key. */
static enum kt_status
add_value(struct doc *d, cJSON *node, long line, struct kt_err *err)
{
    struct frame *top;
    enum kt_status st = KT_OK;
    cJSON_bool ok;

    d->next_is_items = false;
    if (++d->n_nodes > YAMLOBJ_MAX_NODES) {
        st = kt_err_set(err, KT_ELIMIT,
                        "YAML document holds more than %d nodes",
                        YAMLOBJ_MAX_NODES);
        goto out;
    }
    if (d->depth == 0) {
        d->root = node;
        d->root_line = line;
        node = NULL;
        goto out;
    }
    top = &d->stack[d->depth - 1];
    if (top->is_item_list) {
        st = push_line(d, line, err);
        if (st != KT_OK) {
            goto out;
        }
    }
    if (cJSON_IsArray(top->node)) {
        ok = cJSON_AddItemToArray(top->node, node);
    } else {
        ok = cJSON_AddItemToObject(top->node, top->key, node);
        free(top->key);
        top->key = NULL;
    }
    if (!ok) {
        st = kt_err_set(err, KT_ENOMEM, "out of memory reading YAML");
        goto out;
    }
    node = NULL;

out:
    cJSON_Delete(node);
    return st;
}

/* Is the open container a mapping waiting for a key? */
static bool
wants_key(const struct doc *d)
{
    const struct frame *top;

    if (d->depth == 0) {
        return false;
    }
    top = &d->stack[d->depth - 1];
    return cJSON_IsObject(top->node) && top->key == NULL;
}

static enum kt_status
open_container(struct doc *d, bool is_map, yaml_mark_t mark, struct kt_err *err)
{
    cJSON *node;
    bool is_items;
    enum kt_status st;

    if (wants_key(d)) {
        return kt_err_set(err, KT_EFORMAT,
                          "YAML mapping key at line %ld is not a scalar",
                          line_of_mark(mark));
    }
    if (d->depth >= (size_t)max_depth) {
        return kt_err_set(err, KT_ELIMIT,
                          "YAML nested deeper than %d levels (--max-doc-depth)",
                          max_depth);
    }
    node = is_map ? cJSON_CreateObject() : cJSON_CreateArray();
    if (node == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory reading YAML");
    }

    /* The item list is a root sequence or the root's first "items". */
    is_items = !is_map && (d->depth == 0 || d->next_is_items);
    st = add_value(d, node, line_of_mark(mark), err);
    if (st != KT_OK) {
        return st;
    }
    d->stack[d->depth].node = node;
    d->stack[d->depth].key = NULL;
    d->stack[d->depth].is_item_list = is_items;
    d->depth++;
    return KT_OK;
}

static void
close_container(struct doc *d)
{
    if (d->depth == 0) {
        return;
    }
    d->depth--;
    free(d->stack[d->depth].key);
    d->stack[d->depth].key = NULL;
}

/* Length of s cut to KT_MAX_FIELD bytes, backed off to the start of a
 * UTF-8 character so that the cut leaves valid text. */
static size_t
cut_length(const char *s, size_t len)
{
    size_t n = KT_MAX_FIELD;

    if (len <= n) {
        return len;
    }
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
        n--;
    }
    return n;
}

static bool
is_word(const char *s, size_t len, const char *const *words, size_t n_words)
{
    size_t i;

    for (i = 0; i < n_words; i++) {
        if (strlen(words[i]) == len && memcmp(s, words[i], len) == 0) {
            return true;
        }
    }
    return false;
}

static size_t
count_digits(const char *s, size_t len, size_t i)
{
    size_t start = i;

    while (i < len && s[i] >= '0' && s[i] <= '9') {
        i++;
    }
    return i - start;
}

/* Read a plain decimal number: [-+]? (digits [. digits?] | . digits)
 * [eE [-+]? digits]. A leading zero before more digits ("0755") may be
 * octal to some readers, so it stays a string; so do hex, .inf and .nan.
 * s is NUL-terminated at len. */
static bool
read_number(const char *s, size_t len, double *out)
{
    size_t i = 0;
    size_t n_int;
    size_t n_frac = 0;
    char *end = NULL;

    if (i < len && (s[i] == '-' || s[i] == '+')) {
        i++;
    }
    n_int = count_digits(s, len, i);
    if (n_int > 1 && s[i] == '0') {
        return false;
    }
    i += n_int;
    if (i < len && s[i] == '.') {
        n_frac = count_digits(s, len, i + 1);
        i += 1 + n_frac;
    }
    if (n_int == 0 && n_frac == 0) {
        return false;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t n_exp;

        i++;
        if (i < len && (s[i] == '-' || s[i] == '+')) {
            i++;
        }
        n_exp = count_digits(s, len, i);
        if (n_exp == 0) {
            return false;
        }
        i += n_exp;
    }
    if (i != len) {
        return false;
    }
    *out = strtod(s, &end);
    return end == s + len && isfinite(*out);
}

/* The cJSON node for a scalar of len bytes at s (NUL-terminated there).
 * Only untagged plain scalars can be anything but a string. */
static cJSON *
scalar_node(const yaml_event_t *ev, const char *s, size_t len)
{
    static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
    static const char *const trues[] = { "true", "True", "TRUE" };
    static const char *const falses[] = { "false", "False", "FALSE" };
    double num;

    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
        !ev->data.scalar.plain_implicit) {
        return cJSON_CreateString(s);
    }
    if (is_word(s, len, nulls, 5)) {
        return cJSON_CreateNull();
    }
    if (is_word(s, len, trues, 3)) {
        return cJSON_CreateTrue();
    }
    if (is_word(s, len, falses, 3)) {
        return cJSON_CreateFalse();
    }
    if (read_number(s, len, &num)) {
        return cJSON_CreateNumber(num);
    }
    return cJSON_CreateString(s);
}

static enum kt_status
on_scalar(struct doc *d, yaml_event_t *ev, struct kt_err *err)
{
    /* The event owns a writable, NUL-terminated copy of the text, so the
     * cut is made in place. */
    char *s = (char *)ev->data.scalar.value;
    size_t len = cut_length(s, ev->data.scalar.length);
    struct frame *top;
    cJSON *node;

    s[len] = '\0';
    if (wants_key(d)) {
        top = &d->stack[d->depth - 1];
        top->key = kt_strndup(s, len);
        if (top->key == NULL) {
            return kt_err_set(err, KT_ENOMEM, "out of memory reading YAML");
        }

        /* jsonobj.c takes the first "items" as cJSON finds it, that is up
         * to the first NUL, so compare the same way. */
        if (d->depth == 1 && !d->items_key_seen &&
            strcmp(top->key, "items") == 0) {
            d->items_key_seen = true;
            d->next_is_items = true;
        }
        return KT_OK;
    }
    node = scalar_node(ev, s, len);
    if (node == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory reading YAML");
    }
    return add_value(d, node, line_of_mark(ev->start_mark), err);
}

/* Hand a finished document to jsonobj.c. Scalar and empty documents hold
 * no object. */
static enum kt_status
deliver_doc(const struct doc *d, const char *kind_hint,
            const struct kt_sink *sink, size_t *n_items)
{
    const cJSON *list = d->root;
    const long *lines = d->lines;
    size_t n = 0;
    enum kt_status st;

    if (!cJSON_IsArray(d->root) && !cJSON_IsObject(d->root)) {
        return KT_OK;
    }
    if (cJSON_IsObject(d->root)) {
        list = cJSON_GetObjectItemCaseSensitive(d->root, "items");
    }

    /* One line per element or none at all: jsonobj.c indexes the array
     * by element, so a mismatch must never reach it. */
    if (cJSON_IsArray(list) && (size_t)cJSON_GetArraySize(list) != d->n_lines) {
        lines = NULL;
    }
    st = jsonobj_extract_tree(d->root, lines, d->root_line, kind_hint, sink,
                              &n);
    *n_items += n;
    return st;
}

/* Apply one parser event. Sets *done at the end of the stream. */
static enum kt_status
on_event(struct doc *d, yaml_event_t *ev, const char *kind_hint,
         const struct kt_sink *sink, size_t *n_items, bool *done,
         struct kt_err *err)
{
    enum kt_status st;

    switch (ev->type) {
    case YAML_NO_EVENT:
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_START_EVENT:
        return KT_OK;
    case YAML_STREAM_END_EVENT:
        *done = true;
        return KT_OK;
    case YAML_DOCUMENT_END_EVENT:
        st = deliver_doc(d, kind_hint, sink, n_items);
        doc_reset(d);
        return st;
    case YAML_ALIAS_EVENT:
        return kt_err_set(err, KT_EFORMAT,
                          "YAML aliases are not supported (line %ld)",
                          line_of_mark(ev->start_mark));
    case YAML_SCALAR_EVENT:
        return on_scalar(d, ev, err);
    case YAML_SEQUENCE_START_EVENT:
        return open_container(d, false, ev->start_mark, err);
    case YAML_MAPPING_START_EVENT:
        return open_container(d, true, ev->start_mark, err);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        close_container(d);
        return KT_OK;
    }
    return KT_OK;
}

/* Translate a libyaml failure. Reader errors (bad UTF-8) carry a byte
 * offset instead of a position, so their line is counted in buf. */
static enum kt_status
parse_error(const yaml_parser_t *p, const char *buf, size_t len,
            struct kt_err *err)
{
    const char *problem = p->problem != NULL ? p->problem : "unknown error";
    long line = line_of_mark(p->problem_mark);

    if (p->error == YAML_MEMORY_ERROR) {
        return kt_err_set(err, KT_ENOMEM, "out of memory reading YAML");
    }
    if (p->error == YAML_READER_ERROR) {
        size_t end = p->problem_offset < len ? p->problem_offset : len;
        const char *q = buf;
        const char *nl;

        line = 1;
        while (q < buf + end &&
               (nl = memchr(q, '\n', (size_t)(buf + end - q))) != NULL) {
            line++;
            q = nl + 1;
        }
    }
    return kt_err_set(err, KT_EFORMAT, "invalid YAML at line %ld: %s", line,
                      problem);
}

enum kt_status
yamlobj_extract(const char *buf, size_t len, const char *kind_hint,
                const struct kt_sink *sink, size_t *n_items, struct kt_err *err)
{
    static const char empty[1] = "";
    yaml_parser_t parser;
    yaml_event_t event;
    struct doc *d;
    enum kt_status st = KT_OK;
    bool has_parser = false;
    bool done = false;

    *n_items = 0;
    d = calloc(1, sizeof(*d));
    if (d == NULL) {
        st = kt_err_set(err, KT_ENOMEM, "out of memory reading YAML");
        goto out;
    }
    if (yaml_parser_initialize(&parser) == 0) {
        st = kt_err_set(err, KT_ENOMEM, "out of memory reading YAML");
        goto out;
    }
    has_parser = true;

    /* libyaml asserts on a NULL input even when its size is 0. */
    if (buf == NULL) {
        buf = empty;
        len = 0;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    while (!done && st == KT_OK) {
        if (yaml_parser_parse(&parser, &event) == 0) {
            st = parse_error(&parser, buf, len, err);
            break;
        }
        st = on_event(d, &event, kind_hint, sink, n_items, &done, err);
        yaml_event_delete(&event);
    }

out:
    if (d != NULL) {
        doc_reset(d);
        free(d);
    }
    if (has_parser) {
        yaml_parser_delete(&parser);
    }
    return st;
}

void
yamlobj_set_max_depth(int depth)
{
    max_depth = depth < 1                   ? 1
                : depth > KT_MAX_JSON_DEPTH ? KT_MAX_JSON_DEPTH
                                            : depth;
}

const char *
yamlobj_version(void)
{
    return yaml_get_version_string();
}
