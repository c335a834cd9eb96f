#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# pahole.sh - build pahole from a dwarves source with dwarves-patches/
# applied, against the bootstrap's libbpf, and install this project's
# plugin where that pahole looks (`make pahole`).
#
# Usage: scripts/pahole.sh [STEP...]
#
# Steps (default: all, in this order):
#   source    unpack DWARVES_SRC into OUT/src and apply dwarves-patches/
#             (quilt order, dwarves-patches/series); PATCHES=none: stock
#   cmake     configure: -DLIBBPF_EMBEDDED=OFF against build/libbpf,
#             PAHOLE_PLUGIN_DIR=OUT/lib/dwarves/plugins; EMBEDDED=1:
#             upstream's default (LIBBPF_EMBEDDED=ON), with the libbpf
#             source the bootstrap unpacked (build/src/libbpf-VERSION,
#             Debian's) copied into lib/bpf, as a release tarball has it
#   build     make and make install into OUT
#   plugin    build/btfids.so into OUT's plugin directory, and OUT/pahole,
#             the one wrapper that runs that pahole with its own libdwarves
#   check     OUT/pahole --version, and --resolve_btfids --version exits 0
#             (patched builds only)
#
# Environment:
#   DWARVES_SRC   a dwarves tarball (.tar.gz/.tar.xz, one top directory) or
#                 source directory; default ../shared/dwarves/dwarves-1436daf.tar.gz
#                 from the project root
#   OUT           build directory (default build/pahole)
#   PATCHES       "none" builds stock pahole (no series, no plugin)
#   EMBEDDED      1: pahole with its bundled libbpf (see cmake)
#   BUILD, JOBS   as for scripts/bootstrap.sh
# Every step is cached on a stamp of its inputs (the source's hash, the
# patches, libbpf); exit 1 with the log's tail on failure.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=${BUILD:-$TOP/build}
OUT=${OUT:-$B/pahole}
DWARVES_SRC=${DWARVES_SRC:-$TOP/../shared/dwarves/dwarves-1436daf.tar.gz}
PATCHES=${PATCHES:-$TOP/dwarves-patches}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
CONFIG_MK=$B/config.mk
PLUGIN_SO=$B/btfids.so
PLUGIN_DIR=$OUT/lib/dwarves/plugins

STEPS=(source cmake build plugin check)
STEPS_PREFIX="pahole ($(basename "$OUT"))"
STAMPS=$OUT/stamps
LOGS=$OUT/logs
STEPS_LOCK=$OUT/.lock
# shellcheck source=scripts/lib/steps.sh
. "$TOP/scripts/lib/steps.sh"

unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES CFLAGS LDFLAGS

patched() { [ "$PATCHES" != none ]; }

# A stable name for DWARVES_SRC's contents: a tarball's hash, or for a
# directory the hash of its files' names, sizes and times (.git aside).
src_key()
{
	if [ -f "$DWARVES_SRC" ]; then
		sha256sum < "$DWARVES_SRC" | cut -c1-16
	else
		(cd "$DWARVES_SRC" && find . -path ./.git -prune -o -type f \
			-printf '%P %s %T@\n' | LC_ALL=C sort | sha256sum | cut -c1-16)
	fi
}

series_key()
{
	patched || { echo stock; return; }
	(cd "$PATCHES" && cat series $(grep -v '^#' series) | sha256sum | cut -c1-16)
}

embedded() { [ -n "${EMBEDDED:-}" ]; }

# The libbpf source a bundled build takes: the one the bootstrap built.
libbpf_src() { echo "$B/src/libbpf-$(sed -n 's/^LIBBPF_VERSION := //p' "$CONFIG_MK")"; }

source_key() { echo "$(src_key) $(series_key)$(embedded && echo " $(libbpf_src)")"; }

libbpf_key() { sed -n 's/^LIBBPF_\(VERSION\|LIBS\) := //p' "$CONFIG_MK" | tr '\n' ' '; }

# ---------------------------------------------------------------- source

source_desc()
{
	echo "$(basename "$DWARVES_SRC")$(patched && echo " + $(grep -vc '^#' "$PATCHES/series") patches")$(embedded && echo " + $(basename "$(libbpf_src)") in lib/bpf")"
}

source_cached()
{
	stamp_ok source "$(source_key)" && [ -f "$OUT/src/CMakeLists.txt" ]
}

source_build()
{
	local tmp=$OUT/src.tmp p

	rm -rf "$tmp" && mkdir -p "$tmp"
	if [ -f "$DWARVES_SRC" ]; then
		tar -xf "$DWARVES_SRC" -C "$tmp" --strip-components=1
	else
		(cd "$DWARVES_SRC" && tar -cf - --exclude=./.git --exclude=./build .) |
			tar -xf - -C "$tmp"
	fi
	[ -f "$tmp/pahole.c" ] || steps_die "$DWARVES_SRC holds no dwarves source (no pahole.c)"
	if patched; then
		for p in $(grep -v '^#' "$PATCHES/series"); do
			echo "applying $p"
			patch -d "$tmp" -p1 -s --no-backup-if-mismatch < "$PATCHES/$p"
		done
	fi
	if embedded; then
		[ -f "$(libbpf_src)/src/btf.h" ] || steps_die "no libbpf source at $(libbpf_src) (scripts/bootstrap.sh libbpf)"
		rm -rf "$tmp/lib/bpf" && mkdir -p "$tmp/lib/bpf" &&
			cp -a "$(libbpf_src)/src" "$(libbpf_src)/include" "$tmp/lib/bpf/"
	fi
	rm -rf "$OUT/src"
	mv "$tmp" "$OUT/src"
	stamp_write source "$(source_key)"
}

# ---------------------------------------------------------------- cmake

cmake_key() { echo "$(source_key) $(libbpf_key) $OUT"; }

cmake_desc()
{
	if embedded; then
		echo "configure (cmake defaults: libbpf $(sed -n 's/^LIBBPF_VERSION := //p' "$CONFIG_MK") bundled, LIBBPF_EMBEDDED=ON)"
	else
		echo "configure (libbpf $(sed -n 's/^LIBBPF_VERSION := //p' "$CONFIG_MK"), -DLIBBPF_EMBEDDED=OFF)"
	fi
}

cmake_cached()
{
	stamp_ok cmake "$(cmake_key)" && [ -f "$OUT/obj/Makefile" ]
}

cmake_build()
{
	local pc

	pc=$(sed -n 's/^LIBBPF_CFLAGS := -I\(.*\)\/include$/\1/p' "$CONFIG_MK")/lib/pkgconfig
	rm -rf "$OUT/obj" && mkdir -p "$OUT/obj"
	if embedded; then
		cmake -S "$OUT/src" -B "$OUT/obj" \
			-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX="$OUT" \
			-DCMAKE_INSTALL_LIBDIR=lib -DPAHOLE_PLUGIN_DIR="$PLUGIN_DIR"
	else
		PKG_CONFIG_PATH=$pc${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH} \
			cmake -S "$OUT/src" -B "$OUT/obj" -DLIBBPF_EMBEDDED=OFF \
			-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX="$OUT" \
			-DCMAKE_INSTALL_LIBDIR=lib -DPAHOLE_PLUGIN_DIR="$PLUGIN_DIR"
	fi
	stamp_write cmake "$(cmake_key)"
}

# ---------------------------------------------------------------- build

build_desc() { echo "build and install into ${OUT#"$TOP"/}"; }

build_cached()
{
	stamp_ok build "$(cmake_key)" && [ -x "$OUT/bin/pahole" ]
}

build_build()
{
	make -C "$OUT/obj" -j"$JOBS" install
	stamp_write build "$(cmake_key)"
}

# ---------------------------------------------------------------- plugin

plugin_desc()
{
	if patched; then
		echo "plugin ${PLUGIN_SO#"$TOP"/} into ${PLUGIN_DIR#"$TOP"/}, wrapper ${OUT#"$TOP"/}/pahole"
	else
		echo "wrapper ${OUT#"$TOP"/}/pahole (stock: no plugin)"
	fi
}

plugin_cached()
{
	[ -x "$OUT/pahole" ] && [ "$(wrapper_text)" = "$(cat "$OUT/pahole")" ] || return 1
	patched || return 0
	cmp -s "$PLUGIN_SO" "$PLUGIN_DIR/btfids.so"
}

wrapper_text()
{
	cat <<EOF
#!/bin/sh
# Generated by scripts/pahole.sh: pahole from $(basename "$DWARVES_SRC")$(patched && echo " with dwarves-patches/"),
# with the libdwarves it was built with.
LD_LIBRARY_PATH='$OUT/lib'\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH} exec '$OUT/bin/pahole' "\$@"
EOF
}

write_wrapper()
{
	wrapper_text > "$OUT/pahole.tmp"
	chmod 755 "$OUT/pahole.tmp"
	mv "$OUT/pahole.tmp" "$OUT/pahole"
}

plugin_build()
{
	if patched; then
		[ -f "$PLUGIN_SO" ] || steps_die "no $PLUGIN_SO (run make first)"
		install -D -m 0644 "$PLUGIN_SO" "$PLUGIN_DIR/btfids.so.tmp"
		mv "$PLUGIN_DIR/btfids.so.tmp" "$PLUGIN_DIR/btfids.so"
	fi
	write_wrapper
}

# ---------------------------------------------------------------- check

check_desc() { echo "check $(basename "$OUT")/pahole"; }

check_cached() { return 1; }

check_build()
{
	"$OUT/pahole" --version
	if patched; then
		"$OUT/pahole" --resolve_btfids --version ||
			steps_die "$OUT/pahole --resolve_btfids --version failed"
	fi
}

[ -e "$DWARVES_SRC" ] || { echo "pahole: no dwarves source at $DWARVES_SRC (set DWARVES_SRC)" >&2; exit 3; }
DWARVES_SRC=$(cd "$(dirname "$DWARVES_SRC")" && pwd)/$(basename "$DWARVES_SRC")
[ -f "$CONFIG_MK" ] || steps_die "no $CONFIG_MK (run scripts/bootstrap.sh libbpf)"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PLUGIN_DIR=$OUT/lib/dwarves/plugins
STAMPS=$OUT/stamps LOGS=$OUT/logs STEPS_LOCK=$OUT/.lock
steps_main "$@"
