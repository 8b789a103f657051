/* SPDX-License-Identifier: MIT */
/* Every bound kftriage puts on untrusted input, in one place, each with its
 * unit and the reason for its default. Each can be changed at build time
 * with -DNAME=value; the main ones also from the command line (see cli.c),
 * never above the hard ceilings checked below.
 *
 * Reaching a limit is an entry error: the entry is recorded as skipped (or
 * its line cut and flagged), the run goes on and exits with status 1.
 * (Named kt_limits.h so that it can never shadow the system <limits.h>.) */
#ifndef KT_LIMITS_H
#define KT_LIMITS_H

/* Bytes: total uncompressed bytes read from one bundle. 64 GiB is far above
 * the largest real bundles and stops a decompression bomb from running for
 * hours. Option --max-total. */
#ifndef KT_MAX_TOTAL_BYTES
#define KT_MAX_TOTAL_BYTES (64ULL << 30)
#endif

/* Bytes: uncompressed bytes of one entry, counted as read, not as the header
 * claims. Logs of several GiB exist; beyond 4 GiB one entry is a bomb more
 * often than a log. Option --max-entry. */
#ifndef KT_MAX_ENTRY_BYTES
#define KT_MAX_ENTRY_BYTES (4ULL << 30)
#endif

/* Entries: members of one bundle. A cluster dump of a large cluster holds
 * tens of thousands of files. Option --max-entries. */
#ifndef KT_MAX_ENTRIES
#define KT_MAX_ENTRIES 1000000ULL
#endif

/* Ratio: uncompressed bytes of one entry per compressed byte it took
 * from its archive (or from the archive it is nested in), checked once the
 * entry passes KT_RATIO_FLOOR. Logs and JSON compress 5 to 50 times, a
 * log of one line repeated a few hundred times; deflate tops out near
 * 1030, so a gzip or zip bomb (and any bzip2, xz or zstd one) passes 200
 * within its first KT_RATIO_FLOOR bytes. Option --max-ratio. */
#ifndef KT_MAX_RATIO
#define KT_MAX_RATIO 200ULL
#endif

/* Bytes: an entry is measured against KT_MAX_RATIO only past this size.
 * A small file that compresses well costs nothing; the read-ahead of the
 * archive reader (128 KiB blocks) also blurs the ratio of small entries. */
#ifndef KT_RATIO_FLOOR
#define KT_RATIO_FLOOR (16ULL << 20)
#endif

/* Bytes: a JSON or YAML document is parsed whole, so it must fit in memory.
 * 256 MiB holds the pod list of a 5000-node cluster. Larger documents are
 * skipped. Build time only. */
#ifndef KT_MAX_DOCUMENT_BYTES
#define KT_MAX_DOCUMENT_BYTES (256ULL << 20)
#endif

/* Bytes: one logical line, and one log record assembled from several
 * lines (tracebacks, goroutine dumps). Longer lines (base64 blobs, JSON
 * dumps) are cut here and flagged as truncated, the rest of the line
 * discarded; a record reaching this size is closed. Option --max-line. */
#ifndef KT_MAX_LINE
#define KT_MAX_LINE (1U << 20)
#endif

/* Lines: lines of one assembled log record, for GOTRACEBACK=all dumps. */
#ifndef KT_MAX_RECORD_LINES
#define KT_MAX_RECORD_LINES 2000
#endif

/* Levels: archives inside the bundle are read this deep (a .tar.gz of
 * logs inside a support bundle is 1). Deeper ones are skipped; a bundle
 * that holds itself ends here. Option --max-depth. */
#ifndef KT_MAX_NESTING
#define KT_MAX_NESTING 3
#endif

/* Bytes: an entry path inside the bundle. PATH_MAX on Linux is 4096.
 * Option --max-path. */
#ifndef KT_MAX_PATH
#define KT_MAX_PATH 4096
#endif

/* Bytes: one field value kept from an object (a message, a label list).
 * Longer values are cut. Messages of 64 KiB are far beyond any real one. */
#ifndef KT_MAX_FIELD
#define KT_MAX_FIELD (64U << 10)
#endif

/* Elements: containers, conditions or resources of one object. */
#ifndef KT_MAX_OBJECT_PARTS
#define KT_MAX_OBJECT_PARTS 256
#endif

/* Nesting: JSON and YAML depth accepted. cJSON's own ceiling is 1000.
 * Option --max-doc-depth, which can only lower it (the YAML reader keeps
 * a stack of this many frames). */
#ifndef KT_MAX_JSON_DEPTH
#define KT_MAX_JSON_DEPTH 512
#endif

/* Patterns: number loaded from all libraries together. */
#ifndef KT_MAX_PATTERNS
#define KT_MAX_PATTERNS 4096
#endif

/* Bytes: one pattern file. The whole library today is well under 1 MiB. */
#ifndef KT_MAX_PATTERN_FILE
#define KT_MAX_PATTERN_FILE (4U << 20)
#endif

/* PCRE2 match limit (backtracking steps) and depth limit per match call.
 * A catastrophic user regex fails one match instead of hanging the run.
 * Options --match-limit and --depth-limit. */
#ifndef KT_PCRE2_MATCH_LIMIT
#define KT_PCRE2_MATCH_LIMIT 1000000U
#endif
#ifndef KT_PCRE2_DEPTH_LIMIT
#define KT_PCRE2_DEPTH_LIMIT 10000U
#endif

/* Matches: a pattern whose matches stop at the PCRE2 limits this many
 * times is not tried again in the run (and the report says so), so that
 * one catastrophic regex costs seconds, not minutes. */
#ifndef KT_MAX_LIMIT_HITS
#define KT_MAX_LIMIT_HITS 100
#endif

/* Bytes: text of one record handed to the matcher. Patterns look at the
 * start of a record; tracebacks longer than this are matched on their head
 * and the evidence quotes the head. */
#ifndef KT_MAX_MATCH_TEXT
#define KT_MAX_MATCH_TEXT (64U << 10)
#endif

/* Evidence lines kept per finding; more are counted, not listed. */
#ifndef KT_MAX_EVIDENCE
#define KT_MAX_EVIDENCE 5
#endif

/* Hard ceilings the overrides may not exceed. */
#if KT_MAX_NESTING > 16
#error "KT_MAX_NESTING above 16: each level holds a reader and its buffers"
#endif
#if KT_MAX_JSON_DEPTH > 1000
#error "KT_MAX_JSON_DEPTH above cJSON's nesting limit"
#endif
#if KT_MAX_LINE > (64U << 20)
#error "KT_MAX_LINE above 64 MiB would defeat bounded memory"
#endif
#if KT_MAX_PATH > 65536
#error "KT_MAX_PATH above 64 KiB"
#endif

#endif
