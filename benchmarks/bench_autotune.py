"""Quality per compilation of the autotuner's search strategies, verified and raw.

    .venv/bin/python benchmarks/bench_autotune.py --budgets 100,300,1000 [--inputs DIR ...]
    .venv/bin/python benchmarks/bench_autotune.py --humaneval ../shared/data/humaneval_cpp.jsonl.gz@20
    .venv/bin/python benchmarks/bench_autotune.py --budgets 500 --strategies guided --seed 0,1,2
    .venv/bin/python benchmarks/bench_autotune.py --strategies guided --exchanges none

For each strategy and budget: every program of the inputs (default: the bundled examples) is
searched with that many candidate evaluations; the raw gain is the smallest list found, the
verified gain the best list that PassListEval accepts on the built-in suite *and* on the
program itself (each bundled example prints what it computes). Minimisation is off, so the
numbers measure the search alone. Improvement over clang -Oz, by total size and geomean.
The programs are tuned together, as `compilerlm autotune` tunes them (with `guided` they
exchange their best lists; `--exchanges none` searches each alone).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

from compilerlm.autotune import AutotuneConfig, tune_programs
from compilerlm.corpus import iter_units
from compilerlm.metrics import summarize
from compilerlm.toolchain.engine import Engine

EXAMPLES = Path(__file__).resolve().parent.parent / "src" / "compilerlm" / "examples"


def raw_summary(records):
    rows = [r for r in records if r["oz_binary_size"] and r["raw_best_binary_size"]]
    total = sum(r["raw_best_binary_size"] for r in rows) / sum(r["oz_binary_size"] for r in rows)
    geo = math.exp(sum(math.log(r["raw_best_binary_size"] / r["oz_binary_size"]) for r in rows)
                   / len(rows))
    return round(100 * (1 - total), 2), round(100 * (1 - geo), 2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budgets", default="100,300")
    ap.add_argument("--strategies", default="random,evolve")
    ap.add_argument("--inputs", nargs="*", default=None,
                    help="default: the bundled programs (unless --humaneval is given)")
    ap.add_argument("--humaneval", default=None, metavar="PATH@N",
                    help="also N seeded HumanEval-X C++ programs (third-party code, each run "
                         "with its own unit tests) from the JSONL file at PATH")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=_seeds, default=[0], metavar="S[,S...]",
                    help="the search's seed (as autotune's); several: each strategy and budget "
                         "runs once per seed, and a row with their mean follows (one seed's "
                         "result often hangs on one program's lucky find: docs/autotune.md)")
    ap.add_argument("--cache", default=None, metavar="DB",
                    help="keep the evaluations in this SQLite file: a killed run resumes, and "
                         "random search at a larger budget reuses the smaller budget's lists")
    ap.add_argument("--exchanges", type=_shares, default=AutotuneConfig.exchanges,
                    metavar="SHARE[,SHARE...]",
                    help="guided: the shares of the budget left when the programs exchange "
                         "their best lists (default: autotune's); 'none': each alone")
    ap.add_argument("--model", default=None, metavar="FILE",
                    help="guided, coreset: start from this flag-tuning model's lists "
                         "(autotune --model; default: the shipped model)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    inputs = list(args.inputs or ([] if args.humaneval else [str(EXAMPLES)]))
    keep = tempfile.TemporaryDirectory()
    if args.humaneval:
        from compilerlm.passlisteval.programs import humaneval_suite
        path, _, n = args.humaneval.partition("@")
        programs, _ = humaneval_suite(path, sample=int(n or 20), seed=0)
        for p in programs:  # as files: each unit's own main() (its tests) verifies it
            f = Path(keep.name) / (p.uri.rsplit("/", 1)[-1] + ".cpp")
            f.write_text(p.source)
            inputs.append(str(f))
    units = list(iter_units(inputs))
    seeds = args.seed
    rows = []
    with tempfile.TemporaryDirectory() as tmp, \
            Engine(workers=args.workers,
                   cache_path=args.cache or Path(tmp) / "c.sqlite") as engine:
        for budget in map(int, args.budgets.split(",")):
            for strategy in args.strategies.split(","):
                for seed in seeds:
                    rows.append(_run(units, engine, strategy, budget, seed,
                                     args.exchanges, args.model))
                if len(seeds) > 1:
                    rows.append(_mean(rows[-len(seeds):]))
                    print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps({"rows": rows}, indent=2))
        return 0
    print("| strategy | budget | seed | verified total | verified geomean | raw total "
          "| raw geomean | rejected winners | programs < -Oz | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['strategy']} | {r['budget']} | {r['seed']} | "
              f"{r['verified_total_pct']:+.2f} % | {r['verified_geomean_pct']:+.2f} % | "
              f"{r['raw_total_pct']:+.2f} % | {r['raw_geomean_pct']:+.2f} % | "
              f"{r['rejected_winners']} | {r['better_than_oz']}/{r['programs']} | "
              f"{r['seconds']} |")
    return 0


def _seeds(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of "
                                         "integers") from None


def _shares(text: str) -> tuple[float, ...]:
    if text == "none":
        return ()
    try:
        shares = tuple(float(x) for x in text.split(","))
    except ValueError:
        shares = ()
    if not shares or not all(0 < x < 1 for x in shares):
        raise argparse.ArgumentTypeError(f"{text!r}: give shares between 0 and 1 separated by "
                                         "commas, or 'none'")
    return shares


def _run(units, engine, strategy: str, budget: int, seed: int,
         exchanges: tuple[float, ...], model: str | None = None) -> dict:
    """One strategy at one budget and seed on every unit: the row and its per-program part."""
    config = AutotuneConfig(budget=budget, strategy=strategy, seed=seed, minimize=False,
                            exchanges=exchanges, model=model)
    verifier = config.verifier(engine)
    t = time.perf_counter()
    results = tune_programs(units, config, engine, verifier)
    s = summarize(results)
    records = [r.to_dict() for r in results]
    raw_total, raw_geo = raw_summary(records)
    row = {"strategy": strategy, "budget": budget, "seed": seed, "programs": len(units),
           "verified_total_pct": s["improvement_total_pct"],
           "verified_geomean_pct": s["improvement_geomean_pct"],
           "raw_total_pct": raw_total, "raw_geomean_pct": raw_geo,
           "rejected_winners": sum(r["rejected_winners"] for r in records),
           "better_than_oz": s["better_than_oz"],
           "seconds": round(time.perf_counter() - t, 1)}
    print(json.dumps(row), file=sys.stderr, flush=True)
    row["per_program"] = [
        {k: r[k] for k in ("input", "oz_binary_size", "best_binary_size",
                           "raw_best_binary_size", "rejected_winners", "best_passes")}
        for r in records]
    # Per program too, as each seed finishes: a run stopped part way keeps what it found.
    print(json.dumps({k: row[k] for k in ("strategy", "budget", "seed", "per_program")}),
          file=sys.stderr, flush=True)
    return row


def _mean(rows: list[dict]) -> dict:
    """The seeds' mean of each number (percentages to 4 decimals, counts and seconds to 1)."""
    mean = {"strategy": rows[0]["strategy"], "budget": rows[0]["budget"], "seed": "mean",
            "programs": rows[0]["programs"]}
    for key in ("verified_total_pct", "verified_geomean_pct", "raw_total_pct",
                "raw_geomean_pct", "rejected_winners", "better_than_oz", "seconds"):
        mean[key] = round(sum(r[key] for r in rows) / len(rows), 4 if key.endswith("pct") else 1)
    return mean


if __name__ == "__main__":
    sys.exit(main())
