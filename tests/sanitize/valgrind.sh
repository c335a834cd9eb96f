#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# valgrind.sh - memcheck of the normal build/btfids on real kernel input:
# Debian's 7.2 cloud kernel as tests/kernel/run.sh prepares it under
# build/kernel/ (make check-kernel). Cases:
#   module    a recombined module with kfunc sets, its split BTF from
#             pahole, --btf_base vmlinux --distill_base
#   patch     --patch_btfids of that run's .BTF_ids into a copy of the module
#   vmlinux   vmlinux with pahole's BTF (--btf build/kernel/vmlinux.BTF.1)
# each under valgrind --leak-check=full --error-exitcode=99: a memcheck
# error or a definitely or indirectly lost byte fails the case. The ELF
# inputs are only linked into a scratch directory (btfids opens them
# read-only), so outputs never land in build/kernel/.
#
# One "ok"/"FAIL"/"skip" line per case with errors and leak totals, then
# "valgrind: N passed, N failed[, N skipped]". A case whose inputs are
# missing is skipped with the reason; valgrind itself missing skips all.
#
# Environment: BTFIDS (default build/btfids), VALGRIND (default valgrind),
# VMLINUX, VM_BTF1, MOD_KO, MOD_BTF1 (to pick other inputs).
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=$TOP/build
K=$BUILD/kernel
KVER=${KVER:-7.2.13+deb14-cloud-amd64}
BTFIDS=${BTFIDS:-$BUILD/btfids}
VALGRIND=${VALGRIND:-valgrind}
W=$BUILD/valgrind

# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"
h_begin valgrind "$BUILD/tests/valgrind"
finish() { h_end; exit; }
CASES="module patch vmlinux"
skip_all() { local c; for c in $CASES; do h_skip "$c" "$1"; done; finish; }

command -v "$VALGRIND" > /dev/null || skip_all "no valgrind ($VALGRIND; apt-get install valgrind)"
[ -x "$BTFIDS" ] || skip_all "no $BTFIDS (make)"

# --- inputs ---------------------------------------------------------------

# newest FILE...: the newest non-empty FILE that is not a .log
newest() {
	local f best=
	for f in "$@"; do
		case $f in *.log) continue ;; esac
		[ -s "$f" ] || continue
		if [ -z "$best" ] || [ "$f" -nt "$best" ]; then
			best=$f
		fi
	done
	echo "$best"
}

VMLINUX=${VMLINUX:-$K/dbg/usr/lib/debug/lib/modules/$KVER/vmlinux}
if [ -z "${VM_BTF1:-}" ]; then
	VM_BTF1=$K/vmlinux.BTF.1
	[ -s "$VM_BTF1" ] || VM_BTF1=$(newest "$K"/cache/vmlinux.BTF.1-*)
fi

# module: one of tests/kernel's selection with kfunc sets (SEL columns: REL
# HAS_IDS SETS SET8S KFUNC_SET8S BTF_SIZE), recombined and with its BTF
if [ -z "${MOD_KO:-}" ] && [ -f "$K/cache/selected.txt" ]; then
	while read -r rel has_ids _ _ kf _; do
		if [ "$has_ids" != 1 ] || [ "${kf:-0}" -le 0 ]; then
			continue
		fi
		ko=$K/cache/mods/$rel
		btf=$(newest "${ko%.ko}".BTF.1-*)
		if [ -s "$ko" ] && [ -s "$btf" ]; then
			MOD_KO=$ko MOD_BTF1=$btf
			break
		fi
	done < "$K/cache/selected.txt"
fi
MOD_KO=${MOD_KO:-} MOD_BTF1=${MOD_BTF1:-}

rm -rf "$W"
mkdir -p "$W"

# vg CASE DIR ARGS...: btfids ARGS under memcheck in DIR; judge the result
vg() {
	local c=$1 dir=$2 log=$W/$1.valgrind.log rc t0 t errs def ind pos why=""
	shift 2
	t0=$(date +%s)
	( cd "$dir" && exec "$VALGRIND" --tool=memcheck --leak-check=full \
		--show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		--log-file="$log" "$BTFIDS" "$@" ) > "$W/$c.out" 2>&1
	rc=$?
	t=$(( $(date +%s) - t0 ))
	errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$log" | tail -n 1)
	bytes() { sed -n "s/.*$1: \([0-9,]*\) bytes.*/\1/p" "$log" | tail -n 1 | tr -d ,; }
	def=$(bytes "definitely lost") ind=$(bytes "indirectly lost") pos=$(bytes "possibly lost")
	# no leak summary at all: everything was freed
	grep -q 'All heap blocks were freed' "$log" && def=0 ind=0 pos=0
	local what="${errs:-?} errors, definitely lost ${def:-?} B, indirectly lost ${ind:-?} B, possibly lost ${pos:-?} B, ${t} s"
	[ "$rc" -eq 0 ] || why="exit $rc"
	[ "${errs:-1}" = 0 ] || why="${why:+$why, }memcheck errors"
	[ "${def:-1}" = 0 ] && [ "${ind:-1}" = 0 ] || why="${why:+$why, }leaks"
	if [ -z "$why" ]; then
		h_pass "$c: $what"
	else
		h_fail "$c" "$why; $what (log: ${log#"$TOP"/})"
		grep -m 3 -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched|[0-9,]+ bytes in)' "$log" |
			sed 's/^/    /'
		sed 's/^/    btfids: /' "$W/$c.out" | head -n 3
	fi
}

# module
if [ ! -s "$VMLINUX" ]; then
	h_skip module "no vmlinux at ${VMLINUX#"$TOP"/} (make check-kernel prepares it)"
	h_skip patch "no vmlinux"
elif [ -z "$MOD_KO" ] || [ ! -s "$MOD_KO" ] || [ ! -s "$MOD_BTF1" ]; then
	h_skip module "no recombined module with kfunc sets and its .BTF.1 under build/kernel/cache (make check-kernel prepares them)"
	h_skip patch "no module"
else
	name=$(basename "$MOD_KO")
	mkdir -p "$W/module"
	ln -s "$MOD_KO" "$W/module/$name"
	echo "# module: ${MOD_KO#"$TOP"/}, BTF ${MOD_BTF1#"$TOP"/}"
	vg module "$W/module" --btf "$MOD_BTF1" --btf_base "$VMLINUX" --distill_base "$name"
	if [ -s "$W/module/$name.BTF_ids" ]; then
		mkdir -p "$W/patch"
		cp "$MOD_KO" "$W/patch/$name"
		vg patch "$W/patch" --patch_btfids "$W/module/$name.BTF_ids" "$name"
	else
		h_skip patch "the module case wrote no .BTF_ids"
	fi
fi

# vmlinux
if [ ! -s "$VMLINUX" ]; then
	h_skip vmlinux "no vmlinux at ${VMLINUX#"$TOP"/} (make check-kernel prepares it)"
elif [ -z "$VM_BTF1" ] || [ ! -s "$VM_BTF1" ]; then
	h_skip vmlinux "no pahole BTF for vmlinux (build/kernel/vmlinux.BTF.1; make check-kernel)"
else
	mkdir -p "$W/vmlinux"
	ln -s "$VMLINUX" "$W/vmlinux/vmlinux"
	echo "# vmlinux: ${VMLINUX#"$TOP"/}, BTF ${VM_BTF1#"$TOP"/}"
	vg vmlinux "$W/vmlinux" --btf "$VM_BTF1" vmlinux
fi
finish
