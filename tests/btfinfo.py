#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Small, independent BTF / .BTF_ids inspector for the btfids tests.

  btfinfo.py dump BTF [--base B]          list the types of a BTF blob
  btfinfo.py funcs BTF [--base B]         one line per FUNC: name(params) + tags
  btfinfo.py words ELF [IDS]              .BTF_ids words with their symbols
  btfinfo.py check ELF IDS BTF [--base B] read back every slot of IDS
  btfinfo.py sections A B                 compare type+string sections only
  btfinfo.py section ELF NAME OUT         write section NAME of ELF to OUT
  btfinfo.py hasfuncs BTF [--base B] [+NAME|-NAME]...
                                          FUNC NAME must (+) / must not (-) exist

BTF arguments may be raw BTF files or ELF files with a .BTF section.
"check" recomputes what each __BTF_ID__ slot must hold from the BTF
alone (first ID by kind and name, 0 if none; set counts; sets sorted)
and prints one line per mismatch; exit status 1 if any.
"""
import os
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from elf import Elf  # noqa: E402  (tests/lib/elf.py)

KINDS = ["UNKN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD",
         "TYPEDEF", "VOLATILE", "CONST", "RESTRICT", "FUNC", "FUNC_PROTO",
         "VAR", "DATASEC", "FLOAT", "DECL_TAG", "TYPE_TAG", "ENUM64"]


def raw_btf(path):
    data = open(path, "rb").read()
    if data[:4] == b"\x7fELF":
        elf = Elf.open(path)
        _, s = elf.section(".BTF")
        if s is None:
            raise ValueError(path + ": no .BTF section")
        return elf.contents(s)
    return data


class Btf:
    def __init__(self, data, base=None):
        self.base = base
        if data[:2] == b"\x9f\xeb":
            e = "<"
        elif data[:2] == b"\xeb\x9f":
            e = ">"
        else:
            raise ValueError("bad BTF magic")
        self.end = e
        (self.magic, self.version, self.flags, self.hdr_len, self.type_off,
         self.type_len, self.str_off, self.str_len) = struct.unpack_from(
             e + "HBBIIIII", data, 0)
        h = self.hdr_len
        self.types_raw = data[h + self.type_off:h + self.type_off + self.type_len]
        self.strs = data[h + self.str_off:h + self.str_off + self.str_len]
        self.start_id = base.count if base else 1
        self.str_base = len(base.all_strs()) if base else 0
        self.types = []
        self.parse()
        self.count = self.start_id + len(self.types)

    def all_strs(self):
        return (self.base.all_strs() if self.base else b"") + self.strs

    def name(self, off):
        if off < self.str_base:
            return self.base.name(off)
        off -= self.str_base
        end = self.strs.index(b"\0", off)
        return self.strs[off:end].decode("latin-1")

    def parse(self):
        d, e, p = self.types_raw, self.end, 0
        while p < len(d):
            name_off, info, su = struct.unpack_from(e + "III", d, p)
            p += 12
            kind = (info >> 24) & 0x1F
            vlen = info & 0xFFFF
            kflag = info >> 31
            t = dict(name_off=name_off, kind=kind, vlen=vlen, kflag=kflag,
                     type=su, size=su, name=self.name(name_off), extra=None)
            if kind == 1 or kind == 14 or kind == 17:
                (t["extra"],) = struct.unpack_from(e + "i", d, p)
                p += 4
            elif kind == 3:
                t["extra"] = struct.unpack_from(e + "III", d, p)
                p += 12
            elif kind in (4, 5):
                t["extra"] = [struct.unpack_from(e + "III", d, p + 12 * i)
                              for i in range(vlen)]
                p += 12 * vlen
            elif kind == 6:
                p += 8 * vlen
            elif kind == 19:
                p += 12 * vlen
            elif kind == 13:
                t["extra"] = [struct.unpack_from(e + "II", d, p + 8 * i)
                              for i in range(vlen)]
                p += 8 * vlen
            elif kind == 15:
                p += 12 * vlen
            self.types.append(t)

    def by_id(self, tid):
        if tid < self.start_id:
            return self.base.by_id(tid) if self.base else None
        return self.types[tid - self.start_id]

    def ids(self):
        return range(1, self.count)


def load_btf(path, base_path=None):
    base = Btf(raw_btf(base_path)) if base_path else None
    return Btf(raw_btf(path), base)


def describe(btf, tid, depth=0):
    if tid == 0:
        return "void"
    t = btf.by_id(tid)
    k = KINDS[t["kind"]]
    if t["kind"] in (2, 9, 10, 11, 18) and depth < 6:
        q = {2: "*", 9: "volatile ", 10: "const ", 11: "restrict ", 18: "tag(%s) " % t["name"]}[t["kind"]]
        inner = describe(btf, t["type"], depth + 1)
        return inner + " *" if t["kind"] == 2 else q + inner
    if t["kind"] in (4, 5, 6, 7, 19):
        return "%s %s" % (k.lower(), t["name"] or "(anon)")
    return t["name"] or k.lower()


def cmd_dump(btf):
    for tid in btf.ids():
        if tid < btf.start_id:
            continue
        t = btf.by_id(tid)
        extra = ""
        if t["kind"] == 13:
            extra = " (%s) -> %s" % (", ".join(
                "%s %s" % (describe(btf, ty), btf.name(n)) for n, ty in t["extra"]),
                describe(btf, t["type"]))
        elif t["kind"] in (12, 8, 2, 9, 10, 11, 18, 14):
            extra = " type=%d" % t["type"]
            if t["kind"] == 12:
                extra += " linkage=%d" % t["vlen"]
        elif t["kind"] == 17:
            extra = " type=%d component_idx=%d kflag=%d" % (t["type"], t["extra"], t["kflag"])
        elif t["kind"] in (1, 4, 5, 16):
            extra = " size=%d vlen=%d" % (t["size"], t["vlen"])
        print("[%d] %s '%s'%s" % (tid, KINDS[t["kind"]], t["name"], extra))


def cmd_funcs(btf):
    tags = {}
    for tid in btf.ids():
        t = btf.by_id(tid)
        if t["kind"] == 17:
            tags.setdefault(t["type"], []).append(
                "%s%s%s" % (t["name"], "" if t["extra"] == -1 else "@%d" % t["extra"],
                            "(attr)" if t["kflag"] else ""))
    for tid in btf.ids():
        if tid < btf.start_id:
            continue
        t = btf.by_id(tid)
        if t["kind"] != 12:
            continue
        proto = btf.by_id(t["type"])
        params = ", ".join(("%s %s" % (describe(btf, ty), btf.name(n))).strip()
                           for n, ty in proto["extra"]) if proto["kind"] == 13 else "?"
        print("[%d] %s %s(%s)%s" % (tid, describe(btf, proto["type"]), t["name"], params,
                                    (" tags=" + ",".join(sorted(tags[tid]))) if tid in tags else ""))


def slot_symbols(elf):
    idx, sec = elf.section(".BTF_ids")
    if sec is None:
        return None, None, []
    syms = [s for s in elf.symbols() if s["shndx"] == idx and s["name"].startswith("__BTF_ID__")]
    return idx, sec, syms


def split_name(sym):
    rest = sym[len("__BTF_ID__"):]
    for kind in ("struct", "union", "typedef", "func", "set8", "set"):
        if rest.startswith(kind):
            body = rest[len(kind) + 2:]
            if kind in ("set", "set8"):
                return kind, body
            cut = body.rfind("__")
            return kind, body[:cut]
    return None, None


def cmd_words(elf, ids_path):
    idx, sec, syms = slot_symbols(elf)
    if sec is None:
        print("no .BTF_ids")
        return
    data = open(ids_path, "rb").read() if ids_path else elf.contents(sec)
    at = {}
    for s in syms:
        at.setdefault(s["value"] - sec["addr"], []).append(s["name"])
    for off in range(0, len(data), 4):
        (w,) = struct.unpack_from(elf.end + "I", data, off)
        print("%5d: %#010x %s" % (off, w, " ".join(at.get(off, []))))


def cmd_check(elf, ids_path, btf):
    idx, sec, syms = slot_symbols(elf)
    data = open(ids_path, "rb").read()
    e = elf.end
    bad = []
    if len(data) != sec["size"]:
        bad.append("size %d != section size %d" % (len(data), sec["size"]))
        return bad
    kind_no = {"struct": 4, "union": 5, "typedef": 8, "func": 12}
    first = {}
    for tid in btf.ids():
        t = btf.by_id(tid)
        first.setdefault((t["kind"], t["name"]), tid)

    def word(off):
        return struct.unpack_from(e + "I", data, off)[0]

    def want(sym):
        kind, name = split_name(sym)
        return first.get((kind_no[kind], name), 0)

    sets = []
    for s in syms:
        kind, name = split_name(s["name"])
        off = s["value"] - sec["addr"]
        if kind in ("set", "set8"):
            unit = 4 if kind == "set" else 8
            cnt = s["size"] // unit - 1
            sets.append((off, off + unit + cnt * unit, kind, name, cnt))
            if word(off) != cnt:
                bad.append("%s: count %d, want %d" % (s["name"], word(off), cnt))
    inside = {}
    for s in syms:
        kind, name = split_name(s["name"])
        if kind in ("set", "set8") or kind is None:
            continue
        off = s["value"] - sec["addr"]
        owner = None
        for st in sets:
            hdr = 4 if st[2] == "set" else 8
            if st[0] + hdr <= off < st[1]:
                owner = st
        if owner:
            inside.setdefault(owner, []).append((off, s))
        elif word(off) != want(s["name"]):
            bad.append("%s @%d: %d, want %d" % (s["name"], off, word(off), want(s["name"])))
    for st in sets:
        start, end, kind, name, cnt = st
        hdr = 4 if kind == "set" else 8
        unit = 4 if kind == "set" else 8
        got = [word(o) for o in range(start + hdr, end, unit)]
        as_int = [w - (1 << 32) if w & 0x80000000 else w for w in got]
        if as_int != sorted(as_int):
            bad.append("%s %s: not sorted: %s" % (kind, name, got))
        members = inside.get(st, [])
        if kind == "set8":
            orig_flags = {}
            for off, s in members:
                orig_flags.setdefault(want(s["name"]), []).append(
                    struct.unpack_from(e + "I", elf.contents(sec), off + 4)[0])
            pairs = [(word(o), word(o + 4)) for o in range(start + hdr, end, unit)]
            for i, (tid, fl) in enumerate(pairs):
                if tid in orig_flags and fl not in orig_flags[tid]:
                    bad.append("set8 %s: pair %d (%d, %#x) flags not from any slot of that id"
                               % (name, i, tid, fl))
        # only slots with symbols can be predicted; unused slots hold 0
        exp = sorted([want(s["name"]) for _, s in members] +
                     [0] * (len(got) - len(members)))
        if sorted(got) != exp:
            bad.append("%s %s: ids %s, want %s" % (kind, name, sorted(got), exp))
    return bad


def btf_parts(data):
    """byte order, type section, string section of raw BTF (header only)"""
    if data[:2] == b"\x9f\xeb":
        e = "<"
    elif data[:2] == b"\xeb\x9f":
        e = ">"
    else:
        raise ValueError("bad BTF magic")
    hdr_len, type_off, type_len, str_off, str_len = struct.unpack_from(e + "IIIII", data, 4)
    t = data[hdr_len + type_off:hdr_len + type_off + type_len]
    s = data[hdr_len + str_off:hdr_len + str_off + str_len]
    return e, t, s


def cmd_sections(a, b):
    x, y = btf_parts(raw_btf(a)), btf_parts(raw_btf(b))
    diffs = []
    for i, what in enumerate(("byte order", "type section", "string section")):
        if x[i] != y[i]:
            diffs.append(what)
    return diffs


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    base = None
    if "--base" in args:
        i = args.index("--base")
        base = args[i + 1]
        del args[i:i + 2]
    if cmd == "dump":
        cmd_dump(load_btf(args[0], base))
    elif cmd == "funcs":
        cmd_funcs(load_btf(args[0], base))
    elif cmd == "words":
        cmd_words(Elf.open(args[0]), args[1] if len(args) > 1 else None)
    elif cmd == "check":
        bad = cmd_check(Elf.open(args[0]), args[1], load_btf(args[2], base))
        for b in bad:
            print(b)
        return 1 if bad else 0
    elif cmd == "hasfuncs":
        btf = load_btf(args[0], base)
        names = {btf.by_id(t)["name"] for t in btf.ids() if btf.by_id(t)["kind"] == 12}
        bad = ["missing FUNC " + a[1:] for a in args[1:] if a[0] == "+" and a[1:] not in names]
        bad += ["unexpected FUNC " + a[1:] for a in args[1:] if a[0] == "-" and a[1:] in names]
        if bad:
            print(", ".join(bad))
        return 1 if bad else 0
    elif cmd == "section":
        # section ELF NAME OUT: the contents of section NAME into OUT (no
        # OUT, exit 1, if ELF has no such section)
        elf = Elf.open(args[0])
        _, sec = elf.section(args[1])
        if sec is None:
            return 1
        open(args[2], "wb").write(elf.contents(sec))
    elif cmd == "sections":
        try:
            d = cmd_sections(args[0], args[1])
        except (ValueError, struct.error, OSError) as err:
            d = ["cannot parse (%s)" % err]
        if d:
            print("differ: " + ", ".join(d))
        return 1 if d else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
