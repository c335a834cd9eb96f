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
# must agree (tests/lib/harness.sh): both succeed or both fail, the same
# "WARN:" lines (same text, same order), the same output files (X.BTF,
# X.BTF_ids, X.BTF.base), each byte-identical, and X itself untouched.
# Modes:
#   plain       no base
#   embedded    single run without --btf_encode_detached: pahole puts the
#               final BTF into (a copy of) X, the plugin writes X.BTF_ids;
#               X's .BTF (and .BTF.base) sections must equal the two-step
#               files
#   split       modules on base.vmlinux (--btf_base)
#   distill     split, single run with --btf_features=...,distilled_base,
#               two-step with resolve_btfids --distill_base
#   distill-embedded, distill-nobase (distilled_base without a base)
# Expected failures: fixtures whose row in tests/fixtures/expect (for the
# release under test) says 255, err_* among them (the reference exits
# 255, the single run must
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
#   cli/...     --resolve_btfids --version; the loader's refusals, plugins
#               that fail, that do nothing, built older and newer than
#               pahole (tests/plugin/test_plugin.c), plugin arguments
#
# Output: "ok CASE", "FAIL CASE: why" (with indented details), "skip CASE:
# why"; last line "plugin: N passed, N failed[, N skipped]".  Failing
# cases keep their scratch directories (KEEP=1 keeps all).
#
# Environment: PAHOLE_PATCHED, PAHOLE_STOCK, PLUGIN (default
# build/btfids.so, rebuilt with make when stale), ORACLE (default: the
# release's, tests/lib/harness.sh; KERNEL=7.3 runs the suite for Linux
# 7.3), BTFIDS (default build/btfids), FEATURES,
# ARCHES, WORK (scratch directory, default build/tests/plugin), JOBS (1 =
# groups one after the other), KEEP, TIMEOUT.
set -u
set -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TESTS=$ROOT/tests
OUT=${OUT:-$ROOT/build/tests}
PLUGIN=${PLUGIN:-$ROOT/build/btfids.so}
BTFIDS=${BTFIDS:-$ROOT/build/btfids}
. "$ROOT/scripts/lib/kernel-flags.sh"
FEATURES=${FEATURES:-$KERNEL_BTF_FEATURES}
ARCHES=${ARCHES:-"x86_64 i386 s390x"}
TIMEOUT=${TIMEOUT:-120}
# shellcheck source=tests/lib/harness.sh
. "$TESTS/lib/harness.sh"
ORACLE=${ORACLE:-$H_ORACLE}

h_begin plugin "${WORK:-$OUT/plugin}"
WORK=$H_WORK

if [ -z "${PAHOLE_PATCHED:-}" ]; then
	h_skip "plugin/*" "PAHOLE_PATCHED not set (a pahole with dwarves-patches/ applied; see dwarves-patches/README.md)"
	h_end
	exit 0
fi

setup_fail() {
	h_fail plugin/setup "$*"
	h_end
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
command -v "$H_PY" >/dev/null 2>&1 || setup_fail "$H_PY not found (needed by tests/btfinfo.py)"
command -v cc >/dev/null 2>&1 || setup_fail "cc not found (needed for the test plugins)"

# The plugin and btfids: build them if missing or stale (the default paths only).
if [ "$PLUGIN" = "$ROOT/build/btfids.so" ] || [ "$BTFIDS" = "$ROOT/build/btfids" ]; then
	if ! make -q -s -C "$ROOT" all >/dev/null 2>&1; then
		make -s -C "$ROOT" all >"$WORK/make.log" 2>&1 ||
			setup_fail "make all failed: $(tail -n 5 "$WORK/make.log" | tr '\n' '|')"
	fi
fi
[ -f "$PLUGIN" ] || setup_fail "no plugin at $PLUGIN (make)"
[ -x "$BTFIDS" ] || setup_fail "no btfids at $BTFIDS (make)"

# the fixtures, under the lock over build/tests (as tests/differential/run.sh)
. "$TESTS/fixtures-ready.sh"
fixtures_ready "$OUT/plugin-fixtures.log" ||
	setup_fail "building the fixtures failed: $(tail -n 5 "$OUT/plugin-fixtures.log" | tr '\n' '|')"
FIXTURES=$(h_fixtures)
MODULES="mod mod_basekf mod_noids"

echo "# pahole (patched): $PAHOLE_PATCHED, $("$PAHOLE_PATCHED" --version 2>&1 | head -n 1)"
[ -n "${PAHOLE_STOCK:-}" ] &&
	echo "# pahole (stock):   $PAHOLE_STOCK, $("$PAHOLE_STOCK" --version 2>&1 | head -n 1)"
echo "# plugin: $PLUGIN ($(md5sum <"$PLUGIN" | cut -c1-12)); reference: $ORACLE"

casedir() { echo "$WORK/${1//\//_}"; }

# section ELF NAME OUT: section NAME of ELF into OUT (no OUT if absent)
section() { "$H_PY" "$H_BTFINFO" section "$1" "$2" "$3"; }

# ---------------------------------------------------------------- pairs

# pair CASE KEY=VALUE...: one case, the single run against the two steps.
#   x=ELF          the input (required)
#   how=detached   or embedded: the single run without --btf_encode_detached
#   pa="ARGS"      pahole arguments besides -J and --btf_features
#   oa="ARGS"      the resolver's besides --btf x.BTF.1 and x
#   sfeat=",F"     features the single run adds (",distilled_base")
#   res=ORACLE     the two-step resolver (or BTFIDS, for many.*)
#   expect=ok      or fail: what the two-step run must do
#   base=FILE      base BTF, for explaining a difference
#   plugin=OPT     how the single run asks for the plugin
#                  (default --btf_plugin=PLUGIN)
#   stock=CASE     also CASE: stock pahole's x.BTF.1 against the patched one's
# (ARGS are split on blanks: no argument of this suite has one.)
pair() {
	local c=$1 kv x="" how=detached pa="" oa="" sfeat="" res=$ORACLE expect=ok base=""
	local plugin="--btf_plugin=$PLUGIN" stock="" d why
	shift
	for kv; do
		case $kv in
		x=*) x=${kv#x=} ;;
		how=*) how=${kv#how=} ;;
		pa=*) pa=${kv#pa=} ;;
		oa=*) oa=${kv#oa=} ;;
		sfeat=*) sfeat=${kv#sfeat=} ;;
		res=*) res=${kv#res=} ;;
		expect=*) expect=${kv#expect=} ;;
		base=*) base=${kv#base=} ;;
		plugin=*) plugin=${kv#plugin=} ;;
		stock=*) stock=${kv#stock=} ;;
		*) h_fail "$c" "test bug: unknown field $kv"; return ;;
		esac
	done
	d=$(casedir "$c")
	mkdir -p "$d/two" "$d/single"
	cp "$x" "$d/two/x" && cp "$x" "$d/single/x"
	# shellcheck disable=SC2086
	two_step "$d/two" "$res" "$pa" "$oa"
	# shellcheck disable=SC2086
	single "$d/single" "$how" "$plugin" "$sfeat" $pa
	why=$(compare "$d" "$x" "$how" "$expect" "$base")
	[ -n "$stock" ] && stock_detached "$stock" "$d/two" "$x" "$pa" "$base"
	h_done "$c" "$d" "$why"
}

# two_step DIR RESOLVER "PAHOLE_ARGS" "RESOLVER_ARGS": the kernel's two
# steps on DIR/x; DIR.pahole.rc is pahole's exit, DIR.rc the pair's
two_step() {
	local d=$1 res=$2 pa=$3 oa=$4
	# shellcheck disable=SC2086
	h_run "$d" "$TIMEOUT" "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" $pa \
		--btf_encode_detached=x.BTF.1 x
	cp "$d.rc" "$d.pahole.rc"
	[ "$(cat "$d.rc")" = 0 ] || return 0
	mv "$d.err" "$d.pahole.err"
	# shellcheck disable=SC2086
	h_run "$d" "$TIMEOUT" "$res" --btf x.BTF.1 $oa x
	cat "$d.pahole.err" "$d.err" >"$d.err.all" && mv "$d.err.all" "$d.err"
}

# single DIR HOW PLUGIN_OPT SFEAT [PAHOLE_ARGS...]: the single run on DIR/x
single() {
	local d=$1 how=$2 pf=$3 sfeat=$4
	shift 4
	if [ "$how" = detached ]; then
		h_run "$d" "$TIMEOUT" "$PAHOLE_PATCHED" -J --btf_features="$FEATURES$sfeat" \
			"$@" "$pf" --btf_encode_detached=x.BTF x
	else
		h_run "$d" "$TIMEOUT" "$PAHOLE_PATCHED" -J --btf_features="$FEATURES$sfeat" \
			"$@" "$pf" x
	fi
}

# compare C X HOW EXPECT BASE: C/two against C/single, the reasons they
# differ; the comparison itself is the harness's
compare() {
	local c=$1 x=$2 how=$3 expect=$4 base=$5 t=$1/two s=$1/single rt rs tp fs
	rt=$(cat "$t.rc") rs=$(cat "$s.rc") tp=$(cat "$t.pahole.rc")
	if [ "$tp" != 0 ]; then
		echo "fixture problem: pahole without the plugin exited $tp: $(head -c 200 "$t.err" | tr '\n' '|')"
		return
	fi
	case $expect in
	ok) [ "$rt" = 0 ] || echo "fixture problem: two-step exited $rt, expected 0: $(tail -c 200 "$t.err" | tr '\n' '|')" ;;
	fail) [ "$rt" = 255 ] || echo "fixture problem: two-step exited $rt, expected 255" ;;
	esac
	if [ "$rt" = 0 ] && [ "$rs" != 0 ]; then
		echo "single run exited $rs, two-step 0: $(head -c 300 "$s.err" | tr '\n' '|')"
	elif [ "$rt" != 0 ] && [ "$rs" = 0 ]; then
		echo "single run exited 0, two-step $rt"
	fi
	h_equal "$x" "$t/x" || echo "the two-step run modified its input ELF"
	if [ "$how" = detached ]; then
		h_equal "$x" "$s/x" || echo "the single run modified its input ELF"
	elif [ "$rs" = 0 ]; then
		# what the single run leaves beside the ELF, then its sections
		fs=$(h_files "$s" | tr ' ' '\n' | grep -v -x x | paste -sd ' ')
		case $fs in
		""|x.BTF_ids) ;;
		*) echo "embedded single run wrote [$fs] beside the ELF, want at most [x.BTF_ids]" ;;
		esac
		section "$s/x" .BTF "$s/x.BTF"
		section "$s/x" .BTF.base "$s/x.BTF.base"
	elif ! h_equal "$x" "$s/x"; then
		echo "the failed single run modified the ELF"
	fi
	h_compare "$t" "$s" --no-rc --input x --ignore x.BTF.1 --labels two-step single \
		${base:+--base "$base" "$base"}
}

# stock_detached CASE DIR X "PAHOLE_ARGS" BASE: PAHOLE_STOCK's x.BTF.1
# against the patched pahole's DIR/x.BTF.1 (made with the same arguments)
stock_detached() {
	local c=$1 src=$2 x=$3 pa=$4 base=$5 d why="" rc
	[ -n "${PAHOLE_STOCK:-}" ] || return 0
	[ -f "$src/x.BTF.1" ] || return 0
	d=$(casedir "$c")
	mkdir -p "$d/stock"
	cp "$x" "$d/stock/x"
	# shellcheck disable=SC2086
	h_run "$d/stock" "$TIMEOUT" "$PAHOLE_STOCK" -J --btf_features="$FEATURES" $pa \
		--btf_encode_detached=x.BTF.1 x
	rc=$(cat "$d/stock.rc")
	if [ "$rc" != 0 ]; then
		why="stock pahole exited $rc: $(head -c 200 "$d/stock.err" | tr '\n' '|')"
	else
		why=$(H_LA=stock H_LB=patched H_DETAIL=$d.why \
		      h_same "$d/stock/x.BTF.1" "$src/x.BTF.1" x.BTF "$base" "$base")
	fi
	h_done "$c" "$d" "$why"
}

# stock_embedded CASE X FEATURES_SUFFIX "PAHOLE_ARGS": patched and stock
# pahole, no plugin, .BTF embedded into copies of X: the same ELF bytes
stock_embedded() {
	local c=$1 x=$2 sf=$3 pa=$4 d why t
	[ -n "${PAHOLE_STOCK:-}" ] || return 0
	d=$(casedir "$c")
	mkdir -p "$d/patched" "$d/stock"
	for t in patched stock; do
		cp "$x" "$d/$t/x"
	done
	# shellcheck disable=SC2086
	h_run "$d/patched" "$TIMEOUT" "$PAHOLE_PATCHED" -J --btf_features="$FEATURES$sf" $pa x
	# shellcheck disable=SC2086
	h_run "$d/stock" "$TIMEOUT" "$PAHOLE_STOCK" -J --btf_features="$FEATURES$sf" $pa x
	for t in patched stock; do
		section "$d/$t/x" .BTF "$d/$t/x.BTF"
		section "$d/$t/x" .BTF.base "$d/$t/x.BTF.base"
	done
	why=$(h_compare "$d/stock" "$d/patched" --labels stock patched)
	h_done "$c" "$d" "$why"
}

# ---------------------------------------------------------------- fixtures

fixture_cases() {	# ARCH
	local arch=$1 A=$OUT/$1 V=$OUT/$1/base.vmlinux fx name c d rc expect
	for name in $(for fx in $FIXTURES; do echo "$fx.o $fx.exe"; done) base.vmlinux; do
		[ -f "$A/$name" ] || { h_fail "$arch/$name" "fixture missing: $A/$name"; continue; }
		fx=${name%.*}
		c=$arch/$name
		case $(h_expect "$fx" | cut -d' ' -f1) in 255) expect=fail ;; *) expect=ok ;; esac
		if [ "$fx" = many ]; then
			# the reference refuses (100 addresses per name): compare with btfids
			pair "$c/plain(btfids)" x="$A/$name" res="$BTFIDS" stock="stock/$c/plain"
			pair "$c/embedded(btfids)" x="$A/$name" res="$BTFIDS" how=embedded
			d=$(casedir "$c/reference-refuses")
			mkdir -p "$d"
			cp "$A/$name" "$d/x"
			two_step "$d" "$ORACLE" "" ""
			rc=$(cat "$d.rc")
			if [ "$rc" = 255 ] && grep -q 'crossed the number of allowed lists' "$d.err"; then
				h_done "$c/reference-refuses" "$d" ""
			else
				h_done "$c/reference-refuses" "$d" \
					"fixture problem: the reference exited $rc, expected 255 at its limit"
			fi
		else
			pair "$c/plain" x="$A/$name" expect=$expect stock="stock/$c/plain"
			pair "$c/embedded" x="$A/$name" expect=$expect how=embedded
		fi
		stock_embedded "stock/$c/embedded" "$A/$name" "" ""
	done
	for fx in $MODULES; do
		c=$arch/$fx.o
		pair "$c/split" x="$A/$fx.o" pa="--btf_base $V" oa="--btf_base $V" base="$V" \
			stock="stock/$c/split"
		pair "$c/split-embedded" x="$A/$fx.o" pa="--btf_base $V" oa="--btf_base $V" \
			base="$V" how=embedded
		stock_embedded "stock/$c/split-embedded" "$A/$fx.o" "" "--btf_base $V"
		pair "$c/distill" x="$A/$fx.o" pa="--btf_base $V" oa="--btf_base $V --distill_base" \
			sfeat=",distilled_base" base="$V"
		pair "$c/distill-embedded" x="$A/$fx.o" pa="--btf_base $V" \
			oa="--btf_base $V --distill_base" sfeat=",distilled_base" base="$V" how=embedded
		stock_embedded "stock/$c/distill-embedded" "$A/$fx.o" ",distilled_base" "--btf_base $V"
		pair "$c/distill-nobase" x="$A/$fx.o" oa="--distill_base" sfeat=",distilled_base"
	done
}

# ---------------------------------------------------------------- -j

# jobs_case CASE ELF [PAHOLE_ARGS...]: -j1, -j2, -j8 with
# reproducible_build give the same output files, byte for byte
jobs_case() {
	local c=$1 elf=$2 d j why="" rc
	shift 2
	d=$(casedir "$c")
	mkdir -p "$d"
	for j in 1 2 8; do
		mkdir -p "$d/j$j"
		ln -s "$elf" "$d/j$j/x"
		h_run "$d/j$j" "$TIMEOUT" "$PAHOLE_PATCHED" -J -j$j --btf_features="$FEATURES" \
			--btf_features=+reproducible_build "$@" --btf_plugin="$PLUGIN" \
			--btf_encode_detached=x.BTF x
		rc=$(cat "$d/j$j.rc")
		rm -f "$d/j$j/x"
		[ "$rc" = 0 ] || why="$why"$'\n'"-j$j exited $rc: $(head -c 200 "$d/j$j.err" | tr '\n' '|')"
	done
	for j in 2 8; do
		why="$why"$'\n'$(h_compare "$d/j1" "$d/j$j" --labels -j1 "-j$j")
	done
	[ -n "$(h_files "$d/j1")" ] || why="$why"$'\n'"no output"
	h_done "$c" "$d" "$why"
}

jobs_cases() {
	local A=$OUT/x86_64 big
	# the largest fixture by its BTF
	big=$(cd "$A" && ls -S -- *.o.BTF.1 *.exe.BTF.1 2>/dev/null | head -n 1)
	big=${big%.BTF.1}
	jobs_case "jobs/x86_64/$big" "$A/$big"
	jobs_case "jobs/x86_64/mod.o/distill" "$A/mod.o" \
		--btf_base "$A/base.vmlinux" --btf_features=distilled_base
}

# ---------------------------------------------------------------- cli

# cli_run CASE PAHOLE ARGS...: in a fresh DIR (CLI_DIR) with a copy of lists.o as x
cli_run() {
	local c=$1 p=$2
	shift 2
	CLI_DIR=$(casedir "$c")
	mkdir -p "$CLI_DIR"
	cp "$OUT/x86_64/lists.o" "$CLI_DIR/x"
	h_run "$CLI_DIR" "$TIMEOUT" "$p" "$@"
}

# cli_fails CASE PATTERN [RC [WHY]] -- PAHOLE ARGS...: the run fails (with
# RC if given), its stderr has PATTERN, it leaves no file beside x
cli_fails() {
	local c=$1 pattern=$2 want=${3:-} extra=${4:-} rc why
	shift 4
	cli_run "$c" "$@"
	rc=$(cat "$CLI_DIR.rc")
	why=$extra
	if [ -n "$want" ]; then
		[ "$rc" = "$want" ] || why="$why"$'\n'"exit $rc, want $want"
	else
		[ "$rc" != 0 ] || why="$why"$'\n'"exit 0, want a failure"
	fi
	grep -q -F -- "$pattern" "$CLI_DIR.err" ||
		why="$why"$'\n'"stderr lacks '$pattern': $(head -c 300 "$CLI_DIR.err" | tr '\n' '|')"
	[ "$(h_files "$CLI_DIR")" = x ] || why="$why"$'\n'"wrote [$(h_files "$CLI_DIR")]"
	h_done "$c" "$CLI_DIR" "$why"
}

# cli_ok CASE CHECK -- PAHOLE ARGS...: the run succeeds; CHECK (a grep
# pattern of the stderr, "!PATTERN" for must-not) holds
cli_ok() {
	local c=$1 checks=$2 why="" p
	shift 2
	cli_run "$c" "$@"
	[ "$(cat "$CLI_DIR.rc")" = 0 ] || why="exit $(cat "$CLI_DIR.rc"): $(head -c 300 "$CLI_DIR.err" | tr '\n' '|')"
	IFS='|' read -r -a p <<<"$checks"
	for p in "${p[@]}"; do
		case $p in
		"") ;;
		!*) grep -q -- "${p#!}" "$CLI_DIR.err" && why="$why"$'\n'"stderr has '${p#!}'" ;;
		*) grep -q -- "$p" "$CLI_DIR.err" || why="$why"$'\n'"stderr lacks '$p'" ;;
		esac
	done
	h_done "$c" "$CLI_DIR" "$why"
}

build_test_plugins() {
	local v ok=y
	echo 'int not_a_btf_plugin = 1;' >"$P/nosym.c"
	cc -shared -fPIC -o "$P/nosym.so" "$P/nosym.c" >"$P/cc.log" 2>&1 || ok=""
	for v in noop FAILS FINISH_FAILS NO_POST_ENCODE OTHER_ABI OLDER NEWER ADDS_TO_BASE; do
		# shellcheck disable=SC2046
		cc -shared -fPIC -Wall -Werror -I"$ROOT/plugin/include" -D"$v" \
			$(sed -n 's/^LIBBPF_CFLAGS := //p' "$ROOT/build/config.mk") \
			-o "$P/$v.so" "$TESTS/plugin/test_plugin.c" >>"$P/cc.log" 2>&1 || ok=""
	done
	[ -n "$ok" ]
}

# --resolve_btfids --version, and --resolve_btfids doing what --btf_plugin does
resolve_btfids_cases() {
	local probe=btfids-probe-$$ pdir A=$OUT/x86_64 V=$OUT/x86_64/base.vmlinux
	pdir=$("$PAHOLE_PATCHED" --btf_plugin=$probe --version 2>&1 |
		sed -n "s|.*cannot load BTF plugin: \(.*\)/$probe\.so: .*|\1|p")
	if [ -z "$pdir" ]; then
		h_fail cli/resolve_btfids-version "cannot tell PAHOLE_PATCHED's plugin directory from --btf_plugin=$probe --version"
	elif [ -f "$pdir/btfids.so" ]; then
		cli_ok cli/resolve_btfids-version "" "$PAHOLE_PATCHED" --resolve_btfids --version
		echo "# --resolve_btfids loads $pdir/btfids.so ($(md5sum <"$pdir/btfids.so" | cut -c1-12))"
		pair cli/resolve_btfids/kfuncs73.o/plain x="$A/kfuncs73.o" plugin=--resolve_btfids
		pair cli/resolve_btfids/s390x-kfuncs73.exe/embedded x="$OUT/s390x/kfuncs73.exe" \
			plugin=--resolve_btfids how=embedded
		pair cli/resolve_btfids/mod.o/distill x="$A/mod.o" plugin=--resolve_btfids \
			pa="--btf_base $V" oa="--btf_base $V --distill_base" sfeat=",distilled_base" base="$V"
		pair cli/resolve_btfids=fatal_warnings/warn.exe/plain x="$A/warn.exe" \
			plugin=--resolve_btfids=fatal_warnings oa=--fatal_warnings
	else
		h_skip cli/resolve_btfids-version "$pdir/btfids.so is not installed (PAHOLE_PATCHED's plugin directory), so exit 0 cannot be checked"
		cli_fails cli/resolve_btfids-version-uninstalled "$pdir/btfids.so" "" "" \
			"$PAHOLE_PATCHED" --resolve_btfids --version
	fi
	if [ -n "${PAHOLE_STOCK:-}" ]; then
		cli_fails cli/stock-resolve_btfids-version "resolve_btfids" 64 "" \
			"$PAHOLE_STOCK" --resolve_btfids --version
	else
		h_skip cli/stock-resolve_btfids-version "PAHOLE_STOCK not set (the unpatched pahole of the same version)"
	fi
}

# a plugin that does nothing: pahole writes what it writes without one
noop_case() {	# detached|embedded
	local how=$1 d why det=()
	d=$(casedir "cli/plugin-noop-$how")
	mkdir -p "$d/plain" "$d/noop"
	cp "$OUT/x86_64/kfuncs.o" "$d/plain/x"
	cp "$OUT/x86_64/kfuncs.o" "$d/noop/x"
	[ "$how" = detached ] && det=(--btf_encode_detached=x.BTF)
	h_run "$d/plain" "$TIMEOUT" "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" "${det[@]}" x
	h_run "$d/noop" "$TIMEOUT" "$PAHOLE_PATCHED" -J --btf_features="$FEATURES" \
		--btf_plugin="$P/noop.so" "${det[@]}" x
	why=$(h_compare "$d/plain" "$d/noop" --labels "without plugin" "with a no-op plugin")
	grep -q "test plugin: called for x" "$d/noop.err" || why="$why"$'\n'"the plugin was not called"
	h_done "cli/plugin-noop-$how" "$d" "$why"
}

cli_cases() {
	local P=$WORK/cli-plugins D="-J --btf_features=$FEATURES" v d
	mkdir -p "$P"
	build_test_plugins || { h_fail cli/test-plugins "cannot compile the test plugins: $(head -c 300 "$P/cc.log")"; return; }
	resolve_btfids_cases
	cli_ok cli/plugin-version "" "$PAHOLE_PATCHED" --btf_plugin="$PLUGIN" --version

	# a build that asked for a plugin must not go on without it; one case a line
	# shellcheck disable=SC2086
	{
	cli_fails cli/plugin-nonexistent /nonexistent.so "" "" "$PAHOLE_PATCHED" $D --btf_plugin=/nonexistent.so --btf_encode_detached=x.BTF x
	cli_fails cli/plugin-no-symbol "is not a BTF plugin" "" "" "$PAHOLE_PATCHED" $D --btf_plugin="$P/nosym.so" --btf_encode_detached=x.BTF x
	cli_fails cli/plugin-no-post_encode "is not a BTF plugin" "" "" "$PAHOLE_PATCHED" $D --btf_plugin="$P/NO_POST_ENCODE.so" --btf_encode_detached=x.BTF x
	cli_fails cli/plugin-abi-major "ABI" "" "" "$PAHOLE_PATCHED" $D --btf_plugin="$P/OTHER_ABI.so" --btf_encode_detached=x.BTF x
	cli_fails cli/plugin-fails "failing on purpose" "" "" "$PAHOLE_PATCHED" $D --btf_plugin="$P/FAILS.so" --btf_encode_detached=x.BTF x
	cli_fails cli/plugin-twice "only one BTF plugin" "" "" "$PAHOLE_PATCHED" $D --btf_plugin="$P/noop.so" --btf_plugin="$PLUGIN" --btf_encode_detached=x.BTF x
	cli_fails cli/plugin-unknown-argument "bogus" "" "" "$PAHOLE_PATCHED" $D --btf_plugin="$PLUGIN:bogus" --btf_encode_detached=x.BTF x
	cli_fails cli/plugin-adds-to-base "changed the base BTF" "" "" "$PAHOLE_PATCHED" $D --btf_base "$OUT/x86_64/base.vmlinux" --btf_plugin="$P/ADDS_TO_BASE.so" --btf_encode_detached=x.BTF x
	}
	grep -q "test plugin: called" "$(casedir cli/plugin-abi-major).err" 2>/dev/null &&
		h_fail cli/plugin-abi-major-not-called "pahole called a plugin of another ABI"
	# finish() learns how pahole's writing went, and can fail the run
	cli_run cli/plugin-finish-sees-error "$PAHOLE_PATCHED" $D --btf_plugin="$P/FAILS.so" --btf_encode_detached=x.BTF x
	h_done cli/plugin-finish-sees-error "$CLI_DIR" \
		"$(grep -q "test plugin: finish, err -22" "$CLI_DIR.err" || echo "finish() not told of -EINVAL")"
	cli_run cli/plugin-finish-fails "$PAHOLE_PATCHED" $D --btf_plugin="$P/FINISH_FAILS.so" --btf_encode_detached=x.BTF x
	h_done cli/plugin-finish-fails "$CLI_DIR" "$( [ "$(cat "$CLI_DIR.rc")" != 0 ] &&
		grep -q "test plugin: finish, err 0" "$CLI_DIR.err" && grep -q "finish failing on purpose" "$CLI_DIR.err" ||
		echo "exit $(cat "$CLI_DIR.rc"), want a failure after finish(err 0)")"
	# the structures' sizes: an older plugin (no finish) and a newer one both run
	cli_ok cli/plugin-OLDER "test plugin: called|!test plugin: finish" "$PAHOLE_PATCHED" $D --btf_plugin="$P/OLDER.so" --btf_encode_detached=x.BTF x
	cli_ok cli/plugin-NEWER "test plugin: called" "$PAHOLE_PATCHED" $D --btf_plugin="$P/NEWER.so" --btf_encode_detached=x.BTF x
	noop_case detached
	noop_case embedded
	# plugin arguments: fatal_warnings changes nothing (as in Linux 7.2); verbose is accepted
	pair cli/plugin-arg-fatal_warnings x="$OUT/x86_64/warn.o" plugin="--btf_plugin=$PLUGIN:fatal_warnings" \
		oa=--fatal_warnings
	cli_ok cli/plugin-arg-verbose "" "$PAHOLE_PATCHED" $D --btf_plugin="$PLUGIN:verbose" --btf_encode_detached=x.BTF x
}

# ---------------------------------------------------------------- run

h_group() {
	case $1 in
	cli) cli_cases ;;
	jobs) jobs_cases ;;
	*) fixture_cases "$1" ;;
	esac
}
[ -n "${PAHOLE_STOCK:-}" ] ||
	h_skip "stock/*" "PAHOLE_STOCK not set (the unpatched pahole of the same version, to check that the patched one writes the same bytes without a plugin)"
# shellcheck disable=SC2086
h_groups $ARCHES cli jobs
h_end
