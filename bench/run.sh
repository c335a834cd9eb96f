#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (not a test): build/btfids against the reference
# resolve_btfids (build/oracle/resolve_btfids, same libbpf) on Debian's
# 7.2 cloud kernel (KERNEL=7.3: build/tree/btfids against 7.3's stock
# build, both on the tree's libbpf 1.8, on Debian experimental's 7.3-rc7
# cloud kernel, vmlinux before resolution), in one run:
#   - vmlinux (--btf vmlinux.BTF.1 vmlinux) and the module set of
#     tests/kernel/run.sh in split mode: median wall and CPU time of 5
#     runs, peak RSS
#   - callgrind instruction counts (Ir) on vmlinux and 3 modules: the
#     largest and the smallest with kfunc sets, the largest overall
#   - for context: one run of stock pahole on vmlinux, and the stock
#     build of resolve_btfids (build/oracle-tree) on vmlinux
# The markdown table goes to stdout and to build/bench/results.md.
# Inputs come from scripts/lib/kernel-inputs.sh (cached under build/kernel/).
# Environment: RUNS (default 5), and those of scripts/lib/kernel-inputs.sh.
set -u
set -o pipefail

T0=$SECONDS
progress() { printf -- '-- [%4ds] %s\n' $((SECONDS - T0)) "$*"; }
die() { echo "bench: $*" >&2; exit 1; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/kernel-inputs.sh
. "$HERE/../scripts/lib/kernel-inputs.sh"
OUTDIR=$B/bench
RUNS=${RUNS:-5}
command -v valgrind >/dev/null || die "valgrind is needed"

kernel_prepare

mkdir -p "$OUTDIR" || die "cannot create $OUTDIR"
# 7.2: the shipped vmlinux; the oracle shares btfids' libbpf and the
# stock build is context. 7.3's resolve_btfids refuses the shipped vmlinux
# (a kfunc in two sets with other flags, once resolved): both tools get it
# as a kernel build does, before resolution; the oracle is the stock build
# (its tree's libbpf 1.8), as btfids'.
if [ "$KREL" = 7.2 ]; then
	BENCH_VMLINUX=$VMLINUX STOCK=$B/oracle-tree/resolve_btfids
	VM_STATE="as shipped (resolved)" ORACLE_LIBBPF="our libbpf 1.7"
else
	vmlinux_pre > "$OUTDIR/pre.txt" || die "vmlinux before resolution: $(cat "$OUTDIR/pre.txt")"
	BENCH_VMLINUX=$VMLINUX_PRE STOCK=
	VM_STATE="put back to its state before resolution"
	ORACLE_LIBBPF="its tree's libbpf 1.8, as btfids"
fi
CFG=$OUTDIR/config.txt
progress "modules: unstrip + pahole for $(wc -l < "$SEL") modules (cached)"
{
	echo "oracle=$ORACLE"
	echo "btfids=$BTFIDS"
	echo "pahole=$PAHOLE"
	echo "release=$KREL"
	[ -n "$STOCK" ] && [ -x "$STOCK" ] && echo "stock=$STOCK"
	echo "pahole_version=$("$PAHOLE" --version)"
	echo "pahole_flags=${PAHOLE_FLAGS[*]}"
	echo "vmlinux=$BENCH_VMLINUX"
	echo "vm_btf1=$VM_BTF1"
	echo "work=$OUTDIR/work"
	echo "out=$OUTDIR/results.md"
	echo "runs=$RUNS"
	while read -r -u 3 rel _ids _sets _set8 _kf _bsz; do
		module_prepare "$rel" > "$OUTDIR/prepare.txt" ||
			die "$rel: $(cat "$OUTDIR/prepare.txt")"
		echo "module=$MOD_KO $MOD_BTF1 ${rel%.ko}"
	done 3< "$SEL"
	# Representative modules for callgrind.
	awk '$5 > 0' "$SEL" | sort -k6,6nr -k1,1 | head -n 1
	awk '$5 > 0' "$SEL" | sort -k6,6n -k1,1 | head -n 1
	sort -k6,6nr -k1,1 "$SEL" | head -n 1
} > "$CFG.tmp" || die "cannot write $CFG"
# The last three lines are selection rows: turn them into callgrind= keys.
{
	grep '=' "$CFG.tmp"
	grep -v '=' "$CFG.tmp" | awk '!seen[$1]++ { sub(/\.ko$/, "", $1); print "callgrind=" $1 }'
	echo "info=date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs," \
		"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "info=kernel: Debian $KVER ($KPKGVER), vmlinux .BTF_ids $VM_STATE;" \
		"$(wc -l < "$SEL") modules ($(awk '$2 == 1' "$SEL" | wc -l) with .BTF_ids)"
	echo "info=btfids $(md5sum < "$BTFIDS" | cut -c1-12) vs oracle" \
		"$(md5sum < "$ORACLE" | cut -c1-12) (Linux $KREL resolve_btfids, $ORACLE_LIBBPF)"
} > "$CFG" && rm -f "$CFG.tmp"

python3 "$HERE/bench.py" "$CFG" || die "bench.py failed"
progress "done in $((SECONDS - T0)) s; results in $OUTDIR/results.md"
