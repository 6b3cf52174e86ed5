#!/usr/bin/env python3
"""Ratios of the opt tier, AOT artifacts, Node and the interpreter against native code, side by
side in one run (issue 14, deliverable 6).

    python3 bench/opt_compare.py                          # build (release preset), run, print
    python3 bench/opt_compare.py --no-build --reps 5 --guests mixed,poly_gemm --json out.json

Per guest, N rounds (--reps); each round runs every runner once, one after the other, so the
runners see the same machine load (interleaved, not runner by runner). Runners:
  native       build/.../bench/native/G N           clang-19 -O2 -march=x86-64-v2 (generic)
  native-host  build/.../bench/native/host/G N      clang-19 -O2 -march=native -ffp-contract=off
  opt          nanowasm run --tier opt G.wasm --invoke run N   (JIT: compiles, then runs)
  aot          nanowasm run G.nwc --invoke run N    (artifact written once by nanowasm compile)
  node         node bench/run_node.mjs G.wasm N
  interp       nanowasm run G.wasm --invoke run N   (whole process only, first --interp-reps
                                                    rounds; --no-interp skips it)
and, in-process (the run() call alone, after compilation/loading and instantiation):
  opt-in, aot-in   opt_bench time opt|aot FILE N    (the runtime's public API, CLI defaults)
  opt-in:MODE      opt_bench time opt FILE N MODE   (--opt-modes: the opt tier's other bounds
                                                    modes, `explicit` bounds checks or
                                                    `relaxed` guard regions; one more table)
  the native runners and Node time run() themselves (native_main.c, run_node.mjs).
With --baseline DIR (another build directory, e.g. of main, built with the same targets), two
more runners time the opt tier of that build on the same .wasm files in the same rounds:
  opt-base     DIR/tools/nanowasm/nanowasm run --tier opt ...   (whole process: compile + run)
  opt-in:base  DIR/bench/opt_bench time opt FILE N
and one more table compares the two builds (run() time and compile CPU time, before/after).
--skip leaves runners out (e.g. --skip node,aot,aot-in,native-host for a quicker A/B run).

Every figure is the minimum over the rounds, as wall time and as CPU time: the machine is
shared, and CPU time (getrusage of the child for whole processes; CLOCK_PROCESS_CPUTIME_ID or
process.cpuUsage() around run()) is what load does not inflate (it still does a little: caches
and SMT siblings are shared). The ratios use CPU time. Each runner's checksum must equal
native's, or its cells print "wrong" and the script exits 1. Load averages at start and end
are printed. Standard library only.
"""

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# n per guest: native run() takes roughly 50-200 ms of CPU (-O2, generic x86-64) on this machine.
DEFAULT_N = {
    "mixed": 3000, "vm": 20000, "compress": 150, "hashtab": 400, "hash": 2000, "fib": 38,
    "sieve": 20_000_000, "matmul": 512, "dot": 5000,
    "poly_gemm": 800, "poly_2mm": 640, "poly_atax": 2000, "poly_bicg": 2000, "poly_mvt": 2000,
    "poly_gesummv": 1400, "poly_jacobi2d": 1000, "poly_seidel2d": 1000, "poly_floyd": 600,
    "poly_covariance": 900,
}
# The CoreMark-class figure is `mixed` (our CoreMark-like integer/control mix); the loop-kernel
# geomean is over the PolyBench-class kernels (poly_*).
COREMARK_CLASS = "mixed"
RUNNERS = ["native", "native-host", "opt", "aot", "node", "interp"]


class RunError(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd, timeout, allow_crash_after_output=False):
    """Runs cmd; returns (wall s, cpu s of the child and its threads, stdout, stderr)."""
    c0, t0 = children_cpu(), time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RunError(f"timeout after {timeout:g} s")
    wall, cpu = time.perf_counter() - t0, children_cpu() - c0
    if p.returncode != 0:
        complete = p.stdout.endswith("\n") and p.stdout.strip()
        if not (allow_crash_after_output and complete):
            raise RunError(f"exit {p.returncode}: {p.stderr.strip()[:300]}")
    return wall, cpu, p.stdout, p.stderr


def field(text, name):
    return float(text.split(name + "=")[1].split()[0])


class Runner:
    def __init__(self, name, cmd, parse):
        self.name, self.cmd, self.parse = name, cmd, parse
        self.best = {}  # wall, cpu, run, run_cpu, load -> min seconds
        self.checksum = None
        self.error = None

    def once(self, timeout):
        if self.error:
            return
        try:
            wall, cpu, out, err = timed(self.cmd, timeout, self.name == "node")
            rec = self.parse(out, err)
        except (RunError, IndexError, ValueError) as e:
            self.error = str(e)
            return
        rec["wall"], rec["cpu"] = wall, cpu
        if self.checksum is not None and rec["checksum"] != self.checksum:
            self.error = f"checksum changed between rounds: {rec['checksum']}"
        self.checksum = rec.pop("checksum")
        for k, v in rec.items():
            self.best[k] = min(self.best.get(k, math.inf), v)


def parse_native(out, err):
    return {"checksum": out.split()[0], "run": field(err, "run_ms") / 1e3,
            "run_cpu": field(err, "run_cpu_ms") / 1e3}


def parse_cli(out, _err):
    return {"checksum": out.split()[0].split(":")[0]}


def parse_node(out, _err):
    rec = json.loads(out.strip().splitlines()[-1])
    return {"checksum": rec["checksum"], "run": rec["run_ms"] / 1e3,
            "run_cpu": rec["run_cpu_ms"] / 1e3}


def parse_opt_bench(out, err):
    return {"checksum": out.split()[0], "run": field(err, "run_ms") / 1e3,
            "run_cpu": field(err, "run_cpu_ms") / 1e3, "load": field(err, "load_ms") / 1e3}


def build(build_dir, jobs):
    if build_dir == REPO / "build" / "release":
        subprocess.run(["cmake", "--preset", "release"], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", str(build_dir), "-j", str(jobs), "--target",
                    "bench_guests", "bench_native", "nanowasm", "opt_bench"], cwd=REPO, check=True)


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def fmt_s(x):
    if x is None or x == math.inf:
        return "—"
    if x < 0.01:
        return f"{x * 1e3:.2f} ms"
    return f"{x * 1e3:.0f} ms" if x < 10 else f"{x:.1f} s"


def fmt_r(x):
    return "—" if x is None else f"{x:.2f}×"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", type=Path, default=REPO / "build" / "release")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--guests", default=",".join(DEFAULT_N))
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every n (not fib's)")
    ap.add_argument("--no-interp", action="store_true", help="skip the interpreter column")
    ap.add_argument("--interp-reps", type=int, default=1,
                    help="rounds that also run the interpreter (the first ones; it is 5-25x "
                         "slower than the rest, and its ratio is not a target)")
    ap.add_argument("--opt-modes", default="",
                    help="comma-separated: also time run() on the opt tier in these bounds "
                         "modes (explicit, relaxed), in the same rounds; prints a table of "
                         "the modes side by side")
    ap.add_argument("--baseline", type=Path,
                    help="another build directory whose opt tier runs in the same rounds "
                         "(before/after comparisons)")
    ap.add_argument("--skip", default="",
                    help="comma-separated runners to leave out (native-host, opt, aot, aot-in, "
                         "node); native and opt-in always run")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    guests = args.guests.split(",")
    modes = [m for m in args.opt_modes.split(",") if m]
    if any(m not in ("explicit", "relaxed", "guard") for m in modes):
        ap.error("--opt-modes: explicit, relaxed or guard")
    unknown = [g for g in guests if g not in DEFAULT_N]
    if unknown:
        ap.error(f"unknown guest(s) {', '.join(unknown)}; known: {', '.join(DEFAULT_N)}")
    bd = args.build_dir.resolve()
    if not args.no_build:
        build(bd, args.jobs)
    cli = bd / "tools" / "nanowasm" / "nanowasm"
    opt_bench = bd / "bench" / "opt_bench"
    node = shutil.which("node")
    aot_dir = bd / "bench" / "aot"
    aot_dir.mkdir(exist_ok=True)

    load_start = os.getloadavg()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    log(f"opt_compare: {started}, load average {load_start[0]:.2f} {load_start[1]:.2f} "
        f"{load_start[2]:.2f}")
    results = []
    for g in guests:
        n = DEFAULT_N[g] if g == "fib" else max(2, int(DEFAULT_N[g] * args.scale))
        wasm = bd / "bench" / "wasm" / f"{g}.wasm"
        nwc = aot_dir / f"{g}.nwc"
        log(f"opt_compare: {g} n={n}")
        # The artifact is compiled once per invocation (its compile time is reported).
        compile_wall, compile_cpu, _, _ = timed([str(cli), "compile", str(wasm), "-o", str(nwc)],
                                                args.timeout)
        runners = [
            Runner("native", [str(bd / "bench" / "native" / g), str(n)], parse_native),
            Runner("native-host", [str(bd / "bench" / "native" / "host" / g), str(n)],
                   parse_native),
            Runner("opt", [str(cli), "run", "--tier", "opt", str(wasm), "--invoke", "run", str(n)],
                   parse_cli),
            Runner("opt-in", [str(opt_bench), "time", "opt", str(wasm), str(n)], parse_opt_bench),
            Runner("aot", [str(cli), "run", str(nwc), "--invoke", "run", str(n)], parse_cli),
            Runner("aot-in", [str(opt_bench), "time", "aot", str(nwc), str(n)], parse_opt_bench),
        ]
        runners += [Runner(f"opt-in:{m}", [str(opt_bench), "time", "opt", str(wasm), str(n), m],
                           parse_opt_bench) for m in modes]
        if node:
            runners.append(Runner("node", [node, str(REPO / "bench" / "run_node.mjs"), str(wasm),
                                           str(n)], parse_node))
        if args.baseline:
            base = args.baseline.resolve()
            runners += [
                Runner("opt-base", [str(base / "tools" / "nanowasm" / "nanowasm"), "run", "--tier",
                                    "opt", str(wasm), "--invoke", "run", str(n)], parse_cli),
                Runner("opt-in:base", [str(base / "bench" / "opt_bench"), "time", "opt", str(wasm),
                                       str(n)], parse_opt_bench)]
        skip = set(s for s in args.skip.split(",") if s) - {"native", "opt-in"}
        runners = [r for r in runners if r.name not in skip]
        if not args.no_interp:
            runners.append(Runner("interp", [str(cli), "run", str(wasm), "--invoke", "run",
                                             str(n)], parse_cli))
        for rnd in range(args.reps):
            for r in runners:
                if r.name != "interp" or rnd < args.interp_reps:
                    r.once(args.timeout)
        ref = runners[0].checksum
        res = {"guest": g, "n": n, "compile_wall": compile_wall, "compile_cpu": compile_cpu,
               "runners": {}}
        for r in runners:
            ok = r.error is None and r.checksum == ref
            err = r.error or (None if ok else f"checksum {r.checksum} != native {ref}")
            res["runners"][r.name] = {"ok": ok, "error": err, "checksum": r.checksum, **r.best}
            if err:
                log(f"opt_compare: {g} {r.name}: {err}")
        results.append(res)
    load_end = os.getloadavg()
    finished = time.strftime("%H:%M UTC", time.gmtime())
    print_tables(results, started, finished, load_start, load_end, args)
    if args.json:
        args.json.write_text(json.dumps({"started": started, "finished": finished,
                                         "load_start": load_start, "load_end": load_end,
                                         "results": results}, indent=1) + "\n")
    return 0 if all(r["ok"] for res in results for r in res["runners"].values()) else 1


def get(res, runner, key):
    r = res["runners"].get(runner)
    if not r or not r["ok"]:
        return None
    v = r.get(key)
    return None if v is None or v == math.inf else v


def ratio(res, a, b, key):
    x, y = get(res, a, key), get(res, b, key)
    return x / y if x and y else None


def print_tables(results, started, finished, ls, le, args):
    print(f"Run {started} to {finished}; load average at start {ls[0]:.2f} {ls[1]:.2f} "
          f"{ls[2]:.2f}, at end {le[0]:.2f} {le[1]:.2f} {le[2]:.2f}; min of {args.reps} "
          "interleaved rounds.\n")
    print("In-process: CPU time of the run() call alone (ratios against native -O2 generic "
          "x86-64-v2 and against native -march=native)\n")
    print("| guest | n | native | native-host | opt | aot | node | opt/native | opt/native-host "
          "| aot/native | aot/native-host | node/native | checksums |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for res in results:
        bad = [f"{k}: {v['error']}" for k, v in res["runners"].items() if not v["ok"]]
        cell = lambda k: fmt_s(get(res, k, "run_cpu")) if k not in res["runners"] or \
            res["runners"][k]["ok"] else "wrong"
        print(f"| {res['guest']} | {res['n']} | {cell('native')} | {cell('native-host')} "
              f"| {cell('opt-in')} | {cell('aot-in')} | {cell('node')} "
              f"| {fmt_r(ratio(res, 'opt-in', 'native', 'run_cpu'))} "
              f"| {fmt_r(ratio(res, 'opt-in', 'native-host', 'run_cpu'))} "
              f"| {fmt_r(ratio(res, 'aot-in', 'native', 'run_cpu'))} "
              f"| {fmt_r(ratio(res, 'aot-in', 'native-host', 'run_cpu'))} "
              f"| {fmt_r(ratio(res, 'node', 'native', 'run_cpu'))} "
              f"| {'agree' if not bad else '; '.join(bad)} |")
    print("\nWhole process: CPU time (user + system, all threads) and wall time of each process "
          "(opt includes compiling; aot loads the artifact)\n")
    print("| guest | native | native-host | opt | aot | node | interp | opt/native | "
          "aot/native | interp/native | wall: native | opt | aot | compile (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for res in results:
        c = lambda k: fmt_s(get(res, k, "cpu"))
        w = lambda k: fmt_s(get(res, k, "wall"))
        print(f"| {res['guest']} | {c('native')} | {c('native-host')} | {c('opt')} | {c('aot')} "
              f"| {c('node')} | {c('interp')} | {fmt_r(ratio(res, 'opt', 'native', 'cpu'))} "
              f"| {fmt_r(ratio(res, 'aot', 'native', 'cpu'))} "
              f"| {fmt_r(ratio(res, 'interp', 'native', 'cpu'))} | {w('native')} | {w('opt')} "
              f"| {w('aot')} | {fmt_s(res['compile_cpu'])} |")
    modes = [m for m in args.opt_modes.split(",") if m]
    poly = [r for r in results if r["guest"].startswith("poly_")]
    integer = [r for r in results if r["guest"] in ("mixed", "vm", "compress", "hashtab")]
    if args.baseline:
        print(f"\nBaseline {args.baseline} (before) against this build (after): in-process CPU "
              "time of run(), ratios against native -O2 generic x86-64-v2; whole-process CPU "
              "time of `run --tier opt` (compile + run)\n")
        print("| guest | native | before | after | before/native | after/native | after/before "
              "| process before | process after |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for res in results:
            print(f"| {res['guest']} | {fmt_s(get(res, 'native', 'run_cpu'))} "
                  f"| {fmt_s(get(res, 'opt-in:base', 'run_cpu'))} "
                  f"| {fmt_s(get(res, 'opt-in', 'run_cpu'))} "
                  f"| {fmt_r(ratio(res, 'opt-in:base', 'native', 'run_cpu'))} "
                  f"| {fmt_r(ratio(res, 'opt-in', 'native', 'run_cpu'))} "
                  f"| {fmt_r(ratio(res, 'opt-in', 'opt-in:base', 'run_cpu'))} "
                  f"| {fmt_s(get(res, 'opt-base', 'cpu'))} | {fmt_s(get(res, 'opt', 'cpu'))} |")
        for name, rs in ((f"geomean of {len(poly)} poly_*", poly),
                         (f"geomean of {len(integer)} integer (mixed, vm, compress, hashtab)",
                          integer),
                         (f"geomean of all {len(results)}", results)):
            if rs:
                g = lambda a, b, k="run_cpu": fmt_r(geomean([ratio(r, a, b, k) for r in rs]))
                print(f"| {name} | | | | {g('opt-in:base', 'native')} | {g('opt-in', 'native')} "
                      f"| {g('opt-in', 'opt-in:base')} | | {g('opt', 'opt-base', 'cpu')} |")
    if modes:
        print("\nBounds modes of the opt tier: in-process CPU time of run(); opt = the default "
              "(guard regions, exact); ratios against native -O2 generic x86-64-v2\n")
        print("| guest | native | opt | " + " | ".join(f"opt {m}" for m in modes) +
              " | opt/native | " + " | ".join(f"{m}/native" for m in modes) + " |")
        print("|---|" + "---:|" * (3 + 2 * len(modes)))
        for res in results:
            cells = [fmt_s(get(res, k, "run_cpu")) for k in
                     ["native", "opt-in"] + [f"opt-in:{m}" for m in modes]]
            rs = [fmt_r(ratio(res, k, "native", "run_cpu")) for k in
                  ["opt-in"] + [f"opt-in:{m}" for m in modes]]
            print(f"| {res['guest']} | " + " | ".join(cells + rs) + " |")
        for name, rs in ((f"geomean of {len(poly)} poly_*", poly),
                         ("geomean of mixed, vm, compress, hashtab",
                          [r for r in results if r["guest"] in ("mixed", "vm", "compress",
                                                                 "hashtab")])):
            if rs:
                print(f"| {name} | | | " + " | " * len(modes) + " | ".join(
                    fmt_r(geomean([ratio(r, k, "native", "run_cpu") for r in rs]))
                    for k in ["opt-in"] + [f"opt-in:{m}" for m in modes]) + " |")
    print("\nSummary (in-process CPU-time ratios)\n")
    print("| figure | opt/native | opt/native-host | aot/native | aot/native-host | node/native |")
    print("|---|---:|---:|---:|---:|---:|")
    rows = []
    if poly:
        rows.append((f"loop kernels, geomean of {len(poly)} poly_*", poly))
    cm = [r for r in results if r["guest"] == COREMARK_CLASS]
    if cm:
        rows.append((f"CoreMark-class ({COREMARK_CLASS})", cm))
    if integer:
        rows.append((f"integer programs, geomean of {len(integer)} (mixed, vm, compress, hashtab)",
                     integer))
    for name, rs in rows:
        g = lambda a, b: fmt_r(geomean([ratio(r, a, b, "run_cpu") for r in rs]))
        print(f"| {name} | {g('opt-in', 'native')} | {g('opt-in', 'native-host')} "
              f"| {g('aot-in', 'native')} | {g('aot-in', 'native-host')} | {g('node', 'native')} |")


if __name__ == "__main__":
    sys.exit(main())
