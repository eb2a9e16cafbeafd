"""Where a label's verification time goes, and what the verdicts kept per object save
(docs/datasets.md, labels).

    .venv/bin/python benchmarks/bench_verification_cost.py --db /work/labels.sqlite

1. stages: for the first --programs programs of PassListEval's built-in suite, the time of
   each step of one program check with default<Oz> (optimise + code generation in the engine,
   link with ld.lld as PassListEval runs it, confined run), in ms per program, and beside the
   link the same link through the clang driver (as PassListEval linked until 2026-12-07);
2. reuse: the --lists lists the store checked most recently (before --skip more recent
   ones), in the order it first checked them, as a labelling run checks them, each checked
   on the whole suite (fail-fast, as the autotuner's verifier does) with an empty verdict
   store twice: linking and running every program (verdicts kept per list only, as until
   2026-12-07), and answering a program from the verdict on byte-identical objects
   (PassListEval's default): seconds per list each way and the share of program checks
   answered without a link.
Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
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


def reuse(programs, pipelines, workers: int) -> dict:
    from compilerlm.passlisteval import PassListEval
    links = [0]
    real_link = sandbox.link

    def counted_link(*args, **kwargs):
        links[0] += 1
        return real_link(*args, **kwargs)

    out = {"lists": len(pipelines)}
    sandbox.link = counted_link
    try:
        for mode, reuse_objects in (("per_list", False), ("per_object", True)):
            with tempfile.TemporaryDirectory() as tmp, \
                    Engine(workers=workers, cache_path=Path(tmp) / "store.sqlite") as engine:
                checker = PassListEval(engine, reuse_objects=reuse_objects,
                                       ir_cache_dir=default_cache_path().parent / "programs")
                checker.usable(programs)  # reference runs, not timed
                links[0], checks, rejected = 0, 0, 0
                start = time.perf_counter()
                for pipeline in pipelines:
                    v = checker.check(pipeline, programs, fail_fast=True, raw=True)
                    checks += v.programs_checked
                    rejected += not v.accepted
                seconds = time.perf_counter() - start
            out[mode] = {"seconds_per_list": round(seconds / len(pipelines), 3),
                         "program_checks": checks, "links": links[0],
                         "rejected_lists": rejected}
    finally:
        sandbox.link = real_link
    p = out["per_object"]
    p["answered_without_link_pct"] = round(100 * (1 - p["links"] / p["program_checks"]), 1)
    out["time_saved_pct"] = round(100 * (1 - p["seconds_per_list"]
                                         / out["per_list"]["seconds_per_list"]), 1)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True,
                    help="An autotuner store whose program_verdicts hold verified lists.")
    ap.add_argument("--programs", type=int, default=20)
    ap.add_argument("--lists", type=int, default=60)
    ap.add_argument("--skip", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2, help="LLVM workers for the reuse part.")
    args = ap.parse_args(argv)
    with sqlite3.connect(f"file:{args.db}?mode=ro", uri=True) as db:
        pipelines = [r[0] for r in db.execute(
            "SELECT pipeline FROM program_verdicts GROUP BY pipeline "
            "ORDER BY min(created_at) DESC LIMIT ? OFFSET ?", (args.lists, args.skip))][::-1]
    if len(pipelines) < args.lists:
        raise SystemExit(f"error: {args.db}: {len(pipelines)} checked lists after "
                         f"--skip {args.skip}, fewer than --lists {args.lists}")
    programs = builtin_suite()
    irs = [sandbox.program_ir(p, default_cache_path().parent / "programs") for p in programs]
    with Engine(workers=1, use_cache=False) as engine:
        result = {"stages": stages(engine, programs[:args.programs], irs[:args.programs]),
                  "programs_timed": args.programs}
    result["reuse"] = reuse(programs, pipelines, args.workers)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
