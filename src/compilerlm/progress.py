"""Progress bars with ETA on stderr for long jobs (never on stdout, which --json owns)."""

from __future__ import annotations

import contextlib
import threading

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)


@contextlib.contextmanager
def progress_bar(enabled: bool = True):
    """Yields `update(done, total, phase)`; one bar per phase, drawn only on a terminal."""
    console = Console(stderr=True)
    if not enabled or not console.is_terminal:
        yield lambda done, total, phase: None
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
