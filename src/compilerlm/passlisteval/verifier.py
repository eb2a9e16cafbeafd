"""The verifier every chosen list goes through: PassListEval on the configured suites, plus
the unit's own program when it is one.

The autotuner verifies its winners with it, `optimize` each candidate list, broadcast each
improvement. A unit compiled from a C/C++ file that defines main() is also run itself: with
the inputs and expected output a `benchmark.json` beside it gives, else without arguments
against its own reference build.

    verifier = Verifier(engine, suites=("builtin",))
    verifier.check(["sroa", "gvn"], unit).accepted
"""

from __future__ import annotations

import re
from pathlib import Path

from ..toolchain.engine import Engine
from ..unit import Unit
from .programs import Program, benchmark_program, parse_suite, source_flags
from .validate import PassListEval, Verdict


def own_program(unit: Unit) -> Program | None:
    """The unit's own program, when it came from a C/C++ file that defines main(): run with
    the inputs and expected output a `benchmark.json` beside it gives, else without arguments
    against its own -O0 build."""
    source = _read(unit.source) if unit.source else ""
    if not re.search(r"\bint\s+main\s*\(", source):
        return None
    bench = benchmark_program(unit.source, source)
    if bench is not None:
        return bench
    language = "c++" if unit.source.endswith((".cc", ".cpp", ".cxx")) else "c"
    return Program(uri=f"self/{unit.name}", source=source, language=language,
                   compile_flags=source_flags(Path(unit.source)), link_flags=("-lm",))


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


class Verifier:
    """PassListEval on the given suites, plus each unit's own program."""

    def __init__(self, engine: Engine, suites: tuple[str, ...] = ("builtin",), seed: int = 0,
                 check_program: bool = True):
        self.checker = PassListEval(engine)
        self.programs, self.skipped = [], []
        for spec in suites:
            p, s = parse_suite(spec, seed=seed)
            self.programs += p
            self.skipped += s
        self.check_program = check_program

    def own_check(self, unit: Unit, program: Program | None = None
                  ) -> tuple[Program | None, str | None]:
        """The program a list for this unit is also run as (`program`, the user's, else the
        unit's own main() when it has one), and why it cannot serve, if it cannot (its
        reference build does not build, fails its checks or hits a limit)."""
        own = program or (own_program(unit) if self.check_program else None)
        if own is None:
            return None, None
        _, unusable = self.checker.usable([own])
        return own, (unusable[0].reason if unusable else None)

    def check(self, passes: list[str], unit: Unit, program: Program | None = None) -> Verdict:
        """PassListEval's verdict on the suites plus the unit's program: `program` when given
        (a user's own run), else the unit's own main() when it has one."""
        programs = list(self.programs)
        own = program or (own_program(unit) if self.check_program else None)
        if own is not None:
            programs.append(own)
        return self.checker.check(passes, programs, fail_fast=True)
