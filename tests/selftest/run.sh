#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/selftest/run.sh - a test suite nobody here wrote: the kernel's own
# selftest for resolve_btfids, tools/testing/selftests/bpf/prog_tests/
# resolve_btfids.c with its BPF object progs/btf_data.c, from the tree of
# the release under test (KERNEL=7.2 or 7.3, build/ksrc/linux-source-*;
# 7.3's also checks the set8 kfunc sets, the bpf_kfunc and bpf_fastcall
# decl tags and the address_space(1) arena tags). The sources are compiled
# as they are, as tools/testing/selftests/bpf/Makefile compiles them:
#   btf_data.bpf.o          clang --target=bpfel -g -O2 -mcpu=v3 (BPF_CFLAGS)
#   resolve_btfids.test.o   gcc for the host (the Makefile's CFLAGS)
#   $(RESOLVE_BTFIDS) --btf btf_data.bpf.o resolve_btfids.test.o
#   $(RESOLVE_BTFIDS) --patch_btfids resolve_btfids.test.o.BTF_ids resolve_btfids.test.o
# and linked with runner.c and our test_progs.h (the least of test_progs
# that runs the test's checks unchanged) and libbpf into a program that
# reads resolve_btfids.test.o.BTF and checks the object's own .BTF_ids.
#
# Cases, for the release under test:
#   reference/resolve    the release's resolve_btfids (H_ORACLE) does the
#                        two steps: exit 0, .BTF and .BTF_ids written
#   reference/selftest   the selftest passes on its result; if it cannot,
#                        the fixture is wrong, and this case says so
#   btfids/resolve       build/btfids (BTFIDS_KERNEL: the objects name no
#                        release) as RESOLVE_BTFIDS: exit status, WARN lines
#                        and .BTF, .BTF_ids bytes the reference's, input
#                        untouched
#   btfids/patch         its --patch_btfids leaves the reference's bytes
#   btfids/selftest      the selftest passes
#   plugin/single-run    pahole has no BTF of btf_data.bpf.o to take (it
#                        encodes DWARF), so btf_data.c is compiled for the
#                        host with gcc -g and joined to resolve_btfids.test.o
#                        (ld -r): its DWARF holds the types and kfuncs, its
#                        .BTF_ids the placeholders. PAHOLE_PATCHED with the
#                        release's flags (scripts/lib/kernel-flags.sh) and
#                        --btf_plugin=btfids.so:kernel=RELEASE
#                        --btf_encode_detached=resolve_btfids.test.o.BTF
#                        against the same pahole without the plugin and
#                        the reference --btf on its BTF: exit status, WARN
#                        lines, .BTF and .BTF_ids bytes; input untouched.
#                        (This BTF also holds the test's own types, so its
#                        IDs are not clang's: the selftest checks that the
#                        object's IDs agree with its BTF, not fixed IDs.)
#   plugin/selftest      the selftest passes on the single run's files
#                        (.BTF_ids patched in by the reference)
#   control/unresolved   the selftest fails on the object left unpatched
#                        (so it can tell)
#   control/7.2-on-7.3   (7.3 only) it fails when Linux 7.2's
#                        resolve_btfids finishes 7.3's test (no decl or
#                        arena tags), so the 7.3 checks bite (7.2's test
#                        passes with either release's resolve_btfids, so
#                        it has no such control)
# Without PAHOLE_PATCHED (run-all.sh sets it to build/pahole/pahole) the
# plugin cases are skipped, saying so.
#
# A case fails, never skips, when a step cannot be done (a compiler, the
# reference or pahole failing included), with the step and its output.
# Scratch: build/tests/selftest-RELEASE, one directory per route, kept.
#
# Environment: KERNEL, BUILD, BTFIDS, PLUGIN, PAHOLE_PATCHED, KSRC (the
# release's source tree), CC, CLANG.
set -u

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
BTFIDS=${BTFIDS:-$BUILD/btfids}
PLUGIN=${PLUGIN:-$BUILD/btfids.so}
CC=${CC:-gcc}
CLANG=${CLANG:-clang}
HERE=$TOP/tests/selftest
# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"
# shellcheck source=scripts/lib/kernel-flags.sh
. "$TOP/scripts/lib/kernel-flags.sh"
KSRC=${KSRC:-$BUILD/ksrc/linux-source-$H_KERNEL}
SELFTESTS=$KSRC/tools/testing/selftests/bpf
W=$BUILD/tests/selftest-$H_KERNEL
T=resolve_btfids.test.o
P=${PAHOLE_PATCHED:-}
case $P in "" | /*) ;; *) P=$PWD/$P ;; esac
h_begin selftest "$W"

die() { h_fail setup "$1" "${2:-}"; h_end; exit 1; }
[ -x "$BTFIDS" ] || die "no $BTFIDS (make)"
[ -x "$H_ORACLE" ] || die "no reference $H_ORACLE (scripts/bootstrap.sh)"
for f in prog_tests/resolve_btfids.c progs/btf_data.c; do
	[ -f "$SELFTESTS/$f" ] || die "no $SELFTESTS/$f"
done
mk() { sed -n "s/^$1 := //p" "$BUILD/config.mk"; }
LIBBPF_CFLAGS=$(mk LIBBPF_CFLAGS)
LIBBPF_LIBS=$(mk LIBBPF_LIBS)
[ -n "$LIBBPF_LIBS" ] || die "no LIBBPF_LIBS in $BUILD/config.mk"
cd "$W" || exit 1

# The Makefile's flags: BPF_CFLAGS and CLANG_BPF_BUILD_RULE for the BPF
# object, CFLAGS (COMMON_CFLAGS, OPT_FLAGS -O0) for the test; our
# test_progs.h first, libbpf's installed headers where INCLUDE_DIR is.
BPF_CFLAGS=(-g -Wall -Werror -D__TARGET_ARCH_x86 -mlittle-endian -std=gnu11
	    -fno-strict-aliasing -Wno-microsoft-anon-tag -fms-extensions
	    -Wno-compare-distinct-pointer-types -Wno-initializer-overrides)
# shellcheck disable=SC2206
CFLAGS=(-g -O0 -rdynamic -std=gnu11 -Wall -Werror -fno-omit-frame-pointer
	-Wno-unused-but-set-variable -I"$HERE" $LIBBPF_CFLAGS
	-I"$KSRC/tools/include" -I"$KSRC/tools/arch/x86/include"
	-I"$KSRC/tools/include/uapi")
{
	"$CLANG" "${BPF_CFLAGS[@]}" -O2 --target=bpfel -c "$SELFTESTS/progs/btf_data.c" \
		-mcpu=v3 -o btf_data.bpf.o &&
		"$CC" "${CFLAGS[@]}" -c "$SELFTESTS/prog_tests/resolve_btfids.c" -o "$T" &&
		"$CC" "${CFLAGS[@]}" -c "$HERE/runner.c" -o runner.o
} >build.log 2>&1 || die "cannot build the kernel's selftest as its Makefile does" build.log

# fresh DIR: DIR holding a copy of the unresolved test object
fresh() { rm -rf "$1" && mkdir -p "$1" && cp "$W/$T" "$1/"; }

# selftest DIR: link DIR's test object into DIR/test and run it there;
# DIR/selftest.out its output, DIR/selftest.rc its exit status
selftest()
{
	local d=$1 rc=0
	# shellcheck disable=SC2086
	"$CC" -rdynamic -o "$d/test" "$d/$T" "$W/runner.o" $LIBBPF_LIBS \
		>"$d/selftest.out" 2>&1 || {
		echo link >"$d/selftest.rc"
		cp "$d/selftest.out" "$d/selftest.out.fails"
		return
	}
	(cd "$d" && exec timeout 60 ./test) >"$d/selftest.out" 2>&1 || rc=$?
	echo $rc >"$d/selftest.rc"
	{ grep ':FAIL:' "$d/selftest.out" || tail -n 5 "$d/selftest.out"; } >"$d/selftest.out.fails"
}

# selftest_passes CASE DIR: the selftest on DIR passes
selftest_passes()
{
	local c=$1 d=$2 rc why="" note
	selftest "$d"
	rc=$(cat "$d/selftest.rc")
	note=$(grep -o '^#1 resolve_btfids:.*' "$d/selftest.out")
	case $rc in
	0) grep -q '^#1 resolve_btfids:OK' "$d/selftest.out" || why="exit 0 without an OK line" ;;
	link) why="cannot link the selftest" ;;
	*) why="the selftest fails (exit $rc): ${note:-no result line}" ;;
	esac
	if [ -z "$why" ] && grep -q ':FAIL:' "$d/selftest.out"; then
		why="a check failed but the test passed"
	fi
	h_check "$c" "$why" "${note#\#1 }" "$d/selftest.out.fails"
}

# selftest_fails CASE DIR: the selftest on DIR fails as a test (exit 1,
# with failed checks): it can tell a wrong result
selftest_fails()
{
	local c=$1 d=$2 rc why="" n
	selftest "$d"
	rc=$(cat "$d/selftest.rc")
	n=$(grep -c ':FAIL:' "$d/selftest.out")
	case $rc in
	1) [ "$n" -gt 0 ] || why="exit 1 without a failed check" ;;
	0) why="the selftest passed: it cannot tell" ;;
	*) why="exit $rc, want a failing test (1)" ;;
	esac
	h_check "$c" "$why" "failed checks: $n" "$d/selftest.out.fails"
}

# resolve DIR TOOL ENV...: the Makefile's first step in DIR (h_run)
resolve()
{
	local d=$1 tool=$2
	shift 2
	h_run "$d" 60 env "$@" "$tool" --btf "$W/btf_data.bpf.o" "$T"
}

# patch_step DIR TOOL BTF_IDS: the second step; why it failed, if it did
patch_step()
{
	(cd "$1" && exec timeout 60 "$2" --patch_btfids "$3" "$T") >"$1.patch" 2>&1 ||
		echo "--patch_btfids: exit $?: $(head -c 200 "$1.patch")"
}

# 1. and 2. the reference and btfids, the first step compared before the
# second changes the object
fresh ref
fresh btfids
resolve ref "$H_ORACLE"
resolve btfids "$BTFIDS" BTFIDS_KERNEL="$H_KERNEL"
H_DETAIL=$W/btfids.why
: >"$H_DETAIL"
same=$(h_compare ref btfids --input "$T" --input-orig "$W/$T" --labels reference btfids)

why=$([ "$(cat ref.rc)" = 0 ] || echo "--btf: exit $(cat ref.rc): $(head -c 200 ref.err)")
for f in "$T.BTF" "$T.BTF_ids"; do
	[ -s "ref/$f" ] || why="$why"$'\n'"no $f"
done
[ -n "$why" ] || why=$(patch_step ref "$H_ORACLE" "$T.BTF_ids")
h_check reference/resolve "$(h_join "$why")" "" ref.err
selftest_passes reference/selftest ref

h_check btfids/resolve "$(h_join "$same")" "" "$H_DETAIL"
why=$(patch_step btfids "$BTFIDS" "$T.BTF_ids")
[ -n "$why" ] || h_equal "ref/$T" "btfids/$T" ||
	why="the patched $T differs from the reference's: $(cmp "ref/$T" "btfids/$T" 2>&1 | sed 's/.*differ: //')"
h_check btfids/patch "$why" "" btfids.patch
selftest_passes btfids/selftest btfids
unset H_DETAIL

# 3. the single pahole run
if [ -z "$P" ]; then
	h_skip plugin "PAHOLE_PATCHED not set (a pahole with dwarves-patches/ applied; run-all.sh uses build/pahole/pahole)"
elif [ ! -x "$P" ] || [ ! -f "$PLUGIN" ]; then
	h_fail plugin "PAHOLE_PATCHED=$P is not executable or there is no $PLUGIN"
elif ! { "$CC" -g -std=gnu11 -Wall -Werror -c "$SELFTESTS/progs/btf_data.c" -o btf_data.host.o &&
	 ld -r -o combined.o "$T" btf_data.host.o; } >host.log 2>&1; then
	h_fail plugin "cannot build btf_data.c for the host and join it to $T" host.log
else
	PF=("${KERNEL_PAHOLE_FLAGS[@]}")
	rm -rf single two && mkdir single two && cp combined.o single/ && cp combined.o two/
	h_run single 120 "$P" "${PF[@]}" --btf_plugin="$PLUGIN:kernel=$H_KERNEL" \
		--btf_encode_detached="$T.BTF" combined.o
	h_run two 120 "$P" "${PF[@]}" --btf_encode_detached=combined.o.BTF.1 combined.o
	why=$([ "$(cat two.rc)" = 0 ] || echo "pahole without the plugin: exit $(cat two.rc)")
	[ -n "$why" ] || h_run two 60 "$H_ORACLE" --btf combined.o.BTF.1 combined.o
	H_DETAIL=$W/single.why
	: >"$H_DETAIL"
	if [ -z "$why" ]; then
		[ "$(cat single.rc)" = "$(cat two.rc)" ] ||
			why="exit status $(cat single.rc), want $(cat two.rc) (the two steps')"
		[ "$(h_warns single.err)" = "$(h_warns two.err)" ] ||
			why="$why"$'\n'"WARN lines differ from the two steps'"
		[ "$(h_files single)" = "combined.o $T.BTF $T.BTF_ids" ] ||
			why="$why"$'\n'"wrote [$(h_files single)], want [$T.BTF $T.BTF_ids]"
		h_equal single/combined.o combined.o || why="$why"$'\n'"modified its input"
		for f in BTF BTF_ids; do
			[ -f "single/$T.$f" ] && [ -f "two/combined.o.$f" ] &&
				why="$why"$'\n'"$(h_same "two/combined.o.$f" "single/$T.$f" "$T.$f")"
		done
	fi
	h_check plugin/single-run "$(h_join "$why")" "" "$H_DETAIL"
	unset H_DETAIL
	fresh plugin
	if [ -s "single/$T.BTF" ] && [ -s "single/$T.BTF_ids" ]; then
		cp "single/$T.BTF" plugin/
		why=$(patch_step plugin "$H_ORACLE" "$W/single/$T.BTF_ids")
		if [ -n "$why" ]; then
			h_fail plugin/selftest "$why"
		else
			selftest_passes plugin/selftest plugin
		fi
	else
		h_fail plugin/selftest "the single run wrote no $T.BTF and $T.BTF_ids" single.err
	fi
fi

# Controls: the selftest can fail
fresh unresolved
[ ! -f "ref/$T.BTF" ] || cp "ref/$T.BTF" unresolved/
selftest_fails control/unresolved unresolved
if [ "$H_KERNEL" = 7.3 ]; then
	fresh other
	resolve other "$BUILD/oracle/resolve_btfids"
	why=$(patch_step other "$BUILD/oracle/resolve_btfids" "$T.BTF_ids")
	if [ "$(cat other.rc)" != 0 ] || [ -n "$why" ]; then
		h_fail control/7.2-on-7.3 "Linux 7.2's resolve_btfids failed: exit $(cat other.rc) $why" other.err
	else
		selftest_fails control/7.2-on-7.3 other
	fi
fi
h_end
