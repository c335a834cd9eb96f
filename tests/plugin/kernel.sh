#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/plugin/kernel.sh - the btfids pahole plugin against the kernel's
# two steps on Debian's 7.2 or 7.3 cloud kernel (KERNEL, REPRODUCIBLE:
# scripts/lib/kernel-inputs.sh; heavy: a few minutes).
#
#   single run  PAHOLE_PATCHED FLAGS [--btf_base vmlinux]
#                   [--btf_features=distilled_base] --btf_plugin=PLUGIN
#                   --btf_encode_detached=X.BTF X
#   two steps   PAHOLE_PATCHED FLAGS [--btf_base vmlinux]
#                   --btf_encode_detached=X.BTF.1 X
#               ORACLE --btf X.BTF.1 [--btf_base vmlinux] [--distill_base] X
# with FLAGS the kernel's for this pahole (scripts/Makefile.btf, as
# scripts/lib/kernel-flags.sh has them).
# Both must succeed (or both fail), print the same "WARN:" lines and write
# the same files (X.BTF, X.BTF_ids, X.BTF.base), byte for byte.  Cases:
#   vmlinux          Debian's vmlinux (debug package; its .BTF_ids as shipped,
#                    resolved: 7.3 finds a kfunc with two sets' flags in it,
#                    so both fail, which counts as agreement)
#   vmlinux:-jN      the single run with -j1 and -j8 writes the bytes of the
#                    -j2 one (on vmlinux-pre when there is one)
#   vmlinux-pre      the copy whose .BTF_ids tests/kernel/run.sh put back in
#                    its pre-resolution state (if that run left it behind)
#   mod:M:split      each module of scripts/lib/kernel-inputs.sh's selection, on vmlinux
#   mod:M:distill    the same with a distilled base
# The inputs (packages, recombined modules) are those of scripts/lib/kernel-inputs.sh,
# cached under build/kernel/; outputs of this run go to build/kernel/plugin
# (kept for inspection, replaced by the next run).
#
# Needs PAHOLE_PATCHED (a pahole with dwarves-patches/ applied); without it
# the run is skipped with its reason and exits 0.  Environment also:
# PLUGIN (default build/btfids.so), MIN_MODULES (default 30), FEATURES, and
# those of scripts/lib/kernel-inputs.sh (ORACLE, KVER, ...).
# Output: "ok CASE", "FAIL CASE: why", "skip CASE: why", progress lines
# "-- ...", last line "plugin-kernel: N passed, N failed[, N skipped]".
set -u
set -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/kernel-inputs.sh
. "$HERE/../../scripts/lib/kernel-inputs.sh"
# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"
# real objects name their release (linux_banner, .modinfo vermagic)
unset BTFIDS_KERNEL
W=$K/plugin${REPRODUCIBLE:+-repro}
h_begin plugin-kernel "$W"
die() {
	h_fail setup "$*"
	h_end
	exit 1
}

if [ -z "${PAHOLE_PATCHED:-}" ]; then
	h_skip "plugin-kernel/*" "PAHOLE_PATCHED not set (a pahole with dwarves-patches/ applied; see dwarves-patches/README.md)"
	h_end
	exit 0
fi
case $PAHOLE_PATCHED in /*) ;; *) PAHOLE_PATCHED=$PWD/$PAHOLE_PATCHED ;; esac
[ -x "$PAHOLE_PATCHED" ] || die "PAHOLE_PATCHED=$PAHOLE_PATCHED is not executable"

PLUGIN=${PLUGIN:-$B/btfids.so}
case $PLUGIN in /*) ;; *) PLUGIN=$PWD/$PLUGIN ;; esac
MIN_MODULES=${MIN_MODULES:-30}
. "$TOP/scripts/lib/kernel-flags.sh"
FEATURES=${FEATURES:-$KERNEL_BTF_FEATURES}
KFLAGS=(-J -j2 --btf_features="$FEATURES" --lang_exclude=rust)
[ -z "${REPRODUCIBLE:-}" ] || KFLAGS+=(--btf_features=+reproducible_build)

if [ "$PLUGIN" = "$B/btfids.so" ] && ! make -q -s -C "$TOP" "$PLUGIN" >/dev/null 2>&1; then
	make -s -C "$TOP" "$PLUGIN" >/dev/null 2>&1 || die "make $PLUGIN failed"
fi
[ -f "$PLUGIN" ] || die "no plugin at $PLUGIN (make)"

kernel_prepare
# a private copy, like the tools: a rebuild during the run cannot race it
cp "$PLUGIN" "$K/bin/btfids.so.tmp" && mv "$K/bin/btfids.so.tmp" "$K/bin/btfids.so" ||
	die "cannot copy the plugin"
PLUGIN=$K/bin/btfids.so
h_progress "patched pahole $PAHOLE_PATCHED ($("$PAHOLE_PATCHED" --version)), plugin" \
	"$(md5sum <"$PLUGIN" | cut -c1-12), reference $ORACLE"
h_progress "flags: ${KFLAGS[*]}"

# run_case DIR ELF NAME BASE DISTILL: both runs on ELF (symlinked in as
# NAME) in DIR/{two,single}; BASE is --btf_base or empty; DISTILL 0/1.
# DIR/two.rc is the first failing step's status (pahole's, or the
# reference's), DIR/two.pahole.rc pahole's alone.
run_case() {
	local d=$1 elf=$2 x=$3 base=$4 distill=$5 sfeat="" oa=() pa=()
	rm -rf "$d" "$d".* && mkdir -p "$d/two" "$d/single"
	ln -s "$elf" "$d/two/$x"
	ln -s "$elf" "$d/single/$x"
	[ -n "$base" ] && pa=(--btf_base "$base") oa=(--btf_base "$base")
	[ "$distill" = 1 ] && sfeat=--btf_features=distilled_base oa+=(--distill_base)
	h_run "$d/two" "$TOOL_TIMEOUT" "$PAHOLE_PATCHED" "${KFLAGS[@]}" "${pa[@]}" \
		--btf_encode_detached="$x.BTF.1" "$x"
	cp "$d/two.rc" "$d/two.pahole.rc"
	if [ "$(cat "$d/two.rc")" = 0 ]; then
		mv "$d/two.err" "$d/two.pahole.err"
		h_run "$d/two" "$TOOL_TIMEOUT" "$ORACLE" --btf "$x.BTF.1" "${oa[@]}" "$x"
		cat "$d/two.pahole.err" "$d/two.err" >"$d/two.both" && mv "$d/two.both" "$d/two.err"
	fi
	h_run "$d/single" "$TOOL_TIMEOUT" "$PAHOLE_PATCHED" "${KFLAGS[@]}" "${pa[@]}" \
		${sfeat:+"$sfeat"} --btf_plugin="$PLUGIN" --btf_encode_detached="$x.BTF" "$x"
	rm -f "$d/two/$x" "$d/single/$x"
}

# compare_case CASE DIR NAME BASE: report the case (the harness compares;
# X.BTF.1 is the two steps' intermediate, not an output)
compare_case() {
	local c=$1 d=$2 x=$3 base=$4 why tp
	tp=$(cat "$d/two.pahole.rc")
	# both fail: resolve_btfids exits 255, pahole 1
	norc=
	[ "$(cat "$d/two.rc")" = 255 ] && [ "$(cat "$d/single.rc")" != 0 ] && norc=--no-rc
	why=$(
		[ "$tp" = 0 ] || echo "pahole without the plugin exited $tp"
		h_compare "$d/two" "$d/single" --labels two-step single --input "$x.BTF.1" \
			${base:+--base "$base" "$base"} $norc
	)
	[ -z "$why" ] || why="$why
stderr two-step: $(tail -c 300 "$d/two.err" | tr '\n' '|')
stderr single: $(tail -c 300 "$d/single.err" | tr '\n' '|')"
	# passing cases keep their outputs (for inspection) but not the
	# large intermediate
	[ -n "$why" ] || rm -f "$d/two/$x.BTF.1"
	H_DETAIL=$d.why KEEP=1 h_done "$c" "$d" "$why"
}

# -------------------------------------------------------------- vmlinux

h_progress "vmlinux: single run vs two steps"
vm_stat=$(stat -c '%s %Y' "$VMLINUX")
run_case "$W/vmlinux" "$VMLINUX" vmlinux "" 0
compare_case vmlinux "$W/vmlinux" vmlinux ""
[ "$(stat -c '%s %Y' "$VMLINUX")" = "$vm_stat" ] || h_fail vmlinux:input "vmlinux was modified"
h_progress "vmlinux: $(h_files "$W/vmlinux/single")"

PRE=$C/pre/vmlinux
if [ -f "$PRE" ]; then
	h_progress "vmlinux-pre: single run vs two steps"
	run_case "$W/vmlinux-pre" "$PRE" vmlinux "" 0
	compare_case vmlinux-pre "$W/vmlinux-pre" vmlinux ""
	JREF=$W/vmlinux-pre JELF=$PRE
else
	h_skip vmlinux-pre "no $PRE (tests/kernel/run.sh makes it)"
	JREF=$W/vmlinux JELF=$VMLINUX
fi

# -j: the single run with -j1 and -j8 writes what it writes with -j2
# (pahole merges its threads' BTF before the plugin sees it); on the
# vmlinux before resolution, which every release finishes
for j in 1 8; do
	d=$W/vmlinux-j$j
	mkdir -p "$d" && ln -s "$JELF" "$d/vmlinux"
	h_run "$d" "$TOOL_TIMEOUT" "$PAHOLE_PATCHED" "${KFLAGS[@]/#-j2/-j$j}" \
		--btf_plugin="$PLUGIN" --btf_encode_detached=vmlinux.BTF vmlinux
	rm -f "$d/vmlinux"
	why=$(H_DETAIL=$d.why h_compare "$JREF/single" "$d" --labels -j2 "-j$j" --no-warns)
	H_DETAIL=$d.why KEEP=1 h_done "vmlinux:-j$j" "$d" "$why"
done

# -------------------------------------------------------------- modules

n_sel=$(wc -l <"$SEL")
h_progress "modules: $n_sel selected (unstrip cached), split and distill"
i=0 n_mod=0
while read -r -u 3 rel _ids _sets _set8 _kf _bsz; do
	i=$((i + 1))
	name=${rel%.ko}
	if ! module_prepare "$rel" >"$W/prepare.txt"; then
		h_fail "mod:$name" "$(cat "$W/prepare.txt")"
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
	[ $((i % 10)) = 0 ] && h_progress "modules: $i/$n_sel done"
done 3<"$SEL"
if [ $n_mod -lt "$MIN_MODULES" ]; then
	h_fail modules "only $n_mod modules could be prepared, want at least $MIN_MODULES"
fi

h_progress "done; $n_mod modules; outputs in $W"
h_end
