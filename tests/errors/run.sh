#!/usr/bin/env bash
# The malformed-input catalogue: each case is an input that must give one
# clear error line naming the file and the problem, exit status 255 (129 for
# usage), and no output file (nor a leftover temporary) beside the ELF.
# Inputs are assembled here from small .s snippets, or are valid objects
# damaged on purpose.
set -u

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
BTFIDS=${BTFIDS:-$BUILD/btfids}
PAHOLE=${PAHOLE:-$BUILD/tools/pahole}
W=$BUILD/tests/errors

passed=0 failed=0

fail() { echo "FAIL $case: $*"; failed=$((failed + 1)); }

[ -x "$BTFIDS" ] || { echo "FAIL setup: no $BTFIDS"; echo "0 passed, 1 failed"; exit 1; }
[ -x "$PAHOLE" ] || { echo "FAIL setup: no pahole at $PAHOLE"; echo "0 passed, 1 failed"; exit 1; }
rm -rf "$W" && mkdir -p "$W" && cd "$W" || exit 1

# Valid input BTF for all cases: a struct, a function.
cat > types.c <<'EOF'
struct foo { int a; };
int func(struct foo *f) { return f->a; }
EOF
gcc -g -c types.c -o types.o && "$PAHOLE" -J --btf_encode_detached=types.BTF.1 types.o ||
	{ echo "FAIL setup: types.BTF.1"; echo "0 passed, 1 failed"; exit 1; }

# asm NAME: assemble standard input into NAME.o
asm() { gcc -c -x assembler -o "$1.o" - ; }

# A well-formed object: an id list and a set8.
asm good <<'EOF'
	.pushsection .BTF_ids,"a"
__BTF_ID__struct__foo__1:	.zero 4
__BTF_ID__set8__s:		.zero 4
				.long 1
__BTF_ID__func__func__2:	.zero 4
				.long 0
	.size __BTF_ID__set8__s, 16
	.popsection
EOF

# expect CASE STATUS PATTERN ELF [ARGS...]: run btfids ARGS... on ELF.
# The one stderr line must contain PATTERN and, unless STATUS is 129, ELF's
# name or the name of the culprit passed in $CULPRIT.
expect()
{
	local want=$1 pattern=$2 elf=$3 status err lines dir base
	shift 3
	"$BTFIDS" "$@" "$elf" > out.txt 2> err.txt < /dev/null
	status=$?
	err=$(cat err.txt)
	lines=$(grep -c '' err.txt)
	dir=$(dirname "$elf")
	base=$(basename "$elf")
	if [ "$status" -ne "$want" ]; then
		fail "exit $status, want $want; stderr: $err"
	elif [ "$want" -ne 129 ] && [ "$lines" -ne 1 ]; then
		fail "$lines stderr lines, want 1: $err"
	elif ! grep -q -- "$pattern" err.txt; then
		fail "stderr lacks '$pattern': $err"
	elif [ "$want" -ne 129 ] && ! grep -q -F -- "${CULPRIT:-$base}" err.txt; then
		fail "stderr does not name ${CULPRIT:-$base}: $err"
	elif ls "$dir/$base".BTF* "$dir/$base".*tmp* > /dev/null 2>&1; then
		fail "output left behind: $(ls "$dir/$base".BTF* "$dir/$base".*tmp* 2>/dev/null)"
	else
		echo "ok $case"
		passed=$((passed + 1))
	fi
	CULPRIT=
}

# patch_shdr ELF SECTION FIELD VALUE: overwrite a section header field of a
# 64-bit LE ELF. VALUE may be "@NAME": the index of section NAME, or for
# sh_name the name offset of section NAME (a second section of that name).
patch_shdr()
{
	python3 "$TOP/tests/errors/elfpatch.py" shdr "$@"
}

# patch_sym ELF SYMBOL FIELD VALUE: overwrite a symbol's st_name or
# st_shndx ("@NAME": the index of section NAME).
patch_sym()
{
	python3 "$TOP/tests/errors/elfpatch.py" sym "$@"
}

# patch_ehdr ELF FIELD VALUE: overwrite an ELF header field (e_shstrndx).
patch_ehdr()
{
	python3 "$TOP/tests/errors/elfpatch.py" ehdr "$@"
}

CULPRIT=

case=sanity
"$BTFIDS" --btf types.BTF.1 good.o 2> err.txt && [ -s good.o.BTF ] && [ -s good.o.BTF_ids ] &&
	! [ -s err.txt ] && { echo "ok $case"; passed=$((passed + 1)); } || fail "good input failed: $(cat err.txt)"
rm -f good.o.BTF*

case=missing-elf;	expect 255 "cannot open" "$W/nothere.o" --btf types.BTF.1
case=directory;		mkdir -p dir.o; expect 255 "not a regular file" "$W/dir.o" --btf types.BTF.1
case=fifo;		mkfifo fifo.o; expect 255 "not a regular file" "$W/fifo.o" --btf types.BTF.1
case=not-elf;		echo "hello" > text.o; expect 255 "not an ELF file" "$W/text.o" --btf types.BTF.1
case=truncated-elf;	head -c 200 good.o > trunc.o; expect 255 "trunc.o" "$W/trunc.o" --btf types.BTF.1

case=section-past-end
cp good.o past.o && patch_shdr past.o .BTF_ids sh_offset 0x100000
expect 255 "past the end of the file" "$W/past.o" --btf types.BTF.1

case=size-not-multiple-of-4
asm odd <<'EOF'
	.pushsection .BTF_ids,"a"
__BTF_ID__func__func__1:	.zero 4
				.byte 0, 0
	.popsection
EOF
expect 255 "not a multiple of 4" "$W/odd.o" --btf types.BTF.1

case=symbol-outside-section
asm outside <<'EOF'
	.pushsection .BTF_ids,"a"
start:	.zero 8
	.popsection
	.set __BTF_ID__func__func__1, start + 64
EOF
expect 255 "lies outside .BTF_ids" "$W/outside.o" --btf types.BTF.1

case=symbol-straddles-end
asm straddle <<'EOF'
	.pushsection .BTF_ids,"a"
start:	.zero 8
	.popsection
	.set __BTF_ID__func__func__1, start + 6
EOF
expect 255 "lies outside .BTF_ids" "$W/straddle.o" --btf types.BTF.1

case=symbol-misaligned
asm misaligned <<'EOF'
	.pushsection .BTF_ids,"a"
start:	.zero 12
	.popsection
	.set __BTF_ID__func__func__1, start + 2
EOF
expect 255 "not 4-byte aligned" "$W/misaligned.o" --btf types.BTF.1

case=set-size-past-section
asm setbig <<'EOF'
	.pushsection .BTF_ids,"a"
__BTF_ID__set__s:		.zero 4
__BTF_ID__func__func__1:	.zero 4
	.size __BTF_ID__set__s, 40
	.popsection
EOF
expect 255 "run past the end of .BTF_ids" "$W/setbig.o" --btf types.BTF.1

case=set8-odd-word-count
asm set8odd <<'EOF'
	.pushsection .BTF_ids,"a"
__BTF_ID__set8__s:		.zero 4
				.long 0
__BTF_ID__func__func__1:	.zero 4
				.long 0
				.zero 4
	.size __BTF_ID__set8__s, 20
	.popsection
EOF
expect 255 "not a header plus whole 8-byte entries" "$W/set8odd.o" --btf types.BTF.1

case=set-without-size
asm setnosize <<'EOF'
	.pushsection .BTF_ids,"a"
__BTF_ID__set__s:		.zero 4
	.popsection
EOF
expect 255 "size 0 is not a header" "$W/setnosize.o" --btf types.BTF.1

case=name-without-suffix
asm nosuffix <<'EOF'
	.pushsection .BTF_ids,"a"
__BTF_ID__func__func:	.zero 4
	.popsection
EOF
expect 255 "lacks the __<n> suffix" "$W/nosuffix.o" --btf types.BTF.1

case=name-too-long
long=$(printf 'x%.0s' $(seq 600))
printf '\t.pushsection .BTF_ids,"a"\n__BTF_ID__func__%s__1:\t.zero 4\n\t.popsection\n' "$long" | asm longname
expect 255 "malformed name (length" "$W/longname.o" --btf types.BTF.1

case=unsupported-kind
asm badkind <<'EOF'
	.pushsection .BTF_ids,"a"
__BTF_ID__enum__e__1:	.zero 4
	.popsection
EOF
expect 255 "unsupported placeholder kind" "$W/badkind.o" --btf types.BTF.1

case=set-without-name
asm setnoname <<'EOF'
	.pushsection .BTF_ids,"a"
__BTF_ID__set__:	.zero 4
	.size __BTF_ID__set__, 4
	.popsection
EOF
expect 255 "set without a name" "$W/setnoname.o" --btf types.BTF.1

case=two-sets-one-name
asm twosets <<'EOF'
	.pushsection .BTF_ids,"a"
__BTF_ID__set__s:	.zero 4
	.size __BTF_ID__set__s, 4
__BTF_ID__set8__s:	.zero 8
	.size __BTF_ID__set8__s, 8
	.popsection
EOF
expect 255 "a set named 's' already exists" "$W/twosets.o" --btf types.BTF.1

case=no-symbol-table
cp good.o nosym.o && patch_shdr nosym.o .symtab sh_entsize 0
expect 255 "entry size 0" "$W/nosym.o" --btf types.BTF.1
cp good.o stripped.o && strip --strip-all stripped.o 2>/dev/null
case=no-symbol-table-stripped
expect 255 "no symbol table" "$W/stripped.o" --btf types.BTF.1

# The links between ELF structures, each broken once.
case=symtab-links-no-strtab
cp good.o symlink.o && patch_shdr symlink.o .symtab sh_link @.BTF_ids
expect 255 "symbol table links section .*, not a string table" "$W/symlink.o" --btf types.BTF.1
case=symtab-link-out-of-range
cp good.o symrange.o && patch_shdr symrange.o .symtab sh_link 999
expect 255 "symbol table links section 999, not a string table" "$W/symrange.o" --btf types.BTF.1
case=symtab-entry-size
cp good.o symentsz.o && patch_shdr symentsz.o .symtab sh_entsize 16
expect 255 "entry size 16 .*not whole 24-byte entries" "$W/symentsz.o" --btf types.BTF.1
case=symtab-partial-entry
cp good.o sympart.o && patch_shdr sympart.o .symtab sh_size -8
expect 255 "not whole 24-byte entries" "$W/sympart.o" --btf types.BTF.1
case=symbol-name-outside-strtab
cp good.o symname.o && patch_sym symname.o __BTF_ID__struct__foo__1 st_name 0x7fff0000
expect 255 "name offset 2147418112 lies outside its string table" "$W/symname.o" --btf types.BTF.1
case=strtab-unterminated
cp good.o strnul.o && patch_shdr strnul.o .strtab sh_size -1
expect 255 "strings (section .*) do not end in a NUL" "$W/strnul.o" --btf types.BTF.1
case=placeholder-in-other-section
cp good.o othersec.o && patch_sym othersec.o __BTF_ID__func__func__2 st_shndx @.text
expect 255 "symbol __BTF_ID__func__func__2 lies in section .*, not in .BTF_ids" "$W/othersec.o" --btf types.BTF.1
case=placeholder-bad-section-index
cp good.o badshndx.o && patch_sym badshndx.o __BTF_ID__func__func__2 st_shndx 0xfeff
expect 255 "symbol __BTF_ID__func__func__2 lies in section 65279" "$W/badshndx.o" --btf types.BTF.1
case=placeholder-xindex-without-table
cp good.o xndx.o && patch_sym xndx.o __BTF_ID__func__func__2 st_shndx 0xffff
expect 255 "extended section index, but no SHT_SYMTAB_SHNDX" "$W/xndx.o" --btf types.BTF.1
case=two-ids-sections
cp good.o twoids.o && patch_shdr twoids.o .text sh_name @.BTF_ids
expect 255 "two sections named .BTF_ids" "$W/twoids.o" --btf types.BTF.1
case=two-symbol-tables
cp good.o twosym.o && patch_shdr twosym.o .strtab sh_type 2
expect 255 "two symbol tables" "$W/twosym.o" --btf types.BTF.1
case=ids-nobits
cp good.o nobits.o && patch_shdr nobits.o .BTF_ids sh_type 8
expect 255 "has no contents in the file (SHT_NOBITS)" "$W/nobits.o" --btf types.BTF.1
case=section-names-not-strtab
cp good.o shstr.o && patch_ehdr shstr.o e_shstrndx @.BTF_ids
expect 255 "section name table .* is not a string table" "$W/shstr.o" --btf types.BTF.1
case=patch-two-ids-sections
cp twoids.o ptwoids.o && head -c 20 /dev/zero > blob20
CULPRIT=ptwoids.o; expect 255 "two sections named .BTF_ids" "$W/ptwoids.o" --patch_btfids blob20

# Not an error: more than 65,279 sections, so the placeholders' section
# index is in SHT_SYMTAB_SHNDX. resolve_btfids leaves such slots 0 and
# exits 0; btfids resolves them (checked against the BTF by btfinfo.py).
case=extended-section-indexes
python3 -c 'import sys; sys.stdout.write("".join("\t.section .s%d,\"a\"\n\t.byte 0\n" % i for i in range(66000)))' > xbig.s
cat >> xbig.s <<'EOF'
	.pushsection .BTF_ids,"a"
__BTF_ID__struct__foo__1:	.zero 4
__BTF_ID__func__func__2:	.zero 4
	.popsection
EOF
if gcc -c xbig.s -o xbig.o && "$BTFIDS" --btf types.BTF.1 xbig.o 2> err.txt && ! [ -s err.txt ] &&
   python3 "$TOP/tests/btfinfo.py" check xbig.o xbig.o.BTF_ids xbig.o.BTF > check.txt 2>&1; then
	echo "ok $case"; passed=$((passed + 1))
else
	fail "$(cat err.txt check.txt | head -c 300)"
fi
rm -f xbig.s xbig.o*

case=missing-btf;	CULPRIT=none.BTF; expect 255 "cannot open" "$W/good.o" --btf none.BTF
case=missing-base;	CULPRIT=nobase; expect 255 "cannot open" "$W/good.o" --btf types.BTF.1 --btf_base nobase

case=btf-bad-magic
cp types.BTF.1 badmagic.BTF && printf '\x00\x00' | dd of=badmagic.BTF conv=notrunc status=none
CULPRIT=badmagic.BTF; expect 255 "cannot load BTF" "$W/good.o" --btf badmagic.BTF

case=btf-truncated-header
head -c 10 types.BTF.1 > shorthdr.BTF
CULPRIT=shorthdr.BTF; expect 255 "cannot load BTF" "$W/good.o" --btf shorthdr.BTF

case=btf-bad-string-offset
# first type's name_off (header is 24 bytes) points past the string section
cp types.BTF.1 badstr.BTF && printf '\xff\xff\x00\x00' | dd of=badstr.BTF bs=1 seek=24 conv=notrunc status=none
CULPRIT=badstr.BTF; expect 255 "cannot load BTF" "$W/good.o" --btf badstr.BTF

case=btf-header-lies
# str_len (header offset 20) far beyond the file
cp types.BTF.1 lies.BTF && printf '\xff\xff\x00\x00' | dd of=lies.BTF bs=1 seek=20 conv=notrunc status=none
CULPRIT=lies.BTF; expect 255 "cannot load BTF" "$W/good.o" --btf lies.BTF

case=base-byte-order
# split BTF of a little-endian module on a big-endian base
cat > modx.c <<'EOF2'
struct foo { int a; };
struct bar { struct foo f; int a; long b; };
int modfunc(struct bar *b) { return b->a; }
EOF2
gcc -g -c modx.c -o modx.o && "$PAHOLE" -J --btf_base types.BTF.1 --btf_encode_detached=modx.BTF.1 modx.o
if s390x-linux-gnu-gcc -g -c types.c -o types.s390x.o 2> /dev/null &&
   "$PAHOLE" -J --btf_encode_detached=types.s390x.BTF types.s390x.o; then
	CULPRIT=modx.BTF.1; expect 255 "differ in byte order" "$W/good.o" --btf modx.BTF.1 --btf_base types.s390x.BTF
else
	fail "could not build the s390x base"
fi

case=base-not-the-one
# the base's strings moved: the NUL before the string "a", which the split
# BTF names by offset, becomes a letter; libbpf still loads the pair
python3 - types.BTF.1 types.moved.BTF <<'EOF2'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
hdr_len, type_off, type_len, str_off, str_len = struct.unpack_from('<IIIII', b, 4)
strs = hdr_len + str_off
i = b.index(b'\0a\0', strs, strs + str_len)
b[i] = ord('x')
open(sys.argv[2], 'wb').write(b)
EOF2
CULPRIT=modx.BTF.1; expect 255 "inside a string of base .*built on another base" "$W/good.o" --btf modx.BTF.1 --btf_base types.moved.BTF

case=output-is-directory
cp good.o outdir.o && mkdir -p outdir.o.BTF
"$BTFIDS" --btf types.BTF.1 outdir.o 2> err.txt; status=$?
if [ $status -eq 255 ] && grep -q "outdir.o.BTF: cannot write" err.txt && [ -d outdir.o.BTF ] &&
   ! ls outdir.o.*tmp* > /dev/null 2>&1; then
	echo "ok $case"; passed=$((passed + 1))
else
	fail "exit $status: $(cat err.txt)"
fi
rm -rf outdir.o*

case=unwritable-directory
mkdir -p ro && cp good.o ro/ && chmod 0555 ro
if command -v setpriv > /dev/null && [ "$(id -u)" -eq 0 ]; then
	chmod 0755 "$W" && chmod 0644 ro/good.o types.BTF.1
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$BTFIDS" --btf "$W/types.BTF.1" "$W/ro/good.o" 2> err.txt; status=$?
else
	"$BTFIDS" --btf types.BTF.1 ro/good.o 2> err.txt; status=$?
fi
if [ $status -eq 255 ] && grep -q "cannot create" err.txt && ! ls ro/good.o.* > /dev/null 2>&1; then
	echo "ok $case"; passed=$((passed + 1))
else
	fail "exit $status: $(cat err.txt)"
fi

case=patch-size-mismatch
head -c 4 /dev/zero > blob4
CULPRIT=blob4; expect 255 "is 20 bytes, .*blob4 is 4 bytes" "$W/good.o" --patch_btfids blob4
case=patch-no-section;	CULPRIT=types.o; expect 255 "no section .BTF_ids" "$W/types.o" --patch_btfids blob4
case=patch-missing-blob; CULPRIT=noblob; expect 255 "cannot open" "$W/good.o" --patch_btfids noblob

case=usage-no-elf
"$BTFIDS" --btf types.BTF.1 2> err.txt; status=$?
[ $status -eq 129 ] && grep -q Usage err.txt && { echo "ok $case"; passed=$((passed + 1)); } ||
	fail "exit $status: $(cat err.txt)"
case=usage-two-elfs;	expect 129 "Usage" "$W/good.o" "$W/good.o"
case=usage-bad-option;	expect 129 "Usage" "$W/good.o" --bogus

case=input-unchanged
sum_before=$(sha256sum good.o types.BTF.1)
"$BTFIDS" --btf types.BTF.1 good.o 2> /dev/null
"$BTFIDS" --btf types.BTF.1 setbig.o 2> /dev/null
[ "$sum_before" = "$(sha256sum good.o types.BTF.1)" ] && { echo "ok $case"; passed=$((passed + 1)); } ||
	fail "input bytes changed"

echo "errors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
