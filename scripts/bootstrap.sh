#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bootstrap.sh - fetch and build everything the tests compare against.
#
# Usage: scripts/bootstrap.sh [STEP...]
#
# Steps (default: all, always run in this order):
#   packages     Debian 12 system packages (apt-get, only the missing ones)
#   apt          private Debian sid apt lists (scripts/lib/apt-private.sh)
#   libbpf       libbpf 1.7: pkg-config if new enough, else a static -fPIC
#                build of Debian sid's source into build/libbpf; writes
#                build/config.mk
#   ksrc         Linux 7.2 source subset from Debian's linux-source-7.2
#   oracle-tree  stock resolve_btfids, built with the tree's own libbpf
#   oracle       the same, unmodified main.c linked against OUR libbpf
#   pahole       Debian sid's pahole 1.32 with its own libraries and loader,
#                run through the wrapper build/tools/pahole
#   libbpf-tree  the kernel tree's libbpf (1.8, which writes BTF layout
#                sections), static -fPIC into build/libbpf-tree, and
#                build/tree/config.mk: `make BUILD=build/tree` builds
#                btfids and the plugin against it
#   ksrc73       Linux 7.3 source subset from Debian experimental's
#                linux-source-7.3 (private apt lists for experimental)
#   oracle73-tree  Linux 7.3's stock resolve_btfids (its tree's libbpf)
#   oracle73     the same unmodified main.c against OUR libbpf
#
# Every step is idempotent: it is skipped ("cached") when its outputs exist
# and its stamp under build/stamps matches.  Logs go to build/logs/STEP.log.
# Environment: BUILD (build tree, default TOP/build), DL (downloads, default
# BUILD/dl), JOBS (parallel make jobs).

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=${BUILD:-$TOP/build}
DL=${DL:-$B/dl}
LOGS=$B/logs
STAMPS=$B/stamps
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

KVER=7.2
KSRC=$B/ksrc/linux-source-$KVER
LIBBPF_WANT=1.7
LIBBPF_PREFIX=$B/libbpf
PAHOLE_WANT=1.32
PAHOLE_DIR=$B/pahole-sid
ORACLE_TREE=$B/oracle-tree
ORACLE=$B/oracle
CONFIG_MK=$B/config.mk

KVER73=7.3
KSRC73=$B/ksrc/linux-source-$KVER73
ORACLE73_TREE=$B/oracle73-tree
ORACLE73=$B/oracle73

STEPS=(packages apt libbpf ksrc oracle-tree oracle pahole libbpf-tree ksrc73 oracle73-tree oracle73)
STEPS_PREFIX=bootstrap
STEPS_LOCK=$B/.bootstrap.lock

SYS_PACKAGES=(gcc make clang llvm lld libelf-dev zlib1g-dev pkg-config cmake libdw-dev
	      elfutils gcc-s390x-linux-gnu binutils-s390x-linux-gnu xz-utils
	      valgrind debian-archive-keyring libclang-rt-14-dev python3 strace quilt)

# pahole and the libraries it loads, all from Debian sid.
PAHOLE_DEBS=(pahole libdwarves1 libbpf1 libelf1t64 libdw1t64 libc6 zlib1g
	     libzstd1 liblzma5 libbz2-1.0)

# The small tools/lib helpers the stock build links into resolve_btfids.
TOOLS_LIB_OBJS=(rbtree zalloc string ctype str_error_r)

# Called from the project's Makefile, we would inherit its command-line
# variables and flags through MAKEFLAGS; keep the sub-builds stock.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES O OUTPUT V \
	CFLAGS CPPFLAGS LDFLAGS EXTRA_CFLAGS EXTRA_LDFLAGS

# shellcheck source=scripts/lib/steps.sh
. "$TOP/scripts/lib/steps.sh"

export APT_ROOT=${APT_ROOT:-$B/apt}
# shellcheck source=scripts/lib/apt-private.sh
. "$TOP/scripts/lib/apt-private.sh"
# shellcheck source=scripts/lib/debs.sh
. "$TOP/scripts/lib/debs.sh"

# ---------------------------------------------------------------------------
# helpers

die()
{
	steps_die "$@"
}

# Note: pipelines below use "grep ... >/dev/null", never "grep -q": with
# pipefail, grep -q quitting early kills the writer with SIGPIPE and the
# whole pipeline then reads as a failed match.

# need FILE STEP: fail clearly when an earlier step's output is missing.
need()
{
	[ -e "$1" ] || die "missing $1 (run: scripts/bootstrap.sh $2)"
}

# newest_dl GLOB: the highest version of a downloaded file, or nothing.
newest_dl()
{
	local f

	for f in "$DL"/$1; do
		if [ -e "$f" ]; then
			printf '%s\n' "$f"
		fi
	done | sort -V | tail -n 1
}

deb_file()
{
	newest_dl "${1}_*.deb"
}

deb_version()
{
	dpkg-deb -f "$1" Version
}

# Downloads (names) that are still absent from $DL.
missing_downloads()
{
	local p

	if ! libbpf_from_system && [ -z "$(newest_dl "libbpf_$LIBBPF_WANT*.dsc")" ]; then
		echo "libbpf-source"
	fi
	[ -n "$(deb_file "linux-source-$KVER")" ] || ksrc_cached ||
		echo "linux-source-$KVER"
	for p in "${PAHOLE_DEBS[@]}"; do
		[ -n "$(deb_file "$p")" ] || echo "$p"
	done
}

# fetch_debs PKG...: download binary packages from sid into $DL.
fetch_debs() { debs_fetch sid "$@"; }

# The system libbpf, when pkg-config knows one that is new enough and that
# is not our own build.
libbpf_from_system()
{
	local dir

	pkg-config --atleast-version="$LIBBPF_WANT" libbpf 2>/dev/null || return 1
	dir=$(pkg-config --variable=pcfiledir libbpf)
	case "$dir" in
	"$B"/*) return 1 ;;
	esac
}

config_get()
{
	sed -n "s/^$1 := //p" "$CONFIG_MK"
}

# ---------------------------------------------------------------------------
# step 1: system packages

missing_packages() { debs_missing "${SYS_PACKAGES[@]}"; }

packages_desc()
{
	echo "system packages"
}

packages_cached()
{
	[ -z "$(missing_packages)" ]
}

packages_build()
{
	local sudo='' missing

	missing=$(missing_packages)
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || die "not root and no sudo: install $missing"
		sudo=sudo
	fi
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	if ! $sudo apt-get install -y -q $missing; then
		$sudo apt-get update -q
		$sudo apt-get install -y -q $missing
	fi
}

# ---------------------------------------------------------------------------
# step 2: private apt lists

apt_desc()
{
	echo "private apt lists (Debian sid)"
}

# Fresh lists are kept for a day; stale ones only matter when something
# still has to be downloaded.
apt_cached()
{
	[ -n "$(find "$APT_ROOT/lists/.updated" -mtime -1 2>/dev/null)" ] ||
		[ -z "$(missing_downloads)" ]
}

apt_build()
{
	apt_private_update
	ls "$APT_ROOT"/lists/*_Packages* "$APT_ROOT"/lists/*_Sources* >/dev/null
}

# ---------------------------------------------------------------------------
# step 3: libbpf

libbpf_dsc()
{
	newest_dl "libbpf_$LIBBPF_WANT*.dsc"
}

# Upstream version of the sid source package, e.g. 1.7.0.
libbpf_src_version()
{
	local dsc

	dsc=$(libbpf_dsc)
	if [ -n "$dsc" ]; then
		sed -n 's/^Version: \([0-9.]*\).*/\1/p' "$dsc"
	else
		echo "$LIBBPF_WANT"
	fi
}

libbpf_key()
{
	if libbpf_from_system; then
		echo "system $(pkg-config --modversion libbpf)"
	else
		echo "static-fPIC $(libbpf_src_version) $LIBBPF_PREFIX"
	fi
}

libbpf_desc()
{
	if libbpf_from_system; then
		echo "libbpf $(pkg-config --modversion libbpf) (system, pkg-config)"
	else
		echo "libbpf $(libbpf_src_version) (static, -fPIC)"
	fi
}

libbpf_cached()
{
	stamp_ok libbpf "$(libbpf_key)" || return 1
	[ -f "$CONFIG_MK" ] || return 1
	libbpf_from_system && return 0
	[ -f "$LIBBPF_PREFIX/include/bpf/btf.h" ] &&
		[ -f "$LIBBPF_PREFIX/lib/libbpf.a" ] &&
		[ -f "$LIBBPF_PREFIX/lib/pkgconfig/libbpf.pc" ]
}

write_config_mk()
{
	local ver=$1 cflags=$2 libs=$3

	# pkg-config leaves a trailing blank; strip it.
	cflags=${cflags% } libs=${libs% }
	cat > "$CONFIG_MK.tmp" <<EOF
# Generated by scripts/bootstrap.sh (step libbpf); do not edit.
LIBBPF_VERSION := $ver
LIBBPF_CFLAGS := $cflags
LIBBPF_LIBS := $libs
EOF
	mv "$CONFIG_MK.tmp" "$CONFIG_MK"
}

libbpf_fetch_source()
{
	[ -n "$(libbpf_dsc)" ] && return 0
	apt_private_update
	(cd "$DL" && apt_private source --download-only libbpf)
	[ -n "$(libbpf_dsc)" ] ||
		die "Debian sid's libbpf source is not $LIBBPF_WANT.x"
}

# Unpack the upstream tarball (the Debian package carries no patches).
libbpf_extract()
{
	local ver=$1 src=$2 orig

	[ -f "$src/src/Makefile" ] && return 0
	orig=$(newest_dl "libbpf_$ver.orig.tar.*")
	[ -n "$orig" ] || die "no libbpf_$ver.orig.tar.* in $DL"
	rm -rf "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xf "$orig" -C "$src.tmp" --strip-components=1
	rm -rf "$src"
	mv "$src.tmp" "$src"
}

# check_pic LIB.a SCRATCHDIR: the static library must link, whole, into a
# shared object (gcc's default -fPIE code would not).
check_pic()
{
	${CC:-gcc} -shared -o "$2/pic-check.so" -Wl,--whole-archive "$1" \
		-Wl,--no-whole-archive -lelf -lz ||
		die "$1 does not link into a shared object: not built with -fPIC?"
	rm -f "$2/pic-check.so"
}

libbpf_build()
{
	local ver src obj

	if libbpf_from_system; then
		write_config_mk "$(pkg-config --modversion libbpf)" \
			"$(pkg-config --cflags libbpf)" \
			"$(pkg-config --libs --static libbpf)"
		stamp_write libbpf "$(libbpf_key)"
		return 0
	fi

	libbpf_fetch_source
	ver=$(libbpf_src_version)
	src=$B/src/libbpf-$ver
	obj=$B/src/libbpf-$ver-obj
	libbpf_extract "$ver" "$src"

	rm -rf "$LIBBPF_PREFIX" "$obj"
	mkdir -p "$obj"
	make -C "$src/src" -j"$JOBS" BUILD_STATIC_ONLY=y OBJDIR="$obj" \
		PREFIX="$LIBBPF_PREFIX" LIBSUBDIR=lib EXTRA_CFLAGS=-fPIC \
		install
	check_pic "$LIBBPF_PREFIX/lib/libbpf.a" "$obj"
	[ "$(PKG_CONFIG_PATH=$LIBBPF_PREFIX/lib/pkgconfig \
		pkg-config --modversion libbpf)" = "$ver" ]

	write_config_mk "$ver" "-I$LIBBPF_PREFIX/include" \
		"$LIBBPF_PREFIX/lib/libbpf.a -lelf -lz"
	stamp_write libbpf "$(libbpf_key)"
}

# ---------------------------------------------------------------------------
# step 4: kernel source

# What the tests and the resolve_btfids builds read from the tree.
KSRC_PARTS=(Makefile tools include arch/x86/include scripts kernel/bpf)

ksrc_desc()
{
	local deb

	deb=$(deb_file "linux-source-$KVER")
	echo "linux-source-$KVER ${deb:+$(deb_version "$deb") }(tools/, include/, scripts/)"
}

# A tree extracted by hand earlier counts as well, hence no stamp check.
ksrc_cached()
{
	[ -f "$KSRC/Makefile" ] &&
		[ -f "$KSRC/tools/bpf/resolve_btfids/main.c" ] &&
		[ -f "$KSRC/tools/lib/bpf/btf.c" ] &&
		[ -f "$KSRC/tools/lib/subcmd/parse-options.c" ] &&
		[ -f "$KSRC/include/linux/btf_ids.h" ] &&
		[ -d "$KSRC/arch/x86/include" ] &&
		[ -d "$KSRC/scripts" ]
}

# ksrc_extract VER DEB DEST: the KSRC_PARTS of linux-source-VER into DEST.
ksrc_extract()
{
	local ver=$1 deb=$2 dest=$3 tmp=$B/ksrc/.tmp part members=()

	for part in "${KSRC_PARTS[@]}"; do
		members+=("linux-source-$ver/$part")
	done
	rm -rf "$tmp"
	mkdir -p "$tmp"
	# Stream the inner tarball instead of unpacking the whole .deb.
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xOf - "./usr/src/linux-source-$ver.tar.xz" |
		xz -dc -T0 |
		tar -xf - -C "$tmp" "${members[@]}"
	rm -rf "$dest"
	mv "$tmp/linux-source-$ver" "$dest"
	rmdir "$tmp"
}

ksrc_build()
{
	local deb

	deb=$(deb_file "linux-source-$KVER")
	if [ -z "$deb" ]; then
		fetch_debs "linux-source-$KVER"
		deb=$(deb_file "linux-source-$KVER")
	fi
	ksrc_extract "$KVER" "$deb" "$KSRC"
	stamp_write ksrc "$(basename "$deb")"
}

# ---------------------------------------------------------------------------
# step 5: stock resolve_btfids (the tree's libbpf)

oracle_tree_desc()
{
	echo "resolve_btfids $KVER (stock, tree libbpf)"
}

oracle_tree_cached()
{
	stamp_ok oracle-tree "$KSRC" &&
		[ -x "$ORACLE_TREE/resolve_btfids" ] &&
		[ -f "$ORACLE_TREE/libsubcmd/libsubcmd.a" ]
}

# usage_exits_129 BINARY: libsubcmd's usage() exits with 129.
usage_exits_129()
{
	local rc=0

	"$1" --help >/dev/null 2>&1 || rc=$?
	[ "$rc" -eq 129 ] || die "$1 --help exited $rc, expected 129"
}

oracle_tree_build()
{
	need "$KSRC/tools/bpf/resolve_btfids/main.c" ksrc
	mkdir -p "$ORACLE_TREE"
	make -C "$KSRC/tools/bpf/resolve_btfids" -j"$JOBS" O="$ORACLE_TREE"
	usage_exits_129 "$ORACLE_TREE/resolve_btfids"
	stamp_write oracle-tree "$KSRC"
}

# ---------------------------------------------------------------------------
# step 6: resolve_btfids against our libbpf

oracle_desc()
{
	echo "resolve_btfids $KVER (unmodified main.c, our libbpf)"
}

oracle_key()
{
	echo "$KSRC $(config_get LIBBPF_VERSION 2>/dev/null) $(config_get LIBBPF_LIBS 2>/dev/null)"
}

oracle_cached()
{
	[ -f "$CONFIG_MK" ] && [ -x "$ORACLE/resolve_btfids" ] || return 1
	stamp_ok oracle "$(oracle_key)" || return 1
	# Relink when libbpf or the stock objects were rebuilt since.
	[ -z "$(find "$CONFIG_MK" "$ORACLE_TREE/libsubcmd/libsubcmd.a" \
		"$LIBBPF_PREFIX/lib/libbpf.a" \
		-newer "$ORACLE/resolve_btfids" 2>/dev/null)" ]
}

# The oracle must carry libbpf code from our build, never the tree's.
oracle_check_libbpf()
{
	local bin=$1 libs

	nm "$bin" | grep ' T btf__permute$' >/dev/null ||
		die "$bin: btf__permute is not linked in"
	libs=$(config_get LIBBPF_LIBS)
	case "$libs" in
	"$LIBBPF_PREFIX"/*)
		strings -a "$bin" |
			grep -F "$B/src/libbpf-$(config_get LIBBPF_VERSION)/src" >/dev/null ||
			die "$bin: no debug info from our libbpf build"
		;;
	esac
	if strings -a "$bin" | grep -E "^$B/ksrc/[^/]*/tools/lib/bpf" >/dev/null; then
		die "$bin: contains code from the kernel tree's libbpf"
	fi
}

# Calls of the tree's libbpf that our libbpf has but does not declare
# (libbpf 1.7 keeps btf__find_by_name_kind_own() internal; 1.8, which
# Linux 7.3 calls it from, declares it): declared for the compiler only.
oracle_compat_header()
{
	local out=$1 hdr

	hdr=$(config_get LIBBPF_CFLAGS | sed -n 's/^-I\([^ ]*\).*/\1/p')/bpf/btf.h
	{
		echo "/* Generated by scripts/bootstrap.sh: declarations our libbpf lacks. */"
		# plain C types: included first, before main.c's _GNU_SOURCE
		if [ -f "$hdr" ] && ! grep -F 'btf__find_by_name_kind_own' "$hdr" >/dev/null; then
			echo "struct btf;"
			echo "int btf__find_by_name_kind_own(const struct btf *btf," \
			     "const char *type_name, unsigned int kind);"
		fi
	} > "$out"
}

# oracle_link KSRC TREE OUT: KSRC's unmodified resolve_btfids main.c with
# TREE's helper objects and libsubcmd, against our libbpf, in OUT.
oracle_link()
{
	local ksrc=$1 tree=$2 out=$3 cflags libs elf objs=() o

	need "$CONFIG_MK" libbpf
	cflags=$(config_get LIBBPF_CFLAGS)
	libs=$(config_get LIBBPF_LIBS)
	elf=$(pkg-config libelf --cflags 2>/dev/null || true)
	for o in "${TOOLS_LIB_OBJS[@]}"; do
		need "$tree/$o.o" "$(basename "$tree")"
		objs+=("$tree/$o.o")
	done

	rm -rf "$out"
	mkdir -p "$out/include"
	oracle_compat_header "$out/compat.h"
	# libsubcmd's headers: installed by 7.2's stock build, read from the
	# source by 7.3's; from the source here, without the rest of tools/lib
	ln -s "$ksrc/tools/lib/subcmd" "$out/include/subcmd"
	# The stock build's flags, with our libbpf headers ahead of every
	# other include path so no header of the tree's libbpf can win.
	# shellcheck disable=SC2086
	(set -x
	 ${HOSTCC:-gcc} -D"BUILD_STR(s)=#s" -g $cflags \
		-I"$ksrc/tools/include" -I"$ksrc/tools/include/uapi" \
		-I"$out/include" \
		$elf -include "$out/compat.h" \
		-Wall -Werror -c -o "$out/main.o" "$ksrc/tools/bpf/resolve_btfids/main.c"
	 ${HOSTCC:-gcc} "$out/main.o" "${objs[@]}" -o "$out/resolve_btfids" \
		"$tree/libsubcmd/libsubcmd.a" $libs)

	oracle_check_libbpf "$out/resolve_btfids"
	usage_exits_129 "$out/resolve_btfids"
}

oracle_build()
{
	need "$ORACLE_TREE/libsubcmd/libsubcmd.a" oracle-tree
	oracle_link "$KSRC" "$ORACLE_TREE" "$ORACLE"
	stamp_write oracle "$(oracle_key)"
}

# ---------------------------------------------------------------------------
# step 7: pahole from Debian sid

pahole_desc()
{
	local deb ver=$PAHOLE_WANT

	deb=$(deb_file pahole)
	[ -z "$deb" ] || ver=$(deb_version "$deb")
	echo "pahole $ver (Debian sid, own loader)"
}

pahole_key()
{
	local p

	for p in "${PAHOLE_DEBS[@]}"; do
		basename "$(deb_file "$p")"
	done | tr '\n' ' '
}

pahole_cached()
{
	[ -x "$B/tools/pahole" ] && [ -x "$PAHOLE_DIR/usr/bin/pahole" ] &&
		stamp_ok pahole "$(pahole_key)"
}

write_pahole_wrapper()
{
	local w=$B/tools/pahole

	mkdir -p "$B/tools"
	cat > "$w.tmp" <<EOF
#!/bin/sh
# Generated by scripts/bootstrap.sh: Debian sid's pahole with its own
# libraries, started through sid's dynamic loader.
D='$PAHOLE_DIR'
exec "\$D/usr/lib64/ld-linux-x86-64.so.2" \\
	--library-path "\$D/usr/lib/x86_64-linux-gnu" \\
	"\$D/usr/bin/pahole" "\$@"
EOF
	chmod 755 "$w.tmp"
	mv "$w.tmp" "$w"
}

pahole_build()
{
	local p missing=() tmp=$PAHOLE_DIR.tmp out

	for p in "${PAHOLE_DEBS[@]}"; do
		[ -n "$(deb_file "$p")" ] || missing+=("$p")
	done
	fetch_debs "${missing[@]}"

	rm -rf "$tmp"
	mkdir -p "$tmp"
	for p in "${PAHOLE_DEBS[@]}"; do
		dpkg -x "$(deb_file "$p")" "$tmp"
	done
	rm -rf "$PAHOLE_DIR"
	mv "$tmp" "$PAHOLE_DIR"
	write_pahole_wrapper

	out=$("$B/tools/pahole" --version)
	echo "pahole --version: $out"
	case "$out" in
	"v$PAHOLE_WANT"*) ;;
	*) die "build/tools/pahole --version printed '$out', want v$PAHOLE_WANT" ;;
	esac
	stamp_write pahole "$(pahole_key)"
}

# ---------------------------------------------------------------------------
# step 8: the kernel tree's libbpf, for a second build of btfids and pahole

LIBBPF_TREE=$B/libbpf-tree
TREE_CONFIG_MK=$B/tree/config.mk

libbpf_tree_version()
{
	sed -n 's/^LIBBPF_\([0-9.]*\) {$/\1/p' "$KSRC/tools/lib/bpf/libbpf.map" | sort -V | tail -n 1
}

libbpf_tree_desc()
{
	echo "libbpf $(libbpf_tree_version 2>/dev/null) of the kernel tree (static, -fPIC)"
}

libbpf_tree_cached()
{
	stamp_ok libbpf-tree "$KSRC $(libbpf_tree_version 2>/dev/null)" &&
		[ -f "$LIBBPF_TREE/lib/libbpf.a" ] && [ -f "$TREE_CONFIG_MK" ]
}

libbpf_tree_build()
{
	local obj=$B/src/libbpf-tree-obj ver

	need "$KSRC/tools/lib/bpf/libbpf.map" ksrc
	ver=$(libbpf_tree_version)
	rm -rf "$LIBBPF_TREE" "$obj"
	mkdir -p "$obj"
	make -C "$KSRC/tools/lib/bpf" -j"$JOBS" OUTPUT="$obj/" EXTRA_CFLAGS="-fPIC -g -O2" \
		prefix="$LIBBPF_TREE" libdir_relative=lib install
	# the static library only: what links it must not depend on a .so
	rm -f "$LIBBPF_TREE"/lib/libbpf.so*
	check_pic "$LIBBPF_TREE/lib/libbpf.a" "$obj"
	sed -i "s/^Version: .*/Version: $ver/" "$LIBBPF_TREE/lib/pkgconfig/libbpf.pc"
	mkdir -p "$(dirname "$TREE_CONFIG_MK")"
	CONFIG_MK=$TREE_CONFIG_MK write_config_mk "$ver" "-I$LIBBPF_TREE/include" \
		"$LIBBPF_TREE/lib/libbpf.a -lelf -lz"
	stamp_write libbpf-tree "$KSRC $ver"
}

# ---------------------------------------------------------------------------
# steps 9-11: Linux 7.3 (Debian experimental) and its resolve_btfids

# fetch_debs_experimental PKG...: as fetch_debs, from Debian experimental,
# with private lists of its own.
fetch_debs_experimental() { debs_fetch experimental "$@"; }

# ksrc_present DIR: the parts of a tree the tests read.
ksrc_present()
{
	[ -f "$1/Makefile" ] &&
		[ -f "$1/tools/bpf/resolve_btfids/main.c" ] &&
		[ -f "$1/tools/lib/bpf/btf.c" ] &&
		[ -f "$1/include/linux/btf_ids.h" ] &&
		[ -d "$1/scripts" ]
}

ksrc73_desc()
{
	echo "linux-source-$KVER73 (Debian experimental; tools/, include/, scripts/)"
}

ksrc73_cached()
{
	ksrc_present "$KSRC73"
}

ksrc73_build()
{
	local deb

	deb=$(deb_file "linux-source-$KVER73")
	if [ -z "$deb" ]; then
		fetch_debs_experimental "linux-source-$KVER73"
		deb=$(deb_file "linux-source-$KVER73")
	fi
	ksrc_extract "$KVER73" "$deb" "$KSRC73"
	stamp_write ksrc73 "$(basename "$deb")"
}

oracle73_tree_desc()
{
	echo "resolve_btfids $KVER73 (stock, tree libbpf)"
}

oracle73_tree_cached()
{
	stamp_ok oracle73-tree "$KSRC73" &&
		[ -x "$ORACLE73_TREE/resolve_btfids" ] &&
		[ -f "$ORACLE73_TREE/libsubcmd/libsubcmd.a" ]
}

oracle73_tree_build()
{
	need "$KSRC73/tools/bpf/resolve_btfids/main.c" ksrc73
	mkdir -p "$ORACLE73_TREE"
	make -C "$KSRC73/tools/bpf/resolve_btfids" -j"$JOBS" O="$ORACLE73_TREE"
	usage_exits_129 "$ORACLE73_TREE/resolve_btfids"
	stamp_write oracle73-tree "$KSRC73"
}

oracle73_desc()
{
	echo "resolve_btfids $KVER73 (unmodified main.c, our libbpf)"
}

oracle73_key()
{
	echo "$KSRC73 $(config_get LIBBPF_VERSION 2>/dev/null) $(config_get LIBBPF_LIBS 2>/dev/null)"
}

oracle73_cached()
{
	[ -f "$CONFIG_MK" ] && [ -x "$ORACLE73/resolve_btfids" ] || return 1
	stamp_ok oracle73 "$(oracle73_key)" || return 1
	[ -z "$(find "$CONFIG_MK" "$ORACLE73_TREE/libsubcmd/libsubcmd.a" \
		"$LIBBPF_PREFIX/lib/libbpf.a" \
		-newer "$ORACLE73/resolve_btfids" 2>/dev/null)" ]
}

oracle73_build()
{
	need "$KSRC73/tools/bpf/resolve_btfids/main.c" ksrc73
	need "$ORACLE73_TREE/libsubcmd/libsubcmd.a" oracle73-tree
	oracle_link "$KSRC73" "$ORACLE73_TREE" "$ORACLE73"
	stamp_write oracle73 "$(oracle73_key)"
}

# ---------------------------------------------------------------------------
# driver (scripts/lib/steps.sh)

mkdir -p "$B" "$DL"
steps_main "$@"
