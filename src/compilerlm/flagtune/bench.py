"""The bundled flag-tuning evaluation benchmark: runnable programs with inputs and outputs.

The programs under `compilerlm/examples` were written for this project and are never part of a
training corpus. `benchmark.json` beside them gives each one's arguments and expected standard
output, so a pass list's result counts only when the optimised program still prints exactly
that. Any directory with such a file is a benchmark of the same kind.

    programs = benchmark_files()              # the bundled programs, sorted
    program = benchmark_program(path)         # Program with args + expected stdout, or None
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path

from ..errors import InputError
from ..passlisteval.programs import Program

MANIFEST = "benchmark.json"


def bundled_dir() -> Path:
    return Path(str(resources.files("compilerlm").joinpath("examples")))


def benchmark_files(directory: Path | None = None) -> list[Path]:
    directory = Path(directory or bundled_dir())
    return [directory / name for name in sorted(_manifest(str(directory.resolve())))]


@functools.lru_cache(maxsize=64)
def _manifest(directory: str) -> dict:
    path = Path(directory) / MANIFEST
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())["programs"]
    except (OSError, ValueError, KeyError) as e:
        raise InputError(f"{path}: not a benchmark manifest: {e}") from None


def benchmark_program(source: str | Path) -> Program | None:
    """The program at `source` with the inputs and expected output its directory's
    benchmark.json records, or None when it has no entry there."""
    p = Path(source)
    entry = _manifest(str(p.parent.resolve())).get(p.name)
    if entry is None:
        return None
    language = "c" if p.suffix == ".c" else "c++"
    return Program(uri=f"bench/{p.name}", source=p.read_text(), language=language,
                   link_flags=("-lm",), args=tuple(entry.get("args", ())),
                   expected_stdout=entry["expected_stdout"].encode())
