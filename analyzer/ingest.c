/* SPDX-License-Identifier: MIT */
/* The archive and directory walk behind ingest.h. Archive bytes come
 * through our own read callback so that the bundle's SHA-256 is computed
 * in the same single pass. Only the formats and filters kftriage supports
 * are enabled; nothing external is ever run and nothing is written. */
#include "ingest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <zlib.h>

#include "kt_limits.h"
#include "sha256.h"

#define READ_BLOCK (128U << 10)

struct ingest {
    struct archive *a;
    FILE *fp;   /* archive file; NULL for a directory */
    char *root; /* directory root as given, for stripping */
    bool is_dir;
    bool broken; /* a fatal archive error was seen */
    struct ingest_limits lim;
    struct sha256 sha;
    unsigned char *block;
    unsigned long long n_entries;
    unsigned long long total;
    unsigned long long entry_bytes;
    unsigned long long src_bytes; /* bytes taken from the file or parent */
    unsigned long long entry_src; /* src_bytes when the entry began */
    struct kt_buf path;
    struct kt_buf target;
    char broken_msg[256];
    char entry_warning[256]; /* libarchive's warning for this entry */

    /* gzip is inflated here with zlib rather than by libarchive, so that
     * a cut stream still yields every byte before the cut (libarchive's
     * filter gives up on the whole read-ahead window). see tag:own-gzip */
    bool gzip;
    bool z_ready; /* inflateInit2 done */
    bool z_eof;   /* no more file bytes */
    bool z_done;  /* the last gzip member ended cleanly */
    z_stream z;
    unsigned long long inflated; /* bytes inflated, read or skipped */
    unsigned char *out;          /* inflated bytes handed to libarchive */
    char z_error[128];           /* why inflating stopped early, or "" */
    char raw_name[256];          /* entry name for a single compressed file */

    /* A nested archive reads the current entry of its parent: first the
     * head the pipeline already read to recognise it, then the rest. */
    struct ingest *parent;
    const void *head;
    size_t head_len;
    bool head_done;
};

/* Next block of file bytes, hashed on the way. Returns the count, 0 at
 * the end, -1 on a read error (errno set). */
static la_ssize_t
read_file_block(struct ingest *in)
{
    size_t n = fread(in->block, 1, READ_BLOCK, in->fp);

    if (n == 0 && ferror(in->fp)) {
        return -1;
    }
    in->src_bytes += n;
    sha256_update(&in->sha, in->block, n);
    return (la_ssize_t)n;
}

/* Bytes libarchive inflates only to skip them never reach ingest_read():
 * bound what its decompression filters have produced by --max-total, so
 * that skipping the rest of a huge or bomb entry cannot run for hours.
 * Returns true (with the error set) when past it. Our own gzip inflater
 * keeps its own count (see gzip_cb). */
static bool
filters_past_total(struct archive *a, struct ingest *in)
{
    if (archive_filter_count(a) > 1 &&
        (unsigned long long)archive_filter_bytes(a, 0) > in->lim.max_total) {
        snprintf(in->z_error, sizeof(in->z_error),
                 "more than %llu bytes inflated (--max-total)",
                 in->lim.max_total);
        archive_set_error(a, EFBIG, "%s", in->z_error);
        return true;
    }
    return false;
}

static la_ssize_t
read_cb(struct archive *a, void *ctx, const void **buf)
{
    struct ingest *in = ctx;
    la_ssize_t n;

    if (filters_past_total(a, in)) {
        return -1;
    }
    n = read_file_block(in);

    if (n < 0) {
        archive_set_error(a, errno, "read error");
        return -1;
    }
    *buf = in->block;
    return n;
}

static la_ssize_t
nested_cb(struct archive *a, void *ctx, const void **buf)
{
    struct ingest *in = ctx;
    struct kt_err err;
    size_t len = 0;
    enum kt_status st;

    if (filters_past_total(a, in)) {
        return -1;
    }
    if (!in->head_done) {
        in->head_done = true;
        if (in->head_len > 0) {
            *buf = in->head;
            in->src_bytes += in->head_len;
            return (la_ssize_t)in->head_len;
        }
    }
    st = ingest_read(in->parent, buf, &len, &err);
    if (st == KT_OK) {
        in->src_bytes += len;
        return (la_ssize_t)len;
    }
    if (st == KT_DONE) {
        return 0;
    }
    archive_set_error(a, EIO, "%s", err.msg);
    return -1;
}

/* Make sure inflate has input; sets z_eof at the end of the file. */
static int
gzip_fill(struct ingest *in)
{
    la_ssize_t n;

    if (in->z.avail_in > 0 || in->z_eof) {
        return 0;
    }
    n = read_file_block(in);
    if (n < 0) {
        return -1;
    }
    in->z_eof = n == 0;
    in->z.next_in = in->block;
    in->z.avail_in = (uInt)n;
    return 0;
}

/* libarchive's read callback for gzip bundles: inflate the next block.
 * Concatenated members are legal. When the input ends inside a member,
 * the bytes inflated so far are delivered and then the end is signalled,
 * with the reason kept in z_error (see tag:own-gzip). */
static la_ssize_t
gzip_cb(struct archive *a, void *ctx, const void **buf)
{
    struct ingest *in = ctx;

    *buf = in->out;
    while (!in->z_done) {
        size_t produced;
        int rc;

        if (gzip_fill(in) != 0) {
            archive_set_error(a, errno, "read error");
            return -1;
        }
        if (in->z.avail_in == 0 && in->z_eof) {
            snprintf(in->z_error, sizeof(in->z_error), "truncated gzip input");
            in->z_done = true;
            break;
        }
        in->z.next_out = in->out;
        in->z.avail_out = READ_BLOCK;
        rc = inflate(&in->z, Z_NO_FLUSH);
        produced = READ_BLOCK - in->z.avail_out;
        in->inflated += produced;
        if (in->inflated > in->lim.max_total) {
            /* As filters_past_total() does for libarchive's filters. */
            snprintf(in->z_error, sizeof(in->z_error),
                     "more than %llu bytes inflated (--max-total)",
                     in->lim.max_total);
            in->z_done = true;
        }
        if (rc == Z_STREAM_END) {
            /* Another member may follow; anything else ends the data. */
            if (gzip_fill(in) != 0 || in->z.avail_in < 2 ||
                in->z.next_in[0] != 0x1f || in->z.next_in[1] != 0x8b ||
                inflateReset(&in->z) != Z_OK) {
                in->z_done = true;
            }
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            snprintf(in->z_error, sizeof(in->z_error), "corrupt gzip data (%s)",
                     in->z.msg ? in->z.msg : "inflate failed");
            in->z_done = true;
        }
        if (produced > 0) {
            return (la_ssize_t)produced;
        }
    }
    return 0;
}

/* The compressions kftriage reads; gzip only where zlib does not do it
 * (see tag:own-gzip). Never the _all() variants, which can run external
 * programs. */
static void
support_filters(struct archive *a, bool gzip)
{
    if (gzip) {
        archive_read_support_filter_gzip(a);
    }
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_zstd(a);
}

/* The archive formats kftriage reads. */
static void
support_formats(struct archive *a)
{
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    archive_read_support_format_zip(a);
    archive_read_support_format_empty(a);
}

/* The name a single compressed file gets: its own without the
 * compression suffix. */
static void
set_raw_name(struct ingest *in, const char *path)
{
    static const char *const sfx[] = { ".gz", ".bz2", ".xz", ".zst" };
    const char *base = strrchr(path, '/');
    size_t n;
    size_t i;

    snprintf(in->raw_name, sizeof(in->raw_name), "%s", base ? base + 1 : path);
    n = strlen(in->raw_name);
    for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
        size_t k = strlen(sfx[i]);

        if (n > k && strcmp(in->raw_name + n - k, sfx[i]) == 0) {
            in->raw_name[n - k] = '\0';
            break;
        }
    }
}

static enum kt_status
open_file(struct ingest *in, const char *path, struct kt_err *err)
{
    unsigned char magic[2] = { 0, 0 };
    size_t n;

    in->fp = fopen(path, "rb");
    if (in->fp == NULL) {
        return kt_err_set(err, KT_EIO, "%s: %s", path, strerror(errno));
    }
    n = fread(magic, 1, 2, in->fp);
    rewind(in->fp);
    in->gzip = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    in->block = malloc(READ_BLOCK);
    in->out = in->gzip ? malloc(READ_BLOCK) : NULL;
    in->a = archive_read_new();
    if (in->block == NULL || (in->gzip && in->out == NULL) || in->a == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    if (in->gzip) {
        if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK) {
            return kt_err_set(err, KT_ENOMEM, "out of memory");
        }
        in->z_ready = true;
        /* A single compressed file (a .gz log) is one entry, named after
         * the bundle without ".gz". Not for a name that says tar: a cut
         * tarball must not pass for one file. */
        n = strlen(path);
        if (!(n > 7 && strcmp(path + n - 7, ".tar.gz") == 0) &&
            !(n > 4 && strcmp(path + n - 4, ".tgz") == 0)) {
            archive_read_support_format_raw(in->a);
        }
        set_raw_name(in, path);
    } else {
        support_filters(in->a, false);
    }
    support_formats(in->a);
    if (archive_read_open(in->a, in, NULL, in->gzip ? gzip_cb : read_cb,
                          NULL) != ARCHIVE_OK) {
        return kt_err_set(
                err, KT_EFORMAT, "%s: not a readable archive: %s", path,
                in->z_error[0] ? in->z_error : archive_error_string(in->a));
    }
    return KT_OK;
}

static enum kt_status
open_dir(struct ingest *in, const char *path, struct kt_err *err)
{
    size_t len = strlen(path);

    in->is_dir = true;
    in->root = kt_strndup(path, len);
    if (in->root == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    while (len > 1 && in->root[len - 1] == '/') {
        in->root[--len] = '\0';
    }
    in->a = archive_read_disk_new();
    if (in->a == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    archive_read_disk_set_symlink_physical(in->a);
    archive_read_disk_set_behavior(in->a, ARCHIVE_READDISK_NO_XATTR |
                                                  ARCHIVE_READDISK_NO_ACL |
                                                  ARCHIVE_READDISK_NO_FFLAGS);
    if (archive_read_disk_open(in->a, path) != ARCHIVE_OK) {
        return kt_err_set(err, KT_EIO, "%s: cannot read directory: %s", path,
                          archive_error_string(in->a));
    }
    return KT_OK;
}

/* Why libarchive stopped: our own gzip reason first, since libarchive
 * only sees the inflated stream end early. */
static const char *
archive_message(struct ingest *in)
{
    const char *msg = archive_error_string(in->a);

    if (in->z_error[0] != '\0') {
        return in->z_error;
    }
    return msg ? msg : "damaged archive";
}

enum kt_status
ingest_open_nested(struct ingest *parent, const void *head, size_t head_len,
                   const char *name, struct ingest **out, struct kt_err *err)
{
    struct ingest *in;

    *out = NULL;
    in = calloc(1, sizeof(*in));
    if (in == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    in->parent = parent;
    in->head = head;
    in->head_len = head_len;
    in->lim = parent->lim;
    in->lim.max_total = parent->lim.max_total > parent->total
                                ? parent->lim.max_total - parent->total
                                : 1;
    sha256_init(&in->sha);
    kt_buf_init(&in->path, (size_t)in->lim.max_path);
    kt_buf_init(&in->target, (size_t)in->lim.max_path);
    set_raw_name(in, name);
    in->a = archive_read_new();
    if (in->a == NULL) {
        ingest_close(in);
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    support_filters(in->a, true);
    support_formats(in->a);
    archive_read_support_format_raw(in->a);
    if (archive_read_open(in->a, in, NULL, nested_cb, NULL) != ARCHIVE_OK) {
        kt_err_set(err, KT_EFORMAT, "not a readable archive: %s",
                   archive_message(in));
        ingest_close(in);
        return KT_EFORMAT;
    }
    *out = in;
    return KT_OK;
}

enum kt_status
ingest_open(const char *path, const struct ingest_limits *lim,
            struct ingest **out, struct kt_err *err)
{
    struct ingest *in;
    struct stat sb;
    enum kt_status st;

    *out = NULL;
    if (stat(path, &sb) != 0) {
        return kt_err_set(err, KT_EIO, "%s: %s", path, strerror(errno));
    }
    in = calloc(1, sizeof(*in));
    if (in == NULL) {
        return kt_err_set(err, KT_ENOMEM, "out of memory");
    }
    in->lim = *lim;
    sha256_init(&in->sha);
    kt_buf_init(&in->path, (size_t)in->lim.max_path);
    kt_buf_init(&in->target, (size_t)in->lim.max_path);
    if (S_ISDIR(sb.st_mode)) {
        st = open_dir(in, path, err);
    } else {
        st = open_file(in, path, err);
    }
    if (st != KT_OK) {
        ingest_close(in);
        return st;
    }
    *out = in;
    return KT_OK;
}

/* Normalise an entry name into b: drop a leading '/', empty and "."
 * parts, resolve ".." inside the bundle and refuse it above the root (a
 * bundle must not name anything outside itself), and cut at max_path
 * (*cut set). Returns true when the name had to change for safety. */
static bool
normalise_path(struct kt_buf *b, const char *name, bool *cut)
{
    const char *p = name;
    bool changed = name[0] == '/';

    *cut = false;
    kt_buf_reset(b);
    while (*p != '\0') {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);

        if (n == 2 && p[0] == '.' && p[1] == '.') {
            /* Go up inside the bundle; above its root is refused. */
            char *last = b->len > 0 ? strrchr(b->data, '/') : NULL;

            if (b->len == 0) {
                changed = true;
            } else {
                b->len = last ? (size_t)(last - b->data) : 0;
                b->data[b->len] = '\0';
            }
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            if ((b->len > 0 && kt_buf_putc(b, '/') != KT_OK) ||
                kt_buf_append(b, p, n) != KT_OK) {
                *cut = true;
                return true;
            }
        }
        p += n;
        if (*p == '/') {
            p++;
        }
    }
    if (b->len == 0) {
        kt_buf_append(b, "(unnamed)", 9);
        changed = true;
    }
    return changed;
}

enum kt_status
ingest_next(struct ingest *in, struct ingest_entry *e, struct kt_err *err)
{
    struct archive_entry *ae;
    const char *name;
    const char *link;
    int rc;

    memset(e, 0, sizeof(*e));
    in->entry_warning[0] = '\0';
    if (in->broken) {
        return kt_err_set(err, KT_EFORMAT, "%s", in->broken_msg);
    }
    if (in->n_entries >= in->lim.max_entries) {
        return kt_err_set(err, KT_ELIMIT,
                          "more than %llu entries; the rest is not read "
                          "(--max-entries)",
                          in->lim.max_entries);
    }
    for (;;) {
        rc = archive_read_next_header(in->a, &ae);
        if (rc == ARCHIVE_EOF) {
            const void *rest;

            /* Inflate what libarchive left unread (tar padding, the gzip
             * trailer) so that a cut trailer is noticed. */
            while (in->gzip && gzip_cb(in->a, in, &rest) > 0) {
                continue;
            }
            return KT_DONE;
        }
        if (rc == ARCHIVE_FATAL) {
            in->broken = true;
            snprintf(in->broken_msg, sizeof(in->broken_msg), "%s",
                     archive_message(in));
            return kt_err_set(err, KT_EFORMAT, "%s", in->broken_msg);
        }
        if (rc != ARCHIVE_OK) {
            /* A warning (an unreadable directory, a file that vanished)
             * belongs to this entry; the walk goes on. */
            snprintf(in->entry_warning, sizeof(in->entry_warning), "%s",
                     archive_message(in));
        }
        if (in->is_dir && archive_entry_filetype(ae) == AE_IFDIR) {
            const char *src = archive_entry_sourcepath(ae);

            /* libarchive reports a directory it cannot open only later
             * and without its name, so check before descending. */
            if (src != NULL && access(src, R_OK | X_OK) != 0) {
                snprintf(in->entry_warning, sizeof(in->entry_warning),
                         "cannot read directory: %s", strerror(errno));
            } else {
                archive_read_disk_descend(in->a);
            }
        }
        name = archive_entry_pathname(ae);
        if (archive_format(in->a) == ARCHIVE_FORMAT_RAW) {
            name = in->raw_name;
            e->is_raw = true;
        }
        if (name == NULL || (*name == '\0' && !in->is_dir)) {
            /* A header without a name is one libarchive could not make
             * sense of (garbage, or data read as a header). */
            snprintf(in->entry_warning, sizeof(in->entry_warning),
                     "damaged header: an entry without a name%s%s",
                     rc != ARCHIVE_OK ? ": " : "",
                     rc != ARCHIVE_OK ? archive_message(in) : "");
            name = "";
        }
        if (in->is_dir) {
            size_t rl = strlen(in->root);

            if (strncmp(name, in->root, rl) == 0) {
                name += rl;
            }
            if (*name == '\0') {
                continue; /* the root directory itself */
            }
        }
        break;
    }
    in->n_entries++;
    in->entry_bytes = 0;
    in->entry_src = in->src_bytes;
    e->path_changed = normalise_path(&in->path, name, &e->path_cut);
    if (in->is_dir) {
        e->path_changed = false;
    }
    e->path = in->path.data;
    e->raw_path = name;
    e->warning = in->entry_warning[0] ? in->entry_warning : NULL;
    if (in->is_dir) {
        e->dev = (unsigned long long)archive_entry_dev(ae);
        e->ino = (unsigned long long)archive_entry_ino64(ae);
    }
    e->mtime = archive_entry_mtime_is_set(ae) ? archive_entry_mtime(ae) : 0;
    link = archive_entry_hardlink(ae);
    if (link != NULL) {
        e->type = INGEST_HARDLINK;
    } else {
        switch (archive_entry_filetype(ae)) {
        case AE_IFREG:
            e->type = INGEST_FILE;
            break;
        case AE_IFDIR:
            e->type = INGEST_DIR;
            break;
        case AE_IFLNK:
            e->type = INGEST_SYMLINK;
            link = archive_entry_symlink(ae);
            break;
        default:
            e->type = INGEST_OTHER;
            break;
        }
    }
    if (link != NULL) {
        kt_buf_reset(&in->target);
        kt_buf_append(&in->target, link,
                      strnlen(link, (size_t)in->lim.max_path - 1));
        e->link_target = in->target.data;
    }
    return KT_OK;
}

enum kt_status
ingest_read(struct ingest *in, const void **buf, size_t *len,
            struct kt_err *err)
{
    la_int64_t offset;
    int rc;

    rc = archive_read_data_block(in->a, buf, len, &offset);
    if (rc == ARCHIVE_EOF) {
        return KT_DONE;
    }
    if (rc == ARCHIVE_WARN && in->is_dir) {
        /* An unreadable file of a directory: that entry only. */
        return kt_err_set(err, KT_EIO, "%s", archive_message(in));
    }
    if (rc == ARCHIVE_FATAL || rc == ARCHIVE_FAILED) {
        const char *msg = archive_message(in);

        if (rc == ARCHIVE_FATAL && !in->is_dir) {
            in->broken = true;
            snprintf(in->broken_msg, sizeof(in->broken_msg), "%s",
                     msg ? msg : "damaged archive");
        }
        return kt_err_set(err, in->is_dir ? KT_EIO : KT_EFORMAT, "%s",
                          msg ? msg : "damaged data");
    }
    in->entry_bytes += *len;
    in->total += *len;
    if (in->entry_bytes > in->lim.max_entry) {
        return kt_err_set(err, KT_ELIMIT,
                          "entry larger than %llu bytes (--max-entry)",
                          in->lim.max_entry);
    }
    if (!in->is_dir && in->entry_bytes > KT_RATIO_FLOOR &&
        in->entry_bytes / (in->src_bytes - in->entry_src + 1) >
                in->lim.max_ratio) {
        if (archive_format(in->a) != ARCHIVE_FORMAT_ZIP) {
            /* One compressed stream: skipping the rest of this entry
             * would inflate the whole bomb. A zip compresses each entry
             * alone, so its walk can go on. */
            in->broken = true;
            snprintf(in->broken_msg, sizeof(in->broken_msg),
                     "a compression bomb in the stream");
        }
        return kt_err_set(err, KT_ELIMIT,
                          "inflates more than %llu times its compressed "
                          "size, a compression bomb (--max-ratio)",
                          in->lim.max_ratio);
    }
    if (in->total > in->lim.max_total) {
        in->broken = true;
        snprintf(in->broken_msg, sizeof(in->broken_msg),
                 "bundle larger than %llu bytes uncompressed (--max-total)",
                 in->lim.max_total);
        return kt_err_set(err, KT_ELIMIT, "%s", in->broken_msg);
    }
    return KT_OK;
}

bool
ingest_is_directory(const struct ingest *in)
{
    return in->is_dir;
}

void
ingest_sha256(struct ingest *in, char hex[65])
{
    size_t n;

    if (in->is_dir || in->fp == NULL) {
        hex[0] = '\0';
        return;
    }
    /* libarchive may stop before the archive's trailing padding; hash
     * the rest so the digest is that of the whole file. */
    while ((n = fread(in->block, 1, READ_BLOCK, in->fp)) > 0) {
        sha256_update(&in->sha, in->block, n);
    }
    sha256_hex(&in->sha, hex);
}

const char *
ingest_stream_error(const struct ingest *in)
{
    return in->z_error[0] != '\0' ? in->z_error : NULL;
}

unsigned long long
ingest_total_bytes(const struct ingest *in)
{
    return in->total;
}

void
ingest_close(struct ingest *in)
{
    if (in == NULL) {
        return;
    }
    if (in->a != NULL) {
        archive_read_free(in->a);
    }
    if (in->fp != NULL) {
        fclose(in->fp);
    }
    if (in->z_ready) {
        inflateEnd(&in->z);
    }
    free(in->out);
    kt_buf_fini(&in->path);
    kt_buf_fini(&in->target);
    free(in->block);
    free(in->root);
    free(in);
}

void
ingest_versions(char *buf, size_t len)
{
    snprintf(buf, len, "%s zlib %s", archive_version_details(), zlibVersion());
}
