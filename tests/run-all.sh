#!/usr/bin/env bash
# The project's test command (README: `make check`; CI: .ci/run).
# Runs every suite, prints each one's lines, and closes with the sum as
# "N passed, N failed[, N skipped]". A suite that cannot run is a failure,
# never a silent pass.
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
export TOP BUILD

# Suites run in two lanes at once (BTFIDS_LANES=1: one after the other):
# mostly Linux 7.2's and libbpf 1.7's in lane a, Linux 7.3's and libbpf
# 1.8's in lane b, balanced by their times in CI.  Suites that share a build folder sit in one lane, or take its
# lock (tests/fixtures-ready.sh).  Each suite's lines are printed together
# when it ends, with its wall time; the totals are summed at the end.
RES=$(mktemp -d "${TMPDIR:-/tmp}/btfids-run-all.XXXXXX") || exit 1
trap 'rm -rf "$RES"' EXIT

# print_block FILE: print FILE whole, one lane at a time.
print_block()
{
	flock "$RES/print.lock" cat "$1"
}

# run_suite NAME COMMAND...: run a suite and record its closing line.
run_suite()
{
	local name=$1 out rc line p f s t0=$SECONDS blk=$RES/$1.out bad=0
	shift
	out=$("$@" 2>&1)
	rc=$?
	{
		echo "== $name ($((SECONDS - t0)) s)"
		printf '%s\n' "$out" | grep -v -E '^ok |[0-9]+ passed, [0-9]+ failed' | sed 's/^/  /'
		line=$(printf '%s\n' "$out" | grep -E '([0-9]+) passed, ([0-9]+) failed' | tail -n 1)
		if [ -z "$line" ]; then
			echo "  $name: no result line (exit $rc)"
			p=0 f=0 s=0 bad=1
		else
			p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+')
			f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
			s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+')
			echo "  $name: ${line#*: }"
			# a suite that failed without counting it still fails
			if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
				echo "  $name: exited $rc"
				bad=1
			fi
		fi
	} > "$blk"
	echo "$p $((f + bad)) ${s:-0}" >> "$RES/totals"
	print_block "$blk"
}

# The paholes `make paholes` built (scripts/pahole.sh): patched and stock,
# from DWARVES_SRC and from v1.31; a PAHOLE_PATCHED given by the caller wins.
exe() { [ -x "$1" ] && echo "$1"; }
: "${PAHOLE_PATCHED=$(exe "$BUILD/pahole/pahole")}"
: "${PAHOLE_STOCK=$(exe "$BUILD/pahole-stock/pahole")}"
export PAHOLE_PATCHED PAHOLE_STOCK

make -s -C "$TOP" all unit-tests >/dev/null || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
# the unit tests against libbpf 1.8 (the build Linux 7.3 needs), built
# before the lanes start: nothing builds while they run
have_tree() { [ -x "$BUILD/tree/btfids" ] && [ -x "$BUILD/pahole-tree/pahole" ]; }
UNIT18=
if [ -x "$BUILD/tree/btfids" ]; then
	make -s -C "$TOP" BUILD="$BUILD/tree" "$BUILD/tree/tests/unit/test_stages" >/dev/null &&
		UNIT18=$BUILD/tree/tests/unit/test_stages
fi

# Lane a: Linux 7.2 with libbpf 1.7 (build/tests, build/kernel), and the
# heavier suites CI adds (BTFIDS_FULL=1).
lane_a()
{
	run_suite unit "$BUILD/tests/unit/test_stages"
	run_suite differential bash "$TOP/tests/differential/run.sh"
	run_suite errors bash "$TOP/tests/errors/run.sh"
	run_suite dump bash "$TOP/tests/dump/run.sh"
	run_suite random bash "$TOP/tests/random/run.sh"
	run_suite atomic bash "$TOP/tests/atomic/run.sh"
	run_suite alloc bash "$TOP/tests/alloc/run.sh"
	# these need PAHOLE_PATCHED (a pahole with dwarves-patches/) and say so
	run_suite plugin bash "$TOP/tests/plugin/run.sh"
	run_suite integration bash "$TOP/tests/integration/gen-btf.sh"
	run_suite series bash "$TOP/tests/series/run.sh"
	# where the release comes from and what is refused, with the libbpf
	# 1.8 build (which finishes both releases), and the libbpf 1.7 build
	# refusing 7.3
	run_suite release env BTFIDS="$BUILD/tree/btfids" PLUGIN="$BUILD/tree/btfids.so" \
		PAHOLE_PATCHED="$(exe "$BUILD/pahole-tree/pahole")" BTFIDS_17="$BUILD/btfids" \
		bash "$TOP/tests/release/run.sh"
	run_suite selftest bash "$TOP/tests/selftest/run.sh"
	if [ -x "$BUILD/pahole-1.31/pahole" ]; then
		run_suite plugin-1.31 env PAHOLE_PATCHED="$BUILD/pahole-1.31/pahole" \
			PAHOLE_STOCK="$(exe "$BUILD/pahole-1.31-stock/pahole")" \
			WORK="$BUILD/tests/plugin-1.31" bash "$TOP/tests/plugin/run.sh"
	fi
	# upstream's default build: libbpf bundled in libdwarves (make
	# pahole-embedded), the plugin calling that copy
	if [ -x "$BUILD/pahole-embedded/pahole" ]; then
		run_suite plugin-embedded env PAHOLE_PATCHED="$BUILD/pahole-embedded/pahole" \
			PAHOLE_STOCK="$(exe "$BUILD/pahole-embedded-stock/pahole")" \
			WORK="$BUILD/tests/plugin-embedded" bash "$TOP/tests/plugin/run.sh"
	fi
	[ -n "${BTFIDS_FULL:-}" ] || return 0
	run_suite sanitize bash "$TOP/tests/sanitize/run.sh"
	# against libbpf 1.8 (build/tree), so that both releases' paths are fuzzed
	run_suite fuzz env FUZZ_BUDGET= FUZZ_SECONDS="${FUZZ_SECONDS:-20}" bash "$TOP/tests/fuzz/run.sh"
	run_suite kernel bash "$TOP/tests/kernel/run.sh"
	run_suite plugin-kernel bash "$TOP/tests/plugin/kernel.sh"
	run_suite dump-kernel bash "$TOP/tests/dump/kernel.sh"
	# Debian's 7.2 kernel with libbpf 1.8 (build/kernel as well)
	if have_tree; then
		local k18=(PAHOLE="$BUILD/pahole-tree/pahole" BTFIDS="$BUILD/tree/btfids"
			   ORACLE="$BUILD/oracle-tree/resolve_btfids")
		run_suite kernel-1.8 env "${k18[@]}" bash "$TOP/tests/kernel/run.sh"
		run_suite plugin-kernel-1.8 env "${k18[@]}" PAHOLE_PATCHED="$BUILD/pahole-tree/pahole" \
			PLUGIN="$BUILD/tree/btfids.so" bash "$TOP/tests/plugin/kernel.sh"
	fi
	run_suite valgrind bash "$TOP/tests/sanitize/valgrind.sh"
}

# Lane b: Linux 7.3 and libbpf 1.8 (build/tests73, build/tests-tree,
# build/kernel73).  The 7.3 suites run the differential suites again
# against 7.3's stock resolve_btfids (its tree's libbpf 1.8), with btfids,
# the plugin and pahole built against the same libbpf (build/tree,
# build/pahole-tree).
lane_b()
{
	local k73=(KERNEL=7.3 OUT="$BUILD/tests73" BTFIDS="$BUILD/tree/btfids"
		   PLUGIN="$BUILD/tree/btfids.so" ORACLE="$BUILD/oracle73-tree/resolve_btfids"
		   BASE_RESOLVER="$BUILD/oracle73-tree/resolve_btfids" BTF_CMP=raw
		   PAHOLE="$BUILD/pahole-tree/pahole" PAHOLE_PATCHED="$(exe "$BUILD/pahole-tree/pahole")"
		   PAHOLE_STOCK="$(exe "$BUILD/pahole-tree-stock/pahole")")
	# libbpf 1.8 (the kernel tree's, `make pahole-tree`): BTF with layout
	# sections, against the stock resolve_btfids build, byte for byte
	local t18=(OUT="$BUILD/tests-tree" BTFIDS="$BUILD/tree/btfids"
		   ORACLE="$BUILD/oracle-tree/resolve_btfids"
		   BASE_RESOLVER="$BUILD/oracle-tree/resolve_btfids" BTF_CMP=raw)

	[ -z "$UNIT18" ] || run_suite unit-1.8 "$UNIT18"
	run_suite differential-7.3 env "${k73[@]}" bash "$TOP/tests/differential/run.sh"
	run_suite random-7.3 env "${k73[@]}" bash "$TOP/tests/random/run.sh"
	run_suite plugin-7.3 env "${k73[@]}" WORK="$BUILD/tests73/plugin" bash "$TOP/tests/plugin/run.sh"
	run_suite integration-7.3 env "${k73[@]}" bash "$TOP/tests/integration/gen-btf.sh"
	run_suite selftest-7.3 env "${k73[@]}" bash "$TOP/tests/selftest/run.sh"
	if have_tree; then
		run_suite differential-1.8 env "${t18[@]}" PAHOLE="$BUILD/pahole-tree/pahole" \
			bash "$TOP/tests/differential/run.sh"
		run_suite plugin-1.8 env "${t18[@]}" PAHOLE_PATCHED="$BUILD/pahole-tree/pahole" \
			PAHOLE_STOCK="$(exe "$BUILD/pahole-tree-stock/pahole")" PLUGIN="$BUILD/tree/btfids.so" \
			WORK="$BUILD/tests-tree/plugin" bash "$TOP/tests/plugin/run.sh"
	fi
	[ -n "${BTFIDS_FULL:-}" ] || return 0
	# Debian experimental's 7.3-rc7 cloud kernel (input BTF from sid's
	# pahole 1.32, as Debian built it), with and without
	# +reproducible_build (kbuild adds it when KBUILD_BUILD_TIMESTAMP is
	# set); btfids (libbpf 1.8) against 7.3's stock resolve_btfids, and
	# the single run (pahole-tree) on every selected module with it, on
	# the modules with .BTF_ids without it
	local kk73=(KERNEL=7.3 BTFIDS="$BUILD/tree/btfids"
		    ORACLE="$BUILD/oracle73-tree/resolve_btfids")
	local kp73=(PAHOLE_PATCHED="$BUILD/pahole-tree/pahole" PLUGIN="$BUILD/tree/btfids.so")
	run_suite kernel-7.3 env "${kk73[@]}" bash "$TOP/tests/kernel/run.sh"
	run_suite kernel-7.3-repro env "${kk73[@]}" REPRODUCIBLE=1 bash "$TOP/tests/kernel/run.sh"
	run_suite plugin-kernel-7.3-repro env "${kk73[@]}" "${kp73[@]}" REPRODUCIBLE=1 \
		bash "$TOP/tests/plugin/kernel.sh"
	run_suite plugin-kernel-7.3 env "${kk73[@]}" "${kp73[@]}" N_PLAIN_MODULES=0 N_BIG_MODULES=1 \
		MIN_MODULES=20 bash "$TOP/tests/plugin/kernel.sh"
}

T0=$SECONDS
if [ "${BTFIDS_LANES:-2}" = 1 ]; then
	lane_a
	lane_b
else
	lane_a &
	lane_b &
	wait
fi

read -r total_pass total_fail total_skip < <(awk '{ p += $1; f += $2; s += $3 }
	END { print p + 0, f + 0, s + 0 }' "$RES/totals" 2>/dev/null)
echo "# all suites: $((SECONDS - T0)) s wall"
summary="$total_pass passed, $total_fail failed"
[ "$total_skip" -gt 0 ] && summary="$summary, $total_skip skipped"
echo "$summary"
[ "$total_fail" -eq 0 ]
