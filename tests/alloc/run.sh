#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/alloc/run.sh - every allocation failed, one run at a time.
#
# For each command below, a clean run counts the allocations it makes
# (tests/alloc/failalloc.c, LD_PRELOAD), then the command runs again once
# for every N, with the N-th allocation failing.  Each of those runs must
# either succeed with the clean run's outputs, byte for byte, or fail:
# non-zero exit, not killed by a signal, exactly one error line on stderr
# ("btfids: FILE: ..."; for pahole, its own "Failed to encode BTF" may
# follow), no new file (output or temporary), and the input unchanged.
#
#   btfids/fixture      btfids --btf x.BTF.1 x on a fixture with kfunc sets
#   btfids/distill      btfids --btf m.BTF.1 --btf_base B --distill_base m: a
#                       fixture module on its base; under BTFIDS_FULL, a real
#                       module of Debian's 7.2 kernel on vmlinux as well
#   btfids/patch        btfids --patch_btfids x.BTF_ids x
#   btfids/dump         btfids dump --json on that fixture, finished
#   btfids/verify       btfids verify on a finished fixture module split on
#                       its base
#   pahole/plugin       pahole -J --btf_plugin=btfids.so on a fixture module
#                       with --btf_base and distilled_base, counting only the
#                       allocations made with the plugin on the stack (its
#                       own and libbpf's for it)
# Each prints one line with its counts: runs, tolerated (succeeded with the
# same outputs), failed cleanly, and any silent, multi-line, partial or
# crashed run, which fail the case.  For the commands that print
# (SWEEP_STDOUT set), a run that succeeds prints what the clean run printed;
# one that fails prints nothing on stdout (SWEEP_STDOUT=1, dump) or only
# its summary line (SWEEP_STDOUT=summary, verify).  SAMPLE=K tries
# every K-th N only (the
# real module's sweep runs only under BTFIDS_FULL).
set -u

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
B=${BUILD:-$TOP/build}
W=$B/tests/alloc
SHIM=$B/tests/failalloc.so
BTFIDS=${BTFIDS:-$B/btfids}
PAHOLE_PATCHED=${PAHOLE_PATCHED:-$B/pahole/pahole}
PLUGIN=${PLUGIN:-$B/btfids.so}
FX=$B/tests/x86_64
# shellcheck source=scripts/lib/kernel-flags.sh
. "$TOP/scripts/lib/kernel-flags.sh"
# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"
h_begin alloc "$W"
summary() { h_end; }

# files DIR: every name in DIR (symbolic links and temporaries included),
# sorted, one line
files() { (cd "$1" && LC_ALL=C ls -A | paste -sd ' '); }

# error_lines ERR: stderr without warnings and pahole's generic trailer
error_lines() { grep -v -e '^WARN: ' -e '^Failed to encode BTF$' "$1"; }

# run_in DIR N CMD...: CMD in DIR with the N-th allocation failing (0: none)
run_in() {
	local d=$1 n=$2
	shift 2
	(cd "$d" && exec timeout 120 env FAILALLOC_AT="$n" FAILALLOC_COUNT="$d.count" \
		LD_PRELOAD="$SHIM" "$@") >"$d.out" 2>"$d.err"
}

# sweep CASE INPUTS CMD...: the sweep of one command.  INPUTS is a space
# separated list of files copied into each run's directory (the command's
# input and working files); CMD runs there.  FAILALLOC_DSO, if set, passes
# through.
sweep() {
	local c=$1 inputs=$2 d n total step rc lines why f
	local ok_same=0 ok_fail=0 silent=0 multi=0 partial=0 crash=0 bad=""
	shift 2
	d=$W/${c//\//_}
	rm -rf "$d" && mkdir -p "$d/ref"
	# shellcheck disable=SC2086
	cp -P $inputs "$d/ref/"
	run_in "$d/ref" 0 "$@"
	rc=$?
	if [ $rc != 0 ]; then
		h_fail "$c" "the clean run exited $rc: $(head -c 300 "$d/ref.err" | tr '\n' '|')"
		return
	fi
	total=$(cat "$d/ref.count")
	step=${SAMPLE:-1}
	for n in $(seq 1 "$step" "$total"); do
		rm -rf "$d/run" && mkdir -p "$d/run"
		# shellcheck disable=SC2086
		cp -P $inputs "$d/run/"
		run_in "$d/run" "$n" "$@"
		rc=$?
		why=""
		if [ $rc = 0 ]; then
			why=$(H_DETAIL=/dev/null h_compare "$d/ref" "$d/run" --no-rc --labels clean "N=$n" |
				head -n 1)
			[ -n "$why" ] && why="partial: $why"
			[ "$(files "$d/run")" = "$(files "$d/ref")" ] || why="partial: files [$(files "$d/run")]"
			[ -z "${SWEEP_STDOUT:-}" ] || h_equal "$d/ref.out" "$d/run.out" ||
				why="partial: stdout differs from the clean run's"
			[ -z "$why" ] && ok_same=$((ok_same + 1))
			[ -n "$why" ] && partial=$((partial + 1))
		elif [ $rc -gt 128 ] && [ $rc != 255 ]; then
			crash=$((crash + 1)) why="crash: exit $rc"
		else
			lines=$(error_lines "$d/run.err" | grep -c .)
			if [ "$lines" = 0 ]; then
				silent=$((silent + 1)) why="silent: exit $rc"
			elif [ "$lines" != 1 ] || ! error_lines "$d/run.err" | grep -q '^btfids: [^:]*: .'; then
				multi=$((multi + 1)) why="$lines lines: $(head -c 200 "$d/run.err" | tr '\n' '|')"
			else
				for f in $inputs; do
					[ -L "$f" ] && continue	# large and read-only: a base
					h_equal "$f" "$d/run/$(basename "$f")" || why="partial: input $(basename "$f") changed"
				done
				[ "$(files "$d/run")" = "$(cd "$d/run" && for f in $inputs; do basename "$f"; done | LC_ALL=C sort | paste -sd ' ')" ] ||
					why="partial: failed, left [$(files "$d/run")]"
				case ${SWEEP_STDOUT:-} in
				1) [ ! -s "$d/run.out" ] ;;
				summary) ! grep -qv '^btfids verify: ' "$d/run.out" ;;
				esac || why="partial: failed, printed $(head -c 100 "$d/run.out" | tr '\n' '|')"
				if [ -n "$why" ]; then partial=$((partial + 1)); else ok_fail=$((ok_fail + 1)); fi
			fi
		fi
		[ -n "$why" ] && [ "$(grep -c . <<<"$bad")" -lt 4 ] && bad+="N=$n $why"$'\n'
	done
	local counts="$total allocations, $(( (total + step - 1) / step )) runs: $ok_fail failed cleanly, $ok_same succeeded unchanged"
	counts="$counts; silent $silent, multi-line $multi, partial $partial, crashed $crash"
	if [ $((silent + multi + partial + crash)) = 0 ]; then
		h_pass "$c" "$counts"
		rm -rf "$d"
	else
		h_fail "$c" "$counts"
		printf '%s' "$bad" | sed 's/^/    /'
	fi
}

# ------------------------------------------------------------------ setup

mkdir -p "$(dirname "$SHIM")" || { h_fail setup "cannot create $W"; summary; exit 1; }
if [ ! -f "$SHIM" ] || [ "$TOP/tests/alloc/failalloc.c" -nt "$SHIM" ]; then
	cc -shared -fPIC -O2 -Wall -Wextra -o "$SHIM" "$TOP/tests/alloc/failalloc.c" ||
		{ h_fail setup "cannot build the shim"; summary; exit 1; }
fi
make -s -C "$TOP" all >/dev/null 2>&1 || { h_fail setup "make all failed"; summary; exit 1; }
OUT=$B/tests TESTS=$TOP/tests ROOT=$TOP
# shellcheck source=tests/fixtures-ready.sh
. "$TOP/tests/fixtures-ready.sh"
fixtures_ready "$W.fixtures.log" || { h_fail setup "building the fixtures failed"; summary; exit 1; }

# pahole's raw BTF for the fixtures the btfids sweeps use
S=$W/inputs
rm -rf "$S" && mkdir -p "$S"
cp "$FX/kfuncs.o" "$S/x" && cp "$FX/mod.o" "$S/m" && cp "$FX/base.vmlinux" "$S/base"
(cd "$S" && "$B/tools/pahole" -J --btf_features="$KERNEL_BTF_FEATURES" --btf_encode_detached=x.BTF.1 x &&
	"$B/tools/pahole" -J --btf_features="$KERNEL_BTF_FEATURES" --btf_base base \
		--btf_encode_detached=m.BTF.1 m &&
	"$BTFIDS" --btf x.BTF.1 x && mv x.BTF_ids ids && mv x.BTF f.BTF &&
	cp x f && "$BTFIDS" --patch_btfids ids f &&
	"$BTFIDS" --btf m.BTF.1 --btf_base base m && mv m.BTF mf.BTF &&
	cp m mf && "$BTFIDS" --patch_btfids m.BTF_ids mf && rm m.BTF_ids) >"$S.log" 2>&1 ||
	{ h_fail setup "pahole on the fixtures: $(tail -n 3 "$S.log" | tr '\n' '|')"; summary; exit 1; }

# ------------------------------------------------------------------ cases

sweep btfids/fixture "$S/x $S/x.BTF.1" "$BTFIDS" --btf x.BTF.1 x
sweep btfids/distill "$S/m $S/m.BTF.1 $S/base" "$BTFIDS" --btf m.BTF.1 --btf_base base --distill_base m
sweep btfids/patch "$S/x $S/ids" "$BTFIDS" --patch_btfids ids x
SWEEP_STDOUT=1 sweep btfids/dump "$S/f $S/f.BTF" "$BTFIDS" dump --json --btf f.BTF f
SWEEP_STDOUT=summary sweep btfids/verify "$S/mf $S/mf.BTF $S/base" "$BTFIDS" verify --btf mf.BTF -b base mf

if [ -x "$PAHOLE_PATCHED" ]; then
	FAILALLOC_DSO=/btfids.so sweep pahole/plugin "$S/m $S/base" "$PAHOLE_PATCHED" -J -j1 \
		--btf_features="$KERNEL_BTF_FEATURES,distilled_base" --btf_base base \
		--btf_plugin="$PLUGIN" --btf_encode_detached=m.BTF m
else
	h_skip pahole/plugin "no patched pahole at $PAHOLE_PATCHED (make pahole)"
fi

# Linux 7.3's path (kfuncs.c, libbpf's btf__add_*() and btf__dedup()): the
# kfunc sets of kfuncs73 (tags, arena prototypes, implicit arguments), a
# module's split BTF deduplicated against its base and distilled, and the
# plugin doing the same inside pahole
cp "$FX/kfuncs73.o" "$S/y" &&
	(cd "$S" && "$B/tools/pahole" -J --btf_features="$KERNEL_BTF_FEATURES" \
		--btf_encode_detached=y.BTF.1 y) >>"$S.log" 2>&1 ||
	{ h_fail setup "pahole on kfuncs73: $(tail -n 3 "$S.log" | tr '\n' '|')"; summary; exit 1; }
# (7.3 needs libbpf 1.8: the build/tree tools, and pahole-tree)
BTFIDS_KERNEL=7.3
T=$B/tree
if [ -x "$T/btfids" ] && [ -x "$B/pahole-tree/pahole" ]; then
	sweep 7.3/btfids/kfuncs73 "$S/y $S/y.BTF.1" "$T/btfids" --btf y.BTF.1 y
	sweep 7.3/btfids/distill "$S/m $S/m.BTF.1 $S/base" "$T/btfids" --btf m.BTF.1 --btf_base base \
		--distill_base m
	FAILALLOC_DSO=/btfids.so sweep 7.3/pahole/plugin "$S/y" "$B/pahole-tree/pahole" -J -j1 \
		--btf_features="$KERNEL_BTF_FEATURES" --btf_plugin="$T/btfids.so:kernel=7.3" \
		--btf_encode_detached=y.BTF y
else
	h_fail 7.3 "no libbpf 1.8 build of btfids and pahole (make pahole-tree)"
fi
BTFIDS_KERNEL=$H_KERNEL

if [ -n "${BTFIDS_FULL:-}" ]; then
	die() { h_fail setup "$*"; summary; exit 1; }
	progress() { :; }
	# shellcheck source=scripts/lib/kernel-inputs.sh
	. "$TOP/scripts/lib/kernel-inputs.sh"
	kernel_prepare >/dev/null
	rel=$(awk '$5 > 0 { print $1; exit }' "$SEL")
	module_prepare "$rel" >/dev/null || die "cannot prepare $rel"
	mkdir -p "$S/k" && cp "$MOD_KO" "$S/k/m" && cp "$MOD_BTF1" "$S/k/m.BTF.1"
	ln -sf "$VMLINUX" "$S/k/vmlinux"
	SAMPLE=${SAMPLE:-1} sweep "btfids/distill/$(basename "$rel")" "$S/k/m $S/k/m.BTF.1 $S/k/vmlinux" \
		"$BTFIDS" --btf m.BTF.1 --btf_base vmlinux --distill_base m
fi

h_end
