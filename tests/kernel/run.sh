#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Heavy differential test on a real kernel: Debian's 7.2 or 7.3 cloud
# kernel (KERNEL; debug package + modules package). build/btfids must agree byte for
# byte with the reference resolve_btfids (build/oracle/resolve_btfids,
# same libbpf) on:
#   vmlinux        --btf vmlinux.BTF.1 vmlinux (pahole run once, cached)
#   vmlinux-pre    the same on a copy of vmlinux whose .BTF_ids was put
#                  back in its pre-resolution state (tests/kernel/kbtf.c)
#   mod:M:split    --btf M.BTF.1 --btf_base vmlinux M.ko
#   mod:M:distill  the same with --distill_base
#   mod:M:patch    --patch_btfids on copies of the module
# for a deterministic set of modules (every module with .BTF_ids up to
# a cap, kfunc sets first, plus modules without).
#
# Each case prints "ok CASE" or "FAIL CASE: why"; the last line is
# "N passed, N failed". Lines starting with "--" are progress, lines
# starting with "info" are observations that are not failures.
# Inputs are prepared by scripts/lib/kernel-inputs.sh (which also lists the
# environment variables) and cached under build/kernel/; per-run outputs
# go to build/kernel/test (kept for inspection, replaced by the next run).
set -u
set -o pipefail

# shellcheck source=scripts/lib/kernel-inputs.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/kernel-inputs.sh"
# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"
# real objects name their release (linux_banner, .modinfo vermagic)
unset BTFIDS_KERNEL
W=$K/test${REPRODUCIBLE:+-repro}
h_begin kernel "$W"
info() { h_info "$@"; }
join() { local s; s=$(printf '%s; ' "$@"); echo "${s%; }"; }
die() {
	h_fail setup "$*"
	h_end
	exit 1
}

kernel_prepare

# ------------------------------------------------------- differential

# run_pair DIR ELFNAME ARGS...: both tools in DIR/{oracle,btfids} (where
# ELFNAME must already exist) with ARGS ELFNAME
run_pair()
{
	local dir=$1 elf=$2
	shift 2
	h_run "$dir/oracle" "$TOOL_TIMEOUT" "$ORACLE" "$@" "$elf"
	h_run "$dir/btfids" "$TOOL_TIMEOUT" "$BTFIDS" "$@" "$elf"
}

# compare_pair CASE DIR [BASE]: the harness's comparison of the two runs
compare_pair()
{
	local why
	why=$(h_compare "$2/oracle" "$2/btfids" --labels oracle btfids ${3:+--base "$3" "$3"})
	KEEP=1 h_done "$1" "$2" "$why"
	[ -z "$why" ] && return 0
	echo "    stderr oracle: $(head -c 600 "$2/oracle.err" | tr '\n' '|')"
	echo "    stderr btfids: $(head -c 600 "$2/btfids.err" | tr '\n' '|')"
	return 1
}

# new_case DIR: fresh DIR/{oracle,btfids}.
new_case()
{
	rm -rf "$1" && mkdir -p "$1/oracle" "$1/btfids"
}

cp "$SEL" "$W/selected.txt"

# -------------------------------------------------------------- vmlinux

progress "vmlinux: oracle vs btfids"
vm_mtime=$(stat -c '%s %Y' "$VMLINUX")
d=$W/vmlinux
new_case "$d"
ln -s "$VMLINUX" "$d/oracle/vmlinux"
ln -s "$VMLINUX" "$d/btfids/vmlinux"
run_pair "$d" vmlinux --btf "$VM_BTF1"
find "$d" -name vmlinux -type l -delete
compare_pair vmlinux "$d"
[ "$(stat -c '%s %Y' "$VMLINUX")" = "$vm_mtime" ] || h_fail vmlinux:input "vmlinux was modified"

# --------------------------------------------------------- vmlinux-pre

progress "vmlinux-pre: rebuild .BTF_ids before resolution, patch a copy of vmlinux with btfids"
d=$W/vmlinux-pre
mkdir -p "$d"
# Made afresh each run, so that this btfids' --patch_btfids is tested.
vmlinux_pre fresh > "$d/pre.txt"
rc=$?
PRE=$VMLINUX_PRE
if [ $rc = 1 ]; then
	h_fail "vmlinux-pre:blob" "$(cat "$d/pre.txt")"
	head -n 10 "$C/pre/unresolve.txt" | sed 's/^/    /'
	pre_ok=0
else
	h_pass "vmlinux-pre:blob"
	info "vmlinux-pre:blob: $(tail -n 1 "$C/pre/unresolve.txt")"
	pre_ok=1
fi

if [ $pre_ok = 1 ]; then
	BKEY=$(md5sum < "$VMLINUX_PRE_BLOB" | cut -c1-12)
	# Strict: the section holds the blob, nothing else changed.
	"$KBTF" section "$PRE" .BTF_ids "$d/section.bin" 2>>"$d/pre.txt"
	"$KBTF" elfdiff "$VMLINUX" "$PRE" > "$d/elfdiff-orig.txt" 2>&1
	if [ $rc != 0 ]; then
		h_fail "vmlinux-pre:patch" "$(head -n 1 "$d/pre.txt")"
		pre_ok=0
	elif ! h_equal "$d/section.bin" "$VMLINUX_PRE_BLOB"; then
		h_fail "vmlinux-pre:patch" "btfids --patch_btfids: .BTF_ids is not the blob"
		pre_ok=0
	elif [ -n "$(grep -v -e '\.BTF_ids' -e 'differing bytes in total' "$d/elfdiff-orig.txt")" ]; then
		h_fail "vmlinux-pre:patch" "btfids --patch_btfids changed more than .BTF_ids:" \
			"$(grep -v '\.BTF_ids' "$d/elfdiff-orig.txt" | head -n 3 | tr '\n' ';')"
		pre_ok=0
	else
		h_pass "vmlinux-pre:patch"
	fi
fi

if [ $pre_ok = 1 ]; then
	progress "vmlinux-pre: same patch with the oracle, compare files"
	cp "$VMLINUX" "$d/vmlinux.oracle" &&
		"$ORACLE" --patch_btfids "$VMLINUX_PRE_BLOB" "$d/vmlinux.oracle" > "$d/patch-oracle.log" 2>&1
	rc=$?
	: > "$d/elfdiff-oracle.txt"
	r=$(H_ELFDIFF="$KBTF elfdiff" H_DETAIL=$d/elfdiff-oracle.txt \
	    h_same_elf "$d/vmlinux.oracle" "$PRE" "patched vmlinux")
	if [ $rc != 0 ]; then
		h_fail "vmlinux-pre:patch-vs-oracle" "oracle --patch_btfids exit $rc: $(head -c 300 "$d/patch-oracle.log")"
	elif [ -n "$r" ]; then
		h_fail "vmlinux-pre:patch-vs-oracle" "$r"
	else
		h_pass "vmlinux-pre:patch-vs-oracle"
		[ -s "$d/elfdiff-oracle.txt" ] && info "vmlinux-pre:patch-vs-oracle: $(head -n 1 "$d/elfdiff-oracle.txt")"
	fi
	rm -f "$d/vmlinux.oracle"

	PRE_BTF1=$C/vmlinux-pre.BTF.1-$PKEY-$BKEY
	progress "vmlinux-pre: pahole (cache $(basename "$PRE_BTF1"))"
	if ! pahole_cached "$PRE_BTF1" "$PRE"; then
		h_fail "vmlinux-pre" "pahole failed: $(tail -n 3 "$PRE_BTF1.log" | tr '\n' '|')"
	else
		progress "vmlinux-pre: oracle vs btfids"
		new_case "$d/run"
		ln -s "$PRE" "$d/run/oracle/vmlinux"
		ln -s "$PRE" "$d/run/btfids/vmlinux"
		run_pair "$d/run" vmlinux --btf "$PRE_BTF1"
		find "$d/run" -name vmlinux -type l -delete
		compare_pair vmlinux-pre "$d/run"
		# How close is this rebuild to what Debian shipped? (not a test)
		"$KBTF" section "$VMLINUX" .BTF_ids "$d/shipped.BTF_ids"
		"$KBTF" section "$VMLINUX" .BTF "$d/shipped.BTF"
		for f in BTF_ids BTF; do
			o=$d/run/oracle/vmlinux.$f
			[ -f "$o" ] || continue
			if h_equal "$o" "$d/shipped.$f"; then
				info "vmlinux-pre: .$f equals the shipped vmlinux's"
			else
				info "vmlinux-pre: .$f differs from the shipped vmlinux's" \
					"($(stat -c %s "$o") vs $(stat -c %s "$d/shipped.$f") bytes)"
			fi
		done
	fi
fi

# -------------------------------------------------------------- modules

n_sel=$(wc -l < "$SEL")
progress "modules: unstrip + pahole for $n_sel modules (cached), then oracle vs btfids"
i=0 n_patched=0 n_patched_same=0
while read -r -u 3 rel ids sets set8 kf bsz; do
	i=$((i + 1))
	name=${rel%.ko}
	if ! module_prepare "$rel" > "$W/prepare.txt"; then
		h_fail "mod:$name" "$(cat "$W/prepare.txt")"
		continue
	fi
	ko=$MOD_KO btf1=$MOD_BTF1
	ko_stat=$(stat -c '%s %Y' "$ko")

	for mode in split distill; do
		d=$W/mod/$name/$mode
		new_case "$d"
		ln -s "$ko" "$d/oracle/m.ko"
		ln -s "$ko" "$d/btfids/m.ko"
		if [ $mode = split ]; then
			run_pair "$d" m.ko --btf "$btf1" --btf_base "$VMLINUX"
		else
			run_pair "$d" m.ko --btf "$btf1" --btf_base "$VMLINUX" --distill_base
		fi
		rm -f "$d/oracle/m.ko" "$d/btfids/m.ko"
		compare_pair "mod:$name:$mode" "$d" "$VMLINUX"
	done

	# --patch_btfids on copies. With .BTF_ids: the distilled blob (its
	# IDs differ from the shipped ones, so the patch changes bytes).
	# Without: a 4-byte blob, which both tools must refuse.
	d=$W/mod/$name/patch
	new_case "$d"
	cp "$ko" "$d/oracle/m.ko"
	cp "$ko" "$d/btfids/m.ko"
	blob=$W/mod/$name/distill/oracle/m.ko.BTF_ids
	[ "$ids" = 1 ] || { blob=$d/dummy.blob; printf 'BTF!' > "$blob"; }
	if [ ! -f "$blob" ]; then
		h_fail "mod:$name:patch" "no .BTF_ids blob from the oracle to patch with"
		continue
	fi
	run_pair "$d" m.ko --patch_btfids "$blob"
	rco=$(cat "$d/oracle.rc") rcb=$(cat "$d/btfids.rc")
	why=()
	[ "$rco" = "$rcb" ] || why+=("exit $rco (oracle) vs $rcb (btfids)")
	if [ "$ids" = 1 ]; then
		[ "$rco" = 0 ] || why+=("oracle exit $rco")
		for t in oracle btfids; do
			"$KBTF" section "$d/$t/m.ko" .BTF_ids "$d/$t.section" 2>/dev/null
			h_equal "$d/$t.section" "$blob" || why+=("$t: .BTF_ids is not the blob")
		done
		r=$(H_ELFDIFF="$KBTF elfdiff" H_DETAIL=$d/elfdiff.txt \
		    h_same_elf "$d/oracle/m.ko" "$d/btfids/m.ko" "patched m.ko")
		[ -z "$r" ] || why+=("$r")
		n_patched=$((n_patched + 1))
		erc=1
		h_equal "$d/oracle/m.ko" "$d/btfids/m.ko" && erc=0 && n_patched_same=$((n_patched_same + 1))
		h_equal "$ko" "$d/btfids/m.ko" && h_equal "$ko" "$d/oracle/m.ko" &&
			info "mod:$name:patch: the blob equals the module's section (no change)"
	else
		[ "$rco" != 0 ] || why+=("oracle accepted a blob of the wrong size")
		erc=0
		for t in oracle btfids; do
			h_equal "$ko" "$d/$t/m.ko" || why+=("$t modified the module on failure")
		done
	fi
	if [ ${#why[@]} -eq 0 ]; then
		h_pass "mod:$name:patch"
		[ $erc = 1 ] && info "mod:$name:patch: files differ outside section contents:" \
			"$(head -n 4 "$d/elfdiff.txt" | tr '\n' ';')"
	else
		h_fail "mod:$name:patch" "$(join "${why[@]}")"
		echo "    stderr oracle: $(head -c 300 "$d/oracle.err" | tr '\n' '|')"
		echo "    stderr btfids: $(head -c 300 "$d/btfids.err" | tr '\n' '|')"
	fi
	[ ${#why[@]} -eq 0 ] && rm -f "$d/oracle/m.ko" "$d/btfids/m.ko"
	[ "$(stat -c '%s %Y' "$ko")" = "$ko_stat" ] || h_fail "mod:$name:input" "module was modified"
	[ $((i % 10)) = 0 ] && progress "modules: $i/$n_sel done"
done 3< "$SEL"

vp=$(head -n 1 "$W/vmlinux-pre/elfdiff-oracle.txt" 2>/dev/null)
info "patch: $n_patched_same of $n_patched patched modules are byte-identical files" \
	"between oracle and btfids (vmlinux-pre: ${vp:-byte-identical})"
progress "done; outputs in $W"
h_end
