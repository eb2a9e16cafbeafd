"""The gradient-boosted flag-tuning model: a LightGBM regression of each pool list's size.

For a unit it predicts log(size / -Oz size) of every list of its pool from the unit's
features (features.py) and the list's own description (which passes, how often, before or
after -Oz's pipeline, its length, and the list itself as a category), and proposes the best
predicted first. Trained by flagtune/rankers.py from a pool table (flagtune/pool.py).

    model = load_model()                    # the shipped model, whichever family it is
    choice = model.propose(unit, k=2)       # Choice(lists, predicted_ratios, neighbours=[])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from ..toolchain.passes import parse_pass_list
from .features import FEATURE_NAMES, unit_features
from .model import Choice, write_model_json

GBM_FORMAT = "compilerlm-flagtune-gbm-v1"


# -- list descriptors ------------------------------------------------------------------
def pass_vocabulary(lists: list[str]) -> list[str]:
    names = set()
    for p in lists:
        names.update(parse_pass_list(p).names)
    return sorted(names)


def list_descriptor(pipeline: str, vocab: list[str]) -> np.ndarray:
    """What a list is made of: each pass's count before and after -Oz's own pipeline
    (`default<Oz>` counts as a pass too), the list's length and whether -Oz is in it."""
    names = list(parse_pass_list(pipeline).names)
    at = {n: i for i, n in enumerate(vocab)}
    before, after = np.zeros(len(vocab)), np.zeros(len(vocab))
    oz = names.index("default<Oz>") if "default<Oz>" in names else len(names)
    for i, n in enumerate(names):
        if n in at:
            (before if i <= oz else after)[at[n]] += 1
    return np.concatenate([before, after, [len(names), float("default<Oz>" in names)]])


@dataclass(eq=False)
class GbmRanker:
    """A LightGBM regression of each pool list's log-ratio; picks the best predicted lists."""
    lists: list[list[str]]
    pipelines: list[str]
    vocab: list[str]
    booster_text: str
    top1: list[str]
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        import lightgbm
        self.booster = lightgbm.Booster(model_str=self.booster_text)
        self.descriptors = np.array([list_descriptor(p, self.vocab) for p in self.pipelines])

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predicted log-ratio of every pool list on a unit with features x."""
        n = len(self.pipelines)
        rows = np.hstack([np.repeat(x[None, :], n, axis=0), self.descriptors,
                          np.arange(n)[:, None]])
        score = self.booster.predict(rows, num_threads=1)
        # A ranking objective scores higher-is-better; a regression predicts the log-ratio.
        return -score if self.meta.get("objective") == "lambdarank" else score

    def rank(self, x: np.ndarray, k_lists: int, fallback: bool = True
             ) -> tuple[list[int], list[float], None]:
        """Indices of the k_lists best predicted lists and their predictions (the same
        shape as Predictor.rank; no neighbours here)."""
        pred = self.predict(x)
        chosen = [int(i) for i in np.argsort(pred, kind="stable")[:max(1, k_lists)]]
        return chosen, [float(pred[i]) for i in chosen], None

    def propose_features(self, x: np.ndarray, k: int = 1, fallback: bool = True) -> Choice:
        chosen, predicted, _ = self.rank(x, k, fallback)
        ranking = self.meta.get("objective") == "lambdarank"  # scores, not sizes
        return Choice(lists=[list(self.lists[i]) for i in chosen],
                      predicted_ratios=None if ranking else [math.exp(v) for v in predicted],
                      neighbours=[])

    def propose(self, unit, k: int = 1, fallback: bool = True) -> Choice:
        return self.propose_features(unit_features(unit), k, fallback)

    def to_json(self) -> dict:
        return {"format": GBM_FORMAT, "feature_names": list(FEATURE_NAMES),
                "lists": self.lists, "pipelines": self.pipelines, "vocab": self.vocab,
                "booster": self.booster_text, "top1": self.top1, "meta": self.meta}

    def save(self, path) -> None:
        write_model_json(self.to_json(), path)

    @classmethod
    def from_json(cls, d: dict, where: str = "model") -> GbmRanker:
        if d.get("feature_names") != list(FEATURE_NAMES):
            raise InputError(f"{where}: made with other program features; retrain it")
        return cls(lists=[list(x) for x in d["lists"]], pipelines=list(d["pipelines"]),
                   vocab=list(d["vocab"]), booster_text=d["booster"], top1=list(d["top1"]),
                   meta=dict(d.get("meta", {})))
