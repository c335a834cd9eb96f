#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# run.sh - build the libFuzzer harnesses of libbtfids, prepare their
# corpora, replay the regression inputs and fuzz each harness for a while.
#
#   tests/fuzz/run.sh [HARNESS...]      collect btf btf_split patch (default: all)
#
# Everything goes to build/fuzz/ (nothing into the source tree):
#   bin/fuzz_<h>        harness: the library's sources built with clang
#                       -fsanitize=fuzzer,address,undefined, fixtures embedded
#   seeds/<h>/          seeds made from the test fixtures (make-seeds.py)
#   corpus/<h>/         the working corpus, kept from run to run
#   artifacts/<h>/      crash-*, leak-*, timeout-*, oom-* inputs
#   logs/<h>.log        libFuzzer's output
# Inputs under tests/fuzz/regressions/<h>/ are replayed first, and
# tests/fuzz/seeds/<h>/ (hand-made seeds), if present, join the corpus.
# tests/fuzz/regressions/api/*.c are small programs that misuse the API
# the way a host could; each is built like the harnesses and must exit 0.
#
# One line per harness: "ok <h>: ..." (replayed and fuzzed, no crash) or
# "FAIL <h>: ..." with the crashing inputs and the first frames of the
# report; one line for the API programs, if any; then the total
# executions and "fuzz: N passed, N failed".
#
# Environment:
#   FUZZ_SECONDS   seconds of fuzzing per harness (default 60)
#   FUZZ_BUDGET    seconds in all, split evenly over the harnesses
#                  (overrides FUZZ_SECONDS; `make fuzz` sets 600)
#   FUZZ_JOBS      harnesses fuzzed at once (default: number of CPUs)
#   FUZZ_TIMEOUT   seconds one input may take before it counts as a hang (10)
#   FUZZ_ARGS      more libFuzzer options for every harness
#   FUZZ_FRESH=1   start from the seeds again (drop corpus/ and artifacts/)
#   FUZZ_KNOWN     UBSan reports to step over while a known bug is being
#                  fixed, so that fuzzing gets past it: CHECK:FUNCTION words
#                  (e.g. "nonnull-attribute:edit_write_raw"); those checks
#                  are built recoverable and suppressed in those functions
#   CLANG          compiler (default clang)
#   PAHOLE         passed on to tests/build-fixtures.sh
# To replay one input with messages: BTFIDS_FUZZ_LOG=1 build/fuzz/bin/fuzz_<h> FILE
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=$TOP/build
FZ=$BUILD/fuzz
HERE=$TOP/tests/fuzz
CLANG=${CLANG:-clang}
ALL_HARNESSES="collect btf btf_split patch"
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-10}
FUZZ_JOBS=${FUZZ_JOBS:-$(nproc)}

die() { echo "fuzz: $*" >&2; echo "fuzz: 0 passed, 1 failed"; exit 1; }
log() { echo "# $*"; }

HARNESSES=${*:-$ALL_HARNESSES}
for h in $HARNESSES; do
	case " $ALL_HARNESSES " in *" $h "*) ;; *) die "unknown harness '$h' (have: $ALL_HARNESSES)" ;; esac
done
NR=$(echo "$HARNESSES" | wc -w)
if [ -n "${FUZZ_BUDGET:-}" ]; then
	SECS=$((FUZZ_BUDGET / NR))
else
	SECS=${FUZZ_SECONDS:-60}
fi
[ "$SECS" -ge 1 ] || SECS=1

max_len() {
	case $1 in
	btf|btf_split) echo 1048576 ;;		# 1 MiB of BTF
	patch) echo $((262144 + 1)) ;;		# blob size byte + 256 KiB of ELF
	*) echo 262144 ;;			# 256 KiB of ELF
	esac
}

# --- toolchain and libbpf -------------------------------------------------

command -v "$CLANG" >/dev/null || die "$CLANG not found"
if [ ! -f "$BUILD/config.mk" ]; then
	bash "$TOP/scripts/bootstrap.sh" libbpf || die "bootstrap of libbpf failed"
fi
# the kernel tree's libbpf 1.8 when there is a build of it (make pahole-tree):
# with 1.7, Linux 7.3 is refused (release.c) and its path not reached
LIBCFG=$BUILD/config.mk
[ -f "$BUILD/tree/config.mk" ] && LIBCFG=$BUILD/tree/config.mk
cfg() { sed -n "s/^$1 *:= *//p" "$LIBCFG"; }
LIBBPF_CFLAGS=$(cfg LIBBPF_CFLAGS)
LIBBPF_LIBS=$(cfg LIBBPF_LIBS)

mkdir -p "$FZ"/{bin,obj,fixed,logs,seeds}
probe=$FZ/obj/probe
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }' > "$probe.c"
if ! "$CLANG" -fsanitize=fuzzer,address,undefined -o "$probe" "$probe.c" 2>"$probe.log"; then
	die "$CLANG cannot build libFuzzer programs (apt-get install -y libclang-rt-14-dev): $(head -c 300 "$probe.log")"
fi

# --- fixtures: the fixed inputs the harnesses embed, and the seeds ---------

FX=$BUILD/tests
if [ ! -s "$FX/x86_64/kfuncs.o" ] || [ ! -s "$FX/i386/kfuncs.o" ]; then
	# our own copy, so as not to race tests/differential/run.sh over build/tests
	FX=$FZ/fixtures
	if [ ! -s "$FX/x86_64/kfuncs.o" ] || [ ! -s "$FX/i386/kfuncs.o" ]; then
		log "building the test fixtures into ${FX#"$TOP"/}"
		OUT=$FX bash "$TOP/tests/build-fixtures.sh" >&2 || die "tests/build-fixtures.sh failed"
	fi
fi
ERRS=$BUILD/tests/errors
if ! ls "$ERRS"/*.o >/dev/null 2>&1; then
	ERRS=$FZ/errors/tests/errors
	if ! ls "$ERRS"/*.o >/dev/null 2>&1 && [ -x "$BUILD/btfids" ]; then
		log "making the malformed-input catalogue's inputs into ${ERRS#"$TOP"/}"
		env BUILD="$FZ/errors" BTFIDS="$BUILD/btfids" PAHOLE="${PAHOLE:-$BUILD/tools/pahole}" \
			bash "$TOP/tests/errors/run.sh" >/dev/null 2>&1
	fi
fi

# fixed inputs: copied first, so a concurrent fixture rebuild cannot tear them
fixed() {	# NAME SOURCE
	if [ ! -f "$FZ/fixed/$1" ] || ! cmp -s "$2" "$FZ/fixed/$1"; then
		if ! cp "$2" "$FZ/fixed/$1.tmp" || ! mv "$FZ/fixed/$1.tmp" "$FZ/fixed/$1"; then
			die "cannot copy $2"
		fi
	fi
}
fixed kfuncs-i386.o "$FX/i386/kfuncs.o"
fixed kfuncs-i386.BTF "$FX/i386/kfuncs.o.BTF.1"
fixed mod-x86_64.o "$FX/x86_64/mod.o"
fixed base-x86_64.BTF "$FX/x86_64/base.vmlinux.BTF"

# --- build ----------------------------------------------------------------

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if [ -n "${FUZZ_KNOWN:-}" ]; then
	: > "$FZ/obj/ubsan.supp"
	for k in $FUZZ_KNOWN; do
		SAN="$SAN -fsanitize-recover=${k%%:*}"
		echo "$k" >> "$FZ/obj/ubsan.supp"
	done
	UBSAN_OPTIONS=$UBSAN_OPTIONS:suppressions=$FZ/obj/ubsan.supp
	log "letting known UBSan reports pass: $FUZZ_KNOWN"
fi
export UBSAN_OPTIONS
CFLAGS="-std=gnu11 -g -O1 $SAN -I$TOP/plugin/include -I$TOP/plugin/lib $LIBBPF_CFLAGS"
HDRS=("$TOP"/plugin/include/*.h "$TOP"/plugin/lib/*.h "$HERE"/fuzz_common.h)
# a change of flags rebuilds everything
if [ "$(cat "$FZ/obj/flags" 2>/dev/null)" != "$CFLAGS" ]; then
	rm -f "$FZ"/obj/*.o "$FZ"/bin/fuzz_*
	echo "$CFLAGS" > "$FZ/obj/flags"
fi

newer() {	# TARGET DEP...: true if TARGET is missing or older than a DEP
	local t=$1 d
	shift
	[ -f "$t" ] || return 0
	for d in "$@"; do
		[ "$d" -nt "$t" ] && return 0
	done
	return 1
}

OBJS=()
for src in "$TOP"/plugin/lib/*.c; do
	obj=$FZ/obj/$(basename "${src%.c}").o
	OBJS+=("$obj")
	if newer "$obj" "$src" "${HDRS[@]}" "$LIBCFG"; then
		# shellcheck disable=SC2086
		"$CLANG" $CFLAGS -fsanitize=fuzzer-no-link -c -o "$obj" "$src" 2>"$obj.log" ||
			die "compiling $src failed: $(head -c 600 "$obj.log")"
	fi
done

. "$TOP/tests/fuzz/harness-defs.sh"

for h in $HARNESSES; do
	bin=$FZ/bin/fuzz_$h
	if newer "$bin" "$HERE/fuzz_$h.c" "${HDRS[@]}" "${OBJS[@]}" "$FZ"/fixed/*; then
		harness_defs "$h"
		# shellcheck disable=SC2086
		"$CLANG" $CFLAGS -fsanitize=fuzzer "${DEFS[@]}" \
			-o "$bin" "$HERE/fuzz_$h.c" "${OBJS[@]}" $LIBBPF_LIBS 2>"$bin.log" ||
			die "building fuzz_$h failed: $(head -c 600 "$bin.log")"
	fi
done

# API regression programs: built now, run before the fuzzing
API_PROGS=()
for src in "$HERE"/regressions/api/*.c; do
	[ -f "$src" ] || continue
	bin=$FZ/bin/api_$(basename "${src%.c}")
	API_PROGS+=("$bin")
	if newer "$bin" "$src" "${HDRS[@]}" "${OBJS[@]}"; then
		# shellcheck disable=SC2086
		"$CLANG" $CFLAGS -fsanitize=fuzzer-no-link -o "$bin" "$src" "${OBJS[@]}" \
			$LIBBPF_LIBS 2>"$bin.log" || die "building $src failed: $(head -c 600 "$bin.log")"
	fi
done

# --- corpora --------------------------------------------------------------

[ -n "${FUZZ_FRESH:-}" ] && rm -rf "$FZ/corpus" "$FZ/artifacts"
rm -rf "$FZ/seeds"
seed_dirs=("$FX/x86_64" "$FX/i386" "$FX/s390x" "$FX/bpf")
[ -d "$ERRS" ] && seed_dirs+=("$ERRS")
python3 "$HERE/make-seeds.py" "$FZ/seeds" "${seed_dirs[@]}" | sed 's/^/# /' ||
	die "making the seed corpora failed"

# one more seed for collect: more placeholder names per namespace than the
# fixtures have (the name tables grow past their first size), in a set8
many_names_seed() {
	local i
	echo '	.pushsection .BTF_ids,"a"'
	for i in $(seq 0 47); do
		echo "__BTF_ID__struct__s_$i""__$i: .zero 4"
		echo "__BTF_ID__typedef__t_$i""__$i: .zero 4"
	done
	echo '__BTF_ID__set8__many: .zero 4'
	echo '	.long 1'
	for i in $(seq 0 47); do
		echo "__BTF_ID__func__f_$i""__$((i + 100)): .zero 4"
		echo "	.long $(( i % 3 ? 0 : 65536 ))"
	done
	echo '	.size __BTF_ID__set8__many, 392'
	echo '	.popsection'
}
if command -v gcc > /dev/null; then
	many_names_seed | gcc -c -x assembler -o "$FZ/obj/many-names.o" - 2>/dev/null &&
		cp "$FZ/obj/many-names.o" "$FZ/seeds/collect/many-names.o" &&
		{ printf '\x00'; cat "$FZ/obj/many-names.o"; } > "$FZ/seeds/patch/many-names"
fi

# --- fuzz -----------------------------------------------------------------

# fuzz_one HARNESS: replay regressions, fuzz; result line into results/HARNESS
fuzz_one() {
	local h=$1 bin=$FZ/bin/fuzz_$1 corpus=$FZ/corpus/$1 art=$FZ/artifacts/$1/
	local lg=$FZ/logs/$1.log res=$FZ/results/$1 mark=$FZ/results/$1.start
	local dirs=() regs=() why=() rc execs eps crashes f n t t0
	mkdir -p "$corpus" "$art"
	: > "$lg"
	touch "$mark"
	sleep 1		# artifacts of this run are newer than the mark

	if [ -d "$HERE/regressions/$h" ]; then
		for f in "$HERE/regressions/$h"/*; do
			[ -f "$f" ] && regs+=("$f")
		done
	fi
	for f in "${regs[@]}"; do
		echo "=== replay $f" >> "$lg"
		if ! timeout $((FUZZ_TIMEOUT * 3)) "$bin" -timeout="$FUZZ_TIMEOUT" "$f" >> "$lg" 2>&1; then
			why+=("regression ${f#"$TOP"/} still fails")
		fi
	done

	dirs=("$corpus" "$FZ/seeds/$h")
	[ -d "$HERE/seeds/$h" ] && dirs+=("$HERE/seeds/$h")
	echo "=== fuzz $SECS s" >> "$lg"
	t0=$(date +%s)
	# shellcheck disable=SC2086
	"$bin" -max_len="$(max_len "$h")" -timeout="$FUZZ_TIMEOUT" -rss_limit_mb=2048 \
		-max_total_time="$SECS" -print_final_stats=1 -dict="$HERE/btfids.dict" \
		-artifact_prefix="$art" ${FUZZ_ARGS:-} "${dirs[@]}" >> "$lg" 2>&1
	rc=$?
	t=$(( $(date +%s) - t0 ))
	[ "$t" -ge 1 ] || t=1
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$lg" | tail -n 1)
	eps=$(( ${execs:-0} / t ))
	crashes=$(find "$art" -type f -newer "$mark" \( -name 'crash-*' -o -name 'leak-*' \
		-o -name 'timeout-*' -o -name 'oom-*' \) | sort)
	n=$(echo "$crashes" | grep -c .)
	[ "$n" -gt 0 ] && why+=("$n crashing input(s): $(echo "$crashes" | sed "s|^$TOP/||" | paste -sd ' ')")
	[ "$rc" -ne 0 ] && [ "$n" -eq 0 ] && why+=("libFuzzer exited $rc")
	[ -n "$execs" ] || why+=("no final stats in ${lg#"$TOP"/}")
	{
		echo "execs=${execs:-0}"
		echo "eps=${eps:-0}"
		echo "corpus=$(find "$corpus" -type f | wc -l)"
		echo "regs=${#regs[@]}"
		printf 'why='
		for f in "${!why[@]}"; do
			[ "$f" -gt 0 ] && printf '; '
			printf '%s' "${why[$f]}"
		done
		echo
		# the first frames of the first report, for the summary
		grep -m1 -E '^==[0-9]+==ERROR|runtime error:|fuzz invariant failed|ALARM: working' "$lg" |
			sed 's/^/report=/'
		grep -E '^ +#[0-9]+ 0x' "$lg" |
			grep -v -E 'fuzzer::|__sanitizer|libc\.so|pthread_kill|raise|abort|__libc_start| _start ' |
			head -n 6 | sed 's/^ */frame=/'
	} > "$res"
	rm -f "$mark"
}

mkdir -p "$FZ/results"
api_fail=()
for bin in "${API_PROGS[@]}"; do
	if ! timeout 60 "$bin" > "$FZ/logs/$(basename "$bin").log" 2>&1; then
		api_fail+=("$(basename "$bin")")
	fi
done
log "fuzzing $NR harness(es), $SECS s each, $FUZZ_JOBS at a time"
running=0
for h in $HARNESSES; do
	rm -f "$FZ/results/$h"
	if [ "$running" -ge "$FUZZ_JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
	fuzz_one "$h" &
	running=$((running + 1))
done
wait

# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"
h_begin fuzz "$BUILD/tests/fuzz"
total=0
for h in $HARNESSES; do
	res=$FZ/results/$h
	if [ ! -f "$res" ]; then
		h_fail "$h" "no result (see build/fuzz/logs/$h.log)"
		continue
	fi
	execs=$(sed -n 's/^execs=//p' "$res")
	eps=$(sed -n 's/^eps=//p' "$res")
	corpus=$(sed -n 's/^corpus=//p' "$res")
	nregs=$(sed -n 's/^regs=//p' "$res")
	reason=$(sed -n 's/^why=//p' "$res")
	total=$((total + execs))
	line="$execs execs in $SECS s ($eps/s), corpus $corpus, $nregs regression input(s) replayed"
	if [ -z "$reason" ]; then
		h_pass "$h" "$line, no crash"
	else
		h_fail "$h" "$line: $reason"
		sed -n 's/^report=/    /p; s/^frame=/    /p' "$res"
		echo "    log: build/fuzz/logs/$h.log"
	fi
done
if [ "${#API_PROGS[@]}" -gt 0 ]; then
	if [ "${#api_fail[@]}" -eq 0 ]; then
		h_pass api "${#API_PROGS[@]} regression program(s)"
	else
		h_fail api "${#api_fail[@]} of ${#API_PROGS[@]} regression program(s) fail: ${api_fail[*]}"
		for b in "${api_fail[@]}"; do
			grep -m1 -E 'ERROR: |runtime error:' "$FZ/logs/$b.log" | sed 's/^/    /'
			grep -E '^ +#[0-9]+ 0x.* in [^ ]+ /.*/plugin/' "$FZ/logs/$b.log" | head -n 3 |
				sed 's/^ */    /'
			echo "    log: build/fuzz/logs/$b.log"
		done
	fi
fi
h_info "fuzz: $total executions in all"
h_end
