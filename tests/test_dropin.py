"""The drop-in compiler on a small multi-file project (tests/data/multifile): `make
CC=compilerlm-cc check` builds it with a list per unit, the project's own check passes, a
rebuild comes from the cache, a store's verified list is used, dependency files are written,
and the switch back to plain clang works."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA

from compilerlm.autotune.result import Evaluations, SearchResult
from compilerlm.autotune.store import AutotuneStore
from compilerlm.corpus.compile import CompileCommand, _reduce_flags, compile_command_to_ir
from compilerlm.toolchain.elf import object_size
from compilerlm.toolchain.engine import Engine
from compilerlm.toolchain.locate import find_toolchain

CC = str(Path(sys.executable).parent / "compilerlm-cc")


@pytest.fixture()
def project(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    dest = tmp_path / "multifile"
    shutil.copytree(DATA / "multifile", dest)
    return dest


def _make(project, *targets, **env):
    return subprocess.run(["make", *targets, f"CC={CC}"], cwd=project, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "COMPILERLM_DROPIN_LOG": "1",
                                                       **env})


def _text_data(path: Path) -> int:
    return object_size(path.read_bytes()).total


def test_make_with_the_drop_in_compiler_passes_the_projects_check(project):
    r = _make(project, "check")
    assert r.returncode == 0, r.stderr
    chosen = [ln for ln in r.stderr.splitlines() if ln.startswith("compilerlm-cc:")]
    assert len(chosen) == 2 and "warning" not in r.stderr  # rpn.c and stack.c, no fallback
    ours = _text_data(project / "rpn")
    # Never larger than clang -Oz, unit by unit (the -Oz fallback), so not as a program.
    subprocess.run(["make", "clean"], cwd=project, check=True, capture_output=True)
    subprocess.run(["make", "rpn", f"CC={find_toolchain().clang}", "CFLAGS=-Oz"], cwd=project,
                   check=True, capture_output=True)
    assert ours <= _text_data(project / "rpn")
    # A rebuild is the front end and a cache lookup per unit.
    subprocess.run(["make", "clean"], cwd=project, check=True, capture_output=True)
    r = _make(project, "check")
    assert r.returncode == 0 and r.stderr.count(": cached") == 2, r.stderr


def test_a_stores_verified_list_is_used(project, tmp_path):
    flags = ["-O2", "-Wall", "-c", "stack.c", "-o", "stack.o"]
    unit = compile_command_to_ir(CompileCommand(
        file=project / "stack.c", directory=project, flags=_reduce_flags(["cc", *flags],
                                                                         "stack.c")))
    passes = ("sroa", "instcombine", "default<Oz>")
    with Engine(workers=1, cache_path=tmp_path / "c.sqlite") as engine:
        size = engine.measure(unit, list(passes)).binary_size
        oz = engine.oz_baseline(unit).binary_size
    store = AutotuneStore(tmp_path / "tune.sqlite")
    store.put_result("test", SearchResult(
        input="stack.c", input_hash=unit.hash, oz_binary_size=oz, best_binary_size=size,
        best_passes=passes, best_pipeline="", improvement_pct=None, worse_than_oz=False,
        validated=True, rejections=(), raw_best_binary_size=size, raw_best_passes=passes,
        evaluations=Evaluations(), lists_verified_in_search=0, strategy="test", budget=0,
        seed=0), unit.hash)
    store.close()
    r = subprocess.run([CC, *flags], cwd=project, capture_output=True, text=True,
                       env={**os.environ, "COMPILERLM_STORE": str(tmp_path / "tune.sqlite"),
                            "COMPILERLM_DROPIN_LOG": "1"})
    assert r.returncode == 0 and "store: sroa,instcombine,default<Oz>" in r.stderr, r.stderr
    assert _text_data(project / "stack.o") == size


def test_dependency_files_and_the_plain_clang_switch(project):
    r = subprocess.run([CC, "-O2", "-MD", "-MP", "-MF", "stack.Tpo", "-MT", "stack.o", "-c",
                        "stack.c", "-o", "stack.o"], cwd=project, capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    assert "stack.h" in (project / "stack.Tpo").read_text()
    r = _make(project, "check", COMPILERLM_DROPIN="off")
    assert r.returncode == 0 and "compilerlm-cc:" not in r.stderr, r.stderr


def test_shims_catch_a_build_that_calls_gcc_by_name(project, tmp_path):
    """The project's Makefile says CC = gcc: with compilerlm's shims first on PATH, its own
    `make check` builds it with the drop-in compiler and passes."""
    from conftest import run_cli

    assert run_cli("shims", tmp_path / "shims").returncode == 0
    env = {**os.environ, "PATH": f"{tmp_path / 'shims'}:{os.environ['PATH']}",
           "COMPILERLM_DROPIN_LOG": "1"}
    r = subprocess.run(["make", "check"], cwd=project, capture_output=True, text=True,
                       env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "gcc -O2 -Wall -c rpn.c" in r.stdout
    assert len([ln for ln in r.stderr.splitlines() if ln.startswith("compilerlm-cc:")]) == 2


def test_compile_and_link_in_one_call_gives_each_source_its_choice(project):
    """`cc -O2 rpn.c stack.c -o rpn` (no -c): each source is compiled as a unit of its own
    (logged), the objects linked; a configure probe goes to clang -Oz untouched."""
    r = subprocess.run([CC, "-O2", "-std=c99", "rpn.c", "stack.c", "-o", "rpn"], cwd=project,
                       capture_output=True, text=True, timeout=600,
                       env={**os.environ, "COMPILERLM_DROPIN_LOG": "1"})
    assert r.returncode == 0, r.stderr
    logged = [ln for ln in r.stderr.splitlines() if ln.startswith("compilerlm-cc:")]
    assert len(logged) == 2 and any("rpn.c" in ln for ln in logged)
    out = subprocess.run(["./rpn"], cwd=project, capture_output=True, timeout=60)
    assert out.stdout == (project / "expected.txt").read_bytes()
    (project / "conftest.c").write_text("int main(void) { return 0; }\n")
    r = subprocess.run([CC, "-O2", "conftest.c", "-o", "conftest"], cwd=project,
                       capture_output=True, text=True, timeout=600,
                       env={**os.environ, "COMPILERLM_DROPIN_LOG": "1"})
    assert r.returncode == 0 and "compilerlm-cc:" not in r.stderr, r.stderr


def test_cxx_programs_use_the_systems_cxx_runtime(tmp_path):
    """A C++ program built by the drop-in links libstdc++ and libgcc like g++'s, and runs
    (the wheel's clang++ alone would link its own libc++, which the loader cannot find)."""
    (tmp_path / "t.cc").write_text('#include <iostream>\n#include <string>\n'
                                   'int main() { std::string s = "hi"; '
                                   'std::cout << s << std::endl; }\n')
    cxx = str(Path(sys.executable).parent / "compilerlm-c++")
    r = subprocess.run([cxx, "-O2", "t.cc", "-o", "t"], cwd=tmp_path, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    run = subprocess.run(["./t"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout == "hi\n", run.stderr


def test_a_link_lld_refuses_is_done_by_gnu_ld(tmp_path):
    """The wheel's clang links with lld, which refuses some GNU ld options that real
    projects pass (jansson's -Wl,--default-symver): the drop-in links again with GNU ld."""
    (tmp_path / "f.c").write_text("int f(void) { return 1; }\n")
    r = subprocess.run([CC, "-c", "-fPIC", "f.c", "-o", "f.o"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([CC, "-shared", "f.o", "-Wl,--default-symver", "-o", "libf.so"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0 and "linking again with GNU ld" in r.stderr, r.stderr
    assert (tmp_path / "libf.so").read_bytes()[:4] == b"\x7fELF"
