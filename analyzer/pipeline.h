/* SPDX-License-Identifier: MIT */
/* The ingest stage of the pipeline: walks a bundle with ingest, decides
 * what each entry is by its path and content, runs the matching parser
 * (JSON lists, describe text, log records) and writes everything into the
 * index. An entry that cannot be read is recorded, warned about and
 * skipped; the rest goes on. Called by main.c. */
#ifndef KT_PIPELINE_H
#define KT_PIPELINE_H

#include "index.h"
#include "ingest.h"
#include "kt.h"

struct pipeline_stats {
    unsigned long long files;   /* entries recorded in the files table */
    unsigned long long skipped; /* entries skipped or cut */
    unsigned long long objects;
    unsigned long long events;
    unsigned long long logs;
    unsigned long long bytes;
    bool archive_damaged; /* reading stopped early: truncated, corrupt */
};

/* Ingest the bundle at path into idx. own_files (NULL-terminated, may be
 * NULL) names files kftriage itself writes, such as the index; a
 * directory bundle that contains them does not read them. Returns KT_OK
 * when the walk ended (entries may have been skipped: see stats), KT_EIO
 * or KT_EFORMAT when the bundle could not be read at all, KT_EDB or
 * KT_ENOMEM when the run must stop. Writes bundle facts (path, sha256,
 * layout, collected_at) to the index's meta table. */
enum kt_status pipeline_ingest(struct index *idx, const char *path,
                               const struct ingest_limits *lim,
                               const char *const *own_files,
                               struct pipeline_stats *stats,
                               struct kt_err *err);

/* What the path of a log file says about its pod: namespace, pod,
 * container and whether it is the previous instance. Fields that the
 * path does not give are left empty. Exposed for tests. */
struct pipeline_pathinfo {
    char namespace[256];
    char pod[256];
    char container[256];
    bool previous;
};

void pipeline_pathinfo(const char *path, struct pipeline_pathinfo *pi);

#endif
