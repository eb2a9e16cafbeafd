"""Build, link and run programs: each program's IR once, its reference behaviour once, and
each candidate object per pass list.

C++ programs link against the wheel's libc++ and libunwind, which are not on the loader
path: binaries get an rpath to that folder. Every run, the reference build's too, is confined
(confine.py): a fresh working directory, limits, no stdin, a scrubbed environment and, where
bubblewrap works, a read-only file system without network. A miscompiled program that
crashes is a normal result here.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from ..corpus.compile import compile_to_ir
from ..errors import FrontendError
from ..toolchain.locate import find_toolchain
from ..unit import Unit
from .confine import Confinement, RunResult
from .programs import Program

LINK_TIMEOUT_S = 120


def compiler_of(program: Program) -> str:
    tc = find_toolchain()
    return str(tc.clangxx if program.language == "c++" else tc.clang)


def runtime_flags() -> list[str]:
    runtime = find_toolchain().runtime_lib_dir
    return [f"-Wl,-rpath,{runtime}"] if runtime else []


def program_ir(program: Program, cache_dir: Path | None) -> Unit:
    """Unoptimised IR of the program (LLM Compiler's front-end style), cached on disk."""
    path = cache_dir / f"{program.hash.replace(':', '-')}.bc" if cache_dir else None
    if path is not None and path.exists():
        return Unit(name=program.uri, ir=path.read_bytes())
    with tempfile.TemporaryDirectory(prefix="compilerlm-prog-") as tmp:
        src = Path(tmp) / f"prog{program.suffix}"
        src.write_text(program.source)
        ir = compile_to_ir(src, extra_flags=("-w", *program.compile_flags))
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp_path = path.with_suffix(f".tmp{os.getpid()}")
            tmp_path.write_bytes(ir)
            tmp_path.replace(path)  # atomic: concurrent builders never see half a file
        except OSError:
            pass  # a read-only cache folder: built again next time, nothing lost
    return Unit(name=program.uri, ir=ir)


def _first_error(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if "error" in ln.lower()]
    return (errors or lines or ["failed"])[0][:300]


def build_reference(program: Program, workdir: Path, level: str = "-O0") -> Path:
    """Build the program from source at `level`: the behaviour every list must keep."""
    src = workdir / f"ref{program.suffix}"
    src.write_text(program.source)
    exe = workdir / "ref.exe"
    argv = [compiler_of(program), level, "-w", *program.compile_flags, str(src), "-o",
            str(exe), *program.link_flags, *runtime_flags()]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=LINK_TIMEOUT_S)
    if proc.returncode != 0:
        raise FrontendError(f"{program.uri}: reference build failed: {_first_error(proc.stderr)}")
    return exe


def link(program: Program, obj: bytes, workdir: Path) -> tuple[Path | None, str]:
    """Link an object file of the program into an executable; (path, "") or (None, why)."""
    o = workdir / "cand.o"
    o.write_bytes(obj)
    exe = workdir / "cand.exe"
    argv = linker_argv(program, o, exe)
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=LINK_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, f"link ran past {LINK_TIMEOUT_S} s"
    if proc.returncode != 0:
        return None, _first_error(proc.stderr)
    return exe, ""


# The linker command line the clang driver runs, per compiler and link flags, with the
# object and the executable as placeholders. Verification links every suite program for
# every list it checks; calling ld.lld directly skips the driver's start-up: 18 ms a link
# instead of 29 (benchmarks/bench_verification_cost.py, docs/datasets.md on labels' cost).
_OBJECT, _EXECUTABLE = "\0object", "\0executable"
_link_lines: dict[tuple, list[str] | None] = {}
_link_lines_lock = threading.Lock()


def driver_link_argv(program: Program, obj: Path, exe: Path) -> list[str]:
    """The clang driver linking `obj` into `exe` with the program's flags."""
    return [compiler_of(program), str(obj), "-o", str(exe), *program.link_flags,
            *runtime_flags()]


def linker_argv(program: Program, obj: Path, exe: Path) -> list[str]:
    """The command that links `obj` into `exe`: the linker the clang driver would run, with
    the driver's arguments, or the driver itself when its plan is not a single linker job."""
    key = (compiler_of(program), program.link_flags, tuple(runtime_flags()))
    with _link_lines_lock:
        if key not in _link_lines:
            _link_lines[key] = _driver_link_line(program)
        line = _link_lines[key]
    if line is None:
        return driver_link_argv(program, obj, exe)
    return [str(obj) if a == _OBJECT else str(exe) if a == _EXECUTABLE else a for a in line]


def _driver_link_line(program: Program) -> list[str] | None:
    """What `clang -###` says it would run to link one object of the program, the object
    and output replaced by placeholders; None unless that is exactly one job naming both."""
    with tempfile.TemporaryDirectory(prefix="compilerlm-link-") as tmp:
        obj, exe = Path(tmp) / "in.o", Path(tmp) / "out.exe"
        obj.touch()
        driver = driver_link_argv(program, obj, exe)
        try:
            proc = subprocess.run([driver[0], "-###", *driver[1:]], capture_output=True,
                                  text=True, timeout=LINK_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired):
            return None
    jobs = [ln for ln in proc.stderr.splitlines() if ln.startswith(' "')]
    if proc.returncode != 0 or len(jobs) != 1:
        return None
    line = shlex.split(jobs[0])
    if line.count(str(obj)) != 1 or line.count(str(exe)) != 1:
        return None
    return [_OBJECT if a == str(obj) else _EXECUTABLE if a == str(exe) else a for a in line]


def run(program: Program, exe: Path) -> RunResult:
    """Run the program's binary, confined, with its arguments."""
    with Confinement() as box:
        return box.run([str(exe), *program.args], program.timeout)


def user_check(program: Program, exe: Path) -> tuple[bool, str]:
    """Run the user's check command (argv, no shell) with the binary's path appended, confined
    like the binary itself: its arguments that name files of the caller's working directory
    are made absolute, since it runs in a fresh one (readable, not writable)."""
    argv = [_absolute(a) for a in program.check_command] + [str(exe)]
    argv[0] = shutil.which(argv[0]) or argv[0]  # found on the caller's PATH, not the scrubbed one
    timeout = max(program.timeout, 60)
    with Confinement() as box:
        result = box.run(argv, timeout)
    if result.timed_out:
        return False, f"check command ran past {timeout:g} s"
    if result.exit_code == 127 and result.stderr_tail.startswith("cannot run"):
        return False, f"{result.stderr_tail} (check command)"
    if result.exit_code == 0:
        return True, ""
    tail = result.stderr_tail or result.stdout.decode(errors="replace").strip()[-200:]
    return False, f"check command exited {result.exit_code}" + (f": {tail}" if tail else "")


def _absolute(arg: str) -> str:
    return str(Path(arg).resolve()) if not arg.startswith("-") and os.path.exists(arg) else arg
