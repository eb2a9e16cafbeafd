"""PassListEval cost and rejection rates, per suite.

    .venv/bin/python benchmarks/bench_passlisteval.py                 # markdown on stdout
    .venv/bin/python benchmarks/bench_passlisteval.py --json
    .venv/bin/python benchmarks/bench_passlisteval.py --humaneval PATH --lists 30

For each suite and 1 / 2 workers, with an empty cache directory:
- cold:        the first list, everything built from scratch (IR, reference builds and runs)
- new list:    another list once the references are known (the autotuner's steady state)
- cached:      the same list again (answered from SQLite)
Then the rejection rate of random lists (length 1..50 from the search space, seeded).
Targets (issue 4): the built-in suite validates a list in under 15 s cold on 2 cores; a
repeated list is answered in under 10 ms.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from compilerlm.passlisteval import PassListEval, parse_suite
from compilerlm.toolchain.engine import Engine
from compilerlm.toolchain.passes import search_space

DEFAULT_HUMANEVAL = Path(__file__).resolve().parents[2] / "shared" / "data" / \
    "humaneval_cpp.jsonl.gz"


def timings(spec: str, workers: int) -> dict:
    programs, skipped = parse_suite(spec)
    with tempfile.TemporaryDirectory() as tmp, \
            Engine(workers=workers, cache_path=Path(tmp) / "c.sqlite") as engine:
        checker = PassListEval(engine)
        t = time.perf_counter()
        v = checker.check("default<Oz>", programs, skipped=skipped)
        cold = time.perf_counter() - t
        t = time.perf_counter()
        checker.check("sroa,instcombine,simplifycfg,gvn", programs)
        new = time.perf_counter() - t
        t = time.perf_counter()
        checker.check("default<Oz>", programs)
        cached = time.perf_counter() - t
    return {"suite": spec, "workers": workers, "programs": v.programs_total,
            "skipped": len(v.skipped), "cold_s": cold, "new_list_s": new, "cached_ms": cached * 1e3}


def rejection_rate(spec: str, n_lists: int, seed: int) -> dict:
    programs, _ = parse_suite(spec)
    rng = random.Random(seed)
    space = [p.name for p in search_space()]
    reasons = collections.Counter()
    rejected, examples = 0, []
    with tempfile.TemporaryDirectory() as tmp, \
            Engine(workers=2, cache_path=Path(tmp) / "c.sqlite") as engine:
        checker = PassListEval(engine)
        for _ in range(n_lists):
            passes = [rng.choice(space) for _ in range(rng.randint(1, 50))]
            v = checker.check(passes, programs, fail_fast=True)
            if not v.accepted:
                rejected += 1
                reasons[v.failures[0].reason] += 1
                examples.append({"passes": passes, "failure": vars(v.failures[0])})
    return {"suite": spec, "lists": n_lists, "rejected": rejected,
            "rejected_pct": 100 * rejected / n_lists, "reasons": dict(reasons),
            "examples": examples}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--humaneval", type=Path, default=DEFAULT_HUMANEVAL)
    ap.add_argument("--lists", type=int, default=30, help="random lists per suite")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    suites = ["builtin", "csmith:20"]
    if args.humaneval.exists():
        suites.append(f"humaneval-x:{args.humaneval}")
    rows = []
    for spec in suites:
        for workers in (1, 2):
            rows.append(timings(spec, workers))
            print(f"timed {spec} with {workers} worker(s)", file=sys.stderr)
    rates = []
    for spec in suites:
        rates.append(rejection_rate(spec, args.lists, args.seed))
        print(f"rejection rate on {spec} done", file=sys.stderr)
    if args.json:
        print(json.dumps({"timings": rows, "rejection": rates}, indent=2))
        return 0
    print("| suite | workers | programs (skipped) | cold s | new list s | cached ms |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        name = r["suite"].split(":")[0] + ("" if ":" not in r["suite"] else
                                           ":" + r["suite"].split(":")[1][-12:])
        print(f"| {name} | {r['workers']} | {r['programs']} ({r['skipped']}) | {r['cold_s']:.1f} | "
              f"{r['new_list_s']:.2f} | {r['cached_ms']:.1f} |")
    print()
    print("| suite | random lists | rejected | reasons |")
    print("|---|---|---|---|")
    for r in rates:
        print(f"| {r['suite'].split(':')[0]} | {r['lists']} | {r['rejected']} "
              f"({r['rejected_pct']:.1f} %) | {r['reasons']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
