# SPDX-License-Identifier: GPL-2.0
"""The tests' one ELF reader (and field writer), written from the ELF
specification: ELF32 and ELF64, either byte order, extended section
numbering and SHT_SYMTAB_SHNDX.  Used by btfinfo.py (BTF and .BTF_ids
inspection), errors/elfpatch.py (breaking one field on purpose),
fuzz/make-seeds.py and boot/empty_set8.py:

    elf = Elf.open(path)            # or Elf(data) for bytes already read
    i, s = elf.section(".BTF_ids")  # s: dict of the header's fields
    elf.contents(s), elf.symbols()  # symbols: name, value, size, shndx, info, at
    elf.put(elf.shdr_at(i, "sh_size"), 0); elf.save(path)
"""
import struct

SHT_SYMTAB = 2
SHT_SYMTAB_SHNDX = 18
SHN_XINDEX = 0xFFFF

# field: (offset, format) in a section header / symbol / ELF header, per class
SHDR = {
    64: {"sh_name": (0x00, "I"), "sh_type": (0x04, "I"), "sh_flags": (0x08, "Q"),
         "sh_addr": (0x10, "Q"), "sh_offset": (0x18, "Q"), "sh_size": (0x20, "Q"),
         "sh_link": (0x28, "I"), "sh_info": (0x2C, "I"), "sh_entsize": (0x38, "Q")},
    32: {"sh_name": (0x00, "I"), "sh_type": (0x04, "I"), "sh_flags": (0x08, "I"),
         "sh_addr": (0x0C, "I"), "sh_offset": (0x10, "I"), "sh_size": (0x14, "I"),
         "sh_link": (0x18, "I"), "sh_info": (0x1C, "I"), "sh_entsize": (0x24, "I")},
}
SYM = {
    64: {"st_name": (0x00, "I"), "st_info": (0x04, "B"), "st_shndx": (0x06, "H"),
         "st_value": (0x08, "Q"), "st_size": (0x10, "Q")},
    32: {"st_name": (0x00, "I"), "st_value": (0x04, "I"), "st_size": (0x08, "I"),
         "st_info": (0x0C, "B"), "st_shndx": (0x0E, "H")},
}
EHDR = {
    64: {"e_type": (0x10, "H"), "e_shoff": (0x28, "Q"), "e_shentsize": (0x3A, "H"),
         "e_shnum": (0x3C, "H"), "e_shstrndx": (0x3E, "H")},
    32: {"e_type": (0x10, "H"), "e_shoff": (0x20, "I"), "e_shentsize": (0x2E, "H"),
         "e_shnum": (0x30, "H"), "e_shstrndx": (0x32, "H")},
}


class Elf:
    def __init__(self, data, path="(data)"):
        if data[:4] != b"\x7fELF" or len(data) < 0x34:
            raise ValueError(path + ": not ELF")
        self.path = path
        self.data = bytearray(data)
        self.bits = 64 if data[4] == 2 else 32
        self.end = "<" if data[5] == 1 else ">"
        self.is64 = self.bits == 64
        shoff = self.get(*EHDR[self.bits]["e_shoff"])
        self.shentsize = self.get(*EHDR[self.bits]["e_shentsize"])
        shnum = self.get(*EHDR[self.bits]["e_shnum"])
        shstrndx = self.get(*EHDR[self.bits]["e_shstrndx"])
        self.shoff = shoff
        # extended numbering: the counts that do not fit are in section 0
        if shoff and (shnum == 0 or shstrndx == SHN_XINDEX):
            zero = self.shdr(0)
            shnum = shnum or zero["size"]
            shstrndx = zero["link"] if shstrndx == SHN_XINDEX else shstrndx
        self.sections = [self.shdr(i) for i in range(shnum)]
        strs = self.sections[shstrndx]
        for s in self.sections:
            s["name"] = self.cstr(strs["offset"] + s["name_off"])

    @classmethod
    def open(cls, path):
        with open(path, "rb") as f:
            return cls(f.read(), path)

    # --- raw fields ---
    def get(self, off, fmt):
        return struct.unpack_from(self.end + fmt, self.data, off)[0]

    def put(self, at, value):
        """@at: (offset, format), as shdr_at() and symbols()' "at" give it."""
        struct.pack_into(self.end + at[1], self.data, at[0], value)

    def ehdr_at(self, field):
        return EHDR[self.bits][field]

    def shdr_at(self, i, field):
        off, fmt = SHDR[self.bits][field]
        return self.shoff + i * self.shentsize + off, fmt

    def sym_at(self, sym, field):
        off, fmt = SYM[self.bits][field]
        return sym["at"] + off, fmt

    def value_at(self, at):
        return self.get(*at)

    def save(self, path=None):
        with open(path or self.path, "wb") as f:
            f.write(self.data)

    # --- sections ---
    def shdr(self, i):
        f = {k: self.get(*self.shdr_at(i, k)) for k in SHDR[self.bits]}
        return dict(name_off=f["sh_name"], type=f["sh_type"], flags=f["sh_flags"],
                    addr=f["sh_addr"], offset=f["sh_offset"], size=f["sh_size"],
                    link=f["sh_link"], info=f["sh_info"], entsize=f["sh_entsize"])

    def cstr(self, off):
        end = self.data.index(b"\0", off)
        return self.data[off:end].decode("latin-1")

    def section(self, name):
        for i, s in enumerate(self.sections):
            if s["name"] == name:
                return i, s
        return None, None

    def contents(self, s):
        return bytes(self.data[s["offset"]:s["offset"] + s["size"]])

    def relocatable(self):
        return self.get(*EHDR[self.bits]["e_type"]) == 1

    # --- symbols ---
    def xindex(self, symtab_index):
        """the SHT_SYMTAB_SHNDX words of symbol table @symtab_index, or None"""
        for s in self.sections:
            if s["type"] == SHT_SYMTAB_SHNDX and s["link"] == symtab_index:
                n = s["size"] // 4
                return struct.unpack_from(self.end + "%dI" % n, self.data, s["offset"])
        return None

    def symbols(self):
        out = []
        fields = SYM[self.bits]
        for si, s in enumerate(self.sections):
            if s["type"] != SHT_SYMTAB:
                continue
            xindex = self.xindex(si)
            strtab = self.sections[s["link"]]
            for i in range(s["size"] // s["entsize"]):
                at = s["offset"] + i * s["entsize"]
                f = {k: self.get(at + o, fmt) for k, (o, fmt) in fields.items()}
                shndx = f["st_shndx"]
                if shndx == SHN_XINDEX and xindex:
                    shndx = xindex[i]
                out.append(dict(name=self.cstr(strtab["offset"] + f["st_name"]),
                                value=f["st_value"], size=f["st_size"], shndx=shndx,
                                info=f["st_info"], at=at))
        return out
