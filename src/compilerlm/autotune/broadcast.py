"""Broadcast: the K most common best lists of a corpus, applied to every program of it.

After per-program search, LLM Compiler applied the 100 most common best lists to every program
and kept any improvement (paper, section 3): a list found on one program often helps others.
Improvements are verified like any other winner when the run validated its results.

    updated = broadcast(store, engine, top=100)
"""

from __future__ import annotations

import collections
import dataclasses
import json

from ..toolchain.engine import Engine
from .config import AutotuneConfig
from .result import SearchResult
from .store import AutotuneStore


def top_lists(records: list[SearchResult], k: int) -> list[list[str]]:
    """The k most common best lists (ties: the shorter, then name order)."""
    counts = collections.Counter(r.best_passes for r in records if r.best_passes)
    ranked = sorted(counts, key=lambda lst: (-counts[lst], len(lst), lst))
    return [list(lst) for lst in ranked[:k]]


def broadcast(store: AutotuneStore, engine: Engine, top: int = 100) -> list[SearchResult]:
    """Apply the top lists of each stored run configuration to its programs; store gains."""
    units = {u.hash: u for u in store.programs()}
    by_config: dict[str, list[SearchResult]] = collections.defaultdict(list)
    for config_key, record in store.results_with_configs():
        by_config[config_key].append(record)
    updated = []
    for config_key, records in by_config.items():
        config = AutotuneConfig(**json.loads(config_key))
        lists = top_lists(records, top)
        verifier = config.verifier(engine)
        for record in records:
            unit = units.get(record.input_hash)
            if unit is None:
                continue
            results = engine.measure_many([(unit, lst) for lst in lists])
            record = dataclasses.replace(record, evaluations=dataclasses.replace(
                record.evaluations, broadcast=record.evaluations.broadcast + len(lists)))
            order = sorted((m.binary_size, len(lst), lst) for lst, m in zip(lists, results)
                           if m.ok)
            for size, _, lst in order:
                if size >= record.best_binary_size:
                    break
                if verifier is not None and not verifier.check(lst, unit).accepted:
                    continue
                record = record.with_best(lst, size, validated=verifier is not None)
                break
            store.put_result(config_key, record, unit.hash)
            updated.append(record)
    return updated

