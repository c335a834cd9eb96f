#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Break one field of an ELF, for tests/errors/run.sh (tests/lib/elf.py reads it).

  elfpatch.py shdr ELF SECTION FIELD VALUE   a section header field
  elfpatch.py sym ELF SYMBOL FIELD VALUE     a symbol field (st_name, st_shndx, ...)
  elfpatch.py ehdr ELF FIELD VALUE           an ELF header field (e_shstrndx)

VALUE is a number; "-N" (for sh_size) takes N from the current value;
"@NAME" is the index of section NAME, or for sh_name the name offset of
section NAME (making a second section of that name).
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from elf import Elf  # noqa: E402  (tests/lib/elf.py)


def value(elf, field, text, current):
    """VALUE as the usage says: a number, -N off the current, @SECTION."""
    if text.startswith("@"):
        i, s = elf.section(text[1:])
        if s is None:
            sys.exit("%s: no section %s" % (elf.path, text[1:]))
        return s["name_off"] if field == "sh_name" else i
    if text.startswith("-"):
        return current - int(text[1:], 0)
    return int(text, 0)


def field_at(elf, what, args):
    """(offset, format) of the field the command names, and the field."""
    if what == "shdr":
        i, s = elf.section(args[0])
        if s is None:
            sys.exit("%s: no section %s" % (elf.path, args[0]))
        return elf.shdr_at(i, args[1]), args[1]
    if what == "sym":
        sym = [x for x in elf.symbols() if x["name"] == args[0]]
        if not sym:
            sys.exit("%s: no symbol %s" % (elf.path, args[0]))
        return elf.sym_at(sym[0], args[1]), args[1]
    if what == "ehdr":
        return elf.ehdr_at(args[0]), args[0]
    sys.exit(__doc__)


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    what, path, args = argv[1], argv[2], argv[3:]
    elf = Elf.open(path)
    try:
        at, field = field_at(elf, what, args)
    except KeyError:
        sys.exit(__doc__)
    elf.put(at, value(elf, field, args[-1], elf.value_at(at)))
    elf.save()


if __name__ == "__main__":
    main(sys.argv)
