"""Programs tuned together share their finds: the exchange between guided searches.

A pair of passes that pays only together (mergereturn,gvn-sink on HumanEval-X) is found by
chance on one program in a run; when the programs of a group exchange their best verified
lists part way through, its neighbours get it for a compilation, and refine it
(docs/autotune.md measures it).

    results = tune_programs(units, config, engine, verifier)
"""

from __future__ import annotations

import collections

from ..passlisteval import Verifier
from ..toolchain.engine import Engine
from ..unit import Unit
from .config import OZ_LISTS, STRATEGIES, AutotuneConfig
from .result import SearchResult, finish
from .strategies import STRATEGY_FUNCTIONS, GuidedSearch, begin

EXCHANGE_GROUP = 64  # programs that share their finds (bounds the lists held in memory)


def tune_program(unit: Unit, config: AutotuneConfig, engine: Engine,
                 verifier: Verifier | None) -> SearchResult:
    """Search, verify and minimise one program alone."""
    return tune_programs([unit], config, engine, verifier)[0]


def tune_programs(units: list[Unit], config: AutotuneConfig, engine: Engine,
                  verifier: Verifier | None, progress=None) -> list[SearchResult]:
    """Tune programs as one group. With `guided` and more than one program, the group shares
    its finds: each program searches alone until the first of `config.exchanges` (a share of
    its budget) is left, then measures the best verified lists the others found (_exchange) and
    searches on from all it holds; at each later share left, the same again. A pair of
    passes that pays only together (mergereturn,gvn-sink on HumanEval-X) is found by chance
    on one program in a run; its neighbours then get it for a compilation, and refine it.
    The migrants are part of the budget. Results depend on the group (as broadcast's do),
    never on the number of workers; the search before the first exchange is the program's
    search alone."""
    strategies = STRATEGY_FUNCTIONS
    if config.strategy not in strategies:
        raise ValueError(f"unknown strategy {config.strategy!r}; choose from {STRATEGIES}")
    report = progress or (lambda done, total, phase: None)
    if not config.exchanging or len(units) == 1:
        records = []
        for i, unit in enumerate(units):
            ev, found = begin(unit, engine, verifier)
            strategies[config.strategy](ev, config, found)
            records.append(finish(unit, config, engine, verifier, ev, found))
            report(i + 1, len(units), "programs tuned")
        return records
    searches = []
    for unit in units:
        ev, found = begin(unit, engine, verifier)
        searches.append(GuidedSearch(ev, config, found))
    stops = [config.budget - int(config.budget * left)
             for left in sorted(config.exchanges, reverse=True)]
    for round_, stop in enumerate(stops):
        for i, search in enumerate(searches):
            search.run(stop)
            report(round_ * len(units) + i + 1, len(stops) * len(units), "programs searched")
        _exchange(searches)
    records = []
    for i, (unit, search) in enumerate(zip(units, searches)):
        search.run()
        records.append(finish(unit, config, engine, verifier, search.ev, search.found))
        searches[i] = None  # its lists are no longer needed
        report(i + 1, len(units), "programs tuned")
    return records


def _exchange(searches: list[GuidedSearch]) -> None:
    """Each search measures the others' best verified lists (the most common first, then the
    shortest), at most half of the budget it has left."""
    oz_lists = {tuple(x) for x in OZ_LISTS}
    bests = [s.best_verified() for s in searches]
    counts = collections.Counter(b for b in bests if b is not None and b not in oz_lists)
    for i, search in enumerate(searches):
        migrants = sorted({b for j, b in enumerate(bests) if j != i and b in counts},
                          key=lambda b: (-counts[b], len(b), b))
        search.migrate(migrants, (search.config.budget - search.spent) // 2)

