# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# scripts/lib/boot-tree.sh - the kernel trees of `make check-boot`
# (tests/boot/run.sh) and `make bench-boot` (bench/boot/run.sh), sourced:
# Linux 7.2 (KERNEL=7.3: 7.3) from Debian's linux-source, built with the
# kernel's own two steps and through the single pahole run.
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
# Environment (of both scripts): KERNEL (7.2 or 7.3; the trees go to
# build/boot and build/boot73), PAHOLE (default build/pahole/pahole; for 7.3
# build/pahole-tree/pahole), JOBS, BOOT_TIMEOUT
# (seconds per guest, default 600), KEEP_TREE=0 to drop the source and
# object trees after a passing run (they take about 3 GB).
#
# The sourcing script sets -euo pipefail, then calls steps_main (steps.sh)
# or the step functions it needs (write_wrappers, set_scripts, kmake).

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
# shellcheck source=scripts/lib/debs.sh
. "$TOP/scripts/lib/debs.sh"

BOOT_PACKAGES=(flex bison bc cpio time qemu-system-x86 busybox-static)

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# ---------------------------------------------------------------- packages

missing_packages() { debs_missing "${BOOT_PACKAGES[@]}"; }

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
	echo "$(testmod_key) $(hash_of "$HERE"/guest/* "${BASH_SOURCE[0]}" "$(command -v busybox || echo /bin/busybox)")"
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
