/* SPDX-License-Identifier: MIT */
/* libFuzzer targets for the whole ingest: the input is written to a file
 * and read as a bundle into a fresh index. Built twice:
 *   fuzz_bundle   the input is the bundle (tar, gzip, zip, ...): the
 *                 archive walk, nested archives, typing, every parser;
 *   fuzz_records  (FUZZ_AS_LOG) the input is one log file of a
 *                 directory bundle: line splitting and record assembly. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "index.h"
#include "kt_limits.h"
#include "log.h"
#include "pipeline.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct ingest_limits lim = { 64U << 20,      16U << 20,
                                       10000,          KT_MAX_RATIO,
                                       KT_MAX_NESTING, KT_MAX_LINE,
                                       KT_MAX_PATH };
    const char *dir = getenv("TMPDIR");
    struct pipeline_stats ps;
    struct index *idx = NULL;
    struct kt_err err;
    char db[512];
    char bundle[512];

    log_verbosity = LOG_QUIET; /* every input warns; keep the log short */
    snprintf(db, sizeof(db), "%s/kt-fuzz-%ld.db", dir ? dir : "/tmp",
             (long)getpid());
#ifdef FUZZ_AS_LOG
    {
        char logs[512];

        snprintf(bundle, sizeof(bundle), "%s/kt-fuzz-%ld.d", dir ? dir : "/tmp",
                 (long)getpid());
        snprintf(logs, sizeof(logs), "%s/logs", bundle);
        mkdir(bundle, 0700);
        mkdir(logs, 0700);
        snprintf(logs, sizeof(logs), "%s/logs/kubeflow", bundle);
        mkdir(logs, 0700);
        snprintf(logs, sizeof(logs), "%s/logs/kubeflow/web-0", bundle);
        mkdir(logs, 0700);
        snprintf(logs, sizeof(logs), "%s/logs/kubeflow/web-0/web.log", bundle);
        {
            FILE *fp = fopen(logs, "wb");

            if (fp == NULL) {
                return 0;
            }
            if (size > 0) {
                fwrite(data, 1, size, fp);
            }
            fclose(fp);
        }
    }
#else
    if (fuzz_to_file(data, size, ".tar.gz", bundle, sizeof(bundle)) != 0) {
        return 0;
    }
#endif
    kt_err_clear(&err);
    if (index_create(db, &idx, &err) == KT_OK) {
        const char *const own[] = { NULL };

        pipeline_ingest(idx, bundle, &lim, own, &ps, &err);
        index_close(idx); /* never committed: removes the file */
    }
#ifndef FUZZ_AS_LOG
    unlink(bundle);
#endif
    return 0;
}
