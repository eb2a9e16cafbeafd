"""The default flag-tuning model: nearest neighbours over a coreset of verified pass lists.

Training (train.py) leaves a table: for every training unit its feature vector and, for every
list of the coreset (the autotuner's verified best lists of the training corpus), the binary
size that list gives relative to -Oz. To choose K lists for a new unit the model

1. finds the training units nearest to it in standardised feature space (k of them,
   weighted by 1 / distance; k chosen by leave-one-out on the training table),
2. takes as first list the one with the smallest weighted mean log-ratio on them
   (its prediction of the size relative to -Oz comes with it),
3. adds lists greedily, each time the one that most lowers the neighbours' weighted mean of
   min(best so far, this list, -Oz): the K lists cover each other's failures instead of being
   K variations of one list.

No compilation happens here; ranking a unit costs one parse and a few numpy operations.

    model = Predictor.load()                 # the shipped library model (library_model.json.gz)
    choice = model.propose(unit, k=9)        # Choice(lists, predicted_ratios, ...)
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..unit import Unit
from .features import FEATURE_NAMES, scale_floors, unit_features

FORMAT = "compilerlm-flagtune-knn-v1"
# The shipped models, by name: `default`, what `optimize` uses (trained on the Debian corpus's
# pool table, flagtune/rankers.py), and `library`, this nearest-neighbour model trained on 151
# library units (flagtune/train.py), where the autotuner's guided and coreset searches start:
# kept apart so that a new default model does not change what the autotuner (and the labels
# it makes) does under the same configuration.
SHIPPED = {"default": "default_model.json.gz", "library": "library_model.json.gz"}
# A list that failed on a training unit (crash, timeout) counts as this much worse than -Oz
# there, so that it is never proposed where it broke.
FAILED_LOG_RATIO = math.log(2.0)


@dataclass(frozen=True)
class Choice:
    lists: list[list[str]]  # the K most promising, best first
    predicted_ratios: list[float] | None  # predicted size / -Oz size (None: ranked only)
    neighbours: list[str]  # names of the training units the prediction leaned on


# eq=False: numpy arrays have no single truth value, and a model is compared by its file.
@dataclass(frozen=True, eq=False)
class Predictor:
    lists: list[list[str]]  # the coreset
    features: np.ndarray  # (units, features) of the training units
    log_ratios: np.ndarray  # (units, lists): log(size / -Oz size); FAILED_LOG_RATIO on failure
    unit_names: list[str]
    k: int  # neighbours
    top1: list[str]  # the single most common best list of the training corpus
    meta: dict  # how it was trained: corpus, command, counts, leave-one-out scores
    prior: float = 0.0  # weight of the corpus-wide average, as one more (pseudo-)neighbour
    risk: float = 0.0  # how much a list's spread over the neighbours counts against it

    def __post_init__(self):
        # Derived once from the fields (frozen: set through object.__setattr__).
        derived = {"mean": self.features.mean(axis=0)}
        derived["scale"] = np.maximum(self.features.std(axis=0), scale_floors())
        derived["_z"] = (self.features - derived["mean"]) / derived["scale"]
        # Training units come in groups (the package before the first '/'): held out together
        # when the fit is scored, since a user's program is unlike all of them.
        derived["groups"] = np.array([n.split("/", 1)[0] for n in self.unit_names])
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    # -- ranking -----------------------------------------------------------------------
    def neighbour_weights(self, x: np.ndarray, exclude=None) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest training units (not `exclude`, a boolean mask) and raw weights
        1 / distance: far neighbours weigh little against the prior."""
        # Each feature's difference counts at most 3 spreads: one odd feature (a program
        # full of floating point, say) must not outweigh all the others.
        diff = np.clip(self._z - (x - self.mean) / self.scale, -3.0, 3.0)
        d = np.sqrt((diff ** 2).sum(axis=1))
        if exclude is not None:
            d = np.where(exclude, np.inf, d)
        k = min(self.k, int(np.isfinite(d).sum()))
        idx = np.argsort(d, kind="stable")[:k]
        return idx, 1.0 / (d[idx] + 1e-3)

    def rank(self, x: np.ndarray, k_lists: int, exclude=None, fallback: bool = True,
             guide: tuple[float, np.ndarray] | None = None
             ) -> tuple[list[int], list[float], np.ndarray]:
        """Indices of the k_lists chosen lists, their predicted log-ratios, and the neighbours.

        The neighbours' log-ratios are pooled with the corpus-wide mean of each list, weighted
        `prior`: a list that wins on the nearest units but loses on most code is proposed only
        when the neighbours are close. With `fallback` (-Oz is compiled too), the first list is
        the one with the largest expected gain, min(log-ratio, 0): a loss costs nothing then.
        Without it (zero-shot), the one with the smallest expected log-ratio, losses included.
        `guide` (weight, another model's expected gain of every list) is blended into the
        first list's expected gain (predictor/blend.py); the others complement the first."""
        idx, w = self.neighbour_weights(x, exclude)
        r = self.log_ratios[idx]  # (k, lists)
        if self.prior > 0:
            pool = self.log_ratios if exclude is None else self.log_ratios[~exclude]
            r = np.vstack([r, pool.mean(axis=0)])
            w = np.append(w, self.prior)
        w = w / w.sum()
        predicted = w @ r
        spread = np.sqrt(np.maximum(w @ (r - predicted) ** 2, 0.0))
        if fallback:
            gain = w @ np.minimum(r, 0.0)
            if guide is not None:
                gain = (1.0 - guide[0]) * gain + guide[0] * guide[1]
            first = int(np.argmin(gain))
        else:
            first = int(np.argmin(predicted + self.risk * spread))
        chosen = [first]
        best = np.minimum(r[:, first], 0.0)  # -Oz (log-ratio 0) is always there as fallback
        while len(chosen) < min(k_lists, r.shape[1]):
            gain = w @ np.minimum(best[:, None], r)  # expected min if each list were added
            gain[chosen] = np.inf
            nxt = int(np.argmin(gain))
            if not np.isfinite(gain[nxt]):
                break
            chosen.append(nxt)
            best = np.minimum(best, r[:, nxt])
        return chosen, [float(predicted[i]) for i in chosen], idx

    def propose(self, unit: Unit, k: int = 1, fallback: bool = True) -> Choice:
        return self.propose_features(unit_features(unit), k, fallback)

    def propose_features(self, x: np.ndarray, k: int = 1, fallback: bool = True,
                         guide: tuple[float, np.ndarray] | None = None) -> Choice:
        chosen, logs, idx = self.rank(x, max(1, k), fallback=fallback, guide=guide)
        return Choice(lists=[list(self.lists[i]) for i in chosen],
                      predicted_ratios=[math.exp(v) for v in logs],
                      neighbours=[self.unit_names[i] for i in idx])

    def leave_one_out(self, k_lists: int = 1, by_group: bool = False) -> float:
        """Geomean size / -Oz on the training units when each is ranked without itself (or
        without its whole group), taking the first list (k_lists = 1, zero-shot) or the best of
        the first k_lists lists and -Oz."""
        total = 0.0
        for i in range(len(self.unit_names)):
            exclude = (self.groups == self.groups[i]) if by_group else \
                (np.arange(len(self.unit_names)) == i)
            chosen, _, _ = self.rank(self.features[i], k_lists, exclude=exclude,
                                     fallback=k_lists > 1)
            total += min(0.0, float(self.log_ratios[i, chosen].min())) if k_lists > 1 \
                else float(self.log_ratios[i, chosen[0]])
        return math.exp(total / len(self.unit_names))

    # -- files ----------------------------------------------------------------------------
    def to_json(self) -> dict:
        return {"format": FORMAT, "feature_names": list(FEATURE_NAMES), "k": self.k,
                "prior": self.prior, "risk": self.risk,
                "lists": self.lists, "top1": self.top1, "unit_names": self.unit_names,
                "features": np.round(self.features, 6).tolist(),
                "log_ratios": np.round(self.log_ratios, 6).tolist(), "meta": self.meta}

    def save(self, path: Path | str) -> None:
        write_model_json(self.to_json(), path)

    @classmethod
    def from_json(cls, d: dict, where: str = "model") -> Predictor:
        if d.get("format") != FORMAT:
            raise InputError(f"{where}: not a compilerlm flag-tuning model "
                             f"(format {d.get('format')!r}, expected {FORMAT!r})")
        if d.get("feature_names") != list(FEATURE_NAMES):
            raise InputError(f"{where}: made with other program features; retrain it with "
                             "`compilerlm train-predictor`")
        return cls(lists=[list(x) for x in d["lists"]],
                   features=np.array(d["features"], dtype=np.float64),
                   log_ratios=np.array(d["log_ratios"], dtype=np.float64),
                   unit_names=list(d["unit_names"]), k=int(d["k"]), top1=list(d["top1"]),
                   meta=dict(d.get("meta", {})), prior=float(d.get("prior", 0.0)),
                   risk=float(d.get("risk", 0.0)))

    @classmethod
    def load(cls, path: Path | str | None = None) -> "Predictor":
        """A nearest-neighbour model file, or the shipped library model when path is None."""
        d, where = _model_json(path or "library")
        return cls.from_json(d, where)


def load_model(path: Path | str | None = None):
    """A flag-tuning model of any family: a file, a shipped model's name (`default`,
    `library`) or None (the default). A Predictor, GbmRanker or BlendRanker, each with
    `lists`, `top1`, `meta` and `propose(unit, k, fallback)`."""
    from .blend import BLEND_FORMAT, BlendRanker
    from .gbm import GBM_FORMAT, GbmRanker
    d, where = _model_json(path or "default")
    family = {GBM_FORMAT: GbmRanker, BLEND_FORMAT: BlendRanker}
    if isinstance(d, dict) and d.get("format") in family:
        return family[d["format"]].from_json(d, where)
    return Predictor.from_json(d, where)


def write_model_json(d: dict, path: Path | str) -> None:
    """A model file of any family: its JSON, gzipped. mtime=0: the same model gives the same
    bytes, so a retrained model can be compared with the shipped one."""
    data = json.dumps(d, sort_keys=True, separators=(",", ":")).encode()
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(data)


def _model_json(path) -> tuple[object, str]:
    """A shipped model's JSON by name, or a file's (gzipped or not), and where it came from."""
    if str(path) in SHIPPED:
        name = SHIPPED[str(path)]
        raw = resources.files("compilerlm.predictor").joinpath(name).read_bytes()
        where = f"the shipped {path} model ({name})"
    else:
        where = str(path)
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            raise InputError(f"{path}: no such model file") from None
        except IsADirectoryError:
            raise InputError(f"{path}: a directory, not a model file") from None
    try:
        return json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw), where
    except (OSError, ValueError) as e:
        raise InputError(f"{where}: not a model file: {e}") from e
