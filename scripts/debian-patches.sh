#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# debian-patches.sh - the Debian copy of dwarves-patches/ (`make
# debian-patches`): the same patches, each with the DEP-3 fields Debian
# wants beside git's From/Subject (Origin, Forwarded, Last-Update), and a
# series file, ready for debian/patches of the dwarves package. The
# upstream-style series stays free of them: this copy is generated, never
# edited.
#
# Usage: scripts/debian-patches.sh [OUT]   (default build/debian-patches)
# Environment: ORIGIN, FORWARDED (DEP-3 values; defaults below).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
P=$TOP/dwarves-patches
OUT=${1:-${BUILD:-$TOP/build}/debian-patches}
ORIGIN=${ORIGIN:-"other, btfids project (dwarves-patches/)"}
FORWARDED=${FORWARDED:-no}

# dep3 PATCH: PATCH with the fields after its description, before the
# first trailer (Signed-off-by) of the commit message.
dep3()
{
	local day

	day=$(date -u -d "$(sed -n 's/^Date: //p' "$1" | head -n 1)" +%Y-%m-%d)
	awk -v origin="$ORIGIN" -v fwd="$FORWARDED" -v day="$day" '
		!done && /^Signed-off-by: / {
			print "Origin: " origin
			print "Forwarded: " fwd
			print "Last-Update: " day
			done = 1
		}
		{ print }
		END { if (!done) exit 1 }' "$1"
}

rm -rf "$OUT.tmp" && mkdir -p "$OUT.tmp"
grep -v '^#' "$P/series" > "$OUT.tmp/series"
while read -r p; do
	[ -n "$p" ] || continue
	dep3 "$P/$p" > "$OUT.tmp/$p" || { echo "debian-patches: $p has no Signed-off-by" >&2; exit 1; }
done < "$OUT.tmp/series"
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
echo "debian-patches: $(grep -c . "$OUT/series") patches with DEP-3 fields in ${OUT#"$TOP"/}"
