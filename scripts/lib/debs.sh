# SPDX-License-Identifier: GPL-2.0
# scripts/lib/debs.sh - Debian packages for the build, the tests and the
# benchmarks, in one place: downloaded into build/dl through a private apt
# configuration per suite (apt-private.sh; sid: build/apt, any other:
# build/apt-SUITE), and unpacked once. Sourced; needs B (the build
# directory) and TOP; DL defaults to $B/dl.
#
#   debs_fetch SUITE PKG[=VERSION]...  download into DL
#   debs_get SUITE PKG VERSION         print DL/PKG_VERSION_amd64.deb,
#                                      downloaded when missing
#   debs_extract DEB DIR               unpack DEB into DIR once
#   debs_missing PKG...                print those of the system's packages
#                                      that are not installed

debs_fetch()
{
	local suite=$1

	shift
	[ $# -gt 0 ] || return 0
	mkdir -p "${DL:-$B/dl}" || return 1
	(
		APT_SUITE=$suite
		if [ "$suite" = sid ]; then APT_ROOT=$B/apt; else APT_ROOT=$B/apt-$suite; fi
		# shellcheck source=scripts/lib/apt-private.sh
		. "$TOP/scripts/lib/apt-private.sh" &&
			apt_private_update &&
			cd "${DL:-$B/dl}" && apt_private download "$@"
	)
}

debs_get()
{
	local deb=${DL:-$B/dl}/${2}_${3}_amd64.deb

	[ -s "$deb" ] || debs_fetch "$1" "$2=$3" >/dev/null || return 1
	[ -s "$deb" ] || return 1
	echo "$deb"
}

# A tree unpacked by other means is kept if it passes the package's own md5sums.
debs_extract()
{
	local deb=$1 dir=$2 stamp id
	stamp=$dir/.extracted
	id="$(basename "$deb") $(stat -c %s "$deb")"
	[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$id" ] && return 0
	if [ -d "$dir" ] &&
	   (cd "$dir" && dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./md5sums |
		md5sum -c --quiet --strict >/dev/null 2>&1); then
		echo "$id" > "$stamp"
		return 0
	fi
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp" &&
		dpkg-deb -x "$deb" "$dir.tmp" || return 1
	rm -rf "$dir" && mv "$dir.tmp" "$dir" && echo "$id" > "$stamp"
}

debs_missing()
{
	local p

	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -x 'install ok installed' >/dev/null || echo "$p"
	done
}
