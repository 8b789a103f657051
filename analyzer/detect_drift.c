/* SPDX-License-Identifier: MIT */
/* Version drift: the releases of the components that run (read from the
 * image tags of their pods) and of Kubernetes, checked against the
 * compatibility table of the detector's parameters, and API versions a
 * client still asks for after the running Kubernetes removed them. The
 * table is data (patterns/version-drift.json, documented in
 * patterns/README.md); this file knows no component by name. */
#include "detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "semver.h"

/* Component versions kept per run: one pod per component and version (a
 * cluster runs a handful); past it, further versions are not checked. */
#define DRIFT_MAX_PODS 4096

/* Findings one detector writes per run: a table mistake must not flood
 * the report. */
#define DRIFT_MAX_HITS 50

/* Length of a parameter path built from a list name and indexes. */
#define PATH_MAX_LEN 96

/* The component name that stands for the Kubernetes version. */
#define KUBERNETES "kubernetes"

/* One pod running an image of a component, with the version of its tag
 * (or of the component's version label). */
struct comp_pod {
    size_t comp; /* index in the "components" list */
    size_t pref; /* index of the image name that matched */
    struct semver v;
    char tag[64]; /* the version as written */
    char *namespace;
    char *name;
    char *image;
    long long object_id;
    long long file_id;
    long long line;
    bool first; /* no earlier pod of the component has this version */
};

struct comp_pods {
    struct comp_pod *p;
    size_t n;
};

/* The Kubernetes version and the record it comes from. */
struct kube_version {
    bool known;
    struct semver v;
    char text[64];
    char from[300]; /* "the API server (FILE)" or "the kubelet of node X" */
    long long object_id;
    long long file_id;
    long long line;
};

static const char *
col(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);

    return t != NULL ? t : "";
}

static enum kt_status
db_error(struct detect *d, struct kt_err *err)
{
    return kt_err_set(err, KT_EDB, "%s: %s", detect_id(d),
                      sqlite3_errmsg(detect_db(d)));
}

/* The string at LIST.I.FIELD of the parameters, or NULL. */
static const char *
item_str(struct detect *d, const char *list, size_t i, const char *field)
{
    char path[PATH_MAX_LEN];

    snprintf(path, sizeof(path), "%s.%zu.%s", list, i, field);
    return detect_param_at(d, path, NULL);
}

/* Index of the component named name, or -1. */
static long
comp_index(struct detect *d, const char *name)
{
    size_t n = detect_param_len(d, "components");
    size_t i;

    for (i = 0; name != NULL && i < n; i++) {
        const char *c = item_str(d, "components", i, "name");

        if (c != NULL && strcmp(c, name) == 0) {
            return (long)i;
        }
    }
    return -1;
}

/* What the report calls a component: its label, else its name. */
static const char *
comp_label(struct detect *d, const char *name)
{
    long i = comp_index(d, name);
    const char *l =
            i >= 0 ? item_str(d, "components", (size_t)i, "label") : NULL;

    if (l == NULL && name != NULL && strcmp(name, KUBERNETES) == 0) {
        return "Kubernetes";
    }
    return l != NULL ? l : name;
}

/* The Kubernetes version: the API server's (a Cluster object, from
 * cluster_version.json or kubectl version) when the bundle has it, else
 * the newest kubelet, since the API server is never older than its
 * kubelets. */
static enum kt_status
find_kube_version(struct detect *d, struct kube_version *kv, struct kt_err *err)
{
    static const char sql[] =
            "SELECT o.kind, o.name, o.version, o.id, o.file_id, o.line,"
            " coalesce(f.path, '') FROM objects o"
            " LEFT JOIN files f ON f.id = o.file_id"
            " WHERE o.kind IN ('Cluster', 'Node') AND o.version IS NOT NULL"
            " ORDER BY o.kind = 'Cluster' DESC, o.name";
    sqlite3_stmt *s;

    memset(kv, 0, sizeof(*kv));
    if (sqlite3_prepare_v2(detect_db(d), sql, -1, &s, NULL) != SQLITE_OK) {
        return db_error(d, err);
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        bool cluster = strcmp(col(s, 0), "Cluster") == 0;
        struct semver v;

        if (!semver_parse_str(col(s, 2), &v)) {
            continue;
        }
        if (kv->known && (cluster || semver_cmp(&v, &kv->v) <= 0)) {
            continue;
        }
        kv->known = true;
        kv->v = v;
        snprintf(kv->text, sizeof(kv->text), "%s", col(s, 2));
        if (cluster) {
            snprintf(kv->from, sizeof(kv->from), "the API server version in %s",
                     col(s, 6));
        } else {
            snprintf(kv->from, sizeof(kv->from),
                     "the kubelet of node %s; the API server is at least as "
                     "new",
                     col(s, 1));
        }
        kv->object_id = sqlite3_column_int64(s, 3);
        kv->file_id = sqlite3_column_int64(s, 4);
        kv->line = sqlite3_column_int64(s, 5);
        if (cluster) {
            break;
        }
    }
    sqlite3_finalize(s);
    return KT_OK;
}

/* The value of label key in a "k=v,k=v" list, copied into buf. */
static bool
label_value(const char *labels, const char *key, char *buf, size_t cap)
{
    size_t klen = strlen(key);
    const char *p = labels;

    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ',');
        size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

        if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            snprintf(buf, cap, "%.*s", (int)(n - klen - 1), p + klen + 1);
            return true;
        }
        p = end != NULL ? end + 1 : NULL;
    }
    return false;
}

/* Which component image is the len bytes of image, and its version.
 * Returns false when it is no component's or its version is unknown (a
 * digest without tag and no version label, or a tag like "latest"). */
static bool
classify_image(struct detect *d, const char *image, size_t len,
               const char *labels, struct comp_pod *cp)
{
    size_t n_comp = detect_param_len(d, "components");
    size_t repo_len;
    size_t tag_len;
    const char *tag;
    size_t c;

    semver_image_split(image, len, &repo_len, &tag, &tag_len);
    for (c = 0; c < n_comp; c++) {
        char path[PATH_MAX_LEN];
        size_t n_img;
        size_t j;

        snprintf(path, sizeof(path), "components.%zu.images", c);
        n_img = detect_param_len(d, path);
        for (j = 0; j < n_img; j++) {
            char ipath[PATH_MAX_LEN + 24];
            const char *want;
            const char *vlabel;

            snprintf(ipath, sizeof(ipath), "%s.%zu", path, j);
            want = detect_param_at(d, ipath, NULL);
            if (want == NULL || !semver_repo_is(image, repo_len, want)) {
                continue;
            }
            cp->comp = c;
            cp->pref = j;
            if (tag != NULL && semver_parse(tag, tag_len, &cp->v)) {
                snprintf(cp->tag, sizeof(cp->tag), "%.*s", (int)tag_len, tag);
                return true;
            }
            vlabel = item_str(d, "components", c, "version_label");
            return vlabel != NULL &&
                   label_value(labels, vlabel, cp->tag, sizeof(cp->tag)) &&
                   semver_parse_str(cp->tag, &cp->v);
        }
    }
    return false;
}

static int
pod_order(const void *a, const void *b)
{
    const struct comp_pod *x = a;
    const struct comp_pod *y = b;
    int c;

    if (x->comp != y->comp) {
        return x->comp < y->comp ? -1 : 1;
    }
    if (x->pref != y->pref) {
        return x->pref < y->pref ? -1 : 1;
    }
    c = strcmp(x->namespace, y->namespace);
    return c != 0 ? c : strcmp(x->name, y->name);
}

static void
pods_free(struct comp_pods *cps)
{
    size_t i;

    for (i = 0; i < cps->n; i++) {
        free(cps->p[i].namespace);
        free(cps->p[i].name);
        free(cps->p[i].image);
    }
    free(cps->p);
    cps->p = NULL;
    cps->n = 0;
}

/* Mark the first pod of each version of each component: one finding per
 * version, about the pod the component lists first. The pods are sorted
 * by component, so only the run of the same component is scanned. */
static void
mark_first_versions(struct comp_pods *cps)
{
    size_t start = 0;
    size_t i;
    size_t k;

    for (i = 0; i < cps->n; i++) {
        if (cps->p[i].comp != cps->p[start].comp) {
            start = i;
        }
        cps->p[i].first = true;
        for (k = start; k < i && cps->p[i].first; k++) {
            cps->p[i].first = !cps->p[k].first ||
                              semver_cmp(&cps->p[k].v, &cps->p[i].v) != 0;
        }
    }
}

/* Whether a pod (namespace ns, name) running cp comes before the pod
 * kept in old: the image the component lists first, then namespace and
 * name. */
static bool
better_pod(const struct comp_pod *cp, const char *ns, const char *name,
           const struct comp_pod *old)
{
    int c;

    if (cp->pref != old->pref) {
        return cp->pref < old->pref;
    }
    c = strcmp(ns, old->namespace);
    return c != 0 ? c < 0 : strcmp(name, old->name) < 0;
}

/* Keep the pod of row s whose image (len bytes at image) classify_image()
 * just read into cps->p[cps->n]: unless the pod already counts for that
 * component (pods from index first on are this row's), and unless an
 * earlier pod of the same version comes first in the order of
 * better_pod(), whose place it takes otherwise. */
static enum kt_status
keep_pod(struct comp_pods *cps, size_t first, sqlite3_stmt *s,
         const char *image, size_t len, struct kt_err *err)
{
    struct comp_pod *cp = &cps->p[cps->n];
    struct comp_pod *slot = cp;
    size_t k;

    for (k = first; k < cps->n; k++) {
        if (cps->p[k].comp == cp->comp) {
            return KT_OK;
        }
    }
    for (k = 0; k < first; k++) {
        if (cps->p[k].comp == cp->comp &&
            semver_cmp(&cps->p[k].v, &cp->v) == 0) {
            if (!better_pod(cp, col(s, 1), col(s, 2), &cps->p[k])) {
                return KT_OK;
            }
            slot = &cps->p[k];
            free(slot->namespace);
            free(slot->name);
            free(slot->image);
            *slot = *cp;
            break;
        }
    }
    slot->object_id = sqlite3_column_int64(s, 0);
    slot->namespace = kt_strdup0(col(s, 1));
    slot->name = kt_strdup0(col(s, 2));
    slot->image = malloc(len + 1);
    slot->file_id = sqlite3_column_int64(s, 5);
    slot->line = sqlite3_column_int64(s, 6);
    if (slot == cp) {
        cps->n++;
    }
    if (slot->namespace == NULL || slot->name == NULL || slot->image == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    memcpy(slot->image, image, len);
    slot->image[len] = '\0';
    return KT_OK;
}

/* Every pod running a component image with a known version, ordered by
 * component, then by the image the component lists first (the API
 * server before the UI), then by namespace and name. A pod counts once
 * per component. */
static enum kt_status
load_pods(struct detect *d, struct comp_pods *cps, struct kt_err *err)
{
    static const char sql[] =
            "SELECT o.id, o.namespace, o.name, o.images,"
            " coalesce(o.labels, ''), o.file_id, o.line FROM objects o"
            " WHERE o.kind = 'Pod' AND o.images IS NOT NULL";
    sqlite3_stmt *s;
    enum kt_status st = KT_OK;

    cps->p = calloc(DRIFT_MAX_PODS, sizeof(*cps->p));
    cps->n = 0;
    if (cps->p == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    if (sqlite3_prepare_v2(detect_db(d), sql, -1, &s, NULL) != SQLITE_OK) {
        return db_error(d, err);
    }
    while (st == KT_OK && cps->n < DRIFT_MAX_PODS &&
           sqlite3_step(s) == SQLITE_ROW) {
        const char *images = col(s, 3);
        const char *p = images;
        size_t first = cps->n;

        while (st == KT_OK && p != NULL && *p != '\0' &&
               cps->n < DRIFT_MAX_PODS) {
            const char *end = strchr(p, ',');
            size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
            struct comp_pod *cp = &cps->p[cps->n];

            memset(cp, 0, sizeof(*cp));
            if (classify_image(d, p, len, col(s, 4), cp)) {
                st = keep_pod(cps, first, s, p, len, err);
            }
            p = end != NULL ? end + 1 : NULL;
        }
    }
    sqlite3_finalize(s);
    if (st == KT_OK) {
        qsort(cps->p, cps->n, sizeof(*cps->p), pod_order);
        mark_first_versions(cps);
    }
    return st;
}

/* The versions rule r asks for, as the report prints them; w is the
 * version of the component the rule is about. */
static void
expected_text(struct detect *d, size_t r, const struct semver *w, char *buf,
              size_t cap)
{
    const char *expect = item_str(d, "rules", r, "expect");
    const char *from = item_str(d, "rules", r, "needs_from");
    const char *below = item_str(d, "rules", r, "needs_below");
    const char *same = item_str(d, "rules", r, "same");

    if (expect != NULL) {
        snprintf(buf, cap, "%s", expect);
    } else if (same != NULL && strcmp(same, "minor") == 0) {
        snprintf(buf, cap, "%ld.%ld.x", w->major, w->minor);
    } else if (same != NULL) {
        semver_format(w, buf, cap);
    } else if (from != NULL && below != NULL) {
        snprintf(buf, cap, "%s or newer, older than %s", from, below);
    } else if (from != NULL) {
        snprintf(buf, cap, "%s or newer", from);
    } else {
        snprintf(buf, cap, "older than %s", below != NULL ? below : "?");
    }
}

/* Whether version v of the needed component satisfies rule r for version
 * w of the component that needs it. -1 when the rule's bounds are not
 * versions. */
static int
rule_allows(struct detect *d, size_t r, const struct semver *w,
            const struct semver *v)
{
    const char *same = item_str(d, "rules", r, "same");

    if (same != NULL && strcmp(same, "minor") == 0) {
        return v->major == w->major && v->minor == w->minor;
    }
    if (same != NULL && strcmp(same, "version") == 0) {
        return semver_cmp(v, w) == 0;
    }
    if (same != NULL) {
        return -1;
    }
    return semver_in_range(v, item_str(d, "rules", r, "needs_from"),
                           item_str(d, "rules", r, "needs_below"));
}

struct pairing {
    const struct comp_pod *when;   /* the component the rule is about */
    const struct comp_pod *pod;    /* the component it needs, or NULL */
    const struct kube_version *kv; /* when it needs Kubernetes */
};

static enum kt_status
cite_pod(struct detect *d, const struct comp_pod *cp, const char *label,
         struct kt_err *err)
{
    char text[600];

    snprintf(text, sizeof(text), "pod %s/%s runs %s (%s %s)", cp->namespace,
             cp->name, cp->image, label, cp->tag);
    return detect_cite(d, "status", cp->object_id, cp->file_id, cp->line, NULL,
                       text, err);
}

static enum kt_status
cite_kube(struct detect *d, const struct kube_version *kv, struct kt_err *err)
{
    char text[420];

    snprintf(text, sizeof(text), "Kubernetes %s (%s)", kv->text, kv->from);
    return detect_cite(d, "status", kv->object_id, kv->file_id, kv->line, NULL,
                       text, err);
}

/* Report that rule r is broken by the pairing. The subject is the pod
 * of the needed component, or of the component itself when what it
 * needs is Kubernetes or the rule says "subject": "when": that is the
 * deployment a support engineer changes. */
static enum kt_status
emit_drift(struct detect *d, size_t r, const struct pairing *pr,
           struct kt_err *err)
{
    const char *when = item_str(d, "rules", r, "when");
    const char *needs = item_str(d, "rules", r, "needs");
    const char *wlabel = comp_label(d, when);
    const char *nlabel = comp_label(d, needs);
    const char *subject = item_str(d, "rules", r, "subject");
    bool on_when = subject != NULL && strcmp(subject, "when") == 0;
    const struct comp_pod *subj =
            pr->pod != NULL && !on_when ? pr->pod : pr->when;
    const struct comp_pod *other = subj == pr->pod ? pr->when : pr->pod;
    const char *nversion = pr->pod != NULL ? pr->pod->tag : pr->kv->text;
    char expected[200];
    char when_pod[600];
    char needs_where[600];
    char text[800];
    const char *vars[] = {
        "component",
        wlabel,
        "version",
        pr->when->tag,
        "needs",
        nlabel,
        "needs_version",
        nversion,
        "expected",
        expected,
        "rule",
        item_str(d, "rules", r, "id"),
        "why",
        item_str(d, "rules", r, "why"),
        "rule_fix",
        item_str(d, "rules", r, "fix"),
        "source",
        item_str(d, "rules", r, "source"),
        "when_pod",
        when_pod,
        "needs_where",
        needs_where,
        NULL,
    };
    struct detect_hit h = {
        subj->namespace, "Pod", subj->name, NULL, 0, 0, NULL, text, vars
    };
    enum kt_status st;

    expected_text(d, r, &pr->when->v, expected, sizeof(expected));
    snprintf(when_pod, sizeof(when_pod), "%s/%s", pr->when->namespace,
             pr->when->name);
    if (pr->pod != NULL) {
        snprintf(needs_where, sizeof(needs_where), "pod %s/%s",
                 pr->pod->namespace, pr->pod->name);
    } else {
        snprintf(needs_where, sizeof(needs_where), "%s", pr->kv->from);
    }

    /* The hit quotes the subject pod; the citations add the other side. */
    snprintf(text, sizeof(text), "pod %s/%s runs %s (%s %s)", subj->namespace,
             subj->name, subj->image, subj == pr->pod ? nlabel : wlabel,
             subj->tag);
    h.file_id = subj->file_id;
    h.line = subj->line;
    st = detect_emit(d, &h, err);
    if (st == KT_OK && other != NULL) {
        st = cite_pod(d, other, other == pr->pod ? nlabel : wlabel, err);
    }
    if (st == KT_OK && pr->pod == NULL) {
        st = cite_kube(d, pr->kv, err);
    }
    return st;
}

/* Whether every bound rule r sets is a string: a JSON number (2.2) would
 * otherwise read as an open bound. */
static bool
rule_is_valid(struct detect *d, size_t r)
{
    static const char *const keys[] = { "from", "below", "needs_from",
                                        "needs_below", "same" };
    size_t i;

    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char path[PATH_MAX_LEN];

        snprintf(path, sizeof(path), "rules.%zu.%s", r, keys[i]);
        if (detect_param_is_set(d, path) &&
            detect_param_at(d, path, NULL) == NULL) {
            return false;
        }
    }
    return true;
}

/* Check rule r against every version of its component that runs.
 * *needs_kube is set when the rule needed the Kubernetes version. */
static enum kt_status
check_rule(struct detect *d, size_t r, const struct comp_pods *cps,
           const struct kube_version *kv, int *hits, bool *needs_kube,
           struct kt_err *err)
{
    const char *needs = item_str(d, "rules", r, "needs");
    long wc = comp_index(d, item_str(d, "rules", r, "when"));
    bool kube = needs != NULL && strcmp(needs, KUBERNETES) == 0;
    long nc = kube ? -1 : comp_index(d, needs);
    enum kt_status st = KT_OK;
    size_t i;
    size_t k;

    if (wc < 0 || (!kube && nc < 0) || !rule_is_valid(d, r)) {
        return KT_OK; /* names no listed component, or a bound is no text */
    }
    for (i = 0; st == KT_OK && i < cps->n; i++) {
        const struct comp_pod *w = &cps->p[i];
        struct pairing pr = { w, NULL, kv };

        if (w->comp != (size_t)wc || !w->first ||
            semver_in_range(&w->v, item_str(d, "rules", r, "from"),
                            item_str(d, "rules", r, "below")) != 1) {
            continue;
        }
        if (kube) {
            *needs_kube = true;
            if (kv->known && rule_allows(d, r, &w->v, &kv->v) == 0 &&
                (*hits)++ < DRIFT_MAX_HITS) {
                st = emit_drift(d, r, &pr, err);
            }
            continue;
        }
        for (k = 0; st == KT_OK && k < cps->n; k++) {
            const struct comp_pod *n = &cps->p[k];

            if (n->comp != (size_t)nc || !n->first ||
                rule_allows(d, r, &w->v, &n->v) != 0) {
                continue;
            }
            pr.pod = n;
            if ((*hits)++ < DRIFT_MAX_HITS) {
                st = emit_drift(d, r, &pr, err);
            }
        }
    }
    return st;
}

enum kt_status
detect_version_drift(struct detect *d, struct kt_err *err)
{
    struct comp_pods cps = { NULL, 0 };
    struct kube_version kv;
    size_t n_rules = detect_param_len(d, "rules");
    bool needs_kube = false;
    enum kt_status st;
    int hits = 0;
    size_t r;

    st = find_kube_version(d, &kv, err);
    if (st == KT_OK) {
        st = load_pods(d, &cps, err);
    }
    if (st != KT_OK) {
        goto out;
    }
    if (cps.n == 0) {
        st = detect_not_checked(d,
                                "pods running component images with a "
                                "version tag (Kubeflow Pipelines, Argo, "
                                "Tekton, KServe, Knative, Istio, "
                                "cert-manager)",
                                "incompatible component versions can be "
                                "neither confirmed nor ruled out",
                                err);
        goto out;
    }
    for (r = 0; st == KT_OK && r < n_rules; r++) {
        st = check_rule(d, r, &cps, &kv, &hits, &needs_kube, err);
    }
    if (st == KT_OK && needs_kube && !kv.known) {
        st = detect_not_checked(d,
                                "the Kubernetes server version (node "
                                "objects or cluster-info/"
                                "cluster_version.json)",
                                "whether the components support this "
                                "Kubernetes release is not known",
                                err);
    }

out:
    pods_free(&cps);
    return st;
}

/* Skip quotes, backslashes and blanks around a quoted word: the text may
 * be a JSON log with its quotes escaped. */
static const char *
skip_quoting(const char *p)
{
    while (*p == '"' || *p == '\\' || *p == ' ') {
        p++;
    }
    return p;
}

/* Read "no matches for kind "K" in version "G/V"" out of text into kind
 * and apiver. */
static bool
parse_no_match(const char *text, char *kind, size_t kind_cap, char *apiver,
               size_t api_cap)
{
    static const char lead[] = "no matches for kind";
    static const char mid[] = "in version";
    const char *p = strstr(text, lead);
    size_t n;

    if (p == NULL) {
        return false;
    }
    p = skip_quoting(p + sizeof(lead) - 1);
    n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  "0123456789");
    if (n == 0 || n >= kind_cap) {
        return false;
    }
    snprintf(kind, kind_cap, "%.*s", (int)n, p);
    p = skip_quoting(p + n);
    if (strncmp(p, mid, sizeof(mid) - 1) != 0) {
        return false;
    }
    p = skip_quoting(p + sizeof(mid) - 1);
    n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  "0123456789./-");
    if (n == 0 || n >= api_cap) {
        return false;
    }
    snprintf(apiver, api_cap, "%.*s", (int)n, p);
    return true;
}

/* The entry of "removed_apis" for apiver and kind, or -1. */
static long
find_removed(struct detect *d, const char *apiver, const char *kind)
{
    size_t n = detect_param_len(d, "removed_apis");
    size_t i;
    size_t k;

    for (i = 0; i < n; i++) {
        const char *api = item_str(d, "removed_apis", i, "api");
        char path[PATH_MAX_LEN];
        size_t n_kinds;

        if (api == NULL || strcmp(api, apiver) != 0) {
            continue;
        }
        snprintf(path, sizeof(path), "removed_apis.%zu.kinds", i);
        n_kinds = detect_param_len(d, path);
        for (k = 0; k < n_kinds; k++) {
            char kpath[PATH_MAX_LEN + 24];
            const char *want;

            snprintf(kpath, sizeof(kpath), "%s.%zu", path, k);
            want = detect_param_at(d, kpath, NULL);
            if (want != NULL && strcmp(want, kind) == 0) {
                return (long)i;
            }
        }
    }
    return -1;
}

enum kt_status
detect_api_removed(struct detect *d, struct kt_err *err)
{
    /* Events and log records that ask for a kind in a version the API
     * server does not serve, with their subject as the patterns see it. */
    static const char sql[] =
            "SELECT 'event', e.id, coalesce(e.namespace, ''),"
            " coalesce(e.kind, ''), coalesce(e.name, ''), e.file_id, e.line,"
            " coalesce(e.last_seen, e.first_seen), e.message FROM events e"
            " WHERE e.message LIKE '%no matches for kind%'"
            " UNION ALL "
            "SELECT 'log', l.id, coalesce(f.namespace, ''),"
            " CASE WHEN coalesce(l.pod, f.pod) IS NOT NULL THEN 'Pod'"
            " ELSE 'File' END, coalesce(l.pod, f.pod, f.path), l.file_id,"
            " l.line, l.ts, l.text FROM logs l JOIN files f ON f.id = l.file_id"
            " WHERE l.text LIKE '%no matches for kind%'"
            " ORDER BY 3, 4, 5, 6, 7";
    struct kube_version kv;
    sqlite3_stmt *s;
    enum kt_status st;
    char last[700] = "";
    int hits = 0;

    st = find_kube_version(d, &kv, err);
    if (st != KT_OK) {
        return st;
    }
    if (!kv.known) {
        return detect_not_checked(d,
                                  "the Kubernetes server version (node "
                                  "objects or cluster-info/"
                                  "cluster_version.json)",
                                  "whether a missing API version was "
                                  "removed by a Kubernetes upgrade is not "
                                  "known",
                                  err);
    }
    if (sqlite3_prepare_v2(detect_db(d), sql, -1, &s, NULL) != SQLITE_OK) {
        return db_error(d, err);
    }
    while (st == KT_OK && sqlite3_step(s) == SQLITE_ROW) {
        char kind[128];
        char apiver[128];
        char key[700];
        char removed_text[32];
        struct semver removed;
        const char *vars[] = { "crkind", kind,         "apiver",
                               apiver,   "removed",    removed_text,
                               "use",    NULL,         "k8s_version",
                               kv.text,  "k8s_source", kv.from,
                               NULL };
        char kube_text[420];
        struct detect_hit h = { col(s, 2), col(s, 3),  col(s, 4),
                                NULL,      kv.file_id, kv.line,
                                NULL,      kube_text,  vars };
        long i;

        if (!parse_no_match(col(s, 8), kind, sizeof(kind), apiver,
                            sizeof(apiver))) {
            continue;
        }
        i = find_removed(d, apiver, kind);
        if (i < 0 ||
            !semver_parse_str(item_str(d, "removed_apis", (size_t)i, "removed"),
                              &removed) ||
            semver_cmp(&kv.v, &removed) < 0) {
            continue;
        }

        /* One finding per subject and API; the rows come sorted. */
        snprintf(key, sizeof(key), "%s/%s/%s %s %s", col(s, 2), col(s, 3),
                 col(s, 4), apiver, kind);
        if (strcmp(key, last) != 0) {
            if (hits++ >= DRIFT_MAX_HITS) {
                break;
            }
            snprintf(last, sizeof(last), "%s", key);
            snprintf(removed_text, sizeof(removed_text), "%s",
                     item_str(d, "removed_apis", (size_t)i, "removed"));
            vars[7] = item_str(d, "removed_apis", (size_t)i, "use");
            if (vars[7] == NULL) {
                vars[7] = "no replacement";
            }
            /* The hit quotes the Kubernetes version; the requests that
             * failed are cited below, which marks them explained. */
            snprintf(kube_text, sizeof(kube_text), "Kubernetes %s (%s)",
                     kv.text, kv.from);
            h.ts = sqlite3_column_type(s, 7) == SQLITE_NULL ? NULL : col(s, 7);
            st = detect_emit(d, &h, err);
        }
        if (st == KT_OK) {
            st = detect_cite(
                    d, col(s, 0), sqlite3_column_int64(s, 1),
                    sqlite3_column_int64(s, 5), sqlite3_column_int64(s, 6),
                    sqlite3_column_type(s, 7) == SQLITE_NULL ? NULL : col(s, 7),
                    col(s, 8), err);
        }
    }
    sqlite3_finalize(s);
    return st;
}
