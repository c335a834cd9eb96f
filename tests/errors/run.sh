#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The malformed-input catalogue: each case is an input that must give one
# clear error line naming the file and the problem, exit status 255 (129 for
# usage), and no output file (nor a leftover temporary) beside the ELF.
# Inputs are assembled from tests/errors/inputs/*.s, made by make-input.py,
# or are valid objects damaged on purpose by elfpatch.py. One case a line:
#   [CULPRIT=FILE] expect CASE STATUS PATTERN ELF [BTFIDS ARGS...]
# after the line (if any) that makes its input.
set -u

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
BTFIDS=${BTFIDS:-$BUILD/btfids}
PAHOLE=${PAHOLE:-$BUILD/tools/pahole}
HERE=$TOP/tests/errors
IN=$HERE/inputs
W=$BUILD/tests/errors
# shellcheck source=tests/lib/harness.sh
. "$TOP/tests/lib/harness.sh"
h_begin errors "$W"

die() { h_fail setup "$*"; h_end; exit 1; }
[ -x "$BTFIDS" ] || die "no $BTFIDS"
[ -x "$PAHOLE" ] || die "no pahole at $PAHOLE"
cd "$W" || exit 1

gcc -g -c "$IN/types.c" -o types.o && "$PAHOLE" -J --btf_encode_detached=types.BTF.1 types.o ||
	die "types.BTF.1"

# asm NAME: tests/errors/inputs/NAME.s into NAME.o
asm() { gcc -c -o "$1.o" "$IN/$1.s"; }
for s in "$IN"/*.s; do
	asm "$(basename "$s" .s)" || die "cannot assemble $s"
done

# expect CASE STATUS PATTERN ELF [ARGS...]: run btfids ARGS... ELF. The one
# stderr line must contain PATTERN and, unless STATUS is 129, ELF's name or
# that of the culprit in $CULPRIT.
expect()
{
	local c=$1 want=$2 pattern=$3 elf=$4 status err lines dir base why
	shift 4
	"$BTFIDS" "$@" "$elf" >out.txt 2>err.txt </dev/null
	status=$?
	err=$(cat err.txt)
	lines=$(grep -c '' err.txt)
	dir=$(dirname "$elf")
	base=$(basename "$elf")
	if [ "$status" -ne "$want" ]; then
		why="exit $status, want $want; stderr: $err"
	elif [ "$want" -ne 129 ] && [ "$lines" -ne 1 ]; then
		why="$lines stderr lines, want 1: $err"
	elif ! grep -q -- "$pattern" err.txt; then
		why="stderr lacks '$pattern': $err"
	elif [ "$want" -ne 129 ] && ! grep -q -F -- "${CULPRIT:-$base}" err.txt; then
		why="stderr does not name ${CULPRIT:-$base}: $err"
	elif ls "$dir/$base".BTF* "$dir/$base".*tmp* >/dev/null 2>&1; then
		why="output left behind: $(ls "$dir/$base".BTF* "$dir/$base".*tmp* 2>/dev/null)"
	fi
	h_check "$c" "${why:-}"
}

# damaged COPY: a copy of good.o to damage
damaged() { cp good.o "$1"; }
shdr() { python3 "$HERE/elfpatch.py" shdr "$@"; }
sym() { python3 "$HERE/elfpatch.py" sym "$@"; }
ehdr() { python3 "$HERE/elfpatch.py" ehdr "$@"; }
B=(--btf types.BTF.1)

"$BTFIDS" "${B[@]}" good.o 2>err.txt && [ -s good.o.BTF ] && [ -s good.o.BTF_ids ] && ! [ -s err.txt ]
h_check sanity "$([ $? = 0 ] || echo "good input failed: $(cat err.txt)")"
rm -f good.o.BTF*

# ---------------------------------------------------------- the file
expect missing-elf 255 "cannot open" "$W/nothere.o" "${B[@]}"
mkdir -p dir.o
expect directory 255 "not a regular file" "$W/dir.o" "${B[@]}"
mkfifo fifo.o
expect fifo 255 "not a regular file" "$W/fifo.o" "${B[@]}"
echo "hello" >text.o
expect not-elf 255 "not an ELF file" "$W/text.o" "${B[@]}"
head -c 200 good.o >trunc.o
expect truncated-elf 255 "trunc.o" "$W/trunc.o" "${B[@]}"
damaged past.o && shdr past.o .BTF_ids sh_offset 0x100000
expect section-past-end 255 "past the end of the file" "$W/past.o" "${B[@]}"

# ---------------------------------------------------- the placeholders
expect size-not-multiple-of-4 255 "not a multiple of 4" "$W/odd.o" "${B[@]}"
expect symbol-outside-section 255 "lies outside .BTF_ids" "$W/outside.o" "${B[@]}"
expect symbol-straddles-end 255 "lies outside .BTF_ids" "$W/straddle.o" "${B[@]}"
expect symbol-misaligned 255 "not 4-byte aligned" "$W/misaligned.o" "${B[@]}"
expect set-size-past-section 255 "run past the end of .BTF_ids" "$W/setbig.o" "${B[@]}"
expect set8-odd-word-count 255 "not a header plus whole 8-byte entries" "$W/set8odd.o" "${B[@]}"
expect set-without-size 255 "size 0 is not a header" "$W/setnosize.o" "${B[@]}"
expect name-without-suffix 255 "lacks the __<n> suffix" "$W/nosuffix.o" "${B[@]}"
python3 "$HERE/make-input.py" long-name 600 longname.s && gcc -c longname.s -o longname.o
expect name-too-long 255 "malformed name (length" "$W/longname.o" "${B[@]}"
expect unsupported-kind 255 "unsupported placeholder kind" "$W/badkind.o" "${B[@]}"
expect set-without-name 255 "set without a name" "$W/setnoname.o" "${B[@]}"
expect two-sets-one-name 255 "a set named 's' already exists" "$W/twosets.o" "${B[@]}"

# ------------------------------ the links between ELF structures, each broken once
damaged nosym.o && shdr nosym.o .symtab sh_entsize 0
expect no-symbol-table 255 "entry size 0" "$W/nosym.o" "${B[@]}"
damaged stripped.o && strip --strip-all stripped.o 2>/dev/null
expect no-symbol-table-stripped 255 "no symbol table" "$W/stripped.o" "${B[@]}"
damaged symlink.o && shdr symlink.o .symtab sh_link @.BTF_ids
expect symtab-links-no-strtab 255 "symbol table links section .*, not a string table" "$W/symlink.o" "${B[@]}"
damaged symrange.o && shdr symrange.o .symtab sh_link 999
expect symtab-link-out-of-range 255 "symbol table links section 999, not a string table" "$W/symrange.o" "${B[@]}"
damaged symentsz.o && shdr symentsz.o .symtab sh_entsize 16
expect symtab-entry-size 255 "entry size 16 .*not whole 24-byte entries" "$W/symentsz.o" "${B[@]}"
damaged sympart.o && shdr sympart.o .symtab sh_size -8
expect symtab-partial-entry 255 "not whole 24-byte entries" "$W/sympart.o" "${B[@]}"
damaged symname.o && sym symname.o __BTF_ID__struct__foo__1 st_name 0x7fff0000
expect symbol-name-outside-strtab 255 "name offset 2147418112 lies outside its string table" "$W/symname.o" "${B[@]}"
damaged strnul.o && shdr strnul.o .strtab sh_size -1
expect strtab-unterminated 255 "strings (section .*) do not end in a NUL" "$W/strnul.o" "${B[@]}"
damaged othersec.o && sym othersec.o __BTF_ID__func__func__2 st_shndx @.text
expect placeholder-in-other-section 255 "symbol __BTF_ID__func__func__2 lies in section .*, not in .BTF_ids" "$W/othersec.o" "${B[@]}"
damaged badshndx.o && sym badshndx.o __BTF_ID__func__func__2 st_shndx 0xfeff
expect placeholder-bad-section-index 255 "symbol __BTF_ID__func__func__2 lies in section 65279" "$W/badshndx.o" "${B[@]}"
damaged xndx.o && sym xndx.o __BTF_ID__func__func__2 st_shndx 0xffff
expect placeholder-xindex-without-table 255 "extended section index, but no SHT_SYMTAB_SHNDX" "$W/xndx.o" "${B[@]}"
damaged twoids.o && shdr twoids.o .text sh_name @.BTF_ids
expect two-ids-sections 255 "two sections named .BTF_ids" "$W/twoids.o" "${B[@]}"
damaged twosym.o && shdr twosym.o .strtab sh_type 2
expect two-symbol-tables 255 "two symbol tables" "$W/twosym.o" "${B[@]}"
damaged nobits.o && shdr nobits.o .BTF_ids sh_type 8
expect ids-nobits 255 "has no contents in the file (SHT_NOBITS)" "$W/nobits.o" "${B[@]}"
damaged shstr.o && ehdr shstr.o e_shstrndx @.BTF_ids
expect section-names-not-strtab 255 "section name table .* is not a string table" "$W/shstr.o" "${B[@]}"
cp twoids.o ptwoids.o && head -c 20 /dev/zero >blob20
CULPRIT=ptwoids.o expect patch-two-ids-sections 255 "two sections named .BTF_ids" "$W/ptwoids.o" --patch_btfids blob20

# Not an error: more than 65,279 sections, so the placeholders' section
# index is in SHT_SYMTAB_SHNDX. resolve_btfids leaves such slots 0 and
# exits 0; btfids resolves them (checked against the BTF by btfinfo.py).
python3 "$HERE/make-input.py" many-sections 66000 xbig.s && cat "$IN/xbig-ids.s" >>xbig.s &&
	gcc -c xbig.s -o xbig.o && "$BTFIDS" "${B[@]}" xbig.o 2>err.txt && ! [ -s err.txt ] &&
	python3 "$TOP/tests/btfinfo.py" check xbig.o xbig.o.BTF_ids xbig.o.BTF >check.txt 2>&1
h_check extended-section-indexes "$([ $? = 0 ] || cat err.txt check.txt | head -c 300)"
rm -f xbig.s xbig.o*

# ------------------------------------------------------ the BTF inputs
CULPRIT=none.BTF expect missing-btf 255 "cannot open" "$W/good.o" --btf none.BTF
CULPRIT=nobase expect missing-base 255 "cannot open" "$W/good.o" "${B[@]}" --btf_base nobase
cp types.BTF.1 badmagic.BTF && printf '\x00\x00' | dd of=badmagic.BTF conv=notrunc status=none
CULPRIT=badmagic.BTF expect btf-bad-magic 255 "cannot load BTF" "$W/good.o" --btf badmagic.BTF
head -c 10 types.BTF.1 >shorthdr.BTF
CULPRIT=shorthdr.BTF expect btf-truncated-header 255 "cannot load BTF" "$W/good.o" --btf shorthdr.BTF
# first type's name_off (header is 24 bytes) points past the string section
cp types.BTF.1 badstr.BTF && printf '\xff\xff\x00\x00' | dd of=badstr.BTF bs=1 seek=24 conv=notrunc status=none
CULPRIT=badstr.BTF expect btf-bad-string-offset 255 "cannot load BTF" "$W/good.o" --btf badstr.BTF
# str_len (header offset 20) far beyond the file
cp types.BTF.1 lies.BTF && printf '\xff\xff\x00\x00' | dd of=lies.BTF bs=1 seek=20 conv=notrunc status=none
CULPRIT=lies.BTF expect btf-header-lies 255 "cannot load BTF" "$W/good.o" --btf lies.BTF

# split BTF of a little-endian module on a big-endian base
gcc -g -c "$IN/modx.c" -o modx.o && "$PAHOLE" -J --btf_base types.BTF.1 --btf_encode_detached=modx.BTF.1 modx.o
if s390x-linux-gnu-gcc -g -c "$IN/types.c" -o types.s390x.o 2>/dev/null &&
   "$PAHOLE" -J --btf_encode_detached=types.s390x.BTF types.s390x.o; then
	CULPRIT=modx.BTF.1 expect base-byte-order 255 "differ in byte order" "$W/good.o" --btf modx.BTF.1 --btf_base types.s390x.BTF
else
	h_fail base-byte-order "could not build the s390x base"
fi
python3 "$HERE/make-input.py" moved-strings types.BTF.1 types.moved.BTF
CULPRIT=modx.BTF.1 expect base-not-the-one 255 "inside a string of base .*built on another base" "$W/good.o" --btf modx.BTF.1 --btf_base types.moved.BTF

# ------------------------------------------------------ the outputs
cp good.o outdir.o && mkdir -p outdir.o.BTF
"$BTFIDS" "${B[@]}" outdir.o 2>err.txt
status=$?
[ $status -eq 255 ] && grep -q "outdir.o.BTF: cannot write" err.txt && [ -d outdir.o.BTF ] &&
	! ls outdir.o.*tmp* >/dev/null 2>&1
h_check output-is-directory "$([ $? = 0 ] || echo "exit $status: $(cat err.txt)")"
rm -rf outdir.o*

mkdir -p ro && cp good.o ro/ && chmod 0555 ro
if command -v setpriv >/dev/null && [ "$(id -u)" -eq 0 ]; then
	chmod 0755 "$W" && chmod 0644 ro/good.o types.BTF.1
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$BTFIDS" --btf "$W/types.BTF.1" "$W/ro/good.o" 2>err.txt
else
	"$BTFIDS" "${B[@]}" ro/good.o 2>err.txt
fi
status=$?
[ $status -eq 255 ] && grep -q "cannot create" err.txt && ! ls ro/good.o.* >/dev/null 2>&1
h_check unwritable-directory "$([ $? = 0 ] || echo "exit $status: $(cat err.txt)")"

# ------------------------------------------------------ --patch_btfids
head -c 4 /dev/zero >blob4
CULPRIT=blob4 expect patch-size-mismatch 255 "is 20 bytes, .*blob4 is 4 bytes" "$W/good.o" --patch_btfids blob4
CULPRIT=types.o expect patch-no-section 255 "no section .BTF_ids" "$W/types.o" --patch_btfids blob4
CULPRIT=noblob expect patch-missing-blob 255 "cannot open" "$W/good.o" --patch_btfids noblob

# ------------------------------------------------------ usage
"$BTFIDS" "${B[@]}" 2>err.txt
status=$?
h_check usage-no-elf "$([ $status -eq 129 ] && grep -q Usage err.txt || echo "exit $status: $(cat err.txt)")"
expect usage-two-elfs 129 "Usage" "$W/good.o" "$W/good.o"
expect usage-bad-option 129 "Usage" "$W/good.o" --bogus

sum_before=$(sha256sum good.o types.BTF.1)
"$BTFIDS" "${B[@]}" good.o 2>/dev/null
"$BTFIDS" "${B[@]}" setbig.o 2>/dev/null
h_check input-unchanged "$([ "$sum_before" = "$(sha256sum good.o types.BTF.1)" ] || echo "input bytes changed")"
rm -f good.o.BTF*
h_end
