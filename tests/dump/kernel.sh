#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `btfids dump` on Debian's shipped 7.2 cloud kernel (inputs from
# scripts/lib/kernel-inputs.sh): vmlinux as shipped, and every module with .BTF_ids
# as shipped (stripped, its .BTF split on vmlinux, -b vmlinux). Each dump
# must succeed and check.py's "shipped" checks hold: every resolved slot
# names a type of its placeholder's kind and name, sets sorted within
# their room, kfunc set8 entries FUNCs. Unresolved slots are counted.
# The dump of a module against the wrong base (itself split) must fail.
# btfids verify on vmlinux and all modules at once must pass (Debian's
# vmlinux has one deliberately unresolved entry, a warning), and fail on
# the vmlinux tests/kernel/run.sh left before resolution.
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"
die() { h_fail setup "$*"; h_end; exit 1; }
# shellcheck source=scripts/lib/kernel-inputs.sh
. "$TOP/scripts/lib/kernel-inputs.sh"
PYTHON=${PYTHON:-python3}
W=$B/tests/dump-kernel
h_begin dump-kernel "$W"
kernel_prepare

# dump_case CASE ELF [ARGS...]
dump_case()
{
	local c=$1 elf=$2 d=$W/$1 why n
	shift 2
	mkdir -p "$d"
	if ! "$BTFIDS" dump --json "$@" "$elf" > "$d/dump.json" 2> "$d/dump.err"; then
		h_fail "$c" "dump exited non-zero: $(head -c 300 "$d/dump.err")"
		return
	fi
	why=$("$PYTHON" "$TOP/tests/dump/check.py" shipped "$d/dump.json" 2>&1)
	n=$("$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1]))
print("%d slots (%d unresolved), %d sets, %d entries" % (len(d["slots"]),
      sum(s["status"] == "unresolved" for s in d["slots"]), len(d["sets"]),
      sum(len(g["entries"]) for g in d["sets"])))' "$d/dump.json" 2>&1)
	h_check "$c" "$why" "$n"
}

dump_case vmlinux "$VMLINUX"
while read -r rel ids _rest; do
	[ "$ids" = 1 ] || continue
	dump_case "${rel%.ko}" "$KO/$rel" -b "$VMLINUX"
done < "$C/usable.txt"
# verify: vmlinux and every module in one run, the base parsed once
d=$W/verify && mkdir -p "$d"
(cd "$KO" && sed 's/\.xz$//' "$C/modlist.txt") > "$d/list"
t0=$(date +%s.%N)
(cd "$KO" && xargs "$BTFIDS" verify -b "$VMLINUX" "$VMLINUX" < "$d/list") > "$d/out" 2> "$d/err"
rc=$?
t1=$(date +%s.%N)
why=
[ $rc -eq 0 ] || why="exit $rc: $(head -n 3 "$d/out" "$d/err" | tr '\n' '|')"
grep -q "^btfids verify: $(($(wc -l < "$d/list") + 1)) objects: 0 with problems" "$d/out" ||
	why="$why summary: $(tail -n 1 "$d/out")"
h_check verify/all "$why" "$(tail -n 1 "$d/out"); $(echo "$t1 - $t0" | bc) s"
# the vmlinux whose .BTF_ids tests/kernel/run.sh rebuilt to before resolution
if [ -f "$C/pre/vmlinux" ]; then
	"$BTFIDS" verify "$C/pre/vmlinux" > "$d/pre.out" 2> "$d/pre.err"
	rc=$?
	h_check verify/unresolved-vmlinux "$([ $rc -eq 1 ] && grep -q 'count 0, its symbol has room' "$d/pre.out" ||
		echo "exit $rc: $(head -n 2 "$d/pre.out" "$d/pre.err" | tr '\n' '|')")"
else
	h_skip verify/unresolved-vmlinux "no $C/pre/vmlinux (tests/kernel/run.sh makes it)"
fi
first=$(awk '$2 == 1 { print $1; exit }' "$C/usable.txt")
d=$W/wrong-base && mkdir -p "$d"
"$BTFIDS" dump -b "$KO/$first" "$KO/$first" > "$d/out" 2> "$d/err"
rc=$?
h_check wrong-base "$([ $rc -eq 255 ] && [ "$(wc -l < "$d/err")" -eq 1 ] || echo "exit $rc: $(head -c 200 "$d/err")")" \
	"$(cat "$d/err")"
h_end
