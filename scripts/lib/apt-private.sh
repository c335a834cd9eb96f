#!/usr/bin/env bash
# Private apt configuration for Debian sid, kept under the build tree.
# The system's apt sources are never touched: every call goes through
# apt_private, which points apt at our own sources file, lists and cache.
#
# Usage (sourced): . scripts/lib/apt-private.sh; apt_private_update; apt_private download PKG
set -eu

APT_ROOT=${APT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/apt}
APT_SUITE=${APT_SUITE:-sid}
APT_MIRROR=${APT_MIRROR:-http://deb.debian.org/debian}

apt_private_init()
{
	mkdir -p "$APT_ROOT/sources.list.d" "$APT_ROOT/lists/partial" \
		 "$APT_ROOT/cache/archives/partial"
	cat > "$APT_ROOT/sources.list.d/$APT_SUITE.sources" <<SRC
Types: deb deb-src
URIs: $APT_MIRROR
Suites: $APT_SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
}

apt_private()
{
	apt-get -q \
		-o Dir::Etc::sourcelist=/dev/null \
		-o Dir::Etc::sourceparts="$APT_ROOT/sources.list.d" \
		-o Dir::State::Lists="$APT_ROOT/lists" \
		-o Dir::Cache="$APT_ROOT/cache" \
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
		-o APT::Get::AllowUnauthenticated=false \
		"$@"
}

apt_private_update()
{
	apt_private_init
	# Refresh at most once a day: the lists are large and the build is idempotent.
	local stamp="$APT_ROOT/lists/.updated"
	if [ -z "$(find "$stamp" -mtime -1 2>/dev/null)" ]; then
		apt_private update >/dev/null
		touch "$stamp"
	fi
}
