#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Measure btfids against the reference resolve_btfids (see bench/run.sh).

bench.py CONFIG: CONFIG is a file of KEY=VALUE lines written by run.sh:
  oracle, btfids, pahole       the programs
  release                      the Linux release (7.2 if absent)
  stock                        optional: resolve_btfids as built in the
                               kernel tree (its own libbpf), for context
  pahole_flags                 pahole's flags, space separated
  vmlinux, vm_btf1             vmlinux and its pahole output
  module=KO BTF1 NAME          one line per module of the set (split mode)
  callgrind=NAME               modules also measured with callgrind
  work, out                    scratch directory, results file (markdown)
  runs                         timed runs per tool (median reported)
  info=TEXT                    lines for the results header
Only the standard library is used. Wall time comes from a monotonic clock
around fork/exec/wait; CPU time and peak RSS from wait4()'s rusage.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__))))
from benchconfig import load_config  # noqa: E402


def run(argv, cwd):
    """Run argv in cwd; return (wall s, cpu s, maxrss KiB, exit status)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, p.returncode


def callgrind_ir(argv, cwd, outfile):
    """Instructions executed (Ir) of argv under callgrind."""
    subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + outfile]
                   + argv, cwd=cwd, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    total = None
    with open(outfile) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1])
    if total is None:
        raise RuntimeError("no totals in " + outfile)
    return total


def fresh_dir(path, link_name, target):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    os.symlink(target, os.path.join(path, link_name))


def progress(t0, msg):
    print("-- [%4ds] %s" % (time.monotonic() - t0, msg), flush=True)


class Bench:
    """One benchmark run: the tools, their scratch directories, the results."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.t0 = time.monotonic()
        self.tools = {"oracle": cfg["oracle"], "btfids": cfg["btfids"]}
        self.runs = int(cfg.get("runs", "5"))
        self.work = cfg["work"]
        self.vm_args = ["--btf", cfg["vm_btf1"], "vmlinux"]
        self.mods = []
        self.res = {t: {"vm_wall": [], "vm_cpu": [], "vm_rss": 0,
                        "set_wall": [], "set_cpu": [], "set_rss": 0} for t in self.tools}
        self.ir = {}

    def progress(self, msg):
        progress(self.t0, msg)

    def prepare(self):
        """One directory per tool and input: outputs land next to the symlink."""
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        for t in self.tools:
            fresh_dir(os.path.join(self.work, "vm", t), "vmlinux", self.cfg["vmlinux"])
        for i, line in enumerate(self.cfg["module"]):
            ko, btf1, name = line.split()
            for t in self.tools:
                fresh_dir(os.path.join(self.work, "mod", str(i), t), "m.ko", ko)
            self.mods.append((i, name, ["--btf", btf1, "--btf_base", self.cfg["vmlinux"],
                                        "m.ko"]))

    def vm_run(self, t):
        return run([self.tools[t]] + self.vm_args, os.path.join(self.work, "vm", t))

    def mod_run(self, t, i, args):
        return run([self.tools[t]] + args, os.path.join(self.work, "mod", str(i), t))

    def warm_up(self):
        """Warm the page cache, check that everything runs."""
        for t in self.tools:
            r = self.vm_run(t)
            if r[3] != 0:
                sys.exit("%s failed on vmlinux (exit %d)" % (t, r[3]))
            for i, name, args in self.mods:
                r = self.mod_run(t, i, args)
                if r[3] != 0:
                    sys.exit("%s failed on %s (exit %d)" % (t, name, r[3]))

    def interleaved(self):
        """The tools' order for each timed round: alternating."""
        for k in range(self.runs):
            yield list(self.tools) if k % 2 == 0 else list(self.tools)[::-1]

    def time_vmlinux(self):
        self.progress("vmlinux: %d timed runs per tool, interleaved" % self.runs)
        for order in self.interleaved():
            for t in order:
                wall, cpu, rss, _ = self.vm_run(t)
                self.res[t]["vm_wall"].append(wall)
                self.res[t]["vm_cpu"].append(cpu)
                self.res[t]["vm_rss"] = max(self.res[t]["vm_rss"], rss)

    def time_modules(self):
        self.progress("modules: %d timed runs of the %d-module set per tool, interleaved"
                      % (self.runs, len(self.mods)))
        for order in self.interleaved():
            for t in order:
                start = time.perf_counter()
                cpu = 0.0
                for i, name, args in self.mods:
                    _, c, rss, _ = self.mod_run(t, i, args)
                    cpu += c
                    self.res[t]["set_rss"] = max(self.res[t]["set_rss"], rss)
                self.res[t]["set_wall"].append(time.perf_counter() - start)
                self.res[t]["set_cpu"].append(cpu)

    def compare_outputs(self):
        """Sanity (not a test): the last outputs of both tools should agree."""
        d = lambda *p: os.path.join(self.work, *p)
        self.vm_same = same_outputs(d("vm", "oracle"), d("vm", "btfids"))
        self.mod_same = sum(same_outputs(d("mod", str(i), "oracle"), d("mod", str(i), "btfids"))
                            for i, _, _ in self.mods)

    def count_instructions(self):
        cg_dir = os.path.join(self.work, "callgrind")
        os.makedirs(cg_dir)
        self.progress("callgrind: vmlinux and %s" % ", ".join(self.cfg["callgrind"]))
        for t in self.tools:
            self.ir[("vmlinux", t)] = callgrind_ir(
                [self.tools[t]] + self.vm_args, os.path.join(self.work, "vm", t),
                os.path.join(cg_dir, "vmlinux." + t))
        for cname in self.cfg["callgrind"]:
            for i, name, args in self.mods:
                if name != cname:
                    continue
                for t in self.tools:
                    self.ir[(name, t)] = callgrind_ir(
                        [self.tools[t]] + args, os.path.join(self.work, "mod", str(i), t),
                        os.path.join(cg_dir, name.replace("/", "_") + "." + t))

    def stock_context(self):
        """The stock resolve_btfids on vmlinux: (wall, cpu, rss, worst exit) or None."""
        if not self.cfg.get("stock"):
            return None
        self.progress("stock resolve_btfids: %d runs on vmlinux" % self.runs)
        sdir = os.path.join(self.work, "vm", "stock")
        fresh_dir(sdir, "vmlinux", self.cfg["vmlinux"])
        sr = [run([self.cfg["stock"]] + self.vm_args, sdir) for _ in range(self.runs + 1)][1:]
        return (statistics.median(r[0] for r in sr), statistics.median(r[1] for r in sr),
                max(r[2] for r in sr), max(r[3] for r in sr))

    def pahole_context(self):
        """One run of pahole on vmlinux: (wall, cpu, rss, exit, same output as cached)."""
        self.progress("pahole: one run on vmlinux")
        pdir = os.path.join(self.work, "pahole")
        out = os.path.join(pdir, "vmlinux.BTF.1")
        os.makedirs(pdir)
        r = run([self.cfg["pahole"]] + self.cfg["pahole_flags"].split()
                + ["--btf_encode_detached=" + out, self.cfg["vmlinux"]], pdir)
        same = False
        if os.path.exists(out):
            same = open(out, "rb").read() == open(self.cfg["vm_btf1"], "rb").read()
            os.unlink(out)
        return r + (same,)

    def report(self, stock, pahole):
        cfg, runs, ir = self.cfg, self.runs, self.ir
        med = statistics.median
        o, b = self.res["oracle"], self.res["btfids"]
        p_wall, p_cpu, p_rss, p_rc, same = pahole
        nset = "%d modules, split" % len(self.mods)
        lines = [
            "# btfids vs resolve_btfids (Linux %s) on a real kernel" % self.cfg.get("release", "7.2"),
            "",
        ] + ["- " + s for s in cfg["info"]] + [
            "- wall and CPU: median of %d runs per tool (runs interleaved, after one"
            " warm-up run); CPU is user+sys from wait4(); peak RSS is the maximum" % runs,
            "  ru_maxrss over all runs (for the module set: over all modules).",
            "- module set: the same modules as tests/kernel/run.sh, each resolved as"
            " `--btf M.BTF.1 --btf_base vmlinux M.ko`, one process per module, run"
            " back to back.",
            "",
            "| input | metric | oracle | btfids | btfids/oracle |",
            "|---|---|---:|---:|---:|",
            row("vmlinux", "wall (s)", med(o["vm_wall"]), med(b["vm_wall"]), "%.3f"),
            row("vmlinux", "CPU (s)", med(o["vm_cpu"]), med(b["vm_cpu"]), "%.3f"),
            row("vmlinux", "peak RSS (MiB)", mib(o["vm_rss"]), mib(b["vm_rss"]), "%.1f"),
            row("vmlinux", "instructions (callgrind Ir)", ir[("vmlinux", "oracle")],
                ir[("vmlinux", "btfids")], "%d"),
            row(nset, "wall of the set (s)", med(o["set_wall"]), med(b["set_wall"]), "%.3f"),
            row(nset, "CPU of the set (s)", med(o["set_cpu"]), med(b["set_cpu"]), "%.3f"),
            row(nset, "peak RSS (MiB)", mib(o["set_rss"]), mib(b["set_rss"]), "%.1f"),
        ]
        for cname in cfg["callgrind"]:
            if (cname, "oracle") in ir:
                lines.append(row(cname + " (split)", "instructions (callgrind Ir)",
                                 ir[(cname, "oracle")], ir[(cname, "btfids")], "%d"))
        lines += [
            "",
            "Context, stock pahole %s on the same vmlinux (one run, `%s`): wall %.2f s,"
            " CPU %.2f s, peak RSS %.1f MiB, exit %d; output %s the cached vmlinux.BTF.1."
            % (cfg.get("pahole_version", "?"), cfg["pahole_flags"], p_wall, p_cpu,
               mib(p_rss), p_rc, "identical to" if same else "DIFFERENT from"),
            "The resolve step (oracle) costs %.1f%% of pahole's wall time and %.1f%% of"
            " its peak RSS on vmlinux."
            % (100 * med(o["vm_wall"]) / p_wall, 100 * o["vm_rss"] / p_rss),
        ]
        if stock:
            lines.append(
                "Stock resolve_btfids (kernel tree build, libbpf 1.8-dev) on vmlinux: wall %.3f s,"
                " CPU %.3f s, peak RSS %.1f MiB (median of %d runs, worst exit %d)."
                % (stock[0], stock[1], mib(stock[2]), runs, stock[3]))
        lines += [
            "",
            "Outputs of the last timed run: vmlinux %s, modules %d/%d identical."
            % ("identical" if self.vm_same else "DIFFERENT", self.mod_same, len(self.mods)),
        ]
        return "\n".join(lines) + "\n"


def same_outputs(a, b):
    """Do directories @a and @b hold the same files (symlinks aside), byte for byte?"""
    names = sorted(n for n in os.listdir(a) if not os.path.islink(os.path.join(a, n)))
    if names != sorted(n for n in os.listdir(b) if not os.path.islink(os.path.join(b, n))):
        return False
    for n in names:
        with open(os.path.join(a, n), "rb") as fa, open(os.path.join(b, n), "rb") as fb:
            if fa.read() != fb.read():
                return False
    return True


def mib(kib):
    return kib / 1024.0


def row(inp, metric, o, b, fmt):
    ratio = "%.2f" % (b / o) if o else "n/a"
    return "| %s | %s | %s | %s | %s |" % (inp, metric, fmt % o, fmt % b, ratio)


def main():
    bench = Bench(load_config(sys.argv[1], ("module", "callgrind", "info")))
    bench.prepare()
    bench.warm_up()
    bench.time_vmlinux()
    bench.time_modules()
    bench.compare_outputs()
    bench.count_instructions()
    stock = bench.stock_context()
    pahole = bench.pahole_context()
    text = bench.report(stock, pahole)
    with open(bench.cfg["out"], "w") as f:
        f.write(text)
    bench.progress("done")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
