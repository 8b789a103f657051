/* SPDX-License-Identifier: MIT */
/* Unit tests of the version-drift and api-removed detectors
 * (detect_drift.c) over a small index built in a fresh temporary
 * directory, with a small compatibility table of their own: which images
 * count, where the Kubernetes version comes from, what is reported as
 * not checked, and when a missing API version is a removal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "detect.h"
#include "index.h"
#include "model.h"
#include "pattern.h"

static const char table[] =
        "{\"schema\": 1, \"topic\": \"test\", \"detectors\": [\n"
        "{\"id\": \"ver.component-drift\", \"detector\": \"version-drift\",\n"
        " \"category\": \"version-drift\", \"severity\": \"error\",\n"
        " \"params\": {\"components\": [\n"
        "  {\"name\": \"kfp\", \"label\": \"KFP\",\n"
        "   \"images\": [\"ml-pipeline/api-server\"]},\n"
        "  {\"name\": \"argo\", \"label\": \"Argo\",\n"
        "   \"images\": [\"argoproj/workflow-controller\"]},\n"
        "  {\"name\": \"knative\", \"label\": \"Knative\",\n"
        "   \"images\": [\"knative.dev/serving/cmd/controller\"],\n"
        "   \"version_label\": \"app.kubernetes.io/version\"}],\n"
        "  \"rules\": [\n"
        "  {\"id\": \"r1\", \"when\": \"kfp\", \"from\": \"2.0\",\n"
        "   \"below\": \"2.2\", \"needs\": \"argo\", \"needs_from\": \"3.3\",\n"
        "   \"needs_below\": \"3.4\", \"expect\": \"3.3.x\"},\n"
        "  {\"id\": \"r2\", \"when\": \"knative\", \"from\": \"1.12\",\n"
        "   \"needs\": \"kubernetes\", \"needs_from\": \"1.26\"}]},\n"
        " \"title\": \"{needs} {needs_version}/{component} {version}/"
        "{expected}\",\n"
        " \"root_cause\": \"r\", \"fix\": \"f\", \"next_steps\": [\"n\"]},\n"
        "{\"id\": \"ver.api-removed\", \"detector\": \"api-removed\",\n"
        " \"category\": \"version-drift\", \"severity\": \"error\",\n"
        " \"params\": {\"removed_apis\": [{\"api\": \"batch/v1beta1\",\n"
        "  \"kinds\": [\"CronJob\"], \"removed\": \"1.25\",\n"
        "  \"use\": \"batch/v1\"}]},\n"
        " \"title\": \"{apiver} {crkind} {removed} {k8s_version} {use}\",\n"
        " \"root_cause\": \"r\", \"fix\": \"f\", \"next_steps\": [\"n\"]}\n"
        "]}\n";

struct fix {
    char dir[64];
    char db_path[96];
    struct index *idx;
    struct pattern_set set;
    long long file_id;
    char out[2048]; /* what query() read */
};

static int
setup(void **state)
{
    struct fix *f = calloc(1, sizeof(*f));
    char path[128];
    struct index_file file = {
        "cluster-resources/pods.json", "json", NULL, NULL, NULL, false, 0
    };
    struct kt_err err;
    FILE *fp;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/kt-drift-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(path, sizeof(path), "%s/drift.json", f->dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(table, fp);
    fclose(fp);
    pattern_set_init(&f->set);
    assert_int_equal(pattern_load_file(&f->set, path, &err), KT_OK);
    unlink(path);
    snprintf(f->db_path, sizeof(f->db_path), "%s/i.db", f->dir);
    assert_int_equal(index_create(f->db_path, &f->idx, &err), KT_OK);
    assert_int_equal(index_add_file(f->idx, &file, &f->file_id, &err), KT_OK);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fix *f = *state;

    index_close(f->idx);
    pattern_set_fini(&f->set);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void
add(struct fix *f, const char *kind, const char *ns, const char *name,
    const char *images, const char *labels, const char *version)
{
    struct kt_object o;
    struct kt_err err;

    kt_object_init(&o);
    o.kind = kt_strdup0(kind);
    o.namespace = kt_strdup0(ns);
    o.name = kt_strdup0(name);
    o.images = kt_strdup0(images);
    o.labels = kt_strdup0(labels);
    o.version = kt_strdup0(version);
    o.line = 1;
    assert_int_equal(index_add_object(f->idx, f->file_id, &o, &err), KT_OK);
    kt_object_fini(&o);
}

static void
add_event(struct fix *f, const char *message)
{
    struct kt_event e;
    struct kt_err err;

    kt_event_init(&e);
    e.namespace = kt_strdup0("team-a");
    e.kind = kt_strdup0("CronJob");
    e.name = kt_strdup0("nightly");
    e.type = kt_strdup0("Warning");
    e.message = kt_strdup0(message);
    e.line = 7;
    assert_int_equal(index_add_event(f->idx, f->file_id, &e, &err), KT_OK);
    kt_event_fini(&e);
}

static int
append_row(void *ctx, int n, char **vals, char **names)
{
    struct fix *f = ctx;
    size_t len = strlen(f->out);

    (void)names;
    snprintf(f->out + len, sizeof(f->out) - len, "%s%s", len ? "|" : "",
             n > 0 && vals[0] != NULL ? vals[0] : "");
    return 0;
}

/* Run both detectors, then put the rows of sql (one column), joined by
 * '|', into f->out. */
static const char *
run_and_query(struct fix *f, const char *sql)
{
    struct detect_stats ds;
    struct kt_err err;

    assert_int_equal(detect_run_all(&f->set, index_db(f->idx), &ds, &err),
                     KT_OK);
    f->out[0] = '\0';
    assert_int_equal(sqlite3_exec(index_db(f->idx), sql, append_row, f, NULL),
                     SQLITE_OK);
    return f->out;
}

#define TITLES      "SELECT name || ': ' || title FROM matches WHERE strong"
#define NOT_CHECKED "SELECT rule || ': ' || needs FROM not_checked"

static void
kfp_with_the_wrong_argo_names_both_versions(void **state)
{
    struct fix *f = *state;

    add(f, "Pod", "kubeflow", "ml-pipeline-1",
        "gcr.io/ml-pipeline/api-server:2.0.5", NULL, NULL);
    add(f, "Pod", "kubeflow", "workflow-controller-1",
        "quay.io/argoproj/workflow-controller:v3.4.16", NULL, NULL);
    add(f, "Node", "", "n1", NULL, NULL, "v1.27.3");
    assert_string_equal(run_and_query(f, TITLES),
                        "workflow-controller-1: Argo v3.4.16/KFP 2.0.5/"
                        "3.3.x");
}

static void
matching_versions_give_no_finding(void **state)
{
    struct fix *f = *state;

    add(f, "Pod", "kubeflow", "ml-pipeline-1",
        "gcr.io/ml-pipeline/api-server:2.1.0-rc.1", NULL, NULL);
    add(f, "Pod", "kubeflow", "workflow-controller-1",
        "localhost:5000/argoproj/workflow-controller:v3.3.10", NULL, NULL);
    add(f, "Node", "", "n1", NULL, NULL, "v1.27.3");
    assert_string_equal(run_and_query(f, TITLES), "");
    assert_string_equal(run_and_query(f, NOT_CHECKED), "");
}

static void
digests_and_garbage_tags_are_ignored(void **state)
{
    struct fix *f = *state;

    add(f, "Pod", "kubeflow", "ml-pipeline-1",
        "gcr.io/ml-pipeline/api-server@sha256:0123abcd", NULL, NULL);
    add(f, "Pod", "kubeflow", "workflow-controller-1",
        "quay.io/argoproj/workflow-controller:latest", NULL, NULL);
    add(f, "Pod", "kubeflow", "other-1",
        "gcr.io/ml-pipeline/api-server-proxy:1.0.0", NULL, NULL);
    add(f, "Node", "", "n1", NULL, NULL, "v1.27.3");
    assert_string_equal(run_and_query(f, TITLES), "");
    assert_non_null(strstr(run_and_query(f, NOT_CHECKED),
                           "ver.component-drift: pods running component "
                           "images"));
}

static void
version_label_and_newest_kubelet_are_used(void **state)
{
    struct fix *f = *state;

    /* A digest-only Knative image: the version comes from its label.
     * The newest kubelet (1.26.1) bounds the API server from below. */
    add(f, "Pod", "knative-serving", "controller-1",
        "gcr.io/knative-releases/knative.dev/serving/cmd/controller"
        "@sha256:0123abcd",
        "app=controller,app.kubernetes.io/version=1.14.1", NULL);
    add(f, "Node", "", "n1", NULL, NULL, "v1.25.9");
    add(f, "Node", "", "n2", NULL, NULL, "v1.26.1-eks-1234");
    add(f, "Node", "", "n3", NULL, NULL, "garbage");
    assert_string_equal(run_and_query(f, TITLES), "");
}

static void
cluster_version_wins_over_kubelets(void **state)
{
    struct fix *f = *state;

    add(f, "Pod", "knative-serving", "controller-1",
        "gcr.io/knative-releases/knative.dev/serving/cmd/controller:v1.14.1",
        NULL, NULL);
    add(f, "Node", "", "n1", NULL, NULL, "v1.26.1");
    add(f, "Cluster", "", "kubernetes", NULL, NULL, "v1.25.16+k3s1");
    assert_string_equal(run_and_query(f, TITLES),
                        "controller-1: Kubernetes v1.25.16+k3s1/Knative "
                        "v1.14.1/1.26 or newer");
}

static void
missing_kubernetes_version_is_not_checked(void **state)
{
    struct fix *f = *state;

    add(f, "Pod", "knative-serving", "controller-1",
        "gcr.io/knative-releases/knative.dev/serving/cmd/controller:v1.14.1",
        NULL, NULL);
    assert_string_equal(run_and_query(f, TITLES), "");
    assert_string_equal(run_and_query(f, NOT_CHECKED),
                        "ver.component-drift: the Kubernetes server version "
                        "(node objects or cluster-info/cluster_version.json)"
                        "|ver.api-removed: the Kubernetes server version "
                        "(node objects or cluster-info/cluster_version.json)");
}

static void
removed_api_counts_only_from_its_release(void **state)
{
    struct fix *f = *state;

    add_event(f, "Error: no matches for kind \\\"CronJob\\\" in version "
                 "\\\"batch/v1beta1\\\"");
    add_event(f, "no matches for kind \"Workflow\" in version "
                 "\"argoproj.io/v1alpha1\"");
    add(f, "Cluster", "", "kubernetes", NULL, NULL, "v1.24.17");
    assert_string_equal(run_and_query(f, TITLES), "");
}

static void
removed_api_on_a_newer_cluster_is_reported(void **state)
{
    struct fix *f = *state;

    add_event(f, "Error: no matches for kind \\\"CronJob\\\" in version "
                 "\\\"batch/v1beta1\\\"");
    add(f, "Cluster", "", "kubernetes", NULL, NULL, "v1.25.0");
    assert_string_equal(run_and_query(f, TITLES),
                        "nightly: batch/v1beta1 CronJob 1.25 v1.25.0 "
                        "batch/v1");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
                kfp_with_the_wrong_argo_names_both_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(matching_versions_give_no_finding,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(digests_and_garbage_tags_are_ignored,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
                version_label_and_newest_kubelet_are_used, setup, teardown),
        cmocka_unit_test_setup_teardown(cluster_version_wins_over_kubelets,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
                missing_kubernetes_version_is_not_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(
                removed_api_counts_only_from_its_release, setup, teardown),
        cmocka_unit_test_setup_teardown(
                removed_api_on_a_newer_cluster_is_reported, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
