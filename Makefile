# ctop: see README.md. "make" builds ./ctop, "make check" installs what is
# missing, builds, and runs every test twice (plain, then under ASan/UBSan).

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS ?= libmnl ncursesw

# O is the build directory; SAN=1 builds with the sanitizers.
O ?= build
CFLAGS ?= -O2 -g
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ifeq ($(SAN),1)
CFLAGS += $(SANFLAGS)
LDFLAGS += $(SANFLAGS)
endif

# A package pkg-config cannot find is named and the build stops, rather
# than go on with every flag lost. Goals that install or clean need none.
NOPKG_GOALS := deps check demo clean uninstall deps-cross static build-static%
ifneq ($(filter-out $(NOPKG_GOALS),$(or $(MAKECMDGOALS),all)),)
ifeq ($(shell command -v $(PKG_CONFIG)),)
$(error $(PKG_CONFIG) not found: install pkg-config (Debian: make deps))
endif
PKG_MISSING := $(strip $(foreach p,$(PKGS),$(if $(shell $(PKG_CONFIG) --exists $(p) && echo y),,$(p))))
ifneq ($(PKG_MISSING),)
$(error $(PKG_CONFIG) cannot find: $(PKG_MISSING) (Debian: make deps installs them; else set PKG_CONFIG_PATH))
endif
endif
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
# _FILE_OFFSET_BITS: 64-bit offsets and inode numbers on 32-bit hosts too
# (readdir and stat fail with EOVERFLOW on large inode numbers otherwise).
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -Wall -Wextra -Werror -MMD -MP \
	-Isrc $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS)
LIBS = $(PKG_LIBS) -lpthread

# Everything but main.c goes into a library the tests link against.
LIB_SRC := $(filter-out src/main.c,$(wildcard src/*.c src/tui/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(O)/%.o)
MAIN_OBJ := $(O)/src/main.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
# Every fuzz harness is also a unit test replaying its inputs (see fuzz).
FUZZ_NAMES := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_REPLAY := $(FUZZ_NAMES:%=$(O)/tests/test_fuzz_%)
TOOLS := $(O)/tests/ctload $(O)/bench/mnldump $(O)/bench/frgen $(O)/bench/ctget $(O)/bench/lookup \
	$(O)/tests/lookup_cut \
	$(O)/bench/order

# Debian packages: build, tests (kernel, tmux), benchmarks.
DEB_BUILD := gcc make pkg-config libmnl-dev libncurses-dev libcmocka-dev
DEB_TEST := iproute2 conntrack nftables tmux jq python3 procps nfct python3-prometheus-client \
	prometheus-node-exporter prometheus curl
# The fuzzers: clang and its sanitizer/libFuzzer runtime (make fuzz).
DEB_TEST += clang libclang-rt-dev
# The router test bed (tests/bed.sh): an FTP server for the helper's
# expectations; the client is Python's ftplib. test_nfct's oracle.
DEB_TEST += python3-pyftpdlib libnetfilter-conntrack-dev
# Compressed input (ctop -R table.gz): the tools it runs, for test_unzip.
DEB_TEST += gzip xz-utils zstd
DEB_PKGS := $(DEB_BUILD) $(DEB_TEST)

# Cross builds and musl (tests/cross/run, make musl): compilers, qemu-user.
DEB_CROSS := musl-tools file qemu-user-static gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
	gcc-arm-linux-gnueabihf libc6-dev-armhf-cross gcc-s390x-linux-gnu libc6-dev-s390x-cross
DEB_PKGS += $(DEB_CROSS)
# The Debian package and its checks (tests/pkg/deb.sh).
DEB_PKGS += dpkg-dev debhelper lintian

.PHONY: all deps check test unit asan install uninstall clean demo bench fuzz fuzz-build \
	musl static static-cross cross deps-cross
all: ctop

ctop: $(O)/ctop
	@if [ "$(O)" = build ]; then cp -f $(O)/ctop ctop; fi

$(O)/ctop: $(MAIN_OBJ) $(O)/libctop.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(O)/libctop.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/tests/test_%: tests/unit/test_%.c $(O)/libctop.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(O)/libctop.a -lcmocka $(LIBS)

# The differential test has libnetfilter_conntrack as its oracle; ctop
# itself does not link the library.
$(O)/tests/test_nfct: tests/unit/test_nfct.c $(O)/libctop.a
	@$(PKG_CONFIG) --exists libnetfilter_conntrack || { echo "test_nfct:" \
		"$(PKG_CONFIG) finds no libnetfilter_conntrack (Debian: make deps)" >&2; exit 1; }
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $$($(PKG_CONFIG) --cflags libnetfilter_conntrack) -Itests/unit \
		$(LDFLAGS) -o $@ $< $(O)/libctop.a -lcmocka \
		$$($(PKG_CONFIG) --libs libnetfilter_conntrack) $(LIBS)

$(O)/tests/ctload: tests/ctload.c $(O)/libctop.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libctop.a $(LIBS)

$(O)/bench/frgen: bench/frgen.c $(O)/libctop.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libctop.a $(LIBS)

$(O)/bench/ctget: bench/ctget.c $(O)/libctop.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libctop.a $(LIBS)

$(O)/bench/lookup: bench/lookup.c $(O)/libctop.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libctop.a $(LIBS)

# bench/lookup with room for 100 bytes an answer: every batched GET's
# answer is cut and read again alone (tests/kernel/zones.sh).
$(O)/tests/lookup_cut: bench/lookup.c src/source.c $(O)/libctop.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DGET_ANS_MAX=100 $(LDFLAGS) -o $@ bench/lookup.c \
		src/source.c $(O)/libctop.a $(LIBS)

$(O)/bench/order: bench/order.c $(O)/libctop.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(O)/libctop.a $(LIBS)

$(O)/bench/mnldump: bench/mnldump.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS)

unit: $(UNIT_BIN) $(FUZZ_REPLAY)
test: all $(UNIT_BIN) $(FUZZ_REPLAY) $(TOOLS)
	tests/run $(O)

deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root to install:" $$missing >&2; exit 1; fi; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

check: deps
	$(MAKE) test
	$(MAKE) O=build-asan SAN=1 test
	$(MAKE) fuzz FUZZ_SECONDS=$(FUZZ_CHECK_SECONDS)
	$(MAKE) musl
	$(MAKE) cross CROSS_TARGETS="$(CHECK_CROSS)"

# The demo installs what it needs first: it is the README's first command.
demo: deps
	$(MAKE) all $(TOOLS)
	tests/demo $(O)

bench: all $(TOOLS)
	bench/run

# ---- fuzzing: one libFuzzer harness per file fuzz/fuzz_NAME.c ----
# make fuzz builds each with clang and the sanitizers in build-fuzz/ and
# runs it FUZZ_SECONDS on its seeds fuzz/corpus/NAME/ (make check: a
# short pass). Each harness is also a plain unit test, BUILD/tests/
# test_fuzz_NAME, that replays its seeds and the crashes found so far
# (tests/data/fuzz/NAME/) in every build. See fuzz/README.md.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 15
FUZZ_O := build-fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer

$(O)/tests/test_fuzz_%: fuzz/fuzz_%.c fuzz/replay.c fuzz/fuzz.h $(O)/libctop.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ifuzz -DFUZZ_NAME='"$*"' $(LDFLAGS) -o $@ $< fuzz/replay.c $(O)/libctop.a $(LIBS)

$(O)/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(O)/libctop.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ifuzz -fsanitize=fuzzer $(LDFLAGS) -o $@ $< $(O)/libctop.a $(LIBS)

fuzz-build:
	$(MAKE) O=$(FUZZ_O) CC=$(FUZZ_CC) LDFLAGS="$(FUZZ_SAN)" \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
		$(FUZZ_NAMES:%=$(FUZZ_O)/fuzz/fuzz_%)

fuzz: fuzz-build
	fuzz/run $(FUZZ_O) $(FUZZ_SECONDS) $(FUZZ_NAMES)

install: $(O)/ctop
	install -D -m 0755 $(O)/ctop $(DESTDIR)$(SBINDIR)/ctop
	install -D -m 0644 man/ctop.8 $(DESTDIR)$(MANDIR)/man8/ctop.8
	install -D -m 0644 completion/ctop $(DESTDIR)$(BASHCOMPDIR)/ctop

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/ctop $(DESTDIR)$(MANDIR)/man8/ctop.8 \
		$(DESTDIR)$(BASHCOMPDIR)/ctop

# ---- other C libraries and architectures ----
# musl: every source file compiles with musl-gcc, against musl's own libc
# headers and, of the system's, only the libraries' and the kernel's (a
# private include directory of links). The flags are OpenWrt's for size.
# Linking needs libmnl and ncursesw built for musl, which Debian does not
# ship: "make static MUSL_DEPS=DIR" links a static ctop against
# DIR/include and DIR/lib (README, "On a router").
MUSL_CC ?= musl-gcc
MUSL_O := build-musl
MUSL_CFLAGS ?= -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
MUSL_HDRS := libmnl curses.h ncurses.h ncurses_dll.h term.h unctrl.h ncursesw \
	cmocka.h libnetfilter_conntrack libnfnetlink
# The kernel's headers (linux/, asm-generic/, and asm/ there or under the
# host's triplet): the host's, or a cross target's (make static-cross).
MUSL_KINC ?= /usr/include
MUSL_DEPS ?=
MUSL_SRC := $(LIB_SRC) src/main.c $(UNIT_SRC) tests/ctload.c bench/mnldump.c
MUSL_OBJ := $(MUSL_SRC:%.c=$(MUSL_O)/%.o)
MUSL_ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600 \
	-Wall -Wextra -Werror -MMD -MP -Isrc -Itests/unit \
	$(if $(MUSL_DEPS),-isystem $(MUSL_DEPS)/include) -isystem $(MUSL_O)/include \
	$(MUSL_CFLAGS)

musl: $(MUSL_OBJ)
	@echo "musl: $(words $(MUSL_OBJ)) files compile with $(MUSL_CC) $(MUSL_CFLAGS)"

$(MUSL_O)/include/.made:
	@command -v $(MUSL_CC) >/dev/null || \
		{ echo "make musl: no $(MUSL_CC) (make deps installs musl-tools)" >&2; exit 1; }
	@rm -rf $(MUSL_O)/include && mkdir -p $(MUSL_O)/include
	@for h in $(MUSL_HDRS); do ln -s /usr/include/$$h $(MUSL_O)/include/$$h; done
	@for h in linux asm-generic; do ln -s $(MUSL_KINC)/$$h $(MUSL_O)/include/$$h; done
	@if [ -d $(MUSL_KINC)/asm ]; then ln -s $(MUSL_KINC)/asm $(MUSL_O)/include/asm; \
		else ln -s $(MUSL_KINC)/$$(gcc -dumpmachine)/asm $(MUSL_O)/include/asm; fi
	@touch $@

$(MUSL_O)/%.o: %.c $(MUSL_O)/include/.made
	@mkdir -p $(dir $@)
	@$(MUSL_CC) $(MUSL_ALL_CFLAGS) -c -o $@ $< || \
		{ echo "musl: $< does not compile: $(MUSL_CC) $(MUSL_ALL_CFLAGS)" >&2; exit 1; }

# make static MUSL_DEPS=DIR: a static, stripped ctop in build-static/,
# compiled against DIR/include (libmnl, ncursesw's curses.h) and, of the
# system's headers, the kernel's only, so that a header missing from DIR
# stops the build instead of glibc's curses.h being used in its place.
# The recipe for DIR: README, "On a router"; tools/musl-deps builds it.
STATIC_O := build-static
STATIC_LIBS := -lmnl -lncursesw
MUSL_LIB_OBJ := $(LIB_SRC:%.c=$(MUSL_O)/%.o) $(MUSL_O)/src/main.o
static:
	@[ -n "$(MUSL_DEPS)" ] || { echo "make static: set MUSL_DEPS to a prefix with libmnl and" \
		"ncursesw built for musl (README, \"On a router\"; tools/musl-deps builds one)" >&2; exit 2; }
	@for f in lib/libmnl.a lib/libncursesw.a include/libmnl/libmnl.h include/curses.h; do \
		[ -e "$(MUSL_DEPS)/$$f" ] || { echo "make static: $(MUSL_DEPS)/$$f is missing" \
		"(MUSL_DEPS needs libmnl and ncursesw built for musl: README, \"On a router\")" >&2; exit 2; }; done
	$(MAKE) MUSL_O=$(STATIC_O) MUSL_HDRS= MUSL_DEPS="$(abspath $(MUSL_DEPS))" \
		$(STATIC_O)/ctop
	@ls -l $(STATIC_O)/ctop

$(STATIC_O)/ctop: $(MUSL_LIB_OBJ)
	$(MUSL_CC) -static -Wl,--gc-sections -s -o $@ $^ -L$(MUSL_DEPS)/lib $(STATIC_LIBS)

# make static-cross MUSL_ARCH=ARCH MUSL_DEPS=DIR: the same for ARCH of
# tests/cross/targets (arm64, armhf), in build-static-ARCH/, with
# Debian's musl for ARCH and the cross gcc (tools/musl-cross) and DIR
# made by "MUSL_ARCH=ARCH tools/musl-deps". The binary then replays a
# recording under qemu-user and must print the native build's table.
# Not in make check: DIR needs sources Debian does not give.
MUSL_ARCH ?= arm64
X_TRIPLET = $(shell awk '$$1 == "$(MUSL_ARCH)" { print $$2 }' tests/cross/targets)
X_QEMU = qemu-$(shell awk '$$1 == "$(MUSL_ARCH)" { print $$3 }' tests/cross/targets)-static
static-cross: $(O)/ctop
	@[ -n "$(X_TRIPLET)" ] || { echo "make static-cross: MUSL_ARCH=$(MUSL_ARCH) is not in tests/cross/targets" >&2; exit 2; }
	$(MAKE) static MUSL_O=build-static-$(MUSL_ARCH) STATIC_O=build-static-$(MUSL_ARCH) \
		MUSL_CC="$$(tools/musl-cross $(MUSL_ARCH) build-cross/musl)" \
		MUSL_KINC=/usr/$(X_TRIPLET)/include
	@file build-static-$(MUSL_ARCH)/ctop
	$(X_QEMU) build-static-$(MUSL_ARCH)/ctop --replay tests/data/dump-all.nl -1 -o csv \
		>build-static-$(MUSL_ARCH)/replay.csv
	$(O)/ctop --replay tests/data/dump-all.nl -1 -o csv | cmp - build-static-$(MUSL_ARCH)/replay.csv
	@echo "static-cross: $(MUSL_ARCH) static ctop, $$(stat -c %s build-static-$(MUSL_ARCH)/ctop) bytes" \
		"stripped, replays $$(wc -l <build-static-$(MUSL_ARCH)/replay.csv) lines as the native build"

# Cross builds for the targets in tests/cross/targets, unit tests under
# qemu-user, recordings across byte orders (tests/cross/run). The target
# libraries go in a sysroot under build-cross/ (tests/cross/sysroot).
# make check runs the big-endian target only (the one check nothing else
# gives, a few minutes under qemu); make cross runs them all.
CHECK_CROSS ?= s390x
CROSS_TARGETS ?= $(shell awk '!/^\#/ && NF { print $$1 }' tests/cross/targets)
deps-cross:
	tests/cross/sysroot build-cross/sysroot $(CROSS_TARGETS)

cross: $(O)/ctop $(O)/tests/test_recording
	NATIVE=$(O) tests/cross/run $(CROSS_TARGETS)

clean:
	rm -rf build build-asan build-musl build-static build-static-* build-cross $(FUZZ_O) ctop

# Header dependencies of the build and of the musl objects (a changed
# struct must not leave a stale object in a static link).
-include $(shell find $(O) $(MUSL_O) -name '*.d' 2>/dev/null)
