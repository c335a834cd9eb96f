#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Random differential test: RANDOM_CASES (default 60) layouts from gen.py,
# seeds 1..N so any failure reproduces with its seed, each linked with
# kfuncs.c for x86-64 (every third seed also for big-endian s390x), BTF
# from pahole; btfids against the oracle: exit status, WARN lines and
# every output byte. Covers what hand-written fixtures do not: overlapping
# and nested sets, sets claiming more entries than they hold, kfuncs in
# several set8s with different flags, one name at many addresses.
set -u

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
BTFIDS=${BTFIDS:-$BUILD/btfids}
PAHOLE=${PAHOLE:-$BUILD/tools/pahole}
N=${RANDOM_CASES:-60}
. "$TOP/scripts/lib/kernel-flags.sh"
FEATURES=$KERNEL_BTF_FEATURES
# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"
# KERNEL=7.3: against 7.3's resolve_btfids (harness.sh)
ORACLE=${ORACLE:-$H_ORACLE}
W=$BUILD/tests/random-$H_KERNEL
h_begin random "$W"
die() { h_fail setup "$*"; h_end; exit 1; }

for tool in "$BTFIDS" "$ORACLE" "$PAHOLE"; do
	[ -x "$tool" ] || die "$tool missing"
done
cd "$W" || exit 1
gcc -g -O2 -c -o kf.x86_64.o "$TOP/tests/random/kfuncs.c" &&
s390x-linux-gnu-gcc -g -O2 -c -o kf.s390x.o "$TOP/tests/random/kfuncs.c" || die "kfuncs.c"

# one ARCH SEED: a case in W/ARCH-SEED; prints why it failed ("refused"
# for the one expected refusal), nothing if it passed
one()
{
	local arch=$1 seed=$2 d=$W/$1-$2 as=as ld=ld t
	[ "$arch" = s390x ] && as=s390x-linux-gnu-as ld=s390x-linux-gnu-ld
	mkdir -p "$d/oracle" "$d/btfids" && cd "$d" || return
	python3 "$TOP/tests/random/gen.py" "$seed" > layout.s &&
		$as -o layout.o layout.s && $ld -r -o x "$W/kf.$arch.o" layout.o 2> ld.err ||
		{ echo "cannot build: $(head -c 200 ld.err)"; return; }
	"$PAHOLE" -J --btf_features=$FEATURES --btf_encode_detached=x.BTF.1 x 2> pahole.err ||
		{ echo "pahole failed: $(head -c 200 pahole.err)"; return; }
	for t in oracle btfids; do
		cp x "$t/x"
	done
	h_run "$d/oracle" 120 "$ORACLE" --btf ../x.BTF.1 x
	h_run "$d/btfids" 120 "$BTFIDS" --btf ../x.BTF.1 x
	# overlapping sets can move a count so that resolve_btfids sorts past
	# the section (out of bounds, exit 0); btfids must refuse exactly then
	if [ "$(cat oracle.rc)" = 0 ] && [ "$(cat btfids.rc)" = 255 ] &&
	   grep -q 'runs past the end of .BTF_ids' btfids.err; then
		echo "refused"
		return
	fi
	h_compare "$d/oracle" "$d/btfids" --labels oracle btfids --input x --input-orig "$d/x"
}

for seed in $(seq 1 "$N"); do
	for arch in x86_64 s390x; do
		[ "$arch" = s390x ] && [ $((seed % 3)) -ne 0 ] && continue
		why=$(cd "$W" && one "$arch" "$seed")
		if [ "$why" = refused ]; then
			h_pass "$arch/seed-$seed" "refused: a set count runs past the section, the oracle reads out of bounds"
			rm -rf "$W/$arch-$seed" "$W/$arch-$seed".*
		else
			h_done "$arch/seed-$seed" "$W/$arch-$seed" "$why"
		fi
	done
done
h_end
