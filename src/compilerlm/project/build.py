"""Building and testing a real project with its own commands, in throw-away copies of it.

Every build starts from a pristine copy of the project taken before anything ran (so any
build system works, without knowing how it cleans), with compilerlm's compiler wrappers as
CC/CXX and its shims (`gcc`, `cc`, `g++`, `c++`, `ar`...) first on PATH. In a compilerlm build
the drop-in compiler follows a plan: the list of each unit by IR hash, clang -Oz for the rest;
it logs every compile (unit, object, list, size) and keeps each unit's IR for the tuner. A
baseline build runs another compiler instead (baselines.py).

The test command runs in the built tree, confined (binaries built from candidate lists are
untrusted): where bubblewrap works, the file system is read-only but for the tree, the work
folder and the compilerlm cache, with no network; limits on CPU time, file size, processes
and core dumps always.

    ws = Workspace(spec, work_dir)
    reference = ws.build("reference", lists={})
    result = ws.test(reference)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..processes import run_session
from ..store import read_json_lines
from ..toolchain.elf import ELFError, object_size

ET_EXEC, ET_DYN = 2, 3
LOG_TAIL = 2000  # characters of a failed build's or test's output kept for its message


@dataclass(frozen=True)
class ProjectSpec:
    root: Path  # the user's project: left built with the accepted lists
    build: tuple[str, ...]  # argv of the project's own build command
    test: tuple[str, ...]  # argv of its test command
    timeout: float = 1800.0  # seconds per build and per test run


@dataclass
class Build:
    tree: Path
    returncode: int | None  # None: timed out
    seconds: float
    binaries: dict[str, int]  # executables and shared libraries: relative path -> .text+.data
    compiles: list[dict] = field(default_factory=list)  # the drop-in's log (compilerlm builds)
    output_tail: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


@dataclass(frozen=True)
class TestRun:
    passed: bool
    returncode: int | None  # None: timed out
    seconds: float
    output_tail: str


def build_system_program(rel: str) -> bool:
    """A program the build system made for itself, not the project's: CMake's
    compiler-identification programs under CMakeFiles/, configure's conftest."""
    path = Path(rel)
    return "CMakeFiles" in path.parts or path.name.startswith("conftest")


def linked_binaries(tree: Path, skip: set[str] = frozenset()) -> dict[str, int]:
    """ELF executables and shared libraries under tree (relative path -> .text + .data),
    but for those in skip (what the pristine copy already held) and the build system's own
    (CMake's compiler-identification programs under CMakeFiles/, configure's conftest)."""
    found = {}
    for path in sorted(tree.rglob("*")):
        rel = str(path.relative_to(tree))
        if rel in skip or ".git" in path.parts or build_system_program(rel) \
                or path.is_symlink() or not path.is_file():
            continue
        try:
            with path.open("rb") as f:
                head = f.read(18)
            if len(head) < 18 or head[:4] != b"\x7fELF":
                continue
            e_type = int.from_bytes(head[16:18], "little" if head[5] == 1 else "big")
            if e_type in (ET_EXEC, ET_DYN):
                found[rel] = object_size(path.read_bytes()).total
        except (OSError, ELFError):
            continue
    return found


def _tail(path: Path) -> str:
    try:
        return path.read_bytes()[-LOG_TAIL:].decode(errors="replace")
    except OSError:
        return ""


class Workspace:
    """A work folder holding the project's pristine copy and its build trees."""

    def __init__(self, spec: ProjectSpec, work: Path):
        self.spec = spec
        self.work = Path(work)
        if self.work.resolve().is_relative_to(spec.root.resolve()):
            raise InputError(f"{self.work}: the work folder must lie outside the project")
        self.pristine = self.work / "pristine"
        if self.pristine.exists():
            shutil.rmtree(self.pristine)
        self.work.mkdir(parents=True, exist_ok=True)
        shutil.copytree(spec.root, self.pristine, symlinks=True)
        self.prebuilt = set(linked_binaries(self.pristine))
        self.units = self.work / "units"
        self.tmp = self.work / "tmp"  # test runs' /tmp (bound there when confined) and TMPDIR
        self.tmp.mkdir(exist_ok=True)
        from ..corpus.capture import make_shims
        self.shims = make_shims(self.work / "shims")
        self.builds = 0

    def fresh_tree(self, name: str) -> Path:
        tree = self.work / name
        if tree.exists():
            shutil.rmtree(tree)
        shutil.copytree(self.pristine, tree, symlinks=True)
        return tree

    def environment(self, tree: Path, *, lists: dict | None, baseline: str | None,
                    whole_program: dict | None = None) -> dict:
        from ..corpus.capture import SPOOL_ENV, _which_outside_shims, compiler_env
        from ..flagtune.dropin import PLAN_ENV
        from .baselines import BASELINE_ENV, BASELINES
        env = dict(os.environ)
        for key in ("CFLAGS", "CXXFLAGS", "LDFLAGS", "MAKEFLAGS", PLAN_ENV, BASELINE_ENV,
                    SPOOL_ENV):
            env.pop(key, None)
        env = compiler_env(self.shims, env)
        ar = BASELINES[baseline]["ar"] if baseline else "ar"
        env["COMPILERLM_REAL_AR"] = _which_outside_shims(ar, env) or ar
        if baseline:
            env[BASELINE_ENV] = baseline
        else:
            plan = self._side_file(tree, "plan.json")
            plan.write_text(json.dumps({"lists": lists or {}, "root": str(tree),
                                        "log": str(self._log(tree)), "units": str(self.units),
                                        "whole_program": whole_program}))
            env[PLAN_ENV] = str(plan)
        return env

    def _side_file(self, tree: Path, what: str) -> Path:
        """A file about a build tree, kept in the work folder (never beside the project)."""
        name = tree.name if tree.parent == self.work else "project"
        return self.work / f"{name}.{what}"

    def _log(self, tree: Path) -> Path:
        return self._side_file(tree, "compiles.jsonl")

    def build(self, name: str, *, lists: dict | None = None, baseline: str | None = None,
              whole_program: dict | None = None, tree: Path | None = None) -> Build:
        """Build a fresh copy (or `tree`, in place) with a plan of lists (each program
        linked as one module when `whole_program` is given: optimize.Plan.whole) or a
        baseline."""
        tree = tree if tree is not None else self.fresh_tree(name)
        log = self._log(tree)
        log.unlink(missing_ok=True)
        env = self.environment(tree, lists=lists, baseline=baseline,
                               whole_program=whole_program)
        out = self.work / f"{name}.build.log"
        began = time.monotonic()
        with out.open("wb") as f:
            try:  # a session of its own: a timeout stops the whole build, make's children too
                rc = run_session(list(self.spec.build), self.spec.timeout, cwd=tree, env=env,
                                 stdout=f, stderr=subprocess.STDOUT)
            except FileNotFoundError:
                raise InputError(f"--build: {self.spec.build[0]}: no such command") from None
        self.builds += 1
        return Build(tree=tree, returncode=rc, seconds=round(time.monotonic() - began, 2),
                     binaries=linked_binaries(tree, self.prebuilt),
                     compiles=read_json_lines(log) if log.exists() else [],
                     output_tail=_tail(out) if rc != 0 else "")

    def test(self, build: Build, *, lists: dict | None = None, baseline: str | None = None,
             whole_program: dict | None = None) -> TestRun:
        """Run the test command in a built tree, confined, with the build's environment (a
        `make check` that compiles test programs compiles them the same way)."""
        env = self.environment(build.tree, lists=lists, baseline=baseline,
                               whole_program=whole_program)
        env["TMPDIR"] = str(self.tmp)
        out = self._side_file(build.tree, "test.log")
        began = time.monotonic()
        with out.open("wb") as f:
            argv, preexec = self._confined(list(self.spec.test), build.tree)
            try:
                rc = run_session(argv, self.spec.timeout, cwd=build.tree, env=env, stdout=f,
                                 stderr=subprocess.STDOUT, preexec_fn=preexec)
            except FileNotFoundError:
                raise InputError(f"--test: {self.spec.test[0]}: no such command") from None
        return TestRun(passed=rc == 0, returncode=rc,
                       seconds=round(time.monotonic() - began, 2), output_tail=_tail(out))

    def _private_tmp(self) -> list[str]:
        """A writable /tmp of the run's own (tmpfile() ignores TMPDIR), with what the real
        /tmp holds visible read-only over it (a checkout or a virtual environment may live
        there); the work folder and the tree are bound writable after it."""
        binds = ["--bind", str(self.tmp), "/tmp"]
        try:
            entries = sorted(Path("/tmp").iterdir())
        except OSError:
            entries = []
        for entry in entries:
            binds += ["--ro-bind-try", str(entry), str(entry)]
        return binds

    def _confined(self, argv: list[str], tree: Path):
        """argv confined, and the function that sets its limits where prlimit is missing."""
        from ..passlisteval.confine import _BWRAP_VIEW, _with_limits, bubblewrap
        from ..toolchain.cache import default_cache_path
        if shutil.which(argv[0], path=os.pathsep.join(
                [str(tree), str(self.shims), os.environ.get("PATH", "")])) is None \
                and not (tree / argv[0]).exists():
            raise InputError(f"--test: {argv[0]}: no such command")
        bwrap = bubblewrap()
        if bwrap is not None:
            cache = default_cache_path().parent
            cache.mkdir(parents=True, exist_ok=True)
            argv = [bwrap, *_BWRAP_VIEW, *self._private_tmp(),
                    "--bind", str(self.work), str(self.work), "--bind", str(cache), str(cache),
                    "--bind", str(tree), str(tree), "--tmpfs", "/dev/shm", "--chdir", str(tree),
                    "--unshare-all", "--die-with-parent", "--", *argv]
        return _with_limits(argv, max(1, int(self.spec.timeout)))
