"""Flag-tuning model families compared on held-out packages of the Debian corpus.

    .venv/bin/python benchmarks/flagtune_families.py \
        --pool corpora/debian/pool.parquet --labels corpora/debian/labels.parquet [--json]

Each family is trained on the pool table's training packages only, and scored on its
validation packages (where a family is chosen) and its test packages (reported, never used
to choose): gains below clang -Oz with the first list alone (K = 1, zero-shot) and with the
-Oz fallback at K = 2 and K = 10, the pool's own bound (its best list per unit), and, on the
units the label table holds, the share of the autotuner's verified gain (by bytes saved and
by geomean). Sizes are the pool table's measurements: nothing is compiled here, and every
pool list passed PassListEval's built-in suite. Families:

- `library`: the nearest-neighbour model trained on 151 library units, the default before
  this table existed (its lists are in the pool);
- `mean`: the pool lists with the best mean on the training units, the same for every unit;
- `knn`: the nearest-neighbour ranker refit on the pool table (train.fit);
- `gbm`: the LightGBM regression of each list's log-ratio (flagtune/rankers.py);
- `gbm-rank`: the same trees trained to order the lists per unit (LambdaRank);
- `gbm-gain`: the same trees trained on the gain with the -Oz fallback, min(log-ratio, 0);
- `blend`: knn whose first list is chosen on its expected gain averaged with gbm-gain's;
- `average`: like `mean`, the same lists for every unit, but each list after the first the
  one that most lowers the training units' mean of the best so far (rankers.train_average);
- `gated`: `average`'s lists, except that knn's first list goes first where knn predicts it
  at least 2 % below -Oz (log-ratio < -0.02): the shared list overridden only where the
  neighbours agree on something better.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from compilerlm.autotune.labels import verified_best_sizes
from compilerlm.errors import CompilerlmError
from compilerlm.flagtune.rankers import (
    PoolData,
    cross_validate,
    score,
    train_average,
    train_blend,
    train_gbm,
    train_knn,
)
from compilerlm.predictor.model import Predictor
from compilerlm.toolchain.passes import parse_pass_list

BUDGETS = (1, 2, 10)


class MeanModel:
    """The same lists for every unit: the best on average over the training units (with a
    fallback, the largest average gain min(log-ratio, 0))."""

    def __init__(self, data: PoolData, mask: np.ndarray):
        self.lists = [list(parse_pass_list(p).names) for p in data.lists]
        self.zero_shot = list(np.argsort(data.R[mask].mean(axis=0), kind="stable"))
        self.with_fallback = list(np.argsort(np.minimum(data.R[mask], 0).mean(axis=0),
                                             kind="stable"))

    def rank(self, x, k, fallback=True):
        return (self.with_fallback if fallback else self.zero_shot)[:k], None, None


class GatedModel:
    """`average`, with knn's first list put first where knn is confident (GATE)."""
    GATE = -0.02  # knn's predicted log(size / -Oz size) of its first list

    def __init__(self, data: PoolData, mask: np.ndarray):
        self.knn, self.average = train_knn(data, mask), train_average(data, mask)
        self.lists = self.average.lists  # both index the pool table's lists, in its order

    def rank(self, x, k, fallback=True):
        shared, _, _ = self.average.rank(x, k, fallback=fallback)
        own, predicted, _ = self.knn.rank(x, 1, fallback=fallback)
        if predicted is not None and predicted[0] < self.GATE:
            shared = [own[0]] + [j for j in shared if j != own[0]]
        return shared[:k], None, None


FAMILIES = {
    "library": lambda data, mask: Predictor.load("library"),
    "mean": MeanModel,
    "knn": train_knn,
    "gbm": train_gbm,
    "gbm-rank": lambda data, mask: train_gbm(data, mask, objective="lambdarank"),
    "gbm-gain": lambda data, mask: train_gbm(data, mask, objective="gain"),
    "blend": train_blend,
    "average": train_average,
    "gated": GatedModel,
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pool", required=True, help="the pool table (compilerlm corpus pool)")
    ap.add_argument("--labels", help="the label table: the autotuner's gain on the same units")
    ap.add_argument("--family", action="append", help="only these families (repeatable)")
    ap.add_argument("--cv", type=int, default=5, metavar="FOLDS",
                    help="package-grouped cross-validation on the training packages too "
                         "(0: none)")
    ap.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = ap.parse_args()
    try:
        data = PoolData.load(args.pool)
        autotuner = verified_best_sizes(args.labels) if args.labels else {}
    except CompilerlmError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    train = data.split_mask("train")
    results = {"pool": args.pool, "lists": len(data.lists),
               "training_units": int(train.sum()),
               "training_packages": len(set(data.packages[train])), "families": {}}
    for name, make in FAMILIES.items():
        if args.family and name not in args.family:
            continue
        t0 = time.perf_counter()
        model = make(data, train)
        trained = time.perf_counter() - t0
        print(f"{name}: trained in {trained:.1f} s", file=sys.stderr)
        results["families"][name] = {"train_seconds": round(trained, 2), **{
            split: score(model, data, data.split_mask(split), BUDGETS,
                         autotuner) for split in ("validation", "test")}}
        if args.cv:  # training packages, each ranked by a model that never saw it
            results["families"][name]["train_cv"] = cross_validate(make, data, train,
                                                                   args.cv, BUDGETS)
    if args.json:
        json.dump(results, sys.stdout, indent=1)
        print()
        return 0
    print(f"pool: {results['lists']} lists; trained on {results['training_units']} units of "
          f"{results['training_packages']} packages")
    print("| family | split | units | K=1 total / geomean | K=2 | K=10 | pool bound | "
          "autotuner (units) | K=2 share total / geomean | K=10 share |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results["families"].items():
        for split in ("train_cv", "validation", "test"):
            if split not in r:
                continue
            s = r[split]
            auto = s.get("autotuner")
            split = "training packages, CV" if split == "train_cv" else split
            print(f"| {name} | {split} | {s['units']} | {_pair(s['k1'])} | {_pair(s['k2'])} | "
                  f"{_pair(s['k10'])} | {_pair(s.get('pool_bound'))} | "
                  + (f"{_pair(auto)} ({auto['units']}) | {_share(s['k2'])} | "
                     f"{_share(s['k10'])} |" if auto else "- | - | - |"))
    return 0


def _pair(d) -> str:
    if not d or d.get("total_pct") is None:
        return "-"
    return f"{d['total_pct']:+.2f} / {d['geomean_pct']:+.2f} %"


def _share(d) -> str:
    t, g = d.get("share_total"), d.get("share_geomean")
    return "-" if t is None else f"{100 * t:.0f} / {100 * g:.0f} %" if g is not None \
        else f"{100 * t:.0f} % / -"


if __name__ == "__main__":
    sys.exit(main())
