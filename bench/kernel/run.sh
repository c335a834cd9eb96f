#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/kernel/run.sh - the BTF phase of a whole distribution kernel
# (benchmark, not a test): every module of Debian's 7.2 (KERNEL=7.3: 7.3) cloud kernel that
# has a debug counterpart, joined with its DWARF by eu-unstrip as
# scripts/lib/kernel-inputs.sh does, split on vmlinux, finished
#   two-step  by the patched pahole without a plugin (X.BTF.1), then
#             the release's resolve_btfids --btf X.BTF.1 -b vmlinux X
#   single    by the patched pahole with --btf_plugin (X.BTF, X.BTF_ids)
# with the same pahole binary and the kernel's flags; two modules at a
# time, so both cores are busy.  Then btfids against resolve_btfids on the
# two-step's X.BTF.1 of every module, and callgrind instruction counts of
# pahole alone and of the single run (-j1) on vmlinux and on a sample of
# modules: every module with kfunc sets up to CG_KFUNC, then modules with
# other .BTF_ids up to CG_IDS, then CG_PLAIN evenly spaced others.
# The markdown goes to stdout and to build/bench/kernel.md.
#
# Environment: PAHOLE_PATCHED (default build/pahole/pahole, make pahole),
# PLUGIN, ROUNDS (passes per variant over all modules, default 2),
# CG_KFUNC (default 40), CG_IDS (default 20), CG_PLAIN (default 20),
# CG_VMLINUX (1: also vmlinux, default 1), MODULES (cap, default all).
set -u
set -o pipefail

T0=$SECONDS
progress() { printf -- '-- [%4ds] %s\n' $((SECONDS - T0)) "$*"; }
die() { echo "bench/kernel: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/kernel-inputs.sh
. "$HERE/../../scripts/lib/kernel-inputs.sh"

PAHOLE_PATCHED=${PAHOLE_PATCHED:-$B/pahole/pahole}
PLUGIN=${PLUGIN:-$B/btfids.so}
ROUNDS=${ROUNDS:-2}
CG_KFUNC=${CG_KFUNC:-40}
CG_IDS=${CG_IDS:-20}
CG_PLAIN=${CG_PLAIN:-20}
CG_VMLINUX=${CG_VMLINUX:-1}
MODULES=${MODULES:-0}
OUTDIR=$B/bench
for v in PAHOLE_PATCHED PLUGIN; do
	case ${!v} in /*) ;; *) printf -v "$v" '%s' "$PWD/${!v}" ;; esac
done
[ -x "$PAHOLE_PATCHED" ] || die "no patched pahole at $PAHOLE_PATCHED (make pahole)"
[ -f "$PLUGIN" ] || die "no plugin at $PLUGIN (make)"
command -v valgrind >/dev/null || die "valgrind is needed"

kernel_prepare
mkdir -p "$OUTDIR" "$C/mods" || die "cannot create $OUTDIR"
vmlinux_pre > "$OUTDIR/pre.txt" || die "vmlinux before resolution: $(cat "$OUTDIR/pre.txt")"
cp "$PLUGIN" "$K/bin/btfids-kbench.so.tmp" && mv "$K/bin/btfids-kbench.so.tmp" "$K/bin/btfids-kbench.so" ||
	die "cannot copy the plugin"
PLUGIN=$K/bin/btfids-kbench.so

# Every usable module, joined with its DWARF once (cached), two at a time.
ALL=$OUTDIR/kernel-modules.txt
if [ "$MODULES" -gt 0 ]; then
	sort -k1,1 "$C/usable.txt" | awk -v n="$MODULES" '{ l[NR] = $0 } END {
		if (n > NR) n = NR
		for (i = 0; i < n; i++) print l[int(i * NR / n) + 1] }' > "$ALL"
else
	sort -k1,1 "$C/usable.txt" > "$ALL"
fi
progress "modules: eu-unstrip $(wc -l < "$ALL") of $(wc -l < "$C/modlist.txt") (cached)"
unstrip_one()
{
	local rel=$1 ko=$C/mods/${1%.ko}.ko
	[ -s "$ko" ] && [ "$ko" -nt "$KO/$rel" ] && return 0
	mkdir -p "$(dirname "$ko")" &&
		eu-unstrip -o "$ko.tmp" "$KO/$rel" "$DBG_ROOT/kernel/$rel" > "$ko.log" 2>&1 &&
		mv "$ko.tmp" "$ko" || { echo "bench/kernel: eu-unstrip failed on $rel" >&2; return 1; }
}
export -f unstrip_one
export C KO DBG_ROOT
cut -d' ' -f1 "$ALL" | xargs -P 2 -n 1 bash -c 'unstrip_one "$1"' _ ||
	die "eu-unstrip failed"

CFG=$OUTDIR/kernel-config.txt
{
	echo "pahole=$PAHOLE_PATCHED"
	echo "oracle=$ORACLE"
	echo "btfids=$BTFIDS"
	echo "plugin=$PLUGIN"
	echo "flags=${PAHOLE_FLAGS[*]}"
	echo "vmlinux=$VMLINUX"
	echo "rounds=$ROUNDS"
	echo "cg_vmlinux=$CG_VMLINUX"
	# vmlinux as a kernel build hands it over, before resolution
	echo "cg_vmlinux_elf=$VMLINUX_PRE"
	echo "work=$OUTDIR/kernel-work"
	echo "out=$OUTDIR/kernel.md"
	# module=KO NAME HAS_IDS KFUNC_SET8S BTF_SIZE CG (1: callgrind sample)
	awk -v c="$C/mods" -v nk="$CG_KFUNC" -v ni="$CG_IDS" -v np="$CG_PLAIN" '
		{ rel[NR] = $1; ids[NR] = $2; kf[NR] = $5; bsz[NR] = $6 }
		END {
			for (i = 1; i <= NR; i++) {
				if (kf[i] > 0 && nk-- > 0) cg[i] = 1
				else if (ids[i] == 1 && kf[i] == 0 && ni-- > 0) cg[i] = 1
				else if (ids[i] == 0) plain[++n] = i
			}
			if (np > n) np = n
			for (j = 0; j < np; j++) cg[plain[int(j * n / np) + 1]] = 1
			for (i = 1; i <= NR; i++) {
				name = rel[i]; sub(/\.ko$/, "", name)
				print "module=" c "/" name ".ko " name " " ids[i] " " kf[i] " " bsz[i] " " (cg[i] ? 1 : 0)
			}
		}' "$ALL"
	echo "info=date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs," \
		"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "info=pahole: $PAHOLE_PATCHED ($("$PAHOLE_PATCHED" --version), dwarves-patches/ applied)" \
		"for both variants; plugin $(md5sum < "$PLUGIN" | cut -c1-12); btfids" \
		"$(md5sum < "$BTFIDS" | cut -c1-12); resolve_btfids: Linux $KREL, ${ORACLE#"$TOP"/}"
	echo "info=kernel: Debian $KVER ($KPKGVER): $(wc -l < "$ALL") modules" \
		"($(awk '$2 == 1' "$ALL" | wc -l) with .BTF_ids, $(awk '$5 > 0' "$ALL" | wc -l) with kfunc sets)" \
		"of $(wc -l < "$C/modlist.txt") in the package (the others have no debug counterpart)"
} > "$CFG" || die "cannot write $CFG"

python3 "$HERE/bench.py" "$CFG"
rc=$?
progress "done in $((SECONDS - T0)) s; results in $OUTDIR/kernel.md"
exit $rc
