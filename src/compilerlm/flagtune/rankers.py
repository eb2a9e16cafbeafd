"""Flag-tuning models trained from a pool table (pool.py), and how they are compared.

These families learn from the same table (every pool list's size on every training unit):

- `knn`: the nearest-neighbour ranker of predictor/model.py, its table being the pool
  table's training rows (k, prior and risk chosen by leaving each package out, train.fit).
- `gbm`: a gradient-boosted regression (LightGBM) of log(size / -Oz size) from the unit's
  features and the list's own (which passes it has, how often, before or after -Oz, its
  length, and the list itself as a category), over every (training unit, pool list) pair.
  For a new unit it predicts every pool list and proposes the best predicted first.
- `blend`: knn whose first list is chosen on the expected gain with the -Oz fallback
  averaged with a `gain` regression's (predictor/blend.py);
- `average`: the same lists for every unit, those that do best on all the training units
  together (the paper's broadcast of common lists, done greedily: each further list the one
  that most lowers the training units' mean of the best so far).

All are scored the same way on units they never saw (validation packages to choose, test
packages to report): the K lists proposed, -Oz as fallback at K >= 2, each unit counted at
the smallest size among them, as the pool table measured it (the pool's lists all pass
PassListEval's built-in suite; `optimize` checks them again on each unit).

    data = PoolData.load("corpora/debian/pool.parquet")
    model = train_gbm(data, data.split_mask("train"))
    scores = score(model, data, data.split_mask("validation"), budgets=(1, 2, 10))
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..autotune.config import OZ_LISTS
from ..errors import InputError
from ..predictor.gbm import GbmRanker, list_descriptor, pass_vocabulary
from ..predictor.model import FAILED_LOG_RATIO
from ..toolchain.passes import parse_pass_list
from .pool import read_pool

# A log-ratio beyond these says only "far better / far worse than -Oz": clipped so that a few
# extreme units do not dominate a squared loss.
CLIP = (-1.0, FAILED_LOG_RATIO)


@dataclass
class PoolData:
    """A pool table as arrays: features X (units, features), log-ratios R (units, lists)."""
    lists: list[str]
    X: np.ndarray
    R: np.ndarray
    oz: np.ndarray  # -Oz binary size per unit
    sizes: np.ndarray  # (units, lists) binary sizes; -Oz's where a list failed
    names: list[str]  # package/name
    packages: np.ndarray
    splits: np.ndarray
    hashes: list[str]

    @classmethod
    def load(cls, path) -> PoolData:
        rows, lists = read_pool(Path(path))
        rows = [r for r in rows if r["oz_binary_size"]]  # no code at -Oz: nothing to win
        if not rows:
            raise InputError(f"{path}: no measured units in the pool table")
        oz = np.array([r["oz_binary_size"] for r in rows], dtype=np.float64)
        raw = np.array([[s if s else np.nan for s in r["sizes"]] for r in rows],
                       dtype=np.float64)
        R = np.where(np.isnan(raw), FAILED_LOG_RATIO, np.log(raw / oz[:, None]))
        return cls(lists=lists, X=np.array([r["features"] for r in rows], dtype=np.float64),
                   R=R, oz=oz, sizes=np.where(np.isnan(raw), oz[:, None], raw),
                   names=[f"{r['package']}/{r['name'].split('/', 1)[-1]}" for r in rows],
                   packages=np.array([r["package"] for r in rows]),
                   splits=np.array([r["split"] for r in rows]),
                   hashes=[r["unit_hash"] for r in rows])

    def split_mask(self, *splits: str) -> np.ndarray:
        return np.isin(self.splits, splits)


GBM_PARAMS = {"objective": "regression", "learning_rate": 0.05, "num_leaves": 31,
              "min_data_in_leaf": 40, "feature_fraction": 0.8, "bagging_fraction": 0.8,
              "bagging_freq": 1, "lambda_l2": 1.0, "verbosity": -1, "seed": 0,
              "deterministic": True, "num_threads": 2}


def gbm_rows(data: PoolData, mask: np.ndarray, descriptors: np.ndarray):
    """(unit, list) training rows (unit features, list descriptor, list index) and each
    pair's log-ratio."""
    idx = np.flatnonzero(mask)
    n = len(data.lists)
    X = np.hstack([np.repeat(data.X[idx], n, axis=0), np.tile(descriptors, (len(idx), 1)),
                   np.tile(np.arange(n), len(idx))[:, None]])
    return X, data.R[idx].reshape(-1)


def gbm_target(r: np.ndarray, objective: str) -> np.ndarray:
    """What the trees learn from log-ratios r under each objective (train_gbm)."""
    if objective == "gain":
        return np.minimum(r, 0.0)
    y = np.clip(r, *CLIP)
    if objective == "lambdarank":
        return np.clip(np.floor(-100 * (np.exp(y) - 1)) + 1, 0, 30).astype(int)
    return y


def train_gbm(data: PoolData, mask: np.ndarray, rounds: int = 300, params: dict | None = None,
              meta: dict | None = None, objective: str = "regression") -> GbmRanker:
    """objective `regression`: the clipped log-ratio, squared loss; `gain`: the gain with the
    -Oz fallback, min(log-ratio, 0), squared loss (how much larger than -Oz a list makes a
    unit does not matter when -Oz is compiled too, so no capacity is spent on it);
    `lambdarank`: the order of the lists on each unit (relevance: each full per cent below
    -Oz is a grade, at most 30), so that what is learnt is which list is best where, not how
    large anything is."""
    import lightgbm
    vocab = pass_vocabulary(data.lists)
    descriptors = np.array([list_descriptor(p, vocab) for p in data.lists])
    if objective not in ("regression", "gain", "lambdarank"):
        raise ValueError(f"unknown objective {objective!r}")
    X, r = gbm_rows(data, mask, descriptors)
    y = gbm_target(r, objective)
    params = {**GBM_PARAMS, **(params or {})}
    group = None
    if objective == "lambdarank":
        params.update(objective="lambdarank", lambdarank_truncation_level=10,
                      label_gain=list(range(31)), eval_at=[1, 2, 10])
        group = [len(data.lists)] * int(mask.sum())
    # Every unit weighs the same whatever its size; the list's index is a category.
    train = lightgbm.Dataset(X, y, group=group, categorical_feature=[X.shape[1] - 1],
                             free_raw_data=True)
    booster = lightgbm.train(params, train, num_boost_round=rounds)
    lists = [list(parse_pass_list(p).names) for p in data.lists]
    return GbmRanker(lists=lists, pipelines=list(data.lists), vocab=vocab,
                     booster_text=booster.model_to_string(), top1=_top1(data, mask),
                     meta={**(meta or {}), "rounds": rounds, "objective": objective,
                           "params": params, "training_units": int(mask.sum())})


def _top1(data: PoolData, mask: np.ndarray) -> list[str]:
    """The pool list with the best mean log-ratio on the training units (-Oz's excluded)."""
    mean = np.minimum(data.R[mask], FAILED_LOG_RATIO).mean(axis=0)
    oz_lists = {parse_pass_list(list(x)).pipeline for x in OZ_LISTS}
    order = [j for j in np.argsort(mean, kind="stable") if data.lists[j] not in oz_lists]
    return list(parse_pass_list(data.lists[order[0]]).names)


# -- the nearest-neighbour model on a pool table ------------------------------------------
def train_knn(data: PoolData, mask: np.ndarray, meta: dict | None = None):
    from .train import fit
    idx = np.flatnonzero(mask)
    return fit([list(parse_pass_list(p).names) for p in data.lists], data.X[idx], data.R[idx],
               [data.names[i] for i in idx], _top1(data, mask), meta or {})


# -- the blend of both -----------------------------------------------------------------
BLEND_WEIGHT = 0.5  # the trees' share of the first list's expected gain (of 0, 0.5, 1 tried)


def train_blend(data: PoolData, mask: np.ndarray, meta: dict | None = None,
                weight: float = BLEND_WEIGHT):
    """knn, its first list chosen on the expected gain averaged with a `gain` regression's."""
    from ..predictor.blend import BlendRanker
    return BlendRanker(knn=train_knn(data, mask), gbm=train_gbm(data, mask, objective="gain"),
                       weight=weight, meta={**(meta or {}), "weight": weight})


# -- the same lists for every unit ------------------------------------------------------
def train_average(data: PoolData, mask: np.ndarray, meta: dict | None = None):
    """The nearest-neighbour ranker made blind: every training unit is a neighbour of every
    unit, all with the same weight (their features are all zero, so all are equally far), so
    its lists are those best on average over the training units, each further one the list
    that most lowers their mean of min(best so far, list, -Oz), and it needs no format of its
    own."""
    from ..predictor.model import Predictor
    idx = np.flatnonzero(mask)
    return Predictor(lists=[list(parse_pass_list(p).names) for p in data.lists],
                     features=np.zeros_like(data.X[idx]), log_ratios=data.R[idx],
                     unit_names=[data.names[i] for i in idx], k=len(idx),
                     top1=_top1(data, mask), meta={**(meta or {}), "family": "average",
                                                   "units": len(idx)})


TRAINERS = {"knn": train_knn, "gbm": train_gbm, "blend": train_blend,
            "average": train_average}


# -- scoring ---------------------------------------------------------------------------
def pool_positions(model, data: PoolData) -> list[int]:
    """Where each of the model's lists stands in the pool (a model whose lists are not all
    in the pool cannot be scored on it)."""
    at = {p: j for j, p in enumerate(data.lists)}
    pipelines = model.pipelines if isinstance(model, GbmRanker) else \
        [parse_pass_list(list(x)).pipeline for x in model.lists]
    try:
        return [at[p] for p in pipelines]
    except KeyError as e:
        raise InputError(f"the model proposes a list the pool table lacks: {e}") from None


def score(model, data: PoolData, mask: np.ndarray, budgets=(1, 2, 10),
          autotuner: dict[str, int] | None = None) -> dict:
    """Gains below -Oz on the masked units at each budget K (K = 1: the first list alone,
    zero-shot; K >= 2: the first K - 1 lists and -Oz), the pool's own bound (best list per
    unit), and with `autotuner` (unit hash -> verified best size) the share of its gain, by
    total bytes saved and by geomean, on the units it labelled."""
    idx = np.flatnonzero(mask)
    t0 = time.perf_counter()
    per_k = {k: sizes_at(model, data, idx, k) for k in budgets}
    out = score_sizes(data, idx, per_k, autotuner)
    out["ranking_ms_per_unit"] = round(1000 * (time.perf_counter() - t0)
                                       / max(1, len(idx) * len(budgets)), 3)
    return out


def sizes_at(model, data: PoolData, idx: np.ndarray, k: int) -> np.ndarray:
    """Each unit's size at budget K: K = 1 the first list alone (zero-shot), K >= 2 the
    smallest of the first K - 1 lists and -Oz."""
    at = pool_positions(model, data)
    sizes = []
    for i in idx:
        chosen, _, _ = model.rank(data.X[i], max(1, k - 1), fallback=k > 1)
        lists = [at[j] for j in chosen]
        sizes.append(data.sizes[i, lists[0]] if k == 1 else
                     min([data.oz[i], *data.sizes[i, lists]]))
    return np.array(sizes)


def cross_validate(train_fn, data: PoolData, mask: np.ndarray, folds: int = 5,
                   budgets=(1, 2, 10)) -> dict:
    """Package-grouped cross-validation on the masked units: each fold's packages ranked by
    a model trained on the other folds' packages only (packages dealt to folds in a fixed
    order of their names' hashes)."""
    import hashlib
    idx = np.flatnonzero(mask)
    packages = sorted(set(data.packages[idx]),
                      key=lambda p: hashlib.sha256(p.encode()).hexdigest())
    fold_of = {p: n % folds for n, p in enumerate(packages)}
    per_k = {k: np.zeros(len(idx)) for k in budgets}
    for f in range(folds):
        held = np.array([fold_of[data.packages[i]] == f for i in idx])
        if not held.any():
            continue
        train = mask.copy()
        train[idx[held]] = False
        model = train_fn(data, train)
        for k in budgets:
            per_k[k][held] = sizes_at(model, data, idx[held], k)
    return score_sizes(data, idx, per_k)


def score_sizes(data: PoolData, idx: np.ndarray, per_k: dict, autotuner=None) -> dict:
    from ..metrics import improvement
    out = {"units": len(idx), "packages": len(set(data.packages[idx]))}
    for k, sizes in per_k.items():
        g = improvement(list(zip(sizes, data.oz[idx])))
        out[f"k{k}"] = {"total_pct": g["improvement_total_pct"],
                        "geomean_pct": g["improvement_geomean_pct"]}
    bound = np.minimum(data.sizes[idx].min(axis=1), data.oz[idx])
    g = improvement(list(zip(bound, data.oz[idx])))
    out["pool_bound"] = {"total_pct": g["improvement_total_pct"],
                         "geomean_pct": g["improvement_geomean_pct"]}
    if autotuner:
        from .evaluate import autotuner_shares
        have = [n for n, i in enumerate(idx) if data.hashes[i] in autotuner]
        if have:
            rows = [{"oz_binary_size": data.oz[idx[n]],
                     "autotuner_size": min(autotuner[data.hashes[idx[n]]], data.oz[idx[n]]),
                     **{k: sizes[n] for k, sizes in per_k.items()}} for n in have]
            g = improvement([(r["autotuner_size"], r["oz_binary_size"]) for r in rows])
            out["autotuner"] = {"units": len(have), "total_pct": g["improvement_total_pct"],
                                "geomean_pct": g["improvement_geomean_pct"]}
            for k in per_k:  # the same shares `eval flagtune` reports, as fractions
                shares = autotuner_shares(rows, k)
                for name, key in (("share_total", "autotuner_share_pct"),
                                  ("share_geomean", "autotuner_share_geomean_pct")):
                    out[f"k{k}"][name] = None if shares[key] is None else shares[key] / 100
    return out
