"""How far a coreset model could go on the bundled benchmark: per program, the best of every
list `compilerlm train-predictor` picks its coreset from (not only the ones it keeps).

    .venv/bin/python benchmarks/bench_candidate_oracle.py --db train.sqlite \
        [--extra-db OTHER.sqlite] [--cache oracle.sqlite] [--workers 2] [--json]

`--db` is the training labels' autotuner store (docs/flagtune.md, Training). The numbers are
raw sizes (an upper bound: nothing is run), over clang -Oz, for the candidates (-Oz lists,
the corpus's verified winners, the screened -Oz neighbours), each of those groups alone, and
the shipped model's coreset, and with `--extra-db` other stores' verified best lists (alone
and added to the candidates). If all the candidates together stay below a target, no ranking
of this coreset reaches it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from compilerlm.corpus.compile import iter_units
from compilerlm.errors import CompilerlmError
from compilerlm.flagtune.bench import bundled_dir
from compilerlm.flagtune.models import resolve_model
from compilerlm.flagtune.train import (
    SAMPLE_UNITS,
    coreset_candidates,
    labels_from_stores,
    training_sample,
    verified_winners,
)
from compilerlm.metrics import improvement
from compilerlm.toolchain.engine import Engine


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="the training labels' autotuner store")
    ap.add_argument("--model", default="default", help="whose coreset to report too")
    ap.add_argument("--extra-db", action="append", default=[], metavar="DB",
                    help="also the verified best lists of this autotuner store (repeatable)")
    ap.add_argument("--sample", type=int, default=SAMPLE_UNITS,
                    help="as train-predictor's --sample (the -Oz neighbours are screened on it)")
    ap.add_argument("--cache", default=None, help="SQLite cache for the evaluations")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    missing = [db for db in [args.db, *args.extra_db] if not Path(db).is_file()]
    if missing:
        sys.exit(f"error: no such autotuner store: {missing[0]}")
    try:
        return run(args)
    except CompilerlmError as e:
        sys.exit(f"error: {e}")


def run(args) -> int:
    units = list(iter_units([bundled_dir()]))
    with Engine(workers=args.workers, cache_path=args.cache) as engine:
        train_units, best = labels_from_stores([args.db])
        winners, _ = verified_winners(best)
        candidates, screened = coreset_candidates(
            winners, training_sample(train_units, args.sample), engine)
        coreset = [list(x) for x in resolve_model(args.model).predictor.lists]
        extra = [] if not args.extra_db else [
            w for w in verified_winners(labels_from_stores(args.extra_db)[1])[0]
            if w not in candidates]
        lists = candidates + [x for x in coreset + extra if x not in candidates]
        sizes = {}
        for unit in units:
            oz = engine.oz_baseline(unit).binary_size
            ms = engine.measure_many([(unit, lst) for lst in lists])
            sizes[unit.name] = (oz, {tuple(lst): m.binary_size for lst, m in zip(lists, ms)
                                     if m.ok and m.binary_size})
            print(f"{unit.name}: -Oz {oz}, best candidate "
                  f"{min(sizes[unit.name][1].values(), default=oz)}", file=sys.stderr)

    def oracle(group: list[list[str]]) -> dict:
        pairs = [(min([oz] + [found[tuple(x)] for x in group if tuple(x) in found]), oz)
                 for oz, found in sizes.values()]
        gains = improvement(pairs)
        return {"lists": len(group), "total_pct": gains["improvement_total_pct"],
                "geomean_pct": gains["improvement_geomean_pct"]}

    rows = {"all candidates": oracle(candidates), "verified winners": oracle(winners),
            "screened -Oz neighbours": oracle(screened), f"{args.model} coreset": oracle(coreset)}
    if extra:
        rows["extra stores' winners"] = oracle(extra)
        rows["all candidates and extra winners"] = oracle(candidates + extra)
    if args.json:
        print(json.dumps({"units": len(units), "oracles": rows}, indent=2))
        return 0
    print("| lists | how many | best per program: total | geomean |\n|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['lists']} | {r['total_pct']:+.2f} % | {r['geomean_pct']:+.2f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
