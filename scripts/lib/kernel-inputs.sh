# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# scripts/lib/kernel-inputs.sh - shared by the real-kernel tests (tests/kernel,
# tests/plugin/kernel.sh, ...) and the benchmarks (bench/) (sourced): the real
# kernel inputs, made once and cached under build/kernel/.
#
# The sourcing script defines die() (and progress(), unless it uses the
# harness's h_progress, tests/lib/harness.sh), then calls kernel_prepare,
# which leaves behind:
#   BTFIDS ORACLE  private copies of the tools in build/kernel/bin (a
#                  rebuild of build/btfids during the run cannot race it)
#   KBTF           tests/kernel/kbtf.c, compiled against build/libbpf
#   VMLINUX        Debian's vmlinux with its final .BTF (debug package)
#   VM_BTF1        pahole's output for VMLINUX, cached by key PKEY (pahole
#                  version, flags, vmlinux size and build ID)
#   SEL            the selected modules, one per line:
#                  REL HAS_IDS SETS SET8S KFUNC_SET8S BTF_SIZE
# and module_prepare REL, which sets MOD_KO (the stripped module joined
# with its DWARF by eu-unstrip) and MOD_BTF1 (pahole --btf_base vmlinux),
# both cached; vmlinux_pre, which sets VMLINUX_PRE: a copy of VMLINUX whose
# .BTF_ids is put back to its state before resolution, as a kernel build
# hands it to resolve_btfids (7.3 refuses the shipped one: a kfunc in two
# sets with other flags), cached for the benchmarks, made afresh by the test.
#
# Environment: BTFIDS ORACLE PAHOLE (tools), KERNEL (the release: 7.2,
# Debian sid's 7.2.13 cloud kernel; 7.3, Debian experimental's 7.3-rc7,
# under build/kernel73), KVER KPKGVER (kernel), REPRODUCIBLE=1 (pahole with
# +reproducible_build, as kbuild adds with KBUILD_BUILD_TIMESTAMP),
# MAX_IDS_MODULES (cap on modules with .BTF_ids, default 60),
# N_PLAIN_MODULES (evenly spaced modules without .BTF_ids, default 40),
# N_BIG_MODULES (largest modules by .BTF size, default 3).

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
declare -F progress >/dev/null || progress() { h_progress "$@"; }
B=${BUILD:-$TOP/build}
KREL=${KERNEL:-7.2}
case $KREL in
7.2)	K=$B/kernel
	: "${KVER:=7.2.13+deb14-cloud-amd64}" "${KPKGVER:=7.2.13-1}"
	KSUITE=sid KORACLE=$B/oracle/resolve_btfids ;;
7.3)	K=$B/kernel73
	: "${KVER:=7.3-cloud-amd64}" "${KPKGVER:=7.3~rc7-1~exp1}"
	# 7.3 needs libbpf 1.8: the tree's, on both sides
	: "${BTFIDS:=$B/tree/btfids}"
	KSUITE=experimental KORACLE=$B/oracle73-tree/resolve_btfids ;;
*)	echo "tests/kernel: no Debian kernel known for Linux $KREL" >&2; exit 2 ;;
esac
C=$K/cache
DL=$B/dl
KHERE=$TOP/tests/kernel

BTFIDS=${BTFIDS:-$B/btfids}
ORACLE=${ORACLE:-$KORACLE}
PAHOLE=${PAHOLE:-$B/tools/pahole}
MAX_IDS_MODULES=${MAX_IDS_MODULES:-60}
N_PLAIN_MODULES=${N_PLAIN_MODULES:-40}
N_BIG_MODULES=${N_BIG_MODULES:-3}
TOOL_TIMEOUT=${TOOL_TIMEOUT:-600}

# Linux 7.2's scripts/Makefile.btf for pahole 1.32, with -J and -j2.
# shellcheck source=scripts/lib/debs.sh
. "$TOP/scripts/lib/debs.sh"
# shellcheck source=scripts/lib/kernel-flags.sh
. "$TOP/scripts/lib/kernel-flags.sh"
PAHOLE_FLAGS=("${KERNEL_PAHOLE_FLAGS[@]}")
[ -z "${REPRODUCIBLE:-}" ] || PAHOLE_FLAGS+=(--btf_features=+reproducible_build)

DBG_PKG=linux-image-$KVER-dbg
MOD_PKG=linux-modules-$KVER
DBG_DIR=$K/dbg
MOD_DIR=$K/mods
DBG_ROOT=$DBG_DIR/usr/lib/debug/lib/modules/$KVER
MOD_ROOT=$MOD_DIR/usr/lib/modules/$KVER/kernel
VMLINUX=$DBG_ROOT/vmlinux
KBTF=$K/bin/kbtf
KO=$C/ko
SEL=$C/selected.txt

# pahole_cached OUT ELF [ARGS...]: run pahole into OUT unless it exists.
pahole_cached()
{
	local out=$1 elf=$2
	shift 2
	[ -s "$out" ] && return 0
	timeout "$TOOL_TIMEOUT" "$PAHOLE" "${PAHOLE_FLAGS[@]}" "$@" \
		--btf_encode_detached="$out.tmp" "$elf" > "$out.log" 2>&1 &&
		[ -s "$out.tmp" ] && mv "$out.tmp" "$out"
}

kernel_prepare()
{
	local t cflags libs deb_dbg deb_mod rel ids sets set8 kf bsz vm_id

	for t in "$BTFIDS" "$ORACLE" "$PAHOLE"; do
		[ -x "$t" ] || die "missing $t (run make and scripts/bootstrap.sh)"
	done
	for t in eu-unstrip readelf xz dpkg-deb md5sum cc python3 timeout; do
		command -v $t >/dev/null || die "missing command $t"
	done
	[ -f "$B/config.mk" ] || die "missing $B/config.mk (run scripts/bootstrap.sh)"
	mkdir -p "$K/bin" "$C" || die "cannot create $K"
	cp "$BTFIDS" "$K/bin/btfids.tmp" && mv "$K/bin/btfids.tmp" "$K/bin/btfids" &&
		cp "$ORACLE" "$K/bin/resolve_btfids.tmp" &&
		mv "$K/bin/resolve_btfids.tmp" "$K/bin/resolve_btfids" ||
		die "cannot copy the tools"
	BTFIDS=$K/bin/btfids ORACLE=$K/bin/resolve_btfids
	cflags=$(sed -n 's/^LIBBPF_CFLAGS[[:space:]]*:=[[:space:]]*//p' "$B/config.mk")
	libs=$(sed -n 's/^LIBBPF_LIBS[[:space:]]*:=[[:space:]]*//p' "$B/config.mk")
	if [ ! -x "$KBTF" ] || [ "$KHERE/kbtf.c" -nt "$KBTF" ] || [ "$B/config.mk" -nt "$KBTF" ]; then
		# shellcheck disable=SC2086
		cc -O2 -g -std=gnu11 -Wall -Wextra -Wno-unused-parameter $cflags \
			-o "$KBTF.tmp" "$KHERE/kbtf.c" $libs &&
			mv "$KBTF.tmp" "$KBTF" || die "cannot build kbtf"
	fi
	progress "tools: btfids $(md5sum < "$BTFIDS" | cut -c1-12)," \
		"oracle $(md5sum < "$ORACLE" | cut -c1-12), pahole $("$PAHOLE" --version)"

	progress "packages: $DBG_PKG, $MOD_PKG ($KPKGVER)"
	deb_dbg=$(debs_get "$KSUITE" "$DBG_PKG" "$KPKGVER") || die "cannot download $DBG_PKG=$KPKGVER"
	deb_mod=$(debs_get "$KSUITE" "$MOD_PKG" "$KPKGVER") || die "cannot download $MOD_PKG=$KPKGVER"
	progress "extract: $(basename "$deb_dbg")"
	debs_extract "$deb_dbg" "$DBG_DIR" || die "cannot extract $deb_dbg"
	progress "extract: $(basename "$deb_mod")"
	debs_extract "$deb_mod" "$MOD_DIR" || die "cannot extract $deb_mod"
	[ -f "$VMLINUX" ] || die "no vmlinux in $DBG_DIR"

	# Stripped modules, decompressed, and a scan of all of them.
	progress "modules: decompress and scan"
	if [ ! -s "$C/modscan.txt" ] || [ "$MOD_DIR/.extracted" -nt "$C/modscan.txt" ]; then
		rm -rf "$KO" && mkdir -p "$KO" || die "cannot create $KO"
		(cd "$MOD_ROOT" && find . -name '*.ko.xz' | sed 's|^\./||' | sort) \
			> "$C/modlist.txt" || die "cannot list modules"
		while read -r rel; do
			mkdir -p "$KO/$(dirname "$rel")" &&
				xz -dc "$MOD_ROOT/$rel" > "$KO/${rel%.xz}" ||
				die "cannot decompress $rel"
		done < "$C/modlist.txt"
		(cd "$KO" && sed 's/\.xz$//' "$C/modlist.txt" | xargs "$KBTF" scan) \
			> "$C/modscan.tmp" && mv "$C/modscan.tmp" "$C/modscan.txt" ||
			die "cannot scan modules"
	fi

	# Deterministic choice among modules that have a debug counterpart:
	# with .BTF_ids, kfunc sets first, then by path, up to the cap; the
	# N_BIG largest by .BTF; N_PLAIN evenly spaced by path.
	while read -r rel ids sets set8 kf bsz; do
		[ -f "$DBG_ROOT/kernel/$rel" ] && echo "$rel $ids $sets $set8 $kf $bsz"
	done < "$C/modscan.txt" > "$C/usable.txt"
	{
		awk '$2 == 1' "$C/usable.txt" | sort -k5,5nr -k1,1 | head -n "$MAX_IDS_MODULES"
		awk '$2 == 0' "$C/usable.txt" | sort -k6,6nr -k1,1 | head -n "$N_BIG_MODULES"
		awk '$2 == 0' "$C/usable.txt" | sort -k1,1 |
			awk -v n="$N_PLAIN_MODULES" '{ l[NR] = $0 } END {
				if (n > NR) n = NR
				for (i = 0; i < n; i++) print l[int(i * NR / n) + 1] }'
	} | awk '!seen[$1]++' > "$SEL"
	progress "modules: $(wc -l < "$C/modlist.txt") in package," \
		"$(awk '$2 == 1' "$C/usable.txt" | wc -l) with .BTF_ids;" \
		"selected $(wc -l < "$SEL") ($(awk '$2 == 1' "$SEL" | wc -l) with .BTF_ids," \
		"$(awk '$5 > 0' "$SEL" | wc -l) with kfunc sets)"

	vm_id="$(stat -c %s "$VMLINUX") $(readelf -n "$VMLINUX" 2>/dev/null |
		sed -n 's/.*Build ID: //p' | head -n 1)"
	PKEY=$( { "$PAHOLE" --version; echo "$PAHOLE ${PAHOLE_FLAGS[*]}"; echo "$vm_id"; } |
		md5sum | cut -c1-12)
	VM_BTF1=$C/vmlinux.BTF.1-$PKEY
	progress "vmlinux: pahole (cache $(basename "$VM_BTF1"))"
	pahole_cached "$VM_BTF1" "$VMLINUX" || die "pahole failed on vmlinux, see $VM_BTF1.log"
}

# module_prepare REL: MOD_KO and MOD_BTF1 for module REL (a .ko path
# relative to the modules' kernel/ directory). Prints why on failure.
module_prepare()
{
	local rel=$1 name=${1%.ko}
	MOD_KO=$C/mods/$name.ko
	MOD_BTF1=$C/mods/$name.BTF.1-$PKEY
	mkdir -p "$(dirname "$MOD_KO")"
	if [ ! -s "$MOD_KO" ] || [ "$KO/$rel" -nt "$MOD_KO" ]; then
		if ! eu-unstrip -o "$MOD_KO.tmp" "$KO/$rel" "$DBG_ROOT/kernel/$rel" \
			> "$MOD_KO.log" 2>&1 || ! mv "$MOD_KO.tmp" "$MOD_KO"; then
			echo "eu-unstrip failed: $(head -c 300 "$MOD_KO.log")"
			return 1
		fi
	fi
	if ! pahole_cached "$MOD_BTF1" "$MOD_KO" --btf_base "$VMLINUX"; then
		echo "pahole failed: $(tail -n 3 "$MOD_BTF1.log" | tr '\n' '|')"
		return 1
	fi
}

# vmlinux_pre [fresh]: VMLINUX_PRE, VMLINUX with its .BTF_ids rebuilt by
# kbtf unresolve (VMLINUX_PRE_BLOB) and written in by btfids --patch_btfids;
# cached unless "fresh" (tests/kernel/run.sh tests that btfids' patch).
# Prints why on failure and returns 1 (unresolve) or 2 (patch).
vmlinux_pre()
{
	local p=$C/pre
	VMLINUX_PRE=$p/vmlinux VMLINUX_PRE_BLOB=$p/BTF_ids.pre
	if [ "${1:-}" != fresh ] && [ -s "$VMLINUX_PRE" ] && [ -s "$VMLINUX_PRE_BLOB" ] &&
	   [ "$VMLINUX_PRE" -nt "$VMLINUX" ] && ! [ "$VMLINUX_PRE_BLOB" -nt "$VMLINUX_PRE" ]; then
		return 0
	fi
	mkdir -p "$p" && rm -f "$VMLINUX_PRE" || return 2
	if ! "$KBTF" unresolve "$VMLINUX" "$VMLINUX_PRE_BLOB" > "$p/unresolve.txt" 2>&1; then
		echo "kbtf unresolve: $(tail -n 1 "$p/unresolve.txt")"
		return 1
	fi
	# a whole file or none: the cache above trusts what it finds
	if ! cp "$VMLINUX" "$VMLINUX_PRE.tmp" ||
	   ! "$BTFIDS" --patch_btfids "$VMLINUX_PRE_BLOB" "$VMLINUX_PRE.tmp" > "$p/patch.log" 2>&1 ||
	   ! mv "$VMLINUX_PRE.tmp" "$VMLINUX_PRE"; then
		echo "btfids --patch_btfids: $(head -c 300 "$p/patch.log")"
		rm -f "$VMLINUX_PRE.tmp"
		return 2
	fi
}
