#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/release/run.sh - which Linux release the pass finishes. An object
# names its release (vmlinux: linux_banner, a module: .modinfo vermagic),
# or the user does (btfids --kernel, the plugin's kernel=, BTFIDS_KERNEL,
# in that order of precedence); a release the pass does not implement, or
# none at all, is refused with one line, a non-zero exit and no output.
# And the release matters: the same input finished as 7.2 and as 7.3 gives
# each release's own reference bytes, and different ones.
#
# Inputs: tests/errors/inputs/good.s (a .BTF_ids) joined with
# tests/release/inputs/version.c built per version, relocatable (.o) and
# linked (.so); the kfuncs73 fixture of tests/build-fixtures.sh.
set -u

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
BTFIDS=${BTFIDS:-$BUILD/btfids}
PAHOLE=${PAHOLE:-$BUILD/tools/pahole}
HERE=$TOP/tests/release
W=$BUILD/tests/release
# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"
# the objects speak for themselves here, unless a case says otherwise
unset BTFIDS_KERNEL
h_begin release "$W"

die() { h_fail setup "$*"; h_end; exit 1; }
[ -x "$BTFIDS" ] || die "no $BTFIDS"
P=${PAHOLE_PATCHED:-}
case $P in "" | /*) ;; *) P=$PWD/$P ;; esac
cd "$W" || exit 1

gcc -c -o good.o "$TOP/tests/errors/inputs/good.s" &&
	gcc -g -c "$TOP/tests/errors/inputs/types.c" -o types.o &&
	"$PAHOLE" -J --btf_encode_detached=types.BTF.1 types.o || die "cannot build the inputs"
B=(--btf types.BTF.1)

# obj NAME CFLAGS...: NAME.o (relocatable) and NAME.so (linked), each
# good.o's .BTF_ids with version.c built with CFLAGS
obj()
{
	local name=$1
	shift
	{ gcc -g -c -o "$name.v.o" "$HERE/inputs/version.c" "$@" &&
		ld -r -z noexecstack -o "$name.o" good.o "$name.v.o" &&
		gcc -shared -nostdlib -Wl,-z,noexecstack -o "$name.so" "$name.o"; } \
		>>build.log 2>&1 || die "cannot build $name: $(tail -n 3 build.log)"
}

# obj_noids NAME CFLAGS...: the same without good.o: no .BTF_ids, so the
# symbols are not read for placeholders and the banner is looked up alone
obj_noids()
{
	local name=$1
	shift
	{ gcc -g -c -o "$name.o" "$HERE/inputs/version.c" "$@" &&
		gcc -shared -nostdlib -Wl,-z,noexecstack -o "$name.so" "$name.o"; } \
		>>build.log 2>&1 || die "cannot build $name: $(tail -n 3 build.log)"
}

# run ENV... -- ARGS... ELF: btfids in the environment ENV
run()
{
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env "${envs[@]}" "$BTFIDS" "$@" >out.txt 2>err.txt </dev/null
}

# refused CASE PATTERN ENV... -- ARGS... ELF: exit 255, one line naming
# ELF and matching PATTERN, nothing written
refused()
{
	local c=$1 pattern=$2 elf=${*: -1} why=
	shift 2
	rm -f "$elf".BTF*
	run "$@"
	local rc=$?
	[ $rc = 255 ] || why="exit $rc, want 255"
	[ "$(grep -c '' err.txt)" = 1 ] || why="$why; $(grep -c '' err.txt) stderr lines"
	grep -q -- "$pattern" err.txt || why="$why; stderr lacks '$pattern'"
	grep -q -F -- "$(basename "$elf")" err.txt || why="$why; stderr does not name $elf"
	! ls "$elf".BTF* >/dev/null 2>&1 || why="$why; wrote $(ls "$elf".BTF*)"
	h_check "$c" "${why#; }" "" err.txt
}

# accepted CASE RELEASE ENV... -- ARGS... ELF: exit 0, outputs written,
# and -v says the run was for RELEASE
accepted()
{
	local c=$1 rel=$2 elf=${*: -1} why=
	shift 2
	rm -f "$elf".BTF*
	run "$@"
	local rc=$?
	[ $rc = 0 ] || why="exit $rc: $(head -c 200 err.txt)"
	[ -s "$elf.BTF" ] || why="$why; no $elf.BTF"
	if readelf -S "$elf" | grep -q '\.BTF_ids'; then
		[ -s "$elf.BTF_ids" ] || why="$why; no $elf.BTF_ids"
	fi
	grep -q "Linux $rel (" err.txt || why="$why; -v does not say Linux $rel"
	h_check "$c" "${why#; }"
}

obj none
obj banner71 -DBANNER='"7.1.0"'
obj banner72 -DBANNER='"7.2.13+deb14-cloud-amd64"'
obj banner73rc -DBANNER='"7.3.0-rc7"'
obj banner74 -DBANNER='"7.4.0-rc1"'
obj banner730 -DBANNER='"7.30.1"'
obj vermagic73 -DVERMAGIC='"7.3-cloud-amd64 SMP preempt mod_unload modversions "'
obj vermagic74 -DVERMAGIC='"7.4.0 SMP mod_unload "'
obj vermagic_bad -DVERMAGIC='"x.y SMP "'
obj both -DBANNER='"7.1.0"' -DVERMAGIC='"7.2.0 SMP "'
obj_noids noids73rc -DBANNER='"7.3.0-rc7"'
obj_noids noids74 -DBANNER='"7.4.0-rc1"'

for e in o so; do
	# from the object
	refused "$e/none" "no Linux release found .*name one (7.2, 7.3)" -- "${B[@]}" "none.$e"
	refused "$e/banner-7.1" "Linux 7.1 (its linux_banner) is not a release this pass implements (7.2, 7.3)" \
		-- "${B[@]}" "banner71.$e"
	refused "$e/banner-7.4-rc1" "Linux 7.4 (its linux_banner) is not" -- "${B[@]}" "banner74.$e"
	refused "$e/banner-7.30" "Linux 7.30 (its linux_banner) is not" -- "${B[@]}" "banner730.$e"
	accepted "$e/banner-7.2.13" 7.2 -- -v "${B[@]}" "banner72.$e"
	accepted "$e/banner-7.3-rc7" 7.3 -- -v "${B[@]}" "banner73rc.$e"
	accepted "$e/vermagic-7.3" 7.3 -- -v "${B[@]}" "vermagic73.$e"
	refused "$e/vermagic-7.4" "Linux 7.4 (its .modinfo vermagic) is not" -- "${B[@]}" "vermagic74.$e"
	refused "$e/vermagic-unreadable" "Linux x.y (its .modinfo vermagic) is not" \
		-- "${B[@]}" "vermagic_bad.$e"
	accepted "$e/vermagic-before-banner" 7.2 -- -v "${B[@]}" "both.$e"
	accepted "$e/no-ids-banner-7.3-rc7" 7.3 -- -v "${B[@]}" "noids73rc.$e"
	refused "$e/no-ids-banner-7.4-rc1" "Linux 7.4 (its linux_banner) is not" -- "${B[@]}" "noids74.$e"
done

# named by the user: --kernel, then BTFIDS_KERNEL, then the object
accepted named/option-over-object 7.3 -- -v --kernel=7.3 "${B[@]}" banner74.o
accepted named/option-rc 7.3 -- -v --kernel 7.3-rc7 "${B[@]}" none.o
refused named/option-7.4 "Linux 7.4 (named) is not a release this pass implements (7.2, 7.3)" \
	-- --kernel=7.4 "${B[@]}" banner72.o
refused named/option-7.1 "Linux 7.1 (named) is not" -- --kernel=7.1 "${B[@]}" banner72.o
refused named/option-major-only "Linux 7 (named) is not" -- --kernel=7 "${B[@]}" banner72.o
refused named/option-empty "Linux  (named) is not" -- --kernel= "${B[@]}" banner72.o
accepted named/env 7.3 BTFIDS_KERNEL=7.3 -- -v "${B[@]}" none.o
accepted named/env-over-object 7.2 BTFIDS_KERNEL=7.2 -- -v "${B[@]}" banner74.o
refused named/env-7.9 "Linux 7.9 (named) is not" BTFIDS_KERNEL=7.9 -- "${B[@]}" banner72.o
accepted named/option-over-env 7.2 BTFIDS_KERNEL=7.9 -- -v --kernel=7.2 "${B[@]}" none.o
accepted named/env-empty-is-unset 7.2 BTFIDS_KERNEL= -- -v "${B[@]}" banner72.o

# --patch_btfids needs no release (it only copies bytes)
rm -f none.o.BTF*
cp none.o patched.o && head -c 20 /dev/zero > blob
run -- --patch_btfids blob patched.o
h_check patch/no-release "$([ $? = 0 ] || echo "exit nonzero: $(cat err.txt)")"

# reference REL: the release's resolve_btfids linked as btfids is: the stock
# tree builds for the libbpf 1.8 build (which 7.3 needs), else the ones
# against our libbpf (7.2 only)
reference()
{
	case $BTFIDS in
	"$BUILD"/tree/*) echo "$BUILD/oracle${1/7.2/}-tree/resolve_btfids" | sed 's/oracle7.3/oracle73/' ;;
	*) echo "$BUILD/oracle${1/7.2/}/resolve_btfids" | sed 's/oracle7.3/oracle73/' ;;
	esac
}

# A libbpf 1.7 build (BTFIDS_17) refuses to finish 7.3 (its btf__dedup()
# is not the tree's), and says why; it still finishes 7.2
if [ -n "${BTFIDS_17:-}" ]; then
	BT=$BTFIDS
	BTFIDS=$BTFIDS_17
	refused libbpf-1.7/refuses-7.3 "Linux 7.3 needs libbpf >= 1.8, as its resolve_btfids has (this build has libbpf 1.7" \
		-- "${B[@]}" banner73rc.o
	refused libbpf-1.7/refuses-named-7.3 "Linux 7.3 needs libbpf >= 1.8" -- --kernel=7.3 "${B[@]}" none.o
	accepted libbpf-1.7/finishes-7.2 7.2 -- -v "${B[@]}" banner72.o
	BTFIDS=$BT
fi

# The release matters: kfuncs73 finished as 7.2 and as 7.3, by btfids and
# by each release's resolve_btfids.
KFX=$BUILD/tests/x86_64/kfuncs73.o
if [ -f "$KFX" ] && [ -x "$(reference 7.3)" ] && [ -x "$(reference 7.2)" ]; then
	for rel in 7.2 7.3; do
		mkdir -p "k$rel/btfids" "k$rel/oracle"
		cp "$KFX" "k$rel/btfids/x"
		cp "$KFX" "k$rel/oracle/x"
		o=$(reference "$rel")
		h_run "k$rel/btfids" 60 env BTFIDS_KERNEL=$rel "$BTFIDS" --btf "$KFX.BTF.1" x
		h_run "k$rel/oracle" 60 "$o" --btf "$KFX.BTF.1" x
		h_check "matters/$rel-equals-its-reference" \
			"$(h_compare "k$rel/oracle" "k$rel/btfids" --input x)"
	done
	h_equal k7.2/btfids/x.BTF k7.3/btfids/x.BTF
	h_check matters/7.2-and-7.3-differ "$([ $? = 0 ] && echo "the same BTF for both releases")"
else
	h_fail matters "no kfuncs73 fixture or oracles (run tests/differential/run.sh, scripts/bootstrap.sh)"
fi

# In pahole: the plugin's kernel= argument, and a refusal that fails pahole
# before it writes anything.
PLUGIN=${PLUGIN:-$BUILD/btfids.so}
if [ -n "$P" ] && [ -x "$P" ]; then
	. "$TOP/scripts/lib/kernel-flags.sh"
	plug()	# CASE ARGS ELF ENV...: pahole with the plugin on a copy of ELF, detached
	{
		local c=$1 args=$2 elf=$3
		shift 3
		rm -rf "p/$c" && mkdir -p "p/$c" && cp "$elf" "p/$c/x"
		(cd "p/$c" && env "$@" "$P" "${KERNEL_PAHOLE_FLAGS[@]}" \
			--btf_plugin="$PLUGIN${args:+:$args}" --btf_encode_detached=x.BTF x \
			>out.txt 2>err.txt)
	}
	# CASE PATTERN ARGS ELF: pahole fails, the plugin says why in one line
	# (pahole may add its own "Failed to encode BTF"), nothing written
	plug_refused()
	{
		local c=$1 pattern=$2 rc why=
		shift 2
		plug "$c" "$@"
		rc=$?
		[ $rc != 0 ] || why="pahole exit 0"
		[ "$(h_files "p/$c")" = "err.txt out.txt x" ] || why="$why; wrote [$(h_files "p/$c")]"
		[ "$(grep -c '^btfids:' "p/$c/err.txt")" = 1 ] && grep -q -- "$pattern" "p/$c/err.txt" ||
			why="$why; not one btfids line with '$pattern'"
		h_check "plugin/$c" "${why#; }" "" "p/$c/err.txt"
	}
	plug_refused kernel=7.4 "btfids: pahole: kernel=7.4: Linux 7.4 is not a release this plugin implements (7.2, 7.3)" \
		kernel=7.4 "$KFX"
	# the kernel patch's question (Makefile.btf), before any encoding
	for rel in 7.2 7.3-rc7 7.4 7.1; do
		"$P" --btf_plugin="$PLUGIN:kernel=$rel" --version >/dev/null 2>&1
		rc=$?
		case $rel in 7.2 | 7.3*) want=0 ;; *) want=1 ;; esac
		h_check "plugin/probe-$rel" "$([ $rc = $want ] || echo "exit $rc, want $want")"
	done
	plug_refused unknown-argument "unknown plugin argument 'bogus'" kernel=7.3,bogus "$KFX"
	plug_refused no-release "btfids: x: no Linux release found" "" "$KFX"
	plug_refused banner-7.4 "btfids: x: Linux 7.4 (its linux_banner) is not" "" banner74.so
	plug banner-7.3 "" banner73rc.so
	h_check plugin/banner-7.3 "$([ -s p/banner-7.3/x.BTF ] && [ -s p/banner-7.3/x.BTF_ids ] ||
		echo "no outputs: $(head -c 200 p/banner-7.3/err.txt)")"
	# REL's two steps with this pahole: p/two-REL/x.BTF and x.BTF_ids
	two_steps()
	{
		local d=p/two-$1
		rm -rf "$d" && mkdir -p "$d" && cp "$KFX" "$d/x"
		(cd "$d" && "$P" "${KERNEL_PAHOLE_FLAGS[@]}" --btf_encode_detached=x.BTF.1 x &&
			"$(reference "$1")" --btf x.BTF.1 x) >/dev/null 2>&1
	}
	two_steps 7.2
	two_steps 7.3
	plug arg-over-env kernel=7.3 "$KFX" BTFIDS_KERNEL=7.2
	h_check plugin/kernel=7.3-over-env "$(h_equal p/arg-over-env/x.BTF p/two-7.3/x.BTF &&
		h_equal p/arg-over-env/x.BTF_ids p/two-7.3/x.BTF_ids || echo "not 7.3's bytes")"
	plug env-7.2 "" "$KFX" BTFIDS_KERNEL=7.2
	h_check plugin/env-7.2 "$(h_equal p/env-7.2/x.BTF p/two-7.2/x.BTF || echo "not 7.2's bytes")"
else
	h_skip plugin "PAHOLE_PATCHED not set (a pahole with dwarves-patches/ applied)"
fi
h_end
