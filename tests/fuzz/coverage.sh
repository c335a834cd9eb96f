#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# coverage.sh - how much of libbtfids the fuzz corpora reach.
#
#   tests/fuzz/coverage.sh [HARNESS...]     (default: all that have a corpus)
#
# Rebuilds each harness with clang source-based coverage (no sanitizers)
# into build/fuzz/cov/, runs it once over its corpus, seeds and
# regressions (build/fuzz/corpus/<h>, build/fuzz/seeds/<h>,
# tests/fuzz/regressions/<h>; run tests/fuzz/run.sh first), and prints
# llvm-cov's per-file report of plugin/lib/ for all harnesses together.
# The line-by-line listing goes to build/fuzz/cov/coverage.txt.
#
# Environment: CLANG (default clang), LLVM_PROFDATA, LLVM_COV.
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=$TOP/build
FZ=$BUILD/fuzz
COV=$FZ/cov
HERE=$TOP/tests/fuzz
CLANG=${CLANG:-clang}
PROFDATA=${LLVM_PROFDATA:-llvm-profdata}
LLVMCOV=${LLVM_COV:-llvm-cov}

die() { echo "coverage: $*" >&2; exit 1; }
command -v "$PROFDATA" > /dev/null || die "no $PROFDATA"
command -v "$LLVMCOV" > /dev/null || die "no $LLVMCOV"
[ -f "$BUILD/config.mk" ] || die "no build/config.mk (make)"
cfg() { sed -n "s/^$1 *:= *//p" "$BUILD/config.mk"; }
LIBBPF_CFLAGS=$(cfg LIBBPF_CFLAGS)
LIBBPF_LIBS=$(cfg LIBBPF_LIBS)

HARNESSES=${*:-}
if [ -z "$HARNESSES" ]; then
	for d in "$FZ"/corpus/*; do
		[ -d "$d" ] && HARNESSES="$HARNESSES $(basename "$d")"
	done
fi
[ -n "$HARNESSES" ] || die "no corpus under build/fuzz/corpus (run tests/fuzz/run.sh first)"

rm -rf "$COV"
mkdir -p "$COV"
. "$TOP/tests/fuzz/harness-defs.sh"

BINS=()
for h in $HARNESSES; do
	[ -f "$HERE/fuzz_$h.c" ] || die "no harness $h"
	harness_defs "$h"
	bin=$COV/fuzz_$h
	# shellcheck disable=SC2086
	"$CLANG" -std=gnu11 -g -O1 -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping \
		-I"$TOP/plugin/include" -I"$TOP/plugin/lib" $LIBBPF_CFLAGS "${DEFS[@]}" \
		-o "$bin" "$HERE/fuzz_$h.c" "$TOP"/plugin/lib/*.c $LIBBPF_LIBS 2> "$bin.log" ||
		die "building $h: $(head -c 400 "$bin.log")"
	dirs=()
	for d in "$FZ/corpus/$h" "$FZ/seeds/$h" "$HERE/regressions/$h"; do
		[ -d "$d" ] && dirs+=("$d")
	done
	# one run over every input; a crash ends it early, the counts so far stay
	LLVM_PROFILE_FILE="$COV/$h.%p.profraw" "$bin" -runs=0 -timeout=10 \
		"${dirs[@]}" > "$COV/$h.log" 2>&1 ||
		echo "# $h: the run over the corpus stopped early (see ${COV#"$TOP"/}/$h.log)"
	BINS+=("$bin")
done

"$PROFDATA" merge -sparse -o "$COV/all.profdata" "$COV"/*.profraw || die "llvm-profdata failed"
objs=("${BINS[0]}")
for b in "${BINS[@]:1}"; do
	objs+=(-object "$b")
done
"$LLVMCOV" report -instr-profile="$COV/all.profdata" "${objs[@]}" "$TOP"/plugin/lib/*.c |
	sed "s|$TOP/||"
"$LLVMCOV" show -instr-profile="$COV/all.profdata" "${objs[@]}" "$TOP"/plugin/lib/*.c \
	> "$COV/coverage.txt"
echo "# line by line: ${COV#"$TOP"/}/coverage.txt (harnesses:$HARNESSES)"
