/* SPDX-License-Identifier: MIT */
/* The HTML report: one self-contained file that opens offline. Styles
 * are inline, the chart is inline SVG, a Content-Security-Policy forbids
 * every fetch, and the one inline script only marks the page as rendered
 * (the html-check test looks for that mark). Every piece of bundle text
 * goes through report_put_html(). */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timeline.h"
#include "version.h"

void
report_put_html(FILE *out, const char *s, size_t max)
{
    char *safe = kt_safe_text(s, max);
    const char *p;

    for (p = safe; p != NULL && *p != '\0'; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        default:
            fputc(*p, out);
            break;
        }
    }
    free(safe);
}

/* The first line of s, HTML-escaped. */
static void
put_html_line(FILE *out, const char *s, size_t max)
{
    const char *nl = strchr(s, '\n');
    char *line = kt_strndup(s, nl ? (size_t)(nl - s) : strlen(s));

    report_put_html(out, line ? line : "", max);
    free(line);
}

static const char page_head[] =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
        "<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src"
        " 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
        "<meta name=\"viewport\" content=\"width=device-width\">\n";

static const char page_style[] =
        "<style>\n"
        "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;"
        "max-width:70em;padding:0 1em;color:#222;background:#fff}\n"
        "h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;margin-top:2em}\n"
        "section.finding{border-left:6px solid #888;padding:.2em 1em;"
        "margin:1.5em 0;background:#fafafa}\n"
        ".sev-critical{border-color:#b00020!important}"
        ".sev-error{border-color:#d55e00!important}"
        ".sev-warning{border-color:#e69f00!important}"
        ".sev-info{border-color:#0072b2!important}\n"
        ".sev{font-weight:bold;text-transform:uppercase}\n"
        "code,pre{font:13px/1.4 ui-monospace,monospace}"
        "pre{background:#f0f0f0;padding:.5em;overflow-x:auto}\n"
        "ul.ev li{list-style:none}ul.ev q{display:block;color:#444;"
        "margin-left:1em}ul.ev q:before,ul.ev q:after{content:''}\n"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:.2em .6em;text-align:left}td.n{text-align:right}\n"
        "svg text{font:11px sans-serif}\n"
        "</style>\n</head>\n<body>\n";

struct html_ctx {
    FILE *out;
    int n_roots;
};

static void
put_subject(FILE *out, const struct report_finding *f)
{
    report_put_html(out, f->kind, 100);
    fputc(' ', out);
    if (f->namespace[0] != '\0') {
        report_put_html(out, f->namespace, 200);
        fputc('/', out);
    }
    report_put_html(out, f->name, 300);
}

static void
put_evidence(FILE *out, const struct report_finding *f)
{
    size_t i;

    if (f->n_evidence == 0) {
        return;
    }
    fputs("<ul class=\"ev\">\n", out);
    for (i = 0; i < f->n_evidence; i++) {
        fputs("<li><code>", out);
        report_put_html(out, f->evidence[i].file, 300);
        fprintf(out, ":%d</code> <q>", f->evidence[i].line);
        put_html_line(out, f->evidence[i].text, 500);
        fputs("</q></li>\n", out);
    }
    fputs("</ul>\n", out);
}

/* The severity is one of four words, but it comes from the index, so
 * anything else is shown as "info". */
static const char *
sev_class(const char *sev)
{
    static const char *const known[] = { "critical", "error", "warning" };
    size_t i;

    for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strcmp(sev, known[i]) == 0) {
            return known[i];
        }
    }
    return "info";
}

static void
html_enter(void *vctx, const struct report_finding *f)
{
    struct html_ctx *ctx = vctx;
    FILE *out = ctx->out;
    const char *sev = sev_class(f->severity);
    char count[32];

    if (f->depth > 0) {
        fprintf(out, "<li><span class=\"sev\">%s</span> ", sev);
        report_put_html(out, f->category, 64);
        fputs(", ", out);
        put_subject(out, f);
        fputs(": ", out);
        put_html_line(out, f->title, 500);
        if (f->because[0] != '\0') {
            fputs(" <i>(because ", out);
            put_html_line(out, f->because, 500);
            fputs(")</i>", out);
        }
        fputc('\n', out);
        put_evidence(out, f);
    } else {
        if (ctx->n_roots++ == 0) {
            fputs("<h2>Root causes, most likely first</h2>\n", out);
        }
        fprintf(out,
                "<section class=\"finding sev-%s\">\n<h3>%d. <span "
                "class=\"sev\">%s</span> ",
                sev, f->rank, sev);
        report_put_html(out, f->category, 64);
        fputs(", ", out);
        put_subject(out, f);
        fputs("</h3>\n<p><strong>", out);
        put_html_line(out, f->title, 500);
        fputs("</strong></p>\n<p>Rule <code>", out);
        report_put_html(out, f->rule, 100);
        fprintf(out, "</code>, confidence %.2f", f->confidence);
        if (f->last_seen[0] != '\0') {
            fputs(", last seen ", out);
            report_put_html(out, f->last_seen, 64);
        }
        if (f->stale) {
            fputs(" (stale: history, not the live failure)", out);
        }
        fputs(".</p>\n<p><b>Root cause:</b> ", out);
        put_html_line(out, f->root_cause, 4000);
        fputs("</p>\n<p><b>Fix:</b> ", out);
        put_html_line(out, f->fix, 4000);
        fprintf(out, "</p>\n<h4>Evidence (%s)</h4>\n",
                report_evidence_count(f, count, sizeof(count)));
        put_evidence(out, f);
        if (f->next_steps[0] != '\0') {
            const char *p = f->next_steps;

            fputs("<h4>Next steps</h4>\n<pre>", out);
            while (*p != '\0') {
                put_html_line(out, p, 1000);
                fputc('\n', out);
                p += strcspn(p, "\n");
                p += *p == '\n';
            }
            fputs("</pre>\n", out);
        }
        if (f->n_symptoms > 0) {
            fprintf(out,
                    "<details open>\n<summary><b>Symptoms explained by "
                    "this (%d)</b></summary>\n",
                    f->n_symptoms);
        }
    }
    if (f->n_symptoms > 0) {
        fputs("<ul class=\"sym\">\n", out);
    }
}

static void
html_leave(void *vctx, const struct report_finding *f)
{
    struct html_ctx *ctx = vctx;

    if (f->n_symptoms > 0) {
        fputs(f->depth > 0 ? "</ul>\n" : "</ul>\n</details>\n", ctx->out);
    }
    fputs(f->depth > 0 ? "</li>\n" : "</section>\n", ctx->out);
}

/* ---- the timeline chart --------------------------------------------- */

#define CHART_LANES 40 /* namespace/component rows; the rest share one */
#define CHART_BINS  100
#define CHART_KINDS 4
#define CHART_ITEMS 4000000 /* items read; the chart says when cut */

static const char *const kind_name[CHART_KINDS] = {
    "warning events", "normal events", "container terminations", "log errors"
};
static const char *const kind_color[CHART_KINDS] = { "#e69f00", "#999999",
                                                     "#d55e00", "#7b3294" };

struct chart_item {
    double jd;
    int lane;
    int kind;
};

struct chart {
    char *lane[CHART_LANES + 1];
    int n_lanes;
    struct chart_item *items;
    size_t n_items, cap;
    bool cut;
};

static int
chart_lane(struct chart *c, const char *ns, const char *comp)
{
    char key[256];
    int i;

    snprintf(key, sizeof(key), "%s%s%s", ns[0] ? ns : "(cluster)",
             comp[0] ? " / " : "", comp);
    for (i = 0; i < c->n_lanes; i++) {
        if (strcmp(c->lane[i], key) == 0) {
            return i;
        }
    }
    if (c->n_lanes == CHART_LANES) {
        if (c->lane[CHART_LANES] == NULL) {
            c->lane[CHART_LANES] = kt_strdup0("(other)");
        }
        return CHART_LANES;
    }
    c->lane[c->n_lanes] = kt_strdup0(key);
    return c->lane[c->n_lanes] ? c->n_lanes++ : -1;
}

static void
chart_add(void *vctx, const struct timeline_item *it)
{
    struct chart *c = vctx;
    struct chart_item *ci;
    int lane;

    if (c->n_items == CHART_ITEMS) {
        c->cut = true;
        return;
    }
    if (c->n_items == c->cap) {
        size_t want = c->cap ? c->cap * 2 : 1024;
        struct chart_item *bigger = realloc(c->items, want * sizeof(*bigger));

        if (bigger == NULL) {
            c->cut = true;
            return;
        }
        c->items = bigger;
        c->cap = want;
    }
    lane = chart_lane(c, it->namespace, it->component);
    if (lane < 0) {
        return;
    }
    ci = &c->items[c->n_items++];
    ci->jd = it->jd;
    ci->lane = lane;
    if (strcmp(it->what, "event") == 0) {
        ci->kind = strcmp(it->level, "warning") == 0 ? 0 : 1;
    } else {
        ci->kind = strcmp(it->what, "container") == 0 ? 2 : 3;
    }
}

/* A Julian day as "YYYY-MM-DD HH:MM:SS" UTC. */
static void
jd_text(double jd, char *buf, size_t len)
{
    time_t t = (time_t)((jd - 2440587.5) * 86400.0 + 0.5);
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL ||
        strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0) {
        snprintf(buf, len, "?");
    }
}

static void
chart_draw(FILE *out, const struct chart *c)
{
    enum {
        LABEL_W = 300,
        PLOT_W = 700,
        LANE_H = 22,
        TOP = 24
    };
    int n_lanes = c->n_lanes + (c->lane[CHART_LANES] ? 1 : 0);
    int *count = calloc((size_t)(n_lanes * CHART_BINS * CHART_KINDS),
                        sizeof(*count));
    double lo = c->items[0].jd;
    double hi = c->items[0].jd;
    double span;
    int height = TOP + n_lanes * LANE_H + 30;
    int lane;
    int bin;
    int k;
    size_t i;
    char t0[32];
    char t1[32];

    if (count == NULL) {
        return;
    }
    for (i = 0; i < c->n_items; i++) {
        lo = c->items[i].jd < lo ? c->items[i].jd : lo;
        hi = c->items[i].jd > hi ? c->items[i].jd : hi;
    }
    span = hi - lo > 1.0 / 86400.0 ? hi - lo : 1.0 / 86400.0;
    for (i = 0; i < c->n_items; i++) {
        const struct chart_item *it = &c->items[i];

        bin = (int)((it->jd - lo) / span * CHART_BINS);
        bin = bin >= CHART_BINS ? CHART_BINS - 1 : bin;
        lane = it->lane == CHART_LANES ? n_lanes - 1 : it->lane;
        count[(lane * CHART_BINS + bin) * CHART_KINDS + it->kind]++;
    }
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
            "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
            LABEL_W + PLOT_W + 10, height, LABEL_W + PLOT_W + 10, height);
    fputs("<title>Events, container terminations and log errors over "
          "time, by namespace and component</title>\n",
          out);
    for (k = 0; k < CHART_KINDS; k++) {
        fprintf(out,
                "<rect x=\"%d\" y=\"4\" width=\"10\" height=\"10\" "
                "fill=\"%s\"/><text x=\"%d\" y=\"13\">%s</text>\n",
                LABEL_W + k * 170, kind_color[k], LABEL_W + k * 170 + 14,
                kind_name[k]);
    }
    for (lane = 0; lane < n_lanes; lane++) {
        const char *name =
                lane < c->n_lanes ? c->lane[lane] : c->lane[CHART_LANES];
        int y = TOP + lane * LANE_H;

        fprintf(out,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                "fill=\"%s\"/>\n<text x=\"%d\" y=\"%d\" "
                "text-anchor=\"end\">",
                LABEL_W, y, PLOT_W, LANE_H - 2,
                lane % 2 ? "#ffffff" : "#f3f3f3", LABEL_W - 6, y + 14);
        report_put_html(out, name, 45);
        fputs("</text>\n", out);
        for (bin = 0; bin < CHART_BINS; bin++) {
            for (k = 0; k < CHART_KINDS; k++) {
                int n = count[(lane * CHART_BINS + bin) * CHART_KINDS + k];

                if (n == 0) {
                    continue;
                }
                jd_text(lo + span * bin / CHART_BINS, t0, sizeof(t0));
                jd_text(lo + span * (bin + 1) / CHART_BINS, t1, sizeof(t1));
                fprintf(out,
                        "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"4\" "
                        "fill=\"%s\"><title>",
                        LABEL_W + bin * (PLOT_W / CHART_BINS), y + 2 + k * 5,
                        PLOT_W / CHART_BINS - 1, kind_color[k]);
                report_put_html(out, name, 200);
                fprintf(out, ": %d %s, %s to %s</title></rect>\n", n,
                        kind_name[k], t0, t1);
            }
        }
    }
    jd_text(lo, t0, sizeof(t0));
    jd_text(lo + span, t1, sizeof(t1));
    fprintf(out,
            "<text x=\"%d\" y=\"%d\">%s</text>\n<text x=\"%d\" y=\"%d\" "
            "text-anchor=\"end\">%s</text>\n</svg>\n",
            LABEL_W, height - 10, t0, LABEL_W + PLOT_W, height - 10, t1);
    free(count);
}

static void
html_chart(struct sqlite3 *db, FILE *out, const struct report_opts *opts)
{
    struct chart c;
    struct timeline_filter f;
    struct kt_err err;
    int i;

    memset(&c, 0, sizeof(c));
    memset(&f, 0, sizeof(f));
    f.namespace = opts->namespace;
    fputs("<h2>Timeline</h2>\n", out);
    if (timeline_each(db, &f, chart_add, &c, &err) != KT_OK || c.n_items == 0) {
        fputs("<p>No timed events, container terminations or log errors "
              "in the bundle.</p>\n",
              out);
    } else {
        fprintf(out,
                "<p>%zu items%s; <code>kftriage timeline</code> lists "
                "them with file and line.</p>\n",
                c.n_items, c.cut ? " (cut: too many to chart)" : "");
        chart_draw(out, &c);
    }
    for (i = 0; i <= CHART_LANES; i++) {
        free(c.lane[i]);
    }
    free(c.items);
}

/* ---- coverage and the page ------------------------------------------ */

static void
html_coverage(FILE *out, const cJSON *cov)
{
    const cJSON *item;
    const cJSON *arr;

    fputs("<h2>Coverage</h2>\n<table>\n<tr><th>what</th><th>count</th>"
          "</tr>\n",
          out);
    arr = cJSON_GetObjectItemCaseSensitive(cov, "seen");
    cJSON_ArrayForEach(item, arr)
    {
        fputs("<tr><td>", out);
        report_put_html(out, report_jstr(item, "what"), 100);
        fprintf(out, "</td><td class=\"n\">%.0f</td></tr>\n",
                report_jnum(item, "count"));
    }
    fputs("</table>\n<ul>\n", out);
    arr = cJSON_GetObjectItemCaseSensitive(cov, "missing");
    cJSON_ArrayForEach(item, arr)
    {
        fputs("<li>Not in the bundle: <b>", out);
        report_put_html(out, report_jstr(item, "what"), 100);
        fputs("</b>: ", out);
        report_put_html(out, report_jstr(item, "weakens"), 300);
        fputs("</li>\n", out);
    }
    if (report_jstr(cov, "archive_error")[0] != '\0') {
        fputs("<li>The archive is damaged: ", out);
        report_put_html(out, report_jstr(cov, "archive_error"), 500);
        fputs("</li>\n", out);
    }
    if (report_jstr(cov, "pattern_limit")[0] != '\0') {
        fputs("<li>Matching incomplete: ", out);
        report_put_html(out, report_jstr(cov, "pattern_limit"), 500);
        fputs("</li>\n", out);
    }
    arr = cJSON_GetObjectItemCaseSensitive(cov,
                                           "failing_containers_without_logs");
    cJSON_ArrayForEach(item, arr)
    {
        fputs("<li>No logs for failing container <code>", out);
        report_put_html(out, cJSON_IsString(item) ? item->valuestring : "",
                        300);
        fputs("</code></li>\n", out);
    }
    arr = cJSON_GetObjectItemCaseSensitive(cov, "collection_errors");
    cJSON_ArrayForEach(item, arr)
    {
        fputs("<li>The collector could not collect: <code>", out);
        report_put_html(out, report_jstr(item, "file"), 300);
        fprintf(out, ":%.0f</code> ", report_jnum(item, "line"));
        put_html_line(out, report_jstr(item, "text"), 300);
        fputs("</li>\n", out);
    }
    arr = cJSON_GetObjectItemCaseSensitive(cov, "skipped_entries");
    cJSON_ArrayForEach(item, arr)
    {
        fputs("<li>Skipped or partly read: <code>", out);
        report_put_html(out, report_jstr(item, "file"), 300);
        fputs("</code> (", out);
        report_put_html(out, report_jstr(item, "status"), 20);
        fputs("): ", out);
        report_put_html(out, report_jstr(item, "reason"), 300);
        fputs("</li>\n", out);
    }
    fputs("</ul>\n", out);
}

enum kt_status
report_write_html(struct sqlite3 *db, FILE *out, const struct report_opts *opts,
                  struct kt_err *err)
{
    struct html_ctx ctx = { out, 0 };
    struct report_visitor v = { &ctx, html_enter, html_leave };
    cJSON *bundle = report_bundle_json(db);
    cJSON *cov = report_coverage_json(db);
    cJSON *unexplained = report_unexplained_json(db, opts->namespace);
    const cJSON *item;
    enum kt_status st = KT_OK;

    if (bundle == NULL || cov == NULL || unexplained == NULL) {
        st = kt_err_set(err, KT_ENOMEM, "out of memory");
        goto out;
    }
    fputs(page_head, out);
    fputs("<title>kftriage report: ", out);
    report_put_html(out, report_jstr(bundle, "path"), 300);
    fputs("</title>\n", out);
    fputs(page_style, out);
    fputs("<h1>kftriage report: ", out);
    report_put_html(out, report_jstr(bundle, "path"), 300);
    fprintf(out, "</h1>\n<p>kftriage %s, layout ", KT_VERSION);
    report_put_html(out, report_jstr(bundle, "layout"), 64);
    fprintf(out, ", %.0f files, collected ", report_jnum(bundle, "files"));
    report_put_html(out,
                    report_jstr(bundle, "collected_at")[0] != '\0'
                            ? report_jstr(bundle, "collected_at")
                            : "at an unknown time",
                    64);
    fputs(".</p>\n", out);
    if (report_walk(db, opts->namespace, &v) == 0) {
        fputs("<p>No known failure found.</p>\n", out);
    }
    html_chart(db, out, opts);
    if (cJSON_GetArraySize(unexplained) > 0) {
        fputs("<h2>Errors and warnings no finding explains</h2>\n"
              "<ul class=\"ev\">\n",
              out);
        cJSON_ArrayForEach(item, unexplained)
        {
            fprintf(out, "<li>%.0fx <code>", report_jnum(item, "count"));
            report_put_html(out, report_jstr(item, "file"), 300);
            fprintf(out, ":%.0f</code> <q>", report_jnum(item, "line"));
            put_html_line(out, report_jstr(item, "text"), 300);
            fputs("</q></li>\n", out);
        }
        fputs("</ul>\n", out);
    }
    html_coverage(out, cov);
    fputs("<script>document.documentElement.setAttribute("
          "'data-kftriage', 'rendered');</script>\n</body>\n</html>\n",
          out);

out:
    cJSON_Delete(bundle);
    cJSON_Delete(cov);
    cJSON_Delete(unexplained);
    return st;
}
