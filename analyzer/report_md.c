/* SPDX-License-Identifier: MIT */
/* The Markdown report, ready to paste into a ticket: the same walk as the
 * text report, with every piece of bundle text escaped so that it cannot
 * become a link, an image, emphasis, a code span or an HTML tag. Next
 * steps go in fenced blocks whose fence is longer than any run of
 * backticks inside. */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#include "version.h"

void
report_put_md(FILE *out, const char *s, size_t max)
{
    char *safe = kt_safe_text(s, max);
    const char *p;

    for (p = safe; p != NULL && *p != '\0'; p++) {
        if (strchr("\\`*_[]<>#|~&", *p) != NULL) {
            fputc('\\', out);
        }
        fputc(*p, out);
    }
    free(safe);
}

/* The first line of s as escaped Markdown. */
static void
put_md_line(FILE *out, const char *s, size_t max)
{
    const char *nl = strchr(s, '\n');
    char *line = kt_strndup(s, nl ? (size_t)(nl - s) : strlen(s));

    report_put_md(out, line ? line : "", max);
    free(line);
}

static void
put_subject(FILE *out, const struct report_finding *f)
{
    report_put_md(out, f->kind, 100);
    fputc(' ', out);
    if (f->namespace[0] != '\0') {
        report_put_md(out, f->namespace, 200);
        fputc('/', out);
    }
    report_put_md(out, f->name, 300);
}

static void
put_evidence(FILE *out, const struct report_finding *f, int indent)
{
    size_t i;

    for (i = 0; i < f->n_evidence; i++) {
        fprintf(out, "%*s- ", indent, "");
        report_put_md(out, f->evidence[i].file, 300);
        fprintf(out, ":%d: ", f->evidence[i].line);
        put_md_line(out, f->evidence[i].text, 300);
        fputc('\n', out);
    }
}

/* Lines of text in a fenced block, the fence one backtick longer than
 * the longest run inside (at least three). */
static void
put_fenced(FILE *out, const char *text)
{
    size_t run = 0;
    size_t longest = 0;
    const char *p;
    char *safe;

    for (p = text; *p != '\0'; p++) {
        run = *p == '`' ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    longest = longest < 3 ? 3 : longest + 1;
    fprintf(out, "%.*s\n", (int)longest, "````````````````````````````````");
    for (p = text; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = kt_strndup(p, n);

        safe = kt_safe_text(line ? line : "", 1000);
        fprintf(out, "%s\n", safe);
        free(safe);
        free(line);
        p += n + (p[n] == '\n');
    }
    fprintf(out, "%.*s\n", (int)longest, "````````````````````````````````");
}

struct md_ctx {
    FILE *out;
    int n_roots;
};

static void
md_enter(void *vctx, const struct report_finding *f)
{
    struct md_ctx *ctx = vctx;
    FILE *out = ctx->out;
    char count[32];

    if (f->depth > 0) {
        int indent = 2 * (f->depth - 1);

        fprintf(out, "%*s- **", indent, "");
        report_put_md(out, f->severity, 16);
        fputs("** ", out);
        report_put_md(out, f->category, 64);
        fputs(", ", out);
        put_subject(out, f);
        fputs(": ", out);
        put_md_line(out, f->title, 500);
        if (f->because[0] != '\0') {
            fputs(" (because ", out);
            put_md_line(out, f->because, 500);
            fputc(')', out);
        }
        fputc('\n', out);
        put_evidence(out, f, indent + 2);
        return;
    }
    if (ctx->n_roots++ == 0) {
        fputs("## Root causes, most likely first\n\n", out);
    }
    fprintf(out, "### %d. ", f->rank);
    report_put_md(out, f->severity, 16);
    fputs(": ", out);
    report_put_md(out, f->category, 64);
    fputs(", ", out);
    put_subject(out, f);
    fputs("\n\n**", out);
    put_md_line(out, f->title, 500);
    fputs("**\n\n", out);
    fputs("Rule ", out);
    report_put_md(out, f->rule, 100);
    fprintf(out, ", confidence %.2f", f->confidence);
    if (f->last_seen[0] != '\0') {
        fputs(", last seen ", out);
        report_put_md(out, f->last_seen, 64);
    }
    if (f->stale) {
        fputs(" (stale: history, not the live failure)", out);
    }
    fputs(".\n\n**Root cause:** ", out);
    put_md_line(out, f->root_cause, 4000);
    fputs("\n\n**Fix:** ", out);
    put_md_line(out, f->fix, 4000);
    fprintf(out, "\n\n**Evidence (%s):**\n\n",
            report_evidence_count(f, count, sizeof(count)));
    put_evidence(out, f, 0);
    if (f->next_steps[0] != '\0') {
        fputs("\n**Next steps:**\n\n", out);
        put_fenced(out, f->next_steps);
    }
    if (f->n_symptoms > 0) {
        fputs("\n**Symptoms explained by this:**\n\n", out);
    }
}

static void
md_leave(void *vctx, const struct report_finding *f)
{
    struct md_ctx *ctx = vctx;

    if (f->depth == 0) {
        fputc('\n', ctx->out);
    }
}

static void
md_coverage(FILE *out, const cJSON *cov)
{
    const cJSON *item;
    const cJSON *arr;

    fputs("## Coverage\n\n| what | count |\n|---|---:|\n", out);
    arr = cJSON_GetObjectItemCaseSensitive(cov, "seen");
    cJSON_ArrayForEach(item, arr)
    {
        fputs("| ", out);
        report_put_md(out, report_jstr(item, "what"), 100);
        fprintf(out, " | %.0f |\n", report_jnum(item, "count"));
    }
    fputc('\n', out);
    arr = cJSON_GetObjectItemCaseSensitive(cov, "missing");
    cJSON_ArrayForEach(item, arr)
    {
        fputs("- Not in the bundle: ", out);
        report_put_md(out, report_jstr(item, "what"), 100);
        fputs(" (", out);
        report_put_md(out, report_jstr(item, "weakens"), 300);
        fputs(")\n", out);
    }
    if (report_jstr(cov, "archive_error")[0] != '\0') {
        fputs("- The archive is damaged: ", out);
        report_put_md(out, report_jstr(cov, "archive_error"), 500);
        fputc('\n', out);
    }
    if (report_jstr(cov, "pattern_limit")[0] != '\0') {
        fputs("- Matching incomplete: ", out);
        report_put_md(out, report_jstr(cov, "pattern_limit"), 500);
        fputc('\n', out);
    }
    arr = cJSON_GetObjectItemCaseSensitive(cov,
                                           "failing_containers_without_logs");
    cJSON_ArrayForEach(item, arr)
    {
        fputs("- No logs for failing container ", out);
        report_put_md(out, cJSON_IsString(item) ? item->valuestring : "", 300);
        fputc('\n', out);
    }
    arr = cJSON_GetObjectItemCaseSensitive(cov, "collection_errors");
    cJSON_ArrayForEach(item, arr)
    {
        fputs("- The collector could not collect: ", out);
        report_put_md(out, report_jstr(item, "file"), 300);
        fprintf(out, ":%.0f: ", report_jnum(item, "line"));
        put_md_line(out, report_jstr(item, "text"), 300);
        fputc('\n', out);
    }
    arr = cJSON_GetObjectItemCaseSensitive(cov, "skipped_entries");
    cJSON_ArrayForEach(item, arr)
    {
        fputs("- Skipped or partly read: ", out);
        report_put_md(out, report_jstr(item, "file"), 300);
        fputs(" (", out);
        report_put_md(out, report_jstr(item, "status"), 20);
        fputs("): ", out);
        report_put_md(out, report_jstr(item, "reason"), 300);
        fputc('\n', out);
    }
}

enum kt_status
report_write_markdown(struct sqlite3 *db, FILE *out,
                      const struct report_opts *opts, struct kt_err *err)
{
    struct md_ctx ctx = { out, 0 };
    struct report_visitor v = { &ctx, md_enter, md_leave };
    cJSON *bundle = report_bundle_json(db);
    cJSON *cov = report_coverage_json(db);
    cJSON *unexplained = report_unexplained_json(db, opts->namespace);
    const cJSON *item;
    enum kt_status st = KT_OK;

    if (bundle == NULL || cov == NULL || unexplained == NULL) {
        st = kt_err_set(err, KT_ENOMEM, "out of memory");
        goto out;
    }
    fputs("# kftriage report: ", out);
    report_put_md(out, report_jstr(bundle, "path"), 300);
    fprintf(out, "\n\nkftriage %s, layout ", KT_VERSION);
    report_put_md(out, report_jstr(bundle, "layout"), 64);
    fprintf(out, ", %.0f files, collected ", report_jnum(bundle, "files"));
    report_put_md(out,
                  report_jstr(bundle, "collected_at")[0] != '\0'
                          ? report_jstr(bundle, "collected_at")
                          : "at an unknown time",
                  64);
    fputs(".\n\n", out);
    if (report_walk(db, opts->namespace, &v) == 0) {
        fputs("No known failure found.\n\n", out);
    }
    if (cJSON_GetArraySize(unexplained) > 0) {
        fputs("## Errors and warnings no finding explains\n\n", out);
    }
    cJSON_ArrayForEach(item, unexplained)
    {
        fprintf(out, "- %.0fx ", report_jnum(item, "count"));
        report_put_md(out, report_jstr(item, "file"), 300);
        fprintf(out, ":%.0f: ", report_jnum(item, "line"));
        put_md_line(out, report_jstr(item, "text"), 300);
        fputc('\n', out);
    }
    if (cJSON_GetArraySize(unexplained) > 0) {
        fputc('\n', out);
    }
    md_coverage(out, cov);

out:
    cJSON_Delete(bundle);
    cJSON_Delete(cov);
    cJSON_Delete(unexplained);
    return st;
}
