#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/plugin/run.sh - what finishing BTF inside pahole costs (benchmark,
# not a test), on Debian's 7.2 cloud kernel, in one run:
#   stock     the unpatched pahole (PAHOLE_STOCK) alone
#   two-step  the patched pahole (PAHOLE_PATCHED) without a plugin, then
#             Linux 7.2 resolve_btfids (build/oracle/resolve_btfids)
#   single    the patched pahole with --btf_plugin=build/btfids.so
# on vmlinux (medians of VM_RUNS=3 rounds) and on scripts/lib/kernel-inputs.sh's
# module set, split on vmlinux (medians of MOD_RUNS=5 rounds over all the
# modules), with the kernel's pahole flags (-J -j2 --btf_features=...
# --lang_exclude=rust).  CPU time (user+sys) and peak RSS come from wait4().
# The variants are interleaved round by round (the machine may be busy).
# The markdown table goes to stdout and to build/bench/plugin.md.
#
# Environment: PAHOLE_PATCHED, PAHOLE_STOCK (both required; the same pahole
# version with and without dwarves-patches/), PLUGIN, VM_RUNS, MOD_RUNS,
# FEATURES, and those of scripts/lib/kernel-inputs.sh.
set -u
set -o pipefail

T0=$SECONDS
progress() { printf -- '-- [%4ds] %s\n' $((SECONDS - T0)) "$*"; }
die() { echo "bench/plugin: $*" >&2; exit 1; }

[ -n "${PAHOLE_PATCHED:-}" ] ||
	die "PAHOLE_PATCHED not set (a pahole with dwarves-patches/ applied; see dwarves-patches/README.md)"
[ -n "${PAHOLE_STOCK:-}" ] ||
	die "PAHOLE_STOCK not set (the unpatched pahole of the same version as PAHOLE_PATCHED)"
for v in PAHOLE_PATCHED PAHOLE_STOCK; do
	case ${!v} in /*) ;; *) printf -v "$v" '%s' "$PWD/${!v}" ;; esac
	[ -x "${!v}" ] || die "$v=${!v} is not executable"
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/kernel-inputs.sh
. "$HERE/../../scripts/lib/kernel-inputs.sh"

PLUGIN=${PLUGIN:-$B/btfids.so}
case $PLUGIN in /*) ;; *) PLUGIN=$PWD/$PLUGIN ;; esac
VM_RUNS=${VM_RUNS:-3}
MOD_RUNS=${MOD_RUNS:-5}
. "$TOP/scripts/lib/kernel-flags.sh"
FEATURES=${FEATURES:-$KERNEL_BTF_FEATURES}
OUTDIR=$B/bench

if [ "$PLUGIN" = "$B/btfids.so" ] && ! make -q -s -C "$TOP" "$PLUGIN" >/dev/null 2>&1; then
	make -s -C "$TOP" "$PLUGIN" >/dev/null 2>&1 || die "make $PLUGIN failed"
fi
[ -f "$PLUGIN" ] || die "no plugin at $PLUGIN (make)"

kernel_prepare
mkdir -p "$OUTDIR" || die "cannot create $OUTDIR"
# private copy: a rebuild during the run cannot race it
cp "$PLUGIN" "$K/bin/btfids-bench.so.tmp" && mv "$K/bin/btfids-bench.so.tmp" "$K/bin/btfids-bench.so" ||
	die "cannot copy the plugin"
PLUGIN=$K/bin/btfids-bench.so

CFG=$OUTDIR/plugin-config.txt
progress "modules: unstrip for $(wc -l <"$SEL") modules (cached)"
{
	echo "stock=$PAHOLE_STOCK"
	echo "patched=$PAHOLE_PATCHED"
	echo "oracle=$ORACLE"
	echo "plugin=$PLUGIN"
	echo "flags=-J -j2 --btf_features=$FEATURES --lang_exclude=rust"
	echo "vmlinux=$VMLINUX"
	echo "vm_runs=$VM_RUNS"
	echo "mod_runs=$MOD_RUNS"
	echo "work=$OUTDIR/plugin-work"
	echo "out=$OUTDIR/plugin.md"
	while read -r -u 3 rel _rest; do
		module_prepare "$rel" >"$OUTDIR/plugin-prepare.txt" ||
			die "$rel: $(cat "$OUTDIR/plugin-prepare.txt")"
		echo "module=$MOD_KO ${rel%.ko}"
	done 3<"$SEL"
	echo "info=date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs," \
		"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "info=pahole: stock $PAHOLE_STOCK ($("$PAHOLE_STOCK" --version)), patched" \
		"$PAHOLE_PATCHED ($("$PAHOLE_PATCHED" --version)); plugin $(md5sum <"$PLUGIN" | cut -c1-12);" \
		"resolve_btfids: Linux 7.2, libbpf 1.7 (build/oracle)"
	echo "info=kernel: Debian $KVER ($KPKGVER), vmlinux .BTF_ids as shipped;" \
		"$(wc -l <"$SEL") modules ($(awk '$2 == 1' "$SEL" | wc -l) with .BTF_ids)"
	echo "info=CPU and peak RSS from wait4() rusage per process; two-step CPU is the sum of" \
		"both processes, its RSS the larger; module rows sum CPU and wall over the set, RSS is the largest module's"
} >"$CFG" || die "cannot write $CFG"
[ "$(grep -c '^module=' "$CFG")" -ge 30 ] || die "fewer than 30 modules in the set"

progress "measuring: vmlinux x $VM_RUNS rounds, $(grep -c '^module=' "$CFG") modules x $MOD_RUNS rounds"
python3 "$HERE/bench.py" "$CFG"
rc=$?
progress "done in $((SECONDS - T0)) s; results in $OUTDIR/plugin.md"
exit $rc
