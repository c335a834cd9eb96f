#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Random .BTF_ids layouts, in assembler, for the random differential test.

  gen.py SEED > layout.s

Lists of id placeholders (existing and missing names of every kind, one
name at many addresses), unused slots, sets and set8s (kfunc sets with
random KF_* flags, KF_IMPLICIT_ARGS among them) that may be empty, nest
inside or overlap each other. Every symbol lies inside the section and
every set name is unique, so both tools must accept it; what differs is
only what the layout makes them do.
"""
import random
import sys

FUNCS = ["rf_0", "rf_1", "rf_2", "rf_3", "rf_4", "rf_4_impl", "rf_5", "rs_a", "rf_none"]
STRUCTS = ["rs_a", "rs_b", "bpf_prog_aux", "rs_none"]
UNIONS = ["ru_a", "ru_none"]
TYPEDEFS = ["rt_a", "rt_b", "rt_none"]
KINDS = [("func", FUNCS)] * 4 + [("struct", STRUCTS), ("union", UNIONS), ("typedef", TYPEDEFS)]


def main():
    rnd = random.Random(int(sys.argv[1]))
    out = ['\t.pushsection .BTF_ids,"a"']
    counter = [0]
    sizes = []      # (set symbol, start label, words) for .size lines
    words = [0]

    def slot(kind=None, name=None, flags=None):
        if kind is None:
            kind, names = rnd.choice(KINDS)
            name = rnd.choice(names)
        sym = "__BTF_ID__%s__%s__%d" % (kind, name, counter[0])
        counter[0] += 1
        out.append("%s:\t.zero 4" % sym)
        words[0] += 1
        if flags is not None:
            out.append("\t.long %d" % flags)
            words[0] += 1

    def kfunc_flags():
        f = rnd.choice([0, 1, 2, 5, 1 << 12])
        if rnd.random() < 0.5:
            f |= 1 << 16
        return f

    for i in range(rnd.randint(1, 6)):
        what = rnd.random()
        if what < 0.35:
            for _ in range(rnd.randint(1, 5)):
                if rnd.random() < 0.15:
                    out.append("\t.zero 4")
                    words[0] += 1
                else:
                    slot()
        elif what < 0.55:
            name = "rset_%d" % i
            out.append("__BTF_ID__set__%s:\t.zero 4" % name)
            words[0] += 1
            start = words[0]
            for _ in range(rnd.randint(0, 6)):
                slot("func", rnd.choice(FUNCS))
            sizes.append((i, "set", name, start - 1, words[0]))
        else:
            name = "rset8_%d" % i
            out.append("__BTF_ID__set8__%s:\t.zero 4" % name)
            out.append("\t.long %d" % rnd.choice([0, 1]))
            words[0] += 2
            start = words[0]
            for _ in range(rnd.randint(0, 6)):
                slot("func", rnd.choice(FUNCS), kfunc_flags())
            sizes.append((i, "set8", name, start - 2, words[0]))
    # one name at many addresses, now and then
    if rnd.random() < 0.3:
        for _ in range(rnd.randint(2, 40)):
            slot("func", "rf_2")
    out.append("\t.zero 8")     # room for sets that claim more than they hold
    words[0] += 2
    out.append("ids_start = . - %d" % (words[0] * 4))
    for i, kind, name, first, last in sizes:
        entry = 2 if kind == "set8" else 1
        n = (last - first - entry) // entry
        # now and then a set claims fewer or more entries than it holds
        n = max(0, n + rnd.choice([0, 0, 0, -1, 1]))
        end = first + entry + n * entry
        if end > words[0]:
            n = (words[0] - first - entry) // entry
        out.append("\t.size __BTF_ID__%s__%s, %d" % (kind, name, (entry + n * entry) * 4))
    out.append("\t.popsection")
    out.append('\t.section .note.GNU-stack,"",%progbits')
    print("\n".join(out))


main()
