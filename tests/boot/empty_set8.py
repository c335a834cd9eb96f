#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Empty one set8 of an object's .BTF_ids, for the boot test's negative control.

  empty_set8.py ELF SET OUT

Writes to OUT the contents of ELF's .BTF_ids with the set8 SET (symbol
__BTF_ID__set8__SET) emptied: its count and every (id, flags) entry zeroed,
its header flags kept, so a module still registers the set (BTF_SET8_KFUNCS
is still there) but with no kfunc in it.  Embed OUT with
`objcopy --update-section .BTF_ids=OUT`.  Exit 1 if ELF has no such set.
"""
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, sys.path[0] + "/../lib")
from elf import Elf  # noqa: E402  (tests/lib/elf.py)


def main(elf_path, set_name, out_path):
    elf = Elf.open(elf_path)
    idx, sec = elf.section(".BTF_ids")
    if sec is None:
        sys.exit(elf_path + ": no .BTF_ids section")
    want = "__BTF_ID__set8__" + set_name
    syms = [s for s in elf.symbols() if s["name"] == want and s["shndx"] == idx]
    if not syms:
        sys.exit(elf_path + ": no symbol " + want + " in .BTF_ids")
    relocatable = elf.relocatable()
    off = syms[0]["value"] - (0 if relocatable else sec["addr"])
    data = bytearray(elf.contents(sec))
    (cnt,) = struct.unpack_from(elf.end + "I", data, off)
    end = off + 8 + 8 * cnt
    if end > len(data):
        sys.exit("%s: set8 %s: %u entries run past .BTF_ids" % (elf_path, set_name, cnt))
    struct.pack_into(elf.end + "I", data, off, 0)
    data[off + 8:end] = bytes(end - off - 8)
    open(out_path, "wb").write(data)
    print("%s: set8 %s: %u entries emptied" % (elf_path, set_name, cnt))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
