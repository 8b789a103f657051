/* SPDX-License-Identifier: MIT */
/* An absent default StorageClass: a PVC that names no class stays Pending
 * when no StorageClass is marked default, and nothing in the bundle says
 * so in one line (the PVC's events only say "no storage class is set"). */
#include "detect.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

/* Room for the list of StorageClass names quoted in a finding; a longer
 * list is cut. */
#define NAMES_MAX 1024

static const char *
col(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);

    return t != NULL ? t : "";
}

static enum kt_status
db_fail(struct detect *d, struct kt_err *err)
{
    return kt_err_set(err, KT_EDB, "%s: %s", detect_id(d),
                      sqlite3_errmsg(detect_db(d)));
}

/* The StorageClasses of the bundle as "a, b", and whether it collected
 * them at all: StorageClass objects, or a file named for them (a
 * "kubectl get storageclass" that printed "No resources found"). Cites
 * each as evidence when cite is set. */
static enum kt_status
list_classes(struct detect *d, char *names, size_t len, int *collected,
             int cite, struct kt_err *err)
{
    static const char sql[] =
            "SELECT o.id, o.name, o.file_id, o.line FROM objects o"
            " WHERE o.kind = 'StorageClass' ORDER BY o.name";
    static const char files_sql[] =
            "SELECT id FROM files WHERE lower(path) LIKE '%storageclass%'"
            " OR lower(path) LIKE '%storage-class%'"
            " OR lower(path) LIKE '%storage_class%' ORDER BY id LIMIT 1";
    sqlite3_stmt *s;
    enum kt_status st = KT_OK;
    size_t used = 0;

    names[0] = '\0';
    *collected = 0;
    if (sqlite3_prepare_v2(detect_db(d), sql, -1, &s, NULL) != SQLITE_OK) {
        return db_fail(d, err);
    }
    while (st == KT_OK && sqlite3_step(s) == SQLITE_ROW) {
        int n = snprintf(names + used, len - used, "%s%s", used > 0 ? ", " : "",
                         col(s, 1));

        if (n > 0 && (size_t)n < len - used) {
            used += (size_t)n;
        }
        *collected = 1;
        if (cite) {
            char text[300];

            snprintf(text, sizeof(text), "StorageClass %s (not default)",
                     col(s, 1));
            st = detect_cite(d, "status", sqlite3_column_int64(s, 0),
                             sqlite3_column_int64(s, 2),
                             sqlite3_column_int64(s, 3), NULL, text, err);
        }
    }
    sqlite3_finalize(s);
    if (st != KT_OK || *collected) {
        return st;
    }
    if (sqlite3_prepare_v2(detect_db(d), files_sql, -1, &s, NULL) !=
        SQLITE_OK) {
        return db_fail(d, err);
    }
    if (sqlite3_step(s) == SQLITE_ROW) {
        *collected = 1;
        if (cite) {
            st = detect_cite(d, "status", 0, sqlite3_column_int64(s, 0), 1,
                             NULL, "no StorageClass objects", err);
        }
    }
    sqlite3_finalize(s);
    return st;
}

enum kt_status
detect_no_default_class(struct detect *d, struct kt_err *err)
{
    static const char sql[] =
            "SELECT o.id, o.namespace, o.name, o.file_id, o.line"
            " FROM objects o WHERE o.kind = 'PersistentVolumeClaim'"
            " AND o.phase = 'Pending' AND coalesce(o.storage_class, '') = ''"
            " AND coalesce(o.volume, '') = ''"
            " AND NOT EXISTS (SELECT 1 FROM objects c"
            " WHERE c.kind = 'StorageClass' AND c.is_default_class)"
            " ORDER BY o.namespace, o.name";
    sqlite3 *db = detect_db(d);
    sqlite3_stmt *s;
    enum kt_status st = KT_OK;
    char classes[NAMES_MAX];
    int collected = 0;
    int first = 1;

    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        return db_fail(d, err);
    }
    while (st == KT_OK && sqlite3_step(s) == SQLITE_ROW) {
        char why[NAMES_MAX + 64];
        char text[NAMES_MAX + 128];
        const char *vars[] = { "why", why, "classes", classes, NULL };
        struct detect_hit h = { col(s, 1), "PersistentVolumeClaim",
                                col(s, 2), NULL,
                                0,         0,
                                NULL,      text,
                                vars };

        if (first) {
            first = 0;
            st = list_classes(d, classes, sizeof(classes), &collected, 0, err);
            if (st != KT_OK || !collected) {
                break;
            }
        }
        if (classes[0] != '\0') {
            snprintf(why, sizeof(why),
                     "none of the cluster's StorageClasses (%s) is marked "
                     "default",
                     classes);
        } else {
            snprintf(why, sizeof(why), "the cluster has no StorageClass");
        }
        snprintf(text, sizeof(text),
                 "PVC %s is Pending, names no storageClassName, and %s",
                 col(s, 2), why);
        h.file_id = sqlite3_column_int64(s, 3);
        h.line = sqlite3_column_int64(s, 4);
        st = detect_emit(d, &h, err);
        if (st == KT_OK) {
            st = list_classes(d, classes, sizeof(classes), &collected, 1, err);
        }
    }
    sqlite3_finalize(s);
    if (st == KT_OK && !first && !collected) {
        st = detect_not_checked(d,
                                "StorageClass objects (kubectl get "
                                "storageclass -o yaml)",
                                "whether a Pending PVC waits for a missing "
                                "default StorageClass cannot be told",
                                err);
    }
    return st;
}
