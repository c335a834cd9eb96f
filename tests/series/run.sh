#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/series/run.sh - dwarves-patches/ as a maintainer and a distribution
# would take it:
#   checkpatch         Linux 7.2's scripts/checkpatch.pl --no-tree on every
#                      patch: no error, no warning (FILE_PATH_CHANGES
#                      ignored: it asks whether MAINTAINERS needs updating
#                      for the new header, and dwarves has no MAINTAINERS)
#   BASE/git-am        the series applies with git am to BASE
#   BASE/build-N       BASE with patches 1..N builds (-Wall -Werror, each N)
#   BASE/quilt         the series applies with quilt push -a (series file)
#   BASE/header        the installed pahole_btf_plugin.h is the project's
#                      plugin/include/pahole_btf_plugin.h, byte for byte
#   cover-letter       0000-cover-letter.patch names every patch of series
#                      and is signed off
#   dep3               the upstream-style patches carry no DEP-3 fields; the
#                      Debian copy scripts/debian-patches.sh generates has
#                      Origin, Forwarded and Last-Update in every patch
#   BASE/debian-quilt  that copy applies with quilt push -a
# for BASE in v1.31 and master 1436daf (../shared/dwarves), then
# "series: N passed, N failed".
set -u

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
B=${BUILD:-$TOP/build}
W=$B/tests/series
P=$TOP/dwarves-patches
CHECKPATCH=$B/ksrc/linux-source-7.2/scripts/checkpatch.pl
DWARVES_DIR=${DWARVES_DIR:-$TOP/../shared/dwarves}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"
h_begin series "$W"
patches() { grep -v '^#' "$P/series"; }

# unpack TARBALL DIR: the snapshot in DIR, as a git tree with one commit
unpack() {
	rm -rf "$2" && mkdir -p "$2" && tar -xf "$1" -C "$2" --strip-components=1 &&
		git -C "$2" init -q && git -C "$2" add -A &&
		git -C "$2" -c user.name=base -c user.email=base@localhost commit -q -m base
}

check_base() {
	local name=$1 tarball=$2 d=$W/$1 n=0 p why pc commits files
	unpack "$tarball" "$d/git" || { h_fail "$name/unpack" "cannot unpack $tarball"; return; }
	mapfile -t files < <(patches | sed "s|^|$P/|")
	why=$(cd "$d/git" && git -c user.name=t -c user.email=t@localhost am -q "${files[@]}" 2>&1) &&
		why=""
	h_check "$name/git-am" "${why:+$(echo "$why" | head -n 3 | tr '\n' '|')}" "$(patches | wc -l) patches"

	pc=$(sed -n 's/^LIBBPF_CFLAGS := -I\(.*\)\/include$/\1/p' "$B/config.mk")/lib/pkgconfig
	mkdir -p "$d/obj"
	PKG_CONFIG_PATH=$pc cmake -S "$d/git" -B "$d/obj" -DLIBBPF_EMBEDDED=OFF \
		-DCMAKE_C_FLAGS="-Wall -Werror" >"$d/cmake.log" 2>&1 ||
		{ h_fail "$name/cmake" "$(tail -n 3 "$d/cmake.log" | tr '\n' '|')"; return; }
	mapfile -t commits < <(git -C "$d/git" rev-list --reverse HEAD)
	for p in $(patches); do
		n=$((n + 1))
		git -C "$d/git" checkout -q "${commits[$n]:-none}" 2>/dev/null ||
			{ h_fail "$name/build-$n" "cannot check out patch $n"; continue; }
		why=""
		make -C "$d/obj" -j"$JOBS" >"$d/build-$n.log" 2>&1 ||
			why="$(grep -m 3 -E 'error|warning' "$d/build-$n.log" | tr '\n' '|')"
		h_check "$name/build-$n" "$why" "$p"
	done
	why=$(H_DETAIL=$d.why h_same "$TOP/plugin/include/pahole_btf_plugin.h" \
		"$d/git/pahole_btf_plugin.h" pahole_btf_plugin.h)
	h_check "$name/header" "${why:+$why (from plugin/include/pahole_btf_plugin.h)}"

	rm -rf "$d/quilt" && mkdir -p "$d/quilt" && tar -xf "$tarball" -C "$d/quilt" --strip-components=1
	why=$(cd "$d/quilt" && QUILT_PATCHES=$P quilt push -a -q 2>&1) && why=""
	h_check "$name/quilt" "${why:+$(echo "$why" | tail -n 3 | tr '\n' '|')}"

	rm -rf "$d/debian" && mkdir -p "$d/debian" && tar -xf "$tarball" -C "$d/debian" --strip-components=1
	why=$(cd "$d/debian" && QUILT_PATCHES=$W/debian-patches quilt push -a -q 2>&1) && why=""
	h_check "$name/debian-quilt" "${why:+$(echo "$why" | tail -n 3 | tr '\n' '|')}"
}

command -v quilt >/dev/null || { h_fail setup "quilt is not installed (apt-get install quilt)"; h_end; exit 1; }

if [ -f "$CHECKPATCH" ]; then
	for p in $(patches); do
		out=$(perl "$CHECKPATCH" --no-tree --ignore FILE_PATH_CHANGES "$P/$p" 2>&1)
		total=$(echo "$out" | grep '^total:')
		case $total in
		"total: 0 errors, 0 warnings,"*) h_pass "checkpatch/$p" "${total#total: }" ;;
		*) h_fail "checkpatch/$p" "$total: $(echo "$out" | grep -E '^(WARNING|ERROR)' | head -n 3 | tr '\n' '|')" ;;
		esac
	done
else
	h_fail checkpatch "no $CHECKPATCH (scripts/bootstrap.sh ksrc)"
fi

why=""
for p in $(patches); do
	subject=$(sed -n 's/^Subject: \[PATCH [0-9]*\/[0-9]*\] //p' "$P/$p")
	grep -qF -- "$subject" "$P/0000-cover-letter.patch" 2>/dev/null || why="${why:+$why; }lacks '$subject'"
done
grep -q '^Signed-off-by: .* <.*@.*>$' "$P/0000-cover-letter.patch" 2>/dev/null ||
	why="${why:+$why; }no Signed-off-by"
h_check cover-letter "$why"

why=""
for p in $(patches); do
	grep -qE '^(Origin|Forwarded|Last-Update|Description): ' "$P/$p" && why="${why:+$why; }$p has DEP-3 fields"
done
if bash "$TOP/scripts/debian-patches.sh" "$W/debian-patches" >"$W/debian-patches.log" 2>&1; then
	for p in $(patches); do
		for f in Origin Forwarded Last-Update; do
			grep -q "^$f: " "$W/debian-patches/$p" || why="${why:+$why; }debian copy of $p lacks $f"
		done
	done
	cmp -s <(patches) "$W/debian-patches/series" || why="${why:+$why; }debian copy's series differs"
else
	why="${why:+$why; }scripts/debian-patches.sh failed: $(tail -n 1 "$W/debian-patches.log")"
fi
h_check dep3 "$why" "$(patches | wc -l) patches"

check_base v1.31 "$DWARVES_DIR/dwarves-1.31.tar.gz"
check_base master "$DWARVES_DIR/dwarves-1436daf.tar.gz"

h_end
