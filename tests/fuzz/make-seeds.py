#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Seed corpora for the libbtfids fuzz harnesses, from the test fixtures.

  make-seeds.py OUTDIR INPUT...

INPUT: files or directories (not recursive) of fixtures, e.g.
build/tests/x86_64, build/tests/errors. Writes OUTDIR/<harness>/<sha1>
for the harnesses collect, btf, btf_split and patch:

  collect    ELF files
  btf        raw BTF files and ELF files with a .BTF section
  btf_split  split BTF (*.split.*) first, x86-64 ones first (the harness's
             base is the x86-64 fixture vmlinux), then other raw BTF
  patch      one byte (the harness's blob size - 4) + an ELF file; the
             byte matches the ELF's .BTF_ids size when it can (4..64
             bytes), and a second seed of a mismatching size is added

Every file is at most 64 KiB (larger inputs are left out, not cut), each
corpus at most 200 files; files that matter most (kfuncs, modules, sets,
the ELF with their own .BTF) come first. Prints one line per corpus.
"""
import hashlib
import os
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from elf import Elf  # noqa: E402  (tests/lib/elf.py)

MAX_SIZE = 64 * 1024
MAX_FILES = 200
BLOB_MIN, BLOB_SPAN = 4, 61
IMPORTANT = ("kfuncs", "mod", "set8_dupes", "sets", "lists", "base", "bpfprog", "good")


def elf_sections(d):
    """{name: (type, offset, size)} of an ELF image, or None."""
    try:
        elf = Elf(d)
    except (struct.error, ValueError, IndexError):
        return None
    return {s["name"]: (s["type"], s["offset"], s["size"]) for s in elf.sections}


def is_raw_btf(d):
    return len(d) >= 24 and d[:2] in (b"\x9f\xeb", b"\xeb\x9f")


def priority(path):
    base = os.path.basename(path)
    for i, word in enumerate(IMPORTANT):
        if base.startswith(word):
            return i
    return len(IMPORTANT)


def inputs(args):
    for a in args:
        if os.path.isdir(a):
            for n in sorted(os.listdir(a)):
                p = os.path.join(a, n)
                if os.path.isfile(p):
                    yield p
        elif os.path.isfile(a):
            yield a


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, args = sys.argv[1], sys.argv[2:]
    files = []
    for p in inputs(args):
        try:
            if os.path.getsize(p) > MAX_SIZE:
                continue
            d = open(p, "rb").read()
        except OSError:
            continue
        files.append((p, d))
    # x86-64 first, then by importance: caps cut the least useful
    files.sort(key=lambda f: ("/x86_64/" not in f[0], priority(f[0]), f[0]))

    corpora = {"collect": [], "btf": [], "btf_split": [], "patch": []}
    split = []
    for p, d in files:
        secs = elf_sections(d)
        if secs is not None:
            corpora["collect"].append(d)
            if ".BTF" in secs:
                corpora["btf"].append(d)
            ids = secs.get(".BTF_ids")
            size = ids[2] if ids else 0
            if BLOB_MIN <= size < BLOB_MIN + BLOB_SPAN:
                corpora["patch"].append(bytes([size - BLOB_MIN]) + d)
                corpora["patch"].append(bytes([(size - BLOB_MIN + 1) % BLOB_SPAN]) + d)
            else:
                corpora["patch"].append(bytes([len(d) % BLOB_SPAN]) + d)
        elif is_raw_btf(d):
            corpora["btf"].append(d)
            (split if ".split." in os.path.basename(p) else corpora["btf_split"]).append(d)
    corpora["btf_split"] = split + corpora["btf_split"]

    for name, seeds in corpora.items():
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        seen = set()
        for s in seeds:
            h = hashlib.sha1(s).hexdigest()
            if h in seen or len(s) > MAX_SIZE + 1:
                continue
            seen.add(h)
            with open(os.path.join(d, h), "wb") as f:
                f.write(s)
            if len(seen) >= MAX_FILES:
                break
        print("seeds: %-9s %3d files, %6d KiB" %
              (name, len(seen), sum(os.path.getsize(os.path.join(d, h)) for h in seen) // 1024))


if __name__ == "__main__":
    main()
