/* SPDX-License-Identifier: MIT */
/* Unit tests of the archive walk (ingest.c): unsafe names are normalised,
 * links are reported as links, limits stop an entry or the walk, and a
 * truncated archive gives what came before the cut and then an error.
 * Archives are written with libarchive into a fresh temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "ingest.h"

struct member {
    const char *name;
    const char *data; /* NULL for a symlink */
    const char *link;
    size_t repeat; /* data written this many times */
};

static char tmp_dir[64];

static int
setup(void **state)
{
    (void)state;
    snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/kt-ingest-XXXXXX");
    return mkdtemp(tmp_dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Write a gzip-compressed tar of the members to tmp_dir/name. */
static void
make_tar(const char *name, const struct member *m, size_t n, char *path,
         size_t path_len)
{
    struct archive *a = archive_write_new();
    size_t i;

    snprintf(path, path_len, "%s/%s", tmp_dir, name);
    archive_write_set_format_pax_restricted(a);
    archive_write_add_filter_gzip(a);
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    for (i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        size_t len = m[i].data ? strlen(m[i].data) : 0;
        size_t r = m[i].repeat ? m[i].repeat : 1;
        size_t k;

        archive_entry_set_pathname(e, m[i].name);
        archive_entry_set_mtime(e, 1700000000, 0);
        if (m[i].link != NULL) {
            archive_entry_set_filetype(e, AE_IFLNK);
            archive_entry_set_symlink(e, m[i].link);
            archive_entry_set_size(e, 0);
        } else {
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_size(e, (la_int64_t)(len * r));
        }
        archive_entry_set_perm(e, 0644);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        for (k = 0; m[i].link == NULL && k < r; k++) {
            archive_write_data(a, m[i].data, len);
        }
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
}

static const struct ingest_limits big = { .max_total = 1ULL << 30,
                                          .max_entry = 1ULL << 30,
                                          .max_entries = 1000,
                                          .max_ratio = 200,
                                          .max_depth = 3,
                                          .max_line = 1U << 20,
                                          .max_path = 4096 };

/* Read the whole entry; returns its status and total length. */
static enum kt_status
drain(struct ingest *in, size_t *total)
{
    const void *buf;
    size_t len;
    enum kt_status st;
    struct kt_err err;

    *total = 0;
    while ((st = ingest_read(in, &buf, &len, &err)) == KT_OK) {
        *total += len;
    }
    return st;
}

static void
unsafe_names_are_normalised(void **state)
{
    const struct member m[] = {
        { "../../etc/passwd", "x", NULL, 0 },
        { "/abs/file.log", "y", NULL, 0 },
        { "./a/./b//c.log", "z", NULL, 0 },
        { "a/b/../c/pods.json", "w", NULL, 0 },
    };
    const char *want[] = { "etc/passwd", "abs/file.log", "a/b/c.log",
                           "a/c/pods.json" };
    const bool changed[] = { true, true, false, false };
    char path[256];
    struct ingest *in;
    struct ingest_entry e;
    struct kt_err err;
    size_t i;
    size_t total;

    (void)state;
    make_tar("names.tar.gz", m, 4, path, sizeof(path));
    assert_int_equal(ingest_open(path, &big, &in, &err), KT_OK);
    for (i = 0; i < 4; i++) {
        assert_int_equal(ingest_next(in, &e, &err), KT_OK);
        assert_string_equal(e.path, want[i]);
        assert_int_equal(e.path_changed, changed[i]);
        assert_int_equal(drain(in, &total), KT_DONE);
        assert_int_equal(total, 1);
    }
    assert_int_equal(ingest_next(in, &e, &err), KT_DONE);
    ingest_close(in);
}

static void
symlinks_are_reported_not_followed(void **state)
{
    const struct member m[] = {
        { "logs/real.log", "hello\n", NULL, 0 },
        { "all-logs/link.log", NULL, "../logs/real.log", 0 },
    };
    char path[256];
    struct ingest *in;
    struct ingest_entry e;
    struct kt_err err;

    (void)state;
    make_tar("links.tar.gz", m, 2, path, sizeof(path));
    assert_int_equal(ingest_open(path, &big, &in, &err), KT_OK);
    assert_int_equal(ingest_next(in, &e, &err), KT_OK);
    assert_int_equal(e.type, INGEST_FILE);
    assert_int_equal(ingest_next(in, &e, &err), KT_OK);
    assert_int_equal(e.type, INGEST_SYMLINK);
    assert_string_equal(e.link_target, "../logs/real.log");
    ingest_close(in);
}

/* 20 MiB of one repeated line in a tar.gz inflates more than 200 times:
 * the entry stops at the ratio limit past its first 16 MiB, and the walk
 * ends there, since skipping the rest would inflate the whole bomb. */
static void
compression_bomb_stops_at_the_ratio_limit(void **state)
{
    const struct member m[] = {
        { "bomb.log",
          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
          "aaaa\n",
          NULL, 20U << 14 },
        { "after.log", "ok\n", NULL, 0 },
    };
    char path[256];
    struct ingest *in;
    struct ingest_entry e;
    struct kt_err err;
    const void *buf;
    size_t len;
    size_t total;
    enum kt_status st;

    (void)state;
    make_tar("bomb.tar.gz", m, 2, path, sizeof(path));
    assert_int_equal(ingest_open(path, &big, &in, &err), KT_OK);
    assert_int_equal(ingest_next(in, &e, &err), KT_OK);
    total = 0;
    while ((st = ingest_read(in, &buf, &len, &err)) == KT_OK) {
        total += len;
    }
    assert_int_equal(st, KT_ELIMIT);
    assert_non_null(strstr(err.msg, "--max-ratio"));
    assert_true(total > (15U << 20) && total <= (16U << 20));
    assert_int_equal(ingest_next(in, &e, &err), KT_EFORMAT);
    assert_non_null(strstr(err.msg, "compression bomb"));
    ingest_close(in);
}

/* A header block of garbage between two members is an entry without a
 * name that carries a warning; the member after it is read. */
static void
garbage_header_is_a_nameless_entry_with_a_warning(void **state)
{
    char path[256];
    char junk[512];
    struct ingest *in;
    struct ingest_entry e;
    struct kt_err err;
    size_t total;
    size_t i;
    FILE *fp;

    (void)state;
    snprintf(path, sizeof(path), "%s/junk.tar", tmp_dir);
    {
        struct archive *a = archive_write_new();
        struct archive_entry *ae = archive_entry_new();

        archive_write_set_format_ustar(a);
        assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
        archive_entry_set_pathname(ae, "a.log");
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, 2);
        assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
        archive_write_data(a, "a\n", 2);
        archive_entry_free(ae);
        archive_write_close(a);
        archive_write_free(a);
    }
    /* Replace the end-of-archive blocks: junk, then a copy of a.log. */
    fp = fopen(path, "r+b");
    assert_non_null(fp);
    {
        char member[1024];

        assert_int_equal(fread(member, 1, sizeof(member), fp), 1024);
        for (i = 0; i < sizeof(junk); i++) {
            junk[i] = (char)(i * 37 + 11);
        }
        fseek(fp, 1024, SEEK_SET);
        fwrite(junk, 1, sizeof(junk), fp);
        fwrite(member, 1, sizeof(member), fp);
        memset(member, 0, sizeof(member));
        fwrite(member, 1, sizeof(member), fp);
    }
    fclose(fp);
    assert_int_equal(ingest_open(path, &big, &in, &err), KT_OK);
    assert_int_equal(ingest_next(in, &e, &err), KT_OK);
    assert_string_equal(e.path, "a.log");
    assert_int_equal(drain(in, &total), KT_DONE);
    assert_int_equal(ingest_next(in, &e, &err), KT_OK);
    assert_non_null(e.warning);
    assert_non_null(strstr(e.warning, "without a name"));
    assert_int_equal(ingest_next(in, &e, &err), KT_OK);
    assert_string_equal(e.path, "a.log");
    assert_null(e.warning);
    assert_int_equal(drain(in, &total), KT_DONE);
    assert_int_equal(total, 2);
    assert_int_equal(ingest_next(in, &e, &err), KT_DONE);
    ingest_close(in);
}

static void
entry_over_limit_is_cut_and_walk_goes_on(void **state)
{
    const struct member m[] = {
        { "big.log", "0123456789abcdef", NULL, 4096 },
        { "small.log", "ok\n", NULL, 0 },
    };
    const struct ingest_limits lim = { .max_total = 1ULL << 30,
                                       .max_entry = 1024,
                                       .max_entries = 1000,
                                       .max_ratio = 200,
                                       .max_depth = 3,
                                       .max_line = 1U << 20,
                                       .max_path = 4096 };
    char path[256];
    struct ingest *in;
    struct ingest_entry e;
    struct kt_err err;
    size_t total;

    (void)state;
    make_tar("big.tar.gz", m, 2, path, sizeof(path));
    assert_int_equal(ingest_open(path, &lim, &in, &err), KT_OK);
    assert_int_equal(ingest_next(in, &e, &err), KT_OK);
    assert_int_equal(drain(in, &total), KT_ELIMIT);
    assert_int_equal(ingest_next(in, &e, &err), KT_OK);
    assert_string_equal(e.path, "small.log");
    assert_int_equal(drain(in, &total), KT_DONE);
    assert_int_equal(total, 3);
    ingest_close(in);
}

static void
entry_count_limit_stops_the_walk(void **state)
{
    const struct member m[] = {
        { "a", "1", NULL, 0 },
        { "b", "2", NULL, 0 },
        { "c", "3", NULL, 0 },
    };
    const struct ingest_limits lim = { .max_total = 1ULL << 30,
                                       .max_entry = 1ULL << 30,
                                       .max_entries = 2,
                                       .max_ratio = 200,
                                       .max_depth = 3,
                                       .max_line = 1U << 20,
                                       .max_path = 4096 };
    char path[256];
    struct ingest *in;
    struct ingest_entry e;
    struct kt_err err;

    (void)state;
    make_tar("count.tar.gz", m, 3, path, sizeof(path));
    assert_int_equal(ingest_open(path, &lim, &in, &err), KT_OK);
    assert_int_equal(ingest_next(in, &e, &err), KT_OK);
    assert_int_equal(ingest_next(in, &e, &err), KT_OK);
    assert_int_equal(ingest_next(in, &e, &err), KT_ELIMIT);
    assert_non_null(strstr(err.msg, "--max-entries"));
    ingest_close(in);
}

static void
truncated_archive_gives_entries_before_the_cut(void **state)
{
    struct member m[40];
    char names[40][16];
    char path[256];
    char cut[300];
    struct ingest *in;
    struct ingest_entry e;
    struct kt_err err;
    struct stat sb;
    enum kt_status st = KT_OK;
    size_t total;
    size_t seen = 0;
    size_t i;
    FILE *src;
    FILE *dst;
    char *bytes;

    (void)state;
    /* Incompressible-ish content so that the cut lands mid-stream. */
    for (i = 0; i < 40; i++) {
        snprintf(names[i], sizeof(names[i]), "f%02zu.log", i);
        m[i].name = names[i];
        m[i].data = i % 2 ? "The quick brown fox 0123456789\n"
                          : "jumps over the lazy dog qwertyuiop\n";
        m[i].link = NULL;
        m[i].repeat = 200 + i * 37;
    }
    make_tar("whole.tar.gz", m, 40, path, sizeof(path));
    assert_int_equal(stat(path, &sb), 0);
    snprintf(cut, sizeof(cut), "%s/cut.tar.gz", tmp_dir);
    src = fopen(path, "rb");
    dst = fopen(cut, "wb");
    bytes = malloc((size_t)sb.st_size);
    assert_int_equal(fread(bytes, 1, (size_t)sb.st_size, src),
                     (size_t)sb.st_size);
    fwrite(bytes, 1, (size_t)sb.st_size / 2, dst);
    fclose(src);
    fclose(dst);
    free(bytes);
    assert_int_equal(ingest_open(cut, &big, &in, &err), KT_OK);
    while ((st = ingest_next(in, &e, &err)) == KT_OK) {
        seen++;
        st = drain(in, &total);
        if (st != KT_DONE) {
            break;
        }
    }
    assert_true(seen > 0 && seen < 40);
    assert_int_equal(st, KT_EFORMAT);
    assert_int_equal(ingest_next(in, &e, &err), KT_EFORMAT);
    ingest_close(in);
}

/* Copy the first len bytes of src to dst. */
static void
copy_prefix(const char *src, const char *dst, long cut_from_end)
{
    struct stat sb;
    FILE *in = fopen(src, "rb");
    FILE *out = fopen(dst, "wb");
    char *bytes;
    size_t n;

    assert_int_equal(stat(src, &sb), 0);
    n = (size_t)(sb.st_size - cut_from_end);
    bytes = malloc((size_t)sb.st_size);
    assert_int_equal(fread(bytes, 1, (size_t)sb.st_size, in),
                     (size_t)sb.st_size);
    fwrite(bytes, 1, n, out);
    free(bytes);
    fclose(in);
    fclose(out);
}

static void
gzip_cut_in_its_trailer_keeps_every_entry(void **state)
{
    const struct member m[] = {
        { "a.log", "first\n", NULL, 0 },
        { "b.log", "second\n", NULL, 0 },
    };
    char path[256];
    char cut[300];
    struct ingest *in;
    struct ingest_entry e;
    struct kt_err err;
    size_t total;
    size_t seen = 0;

    (void)state;
    make_tar("trailer.tar.gz", m, 2, path, sizeof(path));
    snprintf(cut, sizeof(cut), "%s/trailer-cut.tar.gz", tmp_dir);
    copy_prefix(path, cut, 1);
    assert_int_equal(ingest_open(cut, &big, &in, &err), KT_OK);
    while (ingest_next(in, &e, &err) == KT_OK) {
        assert_int_equal(drain(in, &total), KT_DONE);
        seen++;
    }
    assert_int_equal(seen, 2);
    assert_non_null(ingest_stream_error(in));
    assert_string_equal(ingest_stream_error(in), "truncated gzip input");
    ingest_close(in);
}

static void
single_gzip_file_is_one_entry_named_after_it(void **state)
{
    char path[256];
    char cmd[600];
    struct ingest *in;
    struct ingest_entry e;
    struct kt_err err;
    size_t total;

    (void)state;
    snprintf(path, sizeof(path), "%s/manager.log.gz", tmp_dir);
    snprintf(cmd, sizeof(cmd), "printf 'E0115 boom\\n' | gzip -n > %s", path);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(ingest_open(path, &big, &in, &err), KT_OK);
    assert_int_equal(ingest_next(in, &e, &err), KT_OK);
    assert_string_equal(e.path, "manager.log");
    assert_int_equal(drain(in, &total), KT_DONE);
    assert_int_equal(total, 11);
    assert_int_equal(ingest_next(in, &e, &err), KT_DONE);
    assert_null(ingest_stream_error(in));
    ingest_close(in);
}

static void
non_archive_and_missing_file_are_told_apart(void **state)
{
    char path[256];
    struct ingest *in = NULL;
    struct ingest_entry e;
    struct kt_err err;
    enum kt_status st;
    FILE *fp;

    (void)state;
    snprintf(path, sizeof(path), "%s/note.txt", tmp_dir);
    fp = fopen(path, "w");
    fputs("not an archive\n", fp);
    fclose(fp);
    /* libarchive may refuse at open or at the first header. */
    st = ingest_open(path, &big, &in, &err);
    if (st == KT_OK) {
        st = ingest_next(in, &e, &err);
        ingest_close(in);
    }
    assert_int_equal(st, KT_EFORMAT);
    snprintf(path, sizeof(path), "%s/absent.tar.gz", tmp_dir);
    assert_int_equal(ingest_open(path, &big, &in, &err), KT_EIO);
    assert_non_null(strstr(err.msg, "No such file"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unsafe_names_are_normalised),
        cmocka_unit_test(symlinks_are_reported_not_followed),
        cmocka_unit_test(entry_over_limit_is_cut_and_walk_goes_on),
        cmocka_unit_test(entry_count_limit_stops_the_walk),
        cmocka_unit_test(truncated_archive_gives_entries_before_the_cut),
        cmocka_unit_test(gzip_cut_in_its_trailer_keeps_every_entry),
        cmocka_unit_test(single_gzip_file_is_one_entry_named_after_it),
        cmocka_unit_test(compression_bomb_stops_at_the_ratio_limit),
        cmocka_unit_test(garbage_header_is_a_nameless_entry_with_a_warning),
        cmocka_unit_test(non_archive_and_missing_file_are_told_apart),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
