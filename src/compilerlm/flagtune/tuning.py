"""Flag tuning of one unit under a compilation budget, with verification and -Oz fallback.

`--budget K` counts compilations of the unit, the -Oz fallback included: K = 1 is the model's
first list alone (zero-shot), K >= 2 is the model's first K - 1 lists plus clang -Oz, and the
smallest *verified* one wins. Verified means PassListEval accepts the list on its suites (the
built-in one by default; verdicts are cached per list, so a repeated list costs nothing) and,
when the unit is a runnable program, that program still behaves the same (its benchmark
inputs and expected output, its own main(), or the user's `--check-run` program). A rejected
list counts at the -Oz size: the result is never larger than -Oz except at K = 1, where a list
that is accepted but larger than -Oz stands.

    outcome = tune_unit(unit, model, engine, budget=2, verifier=make_verifier(engine))
    outcome.record()   # what `compilerlm optimize --json` prints for the unit
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ..errors import InputError
from ..passlisteval import Program, Verifier
from ..toolchain.engine import Engine
from ..toolchain.measure import INVALID_INPUT
from ..toolchain.passes import parse_pass_list
from ..unit import Unit
from .models import Proposal


@dataclass(frozen=True)
class Candidate:
    passes: list[str] | None  # None: clang -Oz
    binary_size: int | None  # None: the list failed (crash, timeout, broken IR)
    status: str
    predicted_ratio: float | None = None
    accepted: bool | None = None  # None: not checked (not needed, or validation off)
    reason: str | None = None  # why it was rejected


@dataclass
class Outcome:
    unit: Unit
    budget: int
    oz_binary_size: int
    candidates: list[Candidate]
    chosen: Candidate | None  # None: the -Oz fallback
    zero_shot_verified_size: int  # the first list's size, or -Oz's when it was rejected
    raw_zero_shot_size: int | None  # the first list's size, checked or not
    raw_best_size: int  # best of the budget, unchecked (the -Oz fallback included when K >= 2)
    validated: bool  # PassListEval ran, and so did every check the unit has
    compilations: int
    proposal: Proposal = field(repr=False, default=None)
    checks_skipped: tuple[str, ...] = ()  # automatic checks that could not run, and why

    @property
    def binary_size(self) -> int:
        return self.chosen.binary_size if self.chosen else self.oz_binary_size

    @property
    def fallback(self) -> bool:
        return self.chosen is None

    def record(self) -> dict:
        oz, size = self.oz_binary_size, self.binary_size
        chosen = self.chosen
        return {
            "input": self.unit.name,
            "passes": chosen.passes if chosen else None,
            "pipeline": parse_pass_list(chosen.passes).pipeline if chosen else "clang -Oz",
            "binary_size": size,
            "oz_binary_size": oz,
            "improvement_pct": round(100 * (1 - size / oz), 4) if oz else None,
            "validated": self.validated,
            "checks_skipped": list(self.checks_skipped),
            "fallback": self.fallback,
            "budget": self.budget,
            "compilations": self.compilations,
            "zero_shot": {"passes": self.candidates[0].passes if self.candidates else None,
                          "binary_size": self.raw_zero_shot_size,
                          "verified_binary_size": self.zero_shot_verified_size,
                          "predicted_ratio": self.candidates[0].predicted_ratio
                          if self.candidates else None},
            "candidates": [{"passes": c.passes, "binary_size": c.binary_size,
                            "status": c.status, "predicted_ratio": c.predicted_ratio,
                            "accepted": c.accepted, "reason": c.reason}
                           for c in self.candidates],
            "model_note": self.proposal.note if self.proposal else None,
            "inference_ms": round(self.proposal.inference_ms, 3) if self.proposal else None,
            "input_hash": self.unit.hash,
        }


def make_verifier(engine: Engine, suites=("builtin",), validate: bool = True
                  ) -> Verifier | None:
    """What `optimize` and `eval flagtune` check lists with (None: validation off)."""
    return Verifier(engine, tuple(suites)) if validate else None


def _checked(c: Candidate, unit: Unit, verifier: Verifier | None, program: Program | None
             ) -> Candidate:
    """The candidate with PassListEval's answer (unchanged when there is nothing to check)."""
    if c.accepted is not None or c.passes is None or verifier is None:
        return c
    verdict = verifier.check(c.passes, unit, program)
    if verdict.accepted:
        return dataclasses.replace(c, accepted=True)
    f = verdict.failures[0]
    return dataclasses.replace(c, accepted=False, reason=f"{f.reason} on {f.program}")


def tune_unit(unit: Unit, model, engine: Engine, budget: int = 2,
              verifier: Verifier | None = None, program: Program | None = None) -> Outcome:
    if budget < 1:
        raise InputError("--budget must be at least 1 (K = 1: the model's list alone)")
    usable = engine.measure(unit, [])  # IR for another target, or that defines nothing
    if usable.status == INVALID_INPUT:
        raise InputError(f"{unit.name}: {usable.error}")
    skipped: tuple[str, ...] = ()
    if verifier is not None:
        own, why = verifier.own_check(unit, program)
        if why is not None and program is not None:
            # The user asked for this check: it must run, and pass on the reference build.
            raise InputError(f"{unit.name}: the check you asked for cannot run: {why}")
        if why is not None:
            skipped = (f"{own.uri}: {why}",)
    oz = engine.oz_baseline(unit)
    if not oz.ok:
        raise InputError(f"{unit.name}: clang -Oz failed: {oz.error}")
    oz_size = oz.binary_size
    n_lists = max(1, budget - 1)
    proposal = model.propose(unit, n_lists, fallback=budget >= 2)
    lists = proposal.lists[:n_lists]
    ratios = proposal.predicted_ratios or [None] * len(lists)
    to_measure = [(unit, lst) for lst in lists if lst is not None]
    measured = iter(engine.measure_many(to_measure))
    candidates = []
    for lst, ratio in zip(lists, ratios):
        if lst is None:
            candidates.append(Candidate(None, oz_size, "ok", 1.0, accepted=True))
            continue
        m = next(measured)
        candidates.append(Candidate(list(lst), m.binary_size if m.ok else None, m.status,
                                    ratio))
    compilations = len(to_measure) + (1 if budget >= 2 else 0)

    first = candidates[0] = _checked(candidates[0], unit, verifier, program)
    first_ok = first.binary_size is not None and first.accepted is not False
    zero_shot_verified = first.binary_size if first_ok else oz_size
    raw_sizes = [c.binary_size for c in candidates if c.binary_size is not None]
    raw_best = min(raw_sizes + [oz_size]) if budget >= 2 else (
        first.binary_size if first.binary_size is not None else oz_size)

    chosen = None
    if budget == 1:
        # Zero-shot: the model's list stands even when larger than -Oz, unless it broke.
        chosen = first if first_ok and first.passes is not None else None
        if chosen is None:
            compilations += 1  # the -Oz fallback had to be built after all
    else:
        smaller = [i for i, c in enumerate(candidates) if c.binary_size is not None
                   and c.passes is not None and c.binary_size < oz_size]
        for i in sorted(smaller, key=lambda i: (candidates[i].binary_size,
                                                len(candidates[i].passes))):
            candidates[i] = c = _checked(candidates[i], unit, verifier, program)
            if c.accepted is not False:
                chosen = c
                break
    return Outcome(unit=unit, budget=budget, oz_binary_size=oz_size, candidates=candidates,
                   chosen=chosen, zero_shot_verified_size=zero_shot_verified,
                   raw_zero_shot_size=first.binary_size, raw_best_size=raw_best,
                   validated=verifier is not None and not skipped, compilations=compilations,
                   proposal=proposal, checks_skipped=skipped)


def write_output(outcome: Outcome, engine: Engine, path) -> str:
    """Write the chosen result: an object file, or optimised IR for a .ll/.bc path. The -Oz
    fallback is built by clang-17 -Oz from the unit's IR, like the baseline it is."""
    from pathlib import Path

    from ..errors import ToolchainError
    from ..toolchain.libllvm import LibLLVM

    path = Path(path)
    kind = {".ll": "ll", ".bc": "bc"}.get(path.suffix, "object")
    if outcome.chosen is not None:
        m = engine.measure(outcome.unit, outcome.chosen.passes, want_ir=kind != "object",
                           want_object=kind == "object")
        if not m.ok:
            raise ToolchainError(f"{outcome.unit.name}: the chosen list failed on rebuild: "
                                 f"{m.error}")
        if kind == "object":
            path.write_bytes(m.object)
        elif kind == "ll":
            path.write_text(m.ir)
        else:
            llvm = LibLLVM.load()
            with llvm.parsed(m.ir.encode()) as mod:
                path.write_bytes(llvm.bitcode(mod))
        return kind
    write_oz(outcome.unit, path, kind)
    return kind


def write_oz(unit: Unit, path, kind: str = "object") -> None:
    """clang-17 -Oz on the unit's IR, written to path (an object, or .ll/.bc IR): the
    fallback, built like the baseline it is."""
    import subprocess
    import tempfile
    from pathlib import Path

    from ..errors import ToolchainError
    from ..toolchain.locate import find_toolchain
    with tempfile.TemporaryDirectory(prefix="compilerlm-opt-") as tmp:
        src = Path(tmp) / f"unit{unit.suffix}"
        src.write_bytes(unit.ir)
        flags = {"object": ["-c"], "ll": ["-S", "-emit-llvm"], "bc": ["-c", "-emit-llvm"]}[kind]
        r = subprocess.run([str(find_toolchain().clang), "-Oz", "-Wno-override-module", *flags,
                            str(src), "-o", str(path)], capture_output=True, check=False)
        if r.returncode != 0:
            raise ToolchainError(f"{unit.name}: clang -Oz failed: "
                                 f"{r.stderr.decode(errors='replace').strip()[:200]}")
