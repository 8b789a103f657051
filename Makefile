# kftriage: plain Makefile, every library through pkg-config.
#   make            build build/kftriage
#   make test       install missing Debian packages, build, run every test
#   make demo       the same set-up, then analyze the shipped example bundle
#   make SAN=1 ...  build and test with AddressSanitizer and UBSan
#   make install    PREFIX=/usr/local DESTDIR=
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

.PHONY: all deps test check unit golden cases real demo install lint \
	format clean bundles prefilter bench

all: $(BIN)

$(BUILD)/obj/%.o: analyzer/%.c $(wildcard analyzer/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BIN): $(OBJS)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS_ALL) $(LDHARDEN) $(LDFLAGS) $(OBJS) -o $@ \
		$(LDLIBS_ALL)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) $(shell pkg-config --cflags cmocka) $< \
		$(LIB_OBJS) -o $@ $(LDHARDEN) $(LDFLAGS) $(LDLIBS_ALL) \
		$(shell pkg-config --libs cmocka)

# Install whatever Debian packages are missing (needs root; without it
# the script prints the apt-get line and stops).
deps:
	$(Q)tools/deps

# Test bundles are packed from the text trees under fixtures/.
bundles: $(BIN)
	$(Q)tools/mkbundle-all $(BUILD)/bundles

unit: $(UNIT_BINS)
	$(Q)tools/run-unit $(UNIT_BINS)

golden: $(BIN) bundles
	$(Q)KT_BIN=$(BIN) KT_BUNDLES=$(BUILD)/bundles tests/run-golden.sh

cases: $(BIN) bundles
	$(Q)KT_BIN=$(BIN) KT_BUNDLES=$(BUILD)/bundles tests/run-cases.sh

real: $(BIN)
	$(Q)KT_BIN=$(BIN) tests/run-real.sh

# The matches table is the same with and without the literal prefilter.
prefilter: $(BIN) bundles
	$(Q)KT_BIN=$(BIN) KT_BUNDLES=$(BUILD)/bundles tests/run-prefilter.sh

patterns-test: $(BIN)
	$(Q)$(BIN) patterns test

# The one command README gives for the tests.
test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory check

check: unit patterns-test golden cases real prefilter
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
		$(DESTDIR)$(PREFIX)/share/kftriage/patterns
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/kftriage
	install -m 644 patterns/*.json $(DESTDIR)$(PREFIX)/share/kftriage/patterns

lint:
	$(Q)tools/lint

format:
	$(Q)clang-format -i analyzer/*.c analyzer/*.h tests/unit/*.c

clean:
	rm -rf build build-san
