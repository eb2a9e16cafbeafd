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
WHOLE_PROGRAM_PIPELINE = "default<Oz>"  # run on a merged program at link time by default
# LLVM's link-time pipeline at -Oz (clang -Oz -flto asks lld for it at O2), tried on every
# merged program beside the chooser's pick: on the 50 programs of the projects benchmark it
# was smaller than default<Oz> on 16, larger on 23 (ed by 2 %), and taking the smaller of the
# two saved 0.24 % in all (benchmarks/whole_program_pipeline.py).
LINK_TIME_PIPELINE = "lto<Oz>"


@dataclass(frozen=True)
class Choice:
    """The list chosen for a unit (None: clang -Oz) and what the chooser measured."""

    passes: tuple[str, ...] | None
    binary_size: int | None
    oz_binary_size: int | None
    note: str = ""  # why -Oz, when it is


# choose(units), or choose(programs, also_try) with a pipeline to try beside: project/choose.py
Chooser = Callable[..., dict[str, Choice]]


def project_units(build: Build) -> list[Unit]:
    """The distinct units (by IR hash) a compilerlm build compiled, in build order."""
    seen, units = set(), []
    for c in build.compiles:
        if c["hash"] in seen or Path(c["name"]).is_absolute():
            continue  # the same IR again, or a file outside the project (a tool's /tmp)
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


@dataclass(frozen=True)
class Plan:
    """What a compilerlm build of the project uses: a list per unit (by IR hash) and, in
    whole-program mode, a pipeline per linked binary (by path in the tree; the others get
    WHOLE_PROGRAM_PIPELINE). Items are keyed `u:HASH` and `b:PATH` for bisection."""

    lists: dict[str, list[str]]
    pipelines: dict[str, str]
    whole_program: bool

    def items(self) -> list[str]:
        return sorted([f"u:{h}" for h in self.lists] + [f"b:{b}" for b in self.pipelines])

    def only(self, keys) -> "Plan":
        keys = set(keys)
        return Plan({h: p for h, p in self.lists.items() if f"u:{h}" in keys},
                    {b: p for b, p in self.pipelines.items() if f"b:{b}" in keys},
                    self.whole_program)

    def whole(self, save_temps: bool = False) -> dict | None:
        """The plan's whole-program part, as the drop-in compiler reads it."""
        if not self.whole_program:
            return None
        return {"default": WHOLE_PROGRAM_PIPELINE, "binaries": self.pipelines,
                "save_temps": save_temps}

    def build(self, ws: Workspace, name: str, tree: Path | None = None,
              save_temps: bool = False) -> Build:
        return ws.build(name, lists=self.lists, whole_program=self.whole(save_temps),
                        tree=tree)

    def test(self, ws: Workspace, build: Build):
        return ws.test(build, lists=self.lists, whole_program=self.whole())


class _Trials:
    """Candidate builds and their test runs, counted."""

    def __init__(self, ws: Workspace, log):
        self.ws, self.log = ws, log
        self.test_runs = 0

    def passes(self, plan: Plan) -> bool:
        n = len(plan.items())
        build = plan.build(self.ws, "candidate")
        if not build.ok:
            self.log(f"candidate build with {n} choices failed: "
                     f"{_first_line(build.output_tail)}")
            return False
        self.test_runs += 1
        run = plan.test(self.ws, build)
        self.log(f"tests with {n} choices: {'pass' if run.passed else 'FAIL'} "
                 f"({run.seconds:.1f} s)")
        return run.passed


def find_guilty(keys: list[str], plan: Plan, trials: _Trials,
                context: tuple[str, ...] = ()) -> set[str]:
    """The choices (unit lists, binary pipelines) among `keys` that make the tests fail when
    added to `context` (choices that pass together), by bisection: a set that passes holds
    none; a failing set is split in two, and the second half is searched in the company of
    the first half's innocent choices, so that two choices that fail only together cost one
    of them, not both halves."""
    if not keys or trials.passes(plan.only([*context, *keys])):
        return set()
    if len(keys) == 1:
        return set(keys)
    mid = len(keys) // 2
    first = find_guilty(keys[:mid], plan, trials, context)
    innocent = tuple(k for k in keys[:mid] if k not in first)
    return first | find_guilty(keys[mid:], plan, trials, context + innocent)


def accepted_plan(plan: Plan, trials: _Trials) -> tuple[Plan, set[str]]:
    """The plan the tests accept, and the guilty choices: bisection, repeated while the
    remaining choices still fail (choices that fail only in company), at most MAX_ROUNDS
    times before every choice goes back to -Oz (WHOLE_PROGRAM_PIPELINE for a binary)."""
    guilty: set[str] = set()
    for _ in range(MAX_ROUNDS):
        keys = plan.items()
        if not keys:
            break
        new = find_guilty(keys, plan, trials)
        if not new:
            break
        guilty |= new
        plan = plan.only(set(keys) - new)
    else:
        guilty |= set(plan.items())
        plan = plan.only(())
    return plan, guilty


def merged_modules(build: Build) -> list[Unit]:
    """Each linked binary's whole program as lld merged and internalised it (a build with
    save_temps): the units a binary's pipeline is tuned on, named by the binary's path."""
    units = []
    for name in sorted(build.binaries):
        path = build.tree / f"{name}.0.2.internalize.bc"
        if path.exists():
            units.append(Unit(name=name, ir=path.read_bytes(), source=name))
    return units


def optimize_project(spec: ProjectSpec, work: Path, choose: Chooser, *,
                     whole_program: bool = True,
                     baselines: tuple[str, ...] = tuple(BASELINE_NAMES), log=print) -> dict:
    """whole_program: link each program as one module, with a pipeline chosen for it
    (False: per-unit objects, linked as they are)."""
    from ..toolchain.passes import parse_pass_list
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
    plan = Plan({h: list(c.passes) for h, c in choices.items() if c.passes}, {},
                whole_program)
    trials = _Trials(ws, log)
    trials.test_runs = 1  # the reference's
    mode_note, binary_choices = "", {}
    if whole_program:
        # The whole-program build with the units' lists, lld keeping each merged program:
        # the modules each binary's pipeline is chosen on.
        log("whole-program build (lld LTO), keeping each program's merged module")
        probe = plan.build(ws, "whole-program", save_temps=True)
        passed = probe.ok and plan.test(ws, probe).passed
        trials.test_runs += probe.ok
        if passed:
            programs = merged_modules(probe)
            log(f"{len(programs)} linked programs; choosing their pipelines")
            binary_choices = choose(programs, LINK_TIME_PIPELINE) if programs else {}
            plan = Plan(plan.lists, {p.name: parse_pass_list(
                list(binary_choices[p.hash].passes)).pipeline for p in programs
                if binary_choices.get(p.hash) and binary_choices[p.hash].passes}, True)
            binary_choices = {p.name: binary_choices.get(p.hash) for p in programs}
        elif not trials.passes(plan.only(())):
            mode_note = ("the whole-program build (LTO link with lld) failed the build or "
                         "the tests even without lists: per-unit objects instead")
            log(mode_note)
            plan = Plan(plan.lists, {}, False)
    plan, guilty = accepted_plan(plan, trials)
    log(f"final build in {spec.root} with {len(plan.items())} choices")
    final = plan.build(ws, "final", tree=spec.root)
    final_test = plan.test(ws, final) if final.ok else None
    trials.test_runs += final_test is not None
    compared = {}
    for name in baselines:
        log(f"baseline build: {name}")
        b = ws.build(name, baseline=name)
        t = ws.test(b, baseline=name) if b.ok else None
        compared[name] = (b, t)
    result = _report(units, choices, binary_choices, plan, guilty, ref, final, final_test,
                     compared, trials, ws, time.monotonic() - began)
    result["mode"] = "whole-program" if plan.whole_program else "per-unit"
    if mode_note:
        result["mode_note"] = mode_note
    return result


def _verdict(chosen: bool, guilty: bool, choice: Choice | None) -> str:
    if chosen:
        return "accepted"
    if guilty:
        return "guilty: the tests failed with it"
    return f"-Oz: {choice.note}" if choice and choice.note else "-Oz"


def _report(units, choices, binary_choices, plan, guilty, ref, final, final_test, compared,
            trials, ws, seconds) -> dict:
    from ..metrics import improvement
    ref_size = {c["hash"]: c["binary_size"] for c in ref.compiles}
    final_size = {c["hash"]: c["binary_size"] for c in final.compiles}
    unit_rows = []
    for u in units:
        unit_rows.append({
            "name": u.name, "hash": u.hash, "passes": plan.lists.get(u.hash),
            "binary_size": final_size.get(u.hash), "oz_binary_size": ref_size.get(u.hash),
            "verdict": _verdict(u.hash in plan.lists, f"u:{u.hash}" in guilty,
                                choices.get(u.hash))})
    binaries = []
    for name in sorted(set(ref.binaries) | set(final.binaries)):
        row = {"name": name, "compilerlm": final.binaries.get(name),
               "clang_oz": ref.binaries.get(name)}
        if plan.whole_program:
            row["pipeline"] = plan.pipelines.get(name, WHOLE_PROGRAM_PIPELINE)
            row["pipeline_verdict"] = _verdict(name in plan.pipelines, f"b:{name}" in guilty,
                                               binary_choices.get(name))
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
        "lists_accepted": len(plan.lists), "pipelines_accepted": len(plan.pipelines),
        "units_guilty": sum(k.startswith("u:") for k in guilty),
        "binaries_guilty": sum(k.startswith("b:") for k in guilty),
        "test_runs": trials.test_runs, "builds": ws.builds,
        "tests_passed": bool(final.ok and final_test is not None and final_test.passed),
        "final_build_ok": final.ok,
        "baselines": {BASELINE_NAMES[b]: {"built": bb.ok, "tests_passed": bool(
            t is not None and t.passed)} for b, (bb, t) in compared.items()},
        "seconds": round(seconds, 2),
    }
