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

Where each part lives: config.py (AutotuneConfig), strategies.py (the searches),
exchange.py (programs tuned together), result.py (verification, minimisation and the
SearchResult), store.py (the SQLite store), this module (the corpus driver).

Every evaluation goes through the engine, whose cache is the store: a killed run resumes by
replaying the same deterministic search.

    with Engine(workers=2, cache_path=db) as engine:
        results = autotune(units, AutotuneConfig(budget=300), engine, AutotuneStore(db))
"""

from __future__ import annotations

from ..toolchain.engine import Engine
from ..unit import Unit
from .config import AutotuneConfig
from .exchange import EXCHANGE_GROUP, tune_programs
from .result import SearchResult
from .store import AutotuneStore


def autotune(units: list[Unit], config: AutotuneConfig, engine: Engine, store: AutotuneStore,
             progress=None) -> list[SearchResult]:
    """Tune every unit, in groups of EXCHANGE_GROUP programs that share their finds
    (tune_programs); each group's records are stored as soon as they are known. A group with
    a program missing from the store is searched again: the finished programs' searches are
    replayed from the store's evaluations (their finds are the others' migrants)."""
    verifier = config.verifier(engine)
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
