#!/usr/bin/env bash
# The kernel integration (scripts/kernel/*.patch) end to end: Linux 7.2's
# own scripts/gen-btf.sh in module mode, unpatched (pahole, then
# resolve_btfids) and patched (one pahole --resolve_btfids run), on the
# fixture modules of every architecture, with and without --distill_base.
# The modules it leaves behind (with .BTF, .BTF.base and patched .BTF_ids
# embedded) must be byte-identical.
#
# Needs PAHOLE_PATCHED, a pahole with dwarves-patches/ applied; skipped,
# with that reason, without it. --resolve_btfids is pointed at this
# build's plugin (build/btfids.so) by a shim, whatever the patched pahole's
# plugin directory holds.
set -u

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
KSRC=$BUILD/ksrc/linux-source-7.2
ORACLE=${ORACLE:-$BUILD/oracle/resolve_btfids}
W=$BUILD/tests/integration
passed=0 failed=0 skipped=0

if [ -z "${PAHOLE_PATCHED:-}" ]; then
	echo "skip integration/*: PAHOLE_PATCHED not set (a pahole with dwarves-patches/ applied, see dwarves-patches/README.md)"
	echo "integration: 0 passed, 0 failed, 1 skipped"
	exit 0
fi

rm -rf "$W" && mkdir -p "$W/orig/scripts" "$W/new" "$W/bin" && cd "$W" || exit 1
cp "$KSRC/scripts/gen-btf.sh" "$KSRC/scripts/Makefile.btf" orig/scripts/
cp -r orig/scripts new/
if ! (cd new && patch -s -p1 < "$(ls "$TOP"/scripts/kernel/*.patch)"); then
	echo "FAIL setup: the kernel patch does not apply to linux-source-7.2"
	echo "integration: 0 passed, 1 failed"
	exit 1
fi

# the shim: --resolve_btfids[=ARGS] -> --btf_plugin=build/btfids.so[:ARGS]
cat > bin/pahole <<SHIM
#!/bin/sh
for a in "\$@"; do
	shift
	case "\$a" in
	--resolve_btfids) set -- "\$@" --btf_plugin=$BUILD/btfids.so ;;
	--resolve_btfids=*) set -- "\$@" --btf_plugin=$BUILD/btfids.so:\${a#--resolve_btfids=} ;;
	*) set -- "\$@" "\$a" ;;
	esac
done
exec "$PAHOLE_PATCHED" "\$@"
SHIM
chmod +x bin/pahole

# resolve_btfids that records its calls: the one-run path may only patch
cat > bin/resolve_btfids <<SHIM
#!/bin/sh
echo "\$*" >> "\${CALLS:-/dev/null}"
exec "$ORACLE" "\$@"
SHIM
chmod +x bin/resolve_btfids

export PAHOLE=$W/bin/pahole OBJCOPY=objcopy RESOLVE_BTFIDS=$ORACLE
. "$TOP/tests/kernel-flags.sh"
export PAHOLE_FLAGS="-j2 --btf_features=$KERNEL_BTF_FEATURES"

detected=$("$PAHOLE" --resolve_btfids --version > /dev/null 2>&1 && echo y)
if [ "$detected" = y ]; then
	echo "ok detect"; passed=$((passed + 1))
else
	echo "FAIL detect: '$PAHOLE --resolve_btfids --version' failed"; failed=$((failed + 1))
fi

for arch in x86_64 i386 s390x; do
	T=$BUILD/tests/$arch
	[ -f "$T/base.vmlinux" ] || { echo "skip $arch: no fixtures (run tests/build-fixtures.sh)"; skipped=$((skipped + 1)); continue; }
	objcopy=objcopy
	[ "$arch" = s390x ] && objcopy=s390x-linux-gnu-objcopy
	for m in mod mod_basekf mod_noids; do
		for flags in "" "--distill_base"; do
			c="$arch/$m/$([ -n "$flags" ] && echo distill || echo split)"
			d=$W/$arch-$m${flags:+-distill}
			mkdir -p "$d/two" "$d/one"
			cp "$T/$m.o" "$T/base.vmlinux" "$d/two/"
			cp "$T/$m.o" "$T/base.vmlinux" "$d/one/"
			(cd "$d/two" && OBJCOPY=$objcopy RESOLVE_BTFIDS_FLAGS=$flags \
				sh "$W/orig/scripts/gen-btf.sh" --btf_base base.vmlinux "$m.o") \
				> "$d/two.log" 2>&1
			rc2=$?
			(cd "$d/one" && OBJCOPY=$objcopy RESOLVE_BTFIDS_FLAGS=$flags PAHOLE_RESOLVE_BTFIDS=y \
				RESOLVE_BTFIDS=$W/bin/resolve_btfids CALLS=$d/one.calls \
				sh "$W/new/scripts/gen-btf.sh" --btf_base base.vmlinux "$m.o") \
				> "$d/one.log" 2>&1
			rc1=$?
			if [ $rc1 -ne $rc2 ]; then
				echo "FAIL $c: exit $rc1 (one run) vs $rc2 (two steps)"; failed=$((failed + 1))
			elif ! cmp -s "$d/two/$m.o" "$d/one/$m.o"; then
				echo "FAIL $c: final modules differ ($(cmp "$d/two/$m.o" "$d/one/$m.o" | head -1))"
				failed=$((failed + 1))
			elif ! readelf -S "$d/one/$m.o" | grep -q ' \.BTF '; then
				echo "FAIL $c: no .BTF in the final module"; failed=$((failed + 1))
			elif [ -s "$d/one.calls" ] && grep -v -q -- '--patch_btfids' "$d/one.calls"; then
				echo "FAIL $c: the one-run path ran resolve_btfids: $(grep -v -- --patch_btfids "$d/one.calls")"
				failed=$((failed + 1))
			else
				echo "ok $c"; passed=$((passed + 1))
			fi
		done
	done
done

summary="integration: $passed passed, $failed failed"
[ $skipped -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ $failed -eq 0 ]
