#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/boot/run.sh - `make check-boot`: a Linux 7.2 (KERNEL=7.3: 7.3) kernel
# built through the single pahole run, compared with the kernel's own two
# steps, booted, and judged by its BPF verifier.
#
# Build steps (scripts/lib/steps.sh: one progress line each, cached on stamps):
#   packages   Debian 12 packages: flex bison bc cpio time qemu-system-x86
#              busybox-static
#   source     the whole linux-source-7.2 tree (build/boot/linux-source-7.2)
#   config     tinyconfig + tests/boot/kernel.config in build/boot/obj, every
#              line of the fragment checked to have taken effect
#   two-step   bzImage and modules with Linux 7.2's unchanged scripts: pahole,
#              then the tree's resolve_btfids; kept in build/boot/two
#   one-run    the same object tree with scripts/kernel/*.patch applied: kbuild
#              relinks vmlinux and redoes each module's BTF, now with one
#              pahole --resolve_btfids run each; kept in build/boot/one
#   testmod    the tree's tools/testing/selftests/bpf/test_kmods/bpf_testmod,
#              built with M= against the one-run tree: out of tree, so its BTF
#              is split on a distilled base (.BTF.base); and a copy whose kfunc
#              set is emptied on purpose (the negative control)
#   guest      btfcheck (tests/boot/guest, static, the bootstrap's libbpf), the
#              BPF programs (clang -target bpf) and the initramfs; from 7.3,
#              the list of the kernel's kfuncs with their flags, read by
#              btfids dump from the two-step vmlinux's .BTF_ids
#   forced     (7.3) the patched tree again, with kernel=7.2 forced on the
#              plugin (PAHOLE_BTF_RELEASE=7.2): the negative control for
#              the release; then the tree put back
#   future     (7.3) a copy of the tree's version made 7.4: the patched
#              scripts must keep the stock two steps (the plugin refuses
#              7.4), and the result equal the unpatched scripts' build of
#              the same 7.4; then the tree put back
# Every build runs pahole (build/pahole/pahole, PAHOLE) and resolve_btfids
# through wrappers that log each call with its CPU time and peak RSS
# (build/boot/calls-*.log).
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
#                 arena kfuncs without address_space(1), at least); the 7.4 tree took the two steps, byte-identical
#                 to the unpatched build; the tree put back is the one-run
#                 tree again
# and the BTF steps' CPU time, two-step against one run (informational).
#
# Environment: KERNEL (7.2 or 7.3; the trees go to build/boot and
# build/boot73), PAHOLE (default build/pahole/pahole; for 7.3
# build/pahole-tree/pahole), JOBS, BOOT_TIMEOUT
# (seconds per guest, default 600), KEEP_TREE=0 to drop the source and
# object trees after a passing run (they take about 3 GB).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=${BUILD:-$TOP/build}
KVER=${KERNEL:-7.2}
case $KVER in
7.2) W=$B/boot ;;
*) W=$B/boot${KVER//./} ;;
esac
KSRC=$W/linux-source-$KVER
OBJ=$W/obj
HERE=$TOP/tests/boot
FRAGMENT=$HERE/kernel.config
KPATCH=$(ls "$TOP"/scripts/kernel/*.patch)
# 7.3 needs libbpf 1.8 (release.c): pahole and the plugin built against the
# tree's libbpf (make pahole-tree), which the tree's resolve_btfids links too
case $KVER in
7.2) PAHOLE_DIR=$B/pahole ;;
*) PAHOLE_DIR=$B/pahole-tree ;;
esac
PAHOLE_REAL=${PAHOLE:-$PAHOLE_DIR/pahole}
PLUGIN_SO=$PAHOLE_DIR/lib/dwarves/plugins/btfids.so
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-600}
TESTMOD_SRC=$KSRC/tools/testing/selftests/bpf/test_kmods
TESTMOD_SET=bpf_testmod_check_kfunc_ids
CONFIG_MK=$B/config.mk

# A reproducible build: the same bytes from the same input, twice.
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
export KBUILD_BUILD_USER=btfids KBUILD_BUILD_HOST=btfids KBUILD_BUILD_VERSION=1
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES O OUTPUT V CFLAGS LDFLAGS

STEPS=(packages source config two-step one-run testmod guest)
[ "$KVER" = 7.2 ] || STEPS+=(forced future)
STEPS_PREFIX=boot
STAMPS=$W/stamps
LOGS=$W/logs
STEPS_LOCK=$W/.lock
# shellcheck source=scripts/lib/steps.sh
. "$TOP/scripts/lib/steps.sh"

BOOT_PACKAGES=(flex bison bc cpio time qemu-system-x86 busybox-static)

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# ---------------------------------------------------------------- packages

missing_packages()
{
	local p

	for p in "${BOOT_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -x 'install ok installed' >/dev/null || echo "$p"
	done
}

packages_desc() { echo "Debian packages (qemu, busybox-static, kernel build tools)"; }
packages_cached() { [ -z "$(missing_packages)" ]; }

packages_build()
{
	local sudo='' missing

	missing=$(missing_packages)
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	$sudo apt-get install -y -q --no-install-recommends $missing ||
		{ $sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends $missing; }
}

# ---------------------------------------------------------------- source

source_deb() { ls "$B"/dl/linux-source-"$KVER"_*.deb 2>/dev/null | sort -V | tail -n 1; }

source_desc() { echo "linux-source-$KVER, whole tree"; }

source_cached()
{
	stamp_ok source "$(basename "$(source_deb)")" && [ -f "$KSRC/Makefile" ] &&
		[ -f "$W/pristine/gen-btf.sh" ]
}

source_build()
{
	local deb tmp=$W/src.tmp

	deb=$(source_deb)
	[ -n "$deb" ] || steps_die "no linux-source-$KVER .deb in $B/dl (run scripts/bootstrap.sh ksrc)"
	rm -rf "$tmp" && mkdir -p "$tmp"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xOf - "./usr/src/linux-source-$KVER.tar.xz" |
		xz -dc -T0 | tar -xf - -C "$tmp"
	rm -rf "$KSRC" "$OBJ" "$STAMPS"/{config,two-step,one-run,testmod,guest,forced,future}
	mv "$tmp/linux-source-$KVER" "$KSRC"
	rmdir "$tmp"
	# the two files scripts/kernel's patch changes, as shipped
	mkdir -p "$W/pristine"
	cp "$KSRC/scripts/gen-btf.sh" "$KSRC/scripts/Makefile.btf" "$W/pristine/"
	stamp_write source "$(basename "$deb")"
}

# ---------------------------------------------------------------- config

pahole_key() { hash_of "$PAHOLE_DIR/bin/pahole" "$PAHOLE_DIR/lib/libdwarves.so"; }

config_key() { echo "$(basename "$(source_deb)") $(hash_of "$FRAGMENT") $(pahole_key)"; }

config_desc() { echo "tinyconfig + ${FRAGMENT#"$TOP"/}"; }

config_cached() { stamp_ok config "$(config_key)" && [ -f "$OBJ/.config" ]; }

# every CONFIG_X=V and "# CONFIG_X is not set" of the fragment holds
config_verify()
{
	local line bad=0

	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) grep -qx -- "$line" "$OBJ/.config" ;;
		"# CONFIG_"*" is not set") grep -qx -- "$line" "$OBJ/.config" ;;
		*) continue ;;
		esac || { echo "config: '$line' did not take effect"; bad=1; }
	done < "$FRAGMENT"
	return $bad
}

config_build()
{
	rm -rf "$OBJ" && mkdir -p "$OBJ"
	make -C "$KSRC" O="$OBJ" tinyconfig
	"$KSRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" "$FRAGMENT"
	make -C "$KSRC" O="$OBJ" PAHOLE="$PAHOLE_REAL" olddefconfig
	config_verify
	grep '^CONFIG_PAHOLE_VERSION=' "$OBJ/.config"
	stamp_write config "$(config_key)"
}

# ---------------------------------------------------------------- builds

# The wrappers the builds call as PAHOLE and RESOLVE_BTFIDS: links to
# tests/boot/logged, which logs each call to $CALLS
write_wrappers()
{
	mkdir -p "$W/bin"
	ln -sf "$HERE/logged" "$W/bin/pahole"
	ln -sf "$HERE/logged" "$W/bin/resolve_btfids"
}

# kmake LOG TARGET...: make in the object tree through the wrappers
kmake()
{
	local calls=$1
	shift
	CALLS=$calls LOGGED_PAHOLE=$PAHOLE_REAL \
		LOGGED_RESOLVE_BTFIDS=$OBJ/tools/bpf/resolve_btfids/resolve_btfids \
		make -C "$KSRC" O="$OBJ" -j"$JOBS" PAHOLE="$W/bin/pahole" \
		RESOLVE_BTFIDS="$W/bin/resolve_btfids" "$@"
}

# set_scripts pristine|patched: the tree's gen-btf.sh and Makefile.btf
set_scripts()
{
	cp "$W/pristine/gen-btf.sh" "$W/pristine/Makefile.btf" "$KSRC/scripts/"
	[ "$1" = patched ] || return 0
	patch -d "$KSRC" -p1 --no-backup-if-mismatch < "$KPATCH"
}

# save DIR: the build's results (vmlinux, bzImage, every module) into DIR
save_results()
{
	local d=$1 ko

	rm -rf "$d" && mkdir -p "$d/modules"
	cp "$OBJ/vmlinux" "$OBJ/arch/x86/boot/bzImage" "$d/"
	(cd "$OBJ" && find . -name '*.ko' -printf '%P\n' | LC_ALL=C sort) > "$d/modules.list"
	while read -r ko; do
		mkdir -p "$d/modules/$(dirname "$ko")"
		cp "$OBJ/$ko" "$d/modules/$ko"
	done < "$d/modules.list"
}

# build NAME pristine|patched [MAKEVAR=VALUE...]: one build, timed, results
# into W/NAME
build_tree()
{
	local name=$1 t0 t1

	write_wrappers
	set_scripts "$2"
	shift 2
	: > "$W/calls-$name.log"
	t0=$(date +%s.%N)
	kmake "$W/calls-$name.log" "$@" bzImage modules
	t1=$(date +%s.%N)
	steps_elapsed "$t0" "$t1" > "$W/wall-$name.txt"
	save_results "$W/$name"
}

two_step_key() { echo "$(config_key) $(hash_of "$W/pristine/gen-btf.sh")"; }

two_step_desc() { echo "bzImage modules, Linux $KVER's scripts (pahole, then resolve_btfids)"; }

two_step_cached() { stamp_ok two-step "$(two_step_key)" && [ -f "$W/two/vmlinux" ]; }

two_step_build()
{
	rm -f "$STAMPS/one-run"
	build_tree two pristine
	stamp_write two-step "$(two_step_key)"
}

one_run_key() { echo "$(two_step_key) $(hash_of "$KPATCH" "$PLUGIN_SO")"; }

one_run_desc() { echo "the same tree with ${KPATCH#"$TOP"/} (one pahole run)"; }

one_run_cached() { stamp_ok one-run "$(one_run_key)" && [ -f "$W/one/vmlinux" ]; }

one_run_build()
{
	[ -f "$PLUGIN_SO" ] || steps_die "no $PLUGIN_SO (make pahole)"
	"$PAHOLE_REAL" --resolve_btfids=kernel="$KVER" --version
	build_tree one patched
	stamp_write one-run "$(one_run_key)"
}

# ---------------------------------------------------------------- testmod

testmod_key() { echo "$(one_run_key) $(hash_of "$HERE/empty_set8.py")"; }

testmod_desc() { echo "bpf_testmod (M=, distilled base) both ways, and a copy with $TESTMOD_SET emptied"; }

testmod_cached()
{
	stamp_ok testmod "$(testmod_key)" && [ -f "$W/testmod/bpf_testmod.ko" ] &&
		[ -f "$W/testmod/bpf_testmod-empty.ko" ] && [ -f "$W/testmod/two/bpf_testmod.ko" ]
}

# testmod_make NAME pristine|patched: bpf_testmod alone (the directory's
# other modules test kernel features this configuration leaves out), with
# M= in W/testmod/NAME, through the tree's scripts as given
testmod_make()
{
	local m=$W/testmod/$1

	mkdir -p "$m"
	cp "$TESTMOD_SRC"/bpf_testmod.c "$TESTMOD_SRC"/bpf_testmod*.h "$m/"
	printf 'obj-m := bpf_testmod.o\nCFLAGS_bpf_testmod.o = -I$(src)\n' > "$m/Kbuild"
	set_scripts "$2"
	: > "$W/calls-testmod-$1.log"
	kmake "$W/calls-testmod-$1.log" M="$m" modules
}

testmod_build()
{
	rm -rf "$W/testmod"
	testmod_make two pristine
	testmod_make one patched
	cp "$W/testmod/one/bpf_testmod.ko" "$W/testmod/"
	python3 "$HERE/empty_set8.py" "$W/testmod/bpf_testmod.ko" "$TESTMOD_SET" \
		"$W/testmod/empty.BTF_ids"
	objcopy --update-section .BTF_ids="$W/testmod/empty.BTF_ids" \
		"$W/testmod/bpf_testmod.ko" "$W/testmod/bpf_testmod-empty.ko"
	stamp_write testmod "$(testmod_key)"
}

# ---------------------------------------------------------------- guest

GUEST=$W/guest
# the guest's BPF objects: tests/boot/guest/NAME.bpf.c
BPF_OBJS="vmlinux_kfuncs testmod_kfuncs testmod_impl"

guest_key()
{
	echo "$(testmod_key) $(hash_of "$HERE"/guest/* "$0" "$(command -v busybox || echo /bin/busybox)")"
}

guest_desc() { echo "btfcheck, BPF programs (clang -target bpf), initramfs"; }

guest_cached() { stamp_ok guest "$(guest_key)" && [ -f "$GUEST/initramfs.cpio" ]; }

# gen_init_cpio's list: busybox and its applets, /init, btfcheck, the
# BPF objects and the modules
write_cpio_list()
{
	local a bb f

	bb=$(command -v busybox || echo /bin/busybox)
	{
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		echo "dir /proc 0755 0 0"
		echo "dir /sys 0755 0 0"
		echo "dir /bin 0755 0 0"
		echo "dir /bpf 0755 0 0"
		echo "dir /lib 0755 0 0"
		echo "dir /lib/modules 0755 0 0"
		echo "file /bin/busybox $bb 0755 0 0"
		for a in sh mount sed insmod reboot cat; do
			echo "slink /bin/$a busybox 0777 0 0"
		done
		echo "file /init $HERE/guest/init 0755 0 0"
		echo "file /btfcheck $GUEST/btfcheck 0755 0 0"
		for f in $BPF_OBJS; do
			echo "file /bpf/$f.bpf.o $GUEST/$f.bpf.o 0644 0 0"
		done
		echo "file /lib/modules/tcp_bbr.ko $W/one/modules/net/ipv4/tcp_bbr.ko 0644 0 0"
		echo "file /lib/modules/tcp_dctcp.ko $W/one/modules/net/ipv4/tcp_dctcp.ko 0644 0 0"
		echo "file /lib/modules/bpf_testmod.ko $W/testmod/bpf_testmod.ko 0644 0 0"
		echo "file /lib/modules/bpf_testmod-empty.ko $W/testmod/bpf_testmod-empty.ko 0644 0 0"
		[ ! -f "$GUEST/kfuncs.txt" ] || echo "file /kfuncs.txt $GUEST/kfuncs.txt 0644 0 0"
	} > "$GUEST/cpio.list"
}

# The kernel's kfuncs, "NAME FLAGS" a line: the entries of the kfunc sets of
# the two-step vmlinux's .BTF_ids, as btfids dump reads them (7.3 on)
write_kfunc_list()
{
	[ "$KVER" != 7.2 ] || return 0
	"$B/btfids" dump --json "$W/two/vmlinux" > "$GUEST/dump.json"
	python3 - "$GUEST/dump.json" > "$GUEST/kfuncs.txt" <<'PY'
import json, sys
seen = set()
for s in json.load(open(sys.argv[1]))["sets"]:
    if s["kind"] != "set8" or not s["flags"] & 1:
        continue
    for e in s["entries"]:
        t = e.get("type") or {}
        if t.get("kind") == "FUNC" and t["name"] not in seen:
            seen.add(t["name"])
            print(t["name"], e["flags"])
PY
	[ -s "$GUEST/kfuncs.txt" ] || steps_die "no kfuncs found in $W/two/vmlinux"
}

guest_build()
{
	local inc f

	inc=$(sed -n 's/^LIBBPF_CFLAGS := //p' "$CONFIG_MK")
	rm -rf "$GUEST" && mkdir -p "$GUEST"
	# shellcheck disable=SC2086
	gcc -static -O2 -Wall -Wextra -Werror $inc -o "$GUEST/btfcheck" "$HERE/guest/btfcheck.c" \
		$(sed -n 's/^LIBBPF_LIBS := //p' "$CONFIG_MK")
	for f in $BPF_OBJS; do
		# shellcheck disable=SC2086
		clang -target bpf -O2 -g -Wall -Werror $inc \
			-I/usr/include/"$(gcc -print-multiarch)" \
			-c "$HERE/guest/$f.bpf.c" -o "$GUEST/$f.bpf.o"
	done
	write_kfunc_list
	write_cpio_list
	"$OBJ/usr/gen_init_cpio" "$GUEST/cpio.list" > "$GUEST/initramfs.cpio"
	stamp_write guest "$(guest_key)"
}

# ---------------------------------------------------------------- release (7.3)

# put_back NAME: the tree as the one-run step left it (version, patched
# scripts), rebuilt; whether its vmlinux is the one-run vmlinux again goes
# to W/put-back-NAME.txt for the checks
put_back()
{
	sed -i "s/^PATCHLEVEL = .*/PATCHLEVEL = ${KVER#*.}/" "$KSRC/Makefile"
	build_tree "put-back-$1" patched
	if cmp "$W/put-back-$1/vmlinux" "$W/one/vmlinux"; then
		echo same > "$W/put-back-$1.txt"
	else
		echo "vmlinux differs from the one-run vmlinux" > "$W/put-back-$1.txt"
	fi
	rm -rf "$W/put-back-$1"
}

forced_key() { echo "$(guest_key)"; }

forced_desc() { echo "the patched tree with kernel=7.2 forced (negative control)"; }

forced_cached() { stamp_ok forced "$(forced_key)" && [ -f "$W/forced/vmlinux" ]; }

forced_build()
{
	rm -f "$STAMPS/future"
	build_tree forced patched PAHOLE_BTF_RELEASE=7.2
	put_back forced
	stamp_write forced "$(forced_key)"
}

future_key() { echo "$(forced_key)"; }

future_desc() { echo "the tree made 7.4: patched and unpatched scripts, then put back"; }

future_cached() { stamp_ok future "$(future_key)" && [ -f "$W/future-two/vmlinux" ]; }

future_build()
{
	sed -i 's/^PATCHLEVEL = .*/PATCHLEVEL = 4/' "$KSRC/Makefile"
	build_tree future-one patched
	build_tree future-two pristine
	put_back future
	stamp_write future "$(future_key)"
}

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

# bench/boot.sh sources this file for its build functions
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	main "$@"
fi
