"""PassListEval: the built-in suite, HumanEval-X, csmith, and verdicts on real breaking lists."""

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import REPO, run_cli

from compilerlm.errors import InputError
from compilerlm.passlisteval import (
    PassListEval,
    Program,
    builtin_suite,
    csmith_suite,
    humaneval_suite,
    parse_suite,
)
from compilerlm.toolchain.engine import Engine
from compilerlm.toolchain.locate import find_toolchain

HUMANEVAL = REPO.parent / "shared" / "data" / "humaneval_cpp.jsonl.gz"
needs_humaneval = pytest.mark.skipif(not HUMANEVAL.exists(),
                                     reason="HumanEval-X copy not present (never vendored)")


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    cache = tmp_path_factory.mktemp("ple")
    with Engine(workers=2, cache_path=cache / "cache.sqlite") as engine:
        yield PassListEval(engine)


@pytest.fixture(scope="module")
def builtin():
    return builtin_suite()


def test_builtin_suite_covers_what_optimisers_get_wrong(builtin):
    names = {p.uri.split("/", 1)[1] for p in builtin}
    assert len(builtin) >= 60
    for topic in ("int_", "float_", "loop_", "rec_", "switch_", "struct_", "union_", "ptr_",
                  "fnptr_", "varargs_", "str_", "globals_", "bits_", "cpp_virtual",
                  "cpp_templates", "cpp_exceptions", "cpp_stl", "cpp_classes", "loop_goto"):
        assert any(n.startswith(topic) for n in names), topic
    assert sum(p.language == "c++" for p in builtin) >= 10
    assert len({p.hash for p in builtin}) == len(builtin)


def _build_and_run(program: Program, tmp: Path, flags: list[str]) -> tuple[int, str]:
    tc = find_toolchain()
    compiler = tc.clangxx if program.language == "c++" else tc.clang
    src = tmp / f"{program.uri.split('/')[1]}{program.suffix}"
    src.write_text(program.source)
    exe = src.with_suffix(".exe")
    subprocess.run([str(compiler), *flags, *program.compile_flags, str(src), "-o", str(exe),
                    *program.link_flags, f"-Wl,-rpath,{tc.runtime_lib_dir}"],
                   check=True, capture_output=True)
    out = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    return out.returncode, out.stdout + out.stderr


@pytest.mark.parametrize("flags", [
    ["-O0", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"],
    ["-O2"],
], ids=["O0-asan-ubsan", "O2"])
def test_every_builtin_program_passes_and_is_free_of_ub(builtin, tmp_path, flags):
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda p: (p.uri, *_build_and_run(p, tmp_path, flags)), builtin))
    failed = [(uri, rc, out[-300:]) for uri, rc, out in results if rc != 0]
    assert failed == []
    assert len(results) == len(builtin)


@pytest.mark.parametrize("passes", ["default<Oz>", "default<O2>", ""])
def test_standard_lists_are_accepted_by_the_builtin_suite(checker, builtin, passes):
    v = checker.check(passes, builtin)
    assert v.accepted, v.failures
    assert v.programs_passed == v.programs_total == len(builtin)


def test_repeated_lists_come_from_the_cache(checker, builtin):
    checker.check("sroa,instcombine,gvn", builtin)
    again = checker.check("sroa,instcombine,gvn", builtin)
    assert again.accepted and again.cached == len(builtin)


def test_a_list_that_compiles_to_judged_bytes_is_not_linked_or_run_again(
        checker, builtin, monkeypatch):
    """A no-op pass changes the list, not the objects: the verdicts come from the objects
    judged before, rejections (with their reasons) included."""
    from compilerlm.passlisteval import sandbox
    programs = [p for p in builtin if p.uri.split("/", 1)[1].startswith("bits_")]
    first = {lst: checker.check(lst, programs) for lst in ("sroa,instcombine", "structurizecfg")}
    links = []
    real_link = sandbox.link
    monkeypatch.setattr(sandbox, "link",
                        lambda *a, **k: links.append(a[0].uri) or real_link(*a, **k))
    accepted = checker.check("sroa,no-op-module,instcombine", programs)
    rejected = checker.check("structurizecfg,no-op-module", programs)
    assert links == []
    assert accepted.accepted and accepted.cached == 0
    assert accepted.programs_passed == first["sroa,instcombine"].programs_passed == len(programs)
    assert not rejected.accepted
    assert ({(f.program, f.reason) for f in rejected.failures}
            == {(f.program, f.reason) for f in first["structurizecfg"].failures} != set())
    checker.check("sroa,gvn", programs)  # new bytes are still linked and run
    assert links


# Real lists that break UB-free programs, found on the built-in suite (docs/passlisteval.md):
# the GPU control-flow passes the search space leaves out, and pipelines that abort LLVM.
REGRESSIONS = [
    ("unify-loop-exits", {("bits_popcount", "wrong_output"), ("cpp_exceptions", "compile_error")}),
    ("structurizecfg", {("bits_hash", "wrong_output"), ("bits_popcount", "wrong_output")}),
    ("fix-irreducible", {("switch_fallthrough", "crash")}),
    ("trigger-crash", {("int_limits", "crash"), ("cpp_virtual", "crash")}),
    # Found by random lists from the search space itself (benchmarks/bench_passlisteval.py):
    ("lowerinvoke", {("cpp_exceptions", "runtime_crash")}),  # exceptions escape: abort
    ("attributor", {("cpp_exceptions", "crash")}),  # LLVM 17 segfaults
    ("attributor-cgscc", {("cpp_exceptions", "crash"), ("cpp_lambdas", "runtime_crash")}),
]


@pytest.mark.parametrize("passes, expected", REGRESSIONS, ids=[r[0] for r in REGRESSIONS])
def test_breaking_lists_are_rejected_with_the_reason(checker, builtin, passes, expected):
    v = checker.check(passes, builtin)
    assert not v.accepted
    found = {(f.program.split("/", 1)[1], f.reason) for f in v.failures}
    assert expected <= found
    assert v.programs_passed == v.programs_total - len(v.failures)


def test_fail_fast_stops_at_the_first_failure(checker, builtin):
    v = checker.check("globaldce,licm", builtin, raw=True, fail_fast=True)
    assert not v.accepted and v.programs_checked < v.programs_total
    assert v.failures[0].reason == "crash" and "LICM requires MemorySSA" in v.failures[0].detail


UB_PROGRAM = Program(uri="test/overflow-check", language="c", source="""
#include <limits.h>
#include <stdio.h>
static int wraps(int x) { return x + 1 < x; }  /* undefined for INT_MAX: -O0 wraps */
int main(void) { volatile int v = INT_MAX; printf("%d\\n", wraps(v)); return 0; }
""")


def test_optimisations_that_exploit_ub_are_caught_by_running(checker):
    """The reference (-O0) prints 1; after instcombine the nsw compare folds to 0."""
    assert checker.check("", [UB_PROGRAM]).accepted
    v = checker.check("instcombine", [UB_PROGRAM])
    assert not v.accepted
    assert v.failures[0].reason == "wrong_output" and "'0'" in v.failures[0].detail


def test_programs_whose_reference_does_not_work_are_skipped(checker):
    hangs = Program(uri="test/hangs", language="c", timeout=0.5, source=(
        "int main(void) { volatile int x = 1; while (x) {} return 0; }\n"))
    fails = Program(uri="test/fails", language="c", source="int main(void) { return 3; }\n")
    good, bad = checker.usable([hangs, fails, UB_PROGRAM])
    assert good == [UB_PROGRAM]
    reasons = {s.uri: s.reason for s in bad}
    assert "timeout" in reasons["test/hangs"] and "exits with 3" in reasons["test/fails"]


def test_csmith_programs_are_checked_differentially(checker):
    programs = csmith_suite(3, seed=11)  # fails, never skips, when csmith is missing
    assert [p.uri for p in programs] == ["csmith-v1/seed-11", "csmith-v1/seed-12",
                                         "csmith-v1/seed-13"]
    assert programs == csmith_suite(3, seed=11)  # the seed reproduces the program
    for passes in ("default<Oz>", "default<O2>", ""):
        v = checker.check(passes, programs)
        assert v.accepted and v.programs_total + len(v.skipped) == 3


@needs_humaneval
def test_humaneval_sample(checker):
    programs, skipped = humaneval_suite(HUMANEVAL, sample=10, seed=3)
    assert len(programs) + len(skipped) == 10
    again, _ = humaneval_suite(HUMANEVAL, sample=10, seed=3)
    assert [p.uri for p in again] == [p.uri for p in programs]
    for passes in ("default<Oz>", "default<O2>", ""):
        v = checker.check(passes, programs)
        assert v.accepted and v.programs_total >= 8


@needs_humaneval
def test_humaneval_loader_skips_with_reasons():
    programs, skipped = humaneval_suite(HUMANEVAL)
    assert len(programs) + len(skipped) == 164
    if not Path("/usr/include/boost").is_dir():
        assert {s.uri for s in skipped} >= {"humaneval-cpp-v1/CPP/22", "humaneval-cpp-v1/CPP/137"}
        assert all("Boost" in s.reason or "OpenSSL" in s.reason for s in skipped)


def test_suite_specs_and_bad_files(tmp_path):
    assert len(parse_suite("builtin")[0]) >= 60
    with pytest.raises(InputError, match="unknown suite"):
        parse_suite("spec2017")
    with pytest.raises(InputError, match="number of programs from 1 to"):
        parse_suite("csmith:zero")
    with pytest.raises(InputError, match="no such file"):
        parse_suite(f"humaneval-x:{tmp_path / 'missing.jsonl'}")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"task_id": "x"}\n')
    with pytest.raises(InputError, match="lacks"):
        humaneval_suite(bad)


def test_cli_verdicts_and_exit_codes():
    ok = run_cli("passlisteval", "-p", "default<Oz>", "--suite", "csmith:2", "--json")
    doc = json.loads(ok.stdout)
    assert ok.returncode == 0 and doc["accepted"] is True
    assert {"accepted", "programs_total", "programs_passed", "failures"} <= doc.keys()
    bad = run_cli("passlisteval", "-p", "trigger-crash", "--suite", "csmith:2", "--json")
    doc = json.loads(bad.stdout)
    assert bad.returncode == 1 and doc["accepted"] is False
    assert doc["failures"][0]["reason"] == "crash" and "error:" not in bad.stderr
    unknown = run_cli("passlisteval", "-p", "sroa,nosuchpass")
    assert unknown.returncode == 2 and unknown.stderr.startswith("error: unknown pass")
    suite = run_cli("passlisteval", "-p", "sroa", "--suite", "nope")
    assert suite.returncode == 2 and "unknown suite" in suite.stderr


def test_a_users_own_program_and_check(tmp_path):
    prog = tmp_path / "app.c"
    prog.write_text('#include <stdio.h>\n#include <stdlib.h>\n'
                    'int main(int argc, char **argv) {\n'
                    '  long n = argc > 1 ? atol(argv[1]) : 0, s = 0;\n'
                    '  for (long i = 1; i <= n; i++) s += i * i;\n'
                    '  printf("%ld\\n", s); return 0; }\n')
    ok = run_cli("passlisteval", "-p", "default<Oz>", "--program", prog, "--run-arg", "100",
                 "--json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["programs_passed"] == 1
    expected = tmp_path / "expected.txt"
    expected.write_text("338350\n")
    assert run_cli("passlisteval", "-p", "sroa,licm", "--program", prog, "--run-arg", "100",
                   "--expect-output", expected).returncode == 0
    expected.write_text("1\n")
    wrong = run_cli("passlisteval", "-p", "sroa", "--program", prog, "--run-arg", "100",
                    "--expect-output", expected)
    assert wrong.returncode == 2 and "does not print the expected output" in wrong.stderr
    # A check command decides: it gets the binary's path as its last argument.
    checker = tmp_path / "check.sh"
    checker.write_text('#!/bin/sh\ntest "$("$1" 10)" = 385\n')
    checker.chmod(0o755)
    good = run_cli("passlisteval", "-p", "default<O2>", "--program", prog,
                   "--check-command", str(checker), "--json")
    assert good.returncode == 0 and json.loads(good.stdout)["accepted"]
    crash = run_cli("passlisteval", "-p", "trigger-crash", "--program", prog,
                    "--check-command", str(checker), "--json")
    assert crash.returncode == 1 and json.loads(crash.stdout)["failures"][0]["reason"] == "crash"


@pytest.mark.parametrize("language,source", [
    ("c", "#include <stdio.h>\nint main(void) { puts(\"linked\"); return 0; }\n"),
    ("c++", "#include <iostream>\n#include <string>\n"
            "int main() { std::cout << std::string(\"linked\") << '\\n'; }\n"),
])
def test_candidates_link_with_the_linker_the_driver_would_run(tmp_path, language, source):
    """ld.lld called as the clang driver would call it (the driver's start-up was half of
    each link); the program it links runs and prints what its source says."""
    from compilerlm.passlisteval import sandbox
    program = Program(uri=f"test/link-{language}", language=language, source=source,
                      compile_flags=("-std=c++17",) if language == "c++" else (),
                      link_flags=("-lm",))
    obj = tmp_path / "prog.o"
    subprocess.run([sandbox.compiler_of(program), "-x", language, "-c", "-", "-o", str(obj)],
                   input=source, text=True, check=True)
    argv = sandbox.linker_argv(program, tmp_path / "cand.o", tmp_path / "cand.exe")
    assert Path(argv[0]).name == "ld.lld"
    assert argv.count(str(tmp_path / "cand.o")) == 1 and "-lm" in argv
    exe, why = sandbox.link(program, obj.read_bytes(), tmp_path)
    assert why == "" and exe is not None
    assert sandbox.run(program, exe).stdout == b"linked\n"
