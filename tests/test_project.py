"""Project mode: a real multi-file project (tests/data/multifile, whose Makefile calls gcc by
name) built with its own `make`, checked with its own `make check`, compared with gcc."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli

from compilerlm.project.optimize import _Trials, find_guilty, prebuilt_outputs

DATA = Path(__file__).parent / "data" / "multifile"
needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(DATA, root)
    return root


def _run(*args):
    return run_cli(*args)


@needs_gcc
def test_optimize_project_builds_tests_and_compares(tmp_path):
    root = _project(tmp_path)
    r = _run("optimize", str(root), "--build", "make", "--test", "make check", "--budget", "2",
             "--work", str(tmp_path / "work"), "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["tests_passed"] is True and d["mode"] == "whole-program"
    assert {u["name"] for u in d["units"]} == {"rpn.c", "stack.c"}
    (rpn,) = d["binaries"]
    assert rpn["name"] == "rpn"
    for key in ("compilerlm", "clang_oz", "gcc_oz", "clang_oz_lto_gc", "gcc_oz_lto_gc"):
        assert rpn[key] > 1000, key  # .text + .data of a linked executable
    # The whole-program link (lld, internalised, dead sections collected) beats per-unit
    # clang -Oz objects linked as they are.
    assert rpn["compilerlm"] < rpn["clang_oz"]
    assert d["baselines"]["gcc_oz_lto_gc"] == {"built": True, "tests_passed": True}
    # The project itself is left built, and its binary is the one measured.
    assert (root / "rpn").exists() and (root / "out.txt").exists()
    assert d["test_runs"] >= 2  # the reference's and the final build's at least


@needs_gcc
def test_tests_that_fail_on_the_oz_build_change_nothing(tmp_path):
    root = _project(tmp_path)
    r = _run("optimize", str(root), "--build", "make", "--test", "false",
             "--work", str(tmp_path / "work"))
    assert r.returncode != 0
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "tests fail on the clang -Oz build itself" in errors[0]
    assert "Traceback" not in r.stderr
    assert sorted(p.name for p in root.iterdir()) == sorted(p.name for p in DATA.iterdir())


def test_project_mode_input_errors(tmp_path):
    root = _project(tmp_path)
    (root / "stack.o").write_bytes(b"\x7fELF")  # left over from an earlier build
    cases = [
        (["optimize", str(root), "--build", "make"], "both --build CMD and --test CMD"),
        (["optimize", str(root / "rpn.c"), "--build", "make", "--test", "make check"],
         "INPUT must be the project's folder"),
        (["optimize", str(root), "--build", "make", "--test", "make check"],
         "already holds build outputs (stack.o)"),
        (["autotune", str(root), str(root), "--build", "make", "--test", "true"],
         "give one INPUT"),
    ]
    for args, message in cases:
        r = _run(*args, "--work", str(tmp_path / "work"))
        assert r.returncode != 0 and message in r.stderr, (args, r.stderr)
        assert "Traceback" not in r.stderr


@needs_gcc
def test_guilty_unit_found_by_bisection_and_put_back(tmp_path):
    """A test suite that fails whenever the binary is smaller than its clang -Oz build (a
    stand-in for a miscompiled unit): the whole-program build fails it, so per-unit objects
    are used; the unit whose list shrinks the binary is found guilty and goes back to -Oz;
    the final build passes."""
    root = _project(tmp_path)
    ref = _run("optimize", str(root), "--build", "make", "--test", "true", "--per-unit",
               "--model", "oz", "--budget", "1", "--work", str(tmp_path / "w0"), "--json")
    assert ref.returncode == 0, ref.stderr
    oz_bytes = (root / "rpn").stat().st_size
    shutil.rmtree(root)
    root = _project(tmp_path)
    (root / "check.sh").write_text(
        "#!/bin/sh\nset -e\n./rpn > out.txt\ncmp -s out.txt expected.txt\n"
        f'[ "$(stat -c %s rpn)" -ge {oz_bytes} ]\n')
    (root / "check.sh").chmod(0o755)
    r = _run("optimize", str(root), "--build", "make", "--test", "./check.sh", "--budget", "10",
             "--work", str(tmp_path / "w1"), "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["mode"] == "per-unit" and "whole-program build" in d["mode_note"]
    assert d["units_guilty"] >= 1 and d["lists_accepted"] == 0
    guilty = [u for u in d["units"] if u["verdict"].startswith("guilty")]
    assert guilty and all(u["passes"] is None for u in guilty)
    assert d["tests_passed"] is True
    assert d["binaries"][0]["compilerlm"] == d["binaries"][0]["clang_oz"]


class _FakeTrials(_Trials):
    """Trials whose 'tests' fail when a guilty unit's list is in, or when both halves of a
    pair that fails only together are: bisection's logic without builds."""

    def __init__(self, guilty, together=()):
        self.guilty, self.together, self.test_runs = set(guilty), set(together), 0

    def passes(self, lists):
        self.test_runs += 1
        return not (self.guilty & set(lists)) and not (
            self.together and self.together <= set(lists))


def test_bisection_finds_the_guilty_units():
    units = [f"u{i}" for i in range(16)]
    lists = {u: ["default<O3>"] for u in units}
    trials = _FakeTrials({"u3", "u12"})
    assert find_guilty(units, lists, trials) == {"u3", "u12"}
    assert trials.test_runs <= 2 * 2 * 4 + 1  # about 2 log2(n) runs per guilty unit
    trials = _FakeTrials(set())
    assert find_guilty(units, lists, trials) == set() and trials.test_runs == 1
    # Lists that fail only together: both halves pass alone, so the pair is guilty as a whole.
    trials = _FakeTrials(set(), together={"u0", "u15"})
    assert find_guilty(units, lists, trials) == set(units)


def test_prebuilt_outputs(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.c").write_text("int x;\n")
    assert prebuilt_outputs(tmp_path) == []
    (tmp_path / "src" / "a.o").write_bytes(b"")
    (tmp_path / "prog").write_bytes(b"\x7fELF\x02\x01")
    assert prebuilt_outputs(tmp_path) == ["prog", "src/a.o"]
