/* SPDX-License-Identifier: MIT */
/* gensigs: print the regex of every pattern in the given pattern files as
 * a POSIX extended regex for `grep -E -f`, one a line: the baseline that
 * `make bench` times kftriage against. The translation keeps each regex's
 * literals and structure, so grep does comparable work, and loosens what
 * ERE cannot say (README.md, "Performance", lists the rules):
 *   groups (?:...) (?<name>...) (?|...) become plain (...);
 *   lookarounds (?=...) (?!...) (?<=...) (?<!...) are dropped;
 *   inline flags (?m) are dropped, (?i:...) becomes (...);
 *   lazy quantifiers lose their '?';
 *   a bounded repeat wider than 16 ({0,4000}, {1,300}) becomes * or +:
 *   grep compiles all patterns into one automaton, and wide bounds make
 *   it grow past gigabytes and minutes;
 *   \d is [0-9], \w \s \S \b stay (GNU grep knows them), and inside a
 *   bracket \w \d \s become [:alnum:]_ 0-9 [:space:];
 *   \n, which a line-oriented grep never sees, becomes \x01 (a byte the
 *   bundle does not hold), \x{...} becomes '.';
 *   escapes of characters ERE does not treat specially lose their '\'.
 *
 * Usage: gensigs FILE.json... */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

static const char *
skip_group(const char *p)
{
    int depth = 1;

    while (*p != '\0' && depth > 0) {
        if (*p == '\\' && p[1] != '\0') {
            p += 2;
            continue;
        }
        if (*p == '[') {
            p++;
            if (*p == '^') {
                p++;
            }
            if (*p == ']') {
                p++;
            }
            while (*p != '\0' && *p != ']') {
                p += (*p == '\\' && p[1] != '\0') ? 2 : 1;
            }
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')') {
            depth--;
        }
        if (*p != '\0') {
            p++;
        }
    }
    return p;
}

/* Translate an escape at p (p[0] == '\\') into out; returns the input
 * consumed. in_bracket selects the bracket-expression forms. */
static size_t
escape(const char *p, int in_bracket, FILE *out)
{
    char c = p[1];

    if (c == 'x' && p[2] == '{') {
        const char *close = strchr(p, '}');

        fputs(in_bracket ? "\x02" : ".", out);
        return close ? (size_t)(close - p + 1) : 2;
    }
    if (in_bracket) {
        switch (c) {
        case 'w':
            fputs("[:alnum:]_", out);
            return 2;
        case 'd':
            fputs("0-9", out);
            return 2;
        case 's':
            fputs("[:space:]", out);
            return 2;
        case 'n':
            fputc('\x01', out);
            return 2;
        case '\\':
            fputs("\\", out);
            return 2;
        default:
            fputc(c, out);
            return 2;
        }
    }
    switch (c) {
    case 'd':
        fputs("[0-9]", out);
        return 2;
    case 'n':
        fputc('\x01', out);
        return 2;
    case 'w':
    case 's':
    case 'S':
    case 'W':
    case 'b':
        fputc('\\', out);
        fputc(c, out);
        return 2;
    default:
        if (strchr(".[]()*+?{}|^$\\", c) != NULL) {
            fputc('\\', out);
        }
        fputc(c, out);
        return 2;
    }
}

/* A repeat {m,n} with n - m > 16 at p: write * or + instead, set *next
 * past it and return 1; else return 0. */
static int
wide_repeat(const char *p, FILE *out, const char **next)
{
    char *end;
    unsigned long lo = strtoul(p + 1, &end, 10);
    unsigned long hi;

    if (end == p + 1 || *end != ',') {
        return 0;
    }
    hi = strtoul(end + 1, &end, 10);
    if (*end != '}' || hi < lo || hi - lo <= 16) {
        return 0;
    }
    fputc(lo == 0 ? '*' : '+', out);
    *next = end + 1;
    return 1;
}

static void
translate(const char *p, FILE *out)
{
    int after_quant = 0; /* the last thing written was a quantifier */

    while (*p != '\0') {
        if (*p == '?' && after_quant) {
            p++; /* lazy quantifier: ERE has only greedy ones */
            after_quant = 0;
            continue;
        }
        after_quant = strchr("*+?}", *p) != NULL;
        if (*p == '{' && wide_repeat(p, out, &p)) {
            after_quant = 1;
            continue;
        }
        if (*p == '\\' && p[1] != '\0') {
            p += escape(p, 0, out);
        } else if (*p == '[') {
            fputc(*p++, out);
            if (*p == '^') {
                fputc(*p++, out);
            }
            if (*p == ']') {
                fputc(*p++, out);
            }
            while (*p != '\0' && *p != ']') {
                if (*p == '\\' && p[1] != '\0') {
                    p += escape(p, 1, out);
                } else {
                    fputc(*p++, out);
                }
            }
            if (*p == ']') {
                fputc(*p++, out);
            }
        } else if (strncmp(p, "(?=", 3) == 0 || strncmp(p, "(?!", 3) == 0) {
            p = skip_group(p + 3);
        } else if (strncmp(p, "(?<=", 4) == 0 || strncmp(p, "(?<!", 4) == 0) {
            p = skip_group(p + 4);
        } else if (strncmp(p, "(?<", 3) == 0) {
            p = strchr(p, '>') + 1;
            fputc('(', out);
        } else if (strncmp(p, "(?:", 3) == 0 || strncmp(p, "(?|", 3) == 0) {
            p += 3;
            fputc('(', out);
        } else if (strncmp(p, "(?i:", 4) == 0) {
            p += 4;
            fputc('(', out);
        } else if (strncmp(p, "(?m)", 4) == 0) {
            p += 4;
        } else {
            fputc(*p++, out);
        }
    }
    fputc('\n', out);
}

static char *
slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) == NULL ||
        fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "gensigs: cannot read %s\n", path);
        exit(1);
    }
    buf[n] = '\0';
    fclose(f);
    return buf;
}

int
main(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        char *text = slurp(argv[i]);
        cJSON *doc = cJSON_Parse(text);
        const cJSON *pats = cJSON_GetObjectItemCaseSensitive(doc, "patterns");
        const cJSON *p;

        cJSON_ArrayForEach(p, pats)
        {
            const cJSON *re = cJSON_GetObjectItemCaseSensitive(p, "regex");

            if (cJSON_IsString(re)) {
                translate(re->valuestring, stdout);
            }
        }
        cJSON_Delete(doc);
        free(text);
    }
    return 0;
}
