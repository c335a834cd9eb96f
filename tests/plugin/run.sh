#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/plugin/run.sh - the btfids pahole plugin against the kernel's two
# steps, on the fixtures of tests/build-fixtures.sh.
#
# Needs a pahole with dwarves-patches/ applied, given as PAHOLE_PATCHED
# (an executable; a wrapper script that sets LD_LIBRARY_PATH is fine).
# Without it the suite is skipped, with its reason, and exits 0.
#
# For every fixture ELF with DWARF (x86_64, i386, s390x; .o, .exe and
# base.vmlinux), with the kernel's pahole flags (FEATURES):
#   single run  PAHOLE_PATCHED -J ... --btf_plugin=PLUGIN
#                   --btf_encode_detached=X.BTF X
#   two steps   PAHOLE_PATCHED -J ... --btf_encode_detached=X.BTF.1 X
#               ORACLE --btf X.BTF.1 [--btf_base B] [--distill_base] X
# must agree: both succeed or both fail, the same "WARN:" lines on stderr
# (same text, same order), the same output files (X.BTF, X.BTF_ids,
# X.BTF.base), each byte-identical, and X itself untouched.  Modes:
#   plain       no base
#   embedded    single run without --btf_encode_detached: pahole puts the
#               final BTF into (a copy of) X, the plugin writes X.BTF_ids;
#               X's .BTF (and .BTF.base) sections must equal the two-step
#               files
#   split       modules on base.vmlinux (--btf_base)
#   distill     split, single run with --btf_features=...,distilled_base,
#               two-step with resolve_btfids --distill_base (the kernel
#               never gives pahole distilled_base; resolve_btfids distills)
#   distill-embedded, distill-nobase (distilled_base without a base)
# Expected failures: err_* (the reference exits 255, the single run must
# exit non-zero and write nothing).  many.* (one name at 150 addresses):
# the reference refuses on purpose (its 100-address limit), btfids does
# not (README), so the single run is compared with pahole + build/btfids
# and the reference is only checked to refuse.
#
# Also:
#   jobs/...    -j1, -j2, -j8 with --btf_features=+reproducible_build give
#               the same bytes: the largest fixture and a module in distill
#               mode (tests/plugin/kernel.sh does the same on vmlinux)
#   stock/...   with PAHOLE_STOCK (the unpatched pahole of the same
#               version): without a plugin flag, PAHOLE_PATCHED writes the
#               same bytes as PAHOLE_STOCK (detached files; ELF files with
#               embedded .BTF/.BTF.base)
#   cli/...     --resolve_btfids --version; missing plugin, a shared
#               object without the symbol, another ABI major, a plugin
#               that fails, a plugin that does nothing, plugin arguments
#
# Output: "ok CASE", "FAIL CASE: why" (with indented details), "skip CASE:
# why"; last line "plugin: N passed, N failed[, N skipped]".  Exit status
# 0 only if nothing failed.  Failing cases keep their scratch directories
# under build/tests/plugin/ (KEEP=1 keeps all).
#
# Environment: PAHOLE_PATCHED, PAHOLE_STOCK, PLUGIN (default
# build/btfids.so, rebuilt with make when stale), ORACLE (default
# build/oracle/resolve_btfids), BTFIDS (default build/btfids), FEATURES,
# ARCHES, WORK (scratch directory, default build/tests/plugin), JOBS (1 =
# groups one after the other), KEEP, TIMEOUT.
set -u
set -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TESTS=$ROOT/tests
OUT=${OUT:-$ROOT/build/tests}
WORK=${WORK:-$OUT/plugin}
PLUGIN=${PLUGIN:-$ROOT/build/btfids.so}
ORACLE=${ORACLE:-$ROOT/build/oracle/resolve_btfids}
BTFIDS=${BTFIDS:-$ROOT/build/btfids}
. "$ROOT/tests/kernel-flags.sh"
FEATURES=${FEATURES:-$KERNEL_BTF_FEATURES}
ARCHES=${ARCHES:-"x86_64 i386 s390x"}
TIMEOUT=${TIMEOUT:-120}
PY=${PYTHON:-python3}

if [ -z "${PAHOLE_PATCHED:-}" ]; then
	echo "skip plugin/*: PAHOLE_PATCHED not set (a pahole with dwarves-patches/ applied; see dwarves-patches/README.md)"
	echo "plugin: 0 passed, 0 failed, 1 skipped"
	exit 0
fi

setup_fail() {
	echo "FAIL plugin/setup: $*"
	echo "plugin: 0 passed, 1 failed"
	exit 1
}

abs() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
PAHOLE_PATCHED=$(abs "$PAHOLE_PATCHED")
PLUGIN=$(abs "$PLUGIN")
ORACLE=$(abs "$ORACLE")
BTFIDS=$(abs "$BTFIDS")
[ -n "${PAHOLE_STOCK:-}" ] && PAHOLE_STOCK=$(abs "$PAHOLE_STOCK")

[ -x "$PAHOLE_PATCHED" ] || setup_fail "PAHOLE_PATCHED=$PAHOLE_PATCHED is not executable"
if [ -n "${PAHOLE_STOCK:-}" ] && [ ! -x "$PAHOLE_STOCK" ]; then
	setup_fail "PAHOLE_STOCK=$PAHOLE_STOCK is not executable"
fi
[ -x "$ORACLE" ] || setup_fail "no reference resolve_btfids at $ORACLE (run scripts/bootstrap.sh)"
command -v "$PY" >/dev/null 2>&1 || setup_fail "$PY not found (needed by tests/btfinfo.py)"
command -v cc >/dev/null 2>&1 || setup_fail "cc not found (needed for the test plugins)"

# The plugin and btfids: build them if missing or stale (the default paths only).
if [ "$PLUGIN" = "$ROOT/build/btfids.so" ] || [ "$BTFIDS" = "$ROOT/build/btfids" ]; then
	if ! make -q -s -C "$ROOT" all >/dev/null 2>&1; then
		make -s -C "$ROOT" all >"$OUT.plugin-make.log" 2>&1 ||
			setup_fail "make all failed: $(tail -n 5 "$OUT.plugin-make.log" | tr '\n' '|')"
	fi
fi
[ -f "$PLUGIN" ] || setup_fail "no plugin at $PLUGIN (make)"
[ -x "$BTFIDS" ] || setup_fail "no btfids at $BTFIDS (make)"

# the fixtures, under the lock over build/tests (as run-diff.sh)
. "$TESTS/fixtures-ready.sh"
fixtures_ready "$OUT/plugin-fixtures.log" ||
	setup_fail "building the fixtures failed: $(tail -n 5 "$OUT/plugin-fixtures.log" | tr '\n' '|')"
FIXTURES=$(sed -n 's/^FIXTURES="\(.*\)"$/\1/p' "$TESTS/build-fixtures.sh")
[ -n "$FIXTURES" ] || setup_fail "cannot read the fixture list of tests/build-fixtures.sh"
MODULES="mod mod_basekf mod_noids"

rm -rf "$WORK"
mkdir -p "$WORK" || setup_fail "cannot create $WORK"

echo "# pahole (patched): $PAHOLE_PATCHED, $("$PAHOLE_PATCHED" --version 2>&1 | head -n 1)"
[ -n "${PAHOLE_STOCK:-}" ] &&
	echo "# pahole (stock):   $PAHOLE_STOCK, $("$PAHOLE_STOCK" --version 2>&1 | head -n 1)"
echo "# plugin: $PLUGIN ($(md5sum <"$PLUGIN" | cut -c1-12)); reference: $ORACLE"

# ---------------------------------------------------------------- helpers

pass() { echo "ok $1"; }
skip() { echo "skip $1: $2"; }
fail() {	# CASE WHY [DETAILFILE]
	echo "FAIL $1: $2"
	[ -n "${3:-}" ] && [ -s "$3" ] && sed 's/^/    /' "$3" | head -n 40
	return 0
}

casedir() { echo "$WORK/${1//\//_}"; }

# finish CASE DIR WHY...: report; drop DIR when it passed (unless KEEP)
finish() {
	local c=$1 d=$2 why
	shift 2
	why=$(printf '%s\n' "$@" | grep . | paste -sd ';' | sed 's/;/; /g')
	if [ -z "$why" ]; then
		pass "$c"
		[ -n "${KEEP:-}" ] || rm -rf "$d"
	else
		fail "$c" "$why" "$d/why.txt"
	fi
}

# files DIR: regular files in DIR, one per line, sorted
files() { (cd "$1" && find . -maxdepth 1 -type f -printf '%P\n' | LC_ALL=C sort); }

warn_lines() { grep -a '^WARN' "$1" 2>/dev/null; }

# section ELF NAME OUT: write section NAME of ELF to OUT (no OUT if absent)
section() {
	"$PY" -c '
import sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[1])
from btfinfo import Elf
elf = Elf(sys.argv[2])
_, s = elf.section(sys.argv[3])
if s is not None:
    open(sys.argv[4], "wb").write(elf.contents(s))
' "$TESTS" "$1" "$2" "$3"
}

# explain A B NAME [BASE_A BASE_B [LABEL_A LABEL_B]] >> why.txt: where two
# files differ (BTF files decoded with tests/btfinfo.py dump)
explain() {
	local a=$1 b=$2 name=$3 ba=${4:-} bb=${5:-} la=${6:-two-step} lb=${7:-single}
	echo "== $name: $(stat -c %s "$a") vs $(stat -c %s "$b") bytes," \
		"$(cmp -l "$a" "$b" 2>/dev/null | wc -l) bytes differ," \
		"first: $(cmp "$a" "$b" 2>&1 | sed -n 's/.*differ: //p')"
	case $name in
	*.BTF|*.BTF.base)
		diff -u --label "$la" --label "$lb" \
			<("$PY" "$TESTS/btfinfo.py" dump "$a" ${ba:+--base "$ba"} 2>&1) \
			<("$PY" "$TESTS/btfinfo.py" dump "$b" ${bb:+--base "$bb"} 2>&1) |
			sed -n '3,16p' ;;
	*)
		cmp -l "$a" "$b" 2>&1 | head -n 8 ;;
	esac
}

# in_dir DIR LOG TIMEOUT CMD...: run CMD in DIR, stdout+stderr appended to LOG.err
# (outside DIR, so that it is not taken for an output file); prints nothing,
# returns CMD's status
in_dir() {
	local d=$1 log=$2 to=$3
	shift 3
	(cd "$d" && exec timeout "$to" "$@") >>"$log.out" 2>>"$log.err"
}

# The case definition, set by the callers:
#   X        input ELF
#   PA       pahole arguments besides -J and --btf_features (array)
#   SFEAT    features the single run adds (",distilled_base" or empty)
#   OA       resolver arguments besides --btf X.BTF.1 and X (array)
#   RES      resolver of the two-step run (ORACLE, or BTFIDS for many.*)
#   EXPECT   ok | fail: what the two-step run must do
#   BASE     base BTF for decoding differences (or empty)
#   PLUGIN_OPT  how the single run asks for the plugin (default
#            --btf_plugin=$PLUGIN)

# two_step DIR: the kernel's two steps on DIR/x, writing DIR/x.BTF.1 first
two_step() {
	local d=$1 rc
	in_dir "$d" "$d" "$TIMEOUT" "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" "${PA[@]}" \
		--btf_encode_detached=x.BTF.1 x
	rc=$?
	echo $rc >"$d.pahole.rc"
	if [ $rc = 0 ]; then
		in_dir "$d" "$d" "$TIMEOUT" "$RES" --btf x.BTF.1 "${OA[@]}" x
		rc=$?
	fi
	echo $rc >"$d.rc"
}

# single DIR detached|embedded [PAHOLE_ARGS...]: the single run on DIR/x
single() {
	local d=$1 how=$2 pf=${PLUGIN_OPT:-"--btf_plugin=$PLUGIN"}
	shift 2
	if [ "$how" = detached ]; then
		in_dir "$d" "$d" "$TIMEOUT" "$PAHOLE_PATCHED" -J --btf_features="$FEATURES$SFEAT" \
			"${PA[@]}" "$@" "$pf" --btf_encode_detached=x.BTF x
	else
		in_dir "$d" "$d" "$TIMEOUT" "$PAHOLE_PATCHED" -J --btf_features="$FEATURES$SFEAT" \
			"${PA[@]}" "$@" "$pf" x
	fi
	echo $? >"$d.rc"
}

# compare C: C/two (two-step) against C/single; prints the reasons for a
# failure, details go to C/why.txt.  $HOW is detached or embedded.
compare() {
	local c=$1 t=$1/two s=$1/single rt rs tp ft fs f ba bb wt ws
	rt=$(cat "$t.rc") rs=$(cat "$s.rc") tp=$(cat "$t.pahole.rc")
	if [ "$tp" != 0 ]; then
		echo "fixture problem: pahole without the plugin exited $tp: $(head -c 200 "$t.err" | tr '\n' '|')"
		return
	fi
	case $EXPECT in
	ok) [ "$rt" = 0 ] || echo "fixture problem: two-step exited $rt, expected 0: $(tail -c 200 "$t.err" | tr '\n' '|')" ;;
	fail) [ "$rt" = 255 ] || echo "fixture problem: two-step exited $rt, expected 255" ;;
	esac
	if [ "$rt" = 0 ] && [ "$rs" != 0 ]; then
		echo "single run exited $rs, two-step 0: $(head -c 300 "$s.err" | tr '\n' '|')"
	elif [ "$rt" != 0 ] && [ "$rs" = 0 ]; then
		echo "single run exited 0, two-step $rt"
	fi
	wt=$(warn_lines "$t.err") ws=$(warn_lines "$s.err")
	if [ "$wt" != "$ws" ]; then
		echo "WARN lines differ ($(grep -c . <<<"$wt") two-step vs $(grep -c . <<<"$ws") single)"
		diff -u --label two-step --label single <(echo "$wt") <(echo "$ws") |
			sed -n '3,12p' >>"$c/why.txt"
	fi
	cmp -s "$X" "$t/x" || echo "the two-step run modified its input ELF"
	if [ "$HOW" = detached ]; then
		cmp -s "$X" "$s/x" || echo "the single run modified its input ELF"
	elif [ "$rs" = 0 ]; then
		# what the single run leaves beside the ELF, then its sections
		fs=$(files "$s" | grep -v -x x | paste -sd ' ')
		case $fs in
		""|x.BTF_ids) ;;
		*) echo "embedded single run wrote [$fs] beside the ELF, want at most [x.BTF_ids]" ;;
		esac
		section "$s/x" .BTF "$s/x.BTF"
		section "$s/x" .BTF.base "$s/x.BTF.base"
	elif ! cmp -s "$X" "$s/x"; then
		echo "the failed single run modified the ELF"
	fi
	ft=$(files "$t" | grep -v -x -e x -e x.BTF.1 | paste -sd ' ')
	fs=$(files "$s" | grep -v -x x | paste -sd ' ')
	[ "$ft" = "$fs" ] || echo "output files [$fs], two-step [$ft]"
	for f in $ft; do
		[ -f "$s/$f" ] || continue
		cmp -s "$t/$f" "$s/$f" && continue
		echo "$f differs ($(stat -c %s "$t/$f") vs $(stat -c %s "$s/$f") bytes," \
			"first at $(cmp "$t/$f" "$s/$f" 2>&1 | sed -n 's/.*differ: //p'))"
		ba=$BASE bb=$BASE
		if [ "$f" = x.BTF ] && [ -f "$t/x.BTF.base" ]; then
			ba=$t/x.BTF.base bb=$s/x.BTF.base
		fi
		explain "$t/$f" "$s/$f" "$f" "$ba" "$bb" >>"$c/why.txt"
	done
}

# pair CASE HOW [STOCKCASE]: one single-vs-two-step case (X PA SFEAT OA
# RES EXPECT BASE set); with STOCKCASE also stock_detached on its pahole output
pair() {
	local c=$1 d why
	HOW=$2
	d=$(casedir "$c")
	mkdir -p "$d/two" "$d/single"
	: >"$d/why.txt"
	cp "$X" "$d/two/x" && cp "$X" "$d/single/x"
	two_step "$d/two"
	single "$d/single" "$HOW"
	why=$(compare "$d")
	[ -n "${3:-}" ] && stock_detached "$3" "$d/two"
	finish "$c" "$d" "$why"
}

# stock_detached CASE DIR: PAHOLE_STOCK's x.BTF.1 against the patched
# pahole's DIR/x.BTF.1 (made with the same arguments)
stock_detached() {
	local c=$1 src=$2 d why=() rc
	[ -n "${PAHOLE_STOCK:-}" ] || return 0
	[ -f "$src/x.BTF.1" ] || return 0
	d=$(casedir "$c")
	mkdir -p "$d/stock"
	: >"$d/why.txt"
	cp "$X" "$d/stock/x"
	in_dir "$d/stock" "$d/stock" "$TIMEOUT" "$PAHOLE_STOCK" -J --btf_features="$FEATURES" \
		"${PA[@]}" --btf_encode_detached=x.BTF.1 x
	rc=$?
	[ $rc = 0 ] || why+=("stock pahole exited $rc: $(head -c 200 "$d/stock.err" | tr '\n' '|')")
	if [ $rc = 0 ] && ! cmp -s "$src/x.BTF.1" "$d/stock/x.BTF.1"; then
		why+=("x.BTF.1 differs")
		explain "$d/stock/x.BTF.1" "$src/x.BTF.1" x.BTF "$BASE" "$BASE" stock patched >>"$d/why.txt"
	fi
	finish "$c" "$d" "${why[@]}"
}

# stock_embedded CASE FEATURES_SUFFIX: patched and stock pahole, no plugin,
# .BTF embedded into copies of X: the ELF files must be identical
stock_embedded() {
	local c=$1 sf=$2 d why=() rp rs t
	[ -n "${PAHOLE_STOCK:-}" ] || return 0
	d=$(casedir "$c")
	mkdir -p "$d/patched" "$d/stock"
	: >"$d/why.txt"
	for t in patched stock; do
		cp "$X" "$d/$t/x"
	done
	in_dir "$d/patched" "$d/patched" "$TIMEOUT" "$PAHOLE_PATCHED" -J \
		--btf_features="$FEATURES$sf" "${PA[@]}" x
	rp=$?
	in_dir "$d/stock" "$d/stock" "$TIMEOUT" "$PAHOLE_STOCK" -J \
		--btf_features="$FEATURES$sf" "${PA[@]}" x
	rs=$?
	[ $rp = $rs ] || why+=("exit: patched $rp, stock $rs")
	[ "$(files "$d/patched" | paste -sd ' ')" = "$(files "$d/stock" | paste -sd ' ')" ] ||
		why+=("files: patched [$(files "$d/patched" | paste -sd ' ')]," \
			"stock [$(files "$d/stock" | paste -sd ' ')]")
	if ! cmp -s "$d/patched/x" "$d/stock/x"; then
		why+=("the ELF differs (first at $(cmp "$d/stock/x" "$d/patched/x" 2>&1 | sed -n 's/.*differ: //p'))")
		for t in .BTF .BTF.base; do
			section "$d/stock/x" $t "$d/stock$t"
			section "$d/patched/x" $t "$d/patched$t"
			if [ -f "$d/stock$t" ] || [ -f "$d/patched$t" ]; then
				cmp -s "$d/stock$t" "$d/patched$t" || why+=("section $t differs")
			fi
		done
	fi
	finish "$c" "$d" "${why[@]}"
}

# ---------------------------------------------------------------- fixtures

expect_of() {
	case $1 in
	err_*) echo fail ;;
	*) echo ok ;;
	esac
}

fixture_cases() {	# ARCH
	local arch=$1 A=$OUT/$1 V=$OUT/$1/base.vmlinux fx name c d rc
	for name in $(for fx in $FIXTURES; do echo "$fx.o $fx.exe"; done) base.vmlinux; do
		X=$A/$name
		[ -f "$X" ] || { fail "$arch/$name" "fixture missing: $X"; continue; }
		fx=${name%.*}
		PA=() SFEAT="" OA=() RES=$ORACLE BASE=""
		EXPECT=$(expect_of "$fx")
		c=$arch/$name
		if [ "$fx" = many ]; then
			# the reference refuses (100 addresses per name): compare with btfids
			RES=$BTFIDS
			pair "$c/plain(btfids)" detached "stock/$c/plain"
			pair "$c/embedded(btfids)" embedded
			d=$(casedir "$c/reference-refuses")
			mkdir -p "$d"
			cp "$X" "$d/x"
			in_dir "$d" "$d" "$TIMEOUT" "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" \
				--btf_encode_detached=x.BTF.1 x &&
				in_dir "$d" "$d" "$TIMEOUT" "$ORACLE" --btf x.BTF.1 x
			rc=$?
			if [ $rc = 255 ] && grep -q 'crossed the number of allowed lists' "$d.err"; then
				finish "$c/reference-refuses" "$d"
			else
				finish "$c/reference-refuses" "$d" \
					"fixture problem: the reference exited $rc, expected 255 at its limit"
			fi
		else
			pair "$c/plain" detached "stock/$c/plain"
			pair "$c/embedded" embedded
		fi
		stock_embedded "stock/$c/embedded" ""
	done
	for fx in $MODULES; do
		X=$A/$fx.o RES=$ORACLE EXPECT=ok
		c=$arch/$fx.o
		PA=(--btf_base "$V") OA=(--btf_base "$V") SFEAT="" BASE=$V
		pair "$c/split" detached "stock/$c/split"
		pair "$c/split-embedded" embedded
		stock_embedded "stock/$c/split-embedded" ""
		OA=(--btf_base "$V" --distill_base) SFEAT=",distilled_base"
		pair "$c/distill" detached
		pair "$c/distill-embedded" embedded
		stock_embedded "stock/$c/distill-embedded" ",distilled_base"
		PA=() OA=(--distill_base) BASE=""
		pair "$c/distill-nobase" detached
	done
}

# ---------------------------------------------------------------- -j

# jobs_case CASE ELF TIMEOUT [PAHOLE_ARGS...]: -j1, -j2, -j8 with
# reproducible_build give the same output files, byte for byte
jobs_case() {
	local c=$1 elf=$2 to=$3 d j why=() f rc
	shift 3
	d=$(casedir "$c")
	mkdir -p "$d"
	: >"$d/why.txt"
	for j in 1 2 8; do
		mkdir -p "$d/j$j"
		ln -s "$elf" "$d/j$j/x"
		in_dir "$d/j$j" "$d/j$j" "$to" "$PAHOLE_PATCHED" -J -j$j --btf_features="$FEATURES" \
			--btf_features=+reproducible_build "$@" --btf_plugin="$PLUGIN" \
			--btf_encode_detached=x.BTF x
		rc=$?
		rm -f "$d/j$j/x"
		[ $rc = 0 ] || why+=("-j$j exited $rc: $(head -c 200 "$d/j$j.err" | tr '\n' '|')")
	done
	for j in 2 8; do
		[ "$(files "$d/j1" | paste -sd ' ')" = "$(files "$d/j$j" | paste -sd ' ')" ] ||
			why+=("-j$j wrote [$(files "$d/j$j" | paste -sd ' ')], -j1 [$(files "$d/j1" | paste -sd ' ')]")
		for f in $(files "$d/j1"); do
			[ -f "$d/j$j/$f" ] || continue
			cmp -s "$d/j1/$f" "$d/j$j/$f" && continue
			why+=("-j$j: $f differs from -j1's")
			explain "$d/j1/$f" "$d/j$j/$f" "$f" "" "" -j1 -j$j >>"$d/why.txt"
		done
	done
	[ -n "$(files "$d/j1")" ] || why+=("no output")
	finish "$c" "$d" "${why[@]}"
}

jobs_cases() {
	local A=$OUT/x86_64 big
	# the largest fixture by its BTF
	big=$(cd "$A" && ls -S -- *.o.BTF.1 *.exe.BTF.1 2>/dev/null | head -n 1)
	big=${big%.BTF.1}
	jobs_case "jobs/x86_64/$big" "$A/$big" "$TIMEOUT"
	jobs_case "jobs/x86_64/mod.o/distill" "$A/mod.o" "$TIMEOUT" \
		--btf_base "$A/base.vmlinux" --btf_features=distilled_base
}

# ---------------------------------------------------------------- cli

# cli_check_fail CASE DIR PATTERN [RC [WHY]]: DIR.rc is non-zero (or RC if
# given), DIR.err contains PATTERN, DIR holds no output file beside x
cli_check_fail() {
	local c=$1 d=$2 pattern=$3 want=${4:-} rc why=()
	[ -n "${5:-}" ] && why+=("$5")
	rc=$(cat "$d.rc")
	if [ -n "$want" ]; then
		[ "$rc" = "$want" ] || why+=("exit $rc, want $want")
	else
		[ "$rc" != 0 ] || why+=("exit 0, want a failure")
	fi
	grep -q -F -- "$pattern" "$d.err" ||
		why+=("stderr lacks '$pattern': $(head -c 300 "$d.err" | tr '\n' '|')")
	[ -z "$(files "$d" | grep -v -x x)" ] ||
		why+=("wrote [$(files "$d" | grep -v -x x | paste -sd ' ')]")
	finish "$c" "$d" "${why[@]}"
}

# cli_run CASE PAHOLE ARGS...: run in a fresh DIR with a copy of lists.o as x
cli_run() {
	local c=$1 p=$2 d
	shift 2
	d=$(casedir "$c")
	mkdir -p "$d"
	cp "$OUT/x86_64/lists.o" "$d/x"
	in_dir "$d" "$d" "$TIMEOUT" "$p" "$@"
	echo $? >"$d.rc"
	CLI_DIR=$d
}

cli_cases() {
	local d P=$WORK/cli-plugins pdir probe rc why
	mkdir -p "$P"
	# test plugins (tests/plugin/test_plugin.c), from the ABI header
	echo 'int not_a_btf_plugin = 1;' >"$P/nosym.c"
	local v ok=y
	cc -shared -fPIC -o "$P/nosym.so" "$P/nosym.c" >"$P/cc.log" 2>&1 || ok=""
	for v in noop FAILS FINISH_FAILS NO_POST_ENCODE OTHER_ABI OLDER NEWER; do
		cc -shared -fPIC -Wall -Werror -I"$ROOT/plugin/include" -D"$v" \
			-o "$P/$v.so" "$TESTS/plugin/test_plugin.c" >>"$P/cc.log" 2>&1 || ok=""
	done
	if [ -z "$ok" ]; then
		fail cli/test-plugins "cannot compile the test plugins: $(head -c 300 "$P/cc.log")"
		return
	fi

	# --resolve_btfids --version: loads btfids.so from the plugin directory
	probe=btfids-probe-$$
	pdir=$("$PAHOLE_PATCHED" --btf_plugin=$probe --version 2>&1 |
		sed -n "s|.*cannot load BTF plugin: \(.*\)/$probe\.so: .*|\1|p")
	cli_run cli/resolve_btfids-version "$PAHOLE_PATCHED" --resolve_btfids --version
	d=$CLI_DIR
	rc=$(cat "$d.rc")
	if [ -z "$pdir" ]; then
		finish cli/resolve_btfids-version "$d" \
			"cannot tell PAHOLE_PATCHED's plugin directory from --btf_plugin=$probe --version"
	elif [ -f "$pdir/btfids.so" ]; then
		if [ "$rc" = 0 ]; then
			finish cli/resolve_btfids-version "$d"
		else
			finish cli/resolve_btfids-version "$d" "exit $rc, want 0: $(head -c 300 "$d.err" | tr '\n' '|')"
		fi
		# and the installed plugin does what --btf_plugin=PLUGIN does
		echo "# --resolve_btfids loads $pdir/btfids.so ($(md5sum <"$pdir/btfids.so" | cut -c1-12))"
		PLUGIN_OPT=--resolve_btfids RES=$ORACLE EXPECT=ok
		X=$OUT/x86_64/kfuncs.o PA=() SFEAT="" OA=() BASE=""
		pair cli/resolve_btfids/kfuncs.o/plain detached
		X=$OUT/s390x/kfuncs.exe
		pair cli/resolve_btfids/s390x-kfuncs.exe/embedded embedded
		X=$OUT/x86_64/mod.o PA=(--btf_base "$OUT/x86_64/base.vmlinux") SFEAT=",distilled_base"
		OA=(--btf_base "$OUT/x86_64/base.vmlinux" --distill_base) BASE=$OUT/x86_64/base.vmlinux
		pair cli/resolve_btfids/mod.o/distill detached
		PLUGIN_OPT=--resolve_btfids=fatal_warnings
		X=$OUT/x86_64/warn.exe PA=() SFEAT="" OA=(--fatal_warnings) BASE=""
		pair cli/resolve_btfids=fatal_warnings/warn.exe/plain detached
		PLUGIN_OPT=""
	else
		skip cli/resolve_btfids-version "$pdir/btfids.so is not installed (PAHOLE_PATCHED's plugin directory), so exit 0 cannot be checked"
		# then it must fail (not 64, the status of an unknown option) naming the file
		[ "$rc" != 64 ] || echo "exit 64, the status of an unknown option" >"$d.why64"
		cli_check_fail cli/resolve_btfids-version-uninstalled "$d" "$pdir/btfids.so" "" "$(cat "$d.why64" 2>/dev/null)"
	fi
	if [ -n "${PAHOLE_STOCK:-}" ]; then
		cli_run cli/stock-resolve_btfids-version "$PAHOLE_STOCK" --resolve_btfids --version
		cli_check_fail cli/stock-resolve_btfids-version "$CLI_DIR" "resolve_btfids" 64
	else
		skip cli/stock-resolve_btfids-version "PAHOLE_STOCK not set (the unpatched pahole of the same version)"
	fi

	cli_run cli/plugin-version "$PAHOLE_PATCHED" --btf_plugin="$PLUGIN" --version
	if [ "$(cat "$CLI_DIR.rc")" = 0 ]; then
		finish cli/plugin-version "$CLI_DIR"
	else
		finish cli/plugin-version "$CLI_DIR" "exit $(cat "$CLI_DIR.rc"): $(head -c 300 "$CLI_DIR.err" | tr '\n' '|')"
	fi

	# a build that asked for a plugin must not go on without it
	cli_run cli/plugin-nonexistent "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" \
		--btf_plugin=/nonexistent.so --btf_encode_detached=x.BTF x
	cli_check_fail cli/plugin-nonexistent "$CLI_DIR" /nonexistent.so
	cli_run cli/plugin-no-symbol "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" \
		--btf_plugin="$P/nosym.so" --btf_encode_detached=x.BTF x
	cli_check_fail cli/plugin-no-symbol "$CLI_DIR" "is not a BTF plugin"
	cli_run cli/plugin-no-post_encode "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" \
		--btf_plugin="$P/NO_POST_ENCODE.so" --btf_encode_detached=x.BTF x
	cli_check_fail cli/plugin-no-post_encode "$CLI_DIR" "is not a BTF plugin"
	cli_run cli/plugin-abi-major "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" \
		--btf_plugin="$P/OTHER_ABI.so" --btf_encode_detached=x.BTF x
	cli_check_fail cli/plugin-abi-major "$CLI_DIR" "ABI"
	if grep -q "test plugin: called" "$CLI_DIR.err"; then
		fail cli/plugin-abi-major-not-called "pahole called a plugin of another ABI"
	fi
	cli_run cli/plugin-fails "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" \
		--btf_plugin="$P/FAILS.so" --btf_encode_detached=x.BTF x
	cli_check_fail cli/plugin-fails "$CLI_DIR" "failing on purpose"
	# finish() learns how pahole's writing went, and can fail the run
	cli_run cli/plugin-finish-sees-error "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" \
		--btf_plugin="$P/FAILS.so" --btf_encode_detached=x.BTF x
	grep -q "test plugin: finish, err -22" "$CLI_DIR.err" && finish cli/plugin-finish-sees-error "$CLI_DIR" ||
		finish cli/plugin-finish-sees-error "$CLI_DIR" "finish() not told of -EINVAL: $(head -c 300 "$CLI_DIR.err" | tr '\n' '|')"
	cli_run cli/plugin-finish-fails "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" \
		--btf_plugin="$P/FINISH_FAILS.so" --btf_encode_detached=x.BTF x
	if [ "$(cat "$CLI_DIR.rc")" != 0 ] && grep -q "test plugin: finish, err 0" "$CLI_DIR.err" &&
	   grep -q "finish failing on purpose" "$CLI_DIR.err"; then
		finish cli/plugin-finish-fails "$CLI_DIR"
	else
		finish cli/plugin-finish-fails "$CLI_DIR" "exit $(cat "$CLI_DIR.rc"), want a failure after finish(err 0): $(head -c 300 "$CLI_DIR.err" | tr '\n' '|')"
	fi
	# the structures' sizes: an older plugin (no finish) and a newer one
	# (a field pahole does not know) both run
	for v in OLDER NEWER; do
		cli_run "cli/plugin-$v" "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" \
			--btf_plugin="$P/$v.so" --btf_encode_detached=x.BTF x
		why=""
		[ "$(cat "$CLI_DIR.rc")" = 0 ] || why="exit $(cat "$CLI_DIR.rc"): $(head -c 300 "$CLI_DIR.err" | tr '\n' '|')"
		grep -q "test plugin: called" "$CLI_DIR.err" || why="${why:+$why; }post_encode() not called"
		if [ $v = OLDER ] && grep -q "test plugin: finish" "$CLI_DIR.err"; then
			why="${why:+$why; }finish() called, past the plugin's sz"
		fi
		[ -s "$CLI_DIR/x.BTF" ] || why="${why:+$why; }no x.BTF"
		finish "cli/plugin-$v" "$CLI_DIR" "$why"
	done
	cli_run cli/plugin-twice "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" \
		--btf_plugin="$P/noop.so" --btf_plugin="$PLUGIN" --btf_encode_detached=x.BTF x
	cli_check_fail cli/plugin-twice "$CLI_DIR" "only one BTF plugin"
	cli_run cli/plugin-unknown-argument "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" \
		--btf_plugin="$PLUGIN:bogus" --btf_encode_detached=x.BTF x
	cli_check_fail cli/plugin-unknown-argument "$CLI_DIR" "bogus"

	# a plugin that does nothing: pahole writes what it writes without a
	# plugin, detached and embedded
	local how
	for how in detached embedded; do
		d=$(casedir "cli/plugin-noop-$how")
		mkdir -p "$d/plain" "$d/noop"
		cp "$OUT/x86_64/kfuncs.o" "$d/plain/x"
		cp "$OUT/x86_64/kfuncs.o" "$d/noop/x"
		if [ $how = detached ]; then
			in_dir "$d/plain" "$d/plain" "$TIMEOUT" "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" \
				--btf_encode_detached=x.BTF x
			in_dir "$d/noop" "$d/noop" "$TIMEOUT" "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" \
				--btf_plugin="$P/noop.so" --btf_encode_detached=x.BTF x
		else
			in_dir "$d/plain" "$d/plain" "$TIMEOUT" "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" x
			in_dir "$d/noop" "$d/noop" "$TIMEOUT" "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" \
				--btf_plugin="$P/noop.so" x
		fi
		rc=$?
		why=()
		[ $rc = 0 ] || why+=("exit $rc: $(head -c 300 "$d/noop.err" | tr '\n' '|')")
		grep -q "test plugin: called for x" "$d/noop.err" || why+=("the plugin was not called")
		[ "$(files "$d/plain" | paste -sd ' ')" = "$(files "$d/noop" | paste -sd ' ')" ] ||
			why+=("files [$(files "$d/noop" | paste -sd ' ')], without plugin [$(files "$d/plain" | paste -sd ' ')]")
		for f in $(files "$d/plain"); do
			[ -f "$d/noop/$f" ] && ! cmp -s "$d/plain/$f" "$d/noop/$f" && why+=("$f differs")
		done
		finish "cli/plugin-noop-$how" "$d" "${why[@]}"
	done

	# plugin arguments: fatal_warnings changes nothing (as in Linux 7.2),
	# on the fixture with warnings; verbose is accepted
	X=$OUT/x86_64/warn.o PA=() SFEAT="" RES=$ORACLE EXPECT=ok BASE=""
	OA=(--fatal_warnings)
	local save=$PLUGIN
	PLUGIN="$save:fatal_warnings"
	pair cli/plugin-arg-fatal_warnings detached
	OA=()
	PLUGIN="$save:verbose"
	d=$(casedir cli/plugin-arg-verbose)
	mkdir -p "$d/single"
	cp "$X" "$d/single/x"
	single "$d/single" detached
	if [ "$(cat "$d/single.rc")" = 0 ] && [ -f "$d/single/x.BTF" ]; then
		finish cli/plugin-arg-verbose "$d"
	else
		finish cli/plugin-arg-verbose "$d" "exit $(cat "$d/single.rc"): $(head -c 300 "$d/single.err" | tr '\n' '|')"
	fi
	PLUGIN=$save
}

# ---------------------------------------------------------------- run

groups="$ARCHES cli jobs"
run_group() {
	case $1 in
	cli) cli_cases ;;
	jobs) jobs_cases ;;
	*) fixture_cases "$1" ;;
	esac
}
if [ -z "${PAHOLE_STOCK:-}" ]; then
	skip "stock/*" "PAHOLE_STOCK not set (the unpatched pahole of the same version, to check that the patched one writes the same bytes without a plugin)" >"$WORK/log.0stock"
fi
# shellcheck disable=SC2086
run_groups $groups
[ -f "$WORK/log.0stock" ] && cat "$WORK/log.0stock"

PASSED=$(cat "$WORK"/log.* | grep -c '^ok ')
FAILED=$(cat "$WORK"/log.* | grep -c '^FAIL ')
SKIPPED=$(cat "$WORK"/log.* | grep -c '^skip ')
[ "$FAILED" -gt 0 ] && echo "# failing cases keep their scratch directories under ${WORK#"$ROOT"/}"
summary="plugin: $PASSED passed, $FAILED failed"
[ "$SKIPPED" -gt 0 ] && summary="$summary, $SKIPPED skipped"
echo "$summary"
[ "$FAILED" -eq 0 ]
