"""Per-evaluation cost of the measurement engine against the bare in-process cost and a
naive subprocess route, on small / medium / large bundled programs.

    .venv/bin/python benchmarks/bench_engine.py            # markdown table on stdout
    .venv/bin/python benchmarks/bench_engine.py --json     # one JSON document

Routes, all on the same seeded random pass lists (length 1..50 from the search space):
- bare:       one process, direct LLVM-C calls: parse + passes + codegen (the floor)
- engine 1w:  Engine(workers=1), no cache, no codegen reuse: crash isolation, verification,
              instruction count and hashing on top of the bare work
- engine 2w:  the same with two worker processes (throughput)
- subprocess: in-process passes, then `clang-17 -O2 -Xclang -disable-llvm-passes -c` on the
              optimised bitcode per evaluation, as a naive tool without `opt`/`llc` does
- cache hit:  Engine.measure on a result already in the SQLite cache
Targets (issue 2): engine within 10 % of bare, >= 5x faster than subprocess on the small
program, 2 workers >= 1.8x one worker, cache hits under 1 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from compilerlm.corpus import load_unit
from compilerlm.toolchain.elf import object_size
from compilerlm.toolchain.engine import Engine
from compilerlm.toolchain.libllvm import CodegenOptions, LibLLVM
from compilerlm.toolchain.locate import find_toolchain
from compilerlm.toolchain.passes import parse_pass_list, search_space

EXAMPLES = Path(__file__).resolve().parent.parent / "src" / "compilerlm" / "examples"
PROGRAMS = {"small": ("fnptr.c", 120), "medium": ("interp.c", 60), "large": ("toolkit.c", 24)}


def random_pipelines(n: int, seed: int, max_length: int) -> list[str]:
    rng = random.Random(seed)
    space = [p.name for p in search_space()]
    return [parse_pass_list([rng.choice(space) for _ in range(rng.randint(1, max_length))]
                            ).pipeline for _ in range(n)]


def bare(unit, pipelines) -> float:
    llvm = LibLLVM.load()
    opts = CodegenOptions()
    start = time.perf_counter()
    for p in pipelines:
        ctx = llvm.create_context()
        mod = llvm.parse(ctx, unit.ir)
        tm = llvm.target_machine(llvm.triple(mod), opts)
        if not llvm.run_passes(mod, p, tm):
            object_size(llvm.emit(mod, tm))
        llvm.dispose_context(ctx)
    return (time.perf_counter() - start) / len(pipelines)


def subprocess_route(unit, pipelines) -> float:
    llvm = LibLLVM.load()
    clang = str(find_toolchain().clang)
    opts = CodegenOptions()
    with tempfile.TemporaryDirectory() as tmp:
        bc, obj = Path(tmp) / "opt.bc", Path(tmp) / "opt.o"
        start = time.perf_counter()
        for p in pipelines:
            ctx = llvm.create_context()
            mod = llvm.parse(ctx, unit.ir)
            tm = llvm.target_machine(llvm.triple(mod), opts)
            if not llvm.run_passes(mod, p, tm):
                bc.write_bytes(llvm.bitcode(mod))
                subprocess.run([clang, "-O2", "-Xclang", "-disable-llvm-passes", "-c", str(bc),
                                "-o", str(obj)], check=True, capture_output=True)
                object_size(obj.read_bytes())
            llvm.dispose_context(ctx)
        return (time.perf_counter() - start) / len(pipelines)


def engine_route(unit, pipelines, workers: int) -> float:
    with Engine(workers=workers, use_cache=False, reuse_codegen=False) as eng:
        eng.measure(unit, pipelines[0], raw=True)  # start the workers, load the program
        start = time.perf_counter()
        results = eng.measure_many([(unit, p) for p in pipelines], raw=True)
        elapsed = time.perf_counter() - start
    assert all(r.status in ("ok", "invalid_pipeline", "verifier_failure", "crash") for r in results)
    return elapsed / len(pipelines)


def cache_hit(unit, pipelines) -> float:
    with tempfile.TemporaryDirectory() as tmp, \
            Engine(workers=1, cache_path=Path(tmp) / "c.sqlite") as eng:
        for p in pipelines[:20]:
            eng.measure(unit, p, raw=True)
        times = []
        for _ in range(5):
            for p in pipelines[:20]:
                t = time.perf_counter()
                assert eng.measure(unit, p, raw=True).cached
                times.append(time.perf_counter() - t)
        return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-length", type=int, default=50,
                    help="longest random list (the paper: 50)")
    ap.add_argument("--programs", default=",".join(PROGRAMS),
                    help="comma list of " + ", ".join(PROGRAMS))
    args = ap.parse_args()
    rows = []
    for size in args.programs.split(","):
        name, n = PROGRAMS[size]
        unit = load_unit(EXAMPLES / name)
        pipelines = random_pipelines(n, args.seed, args.max_length)
        bare(unit, pipelines[:3])  # warm up libLLVM in this process
        row = {"program": f"{size} ({name})", "evaluations": n, "max_length": args.max_length,
               "bare_ms": bare(unit, pipelines) * 1e3,
               "engine_1w_ms": engine_route(unit, pipelines, 1) * 1e3,
               "engine_2w_ms": engine_route(unit, pipelines, 2) * 1e3,
               "subprocess_ms": subprocess_route(unit, pipelines) * 1e3,
               "cache_hit_ms": cache_hit(unit, pipelines) * 1e3}
        row["overhead_pct"] = 100 * (row["engine_1w_ms"] / row["bare_ms"] - 1)
        row["speedup_vs_subprocess"] = row["subprocess_ms"] / row["engine_1w_ms"]
        row["scaling_2w"] = row["engine_1w_ms"] / row["engine_2w_ms"]
        rows.append(row)
        print(f"{row['program']}: done", file=sys.stderr)
    if args.json:
        print(json.dumps({"rows": rows}, indent=2))
        return 0
    print("| program | evals | bare ms | engine 1 worker ms | overhead | engine 2 workers ms "
          "| 2w / 1w | subprocess ms | engine speed-up | cache hit ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['program']} | {r['evaluations']} | {r['bare_ms']:.2f} | "
              f"{r['engine_1w_ms']:.2f} | {r['overhead_pct']:+.1f} % | {r['engine_2w_ms']:.2f} | "
              f"{r['scaling_2w']:.2f}x | {r['subprocess_ms']:.2f} | "
              f"{r['speedup_vs_subprocess']:.1f}x | {r['cache_hit_ms']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
