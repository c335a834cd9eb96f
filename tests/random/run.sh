#!/usr/bin/env bash
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
ORACLE=${ORACLE:-$BUILD/oracle/resolve_btfids}
PAHOLE=${PAHOLE:-$BUILD/tools/pahole}
N=${RANDOM_CASES:-60}
W=$BUILD/tests/random
. "$TOP/tests/kernel-flags.sh"
FEATURES=$KERNEL_BTF_FEATURES
passed=0 failed=0

for tool in "$BTFIDS" "$ORACLE" "$PAHOLE"; do
	[ -x "$tool" ] || { echo "FAIL setup: $tool missing"; echo "random: 0 passed, 1 failed"; exit 1; }
done
rm -rf "$W" && mkdir -p "$W" && cd "$W" || exit 1
gcc -g -O2 -c -o kf.x86_64.o "$TOP/tests/random/kfuncs.c" &&
s390x-linux-gnu-gcc -g -O2 -c -o kf.s390x.o "$TOP/tests/random/kfuncs.c" ||
	{ echo "FAIL setup: kfuncs.c"; echo "random: 0 passed, 1 failed"; exit 1; }

# one ARCH SEED: a case; prints why it failed, nothing if it passed
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
	(cd oracle && "$ORACLE" --btf ../x.BTF.1 x > /dev/null 2> ../oracle.err; echo $? > ../oracle.rc)
	(cd btfids && "$BTFIDS" --btf ../x.BTF.1 x > /dev/null 2> ../btfids.err; echo $? > ../btfids.rc)
	# overlapping sets can move a count so that resolve_btfids sorts past
	# the section (out of bounds, exit 0); btfids must refuse exactly then
	if [ "$(cat oracle.rc)" = 0 ] && [ "$(cat btfids.rc)" = 255 ] &&
	   grep -q 'runs past the end of .BTF_ids' btfids.err; then
		echo "refused"
		return
	fi
	[ "$(cat oracle.rc)" = "$(cat btfids.rc)" ] ||
		{ echo "exit $(cat btfids.rc), oracle $(cat oracle.rc): $(grep -v ^WARN btfids.err | head -c 200)"; return; }
	[ "$(grep '^WARN' oracle.err)" = "$(grep '^WARN' btfids.err)" ] || { echo "WARN lines differ"; return; }
	[ "$(ls oracle)" = "$(ls btfids)" ] || { echo "outputs [$(ls btfids | paste -sd' ')] vs [$(ls oracle | paste -sd' ')]"; return; }
	for t in $(ls oracle); do
		cmp -s "oracle/$t" "btfids/$t" || { echo "$t differs"; return; }
	done
	cd "$W" && rm -rf "$d"
}

for seed in $(seq 1 "$N"); do
	for arch in x86_64 s390x; do
		[ "$arch" = s390x ] && [ $((seed % 3)) -ne 0 ] && continue
		why=$(cd "$W" && one "$arch" "$seed")
		if [ -z "$why" ]; then
			echo "ok $arch/seed-$seed"; passed=$((passed + 1))
		elif [ "$why" = refused ]; then
			echo "ok $arch/seed-$seed (refused: a set count runs past the section, the oracle reads out of bounds)"
			passed=$((passed + 1))
		else
			echo "FAIL $arch/seed-$seed: $why (kept in $W/$arch-$seed)"; failed=$((failed + 1))
		fi
	done
done
echo "random: $passed passed, $failed failed"
[ $failed -eq 0 ]
