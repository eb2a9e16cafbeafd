"""Result cache: measurements in SQLite, so no evaluation is ever paid for twice.

Keyed by everything that decides the result: the input module's hash, the canonical
pipeline, the LLVM version, the target and the codegen options. WAL mode with a busy
timeout makes it safe for several processes at once (each write is one short transaction,
retried while another writer holds the lock). Timeouts are not cached: they depend on load.

    cache = ResultCache(default_cache_path())
    cache.get(key) or cache.put(key, measurement)
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..store import connect, migrate, retry
from .measure import UNCACHEABLE, Measurement

# Numbered, append-only migrations of the "results" component (see compilerlm/store.py).
MIGRATIONS = [
    """
    -- One row per evaluation result. `key` joins the columns below; the columns are kept
    -- separately so that a person can query the cache.
    CREATE TABLE IF NOT EXISTS measurements (
        key TEXT PRIMARY KEY,
        input_hash TEXT NOT NULL,        -- "b2:..." of the unoptimised IR bytes
        pipeline TEXT NOT NULL,          -- canonical pipeline, or "clang -Oz" for the baseline
        llvm_version TEXT NOT NULL,
        target TEXT NOT NULL,            -- triple, or "" for the module's own
        codegen TEXT NOT NULL,           -- CodegenOptions.key()
        status TEXT NOT NULL,
        ir_instruction_count INTEGER,
        text_size INTEGER,
        data_size INTEGER,
        ir_hash TEXT,                    -- hash of the optimised module's bitcode
        error TEXT,
        seconds REAL,                    -- what the evaluation cost when it ran
        created_at REAL NOT NULL
    );
    CREATE INDEX IF NOT EXISTS measurements_input ON measurements (input_hash);
    """,
    # 2 and 3 made PassListEval's tables, which now migrate as their own component
    # (passlisteval/verdicts.py). They stay as no-ops so that the numbering of later
    # migrations of this component matches in old and new files.
    "SELECT 1;",
    "SELECT 1;",
]


def default_cache_path() -> Path:
    """`$COMPILERLM_CACHE_DIR/results.sqlite`, else under `$XDG_CACHE_HOME` or `~/.cache`."""
    base = os.environ.get("COMPILERLM_CACHE_DIR")
    if base:
        return Path(base) / "results.sqlite"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "compilerlm" / "results.sqlite"


@dataclass(frozen=True)
class CacheKey:
    input_hash: str
    pipeline: str
    llvm_version: str
    target: str
    codegen: str

    def __str__(self) -> str:
        return "|".join((self.input_hash, self.pipeline, self.llvm_version, self.target,
                         self.codegen))


class ResultCache:
    """A SQLite-backed map from CacheKey to Measurement, shared by threads and processes."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = connect(self.path)
        with self._lock:
            migrate(self._db, "results", MIGRATIONS)

    def get(self, key: CacheKey) -> Measurement | None:
        with self._lock:
            row = retry(lambda: self._db.execute(
                "SELECT status, ir_instruction_count, text_size, data_size, ir_hash, error, "
                "seconds FROM measurements WHERE key = ?", (str(key),)).fetchone())
        if row is None:
            return None
        status, count, text, data, ir_hash, error, seconds = row
        return Measurement(status=status, pipeline=key.pipeline, input_hash=key.input_hash,
                           ir_instruction_count=count, text_size=text, data_size=data,
                           ir_hash=ir_hash, error=error, seconds=seconds or 0.0, cached=True)

    def put(self, key: CacheKey, m: Measurement) -> None:
        if m.status in UNCACHEABLE:
            return
        row = (str(key), key.input_hash, key.pipeline, key.llvm_version, key.target,
               key.codegen, m.status, m.ir_instruction_count, m.text_size, m.data_size,
               m.ir_hash, m.error, m.seconds, time.time())
        with self._lock:
            retry(lambda: self._db.execute(
                "INSERT OR REPLACE INTO measurements VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", row))

    def smallest_evaluations(self, input_hash: str, n: int) -> list[tuple[str, int]]:
        """The n smallest distinct results measured on an input: (pipeline, .text + .data),
        smallest first (equal sizes: the shorter pipeline first; clang -Oz left out)."""
        with self._lock:
            rows = retry(lambda: self._db.execute(
                "SELECT pipeline, MIN(text_size + data_size) AS size FROM measurements "
                "WHERE input_hash = ? AND status = 'ok' AND pipeline != 'clang -Oz' "
                "GROUP BY pipeline ORDER BY size, length(pipeline), pipeline LIMIT ?",
                (input_hash, n)).fetchall())
        return [(p, int(s)) for p, s in rows]

    def __len__(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM measurements").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()
