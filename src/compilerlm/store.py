"""Storage plumbing: SQLite for the result cache and the autotuner's store, and append-only
JSON-lines files for spools that must survive a kill (capture, resumable datasets).

Each component keeps numbered, append-only migrations under its own name in the
`schema_versions` table, so several components can share one database file (an autotuner
store is also the engine's result cache). Every migration is idempotent (IF NOT EXISTS), so
two processes migrating a new file at once both succeed.

    db = connect(path)
    migrate(db, "results", MIGRATIONS)
    retry(db.execute, "INSERT ...", row)
    append_json_line(path, record)
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

from .errors import InputError


def append_json_line(path: Path, record) -> None:
    """Append one JSON line with O_APPEND in a single write: processes appending at once
    (make -j) never interleave lines, and a kill leaves at most a cut last line."""
    data = (json.dumps(record) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        while data:  # regular files take it all at once; a short write just continues
            data = data[os.write(fd, data):]
    finally:
        os.close(fd)


def read_json_lines(path: Path) -> list:
    """The records of a file written by append_json_line. A last line cut short by a kill is
    dropped and cut off the file, so that the next append starts a line of its own."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    end = data.rfind(b"\n") + 1
    if end < len(data):
        with open(path, "r+b") as f:
            f.truncate(end)
    records = []
    for line in data[:end].splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue  # not ours to judge: a line no writer of this module could have cut
    return records


def retry(fn, *args, attempts: int = 50):
    """Call fn, retrying while another writer holds the database lock."""
    for attempt in range(attempts):
        try:
            return fn(*args)
        except sqlite3.OperationalError as e:
            if ("locked" not in str(e) and "busy" not in str(e)) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection in autocommit mode with WAL, ready to be shared by threads under a lock.
    A file that is not SQLite, or a place that cannot hold one, is a one-line InputError."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(path), timeout=60, check_same_thread=False,
                             isolation_level=None)
        retry(db.execute, "PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a killed process loses nothing
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # reads the header
    except sqlite3.DatabaseError as e:
        if "not a database" in str(e) or "malformed" in str(e):
            raise InputError(f"{path}: not an SQLite database") from e
        raise InputError(f"{path}: cannot open an SQLite database there: {e}") from e
    except OSError as e:
        raise InputError(f"{path}: cannot open an SQLite database there: "
                         f"{e.strerror or e}") from e
    return db


def migrate(db: sqlite3.Connection, component: str, migrations: list[str]) -> None:
    retry(db.execute, "CREATE TABLE IF NOT EXISTS schema_versions "
                      "(component TEXT PRIMARY KEY, version INTEGER NOT NULL)")
    row = db.execute("SELECT version FROM schema_versions WHERE component = ?",
                     (component,)).fetchone()
    version = row[0] if row else 0
    for i, sql in enumerate(migrations[version:], start=version + 1):
        retry(db.executescript,
              f"BEGIN IMMEDIATE;\n{sql}\nINSERT OR REPLACE INTO schema_versions "
              f"VALUES ('{component}', {i});\nCOMMIT;")
