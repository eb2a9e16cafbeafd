"""One list for every unit, searched for on training packages (autotune/joint.py).

    .venv/bin/python benchmarks/joint_list.py /work/debian-corpus \
        --pool corpora/debian/pool.parquet --budget 400 --workers 2 \
        --out benchmarks/results/joint_list.json --lists-out benchmarks/results/joint_lists.txt

At K = 2 (one list and -Oz) the shipped `average` model gives every unit the same list: the
pool list of largest mean gain with the fallback over the pool's training units. This asks
whether a search for that one list, beyond the pool, finds a better one: it evolves lists
from the pool's best (by their mean gain over the pool table's training units) with the mean
gain over a sample of the corpus's training units as fitness (at most --per-package units of
each package, so that no large package decides), admitting only lists that PassListEval's
built-in suite accepts. The final population is then measured on the corpus's validation
units, the one best there is chosen, and it and the pool's best are reported on the test
units (never used to choose): gain below -Oz with the fallback, total and geomean.

With --after FILE (lists already in the pool table, `corpus pool --lists`) it searches for the
next list of a K > 2 sequence instead: each unit's size to beat is the smallest of -Oz and those
lists', the search starts from the pool lists that add most to them, and the comparison is the
pool's list that adds most (the one `average` would take next if the after lists came first).
Everything is compiled here, so the corpus must hold the packages; sizes are raw (each list
verified on the built-in suite, not by running each unit).
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

import numpy as np

from compilerlm.autotune.joint import search_joint
from compilerlm.autotune.labels import select_units
from compilerlm.corpus.corpus import load_row
from compilerlm.errors import CompilerlmError, InputError
from compilerlm.flagtune.pool import read_list_file
from compilerlm.flagtune.rankers import PoolData
from compilerlm.metrics import improvement
from compilerlm.toolchain.engine import Engine
from compilerlm.toolchain.passes import parse_pass_list


def pool_ranking(pool: Path, after: list[list[str]] = ()) -> list[tuple[list[str], float]]:
    """The pool's lists as pass names with their mean gain (fallback) on its training units,
    best first: the gain below -Oz, or with `after` below the best of -Oz and those lists."""
    data = PoolData.load(pool)
    names = [list(parse_pass_list(lst).names) for lst in data.lists]
    R = data.R[data.split_mask("train")]
    floor = np.zeros(len(R))
    for lst in after:
        if lst not in names:
            raise InputError(f"{pool}: the --after list {','.join(lst)[:60]}... is not in "
                             f"the pool table; add it with `corpus pool --lists` first")
        floor = np.minimum(floor, R[:, names.index(lst)])
    gain = np.maximum(floor[:, None] - R, 0.0).mean(axis=0)
    return [(names[j], float(gain[j])) for j in np.argsort(-gain, kind="stable")
            if names[j] not in after]


def sample(corpus: Path, split: str, per_package: int | None, max_instructions: int):
    rows = select_units(corpus, {split}, set(), max_instructions)
    taken, out = collections.Counter(), []
    for r in rows:
        if per_package is None or taken[r["package"]] < per_package:
            taken[r["package"]] += 1
            out.append(r)
    return out, sorted(taken)


def floors(engine: Engine, units, oz: list[int | None], after: list[list[str]]):
    """Each unit's size to beat: the smallest of -Oz and the `after` lists' (None: no -Oz)."""
    out = list(oz)
    for lst in after:
        ms = engine.measure_many([(u, lst) for u in units])
        out = [min(f, m.binary_size) if f and m.ok and m.binary_size else f
               for f, m in zip(out, ms)]
    return out


def gain_record(best: list[int | None], oz: list[int | None]) -> dict:
    """Total and geomean gain below -Oz (percent) of each unit's best size."""
    gains = improvement([(b, o) for b, o in zip(best, oz) if o])
    return {"total_pct": gains["improvement_total_pct"],
            "geomean_pct": gains["improvement_geomean_pct"], "better_pct": gains["better_pct"]}


def scored(engine: Engine, units, oz: list[int], lists: list[list[str]],
           floor: list[int]) -> list[dict]:
    """Each list on the units with the fallback to `floor` (-Oz's size, or the smallest of
    -Oz and the after lists'): total and geomean gain below -Oz (percent)."""
    return [{"list": lst, **gain_record(floors(engine, units, floor, [lst]), oz)}
            for lst in lists]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--pool", type=Path, default=Path("corpora/debian/pool.parquet"))
    ap.add_argument("--budget", type=int, default=400, help="candidates after the initial lists")
    ap.add_argument("--initial", type=int, default=16, help="pool lists the search starts from")
    ap.add_argument("--per-package", type=int, default=8)
    ap.add_argument("--max-instructions", type=int, default=5000,
                    help="largest training unit searched on (IR instructions)")
    ap.add_argument("--eval-max-instructions", type=int, default=20000,
                    help="largest validation or test unit (the label table's cap)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--out", type=Path, help="where the JSON record goes (also printed)")
    ap.add_argument("--lists-out", type=Path,
                    help="the chosen list, a line for `corpus pool --lists`")
    ap.add_argument("--after", type=Path,
                    help="lists chosen before (a `corpus pool --lists` file, all in the pool "
                         "table): search for the next one")
    args = ap.parse_args(argv)
    began = time.time()
    try:
        from compilerlm.passlisteval import PassListEval, builtin_suite
        after = read_list_file(args.after) if args.after else []
        ranking = pool_ranking(args.pool, after)
        with Engine(workers=args.workers) as engine:
            def load(split, per_package, cap):
                rows, packages = sample(args.corpus, split, per_package, cap)
                units = [load_row(args.corpus, r) for r in rows]
                oz = [m.binary_size if m.ok else None
                      for m in (engine.oz_baseline(u) for u in units)]
                return units, oz, floors(engine, units, oz, after), packages

            train, train_oz, train_floor, train_packages = load(
                "train", args.per_package, args.max_instructions)
            keep = [i for i, o in enumerate(train_oz) if o]
            train, train_floor = [train[i] for i in keep], [train_floor[i] for i in keep]
            checker, programs = PassListEval(engine), builtin_suite()
            verdicts: dict[tuple, bool] = {}

            def accepts(lst):
                if tuple(lst) not in verdicts:
                    verdicts[tuple(lst)] = checker.check(lst, programs, fail_fast=True).accepted
                return verdicts[tuple(lst)]

            def progress(done, total, what):
                print(f"{what}: {done}/{total}, {time.time() - began:.0f} s", file=sys.stderr)

            searched = time.time()
            result = search_joint(train, train_floor, engine,
                                  initial=[lst for lst, _ in ranking[:args.initial]],
                                  budget=args.budget, seed=args.seed, accepts=accepts,
                                  progress=progress)
            search_s = time.time() - searched
            pool_best = next(lst for lst, _ in ranking if accepts(lst))
            finalists = [lst for lst, _ in result.population]
            if pool_best not in finalists:
                finalists.append(pool_best)
            val, val_oz, val_floor, val_packages = load(
                "validation", None, args.eval_max_instructions)
            on_val = scored(engine, val, val_oz, finalists, val_floor)
            chosen = max(on_val, key=lambda r: (r["geomean_pct"] + r["total_pct"]))["list"]
            test, test_oz, test_floor, test_packages = load(
                "test", None, args.eval_max_instructions)
            on_test = scored(engine, test, test_oz, [chosen, pool_best], test_floor)
            # The after lists' own gain: their floors.
            before = {name: gain_record(floor, oz)
                      for name, oz, floor in (("validation", val_oz, val_floor),
                                              ("test", test_oz, test_floor)) if after}
    except CompilerlmError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    record = {
        "command": "benchmarks/joint_list.py " + " ".join(argv or sys.argv[1:]),
        "after": [",".join(lst) for lst in after],
        "after_alone": before,
        "train_units": len(train), "train_packages": train_packages,
        "validation_units": len(val), "validation_packages": val_packages,
        "test_units": len(test), "test_packages": test_packages,
        "search": {"candidates": result.candidates, "finished": result.finished,
                   "evaluations": result.evaluations, "rejected": result.rejected,
                   "seconds": round(search_s, 1), "fitness_pct": round(100 * result.fitness, 4),
                   "history_pct": [round(100 * h, 4) for h in result.history]},
        "population": [{"list": lst, "train_fitness_pct": round(100 * f, 4)}
                       for lst, f in result.population],
        "pool_best": {"list": pool_best, "pool_train_fitness_pct": round(100 * next(
            f for lst, f in ranking if lst == pool_best), 4)},
        "validation": on_val, "chosen": chosen,
        "test": {"chosen": on_test[0], "pool_best": on_test[1]},
        "seconds": round(time.time() - began, 1),
    }
    text = json.dumps(record, indent=1)
    if args.out:
        args.out.write_text(text + "\n")
    if args.lists_out:
        chain = "".join(f"{a}\n" for a in record["after"])
        args.lists_out.write_text(f"# benchmarks/joint_list.py's choice on the validation "
                                  f"packages ({record['command']})\n{chain}{','.join(chosen)}\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
