"""The front end: styles, languages, directories, compile_commands.json, per-function split."""

import json

import pytest
from conftest import EXAMPLES

from compilerlm.corpus import load_unit
from compilerlm.corpus.compile import iter_units, read_compile_commands
from compilerlm.errors import FrontendError, InputError
from compilerlm.toolchain.extract import defined_functions, split_functions


def _text(unit):
    from compilerlm.corpus.writer import _ir_text_and_count
    return _ir_text_and_count(unit)[0]


def test_oz_style_is_what_llm_compiler_saw():
    ir = _text(load_unit(EXAMPLES / "structs.c"))
    assert "minsize" in ir and "optsize" in ir and "!tbaa" in ir
    assert "optnone" not in ir


def test_o0_style_has_no_optnone_and_is_larger():
    o0 = load_unit(EXAMPLES / "structs.c", style="o0")
    assert "optnone" not in _text(o0) and "minsize" not in _text(o0)
    assert o0.hash != load_unit(EXAMPLES / "structs.c").hash


def test_front_end_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.c"
    bad.write_text("int f( { }\n")
    with pytest.raises(FrontendError) as e:
        load_unit(bad)
    assert "\n" not in str(e.value) and "bad.c" in str(e.value)
    rust = tmp_path / "x.rs"
    rust.write_text("fn main() {}\n")
    with pytest.raises(InputError, match="unsupported file type"):
        load_unit(rust)


def test_directories_are_searched_recursively(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.c").write_text("int one(void) { return 1; }\n")
    (tmp_path / "a" / "b" / "two.cpp").write_text("int two() { return 2; }\n")
    (tmp_path / "a" / "README").write_text("not code\n")
    names = [u.name for u in iter_units([tmp_path])]
    assert [n.rsplit("/", 1)[1] for n in names] == ["one.c", "two.cpp"]


def test_compile_commands_use_the_builds_own_flags(tmp_path):
    """A real build's flags (-I, -D, -std) are kept; gcc-only flags clang rejects are dropped."""
    (tmp_path / "include").mkdir()
    (tmp_path / "include" / "config.h").write_text("#define SCALE 3\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.c").write_text(
        '#include "config.h"\nint scale(void) { return SCALE * FACTOR; }\n')
    # Legacy C that gcc 12 builds with a warning (an implicit declaration), with gcc-only
    # flags clang 17 names two ways: `unknown argument: '--x'` and `unknown argument '-x';
    # did you mean ...` (gnutls28's -fanalyzer: 589 units lost before).
    (tmp_path / "src" / "util.c").write_text("int twice(int x) { return helper(2 * x); }\n")
    # and C++17 that g++ 12 builds with a warning (`register`: gnuchess)
    (tmp_path / "src" / "reg.cc").write_text("int thrice(int x) { register int y = 3 * x; "
                                             "return y; }\n")
    commands = [
        {"directory": str(tmp_path), "file": "src/main.c",
         "arguments": ["gcc", "-Iinclude", "-DFACTOR=7", "-std=c11", "-O2", "-g",
                       "--gcc-only-flag", "-fanalyzer", "-c", "src/main.c", "-o",
                       "build/main.o"]},
        {"directory": str(tmp_path / "src"), "file": str(tmp_path / "src" / "util.c"),
         "command": "cc -O3 -MD -MF util.d -c util.c -o util.o"},
        {"directory": str(tmp_path / "src"), "file": "reg.cc",
         "command": "c++ -std=gnu++17 -c reg.cc -o reg.o"},
        {"directory": str(tmp_path), "file": "boot.S", "arguments": ["cc", "-c", "boot.S"]},
    ]
    db = tmp_path / "compile_commands.json"
    db.write_text(json.dumps(commands))
    parsed = read_compile_commands(db)
    assert len(parsed) == 3  # the assembly file is not C/C++
    assert "-O2" not in parsed[0].flags and "-g" not in parsed[0].flags
    units = list(iter_units([db]))
    assert [u.name.rsplit("/", 1)[1] for u in units] == ["main.c", "util.c", "reg.cc"]
    text = _text(units[0])
    assert "ret i32 21" in text  # SCALE * FACTOR: found through -I, defined by -D
    assert "minsize" in text


def test_bad_compile_commands(tmp_path):
    db = tmp_path / "compile_commands.json"
    db.write_text("{not json")
    with pytest.raises(InputError, match="not a valid compile_commands.json"):
        read_compile_commands(db)
    db.write_text(json.dumps([{"file": "x.c"}]))
    with pytest.raises(InputError, match="lacks 'file' or 'directory'"):
        read_compile_commands(db)


def test_split_functions_like_llvm_extract(engine):
    unit = load_unit(EXAMPLES / "recursion.c")
    names = defined_functions(unit)
    pieces = split_functions(unit)
    assert [p.name.split("#")[1] for p in pieces] == names
    assert len(names) >= 8
    for piece, name in zip(pieces, names):
        assert defined_functions(piece) == [name]  # only its own body is left
        assert engine.measure(piece, "default<Oz>").ok
    kept = split_functions(unit, ["fib_memo"], keep_globals=True)[0]
    assert "@memo = internal global" in _text(kept)
    assert "@memo = external dso_local global" in _text(split_functions(unit, ["fib_memo"])[0])
    with pytest.raises(InputError, match="no function named nope"):
        split_functions(unit, ["nope"])


def test_the_same_file_gives_the_same_ir_whatever_the_path(tmp_path, monkeypatch):
    here = load_unit(EXAMPLES / "switch.c")
    monkeypatch.chdir(EXAMPLES.parent)
    relative = load_unit("examples/switch.c")
    assert here.hash == relative.hash
    assert 'source_filename = "switch.c"' in _text(here)


def test_capture_records_the_ir_of_a_real_build(tmp_path):
    """`corpus capture` runs the project's own build (make, with its CC/CXX and flags) and
    collects the IR of every C/C++ file it compiled; the build's outputs are real."""
    import json
    import subprocess

    from conftest import run_cli

    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "b.h").write_text('#ifdef __cplusplus\nextern "C"\n#endif\nint twice(int x);\n')
    (proj / "a.c").write_text('#include "b.h"\nint twice(int x) { return 2 * x; }\n')
    (proj / "main.cpp").write_text('#include <cstdio>\n#include "b.h"\n'
                                   'int main() { std::printf("%d\\n", twice(21)); }\n')
    (proj / "Makefile").write_text(
        "prog: a.o main.o\n\t$(CXX) -o $@ a.o main.o\n"
        "a.o: a.c\n\t$(CC) -O2 -Wall -c a.c -o a.o\n"
        "main.o: main.cpp\n\t$(CXX) -O2 -I. -c main.cpp -o main.o\n")
    r = run_cli("corpus", "capture", "-o", tmp_path / "corpus", "-C", proj, "--json",
                "--", "make")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["added"] == 2 and summary["capture_errors"] == 0
    names = sorted(json.loads(x)["name"] for x in
                   (tmp_path / "corpus" / "corpus.jsonl").read_text().splitlines())
    assert names == [str(proj / "a.c"), str(proj / "main.cpp")]
    assert subprocess.run([proj / "prog"], capture_output=True, text=True).stdout == "42\n"
    # A failing build is an error (one line), and what was captured stays in the spool.
    (proj / "a.c").write_text("int broken(\n")
    (proj / "a.o").unlink()
    r = run_cli("corpus", "capture", "-o", tmp_path / "corpus", "-C", proj, "--", "make")
    assert r.returncode != 0 and "the build failed" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_gcc_precompiled_header_beside_an_include_is_read_as_the_header(tmp_path):
    """CMake's precompiled headers: `-include X` with gcc's X.gch beside it, which clang's
    driver takes for its own PCH and fails on."""
    import subprocess

    from compilerlm.corpus.compile import CompileCommand, compile_command_to_ir

    (tmp_path / "pre.h").write_text("static inline int twice(int x) { return 2 * x; }\n")
    subprocess.run(["gcc", "-x", "c-header", "pre.h", "-o", "pre.h.gch"], cwd=tmp_path,
                   check=True)
    (tmp_path / "use.c").write_text("int f(int y) { return twice(y); }\n")
    unit = compile_command_to_ir(CompileCommand(
        file=tmp_path / "use.c", directory=tmp_path, flags=("-include", str(tmp_path / "pre.h"))))
    assert "twice" in _text(unit)


def test_compiling_a_precompiled_header_is_no_unit_and_non_ir_is_left_out(tmp_path):
    """CMake compiles `cmake_pch.hxx.cxx` with `-x c++-header` into a .gch: no code, so no
    unit (cppcheck's capture took the PCH for IR and its whole package failed); and a unit
    that is not IR after all is left out of a corpus, named, without stopping the rest."""
    from compilerlm.corpus.capture import sources_of
    from compilerlm.corpus.corpus import build_corpus
    from compilerlm.unit import Unit

    assert sources_of(["c++", "-x", "c++-header", "-include", "p.hxx", "cmake_pch.hxx.cxx",
                       "-o", "cmake_pch.hxx.gch"]) == []
    assert sources_of(["gcc", "-xc-header", "pre.h.c"]) == []
    assert sources_of(["gcc", "-x", "c", "-c", "main.c"]) == ["main.c"]
    good = load_unit(EXAMPLES / "loops.c")
    bad = Unit("pch.cxx", b"CPCH\x00\x01not IR at all")
    summary = build_corpus([bad, good], tmp_path / "corpus")
    assert summary["added"] == 1 and len(summary["invalid"]) == 1
    assert "pch.cxx" in summary["invalid"][0]
