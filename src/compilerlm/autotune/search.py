"""The autotuner: search, minimise, verify, per program; the gold-standard labels.

LLM Compiler's labels came from random search (~4,877 lists per program), minimisation, a
PassListEval check and a broadcast of the 100 most common best lists (paper, section 3). Here:

1. baselines: clang-17 -Oz (what users compare against) and two pass lists that stand for it,
   `default<Oz>` and `default<Oz>,slp-vectorizer` (LLM 17's textual `default<Oz>` leaves out
   the SLP vectoriser that clang's -Oz runs; with it the list reproduces clang on float.c);
2. search, `budget` evaluations per program: `guided` (the default: the flag-tuning model's
   best lists for the program, then evolution in which only verified lists breed; a quarter
   of each generation is random search's, a quarter bred from lists without a default<...>
   pipeline; programs tuned together try each other's best lists when 30 % of their budgets
   is left), `random` (the paper's), `evolve` (an elitist evolutionary search from the
   baselines; measured worse once winners are verified) or `coreset` (as guided, but
   unverified lists breed too; ahead only at small budgets);
3. verification: best first, a list counts only once PassListEval accepts it on the suites
   and, when the program itself is runnable, on the program; a rejected list is recorded with
   its reason and the next best is taken (up to `candidates` lists smaller than -Oz's);
4. minimisation of the accepted list (minimize.py), verified again.

Every evaluation goes through the engine, whose cache is the store: a killed run resumes by
replaying the same deterministic search.

    with Engine(workers=2, cache_path=db) as engine:
        results = autotune(units, AutotuneConfig(budget=300), engine, AutotuneStore(db))
"""

from __future__ import annotations

import collections
import hashlib
import json
import math
import random
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..corpus.unit import Unit
from ..passlisteval import PassListEval, Program, parse_suite
from ..passlisteval.programs import benchmark_program
from ..toolchain.engine import Engine
from ..toolchain.passes import DEFAULT_PIPELINE, parse_pass_list, search_space
from .minimize import minimize
from .random_search import MAX_LENGTH, random_list, random_lists
from .store import AutotuneStore

OZ_LISTS = (["default<Oz>"], ["default<Oz>", "slp-vectorizer"])
IMMIGRANTS = 0.25  # share of each `guided` generation drawn by random search
# ... and its share once the best verified list has not improved for STALL generations
STALL, STALLED_IMMIGRANTS = 6, 0.5
PLAIN = 0.25  # share bred from verified lists of single passes (no default<...> pipeline)
EXCHANGE_GROUP = 64  # programs that share their finds (bounds the lists held in memory)
STRATEGIES = ("random", "evolve", "coreset", "guided")


@dataclass(frozen=True)
class AutotuneConfig:
    budget: int = 300  # search evaluations per program (the paper averaged 4,877)
    seed: int = 0
    # guided beat the paper's random search at every budget from 100 to 1,000 on the bundled
    # programs and from 300 on HumanEval-X (docs/autotune.md); evolve and coreset find small
    # lists faster, but mostly broken ones that verification then throws away.
    strategy: str = "guided"
    minimize: bool = True  # the paper's minimisation, looped to a fixed point
    insertion: bool = True  # the expensive part of minimisation: every pass at every place
    validate: bool = True  # PassListEval must accept a list before it counts
    suites: tuple[str, ...] = ("builtin",)  # what validation runs
    check_program: bool = True  # also run the program itself when it has a main()
    # Distinct lists smaller than the -Oz lists tried best first until one passes (then
    # minimised). 10 was too few: at budget 5,000 random search's ten smallest lists were
    # often all broken, and the program fell back to -Oz (docs/autotune.md).
    candidates: int = 100
    # guided: the shares of the budget left when programs tuned together exchange their best
    # verified lists (tune_programs); empty, each program's result depends on it alone.
    exchanges: tuple[float, ...] = (0.3,)
    # guided and coreset: the flag-tuning model whose lists they start from, a file written
    # by `compilerlm train-predictor` (say, trained on the user's own code); None: the
    # shipped model.
    model: str | None = None

    @property
    def exchanging(self) -> bool:
        """Whether programs tuned together share their finds (tune_programs)."""
        return self.strategy == "guided" and bool(self.exchanges)

    def key(self) -> str:
        """What decides results (not how fast they come): names a run in the store."""
        d = asdict(self)
        if self.model is None:
            del d["model"]  # the shipped model: the key stores made before the option have
        else:  # the model's content, not its path, decides the lists
            d["model"] = hashlib.sha256(Path(self.model).read_bytes()).hexdigest()
        return json.dumps(d, sort_keys=True)

    def start_lists(self, unit: Unit, n: int) -> list[list[str]]:
        """The model's n most promising lists for the unit: where guided and coreset start."""
        from ..flagtune.predictor import Predictor

        return Predictor.load(self.model).propose(unit, n).lists


@dataclass
class _Tally:
    search: int = 0
    baseline: int = 0
    minimize: int = 0
    broadcast: int = 0

    def as_dict(self) -> dict:
        d = asdict(self)
        d["total"] = sum(d.values())
        return d


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


# -- strategies ------------------------------------------------------------------------

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


def _offspring(rng: random.Random, parents: list[tuple], found: dict[tuple, int], n: int,
               space: list[str], avoid: set | None = None, tries: int = 8
               ) -> list[list[str]]:
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
        _search(ev, found, _offspring(rng, parents, found, n, space))
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
            children += _offspring(rng, plain, found, n_plain, space, avoid)
            children += _offspring(rng, pool, found, n - fresh - n_plain, space, avoid)
            _search(self.ev, found, children)
            self.spent += n
        return found


def search_guided(ev: _Evaluator, config: AutotuneConfig, found: dict[tuple, int],
                  population: int = 8, offspring: int = 16) -> dict[tuple, int]:
    """The guided search of one program alone (GuidedSearch, without migrants)."""
    return GuidedSearch(ev, config, found, population, offspring).run()


def _plain(lst: tuple) -> bool:
    return not any(DEFAULT_PIPELINE.match(p) for p in lst)


# -- verification ------------------------------------------------------------------------

def own_program(unit: Unit) -> Program | None:
    """The unit's own program, when it came from a C/C++ file that defines main(): run with
    the inputs and expected output a `benchmark.json` beside it gives, else without arguments
    against its own -O0 build."""
    source = _read(unit.source) if unit.source else ""
    if not re.search(r"\bint\s+main\s*\(", source):
        return None
    bench = benchmark_program(unit.source, source)
    if bench is not None:
        return bench
    language = "c++" if unit.source.endswith((".cc", ".cpp", ".cxx")) else "c"
    return Program(uri=f"self/{unit.name}", source=source, language=language,
                   link_flags=("-lm",))


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


class Verifier:
    """PassListEval on the configured suites, plus each unit's own program."""

    def __init__(self, engine: Engine, config: AutotuneConfig):
        self.checker = PassListEval(engine)
        self.programs, self.skipped = [], []
        for spec in config.suites:
            p, s = parse_suite(spec, seed=config.seed)
            self.programs += p
            self.skipped += s
        self.check_program = config.check_program

    def check(self, passes: list[str], unit: Unit, program: Program | None = None):
        """PassListEval's verdict on the suites plus the unit's program: `program` when given
        (a user's own run), else the unit's own main() when it has one."""
        programs = list(self.programs)
        own = program or (own_program(unit) if self.check_program else None)
        if own is not None:
            programs.append(own)
        return self.checker.check(passes, programs, fail_fast=True)


# -- one program ---------------------------------------------------------------------------

def _begin(unit: Unit, engine: Engine, verifier: Verifier | None
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


def tune_program(unit: Unit, config: AutotuneConfig, engine: Engine,
                 verifier: Verifier | None) -> dict:
    """Search, verify and minimise one program alone."""
    return tune_programs([unit], config, engine, verifier)[0]


def tune_programs(units: list[Unit], config: AutotuneConfig, engine: Engine,
                  verifier: Verifier | None, progress=None) -> list[dict]:
    """Tune programs as one group. With `guided` and more than one program, the group shares
    its finds: each program searches alone until the first of `config.exchanges` (a share of
    its budget) is left, then measures the best verified lists the others found (_exchange) and
    searches on from all it holds; at each later share left, the same again. A pair of
    passes that pays only together (mergereturn,gvn-sink on HumanEval-X) is found by chance
    on one program in a run; its neighbours then get it for a compilation, and refine it.
    The migrants are part of the budget. Results depend on the group (as broadcast's do),
    never on the number of workers; the search before the first exchange is the program's
    search alone."""
    strategies = {"random": search_random, "evolve": search_evolve, "coreset": search_coreset,
                  "guided": search_guided}
    if config.strategy not in strategies:
        raise ValueError(f"unknown strategy {config.strategy!r}; choose from {STRATEGIES}")
    report = progress or (lambda done, total, phase: None)
    if not config.exchanging or len(units) == 1:
        records = []
        for i, unit in enumerate(units):
            ev, found = _begin(unit, engine, verifier)
            strategies[config.strategy](ev, config, found)
            records.append(_finish(unit, config, engine, verifier, ev, found))
            report(i + 1, len(units), "programs tuned")
        return records
    searches = []
    for unit in units:
        ev, found = _begin(unit, engine, verifier)
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
        records.append(_finish(unit, config, engine, verifier, search.ev, search.found))
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


def _finish(unit: Unit, config: AutotuneConfig, engine: Engine, verifier: Verifier | None,
            ev: _Evaluator, found: dict[tuple, int]) -> dict:
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
        rejections.append({"passes": list(passes), "binary_size": size, "program": f.program,
                           "reason": f.reason, "detail": f.detail})
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
        if config.minimize and cand not in oz_lists:
            passes, size = minimize(passes, lambda ls: ev.sizes(ls, "minimize"),
                                    insert=config.insertion)
            if tuple(passes) != cand:
                tried.add(tuple(passes))
                if rejected(passes, size):
                    passes, size = list(cand), found[cand]  # the checked original stands
        best, best_size, validated = passes, size, verifier is not None
        break
    if best is None:  # nothing passed: keep the -Oz list (never worse than textual -Oz)
        best, best_size = list(OZ_LISTS[0]), found.get(tuple(OZ_LISTS[0]))
    oz_size = oz.binary_size
    return {
        "input": unit.name,
        "input_hash": unit.hash,
        "oz_binary_size": oz_size,
        "best_binary_size": best_size,
        "best_passes": list(best),
        "best_pipeline": parse_pass_list(best).pipeline,
        "improvement_pct": (round(100 * (1 - best_size / oz_size), 4)
                            if oz_size and best_size is not None else None),
        "worse_than_oz": bool(oz_size and best_size is not None and best_size > oz_size),
        "validated": validated,
        "rejected_winners": len(rejections),
        "rejections": rejections,
        "raw_best_binary_size": found.get(raw_best) if raw_best else None,
        "raw_best_passes": list(raw_best) if raw_best else None,
        "evaluations": ev.tally.as_dict(),
        "lists_verified_in_search": ev.checked,
        "strategy": config.strategy,
        "budget": config.budget,
        "seed": config.seed,
    }


def improvement(pairs: list[tuple[int, int]]) -> dict:
    """(size, -Oz size) pairs -> the paper's aggregate numbers, in percent."""
    pairs = [(s, oz) for s, oz in pairs if oz]
    if not pairs:
        return {"improvement_total_pct": None, "improvement_geomean_pct": None,
                "better_pct": None, "worse_pct": None}
    total = 1 - sum(s for s, _ in pairs) / sum(oz for _, oz in pairs)
    geo = 1 - math.exp(sum(math.log(max(s, 1) / oz) for s, oz in pairs) / len(pairs))
    return {"improvement_total_pct": round(100 * total, 4),
            "improvement_geomean_pct": round(100 * geo, 4),
            "better_pct": round(100 * sum(s < oz for s, oz in pairs) / len(pairs), 2),
            "worse_pct": round(100 * sum(s > oz for s, oz in pairs) / len(pairs), 2)}


def summarize(records: list[dict]) -> dict:
    """Corpus totals: improvement over -Oz by total size and by the geomean of ratios (the
    same numbers `compilerlm eval flagtune` reports, from the same function)."""
    usable = [r for r in records if r["oz_binary_size"] and r["best_binary_size"] is not None]
    gains = improvement([(r["best_binary_size"], r["oz_binary_size"]) for r in usable])
    return {
        "programs_total": len(records),
        "programs_measured": len(usable),
        "best_binary_size_total": sum(r["best_binary_size"] for r in usable),
        "oz_binary_size_total": sum(r["oz_binary_size"] for r in usable),
        "improvement_total_pct": gains["improvement_total_pct"],
        "improvement_geomean_pct": gains["improvement_geomean_pct"],
        "validated": sum(1 for r in usable if r["validated"]),
        "better_than_oz": sum(1 for r in usable if r["best_binary_size"] < r["oz_binary_size"]),
    }


def autotune(units: list[Unit], config: AutotuneConfig, engine: Engine, store: AutotuneStore,
             progress=None) -> list[dict]:
    """Tune every unit, in groups of EXCHANGE_GROUP programs that share their finds
    (tune_programs); each group's records are stored as soon as they are known. A group with
    a program missing from the store is searched again: the finished programs' searches are
    replayed from the store's evaluations (their finds are the others' migrants)."""
    verifier = Verifier(engine, config) if config.validate else None
    records = []
    for unit in units:
        store.add_program(unit)
    # Programs that do not exchange lists are stored one by one, as each finishes.
    group_size = EXCHANGE_GROUP if config.exchanging else 1
    for start in range(0, len(units), group_size):
        group = units[start:start + group_size]
        stored = [store.get_result(config.key(), u.hash) for u in group]
        if any(r is None for r in stored):
            fresh = tune_programs(group, config, engine, verifier, progress=progress and (
                lambda done, total, phase, start=start: progress(start + done, len(units),
                                                                 phase)))
            for unit, old, new in zip(group, stored, fresh):
                if old is None:
                    store.put_result(config.key(), new, unit.hash)
            stored = [old or new for old, new in zip(stored, fresh)]
        records += stored
        if progress:
            progress(len(records), len(units), "programs tuned")
    return records
