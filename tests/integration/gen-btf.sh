#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel integration (scripts/kernel/*.patch) end to end: Linux 7.2's
# (or with KERNEL=7.3, 7.3's) own scripts/gen-btf.sh in module mode, unpatched (pahole, then
# resolve_btfids) and patched (one pahole --resolve_btfids run), on the
# fixture modules of every architecture, with and without --distill_base.
# The modules it leaves behind (with .BTF, .BTF.base and patched .BTF_ids
# embedded) must be byte-identical, and the one-run path may call
# resolve_btfids only to patch.
#
# Needs PAHOLE_PATCHED, a pahole with dwarves-patches/ applied; skipped,
# with that reason, without it. --resolve_btfids is pointed at this
# build's plugin (build/btfids.so) by tests/integration/pahole-shim,
# whatever the patched pahole's plugin directory holds.
set -u

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
HERE=$TOP/tests/integration
# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"
KSRC=$BUILD/ksrc/linux-source-$H_KERNEL
ORACLE=${ORACLE:-$H_ORACLE}
OUT=${OUT:-$BUILD/tests}
W=$OUT/integration
h_begin integration "$W"

if [ -z "${PAHOLE_PATCHED:-}" ]; then
	h_skip "integration/*" "PAHOLE_PATCHED not set (a pahole with dwarves-patches/ applied, see dwarves-patches/README.md)"
	h_end
	exit 0
fi

mkdir -p "$W/orig/scripts" "$W/new" && cd "$W" || exit 1
cp "$KSRC/scripts/gen-btf.sh" "$KSRC/scripts/Makefile.btf" orig/scripts/
cp -r orig/scripts new/
if ! (cd new && patch -s -p1 < "$(ls "$TOP"/scripts/kernel/*.patch)"); then
	h_fail setup "the kernel patch does not apply to linux-source-$H_KERNEL"
	h_end
	exit 1
fi

export SHIM_PLUGIN=${PLUGIN:-$BUILD/btfids.so} SHIM_PAHOLE=$PAHOLE_PATCHED SHIM_RESOLVE_BTFIDS=$ORACLE
export PAHOLE=$HERE/pahole-shim OBJCOPY=objcopy RESOLVE_BTFIDS=$ORACLE
. "$TOP/scripts/lib/kernel-flags.sh"
export PAHOLE_FLAGS="-j2 --btf_features=$KERNEL_BTF_FEATURES"

# Makefile.btf's question, for this release and for one the plugin does not
# implement (then the tree keeps its own two steps)
if "$PAHOLE" --resolve_btfids=kernel="$H_KERNEL" --version >/dev/null 2>&1; then
	h_pass detect
else
	h_fail detect "'$PAHOLE --resolve_btfids=kernel=$H_KERNEL --version' failed"
fi
if "$PAHOLE" --resolve_btfids=kernel=7.4 --version >/dev/null 2>&1; then
	h_fail detect-7.4 "the plugin says it implements Linux 7.4"
else
	h_pass detect-7.4
fi
# what Makefile.btf exports; the objects name no release of their own
export PAHOLE_BTF_RELEASE=$H_KERNEL
unset BTFIDS_KERNEL

# gen_btf DIR SCRIPTS FLAGS OBJCOPY M [VAR=VALUE...]: the kernel's script
# from SCRIPTS on DIR's copy of M.o; DIR.rc, DIR.out, DIR.err beside it
gen_btf()
{
	local d=$1 scripts=$2 flags=$3 objcopy=$4 m=$5
	shift 5
	h_run "$d" "${TOOL_TIMEOUT:-600}" env OBJCOPY="$objcopy" RESOLVE_BTFIDS_FLAGS="$flags" \
		"$@" sh "$scripts/gen-btf.sh" --btf_base base.vmlinux "$m.o"
}

# one_case CASE ARCH M FLAGS
one_case()
{
	local c=$1 arch=$2 m=$3 flags=$4 T=$OUT/$2 d objcopy=objcopy why
	d=$W/$arch-$m${flags:+-distill}
	[ "$arch" = s390x ] && objcopy=s390x-linux-gnu-objcopy
	mkdir -p "$d/two" "$d/one"
	cp "$T/$m.o" "$T/base.vmlinux" "$d/two/"
	cp "$T/$m.o" "$T/base.vmlinux" "$d/one/"
	gen_btf "$d/two" "$W/orig/scripts" "$flags" "$objcopy" "$m"
	gen_btf "$d/one" "$W/new/scripts" "$flags" "$objcopy" "$m" PAHOLE_RESOLVE_BTFIDS=y \
		RESOLVE_BTFIDS="$HERE/resolve_btfids-shim" CALLS="$d/one.calls"
	why=$(
		[ "$(cat "$d/two.rc")" = 0 ] || echo "the two steps exited $(cat "$d/two.rc")"
		h_compare "$d/two" "$d/one" --labels two-steps one-run \
			--ignore base.vmlinux
		readelf -S "$d/one/$m.o" 2>/dev/null | grep -q ' \.BTF ' ||
			echo "no .BTF in the final module"
		[ ! -s "$d/one.calls" ] || ! grep -v -q -- '--patch_btfids' "$d/one.calls" ||
			echo "the one-run path ran resolve_btfids: $(grep -v -- --patch_btfids "$d/one.calls" | head -n 1)"
	)
	h_done "$c" "$d" "$why"
}

for arch in x86_64 i386 s390x; do
	if [ ! -f "$OUT/$arch/base.vmlinux" ]; then
		h_skip "$arch" "no fixtures (run tests/build-fixtures.sh)"
		continue
	fi
	for m in mod mod_basekf mod_noids; do
		one_case "$arch/$m/split" "$arch" "$m" ""
		one_case "$arch/$m/distill" "$arch" "$m" --distill_base
	done
done
h_end
