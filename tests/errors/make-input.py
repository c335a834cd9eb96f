#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Inputs for tests/errors/run.sh that are easier made than committed.

  make-input.py many-sections N OUT    assembly with N one-byte sections
  make-input.py long-name N OUT        assembly with one placeholder whose
                                       name is N letters long
  make-input.py moved-strings IN OUT   a copy of BTF file IN in which the
                                       NUL before the string "a" became a
                                       letter: libbpf still loads split BTF
                                       on it, but its string offsets now
                                       point inside another string
"""
import struct
import sys


def many_sections(n, out):
    with open(out, "w") as f:
        for i in range(int(n)):
            f.write('\t.section .s%d,"a"\n\t.byte 0\n' % i)


def long_name(n, out):
    with open(out, "w") as f:
        f.write('\t.pushsection .BTF_ids,"a"\n__BTF_ID__func__%s__1:\t.zero 4\n'
                '\t.popsection\n' % ("x" * int(n)))


def moved_strings(src, out):
    b = bytearray(open(src, "rb").read())
    hdr_len, _, _, str_off, str_len = struct.unpack_from("<IIIII", b, 4)
    strs = hdr_len + str_off
    b[b.index(b"\0a\0", strs, strs + str_len)] = ord("x")
    open(out, "wb").write(b)


CMDS = {"many-sections": many_sections, "long-name": long_name,
        "moved-strings": moved_strings}

if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in CMDS:
        sys.exit(__doc__)
    CMDS[sys.argv[1]](sys.argv[2], sys.argv[3])
