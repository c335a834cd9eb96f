# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tests/lib/harness.sh - what every suite shares (sourced): reporting and
# counting, running a tool in a scratch directory, and the one comparison
# of two runs' outputs, with the explanation of a difference.
#
# Reporting, one line per case on stdout:
#   h_begin SUITE WORK       start: counters under WORK (created, emptied)
#   h_pass CASE [NOTE]       "ok CASE[: NOTE]"
#   h_fail CASE WHY [FILE]   "FAIL CASE: WHY", then FILE's first 40 lines
#   h_skip CASE WHY          "skip CASE: WHY"
#   h_check CASE WHY [NOTE]  h_pass if WHY is empty, else h_fail
#   h_info TEXT              "info TEXT" (an observation, not a result)
#   h_progress TEXT          "-- [  Ns] TEXT"
#   h_end                    "SUITE: N passed, N failed[, N skipped]";
#                            returns non-zero if anything failed
# Counts live in WORK/results, so cases run in subshells (h_groups) count.
# Every function works under "set -euo pipefail" too.
#
# Running and comparing:
#   h_run DIR TIMEOUT CMD... CMD in DIR; DIR.out, DIR.err, DIR.rc beside it
#   h_files DIR              the regular files in DIR, sorted, one line
#   h_warns FILE             the "WARN:" lines of a stderr file
#   h_compare A B [OPTION...]
#       prints, one per line, why the runs in directories A and B differ:
#       exit status (A.rc, B.rc), WARN lines (A.err, B.err), the set of
#       files, each file's bytes; and appends a decoded explanation to
#       $H_DETAIL (a file; default DIR.why, DIR being A's parent). Options:
#         --input NAME     NAME is the run's input: not an output
#         --input-orig F   ... and must still equal F on both sides
#         --ignore NAME    NAME is not compared (a scratch file of one side)
#         --base BA BB     base BTF of A's and B's .BTF files, for decoding
#         --labels LA LB   names of the two sides in messages
#         --sections       compare BTF files by type and string sections
#                          only (header sizes differ between libbpf 1.7
#                          and 1.8)
#         --no-rc, --no-warns
#   h_same A B NAME [BA BB]  why files A and B (called NAME) differ, if they
#                          do; the explanation to $H_DETAIL
#   h_same_elf A B NAME      the same for ELF files, by section contents
#   h_equal A B [N]          true if A and B (their first N bytes) are equal
#   h_either F OLD NEW       true if F holds the bytes of OLD or of NEW
#   h_groups GROUP...        run the suite's h_group GROUP for each, in
#                            parallel unless JOBS=1; output in group order
#
# Environment: PYTHON (default python3), KEEP=1 keeps passing cases'
# directories (h_done removes them otherwise), KERNEL (below).
#
# The Linux release under test: KERNEL=7.2 (default) or 7.3. Fixtures carry
# no version of their own, so the tools are told it (BTFIDS_KERNEL), and
# the references are that release's resolve_btfids:
#   H_KERNEL        the release
#   H_ORACLE        the reference (ORACLE, if set): for 7.2 its unmodified
#                   resolve_btfids against our libbpf; for 7.3 its stock
#                   build with its tree's libbpf 1.8, as 7.3 needs libbpf
#                   1.8 (release.c), so 7.3 is tested with build/tree
#   H_ORACLE_TREE   its stock build with its tree's libbpf (1.8)

H_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
H_KERNEL=${KERNEL:-7.2}
export BTFIDS_KERNEL=${BTFIDS_KERNEL-$H_KERNEL}
case $H_KERNEL in
7.2) H_ORACLE_TREE=$H_TESTS/../build/oracle-tree/resolve_btfids
     H_ORACLE=${ORACLE:-$H_TESTS/../build/oracle/resolve_btfids} ;;
*)   H_ORACLE_TREE=$H_TESTS/../build/oracle${H_KERNEL//./}-tree/resolve_btfids
     H_ORACLE=${ORACLE:-$H_ORACLE_TREE} ;;
esac
# python3 may be a version manager's shim that costs a process or two a
# call: resolve the interpreter once
if [ -z "${PYTHON:-}" ]; then
	PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || echo python3)
	export PYTHON
fi
H_PY=$PYTHON
H_BTFINFO=$H_TESTS/btfinfo.py
H_T0=$SECONDS

h_begin()
{
	H_SUITE=$1 H_WORK=$2
	rm -rf "$H_WORK" && mkdir -p "$H_WORK" || {
		echo "FAIL setup: cannot create $H_WORK"
		echo "$H_SUITE: 0 passed, 1 failed"
		exit 1
	}
	: >"$H_WORK/results"
}

h_record() { echo "$1" >>"$H_WORK/results"; }

h_pass() { h_record p; echo "ok $1${2:+: $2}"; }
h_skip() { h_record s; echo "skip $1: $2"; }
h_info() { echo "info $*"; }
h_progress() { printf -- '-- [%4ds] %s\n' $((SECONDS - H_T0)) "$*"; }

h_fail()
{
	h_record f
	echo "FAIL $1: $2"
	if [ -n "${3:-}" ] && [ -s "$3" ]; then
		sed 's/^/    /' "$3" | head -n 40
	fi
	return 0
}

h_check() { if [ -z "$2" ]; then h_pass "$1" "${3:-}"; else h_fail "$1" "$2" "${4:-}"; fi; }

# h_join LINES: the non-empty lines of LINES as "a; b; c"
h_join() { printf '%s\n' "$1" | { grep . || true; } | paste -sd ';' | sed 's/;/; /g'; }

# h_done CASE DIR REASONS: report CASE from the reasons h_compare (and the
# suite) printed; a passing case's DIR goes unless KEEP
h_done()
{
	local c=$1 d=$2 why
	why=$(h_join "$3")
	if [ -z "$why" ]; then
		h_pass "$c"
		[ -n "${KEEP:-}" ] || rm -rf "$d" "$d".*
	else
		h_fail "$c" "$why" "${H_DETAIL:-$d.why}"
	fi
}

h_end()
{
	local p f s line
	p=$(grep -c '^p' "$H_WORK/results" || true)
	f=$(grep -c '^f' "$H_WORK/results" || true)
	s=$(grep -c '^s' "$H_WORK/results" || true)
	[ "$f" -gt 0 ] && echo "# failing cases keep their scratch directories under $H_WORK"
	line="$H_SUITE: $p passed, $f failed"
	[ "$s" -gt 0 ] && line="$line, $s skipped"
	echo "$line"
	[ "$f" -eq 0 ]
}

h_run()
{
	local d=$1 to=$2 rc=0
	shift 2
	(cd "$d" && exec timeout "$to" "$@") >"$d.out" 2>"$d.err" || rc=$?
	echo $rc >"$d.rc"
}

h_files() { (cd "$1" && find . -maxdepth 1 -type f -printf '%P\n' | LC_ALL=C sort | paste -sd ' '); }

h_warns() { grep -a '^WARN' "$1" 2>/dev/null; }

# h_outputs DIR NAME...: h_files DIR without NAMEs
h_outputs()
{
	local d=$1 f n out=""
	shift
	for f in $(h_files "$d"); do
		for n in "$@"; do
			[ "$f" = "$n" ] && continue 2
		done
		out="$out${out:+ }$f"
	done
	echo "$out"
}

# h_explain A B NAME [BA BB] >> detail: a decoded difference of two files
h_explain()
{
	local a=$1 b=$2 name=$3 ba=${4:-} bb=${5:-}
	echo "== $name: $(stat -c %s "$a") vs $(stat -c %s "$b") bytes," \
		"$(cmp -l "$a" "$b" 2>/dev/null | wc -l) bytes differ," \
		"first: $(cmp "$a" "$b" 2>&1 | sed -n 's/.*differ: //p')"
	case $name in
	*.BTF|*.BTF.base|*.BTF.1)
		diff -u --label "${H_LA:-a}" --label "${H_LB:-b}" \
			<("$H_PY" "$H_BTFINFO" dump "$a" ${ba:+--base "$ba"} 2>&1) \
			<("$H_PY" "$H_BTFINFO" dump "$b" ${bb:+--base "$bb"} 2>&1) | sed -n '3,16p' |
			grep . || echo "   (decoded, the two are the same: bytes btfinfo.py does not print)" ;;
	*)
		cmp -l "$a" "$b" 2>&1 | head -n 8 || true ;;
	esac
}

h_same()
{
	local a=$1 b=$2 name=$3 ba=${4:-} bb=${5:-} d
	cmp -s "$a" "$b" && return 0
	case $name in
	*.BTF|*.BTF.base)
		if [ -n "${H_SECTIONS:-}" ]; then
			d=$("$H_PY" "$H_BTFINFO" sections "$a" "$b" 2>&1) && return 0
			echo "$name: ${d:0:200}"
			h_detail "$a" "$b" "$name" "$ba" "$bb"
			return 0
		fi ;;
	esac
	d=$(cmp "$a" "$b" 2>&1 | sed -n 's/.*differ: \(byte [0-9]*\).*/\1/p' || true)
	[ -n "$d" ] || d="sizes $(stat -c %s "$a") vs $(stat -c %s "$b")"
	echo "$name differs ($d)"
	h_detail "$a" "$b" "$name" "$ba" "$bb"
}

# h_detail A B NAME [BA BB]: h_explain into $H_DETAIL, if there is one
h_detail()
{
	[ "${H_DETAIL:-/dev/null}" = /dev/null ] || h_explain "$@" >>"$H_DETAIL"
}

# h_equal A B [N]: A and B hold the same bytes (the first N only, if given)
h_equal() { cmp -s ${3:+-n "$3"} "$1" "$2"; }

# h_either F OLD NEW: F holds OLD's bytes or NEW's, nothing else
h_either() { h_equal "$1" "$2" || h_equal "$1" "$3"; }

# h_same_elf A B NAME: two ELF files with the same section contents;
# H_ELFDIFF (a command: exit 0 the same, 1 different outside the sections'
# contents, 2 sections differ) tells a layout difference from a content
# one, which is noted in $H_DETAIL but is not a failure
h_same_elf()
{
	local out rc
	cmp -s "$1" "$2" && return 0
	if [ -z "${H_ELFDIFF:-}" ]; then
		echo "$3 differs"
		return 0
	fi
	rc=0
	out=$($H_ELFDIFF "$1" "$2" 2>&1) || rc=$?
	if [ $rc -ge 2 ]; then
		echo "$3: sections differ: $(echo "$out" | head -n 3 | paste -sd ';')"
	else
		echo "$3: files differ outside section contents: $(echo "$out" | head -n 3 | paste -sd ';')" \
			>>"${H_DETAIL:-/dev/null}"
	fi
}

h_compare()
{
	local a=$1 b=$2 input="" orig="" ignore="/" ba="" bb="" rc=y warns=y ra rb wa wb fa fb f
	local H_LA=${H_LA:-$(basename "$1")} H_LB=${H_LB:-$(basename "$2")} H_SECTIONS=${H_SECTIONS:-}
	local H_DETAIL=${H_DETAIL:-$(dirname "$a").why}
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		--input) input=$2; shift ;;
		--input-orig) orig=$2; shift ;;
		--ignore) ignore=$2; shift ;;
		--base) ba=$2 bb=$3; shift 2 ;;
		--labels) H_LA=$2 H_LB=$3; shift 2 ;;
		--sections) H_SECTIONS=y ;;
		--no-rc) rc="" ;;
		--no-warns) warns="" ;;
		esac
		shift
	done
	if [ -n "$rc" ]; then
		ra=$(cat "$a.rc") rb=$(cat "$b.rc")
		[ "$ra" = "$rb" ] || echo "exit status $rb ($H_LB), want $ra ($H_LA)"
	fi
	if [ -n "$warns" ]; then
		wa=$(h_warns "$a.err" || true)
		wb=$(h_warns "$b.err" || true)
		if [ "$wa" != "$wb" ]; then
			echo "WARN lines differ ($(grep -c . <<<"$wa") $H_LA vs $(grep -c . <<<"$wb") $H_LB)"
			diff -u --label "$H_LA" --label "$H_LB" <(echo "$wa") <(echo "$wb") |
				sed -n '3,12p' >>"$H_DETAIL"
		fi
	fi
	fa=$(h_outputs "$a" "${input:-/}" "$ignore")
	fb=$(h_outputs "$b" "${input:-/}" "$ignore")
	[ "$fa" = "$fb" ] || echo "output files [$fb] ($H_LB), want [$fa] ($H_LA)"
	for f in $fa; do
		[ -f "$b/$f" ] || continue
		if [ "$f" = "${f%.BTF}" ] || [ ! -f "$a/$f.base" ]; then
			h_same "$a/$f" "$b/$f" "$f" "$ba" "$bb"
		else
			h_same "$a/$f" "$b/$f" "$f" "$a/$f.base" "$b/$f.base"
		fi
	done
	if [ -n "$input" ] && [ -n "$orig" ]; then
		for f in "$a" "$b"; do
			[ ! -e "$f/$input" ] || cmp -s "$orig" "$f/$input" ||
				echo "$(basename "$f") modified its input $input"
		done
	fi
}

# h_groups GROUP...: the suite's h_group for each, in parallel unless JOBS=1
h_groups()
{
	local g
	if [ "${JOBS:-$(nproc)}" -gt 1 ]; then
		for g in "$@"; do
			h_group "$g" >"$H_WORK/log.$g" 2>&1 &
		done
		wait
		for g in "$@"; do
			cat "$H_WORK/log.$g"
		done
	else
		for g in "$@"; do
			h_group "$g" | tee "$H_WORK/log.$g"
		done
	fi
}

# h_expect KEY: row KEY of tests/fixtures/expect for the release under
# test (its RELEASE:KEY row, else the plain one), without the key:
# "rc warns readback funcs"; nothing if there is no row
h_expect()
{
	local f=$H_TESTS/fixtures/expect row
	row=$(grep "^$H_KERNEL:$1 " "$f" || grep "^$1 " "$f")
	[ -z "$row" ] || printf '%s\n' "${row#* }" | sed 's/^ *//'
}

# h_fixtures: the fixture names of tests/fixtures/list for the release
# under test (a name followed by releases is built for those only), one line
h_fixtures()
{
	awk -v k="$H_KERNEL" '!/^#/ && NF { for (i = 2; i <= NF; i++) if ($i == k) break;
	     if (NF == 1 || i <= NF) print $1 }' "$H_TESTS/fixtures/list" | paste -sd ' '
}
