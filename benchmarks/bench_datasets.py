"""A real-code corpus from a package registry, and dataset generation speed on it.

    .venv/bin/python benchmarks/bench_datasets.py [--out corpus-dir] [--json]

1. Downloads the Brotli 1.1.0 source distribution from PyPI (`pip download --no-binary`): the
   reference C implementation of Brotli (MIT licence), code not written for this project.
2. Writes a compile_commands.json for its library sources (`c/common`, `c/dec`, `c/enc`, with
   `-Ic/include`, as its own CMake build does) and builds a corpus from it.
3. Generates emulation (2 lists per unit, both variants) and disassembly records from the
   corpus and reports records per second and, for emulation, the cost of the records against
   the cost of the evaluations they contain (target: at most 1.2x), with the determinism
   check (each list twice, the default) and without it (`--no-determinism-check`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from real_corpus import PACKAGES, fetch  # beside this script

from compilerlm.corpus.compile import iter_units
from compilerlm.corpus.corpus import build_corpus
from compilerlm.prompts.build import build_disasm, build_emulation
from compilerlm.toolchain.engine import Engine

PACKAGE = PACKAGES["brotli"].requirement


def compile_commands(root: Path) -> Path:
    entries = [{"directory": str(root), "file": str(src.relative_to(root)),
                "arguments": ["cc", "-Ic/include", "-O2", "-c", str(src.relative_to(root))]}
               for sub in ("common", "dec", "enc") for src in sorted((root / "c" / sub).glob("*.c"))]
    path = root / "compile_commands.json"
    path.write_text(json.dumps(entries, indent=1))
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None, help="keep the corpus here")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = fetch(PACKAGES["brotli"], Path(tmp))
        corpus_dir = args.out or Path(tmp) / "corpus"
        t = time.perf_counter()
        summary = build_corpus(iter_units([compile_commands(root)]), corpus_dir,
                               provenance=f"{PACKAGE} C library (PyPI sdist, c/common c/dec c/enc)",
                               licence="MIT")
        corpus_s = time.perf_counter() - t
        units = list(iter_units([corpus_dir]))
        with Engine(workers=2, use_cache=False) as engine:
            t = time.perf_counter()
            emu, emu_stats = build_emulation(units, engine, lists_per_unit=2, seed=0)
            emu_s = time.perf_counter() - t
            t = time.perf_counter()
            single, _ = build_emulation(units, engine, lists_per_unit=2, seed=0,
                                        check_determinism=False)
            single_s = time.perf_counter() - t
            t = time.perf_counter()
            dis, _ = build_disasm(units, engine)
            dis_s = time.perf_counter() - t
            # The evaluations the emulation records contain, timed alone: each unit's input
            # size (the prompt states it) and each list once, with IR and assembly, as the
            # records need.
            from compilerlm.autotune.random_search import random_lists
            from compilerlm.prompts.build import _as_text
            texts = [_as_text(engine, u)[0] for u in units]
            items = [(u, lst) for u in texts if u is not None
                     for lst in random_lists(0, u.hash, 0, 2)]
            t = time.perf_counter()
            engine.measure_many([(u, []) for u in texts if u is not None])
            engine.measure_many(items, want_ir=True, want_asm=True)
            evals_s = time.perf_counter() - t
    result = {"corpus": summary, "corpus_seconds": round(corpus_s, 1),
              "emulation_records": len(emu), "emulation_excluded": emu_stats.excluded,
              "emulation_seconds": round(emu_s, 1),
              "emulation_records_per_s": round(len(emu) / emu_s, 2),
              "disasm_records": len(dis), "disasm_seconds": round(dis_s, 1),
              "disasm_records_per_s": round(len(dis) / dis_s, 2),
              "evaluations_seconds": round(evals_s, 1),
              "emulation_cost_vs_evaluations": round(emu_s / evals_s, 2),
              "emulation_single_run_seconds": round(single_s, 1),
              "emulation_single_run_records": len(single),
              "emulation_single_run_cost_vs_evaluations": round(single_s / evals_s, 2)}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
