#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `btfids dump` on the fixtures (tests/fixtures-ready.sh builds them):
#   finished   each fixture resolved by btfids, its .BTF_ids patched into a
#              copy, dumped with --json against the final BTF (split ones
#              on the fixtures' base.vmlinux): check.py finds every slot
#              naming a type of its placeholder's kind and name or, for a
#              name btfids warned it could not resolve, 0; set entries
#              sorted and within their room, kfunc set8 entries FUNCs
#   before     the unresolved object: every value 0, sets' room from their
#              symbol sizes, the same slots as after
#   text       the text form names the same types as the JSON form
#   mismatch   one slot's value replaced by another type's id: marked
#   errors     no .BTF_ids, an unreadable --btf, a missing base: one line,
#              exit 255
# and `btfids verify`: every finished fixture passes (those with duplicate
# set entries on purpose fail, naming them); one object broken per check
# fails with that check's line; unreadable input exits 255.
set -u

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
BTFIDS=${BTFIDS:-$BUILD/btfids}
PYTHON=${PYTHON:-python3}
HERE=$TOP/tests/dump
W=$BUILD/tests/dump
# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"
h_begin dump "$W"

die() { h_fail setup "$*"; h_end; exit 1; }
[ -x "$BTFIDS" ] || die "no $BTFIDS"
bash "$TOP/tests/fixtures-ready.sh" >/dev/null 2>&1 || die "fixtures (tests/fixtures-ready.sh)"

FIXTURES="kfuncs sets lists many_ok warn ids_unused set8_dupes"
MODULES="mod mod_basekf"

# finish CASE ELF [ARGS...]: resolve ELF into $W/CASE, patch a copy: $W/CASE/x
finish()
{
	local d=$W/$1 elf=$2
	shift 2
	rm -rf "$d" && mkdir -p "$d" && cp "$elf" "$d/x" &&
		(cd "$d" && "$BTFIDS" "$@" x > resolve.log 2>&1) || return 1
	[ ! -f "$d/x.BTF_ids" ] || "$BTFIDS" --patch_btfids "$d/x.BTF_ids" "$d/x" 2>> "$d/resolve.log"
}

# check_finished CASE [-b BASE]: dump $W/CASE/x against its final BTF
check_finished()
{
	local c=$1 d=$W/$1 why
	shift
	if ! "$BTFIDS" dump --json --btf "$d/x.BTF" "$@" "$d/x" > "$d/dump.json" 2> "$d/dump.err"; then
		h_fail "$c/finished" "dump exited non-zero: $(head -c 300 "$d/dump.err")"
		return
	fi
	why=$("$PYTHON" "$HERE/check.py" finished "$d/dump.json" "$d/resolve.log" 2>&1)
	h_check "$c/finished" "$why"
}

# check_before CASE ELF [-b BASE]: the unresolved object, same slots
check_before()
{
	local c=$1 d=$W/$1 elf=$2 why
	shift 2
	if ! "$BTFIDS" dump --json "$@" "$elf" > "$d/before.json" 2> "$d/before.err"; then
		h_fail "$c/before" "dump exited non-zero: $(head -c 300 "$d/before.err")"
		return
	fi
	why=$("$PYTHON" "$HERE/check.py" before "$d/before.json" "$d/dump.json" 2>&1)
	h_check "$c/before" "$why"
}

check_text()
{
	local c=$1 d=$W/$1 why
	shift
	"$BTFIDS" dump --btf "$d/x.BTF" "$@" "$d/x" > "$d/dump.txt" 2>&1
	why=$("$PYTHON" "$HERE/check.py" text "$d/dump.txt" "$d/dump.json" 2>&1)
	h_check "$c/text" "$why"
}

for arch in x86_64 s390x; do
	A=$BUILD/tests/$arch
	V=$A/base.vmlinux
	[ -d "$A" ] || { h_skip "$arch" "no fixtures for $arch (tests/fixtures-ready.sh)"; continue; }
	for fx in $FIXTURES; do
		for form in o exe; do
			c=$arch/$fx.$form
			if ! finish "$c" "$A/$fx.$form" --btf "$A/$fx.$form.BTF.1"; then
				h_fail "$c/finish" "btfids failed: $(tail -n 2 "$W/$c/resolve.log")"
				continue
			fi
			check_finished "$c"
			check_before "$c" "$A/$fx.$form" --btf "$A/$fx.$form.BTF.1"
			check_text "$c"
		done
	done
	for fx in $MODULES; do
		c=$arch/$fx.split
		if ! finish "$c" "$A/$fx.o" --btf "$A/$fx.o.split.BTF.1" --btf_base "$V"; then
			h_fail "$c/finish" "btfids failed: $(tail -n 2 "$W/$c/resolve.log")"
			continue
		fi
		check_finished "$c" -b "$V"
		check_before "$c" "$A/$fx.o" --btf "$A/$fx.o.split.BTF.1" -b "$V"
		check_text "$c" -b "$V"
	done
done

# mismatch: the first resolved slot outside sets gets another type's id
A=$BUILD/tests/x86_64
c=x86_64/kfuncs.o
d=$W/mismatch
mkdir -p "$d" && cp "$W/$c/x" "$d/x" && cp "$W/$c/x.BTF" "$d/x.BTF" &&
	"$PYTHON" "$HERE/check.py" break "$W/$c/dump.json" "$W/$c/x.BTF_ids" "$d/x.BTF_ids" > "$d/what" &&
	"$BTFIDS" --patch_btfids "$d/x.BTF_ids" "$d/x" &&
	"$BTFIDS" dump --json --btf "$d/x.BTF" "$d/x" > "$d/dump.json" 2>&1
why=$("$PYTHON" "$HERE/check.py" mismatch "$d/dump.json" "$(cat "$d/what" 2>/dev/null)" 2>&1)
h_check mismatch "$why" "$(cat "$d/what" 2>/dev/null)"

# --- btfids verify ---

# verify_case CASE WANT_RC PATTERN [ARGS...]: exit status WANT_RC and, if
# PATTERN is not empty, a line of stdout matching it
verify_case()
{
	local c=$1 want=$2 pat=$3 d=$W/verify-${1//\//_} rc
	shift 3
	mkdir -p "$d"
	"$BTFIDS" verify "$@" > "$d/out" 2> "$d/err"
	rc=$?
	if [ $rc -ne "$want" ]; then
		h_fail "verify/$c" "exit $rc, want $want: $(head -n 3 "$d/out" "$d/err" | tr '\n' '|')"
	elif [ -n "$pat" ] && ! grep -q -- "$pat" "$d/out" "$d/err"; then
		h_fail "verify/$c" "no line with '$pat'" "$d/out"
	else
		h_pass "verify/$c" "$(grep -v '^btfids verify:' "$d/out" | head -n 1)"
	fi
}

# every finished fixture passes, but those with duplicate entries on purpose
for arch in x86_64 s390x; do
	V=$BUILD/tests/$arch/base.vmlinux
	for fx in $FIXTURES; do
		for form in o exe; do
			c=$arch/$fx.$form
			[ -f "$W/$c/x.BTF" ] || continue
			case $fx in
			sets) verify_case "$c" 1 "entry \[3\] is [0-9]* again" --btf "$W/$c/x.BTF" "$W/$c/x" ;;
			set8_dupes) verify_case "$c" 1 "entry \[1\] is [0-9]* again" --btf "$W/$c/x.BTF" "$W/$c/x" ;;
			*) verify_case "$c" 0 "" --btf "$W/$c/x.BTF" "$W/$c/x" ;;
			esac
		done
	done
	for fx in $MODULES; do
		c=$arch/$fx.split
		[ -f "$W/$c/x.BTF" ] && verify_case "$c" 0 "" --btf "$W/$c/x.BTF" -b "$V" "$W/$c/x"
	done
done

# one object broken per check (x86-64 kfuncs.o, finished)
K=$W/x86_64/kfuncs.o
verify_case broken/slot 1 "slot 0x0 (func kf_new): [0-9]* is FUNC .*, not func kf_new" \
	--btf "$W/mismatch/x.BTF" "$W/mismatch/x"
for how in count swap dup notfunc; do
	d=$W/broken-$how
	mkdir -p "$d" && cp "$K/x" "$d/x" && cp "$K/x.BTF" "$d/x.BTF" &&
		"$PYTHON" "$HERE/check.py" edit $how "$K/dump.json" "$K/x.BTF_ids" "$d/x.BTF_ids" > "$d/set" &&
		"$BTFIDS" --patch_btfids "$d/x.BTF_ids" "$d/x" || h_fail "verify/broken/$how" "cannot make it"
	case $how in
	count) pat="count [0-9]*, its symbol has room for" ;;
	swap) pat="not ascending" ;;
	dup) pat="entry \[1\] is [0-9]* again" ;;
	notfunc) pat="entry \[0\] is STRUCT .*, not a FUNC" ;;
	esac
	verify_case "broken/$how" 1 "$pat" --btf "$d/x.BTF" "$d/x"
done
d=$W/broken-impl && mkdir -p "$d" &&
	"$PYTHON" "$HERE/check.py" rename "$K/x.BTF" "$d/x.BTF" kf_new_impl kf_new_xmpl
verify_case broken/impl 1 "kfunc kf_new is KF_IMPLICIT_ARGS but there is no FUNC kf_new_impl" \
	--btf "$d/x.BTF" "$K/x"
d=$W/broken-sorted && mkdir -p "$d" &&
	"$PYTHON" "$HERE/check.py" rename "$K/x.BTF" "$d/x.BTF" int zzz
verify_case broken/sorted 1 "BTF not sorted by name" --btf "$d/x.BTF" "$K/x"
verify_case broken/base 1 "differ in byte order" --btf "$W/x86_64/mod.split/x.BTF" \
	-b "$BUILD/tests/s390x/base.vmlinux" "$W/x86_64/mod.split/x"
verify_case unreadable 255 "none.ko: cannot open" "$W/none.ko"
# many objects in one run, each with its final .BTF embedded (objcopy)
m=$W/many && rm -rf "$m" && mkdir -p "$m"
for fx in kfuncs sets lists; do
	cp "$A/$fx.o.withbtf" "$m/$fx.o" &&
		"$BTFIDS" --patch_btfids "$W/x86_64/$fx.o/x.BTF_ids" "$m/$fx.o" &&
		objcopy --update-section .BTF="$W/x86_64/$fx.o/x.BTF" "$m/$fx.o" ||
		h_fail verify/many "cannot make $m/$fx.o"
done
verify_case many 1 "many/sets.o: set st_set_repeats: entry \[3\]" "$m/kfuncs.o" "$m/sets.o" "$m/lists.o"
why=
grep -q "3 objects: 1 with problems" "$W/verify-many/out" || why="summary: $(tail -n 1 "$W/verify-many/out")"
h_check verify/many-summary "$why"

# Linux 7.3's rules: kfuncs73 built with 7.3's pahole flags, finished for
# 7.3 (clean) and for 7.2 (no kfunc tags, no arena pointers, the _impl
# rule not met), each verified as 7.3; by 7.2's rules the 7.2 one lacks
# its _impl too (7.2 found no tagged kfunc to rewrite); a release verify
# does not implement is refused
F73=$BUILD/tests73/x86_64/kfuncs73.o
BTFIDS_TREE=${BTFIDS_TREE:-$BUILD/tree/btfids}
if [ -x "$BTFIDS_TREE" ] && (export KERNEL=7.3 OUT=$BUILD/tests73 TESTS=$TOP/tests ROOT=$TOP \
    PAHOLE=$BUILD/pahole-tree/pahole BASE_RESOLVER=$BUILD/oracle73-tree/resolve_btfids
    . "$TOP/tests/fixtures-ready.sh" && fixtures_ready "$W/fixtures73.log"); then
	# finished by the libbpf 1.8 build (7.3 needs it), checked by this one
	for rel in 7.3 7.2; do
		BTFIDS=$BTFIDS_TREE finish "k73-as-$rel" "$F73" --kernel="$rel" --btf "$F73.BTF.1" ||
			h_fail "verify/7.3/finish-$rel" "cannot finish kfuncs73 as $rel"
	done
	d=$W/k73-as-7.3
	verify_case 7.3/clean 0 "" --kernel=7.3 --btf "$d/x.BTF" "$d/x"
	d=$W/k73-as-7.2
	verify_case 7.3/no-kfunc-tag 1 "kfunc k3_fast has no \"bpf_kfunc\" decl tag" \
		--kernel=7.3 --btf "$d/x.BTF" "$d/x"
	for pat in "kfunc k3_fast is KF_FASTCALL but has no \"bpf_fastcall\" decl tag" \
		   "kfunc k3_ret (KF_ARENA_RET): returns no address_space(1) pointer" \
		   "kfunc k3_arg2: argument 2 is no address_space(1) pointer" \
		   "kfunc k3_named: argument 2 is no address_space(1) pointer" \
		   "kfunc k3_combo is KF_IMPLICIT_ARGS but there is no FUNC k3_combo_impl"; do
		grep -q -F -- "$pat" "$W/verify-7.3_no-kfunc-tag/out"
		h_check "verify/7.3/as-7.2: ${pat%% *} ${pat#* }" \
			"$([ $? = 0 ] || echo "no line '$pat'")"
	done
	verify_case 7.3/as-7.2-by-7.2-rules 1 "kfunc k3_combo is KF_IMPLICIT_ARGS but there is no FUNC k3_combo_impl" \
		--kernel=7.2 --btf "$d/x.BTF" "$d/x"
	verify_case 7.3/release-7.4 255 "" --kernel=7.4 --btf "$d/x.BTF" "$d/x"
	grep -q "Linux 7.4 (named) is not a release" "$W/verify-7.3_release-7.4/err"
	h_check verify/7.3/release-7.4-line "$([ $? = 0 ] || echo "no refusal line")"
else
	h_fail verify/7.3 "no libbpf 1.8 build ($BTFIDS_TREE: make pahole-tree) or the 7.3 fixtures: $(tail -n 3 "$W/fixtures73.log" 2>/dev/null)"
fi

# errors: exit 255 and one line naming the file
expect_error()
{
	local c=$1 pat=$2 d=$W/err-$1 rc
	shift 2
	mkdir -p "$d"
	"$BTFIDS" dump "$@" > "$d/out" 2> "$d/err"
	rc=$?
	if [ $rc -ne 255 ]; then
		h_fail "errors/$c" "exit $rc, want 255" "$d/err"
	elif [ "$(wc -l < "$d/err")" -ne 1 ] || ! grep -q -- "$pat" "$d/err"; then
		h_fail "errors/$c" "want one line with '$pat'" "$d/err"
	elif [ -s "$d/out" ]; then
		h_fail "errors/$c" "printed a dump" "$d/out"
	else
		h_pass "errors/$c" "$(cat "$d/err")"
	fi
}
expect_error no-btf-ids "mod_noids.o: no .BTF_ids" "$A/mod_noids.o"
expect_error bad-btf "$A/kfuncs.o.*BTF" --btf "$A/kfuncs.o" "$A/kfuncs.o"
expect_error no-base "$W/none.vmlinux" -b "$W/none.vmlinux" "$A/mod.o"
# a split object read on a base it was not built on says so
expect_error wrong-base "does not fit the base .*sets.o.withbtf" -b "$A/sets.o.withbtf" "$A/mod.o.withsplit"

# the command line: a usage per verb, --version, a verb's own options only
cli_case()	# CASE RC PATTERN ARGS...: exit RC, PATTERN in stdout+stderr
{
	local c=$1 want=$2 pat=$3 d=$W/cli-$1 rc
	shift 3
	mkdir -p "$d"
	"$BTFIDS" "$@" > "$d/out" 2>&1
	rc=$?
	if [ $rc -ne "$want" ]; then
		h_fail "cli/$c" "exit $rc, want $want" "$d/out"
	elif ! grep -q -- "$pat" "$d/out"; then
		h_fail "cli/$c" "no '$pat' in its output" "$d/out"
	else
		h_pass "cli/$c" "$(head -n 1 "$d/out")"
	fi
}
cli_case version 0 "^btfids [0-9.]* (libbpf [0-9.]*; Linux releases 7.2, 7.3)$" --version
cli_case dump-help 0 "^Usage: btfids dump \[--json\]" dump --help
cli_case help-verify 0 "^Usage: btfids verify " help verify
cli_case help 0 "^Usage: btfids \[<options>\] <ELF object>" --help
cli_case verify-json 129 "btfids verify: unrecognized option '--json'" verify --json "$A/kfuncs.o"
cli_case help-unknown 129 "^Usage: btfids help" help bogus
# the manual page renders without warnings and covers every option
if command -v man > /dev/null; then
	man --warnings -l "$TOP/man/btfids.1" > "$W/man.txt" 2> "$W/man.err"
	why=$([ -s "$W/man.err" ] && head -c 300 "$W/man.err")
	for o in --verbose --btf --btf_base --distill_base --fatal_warnings --patch_btfids dump verify --json; do
		grep -q -- "$o" "$W/man.txt" || why="$why man page lacks $o;"
	done
	h_check man/btfids.1 "$why"
else
	h_skip man/btfids.1 "no man command (apt-get install man-db)"
fi
# pahole.1 of the patched pahole: the series documents its two options
P1=$BUILD/pahole/share/man/man1/pahole.1
if [ -f "$P1" ] && command -v man > /dev/null; then
	man --warnings -l "$P1" > "$W/pahole-man.txt" 2> "$W/pahole-man.err"
	why=$([ -s "$W/pahole-man.err" ] && head -c 300 "$W/pahole-man.err")
	for o in --btf_plugin= --resolve_btfids; do
		grep -q -- "$o" "$W/pahole-man.txt" || why="$why pahole.1 lacks $o;"
	done
	h_check man/pahole.1 "$why"
else
	h_skip man/pahole.1 "no patched pahole's man page at $P1 (make pahole)"
fi
rm -rf "$W/inst" && make -s -C "$TOP" install DESTDIR="$W/inst" PREFIX=/usr > /dev/null 2>&1
h_check install "$([ -f "$W/inst/usr/share/man/man1/btfids.1" ] || echo "make install put no btfids.1")"

"$BTFIDS" dump --json > /dev/null 2>&1
rc=$?
h_check errors/usage "$([ $rc -eq 129 ] || echo "exit $rc, want 129")"
h_end
