"""Broadcast: the K most common best lists of a corpus, applied to every program of it.

After per-program search, LLM Compiler applied the 100 most common best lists to every program
and kept any improvement (paper, section 3): a list found on one program often helps others.
Improvements are verified like any other winner when the run validated its results.

    updated = broadcast(store, engine, top=100)
"""

from __future__ import annotations

import collections
import json

from ..toolchain.engine import Engine
from ..toolchain.passes import parse_pass_list
from .search import AutotuneConfig, Verifier
from .store import AutotuneStore


def top_lists(records: list[dict], k: int) -> list[list[str]]:
    """The k most common best lists (ties: the shorter, then name order)."""
    counts = collections.Counter(tuple(r["best_passes"]) for r in records if r["best_passes"])
    ranked = sorted(counts, key=lambda lst: (-counts[lst], len(lst), lst))
    return [list(lst) for lst in ranked[:k]]


def broadcast(store: AutotuneStore, engine: Engine, top: int = 100) -> list[dict]:
    """Apply the top lists of each stored run configuration to its programs; store gains."""
    units = {u.hash: u for u in store.programs()}
    by_config: dict[str, list[dict]] = collections.defaultdict(list)
    for config_key, record in store.results_with_configs():
        by_config[config_key].append(record)
    updated = []
    for config_key, records in by_config.items():
        config = AutotuneConfig(**json.loads(config_key))
        lists = top_lists(records, top)
        verifier = Verifier(engine, config) if config.validate else None
        for record in records:
            unit = units.get(record["input_hash"])
            if unit is None:
                continue
            results = engine.measure_many([(unit, lst) for lst in lists])
            record["evaluations"]["broadcast"] += len(lists)
            record["evaluations"]["total"] += len(lists)
            order = sorted((m.binary_size, len(lst), lst) for lst, m in zip(lists, results)
                           if m.ok)
            for size, _, lst in order:
                if size >= record["best_binary_size"]:
                    break
                if verifier is not None and not verifier.check(lst, unit).accepted:
                    continue
                record.update(best_binary_size=size, best_passes=lst,
                              best_pipeline=parse_pass_list(lst).pipeline,
                              validated=verifier is not None, broadcast_improved=True)
                oz = record["oz_binary_size"]
                record["improvement_pct"] = round(100 * (1 - size / oz), 4) if oz else None
                record["worse_than_oz"] = bool(oz and size > oz)
                break
            store.put_result(config_key, record, unit.hash)
            updated.append(record)
    return updated

