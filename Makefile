# kftriage: plain Makefile, every library through pkg-config.
#   make            build build/kftriage
#   make test       install missing Debian packages, build, run every test
#   make demo       the same set-up, then analyze the shipped example bundle
#   make SAN=1 ...  build and test with AddressSanitizer and UBSan
#   make install    PREFIX=/usr/local DESTDIR=
#   make fuzz       libFuzzer targets, FUZZ_RUNS executions each (clang)
#   make valgrind   unit tests and CLI cases under valgrind
#   make lint, make format, make clean

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PKGS    := libarchive zlib libpcre2-8 libcjson sqlite3 yaml-0.1
BUILD   := build
ifeq ($(SAN),1)
BUILD   := build-san
endif

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wmissing-declarations -Wold-style-definition \
	-Wformat=2 -Wundef -Wcast-qual -Wwrite-strings -Wvla \
	-Wnull-dereference -Wdouble-promotion -Wimplicit-fallthrough \
	-Wpointer-arith -Wredundant-decls -Wswitch-enum -Wconversion \
	-Wsign-conversion
ifeq ($(CI),true)
WARN += -Werror
endif

OPT := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
LDHARDEN := -Wl,-z,relro,-z,now
ifeq ($(SAN),1)
OPT := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
LDHARDEN := -fsanitize=address,undefined
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS_ALL = -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(OPT) \
	-iquote analyzer $(PKG_CFLAGS) \
	-DKT_PATTERN_DIR='"$(PREFIX)/share/kftriage/patterns"' $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) $(LDLIBS)

SRCS := $(wildcard analyzer/*.c)
OBJS := $(SRCS:analyzer/%.c=$(BUILD)/obj/%.o)
LIB_OBJS := $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
BIN := $(BUILD)/kftriage

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all deps test check unit golden cases trees real demo install lint \
	format clean bundles schema html-check docs-check fuzz fuzz-build \
	fuzz-deps valgrind prefilter bench

all: $(BIN)

$(BUILD)/obj/%.o: analyzer/%.c $(wildcard analyzer/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BIN): $(OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS_ALL) $(LDHARDEN) $(LDFLAGS) $(OBJS) -o $@ \
		$(LDLIBS_ALL)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP $(shell pkg-config --cflags cmocka) \
		$< $(LIB_OBJS) -o $@ $(LDHARDEN) $(LDFLAGS) $(LDLIBS_ALL) \
		$(shell pkg-config --libs cmocka)

# Rebuild what includes a changed header.
-include $(OBJS:.o=.d) $(UNIT_BINS:=.d)

# Install whatever Debian packages are missing (needs root; without it
# the script prints the apt-get line and stops).
deps:
	$(Q)tools/deps

# Test bundles are packed from the text trees under fixtures/.
bundles: $(BIN) $(BUILD)/mkarchive
	$(Q)KT_MKARCHIVE=$(BUILD)/mkarchive tools/mkbundle-all $(BUILD)/bundles

# The writer of broken archives tools/mkhostile uses (test time only).
$(BUILD)/mkarchive: tools/mkarchive.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) $< -o $@ $(LDHARDEN) $(LDFLAGS) $(LDLIBS_ALL)

unit: $(UNIT_BINS)
	$(Q)tools/run-unit $(UNIT_BINS)

golden: $(BIN) bundles $(BUILD)/tests/test_report
	$(Q)KT_BIN=$(BIN) KT_BUNDLES=$(BUILD)/bundles tests/run-golden.sh

# Every JSON report of the tests against docs/report.schema.json.
schema: $(BIN) bundles $(BUILD)/tests/test_report
	$(Q)KT_BIN=$(BIN) KT_BUNDLES=$(BUILD)/bundles \
		KT_NESTED=$(BUILD)/tests/test_report tests/check-json-schema.sh

# HTML reports rendered in headless Chromium; skipped with a message when
# /usr/bin/chromium is not installed (it is not in tools/deps).
html-check: $(BIN) bundles $(BUILD)/tests/test_report
	$(Q)KT_BIN=$(BIN) KT_BUNDLES=$(BUILD)/bundles \
		KT_NESTED=$(BUILD)/tests/test_report tests/html-check.sh

# The man page and bash completion name every command and option.
docs-check: $(BIN)
	$(Q)KT_BIN=$(BIN) tests/check-docs.sh

cases: $(BIN) bundles
	$(Q)KT_BIN=$(BIN) KT_BUNDLES=$(BUILD)/bundles tests/run-cases.sh

trees: $(BIN) bundles
	$(Q)KT_BIN=$(BIN) KT_BUNDLES=$(BUILD)/bundles tests/run-trees.sh

real: $(BIN)
	$(Q)KT_BIN=$(BIN) tests/run-real.sh

# Unit tests and a few CLI cases under valgrind; a leak fails.
valgrind: $(UNIT_BINS) $(BIN) bundles
	$(Q)tools/deps valgrind
	$(Q)tools/run-valgrind $(BIN) $(BUILD)/bundles $(UNIT_BINS)

# The matches table is the same with and without the literal prefilter.
prefilter: $(BIN) bundles
	$(Q)KT_BIN=$(BIN) KT_BUNDLES=$(BUILD)/bundles tests/run-prefilter.sh

patterns-test: $(BIN)
	$(Q)$(BIN) patterns test

# The one command README gives for the tests.
test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory check

check: unit patterns-test golden cases trees real prefilter schema \
	docs-check html-check
	@echo "all test suites passed"

demo: deps
	$(Q)$(MAKE) --no-print-directory all bundles
	$(Q)cd $(BUILD)/bundles && ../kftriage analyze example.tar.gz \
		--db ../example.kftriage.db; \
		rc=$$?; [ $$rc -le 1 ] || exit $$rc

# Speed and memory against a grep pipeline on a generated bundle; not a
# test. BENCH_SIZE=256M and BENCH_RUNS=3 by default (tools/bench).
$(BUILD)/tools/genbundle: tools/genbundle.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) $< -o $@

$(BUILD)/tools/gensigs: tools/gensigs.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) $< -o $@ $(LDLIBS_ALL)

bench: $(BIN) $(BUILD)/tools/genbundle $(BUILD)/tools/gensigs
	$(Q)KT_BIN=$(BIN) KT_TOOLS=$(BUILD)/tools BENCH_DIR=$(BUILD)/bench \
		tools/bench

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/share/kftriage/patterns \
		$(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/kftriage
	install -m 644 patterns/*.json $(DESTDIR)$(PREFIX)/share/kftriage/patterns
	install -m 644 docs/kftriage.1 $(DESTDIR)$(PREFIX)/share/man/man1/kftriage.1
	install -m 644 tools/kftriage.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/kftriage

# libFuzzer targets (tests/fuzz/), built with clang in build-fuzz/ and run
# FUZZ_RUNS executions each past their seeds, which tests/fuzz/seeds copies
# from fixtures/ and the packed bundles. A crash leaves its input in
# build-fuzz/crash-TARGET-* and fails the target.
FUZZ_RUNS    ?= 2000
FUZZ_CC      ?= clang
FUZZ_BUILD   := build-fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_TARGETS := describe table json yaml logline records accesslog \
	patterns bundle
FUZZ_CFLAGS   = -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g \
	-fno-omit-frame-pointer -iquote analyzer -iquote tests/fuzz \
	$(PKG_CFLAGS) -DKT_PATTERN_DIR='"patterns"'
FUZZ_LIB_OBJS := $(filter-out $(FUZZ_BUILD)/obj/main.o, \
	$(SRCS:analyzer/%.c=$(FUZZ_BUILD)/obj/%.o))

$(FUZZ_BUILD)/obj/%.o: analyzer/%.c $(wildcard analyzer/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) \
		-c $< -o $@

$(FUZZ_BUILD)/fuzz_records: tests/fuzz/fuzz_bundle.c tests/fuzz/fuzz.h \
		$(FUZZ_LIB_OBJS)
	@$(if $(Q),echo "  FUZZLD  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -DFUZZ_AS_LOG -fsanitize=fuzzer \
		$(FUZZ_SAN) $< $(FUZZ_LIB_OBJS) -o $@ $(LDLIBS_ALL)

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_LIB_OBJS)
	@$(if $(Q),echo "  FUZZLD  $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) $< \
		$(FUZZ_LIB_OBJS) -o $@ $(LDLIBS_ALL)

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

fuzz-deps:
	$(Q)tools/deps fuzz

fuzz: fuzz-deps
	$(Q)$(MAKE) --no-print-directory fuzz-build bundles
	$(Q)mkdir -p $(FUZZ_BUILD)/tmp
	$(Q)for t in $(FUZZ_TARGETS); do \
		rm -rf $(FUZZ_BUILD)/seeds/$$t; \
		tests/fuzz/seeds $$t $(FUZZ_BUILD)/seeds/$$t $(BUILD)/bundles \
			|| exit 1; \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
		TMPDIR=$(FUZZ_BUILD)/tmp $(FUZZ_BUILD)/fuzz_$$t \
			-runs=$(FUZZ_RUNS) -max_len=65536 -timeout=20 \
			-rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/crash-$$t- \
			$(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/seeds/$$t \
			>$(FUZZ_BUILD)/$$t.log 2>&1 || { \
			tail -40 $(FUZZ_BUILD)/$$t.log; \
			echo "fuzz: $$t FAILED"; exit 1; }; \
		n=$$(grep -o 'number_of_executed_units: [0-9]*' \
			$(FUZZ_BUILD)/$$t.log | grep -o '[0-9]*$$'); \
		echo "fuzz: $$t: $$n executions, no crash"; \
	done

lint:
	$(Q)tools/lint

format:
	$(Q)clang-format -i analyzer/*.c analyzer/*.h tests/unit/*.c tools/*.c \
		$(wildcard tests/fuzz/*.c)

clean:
	rm -rf build build-san build-fuzz
