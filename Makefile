# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# make            libbtfids.a and the btfids command, in build/
# make example    bootstrap, then run btfids on the bundled example
# make check      bootstrap, then every test (the CI entry point)
# make pahole     pahole from DWARVES_SRC with dwarves-patches/ (build/pahole)
#                 and stock (build/pahole-stock); make pahole-1.31 likewise;
#                 make pahole-tree: btfids, the plugin and pahole against the
#                 kernel tree's libbpf 1.8 (build/tree, build/pahole-tree);
#                 make pahole-embedded: upstream's default build, libbpf
#                 bundled (build/pahole-embedded)
# make check-kernel  the differential test on Debian's 7.2 and 7.3 kernels
#                 (heavy)
# make check-boot Linux 7.2 and 7.3 built two-step and in one pahole run,
#                 booted in qemu (heavy: about 20 minutes)
# make bench      btfids against resolve_btfids on a real kernel (heavy)
# make bench-boot the check-boot kernel's BTF steps, two steps vs one run
# make install    btfids to PREFIX/bin, btfids.so to PLUGINDIR (pahole's)
# make debian-patches  dwarves-patches/ with DEP-3 fields, for debian/patches
# V=1             print whole compiler command lines

TOP	:= $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD	:= $(TOP)/build
CONFIG	:= $(BUILD)/config.mk

-include $(CONFIG)

CC	?= cc
CFLAGS	?= -O2 -g
WARN	:= -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
BASE_CFLAGS := -std=gnu11 -fPIC $(WARN) -I$(TOP)/plugin/include $(LIBBPF_CFLAGS)

LIB_SRCS := $(wildcard $(TOP)/plugin/lib/*.c)
LIB_OBJS := $(patsubst $(TOP)/plugin/lib/%.c,$(BUILD)/obj/lib/%.o,$(LIB_SRCS))
LIB_HDRS := $(wildcard $(TOP)/plugin/lib/*.h) $(wildcard $(TOP)/plugin/include/btfids*.h)

LIBBTFIDS := $(BUILD)/libbtfids.a
BTFIDS	  := $(BUILD)/btfids
# The pahole plugin: the same library, symbols hidden but the plugin's
# entry point, libbpf left to pahole's own copy (never linked in).
PLUGIN	  := $(BUILD)/btfids.so
PLUGIN_OBJS := $(patsubst $(TOP)/plugin/lib/%.c,$(BUILD)/obj/plugin/%.o,$(LIB_SRCS))

UNIT_TESTS := $(BUILD)/tests/unit/test_stages

PREFIX	  ?= /usr/local
LIBDIR	  ?= $(PREFIX)/lib
# must match the PAHOLE_PLUGIN_DIR pahole was built with
PLUGINDIR ?= $(LIBDIR)/dwarves/plugins
MANDIR	  ?= $(PREFIX)/share/man

# The dwarves sources pahole is built from (scripts/pahole.sh): a tarball
# or a source directory; by default the snapshots in ../shared/dwarves.
DWARVES_DIR ?= $(abspath $(TOP)/../shared/dwarves)
DWARVES_SRC ?= $(DWARVES_DIR)/dwarves-1436daf.tar.gz
DWARVES_131 ?= $(DWARVES_DIR)/dwarves-1.31.tar.gz
PAHOLE_SH   := bash $(TOP)/scripts/pahole.sh

# kbuild's way: one short line per step ("  CC      build/obj/lib/collect.o"),
# the whole command with V=1, nothing with make -s
ifeq ($(V),1)
Q :=
say := @true
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
Q := @
say := @true
else
Q := @
say = @printf '  %-7s %s\n' $(1) '$(patsubst $(TOP)/%,%,$(2))';
endif

.PHONY: all bootstrap example check check-kernel check-boot bench bench-boot bench-kernel deb-sid clean unit-tests install
.PHONY: pahole pahole-1.31 pahole-tree pahole-embedded paholes debian-patches

all: $(BTFIDS) $(PLUGIN)

unit-tests: $(UNIT_TESTS)

$(CONFIG):
	@bash $(TOP)/scripts/bootstrap.sh packages apt libbpf

$(BUILD)/obj/lib/%.o: $(TOP)/plugin/lib/%.c $(LIB_HDRS) | $(CONFIG)
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/plugin/%.o: $(TOP)/plugin/lib/%.c $(LIB_HDRS) | $(CONFIG)
	@mkdir -p $(dir $@)
	$(call say,CC,$@)
	$(Q)$(CC) $(BASE_CFLAGS) -fvisibility=hidden $(CFLAGS) -c -o $@ $<

$(PLUGIN): $(TOP)/plugin/pahole/btfids_plugin.c $(TOP)/plugin/include/pahole_btf_plugin.h $(PLUGIN_OBJS)
	$(call say,LD,$@)
	$(Q)$(CC) $(BASE_CFLAGS) -fvisibility=hidden $(CFLAGS) $(LDFLAGS) -shared -o $@ $< $(PLUGIN_OBJS) -lelf

$(LIBBTFIDS): $(LIB_OBJS)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)ar rcs $@ $^

# The command: resolve_btfids' command line and the verbs of its own
# (main.c), built against the library's public headers only.
CMD_SRCS := $(wildcard $(TOP)/plugin/btfids/*.c)
$(BTFIDS): $(CMD_SRCS) $(wildcard $(TOP)/plugin/btfids/*.h) $(LIBBTFIDS) $(LIB_HDRS)
	$(call say,CCLD,$@)
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(CMD_SRCS) $(LIBBTFIDS) $(LIBBPF_LIBS)

$(BUILD)/tests/unit/%: $(TOP)/tests/unit/%.c $(LIBBTFIDS) $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(call say,CCLD,$@)
	$(Q)$(CC) $(BASE_CFLAGS) -I$(TOP)/plugin/lib $(CFLAGS) -o $@ $< $(LIBBTFIDS) $(LIBBPF_LIBS)

bootstrap:
	@bash $(TOP)/scripts/bootstrap.sh

pahole: $(PLUGIN)
	@DWARVES_SRC='$(DWARVES_SRC)' OUT=$(BUILD)/pahole $(PAHOLE_SH)
	@DWARVES_SRC='$(DWARVES_SRC)' OUT=$(BUILD)/pahole-stock PATCHES=none $(PAHOLE_SH)

pahole-1.31: $(PLUGIN)
	@DWARVES_SRC='$(DWARVES_131)' OUT=$(BUILD)/pahole-1.31 $(PAHOLE_SH)
	@DWARVES_SRC='$(DWARVES_131)' OUT=$(BUILD)/pahole-1.31-stock PATCHES=none $(PAHOLE_SH)

# The same, built against the kernel tree's libbpf 1.8 (bootstrap step
# libbpf-tree): btfids and the plugin in build/tree, pahole in
# build/pahole-tree (patched) and build/pahole-tree-stock.
TREE := $(BUILD)/tree

pahole-tree:
	@$(MAKE) --no-print-directory BUILD=$(TREE) all
	@BUILD=$(TREE) DWARVES_SRC='$(DWARVES_SRC)' OUT=$(BUILD)/pahole-tree $(PAHOLE_SH)
	@BUILD=$(TREE) DWARVES_SRC='$(DWARVES_SRC)' OUT=$(BUILD)/pahole-tree-stock PATCHES=none $(PAHOLE_SH)

# Upstream's default build (cmake defaults: LIBBPF_EMBEDDED=ON, the
# bootstrap's libbpf source bundled), as Fedora's dwarves package builds
# it: libdwarves then carries libbpf, and the plugin calls that copy.
pahole-embedded: $(PLUGIN)
	@DWARVES_SRC='$(DWARVES_SRC)' OUT=$(BUILD)/pahole-embedded EMBEDDED=1 $(PAHOLE_SH)
	@DWARVES_SRC='$(DWARVES_SRC)' OUT=$(BUILD)/pahole-embedded-stock EMBEDDED=1 PATCHES=none $(PAHOLE_SH)

# dwarves-patches/ as Debian carries them: DEP-3 fields added, a series
debian-patches:
	@bash $(TOP)/scripts/debian-patches.sh $(BUILD)/debian-patches

# Every pahole whose dwarves source is here; without one the plugin
# suites say why they cannot run.
paholes:
	@if [ -e '$(DWARVES_SRC)' ]; then $(MAKE) --no-print-directory pahole pahole-tree pahole-embedded; \
	else echo "pahole: no dwarves source at $(DWARVES_SRC) (set DWARVES_SRC): plugin suites will be skipped"; fi
	@if [ -e '$(DWARVES_131)' ]; then $(MAKE) --no-print-directory pahole-1.31; fi

# only what the example runs: libbpf, Linux 7.2's resolve_btfids to compare
# with, sid's pahole (without a dwarves source), the patched pahole
example:
	@bash $(TOP)/scripts/bootstrap.sh packages apt libbpf ksrc oracle-tree oracle pahole
	@$(MAKE) --no-print-directory all
	@if [ -e '$(DWARVES_SRC)' ]; then $(MAKE) --no-print-directory pahole; \
	else echo "pahole: no dwarves source at $(DWARVES_SRC) (set DWARVES_SRC): the example uses sid's pahole"; fi
	@bash $(TOP)/scripts/example.sh

check: bootstrap
	@$(MAKE) --no-print-directory all paholes
	@bash $(TOP)/tests/run-all.sh

check-boot: bootstrap
	@$(MAKE) --no-print-directory all pahole pahole-tree
	@rc=0; bash $(TOP)/tests/boot/run.sh || rc=1; \
	KERNEL=7.3 bash $(TOP)/tests/boot/run.sh || rc=1; exit $$rc

bench-boot: check-boot
	@bash $(TOP)/bench/boot/run.sh

check-kernel: bootstrap
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory BUILD=$(TREE) all
	@rc=0; bash $(TOP)/tests/kernel/run.sh || rc=1; \
	KERNEL=7.3 bash $(TOP)/tests/kernel/run.sh || rc=1; exit $$rc

bench: bootstrap
	@$(MAKE) --no-print-directory all
	@bash $(TOP)/bench/run.sh

# debian/: the packages built, installed and autopkgtested in a sid chroot.
deb-sid:
	@bash $(TOP)/scripts/deb-sid.sh

# The whole Debian cloud kernel, two-step against single run (about 20 min).
bench-kernel: bootstrap
	@$(MAKE) --no-print-directory all pahole
	@bash $(TOP)/bench/kernel/run.sh

install: $(BTFIDS) $(PLUGIN)
	install -D -m 0755 $(BTFIDS) $(DESTDIR)$(PREFIX)/bin/btfids
	install -D -m 0644 $(PLUGIN) $(DESTDIR)$(PLUGINDIR)/btfids.so
	install -D -m 0644 $(TOP)/man/btfids.1 $(DESTDIR)$(MANDIR)/man1/btfids.1

clean:
	rm -rf $(BUILD)/obj $(LIBBTFIDS) $(BTFIDS) $(PLUGIN)

# --- fuzzing and sanitizers ---
# make fuzz        libFuzzer harnesses (tests/fuzz/run.sh), FUZZ_BUDGET
#                  seconds of fuzzing (default 600) split over the harnesses
# make fuzz-short  the same, 20 s per harness (for CI)
# make sanitize    every suite against an ASan+UBSan build in build/asan
# make valgrind    memcheck of build/btfids on the real kernel input of
#                  make check-kernel (skips when it is absent)
FUZZ_BUDGET ?= 600

.PHONY: fuzz fuzz-short sanitize valgrind

fuzz: | $(CONFIG)
	@FUZZ_BUDGET=$(FUZZ_BUDGET) bash $(TOP)/tests/fuzz/run.sh

fuzz-short: | $(CONFIG)
	@FUZZ_BUDGET= FUZZ_SECONDS=20 bash $(TOP)/tests/fuzz/run.sh

sanitize: | $(CONFIG)
	@bash $(TOP)/tests/sanitize/run.sh

valgrind: $(BTFIDS)
	@bash $(TOP)/tests/sanitize/valgrind.sh
