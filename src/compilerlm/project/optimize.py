"""A real project made smaller than clang -Oz, proven by its own tests.

1. reference: the project's own build with every unit through clang -Oz (the drop-in
   compiler with an empty plan), then its test command; tests that fail here are the
   project's, not ours: a one-line error and nothing changed;
2. choice: a list per unit (the flag-tuning model at budget K, or the autotuner), each already
   checked by PassListEval on its own;
3. candidate build with every chosen list, and the tests; when they fail, the guilty units are
   found by bisection (each step a fresh build and a test run) and put back to -Oz;
   whole-program mode (the default): each unit's object is its bitcode after its list, and
   every link is an LTO link by lld that merges the program, internalises what the output
   does not export, runs WHOLE_PROGRAM_PIPELINE on it and collects dead sections (sound
   because the linker sees the whole program; a shared library keeps its exports); when even
   the list-free whole-program build fails its tests, per-unit objects are used instead;
4. the project itself is built with the accepted lists and tested: `tests_passed` is that
   run's result, nothing else;
5. beside it, the same build with gcc -Oz, clang -Oz -flto and gcc -Oz -flto (both with
   -ffunction-sections -fdata-sections -Wl,--gc-sections), what a user would pick instead,
   binary by binary.

    result = optimize_project(spec, work_dir, choose)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..unit import Unit
from .build import Build, ProjectSpec, Workspace

MAX_ROUNDS = 3  # candidate builds that may fail before every unit goes back to -Oz
BASELINE_NAMES = {"gcc-oz": "gcc_oz", "clang-oz-lto": "clang_oz_lto_gc",
                  "gcc-oz-lto": "gcc_oz_lto_gc"}
WHOLE_PROGRAM_PIPELINE = "default<Oz>"  # run on the merged program at link time


@dataclass(frozen=True)
class Choice:
    """The list chosen for a unit (None: clang -Oz) and what the chooser measured."""

    passes: tuple[str, ...] | None
    binary_size: int | None
    oz_binary_size: int | None
    note: str = ""  # why -Oz, when it is


Chooser = Callable[[list[Unit]], dict[str, Choice]]


def project_units(build: Build) -> list[Unit]:
    """The distinct units (by IR hash) a compilerlm build compiled, in build order."""
    seen, units = set(), []
    for c in build.compiles:
        if c["hash"] in seen:
            continue
        seen.add(c["hash"])
        units.append(Unit(name=c["name"], ir=Path(c["ir"]).read_bytes(), source=c["name"]))
    return units


def prebuilt_outputs(root: Path) -> list[str]:
    """Objects, archives and binaries the project folder already holds: a build there would
    not recompile their units."""
    out = []
    for path in root.rglob("*"):
        if ".git" in path.parts or not path.is_file() or path.is_symlink():
            continue
        if path.suffix in (".o", ".lo", ".a", ".so"):
            out.append(str(path.relative_to(root)))
            continue
        try:
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    out.append(str(path.relative_to(root)))
        except OSError:
            continue
    return sorted(out)


def _first_line(text: str) -> str:
    lines = [x.strip() for x in text.strip().splitlines() if x.strip()]
    return lines[-1][:200] if lines else "(no output)"


class _Trials:
    """Candidate builds and their test runs, counted."""

    def __init__(self, ws: Workspace, log, whole_program: str | None):
        self.ws, self.log, self.whole_program = ws, log, whole_program
        self.test_runs = 0

    def passes(self, lists: dict[str, list[str]]) -> bool:
        build = self.ws.build("candidate", lists=lists, whole_program=self.whole_program)
        if not build.ok:
            self.log(f"candidate build with {len(lists)} lists failed: "
                     f"{_first_line(build.output_tail)}")
            return False
        self.test_runs += 1
        run = self.ws.test(build, lists=lists, whole_program=self.whole_program)
        self.log(f"tests with {len(lists)} lists: {'pass' if run.passed else 'FAIL'} "
                 f"({run.seconds:.1f} s)")
        return run.passed


def find_guilty(hashes: list[str], lists: dict[str, list[str]], trials: _Trials) -> set[str]:
    """The units whose lists make the tests fail, by bisection: a set that passes holds none;
    a failing set is split in two. A failing set whose halves both pass alone (lists that fail
    only together) is guilty as a whole."""
    if not hashes or trials.passes({h: lists[h] for h in hashes}):
        return set()
    if len(hashes) == 1:
        return set(hashes)
    mid = len(hashes) // 2
    guilty = find_guilty(hashes[:mid], lists, trials) | find_guilty(hashes[mid:], lists,
                                                                     trials)
    return guilty or set(hashes)


def accepted_lists(lists: dict[str, list[str]], trials: _Trials
                   ) -> tuple[dict[str, list[str]], set[str]]:
    """The lists the tests accept together, and the guilty units: bisection, repeated while
    the remaining lists still fail (lists that fail only in company), at most MAX_ROUNDS
    times before every unit goes back to -Oz."""
    guilty: set[str] = set()
    for _ in range(MAX_ROUNDS):
        if not lists:
            break
        new = find_guilty(sorted(lists), lists, trials)
        if not new:
            break
        guilty |= new
        lists = {h: p for h, p in lists.items() if h not in new}
    else:
        guilty |= set(lists)
        lists = {}
    return lists, guilty


def optimize_project(spec: ProjectSpec, work: Path, choose: Chooser, *,
                     whole_program: str | None = WHOLE_PROGRAM_PIPELINE,
                     baselines: tuple[str, ...] = tuple(BASELINE_NAMES), log=print) -> dict:
    """whole_program: the pipeline run on each linked program at link time (None: per-unit
    objects, linked as they are)."""
    began = time.monotonic()
    leftovers = prebuilt_outputs(spec.root)
    if leftovers:
        raise InputError(f"{spec.root} already holds build outputs ({leftovers[0]}"
                         f"{f' and {len(leftovers) - 1} more' if len(leftovers) > 1 else ''})"
                         f": clean it first, so that the final build there rebuilds every unit")
    ws = Workspace(spec, work)
    log("reference build (clang -Oz)")
    ref = ws.build("reference", lists={})
    if not ref.ok:
        raise InputError(f"the build fails with clang -Oz (exit {ref.returncode}): "
                         f"{_first_line(ref.output_tail)}")
    units = project_units(ref)
    if not units:
        raise InputError("the build compiled no C or C++ file through compilerlm (its "
                         "compiler must be $CC/$CXX or called gcc, cc, g++ or c++)")
    ref_test = ws.test(ref, lists={})
    if not ref_test.passed:
        raise InputError(f"the tests fail on the clang -Oz build itself (exit "
                         f"{ref_test.returncode}), so they cannot judge a list; nothing was "
                         f"changed: {_first_line(ref_test.output_tail)}")
    log(f"{len(units)} units; choosing lists")
    choices = choose(units)
    lists = {h: list(c.passes) for h, c in choices.items() if c.passes}
    trials = _Trials(ws, log, whole_program)
    trials.test_runs = 1  # the reference's
    mode_note = ""
    if whole_program:
        if lists and trials.passes(lists):
            guilty: set[str] = set()
        elif trials.passes({}):  # the whole-program link itself keeps the tests passing
            lists, guilty = accepted_lists(lists, trials)
        else:
            mode_note = ("the whole-program build (LTO link with lld) failed the build or "
                         "the tests even without lists: per-unit objects instead")
            log(mode_note)
            whole_program = trials.whole_program = None
            lists, guilty = accepted_lists(lists, trials)
    else:
        lists, guilty = accepted_lists(lists, trials)
    log(f"final build in {spec.root} with {len(lists)} lists")
    final = ws.build("final", lists=lists, whole_program=whole_program, tree=spec.root)
    final_test = ws.test(final, lists=lists, whole_program=whole_program) if final.ok \
        else None
    trials.test_runs += final_test is not None
    compared = {}
    for name in baselines:
        log(f"baseline build: {name}")
        b = ws.build(name, baseline=name)
        t = ws.test(b, baseline=name) if b.ok else None
        compared[name] = (b, t)
    result = _report(units, choices, lists, guilty, ref, final, final_test, compared, trials,
                     ws, time.monotonic() - began)
    result["mode"] = "whole-program" if whole_program else "per-unit"
    result["whole_program_pipeline"] = whole_program
    if mode_note:
        result["mode_note"] = mode_note
    return result


def _report(units, choices, lists, guilty, ref, final, final_test, compared, trials, ws,
            seconds) -> dict:
    from ..metrics import improvement
    ref_size = {c["hash"]: c["binary_size"] for c in ref.compiles}
    final_size = {c["hash"]: c["binary_size"] for c in final.compiles}
    unit_rows = []
    for u in units:
        c = choices.get(u.hash)
        if u.hash in lists:
            verdict = "accepted"
        elif u.hash in guilty:
            verdict = "guilty: the tests failed with its list"
        else:
            verdict = f"-Oz: {c.note}" if c and c.note else "-Oz"
        unit_rows.append({
            "name": u.name, "hash": u.hash, "passes": lists.get(u.hash),
            "binary_size": final_size.get(u.hash), "oz_binary_size": ref_size.get(u.hash),
            "verdict": verdict})
    binaries = []
    for name in sorted(set(ref.binaries) | set(final.binaries)):
        row = {"name": name, "compilerlm": final.binaries.get(name),
               "clang_oz": ref.binaries.get(name)}
        for baseline, (b, _t) in compared.items():
            row[BASELINE_NAMES[baseline]] = b.binaries.get(name)
        binaries.append(row)
    totals = {}
    for key in ("compilerlm", *(BASELINE_NAMES[b] for b in compared)):
        pairs = [(r[key], r["clang_oz"]) for r in binaries if r[key] and r["clang_oz"]]
        gains = improvement(pairs)
        totals[key] = {"bytes": sum(s for s, _ in pairs),
                       "vs_clang_oz_total_pct": gains["improvement_total_pct"],
                       "vs_clang_oz_geomean_pct": gains["improvement_geomean_pct"]}
    totals["clang_oz"] = {"bytes": sum(r["clang_oz"] or 0 for r in binaries)}
    return {
        "project": str(ws.spec.root), "units": unit_rows, "binaries": binaries,
        "totals": totals,
        "lists_accepted": len(lists), "units_guilty": len(guilty),
        "test_runs": trials.test_runs, "builds": ws.builds,
        "tests_passed": bool(final.ok and final_test is not None and final_test.passed),
        "final_build_ok": final.ok,
        "baselines": {BASELINE_NAMES[b]: {"built": bb.ok, "tests_passed": bool(
            t is not None and t.passed)} for b, (bb, t) in compared.items()},
        "seconds": round(seconds, 2),
    }
