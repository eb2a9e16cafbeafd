"""Capture: record the IR of every C/C++ file a project's own build compiles.

`compilerlm corpus capture -o CORPUS -- make -j2` runs the build with CC and CXX set to
compilerlm's compiler wrappers (`compilerlm-cc`, `compilerlm-c++`). Each wrapper runs the real
compiler with the build's arguments, unchanged (the build behaves as usual and fails as
usual), then, for each C/C++ source the call compiled, runs the front end with the build's own
include paths and defines (the same flag reduction as compile_commands.json) and spools the
IR with a record. IR is taken while the build runs, so generated sources and temporary build
trees are captured too. A capture failure never fails the build: it is recorded and counted.
When the build ends, the spooled units go into the corpus (deduplicated by IR hash).

    COMPILERLM_CAPTURE_DIR   the spool (set by `corpus capture`)
    COMPILERLM_REAL_CC/CXX   the compilers the wrappers run (default: $CC/$CXX before the
                             capture, else cc/c++ when on PATH, else the bundled clang)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..store import append_json_line, read_json_lines
from ..unit import SOURCE_SUFFIXES, Unit

SPOOL_ENV = "COMPILERLM_CAPTURE_DIR"
RECORDS = "records.jsonl"
ERRORS = "errors.jsonl"
# Calls that compile nothing to an object: preprocessing, dependency scans, version probes.
_NO_COMPILE = {"-E", "-M", "-MM", "--version", "-v", "-###", "-dumpversion", "-dumpmachine",
               "-print-search-dirs", "-print-prog-name", "-fsyntax-only"}


def real_compiler(language: str, env=os.environ) -> str:
    key = "COMPILERLM_REAL_CXX" if language == "c++" else "COMPILERLM_REAL_CC"
    if env.get(key):
        return env[key]
    from ..toolchain.locate import find_toolchain
    default = "c++" if language == "c++" else "cc"
    if shutil.which(default):
        return default
    tc = find_toolchain()
    return str(tc.clangxx if language == "c++" else tc.clang)


def sources_of(argv: list[str]) -> list[str]:
    """The C/C++ source files a compiler call compiles (none for probes and -E)."""
    if any(a in _NO_COMPILE for a in argv):
        return []
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a in ("-o", "-MF", "-MT", "-MQ", "-x", "-include", "-I", "-D", "-U", "-isystem"):
            skip = True
            continue
        if not a.startswith("-") and Path(a).suffix in SOURCE_SUFFIXES:
            out.append(a)
    return out


def record_sources(argv: list[str], spool: Path, cwd: str) -> int:
    """Spool the IR of each source `argv` compiles; returns how many were captured."""
    from ..corpus.compile import CompileCommand, _reduce_flags, compile_command_to_ir

    captured = 0
    for src in sources_of(argv):
        try:
            path = Path(src) if Path(src).is_absolute() else Path(cwd) / src
            cmd = CompileCommand(file=path, directory=Path(cwd),
                                 flags=_reduce_flags(["cc", *argv], src))
            unit = compile_command_to_ir(cmd)
            name = f"{unit.hash.replace(':', '-')}.bc"
            (spool / name).write_bytes(unit.ir)
            append_json_line(spool / RECORDS, {"file": name, "name": str(path), "hash": unit.hash,
                                      "directory": cwd, "arguments": argv})
            captured += 1
        except Exception as e:  # never fail the build because of the capture
            append_json_line(spool / ERRORS, {"file": src, "directory": cwd,
                                     "error": " ".join(str(e).split())[:500]})
    return captured


def wrapper_main(language: str) -> int:
    argv = sys.argv[1:]
    real = real_compiler(language)
    rc = subprocess.run([real, *argv]).returncode
    spool = os.environ.get(SPOOL_ENV)
    if rc == 0 and spool:
        record_sources(argv, Path(spool), os.getcwd())
    return rc


def cc_main() -> int:
    return wrapper_main("c")


def cxx_main() -> int:
    return wrapper_main("c++")


def wrapper_env(spool: Path, env=None) -> dict:
    """The environment a captured build runs in."""
    env = dict(env if env is not None else os.environ)
    bindir = Path(sys.executable).parent
    env["COMPILERLM_REAL_CC"] = env.get("COMPILERLM_REAL_CC") or env.get("CC") or \
        real_compiler("c", env)
    env["COMPILERLM_REAL_CXX"] = env.get("COMPILERLM_REAL_CXX") or env.get("CXX") or \
        real_compiler("c++", env)
    env["CC"] = str(bindir / "compilerlm-cc")
    env["CXX"] = str(bindir / "compilerlm-c++")
    env[SPOOL_ENV] = str(spool)
    return env


def run_captured_build(command: list[str], spool: Path, cwd: str | None = None) -> int:
    spool.mkdir(parents=True, exist_ok=True)
    # The build's output is log: it goes to stderr, so `--json` keeps stdout to itself.
    try:
        return subprocess.run(command, env=wrapper_env(spool), cwd=cwd,
                              stdout=sys.stderr.fileno()).returncode
    except FileNotFoundError:
        from ..errors import InputError
        raise InputError(f"{command[0]}: no such command") from None


def spooled_units(spool: Path):
    for r in read_json_lines(spool / RECORDS):  # a compile killed mid-write: left out
        yield Unit(name=r["name"], ir=(spool / r["file"]).read_bytes(), source=r["name"])


def capture_errors(spool: Path) -> list[dict]:
    return read_json_lines(spool / ERRORS)
