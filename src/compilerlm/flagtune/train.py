"""Training the default flag-tuning model from autotuner labels.

    compilerlm autotune CORPUS --db train.sqlite ...          # the labels (verified best lists)
    compilerlm train-predictor --db train.sqlite -o model.json.gz

1. Candidates: every distinct verified best list in the store(s), `default<Oz>`,
   `default<Oz>,slp-vectorizer`, and the lists one pass away from -Oz (`P,default<Oz>`,
   `default<Oz>,P`, then pairs of the best of them) that beat -Oz on at least two units of a
   seeded sample of the training corpus (screen_oz_neighbours).
2. The coreset: candidates picked greedily on that sample, each time the one that most lowers
   the sample's summed log-ratio to -Oz when the best of the picked lists is taken (so picked
   lists complement each other); when no candidate lowers it further, the ones that beat -Oz
   on the most sample units, until `lists` are picked. A candidate is picked only when
   PassListEval accepts it on the built-in suite (verdicts are cached).
3. The table: every coreset list measured on every training unit, as log(size / -Oz size)
   (the evaluations land in the first store, so an interrupted training resumes).
4. The fit: k (neighbours) chosen by leave-one-out on the table; `top1` is the most common
   best list of the corpus (the paper's broadcast with K = 1), the baseline a model must beat.

The same table always gives the same model: `compilerlm train-predictor --table MODEL` refits
from the table stored in a model file (tests check the shipped model this way).
"""

from __future__ import annotations

import collections
import dataclasses
import math
import random

import numpy as np

from ..autotune.config import OZ_LISTS
from ..autotune.result import SearchResult
from ..autotune.store import AutotuneStore
from ..errors import InputError
from ..passlisteval import PassListEval, builtin_suite
from ..predictor.features import unit_features
from ..predictor.model import FAILED_LOG_RATIO, Predictor
from ..toolchain.engine import Engine
from ..toolchain.passes import DEFAULT_PIPELINE, search_space

SAMPLE_UNITS = 40  # training units candidate lists are screened and picked on
K_CANDIDATES = (1, 2, 3, 5, 8, 12, 20)
PRIORS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 1e6)  # 1e6: the corpus average alone
RISKS = (0.0, 0.5, 1.0, 2.0)


def labels_from_stores(paths) -> tuple[list, dict[str, SearchResult]]:
    """Units and, per unit hash, the best verified result over all stored configurations."""
    units, best = {}, {}
    for path in paths:
        store = AutotuneStore(path)
        try:
            for unit in store.programs():
                units.setdefault(unit.hash, unit)
            for h, record in store.best_results(validated_only=True).items():
                if h not in best or record.best_binary_size < best[h].best_binary_size:
                    best[h] = record
        finally:
            store.close()
    if not best:
        raise InputError("no verified autotuner results in the given store(s); run "
                         "`compilerlm autotune` (with validation) first")
    return [units[h] for h in sorted(units) if h in best], best


def training_sample(units, size: int, seed: int = 0) -> list:
    """A seeded sample from the smaller two thirds of the corpus: the sample is measured with
    hundreds of lists, and the largest units cost seconds per list."""
    smaller = sorted(units, key=lambda u: (len(u.ir), u.hash))[:max(size, 2 * len(units) // 3)]
    return random.Random(f"sample:{seed}").sample(smaller, min(size, len(smaller)))


def _log_ratios(units, lists, engine: Engine, progress=None, phase="") -> np.ndarray:
    """(units, lists) log(size / -Oz size); FAILED_LOG_RATIO where a list failed."""
    rows = []
    for i, unit in enumerate(units):
        oz = engine.oz_baseline(unit).binary_size
        ms = engine.measure_many([(unit, lst) for lst in lists])
        rows.append([math.log(m.binary_size / oz) if oz and m.ok and m.binary_size else
                     (0.0 if not oz else FAILED_LOG_RATIO) for m in ms])
        if progress:
            progress(i + 1, len(units), phase)
    return np.array(rows).reshape(len(units), len(lists))


def screen_oz_neighbours(sample, engine: Engine, min_wins: int = 2, progress=None
                         ) -> list[list[str]]:
    """Lists one step from -Oz that beat it on at least `min_wins` sample units.

    Per-program search finds lists that fit one program; what transfers to unseen programs
    is more often -Oz plus one pass before or after it (`loop-rotate,default<Oz>` was 26 %
    smaller than -Oz on one bundled program, `default<Oz>,mergefunc` 3 % on another). Then
    pairs: the 8 best passes before -Oz with the 8 best after it."""
    names = [p.name for p in search_space() if not DEFAULT_PIPELINE.match(p.name)]
    singles = [["default<Oz>", p] for p in names] + [[p, "default<Oz>"] for p in names]
    wins = collections.Counter()
    r = _log_ratios(sample, singles, engine, progress, "-Oz neighbours screened")
    for j, lst in enumerate(singles):
        wins[tuple(lst)] = int((r[:, j] < 0).sum())
    before = sorted((lst[0] for lst in singles if lst[1] == "default<Oz>"
                     and wins[tuple(lst)] >= min_wins), key=lambda p: -wins[(p, "default<Oz>")])
    after = sorted((lst[1] for lst in singles if lst[0] == "default<Oz>"
                    and wins[tuple(lst)] >= min_wins), key=lambda p: -wins[("default<Oz>", p)])
    pairs = [[b, "default<Oz>", a] for b in before[:8] for a in after[:8]]
    if pairs:
        r = _log_ratios(sample, pairs, engine, progress, "-Oz pairs screened")
        for j, lst in enumerate(pairs):
            wins[tuple(lst)] = int((r[:, j] < 0).sum())
    kept = [k for k, v in wins.items() if v >= min_wins]
    return [list(k) for k in sorted(kept, key=lambda k: (-wins[k], len(k), k))]


def select_coreset(candidates, sample, engine: Engine, size: int, progress=None
                   ) -> tuple[list, list]:
    """Greedy coverage on the sample, PassListEval-accepted lists only (see module doc)."""
    r = np.minimum(_log_ratios(sample, candidates, engine, progress, "candidates measured"),
                   FAILED_LOG_RATIO)
    checker, programs = PassListEval(engine), builtin_suite()
    picked, rejected = [], []
    best = np.zeros(len(sample))  # -Oz is always there
    open_ = set(range(len(candidates)))
    # The -Oz lists first: they stand for -Oz when a unit has nothing better.
    for lst in OZ_LISTS:
        if list(lst) in candidates:
            j = candidates.index(list(lst))
            picked.append(j)
            open_.discard(j)
            best = np.minimum(best, r[:, j])
    def accept(j) -> bool:
        if checker.check(candidates[j], programs, fail_fast=True).accepted:
            picked.append(j)
            if progress:
                progress(len(picked), size, "coreset lists picked")
            return True
        rejected.append(candidates[j])
        return False

    while open_ and len(picked) < size:
        j = min(open_, key=lambda j: (float(np.minimum(best, r[:, j]).sum()), j))
        if float(np.minimum(best, r[:, j]).sum()) >= float(best.sum()) - 1e-12:
            break  # nothing left helps any sample unit beyond the lists picked
        open_.discard(j)
        if accept(j):
            best = np.minimum(best, r[:, j])
    # Fill up with the lists that beat -Oz on the most sample units: on unseen programs the
    # picked lists may all miss, and these are the likeliest to help there.
    wins = (r < 0).sum(axis=0)
    for j in sorted(open_, key=lambda j: (-int(wins[j]), float(r[:, j].mean()), j)):
        if len(picked) >= size or wins[j] < 2:
            break
        accept(j)
    return [candidates[j] for j in picked], rejected


def fit(lists, features, log_ratios, names, top1, meta) -> Predictor:
    """Choose k (neighbours), the prior's weight and the risk penalty by leave-one-group-out
    on the table: each package's units ranked with that whole package held out, scored by the
    geomean of the first list's size zero-shot (a list much larger than -Oz costs what it
    costs) and with the -Oz fallback (K = 2), equally weighted.
    Holding out packages, not units, mimics a user's program, which is in no training package.
    Ties: the smaller k, then the larger prior."""
    def model(k, prior, risk):
        return Predictor(lists=lists, features=features, log_ratios=log_ratios,
                         unit_names=names, k=k, top1=top1, meta={}, prior=prior, risk=risk)

    scores = {}
    for k in K_CANDIDATES:
        if k >= len(names):
            break
        for prior in PRIORS:
            for risk in RISKS:
                m = model(k, prior, risk)
                # Zero-shot and K = 2 (first list + -Oz), in log space, equally weighted.
                scores[(k, prior, risk)] = math.sqrt(m.leave_one_out(1, by_group=True)
                                                     * m.leave_one_out(2, by_group=True))
    k, prior, risk = min(scores, key=lambda c: (round(scores[c], 9), c[0], -c[1], -c[2])) \
        if scores else (1, 0.0, 0.0)
    best = model(k, prior, risk)

    def gains(by_group):
        return {f"k_lists_{n}": round(100 * (1 - best.leave_one_out(n, by_group)), 4)
                for n in (1, 2, 4, 9)}
    return dataclasses.replace(best, meta={
        **meta, "k": k, "prior": prior, "risk": risk, "units": len(names),
        "lists": len(lists),
        "leave_one_out_geomean_gain_pct": gains(False),
        "leave_one_package_out_geomean_gain_pct": gains(True),
        "selection_scores": {f"k={k},prior={p},risk={r}": round(100 * (1 - v), 4)
                             for (k, p, r), v in scores.items()}})


def verified_winners(best: dict[str, SearchResult]
                     ) -> tuple[list[list[str]], collections.Counter]:
    """The corpus's distinct verified best lists, most common first, and their counts."""
    counts = collections.Counter(r.best_passes for r in best.values())
    return [list(x) for x in sorted(counts, key=lambda x: (-counts[x], len(x), x))], counts


def coreset_candidates(winners, sample, engine: Engine, screen: bool = True, progress=None
                       ) -> tuple[list, list]:
    """(candidates, screened): the lists the coreset is picked from, i.e. the -Oz lists, the
    corpus's verified winners and the -Oz neighbours screened on the sample, without
    repeats."""
    screened = screen_oz_neighbours(sample, engine, progress=progress) if screen else []
    candidates = []
    for lst in [*[list(x) for x in OZ_LISTS], *winners, *screened]:
        if lst not in candidates:
            candidates.append(lst)
    return candidates, screened


def train_from_stores(paths, engine: Engine, progress=None, command: str = "",
                      sample_size: int = SAMPLE_UNITS, lists: int = 64, screen: bool = True
                      ) -> Predictor:
    units, best = labels_from_stores(paths)
    winners, counts = verified_winners(best)
    sample = training_sample(units, sample_size)
    candidates, screened = coreset_candidates(winners, sample, engine, screen, progress)
    coreset, rejected = select_coreset(candidates, sample, engine, lists, progress)
    keep = [i for i, u in enumerate(units) if engine.oz_baseline(u).binary_size]
    units = [units[i] for i in keep]
    table = _log_ratios(units, coreset, engine, progress, "training units measured")
    feats = np.array([unit_features(u) for u in units])
    # -Oz's own lists (repeated or not) and the empty list are not "a list found by search".
    searched = [w for w in winners if w and not set(w) <= {"default<Oz>", "slp-vectorizer"}]
    top1 = searched[0] if searched else list(OZ_LISTS[0])
    meta = {"command": command, "stores": [str(p) for p in paths],
            "candidates": len(candidates), "screened_lists": len(screened),
            "coreset_rejected": len(rejected), "sample_units": len(sample),
            "top1_count": counts.get(tuple(top1), 0),
            "autotuner_geomean_gain_pct": round(100 * (1 - math.exp(sum(
                math.log(max(1, best[u.hash].best_binary_size) / best[u.hash].oz_binary_size)
                for u in units) / len(units))), 4)}
    return fit(coreset, feats, table, [u.name for u in units], top1, meta)


def refit(model: Predictor, command: str = "") -> Predictor:
    """The same fit on the table a model file carries (reproduces that model)."""
    meta = {k: v for k, v in model.meta.items()
            if k not in ("k", "prior", "risk", "units", "lists", "leave_one_out_geomean_gain_pct",
                         "leave_one_package_out_geomean_gain_pct", "selection_scores")}
    if command:
        meta["refit_command"] = command
    return fit(model.lists, model.features, model.log_ratios, model.unit_names, model.top1, meta)
