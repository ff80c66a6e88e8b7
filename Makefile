# tidings — plain GNU Makefile.  CFLAGS, LDFLAGS, PREFIX and DESTDIR are
# overridable; DEV=1 (and CI) turns warnings into errors.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PKGS    := libxml-2.0 sqlite3 libmicrohttpd zlib

WARN := -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wold-style-definition -Wpointer-arith \
	-Wwrite-strings -Wcast-qual -Wformat=2 -Wvla -Wundef \
	-Wdeclaration-after-statement -fno-common
ifeq ($(DEV),1)
WARN += -Werror
endif

CFLAGS   ?= -O2 -g
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -Iinclude
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

B ?= build
SRC  := $(sort $(wildcard src/*.c))
LIB  := $(filter-out src/main.c,$(SRC))
OBJ  := $(LIB:src/%.c=$(B)/%.o)
TSRC := $(sort $(wildcard tests/test_*.c))
TOBJ := $(TSRC:tests/%.c=$(B)/tests/%.o) $(B)/tests/runner.o $(B)/tests/testutil.o
SUITES := $(TSRC:tests/test_%.c=%)
TOBJ += $(B)/tests/httpc.o

ALL_CFLAGS = $(WARN) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP

# `make V=1` shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all check asan valgrind fuzz fuzz-lib install clean run deps bench-import \
	bench-import-formats \
	bench-build bench-serve format format-check samples

all: tidings

tidings: $(B)/main.o $(B)/libtidings.a
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The sanitizer and valgrind builds get their own binary beside their
# objects, so ./tidings is always the plain build.
$(B)/tidings: $(B)/main.o $(B)/libtidings.a
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/libtidings.a: $(OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/%.o: src/%.c | $(B)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/tests/%.o: tests/%.c $(B)/tests/registry.h | $(B)
	@echo "  CC      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -I$(B)/tests -Itests -c -o $@ $<

# Every tests/test_<suite>.c exports `const struct test tests_<suite>[]`;
# the registry is generated so that adding a suite is adding a file.
$(B)/tests/registry.h: $(TSRC) | $(B)
	@{ for s in $(SUITES); do echo "extern const struct test tests_$$s[];"; done; \
	   echo "static const struct suite suites[] = {"; \
	   for s in $(SUITES); do echo "    { \"$$s\", tests_$$s },"; done; \
	   echo "    { NULL, NULL }"; echo "};"; } > $@.tmp && \
	 (cmp -s $@.tmp $@ || mv $@.tmp $@); rm -f $@.tmp

$(B)/runtests: $(TOBJ) $(B)/libtidings.a
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B):
	@mkdir -p $(B)/tests

# `make deps` installs the Debian packages that are missing, and nothing else.
DEB_BUILD := build-essential pkg-config libxml2-dev libsqlite3-dev \
	libmicrohttpd-dev zlib1g-dev
DEB_TEST  := libxml2-utils sqlite3 python3-feedparser valgrind clang \
	libclang-rt-14-dev time
DEB_BENCH := nginx wrk curl time
DEB_WANT = $(DEB_BUILD) $(if $(filter run,$(MAKECMDGOALS)),,$(DEB_TEST))
deps:
	@command -v dpkg-query >/dev/null || { echo "deps: not Debian, install $(DEB_BUILD) by hand"; exit 0; }; \
	missing=; for p in $(DEB_WANT); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  sudo=; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -q && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

# `make check UPDATE=1` rewrites the golden *.expected files (review them).
check: deps
	@$(MAKE) --no-print-directory tidings $(B)/runtests
	@TIDINGS=$(CURDIR)/tidings TIDINGS_UPDATE=$(UPDATE) $(B)/runtests $(T)

asan:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory B=build-asan CC=clang \
	  CFLAGS="-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  LDFLAGS="-fsanitize=address,undefined" build-asan/tidings build-asan/runtests
	@ASAN_OPTIONS=detect_leaks=1 TIDINGS=$(CURDIR)/build-asan/tidings \
	  build-asan/runtests $(T)

VALGRIND := valgrind -q --error-exitcode=1 --leak-check=full \
	--errors-for-leak-kinds=definite --track-fds=no
valgrind:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory B=build-vg CFLAGS="-O0 -g" build-vg/tidings build-vg/runtests
	@TIDINGS=$(CURDIR)/build-vg/tidings TIDINGS_WRAPPER="$(VALGRIND)" TIDINGS_SLOW=1 \
	  $(VALGRIND) build-vg/runtests $(T)

# Each tests/fuzz/fuzz_<name>.c is a libFuzzer target, seeded from the
# test fixtures of its input (FUZZ_FIXTURES_<name>) and from
# tests/fuzz/seeds/<name>/ (seeds that are no fixture), and run for
# FUZZ_SECONDS.
FUZZ_SECONDS ?= 30
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all -DTIDINGS_FUZZ
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
FUZZ_FIXTURES_text := tests/fixtures/text
FUZZ_FIXTURES_frontmatter := tests/fixtures/text
FUZZ_FIXTURES_html := tests/fixtures/html
FUZZ_FIXTURES_feed := tests/fixtures/feed
FUZZ_FIXTURES_htmlscan := tests/fixtures/html
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c build-fuzz/libtidings.a
	clang $(WARN) $(CPPFLAGS) $(PKG_CFLAGS) -g -O1 \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  -o $@ $^ $(PKG_LIBS)
# The library is built by a sub-make with B=build-fuzz (through the
# $(B)/libtidings.a rule); naming that file here as a target with its own
# recipe would make the sub-make call itself for ever.
fuzz-lib:
	@$(MAKE) --no-print-directory B=build-fuzz CC=clang \
	  CFLAGS="$(FUZZ_FLAGS)" build-fuzz/libtidings.a
fuzz:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory fuzz-lib
	@$(MAKE) --no-print-directory $(FUZZ_BIN)
	@set -e; $(foreach n,text frontmatter html feed htmlscan,\
	  FX_$(n)="$(FUZZ_FIXTURES_$(n))";) \
	for f in $(FUZZ_BIN); do \
	  n=$${f#build-fuzz/fuzz_}; mkdir -p build-fuzz/corpus/$$n; \
	  eval "fx=\$${FX_$$n:-}"; \
	  seeds=tests/fuzz/seeds/$$n; [ -d $$seeds ] || seeds=; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    build-fuzz/corpus/$$n $$seeds $$fx 2>build-fuzz/$$n.log \
	    || { tail -40 build-fuzz/$$n.log; exit 1; }; \
	  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' build-fuzz/$$n.log; \
	done

# `make run`: a fresh store from the bundled samples, the site, the server.
# The store removed is the one RUN_CONF names ([store] path, relative to
# this directory as tidings reads it; tidings.db when it names none).
RUN_CONF ?= conf/tidings.conf
# $(call conf_get,SECTION,KEY): the shell words that print KEY of
# [SECTION] in RUN_CONF (the last one given, unquoted), or nothing.
conf_get = awk -v want=$(1) -v key=$(2) ' \
	/^[ \t]*\[/ { sec = $$0; gsub(/[][ \t\r]/, "", sec); next } \
	sec == want && $$0 ~ "^[ \t]*" key "[ \t]*=" { v = $$0; \
	  sub(/^[^=]*=[ \t]*/, "", v); sub(/[ \t\r]*$$/, "", v); \
	  sub(/^"/, "", v); sub(/"$$/, "", v); p = v } \
	END { print p }' $(RUN_CONF)
run: deps
	@$(MAKE) --no-print-directory tidings
	@db=$$($(call conf_get,store,path)); db=$${db:-tidings.db}; \
	  echo "rm -f $$db $$db-wal $$db-shm"; rm -f "$$db" "$$db-wal" "$$db-shm"
	./tidings -c $(RUN_CONF) import tests/samples
	./tidings -c $(RUN_CONF) build
	@out=$$($(call conf_get,build,out)); out=$${out:-feeds}; \
	  case $$out in /*) ;; *) out=$(CURDIR)/$$out ;; esac; \
	  echo "run: the site is in $$out/; serving it (Ctrl-C stops)"
	./tidings -c $(RUN_CONF) serve

# Benchmarks print their figures beside a reference tool run in the same
# session.  bench/gen.c writes the page-text corpus and the CSV of its rows
# for the sqlite3 shell; bench/gen_formats.c the same kind of articles as
# page text, HTML pages and one RSS feed.
$(B)/bench/gen: bench/gen.c $(B)/libtidings.a
	@mkdir -p $(B)/bench
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/bench/gen_formats: bench/gen_formats.c bench/corpus.h | $(B)
	@mkdir -p $(B)/bench
	$(Q)$(CC) $(WARN) -D_POSIX_C_SOURCE=200809L $(CFLAGS) -o $@ $<

# `make bench-import [N=100000]`: page text against the sqlite3 shell
# (bench/import.sh), then the HTML and feed importers against page text
# (bench/import_formats.sh), at the same N.
N ?= 100000
bench-import: deps
	@$(MAKE) --no-print-directory tidings $(B)/bench/gen $(B)/bench/gen_formats
	@TIDINGS=$(CURDIR)/tidings GEN=$(CURDIR)/$(B)/bench/gen \
	  sh bench/import.sh $(N)
	@TIDINGS=$(CURDIR)/tidings GEN=$(CURDIR)/$(B)/bench/gen_formats \
	  sh bench/import_formats.sh $(N)

# The second half of bench-import alone.
bench-import-formats: deps
	@$(MAKE) --no-print-directory tidings $(B)/bench/gen_formats
	@TIDINGS=$(CURDIR)/tidings GEN=$(CURDIR)/$(B)/bench/gen_formats \
	  sh bench/import_formats.sh $(N)

# `make bench-build [N=100000]`: feed rendering against node's `feed`,
# the full build and a one-article rebuild (bench/build.sh).
$(B)/bench/render_bench: bench/render_bench.c $(B)/libtidings.a
	@mkdir -p $(B)/bench
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ bench/render_bench.c $(B)/libtidings.a $(PKG_LIBS)

bench-build: deps
	@$(MAKE) --no-print-directory tidings $(B)/bench/render_bench
	@TIDINGS=$(CURDIR)/tidings RB=$(CURDIR)/$(B)/bench/render_bench \
	  sh bench/build.sh $(N)

# `make bench-serve`: tidings serve against nginx over one folder built
# from the synthetic corpus (bench/gen).
bench-serve:
	@$(MAKE) --no-print-directory deps DEB_WANT="$(DEB_BUILD) $(DEB_BENCH)"
	@$(MAKE) --no-print-directory tidings $(B)/bench/gen
	@TIDINGS=$(CURDIR)/tidings GEN=$(CURDIR)/$(B)/bench/gen sh bench/serve.sh

install: tidings
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/tidings
	install -m 755 tidings $(DESTDIR)$(PREFIX)/bin/tidings
	install -m 644 src/tidings.1 $(DESTDIR)$(PREFIX)/share/man/man1/tidings.1
	install -m 644 src/tidings.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/tidings.conf.5
	install -m 644 conf/tidings.conf $(DESTDIR)$(PREFIX)/share/tidings/tidings.conf.example

format:
	clang-format -i src/*.c include/tidings/*.h tests/*.c tests/*.h bench/*.c \
	  bench/*.h

format-check:
	@for f in src/*.c include/tidings/*.h tests/*.c tests/*.h bench/*.c \
	    bench/*.h; do \
	  clang-format "$$f" | cmp -s - "$$f" || { echo "format: $$f"; exit 1; }; done

clean:
	rm -rf build build-asan build-vg build-fuzz tidings

-include $(wildcard $(B)/*.d $(B)/tests/*.d $(B)/bench/*.d)
