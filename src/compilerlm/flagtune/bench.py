"""The bundled flag-tuning evaluation benchmark: runnable programs with inputs and outputs.

The programs under `compilerlm/examples` were written for this project and are never part of a
training corpus. `benchmark.json` beside them gives each one's arguments and expected standard
output, so a pass list's result counts only when the optimised program still prints exactly
that. Any directory with such a file is a benchmark of the same kind.

    programs = benchmark_files()              # the bundled programs, sorted

Each file becomes a PassListEval program with its recorded inputs and output through
`passlisteval.programs.benchmark_program`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..passlisteval.programs import benchmark_manifest


def bundled_dir() -> Path:
    return Path(str(resources.files("compilerlm").joinpath("examples")))


def benchmark_files(directory: Path | None = None) -> list[Path]:
    directory = Path(directory or bundled_dir())
    return [directory / name for name in sorted(benchmark_manifest(directory))]
