/* SPDX-License-Identifier: MIT */
/* The row printers behind rows.h. The table format measures its columns
 * on the first rows only (TABLE_SAMPLE), so a huge result streams instead
 * of being held in memory; a later, wider cell is cut with "...". */
#include "rows.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <sqlite3.h>

#define TABLE_SAMPLE 1000 /* rows measured before printing the table */
#define TABLE_MAX_W  60   /* widest column of the table, in characters */

bool
rows_format_parse(const char *name, enum rows_format def, enum rows_format *out)
{
    static const struct {
        const char *name;
        enum rows_format fmt;
    } names[] = { { "table", ROWS_TABLE },
                  { "tsv", ROWS_TSV },
                  { "csv", ROWS_CSV },
                  { "json", ROWS_JSON } };
    size_t i;

    if (name == NULL) {
        *out = def;
        return true;
    }
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].fmt;
            return true;
        }
    }
    return false;
}

/* A cell as printable text: NULL as "NULL", tab, newline and control
 * bytes as \t, \n and \xNN (csv keeps tab and newline, it quotes them).
 * Caller frees. */
static char *
cell_text(sqlite3_stmt *s, int i, bool keep_ws)
{
    const unsigned char *p = sqlite3_column_text(s, i);
    struct kt_buf b;

    kt_buf_init(&b, (size_t)sqlite3_column_bytes(s, i) * 4 + 8);
    if (p == NULL) {
        kt_buf_append(&b, keep_ws ? "" : "NULL", keep_ws ? 0 : 4);
        return kt_buf_take(&b);
    }
    for (; *p != '\0'; p++) {
        if (keep_ws && (*p == '\t' || *p == '\n' || *p == '\r')) {
            kt_buf_putc(&b, (char)*p);
        } else if (*p == '\t') {
            kt_buf_append(&b, "\\t", 2);
        } else if (*p == '\n') {
            kt_buf_append(&b, "\\n", 2);
        } else if (*p < 0x20 || *p == 0x7f) {
            kt_buf_printf(&b, "\\x%02x", *p);
        } else {
            kt_buf_putc(&b, (char)*p);
        }
    }
    return kt_buf_take(&b);
}

/* Characters (UTF-8 sequences) in s. */
static size_t
width_of(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++) {
        n += ((unsigned char)*s & 0xc0) != 0x80;
    }
    return n;
}

/* Print s padded or cut to w characters. */
static void
put_cell(FILE *out, const char *s, size_t w, bool last)
{
    size_t n = width_of(s);
    size_t chars = 0;
    const char *p = s;

    if (n > w) {
        while (*p != '\0' && chars < w - 3) {
            p++;
            while (((unsigned char)*p & 0xc0) == 0x80) {
                p++;
            }
            chars++;
        }
        fprintf(out, "%.*s...", (int)(p - s), s);
        n = w;
    } else {
        fputs(s, out);
    }
    if (!last) {
        fprintf(out, "%*s", (int)(w - n + 2), "");
    }
}

static void
table_row(FILE *out, char **cells, const size_t *w, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        put_cell(out, cells[i], w[i], i + 1 == n);
    }
    fputc('\n', out);
}

static void
free_cells(char **cells, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        free(cells[i]);
    }
    free(cells);
}

static enum kt_status
print_table(sqlite3_stmt *s, FILE *out, int n, struct kt_err *err)
{
    char ***rows = calloc(TABLE_SAMPLE, sizeof(*rows));
    size_t *w = calloc((size_t)n, sizeof(*w));
    char **cells = NULL;
    size_t n_rows = 0;
    size_t r;
    enum kt_status st = KT_OK;
    int rc = SQLITE_DONE;
    int i;

    if (rows == NULL || w == NULL) {
        st = kt_err_set(err, KT_ENOMEM, "out of memory");
        goto out;
    }
    for (i = 0; i < n; i++) {
        w[i] = width_of(sqlite3_column_name(s, i));
    }
    while (n_rows < TABLE_SAMPLE && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        rows[n_rows] = calloc((size_t)n, sizeof(char *));
        if (rows[n_rows] == NULL) {
            st = kt_err_set(err, KT_ENOMEM, "out of memory");
            goto out;
        }
        for (i = 0; i < n; i++) {
            size_t cw;

            rows[n_rows][i] = cell_text(s, i, false);
            cw = rows[n_rows][i] ? width_of(rows[n_rows][i]) : 0;
            w[i] = cw > w[i] ? cw : w[i];
        }
        n_rows++;
    }
    for (i = 0; i < n; i++) {
        w[i] = w[i] > TABLE_MAX_W ? TABLE_MAX_W : w[i];
        w[i] = w[i] < 4 ? 4 : w[i];
    }
    for (i = 0; i < n; i++) {
        put_cell(out, sqlite3_column_name(s, i), w[i], i + 1 == n);
    }
    fputc('\n', out);
    for (i = 0; i < n; i++) {
        fprintf(out, "%.*s%s", (int)w[i],
                "------------------------------------------------------------",
                i + 1 == n ? "\n" : "  ");
    }
    for (r = 0; r < n_rows; r++) {
        table_row(out, rows[r], w, n);
    }
    while (rc == SQLITE_ROW && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        cells = calloc((size_t)n, sizeof(char *));
        if (cells == NULL) {
            st = kt_err_set(err, KT_ENOMEM, "out of memory");
            goto out;
        }
        for (i = 0; i < n; i++) {
            cells[i] = cell_text(s, i, false);
        }
        table_row(out, cells, w, n);
        free_cells(cells, n);
        cells = NULL;
    }
    if (rc != SQLITE_DONE) {
        st = kt_err_set(err, KT_EUSAGE, "query failed: %s",
                        sqlite3_errmsg(sqlite3_db_handle(s)));
    }

out:
    for (r = 0; rows != NULL && r < n_rows; r++) {
        free_cells(rows[r], n);
    }
    free(rows);
    free(w);
    return st;
}

static void
put_csv(FILE *out, const char *v)
{
    if (strpbrk(v, ",\"\r\n") == NULL) {
        fputs(v, out);
        return;
    }
    fputc('"', out);
    for (; *v != '\0'; v++) {
        if (*v == '"') {
            fputc('"', out);
        }
        fputc(*v, out);
    }
    fputc('"', out);
}

static cJSON *
json_cell(sqlite3_stmt *s, int i)
{
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_NULL:
        return cJSON_CreateNull();
    case SQLITE_INTEGER:
        return cJSON_CreateNumber((double)sqlite3_column_int64(s, i));
    case SQLITE_FLOAT:
        return cJSON_CreateNumber(sqlite3_column_double(s, i));
    default: {
        char *clean = kt_utf8_clean((const char *)sqlite3_column_text(s, i));
        cJSON *v = cJSON_CreateString(clean ? clean : "");

        free(clean);
        return v;
    }
    }
}

enum kt_status
rows_print(sqlite3_stmt *s, FILE *out, enum rows_format fmt, struct kt_err *err)
{
    int n = sqlite3_column_count(s);
    long n_rows = 0;
    int rc;
    int i;

    if (fmt == ROWS_TABLE) {
        return print_table(s, out, n, err);
    }
    for (i = 0; i < n && fmt != ROWS_JSON; i++) {
        char sep = fmt == ROWS_CSV ? ',' : '\t';

        if (i > 0) {
            fputc(sep, out);
        }
        if (fmt == ROWS_CSV) {
            put_csv(out, sqlite3_column_name(s, i));
        } else {
            fputs(sqlite3_column_name(s, i), out);
        }
    }
    if (fmt != ROWS_JSON) {
        fputs(fmt == ROWS_CSV ? "\r\n" : "\n", out);
    }
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (fmt == ROWS_JSON) {
            cJSON *o = cJSON_CreateObject();
            char *text;

            for (i = 0; i < n; i++) {
                cJSON_AddItemToObject(o, sqlite3_column_name(s, i),
                                      json_cell(s, i));
            }
            text = cJSON_PrintUnformatted(o);
            cJSON_Delete(o);
            fprintf(out, "%s%s", n_rows == 0 ? "[\n" : ",\n",
                    text ? text : "null");
            cJSON_free(text);
        } else {
            for (i = 0; i < n; i++) {
                char *v = cell_text(s, i, fmt == ROWS_CSV);

                if (i > 0) {
                    fputc(fmt == ROWS_CSV ? ',' : '\t', out);
                }
                if (fmt == ROWS_CSV) {
                    put_csv(out, v ? v : "");
                } else {
                    fputs(v ? v : "", out);
                }
                free(v);
            }
            fputs(fmt == ROWS_CSV ? "\r\n" : "\n", out);
        }
        n_rows++;
    }
    if (fmt == ROWS_JSON) {
        fputs(n_rows == 0 ? "[]\n" : "\n]\n", out);
    }
    if (rc != SQLITE_DONE) {
        return kt_err_set(err, KT_EUSAGE, "query failed: %s",
                          sqlite3_errmsg(sqlite3_db_handle(s)));
    }
    return KT_OK;
}
