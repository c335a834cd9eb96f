#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/deb-sid.sh - build the Debian packages (debian/) in a Debian sid
# chroot made with debootstrap, install them there, and run the package's
# autopkgtest against Debian's 7.2 cloud kernel installed in the chroot
# (linux-modules and the -dbg package, downloaded into build/dl as the
# kernel tests do: scripts/lib/debs.sh). `make deb-sid`; not part of CI (it needs root and a few
# minutes of downloads). The packages land in build/deb/.
#
# Environment: CHROOT (default build/sid-chroot, made once and reused),
# APT_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=$TOP/build
R=${CHROOT:-$B/sid-chroot}
MIRROR=${APT_MIRROR:-http://deb.debian.org/debian}
KVER=7.2.13+deb14-cloud-amd64
KPKGVER=7.2.13-1
N=6
# shellcheck source=scripts/lib/debs.sh
. "$TOP/scripts/lib/debs.sh"
step() { printf 'deb-sid: [%s/%s] %s\n' "$1" "$N" "$2"; }
die() { echo "deb-sid: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null ||
	die "cannot install debootstrap"

in_chroot() { chroot "$R" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
cleanup() { umount "$R/proc" 2>/dev/null || true; }
trap cleanup EXIT

step 1 "chroot: Debian sid in $R"
if [ ! -x "$R/usr/bin/dpkg-buildpackage" ]; then
	rm -rf "$R.tmp"
	debootstrap --variant=buildd sid "$R.tmp" "$MIRROR" > "$B/deb-sid-debootstrap.log" 2>&1 ||
		die "debootstrap failed, see $B/deb-sid-debootstrap.log"
	mv "$R.tmp" "$R"
fi
mount -t proc proc "$R/proc"

step 2 "build dependencies (debian/control)"
# the mirror is a snapshot: its Release files may be past their Valid-Until
echo 'Acquire::Check-Valid-Until "false";' > "$R/etc/apt/apt.conf.d/99btfids-snapshot"
in_chroot apt-get update -q > /dev/null
in_chroot apt-get install -y -q --no-install-recommends debhelper libbpf-dev libelf-dev \
	zlib1g-dev pkgconf autopkgtest xz-utils zstd > /dev/null

step 3 "dpkg-buildpackage -us -uc -b (the tracked files of this checkout)"
rm -rf "$R/src" && mkdir -p "$R/src/btfids"
(cd "$TOP" && git ls-files -z | xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$R/src/btfids"
in_chroot sh -c 'cd /src/btfids && dpkg-buildpackage -us -uc -b' > "$B/deb-sid-build.log" 2>&1 ||
	die "dpkg-buildpackage failed, see $B/deb-sid-build.log"
mkdir -p "$B/deb" && cp "$R"/src/*.deb "$B/deb/"
ls "$B/deb"

step 4 "install the packages and the kernel to check"
for p in "linux-modules-${KVER}" "linux-image-${KVER}-dbg"; do
	deb=$(debs_get sid "$p" "$KPKGVER") || die "cannot download $p=$KPKGVER"
	[ -s "$R/src/$(basename "$deb")" ] || cp "$deb" "$R/src/"
done
in_chroot sh -c 'apt-get install -y -q /src/btfids_*.deb /src/dwarves-btfids-plugin_*.deb' > /dev/null
in_chroot apt-get install -y -q "/src/linux-modules-${KVER}_${KPKGVER}_amd64.deb" \
	"/src/linux-image-${KVER}-dbg_${KPKGVER}_amd64.deb" > "$B/deb-sid-kernel.log" 2>&1 ||
	die "cannot install the kernel, see $B/deb-sid-kernel.log"
in_chroot btfids dump 2>/dev/null || [ $? -eq 129 ] || die "installed btfids does not run"
in_chroot test -f "/usr/lib/x86_64-linux-gnu/dwarves/plugins/btfids.so" || die "no plugin installed"
in_chroot man -l /usr/share/man/man1/btfids.1.gz > /dev/null 2>&1 || true

step 5 "autopkgtest (null runner, in the chroot)"
in_chroot autopkgtest -B /src/btfids -- null 2>&1 | tee "$B/deb-sid-autopkgtest.log" | tail -n 8
grep -q "verify-installed-kernel *PASS" "$B/deb-sid-autopkgtest.log" || die "autopkgtest did not pass"

step 6 "done: packages in $B/deb"
