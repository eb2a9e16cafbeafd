"""Resumable dataset generation: units in chunks, each chunk's records kept as it finishes.

A `dataset` command builds its records chunk by chunk (a few units per worker, so the
workers stay busy) and appends each finished chunk's records and counts to
`OUT/.partial/TASK-SETTINGS.jsonl` in one write. Killed at any moment, the same command continues
with the units not yet done; the records of finished units are read back, not rebuilt. The
spool is removed once the dataset is written.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from ..store import append_json_line, read_json_lines
from .build import BuildStats


def _spool(out: Path, task: str, settings: str = "") -> Path:
    tag = hashlib.blake2b(settings.encode(), digest_size=4).hexdigest()
    return out / ".partial" / f"{task}-{tag}.jsonl"


def build_resumably(task: str, units, engine, build, out: Path, chunk: int = 8,
                    progress=None, settings: str = "") -> tuple[list[dict], BuildStats, int]:
    """`settings`: what decides the records (options, seed); a run with other settings does
    not reuse this spool."""
    spool = _spool(out, task, settings)
    spool.parent.mkdir(parents=True, exist_ok=True)
    done, records, stats = set(), [], BuildStats()
    wanted = {u.hash for u in units}
    if spool.exists():
        # A chunk cut short by a kill is dropped: its units are simply built again.
        for entry in read_json_lines(spool):
            if not set(entry["units"]) <= wanted:
                continue  # from an earlier run on other inputs
            done.update(entry["units"])
            records += entry["records"]
            stats.units += entry["stats"]["units"]
            for reason, n in entry["stats"]["excluded"].items():
                stats.exclude(reason, n)
    resumed = sum(1 for u in units if u.hash in done)
    todo = [u for u in units if u.hash not in done]
    for start in range(0, len(todo), chunk):
        part = todo[start:start + chunk]
        recs, st = build(part, engine)
        entry = {"units": [u.hash for u in part], "records": recs,
                 "stats": {"units": st.units, "excluded": st.excluded}}
        append_json_line(spool, entry)
        records += recs
        stats.units += st.units
        for reason, n in st.excluded.items():
            stats.exclude(reason, n)
        if progress:
            progress(resumed + start + len(part), len(units), "units")
    stats.records = len(records)
    return records, stats, resumed


def finish(out: Path, task: str) -> None:
    shutil.rmtree(out / ".partial", ignore_errors=True)
