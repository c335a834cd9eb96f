#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/boot/run.sh - `make bench-boot` (a benchmark, not a test): the BTF
# steps of the check-boot kernel build, Linux 7.2's two steps against the
# single pahole run, on the object tree `make check-boot` left behind
# (scripts/lib/boot-tree.sh).
#
# ROUNDS times (default 3), alternately: the tree's scripts as shipped, then
# with scripts/kernel's patch, each followed by `make bzImage modules` in
# the same object tree; each switch relinks vmlinux and redoes every
# module's BTF, so each round times exactly the BTF work of both paths.
# pahole and resolve_btfids run through tests/boot's wrappers, which log
# every call's CPU time and peak RSS.  Printed: per path the medians over
# the rounds of the CPU time (user+sys) of vmlinux's BTF step and of the
# modules' summed, vmlinux's peak RSS, and the wall time of the rebuild;
# the table also goes to build/bench/boot.md.
#
# Environment: ROUNDS, JOBS, and those of scripts/lib/boot-tree.sh.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/boot-tree.sh
. "$HERE/../../scripts/lib/boot-tree.sh"
ROUNDS=${ROUNDS:-3}
OUTDIR=$B/bench
LOGDIR=$OUTDIR/boot

[ -f "$STAMPS/one-run" ] && [ -f "$OBJ/vmlinux" ] ||
	{ echo "bench-boot: no kernel tree under $W (run make check-boot first)" >&2; exit 1; }
mkdir -p "$LOGDIR"

# rebuild NAME pristine|patched: one make with the scripts switched
rebuild()
{
	local log=$LOGDIR/$1.log t0

	set_scripts "$2" >/dev/null
	: > "$log"
	t0=$(date +%s.%N)
	kmake "$log" bzImage modules > "$LOGDIR/$1.make.log" 2>&1
	steps_elapsed "$t0" "$(date +%s.%N)" | tr -d s > "$LOGDIR/$1.wall"
}

# stats NAME: "vmlinux_cpu modules_cpu vmlinux_rss_mb wall
# vmlinux_resolve_btfids_cpu" of one rebuild
stats()
{
	local log=$LOGDIR/$1.log
	awk -v wall="$(cat "$LOGDIR/$1.wall")" '
		/ -J | --btf / {
			cpu = $2 + $3
			if (/ --btf_base /) mod += cpu
			else { vm += cpu; if ($4 > rss) rss = $4; if ($1 == "resolve_btfids") rb += cpu }
		}
		END { printf "%.2f %.2f %.1f %.1f %.2f\n", vm, mod, rss / 1024, wall, rb }' "$log"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

write_wrappers
for r in $(seq 1 "$ROUNDS"); do
	echo "-- round $r/$ROUNDS: two steps"
	rebuild "two-$r" pristine
	echo "-- round $r/$ROUNDS: one run"
	rebuild "one-$r" patched
done

# (the last rebuild leaves the tree as check-boot's one-run step did)
for r in $(seq 1 "$ROUNDS"); do
	stats "two-$r" > "$LOGDIR/two-$r.stats"
	stats "one-$r" > "$LOGDIR/one-$r.stats"
done
col() { cat "$LOGDIR"/"$1"-*.stats | awk -v c="$2" '{ print $c }' | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }

n_mod=$(grep -c . "$W/one/modules.list")
{
	echo "| BTF step (Linux $KVER tinyconfig+, $n_mod modules, make -j$JOBS) | two steps | one run | one / two |"
	echo "| --- | ---: | ---: | ---: |"
	echo "| vmlinux, CPU s | $(col two 1) | $(col one 1) | $(ratio "$(col one 1)" "$(col two 1)") |"
	echo "| of which resolve_btfids | $(col two 5) | - | |"
	echo "| modules, CPU s (sum) | $(col two 2) | $(col one 2) | $(ratio "$(col one 2)" "$(col two 2)") |"
	echo "| vmlinux, peak RSS MB | $(col two 3) | $(col one 3) | $(ratio "$(col one 3)" "$(col two 3)") |"
	echo "| rebuild wall s (relink + BTF) | $(col two 4) | $(col one 4) | $(ratio "$(col one 4)" "$(col two 4)") |"
	echo
	echo "Medians of $ROUNDS interleaved rounds; two steps = pahole + resolve_btfids, one run = pahole --resolve_btfids."
	echo "From scratch, check-boot's two-step build took $(cat "$W/wall-two.txt") wall."
} | tee "$OUTDIR/boot.md"
