/* SPDX-License-Identifier: MIT */
/* The literal prefilter behind prefilter.h. A small recursive reader of
 * PCRE2 syntax finds, for each regex, a set of literals one of which every
 * match contains; the scan hashes each three-byte window of a record and
 * compares the literals that start with it. The reader gives up (the regex
 * is then always a candidate) on any syntax it does not fully know: being
 * wrong would silently drop a true match, being cautious only costs time.
 * See tag:prefilter-equivalence for the test that holds it to that. */
#include "prefilter.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Finding the literals of one regex. */

struct lit {
    size_t off; /* in the parser's buffer */
    size_t len;
};

/* Every match contains one of l[0..n-1]; n == 0: nothing is known. */
struct litset {
    size_t n;
    struct lit l[PREFILTER_MAX_ALTS];
};

struct parser {
    const char *p; /* next byte of the regex */
    bool fail;     /* syntax we do not know: the regex gets no literals */
    char *buf;     /* literal bytes, each literal NUL-terminated */
    size_t cap;
    size_t used;
    int depth;
};

/* Groups nest at most this deep before the reader gives up. */
#define MAX_DEPTH 64

/* How good a set is for scanning: its shortest literal, longer is rarer;
 * -1 for an empty set. */
static long
score(const struct litset *s)
{
    size_t i;
    size_t min = SIZE_MAX;

    if (s->n == 0) {
        return -1;
    }
    for (i = 0; i < s->n; i++) {
        if (s->l[i].len < min) {
            min = s->l[i].len;
        }
    }
    return (long)min;
}

/* Keep cand in best when it scans better (fewer literals break ties). */
static void
keep_better(struct litset *best, const struct litset *cand)
{
    long a = score(cand);
    long b = score(best);

    if (a >= PREFILTER_MIN_LIT && (a > b || (a == b && cand->n < best->n))) {
        *best = *cand;
    }
}

/* The run of literal bytes being collected sits at buf[used..used+len). */
struct run {
    size_t len;
};

static void
run_putc(struct parser *ps, struct run *r, char c)
{
    if (ps->used + r->len + 1 >= ps->cap) {
        ps->fail = true; /* buffer full: give up, never guess */
        return;
    }
    ps->buf[ps->used + r->len++] = c;
}

/* End the run: a long enough run becomes a candidate of best. */
static void
run_end(struct parser *ps, struct run *r, struct litset *best)
{
    struct litset one;

    if (!ps->fail && r->len >= PREFILTER_MIN_LIT) {
        one.n = 1;
        one.l[0].off = ps->used;
        one.l[0].len = r->len;
        ps->buf[ps->used + r->len] = '\0';
        if (score(&one) > score(best) ||
            (score(&one) == score(best) && best->n > 1)) {
            *best = one;
            ps->used += r->len + 1; /* keep its bytes */
        }
    }
    r->len = 0;
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A quantifier at ps->p, if any: returns its minimum count and moves past
 * it (and a lazy or possessive suffix), or returns -1 and stays. */
static long
quantifier(struct parser *ps)
{
    const char *q = ps->p;
    long min = -1;

    if (*q == '?' || *q == '*') {
        min = 0;
        q++;
    } else if (*q == '+') {
        min = 1;
        q++;
    } else if (*q == '{') {
        const char *d = q + 1;

        if (*d == ',') {
            ps->fail = true; /* {,n}: its meaning depends on the version */
            return -1;
        }
        if (!is_digit(*d)) {
            return -1; /* a literal '{' */
        }
        min = 0;
        while (is_digit(*d)) {
            min = min < 100000 ? min * 10 + (*d - '0') : min;
            d++;
        }
        if (*d == ',') {
            d++;
            while (is_digit(*d)) {
                d++;
            }
        }
        if (*d != '}') {
            return -1; /* a literal '{' */
        }
        q = d + 1;
    } else {
        return -1;
    }
    if (*q == '?' || *q == '+') {
        q++;
    }
    ps->p = q;
    return min;
}

/* Skip a {...} or <...> or '...' argument of an escape, if one opens at
 * ps->p. */
static void
skip_braced(struct parser *ps)
{
    char close = *ps->p == '{' ? '}' : *ps->p == '<' ? '>' : '\'';
    const char *end;

    if (*ps->p != '{' && *ps->p != '<' && *ps->p != '\'') {
        return;
    }
    end = strchr(ps->p + 1, close);
    if (end == NULL) {
        ps->fail = true;
        return;
    }
    ps->p = end + 1;
}

enum atom {
    A_LITERAL, /* one character, its bytes in lit */
    A_OTHER,   /* consumes text, not a known literal */
    A_ZERO     /* consumes nothing: anchors, \b */
};

/* Read an escape after its backslash. */
static enum atom
escape(struct parser *ps, char *lit, size_t *lit_len)
{
    char c = *ps->p++;

    *lit_len = 1;
    if (c == '\0') {
        ps->fail = true;
        ps->p--;
        return A_OTHER;
    }
    if ((unsigned char)c >= 0x80) {
        ps->fail = true; /* an escaped UTF-8 character: rare, not worth it */
        return A_OTHER;
    }
    if (!is_alnum(c)) {
        lit[0] = c; /* \. \( \" \\ and any other non-alphanumeric */
        return A_LITERAL;
    }
    switch (c) {
    case 'n':
        lit[0] = '\n';
        return A_LITERAL;
    case 't':
        lit[0] = '\t';
        return A_LITERAL;
    case 'r':
        lit[0] = '\r';
        return A_LITERAL;
    case 'f':
        lit[0] = '\f';
        return A_LITERAL;
    case 'e':
        lit[0] = '\033';
        return A_LITERAL;
    case 'a':
        lit[0] = '\a';
        return A_LITERAL;
    case 'd':
    case 'D':
    case 'w':
    case 'W':
    case 's':
    case 'S':
    case 'h':
    case 'H':
    case 'v':
    case 'V':
    case 'R':
    case 'X':
    case 'C':
        return A_OTHER;
    case 'b':
    case 'B':
    case 'A':
    case 'z':
    case 'Z':
    case 'G':
    case 'K':
        return A_ZERO;
    case 'x':
        if (*ps->p == '{') {
            skip_braced(ps);
        } else {
            int i;

            for (i = 0; i < 2 && strchr("0123456789abcdefABCDEF", *ps->p) &&
                        *ps->p != '\0';
                 i++) {
                ps->p++;
            }
        }
        return A_OTHER;
    case 'p':
    case 'P':
        if (*ps->p == '{') {
            skip_braced(ps);
        } else if (*ps->p != '\0') {
            ps->p++;
        }
        return A_OTHER;
    case 'k':
        skip_braced(ps);
        return A_OTHER;
    case 'g':
        if (*ps->p == '<' || *ps->p == '\'') {
            ps->fail = true; /* a subroutine call */
            return A_OTHER;
        }
        if (*ps->p == '{') {
            skip_braced(ps);
        } else {
            if (*ps->p == '-' || *ps->p == '+') {
                ps->p++;
            }
            while (is_digit(*ps->p)) {
                ps->p++;
            }
        }
        return A_OTHER;
    default:
        if (is_digit(c)) {
            while (is_digit(*ps->p)) {
                ps->p++; /* a back reference or an octal code */
            }
            return A_OTHER;
        }
        ps->fail = true; /* \Q, \E, \c, \o, \N and the rest */
        return A_OTHER;
    }
}

/* Skip a character class after its '['. */
static void
skip_class(struct parser *ps)
{
    if (*ps->p == '^') {
        ps->p++;
    }
    if (*ps->p == ']') {
        ps->p++;
    }
    while (*ps->p != '\0' && *ps->p != ']') {
        if (*ps->p == '\\' && ps->p[1] != '\0') {
            ps->p += 2;
            if ((ps->p[-1] == 'x' || ps->p[-1] == 'p' || ps->p[-1] == 'P' ||
                 ps->p[-1] == 'o') &&
                *ps->p == '{') {
                skip_braced(ps);
            }
        } else if (*ps->p == '[' && ps->p[1] == ':') {
            const char *end = strstr(ps->p + 2, ":]");

            if (end == NULL) {
                ps->fail = true;
                return;
            }
            ps->p = end + 2;
        } else {
            ps->p++;
        }
    }
    if (*ps->p != ']') {
        ps->fail = true;
        return;
    }
    ps->p++;
}

static void alternatives(struct parser *ps, struct litset *out);

enum group {
    G_PLAIN,     /* its literals count */
    G_CASELESS,  /* (?i:...): its literals do not */
    G_LOOKAROUND /* (?=...) and friends: they do not either */
};

/* Read what follows "(?" up to the group's body. */
static enum group
group_kind(struct parser *ps)
{
    const char *q = ps->p;
    bool caseless = false;

    switch (*q) {
    case ':':
    case '|':
    case '>':
        ps->p = q + 1;
        return G_PLAIN;
    case '=':
    case '!':
        ps->p = q + 1;
        return G_LOOKAROUND;
    case '<':
        if (q[1] == '=' || q[1] == '!') {
            ps->p = q + 2;
            return G_LOOKAROUND;
        }
        q = strchr(q, '>');
        break;
    case '\'':
        q = strchr(q + 1, '\'');
        break;
    case 'P':
        q = q[1] == '<' ? strchr(q, '>') : NULL;
        break;
    default:
        /* Inline options: m, s, n and U do not change literals. */
        while (*q != '\0' && strchr("msnU-i", *q) != NULL) {
            caseless = caseless || *q == 'i';
            q++;
        }
        if (*q == ':' && q > ps->p) {
            ps->p = q + 1;
            return caseless ? G_CASELESS : G_PLAIN;
        }
        if (*q == ')' && q > ps->p && !caseless) {
            ps->p = q; /* an option setting: an empty group */
            return G_LOOKAROUND;
        }
        q = NULL; /* (?i), (?x), recursion, conditions, callouts */
        break;
    }
    if (q == NULL) {
        ps->fail = true;
        return G_PLAIN;
    }
    ps->p = q + 1;
    return G_PLAIN;
}

/* Read one sequence (up to '|', ')' or the end) into best. */
static void
sequence(struct parser *ps, struct litset *best)
{
    struct run r = { 0 };
    char lit[4];
    size_t lit_len;
    enum atom a;

    best->n = 0;
    while (!ps->fail && *ps->p != '\0' && *ps->p != '|' && *ps->p != ')') {
        char c = *ps->p++;

        lit_len = 1;
        lit[0] = c;
        a = A_LITERAL;
        if (c == '\\') {
            a = escape(ps, lit, &lit_len);
        } else if (c == '[') {
            skip_class(ps);
            a = A_OTHER;
        } else if (c == '.') {
            a = A_OTHER;
        } else if (c == '^' || c == '$') {
            a = A_ZERO;
        } else if (c == '(') {
            struct litset sub;
            enum group g = G_PLAIN;

            run_end(ps, &r, best);
            if (*ps->p == '*') {
                ps->fail = true; /* (*VERB) */
                break;
            }
            if (*ps->p == '?') {
                ps->p++;
                if (*ps->p == '#') {
                    const char *end = strchr(ps->p, ')');

                    if (end == NULL) {
                        ps->fail = true;
                        break;
                    }
                    ps->p = end + 1;
                    continue;
                }
                g = group_kind(ps);
            }
            if (ps->fail || ++ps->depth > MAX_DEPTH) {
                ps->fail = true;
                break;
            }
            alternatives(ps, &sub);
            ps->depth--;
            if (*ps->p != ')') {
                ps->fail = true;
                break;
            }
            ps->p++;
            if (quantifier(ps) != 0 && g == G_PLAIN) {
                keep_better(best, &sub);
            }
            continue;
        } else if ((unsigned char)c >= 0xc0) {
            /* A UTF-8 character is one unit for a quantifier. */
            while (lit_len < 4 && ((unsigned char)*ps->p & 0xc0) == 0x80) {
                lit[lit_len++] = *ps->p++;
            }
        }
        if (a != A_LITERAL) {
            run_end(ps, &r, best);
            (void)quantifier(ps);
            continue;
        }
        switch (quantifier(ps)) {
        case -1: /* exactly once: the run goes on */
            for (size_t i = 0; i < lit_len; i++) {
                run_putc(ps, &r, lit[i]);
            }
            break;
        case 0: /* maybe absent: the run ends before it */
            run_end(ps, &r, best);
            break;
        default: /* present, maybe repeated: the run ends after it */
            for (size_t i = 0; i < lit_len; i++) {
                run_putc(ps, &r, lit[i]);
            }
            run_end(ps, &r, best);
            break;
        }
    }
    run_end(ps, &r, best);
}

/* Read alternatives up to ')' or the end: every match contains a literal
 * of one of them, so the set is their union, and empty when one of them
 * has none. */
static void
alternatives(struct parser *ps, struct litset *out)
{
    struct litset seq;
    bool any_empty = false;

    out->n = 0;
    for (;;) {
        size_t i;

        sequence(ps, &seq);
        if (ps->fail) {
            out->n = 0;
            return;
        }
        if (seq.n == 0 || out->n + seq.n > PREFILTER_MAX_ALTS) {
            any_empty = true;
        } else {
            for (i = 0; i < seq.n; i++) {
                out->l[out->n++] = seq.l[i];
            }
        }
        if (*ps->p != '|') {
            break;
        }
        ps->p++;
    }
    if (any_empty) {
        out->n = 0;
    }
}

bool
prefilter_literals(const char *regex, char *buf, size_t cap,
                   const char *lits[PREFILTER_MAX_ALTS], size_t *n)
{
    struct parser ps;
    struct litset set;
    size_t i;

    memset(&ps, 0, sizeof(ps));
    ps.p = regex;
    ps.buf = buf;
    ps.cap = cap;
    *n = 0;
    if (cap == 0) {
        return false;
    }
    alternatives(&ps, &set);
    if (ps.fail || *ps.p != '\0') {
        /* A ')' left over is a syntax error PCRE2 would have refused;
         * a full buffer is not. Either way: no literals. */
        return ps.used + 1 < cap;
    }
    for (i = 0; i < set.n; i++) {
        lits[i] = buf + set.l[i].off;
    }
    *n = set.n;
    return true;
}

/* ------------------------------------------------------------------ */
/* Scanning. */

/* Buckets of the three-byte hash: a power of two. */
#define N_BUCKETS 4096U

struct plit {
    char *s;
    size_t len;
    size_t id;
};

struct prefilter {
    size_t n_ids;
    bool *filtered; /* [n_ids] the regex has literals */
    unsigned *seen; /* [n_ids] scan number that last saw one of them */
    unsigned scan;  /* number of the current scan, from 1 */
    size_t *hits;   /* [n_ids] ids whose literal the last scan saw */
    size_t n_hits;
    size_t *always; /* [n_ids] ids without literals, in order */
    size_t n_always;
    struct plit *lits;
    size_t n_lits;
    size_t cap_lits;
    uint32_t *start; /* [N_BUCKETS + 1] first entry of each bucket */
    uint32_t *entry; /* [n_lits] literal numbers, by bucket */
    /* Bit a | b << 8 is set when some literal starts with bytes a, b: a
     * test that fits in the L1 cache before the hash is computed. */
    uint64_t first_pair[1024];
};

static unsigned
hash3(const unsigned char *p)
{
    uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];

    return (unsigned)((v * 2654435761U) >> 20) & (N_BUCKETS - 1);
}

struct prefilter *
prefilter_new(size_t n_ids)
{
    struct prefilter *pf = calloc(1, sizeof(*pf));

    if (pf == NULL) {
        return NULL;
    }
    pf->n_ids = n_ids;
    pf->filtered = calloc(n_ids + 1, sizeof(*pf->filtered));
    pf->seen = calloc(n_ids + 1, sizeof(*pf->seen));
    pf->hits = calloc(n_ids + 1, sizeof(*pf->hits));
    pf->always = calloc(n_ids + 1, sizeof(*pf->always));
    if (pf->filtered == NULL || pf->seen == NULL || pf->hits == NULL ||
        pf->always == NULL) {
        prefilter_free(pf);
        return NULL;
    }
    return pf;
}

void
prefilter_free(struct prefilter *pf)
{
    size_t i;

    if (pf == NULL) {
        return;
    }
    for (i = 0; i < pf->n_lits; i++) {
        free(pf->lits[i].s);
    }
    free(pf->lits);
    free(pf->filtered);
    free(pf->seen);
    free(pf->hits);
    free(pf->always);
    free(pf->start);
    free(pf->entry);
    free(pf);
}

bool
prefilter_add(struct prefilter *pf, size_t id, const char *regex)
{
    size_t cap = 2 * strlen(regex) + 64;
    char *buf = malloc(cap);
    const char *lits[PREFILTER_MAX_ALTS];
    size_t n = 0;
    size_t i;

    if (buf == NULL) {
        return false;
    }
    (void)prefilter_literals(regex, buf, cap, lits, &n);
    if (pf->n_lits + n > pf->cap_lits) {
        size_t cap_lits = 2 * pf->cap_lits + n + 16;
        struct plit *p = realloc(pf->lits, cap_lits * sizeof(*p));

        if (p == NULL) {
            free(buf);
            return false;
        }
        pf->lits = p;
        pf->cap_lits = cap_lits;
    }
    for (i = 0; i < n; i++) {
        struct plit *l = &pf->lits[pf->n_lits];

        l->len = strlen(lits[i]);
        l->s = malloc(l->len + 1);
        if (l->s == NULL) {
            free(buf);
            return false;
        }
        memcpy(l->s, lits[i], l->len + 1);
        l->id = id;
        pf->n_lits++;
    }
    pf->filtered[id] = n > 0;
    free(buf);
    return true;
}

bool
prefilter_build(struct prefilter *pf)
{
    uint32_t *fill;
    size_t i;

    for (i = 0; i < pf->n_ids; i++) {
        if (!pf->filtered[i]) {
            pf->always[pf->n_always++] = i;
        }
    }
    pf->start = calloc(N_BUCKETS + 1, sizeof(*pf->start));
    pf->entry = calloc(pf->n_lits + 1, sizeof(*pf->entry));
    fill = calloc(N_BUCKETS, sizeof(*fill));
    if (pf->start == NULL || pf->entry == NULL || fill == NULL) {
        free(fill);
        return false;
    }
    for (i = 0; i < pf->n_lits; i++) {
        const unsigned char *u = (const unsigned char *)pf->lits[i].s;
        unsigned pair = u[0] | (unsigned)u[1] << 8;

        pf->first_pair[pair >> 6] |= 1ULL << (pair & 63);
        pf->start[hash3(u) + 1]++;
    }
    for (i = 0; i < N_BUCKETS; i++) {
        pf->start[i + 1] += pf->start[i];
    }
    for (i = 0; i < pf->n_lits; i++) {
        unsigned h = hash3((const unsigned char *)pf->lits[i].s);

        pf->entry[pf->start[h] + fill[h]++] = (uint32_t)i;
    }
    free(fill);
    return true;
}

void
prefilter_scan(struct prefilter *pf, const char *text, size_t len)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t i;

    if (++pf->scan == 0) { /* wrapped: forget every old scan */
        memset(pf->seen, 0, pf->n_ids * sizeof(*pf->seen));
        pf->scan = 1;
    }
    pf->n_hits = 0;
    for (i = 0; i + PREFILTER_MIN_LIT <= len; i++) {
        unsigned pair = t[i] | (unsigned)t[i + 1] << 8;
        unsigned h;
        uint32_t k;

        if ((pf->first_pair[pair >> 6] >> (pair & 63) & 1) == 0) {
            continue;
        }
        h = hash3(t + i);
        for (k = pf->start[h]; k < pf->start[h + 1]; k++) {
            const struct plit *l = &pf->lits[pf->entry[k]];

            if (pf->seen[l->id] != pf->scan && l->len <= len - i &&
                memcmp(t + i, l->s, l->len) == 0) {
                pf->seen[l->id] = pf->scan;
                pf->hits[pf->n_hits++] = l->id;
            }
        }
    }
}

bool
prefilter_candidate(const struct prefilter *pf, size_t id)
{
    return !pf->filtered[id] || pf->seen[id] == pf->scan;
}

size_t
prefilter_candidates(struct prefilter *pf, size_t *out)
{
    size_t i;
    size_t a = 0;
    size_t h = 0;
    size_t n = 0;

    /* A scan sees few literals: insertion sort is enough. */
    for (i = 1; i < pf->n_hits; i++) {
        size_t v = pf->hits[i];
        size_t j = i;

        for (; j > 0 && pf->hits[j - 1] > v; j--) {
            pf->hits[j] = pf->hits[j - 1];
        }
        pf->hits[j] = v;
    }
    while (a < pf->n_always || h < pf->n_hits) {
        if (h == pf->n_hits ||
            (a < pf->n_always && pf->always[a] < pf->hits[h])) {
            out[n++] = pf->always[a++];
        } else {
            out[n++] = pf->hits[h++];
        }
    }
    return n;
}

size_t
prefilter_n_filtered(const struct prefilter *pf)
{
    size_t i;
    size_t n = 0;

    for (i = 0; i < pf->n_ids; i++) {
        n += pf->filtered[i];
    }
    return n;
}
