/* SPDX-License-Identifier: MIT */
/* Test-time writer of deliberately broken tar and zip archives for
 * tools/mkhostile: entries whose header lies about their size, names with
 * NUL bytes, "..", a leading "/" or 5000 bytes, device and FIFO entries,
 * a garbage header block in the middle, a zip whose central directory is
 * damaged, deflate bombs. tar and libarchive refuse to write most of
 * these, so the bytes are laid out here by hand. Not part of kftriage.
 *
 * Usage: mkarchive tar|zip OUT [--bad-cd] < SPEC   (OUT - is stdout)
 * SPEC has one entry per line, fields separated by tabs:
 *   TYPE NAME SOURCE [CLAIM [LINK]]
 * TYPE    f file, d directory, l symlink, h hard link, c character
 *         device, b block device, p FIFO, X a 512-byte garbage block
 * NAME    with the escapes \\ \t \n \0 and \xHH; a name longer than 99
 *         bytes or holding a NUL goes into a pax header
 * SOURCE  - (no data), zero:N (N zero bytes), text:STRING (escapes
 *         as in NAME), or the path of a file to copy
 * CLAIM   the size the header states, when it is not the real one
 * LINK    the target of a symlink or hard link */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

struct blob {
    unsigned char *data;
    size_t len;
};

static void
die(const char *what)
{
    fprintf(stderr, "mkarchive: %s\n", what);
    exit(2);
}

static void *
xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (p == NULL) {
        die("out of memory");
    }
    return p;
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Decode the escapes of a SPEC field into b. */
static void
unescape(const char *s, struct blob *b)
{
    b->data = xrealloc(NULL, strlen(s) + 1);
    b->len = 0;
    while (*s != '\0') {
        int c = (unsigned char)*s++;

        if (c == '\\' && *s != '\0') {
            c = (unsigned char)*s++;
            if (c == 't') {
                c = '\t';
            } else if (c == 'n') {
                c = '\n';
            } else if (c == '0') {
                c = 0;
            } else if (c == 'x' && hexval(s[0]) >= 0 && hexval(s[1]) >= 0) {
                c = hexval(s[0]) * 16 + hexval(s[1]);
                s += 2;
            }
        }
        b->data[b->len++] = (unsigned char)c;
    }
    b->data[b->len] = 0;
}

static void
load_source(const char *src, struct blob *b)
{
    b->data = NULL;
    b->len = 0;
    if (strcmp(src, "-") == 0) {
        return;
    }
    if (strncmp(src, "zero:", 5) == 0) {
        b->len = strtoull(src + 5, NULL, 10);
        b->data = xrealloc(NULL, b->len);
        memset(b->data, 0, b->len);
        return;
    }
    if (strncmp(src, "text:", 5) == 0) {
        unescape(src + 5, b);
        return;
    }
    {
        FILE *fp = fopen(src, "rb");
        size_t cap = 0;
        size_t n;

        if (fp == NULL) {
            die("cannot open a SOURCE file");
        }
        do {
            if (b->len + 65536 > cap) {
                cap = (b->len + 65536) * 2;
                b->data = xrealloc(b->data, cap);
            }
            n = fread(b->data + b->len, 1, 65536, fp);
            b->len += n;
        } while (n > 0);
        fclose(fp);
    }
}

static FILE *out;

static void
put(const void *p, size_t n)
{
    if (n > 0 && fwrite(p, 1, n, out) != n) {
        die("write error");
    }
}

static void
pad512(size_t n)
{
    static const unsigned char zero[512];

    if (n % 512 != 0) {
        put(zero, 512 - n % 512);
    }
}

/* One 512-byte ustar header. */
static void
tar_header(char type, const unsigned char *name, size_t name_len,
           unsigned long long size, const char *link)
{
    unsigned char h[512];
    unsigned sum = 0;
    size_t i;

    memset(h, 0, sizeof(h));
    memcpy(h, name, name_len > 99 ? 99 : name_len);
    snprintf((char *)h + 100, 8, "%07o", type == '5' ? 0755U : 0644U);
    snprintf((char *)h + 108, 8, "%07o", 0U);
    snprintf((char *)h + 116, 8, "%07o", 0U);
    snprintf((char *)h + 124, 12, "%011llo", size);
    snprintf((char *)h + 136, 12, "%011o", 1717243200U);
    h[156] = (unsigned char)type;
    if (link != NULL) {
        memcpy(h + 157, link, strlen(link) > 99 ? 99 : strlen(link));
    }
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memset(h + 148, ' ', 8);
    for (i = 0; i < 512; i++) {
        sum += h[i];
    }
    snprintf((char *)h + 148, 8, "%06o", sum);
    put(h, 512);
}

/* A pax extended header carrying the full name. */
static void
tar_pax_path(const struct blob *name)
{
    size_t body = name->len + 7; /* " path=" and "\n" */
    size_t digits = 1;
    size_t total;
    char len[24];

    for (;;) {
        total = body + digits;
        snprintf(len, sizeof(len), "%zu", total);
        if (strlen(len) == digits) {
            break;
        }
        digits = strlen(len);
    }
    tar_header('x', (const unsigned char *)"PaxHeader", 9, total, NULL);
    put(len, strlen(len));
    put(" path=", 6);
    put(name->data, name->len);
    put("\n", 1);
    pad512(total);
}

struct zip_cd {
    unsigned char *data;
    size_t len;
};

static void
le16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void
le32(unsigned char *p, unsigned long v)
{
    le16(p, (unsigned)(v & 0xffff));
    le16(p + 2, (unsigned)(v >> 16));
}

/* One zip member, deflated, and its central directory record. */
static void
zip_entry(const struct blob *name, const struct blob *data,
          unsigned long long claim, size_t *offset, struct zip_cd *cd)
{
    unsigned char h[46];
    z_stream z;
    unsigned char *comp;
    size_t cap = compressBound((uLong)data->len) + 64;
    unsigned long crc = crc32(0L, data->data, (uInt)data->len);

    comp = xrealloc(NULL, cap);
    memset(&z, 0, sizeof(z));
    if (deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
        die("deflateInit2");
    }
    z.next_in = data->data;
    z.avail_in = (uInt)data->len;
    z.next_out = comp;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        die("deflate");
    }
    memset(h, 0, sizeof(h));
    le32(h, 0x04034b50UL);
    le16(h + 4, 20);
    le16(h + 8, 8);
    le32(h + 14, crc);
    le32(h + 18, z.total_out);
    le32(h + 22, (unsigned long)claim);
    le16(h + 26, (unsigned)name->len);
    put(h, 30);
    put(name->data, name->len);
    put(comp, z.total_out);

    cd->data = xrealloc(cd->data, cd->len + 46 + name->len);
    memset(h, 0, sizeof(h));
    le32(h, 0x02014b50UL);
    le16(h + 4, 20);
    le16(h + 6, 20);
    le16(h + 10, 8);
    le32(h + 16, crc);
    le32(h + 20, z.total_out);
    le32(h + 24, (unsigned long)claim);
    le16(h + 28, (unsigned)name->len);
    le32(h + 42, (unsigned long)*offset);
    memcpy(cd->data + cd->len, h, 46);
    memcpy(cd->data + cd->len + 46, name->data, name->len);
    cd->len += 46 + name->len;
    *offset += 30 + name->len + z.total_out;
    deflateEnd(&z);
    free(comp);
}

int
main(int argc, char **argv)
{
    char line[65536];
    int zip;
    int bad_cd;
    size_t offset = 0;
    unsigned n_zip = 0;
    struct zip_cd cd = { NULL, 0 };

    if (argc < 3 ||
        (strcmp(argv[1], "tar") != 0 && strcmp(argv[1], "zip") != 0)) {
        die("usage: mkarchive tar|zip OUT [--bad-cd] < SPEC");
    }
    zip = strcmp(argv[1], "zip") == 0;
    bad_cd = argc > 3 && strcmp(argv[3], "--bad-cd") == 0;
    out = strcmp(argv[2], "-") == 0 ? stdout : fopen(argv[2], "wb");
    if (out == NULL) {
        die("cannot create OUT");
    }
    while (fgets(line, sizeof(line), stdin) != NULL) {
        char *field[5] = { NULL, NULL, NULL, NULL, NULL };
        char *p = line;
        struct blob name;
        struct blob data;
        unsigned long long claim;
        int i;

        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#') {
            continue;
        }
        for (i = 0; i < 5 && p != NULL; i++) {
            field[i] = p;
            p = strchr(p, '\t');
            if (p != NULL) {
                *p++ = '\0';
            }
        }
        if (field[2] == NULL) {
            die("a SPEC line needs TYPE, NAME and SOURCE");
        }
        unescape(field[1], &name);
        load_source(field[2], &data);
        claim = field[3] != NULL && strcmp(field[3], "-") != 0
                        ? strtoull(field[3], NULL, 10)
                        : data.len;
        if (zip) {
            zip_entry(&name, &data, claim, &offset, &cd);
            n_zip++;
        } else if (field[0][0] == 'X') {
            unsigned char junk[512];

            for (i = 0; i < 512; i++) {
                junk[i] = (unsigned char)(i * 37 + 11);
            }
            put(junk, 512);
        } else {
            static const char types[] = "f0d5l2h1c3b4p6";
            const char *t = strchr(types, field[0][0]);

            if (t == NULL || (t - types) % 2 != 0) {
                die("unknown TYPE");
            }
            if (name.len > 99 || memchr(name.data, 0, name.len) != NULL) {
                tar_pax_path(&name);
            }
            tar_header(t[1], name.data, name.len, claim, field[4]);
            put(data.data, data.len);
            pad512(data.len);
        }
        free(name.data);
        free(data.data);
    }
    if (zip) {
        unsigned char e[22];

        memset(e, 0, sizeof(e));
        if (bad_cd && cd.len >= 4) {
            memcpy(cd.data, "PK\x07\x09", 4);
        }
        put(cd.data, cd.len);
        le32(e, 0x06054b50UL);
        le16(e + 8, n_zip);
        le16(e + 10, n_zip);
        le32(e + 12, (unsigned long)cd.len);
        le32(e + 16, bad_cd ? 0xfffffff0UL : (unsigned long)offset);
        put(e, 22);
        free(cd.data);
    } else {
        static const unsigned char zero[1024];

        put(zero, sizeof(zero));
    }
    if (fclose(out) != 0) {
        die("write error");
    }
    return 0;
}
