"""Capture: record the IR of every C/C++ file a project's own build compiles.

`compilerlm corpus capture -o CORPUS -- make -j2` runs the build with CC and CXX set to
compilerlm's compiler wrappers (`compilerlm-cc`, `compilerlm-c++`) and, first on PATH, shims
named `gcc`, `cc`, `g++`, `c++`, `clang`, `clang++` (and Debian's `x86_64-linux-gnu-` and
`-12` spellings) that are those wrappers: most Makefiles of real programs call `gcc` by name,
which CC alone does not catch. Each wrapper runs the real compiler with the build's arguments,
unchanged (the build behaves as usual and fails as usual), then, for each C/C++ source the
call compiled, runs the front end with the build's own include paths and defines (the same
flag reduction as compile_commands.json) and spools the IR with a record. Link calls and `ar`
(also shimmed) are recorded too, so each unit can be traced to the binaries and libraries it
ends up in. IR is taken while the build runs, so generated sources and temporary build trees
are captured too. A capture failure never fails the build: it is recorded and counted. When
the build ends, the spooled units go into the corpus (deduplicated by IR hash).

    COMPILERLM_CAPTURE_DIR   the spool (set by `corpus capture`)
    COMPILERLM_REAL_CC/CXX/AR  the tools the wrappers run (default: $CC/$CXX before the
                             capture, else cc/c++/ar found on PATH outside the shims, else the
                             bundled clang)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ..store import append_json_line, read_json_lines
from ..unit import SOURCE_SUFFIXES, Unit

SPOOL_ENV = "COMPILERLM_CAPTURE_DIR"
SHIM_DIR_ENV = "COMPILERLM_SHIM_DIR"
DEPTH_ENV = "COMPILERLM_WRAPPER_DEPTH"  # real tools run under wrappers, nested
MAX_DEPTH = 8
RECORDS = "records.jsonl"
LINKS = "links.jsonl"
ERRORS = "errors.jsonl"
# Calls that compile nothing to an object: preprocessing, dependency scans, version probes.
NO_COMPILE = {"-E", "-M", "-MM", "--version", "-v", "-###", "-dumpversion", "-dumpmachine",
               "-print-search-dirs", "-print-prog-name", "-print-file-name", "-fsyntax-only"}
HEADER_LANGUAGES = {"c-header", "c++-header", "objective-c-header", "objective-c++-header"}
# The names builds call compilers (and the archiver) by, each a shim for its wrapper. CMake
# looks for llvm-ar and llvm-ranlib first when the compiler says it is clang: the system's are
# another LLVM's, which cannot read the LLVM 17 bitcode that whole-program builds archive
# (cjson's test library), so they are the GNU tools here, which archive any file.
_TRIPLE = "x86_64-linux-gnu-"
SHIM_NAMES = {"c": ["cc", "gcc", "clang", "gcc-12", f"{_TRIPLE}gcc", f"{_TRIPLE}gcc-12"],
              "c++": ["c++", "g++", "clang++", "g++-12", f"{_TRIPLE}g++", f"{_TRIPLE}g++-12"],
              "ar": ["ar", f"{_TRIPLE}ar", "llvm-ar"]}
# Shims that are the real tool of another name (no wrapper: nothing to record).
TOOL_ALIASES = {"llvm-ranlib": "ranlib"}
_WRAPPERS = {"c": "compilerlm-cc", "c++": "compilerlm-c++", "ar": "compilerlm-ar"}
# Probes a build compiles to learn about the compiler, not code of the project.
_PROBE = re.compile(r"(^|/)(conftest\.(c|cc|cpp)|CMakeFiles/CMake(Tmp|Scratch)/|"
                    r"CMakeFiles/[^/]*/CompilerId|TryCompile-|cmTC_)")


def is_probe(source: str) -> bool:
    """Whether a compiled file is a configure or CMake probe (conftest.c, try-compiles)."""
    return bool(_PROBE.search(source))


def _which_outside_shims(name: str, env=os.environ) -> str | None:
    """`name` on PATH, skipping the shim folder (which would call the wrapper again)."""
    return shutil.which(name, path=without_shims(env).get("PATH", os.defpath))


def real_compiler(language: str, env=os.environ) -> str:
    key = {"c++": "COMPILERLM_REAL_CXX", "ar": "COMPILERLM_REAL_AR"}.get(language,
                                                                         "COMPILERLM_REAL_CC")
    if env.get(key):
        return env[key]
    default = {"c++": "c++", "ar": "ar"}.get(language, "cc")
    found = _which_outside_shims(default, env)
    if found:
        return found
    from ..toolchain.locate import find_toolchain
    tc = find_toolchain()
    return str(tc.clangxx if language == "c++" else tc.clang)


def sources_of(argv: list[str]) -> list[str]:
    """The C/C++ source files a compiler call compiles (none for probes, -E and precompiled
    headers: `-x c++-header` makes a .gch, no code)."""
    if any(a in NO_COMPILE for a in argv):
        return []
    if any((a in HEADER_LANGUAGES and i > 0 and argv[i - 1] == "-x")
           or (a.startswith("-x") and a[2:] in HEADER_LANGUAGES) for i, a in enumerate(argv)):
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


def output_of(argv: list[str], default: str | None) -> str | None:
    for i, a in enumerate(argv):
        if a == "-o" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("-o") and len(a) > 2:
            return a[2:]
    return default


def _absolute(path: str, cwd: str) -> str:
    return str(Path(path) if Path(path).is_absolute() else Path(cwd) / path)


def record_sources(argv: list[str], spool: Path, cwd: str) -> int:
    """Spool the IR of each source `argv` compiles; returns how many were captured."""
    from ..corpus.compile import CompileCommand, _reduce_flags, compile_command_to_ir

    captured = 0
    sources = sources_of(argv)
    for src in sources:
        try:
            path = Path(_absolute(src, cwd))
            cmd = CompileCommand(file=path, directory=Path(cwd),
                                 flags=_reduce_flags(["cc", *argv], src))
            unit = compile_command_to_ir(cmd)
            name = f"{unit.hash.replace(':', '-')}.bc"
            (spool / name).write_bytes(unit.ir)
            obj = output_of(argv, Path(src).with_suffix(".o").name) if len(sources) == 1 \
                else Path(src).with_suffix(".o").name
            append_json_line(spool / RECORDS, {
                "file": name, "name": str(path), "hash": unit.hash, "directory": cwd,
                "arguments": argv, "object": _absolute(obj, cwd)})
            captured += 1
        except Exception as e:  # never fail the build because of the capture
            append_json_line(spool / ERRORS, {"file": src, "directory": cwd,
                                              "error": " ".join(str(e).split())[:500]})
    return captured


def record_link(argv: list[str], spool: Path, cwd: str) -> None:
    """A call that links objects (no -c/-S/-E): its output and the objects and archives it
    took, so units can be traced to binaries."""
    if any(a in ("-c", "-S", "-E") or a in NO_COMPILE for a in argv):
        return
    inputs = [_absolute(a, cwd) for a in argv
              if not a.startswith("-") and a.endswith((".o", ".a", ".lo", ".so"))]
    if inputs:
        append_json_line(spool / LINKS, {"output": _absolute(output_of(argv, "a.out"), cwd),
                                         "inputs": inputs, "directory": cwd})


def record_archive(argv: list[str], spool: Path, cwd: str) -> None:
    """`ar rcs libx.a a.o b.o`: the archive and its members."""
    rest = [a for a in argv[1:] if not a.startswith("-")] if argv else []
    if argv and "r" in argv[0].lstrip("-") or (argv and argv[0].lstrip("-").startswith("q")):
        if rest and rest[0].endswith(".a"):
            append_json_line(spool / LINKS, {"output": _absolute(rest[0], cwd),
                                             "inputs": [_absolute(a, cwd) for a in rest[1:]],
                                             "directory": cwd, "archive": True})


def without_shims(env=os.environ) -> dict:
    """The environment for a real tool: the shim folder off PATH. Tools that call others by
    name (gcc-ar runs `ar`, gcc runs `as`) would otherwise call the shim, which calls the
    tool again, without end."""
    env = dict(env)
    env[DEPTH_ENV] = str(int(env.get(DEPTH_ENV) or 0) + 1)
    shims = env.get(SHIM_DIR_ENV)
    path = env.get("PATH", os.defpath)
    env["PATH"] = os.pathsep.join(d for d in path.split(os.pathsep) if d and (
        not shims or Path(d).resolve() != Path(shims).resolve()))
    return env


def looping() -> bool:
    """Whether wrappers have called each other past any sane depth (a tool that finds the
    shims another way): said once on stderr, so that the build fails instead of forking
    without end."""
    if int(os.environ.get(DEPTH_ENV) or 0) < MAX_DEPTH:
        return False
    print(f"compilerlm: the compiler wrappers called each other {MAX_DEPTH} times deep: a "
          f"tool finds the shims in {os.environ.get(SHIM_DIR_ENV)} by name", file=sys.stderr)
    return True


def wrapper_main(language: str) -> int:
    if looping():
        return 1
    argv = sys.argv[1:]
    real = real_compiler(language)
    rc = subprocess.run([real, *argv], env=without_shims(), check=False).returncode
    spool = os.environ.get(SPOOL_ENV)
    if rc == 0 and spool:
        try:
            if language == "ar":
                record_archive(argv, Path(spool), os.getcwd())
            else:
                record_sources(argv, Path(spool), os.getcwd())
                record_link(argv, Path(spool), os.getcwd())
        except Exception as e:  # the build's result stands, whatever the capture does
            append_json_line(Path(spool) / ERRORS, {"file": "", "directory": os.getcwd(),
                                                    "error": f"capture: {e}"[:500]})
    return rc


def cc_main() -> int:
    return wrapper_main("c")


def cxx_main() -> int:
    return wrapper_main("c++")


def ar_main() -> int:
    return wrapper_main("ar")


def make_shims(folder: Path) -> Path:
    """A folder of shims named like compilers (gcc, cc, g++...), each the wrapper for its
    language, to put first on a build's PATH."""
    folder.mkdir(parents=True, exist_ok=True)
    bindir = Path(sys.executable).parent
    targets = {name: bindir / _WRAPPERS[language]
               for language, names in SHIM_NAMES.items() for name in names}
    for name, tool in TOOL_ALIASES.items():
        found = _which_outside_shims(tool)
        if found:
            targets[name] = Path(found)
    for name, target in targets.items():
        link = folder / name
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(target)
    return folder


def compiler_env(shims: Path, env=None) -> dict:
    """An environment whose builds compile with compilerlm: CC/CXX set to its wrappers and
    the shims folder (make_shims) first on PATH, for builds that call gcc by name."""
    env = dict(env if env is not None else os.environ)
    bindir = Path(sys.executable).parent
    env["CC"] = str(bindir / "compilerlm-cc")
    env["CXX"] = str(bindir / "compilerlm-c++")
    env[SHIM_DIR_ENV] = str(shims)
    env["PATH"] = os.pathsep.join([str(shims), env.get("PATH", os.defpath)])
    return env


def wrapper_env(spool: Path, env=None) -> dict:
    """The environment a captured build runs in: the real tools resolved first (outside any
    shims), then CC/CXX set to the wrappers and the shims put first on PATH."""
    env = dict(env if env is not None else os.environ)
    env["COMPILERLM_REAL_CC"] = env.get("COMPILERLM_REAL_CC") or env.get("CC") or \
        real_compiler("c", env)
    env["COMPILERLM_REAL_CXX"] = env.get("COMPILERLM_REAL_CXX") or env.get("CXX") or \
        real_compiler("c++", env)
    env["COMPILERLM_REAL_AR"] = env.get("COMPILERLM_REAL_AR") or real_compiler("ar", env)
    env[SPOOL_ENV] = str(spool)
    return compiler_env(make_shims(spool / "shims"), env)


def run_captured_build(command: list[str], spool: Path, cwd: str | None = None) -> int:
    spool.mkdir(parents=True, exist_ok=True)
    # The build's output is log: it goes to stderr, so `--json` keeps stdout to itself.
    try:
        return subprocess.run(command, env=wrapper_env(spool), cwd=cwd,
                              stdout=sys.stderr.fileno()).returncode
    except FileNotFoundError:
        from ..errors import InputError
        raise InputError(f"{command[0]}: no such command") from None


def spooled_records(spool: Path) -> list[dict]:
    return read_json_lines(spool / RECORDS)  # a compile killed mid-write: left out


def spooled_units(spool: Path, records: list[dict] | None = None):
    for r in records if records is not None else spooled_records(spool):
        yield Unit(name=r["name"], ir=(spool / r["file"]).read_bytes(), source=r["name"])


def link_records(spool: Path) -> list[dict]:
    return read_json_lines(spool / LINKS)


def binaries_of(records: list[dict], links: list[dict]) -> dict[str, list[str]]:
    """Per captured source file: the binaries and shared libraries (not intermediate
    archives) its object ends up in, through archives as deep as they go."""
    into: dict[str, set[str]] = {}
    for link in links:
        for i in link["inputs"]:
            into.setdefault(i, set()).add(link["output"])
    archives = {link["output"] for link in links if link.get("archive")}

    def finals(path: str, seen: set) -> set[str]:
        out = set()
        for nxt in into.get(path, ()):
            if nxt in seen:
                continue
            seen.add(nxt)
            out |= finals(nxt, seen) if nxt in archives or nxt.endswith((".o", ".lo")) \
                else {nxt}
            if nxt in archives and not into.get(nxt):
                out.add(nxt)  # a static library that is shipped as such
        return out
    return {r["name"]: sorted(finals(r.get("object", ""), set())) for r in records}


def capture_errors(spool: Path) -> list[dict]:
    return read_json_lines(spool / ERRORS)
