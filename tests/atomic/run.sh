#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Atomicity: kill the tool at every system call it makes (strace fault
# injection: the Nth call of each syscall gets SIGKILL), and check after
# each kill that every output path holds the complete old file or the
# complete new one, never a part, and that the input ELF never changed;
# for --patch_btfids, that the ELF is the complete old or new image.
#
# The harness is checked too: resolve_btfids writes its outputs in place,
# so the same kills must catch it leaving partial files; a harness that
# could not see a partial file would prove nothing.
set -u

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
BTFIDS=${BTFIDS:-$BUILD/btfids}
ORACLE=${ORACLE:-$BUILD/oracle/resolve_btfids}
FX=$BUILD/tests/x86_64
W=$BUILD/tests/atomic
OUTS="x.BTF x.BTF_ids x.BTF.base"
# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"
h_begin atomic "$W"

command -v strace > /dev/null || { h_fail setup "strace missing"; h_end; exit 1; }
[ -f "$FX/mod.o" ] || bash "$TOP/tests/build-fixtures.sh" > /dev/null 2>&1
cd "$W" || exit 1

# Old outputs: from another module, so old and new differ in every file.
# New outputs: an undisturbed run. ARGS for the run under test.
ARGS="--btf ../mod.BTF.1 --btf_base ../base.vmlinux --distill_base x"
cp "$FX/base.vmlinux" base.vmlinux
cp "$FX/mod.o.split.BTF.1" mod.BTF.1
cp "$FX/mod_basekf.o.split.BTF.1" old.BTF.1
prepare() # DIR TOOL: x, and the old outputs
{
	rm -rf "$1" && mkdir -p "$1" && cp "$FX/mod.o" "$1/x"
	(cd "$1" && cp "$FX/mod_basekf.o" y && "$2" --btf ../old.BTF.1 --btf_base ../base.vmlinux \
		--distill_base y > /dev/null 2>&1 && for f in $OUTS; do mv "y${f#x}" "$f"; done; rm -f y)
}

# calls_of FILE: "name count" lines of a strace -c summary
calls_of()
{
	awk '$NF ~ /^[a-z_0-9]+$/ && $NF != "total" && $4 ~ /^[0-9]+$/ { print $NF, $4 }' "$1"
}

# syscalls TOOL: "name count" for every syscall of an undisturbed run
syscalls()
{
	prepare probe "$1"
	(cd probe && strace -f -qq -c -o ../count.txt "$1" $ARGS > /dev/null 2>&1)
	calls_of count.txt
}

# verdict DIR NEWDIR OLDDIR: why DIR is not all-old-or-new, or nothing
verdict()
{
	local f
	[ -z "$(h_same "$FX/mod.o" "$1/x" x)" ] || { echo "input ELF changed"; return; }
	for f in $OUTS; do
		[ -e "$1/$f" ] || { echo "$f missing (old one lost)"; return; }
		h_either "$1/$f" "$3/$f" "$2/$f" ||
			{ echo "$f is neither old nor new ($(stat -c %s "$1/$f") bytes)"; return; }
	done
}

# kill_everywhere TOOL: kills at every syscall; prints the bad verdicts
kill_everywhere()
{
	local tool=$1 name count k why
	prepare new "$tool" && (cd new && "$tool" $ARGS > /dev/null 2>&1)
	prepare old "$tool"
	syscalls "$tool" | while read -r name count; do
		for k in $(seq 1 "$count"); do
			prepare run "$tool"
			(cd run && strace -f -qq -o /dev/null -e inject="$name":signal=KILL:when="$k" \
				"$tool" $ARGS > /dev/null 2>&1) 2> /dev/null
			why=$(verdict run new old)
			[ -n "$why" ] && echo "$name#$k: $why"
		done
	done
}

# the harness: resolve_btfids must be caught
bad=$(kill_everywhere "$ORACLE" | head -n 3)
if [ -n "$bad" ]; then
	h_pass harness "resolve_btfids, writing in place, is caught: $(echo "$bad" | head -n 1)"
else
	h_fail harness "no kill left resolve_btfids with a partial file; the test cannot see one"
fi

kills=$(syscalls "$BTFIDS" | awk '{ n += $2 } END { print n }')
bad=$(kill_everywhere "$BTFIDS")
h_check outputs "$(echo "$bad" | head -n 5 | paste -sd ';')" \
	"btfids killed at each of its $kills syscalls: every output old or new, input unchanged"

# --patch_btfids: the ELF is the old image or the new one
cp "$FX/mod.o" orig.o && mkdir -p pn && cp orig.o pn/x
(cd pn && "$BTFIDS" $ARGS > /dev/null 2>&1 && cp x.BTF_ids ../blob && "$BTFIDS" --patch_btfids x.BTF_ids x)
n=0 bad=""
if [ -z "$(h_same orig.o pn/x x)" ]; then
	bad="the patch changes nothing, the test would prove nothing"
else
	rm -rf pp && mkdir pp && cp orig.o pp/x
	(cd pp && strace -f -qq -c -o ../pcount.txt "$BTFIDS" --patch_btfids ../blob x > /dev/null 2>&1)
	while read -r name count; do
		for k in $(seq 1 "$count"); do
			n=$((n + 1))
			cp orig.o pp/x
			(cd pp && strace -f -qq -o /dev/null -e inject="$name":signal=KILL:when="$k" \
				"$BTFIDS" --patch_btfids ../blob x > /dev/null 2>&1) 2> /dev/null
			h_either pp/x orig.o pn/x || { bad="$name#$k: ELF is neither old nor new"; break 2; }
		done
	done < <(calls_of pcount.txt)
fi
h_check patch_btfids "$bad" "killed at each of its $n syscalls: the ELF is old or new"
h_end
