"""Where a label's verification time goes, and what a verdict cache keyed by optimised IR
would save (docs/datasets.md, labels).

    .venv/bin/python benchmarks/bench_verification_cost.py --db /work/labels.sqlite

1. stages: for the first --programs programs of PassListEval's built-in suite, the time of
   each step of one program check with default<Oz> (optimise + code generation in the engine,
   link with ld.lld as PassListEval runs it, confined run), in ms per program, and beside the
   link the same link through the clang driver (as PassListEval linked until 2026-12-07);
2. reuse: --lists pipelines drawn (seeded) from the store's verified lists, each applied to
   every suite program: how many (program, optimised IR) pairs are distinct, i.e. how many
   checks a cache keyed by the optimised IR instead of the list would still have to run.
Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from compilerlm.passlisteval import sandbox
from compilerlm.passlisteval.programs import builtin_suite
from compilerlm.toolchain.cache import default_cache_path
from compilerlm.toolchain.engine import Engine


def stages(engine: Engine, programs, irs) -> dict:
    spent = {"measure": 0.0, "link": 0.0, "link_driver": 0.0, "run": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        for program, unit in zip(programs, irs):
            t = time.perf_counter()
            m = engine.measure(unit, "default<Oz>", raw=True, want_object=True)
            spent["measure"] += time.perf_counter() - t
            t = time.perf_counter()
            exe, why = sandbox.link(program, m.object, Path(tmp))
            spent["link"] += time.perf_counter() - t
            if exe is None:
                raise SystemExit(f"error: {program.uri}: {why}")
            t = time.perf_counter()
            subprocess.run(sandbox.driver_link_argv(program, Path(tmp) / "cand.o",
                                                    Path(tmp) / "driver.exe"),
                           check=True, capture_output=True)
            spent["link_driver"] += time.perf_counter() - t
            t = time.perf_counter()
            sandbox.run(program, exe)
            spent["run"] += time.perf_counter() - t
    return {f"{k}_ms": round(1000 * v / len(programs), 1) for k, v in spent.items()}


def reuse(engine: Engine, programs, irs, pipelines) -> dict:
    checks, distinct = 0, set()
    for pipeline in pipelines:
        for program, unit in zip(programs, irs):
            m = engine.measure(unit, pipeline, raw=True)
            if m.ok:
                checks += 1
                distinct.add((program.hash, m.ir_hash))
    return {"lists": len(pipelines), "checks": checks, "distinct_ir": len(distinct),
            "answered_by_ir_cache_pct": round(100 * (1 - len(distinct) / checks), 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True,
                    help="An autotuner store whose program_verdicts hold verified lists.")
    ap.add_argument("--programs", type=int, default=20)
    ap.add_argument("--lists", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    with sqlite3.connect(args.db) as db:
        pipelines = sorted(r[0] for r in db.execute(
            "SELECT DISTINCT pipeline FROM program_verdicts"))
    if len(pipelines) < args.lists:
        raise SystemExit(f"error: {args.db}: {len(pipelines)} verified lists, "
                         f"fewer than --lists {args.lists}")
    sample = random.Random(args.seed).sample(pipelines, args.lists)
    programs = builtin_suite()
    irs = [sandbox.program_ir(p, default_cache_path().parent / "programs") for p in programs]
    with Engine(workers=1, use_cache=False) as engine:
        result = {"stages": stages(engine, programs[:args.programs], irs[:args.programs]),
                  "programs_timed": args.programs,
                  "reuse": reuse(engine, programs, irs, sample)}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
