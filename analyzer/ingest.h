/* SPDX-License-Identifier: MIT */
/* Reading a bundle as a stream of entries: an archive (.tar, .tar.gz, .tgz,
 * .tar.xz, .tar.zst, .zip) or a plain directory, both through libarchive,
 * never extracting anything to disk. It enforces the size and count limits
 * of limits.h and normalises entry paths; it does not look at content.
 * The pipeline driver (pipeline.c) is its only caller. */
#ifndef KT_INGEST_H
#define KT_INGEST_H

#include "kt.h"

#include <stdbool.h>
#include <stddef.h>

enum ingest_type {
    INGEST_FILE,
    INGEST_DIR,
    INGEST_SYMLINK,
    INGEST_HARDLINK,
    INGEST_OTHER /* device, FIFO, socket */
};

struct ingest_limits {
    unsigned long long max_total;   /* bytes, whole bundle */
    unsigned long long max_entry;   /* bytes, one entry */
    unsigned long long max_entries; /* entries */
    unsigned long long max_ratio;   /* uncompressed per compressed byte */
    int max_depth;                  /* archives nested in the bundle */
    unsigned long long max_line;    /* bytes of a line or log record */
    unsigned long long max_path;    /* bytes of an entry name */
};

/* One entry header. Strings are borrowed until the next ingest_next(). */
struct ingest_entry {
    const char *path;     /* normalised: no leading '/', no "." or ".." parts */
    const char *raw_path; /* the name as the archive gives it */
    bool path_changed; /* the name had "/" or ".." reaching out, or was cut */
    bool path_cut;     /* the name was longer than KT_MAX_PATH */
    enum ingest_type type;
    const char *link_target; /* symlinks and hard links, else NULL */
    long long mtime;         /* seconds since the epoch, 0 if unknown */
    const char *warning;     /* what libarchive warned of, else NULL */
    unsigned long long dev;  /* directory bundles: the file's device */
    unsigned long long ino;  /* and inode; both 0 for archives */
    bool is_raw; /* a single compressed file, named after its container */
};

struct ingest;

/* Open path (file or directory). Returns KT_EIO when it cannot be opened,
 * KT_EFORMAT when it is not an archive of a supported format. Caller frees
 * with ingest_close(). */
enum kt_status ingest_open(const char *path, const struct ingest_limits *lim,
                           struct ingest **out, struct kt_err *err);

/* Open the archive held in the current entry of parent (a bundle inside
 * the bundle): head is the first head_len bytes of that entry, already
 * read by the caller and borrowed until the nested reader is closed; the
 * rest comes from ingest_read(parent). name is the entry's path, which
 * names the single file of a compressed log ("app.log.gz" gives
 * "app.log"). The nested reader shares parent's remaining byte budget.
 * Close it with ingest_close() before reading parent again. */
enum kt_status ingest_open_nested(struct ingest *parent, const void *head,
                                  size_t head_len, const char *name,
                                  struct ingest **out, struct kt_err *err);

/* Advance to the next entry. Returns KT_OK, KT_DONE at the end, KT_ELIMIT
 * when the entry count limit is reached, or KT_EFORMAT/KT_EIO when the
 * archive is damaged here (nothing more can be read from it). */
enum kt_status ingest_next(struct ingest *in, struct ingest_entry *e,
                           struct kt_err *err);

/* Read the next block of the current entry's data. *buf is borrowed until
 * the next call. Returns KT_OK with a block, KT_DONE at the end of the
 * entry, KT_ELIMIT when the entry or the bundle grew past its limit or
 * the entry inflates more than max_ratio times its compressed bytes, or
 * KT_EFORMAT/KT_EIO when the data is damaged (the archive is then
 * unusable: the next ingest_next() returns the same error). */
enum kt_status ingest_read(struct ingest *in, const void **buf, size_t *len,
                           struct kt_err *err);

/* True when the bundle is a directory rather than an archive file. */
bool ingest_is_directory(const struct ingest *in);

/* The SHA-256 of the archive file's bytes as read so far, in hex; "" for
 * a directory. Complete once ingest_next() has returned KT_DONE. */
void ingest_sha256(struct ingest *in, char hex[65]);

/* Why the compressed stream ended early ("truncated gzip input"), or
 * NULL when it ended cleanly. Meaningful once ingest_next() has returned
 * KT_DONE: a bundle cut after its last entry still reads fully. */
const char *ingest_stream_error(const struct ingest *in);

/* Bytes of entry data read so far, all entries together. */
unsigned long long ingest_total_bytes(const struct ingest *in);

/* Release everything. ingest_close(NULL) does nothing. */
void ingest_close(struct ingest *in);

/* libarchive and zlib versions as one line, into buf. */
void ingest_versions(char *buf, size_t len);

#endif
