"""Running a command tree that must stop whole: builds, test suites, programs.

`subprocess.run(timeout=...)` kills only the process it started; a `make` it started keeps
its compilers running, and they keep the CPU (an orphaned openssl build ran on for twenty
minutes after its time limit). Each command here gets a session of its own, and a timeout,
Ctrl-C or any error kills the whole session.

    code = run_session(["make", "-j2"], timeout=600, cwd=tree, stdout=log)  # None: timed out
"""

from __future__ import annotations

import os
import signal
import subprocess


def kill_group(proc: subprocess.Popen) -> None:
    """Kill the process's whole session (it was started with start_new_session)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


def wait_session(proc: subprocess.Popen, timeout: float) -> int | None:
    """The exit status, or None when it ran out of time (its whole session killed)."""
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        return None
    except BaseException:  # Ctrl-C: nothing of it is left running
        kill_group(proc)
        raise


def run_session(argv: list[str], timeout: float, **popen) -> int | None:
    """Run argv in a session of its own (stdin closed unless given); its exit status, or None
    when it ran past the timeout. OSError (no such program) is the caller's."""
    popen.setdefault("stdin", subprocess.DEVNULL)
    proc = subprocess.Popen(argv, start_new_session=True, **popen)
    return wait_session(proc, timeout)
