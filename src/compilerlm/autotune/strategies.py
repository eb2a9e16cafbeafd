"""Search strategies: how the autotuner spends its budget on one program.

`guided` (the default) starts from the flag-tuning model's best lists for the program, then
evolves lists in which only verified lists breed; a quarter of each generation is random
search's, a quarter bred from lists without a default<...> pipeline. `random` is the paper's
search, `evolve` an elitist evolutionary search from the -Oz lists (measured worse once winners
are verified), `coreset` as guided, but unverified lists breed too (ahead only at small
budgets). docs/autotune.md compares them.

Each strategy adds what it measures to `found` (list -> binary size), counted as search in
the program's evaluator:

    ev, found = begin(unit, engine, verifier)
    search_guided(ev, config, found)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ..passlisteval import Verifier
from ..toolchain.engine import Engine
from ..toolchain.passes import DEFAULT_PIPELINE, search_space
from ..unit import Unit
from .config import OZ_LISTS, AutotuneConfig
from .random_search import MAX_LENGTH, random_list, random_lists

IMMIGRANTS = 0.25  # share of each `guided` generation drawn by random search
# ... and its share once the best verified list has not improved for STALL generations
STALL, STALLED_IMMIGRANTS = 6, 0.5
PLAIN = 0.25  # share bred from verified lists of single passes (no default<...> pipeline)


@dataclass
class _Tally:
    """Evaluations so far, by phase (result.Evaluations once the program is done)."""

    search: int = 0
    baseline: int = 0
    minimize: int = 0
    broadcast: int = 0


@dataclass
class _Evaluator:
    """Binary sizes of pass lists on one unit, counted per phase."""

    engine: Engine
    unit: Unit
    tally: _Tally = field(default_factory=_Tally)
    # PassListEval's yes/no on a list for this unit (None: the run is not validated); the
    # `guided` search uses it to keep broken lists out of its parents.
    accepts: object = None
    checked: int = 0  # lists the search itself sent to verification

    def sizes(self, lists, phase: str) -> list[int | None]:
        setattr(self.tally, phase, getattr(self.tally, phase) + len(lists))
        results = self.engine.measure_many([(self.unit, lst) for lst in lists])
        return [m.binary_size if m.ok else None for m in results]


def _rank(candidates: dict[tuple, int]) -> list[tuple]:
    """Distinct lists, smallest binary first; shorter, then name order, break ties."""
    return sorted(candidates, key=lambda lst: (candidates[lst], len(lst), lst))



def _search(ev: _Evaluator, found: dict[tuple, int], lists: list[list[str]]) -> None:
    """Measure candidate lists (counted as search) and keep each one's size in `found`."""
    for lst, size in zip(lists, ev.sizes(lists, "search")):
        if size is not None:
            found[tuple(lst)] = min(size, found.get(tuple(lst), size))


def search_random(ev: _Evaluator, config: AutotuneConfig, found: dict[tuple, int],
                  chunk: int = 64) -> dict[tuple, int]:
    for start in range(0, config.budget, chunk):
        _search(ev, found, random_lists(config.seed, ev.unit.hash, start,
                                        min(chunk, config.budget - start)))
    return found


def _mutate(rng: random.Random, parent: list[str], other: list[str], space: list[str]
            ) -> list[str]:
    child = list(parent)
    op = rng.randrange(7)
    if op == 6 and child:
        # The whole list again after itself: passes enable each other, so running a sequence
        # twice can pay where no single pass does (HumanEval-X's 24.cpp: -Oz 519 bytes,
        # `default<Oz>,break-crit-edges,loop-rotate,default<Oz>` 454, that list twice 312,
        # three times 241). Measured in docs/autotune.md.
        child = child + child
    elif op == 0 or not child:  # insert
        child.insert(rng.randint(0, len(child)), rng.choice(space))
    elif op == 1 and len(child) > 1:  # delete
        del child[rng.randrange(len(child))]
    elif op == 2:  # replace
        child[rng.randrange(len(child))] = rng.choice(space)
    elif op == 3 and len(child) > 1:  # swap neighbours
        i = rng.randrange(len(child) - 1)
        child[i], child[i + 1] = child[i + 1], child[i]
    elif op == 4 and other:  # one-point crossover
        child = child[:rng.randint(0, len(child))] + other[rng.randint(0, len(other)):]
    else:  # insert a short random run
        i = rng.randint(0, len(child))
        child[i:i] = [rng.choice(space) for _ in range(rng.randint(2, 4))]
    return child[:MAX_LENGTH] or [rng.choice(space)]


def breed(rng: random.Random, parents: list[tuple], found: dict[tuple, int], n: int,
          space: list[str], avoid: set | None = None, tries: int = 8) -> list[list[str]]:
    """n children, each a mutation of the winner of a tournament of two parents.

    With `avoid` (lists already measured or already chosen), a child found there is bred
    again, up to `tries` times: a repeated list costs a compilation and tells nothing new
    (3-8 % of guided's lists were repeats at budget 500 on switch.c and huffman.c)."""
    children = []
    for _ in range(n):
        for _attempt in range(tries if avoid is not None else 1):
            a, b = rng.sample(parents, 2) if len(parents) > 1 else (parents[0], parents[0])
            winner = a if found[a] <= found[b] else b
            child = _mutate(rng, list(winner), list(rng.choice(parents)), space)
            if avoid is None or tuple(child) not in avoid:
                break
        if avoid is not None:
            avoid.add(tuple(child))
        children.append(child)
    return children


def search_evolve(ev: _Evaluator, config: AutotuneConfig, found: dict[tuple, int],
                  population: int = 16, offspring: int = 16,
                  initial: list[list[str]] | None = None) -> dict[tuple, int]:
    """Elitist (mu + lambda) evolution from the -Oz lists and random lists (or `initial`).

    Starting next to -Oz puts the whole budget where the winners are: random lists of up to
    50 passes are mostly far larger than -Oz."""
    rng = random.Random(f"evolve:{config.seed}:{ev.unit.hash}")
    space = [p.name for p in search_space()]
    spent = 0
    if initial is None:
        initial = [random_list(rng, space, 10) for _ in range(min(population, config.budget))]
    initial = initial[:config.budget]
    _search(ev, found, initial)
    spent += len(initial)
    while spent < config.budget:
        parents = _rank(found)[:population]
        if not parents:
            break  # no list compiles (a unit that defines nothing): nothing to evolve from
        n = min(offspring, config.budget - spent)
        _search(ev, found, breed(rng, parents, found, n, space))
        spent += n
    return found


def search_coreset(ev: _Evaluator, config: AutotuneConfig, found: dict[tuple, int]
                   ) -> dict[tuple, int]:
    """The default flag-tuning model's most promising coreset lists for this unit (a third of
    the budget, at most 32), then evolution from the best of them for the rest.

    The model (flagtune/) ranks its coreset (verified winners of a real-code corpus and lists
    one pass away from -Oz) by the unit's features, so the search starts from lists that
    already work on similar code, instead of from random ones."""
    n = min(32, max(1, config.budget // 3))
    return search_evolve(ev, config, found, initial=config.start_lists(ev.unit, n))


def verified_parents(found: dict[tuple, int], verdicts: dict[tuple, bool], check,
                     population: int) -> list[tuple]:
    """The `population` smallest lists that may breed. Walking down the ranking, lists are
    verified (`check`, answers kept in `verdicts`) until one is accepted; larger lists need no
    check, since the best verified list already beats them. Rejected lists never breed."""
    pool, accepted_seen = [], False
    for lst in _rank(found):
        if verdicts.get(lst) is False:
            continue
        if not accepted_seen:
            if lst not in verdicts:
                verdicts[lst] = bool(check(lst))
            if not verdicts[lst]:
                continue
            accepted_seen = True
        pool.append(lst)
        if len(pool) == population:
            break
    return pool


class GuidedSearch:
    """Local search from the model's coreset whose parents are verified lists.

    `evolve` and `coreset` converge on small lists that break programs (most of their winners
    are then rejected; docs/autotune.md). Here a list becomes a parent only once PassListEval
    (and the program's own run) accepted it (verified_parents): each list is checked at most
    once, a rejection usually stops at the first failing program, and rejected lists never
    breed. Each generation: a quarter random search's lists (half once the best verified list
    has not improved for STALL generations), a quarter bred from the best verified lists of
    single passes, the rest from the best verified lists of all.
    Verification compiles the suite's programs, not this unit, so the budget counts the same
    thing as for the other strategies.

    The search can stop part way (`run(until)`), take lists found on other programs
    (`migrate`) and go on: `run(a)` then `run(b)` is `run(b)`."""

    def __init__(self, ev: _Evaluator, config: AutotuneConfig, found: dict[tuple, int],
                 population: int = 8, offspring: int = 16):
        self.ev, self.config, self.found = ev, config, found
        self.population, self.offspring = population, offspring
        self.rng = random.Random(f"guided:{config.seed}:{ev.unit.hash}")
        self.space = [p.name for p in search_space()]
        self.verdicts: dict[tuple, bool] = {}
        self.immigrants = 0
        self.best_size: int | None = None  # of the best verified list so far
        self.stalled_for = 0  # generations since it last got smaller
        self.spent = min(config.budget, 32, max(1, config.budget // 4))
        _search(ev, found, config.start_lists(ev.unit, self.spent))

    def check(self, lst: tuple) -> bool:
        if self.ev.accepts is None:
            return True
        self.ev.checked += 1
        return self.ev.accepts(list(lst))

    def best_verified(self) -> tuple | None:
        """The smallest list that may breed (verified, when the run validates)."""
        pool = verified_parents(self.found, self.verdicts, self.check, 1)
        return pool[0] if pool else None

    def migrate(self, lists: list[tuple], limit: int) -> None:
        """Measure up to `limit` of `lists` not measured here yet, within the budget; they
        breed like any list once verified."""
        new = [list(x) for x in lists if x not in self.found][:max(0, min(
            limit, self.config.budget - self.spent))]
        _search(self.ev, self.found, new)
        self.spent += len(new)

    def run(self, until: int | None = None) -> dict[tuple, int]:
        until = self.config.budget if until is None else min(until, self.config.budget)
        found, rng, space = self.found, self.rng, self.space
        while self.spent < until:
            pool = verified_parents(found, self.verdicts, self.check, self.population)
            if not pool:
                break  # nothing compiles, or nothing passes (a unit that defines nothing)
            # The best verified size never grows (lists are only added, verdicts never change).
            best = found[pool[0]]
            self.stalled_for = 0 if self.best_size is None or best < self.best_size \
                else self.stalled_for + 1
            self.best_size = best
            # Whole generations (the last one may pass `until`), so stopping part way
            # changes nothing.
            n = min(self.offspring, self.config.budget - self.spent)
            # Some of each generation are the paper's random lists (the same ones random
            # search would try): they reach what local moves from the coreset do not, and
            # the good ones breed like any verified list. Once local moves have stopped
            # paying, half: some wins are a lottery that only random lists play (HumanEval-X's
            # 24.cpp: no local move but two exact pairs of passes leaves 454 bytes, while 4 of
            # 1,200 random lists are smaller; docs/autotune.md).
            fresh = int(n * (STALLED_IMMIGRANTS if self.stalled_for >= STALL else IMMIGRANTS))
            children = random_lists(self.config.seed, self.ev.unit.hash, self.immigrants, fresh)
            self.immigrants += fresh
            # A second population: lists made of single passes only. The best verified lists
            # are soon all -Oz plus a pass or two, a basin local moves do not leave, while
            # many of random search's best winners are a few plain passes (huffman.c at
            # 5,000: newgvn, sroa, jump-threading, correlated-propagation, gvn-sink once
            # minimised).
            plain = verified_parents({lst: s for lst, s in found.items() if _plain(lst)},
                                     self.verdicts, self.check, self.population)
            n_plain = int(n * PLAIN) if plain else 0
            avoid = set(found) | {tuple(c) for c in children}
            children += breed(rng, plain, found, n_plain, space, avoid)
            children += breed(rng, pool, found, n - fresh - n_plain, space, avoid)
            _search(self.ev, found, children)
            self.spent += n
        return found


def search_guided(ev: _Evaluator, config: AutotuneConfig, found: dict[tuple, int],
                  population: int = 8, offspring: int = 16) -> dict[tuple, int]:
    """The guided search of one program alone (GuidedSearch, without migrants)."""
    return GuidedSearch(ev, config, found, population, offspring).run()


def _plain(lst: tuple) -> bool:
    return not any(DEFAULT_PIPELINE.match(p) for p in lst)



def begin(unit: Unit, engine: Engine, verifier: Verifier | None
          ) -> tuple[_Evaluator, dict[tuple, int]]:
    """The unit's evaluator and its found lists, the -Oz lists measured (baselines)."""
    ev = _Evaluator(engine, unit)
    if verifier is not None:
        ev.accepts = lambda passes: verifier.check(passes, unit).accepted
    found: dict[tuple, int] = {}
    for lst, size in zip(OZ_LISTS, ev.sizes([list(x) for x in OZ_LISTS], "baseline")):
        if size is not None:
            found[tuple(lst)] = size
    return ev, found



STRATEGY_FUNCTIONS = {"random": search_random, "evolve": search_evolve,
                      "coreset": search_coreset, "guided": search_guided}
