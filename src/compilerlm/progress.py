"""Progress bars with ETA on stderr for long jobs (never on stdout, which --json owns).

On a terminal (and without --json) a rich bar per phase. Otherwise, as when a long corpus
build or labelling run writes its stderr to a log file, a plain line at most every
LINE_EVERY_S seconds once the job has run that long ("progress: 48/2000 programs tuned,
12m elapsed, ETA 8h10m"), so that the log says how far it is; short runs print nothing."""

from __future__ import annotations

import contextlib
import sys
import threading
import time

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)


@contextlib.contextmanager
def progress_bar(enabled: bool = True):
    """Yields `update(done, total, phase)`: one bar per phase on a terminal, else (or with
    enabled=False, as --json asks) plain lines now and then (progress_lines)."""
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield progress_lines()
        return
    tasks: dict[str, int] = {}
    lock = threading.Lock()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                  console=console, transient=True) as progress:
        def update(done: int, total: int, phase: str) -> None:
            with lock:
                if phase not in tasks:
                    tasks[phase] = progress.add_task(phase, total=total)
                progress.update(tasks[phase], completed=done, total=total)
        yield update


LINE_EVERY_S = 60.0


def _duration(seconds: float) -> str:
    m = int(seconds // 60)
    return f"{m // 60}h{m % 60:02d}m" if m >= 60 else f"{m}m"


def progress_lines(every: float = LINE_EVERY_S, stream=None, clock=time.monotonic):
    """`update(done, total, phase)` that writes a plain line to stderr (`stream`) at most
    every `every` seconds, the first once the job has run that long; the ETA is from the
    reported phase's own rate since it was first reported."""
    began = clock()
    phase_began: dict[str, tuple[float, int]] = {}  # phase -> (time, done) when first seen
    last = [began]
    lock = threading.Lock()

    def update(done: int, total: int, phase: str) -> None:
        now = clock()
        with lock:
            start = phase_began.setdefault(phase, (now, done))
            if now - last[0] < every:
                return
            last[0] = now
        line = f"progress: {done}/{total} {phase}, {_duration(now - began)} elapsed"
        rate = (done - start[1]) / (now - start[0]) if now > start[0] else 0
        if rate > 0 and total > done:
            line += f", ETA {_duration((total - done) / rate)}"
        print(line, file=stream or sys.stderr, flush=True)
    return update
