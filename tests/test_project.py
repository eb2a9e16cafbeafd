"""Project mode: a real multi-file project (tests/data/multifile, whose Makefile calls gcc by
name) built with its own `make`, checked with its own `make check`, compared with gcc."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cli

from compilerlm.project.optimize import (Plan, _Trials, accepted_plan, find_guilty,
                                         prebuilt_outputs)

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
    # The project itself is left built, and its binary is the one measured; nothing of
    # compilerlm's is written beside it.
    assert (root / "rpn").exists() and (root / "out.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["proj", "work"]
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
    """Trials whose 'tests' fail when a guilty choice is in, or when both of a pair that
    fails only together are: bisection's logic without builds."""

    def __init__(self, guilty, together=()):
        self.guilty, self.together, self.test_runs = set(guilty), set(together), 0

    def passes(self, plan):
        self.test_runs += 1
        keys = set(plan.items())
        return not (self.guilty & keys) and not (self.together and self.together <= keys)


def test_bisection_finds_the_guilty_choices():
    plan = Plan({f"h{i}": ["default<O3>"] for i in range(14)},
                {"bin/a": "default<Os>", "bin/b": "default<O2>"}, True)
    keys = plan.items()
    assert len(keys) == 16 and "b:bin/a" in keys and "u:h3" in keys
    trials = _FakeTrials({"u:h3", "b:bin/b"})
    assert find_guilty(keys, plan, trials) == {"u:h3", "b:bin/b"}
    assert trials.test_runs <= 2 * 2 * 4 + 1  # about 2 log2(n) runs per guilty choice
    trials = _FakeTrials(set(keys))  # everything guilty: one run per choice and per split
    assert find_guilty(keys, plan, trials) == set(keys) and trials.test_runs == 31
    kept, guilty = accepted_plan(plan, _FakeTrials({"u:h3", "b:bin/b"}))
    assert guilty == {"u:h3", "b:bin/b"} and "h3" not in kept.lists
    assert set(kept.pipelines) == {"bin/a"} and len(kept.lists) == 13
    trials = _FakeTrials(set())
    assert find_guilty(keys, plan, trials) == set() and trials.test_runs == 1
    # Choices that fail only together: one of them is put back, the other kept.
    trials = _FakeTrials(set(), together={keys[0], keys[-1]})
    assert find_guilty(keys, plan, trials) == {keys[-1]}
    kept, guilty = accepted_plan(plan, _FakeTrials({"u:h3"}, together={keys[0], keys[-1]}))
    assert guilty == {"u:h3", keys[-1]} and len(kept.items()) == 14


def test_prebuilt_outputs(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.c").write_text("int x;\n")
    assert prebuilt_outputs(tmp_path) == []
    (tmp_path / "src" / "a.o").write_bytes(b"")
    (tmp_path / "prog").write_bytes(b"\x7fELF\x02\x01")
    assert prebuilt_outputs(tmp_path) == ["prog", "src/a.o"]


def test_baseline_compilers_replace_the_optimisation_level():
    from compilerlm.project.baselines import baseline_argv
    compile_ = baseline_argv("gcc-oz-lto", "c", ["-O2", "-g", "-Wall", "-c", "a.c", "-o", "a.o"])
    assert compile_[0].endswith("gcc") and "-O2" not in compile_
    assert compile_[-4:] == ["-Oz", "-flto", "-ffunction-sections", "-fdata-sections"]
    link = baseline_argv("gcc-oz-lto", "c", ["-O3", "a.o", "b.o", "-o", "prog", "-lm"])
    assert "-Wl,--gc-sections" in link and "-O3" not in link and link.count("-Oz") == 1
    clang = baseline_argv("clang-oz-lto", "c++", ["-Os", "a.o", "-o", "prog"])
    assert "clang" in Path(clang[0]).name and any(a.startswith("--ld-path=") for a in clang)
    assert baseline_argv("gcc-oz", "c", ["-E", "-O2", "a.c"])[1:] == ["-E", "-O2", "a.c"]
    assert baseline_argv("gcc-oz", "c++", ["-Ofast", "-c", "a.cc"])[-1] == "-Oz"


def test_the_clang_baseline_compiles_what_the_front_end_compiles():
    """A build's -Werror stops clang 17 where gcc 12 passed (indent: -Wunused-but-set-variable),
    and legacy C needs gcc 12's leniency: the clang baseline drops the one and adds the other
    for the project's own sources, as compilerlm's clang -Oz reference does; probes keep the
    build's flags, so configure learns what it would."""
    from compilerlm.corpus.compile import GCC12_LEGACY_C
    from compilerlm.project.baselines import baseline_argv
    argv = ["-O2", "-Wall", "-Werror", "-Werror=format-security", "-c", "output.c"]
    own = baseline_argv("clang-oz-lto", "c", argv)
    assert not any(a.startswith("-Werror") for a in own) and "-Wall" in own
    assert set(GCC12_LEGACY_C) <= set(own)
    probe = baseline_argv("clang-oz-lto", "c", ["-Werror", "-c", "conftest.c"])
    assert "-Werror" in probe and not set(GCC12_LEGACY_C) & set(probe)
    assert "-Werror" in baseline_argv("gcc-oz-lto", "c", argv)  # gcc is taken as it is


def test_llvm_ar_shims_archive_llvm_17_bitcode(tmp_path):
    """CMake picks llvm-ar and llvm-ranlib when the compiler is clang; the system's are
    another LLVM's and cannot read LLVM 17 bitcode (cjson's whole-program build failed there).
    The shims of those names archive a bitcode object that lld's LTO link then finds."""
    import os
    import subprocess

    from compilerlm.corpus.capture import make_shims
    from compilerlm.toolchain.locate import find_lld, find_toolchain
    shims = make_shims(tmp_path / "shims")
    assert (shims / "llvm-ar").is_symlink() and (shims / "llvm-ranlib").is_symlink()
    clang = str(find_toolchain().clang)
    (tmp_path / "f.c").write_text("int f(void) { return 42; }\n")
    (tmp_path / "main.c").write_text("int f(void);\nint main(void) { return f(); }\n")
    subprocess.run([clang, "-flto", "-c", "f.c"], cwd=tmp_path, check=True)
    env = {**os.environ, "PATH": f"{shims}:{os.environ['PATH']}",
           "COMPILERLM_SHIM_DIR": str(shims)}
    for argv in (["llvm-ar", "qc", "libf.a", "f.o"], ["llvm-ranlib", "libf.a"]):
        r = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0, r.stderr
    subprocess.run([clang, "-flto", f"--ld-path={find_lld()}", "main.c", "libf.a", "-o",
                    "prog"], cwd=tmp_path, check=True)
    assert subprocess.run([str(tmp_path / "prog")]).returncode == 42


def test_the_link_time_pipeline_is_taken_where_it_is_smaller(tmp_path):
    """On a merged program the link-time pipeline is tried beside the chooser's pick and taken
    where it is smaller than the pick (or -Oz); elsewhere the pick stands."""
    from compilerlm.corpus.compile import compile_to_ir
    from compilerlm.project.choose import _or_smaller
    from compilerlm.project.optimize import LINK_TIME_PIPELINE, Choice
    from compilerlm.toolchain.engine import Engine
    from compilerlm.unit import Unit
    src = tmp_path / "p.c"
    src.write_text("static int sq(int x) { return x * x; }\n"
                   "int main(int argc, char **argv) { return sq(argc) + (argv != 0); }\n")
    unit = Unit(name="p", ir=compile_to_ir(src))
    with Engine(workers=1, use_cache=False) as engine:
        size = engine.measure(unit, [LINK_TIME_PIPELINE]).binary_size
        worse = {unit.hash: Choice(("default<O3>",), size + 1, size + 10)}
        taken = _or_smaller(LINK_TIME_PIPELINE, [unit], worse, engine)[unit.hash]
        assert taken.passes == (LINK_TIME_PIPELINE,) and taken.binary_size == size
        oz_only = {unit.hash: Choice(None, None, size + 10, "-Oz")}
        assert _or_smaller(LINK_TIME_PIPELINE, [unit], oz_only, engine)[unit.hash].passes
        better = {unit.hash: Choice(("default<O3>",), size - 1, size + 10)}
        assert _or_smaller(LINK_TIME_PIPELINE, [unit], better, engine) == better
        assert _or_smaller(None, [unit], worse, engine) == worse


def test_whole_program_link_flags_name_each_outputs_pipeline(tmp_path, monkeypatch):
    from compilerlm.flagtune.dropin import whole_program_link_flags
    monkeypatch.chdir(tmp_path)
    whole = {"default": "default<Oz>", "binaries": {"bin/tool": "sroa,default<Oz>"},
             "save_temps": False}
    flags = whole_program_link_flags(["a.o", "-o", "bin/tool"], whole, tmp_path)
    assert "--lto-newpm-passes=sroa,default<Oz>" in flags and "-Wl,--gc-sections" in flags
    flags = whole_program_link_flags(["-r", "a.o", "-oother.o"], whole, tmp_path)
    assert "--lto-newpm-passes=default<Oz>" in flags and "-Wl,--gc-sections" not in flags
    whole["save_temps"] = True
    assert "-Wl,--save-temps" in whole_program_link_flags(["a.o"], whole, tmp_path)


def test_a_real_tool_that_calls_ar_by_name_does_not_loop(tmp_path):
    """gcc-ar (the gcc LTO baseline's archiver) runs `ar` by name: the shims must be off its
    PATH, or the shim calls gcc-ar calls the shim... (it forked 3,000 processes once)."""
    import os
    import subprocess

    from compilerlm.corpus.capture import make_shims
    shims = make_shims(tmp_path / "shims")
    tool = tmp_path / "my-ar"
    tool.write_text('#!/bin/sh\nexec ar "$@"\n')
    tool.chmod(0o755)
    (tmp_path / "a.txt").write_text("x\n")
    env = {**os.environ, "PATH": f"{shims}:{os.environ['PATH']}",
           "COMPILERLM_SHIM_DIR": str(shims), "COMPILERLM_REAL_AR": str(tool)}
    r = subprocess.run([str(shims / "ar"), "rc", "lib.a", "a.txt"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "lib.a").read_bytes().startswith(b"!<arch>")
    # A tool that finds the shims anyway stops at a fixed depth, with one line, not a storm.
    loop = tmp_path / "loop-ar"
    loop.write_text(f'#!/bin/sh\nexec {shims}/ar "$@"\n')
    loop.chmod(0o755)
    r = subprocess.run([str(shims / "ar"), "rc", "lib2.a", "a.txt"], cwd=tmp_path,
                       env={**env, "COMPILERLM_REAL_AR": str(loop)}, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode != 0 and "called each other" in r.stderr


def test_the_build_systems_own_programs_are_not_the_projects(tmp_path):
    """CMake's compiler-identification programs (CMakeFiles/3.25.1/CompilerIdC/a.out,
    CMakeDetermineCompilerABI_C.bin) and configure's conftest are no binaries of the project
    (cjson's benchmark counted them)."""
    from compilerlm.project.build import linked_binaries

    elf = shutil.which("true")
    for rel in ("prog", "CMakeFiles/3.25.1/CompilerIdC/a.out",
                "CMakeFiles/3.25.1/CMakeDetermineCompilerABI_C.bin", "conftest"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(elf, tmp_path / rel)
    assert list(linked_binaries(tmp_path)) == ["prog"]


@needs_gcc
def test_project_autotune_tunes_units_then_the_merged_program(tmp_path):
    """`autotune PROJECT --build --test`: each unit searched and verified, then the merged
    program's pipeline; the tests pass on the final build, which is smaller than clang -Oz."""
    root = _project(tmp_path)
    r = _run("autotune", str(root), "--build", "make", "--test", "make check", "--budget", "4",
             "--db", str(tmp_path / "at.sqlite"), "--work", str(tmp_path / "work"), "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["tests_passed"] is True and d["mode"] == "whole-program"
    assert "2 units; choosing lists" in r.stderr
    assert "1 linked programs; choosing their pipelines" in r.stderr
    assert {u["name"] for u in d["units"]} == {"rpn.c", "stack.c"}
    (rpn,) = d["binaries"]
    assert rpn["compilerlm"] < rpn["clang_oz"]
    assert rpn["pipeline_verdict"] == "accepted" or rpn["pipeline_verdict"].startswith("-Oz")
