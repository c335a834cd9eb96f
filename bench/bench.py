#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Measure btfids against the reference resolve_btfids (see bench/run.sh).

bench.py CONFIG: CONFIG is a file of KEY=VALUE lines written by run.sh:
  oracle, btfids, pahole       the programs
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


def main():
    cfg = load_config(sys.argv[1], ("module", "callgrind", "info"))
    t0 = time.monotonic()
    tools = {"oracle": cfg["oracle"], "btfids": cfg["btfids"]}
    runs = int(cfg.get("runs", "5"))
    work = cfg["work"]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)

    # vmlinux: one directory per tool, outputs land next to the symlink.
    vm_args = ["--btf", cfg["vm_btf1"], "vmlinux"]
    for t in tools:
        fresh_dir(os.path.join(work, "vm", t), "vmlinux", cfg["vmlinux"])
    mods = []
    for i, line in enumerate(cfg["module"]):
        ko, btf1, name = line.split()
        for t in tools:
            fresh_dir(os.path.join(work, "mod", str(i), t), "m.ko", ko)
        mods.append((i, name, ["--btf", btf1, "--btf_base", cfg["vmlinux"], "m.ko"]))

    def vm_run(t):
        return run([tools[t]] + vm_args, os.path.join(work, "vm", t))

    def mod_run(t, i, args):
        return run([tools[t]] + args, os.path.join(work, "mod", str(i), t))

    # Warm the page cache, check that everything runs.
    for t in tools:
        r = vm_run(t)
        if r[3] != 0:
            sys.exit("%s failed on vmlinux (exit %d)" % (t, r[3]))
        for i, name, args in mods:
            r = mod_run(t, i, args)
            if r[3] != 0:
                sys.exit("%s failed on %s (exit %d)" % (t, name, r[3]))

    res = {t: {"vm_wall": [], "vm_cpu": [], "vm_rss": 0,
               "set_wall": [], "set_cpu": [], "set_rss": 0} for t in tools}
    progress(t0, "vmlinux: %d timed runs per tool, interleaved" % runs)
    for k in range(runs):
        order = list(tools) if k % 2 == 0 else list(tools)[::-1]
        for t in order:
            wall, cpu, rss, _ = vm_run(t)
            res[t]["vm_wall"].append(wall)
            res[t]["vm_cpu"].append(cpu)
            res[t]["vm_rss"] = max(res[t]["vm_rss"], rss)
    progress(t0, "modules: %d timed runs of the %d-module set per tool, interleaved"
             % (runs, len(mods)))
    for k in range(runs):
        order = list(tools) if k % 2 == 0 else list(tools)[::-1]
        for t in order:
            start = time.perf_counter()
            cpu = 0.0
            for i, name, args in mods:
                _, c, rss, _ = mod_run(t, i, args)
                cpu += c
                res[t]["set_rss"] = max(res[t]["set_rss"], rss)
            res[t]["set_wall"].append(time.perf_counter() - start)
            res[t]["set_cpu"].append(cpu)

    # Sanity (not a test): the last outputs of both tools should agree.
    def same_outputs(a, b):
        names = sorted(n for n in os.listdir(a) if not os.path.islink(os.path.join(a, n)))
        if names != sorted(n for n in os.listdir(b) if not os.path.islink(os.path.join(b, n))):
            return False
        for n in names:
            with open(os.path.join(a, n), "rb") as fa, open(os.path.join(b, n), "rb") as fb:
                if fa.read() != fb.read():
                    return False
        return True

    vm_same = same_outputs(os.path.join(work, "vm", "oracle"), os.path.join(work, "vm", "btfids"))
    mod_same = sum(same_outputs(os.path.join(work, "mod", str(i), "oracle"),
                                os.path.join(work, "mod", str(i), "btfids"))
                   for i, _, _ in mods)

    # Instruction counts.
    ir = {}
    cg_dir = os.path.join(work, "callgrind")
    os.makedirs(cg_dir)
    progress(t0, "callgrind: vmlinux and %s" % ", ".join(cfg["callgrind"]))
    for t in tools:
        ir[("vmlinux", t)] = callgrind_ir([tools[t]] + vm_args, os.path.join(work, "vm", t),
                                          os.path.join(cg_dir, "vmlinux." + t))
    for cname in cfg["callgrind"]:
        for i, name, args in mods:
            if name != cname:
                continue
            for t in tools:
                ir[(name, t)] = callgrind_ir(
                    [tools[t]] + args, os.path.join(work, "mod", str(i), t),
                    os.path.join(cg_dir, name.replace("/", "_") + "." + t))

    # Context: the stock resolve_btfids on vmlinux.
    stock = None
    if cfg.get("stock"):
        progress(t0, "stock resolve_btfids: %d runs on vmlinux" % runs)
        fresh_dir(os.path.join(work, "vm", "stock"), "vmlinux", cfg["vmlinux"])
        sr = [run([cfg["stock"]] + vm_args, os.path.join(work, "vm", "stock"))
              for _ in range(runs + 1)][1:]
        stock = (statistics.median(r[0] for r in sr), statistics.median(r[1] for r in sr),
                 max(r[2] for r in sr), max(r[3] for r in sr))

    # Context: one run of pahole on vmlinux.
    progress(t0, "pahole: one run on vmlinux")
    pdir = os.path.join(work, "pahole")
    os.makedirs(pdir)
    p_wall, p_cpu, p_rss, p_rc = run(
        [cfg["pahole"]] + cfg["pahole_flags"].split()
        + ["--btf_encode_detached=" + os.path.join(pdir, "vmlinux.BTF.1"), cfg["vmlinux"]],
        pdir)
    if os.path.exists(os.path.join(pdir, "vmlinux.BTF.1")):
        same = open(os.path.join(pdir, "vmlinux.BTF.1"), "rb").read() == \
            open(cfg["vm_btf1"], "rb").read()
        os.unlink(os.path.join(pdir, "vmlinux.BTF.1"))
    else:
        same = False

    # Report.
    med = statistics.median
    mib = lambda kib: kib / 1024.0

    def row(inp, metric, o, b, fmt):
        ratio = "%.2f" % (b / o) if o else "n/a"
        return "| %s | %s | %s | %s | %s |" % (inp, metric, fmt % o, fmt % b, ratio)

    o, b = res["oracle"], res["btfids"]
    nset = "%d modules, split" % len(mods)
    lines = [
        "# btfids vs resolve_btfids (Linux 7.2) on a real kernel",
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
        % ("identical" if vm_same else "DIFFERENT", mod_same, len(mods)),
    ]
    text = "\n".join(lines) + "\n"
    with open(cfg["out"], "w") as f:
        f.write(text)
    progress(t0, "done")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
