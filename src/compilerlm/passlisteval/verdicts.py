"""PassListEval's memory: each program's reference behaviour, each (list, program) verdict
and each (program, object) verdict.

Kept in the same SQLite file as the engine's result cache (one file to carry, and an
autotuner store holds both), under their own component, "verdicts", with their own numbered
migrations (compilerlm/store.py). Files made before the component existed hold the same
tables, created by the "results" component's migrations 2 and 3; the IF NOT EXISTS below
adopts them unchanged.

    verdicts = VerdictStore(engine.cache.path)
    verdicts.put_verdict(key, pipeline, program.hash, program.uri, True, None, None, 1.2)
    verdicts.verdicts_for(pipeline)
    verdicts.object_verdict(f"{program.hash}|{object_hash}|{LLVM_VERSION}")
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from ..store import connect, migrate, retry

MIGRATIONS = [
    """
    -- What each program does when built as written (its reference build), and each
    -- (pipeline, program) verdict, so a repeated list costs nothing.
    CREATE TABLE IF NOT EXISTS program_references (
        program_hash TEXT PRIMARY KEY,   -- Program.hash: source, flags, arguments
        uri TEXT NOT NULL,
        exit_code INTEGER,               -- NULL when the reference run timed out
        stdout_hash TEXT,                -- "b2:..." of its standard output
        detail TEXT,                     -- why the program cannot be used, if it cannot
        created_at REAL NOT NULL
    );
    CREATE TABLE IF NOT EXISTS program_verdicts (
        key TEXT PRIMARY KEY,            -- pipeline|program_hash|llvm_version|target|codegen
        pipeline TEXT NOT NULL,
        program_hash TEXT NOT NULL,
        uri TEXT NOT NULL,
        passed INTEGER NOT NULL,
        reason TEXT,                     -- compile_error, crash, link_error, wrong_output...
        detail TEXT,
        seconds REAL,
        created_at REAL NOT NULL
    );
    -- A repeated list is answered with one query for all its programs.
    CREATE INDEX IF NOT EXISTS program_verdicts_pipeline ON program_verdicts (pipeline);
    """,
    """
    -- Each (program, object) verdict: different lists often compile a program to the same
    -- bytes (68.6 % of the program checks of 60 lists a labelling run checked in a row:
    -- benchmarks/bench_verification_cost.py), and then the link and the run need not be
    -- repeated.
    CREATE TABLE IF NOT EXISTS object_verdicts (
        key TEXT PRIMARY KEY,            -- program_hash|object_hash|llvm_version
        passed INTEGER NOT NULL,
        reason TEXT,
        detail TEXT,
        created_at REAL NOT NULL
    );
    """,
]


class VerdictStore:
    """Reference runs and verdicts in SQLite, shared by threads and processes."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = connect(self.path)
        with self._lock:
            migrate(self._db, "verdicts", MIGRATIONS)

    def get_reference(self, program_hash: str) -> tuple | None:
        """(exit_code, stdout_hash, detail) of a program's reference run, if recorded."""
        with self._lock:
            return retry(lambda: self._db.execute(
                "SELECT exit_code, stdout_hash, detail FROM program_references "
                "WHERE program_hash = ?", (program_hash,)).fetchone())

    def put_reference(self, program_hash: str, uri: str, exit_code, stdout_hash, detail) -> None:
        row = (program_hash, uri, exit_code, stdout_hash, detail, time.time())
        with self._lock:
            retry(lambda: self._db.execute(
                "INSERT OR REPLACE INTO program_references VALUES (?,?,?,?,?,?)", row))

    def verdicts_for(self, pipeline: str) -> dict[str, tuple]:
        """key -> (passed, reason, detail) of every recorded check of one pipeline."""
        with self._lock:
            rows = retry(lambda: self._db.execute(
                "SELECT key, passed, reason, detail FROM program_verdicts WHERE pipeline = ?",
                (pipeline,)).fetchall())
        return {k: (p, r, d) for k, p, r, d in rows}

    def put_verdict(self, key: str, pipeline: str, program_hash: str, uri: str, passed: bool,
                    reason, detail, seconds: float) -> None:
        row = (key, pipeline, program_hash, uri, int(passed), reason, detail, seconds,
               time.time())
        with self._lock:
            retry(lambda: self._db.execute(
                "INSERT OR REPLACE INTO program_verdicts VALUES (?,?,?,?,?,?,?,?,?)", row))

    def object_verdict(self, key: str) -> tuple | None:
        """(passed, reason, detail) of a program's object checked before, if it was."""
        with self._lock:
            return retry(lambda: self._db.execute(
                "SELECT passed, reason, detail FROM object_verdicts WHERE key = ?",
                (key,)).fetchone())

    def put_object_verdict(self, key: str, passed: bool, reason, detail) -> None:
        row = (key, int(passed), reason, detail, time.time())
        with self._lock:
            retry(lambda: self._db.execute(
                "INSERT OR REPLACE INTO object_verdicts VALUES (?,?,?,?,?)", row))

    def close(self) -> None:
        with self._lock:
            self._db.close()
