/* SPDX-License-Identifier: MIT */
/* The report formats over an index built here through SQL: a chain of
 * symptoms four levels deep (PVC -> MySQL pod -> metadata-grpc ->
 * ml-pipeline), a root whose text is hostile (a script tag, Markdown link
 * syntax, terminal escape sequences), and a chain deeper than the walk
 * follows. With "--write-db PATH" it only writes that index, for the
 * golden tests of the commands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "index.h"
#include "report.h"
#include "search.h"
#include "timeline.h"

/* Hostile bundle text, built in SQL: a script tag, a Markdown link, an
 * OSC title sequence and a colour sequence. */
#define HOSTILE_SQL                                                \
    "'<script>alert(1)</script> [click](http://evil.example) ' ||" \
    " char(27) || ']0;pwned' || char(7) || char(27) || '[31mred ```x```'"

static const char fixture_sql[] =
        "INSERT INTO meta VALUES('bundle_path', 'nested.tar.gz'),"
        " ('bundle_sha256', ''), ('layout', 'troubleshoot'),"
        " ('collected_at', '2024-09-18T15:00:00Z'),"
        " ('collected_at_source', 'test'), ('bundle_files', '3'),"
        " ('bundle_bytes', '1000');"
        "INSERT INTO files(id, path, type, namespace, pod, container,"
        " previous, status) VALUES"
        " (1, 'cluster-resources/pvcs/kubeflow.json', 'json', NULL, NULL,"
        " NULL, 0, 'indexed'),"
        " (2, 'logs/kubeflow/metadata-grpc/container.log', 'log',"
        " 'kubeflow', 'metadata-grpc', 'container', 0, 'indexed'),"
        " (3, 'logs/kubeflow/evil/<b>x</b>[y](z).log', 'log', 'kubeflow',"
        " 'evil', 'c', 0, 'partial');"
        "UPDATE files SET note = " HOSTILE_SQL " WHERE id = 3;"
        "INSERT INTO findings(id, parent_id, rank, rule, category,"
        " severity, confidence, title, namespace, kind, name, root_cause,"
        " fix, next_steps, refs, first_seen, last_seen, n_evidence) VALUES"
        " (1, NULL, 1, 'pvc.pending', 'pvc-storage', 'critical', 0.9,"
        " 'PVC mysql-pv-claim is Pending', 'kubeflow',"
        " 'PersistentVolumeClaim', 'mysql-pv-claim', 'No default class.',"
        " 'Create a default StorageClass.', 'kubectl get sc', '',"
        " '2024-09-18T14:00:00Z', '2024-09-18T14:10:00Z', 1),"
        " (2, 1, 2, 'pod.volume', 'pvc-storage', 'error', 0.8,"
        " 'MySQL pod cannot start', 'kubeflow', 'Pod', 'mysql-0', '', '',"
        " '', '', NULL, NULL, 1),"
        " (3, 2, 3, 'metadata.db', 'metadata-db', 'error', 0.8,"
        " 'metadata-grpc cannot reach MySQL', 'kubeflow', 'Pod',"
        " 'metadata-grpc', '', '', '', '', NULL, NULL, 1),"
        " (4, 3, 4, 'pipeline.api', 'pipeline-execution', 'warning', 0.7,"
        " 'ml-pipeline cannot reach metadata-grpc', 'kubeflow', 'Pod',"
        " 'ml-pipeline', '', '', '', '', NULL, NULL, 1),"
        " (5, NULL, 5, 'evil.rule', 'crashloop', 'error', 0.6, " HOSTILE_SQL
        ", 'kubeflow', 'Pod', 'evil', " HOSTILE_SQL ", " HOSTILE_SQL
        ", " HOSTILE_SQL ", '', NULL, NULL, 1);"
        "INSERT INTO evidence VALUES"
        " (1, 1, 12, 'object', 'phase Pending'),"
        " (2, 1, 40, 'event', 'pod has unbound immediate"
        " PersistentVolumeClaims'),"
        " (3, 2, 7, 'log', 'dial tcp mysql:3306: connection refused'),"
        " (4, 2, 9, 'log', 'Failed to connect to metadata-grpc'),"
        " (5, 3, 1, 'log', " HOSTILE_SQL ");"
        "INSERT INTO events(namespace, kind, name, type, reason, message,"
        " source, count, first_seen, last_seen, file_id, line) VALUES"
        " ('kubeflow', 'Pod', 'mysql-0', 'Warning', 'FailedScheduling',"
        " 'pod has unbound immediate PersistentVolumeClaims',"
        " 'default-scheduler', 3, '2024-09-18T14:00:00Z',"
        " '2024-09-18T14:10:00Z', 1, 40);"
        "INSERT INTO logs(file_id, line, end_line, ts, level, text,"
        " truncated, ts_guessed, msg_off) VALUES"
        " (2, 7, 7, '2024-09-18T14:20:00Z', 'error',"
        " 'dial tcp mysql:3306: connection refused', 0, 0, 0),"
        " (3, 1, 1, '2024-09-18T14:30:00Z', 'fatal', " HOSTILE_SQL
        ", 0, 0, 0);";

/* A chain of 20 findings under one root, deeper than the walk goes. */
static const char deep_sql[] =
        "WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n"
        " WHERE i < 120) INSERT INTO findings(id, parent_id, rank, rule,"
        " category, severity, confidence, title, namespace, kind, name,"
        " n_evidence) SELECT i, CASE i WHEN 100 THEN NULL ELSE i - 1 END,"
        " i, 'deep', 'crashloop', 'info', 0.5, 'deep level ' || (i - 100),"
        " 'deep', 'Pod', 'p' || i, 0 FROM n;";

static void
build_index(const char *path, bool deep)
{
    struct index *idx = NULL;
    struct kt_err err;
    char *msg = NULL;

    assert_int_equal(index_create(path, &idx, &err), KT_OK);
    if (sqlite3_exec(index_db(idx), fixture_sql, NULL, NULL, &msg) !=
        SQLITE_OK) {
        fail_msg("fixture: %s", msg);
    }
    if (deep &&
        sqlite3_exec(index_db(idx), deep_sql, NULL, NULL, &msg) != SQLITE_OK) {
        fail_msg("deep fixture: %s", msg);
    }
    assert_int_equal(index_set_meta(idx, "tool_version", "test", &err), KT_OK);
    assert_int_equal(index_commit(idx, &err), KT_OK);
    index_close(idx);
}

/* The report of the index at path in fmt. Caller frees. */
static char *
render(const char *path, enum report_format fmt, const char *ns)
{
    struct index *idx = NULL;
    struct report_opts ro;
    struct kt_err err;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    assert_non_null(out);
    assert_int_equal(index_open_ro(path, &idx, &err), KT_OK);
    memset(&ro, 0, sizeof(ro));
    ro.format = fmt;
    ro.namespace = ns;
    assert_int_equal(report_write(index_db(idx), out, &ro, &err), KT_OK);
    index_close(idx);
    fclose(out);
    return text;
}

static int
setup(void **state)
{
    static char dir[] = "/tmp/kt-report-XXXXXX";
    static char path[64];

    if (mkdtemp(dir) == NULL) {
        return -1;
    }
    snprintf(path, sizeof(path), "%s/n.db", dir);
    build_index(path, true);
    *state = path;
    return 0;
}

static int
teardown(void **state)
{
    char *path = *state;
    char dir[64];

    unlink(path);
    snprintf(dir, sizeof(dir), "%s", path);
    *strrchr(dir, '/') = '\0';
    rmdir(dir);
    return 0;
}

/* Blank the lines of fenced code blocks in Markdown md, in place: what
 * is inside a fence is shown literally, never interpreted. */
static void
strip_fences(char *md)
{
    char *p = md;
    size_t fence = 0;

    while (*p != '\0') {
        size_t len = strcspn(p, "\n");
        size_t ticks = strspn(p, "`");

        if (ticks >= 3 && ticks == len && (fence == 0 || ticks == fence)) {
            fence = fence == 0 ? ticks : 0;
        } else if (fence > 0) {
            memset(p, ' ', len);
        }
        p += len + (p[len] == '\n');
    }
}

/* The finding n levels below the first root of a JSON report. */
static const cJSON *
json_symptom(const cJSON *root, int n)
{
    const cJSON *f = cJSON_GetArrayItem(
            cJSON_GetObjectItemCaseSensitive(root, "findings"), 0);

    while (f != NULL && n-- > 0) {
        f = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(f, "symptoms"),
                               0);
    }
    return f;
}

static void
json_nests_symptoms_three_levels_deep(void **state)
{
    char *text = render(*state, REPORT_JSON, NULL);
    cJSON *root = cJSON_Parse(text);
    const cJSON *leaf = json_symptom(root, 3);

    assert_non_null(leaf);
    assert_string_equal(
            cJSON_GetObjectItemCaseSensitive(leaf, "title")->valuestring,
            "ml-pipeline cannot reach metadata-grpc");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
                             leaf, "symptoms")),
                     0);
    assert_string_equal(
            cJSON_GetObjectItemCaseSensitive(
                    cJSON_GetArrayItem(
                            cJSON_GetObjectItemCaseSensitive(
                                    json_symptom(root, 3), "evidence"),
                            0),
                    "text")
                    ->valuestring,
            "Failed to connect to metadata-grpc");
    cJSON_Delete(root);
    free(text);
}

static void
text_indents_each_level_of_symptoms(void **state)
{
    char *text = render(*state, REPORT_TEXT, NULL);

    assert_non_null(strstr(text, "\n      - ERROR pvc-storage  Pod "
                                 "kubeflow/mysql-0\n"));
    assert_non_null(strstr(text, "\n        - ERROR metadata-db  Pod "
                                 "kubeflow/metadata-grpc\n"));
    assert_non_null(strstr(text, "\n          - WARNING pipeline-execution"
                                 "  Pod kubeflow/ml-pipeline\n"
                                 "            ml-pipeline cannot reach"));
    free(text);
}

static void
markdown_and_html_nest_symptoms(void **state)
{
    char *md = render(*state, REPORT_MARKDOWN, NULL);
    char *html = render(*state, REPORT_HTML, NULL);

    assert_non_null(strstr(md, "\n    - **warning** pipeline-execution, Pod "
                               "kubeflow/ml-pipeline: ml-pipeline cannot"));
    assert_non_null(strstr(html, "<ul class=\"sym\">\n<li><span class=\"sev\">"
                                 "warning</span> pipeline-execution"));
    free(md);
    free(html);
}

static void
deep_chain_stops_at_the_walk_limit(void **state)
{
    char *text = render(*state, REPORT_TEXT, "deep");

    assert_non_null(strstr(text, "deep level 15\n"));
    assert_null(strstr(text, "deep level 16\n"));
    free(text);
}

static void
no_format_lets_bundle_text_through(void **state)
{
    static const enum report_format fmts[] = { REPORT_TEXT, REPORT_JSON,
                                               REPORT_MARKDOWN, REPORT_HTML };
    size_t i;

    for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
        char *t = render(*state, fmts[i], "kubeflow");

        assert_null(strchr(t, '\033'));
        assert_null(strchr(t, '\007'));
        assert_non_null(strstr(t, fmts[i] == REPORT_JSON ? "\\u001b]0;pwned"
                                                         : "\\x1b]0;pwned"));
        if (fmts[i] == REPORT_HTML) {
            assert_null(strstr(t, "<script>alert"));
            assert_null(strstr(t, "<b>x</b>"));
            assert_non_null(strstr(t, "&lt;script&gt;alert(1)"));
            assert_non_null(strstr(t, "&lt;b&gt;x&lt;/b&gt;"));
        }
        if (fmts[i] == REPORT_MARKDOWN) {
            /* The next steps hold a run of three backticks. */
            assert_non_null(strstr(t, "\n````\n"));
            strip_fences(t);
            assert_null(strstr(t, "[click](http"));
            assert_null(strstr(t, "<script>"));
            assert_non_null(strstr(t, "red \\`\\`\\`x\\`\\`\\`"));
            assert_non_null(strstr(t, "\\<script\\>alert(1)"));
            assert_non_null(strstr(t, "\\[click\\](http://evil.example)"));
        }
        free(t);
    }
}

static void
json_keeps_bundle_text_exact(void **state)
{
    char *text = render(*state, REPORT_JSON, "kubeflow");
    cJSON *root = cJSON_Parse(text);
    const cJSON *evil = cJSON_GetArrayItem(
            cJSON_GetObjectItemCaseSensitive(root, "findings"), 1);

    assert_non_null(evil);
    assert_string_equal(
            cJSON_GetObjectItemCaseSensitive(evil, "title")->valuestring,
            "<script>alert(1)</script> [click](http://evil.example) "
            "\033]0;pwned\007\033[31mred ```x```");
    cJSON_Delete(root);
    free(text);
}

static void
collect_timeline(void *ctx, const struct timeline_item *it)
{
    int *n = ctx;

    (void)it;
    (*n)++;
}

static void
timeline_filters_by_level_and_age(void **state)
{
    struct index *idx = NULL;
    struct timeline_filter f;
    struct kt_err err;
    int n = 0;

    assert_int_equal(index_open_ro(*state, &idx, &err), KT_OK);
    memset(&f, 0, sizeof(f));
    assert_int_equal(
            timeline_each(index_db(idx), &f, collect_timeline, &n, &err),
            KT_OK);
    assert_int_equal(n, 3); /* one event and two log errors */
    n = 0;
    f.level = "fatal";
    assert_int_equal(
            timeline_each(index_db(idx), &f, collect_timeline, &n, &err),
            KT_OK);
    assert_int_equal(n, 1);
    n = 0;
    f.level = NULL;
    f.since = "45m"; /* from 14:15, the collection time being 15:00 */
    assert_int_equal(
            timeline_each(index_db(idx), &f, collect_timeline, &n, &err),
            KT_OK);
    assert_int_equal(n, 2);
    f.since = "yesterday";
    assert_int_equal(
            timeline_each(index_db(idx), &f, collect_timeline, &n, &err),
            KT_EUSAGE);
    index_close(idx);
}

static void
search_builds_its_table_once_and_escapes_hits(void **state)
{
    struct search_opts so;
    struct search_stats stats;
    struct kt_err err;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    memset(&so, 0, sizeof(so));
    assert_int_equal(search_run(*state, "pwned", &so, out, &stats, &err),
                     KT_OK);
    assert_true(stats.built);
    assert_int_equal(
            search_run(*state, "connection refused", &so, out, &stats, &err),
            KT_OK);
    assert_false(stats.built);
    assert_int_equal(stats.hits, 1);
    fclose(out);
    assert_null(strchr(text, '\033'));
    assert_non_null(strstr(text, "\\x1b]0;<<pwned>>"));
    assert_non_null(strstr(text, "<<connection>> <<refused>>"));
    free(text);
}

/* An index file that cannot be written (root drops to nobody in a child
 * to find that out) still answers a search, from a table built in
 * memory, and is left as it was. */
static void
search_on_a_read_only_index_builds_in_memory(void **state)
{
    char dir[] = "/tmp/kt-report-ro-XXXXXX";
    char path[64];
    pid_t pid;
    int status = -1;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/ro.db", dir);
    build_index(path, false);
    assert_int_equal(chmod(path, 0444), 0);
    assert_int_equal(chmod(dir, 0555), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct search_opts so;
        struct search_stats stats;
        struct kt_err err;
        FILE *out = fopen("/dev/null", "w");
        int rc;

        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
            _exit(2);
        }
        memset(&so, 0, sizeof(so));
        rc = out != NULL &&
             search_run(path, "refused", &so, out, &stats, &err) == KT_OK &&
             stats.temporary && !stats.built && stats.hits == 1 &&
             search_run(path, "refused", &so, out, &stats, &err) == KT_OK &&
             stats.temporary;
        _exit(rc ? 0 : 1);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    chmod(dir, 0755);
    unlink(path);
    rmdir(dir);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_nests_symptoms_three_levels_deep),
        cmocka_unit_test(text_indents_each_level_of_symptoms),
        cmocka_unit_test(markdown_and_html_nest_symptoms),
        cmocka_unit_test(deep_chain_stops_at_the_walk_limit),
        cmocka_unit_test(no_format_lets_bundle_text_through),
        cmocka_unit_test(json_keeps_bundle_text_exact),
        cmocka_unit_test(timeline_filters_by_level_and_age),
        cmocka_unit_test(search_builds_its_table_once_and_escapes_hits),
        cmocka_unit_test(search_on_a_read_only_index_builds_in_memory),
    };

    if (argc == 3 && strcmp(argv[1], "--write-db") == 0) {
        build_index(argv[2], false);
        return 0;
    }
    return cmocka_run_group_tests(tests, setup, teardown);
}
