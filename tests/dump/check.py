#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks of `btfids dump` output for tests/dump/run.sh; prints why a
check fails (nothing when it holds).

  check.py finished DUMP.json RESOLVE_LOG
  check.py shipped DUMP.json
  check.py before BEFORE.json AFTER.json
  check.py text DUMP.txt DUMP.json
  check.py break DUMP.json IDS_IN IDS_OUT   (writes IDS_OUT, prints what)
  check.py mismatch DUMP.json WHAT
  check.py edit count|swap|dup|notfunc DUMP.json IDS_IN IDS_OUT
  check.py rename BTF_IN BTF_OUT OLD NEW
"""
import json
import struct
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def finished(path, resolve_log=None):
    """resolve_log None: no warnings to hold the unresolved slots against."""
    d = load(path)
    bad = []
    warned = None
    if resolve_log:
        with open(resolve_log) as f:
            warned = {l.split()[-1] for l in f if "unresolved symbol" in l}
    dumped = set()
    for s in d["slots"]:
        if s["status"] == "unresolved":
            dumped.update(x["name"] for x in s["symbols"])
        elif s["status"] != "ok":
            bad.append("slot 0x%x %s: %s" % (s["offset"], s["symbols"], s["status"]))
    zeros = sum(1 for g in d["sets"] for e in g["entries"] if not e["value"])
    if warned is not None and not dumped <= warned:
        bad.append("unresolved slots btfids did not warn of: %s" % sorted(dumped - warned))
    if warned is not None and len(warned - dumped) > zeros:
        bad.append("warned of %s, not in slots, %d zero set entries" % (sorted(warned - dumped), zeros))
    for g in d["sets"]:
        ids = [e["value"] for e in g["entries"]]
        if len(ids) != g["count"] or g["count"] > g["room"]:
            bad.append("set %s: %d entries, count %d, room %d" % (g["name"], len(ids), g["count"], g["room"]))
        if ids != sorted(ids):
            bad.append("set %s not sorted: %s" % (g["name"], ids))
        kfuncs = "BTF_SET8_KFUNCS" in g.get("flag_names", [])
        for e in g["entries"]:
            if kfuncs and e["value"] and (not e["type"] or e["type"]["kind"] != "FUNC"):
                bad.append("kfunc set8 %s entry 0x%x: %s" % (g["name"], e["offset"], e["type"]))
    if not d["btf"]:
        bad.append("no BTF read")
    return bad


def shipped(path):
    """A finished object as a distribution ships it: no resolve log, so
    unresolved slots are counted, not checked."""
    return finished(path)


def before(path, after_path):
    b, a = load(path), load(after_path)
    bad = []
    if any(s["value"] for s in b["slots"]):
        bad.append("values before resolution: %s" % [s["value"] for s in b["slots"] if s["value"]][:5])
    rooms_b = [(g["name"], g["room"]) for g in b["sets"]]
    rooms_a = [(g["name"], g["room"]) for g in a["sets"]]
    if rooms_b != rooms_a:
        bad.append("sets %s before, %s after" % (rooms_b, rooms_a))
    if any(g["count"] for g in b["sets"]):
        bad.append("set counts before resolution: %s" % [g["count"] for g in b["sets"]])
    # after resolution, the slots inside sets are shown as set entries
    inside = set()
    for g in a["sets"]:
        inside.update(e["offset"] for e in g["entries"])
    sb = [s["offset"] for s in b["slots"] if s["offset"] not in inside]
    sa = [s["offset"] for s in a["slots"]]
    if sb != sa:
        bad.append("slots %s before, %s after" % (sb[:8], sa[:8]))
    return bad


def text(path, json_path):
    d = load(json_path)
    with open(path) as f:
        t = f.read()
    bad = []
    want = ["%s %s" % (s["type"]["kind"], s["type"]["name"]) for s in d["slots"] if s["type"]]
    want += ["%s %s" % (e["type"]["kind"], e["type"]["name"])
             for g in d["sets"] for e in g["entries"] if e["type"]]
    for w in want:
        if w not in t:
            bad.append("text lacks %r" % w)
    for g in d["sets"]:
        if "cnt %d (room for %d)" % (g["count"], g["room"]) not in t:
            bad.append("text lacks set %s's count" % g["name"])
        for e in g["entries"]:
            for n in e.get("flag_names", []):
                if n not in t:
                    bad.append("text lacks flag %s" % n)
    if "<mismatch>" in t:
        bad.append("text marks a mismatch")
    return bad[:5]


def do_break(path, ids_in, ids_out):
    d = load(path)
    ok = [s for s in d["slots"] if s["status"] == "ok"]
    other = [e["value"] for g in d["sets"] for e in g["entries"]
             if e["value"] and e["value"] != ok[0]["value"]]
    with open(ids_in, "rb") as f:
        blob = bytearray(f.read())
    s = ok[0]
    # the blob's byte order: the value as stored must read back as s["value"]
    for fmt in ("<I", ">I"):
        if struct.unpack_from(fmt, blob, s["offset"])[0] == s["value"]:
            struct.pack_into(fmt, blob, s["offset"], other[0])
            break
    with open(ids_out, "wb") as f:
        f.write(blob)
    print("0x%x %d" % (s["offset"], other[0]))
    return []


def edit(how, path, ids_in, ids_out):
    """A finished x86-64 object's .BTF_ids broken one way, for verify:
    count (one less), swap (entries 0 and 1), dup (entry 1 = entry 0),
    notfunc (entry 0 names the STRUCT a slot names) in its first set8."""
    d = load(path)
    g = [g for g in d["sets"] if g["kind"] == "set8" and len(g["entries"]) > 1][0]
    with open(ids_in, "rb") as f:
        blob = bytearray(f.read())
    e0, e1 = g["entries"][0], g["entries"][1]
    if how == "count":
        struct.pack_into("<I", blob, g["offset"], g["count"] - 1)
    elif how == "swap":
        struct.pack_into("<II", blob, e0["offset"], e1["value"], e1["flags"])
        struct.pack_into("<II", blob, e1["offset"], e0["value"], e0["flags"])
    elif how == "dup":
        struct.pack_into("<I", blob, e1["offset"], e0["value"])
    elif how == "notfunc":
        st = [s for s in d["slots"] if s["type"] and s["type"]["kind"] == "STRUCT"][0]
        struct.pack_into("<I", blob, e0["offset"], st["value"])
    with open(ids_out, "wb") as f:
        f.write(blob)
    print(g["name"])
    return []


def rename(btf_in, btf_out, old, new):
    """A string of raw BTF replaced by another of the same length."""
    with open(btf_in, "rb") as f:
        b = f.read()
    o, n = b"\0" + old.encode() + b"\0", b"\0" + new.encode() + b"\0"
    if len(o) != len(n) or b.count(o) < 1:
        return ["cannot rename %s" % old]
    with open(btf_out, "wb") as f:
        f.write(b.replace(o, n, 1))
    return []


def mismatch(path, what):
    d = load(path)
    off, val = what.split()
    hits = [s for s in d["slots"] if s["offset"] == int(off, 16)]
    if not hits or hits[0]["value"] != int(val) or hits[0]["status"] != "mismatch":
        return ["slot %s not marked: %s" % (off, hits)]
    others = [s for s in d["slots"] if s["status"] == "mismatch" and s is not hits[0]]
    return ["other slots marked: %s" % others] if others else []


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    fn = {"finished": finished, "shipped": shipped, "before": before, "text": text,
          "break": do_break, "mismatch": mismatch, "edit": edit, "rename": rename}[mode]
    bad = fn(*args)
    for b in bad:
        print(b)
    return 0


if __name__ == "__main__":
    sys.exit(main())
