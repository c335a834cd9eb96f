#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""CPU time and peak RSS of pahole alone, the two kernel steps, and the
single run with the btfids plugin (see bench/plugin/run.sh).

bench.py CONFIG: CONFIG holds KEY=VALUE lines:
  stock, patched, oracle, plugin   the programs (plugin: the .so)
  flags                            pahole flags, space separated
  vmlinux                          the kernel image
  module=KO NAME                   one line per module (split on vmlinux)
  vm_runs, mod_runs                runs per variant (medians reported)
  work, out                        scratch directory, markdown file
  info=TEXT                        lines for the notes under the table
Variants, run interleaved (each round runs all three, in an order that
rotates from round to round, so that a load change hits them alike):
  stock     stock pahole writing X.BTF.1 (the first step, unpatched)
  two-step  patched pahole without the plugin writing X.BTF.1, then
            resolve_btfids --btf X.BTF.1 [--btf_base vmlinux] X
  single    patched pahole --btf_plugin=PLUGIN --btf_encode_detached=X.BTF
CPU time (user+sys) and peak RSS come from wait4()'s rusage of each
process; a variant's CPU is the sum over its processes (and over the
modules), its peak RSS the largest of them.  Only the standard library.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from benchconfig import load_config  # noqa: E402


def run(argv, cwd, log):
    """Run argv in cwd; return (wall s, cpu s, maxrss KiB, exit status)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                         stdout=log, stderr=log)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, p.returncode


class Job:
    """One input: an ELF (linked into a scratch directory as x), its
    optional base, and the three variants' command lines."""

    def __init__(self, cfg, elf, base):
        self.elf = elf
        flags = cfg["flags"].split()
        b = ["--btf_base", base] if base else []
        self.cmds = {
            "stock": [[cfg["stock"]] + flags + b + ["--btf_encode_detached=x.BTF.1", "x"]],
            "two-step": [[cfg["patched"]] + flags + b + ["--btf_encode_detached=x.BTF.1", "x"],
                         [cfg["oracle"], "--btf", "x.BTF.1"] + b + ["x"]],
            "single": [[cfg["patched"]] + flags + b + ["--btf_plugin=" + cfg["plugin"],
                                                        "--btf_encode_detached=x.BTF", "x"]],
        }

    def run(self, variant, wdir, log):
        """Returns (wall, cpu, maxrss KiB); raises on a failed command."""
        shutil.rmtree(wdir, ignore_errors=True)
        os.makedirs(wdir)
        os.symlink(self.elf, os.path.join(wdir, "x"))
        wall = cpu = 0.0
        rss = 0
        for argv in self.cmds[variant]:
            w, c, r, rc = run(argv, wdir, log)
            if rc != 0:
                raise RuntimeError("%s: exit %d: %s (log %s)" % (variant, rc, " ".join(argv), log.name))
            wall += w
            cpu += c
            rss = max(rss, r)
        return wall, cpu, rss


VARIANTS = ["stock", "two-step", "single"]


def measure(jobs, runs, work, label, t0):
    """runs rounds over jobs; returns {variant: [(wall, cpu, rss), ...]}
    and the directories of the last round (for the output check)."""
    res = {v: [] for v in VARIANTS}
    last = {}
    logpath = os.path.join(work, label + ".log")
    with open(logpath, "w") as log:
        for r in range(runs):
            order = VARIANTS[r % 3:] + VARIANTS[:r % 3]
            for v in order:
                wall = cpu = 0.0
                rss = 0
                for i, job in enumerate(jobs):
                    wdir = os.path.join(work, label, v, str(i))
                    w, c, m = job.run(v, wdir, log)
                    wall += w
                    cpu += c
                    rss = max(rss, m)
                    last[(v, i)] = wdir
                res[v].append((wall, cpu, rss))
                print("-- [%4ds] %s round %d/%d %-8s cpu %7.2f s  wall %7.2f s  rss %6.1f MB"
                      % (time.monotonic() - t0, label, r + 1, runs, v, cpu, wall, rss / 1024),
                      flush=True)
    return res, last


def same_outputs(jobs, last):
    """Single run vs two-step outputs of the last round: list of differences."""
    bad = []
    for i, job in enumerate(jobs):
        a, b = last[("two-step", i)], last[("single", i)]
        fa = sorted(f for f in os.listdir(a) if f not in ("x", "x.BTF.1"))
        fb = sorted(f for f in os.listdir(b) if f != "x")
        if fa != fb:
            bad.append("%s: files %s vs %s" % (job.elf, fb, fa))
            continue
        for f in fa:
            with open(os.path.join(a, f), "rb") as x, open(os.path.join(b, f), "rb") as y:
                if x.read() != y.read():
                    bad.append("%s: %s differs" % (job.elf, f))
    return bad


def med(samples, k):
    return statistics.median(s[k] for s in samples)


def main():
    cfg = load_config(sys.argv[1], ("module", "info"))
    t0 = time.monotonic()
    work = cfg["work"]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    vm = [Job(cfg, cfg["vmlinux"], None)]
    mods = []
    for m in cfg["module"]:
        ko, _name = m.split()
        mods.append(Job(cfg, ko, cfg["vmlinux"]))
    load0 = os.getloadavg()

    results = {}
    checks = {}
    for label, jobs, runs in (("vmlinux", vm, int(cfg["vm_runs"])),
                              ("modules", mods, int(cfg["mod_runs"]))):
        res, last = measure(jobs, runs, work, label, t0)
        results[label] = (res, runs)
        checks[label] = same_outputs(jobs, last)
        # the scratch output of vmlinux is large
        shutil.rmtree(os.path.join(work, label), ignore_errors=True)
    load1 = os.getloadavg()

    names = {"vmlinux": "vmlinux", "modules": "%d modules" % len(mods)}
    lines = []
    lines.append("| input | measure | stock pahole | two-step (pahole + resolve_btfids) "
                 "| single run (pahole + plugin) | two-step/stock | single/stock | single/two-step |")
    lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label in ("vmlinux", "modules"):
        res, runs = results[label]
        rows = (("CPU, user+sys (s)" + (", sum" if label == "modules" else ""), 1, 1.0, "%.2f"),
                ("peak RSS (MB)" + (", max" if label == "modules" else ""), 2, 1024.0, "%.1f"),
                ("wall (s)" + (", sum" if label == "modules" else ""), 0, 1.0, "%.2f"))
        for title, k, div, fmt in rows:
            s, t, o = (med(res[v], k) / div for v in VARIANTS)
            lines.append("| %s | %s | %s | %s | %s | %.3f | %.3f | %.3f |" % (
                names[label], title + " (median of %d)" % runs,
                fmt % s, fmt % t, fmt % o, t / s, o / s, o / t))
    notes = []
    for label in ("vmlinux", "modules"):
        res, runs = results[label]
        notes.append("- %s, CPU of every round (s): %s" % (names[label], "; ".join(
            "%s %s" % (v, " ".join("%.2f" % x[1] for x in res[v])) for v in VARIANTS)))
    for label in ("vmlinux", "modules"):
        notes.append("- outputs, single run vs two-step (%s, last round): %s" % (
            names[label], "byte-identical" if not checks[label]
            else "DIFFER: " + "; ".join(checks[label][:5])))
    notes.append("- pahole flags: `%s` (modules add `--btf_base vmlinux`)" % cfg["flags"])
    notes.append("- runs interleaved, order rotating per round; load average %.2f before, %.2f after"
                 % (load0[0], load1[0]))
    for i in cfg["info"]:
        notes.append("- " + i)
    text = "\n".join(lines + [""] + notes) + "\n"
    with open(cfg["out"], "w") as f:
        f.write(text)
    print()
    print(text, end="")
    bad = checks["vmlinux"] + checks["modules"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
