#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/boot/run.sh - `make check-boot`: a Linux 7.2 (KERNEL=7.3: 7.3) kernel
# built through the single pahole run, compared with the kernel's own two
# steps, booted, and judged by its BPF verifier.
#
# The kernel trees and their build steps are scripts/lib/boot-tree.sh's
# (packages, source, config, two-step, one-run, testmod, guest; from 7.3
# forced and future): one progress line each, cached on stamps.
#
# Then the checks, one line each, and "boot: N passed, N failed":
#   build/...     both builds passed through the path they should (the
#                 two-step never asks pahole for the plugin; the one-run
#                 runs resolve_btfids only to --patch_btfids), and left
#                 vmlinux, bzImage and every .ko byte-identical
#   testmod/...   bpf_testmod.ko has .BTF, .BTF.base and .BTF_ids
#   positive/...  the guest with the real bpf_testmod: its btfcheck lines
#                 (BTF of vmlinux and modules parses, every kfunc program
#                 loads and returns its value), module loads, and no BTF
#                 error in the boot log
#   negative/...  the guest with the emptied set: bpf_testmod's programs are
#                 refused by the verifier, vmlinux's still run
#   release/...   (7.3) the kernel=7.2 build differs from the two-step one
#                 and btfids verify (7.3's rules) finds problems in it (its
#                 arena kfuncs without address_space(1), at least); the
#                 7.4 tree took the two steps, byte-identical to the
#                 unpatched build; the tree put back is the one-run tree
#                 again
# and the BTF steps' CPU time, two-step against one run (informational).
#
# Environment: KERNEL (7.2 or 7.3; the trees go to build/boot and
# build/boot73), PAHOLE (default build/pahole/pahole; for 7.3
# build/pahole-tree/pahole), JOBS, BOOT_TIMEOUT
# (seconds per guest, default 600), KEEP_TREE=0 to drop the source and
# object trees after a passing run (they take about 3 GB).
set -euo pipefail

# shellcheck source=scripts/lib/boot-tree.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib/boot-tree.sh"

# ---------------------------------------------------------------- checks

# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"

# calls LOG TOOL [GREP]: the logged calls of TOOL (whose args match GREP)
calls() { awk -v t="$2" '$1 == t' "$1" | grep -e "${3:-.}" || true; }

check_paths()
{
	local two=$W/calls-two.log one=$W/calls-one.log n_mod why

	n_mod=$(grep -c . "$W/one/modules.list")
	why=""
	[ -z "$(calls "$two" pahole --resolve_btfids)" ] ||
		why="pahole was asked for the plugin"
	[ "$(calls "$two" resolve_btfids ' --btf ' | wc -l)" -eq $((n_mod + 1)) ] ||
		why="${why:+$why; }$(calls "$two" resolve_btfids ' --btf ' | wc -l) resolve_btfids --btf runs, want $((n_mod + 1))"
	h_check build/two-step-path "$why" "pahole then resolve_btfids for vmlinux and $n_mod modules"

	why=""
	[ "$(calls "$one" pahole "--resolve_btfids=kernel=$KVER" | grep -c -- ' -J ')" -eq $((n_mod + 1)) ] ||
		why="$(calls "$one" pahole "--resolve_btfids=kernel=$KVER" | grep -c -- ' -J ') pahole -J --resolve_btfids=kernel=$KVER runs, want $((n_mod + 1))"
	[ -z "$(calls "$one" resolve_btfids | grep -v -- '--patch_btfids')" ] ||
		why="${why:+$why; }resolve_btfids ran other than to patch: $(calls "$one" resolve_btfids | grep -v -- --patch_btfids | head -n 1)"
	h_check build/one-run-path "$why" "one pahole --resolve_btfids run for vmlinux and each of $n_mod modules"
}

check_identical()
{
	local f why

	why=$(h_same "$W/two/modules.list" "$W/one/modules.list" modules.list)
	if [ -n "$why" ]; then
		h_fail build/modules "the builds made different modules ($why)" "$W/check.why"
		return
	fi
	for f in vmlinux bzImage; do
		why=$(h_same "$W/two/$f" "$W/one/$f" "$f")
		h_check "build/identical/$f" "$why" "$(stat -c %s "$W/one/$f") bytes"
	done
	while read -r f; do
		why=$(h_same "$W/two/modules/$f" "$W/one/modules/$f" "$f")
		h_check "build/identical/$f" "$why" "$(stat -c %s "$W/one/modules/$f") bytes"
	done < "$W/one/modules.list"
}

# hdr_len BTF: the header length field of a raw BTF file (little endian)
hdr_len() { od -An -tu4 -j4 -N4 "$1" | tr -d ' '; }

# section ELF NAME OUT: the contents of section NAME
section() { objcopy --dump-section "$2=$3" "$1" "$3.elf" && rm -f "$3.elf"; }

# bpf_testmod from the one run: the three sections; the same BTF and
# .BTF_ids as the two steps' (their BTF headers may differ: the tree's
# resolve_btfids links the tree's libbpf, pahole the bootstrap's)
check_testmod()
{
	local one=$W/testmod/one/bpf_testmod.ko two=$W/testmod/two/bpf_testmod.ko s n why=""

	for s in .BTF .BTF.base .BTF_ids; do
		readelf -S -W "$one" | grep -F " $s " >/dev/null || why="${why:+$why; }no $s section"
	done
	n=$(calls "$W/calls-testmod-one.log" pahole --resolve_btfids | grep -c -- 'distilled_base')
	[ "$n" -eq 1 ] || why="${why:+$why; }$n pahole --resolve_btfids runs with distilled_base, want 1"
	h_check testmod/one-run "$why" ".BTF, .BTF.base (distilled) and .BTF_ids from one pahole run"

	why=""
	for s in .BTF .BTF.base .BTF_ids; do
		section "$one" "$s" "$W/testmod/one$s" && section "$two" "$s" "$W/testmod/two$s" ||
			{ why="${why:+$why; }cannot read $s"; continue; }
		# the BTF by type and string sections (header sizes may differ)
		n=$(H_SECTIONS=y h_same "$W/testmod/two$s" "$W/testmod/one$s" "bpf_testmod$s")
		[ -z "$n" ] || why="${why:+$why; }$n"
	done
	if [ -z "$(H_DETAIL=/dev/null h_same "$two" "$one" bpf_testmod.ko)" ]; then
		n="byte-identical modules"
	else
		n="BTF headers of $(hdr_len "$W/testmod/one.BTF") and $(hdr_len "$W/testmod/two.BTF") bytes:"
		n="$n libbpf $(sed -n 's/^LIBBPF_VERSION := //p' "$CONFIG_MK") in pahole, the tree's in resolve_btfids"
	fi
	h_check testmod/same-as-two-step "$why" \
		"types, strings and .BTF_ids as resolve_btfids --distill_base wrote them ($n)"
}

# boot MODE: run the guest, its serial console into W/boot-MODE.log
boot_guest()
{
	local mode=$1 log=$W/boot-$1.log rc=0

	timeout "$BOOT_TIMEOUT" qemu-system-x86_64 -nographic -no-reboot -m 512 \
		-kernel "$W/one/bzImage" -initrd "$GUEST/initramfs.cpio" \
		-append "console=ttyS0 panic=-1 btfcheck=$mode" > "$log" 2>&1 </dev/null || rc=$?
	tr -d '\r' < "$log" > "$log.txt"
	echo "$rc" > "$W/boot-$mode.rc"
}

# the guest's result lines, under MODE/, and its closing line
check_guest()
{
	local mode=$1 log=$W/boot-$1.log.txt line rc errs

	rc=$(cat "$W/boot-$mode.rc")
	if ! grep -q '^btfcheck: [0-9]* passed, [0-9]* failed' "$log"; then
		h_fail "$mode/boot" "no result from the guest (qemu exit $rc); last lines: $(tail -n 5 "$log" | tr '\n' '|')"
		return
	fi
	h_pass "$mode/boot" "qemu exit $rc, $(grep -c . "$log") lines of console"
	while IFS= read -r line; do
		case $line in
		"ok "*) h_pass "$mode/${line#ok }" ;;
		"FAIL "*) h_fail "$mode/${line#FAIL }" "" ;;
		esac
	done < <(grep -E '^(ok|FAIL) ' "$log")
	grep -q '^== btfcheck: exit 0$' "$log" || h_fail "$mode/btfcheck-exit" "$(grep '^== btfcheck: exit' "$log")"
	# the kernel's lines, not the guest's own
	errs=$(grep -v -E '^(ok |FAIL |btfcheck: |== btfcheck)' "$log" | grep -i 'btf' |
		grep -i -E 'error|fail|invalid|mismatch|-22|-EINVAL' || true)
	[ -z "$errs" ] || errs=$(echo "$errs" | head -n 3 | paste -sd '|')
	h_check "$mode/no-btf-errors" "$errs" \
		"$(grep -c -i btf "$log") console lines mention BTF, none an error"
}

fail_line() { h_fail "$1" "$2"; h_end; exit 1; }

# 7.3: the release is what decides; a release the plugin lacks keeps the
# tree's own tools
check_release()
{
	local why n_mod f

	n_mod=$(grep -c . "$W/one/modules.list")
	why=""
	[ "$(calls "$W/calls-forced.log" pahole --resolve_btfids=kernel=7.2 | grep -c -- ' -J ')" -eq \
	  $((n_mod + 1)) ] || why="the forced build did not run the plugin with kernel=7.2"
	cmp -s "$W/two/vmlinux" "$W/forced/vmlinux" && why="${why:+$why; }its vmlinux equals the two-step one"
	h_check release/kernel=7.2-differs "$why" "vmlinux finished with 7.2's rules is not the tree's"
	"$B/btfids" verify --kernel="$KVER" "$W/forced/vmlinux" > "$W/verify-forced.txt" 2>&1 || true
	n=$(sed -n 's/.* with problems (\([0-9]*\) problems).*/\1/p' "$W/verify-forced.txt")
	h_check release/kernel=7.2-verify "$([ "${n:-0}" -gt 0 ] || echo "btfids verify found nothing wrong: $(tail -n 1 "$W/verify-forced.txt")")" \
		"btfids verify (7.3's rules): ${n:-0} problems, e.g. $(grep -m1 -o 'kfunc .*' "$W/verify-forced.txt" || true)"
	"$B/btfids" verify "$W/two/vmlinux" > "$W/verify-two.txt" 2>&1 || true
	h_check release/two-step-verify "$(grep -q ' 0 with problems' "$W/verify-two.txt" ||
		tail -n 3 "$W/verify-two.txt" | tr '\n' '|')" "$(tail -n 1 "$W/verify-two.txt")"

	why=""
	# the probe asks (and is refused); no encoding run may use the plugin
	[ -z "$(calls "$W/calls-future-one.log" pahole --resolve_btfids | grep -- ' -J ')" ] ||
		why="pahole ran the plugin on a 7.4 tree"
	[ -n "$(calls "$W/calls-future-one.log" pahole --resolve_btfids=kernel=7.4)" ] ||
		why="${why:+$why; }Makefile.btf did not ask about 7.4"
	[ "$(calls "$W/calls-future-one.log" resolve_btfids ' --btf ' | wc -l)" -eq $((n_mod + 1)) ] ||
		why="${why:+$why; }$(calls "$W/calls-future-one.log" resolve_btfids ' --btf ' | wc -l) resolve_btfids --btf runs, want $((n_mod + 1))"
	h_check release/7.4-two-steps "$why" "7.4: the tree's pahole and resolve_btfids, not the plugin"
	why=""
	for f in vmlinux bzImage; do
		cmp -s "$W/future-one/$f" "$W/future-two/$f" || why="${why:+$why; }$f differs"
	done
	while read -r f; do
		cmp -s "$W/future-one/modules/$f" "$W/future-two/modules/$f" || why="${why:+$why; }$f differs"
	done < "$W/future-two/modules.list"
	h_check release/7.4-as-unpatched "$why" "7.4 with the patch: vmlinux, bzImage and modules as without it"
	for f in forced future; do
		h_check "release/put-back-$f" "$(grep -v '^same$' "$W/put-back-$f.txt")" \
			"after the $f build, the tree rebuilds the one-run vmlinux"
	done
}

# sum LOG TOOL WHICH: CPU seconds (user+sys) of TOOL's BTF calls on
# vmlinux (WHICH=vmlinux) or on modules (WHICH=modules)
cpu_sum()
{
	awk -v t="$2" -v w="$3" '$1 == t && / -J | --btf / {
		mod = / --btf_base /
		if ((w == "modules") == mod) { s += $2 + $3; n++ }
	} END { printf "%.2f %d", s, n }' "$1"
}

report_numbers()
{
	local v2 m2 v1 m1 r2v r2m

	v2=$(cpu_sum "$W/calls-two.log" pahole vmlinux)
	r2v=$(cpu_sum "$W/calls-two.log" resolve_btfids vmlinux)
	m2=$(cpu_sum "$W/calls-two.log" pahole modules)
	r2m=$(cpu_sum "$W/calls-two.log" resolve_btfids modules)
	v1=$(cpu_sum "$W/calls-one.log" pahole vmlinux)
	m1=$(cpu_sum "$W/calls-one.log" pahole modules)
	echo "# BTF steps, CPU seconds (user+sys; from the builds, with make -j$JOBS around them):"
	echo "#   vmlinux: two-step pahole ${v2% *} + resolve_btfids ${r2v% *}; one run ${v1% *}"
	echo "#   modules (${m1#* }): two-step pahole ${m2% *} + resolve_btfids ${r2m% *}; one run ${m1% *}"
	echo "#   build wall time: two-step from scratch $(cat "$W/wall-two.txt"), one-run rebuild $(cat "$W/wall-one.txt")"
}

main()
{
	local mode

	mkdir -p "$W"
	h_begin boot "$W/check"
	H_DETAIL=$W/check.why
	: >"$H_DETAIL"
	[ -x "$PAHOLE_REAL" ] || fail_line setup "no patched pahole at $PAHOLE_REAL (make pahole)"
	( steps_main ) || fail_line build "a build step failed (see above)"

	check_paths
	check_identical
	check_testmod
	[ "$KVER" = 7.2 ] || check_release
	for mode in positive negative; do
		boot_guest "$mode"
		check_guest "$mode"
	done
	report_numbers
	h_end || return 1
	if [ "${KEEP_TREE:-1}" = 0 ]; then
		rm -rf "$KSRC" "$OBJ" "$STAMPS"
	fi
}

main "$@"
