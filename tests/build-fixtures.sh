#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-fixtures.sh - build the btfids test fixtures into build/tests/.
#
# For every fixture and architecture (x86_64: gcc, i386: clang
# --target=i386-linux-gnu, s390x: s390x-linux-gnu-gcc; all -g -O2):
#   <arch>/<fx>.o            relocatable (module-like; units "ld -r"-ed)
#   <arch>/<fx>.exe          linked ET_EXEC (vmlinux-like, .BTF_ids has an address)
#   <arch>/<elf>.BTF.1       pahole -J output for <elf> (the --btf input)
#   <arch>/<elf>.withbtf     copy of <elf> with that BTF as its .BTF section
#   <arch>/lists.stripped, lists.o.stripped   lists.{exe,o} without symbols
# The base (vmlinux-like) fixture goes through the kernel's link steps:
#   <arch>/base.vmlinux      base.exe + resolved .BTF + patched .BTF_ids
#   <arch>/base.vmlinux.BTF  its (name-sorted) BTF as a raw file
# and modules get split BTF against it:
#   <arch>/<mod>.o.split.BTF.1, <arch>/<mod>.o.withsplit
# plus bpf/bpfprog.bpf.o from clang -target bpf (its .BTF is used as --btf).
#
# Environment: PAHOLE (default build/tools/pahole), BASE_RESOLVER (the
# resolve_btfids used for the base's link step; default build/oracle/
# resolve_btfids, else build/oracle-tree/resolve_btfids), OUT (default
# build/tests), ARCHES (default "x86_64 i386 s390x").
# Nothing is written into the source tree.
set -eu -o pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TESTS=$ROOT/tests
OUT=${OUT:-$ROOT/build/tests}
PAHOLE=${PAHOLE:-$ROOT/build/tools/pahole}
ARCHES=${ARCHES:-"x86_64 i386 s390x"}
. "$ROOT/scripts/lib/kernel-flags.sh"
FEATURES=$KERNEL_BTF_FEATURES

if [ -z "${BASE_RESOLVER:-}" ]; then
	# the release's own resolve_btfids finishes the base (KERNEL, harness.sh)
	case ${KERNEL:-7.2} in
	7.2) k= ;;
	*) k=${KERNEL//./} ;;
	esac
	BASE_RESOLVER=$ROOT/build/oracle$k/resolve_btfids
	[ -x "$BASE_RESOLVER" ] || BASE_RESOLVER=$ROOT/build/oracle$k-tree/resolve_btfids
fi

die() { echo "build-fixtures: $*" >&2; exit 1; }

[ -x "$PAHOLE" ] || die "pahole not found at $PAHOLE (run scripts/bootstrap.sh, or set PAHOLE)"
[ -x "$BASE_RESOLVER" ] || die "no resolve_btfids for the base link step at $BASE_RESOLVER (set BASE_RESOLVER)"

# fixture name -> "units [-Dflags...]"
# shellcheck source=tests/lib/harness.sh
. "$ROOT/tests/lib/harness.sh"
FIXTURES=$(h_fixtures)
units_of() {
	case $1 in
	warn)		echo "warn_a.c warn_b.c" ;;
	many_ok)	echo "many.c" ;;
	err_dupset)	echo "err_dupset_a.c err_dupset_b.c" ;;
	*)		echo "$1.c" ;;
	esac
}
defines_of() {
	case $1 in
	many_ok)	echo "-DMN_EXTRA=0" ;;
	*)		echo "" ;;
	esac
}
is_module() {
	case $1 in mod|mod_basekf|mod_noids) return 0 ;; esac
	return 1
}

set_arch() {
	case $1 in
	x86_64)
		CC="gcc -fno-pie -fno-stack-protector"
		LD="ld"; OBJCOPY="objcopy" ;;
	i386)
		CC="clang --target=i386-linux-gnu -fno-pie"
		LD="ld.lld"; OBJCOPY="objcopy" ;;
	s390x)
		CC="s390x-linux-gnu-gcc -fno-pie -fno-stack-protector"
		LD="s390x-linux-gnu-ld"; OBJCOPY="s390x-linux-gnu-objcopy" ;;
	*)	die "unknown arch $1" ;;
	esac
	CFLAGS="-g -O2 -I$TESTS/include -I$TESTS/fixtures"
}

run() {
	# run quietly, show the command and its output only on failure
	local log
	if ! log=$("$@" 2>&1); then
		echo "build-fixtures: FAILED: $*" >&2
		echo "$log" >&2
		exit 1
	fi
}

pahole_btf() {	# ELF OUTFILE [--btf_base BASE]
	local elf=$1 out=$2
	shift 2
	rm -f "$out"
	run "$PAHOLE" -J --btf_features_strict=$FEATURES "$@" \
		--btf_encode_detached="$out" "$elf"
}

embed_btf() {	# ELF BTF OUT
	cp "$1" "$3"
	run $OBJCOPY --add-section .BTF="$2" "$3"
}

build_arch() {
	local arch=$1 dir=$OUT/$1 fx u objs
	set_arch "$arch"
	rm -rf "$dir"
	mkdir -p "$dir/obj"
	for fx in $FIXTURES; do
		objs=
		for u in $(units_of $fx); do
			run $CC $CFLAGS $(defines_of $fx) -c "$TESTS/fixtures/$u" \
				-o "$dir/obj/$fx-${u%.c}.o"
			objs="$objs $dir/obj/$fx-${u%.c}.o"
		done
		# relocatable: a single unit is used as is, several are "ld -r"-ed
		if [ "$(echo $objs | wc -w)" = 1 ]; then
			cp $objs "$dir/$fx.o"
		else
			run $LD -r -o "$dir/$fx.o" $objs
		fi
		run $LD -e 0 -o "$dir/$fx.exe" $objs
		for e in o exe; do
			if [ $fx = bpfprog ]; then
				continue	# its BTF comes from the bpf object
			fi
			pahole_btf "$dir/$fx.$e" "$dir/$fx.$e.BTF.1"
			embed_btf "$dir/$fx.$e" "$dir/$fx.$e.BTF.1" "$dir/$fx.$e.withbtf"
		done
	done

	# no symbol table: nothing can be resolved, only .BTF is written
	run $OBJCOPY --strip-all "$dir/lists.exe" "$dir/lists.stripped"
	run $OBJCOPY --strip-all "$dir/lists.o" "$dir/lists.o.stripped"

	# base: the kernel's vmlinux steps (resolve, then embed .BTF and
	# patch .BTF_ids), so modules see a finished, name-sorted base BTF
	local scratch=$dir/obj/base-link
	mkdir -p "$scratch"
	cp "$dir/base.exe" "$scratch/base.exe"
	( cd "$scratch" && run "$BASE_RESOLVER" --btf "$dir/base.exe.BTF.1" base.exe )
	cp "$scratch/base.exe.BTF" "$dir/base.vmlinux.BTF"
	embed_btf "$dir/base.exe" "$dir/base.vmlinux.BTF" "$dir/base.vmlinux"
	run "$BASE_RESOLVER" --patch_btfids "$scratch/base.exe.BTF_ids" "$dir/base.vmlinux"

	for fx in $FIXTURES; do
		is_module $fx || continue
		pahole_btf "$dir/$fx.o" "$dir/$fx.o.split.BTF.1" --btf_base "$dir/base.vmlinux"
		embed_btf "$dir/$fx.o" "$dir/$fx.o.split.BTF.1" "$dir/$fx.o.withsplit"
	done
}

mkdir -p "$OUT/bpf"
run clang -target bpf -g -O2 -I"$TESTS/include" -I"$TESTS/fixtures" \
	-c "$TESTS/fixtures/bpfprog.c" -o "$OUT/bpf/bpfprog.bpf.o"

for arch in $ARCHES; do
	build_arch $arch
	echo "build-fixtures: $arch: $(ls "$OUT/$arch" | grep -c -e '\.o$' -e '\.exe$') ELF files"
done
