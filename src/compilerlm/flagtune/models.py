"""Flag-tuning models by name: what `--model` accepts in `optimize` and `eval flagtune`.

    default          the shipped CPU model (predictor/), the default everywhere
    library          the earlier shipped model (151 library units), where searches start
    PATH.json.gz     a model written by `compilerlm train-predictor`
    oz               the baseline: clang -Oz itself (0 % by construction)
    top1             the single most common best list of the default model's training corpus
    autotune:DB      an autotuner store's verified best list for each unit it holds
    hf:PATH, openai:URL   an LLM prompted like LLM Compiler FTD (llm_model.py)

A model proposes lists for a unit, best first; `None` stands for clang -Oz itself. `fallback`
says whether -Oz is compiled as well (budget >= 2), which changes what "best" means.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..predictor.model import load_model
from ..unit import Unit


@dataclass(frozen=True)
class Proposal:
    lists: list[list[str] | None]  # best first; None = clang -Oz
    predicted_ratios: list[float] | None = None  # predicted size / -Oz size, per list
    inference_ms: float = 0.0
    note: str | None = None  # e.g. "not in the autotuner store"
    extra: dict = field(default_factory=dict)


class PredictorModel:
    def __init__(self, predictor, name: str):
        self.predictor, self.name = predictor, name

    def propose(self, unit: Unit, n: int, fallback: bool = True) -> Proposal:
        start = time.perf_counter()
        choice = self.predictor.propose(unit, n, fallback)
        return Proposal(lists=choice.lists, predicted_ratios=choice.predicted_ratios,
                        inference_ms=1000 * (time.perf_counter() - start),
                        extra={"neighbours": choice.neighbours})


class FixedModel:
    """The same lists for every unit (`oz`, `top1`)."""

    def __init__(self, lists: list[list[str] | None], name: str):
        self.lists, self.name = lists, name

    def propose(self, unit: Unit, n: int, fallback: bool = True) -> Proposal:
        return Proposal(lists=list(self.lists[:max(1, n)]))


class AutotuneModel:
    """An autotuner store's verified best list per unit (by IR hash)."""

    def __init__(self, path: str):
        from ..autotune.store import AutotuneStore

        if not Path(path).exists():
            raise InputError(f"{path}: no such autotuner store")
        store = AutotuneStore(path)
        try:
            self.records = store.best_results()
        finally:
            store.close()
        self.name = f"autotune:{path}"

    def propose(self, unit: Unit, n: int, fallback: bool = True) -> Proposal:
        r = self.records.get(unit.hash)
        if r is None:
            return Proposal(lists=[None], note="not in the autotuner store")
        return Proposal(lists=[list(r.best_passes)],
                        extra={"autotuner_binary_size": r.best_binary_size})


def resolve_model(spec: str):
    if spec in ("default", "", None):
        return PredictorModel(load_model(), "default")
    if spec == "library":
        return PredictorModel(load_model("library"), "library")
    if spec == "oz":
        return FixedModel([None], "oz")
    if spec == "top1":
        return FixedModel([load_model().top1], "top1")
    if spec.startswith("autotune:"):
        return AutotuneModel(spec.split(":", 1)[1])
    if spec.startswith(("hf:", "openai:")):
        from ..llm.backends import resolve_backend
        from .llm_model import LLMFlagTuner
        return LLMFlagTuner(resolve_backend(spec))
    if Path(spec).exists():
        return PredictorModel(load_model(spec), spec)
    raise InputError(f"unknown model {spec!r}: use default, library, top1, oz, autotune:DB, "
                     "a model file from `compilerlm train-predictor`, hf:PATH or openai:URL")
