"""Build, link and run programs: each program's IR once, its reference behaviour once, and
each candidate object per pass list.

C++ programs link against the wheel's libc++ and libunwind, which are not on the loader
path: binaries get an rpath to that folder. Runs are bounded by a time limit, get no stdin,
and keep at most 1 MiB of output; core dumps are switched off (a miscompiled program that
crashes is a normal result here).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..corpus.compile import compile_to_ir
from ..errors import FrontendError
from ..toolchain.locate import find_toolchain
from ..unit import Unit
from .programs import Program

MAX_OUTPUT = 1 << 20
LINK_TIMEOUT_S = 120


@dataclass(frozen=True)
class RunResult:
    exit_code: int | None  # None when it timed out
    stdout: bytes
    stderr_tail: str
    timed_out: bool = False

    @property
    def signal_name(self) -> str | None:
        if self.exit_code is not None and self.exit_code < 0:
            try:
                return signal.Signals(-self.exit_code).name
            except ValueError:
                return f"signal {-self.exit_code}"
        return None


def _no_core_dumps() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    if soft != 0:
        resource.setrlimit(resource.RLIMIT_CORE, (0, hard))


def _compiler(program: Program) -> str:
    tc = find_toolchain()
    return str(tc.clangxx if program.language == "c++" else tc.clang)


def _runtime_flags() -> list[str]:
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
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp_path = path.with_suffix(f".tmp{os.getpid()}")
        tmp_path.write_bytes(ir)
        tmp_path.replace(path)  # atomic: concurrent builders never see half a file
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
    argv = [_compiler(program), level, "-w", *program.compile_flags, str(src), "-o", str(exe),
            *program.link_flags, *_runtime_flags()]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=LINK_TIMEOUT_S)
    if proc.returncode != 0:
        raise FrontendError(f"{program.uri}: reference build failed: {_first_error(proc.stderr)}")
    return exe


def link(program: Program, obj: bytes, workdir: Path) -> tuple[Path | None, str]:
    """Link an object file of the program into an executable; (path, "") or (None, why)."""
    o = workdir / "cand.o"
    o.write_bytes(obj)
    exe = workdir / "cand.exe"
    argv = [_compiler(program), str(o), "-o", str(exe), *program.link_flags, *_runtime_flags()]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=LINK_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, f"link ran past {LINK_TIMEOUT_S} s"
    if proc.returncode != 0:
        return None, _first_error(proc.stderr)
    return exe, ""


def run(program: Program, exe: Path) -> RunResult:
    _no_core_dumps()
    try:
        proc = subprocess.run([str(exe), *program.args], stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=program.timeout)
    except subprocess.TimeoutExpired as e:
        return RunResult(None, (e.stdout or b"")[:MAX_OUTPUT], "", timed_out=True)
    tail = proc.stderr.decode(errors="replace").strip().splitlines()
    return RunResult(proc.returncode, proc.stdout[:MAX_OUTPUT], tail[-1][:300] if tail else "")


def user_check(program: Program, exe: Path) -> tuple[bool, str]:
    """Run the user's check command (argv, no shell) with the binary's path appended."""
    _no_core_dumps()
    argv = [*program.check_command, str(exe)]
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=max(program.timeout, 60))
    except subprocess.TimeoutExpired:
        return False, f"check command ran past {max(program.timeout, 60):g} s"
    except OSError as e:
        return False, f"cannot run check command {argv[0]!r}: {e.strerror}"
    if proc.returncode == 0:
        return True, ""
    tail = (proc.stderr or proc.stdout).decode(errors="replace").strip().splitlines()
    return False, f"check command exited {proc.returncode}" + (f": {tail[-1][:200]}" if tail else "")
