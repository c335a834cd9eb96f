#!/usr/bin/env bash
# `make example`: the finishing pass on the bundled example, step by step.
# Builds scripts/example/kfunc_demo.c into an object with a .BTF_ids
# section, encodes its BTF with pahole, finishes it with btfids, shows what
# changed, and checks the result against Linux 7.2's resolve_btfids.
set -eu

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
PAHOLE=${PAHOLE:-$BUILD/tools/pahole}
BTFIDS=${BTFIDS:-$BUILD/btfids}
ORACLE=${ORACLE:-$BUILD/oracle/resolve_btfids}
OUT=$BUILD/example
INFO="python3 $TOP/tests/btfinfo.py"
FEATURES=encode_force,var,float,enum64,decl_tag,type_tag,optimized_func,consistent_func,decl_tag_kfuncs,attributes

step() { printf 'example: [%s/5] %s\n' "$1" "$2"; }

rm -rf "$OUT" && mkdir -p "$OUT/oracle"
cd "$OUT"

step 1 "compile kfunc_demo.c (gcc -g -O2 -c)"
gcc -g -O2 -c -I "$TOP/tests/include" -o demo.o "$TOP/scripts/example/kfunc_demo.c"

step 2 "encode BTF: pahole -J --btf_encode_detached=demo.o.BTF.1"
"$PAHOLE" -J --btf_features=$FEATURES --btf_encode_detached=demo.o.BTF.1 demo.o

step 3 "finish it: btfids --btf demo.o.BTF.1 demo.o"
"$BTFIDS" --btf demo.o.BTF.1 demo.o
ls -l demo.o.BTF demo.o.BTF_ids | sed 's/^/    /'

step 4 "what changed"
echo "    kfuncs before (pahole's BTF):"
$INFO funcs demo.o.BTF.1 | grep demo_ | sed 's/^/      /'
echo "    kfuncs after (demo.o.BTF, sorted by name):"
$INFO funcs demo.o.BTF | grep demo_ | sed 's/^/      /'
echo "    .BTF_ids resolved (demo.o.BTF_ids):"
$INFO words demo.o demo.o.BTF_ids | sed 's/^/      /'

step 5 "compare with Linux 7.2 resolve_btfids on the same input"
cp demo.o demo.o.BTF.1 oracle/
(cd oracle && "$ORACLE" --btf demo.o.BTF.1 demo.o)
for f in demo.o.BTF demo.o.BTF_ids; do
	cmp "$f" "oracle/$f" && echo "    $f: byte-identical"
done
