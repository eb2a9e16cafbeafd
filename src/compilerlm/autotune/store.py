"""The autotuner's store: one SQLite file holding the programs, every evaluation and every
program's best result.

It is also the engine's result cache (the `results` component), so each evaluation lands in
it the moment it finishes: a run killed at any moment (kill -9 included) resumes by replaying
its deterministic search, answering finished evaluations from the file and computing only the
missing ones. Only the driver process writes; workers, local or on Ray, return records.

    store = AutotuneStore("tune.sqlite")
    store.add_program(unit)
    store.put_result(config.key(), result, unit.hash)
    store.results(config.key())          # SearchResults
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from ..store import connect, migrate, retry
from ..unit import Unit
from .result import SearchResult

MIGRATIONS = [
    """
    -- Every program a run saw, with its unoptimised IR, so that broadcast and export work
    -- from the store alone.
    CREATE TABLE IF NOT EXISTS autotune_programs (
        program_hash TEXT PRIMARY KEY,   -- Unit.hash
        name TEXT NOT NULL,
        ir BLOB NOT NULL,
        source TEXT,
        added_at REAL NOT NULL
    );
    -- One row per (program, run configuration): the verified best list and how it was found.
    CREATE TABLE IF NOT EXISTS autotune_results (
        program_hash TEXT NOT NULL,
        config_key TEXT NOT NULL,        -- strategy, budget, seed, validation... (AutotuneConfig.key)
        name TEXT NOT NULL,
        oz_binary_size INTEGER,
        best_binary_size INTEGER,
        best_pipeline TEXT,
        best_passes TEXT,                -- JSON list of pass names
        validated INTEGER NOT NULL,
        result TEXT NOT NULL,            -- the whole JSON record, as printed
        updated_at REAL NOT NULL,
        PRIMARY KEY (program_hash, config_key)
    );
    """,
]


def default_store_path() -> Path:
    """The store commands use without --db (and the drop-in compiler reads): beside the
    result cache."""
    from ..toolchain.cache import default_cache_path
    return default_cache_path().parent / "autotune.sqlite"


class AutotuneStore:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = connect(self.path)
        with self._lock:
            migrate(self._db, "autotune", MIGRATIONS)

    def add_program(self, unit: Unit) -> None:
        with self._lock:
            retry(self._db.execute,
                  "INSERT OR IGNORE INTO autotune_programs VALUES (?,?,?,?,?)",
                  (unit.hash, unit.name, unit.ir, unit.source, time.time()))

    def programs(self) -> list[Unit]:
        with self._lock:
            rows = self._db.execute("SELECT name, ir, source FROM autotune_programs "
                                    "ORDER BY name, program_hash").fetchall()
        return [Unit(name=n, ir=bytes(ir), source=src) for n, ir, src in rows]

    def put_result(self, config_key: str, result: SearchResult, program_hash: str) -> None:
        row = (program_hash, config_key, result.input, result.oz_binary_size,
               result.best_binary_size, result.best_pipeline,
               json.dumps(list(result.best_passes)), int(result.validated),
               json.dumps(result.to_dict(), sort_keys=True), time.time())
        with self._lock:
            retry(self._db.execute,
                  "INSERT OR REPLACE INTO autotune_results VALUES (?,?,?,?,?,?,?,?,?,?)", row)

    def get_result(self, config_key: str, program_hash: str) -> SearchResult | None:
        with self._lock:
            row = self._db.execute("SELECT result FROM autotune_results WHERE config_key = ? "
                                   "AND program_hash = ?", (config_key, program_hash)).fetchone()
        return SearchResult.from_dict(json.loads(row[0])) if row else None

    def results(self, config_key: str | None = None) -> list[SearchResult]:
        """Stored best results (all configurations, or one), ordered by program name."""
        sql = "SELECT result FROM autotune_results"
        args: tuple = ()
        if config_key is not None:
            sql += " WHERE config_key = ?"
            args = (config_key,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY name, config_key", args).fetchall()
        return [SearchResult.from_dict(json.loads(r[0])) for r in rows]

    def best_results(self, validated_only: bool = False,
                     prefer_validated: bool = False) -> dict[str, SearchResult]:
        """Per program hash, its smallest stored result over all run configurations (with
        prefer_validated, a validated result beats any unvalidated one)."""
        def rank(r):
            return (prefer_validated and not r.validated, r.best_binary_size)

        best: dict[str, SearchResult] = {}
        for r in self.results():
            if r.best_binary_size is None or (validated_only and not r.validated):
                continue
            old = best.get(r.input_hash)
            if old is None or rank(r) < rank(old):
                best[r.input_hash] = r
        return best

    def results_with_configs(self) -> list[tuple[str, SearchResult]]:
        """(config_key, record) for every stored result, ordered by program name."""
        with self._lock:
            rows = self._db.execute("SELECT config_key, result FROM autotune_results "
                                    "ORDER BY name, config_key").fetchall()
        return [(k, SearchResult.from_dict(json.loads(r))) for k, r in rows]

    def evaluation_rows(self) -> list[dict]:
        """Every evaluation in the file (the engine's cache rows), for export."""
        with self._lock:
            cur = self._db.execute(
                "SELECT m.input_hash, p.name, m.pipeline, m.status, m.ir_instruction_count, "
                "m.text_size, m.data_size, m.ir_hash, m.error FROM measurements m "
                "LEFT JOIN autotune_programs p ON p.program_hash = m.input_hash "
                "ORDER BY m.input_hash, m.pipeline")
            cols = [c[0] for c in cur.description]
            return [dict(zip(cols, r)) for r in cur.fetchall()]

    def close(self) -> None:
        with self._lock:
            self._db.close()
