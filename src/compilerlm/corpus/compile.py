"""The front end: C/C++ sources to unoptimised LLVM-IR with clang-17.

By default IR is made the way LLM Compiler's inputs were (`clang -Oz -Xclang
-disable-llvm-passes -emit-llvm`): functions keep `minsize optsize` and TBAA metadata, so -Oz
is measured fairly. `style="o0"` gives `-O0 -Xclang -disable-O0-optnone` IR instead (which
makes -Oz look 12-40 % worse than it is).

    ir = compile_to_ir(Path("loops.c"))                      # bitcode bytes
    for unit in iter_units(["src/", "build/compile_commands.json"]):
        ...
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FrontendError, InputError
from ..toolchain.locate import find_toolchain
from ..unit import IR_SUFFIXES, SOURCE_SUFFIXES, Unit, read_ir_file

DEFAULT_TARGET = "x86_64-unknown-linux-gnu"  # the only backend the LLVM 17 wheels carry
FRONTEND_STYLES = {
    "oz": ("-Oz", "-Xclang", "-disable-llvm-passes"),
    "o0": ("-O0", "-Xclang", "-disable-O0-optnone"),
}
FRONTEND_TIMEOUT_S = 300
# Flags of a recorded build that would change what we emit or where: dropped from
# compile_commands.json entries (the value-taking ones drop their value too).
_DROP_WITH_VALUE = {"-o", "-MF", "-MT", "-MQ", "-target", "-arch"}
_DROP_EXACT = {"-c", "-S", "-E", "-MD", "-MMD", "-MP", "-M", "-MM", "-emit-llvm", "-pipe",
               "-save-temps"}
_DROP_PATTERN = re.compile(r"^(-O.*|-g.*|-flto.*|-fprofile.*|-Werror.*|-W[al],.*|--target=.*|-march=.*)$")


# What GCC 12 (Debian 12's compiler, which the `gcc` shims stand in for) accepts with a warning
# and clang 16+ rejects by default, so legacy C still compiles (bc's dc.c calls a function it
# never declares). Diagnostics only: the IR of code that compiled before is unchanged. A
# build's own flags come after these, so its choices win.
GCC12_LEGACY_C = ("-Wno-error=implicit-function-declaration", "-Wno-error=implicit-int",
                  "-Wno-error=int-conversion", "-Wno-error=incompatible-function-pointer-types")
GCC12_LEGACY_CXX = ("-Wno-error=register",)  # `register` in C++17 (gnuchess)


def gcc12_leniency(is_cxx: bool) -> tuple[str, ...]:
    return GCC12_LEGACY_CXX if is_cxx else GCC12_LEGACY_C


def as_frontend_takes_it(argv: list[str], is_cxx: bool) -> list[str]:
    """A compile of a build's own source as compilerlm's front end runs it: without the
    build's -Werror (clang 17 warns where gcc 12 did not: indent's -Werror build stops on
    -Wunused-but-set-variable) and with gcc 12's leniency on legacy C. For a clang baseline,
    so that it builds what compilerlm's clang -Oz reference builds."""
    return [*gcc12_leniency(is_cxx), *(a for a in argv if not a.startswith("-Werror"))]


def _run_clang(argv: list[str], what: str, cwd: str | None = None) -> bytes:
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=FRONTEND_TIMEOUT_S, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise FrontendError(f"{what}: clang ran past {FRONTEND_TIMEOUT_S} s") from None
    except OSError as e:
        raise FrontendError(f"{what}: cannot run {argv[0]}: {e.strerror}") from e
    if proc.returncode != 0:
        errors = [ln for ln in proc.stderr.decode(errors="replace").splitlines()
                  if "error" in ln] or proc.stderr.decode(errors="replace").splitlines() or [
            f"exit status {proc.returncode}"]
        more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
        raise FrontendError(f"{what}: {errors[0].strip()}{more}")
    return proc.stdout


def frontend_argv(source: Path, *, style: str = "oz", target: str | None = None,
                  flags: tuple[str, ...] = (), text: bool = False) -> list[str]:
    """The clang command line that turns `source` into unoptimised IR on stdout."""
    if style not in FRONTEND_STYLES:
        raise InputError(f"unknown front-end style {style!r}; choose one of "
                         f"{', '.join(FRONTEND_STYLES)}")
    tc = find_toolchain()
    is_cxx = SOURCE_SUFFIXES.get(source.suffix) == "c++"
    compiler = tc.clangxx if is_cxx else tc.clang
    return [str(compiler), f"--target={target or DEFAULT_TARGET}", *FRONTEND_STYLES[style],
            "-emit-llvm", "-S" if text else "-c", *gcc12_leniency(is_cxx), *flags, str(source),
            "-o", "-"]


def compile_to_ir(source: Path, *, style: str = "oz", target: str | None = None,
                  extra_flags: tuple[str, ...] = (), text: bool = False,
                  cwd: str | None = None) -> bytes:
    """Unoptimised IR of one C/C++ file: bitcode by default (keeps use-list order), or text.

    Without a working directory (a recorded build has its own), clang runs in the file's
    folder on its bare name: the IR then records `source_filename = "loops.c"` however the
    user spelt the path, so the same file always gives the same IR (and hash)."""
    source = Path(source)
    if cwd is None:
        cwd, source_arg = str(source.resolve().parent), Path(source.name)
    else:
        source_arg = source
    argv = frontend_argv(source_arg, style=style, target=target, flags=tuple(extra_flags),
                         text=text)
    return _run_clang(argv, str(source), cwd=cwd)


# -- directories and compile_commands.json -----------------------------------

def discover(path: Path, suffixes=None) -> list[Path]:
    """Source and IR files under a directory, sorted, hidden folders skipped."""
    suffixes = suffixes or (set(SOURCE_SUFFIXES) | IR_SUFFIXES)
    found = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root) / f for f in sorted(files) if Path(f).suffix in suffixes)
    return found


@dataclass(frozen=True)
class CompileCommand:
    """One entry of a compile_commands.json, reduced to what the front end needs."""

    file: Path  # absolute path of the source
    directory: Path  # the working directory of the recorded command
    flags: tuple[str, ...] = field(default=())  # include paths, defines, -std... of the build


def _reduce_flags(args: list[str], source: str) -> tuple[str, ...]:
    kept, skip_next = [], False
    for arg in args[1:]:  # args[0] is the recorded compiler
        if skip_next:
            skip_next = False
            continue
        if arg in _DROP_WITH_VALUE:
            skip_next = True
            continue
        if arg in _DROP_EXACT or _DROP_PATTERN.match(arg) or arg == source:
            continue
        if arg.startswith("-o") and len(arg) > 2:
            continue
        if not arg.startswith("-") and Path(arg).suffix in SOURCE_SUFFIXES:
            continue  # the source file itself, maybe spelt differently
        kept.append(arg)
    return tuple(kept)


def read_compile_commands(path: Path) -> list[CompileCommand]:
    try:
        entries = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not a valid compile_commands.json: {e}") from e
    if not isinstance(entries, list):
        raise InputError(f"{path}: a compile_commands.json must hold a list of entries")
    commands = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or "file" not in entry or "directory" not in entry:
            raise InputError(f"{path}: entry {i} lacks 'file' or 'directory'")
        directory = Path(entry["directory"])
        if "arguments" in entry:
            args = list(entry["arguments"])
        elif "command" in entry:
            args = shlex.split(entry["command"])
        else:
            raise InputError(f"{path}: entry {i} has neither 'arguments' nor 'command'")
        source = Path(entry["file"])
        source = source if source.is_absolute() else directory / source
        if source.suffix not in SOURCE_SUFFIXES:
            continue  # assembly or other languages in the same build
        commands.append(CompileCommand(file=source, directory=directory,
                                       flags=_reduce_flags(args, entry["file"])))
    return commands


# clang 17 says `unknown argument: '-x'` or `unknown argument '-fanalyzer'; did you mean ...`
_UNKNOWN_ARG = re.compile(r"(?:unknown argument:?|unsupported option) '([^']+)'")


def compile_command_to_ir(cmd: CompileCommand, *, style: str = "oz",
                          target: str | None = None) -> Unit:
    """IR for one recorded compilation, with the build's own flags.

    GCC-only flags that clang rejects are dropped one by one (and reported in no error)."""
    flags = list(cmd.flags)
    # The file as seen from the build directory: the IR (source_filename, __FILE__) then does
    # not depend on where the project is checked out, so its hash is the same everywhere.
    try:
        source = Path(cmd.file).relative_to(cmd.directory)
    except ValueError:
        source = Path(cmd.file)
    for _ in range(8):
        try:
            ir = compile_to_ir(source, style=style, target=target,
                               extra_flags=("-Qunused-arguments",
                                            "-Wno-unknown-warning-option", *flags),
                               cwd=str(cmd.directory))
            return Unit(name=str(cmd.file), ir=ir, source=str(cmd.file))
        except FrontendError as e:
            if "input is not a PCH file" in str(e) and "-include" in flags:
                flags = _include_without_pch(flags)
                continue
            m = _UNKNOWN_ARG.search(str(e))
            if not m or m.group(1) not in flags:
                raise
            flags.remove(m.group(1))
    raise FrontendError(f"{cmd.file}: too many flags clang does not know")


def _include_without_pch(flags: list[str]) -> list[str]:
    """`-include X` as the header itself: clang's driver takes a gcc-made X.gch beside it for
    its own precompiled header and fails (CMake's precompiled headers: cppcheck lost 127
    units); the same option given to the compiler proper skips that lookup."""
    out, it = [], iter(flags)
    for flag in it:
        if flag == "-include":
            out += ["-Xclang", "-include", "-Xclang", next(it, "")]
        else:
            out.append(flag)
    return out


def load_unit(path, *, style: str = "oz", target: str | None = None,
              extra_flags: tuple[str, ...] = ()) -> Unit:
    """A Unit from a C/C++ source (through the front end) or an IR file."""
    path = Path(path)
    if path.suffix in SOURCE_SUFFIXES:
        if not path.exists():
            raise InputError(f"{path}: no such file")
        ir = compile_to_ir(path, style=style, target=target, extra_flags=extra_flags)
        return Unit(name=str(path), ir=ir, source=str(path))
    if path.suffix in IR_SUFFIXES:
        return Unit(name=str(path), ir=read_ir_file(path))
    if not path.exists():
        raise InputError(f"{path}: no such file")
    raise InputError(f"{path}: unsupported file type {path.suffix or '(none)'!r}; "
                     f"expected .c .cc .cpp .ll or .bc")


def iter_units(inputs, *, style: str = "oz", target: str | None = None,
               extra_flags: tuple[str, ...] = ()):
    """Units from files, directories (searched recursively), compile_commands.json files and
    corpora built by `compilerlm corpus build`; `extra_flags` go to the front end for C/C++
    files (compile_commands.json entries keep their own)."""
    from .corpus import is_corpus, load_corpus

    for item in inputs:
        path = Path(item)
        if path.is_dir() and is_corpus(path):
            yield from load_corpus(path)
        elif path.name == "compile_commands.json" or path.suffix == ".json":
            for cmd in read_compile_commands(path):
                yield compile_command_to_ir(cmd, style=style, target=target)
        elif path.is_dir():
            files = discover(path)
            if not files:
                raise InputError(f"{path}: no .c/.cc/.cpp/.ll/.bc files in this directory")
            for f in files:
                yield load_unit(f, style=style, target=target, extra_flags=extra_flags)
        else:
            yield load_unit(path, style=style, target=target, extra_flags=extra_flags)
