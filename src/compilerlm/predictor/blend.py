"""The blended flag-tuning model: nearest neighbours guided by gradient-boosted trees.

Both parts are trained on the same pool table (flagtune/rankers.py), so their lists are the
same, in the same order. With the -Oz fallback the first list is the one with the largest
expected gain, min(log-ratio, 0), averaged over the two models (`weight` is the trees'
share): the neighbours know what worked on similar units, the trees which features matter
for which list. The further lists are the nearest-neighbour model's, each chosen to add the
most to the lists before it (predictor/model.py). Zero-shot (no fallback), the neighbours
alone rank, since the trees predict gains only, not losses.

    model = load_model()                    # the shipped model, whichever family it is
    choice = model.propose(unit, k=2)       # Choice(lists, predicted_ratios, neighbours)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from .features import unit_features
from .gbm import GbmRanker
from .model import Choice, Predictor, write_model_json

BLEND_FORMAT = "compilerlm-flagtune-blend-v1"


@dataclass(eq=False)
class BlendRanker:
    knn: Predictor
    gbm: GbmRanker  # trained on the gain with the fallback (objective "gain")
    weight: float  # the trees' share of the first list's expected gain
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        if [list(x) for x in self.knn.lists] != [list(x) for x in self.gbm.lists]:
            raise InputError("a blended model's two parts must rank the same lists")

    @property
    def lists(self) -> list[list[str]]:
        return self.knn.lists

    @property
    def top1(self) -> list[str]:
        return self.knn.top1

    def _guide(self, x: np.ndarray, fallback: bool):
        return (self.weight, self.gbm.predict(x)) if fallback else None

    def rank(self, x: np.ndarray, k_lists: int, fallback: bool = True
             ) -> tuple[list[int], list[float], np.ndarray]:
        """The same shape as Predictor.rank: chosen indices, predicted log-ratios, neighbours."""
        return self.knn.rank(x, k_lists, fallback=fallback, guide=self._guide(x, fallback))

    def propose_features(self, x: np.ndarray, k: int = 1, fallback: bool = True) -> Choice:
        return self.knn.propose_features(x, k, fallback, guide=self._guide(x, fallback))

    def propose(self, unit, k: int = 1, fallback: bool = True) -> Choice:
        return self.propose_features(unit_features(unit), k, fallback)

    def to_json(self) -> dict:
        return {"format": BLEND_FORMAT, "weight": self.weight, "knn": self.knn.to_json(),
                "gbm": self.gbm.to_json(), "meta": self.meta}

    def save(self, path) -> None:
        write_model_json(self.to_json(), path)

    @classmethod
    def from_json(cls, d: dict, where: str = "model") -> BlendRanker:
        try:
            parts = d["knn"], d["gbm"], float(d["weight"])
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(f"{where}: a blended model without its parts ({e})") from None
        return cls(knn=Predictor.from_json(parts[0], where),
                   gbm=GbmRanker.from_json(parts[1], where), weight=parts[2],
                   meta=dict(d.get("meta", {})))
