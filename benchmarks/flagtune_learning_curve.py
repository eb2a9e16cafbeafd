"""Does the flag-tuning model get better with more training packages? A learning curve.

    .venv/bin/python benchmarks/flagtune_learning_curve.py --pool corpora/debian/pool.parquet

The nearest-neighbour ranker (`knn`, flagtune/rankers.py) is refit on a share of the pool
table's training packages (drawn by seed; packages, not units, so that no package is split)
and scored on all validation packages at K = 2 and K = 10 with the -Oz fallback, from the pool
table's sizes (nothing is compiled). If the gain grows with the share, more labelled packages
are the way to the issue's targets; if it is flat, the ranker's inputs are. Prints a table, or
one JSON document with --json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys

import numpy as np

from compilerlm.errors import CompilerlmError
from compilerlm.flagtune.rankers import PoolData, score, train_knn


def curve(data: PoolData, shares: list[float], seeds: int) -> list[dict]:
    train, validation = data.split_mask("train"), data.split_mask("validation")
    packages = sorted(set(data.packages[train]))
    rows = []
    for share in shares:
        for seed in range(seeds if share < 1 else 1):
            chosen = random.Random(seed).sample(packages, max(1, round(len(packages) * share)))
            mask = train & np.isin(data.packages, chosen)
            s = score(train_knn(data, mask), data, validation, (2, 10))
            rows.append({"share": share, "seed": seed, "packages": len(chosen),
                         "units": int(mask.sum()), "k2": s["k2"], "k10": s["k10"]})
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pool", required=True, help="the pool table (compilerlm corpus pool)")
    ap.add_argument("--shares", default="0.25,0.5,0.75,1",
                    help="shares of the training packages (comma-separated)")
    ap.add_argument("--seeds", type=int, default=3, help="draws per share below 1")
    ap.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = ap.parse_args()
    try:
        data = PoolData.load(args.pool)
        shares = [float(x) for x in args.shares.split(",") if x]
    except (CompilerlmError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    rows = curve(data, shares, args.seeds)
    if args.json:
        json.dump({"pool": args.pool, "rows": rows}, sys.stdout, indent=1)
        print()
        return 0
    print("| share of training packages | seed | packages | units | validation K=2 total / "
          "geomean | K=10 |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['share']:g} | {r['seed']} | {r['packages']} | {r['units']} | "
              f"{r['k2']['total_pct']:+.2f} / {r['k2']['geomean_pct']:+.2f} % | "
              f"{r['k10']['total_pct']:+.2f} / {r['k10']['geomean_pct']:+.2f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
