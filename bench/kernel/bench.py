#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The BTF phase of a whole kernel, two-step against single run (see
bench/kernel/run.sh).

bench.py CONFIG: CONFIG holds KEY=VALUE lines:
  pahole, oracle, btfids, plugin     the programs (plugin: the .so)
  flags                              pahole flags, space separated
  vmlinux                            the base of every module
  module=KO NAME IDS KFUNCS BTFSZ CG one line per module (CG 1: sampled)
  rounds, cg_vmlinux                 passes per variant; callgrind vmlinux
  work, out                          scratch directory, markdown file
  info=TEXT                          lines for the notes under the table
Four measurements, in this order:
  1. CPU: ROUNDS passes over all modules per variant (two-step, single;
     the order alternates per pass), two modules at a time.  CPU and peak
     RSS come from wait4() of every process; wall is the whole pass.
  2. btfids against resolve_btfids on every module's X.BTF.1 of the last
     two-step pass, two at a time, the two tools alternating per module.
  3. callgrind: pahole alone and the single run, -j1, on the sample and
     (cg_vmlinux=1) vmlinux; the extra instructions of the single run.
  4. outputs: the single run's files against the two-step's, and btfids'
     against resolve_btfids', per module (SHA-256).
Only the standard library.
"""
import concurrent.futures
import glob
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from benchconfig import load_config  # noqa: E402

T0 = time.monotonic()


def say(msg):
    print("-- [%4ds] %s" % (time.monotonic() - T0, msg), flush=True)


class Module:
    def __init__(self, line):
        ko, name, ids, kf, bsz, cg = line.split()
        self.ko, self.name = ko, name
        self.ids, self.kfuncs, self.btf_size = int(ids), int(kf), int(bsz)
        self.cg = cg == "1"


def run(argv, cwd, env=None):
    """Run argv in cwd; (cpu s, maxrss KiB).  Raises on failure."""
    with open(os.path.join(cwd, "log"), "ab") as log:
        p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                             stdout=log, stderr=log, env=env)
        _, status, ru = os.wait4(p.pid, 0)
    rc = os.waitstatus_to_exitcode(status)
    if rc != 0:
        raise RuntimeError("exit %d in %s: %s" % (rc, cwd, " ".join(argv)))
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def fresh_dir(d, elf):
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    os.symlink(elf, os.path.join(d, "x"))


def digest(d, names):
    h = {}
    for n in names:
        p = os.path.join(d, n)
        if os.path.exists(p):
            with open(p, "rb") as f:
                h[n] = hashlib.sha256(f.read()).hexdigest()
    return h


OUTS = ("x.BTF", "x.BTF_ids", "x.BTF.base")


class Bench:
    def __init__(self, cfg):
        self.cfg = cfg
        self.work = cfg["work"]
        self.flags = cfg["flags"].split()
        self.vm = cfg["vmlinux"]
        self.base = ["--btf_base", self.vm]

    def pahole(self, extra, out):
        return [self.cfg["pahole"]] + self.flags + self.base + extra + \
            ["--btf_encode_detached=" + out, "x"]

    def two_step(self, m, d):
        fresh_dir(d, m.ko)
        c1, r1 = run(self.pahole([], "x.BTF.1"), d)
        c2, r2 = run([self.cfg["oracle"], "--btf", "x.BTF.1", "-b", self.vm, "x"], d)
        return c1 + c2, max(r1, r2), c1, c2

    def single(self, m, d):
        fresh_dir(d, m.ko)
        c, r = run(self.pahole(["--btf_plugin=" + self.cfg["plugin"]], "x.BTF"), d)
        return c, r, c, 0.0

    def resolve_pair(self, m, i, btf1, first):
        """btfids and resolve_btfids on the same X.BTF.1, order by first."""
        res = {}
        tools = [("oracle", self.cfg["oracle"]), ("btfids", self.cfg["btfids"])]
        if first:
            tools.reverse()
        for label, tool in tools:
            d = os.path.join(self.work, "resolve", label, str(i))
            fresh_dir(d, m.ko)
            shutil.copyfile(btf1, os.path.join(d, "x.BTF.1"))
            c, r = run([tool, "--btf", "x.BTF.1", "-b", self.vm, "x"], d)
            res[label] = (c, r, digest(d, OUTS))
            shutil.rmtree(d, ignore_errors=True)
        return res


def pool_map(fn, items):
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        return list(ex.map(fn, items))


def pass_over(b, mods, variant, rnd):
    """One pass of variant over all modules; per-module results and wall."""
    fn = b.two_step if variant == "two-step" else b.single

    def one(im):
        i, m = im
        d = os.path.join(b.work, variant, str(i))
        cpu, rss, c1, c2 = fn(m, d)
        h = digest(d, OUTS)
        if variant == "two-step":
            keep = os.path.join(b.work, "btf1", str(i))
            shutil.copyfile(os.path.join(d, "x.BTF.1"), keep)
        shutil.rmtree(d, ignore_errors=True)
        return cpu, rss, c1, c2, h

    t = time.monotonic()
    res = pool_map(one, list(enumerate(mods)))
    wall = time.monotonic() - t
    say("pass %d %-8s cpu %8.1f s  wall %7.1f s  max rss %6.1f MB" % (
        rnd, variant, sum(r[0] for r in res), wall, max(r[1] for r in res) / 1024))
    return res, wall


def callgrind_ir(b, argv, d):
    """Total instructions (Ir) of argv and its children under callgrind."""
    for f in glob.glob(os.path.join(d, "cg.out.*")):
        os.unlink(f)
    run(["valgrind", "--tool=callgrind", "--trace-children=yes",
         "--callgrind-out-file=" + os.path.join(d, "cg.out.%p")] + argv, d)
    total = 0
    for f in glob.glob(os.path.join(d, "cg.out.*")):
        with open(f) as fh:
            for line in fh:
                if line.startswith("summary:") or line.startswith("totals:"):
                    total += int(line.split()[1])
                    break
    if not total:
        raise RuntimeError("no callgrind totals in %s" % d)
    return total


def cg_one(b, label, elf, base, variant):
    """Instructions of pahole alone or of the single run on elf, -j1."""
    flags = [f for f in b.flags if not f.startswith("-j")] + ["-j1"]
    bb = ["--btf_base", base] if base else []
    d = os.path.join(b.work, "cg", label.replace("/", "_") + "." + variant)
    fresh_dir(d, elf)
    extra = ["--btf_encode_detached=x.BTF.1"] if variant == "alone" else \
        ["--btf_plugin=" + b.cfg["plugin"], "--btf_encode_detached=x.BTF"]
    ir = callgrind_ir(b, [b.cfg["pahole"]] + flags + bb + extra + ["x"], d)
    shutil.rmtree(d, ignore_errors=True)
    return ir


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p * (len(v) - 1))))]


def main():
    cfg = load_config(sys.argv[1], ("module", "info"))
    b = Bench(cfg)
    shutil.rmtree(b.work, ignore_errors=True)
    os.makedirs(os.path.join(b.work, "btf1"))
    mods = [Module(m) for m in cfg["module"]]
    rounds = int(cfg["rounds"])
    load0 = os.getloadavg()

    # 1. CPU over all modules
    say("CPU: %d modules x %d passes per variant, 2 at a time" % (len(mods), rounds))
    cpu = {"two-step": [], "single": []}
    hashes = {}
    for r in range(rounds):
        order = ["two-step", "single"] if r % 2 == 0 else ["single", "two-step"]
        for v in order:
            res, wall = pass_over(b, mods, v, r + 1)
            cpu[v].append((res, wall))
            hashes[v] = [x[4] for x in res]

    # 2. btfids against resolve_btfids
    say("resolve: btfids and resolve_btfids on %d modules' X.BTF.1" % len(mods))
    t = time.monotonic()
    rres = pool_map(lambda im: b.resolve_pair(im[1], im[0], os.path.join(b.work, "btf1", str(im[0])),
                                              im[0] % 2 == 1),
                    list(enumerate(mods)))
    say("resolve: done in %.1f s" % (time.monotonic() - t))

    # 3. callgrind sample
    sample = [(m.name, m.ko, b.vm, m) for m in mods if m.cg]
    if cfg.get("cg_vmlinux") == "1":
        # the vmlinux before resolution where there is one: a shipped 7.3
        # vmlinux holds a kfunc in two sets with other flags, which 7.3 refuses
        sample.insert(0, ("vmlinux", cfg.get("cg_vmlinux_elf") or b.vm, None, None))
    say("callgrind: pahole alone and single run on %d inputs" % len(sample))
    tasks = [(s, v) for s in sample for v in ("alone", "single")]
    done = [0]

    def cg(task):
        s, v = task
        r = cg_one(b, s[0], s[1], s[2], v)
        done[0] += 1
        if done[0] % 10 == 0 or s[0] == "vmlinux":
            say("callgrind: %d/%d (%s, %s)" % (done[0], len(tasks), s[0], v))
        return r

    irs = pool_map(cg, tasks)
    cgres = [(irs[2 * i], irs[2 * i + 1]) for i in range(len(sample))]
    load1 = os.getloadavg()

    # 4. outputs
    bad = []
    for i, m in enumerate(mods):
        a, s = hashes["two-step"][i], hashes["single"][i]
        if a != s or "x.BTF" not in a:
            bad.append("%s: single run vs two-step" % m.name)
        if rres[i]["oracle"][2] != rres[i]["btfids"][2]:
            bad.append("%s: btfids vs resolve_btfids" % m.name)

    report(cfg, mods, cpu, rres, sample, cgres, bad, load0, load1)
    return 1 if bad else 0


def report(cfg, mods, cpu, rres, sample, cgres, bad, load0, load1):
    L = []
    n = len(mods)
    L.append("**Whole kernel: %d modules, two modules at a time** (sums over the modules; "
             "mean of %d passes per variant)" % (n, len(cpu["single"])))
    L.append("")
    L.append("| measure | two-step (pahole + resolve_btfids) | single run (pahole + plugin) | single/two-step |")
    L.append("| --- | ---: | ---: | ---: |")

    def mean(v, f):
        return statistics.mean(f(p) for p in cpu[v])

    tc = mean("two-step", lambda p: sum(x[0] for x in p[0]))
    sc = mean("single", lambda p: sum(x[0] for x in p[0]))
    tp = mean("two-step", lambda p: sum(x[2] for x in p[0]))
    tr = mean("two-step", lambda p: sum(x[3] for x in p[0]))
    tw = mean("two-step", lambda p: p[1])
    sw = mean("single", lambda p: p[1])
    trss = max(max(x[1] for x in p[0]) for p in cpu["two-step"]) / 1024
    srss = max(max(x[1] for x in p[0]) for p in cpu["single"]) / 1024
    tmed = statistics.median(x[1] for x in cpu["two-step"][-1][0]) / 1024
    smed = statistics.median(x[1] for x in cpu["single"][-1][0]) / 1024
    L.append("| CPU, user+sys (s) | %.1f (pahole %.1f + resolve_btfids %.1f) | %.1f | %.3f |"
             % (tc, tp, tr, sc, sc / tc))
    L.append("| wall, 2 at a time (s) | %.1f | %.1f | %.3f |" % (tw, sw, sw / tw))
    L.append("| peak RSS, largest module (MB) | %.1f | %.1f | %.3f |" % (trss, srss, srss / trss))
    L.append("| peak RSS, median module (MB) | %.1f | %.1f | %.3f |" % (tmed, smed, smed / tmed))
    L.append("")

    oc = sum(r["oracle"][0] for r in rres)
    bc = sum(r["btfids"][0] for r in rres)
    orss = max(r["oracle"][1] for r in rres) / 1024
    brss = max(r["btfids"][1] for r in rres) / 1024
    L.append("**Second step alone, same %d X.BTF.1** | resolve_btfids | btfids | btfids/resolve_btfids |" % n)
    L.append("| --- | ---: | ---: | ---: |")
    L.append("| CPU, user+sys, sum (s) | %.2f | %.2f | %.3f |" % (oc, bc, bc / oc))
    L.append("| peak RSS, largest (MB) | %.1f | %.1f | %.3f |" % (orss, brss, brss / orss))
    L.append("")

    rows = []
    for (label, _elf, _base, m), (alone, single) in zip(sample, cgres):
        rows.append((label, m, alone, single, single - alone, single / alone))
    modrows = [r for r in rows if r[1] is not None]
    L.append("**Instructions (callgrind Ir, -j1): single run over pahole alone**, %d sampled modules "
             "(%d with kfunc sets, %d with other .BTF_ids, %d without)" % (
                 len(modrows), sum(1 for r in modrows if r[1].kfuncs),
                 sum(1 for r in modrows if r[1].ids and not r[1].kfuncs),
                 sum(1 for r in modrows if not r[1].ids)))
    L.append("")
    L.append("| input | pahole alone (M) | single run (M) | extra (M) | single/alone |")
    L.append("| --- | ---: | ---: | ---: | ---: |")
    for r in rows:
        if r[1] is None:
            L.append("| vmlinux | %.1f | %.1f | %.2f | %.4f |" % (r[2] / 1e6, r[3] / 1e6, r[4] / 1e6, r[5]))
    if modrows:
        for title, p in (("median", 0.5), ("p90", 0.9), ("max", 1.0)):
            L.append("| modules, %s | | | %.2f | %.4f |" % (
                title, pct([r[4] for r in modrows], p) / 1e6, pct([r[5] for r in modrows], p)))
        worst = sorted(modrows, key=lambda r: -r[5])[:5]
        L.append("")
        L.append("Largest ratios: " + "; ".join(
            "%s %.4f (%.1fM of %.1fM, %s)" % (r[0], r[5], r[4] / 1e6, r[2] / 1e6,
                                            "kfunc sets" if r[1].kfuncs else
                                            ".BTF_ids" if r[1].ids else "no .BTF_ids")
            for r in worst))
    L.append("")
    L.append("- outputs: %s" % ("single run = two-step and btfids = resolve_btfids, byte-identical on all %d modules" % n
                               if not bad else "DIFFER: " + "; ".join(bad[:5])))
    L.append("- CPU of every pass (s): " + "; ".join(
        "%s %s" % (v, " ".join("%.1f" % sum(x[0] for x in p[0]) for p in cpu[v])) for v in ("two-step", "single")))
    L.append("- pahole flags: `%s --btf_base vmlinux`" % cfg["flags"])
    L.append("- load average %.2f before, %.2f after" % (load0[0], load1[0]))
    for i in cfg["info"]:
        L.append("- " + i)
    with open(os.path.join(cfg["work"], "callgrind.tsv"), "w") as f:
        for r in rows:
            f.write("%s\t%d\t%d\n" % (r[0], r[2], r[3]))
    text = "\n".join(L) + "\n"
    with open(cfg["out"], "w") as f:
        f.write(text)
    print()
    print(text, end="")


if __name__ == "__main__":
    sys.exit(main())
