"""A corpus's labels: the autotuner's verified best list per unit, as a compact Parquet table.

The table is what a model is trained from on a machine that has never seen the corpus, and
what labelling resumes from on another machine: one row per (unit, configuration) with the
unit's provenance and split, its feature vector, the -Oz size, the verified best list and
its size, the search's smallest lists with their sizes and verdicts, and what the row cost
(CPU seconds of the labeller and its workers, the chunk's share; None when the chunk was
mostly answered from the store by a resumed run).

    label_corpus(corpus_dir, table_path, config, engine, store, splits={"train"}, limit=100)
    rows = read_labels(table_path)

Units are taken in a fixed pseudo-random order (by a hash of the unit's hash), so that the
first n labelled units of a corpus are a fair sample of it whatever n is, and a rerun (here
or elsewhere, with the same corpus) picks up exactly where the table stops. The table is
rewritten whole and atomically after every chunk: a kill loses at most the chunk in flight,
whose evaluations the autotuner's store answers again on the rerun.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path

from ..corpus.corpus import load_row
from ..errors import InputError
from ..toolchain.engine import Engine
from ..unit import Unit
from .config import AutotuneConfig
from .result import SearchResult
from .search import autotune
from .store import AutotuneStore

# Smallest lists the search found per unit kept in the table (with sizes and verdicts): a
# ranker learns from more than the winner.
CANDIDATES_KEPT = 8
CHUNK = 16  # units tuned between two writes of the table


def cpu_seconds(engine: Engine) -> float:
    """CPU time so far of this process, its finished children (links, program runs) and the
    engine's live local workers: the cost of labelling whatever else the machine runs (a Ray
    pool's actors are not counted)."""
    t = os.times()
    total = t.user + t.system + t.children_user + t.children_system
    pids = getattr(engine.pool, "worker_pids", None)
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids() if callable(pids) else []:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue  # a worker that has ended: its time is in children_* once reaped
    return total


def label_order(unit_hash: str) -> str:
    return hashlib.sha256(unit_hash.encode()).hexdigest()


def read_labels(path: Path) -> list[dict]:
    """The table's rows as dicts (an absent file: no rows)."""
    table = read_unit_table(path, "label table")
    return table.to_pylist() if table is not None else []


def verified_best_sizes(path: Path) -> dict[str, int]:
    """The autotuner's verified best size per unit hash: what a model's gain is compared
    with (`eval flagtune --labels`, benchmarks/flagtune_families.py)."""
    return {r["unit_hash"]: r["best_binary_size"] for r in read_labels(path)
            if r["validated"] and r["best_binary_size"]}


def write_labels(path: Path, rows: list[dict]) -> None:
    write_unit_table(path, rows, _schema())


def read_unit_table(path: Path, kind: str):
    """A per-unit Parquet table (labels here, the pool in flagtune/pool.py) as a pyarrow
    Table; None when the file is absent; one line naming `kind` when it is not Parquet."""
    path = Path(path)
    if not path.exists():
        return None
    import pyarrow.parquet as pq
    try:
        return pq.read_table(path)
    except Exception as e:  # pyarrow raises several types for a file that is not Parquet
        raise InputError(f"{path}: not a {kind}: {e}") from e


def write_unit_table(path: Path, rows: list[dict], schema, metadata: dict | None = None
                     ) -> None:
    """Write a per-unit table whole and atomically (a temporary file renamed over the old
    one), rows by package and name, the feature names (and `metadata`) in its metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..predictor.features import FEATURE_NAMES
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(sorted(rows, key=lambda r: (r["package"], r["name"])),
                                 schema=schema)
    table = table.replace_schema_metadata({**(metadata or {}),
                                           "feature_names": json.dumps(FEATURE_NAMES)})
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def _schema():
    import pyarrow as pa
    candidate = pa.struct([("pipeline", pa.string()), ("binary_size", pa.int64()),
                           ("verdict", pa.string())])
    return pa.schema([
        ("unit_hash", pa.string()), ("name", pa.string()), ("package", pa.string()),
        ("split", pa.string()), ("config_key", pa.string()),
        ("ir_instructions", pa.int64()), ("features", pa.list_(pa.float32())),
        ("oz_binary_size", pa.int64()), ("best_binary_size", pa.int64()),
        ("best_passes", pa.list_(pa.string())), ("validated", pa.bool_()),
        ("improvement_pct", pa.float64()), ("raw_best_binary_size", pa.int64()),
        ("candidates", pa.list_(candidate)),
        ("evaluations_search", pa.int64()), ("evaluations_minimize", pa.int64()),
        ("evaluations_baseline", pa.int64()), ("core_seconds", pa.float64()),
    ])


def select_units(corpus_dir: Path, splits: set[str] | None, done: set[str],
                 max_instructions: int | None = None, index: list[dict] | None = None
                 ) -> list[dict]:
    """The index rows of the corpus's units still to label (or measure: flagtune/pool.py),
    in label order; `index`: the corpus's index when the caller has read it already."""
    from ..corpus.corpus import read_index
    rows = []
    for row in read_index(corpus_dir) if index is None else index:
        if splits and row.get("split") not in splits:
            continue
        if row["hash"] in done or not row.get("ir_instructions"):
            continue  # labelled already, or a unit without code (an #ifdef'd-out file)
        if max_instructions and row["ir_instructions"] > max_instructions:
            continue
        rows.append(row)
    return sorted(rows, key=lambda r: label_order(r["hash"]))


def candidates_of(engine: Engine, result: SearchResult, n: int = CANDIDATES_KEPT):
    """The n smallest distinct lists the engine's cache holds for the unit, with a verdict:
    `accepted` (the best list, verified), `rejected: REASON` (PassListEval or the program
    refused it), or `unchecked` (never sent to verification)."""
    from ..toolchain.passes import parse_pass_list
    rejected = {parse_pass_list(list(r.passes)).pipeline: r.reason for r in result.rejections}
    rows = engine.cache.smallest_evaluations(result.input_hash, n) if engine.cache else []
    out = []
    for pipeline, size in rows:
        if pipeline == result.best_pipeline and result.validated:
            verdict = "accepted"
        elif pipeline in rejected:
            verdict = f"rejected: {rejected[pipeline]}"
        else:
            verdict = "unchecked"
        out.append({"pipeline": pipeline, "binary_size": size, "verdict": verdict})
    if result.best_pipeline and result.validated and not any(
            c["verdict"] == "accepted" for c in out):
        out.append({"pipeline": result.best_pipeline,
                    "binary_size": result.best_binary_size, "verdict": "accepted"})
    return out


def label_row(row: dict, unit: Unit, result: SearchResult, config: AutotuneConfig,
              engine: Engine, core_seconds: float | None) -> dict:
    from ..predictor.features import unit_features
    ev = result.evaluations
    return {
        "unit_hash": unit.hash, "name": unit.name, "package": row.get("package") or "",
        "split": row.get("split") or "", "config_key": config.key(),
        "ir_instructions": int(row.get("ir_instructions") or 0),
        "features": [float(x) for x in unit_features(unit)],
        "oz_binary_size": result.oz_binary_size, "best_binary_size": result.best_binary_size,
        "best_passes": list(result.best_passes), "validated": result.validated,
        "improvement_pct": result.improvement_pct,
        "raw_best_binary_size": result.raw_best_binary_size,
        "candidates": candidates_of(engine, result),
        "evaluations_search": ev.search, "evaluations_minimize": ev.minimize,
        "evaluations_baseline": ev.baseline,
        "core_seconds": round(core_seconds, 3) if core_seconds is not None else None,
    }


def label_corpus(corpus_dir: Path, table: Path, config: AutotuneConfig, engine: Engine,
                 store: AutotuneStore, *, splits: set[str] | None = None,
                 limit: int | None = None, max_instructions: int | None = None,
                 progress=None) -> dict:
    """Label up to `limit` more units of the corpus into the table; returns a summary."""
    rows = read_labels(table)
    key = config.key()
    foreign = {r["config_key"] for r in rows} - {key}
    if foreign:
        raise InputError(f"{table}: labelled with another configuration ({len(foreign)} "
                         f"other); label into another table or with the same options")
    done = {r["unit_hash"] for r in rows}
    todo = select_units(corpus_dir, splits, done, max_instructions)
    if limit is not None:
        todo = todo[:limit]
    added = 0
    for start in range(0, len(todo), CHUNK):
        # IR is read a chunk at a time: a corpus of thousands of units is not held in memory.
        chunk = [(row, load_row(corpus_dir, row)) for row in todo[start:start + CHUNK]]
        began = cpu_seconds(engine)
        computed, hits = engine.stats["evaluations"], engine.stats["cache_hits"]
        results = autotune([u for _, u in chunk], config, engine, store, progress=progress and (
            lambda done_, total, phase, start=start, n=len(chunk): progress(
                start + min(done_, n), len(todo), phase)))
        share = (cpu_seconds(engine) - began) / len(chunk)
        if engine.stats["cache_hits"] - hits > engine.stats["evaluations"] - computed:
            share = None  # mostly replayed from the store (a resumed run): cost unknown
        rows += [label_row(row, unit, result, config, engine, share)
                 for (row, unit), result in zip(chunk, results)]
        write_labels(table, rows)
        added += len(chunk)
    return {"table": str(table), "added": added, **label_summary(rows)}


def label_summary(rows: list[dict]) -> dict:
    """What the labels say and what they cost."""
    from ..metrics import improvement
    def evaluations(r) -> int:
        return r["evaluations_search"] + r["evaluations_minimize"] + r["evaluations_baseline"]

    measured = [r for r in rows if r["oz_binary_size"] and r["best_binary_size"]]
    costed = [r for r in rows if r["core_seconds"] is not None]
    core_s = sum(r["core_seconds"] for r in costed)
    costed_evals = sum(evaluations(r) for r in costed)
    gains = improvement([(r["best_binary_size"], r["oz_binary_size"]) for r in measured])
    return {
        "units": len(rows), "by_split": dict(Counter(r["split"] for r in rows)),
        "packages": len({r["package"] for r in rows}),
        "validated": sum(r["validated"] for r in rows),
        "improvement_total_pct": gains["improvement_total_pct"],
        "improvement_geomean_pct": gains["improvement_geomean_pct"],
        "evaluations": sum(evaluations(r) for r in rows),
        "evaluations_minimize": sum(r["evaluations_minimize"] for r in rows),
        "core_hours": round(core_s / 3600, 3),  # of the rows whose cost was measured
        "evaluations_per_core_second": round(costed_evals / core_s, 3) if core_s else None,
        "core_hours_per_1000_units": round(core_s / 3.6 / len(costed), 3) if costed else None,
    }
