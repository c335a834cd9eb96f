#!/usr/bin/env bash
# `make example`: the single pahole run on the bundled example, and the
# kernel's two steps beside it.
#
# scripts/example/kfunc_demo.c is a tiny "module" with a .BTF_ids section
# (an ID list, a kfunc set with a KF_IMPLICIT_ARGS kfunc, a set); its BTF is
# split on demo_vmlinux.c's, as a module's is on vmlinux.  One run of the
# patched pahole (make pahole) writes the final BTF, the distilled base and
# the resolved .BTF_ids; Linux 7.2's pahole + resolve_btfids write the same
# bytes.  Without a patched pahole (no dwarves source: see DWARVES_SRC in
# the Makefile), it says so and shows the btfids command instead.
set -eu

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
PAHOLE=${PAHOLE:-$BUILD/pahole/pahole}
BTFIDS=${BTFIDS:-$BUILD/btfids}
ORACLE=${ORACLE:-$BUILD/oracle/resolve_btfids}
OUT=$BUILD/example
INFO="python3 $TOP/tests/btfinfo.py"
# shellcheck source=scripts/lib/kernel-flags.sh
. "$TOP/scripts/lib/kernel-flags.sh"
FEATURES=$KERNEL_BTF_FEATURES
# the example is built for Linux 7.2; its objects carry no version (a kernel's
# do: linux_banner, .modinfo), so it is named, as scripts/kernel's patch does
KREL=7.2
N=6

step() { printf 'example: [%s/%s] %s\n' "$1" "$N" "$2"; }
show() { ls -l "$@" | awk '{ printf "    %8d  %s\n", $5, $NF }'; }

single_run=y
if ! "$PAHOLE" --resolve_btfids --version >/dev/null 2>&1; then
	single_run=""
	PAHOLE=$BUILD/tools/pahole
	echo "example: no patched pahole at $PAHOLE (make pahole needs a dwarves source:"
	echo "example: DWARVES_SRC, default ../shared/dwarves); showing the btfids command instead"
fi

rm -rf "$OUT" && mkdir -p "$OUT/two"
cd "$OUT"

step 1 "compile the example: demo_vmlinux.c, and kfunc_demo.c as demo.ko (gcc -g -O2 -c)"
gcc -g -O2 -c -I "$TOP/scripts/example" -o vmlinux "$TOP/scripts/example/demo_vmlinux.c"
gcc -g -O2 -c -I "$TOP/tests/include" -I "$TOP/scripts/example" -o demo.ko \
	"$TOP/scripts/example/kfunc_demo.c"
cp vmlinux demo.ko two/

step 2 "the base: its BTF, finished (sorted) as a kernel build does for vmlinux"
if [ -n "$single_run" ]; then
	"$PAHOLE" -J --btf_features="$FEATURES" --btf_encode_detached=vmlinux.BTF \
		--resolve_btfids=kernel=$KREL vmlinux
else
	"$PAHOLE" -J --btf_features="$FEATURES" --btf_encode_detached=vmlinux.BTF.1 vmlinux
	"$BTFIDS" --kernel=$KREL --btf vmlinux.BTF.1 vmlinux
fi
show vmlinux.BTF

if [ -n "$single_run" ]; then
	step 3 "the single run: pahole -J --btf_base vmlinux.BTF --btf_encode_detached=demo.ko.BTF --resolve_btfids=kernel=$KREL demo.ko"
	"$PAHOLE" -J --btf_features="$FEATURES,distilled_base" --btf_base vmlinux.BTF \
		--btf_encode_detached=demo.ko.BTF --resolve_btfids=kernel=$KREL demo.ko
else
	step 3 "the pass as a command: pahole -J ... demo.ko, then btfids --kernel=$KREL --btf demo.ko.BTF.1 --btf_base vmlinux.BTF --distill_base demo.ko"
	"$PAHOLE" -J --btf_features="$FEATURES" --btf_base vmlinux.BTF \
		--btf_encode_detached=demo.ko.BTF.1 demo.ko
	"$BTFIDS" --kernel=$KREL --btf demo.ko.BTF.1 --btf_base vmlinux.BTF --distill_base demo.ko
	rm -f demo.ko.BTF.1
fi
echo "    its three outputs:"
show demo.ko.BTF demo.ko.BTF.base demo.ko.BTF_ids

step 4 "the kernel's two steps on the same input: pahole, then Linux 7.2's resolve_btfids"
(cd two && "$PAHOLE" -J --btf_features="$FEATURES" --btf_base ../vmlinux.BTF \
	--btf_encode_detached=demo.ko.BTF.1 demo.ko &&
	"$ORACLE" --btf demo.ko.BTF.1 --btf_base ../vmlinux.BTF --distill_base demo.ko)
show two/demo.ko.BTF.1 two/demo.ko.BTF two/demo.ko.BTF.base two/demo.ko.BTF_ids

step 5 "what the pass changed"
echo "    kfuncs in pahole's BTF (two/demo.ko.BTF.1):"
$INFO funcs two/demo.ko.BTF.1 --base vmlinux.BTF | grep demo_ | sed 's/^/      /'
echo "    kfuncs in the final BTF (demo.ko.BTF, on its distilled base; sorted by name):"
$INFO funcs demo.ko.BTF --base demo.ko.BTF.base | grep demo_ | sed 's/^/      /'
echo "    .BTF_ids resolved (btfids dump of a copy of demo.ko patched with demo.ko.BTF_ids):"
cp demo.ko demo.patched.ko && "$BTFIDS" --patch_btfids demo.ko.BTF_ids demo.patched.ko &&
	"$BTFIDS" dump --btf demo.ko.BTF -b demo.ko.BTF.base demo.patched.ko | sed 's/^/      /'
rm -f demo.patched.ko

step 6 "the same bytes?"
same=0
for f in demo.ko.BTF demo.ko.BTF.base demo.ko.BTF_ids; do
	if cmp -s "$f" "two/$f"; then
		echo "    $f: byte-identical to the two-step's"
		same=$((same + 1))
	else
		echo "    $f: DIFFERS from the two-step's: $(cmp "$f" "two/$f" 2>&1)"
	fi
done
cmp -s demo.ko two/demo.ko && echo "    demo.ko: unchanged by either"
[ "$same" = 3 ]
