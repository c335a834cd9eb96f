#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/plugin/kernel.sh - the btfids pahole plugin against the kernel's
# two steps on Debian's 7.2 cloud kernel (heavy: a few minutes).
#
#   single run  PAHOLE_PATCHED FLAGS [--btf_base vmlinux]
#                   [--btf_features=distilled_base] --btf_plugin=PLUGIN
#                   --btf_encode_detached=X.BTF X
#   two steps   PAHOLE_PATCHED FLAGS [--btf_base vmlinux]
#                   --btf_encode_detached=X.BTF.1 X
#               ORACLE --btf X.BTF.1 [--btf_base vmlinux] [--distill_base] X
# with FLAGS the kernel's for this pahole (scripts/Makefile.btf, as
# tests/kernel-flags.sh has them).
# Both must succeed (or both fail), print the same "WARN:" lines and write
# the same files (X.BTF, X.BTF_ids, X.BTF.base), byte for byte.  Cases:
#   vmlinux          Debian's vmlinux (debug package; its .BTF_ids as shipped)
#   vmlinux:-jN      the single run with -j1 and -j8 (and
#                    reproducible_build) writes the bytes of the -j2 one
#   vmlinux-pre      the copy whose .BTF_ids tests/kernel/run.sh put back in
#                    its pre-resolution state (if that run left it behind)
#   mod:M:split      each module of tests/kernel/lib.sh's selection, on vmlinux
#   mod:M:distill    the same with a distilled base
# The inputs (packages, recombined modules) are those of tests/kernel/lib.sh,
# cached under build/kernel/; outputs of this run go to build/kernel/plugin
# (kept for inspection, replaced by the next run).
#
# Needs PAHOLE_PATCHED (a pahole with dwarves-patches/ applied); without it
# the run is skipped with its reason and exits 0.  Environment also:
# PLUGIN (default build/btfids.so), MIN_MODULES (default 30), FEATURES, and
# those of tests/kernel/lib.sh (ORACLE, KVER, ...).
# Output: "ok CASE", "FAIL CASE: why", "skip CASE: why", progress lines
# "-- ...", last line "plugin-kernel: N passed, N failed[, N skipped]".
set -u
set -o pipefail

npass=0 nfail=0 nskip=0
T0=$SECONDS
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

summary() {
	local s="plugin-kernel: $npass passed, $nfail failed"
	[ $nskip -gt 0 ] && s="$s, $nskip skipped"
	echo "$s"
}
progress() { printf -- '-- [%4ds] %s\n' $((SECONDS - T0)) "$*"; }
pass() { npass=$((npass + 1)); echo "ok $1"; }
fail() { nfail=$((nfail + 1)); echo "FAIL $1: $2"; }
skip() { nskip=$((nskip + 1)); echo "skip $1: $2"; }
die() {
	fail setup "$*"
	summary
	exit 1
}

if [ -z "${PAHOLE_PATCHED:-}" ]; then
	skip "plugin-kernel/*" "PAHOLE_PATCHED not set (a pahole with dwarves-patches/ applied; see dwarves-patches/README.md)"
	summary
	exit 0
fi
case $PAHOLE_PATCHED in /*) ;; *) PAHOLE_PATCHED=$PWD/$PAHOLE_PATCHED ;; esac
[ -x "$PAHOLE_PATCHED" ] || die "PAHOLE_PATCHED=$PAHOLE_PATCHED is not executable"

# shellcheck source=tests/kernel/lib.sh
. "$HERE/../kernel/lib.sh"

PLUGIN=${PLUGIN:-$B/btfids.so}
case $PLUGIN in /*) ;; *) PLUGIN=$PWD/$PLUGIN ;; esac
MIN_MODULES=${MIN_MODULES:-30}
. "$TOP/tests/kernel-flags.sh"
FEATURES=${FEATURES:-$KERNEL_BTF_FEATURES}
KFLAGS=(-J -j2 --btf_features="$FEATURES" --lang_exclude=rust)
W=$K/plugin
BTFINFO=$TOP/tests/btfinfo.py

if [ "$PLUGIN" = "$B/btfids.so" ] && ! make -q -s -C "$TOP" "$PLUGIN" >/dev/null 2>&1; then
	make -s -C "$TOP" "$PLUGIN" >/dev/null 2>&1 || die "make $PLUGIN failed"
fi
[ -f "$PLUGIN" ] || die "no plugin at $PLUGIN (make)"

kernel_prepare
# a private copy, like the tools: a rebuild during the run cannot race it
cp "$PLUGIN" "$K/bin/btfids.so.tmp" && mv "$K/bin/btfids.so.tmp" "$K/bin/btfids.so" ||
	die "cannot copy the plugin"
PLUGIN=$K/bin/btfids.so
progress "patched pahole $PAHOLE_PATCHED ($("$PAHOLE_PATCHED" --version)), plugin" \
	"$(md5sum <"$PLUGIN" | cut -c1-12), reference $ORACLE"
progress "flags: ${KFLAGS[*]}"

rm -rf "$W" && mkdir -p "$W" || die "cannot create $W"

# files DIR: regular files in DIR, sorted, space separated
files() { (cd "$1" && find . -maxdepth 1 -type f -printf '%P\n' | LC_ALL=C sort | paste -sd ' '); }

# run_case DIR ELF NAME BASE DISTILL: both runs on ELF (symlinked in as
# NAME) in DIR/{two,single}; BASE is --btf_base or empty; DISTILL 0/1
run_case() {
	local d=$1 elf=$2 x=$3 base=$4 distill=$5 sfeat="" oa=() pa=() rc
	rm -rf "$d" && mkdir -p "$d/two" "$d/single"
	ln -s "$elf" "$d/two/$x"
	ln -s "$elf" "$d/single/$x"
	[ -n "$base" ] && pa=(--btf_base "$base") oa=(--btf_base "$base")
	[ "$distill" = 1 ] && sfeat=--btf_features=distilled_base oa+=(--distill_base)
	(cd "$d/two" && timeout "$TOOL_TIMEOUT" "$PAHOLE_PATCHED" "${KFLAGS[@]}" "${pa[@]}" \
		--btf_encode_detached="$x.BTF.1" "$x") >"$d/two.out" 2>"$d/two.err"
	rc=$?
	echo $rc >"$d/two.pahole.rc"
	if [ $rc = 0 ]; then
		(cd "$d/two" && timeout "$TOOL_TIMEOUT" "$ORACLE" --btf "$x.BTF.1" "${oa[@]}" "$x") \
			>>"$d/two.out" 2>>"$d/two.err"
		rc=$?
	fi
	echo $rc >"$d/two.rc"
	(cd "$d/single" && timeout "$TOOL_TIMEOUT" "$PAHOLE_PATCHED" "${KFLAGS[@]}" "${pa[@]}" \
		${sfeat:+"$sfeat"} --btf_plugin="$PLUGIN" --btf_encode_detached="$x.BTF" "$x") \
		>"$d/single.out" 2>"$d/single.err"
	echo $? >"$d/single.rc"
	rm -f "$d/two/$x" "$d/single/$x"
}

# explain A B NAME BASE_A BASE_B: decoded difference of two files
explain() {
	local a=$1 b=$2 name=$3 ba=$4 bb=$5
	echo "== $name: $(stat -c %s "$a") vs $(stat -c %s "$b") bytes," \
		"$(cmp -l "$a" "$b" 2>/dev/null | wc -l) bytes differ"
	cmp -l "$a" "$b" 2>/dev/null | head -n 6 | awk '{ printf "   offset %d: two-step %s single %s (octal)\n", $1 - 1, $2, $3 }'
	case $name in
	*.BTF|*.BTF.base)
		diff -u --label two-step --label single \
			<(python3 "$BTFINFO" dump "$a" ${ba:+--base "$ba"} 2>&1) \
			<(python3 "$BTFINFO" dump "$b" ${bb:+--base "$bb"} 2>&1) | sed -n '3,16p' ;;
	esac
}

# compare_case CASE DIR NAME BASE: report the case
compare_case() {
	local c=$1 d=$2 x=$3 base=$4 why=() rt rs tp ft fs f ba bb wt ws
	: >"$d/why.txt"
	rt=$(cat "$d/two.rc") rs=$(cat "$d/single.rc") tp=$(cat "$d/two.pahole.rc")
	if [ "$tp" != 0 ]; then
		why+=("pahole without the plugin exited $tp: $(tail -c 300 "$d/two.err" | tr '\n' '|')")
	elif [ "$rt" != 0 ]; then
		why+=("the reference exited $rt: $(tail -c 300 "$d/two.err" | tr '\n' '|')")
	fi
	[ "$rs" = 0 ] || why+=("single run exited $rs: $(tail -c 300 "$d/single.err" | tr '\n' '|')")
	wt=$(grep -a '^WARN' "$d/two.err") ws=$(grep -a '^WARN' "$d/single.err")
	if [ "$wt" != "$ws" ]; then
		why+=("WARN lines differ ($(grep -c . <<<"$wt") two-step vs $(grep -c . <<<"$ws") single)")
		diff -u --label two-step --label single <(echo "$wt") <(echo "$ws") |
			sed -n '3,12p' >>"$d/why.txt"
	fi
	ft=$(files "$d/two" | tr ' ' '\n' | grep -v -x "$x.BTF.1" | paste -sd ' ')
	fs=$(files "$d/single")
	[ "$ft" = "$fs" ] || why+=("output files [$fs], two-step [$ft]")
	for f in $ft; do
		[ -f "$d/single/$f" ] || continue
		cmp -s "$d/two/$f" "$d/single/$f" && continue
		why+=("$f differs ($(stat -c %s "$d/two/$f") vs $(stat -c %s "$d/single/$f") bytes," \
			"first at $(cmp "$d/two/$f" "$d/single/$f" 2>&1 | sed -n 's/.*differ: //p'))")
		ba=$base bb=$base
		if [ "$f" = "$x.BTF" ] && [ -f "$d/two/$x.BTF.base" ]; then
			ba=$d/two/$x.BTF.base bb=$d/single/$x.BTF.base
		fi
		explain "$d/two/$f" "$d/single/$f" "$f" "$ba" "$bb" >>"$d/why.txt"
	done
	if [ ${#why[@]} -eq 0 ]; then
		pass "$c"
		rm -f "$d/two/$x.BTF.1"	# large; the rest is kept for inspection
		return
	fi
	local s
	s=$(printf '%s; ' "${why[@]}")
	fail "$c" "${s%; }"
	sed 's/^/    /' "$d/why.txt" | head -n 40
}

# -------------------------------------------------------------- vmlinux

progress "vmlinux: single run vs two steps"
vm_stat=$(stat -c '%s %Y' "$VMLINUX")
run_case "$W/vmlinux" "$VMLINUX" vmlinux "" 0
compare_case vmlinux "$W/vmlinux" vmlinux ""
[ "$(stat -c '%s %Y' "$VMLINUX")" = "$vm_stat" ] || fail vmlinux:input "vmlinux was modified"
progress "vmlinux: $(files "$W/vmlinux/single")"

# -j: the single run with -j1 and -j8 writes what it writes with -j2
# (pahole merges its threads' BTF before the plugin sees it)
for j in 1 8; do
	d=$W/vmlinux-j$j
	rm -rf "$d" && mkdir -p "$d" && ln -s "$VMLINUX" "$d/vmlinux"
	(cd "$d" && timeout "$TOOL_TIMEOUT" "$PAHOLE_PATCHED" "${KFLAGS[@]/#-j2/-j$j}" \
		--btf_features=+reproducible_build --btf_plugin="$PLUGIN" \
		--btf_encode_detached=vmlinux.BTF vmlinux) >"$d.out" 2>"$d.err"
	rc=$? why=""
	rm -f "$d/vmlinux"
	if [ $rc != 0 ]; then
		why="exit $rc: $(tail -c 300 "$d.err" | tr '\n' '|')"
	elif [ "$(files "$d")" != "$(files "$W/vmlinux/single")" ]; then
		why="files [$(files "$d")], -j2 [$(files "$W/vmlinux/single")]"
	else
		for f in $(files "$d"); do
			cmp -s "$d/$f" "$W/vmlinux/single/$f" || why="$why$f differs from -j2's; "
		done
	fi
	if [ -z "$why" ]; then pass "vmlinux:-j$j"; else fail "vmlinux:-j$j" "${why%; }"; fi
done

PRE=$C/pre/vmlinux
if [ -f "$PRE" ]; then
	progress "vmlinux-pre: single run vs two steps"
	run_case "$W/vmlinux-pre" "$PRE" vmlinux "" 0
	compare_case vmlinux-pre "$W/vmlinux-pre" vmlinux ""
else
	skip vmlinux-pre "no $PRE (tests/kernel/run.sh makes it)"
fi

# -------------------------------------------------------------- modules

n_sel=$(wc -l <"$SEL")
progress "modules: $n_sel selected (unstrip cached), split and distill"
i=0 n_mod=0
while read -r -u 3 rel _ids _sets _set8 _kf _bsz; do
	i=$((i + 1))
	name=${rel%.ko}
	if ! module_prepare "$rel" >"$W/prepare.txt"; then
		fail "mod:$name" "$(cat "$W/prepare.txt")"
		continue
	fi
	n_mod=$((n_mod + 1))
	for mode in split distill; do
		d=$W/mod/$name/$mode
		dist=0
		[ $mode = distill ] && dist=1
		run_case "$d" "$MOD_KO" m.ko "$VMLINUX" $dist
		compare_case "mod:$name:$mode" "$d" m.ko "$VMLINUX"
	done
	[ $((i % 10)) = 0 ] && progress "modules: $i/$n_sel done"
done 3<"$SEL"
if [ $n_mod -lt "$MIN_MODULES" ]; then
	fail modules "only $n_mod modules could be prepared, want at least $MIN_MODULES"
fi

progress "done in $((SECONDS - T0)) s; $n_mod modules; outputs in $W"
summary
[ $nfail = 0 ]
