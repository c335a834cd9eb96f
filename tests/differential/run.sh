#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/differential/run.sh - differential test: btfids against the reference
# resolve_btfids, on the fixtures of build-fixtures.sh.
#
#   tests/differential/run.sh [GLOB...]     run all cases, or those whose name
#                                   matches one of the shell GLOBs
#                                   (e.g. 's390x/*' '*/distill*')
#
# Every case copies its input ELF into two scratch directories, runs the
# reference (ORACLE) in one and btfids (BTFIDS) in the other with the same
# arguments, and compares the two runs with tests/lib/harness.sh: equal
# exit status, equal "WARN:" lines (same text, same order), the same set
# of output files, each byte-identical, and the input ELF left untouched
# (for --patch_btfids: both patched ELFs byte-identical). A case given
# --expect KEY also checks the reference's own run against row KEY of
# tests/fixtures/expect (exit status, WARN count, FUNCs, read-back); a miss
# there is a "fixture problem".
#
# Exceptions: */lists*.stripped (a .BTF_ids section but no symbol table)
# expects btfids to refuse what the reference silently leaves unresolved.
# */many.*/over-limit (150 addresses for one name) expects the
# reference to refuse; btfids must succeed, its .BTF must equal the
# reference's on many_ok (first 100 addresses only), its .BTF_ids must
# start with the reference's many_ok .BTF_ids and read back correctly.
#
# Environment:
#   BTFIDS   tool under test          (default build/btfids; must exist)
#   ORACLE   reference tool           (default build/oracle/resolve_btfids)
#            e.g. ORACLE=build/oracle-tree/resolve_btfids for the kernel
#            tree's own build (libbpf 1.8)
#   BTF_CMP  raw | sections           how BTF output files are compared:
#            raw = cmp; sections = type and string sections only (ignores
#            header size, which differs between libbpf 1.7 and 1.8).
#            Default: sections if ORACLE is an oracle-tree build, else raw.
#   PAHOLE   passed on to build-fixtures.sh (fixtures are rebuilt when a
#            fixture source, the header, build-fixtures.sh, pahole or the
#            base resolver is newer than the last build)
#   KEEP=1   keep the scratch directories of passing cases too
#   JOBS     1 = run the case groups (one per arch, plus cli) one after
#            the other; default: in parallel (output order is the same)
#
# Case names: <arch>/<fixture>.<o|exe|...>/<mode>, or cli/<what>.

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TESTS=$ROOT/tests
OUT=${OUT:-$ROOT/build/tests}
BTFIDS=${BTFIDS:-$ROOT/build/btfids}
ARCHES="x86_64 i386 s390x"
TIMEOUT=60
# shellcheck source=tests/lib/harness.sh
. "$TESTS/lib/harness.sh"
ORACLE=${ORACLE:-$H_ORACLE}

abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
BTFIDS=$(abs "$BTFIDS")
ORACLE=$(abs "$ORACLE")

for t in "$BTFIDS" "$ORACLE"; do
	[ -x "$t" ] || { echo "differential: $t does not exist (make; scripts/bootstrap.sh)" >&2; exit 2; }
done
if [ -z "${BTF_CMP:-}" ]; then
	case $ORACLE in
	*/oracle-tree/* | */oracle*-tree/*) BTF_CMP=sections ;;
	*) BTF_CMP=raw ;;
	esac
fi
[ "$BTF_CMP" = sections ] && export H_SECTIONS=y

# the fixtures, under the lock over build/tests
. "$TESTS/fixtures-ready.sh"
if ! fixtures_ready "$OUT/fixtures.log"; then
	echo "differential: building the fixtures failed:" >&2
	tail -n 20 "$OUT/fixtures.log" >&2
	exit 2
fi

h_begin differential "$OUT/run"
WORK=$H_WORK
FILTER=("$@")

selected() {
	local g
	[ ${#FILTER[@]} -eq 0 ] && return 0
	for g in "${FILTER[@]}"; do
		# shellcheck disable=SC2053
		[[ $1 == $g ]] && return 0
	done
	return 1
}

casedir() { echo "$WORK/${1//\//_}"; }

# check_expect KEY DIR ELFNAME BASE: the reference's run in DIR against
# row KEY of tests/fixtures/expect; prints what does not hold
check_expect() {
	local key=$1 o=$2 elf=$3 base=$4 rc warns readback funcs d n
	read -r rc warns readback funcs < <(h_expect "$key")
	[ -n "$rc" ] || { echo "fixture problem: no row $key in tests/fixtures/expect"; return; }
	[ "$(cat "$o.rc")" = "$rc" ] ||
		echo "fixture problem: reference exit status $(cat "$o.rc"), expected $rc"
	n=$(h_warns "$o.err" | wc -l)
	[ "$warns" = - ] || [ "$n" = "$warns" ] ||
		echo "fixture problem: reference printed $n WARN lines, expected $warns"
	if [ "$funcs" != - ]; then
		# shellcheck disable=SC2086
		d=$("$H_PY" "$H_BTFINFO" hasfuncs "$o/$elf.BTF" ${base:+--base "$base"} $funcs 2>&1) ||
			echo "fixture problem: reference output: ${d:0:200}"
	fi
	if [ "$readback" = yes ]; then
		d=$("$H_PY" "$H_BTFINFO" check "$o/$elf" "$o/$elf.BTF_ids" "$o/$elf.BTF" \
			${base:+--base "$base"} 2>&1 | head -3 | paste -sd ' ')
		[ -z "$d" ] || echo "fixture problem: reference read-back: ${d:0:200}"
	fi
}

# base_of ARGS...: the --btf_base/-b argument, if any
base_of() {
	while [ $# -gt 0 ]; do
		case $1 in --btf_base|-b) echo "$2"; return ;; esac
		shift
	done
}

# diffcase [--patch] [--expect KEY] CASE ELF ARGS...: the standard case.
# ELF is copied in as its basename and given as the last argument; ELF
# "-" means no input is copied and ARGS are passed as they are.
diffcase() {
	local mode=resolve key="" c elf name dir why
	while :; do
		case $1 in
		--patch) mode="patch"; shift ;;
		--expect) key=$2; shift 2 ;;
		*) break ;;
		esac
	done
	c=$1 elf=$2
	shift 2
	selected "$c" || return 0
	dir=$(casedir "$c")
	mkdir -p "$dir/oracle" "$dir/btfids"
	if [ "$elf" = - ]; then
		h_run "$dir/oracle" $TIMEOUT "$ORACLE" "$@"
		h_run "$dir/btfids" $TIMEOUT "$BTFIDS" "$@"
		why=$(h_compare "$dir/oracle" "$dir/btfids")
	else
		name=$(basename "$elf")
		cp "$elf" "$dir/oracle/$name"
		cp "$elf" "$dir/btfids/$name"
		h_run "$dir/oracle" $TIMEOUT "$ORACLE" "$@" "$name"
		h_run "$dir/btfids" $TIMEOUT "$BTFIDS" "$@" "$name"
		if [ $mode = patch ]; then
			why=$(h_compare "$dir/oracle" "$dir/btfids" --input "$name"
			      H_DETAIL=$dir.why h_same "$dir/oracle/$name" "$dir/btfids/$name" "patched $name")
		else
			why=$(h_compare "$dir/oracle" "$dir/btfids" --input "$name" --input-orig "$elf"
			      [ -z "$key" ] || check_expect "$key" "$dir/oracle" "$name" "$(base_of "$@")")
		fi
	fi
	h_done "$c" "$dir" "$why"
}

# divergecase CASE PATTERN ELF ARGS...: where btfids refuses on purpose what
# the reference accepts: the reference exits 0, btfids exits 255 with one
# error line containing PATTERN, writes nothing and leaves ELF unchanged.
divergecase() {
	local c=$1 pattern=$2 elf=$3 name dir why=""
	shift 3
	selected "$c" || return 0
	dir=$(casedir "$c")
	name=$(basename "$elf")
	mkdir -p "$dir/oracle" "$dir/btfids"
	cp "$elf" "$dir/oracle/$name"
	cp "$elf" "$dir/btfids/$name"
	h_run "$dir/oracle" $TIMEOUT "$ORACLE" "$@" "$name"
	h_run "$dir/btfids" $TIMEOUT "$BTFIDS" "$@" "$name"
	[ "$(cat "$dir/oracle.rc")" = 0 ] || why="fixture problem: reference exit $(cat "$dir/oracle.rc")"
	[ "$(cat "$dir/btfids.rc")" = 255 ] || why="$why; btfids exit $(cat "$dir/btfids.rc"), want 255"
	[ "$(grep -c '' "$dir/btfids.err")" = 1 ] && grep -q -- "$pattern" "$dir/btfids.err" ||
		why="$why; stderr is not one line with '$pattern': $(head -c 300 "$dir/btfids.err")"
	[ "$(h_files "$dir/btfids")" = "$name" ] || why="$why; btfids wrote [$(h_files "$dir/btfids")]"
	h_equal "$elf" "$dir/btfids/$name" || why="$why; input ELF changed"
	h_done "$c" "$dir" "${why#; }"
}

# ---------------------------------------------------------------------
# resolve: every plain fixture, relocatable and linked, with --btf and
# with the BTF embedded as .BTF

PLAIN="lists sets kfuncs set8_dupes warn many_ok base err_prefix err_name err_dupset ids_unused ids_empty kfuncs73"
[ "$H_KERNEL" = 7.2 ] || PLAIN="$PLAIN kf_arena_bad"
# --patch_btfids needs a .BTF_ids from the reference: fixtures it finishes
case $H_KERNEL in
7.2) PATCHED="lists sets kfuncs set8_dupes base kfuncs73" ;;
*) PATCHED="lists sets base kfuncs73" ;;
esac
MODULES="mod mod_basekf mod_noids"

resolve_cases() {	# ARCH
	local arch=$1 A=$OUT/$1 V=$OUT/$1/base.vmlinux fx e M
	for fx in $PLAIN; do
		for e in o exe; do
			diffcase --expect "$fx" "$arch/$fx.$e/plain" "$A/$fx.$e" --btf "$A/$fx.$e.BTF.1"
			diffcase "$arch/$fx.$e/embedded" "$A/$fx.$e.withbtf"
		done
	done
	for e in o exe; do
		diffcase "$arch/warn.$e/fatal_warnings" "$A/warn.$e" --fatal_warnings --btf "$A/warn.$e.BTF.1"
		diffcase "$arch/lists.$e/fatal_warnings" "$A/lists.$e" --fatal_warnings --btf "$A/lists.$e.BTF.1"
		diffcase "$arch/kfuncs.$e/verbose" "$A/kfuncs.$e" -v --btf "$A/kfuncs.$e.BTF.1"
		diffcase --expect bpfprog "$arch/bpfprog.$e/bpf-btf" "$A/bpfprog.$e" --btf "$OUT/bpf/bpfprog.bpf.o"
	done
	# no symbol table: the reference leaves .BTF_ids unresolved and
	# succeeds; btfids refuses (a deliberate difference, see README)
	divergecase "$arch/lists.stripped/plain" "no symbol table" "$A/lists.stripped" \
		--btf "$A/lists.exe.BTF.1"
	divergecase "$arch/lists.o.stripped/plain" "no symbol table" "$A/lists.o.stripped" \
		--btf "$A/lists.o.BTF.1"
	# a finished vmlinux (resolved .BTF_ids, sorted .BTF) fed back in
	diffcase "$arch/base.vmlinux/resolved-again" "$A/base.vmlinux"
	diffcase "$arch/base.vmlinux/resolved-again-btf1" "$A/base.vmlinux" --btf "$A/base.exe.BTF.1"

	# modules: standalone BTF, split BTF against the base, distilled base
	for fx in $MODULES; do
		M=$A/$fx.o
		diffcase "$arch/$fx.o/plain" "$M" --btf "$M.BTF.1"
		diffcase "$arch/$fx.o/embedded" "$M.withbtf"
		diffcase --expect "$fx:split" "$arch/$fx.o/split" "$M" --btf "$M.split.BTF.1" --btf_base "$V"
		diffcase "$arch/$fx.o/split-rawbase" "$M" --btf "$M.split.BTF.1" --btf_base "$V.BTF"
		diffcase "$arch/$fx.o/split-embedded" "$M.withsplit" --btf_base "$V"
		diffcase "$arch/$fx.o/distill" "$M" --btf "$M.split.BTF.1" --btf_base "$V" --distill_base
		diffcase "$arch/$fx.o/distill-embedded" "$M.withsplit" -b "$V" --distill_base
		diffcase "$arch/$fx.o/distill-nobase" "$M" --distill_base --btf "$M.BTF.1"
	done
}

# ---------------------------------------------------------------------
# patch: --patch_btfids with the reference's own .BTF_ids output

patchcase() {	# CASE ELF-to-patch ELF-to-resolve RESOLVE-ARGS...
	local c=$1 target=$2 src=$3 dir
	shift 3
	selected "$c" || selected "$c/mismatch" || return 0
	dir=$WORK/blobs/${c//\//_}
	mkdir -p "$dir"
	cp "$src" "$dir/x"
	h_run "$dir" $TIMEOUT "$ORACLE" "$@" x
	if [ ! -f "$dir/x.BTF_ids" ]; then
		h_fail "$c" "fixture problem: the reference wrote no .BTF_ids (exit $(cat "$dir.rc"))"
		return
	fi
	diffcase --patch "$c" "$target" --patch_btfids "$dir/x.BTF_ids"
	head -c -4 "$dir/x.BTF_ids" >"$dir/short.BTF_ids"
	diffcase --patch "$c/mismatch" "$target" --patch_btfids "$dir/short.BTF_ids"
}

patch_cases() {	# ARCH
	local arch=$1 A=$OUT/$1 fx e
	for fx in $PATCHED; do
		for e in o exe; do
			patchcase "$arch/$fx.$e/patch" "$A/$fx.$e" "$A/$fx.$e" --btf "$A/$fx.$e.BTF.1"
		done
	done
	patchcase "$arch/base.vmlinux/patch" "$A/base.vmlinux" "$A/base.exe" --btf "$A/base.exe.BTF.1"
	# the module flow: .BTF already added by objcopy, then patched
	for fx in mod mod_basekf; do
		patchcase "$arch/$fx.o.withsplit/patch" "$A/$fx.o.withsplit" "$A/$fx.o" \
			--btf "$A/$fx.o.split.BTF.1" --btf_base "$A/base.vmlinux"
	done
	diffcase --patch "$arch/mod_noids.o/patch-nosection" "$A/mod_noids.o" \
		--patch_btfids "$A/lists.o.BTF.1"
}

# ---------------------------------------------------------------------
# many: one name at 150 addresses.  The reference stops at 100; btfids
# must resolve them all.  Reference for the result: the reference tool on
# many_ok (the same file with only the first 100) and the same BTF.

many_case() {	# ARCH E
	local arch=$1 A=$OUT/$1 e=$2 c dir why d n
	c="$arch/many.$e/over-limit"
	selected "$c" || return 0
	dir=$(casedir "$c")
	mkdir -p "$dir/oracle" "$dir/oracle-ok" "$dir/btfids"
	cp "$A/many.$e" "$dir/oracle/x"
	cp "$A/many_ok.$e" "$dir/oracle-ok/x"
	cp "$A/many.$e" "$dir/btfids/x"
	h_run "$dir/oracle" $TIMEOUT "$ORACLE" --btf "$A/many.$e.BTF.1" x
	h_run "$dir/oracle-ok" $TIMEOUT "$ORACLE" --btf "$A/many.$e.BTF.1" x
	h_run "$dir/btfids" $TIMEOUT "$BTFIDS" --btf "$A/many.$e.BTF.1" x
	if [ "$(cat "$dir/oracle.rc")" = 0 ] ||
	   ! grep -q 'crossed the number of allowed lists' "$dir/oracle.err"; then
		h_fail "$c" "fixture problem: the reference did not stop at its 100-address limit"
		return
	fi
	[ "$(cat "$dir/oracle-ok.rc")" = 0 ] ||
		{ h_fail "$c" "fixture problem: the reference failed on many_ok"; return; }
	why=$(h_compare "$dir/oracle-ok" "$dir/btfids" --input x \
		--labels "reference on many_ok" btfids | grep -v '^x.BTF_ids differs')
	h_equal "$A/many.$e" "$dir/btfids/x" || why="$why"$'\n'"btfids modified its input ELF"
	if [ -f "$dir/btfids/x.BTF_ids" ]; then
		n=$(stat -c %s "$dir/oracle-ok/x.BTF_ids")
		h_equal "$dir/oracle-ok/x.BTF_ids" "$dir/btfids/x.BTF_ids" "$n" ||
			why="$why"$'\n'"first $n bytes of x.BTF_ids differ from the reference on many_ok"
		d=$("$H_PY" "$H_BTFINFO" check "$dir/btfids/x" "$dir/btfids/x.BTF_ids" \
			"$dir/btfids/x.BTF" 2>&1 | head -3 | paste -sd ' ')
		[ -z "$d" ] || why="$why"$'\n'"read-back: $d"
	fi
	h_done "$c" "$dir" "$why"
}

# ---------------------------------------------------------------------
# command line handling and failures (x86_64 inputs), one case a line

cli_cases() {
	local A=$OUT/x86_64 I=$WORK/inputs
	mkdir -p "$I"
	echo "not an ELF file" >"$I/text"
	: >"$I/empty"
	diffcase cli/no-arguments -
	diffcase cli/unknown-option "$A/lists.exe" --bogus --btf "$A/lists.exe.BTF.1"
	diffcase cli/two-elf-arguments "$A/lists.exe" --btf "$A/lists.exe.BTF.1" "$A/lists.o"
	diffcase cli/option-after-elf - lists.exe --btf "$A/lists.exe.BTF.1"
	diffcase cli/btf-equals "$A/lists.exe" --btf="$A/lists.exe.BTF.1"
	diffcase cli/btf_base-attached "$A/mod.o" --btf "$A/mod.o.split.BTF.1" "-b$A/base.vmlinux"
	diffcase cli/abbreviated-options "$A/mod.o" --btf "$A/mod.o.split.BTF.1" --btf_b "$A/base.vmlinux" --distill
	diffcase cli/abbreviated-fatal "$A/lists.exe" --fatal --btf "$A/lists.exe.BTF.1"
	diffcase cli/very-verbose "$A/sets.exe" -vv --btf "$A/sets.exe.BTF.1"
	diffcase cli/missing-elf - --btf "$A/lists.exe.BTF.1" no-such-file
	diffcase cli/elf-is-text "$I/text" --btf "$A/lists.exe.BTF.1"
	diffcase cli/elf-is-empty "$I/empty" --btf "$A/lists.exe.BTF.1"
	diffcase cli/missing-btf "$A/lists.exe" --btf "$I/no-such-file"
	diffcase cli/btf-is-text "$A/lists.exe" --btf "$I/text"
	diffcase cli/no-btf-section "$A/lists.exe"
	diffcase cli/missing-base "$A/mod.o" --btf "$A/mod.o.split.BTF.1" --btf_base "$I/no-such-file"
	diffcase cli/base-without-btf "$A/mod.o" --btf "$A/mod.o.split.BTF.1" --btf_base "$A/lists.o"
	diffcase cli/split-without-base "$A/mod.o" --btf "$A/mod.o.split.BTF.1"
	diffcase --patch cli/patch-missing-blob "$A/lists.exe" --patch_btfids "$I/no-such-file"
	diffcase cli/patch-missing-elf - --patch_btfids "$A/lists.exe.BTF.1" no-such-file
	diffcase --patch cli/patch-not-elf "$I/text" --patch_btfids "$I/text"
}

# ---------------------------------------------------------------------

h_group() {
	case $1 in
	cli) cli_cases ;;
	*) resolve_cases "$1"; patch_cases "$1"; many_case "$1" o; many_case "$1" exe ;;
	esac
}
# shellcheck disable=SC2086
h_groups $ARCHES cli
[ "$BTF_CMP" = sections ] && echo "# BTF outputs compared by type and string sections (BTF_CMP=sections)"
h_end
