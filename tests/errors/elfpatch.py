#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Break one field of a 64-bit little-endian ELF, for tests/errors/run.sh.

  elfpatch.py shdr ELF SECTION FIELD VALUE   a section header field
  elfpatch.py sym ELF SYMBOL FIELD VALUE     a symbol's st_name or st_shndx
  elfpatch.py ehdr ELF FIELD VALUE           an ELF header field (e_shstrndx)

VALUE is a number; "-N" (for sh_size) takes N from the current value;
"@NAME" is the index of section NAME, or for sh_name the name offset of
section NAME (making a second section of that name).
"""
import struct
import sys

SHDR = {"sh_name": (0x00, "I"), "sh_type": (0x04, "I"), "sh_offset": (0x18, "Q"),
        "sh_size": (0x20, "Q"), "sh_link": (0x28, "I"), "sh_entsize": (0x38, "Q")}
SYM = {"st_name": (0x00, "I"), "st_shndx": (0x06, "H")}
EHDR = {"e_shstrndx": (0x3e, "H")}


class Elf:
    def __init__(self, path):
        self.path = path
        self.b = bytearray(open(path, "rb").read())
        self.shoff, = struct.unpack_from("<Q", self.b, 0x28)
        self.shentsize, self.shnum, self.shstrndx = struct.unpack_from("<HHH", self.b, 0x3a)

    def shdr(self, i):
        return self.shoff + i * self.shentsize

    def field(self, off, fmt):
        return struct.unpack_from("<" + fmt, self.b, off)[0]

    def cstr(self, off):
        return self.b[off:self.b.index(0, off)].decode()

    def section(self, name):
        stroff = self.field(self.shdr(self.shstrndx) + 0x18, "Q")
        for i in range(self.shnum):
            if self.cstr(stroff + self.field(self.shdr(i), "I")) == name:
                return i
        sys.exit("%s: no section %s" % (self.path, name))

    def value(self, field, text, current):
        if text.startswith("@"):
            i = self.section(text[1:])
            return self.field(self.shdr(i), "I") if field == "sh_name" else i
        if text.startswith("-"):
            return current - int(text[1:], 0)
        return int(text, 0)

    def set(self, off, fmt, field, text):
        struct.pack_into("<" + fmt, self.b, off, self.value(field, text, self.field(off, fmt)))

    def symbol(self, name):
        sym = self.section(".symtab")
        off, size, link = (self.field(self.shdr(sym) + o, f) for o, f in
                           ((0x18, "Q"), (0x20, "Q"), (0x28, "I")))
        stroff = self.field(self.shdr(link) + 0x18, "Q")
        for at in range(off, off + size, 24):
            if self.cstr(stroff + self.field(at, "I")) == name:
                return at
        sys.exit("%s: no symbol %s" % (self.path, name))

    def save(self):
        open(self.path, "wb").write(self.b)


def main(argv):
    what, path = argv[1], argv[2]
    elf = Elf(path)
    if what == "shdr":
        off, fmt = SHDR[argv[4]]
        elf.set(elf.shdr(elf.section(argv[3])) + off, fmt, argv[4], argv[5])
    elif what == "sym":
        off, fmt = SYM[argv[4]]
        elf.set(elf.symbol(argv[3]) + off, fmt, argv[4], argv[5])
    elif what == "ehdr":
        off, fmt = EHDR[argv[3]]
        elf.set(off, fmt, argv[3], argv[4])
    else:
        sys.exit(__doc__)
    elf.save()


if __name__ == "__main__":
    main(sys.argv)
