"""Running untrusted programs: every binary built from a candidate list, and the user's check
command that runs one, is confined.

A miscompiled program can do anything its source never meant to: write files by absolute
path, fill the disk, reserve all memory, fork without end, talk to the network. Each run
gets

- a fresh temporary working directory (its only writable place) and a scrubbed environment
  (PATH, HOME and TMPDIR pointing into that directory, LC_ALL=C), stdin closed;
- limits (setrlimit): address space, CPU time, file size, processes, no core dumps;
- where Debian's `bubblewrap` is installed (`make test` installs it) and works here: a
  read-only view of the whole file system (but for that directory), and new user, PID,
  network, IPC and UTS namespaces (no network at all), killed with its parent.

stdout and stderr go to files in the working directory (so the file-size limit bounds them
too) and at most MAX_OUTPUT bytes of stdout are read back. A run that hits a limit is a
result (`RunResult.limit` names it), never an exception.

    with Confinement() as box:
        result = box.run([str(exe), *args], timeout=10)
        result.exit_code, result.stdout, result.limit
"""

from __future__ import annotations

import functools
import resource
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..processes import run_session

MAX_OUTPUT = 1 << 20  # stdout bytes kept for comparison
ADDRESS_SPACE = 4 << 30  # bytes; the test programs need a few MiB, a leak stops here
FILE_SIZE = 64 << 20  # bytes any one file (stdout included) may reach
PROCESSES = 256  # per user: a fork bomb stops here (the kernel exempts real root, not
#                  bubblewrap's user namespace)
# Signals by which the kernel enforces the limits above.
LIMIT_SIGNALS = {signal.SIGXCPU: "CPU time limit", signal.SIGXFSZ: "file size limit"}
# bubblewrap exits with 128 + n when the program dies of signal n: read back as -n (what
# subprocess reports without it) for the signals a broken program dies of.
_FATAL_SIGNALS = {signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGFPE, signal.SIGILL,
                  signal.SIGKILL, signal.SIGTRAP, signal.SIGSYS, signal.SIGXCPU,
                  signal.SIGXFSZ}


@dataclass(frozen=True)
class RunResult:
    exit_code: int | None  # None when it timed out
    stdout: bytes  # at most MAX_OUTPUT bytes
    stderr_tail: str  # the last line of stderr, for messages
    timed_out: bool = False

    @property
    def signal_name(self) -> str | None:
        if self.exit_code is not None and self.exit_code < 0:
            try:
                return signal.Signals(-self.exit_code).name
            except ValueError:
                return f"signal {-self.exit_code}"
        return None

    @property
    def limit(self) -> str | None:
        """Which limit stopped the program, if one did."""
        if self.exit_code is not None and self.exit_code < 0:
            return LIMIT_SIGNALS.get(-self.exit_code)
        return None


@functools.lru_cache(maxsize=1)
def bubblewrap() -> str | None:
    """bwrap's path when it is installed and can make namespaces here (containers may not
    allow it), else None."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    try:
        probe = subprocess.run([path, *_BWRAP_VIEW, "--unshare-all", "--die-with-parent",
                                "/bin/true"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if probe.returncode == 0 else None


def confinement_kind() -> str:
    """What confines runs on this machine, in words (doctor and the docs report it)."""
    return "bubblewrap namespaces + rlimits" if bubblewrap() else "rlimits only"


# The whole file system read-only, /tmp included (a private tmpfs there would hide the
# binaries and the LLVM wheel's libc++ of a checkout that lives under /tmp).
_BWRAP_VIEW = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]


def _limit_values(cpu_seconds: int) -> dict[int, int]:
    """The soft limits of a confined run, never above the hard limits this process has."""
    wanted = {resource.RLIMIT_AS: ADDRESS_SPACE, resource.RLIMIT_CPU: cpu_seconds,
              resource.RLIMIT_FSIZE: FILE_SIZE, resource.RLIMIT_NPROC: PROCESSES,
              resource.RLIMIT_CORE: 0}
    out = {}
    for what, value in wanted.items():
        hard = resource.getrlimit(what)[1]
        out[what] = value if hard == resource.RLIM_INFINITY else min(value, hard)
    return out


_PRLIMIT_NAMES = {resource.RLIMIT_AS: "as", resource.RLIMIT_CPU: "cpu",
                  resource.RLIMIT_FSIZE: "fsize", resource.RLIMIT_NPROC: "nproc",
                  resource.RLIMIT_CORE: "core"}


@functools.lru_cache(maxsize=1)
def _prlimit() -> str | None:
    return shutil.which("prlimit")  # looked up once, not per program run


def _with_limits(argv: list[str], cpu_seconds: int) -> tuple[list[str], object]:
    """argv under the limits, and the preexec function that sets them, if one is needed.
    util-linux's `prlimit` sets them and execs the program: a fork with a Python
    preexec_fn costs 18 ms from a large process (pytest), prlimit's exec 1 ms."""
    values = _limit_values(cpu_seconds)
    prlimit = _prlimit()
    if prlimit:
        flags = [f"--{_PRLIMIT_NAMES[what]}={value}:" for what, value in values.items()]
        return [prlimit, *flags, "--", *argv], None

    def preexec() -> None:
        for what, value in values.items():
            resource.setrlimit(what, (value, resource.getrlimit(what)[1]))
    return list(argv), preexec


class Confinement:
    """A fresh working directory for one or more runs; removed on exit."""

    def __enter__(self) -> "Confinement":
        self._tmp = tempfile.TemporaryDirectory(prefix="compilerlm-run-")
        self.workdir = Path(self._tmp.name)
        return self

    def __exit__(self, *exc) -> None:
        self._tmp.cleanup()

    def environment(self) -> dict[str, str]:
        return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(self.workdir),
                "TMPDIR": str(self.workdir), "LC_ALL": "C", "LANG": "C"}

    def argv(self, argv: list[str]) -> list[str]:
        """argv wrapped in bubblewrap where it works, the working directory bound writable
        (everything else is visible read-only)."""
        bwrap = bubblewrap()
        if bwrap is None:
            return list(argv)
        return [bwrap, *_BWRAP_VIEW, "--bind", str(self.workdir), str(self.workdir),
                "--chdir", str(self.workdir), "--unshare-all", "--die-with-parent",
                "--new-session", "--", *argv]

    def run(self, argv: list[str], timeout: float) -> RunResult:
        """Run argv confined; its stdout (first MAX_OUTPUT bytes), exit status, limits."""
        out_path, err_path = self.workdir / ".stdout", self.workdir / ".stderr"
        limited, preexec = _with_limits(self.argv(argv), max(1, int(timeout) + 1))
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            try:  # a session of its own: a timeout kills everything it started
                code = run_session(limited, timeout, stdout=out, stderr=err, cwd=self.workdir,
                                   env=self.environment(), preexec_fn=preexec)
            except OSError as e:
                return RunResult(127, b"", f"cannot run {argv[0]}: {e.strerror}")
        timed_out = code is None
        if code is not None and bubblewrap() and code > 128 and (code - 128) in _FATAL_SIGNALS:
            code = -(code - 128)
        with open(out_path, "rb") as f:
            stdout = f.read(MAX_OUTPUT)
        tail = err_path.read_bytes()[-4096:].decode(errors="replace").strip().splitlines()
        return RunResult(code, stdout, tail[-1][:300] if tail else "", timed_out=timed_out)
