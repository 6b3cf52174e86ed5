#!/usr/bin/env python3
"""Runs every benchmark guest natively, under Node (V8) and under the nanowasm interpreter,
checks that all three computed the same checksum, and prints a markdown table.

    python3 bench/compare.py                  # build (release preset), run, print the table
    python3 bench/compare.py --no-build --build-dir build/release --reps 5 --guests fib,sieve

Timing: each runner is a fresh process, timed from the outside (wall clock, best of --reps);
the table's "native", "node" and "nanowasm" columns are those process times, so all three
include process start, module loading and (for wasm) compilation or translation. Two
in-process figures are shown beside them: the native run() call alone and Node's run() call
after WebAssembly.compile/instantiate. Standard library only; one whole run stays under
~3 minutes on a 2-core machine unless the interpreter is very slow (see --timeout).
"""

import argparse
import json
import math
import shutil
import subprocess
import sys
import time
from pathlib import Path

# Sizes chosen so the native run() takes roughly 30-150 ms on a ~2020 x86-64 core.
DEFAULT_N = {"sieve": 20_000_000, "matmul": 512, "hash": 2000, "fib": 38, "mixed": 3000,
             "dot": 5000, "dot_simd": 5000}
# A "<guest>_simd" row runs the -msimd128 build of <guest>; its native column is the same native
# program (clang vectorizes that one with SSE4.2 either way).
def native_name(guest):
    return guest[:-len("_simd")] if guest.endswith("_simd") else guest
REPO = Path(__file__).resolve().parent.parent


class RunError(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def build(build_dir, jobs):
    """Configures the release preset (or the given build dir) and builds only what is needed.
    Returns False when the nanowasm CLI does not build (the other columns still run)."""
    if build_dir == REPO / "build" / "release":
        subprocess.run(["cmake", "--preset", "release"], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL)
    elif not (build_dir / "build.ninja").exists():
        raise SystemExit(f"{build_dir} is not configured; configure it with "
                         "-DNANOWASM_BUILD_BENCH=ON or use the release preset")
    build_cmd = ["cmake", "--build", str(build_dir), "-j", str(jobs), "--target"]
    subprocess.run(build_cmd + ["bench_guests", "bench_native"], cwd=REPO, check=True)
    r = subprocess.run(build_cmd + ["nanowasm"], cwd=REPO)
    if r.returncode != 0:
        log("compare: the nanowasm CLI did not build; its column is left empty")
        return False
    return True


def timed(cmd, timeout, allow_crash_after_output=False):
    """Runs cmd once; returns (wall seconds, stdout, stderr)."""
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RunError(f"timeout after {timeout:g} s")
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        # Node 20 sometimes segfaults while exiting after a big wasm program; the result line
        # was written synchronously before exit, so a complete line still counts.
        complete = p.stdout.endswith("\n") and p.stdout.strip()
        if not (allow_crash_after_output and complete):
            raise RunError(f"exit {p.returncode}: {p.stderr.strip()[:300]}")
        log(f"compare: {cmd[0]} crashed after printing its result (exit {p.returncode}); kept")
    return wall, p.stdout, p.stderr


def run_native(exe, n, reps, timeout):
    best_wall, best_run, checksum = float("inf"), float("inf"), None
    for _ in range(reps):
        wall, out, err = timed([str(exe), str(n)], timeout)
        checksum = out.split()[0]
        run_ms = float(err.split("run_ms=")[1].split()[0])
        best_wall, best_run = min(best_wall, wall), min(best_run, run_ms / 1e3)
    return {"checksum": checksum, "wall": best_wall, "inner": best_run}


def run_node(node, wasm, n, reps, timeout):
    script = REPO / "bench" / "run_node.mjs"
    best_wall, best_run, checksum = float("inf"), float("inf"), None
    for _ in range(reps):
        wall, out, _ = timed([node, str(script), str(wasm), str(n)], timeout,
                             allow_crash_after_output=True)
        rec = json.loads(out.strip().splitlines()[-1])
        checksum = rec["checksum"]
        best_wall, best_run = min(best_wall, wall), min(best_run, rec["run_ms"] / 1e3)
    return {"checksum": checksum, "wall": best_wall, "inner": best_run}


def run_nanowasm(cli, wasm, n, reps, timeout):
    best_wall, checksum = float("inf"), None
    for _ in range(reps):
        wall, out, _ = timed([str(cli), "run", str(wasm), "--invoke", "run", str(n)], timeout)
        # The CLI prints one result per line; accept a "value:type" suffix if it grows one.
        checksum = out.split()[0].split(":")[0] if out.split() else ""
        best_wall = min(best_wall, wall)
    return {"checksum": checksum, "wall": best_wall}


def fmt_s(x):
    if x is None:
        return "—"
    if x < 0.01:
        return f"{x * 1e3:.1f} ms"
    return f"{x * 1e3:.0f} ms" if x < 10 else f"{x:.1f} s"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", type=Path, default=REPO / "build" / "release")
    ap.add_argument("--no-build", action="store_true", help="use the build dir as it is")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3, help="runs per runner; the best is kept")
    ap.add_argument("--guests", default=",".join(DEFAULT_N), help="comma-separated subset")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply every n (fib: adds log_phi(scale)); for quick checks")
    ap.add_argument("--nanowasm", type=Path,
                    help="CLI to time instead of BUILD_DIR/tools/nanowasm/nanowasm")
    ap.add_argument("--json", type=Path, help="also write the raw figures (seconds) here")
    ap.add_argument("--timeout", type=float, default=90.0, help="seconds per process run")
    args = ap.parse_args()
    build_dir = args.build_dir.resolve()
    unknown = [g for g in args.guests.split(",") if g not in DEFAULT_N]
    if unknown:
        ap.error(f"unknown guest(s) {', '.join(unknown)}; known: {', '.join(DEFAULT_N)}")

    have_cli = True
    if not args.no_build:
        have_cli = build(build_dir, args.jobs)
    cli = args.nanowasm or build_dir / "tools" / "nanowasm" / "nanowasm"
    have_cli = (have_cli or args.nanowasm is not None) and cli.exists()
    node = shutil.which("node")
    if not node:
        log("compare: node not found; its column is left empty")

    rows, failures = [], 0
    for guest in args.guests.split(","):
        n = DEFAULT_N[guest]
        if args.scale != 1.0:
            if guest == "fib":
                n = max(1, n + round(math.log(args.scale) / math.log(1.618)))
            else:
                n = max(1, int(n * args.scale))
        wasm = build_dir / "bench" / "wasm" / f"{guest}.wasm"
        exe = build_dir / "bench" / "native" / native_name(guest)
        log(f"compare: {guest} n={n}")
        native = run_native(exe, n, args.reps, args.timeout)
        nodej = interp = None
        notes = []
        if node:
            try:
                nodej = run_node(node, wasm, n, args.reps, args.timeout)
            except RunError as e:
                notes.append(f"node: {e}")
                failures += 1
        if have_cli:
            try:
                interp = run_nanowasm(cli, wasm, n, args.reps, args.timeout)
            except RunError as e:
                notes.append(f"nanowasm: {e}")
                failures += 1
        for name, res in (("node", nodej), ("nanowasm", interp)):
            if res and res["checksum"] != native["checksum"]:
                notes.append(f"{name} checksum {res['checksum']} != native {native['checksum']}")
                failures += 1
        rows.append((guest, n, native, nodej, interp, notes))

    print("| guest | n | native | node | nanowasm | interp/native | interp/node "
          "| native run() | node run() | checksum |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for guest, n, native, nodej, interp, notes in rows:
        iw = interp["wall"] if interp and interp["checksum"] == native["checksum"] else None
        if iw is not None:
            nw_cell = fmt_s(iw)
        else:
            nw_cell = "wrong" if interp else "failed" if have_cli else "not measured"
        r_native = f"{iw / native['wall']:.1f}x" if iw else "—"
        r_node = f"{iw / nodej['wall']:.1f}x" if iw and nodej else "—"
        status = "agree" if not notes else "; ".join(notes)
        print(f"| {guest} | {n} | {fmt_s(native['wall'])} | {fmt_s(nodej and nodej['wall'])} "
              f"| {nw_cell} | {r_native} | {r_node} | {fmt_s(native['inner'])} "
              f"| {fmt_s(nodej and nodej['inner'])} | {status} |")
    if args.json:
        args.json.write_text(json.dumps(
            [{"guest": g, "n": n, "native": nat, "node": nd, "nanowasm": it, "notes": notes}
             for g, n, nat, nd, it, notes in rows], indent=1) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
