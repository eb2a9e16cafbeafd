"""A pool of verified lists measured on every unit of a corpus: what rankers learn from.

A label (autotune/labels.py) says which list is best for one unit; a ranker also needs to
know how every other list of its pool does there, bad ones included, and on units it will
be judged on (validation, test) what each list would have given. This table holds exactly
that: one row per unit (provenance, split, features, -Oz size) with the binary size of every
pool list, so that models are trained, selected and scored on a fresh machine without the
corpus and without compiling anything.

    pool = pool_lists(label_rows, extra=load_model("library").lists, engine=engine)
    pool, _ = screen_lists(corpus_dir, table, pool, engine, screened=winners_of(label_rows))
    measure_pool(corpus_dir, table, pool, engine, splits={"train", "validation", "test"})
    rows, lists = read_pool(table)      # rows[i]["sizes"][j]: lists[j] on unit i (None: failed)

The pool: -Oz's own lists, the verified best lists of the labelled *training* units (never
validation or test: their labels are what a model is judged against), and any extra lists
(the shipped library model's coreset; lists from files, `read_list_file`), each kept only
when PassListEval's built-in suite accepts it. Every list costs a compilation per unit of
the table, and most winners are one unit's own, so once the table has training units a
winner new to it joins only when, on a sample of the table's training units, it is smaller
than every list already in the pool on at least two of them; the best of those (greedily,
by what each adds to the lists before it) join, at most `max_new` a run. Units are taken
in the labeller's fixed order within each split, the splits in turn (validation, test,
train, validation, ...), and the table is rewritten atomically after each chunk; a rerun
measures only the (unit, list) pairs the table lacks, so the pool may grow.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..autotune.config import OZ_LISTS
from ..autotune.labels import read_unit_table, select_units, write_unit_table
from ..corpus.corpus import load_row, read_index
from ..errors import InputError, PassListError
from ..toolchain.engine import Engine
from ..toolchain.passes import parse_pass_list

CHUNK = 16  # units measured between two writes of the table
SCREEN_UNITS = 64  # training units of the table a new winner is tried on before it joins
MAX_NEW_LISTS = 64  # winners that may join the pool in one run
SCREEN_MIN_UNITS = 2  # sample units a new winner must improve on: more than its own
SPLIT_ORDER = {"validation": 0, "test": 1, "train": 2}
TRAINING_SPLITS = ("train",)  # whose labels may enter the pool


def pool_lists(label_rows: list[dict], extra=(), engine: Engine | None = None,
               progress=None) -> tuple[list[str], list[str]]:
    """(accepted, rejected) pipelines of the pool, in a fixed order: -Oz lists, the training
    labels' verified winners (most common first), then `extra`."""
    winners = _training_winners(label_rows)
    ordered = [parse_pass_list(list(x)).pipeline for x in OZ_LISTS]
    ordered += sorted(winners, key=lambda p: (-winners[p], len(p), p))
    ordered += [parse_pass_list(list(x)).pipeline for x in extra]
    seen, pool = set(), []
    for p in ordered:
        if p and p not in seen:
            seen.add(p)
            pool.append(p)
    if engine is None:
        return pool, []
    from ..passlisteval import PassListEval, builtin_suite
    checker, programs = PassListEval(engine), builtin_suite()
    accepted, rejected = [], []
    for i, p in enumerate(pool):
        ok = p in ordered[:len(OZ_LISTS)] or \
            checker.check(p, programs, fail_fast=True, raw=True).accepted
        (accepted if ok else rejected).append(p)
        if progress:
            progress(i + 1, len(pool), "pool lists checked")
    return accepted, rejected


def read_list_file(path: Path) -> list[list[str]]:
    """The pass lists of a text file, one per line ('#' starts a comment), as pass names."""
    out = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            out.append(list(parse_pass_list(line).names))
        except PassListError as e:
            raise InputError(f"{path}:{n}: {e}") from e
    if not out:
        raise InputError(f"{path}: no pass list in it (one per line)")
    return out


def _training_winners(label_rows: list[dict]):
    """Counter of the training labels' verified best lists (pipelines)."""
    from collections import Counter
    return Counter(parse_pass_list(list(r["best_passes"])).pipeline for r in label_rows
                   if r.get("split") in TRAINING_SPLITS and r.get("validated")
                   and r.get("best_passes"))


def winners_of(label_rows: list[dict]) -> set[str]:
    """The training labels' verified best lists: the pool's candidates to screen."""
    return set(_training_winners(label_rows))


def screen_lists(corpus_dir: Path, table: Path, lists: list[str], engine: Engine, *,
                 screened: set[str], units: int = SCREEN_UNITS, max_new: int = MAX_NEW_LISTS,
                 progress=None) -> tuple[list[str], dict]:
    """`lists` with those of `screened` that are new to the table left out unless they earn
    their place, and what the screening did.

    Each new candidate is measured on the table's first `units` training units (where every
    list already in the pool is measured); one that is smaller than all of them (and -Oz) on
    at least SCREEN_MIN_UNITS units is eligible, and eligible lists join greedily, each time
    the one that most lowers the sample's summed log size given those already in, up to
    `max_new`. Nothing to screen against (no training unit in the table yet): all join."""
    import math
    rows, old = read_pool(table)
    sample = [r for r in rows if r["split"] in TRAINING_SPLITS][:units]
    new = [p for p in lists if p in screened and p not in old]
    report = {"candidates": len(new), "sample_units": len(sample), "joined": len(new),
              "eligible": len(new)}
    if not new or not sample:
        return lists, report
    index = {r["hash"]: r for r in read_index(corpus_dir)}
    _require_units(corpus_dir, index, sample, table)
    best, sizes = [], {p: [] for p in new}
    for n, r in enumerate(sample):
        known = [s for s in r["sizes"] if s is not None] + [r["oz_binary_size"] or math.inf]
        best.append(min(known))
        unit = load_row(corpus_dir, index[r["unit_hash"]])
        ms = engine.measure_many([(unit, p) for p in new], raw=True)
        for p, m in zip(new, ms):
            sizes[p].append(m.binary_size if m.ok and m.binary_size else math.inf)
        if progress:
            progress(n + 1, len(sample), "sample units measured with the new winners")
    eligible = [p for p in new if sum(s < b for s, b in zip(sizes[p], best)) >= SCREEN_MIN_UNITS]
    def gain(p):  # what p adds to the sample given the lists in so far (`best`)
        return sum(math.log(b / s) for s, b in zip(sizes[p], best) if s < b)

    joined = []
    while eligible and len(joined) < max_new:
        pick = max(eligible, key=lambda p: (gain(p), -len(p), p))
        if gain(pick) <= 0:
            break
        joined.append(pick)
        eligible.remove(pick)
        best = [min(s, b) for s, b in zip(sizes[pick], best)]
    left_out = set(new) - set(joined)
    report.update(joined=len(joined), eligible=len(joined) + len(eligible))
    return [p for p in lists if p not in left_out], report


def _require_units(corpus_dir: Path, index: dict, rows: list[dict], table: Path) -> None:
    """Stop before measuring anything when table units to be measured are not in the corpus
    (on a fresh machine the corpus holds only the packages built there), naming the
    packages to build."""
    missing = [r for r in rows if r["unit_hash"] not in index]
    if missing:
        packages = sorted({r["package"] for r in missing})
        raise InputError(
            f"{table}: {len(missing)} of its units are not in {corpus_dir}; build their "
            f"packages into it first (`compilerlm corpus debian PACKAGE... --manifest "
            f"MANIFEST -o {corpus_dir}`, with the manifest the table was made from; "
            f"--drop-missing leaves out those it still lacks): {' '.join(packages)}")


def drop_missing_units(corpus_dir: Path, table: Path) -> list[dict]:
    """Remove from the table the units the corpus does not hold, and return them.

    For a table made on another machine whose corpus no longer yields every unit: a unit
    compiled only by a package's test suite is captured only when that suite gets that far
    in its time limit, so a rebuild under load can lack it. Dropping such rows keeps every
    other unit's measurements; a list new to the pool can then be measured everywhere."""
    rows, lists = read_pool(table)
    index = {r["hash"] for r in read_index(corpus_dir)}
    dropped = [r for r in rows if r["unit_hash"] not in index]
    if dropped:
        write_pool(table, [r for r in rows if r["unit_hash"] in index], lists)
    return dropped


def read_pool(path: Path) -> tuple[list[dict], list[str]]:
    """The table's rows and its lists (the order of every row's `sizes`)."""
    table = read_unit_table(path, "pool table")
    if table is None:
        return [], []
    try:
        lists = json.loads((table.schema.metadata or {})[b"lists"])
    except (KeyError, ValueError) as e:
        raise InputError(f"{path}: not a pool table: no list of its lists ({e})") from e
    return table.to_pylist(), lists


def write_pool(path: Path, rows: list[dict], lists: list[str]) -> None:
    import pyarrow as pa
    schema = pa.schema([
        ("unit_hash", pa.string()), ("name", pa.string()), ("package", pa.string()),
        ("split", pa.string()), ("ir_instructions", pa.int64()),
        ("features", pa.list_(pa.float32())), ("oz_binary_size", pa.int64()),
        ("sizes", pa.list_(pa.int64())),
    ])
    write_unit_table(path, rows, schema, {"lists": json.dumps(lists)})


def _realign(rows: list[dict], old: list[str], new: list[str]) -> list[tuple[dict, list[int]]]:
    """Re-key every row's sizes from the old list order to the new; returns each row with
    the positions of the lists it has never been measured with."""
    if old == new:
        return []
    at = {p: i for i, p in enumerate(old)}
    for r in rows:
        r["sizes"] = [r["sizes"][at[p]] if p in at else None for p in new]
    unmeasured = [j for j, p in enumerate(new) if p not in at]
    return [(r, unmeasured) for r in rows]


def interleaved(index_rows: list[dict]) -> list[dict]:
    """Units (given in the labeller's order) kept in that order within each split, the splits
    taken in turn (one validation unit, one test unit, one training unit, ...): whenever a run
    stops, there is something to train on, to choose with and to report on."""
    by_split: dict[str, list[dict]] = {}
    for r in index_rows:
        by_split.setdefault(r.get("split") or "", []).append(r)
    ranked = [(rank, SPLIT_ORDER.get(split, 3), r) for split, rows in by_split.items()
              for rank, r in enumerate(rows)]
    return [r for _, _, r in sorted(ranked, key=lambda t: t[:2])]


def measure_pool(corpus_dir: Path, table: Path, lists: list[str], engine: Engine, *,
                 splits: set[str] | None = None, limit: int | None = None,
                 max_instructions: int | None = None, progress=None) -> dict:
    """Measure the pool on up to `limit` more units (and the table's units on lists new to
    it: all of them before the table is written again, since None means "failed" there; a
    kill in between costs only the time, the engine's cache answers the rerun)."""
    from ..predictor.features import unit_features
    if not lists:
        raise InputError("the pool is empty: no list to measure")
    rows, old = read_pool(table)
    merged = old + [p for p in lists if p not in old]
    stale = _realign(rows, old, merged)
    rows_of_index = read_index(corpus_dir)
    index = {r["hash"]: r for r in rows_of_index}
    _require_units(corpus_dir, index, [r for r, _ in stale], table)
    filled = 0
    for n, (r, positions) in enumerate(stale):
        unit = load_row(corpus_dir, index[r["unit_hash"]])
        ms = engine.measure_many([(unit, merged[j]) for j in positions], raw=True)
        for j, m in zip(positions, ms):
            r["sizes"][j] = m.binary_size if m.ok else None
        filled += 1
        if progress:
            progress(n + 1, len(stale), "units measured with the new lists")
    if stale or not rows:
        write_pool(table, rows, merged)
    done = {r["unit_hash"] for r in rows}
    todo = interleaved(select_units(corpus_dir, splits, done, max_instructions,
                                    index=rows_of_index))
    if limit is not None:
        todo = todo[:limit]
    for start in range(0, len(todo), CHUNK):
        for r in todo[start:start + CHUNK]:
            unit = load_row(corpus_dir, r)
            oz = engine.oz_baseline(unit)
            ms = engine.measure_many([(unit, p) for p in merged], raw=True)
            rows.append({
                "unit_hash": unit.hash, "name": unit.name, "package": r.get("package") or "",
                "split": r.get("split") or "", "ir_instructions": int(r["ir_instructions"]),
                "features": [float(x) for x in unit_features(unit)],
                "oz_binary_size": oz.binary_size if oz.ok else None,
                "sizes": [m.binary_size if m.ok else None for m in ms]})
        write_pool(table, rows, merged)
        if progress:
            progress(min(start + CHUNK, len(todo)), len(todo), "units measured")
    return {"table": str(table), "added": len(todo), "filled": filled, "lists": len(merged),
            **pool_summary(rows)}


def pool_summary(rows: list[dict]) -> dict:
    from collections import Counter
    return {"units": len(rows), "by_split": dict(Counter(r["split"] for r in rows)),
            "packages": len({r["package"] for r in rows})}
