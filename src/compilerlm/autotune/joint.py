"""One list for many programs: a search whose fitness is a list's mean gain over a set of units.

Per-program search (strategies.py) finds each program's own best list. A model allowed two
compilations per unit (one list and -Oz, K = 2) needs instead the one list that does best on
average with the -Oz fallback, gain(L, u) = max(0, log(floor_u / size_u(L))), where the floor
is the unit's -Oz size (or the smallest of the lists already chosen, for the next list of a
K > 2 sequence). The flag-tuning pool's best such list is one unit's winner; this evolves
lists from the best ones it is given, each candidate measured on every unit of a sample.

Most mutants are worse, so candidates race: the sample is measured a block of units at a time,
and a candidate whose gain so far is well below that of the population's weakest member on
the same units stops there. A candidate that finishes ahead of that member replaces it, once
`accepts` (PassListEval) says yes: a list that breaks programs never breeds.

    result = search_joint(units, floors, engine, initial=lists, budget=400,
                          accepts=lambda lst: checker.check(lst, programs).accepted)
    result.best, result.fitness  # the list; its mean gain on the sample (a fraction)
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from ..toolchain.engine import Engine
from ..toolchain.passes import search_space
from ..unit import Unit
from .strategies import breed

BLOCK = 32  # units measured between two looks at a racing candidate
# A candidate stops once its summed gain on the units measured so far is below this share of
# the weakest population member's on the same units (it could still finish ahead, but rarely).
RACE_SHARE = 0.95


@dataclass
class JointResult:
    best: list[str]
    fitness: float  # mean gain with the fallback over the sample (0.01 = 1 %)
    population: list[tuple[list[str], float]]  # best first
    candidates: int  # lists proposed (initial ones included)
    finished: int  # candidates measured on the whole sample
    evaluations: int  # (unit, list) compilations
    rejected: int = 0  # lists that finished ahead but `accepts` refused
    history: list[float] = field(default_factory=list)  # best fitness after each candidate


def gains(sizes: list[int | None], floors: list[int]) -> list[float]:
    """Per-unit gain with the fallback: log(floor / size) when smaller, else 0 (failed: 0)."""
    return [math.log(f / s) if s and f and s < f else 0.0 for s, f in zip(sizes, floors)]


class _Race:
    def __init__(self, units: list[Unit], floors: list[int], engine: Engine):
        self.units, self.floors, self.engine = units, floors, engine
        self.evaluations = 0

    def measure(self, lst, start: int, stop: int) -> list[float]:
        ms = self.engine.measure_many([(u, list(lst)) for u in self.units[start:stop]])
        self.evaluations += len(ms)
        sizes = [m.binary_size if m.ok else None for m in ms]
        return gains(sizes, self.floors[start:stop])

    def run(self, lst, threshold: list[float] | None) -> list[float] | None:
        """The list's per-unit gains, or None once it fell behind `threshold` (per unit)."""
        out: list[float] = []
        for start in range(0, len(self.units), BLOCK):
            out += self.measure(lst, start, start + BLOCK)
            if threshold is not None and len(out) < len(self.units):
                ahead = sum(threshold[:len(out)])
                if ahead > 0 and sum(out) < RACE_SHARE * ahead:
                    return None
        return out


def search_joint(units: list[Unit], floors: list[int], engine: Engine, *,
                 initial: list[list[str]], budget: int, population: int = 12, seed: int = 0,
                 accepts=None, progress=None) -> JointResult:
    """Evolve the list of largest mean gain over `units` (floors: each unit's size to beat).

    `initial` lists are measured in full (they seed the population, best first); then
    `budget` more candidates, each a mutation of a tournament winner among the population."""
    if not units or len(floors) != len(units):
        raise ValueError("search_joint needs units and one floor size per unit")
    rng = random.Random(f"joint:{seed}")
    space = [p.name for p in search_space()]
    race = _Race(units, floors, engine)
    scored: dict[tuple, list[float]] = {}  # members of the population: per-unit gains
    seen: set[tuple] = set()
    result = JointResult([], 0.0, [], 0, 0, 0)

    def admit(lst: tuple, g: list[float]) -> None:
        if accepts is not None and not accepts(list(lst)):
            result.rejected += 1
            return
        scored[lst] = g
        if len(scored) > population:
            del scored[min(scored, key=lambda k: (sum(scored[k]), -len(k)))]

    def best_fitness() -> float:
        return max((sum(g) for g in scored.values()), default=0.0) / len(units)

    for lst in initial:
        lst = tuple(lst)
        if lst in seen or not lst:
            continue
        seen.add(lst)
        result.candidates += 1
        result.finished += 1
        # Ranked first, verified after: only the population's best need a verdict.
        scored[lst] = race.run(lst, None)
        result.history.append(best_fitness())
        if progress:
            progress(result.candidates, len(initial) + budget, "initial lists measured")
    ranked = sorted(scored, key=lambda k: (-sum(scored[k]), len(k)))
    measured, scored = {k: scored[k] for k in ranked}, {}
    for lst in ranked:
        if len(scored) == population:
            break
        admit(lst, measured[lst])
    if not scored:
        raise ValueError("no initial list was accepted: nothing to evolve from")
    for n in range(budget):
        parents = list(scored)
        worst = min(parents, key=lambda k: sum(scored[k]))
        fitness = {k: -sum(g) for k, g in scored.items()}  # breed() favours the smallest
        child = tuple(breed(rng, parents, fitness, 1, space, avoid=seen)[0])
        result.candidates += 1
        g = race.run(child, scored[worst] if len(scored) == population else None)
        if g is not None:
            result.finished += 1
            if len(scored) < population or sum(g) > sum(scored[worst]):
                admit(child, g)
        result.history.append(best_fitness())
        if progress:
            progress(len(initial) + n + 1, len(initial) + budget, "candidates raced")
    ranked = sorted(scored, key=lambda k: (-sum(scored[k]), len(k)))
    result.best = list(ranked[0])
    result.fitness = sum(scored[ranked[0]]) / len(units)
    result.population = [(list(k), sum(scored[k]) / len(units)) for k in ranked]
    result.evaluations = race.evaluations
    return result
