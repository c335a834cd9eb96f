#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-diff.sh - differential test: btfids against the reference
# resolve_btfids, on the fixtures of build-fixtures.sh.
#
#   tests/run-diff.sh [GLOB...]     run all cases, or those whose name
#                                   matches one of the shell GLOBs
#                                   (e.g. 's390x/*' '*/distill*')
#
# Every case copies its input ELF into two scratch directories, runs the
# reference (ORACLE) in one and btfids (BTFIDS) in the other with the same
# arguments, and requires: equal exit status, equal "WARN:" lines on
# stderr (same text, same order), the same set of output files, each of
# them byte-identical, and the input ELF left untouched (for
# --patch_btfids: both patched ELFs byte-identical).  One line per case,
# "ok <case>" or "FAIL <case>: <why>", then "N passed, N failed".
# Exit status 0 only if nothing failed; 2 if a tool or python3 is missing.
#
# Exceptions: */lists*.stripped (a .BTF_ids section but no symbol table)
# expects btfids to refuse what the reference silently leaves unresolved.
# */many.*/over-limit (150 addresses for one name) expects the
# reference to refuse; btfids must succeed, its .BTF must equal the
# reference's on many_ok (first 100 addresses only), its .BTF_ids must
# start with the reference's many_ok .BTF_ids and read back correctly
# (tests/btfinfo.py check).  Some cases also check the reference's own
# output (exit status, WARN count, FUNCs such as kf_new_impl, read-back);
# a miss there is reported as "fixture problem".
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
#            (failing ones are always kept under build/tests/run/)
#   JOBS     1 = run the case groups (one per arch, plus cli) one after
#            the other; default: in parallel (output order is the same)
#
# Case names: <arch>/<fixture>.<o|exe|...>/<mode>, or cli/<what>.

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TESTS=$ROOT/tests
OUT=${OUT:-$ROOT/build/tests}
WORK=$OUT/run
BTFIDS=${BTFIDS:-$ROOT/build/btfids}
ORACLE=${ORACLE:-$ROOT/build/oracle/resolve_btfids}
ARCHES="x86_64 i386 s390x"
PY=${PYTHON:-python3}
TIMEOUT=60

abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
BTFIDS=$(abs "$BTFIDS")
ORACLE=$(abs "$ORACLE")

if [ ! -x "$BTFIDS" ]; then
	echo "run-diff: BTFIDS=$BTFIDS does not exist or is not executable (build it: make)" >&2
	exit 2
fi
if [ ! -x "$ORACLE" ]; then
	echo "run-diff: ORACLE=$ORACLE does not exist (run scripts/bootstrap.sh)" >&2
	exit 2
fi
if ! command -v "$PY" >/dev/null 2>&1; then
	echo "run-diff: $PY not found (needed by tests/btfinfo.py)" >&2
	exit 2
fi
if [ -z "${BTF_CMP:-}" ]; then
	case $ORACLE in
	*/oracle-tree/*) BTF_CMP=sections ;;
	*) BTF_CMP=raw ;;
	esac
fi

# the fixtures, under the lock over build/tests
. "$TESTS/fixtures-ready.sh"
if ! fixtures_ready "$OUT/fixtures.log"; then
	echo "run-diff: building the fixtures failed:" >&2
	tail -n 20 "$OUT/fixtures.log" >&2
	exit 2
fi

rm -rf "$WORK"
mkdir -p "$WORK"

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

report() {	# CASE WHY (empty WHY = pass)
	local c=$1 why=$2
	if [ -z "$why" ]; then
		echo "ok $c"
		[ -n "${KEEP:-}" ] || rm -rf "$(casedir "$c")"
	else
		echo "FAIL $c: $why"
	fi
}

# run_in DIR TOOL ARGS...: run TOOL inside DIR; status, stdout and
# stderr land next to DIR (so they are not taken for output files)
run_in() {
	local dir=$1 tool=$2
	shift 2
	( cd "$dir" && exec timeout $TIMEOUT "$tool" "$@" ) >"$dir.stdout" 2>"$dir.stderr"
	echo $? >"$dir.rc"
}

# files DIR SKIP: output files in DIR, without the input ELF SKIP
files() {
	local f
	for f in "$1"/* "$1"/.[!.]*; do
		[ -e "$f" ] && [ "${f##*/}" != "$2" ] && echo "${f##*/}"
	done
	return 0
}

is_btf_file() {
	case $1 in *.BTF|*.BTF.base) return 0 ;; esac
	return 1
}

# same_file A B NAME: prints why they differ, nothing if equal
same_file() {
	local a=$1 b=$2 name=$3 d
	if [ "$BTF_CMP" = sections ] && is_btf_file "$name" && ! cmp -s "$a" "$b"; then
		d=$("$PY" "$TESTS/btfinfo.py" sections "$a" "$b" 2>&1) || echo "$name: ${d:0:200}"
		return
	fi
	if ! cmp -s "$a" "$b"; then
		d=$(cmp "$a" "$b" 2>&1 | sed -n 's/.*differ: \(byte [0-9]*\).*/\1/p')
		[ -n "$d" ] || d="sizes $(stat -c %s "$a") vs $(stat -c %s "$b")"
		echo "$name differs ($d)"
	fi
}

warn_lines() { grep -a '^WARN:' "$1" 2>/dev/null; }

# compare_runs O B ELFNAME ORIG MODE: prints the reasons for a failure
# O, B: oracle and btfids scratch dirs; MODE "resolve" or "patch"
compare_runs() {
	local o=$1 b=$2 elf=$3 orig=$4 mode=$5 ro rb fo fb f wo wb
	ro=$(cat "$o.rc") rb=$(cat "$b.rc")
	[ "$ro" = "$rb" ] || echo "exit status $rb, want $ro"
	wo=$(warn_lines "$o.stderr") wb=$(warn_lines "$b.stderr")
	if [ "$wo" != "$wb" ]; then
		f=$(diff <(echo "$wo") <(echo "$wb") | grep -m1 '^[<>]' |
			sed -e 's/^< /reference has: /' -e 's/^> /btfids has: /')
		echo "WARN lines differ ($(echo "$wo" | grep -c .) vs $(echo "$wb" | grep -c .); first: ${f:0:160})"
	fi
	fo=$(files "$o" "$elf") fb=$(files "$b" "$elf")
	if [ "$fo" != "$fb" ]; then
		echo "output files [${fb//$'\n'/ }], want [${fo//$'\n'/ }]"
	fi
	for f in $fo; do
		[ -f "$b/$f" ] || continue
		same_file "$o/$f" "$b/$f" "$f"
	done
	if [ "$mode" = patch ]; then
		same_file "$o/$elf" "$b/$elf" "patched $elf"
	elif [ -n "$orig" ]; then
		cmp -s "$orig" "$b/$elf" || echo "btfids modified its input ELF"
		cmp -s "$orig" "$o/$elf" || echo "oracle modified its input ELF"
	fi
}

# expect [rc N] [warns N] [funcs "+NAME -NAME..."] [readback yes] [base FILE]:
# what the reference's own result must look like in the next diffcase
# (exit status, number of WARN lines, FUNCs present/absent in its .BTF,
# every .BTF_ids slot read back against its .BTF).  This guards the
# fixtures: one that stopped exercising its feature fails as a "fixture
# problem" instead of passing silently.
EXP_FUNCS='' EXP_WARNS='' EXP_RC='' EXP_BASE='' EXP_READBACK=''
expect() {
	while [ $# -gt 0 ]; do
		case $1 in
		funcs) EXP_FUNCS=$2 ;;
		warns) EXP_WARNS=$2 ;;
		rc) EXP_RC=$2 ;;
		base) EXP_BASE=$2 ;;
		readback) EXP_READBACK=$2 ;;
		esac
		shift 2
	done
}

# check_expect DIR ELFNAME: prints the unmet expectations
check_expect() {
	local o=$1 elf=$2 d n
	if [ -n "$EXP_RC" ] && [ "$(cat "$o.rc")" != "$EXP_RC" ]; then
		echo "fixture problem: reference exit status $(cat "$o.rc"), expected $EXP_RC"
	fi
	if [ -n "$EXP_WARNS" ]; then
		n=$(warn_lines "$o.stderr" | wc -l)
		[ "$n" = "$EXP_WARNS" ] ||
			echo "fixture problem: reference printed $n WARN lines, expected $EXP_WARNS"
	fi
	if [ -n "$EXP_FUNCS" ]; then
		# shellcheck disable=SC2086
		d=$("$PY" "$TESTS/btfinfo.py" hasfuncs "$o/$elf.BTF" \
			${EXP_BASE:+--base "$EXP_BASE"} $EXP_FUNCS 2>&1) ||
			echo "fixture problem: reference output: ${d:0:200}"
	fi
	if [ -n "$EXP_READBACK" ]; then
		# every slot holds the ID its symbol names, sets sorted
		d=$("$PY" "$TESTS/btfinfo.py" check "$o/$elf" "$o/$elf.BTF_ids" "$o/$elf.BTF" \
			${EXP_BASE:+--base "$EXP_BASE"} 2>&1 | head -3 | paste -sd ' ')
		[ -z "$d" ] || echo "fixture problem: reference read-back: ${d:0:200}"
	fi
}

# diffcase [--patch] CASE ELF ARGS...: the standard differential case.
# ELF is copied in as its basename and given as the last argument;
# ELF "-" means no input is copied and ARGS are passed as they are.
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
	run_in "$dir/oracle" "$ORACLE" "$@" "$name"
	run_in "$dir/btfids" "$BTFIDS" "$@" "$name"
	[ "$(cat "$dir/oracle.rc")" = 0 ] || why="fixture problem: reference exit $(cat "$dir/oracle.rc")"
	[ "$(cat "$dir/btfids.rc")" = 255 ] || why="$why; btfids exit $(cat "$dir/btfids.rc"), want 255"
	[ "$(grep -c '' "$dir/btfids.stderr")" = 1 ] && grep -q -- "$pattern" "$dir/btfids.stderr" ||
		why="$why; stderr is not one line with '$pattern': $(head -c 300 "$dir/btfids.stderr")"
	[ -z "$(files "$dir/btfids" "$name")" ] || why="$why; btfids wrote $(files "$dir/btfids" "$name" | paste -sd ' ')"
	cmp -s "$elf" "$dir/btfids/$name" || why="$why; input ELF changed"
	report "$c" "${why#; }"
}

diffcase() {
	local mode=resolve c elf name dir why
	if [ "$1" = --patch ]; then
		mode="patch"
		shift
	fi
	c=$1 elf=$2
	shift 2
	if ! selected "$c"; then
		EXP_FUNCS='' EXP_WARNS='' EXP_RC='' EXP_BASE='' EXP_READBACK=''
		return 0
	fi
	dir=$(casedir "$c")
	mkdir -p "$dir/oracle" "$dir/btfids"
	if [ "$elf" = - ]; then
		name=-
		run_in "$dir/oracle" "$ORACLE" "$@"
		run_in "$dir/btfids" "$BTFIDS" "$@"
		why=$(compare_runs "$dir/oracle" "$dir/btfids" "" "" none)
	else
		name=$(basename "$elf")
		cp "$elf" "$dir/oracle/$name"
		cp "$elf" "$dir/btfids/$name"
		run_in "$dir/oracle" "$ORACLE" "$@" "$name"
		run_in "$dir/btfids" "$BTFIDS" "$@" "$name"
		why=$(compare_runs "$dir/oracle" "$dir/btfids" "$name" "$elf" $mode
		      check_expect "$dir/oracle" "$name")
	fi
	EXP_FUNCS='' EXP_WARNS='' EXP_RC='' EXP_BASE='' EXP_READBACK=''
	report "$c" "$(echo "$why" | grep . | paste -sd ';' | sed 's/;/; /g')"
}

# ---------------------------------------------------------------------
# resolve: every plain fixture, relocatable and linked, with --btf and
# with the BTF embedded as .BTF

PLAIN="lists sets kfuncs set8_dupes warn many_ok base err_prefix err_name err_dupset ids_unused ids_empty"
expect_plain() {
	case $1 in
	lists|sets|many_ok)
		expect rc 0 warns 0 readback yes ;;
	ids_*)
		expect rc 0 warns 0 ;;
	kfuncs)
		expect rc 0 warns 0 readback yes funcs "+kf_new_impl +kf_fast_ctx_impl +kf_const_aux_impl
			+kf_mid_impl +kf_noimplicit_impl +kf_void_impl +kf_twosets_impl
			-kf_untagged_impl -kf_legacy_impl_impl -kf_acquire_impl" ;;
	set8_dupes)
		expect rc 0 warns 0 readback yes funcs "+sd_fn_b_impl -sd_fn_a_impl -sd_fn_c_impl" ;;
	base)
		expect rc 0 warns 0 readback yes funcs "+base_kf_alloc_impl -base_kf_old_impl_impl" ;;
	warn)
		expect rc 0 warns 8 ;;
	err_*)
		expect rc 255 ;;
	esac
}
MODULES="mod mod_basekf mod_noids"

resolve_cases() {	# ARCH
	local arch=$1 A=$OUT/$1 V=$OUT/$1/base.vmlinux fx e M
	for fx in $PLAIN; do
		for e in o exe; do
			expect_plain "$fx"
			diffcase "$arch/$fx.$e/plain" "$A/$fx.$e" --btf "$A/$fx.$e.BTF.1"
			diffcase "$arch/$fx.$e/embedded" "$A/$fx.$e.withbtf"
		done
	done
	for e in o exe; do
		diffcase "$arch/warn.$e/fatal_warnings" "$A/warn.$e" --fatal_warnings --btf "$A/warn.$e.BTF.1"
		diffcase "$arch/lists.$e/fatal_warnings" "$A/lists.$e" --fatal_warnings --btf "$A/lists.$e.BTF.1"
		diffcase "$arch/kfuncs.$e/verbose" "$A/kfuncs.$e" -v --btf "$A/kfuncs.$e.BTF.1"
		expect rc 0 warns 0 funcs "+bp_kf_implicit_impl +bp_kf_tags_impl -bp_kf_paramonly_impl
			-bp_untagged_impl -bp_kf_legacy_impl_impl"
		diffcase "$arch/bpfprog.$e/bpf-btf" "$A/bpfprog.$e" --btf "$OUT/bpf/bpfprog.bpf.o"
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
		case $fx in
		mod) expect rc 0 warns 0 readback yes base "$V" funcs "+mod_kf_create_impl -mod_kf_old_impl_impl" ;;
		mod_basekf) expect rc 0 warns 0 readback yes base "$V" funcs "+mbk_kf_own_impl" ;;
		mod_noids) expect rc 0 warns 0 ;;
		esac
		diffcase "$arch/$fx.o/split" "$M" --btf "$M.split.BTF.1" --btf_base "$V"
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
	run_in "$dir" "$ORACLE" "$@" x
	if [ ! -f "$dir/x.BTF_ids" ]; then
		report "$c" "fixture problem: the reference wrote no .BTF_ids (exit $(cat "$dir.rc"))"
		return
	fi
	diffcase --patch "$c" "$target" --patch_btfids "$dir/x.BTF_ids"
	head -c -4 "$dir/x.BTF_ids" >"$dir/short.BTF_ids"
	diffcase --patch "$c/mismatch" "$target" --patch_btfids "$dir/short.BTF_ids"
}

patch_cases() {	# ARCH
	local arch=$1 A=$OUT/$1 fx e
	for fx in lists sets kfuncs set8_dupes base; do
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

many_cases() {	# ARCH
	local arch=$1 A=$OUT/$1 e c dir why w f d n
	for e in o exe; do
		c="$arch/many.$e/over-limit"
		selected "$c" || continue
		dir=$(casedir "$c")
		mkdir -p "$dir/oracle" "$dir/oracle-ok" "$dir/btfids"
		cp "$A/many.$e" "$dir/oracle/x"
		cp "$A/many_ok.$e" "$dir/oracle-ok/x"
		cp "$A/many.$e" "$dir/btfids/x"
		run_in "$dir/oracle" "$ORACLE" --btf "$A/many.$e.BTF.1" x
		run_in "$dir/oracle-ok" "$ORACLE" --btf "$A/many.$e.BTF.1" x
		run_in "$dir/btfids" "$BTFIDS" --btf "$A/many.$e.BTF.1" x
		why=""
		if [ "$(cat "$dir/oracle.rc")" = 0 ] ||
		   ! grep -q 'crossed the number of allowed lists' "$dir/oracle.stderr"; then
			why="fixture problem: the reference did not stop at its 100-address limit"
		elif [ "$(cat "$dir/oracle-ok.rc")" != 0 ]; then
			why="fixture problem: the reference failed on many_ok"
		else
			[ "$(cat "$dir/btfids.rc")" = 0 ] || why="exit status $(cat "$dir/btfids.rc"), want 0"
			w=$(warn_lines "$dir/btfids.stderr" | head -1)
			[ -z "$w" ] || why="$why; unexpected warning: $w"
			f=$(files "$dir/btfids" x | paste -sd ' ')
			[ "$f" = "x.BTF x.BTF_ids" ] || why="$why; output files [$f], want [x.BTF x.BTF_ids]"
			if [ -f "$dir/btfids/x.BTF" ]; then
				d=$(same_file "$dir/oracle-ok/x.BTF" "$dir/btfids/x.BTF" x.BTF)
				[ -z "$d" ] || why="$why; $d (against the reference on many_ok)"
			fi
			if [ -f "$dir/btfids/x.BTF_ids" ]; then
				n=$(stat -c %s "$dir/oracle-ok/x.BTF_ids")
				cmp -s -n "$n" "$dir/oracle-ok/x.BTF_ids" "$dir/btfids/x.BTF_ids" ||
					why="$why; first $n bytes of x.BTF_ids differ from the reference on many_ok"
				d=$("$PY" "$TESTS/btfinfo.py" check "$dir/btfids/x" "$dir/btfids/x.BTF_ids" \
					"$dir/btfids/x.BTF" 2>&1 | head -3 | paste -sd ' ')
				[ -z "$d" ] || why="$why; read-back: $d"
			fi
			cmp -s "$A/many.$e" "$dir/btfids/x" || why="$why; btfids modified its input ELF"
		fi
		report "$c" "${why#; }"
	done
}

# ---------------------------------------------------------------------
# command line handling and failures (x86_64 inputs)

cli_cases() {
	local A=$OUT/x86_64
	mkdir -p "$WORK/inputs"
	echo "not an ELF file" >"$WORK/inputs/text"
	: >"$WORK/inputs/empty"
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
	diffcase cli/elf-is-text "$WORK/inputs/text" --btf "$A/lists.exe.BTF.1"
	diffcase cli/elf-is-empty "$WORK/inputs/empty" --btf "$A/lists.exe.BTF.1"
	diffcase cli/missing-btf "$A/lists.exe" --btf "$WORK/inputs/no-such-file"
	diffcase cli/btf-is-text "$A/lists.exe" --btf "$WORK/inputs/text"
	diffcase cli/no-btf-section "$A/lists.exe"
	diffcase cli/missing-base "$A/mod.o" --btf "$A/mod.o.split.BTF.1" --btf_base "$WORK/inputs/no-such-file"
	diffcase cli/base-without-btf "$A/mod.o" --btf "$A/mod.o.split.BTF.1" --btf_base "$A/lists.o"
	diffcase cli/split-without-base "$A/mod.o" --btf "$A/mod.o.split.BTF.1"
	diffcase --patch cli/patch-missing-blob "$A/lists.exe" --patch_btfids "$WORK/inputs/no-such-file"
	diffcase cli/patch-missing-elf - --patch_btfids "$A/lists.exe.BTF.1" no-such-file
	diffcase --patch cli/patch-not-elf "$WORK/inputs/text" --patch_btfids "$WORK/inputs/text"
}

# ---------------------------------------------------------------------
# run the groups (in parallel unless JOBS=1), print their logs in order

groups="$ARCHES cli"
run_group() {
	case $1 in
	cli) cli_cases ;;
	*) resolve_cases "$1"; patch_cases "$1"; many_cases "$1" ;;
	esac
}
# shellcheck disable=SC2086
run_groups $groups

PASSED=$(cat "$WORK"/log.* | grep -c '^ok ')
FAILED=$(cat "$WORK"/log.* | grep -c '^FAIL ')
if [ "$FAILED" -gt 0 ]; then
	echo "# failing cases keep their scratch directories under ${WORK#"$ROOT"/}"
fi
if [ "$BTF_CMP" = sections ]; then
	echo "# BTF outputs compared by type and string sections (BTF_CMP=sections)"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
