"""One program's result: its winners verified best first, the accepted one minimised.

The record the autotuner stores, prints and exports is a frozen SearchResult; `to_dict` is
its JSON form (what `autotune --json`, `results` and the store's `result` column hold) and
`from_dict` reads it back, also from stores written before the type existed.

    result = finish(unit, config, engine, verifier, ev, found)
    result.best_passes, result.best_binary_size, result.validated
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..passlisteval import Verifier
from ..toolchain.engine import Engine
from ..toolchain.passes import parse_pass_list
from ..unit import Unit
from .config import OZ_LISTS, AutotuneConfig
from .minimize import minimize
from .strategies import _Evaluator, _rank


@dataclass(frozen=True)
class Evaluations:
    """Evaluations spent on a program, by phase (PassListEval's builds are not counted)."""

    search: int = 0
    baseline: int = 0
    minimize: int = 0
    broadcast: int = 0

    @property
    def total(self) -> int:
        return self.search + self.baseline + self.minimize + self.broadcast

    def to_dict(self) -> dict:
        return {**dataclasses.asdict(self), "total": self.total}


@dataclass(frozen=True)
class Rejection:
    """A winner PassListEval or the program's own run rejected, and why."""

    passes: tuple[str, ...]
    binary_size: int | None
    program: str
    reason: str
    detail: str

    def to_dict(self) -> dict:
        return {**dataclasses.asdict(self), "passes": list(self.passes)}


@dataclass(frozen=True)
class SearchResult:
    input: str  # the unit's name
    input_hash: str
    oz_binary_size: int | None  # clang-17 -Oz's .text + .data
    best_binary_size: int | None  # of best_passes; None when no list compiled
    best_passes: tuple[str, ...]
    best_pipeline: str
    improvement_pct: float | None  # over -Oz
    worse_than_oz: bool  # best_binary_size > oz_binary_size
    validated: bool  # best_passes passed PassListEval (and the program's own run)
    rejections: tuple[Rejection, ...]  # winners rejected before best_passes was accepted
    raw_best_binary_size: int | None  # the smallest list found, verified or not
    raw_best_passes: tuple[str, ...] | None
    evaluations: Evaluations
    lists_verified_in_search: int  # lists guided search sent to verification
    strategy: str
    budget: int
    seed: int
    broadcast_improved: bool = False  # a broadcast list beat the search's best

    @property
    def rejected_winners(self) -> int:
        return len(self.rejections)

    def to_dict(self) -> dict:
        d = {
            "input": self.input, "input_hash": self.input_hash,
            "oz_binary_size": self.oz_binary_size, "best_binary_size": self.best_binary_size,
            "best_passes": list(self.best_passes), "best_pipeline": self.best_pipeline,
            "improvement_pct": self.improvement_pct, "worse_than_oz": self.worse_than_oz,
            "validated": self.validated, "rejected_winners": self.rejected_winners,
            "rejections": [r.to_dict() for r in self.rejections],
            "raw_best_binary_size": self.raw_best_binary_size,
            "raw_best_passes": (list(self.raw_best_passes)
                                if self.raw_best_passes is not None else None),
            "evaluations": self.evaluations.to_dict(),
            "lists_verified_in_search": self.lists_verified_in_search,
            "strategy": self.strategy, "budget": self.budget, "seed": self.seed,
        }
        if self.broadcast_improved:  # the key is there only where broadcast improved
            d["broadcast_improved"] = True
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "SearchResult":
        ev = d.get("evaluations") or {}
        raw = d.get("raw_best_passes")
        return cls(
            input=d["input"], input_hash=d["input_hash"],
            oz_binary_size=d.get("oz_binary_size"), best_binary_size=d.get("best_binary_size"),
            best_passes=tuple(d.get("best_passes") or ()),
            best_pipeline=d.get("best_pipeline") or "",
            improvement_pct=d.get("improvement_pct"),
            worse_than_oz=bool(d.get("worse_than_oz")), validated=bool(d.get("validated")),
            rejections=tuple(Rejection(passes=tuple(r["passes"]), binary_size=r.get(
                "binary_size"), program=r["program"], reason=r["reason"], detail=r["detail"])
                for r in d.get("rejections") or ()),
            raw_best_binary_size=d.get("raw_best_binary_size"),
            raw_best_passes=tuple(raw) if raw is not None else None,
            evaluations=Evaluations(**{k: int(ev.get(k, 0)) for k in
                                       ("search", "baseline", "minimize", "broadcast")}),
            lists_verified_in_search=int(d.get("lists_verified_in_search", 0)),
            strategy=d.get("strategy", ""), budget=int(d.get("budget", 0)),
            seed=int(d.get("seed", 0)), broadcast_improved=bool(d.get("broadcast_improved")))

    def with_best(self, passes: list[str], size: int, validated: bool) -> "SearchResult":
        """This result with another best list (broadcast's improvement)."""
        oz = self.oz_binary_size
        return dataclasses.replace(
            self, best_passes=tuple(passes), best_binary_size=size,
            best_pipeline=parse_pass_list(passes).pipeline, validated=validated,
            broadcast_improved=True,
            improvement_pct=round(100 * (1 - size / oz), 4) if oz else None,
            worse_than_oz=bool(oz and size > oz))


def finish(unit: Unit, config: AutotuneConfig, engine: Engine, verifier: Verifier | None,
           ev: _Evaluator, found: dict[tuple, int]) -> SearchResult:
    """The program's record: its lists best first, verified, the winner minimised."""
    oz = engine.oz_baseline(unit)
    ranked = _rank(found)
    raw_best = ranked[0] if ranked else None
    rejections, best, best_size, validated = [], None, None, False
    tried: set[tuple] = set()

    def rejected(passes, size) -> bool:
        """Check a list (verdicts are cached per list); record why it failed."""
        if verifier is None:
            return False
        verdict = verifier.check(list(passes), unit)
        if verdict.accepted:
            return False
        f = verdict.failures[0]
        rejections.append(Rejection(tuple(passes), size, f.program, f.reason, f.detail))
        return True

    oz_lists = [tuple(x) for x in OZ_LISTS]
    oz_ranked = [c for c in ranked if c in oz_lists]  # the smaller -Oz list first
    smaller = [c for c in ranked if not oz_ranked or found[c] < found[oz_ranked[0]]]
    for cand in smaller[:config.candidates] + oz_ranked:
        if cand in tried or found.get(cand) is None:
            continue
        tried.add(cand)
        # Reject broken winners before paying for their minimisation.
        if rejected(cand, found[cand]):
            continue
        passes, size = list(cand), found[cand]
        left = config.minimize_evaluations - ev.tally.minimize
        if config.minimize and cand not in oz_lists and left > 0:
            passes, size = minimize(passes, lambda ls: ev.sizes(ls, "minimize"),
                                    insert=config.insertion, budget=left)
            if tuple(passes) != cand:
                tried.add(tuple(passes))
                if rejected(passes, size):
                    passes, size = list(cand), found[cand]  # the checked original stands
        best, best_size, validated = passes, size, verifier is not None
        break
    if best is None:  # nothing passed: keep the -Oz list (never worse than textual -Oz)
        best, best_size = list(OZ_LISTS[0]), found.get(tuple(OZ_LISTS[0]))
    oz_size = oz.binary_size
    return SearchResult(
        input=unit.name, input_hash=unit.hash, oz_binary_size=oz_size,
        best_binary_size=best_size, best_passes=tuple(best),
        best_pipeline=parse_pass_list(best).pipeline,
        improvement_pct=(round(100 * (1 - best_size / oz_size), 4)
                         if oz_size and best_size is not None else None),
        worse_than_oz=bool(oz_size and best_size is not None and best_size > oz_size),
        validated=validated, rejections=tuple(rejections),
        raw_best_binary_size=found.get(raw_best) if raw_best else None,
        raw_best_passes=tuple(raw_best) if raw_best else None,
        evaluations=Evaluations(**dataclasses.asdict(ev.tally)),
        lists_verified_in_search=ev.checked, strategy=config.strategy, budget=config.budget,
        seed=config.seed)
