#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# run.sh - every test suite against an AddressSanitizer + UBSan build.
#
# The project's Makefile builds libbtfids, btfids and the unit tests into
# build/asan/ (never build/), with
#   -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# and then the suites run on that build, with leak detection on and any
# report fatal (ASAN_OPTIONS=detect_leaks=1:abort_on_error=1):
#   unit          every build/asan/tests/unit/* binary (tests/unit/*.c)
#   differential  BTFIDS=build/asan/btfids tests/differential/run.sh
#   errors        BTFIDS=build/asan/btfids tests/errors/run.sh
#   random        BTFIDS=build/asan/btfids tests/random/run.sh (if present)
# (tests/plugin and tests/integration load build/btfids.so into pahole,
# which an ASan build cannot be; they are left out.)
# A sanitizer report makes a tool exit with another status or print more
# than the test expects, so the suite reports a failure; the reports are
# also kept in build/asan/logs/ (log_path), and the first ones are shown.
#
# One "ok"/"FAIL" line per suite, then "sanitize: N passed, N failed".
#
# Environment: SAN_CC (compiler, default clang; gcc works too),
# SAN_CFLAGS (extra flags), PAHOLE (for tests/errors/run.sh),
# SAN_KNOWN: UBSan reports to let pass while a known bug is being fixed,
# as CHECK:FUNCTION words (e.g. "nonnull-attribute:edit_write_raw"): those
# checks are built recoverable and suppressed in those functions only, so
# the suites can go on finding other problems.
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=$TOP/build
ASAN=$BUILD/asan
CC=${SAN_CC:-clang}
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
LOGS=$ASAN/logs
SUPP=
if [ -n "${SAN_KNOWN:-}" ]; then
	mkdir -p "$LOGS"
	SUPP=$LOGS/known-ubsan.supp
	: > "$SUPP"
	for k in $SAN_KNOWN; do
		SAN="$SAN -fsanitize-recover=${k%%:*}"
		echo "$k" >> "$SUPP"
	done
	echo "# letting known UBSan reports pass: $SAN_KNOWN"
fi
CFLAGS="-O1 -g $SAN ${SAN_CFLAGS:-}"

# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"
h_begin sanitize "$BUILD/tests/sanitize"
finish() { h_end; exit; }

# --- build ----------------------------------------------------------------

if [ ! -f "$BUILD/config.mk" ]; then
	bash "$TOP/scripts/bootstrap.sh" libbpf >&2 || { h_fail build "bootstrap of libbpf failed"; finish; }
fi
mkdir -p "$ASAN" "$LOGS"
# a change of compiler or flags rebuilds everything
if [ "$(cat "$ASAN/.flags" 2>/dev/null)" != "$CC $CFLAGS" ]; then
	rm -rf "$ASAN/obj" "$ASAN/libbtfids.a" "$ASAN/btfids" "$ASAN/tests/unit"
	echo "$CC $CFLAGS" > "$ASAN/.flags"
fi
UNITS=()
for src in "$TOP"/tests/unit/*.c; do
	[ -f "$src" ] && UNITS+=("$ASAN/tests/unit/$(basename "${src%.c}")")
done
# BUILD and CONFIG given on the command line override the Makefile's own
if ! make -s -C "$TOP" BUILD="$ASAN" CONFIG="$BUILD/config.mk" CC="$CC" CFLAGS="$CFLAGS" \
	"$ASAN/btfids" "${UNITS[@]}" > "$LOGS/build.log" 2>&1; then
	h_fail build "make failed: $(tail -n 5 "$LOGS/build.log" | paste -sd ' ')"
	finish
fi
h_pass "build ($CC, ${ASAN#"$TOP"/})"

# --- run ------------------------------------------------------------------

# every report goes to a file of its own too; stderr still gets it
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$LOGS/asan:log_exe_name=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$LOGS/ubsan:log_exe_name=1${SUPP:+:suppressions=$SUPP}"
rm -f "$LOGS"/asan.* "$LOGS"/ubsan.*
# tests/errors/run.sh runs btfids as nobody too: its reports must land here
chmod 1777 "$LOGS"

# suite NAME COMMAND...: run it, keep its output, judge by its closing line
suite() {
	local name=$1 out=$LOGS/${1//\//_}.out rc line
	shift
	"$@" > "$out" 2>&1
	rc=$?
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ "$rc" -eq 0 ] && [ -n "$line" ] && echo "$line" | grep -q ' 0 failed'; then
		h_pass "$name: $line"
	else
		h_fail "$name" "exit $rc, ${line:-no result line} (output: ${out#"$TOP"/})"
		grep -E '^(FAIL|not ok)' "$out" | head -n 5 | sed 's/^/    /'
	fi
}

for u in "${UNITS[@]}"; do
	suite "unit/$(basename "$u")" "$u"
done
suite differential env BTFIDS="$ASAN/btfids" bash "$TOP/tests/differential/run.sh"
# BUILD: the scratch directories of these go under build/asan too
suite errors env BUILD="$ASAN" BTFIDS="$ASAN/btfids" PAHOLE="${PAHOLE:-$BUILD/tools/pahole}" \
	bash "$TOP/tests/errors/run.sh"
if [ -f "$TOP/tests/random/run.sh" ]; then
	suite random env BUILD="$ASAN" BTFIDS="$ASAN/btfids" ORACLE="$BUILD/oracle/resolve_btfids" \
		PAHOLE="${PAHOLE:-$BUILD/tools/pahole}" bash "$TOP/tests/random/run.sh"
fi

# --- what the sanitizers said ---------------------------------------------

reports=$(ls "$LOGS"/asan.* "$LOGS"/ubsan.* 2>/dev/null)
if [ -n "$reports" ]; then
	h_fail reports "$(echo "$reports" | wc -l) sanitizer report file(s) in ${LOGS#"$TOP"/}"
	# distinct first lines, with the first frame in our code
	for r in $reports; do
		first=$(grep -m1 -E 'ERROR: |runtime error:' "$r")
		frame=$(grep -m1 -E '^ +#[0-9]+ .* in [^ ]+ /.*/(plugin|tests)/' "$r" |
			sed 's/^ *#[0-9]* 0x[0-9a-f]* in //')
		echo "${first:-$(head -n 1 "$r")} @ ${frame:-?}"
	done | sed "s|$TOP/||g" | sort | uniq -c | sort -rn | head -n 10 | sed 's/^/    /'
else
	h_pass "reports: no sanitizer report"
fi
finish
