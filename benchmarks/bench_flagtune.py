"""Flag tuning on the bundled benchmark: the default model against top1, -Oz and the autotuner.

    .venv/bin/compilerlm autotune src/compilerlm/examples --budget 300 --no-insertion \
        --db bench_tune.sqlite --workers 2                      # the verified autotuner
    .venv/bin/python benchmarks/bench_flagtune.py --autotune-db bench_tune.sqlite \
        [--model default] [--budgets 1,2,10] [--html-dir DIR] [--json]

Every number is execution-verified: each benchmark program runs on its inputs, and a list
that changes its output (or fails PassListEval's built-in suite) counts at the -Oz size.
The benchmark programs were never part of the training corpus (docs/flagtune.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from compilerlm.corpus.compile import iter_units
from compilerlm.flagtune.bench import bundled_dir
from compilerlm.flagtune.evaluate import evaluate
from compilerlm.flagtune.models import resolve_model
from compilerlm.flagtune.report import write_report
from compilerlm.toolchain.engine import Engine


def coreset_oracle(units, spec, engine) -> dict:
    """The bound of a coreset model: per unit the best of all its lists (and -Oz), raw; and,
    beside it, the list the model tries first with a fallback (K = 2), to see where the
    ranking loses against its own coreset."""
    import math

    model = resolve_model(spec).predictor
    logs, total, oz_total, per_unit = [], 0, 0, []
    for unit in units:
        oz = engine.oz_baseline(unit).binary_size
        sizes = [m.binary_size if m.ok else None
                 for m in engine.measure_many([(unit, lst) for lst in model.lists])]
        measured = [i for i, s in enumerate(sizes) if s is not None]
        best_i = min(measured, key=lambda i: sizes[i], default=None)
        best = min(sizes[best_i], oz) if best_i is not None else oz
        first = model.propose(unit, 2).lists[0]
        first_size = sizes[model.lists.index(first)]
        logs.append(math.log(best / oz))
        total, oz_total = total + best, oz_total + oz
        per_unit.append({"input": unit.name, "oz_binary_size": oz,
                         "first_list": first, "first_binary_size": first_size,
                         "best_list": model.lists[best_i] if best_i is not None else None,
                         "best_binary_size": sizes[best_i] if best_i is not None else None})
    return {"model": "coreset oracle (unverified)", "lists": len(model.lists),
            "total_pct": round(100 * (1 - total / oz_total), 2),
            "geomean_pct": round(100 * (1 - math.exp(sum(logs) / len(logs))), 2),
            "per_unit": per_unit}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--autotune-db", required=True)
    ap.add_argument("--model", default="default")
    ap.add_argument("--budgets", default="1,2,10")
    ap.add_argument("--html-dir", type=Path, default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    units = list(iter_units([bundled_dir()]))
    rows = []
    with Engine(workers=args.workers) as engine:
        runs = [(args.model, int(k)) for k in args.budgets.split(",")]
        runs += [("top1", int(k)) for k in args.budgets.split(",") if int(k) <= 2]
        runs += [(f"autotune:{args.autotune_db}", 1), ("oz", 1)]
        for spec, k in runs:
            t = time.perf_counter()
            res = evaluate(units, resolve_model(spec), engine, k,
                           autotune_db=args.autotune_db)
            seconds = time.perf_counter() - t
            if args.html_dir:
                args.html_dir.mkdir(parents=True, exist_ok=True)
                name = spec.split(":")[0].replace("/", "_")
                write_report(res, args.html_dir / f"{name}-K{k}.html")
            rows.append({"model": spec.split(":")[0], "budget": k, "seconds": round(seconds, 1),
                         **{f"{part}_{key}": res[part].get(key)
                            for part in ("zero_shot", "with_fallback")
                            for key in ("improvement_total_pct", "improvement_geomean_pct",
                                        "better_pct", "worse_pct", "autotuner_share_pct")},
                         "unverified_with_fallback_geomean_pct":
                             res["with_fallback"]["unverified"]["improvement_geomean_pct"],
                         "first_list_rejected_pct": res["first_list_rejected_pct"],
                         "inference_ms_per_unit": res["inference_ms_per_unit"],
                         "autotuner_total_pct": res.get("autotuner", {}).get(
                             "improvement_total_pct"),
                         "autotuner_geomean_pct": res.get("autotuner", {}).get(
                             "improvement_geomean_pct"),
                         "units": res["units"]})
            print(json.dumps(rows[-1]), file=sys.stderr)
        rows_oracle = coreset_oracle(units, args.model, engine)
    print(json.dumps(rows_oracle), file=sys.stderr)
    if args.json:
        print(json.dumps(rows + [rows_oracle], indent=2))
        return 0
    print("| model | K | zero-shot total | zero-shot geomean | with fallback total | "
          "with fallback geomean | % of autotuner gain (total) | better / worse | "
          "first list rejected | ms / unit |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} | {r['budget']} | {r['zero_shot_improvement_total_pct']:+.2f} % | "
              f"{r['zero_shot_improvement_geomean_pct']:+.2f} % | "
              f"{r['with_fallback_improvement_total_pct']:+.2f} % | "
              f"{r['with_fallback_improvement_geomean_pct']:+.2f} % | "
              f"{r['with_fallback_autotuner_share_pct']} | "
              f"{r['with_fallback_better_pct']:.0f} % / {r['with_fallback_worse_pct']:.0f} % | "
              f"{r['first_list_rejected_pct']:.0f} % | {r['inference_ms_per_unit']} |")
    print(f"\nCoreset oracle (best of all {rows_oracle['lists']} lists per unit, unverified): "
          f"{rows_oracle['total_pct']:+.2f} % total, {rows_oracle['geomean_pct']:+.2f} % geomean")
    print("\n| unit | -Oz | first list (K = 2) | its size | best coreset list | its size |")
    print("|---|---|---|---|---|---|")
    for u in rows_oracle["per_unit"]:
        print(f"| {Path(u['input']).name} | {u['oz_binary_size']} | "
              f"`{','.join(u['first_list'])}` | {u['first_binary_size']} | "
              f"`{','.join(u['best_list'] or [])}` | {u['best_binary_size']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
